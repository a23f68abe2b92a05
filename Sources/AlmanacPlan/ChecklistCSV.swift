import Foundation

/// The columns a checklist CSV may have, and the header names each accepts (Chinese or English,
/// case and surrounding blanks ignored). Documented in docs/checklists.md.
public enum ChecklistColumn: String, Sendable, Hashable, CaseIterable, Codable {
    case code, title, parent, level, owner, evidence, due, notes

    /// Header names accepted for the column; the first is the canonical Chinese one.
    public var headerNames: [String] {
        switch self {
        case .code: ["编号", "指标编号", "代码", "序号", "code", "id"]
        case .title: ["名称", "指标", "指标名称", "内容", "测评内容", "title", "name"]
        case .parent: ["上级", "上级编号", "父级", "parent"]
        case .level: ["层级", "级别", "级次", "level"]
        case .owner: ["责任单位", "牵头单位", "单位", "owner", "unit"]
        case .evidence: ["佐证材料数", "佐证材料", "材料数", "evidence"]
        case .due: ["截止日期", "完成时限", "截止时间", "due", "deadline"]
        case .notes: ["备注", "说明", "notes", "note", "remarks"]
        }
    }

    /// The column a header cell names, if any.
    public init?(header: String) {
        let key = Self.normalized(header)
        guard let column = Self.allCases.first(where: { $0.headerNames.contains(key) }) else { return nil }
        self = column
    }

    static func normalized(_ header: String) -> String {
        String(header.trimmingWhitespace.lowercased().unicodeScalars.filter { !$0.properties.isWhitespace })
    }

    /// `责任单位 (owner)`: how diagnostics name the column.
    public var label: String { "\(headerNames[0]) (\(rawValue))" }
}

/// One data row of a checklist CSV, fields trimmed, empty ones nil.
public struct ChecklistCSVRow: Sendable, Hashable {
    /// Spreadsheet row number (the header is row 1).
    public var row: Int
    public var code: Located<String>
    public var title: Located<String>
    public var parent: Located<String>?
    public var level: Located<String>?
    public var owner: Located<String>?
    public var evidence: Located<Int>?
    public var due: Located<String>?
    public var notes: Located<String>?
}

/// A checklist CSV read into rows: what `ChecklistCSV.rows` returns.
public struct ChecklistCSVRows: Sendable {
    public var rows: [ChecklistCSVRow]
    /// The encoding the bytes were read in; nil when they could not be decoded.
    public var encoding: CSVEncoding?
    /// The columns found in the header, in file order.
    public var columns: [ChecklistColumn]
    public var diagnostics: [Diagnostic]
    public var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }
}

/// The outcome of importing a checklist CSV: the checklist with the file's indicators, or nothing
/// at all when any row has an error (all-or-nothing).
public struct ChecklistImportResult: Sendable {
    /// The checklist with the imported indicators attached; nil when there were errors.
    public var checklist: Checklist?
    /// How many indicators the file held.
    public var imported: Int
    public var encoding: CSVEncoding?
    /// Every problem, in row order.
    public var diagnostics: [Diagnostic]
    public var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }
}

/// Imports checklists as spreadsheets export them. Pure: bytes and the file's name in, values and
/// diagnostics out. See docs/checklists.md for the format.
public enum ChecklistCSV {
    /// Columns every file must have.
    public static let requiredColumns: [ChecklistColumn] = [.code, .title]

