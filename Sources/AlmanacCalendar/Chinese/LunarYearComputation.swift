import Synchronization

/// One lunar year in a few bytes: where it starts, which months are long, where the leap month is.
struct PackedYear: Sendable, Equatable {
    /// Day number (days since 1970-01-01) of 正月初一.
    var newYear: Int32
    /// Bit i set: the month at position i has 30 days (else 29).
    var longMonths: UInt16
    /// 12 or 13.
    var monthCount: UInt8
    /// Position (1...12) of the leap month in the year, or 0 when there is none.
    var leapIndex: UInt8

    init(newYear: Int32, longMonths: UInt16, monthCount: UInt8, leapIndex: UInt8) {
        self.newYear = newYear
        self.longMonths = longMonths
        self.monthCount = monthCount
        self.leapIndex = leapIndex
    }

    /// Unpacks ``bits``.
    init(bits: UInt64) {
        newYear = Int32(bitPattern: UInt32(truncatingIfNeeded: bits))
        longMonths = UInt16(truncatingIfNeeded: bits >> 32)
        monthCount = UInt8(truncatingIfNeeded: bits >> 48)
        leapIndex = UInt8(truncatingIfNeeded: bits >> 56)
    }

    /// The year in 64 bits; never 0, because `monthCount` is 12 or 13.
    var bits: UInt64 {
        UInt64(UInt32(bitPattern: newYear)) | UInt64(longMonths) << 32 | UInt64(monthCount) << 48
            | UInt64(leapIndex) << 56
    }

    func length(ofMonthAt index: Int) -> Int { longMonths & (1 << UInt16(index)) != 0 ? 30 : 29 }

    /// Days from 正月初一 to the first day of the month at `index`.
    func daysBefore(monthAt index: Int) -> Int {
        let mask = index >= 16 ? UInt16.max : UInt16((1 << index) - 1)
        return 29 * index + (longMonths & mask).nonzeroBitCount
    }

    /// Number and leap flag of the month at a position.
    func month(at index: Int) -> (Int, Bool) {
        let leap = Int(leapIndex)
        if leap == 0 || index < leap { return (index + 1, false) }
        if index == leap { return (leap, true) }
        return (index, false)
    }

    /// The position of a month, or nil when the year has no such month.
    func index(ofMonth number: Int, leap isLeap: Bool) -> Int? {
        let leap = Int(leapIndex)
        if isLeap { return leap != 0 && number == leap ? leap : nil }
        if leap == 0 || number <= leap { return number - 1 }
        return number
    }

    var leapMonthNumber: Int? { leapIndex == 0 ? nil : Int(leapIndex) }
}

/// Per-year results of the astronomy, computed on first use and kept for the life of the process.
///
/// A lunar year packs into 64 bits, so each year has its own atomic slot (0 = not computed yet):
/// reading a computed year is one acquiring load, with no lock. Two threads may both compute a
/// missing year; they store the same value. Solar-term moments, used less often, sit in a
/// dictionary behind a `Mutex`.
final class CalendarCache: Sendable {
    /// The number of lunar-year slots: lunar years 1799...2200.
    static let slotCount = 402
    private let firstYear: Int
    private let lunarYears: InlineArray<402, Atomic<UInt64>>
    private let terms: Mutex<[Int: [Double]]>

    init(years: ClosedRange<Int>) {
        firstYear = years.lowerBound
        lunarYears = InlineArray { _ in Atomic<UInt64>(0) }
        terms = Mutex([:])
    }

    /// The lunar year; `year` must lie in the supported range (`firstYear` and `slotCount`).
    func lunarYear(_ year: Int) -> PackedYear {
        let slot = year - firstYear
        let cached = lunarYears[slot].load(ordering: .acquiring)
        if cached != 0 { return PackedYear(bits: cached) }
        let computed = computeLunarYear(year)
        lunarYears[slot].store(computed.bits, ordering: .releasing)
        return computed
    }

    /// The 24 solar-term moments (Julian day, UT) of a Gregorian year, 小寒 first.
    func termMoments(_ year: Int) -> [Double] {
        var moments = terms.withLock { $0[year] } ?? Self.noTerms
        guard moments.contains(where: \.isNaN) else { return moments }
        for index in moments.indices where moments[index].isNaN {
            moments[index] = LunarAstronomy.solarTermMoment(year: year, index: index)
        }
        let computed = moments
        terms.withLock { $0[year] = computed }
        return computed
    }

    /// The moment (Julian day, UT) of one solar term of a Gregorian year (`index`: 0 is 小寒).
    /// Terms are computed one by one as they are asked for: a lunar year needs only the 冬至 of
    /// the years around it (and the principal terms of a year with a leap month), a festival
    /// only its own term, and each term costs some hundred evaluations of the sun's series.
    func termMoment(_ year: Int, _ index: Int) -> Double {
        if let cached = terms.withLock({ $0[year]?[index] }), !cached.isNaN { return cached }
        let computed = LunarAstronomy.solarTermMoment(year: year, index: index)
        terms.withLock { $0[year, default: Self.noTerms][index] = computed }
        return computed
    }

    /// A year of which no term is computed yet (NaN: not computed).
    private static let noTerms = [Double](repeating: .nan, count: 24)

