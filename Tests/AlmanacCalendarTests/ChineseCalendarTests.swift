import Testing

@testable import AlmanacCalendar

@Suite("Chinese calendar")
struct ChineseCalendarTests {
    let calendar = ChineseCalendar.standard

    @Test("every day 1901–2100 converts to lunar and back to itself, and days run on without gaps")
    func roundTripEveryDay() throws {
        let first = CivilDate.t("1901-01-01"), last = CivilDate.t("2100-12-31")
        var previous = try calendar.lunarDate(from: first.adding(days: -1))
        var failures: [String] = []
        for date in first...last {
            let lunar = try calendar.lunarDate(from: date)
            let back = try calendar.civilDate(from: lunar)
            if back != date { failures.append("\(date) → \(lunar) → \(back)") }
            let continues = lunar.day == previous.day + 1 && lunar.month == previous.month
                && lunar.isLeapMonth == previous.isLeapMonth && lunar.year == previous.year
            if !continues && lunar.day != 1 { failures.append("\(date): \(previous) then \(lunar)") }
            previous = lunar
            if failures.count > 20 { break }
        }
        #expect(failures == [])
    }

    @Test("73 leap months in 1901–2100, 闰十一月 in 2033, never a leap month 12")
    func leapMonths() throws {
        var leaps: [Int: Int] = [:]
        for year in 1901...2100 {
            if let month = try calendar.leapMonth(ofLunarYear: year) { leaps[year] = month }
        }
        #expect(leaps.count == 73)
        #expect(leaps[2033] == 11)
        #expect(!leaps.values.contains(12))
        #expect(leaps[2023] == 2)
        #expect(leaps[2025] == 6)
        #expect(leaps[2026] == nil)
        #expect(leaps[2028] == 5)
    }

