import AlmanacControl
import ArgumentParser

extension Almanacctl {
    /// `almanacctl reload`: synchronous, so it can serve as `ExecReload=`.
    struct ReloadCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "reload",
            abstract: "Reload the plan files and wait for the result.",
            discussion: """
                Prints the new plan's diagnostics. When the plan has errors the daemon keeps the old \
                plan, the errors are printed as file:line:column: error: message, and the exit status \
                is 1, so `ExecReload=almanacctl reload` makes `systemctl reload` fail on a bad plan.
                """)

        @OptionGroup var daemon: DaemonOptions

        func run() throws {
            let report = try daemon.request { client throws(ControlClientError) in try client.reload() }
            if daemon.json { return try daemon.printJSON(report) }
            Console.print(ControlRender(time: .local(english: daemon.english), style: daemon.style).reload(report))
        }
    }
}
