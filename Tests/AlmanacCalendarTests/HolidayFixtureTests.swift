import Testing

@testable import AlmanacCalendar

/// Compares the shipped holiday tables with the PyPI package chinesecalendar
/// (Fixtures/chinese-calendar-holidays.txt, made by scripts/fixtures/chinese-calendar-holidays.sh).
@Suite struct HolidayFixtureTests {
    struct Row {
        var date: CivilDate
        var isOff: Bool
        var name: String
    }

    /// Days where the package and our tables differ, each with the reason our table is right.
    static let knownDisagreements: [String: String] = [
        "2023-12-30":
            "chinesecalendar counts the weekend before 2024-01-01 as 元旦; the 2024 notice gives 1月1日 only (与周末连休), so it is a plain weekend here",
        "2023-12-31":
            "chinesecalendar counts the weekend before 2024-01-01 as 元旦; the 2024 notice gives 1月1日 only (与周末连休), so it is a plain weekend here",
    ]

    static func rows() throws -> [Row] {
        try HolidayTestFiles.fixture("chinese-calendar-holidays.txt").split(separator: "\n").compactMap { line in
            if line.hasPrefix("#") { return nil }
            let parts = line.split(separator: " ", maxSplits: 2)
            guard parts.count == 3, let date = CivilDate(iso: parts[0]) else {
                Issue.record("bad fixture line \(line)")
                return nil
            }
            return Row(date: date, isOff: parts[1] == "off", name: String(parts[2]))
        }
    }

    @Test func everyDayOfEveryTabledYearAgreesWithChineseCalendar() throws {
        let calendar = try HolidayTestFiles.shippedCalendar()
        let rows = try Self.rows()
        #expect(rows.count > 700)
        var reference: [CivilDate: Row] = [:]
        for row in rows { reference[row.date] = row }
        var disagreements: [String: String] = [:]
        var compared = 0
        for year in calendar.years where year <= 2026 {
            for date in day("\(year)-01-01")...day("\(year)-12-31") {
                compared += 1
                let ours = calendar.dayKind(date)
                let theirs = reference[date]
                switch (ours, theirs) {
                case (.holiday(let name), let row?) where row.isOff:
                    let matched = calendar.breaks(year: date.year).contains {
                        $0.name == name && $0.holidays.contains { $0.englishName == row.name }
                    } || calendar.breaks(year: date.year + 1).contains {
                        $0.name == name && $0.holidays.contains { $0.englishName == row.name }
                    }
                    if !matched { disagreements[date.description] = "name: ours \(name), theirs \(row.name)" }
                case (.makeupWorkday(let name), let row?) where !row.isOff:
                    if OfficialHoliday.named(row.name).map({ name.contains($0.chineseName) }) != true {
                        disagreements[date.description] = "make-up name: ours \(name), theirs \(row.name)"
                    }
                case (.workday, nil), (.weekend, nil):
                    break
                default:
                    disagreements[date.description] = "ours \(ours.code), theirs \(theirs.map { "\($0.isOff ? "off" : "work") \($0.name)" } ?? "none")"
                }
            }
        }
        #expect(compared >= 7 * 365)
        #expect(Set(disagreements.keys) == Set(Self.knownDisagreements.keys), "\(disagreements)")
    }
}
