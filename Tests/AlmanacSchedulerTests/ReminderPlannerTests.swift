import AlmanacCalendar
import AlmanacPlan
import Foundation
import Testing

@testable import AlmanacScheduler

@Suite struct ReminderPlannerYearTests {
    @Test func wholeYearSendsExactSequenceAndWakesOnlyWhenDue() {
        var driver = Driver(SmallPlan.planner(), installed: at("2026-01-01 00:00"))
        let after = driver.run(from: at("2026-01-01 00:00"), until: at("2026-12-31 23:59"))
        #expect(driver.log == SmallPlan.year)
        #expect(after == nil)
        // One wake-up at the start and one per distinct due instant: nothing else.
        let dueInstants = Set(SmallPlan.year.map { String($0.prefix(16)) }).sorted()
        #expect(driver.wakeups.map(show) == ["2026-01-01 00:00"] + dueInstants)
        #expect(SmallPlan.planner().problems.isEmpty)
    }

    @Test func restartHalfwayRepeatsNothing() {
        var first = Driver(SmallPlan.planner())
        let resume = first.run(from: at("2026-01-01 00:00"), until: at("2026-08-12 09:00"))
        #expect(resume == at("2026-08-14 09:00"))
        // A new process: a fresh planner and a state rebuilt from the recorded keys only.
        var second = Driver(
            SmallPlan.planner(), state: PlannerState(recorded: first.state.recorded, ignoreBefore: at("2026-01-01 00:00")))
        second.run(from: at("2026-08-13 07:12"), until: at("2026-12-31 23:59"))
        #expect(first.log + second.log == SmallPlan.year)
        #expect(second.wakeups.first == at("2026-08-13 07:12"))
    }

    @Test func sameStateAndInstantGiveTheSameDecision() {
        let planner = SmallPlan.planner()
        let state = PlannerState(recorded: [
            DeliveryID(occurrenceID: "labour-day@2026-05-01", reminderID: "-3wd", channel: "journal")
        ])
        #expect(planner.decide(state: state, now: at("2026-04-30 09:00")) == planner.decide(state: state, now: at("2026-04-30 09:00")))
    }
}

