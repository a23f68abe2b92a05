/// A day observed every year: a traditional lunar festival, a solar term, a fixed Gregorian day
/// (劳动节 5/1) or the nth weekday of a month (母亲节, the second Sunday of May).
public struct Festival: Hashable, Sendable, Codable {
    /// How the day is found in a year.
    public enum Kind: Hashable, Sendable, Codable {
        /// A Gregorian month and day: 国庆节 is `.fixed(month: 10, day: 1)`.
        case fixed(month: Int, day: Int)
        /// The nth `weekday` of a month; a negative `n` counts from the end (-1 is the last).
        /// 全国科普日 is `.nthWeekday(month: 9, weekday: .saturday, n: 3)`.
        case nthWeekday(month: Int, weekday: Weekday, n: Int)
        /// A day of an ordinary (non-leap) lunar month: 中秋 is `.lunar(month: 8, day: 15)`.
        case lunar(month: Int, day: Int)
        /// The last day of a lunar month (29th or 30th): 除夕 is `.lunarMonthEnd(month: 12)`.
        case lunarMonthEnd(month: Int)
        /// The day of a solar term: 清明 is `.solarTerm(.qingming)`.
        case solarTerm(SolarTerm)
    }

    /// What sort of day it is; used to group and filter listings.
    public enum Category: String, Hashable, Sendable, Codable, CaseIterable {
        /// Traditional festivals of the lunar calendar (春节, 端午, 中秋, 除夕...).
        case traditional
        /// The 24 solar terms.
        case solarTerm = "solar-term"
        /// National days and commemorations (元旦, 劳动节, 建党节, 国庆节, 国家宪法日...).
        case national
        /// International days and observances (妇女节, 世界读书日, 国际志愿者日...).
        case observance
        /// Added by a plan.
        case custom
    }

    /// Stable ASCII identifier: `mid-autumn`, `qingming`, `party-founding-day`.
    public var id: String
    /// Chinese name: 中秋节.
    public var chineseName: String
    /// English name: Mid-Autumn Festival.
    public var englishName: String
    /// Other names: 中秋, 八月十五.
    public var aliases: [String]
    /// How the day is found.
    public var kind: Kind
    /// What sort of day it is.
    public var category: Category
    /// The year of the event the day commemorates (建党节 1921, 国庆节 1949), for anniversaries.
    public var firstYear: Int?
    /// The short name of that event, used in anniversary text: 建党, 建国, 建军, 五四运动.
    public var anniversaryName: String?
    /// The id of the official holiday (docs/holidays.md) this day gives its name to, if any:
    /// 春节 → `spring-festival`, 清明 → `qingming`.
    public var officialHoliday: String?
    /// The first year the day was observed (烈士纪念日 2014); listings leave it out before then.
    public var observedSince: Int?

    public init(
        id: String, chineseName: String, englishName: String, aliases: [String] = [], kind: Kind,
        category: Category = .custom, firstYear: Int? = nil, anniversaryName: String? = nil,
        officialHoliday: String? = nil, observedSince: Int? = nil
    ) {
        self.id = id
        self.chineseName = chineseName
        self.englishName = englishName
        self.aliases = aliases
        self.kind = kind
        self.category = category
        self.firstYear = firstYear
        self.anniversaryName = anniversaryName
        self.officialHoliday = officialHoliday
        self.observedSince = observedSince
    }

    /// Whether the day was observed in `year` (always, unless `observedSince` is later).
    public func isObserved(in year: Int) -> Bool {
        observedSince.map { year >= $0 } ?? true
    }

    /// Whether the date comes from the Chinese calendar (a lunar day or a solar term), which is
    /// computed for ``ChineseCalendar/supportedYears`` only.
    public var usesChineseCalendar: Bool {
        switch kind {
        case .fixed, .nthWeekday: return false
        case .lunar, .lunarMonthEnd, .solarTerm: return true
        }
    }

    /// Whether `name` names this festival: id, Chinese or English name, or an alias; ASCII case,
    /// spaces, `_` and `-` do not matter.
    public func matches(_ name: String) -> Bool {
        let key = OfficialHoliday.normalize(name)
        return ([id, chineseName, englishName] + aliases).contains { OfficialHoliday.normalize($0) == key }
    }

