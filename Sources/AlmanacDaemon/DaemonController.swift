import AlmanacCalendar
import AlmanacControl
import AlmanacHost
import AlmanacPlan
import AlmanacScheduler
import AlmanacStore
import AlmanacSystemd
import Foundation
import Logging
import Synchronization

/// The outcome of a reload request.
public struct ReloadOutcome: Sendable, Hashable {
    /// The new plan is in force.
    public var accepted: Bool
    /// Every diagnostic of the new plan (errors when rejected, warnings when accepted).
    public var diagnostics: [Diagnostic]
    /// The plan in force after the reload (the old one when rejected; `nil` if there is none).
    public var planName: String?
    public var duration: Duration
}

/// Why a state change asked of the daemon failed.
public struct DaemonRequestError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable {
        /// The argument is not acceptable (empty occurrence id, snooze in the past, ...).
        case invalidArgument = "invalid-argument"
        /// The state store refused the change; `detail` says why.
        case storeFailed = "store-failed"
    }

    public var code: Code
    public var detail: String

    public var description: String { "\(detail) [\(code.rawValue)]" }
}

/// What changed, for the services that follow the daemon's state. A plan change carries no plan:
/// the listener reads the plan in force (``DaemonController/inForce``), so a burst of reloads is
/// one re-plan.
public enum DaemonEvent: Sendable, Hashable {
    /// A new plan is in force (its generation).
    case planChanged(Int)
    /// An acknowledgement, done mark or snooze was recorded for the occurrence.
    case marksChanged(occurrenceID: String)
    /// Checklist progress was recorded for the occurrence.
    case progressChanged(occurrenceID: String)
    /// This instance took the lease of a shared store, or lost it (the role it has now).
    case leadershipChanged(Leadership.Role)
    /// The leader (another instance) recorded deliveries: a follower's view of them is out of date.
    case ledgerChanged
    /// The state store takes writes again after a resource fault (a full disk, a read-only file
    /// system): what failed meanwhile is due now.
    case storeRecovered
}

/// The plan in force with the number of the load that made it (0: none yet).
public struct PlanGeneration: Sendable {
    public var number: Int
    public var plan: PlanInForce?
}

