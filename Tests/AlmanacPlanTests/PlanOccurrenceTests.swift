import AlmanacCalendar
import Foundation
import Testing

@testable import AlmanacPlan

/// ``PlanOccurrence`` keeps its dates, time and flag as small integers (the plan in force holds
/// one per occurrence over the window, the scheduler reads the same array): every value it is
/// given must read back unchanged.
@Suite struct PlanOccurrenceTests {
    static func day(_ text: String) -> CivilDate { CivilDate(iso: text)! }

    @Test(arguments: [
        (day("2026-10-01"), day("2026-10-01"), nil, false),
        (day("2026-06-28"), day("2026-07-23"), TimeOfDay(hour: 0, minute: 0), false),
        (day("2027-02-28"), day("2027-03-01"), TimeOfDay(hour: 23, minute: 59), true),
        (day("1969-12-31"), day("1970-01-02"), TimeOfDay(hour: 9, minute: 5), true),
        (day("0001-01-01"), day("9999-12-31"), TimeOfDay(hour: 21, minute: 0), false),
    ] as [(CivilDate, CivilDate, TimeOfDay?, Bool)])
    func keepsWhatItIsGiven(start: CivilDate, end: CivilDate, time: TimeOfDay?, timeInID: Bool) {
        let occurrence = PlanOccurrence(series: 12_345, start: start, end: end, time: time, timeInID: timeInID)
        #expect(occurrence.series == 12_345)
        #expect(occurrence.start == start && occurrence.end == end)
        #expect(occurrence.time == time && occurrence.timeInID == timeInID)
        #expect(occurrence.isWindow == (start != end))
        #expect(occurrence.length == start.days(to: end))
        var changed = occurrence
        changed.time = nil
        changed.timeInID = !timeInID
        changed.end = end.adding(days: 3)
        #expect(changed.time == nil && changed.timeInID == !timeInID && changed.end == end.adding(days: 3))
        #expect(changed.start == start && changed.series == 12_345)
        #expect(changed != occurrence)
    }

    @Test func isSixteenBytes() {
        #expect(MemoryLayout<PlanOccurrence>.stride == 16)
    }

    /// The expansion's occurrences are the rules' dates and times, item by item.
    @Test func theExpansionKeepsTheRulesDatesAndTimes() throws {
        let text = """
            plan: {id: t, name: T, years: [2026]}
            units: {wmb: {name: 区文明办, mail: [wmb@example.org]}}
            items:
              - {id: checks, kind: recurring-check, title: 检查, when: "weekly tue 09:00,21:30", owners: [wmb]}
              - {id: flag, kind: campaign, title: 向国旗敬礼, when: 09-20..10-10, time: "15:00", owners: [wmb]}
            """
        let plan = try #require(PlanLoader.load(fileName: "p.yaml", text: text).plan)
        let days = Self.day("2026-09-01")...Self.day("2026-09-30")
        let expansion = PlanExpansion.expand(plan, in: days, context: RuleContext())
        #expect(expansion.diagnostics.isEmpty)
        let lines = expansion.occurrences.map { o in
            "\(expansion.id(of: o)) \(o.start)..\(o.end) \(o.time.map(\.description) ?? "-") \(expansion.series(of: o).key)"
        }
        #expect(lines == [
            "checks@2026-09-01T09:00 2026-09-01..2026-09-01 09:00 checks",
            "checks@2026-09-01T21:30 2026-09-01..2026-09-01 21:30 checks",
            "checks@2026-09-08T09:00 2026-09-08..2026-09-08 09:00 checks",
            "checks@2026-09-08T21:30 2026-09-08..2026-09-08 21:30 checks",
            "checks@2026-09-15T09:00 2026-09-15..2026-09-15 09:00 checks",
            "checks@2026-09-15T21:30 2026-09-15..2026-09-15 21:30 checks",
            "flag@2026-09-20 2026-09-20..2026-10-10 15:00 flag",
            "checks@2026-09-22T09:00 2026-09-22..2026-09-22 09:00 checks",
            "checks@2026-09-22T21:30 2026-09-22..2026-09-22 21:30 checks",
            "checks@2026-09-29T09:00 2026-09-29..2026-09-29 09:00 checks",
            "checks@2026-09-29T21:30 2026-09-29..2026-09-29 21:30 checks",
        ])
    }

    /// An item's occurrences are counted over all the years of the range against
    /// `occurrencesPerItem`: 365 in 2026 are within 500, 730 with 2027's are not.
    @Test func anItemsOccurrencesAreCountedOverTheYears() throws {
        let text = """
            plan: {id: t, name: T, years: [2026, 2027]}
            units: {wmb: {name: 区文明办, mail: [wmb@example.org]}}
            items:
              - {id: daily, kind: recurring-check, title: 巡查, when: daily, owners: [wmb]}
            """
        let plan = try #require(PlanLoader.load(fileName: "p.yaml", text: text).plan)
        let limits = ExpansionLimits(occurrences: 10_000, occurrencesPerItem: 500)
        let oneYear = PlanExpansion.expand(
            plan, in: Self.day("2026-01-01")...Self.day("2026-12-31"), context: RuleContext(), limits: limits)
        #expect(oneYear.diagnostics.isEmpty && oneYear.occurrences.count == 365)
        let twoYears = PlanExpansion.expand(
            plan, in: Self.day("2026-01-01")...Self.day("2027-12-31"), context: RuleContext(), limits: limits)
        #expect(twoYears.diagnostics.map(\.message) == [
            "'daily' has 730 occurrences between 2026-01-01 and 2027-12-31, more than one item may have (500)"
        ])
    }
}
