/// Character-level helpers: lines, sentences, clauses, numbers.
enum DocumentScanner {
    /// Lines split at \n, \r\n, \r, U+2028 and U+2029 (line numbers count every break).
    static func splitLines(_ text: String) -> [String] {
        // On UTF-8 bytes: \n, \r\n, \r, and U+2028/U+2029 (E2 80 A8 / E2 80 A9).
        var lines: [String] = []
        let bytes = Array(text.utf8)
        var start = 0
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            var breakLength = 0
            if b == 0x0A {
                breakLength = 1
            } else if b == 0x0D {
                breakLength = i + 1 < bytes.count && bytes[i + 1] == 0x0A ? 2 : 1
            } else if b == 0xE2, i + 2 < bytes.count, bytes[i + 1] == 0x80, bytes[i + 2] == 0xA8 || bytes[i + 2] == 0xA9 {
                breakLength = 3
            }
            if breakLength > 0 {
                lines.append(String(decoding: bytes[start..<i], as: UTF8.self))
                i += breakLength
                start = i
            } else {
                i += 1
            }
        }
        if start < bytes.count { lines.append(String(decoding: bytes[start...], as: UTF8.self)) }
        return lines
    }

    static let sentenceEnds: ScalarSet = ["。", "！", "？", "!", "?", "；", ";"]

    /// Sentences of a line: split after 。！？；; and after an ASCII full stop between Chinese text
    /// ("精彩不断.本次"); quotation marks do not protect a sentence end.
    static func splitSentences(_ chars: [Character]) -> [[Character]] {
        var out: [[Character]] = []
        var current: [Character] = []
        for (i, ch) in chars.enumerated() {
            current.append(ch)
            var end = sentenceEnds.contains(ch)
            if same(ch, "."), i > 0, i + 1 < chars.count, !chars[i - 1].isASCII || !chars[i + 1].isASCII,
                !(chars[i - 1].isNumber && chars[i + 1].isNumber)
            {
                end = true
            }
            if end {
                // A closing quote right after the stop belongs to this sentence.
                if i + 1 < chars.count, quoteCloses.contains(chars[i + 1]) { continue }
                out.append(current)
                current = []
            }
        }
        if !current.allSatisfy({ $0.isWhitespace }) { out.append(current) }
        return out.flatMap(chunked).filter { $0.contains { isHan($0) || $0.isNumber } }
    }

    /// A sentence longer than `maxSentence` characters (a page flattened into one line) cut at
    /// clause breaks, so that the work per sentence stays bounded and the whole stays linear.
    static let maxSentence = 600

    static func chunked(_ s: [Character]) -> [[Character]] {
        guard s.count > maxSentence else { return [s] }
        var out: [[Character]] = []
        var start = 0
        while s.count - start > maxSentence {
            var cut = start + maxSentence
            var k = cut
            while k > start + maxSentence / 2 {
                if clauseBreaks.contains(s[k - 1]) {
                    cut = k
                    break
                }
                k -= 1
            }
            out.append(Array(s[start..<cut]))
            start = cut
        }
        out.append(Array(s[start...]))
        return out
    }

    static let clauseBreaks: ScalarSet = ["，", ",", "、", "：", ":", "；", ";", "。", "！", "？", "!", "?"]
    static let opening: ScalarSet = ["“", "《", "（", "(", "「", "【", "〔", "‘"]
    static let closing: ScalarSet = ["”", "》", "）", ")", "」", "】", "〕", "’"]
    static let quoteOpens: ScalarSet = ["“", "「"]
    static let quoteCloses: ScalarSet = ["”", "」"]

    /// Clause ranges of a sentence: split at commas, 、 and colons outside quotation marks and brackets.
    static func clauses(_ chars: [Character]) -> [Range<Int>] {
        var out: [Range<Int>] = []
        var depth = 0
        var start = 0
        for (i, ch) in chars.enumerated() {
            if opening.contains(ch) {
                depth += 1
            } else if closing.contains(ch) {
                depth = max(0, depth - 1)
            } else if depth == 0, clauseBreaks.contains(ch) {
                if i > start { out.append(start..<i) }
                start = i + 1
            }
        }
        if start < chars.count { out.append(start..<chars.count) }
        return out.isEmpty ? [0..<chars.count] : out
    }

    /// For each character, whether it is inside “quotation marks” (depth > 0 of “”), and inside 《》.
    static func quoteDepths(_ chars: [Character]) -> (quoted: [Bool], titled: [Bool]) {
        var quoted = [Bool](repeating: false, count: chars.count)
        var titled = [Bool](repeating: false, count: chars.count)
        var q = 0
        var t = 0
        for (i, ch) in chars.enumerated() {
            if quoteOpens.contains(ch) { q += 1 }
            if same(ch, "《") { t += 1 }
            quoted[i] = q > 0
            titled[i] = t > 0
            if quoteCloses.contains(ch) { q = max(0, q - 1) }
            if same(ch, "》") { t = max(0, t - 1) }
        }
        return (quoted, titled)
    }

    /// `ch.isWhitespace`: whether its first scalar has Unicode's White_Space property, read from the
    /// 25 such scalars (the property's look-up was most of `DraftText.matchingForm`).
    static func isWhitespace(_ ch: Character) -> Bool {
        switch firstScalar(ch).value {
        case 0x09...0x0D, 0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000:
            return true
        default:
            return false
        }
    }

    /// The value of a character that is one Unicode scalar; nil for a cluster of several.
    @inline(__always)
    static func scalarValue(_ ch: Character) -> UInt32? {
        let (v, alone) = firstScalar(ch)
        return alone ? v : nil
    }

    /// The value of a character's first scalar, and whether it is the only one; decoded from the
    /// UTF-8 bytes (valid in a `Character`): the scalar view validates its indices.
    @inline(__always)
    static func firstScalar(_ ch: Character) -> (value: UInt32, alone: Bool) {
        var bytes = ch.utf8.makeIterator()
        guard let b0 = bytes.next() else { return (0, false) }
        var v: UInt32
        var more: Int
        if b0 < 0x80 {
            v = UInt32(b0)
            more = 0
        } else if b0 < 0xE0 {
            v = UInt32(b0 & 0x1F)
            more = 1
        } else if b0 < 0xF0 {
            v = UInt32(b0 & 0x0F)
            more = 2
        } else {
            v = UInt32(b0 & 0x07)
            more = 3
        }
        while more > 0 {
            guard let b = bytes.next() else { return (v, false) }
            v = v << 6 | UInt32(b & 0x3F)
            more -= 1
        }
        return (v, bytes.next() == nil)
    }

    /// The value of a character that is one scalar with no canonical decomposition. Two such
    /// characters are equal exactly when their values are; `Character` equality is canonical
    /// equivalence and compares through Unicode normalisation (slow when they differ), and a
    /// decomposing scalar can equal another (the compatibility ideograph U+F98E is 年), so those
    /// and clusters give nil and are compared as characters.
    @inline(__always)
    static func plainScalar(_ ch: Character) -> UInt32? {
        guard let v = scalarValue(ch), !mayDecompose(v) else { return nil }
        return v
    }

    /// Whether a scalar may have a canonical decomposition: a superset of those that have one
    /// (precomposed letters, Hangul syllables, kana with voicing marks, compatibility ideographs…);
    /// ASCII, Han, CJK and general punctuation and full-width forms are outside it.
    @inline(__always)
    static func mayDecompose(_ v: UInt32) -> Bool {
        (0xC0...0x1FFF).contains(v) || v == 0x2000 || v == 0x2001 || (0x2100...0x2FFF).contains(v) || (0x3040...0x30FF).contains(v)
            || (0xAC00...0xD7A3).contains(v) || (0xF900...0xFB4F).contains(v) || v >= 0x10000
    }

    /// `a == b`, by scalar value when both are plain scalars.
    @inline(__always)
    static func same(_ a: Character, _ b: Character) -> Bool {
        if let v = plainScalar(a), let w = plainScalar(b) { return v == w }
        return a == b
    }

    /// Whether a scalar is always a character of its own: ASCII and Latin (but no line breaks),
    /// general punctuation, letterlike symbols, number forms, arrows, mathematical and technical
    /// symbols, circled numbers, shapes, dingbats, CJK punctuation, kana, enclosed and
    /// compatibility CJK, Han, full-width forms.
    /// None of them is a combining mark, joiner, prepended mark, Hangul jamo or regional indicator,
    /// so a string of them breaks into characters at every scalar.
    @inline(__always)
    static func standsAlone(_ v: UInt32) -> Bool {
        switch v {
        case 0x09, 0x20...0x7E, 0xA0...0x17F, 0x2010...0x2027, 0x2030...0x205E, 0x2100...0x27BF, 0x3000...0x3029, 0x3030...0x303F,
            0x3041...0x3096, 0x30A0...0x30FF, 0x3200...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xFE30...0xFE4F, 0xFF01...0xFF65,
            0xFFE0...0xFFE6:
            return true
        default:
            return false
        }
    }

    /// `Array(s)`: the characters of `s`. Text whose every scalar stands alone is split by scalar,
    /// without the grapheme-breaking rules; other text is split by them.
    static func characters(_ s: String) -> [Character] {
        var out: [Character] = []
        for scalar in s.unicodeScalars {
            let v = scalar.value
            guard standsAlone(v) else { return Array(s) }
            out.append(v < 0x10000 ? bmpCharacters[Int(v)] : Character(scalar))
        }
        return out
    }

    /// Each scalar of the Basic Multilingual Plane as a character, made once (making one from a
    /// scalar builds a string); surrogates, which no string holds, as U+FFFD.
    static let bmpCharacters: [Character] = (0..<0x10000).map { Unicode.Scalar(UInt32($0)).map(Character.init) ?? "\u{FFFD}" }

    static func isHan(_ ch: Character) -> Bool {
        let v = firstScalar(ch).value
        return (0x4E00...0x9FFF).contains(v) || (0x3400...0x4DBF).contains(v) || (0x20000...0x2FFFF).contains(v) || v == 0x3007
    }

    /// An ASCII or full-width decimal digit's value.
    static func digit(_ ch: Character) -> Int? {
        guard let v = scalarValue(ch) else { return nil }
        if (0x30...0x39).contains(v) { return Int(v - 0x30) }
        if (0xFF10...0xFF19).contains(v) { return Int(v - 0xFF10) }
        return nil
    }

    /// A run of decimal digits at `i` (at most `maxDigits`), not preceded by another digit.
    static func asciiNumber(_ c: [Character], _ i: Int, maxDigits: Int = 9) -> (value: Int, end: Int)? {
        guard i < c.count, digit(c[i]) != nil else { return nil }
        if i > 0, digit(c[i - 1]) != nil { return nil }
        var j = i
        var value = 0
        while j < c.count, let d = digit(c[j]) {
            value = value * 10 + d
            j += 1
            if j - i > maxDigits { return nil }
        }
        return (value, j)
    }

    static let chineseDigits: ScalarTable<Int> = [
        "〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
    ]

    /// A Chinese numeral from 1 to 99 at `i` (一, 十一, 二十, 廿三, 三十一).
    static func chineseNumber(_ c: [Character], _ i: Int) -> (value: Int, end: Int)? {
        var j = i
        var value = 0
        var seenTen = false
        var current: Int?
        while j < c.count {
            let ch = c[j]
            if let d = chineseDigits[ch] {
                if current != nil { break }
                current = d
            } else if "十廿卅".contains(ch) {
                if seenTen { break }
                let base = ch == "十" ? 10 : (ch == "廿" ? 20 : 30)
                value = ch == "十" ? (current ?? 1) * base : base
                current = nil
                seenTen = true
            } else {
                break
            }
            j += 1
            if j - i > 3 { break }
        }
        guard j > i else { return nil }
        value += current ?? 0
        guard value > 0, value < 100 else { return nil }
        return (value, j)
    }

    /// A number in digits or Chinese numerals at `i`.
    static func number(_ c: [Character], _ i: Int, maxDigits: Int = 4) -> (value: Int, end: Int)? {
        if let n = asciiNumber(c, i, maxDigits: maxDigits) { return n }
        if i > 0, chineseDigits[c[i - 1]] != nil || c[i - 1] == "十" { return nil }
        return chineseNumber(c, i)
    }

    /// Placeholder years written in the text: XX年, 20XX年, xx年, 20xx年, ××年.
    static func placeholderYears(in text: String) -> [String] {
        let c = characters(text)
        var out: [String] = []
        var i = 0
        while i < c.count {
            if same(c[i], "年"), i >= 2 {
                var j = i - 1
                while j >= 0, "XxＸｘ×*＊0123456789".contains(c[j]) { j -= 1 }
                let token = String(c[(j + 1)..<i])
                if token.count >= 2, token.contains(where: { "XxＸｘ×*＊".contains($0) }) {
                    let t = token + "年"
                    if !out.contains(t) { out.append(t) }
                }
            }
            i += 1
        }
        return out
    }

    /// Whether `word` occurs at index `i` of `c`.
    static func matches(_ c: [Character], _ i: Int, _ word: [Character]) -> Bool {
        guard i >= 0, i + word.count <= c.count else { return false }
        for k in 0..<word.count where !same(c[i + k], word[k]) { return false }
        return true
    }

    /// `matches(c, i, word)` without making the array: the word's scalars compared with the
    /// characters' (as `same` does); a word with a scalar that may decompose or join its neighbour
    /// is made into characters.
    static func matches(_ c: [Character], _ i: Int, _ word: String) -> Bool {
        guard i >= 0, i <= c.count else { return false }
        var k = i
        for scalar in word.unicodeScalars {
            let v = scalar.value
            guard standsAlone(v), !mayDecompose(v) else { return matches(c, i, word) }
            guard k < c.count else { return false }
            if let w = plainScalar(c[k]) {
                if w != v { return false }
            } else if c[k] != bmpCharacters[Int(v)] {
                return false
            }
            k += 1
        }
        return true
    }

    /// The first index of `word` in `c[range]`, if any.
    static func find(_ c: [Character], _ word: [Character], in range: Range<Int>) -> Int? {
        guard !word.isEmpty, range.count >= word.count else { return nil }
        var i = range.lowerBound
        while i + word.count <= range.upperBound {
            if matches(c, i, word) { return i }
            i += 1
        }
        return nil
    }
}

