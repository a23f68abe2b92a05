/// A day in the proleptic Gregorian calendar, with no time of day and no time zone.
///
/// All-day plan items are civil dates: "2026-10-01" is the same day wherever the daemon runs.
/// Internally a date is its day number counted from 1970-01-01 (day 0), so arithmetic,
/// comparison and hashing are integer operations.
public struct CivilDate: Hashable, Comparable, Sendable {
    /// Days since 1970-01-01 (negative before it).
    public let dayNumber: Int

    /// The date with the given day number (days since 1970-01-01).
    public init(dayNumber: Int) {
        self.dayNumber = dayNumber
    }

    /// The date with the given year, month (1...12) and day (1...31), or `nil` when no such
    /// date exists (2026-02-30, month 13).
    public init?(year: Int, month: Int, day: Int) {
        guard (1...12).contains(month), day >= 1, day <= CivilDate.daysIn(month: month, year: year) else {
            return nil
        }
        self.dayNumber = CivilDate.daysFromCivil(year: year, month: month, day: day)
    }

    /// Parses `YYYY-MM-DD` (exactly that form; the year may have more than four digits).
    public init?(iso text: some StringProtocol) {
        if let (year, month, day) = Self.tenDigitDate(text) {
            self.init(year: year, month: month, day: day)
            return
        }
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[1].count == 2, parts[2].count == 2, parts[0].count >= 4,
            parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
            let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2])
        else { return nil }
        self.init(year: year, month: month, day: day)
    }

    /// Year, month and day of a text that is exactly `YYYY-MM-DD` in ASCII digits (the shape
    /// nearly every date is written in), read from its bytes; nil for any other text, which the
    /// callers then read by their general rules.
    static func tenDigitDate(_ text: some StringProtocol) -> (year: Int, month: Int, day: Int)? {
        var utf8 = text.utf8.makeIterator()
        var digits = (0, 0, 0)
        for position in 0..<10 {
            guard let byte = utf8.next() else { return nil }
            if position == 4 || position == 7 {
                guard byte == UInt8(ascii: "-") else { return nil }
                continue
            }
            guard byte &- UInt8(ascii: "0") < 10 else { return nil }
            let digit = Int(byte &- UInt8(ascii: "0"))
            switch position {
            case 0..<4: digits.0 = digits.0 * 10 + digit
            case 5, 6: digits.1 = digits.1 * 10 + digit
            default: digits.2 = digits.2 * 10 + digit
            }
        }
        guard utf8.next() == nil else { return nil }
        return digits
    }

    /// The years almanac reads and prints, four digits: 0001 to 9999. Date arithmetic works
    /// beyond them, but no command accepts or shows a date outside ``supportedRange``.
    public static let supportedYears: ClosedRange<Int> = 1...9999

    /// 0001-01-01 ... 9999-12-31.
    public static let supportedRange: ClosedRange<CivilDate> =
        CivilDate(dayNumber: daysFromCivil(year: 1, month: 1, day: 1))...CivilDate(
            dayNumber: daysFromCivil(year: 9999, month: 12, day: 31))

    /// Year, month and day.
    public var components: (year: Int, month: Int, day: Int) {
        CivilDate.civilFromDays(dayNumber)
    }

    public var year: Int { components.year }
    public var month: Int { components.month }
    public var day: Int { components.day }

    /// The day of the week.
    public var weekday: Weekday {
        // 1970-01-01 was a Thursday.
        let index = ((dayNumber + 3) % 7 + 7) % 7  // 0 = Monday
        return Weekday.allCases[index]
    }

    /// The ISO 8601 week-numbering year and week (1...53).
    public var isoWeek: (year: Int, week: Int) {
        // The week belongs to the year that contains its Thursday.
        let thursday = adding(days: 4 - weekday.rawValue)
        let y = thursday.year
        let jan1 = CivilDate(year: y, month: 1, day: 1)!
        return (y, (thursday.dayNumber - jan1.dayNumber) / 7 + 1)
    }

    /// The day of the year, 1 for January 1st.
    public var dayOfYear: Int {
        dayNumber - CivilDate.daysFromCivil(year: year, month: 1, day: 1) + 1
    }

    /// The date `days` days later (earlier when negative).
    public func adding(days: Int) -> CivilDate {
        CivilDate(dayNumber: dayNumber + days)
    }

    /// The same day `months` months later, clamped to the end of a shorter month
    /// (01-31 plus one month is 02-28 or 02-29).
    public func adding(months: Int) -> CivilDate {
        let (y, m, d) = components
        let total = y * 12 + (m - 1) + months
        let ny = total >= 0 ? total / 12 : (total - 11) / 12
        let nm = total - ny * 12 + 1
        let nd = min(d, CivilDate.daysIn(month: nm, year: ny))
        return CivilDate(dayNumber: CivilDate.daysFromCivil(year: ny, month: nm, day: nd))
    }

    /// Whole days from `self` to `other` (positive when `other` is later).
    public func days(to other: CivilDate) -> Int {
        other.dayNumber - dayNumber
    }

    /// The first day of this date's month.
    public var startOfMonth: CivilDate { CivilDate(year: year, month: month, day: 1)! }

    /// The last day of this date's month.
    public var endOfMonth: CivilDate {
        let (y, m, _) = components
        return CivilDate(year: y, month: m, day: CivilDate.daysIn(month: m, year: y))!
    }

    /// Whether `year` is a Gregorian leap year.
    public static func isLeapYear(_ year: Int) -> Bool {
        (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    }

    /// The number of days in a month of a year.
    public static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 1, 3, 5, 7, 8, 10, 12: return 31
        case 4, 6, 9, 11: return 30
        case 2: return isLeapYear(year) ? 29 : 28
        default: return 0
        }
    }

    public static func < (lhs: CivilDate, rhs: CivilDate) -> Bool {
        lhs.dayNumber < rhs.dayNumber
    }

    // Howard Hinnant's days_from_civil / civil_from_days, valid for any Int year.
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civilFromDays(_ days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }
}

