import AlmanacCalendar
import AlmanacPlan
import AlmanacScheduler
import AlmanacStore
import Foundation
import Logging
import Testing

@testable import AlmanacDaemon

/// Keeps every log entry, for assertions on journal fields.
final class CapturedLog: @unchecked Sendable {
    struct Entry {
        var level: Logger.Level
        var message: String
        var metadata: Logger.Metadata
    }

    private let lock = NSLock()
    private var stored: [Entry] = []

    var entries: [Entry] { lock.withLock { stored } }

    func append(_ entry: Entry) { lock.withLock { stored.append(entry) } }

    /// Entries carrying an `ALMANAC_DELIVERY` field, as `KEY MESSAGE_ID`.
    var deliveries: [String] {
        entries.compactMap { e in
            guard let key = e.metadata["ALMANAC_DELIVERY"], let id = e.metadata["MESSAGE_ID"] else { return nil }
            return "\(key) \(id)"
        }
    }

    var logger: Logger {
        Logger(label: "test") { _ in Handler(log: self) }
    }

    struct Handler: LogHandler {
        let log: CapturedLog
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
        func log(event: LogEvent) {
            log.append(Entry(level: event.level, message: event.message.description, metadata: event.metadata ?? [:]))
        }
    }
}

private func day(_ text: String) -> CivilDate { CivilDate(iso: text) ?? CivilDate(dayNumber: 0) }
private let shanghai = TimeZone(identifier: "Asia/Shanghai") ?? .gmt
private func at(_ date: String, _ hour: Int, _ minute: Int = 0) -> Date {
    let time = TimeOfDay(hour: hour, minute: minute) ?? TimeOfDay(hour: 0, minute: 0)
    return time.map { ZonedTime.instant(of: day(date), at: $0, in: shanghai) } ?? Date(timeIntervalSince1970: 0)
}

/// 2026: weekends, and 劳动节 05-01..05 off with 05-09 worked.
private struct TestWorkingDays: WorkingDays {
    func isWorkingDay(_ date: CivilDate) -> Bool {
        if date == day("2026-05-09") { return true }
        if (day("2026-05-01")...day("2026-05-05")).contains(date) { return false }
        return !date.weekday.isWeekend
    }
}

/// Monday to Friday, with 04-27..30 off.
private struct AprilBreak: WorkingDays {
    func isWorkingDay(_ date: CivilDate) -> Bool {
        !(day("2026-04-27")...day("2026-04-30")).contains(date) && !date.weekday.isWeekend
    }
}

@Suite struct SchedulerCoreTests {
    let occurrences = [
        ScheduledOccurrence(
            itemID: "labour-day", kind: "festival", title: "劳动节", owners: ["wmb"], start: day("2026-05-01"),
            policy: ReminderRules(leads: [Lead(amount: -3, unit: .workingDays), Lead(amount: -1, unit: .days)])),
        ScheduledOccurrence(
            itemID: "materials", kind: "deadline", title: "材料上报", owners: ["whjc"], leaders: ["whjc.leader"],
            start: day("2026-05-12"),
            policy: ReminderRules(
                leads: [Lead(amount: -1, unit: .workingDays)], overdue: OverdueRepeat(every: Lead(amount: 1, unit: .workingDays), limit: 2),
                escalation: Escalation(workingDaysBefore: 1))),
    ]
    let addresses = ["wmb": ["wmb@example.org"], "whjc": ["jicha@example.org"], "whjc.leader": ["boss@example.org"]]

    func core(_ store: any StateStore, _ log: CapturedLog) -> SchedulerCore {
        var configuration = DaemonConfiguration.defaults(environment: [:])
        configuration.mail.from = "almanac@example.org"
        return SchedulerCore(
            configuration: PlannerConfiguration(timeZone: shanghai), store: store, logger: log.logger,
            mail: MailWiring(configuration, logger: log.logger))
    }

    /// Plans the test's occurrences with `work` (by default: 劳动节 2026 off, 05-09 worked).
    func replan(_ core: inout SchedulerCore, now: Date, work: any WorkingDays = TestWorkingDays()) throws {
        try core.replan(occurrences: occurrences, addresses: addresses, plan: nil, work: work, generation: 1, now: now)
    }

    /// Runs from `start` wake-up to wake-up until `end`.
    func run(_ core: inout SchedulerCore, from start: Date, until end: Date) {
        var now = start
        while let next = core.tick(now: now), next <= end { now = next }
    }

