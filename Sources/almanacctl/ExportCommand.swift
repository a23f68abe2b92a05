import AlmanacCalendar
import AlmanacControl
import AlmanacFeeds
import AlmanacPlan
import ArgumentParser
import Foundation

/// `almanacctl export ics`: iCalendar feeds of the plan, of one unit, or of the official holidays.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export the plan in other formats.",
        subcommands: [ICS.self])

    struct ICS: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "ics",
            abstract: "Write an iCalendar (RFC 5545) feed of the plan, of one unit, or of the official holidays.",
            discussion: """
                With --plan the feed is made from the plan files (SEQUENCE is 0 throughout). Without it,
                the feed the daemon keeps in its runtime directory is copied: <dir of the control
                socket>/feeds/plan.ics, unit-<id>.ics or holidays.ics (see docs/feeds.md).
                """)

        @Option(name: .long, help: "A plan file or a directory of *.yaml plan files (repeatable); without it, the daemon's feed.")
        var plan: [String] = []

        @Option(
            name: .customLong("holiday-dir"),
            help: "Directory of official holiday tables (default: $ALMANAC_HOLIDAYS, ../holidays next to the plan, /usr/share/almanac/holidays).")
        var holidayDirectory: String?

        @Option(name: .long, help: "Only the items of this unit (owner or participant), and its checklist share.")
        var unit: String?

        @Flag(name: .long, help: "The official days off and 调休 working days instead of the plan.")
        var holidays = false

        @Option(name: .long, help: "First day, YYYY-MM-DD (default: 1 January of the plan's first year).")
        var from: String?

        @Option(name: .long, help: "Last day, YYYY-MM-DD (default: 31 December of the plan's last year).")
        var to: String?

        @Option(
            name: .long,
            help: ArgumentHelp("The daemon's control socket; its directory holds feeds/ (default: $ALMANAC_SOCKET, else /run/almanac/control.sock).", valueName: "PATH"))
        var socket: String?

        @Option(name: [.customShort("o"), .long], help: "Write to this file instead of standard output.")
        var output: String?

        func validate() throws {
            if holidays && unit != nil { throw ValidationError("--holidays and --unit exclude each other") }
            if plan.isEmpty && (from != nil || to != nil) {
                throw ValidationError("--from and --to need --plan (the daemon's feeds cover the plan's years)")
            }
        }

        func run() throws {
            let text: String
            if plan.isEmpty {
                text = try fromDaemon()
            } else if holidays {
                let found = OfflinePlan.locator(holidayDirectory).load(planPaths: plan)
                let errors = found.diagnostics.filter { $0.severity == .error }
                if !errors.isEmpty { throw CLIFailure(errors.map(\.description).joined(separator: "\n")) }
                guard !found.calendar.tables.isEmpty else {
                    throw ValidationError("no holiday tables found (give --holidays DIR or set $ALMANAC_HOLIDAYS)")
                }
                text = HolidayFeed.feed(work: found.calendar, stamp: OfflinePlan.clock.now())
            } else {
                let today = CLIDate.today()
                let loaded = try OfflinePlan.inForce(PlanFileOptions(plan: plan, holidays: holidayDirectory), range: today...today)
                if let unit, loaded.unit(unit) == nil {
                    let known = loaded.plan.units.map(\.id.value).joined(separator: ", ")
                    throw ValidationError("unknown unit '\(unit)' (known: \(known))")
                }
                let (start, end) = try range(of: loaded.plan)
                let expansion = PlanExpansion.expand(
                    loaded.plan, in: start...end, context: loaded.context, limits: .views, explain: true)
                for p in expansion.diagnostics { Console.writeError(p.description + "\n") }
                var sequences = FeedSequences()
                text = PlanFeedBuilder(plan: loaded.plan, stamp: OfflinePlan.clock.now())
                    .feed(entries: expansion.entries, unit: unit, sequences: &sequences)
            }
            if let output {
                guard FileManager.default.createFile(atPath: output, contents: Data(text.utf8)) else {
                    throw ValidationError("cannot write \(output)")
                }
            } else {
                Console.write(text)
            }
        }

        func range(of plan: Plan) throws -> (CivilDate, CivilDate) {
            let thisYear = CLIDate.today().year
            let years: [Int]
            switch plan.info.years {
            case .list(let list): years = list.map(\.value).sorted()
            case .every: years = [thisYear, thisYear + 1]
            }
            let first = years.first ?? thisYear
            let last = years.last ?? thisYear
            guard let defaultStart = CivilDate(year: first, month: 1, day: 1), let defaultEnd = CivilDate(year: last, month: 12, day: 31)
            else { throw ValidationError("the plan's years are out of range") }
            let start = try from.map { try CLIDate.parse($0) } ?? defaultStart
            let end = try to.map { try CLIDate.parse($0) } ?? defaultEnd
            guard start <= end else { throw ValidationError("--to is before --from") }
            guard start.days(to: end) <= 3660 else { throw ValidationError("at most ten years at a time") }
            return (start, end)
        }

        /// The daemon's copy: `<socket dir>/feeds/<name>.ics`.
        func fromDaemon() throws -> String {
            let socketPath = ControlClient.resolveSocketPath(socket, environment: ProcessInfo.processInfo.environment)
            let directory = ((socketPath as NSString).deletingLastPathComponent as NSString).appendingPathComponent("feeds")
            let name = holidays ? "holidays.ics" : unit.map { "unit-\($0).ics" } ?? "plan.ics"
            let path = (directory as NSString).appendingPathComponent(name)
            guard let data = FileManager.default.contents(atPath: path) else {
                throw ValidationError(
                    "no feed at \(path): is almanacd running (\(socketPath))? Give --plan PATH to export from the plan files.")
            }
            return String(decoding: data, as: UTF8.self)
        }
    }
}
