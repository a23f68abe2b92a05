import AlmanacCalendar
import ArgumentParser
import Foundation

/// JSON shapes of the rule commands (`expand`, `explain`); documented in docs/cli.md.
struct OccurrenceJSON: Codable, Equatable {
    var start: String
    var end: String
    var time: String?
    var days: Int
    var weekday: Int
    var explanation: [String]

    init(_ o: Occurrence) {
        start = o.start.description
        end = o.end.description
        time = o.time?.description
        days = o.start.days(to: o.end) + 1
        weekday = o.start.weekday.rawValue
        explanation = o.explanation
    }

    enum CodingKeys: String, CodingKey { case start, end, time, days, weekday, explanation }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(start, forKey: .start)
        try c.encode(end, forKey: .end)
        try c.encode(time, forKey: .time)  // always present, null for all-day
        try c.encode(days, forKey: .days)
        try c.encode(weekday, forKey: .weekday)
        try c.encode(explanation, forKey: .explanation)
    }
}

struct RuleErrorJSON: Codable {
    struct Body: Codable {
        var code: String
        var message: String
        var column: Int
        var length: Int
    }
    var error: Body
}

enum RuleOutput {
    static func json(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    /// Parses a rule, or prints its error (as JSON with `--json`) and exits with status 1.
    static func parse(_ text: String, json: Bool) throws -> DateRule {
        do {
            return try DateRule.parse(text)
        } catch {
            if json {
                let body = RuleErrorJSON.Body(
                    code: error.code.rawValue, message: error.message, column: error.column, length: error.length)
                Console.print(try Self.json(RuleErrorJSON(error: body)))
            } else {
                Console.writeError("error: \(error.description)\n\(error.pointer(in: text))\n")
            }
            throw ExitCode(1)
        }
    }

    /// A date option or argument; the error names it (`--from: '2026-02-30' does not exist: …`).
    static func date(_ text: String, option: String) throws(CLIFailure) -> CivilDate {
        do throws(CLIFailure) {
            return try CLIDate.parse(text, accepted: "YYYY-MM-DD (such as 2026-05-01)")
        } catch {
            throw CLIFailure(error.description.replacingOccurrences(of: "error: ", with: "error: \(option): "))
        }
    }

    /// `# warning: …` lines for what an expansion could not know or show.
    static func warnings(_ expansion: RuleExpansion, rule: DateRule) -> [String] {
        var lines = expansion.yearsWithoutHolidayTable.map {
            "no official holiday table for \($0), so the rule has no holiday dates that year"
        }
        if !expansion.yearsOutsideChineseCalendar.isEmpty {
            let supported = ChineseCalendar.supportedYears
            lines.append(
                "the rule needs the Chinese calendar, computed for \(supported.lowerBound)–\(supported.upperBound) only: "
                    + "no such date in \(yearSpans(expansion.yearsOutsideChineseCalendar))")
        }
        if expansion.leftOutBeyondSupportedDates {
            lines.append("occurrences before 0001-01-01 or after 9999-12-31 are left out (dates have four-digit years)")
        }
        return lines
    }

    /// `1–200, 2201` for a sorted list of years.
    static func yearSpans(_ years: [Int]) -> String {
        var spans: [String] = []
        var start: Int?
        var last: Int?
        for year in years + [Int.max] {
            if let l = last, year == l + 1 {
                last = year
                continue
            }
            if let s = start, let l = last { spans.append(s == l ? "\(s)" : "\(s)–\(l)") }
            start = year
            last = year
        }
        return spans.joined(separator: ", ")
    }

    /// The year of today in China Standard Time, the default year of `expand`.
    static func currentYear() -> Int {
        ZonedTime.civilDate(of: OfflinePlan.clock.now(), in: ZonedTime.defaultZone).year
    }

    /// `2026-09-25  Fri` / `2026-09-20 .. 2026-10-10  Sun..Sat  21 days` / `2026-01-06  Tue  09:00`.
    static func line(_ o: Occurrence) -> String {
        let wd = { (d: CivilDate) in String(d.weekday.englishName.prefix(3)) }
        var s = o.start.description
        if o.isWindow {
            s += " .. \(o.end)  \(wd(o.start))..\(wd(o.end))  \(o.start.days(to: o.end) + 1) days"
        } else {
            s += "  \(wd(o.start))"
        }
        if let t = o.time { s += "  \(t)" }
        return s
    }

    /// The standard calendars and the holiday tables found by `--holidays` and its defaults.
    static func context(_ source: HolidaySourceOptions) throws -> RuleContext {
        RuleContext(calendar: .standard, festivals: .standard, workCalendar: try source.load().calendar)
    }
}
