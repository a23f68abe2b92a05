import Testing

@testable import AlmanacCalendar

@Suite("Date rule parsing")
struct DateRuleParseTests {
    /// Written form → canonical form.
    @Test(arguments: [
        ("2026-05-01", "2026-05-01"),
        ("once 2026-05-01", "2026-05-01"),
        ("05-01", "05-01"),
        ("yearly 5-1", "05-01"),
        ("08-10", "08-10"),
        ("02-last", "02-last"),
        ("09-20..10-10", "09-20..10-10"),
        ("09-20 .. 10-10", "09-20..10-10"),
        ("12-20..01-05", "12-20..01-05"),
        ("2026-09-20..2026-10-10", "2026-09-20..2026-10-10"),
        ("05-01 -7d..+7d", "05-01 -7d..+7d"),
        ("05-01 -1w", "05-01 -7d"),
        ("weekly tue,fri", "weekly tue,fri"),
        ("weekly fri, tue", "weekly tue,fri"),
        ("weekly Friday,TUE", "weekly tue,fri"),
        ("weekly mon..fri", "weekly mon,tue,wed,thu,fri"),
        ("weekly sat..mon", "weekly mon,sat,sun"),
        ("weekly mon interval 2", "weekly mon interval 2"),
        ("daily", "daily"),
        ("daily 09:00", "daily 09:00"),
        ("daily 21:00,9:00", "daily 09:00,21:00"),
        ("daily at 09:00", "daily 09:00"),
        ("monthly 15", "monthly 15"),
        ("monthly 1,15", "monthly 1,15"),
        ("monthly last", "monthly last"),
        ("monthly 2nd tue", "monthly 2nd tue"),
        ("monthly last fri", "monthly last fri"),
        ("monthly 31", "monthly 31"),
        ("weekly tue from 2026-03-01 until 2026-06-30", "weekly tue from 2026-03-01 until 2026-06-30"),
        ("until 2026-06-30", ""),
    ].filter { !$0.1.isEmpty })
    func canonical(_ input: String, _ expected: String) throws {
        let rule = try DateRule.parse(input)
        #expect(rule.text == expected)
        // The canonical form reads back to the same rule.
        #expect(try DateRule.parse(rule.text) == rule)
    }

    @Test(arguments: [
        ("daily count 5 from 2026-01-01", "daily from 2026-01-01 count 5"),
        ("weekly sat,sun except 2026-10-03 except 10-01..10-07", "weekly sat,sun except 2026-10-03 except 10-01..10-07"),
        ("daily except weekly sat,sun", "daily except weekly sat,sun"),
        ("05-01 09:30", "05-01 09:30"),
        ("05-01 interval 2", "05-01 interval 2"),
    ])
    func modifiers(_ input: String, _ expected: String) throws {
        let rule = try DateRule.parse(input)
        #expect(rule.text == expected)
        #expect(try DateRule.parse(rule.text) == rule)
    }

    /// The seed document's own spellings.
    @Test(arguments: [
        ("9月20日—10月10日", "09-20..10-10"),
        ("9月20日-10月10日", "09-20..10-10"),
        ("9月20日至10月10日", "09-20..10-10"),
        ("9月20日 — 10月10日", "09-20..10-10"),
        ("8月10日", "08-10"),
        ("每年8月10日", "08-10"),
        ("2026年5月1日", "2026-05-01"),
        ("十月一日", "10-01"),
        ("5月份", "05-01..05-last"),
        ("11月份", "11-01..11-last"),
        ("年初", "01-01..01-last"),
        ("年底", "12-01..12-last"),
        ("每周二、五", "weekly tue,fri"),
        ("每周二、周五", "weekly tue,fri"),
        ("每周二和周五", "weekly tue,fri"),
        ("每周一至周五", "weekly mon,tue,wed,thu,fri"),
        ("每星期三", "weekly wed"),
        ("每天", "daily"),
        ("每天 09:00、21:00", "daily 09:00,21:00"),
        ("每日9:00", "daily 09:00"),
        ("每月1日、15日", "monthly 1,15"),
        ("每月最后一天", "monthly last"),
        ("每月第二个周二", "monthly 2nd tue"),
        ("每月最后一个星期五", "monthly last fri"),
        ("2月底", "02-last"),
    ])
    func chinese(_ input: String, _ expected: String) throws {
        #expect(try DateRule.parse(input).text == expected)
    }

