import CSystemd
import Logging

import Glibc

/// A swift-log `LogHandler` for journald.
///
/// When stderr is connected to the journal (`$JOURNAL_STREAM` names stderr's device and inode, the
/// systemd convention), entries go out through `sd_journal_sendv` with native fields: `MESSAGE`,
/// `PRIORITY`, `SYSLOG_IDENTIFIER`, `CODE_FILE`/`CODE_LINE`/`CODE_FUNC`, and one field per
/// metadata key (`ALMANAC_ITEM`, `MESSAGE_ID`, ...; see ``journalFieldName(_:)``). Otherwise each
/// entry is one `<N>`-prefixed line on stderr, which journald (via a plain stream) and
/// `systemd-cat` turn into the priority, followed by the metadata as `KEY=value` pairs. libsystemd
/// is opened for the first native entry (``LibSystemd``); without it entries are lines on stderr.
public struct JournalLogHandler: LogHandler {
    /// Where entries go.
    public enum Destination: Sendable, Equatable {
        /// Native journal fields through `sd_journal_sendv`.
        case journal
        /// `<N>`-prefixed lines on a file descriptor (2 for stderr).
        case lines(fileDescriptor: Int32)

        /// The systemd convention: native when `$JOURNAL_STREAM` matches stderr (and libsystemd
        /// can be opened), else lines.
        public static func detect() -> Destination {
            detect(journalStream: getenv("JOURNAL_STREAM").map { String(cString: $0) }, systemd: try? LibSystemd.shared.get())
        }

        /// `systemd` is opened only when the stream matches.
        static func detect(journalStream: String?, systemd: @autoclosure () -> LibSystemd?) -> Destination {
            JournalLogHandler.streamMatches(journalStream, fileDescriptor: 2) && systemd() != nil ? .journal : .lines(fileDescriptor: 2)
        }
    }

    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .info
    public var metadataProvider: Logger.MetadataProvider?

    private let label: String
    private let identifier: String
    private let destination: Destination

