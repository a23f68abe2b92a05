import Testing

@testable import AlmanacCalendar

@Suite struct HolidayTableTests {
    static let sample = """
        # sample
        year    2026
        notice  国办发明电〔2025〕7号  2025-11-04  国务院办公厅关于2026年部分节假日安排的通知
        off     劳动节  2026-05-01..2026-05-05
        work    五一    2026-05-09
        off     国庆节、中秋节  2026-10-01..2026-10-03, 2026-10-05
        work    国庆节  2026-09-20,2026-10-10
        """

    @Test func parsesBreaksNoticesAndMakeupDays() throws {
        let table = try HolidayTable.parse(text: Self.sample, fileName: "2026.txt")
        #expect(table.year == 2026)
        #expect(table.notices == [
            HolidayNotice(documentNumber: "国办发明电〔2025〕7号", issued: day("2025-11-04"), title: "国务院办公厅关于2026年部分节假日安排的通知")
        ])
        #expect(table.breaks.map(\.name) == ["劳动节", "国庆节、中秋节"])
        #expect(table.breaks[0].daysOff.map(\.description) == ["2026-05-01", "2026-05-02", "2026-05-03", "2026-05-04", "2026-05-05"])
        #expect(table.breaks[0].makeupWorkdays == [day("2026-05-09")])
        #expect(table.breaks[1].daysOff.map(\.description) == ["2026-10-01", "2026-10-02", "2026-10-03", "2026-10-05"])
        #expect(table.breaks[1].makeupWorkdays == [day("2026-09-20"), day("2026-10-10")])
        #expect(table.breaks[1].englishName == "National Day and Mid-autumn Festival")
    }

    @Test func fileTextRoundTrips() throws {
        let table = try HolidayTable.parse(text: Self.sample, fileName: "2026.txt")
        let again = try HolidayTable.parse(text: table.fileText, fileName: "2026.txt")
        #expect(again == table)
    }

    /// Each bad line and the exact message it must produce.
    @Test(arguments: [
        ("off 春节 2026-02-30", "2026.txt:3:8: error: no such date 2026-02-30 (February 2026 has 28 days)"),
        ("off 春节 2026-13-01", "2026.txt:3:8: error: no such date 2026-13-01: there is no month 13"),
        ("off 春节 2026/02/17", "2026.txt:3:8: error: '2026/02/17' is not a date of the form YYYY-MM-DD"),
        ("of 春节 2026-02-17", "2026.txt:3:1: error: unknown keyword 'of' (known: year, notice, special, off, work)"),
        (
            "off 春假 2026-02-17",
            "2026.txt:3:5: error: unknown holiday '春假' (known: 元旦, 春节, 清明节, 劳动节, 端午节, 中秋节, 国庆节; declare others with 'special NAME')"
        ),
        ("off 春节 2026-02-23..2026-02-15", "2026.txt:3:8: error: the range 2026-02-23..2026-02-15 ends before it starts"),
        ("off 春节 2026-02-17, 2026-02-17", "2026.txt:3:20: error: 2026-02-17 is already listed on line 3 (as a day off)"),
        (
            "off 春节 2026-02-17\nwork 春节 2026-02-27",
            "2026.txt:4:9: error: 2026-02-27 is a Friday (星期五); a make-up working day (补班) must be a Saturday or Sunday"
        ),
        ("work 春节 2026-02-14", "2026.txt:3:9: error: make-up working day 2026-02-14 for 春节, but the file gives 春节 no days off"),
        ("off 春节 2027-03-01", "2026.txt:3:8: error: 2027-03-01 is outside the year 2026 of this file (allowed: 2025-12-01 to 2027-01-31)"),
        ("off 春节", "2026.txt:3:7: error: expected at least one date after '春节' in 'off HOLIDAY DATE[..DATE], ...'"),
        ("year 2027", "2026.txt:3:1: error: the year is already given on line 1"),
        ("work 春节 2026-02-14..2026-02-15", "2026.txt:3:9: error: make-up working days are listed one by one, not as a range"),
    ])
    func reportsBadLinesWithPosition(_ line: String, _ expected: String) {
        let text = "year 2026\nnotice 国办发明电〔2025〕7号 2025-11-04 通知\n\(line)\n"
        do {
            let table = try HolidayTable.parse(text: text, fileName: "2026.txt")
            Issue.record("parsed \(table) without error")
        } catch {
            #expect(error.description == expected)
        }
    }

    @Test func reportsEveryProblemOfAFileAtOnce() {
        let text = """
            year 2025
            off 春节 2026-02-30
            work 春节 2026-02-13
            offf 元旦 2026-01-01
            """
        do {
            _ = try HolidayTable.parse(text: text, fileName: "cn/2026.txt")
            Issue.record("no error")
        } catch {
            #expect(error.diagnostics.map(\.code) == [.yearMismatch, .noSuchDate, .notAWeekendDay, .dateOutsideYear, .unknownKeyword, .missingNotice])
            #expect(error.diagnostics.map(\.line) == [1, 2, 3, 3, 4, 4])
        }
    }

    @Test func missingYearAndEncoding() {
        #expect(throws: HolidayTableError.self) { try HolidayTable.parse(text: "", fileName: "x.txt") }
        do {
            _ = try HolidayTable.parse(bytes: [0x79, 0xFF, 0xFE], fileName: "2026.txt")
        } catch {
            #expect(error.description == "2026.txt:1:1: error: the file is not valid UTF-8 text")
        }
    }

    @Test func specialHolidaysMustBeDeclared() throws {
        let text = """
            year 2015
            notice 国发明电〔2015〕1号 2015-05-12 国务院关于中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日调休放假的通知
            special 抗战胜利纪念日 Victory Day
            off 抗战胜利纪念日 2015-09-03..2015-09-05
            work 抗战胜利纪念日 2015-09-06
            """
        let table = try HolidayTable.parse(text: text, fileName: "2015.txt")
        #expect(table.breaks.map(\.name) == ["抗战胜利纪念日"])
        #expect(table.breaks[0].makeupWorkdays == [day("2015-09-06")])
    }

    @Test func shippedTablesParseAndMatchTheirNotices() throws {
        let calendar = try HolidayTestFiles.shippedCalendar()
        for year in 2008...2026 { #expect(calendar.hasTable(for: year)) }
        #expect(!calendar.hasTable(for: 2007))
        // Days off and weekend days worked per year, as the notices count them.
        // 2008 counts its two days of December 2007 (off 12-30, 12-31; worked 12-29).
        let counts: [Int: (off: Int, work: Int, document: String)] = [
            2008: (29, 6, "国办发明电〔2007〕52号"), 2009: (27, 6, "国办发明电〔2008〕42号"),
            2010: (29, 8, "国办发明电〔2009〕27号"), 2011: (29, 5, "国办发明电〔2010〕40号"),
            2012: (27, 7, "国办发明电〔2011〕45号"), 2013: (29, 12, "国办发明电〔2012〕33号"),
            2014: (22, 5, "国办发明电〔2013〕28号"), 2015: (26, 5, "国办发明电〔2014〕28号"),
            2016: (24, 6, "国办发明电〔2015〕18号"), 2017: (24, 5, "国办发明电〔2016〕17号"),
            2018: (23, 6, "国办发明电〔2017〕12号"), 2019: (24, 7, "国办发明电〔2018〕15号"),
            2020: (30, 6, "国办发明电〔2019〕16号"), 2021: (31, 7, "国办发明电〔2020〕27号"),
            2022: (31, 7, "国办发明电〔2021〕11号"), 2023: (27, 7, "国办发明电〔2022〕16号"),
            2024: (28, 8, "国办发明电〔2023〕7号"), 2025: (28, 5, "国办发明电〔2024〕12号"),
            2026: (33, 6, "国办发明电〔2025〕7号"),
        ]
        for (year, expected) in counts {
            let table = try #require(calendar.tables[year])
            #expect(table.daysOff.count == expected.off, "days off \(year)")
            #expect(table.makeupWorkdays.count == expected.work, "make-up days \(year)")
            #expect(table.notices.first?.documentNumber == expected.document)
            #expect(table.notices.first?.title == "国务院办公厅关于\(year)年部分节假日安排的通知")
        }
    }

    @Test func the2026Arrangement() throws {
        let calendar = try HolidayTestFiles.shippedCalendar()
        let table = try #require(calendar.tables[2026])
        #expect(table.notices.map(\.issued) == [day("2025-11-04")])
        let summary = table.breaks.map { b in
            "\(b.name) \(HolidayTable.rangesText(b.daysOff)) work \(b.makeupWorkdays.map(\.description).joined(separator: ","))"
        }
        #expect(summary == [
            "元旦 2026-01-01..2026-01-03 work 2026-01-04",
            "春节 2026-02-15..2026-02-23 work 2026-02-14,2026-02-28",
            "清明节 2026-04-04..2026-04-06 work ",
            "劳动节 2026-05-01..2026-05-05 work 2026-05-09",
            "端午节 2026-06-19..2026-06-21 work ",
            "中秋节 2026-09-25..2026-09-27 work ",
            "国庆节 2026-10-01..2026-10-07 work 2026-09-20,2026-10-10",
        ])
    }
}