    /// The anniversary in `year`: 建党节 2026 → 105 years. `nil` when the festival commemorates no
    /// founding year or `year` is not after it.
    public func anniversary(in year: Int) -> Anniversary? {
        guard let firstYear, year > firstYear else { return nil }
        return Anniversary(festivalID: id, name: anniversaryName ?? chineseName, years: year - firstYear)
    }

    /// A short written form of the rule: `10月1日`, `农历八月十五`, `农历十二月最后一天`,
    /// `5月第2个星期日`, `节气清明`.
    public var ruleDescription: String {
        switch kind {
        case .fixed(let m, let d):
            return "\(m)月\(d)日"
        case .nthWeekday(let m, let w, let n):
            return n > 0 ? "\(m)月第\(n)个\(w.chineseName)" : (n == -1 ? "\(m)月最后一个\(w.chineseName)" : "\(m)月倒数第\(-n)个\(w.chineseName)")
        case .lunar(let m, let d):
            return "农历" + FestivalText.lunarMonth(m) + FestivalText.lunarDay(d)
        case .lunarMonthEnd(let m):
            return "农历" + FestivalText.lunarMonth(m) + "最后一天"
        case .solarTerm(let term):
            return "节气\(term.chineseName)"
        }
    }
}

/// An anniversary of a founding event: 建党105周年.
public struct Anniversary: Hashable, Sendable, Codable {
    /// The festival it belongs to.
    public var festivalID: String
    /// The event's short name: 建党.
    public var name: String
    /// Whole years since the event: 105.
    public var years: Int

    public init(festivalID: String, name: String, years: Int) {
        self.festivalID = festivalID
        self.name = name
        self.years = years
    }

    /// The count in Chinese numerals: 一百零五.
    public var chineseNumber: String { ChineseNumerals.text(years) }
    /// `建党105周年`.
    public var text: String { "\(name)\(years)周年" }
    /// `建党一百零五周年`.
    public var chineseText: String { "\(name)\(chineseNumber)周年" }
    /// How many times the day has been held, counting the founding year as the first: 教师节 of
    /// 2026 (first held 1985) is the 42nd, 第四十二个教师节.
    public var edition: Int { years + 1 }
}

/// Chinese numerals as used in anniversaries and ordinals.
public enum ChineseNumerals {
    private static let digits = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"]

    /// 0 → 零, 10 → 十, 15 → 十五, 90 → 九十, 105 → 一百零五, 110 → 一百一十, 2026 → 二千零二十六.
    /// Numbers from 0 to 99,999,999; others are written in Arabic digits.
    public static func text(_ n: Int) -> String {
        guard n >= 0, n < 100_000_000 else { return String(n) }
        if n == 0 { return "零" }
        if n >= 10_000 {
            let high = n / 10_000
            let low = n % 10_000
            let head = below10000(high, leadingOne: false) + "万"
            if low == 0 { return head }
            return head + (low < 1000 ? "零" : "") + below10000(low, leadingOne: true)
        }
        return below10000(n, leadingOne: false)
    }

    private static func below10000(_ n: Int, leadingOne: Bool) -> String {
        let units = ["千", "百", "十", ""]
        let parts = [n / 1000, n / 100 % 10, n / 10 % 10, n % 10]
        var out = ""
        var pendingZero = false
        var started = false
        for (i, digit) in parts.enumerated() {
            if digit == 0 {
                if started { pendingZero = true }
                continue
            }
            if pendingZero {
                out += "零"
                pendingZero = false
            }
            // 十五, not 一十五, when the number starts with its tens.
            if i == 2 && digit == 1 && !started && !leadingOne {
                out += "十"
            } else {
                out += digits[digit] + units[i]
            }
            started = true
        }
        return out
    }
}

enum FestivalText {
    static func lunarMonth(_ m: Int) -> String {
        let names = ["正", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二"]
        return ((1...12).contains(m) ? names[m - 1] : String(m)) + "月"
    }

    static func lunarDay(_ d: Int) -> String {
        let units = ["", "一", "二", "三", "四", "五", "六", "七", "八", "九"]
        switch d {
        case 1...9: return "初" + units[d]
        case 10: return "初十"
        case 11...19: return "十" + units[d - 10]
        case 20: return "二十"
        case 21...29: return "廿" + units[d - 20]
        case 30: return "三十"
        default: return String(d)
        }
    }
}
