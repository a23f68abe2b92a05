import AlmanacPlan
import Foundation
import Glibc

/// Why a file could not be read, in words for a diagnostic.
public struct FileReadError: Error, Sendable, Hashable, CustomStringConvertible {
    public var path: String
    public var detail: String

    public init(path: String, detail: String) {
        self.path = path
        self.detail = detail
    }

    public var description: String { "\(path): \(detail)" }
}

/// Reads the files almanac is given: plan files, included files, checklist CSVs, holiday tables.
///
/// Only regular files are read. A FIFO, socket, device or directory named as a file is refused
/// at once with a diagnostic, and opening never blocks (`O_NONBLOCK`, then `fstat` on the open
/// descriptor, so a file swapped between the check and the open is still caught).
public enum HostFiles {
    /// Reads at most `limit` bytes of the regular file at `path` (one more, when the file is
    /// larger, so the caller can say it is too large).
    public static func read(_ path: String, limit: Int) throws(FileReadError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY)
        guard fd >= 0 else { throw FileReadError(path: path, detail: String(cString: strerror(errno))) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw FileReadError(path: path, detail: String(cString: strerror(errno))) }
        if let kind = irregularKind(info.st_mode) {
            throw FileReadError(path: path, detail: "is \(kind), not a regular file")
        }
        // Read until the end, or one byte past the limit (the file may grow after fstat).
        var bytes: [UInt8] = []
        bytes.reserveCapacity(min(Int(info.st_size), limit) + 1)
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while bytes.count <= limit {
            let want = min(chunk.count, limit + 1 - bytes.count)
            let n = chunk.withUnsafeMutableBytes { raw in Glibc.read(fd, raw.baseAddress!, want) }
            if n < 0 {
                if errno == EINTR { continue }
                throw FileReadError(path: path, detail: String(cString: strerror(errno)))
            }
            if n == 0 { break }
            bytes.append(contentsOf: chunk[0..<n])
        }
        return bytes
    }

    /// `a FIFO`, `a directory`, ... for anything that is not a regular file; `nil` for one.
    static func irregularKind(_ mode: mode_t) -> String? {
        switch mode & S_IFMT {
        case S_IFREG: nil
        case S_IFDIR: "a directory"
        case S_IFIFO: "a FIFO"
        case S_IFSOCK: "a socket"
        case S_IFCHR: "a character device"
        case S_IFBLK: "a block device"
        case S_IFLNK: "a symbolic link"
        default: "not a regular file"
        }
    }

    /// What is at `path`: a regular file, a directory, something else, or nothing. Never blocks.
    public enum Entry: Sendable, Hashable {
        case file
        case directory
        case other(String)
        case missing(String)
    }

    public static func entry(_ path: String) -> Entry {
        var info = stat()
        guard stat(path, &info) == 0 else { return .missing(String(cString: strerror(errno))) }
        switch info.st_mode & S_IFMT {
        case S_IFREG: return .file
        case S_IFDIR: return .directory
        default: return .other(irregularKind(info.st_mode) ?? "not a regular file")
        }
    }

    /// The names in a directory, sorted; `nil` when it cannot be listed.
    public static func list(_ directory: String) -> [String]? {
        (try? FileManager.default.contentsOfDirectory(atPath: directory))?.sorted()
    }

    /// Paths matching a shell glob, sorted.
    public static func glob(_ pattern: String) -> [String] {
        var result = glob_t()
        defer { globfree(&result) }
        guard Glibc.glob(pattern, 0, nil, &result) == 0 else { return [] }
        return (0..<Int(result.gl_pathc)).compactMap { index in
            result.gl_pathv[index].map { String(cString: $0) }
        }.sorted()
    }
}

/// The plan files named by paths or patterns: a file, a directory (its `*.yaml` and `*.yml`
/// files in name order) or a glob; duplicates dropped. Names in diagnostics stay as given when
/// relative to `workingDirectory`, as a compiler prints them.
public struct PlanFileSet: Sendable {
    /// The files, in load order (canonical paths).
    public var files: [String]
    /// Problems with the patterns (no such file, a FIFO named as a plan, nothing matched).
    public var diagnostics: [Diagnostic]

