import AlmanacCalendar
import AlmanacPlan
import Foundation
import Testing

@testable import AlmanacScheduler

/// `ReminderPlanner.upcoming`: what `almanacctl next` and status.json list.
@Suite struct UpcomingTests {
    static func describe(_ upcoming: [UpcomingDelivery]) -> [String] {
        upcoming.map { "\(show($0.due)) remind \($0.key)" }
    }

    /// At every wake-up of the year, the next four listed are exactly the next four sent.
    @Test func theListedDeliveriesAreTheOnesSentNext() {
        var driver = Driver(SmallPlan.planner(), installed: at("2026-01-01 00:00"))
        var now = at("2026-01-01 00:00")
        var checked = 0
        while true {
            let next = driver.wake(at: now)
            let listed = Self.describe(driver.planner.upcoming(state: driver.state, now: now, limit: 4))
            let sentLater = SmallPlan.year.filter { String($0.prefix(16)) > show(now) }
            #expect(listed == Array(sentLater.prefix(4)), "at \(show(now))")
            checked += 1
            guard let next else { break }
            now = next
        }
        #expect(checked == 1 + Set(SmallPlan.year.map { $0.prefix(16) }).count)
        #expect(driver.log == SmallPlan.year)
    }

    @Test func fieldsOfAnUpcomingDelivery() throws {
        let planner = SmallPlan.planner()
        let first = try #require(
            planner.upcoming(state: PlannerState(), now: at("2026-08-04 00:00"), limit: 2).last)
        #expect(first.key == DeliveryID(occurrenceID: "materials@2026-08-10", reminderID: "escalate", channel: "mail", recipient: "lead"))
        #expect(first.kind == .escalation)
        #expect(first.channel == .mail)
        #expect(first.recipients == ["lead"])
        #expect(first.audience == .leaders)
        #expect(first.day == d("2026-08-06"))
        #expect(first.due == at("2026-08-06 09:00"))
        #expect(first.occurrence.itemID == "materials")
    }

    @Test func doneSnoozedAndIgnoredDeliveriesAreLeftOutOrMoved() {
        let planner = SmallPlan.planner()
        var state = PlannerState(done: [OccurrenceID(itemID: "labour-day", date: d("2026-05-01"))])
        state.snoozedUntil[OccurrenceID(itemID: "spring-volunteers", date: d("2026-02-24"))] = at("2026-02-16 10:00")
        #expect(Self.describe(planner.upcoming(state: state, now: at("2026-02-01 00:00"), limit: 6)) == [
            "2026-02-16 10:00 remind spring-volunteers@2026-02-24/-1d/journal/",
            "2026-02-16 10:00 remind spring-volunteers@2026-02-24/-1d/mail/wmb",
            "2026-02-16 10:00 remind spring-volunteers@2026-02-24/-2wd/journal/",
            "2026-02-16 10:00 remind spring-volunteers@2026-02-24/-2wd/mail/wmb",
            "2026-08-03 09:00 remind materials@2026-08-10/-5wd/journal/",
            "2026-08-03 09:00 remind materials@2026-08-10/-5wd/mail/whjc",
        ])
        // Installed after the year: nothing before it is listed.
        #expect(planner.upcoming(state: PlannerState(ignoreBefore: at("2027-01-01 00:00")), now: at("2026-02-01 00:00"), limit: 5).isEmpty)
        #expect(planner.upcoming(state: PlannerState(), now: at("2026-02-01 00:00"), limit: 0).isEmpty)
    }
}
