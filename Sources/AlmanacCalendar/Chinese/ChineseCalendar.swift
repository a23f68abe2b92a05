import Synchronization

/// The Chinese lunisolar calendar (农历) as GB/T 33661-2017 《农历的编算和颁行》 defines it, computed
/// from the positions of the sun and the moon in Beijing time (UTC+8):
///
/// - a month begins on the civil day that contains the new moon (朔);
/// - month 11 is the month that contains the winter solstice (冬至);
/// - when 13 months lie between two month-11s, the first of them without a principal term (中气)
///   is the leap month (闰月), numbered like the month before it.
///
/// Everything is derived from ``Sun`` and ``Moon``; per-year results are cached, thread-safely,
/// the first time a year is used, so conversions after that are table look-ups. The calendar is
/// a value: all copies share one cache.
public struct ChineseCalendar: Sendable {
    /// The calendar of GB/T 33661-2017 in UTC+8.
    public static let standard = ChineseCalendar()

    /// The Gregorian years the calendar answers for: every day from 1800-01-01 to 2200-12-31 has a
    /// lunar date, and every year has its 24 solar terms. Dates are right in 1901–2100 (tested
    /// against a reference for every day); 1800–1900 and 2101–2200 are computed the same way and
    /// documented in docs/chinese-calendar.md.
    public static let supportedYears: ClosedRange<Int> = 1800...2200

    /// The lunar years computed to cover ``supportedYears``: 1800-01-01 lies in lunar year 1799
    /// (its 十一月). A date of one of these years outside ``supportedYears`` is still refused.
    static let lunarYears: ClosedRange<Int> = (supportedYears.lowerBound - 1)...supportedYears.upperBound

    /// The one wording of every range error: "`what` is outside the supported range 1800–2200".
    public static func outOfRange(_ what: String) -> CalendarError {
        CalendarError(
            .outOfRange, "\(what) is outside the supported range \(supportedYears.lowerBound)–\(supportedYears.upperBound)")
    }

    let cache: CalendarCache

    /// A calendar with its own, empty cache (tests use it to exercise the cache from cold).
    init(freshCache: ()) {
        cache = CalendarCache(years: ChineseCalendar.lunarYears)
    }

    private init() {
        cache = CalendarCache(years: ChineseCalendar.lunarYears)
    }

    // The cache has one slot per computed lunar year.
    static let slotsMatchRange: Bool = lunarYears.count == CalendarCache.slotCount

    // MARK: Conversions

    /// The lunar date of a civil date.
    public func lunarDate(from date: CivilDate) throws(CalendarError) -> LunarDate {
        // The lunar year is the Gregorian year or the one before. An estimate of the Gregorian
        // year that may be off by one near January 1st is enough, because 正月初一 falls between
        // January 21 and February 20.
        guard ChineseCalendar.supportedYears.contains(date.year) else { throw ChineseCalendar.outOfRange("\(date)") }
        let estimate = Int((Double(date.dayNumber) / 365.2425).rounded(.down)) + 1970
        var lunarYear = min(max(estimate, ChineseCalendar.lunarYears.lowerBound), ChineseCalendar.lunarYears.upperBound)
        var year = try packedYear(lunarYear)
        if date.dayNumber < Int(year.newYear) {
            lunarYear -= 1
            year = try packedYear(lunarYear)
        }
        var offset = date.dayNumber - Int(year.newYear)
        var index = 0
        while index < Int(year.monthCount) {
            let length = year.length(ofMonthAt: index)
            if offset < length { break }
            offset -= length
            index += 1
        }
        guard index < Int(year.monthCount) else { throw ChineseCalendar.outOfRange("\(date)") }
        let (number, leap) = year.month(at: index)
        return LunarDate(year: lunarYear, month: number, day: offset + 1, isLeapMonth: leap)
    }

    /// The civil date of a lunar date; throws ``CalendarError/Code/noSuchDate`` for a leap month
    /// the year does not have, day 30 of a 29-day month, a month outside 1...12 or a day outside
    /// 1...30, and ``CalendarError/Code/outOfRange`` for a date outside ``supportedYears``.
    public func civilDate(from lunar: LunarDate) throws(CalendarError) -> CivilDate {
        try civilDate(lunarYear: lunar.year, month: lunar.month, day: lunar.day, leap: lunar.isLeapMonth)
    }

