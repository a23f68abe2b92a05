/// Reads the block-style YAML that plans are written in straight from the bytes, without libyaml,
/// and gives the tree `EventReader` gives for the same text, node for node and position for
/// position. It answers nil for anything outside that style, and for every mistake: the text is
/// then read by `EventReader` (libyaml), which gives the tree or the diagnostic. So this is a
/// shortcut, never a second judge of what a YAML text means: a text it reads, libyaml reads the
/// same way (`YAMLBlockReaderTests` compares the two on every plan of the repository, on texts made
/// to probe each rule below, and on thousands of mutated plans).
///
/// What it reads: block mappings and sequences (indentless sequences under a key included), keys
/// written plain or in quotes on one line, plain scalars on one line, single- and double-quoted
/// scalars on one line, flow sequences and mappings on one line, comments, blank lines, CR LF line
/// ends. What it leaves to libyaml: anchors, aliases, tags, directives, document markers, block
/// scalars (`|`, `>`), any scalar or flow collection that goes on to another line, tabs, keys with
/// flow indicators or `*`, `?`, `&`, `!` in them, empty flow entries and values, trailing commas,
/// duplicate keys, the node and depth limits, control characters, byte-order marks and the line
/// breaks other than LF and CR LF. The 10,000-item plan of the benchmarks is read, checks included,
/// in under a third of the instructions libyaml and the tree built from its events took (167 M
/// against 592 M; docs/benchmarks.md, issue 14, twenty-first part).
struct BlockYAMLReader {
    private struct Unsupported: Error {}

    private let bytes: UnsafeBufferPointer<UInt8>
    private let fileName: String
    private let file: SourceFile
    private let maxDepth: Int
    private var budget: Int
    /// The next byte to read.
    private var pos = 0
    /// The line of `pos` (from 1) and the offset of its first byte.
    private var lineNumber = 1
    private var lineStart = 0
    /// The last position `location` counted: its line, byte offset and column.
    private var countedLine = 0
    private var countedOffset = 0
    private var countedColumn = 1

    private init(bytes: UnsafeBufferPointer<UInt8>, fileName: String, limits: YAMLLimits) {
        self.bytes = bytes
        self.fileName = fileName
        file = SourceFile(fileName)
        self.maxDepth = limits.maxDepth
        self.budget = limits.maxNodes
    }

    /// The tree of `bytes` (the text after a byte-order mark), or nil when libyaml must read it.
    static func read(_ bytes: UnsafeBufferPointer<UInt8>, fileName: String, limits: YAMLLimits) -> YAMLTree? {
        guard !bytes.isEmpty, isSimpleUTF8(bytes) else { return nil }
        var reader = BlockYAMLReader(bytes: bytes, fileName: fileName, limits: limits)
        do {
            return try reader.document()
        } catch {
            return nil
        }
    }

    // MARK: - Characters

    private static let space = UInt8(ascii: " "), newline = UInt8(ascii: "\n"), cr = UInt8(ascii: "\r")
    private static let dash = UInt8(ascii: "-"), colon = UInt8(ascii: ":"), hash = UInt8(ascii: "#")
    private static let comma = UInt8(ascii: ","), quote = UInt8(ascii: "'"), doubleQuote = UInt8(ascii: "\"")
    private static let openBracket = UInt8(ascii: "["), closeBracket = UInt8(ascii: "]")
    private static let openBrace = UInt8(ascii: "{"), closeBrace = UInt8(ascii: "}")
    private static let backslash = UInt8(ascii: "\\"), dot = UInt8(ascii: ".")

