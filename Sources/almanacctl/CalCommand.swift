import AlmanacCalendar
import AlmanacControl
import AlmanacPlan
import ArgumentParser
import Foundation

/// `almanacctl cal [YYYY-MM]`: a month grid like cal(1) with the plan's days marked: the daemon's
/// plan in force, or with `--plan PATH` plan files read offline.
struct CalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cal",
        abstract: "Show a month as a grid: days with items marked, official holidays and 调休 working days visible.",
        discussion: """
            Markers: * an item starts that day, ~ a campaign window runs, 休 official holiday, 班 调休 working day \
            (a weekend day worked). Weeks start on Monday. Without --plan, almanacd answers from the plan in force \
            and each item's state is listed; with --plan the files are read offline.
            """)

    @OptionGroup var planOptions: PlanFileOptions

    @Argument(help: "The month, YYYY-MM (default: the current month).")
    var month: String?

    @Flag(name: .long, help: "Show the lunar day under each day.")
    var lunar = false

    @OptionGroup var daemon: DaemonOptions

    var json: Bool { daemon.json }

    struct Day: DayRecord {
        struct Extra: Encodable {
            var starts: [String]
            var running: [String]
        }
        var facts: DayFacts
        var extra: Extra
    }

    func validate() throws {
        if month != nil { _ = try parseMonth() }
    }

    func run() throws {
        guard !planOptions.plan.isEmpty else { return try runAgainstDaemon() }
        try runOffline()
    }

    func runAgainstDaemon() throws {
        let query = try month.map { _ in try parseMonth() }.map { CalQuery(year: $0.0, month: $0.1) } ?? CalQuery()
        let report = try daemon.request { client throws(ControlClientError) in try client.cal(query) }
        if daemon.json { return try daemon.printJSON(report) }
        Console.print(daemon.render.cal(report, lunar: lunar))
    }

    /// The same report as the daemon's, from the plan files.
    func runOffline() throws {
        let (year, monthNumber) = try parseMonth()
        guard let first = CivilDate(year: year, month: monthNumber, day: 1) else { throw ValidationError("no such month") }
        let plan = try OfflinePlan.inForce(planOptions, range: first...first.endOfMonth)
        let report = try daemon.local { () throws(ControlError) in
            try PlanReports(plan: plan, today: OfflinePlan.today(plan)).cal(CalQuery(year: year, month: monthNumber))
        }
        if daemon.json { return try daemon.printJSON(report) }
        Console.print(daemon.render.cal(report, lunar: lunar))
    }

    func parseMonth() throws -> (Int, Int) {
        guard let month else {
            let today = ZonedTime.civilDate(of: OfflinePlan.clock.now(), in: ZonedTime.defaultZone)
            return (today.year, today.month)
        }
        let (y, m) = try CLIMonth.parse(month)
        return (y, m)
    }
}

/// Draws the month grid: 7 cells of 6 terminal columns, Monday first.
enum CalGrid {
    static let cell = 6
    /// Windows this long or longer (a season-long competition) are not marked with ~ on every day.
    static let longWindow = 31

    static func render(year: Int, month: Int, days: [CalCommand.Day], lunar: Bool) -> String {
        var lines: [String] = []
        let title = "\(year)年\(month)月"
        let width = cell * 7
        let padding = max(0, (width - TerminalText.width(title)) / 2)
        lines.append(String(repeating: " ", count: padding) + title)
        lines.append(["一", "二", "三", "四", "五", "六", "日"].map { rightAlign($0, cell) }.joined())
        guard let first = days.first else { return lines.joined(separator: "\n") }
        let offset = first.date.weekday.rawValue - 1
        var week: [CalCommand.Day?] = Array(repeating: nil, count: offset)
        func flush() {
            while week.count < 7 { week.append(nil) }
            lines.append(week.map { $0.map(dayCell) ?? String(repeating: " ", count: cell) }.joined())
            if lunar {
                lines.append(week.map { rightAlign($0?.lunar ?? "", cell) }.joined())
            }
            week = []
        }
        for day in days {
            week.append(day)
            if week.count == 7 { flush() }
        }
        if !week.isEmpty { flush() }
        return lines.map { $0.replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression) }
            .joined(separator: "\n")
    }

    static func dayCell(_ day: CalCommand.Day) -> String {
        var text = String(day.date.components.day)
        switch day.dayKind {
        case "holiday": text += "休"
        case "makeup-workday": text += "班"
        default: break
        }
        if !day.starts.isEmpty {
            text += "*"
        } else if !day.running.isEmpty {
            text += "~"
        }
        return rightAlign(text, cell)
    }

    static func rightAlign(_ text: String, _ columns: Int) -> String {
        let w = TerminalText.width(text)
        return w >= columns ? text : String(repeating: " ", count: columns - w) + text
    }
}
