#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The character encoding a CSV file was read in.
public enum CSVEncoding: String, Sendable, Hashable, Codable {
    /// UTF-8 without a byte order mark.
    case utf8 = "UTF-8"
    /// UTF-8 starting with the byte order mark EF BB BF (what spreadsheet programs write for "CSV UTF-8").
    case utf8BOM = "UTF-8 with BOM"
    /// GB18030, a superset of GBK and GB2312 (what Chinese spreadsheet programs write for plain "CSV").
    case gb18030 = "GB18030"
}

/// One field of a CSV record and where it starts.
public struct CSVField: Sendable, Hashable {
    public var value: String
    /// 1-based physical line of the field's first character.
    public var line: Int
    /// 1-based column (in Unicode scalars) of the field's first character.
    public var column: Int
}

/// One record (row) of a CSV file.
public struct CSVRecord: Sendable, Hashable {
    /// 1-based number of the record; the header is row 1, as a spreadsheet numbers it.
    public var row: Int
    /// 1-based physical line the record starts on (differs from `row` after quoted line breaks).
    public var line: Int
    public var fields: [CSVField]

    /// True when every field is empty (a blank line, or `,,,` as spreadsheets export empty rows).
    public var isBlank: Bool { fields.allSatisfy { $0.value.trimmingWhitespace.isEmpty } }
}

/// Reads CSV bytes: detects the encoding, then splits RFC 4180 records. Pure: bytes in, records and
/// diagnostics out.
public enum CSVReader {
    /// Most records one file may hold (a bound on memory for hostile input).
    public static let maxRecords = 1_000_000

