import Testing

@testable import AlmanacCalendar

@Suite struct FestivalTests {
    let catalog = FestivalCatalog.standard

    func date(_ name: String, _ year: Int) throws -> CivilDate {
        let festival = try #require(catalog.festival(named: name), "no festival \(name)")
        return try catalog.date(of: festival, year: year)
    }

    @Test(arguments: [
        ("中秋", 2026, "2026-09-25"), ("春节", 2026, "2026-02-17"), ("端午", 2026, "2026-06-19"),
        ("除夕", 2026, "2026-02-16"), ("清明", 2026, "2026-04-05"), ("元宵", 2026, "2026-03-03"),
        ("七夕", 2026, "2026-08-19"), ("重阳", 2026, "2026-10-18"), ("腊八", 2026, "2026-01-26"),
        ("北方小年", 2026, "2026-02-10"), ("南方小年", 2026, "2026-02-11"), ("小年", 2026, "2026-02-10"),
        ("冬至", 2026, "2026-12-22"), ("立春", 2026, "2026-02-04"), ("中国农民丰收节", 2026, "2026-09-23"),
        ("除夕", 2025, "2025-01-28"), ("春节", 2025, "2025-01-29"), ("中秋", 2025, "2025-10-06"),
    ])
    func lunarFestivalsAndTerms(_ name: String, _ year: Int, _ expected: String) throws {
        #expect(try date(name, year) == day(expected))
    }

    @Test(arguments: [
        ("元旦", "2026-01-01"), ("学雷锋纪念日", "2026-03-05"), ("妇女节", "2026-03-08"), ("植树节", "2026-03-12"),
        ("世界读书日", "2026-04-23"), ("劳动节", "2026-05-01"), ("青年节", "2026-05-04"), ("儿童节", "2026-06-01"),
        ("建党节", "2026-07-01"), ("建军节", "2026-08-01"), ("全民健身日", "2026-08-08"), ("教师节", "2026-09-10"),
        ("烈士纪念日", "2026-09-30"), ("国庆节", "2026-10-01"), ("国家宪法日", "2026-12-04"), ("国际志愿者日", "2026-12-05"),
        // nth weekdays
        ("全国科普日", "2026-09-19"), ("母亲节", "2026-05-10"), ("父亲节", "2026-06-21"), ("全国助残日", "2026-05-17"),
        ("文化和自然遗产日", "2026-06-13"), ("全国中小学生安全教育日", "2026-03-30"),
    ])
    func fixedAndWeekdayDays2026(_ name: String, _ expected: String) throws {
        #expect(try date(name, 2026) == day(expected))
    }

    @Test func weekdayRulesInOtherYears() throws {
        #expect(try date("全国科普日", 2025) == day("2025-09-20"))
        #expect(try date("母亲节", 2025) == day("2025-05-11"))
        #expect(try date("父亲节", 2024) == day("2024-06-16"))
        #expect(try date("全国中小学生安全教育日", 2025) == day("2025-03-31"))
    }

    @Test(arguments: [
        ("中秋", "mid-autumn"), ("中秋节", "mid-autumn"), ("mid-autumn", "mid-autumn"), ("Mid-Autumn Festival", "mid-autumn"),
        ("mid autumn", "mid-autumn"), ("八月十五", "mid-autumn"), ("五一", "labour-day"), ("七一", "party-founding-day"),
        ("清明节", "qingming"), ("Pure Brightness", "qingming"), ("三八", "womens-day"), ("大年三十", "chuxi"),
        ("new-years-eve", "chuxi"), ("国庆", "national-day"), ("全民健身宣传日", "national-fitness-day"),
    ])
    func namesAndAliases(_ name: String, _ id: String) {
        #expect(catalog.festival(named: name)?.id == id)
    }

    @Test func unknownNamesAreNil() {
        #expect(catalog.festival(named: "春假") == nil)
        #expect(catalog.festival(named: "") == nil)
    }

    @Test func noTwoFestivalsShareAName() {
        var seen: [String: String] = [:]
        for festival in catalog.festivals {
            for name in [festival.id, festival.chineseName, festival.englishName] + festival.aliases {
                let key = OfficialHoliday.normalize(name)
                if let other = seen[key], other != festival.id {
                    Issue.record("\(name) names both \(other) and \(festival.id)")
                }
                seen[key] = festival.id
            }
        }
        #expect(catalog.festivals.filter { $0.category == .solarTerm }.count == 24)
    }

    @Test func anniversaries() throws {
        let party = try #require(catalog.anniversary(of: "建党", year: 2026))
        #expect(party.years == 105)
        #expect(party.text == "建党105周年")
        #expect(party.chineseText == "建党一百零五周年")
        #expect(catalog.anniversary(of: "国庆节", year: 2026)?.years == 77)
        #expect(catalog.anniversary(of: "建军节", year: 2027)?.chineseText == "建军一百周年")
        // The seed plan: 2011 was 建党90周年, 五四运动92周年 and 辛亥革命100周年.
        #expect(catalog.anniversary(of: "建党节", year: 2011)?.years == 90)
        #expect(catalog.anniversary(of: "五四运动", year: 2011)?.years == 92)
        #expect(catalog.anniversary(of: "辛亥革命", year: 2011)?.chineseText == "辛亥革命一百周年")
        #expect(catalog.anniversary(of: "教师节", year: 2026)?.edition == 42)
        #expect(catalog.anniversary(of: "中秋", year: 2026) == nil)
        #expect(catalog.anniversary(of: "建党", year: 1921) == nil)
    }

