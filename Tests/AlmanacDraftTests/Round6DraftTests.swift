import AlmanacDraft
import Testing

/// Round 6 of the corpus (issue 16, set 6, dev/331–361: a school's month plan, library plans,
/// programmes and holiday notices, community 春节 programmes, 团委/妇联 plans and news): each class
/// of extra, missed or wrong item its first run showed, one passage each, written for the test.
@Suite struct Round6DraftTests {
    func draft(_ text: String) throws -> Draft { try DraftTestSupport.draft(text) }
    func whens(_ text: String) throws -> [String] { try draft(text).items.map(\.when) }

    @Test func aRangeMarkIsAnyRunOfDashesOrTildesAndAGlossMayStandBeforeIt() throws {
        #expect(try whens("读书日活动方案\n时间:4月18日----4月28日 开展专题宣传活动") == ["04-18..04-28"])
        #expect(try whens("活动时间:4月18日――4月28日,举办读书月活动") == ["04-18..04-28"])
        #expect(try whens("读书日活动方案\n4月18日 ~ 4月28日举办读书月活动") == ["04-18..04-28"])
        // The first end's lunar gloss stands between it and the mark: one window, not two days.
        let glossed = "2月10日(大年初一)——2月17日(大年初八)图书馆对外开放。"
        #expect(try whens(glossed) == ["02-10..02-17"])
        // A year cut to two digits (a template's 20__年 that lost its blank) on both ends.
        #expect(try whens("活动时间:20年4月18日――20年4月28日,举办读书月活动") == ["04-18..04-28"])
        // Two days of one clause that no mark joins stay two days.
        #expect(try whens("4月18日开展宣传,4月28日举办讲座。") == ["04-18", "04-28"])
    }

    @Test func daysOfTheNewYearJoinedByAMarkAreAWindow() throws {
        #expect(try whens("趣味运动会,时间:大年初一至初三,地点:社区广场") == ["lunar 01-01..lunar 01-03"])
        #expect(try whens("亲子手工坊,时间:大年初四至初六") == ["lunar 01-04..lunar 01-06"])
        #expect(try whens("大年初一举办团拜会。") == ["lunar 01-01"])
    }

    @Test func weeksBeforeOrAfterAFestivalAreCountedInDays() throws {
        #expect(try whens("春节前一周,各村居开展移风易俗专题讲座。") == ["春节 -7d"])
        #expect(try whens("中秋节后两周,组织开展总结交流。") == ["中秋节 +14d"])
    }

    @Test func anOwnerFieldOfDepartmentsNamesTheOwnersEvenRunIntoAnotherField() throws {
        let agency = """
            1、百种优秀图书推荐
            活动时间:4月15日—5月30日
            负责部门:采编部、流通部
            """
        let d = try draft(agency)
        #expect(d.items.map(\.when) == ["04-15..05-30"])
        let names = Set(d.units.filter { d.items.first?.owners.contains($0.id) == true }.map(\.name))
        #expect(names == ["采编部", "流通部"])
        let runTogether = """
            2.开展爱心图书漂流活动
            时间:4月18日
            地点:坡头镇责任部门:读者服务部
            """
        let r = try draft(runTogether)
        #expect(r.units.filter { r.items.first?.owners.contains($0.id) == true }.map(\.name) == ["读者服务部"])
    }

    @Test func aHeadingOfAFestivalsPeriodOverPointsWithDaysOfTheirOwnIsNoItem() throws {
        let text = """
            社区春节文体活动方案
            (一)春节前夕预热活动
            1.春联书写与赠送
            时间:腊月二十三
            (二)春节期间常规活动
            1.趣味运动会
            时间:大年初一至初三
            """
        #expect(try whens(text) == ["lunar 12-23", "lunar 01-01..lunar 01-03"])
        // Points that write no day still take the heading's festival (round 5).
        let undated = """
            三、清明节活动安排
            1. 组织“缅怀先烈”祭扫活动。
            """
        #expect(try whens(undated) == ["清明"])
    }

    @Test func theLineUnderAThemeHeadingIsTheTheme() throws {
        let text = """
            春节期间文体娱乐活动方案
            ??一、活动主题
            欢乐春节,共庆团圆
            二、活动时间
            2月1日至2月20日
            """
        #expect(try whens(text) == ["02-01..02-20"])
    }

    @Test func aPointFlattenedWithItsFieldLabelsIsTitledByTheNameBeforeTheTimeLabel() throws {
        let text = """
            社区庆春节活动方案
            三、活动方案1.社区联欢晚会活动时间:除夕之夜活动内容:举办联欢晚会。2.年货市集活动时间:正月初二至初五活动内容:组织年货展销。
            """
        let items = try draft(text).items
        #expect(items.map(\.title) == ["社区联欢晚会", "年货市集"])
        #expect(items.map(\.when) == ["除夕", "lunar 01-02..lunar 01-05"])
    }

    @Test func theSameDayToldAgainInATimeFieldOfItsLineIsTheSameItem() throws {
        let text = """
            社区植树活动通知
            晟秀园社区在3月11日上午开展亲子植树节活动。 一、活动时间 3月11日(星期六)上午9:00-11:00 二、活动内容 对绿化区域清洁。
            """
        let items = try draft(text).items
        #expect(items.map(\.when) == ["03-11"])
        #expect(items.first?.title.contains("植树") == true)
        // A time field that no sentence of its line dates again is the item.
        #expect(try whens("社区植树活动通知\n一、活动时间 3月11日(星期六)上午9:00-11:00 二、活动内容 对绿化区域清洁。") == ["03-11"])
    }
}