@Suite struct CatchUpTests {
    @Test func threeDaysOfDowntimeCatchUpInOrderMarkedLate() {
        var driver = Driver(SmallPlan.planner(), installed: at("2026-04-01 00:00"))
        driver.run(from: at("2026-04-01 00:00"), until: at("2026-04-27 18:00"))
        #expect(driver.log.isEmpty)
        // Down from 04-27 18:00 until 04-30 10:30: two reminders fell due meanwhile.
        let next = driver.wake(at: at("2026-04-30 10:30"))
        #expect(
            driver.log == [
                "2026-04-28 09:00 remind labour-day@2026-05-01/-3wd/journal/ late",
                "2026-04-28 09:00 remind labour-day@2026-05-01/-3wd/mail/wmb late",
                "2026-04-30 09:00 remind labour-day@2026-05-01/-1d/journal/ late",
                "2026-04-30 09:00 remind labour-day@2026-05-01/-1d/mail/wmb late",
            ])
        #expect(next == at("2026-08-03 09:00"))
        // Waking again right away (no storm, no repeat).
        #expect(driver.planner.decide(state: driver.state, now: at("2026-04-30 10:31")).actions.isEmpty)
    }

    @Test func wakingWithinToleranceIsNotLate() {
        let decision = SmallPlan.planner().decide(
            state: PlannerState(ignoreBefore: at("2026-04-01 00:00")), now: at("2026-04-28 09:04"))
        #expect(decision.actions.map(describe) == [
            "2026-04-28 09:00 remind labour-day@2026-05-01/-3wd/journal/",
            "2026-04-28 09:00 remind labour-day@2026-05-01/-3wd/mail/wmb",
        ])
        if case .remind(let r) = decision.actions.first {
            #expect(r.lateness == 240)
        } else {
            Issue.record("expected a reminder")
        }
    }

    @Test func olderThanTheWindowIsRecordedMissedNotSent() {
        var driver = Driver(SmallPlan.planner(), installed: at("2026-07-31 12:00"))
        driver.run(from: at("2026-07-31 12:00"), until: at("2026-08-01 00:00"))
        driver.wake(at: at("2026-08-12 10:00"))
        #expect(
            driver.log == [
                "2026-08-03 09:00 missed materials@2026-08-10/-5wd/journal/ outside-catch-up-window",
                "2026-08-03 09:00 missed materials@2026-08-10/-5wd/mail/whjc outside-catch-up-window",
                "2026-08-03 09:00 missed materials@2026-08-10/-5wd/mail/wmb outside-catch-up-window",
                "2026-08-06 09:00 remind materials@2026-08-10/escalate/journal/ late",
                "2026-08-06 09:00 remind materials@2026-08-10/escalate/mail/lead late",
                "2026-08-12 09:00 remind materials@2026-08-10/overdue-2026-08-12/journal/ late",
                "2026-08-12 09:00 remind materials@2026-08-10/overdue-2026-08-12/mail/lead late",
                "2026-08-12 09:00 remind materials@2026-08-10/overdue-2026-08-12/mail/whjc late",
                "2026-08-12 09:00 remind materials@2026-08-10/overdue-2026-08-12/mail/wmb late",
            ])
    }

    @Test func pendingOverdueRepeatsCollapseToTheNewest() {
        var driver = Driver(SmallPlan.planner(), installed: at("2026-08-01 00:00"))
        driver.wake(at: at("2026-08-17 10:00"))
        let overdue = driver.log.filter { $0.contains("overdue") }
        #expect(
            overdue == [
                "2026-08-12 09:00 missed materials@2026-08-10/overdue-2026-08-12/journal/ superseded",
                "2026-08-12 09:00 missed materials@2026-08-10/overdue-2026-08-12/mail/lead superseded",
                "2026-08-12 09:00 missed materials@2026-08-10/overdue-2026-08-12/mail/whjc superseded",
                "2026-08-12 09:00 missed materials@2026-08-10/overdue-2026-08-12/mail/wmb superseded",
                "2026-08-14 09:00 missed materials@2026-08-10/overdue-2026-08-14/journal/ superseded",
                "2026-08-14 09:00 missed materials@2026-08-10/overdue-2026-08-14/mail/lead superseded",
                "2026-08-14 09:00 missed materials@2026-08-10/overdue-2026-08-14/mail/whjc superseded",
                "2026-08-14 09:00 missed materials@2026-08-10/overdue-2026-08-14/mail/wmb superseded",
                "2026-08-17 09:00 remind materials@2026-08-10/overdue-2026-08-17/journal/ late",
                "2026-08-17 09:00 remind materials@2026-08-10/overdue-2026-08-17/mail/lead late",
                "2026-08-17 09:00 remind materials@2026-08-10/overdue-2026-08-17/mail/whjc late",
                "2026-08-17 09:00 remind materials@2026-08-10/overdue-2026-08-17/mail/wmb late",
            ])
        #expect(
            driver.log.filter { !$0.contains("overdue") } == [
                "2026-08-03 09:00 missed materials@2026-08-10/-5wd/journal/ outside-catch-up-window",
                "2026-08-03 09:00 missed materials@2026-08-10/-5wd/mail/whjc outside-catch-up-window",
                "2026-08-03 09:00 missed materials@2026-08-10/-5wd/mail/wmb outside-catch-up-window",
                "2026-08-06 09:00 missed materials@2026-08-10/escalate/journal/ outside-catch-up-window",
                "2026-08-06 09:00 missed materials@2026-08-10/escalate/mail/lead outside-catch-up-window",
            ])
    }

    @Test func ignoreBeforeSkipsHistoryOfANewInstallation() {
        let state = PlannerState(ignoreBefore: at("2026-08-05 00:00"))
        let decision = SmallPlan.planner().decide(state: state, now: at("2026-08-06 09:00"))
        #expect(decision.actions.map(describe) == [
            "2026-08-06 09:00 remind materials@2026-08-10/escalate/journal/",
            "2026-08-06 09:00 remind materials@2026-08-10/escalate/mail/lead",
        ])
        #expect(decision.nextWakeup == at("2026-08-12 09:00"))
    }
}