    @Test(arguments: [
        (0, "零"), (7, "七"), (10, "十"), (15, "十五"), (20, "二十"), (90, "九十"), (100, "一百"), (101, "一百零一"),
        (105, "一百零五"), (110, "一百一十"), (115, "一百一十五"), (1000, "一千"), (1005, "一千零五"), (2026, "二千零二十六"),
        (10000, "一万"), (10010, "一万零一十"), (123456, "十二万三千四百五十六"),
    ])
    func chineseNumerals(_ n: Int, _ text: String) {
        #expect(ChineseNumerals.text(n) == text)
    }

    @Test func customFestivalsAreAddedAndCanReplace() throws {
        let miners = Festival(
            id: "miners-festival", chineseName: "矿工节", englishName: "Miners' Festival", aliases: ["扎区矿工节"],
            kind: .fixed(month: 7, day: 23))
        let myMidAutumn = Festival(
            id: "mid-autumn", chineseName: "中秋节", englishName: "Mid-Autumn", kind: .lunar(month: 8, day: 16))
        let custom = catalog.adding([miners, myMidAutumn])
        #expect(try custom.date(of: try #require(custom.festival(named: "矿工节")), year: 2026) == day("2026-07-23"))
        #expect(try custom.date(of: try #require(custom.festival(named: "中秋节")), year: 2026) == day("2026-09-26"))
        #expect(custom.festivals.count == catalog.festivals.count + 1)
        #expect(catalog.festival(named: "矿工节") == nil)
    }

    @Test func badRulesGiveErrorsNotCrashes() throws {
        let bad: [Festival.Kind] = [
            .fixed(month: 2, day: 30), .fixed(month: 13, day: 1), .lunar(month: 13, day: 1), .lunar(month: 1, day: 31),
            .lunarMonthEnd(month: 0), .nthWeekday(month: 5, weekday: .sunday, n: 0),
        ]
        for kind in bad {
            let festival = Festival(id: "x", chineseName: "x", englishName: "x", kind: kind)
            #expect(throws: CalendarError.self) { try catalog.date(of: festival, year: 2026) }
        }
        let leap = Festival(id: "leap", chineseName: "闰日", englishName: "Leap day", kind: .fixed(month: 2, day: 29))
        #expect((try? catalog.dates(of: leap, year: 2026)) == [])
        #expect(try catalog.date(of: leap, year: 2028) == day("2028-02-29"))
        // 农历三十 of a 29-day month: no date that year, an error naming the festival.
        let thirty = Festival(id: "t", chineseName: "八月三十", englishName: "t", kind: .lunar(month: 8, day: 30))
        #expect((try? catalog.dates(of: thirty, year: 2026)) == [])
        let fifth = Festival(id: "f", chineseName: "二月第五个周日", englishName: "f", kind: .nthWeekday(month: 2, weekday: .sunday, n: 5))
        #expect(throws: CalendarError.self) { try catalog.date(of: fifth, year: 2026) }
        #expect(try catalog.date(of: fifth, year: 2032) == day("2032-02-29"))
        #expect(throws: CalendarError.self) { try date("春节", 3000) }
        #expect(throws: CalendarError.self) { try date("国庆节", Int.max) }
        #expect(catalog.festivals(in: Int.min).isEmpty)
    }

    @Test func labaCanFallTwiceOrNeverInAGregorianYear() throws {
        let laba = try #require(catalog.festival(named: "腊八"))
        var twice: [Int] = []
        var never: [Int] = []
        for year in 1901...2100 {
            let n = try catalog.dates(of: laba, year: year).count
            if n == 2 { twice.append(year) }
            if n == 0 { never.append(year) }
        }
        // Every year's 腊八 dates are lunar 12/8 of the two lunar years overlapping it.
        #expect(twice.count == never.count)
        for year in twice { #expect(try catalog.dates(of: laba, year: year).allSatisfy { $0.year == year }) }
    }

    @Test func yearListingIsSortedAndComplete() {
        let list = catalog.festivals(in: 2026)
        #expect(list.map(\.1) == list.map(\.1).sorted())
        #expect(list.filter { $0.0.category == .solarTerm }.count == 24)
        let names = Set(list.map(\.0.chineseName))
        for name in ["春节", "除夕", "清明", "中秋节", "国庆节", "建党节", "全国科普日", "腊八节"] {
            #expect(names.contains(name), "\(name) missing from 2026")
        }
        // Days observed only from a later year are left out before it.
        #expect(!catalog.festivals(in: 2010).contains { $0.0.id == "martyrs-day" })
        #expect(catalog.festivals(on: day("2026-09-19")).map(\.id) == ["science-popularization-day", "national-defense-education-day"])
    }

    /// Every lunar festival 1901–2100 against the golden fixture (lunar-python 1.4.8, see its header).
    @Test func lunarFestivalsMatchTheGoldenFixture() throws {
        let fixture = try Fixture("festivals.tsv")
        var checked = 0
        var mismatches: [String] = []
        for row in fixture.rows {
            // The lunar-calendar tests decide the cases where sources disagree (1916, 2057).
            let expected = CivilDate.t(ChineseCalendarFixtureTests.festivalExceptions["\(row[0]) \(row[1])"] ?? row[3])
            let festival = try #require(catalog.festival(named: row[1]), "no festival \(row[1])")
            let dates = try catalog.dates(of: festival, year: expected.year)
            if !dates.contains(expected) { mismatches.append("\(row[1]) \(row[3]): ours \(dates)") }
            checked += 1
        }
        #expect(checked == 1600)
        #expect(mismatches == [])
    }
}