    /// True when `bytes` is valid UTF-8 and holds none of the characters whose reading this reader
    /// leaves to libyaml: a tab, a control character (NUL included; libyaml refuses them), a CR that
    /// is not part of a CR LF, the line breaks NEL, LS and PS, a byte-order mark inside the text
    /// (libyaml skips one at the start of a line), and the non-characters U+FFFE and U+FFFF. One
    /// pass: the text need not be made a string first.
    static func isSimpleUTF8(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let count = bytes.count
        var i = 0
        while i < count {
            let b = bytes[i]
            if b >= 0x20 && b < 0x7F {
                i += 1
                continue
            }
            if b < 0x80 {
                // LF, or CR before LF; every other control character, and DEL.
                if b == newline || (b == cr && i + 1 < count && bytes[i + 1] == newline) {
                    i += 1
                    continue
                }
                return false
            }
            // A sequence of two to four bytes, by the table of well-formed UTF-8 (Unicode 3.9, D92).
            let length: Int
            var low: UInt8 = 0x80, high: UInt8 = 0xBF
            switch b {
            case 0xC2...0xDF: length = 2
            case 0xE0: (length, low) = (3, 0xA0)
            case 0xE1...0xEC, 0xEE...0xEF: length = 3
            case 0xED: (length, high) = (3, 0x9F)
            case 0xF0: (length, low) = (4, 0x90)
            case 0xF1...0xF3: length = 4
            case 0xF4: (length, high) = (4, 0x8F)
            default: return false
            }
            guard i + length <= count, bytes[i + 1] >= low, bytes[i + 1] <= high else { return false }
            for k in 2..<max(2, length) where bytes[i + k] & 0xC0 != 0x80 { return false }
            let second = bytes[i + 1]
            switch b {
            case 0xC2 where second < 0xA0: return false  // U+0080-U+009F: C1 controls, NEL among them
            case 0xE2 where second == 0x80 && (bytes[i + 2] == 0xA8 || bytes[i + 2] == 0xA9): return false  // LS, PS
            case 0xEF where (second == 0xBB && bytes[i + 2] == 0xBF) || (second == 0xBF && bytes[i + 2] >= 0xBE): return false
            default: break
            }
            i += length
        }
        return true
    }

    /// The byte at `i`, or 0 past the end (the text holds no NUL).
    @inline(__always)
    private func byte(_ i: Int) -> UInt8 { i < bytes.count ? bytes[i] : 0 }

    /// True at the end of a line: LF, CR LF or the end of the text.
    @inline(__always)
    private func isLineEnd(_ i: Int) -> Bool {
        i >= bytes.count || bytes[i] == Self.newline || bytes[i] == Self.cr
    }

    /// True at a space or the end of a line (libyaml's "blank or break or end").
    @inline(__always)
    private func isBlankOrEnd(_ i: Int) -> Bool { isLineEnd(i) || bytes[i] == Self.space }

    /// The position of byte `offset` of the current line: columns count Unicode scalars from 1.
    /// Counted on from the last position asked for on the line, so a long line is counted once.
    private mutating func location(_ offset: Int) -> SourceLocation {
        if countedLine != lineNumber || countedOffset > offset {
            countedLine = lineNumber
            countedOffset = lineStart
            countedColumn = 1
        }
        var i = countedOffset
        var column = countedColumn
        while i < offset {
            if bytes[i] & 0xC0 != 0x80 { column += 1 }
            i += 1
        }
        countedOffset = offset
        countedColumn = column
        return SourceLocation(in: file, line: lineNumber, column: column)
    }

