import AlmanacCalendar
import AlmanacHost
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
    let mail: MailWiring?
    /// Who may deliver (docs/state-store.md, "One active scheduler").
    let leadership: Leadership
    private(set) var workingDays: any WorkingDays = WorkCalendar.weekendsOnly
    private(set) var planner: ReminderPlanner?
    private(set) var state = PlannerState()
    /// The plan planned, and its generation.
    private(set) var plan: Plan?
    /// The plan in force planned (`nil` when a test planned occurrences of its own).
    private(set) var inForce: PlanInForce?
    private(set) var generation = 0
    /// The start of the deliveries read back at the last re-plan.
    private(set) var recordedSince: Date?
    public private(set) var dispatcher: ReminderDispatcher
    /// Checklist and quota notices (ChecklistScheduling.swift).
    var checklists = ChecklistScheduling()

    /// The row that records the scheduler's first start, so that a new installation does not
    /// record a year of history as missed (kept in the delivery table; no other table needed).
    static let installationKey = DeliveryID(occurrenceID: "*", reminderID: "installed", channel: "scheduler")
    /// How far before the first occurrence of the window deliveries are read back from the store.
    static let recordedMargin: TimeInterval = 120 * 86_400

    public init(
        configuration: PlannerConfiguration, store: any StateStore, logger: Logger, mail: MailWiring?,
        leadership: Leadership = .single()
    ) {
        self.configuration = configuration
        self.store = store
        self.logger = logger
        self.mail = mail
        self.leadership = leadership
        dispatcher = ReminderDispatcher(
            store: store, logger: logger,
            mail: mail?.directory(addresses: [:], plan: nil) ?? ReminderDispatcher.MailDirectory(addresses: [:], sender: ""),
            leadership: leadership)
    }

    /// Whether this instance delivers now (a single instance always; a shared store's leader).
    public var delivers: Bool { leadership.maySend }

    /// Takes the settings a reload may change (delivery time, catch-up window). They apply from
    /// the next ``replan(_:generation:now:)``.
    public mutating func apply(_ settings: SchedulerSettings) {
        configuration.deliveryTime = settings.deliveryTime
        configuration.catchUpWindow = settings.catchUpWindow
    }

    /// Plans the plan in force and reads back from the store, in one query each, what has been
    /// delivered, marked and snoozed.
    public mutating func replan(_ plan: PlanInForce, generation: Int, now: Date) throws(StoreError) {
        let input = ScheduleInput(plan.expansion, plan: plan.plan)
        configuration.timeZone = plan.zone
        inForce = plan
        try replan(
            occurrences: input.occurrences, addresses: input.addresses, plan: plan.plan, work: plan.work,
            generation: generation, now: now)
    }

    /// How an occurrence of `plan` was derived: the one expansion, for that item and day only, with
    /// its explanation (the webhook's `explanation`; the plan in force keeps none).
    static func explainer(plan: Plan?, work: any WorkingDays) -> (@Sendable (OccurrenceID) -> [String])? {
        guard let plan else { return nil }
        let context = RuleContext(workCalendar: (work as? WorkCalendar) ?? .weekendsOnly)
        return { id in
            let expansion = PlanExpansion.expand(plan, in: id.date...id.date, context: context, items: [id.itemID], explain: true)
            guard let index = expansion.index(of: id) else { return [] }
            return expansion.explanations?[index] ?? []
        }
    }

    /// Plans `occurrences`, each its own series (tests drive the scheduler with occurrences of
    /// their own).
    mutating func replan(
        occurrences: [ScheduledOccurrence], addresses: [String: [String]], plan: Plan?, work: any WorkingDays,
        generation: Int, now: Date, directory: ReminderDispatcher.MailDirectory? = nil
    ) throws(StoreError) {
        try replan(
            occurrences: ScheduledOccurrences(occurrences), addresses: addresses, plan: plan, work: work,
            generation: generation, now: now, directory: directory)
    }

    /// Plans `occurrences` (the planner's view of the plan's expansion, in its order) with the
    /// working days `work`. ``replan(_:generation:now:)`` calls it.
    mutating func replan(
        occurrences: ScheduledOccurrences, addresses: [String: [String]], plan: Plan?, work: any WorkingDays,
        generation: Int, now: Date, directory: ReminderDispatcher.MailDirectory? = nil
    ) throws(StoreError) {
        workingDays = work
        planner = ReminderPlanner(occurrences: occurrences, workingDays: work, configuration: configuration)
        self.plan = plan
        self.generation = generation
        for problem in planner?.problems ?? [] {
            logger.warning(
                "reminder left out", metadata: ["ALMANAC_ITEM": "\(problem.occurrence.itemID)", "problem": "\(problem)"])
        }
        mail?.reloadTemplates()
        dispatcher = ReminderDispatcher(
            store: store, logger: logger,
            mail: directory ?? mail?.directory(addresses: addresses, plan: plan, explain: Self.explainer(plan: plan, work: work))
                ?? ReminderDispatcher.MailDirectory(addresses: addresses, sender: ""),
            leadership: leadership)
        let first = occurrences.first.map {
            ZonedTime.instant(of: $0.start, at: configuration.deliveryTime, in: configuration.timeZone)
        }
        let since = (first ?? now).addingTimeInterval(-Self.recordedMargin)
        // Only the instance that delivers settles claims left in doubt and records the
        // installation; a follower reads what the leader recorded.
        let delivers = leadership.maySend
        try dispatcher.load(since: since, now: now, settle: delivers)
        recordedSince = since
        let installed: Date
        if let row = try store.delivery(Self.installationKey) {
            installed = row.dueAt
        } else if !delivers {
            installed = now
        } else {
            if case .claimed(let row) = try store.claimDelivery(Self.installationKey, dueAt: now, late: false, at: now) {
                try store.markSent(row.id, at: now)
            }
            installed = now
        }
        state = PlannerState(ignoreBefore: max(installed, since))
        for (text, marks) in try store.markStates() {
            guard let id = OccurrenceID(text) else { continue }
            if marks.acknowledged { state.acknowledged.insert(id) }
            if marks.done { state.done.insert(id) }
        }
        for (text, snooze) in try store.activeSnoozes(at: now) {
            guard let id = OccurrenceID(text) else { continue }
            state.snoozedUntil[id] = snooze.until
        }
        if let plan {
            let calendar = (work as? WorkCalendar) ?? .weekendsOnly
            try replanChecklists(plan: plan, occurrences: occurrences, context: RuleContext(workCalendar: calendar), now: now)
        } else {
            checklists = ChecklistScheduling()
        }
    }

    /// Reads the deliveries back again (a follower, after the leader recorded some), without
    /// planning again.
    public mutating func refreshRecorded(now: Date) throws(StoreError) {
        guard let since = recordedSince else { return }
        try dispatcher.load(since: since, now: now, settle: leadership.maySend)
    }

    /// Reads one occurrence's acknowledgement, done mark and snooze again.
    public mutating func refreshMarks(of id: OccurrenceID, now: Date) throws(StoreError) {
        let text = id.description
        let marks = try store.markState(occurrenceID: text)
        if marks.acknowledged { state.acknowledged.insert(id) } else { state.acknowledged.remove(id) }
        if marks.done { state.done.insert(id) } else { state.done.remove(id) }
        state.snoozedUntil[id] = try store.activeSnooze(occurrenceID: text, at: now)?.until
        // A withdrawn mark may bring reminders back that the watermark skips: look at everything once.
        state.settledBefore = nil
    }

    /// Decides at `now`, performs the actions, and returns when to wake next (sooner, in a
    /// minute, when a delivery failed and must be retried).
    public mutating func tick(now: Date) -> Date? {
        guard let planner else { return nil }
        state.recorded = dispatcher.recorded
        guard leadership.maySend else {
            // A follower plans (for the status) but does not deliver; the lease's changes wake it.
            return nil
        }
        let decision = planner.decide(state: state, now: now)
        dispatcher.perform(decision, now: now)
        if dispatcher.deposed { return nil }  // the new leader delivers; the lease's change wakes this one
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

    /// The planner and its state as of now (every delivery recorded so far).
    public var current: (planner: ReminderPlanner, state: PlannerState)? {
        guard let planner else { return nil }
        var current = state
        current.recorded = dispatcher.recorded
        return (planner, current)
    }
}

