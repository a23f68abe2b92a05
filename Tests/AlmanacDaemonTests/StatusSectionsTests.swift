import AlmanacCalendar
import AlmanacControl
import AlmanacPlan
import AlmanacScheduler
import AlmanacStore
import Foundation
import Testing

@testable import AlmanacDaemon

/// A clock the test moves by hand.
final class ManualClock: @unchecked Sendable {
    private let lock = NSLock()
    private var current: Date
    init(_ start: Date) { current = start }
    var now: Date {
        get { lock.withLock { current } }
        set { lock.withLock { current = newValue } }
    }
}

private let shanghai = TimeZone(identifier: "Asia/Shanghai") ?? .gmt
private func day(_ text: String) -> CivilDate { CivilDate(iso: text) ?? CivilDate(dayNumber: 0) }
private func instant(_ date: String, _ hour: Int, _ minute: Int = 0) -> Date {
    TimeOfDay(hour: hour, minute: minute).map { ZonedTime.instant(of: day(date), at: $0, in: shanghai) }
        ?? Date(timeIntervalSince1970: 0)
}

/// status.json's scheduler sections and the control socket's `next`, from a scheduler that ran
/// September 2027 of a small plan (built-in leads, weekdays as working days).
@Suite("status sections")
struct StatusSectionsTests {
    static let plan = """
        plan: {id: t, name: 测试, years: [2027]}
        units: {wmb: {name: 区文明办, mail: [wmb@example.org]}}
        items:
          - {id: flag-salute, kind: campaign, title: 向国旗敬礼, when: 09-20 .. 10-10, owners: [wmb]}
          - {id: materials, kind: deadline, title: 材料上报, when: 09-10, owners: [wmb]}
          - {id: qingming, kind: festival, title: 清明节, when: 清明, owners: [wmb]}
          - {id: talk, kind: meeting, title: 讲座, when: 10-13, owners: [wmb]}
        """

    /// A controller whose scheduler ran from 09-01 (its installation) to 09-25 10:00.
    func scheduled(_ sandbox: Sandbox) async throws -> (DaemonController, ManualClock) {
        try sandbox.write("plans/a.yaml", Self.plan)
        let configuration = try sandbox.configuration()
        let clock = ManualClock(instant("2027-09-01", 0))
        let store = Result<any StateStore, StoreError> { () throws(StoreError) in
            try SQLiteStateStore(path: configuration.databasePath)
        }
        let controller = DaemonController(configuration: configuration, store: store, logger: quietLogger, clock: { clock.now })
        await controller.start(controlActivated: false)
        let plan = try #require(await controller.plan?.plan)
        let expanded = PlanOccurrences.expand(plan, in: day("2027-07-01")...day("2028-06-30"))
        let mail = ReminderDispatcher.MailDirectory(addresses: expanded.addresses, sender: "almanac@example.org")
        var core = SchedulerCore(
            configuration: PlannerConfiguration(timeZone: shanghai), store: controller.store,
            workingDays: WorkCalendar.weekendsOnly, logger: quietLogger, mail: mail)
        try core.replan(occurrences: expanded.occurrences, mail: mail, now: clock.now)
        let end = instant("2027-09-25", 10)
        var now = clock.now
        while let next = core.tick(now: now), next <= end { now = next }
        clock.now = end
        let next = core.tick(now: end)
        await controller.scheduleChanged(core.snapshot(at: end, nextWakeup: next))
        return (controller, clock)
    }

    @Test func statusJSONListsNextRemindersCampaignsOverdueAndCounts() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.cleanup() }
        let (controller, _) = try await scheduled(sandbox)
        let status = try sandbox.statusFile()
        #expect(status == (await controller.status()))
        #expect(status.daemon.summary == "plan 测试: 4 items from 1 files; next reminder 2027-10-08 09:00 talk -3wd")
        #expect(status.nextReminders.prefix(3).map { "\($0.dueAt) \($0.item)@\($0.date) \($0.reminder) \($0.channel) \($0.recipients)" } == [
            "\(instant("2027-10-08", 9)) talk@2027-10-13 -3wd journal [\"wmb\"]",
            "\(instant("2027-10-08", 9)) talk@2027-10-13 -3wd mail [\"wmb\"]",
            "\(instant("2027-10-12", 9)) talk@2027-10-13 -1d journal [\"wmb\"]",
        ])
        // Fewer than ten are left in the scheduler's window: talk, then 清明 2028.
        #expect(status.nextReminders.map { "\($0.item) \($0.reminder) \($0.channel)" } == [
            "talk -3wd journal", "talk -3wd mail", "talk -1d journal", "talk -1d mail",
            "qingming -5wd journal", "qingming -5wd mail", "qingming -1d journal", "qingming -1d mail",
        ])
        #expect(status.activeCampaigns == [
            DaemonStatus.ActiveCampaign(
                item: "flag-salute", title: "向国旗敬礼", kind: "campaign", start: day("2027-09-20"), end: day("2027-10-10"),
                daysLeft: 15, owners: ["wmb"])
        ])
        #expect(status.overdue == [
            DaemonStatus.OverdueOccurrence(
                item: "materials", title: "材料上报", kind: "deadline", date: day("2027-09-10"), end: day("2027-09-10"),
                daysOverdue: 15, owners: ["wmb"])
        ])
        // materials -5wd, -1wd, 0d and flag-salute -10wd, -1wd, 0d since 09-01, journal and mail each.
        #expect(status.counts == DaemonStatus.DeliveryCounts(sent: 12, missed: 0, inDoubt: 0, failed: 0))
        #expect(status.checklists == nil)

        let raw = try String(contentsOfFile: sandbox.root + "/run/status.json", encoding: .utf8)
        for key in ["\"next_reminders\"", "\"due_at\"", "\"active_campaigns\"", "\"days_left\"", "\"overdue\"",
                    "\"days_overdue\"", "\"counts\"", "\"in_doubt\""] {
            #expect(raw.contains(key), "status.json lacks \(key)")
        }

        // Done and acknowledged occurrences leave the lists.
        try await controller.markDone(occurrenceID: "materials@2027-09-10", uid: 0)
        try await controller.markDone(occurrenceID: "flag-salute@2027-09-20", uid: 0)
        // The scheduler re-reads marks on the event; here the test hands it a fresh state.
        let (fresh, _) = try await scheduled(sandbox)
        #expect(await fresh.status().overdue == [])
        #expect(await fresh.status().activeCampaigns == [])
    }

    @Test func nextAnswersTheSchedulersUpcomingDeliveries() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.cleanup() }
        let (controller, clock) = try await scheduled(sandbox)
        let handler = DaemonControlHandler(controller: controller, clock: { clock.now })
        let report = try await handler.next(NextQuery(limit: 3))
        #expect(report.reminders == [
            UpcomingReminder(
                at: instant("2027-10-08", 9), item: "talk", date: day("2027-10-13"), title: "讲座", lead: "-3wd",
                recipients: ["wmb"], channel: "journal", kind: "meeting"),
            UpcomingReminder(
                at: instant("2027-10-08", 9), item: "talk", date: day("2027-10-13"), title: "讲座", lead: "-3wd",
                recipients: ["wmb"], channel: "mail", kind: "meeting"),
            UpcomingReminder(
                at: instant("2027-10-12", 9), item: "talk", date: day("2027-10-13"), title: "讲座", lead: "-1d",
                recipients: ["wmb"], channel: "journal", kind: "meeting"),
        ])
        let status = await handler.status()
        #expect(status.remindersSent == 12)
        #expect(status.overdue == 1)
        #expect(status.nextWakeup == instant("2027-10-08", 9))
    }
}
