import AlmanacCalendar
import AlmanacPlan
import AlmanacScheduler
import AlmanacStore
import Foundation
import Logging
import ServiceLifecycle

/// The scheduler's state between wake-ups, driven synchronously: the planner for the plan in
/// force, the acknowledgements, done marks and snoozes it needs, and the dispatcher that carries
/// out decisions. ``SchedulerService`` owns one; tests drive one with injected instants.
public struct SchedulerCore: Sendable {
    /// Settings of the planner (time zone, catch-up window, delivery time).
    public var configuration: PlannerConfiguration
    let store: any StateStore
    let logger: Logger
    private(set) var workingDays: any WorkingDays
    private(set) var planner: ReminderPlanner?
    private(set) var state = PlannerState()
    public private(set) var dispatcher: ReminderDispatcher
    /// Checklist and quota notices (ChecklistScheduling.swift).
    var checklists = ChecklistScheduling()

    /// The row that records the scheduler's first start, so that a new installation does not
    /// record a year of history as missed (kept in the delivery table; no other table needed).
    static let installationKey = DeliveryKey(occurrenceID: "*", reminderID: "installed", channel: "scheduler")
    /// How far before the first occurrence of the window deliveries are read back from the store.
    static let recordedMargin: TimeInterval = 120 * 86_400

    public init(
        configuration: PlannerConfiguration, store: any StateStore, workingDays: any WorkingDays, logger: Logger,
        mail: ReminderDispatcher.MailDirectory
    ) {
        self.configuration = configuration
        self.store = store
        self.workingDays = workingDays
        self.logger = logger
        dispatcher = ReminderDispatcher(store: store, logger: logger, mail: mail)
    }

    /// Takes the settings a reload may change (delivery time, catch-up window, and the holiday
    /// calendar when it was read again). They apply from the next ``replan(occurrences:mail:now:)``.
    public mutating func apply(_ settings: SchedulerSettings, workingDays: (any WorkingDays)? = nil) {
        configuration.deliveryTime = settings.deliveryTime
        configuration.catchUpWindow = settings.catchUpWindow
        if let workingDays { self.workingDays = workingDays }
    }

    /// Plans `occurrences` (the plan in force, expanded over a window around `now`) and reads
    /// back from the store what has been delivered and marked.
    public mutating func replan(occurrences: [ScheduledOccurrence], mail: ReminderDispatcher.MailDirectory, now: Date)
        throws(StoreError)
    {
        planner = ReminderPlanner(occurrences: occurrences, workingDays: workingDays, configuration: configuration)
        for problem in planner?.problems ?? [] {
            logger.warning(
                "reminder left out", metadata: ["ALMANAC_ITEM": "\(problem.occurrence.itemID)", "problem": "\(problem)"])
        }
        dispatcher = ReminderDispatcher(store: store, logger: logger, mail: mail)
        let first = occurrences.map(\.start).min().map {
            ZonedTime.instant(of: $0, at: configuration.deliveryTime, in: configuration.timeZone)
        }
        let since = (first ?? now).addingTimeInterval(-Self.recordedMargin)
        try dispatcher.load(since: since, now: now)
        let installed: Date
        if let row = try store.delivery(Self.installationKey) {
            installed = row.dueAt
        } else {
            if case .claimed(let row) = try store.claimDelivery(Self.installationKey, dueAt: now, late: false, at: now) {
                try store.markSent(row.id, at: now)
            }
            installed = now
        }
        state = PlannerState(ignoreBefore: max(installed, since))
        for id in Set(occurrences.map(\.id)) {
            try refreshMarks(of: id, now: now)
        }
    }

    /// Reads one occurrence's acknowledgement, done mark and snooze again.
    public mutating func refreshMarks(of id: OccurrenceID, now: Date) throws(StoreError) {
        let text = id.description
        let marks = try store.markState(occurrenceID: text)
        if marks.acknowledged { state.acknowledged.insert(id) } else { state.acknowledged.remove(id) }
        if marks.done { state.done.insert(id) } else { state.done.remove(id) }
        state.snoozedUntil[id] = try store.activeSnooze(occurrenceID: text, at: now)?.until
    }

