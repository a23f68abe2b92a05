/// Terminal display width of text: East Asian wide and fullwidth characters (汉字, fullwidth
/// punctuation such as ，（）) and emoji take two columns; combining marks, zero-width joiners,
/// variation selectors and control characters take none. What `wcswidth(3)` does, without
/// depending on the locale.
enum DisplayWidth {
    static func of(_ text: some StringProtocol) -> Int {
        // Printable ASCII, general punctuation (– — “ ” …) and the CJK blocks below are each one character on their own (none of
        // them joins its neighbour into a grapheme cluster), so their widths add up scalar by
        // scalar, read from the UTF-8 in place (each of those scalars is one byte or three);
        // anything else is measured character by character.
        let scalarByScalar: Int?? = text.utf8.withContiguousStorageIfAvailable { bytes in
            var width = 0
            var i = 0
            while i < bytes.count {
                let lead = bytes[i]
                if lead < 0x80 {
                    guard lead >= 0x20 && lead <= 0x7E else { return nil }
                    width += 1
                    i += 1
                    continue
                }
                // A string's UTF-8 is valid: a lead byte 1110xxxx has its two bytes after it.
                guard lead & 0xF0 == 0xE0 else { return nil }
                let scalar = UInt32(lead & 0x0F) << 12 | UInt32(bytes[i + 1] & 0x3F) << 6 | UInt32(bytes[i + 2] & 0x3F)
                switch scalar {
                case 0x2010...0x2027: width += 1
                case 0x3000...0x3029, 0x3041...0x3096, 0x30A0...0x30FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xFF01...0xFF60:
                    width += 2
                default:
                    return nil
                }
                i += 3
            }
            return width
        }
        if let width = scalarByScalar ?? nil { return width }
        return text.reduce(0) { $0 + of(character: $1) }
    }

    static func of(character: Character) -> Int {
        let scalars = character.unicodeScalars
        guard let first = scalars.first else { return 0 }
        if first.properties.generalCategory == .control || first.properties.generalCategory == .format {
            return 0
        }
        if isWide(first) { return 2 }
        // An emoji presented as a picture (❤️ is U+2764 U+FE0F) fills two columns.
        if first.properties.isEmoji && (first.properties.isEmojiPresentation || scalars.contains("\u{FE0F}")) {
            return 2
        }
        if scalars.allSatisfy({ isZeroWidth($0) }) { return 0 }
        return 1
    }

    /// Wide (W) and fullwidth (F) in Unicode's East Asian Width property, for the blocks that matter.
    static func isWide(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x1100...0x115F, 0x231A...0x231B, 0x2329...0x232A, 0x2E80...0x303E, 0x3041...0x33FF,
            0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF, 0xA960...0xA97F, 0xAC00...0xD7A3,
            0xF900...0xFAFF, 0xFE10...0xFE19, 0xFE30...0xFE6F, 0xFF00...0xFF60, 0xFFE0...0xFFE6,
            0x1F300...0x1F64F, 0x1F900...0x1F9FF, 0x20000...0x2FFFD, 0x30000...0x3FFFD:
            return true
        default:
            return false
        }
    }

    static func isZeroWidth(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .format: return true
        default: return scalar.value == 0x200B || (0xFE00...0xFE0F).contains(scalar.value)
        }
    }

    /// `text` followed by spaces up to `width` columns (never truncated).
    static func padded(_ text: String, to width: Int) -> String {
        text + String(repeating: " ", count: max(0, width - of(text)))
    }

    /// `text` shortened to at most `width` columns, with `…` when cut.
    static func truncated(_ text: String, to width: Int) -> String {
        guard of(text) > width else { return text }
        var result = ""
        var used = 0
        for character in text {
            let w = of(character: character)
            if used + w > width - 1 { break }
            result.append(character)
            used += w
        }
        return result + "…"
    }
}