extension CivilDate: Strideable {
    public func distance(to other: CivilDate) -> Int { other.dayNumber - dayNumber }
    public func advanced(by n: Int) -> CivilDate { CivilDate(dayNumber: dayNumber + n) }
}

extension CivilDate: CustomStringConvertible, LosslessStringConvertible {
    /// `YYYY-MM-DD`.
    public var description: String {
        let (y, m, d) = components
        if (0...9999).contains(y) {
            // Ten ASCII digits and dashes: a small string, written without allocating.
            return String(unsafeUninitializedCapacity: 10) { out in
                func put(_ value: Int, endingAt end: Int, width: Int) {
                    var rest = value
                    for position in stride(from: end - 1, through: end - width, by: -1) {
                        out[position] = UInt8(ascii: "0") + UInt8(rest % 10)
                        rest /= 10
                    }
                }
                put(y, endingAt: 4, width: 4)
                out[4] = UInt8(ascii: "-")
                put(m, endingAt: 7, width: 2)
                out[7] = UInt8(ascii: "-")
                put(d, endingAt: 10, width: 2)
                return 10
            }
        }
        func pad(_ v: Int, _ width: Int) -> String {
            let s = String(abs(v))
            return (v < 0 ? "-" : "") + String(repeating: "0", count: max(0, width - s.count)) + s
        }
        return "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))"
    }

    public init?(_ description: String) {
        self.init(iso: description)
    }
}

extension CivilDate: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let date = CivilDate(iso: text) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "'\(text)' is not a date of the form YYYY-MM-DD")
        }
        self = date
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// A day of the week, numbered as ISO 8601 does: Monday is 1, Sunday is 7.
public enum Weekday: Int, CaseIterable, Sendable, Codable {
    case monday = 1, tuesday, wednesday, thursday, friday, saturday, sunday

    /// The days from `first` through `last`, wrapping past Sunday (`fri..mon` is Fri, Sat, Sun, Mon).
    public static func range(from first: Weekday, through last: Weekday) -> [Weekday] {
        let count = (last.rawValue - first.rawValue + 7) % 7 + 1
        return (0..<count).map { allCases[(first.rawValue - 1 + $0) % 7] }
    }

    /// Saturday or Sunday.
    public var isWeekend: Bool { self == .saturday || self == .sunday }

    /// English three-letter abbreviation, as used in date rules (`mon`, `tue`...).
    public var abbreviation: String {
        ["mon", "tue", "wed", "thu", "fri", "sat", "sun"][rawValue - 1]
    }

    /// Chinese name: 星期一 ... 星期日.
    public var chineseName: String {
        "星期" + ["一", "二", "三", "四", "五", "六", "日"][rawValue - 1]
    }

    /// Short Chinese name: 周一 ... 周日.
    public var chineseShortName: String {
        "周" + ["一", "二", "三", "四", "五", "六", "日"][rawValue - 1]
    }
}

extension RandomAccessCollection {
    /// The index of the first element for which `isAfter` is true, in a collection ordered so that
    /// every such element follows every other (binary search): `endIndex` when there is none.
    public func partitioningIndex(where isAfter: (Element) -> Bool) -> Index {
        var low = startIndex
        var count = self.count
        while count > 0 {
            let half = count / 2
            let middle = index(low, offsetBy: half)
            if isAfter(self[middle]) {
                count = half
            } else {
                low = index(after: middle)
                count -= half + 1
            }
        }
        return low
    }
}
