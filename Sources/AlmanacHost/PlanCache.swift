import AlmanacCalendar
import AlmanacPlan
import Foundation
import Glibc
import Synchronization

/// The loaded, validated plan of ``PlanLoading`` kept between runs (docs/cli.md, "The plan
/// cache"), so that a command run again on the same files skips reading the YAML, decoding and
/// validating.
///
/// An entry is found by a key that covers everything the load depends on before it reads the
/// plan: the cache's format, the program (its version and the identity of its executable file),
/// the working directory (diagnostics name files relative to it), where holiday tables are looked
/// for, and the names and contents (``ContentHash``) of the plan files given. The entry then lists
/// what else the load read (each include and checklist file named, with its hash or the reason it
/// could not be read, and the digest of the holiday tables used) and the years validated; a hit
/// reads all of those again and uses the entry only when every one is the same. Entries are
/// written to a temporary file and renamed, the directory is kept under ``maxBytes`` and
/// ``maxEntries`` (oldest first out), and anything wrong with the cache (a damaged, truncated or
/// foreign file, a directory that cannot be written) only means a normal load.
public struct PlanCache: Sendable {
    /// The directory of the entries.
    public var directory: String
    public var maxBytes: Int
    public var maxEntries: Int

    /// Changes whenever the entries' layout or what a load computes before expanding changes.
    public static let formatVersion: UInt64 = 2
    static let magic: [UInt8] = Array("ALMANAC-PLAN-CACHE\n".utf8)

    public init(directory: String, maxBytes: Int = 64 << 20, maxEntries: Int = 32) {
        self.directory = directory
        self.maxBytes = maxBytes
        self.maxEntries = maxEntries
    }

    /// The cache of a user: `$XDG_CACHE_HOME/almanac`, else `~/.cache/almanac`; `nil` when
    /// `ALMANAC_CACHE` is `off` (or `0`, `no`, `false`) or no home is known.
    public static func standard(environment: [String: String]) -> PlanCache? {
        if let setting = environment["ALMANAC_CACHE"]?.lowercased(), ["off", "0", "no", "false"].contains(setting) {
            return nil
        }
        if let xdg = environment["XDG_CACHE_HOME"], xdg.hasPrefix("/") {
            return PlanCache(directory: (xdg as NSString).appendingPathComponent("almanac"))
        }
        if let home = environment["HOME"], home.hasPrefix("/") {
            return PlanCache(directory: ((home as NSString).appendingPathComponent(".cache") as NSString).appendingPathComponent("almanac"))
        }
        return nil
    }

    /// The running program: its version and the device, inode, size and modification time of its
    /// executable, so a rebuilt or reinstalled program never reads an older program's entries.
    public static let buildIdentity: String = {
        var info = stat()
        guard stat("/proc/self/exe", &info) == 0 else { return AlmanacVersion.current }
        return "\(AlmanacVersion.current) \(info.st_dev):\(info.st_ino) \(info.st_size) \(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec)"
    }()

    /// The key of a load of `sources` (the plan files `files` given, read) for `request`.
    static func key(_ request: PlanLoadRequest, files: [String], sources: [PlanSource]) -> [UInt8] {
        var writer = PlanBinaryWriter()
        writer.string("almanac plan cache")
        writer.unsigned(formatVersion)
        writer.string(buildIdentity)
        writer.write(request.reader.workingDirectory)
        let candidates = request.holidays.candidates(planPaths: files)
        writer.unsigned(UInt64(candidates.count))
        for candidate in candidates {
            writer.string(candidate.directory)
            writer.string(candidate.origin)
        }
        writer.write(files)
        writer.unsigned(UInt64(sources.count))
        for source in sources {
            writer.string(source.fileName)
            writer.raw(ContentHash.hash(source.bytes))
        }
        return ContentHash.hash(writer.bytes)
    }

    func path(_ key: [UInt8]) -> String { (directory as NSString).appendingPathComponent(SHA256.hex(key) + ".plan") }

    func expansionPath(_ key: [UInt8]) -> String {
        (directory as NSString).appendingPathComponent(SHA256.hex(key) + ".occurrences")
    }

    /// The key of the expansion over `window` with `limits` of the load whose entry has the
    /// checksum `load` (which covers everything the plan was made from).
    static func expansionKey(load: [UInt8], window: ClosedRange<CivilDate>, limits: ExpansionLimits) -> [UInt8] {
        var writer = PlanBinaryWriter()
        writer.string("almanac plan cache expansion")
        writer.unsigned(formatVersion)
        writer.raw(load)
        writer.write(window.lowerBound)
        writer.write(window.upperBound)
        writer.int(limits.occurrences)
        writer.int(limits.occurrencesPerItem)
        return ContentHash.hash(writer.bytes)
    }