@Suite struct ClockJumpTests {
    @Test func jumpBackADayAndForwardAgainSendsNoDuplicates() {
        var driver = Driver(SmallPlan.planner(), installed: at("2026-04-20 00:00"))
        var next = driver.run(from: at("2026-04-20 00:00"), until: at("2026-04-28 09:00"))
        #expect(next == at("2026-04-30 09:00"))
        // The wall clock is set back a day: the service wakes (clock change) and plans again.
        next = driver.wake(at: at("2026-04-27 09:30"))
        #expect(next == at("2026-04-30 09:00"))
        next = driver.wake(at: at("2026-04-28 09:00"))
        #expect(next == at("2026-04-30 09:00"))
        // Then forward by a day past the next reminder: it is caught up, once.
        next = driver.wake(at: at("2026-04-30 12:00"))
        next = driver.wake(at: at("2026-04-29 12:00"))
        driver.run(from: at("2026-04-30 12:00"), until: at("2026-05-31 00:00"))
        #expect(
            driver.log == [
                "2026-04-28 09:00 remind labour-day@2026-05-01/-3wd/journal/",
                "2026-04-28 09:00 remind labour-day@2026-05-01/-3wd/mail/wmb",
                "2026-04-30 09:00 remind labour-day@2026-05-01/-1d/journal/ late",
                "2026-04-30 09:00 remind labour-day@2026-05-01/-1d/mail/wmb late",
            ])
        #expect(!driver.log.contains { $0.contains("DUPLICATE") })
    }

    @Test func jumpForwardADaySkippingAWakeupCatchesUpOnce() {
        var driver = Driver(SmallPlan.planner(), installed: at("2026-08-02 08:00"))
        driver.run(from: at("2026-08-02 08:00"), until: at("2026-08-02 23:00"))
        driver.wake(at: at("2026-08-04 08:00"))
        driver.wake(at: at("2026-08-03 08:00"))
        driver.run(from: at("2026-08-04 08:00"), until: at("2026-08-06 09:00"))
        #expect(
            driver.log == [
                "2026-08-03 09:00 remind materials@2026-08-10/-5wd/journal/ late",
                "2026-08-03 09:00 remind materials@2026-08-10/-5wd/mail/whjc late",
                "2026-08-03 09:00 remind materials@2026-08-10/-5wd/mail/wmb late",
                "2026-08-06 09:00 remind materials@2026-08-10/escalate/journal/",
                "2026-08-06 09:00 remind materials@2026-08-10/escalate/mail/lead",
            ])
    }
}

@Suite struct WorkingDayTests {
    let calendar = FakeWorkingDays.china2026

    @Test func workingDayLeadAcrossTiaoxiuWeekend() {
        // 2026-09-20 is a Sunday worked in exchange for 国庆: it counts as a working day.
        #expect(calendar.workingDay(offset: -1, from: d("2026-09-21")) == d("2026-09-20"))
        #expect(calendar.workingDay(offset: -2, from: d("2026-09-21")) == d("2026-09-18"))
        // Ten working days before 10-12 (Mon): 10-10 (Sat, worked), 10-09 ... 10-08, then 09-30 ... 09-28, 09-20 ...
        // Ten working days before 10-12 (Mon): 10-10 (Sat, worked), 10-09, 10-08, 09-30, 09-29,
        // 09-28, then 09-24 (09-25..27 are 中秋), 09-23, 09-22, 09-21.
        #expect(calendar.workingDay(offset: -10, from: d("2026-10-12")) == d("2026-09-21"))
        // 春节: 02-14 (Sat) is worked, 02-15..23 are off.
        #expect(calendar.workingDay(offset: -1, from: d("2026-02-24")) == d("2026-02-14"))
        #expect(calendar.workingDay(offset: 1, from: d("2026-02-13")) == d("2026-02-14"))
        #expect(calendar.workingDay(offset: 2, from: d("2026-02-13")) == d("2026-02-24"))
    }

