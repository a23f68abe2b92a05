import Testing

@testable import AlmanacCalendar

/// The calendar against the golden fixtures generated from lunar-python 1.4.8
/// (scripts/fixtures/lunar_fixture.py), 1901–2100.
///
/// Where our decision (docs/chinese-calendar.md, "Disputed months") differs from the reference,
/// the difference is listed here with its reason; every other row must match exactly.
@Suite("Chinese calendar vs fixture")
struct ChineseCalendarFixtureTests {
    let calendar = ChineseCalendar.standard

    /// Months where we knowingly differ from lunar-python, keyed "year month" ("L" before a leap
    /// month), with our first day and length.
    ///
    /// 1914-11, 1916-02, 1920-11: the new moons fall 1 m 43 s, 5 m 16 s and 4 m 50 s after midnight
    /// in UTC+8. The reference (like almanacs of the time) counts them in Beijing local mean time
    /// (UTC+7:45:40), a day earlier; GB/T 33661-2017 prescribes UTC+8, so we keep UTC+8. The
    /// months before them become 30 days long instead of 29.
    static let monthExceptions: [String: (first: String, length: Int)] = [
        "1914 9": ("1914-10-19", 30), "1914 10": ("1914-11-18", 29),
        "1915 12": ("1916-01-05", 30), "1916 1": ("1916-02-04", 29),
        "1920 9": ("1920-10-12", 30), "1920 10": ("1920-11-11", 29),
    ]

    /// Festival dates where we knowingly differ from lunar-python, keyed "year festival-id"
    /// (consequences of the 1916-02 decision above).
    static let festivalExceptions: [String: String] = [
        "1915 new-years-eve": "1916-02-03", "1916 spring-festival": "1916-02-04", "1916 lantern": "1916-02-18",
    ]

    @Test("every solar-term date 1901–2100 matches the fixture")
    func solarTermDates() throws {
        let fixture = try Fixture("solar_terms.tsv")
        #expect(fixture.rows.count == 4800)
        var mismatches: [String] = []
        for row in fixture.rows {
            let year = Int(row[0]) ?? 0
            let term = try #require(SolarTerm(identifier: row[1]))
            #expect(term.chineseName == row[2])
            let ours = try calendar.date(of: term, year: year)
            if try calendar.solarTerm(on: ours) != term {
                mismatches.append("\(year) \(row[2]): solarTerm(on: \(ours)) is not \(row[2])")
            }
            if ours.description != row[3] {
                let moment = try calendar.moment(of: term, year: year)
                mismatches.append("\(year) \(row[2]): reference \(row[4]), ours \(moment)")
            }
        }
        #expect(mismatches.count == 0, "\(mismatches.count) mismatches: \(mismatches.prefix(20))")
    }

    @Test("every lunar month start and length 1900–2100 matches the fixture")
    func monthStarts() throws {
        let fixture = try Fixture("lunar_months.tsv")
        var expected: [Int: [(Int, Bool, String, Int)]] = [:]
        for row in fixture.rows {
            expected[Int(row[0]) ?? 0, default: []].append((Int(row[1]) ?? 0, row[2] == "1", row[3], Int(row[4]) ?? 0))
        }
        #expect(expected.count == 201)
        var mismatches: [String] = []
        for year in expected.keys.sorted() {
            let months = try calendar.months(ofLunarYear: year)
            let reference = try #require(expected[year])
            if months.count != reference.count {
                mismatches.append("\(year): \(months.count) months, reference \(reference.count)")
                continue
            }
            for (ours, ref) in zip(months, reference) {
                let key = "\(year) \(ref.1 ? "L" : "")\(ref.0)"
                let exception = ChineseCalendarFixtureTests.monthExceptions[key]
                let wantDay = exception?.first ?? ref.2
                let wantLength = exception?.length ?? ref.3
                if ours.number != ref.0 || ours.isLeap != ref.1 || ours.firstDay.description != wantDay {
                    mismatches.append("\(key): ours \(ours.chineseName) \(ours.firstDay), reference \(ref.2)")
                }
                if ours.length != wantLength {
                    mismatches.append("\(key): length \(ours.length), reference \(ref.3)")
                }
            }
        }
        #expect(mismatches.count == 0, "\(mismatches.count) mismatches: \(mismatches.prefix(20))")
    }

    @Test("every festival 1901–2100 matches the fixture")
    func festivals() throws {
        let fixture = try Fixture("festivals.tsv")
        #expect(fixture.rows.count == 1600)
        let lunarDays: [String: (Int, Int)] = [
            "spring-festival": (1, 1), "lantern": (1, 15), "dragon-boat": (5, 5), "qixi": (7, 7),
            "mid-autumn": (8, 15), "double-ninth": (9, 9), "laba": (12, 8),
        ]
        var mismatches: [String] = []
        for row in fixture.rows {
            let year = Int(row[0]) ?? 0
            let ours: CivilDate
            if row[1] == "new-years-eve" {
                ours = try calendar.lastDayOfTwelfthMonth(lunarYear: year)
            } else {
                let (month, day) = try #require(lunarDays[row[1]])
                ours = try calendar.civilDate(lunarYear: year, month: month, day: day)
            }
            let want = ChineseCalendarFixtureTests.festivalExceptions["\(year) \(row[1])"] ?? row[3]
            if ours.description != want {
                mismatches.append("\(year) \(row[2]): ours \(ours), reference \(row[3])")
            }
        }
        #expect(mismatches.count == 0, "\(mismatches.count) mismatches: \(mismatches.prefix(20))")
    }

    @Test("干支 of year, month and day and 生肖 match the fixture (16,800 days 1901–2100)")
    func ganZhi() throws {
        let fixture = try Fixture("ganzhi.tsv")
        #expect(fixture.rows.count == 16_800)
        var mismatches: [String] = []
        for row in fixture.rows {
            let date = CivilDate.t(row[0])
            let ours = [
                try calendar.yearGanZhi(of: date).chineseName, try calendar.monthGanZhi(of: date).chineseName,
                calendar.dayGanZhi(of: date).chineseName, try calendar.zodiac(of: date),
            ]
            if ours != Array(row[1...4]) { mismatches.append("\(date): ours \(ours), reference \(row[1...4])") }
        }
        #expect(mismatches.count == 0, "\(mismatches.count) mismatches: \(mismatches.prefix(20))")
    }
}
