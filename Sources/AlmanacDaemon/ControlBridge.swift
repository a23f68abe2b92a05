import AlmanacCalendar
import AlmanacControl
import AlmanacHost
import AlmanacPlan
import AlmanacScheduler
import AlmanacStore
import Foundation
import Logging
import ServiceLifecycle

/// Answers the control socket from the daemon's real state: the plan in force, the status the
/// scheduler computed, and the state store (marks, deliveries, outbox). The server has checked
/// authorization before a state-changing command gets here; every change records the caller's
/// uid (in the store and the journal, by the controller).
///
/// `status` reads the status as last composed, without awaiting any actor; the plan views
/// (`agenda`, `cal`, `show`, `explain`) render the plan in force with the same code as
/// `almanacctl --plan`, with the marks read from the store in one query.
public struct DaemonControlHandler: ControlHandler {
    let controller: DaemonController
    var clock: any WallClock { controller.clock }

    public init(controller: DaemonController) {
        self.controller = controller
    }

    /// `status` is the report as last composed: answered on the event loop, without a hop.
    public func immediateResult(for command: ControlCommand) -> ControlResult? {
        guard case .status = command else { return nil }
        return .status(controller.statusReport)
    }

    public func handle(_ command: ControlCommand, from peer: ControlPeer) async throws -> ControlResult {
        switch command {
        case .status:
            return .status(controller.statusReport)
        case .reload:
            return .reload(try await reload())
        case .agenda(let query):
            return .agenda(try await offPool { try reports().agenda(query) })
        case .next(let query):
            return .next(try next(query))
        case .history(let query):
            return .history(try await offPool { try history(query) })
        case .outbox(let query):
            return .outbox(try await offPool { try outbox(query) })
        case .outboxRetry(let request):
            return .outbox(try await offPool { try outboxRetry(request, peer: peer) })
        case .sendTest(let request):
            return .sendTest(
                try await controller.channels.sendTest(
                    request, store: controller.store, now: clock.now(), logger: Logger(label: "almanacd.send-test")))
        case .cal(let query):
            return .cal(try await offPool { try reports().cal(query) })
        case .show(let query):
            return .show(try await offPool { try reports().show(query) })
        case .explain(let query):
            return .explain(try await offPool { try explain(query) })
        case .ack(let ref):
            let (id, date) = try await offPool { try reports().resolve(ref) }
            try await map { () throws(DaemonRequestError) in
                try await controller.acknowledge(occurrenceID: id.description, uid: peer.uid)
            }
            return .change(ChangeReport(item: ref.item, date: date, state: .acknowledged, recordedAt: clock.now(), uid: peer.uid))
        case .done(let request):
            let (id, date) = try await offPool { try reports().resolve(request.occurrence) }
            try await map { () throws(DaemonRequestError) in
                try await controller.markDone(occurrenceID: id.description, uid: peer.uid, note: request.note)
            }
            return .change(ChangeReport(
                item: request.item, date: date, state: .done, recordedAt: clock.now(), uid: peer.uid, note: request.note))
        case .snooze(let request):
            let (id, date) = try await offPool { try reports().resolve(request.occurrence) }
            try await map { () throws(DaemonRequestError) in
                try await controller.snooze(occurrenceID: id.description, until: request.until, uid: peer.uid)
            }
            return .change(ChangeReport(
                item: request.item, date: date, state: .snoozed, recordedAt: clock.now(), uid: peer.uid,
                snoozedUntil: request.until))
        case .checklist(let query):
            return .checklist(try await checklistReport(query))
        case .progressSet(let request):
            return .progressRecorded(try await setProgress(request, uid: peer.uid))
        case .progressImport(let request):
            return .progressRecorded(try await importProgress(request, uid: peer.uid))
        case .progress(let request):
            let (id, date) = try await offPool { try reports().resolve(request.occurrence) }
            try await map { () throws(DaemonRequestError) in
                try await controller.recordProgress(
                    occurrenceID: id.description, entryID: request.entry, state: request.done ? .done : .open, unit: nil,
                    note: request.note, uid: peer.uid)
            }
            return .change(ChangeReport(
                item: request.item, date: date, state: request.done ? .done : .open, recordedAt: clock.now(),
                uid: peer.uid, note: request.note, entry: request.entry))
        }
    }

    // MARK: - Queries

    /// The scheduler's next deliveries, soonest first.
    func next(_ query: NextQuery) throws -> NextReport {
        _ = try planInForce()
        let limit = min(max(1, query.limit ?? 20), ScheduleView.upcomingKept)
        guard let view = controller.scheduleView, view.generation == controller.generation.number else {
            throw ControlError(.unavailable, "the scheduler has not planned the plan in force yet; try again in a moment")
        }
        return NextReport(reminders: view.upcoming.prefix(limit).map { next in
            UpcomingReminder(
                at: next.dueAt, item: next.item, date: next.date, title: next.title, lead: next.reminder,
                recipients: next.recipients, channel: next.channel, kind: next.kind)
        })
    }

    func reload() async throws -> ReloadReport {
        let outcome = await controller.reload()
        guard outcome.accepted else {
            let errors = outcome.diagnostics.filter { $0.severity == .error }.count
            let kept = controller.inForce == nil ? "there is still no plan" : "the old plan stays in force"
            throw ControlError(
                .invalidPlan, "the plan has \(errors) error\(errors == 1 ? "" : "s"); \(kept)",
                diagnostics: outcome.diagnostics)
        }
        guard let plan = controller.status.plan else {
            throw ControlError(.internalError, "the reload was accepted but no plan is in force")
        }
        return ReloadReport(plan: DaemonController.summary(plan), diagnostics: outcome.diagnostics)
    }

