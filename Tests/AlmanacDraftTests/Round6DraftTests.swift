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
}
