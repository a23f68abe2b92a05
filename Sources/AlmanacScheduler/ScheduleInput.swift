import AlmanacCalendar
import AlmanacPlan
import Foundation

/// The planner's view of the plan's one expansion: each occurrence with the reminder rules of its
/// item, its owners and their leaders; and the mail addresses of every recipient.
public struct ScheduleInput: Sendable {
    /// The occurrences, in the expansion's order.
    public var occurrences: [ScheduledOccurrence]
    /// Mail addresses per recipient id: unit ids, and `UNIT.leader` for a unit's leader.
    public var addresses: [String: [String]]

    /// The recipient id of a unit's leader.
    public static func leaderID(of unit: String) -> String { "\(unit).leader" }

    /// The planner's input for `expanded`, the expansion of `plan`. Strings are shared by every
    /// occurrence of a series (titles are formatted once per series).
    public init(_ expanded: PlanOccurrences, plan: Plan) {
        var addresses: [String: [String]] = [:]
        var leaderOf: [String: String] = [:]
        for unit in plan.units {
            let id = unit.id.value
            addresses[id] = unit.mail.map(\.value)
            if let leader = unit.leader {
                leaderOf[id] = Self.leaderID(of: id)
                addresses[Self.leaderID(of: id)] = leader.mail.map { [$0.value] } ?? []
            }
        }
        var englishTitles: [String: String] = [:]
        for item in plan.items { if let english = item.titleEnglish?.value { englishTitles[item.id.value] = english } }
        // Equal rules and equal leader lists are kept once (most items share their kind's
        // defaults and a few units): one array per distinct value, not one per series.
        var rulesKept: [ReminderRules: ReminderRules] = [:]
        var leadersKept: [[String]: [String]] = [:]
        let templates = expanded.series.map { series in
            let rules = Self.rules(for: series.policy)
            let leaders = series.owners.compactMap { leaderOf[$0] }
            let keptRules = rulesKept[rules] ?? rules
            rulesKept[rules] = keptRules
            let keptLeaders = leadersKept[leaders] ?? leaders
            leadersKept[leaders] = keptLeaders
            return ScheduledOccurrence(
                itemID: series.key, kind: series.kind.rawValue, title: series.displayTitle, owners: series.owners,
                leaders: keptLeaders, start: CivilDate(dayNumber: 0), policy: keptRules,
                englishTitle: englishTitles[series.itemID])
        }
        occurrences = expanded.occurrences.map { o in
            var occurrence = templates[o.series]
            occurrence.start = o.start
            occurrence.end = o.end
            occurrence.time = o.time
            occurrence.timeInID = o.timeInID
            return occurrence
        }
        self.addresses = addresses
    }

    /// The planner's rules for a plan's reminder policy: leads as given, the policy's time (or the
    /// configuration's), repeats while overdue at the policy's interval, escalation to the leaders
    /// the policy's `escalate_after` past the last day; days off move to the previous working day.
    public static func rules(for policy: ReminderPolicy) -> ReminderRules {
        ReminderRules(
            leads: policy.leads.map(\.value), deliveryTime: policy.time?.value,
            overdue: policy.repeatWhileOverdue.map { OverdueRepeat(every: $0.value) },
            escalation: policy.escalateAfter.map { Escalation(at: Lead(amount: abs($0.value.amount), unit: $0.value.unit)) })
    }

    /// The days reminders of an occurrence go out under `policy` (the planner's rule: working-day
    /// leads counted strictly before the first day, calendar-day leads moved off days off), with
    /// the reason in words, for `show` and `explain`.
    public static func reminderDays(
        start: CivilDate, policy: ReminderPolicy, work: any WorkingDays
    ) -> [(date: CivilDate, lead: Lead, reason: String)] {
        let rules = rules(for: policy)
        return policy.leads.compactMap { located -> (CivilDate, Lead, String)? in
            let lead = located.value
            guard let date = ReminderPlanner.day(of: lead, from: start, policy: rules.dayOff, work) else { return nil }
            let n = abs(lead.amount)
            let direction = lead.amount < 0 ? "before" : "after"
            var reason: String
            switch lead.unit {
            case _ where lead.amount == 0: reason = "on the day"
            case .days: reason = "\(n) day\(n == 1 ? "" : "s") \(direction) \(start)"
            case .weeks: reason = "\(n) week\(n == 1 ? "" : "s") \(direction) \(start)"
            case .workingDays:
                reason = "\(n) working day\(n == 1 ? "" : "s") \(direction) \(start) (weekends, holidays and 调休 counted)"
            }
            if lead.unit != .workingDays, date != start.adding(days: lead.unit == .weeks ? 7 * lead.amount : lead.amount) {
                reason += ", moved off a day off to \(date)"
            }
            return (date, lead, reason)
        }.sorted { $0.0 < $1.0 }
    }
}
