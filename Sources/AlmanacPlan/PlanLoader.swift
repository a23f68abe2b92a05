import Foundation

/// The bytes of one plan file and the name diagnostics use for it.
public struct PlanSource: Sendable, Hashable {
    public var fileName: String
    public var bytes: [UInt8]

    public init(fileName: String, bytes: [UInt8]) {
        self.fileName = fileName
        self.bytes = bytes
    }

    public init(fileName: String, text: String) {
        self.init(fileName: fileName, bytes: Array(text.utf8))
    }
}

/// Why an include could not be read; the loader reports it at the `include:` entry.
public struct IncludeError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Finds an included file: given the text written after `include:` and the including file's name,
/// returns the file (its `fileName` must be canonical, so the same file always has the same name).
public typealias IncludeResolver = @Sendable (_ path: String, _ includingFile: String) throws(IncludeError) -> PlanSource

/// A loaded plan and everything found wrong while loading it.
public struct PlanLoadResult: Sendable {
    /// The plan, nil when no file defined the `plan:` metadata or a file could not be read at all.
    public var plan: Plan?
    public var diagnostics: [Diagnostic]

    /// True when some diagnostic is an error.
    public var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }
}

/// Reads plan files into one `Plan`. Pure: bytes come in, files are found through the resolver.
public enum PlanLoader {
    /// Deepest chain of includes followed.
    public static let maxIncludeDepth = 8
    /// Most files one plan may consist of.
    public static let maxFiles = 256

    /// Loads and merges `sources` (a file, or every file of a `plans.d` directory in name order),
    /// following their `include:` entries through `resolve`.
    /// - Parameter keepingTrees: The YAML trees read are left to the end of the process
    ///   (``ProcessLifetime``) instead of freed once decoded: for a command that exits right after
    ///   its output, never for the daemon. Freeing the trees of the 10,000-item plan is some 50 M
    ///   instructions, 7 % of its cold year's agenda (docs/benchmarks.md, twenty-second part).
    public static func load(
        _ sources: [PlanSource], limits: YAMLLimits = .standard, resolve: IncludeResolver? = nil, keepingTrees: Bool = false
    ) -> PlanLoadResult {
        var log = DiagnosticLog()
        var fragments: [PlanFragment] = []
        var seen: Set<String> = []
        for source in sources {
            loadFile(
                source, chain: [], limits: limits, resolve: resolve, keepingTrees: keepingTrees, seen: &seen,
                fragments: &fragments, log: &log)
        }
        var plan = merge(fragments, firstFile: sources.first?.fileName ?? "<none>", log: &log)
        if plan != nil { importChecklistSources(&plan!, resolve: resolve, log: &log) }
        return PlanLoadResult(plan: plan, diagnostics: log.diagnostics)
    }

    /// Reads the CSV file each checklist names in `source:` (relative to the file that names it)
    /// and hangs its rows into the checklist. A file with any error contributes no indicators.
    static func importChecklistSources(_ plan: inout Plan, resolve: IncludeResolver?, log: inout DiagnosticLog) {
        for index in plan.checklists.indices {
            guard let source = plan.checklists[index].source else { continue }
            guard let resolve else {
                log.error("cannot read checklist source '\(source.value)': no file access here", at: source.location)
                continue
            }
            let file: PlanSource
            do {
                file = try resolve(source.value, source.location?.file ?? plan.files.first ?? "")
            } catch {
                log.error("cannot read checklist source '\(source.value)': \(error.message)", at: source.location)
                continue
            }
            let result = ChecklistCSV.importChecklist(
                file.bytes, fileName: file.fileName, into: plan.checklists[index], units: plan.units, validate: false)
            log.diagnostics += result.diagnostics
            if let checklist = result.checklist {
                plan.checklists[index] = checklist
            } else {
                log.error(
                    "checklist '\(plan.checklists[index].id.value)': nothing imported from '\(source.value)' because of the errors above",
                    at: source.location)
            }
        }
    }

    /// Loads a single file given as text (for tests and tools).
    public static func load(fileName: String, text: String, resolve: IncludeResolver? = nil) -> PlanLoadResult {
        load([PlanSource(fileName: fileName, text: text)], resolve: resolve)
    }

    private static func loadFile(
        _ source: PlanSource, chain: [String], limits: YAMLLimits, resolve: IncludeResolver?, keepingTrees: Bool,
        seen: inout Set<String>, fragments: inout [PlanFragment], log: inout DiagnosticLog
    ) {
        guard !seen.contains(source.fileName) else { return }
        seen.insert(source.fileName)
        if seen.count > maxFiles {
            log.error("plan consists of more than \(maxFiles) files", at: SourceLocation(file: source.fileName, line: 1, column: 1))
            return
        }
        let tree: YAMLTree?
        switch YAMLReader.read(fileName: source.fileName, bytes: source.bytes, limits: limits) {
        case .failure(let diagnostic):
            log.diagnostics.append(diagnostic)
            return
        case .success(let t): tree = t
        }
        let fragment = PlanDecoder.fragment(tree, fileName: source.fileName, log: &log)
        if keepingTrees, let tree { ProcessLifetime.keepUntilExit(tree) }
        fragments.append(fragment)
        let newChain = chain + [source.fileName]
        for include in fragment.includes {
            guard let resolve else {
                log.error("cannot follow include '\(include.value)': no file access here", at: include.location)
                continue
            }
            if newChain.count >= maxIncludeDepth {
                log.error(
                    "includes nested deeper than \(maxIncludeDepth) files (\(newChain.joined(separator: " → ")))",
                    at: include.location)
                continue
            }
            let included: PlanSource
            do {
                included = try resolve(include.value, source.fileName)
            } catch {
                log.error("cannot include '\(include.value)': \(error.message)", at: include.location)
                continue
            }
            if newChain.contains(included.fileName) {
                log.error(
                    "include cycle: \((newChain + [included.fileName]).joined(separator: " → "))", at: include.location)
                continue
            }
            if seen.contains(included.fileName) {
                log.warning("'\(included.fileName)' is already part of the plan; included again here", at: include.location)
                continue
            }
            loadFile(
                included, chain: newChain, limits: limits, resolve: resolve, keepingTrees: keepingTrees, seen: &seen,
                fragments: &fragments, log: &log)
        }
    }

