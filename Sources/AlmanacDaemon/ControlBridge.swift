import AlmanacCalendar
import AlmanacControl
import AlmanacPlan
import AlmanacScheduler
import AlmanacStore
import Foundation
import Logging
import ServiceLifecycle

/// Answers the control socket from the daemon's real state: the `DaemonController` (plan,
/// reloads, marks) and its state store (deliveries, marks, outbox). The server has checked
/// authorization before a state-changing command gets here; every change records the caller's
/// uid (in the store and the journal, by the controller).
public struct DaemonControlHandler: ControlHandler {
    let controller: DaemonController
    let clock: @Sendable () -> Date
    /// The official working-day calendar (the configured holiday tables), for `cal`, `show`,
    /// `explain` and the agenda's working-day distances.
    let workCalendar: WorkCalendar

    public init(
        controller: DaemonController, clock: @escaping @Sendable () -> Date = { Date() },
        workCalendar: WorkCalendar = .weekendsOnly
    ) {
        self.controller = controller
        self.clock = clock
        self.workCalendar = workCalendar
    }

    public func handle(_ command: ControlCommand, from peer: ControlPeer) async throws -> ControlResult {
        switch command {
        case .status:
            return .status(await status())
        case .reload:
            return .reload(try await reload())
        case .agenda(let query):
            return .agenda(try await agenda(query))
        case .next(let query):
            return .next(try await next(query))
        case .history(let query):
            return .history(try await history(query))
        case .outbox(let query):
            return .outbox(try outbox(query))
        case .outboxRetry(let request):
            return .outbox(try outboxRetry(request, peer: peer))
        case .sendTest(let request):
            return .sendTest(
                try await controller.channels.sendTest(
                    request, store: controller.store, now: clock(), logger: Logger(label: "almanacd.send-test")))
        case .cal(let query):
            return .cal(try await reports().cal(query))
        case .show(let query):
            return .show(try await reports().show(query))
        case .explain(let query):
            return .explain(try await explain(query))
        case .ack(let ref):
            let (id, date) = try await resolve(ref)
            try await map { () throws(DaemonRequestError) in try await controller.acknowledge(occurrenceID: id, uid: peer.uid) }
            return .change(ChangeReport(item: ref.item, date: date, state: .acknowledged, recordedAt: clock(), uid: peer.uid))
        case .done(let request):
            let (id, date) = try await resolve(request.occurrence)
            try await map { () throws(DaemonRequestError) in
                try await controller.markDone(occurrenceID: id, uid: peer.uid, note: request.note)
            }
            return .change(ChangeReport(
                item: request.item, date: date, state: .done, recordedAt: clock(), uid: peer.uid, note: request.note))
        case .snooze(let request):
            let (id, date) = try await resolve(request.occurrence)
            try await map { () throws(DaemonRequestError) in
                try await controller.snooze(occurrenceID: id, until: request.until, uid: peer.uid)
            }
            return .change(ChangeReport(
                item: request.item, date: date, state: .snoozed, recordedAt: clock(), uid: peer.uid,
                snoozedUntil: request.until))
        case .checklist(let query):
            return .checklist(try await checklistReport(query))
        case .progressSet(let request):
            return .progressRecorded(try await setProgress(request, uid: peer.uid))
        case .progressImport(let request):
            return .progressRecorded(try await importProgress(request, uid: peer.uid))
        case .progress(let request):
            let (id, date) = try await resolve(request.occurrence)
            try await map { () throws(DaemonRequestError) in
                try await controller.recordProgress(
                    occurrenceID: id, entryID: request.entry, state: request.done ? .done : .open, unit: nil,
                    note: request.note, uid: peer.uid)
            }
            return .change(ChangeReport(
                item: request.item, date: date, state: request.done ? .done : .open, recordedAt: clock(),
                uid: peer.uid, note: request.note, entry: request.entry))
        }
    }

    // MARK: - Queries

    func status() async -> StatusReport {
        let status = await controller.status()
        let pending = (try? controller.store.mailCounts()).map { $0[.queued] ?? 0 }
        // The overdue count and the next wake-up are known once the scheduler has planned.
        let schedule = await controller.schedule
        // Counted in the store (COUNT ... GROUP BY state), not by reading every delivery row.
        return StatusReport(
            version: status.daemon.version, pid: status.daemon.pid, state: status.daemon.state.rawValue,
            startedAt: status.daemon.startedAt, plan: status.plan.map(Self.summary),
            nextWakeup: schedule?.nextWakeup, remindersSent: status.counts?.sent,
            outboxPending: pending, overdue: schedule == nil || status.plan == nil ? nil : status.overdue.count,
            problems: status.problems.map(\.message))
    }

