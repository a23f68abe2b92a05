import AlmanacCalendar
import AlmanacHost
import ArgumentParser
import Foundation

/// `--holidays DIR` and `--json`, shared by the offline calendar commands.
struct HolidaySourceOptions: ParsableArguments {
    @Option(
        name: .customLong("holidays"),
        help: ArgumentHelp(
            "Directory of holiday tables (holds cn/YYYY.txt).",
            discussion:
                "Default: $ALMANAC_HOLIDAYS, else the installed tables (share/almanac/holidays beside the program, /usr/share/almanac/holidays), else config/holidays of the checkout the binary was built in (docs/holidays.md).",
            valueName: "DIR"))
    var directory: String?

    /// Reads every table of the directory the search order finds (docs/holidays.md): `--holidays`,
    /// `$ALMANAC_HOLIDAYS`, the installed tables, the checkout's. None found gives a calendar with
    /// no tables; a directory given that does not exist, or a table with errors, stops the command
    /// with every error listed.
    func load() throws -> HolidayTablesLoad {
        let found = OfflinePlan.locator(directory).load(planPaths: [])
        let errors = found.diagnostics.filter { $0.severity == .error }
        if !errors.isEmpty { throw CLIFailure(errors.map(\.description).joined(separator: "\n")) }
        return found
    }
}

/// A value given on the command line that is not accepted, or input that cannot be used (a
/// broken holiday table): its text on standard error and exit status 1 (docs/cli.md, "Errors and
/// exit status"). Usage errors (an unknown option, a missing argument, options that do not go
/// together) are ArgumentParser's `ValidationError` thrown from `validate()`, exit status 64.
struct CLIFailure: Error, CustomStringConvertible {
    /// The whole text printed, `error: …` lines (and `hint: …`).
    var description: String
    init(_ text: String) { description = text }

    /// `error: MESSAGE`, then `hint: HINT` when there is one.
    static func value(_ message: String, hint: String? = nil) -> CLIFailure {
        CLIFailure("error: \(message)" + (hint.map { "\nhint: \($0)" } ?? ""))
    }

    /// An error of the calendar engine; a year out of range says what the range is for.
    static func calendar(_ error: CalendarError) -> CLIFailure {
        error.code == .outOfRange
            ? value(error.message, hint: CLIRange.chineseCalendarHint) : value(error.message)
    }
}

/// The ranges almanacctl accepts, with one wording for every command: `year 1799 is outside the
/// supported range 1800–2200`.
enum CLIRange {
    /// The Chinese calendar (convert, terms, festivals, lunar and festival rules).
    static let chinese = ChineseCalendar.supportedYears
    /// Gregorian dates everywhere else (0001-01-01 … 9999-12-31).
    static let gregorian = CivilDate.supportedYears

    static let chineseCalendarHint =
        "lunar dates, festivals and solar terms are computed for these years only (docs/chinese-calendar.md)"

    static func message(_ what: String, _ range: ClosedRange<Int>) -> String {
        "\(what) is outside the supported range \(range.lowerBound)–\(range.upperBound)"
    }

    /// `year` when it lies in `range`, else the range error.
    static func check(year: Int, in range: ClosedRange<Int>) throws(CLIFailure) -> Int {
        guard range.contains(year) else {
            throw .value(message("year \(year)", range), hint: range == chinese ? chineseCalendarHint : nil)
        }
        return year
    }

    /// `date` when it lies in 0001-01-01 … 9999-12-31; `what` names it in the error (`the result`).
    static func check(_ date: CivilDate, what: String) throws(CLIFailure) -> CivilDate {
        guard CivilDate.supportedRange.contains(date) else {
            let edge = date.year < 1 ? "before 0001-01-01" : "after 9999-12-31"
            throw .value("\(what) would be \(edge): " + message("year \(date.year)", gregorian))
        }
        return date
    }
}

/// A number on the command line, read in `run()`: ArgumentParser would refuse `abc` as a usage
/// error (64), but a bad value exits 1 like every other (docs/cli.md).
struct NumberArgument: ExpressibleByArgument, Sendable {
    var text: String
    init?(argument: String) { text = argument }

    /// The whole number written, or an error that says what `what` (`a year`) expects.
    func value(_ what: String, example: String) throws(CLIFailure) -> Int {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let digits = trimmed.hasPrefix("-") || trimmed.hasPrefix("+") ? trimmed.dropFirst() : Substring(trimmed)
        guard !digits.isEmpty, digits.count <= 9, digits.allSatisfy({ $0.isASCII && $0.isNumber }), let n = Int(trimmed)
        else {
            throw .value("'\(text)' is not \(what): expected a whole number such as \(example)")
        }
        return n
    }

    /// A year in `range`.
    func year(in range: ClosedRange<Int>) throws(CLIFailure) -> Int {
        try CLIRange.check(year: value("a year", example: "2026"), in: range)
    }
}

/// `--json` and `--english`.
struct OutputOptions: ParsableArguments {
    @Flag(name: .long, help: "Print JSON (fields in docs/cli.md).")
    var json = false

    @Flag(name: .long, help: "Human output in English instead of Chinese.")
    var english = false
}

enum CLIDate {
    /// What a date argument may be.
    static let accepted = "YYYY-MM-DD (such as 2026-05-01) or 'today'"

    /// Parses `YYYY-MM-DD` or `today` (local time); the error names what is wrong and, for a
    /// near miss (`2026-5-1`, `2026/05/01`, `2026-02-30`), the date meant.
    static func parse(_ text: String) throws(CLIFailure) -> CivilDate {
        try parse(text, accepted: accepted)
    }

