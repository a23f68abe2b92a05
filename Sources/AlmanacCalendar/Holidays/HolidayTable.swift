/// The notice an arrangement comes from: 国务院办公厅关于2026年部分节假日安排的通知,
/// 国办发明电〔2025〕7号, issued 2025-11-04. A year can have more than one (an amending notice,
/// such as the 2020 extension of the Spring Festival).
public struct HolidayNotice: Hashable, Sendable, Codable {
    /// The document number, e.g. `国办发明电〔2025〕7号`.
    public var documentNumber: String
    /// The day the notice was issued.
    public var issued: CivilDate
    /// The title, e.g. `国务院办公厅关于2026年部分节假日安排的通知`.
    public var title: String

    public init(documentNumber: String, issued: CivilDate, title: String) {
        self.documentNumber = documentNumber
        self.issued = issued
        self.title = title
    }
}

/// One holiday break of a year's arrangement: the days off the notice gives for one holiday (or for
/// two merged ones, such as 国庆节、中秋节 in 2020, 2023 and 2025) and the weekend days worked
/// instead (调休上班, 补班).
public struct HolidayBreak: Hashable, Sendable {
    /// The holidays this break is for; usually one.
    public var holidays: [OfficialHoliday]
    /// The days off as the notice states them, sorted.
    public var daysOff: [CivilDate]
    /// The Saturdays and Sundays that are working days because of this break, sorted.
    public var makeupWorkdays: [CivilDate]

    public init(holidays: [OfficialHoliday], daysOff: [CivilDate], makeupWorkdays: [CivilDate]) {
        self.holidays = holidays
        self.daysOff = daysOff.sorted()
        self.makeupWorkdays = makeupWorkdays.sorted()
    }

    /// The Chinese name as the notices write it: `春节`, `国庆节、中秋节`.
    public var name: String { holidays.map(\.chineseName).joined(separator: "、") }
    /// The English name: `Spring Festival`, `National Day and Mid-autumn Festival`.
    public var englishName: String { holidays.map(\.englishName).joined(separator: " and ") }
    /// The first day off.
    public var start: CivilDate { daysOff.first ?? CivilDate(dayNumber: 0) }
    /// The last day off.
    public var end: CivilDate { daysOff.last ?? CivilDate(dayNumber: 0) }

    /// Whether the break is for the holiday `name` (id, Chinese or English name, alias).
    public func isFor(_ name: String) -> Bool {
        holidays.contains { $0.matches(name) }
    }
}

/// One year's official holiday arrangement (放假调休安排), read from a holiday file.
///
/// The file format is a line format described in docs/holidays.md:
/// ```
/// year    2026
/// notice  国办发明电〔2025〕7号  2025-11-04  国务院办公厅关于2026年部分节假日安排的通知
/// off     春节   2026-02-15..2026-02-23
/// work    春节   2026-02-14, 2026-02-28
/// ```
/// Parsing reports every problem of a file at once, each with file, line and column.
public struct HolidayTable: Hashable, Sendable {
    /// The year the arrangement is for. Some of its days can fall in the last days of the year
    /// before (2023's 元旦 starts on 2022-12-31).
    public var year: Int
    /// The notices the arrangement comes from, in the order the file lists them.
    public var notices: [HolidayNotice]
    /// The breaks, in date order.
    public var breaks: [HolidayBreak]
    /// The file name it was read from (for messages), or `""`.
    public var fileName: String

    public init(year: Int, notices: [HolidayNotice], breaks: [HolidayBreak], fileName: String = "") {
        self.year = year
        self.notices = notices
        self.breaks = breaks.sorted { $0.start < $1.start }
        self.fileName = fileName
    }

    /// Every day off of the year's arrangement, sorted.
    public var daysOff: [CivilDate] { breaks.flatMap(\.daysOff).sorted() }
    /// Every make-up working day, sorted.
    public var makeupWorkdays: [CivilDate] { breaks.flatMap(\.makeupWorkdays).sorted() }

    /// The break for the holiday `name` (id, Chinese or English name, alias), or `nil`.
    public func holidayBreak(named name: String) -> HolidayBreak? {
        breaks.first { $0.isFor(name) }
    }

