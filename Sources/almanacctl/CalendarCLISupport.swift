import AlmanacCalendar
import ArgumentParser
import Foundation

/// `--holidays DIR` and `--json`, shared by the offline calendar commands.
struct HolidaySourceOptions: ParsableArguments {
    @Option(
        name: .customLong("holidays"),
        help: ArgumentHelp(
            "Directory of holiday tables (holds cn/YYYY.txt).",
            discussion:
                "Default: $ALMANAC_HOLIDAYS, else /usr/share/almanac/holidays, else config/holidays of the checkout the binary was built in.",
            valueName: "DIR"))
    var directory: String?

    /// Where the tables are read from, and why that directory.
    func resolve() -> (directory: String?, origin: String) {
        if let directory { return (directory, "--holidays") }
        if let env = ProcessInfo.processInfo.environment["ALMANAC_HOLIDAYS"], !env.isEmpty {
            return (env, "$ALMANAC_HOLIDAYS")
        }
        let installed = "/usr/share/almanac/holidays"
        if FileManager.default.fileExists(atPath: installed) { return (installed, "installed") }
        if let checkout = HolidaySourceOptions.checkoutDirectory() { return (checkout, "checkout") }
        return (nil, "none")
    }

    /// `config/holidays` of the source checkout when the binary runs from its `.build` directory.
    static func checkoutDirectory() -> String? {
        let executable = URL(fileURLWithPath: CommandLine.arguments.first ?? "").resolvingSymlinksInPath()
        var dir = executable.deletingLastPathComponent()
        for _ in 0..<8 {
            let candidate = dir.appendingPathComponent("config/holidays")
            if FileManager.default.fileExists(atPath: dir.appendingPathComponent("Package.swift").path),
                FileManager.default.fileExists(atPath: candidate.path)
            {
                return candidate.path
            }
            dir = dir.deletingLastPathComponent()
        }
        return nil
    }

    /// Reads every table of the directory (region `cn`). A missing directory gives a calendar with no
    /// tables; a table with errors stops the command with every error listed.
    func load() throws -> LoadedHolidays {
        let (directory, origin) = resolve()
        guard let directory else { return LoadedHolidays(calendar: .weekendsOnly, directory: nil, origin: origin, files: [:]) }
        var regionDir = URL(fileURLWithPath: directory).appendingPathComponent("cn")
        var isDir: ObjCBool = false
        if !FileManager.default.fileExists(atPath: regionDir.path, isDirectory: &isDir) || !isDir.boolValue {
            regionDir = URL(fileURLWithPath: directory)
        }
        guard FileManager.default.fileExists(atPath: regionDir.path, isDirectory: &isDir), isDir.boolValue else {
            throw ValidationError("holiday directory \(directory) (from \(origin)) does not exist")
        }
        let names = try FileManager.default.contentsOfDirectory(atPath: regionDir.path)
            .filter { $0.hasSuffix(".txt") }.sorted()
        var files: [(name: String, bytes: [UInt8])] = []
        var paths: [Int: String] = [:]
        for name in names {
            let path = regionDir.appendingPathComponent(name).path
            guard let data = FileManager.default.contents(atPath: path) else {
                throw ValidationError("cannot read \(path)")
            }
            files.append((path, [UInt8](data)))
        }
        do {
            let calendar = try HolidayTables.workCalendar(files: files)
            for (year, table) in calendar.tables { paths[year] = table.fileName }
            return LoadedHolidays(calendar: calendar, directory: regionDir.path, origin: origin, files: paths)
        } catch {
            throw CLIFailure(error.description)
        }
    }
}

/// The work calendar a command uses and where its tables came from.
struct LoadedHolidays {
    var calendar: WorkCalendar
    var directory: String?
    var origin: String
    /// Table file per year.
    var files: [Int: String]

    /// A sentence for a year that has no table.
    func missingTableNotice(_ year: Int, english: Bool) -> String {
        let place = directory ?? "(no holiday directory found)"
        return english
            ? "No official holiday table for \(year) in \(place): working days of \(year) are assumed to be Monday to Friday."
            : "\(year)年没有官方放假安排表（\(place) 中无 \(year).txt），该年工作日按周一至周五计算。"
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

    static func today() -> CivilDate {
        let calendar = Calendar(identifier: .gregorian)
        let c = calendar.dateComponents([.year, .month, .day], from: HumanTime.fixedNow(ProcessInfo.processInfo.environment) ?? Date())
        return CivilDate(year: c.year ?? 1970, month: c.month ?? 1, day: c.day ?? 1) ?? CivilDate(dayNumber: 0)
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
