import AlmanacCalendar
import AlmanacPlan
import Foundation
import Glibc

/// A plan as the daemon holds it: what was loaded, from which files, when, and what was wrong.
public struct LoadedPlan: Sendable, Hashable {
    /// The plan's title (`plan:` in the file), if it has one.
    public var name: String?
    /// The files read, absolute, in load order.
    public var files: [String]
    /// Number of items the plan defines.
    public var itemCount: Int
    /// Every diagnostic of the load (warnings stay with an accepted plan).
    public var diagnostics: [Diagnostic]
    public var loadedAt: Date
    /// The plan model, when the files could be read as a plan.
    public var plan: Plan?

    public init(name: String?, files: [String], itemCount: Int, diagnostics: [Diagnostic], loadedAt: Date, plan: Plan? = nil) {
        self.name = name
        self.files = files
        self.itemCount = itemCount
        self.diagnostics = diagnostics
        self.loadedAt = loadedAt
        self.plan = plan
    }

    /// Whether the plan can be used: no diagnostic is an error.
    public var isValid: Bool { !diagnostics.contains { $0.severity == .error } }
    /// The errors only.
    public var errors: [Diagnostic] { diagnostics.filter { $0.severity == .error } }
}

/// Loads the plan named by the configuration's `plans` patterns. The daemon's only way to read
/// plans, so that tests and a future loader can be swapped in.
public protocol PlanLoading: Sendable {
    /// Loads and validates the plan files named by `patterns`; date rules are checked against the
    /// holiday tables of the directory `holidays` (the configuration's `holidays` key).
    func load(patterns: [String], holidays: String, at now: Date) -> LoadedPlan
}

/// Expands the configuration's `plans` entries: a file, a directory (its `*.yaml` files) or a
/// glob; results sorted by name within each entry, duplicates dropped.
public enum PlanFiles {
    public static func expand(_ patterns: [String]) -> (files: [String], diagnostics: [Diagnostic]) {
        var files: [String] = []
        var diagnostics: [Diagnostic] = []
        var seen: Set<String> = []
        for pattern in patterns {
            var matches: [String]
            var isDirectory: ObjCBool = false
            if pattern.contains(where: { "*?[".contains($0) }) {
                matches = glob(pattern)
            } else if FileManager.default.fileExists(atPath: pattern, isDirectory: &isDirectory), isDirectory.boolValue {
                matches = glob(pattern + "/*.yaml")
            } else if FileManager.default.fileExists(atPath: pattern) {
                matches = [pattern]
            } else {
                diagnostics.append(Diagnostic(.error, "plan file \(pattern) does not exist", at: nil))
                continue
            }
            matches.sort()
            if matches.isEmpty {
                diagnostics.append(Diagnostic(.warning, "no plan file matches \(pattern)", at: nil))
            }
            for match in matches where seen.insert(match).inserted { files.append(match) }
        }
        if files.isEmpty && diagnostics.allSatisfy({ $0.severity != .error }) {
            diagnostics.append(Diagnostic(.error, "no plan files found (plans: \(patterns.joined(separator: ", ")))", at: nil))
        }
        return (files, diagnostics)
    }

    private static func glob(_ pattern: String) -> [String] {
        var result = glob_t()
        defer { globfree(&result) }
        guard Glibc.glob(pattern, 0, nil, &result) == 0 else { return [] }
        return (0..<Int(result.gl_pathc)).compactMap { index in
            result.gl_pathv[index].map { String(cString: $0) }
        }
    }
}

/// Loads the plan with the plan model's loader (`PlanLoader`: YAML with positions, includes
/// resolved against the including file) and validates it (`PlanValidator`) as
/// `almanacctl validate` does, date rules included (`DateRuleChecker` with the holiday tables),
/// reporting every problem at `file:line:column`. A rule error rejects the plan.
public struct PlanModelLoader: PlanLoading {
    public init() {}

    public func load(patterns: [String], holidays: String, at now: Date) -> LoadedPlan {
        let (files, expandDiagnostics) = PlanFiles.expand(patterns)
        var diagnostics = expandDiagnostics
        var sources: [PlanSource] = []
        for file in files {
            do {
                sources.append(try Self.read(file))
            } catch {
                diagnostics.append(Diagnostic(.error, error.message, at: SourceLocation(file: file, line: 1, column: 1)))
            }
        }
        var plan: Plan?
        if !sources.isEmpty {
            let result = PlanLoader.load(sources, resolve: Self.resolver)
            diagnostics += result.diagnostics
            if let loaded = result.plan {
                let year = Calendar(identifier: .gregorian).component(.year, from: now)
                // Without readable tables the rules are still checked, against plain weekdays;
                // the scheduler reports the unreadable tables when it loads them.
                let tables = try? HolidayDirectory.workCalendar(holidays)
                let work = tables ?? .weekendsOnly
                diagnostics += PlanValidator.validate(
                    loaded,
                    options: ValidationOptions(
                        everyYearCheck: [year, year + 1], hasHolidayTable: Self.tableCheck(tables),
                        rules: DateRuleChecker(context: RuleContext(workCalendar: work))))
                plan = loaded
            }
        }
        return LoadedPlan(
            name: plan?.info.name.value, files: files, itemCount: plan?.items.count ?? 0, diagnostics: diagnostics,
            loadedAt: now, plan: plan)
    }

    /// The holiday-table check of the validator, only when the tables could be read (a missing
    /// directory is reported by the scheduler, not as a warning for every year).
    static func tableCheck(_ tables: WorkCalendar?) -> (@Sendable (Int) -> Bool)? {
        guard let tables else { return nil }
        return { year in tables.hasTable(for: year) }
    }

    static func read(_ path: String) throws(IncludeError) -> PlanSource {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw IncludeError("cannot read \(path)") }
        defer { try? handle.close() }
        // One byte past the limit, so the loader can say the file is too large.
        let data = (try? handle.read(upToCount: YAMLLimits.standard.maxBytes + 1)) ?? Data()
        return PlanSource(fileName: path, bytes: [UInt8](data))
    }

    /// Includes resolve against the including file's directory.
    static let resolver: IncludeResolver = { path, includingFile throws(IncludeError) in
        let base = (includingFile as NSString).deletingLastPathComponent
        let full = ((path.hasPrefix("/") ? path : (base as NSString).appendingPathComponent(path)) as NSString).standardizingPath
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory) else {
            throw IncludeError("no such file: \(full)")
        }
        if isDirectory.boolValue { throw IncludeError("\(full) is a directory") }
        return try read(full)
    }
}
