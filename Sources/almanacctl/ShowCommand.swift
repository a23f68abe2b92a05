import AlmanacCalendar
import AlmanacControl
import AlmanacPlan
import ArgumentParser
import Foundation

/// `almanacctl show ITEM`: one item's occurrences and reminders, with how each was derived: from
/// the daemon's plan in force (with each occurrence's state), or offline with `--plan PATH`.
struct ShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show an item's occurrences and reminders, with explanations.",
        discussion: """
            ITEM is an item id, or item/phase for one phase of a multi-part event. Without --plan, almanacd \
            answers from the plan in force and adds each occurrence's state; with --plan the files are read offline.
            """)

    @Argument(help: "The item id (or item/phase).")
    var item: String

    @OptionGroup var planOptions: PlanFileOptions

    @Option(name: .long, help: "Only this year (default: every year of the plan).")
    var year: [Int] = []

    @Option(name: .long, help: "Show at most this many occurrences (0: all).")
    var limit: Int = 12

    @OptionGroup var daemon: DaemonOptions

    var json: Bool { daemon.json }

    func validate() throws {
        guard limit >= 0 else { throw CLIFailure.value("--limit must be 0 (all) or more") }
    }

    func run() throws {
        guard !planOptions.plan.isEmpty else { return try runAgainstDaemon() }
        try runOffline()
    }

    func runAgainstDaemon() throws {
        let query = ShowQuery(item: item, years: year.isEmpty ? nil : year, limit: limit)
        let report = try daemon.request { client throws(ControlClientError) in try client.show(query) }
        if daemon.json { return try daemon.printJSON(report) }
        Console.print(daemon.render.show(report))
    }

    /// The same report as the daemon's, from the plan files.
    func runOffline() throws {
        let plan = try OfflinePlan.inForce(planOptions, range: CLIDate.today()...CLIDate.today())
        let query = ShowQuery(item: item, years: year.isEmpty ? nil : year, limit: limit)
        let report = try daemon.local { () throws(ControlError) in
            try PlanReports(plan: plan, today: OfflinePlan.today(plan)).show(query)
        }
        if daemon.json { return try daemon.printJSON(report) }
        Console.print(daemon.render.show(report))
    }
}
