import AlmanacCalendar
import ArgumentParser

/// `almanacctl festivals [YEAR]`: every festival, solar term and observed day of a year.
struct FestivalsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "festivals",
        abstract: "List a year's festivals, solar terms and observed days with weekday and lunar date."
    )

    @Argument(help: "The year, 1800...2200 (default: this year).")
    var year: NumberArgument?

    @Option(
        name: .long,
        help: "Only this category: traditional, solar-term, national, observance.")
    var category: String?

    @Option(name: .long, help: "Only this festival (name, alias or id, e.g. 中秋); may be repeated.")
    var name: [String] = []

    @OptionGroup var output: OutputOptions

    /// The JSON shape; documented in docs/cli.md.
    struct Report: Encodable {
        struct Entry: Encodable {
            struct AnniversaryInfo: Encodable {
                var years: Int
                var text: String
                var chineseText: String
            }
            var id: String
            var name: String
            var englishName: String
            var category: String
            var date: CivilDate
            var weekday: Int
            var lunarDate: String?
            var lunarText: String?
            var rule: String
            var anniversary: AnniversaryInfo?
        }
        var year: Int
        var festivals: [Entry]
    }

    func run() throws {
        try runReportingFailures {
            let year = try CLIDate.year(year, in: CLIRange.chinese)
            let catalog = FestivalCatalog.standard
            var wanted: Festival.Category?
            if let category {
                guard let c = Festival.Category(rawValue: category), c != .custom else {
                    let known = Festival.Category.allCases.filter { $0 != .custom }.map(\.rawValue)
                    throw CLIFailure.value(
                        "unknown category '\(category)': expected one of \(known.joined(separator: ", "))")
                }
                wanted = c
            }
            var ids: Set<String>?
            if !name.isEmpty {
                var found = Set<String>()
                for n in name {
                    guard let f = catalog.festival(named: n) else {
                        throw CLIFailure.value(
                            "no festival named '\(n)'",
                            hint: catalog.suggestion(for: n).map { "did you mean '\($0)'? ('almanacctl festivals' lists them all)" }
                                ?? "'almanacctl festivals' lists every festival and solar term")
                    }
                    found.insert(f.id)
                }
                ids = found
            }
            let entries = catalog.festivals(in: year)
                .filter { wanted == nil || $0.0.category == wanted }
                .filter { ids == nil || ids?.contains($0.0.id) == true }
                .map { FestivalsCommand.entry($0.0, $0.1, year: year, catalog: catalog) }
            let report = Report(year: year, festivals: entries)
            if output.json {
                try JSONOutput.print(report)
            } else {
                Console.print(FestivalsCommand.render(report, english: output.english))
            }
        }
    }

    static func entry(_ festival: Festival, _ date: CivilDate, year: Int, catalog: FestivalCatalog) -> Report.Entry {
        let lunar = try? catalog.calendar.lunarDate(from: date)
        let anniversary = festival.anniversary(in: year).map {
            Report.Entry.AnniversaryInfo(years: $0.years, text: $0.text, chineseText: $0.chineseText)
        }
        return Report.Entry(
            id: festival.id, name: festival.chineseName, englishName: festival.englishName,
            category: festival.category.rawValue, date: date, weekday: date.weekday.rawValue,
            lunarDate: lunar?.description, lunarText: lunar?.chineseMonthDay, rule: festival.ruleDescription,
            anniversary: anniversary)
    }

    static func render(_ report: Report, english: Bool) -> String {
        var table = TextTable()
        table.add(english ? ["Date", "Weekday", "Lunar", "Festival", "Rule"] : ["日期", "星期", "农历", "名称", "规则"])
        for e in report.festivals {
            var note = e.rule
            if let a = e.anniversary {
                if e.id == "teachers-day" {
                    note += english ? ", the \(a.years + 1)th" : "，第\(a.years + 1)个"
                } else {
                    note += english ? ", \(a.years) years" : "，\(a.text)"
                }
            }
            table.add(
                e.date.description, CLIDate.weekday(e.date, english: english), e.lunarText ?? "",
                english ? e.englishName : e.name, note)
        }
        let title = english ? "Festivals \(report.year) (\(report.festivals.count))" : "\(report.year)年节日、节气与纪念日（共 \(report.festivals.count) 个）"
        return title + "\n\n" + table.render()
    }
}