    /// Bad input: the error's code, column and length (in Unicode scalars) and its message.
    @Test(arguments: [
        ("", "empty", 1, 1, "the rule is empty"),
        ("   ", "empty", 1, 1, "the rule is empty"),
        ("2026-02-30", "invalid-date", 1, 10, "'2026-02-30' does not exist: February 2026 has 28 days"),
        ("2月30日", "invalid-date", 1, 5, "February has no day 30 (at most 29)"),
        ("02-30", "invalid-date", 1, 5, "February has no day 30 (at most 29)"),
        ("13-01", "invalid-date", 1, 5, "month 13 does not exist in '13-01'"),
        ("13月1日", "invalid-date", 1, 5, "month 13 does not exist in '13月1日'"),
        ("2026-13-01", "invalid-date", 1, 10, "month 13 does not exist in '2026-13-01'"),
        ("weekly tue,frj", "unexpected", 12, 3, "unknown word 'frj' — did you mean 'fri'?"),
        ("weekly", "incomplete", 7, 1, "expected a weekday (mon, tue, wed, thu, fri, sat, sun)"),
        ("wekly tue", "unexpected", 1, 5, "unknown word 'wekly' — did you mean 'weekly'?"),
        ("daily 25:00", "invalid-number", 7, 5, "'25:00' is not a time of day (HH:MM, 00:00 to 23:59)"),
        ("daily count 3", "conflict", 7, 5, "'count' needs a start to count from: add 'from YYYY-MM-DD'"),
        ("daily from 2026-05-01 until 2026-04-01", "conflict", 23, 5, "'until 2026-04-01' is before 'from 2026-05-01'"),
        ("daily interval 0", "invalid-number", 16, 1, "interval must be between 1 and 1000, not 0"),
        ("2026-05-01 interval 2", "conflict", 12, 8, "'interval' only applies to a rule that repeats"),
        ("daily until 05-01", "unexpected", 13, 5, "'until' needs a full date with a year, such as 2026-12-31"),
        ("2026-10-10..2026-09-20", "conflict", 13, 10, "the window ends (2026-09-20) before it starts (2026-10-10)"),
        ("2026-09-20..10-10", "conflict", 1, 17, "both ends of a window must have a year (2026-09-20..2026-10-10) or neither (09-20..10-10)"),
        ("05-01 -3x", "unexpected", 7, 3, "unknown offset unit 'x' in '-3x': use d (days), w (weeks) or wd (working days)"),
        ("05-01 -3", "incomplete", 7, 2, "'-3' needs a unit: d (days), w (weeks) or wd (working days)"),
        ("-3d", "unexpected", 1, 3, "an offset such as '-3d' needs a date or festival before it"),
        ("09-20..", "incomplete", 8, 1, "a window needs an end after '..', such as 10-10 or +7d"),
        ("daily daily", "unexpected", 7, 5, "'daily' cannot come here: expected from, until, count, except or interval"),
        ("monthly 32", "invalid-date", 9, 2, "a month has no day 32 (1 to 31, or 'last')"),
        ("monthly 2nd", "incomplete", 12, 1, "'2nd' needs a weekday after it (2nd mon)"),
        ("daily until 2026-12-31 until 2027-01-01", "conflict", 24, 5, "'until' is given twice (first at column 7)"),
        ("每周不少于两次", "unexpected", 1, 7, "'每周不少于两次' does not say on which days: name them, e.g. 'weekly tue,fri' (每周二、五)"),
        ("!!@@", "unexpected", 1, 4, "unknown word '!!@@': expected a date (2026-05-01, 05-01), a festival (中秋, mid-autumn) or a rule (weekly, monthly, daily)"),
        ("yearly 2026-05-01", "conflict", 1, 6, "'yearly' takes a month and day such as 05-01, not a full date"),
        ("daily except", "incomplete", 7, 6, "'except' needs a date or a rule after it"),
    ])
    func errors(_ input: String, _ code: String, _ column: Int, _ length: Int, _ message: String) {
        #expect(throws: RuleParseError(code: .init(code), message: message, column: column, length: length)) {
            try DateRule.parse(input)
        }
    }

    @Test func pointerUnderlinesWideCharacters() {
        let error = RuleParseError(code: .unexpected, message: "x", column: 4, length: 2)
        #expect(error.pointer(in: "a  中球 -3d") == "a  中球 -3d\n   ^^^^")
    }

    @Test func garbageNeverCrashes() {
        // A deterministic sweep of odd inputs: every one must either parse or throw.
        let pieces = ["..", "-", "+", "2026", "-05", "-01", "月", "日", "农历", "闰", ":", ",", "、", "weekly", "last",
                      "monthly", "每周", "—", "0", "99", "except", "count", "from", " ", "中秋", "wd", "d", "十三"]
        var seed: UInt64 = 42
        var parsed = 0
        for _ in 0..<3000 {
            var text = ""
            for _ in 0..<Int(seed % 6 + 1) {
                seed = seed &* 6364136223846793005 &+ 1442695040888963407
                text += pieces[Int((seed >> 33) % UInt64(pieces.count))]
            }
            if (try? DateRule.parse(text)) != nil { parsed += 1 }
        }
        #expect(parsed < 3000)
    }
}
