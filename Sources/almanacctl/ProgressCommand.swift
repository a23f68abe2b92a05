import AlmanacControl
import ArgumentParser

extension Almanacctl {
    /// `almanacctl progress ITEM[@DATE] ENTRY [--reopen] [--note TEXT]`.
    struct ProgressCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "progress",
            abstract: "Record a checklist entry of an occurrence as done (or reopen it).",
            discussion: "Needs root or the admin group.")

        @Argument(help: ArgumentHelp("The occurrence: ITEM or ITEM@YYYY-MM-DD.", valueName: "ITEM[@DATE]"))
        var occurrence: OccurrenceRef

        @Argument(help: "The checklist entry id.")
        var entry: String

        @Flag(name: .long, help: "Mark the entry open again instead of done.")
        var reopen = false

        @Option(name: .long, help: "A note kept with the record.")
        var note: String?

        @OptionGroup var daemon: DaemonOptions

        func run() throws {
            let request = ProgressRequest(occurrence, entry: entry, done: !reopen, note: note)
            let report = try daemon.request { client throws(ControlClientError) in try client.progress(request) }
            if daemon.json { return try daemon.printJSON(report) }
            print(ControlRender(time: .local(english: daemon.english), style: daemon.style).change(report))
        }
    }
}
