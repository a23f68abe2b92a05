import Testing

@testable import AlmanacCalendar

private func date(_ s: String) -> CivilDate { CivilDate(iso: s)! }
private func range(_ a: String, _ b: String) -> ClosedRange<CivilDate> { date(a)...date(b) }

/// Expands `rule` over a range and renders each occurrence as `start`, `start..end` or `start HH:MM`.
private func expand(_ rule: String, _ from: String, _ to: String, context: RuleContext = RuleContext()) throws -> [String] {
    try DateRule.parse(rule).occurrences(in: range(from, to), context: context).map(\.description)
}

@Suite("Date rule expansion (Gregorian)")
struct DateRuleExpansionTests {
    @Test func once() throws {
        #expect(try expand("2026-05-01", "2026-01-01", "2026-12-31") == ["2026-05-01"])
        #expect(try expand("2026-05-01", "2027-01-01", "2027-12-31") == [])
        #expect(try expand("2026年5月1日", "2026-05-01", "2026-05-01") == ["2026-05-01"])
    }

    @Test func yearly() throws {
        #expect(try expand("08-10", "2025-01-01", "2027-12-31") == ["2025-08-10", "2026-08-10", "2027-08-10"])
        #expect(try expand("02-29", "2024-01-01", "2028-12-31") == ["2024-02-29", "2028-02-29"])
        #expect(try expand("02-last", "2024-01-01", "2025-12-31") == ["2024-02-29", "2025-02-28"])
        #expect(try expand("08-10 interval 2 from 2026-01-01", "2025-01-01", "2029-12-31") == ["2026-08-10", "2028-08-10"])
    }

    @Test func windows() throws {
        #expect(try expand("9月20日—10月10日", "2026-01-01", "2026-12-31") == ["2026-09-20..2026-10-10"])
        // A window still running at the start of the range is included.
        #expect(try expand("09-20..10-10", "2026-10-05", "2026-12-31") == ["2026-09-20..2026-10-10"])
        #expect(try expand("12-20..01-05", "2026-01-01", "2026-12-31") == ["2025-12-20..2026-01-05", "2026-12-20..2027-01-05"])
        #expect(try expand("05-01 -7d..+7d", "2026-01-01", "2026-12-31") == ["2026-04-24..2026-05-08"])
        #expect(try expand("5月份", "2026-01-01", "2026-12-31") == ["2026-05-01..2026-05-31"])
        #expect(try expand("年初", "2026-01-01", "2026-12-31") == ["2026-01-01..2026-01-31"])
        #expect(try expand("2026-09-20..2026-10-10", "2026-10-10", "2027-12-31") == ["2026-09-20..2026-10-10"])
    }