    private func computeLunarYear(_ year: Int) -> PackedYear {
        let current = sui(endingIn: year)
        let next = sui(endingIn: year + 1)
        // Lunar year = months of this 岁 from 正月 on, then the months of the next 岁 before its 正月.
        let first = current.months.firstIndex { $0.number == 1 && !$0.isLeap } ?? 0
        let firstNext = next.months.firstIndex { $0.number == 1 && !$0.isLeap } ?? 0
        var months = Array(current.months[first...])
        months += next.months[..<firstNext]
        let end = firstNext < next.months.count ? next.months[firstNext].start : next.end
        var long: UInt16 = 0
        var leapIndex: UInt8 = 0
        for (index, month) in months.enumerated() {
            let nextStart = index + 1 < months.count ? months[index + 1].start : end
            if nextStart - month.start == 30 { long |= 1 << UInt16(index) }
            if month.isLeap { leapIndex = UInt8(index) }
        }
        return PackedYear(
            newYear: Int32(months[0].start), longMonths: long, monthCount: UInt8(months.count), leapIndex: leapIndex)
    }

    struct SuiMonth {
        var start: Int
        var number: Int
        var isLeap: Bool
    }

    /// The 岁 from the month-11 that contains 冬至 of `year − 1` to the month before the month-11
    /// that contains 冬至 of `year`, numbered, with the leap month marked.
    func sui(endingIn year: Int) -> (months: [SuiMonth], end: Int) {
        let solstice0 = LunarAstronomy.civilDay(julianDayUT: termMoment(year - 1, SolarTerm.dongzhi.rawValue))
        let solstice1 = LunarAstronomy.civilDay(julianDayUT: termMoment(year, SolarTerm.dongzhi.rawValue))
        var k = Moon.lunation(near: Double(solstice0) + TimeScales.unixEpochJulianDay)
        while LunarAstronomy.newMoonDay(k) > solstice0 { k -= 1 }
        while LunarAstronomy.newMoonDay(k + 1) <= solstice0 { k += 1 }
        var starts = [LunarAstronomy.newMoonDay(k)]
        while true {
            k += 1
            let day = LunarAstronomy.newMoonDay(k)
            if day > solstice1 { break }
            starts.append(day)
        }
        let count = starts.count - 1  // 12 or 13 months; starts.last is the next month-11
        var leap = -1
        if count == 13 {
            var principal: [Int] = [solstice0]
            for term in SolarTerm.allCases where term.isPrincipal {
                principal.append(LunarAstronomy.civilDay(julianDayUT: termMoment(year, term.rawValue)))
            }
            for index in 1..<count {
                let lower = starts[index], upper = starts[index + 1]
                if !principal.contains(where: { $0 >= lower && $0 < upper }) {
                    leap = index
                    break
                }
            }
        }
        var months: [SuiMonth] = []
        var number = 10
        for index in 0..<count {
            if index == leap {
                months.append(SuiMonth(start: starts[index], number: number, isLeap: true))
            } else {
                number = number % 12 + 1
                months.append(SuiMonth(start: starts[index], number: number, isLeap: false))
            }
        }
        return (months, starts[count])
    }
}

/// The astronomy the calendar needs, reduced to civil days in UTC+8.
enum LunarAstronomy {
    /// The civil day (day number) in UTC+8 that contains a moment given as a Julian day in UT.
    static func civilDay(julianDayUT jd: Double) -> Int {
        Int((jd + 8.0 / 24.0 - TimeScales.unixEpochJulianDay).rounded(.down))
    }

    /// The civil day in UTC+8 of new moon number `k`, after ``decidedNewMoonDays``.
    static func newMoonDay(_ k: Int) -> Int {
        let computed = computedNewMoonDay(k)
        return decidedNewMoonDays[computed] ?? computed
    }

    /// The civil day in UTC+8 of new moon number `k` as the ephemeris gives it.
    static func computedNewMoonDay(_ k: Int) -> Int {
        civilDay(julianDayUT: TimeScales.universalTime(fromEphemeris: Moon.newMoon(lunation: k)))
    }

    /// New moons whose computed moment lies closer to midnight than the computation can resolve,
    /// with the civil day decided for them (computed day → decided day). Each is argued in
    /// docs/chinese-calendar.md ("Disputed months"):
    ///
    /// - 2057-09: computed 2057-09-28 23:59:57.5 with ΔT = 108.9 s (Espenak–Meeus 2006). Any ΔT
    ///   below 106.4 s moves it past midnight, and that extrapolation already runs about 5 s
    ///   above the measured ΔT of the 2020s; the reference tables start 九月 on the 29th.
    static let decidedNewMoonDays: [Int: Int] = [
        CivilDate.daysFromCivil(year: 2057, month: 9, day: 28): CivilDate.daysFromCivil(year: 2057, month: 9, day: 29)
    ]

    /// The moment (Julian day, UT) of solar term `index` (0 is 小寒) of a Gregorian year.
    static func solarTermMoment(year: Int, index: Int) -> Double {
        let january1 = Double(CivilDate.daysFromCivil(year: year, month: 1, day: 1)) + TimeScales.unixEpochJulianDay
        let term = SolarTerm.allCases[index]
        // Terms fall within a day or two of the same calendar day each year.
        let estimate = january1 + 5.2 + 15.2184 * Double(term.rawValue)
        let jde = Sun.julianEphemerisDay(ofLongitude: term.longitude, near: estimate)
        return TimeScales.universalTime(fromEphemeris: jde)
    }
}
