import AlmanacCalendar
import AlmanacControl
import AlmanacPlan
import ArgumentParser
import Foundation

/// `almanacctl agenda`: what is coming. Without `--plan` the daemon answers from the plan in
/// force, with each occurrence's state (open, acknowledged, done, snoozed, overdue); with
/// `--plan PATH` the plan files are read offline and listed day by day. `todo` is an alias.
struct AgendaCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agenda",
        abstract: "List what is coming: the daemon's agenda with states, or a plan file's items day by day (--plan).",
        discussion: """
            Lists the occurrences of the plan from --from (default: today) for --days days (default 30) or to \
            --to, with their state, lunar date and distance in working days. Without --plan, almanacd answers from \
            the plan in force (with the acknowledgements and done marks recorded); with --plan the files are read \
            offline and the output is the same, every occurrence open.
            """,
        aliases: ["todo"])

    @OptionGroup var planOptions: PlanFileOptions

    @Option(name: .long, help: "First day, YYYY-MM-DD or today (default: today).")
    var from: String?

    @Option(name: .long, help: "Last day, YYYY-MM-DD (default: --days from --from).")
    var to: String?

    @Option(name: .long, help: "Number of days from --from (default 30).")
    var days: Int?

    @Option(name: .long, help: "Only items owned by this unit (id).")
    var unit: String?

    @Option(name: .long, help: "Only items of this kind (festival, campaign, deadline, ...).")
    var kind: String?

    @OptionGroup var daemon: DaemonOptions

    var json: Bool { daemon.json }

    func validate() throws {
        if days != nil && to != nil { throw ValidationError("give --days or --to, not both") }
        if let days, !(1...3660).contains(days) { throw CLIFailure.value("--days must be between 1 and 3660, not \(days)") }
        if planOptions.plan.isEmpty { _ = try query() }
    }

    /// The daemon's query from the options.
    func query() throws -> AgendaQuery {
        let start = try from.map(CLIDate.parse)
        let end = try to.map(CLIDate.parse)
        if let start, let end, end < start { throw CLIFailure.value("--to \(end) is before --from \(start)") }
        return AgendaQuery(from: start, to: end, days: days, unit: unit, kind: kind)
    }

    func run() throws {
        guard !planOptions.plan.isEmpty else { return try runAgainstDaemon() }
        try runOffline()
    }

    func runAgainstDaemon() throws {
        let query = try query()
        let report = try daemon.request { client throws(ControlClientError) in try client.agenda(query) }
        if daemon.json { return Console.write(bytes: Self.jsonLine(report)) }
        Self.write(daemon.render.agendaBytes(report))
    }

    /// The report's JSON and a line break (appended to the one buffer, not copied into another).
    static func jsonLine(_ report: AgendaReport) -> [UInt8] {
        var bytes = report.prettyJSON()
        bytes.append(0x0a)
        return bytes
    }

    /// Writes the table's bytes and a line break (appended to the one buffer, not copied into
    /// another), as `Console.print` writes its text.
    static func write(_ table: consuming [UInt8]) {
        var bytes = table
        bytes.append(UInt8(ascii: "\n"))
        Console.write(bytes: bytes)
    }

    /// The same report as the daemon's, from the plan files, with the same default range
    /// (today and the next 30 days).
    func runOffline() throws {
        let query = try query()
        let from = query.from ?? CLIDate.today()
        let to = query.to ?? from.adding(days: max(1, query.days ?? 30) - 1)
        guard from <= to, from.days(to: to) <= PlanReports.maxRangeDays else {
            throw ValidationError(from > to ? "--to is before --from" : "at most ten years at a time")
        }
        let plan = try OfflinePlan.inForce(planOptions, range: from...to)
        let report = try daemon.local { () throws(ControlError) in
            try PlanReports(plan: plan, today: OfflinePlan.today(plan)).agenda(query)
        }
        // The command ends with its output: the plan and the report are not freed first.
        ProcessLifetime.keepUntilExit((plan, report))
        if daemon.json { return Console.write(bytes: Self.jsonLine(report)) }
        Self.write(daemon.render.agendaBytes(report))
    }
}