    @Test func workingDayLeadReminderAcrossTiaoxiu() {
        let occurrence = ScheduledOccurrence(
            itemID: "after-national-day", kind: "deadline", title: "国庆后材料", owners: ["wmb"], start: d("2026-10-12"),
            policy: ReminderRules(leads: [Lead(amount: -1, unit: .workingDays), Lead(amount: -4, unit: .workingDays)], channels: [.journal]))
        let planner = ReminderPlanner(
            occurrences: [occurrence], workingDays: calendar, configuration: PlannerConfiguration(timeZone: shanghai))
        var driver = Driver(planner, installed: at("2026-09-01 00:00"))
        driver.run(from: at("2026-09-01 00:00"), until: at("2026-10-31 00:00"))
        #expect(
            driver.log == [
                "2026-09-30 09:00 remind after-national-day@2026-10-12/-4wd/journal/",
                "2026-10-10 09:00 remind after-national-day@2026-10-12/-1wd/journal/",
            ])
    }

    @Test(arguments: [
        (DayOffPolicy.previousWorkingDay, "2026-09-24"), (.nextWorkingDay, "2026-09-28"), (.keep, "2026-09-25"),
    ])
    func reminderOnADayOffMoves(policy: DayOffPolicy, expected: String) {
        let occurrence = ScheduledOccurrence(
            itemID: "mid-autumn", kind: "festival", title: "中秋节", owners: ["wmb"], start: d("2026-09-25"),
            policy: ReminderRules(leads: [Lead(amount: 0, unit: .days)], dayOff: policy, channels: [.journal]))
        let planner = ReminderPlanner(
            occurrences: [occurrence], workingDays: calendar, configuration: PlannerConfiguration(timeZone: shanghai))
        let decision = planner.decide(state: PlannerState(), now: at("2026-09-01 00:00"))
        #expect(decision.actions.isEmpty)
        #expect(decision.nextWakeup.map(show) == "\(expected) 09:00")
    }

    @Test func calendarDayLeadOnAHolidayMovesToMakeupSaturday() {
        // spring-volunteers -1d is 02-23 (春节 holiday): the previous working day is 02-14, a worked Saturday.
        let decision = SmallPlan.planner().decide(state: PlannerState(), now: at("2026-02-13 12:00"))
        #expect(decision.nextWakeup == at("2026-02-14 09:00"))
    }

    @Test func brokenCalendarIsAProblemNotAHang() {
        struct NeverWorking: WorkingDays { func isWorkingDay(_ date: CivilDate) -> Bool { false } }
        let occurrence = ScheduledOccurrence(
            itemID: "x", kind: "deadline", title: "x", owners: ["wmb"], start: d("2026-05-01"),
            policy: ReminderRules(leads: [Lead(amount: -2, unit: .workingDays)]))
        let planner = ReminderPlanner(
            occurrences: [occurrence], workingDays: NeverWorking(), configuration: PlannerConfiguration(timeZone: shanghai))
        #expect(planner.problems.map(\.code) == [.noWorkingDay])
        #expect(planner.decide(state: PlannerState(), now: at("2026-01-01 00:00")) == Decision(actions: [], nextWakeup: nil))
    }
}

@Suite struct EscalationTests {
    let materials = OccurrenceID(itemID: "materials", date: d("2026-08-10"))

