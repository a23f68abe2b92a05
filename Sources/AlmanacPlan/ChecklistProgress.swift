import Foundation

/// Where one indicator stands. Open work is `open`, `in-progress` and `rejected`; `submitted` and
/// `accepted` are finished as far as the responsible unit is concerned.
public enum IndicatorStatus: String, Sendable, Hashable, Codable, CaseIterable {
    case open
    case inProgress = "in-progress"
    case submitted
    case accepted
    case rejected

    /// Whether the responsible unit still has work to do (and is reminded).
    public var isOpen: Bool {
        switch self {
        case .open, .inProgress, .rejected: true
        case .submitted, .accepted: false
        }
    }

    /// 未开始, 进行中, 已提交, 已通过, 已退回.
    public var chineseName: String {
        switch self {
        case .open: "未开始"
        case .inProgress: "进行中"
        case .submitted: "已提交"
        case .accepted: "已通过"
        case .rejected: "已退回"
        }
    }

    /// Parses the English name (`in-progress`, also `in_progress`) or the Chinese one (`进行中`).
    public init?(text: String) {
        let key = text.trimmingWhitespace.lowercased().replacingOccurrences(of: "_", with: "-")
        if let status = IndicatorStatus(rawValue: key) {
            self = status
        } else if let status = IndicatorStatus.allCases.first(where: { $0.chineseName == key }) {
            self = status
        } else {
            switch key {
            case "inprogress", "进行", "办理中": self = .inProgress
            case "未完成", "待办": self = .open
            case "已完成", "完成", "done": self = .accepted
            default: return nil
            }
        }
    }
}

/// The recorded progress of one indicator.
public struct IndicatorProgress: Sendable, Hashable, Codable {
    public var code: String
    public var status: IndicatorStatus
    /// Pieces of evidence filed so far.
    public var evidence: Int?
    public var note: String?
    /// Who recorded it (the caller's uid on the control socket).
    public var uid: UInt32?
    /// When it was recorded.
    public var at: Date?

    public init(
        code: String, status: IndicatorStatus, evidence: Int? = nil, note: String? = nil, uid: UInt32? = nil, at: Date? = nil
    ) {
        self.code = code
        self.status = status
        self.evidence = evidence
        self.note = note
        self.uid = uid
        self.at = at
    }
}

/// An indicator without children: the unit of work that has a status. Parents only add up.
public struct ChecklistLeaf: Sendable, Hashable {
    public var code: String
    public var title: String
    /// The owner unit: the leaf's own, else the nearest ancestor's.
    public var owner: String?
    /// Evidence required (佐证材料数), nil when not stated.
    public var evidence: Int?
    /// The due date rule: the leaf's own, else the nearest ancestor's; nil means the item's date.
    public var due: String?
    /// Codes of the ancestors, top first.
    public var path: [String]
}

extension Checklist {
    /// Every indicator without children, in tree order, with owner and due date inherited.
    public var leaves: [ChecklistLeaf] {
        var result: [ChecklistLeaf] = []
        func walk(_ indicators: [Indicator], owner: String?, due: String?, path: [String]) {
            for i in indicators {
                let o = i.owner?.value ?? owner
                let d = i.due?.value ?? due
                if i.children.isEmpty {
                    result.append(ChecklistLeaf(
                        code: i.code.value, title: i.title.value, owner: o, evidence: i.evidence?.value, due: d, path: path))
                } else {
                    walk(i.children, owner: o, due: d, path: path + [i.code.value])
                }
            }
        }
        walk(indicators, owner: nil, due: nil, path: [])
        return result
    }

    /// The indicator with this code, anywhere in the tree.
    public func indicator(code: String) -> Indicator? {
        func find(_ indicators: [Indicator]) -> Indicator? {
            for i in indicators {
                if i.code.value == code { return i }
                if let found = find(i.children) { return found }
            }
            return nil
        }
        return find(indicators)
    }
}

/// Counts of leaves by status, and evidence required and filed.
public struct ChecklistTotals: Sendable, Hashable, Codable {
    public var indicators: Int = 0
    public var open: Int = 0
    public var inProgress: Int = 0
    public var submitted: Int = 0
    public var accepted: Int = 0
    public var rejected: Int = 0
    /// Evidence the indicators require (those that state a count).
    public var evidenceRequired: Int = 0
    /// Evidence filed, as recorded with the progress.
    public var evidenceFiled: Int = 0

    public init() {}

    /// Indicators finished by the unit: submitted or accepted.
    public var finished: Int { submitted + accepted }
    /// Indicators still open: open, in progress or rejected.
    public var remaining: Int { open + inProgress + rejected }
    /// `finished / indicators`, 0 for an empty checklist.
    public var fraction: Double { indicators == 0 ? 0 : Double(finished) / Double(indicators) }

    /// Counts one leaf.
    public mutating func add(_ status: IndicatorStatus, required: Int?, filed: Int?) {
        indicators += 1
        switch status {
        case .open: open += 1
        case .inProgress: inProgress += 1
        case .submitted: submitted += 1
        case .accepted: accepted += 1
        case .rejected: rejected += 1
        }
        evidenceRequired += required ?? 0
        evidenceFiled += filed ?? 0
    }

