import AlmanacControl
import ArgumentParser

extension Almanacctl {
    /// `almanacctl next`: the reminders about to go out.
    struct NextCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "next", abstract: "List the reminders the daemon will send next.")

        @Option(name: .long, help: "At most this many reminders.")
        var limit: Int = 20

        @OptionGroup var daemon: DaemonOptions

        func validate() throws {
            guard (1...10000).contains(limit) else { throw CLIFailure.value("--limit must be between 1 and 10000") }
        }

        func run() throws {
            let query = NextQuery(limit: limit)
            let report = try daemon.request { client throws(ControlClientError) in try client.next(query) }
            if daemon.json { return try daemon.printJSON(report) }
            Console.print(ControlRender(time: .local(english: daemon.english), style: daemon.style).next(report))
        }
    }
}
