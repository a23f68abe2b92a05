import AlmanacCalendar
import AlmanacPlan
import Foundation
import Testing

@testable import AlmanacScheduler

/// The planner reads the plan's one expansion through ``ScheduledOccurrences`` (one template per
/// series over the expansion's array, shared, not copied): every occurrence must read back as
/// the value the planner used to keep per occurrence, and decide the same.
@Suite struct ScheduledOccurrencesTests {
    /// Phases (one with its own owners and time), editions, windows, several times a day (the
    /// time in the id), weekly checks, monthly deadlines with overdue repeats and escalation, English
    /// titles, participants, an item without owners.
    static let plan = """
        plan: {id: t, name: T, years: [2026, 2027]}
        defaults:
          reminders:
            all: {leads: [-5wd, -1d]}
            deadline: {leads: [-15wd, -1wd, 0d], repeat_while_overdue: 1wd, escalate_after: 2wd}
            recurring-check: {leads: [0d], time: "08:30"}
        units:
          wmb: {name: 区文明办, mail: [wmb@example.org], leader: {name: 主任, mail: boss@example.org}}
          whjc: {name: 文化稽查队, mail: [jicha@example.org]}
          whzx: {name: 文化中心, mail: [whzx@example.org], leader: {name: 馆长, mail: head@example.org}}
        items:
          - id: art-festival
            kind: campaign
            title: 文化艺术节、矿工节
            title_en: Art festival
            when: 06-28..07-23
            owners: [whzx]
            participants: [wmb]
            phases:
              - {id: exhibition, title: 书画展览开幕, when: 06-28}
              - {id: closing, title: 闭幕式文艺演出, when: 07-23, time: "10:00", owners: [wmb]}
            edition: {first_year: 2005, format: "第{n}届"}
          - {id: netcafe, kind: recurring-check, title: 网吧检查, when: weekly tue,fri, owners: [whjc]}
          - {id: day-night, kind: recurring-check, title: 日查夜查, when: "weekly mon 09:00,21:00", owners: [whjc, wmb]}
          - {id: materials, kind: deadline, title: 材料上报, when: 08-10, owners: [wmb, whzx]}
          - {id: monthly, kind: deadline, title: 月报, when: monthly last fri, owners: [whzx]}
          - {id: qingming, kind: festival, title: 清明, when: 清明}
          - {id: flag, kind: campaign, title: 向国旗敬礼, when: 09-20..10-10, owners: [wmb], time: "15:00"}
        """

    static func expanded() throws -> (plan: Plan, expansion: PlanOccurrences, input: ScheduleInput) {
        let plan = try #require(PlanLoader.load(fileName: "p.yaml", text: Self.plan).plan)
        let expansion = PlanExpansion.expand(plan, in: d("2026-01-01")...d("2027-03-31"), context: RuleContext())
        #expect(expansion.diagnostics.isEmpty)
        return (plan, expansion, ScheduleInput(expansion, plan: plan))
    }

    @Test func everyOccurrenceReadsBackAsItsSeriesWithItsDates() throws {
        let (plan, expansion, input) = try Self.expanded()
        #expect(input.occurrences.count == expansion.occurrences.count)
        #expect(expansion.occurrences.count > 200)
        #expect(expansion.occurrences.contains { $0.timeInID } && expansion.occurrences.contains { $0.isWindow })
        var leaders: [String: String] = [:]
        for unit in plan.units where unit.leader != nil { leaders[unit.id.value] = ScheduleInput.leaderID(of: unit.id.value) }
        for (index, row) in expansion.occurrences.enumerated() {
            let series = expansion.series[row.series]
            // The value ScheduleInput used to store for each occurrence.
            let expected = ScheduledOccurrence(
                itemID: series.key, kind: series.kind.rawValue, title: series.displayTitle, owners: series.owners,
                leaders: series.owners.compactMap { leaders[$0] }, start: row.start, end: row.end, time: row.time,
                policy: ScheduleInput.rules(for: series.policy), timeInID: row.timeInID,
                englishTitle: plan.items.first { $0.id.value == series.itemID }?.titleEnglish?.value)
            #expect(input.occurrences[index] == expected)
            #expect(input.occurrences.id(of: index) == expected.id)
            #expect(input.occurrences.id(of: index) == expansion.id(of: row))
            #expect(input.occurrences.start(of: index) == row.start && input.occurrences.end(of: index) == row.end)
        }
        let closing = try #require(input.occurrences.first { $0.itemID == "art-festival/closing" && $0.start.year == 2026 })
        #expect(closing.title == "第二十二届文化艺术节、矿工节：闭幕式文艺演出")
        #expect(closing.owners == ["wmb"] && closing.leaders == ["wmb.leader"] && closing.time == TimeOfDay(hour: 10, minute: 0))
        #expect(closing.englishTitle == "Art festival")
        let night = try #require(input.occurrences.first { $0.itemID == "day-night" && $0.time == TimeOfDay(hour: 21, minute: 0) })
        #expect(night.id.description == "day-night@\(night.start)T21:00")
    }

