import AlmanacCalendar
import AlmanacPlan
import ArgumentParser
import Foundation

/// `almanacctl agenda --plan PATH --from DATE --to DATE`: the plan's entries day by day.
struct AgendaCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agenda",
        abstract: "List a plan's items day by day with kind, owners and working-day or holiday markers.",
        discussion: "Days with items are listed, and official holidays and 调休 working days even without items.")

    @OptionGroup var planOptions: PlanFileOptions

    @Option(name: .long, help: "First day, YYYY-MM-DD (default: 1 January of the plan's first year).")
    var from: String?

    @Option(name: .long, help: "Last day, YYYY-MM-DD (default: 31 December of the year of --from).")
    var to: String?

    @Flag(name: .long, help: "Show the lunar date of each day.")
    var lunar = false

    @Flag(name: .long, help: "Print the result as JSON.")
    var json = false

    struct Day: DayRecord {
        struct Extra: Encodable { var entries: [AgendaEntry] }
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

    func run() throws {
        let loaded = try LoadedPlan.load(planOptions)
        let firstYear: Int
        switch loaded.plan.info.years {
        case .list(let years): firstYear = years.map(\.value).min() ?? Calendar.current.component(.year, from: Date())
        case .every: firstYear = Calendar.current.component(.year, from: Date())
        }
        let start = try from.map { try civilDateArgument($0, name: "--from") } ?? CivilDate(year: firstYear, month: 1, day: 1)!
        let end = try to.map { try civilDateArgument($0, name: "--to") }
            ?? CivilDate(year: start.components.year, month: 12, day: 31)!
        guard start <= end else { throw ValidationError("--to is before --from") }
        guard start.days(to: end) <= 3660 else { throw ValidationError("at most ten years at a time") }
        let (entries, problems) = PlanExpansion.entries(of: loaded.plan, in: start...end, context: loaded.context)
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
    static func titleText(_ e: AgendaEntry, from: CivilDate) -> String {
        var text = e.title
        if let edition = e.edition { text = "\(edition) " + text }
        if e.isWindow {
            let range = "\(e.start.description.dropFirst(5))..\(e.end.description.dropFirst(5))"
            text += e.start < from ? "（进行中，\(range)）" : "（\(range)）"
        }
        return text
    }

    static func days(
        entries: [AgendaEntry], from: CivilDate, to: CivilDate, work: WorkCalendar, lunar: Bool
    ) -> [AgendaCommand.Day] {
        var byDay: [CivilDate: [AgendaEntry]] = [:]
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
