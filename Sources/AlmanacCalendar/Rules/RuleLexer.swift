/// One token of a date rule, with its position in Unicode scalars.
struct RuleToken: Sendable {
    enum Kind: Sendable, Equatable {
        /// A run of letters, digits, `-`, `:` and CJK characters: `2026-05-01`, `weekly`, `中秋`.
        case word
        /// A signed number with an optional unit: `+7d`, `-3wd`, `-1`.
        case signed
        /// `..` or a dash between dates (`—`, `–`, `~`, `至` after a date).
        case range
        /// `,`, `，` or `、`.
        case comma
    }

    let kind: Kind
    let text: String
    /// 1-based, in Unicode scalars.
    let column: Int
    let length: Int

    /// Lowercased text, for keywords.
    let lower: String

    init(kind: Kind, text: String, column: Int, length: Int) {
        self.kind = kind
        self.text = text
        self.column = column
        self.length = length
        lower = text.lowercased()
    }
}

/// Splits a rule into tokens. Never fails: anything odd becomes a word for the parser to reject.
enum RuleLexer {
    static func tokens(_ scalars: [Unicode.Scalar]) -> [RuleToken] {
        var out: [RuleToken] = []
        var i = 0
        let n = scalars.count

        func isSpace(_ s: Unicode.Scalar) -> Bool {
            if s.value < 0x80 { return s == " " || (0x09...0x0D).contains(s.value) }
            return s.properties.isWhitespace || s == "\u{3000}"
        }
        func isDigit(_ s: Unicode.Scalar) -> Bool { ("0"..."9").contains(s) }
        func isQuote(_ s: Unicode.Scalar) -> Bool {
            switch s {
            case "“", "”", "‘", "’", "\"", "'", "「", "」", "『", "』", "《", "》": return true
            default: return false
            }
        }
        func isComma(_ s: Unicode.Scalar) -> Bool { s == "," || s == "，" || s == "、" }
        func isDash(_ s: Unicode.Scalar) -> Bool {
            s == "—" || s == "–" || s == "~" || s == "～" || s == "―" || s == "－"
        }
        // A Chinese date ends in 日 or 号; a dash or 至/到 right after one separates two dates.
        func endsChineseDate(_ s: Unicode.Scalar?) -> Bool { s == "日" || s == "号" }
        // `-10月10日` after `9月20日` is the second date of a window, not an offset of -10.
        func chineseDateFollows(_ k: Int) -> Bool {
            var j = k
            while j < n, isDigit(scalars[j]) { j += 1 }
            return j > k && j < n && (scalars[j] == "月" || scalars[j] == "日" || scalars[j] == "年" || scalars[j] == "号")
        }
        // Quotation marks around names (“五一”节假日前) are dropped from the word's text; the
        // token still spans them, so columns stay those of the original text.
        func make(_ kind: RuleToken.Kind, _ start: Int, _ end: Int) -> RuleToken {
            let slice = scalars[start..<end]
            let text: String
            if slice.allSatisfy({ $0.isASCII && $0 != "\"" && $0 != "'" }) {
                // ASCII without quotes (05-01, +3d, ..): the scalars are the bytes.
                text = String(unsafeUninitializedCapacity: slice.count) { bytes in
                    for (k, scalar) in slice.enumerated() { bytes[k] = UInt8(truncatingIfNeeded: scalar.value) }
                    return slice.count
                }
            } else {
                text = String(String.UnicodeScalarView(slice.filter { !isQuote($0) }))
            }
            return RuleToken(kind: kind, text: text, column: start + 1, length: end - start)
        }

        while i < n {
            let c = scalars[i]
            if isSpace(c) {
                i += 1
                continue
            }
            let prev: Unicode.Scalar? = i > 0 ? scalars[i - 1] : nil
            if c == ".", i + 1 < n, scalars[i + 1] == "." {
                out.append(make(.range, i, i + 2))
                i += 2
                continue
            }
            if isDash(c) {
                var j = i + 1
                while j < n, isDash(scalars[j]) { j += 1 }
                out.append(make(.range, i, j))
                i = j
                continue
            }
            if (c == "至" || c == "到" || (c == "-" && chineseDateFollows(i + 1))), endsChineseDate(prev) {
                out.append(make(.range, i, i + 1))
                i += 1
                continue
            }
            if isComma(c) {
                out.append(make(.comma, i, i + 1))
                i += 1
                continue
            }
            if (c == "+" || c == "-"), i + 1 < n, isDigit(scalars[i + 1]) {
                var j = i + 1
                while j < n, isDigit(scalars[j]) { j += 1 }
                while j < n, scalars[j].isASCII, scalars[j].properties.isAlphabetic { j += 1 }
                out.append(make(.signed, i, j))
                i = j
                continue
            }
            // A word.
            var j = i
            while j < n {
                let s = scalars[j]
                if isSpace(s) || isComma(s) || isDash(s) { break }
                if s == ".", j + 1 < n, scalars[j + 1] == "." { break }
                if j > i {
                    let p = scalars[j - 1]
                    if s == "+" { break }
                    // 春节-7d: a sign right after a CJK character starts an offset.
                    if s == "-", !p.isASCII, j + 1 < n, isDigit(scalars[j + 1]) { break }
                    if (s == "至" || s == "到"), endsChineseDate(p) { break }
                }
                j += 1
            }
            if j == i { j = i + 1 }
            let token = make(.word, i, j)
            if !token.text.isEmpty { out.append(token) }
            i = j
        }
        return out
    }
}
