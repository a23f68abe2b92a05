import AlmanacCalendar
import AlmanacPlan
import AlmanacScheduler
import AlmanacStore
import AlmanacSystemd
import Foundation
import Logging

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

/// Events the daemon's other services react to (the scheduler re-plans on any of them).
public enum DaemonEvent: Sendable, Hashable {
    /// A new plan is in force.
    case planChanged
    /// An acknowledgement, done mark, snooze or progress entry was recorded.
    case marksChanged(occurrenceID: String)
}

/// The daemon's state and the operations on it: one actor, so the control server, the signal
/// handler and the scheduler never race. The control server (AlmanacControl) calls these methods.
public actor DaemonController {
    /// The configuration in force: the one the daemon started with, with the keys a reload may
    /// change (`plans`, `catch_up`, `delivery_time`, `holidays`) taken from the last accepted reload.
    public private(set) var configuration: DaemonConfiguration
    /// The configuration the daemon started with (readable without awaiting the actor; the keys
    /// a reload changes are in ``configuration``).
    public nonisolated let initialConfiguration: DaemonConfiguration
    /// Reads the configuration file again on reload; `nil` reloads the plan only.
    private let reloadConfiguration: (@Sendable () -> ConfigurationLoader.Result)?
    /// The state store in use (the file, or the in-memory fallback).
    public nonisolated let store: any StateStore
    private let storeInfo: DaemonStatus.StoreInfo
    private let planLoader: any PlanLoading
    private let notifier: SystemdNotifier
    private let logger: Logger
    private let clock: @Sendable () -> Date
    private let startedAt: Date

    private(set) public var plan: LoadedPlan?
    private var phase: DaemonStatus.Phase = .starting
    private var reloads = 0
    private var lastReload: DaemonStatus.ReloadInfo?
    private var problems: [DaemonStatus.Problem] = []
    private var control: DaemonStatus.ControlInfo
    private var statusWriteProblem: String?
    /// The scheduler's latest view (``scheduleChanged(_:)``); `nil` before it planned.
    public private(set) var schedule: SchedulerSnapshot?
    private let eventContinuation: AsyncStream<DaemonEvent>.Continuation
    /// Changes for the scheduler and other listeners (one consumer).
    public nonisolated let events: AsyncStream<DaemonEvent>
    /// Wakes the outbox worker when mail is queued again over the control socket.
    public nonisolated let mailDoorbell = MailDoorbell()
    /// Wakes the robot worker likewise.
    public nonisolated let robotDoorbell = MailDoorbell()
    /// What `send-test` uses: the destinations of the plan in force and the transports.
    public nonisolated let channels = ChannelHub()
    private let statusContinuation: AsyncStream<Void>.Continuation
    /// One element after each write of status.json (start, reload, marks, progress, every
    /// scheduler wake-up), for the publisher of the files derived from it (one consumer). Keeps
    /// only the newest, so a burst of changes wakes the consumer once.
    public nonisolated let statusWrites: AsyncStream<Void>

    /// - Parameters:
    ///   - store: The opened store, or the error that kept the file from opening (the controller
    ///     then works on an in-memory store and reports the problem).
    public init(
        configuration: DaemonConfiguration,
        store: Result<any StateStore, StoreError>,
        planLoader: any PlanLoading = PlanModelLoader(),
        reloadConfiguration: (@Sendable () -> ConfigurationLoader.Result)? = nil,
        notifier: SystemdNotifier = SystemdNotifier(),
        logger: Logger,
        clock: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.configuration = configuration
        initialConfiguration = configuration
        self.reloadConfiguration = reloadConfiguration
        self.planLoader = planLoader
        self.notifier = notifier
        self.logger = logger
        self.clock = clock
        startedAt = clock()
        control = DaemonStatus.ControlInfo(socket: configuration.controlSocket, activated: false)
        (events, eventContinuation) = AsyncStream.makeStream(of: DaemonEvent.self, bufferingPolicy: .bufferingNewest(64))
        (statusWrites, statusContinuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        switch store {
        case .success(let opened):
            self.store = opened
            storeInfo = DaemonStatus.StoreInfo(path: configuration.databasePath, mode: "file")
        case .failure(let error):
            // Keep reminding through the journal: an in-memory store still prevents repeats
            // within this process.
            let fallback: any StateStore = (try? SQLiteStateStore()) ?? UnavailableStore(error: error)
            self.store = fallback
            storeInfo = DaemonStatus.StoreInfo(
                path: configuration.databasePath, mode: "memory", errorCode: error.code.rawValue, error: error.description)
        }
    }

    // MARK: - Lifecycle

    /// Loads the plan for the first time. An invalid plan leaves the daemon running without one
    /// (so `almanacctl reload` can fix it) and says why.
    public func start(controlActivated: Bool) {
        control.activated = controlActivated
        if storeInfo.mode == "memory" {
            logger.error(
                "state store unavailable, reminders go to the journal without persistent state",
                metadata: [
                    "MESSAGE_ID": "\(MessageID.storeProblem)", "ALMANAC_STORE_ERROR": "\(storeInfo.errorCode ?? "")",
                    "error": "\(storeInfo.error ?? "")",
                ])
        }
        let loaded = planLoader.load(patterns: configuration.plans, holidays: configuration.holidays, at: clock())
        if loaded.isValid {
            plan = loaded
            logger.notice(
                "plan loaded",
                metadata: Self.planLoadedMetadata(loaded))
        } else {
            logDiagnostics(
                loaded.errors, messageID: MessageID.reloadRejected,
                message: "plan invalid, running without a plan until a reload succeeds")
        }
        for warning in loaded.diagnostics where warning.severity == .warning {
            logger.warning("plan warning", metadata: ["ALMANAC_DIAGNOSTIC": "\(warning)"])
        }
        lastReload = nil
        phase = .running
        refreshProblems(rejected: loaded.isValid ? nil : loaded)
        publish()
        eventContinuation.yield(.planChanged)
    }

    /// Sends READY=1 with the summary. Call once the control socket is listening.
    public func announceReady() {
        notifier.ready(status: summary())
    }

    /// Reads the configuration and the plan files again. The new plan replaces the old one only
    /// when neither has an error; otherwise the old one stays in force and STATUS, status.json and
    /// the journal say why.
    @discardableResult
    public func reload() -> ReloadOutcome {
        let started = ContinuousClock.now
        phase = .reloading
        notifier.reloading(status: "reloading plan")
        writeStatusFile()
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
        var loaded: LoadedPlan
        if configurationValid {
            loaded = planLoader.load(patterns: candidate.plans, holidays: candidate.holidays, at: clock())
            loaded.diagnostics = configurationDiagnostics + loaded.diagnostics
        } else {
            loaded = LoadedPlan(name: nil, files: [], itemCount: 0, diagnostics: configurationDiagnostics, loadedAt: clock())
        }
        let accepted = loaded.isValid
        if accepted {
            plan = loaded
            configuration = candidate
            logger.notice(
                "plan reloaded",
                metadata: Self.planLoadedMetadata(loaded))
        } else {
            logDiagnostics(
                loaded.errors, messageID: MessageID.reloadRejected,
                message: plan == nil ? "reload rejected, still no plan" : "reload rejected, keeping the old plan")
        }
        let duration = ContinuousClock.now - started
        lastReload = DaemonStatus.ReloadInfo(
            at: clock(), accepted: accepted, durationMs: Self.milliseconds(duration),
            diagnostics: loaded.diagnostics.map(\.description))
        phase = .running
        refreshProblems(rejected: accepted ? nil : loaded)
        publish(ready: true)
        if accepted { eventContinuation.yield(.planChanged) }
        return ReloadOutcome(accepted: accepted, diagnostics: loaded.diagnostics, planName: plan?.name, duration: duration)
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
        if old.shutdownTimeout != new.shutdownTimeout { keys.append("shutdown_timeout") }
        if old.logLevel != new.logLevel { keys.append("log_level") }
        return keys
    }

    /// Says STOPPING=1 and records the phase; the services then wind down.
    public func beginShutdown() {
        guard phase != .stopping && phase != .stopped else { return }
        phase = .stopping
        notifier.stopping(status: "stopping")
        logger.info("stopping")
        writeStatusFile()
        eventContinuation.finish()
        statusContinuation.finish()
    }

    /// Records the final state in status.json.
    public func finishShutdown() {
        phase = .stopped
        writeStatusFile()
    }

    // MARK: - Schedule

    /// The scheduler's view after a wake-up: status.json and STATUS= are written again.
    public func scheduleChanged(_ snapshot: SchedulerSnapshot?) {
        schedule = snapshot
        guard phase == .running else { return }
        publish()
    }

    /// The next `limit` deliveries; `nil` before the scheduler has planned the plan in force.
    public func upcoming(limit: Int) -> [UpcomingDelivery]? {
        schedule?.upcoming(now: clock(), limit: limit)
    }

    /// Deliveries by state, counted in the store (`nil` when it fails).
    public func deliveryCounts() -> DaemonStatus.DeliveryCounts? {
        guard let counts = try? store.deliveryCounts() else { return nil }
        return DaemonStatus.DeliveryCounts(
            sent: counts[.sent] ?? 0, missed: counts[.missed] ?? 0, inDoubt: counts[.pending] ?? 0,
            failed: counts[.failed] ?? 0)
    }

    // MARK: - Queries

    /// The current status (what status.json holds).
    public func status() -> DaemonStatus {
        var status = DaemonStatus(
            daemon: DaemonStatus.Daemon(
                state: phase, pid: getpid(), version: AlmanacVersion.current, config: configuration.file,
                startedAt: startedAt, updatedAt: clock(), reloads: reloads, summary: summary()),
            plan: plan.map {
                DaemonStatus.PlanInfo(
                    name: $0.name, files: $0.files, items: $0.itemCount, loadedAt: $0.loadedAt,
                    warnings: $0.diagnostics.filter { $0.severity == .warning }.map(\.description))
            },
            lastReload: lastReload, store: storeInfo, control: control, problems: problems)
        let now = clock()
        if let schedule, plan != nil {
            let today = ZonedTime.civilDate(of: now, in: schedule.timeZone)
            status.nextReminders = schedule.upcoming(now: now, limit: DaemonStatus.nextRemindersShown)
                .map(DaemonStatus.NextReminder.init)
            status.activeCampaigns = schedule.activeCampaigns(today: today)
            status.overdue = schedule.overdue(today: today)
        }
        status.counts = deliveryCounts()
        if let plan = plan?.plan, !plan.checklists.isEmpty {
            status.checklists = ChecklistState.summaries(plan: plan, store: store, now: now)
        }
        return status
    }

    /// The one-line summary (STATUS=): the plan, then the problems.
    public func summary() -> String {
        var parts: [String] = []
        if let plan {
            parts.append("plan \(plan.name ?? "(untitled)"): \(plan.itemCount) items from \(plan.files.count) files")
        } else {
            parts.append("no plan")
        }
        if plan != nil, let schedule {
            if let next = schedule.upcoming(now: clock(), limit: 1).first {
                parts.append("next reminder \(schedule.localText(next.due)) \(next.occurrence.itemID) \(next.key.reminderID)")
            } else {
                parts.append("no reminder due")
            }
        }
        if !problems.isEmpty {
            parts.append("problems: " + problems.map(\.message).joined(separator: "; "))
        }
        return parts.joined(separator: "; ")
    }

    // MARK: - Marks

    /// Records an acknowledgement by `uid`: overdue repeats stop.
    public func acknowledge(occurrenceID: String, uid: UInt32, note: String? = nil) throws(DaemonRequestError) {
        try mark(.acknowledged, occurrenceID: occurrenceID, uid: uid, note: note)
    }

    /// Records that the work is done (or, with `done: false`, withdraws that).
    public func markDone(occurrenceID: String, uid: UInt32, done: Bool = true, note: String? = nil) throws(DaemonRequestError) {
        try mark(done ? .done : .undone, occurrenceID: occurrenceID, uid: uid, note: note)
    }

    /// Holds back the occurrence's reminders until `until`.
    public func snooze(occurrenceID: String, until: Date, uid: UInt32, note: String? = nil) throws(DaemonRequestError) {
        try requireOccurrence(occurrenceID)
        let now = clock()
        guard until > now else {
            throw DaemonRequestError(code: .invalidArgument, detail: "snooze end \(until) is not in the future")
        }
        try storeCall { () throws(StoreError) in
            try store.recordSnooze(Snooze(occurrenceID: occurrenceID, until: until, uid: uid, at: now, note: note))
        }
        logger.notice(
            "reminders snoozed",
            metadata: ["ALMANAC_OCCURRENCE": "\(occurrenceID)", "ALMANAC_UID": "\(uid)", "ALMANAC_UNTIL": "\(until)"])
        eventContinuation.yield(.marksChanged(occurrenceID: occurrenceID))
    }

    /// Records the progress of one checklist entry.
    public func recordProgress(
        occurrenceID: String, entryID: String, state: ChecklistProgress.State, unit: String?, note: String?, uid: UInt32
    ) throws(DaemonRequestError) {
        try requireOccurrence(occurrenceID)
        guard !entryID.isEmpty else { throw DaemonRequestError(code: .invalidArgument, detail: "empty checklist entry id") }
        let progress = ChecklistProgress(
            occurrenceID: occurrenceID, entryID: entryID, state: state, unit: unit, note: note, uid: uid, at: clock())
        try storeCall { () throws(StoreError) in try store.recordProgress(progress) }
        logger.info(
            "checklist progress",
            metadata: ["ALMANAC_OCCURRENCE": "\(occurrenceID)", "ALMANAC_ENTRY": "\(entryID)",
                       "ALMANAC_STATE": "\(state.rawValue)", "ALMANAC_UID": "\(uid)"])
        eventContinuation.yield(.marksChanged(occurrenceID: occurrenceID))
    }

    /// Records the progress of many checklist indicators in one transaction (all or none), then
    /// wakes the scheduler (the next reminders list what is still open) and rewrites status.json.
    public func recordChecklistProgress(_ entries: [ChecklistProgress], uid: UInt32) throws(DaemonRequestError) {
        guard let first = entries.first else { return }
        try storeCall { () throws(StoreError) in try store.recordProgress(batch: entries) }
        logger.info(
            "checklist progress",
            metadata: ["ALMANAC_OCCURRENCE": "\(first.occurrenceID)", "ALMANAC_ENTRIES": "\(entries.count)",
                       "ALMANAC_ENTRY": "\(first.entryID)", "ALMANAC_STATE": "\(first.state.rawValue)", "ALMANAC_UID": "\(uid)"])
        eventContinuation.yield(.marksChanged(occurrenceID: first.occurrenceID))
        writeStatusFile()
    }

    /// Deliveries and marks of one occurrence, for `almanacctl history`.
    public func history(occurrenceID: String) throws(DaemonRequestError) -> (deliveries: [DeliveryRecord], marks: [Mark]) {
        try requireOccurrence(occurrenceID)
        let deliveries = try storeCall { () throws(StoreError) in try store.deliveries(occurrenceID: occurrenceID) }
        let marks = try storeCall { () throws(StoreError) in try store.marks(occurrenceID: occurrenceID) }
        return (deliveries, marks)
    }

    private func mark(_ kind: Mark.Kind, occurrenceID: String, uid: UInt32, note: String?) throws(DaemonRequestError) {
        try requireOccurrence(occurrenceID)
        let mark = Mark(occurrenceID: occurrenceID, kind: kind, uid: uid, at: clock(), note: note)
        try storeCall { () throws(StoreError) in try store.recordMark(mark) }
        logger.notice(
            "occurrence marked",
            metadata: ["ALMANAC_OCCURRENCE": "\(occurrenceID)", "ALMANAC_MARK": "\(kind.rawValue)", "ALMANAC_UID": "\(uid)"])
        eventContinuation.yield(.marksChanged(occurrenceID: occurrenceID))
    }

    private func requireOccurrence(_ occurrenceID: String) throws(DaemonRequestError) {
        if occurrenceID.isEmpty { throw DaemonRequestError(code: .invalidArgument, detail: "empty occurrence id") }
    }

    private func storeCall<T>(_ body: () throws(StoreError) -> T) throws(DaemonRequestError) -> T {
        do {
            return try body()
        } catch {
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

    private func refreshProblems(rejected: LoadedPlan?) {
        problems.removeAll()
        if let code = storeInfo.errorCode {
            problems.append(.init(code: "store-unavailable", message: "state store \(code), using memory"))
        }
        if let rejected {
            let first = rejected.errors.first.map(\.description) ?? "invalid plan"
            let more = rejected.errors.count > 1 ? " (+\(rejected.errors.count - 1) more)" : ""
            if plan == nil {
                problems.append(.init(code: "plan-invalid", message: "plan invalid: \(first)\(more)"))
            } else {
                problems.append(.init(code: "reload-rejected", message: "reload rejected, old plan kept: \(first)\(more)"))
            }
        }
        if let statusWriteProblem {
            problems.append(.init(code: "status-file", message: statusWriteProblem))
        }
    }

    private func publish(ready: Bool = false) {
        writeStatusFile()
        if ready {
            notifier.ready(status: summary())
        } else {
            notifier.status(summary())
        }
    }

    private func writeStatusFile() {
        let path = configuration.statusFile
        do {
            let data = try DaemonStatus.encoder().encode(status())
            try AtomicFile.write(data + Data("\n".utf8), to: path)
            statusContinuation.yield()
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
    static func planLoadedMetadata(_ loaded: LoadedPlan) -> Logger.Metadata {
        [
            "MESSAGE_ID": "\(MessageID.planLoaded)", "ALMANAC_PLAN": "\(loaded.name ?? "")",
            "ALMANAC_PLAN_ITEMS": "\(loaded.itemCount)", "ALMANAC_PLAN_FILES": "\(loaded.files.count)",
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

/// Journal `MESSAGE_ID`s of the daemon's own entries, as listed in units/almanac.catalog.
public enum MessageID {
    /// Plan loaded (at start or by a reload).
    public static let planLoaded = "227e27c51be2494595fdcc585ae7f4c3"
    /// A reload (or the first load) found errors; the old plan stays in force.
    public static let reloadRejected = "79bc2fd73486474792ff5f926e2287f1"
    /// The state database cannot be opened or written.
    public static let storeProblem = "ad75be15480244fbbee339fcc2041347"
}

/// The store used when not even an in-memory SQLite database opens: every call fails with the
/// original error, so requests get a clear answer instead of a crash.
struct UnavailableStore: StateStore {
    let error: StoreError

    func claimDelivery(_ key: DeliveryKey, dueAt: Date, late: Bool, at now: Date) throws(StoreError) -> DeliveryClaim { throw error }
    func markSent(_ id: Int64, at now: Date) throws(StoreError) { throw error }
    func markFailed(_ id: Int64, at now: Date, error: String) throws(StoreError) { throw self.error }
    func resolveInDoubt(_ id: Int64, sent: Bool, at now: Date) throws(StoreError) { throw error }
    func recordMissed(_ key: DeliveryKey, dueAt: Date, at now: Date) throws(StoreError) { throw error }
    func delivery(_ key: DeliveryKey) throws(StoreError) -> DeliveryRecord? { throw error }
    func deliveries(occurrenceID: String) throws(StoreError) -> [DeliveryRecord] { throw error }
    func deliveries(dueSince since: Date) throws(StoreError) -> [DeliveryRecord] { throw error }
    func inDoubtDeliveries() throws(StoreError) -> [DeliveryRecord] { throw error }
    func recordMark(_ mark: Mark) throws(StoreError) { throw error }
    func marks(occurrenceID: String) throws(StoreError) -> [Mark] { throw error }
    func markState(occurrenceID: String) throws(StoreError) -> MarkState { throw error }
    func recordSnooze(_ snooze: Snooze) throws(StoreError) { throw error }
    func activeSnooze(occurrenceID: String, at now: Date) throws(StoreError) -> Snooze? { throw error }
    func enqueueMail(_ message: OutboxMessage, delivery: Int64?, at now: Date) throws(StoreError) -> Int64 { throw error }
    func dueMail(at now: Date, limit: Int) throws(StoreError) -> [OutboxEntry] { throw error }
    func markMailSent(_ id: Int64, at now: Date) throws(StoreError) { throw error }
    func markMailAttemptFailed(_ id: Int64, at now: Date, error: String, retryAt: Date?) throws(StoreError) { throw self.error }
    func mailCounts() throws(StoreError) -> [OutboxState: Int] { throw error }
    func outbox(state: OutboxState?, limit: Int) throws(StoreError) -> [OutboxEntry] { throw error }
    func mailEntry(_ id: Int64) throws(StoreError) -> OutboxEntry? { throw error }
    func requeueMail(_ id: Int64, at now: Date) throws(StoreError) -> Bool { throw error }
    func recordProgress(_ progress: ChecklistProgress) throws(StoreError) { throw error }
    func recordProgress(batch: [ChecklistProgress]) throws(StoreError) { throw error }
    func checklistProgress(occurrenceID: String) throws(StoreError) -> [ChecklistProgress] { throw error }
    func checklistHistory(occurrenceID: String, entryID: String) throws(StoreError) -> [ChecklistProgress] { throw error }
}
