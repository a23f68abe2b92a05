import AlmanacCalendar
import Foundation
import Testing

@testable import AlmanacPlan

/// The sample plan against the shipped official holiday tables (config/holidays/cn): what the seed
/// document schedules, and nothing on an official day off that it does not say.
@Suite struct SamplePlanCalendarTests {
    static func shippedContext() throws -> RuleContext {
        let directory = repositoryRoot.appendingPathComponent("config/holidays/cn")
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".txt") }.sorted()
        let files = try names.map { name in
            (name: name, bytes: [UInt8](try #require(FileManager.default.contents(atPath: directory.appendingPathComponent(name).path))))
        }
        return RuleContext(workCalendar: try HolidayTables.workCalendar(files: files))
    }

    func agenda2026() throws -> (entries: [AgendaEntry], work: WorkCalendar) {
        let plan = try #require(try loadSample().plan)
        let context = try Self.shippedContext()
        let range = CivilDate(year: 2026, month: 1, day: 1)!...CivilDate(year: 2026, month: 12, day: 31)!
        let expansion = PlanExpansion.expand(plan, in: range, context: context)
        #expect(expansion.diagnostics.isEmpty)
        return (expansion.entries, context.workCalendar)
    }

    @Test func netcafeChecksAvoidDaysOffAndKeepTwoAWeek() throws {
        let (entries, work) = try agenda2026()
        let checks = entries.filter { $0.itemID == "netcafe-checks" }.map(\.start)
        #expect(!checks.isEmpty)
        #expect(checks.filter { !work.isWorkingDay($0) } == [])
        var perWeek: [CivilDate: Int] = [:]
        for d in checks { perWeek[d.adding(days: 1 - d.weekday.rawValue), default: 0] += 1 }
        // Every week of 2026 (Monday 01-05 to Sunday 12-27) with all five weekdays worked has two
        // checks; so does every week with at least two working days.
        var monday = CivilDate(year: 2026, month: 1, day: 5)!
        while monday <= CivilDate(year: 2026, month: 12, day: 21)! {
            let days = (0..<7).map { monday.adding(days: $0) }
            let open = days.filter(work.isWorkingDay).count
            let fullWeek = days.prefix(5).allSatisfy(work.isWorkingDay)
            if fullWeek || open >= 2 { #expect(perWeek[monday, default: 0] == 2, "week of \(monday)") }
            monday = monday.adding(days: 7)
        }
        // 春节 02-17 and 国庆 10-02 were Tuesday/Friday checks before the day-off policy.
        #expect(!checks.contains(CivilDate(year: 2026, month: 2, day: 17)!))
        #expect(!checks.contains(CivilDate(year: 2026, month: 10, day: 2)!))
        #expect(checks.contains(CivilDate(year: 2026, month: 9, day: 30)!))
    }

    @Test func dayAndNightChecksOnEveryWorkingDay() throws {
        let (entries, work) = try agenda2026()
        let workingDays = (CivilDate(year: 2026, month: 1, day: 1)!...CivilDate(year: 2026, month: 12, day: 31)!)
            .filter(work.isWorkingDay).count
        for (item, time) in [("entertainment-day-checks", "09:00"), ("entertainment-night-checks", "21:00")] {
            let checks = entries.filter { $0.itemID == item }
            #expect(checks.allSatisfy { work.isWorkingDay($0.start) })
            #expect(checks.count == workingDays)
            #expect(Set(checks.compactMap { $0.time?.description }) == [time])
        }
    }

    @Test func validatesWithoutDayOffOrQuotaWarnings() throws {
        let plan = try #require(try loadSample().plan)
        let context = try Self.shippedContext()
        let options = ValidationOptions(hasHolidayTable: { context.workCalendar.hasTable(for: $0) }, rules: DateRuleChecker(context: context))
        let messages = PlanValidator.validate(plan, options: options).map(\.message)
        #expect(messages.filter { $0.hasPrefix("recurring check") } == [])
        #expect(messages.contains("the plan declares 80 responsible units but lists only 15: the other 65 get no reminders"))
    }

    @Test func whatTheDocumentStates() throws {
        let plan = try #require(try loadSample().plan)
        let item = { (id: String) in plan.items.first { $0.id.value == id } }
        #expect(item("learn-from-leifeng")?.dateSource?.value == .chosen)
        #expect(item("good-people-awards")?.edition?.label(in: 2012) == "第二届")
        #expect(plan.info.declaredUnits?.value == 80)
        let checklist = try #require(plan.checklists.first)
        #expect(
            ChecklistSummary(checklist, progress: [:]).declared == [
                DeclaredTotal(level: "大项", declared: 143, listed: 0), DeclaredTotal(level: "小项", declared: 355, listed: 0),
            ])
    }

    /// The recurring-check warnings, on the sample's own rule without its day-off policy.
    @Test func recurringCheckWarningsNameTheDaysAndTheShortWeeks() throws {
        let checker = DateRuleChecker(context: try Self.shippedContext())
        let at = SourceLocation(file: "p.yaml", line: 3, column: 11)
        func check(_ rule: String) -> [Diagnostic] {
            checker.checkItemRule(rule: rule, at: at, years: [2026], recurringCheck: true, quota: (2, .week))
        }
        let bare = check("weekly tue,fri")
        #expect(
            bare.map(\.message) == [
                "recurring check 'weekly tue,fri' falls on 9 official days off in 2026 (2026-01-02 元旦假期, 2026-02-17 春节假期, 2026-02-20 春节假期, 2026-05-01 劳动节假期, …)",
                "recurring check 'weekly tue,fri' schedules fewer than its quota of 2 a week in 6 weeks of 2026 that have room for it (week of 2026-04-27: 1, week of 2026-05-04: 1, week of 2026-06-15: 1, week of 2026-09-21: 1, …)",
            ])
        #expect(bare.allSatisfy { $0.severity == .warning && $0.location == at })
        #expect(check("weekly tue,fri dayoff shift").isEmpty)
        // `dayoff keep` says checks do happen on days off: they count, nothing to warn about.
        #expect(check("weekly tue,fri dayoff keep").isEmpty)
        // `skip` keeps days off free but leaves the 国庆 weeks short.
        #expect(
            check("weekly tue,fri dayoff skip").map(\.message).first?.hasPrefix("recurring check 'weekly tue,fri dayoff skip' schedules fewer than its quota of 2 a week") == true)
    }
}
