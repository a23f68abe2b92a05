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
            Without --plan, asks almanacd for the occurrences of the plan in force from --from (default: today) \
            for --days days (default 30) or to --to, with their state. With --plan, works offline: days with items \
            are listed, and official holidays and 调休 working days even without items (default range: the plan's \
            first year).
            """,
        aliases: ["todo"])

    @OptionGroup var planOptions: PlanFileOptions

    @Option(name: .long, help: "First day, YYYY-MM-DD or today (default: today; with --plan, 1 January of the plan's first year).")
    var from: String?

    @Option(name: .long, help: "Last day, YYYY-MM-DD (default: --days from --from; with --plan, 31 December of the year of --from).")
    var to: String?

    @Option(name: .long, help: "Number of days from --from (default 30).")
    var days: Int?

    @Option(name: .long, help: "Only items owned by this unit (id).")
    var unit: String?

    @Option(name: .long, help: "Only items of this kind (festival, campaign, deadline, ...).")
    var kind: String?

    @Flag(name: .long, help: "Show the lunar date of each day (with --plan; the daemon's agenda always shows it).")
    var lunar = false

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
        if daemon.json { return try daemon.printJSON(report) }
        print(daemon.render.agenda(report))
    }

    struct Day: DayRecord {
        struct Extra: Encodable { var entries: [AlmanacPlan.AgendaEntry] }
        var facts: DayFacts
        var extra: Extra
    }

    struct Report: Encodable {
        var plan: String
        var from: CivilDate
        var to: CivilDate
        var yearsWithoutHolidayTable: [Int]
        var days: [Day]
    }

    func runOffline() throws {
        let loaded = try LoadedPlan.load(planOptions)
        let firstYear: Int
        switch loaded.plan.info.years {
        case .list(let years): firstYear = years.map(\.value).min() ?? Calendar.current.component(.year, from: Date())
        case .every: firstYear = Calendar.current.component(.year, from: Date())
        }
        let start = try from.map { try civilDateArgument($0, name: "--from") } ?? CivilDate(year: firstYear, month: 1, day: 1)!
        let end = try to.map { try civilDateArgument($0, name: "--to") }
            ?? days.map { start.adding(days: $0 - 1) }
            ?? CivilDate(year: start.components.year, month: 12, day: 31)!
        guard start <= end else { throw ValidationError("--to is before --from") }
        guard start.days(to: end) <= 3660 else { throw ValidationError("at most ten years at a time") }
        if let unit, loaded.plan.unit(unit) == nil {
            throw ValidationError("no unit '\(unit)' in the plan (units: \(loaded.plan.units.map(\.id.value).joined(separator: ", ")))")
        }
        if let kind, ItemKind(rawValue: kind) == nil {
            throw ValidationError("unknown kind '\(kind)' (known: \(ItemKind.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        var (entries, problems) = PlanExpansion.entries(of: loaded.plan, in: start...end, context: loaded.context)
        entries = entries.filter { e in
            (unit.map { e.owners.contains($0) } ?? true) && (kind.map { e.kind.rawValue == $0 } ?? true)
        }
        for p in problems { FileHandle.standardError.write(Data((p.description + "\n").utf8)) }
        let days = AgendaView.days(entries: entries, from: start, to: end, work: loaded.work, lunar: lunar)
        let missing = Array(Set((start...end).map { $0.components.year })).sorted().filter {
            loaded.plan.info.holidays.value == "cn" && !loaded.work.hasTable(for: $0)
        }
        if json {
            try printJSON(
                Report(plan: loaded.plan.info.id.value, from: start, to: end, yearsWithoutHolidayTable: missing, days: days))
            return
        }
        print("\(loaded.plan.info.name.value)  \(start) – \(end)")
        for year in missing {
            print("注意：\(year) 年没有官方节假日安排表，工作日按周一至周五计算。")
        }
        let kindWidth = ItemKind.allCases.map { $0.rawValue.count }.max() ?? 10
        for day in days {
            var header = "\(day.date) \(day.weekday)  \(day.dayLabel)"
            if let l = day.lunar { header += "  农历\(l)" }
            print("")
            print(header)
            let titleWidth = min(48, day.entries.map { TerminalText.width(AgendaView.titleText($0, from: start)) }.max() ?? 0)
            for e in day.entries {
                let time = e.time.map { $0.description } ?? "     "
                let title = TerminalText.pad(AgendaView.titleText(e, from: start), to: titleWidth)
                let owners = loaded.unitNames(e.owners).joined(separator: "、")
                print("  \(time)  \(TerminalText.pad(e.kind.rawValue, to: kindWidth))  \(title)  \(owners)")
            }
        }
    }
}

/// Builds the agenda's days.
enum AgendaView {
    static func titleText(_ e: AlmanacPlan.AgendaEntry, from: CivilDate) -> String {
        var text = e.title
        if let edition = e.edition { text = "\(edition) " + text }
        if e.isWindow {
            let range = "\(e.start.description.dropFirst(5))..\(e.end.description.dropFirst(5))"
            text += e.start < from ? "（进行中，\(range)）" : "（\(range)）"
        }
        return text
    }

    static func days(
        entries: [AlmanacPlan.AgendaEntry], from: CivilDate, to: CivilDate, work: WorkCalendar, lunar: Bool
    ) -> [AgendaCommand.Day] {
        var byDay: [CivilDate: [AlmanacPlan.AgendaEntry]] = [:]
        for e in entries { byDay[max(e.start, from), default: []].append(e) }
        var days: [AgendaCommand.Day] = []
        for date in from...to {
            let kind = work.dayKind(date)
            let special: Bool
            switch kind {
            case .holiday, .makeupWorkday: special = true
            case .workday, .weekend: special = false
            }
            guard special || byDay[date] != nil else { continue }
            var lunarText: String?
            if lunar, let l = try? ChineseCalendar.standard.lunarDate(from: date) { lunarText = l.chineseMonthDay }
            days.append(
                AgendaCommand.Day(
                    facts: DayFacts(date: date, kind: kind, lunar: lunarText), extra: .init(entries: byDay[date] ?? [])))
        }
        return days
    }
}
