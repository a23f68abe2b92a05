import AlmanacCalendar
import AlmanacDraft
import ArgumentParser
import Foundation

/// `almanacctl draft DOCUMENT`: drafts a plan from an office's own work plan or summary.
struct DraftCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "draft",
        abstract: "Draft a plan (YAML) from a Chinese work plan or summary in plain text.",
        discussion: """
            Reads UTF-8 (with or without BOM) or GB18030 text and prints a plan with one item per dated \
            thing found: title, kind, date rule, owners, figures, and the source line and sentence as \
            comments; '# 待确认:' marks what to check. See docs/draft.md.
            """)

    @Argument(help: "The document (plain text); '-' reads standard input.")
    var document: String

    @Option(name: .long, help: "The year the plan applies to (default: this year).")
    var year: Int?

    @Option(name: .long, help: "Directory of official holiday tables (for 春节期间 = the official break).")
    var holidays: String?

    @Flag(name: .long, help: "Print the items as JSON with a confidence (0-1) per field.")
    var json = false

    func validate() throws {
        if let year, !(1900...2200).contains(year) { throw CLIFailure.value("--year must be between 1900 and 2200") }
    }

    func run() throws {
        let data: Data
        if document == "-" {
            data = FileHandle.standardInput.readDataToEndOfFile()
        } else {
            guard let read = FileManager.default.contents(atPath: document) else {
                throw ValidationError("cannot read '\(document)'")
            }
            data = read
        }
        let planYear = year ?? RuleOutput.currentYear()
        let found = OfflinePlan.locator(holidays).load(planPaths: [])
        if let error = found.diagnostics.first(where: { $0.severity == .error }) { throw ValidationError(error.description) }
        let work = found.calendar
        let options = DraftOptions(
            year: planYear, sourceName: document == "-" ? "stdin" : (document as NSString).lastPathComponent,
            hasHolidayTable: { work.hasTable(for: $0) })
        let draft: Draft
        do {
            draft = try PlanDrafter.draft(bytes: [UInt8](data), options: options)
        } catch {
            throw ValidationError("\(document): \(error.message)")
        }
        if json {
            try printJSON(draft)
        } else {
            Console.print(draft.yaml(), terminator: "")
        }
        let unsure = draft.items.filter { !$0.unsure.isEmpty }.count
        Console.writeError("\(document): \(draft.items.count) items, \(unsure) to confirm (待确认), \(draft.dropped.count) lines left out\n")
    }
}