    /// The civil date of lunar year `lunarYear`, month `month` (leap month when `leap`), day `day`.
    public func civilDate(lunarYear: Int, month: Int, day: Int, leap: Bool = false) throws(CalendarError) -> CivilDate {
        var name: String { LunarDate(year: lunarYear, month: month, day: day, isLeapMonth: leap).description }
        guard (1...12).contains(month) else {
            throw CalendarError(.noSuchDate, "lunar month \(month) does not exist (\(name)): months are 1...12")
        }
        guard (1...30).contains(day) else {
            throw CalendarError(.noSuchDate, "lunar day \(day) does not exist (\(name)): days are 1...30")
        }
        let year = try packedYear(lunarYear)
        guard let index = year.index(ofMonth: month, leap: leap) else {
            let actual = year.leapMonthNumber.map { "its leap month is \(LunarDate.chineseMonth($0, leap: true))" }
                ?? "it has no leap month"
            throw CalendarError(
                .noSuchDate, "lunar year \(lunarYear) has no \(LunarDate.chineseMonth(month, leap: true)) (\(name)): \(actual)")
        }
        let length = year.length(ofMonthAt: index)
        guard day <= length else {
            throw CalendarError(
                .noSuchDate,
                "\(lunarYear) \(LunarDate.chineseMonth(month, leap: leap)) has \(length) days, so day \(day) does not exist (\(name))")
        }
        return try inRange(CivilDate(dayNumber: Int(year.newYear) + year.daysBefore(monthAt: index) + day - 1), lunar: name)
    }

    /// `date` when its year is supported; the lunar year 1799 and the end of lunar year 2200 reach
    /// outside ``supportedYears``.
    func inRange(_ date: CivilDate, lunar: @autoclosure () -> String) throws(CalendarError) -> CivilDate {
        guard ChineseCalendar.supportedYears.contains(date.year) else {
            throw ChineseCalendar.outOfRange("lunar \(lunar()) (\(date))")
        }
        return date
    }

    // MARK: Months and years

    /// The months of a lunar year in order, from 正月 to 十二月, 12 or 13 of them.
    public func months(ofLunarYear year: Int) throws(CalendarError) -> [LunarMonth] {
        let packed = try packedYear(year)
        var result: [LunarMonth] = []
        var day = Int(packed.newYear)
        for index in 0..<Int(packed.monthCount) {
            let (number, leap) = packed.month(at: index)
            let length = packed.length(ofMonthAt: index)
            result.append(LunarMonth(number: number, isLeap: leap, firstDay: CivilDate(dayNumber: day), length: length))
            day += length
        }
        return result
    }

    /// The number of the leap month of a lunar year (1...12), or nil when it has none.
    public func leapMonth(ofLunarYear year: Int) throws(CalendarError) -> Int? {
        try packedYear(year).leapMonthNumber
    }

    /// 春节: the civil date of 正月初一 of a lunar year.
    public func newYear(ofLunarYear year: Int) throws(CalendarError) -> CivilDate {
        try inRange(CivilDate(dayNumber: Int(try packedYear(year).newYear)), lunar: "\(year)-01-01")
    }

    /// 除夕: the last day of month 12 of a lunar year (the day before the next 正月初一).
    public func lastDayOfTwelfthMonth(lunarYear: Int) throws(CalendarError) -> CivilDate {
        let packed = try packedYear(lunarYear)
        let date = CivilDate(dayNumber: Int(packed.newYear) + packed.daysBefore(monthAt: Int(packed.monthCount)) - 1)
        return try inRange(date, lunar: "\(lunarYear)-12-last")
    }

    /// The number of days in a lunar month (29 or 30).
    public func length(ofMonth month: Int, leap: Bool = false, lunarYear: Int) throws(CalendarError) -> Int {
        // Validates the month (range, leap month present) with the same messages as conversion;
        // day 29 is always there, so the 1799 and 2200 months at the range's ends answer too.
        let name = LunarDate(year: lunarYear, month: month, day: 1, isLeapMonth: leap).description
        guard (1...12).contains(month) else {
            throw CalendarError(.noSuchDate, "lunar month \(month) does not exist (\(name)): months are 1...12")
        }
        let year = try packedYear(lunarYear)
        guard let index = year.index(ofMonth: month, leap: leap) else {
            let actual = year.leapMonthNumber.map { "its leap month is \(LunarDate.chineseMonth($0, leap: true))" }
                ?? "it has no leap month"
            throw CalendarError(
                .noSuchDate, "lunar year \(lunarYear) has no \(LunarDate.chineseMonth(month, leap: true)) (\(name)): \(actual)")
        }
        return year.length(ofMonthAt: index)
    }

