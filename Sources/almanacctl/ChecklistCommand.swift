import AlmanacControl
import AlmanacPlan
import ArgumentParser
import Foundation

/// `almanacctl checklist validate|show --plan PATH`: checklists offline, without the daemon.
struct ChecklistCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "checklist",
        abstract: "Check and show the checklists of plan files (offline).",
        subcommands: [Validate.self, Show.self])
}

extension ChecklistCommand {
    /// `almanacctl checklist validate --plan PATH [FILE.csv --checklist ID]`.
    struct Validate: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "validate",
            abstract: "Check the plan's checklists, or a CSV file against one of them; every problem with its row.",
            discussion: "With FILE.csv the file is imported into the checklist (instead of its `source:`) and checked: columns, codes, parents, owners, declared totals. Exits 1 on errors.")

        @Argument(help: "A checklist CSV to check against the plan (UTF-8 or GB18030/GBK).")
        var csv: String?

        @Option(name: .long, help: "The checklist id (needed with FILE.csv when the plan has several).")
        var checklist: String?

        @OptionGroup var files: PlanFileOptions

        @Flag(name: .long, help: "Print the result as JSON.")
        var json = false

        func validate() throws {
        }

        struct Report: Encodable {
            var checklists: [ChecklistSummary]
            var encoding: String?
            var errors: Int
            var warnings: Int
            var diagnostics: [Diagnostic]
        }

        func run() throws {
            let result = OfflinePlan.load(
                files.plan, holidays: files.holidays, range: CLIDate.today()...CLIDate.today(), cache: !files.noCache)
            var diagnostics = result.diagnostics
            var summaries: [ChecklistSummary] = []
            var encoding: String?
            if let plan = result.plan {
                if let csv {
                    let candidates = plan.checklists.filter { checklist == nil || $0.id.value == checklist }
                    guard candidates.count == 1, var target = candidates.first else {
                        throw ValidationError("name one checklist with --checklist (known: \(plan.checklists.map(\.id.value).joined(separator: ", ")))")
                    }
                    guard let data = FileManager.default.contents(atPath: csv) else { throw ValidationError("cannot read \(csv)") }
                    // The file replaces the checklist's own source: drop the indicators that came from it.
                    if let source = target.source?.value {
                        target.indicators = target.indicators.filter { !($0.location?.file.hasSuffix(source) ?? false) }
                    }
                    let imported = ChecklistCSV.importChecklist([UInt8](data), fileName: csv, into: target, units: plan.units)
                    diagnostics = imported.diagnostics
                    encoding = imported.encoding?.rawValue
                    if let done = imported.checklist { summaries = [ChecklistSummary(done, progress: [:])] }
                } else {
                    diagnostics += PlanValidator.validate(plan).filter { d in
                        d.message.contains("checklist") || d.message.contains("indicator")
                            || (d.location?.file.hasSuffix(".csv") ?? false)
                    }
                    summaries = plan.checklists.filter { checklist == nil || $0.id.value == checklist }.map {
                        ChecklistSummary($0, progress: [:])
                    }
                }
            }
            diagnostics = PlanValidator.sorted(diagnostics)
            let errors = diagnostics.filter { $0.severity == .error }.count
            let warnings = diagnostics.filter { $0.severity == .warning }.count
            if json {
                try printJSON(Report(checklists: summaries, encoding: encoding, errors: errors, warnings: warnings, diagnostics: diagnostics))
            } else {
                for d in diagnostics { Console.print(d.description) }
                for s in summaries {
                    let units = s.units.filter { !$0.unit.isEmpty }.count
                    Console.print("\(s.checklist): \(s.totals.indicators) indicators to track, \(units) units, evidence \(s.totals.evidenceRequired)"
                        + (encoding.map { " (read as \($0))" } ?? ""))
                }
                Console.writeError("\(errors) error\(errors == 1 ? "" : "s"), \(warnings) warning\(warnings == 1 ? "" : "s")\n")
            }
            if errors > 0 { throw ExitCode(1) }
        }
    }

    /// `almanacctl checklist show --plan PATH [CHECKLIST] [--unit U]`: the tree, without progress.
    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "show", abstract: "The indicator tree of the plan's checklists with totals per unit (no progress).")

        @Argument(help: "The checklist id or its item id (default: every checklist).")
        var checklist: String?

        @Option(name: .long, help: "Only the indicators of this unit.")
        var unit: String?

        @OptionGroup var files: PlanFileOptions

        @Flag(name: .long, help: "Print the result as JSON.")
        var json = false

        func validate() throws {
        }

        @Flag(name: .long, help: "English labels.")
        var english = false

        func run() throws {
            let result = OfflinePlan.load(
                files.plan, holidays: files.holidays, range: CLIDate.today()...CLIDate.today(), cache: !files.noCache)
            guard let plan = result.plan, result.errors.isEmpty else {
                for d in result.diagnostics { Console.writeError(d.description + "\n") }
                throw ExitCode(1)
            }
            let chosen = plan.checklists.filter { checklist == nil || $0.id.value == checklist || $0.item?.value == checklist }
            if let checklist, chosen.isEmpty { throw ValidationError("no checklist '\(checklist)' in the plan") }
            var names: [String: String] = [:]
            for u in plan.units { names[u.id.value] = u.name.value }
            let views = chosen.map {
                ChecklistView(
                    summary: ChecklistSummary($0, progress: [:]), occurrence: nil, deadline: nil, unitNames: names,
                    indicators: ChecklistView.lines($0, progress: [:], unit: unit))
            }
            if json { return try printJSON(ChecklistReport(unit: unit, checklists: views)) }
            let render = ChecklistRender(english: english)
            Console.print(views.map { render.render($0, unit: unit) }.joined(separator: "\n\n"))
        }
    }
}