    /// Adds another set of totals.
    public mutating func merge(_ other: ChecklistTotals) {
        indicators += other.indicators
        open += other.open
        inProgress += other.inProgress
        submitted += other.submitted
        accepted += other.accepted
        rejected += other.rejected
        evidenceRequired += other.evidenceRequired
        evidenceFiled += other.evidenceFiled
    }

    private enum CodingKeys: String, CodingKey {
        case indicators, open, inProgress, submitted, accepted, rejected, evidenceRequired, evidenceFiled, finished, remaining
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(indicators, forKey: .indicators)
        try c.encode(open, forKey: .open)
        try c.encode(inProgress, forKey: .inProgress)
        try c.encode(submitted, forKey: .submitted)
        try c.encode(accepted, forKey: .accepted)
        try c.encode(rejected, forKey: .rejected)
        try c.encode(evidenceRequired, forKey: .evidenceRequired)
        try c.encode(evidenceFiled, forKey: .evidenceFiled)
        try c.encode(finished, forKey: .finished)
        try c.encode(remaining, forKey: .remaining)
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        indicators = try c.decode(Int.self, forKey: .indicators)
        open = try c.decode(Int.self, forKey: .open)
        inProgress = try c.decode(Int.self, forKey: .inProgress)
        submitted = try c.decode(Int.self, forKey: .submitted)
        accepted = try c.decode(Int.self, forKey: .accepted)
        rejected = try c.decode(Int.self, forKey: .rejected)
        evidenceRequired = try c.decode(Int.self, forKey: .evidenceRequired)
        evidenceFiled = try c.decode(Int.self, forKey: .evidenceFiled)
    }
}

/// A count a checklist declares for one level of its tree (the document's 143 大项), beside the
/// number of indicators of that level the plan writes out.
public struct DeclaredTotal: Sendable, Hashable, Codable {
    /// The level's name (`大项`).
    public var level: String
    /// The count declared.
    public var declared: Int
    /// Indicators of that level written out in the plan (or its CSV).
    public var listed: Int

    public init(level: String, declared: Int, listed: Int) {
        self.level = level
        self.declared = declared
        self.listed = listed
    }

    /// The declared totals of `checklist` in level order; nil when it declares none.
    public static func of(_ checklist: Checklist) -> [DeclaredTotal]? {
        let levels = checklist.levels.map(\.value)
        let result = checklist.totals.compactMap { key, value -> (Int, DeclaredTotal)? in
            guard let depth = levels.firstIndex(of: key.value) else { return nil }
            return (depth, DeclaredTotal(level: key.value, declared: value.value, listed: count(checklist.indicators, depth: depth)))
        }.sorted { $0.0 < $1.0 }.map(\.1)
        return result.isEmpty ? nil : result
    }

    static func count(_ indicators: [Indicator], depth: Int) -> Int {
        depth == 0 ? indicators.count : indicators.reduce(0) { $0 + count($1.children, depth: depth - 1) }
    }
}

/// Totals of one unit.
public struct UnitTotals: Sendable, Hashable, Codable {
    /// The unit id; empty for indicators without an owner.
    public var unit: String
    public var totals: ChecklistTotals
}

/// Where a checklist stands: totals overall and per unit. The public face other views (status.json,
/// ICS VTODOs, the HTML page, metrics) read.
public struct ChecklistSummary: Sendable, Hashable, Codable {
    public var checklist: String
    public var title: String
    /// The item the checklist is filed for.
    public var item: String?
    public var totals: ChecklistTotals
    /// Per owner unit, ordered by unit id.
    public var units: [UnitTotals]
    /// The totals the checklist declares (`totals: {大项: 143, 小项: 355}`) in level order, with how
    /// many indicators of each level are written out; nil when it declares none.
    public var declared: [DeclaredTotal]?

    /// Adds up the leaves of `checklist` with `progress` (by indicator code; missing means open).
    public init(_ checklist: Checklist, progress: [String: IndicatorProgress]) {
        self.checklist = checklist.id.value
        self.title = checklist.title.value
        self.item = checklist.item?.value
        self.declared = DeclaredTotal.of(checklist)
        var totals = ChecklistTotals()
        var perUnit: [String: ChecklistTotals] = [:]
        for leaf in checklist.leaves {
            let p = progress[leaf.code]
            let status = p?.status ?? .open
            totals.add(status, required: leaf.evidence, filed: p?.evidence)
            perUnit[leaf.owner ?? "", default: ChecklistTotals()].add(status, required: leaf.evidence, filed: p?.evidence)
        }
        self.totals = totals
        self.units = perUnit.keys.sorted().map { UnitTotals(unit: $0, totals: perUnit[$0] ?? ChecklistTotals()) }
    }

    /// The totals of one unit (all zero when it owns nothing).
    public func totals(of unit: String) -> ChecklistTotals {
        units.first { $0.unit == unit }?.totals ?? ChecklistTotals()
    }
}
