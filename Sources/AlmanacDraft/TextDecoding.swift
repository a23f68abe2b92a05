import AlmanacPlan

/// Why a document could not be drafted.
public struct DraftError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong, for programs.
    public struct Code: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        /// The bytes are neither UTF-8 (with or without BOM), UTF-16 with BOM, nor GB18030.
        public static let undecodable = Code(rawValue: "undecodable")
        /// The document is larger than `DocumentText.maxBytes`.
        public static let tooLarge = Code(rawValue: "too-large")
        /// The document holds no text.
        public static let empty = Code(rawValue: "empty")
        /// The system has no GB18030 converter (glibc's gconv modules are missing).
        public static let noConverter = Code(rawValue: "no-converter")
        /// The bytes are not text (a NUL byte, or control characters).
        public static let binary = Code(rawValue: "binary")
        public var description: String { rawValue }
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}

/// The encodings a document is read in.
public enum DocumentEncoding: String, Sendable, Hashable, Codable {
    case utf8 = "UTF-8"
    case utf8BOM = "UTF-8 (BOM)"
    case utf16 = "UTF-16"
    case gb18030 = "GB18030"
    /// Traditional-character documents from Taiwan and Hong Kong; read, and said so in the draft.
    case big5 = "Big5"
}

/// Turns a document's bytes into text: UTF-8 (a BOM is dropped), UTF-16 with a BOM, or GB18030
/// (which includes GBK and GB2312), converted by the C library's iconv.
public enum DocumentText {
    /// Documents larger than this are refused (a yearly plan is a few hundred kilobytes at most).
    public static let maxBytes = 8 << 20