/// The daemon's state and the operations on it: one actor, so the control server, the signal
/// handler and the scheduler never race. Loading a plan runs off the actor, on a thread of its
/// own; the plan in force and the status are also kept behind locks readable without awaiting the
/// actor, so `status` answers at once even while a large plan reloads.
public actor DaemonController {
    /// The configuration in force: the one the daemon started with, with the keys a reload may
    /// change (`plans`, `catch_up`, `delivery_time`, `holidays`, `limits`) from the last accepted reload.
    public private(set) var configuration: DaemonConfiguration
    /// The configuration the daemon started with.
    public nonisolated let initialConfiguration: DaemonConfiguration
    /// Reads the configuration file again on reload; `nil` reloads the plan only.
    private let reloadConfiguration: (@Sendable () -> ConfigurationLoader.Result)?
    /// The state store in use (the file, the in-memory fallback, or the shared database).
    public nonisolated let store: any StateStore
    /// Who delivers: this process (SQLite), or the instance holding the shared store's lease.
    public nonisolated let leadership: Leadership
    private var leadershipSeen: Leadership.Snapshot?
    private let storeInfo: DaemonStatus.StoreInfo
    private let environment: [String: String]
    private let notifier: SystemdNotifier
    private let logger: Logger
    /// The daemon's one clock.
    public nonisolated let clock: any WallClock
    private let startedAt: Date

    private let current = Mutex(PlanGeneration(number: 0, plan: nil))
    private let cache: Mutex<StatusCache>
    private var phase: DaemonStatus.Phase = .starting
    private var reloads = 0
    private var lastReload: DaemonStatus.ReloadInfo?
    private var rejected: PlanLoadOutcome?
    private var control: DaemonStatus.ControlInfo
    private var statusWriteProblem: String?
    /// The store's health as the maintenance service last reported it (SQLite only).
    private var storeHealth: StoreHealth?
    /// Above this, a write-ahead log that a checkpoint could not truncate is a problem.
    private var walLimit: Int64 = StoreMaintenanceService.defaultWALLimit
    private var schedule: ScheduleView?
    /// The mail worker's latest count of the outbox, and when it was taken.
    private var outboxLatest: (counts: [String: Int], at: ContinuousClock.Instant)?
    private var reloading: Task<ReloadOutcome, Never>?
    private var listeners: [AsyncStream<DaemonEvent>.Continuation] = []
    private var statusListeners: [AsyncStream<Void>.Continuation] = []
    /// Wakes the outbox worker when mail is queued again over the control socket.
    public nonisolated let mailDoorbell = Doorbell()
    /// Wakes the robot worker likewise.
    public nonisolated let robotDoorbell = Doorbell()
    /// What `send-test` uses: the destinations of the plan in force and the transports.
    public nonisolated let channels = ChannelHub()
    /// Set at STOPPING=1 (``beginShutdown()``): long work that services run beside the shutdown
    /// (a re-plan, a feed build) polls it to stop before they are told in their turn.
    public nonisolated let stopping = CancellationFlag()

    /// - Parameters:
    ///   - store: The opened store, or the error that kept the file from opening (the controller
    ///     then works on an in-memory store and reports the problem).
    ///   - environment: For the holiday tables' search (`ALMANAC_HOLIDAYS`).
    public init(
        configuration: DaemonConfiguration,
        store: Result<any StateStore, StoreError>,
        reloadConfiguration: (@Sendable () -> ConfigurationLoader.Result)? = nil,
        environment: [String: String] = [:],
        notifier: SystemdNotifier = SystemdNotifier(),
        logger: Logger,
        clock: any WallClock = SystemClock(),
        leadership: Leadership = .single()
    ) {
        self.leadership = leadership
        self.configuration = configuration
        initialConfiguration = configuration
        self.reloadConfiguration = reloadConfiguration
        self.environment = environment
        self.notifier = notifier
        self.logger = logger
        self.clock = clock
        startedAt = clock.now()
        control = DaemonStatus.ControlInfo(socket: configuration.controlSocket, activated: false)
        let info: DaemonStatus.StoreInfo
        switch store {
        case .success(let opened):
            self.store = opened
            if let postgres = configuration.postgres {
                info = DaemonStatus.StoreInfo(path: postgres.displayURL, mode: "postgresql")
            } else {
                info = DaemonStatus.StoreInfo(path: configuration.databasePath, mode: "file")
            }
        case .failure(let error):
            // Keep reminding through the journal: an in-memory store still prevents repeats
            // within this process.
            // It knows no installation: recorded as one `catch_up` ago, so that the reminders due
            // in the catch-up window still go out (as after a restart with the file), instead of
            // all counting as history of a new installation.
            let memory = try? SQLiteStateStore()
            if let memory {
                let installed = startedAt.addingTimeInterval(-OutboxService.seconds(configuration.catchUp))
                if case .claimed(let row) = try? memory.claimDelivery(SchedulerCore.installationKey, dueAt: installed, late: false, at: installed) {
                    try? memory.markSent(row.id, at: installed)
                }
            }
            let fallback: any StateStore = memory ?? UnavailableStore(error: error)
            self.store = fallback
            info = DaemonStatus.StoreInfo(
                path: configuration.databasePath, mode: "memory", errorCode: error.code.rawValue, error: error.description)
        }
        storeInfo = info
        cache = Mutex(StatusCache.empty(configuration: configuration, store: info, startedAt: startedAt))
    }

    // MARK: - Subscriptions

    /// Events for one listener (the scheduler, the publisher): every plan change, mark and
    /// progress entry, in order. Subscribe before ``start(controlActivated:)``.
    public func subscribe() -> AsyncStream<DaemonEvent> {
        let (stream, continuation) = AsyncStream.makeStream(of: DaemonEvent.self, bufferingPolicy: .unbounded)
        listeners.append(continuation)
        return stream
    }

    /// One element after each change of the status (keeps only the newest, so a burst of changes
    /// wakes the listener once).
    public func subscribeStatus() -> AsyncStream<Void> {
        let (stream, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        statusListeners.append(continuation)
        return stream
    }

    private func emit(_ event: DaemonEvent) {
        for listener in listeners { listener.yield(event) }
    }

    // MARK: - The plan in force

    /// The plan in force (readable without awaiting the actor).
    public nonisolated var inForce: PlanInForce? { current.withLock { $0.plan } }

    /// The plan in force with its generation.
    public nonisolated var generation: PlanGeneration { current.withLock { $0 } }

    // MARK: - Lifecycle

    /// Loads the plan for the first time. An invalid plan leaves the daemon running without one
    /// (so `almanacctl reload` can fix it) and says why.
    public func start(controlActivated: Bool) async {
        control.activated = controlActivated
        if storeInfo.mode == "memory" {
            logger.error(
                "state store unavailable, reminders go to the journal without persistent state",
                metadata: [
                    "MESSAGE_ID": "\(MessageID.storeProblem)", "ALMANAC_STORE_ERROR": "\(storeInfo.errorCode ?? "")",
                    "error": "\(storeInfo.error ?? "")",
                ])
        }
        // `systemctl status` says what a long start is doing (a large plan takes seconds).
        notifier.status("loading the plan")
        let loaded = await load(configuration)
        if phase == .stopping {
            // SIGTERM while loading: nothing is wrong with the files.
            logger.notice("start abandoned, the daemon is stopping")
            return
        } else if let plan = loaded.inForce {
            install(plan)
            logger.notice("plan loaded", metadata: Self.planLoadedMetadata(plan))
        } else {
            rejected = loaded
            logDiagnostics(
                loaded.errors, messageID: MessageID.reloadRejected,
                message: "plan invalid, running without a plan until a reload succeeds")
        }
        for warning in loaded.warnings {
            logger.warning("plan warning", metadata: ["ALMANAC_DIAGNOSTIC": "\(warning)"])
        }
        phase = .running
        publish()
        await MemoryRelease.trimOffPool()
    }

    /// Sends READY=1 with the summary. Call once the control socket is listening.
    public func announceReady() {
        // Stopped before it was ready (SIGTERM during the first load): no READY=1 after STOPPING=1.
        guard phase != .stopping && phase != .stopped else { return }
        notifier.ready(status: cache.withLock { $0.status.daemon.summary })
    }

    /// Reads the configuration and the plan files again. The new plan replaces the old one only
    /// when neither has an error; otherwise the old one stays in force and STATUS, status.json and
    /// the journal say why. Reloads asked for while one runs wait for it, then load again (the
    /// files may have changed since it started).
    @discardableResult
    public func reload() async -> ReloadOutcome {
        while let running = reloading { _ = await running.value }
        // A SIGHUP after STOPPING=1 loads nothing.
        if phase == .stopping || phase == .stopped {
            return ReloadOutcome(
                accepted: false, diagnostics: [Diagnostic(.error, "the daemon is stopping")],
                planName: inForce?.plan.info.name.value, duration: .zero)
        }
        let task = Task { await self.performReload() }
        reloading = task
        let outcome = await task.value
        reloading = nil
        return outcome
    }

    private func performReload() async -> ReloadOutcome {
        let started = ContinuousClock.now
        phase = .reloading
        notifier.reloading(status: "reloading plan")
        publish(quiet: true)
        reloads += 1
        var candidate = configuration
        var configurationDiagnostics: [Diagnostic] = []
        var configurationValid = true
        if let reloadConfiguration {
            let result = reloadConfiguration()
            configurationDiagnostics = result.diagnostics
            if let reread = result.configuration {
                candidate.plans = reread.plans
                candidate.catchUp = reread.catchUp
                candidate.deliveryTime = reread.deliveryTime
                candidate.holidays = reread.holidays
                candidate.limits = reread.limits
                let ignored = Self.restartOnlyChanges(from: configuration, to: reread)
                if !ignored.isEmpty {
                    logger.warning(
                        "configuration changes that take effect only after a restart",
                        metadata: ["ALMANAC_KEYS": "\(ignored.joined(separator: ", "))"])
                }
            } else {
                configurationValid = false
            }
        }
        var diagnostics = configurationDiagnostics
        var accepted = false
        if configurationValid {
            let loaded = await load(candidate)
            diagnostics += loaded.diagnostics
            if let plan = loaded.inForce, !Task.isCancelled {
                accepted = true
                configuration = candidate
                rejected = nil
                install(plan)
                logger.notice("plan reloaded", metadata: Self.planLoadedMetadata(plan))
            } else {
                rejected = loaded
            }
        } else {
            rejected = PlanLoadOutcome(
                plan: nil, inForce: nil, diagnostics: configurationDiagnostics, files: [],
                holidays: HolidayTablesLoad(calendar: .weekendsOnly, info: HolidaySourceInfo(), diagnostics: []),
                cancelled: false)
        }
        if !accepted && (phase == .stopping || phase == .stopped) {
            // Cancelled by the shutdown: nothing is wrong with the files.
            logger.notice("reload abandoned, the daemon is stopping")
        } else if !accepted {
            let errors = diagnostics.filter { $0.severity == .error }
            logDiagnostics(
                errors.isEmpty ? [Diagnostic(.error, "the reload was interrupted")] : errors,
                messageID: MessageID.reloadRejected,
                message: inForce == nil ? "reload rejected, still no plan" : "reload rejected, keeping the old plan")
        }
        let duration = ContinuousClock.now - started
        let shown = DaemonStatus.shown(diagnostics.map(\.description))
        lastReload = DaemonStatus.ReloadInfo(
            at: clock.now(), accepted: accepted, durationMs: Self.milliseconds(duration),
            diagnostics: shown.texts, diagnosticsTotal: shown.total)
        if phase == .reloading { phase = .running }
        // After STOPPING=1 (a shutdown during the reload) no READY=1 follows.
        let stopping = phase == .stopping || phase == .stopped
        publish(ready: !stopping, quiet: stopping)
        // The load's memory given back, unless the process is about to end anyway.
        if !stopping { await MemoryRelease.trimOffPool() }
        return ReloadOutcome(accepted: accepted, diagnostics: diagnostics, planName: inForce?.plan.info.name.value, duration: duration)
    }

    /// Loads the plan of `configuration` on a thread of its own. Cancelled (a shutdown during a
    /// reload), it returns at once with a cancelled outcome.
    private func load(_ configuration: DaemonConfiguration) async -> PlanLoadOutcome {
        let request = Self.loadRequest(configuration, environment: environment, now: clock.now())
        let outcome = await BlockingWork.abandonable("almanac-load") { flag in
            PlanLoading.load(request, isCancelled: { flag.isCancelled })
        }
        return outcome ?? PlanLoadOutcome(
            plan: nil, inForce: nil, diagnostics: [Diagnostic(.error, "the load was interrupted by the shutdown")],
            files: [], holidays: HolidayTablesLoad(calendar: .weekendsOnly, info: HolidaySourceInfo(), diagnostics: []),
            cancelled: true)
    }

    /// The one load of a daemon configuration's plan, as `almanacd --check` also does it.
    public static func loadRequest(_ configuration: DaemonConfiguration, environment: [String: String], now: Date)
        -> PlanLoadRequest
    {
        PlanLoadRequest(
            paths: configuration.plans,
            holidays: HolidayLocator(
                explicit: configuration.holidays.map { ($0, "holidays in \(configuration.file)") }, environment: environment),
            now: now, limits: configuration.limits.expansion)
    }

    private func install(_ plan: PlanInForce) {
        let number = current.withLock { state in
            state.number += 1
            state.plan = plan
            return state.number
        }
        schedule = nil
        emit(.planChanged(number))
    }

    /// The same plan expanded over the window around `today` (the day moved near the edge of the
    /// old window: a year of uptime, a jump of the clock). Installed as a new generation.
    public func rewindow(today: CivilDate) async {
        guard let plan = inForce else { return }
        let window = PlanInForce.window(around: today)
        guard plan.window != window else { return }
        let limits = configuration.limits.expansion
        let moved = await BlockingWork.run("almanac-window", priority: .background) { flag in
            plan.rewindowed(window, limits: limits, isCancelled: { flag.isCancelled })
        }
        guard !moved.expansion.cancelled, inForce?.loadedAt == plan.loadedAt else { return }
        if !moved.isValid {
            logger.warning(
                "the plan exceeds a limit over the new window; keeping the old window",
                metadata: ["ALMANAC_DIAGNOSTICS": "\(moved.expansion.diagnostics.map(\.description).joined(separator: "\n"))"])
            return
        }
        install(moved)
    }

    /// Keys whose new value a reload cannot apply (sockets, directories, users are set up once).
    static func restartOnlyChanges(from old: DaemonConfiguration, to new: DaemonConfiguration) -> [String] {
        var keys: [String] = []
        if old.stateDirectory != new.stateDirectory { keys.append("state_directory") }
        if old.runtimeDirectory != new.runtimeDirectory { keys.append("runtime_directory") }
        if old.controlSocket != new.controlSocket { keys.append("control_socket") }
        if old.mail != new.mail { keys.append("mail") }
        if old.robots != new.robots { keys.append("robots") }
        if old.adminGroup != new.adminGroup { keys.append("admin_group") }
        if old.controlSocketGroup != new.controlSocketGroup { keys.append("control_socket_group") }
        if old.controlSocketMode != new.controlSocketMode { keys.append("control_socket_mode") }
        if old.shutdownTimeout != new.shutdownTimeout { keys.append("shutdown_timeout") }
        if old.logLevel != new.logLevel { keys.append("log_level") }
        if old.postgres != new.postgres { keys.append("state") }
        return keys
    }

    /// Says STOPPING=1 and records the phase; the services then wind down, each when the service
    /// group tells it (a service whose event stream ended before that would count as one that
    /// failed, so the streams end in ``finishShutdown()``). A reload under way is cancelled, and
    /// none starts after this.
    public func beginShutdown() {
        guard phase != .stopping && phase != .stopped else { return }
        phase = .stopping
        stopping.cancel()
        reloading?.cancel()
        notifier.stopping(status: "stopping")
        logger.info("stopping")
        publish(quiet: true)
    }

    /// Records the final state in status.json and ends the event streams.
    public func finishShutdown() {
        phase = .stopped
        publish(quiet: true)
        for listener in listeners { listener.finish() }
        for listener in statusListeners { listener.finish() }
    }

    // MARK: - Leadership

    /// The shared store's lease changed hands, or this instance's view of it changed: logged,
    /// shown in the status, and the scheduler plans again when the role changed.
    public func leadershipChanged(_ snapshot: Leadership.Snapshot) {
        let old = leadershipSeen
        leadershipSeen = snapshot
        var metadata: Logger.Metadata = [
            "ALMANAC_ROLE": "\(snapshot.role.rawValue)", "ALMANAC_INSTANCE": "\(snapshot.instance)",
            "ALMANAC_LEADER": "\(snapshot.leader ?? "")", "ALMANAC_TOKEN": "\(snapshot.token.map { "\($0)" } ?? "")",
        ]
        if let takeover = snapshot.lastTakeover, takeover != old?.lastTakeover {
            metadata["ALMANAC_TAKEOVER_FROM"] = "\(takeover.from ?? "")"
            if let vacant = takeover.vacantSeconds { metadata["ALMANAC_TAKEOVER_VACANT"] = "\(String(format: "%.3f", vacant))" }
        }
        let roleChanged = old?.role != snapshot.role || (snapshot.role == .leader && old?.token != snapshot.token)
        if roleChanged {
            switch snapshot.role {
            case .leader:
                metadata["MESSAGE_ID"] = "\(MessageID.leadershipTaken)"
                logger.notice("leadership taken: this instance delivers", metadata: metadata)
            case .follower:
                metadata["MESSAGE_ID"] = "\(MessageID.leadershipFollowing)"
                logger.notice("following the leader: another instance delivers", metadata: metadata)
            case .unavailable:
                metadata["MESSAGE_ID"] = "\(MessageID.storeProblem)"
                metadata["ALMANAC_STORE_ERROR"] = "unavailable"
                metadata["error"] = "\(snapshot.problem ?? "")"
                logger.error("database unreachable: not delivering until it is back", metadata: metadata)
            case .single: break
            }
        } else if snapshot.role == .follower && old?.leader != snapshot.leader {
            metadata["MESSAGE_ID"] = "\(MessageID.leadershipFollowing)"
            logger.notice("following the leader: another instance delivers", metadata: metadata)
        } else if snapshot.problem != old?.problem, let problem = snapshot.problem {
            logger.warning("the lease cannot be renewed", metadata: metadata.merging(["error": "\(problem)"]) { $1 })
        }
        if roleChanged {
            emit(.leadershipChanged(snapshot.role))
            if snapshot.role == .leader {
                mailDoorbell.ring()
                robotDoorbell.ring()
            }
        }
        if phase == .running || phase == .reloading { publish() }
    }

    /// Marks, snoozes or progress another instance recorded (the elector saw them in the shared
    /// store): the scheduler reads them as if they were recorded here.
    public func recordedElsewhere(marks: [String], progress: [String]) {
        for id in marks { emit(.marksChanged(occurrenceID: id)) }
        for id in progress { emit(.progressChanged(occurrenceID: id)) }
    }

    /// The leader recorded deliveries: a follower's view follows.
    /// The store's health changed (a resource fault appeared or went, the log grew past
    /// `walLimit` or shrank below it): logs it, republishes the status, and when writes work
    /// again wakes everything that waits on the store.
    public func storeHealthChanged(_ health: StoreHealth, walLimit: Int64) {
        let before = storeHealth
        storeHealth = health
        self.walLimit = walLimit
        let path = storeInfo.path
        if let failure = health.writeFailure, before?.writeFailure?.code != failure.code {
            logger.error(
                "state store cannot write, deliveries wait until it can",
                metadata: [
                    "MESSAGE_ID": "\(MessageID.storeProblem)", "ALMANAC_STORE_ERROR": "\(failure.code.rawValue)",
                    "ALMANAC_PATH": "\(path)", "error": "\(failure)",
                ])
        }
        if health.writeFailure == nil, let failure = before?.writeFailure {
            logger.notice(
                "state store takes writes again, delivering what waited",
                metadata: ["ALMANAC_STORE_ERROR": "\(failure.code.rawValue)", "ALMANAC_PATH": "\(path)"])
            emit(.storeRecovered)
            mailDoorbell.ring()
            robotDoorbell.ring()
        }
        let large = (health.walBytes ?? 0) > walLimit
        if large && (before?.walBytes ?? 0) <= walLimit {
            logger.warning(
                "write-ahead log of the state store is large and cannot be truncated",
                metadata: ["ALMANAC_PATH": "\(path)-wal", "ALMANAC_BYTES": "\(health.walBytes ?? 0)"])
        }
        publish()
    }

    /// What a resource fault of the store means and what to do about it: the problem of
    /// status.json, `status`, STATUS= and the metrics.
    static func storeProblems(_ health: StoreHealth?, path: String, walLimit: Int64) -> [DaemonStatus.Problem] {
        guard let health else { return [] }
        var problems: [DaemonStatus.Problem] = []
        let directory = (path as NSString).deletingLastPathComponent
        if let failure = health.writeFailure {
            switch failure.code {
            case .diskFull:
                problems.append(.init(
                    code: "disk-full",
                    message: "disk full: \(path) cannot be written, reminders wait; free space on the file system of \(directory) (df -h \(directory)); almanacd resumes by itself"))
            case .readOnly:
                problems.append(.init(
                    code: "state-read-only",
                    message: "state read-only: \(path) cannot be written, reminders wait; make \(directory) and its files writable by almanacd's user (or remount the file system read-write); almanacd resumes by itself"))
            default:
                problems.append(.init(
                    code: "state-unwritable",
                    message: "state unwritable: \(failure.detail) [\(failure.code.rawValue)], reminders wait; see journalctl -u almanacd and check \(directory); almanacd resumes by itself"))
            }
        }
        if let wal = health.walBytes, wal > walLimit {
            problems.append(.init(
                code: "wal-large",
                message: "write-ahead log \(path)-wal is \(wal / 1_048_576) MiB and cannot be truncated: a process keeps the database open for reading (a backup, sqlite3; fuser \(path)); end it and the log shrinks at the next checkpoint"))
        }
        return problems
    }

    public func ledgerChangedElsewhere() {
        emit(.ledgerChanged)
    }

    // MARK: - Schedule

    /// The scheduler's view after a wake-up: status.json and STATUS= are written again. A view of
    /// an older plan than the one in force is dropped (the scheduler is about to re-plan).
    public func scheduleChanged(_ view: ScheduleView?) {
        if let view, view.generation != generation.number { return }
        // The mail worker may have counted the outbox after the scheduler did: the later count wins.
        if let view, let latest = outboxLatest, latest.at > view.outboxCountedAt {
            schedule = view.with(outbox: latest.counts, countedAt: latest.at)
        } else {
            schedule = view
        }
        guard phase == .running || phase == .reloading else { return }
        publish()
    }

    /// The outbox worker finished a pass and counted the outbox again (on its own thread): the
    /// status's outbox (and the mail-failed problem) follow, so `outboxPending` falls as mail
    /// leaves, not at the scheduler's next wake-up.
    public func outboxChanged(_ outbox: [String: Int], countedAt: ContinuousClock.Instant) {
        if let latest = outboxLatest, latest.at > countedAt { return }
        outboxLatest = (outbox, countedAt)
        guard let view = schedule, countedAt > view.outboxCountedAt, outbox != view.outbox else { return }
        schedule = view.with(outbox: outbox, countedAt: countedAt)
        guard phase == .running || phase == .reloading else { return }
        publish()
    }

    // MARK: - Queries

    /// The current status (what status.json holds), readable without awaiting the actor.
    public nonisolated var status: DaemonStatus { cache.withLock { $0.status } }

    /// The control socket's `status` answer, readable without awaiting the actor.
    public nonisolated var statusReport: StatusReport { cache.withLock { $0.report } }

    /// The scheduler's latest view (next reminders, overdue...), if it has planned the plan in force.
    public nonisolated var scheduleView: ScheduleView? { cache.withLock { $0.schedule } }

    // MARK: - Marks

    /// Records an acknowledgement by `uid`: overdue repeats stop.
    public func acknowledge(occurrenceID: String, uid: UInt32, note: String? = nil) async throws(DaemonRequestError) {
        try await mark(.acknowledged, occurrenceID: occurrenceID, uid: uid, note: note)
    }

    /// Records that the work is done (or, with `done: false`, withdraws that).
    public func markDone(occurrenceID: String, uid: UInt32, done: Bool = true, note: String? = nil) async throws(DaemonRequestError) {
        try await mark(done ? .done : .undone, occurrenceID: occurrenceID, uid: uid, note: note)
    }

    /// Holds back the occurrence's reminders until `until`.
    public func snooze(occurrenceID: String, until: Date, uid: UInt32, note: String? = nil) async throws(DaemonRequestError) {
        try requireOccurrence(occurrenceID)
        let now = clock.now()
        guard until > now else {
            throw DaemonRequestError(code: .invalidArgument, detail: "snooze end \(until) is not in the future")
        }
        let store = self.store
        let snooze = Snooze(occurrenceID: occurrenceID, until: until, uid: uid, at: now, note: note)
        try await storeCall { () throws(StoreError) in try store.recordSnooze(snooze) }
        logger.notice(
            "reminders snoozed",
            metadata: ["ALMANAC_OCCURRENCE": "\(occurrenceID)", "ALMANAC_UID": "\(uid)", "ALMANAC_UNTIL": "\(until)"])
        emit(.marksChanged(occurrenceID: occurrenceID))
    }

    /// Records the progress of one checklist entry.
    public func recordProgress(
        occurrenceID: String, entryID: String, state: ChecklistProgress.State, unit: String?, note: String?, uid: UInt32
    ) async throws(DaemonRequestError) {
        try requireOccurrence(occurrenceID)
        guard !entryID.isEmpty else { throw DaemonRequestError(code: .invalidArgument, detail: "empty checklist entry id") }
        let progress = ChecklistProgress(
            occurrenceID: occurrenceID, entryID: entryID, state: state, unit: unit, note: note, uid: uid, at: clock.now())
        let store = self.store
        try await storeCall { () throws(StoreError) in try store.recordProgress(progress) }
        logger.info(
            "checklist progress",
            metadata: ["ALMANAC_OCCURRENCE": "\(occurrenceID)", "ALMANAC_ENTRY": "\(entryID)",
                       "ALMANAC_STATE": "\(state.rawValue)", "ALMANAC_UID": "\(uid)"])
        emit(.progressChanged(occurrenceID: occurrenceID))
    }

    /// Records the progress of many checklist indicators in one transaction (all or none), then
    /// wakes the scheduler (the next reminders list what is still open).
    public func recordChecklistProgress(_ entries: [ChecklistProgress], uid: UInt32) async throws(DaemonRequestError) {
        guard let first = entries.first else { return }
        let store = self.store
        try await storeCall { () throws(StoreError) in try store.recordProgress(batch: entries) }
        logger.info(
            "checklist progress",
            metadata: ["ALMANAC_OCCURRENCE": "\(first.occurrenceID)", "ALMANAC_ENTRIES": "\(entries.count)",
                       "ALMANAC_ENTRY": "\(first.entryID)", "ALMANAC_STATE": "\(first.state.rawValue)", "ALMANAC_UID": "\(uid)"])
        for occurrence in Set(entries.map(\.occurrenceID)).sorted() { emit(.progressChanged(occurrenceID: occurrence)) }
    }

    private func mark(_ kind: Mark.Kind, occurrenceID: String, uid: UInt32, note: String?) async throws(DaemonRequestError) {
        try requireOccurrence(occurrenceID)
        let mark = Mark(occurrenceID: occurrenceID, kind: kind, uid: uid, at: clock.now(), note: note)
        let store = self.store
        try await storeCall { () throws(StoreError) in try store.recordMark(mark) }
        logger.notice(
            "occurrence marked",
            metadata: ["ALMANAC_OCCURRENCE": "\(occurrenceID)", "ALMANAC_MARK": "\(kind.rawValue)", "ALMANAC_UID": "\(uid)"])
        emit(.marksChanged(occurrenceID: occurrenceID))
    }

    private func requireOccurrence(_ occurrenceID: String) throws(DaemonRequestError) {
        if occurrenceID.isEmpty { throw DaemonRequestError(code: .invalidArgument, detail: "empty occurrence id") }
    }

    /// Runs a store change on a thread of its own: a shared store waits on the network, and the
    /// actor's thread is one of the cooperative pool's, which answer the control socket.
    private func storeCall<T: Sendable>(_ body: @escaping @Sendable () throws(StoreError) -> T) async throws(DaemonRequestError) -> T {
        let result = await BlockingWork.run("almanac-store") { _ in
            do throws(StoreError) { return Result<T, StoreError>.success(try body()) } catch { return .failure(error) }
        }
        switch result {
        case .success(let value): return value
        case .failure(let error):
            logger.error(
                "state store failed",
                metadata: [
                    "MESSAGE_ID": "\(MessageID.storeProblem)", "error": "\(error)",
                    "ALMANAC_STORE_ERROR": "\(error.code.rawValue)",
                ])
            throw DaemonRequestError(code: .storeFailed, detail: error.description)
        }
    }

    // MARK: - Reporting

    private func problems() -> [DaemonStatus.Problem] {
        var problems: [DaemonStatus.Problem] = []
        if let code = storeInfo.errorCode {
            problems.append(.init(
                code: "store-unavailable",
                message: "state store \(code), using memory: reminders go to the journal but are not remembered across a restart; fix \(storeInfo.path) (journalctl -u almanacd says why), then restart almanacd"))
        }
        problems += Self.storeProblems(storeHealth, path: storeInfo.path, walLimit: walLimit)
        if let rejected {
            let errors = rejected.errors
            let first = errors.first.map(\.description) ?? (rejected.cancelled ? "the load was interrupted" : "invalid plan")
            let more = errors.count > 1 ? " (+\(errors.count - 1) more)" : ""
            if inForce == nil {
                problems.append(.init(code: "plan-invalid", message: "plan invalid: \(first)\(more)"))
            } else {
                problems.append(.init(code: "reload-rejected", message: "reload rejected, old plan kept: \(first)\(more)"))
            }
        }
        if let plan = inForce, plan.plan.info.holidays.value == "cn" {
            let today = plan.today(at: clock.now())
            for year in [today.year, today.year + 1] where !plan.work.hasTable(for: year) {
                problems.append(
                    .init(code: "holiday-table-missing", message: "\(year) 年没有官方放假安排表，工作日按周一至周五计算"))
            }
        }
        if let statusWriteProblem {
            problems.append(.init(code: "status-file", message: statusWriteProblem))
        }
        if let lease = leadershipSeen, lease.role == .unavailable {
            problems.append(.init(code: "database-unreachable", message: "not delivering: \(lease.problem ?? "database unreachable")"))
        } else if let lease = leadershipSeen, lease.role == .leader, let problem = lease.problem {
            problems.append(.init(code: "lease-not-renewed", message: problem))
        }
        for problem in schedule?.problems ?? [] { problems.append(problem) }
        return problems
    }

    /// Composes the status from the controller's state and the scheduler's view, keeps it for
    /// readers, writes status.json and tells systemd (READY=1 after a reload, else STATUS=).
    private func publish(ready: Bool = false, quiet: Bool = false) {
        let plan = inForce
        var status = DaemonStatus(
            daemon: DaemonStatus.Daemon(
                state: phase, pid: getpid(), version: AlmanacVersion.current, config: configuration.file,
                startedAt: startedAt, updatedAt: clock.now(), reloads: reloads, summary: ""),
            plan: plan.map {
                let warnings = DaemonStatus.shown($0.diagnostics.filter { $0.severity == .warning }.map(\.description))
                return DaemonStatus.PlanInfo(
                    name: $0.plan.info.name.value, files: $0.files, items: $0.plan.items.count, loadedAt: $0.loadedAt,
                    warnings: warnings.texts, warningsTotal: warnings.total,
                    occurrences: $0.expansion.occurrences.count,
                    window: "\($0.window.lowerBound)..\($0.window.upperBound)")
            },
            lastReload: lastReload, store: storeInfo, control: control, problems: problems())
        status.leadership = leadershipSeen
        let view = plan == nil ? nil : schedule
        if let view {
            status.nextReminders = view.nextReminders
            status.activeCampaigns = view.activeCampaigns
            status.overdue = view.overdue
            status.overdueTotal = view.overdueTotal
            status.checklists = view.checklists
            status.counts = view.counts
            status.outbox = view.outbox
        }
        status.daemon.summary = Self.summary(status, view: view, zone: plan?.zone ?? ZonedTime.defaultZone)
        let report = StatusReport(
            version: status.daemon.version, pid: status.daemon.pid, state: status.daemon.state.rawValue,
            startedAt: status.daemon.startedAt, plan: status.plan.map(Self.summary),
            nextWakeup: view?.nextWakeup, remindersSent: status.counts?.sent,
            outboxPending: status.outbox.map { $0["queued"] ?? 0 }, overdue: view == nil ? nil : status.overdueTotal,
            problems: status.problems.map(\.message), leadership: leadershipSeen.map(Self.leadershipReport))
        cache.withLock { $0 = StatusCache(status: status, report: report, schedule: view) }
        writeStatusFile(status)
        if ready {
            notifier.ready(status: status.daemon.summary)
        } else if !quiet {
            notifier.status(status.daemon.summary)
        }
        for listener in statusListeners { listener.yield() }
        MemoryRelease.noteActivity()
    }

    /// The one-line summary (STATUS=): the plan, the next reminder, then the problems.
    static func summary(_ status: DaemonStatus, view: ScheduleView?, zone: TimeZone) -> String {
        var parts: [String] = []
        if let lease = status.leadership, lease.role != .single { parts.append(lease.summary) }
        if let plan = status.plan {
            parts.append("plan \(plan.name ?? "(untitled)"): \(plan.items) items from \(plan.files.count) files")
        } else {
            parts.append("no plan")
        }
        if status.plan != nil, let view {
            if let next = view.nextReminders.first {
                parts.append("next reminder \(ZonedTime.localText(next.dueAt, in: zone)) \(next.item) \(next.reminder)")
            } else {
                parts.append("no reminder due")
            }
        }
        if !status.problems.isEmpty {
            parts.append("problems: " + status.problems.map(\.message).joined(separator: "; "))
        }
        return parts.joined(separator: "; ")
    }

    /// The control socket's view of the lease.
    static func leadershipReport(_ snapshot: Leadership.Snapshot) -> LeadershipReport {
        LeadershipReport(
            role: snapshot.role.rawValue, instance: snapshot.instance, leader: snapshot.leader, leaderSince: snapshot.leaderSince,
            lastTakeoverAt: snapshot.lastTakeover?.at, lastTakeoverFrom: snapshot.lastTakeover?.from,
            lastTakeoverVacantSeconds: snapshot.lastTakeover?.vacantSeconds, problem: snapshot.problem)
    }

    static func summary(_ plan: DaemonStatus.PlanInfo) -> PlanSummary {
        PlanSummary(name: plan.name, files: plan.files, items: plan.items, loadedAt: plan.loadedAt, warnings: plan.warningsTotal ?? plan.warnings.count)
    }

    private func writeStatusFile(_ status: DaemonStatus) {
        let path = configuration.statusFile
        do {
            let data = try DaemonStatus.encoder().encode(status)
            try AtomicFile.write(data + Data("\n".utf8), to: path)
            if statusWriteProblem != nil {
                statusWriteProblem = nil
                logger.notice("status file writable again", metadata: ["ALMANAC_PATH": "\(path)"])
            }
        } catch {
            if statusWriteProblem == nil {
                logger.error("cannot write the status file", metadata: ["ALMANAC_PATH": "\(path)", "error": "\(error)"])
            }
            statusWriteProblem = "status file: \(error)"
        }
    }

    /// The journal fields of a plan-loaded entry (at start and on a successful reload).
    static func planLoadedMetadata(_ plan: PlanInForce) -> Logger.Metadata {
        [
            "MESSAGE_ID": "\(MessageID.planLoaded)", "ALMANAC_PLAN": "\(plan.plan.info.name.value)",
            "ALMANAC_PLAN_ITEMS": "\(plan.plan.items.count)", "ALMANAC_PLAN_FILES": "\(plan.files.count)",
            "ALMANAC_OCCURRENCES": "\(plan.expansion.occurrences.count)",
            "ALMANAC_WINDOW": "\(plan.window.lowerBound)..\(plan.window.upperBound)",
        ]
    }

    private func logDiagnostics(_ diagnostics: [Diagnostic], messageID: String, message: Logger.Message) {
        logger.error(
            message,
            metadata: [
                "MESSAGE_ID": "\(messageID)",
                "ALMANAC_ERRORS": "\(diagnostics.count)",
                "ALMANAC_DIAGNOSTICS": "\(diagnostics.prefix(20).map(\.description).joined(separator: "\n"))",
            ])
    }

    static func milliseconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) * 1000 + Double(attoseconds) / 1e15
    }
}

