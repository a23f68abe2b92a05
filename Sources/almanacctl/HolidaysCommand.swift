import AlmanacCalendar
import AlmanacHost
import ArgumentParser

/// `almanacctl holidays [YEAR]`: a year's official days off and make-up working days.
struct HolidaysCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "holidays",
        abstract: "Show a year's official days off and make-up working days (调休), with the notice.",
        discussion: "Exits with status 3 when the year has no holiday table."
    )

    @Argument(help: "The year (default: this year).")
    var year: NumberArgument?

    @Flag(name: .long, help: "List the years that have a table instead.")
    var years = false

    /// The JSON shape of `--years`.
    struct YearsReport: Encodable {
        var directory: String?
        var origin: String
        var years: [Int]
    }

    @OptionGroup var source: HolidaySourceOptions
    @OptionGroup var output: OutputOptions

    /// The JSON shape; documented in docs/cli.md.
    struct Report: Encodable {
        struct Notice: Encodable {
            var documentNumber: String
            var issued: CivilDate
            var title: String
        }
        struct Break: Encodable {
            var name: String
            var englishName: String
            var holidays: [String]
            var start: CivilDate
            var end: CivilDate
            var days: Int
            var daysOff: [CivilDate]
            var makeupWorkdays: [CivilDate]
            var periodStart: CivilDate
            var periodEnd: CivilDate
        }
        var year: Int
        var hasTable: Bool
        var file: String?
        var notices: [Notice]
        var breaks: [Break]
        var message: String?
    }

    func run() throws {
        try runReportingFailures {
            let loaded = try source.load()
            if years {
                let report = YearsReport(directory: loaded.info.directory, origin: loaded.info.origin, years: loaded.calendar.years)
                if output.json {
                    try JSONOutput.print(report)
                } else {
                    Console.print(HolidaysCommand.renderYears(report, english: output.english))
                }
                return
            }
            let year = try CLIDate.year(year)
            let report = HolidaysCommand.report(year: year, loaded: loaded, english: output.english)
            if output.json {
                try JSONOutput.print(report)
            } else {
                Console.print(HolidaysCommand.render(report, english: output.english))
            }
            if !report.hasTable { throw ExitCode(3) }
        }
    }

    static func report(year: Int, loaded: HolidayTablesLoad, english: Bool) -> Report {
        let calendar = loaded.calendar
        guard let table = calendar.tables[year] else {
            return Report(
                year: year, hasTable: false, file: nil, notices: [], breaks: [],
                message: loaded.missingTableNotice(year, english: english))
        }
        let breaks = table.breaks.map { item in
            let period = calendar.holidayPeriod(named: item.holidays[0].id, year: year) ?? item.start...item.end
            return Report.Break(
                name: item.name, englishName: item.englishName, holidays: item.holidays.map(\.id), start: item.start,
                end: item.end, days: item.daysOff.count, daysOff: item.daysOff, makeupWorkdays: item.makeupWorkdays,
                periodStart: period.lowerBound, periodEnd: period.upperBound)
        }
        return Report(
            year: year, hasTable: true, file: loaded.files[year],
            notices: table.notices.map { .init(documentNumber: $0.documentNumber, issued: $0.issued, title: $0.title) },
            breaks: breaks, message: nil)
    }

    /// Runs of consecutive days: [05, 06, 07, 09] → [05...07, 09...09].
    static func segments(_ days: [CivilDate]) -> [ClosedRange<CivilDate>] {
        var result: [ClosedRange<CivilDate>] = []
        for d in days.sorted() {
            if let last = result.last, last.upperBound.adding(days: 1) == d {
                result[result.count - 1] = last.lowerBound...d
            } else {
                result.append(d...d)
            }
        }
        return result
    }

    static func renderYears(_ report: YearsReport, english: Bool) -> String {
        let place = report.directory ?? (english ? "(no holiday directory found)" : "（未找到放假安排目录）")
        guard let first = report.years.first, let last = report.years.last else {
            return english ? "No holiday tables in \(place)." : "\(place) 中没有放假安排表。"
        }
        let contiguous = last - first + 1 == report.years.count
        let list = contiguous ? "\(first)–\(last)" : report.years.map(String.init).joined(separator: ", ")
        return english
            ? "Holiday tables for \(list) (\(report.years.count) years) in \(place)"
            : "放假安排表：\(list)年（共 \(report.years.count) 年），目录 \(place)"
    }

    static func render(_ report: Report, english: Bool) -> String {
        guard report.hasTable else { return report.message ?? "" }
        var lines: [String] = []
        lines.append(english ? "Official holidays \(report.year)" : "\(report.year)年放假调休安排")
        for notice in report.notices {
            lines.append(
                english
                    ? "  \(notice.title) (\(notice.documentNumber), \(notice.issued))"
                    : "  \(notice.title)（\(notice.documentNumber)，\(notice.issued)）")
        }
        lines.append("")
        var table = TextTable()
        table.add(
            english
                ? ["Holiday", "Days off", "Days", "Make-up working days"]
                : ["节日", "放假", "天数", "调休上班"])
        for item in report.breaks {
            let off = HolidaysCommand.segments(item.daysOff).map { segment in
                segment.lowerBound == segment.upperBound
                    ? CLIDate.short(segment.lowerBound, english: english)
                    : "\(CLIDate.short(segment.lowerBound, english: english)) – \(CLIDate.short(segment.upperBound, english: english))"
            }.joined(separator: english ? ", " : "、")
            let work = item.makeupWorkdays.map { CLIDate.short($0, english: english) }
                .joined(separator: english ? ", " : "、")
            table.add(english ? item.englishName : item.name, off, "\(item.days)", work.isEmpty ? "–" : work)
        }
        lines.append(table.render())
        let total = report.breaks.reduce(0) { $0 + $1.days }
        let makeup = report.breaks.reduce(0) { $0 + $1.makeupWorkdays.count }
        lines.append("")
        lines.append(
            english
                ? "\(total) days off, \(makeup) weekend days worked. Source: \(report.file ?? "")"
                : "共放假 \(total) 天，调休上班 \(makeup) 天。数据：\(report.file ?? "")")
        return lines.joined(separator: "\n")
    }
}
