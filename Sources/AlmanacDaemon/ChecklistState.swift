import AlmanacCalendar
import AlmanacPlan
import AlmanacScheduler
import AlmanacStore
import Foundation

/// Where a checklist's progress is recorded: the occurrence of the item it is filed for.
struct ChecklistOccurrence: Sendable, Hashable {
    /// `item@YYYY-MM-DD`, or `checklist:ID` for a checklist without an item.
    var id: String
    var deadline: CivilDate?
}

/// Checklist progress as the daemon reads it from the store. Shared by the control handler,
/// status.json and the scheduler.
enum ChecklistState {
    /// The occurrence of `checklist`'s item on `date`, or else the first one ending today or later
    /// (within a year), or else the latest within the last year.
    static func occurrence(of checklist: Checklist, in plan: PlanInForce, date: CivilDate? = nil, today: CivilDate)
        -> ChecklistOccurrence?
    {
        guard let item = checklist.item?.value else { return ChecklistOccurrence(id: "checklist:\(checklist.id.value)", deadline: nil) }
        let range = date.map { $0...$0 } ?? today.adding(days: -366)...today.adding(days: 366)
        let (expansion, indices) = plan.occurrences(overlapping: range)
        let occurrences = indices.map { expansion.occurrences[$0] }.filter { expansion.series(of: $0).key == item }
        if let date {
            return occurrences.first { $0.start == date }.map {
                ChecklistOccurrence(id: expansion.id(of: $0).description, deadline: $0.end)
            }
        }
        let chosen = occurrences.first { $0.end >= today } ?? occurrences.last
        return chosen.map { ChecklistOccurrence(id: expansion.id(of: $0).description, deadline: $0.end) }
    }

    /// The checklists a name means: a checklist id, or the id of the item it is filed for; nil: all.
    static func select(_ name: String?, in plan: Plan) -> [Checklist] {
        guard let name else { return plan.checklists }
        return plan.checklists.filter { $0.id.value == name || $0.item?.value == name }
    }

    static func status(_ state: ChecklistProgress.State) -> IndicatorStatus {
        switch state {
        case .open: .open
        case .inProgress: .inProgress
        case .submitted: .submitted
        case .accepted, .done, .notApplicable: .accepted
        case .rejected: .rejected
        }
    }

    static func state(_ status: IndicatorStatus) -> ChecklistProgress.State {
        switch status {
        case .open: .open
        case .inProgress: .inProgress
        case .submitted: .submitted
        case .accepted: .accepted
        case .rejected: .rejected
        }
    }

    /// The recorded progress of an occurrence, by indicator code.
    static func progress(_ store: any ChecklistStore, occurrenceID: String) throws(StoreError) -> [String: IndicatorProgress] {
        progress(try store.checklistProgress(occurrenceID: occurrenceID))
    }

    static func progress(_ records: [ChecklistProgress]) -> [String: IndicatorProgress] {
        var result: [String: IndicatorProgress] = [:]
        for p in records {
            result[p.entryID] = IndicatorProgress(
                code: p.entryID, status: status(p.state), evidence: p.evidence, note: p.note, uid: p.uid, at: p.at)
        }
        return result
    }

    /// status.json's `checklists` section: every checklist's current occurrence, its progress read
    /// in one query.
    static func summaries(plan: PlanInForce, store: any ChecklistStore, now: Date) -> [DaemonStatus.ChecklistStatus] {
        let today = plan.today(at: now)
        let occurrences = plan.plan.checklists.map { occurrence(of: $0, in: plan, today: today) }
        let recorded = (try? store.checklistProgress(occurrenceIDs: occurrences.compactMap { $0?.id })) ?? [:]
        return zip(plan.plan.checklists, occurrences).map { checklist, occurrence in
            let progress = occurrence.map { Self.progress(recorded[$0.id] ?? []) } ?? [:]
            let summary = ChecklistSummary(checklist, progress: progress)
            return DaemonStatus.ChecklistStatus(
                id: summary.checklist, title: summary.title, item: summary.item, occurrence: occurrence?.id,
                deadline: occurrence?.deadline.map { "\($0)" }, totals: summary.totals, units: summary.units,
                declared: summary.declared)
        }
    }
}

extension DaemonStatus {
    /// Where one checklist stands: totals overall and per unit (status.json `checklists`).
    public struct ChecklistStatus: Sendable, Hashable, Codable {
        public var id: String
        public var title: String
        public var item: String?
        /// The item occurrence progress is recorded under.
        public var occurrence: String?
        /// Its last day, `YYYY-MM-DD`.
        public var deadline: String?
        public var totals: ChecklistTotals
        /// Per owner unit, ordered by unit id.
        public var units: [UnitTotals]
        /// The totals the checklist declares, beside the indicators written out
        /// (`[{"level": "大项", "declared": 143, "listed": 0}]`); absent when it declares none.
        public var declared: [DeclaredTotal]?
    }
}