    /// - Parameters:
    ///   - label: The logger's label (sent as `ALMANAC_LOGGER`).
    ///   - identifier: `SYSLOG_IDENTIFIER` (the name `journalctl -t` selects).
    ///   - destination: Where entries go; by default decided by ``Destination/detect()``.
    public init(
        label: String,
        identifier: String = "almanacd",
        destination: Destination = .detect(),
        metadataProvider: Logger.MetadataProvider? = nil
    ) {
        self.label = label
        self.identifier = identifier
        self.destination = destination
        self.metadataProvider = metadataProvider
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { _, new in new } }
        if let own = event.metadata { merged.merge(own) { _, new in new } }
        if let error = event.error, merged["error"] == nil { merged["error"] = "\(error)" }
        if destination == .journal, let systemd = try? LibSystemd.shared.get() {
            let fields = Self.journalFields(
                level: event.level, message: event.message.description, metadata: merged,
                identifier: identifier, logger: label,
                file: event.file, function: event.function, line: event.line
            )
            Self.sendToJournal(fields, systemd)
            return
        }
        // Lines, and the journal's entries when libsystemd cannot be opened: on stderr.
        let fd = if case .lines(let fd) = destination { fd } else { Int32(2) }
        let line = Self.line(level: event.level, message: event.message.description, metadata: merged)
        Self.write(line + "\n", to: fd)
    }

    // MARK: - Formatting (pure)

    /// The syslog priority of a swift-log level (0 emerg ... 7 debug).
    public static func priority(of level: Logger.Level) -> Int {
        switch level {
        case .trace, .debug: 7
        case .info: 6
        case .notice: 5
        case .warning: 4
        case .error: 3
        case .critical: 2
        }
    }

    /// The journal field name for a metadata key: ASCII upper case, every character outside
    /// `[A-Z0-9_]` becomes `_`, leading underscores and digits are dropped (fields starting with
    /// `_` are trusted fields the journal sets itself), at most 64 characters. `"item.id"` becomes
    /// `ITEM_ID`; `"ALMANAC_ITEM"` stays. Returns `nil` when nothing usable remains.
    public static func journalFieldName(_ key: String) -> String? {
        var name = ""
        for scalar in key.unicodeScalars {
            switch scalar {
            case "a"..."z": name.unicodeScalars.append(Unicode.Scalar(scalar.value - 32)!)
            case "A"..."Z", "0"..."9", "_": name.unicodeScalars.append(scalar)
            default: name.append("_")
            }
        }
        while let first = name.first, first == "_" || first.isNumber { name.removeFirst() }
        if name.count > 64 { name = String(name.prefix(64)) }
        return name.isEmpty ? nil : name
    }

    /// The `FIELD=value` strings of one native journal entry, in a stable order: MESSAGE,
    /// PRIORITY, SYSLOG_IDENTIFIER, code location, then metadata sorted by field name. Metadata
    /// cannot override MESSAGE, PRIORITY or SYSLOG_IDENTIFIER.
    public static func journalFields(
        level: Logger.Level, message: String, metadata: Logger.Metadata,
        identifier: String, logger: String, file: String, function: String, line: UInt
    ) -> [String] {
        var fields = [
            "MESSAGE=\(escaped(message))",
            "PRIORITY=\(priority(of: level))",
            "SYSLOG_IDENTIFIER=\(identifier)",
            "CODE_FILE=\(file)",
            "CODE_LINE=\(line)",
            "CODE_FUNC=\(escaped(function))",
            "ALMANAC_LOGGER=\(escaped(logger))",
        ]
        let reserved: Set<String> = [
            "MESSAGE", "PRIORITY", "SYSLOG_IDENTIFIER", "CODE_FILE", "CODE_LINE", "CODE_FUNC", "ALMANAC_LOGGER",
        ]
        var named: [String: String] = [:]
        for (key, value) in metadata {
            guard let name = journalFieldName(key), !reserved.contains(name) else { continue }
            named[name] = escaped(render(value))
        }
        for (name, value) in named.sorted(by: { $0.key < $1.key }) { fields.append("\(name)=\(value)") }
        return fields
    }

    /// One `<N>`-prefixed line: the message, then the metadata as ` FIELD=value`, sorted, with
    /// values quoted when they contain spaces or quotes. Control characters are escaped
    /// (``escaped(_:)``), and inside quotes `"` and `\` are too, so whatever a value holds (a
    /// plan's title with CR LF in it) one entry stays one line and cannot fake another field.
    public static func line(level: Logger.Level, message: String, metadata: Logger.Metadata) -> String {
        var text = "<\(priority(of: level))>" + escaped(message)
        var named: [String: String] = [:]
        for (key, value) in metadata {
            guard let name = journalFieldName(key) else { continue }
            named[name] = render(value)
        }
        for (name, value) in named.sorted(by: { $0.key < $1.key }) {
            let needsQuotes = value.isEmpty || value.contains(where: { $0 == " " || $0 == "\"" })
            let shown =
                needsQuotes
                ? "\"" + escaped(quotedInside(value)) + "\""
                : escaped(value)
            text += " \(name)=\(shown)"
        }
        return text
    }

    /// `text` with every control character written out, so that it cannot end a log line or
    /// steer a terminal: LF as `\n`, CR as `\r`, TAB as `\t`, every other C0 character, DEL and
    /// the C1 controls as `\xHH` (`\u{HHHH}` above `\xff`: U+2028 and U+2029, which some viewers
    /// take for line ends). Everything else (Chinese text, emoji) stays as it is.
    public static func escaped(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: needsEscape) else { return text }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            guard needsEscape(scalar) else {
                out.append(scalar)
                continue
            }
            let replacement: String
            switch scalar {
            case "\n": replacement = "\\n"
            case "\r": replacement = "\\r"
            case "\t": replacement = "\\t"
            default:
                let hex = String(scalar.value, radix: 16)
                replacement = scalar.value <= 0xFF
                    ? "\\x" + String(repeating: "0", count: 2 - hex.count) + hex : "\\u{" + hex + "}"
            }
            out.append(contentsOf: replacement.unicodeScalars)
        }
        return String(out)
    }

    /// `"` and `\` preceded by a backslash, for a value shown in quotes.
    private static func quotedInside(_ text: String) -> String {
        var out = ""
        for character in text {
            if character == "\"" || character == "\\" { out.append("\\") }
            out.append(character)
        }
        return out
    }

    private static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || scalar.value == 0x2028 || scalar.value == 0x2029
    }

    /// Whether `$JOURNAL_STREAM` (`device:inode`) names the file behind `fileDescriptor`.
    public static func streamMatches(_ journalStream: String?, fileDescriptor: Int32) -> Bool {
        guard let journalStream else { return false }
        let parts = journalStream.split(separator: ":")
        guard parts.count == 2, let device = UInt64(parts[0]), let inode = UInt64(parts[1]) else { return false }
        var info = stat()
        guard fstat(fileDescriptor, &info) == 0 else { return false }
        return UInt64(info.st_dev) == device && UInt64(info.st_ino) == inode
    }

    private static func render(_ value: Logger.Metadata.Value) -> String {
        switch value {
        case .string(let text): text
        case .stringConvertible(let convertible): convertible.description
        case .array(let values): values.map(render).joined(separator: ",")
        case .dictionary(let entries):
            entries.sorted(by: { $0.key < $1.key }).map { "\($0.key)=\(render($0.value))" }.joined(separator: ",")
        }
    }

    // MARK: - Output

    private static func sendToJournal(_ fields: [String], _ systemd: LibSystemd) {
        // One contiguous buffer, so every iovec points into memory that lives through the call.
        var bytes: [UInt8] = []
        var ranges: [Range<Int>] = []
        for field in fields {
            let start = bytes.count
            bytes.append(contentsOf: field.utf8)
            ranges.append(start..<bytes.count)
        }
        bytes.withUnsafeMutableBytes { raw in
            guard let base = raw.baseAddress else { return }
            let vectors = ranges.map { iovec(iov_base: base + $0.lowerBound, iov_len: $0.count) }
            _ = vectors.withUnsafeBufferPointer { systemd.functions.sd_journal_sendv($0.baseAddress, Int32($0.count)) }
        }
    }

    private static func write(_ text: String, to fd: Int32) {
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeMutableBytes { raw in
                Glibc.write(fd, raw.baseAddress! + offset, raw.count - offset)
            }
            if written < 0 {
                if errno == EINTR { continue }
                return
            }
            offset += written
        }
    }
}
