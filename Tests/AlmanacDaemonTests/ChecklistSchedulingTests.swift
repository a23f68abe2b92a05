import AlmanacCalendar
import AlmanacPlan
import AlmanacScheduler
import AlmanacStore
import AlmanacTestSupport
import Foundation
import Testing

@testable import AlmanacDaemon

private struct Weekdays: WorkingDays {
    func isWorkingDay(_ date: CivilDate) -> Bool { !date.weekday.isWeekend }
}

private let zone = TimeZone(identifier: "Asia/Shanghai") ?? .gmt
private func at(_ text: String, _ hour: Int = 9) -> Date {
    ZonedTime.instant(of: CivilDate(iso: text) ?? CivilDate(dayNumber: 0), at: TimeOfDay(hour: hour, minute: 0) ?? TimeOfDay(hour: 9, minute: 0)!, in: zone)
}

@Suite struct ChecklistSchedulingTests {
    @Test func unitsWithOpenIndicatorsAreRemindedThroughJournalAndOutbox() throws {
        let generated = GeneratedChecklist(majors: 2, minors: 5, units: 3, evidence: 41)
        let csv = Array(generated.csv.utf8)
        let resolve: IncludeResolver = { _, _ throws(IncludeError) in PlanSource(fileName: "indicators.csv", bytes: csv) }
        let plan = try #require(PlanLoader.load(fileName: "plan.yaml", text: generated.planYAML(year: 2027), resolve: resolve).plan)
        let expanded = ScheduleInput(
            PlanExpansion.expand(
                plan, in: CivilDate(year: 2027, month: 1, day: 1)!...CivilDate(year: 2027, month: 12, day: 31)!,
                context: RuleContext()),
            plan: plan)
        let doorbell = Doorbell()
        let mail = ReminderDispatcher.MailDirectory(addresses: expanded.addresses, sender: "almanac@example.org", doorbell: doorbell)
        let store = try SQLiteStateStore()
        let log = CapturedLog()
        var core = SchedulerCore(configuration: PlannerConfiguration(timeZone: zone), store: store, logger: log.logger, mail: nil)
        let start = at("2027-07-20", 0)
        // u01 has finished its two 小项 before the first reminder.
        try store.recordProgress(batch: ["M001-1", "M002-1"].map {
            ChecklistProgress(occurrenceID: "materials@2027-08-10", entryID: $0, state: .accepted, uid: 0, at: start)
        })
        try core.replan(
            occurrences: expanded.occurrences, addresses: expanded.addresses, plan: plan, work: Weekdays(), generation: 1,
            now: start, directory: mail)
        // Every tick that queues mail wakes the outbox worker, which otherwise sleeps until its
        // next retry (stage-systemd found a weekly quota's report queued and never sent).
        func queuedCount() throws -> Int { try store.dueMail(at: at("2027-09-01"), limit: 1000).count }
        var ticksQueuing = 0
        var now = start
        while true {
            let queuedBefore = try queuedCount()
            _ = doorbell.takeRing()
            let next = core.tick(now: now)
            if try queuedCount() > queuedBefore {
                ticksQueuing += 1
                #expect(doorbell.takeRing(), "mail queued at \(now) without waking the outbox worker")
            }
            guard let next, next <= at("2027-08-12", 10) else { break }
            now = next
        }
        #expect(ticksQueuing > 0)

        let journal = log.deliveries.filter { $0.contains("checklist:") }.map { String($0.split(separator: " ")[0]) }
        let o = "materials@2027-08-10"
        #expect(journal == [
            "\(o)/checklist:-10wd@2027-08-10/u02/journal/u02", "\(o)/checklist:-10wd@2027-08-10/u03/journal/u03",
            "\(o)/checklist:-5wd@2027-08-10/u02/journal/u02", "\(o)/checklist:-5wd@2027-08-10/u03/journal/u03",
            "\(o)/checklist:-3wd@2027-08-10/u02/journal/u02", "\(o)/checklist:-3wd@2027-08-10/u03/journal/u03",
            "\(o)/checklist:escalate:-2wd@2027-08-10/u02/journal/u02.leader",
            "\(o)/checklist:escalate:-2wd@2027-08-10/u03/journal/u03.leader",
            "\(o)/checklist:-1wd@2027-08-10/u02/journal/u02", "\(o)/checklist:-1wd@2027-08-10/u03/journal/u03",
            "\(o)/checklist:overdue@2027-08-11/u02/journal/u02", "\(o)/checklist:overdue@2027-08-11/u02/journal/u02.leader",
            "\(o)/checklist:overdue@2027-08-11/u03/journal/u03", "\(o)/checklist:overdue@2027-08-11/u03/journal/u03.leader",
            "\(o)/checklist:overdue@2027-08-12/u02/journal/u02", "\(o)/checklist:overdue@2027-08-12/u02/journal/u02.leader",
            "\(o)/checklist:overdue@2027-08-12/u03/journal/u03", "\(o)/checklist:overdue@2027-08-12/u03/journal/u03.leader",
        ])
        let first = try #require(log.entries.first { $0.metadata["ALMANAC_DELIVERY"].map { "\($0)".contains("checklist:") } ?? false })
        #expect(first.message == "【创城复检责任指标】单位02：距截止（2027-08-10）还有10个工作日，尚有2项指标未完成\n- M001-2 测评细则 M001-2，含“佐证”\n- M002-2 测评细则 M002-2，含“佐证”\n")
        #expect(first.metadata["ALMANAC_KIND"] == "checklist")
        let queued = try store.dueMail(at: at("2027-09-01"), limit: 100).filter { $0.message.subject.contains("创城复检") }
        #expect(queued.count == 18)
        #expect(queued.first?.message.recipients == ["u02@example.org"])
        // Nothing is sent twice: a second pass over the same days adds nothing.
        let before = log.deliveries.count
        _ = core.tick(now: at("2027-08-12", 10))
        #expect(log.deliveries.count == before)
    }
}