    /// The scheduler's next deliveries, soonest first.
    func next(_ query: NextQuery) async throws -> NextReport {
        _ = try await planInForce()
        let limit = min(max(1, query.limit ?? 20), 10_000)
        guard let upcoming = await controller.upcoming(limit: limit) else {
            throw ControlError(.unavailable, "the scheduler has not planned the plan in force yet; try again in a moment")
        }
        return NextReport(reminders: upcoming.map { delivery in
            UpcomingReminder(
                at: delivery.due, item: delivery.occurrence.itemID, date: delivery.occurrence.start,
                title: delivery.occurrence.title, lead: delivery.key.reminderID, recipients: delivery.recipients,
                channel: delivery.channel.rawValue, kind: delivery.occurrence.kind)
        })
    }

    static func summary(_ plan: DaemonStatus.PlanInfo) -> PlanSummary {
        PlanSummary(name: plan.name, files: plan.files, items: plan.items, loadedAt: plan.loadedAt, warnings: plan.warnings.count)
    }

    func reload() async throws -> ReloadReport {
        let outcome = await controller.reload()
        guard outcome.accepted else {
            let errors = outcome.diagnostics.filter { $0.severity == .error }.count
            let kept = await controller.plan == nil ? "there is still no plan" : "the old plan stays in force"
            throw ControlError(
                .invalidPlan, "the plan has \(errors) error\(errors == 1 ? "" : "s"); \(kept)",
                diagnostics: outcome.diagnostics)
        }
        guard let plan = await controller.status().plan else {
            throw ControlError(.internalError, "the reload was accepted but no plan is in force")
        }
        return ReloadReport(plan: Self.summary(plan), diagnostics: outcome.diagnostics)
    }

    func agenda(_ query: AgendaQuery) async throws -> AgendaReport {
        let (plan, today) = try await planInForce()
        let from = query.from ?? today
        let to = query.to ?? from.adding(days: max(1, query.days ?? 30) - 1)
        guard from <= to else { throw ControlError(.badRequest, "the range ends (\(to)) before it starts (\(from))") }
        guard from.days(to: to) <= 3660 else { throw ControlError(.badRequest, "the range is longer than ten years") }
        if let unit = query.unit, !plan.units.contains(where: { $0.id.value == unit }) {
            throw ControlError(.notFound, "no unit '\(unit)' in the plan")
        }
        if let kind = query.kind, ItemKind(rawValue: kind) == nil {
            let known = ItemKind.allCases.map(\.rawValue).joined(separator: ", ")
            throw ControlError(.badRequest, "unknown kind '\(kind)' (known: \(known))")
        }
        let now = clock()
        let store = controller.store
        var entries: [AlmanacControl.AgendaEntry] = []
        for occurrence in PlanOccurrences.expand(plan, in: from...to, context: RuleContext(workCalendar: workCalendar)).occurrences {
            if let kind = query.kind, occurrence.kind != kind { continue }
            if let unit = query.unit, !occurrence.owners.contains(unit) { continue }
            let id = occurrence.id.description
            let marks = Self.marks(of: id, store: store, at: now)
            var entry = AlmanacControl.AgendaEntry(
                date: occurrence.start, endDate: occurrence.end != occurrence.start ? occurrence.end : nil,
                item: occurrence.itemID, title: occurrence.title, kind: occurrence.kind, owners: occurrence.owners,
                state: PlanReports.state(marks, end: occurrence.end, kind: occurrence.kind, today: today),
                lunar: (try? ChineseCalendar.standard.lunarDate(from: occurrence.start))?.chineseMonthDay,
                note: marks.note)
            entry.workingDays = PlanReports.workingDays(from: today, to: occurrence.start, work: workCalendar)
            entries.append(entry)
        }
        entries.sort { ($0.date, $0.item) < ($1.date, $1.item) }
        let missing = plan.info.holidays.value == "cn" ? (from.year...to.year).filter { !workCalendar.hasTable(for: $0) } : []
        return AgendaReport(from: from, to: to, entries: entries, yearsWithoutHolidayTable: missing)
    }


