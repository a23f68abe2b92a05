import AlmanacCalendar
import Testing

@testable import almanacctl

/// The messages of values almanacctl refuses (docs/cli.md, "Errors and exit status"): what is
/// wrong, what is accepted, and the date meant when it is a near miss.
@Suite struct ValueErrorTests {
    @Test(arguments: [
        ("2026-02-30", "error: '2026-02-30' does not exist: February 2026 has 28 days\nhint: the last day of the month is 2026-02-28"),
        ("2024-02-30", "error: '2024-02-30' does not exist: February 2024 has 29 days\nhint: the last day of the month is 2024-02-29"),
        ("", "error: the date is empty: expected YYYY-MM-DD (such as 2026-05-01) or 'today'"),
        ("garbage", "error: 'garbage' is not a date: expected YYYY-MM-DD (such as 2026-05-01) or 'today'"),
        ("2026/5/1", "error: '2026/5/1' is not written YYYY-MM-DD\nhint: did you mean 2026-05-01?"),
        ("2026年5月1日", "error: '2026年5月1日' is not written YYYY-MM-DD\nhint: did you mean 2026-05-01?"),
        ("2026-13-01", "error: '2026-13-01' is not a date: there is no month 13 (months are 01 to 12)"),
        ("10000-01-01", "error: year 10000 is outside the supported range 1–9999 ('10000-01-01')"),
        ("0000-12-31", "error: year 0 is outside the supported range 1–9999 ('0000-12-31')"),
    ])
    func dates(_ text: String, _ message: String) {
        #expect(throws: CLIFailure(message)) { try CLIDate.parse(text) }
    }

    @Test func datesThatAreFine() throws {
        #expect(try CLIDate.parse("0001-01-01") == CivilDate(year: 1, month: 1, day: 1))
        #expect(try CLIDate.parse("9999-12-31") == CivilDate(year: 9999, month: 12, day: 31))
    }

    @Test func months() throws {
        #expect(try CLIMonth.parse("2026-05") == (2026, 5))
        #expect(throws: CLIFailure("error: year 0 is outside the supported range 1–9999")) { try CLIMonth.parse("0000-01") }
        #expect(throws: CLIFailure("error: '2026-13' is not a month: months are 01 to 12")) { try CLIMonth.parse("2026-13") }
        #expect(throws: CLIFailure("error: '2026-5' is not written YYYY-MM\nhint: did you mean 2026-05?")) {
            try CLIMonth.parse("2026-5")
        }
    }

    @Test func yearsHaveOneRangeWording() throws {
        let chinese = "error: year 1799 is outside the supported range 1800–2200\nhint: " + CLIRange.chineseCalendarHint
        #expect(throws: CLIFailure(chinese)) { try NumberArgument(argument: "1799")?.year(in: CLIRange.chinese) }
        #expect(throws: CLIFailure("error: year 0 is outside the supported range 1–9999")) {
            try NumberArgument(argument: "0")?.year(in: CLIRange.gregorian)
        }
        #expect(throws: CLIFailure("error: 'abc' is not a year: expected a whole number such as 2026")) {
            try NumberArgument(argument: "abc")?.year(in: CLIRange.gregorian)
        }
        #expect(try NumberArgument(argument: "2026")?.year(in: CLIRange.chinese) == 2026)
        #expect(throws: CLIFailure("error: the result would be after 9999-12-31: year 10000 is outside the supported range 1–9999")) {
            try CLIRange.check(CivilDate(year: 10000, month: 1, day: 6)!, what: "the result")
        }
        // The engine says the same for a date.
        #expect(ChineseCalendar.outOfRange("1799-12-31").message == "1799-12-31 is outside the supported range 1800–2200")
    }

    @Test func yearSpans() {
        #expect(RuleOutput.yearSpans([1, 2, 3, 7, 9, 10]) == "1–3, 7, 9–10")
        #expect(RuleOutput.yearSpans([1799]) == "1799")
        #expect(RuleOutput.yearSpans([]) == "")
    }
}

extension CLIFailure: Equatable {
    public static func == (a: CLIFailure, b: CLIFailure) -> Bool { a.description == b.description }
}
