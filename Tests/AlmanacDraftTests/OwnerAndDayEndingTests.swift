import AlmanacCalendar
@testable import AlmanacDraft
import Testing

/// Issue 16: unit names the drafter read short or not at all, and days written without 日.
@Suite struct OwnerAndDayEndingTests {
    static func organisers(_ text: String) -> [String] {
        UnitDictionary.organisers(in: Array(text)).map(\.name)
    }

    @Test func companiesAreUnits() {
        #expect(Self.organisers("呼伦贝尔供电有限公司开展安全用电宣传") == ["呼伦贝尔供电有限公司"])
        #expect(Self.organisers("扎煤集团组织职工文艺汇演") == ["扎煤集团"])
        #expect(Self.organisers("移动分公司举办消费者权益日活动") == ["移动分公司"])
    }
}

extension OwnerAndDayEndingTests {
    @Test func aDayWithoutItsEndingAtAClauseEndIsADay() {
        let scanner = MentionScanner(year: 2026, hasHolidayTable: true, catalog: .standard)
        for (text, rule) in [("启动仪式6月14。", "06-14"), ("活动定于6月14,地点另行通知", "06-14"), ("截止时间9月30；逾期不候", "09-30")] {
            let m = scanner.scan(Array(text))
            #expect(m.map(\.rule) == [rule], "\(text)")
            #expect(m.first?.form == .day, "\(text)")
        }
        // Not a day: 2月30 is no date; 6月14个 and 6月145 are not a day at a clause end;
        // a passage cut off on a bare number is not dated.
        for text in ["定于2月30。", "共6月14个单位", "编号6月145。", "……；10月1"] {
            #expect(!scanner.scan(Array(text)).contains { $0.form == .day }, "\(text)")
        }
    }
}

extension OwnerAndDayEndingTests {
    @Test func andInsideAUnitNameDoesNotCutIt() {
        #expect(Self.organisers("民和社区开展邻里节活动") == ["民和社区"])
        #expect(Self.organisers("3月5日，民和社区组织居民包饺子") == ["民和社区"])
        #expect(Self.organisers("4月14日,胜利街道民和社区组织开展宣传活动").last == "民和社区")
        // A conjunction between two names still splits them.
        #expect(Self.organisers("文明办和教育局联合开展") == ["文明办", "教育局"])
        #expect(!Self.organisers("面向家庭和社区开展宣传").contains("家庭和社区"))
    }
}

extension OwnerAndDayEndingTests {
    @Test func aTownActingInItsClauseIsItsUnit() {
        let text = "根据全区统一部署,张家湾镇安全生产月活动于2013年6月1日至2013年6月30日在全镇各村展开"
        #expect(UnitDictionary.placeSubjects(in: Array(text)).map(\.name) == ["张家湾镇"])
        #expect(UnitDictionary.placeSubjects(in: Array("6月10日，民和村组织村民义诊")).map(\.name) == ["民和村"])
        // Place words are not towns: 美丽乡村, 城乡.
        #expect(UnitDictionary.placeSubjects(in: Array("美丽乡村建设开展评比")).isEmpty)
        #expect(UnitDictionary.placeSubjects(in: Array("城乡环境整治开展检查")).isEmpty)
    }
}

extension OwnerAndDayEndingTests {
    /// Round 4 (dev/233–271): armed-forces departments, single-task offices and committees, provincial
    /// departments, and a town that names its theme before it acts.
    @Test func armedForcesDepartmentsTaskOfficesAndProvincialDepartmentsAreUnits() {
        #expect(Self.organisers("马王堆街道人民武装部开展国防教育宣传活动").last == "马王堆街道人民武装部")
        #expect(Self.organisers("汉中市国动办在中心广场组织开展宣传活动") == ["汉中市国动办"])
        #expect(Self.organisers("县禁毒办开展禁毒宣传活动") == ["县禁毒办"])
        #expect(Self.organisers("市减灾委和各成员单位开展主题宣传活动").first == "市减灾委")
        #expect(Self.organisers("贵州省科技厅举办启动仪式") == ["贵州省科技厅"])
        // A hall is a place, not a department.
        #expect(Self.organisers("在展厅举办书画展").isEmpty)
        let text = "9月中下旬,街口镇以“奋进新时代,聚力强军梦”为主题,加大宣传力度"
        #expect(UnitDictionary.placeSubjects(in: Array(text)).map(\.name) == ["街口镇"])
        #expect(UnitDictionary.placeSubjects(in: Array("11月9日,望牛墩镇“119”消防安全宣传月正式拉开了序幕")).map(\.name) == ["望牛墩镇"])
        // A theme named by a town that does nothing after it is no subject.
        #expect(UnitDictionary.placeSubjects(in: Array("街口镇以文明为主题,环境优美")).isEmpty)
    }
}
