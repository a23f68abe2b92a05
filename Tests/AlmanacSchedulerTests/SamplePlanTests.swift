import AlmanacCalendar
import AlmanacPlan
import Foundation
import Testing

@testable import AlmanacScheduler

/// The sample plan (config/plans/zhalainuoer.yaml) through the planner, with the shipped holiday
/// tables, over 2026.
@Suite struct SamplePlanTests {
    static let root = RealWorkCalendarTests.root

    static func loadSamplePlan() throws -> Plan {
        let main = root.appendingPathComponent("config/plans/zhalainuoer.yaml")
        let text = try String(contentsOf: main, encoding: .utf8)
        let resolver: IncludeResolver = { path, including throws(IncludeError) in
            let url = URL(fileURLWithPath: including).deletingLastPathComponent().appendingPathComponent(path)
            guard let text = try? String(contentsOf: url, encoding: .utf8) else { throw IncludeError("cannot read \(url.path)") }
            return PlanSource(fileName: url.path, text: text)
        }
        let result = PlanLoader.load(fileName: main.path, text: text, resolve: resolver)
        let errors = result.diagnostics.filter { $0.severity == .error }
        #expect(errors.isEmpty, "\(errors)")
        return try #require(result.plan)
    }

    static func yearOfReminders() throws -> (lines: [String], problems: [String], occurrences: Int) {
        let plan = try loadSamplePlan()
        let expanded = scheduleInput(plan, in: d("2026-01-01")...d("2026-12-31"))
        let planner = ReminderPlanner(
            occurrences: expanded.occurrences, workingDays: try RealWorkCalendarTests.shipped(),
            configuration: PlannerConfiguration(timeZone: shanghai))
        var driver = Driver(planner, installed: at("2026-01-01 00:00"))
        // The offices mark each occurrence done on its last day, as they would with `almanacctl done`,
        // so that overdue repeats stay the exception they are in practice.
        var now = at("2026-01-01 00:00")
        let end = at("2026-12-31 23:59")
        while now <= end {
            let today = ZonedTime.civilDate(of: now, in: shanghai)
            for occurrence in expanded.occurrences where occurrence.end < today.adding(days: -7) && occurrence.kind == "recurring-check" {
                driver.state.done.insert(occurrence.id)
            }
            guard let next = driver.wake(at: now) else { break }
            now = next
        }
        #expect(driver.log.filter { $0.contains("ERROR") } == [])
        let journal = driver.log.filter { $0.contains("/journal/") }
        return (journal, expanded.problems.map(\.description) + planner.problems.map(\.description), expanded.occurrences.count)
    }

    /// The item id of a golden line (`2026-01-05 09:00 remind ITEM@DATE/...`).
    static func item(of line: String) -> String {
        let fields = line.split(separator: " ")
        guard fields.count > 3, let at = fields[3].lastIndex(of: "@") else { return "" }
        return String(fields[3][..<at])
    }

    /// Compares the year with Fixtures/zhalainuoer-2026.txt for the items the fixture covers, so
    /// that items whose rules become expandable later (festivals) do not break it; regenerate it
    /// with ALMANAC_UPDATE_GOLDEN=1 to take them in.
    @Test func goldenYearOfJournalReminders() throws {
        let (lines, problems, count) = try Self.yearOfReminders()
        let items = Set(lines.map(Self.item)).sorted()
        let golden = Self.root.appendingPathComponent("Tests/AlmanacSchedulerTests/Fixtures/zhalainuoer-2026.txt")
        if ProcessInfo.processInfo.environment["ALMANAC_UPDATE_GOLDEN"] == "1" {
            let header = ["# The sample plan's 2026 journal reminders (SamplePlanTests); occurrences: \(count)"]
                + problems.map { "# problem: \($0)" } + ["# items: " + items.joined(separator: " ")]
            try ((header + lines).joined(separator: "\n") + "\n").write(to: golden, atomically: true, encoding: .utf8)
        }
        let expected = try String(contentsOf: golden, encoding: .utf8).split(separator: "\n").map(String.init)
        let covered = Set(
            (expected.first { $0.hasPrefix("# items: ") } ?? "").dropFirst("# items: ".count).split(separator: " ").map(String.init))
        let expectedLines = expected.filter { !$0.hasPrefix("#") }
        #expect(covered.count > 20)
        #expect(expectedLines.count > 1000)
        let actual = lines.filter { covered.contains(Self.item(of: $0)) }
        #expect(
            actual == expectedLines,
            "the year of reminders changed; if intended, run ALMANAC_UPDATE_GOLDEN=1 swift test --filter SamplePlanTests and review the diff"
        )
        #expect(!lines.contains { $0.contains("DUPLICATE") })
    }
}
