import AlmanacDraft
import Testing

/// Round 11 (issue 16, set 11, dev/481–503): classes of failure that set 11 shares with earlier development
/// documents of other sources, one passage each, written for the test.
@Suite struct Round11DraftTests {
    func draft(_ text: String) throws -> Draft { try DraftTestSupport.draft(text) }
    func whens(_ text: String) throws -> [String] { try draft(text).items.map(\.when) }

    @Test func aSigningDateInNumeralsIsNoItem() throws {
        // The notice is signed under the signer's name with a date in numerals (a placeholder year too).
        let notice = """
            各乡镇妇联:
            各种活动的简报于2012年3月15日前上报县妇联办公室。
            县妇女联合会
            二○一二年二月六日
            """
        #expect(try whens(notice) == ["03-15"])
        let placeholder = """
            请于5月16日前报送总结。
            县妇联
            二〇**年五月三日
            """
        #expect(try whens(placeholder) == ["05-16"])
        // A numeral date inside a sentence is still read.
        #expect(try whens("二○一二年三月五日,县妇联开展学雷锋志愿服务活动。") == ["03-05"])
    }

    @Test func aContinuationOfAnActivityToldBeforeIsNoItem() throws {
        // The clause points back (此次) to the action dated before it.
        let news = """
            7月18日至19日,县“扫黄打非”办公室联合开展了暑期集中行动。
            据悉,此次行动将持续到9月份
            """
        #expect(try whens(news) == ["07-18..07-19"])
        // The sentence dated the month before the continuation's clause.
        #expect(try whens("活动时间为6月1日至6月30日,部分内容延续至年底。") == ["06-01..06-30"])
        // A start and an end of one window stay one window; a continuation with its own start is an item.
        #expect(try whens("本次活动将于6月1日正式启动,并持续至6月30日结束。") == ["06-01..06-30"])
        #expect(try whens("整治工作从即日起持续到12月底。").count == 1)
    }

    @Test func aNamedDaysHistoryIsNoItem() throws {
        // A span of years that ended before a year the text writes, and a day fixed from a year on.
        let history = """
            2002——2013年,“安全生产宣传咨询日”活动选在6月份的第二个星期日举行。为打造咨询日品牌,自2014年起将全国安全生产咨询日活动固定在每年6月16日。
            6月16日,县安全生产监督管理局在广场举行了安全生产咨询活动。
            """
        #expect(try whens(history) == ["06-16"])
        // A span of years that has not ended (a cycle) leaves the plan's dates alone.
        let cycle = """
            立足2024-2026年全国文明城市创建周期,持续开展农村人居环境整治。
            4月,组织召开2024年农村人居环境清洁行动工作会议。
            """
        #expect(try whens(cycle) == ["04-01..04-last"])
    }

    @Test func aRangesFirstDayWithout日IsReadWhenItsLastDayIsWhole() throws {
        // 至 between the days, the last with its 日 or closed by the bracket of a week's label.
        #expect(try whens("4月12至13日,承办全市歌曲新作演唱大赛。") == ["04-12..04-13"])
        #expect(try whens("第三周(6月19至23)为应急救援演练周,第四周(6月25至30日)为安全法治宣传周。") == ["06-19..06-23", "06-25..06-30"])
        // A bare number cut off at the line's end is still no day.
        #expect(try whens("活动安排如下:6月19至23") == [])
    }

    @Test func theCutLastSentenceOfATextHoldsNoItemWithoutItsActivity() throws {
        // The text stops right after a frame and one character of the next clause.
        let cut = """
            在5月,结合“五四”青年节,组织辖区妇女参加社区趣味运动会。
            在6月,结合“六一”国际儿童节的到来,社
            """
        #expect(try whens(cut).contains("05-01..05-last"))
        #expect(try !whens(cut).contains("06-01..06-last"))
        // A cut sentence that has started its activity keeps it; so does a text ending on a whole date.
        let started = """
            5月,加强旅游景区周边环境清理整治;
            6月,强化水域环境净
            """
        #expect(try whens(started) == ["05-01..05-last", "06-01..06-last"])
        #expect(try whens("一、灯谜晚会\n时间:2月14-15日") == ["02-14..02-15"])
        // A last line that names its activity (活动) or goes on to a time is whole, and only the text's last line can be cut.
        #expect(try whens("小学德育工作计划\n三月:\n1、开展植树节活动").count == 1)
        #expect(try whens("二、活动时间\n8月28日上午9:00—下午4:00") == ["08-28"])
        // A sentence that ends with its mark is not cut.
        #expect(try whens("6月1日,社区开展六一活动。") == ["06-01"])
    }

    @Test func aFestivalFramingADatedClauseAsItsThemeIsNoItem() throws {
        // 结合X的主题 frames the month's activity: one item, the month's.
        #expect(try whens("在5月,结合“五四”青年节的主题,组织辖区妇女参加社区趣味运动会。") == ["05-01..05-last"])
        // A festival that is the activity's own day stays.
        #expect(try whens("5月4日青年节,团委组织青年座谈会。").count == 1)
    }

    @Test func aClauseFramingTheThemeDoesNotTitleTheActivity() throws {
        // The clause that acts after the frame titles the window.
        let d = try draft("从6月1日至6月30日,盘龙乡围绕“全面落实企业安全生产主体责任”的活动主题,开展一系列“安全生产月”活动。")
        #expect(d.items.map(\.when) == ["06-01..06-30"])
        #expect(d.items.first?.title.contains("安全生产月") == true)
    }
}
