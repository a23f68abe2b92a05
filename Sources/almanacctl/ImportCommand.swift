import AlmanacFeeds
import AlmanacPlan
import ArgumentParser
import Foundation

/// `almanacctl import ics FILE`: draft plan items from an iCalendar file, as YAML on stdout.
struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Turn other formats into draft plan items.",
        subcommands: [ICS.self])

    struct ICS: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "ics",
            abstract: "Turn an iCalendar file into draft plan items (YAML in the plan format on standard output).",
            discussion: """
                VEVENTs with DTSTART/DTEND (dates or times), DURATION, SUMMARY, DESCRIPTION, CATEGORIES (as the
                item kind) and RRULE FREQ=YEARLY or FREQ=WEEKLY (BYDAY, INTERVAL, UNTIL, COUNT) are imported.
                Everything else (other components, LOCATION, VALARM, other RRULEs, ...) is reported on standard
                error as FILE:LINE: warning: ..., where LINE counts unfolded content lines. Exit status 1 when
                the file is not an iCalendar file.
                """)

        @Argument(help: "The .ics file ('-' for standard input).")
        var file: String

        @Option(name: .long, help: "The plan's name when the calendar has no X-WR-CALNAME (default: the file name).")
        var name: String?

        func run() throws {
            let data: Data
            if file == "-" {
                data = FileHandle.standardInput.readDataToEndOfFile()
            } else {
                guard let contents = FileManager.default.contents(atPath: file) else {
                    throw ValidationError("cannot read \(file)")
                }
                data = contents
            }
            guard let text = String(data: data, encoding: .utf8) else {
                throw ValidationError("\(file) is not UTF-8 text")
            }
            let base = file == "-" ? "imported" : ((file as NSString).lastPathComponent as NSString).deletingPathExtension
            let result = ICSImporter.importCalendar(text, name: name ?? base)
            for note in result.notes {
                Console.writeError("\(file):\(note)\n")
            }
            if result.notes.contains(where: { $0.severity == .error }) { throw ExitCode(1) }
            Console.write(result.yaml)
        }
    }
}
