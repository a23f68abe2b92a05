import AlmanacPlan
import Foundation
import Glibc
import Yams

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

    public init(name: String?, files: [String], itemCount: Int, diagnostics: [Diagnostic], loadedAt: Date) {
        self.name = name
        self.files = files
        self.itemCount = itemCount
        self.diagnostics = diagnostics
        self.loadedAt = loadedAt
    }

    /// Whether the plan can be used: no diagnostic is an error.
    public var isValid: Bool { !diagnostics.contains { $0.severity == .error } }
    /// The errors only.
    public var errors: [Diagnostic] { diagnostics.filter { $0.severity == .error } }
}

/// Loads the plan named by the configuration's `plans` patterns. The daemon's only way to read
/// plans, so that tests and a future loader can be swapped in.
public protocol PlanLoading: Sendable {
    func load(patterns: [String], at now: Date) -> LoadedPlan
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

/// The loader used until the full plan model is wired in: reads every file, checks that it is
/// well-formed YAML whose top level is a mapping, that `items` is a list of mappings each with an
/// `id`, that ids are unique across files; reports problems at file:line:column.
public struct YAMLPlanLoader: PlanLoading {
    public init() {}

    public func load(patterns: [String], at now: Date) -> LoadedPlan {
        let (files, expandDiagnostics) = PlanFiles.expand(patterns)
        var diagnostics = expandDiagnostics
        var name: String?
        var itemCount = 0
        var ids: [String: SourceLocation] = [:]
        for file in files {
            guard let data = FileManager.default.contents(atPath: file) else {
                diagnostics.append(Diagnostic(.error, "cannot read \(file)", at: SourceLocation(file: file, line: 1, column: 1)))
                continue
            }
            guard let text = String(data: data, encoding: .utf8) else {
                diagnostics.append(Diagnostic(.error, "not UTF-8 text", at: SourceLocation(file: file, line: 1, column: 1)))
                continue
            }
            let root: Node?
            do {
                root = try Yams.compose(yaml: text)
            } catch let error as YamlError {
                diagnostics.append(Self.diagnostic(error, file: file))
                continue
            } catch {
                diagnostics.append(Diagnostic(.error, "invalid YAML: \(error)", at: SourceLocation(file: file, line: 1, column: 1)))
                continue
            }
            guard let root else { continue }
            guard case .mapping(let mapping) = root else {
                diagnostics.append(Diagnostic(.error, "a plan file must be a mapping (plan:, items:, ...)", at: Self.location(root, file)))
                continue
            }
            if let title = mapping["plan"]?.string, name == nil { name = title }
            guard let items = mapping["items"] else { continue }
            guard case .sequence(let sequence) = items else {
                diagnostics.append(Diagnostic(.error, "'items' must be a list", at: Self.location(items, file)))
                continue
            }
            for item in sequence {
                guard case .mapping(let fields) = item else {
                    diagnostics.append(Diagnostic(.error, "an item must be a mapping", at: Self.location(item, file)))
                    continue
                }
                guard let idNode = fields["id"], let id = idNode.string, !id.isEmpty else {
                    diagnostics.append(Diagnostic(.error, "item without 'id'", at: Self.location(item, file)))
                    continue
                }
                let here = Self.location(idNode, file)
                if let first = ids[id] {
                    diagnostics.append(Diagnostic(.error, "duplicate item id '\(id)'", at: here, hint: "first defined at \(first)"))
                    continue
                }
                ids[id] = here
                itemCount += 1
            }
        }
        return LoadedPlan(name: name, files: files, itemCount: itemCount, diagnostics: diagnostics, loadedAt: now)
    }

    static func location(_ node: Node, _ file: String) -> SourceLocation {
        SourceLocation(file: file, line: node.mark?.line ?? 1, column: node.mark?.column ?? 1)
    }

    static func diagnostic(_ error: YamlError, file: String) -> Diagnostic {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _), .composer(_, let problem, let mark, _):
            return Diagnostic(.error, "invalid YAML: \(problem)", at: SourceLocation(file: file, line: mark.line, column: mark.column))
        default:
            return Diagnostic(.error, "invalid YAML: \(error)", at: SourceLocation(file: file, line: 1, column: 1))
        }
    }
}
