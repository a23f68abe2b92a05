import AlmanacCalendar
import AlmanacControl
import AlmanacPlan
import AlmanacStore
import Foundation

/// `cal`, `show` and `explain` over the plan in force: the pure `PlanReports` with the daemon's
/// holiday tables, its clock and the marks of its state store.
extension DaemonControlHandler {
    func reports() async throws -> PlanReports {
        let (plan, today) = try await planInForce()
        let store = controller.store
        let now = clock()
        return PlanReports(plan: plan, work: workCalendar, today: today) { id in
            Self.marks(of: id, store: store, at: now)
        }
    }

    func explain(_ query: ExplainQuery) async throws -> ExplainReport {
        var report = try await reports().explain(query)
        if let occurrence = report.occurrence {
            let ref = OccurrenceRef(item: occurrence.key, date: occurrence.entry.date)
            report.history = try await history(HistoryQuery(item: ref.item, date: ref.date, limit: 100)).entries
        }
        return report
    }

    /// What the store records about an occurrence; nothing when the store cannot tell.
    static func marks(of occurrenceID: String, store: any StateStore, at now: Date) -> OccurrenceMarks {
        let state = try? store.markState(occurrenceID: occurrenceID)
        return OccurrenceMarks(
            done: state?.done == true, acknowledged: state?.acknowledged == true,
            snoozed: (try? store.activeSnooze(occurrenceID: occurrenceID, at: now)) != nil, note: state?.last?.note)
    }
}
