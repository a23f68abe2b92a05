import AlmanacCalendar
import AlmanacControl
import AlmanacHost
import AlmanacPlan
import AlmanacScheduler
import AlmanacStore
import Foundation
import Testing

@testable import AlmanacDaemon

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
        plan: {id: t, name: 测试, years: [2027], holidays: none}
        units: {wmb: {name: 区文明办, mail: [wmb@example.org]}}
        items:
          - {id: flag-salute, kind: campaign, title: 向国旗敬礼, when: 09-20 .. 10-10, owners: [wmb]}
          - {id: materials, kind: deadline, title: 材料上报, when: 09-10, owners: [wmb]}
          - {id: qingming, kind: festival, title: 清明节, when: 清明, owners: [wmb]}
          - {id: talk, kind: meeting, title: 讲座, when: 10-13, owners: [wmb]}
        """

    /// The daemon (controller and scheduler, in process) on a manual clock, run from 09-01 (its
    /// installation) to 09-25 10:00.
    func scheduled(_ sandbox: Sandbox) async throws -> InProcessDaemon {
        try sandbox.write("plans/a.yaml", Self.plan)
        let configuration = try sandbox.configuration()
        let daemon = try await InProcessDaemon(configuration: configuration, at: instant("2027-09-01", 0))
        try await daemon.advance(to: instant("2027-09-25", 10))
        return daemon
    }

    @Test func statusJSONListsNextRemindersCampaignsOverdueAndCounts() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.cleanup() }
        let daemon = try await scheduled(sandbox)
        let controller = daemon.controller
        let status = try sandbox.statusFile()
        #expect(status == controller.status)
        #expect(status.daemon.summary == "plan 测试: 4 items from 1 files; next reminder 2027-10-08 09:00 talk -3wd")
        #expect(status.nextReminders.prefix(3).map { "\($0.dueAt) \($0.item)@\($0.date) \($0.reminder) \($0.channel) \($0.recipients)" } == [
            "\(instant("2027-10-08", 9)) talk@2027-10-13 -3wd journal [\"wmb\"]",
            "\(instant("2027-10-08", 9)) talk@2027-10-13 -3wd mail [\"wmb\"]",
            "\(instant("2027-10-12", 9)) talk@2027-10-13 -1d journal [\"wmb\"]",
        ])
        // Fewer than ten are left: the plan applies to 2027 only, so 清明 2028 has no reminders.
        #expect(status.nextReminders.map { "\($0.item) \($0.reminder) \($0.channel)" } == [
            "talk -3wd journal", "talk -3wd mail", "talk -1d journal", "talk -1d mail",
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

        // Done and acknowledged occurrences leave the lists: the scheduler reads the marks on the
        // event and composes the status again.
        try await controller.markDone(occurrenceID: "materials@2027-09-10", uid: 0)
        try await controller.markDone(occurrenceID: "flag-salute@2027-09-20", uid: 0)
        try await daemon.waitUntil("the marks in the status") {
            controller.status.overdue.isEmpty && controller.status.activeCampaigns.isEmpty
        }
        #expect(try sandbox.statusFile().overdue == [])

        // The outbox worker's counts after a pass replace the wake-up's: outboxPending falls as
        // mail leaves, and mail given up is a problem at once.
        #expect(controller.statusReport.outboxPending == 6)
        await controller.outboxChanged(["queued": 0, "sent": 5, "failed": 1], countedAt: .now)
        #expect(controller.statusReport.outboxPending == 0)
        #expect(controller.status.problems.map(\.code).contains("mail-failed"))
        #expect(try sandbox.statusFile().outbox == ["queued": 0, "sent": 5, "failed": 1])
        // A count taken before the one in force changes nothing (it arrived late).
        await controller.outboxChanged(["queued": 6, "sent": 0], countedAt: .now - .seconds(60))
        #expect(controller.statusReport.outboxPending == 0)
        await daemon.stop()
    }

    /// Thousands of overdue occurrences (weekly tasks nobody marks done) are counted, and the
    /// first 100, oldest first, are listed: status.json stays small, and is rewritten at every
    /// wake-up.
    @Test func overdueIsCountedAndTheFirstHundredListed() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.cleanup() }
        let items = (0..<30).map { "  - {id: check-\($0), kind: task, title: 检查\($0), when: weekly mon, owners: [wmb]}" }
        try sandbox.write("plans/a.yaml", """
            plan: {id: t, name: 测试, years: [2027], holidays: none}
            units: {wmb: {name: 区文明办, mail: [wmb@example.org]}}
            items:
            \(items.joined(separator: "\n"))
            """)
        let daemon = try await InProcessDaemon(configuration: try sandbox.configuration(), at: instant("2027-09-01", 0))
        // The Mondays of the 60 days before 10-10, each past its day: 08-16 … 10-04 (the window
        // reaches further back, to July).
        try await daemon.advance(to: instant("2027-10-10", 10))
        let status = try sandbox.statusFile()
        #expect(status.overdueTotal == 240)
        #expect(status.overdue.count == ScheduleView.overdueKept)
        #expect(status.overdue.first?.date == day("2027-08-16"))
        #expect(status.overdue.first?.daysOverdue == 55)
        #expect(daemon.controller.statusReport.overdue == 240)
        let raw = try String(contentsOfFile: sandbox.root + "/run/status.json", encoding: .utf8)
        #expect(raw.contains("\"overdue_total\" : 240"))
        await daemon.stop()
    }

    @Test func longListsOfDiagnosticsAreCutWithTheirNumber() {
        let many = (1...150).map { "plan.yaml:\($0):1: warning: w\($0)" }
        let shown = DaemonStatus.shown(many)
        #expect(shown.texts == Array(many.prefix(DaemonStatus.diagnosticsShown)))
        #expect(shown.total == 150)
        let few = DaemonStatus.shown(["a", "b"])
        #expect(few.texts == ["a", "b"])
        #expect(few.total == nil)
    }

    @Test func nextAnswersTheSchedulersUpcomingDeliveries() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.cleanup() }
        let daemon = try await scheduled(sandbox)
        defer { Task { await daemon.stop() } }
        let handler = DaemonControlHandler(controller: daemon.controller)
        let report = try handler.next(NextQuery(limit: 3))
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
        guard case .status(let status) = try await handler.handle(.status, from: ControlPeer(credentials: PeerCredentials(pid: 1, uid: 0, gid: 0))) else {
            Issue.record("no status")
            return
        }
        #expect(status.remindersSent == 12)
        #expect(status.overdue == 1)
        #expect(status.nextWakeup == instant("2027-10-08", 9))
    }
}