    @Test func remindersGoToTheJournalAndTheOutboxOnce() throws {
        let store = try SQLiteStateStore()
        let log = CapturedLog()
        var scheduler = core(store, log)
        try replan(&scheduler, now: at("2026-04-20", 0))
        run(&scheduler, from: at("2026-04-20", 0), until: at("2026-05-31", 0))
        let r = ReminderMessageID.reminder
        #expect(
            log.deliveries == [
                "labour-day@2026-05-01/-3wd/journal/ \(r)",
                "labour-day@2026-05-01/-1d/journal/ \(r)",
                "materials@2026-05-12/-1wd/journal/ \(r)",
                "materials@2026-05-12/escalate/journal/ \(r)",
                "materials@2026-05-12/overdue-2026-05-13/journal/ \(ReminderMessageID.overdue)",
                "materials@2026-05-12/overdue-2026-05-14/journal/ \(ReminderMessageID.overdue)",
            ])
        let first = try #require(log.entries.first { $0.metadata["ALMANAC_DELIVERY"] != nil })
        #expect(first.message == "提醒（提前3个工作日）：劳动节，2026-05-01，责任单位：wmb")
        #expect(first.metadata["ALMANAC_ITEM"] == "labour-day")
        #expect(first.metadata["ALMANAC_DATE"] == "2026-05-01")
        #expect(first.metadata["ALMANAC_KIND"] == "festival")
        #expect(first.metadata["ALMANAC_OWNERS"] == "wmb")
        #expect(first.metadata["ALMANAC_LEAD"] == "-3wd")
        #expect(first.level == .notice)
        // -1d of 05-01 is 04-30 (a Thursday, working).
        let sent = try store.deliveries(dueSince: at("2026-01-01", 0)).filter { $0.key.channel == "mail" }
        #expect(sent.map { "\($0.key.occurrenceID)/\($0.key.reminderID)/\($0.key.recipient) \($0.state.rawValue)" } == [
            "labour-day@2026-05-01/-3wd/wmb sent", "labour-day@2026-05-01/-1d/wmb sent",
            "materials@2026-05-12/-1wd/whjc sent", "materials@2026-05-12/escalate/whjc.leader sent",
            "materials@2026-05-12/overdue-2026-05-13/whjc sent", "materials@2026-05-12/overdue-2026-05-13/whjc.leader sent",
            "materials@2026-05-12/overdue-2026-05-14/whjc sent", "materials@2026-05-12/overdue-2026-05-14/whjc.leader sent",
        ])
        let queued = try store.dueMail(at: at("2026-06-01", 0), limit: 100)
        #expect(queued.count == 8)
        #expect(queued.first?.message.recipients == ["wmb@example.org"])
        #expect(queued.first?.message.subject == "【提醒】劳动节（2026-05-01）")
        #expect(queued.first?.message.rawMessage.contains("Subject: =?UTF-8?B?") == true)
    }

    @Test func restartOnTheSameFileRepeatsNothingAndCatchesUpLate() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("almanac-sched-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("state.db").path
        let log = CapturedLog()
        do {
            var scheduler = core(try SQLiteStateStore(path: path), log)
            try replan(&scheduler, now: at("2026-04-20", 0))
            run(&scheduler, from: at("2026-04-20", 0), until: at("2026-04-28", 9))
        }
        #expect(log.deliveries.count == 1)
        // Down from 04-28 09:00 until 05-04 12:00; the new process reads the file back.
        var scheduler = core(try SQLiteStateStore(path: path), log)
        try replan(&scheduler, now: at("2026-05-04", 12))
        #expect(scheduler.tick(now: at("2026-05-04", 12)) == at("2026-05-11", 9))
        #expect(
            log.deliveries == [
                "labour-day@2026-05-01/-3wd/journal/ \(ReminderMessageID.reminder)",
                "labour-day@2026-05-01/-1d/journal/ \(ReminderMessageID.late)",
            ])
        let late = try SQLiteStateStore(path: path).delivery(
            DeliveryID(occurrenceID: "labour-day@2026-05-01", reminderID: "-1d", channel: "mail", recipient: "wmb"))
        #expect(late?.state == .sent)
        #expect(late?.late == true)
        // The same instant again, and a clock set back a day: nothing more.
        _ = scheduler.tick(now: at("2026-05-04", 12))
        _ = scheduler.tick(now: at("2026-05-03", 12))
        #expect(log.deliveries.count == 2)
        // Ten days of downtime: older than the catch-up window, recorded as missed.
        var later = core(try SQLiteStateStore(path: path), log)
        try replan(&later, now: at("2026-05-25", 12))
        _ = later.tick(now: at("2026-05-25", 12))
        #expect(log.deliveries.suffix(4) == [
            "materials@2026-05-12/-1wd/journal/ \(ReminderMessageID.missed)",
            "materials@2026-05-12/escalate/journal/ \(ReminderMessageID.missed)",
            "materials@2026-05-12/overdue-2026-05-13/journal/ \(ReminderMessageID.missed)",
            "materials@2026-05-12/overdue-2026-05-14/journal/ \(ReminderMessageID.missed)",
        ])
    }

    @Test func acknowledgementRecordedInTheStoreStopsEscalation() throws {
        let store = try SQLiteStateStore()
        let log = CapturedLog()
        var scheduler = core(store, log)
        try replan(&scheduler, now: at("2026-05-06", 0))
        try store.recordMark(Mark(occurrenceID: "materials@2026-05-12", kind: .acknowledged, uid: 0, at: at("2026-05-06", 10)))
        try scheduler.refreshMarks(of: OccurrenceID(itemID: "materials", date: day("2026-05-12")), now: at("2026-05-06", 10))
        run(&scheduler, from: at("2026-05-06", 10), until: at("2026-05-31", 0))
        #expect(log.deliveries == ["materials@2026-05-12/-1wd/journal/ \(ReminderMessageID.reminder)"])
    }

    @Test func aNewInstallationDoesNotRecordHistory() throws {
        let store = try SQLiteStateStore()
        let log = CapturedLog()
        var scheduler = core(store, log)
        try replan(&scheduler, now: at("2026-05-09", 12))
        let next = scheduler.tick(now: at("2026-05-09", 12))
        #expect(log.deliveries == [])
        #expect(next == at("2026-05-11", 9))
        #expect(try store.deliveries(dueSince: at("2026-01-01", 0)).map(\.key.reminderID) == ["installed"])
    }

    @Test func reloadedSettingsMoveTheDeliveryTimeAndWindow() throws {
        let store = try SQLiteStateStore()
        let log = CapturedLog()
        var core = core(store, log)
        try replan(&core, now: at("2026-04-01", 0))
        #expect(core.tick(now: at("2026-04-01", 0)) == at("2026-04-28", 9))
        let settings = SchedulerSettings(deliveryTime: try #require(TimeOfDay(hour: 8, minute: 30)), catchUpWindow: 86_400)
        core.apply(settings)
        try replan(&core, now: at("2026-04-01", 0), work: AprilBreak())
        #expect(core.configuration.catchUpWindow == 86_400)
        // With 04-27..30 off, -3wd of 05-01 is 04-22, at the new time.
        #expect(core.tick(now: at("2026-04-01", 0)) == at("2026-04-22", 8, 30))
    }

    /// The real timerfd: it expires, not before its instant. However late the waiting thread runs
    /// on a loaded machine, the expiry is still read; a `.clockChanged` (the machine's clock was
    /// stepped meanwhile) is answered as the scheduler answers it, by arming again.
    @Test(.timeLimit(.minutes(1))) func wallClockTimerExpiresAtItsInstant() async throws {
        let timer = try WallClockTimer()
        defer { timer.stop() }
        let instant = Date().addingTimeInterval(0.05)
        try timer.arm(at: instant)
        var iterator = timer.wakes.makeAsyncIterator()
        var wake = await iterator.next()
        while wake == .clockChanged {
            try timer.arm(at: instant)
            wake = await iterator.next()
        }
        #expect(wake == .expired)
        #expect(Date() >= instant)
    }

    /// A real change of the machine's clock wakes the timer at once, whenever it was armed for:
    /// the clock is set (clock_settime, as `date -s`, NTP stepping or a resume from suspend do)
    /// to the time it already shows, a step of microseconds that still counts as a change for
    /// the kernel, so the machine's time is not disturbed. What the scheduler then does at the
    /// new time (nothing twice, nothing late) is SamplePlanResilienceTests' day back and forth.
    @Test(.enabled(if: SetClock.permitted, "setting the clock needs CAP_SYS_TIME"), .timeLimit(.minutes(1)))
    func aClockChangeWakesTheTimerAtOnce() async throws {
        let timer = try WallClockTimer()
        defer { timer.stop() }
        try timer.arm(at: Date().addingTimeInterval(3600))
        var iterator = timer.wakes.makeAsyncIterator()
        #expect(SetClock.toItself())
        #expect(await iterator.next() == .clockChanged)
    }

    @Test func mailDatesAreRFC5322() {
        #expect(MailComposer.rfc5322Date(Date(timeIntervalSince1970: 1_777_597_200)) == "Fri, 01 May 2026 01:00:00 +0000")
    }
}

/// Sets CLOCK_REALTIME to the time it shows: a clock change for the kernel (timers armed with
/// TFD_TIMER_CANCEL_ON_SET wake), no change of the time worth the name.
enum SetClock {
    static let permitted: Bool = toItself()

    static func toItself() -> Bool {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return clock_settime(CLOCK_REALTIME, &now) == 0
    }
}