    /// Expands `patterns`.
    public init(_ patterns: [String]) {
        var files: [String] = []
        var diagnostics: [Diagnostic] = []
        var seen: Set<String> = []
        func add(_ path: String) {
            let canonical = (path as NSString).standardizingPath
            if seen.insert(canonical).inserted { files.append(canonical) }
        }
        func isPlanFile(_ name: String) -> Bool { name.hasSuffix(".yaml") || name.hasSuffix(".yml") }
        for pattern in patterns {
            if pattern.contains(where: { "*?[".contains($0) }) {
                let matches = HostFiles.glob(pattern)
                if matches.isEmpty { diagnostics.append(Diagnostic(.warning, "no plan file matches \(pattern)", at: nil)) }
                for match in matches {
                    switch HostFiles.entry(match) {
                    case .file: add(match)
                    case .directory: continue
                    case .other(let kind):
                        diagnostics.append(Diagnostic(.error, "plan file \(match) is \(kind), not a regular file", at: nil))
                    case .missing: continue
                    }
                }
                continue
            }
            switch HostFiles.entry(pattern) {
            case .file:
                add(pattern)
            case .directory:
                var found = false
                for name in HostFiles.list(pattern) ?? [] where isPlanFile(name) && !name.hasPrefix(".") {
                    let path = (pattern as NSString).appendingPathComponent(name)
                    switch HostFiles.entry(path) {
                    case .file:
                        add(path)
                        found = true
                    case .other(let kind):
                        diagnostics.append(Diagnostic(.error, "plan file \(path) is \(kind), not a regular file", at: nil))
                    case .directory, .missing: continue
                    }
                }
                if !found { diagnostics.append(Diagnostic(.warning, "no plan file (*.yaml) in \(pattern)", at: nil)) }
            case .other(let kind):
                diagnostics.append(Diagnostic(.error, "plan file \(pattern) is \(kind), not a regular file", at: nil))
            case .missing(let reason):
                diagnostics.append(Diagnostic(.error, "plan file \(pattern): \(reason)", at: nil))
            }
        }
        if files.isEmpty && !diagnostics.contains(where: { $0.severity == .error }) {
            diagnostics.append(Diagnostic(.error, "no plan files found (plans: \(patterns.joined(separator: ", ")))", at: nil))
        }
        self.files = files
        self.diagnostics = diagnostics
    }
}

/// Reads plan files for the pure loader, with names as diagnostics show them.
public struct PlanFileReader: Sendable {
    /// Paths under this directory are shown relative to it (the working directory of a command).
    public var workingDirectory: String?

    public init(workingDirectory: String? = nil) {
        self.workingDirectory = workingDirectory
    }

    /// The name diagnostics use for a canonical path.
    public func displayName(_ path: String) -> String {
        if let cwd = workingDirectory, path.hasPrefix(cwd + "/") { return String(path.dropFirst(cwd.count + 1)) }
        return path
    }

    /// The canonical path of a display name.
    public func canonicalPath(_ name: String) -> String {
        if name.hasPrefix("/") { return name }
        guard let cwd = workingDirectory else { return name }
        return ((cwd as NSString).appendingPathComponent(name) as NSString).standardizingPath
    }

    /// Reads one plan file (at most the loader's size limit, plus one byte).
    public func source(_ path: String) throws(IncludeError) -> PlanSource {
        let canonical = (path as NSString).standardizingPath
        do {
            let bytes = try HostFiles.read(canonical, limit: YAMLLimits.standard.maxBytes)
            return PlanSource(fileName: displayName(canonical), bytes: bytes)
        } catch {
            throw IncludeError("cannot read \(displayName(canonical)): \(error.detail)")
        }
    }

    /// Includes and checklist sources resolve against the including file's directory.
    public var resolver: IncludeResolver {
        let reader = self
        return { path, includingFile throws(IncludeError) in
            let base = (reader.canonicalPath(includingFile) as NSString).deletingLastPathComponent
            let full = ((path.hasPrefix("/") ? path : (base as NSString).appendingPathComponent(path)) as NSString).standardizingPath
            switch HostFiles.entry(full) {
            case .file: return try reader.source(full)
            case .directory: throw IncludeError("\(reader.displayName(full)) is a directory, not a regular file")
            case .other(let kind): throw IncludeError("\(reader.displayName(full)) is \(kind), not a regular file")
            case .missing: throw IncludeError("no such file: \(reader.displayName(full))")
            }
        }
    }
}
