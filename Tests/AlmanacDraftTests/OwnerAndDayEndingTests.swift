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
