import AlmanacDraft
import Testing

/// Round 13 (issue 16, sets 13 and 14, dev/529–575): classes of failure that the two sets share with earlier
/// development documents or with each other, one passage each, written for the test.
@Suite struct Round13DraftTests {
    func draft(_ text: String) throws -> Draft { try DraftTestSupport.draft(text) }
    func whens(_ text: String) throws -> [String] { try draft(text).items.map(\.when) }

    @Test func aTableFlattenedOneCellPerLineDatesEachRowByItsDateCell() throws {
        // The month's cells (theme, named days, numbered activities) share the first row with the first week; each
        // week row (label / dates / theme / class) is one item of its window, titled by its theme.
        let table = """
            某小学春季德育工作安排表
            月份、主题
            | 月活动
            | 周次
            | 起止日期
            | 周主题
            | 责任班级
            |
            三月份
            安全教育月
            3.8 妇女节
            | 1、行为规范养成教育
            | 第一周
            | 3月1日—3月7日
            | 开学典礼
            新学期致词
            | 6年级
            |
            第二周
            | 3月8日—3月14日
            | 学雷锋
            | 5年级
            |
            """
        let items = try draft(table).items
        #expect(items.map(\.when) == ["03-08", "03-01..03-last", "03-01..03-07", "03-08..03-14"])
        #expect(items.map(\.title).suffix(2) == ["开学典礼", "学雷锋"])
        // Without the parting lines (no table), a short line under a month heading is still the month's point.
        #expect(try whens("工作安排\n三月份\n开学典礼\n") == ["03-01..03-last"])
    }

    @Test func aNamedDayListedInAMonthsPartIsOnItsOwnDay() throws {
        let plan = """
            某小学德育工作安排
            五月份
            第二个星期母亲节
            第三个星期日 全国助残日
            5.31 世界无烟日
            六月份
            3、开展优秀诗文诵读活动
            """
        #expect(try whens(plan) == ["母亲节", "全国助残日", "05-31", "06-01..06-last"])
        // 第二个, 第一周, 第三次 count; they do not number a point (第二、 does).
        #expect(try whens("工作安排\n五月份\n第二、开展母亲节感恩活动\n") == ["母亲节"])
    }

    @Test func aMonthsThemeIsNoItem() throws {
        // Under the month's heading, or after its label: a name for the month ending in 月, naming no activity.
        #expect(try whens("某小学德育工作安排\n三月份\n安全教育月\n1、学雷锋活动\n") == ["03-01..03-last"])
        let themes = """
            附每月教育主题:
            9月份: 行為規範月,尊敬師長月。
            10月份:講文明,愛我支中月。
            """
        #expect(try whens(themes).isEmpty)
        // A month named for a campaign in a sentence of its own stays (今年6月是全国第16个“安全生产月”,……开展……).
        #expect(try whens("某社区活动方案\n三月份\n学雷锋活动月\n") == ["03-01..03-last"])
    }

    @Test func theNumberedPointsOfAMonthsPlanAreOfThatMonth() throws {
        let plan = "市教育局五月份的工作安排教育局副局长主持召开行政办公会议,研究部署五月份工作。主要工作如下:1、切实做好义务教育均衡发展推进工作。召开五大项目工程推进工作会。2、认真开展好师德教育月活动。加大“家访活动”力度。3、认真做好中考工作。"
        let items = try draft(plan).items
        #expect(items.filter { $0.when == "05-01..05-last" }.count >= 3)
        #expect(items.contains { $0.title.contains("中考工作") })
        // A plan without a month in its title gives its points none.
        #expect(try whens("市教育局工作安排\n主要工作如下:1、切实做好义务教育均衡发展推进工作。2、认真做好中考工作。").isEmpty)
    }

    @Test func aFestivalHeadingInBracketsDatesItsNumberedPoints() throws {
        let plan = """
            某局我们的节日主题活动实施方案
            三、活动内容
            (一)清明节活动
            1、开展线上祭扫活动。以慎终追远、缅怀先烈为主题。
            2、开展推进移风易俗活动。发出文明祭祀倡议书。
            (二)端午节活动
            1、开展爱党爱国教育活动。
            """
        let items = try draft(plan).items
        #expect(items.map(\.when) == ["清明", "清明", "端午节"])
        #expect(items.map(\.title) == ["开展线上祭扫活动", "开展推进移风易俗活动", "开展爱党爱国教育活动"])
    }

    @Test func placeholderYearsAndTheNextYearsMonth() throws {
        // A window across the new year, with blank years or 次年.
        #expect(try whens("某局活动方案\n二、活动时间\n活动时间：20__年4月至20__年3月。\n") == ["04-01..03-last"])
        #expect(try whens("某局活动方案\n二、活动时间\n活动时间：4月至次年3月。\n") == ["04-01..03-last"])
        // A signing date with a one-character placeholder year (X年3月4日) under the signing unit.
        let notice = """
            关于开展植树活动的通知
            各镇于3月12日组织干部职工开展义务植树活动。
            中共xx县委办公室
            X年3月4日
            """
        #expect(try whens(notice) == ["03-12"])
    }

    @Test func aNamedDayDefinedForEveryYearIsNoItem() throws {
        // 设立的节日, 定为 …周, 固定在每年: the sentence says which day the named day is.
        #expect(try whens("国家宪法日是为增强全社会宪法意识,在每年12月4日设立的节日。").isEmpty)
        #expect(try whens("河南省文明委将每年3月份的第一周定为「新时代文明实践推动周」。").isEmpty)
        #expect(try whens("自2014年起将全国安全生产咨询日活动固定在每年6月16日。").isEmpty)
        // A yearly activity on a day stays.
        #expect(try whens("社区每年3月5日开展学雷锋志愿服务活动。") == ["03-05"])
    }

    @Test func aSpacedDottedDateOpeningItsLineBeforeANamedDay() throws {
        #expect(try whens("三月份节日\n3.8 妇女节\n3.15 消费者维权日\n") == ["03-08", "03-15"])
        // A decimal before a space stays a number.
        #expect(try whens("工作目标\n3.5 万人次参加活动\n").isEmpty)
    }

    @Test func aWindowWrittenMonthSlashDay() throws {
        let cell = "作業抽查 |\n11/11-11/15 國習 11/18-11/22 數習 1/13-1/20 作文 |\n12月14日 |\n校慶運動會 |\n"
        #expect(try whens(cell) == ["11-11..11-15", "11-18..11-22", "01-13..01-20", "12-14"])
        // Not inside a word, a path or a longer date.
        #expect(try whens("说明\n比例1/2-3/4的居民参与。网址 http://a.cn/1/2-3/4 。2024/11/11-11/15 开放\n").isEmpty)
    }
}
