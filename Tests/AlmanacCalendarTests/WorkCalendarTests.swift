import Testing

@testable import AlmanacCalendar

@Suite struct WorkCalendarTests {
    let calendar: WorkCalendar

    init() throws {
        calendar = try HolidayTestFiles.shippedCalendar()
    }

    @Test(arguments: [
        ("2026-05-01", DayKind.holiday("劳动节")),
        ("2026-05-06", .workday),
        ("2026-05-09", .makeupWorkday("劳动节")),
        ("2026-05-10", .weekend),
        ("2026-01-04", .makeupWorkday("元旦")),
        ("2026-02-14", .makeupWorkday("春节")),
        ("2026-02-23", .holiday("春节")),
        ("2025-10-06", .holiday("国庆节、中秋节")),
        ("2022-12-31", .holiday("元旦")),
        ("2023-12-30", .weekend),
        ("2020-02-01", .holiday("春节")),
        // lunar-python's HolidayUtil disagrees on these two; the 2013 notice lists both as worked.
        ("2013-04-07", .makeupWorkday("清明节")),
        ("2013-10-12", .makeupWorkday("国庆节")),
        ("2015-09-04", .holiday("抗战胜利纪念日")),
        ("2015-09-06", .makeupWorkday("抗战胜利纪念日")),
        ("2014-04-07", .holiday("清明节")),
        ("2019-05-03", .holiday("劳动节")),
        ("2019-05-05", .makeupWorkday("劳动节")),
        ("2011-12-31", .makeupWorkday("元旦")),
        ("2007-12-31", .holiday("元旦")),
    ])
    func dayKinds(_ date: String, _ kind: DayKind) {
        #expect(calendar.dayKind(day(date)) == kind)
        #expect(calendar.isWorkingDay(day(date)) == kind.isWorkingDay)
    }

    @Test(arguments: [
        // Across the 劳动节 break: Thursday 04-30 + 1 is Wednesday 05-06.
        ("2026-04-30", 1, "2026-05-06"),
        ("2026-04-30", 3, "2026-05-08"),
        // Saturday 05-09 is worked.
        ("2026-04-30", 4, "2026-05-09"),
        ("2026-04-30", 5, "2026-05-11"),
        ("2026-05-06", -1, "2026-04-30"),
        ("2026-05-11", -1, "2026-05-09"),
        // Year end: Sunday 2026-01-04 is worked, 01-01..01-03 are off.
        ("2025-12-31", 1, "2026-01-04"),
        ("2025-12-31", 2, "2026-01-05"),
        ("2026-01-04", -1, "2025-12-31"),
        // 2023's 元旦 began on 2022-12-31.
        ("2022-12-30", 1, "2023-01-03"),
        ("2023-01-03", -1, "2022-12-30"),
        // 春节 2026 with both make-up Saturdays.
        ("2026-02-13", 1, "2026-02-14"),
        ("2026-02-14", 1, "2026-02-24"),
        ("2026-02-24", 4, "2026-02-28"),
        ("2026-02-24", 0, "2026-02-24"),
        // From a day off: the first working day after it.
        ("2026-10-03", 1, "2026-10-08"),
        ("2026-10-08", -1, "2026-09-30"),
    ])
    func addingWorkingDays(_ from: String, _ n: Int, _ expected: String) {
        let result = calendar.addingWithCoverage(workingDays: n, to: day(from))
        #expect(result.date == day(expected))
        #expect(result.isExact)
    }

    @Test func nextAndPreviousWorkingDay() {
        #expect(calendar.nextWorkingDay(after: day("2026-09-30")) == day("2026-10-08"))
        #expect(calendar.previousWorkingDay(before: day("2026-10-01")) == day("2026-09-30"))
        #expect(calendar.nextWorkingDay(after: day("2026-09-19")) == day("2026-09-20"))
        #expect(calendar.previousWorkingDay(before: day("2026-10-12")) == day("2026-10-10"))
    }

