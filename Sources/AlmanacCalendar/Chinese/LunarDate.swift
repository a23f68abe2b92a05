/// A date in the Chinese lunisolar calendar.
public struct LunarDate: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The lunar year, named by the Gregorian year in which its 正月初一 falls.
    public var year: Int
    /// The month number, 1...12 (a leap month has the number of the month before it).
    public var month: Int
    /// Whether the month is the leap month (闰月) numbered `month`.
    public var isLeapMonth: Bool
    /// The day of the month, 1...30.
    public var day: Int

    /// A lunar date; it is not checked against the calendar (``ChineseCalendar/civilDate(from:)``
    /// does that).
    public init(year: Int, month: Int, day: Int, isLeapMonth: Bool = false) {
        self.year = year
        self.month = month
        self.day = day
        self.isLeapMonth = isLeapMonth
    }

    /// The Chinese form: "二〇二六年八月十五", "二〇二五年闰六月初一".
    public var chineseDescription: String {
        LunarDate.chineseYear(year) + "年" + LunarDate.chineseMonth(month, leap: isLeapMonth) + LunarDate.chineseDay(day)
    }

    /// The month and day in Chinese: "闰六月初一".
    public var chineseMonthDay: String {
        LunarDate.chineseMonth(month, leap: isLeapMonth) + LunarDate.chineseDay(day)
    }

    /// The machine form: `2026-08-15`, `2025-L06-01` for a leap month (see docs/chinese-calendar.md).
    public var description: String {
        func two(_ v: Int) -> String { v < 10 && v >= 0 ? "0\(v)" : "\(v)" }
        let y = year >= 0 && year < 1000 ? String(repeating: "0", count: 4 - String(year).count) + String(year) : String(year)
        return "\(y)-\(isLeapMonth ? "L" : "")\(two(month))-\(two(day))"
    }

    private static let digits = ["〇", "一", "二", "三", "四", "五", "六", "七", "八", "九"]

    /// A year written digit by digit: 2026 → "二〇二六".
    public static func chineseYear(_ year: Int) -> String {
        (year < 0 ? "前" : "") + String(abs(year)).compactMap { $0.wholeNumberValue.map { digits[$0] } }.joined()
    }

    /// 正月, 二月 ... 十二月, with 闰 for a leap month.
    public static func chineseMonth(_ month: Int, leap: Bool) -> String {
        let names = ["正", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二"]
        let name = (1...12).contains(month) ? names[month - 1] : String(month)
        return (leap ? "闰" : "") + name + "月"
    }

    /// 初一 ... 初十, 十一 ... 二十, 廿一 ... 廿九, 三十.
    public static func chineseDay(_ day: Int) -> String {
        let units = ["", "一", "二", "三", "四", "五", "六", "七", "八", "九"]
        switch day {
        case 1...9: return "初" + units[day]
        case 10: return "初十"
        case 11...19: return "十" + units[day - 10]
        case 20: return "二十"
        case 21...29: return "廿" + units[day - 20]
        case 30: return "三十"
        default: return String(day)
        }
    }
}

/// One month of a lunar year.
public struct LunarMonth: Hashable, Sendable {
    /// The month number, 1...12.
    public var number: Int
    /// Whether this is the leap month (闰月) numbered `number`.
    public var isLeap: Bool
    /// The civil day (UTC+8) on which the month begins: the day of the new moon.
    public var firstDay: CivilDate
    /// 29 or 30.
    public var length: Int

    public init(number: Int, isLeap: Bool, firstDay: CivilDate, length: Int) {
        self.number = number
        self.isLeap = isLeap
        self.firstDay = firstDay
        self.length = length
    }

    /// The last day of the month.
    public var lastDay: CivilDate { firstDay.adding(days: length - 1) }

    /// "闰六月" / "八月".
    public var chineseName: String { LunarDate.chineseMonth(number, leap: isLeap) }
}
