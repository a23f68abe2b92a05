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

/// An error that prints its text and exits with status 1.
struct CLIFailure: Error, CustomStringConvertible {
    var description: String
    init(_ text: String) { description = text }
}

/// `--json` and `--english`.
struct OutputOptions: ParsableArguments {
    @Flag(name: .long, help: "Print JSON (fields in docs/cli.md).")
    var json = false

    @Flag(name: .long, help: "Human output in English instead of Chinese.")
    var english = false
}

enum CLIDate {
    /// Parses `YYYY-MM-DD` or `today` (local time).
    static func parse(_ text: String) throws -> CivilDate {
        if text == "today" || text == "今天" { return today() }
        guard let date = CivilDate(iso: text) else {
            throw ValidationError("'\(text)' is not a date: expected YYYY-MM-DD (e.g. 2026-05-01) or 'today'")
        }
        return date
    }

    /// Today in the local time zone (`$ALMANAC_NOW` pins the instant).
    static func today() -> CivilDate {
        ZonedTime.civilDate(of: OfflinePlan.clock.now(), in: .current)
    }

    /// A year argument, or the current year.
    static func year(_ value: Int?) throws -> Int {
        guard let value else { return today().year }
        guard (1...9999).contains(value) else { throw ValidationError("year \(value) is out of range (1...9999)") }
        return value
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
        Swift.print(String(decoding: data, as: UTF8.self))
    }
}

/// Runs a command body, turning `CLIFailure` into a message on stderr and exit status 1.
func runReportingFailures(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let failure as CLIFailure {
        FileHandle.standardError.write(Data((failure.description + "\n").utf8))
        throw ExitCode.failure
    }
}