/// A set of characters that answers `contains` by scalar value when the character and every member
/// are plain scalars (see `DocumentScanner.plainScalar`), which gives the same answer as
/// `Set<Character>`: hashing a `Character` goes through Unicode normalisation.
struct ScalarSet: ExpressibleByArrayLiteral, Sendable {
    let characters: Set<Character>
    private let scalars: [UInt32]
    private let scalarSet: Set<UInt32>
    private let members: ScalarBits
    /// Whether every member is a plain scalar (else lookups compare characters).
    private let plain: Bool

    init<S: Sequence>(_ members: S) where S.Element == Character {
        characters = Set(members)
        let values = characters.compactMap(DocumentScanner.plainScalar)
        plain = values.count == characters.count
        scalars = values.sorted()
        scalarSet = Set(values)
        self.members = ScalarBits(values)
    }

    init(arrayLiteral elements: Character...) { self.init(elements) }

    @inline(__always)
    func contains(_ ch: Character) -> Bool {
        guard plain, let v = DocumentScanner.plainScalar(ch) else { return characters.contains(ch) }
        // (A few members: a scan beats a look-up.)
        return scalars.count <= 16 ? scalars.contains(v) : members.mayContain(v) && scalarSet.contains(v)
    }
}

/// Which scalars of the Basic Multilingual Plane are in a set, one bit each (8 KB): most look-ups
/// are of characters that are not, and are answered without hashing. Scalars above it always may be.
struct ScalarBits: Sendable {
    private let words: [UInt64]

