import AlmanacCalendar
import Foundation
import Testing

@testable import AlmanacPlan

/// The sample plan expands to the expected agenda for its year. The golden file is the product's
/// own output, reviewed by hand; the dates the seed document gives are also asserted one by one.
/// To rewrite the golden file after a deliberate change:
/// `ALMANAC_UPDATE_GOLDEN=1 swift test --filter SampleAgendaTests`, then review the diff.
@Suite struct SampleAgendaTests {
    static let fixture = repositoryRoot.appendingPathComponent("Tests/AlmanacPlanTests/Fixtures/zhalainuoer-2027-agenda.txt")

    func agenda2027() throws -> [AgendaEntry] {
        let plan = try #require(try loadSample().plan)
        let range = CivilDate(year: 2027, month: 1, day: 1)!...CivilDate(year: 2027, month: 12, day: 31)!
        let expansion = PlanExpansion.expand(plan, in: range, context: RuleContext())
        #expect(expansion.diagnostics.isEmpty)
        return expansion.entries
    }

    @Test func sampleExpandsToTheGoldenAgenda() throws {
        let text = try agenda2027().map(\.plainLine).joined(separator: "\n") + "\n"
        if ProcessInfo.processInfo.environment["ALMANAC_UPDATE_GOLDEN"] == "1" {
            try Data(text.utf8).write(to: Self.fixture)
        }
        let expected = try String(contentsOf: Self.fixture, encoding: .utf8)
        #expect(text == expected)
    }

    /// `index(of:)` finds each occurrence of the sample's year by its id: the first occurrence
    /// with that key on that day (and time); ids of other days or keys are not found.
    @Test func everyOccurrenceIsFoundByItsID() throws {
        let plan = try #require(try loadSample().plan)
        let range = CivilDate(year: 2027, month: 1, day: 1)!...CivilDate(year: 2027, month: 12, day: 31)!
        let expansion = PlanExpansion.expand(plan, in: range, context: RuleContext())
        #expect(expansion.occurrences.count > 50)
        for (index, occurrence) in expansion.occurrences.enumerated() {
            let id = expansion.id(of: occurrence)
            let first = expansion.occurrences.indices.first { other in
                expansion.id(of: expansion.occurrences[other]).itemID == id.itemID && expansion.occurrences[other].start == id.date
                    && (id.time == nil || expansion.occurrences[other].time == id.time)
            }
            #expect(expansion.index(of: id) == first)
            #expect(first.map { $0 <= index } == true)
            #expect(expansion.index(of: OccurrenceID(itemID: id.itemID + "-x", date: id.date)) == nil)
        }
        let key = expansion.series[expansion.occurrences[0].series].key
        #expect(expansion.index(of: OccurrenceID(itemID: key, date: range.lowerBound.adding(days: -1))) == nil)
    }

    @Test func datesTheSeedDocumentGivesAreKept() throws {
        let entries = try agenda2027()
        func dates(_ key: String) -> [String] {
            entries.filter { $0.key == key }.map { $0.isWindow ? "\($0.start)..\($0.end)" : $0.start.description }
        }
        #expect(dates("new-year-gala") == ["2027-01-24"])  // 1月24日
        #expect(dates("hometown-report") == ["2027-05-26"])  // 5月26日
        #expect(dates("civilized-city-deployment") == ["2027-06-10"])  // 6月10日
        #expect(dates("beautify-hometown") == ["2027-06-28"])  // 6月28日
        #expect(dates("art-festival/exhibition") == ["2027-06-28"])  // 6月28日 书画展览
        #expect(dates("art-festival/opening") == ["2027-06-30"])  // 6月30日 开幕式
        #expect(dates("art-festival/closing") == ["2027-07-23"])  // 7月23日上午10时 闭幕式
        #expect(entries.first { $0.key == "art-festival/closing" }?.time?.description == "10:00")
        #expect(dates("civilized-city-materials") == ["2027-08-10"])  // 8月10日
        #expect(dates("archives-training") == ["2027-08-19"])  // 8月19日
        #expect(dates("flag-salute") == ["2027-09-20..2027-10-10"])  // 9月20日—10月10日
        #expect(dates("journal-subscription") == ["2027-11-01..2027-11-30"])  // 11月份
        // 每周不少于两次: two checks in every full week.
        #expect(dates("netcafe-checks").count == 105)  // 52 Tuesdays and 53 Fridays
        // 我们的节日 in 2027: 春节 02-06, 元宵 02-20, 清明 04-05, 端午 06-09, 中秋 09-15.
        #expect(dates("spring-festival-volunteers") == ["2027-01-30..2027-02-13"])  // 春节 -7d..+7d
        #expect(dates("lantern-festival") == ["2027-02-20"])
        #expect(dates("qingming") == ["2027-04-05"])
        #expect(dates("duanwu") == ["2027-06-09"])
        #expect(dates("mid-autumn") == ["2027-09-15"])
        #expect(entries.first { $0.key == "party-anniversary" }?.edition == "建党一百零六周年")
        #expect(entries.first { $0.key == "art-festival" }?.edition == "第二十三届")
    }
}
