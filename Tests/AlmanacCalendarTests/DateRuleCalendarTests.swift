import Testing

@testable import AlmanacCalendar

/// Festival, lunar, holiday and working-day rules against the real Chinese calendar, festival
/// catalog and the shipped holiday tables (config/holidays/cn).
@Suite("Date rules on the Chinese and work calendars")
struct DateRuleCalendarTests {
    let context: RuleContext

    init() throws {
        context = RuleContext(workCalendar: try HolidayTestFiles.shippedCalendar())
    }

    func expand(_ rule: String, _ from: String, _ to: String) throws -> [String] {
        try DateRule.parse(rule).occurrences(in: day(from)...day(to), context: context).map(\.description)
    }

    func explain(_ rule: String, year: Int) throws -> [[String]] {
        let range = CivilDate(year: year, month: 1, day: 1)!...CivilDate(year: year, month: 12, day: 31)!
        return try DateRule.parse(rule).occurrences(in: range, context: context).map(\.explanation)
    }

    @Test(arguments: [
        ("中秋", "2026-09-25"), ("中秋节", "2026-09-25"), ("mid-autumn", "2026-09-25"), ("Mid-Autumn Festival", ""),
        ("清明", "2026-04-05"), ("春节", "2026-02-17"), ("元宵", "2026-03-03"), ("端午", "2026-06-19"),
        ("除夕", "2026-02-16"), ("重阳", "2026-10-18"), ("冬至", "2026-12-22"), ("劳动节", "2026-05-01"),
        ("lunar 08-15", "2026-09-25"), ("农历八月十五", "2026-09-25"), ("农历正月初一", "2026-02-17"),
        ("lunar 12-last", "2026-02-16"),
    ].filter { !$0.1.isEmpty })
    func festivalDates2026(_ rule: String, _ expected: String) throws {
        // lunar 12-last of lunar year 2025 (除夕) and of 2026 (2027-02-05) – only the first is in 2026.
        #expect(try expand(rule, "2026-01-01", "2026-12-31") == [expected])
    }