    // MARK: Solar terms

    /// The civil date (UTC+8) of a solar term in a Gregorian year.
    public func date(of term: SolarTerm, year: Int) throws(CalendarError) -> CivilDate {
        try moment(of: term, year: year).exactDate
    }

    /// The moment of a solar term in a Gregorian year, in Beijing time.
    public func moment(of term: SolarTerm, year: Int) throws(CalendarError) -> BeijingTime {
        BeijingTime(julianDayUT: try termMoment(year, term.rawValue))
    }

    /// The 24 solar terms of a Gregorian year with their civil dates (UTC+8), 小寒 first.
    public func solarTerms(year: Int) throws(CalendarError) -> [(term: SolarTerm, date: CivilDate)] {
        let moments = try termMoments(year)
        return SolarTerm.allCases.map { ($0, BeijingTime(julianDayUT: moments[$0.rawValue]).exactDate) }
    }

    /// The 24 solar terms of a Gregorian year with their moments in Beijing time, 小寒 first.
    public func solarTermMoments(year: Int) throws(CalendarError) -> [(term: SolarTerm, moment: BeijingTime)] {
        let moments = try termMoments(year)
        return SolarTerm.allCases.map { ($0, BeijingTime(julianDayUT: moments[$0.rawValue])) }
    }

    /// The solar term that falls on a civil date, if any.
    public func solarTerm(on date: CivilDate) throws(CalendarError) -> SolarTerm? {
        let year = date.year
        // Terms fall on roughly the same days every year: only two can be near any date.
        let guess = min(23, max(0, (date.dayOfYear - 5) * 2 / 30))
        for index in max(0, guess - 2)...min(23, guess + 2)
        where BeijingTime(julianDayUT: try termMoment(year, index)).exactDate == date {
            return SolarTerm(rawValue: index)
        }
        return nil
    }

    // MARK: 干支 and 生肖

    /// The 干支 of the lunar year of a date (the year changes at 正月初一).
    public func yearGanZhi(of date: CivilDate) throws(CalendarError) -> GanZhi {
        GanZhi.year(try lunarDate(from: date).year)
    }

    /// The 干支 of the month of a date, in solar-term months: the month changes on the day of each
    /// 节 (立春 starts the 寅 month), and its stem follows the 立春 year (甲己之年丙作首).
    public func monthGanZhi(of date: CivilDate) throws(CalendarError) -> GanZhi {
        let y = date.year
        let moments = try termMoments(y)
        var jie: Int? = nil
        for index in stride(from: 22, through: 0, by: -2)
        where BeijingTime(julianDayUT: moments[index]).exactDate <= date {
            jie = index
            break
        }
        let branch: Int
        let springYear: Int
        if let jie {
            branch = (jie / 2 + 1) % 12
            springYear = jie >= SolarTerm.lichun.rawValue ? y : y - 1
        } else {
            // Before 小寒: still the 子 month that began at 大雪 of the year before.
            branch = 0
            springYear = y - 1
        }
        let offset = (branch - 2 + 12) % 12
        let firstStem = (((springYear - 4) % 10 + 10) % 10 * 2 + 2) % 10
        return GanZhi(validStem: (firstStem + offset) % 10, branch: branch)
    }

    /// The 干支 of a civil day.
    public func dayGanZhi(of date: CivilDate) -> GanZhi { GanZhi.day(date) }

    /// The zodiac animal (生肖) of the lunar year of a date: "马".
    public func zodiac(of date: CivilDate) throws(CalendarError) -> String {
        try yearGanZhi(of: date).zodiac
    }

    // MARK: Cache access

    func packedYear(_ year: Int) throws(CalendarError) -> PackedYear {
        guard ChineseCalendar.lunarYears.contains(year) else { throw ChineseCalendar.outOfRange("lunar year \(year)") }
        return cache.lunarYear(year)
    }

    func termMoments(_ year: Int) throws(CalendarError) -> [Double] {
        guard ChineseCalendar.supportedYears.contains(year) else { throw ChineseCalendar.outOfRange("year \(year)") }
        return cache.termMoments(year)
    }

    /// The moment of solar term `index` (0 is 小寒) of a Gregorian year, computed alone.
    func termMoment(_ year: Int, _ index: Int) throws(CalendarError) -> Double {
        guard ChineseCalendar.supportedYears.contains(year) else { throw ChineseCalendar.outOfRange("year \(year)") }
        return cache.termMoment(year, index)
    }
}
