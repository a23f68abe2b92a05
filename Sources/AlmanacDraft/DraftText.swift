/// Text normalisation before reading: full-width digits and letters as ASCII, spaces that PDF
/// conversion left inside dates ("12 月底前", "3 月 5 日") dropped, and traditional characters
/// read as simplified when the document is written in them.
public enum DraftText {
    /// Traditional → simplified, one character for one (ICU's Hant-Hans, see TraditionalSimplified.swift).
    /// Characters that are also ordinary simplified characters (乾 in 乾坤, 俱 in 俱乐部, 著, 麽…)
    /// are left out, so a simplified document is never changed by it.
    static let simplified: [Character: Character] = {
        let keep: Set<Character> = ["乾", "俱", "著", "麽", "瞭", "藉", "鍾", "於", "餘", "徵", "衝", "噹", "甦", "佈", "摺", "夥", "纔"]
        var map: [Character: Character] = [:]
        var pending: Character?
        for ch in traditionalSimplifiedPairs where !ch.isWhitespace {
            if let t = pending {
                if !keep.contains(t) { map[t] = ch }
                pending = nil
            } else {
                pending = ch
            }
        }
        return map
    }()

    /// Whether `text` is written in traditional characters: at least 3 of them, and at least 2% of
    /// its Han characters.
    static func isTraditional(_ text: String) -> Bool {
        var han = 0
        var traditional = 0
        for ch in text {
            guard DocumentScanner.isHan(ch) else { continue }
            han += 1
            if simplified[ch] != nil { traditional += 1 }
        }
        return traditional >= 3 && traditional * 50 >= han
    }

    static func halfWidth(_ ch: Character) -> Character {
        guard ch.unicodeScalars.count == 1, let s = ch.unicodeScalars.first else { return ch }
        switch s.value {
        case 0xFF10...0xFF19, 0xFF21...0xFF3A, 0xFF41...0xFF5A:
            return Character(Unicode.Scalar(s.value - 0xFEE0) ?? s)
        case 0x3000:
            return " "
        default:
            return ch
        }
    }

    static let dateWords: Set<Character> = ["年", "月", "日", "号"]

    /// One line as read: each kept character with the index of the character of `line` it comes from.
    static func normalize(_ line: String, traditional: Bool) -> (text: [Character], source: [Int]) {
        let chars = Array(line)
        var out: [Character] = []
        var source: [Int] = []
        out.reserveCapacity(chars.count)
        source.reserveCapacity(chars.count)
        var mapped = chars.map { halfWidth($0) }
        if traditional { mapped = mapped.map { simplified[$0] ?? $0 } }
        var i = 0
        while i < mapped.count {
            let ch = mapped[i]
            if ch == " " || ch == "\t" || ch == "\u{00A0}" {
                var j = i
                while j < mapped.count, mapped[j] == " " || mapped[j] == "\t" || mapped[j] == "\u{00A0}" { j += 1 }
                if let prev = out.last, j < mapped.count, Self.joins(prev, mapped[j]) {
                    i = j
                    continue
                }
                for k in i..<j {
                    out.append(mapped[k])
                    source.append(k)
                }
                i = j
                continue
            }
            out.append(ch)
            source.append(i)
            i += 1
        }
        return (out, source)
    }

    /// Whether spaces between `a` and `b` are left inside a date by PDF conversion ("12 月", "月 5", "二 月").
    static func joins(_ a: Character, _ b: Character) -> Bool {
        let aDigit = DocumentScanner.digit(a) != nil
        let bDigit = DocumentScanner.digit(b) != nil
        if aDigit && (bDigit || dateWords.contains(b)) { return true }
        if dateWords.contains(a) && bDigit { return true }
        if b == "月", DocumentScanner.chineseDigits[a] != nil || a == "十" { return true }
        if aDigit, b == ":" || b == "：" || b == "." { return true }
        if a == ":" || a == "：", bDigit { return true }
        return false
    }

    /// The form texts are compared in (the corpus scorer, duplicate checks): full-width as ASCII,
    /// traditional as simplified, without spaces.
    public static func matchingForm(_ text: String) -> String {
        var out = ""
        for ch in text {
            let h = halfWidth(ch)
            if h.isWhitespace { continue }
            out.append(simplified[h] ?? h)
        }
        return out
    }
}