/// The status as last composed, for readers that must not wait for the controller.
struct StatusCache: Sendable {
    var status: DaemonStatus
    var report: StatusReport
    var schedule: ScheduleView?

    static func empty(configuration: DaemonConfiguration, store: DaemonStatus.StoreInfo, startedAt: Date) -> StatusCache {
        let status = DaemonStatus(
            daemon: DaemonStatus.Daemon(
                state: .starting, pid: getpid(), version: AlmanacVersion.current, config: configuration.file,
                startedAt: startedAt, updatedAt: startedAt, reloads: 0, summary: "starting"),
            plan: nil, lastReload: nil, store: store,
            control: DaemonStatus.ControlInfo(socket: configuration.controlSocket, activated: false), problems: [])
        return StatusCache(
            status: status,
            report: StatusReport(
                version: status.daemon.version, pid: status.daemon.pid, state: status.daemon.state.rawValue,
                startedAt: startedAt, plan: nil, nextWakeup: nil, remindersSent: nil, outboxPending: nil, overdue: nil,
                problems: []),
            schedule: nil)
    }
}

/// Journal `MESSAGE_ID`s of the daemon's own entries, as listed in units/almanac.catalog.
public enum MessageID {
    /// Plan loaded (at start or by a reload).
    public static let planLoaded = "227e27c51be2494595fdcc585ae7f4c3"
    /// A reload (or the first load) found errors; the old plan stays in force.
    public static let reloadRejected = "79bc2fd73486474792ff5f926e2287f1"
    /// The state database cannot be opened or written.
    public static let storeProblem = "ad75be15480244fbbee339fcc2041347"
    /// This instance took the lease of the shared store and delivers.
    public static let leadershipTaken = "5f0b8e2d6a4c4f19b3d7e1a9c8f2b604"
    /// Another instance holds the lease; this one follows.
    public static let leadershipFollowing = "9c3e7a1f5b2d4e68a0f4c6b8d2e1a357"
}
