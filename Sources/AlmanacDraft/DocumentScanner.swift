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

    static let sentenceEnds: Set<Character> = ["。", "！", "？", "!", "?", "；", ";"]

    /// Sentences of a line: split after 。！？；; and after an ASCII full stop between Chinese text
    /// ("精彩不断.本次"); quotation marks do not protect a sentence end.
    static func splitSentences(_ chars: [Character]) -> [[Character]] {
        var out: [[Character]] = []
        var current: [Character] = []
        for (i, ch) in chars.enumerated() {
            current.append(ch)
            var end = sentenceEnds.contains(ch)
            if ch == ".", i > 0, i + 1 < chars.count, !chars[i - 1].isASCII || !chars[i + 1].isASCII,
                !(chars[i - 1].isNumber && chars[i + 1].isNumber)
            {
                end = true
            }
            if end {
                // A closing quote right after the stop belongs to this sentence.
                if i + 1 < chars.count, chars[i + 1] == "”" || chars[i + 1] == "」" { continue }
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

    static let clauseBreaks: Set<Character> = ["，", ",", "、", "：", ":", "；", ";", "。", "！", "？", "!", "?"]
    static let opening: Set<Character> = ["“", "《", "（", "(", "「", "【", "〔", "‘"]
    static let closing: Set<Character> = ["”", "》", "）", ")", "」", "】", "〕", "’"]

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
            if ch == "“" || ch == "「" { q += 1 }
            if ch == "《" { t += 1 }
            quoted[i] = q > 0
            titled[i] = t > 0
            if ch == "”" || ch == "」" { q = max(0, q - 1) }
            if ch == "》" { t = max(0, t - 1) }
        }
        return (quoted, titled)
    }

    static func isHan(_ ch: Character) -> Bool {
        guard let s = ch.unicodeScalars.first else { return false }
        return (0x4E00...0x9FFF).contains(s.value) || (0x3400...0x4DBF).contains(s.value)
            || (0x20000...0x2FFFF).contains(s.value) || s.value == 0x3007
    }

    /// An ASCII or full-width decimal digit's value.
    static func digit(_ ch: Character) -> Int? {
        guard let s = ch.unicodeScalars.first, ch.unicodeScalars.count == 1 else { return nil }
        if (0x30...0x39).contains(s.value) { return Int(s.value - 0x30) }
        if (0xFF10...0xFF19).contains(s.value) { return Int(s.value - 0xFF10) }
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

    static let chineseDigits: [Character: Int] = [
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
            } else if ch == "十" || ch == "廿" || ch == "卅" {
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
        let c = Array(text)
        var out: [String] = []
        var i = 0
        while i < c.count {
            if c[i] == "年", i >= 2 {
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
        for k in 0..<word.count where c[i + k] != word[k] { return false }
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