/// The configuration keys the scheduler follows, taken again on every accepted reload.
public struct SchedulerSettings: Sendable, Hashable {
    /// `delivery_time`: the time of day of reminders whose plan gives none.
    public var deliveryTime: TimeOfDay
    /// `catch_up`, in seconds.
    public var catchUpWindow: TimeInterval

    public init(deliveryTime: TimeOfDay, catchUpWindow: TimeInterval) {
        self.deliveryTime = deliveryTime
        self.catchUpWindow = catchUpWindow
    }

    /// The settings of a daemon configuration.
    public init(_ configuration: DaemonConfiguration) {
        self.init(deliveryTime: configuration.deliveryTime, catchUpWindow: Double(configuration.catchUp.components.seconds))
    }
}

/// The scheduler as a service of the daemon: sleeps on a wall-clock timer until the planner's
/// next wake-up (no polling), and wakes early when the plan changes, an occurrence is marked, or
/// the wall clock is set (jumps either way, suspend and resume). Its work (re-planning, deciding,
/// sending, the status model) runs on a thread of its own, never on the pool that answers the
/// control socket.
public struct SchedulerService: Service {
    let controller: DaemonController
    let events: AsyncStream<DaemonEvent>
    let core: SchedulerCore
    let timer: any WakeTimer
    let logger: Logger

