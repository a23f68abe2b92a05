#if canImport(Glibc)
import Glibc
#endif

/// A YAML node with the position it was read from. The plan decoder works on this tree only, so
/// every value it produces can say where it came from.
///
/// Not `indirect`: the collections recurse through their arrays, and a scalar (most nodes) is kept
/// in its parent's array instead of a box of its own (a cold read of the 10,000-item plan and its
/// year's agenda: 783 M -> 754 M instructions, docs/benchmarks.md, twenty-first part).
public enum YAMLTree: Sendable, Hashable {
    /// A scalar; `quoted` is true when it was written in quotes (so `"08"` stays text).
    case scalar(String, quoted: Bool, at: SourceLocation)
    /// A mapping with its keys in written order.
    case mapping([(key: YAMLKey, value: YAMLTree)], at: SourceLocation)
    /// A sequence.
    case sequence([YAMLTree], at: SourceLocation)

    /// Where the node starts.
    public var location: SourceLocation {
        switch self {
        case .scalar(_, _, let at), .mapping(_, let at), .sequence(_, let at): at
        }
    }

    /// The scalar text, or nil for a collection.
    public var scalar: String? {
        if case .scalar(let text, _, _) = self { return text }
        return nil
    }

    /// True for a plain `~`, `null` or empty scalar.
    public var isNull: Bool {
        if case .scalar(let text, let quoted, _) = self, !quoted {
            // Most scalars are passed over by their first byte and length, without comparing.
            guard let first = text.utf8.first else { return true }
            guard first == UInt8(ascii: "~") || first == UInt8(ascii: "n") || first == UInt8(ascii: "N"), text.utf8.count <= 4
            else { return false }
            return text == "~" || text == "null" || text == "Null" || text == "NULL"
        }
        return false
    }

    /// A short name of the node's shape for messages ("a mapping", "a list", "text").
    public var shapeName: String {
        switch self {
        case .scalar: "a scalar"
        case .mapping: "a mapping"
        case .sequence: "a list"
        }
    }

    public static func == (lhs: YAMLTree, rhs: YAMLTree) -> Bool {
        switch (lhs, rhs) {
        case let (.scalar(a, qa, la), .scalar(b, qb, lb)): a == b && qa == qb && la == lb
        case let (.sequence(a, la), .sequence(b, lb)): a == b && la == lb
        case let (.mapping(a, la), .mapping(b, lb)):
            la == lb && a.count == b.count && zip(a, b).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        default: false
        }
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(location)
        switch self {
        case .scalar(let text, _, _): hasher.combine(text)
        case .sequence(let nodes, _): hasher.combine(nodes.count)
        case .mapping(let pairs, _): hasher.combine(pairs.count)
        }
    }
}

/// A mapping key: text plus position.
public struct YAMLKey: Sendable, Hashable {
    public var text: String
    public var location: SourceLocation
    public init(text: String, location: SourceLocation) {
        self.text = text
        self.location = location
    }
}

/// Limits that keep a hostile or broken file from exhausting the machine.
public struct YAMLLimits: Sendable, Hashable {
    /// Largest accepted file, in bytes.
    public var maxBytes: Int
    /// Largest number of nodes after aliases are expanded (billion laughs).
    public var maxNodes: Int
    /// Deepest nesting of collections.
    public var maxDepth: Int

    public init(maxBytes: Int = 16 << 20, maxNodes: Int = 2_000_000, maxDepth: Int = 64) {
        self.maxBytes = maxBytes
        self.maxNodes = maxNodes
        self.maxDepth = maxDepth
    }

    /// The limits used when none are given: 16 MiB, 2 000 000 nodes, depth 64 (a plan of 100,000
    /// items is about 12 MiB and 900,000 nodes; the occurrence limits bound what it may schedule).
    public static let standard = YAMLLimits()
}