    init<S: Sequence>(_ values: S) where S.Element == UInt32 {
        var words = [UInt64](repeating: 0, count: 1024)
        for v in values where v < 0x10000 { words[Int(v >> 6)] |= 1 << UInt64(v & 63) }
        self.words = words
    }

    @inline(__always)
    func mayContain(_ v: UInt32) -> Bool {
        v >= 0x10000 || words[Int(v >> 6)] & (1 << UInt64(v & 63)) != 0
    }
}

/// A dictionary keyed by characters, looked up by scalar value like `ScalarSet`.
struct ScalarTable<Value: Sendable>: ExpressibleByDictionaryLiteral, Sendable {
    let characters: [Character: Value]
    private let scalars: [UInt32: Value]
    private let keyBits: ScalarBits
    private let plain: Bool

    init(_ characters: [Character: Value]) {
        self.characters = characters
        var scalars: [UInt32: Value] = [:]
        for (ch, value) in characters {
            if let v = DocumentScanner.plainScalar(ch) { scalars[v] = value }
        }
        self.scalars = scalars
        keyBits = ScalarBits(scalars.keys)
        plain = scalars.count == characters.count
    }

    init(dictionaryLiteral elements: (Character, Value)...) {
        self.init(Dictionary(elements, uniquingKeysWith: { a, _ in a }))
    }

    var keys: Dictionary<Character, Value>.Keys { characters.keys }

    @inline(__always)
    subscript(_ ch: Character) -> Value? {
        guard plain, let v = DocumentScanner.plainScalar(ch) else { return characters[ch] }
        return keyBits.mayContain(v) ? scalars[v] : nil
    }
}
