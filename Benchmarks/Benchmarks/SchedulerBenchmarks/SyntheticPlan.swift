import AlmanacCalendar
import AlmanacPlan
import AlmanacScheduler
import Foundation

/// A synthetic plan of `count` items over one year: 60% one-day items (-5wd, -1d), 25% campaign
/// windows of 5–30 days (-10wd, -1wd, 0d), 15% deadlines (-15wd, -5wd, -1wd, 0d, overdue every
/// working day up to 5 times, escalation to the leaders 2 working days before), owned by 1–3 of
/// 80 units. Deterministic (a fixed linear congruential generator).
enum SyntheticPlan {
    static func occurrences(count: Int, year: Int) -> [ScheduledOccurrence] {
        var seed: UInt64 = 0x9d93_aa60_db01_0860
        func next(_ bound: Int) -> Int {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((seed >> 33) % UInt64(bound))
        }
        let first = CivilDate(year: year, month: 1, day: 1) ?? CivilDate(dayNumber: 0)
        let lead = { (text: String) in Lead(text: text) ?? Lead(amount: -1, unit: .days) }
        var result: [ScheduledOccurrence] = []
        result.reserveCapacity(count)
        for index in 0..<count {
            let start = first.adding(days: next(365))
            let owners = (0...next(3)).map { _ in "unit\(next(80))" }
            let owned = Array(Set(owners)).sorted()
            let roll = next(100)
            if roll < 60 {
                result.append(
                    ScheduledOccurrence(
                        itemID: "item\(index)", kind: "festival", title: "节日 \(index)", owners: owned, start: start,
                        policy: ReminderRules(leads: [lead("-5wd"), lead("-1d")])))
            } else if roll < 85 {
                result.append(
                    ScheduledOccurrence(
                        itemID: "item\(index)", kind: "campaign", title: "活动 \(index)", owners: owned, start: start,
                        end: start.adding(days: 5 + next(26)),
                        policy: ReminderRules(leads: [lead("-10wd"), lead("-1wd"), lead("0d")])))
            } else {
                result.append(
                    ScheduledOccurrence(
                        itemID: "item\(index)", kind: "deadline", title: "材料上报 \(index)", owners: owned,
                        leaders: owned.map { "\($0).leader" }, start: start,
                        policy: ReminderRules(
                            leads: [lead("-15wd"), lead("-5wd"), lead("-1wd"), lead("0d")],
                            overdue: OverdueRepeat(every: lead("1wd"), limit: 5),
                            escalation: Escalation(workingDaysBefore: 2))))
            }
        }
        return result
    }
}