    /// Reads the header and rows. Reports every problem at once, each with its row number.
    public static func rows(_ bytes: [UInt8], fileName: String) -> ChecklistCSVRows {
        var log = DiagnosticLog()
        let text: String
        let encoding: CSVEncoding
        switch CSVReader.decode(bytes, fileName: fileName) {
        case .failure(let diagnostic):
            return ChecklistCSVRows(rows: [], encoding: nil, columns: [], diagnostics: [diagnostic])
        case .success(let decoded):
            (text, encoding) = decoded
        }
        let separator = guessSeparator(text)
        let (records, csvDiagnostics) = CSVReader.records(text, fileName: fileName, separator: separator)
        log.diagnostics += csvDiagnostics
        guard let header = records.first(where: { !$0.isBlank }) else {
            log.error("the file has no header row (expected columns such as 编号,名称,上级,责任单位)", at: SourceLocation(file: fileName, line: 1, column: 1))
            return ChecklistCSVRows(rows: [], encoding: encoding, columns: [], diagnostics: log.diagnostics)
        }
        var columns: [ChecklistColumn] = []
        var positions: [ChecklistColumn: Int] = [:]
        let known = ChecklistColumn.allCases.flatMap(\.headerNames)
        for (index, field) in header.fields.enumerated() {
            let at = SourceLocation(file: fileName, line: field.line, column: field.column)
            let name = field.value.trimmingWhitespace
            if name.isEmpty {
                if header.fields.count > 1 { log.error("row \(header.row), column \(index + 1): the header cell is empty", at: at) }
                continue
            }
            guard let column = ChecklistColumn(header: name) else {
                log.error(
                    "row \(header.row), column \(index + 1): unknown column '\(name)' (accepted: "
                        + ChecklistColumn.allCases.map { $0.headerNames[0] + "/" + $0.rawValue }.joined(separator: ", ") + ")",
                    at: at, hint: Spelling.hint(for: name, among: known))
                continue
            }
            if let earlier = positions[column] {
                log.error("row \(header.row), column \(index + 1): column \(column.label) appears twice (first in column \(earlier + 1))", at: at)
                continue
            }
            positions[column] = index
            columns.append(column)
        }
        let headerAt = SourceLocation(file: fileName, line: header.line, column: 1)
        for column in requiredColumns where positions[column] == nil {
            log.error("row \(header.row): the header has no column \(column.label)", at: headerAt)
        }
        if positions[.parent] != nil && positions[.level] != nil {
            log.warning("row \(header.row): both 上级 (parent) and 层级 (level) columns; a non-empty parent wins", at: headerAt)
        }
        guard requiredColumns.allSatisfy({ positions[$0] != nil }) else {
            return ChecklistCSVRows(rows: [], encoding: encoding, columns: columns, diagnostics: log.diagnostics)
        }
        var rows: [ChecklistCSVRow] = []
        for record in records where record.row > header.row && !record.isBlank {
            if record.fields.count != header.fields.count {
                // Trailing empty cells are what spreadsheets add or drop at will; tolerate them.
                let extra = record.fields.dropFirst(header.fields.count)
                if record.fields.count < header.fields.count || !extra.allSatisfy({ $0.value.trimmingWhitespace.isEmpty }) {
                    log.error(
                        "row \(record.row): \(record.fields.count) fields, but the header has \(header.fields.count)",
                        at: SourceLocation(file: fileName, line: record.line, column: 1))
                    continue
                }
            }
            func cell(_ column: ChecklistColumn) -> Located<String>? {
                guard let index = positions[column], index < record.fields.count else { return nil }
                let field = record.fields[index]
                let value = field.value.trimmingWhitespace
                guard !value.isEmpty else { return nil }
                return Located(value, at: SourceLocation(file: fileName, line: field.line, column: field.column))
            }
            func fieldLocation(_ column: ChecklistColumn) -> SourceLocation {
                guard let index = positions[column], index < record.fields.count else {
                    return SourceLocation(file: fileName, line: record.line, column: 1)
                }
                return SourceLocation(file: fileName, line: record.fields[index].line, column: record.fields[index].column)
            }
            var ok = true
            let code = cell(.code)
            if code == nil {
                log.error("row \(record.row), column \(ChecklistColumn.code.label): empty", at: fieldLocation(.code))
                ok = false
            }
            let title = cell(.title)
            if title == nil {
                log.error("row \(record.row), column \(ChecklistColumn.title.label): empty", at: fieldLocation(.title))
                ok = false
            }
            var evidence: Located<Int>?
            if let raw = cell(.evidence) {
                if let n = parseCount(raw.value) {
                    evidence = Located(n, at: raw.location)
                } else {
                    log.error(
                        "row \(record.row), column \(ChecklistColumn.evidence.label): '\(raw.value)' is not a whole number ≥ 0",
                        at: raw.location)
                    ok = false
                }
            }
            let due = cell(.due).map { Located(normalizedDate($0.value), at: $0.location) }
            guard ok, let code, let title else { continue }
            rows.append(ChecklistCSVRow(
                row: record.row, code: code, title: title, parent: cell(.parent), level: cell(.level), owner: cell(.owner),
                evidence: evidence, due: due, notes: cell(.notes)))
        }
        return ChecklistCSVRows(rows: rows, encoding: encoding, columns: columns, diagnostics: log.diagnostics)
    }