    @Test func weekly() throws {
        #expect(
            try expand("weekly tue,fri", "2026-01-01", "2026-01-31") == [
                "2026-01-02", "2026-01-06", "2026-01-09", "2026-01-13", "2026-01-16", "2026-01-20", "2026-01-23",
                "2026-01-27", "2026-01-30",
            ])
        #expect(try expand("每周二、五", "2026-01-01", "2026-12-31").count == 104)
        #expect(
            try expand("weekly mon interval 2 from 2026-01-05", "2026-01-01", "2026-02-28") == [
                "2026-01-05", "2026-01-19", "2026-02-02", "2026-02-16",
            ])
        // The phase follows `from`, not the start of the range.
        #expect(
            try expand("weekly mon interval 2 from 2026-01-12", "2026-01-01", "2026-02-28") == [
                "2026-01-12", "2026-01-26", "2026-02-09", "2026-02-23",
            ])
    }

    @Test func daily() throws {
        #expect(
            try expand("daily 09:00,21:00", "2026-01-01", "2026-01-02") == [
                "2026-01-01 09:00", "2026-01-01 21:00", "2026-01-02 09:00", "2026-01-02 21:00",
            ])
        #expect(try expand("daily", "2026-01-01", "2026-12-31").count == 365)
        #expect(try expand("daily interval 3 from 2026-01-02", "2026-01-01", "2026-01-10") == ["2026-01-02", "2026-01-05", "2026-01-08"])
        #expect(try expand("daily except weekly sat,sun", "2026-01-01", "2026-01-31").count == 22)
    }

    @Test func monthly() throws {
        #expect(try expand("monthly 2nd tue", "2026-03-01", "2026-03-31") == ["2026-03-10"])
        #expect(try expand("monthly last fri", "2026-01-01", "2026-02-28") == ["2026-01-30", "2026-02-27"])
        #expect(
            try expand("monthly 31", "2026-01-01", "2026-12-31") == [
                "2026-01-31", "2026-03-31", "2026-05-31", "2026-07-31", "2026-08-31", "2026-10-31", "2026-12-31",
            ])
        #expect(try expand("monthly last", "2024-02-01", "2024-04-30") == ["2024-02-29", "2024-03-31", "2024-04-30"])
        #expect(try expand("monthly 1,15", "2026-01-01", "2026-02-28") == ["2026-01-01", "2026-01-15", "2026-02-01", "2026-02-15"])
        #expect(try expand("monthly 5th fri", "2026-01-01", "2026-06-30") == ["2026-01-30", "2026-05-29"])
        #expect(try expand("monthly 1 interval 3 from 2026-02-01", "2026-01-01", "2026-12-31") == ["2026-02-01", "2026-05-01", "2026-08-01", "2026-11-01"])
    }

    @Test func untilCountExcept() throws {
        #expect(try expand("daily from 2026-01-01 count 5", "2026-01-03", "2026-12-31") == ["2026-01-03", "2026-01-04", "2026-01-05"])
        #expect(try expand("weekly fri from 2026-01-01 until 2026-01-20", "2025-01-01", "2026-12-31") == ["2026-01-02", "2026-01-09", "2026-01-16"])
        #expect(
            try expand("weekly thu except 2026-01-08 except 01-20..01-31", "2026-01-01", "2026-01-31") == [
                "2026-01-01", "2026-01-15",
            ])
    }

    @Test func next() throws {
        let ctx = RuleContext()
        #expect(try DateRule.parse("09-20..10-10").nextOccurrence(onOrAfter: date("2026-10-01"), context: ctx)?.description == "2026-09-20..2026-10-10")
        #expect(try DateRule.parse("09-20..10-10").nextOccurrence(onOrAfter: date("2026-10-11"), context: ctx)?.description == "2027-09-20..2027-10-10")
        #expect(try DateRule.parse("02-29").nextOccurrence(onOrAfter: date("2026-03-01"), context: ctx)?.description == "2028-02-29")
        #expect(try DateRule.parse("2026-05-01").nextOccurrence(onOrAfter: date("2026-05-02"), context: ctx) == nil)
        #expect(try DateRule.parse("daily until 2026-01-01").nextOccurrence(onOrAfter: date("2026-01-02"), context: ctx) == nil)
        #expect(try DateRule.parse("weekly tue,fri 09:00").nextOccurrence(onOrAfter: date("2026-01-07"), context: ctx)?.description == "2026-01-09 09:00")
    }

    @Test func explanation() throws {
        let occ = try DateRule.parse("05-01 -7d").occurrences(in: range("2026-01-01", "2026-12-31"), context: RuleContext())
        #expect(occ.count == 1)
        #expect(
            occ.first?.explanation == [
                "every year on 05-01 → in 2026: 2026-05-01",
                "7 days before 2026-05-01 → 2026-04-24",
                "= 2026-04-24 (Friday)",
            ])
        let window = try DateRule.parse("12-20..01-05").occurrences(in: range("2026-06-01", "2026-12-31"), context: RuleContext())
        #expect(
            window.first?.explanation == [
                "every year on 12-20 → in 2026: 2026-12-20",
                "window end:",
                "the end falls before the start, so it is taken in 2027",
                "every year on 01-05 → in 2027: 2027-01-05",
                "= 2026-12-20 (Sunday) .. 2027-01-05 (Tuesday), 17 days",
            ])
        let weekly = try DateRule.parse("weekly tue 09:00").occurrences(in: range("2026-01-01", "2026-01-07"), context: RuleContext())
        #expect(weekly.first?.explanation == ["every Tuesday (周二)", "= 2026-01-06 (Tuesday) at 09:00"])
    }
}

