import AlmanacCalendar
import AlmanacControl
import ArgumentParser

extension Almanacctl {
    /// `almanacctl todo`: what the daemon has scheduled in a range, with its state (the daemon's
    /// agenda; `almanacctl agenda --plan` is the offline one).
    struct TodoCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "todo",
            abstract: "Ask the daemon for the occurrences in a date range (default: the next 30 days) and their state.")

        @Option(name: .long, help: "Number of days from --from (or today).")
        var days: Int?

        @Option(name: .long, help: ArgumentHelp("First day (YYYY-MM-DD or today).", valueName: "DATE"))
        var from: String?

        @Option(name: .long, help: ArgumentHelp("Last day (YYYY-MM-DD).", valueName: "DATE"))
        var to: String?

        @Option(name: .long, help: "Only items owned by this unit.")
        var unit: String?

        @Option(name: .long, help: "Only items of this kind (festival, campaign, deadline, ...).")
        var kind: String?

        @OptionGroup var daemon: DaemonOptions

        func validate() throws {
            if days != nil && to != nil { throw ValidationError("give --days or --to, not both") }
            if let days, !(1...3660).contains(days) { throw ValidationError("--days must be between 1 and 3660") }
            _ = try query()
        }

        func query() throws -> AgendaQuery {
            let start = try from.map(CLIDate.parse)
            let end = try to.map(CLIDate.parse)
            if let start, let end, end < start { throw ValidationError("--to \(end) is before --from \(start)") }
            return AgendaQuery(from: start, to: end, days: days, unit: unit, kind: kind)
        }

        func run() throws {
            let query = try query()
            let report = try daemon.request { client throws(ControlClientError) in try client.agenda(query) }
            if daemon.json { return try daemon.printJSON(report) }
            print(ControlRender(time: .local(english: daemon.english), style: daemon.style).agenda(report))
        }
    }
}