    /// - Parameters:
    ///   - events: The controller's events for this service (subscribe before the controller starts).
    ///   - timer: The real `WallClockTimer`, or a `ManualTimer` in tests.
    public init(
        controller: DaemonController, events: AsyncStream<DaemonEvent>, core: SchedulerCore, timer: any WakeTimer,
        logger: Logger
    ) {
        self.controller = controller
        self.events = events
        self.core = core
        self.timer = timer
        self.logger = logger
    }

    /// The scheduler as the daemon runs it: the configured delivery time and catch-up window.
    public static func make(
        controller: DaemonController, events: AsyncStream<DaemonEvent>, logger: Logger, mail: MailWiring
    ) throws -> SchedulerService {
        let settings = SchedulerSettings(controller.initialConfiguration)
        let planner = PlannerConfiguration(
            timeZone: ZonedTime.defaultZone, deliveryTime: settings.deliveryTime, catchUpWindow: settings.catchUpWindow,
            digest: mail.digestPolicy)
        let core = SchedulerCore(
            configuration: planner, store: controller.store, logger: logger, mail: mail, leadership: controller.leadership)
        return SchedulerService(controller: controller, events: events, core: core, timer: try WallClockTimer(), logger: logger)
    }

    enum Wake: Sendable {
        case timer(WallClockWake)
        case event(DaemonEvent)
    }

