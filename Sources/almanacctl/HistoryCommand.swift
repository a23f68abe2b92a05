import AlmanacControl
import ArgumentParser

extension Almanacctl {
    /// `almanacctl history [ITEM[@DATE]]`.
    struct HistoryCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "history", abstract: "Show what was sent (to whom, when) and what was recorded (by whom).")

        @Argument(help: ArgumentHelp("Only this item or occurrence: ITEM or ITEM@YYYY-MM-DD.", valueName: "ITEM[@DATE]"))
        var occurrence: OccurrenceRef?

        @Option(name: .long, help: "At most this many entries, newest first.")
        var limit: Int = 50

        @OptionGroup var daemon: DaemonOptions

        func validate() throws {
            guard (1...100_000).contains(limit) else { throw CLIFailure.value("--limit must be between 1 and 100000") }
        }

        func run() throws {
            let query = HistoryQuery(item: occurrence?.item, date: occurrence?.date, limit: limit)
            let report = try daemon.request { client throws(ControlClientError) in try client.history(query) }
            if daemon.json { return try daemon.printJSON(report) }
            Console.print(ControlRender(time: .local(english: daemon.english), style: daemon.style).history(report))
        }
    }
}