    @Test func acknowledgementStopsEscalationAndOverdueButNotLeads() {
        var driver = Driver(SmallPlan.planner(), state: PlannerState(acknowledged: [materials]), installed: at("2026-08-01 00:00"))
        driver.run(from: at("2026-08-01 00:00"), until: at("2026-09-01 00:00"))
        #expect(
            driver.log == [
                "2026-08-03 09:00 remind materials@2026-08-10/-5wd/journal/",
                "2026-08-03 09:00 remind materials@2026-08-10/-5wd/mail/whjc",
                "2026-08-03 09:00 remind materials@2026-08-10/-5wd/mail/wmb",
            ])
    }

    @Test func acknowledgementAfterTheFirstRepeatStopsTheRest() {
        var driver = Driver(SmallPlan.planner(), installed: at("2026-08-11 00:00"))
        let next = driver.run(from: at("2026-08-11 00:00"), until: at("2026-08-12 09:00"))
        #expect(next == at("2026-08-14 09:00"))
        #expect(driver.log.count == 4)
        driver.state.acknowledged.insert(materials)
        #expect(driver.planner.decide(state: driver.state, now: at("2026-08-12 15:00")) == Decision(actions: [], nextWakeup: at("2026-09-07 09:00")))
    }

    @Test func doneStopsEverything() {
        let decision = SmallPlan.planner().decide(state: PlannerState(done: [materials]), now: at("2026-08-01 00:00"))
        #expect(decision.nextWakeup == at("2026-09-07 09:00"))
    }

    @Test func noLeadersNoEscalation() {
        var occurrence = SmallPlan.occurrences[2]
        occurrence.leaders = []
        let planner = ReminderPlanner(
            occurrences: [occurrence], workingDays: FakeWorkingDays.china2026,
            configuration: PlannerConfiguration(timeZone: shanghai))
        var driver = Driver(planner, installed: at("2026-08-04 00:00"))
        driver.run(from: at("2026-08-04 00:00"), until: at("2026-08-12 09:00"))
        #expect(
            driver.log == [
                "2026-08-12 09:00 remind materials@2026-08-10/overdue-2026-08-12/journal/",
                "2026-08-12 09:00 remind materials@2026-08-10/overdue-2026-08-12/mail/whjc",
                "2026-08-12 09:00 remind materials@2026-08-10/overdue-2026-08-12/mail/wmb",
            ])
    }

    @Test func dailyRepeatsOverAWeekendLandOnceOnMonday() {
        let occurrence = ScheduledOccurrence(
            itemID: "report", kind: "deadline", title: "周报", owners: ["wmb"], start: d("2026-06-04"),
            policy: ReminderRules(leads: [], overdue: OverdueRepeat(every: Lead(amount: 1, unit: .days), limit: 4), channels: [.journal]))
        let planner = ReminderPlanner(
            occurrences: [occurrence], workingDays: FakeWorkingDays.china2026,
            configuration: PlannerConfiguration(timeZone: shanghai))
        var driver = Driver(planner, installed: at("2026-06-01 00:00"))
        driver.run(from: at("2026-06-01 00:00"), until: at("2026-07-01 00:00"))
        #expect(
            driver.log == [
                "2026-06-05 09:00 remind report@2026-06-04/overdue-2026-06-05/journal/",
                "2026-06-08 09:00 remind report@2026-06-04/overdue-2026-06-08/journal/",
                "2026-06-09 09:00 remind report@2026-06-04/overdue-2026-06-09/journal/",
                "2026-06-10 09:00 remind report@2026-06-04/overdue-2026-06-10/journal/",
            ])
    }

    @Test func snoozedRemindersComeWhenTheSnoozeEndsNotLate() {
        let labour = OccurrenceID(itemID: "labour-day", date: d("2026-05-01"))
        var driver = Driver(SmallPlan.planner(), state: PlannerState(snoozedUntil: [labour: at("2026-04-30 15:00")]), installed: at("2026-04-20 00:00"))
        driver.run(from: at("2026-04-20 00:00"), until: at("2026-05-31 00:00"))
        #expect(
            driver.log == [
                "2026-04-30 15:00 remind labour-day@2026-05-01/-1d/journal/",
                "2026-04-30 15:00 remind labour-day@2026-05-01/-1d/mail/wmb",
                "2026-04-30 15:00 remind labour-day@2026-05-01/-3wd/journal/",
                "2026-04-30 15:00 remind labour-day@2026-05-01/-3wd/mail/wmb",
            ])
    }
}

