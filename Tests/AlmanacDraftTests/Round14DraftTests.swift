import AlmanacDraft
import Testing

/// Round 14 (issue 16, sets 15 and 16, dev/577–623): classes of failure of the two sets, one passage each,
/// written for the test.
@Suite struct Round14DraftTests {
    func draft(_ text: String) throws -> Draft { try DraftTestSupport.draft(text) }
    func whens(_ text: String) throws -> [String] { try draft(text).items.map(\.when) }

    @Test func daysAndWindowsWrittenMonthSlashDay() throws {
        // A school calendar of Taiwan: 2/15 開學日, 4/11~13 新生報到; a reference inside a word is none (補2/15).
        let calendar = """
            某國小行事曆
            第1週 02-11 ~ 02-17
              1. 2/15 開學日不上課
              3. 2/17 補上課(補2/15)
              1. 4/11~13 新生報到
            """
        #expect(try whens(calendar) == ["02-15", "02-17", "04-11..04-13"])
        // Not a fraction or a number with no words after it.
        #expect(try whens("说明\n约 1/3 的居民参加。\n完成率 3/4\n").isEmpty)
    }

    @Test func aStretchMeasuredAfterItsDayIsAWindow() throws {
        #expect(try whens("某州防灾减灾日活动\n5月9日,我州启动为期一周的防灾减灾系列宣传活动。") == ["05-09..05-15"])
        #expect(try whens("某县活动\n12月20日起开展为期一个月的专项整治。") == ["12-20..01-18"])
        // Another date between the day and the stretch: the stretch is not the day's.
        #expect(try whens("某县活动\n3月1日召开会议,部署4月开展的为期两周的检查。").contains("03-01"))
    }

    @Test func aDayToALaterMonthsPartIsOneWindow() throws {
        #expect(try whens("某市读书活动\n从4月23日开始到9月底期间,开展读书活动。") == ["04-23..09-last"])
        #expect(try whens("某市整治\n3月5日至4月中旬开展整治。") == ["03-05..04-20"])
        #expect(try whens("某市整治\n3月1日起至3月31日开展整治。") == ["03-01..03-31"])
    }

    @Test func numberedWeeksToldWithShi() throws {
        let plan = """
            某县安全生产月活动方案
            活动时间:6月1日至30日
            活动主题:第一周是安全生产事故警示教育周
            第二周是安全文化普及周
            """
        #expect(try whens(plan) == ["06-01..06-30", "06-01..06-07", "06-08..06-14"])
    }

    @Test func aPointsHeadingSentenceBeforeItsTimeLabelNamesIt() throws {
        let programme = "某镇六一活动安排\n1、少先队鼓号大检阅。时间:5月30日下午。全镇十四所学校均派一支鼓号队参加检阅。\n"
        #expect(try draft(programme).items.map(\.title) == ["少先队鼓号大检阅"])
    }

    @Test func aHalfOfTheYearNamingAReportsPartIsNoItem() throws {
        let summary = """
            团委半年工作总结
            团县委2023年度上半年工作总结及下半年工作思路
            一、上半年特色亮点工作举措
            5月4日,团县委召开五四表彰大会。
            """
        #expect(try whens(summary) == ["05-04"])
        #expect(try whens("某处工作\n组织离退休职工开展活动,是我处今年下半年的重点工作。").isEmpty)
    }

    @Test func aMonthAndAFestivalInOneClauseDateOneActivity() throws {
        #expect(try whens("某公司工会工作计划\n四、组织开展集体活动\n2、二月份全体职工欢度春节,做好慰问一线员工的工作。\n") == ["春节"])
        // Apart, each is its own.
        #expect(try whens("某公司工会工作计划\n四、组织开展集体活动\n1、一月份举办元旦晚会。\n2、三月份组织植树活动。\n").count == 2)
    }

    @Test func aDescriptionOfWhenANamedDayFallsIsNoItem() throws {
        // A sentence that says when the day falls each year and does nothing on it describes it, festivals and all.
        #expect(try whens("元宵节活动\n每年农历的正月十五日,春节刚过,迎来的就是中国的传统节日--元宵节。\n").isEmpty)
        // A lunar day described with 是 and no act; a window named as a campaign's numbered week.
        #expect(try whens("元宵节活动\n正月十五日是一年中第一个月圆之夜。\n").isEmpty)
        #expect(try whens("宪法宣传\n今年12月4日是第十一个国家宪法日,12月1日至7日是第七个“宪法宣传周”。\n").isEmpty)
        // A named day's week defined; an act on the yearly day stays.
        #expect(try whens("体育宣传\n根据规定,每年全民健身日所在周为体育宣传周。\n").isEmpty)
        #expect(try whens("元宵节活动\n每年农历正月十五日,社区举办猜灯谜活动。\n") == ["lunar 01-15"])
    }
}