    /// Parses a holiday file given as UTF-8 bytes. `fileName` is only used in messages and to check
    /// that a file named `2026.txt` holds the year 2026.
    public static func parse(bytes: [UInt8], fileName: String) throws(HolidayTableError) -> HolidayTable {
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw HolidayTableError([
                HolidayDiagnostic(
                    code: .encoding, file: fileName, line: 1, column: 1,
                    message: "the file is not valid UTF-8 text")
            ])
        }
        return try parse(text: text, fileName: fileName)
    }

    /// Parses the text of a holiday file. Throws every problem found, not just the first.
    public static func parse(text: String, fileName: String) throws(HolidayTableError) -> HolidayTable {
        var parser = HolidayFileParser(fileName: fileName)
        return try parser.parse(text)
    }

    /// The file text for this table in the documented format; parsing it gives this table back.
    public var fileText: String {
        var lines: [String] = []
        lines.append("year    \(year)")
        for notice in notices {
            lines.append("notice  \(notice.documentNumber)  \(notice.issued)  \(notice.title)")
        }
        for special in Set(breaks.flatMap(\.holidays)).sorted(by: { $0.id < $1.id })
        where OfficialHoliday.named(special.id) == nil {
            lines.append("special \(special.chineseName)  \(special.englishName)")
        }
        for item in breaks {
            lines.append("off     \(item.name)  \(HolidayTable.rangesText(item.daysOff))")
            if !item.makeupWorkdays.isEmpty {
                lines.append("work    \(item.name)  \(item.makeupWorkdays.map(\.description).joined(separator: ", "))")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func rangesText(_ days: [CivilDate]) -> String {
        var parts: [String] = []
        var index = 0
        while index < days.count {
            var last = index
            while last + 1 < days.count, days[last + 1].dayNumber == days[last].dayNumber + 1 { last += 1 }
            parts.append(last == index ? "\(days[index])" : "\(days[index])..\(days[last])")
            index = last + 1
        }
        return parts.joined(separator: ", ")
    }
}

/// One problem in a holiday file, located like a compiler message.
public struct HolidayDiagnostic: Hashable, Sendable, CustomStringConvertible {
    /// What kind of problem it is.
    public enum Code: String, Hashable, Sendable, Codable {
        case encoding, syntax, unknownKeyword, invalidDate, noSuchDate, reversedRange, duplicateDay
        case notAWeekendDay, unknownHoliday, missingYear, duplicateYear, yearMismatch, missingNotice
        case dateOutsideYear, makeupWithoutDaysOff, duplicateTable, conflictingDay
    }

    public var code: Code
    /// The file name as given to the parser.
    public var file: String
    /// 1-based line.
    public var line: Int
    /// 1-based column, counted in Unicode scalars.
    public var column: Int
    /// What is wrong, in plain words.
    public var message: String

    public init(code: Code, file: String, line: Int, column: Int, message: String) {
        self.code = code
        self.file = file
        self.line = line
        self.column = column
        self.message = message
    }

    /// `2026.txt:7:19: error: no such date 2026-02-30 (February 2026 has 28 days)`.
    public var description: String {
        "\(file.isEmpty ? "<holidays>" : file):\(line):\(column): error: \(message)"
    }
}

/// Every problem found while reading holiday files.
public struct HolidayTableError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The problems, in file and line order.
    public var diagnostics: [HolidayDiagnostic]

    public init(_ diagnostics: [HolidayDiagnostic]) {
        self.diagnostics = diagnostics
    }

    /// One line per problem.
    public var description: String {
        diagnostics.map(\.description).joined(separator: "\n")
    }
}

/// A word of a line with its 1-based column (in Unicode scalars).
struct HolidayToken {
    var text: Substring.UnicodeScalarView
    var column: Int
    var string: String { String(Substring(text)) }
}

struct HolidayFileParser {
    let fileName: String
    var diagnostics: [HolidayDiagnostic] = []
    var year: Int?
    var yearLine = 0
    var notices: [HolidayNotice] = []
    var specials: [OfficialHoliday] = []
    /// Breaks in first-mention order, keyed by the ids of their holidays.
    var breakOrder: [[String]] = []
    var breakHolidays: [[String]: [OfficialHoliday]] = [:]
    var breakOffLine: [[String]: Int] = [:]
    var daysOff: [[String]: [CivilDate]] = [:]
    var makeup: [[String]: [CivilDate]] = [:]
    var pendingMakeup: [(key: [String], names: String, day: CivilDate, column: Int, line: Int)] = []
    var seenDays: [CivilDate: (line: Int, column: Int, kind: String)] = [:]
    var datedTokens: [(date: CivilDate, line: Int, column: Int)] = []

    init(fileName: String) {
        self.fileName = fileName
    }

    static let keywords = ["year", "notice", "special", "off", "work"]

    mutating func error(_ code: HolidayDiagnostic.Code, _ line: Int, _ column: Int, _ message: String) {
        diagnostics.append(HolidayDiagnostic(code: code, file: fileName, line: line, column: column, message: message))
    }

    mutating func parse(_ text: String) throws(HolidayTableError) -> HolidayTable {
        var lineNumber = 0
        for rawLine in text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            var line = rawLine
            if let hash = line.firstIndex(of: "#") { line = line[..<hash] }
            if line.last == "\r" { line = line.dropLast() }
            let tokens = HolidayFileParser.tokenize(line)
            guard let keyword = tokens.first else { continue }
            parseLine(keyword: keyword, arguments: Array(tokens.dropFirst()), line: lineNumber)
        }
        finish(lastLine: max(lineNumber, 1))
        if !diagnostics.isEmpty {
            throw HolidayTableError(diagnostics.sorted { ($0.line, $0.column) < ($1.line, $1.column) })
        }
        let breaks = breakOrder.map { key in
            HolidayBreak(
                holidays: breakHolidays[key] ?? [], daysOff: daysOff[key] ?? [], makeupWorkdays: makeup[key] ?? [])
        }
        return HolidayTable(year: year ?? 0, notices: notices, breaks: breaks, fileName: fileName)
    }

    static func isSpace(_ scalar: Unicode.Scalar) -> Bool {
        scalar == " " || scalar == "\t" || scalar == "\u{3000}" || scalar == "\r"
    }

    static func tokenize(_ line: Substring.UnicodeScalarView) -> [HolidayToken] {
        var tokens: [HolidayToken] = []
        var column = 1
        var start: Substring.UnicodeScalarView.Index?
        var startColumn = 0
        var index = line.startIndex
        while index < line.endIndex {
            let scalar = line[index]
            if isSpace(scalar) {
                if let s = start {
                    tokens.append(HolidayToken(text: line[s..<index], column: startColumn))
                    start = nil
                }
            } else if start == nil {
                start = index
                startColumn = column
            }
            column += 1
            index = line.index(after: index)
        }
        if let s = start { tokens.append(HolidayToken(text: line[s..<line.endIndex], column: startColumn)) }
        return tokens
    }

    mutating func parseLine(keyword: HolidayToken, arguments: [HolidayToken], line: Int) {
        switch keyword.string {
        case "year":
            guard arguments.count == 1, let value = Int(arguments[0].string), (1900...2999).contains(value) else {
                error(.syntax, line, arguments.first?.column ?? keyword.column, "expected 'year YYYY', e.g. 'year 2026'")
                return
            }
            if year != nil {
                error(.duplicateYear, line, keyword.column, "the year is already given on line \(yearLine)")
                return
            }
            year = value
            yearLine = line
        case "notice":
            guard arguments.count >= 3 else {
                error(
                    .syntax, line, keyword.column,
                    "expected 'notice DOCUMENT-NUMBER YYYY-MM-DD TITLE', e.g. 'notice 国办发明电〔2025〕7号 2025-11-04 国务院办公厅关于2026年部分节假日安排的通知'"
                )
                return
            }
            guard let issued = parseDate(arguments[1], line: line) else { return }
            let title = arguments[2...].map(\.string).joined(separator: " ")
            notices.append(HolidayNotice(documentNumber: arguments[0].string, issued: issued, title: title))
        case "special":
            guard let name = arguments.first else {
                error(.syntax, line, keyword.column, "expected 'special NAME [ENGLISH NAME]'")
                return
            }
            let english = arguments.dropFirst().map(\.string).joined(separator: " ")
            specials.append(
                OfficialHoliday(id: name.string, chineseName: name.string, englishName: english.isEmpty ? name.string : english))
        case "off", "work":
            parseDays(isOff: keyword.string == "off", keyword: keyword, arguments: arguments, line: line)
        default:
            let known = HolidayFileParser.keywords.joined(separator: ", ")
            error(.unknownKeyword, line, keyword.column, "unknown keyword '\(keyword.string)' (known: \(known))")
        }
    }

    func holiday(named name: String) -> OfficialHoliday? {
        OfficialHoliday.named(name) ?? specials.first { $0.matches(name) }
    }

    mutating func parseDays(isOff: Bool, keyword: HolidayToken, arguments: [HolidayToken], line: Int) {
        let usage = isOff ? "'off HOLIDAY DATE[..DATE], ...'" : "'work HOLIDAY DATE, ...'"
        guard let nameToken = arguments.first else {
            error(.syntax, line, keyword.column, "expected \(usage)")
            return
        }
        // A break can be for two holidays at once: 国庆节、中秋节 or 国庆节+中秋节.
        var holidays: [OfficialHoliday] = []
        var nameColumn = nameToken.column
        for part in nameToken.text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "、" || $0 == "+" }) {
            let name = String(Substring(part))
            if let found = holiday(named: name) {
                holidays.append(found)
            } else {
                let known = OfficialHoliday.standard.map(\.chineseName).joined(separator: ", ")
                error(
                    .unknownHoliday, line, nameColumn,
                    "unknown holiday '\(name)' (known: \(known); declare others with 'special NAME')")
            }
            nameColumn += part.count + 1
        }
        guard holidays.count == nameToken.text.split(whereSeparator: { $0 == "、" || $0 == "+" }).count,
            !holidays.isEmpty
        else { return }
        let key = holidays.map(\.id)
        let dateTokens = HolidayFileParser.splitDates(Array(arguments.dropFirst()))
        if dateTokens.isEmpty {
            error(.syntax, line, nameToken.column + nameToken.text.count, "expected at least one date after '\(nameToken.string)' in \(usage)")
            return
        }
        if isOff, breakHolidays[key] == nil {
            breakOrder.append(key)
            breakHolidays[key] = holidays
            breakOffLine[key] = line
        }
        for token in dateTokens {
            let days: [CivilDate]
            if let dots = HolidayFileParser.rangeSeparator(in: token.text) {
                guard isOff else {
                    error(.syntax, line, token.column, "make-up working days are listed one by one, not as a range")
                    continue
                }
                let first = HolidayToken(text: token.text[..<dots], column: token.column)
                let afterDots = token.text.index(dots, offsetBy: 2)
                let second = HolidayToken(
                    text: token.text[afterDots...], column: token.column + token.text[..<afterDots].count)
                guard let a = parseDate(first, line: line), let b = parseDate(second, line: line) else { continue }
                guard a <= b else {
                    error(.reversedRange, line, token.column, "the range \(a)..\(b) ends before it starts")
                    continue
                }
                days = Array(a...b)
            } else {
                guard let d = parseDate(token, line: line) else { continue }
                days = [d]
            }
            for day in days {
                if let seen = seenDays[day] {
                    error(
                        .duplicateDay, line, token.column,
                        "\(day) is already listed on line \(seen.line) (as \(seen.kind))")
                    continue
                }
                seenDays[day] = (line, token.column, isOff ? "a day off" : "a make-up working day")
                datedTokens.append((day, line, token.column))
                if isOff {
                    daysOff[key, default: []].append(day)
                } else {
                    guard day.weekday.isWeekend else {
                        error(
                            .notAWeekendDay, line, token.column,
                            "\(day) is a \(day.weekday.englishName) (\(day.weekday.chineseName)); a make-up working day (补班) must be a Saturday or Sunday"
                        )
                        continue
                    }
                    pendingMakeup.append((key, nameToken.string, day, token.column, line))
                }
            }
        }
    }

    /// Splits `2026-02-14,2026-02-28` and `2026-02-14, 2026-02-28` into date tokens.
    static func splitDates(_ tokens: [HolidayToken]) -> [HolidayToken] {
        var result: [HolidayToken] = []
        for token in tokens {
            var column = token.column
            for part in token.text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "," || $0 == "，" }) {
                if !part.isEmpty { result.append(HolidayToken(text: part, column: column)) }
                column += part.count + 1
            }
        }
        return result
    }

    static func rangeSeparator(in text: Substring.UnicodeScalarView) -> Substring.UnicodeScalarView.Index? {
        var index = text.startIndex
        while index < text.endIndex {
            let next = text.index(after: index)
            if text[index] == ".", next < text.endIndex, text[next] == "." { return index }
            index = next
        }
        return nil
    }

    mutating func parseDate(_ token: HolidayToken, line: Int) -> CivilDate? {
        let text = token.string
        if let (y, m, d) = CivilDate.tenDigitDate(text), let date = CivilDate(year: y, month: m, day: d) { return date }
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }),
            let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2])
        else {
            error(.invalidDate, line, token.column, "'\(text)' is not a date of the form YYYY-MM-DD")
            return nil
        }
        guard let date = CivilDate(year: y, month: m, day: d) else {
            if !(1...12).contains(m) {
                error(.noSuchDate, line, token.column, "no such date \(text): there is no month \(m)")
            } else {
                let length = CivilDate.daysIn(month: m, year: y)
                error(
                    .noSuchDate, line, token.column,
                    "no such date \(text) (\(HolidayFileParser.monthNames[m - 1]) \(y) has \(length) days)")
            }
            return nil
        }
        return date
    }

    static let monthNames = [
        "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
        "November", "December",
    ]

    mutating func finish(lastLine: Int) {
        guard let year else {
            error(.missingYear, 1, 1, "the file gives no year; add a line 'year YYYY'")
            return
        }
        if let stem = HolidayFileParser.stem(of: fileName), let fileYear = Int(stem), fileYear != year {
            error(.yearMismatch, yearLine, 1, "the file is named for \(fileYear) but says 'year \(year)'")
        }
        if notices.isEmpty {
            error(.missingNotice, lastLine, 1, "the file names no notice; add 'notice DOCUMENT-NUMBER YYYY-MM-DD TITLE'")
        }
        // Days of an arrangement stay in its year, or in the weeks next to it (元旦 2023 starts on
        // 2022-12-31; 2012 worked on 2011-12-31).
        if let low = CivilDate(year: year - 1, month: 12, day: 1), let high = CivilDate(year: year + 1, month: 1, day: 31) {
            for item in datedTokens where item.date < low || item.date > high {
                error(
                    .dateOutsideYear, item.line, item.column,
                    "\(item.date) is outside the year \(year) of this file (allowed: \(low) to \(high))")
            }
        }
        // A make-up day belongs to the break of its holiday; `work 国庆节` joins the break
        // `国庆节、中秋节`.
        for pending in pendingMakeup {
            let target =
                daysOff[pending.key] != nil
                ? pending.key : breakOrder.first { Set($0).isSuperset(of: pending.key) && daysOff[$0] != nil }
            guard let target else {
                error(
                    .makeupWithoutDaysOff, pending.line, pending.column,
                    "make-up working day \(pending.day) for \(pending.names), but the file gives \(pending.names) no days off"
                )
                continue
            }
            makeup[target, default: []].append(pending.day)
        }
    }

    /// `config/holidays/cn/2026.txt` → `2026`.
    static func stem(of fileName: String) -> String? {
        let last = fileName.split(separator: "/").last.map(String.init) ?? fileName
        guard let dot = last.firstIndex(of: ".") else { return last.isEmpty ? nil : last }
        return String(last[..<dot])
    }
}

extension Weekday {
    /// English name: Monday ... Sunday.
    public var englishName: String {
        ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"][rawValue - 1]
    }
}
