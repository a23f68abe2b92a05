import Foundation
import Testing

@testable import AlmanacCalendar

@Suite struct CivilDateTests {
    @Test func epochIsThursday() {
        let epoch = CivilDate(dayNumber: 0)
        #expect(epoch.description == "1970-01-01")
        #expect(epoch.weekday == .thursday)
    }

    @Test(arguments: ["2026-02-30", "2026-13-01", "2026-00-10", "2025-02-29", "26-01-01", "2026-1-01", "２０２６-01-01", ""])
    func rejectsImpossibleDates(_ text: String) {
        #expect(CivilDate(iso: text) == nil)
    }

    @Test func everyDayReadsBackFromItsTenDigits() {
        // The byte reading of `YYYY-MM-DD` gives what the general reading gives, every day of four
        // centuries and the texts of that length that are not dates.
        var day = CivilDate(year: 1900, month: 1, day: 1)!
        while day.year < 2300 {
            let parts = day.description.split(separator: "-").compactMap { Int($0) }
            #expect(CivilDate.tenDigitDate(day.description).map { [$0.year, $0.month, $0.day] } == parts)
            #expect(CivilDate(iso: day.description) == day)
            day = day.adding(days: 1)
        }
        for text in ["2026-02-3x", "2026/02/03", "2026-0203-", "-2026-0203", "2026-02-031", "2026-2-031", "２０２６-01-01"] {
            #expect(CivilDate.tenDigitDate(text) == nil, "\(text)")
        }
        #expect(CivilDate.tenDigitDate("2026-13-45")! == (2026, 13, 45))
        #expect(CivilDate(iso: "2026-13-45") == nil)
        #expect(CivilDate(iso: "20260-01-01") == CivilDate(year: 20260, month: 1, day: 1))
    }

    @Test func agreesWithFoundationGregorianEveryDay1800To2200() {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let start = CivilDate(year: 1800, month: 1, day: 1)!
        let end = CivilDate(year: 2200, month: 12, day: 31)!
        var mismatches = 0
        var day = start
        while day <= end {
            let instant = Date(timeIntervalSince1970: Double(day.dayNumber) * 86_400)
            let c = calendar.dateComponents([.year, .month, .day, .weekday, .yearForWeekOfYear, .weekOfYear], from: instant)
            let (y, m, d) = day.components
            if c.year != y || c.month != m || c.day != d || CivilDate(year: y, month: m, day: d) != day {
                mismatches += 1
            }
            day = day.adding(days: 1)
        }
        #expect(mismatches == 0)
    }

    @Test(arguments: [
        ("2026-01-01", 2026, 1), ("2027-01-01", 2026, 53), ("2024-12-30", 2025, 1), ("2021-01-03", 2020, 53),
        ("2026-11-29", 2026, 48),
    ])
    func isoWeeks(_ text: String, _ year: Int, _ week: Int) throws {
        let date = try #require(CivilDate(iso: text))
        #expect(date.isoWeek.year == year)
        #expect(date.isoWeek.week == week)
    }

    @Test func descriptionPadsEveryPart() throws {
        let cases: [(Int, Int, Int, String)] = [
            (2026, 1, 1, "2026-01-01"), (1, 2, 3, "0001-02-03"), (999, 12, 31, "0999-12-31"), (0, 1, 1, "0000-01-01"),
            (9999, 12, 31, "9999-12-31"), (10000, 1, 1, "10000-01-01"), (-1, 3, 4, "-0001-03-04"), (-12345, 5, 6, "-12345-05-06"),
        ]
        for (year, month, day, text) in cases {
            let date = try #require(CivilDate(year: year, month: month, day: day))
            #expect(date.description == text)
            #expect(CivilDate(dayNumber: date.dayNumber).description == text)
        }
    }

    @Test func monthArithmeticClampsToMonthEnd() throws {
        let jan31 = try #require(CivilDate(iso: "2024-01-31"))
        #expect(jan31.adding(months: 1).description == "2024-02-29")
        #expect(jan31.adding(months: 13).description == "2025-02-28")
        #expect(jan31.adding(months: -2).description == "2023-11-30")
        #expect(jan31.endOfMonth == jan31)
        #expect(try #require(CivilDate(iso: "2100-02-10")).endOfMonth.description == "2100-02-28")
        #expect(try #require(CivilDate(iso: "2000-02-10")).endOfMonth.description == "2000-02-29")
    }

    @Test func codableRoundTrip() throws {
        let date = try #require(CivilDate(iso: "2026-09-25"))
        let data = try JSONEncoder().encode([date])
        #expect(String(decoding: data, as: UTF8.self) == #"["2026-09-25"]"#)
        #expect(try JSONDecoder().decode([CivilDate].self, from: data) == [date])
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([CivilDate].self, from: Data(#"["2026-02-30"]"#.utf8)) }
    }
}

@Suite struct WeekdayRangeTests {
    @Test func rangesWrapPastSunday() {
        #expect(Weekday.range(from: .monday, through: .friday) == [.monday, .tuesday, .wednesday, .thursday, .friday])
        #expect(Weekday.range(from: .friday, through: .monday) == [.friday, .saturday, .sunday, .monday])
        #expect(Weekday.range(from: .wednesday, through: .wednesday) == [.wednesday])
        #expect(Weekday.range(from: .tuesday, through: .monday).count == 7)
    }
}