    func history(_ query: HistoryQuery) async throws -> HistoryReport {
        let store = controller.store
        let since = query.since ?? .distantPast
        let deliveries: [DeliveryRecord]
        do {
            deliveries = try store.deliveries(dueSince: since)
        } catch {
            throw ControlError(.internalError, "the state store failed: \(error)")
        }
        var entries: [HistoryEntry] = []
        var occurrences: Set<String> = []
        for record in deliveries {
            guard let ref = OccurrenceRef(parsing: record.key.occurrenceID), let date = ref.date,
                Self.matches(query, item: ref.item, date: date)
            else { continue }
            occurrences.insert(record.key.occurrenceID)
            guard record.state != .pending else { continue }
            entries.append(HistoryEntry(
                at: record.sentAt ?? record.claimedAt,
                event: record.state == .sent ? "reminder" : "reminder-\(record.state.rawValue)", item: ref.item, date: date,
                channel: record.key.channel, recipients: record.key.recipient.isEmpty ? [] : [record.key.recipient],
                note: record.lastError))
        }
        if let item = query.item, let date = query.date {
            occurrences.insert(OccurrenceRef(item: item, date: date).description)
        } else if let (plan, today) = try? await planInForce() {
            // Marks of occurrences that no reminder has touched yet.
            let range = today.adding(days: -400)...today.adding(days: 400)
            for occurrence in PlanOccurrences.expand(plan, in: range, context: RuleContext(workCalendar: workCalendar)).occurrences
            where query.item == nil || occurrence.itemID == query.item {
                occurrences.insert(occurrence.id.description)
            }
        }
        for occurrence in occurrences {
            guard let ref = OccurrenceRef(parsing: occurrence), let date = ref.date,
                let marks = try? store.marks(occurrenceID: occurrence)
            else { continue }
            for mark in marks where mark.at >= since {
                entries.append(HistoryEntry(at: mark.at, event: mark.kind.rawValue, item: ref.item, date: date, uid: mark.uid, note: mark.note))
            }
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

    // MARK: - Occurrences

    /// The plan in force and today in its time zone.
    func planInForce() async throws -> (Plan, CivilDate) {
        guard let plan = await controller.plan?.plan else {
            throw ControlError(.unavailable, "no plan is loaded; fix the plan and run almanacctl reload")
        }
        let zone = TimeZone(identifier: plan.info.timezone.value) ?? TimeZone(identifier: "Asia/Shanghai") ?? .gmt
        return (plan, ZonedTime.civilDate(of: clock(), in: zone))
    }

    /// The store's id (`item@YYYY-MM-DD`) and date of an occurrence, checked against the plan in
    /// force. Without a date: the latest occurrence of the last 30 days that is not done, else
    /// the next one.
    func resolve(_ ref: OccurrenceRef) async throws -> (String, CivilDate) {
        let (plan, today) = try await planInForce()
        let range = ref.date.map { $0...$0 } ?? today.adding(days: -30)...today.adding(days: 400)
        let candidates = PlanOccurrences.expand(plan, in: range, context: RuleContext(workCalendar: workCalendar)).occurrences
            .filter { $0.itemID == ref.item }
        if let date = ref.date {
            guard candidates.contains(where: { $0.start == date }) else {
                guard Self.itemExists(ref.item, in: plan) else { throw ControlError(.notFound, "no item '\(ref.item)' in the plan") }
                throw ControlError(.notFound, "'\(ref.item)' has no occurrence starting on \(date)")
            }
            return (ref.description, date)
        }
        guard Self.itemExists(ref.item, in: plan) else { throw ControlError(.notFound, "no item '\(ref.item)' in the plan") }
        let past = candidates.filter { $0.start <= today }.reversed().first { occurrence in
            (try? controller.store.markState(occurrenceID: occurrence.id.description).done) != true
        }
        guard let chosen = past ?? candidates.first(where: { $0.start > today }) else {
            throw ControlError(.notFound, "'\(ref.item)' has no occurrence from 30 days ago to a year ahead; name one: \(ref.item)@YYYY-MM-DD")
        }
        return (chosen.id.description, chosen.start)
    }

    static func itemExists(_ id: String, in plan: Plan) -> Bool {
        plan.items.contains { item in
            item.id.value == id || item.phases.contains { "\(item.id.value)/\($0.id.value)" == id }
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
    public static func makeServer(
        controller: DaemonController, listeningSocket: Int32?, logger: Logger,
        clock: @escaping @Sendable () -> Date = { Date() }
    ) async -> ControlServer {
        let configuration = await controller.configuration
        let endpoint: ControlServerConfiguration.Endpoint =
            listeningSocket.map { .listeningSocket($0) } ?? .path(configuration.controlSocket)
        let adminGroup = configuration.adminGroup.isEmpty ? nil : configuration.adminGroup
        let workCalendar = SchedulerService.loadHolidays(configuration.holidays, logger: logger)
        return ControlServer(
            configuration: ControlServerConfiguration(
                endpoint: endpoint, authorization: ControlAuthorization(adminGroup: adminGroup)),
            handler: DaemonControlHandler(controller: controller, clock: clock, workCalendar: workCalendar), logger: logger)
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
