import AlmanacCalendar
import AlmanacPlan
import ArgumentParser
import Foundation

/// Options shared by the commands that read a plan from files (offline, without the daemon).
struct PlanFileOptions: ParsableArguments {
    @Option(name: .long, help: "A plan file or a directory of *.yaml plan files (repeatable).")
    var plan: [String] = []

    @Option(
        name: .long,
        help: "Directory of official holiday tables (default: $ALMANAC_HOLIDAYS, ../holidays next to the plan, /usr/share/almanac/holidays).")
    var holidays: String?
}

/// File access for the pure plan loader: reads files, expands directories, resolves includes.
enum PlanFiles {
    /// Reads the files named on the command line; a directory stands for its `*.yaml` files in name order.
    static func sources(for paths: [String]) throws -> [PlanSource] {
        var result: [PlanSource] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw ValidationError("no such file or directory: \(path)")
            }
            if isDirectory.boolValue {
                let names = try FileManager.default.contentsOfDirectory(atPath: path)
                    .filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted()
                for name in names { result.append(try read(path: (path as NSString).appendingPathComponent(name))) }
            } else {
                result.append(try read(path: path))
            }
        }
        return result
    }

    static func read(path: String) throws -> PlanSource {
        let normalized = (path as NSString).standardizingPath
        guard let handle = FileHandle(forReadingAtPath: normalized) else {
            throw ValidationError("cannot read \(path)")
        }
        defer { try? handle.close() }
        // Read one byte past the limit so the loader can say the file is too large.
        let data = (try? handle.read(upToCount: YAMLLimits.standard.maxBytes + 1)) ?? Data()
        return PlanSource(fileName: displayName(normalized), bytes: [UInt8](data))
    }

    /// Paths relative to the working directory stay relative in messages, as a compiler prints them.
    static func displayName(_ path: String) -> String {
        let cwd = FileManager.default.currentDirectoryPath
        if path.hasPrefix(cwd + "/") { return String(path.dropFirst(cwd.count + 1)) }
        return path
    }

    /// Includes resolve against the including file's directory.
    static let resolver: IncludeResolver = { path, includingFile throws(IncludeError) in
        let base = (includingFile as NSString).deletingLastPathComponent
        let full = path.hasPrefix("/") ? path : (base as NSString).appendingPathComponent(path)
        let normalized = (full as NSString).standardizingPath
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: normalized, isDirectory: &isDirectory) else {
            throw IncludeError("no such file: \(displayName(normalized))")
        }
        if isDirectory.boolValue { throw IncludeError("\(displayName(normalized)) is a directory") }
        do {
            return try read(path: normalized)
        } catch {
            throw IncludeError("\(error)")
        }
    }

    /// Loads the plan named by the options.
    static func load(_ paths: [String]) throws -> PlanLoadResult {
        PlanLoader.load(try sources(for: paths), resolve: resolver)
    }

    /// The holiday directory: the option, `$ALMANAC_HOLIDAYS`, `../holidays` next to the plan, or the installed one.
    static func holidayDirectory(option: String?, planPaths: [String]) -> String? {
        if let option { return option }
        if let env = ProcessInfo.processInfo.environment["ALMANAC_HOLIDAYS"], !env.isEmpty { return env }
        for path in planPaths {
            var isDirectory: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
            let dir = isDirectory.boolValue ? path : (path as NSString).deletingLastPathComponent
            let candidate = ((dir as NSString).appendingPathComponent("../holidays") as NSString).standardizingPath
            if FileManager.default.fileExists(atPath: candidate) { return candidate }
        }
        let installed = "/usr/share/almanac/holidays"
        return FileManager.default.fileExists(atPath: installed) ? installed : nil
    }

    /// The official working-day calendar for a plan's holiday setting (`cn` or `none`).
    static func workCalendar(holidays: String, directory: String?) throws -> WorkCalendar {
        guard holidays == "cn", let directory else { return .weekendsOnly }
        let dir = (directory as NSString).appendingPathComponent("cn")
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? [])
            .filter { $0.hasSuffix(".txt") }.sorted()
        var tables: [HolidayTable] = []
        for name in names {
            let path = (dir as NSString).appendingPathComponent(name)
            let bytes = [UInt8](FileManager.default.contents(atPath: path) ?? Data())
            do {
                tables.append(try HolidayTable.parse(bytes: bytes, fileName: path))
            } catch {
                throw ValidationError("\(error)")
            }
        }
        do {
            return try WorkCalendar(tables: tables)
        } catch {
            throw ValidationError("\(error)")
        }
    }
}

/// Terminal text helpers for the offline plan views: widths as ``DisplayWidth`` counts them
/// (Chinese characters take two columns), the one measure every almanacctl table uses.
enum TerminalText {
    /// Columns `text` takes in a terminal.
    static func width(_ text: String) -> Int { DisplayWidth.of(text) }

    /// `text` padded with spaces to `columns` terminal columns.
    static func pad(_ text: String, to columns: Int) -> String { DisplayWidth.padded(text, to: columns) }
}

/// Writes an Encodable as pretty JSON on standard output.
func printJSON<T: Encodable>(_ value: T) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    let data = try encoder.encode(value)
    print(String(decoding: data, as: UTF8.self))
}
