import AlmanacControl
import ArgumentParser

extension Almanacctl {
    /// `almanacctl done ITEM[@DATE] [--note TEXT]`.
    struct DoneCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "done",
            abstract: "Mark an occurrence done: no more reminders for it.",
            discussion: "Needs root or the admin group. Without @DATE the item's current occurrence is meant.")

        @Argument(help: ArgumentHelp("The occurrence: ITEM or ITEM@YYYY-MM-DD.", valueName: "ITEM[@DATE]"))
        var occurrence: OccurrenceRef

        @Option(name: .long, help: "A note kept with the record.")
        var note: String?

        @OptionGroup var daemon: DaemonOptions

        func run() throws {
            let request = DoneRequest(occurrence, note: note)
            let report = try daemon.request { client throws(ControlClientError) in try client.done(request) }
            if daemon.json { return try daemon.printJSON(report) }
            Console.print(ControlRender(time: .local(english: daemon.english), style: daemon.style).change(report))
        }
    }
}
