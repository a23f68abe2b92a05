import Testing

@testable import AlmanacCalendar

/// Compares the shipped holiday tables, day by day, with two references from PyPI: chinesecalendar
/// 1.11.0 (Fixtures/chinese-calendar-holidays.txt) and lunar-python 1.4.8's HolidayUtil
/// (Fixtures/lunar-python-holidays.txt), both made by scripts/fixtures/chinese-calendar-holidays.sh.
@Suite struct HolidayFixtureTests {
    struct Row {
        var date: CivilDate
        var isOff: Bool
        var name: String
    }

    /// Days where chinesecalendar and our tables differ, each with the reason our table is right.
    /// (Weekend days a reference files under a holiday while the notice leaves them as the
    /// weekend that joins the break, 与周末连休, are not differences: they lie inside the break's
    /// `period(of:)`.)
    static let chineseCalendarDisagreements: [String: String] = [
        "2011-06-05":
            "端午节 2011: the notice gives 6月4日至6日放假公休; chinesecalendar leaves out the Sunday inside the break (not a working day either way)",
        "2012-06-23":
            "端午节 2012: the notice gives 6月22日至24日放假公休; chinesecalendar leaves out the Saturday inside the break (not a working day either way)",
        "2015-09-05":
            "抗战胜利纪念日 2015: 国发明电〔2015〕1号 gives 9月3日至5日; chinesecalendar leaves out the Saturday (not a working day either way)",
    ]

    /// Days where lunar-python's HolidayUtil and our tables differ, with the reason.
    static let lunarPythonDisagreements: [String: String] = [
        "2013-04-07":
            "the 2013 notice (国办发明电〔2012〕33号) works Sunday 4月7日 for 清明节; lunar-python's HolidayUtil leaves it a weekend (chinesecalendar agrees with the notice)",
        "2013-10-12":
            "the 2013 notice works Saturday 10月12日 for 国庆节; lunar-python's HolidayUtil leaves it a weekend (chinesecalendar agrees with the notice)",
    ]

    /// Our Chinese holiday names for a reference's name.
    static func ourNames(_ theirs: String) -> Set<String> {
        switch theirs {
        case "元旦节": return ["元旦"]
        case "国庆中秋": return ["国庆节", "中秋节"]
        case "抗战胜利日", "Anti-Fascist 70th Day": return ["抗战胜利纪念日"]
        default:
            if let holiday = OfficialHoliday.standard.first(where: { $0.englishName == theirs }) {
                return [holiday.chineseName]
            }
            return [theirs]
        }
    }

    static func rows(_ fixture: String) throws -> [Row] {
        try HolidayTestFiles.fixture(fixture).split(separator: "\n").compactMap { line in
            if line.hasPrefix("#") { return nil }
            let parts = line.split(separator: " ", maxSplits: 2)
            guard parts.count == 3, let date = CivilDate(iso: parts[0]) else {
                Issue.record("bad fixture line \(line)")
                return nil
            }
            return Row(date: date, isOff: parts[1] == "off", name: String(parts[2]))
        }
    }

    /// Every day of every shipped year up to `lastYear` compared with a reference; the differences.
    static func disagreements(with rows: [Row], lastYear: Int) throws -> (compared: Int, found: [String: String]) {
        let calendar = try HolidayTestFiles.shippedCalendar()
        var reference: [CivilDate: Row] = [:]
        for row in rows { reference[row.date] = row }
        var found: [String: String] = [:]
        var compared = 0
        for year in calendar.years where year <= lastYear {
            for date in day("\(year)-01-01")...day("\(year)-12-31") {
                compared += 1
                let ours = calendar.dayKind(date)
                let theirs = reference[date]
                let names = theirs.map { ourNames($0.name) } ?? []
                // The break of that name in this year's or next year's arrangement (元旦 can start
                // in December).
                let breaks = (calendar.breaks(year: date.year) + calendar.breaks(year: date.year + 1)).filter {
                    $0.holidays.contains { names.contains($0.chineseName) }
                }
                switch (ours, theirs) {
                case (.holiday(let name), let row?) where row.isOff:
                    if !breaks.contains(where: { $0.name == name }) {
                        found[date.description] = "name: ours \(name), theirs \(row.name)"
                    }
                case (.makeupWorkday(let name), let row?) where !row.isOff:
                    if !breaks.contains(where: { $0.name == name }) {
                        found[date.description] = "make-up name: ours \(name), theirs \(row.name)"
                    }
                case (.weekend, let row?) where row.isOff:
                    if !breaks.contains(where: { calendar.period(of: $0).contains(date) }) {
                        found[date.description] = "ours weekend, theirs off \(row.name)"
                    }
                case (.workday, nil), (.weekend, nil):
                    break
                case (.workday, let row?) where !row.isOff:
                    // lunar-python marks some ordinary weekdays after a break as worked
                    // (2012-05-02, 2012-10-08): the same answer.
                    break
                default:
                    found[date.description] =
                        "ours \(ours.code), theirs \(theirs.map { "\($0.isOff ? "off" : "work") \($0.name)" } ?? "none")"
                }
            }
        }
        return (compared, found)
    }

    @Test func everyDayOfEveryTabledYearAgreesWithChineseCalendar() throws {
        let rows = try Self.rows("chinese-calendar-holidays.txt")
        #expect(rows.count > 700)
        let (compared, found) = try Self.disagreements(with: rows, lastYear: 2026)
        #expect(compared == 6940)
        #expect(Set(found.keys) == Set(Self.chineseCalendarDisagreements.keys), "\(found)")
    }

    @Test func everyDayOfEveryTabledYearAgreesWithLunarPython() throws {
        let rows = try Self.rows("lunar-python-holidays.txt")
        #expect(rows.count > 800)
        let (compared, found) = try Self.disagreements(with: rows, lastYear: 2026)
        #expect(compared == 6940)
        #expect(Set(found.keys) == Set(Self.lunarPythonDisagreements.keys), "\(found)")
    }
}
