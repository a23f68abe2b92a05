import AlmanacCalendar
import AlmanacPlan
import AlmanacTestSupport
import Foundation
import Testing

@testable import AlmanacScheduler

/// Monday to Friday, no holidays: the days the expectations below are counted in.
struct MondayToFriday: WorkingDays {
    func isWorkingDay(_ date: CivilDate) -> Bool { !date.weekday.isWeekend }
}


func checklistAt(_ iso: String, _ hour: Int = 9, _ minute: Int = 0) -> Date {
    ZonedTime.instant(of: d(iso), at: TimeOfDay(hour: hour, minute: minute) ?? .nine, in: shanghai)
}


/// The generated 143/355/80 checklist, due 2027-08-10 (a Tuesday), as the planner sees it.
func generatedDeadlines() throws -> (ChecklistReminderPlanner, OccurrenceID, GeneratedChecklist) {
    let generated = GeneratedChecklist()
    let csv = Array(generated.csv.utf8)
    let resolve: IncludeResolver = { _, _ throws(IncludeError) in PlanSource(fileName: "indicators.csv", bytes: csv) }
    let loaded = PlanLoader.load(fileName: "plan.yaml", text: generated.planYAML(year: 2027), resolve: resolve)
    let plan = try #require(loaded.plan)
    #expect(loaded.diagnostics == [])
    let occurrences = scheduleInput(plan, in: d("2027-01-01")...d("2027-12-31")).occurrences
    let deadlines = ChecklistDeadline.from(plan, occurrences: occurrences)
    #expect(deadlines.count == 1)
    let planner = ChecklistReminderPlanner(
        deadlines: deadlines, configuration: PlannerConfiguration(timeZone: shanghai), workingDays: MondayToFriday())
    return (planner, OccurrenceID(itemID: "materials", date: d("2027-08-10")), generated)
}

/// The 小项 codes a unit owns, in file order.
func expectedOpen(_ generated: GeneratedChecklist, unit: String, except done: Set<String> = []) -> [String] {
    generated.minorItems.filter { $0.owner == unit && !done.contains($0.code) }.map(\.code)
}

