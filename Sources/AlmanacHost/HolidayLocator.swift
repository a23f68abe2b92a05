import AlmanacCalendar
import AlmanacPlan
import Foundation

/// Finds and reads the official holiday tables (docs/holidays.md, "Where the tables are found").
///
/// One search order for almanacd, `almanacd --check` and every almanacctl command:
/// 1. the directory given explicitly: `--holidays DIR`, or `holidays:` in almanac.yaml;
/// 2. `$ALMANAC_HOLIDAYS`;
/// 3. beside the plan: `holidays/` in the plan's directory or in its parent
///    (`config/plans/x.yaml` → `config/holidays`);
/// 4. installed: `share/almanac/holidays` under the prefix of the running program
///    (`/usr/local/bin/almanacctl` → `/usr/local/share/almanac/holidays`), then
///    `/usr/local/share/almanac/holidays` and `/usr/share/almanac/holidays`;
/// 5. `config/holidays` of the source checkout the program was built in (development builds).
///
/// A directory holds the tables as `cn/YYYY.txt` (or `YYYY.txt` directly).
public struct HolidayLocator: Sendable {
    /// The directory given explicitly, and where it was given (`--holidays`, `config`).
    public var explicit: (directory: String, origin: String)?
    /// The environment (for `ALMANAC_HOLIDAYS`).
    public var environment: [String: String]
    /// The running program's path (`argv[0]` or `/proc/self/exe`), for steps 4 and 5.
    public var executable: String?

    public init(explicit: (directory: String, origin: String)? = nil, environment: [String: String], executable: String? = nil) {
        self.explicit = explicit
        self.environment = environment
        self.executable = executable ?? Self.runningExecutable()
    }

    /// The path of the running program.
    public static func runningExecutable() -> String? {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments.first
    }

    /// Every candidate directory in search order, with its origin.
    public func candidates(planPaths: [String]) -> [(directory: String, origin: String)] {
        if let explicit { return [explicit] }
        var result: [(String, String)] = []
        if let env = environment["ALMANAC_HOLIDAYS"], !env.isEmpty { result.append((env, "$ALMANAC_HOLIDAYS")) }
        for path in planPaths {
            let directory: String
            switch HostFiles.entry(path) {
            case .directory: directory = path
            default: directory = (path as NSString).deletingLastPathComponent
            }
            let base = directory.isEmpty ? "." : directory
            result.append(((base as NSString).appendingPathComponent("holidays"), "beside the plan"))
            result.append(
                (((base as NSString).appendingPathComponent("../holidays") as NSString).standardizingPath, "beside the plan"))
        }
        if let executable {
            let bin = (executable as NSString).deletingLastPathComponent
            let prefix = (bin as NSString).deletingLastPathComponent
            result.append(((prefix as NSString).appendingPathComponent("share/almanac/holidays"), "installed"))
        }
        result.append(("/usr/local/share/almanac/holidays", "installed"))
        result.append(("/usr/share/almanac/holidays", "installed"))
        if let checkout = checkoutDirectory() { result.append((checkout, "checkout")) }
        var seen = Set<String>()
        return result.filter { seen.insert(($0.0 as NSString).standardizingPath).inserted }
    }

    /// `config/holidays` of the source checkout when the program runs from its build directory.
    func checkoutDirectory() -> String? {
        guard let executable else { return nil }
        var directory = (executable as NSString).deletingLastPathComponent
        for _ in 0..<8 {
            let candidate = (directory as NSString).appendingPathComponent("config/holidays")
            if case .file = HostFiles.entry((directory as NSString).appendingPathComponent("Package.swift")),
                case .directory = HostFiles.entry(candidate)
            {
                return candidate
            }
            let parent = (directory as NSString).deletingLastPathComponent
            if parent == directory { break }
            directory = parent
        }
        return nil
    }

    /// The tables found for a plan read from `planPaths`, and where they came from. The first
    /// candidate that exists is used (an explicit one is used whether or not it exists, so a
    /// typo is reported instead of silently falling back). A table with errors is reported with
    /// its `file:line`. `parsed`: tables parsed before and the ``HolidayTablesLoad/digest`` of
    /// the files they came from (the plan cache's), used instead of parsing the files again when
    /// the files read now have that digest.
    public func load(planPaths: [String], parsed: (digest: [UInt8], tables: [HolidayTable])? = nil) -> HolidayTablesLoad {
        let candidates = candidates(planPaths: planPaths)
        for (index, candidate) in candidates.enumerated() {
            let isExplicit = explicit != nil && index == 0
            guard isExplicit || HostFiles.entry(candidate.directory) == .directory else { continue }
            return Self.read(candidate.directory, origin: candidate.origin, parsed: parsed)
        }
        return HolidayTablesLoad(
            calendar: .weekendsOnly, info: HolidaySourceInfo(directory: nil, origin: "none", searched: candidates.map(\.directory)),
            diagnostics: [])
    }

