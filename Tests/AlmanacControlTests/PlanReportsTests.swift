import AlmanacCalendar
import AlmanacControl
import AlmanacPlan
import Testing

/// The pure parts of `PlanReports` that the golden files do not isolate.
@Suite struct PlanReportsTests {
    func day(_ text: String) -> CivilDate { CivilDate(iso: text)! }

    @Test(arguments: [
        (OccurrenceMarks(done: true, acknowledged: true, snoozed: true), "deadline", "2026-09-01", "done"),
        (OccurrenceMarks(acknowledged: true, snoozed: true), "deadline", "2026-09-01", "snoozed"),
        (OccurrenceMarks(acknowledged: true), "deadline", "2026-09-01", "acknowledged"),
        (OccurrenceMarks(), "deadline", "2026-09-01", "overdue"),
        (OccurrenceMarks(), "inspection", "2026-09-14", "overdue"),
        (OccurrenceMarks(), "deadline", "2026-09-15", "open"),
        (OccurrenceMarks(), "festival", "2026-09-01", "open"),
        (OccurrenceMarks(), "campaign", "2026-09-01", "open"),
    ])
    func statePrecedence(marks: OccurrenceMarks, kind: String, end: String, expected: String) {
        #expect(PlanReports.state(marks, end: day(end), hasDeadline: ItemKind(rawValue: kind)?.hasDeadline ?? false, today: day("2026-09-15")).rawValue == expected)
    }

    @Test(arguments: [
        ("2026-09-18", 0), ("2026-09-19", 0), ("2026-09-20", 0), ("2026-09-21", 1), ("2026-09-25", 5),
        ("2026-09-17", -1), ("2026-09-14", -4), ("2026-09-13", -4), ("2026-09-11", -5),
    ])
    func workingDaysFromAFriday(date: String, expected: Int) {
        // Friday 2026-09-18; weekends only.
        #expect(PlanReports.workingDays(from: day("2026-09-18"), to: day(date), work: .weekendsOnly) == expected)
    }
}