    /// Imports `bytes` into `checklist`: rows without a parent become top-level indicators; a
    /// parent may be another row or an indicator the checklist already has (written in YAML).
    /// Owners may be written as unit ids or unit names. When `validate` is true, the whole
    /// checklist is then checked as the plan validator would (duplicate codes, unknown owners,
    /// declared totals). Any error leaves the checklist untouched (the result has none).
    public static func importChecklist(
        _ bytes: [UInt8], fileName: String, into checklist: Checklist, units: [PlanUnit], validate: Bool = true
    ) -> ChecklistImportResult {
        let read = rows(bytes, fileName: fileName)
        var log = DiagnosticLog()
        log.diagnostics = read.diagnostics
        guard !read.hasErrors || !read.rows.isEmpty else {
            return ChecklistImportResult(checklist: nil, imported: 0, encoding: read.encoding, diagnostics: log.diagnostics)
        }
        let assembled = assemble(read.rows, into: checklist, units: units, log: &log)
        if validate {
            PlanValidator.checkChecklist(assembled, unitIDs: units.map(\.id.value), itemExists: nil, log: &log)
        }
        let diagnostics = PlanValidator.sorted(log.diagnostics)
        let failed = diagnostics.contains { $0.severity == .error }
        return ChecklistImportResult(
            checklist: failed ? nil : assembled, imported: failed ? 0 : read.rows.count, encoding: read.encoding,
            diagnostics: diagnostics)
    }

    /// Builds the tree from rows and hangs it into `checklist`.
    static func assemble(
        _ rows: [ChecklistCSVRow], into checklist: Checklist, units: [PlanUnit], log: inout DiagnosticLog
    ) -> Checklist {
        let levels = checklist.levels.map(\.value)
        let unitIDs = units.map(\.id.value)
        var unitByName: [String: String] = [:]
        for unit in units { unitByName[unit.name.value] = unit.id.value }
        var existing: Set<String> = []
        func collect(_ indicators: [Indicator]) {
            for i in indicators {
                existing.insert(i.code.value)
                collect(i.children)
            }
        }
        collect(checklist.indicators)

        var unknownOwners: Set<String> = []
        var firstRow: [String: ChecklistCSVRow] = [:]
        var usable: [ChecklistCSVRow] = []
        for row in rows {
            if let earlier = firstRow[row.code.value] {
                log.error("row \(row.row), column \(ChecklistColumn.code.label): duplicate code '\(row.code.value)' (first in row \(earlier.row))", at: row.code.location)
                continue
            }
            if existing.contains(row.code.value) {
                log.error(
                    "row \(row.row), column \(ChecklistColumn.code.label): code '\(row.code.value)' is already an indicator of checklist '\(checklist.id.value)' in the plan",
                    at: row.code.location)
                continue
            }
            firstRow[row.code.value] = row
            usable.append(row)
        }

        // Parents: an explicit parent code, else the nearest earlier row one level up.
        var parentOf: [String: String] = [:]
        // Rows left out of the tree because their parent or owner is wrong (already reported).
        var failed: Set<String> = []
        var stack: [(level: Int, code: String)] = []
        for row in usable {
            var depth: Int?
            if let level = row.level {
                if let n = Int(level.value), n >= 1 {
                    depth = n
                } else if let index = levels.firstIndex(of: level.value) {
                    depth = index + 1
                } else {
                    let names = levels.isEmpty ? "" : " or one of \(levels.joined(separator: ", "))"
                    log.error("row \(row.row), column \(ChecklistColumn.level.label): '\(level.value)' is not a level (1, 2, 3\(names))", at: level.location)
                }
            }
            if let parent = row.parent {
                if parent.value == row.code.value {
                    log.error("row \(row.row), column \(ChecklistColumn.parent.label): '\(parent.value)' is its own parent", at: parent.location)
                    failed.insert(row.code.value)
                } else if firstRow[parent.value] != nil || existing.contains(parent.value) {
                    parentOf[row.code.value] = parent.value
                } else {
                    log.error(
                        "row \(row.row), column \(ChecklistColumn.parent.label): parent '\(parent.value)' is neither a row of the file nor an indicator of the plan",
                        at: parent.location, hint: Spelling.hint(for: parent.value, among: usable.map(\.code.value) + existing.sorted()))
                    failed.insert(row.code.value)
                }
            } else if let depth, depth > 1 {
                while let top = stack.last, top.level >= depth { stack.removeLast() }
                if let top = stack.last, top.level == depth - 1 {
                    parentOf[row.code.value] = top.code
                } else {
                    log.error("row \(row.row), column \(ChecklistColumn.level.label): level \(depth) but no row of level \(depth - 1) above it", at: row.level?.location)
                    failed.insert(row.code.value)
                }
            }
            if let depth {
                while let top = stack.last, top.level >= depth { stack.removeLast() }
                stack.append((depth, row.code.value))
            }
            if let owner = row.owner, !unitIDs.contains(owner.value), unitByName[owner.value] == nil, !units.isEmpty {
                let shown = unitIDs.prefix(12).joined(separator: ", ") + (unitIDs.count > 12 ? ", …" : "")
                log.error(
                    "row \(row.row), column \(ChecklistColumn.owner.label): unknown unit '\(owner.value)' (known: \(shown))",
                    at: owner.location, hint: Spelling.hint(for: owner.value, among: unitIDs))
                unknownOwners.insert(row.code.value)
            }
        }

        var childrenOf: [String: [ChecklistCSVRow]] = [:]
        var roots: [ChecklistCSVRow] = []
        for row in usable where !failed.contains(row.code.value) {
            if let parent = parentOf[row.code.value] {
                childrenOf[parent, default: []].append(row)
            } else {
                roots.append(row)
            }
        }
        var built: Set<String> = []
        func build(_ row: ChecklistCSVRow, depth: Int) -> Indicator {
            built.insert(row.code.value)
            // An unknown owner is reported above; leaving it out keeps validation from repeating it.
            let owner = unknownOwners.contains(row.code.value)
                ? nil : row.owner.map { Located(unitByName[$0.value] ?? $0.value, at: $0.location) }
            // Depth is bounded by the number of rows: every row is built at most once.
            let children = (childrenOf[row.code.value] ?? []).filter { !built.contains($0.code.value) }.map {
                build($0, depth: depth + 1)
            }
            return Indicator(
                code: row.code, title: row.title, owner: owner, evidence: row.evidence, due: row.due, children: children,
                notes: row.notes, location: SourceLocation(file: row.code.location?.file ?? "", line: row.code.location?.line ?? row.row, column: 1))
        }
        var result = checklist
        result.indicators += roots.map { build($0, depth: 1) }
        // Rows whose parent is an indicator written in the plan.
        func attach(_ indicators: inout [Indicator]) {
            for index in indicators.indices {
                if let rows = childrenOf[indicators[index].code.value], existing.contains(indicators[index].code.value) {
                    indicators[index].children += rows.filter { !built.contains($0.code.value) }.map { build($0, depth: 1) }
                }
                attach(&indicators[index].children)
            }
        }
        attach(&result.indicators)
        for row in usable where !built.contains(row.code.value) && !failed.contains(row.code.value) {
            log.error(
                "row \(row.row), column \(ChecklistColumn.parent.label): '\(row.code.value)' is part of a parent cycle",
                at: row.parent?.location ?? row.code.location)
        }
        return result
    }