    func history(_ query: HistoryQuery) throws -> HistoryReport {
        let store = controller.store
        let since = query.since ?? .distantPast
        let deliveries: [DeliveryRecord]
        let marks: [Mark]
        do {
            if let item = query.item, let date = query.date {
                let id = OccurrenceRef(item: item, date: date).description
                deliveries = try store.deliveries(occurrenceID: id).filter { $0.dueAt >= since }
                marks = try store.marks(occurrenceID: id).filter { $0.at >= since }
            } else {
                deliveries = try store.deliveries(dueSince: since)
                marks = try store.marks(since: since)
            }
        } catch {
            throw ControlError(.internalError, "the state store failed: \(error)")
        }
        var entries: [HistoryEntry] = []
        for record in deliveries where record.state != .pending {
            guard let id = OccurrenceID(record.key.occurrenceID), Self.matches(query, item: id.itemID, date: id.date)
            else { continue }
            entries.append(HistoryEntry(
                at: record.sentAt ?? record.claimedAt,
                event: record.state == .sent ? "reminder" : "reminder-\(record.state.rawValue)", item: id.itemID, date: id.date,
                channel: record.key.channel, recipients: record.key.recipient.isEmpty ? [] : [record.key.recipient],
                note: record.lastError))
        }
        for mark in marks {
            guard let id = OccurrenceID(mark.occurrenceID), Self.matches(query, item: id.itemID, date: id.date) else { continue }
            entries.append(HistoryEntry(at: mark.at, event: mark.kind.rawValue, item: id.itemID, date: id.date, uid: mark.uid, note: mark.note))
        }
        entries.sort { ($0.at, $0.item) > ($1.at, $1.item) }
        let limit = max(0, query.limit ?? 50)
        if entries.count > limit { entries = Array(entries.prefix(limit)) }
        return HistoryReport(entries: entries)
    }

    static func matches(_ query: HistoryQuery, item: String, date: CivilDate) -> Bool {
        if let wanted = query.item, wanted != item { return false }
        if let wanted = query.date, wanted != date { return false }
        return true
    }

    func explain(_ query: ExplainQuery) throws -> ExplainReport {
        var report = try reports().explain(query)
        if let occurrence = report.occurrence {
            report.history = try history(HistoryQuery(item: occurrence.key, date: occurrence.entry.date, limit: 100)).entries
        }
        return report
    }

    /// Runs a view on a thread of its own: a year's agenda of a large plan, or a read of a shared
    /// store over the network, must not hold one of the cooperative pool's threads, which answer
    /// `status` and the other requests.
    func offPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await BlockingWork.run("almanac-view") { _ in Result { try body() } }.get()
    }

    // MARK: - The plan in force

    /// The plan in force.
    func planInForce() throws -> PlanInForce {
        guard let plan = controller.inForce else {
            throw ControlError(.unavailable, "no plan is loaded; fix the plan and run almanacctl reload")
        }
        return plan
    }

    /// The plan views over the plan in force, today in its time zone, and the marks of the store
    /// (read once for the request).
    func reports() throws -> PlanReports {
        let plan = try planInForce()
        let now = clock.now()
        let store = controller.store
        let states = (try? store.markStates()) ?? [:]
        let snoozes = (try? store.activeSnoozes(at: now)) ?? [:]
        return PlanReports(plan: plan, today: plan.today(at: now)) { id in
            let state = states[id]
            return OccurrenceMarks(
                done: state?.done == true, acknowledged: state?.acknowledged == true, snoozed: snoozes[id] != nil,
                note: state?.last?.note)
        }
    }

    private func map(_ body: () async throws(DaemonRequestError) -> Void) async throws {
        do {
            try await body()
        } catch {
            switch error.code {
            case .invalidArgument: throw ControlError(.badRequest, error.detail)
            case .storeFailed: throw ControlError(.internalError, "the state store failed: \(error.detail)")
            }
        }
    }
}

extension DaemonControlHandler {
    /// The control server as the daemon runs it: on the socket systemd passed, or on the
    /// configured `control_socket` path; state changes for root and `admin_group`.
    public static func makeServer(controller: DaemonController, listeningSocket: Int32?, logger: Logger) -> ControlServer {
        let configuration = controller.initialConfiguration
        let endpoint: ControlServerConfiguration.Endpoint =
            listeningSocket.map { .listeningSocket($0) } ?? .path(configuration.controlSocket)
        let adminGroup = configuration.adminGroup.isEmpty ? nil : configuration.adminGroup
        var server = ControlServerConfiguration(endpoint: endpoint, authorization: ControlAuthorization(adminGroup: adminGroup))
        server.socketMode = mode_t(configuration.controlSocketMode)
        if let group = configuration.controlSocketGroup {
            server.socketGroup = group
            server.socketGroupRequired = true
        } else {
            // The default, the admin group: applied when it exists and this process may give the
            // socket to it; otherwise (a development run) the socket keeps the process's group.
            server.socketGroup = adminGroup
            server.socketGroupRequired = false
        }
        return ControlServer(configuration: server, handler: DaemonControlHandler(controller: controller), logger: logger)
    }
}

/// Serves the control socket bound before READY=1, until the graceful shutdown.
struct ControlService: Service {
    let server: ControlServer
    let listener: ControlListener

    func run() async throws {
        do {
            try await server.serve(listener)
        } catch is CancellationError {
            // Stopping: the group cancels its services once the graceful shutdown is under way.
        }
    }
}
