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
    static func occurrence(of checklist: Checklist, in plan: Plan, date: CivilDate? = nil, today: CivilDate)
        -> ChecklistOccurrence?
    {
        guard let item = checklist.item?.value else { return ChecklistOccurrence(id: "checklist:\(checklist.id.value)", deadline: nil) }
        let range = date.map { $0...$0 } ?? today.adding(days: -366)...today.adding(days: 366)
        let occurrences = PlanOccurrences.expand(plan, in: range).occurrences.filter { $0.itemID == item }
        if let date {
            return occurrences.first { $0.start == date }.map { ChecklistOccurrence(id: $0.id.description, deadline: $0.end) }
        }
        let chosen = occurrences.first { $0.end >= today } ?? occurrences.last
        return chosen.map { ChecklistOccurrence(id: $0.id.description, deadline: $0.end) }
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
    static func progress(_ store: any StateStore, occurrenceID: String) throws(StoreError) -> [String: IndicatorProgress] {
        var result: [String: IndicatorProgress] = [:]
        for p in try store.checklistProgress(occurrenceID: occurrenceID) {
            result[p.entryID] = IndicatorProgress(
                code: p.entryID, status: status(p.state), evidence: p.evidence, note: p.note, uid: p.uid, at: p.at)
        }
        return result
    }

    /// One entry of status.json's `checklists` section.
    static func summaries(plan: Plan, store: any StateStore, now: Date) -> [DaemonStatus.ChecklistStatus] {
        let zone = TimeZone(identifier: plan.info.timezone.value) ?? TimeZone(identifier: "Asia/Shanghai") ?? .gmt
        let today = ZonedTime.civilDate(of: now, in: zone)
        return plan.checklists.map { checklist in
            let occurrence = occurrence(of: checklist, in: plan, today: today)
            let progress = occurrence.flatMap { try? Self.progress(store, occurrenceID: $0.id) } ?? [:]
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