    @Test func festivalsOverYears() throws {
        #expect(try expand("中秋", "2025-01-01", "2027-12-31") == ["2025-10-06", "2026-09-25", "2027-09-15"])
        #expect(try expand("清明", "2024-01-01", "2026-12-31") == ["2024-04-04", "2025-04-04", "2026-04-05"])
        #expect(try expand("春节 -7d..+7d", "2026-01-01", "2026-12-31") == ["2026-02-10..2026-02-24"])
        #expect(try expand("春节前后7天", "2026-01-01", "2026-12-31") == ["2026-02-10..2026-02-24"])
        #expect(try expand("除夕..元宵", "2026-01-01", "2026-12-31") == ["2026-02-16..2026-03-03"])
        #expect(
            try DateRule.parse("中秋").nextOccurrence(onOrAfter: day("2026-09-26"), context: context)?.description
                == "2027-09-15")
    }

    @Test func lunarDates() throws {
        // 2025 has a leap sixth month (闰六月), starting 2025-07-25; 2026 has none.
        #expect(try expand("lunar L06-01", "2024-01-01", "2026-12-31") == ["2025-07-25"])
        #expect(try expand("农历闰六月初一", "2024-01-01", "2026-12-31") == ["2025-07-25"])
        #expect(try expand("lunar 2025-L06-01", "2020-01-01", "2030-12-31") == ["2025-07-25"])
        #expect(try DateRule.parse("农历2025年闰六月初一").text == "lunar 2025-L06-01")
        #expect(try DateRule.parse("农历腊月廿三").text == "lunar 12-23")
        // 腊月廿三 of lunar 2025 is in 2026; that of lunar 2026 falls in 2027.
        #expect(try expand("农历腊月廿三", "2026-01-01", "2026-12-31") == ["2026-02-10"])
    }

    @Test func explanations() throws {
        #expect(
            try explain("中秋", year: 2026) == [[
                "中秋节 = 农历八月十五 → 农历二〇二六年八月十五 (lunar 2026-08-15): 2026-09-25",
                "= 2026-09-25 (Friday)",
            ]])
        #expect(try explain("清明", year: 2026) == [["清明 = 节气清明 → in 2026: 2026-04-05", "= 2026-04-05 (Sunday)"]])
        // 2025: the 劳动节 break is 05-01..05-05 and Sunday 04-27 is worked instead (调休).
        #expect(
            try explain("holiday 劳动节 start -5wd", year: 2025) == [[
                "劳动节 official holiday 2025: 2025-05-01..2025-05-05 (5 days) → starts 2025-05-01",
                "5 working days before 2025-05-01 → 2025-04-25, counting the 调休 working day 2025-04-27 (Sunday, 劳动节)",
                "= 2025-04-25 (Friday)",
            ]])
        #expect(try explain("建党节", year: 2026).first?.first == "建党节 = 7月1日 → in 2026, 建党一百零五周年: 2026-07-01")
    }

    @Test func holidays() throws {
        #expect(try expand("holiday 劳动节", "2026-01-01", "2026-12-31") == ["2026-05-01..2026-05-05"])
        #expect(try expand("春节期间", "2026-01-01", "2026-12-31") == ["2026-02-15..2026-02-23"])
        #expect(try expand("holiday 春节 start", "2026-01-01", "2026-12-31") == ["2026-02-15"])
        #expect(try expand("holiday 春节 end", "2026-01-01", "2026-12-31") == ["2026-02-23"])
        // 2025 merged 国庆节 and 中秋节 into one break.
        #expect(try expand("holiday 中秋节", "2025-01-01", "2025-12-31") == ["2025-10-01..2025-10-08"])
        #expect(try expand("holiday 劳动节 start -3wd", "2025-01-01", "2025-12-31") == ["2025-04-28"])
        #expect(try expand("holiday 劳动节 start -4wd", "2025-01-01", "2025-12-31") == ["2025-04-27"])
        #expect(try expand("劳动节 holiday start -3wd", "2026-01-01", "2026-12-31") == ["2026-04-28"])
        #expect(try expand("“五一”节假日前", "2026-01-01", "2026-12-31") == ["2026-04-30"])
        #expect(try expand("国庆节假日后", "2026-01-01", "2026-12-31") == ["2026-10-08"])
        #expect(try expand("holiday 国庆节 end +1wd", "2025-01-01", "2025-12-31") == ["2025-10-09"])
        // A year without a table: no occurrence, and the expansion says why.
        let rule = try DateRule.parse("holiday 劳动节")
        let far = rule.expansion(in: day("2035-01-01")...day("2035-12-31"), context: context)
        #expect(far.occurrences.isEmpty)
        #expect(far.yearsWithoutHolidayTable == [2035])
        #expect(rule.expansion(in: day("2026-01-01")...day("2026-12-31"), context: context).yearsWithoutHolidayTable == [])
    }

    @Test func workingDays() throws {
        // February 2026: 春节 off 02-15..02-23, Saturdays 02-14 and 02-28 worked.
        #expect(try expand("monthly 3wd", "2026-02-01", "2026-02-28") == ["2026-02-04"])
        #expect(try expand("monthly last wd", "2026-02-01", "2026-02-28") == ["2026-02-28"])
        #expect(try expand("每月最后一个工作日", "2026-01-01", "2026-03-31") == ["2026-01-30", "2026-02-28", "2026-03-31"])
        #expect(try expand("monthly -2wd", "2026-02-01", "2026-02-28") == ["2026-02-27"])
        #expect(try expand("春节 +2wd", "2026-01-01", "2026-12-31") == ["2026-02-25"])
        #expect(
            try expand("daily dayoff skip", "2026-02-14", "2026-02-28") == [
                "2026-02-14", "2026-02-24", "2026-02-25", "2026-02-26", "2026-02-27", "2026-02-28",
            ])
    }

    /// 网吧检查 每周不少于两次, never on an official day off: `shift` keeps two a week wherever the
    /// week has two working days.
    @Test func dayOffShiftKeepsTheWeeklyCount() throws {
        let rule = try DateRule.parse("weekly tue,fri dayoff shift")
        #expect(rule.text == "weekly tue,fri dayoff shift")
        #expect(rule.dayOffPolicy == .shift)
        let year = day("2026-01-01")...day("2026-12-31")
        let dates = rule.occurrences(in: year, context: context).map(\.start)
        let work = context.workCalendar
        #expect(dates.allSatisfy(work.isWorkingDay))
        var perWeek: [CivilDate: Int] = [:]
        for d in dates { perWeek[d.adding(days: 1 - d.weekday.rawValue), default: 0] += 1 }
        var monday = day("2026-01-05")
        while monday < day("2026-12-28") {
            let open = (0..<7).filter { work.isWorkingDay(monday.adding(days: $0)) }.count
            #expect(perWeek[monday, default: 0] == min(2, open), "week of \(monday)")
            monday = monday.adding(days: 7)
        }
        // 国庆: Friday 10-02 moves back to Wednesday 09-30 (no working day after it that week),
        // Tuesday 10-06 forward to Thursday 10-08; the 春节 week has no working day and no check.
        #expect(
            try expand("weekly tue,fri dayoff shift", "2026-09-28", "2026-10-11") == [
                "2026-09-29", "2026-09-30", "2026-10-08", "2026-10-09",
            ])
        #expect(try expand("weekly tue,fri dayoff shift", "2026-02-16", "2026-02-22") == [])
        #expect(try expand("每周二、五 遇节假日就近调整", "2026-09-28", "2026-10-04") == ["2026-09-29", "2026-09-30"])
        #expect(
            try explain("weekly fri dayoff shift", year: 2026).first { $0.contains { $0.hasPrefix("2026-10-02") } } == [
                "every Friday (周五)",
                "2026-10-02 is a day off (国庆节假期) → moved to the nearest free working day of the same week, month or year, 2026-09-30",
                "= 2026-09-30 (Wednesday)",
            ])
        // Monthly: the month is the cycle. 2026-10-01 (a holiday) moves to the first free working day.
        #expect(try expand("monthly 1 dayoff shift", "2026-10-01", "2026-10-31") == ["2026-10-08"])
        // Daily: the day is the cycle, so a day off is dropped.
        #expect(try expand("daily dayoff shift", "2026-10-01", "2026-10-09") == ["2026-10-08", "2026-10-09"])
    }

    @Test func writtenKeepStaysInTheRule() throws {
        #expect(try DateRule.parse("weekly tue dayoff keep").text == "weekly tue dayoff keep")
        #expect(try DateRule.parse("weekly tue dayoff keep").dayOffPolicy == .keep)
        #expect(try DateRule.parse("weekly tue").dayOffPolicy == nil)
    }

    @Test func datesStayWithinTheSupportedRange() throws {
        let window = try DateRule.parse("12-20..01-05")
        let last = window.expansion(in: day("9999-01-01")...day("9999-12-31"), context: context)
        #expect(last.occurrences.map(\.description) == ["9998-12-20..9999-01-05"])
        #expect(last.leftOutBeyondSupportedDates)
        let daily = try DateRule.parse("daily")
        let edge = daily.expansion(in: day("9999-12-30")...day("10000-01-02"), context: context)
        #expect(edge.occurrences.map(\.description) == ["9999-12-30", "9999-12-31"])
        #expect(edge.leftOutBeyondSupportedDates)
        #expect(!daily.expansion(in: day("2026-01-01")...day("2026-12-31"), context: context).isIncomplete)
    }

    @Test func yearsOutsideTheChineseCalendarAreReported() throws {
        let midAutumn = try DateRule.parse("中秋")
        #expect(midAutumn.usesChineseCalendar)
        let one = midAutumn.expansion(in: day("0001-01-01")...day("0001-12-31"), context: context)
        #expect(one.occurrences.isEmpty)
        #expect(one.yearsOutsideChineseCalendar == [1])
        let edge = midAutumn.expansion(in: day("1798-01-01")...day("1801-12-31"), context: context)
        #expect(edge.occurrences.map(\.description) == ["1800-10-03", "1801-09-22"])
        #expect(edge.yearsOutsideChineseCalendar == [1798, 1799])
        // A rule of the Gregorian calendar needs no Chinese calendar.
        #expect(try DateRule.parse("10-01").expansion(in: day("0001-01-01")...day("0001-12-31"), context: context)
            .yearsOutsideChineseCalendar == [])
        #expect(try DateRule.parse("daily except 中秋").usesChineseCalendar)
    }

    @Test func dayOffPolicy() throws {
        #expect(try expand("10-03 dayoff before", "2026-01-01", "2026-12-31") == ["2026-09-30"])
        #expect(try expand("10-03 dayoff after", "2026-01-01", "2026-12-31") == ["2026-10-08"])
        #expect(try expand("10-03 dayoff skip", "2026-01-01", "2026-12-31") == [])
        #expect(try expand("10-03 dayoff keep", "2026-01-01", "2026-12-31") == ["2026-10-03"])
        // 2025-08-10 is a Sunday, 2026-08-10 a Monday.
        #expect(try expand("08-10 dayoff after", "2025-01-01", "2026-12-31") == ["2025-08-11", "2026-08-10"])
        #expect(try expand("8月10日 遇节假日顺延", "2025-01-01", "2025-12-31") == ["2025-08-11"])
        #expect(
            try explain("10-03 dayoff before", year: 2026) == [[
                "every year on 10-03 → in 2026: 2026-10-03",
                "2026-10-03 is a day off (国庆节假期) → moved to the previous working day 2026-09-30",
                "= 2026-09-30 (Wednesday)",
            ]])
        // Weekend days moved onto the Friday before that is already an occurrence remind once.
        #expect(
            try expand("daily dayoff before", "2026-01-05", "2026-01-12") == [
                "2026-01-05", "2026-01-06", "2026-01-07", "2026-01-08", "2026-01-09", "2026-01-12",
            ])
    }

    @Test(arguments: [
        ("中秋", "中秋节"), ("mid-autumn", "中秋节"), ("清明节", "清明"), ("劳动节 holiday start -3wd", "holiday 劳动节 start -3wd"),
        ("holiday 五一", "holiday 劳动节"), ("春节期间", "holiday 春节"), ("“五一”节假日前", "holiday 劳动节 start -1wd"),
        ("国庆假期", "holiday 国庆节"), ("中秋前3天", "中秋节 -3d"), ("春节后2个工作日", "春节 +2wd"),
        ("春节前后7天", "春节 -7d..+7d"), ("农历八月十五", "lunar 08-15"), ("lunar l06-01", "lunar L06-01"),
        ("农历十二月最后一天", "lunar 12-last"), ("每月第三个工作日", "monthly 3wd"), ("monthly last wd", "monthly last wd"),
        ("中秋 遇节假日提前", "中秋节 dayoff before"), ("weekly mon dayoff after", "weekly mon dayoff after"),
        ("daily except holiday 国庆节", "daily except holiday 国庆节"),
    ])
    func canonical(_ input: String, _ expected: String) throws {
        let rule = try DateRule.parse(input)
        #expect(rule.text == expected)
        #expect(try DateRule.parse(rule.text) == rule)
    }

    @Test(arguments: [
        ("中球", "unknown-name", 1, 2, "unknown festival '中球' — did you mean '中秋'?"),
        ("holiday 劳节", "unknown-name", 9, 2, "unknown official holiday '劳节' — did you mean '劳动节'?"),
        ("holiday 元宵", "unknown-name", 9, 2, "元宵节 has no official holiday (official: 元旦, 春节, 清明节, 劳动节, 端午节, 中秋节, 国庆节)"),
        ("holiday 圣诞", "unknown-name", 9, 2, "'圣诞' is not an official holiday (known: 元旦, 春节, 清明节, 劳动节, 端午节, 中秋节, 国庆节)"),
        ("元宵期间", "unknown-name", 1, 4, "元宵节 has no official holiday; write a window such as '元宵节 -3d..+3d'"),
        ("lunar 13-01", "invalid-lunar-date", 7, 5, "the lunar calendar has no month 13 (months are 1 to 12)"),
        ("农历十三月初一", "invalid-lunar-date", 1, 7, "the lunar calendar has no month 13 (months are 1 to 12)"),
        ("lunar 08-31", "invalid-lunar-date", 7, 5, "a lunar month has no day 31 (days are 1 to 30)"),
        ("lunar L12-01", "invalid-lunar-date", 7, 6, "闰十二月 never occurs in 1901–2100, so the rule would never happen"),
        ("holiday 春节 dayoff before", "conflict", 12, 6, "a day-off policy applies to single days, not to windows"),
        ("holiday 春节 -3d", "conflict", 12, 3, "'holiday 春节' is the whole break; to move it, write 'holiday 春节 start -3d'"),
        ("10-01 dayoff later", "incomplete", 14, 5, "'dayoff' needs a policy: keep, skip, before, after or shift"),
        ("中秋 -3x", "unexpected", 4, 3, "unknown offset unit 'x' in '-3x': use d (days), w (weeks) or wd (working days)"),
        ("monthly 24wd", "invalid-number", 9, 4, "a month has no working day 24 (1 to 23, or -1 to -23 from the end)"),
        ("春节前后", "incomplete", 1, 4, "say how many days: '春节前后3天' (春节 -3d..+3d)"),
        ("holiday 劳动节 -3wd..holiday 劳动节", "conflict", 13, 4, "'holiday 劳动节' is the whole break; to move it, write 'holiday 劳动节 start -3wd'"),
    ])
    func errors(_ input: String, _ code: String, _ column: Int, _ length: Int, _ message: String) {
        #expect(throws: RuleParseError(code: .init(code), message: message, column: column, length: length)) {
            try DateRule.parse(input)
        }
    }

    @Test func leapMonthMissingInThatYear() {
        // 2026 has no leap month: the calendar's own message, at the lunar date.
        #expect {
            try DateRule.parse("农历2026年闰八月十五")
        } throws: { error in
            guard let e = error as? RuleParseError else { return false }
            return e.code == .invalidLunarDate && e.column == 1 && e.length == 12 && e.message.contains("闰八月")
        }
    }

    @Test func customFestivals() throws {
        let plan = FestivalCatalog.standard.adding([
            Festival(id: "miners-day", chineseName: "矿工节", englishName: "Miners' Day", kind: .fixed(month: 7, day: 23))
        ])
        let rule = try DateRule.parse("矿工节 -7d", festivals: plan)
        #expect(rule.text == "矿工节 -7d")
        #expect(rule.occurrences(in: day("2026-01-01")...day("2026-12-31"), context: context).map(\.description) == ["2026-07-16"])
        #expect(throws: RuleParseError.self) { try DateRule.parse("矿工节") }
    }
}
