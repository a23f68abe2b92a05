import AlmanacCalendar
import AlmanacHost
import AlmanacPlan
import ArgumentParser
import Foundation

/// `almanacctl validate PATH...`: checks plan files exactly as almanacd loads them (the one
/// loader: files, includes, holiday tables, validation, the limits over the scheduling window)
/// and prints every problem like a compiler.
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check plan files and print every problem as file:line:col: error|warning: message.",
        discussion: """
            A directory stands for its *.yaml files; all files given form one plan. The plan is checked as almanacd \
            would load it: the holiday tables found by the same search order (docs/holidays.md), the same checks, \
            and the same limits on occurrences over the scheduling window (docs/plan-format.md, "Limits"). A plan \
            this command accepts is one the daemon accepts. Exits 1 on errors.
            """)

    @Argument(help: "Plan files or directories.")
    var paths: [String]

    @Option(name: .long, help: "Directory of official holiday tables.")
    var holidays: String?

    @Option(name: .long, help: "Years to check a plan that applies every year (default: this year and next).")
    var year: [Int] = []

    @Flag(name: .long, help: "Print the result as JSON.")
    var json = false

    @Flag(
        name: .customLong("no-cache"),
        help: "Read the plan files without the plan cache (~/.cache/almanac; also ALMANAC_CACHE=off).")
    var noCache = false

    struct Report: Encodable {
        var files: [String]
        var errors: Int
        var warnings: Int
        var diagnostics: [Diagnostic]
        /// Occurrences over the scheduling window, when the plan is accepted.
        var occurrences: Int?
        /// The holiday tables used.
        var holidays: HolidaySourceInfo
    }

    func run() throws {
        let outcome = OfflinePlan.load(paths, holidays: holidays, years: year.isEmpty ? nil : year, cache: !noCache)
        let diagnostics = outcome.diagnostics
        let errors = outcome.errors.count
        let warnings = outcome.warnings.count
        let files = outcome.files.isEmpty ? paths : outcome.files
        if json {
            try printJSON(
                Report(
                    files: files, errors: errors, warnings: warnings, diagnostics: diagnostics,
                    occurrences: outcome.inForce?.expansion.occurrences.count, holidays: outcome.holidays.info))
        } else {
            for d in diagnostics { Console.print(d.description) }
            let summary = "\(files.joined(separator: ", ")): \(errors) error\(errors == 1 ? "" : "s"), \(warnings) warning\(warnings == 1 ? "" : "s")"
            Console.writeError(summary + "\n")
        }
        if errors > 0 { throw ExitCode(1) }
    }
}