    /// A reader of the payload of the file at `path` and the payload's checksum, when the file
    /// is whole.
    func payload(_ path: String) -> (reader: PlanBinaryReader, checksum: [UInt8])? {
        guard let bytes = try? HostFiles.read(path, limit: maxBytes) else { return nil }
        let header = Self.magic.count + ContentHash.size
        guard bytes.count > header, bytes.count <= maxBytes, bytes[0..<Self.magic.count].elementsEqual(Self.magic) else { return nil }
        let checksum = Array(bytes[Self.magic.count..<header])
        guard ContentHash.hash(bytes[header...]) == checksum else { return nil }
        return (PlanBinaryReader(bytes, offset: header), checksum)
    }

    /// The entry stored under `key` and its checksum, or `nil` (none, or not readable as one).
    func read(_ key: [UInt8]) -> (entry: PlanCacheEntry, checksum: [UInt8])? {
        guard let stored = payload(path(key)) else { return nil }
        var reader = stored.reader
        let checksum = stored.checksum
        guard let entry = try? PlanCacheEntry(from: &reader), reader.isAtEnd, entry.key == key else { return nil }
        return (entry, checksum)
    }

    /// The expansion stored under `key`, or `nil`.
    func readExpansion(_ key: [UInt8]) -> PlanOccurrences? {
        guard var reader = payload(expansionPath(key))?.reader else { return nil }
        guard (try? reader.unsigned()) == Self.formatVersion, (try? reader.raw()) == key,
            let expansion = try? PlanOccurrences(from: &reader), reader.isAtEnd
        else { return nil }
        return expansion
    }

    /// Stores `entry` and returns its checksum (`nil` when it was not stored); any failure
    /// leaves the cache as it was.
    @discardableResult
    func write(_ entry: PlanCacheEntry) -> [UInt8]? {
        var writer = PlanBinaryWriter()
        entry.write(to: &writer)
        return store(writer.bytes, at: path(entry.key))
    }

    /// Stores the expansion `key` names.
    func writeExpansion(_ expansion: PlanOccurrences, key: [UInt8]) {
        guard expansion.isStorable else { return }
        var writer = PlanBinaryWriter()
        writer.unsigned(Self.formatVersion)
        writer.raw(key)
        expansion.write(to: &writer)
        store(writer.bytes, at: expansionPath(key))
    }