@Suite("Checklist reminders")
struct ChecklistReminderTests {
    @Test("ten working days before: one reminder per unit listing exactly its open 小项")
    func firstLead() throws {
        let (planner, occurrence, generated) = try generatedDeadlines()
        let early = planner.decide(progress: [:], recorded: [], now: checklistAt("2027-07-27", 8, 59))
        #expect(early.notices.isEmpty)
        #expect(early.nextWakeup == checklistAt("2027-07-27"))

        let decision = planner.decide(progress: [:], recorded: [], now: checklistAt("2027-07-27"))
        #expect(decision.missed.isEmpty)
        #expect(decision.notices.count == 160)
        #expect(Set(decision.notices.map(\.kind)) == [.reminder(workingDaysBefore: 10)])
        let mail = decision.notices.filter { $0.channel == .mail }
        #expect(mail.count == 80)
        #expect(Set(mail.map(\.recipient)) == Set((1...80).map(GeneratedChecklist.unitID)))
        for notice in mail {
            #expect(notice.open.map(\.code) == expectedOpen(generated, unit: notice.unit))
            #expect(notice.deadline == d("2027-08-10"))
            #expect(notice.day == d("2027-07-27"))
        }
        let u01 = try #require(mail.first { $0.unit == "u01" })
        #expect(u01.open.map(\.code) == ["M001-1", "M027-3", "M054-2", "M086-2", "M126-2"])
        #expect(u01.key == DeliveryID(
            occurrenceID: occurrence.description, reminderID: "checklist:-10wd@2027-08-10/u01", channel: "mail", recipient: "u01"))
        #expect(mail.first { $0.unit == "u80" }?.open.count == 4)
        #expect(mail.filter { $0.open.count == 5 }.count == 35)
        #expect(decision.nextWakeup == checklistAt("2027-08-03"))
    }

    @Test("recording progress changes the next reminders; a unit with nothing open hears nothing")
    func progressChangesReminders() throws {
        let (planner, occurrence, generated) = try generatedDeadlines()
        let first = planner.decide(progress: [:], recorded: [], now: checklistAt("2027-07-27"))
        let recorded = Set(first.notices.map(\.key))
        var statuses: [String: IndicatorStatus] = [:]
        for code in expectedOpen(generated, unit: "u01") { statuses[code] = .accepted }
        let u02 = expectedOpen(generated, unit: "u02")
        statuses[u02[0]] = .submitted
        statuses[u02[1]] = .inProgress
        let u03 = expectedOpen(generated, unit: "u03")
        statuses[u03[0]] = .rejected
        let next = planner.decide(progress: [occurrence: statuses], recorded: recorded, now: checklistAt("2027-08-03"))
        #expect(Set(next.notices.map(\.kind)) == [.reminder(workingDaysBefore: 5)])
        let mail = next.notices.filter { $0.channel == .mail }
        #expect(mail.count == 79)
        #expect(!mail.contains { $0.unit == "u01" })
        #expect(mail.first { $0.unit == "u02" }?.open.map(\.code) == Array(u02.dropFirst()))
        #expect(mail.first { $0.unit == "u03" }?.open.map(\.code) == u03)
        #expect(next.nextWakeup == checklistAt("2027-08-05"))
    }

    @Test("escalation to the leaders two working days before, overdue digests after the deadline")
    func escalationAndOverdue() throws {
        let (planner, occurrence, generated) = try generatedDeadlines()
        var statuses: [String: IndicatorStatus] = [:]
        for m in generated.minorItems where m.owner != "u05" && m.owner != "u06" { statuses[m.code] = .accepted }
        let progress = [occurrence: statuses]
        var recorded: Set<DeliveryID> = []
        for when in ["2027-07-27", "2027-08-03", "2027-08-05"] {
            recorded.formUnion(planner.decide(progress: progress, recorded: recorded, now: checklistAt(when)).notices.map(\.key))
        }
        let escalation = planner.decide(progress: progress, recorded: recorded, now: checklistAt("2027-08-06"))
        #expect(escalation.notices.filter { $0.channel == .mail }.map(\.recipient) == ["u05.leader", "u06.leader"])
        #expect(Set(escalation.notices.map(\.kind)) == [.escalation(workingDaysBefore: 2)])
        #expect(escalation.notices.first?.open.map(\.code) == expectedOpen(generated, unit: "u05"))
        recorded.formUnion(escalation.notices.map(\.key))
        let lastLead = planner.decide(progress: progress, recorded: recorded, now: checklistAt("2027-08-09"))
        #expect(lastLead.notices.filter { $0.channel == .mail }.map(\.recipient) == ["u05", "u06"])
        recorded.formUnion(lastLead.notices.map(\.key))
        #expect(lastLead.nextWakeup == checklistAt("2027-08-11"))

        let overdue = planner.decide(progress: progress, recorded: recorded, now: checklistAt("2027-08-11"))
        #expect(Set(overdue.notices.map(\.kind)) == [.overdue])
        #expect(overdue.notices.filter { $0.channel == .mail }.map(\.recipient) == ["u05", "u05.leader", "u06", "u06.leader"])
        #expect(overdue.notices.first?.key.reminderID == "checklist:overdue@2027-08-11/u05")
        recorded.formUnion(overdue.notices.map(\.key))
        // Friday's digest is followed by Monday's: no digest at the weekend.
        #expect(planner.decide(progress: progress, recorded: recorded, now: checklistAt("2027-08-12")).notices.count == 8)
        var allDone = statuses
        for m in generated.minorItems where m.owner == "u06" { allDone[m.code] = .submitted }
        let after = planner.decide(progress: [occurrence: allDone], recorded: recorded, now: checklistAt("2027-08-12"))
        #expect(after.notices.filter { $0.channel == .mail }.map(\.recipient) == ["u05", "u05.leader"])
    }

    @Test("after downtime only the latest due reminder goes out; the older ones are superseded")
    func catchUp() throws {
        let (planner, _, _) = try generatedDeadlines()
        let decision = planner.decide(progress: [:], recorded: [], now: checklistAt("2027-08-05", 10, 30))
        #expect(Set(decision.notices.map(\.kind)) == [.reminder(workingDaysBefore: 3)])
        #expect(decision.notices.count == 160)
        #expect(decision.notices.allSatisfy { $0.isLate })
        #expect(decision.missed.count == 320)
        #expect(Set(decision.missed.map(\.reason)) == [.superseded])
        #expect(decision.nextWakeup == checklistAt("2027-08-06"))
    }

    @Test("a checklist with everything submitted or accepted sends nothing and sleeps")
    func nothingOpen() throws {
        let (planner, occurrence, generated) = try generatedDeadlines()
        var statuses: [String: IndicatorStatus] = [:]
        for (i, m) in generated.minorItems.enumerated() { statuses[m.code] = i % 2 == 0 ? .accepted : .submitted }
        let decision = planner.decide(progress: [occurrence: statuses], recorded: [], now: checklistAt("2027-08-11"))
        #expect(decision.notices.isEmpty)
        #expect(decision.missed.isEmpty)
        #expect(decision.nextWakeup == nil)
    }
}