/// Reads YAML bytes into a `YAMLTree`, turning every failure into a `Diagnostic` with a position.
public enum YAMLReader {
    /// Parses one YAML document. Returns nil for an empty document.
    public static func read(
        fileName: String, bytes: [UInt8], limits: YAMLLimits = .standard
    ) -> Result<YAMLTree?, Diagnostic> {
        read(fileName: fileName, bytes: bytes, limits: limits, shortcut: true)
    }

    /// `shortcut`: try `BlockYAMLReader` before libyaml (false only in the tests that compare them).
    static func read(
        fileName: String, bytes: [UInt8], limits: YAMLLimits, shortcut: Bool
    ) -> Result<YAMLTree?, Diagnostic> {
        if bytes.count > limits.maxBytes {
            return .failure(
                Diagnostic(
                    .error, "file is \(bytes.count) bytes, larger than the limit of \(limits.maxBytes) bytes",
                    at: SourceLocation(file: fileName, line: 1, column: 1)))
        }
        var body = bytes[...]
        if body.starts(with: [0xEF, 0xBB, 0xBF]) { body = body.dropFirst(3) }
        // The key checks work on the bytes, once; what they find is reported after the UTF-8 and
        // NUL checks below, as before.
        let aliasKey = body.withUnsafeBufferPointer { aliasUsedAsKey(in: $0) }
        let complexKey = aliasKey == nil ? body.withUnsafeBufferPointer { collectionUsedAsKey(in: $0) } : nil
        // The usual plan: valid UTF-8 of the characters the block reader takes, no key it refuses,
        // read without libyaml and without making a string of the whole text first.
        if shortcut, aliasKey == nil, complexKey == nil,
            let tree = body.withUnsafeBufferPointer({ BlockYAMLReader.read($0, fileName: fileName, limits: limits) })
        {
            return .success(tree)
        }
        guard let text = String(validating: body, as: UTF8.self) else {
            return .failure(invalidUTF8(fileName: fileName, bytes: Array(body)))
        }
        if body.withUnsafeBufferPointer({ Self.find(0, in: $0, from: 0) != nil }),
            let bad = text.unicodeScalars.firstIndex(where: { $0.value == 0 })
        {
            let prefix = text.unicodeScalars[..<bad]
            return .failure(
                Diagnostic(
                    .error, "file contains a NUL character; a plan must be UTF-8 text",
                    at: location(of: prefix, fileName: fileName)))
        }
        if let aliasKey {
            return .failure(
                Diagnostic(
                    .error, "a YAML alias may not be used as a mapping key",
                    at: SourceLocation(file: fileName, line: aliasKey.line, column: aliasKey.column)))
        }
        if let complexKey {
            return .failure(
                Diagnostic(
                    .error, "mapping keys must be plain text, not lists, mappings or '?' keys",
                    at: SourceLocation(file: fileName, line: complexKey.line, column: complexKey.column)))
        }
        return body.withUnsafeBufferPointer { input in
            EventReader.read(input, text: text, fileName: fileName, limits: limits)
        }
    }

    /// The position just after `prefix` (line and column of the next character).
    static func location<S: Sequence<Unicode.Scalar>>(of prefix: S, fileName: String) -> SourceLocation {
        var line = 1
        var column = 1
        for scalar in prefix {
            if scalar == "\n" {
                line += 1
                column = 1
            } else {
                column += 1
            }
        }
        return SourceLocation(file: fileName, line: line, column: column)
    }