    /// `12`, `12份`, `12 件`: a count of evidence.
    static func parseCount(_ text: String) -> Int? {
        var digits = text
        for suffix in ["份", "件", "个", "项", "盒"] where digits.hasSuffix(suffix) {
            digits = String(digits.dropLast()).trimmingWhitespace
        }
        guard !digits.isEmpty, digits.count <= 9, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return Int(digits)
    }

    /// Dates as spreadsheets write them, in the plan's notation: `2026/8/10`, `2026年8月10日` →
    /// `2026-08-10`; `8月10日`, `8/10` → `08-10`. Anything else is kept as a date rule.
    static func normalizedDate(_ text: String) -> String {
        var t = text
        for (from, to) in [("年", "-"), ("月", "-"), ("日", ""), ("/", "-"), (".", "-")] {
            t = t.replacingOccurrences(of: from, with: to)
        }
        let parts = t.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.allSatisfy({ !$0.isEmpty && $0.count <= 4 && $0.allSatisfy { $0.isASCII && $0.isNumber } }) else { return text }
        let numbers = parts.compactMap { Int($0) }
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        switch numbers.count {
        case 3 where parts[0].count == 4 && (1...12).contains(numbers[1]) && (1...31).contains(numbers[2]):
            return "\(numbers[0])-\(two(numbers[1]))-\(two(numbers[2]))"
        case 2 where (1...12).contains(numbers[0]) && (1...31).contains(numbers[1]):
            return "\(two(numbers[0]))-\(two(numbers[1]))"
        default: return text
        }
    }

    /// Tab-separated text (copied out of a spreadsheet) when the header has tabs and no commas.
    static func guessSeparator(_ text: String) -> Unicode.Scalar {
        let firstLine = text.unicodeScalars.prefix { $0 != "\n" && $0 != "\r" }
        let tabs = firstLine.filter { $0 == "\t" }.count
        let commas = firstLine.filter { $0 == "," }.count
        return tabs > 0 && commas == 0 ? "\t" : ","
    }
}