    private static func merge(_ fragments: [PlanFragment], firstFile: String, log: inout DiagnosticLog) -> Plan? {
        var info: PlanInfo?
        var infoLocation: SourceLocation?
        var defaults: [ItemKind: ReminderPolicy] = [:]
        var defaultForAll: ReminderPolicy?
        var defaultLocations: [String: SourceLocation?] = [:]
        var units: [PlanUnit] = []
        var items: [PlanItem] = []
        var checklists: [Checklist] = []
        var overrides: [YearOverride] = []
        for fragment in fragments {
            if let fragmentInfo = fragment.info {
                if let infoLocation {
                    log.error(
                        "plan metadata given a second time (first at \(infoLocation))", at: fragment.infoLocation)
                } else {
                    info = fragmentInfo
                    infoLocation = fragment.infoLocation
                }
            }
            for (kind, policy) in fragment.defaults {
                if let earlier = defaultLocations[kind.value] {
                    log.error(
                        "reminder defaults for '\(kind.value)' given a second time"
                            + (earlier.map { " (first at \($0))" } ?? ""), at: kind.location)
                    continue
                }
                defaultLocations[kind.value] = kind.location
                if kind.value == "all" {
                    defaultForAll = policy
                } else if let k = ItemKind(rawValue: kind.value) {
                    defaults[k] = policy
                }
            }
            units += fragment.units
            if items.isEmpty { items = fragment.items } else { items += fragment.items }
            checklists += fragment.checklists
            for o in fragment.overrides {
                if let index = overrides.firstIndex(where: { $0.year.value == o.year.value }) {
                    overrides[index].items += o.items
                    overrides[index].skip += o.skip
                } else {
                    overrides.append(o)
                }
            }
        }
        guard let info else {
            if !fragments.isEmpty {
                log.error(
                    "no file defines the plan metadata ('plan:' with id, name and years)",
                    at: SourceLocation(file: firstFile, line: 1, column: 1))
            }
            return nil
        }
        return Plan(
            info: info, defaults: defaults, defaultForAll: defaultForAll, units: units, items: items,
            checklists: checklists, overrides: overrides, files: fragments.map(\.fileName))
    }
}

extension Plan {
    /// The plan as it stands in `year`: the year's overrides applied (fields replaced, items added,
    /// skipped items removed). Problems in the overrides are returned as diagnostics.
    public func resolved(for year: Int) -> (plan: Plan, diagnostics: [Diagnostic]) {
        var log = DiagnosticLog()
        var result = self
        for o in overrides where o.year.value == year {
            for patch in o.items {
                if let index = result.items.firstIndex(where: { $0.id.value == patch.id.value }) {
                    let base = PlanEmitter.item(result.items[index])
                    let merged = YAMLTree.overlay(base, with: patch.fields)
                    if let item = PlanDecoder.item(merged, log: &log) {
                        result.items[index] = Self.keepLocations(item, from: result.items[index])
                    }
                } else if let item = PlanDecoder.item(patch.fields, log: &log) {
                    result.items.append(item)
                }
            }
            for id in o.skip {
                if result.items.contains(where: { $0.id.value == id.value }) {
                    result.items.removeAll { $0.id.value == id.value }
                } else {
                    log.error("override skips unknown item '\(id.value)'", at: id.location)
                }
            }
        }
        return (result, log.diagnostics)
    }

    /// Fields the patch did not touch came from the emitter without positions; take them back
    /// from the original item.
    static func keepLocations(_ item: PlanItem, from original: PlanItem) -> PlanItem {
        var item = item
        func keep<T: Equatable>(_ path: WritableKeyPath<PlanItem, T>) {
            if item[keyPath: path] == original[keyPath: path] { item[keyPath: path] = original[keyPath: path] }
        }
        keep(\.id)
        keep(\.kind)
        keep(\.title)
        keep(\.description)
        keep(\.when)
        keep(\.time)
        keep(\.owners)
        keep(\.participants)
        keep(\.remind)
        keep(\.phases)
        keep(\.edition)
        keep(\.tags)
        keep(\.quota)
        keep(\.dependsOn)
        keep(\.checklist)
        keep(\.dateSource)
        keep(\.sourceQuote)
        item.location = original.location
        return item
    }
}

extension YAMLTree {
    /// `base` with the keys of `patch` replacing (or added to) its keys.
    static func overlay(_ base: YAMLTree, with patch: YAMLTree) -> YAMLTree {
        guard case .mapping(var pairs, let at) = base, case .mapping(let patchPairs, _) = patch else { return patch }
        for pair in patchPairs {
            if let index = pairs.firstIndex(where: { $0.key.text == pair.key.text }) {
                pairs[index] = pair
            } else {
                pairs.append(pair)
            }
        }
        return .mapping(pairs, at: at)
    }
}