@Suite struct DigestTests {
    func planner() -> ReminderPlanner {
        SmallPlan.planner(PlannerConfiguration(timeZone: shanghai, digest: DigestPolicy(time: TimeOfDay(hour: 17, minute: 30) ?? .nine)))
    }

    @Test func oneDigestPerUnitPerDayListingItsItems() {
        var driver = Driver(planner(), installed: at("2026-08-01 00:00"))
        driver.run(from: at("2026-08-01 00:00"), until: at("2026-08-12 23:00"))
        let digests = driver.log.filter { $0.contains(" digest ") }
        #expect(
            digests == [
                "2026-08-03 17:30 digest *@2026-08-03/digest/mail/whjc materials@2026-08-10[-5wd]",
                "2026-08-03 17:30 digest *@2026-08-03/digest/mail/wmb materials@2026-08-10[-5wd]",
                "2026-08-06 17:30 digest *@2026-08-06/digest/mail/lead materials@2026-08-10[escalate]",
                "2026-08-12 17:30 digest *@2026-08-12/digest/mail/lead materials@2026-08-10[overdue-2026-08-12]",
                "2026-08-12 17:30 digest *@2026-08-12/digest/mail/whjc materials@2026-08-10[overdue-2026-08-12]",
                "2026-08-12 17:30 digest *@2026-08-12/digest/mail/wmb materials@2026-08-10[overdue-2026-08-12]",
            ])
    }

    @Test func digestListsSeveralItemsOfOneDay() {
        let occurrences = [
            ScheduledOccurrence(itemID: "b", kind: "festival", title: "B", owners: ["wmb"], start: d("2026-03-11")),
            ScheduledOccurrence(itemID: "a", kind: "festival", title: "A", owners: ["wmb", "whjc"], start: d("2026-03-11"),
                policy: ReminderRules(leads: [Lead(amount: -1, unit: .days), Lead(amount: -1, unit: .workingDays)])),
        ]
        let planner = ReminderPlanner(
            occurrences: occurrences, workingDays: FakeWorkingDays.china2026,
            configuration: PlannerConfiguration(timeZone: shanghai, digest: DigestPolicy()))
        let decision = planner.decide(state: PlannerState(), now: at("2026-03-10 09:00"))
        #expect(decision.actions.filter { if case .digest = $0 { true } else { false } }.map(describe) == [
            "2026-03-10 09:00 digest *@2026-03-10/digest/mail/whjc a@2026-03-11[-1d]",
            "2026-03-10 09:00 digest *@2026-03-10/digest/mail/wmb a@2026-03-11[-1d] b@2026-03-11[-1d]",
        ])
    }

    @Test func digestsMissedDuringDowntimeCollapseToTheNewest() {
        var driver = Driver(planner(), installed: at("2026-08-01 00:00"))
        driver.wake(at: at("2026-08-12 18:00"))
        let digests = driver.log.filter { $0.contains("/digest/") }
        #expect(
            digests == [
                "2026-08-03 17:30 missed *@2026-08-03/digest/mail/whjc outside-catch-up-window",
                "2026-08-03 17:30 missed *@2026-08-03/digest/mail/wmb outside-catch-up-window",
                "2026-08-06 17:30 missed *@2026-08-06/digest/mail/lead superseded",
                "2026-08-12 17:30 digest *@2026-08-12/digest/mail/lead materials@2026-08-10[overdue-2026-08-12] late",
                "2026-08-12 17:30 digest *@2026-08-12/digest/mail/whjc materials@2026-08-10[overdue-2026-08-12] late",
                "2026-08-12 17:30 digest *@2026-08-12/digest/mail/wmb materials@2026-08-10[overdue-2026-08-12] late",
            ])
    }
}

