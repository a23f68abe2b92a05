/// One row of a progress CSV: the status of an indicator, and optionally evidence filed and a note.
public struct ProgressCSVRow: Sendable, Hashable {
    /// Spreadsheet row number (the header is row 1).
    public var row: Int
    public var code: Located<String>
    public var status: IndicatorStatus
    public var evidence: Int?
    public var note: String?
}

/// Reads bulk progress updates from CSV (same encodings and syntax as checklist CSV files):
/// columns 编号/code and 状态/status are required, 佐证材料数/evidence (filed) and 备注/notes
/// optional; the other checklist columns (名称, 责任单位, …) are ignored, so a sheet exported from
/// the checklist can be filled in and read back. Pure.
public enum ProgressCSV {
    /// Header names of the status column.
    public static let statusHeaders = ["状态", "进度", "status", "state"]

    /// The rows, or every problem with its row number. Statuses: open, in-progress, submitted,
    /// accepted, rejected, or 未开始, 进行中, 已提交, 已通过, 已退回.
    public static func rows(_ bytes: [UInt8], fileName: String) -> (rows: [ProgressCSVRow], diagnostics: [Diagnostic]) {
        var log = DiagnosticLog()
        let text: String
        switch CSVReader.decode(bytes, fileName: fileName) {
        case .failure(let diagnostic): return ([], [diagnostic])
        case .success(let decoded): text = decoded.text
        }
        let (records, csvDiagnostics) = CSVReader.records(text, fileName: fileName, separator: ChecklistCSV.guessSeparator(text))
        log.diagnostics += csvDiagnostics
        guard let header = records.first(where: { !$0.isBlank }) else {
            log.error("the file has no header row (expected 编号,状态)", at: SourceLocation(file: fileName, line: 1, column: 1))
            return ([], log.diagnostics)
        }
        var code: Int?
        var status: Int?
        var evidence: Int?
        var note: Int?
        for (index, field) in header.fields.enumerated() {
            let name = field.value.trimmingWhitespace
            let key = ChecklistColumn.normalized(name)
            let at = SourceLocation(file: fileName, line: field.line, column: field.column)
            if statusHeaders.contains(key) {
                status = index
            } else if let column = ChecklistColumn(header: name) {
                switch column {
                case .code: code = index
                case .evidence: evidence = index
                case .notes: note = index
                default: break
                }
            } else if !name.isEmpty {
                log.error(
                    "row \(header.row), column \(index + 1): unknown column '\(name)' (accepted: 编号/code, 状态/status, 佐证材料数/evidence, 备注/notes, and the checklist's other columns)",
                    at: at)
            }
        }
        let headerAt = SourceLocation(file: fileName, line: header.line, column: 1)
        if code == nil { log.error("row \(header.row): the header has no column 编号 (code)", at: headerAt) }
        if status == nil { log.error("row \(header.row): the header has no column 状态 (status)", at: headerAt) }
        guard let code, let status else { return ([], log.diagnostics) }
        var rows: [ProgressCSVRow] = []
        var seen: [String: Int] = [:]
        for record in records where record.row > header.row && !record.isBlank {
            func cell(_ index: Int?) -> (String, SourceLocation)? {
                guard let index, index < record.fields.count else { return nil }
                let f = record.fields[index]
                let value = f.value.trimmingWhitespace
                return value.isEmpty ? nil : (value, SourceLocation(file: fileName, line: f.line, column: f.column))
            }
            let lineAt = SourceLocation(file: fileName, line: record.line, column: 1)
            guard let (codeText, codeAt) = cell(code) else {
                log.error("row \(record.row), column 编号 (code): empty", at: lineAt)
                continue
            }
            if let first = seen[codeText] {
                log.error("row \(record.row), column 编号 (code): '\(codeText)' already updated in row \(first)", at: codeAt)
                continue
            }
            seen[codeText] = record.row
            guard let (statusText, statusAt) = cell(status) else {
                log.error("row \(record.row), column 状态 (status): empty", at: lineAt)
                continue
            }
            guard let parsed = IndicatorStatus(text: statusText) else {
                log.error(
                    "row \(record.row), column 状态 (status): unknown status '\(statusText)' (open, in-progress, submitted, accepted, rejected, 未开始, 进行中, 已提交, 已通过, 已退回)",
                    at: statusAt)
                continue
            }
            var filed: Int?
            if let (text, at) = cell(evidence) {
                guard let n = ChecklistCSV.parseCount(text) else {
                    log.error("row \(record.row), column 佐证材料数 (evidence): '\(text)' is not a whole number ≥ 0", at: at)
                    continue
                }
                filed = n
            }
            rows.append(ProgressCSVRow(
                row: record.row, code: Located(codeText, at: codeAt), status: parsed, evidence: filed, note: cell(note)?.0))
        }
        return (rows, log.diagnostics)
    }
}