    /// ``parse(_:)`` with `accepted` saying what the command takes (in the error).
    static func parse(_ text: String, accepted: String) throws(CLIFailure) -> CivilDate {
        if text == "today" || text == "今天" { return today() }
        if let date = CivilDate(iso: text), CLIRange.gregorian.contains(date.year) { return date }
        throw problem(text, accepted: accepted)
    }

    /// Why `text` is not a date.
    static func problem(_ text: String, accepted: String) -> CLIFailure {
        if text.trimmingCharacters(in: .whitespaces).isEmpty {
            return .value("the date is empty: expected \(accepted)")
        }
        // Numbers separated by -, /, . or 年月日: a date written another way, or one that does not exist.
        let parts = text.split(whereSeparator: { "-/.年月日 ".contains($0) }).map(String.init)
        if parts.count == 3, parts.allSatisfy({ !$0.isEmpty && $0.count <= 5 && $0.allSatisfy { $0.isASCII && $0.isNumber } }),
            let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2])
        {
            guard CLIRange.gregorian.contains(y) else {
                return .value(CLIRange.message("year \(y)", CLIRange.gregorian) + " ('\(text)')")
            }
            let written = String(format: "%04d-%02d-%02d", y, m, d)
            guard (1...12).contains(m) else {
                return .value("'\(text)' is not a date: there is no month \(m) (months are 01 to 12)")
            }
            let length = CivilDate.daysIn(month: m, year: y)
            guard (1...length).contains(d) else {
                let month = CivilDate(year: y, month: m, day: 1).map { monthName($0) } ?? "the month"
                return .value(
                    "'\(text)' does not exist: \(month) \(y) has \(length) days",
                    hint: String(format: "the last day of the month is %04d-%02d-%02d", y, m, length))
            }
            return .value("'\(text)' is not written YYYY-MM-DD", hint: "did you mean \(written)?")
        }
        return .value("'\(text)' is not a date: expected \(accepted)")
    }

    static func monthName(_ date: CivilDate) -> String {
        ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
         "November", "December"][date.month - 1]
    }

    /// Today in the local time zone (`$ALMANAC_NOW` pins the instant).
    static func today() -> CivilDate {
        ZonedTime.civilDate(of: OfflinePlan.clock.now(), in: .current)
    }

    /// A year argument in `range`, or the current year.
    static func year(_ value: NumberArgument?, in range: ClosedRange<Int> = CLIRange.gregorian) throws(CLIFailure) -> Int {
        guard let value else { return try CLIRange.check(year: today().year, in: range) }
        return try value.year(in: range)
    }

    /// `MM-DD 周四` or `MM-DD Thu`.
    static func short(_ d: CivilDate, english: Bool) -> String {
        let md = String(d.description.dropFirst(5))
        return english ? "\(md) \(d.weekday.abbreviation.capitalized)" : "\(md) \(d.weekday.chineseShortName)"
    }

    static func weekday(_ d: CivilDate, english: Bool) -> String {
        english ? d.weekday.englishName : d.weekday.chineseName
    }
}

/// A month argument, `YYYY-MM`.
enum CLIMonth {
    /// Year and month of `2026-05`; the error says what is wrong (a year out of range, month 13).
    static func parse(_ text: String) throws(CLIFailure) -> (year: Int, month: Int) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, parts.allSatisfy({ !$0.isEmpty && $0.count <= 5 && $0.allSatisfy { $0.isASCII && $0.isNumber } }),
            let y = Int(parts[0]), let m = Int(parts[1])
        else {
            throw .value("'\(text)' is not a month: expected YYYY-MM (such as 2026-05)")
        }
        guard CLIRange.gregorian.contains(y) else { throw .value(CLIRange.message("year \(y)", CLIRange.gregorian)) }
        guard (1...12).contains(m) else { throw .value("'\(text)' is not a month: months are 01 to 12") }
        guard parts[0].count == 4, parts[1].count == 2 else {
            throw .value(
                "'\(text)' is not written YYYY-MM", hint: "did you mean \(String(format: "%04d-%02d", y, m))?")
        }
        return (y, m)
    }
}

/// Columns aligned by display width (a Chinese character is two columns wide).
struct TextTable {
    var rows: [[String]] = []

    mutating func add(_ cells: String...) { rows.append(cells) }
    mutating func add(_ cells: [String]) { rows.append(cells) }

    func render() -> String {
        let columns = rows.map(\.count).max() ?? 0
        var widths = [Int](repeating: 0, count: columns)
        for row in rows {
            for (i, cell) in row.enumerated() { widths[i] = max(widths[i], TextTable.width(cell)) }
        }
        return rows.map { row in
            var line = ""
            for (i, cell) in row.enumerated() {
                line += cell
                if i < row.count - 1 { line += String(repeating: " ", count: widths[i] - TextTable.width(cell) + 2) }
            }
            return line
        }.joined(separator: "\n")
    }

    static func width(_ text: String) -> Int {
        DisplayWidth.of(text)
    }
}

enum JSONOutput {
    /// Prints a value as pretty JSON with sorted keys.
    static func print<T: Encodable>(_ value: T) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(value)
        Console.print(String(decoding: data, as: UTF8.self))
    }
}

/// Runs a command body, turning `CLIFailure` into a message on stderr and exit status 1.
func runReportingFailures(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let failure as CLIFailure {
        failure.report()
        throw ExitCode.failure
    }
}

extension CLIFailure {
    /// Writes the text on standard error.
    func report() {
        Console.writeError(description + "\n")
    }
}