@Suite("Quota checks")
struct QuotaCheckTests {
    let target = QuotaTarget(
        itemID: "netcafe-checks", title: "网吧检查", owners: ["whjc"], leaders: ["whjc.leader"], count: 2, per: .week)

    var planner: QuotaPlanner {
        QuotaPlanner(
            targets: [target], configuration: PlannerConfiguration(timeZone: shanghai), workingDays: MondayToFriday(),
            channels: [.mail])
    }

    @Test("periods: ISO weeks, months, quarters")
    func periods() {
        #expect(quotaPeriod(containing: d("2027-06-10"), per: .week) == d("2027-06-07")...d("2027-06-13"))
        #expect(quotaPeriod(containing: d("2027-06-13"), per: .week) == d("2027-06-07")...d("2027-06-13"))
        #expect(quotaPeriod(containing: d("2027-02-10"), per: .month) == d("2027-02-01")...d("2027-02-28"))
        #expect(quotaPeriod(containing: d("2027-08-10"), per: .quarter) == d("2027-07-01")...d("2027-09-30"))
    }

    @Test("a short week is flagged to the owner on its last working day, a full one is not")
    func warning() {
        let short = planner.decide(
            checks: ["netcafe-checks": [d("2027-06-08")]], recorded: [], now: checklistAt("2027-06-11"), trackingSince: d("2027-06-07"))
        #expect(short.notices.map(\.key) == [
            DeliveryID(occurrenceID: "netcafe-checks@2027-06-07", reminderID: "quota:warning", channel: "mail", recipient: "whjc")
        ])
        #expect(short.notices.first?.done == 1)
        #expect(short.nextWakeup == checklistAt("2027-06-14"))
        let thursday = planner.decide(
            checks: ["netcafe-checks": [d("2027-06-08")]], recorded: [], now: checklistAt("2027-06-10"), trackingSince: d("2027-06-07"))
        #expect(thursday.notices.isEmpty)
        #expect(thursday.nextWakeup == checklistAt("2027-06-11"))
        let lastWeek = [d("2027-06-01"), d("2027-06-04")]
        let full = planner.decide(
            checks: ["netcafe-checks": lastWeek + [d("2027-06-08"), d("2027-06-11")]], recorded: [], now: checklistAt("2027-06-11", 18))
        #expect(full.notices.isEmpty)
        #expect(full.nextWakeup == checklistAt("2027-06-18"))
    }

    @Test("after a short week the owner and its leader get the report; the stale warning is recorded as missed")
    func report() {
        let monday = planner.decide(checks: ["netcafe-checks": [d("2027-06-08")]], recorded: [], now: checklistAt("2027-06-14"))
        #expect(monday.notices.map(\.recipient) == ["whjc", "whjc.leader"])
        #expect(monday.notices.allSatisfy { $0.kind == .report && $0.period == d("2027-06-07")...d("2027-06-13") })
        #expect(monday.missed.map(\.key.reminderID) == ["quota:warning"])
        #expect(monday.missed.first?.reason == .superseded)
        #expect(monday.nextWakeup == checklistAt("2027-06-18"))
        let full = planner.decide(
            checks: ["netcafe-checks": [d("2027-06-08"), d("2027-06-10")]], recorded: [], now: checklistAt("2027-06-14"))
        #expect(full.notices.isEmpty)
    }

    @Test("the sample plan's 网吧检查 carries its quota")
    func fromPlan() throws {
        let text = """
            plan: {id: p, name: 计划, years: [2027]}
            units:
              whjc: {name: 文化稽查队, leader: {name: 队长, mail: dz@example.org}}
            items:
              - id: netcafe-checks
                kind: recurring-check
                title: 网吧检查
                when: weekly tue,fri
                owners: [whjc]
                quota: {count: 2, per: week}
            """
        let plan = try #require(PlanLoader.load(fileName: "p.yaml", text: text).plan)
        #expect(QuotaTarget.from(plan) == [target])
    }
}