    private func text(_ start: Int, _ end: Int) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
    }

    // MARK: - Lines

    /// The indentation of the current content line (`pos` stands on its first byte that is not a space).
    private var indent: Int { pos - lineStart }

    private var atEnd: Bool { pos >= bytes.count }

    /// From the end of a line's content: spaces, then an optional comment, then the line's end,
    /// which is passed. Anything else there is not read here.
    private mutating func finishLine() throws(Unsupported) {
        while byte(pos) == Self.space { pos += 1 }
        if byte(pos) == Self.hash {
            // A comment needs a space before it (right after a quote or a bracket libyaml takes
            // one too; such text is left to it).
            guard bytes[pos - 1] == Self.space else { throw Unsupported() }
            while !isLineEnd(pos) { pos += 1 }
        }
        guard isLineEnd(pos) else { throw Unsupported() }
        nextLine()
    }

    /// Passes the line end at `pos`.
    private mutating func nextLine() {
        if pos < bytes.count {
            pos += bytes[pos] == Self.cr ? 2 : 1
            lineNumber += 1
            lineStart = pos
        }
    }

    /// From the start of a line: passes blank and comment-only lines and stops on the first byte
    /// of the next content line, or at the end of the text.
    private mutating func skipBlankLines() throws(Unsupported) {
        while pos < bytes.count {
            if pos == lineStart, isDocumentMarker(pos) { throw Unsupported() }
            while byte(pos) == Self.space { pos += 1 }
            if byte(pos) == Self.hash {
                while !isLineEnd(pos) { pos += 1 }
            }
            guard isLineEnd(pos) else { return }
            nextLine()
        }
    }

    /// `---` or `...` at the start of a line, then a space or the line's end.
    private func isDocumentMarker(_ i: Int) -> Bool {
        let c = byte(i)
        guard c == Self.dash || c == Self.dot else { return false }
        return byte(i + 1) == c && byte(i + 2) == c && isBlankOrEnd(i + 3)
    }

    /// Counts one node at `depth` against the limits; past them libyaml's reading reports it.
    private mutating func count(depth: Int) throws(Unsupported) {
        budget -= 1
        if budget < 0 || depth > maxDepth { throw Unsupported() }
    }

    // MARK: - Block structure

    private mutating func document() throws(Unsupported) -> YAMLTree {
        try skipBlankLines()
        guard !atEnd else { throw Unsupported() }
        let tree = try blockNode(column: indent, parent: -1, depth: 0)
        guard atEnd else { throw Unsupported() }
        return tree
    }

    /// The node whose first byte is at `pos`, in column `column` (0-based) of the block whose
    /// indentation is `parent`. Returns on the first byte of the next content line, or at the end.
    private mutating func blockNode(column: Int, parent: Int, depth: Int) throws(Unsupported) -> YAMLTree {
        if byte(pos) == Self.dash, isBlankOrEnd(pos + 1) {
            return try blockSequence(indent: column, depth: depth)
        }
        if try startsKey() {
            return try blockMapping(indent: column, depth: depth)
        }
        return try lineValue(parent: parent, depth: depth)
    }

    /// True when the text at `pos` is a key: a plain or quoted scalar on this line followed by
    /// `:` and a space or the line's end.
    private func startsKey() throws(Unsupported) -> Bool {
        var i = pos
        let c = byte(i)
        if c == Self.quote || c == Self.doubleQuote {
            i = try quotedEnd(from: i)
            while byte(i) == Self.space { i += 1 }
            return byte(i) == Self.colon && isBlankOrEnd(i + 1)
        }
        guard canStartPlain(at: i, inFlow: false) else { return false }
        while !isLineEnd(i) {
            let b = bytes[i]
            if b == Self.colon, isBlankOrEnd(i + 1) { return true }
            if b == Self.hash, bytes[i - 1] == Self.space { return false }
            i += 1
        }
        return false
    }

    private mutating func blockSequence(indent: Int, depth: Int) throws(Unsupported) -> YAMLTree {
        try count(depth: depth)
        let at = location(pos)
        var items: [YAMLTree] = []
        while true {
            // `pos` is on a `-` in column `indent`, followed by a space or the line's end.
            let afterDash = pos + 1
            pos = afterDash
            while byte(pos) == Self.space { pos += 1 }
            if isLineEnd(pos) || byte(pos) == Self.hash {
                let empty = location(afterDash)
                try finishLine()
                try skipBlankLines()
                if !atEnd, self.indent > indent {
                    items.append(try blockNode(column: self.indent, parent: indent, depth: depth + 1))
                } else {
                    try count(depth: depth + 1)
                    items.append(.scalar("", quoted: false, at: empty))
                }
            } else {
                // The entry's node starts on the dash's line; the text before it is ASCII.
                items.append(try blockNode(column: pos - lineStart, parent: indent, depth: depth + 1))
            }
            if atEnd || self.indent < indent { break }
            guard self.indent == indent else { throw Unsupported() }
            // Text in the dash's column that is no entry ends the list: an indentless list's
            // mapping goes on with its next key; anywhere else the caller refuses it.
            guard byte(pos) == Self.dash, isBlankOrEnd(pos + 1) else { break }
        }
        return .sequence(items, at: at)
    }

    private mutating func blockMapping(indent: Int, depth: Int) throws(Unsupported) -> YAMLTree {
        try count(depth: depth)
        let at = location(pos)
        var pairs: [(key: YAMLKey, value: YAMLTree)] = []
        // Room for the keys of most mappings at once (growing from one costs four allocations).
        pairs.reserveCapacity(8)
        var keys = KeySet()
        while true {
            // `pos` is on a key in column `indent`.
            let key = try blockKey()
            guard keys.insert(key.text, among: pairs) else { throw Unsupported() }
            // `pos` is just after the `:`.
            let afterColon = pos
            while byte(pos) == Self.space { pos += 1 }
            let value: YAMLTree
            if isLineEnd(pos) || byte(pos) == Self.hash {
                let empty = location(afterColon)
                try finishLine()
                try skipBlankLines()
                if !atEnd, self.indent > indent {
                    value = try blockNode(column: self.indent, parent: indent, depth: depth + 1)
                } else if !atEnd, self.indent == indent, byte(pos) == Self.dash, isBlankOrEnd(pos + 1) {
                    value = try blockSequence(indent: indent, depth: depth + 1)
                } else {
                    try count(depth: depth + 1)
                    value = .scalar("", quoted: false, at: empty)
                }
            } else {
                value = try lineValue(parent: indent, depth: depth + 1)
            }
            pairs.append((key, value))
            if atEnd || self.indent < indent { break }
            guard self.indent == indent, try startsKey() else { throw Unsupported() }
        }
        return .mapping(pairs, at: at)
    }

    /// A key at `pos` and its `:`; `pos` ends just after the `:`.
    private mutating func blockKey() throws(Unsupported) -> YAMLKey {
        let at = location(pos)
        let start = pos
        let key: String
        let c = byte(pos)
        if c == Self.quote || c == Self.doubleQuote {
            key = try quoted()
        } else {
            // A plain key: up to the `:`; the flow indicators and the characters libyaml's
            // readers treat apart (`*` aliases, `?` keys, `&` anchors, `!` tags) are left to it.
            var end = pos
            while !(bytes[pos] == Self.colon && isBlankOrEnd(pos + 1)) {
                switch bytes[pos] {
                case Self.openBracket, Self.closeBracket, Self.openBrace, Self.closeBrace, Self.comma,
                    UInt8(ascii: "*"), UInt8(ascii: "?"), UInt8(ascii: "&"), UInt8(ascii: "!"), Self.hash:
                    throw Unsupported()
                case Self.space: break
                default: end = pos + 1
                }
                pos += 1
            }
            key = text(start, end)
        }
        // libyaml takes a key of up to 1,024 characters.
        guard pos - start < 1000 else { throw Unsupported() }
        while byte(pos) == Self.space { pos += 1 }
        guard byte(pos) == Self.colon else { throw Unsupported() }
        pos += 1
        return YAMLKey(text: key, location: at)
    }

    /// A scalar or a flow collection that is the rest of a line; then the line's end, and no more
    /// indented line after it (a plain scalar would go on there, anything else is a mistake).
    private mutating func lineValue(parent: Int, depth: Int) throws(Unsupported) -> YAMLTree {
        let value = try inlineNode(inFlow: false, depth: depth)
        try finishLine()
        try skipBlankLines()
        if !atEnd, indent > parent { throw Unsupported() }
        return value
    }

    // MARK: - Scalars and flow collections

    /// True when a plain scalar may start at `i` (libyaml's rule for the first character).
    private func canStartPlain(at i: Int, inFlow: Bool) -> Bool {
        switch byte(i) {
        case Self.dash: return !isBlankOrEnd(i + 1)
        case UInt8(ascii: "?"), Self.colon: return !inFlow && !isBlankOrEnd(i + 1)
        case Self.comma, Self.openBracket, Self.closeBracket, Self.openBrace, Self.closeBrace, Self.hash,
            UInt8(ascii: "&"), UInt8(ascii: "*"), UInt8(ascii: "!"), UInt8(ascii: "|"), UInt8(ascii: ">"),
            Self.quote, Self.doubleQuote, UInt8(ascii: "%"), UInt8(ascii: "@"), UInt8(ascii: "`"), Self.space, 0:
            return false
        default: return !isLineEnd(i)
        }
    }

    /// The node at `pos` on this line: a quoted or plain scalar, or a flow collection.
    private mutating func inlineNode(inFlow: Bool, depth: Int) throws(Unsupported) -> YAMLTree {
        try count(depth: depth)
        let c = byte(pos)
        if c == Self.quote || c == Self.doubleQuote {
            var at = location(pos)
            // A quoted scalar points at its text, not at its opening quote (as `EventReader`).
            at.column += 1
            return .scalar(try quoted(), quoted: true, at: at)
        }
        if c == Self.openBracket || c == Self.openBrace { return try flowCollection(depth: depth) }
        guard canStartPlain(at: pos, inFlow: inFlow) else { throw Unsupported() }
        let at = location(pos)
        return .scalar(try plain(inFlow: inFlow), quoted: false, at: at)
    }

    /// A plain scalar from `pos`, which ends before a `:` followed by a space or the line's end,
    /// before a comment, at the line's end, and in a flow collection before `,[]{}`. `pos` ends on
    /// what stopped it, after the scalar's trailing spaces. A `:` that ends it is no value here.
    private mutating func plain(inFlow: Bool) throws(Unsupported) -> String {
        let start = pos
        var end = pos
        while !isLineEnd(pos) {
            let b = bytes[pos]
            if b == Self.space {
                pos += 1
                continue
            }
            if b == Self.hash, bytes[pos - 1] == Self.space { break }
            if b == Self.colon {
                if isBlankOrEnd(pos + 1) { throw Unsupported() }
                if inFlow {
                    // `x:` before a flow indicator is an error in libyaml; before `?` too.
                    switch byte(pos + 1) {
                    case Self.comma, UInt8(ascii: "?"), Self.openBracket, Self.closeBracket, Self.openBrace, Self.closeBrace:
                        throw Unsupported()
                    default: break
                    }
                }
            }
            if inFlow {
                if b == Self.comma || b == Self.openBracket || b == Self.closeBracket || b == Self.openBrace
                    || b == Self.closeBrace
                {
                    break
                }
            }
            pos += 1
            end = pos
        }
        return text(start, end)
    }

    /// The end (just past the closing quote) of the quoted scalar at `i`, on this line.
    private func quotedEnd(from i: Int) throws(Unsupported) -> Int {
        let q = bytes[i]
        var j = i + 1
        while true {
            guard !isLineEnd(j) else { throw Unsupported() }
            let b = bytes[j]
            if q == Self.quote {
                if b == Self.quote {
                    if byte(j + 1) == Self.quote {
                        j += 2
                        continue
                    }
                    return j + 1
                }
            } else if b == Self.backslash {
                // An escaped line break goes on to the next line.
                guard !isLineEnd(j + 1) else { throw Unsupported() }
                j += 2
                continue
            } else if b == Self.doubleQuote {
                return j + 1
            }
            j += 1
        }
    }

    /// The text of the quoted scalar at `pos`; `pos` ends just past its closing quote.
    private mutating func quoted() throws(Unsupported) -> String {
        let end = try quotedEnd(from: pos)
        let start = pos + 1
        let close = end - 1
        pos = end
        if bytes[start - 1] == Self.quote {
            guard let doubled = UnsafeBufferPointer(rebasing: bytes[start..<close]).firstIndex(of: Self.quote) else {
                return text(start, close)
            }
            var out = Array(bytes[start..<(start + doubled + 1)])
            var i = start + doubled + 2
            while i < close {
                out.append(bytes[i])
                i += bytes[i] == Self.quote ? 2 : 1
            }
            return String(decoding: out, as: UTF8.self)
        }
        guard UnsafeBufferPointer(rebasing: bytes[start..<close]).contains(Self.backslash) else {
            return text(start, close)
        }
        var out: [UInt8] = []
        out.reserveCapacity(close - start)
        var i = start
        while i < close {
            let b = bytes[i]
            guard b == Self.backslash else {
                out.append(b)
                i += 1
                continue
            }
            let e = bytes[i + 1]
            i += 2
            var scalar: UInt32
            switch e {
            case UInt8(ascii: "0"): scalar = 0
            case UInt8(ascii: "a"): scalar = 0x07
            case UInt8(ascii: "b"): scalar = 0x08
            case UInt8(ascii: "t"): scalar = 0x09
            case UInt8(ascii: "n"): scalar = 0x0A
            case UInt8(ascii: "v"): scalar = 0x0B
            case UInt8(ascii: "f"): scalar = 0x0C
            case UInt8(ascii: "r"): scalar = 0x0D
            case UInt8(ascii: "e"): scalar = 0x1B
            case Self.space: scalar = 0x20
            case Self.doubleQuote: scalar = 0x22
            case UInt8(ascii: "/"): scalar = 0x2F
            case Self.backslash: scalar = 0x5C
            case UInt8(ascii: "N"): scalar = 0x85
            case UInt8(ascii: "_"): scalar = 0xA0
            case UInt8(ascii: "L"): scalar = 0x2028
            case UInt8(ascii: "P"): scalar = 0x2029
            case UInt8(ascii: "x"), UInt8(ascii: "u"), UInt8(ascii: "U"):
                let digits = e == UInt8(ascii: "x") ? 2 : e == UInt8(ascii: "u") ? 4 : 8
                guard i + digits <= close else { throw Unsupported() }
                scalar = 0
                for k in i..<(i + digits) {
                    guard let digit = Self.hexValue(bytes[k]) else { throw Unsupported() }
                    scalar = scalar << 4 | digit
                }
                i += digits
            default:
                throw Unsupported()
            }
            guard let unicode = Unicode.Scalar(scalar) else { throw Unsupported() }
            out.append(contentsOf: UTF8.encode(unicode)!)
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func hexValue(_ b: UInt8) -> UInt32? {
        switch b {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(b - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt32(b - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt32(b - UInt8(ascii: "A") + 10)
        default: nil
        }
    }

    /// Spaces inside a flow collection; its end must be on the same line.
    private mutating func skipFlowSpaces() throws(Unsupported) {
        while byte(pos) == Self.space { pos += 1 }
        if isLineEnd(pos) || byte(pos) == Self.hash { throw Unsupported() }
    }

    /// The flow sequence or mapping at `pos` (counted by the caller), up to its closing bracket.
    private mutating func flowCollection(depth: Int) throws(Unsupported) -> YAMLTree {
        let at = location(pos)
        let isMapping = bytes[pos] == Self.openBrace
        let close = isMapping ? Self.closeBrace : Self.closeBracket
        pos += 1
        try skipFlowSpaces()
        var items: [YAMLTree] = []
        var pairs: [(key: YAMLKey, value: YAMLTree)] = []
        var keys = KeySet()
        if byte(pos) != close {
            if isMapping { pairs.reserveCapacity(4) } else { items.reserveCapacity(4) }
            while true {
                if isMapping {
                    let keyAt = location(pos)
                    let c = byte(pos)
                    let key: String
                    if c == Self.quote || c == Self.doubleQuote {
                        key = try quoted()
                    } else {
                        guard canStartPlain(at: pos, inFlow: true) else { throw Unsupported() }
                        key = try flowKey()
                    }
                    while byte(pos) == Self.space { pos += 1 }
                    guard byte(pos) == Self.colon, byte(pos + 1) == Self.space else { throw Unsupported() }
                    pos += 1
                    try skipFlowSpaces()
                    guard keys.insert(key, among: pairs) else { throw Unsupported() }
                    // A key without a value (`{a, b: 1}`, `{a: }`) is left to libyaml.
                    let v = byte(pos)
                    if v == Self.comma || v == close { throw Unsupported() }
                    pairs.append((YAMLKey(text: key, location: keyAt), try inlineNode(inFlow: true, depth: depth + 1)))
                } else {
                    items.append(try inlineNode(inFlow: true, depth: depth + 1))
                }
                try skipFlowSpaces()
                let b = byte(pos)
                if b == close { break }
                guard b == Self.comma else { throw Unsupported() }
                pos += 1
                try skipFlowSpaces()
                // An empty entry or a trailing comma is left to libyaml.
                if byte(pos) == close || byte(pos) == Self.comma { throw Unsupported() }
            }
        }
        pos += 1
        return isMapping ? .mapping(pairs, at: at) : .sequence(items, at: at)
    }

    /// A plain key inside a flow mapping: up to its `:` and a space.
    private mutating func flowKey() throws(Unsupported) -> String {
        let start = pos
        var end = pos
        while !isLineEnd(pos) {
            let b = bytes[pos]
            if b == Self.colon, byte(pos + 1) == Self.space { break }
            switch b {
            case Self.space: break
            case Self.colon, Self.hash, Self.comma, Self.openBracket, Self.closeBracket, Self.openBrace, Self.closeBrace,
                UInt8(ascii: "*"), UInt8(ascii: "?"), UInt8(ascii: "&"), UInt8(ascii: "!"):
                throw Unsupported()
            default: end = pos + 1
            }
            pos += 1
        }
        return text(start, end)
    }

    /// The keys of one mapping, to find a repeated one: compared one by one while few, then kept
    /// in a set.
    private struct KeySet {
        private var set: Set<String>?

        /// False when `key` is among the keys already read.
        mutating func insert(_ key: String, among pairs: [(key: YAMLKey, value: YAMLTree)]) -> Bool {
            if set == nil {
                if pairs.count < 8 { return !pairs.contains { $0.key.text == key } }
                set = Set(pairs.map(\.key.text))
            }
            return set!.insert(key).inserted
        }
    }
}