    private static func invalidUTF8(fileName: String, bytes: [UInt8]) -> Diagnostic {
        var iterator = bytes.makeIterator()
        var parser = Unicode.UTF8.ForwardParser()
        var offset = 0
        var line = 1
        var column = 1
        loop: while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let encoded):
                if encoded.count == 1 && encoded.first == 0x0A {
                    line += 1
                    column = 1
                } else {
                    column += 1
                }
                offset += encoded.count
            case .emptyInput:
                break loop
            case .error:
                break loop
            }
        }
        let byte = offset < bytes.count ? bytes[offset] : 0
        let hex = String(byte, radix: 16, uppercase: true)
        return Diagnostic(
            .error, "file is not valid UTF-8: byte 0x\(hex.count == 1 ? "0" + hex : hex) at offset \(offset)",
            at: SourceLocation(file: fileName, line: line, column: column), hint: "save the plan as UTF-8")
    }

    /// Finds a list or mapping written where a key goes (`[a, b]: x`, `? [a]`). Plans only ever use
    /// text keys; such documents are refused before they are read, with the place of the key.
    ///
    /// Per line (lines as `scanLines` cuts them): a `?` after the leading spaces and dashes, then a
    /// space or the line's end; or, outside quotes and before a comment, a `]` or `}` followed by
    /// spaces, a `:` and a space or the line's end. One pass over the bytes: most bytes are none of
    /// `\n"#'[]{}` and are passed over by two or three comparisons.
    static func collectionUsedAsKey(in bytes: UnsafeBufferPointer<UInt8>) -> (line: Int, column: Int)? {
        let n = bytes.count
        // A line feed ends a line unless it follows a CR (`scanLines`).
        func endsLine(_ k: Int) -> Bool { k >= n || (bytes[k] == newline && (k == 0 || bytes[k - 1] != carriageReturn)) }
        func found(_ offset: Int, lineStart: Int, line: Int) -> (line: Int, column: Int) {
            (line, bytes[lineStart..<offset].reduce(1) { $1 & 0xC0 == 0x80 ? $0 : $0 + 1 })
        }
        var lineNumber = 1
        var start = 0
        while start <= n {
            var i = start
            while i < n, bytes[i] == space || bytes[i] == dash { i += 1 }
            if i < n, bytes[i] == question, i + 1 == n || bytes[i + 1] == space || endsLine(i + 1) {
                return found(i, lineStart: start, line: lineNumber)
            }
            var inQuote: UInt8 = 0
            var comment = false
            var k = start
            while true {
                // Passed over at once: spaces, and every byte from `(` up but the closing brackets.
                while k < n {
                    let b = bytes[k]
                    if b >= 0x28 {
                        if b == closeBracket || b == closeBrace { break }
                    } else if b != space {
                        break
                    }
                    k += 1
                }
                if endsLine(k) { break }
                let c = bytes[k]
                if comment {
                } else if inQuote != 0 {
                    if c == inQuote { inQuote = 0 }
                } else if c == doubleQuote || c == singleQuote {
                    inQuote = c
                } else if c == hash && (k == start || bytes[k - 1] == space) {
                    comment = true
                } else if c == closeBracket || c == closeBrace {
                    var j = k + 1
                    while j < n, bytes[j] == space { j += 1 }
                    if !endsLine(j), bytes[j] == colon, endsLine(j + 1) || bytes[j + 1] == space {
                        return found(k, lineStart: start, line: lineNumber)
                    }
                }
                k += 1
            }
            lineNumber += 1
            start = k + 1
        }
        return nil
    }

    /// Finds an alias (`*name`) written where a key goes: such documents are refused before they
    /// are read.
    static func aliasUsedAsKey(in text: UnsafeBufferPointer<UInt8>) -> (line: Int, column: Int)? {
        // Every alias key has a '*': a text without one (most plans) is passed over at once, and
        // so are most lines of the others.
        guard find(star, in: text, from: 0) != nil else { return nil }
        return scanLines(of: text) { line in
            guard find(star, in: line, from: 0) != nil else { return nil }
            var i = 0
            while i < line.count, line[i] == space || line[i] == dash { i += 1 }
            if i < line.count, line[i] == question {
                var j = i + 1
                while j < line.count, line[j] == space { j += 1 }
                if j < line.count, line[j] == star { return j }
            }
            if i < line.count, line[i] == star {
                var j = i + 1
                while j < line.count, line[j] != space, line[j] != colon { j += 1 }
                while j < line.count, line[j] == space { j += 1 }
                if j < line.count, line[j] == colon { return i }
            }
            // Flow mappings: `{*a: 1}` or `, *a : 1`.
            var inQuote: UInt8? = nil
            var k = 0
            while k < line.count {
                let c = line[k]
                if let q = inQuote {
                    if c == q { inQuote = nil }
                } else if c == doubleQuote || c == singleQuote {
                    inQuote = c
                } else if c == hash && (k == 0 || line[k - 1] == space) {
                    break
                } else if c == openBrace || c == comma {
                    var j = k + 1
                    while j < line.count, line[j] == space { j += 1 }
                    if j < line.count, line[j] == star {
                        var e = j + 1
                        while e < line.count, line[e] != space, line[e] != colon, line[e] != comma,
                            line[e] != closeBrace
                        {
                            e += 1
                        }
                        while e < line.count, line[e] == space { e += 1 }
                        if e < line.count, line[e] == colon { return j }
                    }
                }
                k += 1
            }
            return nil
        }
    }

    private static let space = UInt8(ascii: " "), dash = UInt8(ascii: "-"), question = UInt8(ascii: "?")
    private static let star = UInt8(ascii: "*"), colon = UInt8(ascii: ":"), comma = UInt8(ascii: ",")
    private static let hash = UInt8(ascii: "#"), doubleQuote = UInt8(ascii: "\""), singleQuote = UInt8(ascii: "'")
    private static let openBrace = UInt8(ascii: "{"), closeBrace = UInt8(ascii: "}")
    private static let closeBracket = UInt8(ascii: "]")
    private static let newline = UInt8(ascii: "\n"), carriageReturn = UInt8(ascii: "\r")

    /// Calls `match` with the UTF-8 bytes of each line until it returns the byte offset of a finding,
    /// and answers that finding's line and column (columns count Unicode scalars, from 1). Lines end
    /// where `String.split(separator: "\n")` ends them: at each line feed except the one of a CR LF,
    /// which is a single character. The checks only look for ASCII characters, and no byte of a
    /// longer UTF-8 sequence is ASCII, so scanning bytes finds what scanning scalars finds.
    /// The offset of the first `byte` in `bytes` at or after `start`, or nil (`memchr`).
    static func find(_ byte: UInt8, in bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        guard let base = bytes.baseAddress, start < bytes.count else { return nil }
        guard let found = memchr(base + start, Int32(byte), bytes.count - start) else { return nil }
        return UnsafeRawPointer(base).distance(to: UnsafeRawPointer(found))
    }

    private static func scanLines(
        of bytes: UnsafeBufferPointer<UInt8>, _ match: (UnsafeBufferPointer<UInt8>) -> Int?
    ) -> (line: Int, column: Int)? {
        var lineNumber = 0
        var start = 0
        while start <= bytes.count {
            var end = start
            while true {
                guard let feed = find(0x0A, in: bytes, from: end) else {
                    end = bytes.count
                    break
                }
                end = feed
                if feed == 0 || bytes[feed - 1] != 0x0D { break }
                end += 1
            }
            lineNumber += 1
            let line = UnsafeBufferPointer(rebasing: bytes[start..<end])
            if let offset = match(line) {
                let column = line[..<offset].reduce(1) { $1 & 0xC0 == 0x80 ? $0 : $0 + 1 }
                return (lineNumber, column)
            }
            start = end + 1
        }
        return nil
    }
}

extension YAMLTree {
    /// True when both trees hold the same text in the same shape, wherever they were read from.
    public static func sameContent(_ a: YAMLTree, _ b: YAMLTree) -> Bool {
        switch (a, b) {
        case let (.scalar(x, _, _), .scalar(y, _, _)): x == y
        case let (.sequence(x, _), .sequence(y, _)): x.count == y.count && zip(x, y).allSatisfy { sameContent($0, $1) }
        case let (.mapping(x, _), .mapping(y, _)):
            x.count == y.count && zip(x, y).allSatisfy { $0.key.text == $1.key.text && sameContent($0.value, $1.value) }
        default: false
        }
    }

    /// The value under `key` in a mapping.
    public subscript(key: String) -> YAMLTree? {
        if case .mapping(let pairs, _) = self { return pairs.last { $0.key.text == key }?.value }
        return nil
    }
}
