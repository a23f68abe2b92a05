/// Why a date rule could not be read, and where.
///
/// `column` and `length` count Unicode scalars of the rule text, `column` starting at 1, so an
/// editor or the plan validator can underline the offending part (`中球` in `中球 -3d`).
public struct RuleParseError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The kind of problem.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public init(_ rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// The rule text is empty.
        public static let empty = Code("empty")
        /// A word that is not part of the rule language here.
        public static let unexpected = Code("unexpected")
        /// The rule stops where something more is needed.
        public static let incomplete = Code("incomplete")
        /// A Gregorian date that does not exist (2026-02-30, month 13).
        public static let invalidDate = Code("invalid-date")
        /// A lunar date that does not exist (农历十三月, a leap month missing from that year).
        public static let invalidLunarDate = Code("invalid-lunar-date")
        /// A number out of its range (an interval of 0, a time 25:00).
        public static let invalidNumber = Code("invalid-number")
        /// A festival, solar term or holiday name that the catalog does not know.
        public static let unknownName = Code("unknown-name")
        /// Parts of the rule that cannot go together (`count` without `from`, a modifier twice).
        public static let conflict = Code("conflict")
    }

    public let code: Code
    /// A readable explanation, e.g. "unknown festival '中球' — did you mean '中秋'?".
    public let message: String
    /// 1-based position of the problem, in Unicode scalars.
    public let column: Int
    /// How many Unicode scalars the problem spans (at least 1).
    public let length: Int

    public init(code: Code, message: String, column: Int, length: Int) {
        self.code = code
        self.message = message
        self.column = max(1, column)
        self.length = max(1, length)
    }

    /// `column N: message`.
    public var description: String { "column \(column): \(message)" }

    /// The rule text with a caret line under the problem, for terminals:
    ///
    ///     中球 -3d
    ///     ^^
    /// CJK characters are counted as two terminal columns.
    public func pointer(in text: String) -> String {
        let scalars = Array(text.unicodeScalars)
        var pad = 0
        for s in scalars.prefix(column - 1) { pad += s.isWide ? 2 : 1 }
        var width = 0
        for s in scalars.dropFirst(column - 1).prefix(length) { width += s.isWide ? 2 : 1 }
        return text + "\n" + String(repeating: " ", count: pad) + String(repeating: "^", count: max(1, width))
    }
}

extension Unicode.Scalar {
    /// East Asian wide or full-width (CJK ideographs, kana, full-width forms, CJK punctuation).
    var isWide: Bool {
        switch value {
        case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF,
            0xA000...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60,
            0xFFE0...0xFFE6, 0x20000...0x3FFFD:
            return true
        default:
            return false
        }
    }
}