    /// Writes the magic line, the ``ContentHash`` of `payload` and `payload` to a temporary file and
    /// renames it to `final`; returns the hash, or `nil` when nothing was stored.
    @discardableResult
    func store(_ payload: [UInt8], at final: String) -> [UInt8]? {
        guard payload.count + Self.magic.count + ContentHash.size <= maxBytes else { return nil }
        do {
            try FileManager.default.createDirectory(
                atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            return nil
        }
        let temporary = (directory as NSString).appendingPathComponent(".tmp-\(getpid())-\(UInt64.random(in: 0...UInt64.max))")
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else { return nil }
        let checksum = ContentHash.hash(payload)
        let data = Self.magic + checksum + payload
        var written = 0
        let ok = data.withUnsafeBytes { raw -> Bool in
            while written < raw.count {
                let n = Glibc.write(fd, raw.baseAddress! + written, raw.count - written)
                if n < 0 {
                    if errno == EINTR { continue }
                    return false
                }
                written += n
            }
            return true
        }
        close(fd)
        guard ok, rename(temporary, final) == 0 else {
            unlink(temporary)
            return nil
        }
        evict(keeping: final)
        return checksum
    }

    /// Removes the oldest entries beyond ``maxEntries`` or ``maxBytes``, and temporary files
    /// left by a program that stopped while writing (older than an hour).
    func evict(keeping kept: String) {
        guard let names = HostFiles.list(directory) else { return }
        var entries: [(path: String, modified: Int, size: Int)] = []
        let now = time(nil)
        for name in names {
            let path = (directory as NSString).appendingPathComponent(name)
            var info = stat()
            guard lstat(path, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { continue }
            if name.hasPrefix(".tmp-") {
                if now - info.st_mtim.tv_sec > 3600 { unlink(path) }
            } else if name.hasSuffix(".plan") || name.hasSuffix(".occurrences") {
                entries.append((path, info.st_mtim.tv_sec * 1_000_000_000 + info.st_mtim.tv_nsec, Int(info.st_size)))
            }
        }
        entries.sort { $0.modified > $1.modified }
        var total = 0
        for (index, entry) in entries.enumerated() {
            total += entry.size
            if entry.path != kept && (index >= maxEntries || total > maxBytes) { unlink(entry.path) }
        }
    }
}

/// A file the load asked for through the include resolver (an include or a checklist source)
/// and what it got: the file's name and ``ContentHash``, or why it could not be read.
struct ResolvedFile: Sendable, Hashable, PlanBinaryCodable {
    var path: String
    var includingFile: String
    var fileName: String?
    var digest: [UInt8]
    var failure: String?

    func write(to writer: inout PlanBinaryWriter) {
        writer.string(path)
        writer.string(includingFile)
        writer.write(fileName)
        writer.raw(digest)
        writer.write(failure)
    }

    /// Asks `resolve` the same question.
    static func resolve(_ path: String, _ includingFile: String, with resolve: IncludeResolver) -> (ResolvedFile, PlanSource?) {
        do {
            let source = try resolve(path, includingFile)
            return (
                ResolvedFile(path: path, includingFile: includingFile, fileName: source.fileName, digest: ContentHash.hash(source.bytes), failure: nil),
                source
            )
        } catch {
            return (ResolvedFile(path: path, includingFile: includingFile, fileName: nil, digest: [], failure: error.message), nil)
        }
    }
}

// (In an extension, so that the struct keeps its memberwise initialiser.)
extension ResolvedFile {
    init(from reader: inout PlanBinaryReader) throws(PlanBinaryError) {
        self.init(
            path: try reader.string(), includingFile: try reader.string(), fileName: try reader.readOptional(),
            digest: try reader.raw(), failure: try reader.readOptional())
    }
}

/// The include resolver of a load that is to be cached: answers as `resolve` does and notes each
/// answer.
final class RecordingResolver: Sendable {
    let base: IncludeResolver
    let records = Mutex<[ResolvedFile]>([])

    init(_ base: @escaping IncludeResolver) { self.base = base }

    var resolver: IncludeResolver {
        { [self] path, includingFile throws(IncludeError) in
            let (record, source) = ResolvedFile.resolve(path, includingFile, with: base)
            records.withLock { $0.append(record) }
            guard let source else { throw IncludeError(record.failure ?? "") }
            return source
        }
    }
}

/// One cached load: what it read besides the plan files of the key, and what it found.
struct PlanCacheEntry: Sendable, PlanBinaryCodable {
    var key: [UInt8]
    /// The includes and checklist sources the load asked for, in order.
    var resolved: [ResolvedFile]
    /// The holiday tables used, when the plan uses them: where they came from and their digest.
    var holidayInfo: HolidaySourceInfo?
    var holidayDigest: [UInt8]
    /// The holiday tables as parsed from the files of ``holidayDigest``, when they were read
    /// without a diagnostic: a hit with the same files builds its calendar from them.
    var holidayTables: [HolidayTable]?
    /// The years checked for a plan that applies every year.
    var checkYears: [Int]
    var plan: Plan
    /// The diagnostics of reading, the holiday tables and validation, in the load's order.
    var diagnostics: [Diagnostic]

    func write(to writer: inout PlanBinaryWriter) {
        writer.unsigned(PlanCache.formatVersion)
        writer.raw(key)
        writer.write(resolved)
        if let holidayInfo {
            writer.byte(1)
            writer.write(holidayInfo.directory)
            writer.string(holidayInfo.origin)
            writer.write(holidayInfo.searched)
        } else {
            writer.byte(0)
        }
        writer.raw(holidayDigest)
        writer.bool(holidayTables != nil)
        writer.write(holidayTables ?? [])
        writer.write(checkYears)
        writer.write(plan)
        writer.write(diagnostics)
    }

}

extension PlanCacheEntry {
    init(from reader: inout PlanBinaryReader) throws(PlanBinaryError) {
        guard try reader.unsigned() == PlanCache.formatVersion else { throw PlanBinaryError(offset: 0) }
        key = try reader.raw()
        resolved = try reader.readArray()
        if try reader.bool() {
            holidayInfo = HolidaySourceInfo(
                directory: try reader.readOptional(), origin: try reader.string(), searched: try reader.readArray())
        } else {
            holidayInfo = nil
        }
        holidayDigest = try reader.raw()
        let hasTables = try reader.bool()
        let tables: [HolidayTable] = try reader.readArray()
        holidayTables = hasTables ? tables : nil
        checkYears = try reader.readArray()
        plan = try reader.read()
        diagnostics = try reader.readArray()
    }
}