@Suite struct OfficialHolidayNameTests {
    /// `named(_:)` reads a table of the normalized names; it answers as matching each holiday in
    /// order did, for every name and alias, spelled in other cases and with `_` or spaces.
    @Test func aNameFindsTheHolidayMatchingItFirst() {
        var names = ["", "春", "节", "holiday", "mid autumn festival", "National_Day", " 五一 ", "Qingming", "清明节假期", "Labor Day"]
        for holiday in OfficialHoliday.standard {
            for name in [holiday.id, holiday.chineseName, holiday.englishName] + holiday.aliases {
                names += [name, name.uppercased(), name.replacingOccurrences(of: "-", with: "_"), name.replacingOccurrences(of: "-", with: " "), " \(name)\t", name + "节"]
            }
        }
        for name in names {
            #expect(OfficialHoliday.named(name) == OfficialHoliday.standard.first { $0.matches(name) }, "\(name)")
        }
        #expect(OfficialHoliday.named("Mid_Autumn") == .midAutumn)
        #expect(OfficialHoliday.named("端午节日") == nil)
    }

    /// Names of lowercase ASCII and CJK ideographs are returned as they are, without the scalar
    /// walk; anything else is trimmed, has `_`, spaces and ’ replaced, and is lowercased.
    @Test func normalizeKeepsOnlyNamesItWouldNotChange() {
        let cases: [(String, String)] = [
            ("中秋", "中秋"), ("mid-autumn", "mid-autumn"), ("qingming", "qingming"), ("05-01", "05-01"), ("中秋节3", "中秋节3"),
            ("Mid_Autumn", "mid-autumn"), ("MID AUTUMN", "mid-autumn"), (" 中秋\t", "中秋"), ("\u{3000}中秋\u{3000}", "中秋"),
            ("women\u{2019}s-day", "women's-day"), ("中秋 节", "中秋-节"), ("Ｑingming", "ｑingming"), ("ÉTÉ", "été"),
            ("中秋\u{301}", "中秋\u{301}"), ("\u{7F}", "\u{7F}"), ("a_b", "a-b"), ("", ""),
        ]
        for (name, normalized) in cases {
            #expect(OfficialHoliday.normalize(name) == normalized, "\(name)")
        }
    }
}
