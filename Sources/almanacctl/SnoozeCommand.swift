import AlmanacControl
import ArgumentParser
import Foundation

extension Almanacctl {
    /// `almanacctl snooze ITEM[@DATE] --until WHEN`.
    struct SnoozeCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "snooze",
            abstract: "Hold back an occurrence's reminders until a given time.",
            discussion: """
                Needs root or the admin group. WHEN is YYYY-MM-DD (the start of that day), \
                'YYYY-MM-DD HH:MM' (local time), an ISO 8601 instant with a zone, 'tomorrow', or \
                +N followed by m, h, d or w (from now: +3d).
                """)

        @Argument(help: ArgumentHelp("The occurrence: ITEM or ITEM@YYYY-MM-DD.", valueName: "ITEM[@DATE]"))
        var occurrence: OccurrenceRef

        @Option(name: .long, help: ArgumentHelp("When reminders may resume.", valueName: "WHEN"))
        var until: String

        @OptionGroup var daemon: DaemonOptions

        func validate() throws {
            guard HumanTime.local(english: true).parseInstant(until) != nil else {
                throw CLIFailure.value("--until '\(until)' is not a time: use YYYY-MM-DD, 'YYYY-MM-DD HH:MM', tomorrow or +3d")
            }
        }

        func run() throws {
            guard let instant = HumanTime.local(english: daemon.english).parseInstant(until) else {
                throw ValidationError("--until '\(until)' is not a time")
            }
            let request = SnoozeRequest(occurrence, until: instant)
            let report = try daemon.request { client throws(ControlClientError) in try client.snooze(request) }
            if daemon.json { return try daemon.printJSON(report) }
            Console.print(ControlRender(time: .local(english: daemon.english), style: daemon.style).change(report))
        }
    }
}
