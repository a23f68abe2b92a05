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

/// The reminder days `show` and `explain` list are the planner's own.
@Suite struct ReminderDaysTests {
    @Test func remindersCountWorkingDaysAndMoveOffDaysOff() throws {
        let table = try HolidayTable.parse(
            text: """
                year    2026
                notice  国办发明电〔2025〕7号  2025-11-04  国务院办公厅关于2026年部分节假日安排的通知
                off     国庆节  2026-10-01..2026-10-07
                work    国庆节  2026-09-20, 2026-10-10

                """, fileName: "2026.txt")
        let work = try WorkCalendar(tables: [table])
        let policy = ReminderPolicy(leads: [Located(Lead(text: "-3wd")!), Located(Lead(text: "-1d")!), Located(Lead(text: "0d")!)])
        let days = ScheduleInput.reminderDays(start: d("2026-10-12"), policy: policy, work: work)
        // 10-12 (Mon) minus 3 working days: 10-10 (调休 Saturday), 10-09 (Fri), 10-08 (Thu). The day
        // before is Sunday 10-11, a day off: the reminder moves to the working Saturday 10-10.
        #expect(days.map(\.date.description) == ["2026-10-08", "2026-10-10", "2026-10-12"])
        #expect(days[1].reason.contains("moved off a day off to 2026-10-10"))
    }
}
