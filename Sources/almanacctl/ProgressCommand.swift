import AlmanacCalendar
import AlmanacControl
import AlmanacPlan
import ArgumentParser
import Foundation

extension Almanacctl {
    /// `almanacctl progress [CHECKLIST] [--unit U]`, `progress set`, `progress import`.
    struct ProgressCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "progress",
            abstract: "Show and record checklist progress (indicator tree, totals per unit).",
            discussion: """
                Without a subcommand: the tree of a checklist with progress bars and totals per unit.
                `set` and `import` change progress and need root or the admin group.
                The older form `progress ITEM[@DATE] ENTRY [--reopen]` still records one entry done.
                """,
            subcommands: [Show.self, SetStatus.self, Import.self],
            defaultSubcommand: Show.self)
    }
}

extension Almanacctl.ProgressCommand {
    /// `almanacctl progress [CHECKLIST] [--unit U] [--date D]`.
    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "show", abstract: "The indicator tree with progress bars and totals per unit.")

        @Argument(help: "The checklist id or the id of its item (default: every checklist).")
        var checklist: String?

        @Argument(help: ArgumentHelp("Older form: a checklist entry of ITEM[@DATE] to mark done.", visibility: .hidden))
        var entry: String?

        @Option(name: .long, help: "Only the indicators of this unit.")
        var unit: String?

        @Option(name: .long, help: "The item occurrence (YYYY-MM-DD); default: its current one.")
        var date: String?

        @Flag(name: .long, help: ArgumentHelp("Older form: mark the entry open again.", visibility: .hidden))
        var reopen = false

        @Option(name: .long, help: ArgumentHelp("Older form: a note kept with the record.", visibility: .hidden))
        var note: String?

        @OptionGroup var daemon: DaemonOptions

        func run() throws {
            if let entry, let checklist {
                guard let occurrence = OccurrenceRef(parsing: checklist) else {
                    throw ValidationError("'\(checklist)' is not ITEM or ITEM@YYYY-MM-DD")
                }
                let request = ProgressRequest(occurrence, entry: entry, done: !reopen, note: note)
                let report = try daemon.request { client throws(ControlClientError) in try client.progress(request) }
                if daemon.json { return try daemon.printJSON(report) }
                Console.print(ControlRender(time: .local(english: daemon.english), style: daemon.style).change(report))
                return
            }
            let day = try date.map { text -> CivilDate in
                guard let d = CivilDate(iso: text) else { throw ValidationError("--date: '\(text)' is not YYYY-MM-DD") }
                return d
            }
            let query = ChecklistQuery(checklist: checklist, unit: unit, date: day)
            let report = try daemon.request { client throws(ControlClientError) in
                try client.send(.checklist(query), expecting: ChecklistReport.self)
            }
            if daemon.json { return try daemon.printJSON(report) }
            let render = ChecklistRender(english: daemon.english)
            Console.print(report.checklists.map { render.render($0, unit: unit) }.joined(separator: "\n\n"))
        }
    }

    /// `almanacctl progress set CODE --status S [--evidence N] [--note TEXT]`.
    struct SetStatus: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set", abstract: "Record the status of one indicator.",
            discussion: "Statuses: open, in-progress, submitted, accepted, rejected (or 未开始, 进行中, 已提交, 已通过, 已退回). Needs root or the admin group.")

        @Argument(help: "The indicator code.")
        var code: String

        @Option(name: .long, help: "open, in-progress, submitted, accepted or rejected.")
        var status: String

        @Option(name: .long, help: "Pieces of evidence filed so far.")
        var evidence: Int?

        @Option(name: .long, help: "A note kept with the record.")
        var note: String?

        @Option(name: .long, help: "The checklist id or its item id (needed when the plan has several).")
        var checklist: String?

        @Option(name: .long, help: "The item occurrence (YYYY-MM-DD); default: its current one.")
        var date: String?

        @OptionGroup var daemon: DaemonOptions

        func validate() throws {
            guard IndicatorStatus(text: status) != nil else {
                throw CLIFailure.value("--status: unknown status '\(status)' (open, in-progress, submitted, accepted, rejected)")
            }
            if let evidence, evidence < 0 { throw CLIFailure.value("--evidence must not be negative") }
        }

        func run() throws {
            guard let parsed = IndicatorStatus(text: status) else { throw ValidationError("unknown status '\(status)'") }
            let day = try date.map { text -> CivilDate in
                guard let d = CivilDate(iso: text) else { throw ValidationError("--date: '\(text)' is not YYYY-MM-DD") }
                return d
            }
            let request = ProgressSetRequest(
                checklist: checklist, code: code, status: parsed, evidence: evidence, note: note, date: day)
            let report = try daemon.request { client throws(ControlClientError) in
                try client.send(.progressSet(request), expecting: ProgressReport.self)
            }
            if daemon.json { return try daemon.printJSON(report) }
            Console.print(ProgressText(english: daemon.english).changed(report))
        }
    }

    /// `almanacctl progress import FILE.csv`: many indicators at once, all or none.
    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "import", abstract: "Record progress from a CSV file (编号,状态[,佐证材料数][,备注]), all or nothing.",
            discussion: "UTF-8 (with or without BOM) or GB18030/GBK. Every error is printed with its row; nothing is recorded then. Needs root or the admin group.")

        @Argument(help: "The CSV file.")
        var file: String

        @Option(name: .long, help: "The checklist id or its item id (needed when the plan has several).")
        var checklist: String?

        @Option(name: .long, help: "The item occurrence (YYYY-MM-DD); default: its current one.")
        var date: String?

        @OptionGroup var daemon: DaemonOptions

        func run() throws {
            guard let data = FileManager.default.contents(atPath: file) else { throw ValidationError("cannot read \(file)") }
            let (rows, diagnostics) = ProgressCSV.rows([UInt8](data), fileName: file)
            if diagnostics.contains(where: { $0.severity == .error }) {
                if daemon.json {
                    struct Failure: Encodable { var recorded = 0; var diagnostics: [Diagnostic] }
                    try daemon.printJSON(Failure(diagnostics: diagnostics))
                } else {
                    for d in diagnostics { Console.writeError(d.description + "\n") }
                    let errors = diagnostics.filter { $0.severity == .error }.count
                    Console.writeError("\(file): \(errors) error\(errors == 1 ? "" : "s"); nothing recorded\n")
                }
                throw ExitCode(1)
            }
            let day = try date.map { text -> CivilDate in
                guard let d = CivilDate(iso: text) else { throw ValidationError("--date: '\(text)' is not YYYY-MM-DD") }
                return d
            }
            let request = ProgressImportRequest(
                checklist: checklist, date: day, file: file,
                rows: rows.map { ProgressRow(row: $0.row, code: $0.code.value, status: $0.status, evidence: $0.evidence, note: $0.note) })
            let report = try daemon.request { client throws(ControlClientError) in
                try client.send(.progressImport(request), expecting: ProgressReport.self)
            }
            if daemon.json { return try daemon.printJSON(report) }
            Console.print(ProgressText(english: daemon.english).changed(report))
        }
    }
}

/// Text for recorded progress.
struct ProgressText {
    var english: Bool

    func changed(_ report: ProgressReport) -> String {
        let t = report.summary.totals
        let totals = ChecklistRender(english: english).totalsText(t)
        if report.recorded.count == 1, let row = report.recorded.first {
            let status = english ? row.status.rawValue : row.status.chineseName
            var text = english
                ? "recorded \(row.code) \(status) in \(report.checklist) (\(report.occurrence)), by uid \(report.uid)"
                : "已记录 \(row.code) \(status)（\(report.checklist)，\(report.occurrence)），uid \(report.uid)"
            if let e = row.evidence { text += english ? ", evidence \(e)" : "，佐证 \(e)" }
            if let n = row.note { text += english ? " (note: \(n))" : "（备注：\(n)）" }
            return text + "\n" + totals
        }
        return (english
            ? "recorded \(report.recorded.count) indicators in \(report.checklist) (\(report.occurrence)), by uid \(report.uid)"
            : "已记录 \(report.recorded.count) 项指标（\(report.checklist)，\(report.occurrence)），uid \(report.uid)") + "\n" + totals
    }
}