    /// The planner and its state as of now (every delivery recorded so far), for `next` and
    /// status.json; `nil` before the first plan.
    public func snapshot(at now: Date, nextWakeup: Date?) -> SchedulerSnapshot? {
        guard let planner else { return nil }
        var current = state
        current.recorded = dispatcher.recorded
        return SchedulerSnapshot(planner: planner, state: current, at: now, nextWakeup: nextWakeup)
    }

    /// Decides at `now`, performs the actions, and returns when to wake next (sooner, in a
    /// minute, when a delivery failed and must be retried).
    public mutating func tick(now: Date) -> Date? {
        guard let planner else { return nil }
        state.recorded = dispatcher.recorded
        let decision = planner.decide(state: state, now: now)
        dispatcher.perform(decision, now: now)
        if dispatcher.failures == 0 {
            // Everything due up to now is recorded: later decisions start from here.
            state.settledBefore = max(state.settledBefore ?? now, now)
        }
        let checklistWakeup = tickChecklists(now: now)
        if dispatcher.failures > 0 {
            let retry = now.addingTimeInterval(60)
            return [decision.nextWakeup, checklistWakeup, retry].compactMap { $0 }.min()
        }
        return [decision.nextWakeup, checklistWakeup].compactMap { $0 }.min()
    }
}

/// The configuration keys the scheduler follows, taken again on every accepted reload.
public struct SchedulerSettings: Sendable, Hashable {
    /// `delivery_time`: the time of day of reminders whose plan gives none.
    public var deliveryTime: ClockTime
    /// `catch_up`, in seconds.
    public var catchUpWindow: TimeInterval
    /// `holidays`: the directory of the official holiday tables.
    public var holidays: String

    public init(deliveryTime: ClockTime, catchUpWindow: TimeInterval, holidays: String) {
        self.deliveryTime = deliveryTime
        self.catchUpWindow = catchUpWindow
        self.holidays = holidays
    }

    /// The settings of a daemon configuration.
    public init(_ configuration: DaemonConfiguration) {
        let minutes = configuration.deliveryTime
        self.init(
            deliveryTime: ClockTime(hour: minutes / 60, minute: minutes % 60) ?? PlannerConfiguration(timeZone: .gmt).deliveryTime,
            catchUpWindow: Double(configuration.catchUp.components.seconds), holidays: configuration.holidays)
    }
}

/// The scheduler as a service of the daemon: sleeps on a wall-clock timer until the planner's
/// next wake-up (no polling), and wakes early when the plan changes, an occurrence is marked, or
/// the wall clock is set (jumps either way, suspend and resume).
public struct SchedulerService: Service {
    /// Expands the plan in force into the planner's occurrences over a range of days, and gives
    /// the mail addresses of its recipients.
    public typealias OccurrenceSource = @Sendable (Plan, ClosedRange<CivilDate>, RuleContext) -> (
        occurrences: [ScheduledOccurrence], mail: ReminderDispatcher.MailDirectory
    )
    /// Reads the holiday tables of a directory (the configuration's `holidays`).
    public typealias HolidayLoader = @Sendable (String) -> WorkCalendar

    let controller: DaemonController
    let source: OccurrenceSource
    let holidays: HolidayLoader
    let core: SchedulerCore
    /// The settings and holiday calendar `core` was made with.
    let initialSettings: SchedulerSettings
    let initialCalendar: WorkCalendar
    let logger: Logger
    let clock: @Sendable () -> Date
    /// Days before and after today that occurrences are expanded over.
    let lookBehind = 60
    let lookAhead = 400

    /// - Parameters:
    ///   - settings: The settings `core` was made with; a reload that changes them is applied.
    ///   - calendar: The holiday calendar `core` was made with (read from `settings.holidays`).
    public init(
        controller: DaemonController, core: SchedulerCore, settings: SchedulerSettings, calendar: WorkCalendar,
        source: @escaping OccurrenceSource, holidays: @escaping HolidayLoader, logger: Logger,
        clock: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.controller = controller
        self.core = core
        self.initialSettings = settings
        self.initialCalendar = calendar
        self.source = source
        self.holidays = holidays
        self.logger = logger
        self.clock = clock
    }

