/// Header text: neutralising control characters, RFC 2047 encoded-words, folding.
///
/// Every piece of text that reaches a header goes through ``neutralised(_:)`` first, so a plan
/// title holding `\r\nBcc: someone` stays one line of text inside its own header.
public enum HeaderText {
    /// The longest an encoded-word's payload may be, in UTF-8 bytes: `=?UTF-8?B?` + 52 base64
    /// characters + `?=` is 64 characters, so even after `Subject: ` a line stays under 76.
    static let maxEncodedBytes = 39

    /// `text` with every control character (C0, DEL, C1, and the Unicode line and paragraph
    /// separators) replaced by a space: nothing in a header value can start a new line.
    public static func neutralised(_ text: String) -> String {
        var result = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x00...0x1F, 0x7F...0x9F, 0x2028, 0x2029: result.append(" ")
            default: result.append(scalar)
            }
        }
        return String(result)
    }

    /// Whether `text` can be written as it is: printable ASCII and no `=?` that a reader would
    /// take for the start of an encoded-word.
    static func isPlainASCII(_ text: String) -> Bool {
        text.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F } && !text.contains("=?")
    }

    /// `text` as RFC 2047 `B` encoded-words (UTF-8), each holding whole characters (a grapheme
    /// cluster, hence a UTF-8 sequence, is never split across two words) and at most
    /// ``maxEncodedBytes`` bytes, unless one character alone is longer.
    public static func encodedWords(_ text: String) -> [String] {
        var words: [String] = []
        var chunk: [UInt8] = []
        for character in text {
            let bytes = Array(String(character).utf8)
            if !chunk.isEmpty && chunk.count + bytes.count > maxEncodedBytes {
                words.append(encodedWord(chunk))
                chunk = []
            }
            chunk += bytes
        }
        if !chunk.isEmpty { words.append(encodedWord(chunk)) }
        return words
    }

    static func encodedWord(_ bytes: [UInt8]) -> String { "=?UTF-8?B?\(Base64.encode(bytes))?=" }

    /// An unstructured header value (Subject, X-...): neutralised, encoded when it is not plain
    /// ASCII, folded into lines of at most 78 characters where it can be.
    public static func unstructured(name: String, value: String) -> String {
        let clean = neutralised(value)
        let tokens: [String]
        if isPlainASCII(clean) {
            tokens = clean.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
            return fold(name: name, tokens: tokens, separator: " ")
        }
        return fold(name: name, tokens: encodedWords(clean), separator: " ")
    }

    /// A display name as a phrase: bare atoms when it is simple ASCII, a quoted string when it
    /// holds specials, encoded-words otherwise.
    static func phrase(_ name: String) -> [String] {
        let clean = neutralised(name)
        if isPlainASCII(clean) {
            let atext = clean.utf8.allSatisfy { byte in
                switch byte {
                case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                    UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: " "):
                    true
                default: "!#$%&'*+-/=?^_`{|}~".utf8.contains(byte)
                }
            }
            if atext { return clean.split(separator: " ").map(String.init) }
            var quoted = "\""
            for character in clean {
                if character == "\"" || character == "\\" { quoted.append("\\") }
                quoted.append(character)
            }
            return [quoted + "\""]
        }
        return encodedWords(clean)
    }

    /// An address list header (From, To, Cc): one address per folded line when they do not fit.
    public static func addressList(name: String, _ addresses: [MailAddress]) -> String {
        var tokens: [String] = []
        for (index, address) in addresses.enumerated() {
            let comma = index < addresses.count - 1 ? "," : ""
            if let display = address.name {
                tokens += phrase(display)
                tokens.append("<\(address.address)>\(comma)")
            } else {
                tokens.append(address.address + comma)
            }
        }
        return fold(name: name, tokens: tokens, separator: " ")
    }

    /// `Name: token token ...`, breaking before a token (CRLF + space) when a line would pass 78
    /// characters. A token longer than a line stays whole (the hard limit is 998).
    static func fold(name: String, tokens: [String], separator: String) -> String {
        var output = name + ":"
        var lineLength = output.utf8.count
        for token in tokens {
            let length = token.utf8.count
            if lineLength + 1 + length > 78 && lineLength > name.utf8.count + 1 {
                output += "\r\n "
                lineLength = 1
            } else {
                output += separator
                lineLength += 1
            }
            output += token
            lineLength += length
        }
        return output
    }
}

/// Base64 without Foundation's line options, so the output is the same on every platform.
enum Base64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    static func encode(_ bytes: [UInt8]) -> String {
        var output: [UInt8] = []
        output.reserveCapacity((bytes.count + 2) / 3 * 4)
        var index = 0
        while index + 3 <= bytes.count {
            let value = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8 | UInt32(bytes[index + 2])
            output += [alphabet[Int(value >> 18 & 63)], alphabet[Int(value >> 12 & 63)], alphabet[Int(value >> 6 & 63)],
                       alphabet[Int(value & 63)]]
            index += 3
        }
        let rest = bytes.count - index
        if rest == 1 {
            let value = UInt32(bytes[index]) << 16
            output += [alphabet[Int(value >> 18 & 63)], alphabet[Int(value >> 12 & 63)], UInt8(ascii: "="), UInt8(ascii: "=")]
        } else if rest == 2 {
            let value = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8
            output += [alphabet[Int(value >> 18 & 63)], alphabet[Int(value >> 12 & 63)], alphabet[Int(value >> 6 & 63)],
                       UInt8(ascii: "=")]
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// Base64 in lines of 76 characters, each ending in CRLF (MIME body encoding).
    static func encodeLines(_ bytes: [UInt8]) -> String {
        let encoded = Array(encode(bytes).utf8)
        var output = ""
        var start = 0
        while start < encoded.count {
            let end = min(start + 76, encoded.count)
            output += String(decoding: encoded[start..<end], as: UTF8.self) + "\r\n"
            start = end
        }
        return output
    }
}
