import AlmanacControl
import ArgumentParser

extension Almanacctl {
    /// `almanacctl status`: the daemon, its plan and its counters.
    struct StatusCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "status", abstract: "Show the daemon's state: plan, next wake-up, reminders sent, problems.")

        @OptionGroup var daemon: DaemonOptions

        func run() throws {
            let report = try daemon.request { client throws(ControlClientError) in try client.status() }
            if daemon.json { return try daemon.printJSON(report) }
            Console.print(ControlRender(time: .local(english: daemon.english), style: daemon.style).status(report))
        }
    }
}