    @Test func theLongestWindowAndTheFirstOccurrenceOfADayAreTheExpansions() throws {
        let (_, expansion, input) = try Self.expanded()
        #expect(input.occurrences.longestWindow == expansion.longestWindow)
        #expect(input.occurrences.longestWindow == d("2026-06-28").days(to: d("2026-07-23")))
        for day in [d("2026-01-01"), d("2026-06-28"), d("2026-09-20"), d("2027-03-31"), d("2027-04-01")] {
            let first = input.occurrences.firstStarting(onOrAfter: day)
            #expect(first == expansion.indices(startingIn: day...d("2027-12-31")).lowerBound)
            #expect(first == input.occurrences.partitioningIndex { $0.start >= day })
        }
    }

    /// The planner over the shared occurrences decides exactly as over the same occurrences
    /// copied one by one (each its own series, the way tests and benchmarks build them).
    @Test func thePlannerDecidesTheSameOverSharedAndCopiedOccurrences() throws {
        let (_, _, input) = try Self.expanded()
        let configuration = PlannerConfiguration(timeZone: shanghai, digest: DigestPolicy())
        let shared = ReminderPlanner(occurrences: input.occurrences, workingDays: FakeWorkingDays.china2026, configuration: configuration)
        let copied = ReminderPlanner(
            occurrences: Array(input.occurrences), workingDays: FakeWorkingDays.china2026, configuration: configuration)
        #expect(shared.fixed.count == copied.fixed.count && shared.fixed.count > 100)
        #expect(shared.problems == copied.problems)
        var a = Driver(shared, installed: at("2026-01-01 00:00"))
        var b = Driver(copied, installed: at("2026-01-01 00:00"))
        // Some acknowledgements and done marks, so that escalations and repeats stop for some.
        for occurrence in input.occurrences where occurrence.itemID == "materials" { a.state.acknowledged.insert(occurrence.id) }
        b.state = a.state
        a.run(from: at("2026-01-01 00:00"), until: at("2026-06-30 23:59"))
        b.run(from: at("2026-01-01 00:00"), until: at("2026-06-30 23:59"))
        #expect(a.log == b.log)
        #expect(a.log.count > 300)
        #expect(!a.log.contains { $0.contains("ERROR") })
        #expect(a.log.contains { $0.contains("/escalate/") } && a.log.contains { $0.contains("/overdue-") })
        #expect(
            shared.upcoming(state: a.state, now: at("2026-06-30 23:59"), limit: 20)
                == copied.upcoming(state: b.state, now: at("2026-06-30 23:59"), limit: 20))
    }

    @Test(arguments: [
        (ReminderKind.lead(Lead(amount: -10, unit: .workingDays)), Audience.owners, "-10wd"),
        (.lead(Lead(amount: 0, unit: .days)), .leaders, "0d"),
        (.lead(Lead(amount: 2, unit: .weeks)), .ownersAndLeaders, "+2w"),
        (.lead(Lead(amount: -9999, unit: .days)), .owners, "-9999d"),
        (.escalation, .leaders, "escalate"),
        (.overdue, .ownersAndLeaders, "overdue-2026-08-17"),
    ])
    func aPlannedReminderKeepsItsKindAudienceDayAndID(kind: ReminderKind, audience: Audience, reminderID: String) {
        let day = d("2026-08-17")
        // 09:00 in Shanghai, 00:00 UTC the next day, and an offset of whole seconds (a zone's
        // local mean time): the instant is kept exactly.
        for due in [at("2026-08-17 09:00"), Date(timeIntervalSince1970: Double((day.dayNumber + 1) * 86_400)),
                    Date(timeIntervalSince1970: Double(day.dayNumber * 86_400 - 8 * 3600 - 343))] {
            let planned = ReminderPlanner.Planned(occurrence: 123_456, audience: audience, kind: kind, day: day, due: due)
            #expect(planned.kind == kind)
            #expect(planned.reminderID == reminderID)
            #expect(planned.day == day && planned.due == due)
            #expect(planned.occurrence == 123_456 && planned.audience == audience)
        }
        #expect(MemoryLayout<ReminderPlanner.Planned>.stride == 16)
    }
}
