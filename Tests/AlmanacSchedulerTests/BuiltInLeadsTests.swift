import AlmanacCalendar
import AlmanacPlan
import Foundation
import Testing

@testable import AlmanacScheduler

/// A plan without a `defaults` section still reminds: every kind has built-in leads.
@Suite struct BuiltInLeadsTests {
    static let plan = """
        plan: {id: t, name: T, years: [2026]}
        units: {wmb: {name: 区文明办, mail: [wmb@example.org]}}
        items:
          - {id: materials, kind: deadline, title: 材料上报, when: 08-10, owners: [wmb]}
          - {id: flag, kind: campaign, title: 向国旗敬礼, when: 09-21..10-09, owners: [wmb]}
          - {id: talk, kind: meeting, title: 讲座, when: 05-26, owners: [wmb]}
          - {id: own, kind: meeting, title: 自定, when: 05-27, owners: [wmb], remind: {leads: [-2d]}}
        """

    @Test(arguments: [
        (ItemKind.festival, ["-5wd", "-1d"]), (.commemoration, ["-5wd", "-1d"]), (.task, ["-5wd", "-1d"]),
        (.campaign, ["-10wd", "-1wd", "0d"]), (.inspection, ["-10wd", "-3wd", "-1d"]), (.meeting, ["-3wd", "-1d"]),
        (.deadline, ["-15wd", "-5wd", "-1wd", "0d"]), (.recurringCheck, ["0d"]),
    ])
    func everyKindHasBuiltInLeads(kind: ItemKind, leads: [String]) {
        let policy = ReminderPolicy.builtIn(for: kind)
        #expect(policy.leads.map(\.value.description) == leads)
        #expect(policy.time == nil && policy.repeatWhileOverdue == nil && policy.escalateAfter == nil)
    }

    @Test func aPlanWithoutDefaultsGetsTheBuiltInLeads() throws {
        let plan = try #require(PlanLoader.load(fileName: "p.yaml", text: Self.plan).plan)
        #expect(plan.defaults.isEmpty && plan.defaultForAll == nil)
        let expanded = scheduleInput(plan, in: d("2026-01-01")...d("2026-12-31"))
        let planner = ReminderPlanner(
            occurrences: expanded.occurrences, workingDays: FakeWorkingDays.china2026,
            configuration: PlannerConfiguration(timeZone: shanghai))
        var driver = Driver(planner, installed: at("2026-01-01 00:00"))
        driver.run(from: at("2026-01-01 00:00"), until: at("2026-12-31 23:59"))
        #expect(driver.log.filter { $0.contains("/journal/") } == [
            "2026-05-21 09:00 remind talk@2026-05-26/-3wd/journal/",
            "2026-05-25 09:00 remind own@2026-05-27/-2d/journal/",
            "2026-05-25 09:00 remind talk@2026-05-26/-1d/journal/",
            "2026-07-20 09:00 remind materials@2026-08-10/-15wd/journal/",
            "2026-08-03 09:00 remind materials@2026-08-10/-5wd/journal/",
            "2026-08-07 09:00 remind materials@2026-08-10/-1wd/journal/",
            "2026-08-10 09:00 remind materials@2026-08-10/0d/journal/",
            "2026-09-08 09:00 remind flag@2026-09-21/-10wd/journal/",
            // 2026-09-20 is a make-up working Sunday (调休).
            "2026-09-20 09:00 remind flag@2026-09-21/-1wd/journal/",
            "2026-09-21 09:00 remind flag@2026-09-21/0d/journal/",
        ])
    }
}