    /// The text and the encoding it was read in.
    public static func decode(_ bytes: [UInt8]) throws(DraftError) -> (text: String, encoding: DocumentEncoding) {
        guard bytes.count <= maxBytes else {
            throw DraftError(.tooLarge, "the document has \(bytes.count) bytes; at most \(maxBytes) are read")
        }
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
            let rest = Array(bytes.dropFirst(3))
            guard let text = String(validating: rest, as: UTF8.self) else {
                throw DraftError(
                    .undecodable, "the document starts with a UTF-8 BOM but is not UTF-8 (first bad byte at offset \(firstBadUTF8Offset(rest) + 3))")
            }
            return (text, .utf8BOM)
        }
        if bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]) {
            return (try utf16(bytes), .utf16)
        }
        if let text = String(validating: bytes, as: UTF8.self) {
            if let bad = controlOffset(text.utf8) {
                throw DraftError(.binary, "the document is not text: a control byte at offset \(bad) (draft reads text files)")
            }
            return (text, .utf8)
        }
        if let nul = bytes.firstIndex(of: 0) {
            throw DraftError(.binary, "the document is not text: a NUL byte at offset \(nul) (draft reads text files)")
        }
        // Mostly UTF-8 with a bad fragment: say where, rather than reading it all as GB18030.
        let (valid, invalid) = utf8Sequences(bytes)
        if valid >= 8, invalid * 4 <= valid {
            throw DraftError(
                .undecodable,
                "the document is UTF-8 except for \(invalid) bad byte(s); the first is at offset \(firstBadUTF8Offset(bytes))")
        }
        var body = bytes
        // The GB18030 encoding of U+FEFF.
        if body.starts(with: [0x84, 0x31, 0x95, 0x33]) { body.removeFirst(4) }
        let gb: Result<String, DraftError>
        do throws(DraftError) { gb = .success(try gb18030(body)) } catch { gb = .failure(error) }
        if case .success(let big5) = CSVReader.convert(bytes, from: "BIG5") {
            let big5Score = commonShare(big5, traditional: true)
            let gbScore = (try? gb.get()).map { commonShare($0, traditional: false) } ?? 0
            if big5Score > gbScore + 0.15 { return (big5, .big5) }
        }
        let text = try gb.get()
        if let bad = controlOffset(text.utf8) {
            throw DraftError(.binary, "the document is not text: a control character at offset \(bad) once read as GB18030")
        }
        return (text, .gb18030)
    }

    /// The first control character other than tab, line breaks and form feed, as a UTF-8 offset.
    static func controlOffset(_ utf8: String.UTF8View) -> Int? {
        var offset = 0
        for b in utf8 {
            if b < 0x20, b != 0x09, b != 0x0A, b != 0x0D, b != 0x0C { return offset }
            if b == 0x7F { return offset }
            offset += 1
        }
        return nil
    }

    /// The length of the UTF-8 sequence a byte starts (1 for ASCII), or nil for a byte that starts none.
    static func utf8SequenceLength(_ lead: UInt8) -> Int? {
        switch lead {
        case 0x00..<0x80: return 1
        case 0xC2...0xDF: return 2
        case 0xE0...0xEF: return 3
        case 0xF0...0xF4: return 4
        default: return nil
        }
    }

    /// Well-formed multi-byte UTF-8 sequences and bytes that start none, in one pass.
    static func utf8Sequences(_ b: [UInt8]) -> (valid: Int, invalid: Int) {
        var valid = 0
        var invalid = 0
        var i = 0
        while i < b.count {
            let c = b[i]
            if c < 0x80 {
                i += 1
                continue
            }
            guard let n = utf8SequenceLength(c) else {
                invalid += 1
                i += 1
                continue
            }
            if i + n <= b.count, (1..<n).allSatisfy({ b[i + $0] & 0xC0 == 0x80 }) {
                valid += 1
                i += n
            } else {
                invalid += 1
                i += 1
            }
        }
        return (valid, invalid)
    }

    /// The share of Han characters that are among the 1,000 most common (read as simplified):
    /// text decoded in the wrong encoding is mostly rare characters.
    static func commonShare(_ text: String, traditional: Bool) -> Double {
        var han = 0
        var common = 0
        for ch in text.prefix(20_000) where DocumentScanner.isHan(ch) {
            han += 1
            let s = traditional ? DraftText.simplified(ch) : ch
            if DraftText.common.contains(s) { common += 1 }
        }
        return han == 0 ? 0 : Double(common) / Double(han)
    }

    /// Offset of the first byte that does not start a well-formed UTF-8 sequence (structure only).
    static func firstBadUTF8Offset(_ b: [UInt8]) -> Int {
        var i = 0
        while i < b.count {
            guard let n = utf8SequenceLength(b[i]) else { return i }
            if i + n > b.count { return i }
            for k in 1..<max(n, 1) where b[i + k] & 0xC0 != 0x80 { return i }
            i += n
        }
        return b.count
    }

    static func utf16(_ bytes: [UInt8]) throws(DraftError) -> String {
        let bigEndian = bytes[0] == 0xFE
        var units: [UInt16] = []
        units.reserveCapacity(bytes.count / 2)
        var i = 2
        while i + 1 < bytes.count {
            let a = UInt16(bytes[i])
            let b = UInt16(bytes[i + 1])
            units.append(bigEndian ? (a << 8 | b) : (b << 8 | a))
            i += 2
        }
        guard bytes.count % 2 == 0, let text = String(validating: units, as: UTF16.self) else {
            throw DraftError(.undecodable, "the document starts with a UTF-16 BOM but is not valid UTF-16")
        }
        return text
    }

    /// Converts GB18030 `bytes` to text with the plan's converter (`CSVReader.convertFromGB18030`).
    static func gb18030(_ bytes: [UInt8]) throws(DraftError) -> String {
        switch CSVReader.convertFromGB18030(bytes) {
        case .success(let text):
            return text
        case .failure(let failure) where failure.noConverter:
            throw DraftError(.noConverter, "iconv cannot convert from GB18030 on this system (glibc gconv modules missing?)")
        case .failure(let failure):
            throw DraftError(
                .undecodable,
                "the document is neither UTF-8 nor GB18030: the byte at offset \(failure.offset) is not valid in either")
        }
    }
}