    @Test func nthWorkingDayOfMonth() {
        // May 2026: 1-5 off, 6 Wed is the first, 9 Sat worked.
        #expect(calendar.nthWorkingDay(1, year: 2026, month: 5) == day("2026-05-06"))
        #expect(calendar.nthWorkingDay(3, year: 2026, month: 5) == day("2026-05-08"))
        #expect(calendar.nthWorkingDay(4, year: 2026, month: 5) == day("2026-05-09"))
        #expect(calendar.nthWorkingDay(-1, year: 2026, month: 5) == day("2026-05-29"))
        #expect(calendar.nthWorkingDay(1, year: 2026, month: 10) == day("2026-10-08"))
        #expect(calendar.nthWorkingDay(-1, year: 2026, month: 9) == day("2026-09-30"))
        #expect(calendar.nthWorkingDay(1, year: 2026, month: 1) == day("2026-01-04"))
        #expect(calendar.nthWorkingDay(0, year: 2026, month: 5) == nil)
        #expect(calendar.nthWorkingDay(30, year: 2026, month: 5) == nil)
        #expect(calendar.nthWorkingDay(1, year: 2026, month: 13) == nil)
        #expect(calendar.countWorkingDays(in: day("2026-05-01")...day("2026-05-31")) == 19)
        #expect(calendar.countWorkingDays(in: day("2026-10-01")...day("2026-10-31")) == 18)
    }

    @Test(arguments: [
        ("劳动节", 2026, "2026-05-01", "2026-05-05"),
        ("五一", 2026, "2026-05-01", "2026-05-05"),
        ("labour-day", 2026, "2026-05-01", "2026-05-05"),
        ("春节", 2026, "2026-02-15", "2026-02-23"),
        ("中秋", 2025, "2025-10-01", "2025-10-08"),
        ("国庆节", 2023, "2023-09-29", "2023-10-06"),
        ("元旦", 2023, "2022-12-31", "2023-01-02"),
        // "1月1日放假，与周末连休": the weekend before joins the break.
        ("元旦", 2024, "2023-12-30", "2024-01-01"),
        ("端午节", 2024, "2024-06-08", "2024-06-10"),
        ("Spring Festival", 2020, "2020-01-24", "2020-02-02"),
    ])
    func holidayPeriods(_ name: String, _ year: Int, _ start: String, _ end: String) {
        #expect(calendar.holidayPeriod(named: name, year: year) == day(start)...day(end))
    }

    @Test func missingTablesAreVisible() {
        #expect(!calendar.hasTable(for: 2027))
        #expect(calendar.holidayPeriod(named: "劳动节", year: 2027) == nil)
        let info = calendar.day(day("2027-05-03"))
        #expect(info.kind == .workday)
        #expect(!info.hasTable)
        #expect(calendar.day(day("2026-05-03")).hasTable)
        let result = calendar.addingWithCoverage(workingDays: 3, to: day("2026-12-30"))
        #expect(result.date == day("2027-01-04"))
        #expect(result.yearsWithoutTable == [2027])
        #expect(!result.isExact)
        let plain = WorkCalendar.weekendsOnly
        #expect(!plain.hasTable(for: 2026))
        #expect(plain.dayKind(day("2026-10-01")) == .workday)
        #expect(plain.adding(workingDays: 5, to: day("2026-10-01")) == day("2026-10-08"))
    }

    @Test func longJumpsAgreeWithDayByDayCounting() {
        // Far past the tables the calendar skips whole weeks; the result must equal plain counting.
        for (start, n) in [("2026-12-20", 523), ("2020-01-10", -777), ("2031-03-04", 1000), ("1999-07-07", -1000)] {
            var d = day(start)
            var left = abs(n)
            while left > 0 {
                d = d.adding(days: n > 0 ? 1 : -1)
                if calendar.isWorkingDay(d) { left -= 1 }
            }
            #expect(calendar.adding(workingDays: n, to: day(start)) == d, "\(start) \(n)")
        }
    }

    @Test func extremeInputsDoNotCrash() {
        let far = calendar.addingWithCoverage(workingDays: Int.min, to: day("2026-01-01"))
        #expect(far.date == calendar.adding(workingDays: -WorkCalendar.maximumShift, to: day("2026-01-01")))
        #expect(!far.isExact)
        #expect(calendar.adding(workingDays: Int.max, to: day("2026-01-01")) > day("9999-12-31"))
        #expect(calendar.nthWorkingDay(1, year: Int.max, month: 1) == nil)
        #expect(calendar.nthWorkingDay(Int.min, year: 2026, month: 1) == nil)
    }

    @Test func conflictingTablesAreRejected() throws {
        let a = try HolidayTable.parse(
            text: "year 2023\nnotice X 2022-12-08 T\noff 元旦 2022-12-31..2023-01-02\n", fileName: "2023.txt")
        let b = try HolidayTable.parse(
            text: "year 2022\nnotice Y 2021-10-25 T\noff 国庆节 2022-10-01\nwork 国庆节 2022-12-31\n", fileName: "2022.txt")
        #expect(throws: HolidayTableError.self) { try WorkCalendar(tables: [a, b]) }
        #expect(throws: HolidayTableError.self) { try WorkCalendar(tables: [a, a]) }
    }
}