    /// Reads every `*.txt` table of `directory/cn`, or of `directory` itself when it has no `cn`;
    /// with `parsed` as in ``load(planPaths:parsed:)``.
    public static func read(
        _ given: String, origin: String, parsed: (digest: [UInt8], tables: [HolidayTable])? = nil
    ) -> HolidayTablesLoad {
        // Messages and status name the directory absolutely, wherever the command ran.
        let directory = given.hasPrefix("/")
            ? given
            : ((FileManager.default.currentDirectoryPath as NSString).appendingPathComponent(given) as NSString).standardizingPath
        var region = (directory as NSString).appendingPathComponent("cn")
        if HostFiles.entry(region) != .directory { region = directory }
        guard HostFiles.entry(region) == .directory, let names = HostFiles.list(region) else {
            return HolidayTablesLoad(
                calendar: .weekendsOnly, info: HolidaySourceInfo(directory: nil, origin: origin, searched: [directory]),
                diagnostics: [
                    Diagnostic(
                        .warning,
                        "holiday directory \(directory) (from \(origin)) does not exist or cannot be read: working days are counted as plain Monday to Friday")
                ])
        }
        var files: [(name: String, bytes: [UInt8])] = []
        var diagnostics: [Diagnostic] = []
        for name in names where name.hasSuffix(".txt") && !name.hasPrefix(".") {
            let path = (region as NSString).appendingPathComponent(name)
            do {
                files.append((path, try HostFiles.read(path, limit: 1 << 20)))
            } catch {
                diagnostics.append(Diagnostic(.error, "holiday table \(error)", at: SourceLocation(file: path, line: 1, column: 1)))
            }
        }
        var contents = PlanBinaryWriter()
        for file in files {
            contents.string(file.name)
            contents.raw(ContentHash.hash(file.bytes))
        }
        let digest = ContentHash.hash(contents.bytes)
        // The same names and contents give the same tables: only the calendar is built again.
        if let parsed, parsed.digest == digest, diagnostics.isEmpty, let calendar = try? WorkCalendar(tables: parsed.tables) {
            return HolidayTablesLoad(
                calendar: calendar, info: HolidaySourceInfo(directory: region, origin: origin), diagnostics: [], digest: digest)
        }
        do {
            let calendar = try HolidayTables.workCalendar(files: files)
            return HolidayTablesLoad(
                calendar: calendar, info: HolidaySourceInfo(directory: region, origin: origin), diagnostics: diagnostics,
                digest: digest)
        } catch {
            diagnostics.append(Diagnostic(.error, "holiday table: \(error)"))
            return HolidayTablesLoad(
                calendar: .weekendsOnly, info: HolidaySourceInfo(directory: region, origin: origin), diagnostics: diagnostics,
                digest: digest)
        }
    }
}

/// The holiday tables read for a plan.
public struct HolidayTablesLoad: Sendable {
    public var calendar: WorkCalendar
    public var info: HolidaySourceInfo
    /// Unreadable directories and tables with errors.
    public var diagnostics: [Diagnostic]
    /// ``ContentHash`` over the names and contents of the tables read (empty when none were read).
    public var digest: [UInt8]

    public init(calendar: WorkCalendar, info: HolidaySourceInfo, diagnostics: [Diagnostic], digest: [UInt8] = []) {
        self.calendar = calendar
        self.info = info
        self.diagnostics = diagnostics
        self.digest = digest
    }

    /// Table file per year.
    public var files: [Int: String] {
        var result: [Int: String] = [:]
        for (year, table) in calendar.tables { result[year] = table.fileName }
        return result
    }

    /// A sentence for a year that has no table.
    public func missingTableNotice(_ year: Int, english: Bool) -> String {
        let place = info.directory ?? "(no holiday directory found)"
        return english
            ? "No official holiday table for \(year) in \(place): working days of \(year) are assumed to be Monday to Friday."
            : "\(year)年没有官方放假安排表（\(place) 中无 \(year).txt），该年工作日按周一至周五计算。"
    }
}
