import AlmanacCalendar
import AlmanacPlan
import Foundation
import Testing

@testable import AlmanacScheduler

/// The planner against the shipped official holiday tables (config/holidays/cn).
@Suite struct RealWorkCalendarTests {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func shipped() throws -> WorkCalendar {
        let dir = root.appendingPathComponent("config/holidays/cn")
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".txt") }.sorted()
        let files = try names.map { ("config/holidays/cn/\($0)", [UInt8](try Data(contentsOf: dir.appendingPathComponent($0)))) }
        return try HolidayTables.workCalendar(files: files)
    }

    @Test func testFixtureAgreesWithTheOfficial2026Table() throws {
        let real = try Self.shipped()
        let disagreements = (d("2026-01-01")...d("2026-12-31")).filter {
            real.isWorkingDay($0) != FakeWorkingDays.china2026.isWorkingDay($0)
        }
        #expect(disagreements == [])
    }

    @Test func wholeYearWithTheRealCalendar() throws {
        let planner = ReminderPlanner(
            occurrences: SmallPlan.occurrences, workingDays: try Self.shipped(),
            configuration: PlannerConfiguration(timeZone: shanghai))
        var driver = Driver(planner)
        driver.run(from: at("2026-01-01 00:00"), until: at("2026-12-31 23:59"))
        #expect(driver.log == SmallPlan.year)
    }
}
