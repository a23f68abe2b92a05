import AlmanacCalendar
import ArgumentParser
import Foundation

/// `almanacctl convert DATE`: a Gregorian date to the lunar calendar, or a lunar date back; a range
/// of days (`FROM..TO`) or one date per line of standard input (`-`) in one process.
struct ConvertCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert",
        abstract: "Convert a Gregorian date to the Chinese lunar calendar, or a lunar date to Gregorian.",
        discussion: """
            DATE is a Gregorian date YYYY-MM-DD (or 'today'), or a lunar date written
            农历YYYY-MM-DD or lunar:YYYY-MM-DD; a leap month takes L or 闰 before its number:
            农历2025-闰06-01, lunar:2025-L06-01. The year is the lunar year (named by the Gregorian
            year of its 正月初一). Times are Beijing time (GB/T 33661-2017). 1800-01-01 to
            2200-12-31 are supported.

            FROM..TO converts every day of a range (either end may be lunar), one line per day;
            '-' reads one date per line from standard input. With --json those print JSON lines
            (one object per line). See docs/cli.md.
            """
    )

    @Argument(help: "YYYY-MM-DD, 'today', 农历YYYY-MM-DD, lunar:YYYY-[L]MM-DD, FROM..TO, or - for standard input.")
    var date: String
    @OptionGroup var output: OutputOptions

    /// What a date argument of `convert` may be.
    static let accepted = "YYYY-MM-DD (such as 2026-05-01), 'today', or a lunar date 农历YYYY-MM-DD / lunar:YYYY-MM-DD"

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
            if date == "-" { return try convertLines(calendar: calendar) }
            if let range = try ConvertCommand.range(date, calendar: calendar) {
                return try convertRange(range, calendar: calendar)
            }
            let (gregorian, direction) = try ConvertCommand.resolve(date, calendar: calendar)
            let report = try ConvertCommand.report(for: gregorian, input: date, direction: direction, calendar: calendar)
            if output.json {
                try JSONOutput.print(report)
            } else {
                Console.print(ConvertCommand.text(report, english: output.english))
            }
        }
    }

    /// `FROM..TO`: every day, one line each (a JSON line with --json).
    func convertRange(_ range: ClosedRange<CivilDate>, calendar: ChineseCalendar) throws {
        var out = LineOutput(json: output.json, english: output.english)
        for day in range {
            out.emit(try ConvertCommand.report(for: day, input: day.description, direction: "gregorian-to-lunar", calendar: calendar))
        }
        out.flush()
    }

    /// `-`: one date per line of standard input; blank lines and `#` comments are skipped. A line
    /// that is not a date is reported with its number and the others are still converted; the
    /// exit status is then 1.
    func convertLines(calendar: ChineseCalendar) throws {
        var out = LineOutput(json: output.json, english: output.english)
        var failed = 0
        var number = 0
        while let raw = readLine(strippingNewline: true) {
            number += 1
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            do {
                let (gregorian, direction) = try ConvertCommand.resolve(line, calendar: calendar)
                out.emit(try ConvertCommand.report(for: gregorian, input: line, direction: direction, calendar: calendar))
            } catch {
                let failure = error
                failed += 1
                out.flush()
                let message = failure.description.replacingOccurrences(of: "error: ", with: "error: line \(number): ")
                Console.writeError(message + "\n")
                if output.json { out.emitError(input: line, line: number, message: failure.description) }
            }
        }
        out.flush()
        if failed > 0 { throw ExitCode.failure }
    }

    /// `FROM..TO` (each end Gregorian or lunar), or nil when the argument is one date.
    static func range(_ text: String, calendar: ChineseCalendar) throws(CLIFailure) -> ClosedRange<CivilDate>? {
        guard let dots = text.range(of: "..") else { return nil }
        let first = String(text[..<dots.lowerBound]).trimmingCharacters(in: .whitespaces)
        let last = String(text[dots.upperBound...]).trimmingCharacters(in: .whitespaces)
        let from = try resolve(first, calendar: calendar).0
        let to = try resolve(last, calendar: calendar).0
        guard from <= to else { throw .value("the range \(text) ends (\(to)) before it starts (\(from))") }
        return from...to
    }

    /// The Gregorian date the argument names, and whether it was given as a lunar date.
    static func resolve(_ text: String, calendar: ChineseCalendar) throws(CLIFailure) -> (CivilDate, String) {
        if let lunar = try LunarInput.parse(text) {
            do throws(CalendarError) {
                return (try calendar.civilDate(from: lunar), "lunar-to-gregorian")
            } catch {
                throw .calendar(error)
            }
        }
        return (try CLIDate.parse(text, accepted: accepted), "gregorian-to-lunar")
    }

    static func report(for date: CivilDate, input: String, direction: String, calendar: ChineseCalendar) throws(CLIFailure) -> Report {
        do throws(CalendarError) {
            let lunar = try calendar.lunarDate(from: date)
            let length = try calendar.length(ofMonth: lunar.month, leap: lunar.isLeapMonth, lunarYear: lunar.year)
            let term = try calendar.solarTerm(on: date)
            var moment: BeijingTime?
            if let term { moment = try calendar.moment(of: term, year: date.year) }
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
            throw .calendar(error)
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

/// Many reports, one line each: a table row for people, a JSON line with --json. Written in
/// blocks, because a year of days is printed at once.
struct LineOutput {
    var json: Bool
    var english: Bool
    var buffer = ""
    let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    init(json: Bool, english: Bool) {
        self.json = json
        self.english = english
    }

    mutating func emit(_ report: ConvertCommand.Report) {
        if json {
            buffer += String(decoding: (try? encoder.encode(report)) ?? Data(), as: UTF8.self) + "\n"
        } else {
            buffer += ConvertCommand.line(report, english: english) + "\n"
        }
        if buffer.utf8.count > 1 << 16 { flush() }
    }

    /// `{"input", "line", "error": {"message"}}` for a line of standard input that failed.
    mutating func emitError(input: String, line: Int, message: String) {
        struct Failure: Encodable {
            struct Body: Encodable { var message: String }
            var input: String
            var line: Int
            var error: Body
        }
        let text = message.hasPrefix("error: ") ? String(message.dropFirst(7)) : message
        let failure = Failure(input: input, line: line, error: .init(message: text))
        buffer += String(decoding: (try? encoder.encode(failure)) ?? Data(), as: UTF8.self) + "\n"
    }

    mutating func flush() {
        guard !buffer.isEmpty else { return }
        Console.write(buffer)
        buffer = ""
    }
}

extension ConvertCommand {
    /// One day on one line: `2026-09-25  星期五  二〇二六年八月十五  丙午年 丁酉月 壬寅日  马  秋分 08:05:05`.
    static func line(_ r: Report, english: Bool) -> String {
        var cells = [
            r.gregorian.description, CLIDate.weekday(r.gregorian, english: english),
            english ? r.lunar.text : r.lunar.chinese,
            english
                ? "\(r.ganzhi.year) \(r.ganzhi.month) \(r.ganzhi.day)" : "\(r.ganzhi.year)年 \(r.ganzhi.month)月 \(r.ganzhi.day)日",
            r.zodiac,
        ]
        if let t = r.solarTerm {
            cells.append("\(english ? t.englishName : t.name) \(t.moment.dropFirst(11).prefix(8))")
        }
        return cells.joined(separator: "  ")
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
        let malformed = CLIFailure.value(
            "'\(text)' is not a lunar date: expected 农历YYYY-MM-DD or lunar:YYYY-MM-DD, a leap month as 农历2025-闰06-01 or lunar:2025-L06-01")
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
