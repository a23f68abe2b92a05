import AlmanacControl
import ArgumentParser

extension Almanacctl {
    /// `almanacctl ack ITEM[@DATE]`.
    struct AckCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "ack",
            abstract: "Acknowledge an occurrence: its overdue reminders stop.",
            discussion: "Needs root or the admin group. Without @DATE the item's current occurrence is meant.")

        @Argument(help: ArgumentHelp("The occurrence: ITEM or ITEM@YYYY-MM-DD.", valueName: "ITEM[@DATE]"))
        var occurrence: OccurrenceRef

        @OptionGroup var daemon: DaemonOptions

        func run() throws {
            let report = try daemon.request { client throws(ControlClientError) in try client.ack(occurrence) }
            if daemon.json { return try daemon.printJSON(report) }
            Console.print(ControlRender(time: .local(english: daemon.english), style: daemon.style).change(report))
        }
    }
}
