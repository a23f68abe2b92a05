import AlmanacCalendar
import AlmanacPlan
import ArgumentParser
import Foundation

/// `almanacctl validate PATH...`: checks plan files and prints every problem like a compiler.
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check plan files and print every problem as file:line:col: error|warning: message.",
        discussion: "A directory stands for its *.yaml files; all files given form one plan. Exits 1 on errors.")

    @Argument(help: "Plan files or directories.")
    var paths: [String]

    @Option(name: .long, help: "Directory of official holiday tables.")
    var holidays: String?

    @Option(name: .long, help: "Years to check a plan that applies every year (default: this year and next).")
    var year: [Int] = []

    @Flag(name: .long, help: "Print the result as JSON.")
    var json = false

    struct Report: Encodable {
        var files: [String]
        var errors: Int
        var warnings: Int
        var diagnostics: [Diagnostic]
    }

    func run() throws {
        let result = try PlanFiles.load(paths)
        var diagnostics = result.diagnostics
        var files = paths
        if let plan = result.plan {
            files = plan.files
            let work = try PlanFiles.workCalendar(
                holidays: plan.info.holidays.value,
                directory: PlanFiles.holidayDirectory(option: holidays, planPaths: paths))
            diagnostics += PlanValidator.validate(plan, options: ValidationCheck.options(work: work, years: year))
        }
        diagnostics = PlanValidator.sorted(diagnostics)
        let errors = diagnostics.filter { $0.severity == .error }.count
        let warnings = diagnostics.filter { $0.severity == .warning }.count
        if json {
            try printJSON(Report(files: files, errors: errors, warnings: warnings, diagnostics: diagnostics))
        } else {
            for d in diagnostics { print(d.description) }
            let summary = "\(files.joined(separator: ", ")): \(errors) error\(errors == 1 ? "" : "s"), \(warnings) warning\(warnings == 1 ? "" : "s")"
            FileHandle.standardError.write(Data((summary + "\n").utf8))
        }
        if errors > 0 { throw ExitCode(1) }
    }
}

/// Builds the validation options the CLI uses.
enum ValidationCheck {
    static func options(work: WorkCalendar, years: [Int]) -> ValidationOptions {
        let thisYear = Calendar(identifier: .gregorian).component(.year, from: Date())
        let check = years.isEmpty ? [thisYear, thisYear + 1] : years
        return ValidationOptions(
            everyYearCheck: check, hasHolidayTable: { work.hasTable(for: $0) },
            rules: DateRuleChecker(context: PlanFiles.ruleContext(work: work)))
    }
}
