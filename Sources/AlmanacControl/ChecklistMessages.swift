import AlmanacCalendar
import AlmanacPlan
import Foundation

/// Arguments of `checklist`: the indicator tree of one checklist (or all) with progress.
public struct ChecklistQuery: Hashable, Sendable, Codable {
    /// The checklist id, or the id of the item it is filed for; nil: every checklist.
    public var checklist: String?
    /// Only indicators owned by this unit (and their ancestors).
    public var unit: String?
    /// The occurrence date of the item; nil: its current occurrence.
    public var date: CivilDate?

    public init(checklist: String? = nil, unit: String? = nil, date: CivilDate? = nil) {
        self.checklist = checklist
        self.unit = unit
        self.date = date
    }
}

/// Arguments of `progress-set`: the status, evidence and note of one indicator.
public struct ProgressSetRequest: Hashable, Sendable, Codable {
    /// The checklist (id or item id); may be left out when the plan has one checklist.
    public var checklist: String?
    public var code: String
    public var status: IndicatorStatus
    public var evidence: Int?
    public var note: String?
    public var date: CivilDate?

    public init(
        checklist: String? = nil, code: String, status: IndicatorStatus, evidence: Int? = nil, note: String? = nil,
        date: CivilDate? = nil
    ) {
        self.checklist = checklist
        self.code = code
        self.status = status
        self.evidence = evidence
        self.note = note
        self.date = date
    }
}

/// One row of a bulk progress update, with the CSV row it came from.
public struct ProgressRow: Hashable, Sendable, Codable {
    public var row: Int
    public var code: String
    public var status: IndicatorStatus
    public var evidence: Int?
    public var note: String?

    public init(row: Int, code: String, status: IndicatorStatus, evidence: Int? = nil, note: String? = nil) {
        self.row = row
        self.code = code
        self.status = status
        self.evidence = evidence
        self.note = note
    }
}

/// Arguments of `progress-import`: many rows recorded at once, all or none.
public struct ProgressImportRequest: Hashable, Sendable, Codable {
    public var checklist: String?
    public var date: CivilDate?
    /// The file the rows came from, for error messages.
    public var file: String
    public var rows: [ProgressRow]

    public init(checklist: String? = nil, date: CivilDate? = nil, file: String, rows: [ProgressRow]) {
        self.checklist = checklist
        self.date = date
        self.file = file
        self.rows = rows
    }
}

/// One indicator in a checklist view: a line of the tree.
public struct IndicatorLine: Hashable, Sendable, Codable {
    /// 0 for top-level indicators.
    public var depth: Int
    public var code: String
    public var title: String
    public var owner: String?
    /// Leaves only: the recorded status (open when nothing was recorded).
    public var status: IndicatorStatus?
    /// Evidence required (佐证材料数).
    public var evidenceRequired: Int?
    /// Leaves only: evidence filed.
    public var evidence: Int?
    public var note: String?
    public var uid: UInt32?
    public var at: Date?
    /// Parents: the totals of the leaves below (for the unit asked for, when one was).
    public var totals: ChecklistTotals?

    public init(
        depth: Int, code: String, title: String, owner: String? = nil, status: IndicatorStatus? = nil,
        evidenceRequired: Int? = nil, evidence: Int? = nil, note: String? = nil, uid: UInt32? = nil, at: Date? = nil,
        totals: ChecklistTotals? = nil
    ) {
        self.depth = depth
        self.code = code
        self.title = title
        self.owner = owner
        self.status = status
        self.evidenceRequired = evidenceRequired
        self.evidence = evidence
        self.note = note
        self.uid = uid
        self.at = at
        self.totals = totals
    }
}

/// One checklist with its progress.
public struct ChecklistView: Hashable, Sendable, Codable {
    public var summary: ChecklistSummary
    /// The item occurrence progress is recorded under (`item@YYYY-MM-DD`).
    public var occurrence: String?
    /// The item occurrence's last day.
    public var deadline: CivilDate?
    /// Unit names by id, for display.
    public var unitNames: [String: String]
    /// The tree, depth first.
    public var indicators: [IndicatorLine]

    public init(
        summary: ChecklistSummary, occurrence: String?, deadline: CivilDate?, unitNames: [String: String],
        indicators: [IndicatorLine]
    ) {
        self.summary = summary
        self.occurrence = occurrence
        self.deadline = deadline
        self.unitNames = unitNames
        self.indicators = indicators
    }
}

/// Result of `checklist`.
public struct ChecklistReport: Hashable, Sendable, Codable {
    /// The unit the view was narrowed to.
    public var unit: String?
    public var checklists: [ChecklistView]

    public init(unit: String? = nil, checklists: [ChecklistView]) {
        self.unit = unit
        self.checklists = checklists
    }
}

/// Result of `progress-set` and `progress-import`: what was recorded and where the checklist stands.
public struct ProgressReport: Hashable, Sendable, Codable {
    public var checklist: String
    public var occurrence: String
    /// The recorded rows (for `progress-set`, the one indicator).
    public var recorded: [ProgressRow]
    public var uid: UInt32
    public var at: Date
    /// Totals after the change.
    public var summary: ChecklistSummary

    public init(checklist: String, occurrence: String, recorded: [ProgressRow], uid: UInt32, at: Date, summary: ChecklistSummary) {
        self.checklist = checklist
        self.occurrence = occurrence
        self.recorded = recorded
        self.uid = uid
        self.at = at
        self.summary = summary
    }
}

extension ChecklistView {
    /// The lines of `checklist` with `progress`, narrowed to `unit` (its leaves and their ancestors).
    public static func lines(
        _ checklist: Checklist, progress: [String: IndicatorProgress], unit: String? = nil
    ) -> [IndicatorLine] {
        var lines: [IndicatorLine] = []
        func walk(_ indicators: [Indicator], depth: Int, owner: String?) -> ChecklistTotals {
            var sum = ChecklistTotals()
            for i in indicators {
                let o = i.owner?.value ?? owner
                if i.children.isEmpty {
                    guard unit == nil || o == unit else { continue }
                    let p = progress[i.code.value]
                    let status = p?.status ?? .open
                    sum.add(status, required: i.evidence?.value, filed: p?.evidence)
                    lines.append(IndicatorLine(
                        depth: depth, code: i.code.value, title: i.title.value, owner: o, status: status,
                        evidenceRequired: i.evidence?.value, evidence: p?.evidence, note: p?.note, uid: p?.uid, at: p?.at))
                } else {
                    let index = lines.count
                    lines.append(IndicatorLine(
                        depth: depth, code: i.code.value, title: i.title.value, owner: o, evidenceRequired: i.evidence?.value))
                    let below = walk(i.children, depth: depth + 1, owner: o)
                    if below.indicators == 0 && unit != nil {
                        lines.removeSubrange(index...)
                    } else {
                        lines[index].totals = below
                        sum.merge(below)
                    }
                }
            }
            return sum
        }
        _ = walk(checklist.indicators, depth: 0, owner: nil)
        return lines
    }
}
