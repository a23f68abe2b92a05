import AlmanacCalendar
import Foundation

/// The content-line layer of RFC 5545: escaping TEXT values, folding long lines at 75 octets
/// without splitting a UTF-8 character, CRLF line ends, and the date and date-time forms.
public enum ICSFormat {
    /// The longest content line in octets, without its CRLF (RFC 5545 section 3.1).
    public static let maxLineOctets = 75

    /// Escapes a TEXT value: backslash, semicolon, comma and line breaks (`\n`, `\r\n`, `\r`
    /// all become `\n`), as RFC 5545 section 3.3.11 requires.
    public static func escapeText(_ text: String) -> String {
        // Most values (titles, ids) need nothing: answer them as they are.
        guard text.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\\") || $0 == UInt8(ascii: ";") || $0 == UInt8(ascii: ",") })
        else { return text }
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count + 8)
        // Bytes, not Characters: "\r\n" stays two bytes (a Character would join them), and the
        // bytes of a multi-byte UTF-8 character are all >= 0x80, so none is taken for ASCII.
        var previousWasCR = false
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\\"), UInt8(ascii: ";"), UInt8(ascii: ","):
                out.append(UInt8(ascii: "\\"))
                out.append(byte)
                previousWasCR = false
            case 0x0D:
                out.append(UInt8(ascii: "\\"))
                out.append(UInt8(ascii: "n"))
                previousWasCR = true
            case 0x0A:
                if !previousWasCR {
                    out.append(UInt8(ascii: "\\"))
                    out.append(UInt8(ascii: "n"))
                }
                previousWasCR = false
            default:
                // Other control characters are not allowed in TEXT; drop them rather than emit an
                // invalid line.
                previousWasCR = false
                if byte < 0x20 && byte != 0x09 { continue }
                out.append(byte)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Undoes ``escapeText(_:)``: `\\n`/`\\N` become a newline, `\\\\`, `\\;`, `\\,` their character.
    /// An unknown escape keeps the character after the backslash.
    public static func unescapeText(_ text: String) -> String {
        var out = ""
        var escaping = false
        for scalar in text.unicodeScalars {
            if escaping {
                switch scalar {
                case "n", "N": out += "\n"
                default: out.unicodeScalars.append(scalar)
                }
                escaping = false
            } else if scalar == "\\" {
                escaping = true
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        if escaping { out += "\\" }
        return out
    }

    /// Splits a content line into physical lines of at most 75 octets; continuation lines start
    /// with one space (which counts towards their 75). A UTF-8 character is never split.
    public static func fold(_ line: String) -> [String] {
        var lines: [String] = []
        fold(line) { lines.append(String(decoding: $0, as: UTF8.self)) }
        return lines
    }

    /// ``fold(_:)`` without the array: each physical line's bytes, in order.
    static func fold(_ line: String, _ physical: (UnsafeRawBufferPointer) -> Void) {
        var line = line
        line.withUTF8 { bytes in
            if bytes.count <= maxLineOctets {
                physical(UnsafeRawBufferPointer(bytes))
                return
            }
            var piece: [UInt8] = []
            piece.reserveCapacity(maxLineOctets)
            var index = 0
            while index < bytes.count {
                let lead = bytes[index]
                let size = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4
                let end = min(index + size, bytes.count)
                if piece.count + (end - index) > maxLineOctets {
                    piece.withUnsafeBytes(physical)
                    piece.removeAll(keepingCapacity: true)
                    piece.append(0x20)
                }
                piece.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[index..<end]))
                index = end
            }
            piece.withUnsafeBytes(physical)
        }
    }

    /// Joins folded physical lines back into content lines (RFC 5545 section 3.1): a line that
    /// starts with a space or a tab continues the previous one. Accepts CRLF and bare LF.
    public static func unfold(_ text: String) -> [String] {
        var result: [String] = []
        let normalized = text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
        for raw in normalized.split(separator: "\n", omittingEmptySubsequences: false) {
            if let first = raw.first, first == " " || first == "\t", !result.isEmpty {
                result[result.count - 1] += raw.dropFirst()
            } else if !raw.isEmpty {
                result.append(String(raw))
            }
        }
        return result
    }

    /// `YYYYMMDD`, the DATE value form.
    public static func date(_ d: CivilDate) -> String {
        let c = d.components
        return pad(c.year, 4) + pad(c.month, 2) + pad(c.day, 2)
    }

    /// `YYYYMMDDTHHMMSS`, a local DATE-TIME (used with TZID).
    public static func localDateTime(_ d: CivilDate, hour: Int, minute: Int, second: Int = 0) -> String {
        date(d) + "T" + pad(hour, 2) + pad(minute, 2) + pad(second, 2)
    }

    /// `YYYYMMDDTHHMMSSZ`, a UTC DATE-TIME (DTSTAMP).
    public static func utcDateTime(_ instant: Date) -> String {
        let seconds = Int(instant.timeIntervalSince1970.rounded(.down))
        let days = seconds >= 0 ? seconds / 86_400 : -((-seconds + 86_399) / 86_400)
        let rest = seconds - days * 86_400
        let day = CivilDate(dayNumber: days)
        return localDateTime(day, hour: rest / 3600, minute: rest % 3600 / 60, second: rest % 60) + "Z"
    }

    static func pad(_ n: Int, _ width: Int) -> String {
        let s = String(abs(n))
        return (n < 0 ? "-" : "") + String(repeating: "0", count: max(0, width - s.count)) + s
    }
}

/// Builds an iCalendar document line by line; ``text`` folds every line and ends each with CRLF.
public struct ICSWriter: Sendable {
    private(set) var lines: [String] = []

    public init() {}

    /// Adds `NAME;PARAM=V:value` with `value` written as given (already in its value form).
    public mutating func raw(_ name: String, _ value: String, parameters: [(String, String)] = []) {
        var line = name
        for (key, parameterValue) in parameters {
            line += ";\(key)=\(Self.parameterValue(parameterValue))"
        }
        line += ":" + value
        lines.append(line)
    }

    /// Adds a TEXT property, escaped.
    public mutating func text(_ name: String, _ value: String, parameters: [(String, String)] = []) {
        raw(name, ICSFormat.escapeText(value), parameters: parameters)
    }

    /// Adds a TEXT list property (CATEGORIES): each value escaped, joined by commas.
    public mutating func textList(_ name: String, _ values: [String]) {
        raw(name, values.map(ICSFormat.escapeText).joined(separator: ","))
    }

    public mutating func begin(_ component: String) { lines.append("BEGIN:\(component)") }
    public mutating func end(_ component: String) { lines.append("END:\(component)") }

    /// The document: folded lines, each ended by CRLF.
    public var text: String {
        var out: [UInt8] = []
        out.reserveCapacity(lines.reduce(0) { $0 + $1.utf8.count + 4 })
        for line in lines {
            ICSFormat.fold(line) { physical in
                out.append(contentsOf: physical)
                out.append(0x0D)
                out.append(0x0A)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Parameter values with `:`, `;` or `,` are quoted; quotes and control characters cannot
    /// appear in a parameter value, so they are dropped.
    static func parameterValue(_ value: String) -> String {
        let cleaned = String(value.unicodeScalars.filter { $0 != "\"" && $0.value >= 0x20 }.map(Character.init))
        return cleaned.contains(where: { ":;,".contains($0) }) ? "\"\(cleaned)\"" : cleaned
    }
}
