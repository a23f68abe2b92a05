import AlmanacCalendar
import AlmanacControl
import AlmanacPlan
import AlmanacScheduler
import AlmanacStore
import Foundation

/// The checklist commands of the control socket: `checklist`, `progress-set`, `progress-import`.
extension DaemonControlHandler {
    private func checklistPlan() throws -> (PlanInForce, CivilDate) {
        let plan = try planInForce()
        return (plan, plan.today(at: clock.now()))
    }

    private func oneChecklist(_ name: String?, plan: PlanInForce) throws -> Checklist {
        let found = ChecklistState.select(name, in: plan.plan)
        let known = plan.plan.checklists.map(\.id.value).joined(separator: ", ")
        guard let checklist = found.first else {
            throw ControlError(.notFound, name.map { "no checklist '\($0)' in the plan (known: \(known))" } ?? "the plan has no checklist")
        }
        guard found.count == 1 else {
            throw ControlError(.badRequest, "the plan has several checklists; name one with --checklist (known: \(known))")
        }
        return checklist
    }

    private func occurrence(_ checklist: Checklist, plan: PlanInForce, date: CivilDate?, today: CivilDate) throws -> ChecklistOccurrence {
        guard let occurrence = ChecklistState.occurrence(of: checklist, in: plan, date: date, today: today) else {
            let item = checklist.item?.value ?? checklist.id.value
            throw ControlError(
                .notFound, date.map { "'\(item)' has no occurrence starting on \($0)" } ?? "'\(item)' has no occurrence within a year")
        }
        return occurrence
    }

    private func storeProgress(_ occurrenceID: String) throws -> [String: IndicatorProgress] {
        do {
            return try ChecklistState.progress(controller.store, occurrenceID: occurrenceID)
        } catch {
            throw ControlError(.internalError, "the state store failed: \(error)")
        }
    }

    func checklistReport(_ query: ChecklistQuery) async throws -> ChecklistReport {
        let (plan, today) = try checklistPlan()
        let checklists = ChecklistState.select(query.checklist, in: plan.plan)
        if let name = query.checklist, checklists.isEmpty {
            throw ControlError(.notFound, "no checklist '\(name)' in the plan (known: \(plan.plan.checklists.map(\.id.value).joined(separator: ", ")))")
        }
        if let unit = query.unit, plan.unit(unit) == nil {
            throw ControlError(.notFound, "no unit '\(unit)' in the plan")
        }
        var names: [String: String] = [:]
        for unit in plan.plan.units { names[unit.id.value] = unit.name.value }
        var views: [ChecklistView] = []
        for checklist in checklists {
            let occurrence = try self.occurrence(checklist, plan: plan, date: query.date, today: today)
            let id = occurrence.id
            let progress = try await offPool { try storeProgress(id) }
            views.append(ChecklistView(
                summary: ChecklistSummary(checklist, progress: progress), occurrence: occurrence.id,
                deadline: occurrence.deadline, unitNames: names,
                indicators: ChecklistView.lines(checklist, progress: progress, unit: query.unit)))
        }
        return ChecklistReport(unit: query.unit, checklists: views)
    }

    func setProgress(_ request: ProgressSetRequest, uid: UInt32) async throws -> ProgressReport {
        let row = ProgressRow(row: 0, code: request.code, status: request.status, evidence: request.evidence, note: request.note)
        return try await record([row], checklist: request.checklist, date: request.date, file: nil, uid: uid)
    }

    func importProgress(_ request: ProgressImportRequest, uid: UInt32) async throws -> ProgressReport {
        guard !request.rows.isEmpty else { throw ControlError(.badRequest, "\(request.file): no rows to record") }
        return try await record(request.rows, checklist: request.checklist, date: request.date, file: request.file, uid: uid)
    }

    /// Checks every row against the checklist, then records all of them in one transaction.
    private func record(
        _ rows: [ProgressRow], checklist name: String?, date: CivilDate?, file: String?, uid: UInt32
    ) async throws -> ProgressReport {
        let (plan, today) = try checklistPlan()
        let checklist = try oneChecklist(name, plan: plan)
        let occurrence = try self.occurrence(checklist, plan: plan, date: date, today: today)
        let leaves = Dictionary(checklist.leaves.map { ($0.code, $0) }, uniquingKeysWith: { first, _ in first })
        var problems: [Diagnostic] = []
        for row in rows {
            let at = file.map { SourceLocation(file: $0, line: max(1, row.row), column: 1) }
            let prefix = file == nil ? "" : "row \(row.row): "
            if leaves[row.code] == nil {
                if let parent = checklist.indicator(code: row.code) {
                    problems.append(Diagnostic(
                        .error,
                        prefix + "'\(row.code)' has \(parent.children.count) indicators below it; record those instead", at: at))
                } else {
                    problems.append(Diagnostic(
                        .error, prefix + "no indicator '\(row.code)' in checklist '\(checklist.id.value)'", at: at))
                }
            }
            if let e = row.evidence, e < 0 {
                problems.append(Diagnostic(.error, prefix + "evidence must not be negative", at: at))
            }
        }
        if !problems.isEmpty {
            let what = file.map { "\($0): \(problems.count) error\(problems.count == 1 ? "" : "s"); nothing recorded" }
            throw ControlError(.badRequest, what ?? problems.map(\.message).joined(separator: "; "), diagnostics: file == nil ? nil : problems)
        }
        let now = clock.now()
        let entries = rows.map { row in
            ChecklistProgress(
                occurrenceID: occurrence.id, entryID: row.code, state: ChecklistState.state(row.status),
                unit: leaves[row.code]?.owner, note: row.note, uid: uid, at: now, evidence: row.evidence)
        }
        do {
            try await controller.recordChecklistProgress(entries, uid: uid)
        } catch {
            throw ControlError(.internalError, "the state store failed: \(error.detail)")
        }
        let id = occurrence.id
        let progress = try await offPool { try storeProgress(id) }
        return ProgressReport(
            checklist: checklist.id.value, occurrence: occurrence.id, recorded: rows, uid: uid, at: now,
            summary: ChecklistSummary(checklist, progress: progress))
    }
}