    enum Wake: Sendable {
        case timer(WallClockWake)
        case event(DaemonEvent)
    }

    public func run() async throws {
        let timer = try WallClockTimer()
        let (wakes, continuation) = AsyncStream.makeStream(of: Wake.self, bufferingPolicy: .bufferingNewest(64))
        let events = controller.events
        var core = self.core
        var settings = initialSettings
        var calendar = initialCalendar
        var window: ClosedRange<CivilDate>?
        await withGracefulShutdownHandler {
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    for await wake in timer.wakes { continuation.yield(.timer(wake)) }
                }
                group.addTask {
                    for await event in events { continuation.yield(.event(event)) }
                }
                // The controller announces the plan loaded at start as `.planChanged` (buffered),
                // so the first plan needs no wake-up of its own.
                for await wake in wakes {
                    let now = clock()
                    let today = ZonedTime.civilDate(of: now, in: core.configuration.timeZone)
                    var replan = false
                    switch wake {
                    case .event(.planChanged): replan = true
                    case .event(.marksChanged(let text)):
                        if let id = OccurrenceID(text) {
                            do { try core.refreshMarks(of: id, now: now) } catch {
                                logger.error("cannot read marks", metadata: ["error": "\(error)"])
                            }
                        }
                    case .timer(.clockChanged):
                        logger.notice("wall clock changed, planning again", metadata: ["ALMANAC_NOW": "\(now)"])
                    case .timer(.expired): break
                    }
                    // Re-expand when the day moved near the window's edges (a year of uptime, a jump).
                    if let current = window, !(current.lowerBound.adding(days: 30)...current.upperBound.adding(days: -300)).contains(today) {
                        replan = true
                    }
                    if case .event(.planChanged) = wake {
                        // A reload may have changed delivery_time, catch_up or holidays.
                        let reloaded = SchedulerSettings(await controller.configuration)
                        if reloaded != settings {
                            if reloaded.holidays != settings.holidays { calendar = holidays(reloaded.holidays) }
                            core.apply(reloaded, workingDays: calendar)
                            logger.notice(
                                "scheduler settings changed",
                                metadata: ["ALMANAC_DELIVERY_TIME": "\(reloaded.deliveryTime)",
                                           "ALMANAC_CATCH_UP": "\(Int(reloaded.catchUpWindow))s",
                                           "ALMANAC_HOLIDAYS": "\(reloaded.holidays)"])
                            settings = reloaded
                        }
                    }
                    if replan {
                        let range = today.adding(days: -lookBehind)...today.adding(days: lookAhead)
                        if let plan = await controller.plan?.plan {
                            if let zone = TimeZone(identifier: plan.info.timezone.value) { core.configuration.timeZone = zone }
                            let expanded = source(plan, range, RuleContext(workCalendar: calendar))
                            do {
                                try core.replan(occurrences: expanded.occurrences, mail: expanded.mail, now: now)
                                try core.replanChecklists(plan: plan, occurrences: expanded.occurrences, now: now)
                                window = range
                                logger.info(
                                    "reminders planned",
                                    metadata: ["ALMANAC_OCCURRENCES": "\(expanded.occurrences.count)",
                                               "ALMANAC_WINDOW": "\(range.lowerBound)..\(range.upperBound)"])
                            } catch {
                                logger.error("cannot read the delivery state, retrying in a minute", metadata: ["error": "\(error)"])
                                try? timer.arm(at: now.addingTimeInterval(60))
                                continue
                            }
                        } else {
                            window = nil
                        }
                    }
                    let next = window == nil ? nil : core.tick(now: now)
                    do { try timer.arm(at: next) } catch {
                        logger.error("cannot arm the wall-clock timer", metadata: ["error": "\(error)"])
                    }
                    await controller.scheduleChanged(window == nil ? nil : core.snapshot(at: now, nextWakeup: next))
                    if let next { logger.debug("sleeping", metadata: ["ALMANAC_NEXT_WAKEUP": "\(next)"]) }
                }
                group.cancelAll()
            }
        } onGracefulShutdown: {
            continuation.finish()
            timer.stop()
        }
    }
}
