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
    /// (Weekend days the package files under a holiday while the notice leaves them as the
    /// weekend that joins the break, 与周末连休, are not differences: they lie inside the break's
    /// `holidayPeriod`.)
    static let knownDisagreements: [String: String] = [
        "2011-06-05":
            "端午节 2011: the notice gives 6月4日至6日放假公休; chinesecalendar leaves out the Sunday inside the break (not a working day either way)",
        "2012-06-23":
            "端午节 2012: the notice gives 6月22日至24日放假公休; chinesecalendar leaves out the Saturday inside the break (not a working day either way)",
        "2015-09-05":
            "抗战胜利纪念日 2015: 国发明电〔2015〕1号 gives 9月3日至5日; chinesecalendar leaves out the Saturday (not a working day either way)",
    ]

    /// The package's names for holidays whose English name differs from ours.
    static let nameMap = ["Anti-Fascist 70th Day": "Victory Day"]

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
                let theirName = theirs.map { Self.nameMap[$0.name] ?? $0.name } ?? ""
                // The break of that name in this year's or next year's arrangement (元旦 can start
                // in December).
                let breaks = (calendar.breaks(year: date.year) + calendar.breaks(year: date.year + 1)).filter {
                    $0.holidays.contains { $0.englishName == theirName }
                }
                switch (ours, theirs) {
                case (.holiday(let name), let row?) where row.isOff:
                    if !breaks.contains(where: { $0.name == name }) {
                        disagreements[date.description] = "name: ours \(name), theirs \(row.name)"
                    }
                case (.makeupWorkday(let name), let row?) where !row.isOff:
                    if !breaks.contains(where: { $0.name == name }) {
                        disagreements[date.description] = "make-up name: ours \(name), theirs \(row.name)"
                    }
                case (.weekend, let row?) where row.isOff:
                    let inside = breaks.contains { calendar.period(of: $0).contains(date) }
                    if !inside { disagreements[date.description] = "ours weekend, theirs off \(row.name)" }
                case (.workday, nil), (.weekend, nil):
                    break
                default:
                    disagreements[date.description] = "ours \(ours.code), theirs \(theirs.map { "\($0.isOff ? "off" : "work") \($0.name)" } ?? "none")"
                }
            }
        }
        #expect(compared >= 19 * 365)
        #expect(Set(disagreements.keys) == Set(Self.knownDisagreements.keys), "\(disagreements)")
    }
}