    /// Text of `bytes`: valid UTF-8 (a leading BOM is dropped) is read as UTF-8; anything else is
    /// converted from GB18030 with the C library's iconv. Bytes that are neither give an error
    /// pointing at the line of the first bad byte.
    public static func decode(_ bytes: [UInt8], fileName: String) -> Result<(text: String, encoding: CSVEncoding), Diagnostic> {
        if bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]) {
            return .failure(Diagnostic(
                .error, "the file is UTF-16 text; save it as \"CSV UTF-8\" or plain CSV (GB18030/GBK)",
                at: SourceLocation(file: fileName, line: 1, column: 1)))
        }
        let hasBOM = bytes.starts(with: [0xEF, 0xBB, 0xBF])
        let body = hasBOM ? Array(bytes.dropFirst(3)) : bytes
        if let text = String(validating: body, as: UTF8.self) {
            return .success((text, hasBOM ? .utf8BOM : .utf8))
        }
        switch convertFromGB18030(body) {
        case .success(let text): return .success((text, .gb18030))
        case .failure(let failure):
            // The encoding that reads further is the likelier one; report where it breaks.
            let utf8Offset = firstInvalidUTF8(body)
            let offset = max(failure.offset, utf8Offset)
            let line = body.prefix(offset).reduce(1) { $1 == 0x0A ? $0 + 1 : $0 }
            let byte = offset < body.count ? body[offset] : 0
            let what = utf8Offset >= failure.offset
                ? "is not valid UTF-8 (and the file does not read as GB18030/GBK either)"
                : "is not valid GB18030/GBK (and the file does not read as UTF-8 either)"
            return .failure(Diagnostic(
                .error,
                "line \(line): byte 0x\(hex(byte)) at offset \(offset + (hasBOM ? 3 : 0)) \(what); "
                    + "the file may be damaged or in another encoding",
                at: SourceLocation(file: fileName, line: line, column: 1)))
        }
    }

    /// Offset of the first byte that breaks UTF-8 (the count when all is valid).
    static func firstInvalidUTF8(_ bytes: [UInt8]) -> Int {
        var parser = Unicode.UTF8.ForwardParser()
        var iterator = bytes.makeIterator()
        var offset = 0
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let encoded): offset += encoded.count
            case .emptyInput: return offset
            case .error: return offset
            }
        }
    }

    static func hex(_ byte: UInt8) -> String {
        let digits = Array("0123456789ABCDEF")
        return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]])
    }

    /// Why GB18030 bytes did not convert: the C library has no converter (no gconv modules), or
    /// the byte at `offset` is not valid GB18030.
    public struct ConversionFailure: Error, Sendable {
        public var offset: Int
        public var noConverter = false
    }

    /// GB18030 (and so GBK and GB2312) bytes as a String through the C library's iconv, or where
    /// the conversion failed. The one converter of the project: CSV import and document drafting use it.
    public static func convertFromGB18030(_ bytes: [UInt8]) -> Result<String, ConversionFailure> {
        convert(bytes, from: "GB18030")
    }

    /// `bytes` in an encoding iconv knows (GB18030, BIG5) as a String, or where the conversion failed.
    public static func convert(_ bytes: [UInt8], from encoding: String) -> Result<String, ConversionFailure> {
        if bytes.isEmpty { return .success("") }
        let cd = iconv_open("UTF-8", encoding)
        // iconv_open returns (iconv_t)-1 when the converter is missing (no gconv modules).
        guard let cd, Int(bitPattern: cd) != -1 else { return .failure(ConversionFailure(offset: 0, noConverter: true)) }
        defer { iconv_close(cd) }
        var input = bytes.map { CChar(bitPattern: $0) }
        // A GB18030 or Big5 character of 1, 2 or 4 bytes becomes at most 4 bytes of UTF-8.
        var output = [CChar](repeating: 0, count: bytes.count * 2 + 16)
        let outCapacity = output.count
        var failedAt: Int?
        var produced = 0
        input.withUnsafeMutableBufferPointer { inBuffer in
            output.withUnsafeMutableBufferPointer { outBuffer in
                var inPointer: UnsafeMutablePointer<CChar>? = inBuffer.baseAddress
                var inLeft = inBuffer.count
                var outPointer: UnsafeMutablePointer<CChar>? = outBuffer.baseAddress
                var outLeft = outCapacity
                let result = iconv(cd, &inPointer, &inLeft, &outPointer, &outLeft)
                if result == -1 || inLeft != 0 {
                    failedAt = inBuffer.count - inLeft
                } else {
                    // Flush any shift state (none for GB18030, but the call is the documented end).
                    var nilIn: UnsafeMutablePointer<CChar>? = nil
                    var zero = 0
                    _ = iconv(cd, &nilIn, &zero, &outPointer, &outLeft)
                }
                produced = outCapacity - outLeft
            }
        }
        if let failedAt { return .failure(ConversionFailure(offset: failedAt)) }
        let utf8 = output.prefix(produced).map { UInt8(bitPattern: $0) }
        guard let text = String(validating: utf8, as: UTF8.self) else { return .failure(ConversionFailure(offset: 0)) }
        return .success(text)
    }

    /// Splits `text` into records (RFC 4180: fields separated by `separator`, records by CRLF, LF or
    /// CR; a field in double quotes may hold separators, line breaks and `""` for a quote).
    /// Errors: a quoted field that never ends, text after a closing quote.
    public static func records(
        _ text: String, fileName: String, separator: Unicode.Scalar = ","
    ) -> (records: [CSVRecord], diagnostics: [Diagnostic]) {
        var records: [CSVRecord] = []
        var diagnostics: [Diagnostic] = []
        var fields: [CSVField] = []
        var current = String.UnicodeScalarView()
        var line = 1
        var column = 1
        var fieldLine = 1
        var fieldColumn = 1
        var recordLine = 1
        var inQuotes = false
        var quoteClosed = false
        var reportedJunk = false
        let scalars = Array(text.unicodeScalars)
        var index = 0

        func endField() {
            fields.append(CSVField(value: String(current), line: fieldLine, column: fieldColumn))
            current = String.UnicodeScalarView()
            quoteClosed = false
            reportedJunk = false
        }
        func endRecord() {
            endField()
            records.append(CSVRecord(row: records.count + 1, line: recordLine, fields: fields))
            fields = []
        }

        while index < scalars.count {
            let c = scalars[index]
            if inQuotes {
                if c == "\"" {
                    if index + 1 < scalars.count, scalars[index + 1] == "\"" {
                        current.append("\"")
                        index += 2
                        column += 2
                        continue
                    }
                    inQuotes = false
                    quoteClosed = true
                    index += 1
                    column += 1
                    continue
                }
                current.append(c)
                if c == "\r" || c == "\n" {
                    if c == "\r", index + 1 < scalars.count, scalars[index + 1] == "\n" {
                        current.append("\n")
                        index += 1
                    }
                    line += 1
                    column = 1
                } else {
                    column += 1
                }
                index += 1
                continue
            }
            if c == separator {
                endField()
                index += 1
                column += 1
                fieldLine = line
                fieldColumn = column
                continue
            }
            if c == "\r" || c == "\n" {
                if c == "\r", index + 1 < scalars.count, scalars[index + 1] == "\n" { index += 1 }
                index += 1
                endRecord()
                if records.count >= maxRecords {
                    diagnostics.append(Diagnostic(
                        .error, "more than \(maxRecords) rows", at: SourceLocation(file: fileName, line: line, column: 1)))
                    return (records, diagnostics)
                }
                line += 1
                column = 1
                fieldLine = line
                fieldColumn = 1
                recordLine = line
                continue
            }
            if quoteClosed {
                if !reportedJunk {
                    diagnostics.append(Diagnostic(
                        .error,
                        "row \(records.count + 1): text after the closing quote of a field; "
                            + "a quote inside a quoted field is written twice (\"\")",
                        at: SourceLocation(file: fileName, line: line, column: column)))
                    reportedJunk = true
                }
                current.append(c)
            } else if c == "\"" && current.isEmpty {
                inQuotes = true
            } else {
                // A quote in the middle of an unquoted field is kept as text, as spreadsheets do.
                current.append(c)
            }
            index += 1
            column += 1
        }
        if inQuotes {
            diagnostics.append(Diagnostic(
                .error, "row \(records.count + 1): a quoted field starting here never ends (missing closing \")",
                at: SourceLocation(file: fileName, line: fieldLine, column: fieldColumn)))
        }
        // The last record when the file does not end with a line break.
        if !fields.isEmpty || !current.isEmpty || quoteClosed {
            endRecord()
        }
        return (records, diagnostics)
    }
}

extension String {
    /// The string without leading and trailing spaces, tabs and (full-width) blanks.
    var trimmingWhitespace: String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        guard let last = scalars.lastIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        return String(scalars[first...last])
    }
}
