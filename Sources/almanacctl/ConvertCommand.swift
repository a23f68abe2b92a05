import AlmanacCalendar
import ArgumentParser

/// `almanacctl convert DATE`: a Gregorian date to the lunar calendar, or a lunar date back.
struct ConvertCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert",
        abstract: "Convert a Gregorian date to the Chinese lunar calendar, or a lunar date to Gregorian.",
        discussion: """
            DATE is a Gregorian date YYYY-MM-DD (or 'today'), or a lunar date written
            农历YYYY-MM-DD or lunar:YYYY-MM-DD; a leap month takes L or 闰 before its number:
            农历2025-闰06-01, lunar:2025-L06-01. The year is the lunar year (named by the Gregorian
            year of its 正月初一). Times are Beijing time (GB/T 33661-2017). See docs/cli.md.
            """
    )

    @Argument(help: "YYYY-MM-DD, 'today', 农历YYYY-MM-DD or lunar:YYYY-[L]MM-DD.") var date: String
    @OptionGroup var output: OutputOptions

    /// The JSON answer (fields in docs/cli.md).
    struct Report: Encodable {
        struct Lunar: Encodable {
            var year: Int
            var month: Int
            var day: Int
            var leap: Bool
            var text: String
            var chinese: String
            var monthLength: Int
            var leapMonthOfYear: Int?
        }
        struct Pillars: Encodable {
            var year: String
            var month: String
            var day: String
        }
        struct Term: Encodable {
            var id: String
            var name: String
            var englishName: String
            var moment: String
        }
        var input: String
        var direction: String
        var gregorian: CivilDate
        var weekday: Int
        var lunar: Lunar
        var ganzhi: Pillars
        var zodiac: String
        var solarTerm: Term?
    }

    func run() throws {
        try runReportingFailures {
            let calendar = ChineseCalendar.standard
            let (gregorian, direction) = try ConvertCommand.resolve(date, calendar: calendar)
            let report = try ConvertCommand.report(for: gregorian, input: date, direction: direction, calendar: calendar)
            if output.json {
                try JSONOutput.print(report)
            } else {
                print(ConvertCommand.text(report, english: output.english))
            }
        }
    }

    /// The Gregorian date the argument names, and whether it was given as a lunar date.
    static func resolve(_ text: String, calendar: ChineseCalendar) throws -> (CivilDate, String) {
        if let lunar = try LunarInput.parse(text) {
            do {
                return (try calendar.civilDate(from: lunar), "lunar-to-gregorian")
            } catch {
                throw CLIFailure("error: \(error.message)")
            }
        }
        return (try CLIDate.parse(text), "gregorian-to-lunar")
    }

    static func report(for date: CivilDate, input: String, direction: String, calendar: ChineseCalendar) throws -> Report {
        do {
            let lunar = try calendar.lunarDate(from: date)
            let length = try calendar.length(ofMonth: lunar.month, leap: lunar.isLeapMonth, lunarYear: lunar.year)
            let term = try calendar.solarTerm(on: date)
            let moment = try term.map { try calendar.moment(of: $0, year: date.year) }
            return Report(
                input: input, direction: direction, gregorian: date, weekday: date.weekday.rawValue,
                lunar: .init(
                    year: lunar.year, month: lunar.month, day: lunar.day, leap: lunar.isLeapMonth,
                    text: lunar.description, chinese: lunar.chineseDescription, monthLength: length,
                    leapMonthOfYear: try calendar.leapMonth(ofLunarYear: lunar.year)),
                ganzhi: .init(
                    year: try calendar.yearGanZhi(of: date).chineseName,
                    month: try calendar.monthGanZhi(of: date).chineseName,
                    day: calendar.dayGanZhi(of: date).chineseName),
                zodiac: try calendar.zodiac(of: date),
                solarTerm: term.flatMap { t in
                    moment.map { Report.Term(id: t.identifier, name: t.chineseName, englishName: t.englishName, moment: $0.iso8601) }
                })
        } catch {
            throw CLIFailure("error: \((error as? CalendarError)?.message ?? "\(error)")")
        }
    }

    static func text(_ r: Report, english: Bool) -> String {
        let date = r.gregorian
        if english {
            var lines = [
                "Gregorian  \(date)  \(CLIDate.weekday(date, english: true))",
                "Lunar      \(r.lunar.text)  (\(r.lunar.chinese); month of \(r.lunar.monthLength) days)",
                "GanZhi     year \(r.ganzhi.year), month \(r.ganzhi.month), day \(r.ganzhi.day); zodiac \(r.zodiac)",
            ]
            if let t = r.solarTerm { lines.append("Solar term \(t.englishName) (\(t.name)) at \(t.moment)") }
            return lines.joined(separator: "\n")
        }
        let monthName = LunarDate.chineseMonth(r.lunar.month, leap: r.lunar.leap)
        var lines = [
            "公历  \(date)  \(CLIDate.weekday(date, english: false))",
            "农历  \(r.lunar.chinese)（\(monthName)\(r.lunar.monthLength == 30 ? "大" : "小")）",
            "干支  \(r.ganzhi.year)年 \(r.ganzhi.month)月 \(r.ganzhi.day)日",
            "生肖  \(r.zodiac)",
        ]
        if let t = r.solarTerm {
            lines.append("节气  \(t.name)（北京时间 \(t.moment.dropLast(6).replacingOccurrences(of: "T", with: " "))）")
        }
        return lines.joined(separator: "\n")
    }
}

/// The written forms of a lunar date on the command line.
enum LunarInput {
    /// `农历YYYY-MM-DD`, `农历YYYY-闰MM-DD`, `lunar:YYYY-MM-DD`, `lunar:YYYY-LMM-DD`; nil when the
    /// text has neither prefix (a Gregorian date); an error when it has one but is malformed.
    static func parse(_ text: String) throws(CLIFailure) -> LunarDate? {
        let body: Substring
        if text.hasPrefix("农历") {
            body = text.dropFirst(2)
        } else if text.lowercased().hasPrefix("lunar:") {
            body = text.dropFirst(6)
        } else {
            return nil
        }
        let parts = body.split(separator: "-", omittingEmptySubsequences: false)
        let malformed = CLIFailure(
            "error: '\(text)' is not a lunar date: expected 农历YYYY-MM-DD or lunar:YYYY-MM-DD, a leap month as 农历2025-闰06-01 or lunar:2025-L06-01")
        guard parts.count == 3 else { throw malformed }
        var monthText = parts[1]
        var leap = false
        if monthText.hasPrefix("闰") || monthText.hasPrefix("L") || monthText.hasPrefix("l") {
            leap = true
            monthText = monthText.dropFirst()
        }
        func number(_ s: Substring) -> Int? {
            guard !s.isEmpty, s.count <= 6, s.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
            return Int(s)
        }
        guard let year = number(parts[0]), let month = number(monthText), let day = number(parts[2]) else {
            throw malformed
        }
        return LunarDate(year: year, month: month, day: day, isLeapMonth: leap)
    }
}