    @Test("months of a year with a leap month")
    func monthsOfYear() throws {
        let months = try calendar.months(ofLunarYear: 2025)
        #expect(months.count == 13)
        #expect(months.map(\.chineseName) == [
            "正月", "二月", "三月", "四月", "五月", "六月", "闰六月", "七月", "八月", "九月", "十月", "十一月", "十二月",
        ])
        #expect(months[0].firstDay == .t("2025-01-29"))
        #expect(months[6].firstDay == .t("2025-07-25"))
        #expect(months[6].isLeap && months[6].number == 6)
        #expect(months.map(\.length).reduce(0, +) == 384)
        #expect(try calendar.months(ofLunarYear: 2026).count == 12)
        #expect(try calendar.lastDayOfTwelfthMonth(lunarYear: 2025) == .t("2026-02-16"))
        #expect(try calendar.newYear(ofLunarYear: 2026) == .t("2026-02-17"))
    }

    @Test("known conversions")
    func knownConversions() throws {
        let midAutumn = try calendar.lunarDate(from: .t("2026-09-25"))
        #expect(midAutumn == LunarDate(year: 2026, month: 8, day: 15))
        #expect(midAutumn.chineseDescription == "二〇二六年八月十五")
        #expect(midAutumn.description == "2026-08-15")
        let leap = try calendar.lunarDate(from: .t("2025-07-25"))
        #expect(leap == LunarDate(year: 2025, month: 6, day: 1, isLeapMonth: true))
        #expect(leap.chineseDescription == "二〇二五年闰六月初一")
        #expect(leap.description == "2025-L06-01")
        #expect(try calendar.civilDate(lunarYear: 2033, month: 11, day: 1, leap: true) == .t("2033-12-22"))
        #expect(try calendar.lunarDate(from: .t("2026-02-16")) == LunarDate(year: 2025, month: 12, day: 29))
        #expect(try calendar.length(ofMonth: 6, leap: true, lunarYear: 2025) == 29)
    }

    @Test("disputed months: decisions of docs/chinese-calendar.md")
    func disputedMonths() throws {
        // Strict UTC+8 (GB/T 33661-2017), not Beijing local mean time.
        #expect(try calendar.newYear(ofLunarYear: 1916) == .t("1916-02-04"))
        #expect(try calendar.civilDate(lunarYear: 1914, month: 10, day: 1) == .t("1914-11-18"))
        #expect(try calendar.civilDate(lunarYear: 1920, month: 10, day: 1) == .t("1920-11-11"))
        // 2057: decided (computed new moon 2.5 s before midnight): 九月 starts on the 29th.
        #expect(LunarAstronomy.computedNewMoonDay(Moon.lunation(near: 2_472_634.5)) == CivilDate.t("2057-09-28").dayNumber)
        #expect(try calendar.civilDate(lunarYear: 2057, month: 9, day: 1) == .t("2057-09-29"))
        #expect(try calendar.civilDate(lunarYear: 2057, month: 9, day: 9) == .t("2057-10-07"))
        // 2097: computed new moon 20 s before midnight on 08-07: 七月 starts on the 7th.
        #expect(try calendar.civilDate(lunarYear: 2097, month: 7, day: 1) == .t("2097-08-07"))
        #expect(try calendar.civilDate(lunarYear: 2097, month: 7, day: 7) == .t("2097-08-13"))
    }

    @Test("solar terms of 2026 with their moments")
    func solarTerms2026() throws {
        let terms = try calendar.solarTerms(year: 2026)
        #expect(terms.count == 24)
        #expect(terms.map(\.term) == SolarTerm.allCases)
        #expect(try calendar.date(of: .qingming, year: 2026) == .t("2026-04-05"))
        #expect(try calendar.date(of: .dongzhi, year: 2026) == .t("2026-12-22"))
        #expect(try calendar.date(of: .lichun, year: 2026) == .t("2026-02-04"))
        let chunfen = try calendar.moment(of: .chunfen, year: 2026)
        // lunar-python 1.4.8: 2026-03-20 22:45:59 Beijing time. Our ΔT (Espenak–Meeus 2006) runs
        // about 6 s above the measured one in the 2020s, so seconds differ, not the day.
        #expect(chunfen.date == .t("2026-03-20"))
        #expect(abs(chunfen.secondOfDay - (22 * 3600 + 45 * 60 + 59)) <= 15)
        #expect(try calendar.solarTerm(on: .t("2026-04-05")) == .qingming)
        #expect(try calendar.solarTerm(on: .t("2026-04-06")) == nil)
        #expect(SolarTerm.qingming.longitude == 15 && SolarTerm.chunfen.longitude == 0 && SolarTerm.dongzhi.longitude == 270)
        #expect(SolarTerm.allCases.filter(\.isPrincipal).map(\.chineseName) == [
            "大寒", "雨水", "春分", "谷雨", "小满", "夏至", "大暑", "处暑", "秋分", "霜降", "小雪", "冬至",
        ])
        #expect(SolarTerm(chineseName: "清明") == .qingming && SolarTerm(chineseName: "清明节") == nil)
        #expect(SolarTerm(identifier: "Pure Brightness") == .qingming)
    }

    @Test("干支 and 生肖")
    func ganZhi() throws {
        #expect(GanZhi.year(2026).chineseName == "丙午" && GanZhi.year(2026).zodiac == "马")
        #expect(GanZhi.year(1984).chineseName == "甲子" && GanZhi.year(1984).index == 0)
        #expect(try calendar.yearGanZhi(of: .t("2026-02-16")).chineseName == "乙巳")
        #expect(try calendar.yearGanZhi(of: .t("2026-02-17")).chineseName == "丙午")
        #expect(try calendar.zodiac(of: .t("2026-02-17")) == "马")
        #expect(calendar.dayGanZhi(of: .t("2000-01-01")).chineseName == "戊午")
        #expect(calendar.dayGanZhi(of: .t("2026-01-01")).chineseName == "乙亥")
        // 2026-02-04 is 立春: the 庚寅 month of 丙午 starts; the day before is still 己丑.
        #expect(try calendar.monthGanZhi(of: .t("2026-02-04")).chineseName == "庚寅")
        #expect(try calendar.monthGanZhi(of: .t("2026-02-03")).chineseName == "己丑")
        #expect(try calendar.monthGanZhi(of: .t("2026-01-04")).chineseName == "戊子")
        #expect(try calendar.monthGanZhi(of: .t("2026-12-31")).chineseName == "庚子")
        for index in 0..<60 {
            let g = GanZhi(index: index)
            #expect(g.index == index && GanZhi(stem: g.stem, branch: g.branch) == g)
        }
        #expect(GanZhi(stem: 0, branch: 1) == nil)
    }

    @Test("bad input gets a clear error, never a crash")
    func badInput() throws {
        #expect(throws: CalendarError(.noSuchDate,
            "lunar year 2026 has no 闰八月 (2026-L08-01): it has no leap month")) {
            try calendar.civilDate(lunarYear: 2026, month: 8, day: 1, leap: true)
        }
        #expect(throws: CalendarError(.noSuchDate,
            "lunar year 2025 has no 闰七月 (2025-L07-01): its leap month is 闰六月")) {
            try calendar.civilDate(lunarYear: 2025, month: 7, day: 1, leap: true)
        }
        #expect(throws: CalendarError(.noSuchDate,
            "lunar month 13 does not exist (2026-13-01): months are 1...12")) {
            try calendar.civilDate(lunarYear: 2026, month: 13, day: 1)
        }
        #expect(throws: CalendarError(.noSuchDate,
            "lunar day 31 does not exist (2026-01-31): days are 1...30")) {
            try calendar.civilDate(lunarYear: 2026, month: 1, day: 31)
        }
        #expect(throws: CalendarError(.noSuchDate, "lunar day 0 does not exist (2026-01-00): days are 1...30")) {
            try calendar.civilDate(lunarYear: 2026, month: 1, day: 0)
        }
        // 2026 二月 has 29 days.
        #expect(try calendar.months(ofLunarYear: 2026)[1].length == 29)
        #expect(throws: CalendarError(.noSuchDate,
            "2026 二月 has 29 days, so day 30 does not exist (2026-02-30)")) {
            try calendar.civilDate(lunarYear: 2026, month: 2, day: 30)
        }
        #expect(throws: CalendarError(.outOfRange, "lunar year 2201 is outside the supported range 1800–2200")) {
            try calendar.months(ofLunarYear: 2201)
        }
        #expect(throws: CalendarError(.outOfRange, "year 1799 is outside the supported range 1800–2200")) {
            try calendar.date(of: .qingming, year: 1799)
        }
        #expect(throws: CalendarError(.outOfRange, "1799-12-31 is outside the supported range 1800–2200")) {
            try calendar.lunarDate(from: .t("1799-12-31"))
        }
        #expect(throws: CalendarError(.outOfRange, "2201-01-01 is outside the supported range 1800–2200")) {
            try calendar.lunarDate(from: .t("2201-01-01"))
        }
        // Lunar year 1799 is computed only as far as it reaches into 1800.
        #expect(throws: CalendarError(.outOfRange, "lunar 1799-01-01 (1799-02-05) is outside the supported range 1800–2200")) {
            try calendar.civilDate(lunarYear: 1799, month: 1, day: 1)
        }
        #expect(throws: CalendarError.self) { try calendar.lunarDate(from: .t("9999-01-01")) }
        #expect(throws: CalendarError.self) { try calendar.civilDate(lunarYear: Int.max, month: 1, day: 1) }
        #expect(throws: CalendarError.self) { try calendar.civilDate(lunarYear: 2026, month: Int.min, day: 1) }
    }

    @Test("concurrent conversions on a cold cache agree with the shared calendar")
    func concurrentColdCache() async throws {
        let fresh = ChineseCalendar(freshCache: ())
        let dates = stride(from: CivilDate.t("2030-01-01").dayNumber, to: CivilDate.t("2040-01-01").dayNumber, by: 7)
            .map(CivilDate.init(dayNumber:))
        let results = try await withThrowingTaskGroup(of: [LunarDate].self) { group in
            for _ in 0..<8 {
                group.addTask { try dates.map { date throws(CalendarError) in try fresh.lunarDate(from: date) } }
            }
            var all: [[LunarDate]] = []
            for try await result in group { all.append(result) }
            return all
        }
        let expected = try dates.map { date throws(CalendarError) in try calendar.lunarDate(from: date) }
        #expect(results.count == 8)
        for result in results { #expect(result == expected) }
    }

    @Test("the ends of the supported range are computed")
    func rangeEnds() throws {
        #expect(ChineseCalendar.slotsMatchRange)
        let packed = PackedYear(newYear: -1, longMonths: 0b1_0101_0101_0101, monthCount: 13, leapIndex: 6)
        #expect(PackedYear(bits: packed.bits) == packed)
        #expect(try calendar.lunarDate(from: .t("1800-12-31")).year == 1800)
        #expect(try calendar.lunarDate(from: .t("2200-12-31")).year == 2200)
        #expect(try calendar.months(ofLunarYear: 1800).count >= 12)
        #expect(try calendar.months(ofLunarYear: 2200).count >= 12)
        // Every day of the range has a lunar date: 1800-01-01 lies in lunar year 1799.
        let first = try calendar.lunarDate(from: .t("1800-01-01"))
        #expect(first == LunarDate(year: 1799, month: 12, day: 7, isLeapMonth: false))
        #expect(try calendar.length(ofMonth: 12, lunarYear: 1799) == 30)
        #expect(try calendar.lastDayOfTwelfthMonth(lunarYear: 1799) == .t("1800-01-24"))
        #expect(try calendar.newYear(ofLunarYear: 1800) == .t("1800-01-25"))
        // The end of lunar year 2200 reaches into 2201, outside the range.
        #expect(throws: CalendarError.self) { try calendar.lastDayOfTwelfthMonth(lunarYear: 2200) }
        // The festivals of the first and last year are complete.
        let catalog = FestivalCatalog.standard
        let eve = try #require(catalog.festival(named: "除夕"))
        #expect(try catalog.dates(of: eve, year: 1800) == [.t("1800-01-24")])
        let laba = try #require(catalog.festival(named: "腊八"))
        #expect(try catalog.dates(of: laba, year: 2200) == [.t("2200-01-23")])
        #expect(catalog.festivals(in: 1800).contains { $0.0.id == eve.id })
    }
}