@Suite("Date rule expansion without steps")
struct DateRuleExpansionWithoutStepsTests {
    /// Rules of every shape: every base, offsets in days and working days, windows into the next
    /// year, day-off policies, lunar dates, festivals, holidays, times, except, count.
    static let everyShape = [
        "05-01", "2026-05-01", "02-last", "12-20..01-05", "05-01 -7d..+7d", "09-20..10-10", "年初", "5月份",
        "中秋", "春节 -9d", "中秋 -9wd", "清明 -3wd..+2d", "春节 -7d..+7d", "建党节", "国庆节", "七夕", "冬至",
        "除夕", "lunar 12-last", "lunar L06-01", "农历腊月廿三", "holiday 劳动节", "holiday 劳动节 start -1wd",
        "holiday 国庆节 end +2wd", "五一节假日前", "国庆节假日后", "春节期间", "daily", "daily 09:00,14:00",
        "weekly mon,thu", "weekly tue interval 2 from 2026-01-06", "每周二、五", "monthly 15", "monthly last fri",
        "monthly 1wd", "每月最后一个工作日", "monthly 2nd tue", "05-01 dayoff after", "10-03 dayoff before",
        "weekly sat dayoff shift", "monthly 1 dayoff skip", "02-14 at 09:00,14:30", "05-01 -10wd",
        "daily from 2026-03-01 until 2026-03-31 except weekly sat,sun", "weekly mon count 5 from 2026-02-02",
    ]

    /// `explain: false` gives the same dates, times and order, only without the steps: for rules
    /// of every base, offsets in days and working days, windows into the next year, day-off
    /// policies, lunar dates, festivals with anniversaries, holidays and times, with the shipped
    /// holiday tables and without.
    @Test func theSameOccurrencesWithoutSteps() throws {
        let shipped = try HolidayTestFiles.shippedCalendar()
        for context in [RuleContext(), RuleContext(workCalendar: shipped)] {
            for text in Self.everyShape {
                let rule = try DateRule.parse(text)
                for days in [range("2026-01-01", "2026-12-31"), range("2025-12-25", "2027-01-10"), range("2026-10-05", "2026-10-05")] {
                    let explained = rule.occurrences(in: days, context: context)
                    let plain = rule.occurrences(in: days, context: context, explain: false)
                    #expect(plain.allSatisfy { $0.steps.isEmpty }, "\(text)")
                    #expect(
                        plain.map { "\($0.start) \($0.end) \($0.time.map(\.description) ?? "")" }
                            == explained.map { "\($0.start) \($0.end) \($0.time.map(\.description) ?? "")" }, "\(text) \(days)")
                    #expect(explained.contains { !$0.steps.isEmpty } || explained.isEmpty, "\(text)")
                }
            }
        }
    }

    /// The occurrences starting in consecutive years, expanded together, are those of each whole
    /// year expanded apart: at the years' edges (windows into the next year, days moved off a day
    /// off across New Year), with and without the holiday tables, and for a rule with a count.
    @Test func consecutiveYearsTogetherAsApart() throws {
        let shipped = try HolidayTestFiles.shippedCalendar()
        let edges = ["12-31 dayoff after", "01-01 dayoff before", "weekly thu dayoff shift", "12-25..01-10", "daily from 2026-12-30 count 5"]
        for context in [RuleContext(), RuleContext(workCalendar: shipped)] {
            for text in Self.everyShape + edges {
                let rule = try DateRule.parse(text)
                for years in [[2026, 2027], [2025, 2026, 2027], [2026], [2027, 2026]] {
                    let apart = years.map { year in
                        rule.occurrences(in: range("\(year)-01-01", "\(year)-12-31"), context: context, explain: false)
                            .filter { $0.start.year == year }
                    }
                    let together = rule.occurrencesStarting(inYears: years, context: context)
                    #expect(together == apart.map { Optional($0) }, "\(text) \(years)")
                }
            }
        }
    }
}