    public func run() async throws {
        let (wakes, continuation) = AsyncStream.makeStream(of: Wake.self, bufferingPolicy: .unbounded)
        let timer = self.timer
        let events = self.events
        var core = self.core
        var settings = SchedulerSettings(controller.initialConfiguration)
        await withGracefulShutdownHandler {
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    for await wake in timer.wakes { continuation.yield(.timer(wake)) }
                }
                group.addTask {
                    for await event in events { continuation.yield(.event(event)) }
                    continuation.finish()
                }
                let stopping = controller.stopping
                for await wake in wakes {
                    if Task.isCancelled { break }
                    // Once the daemon stops, nothing more is planned or sent: a due reminder is
                    // sent at the next start (within catch_up), which is what a stop a second
                    // earlier would have left too. The loop itself ends when the group tells this
                    // service (a service that ends before that fails the shutdown).
                    if stopping.isCancelled { continue }
                    var replan = false
                    var refresh = false
                    var marks: [OccurrenceID] = []
                    switch wake {
                    case .event(.planChanged(let number)): replan = number != core.generation
                    case .event(.marksChanged(let text)): if let id = OccurrenceID(text) { marks.append(id) }
                    case .event(.progressChanged): break
                    case .event(.leadershipChanged(let role)):
                        // Taking the lease: read the ledger again, settle what the old leader left
                        // in doubt, catch up. Losing it: plan without delivering.
                        replan = true
                        logger.info("leadership changed, planning again", metadata: ["ALMANAC_ROLE": "\(role.rawValue)"])
                    case .event(.ledgerChanged): refresh = !core.delivers
                    case .event(.storeRecovered):
                        logger.info("state store recovered, delivering what waited")
                    case .timer(.clockChanged):
                        logger.notice("wall clock changed, planning again", metadata: ["ALMANAC_NOW": "\(controller.clock.now())"])
                    case .timer(.expired): break
                    }
                    let now = controller.clock.now()
                    let generation = controller.generation
                    guard let plan = generation.plan else {
                        try? timer.arm(at: nil)
                        await controller.scheduleChanged(nil)
                        continue
                    }
                    // Re-expand when the day moved near the window's edges (a year of uptime, a jump).
                    let today = plan.today(at: now)
                    if !(plan.window.lowerBound.adding(days: 30)...plan.window.upperBound.adding(days: -300)).contains(today) {
                        await controller.rewindow(today: today)
                        continue  // the new window comes as a plan change
                    }
                    if generation.number != core.generation { replan = true }
                    if replan {
                        let reloaded = SchedulerSettings(await controller.configuration)
                        if reloaded != settings {
                            core.apply(reloaded)
                            logger.notice(
                                "scheduler settings changed",
                                metadata: ["ALMANAC_DELIVERY_TIME": "\(reloaded.deliveryTime)",
                                           "ALMANAC_CATCH_UP": "\(Int(reloaded.catchUpWindow))s"])
                            settings = reloaded
                        }
                    }
                    // A stop while it plans does not wait for it (seconds on a large plan): the
                    // planning is abandoned and left to the next start. Once it decides and sends,
                    // the stop waits for it to finish, so it runs at the daemon's own priority.
                    let sending = CancellationFlag()
                    let planned = await BlockingWork.abandonable(
                        "almanac-schedule", stop: stopping, committed: sending
                    ) { [core, logger, replan, refresh, marks] _ in
                        var core = core
                        do {
                            if refresh && !replan { try core.refreshRecorded(now: now) }
                            if replan {
                                try core.replan(plan, generation: generation.number, now: now)
                                logger.info(
                                    "reminders planned",
                                    metadata: ["ALMANAC_OCCURRENCES": "\(plan.expansion.occurrences.count)",
                                               "ALMANAC_WINDOW": "\(plan.window.lowerBound)..\(plan.window.upperBound)"])
                            }
                            // Set before the stop is looked at: a stop from here on waits.
                            sending.cancel()
                            if stopping.isCancelled { return (core, nil as Date?, nil as ScheduleView?) }
                            for id in marks { try core.refreshMarks(of: id, now: now) }
                        } catch {
                            logger.error("cannot read the delivery state, retrying in a minute", metadata: ["error": "\(error)"])
                            return (core, now.addingTimeInterval(60) as Date?, nil as ScheduleView?)
                        }
                        let next = core.tick(now: now)
                        return (core, next, core.view(at: now, nextWakeup: next))
                    }
                    guard let step = planned else { continue }  // stopping
                    core = step.0
                    // The old plan's planner is gone now: give its memory back.
                    if replan && !stopping.isCancelled { await MemoryRelease.trimOffPool() }
                    // A wake-up (a reminder, midnight, a change of the wall clock) ran code that an
                    // idle daemon had paged out; page it out again once the daemon is quiet.
                    MemoryRelease.noteActivity()
                    // Also at the next local midnight: "today" moves, and with it the days left of
                    // campaigns and the days overdue the status shows. One wake-up a day at most.
                    let midnight = ZonedTime.instant(
                        of: today.adding(days: 1), at: TimeOfDay(hour: 0, minute: 0) ?? .nine, in: plan.zone)
                    let wake = [step.1, midnight].compactMap { $0 }.min()
                    do { try timer.arm(at: wake) } catch {
                        logger.error("cannot arm the wall-clock timer", metadata: ["error": "\(error)"])
                    }
                    if let view = step.2 { await controller.scheduleChanged(view) }
                    if let wake { logger.debug("sleeping", metadata: ["ALMANAC_NEXT_WAKEUP": "\(wake)"]) }
                }
                group.cancelAll()
            }
        } onGracefulShutdown: {
            continuation.finish()
            timer.stop()
        }
    }
}