@Suite struct ValueTests {
    @Test func escalationAndRepeatIntervals() {
        #expect(Escalation(workingDaysBefore: 3).at == Lead(amount: -3, unit: .workingDays))
        #expect(OverdueRepeat(every: Lead(amount: 0, unit: .days)).every == Lead(amount: 1, unit: .days))
    }

    @Test func occurrenceIDs() {
        #expect(OccurrenceID("flag-salute@2026-09-20") == OccurrenceID(itemID: "flag-salute", date: d("2026-09-20")))
        #expect(OccurrenceID("a@b@2026-09-20")?.itemID == "a@b")
        #expect(OccurrenceID("@2026-09-20") == nil)
        #expect(OccurrenceID("x@2026-02-30") == nil)
    }

    @Test func zonedTimeUsesTheGivenZoneOnly() throws {
        #expect(at("2026-05-01 09:00").timeIntervalSince1970 == 1_777_597_200)  // 2026-05-01T01:00:00Z
        #expect(ZonedTime.civilDate(of: Date(timeIntervalSince1970: 1_777_564_800), in: shanghai) == d("2026-05-01"))
        #expect(ZonedTime.civilDate(of: Date(timeIntervalSince1970: 1_777_564_799), in: shanghai) == d("2026-04-30"))
        let berlin = try #require(TimeZone(identifier: "Europe/Berlin"))
        // 02:30 does not exist on 2026-03-29 in Berlin: the clock shows 03:30 CEST (01:30Z).
        #expect(ZonedTime.instant(of: d("2026-03-29"), at: TimeOfDay(String("02:30")) ?? .nine, in: berlin).timeIntervalSince1970 == 1_774_747_800)
        // 02:30 happens twice on 2026-10-25: the earlier one (00:30Z, CEST).
        #expect(ZonedTime.instant(of: d("2026-10-25"), at: TimeOfDay(String("02:30")) ?? .nine, in: berlin).timeIntervalSince1970 == 1_792_888_200)
    }
}

@Suite struct IntervalUnitTests {
    @Test func escalationAfterTheDeadlineAndWorkingDayRepeats() {
        let occurrence = ScheduledOccurrence(
            itemID: "materials", kind: "deadline", title: "材料上报", owners: ["wmb"], leaders: ["wmb.leader"],
            start: d("2026-09-23"),
            policy: ReminderRules(
                leads: [Lead(amount: -1, unit: .weeks)], overdue: OverdueRepeat(every: Lead(amount: 2, unit: .workingDays), limit: 3),
                escalation: Escalation(at: Lead(amount: 3, unit: .days)), channels: [.journal]))
        let planner = ReminderPlanner(
            occurrences: [occurrence], workingDays: FakeWorkingDays.china2026,
            configuration: PlannerConfiguration(timeZone: shanghai, deliveryTime: TimeOfDay(hour: 8, minute: 30)))
        var driver = Driver(planner, installed: at("2026-09-01 00:00"))
        driver.run(from: at("2026-09-01 00:00"), until: at("2026-12-31 00:00"))
        // -1w: 09-16. +3d: 09-26 is 中秋, so the previous working day 09-24. Every 2 working days
        // after 09-23: 09-25..27 and 10-01..07 are off, 09-28, 09-30, then 10-09 (10-08, 10-09).
        #expect(
            driver.log == [
                "2026-09-16 08:30 remind materials@2026-09-23/-1w/journal/",
                "2026-09-24 08:30 remind materials@2026-09-23/escalate/journal/",
                "2026-09-28 08:30 remind materials@2026-09-23/overdue-2026-09-28/journal/",
                "2026-09-30 08:30 remind materials@2026-09-23/overdue-2026-09-30/journal/",
                "2026-10-09 08:30 remind materials@2026-09-23/overdue-2026-10-09/journal/",
            ])
    }
}
