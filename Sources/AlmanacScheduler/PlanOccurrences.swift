import AlmanacCalendar
import AlmanacPlan
import Foundation

/// Why an item of the plan yields no occurrences for the planner.
public struct PlanExpansionProblem: Hashable, Sendable, CustomStringConvertible {
    /// The item (or `item/phase`).
    public var itemID: String
    /// The rule text as written.
    public var rule: String
    /// Why: the rule's parse error.
    public var message: String

    public var description: String { "\(itemID): cannot expand '\(rule)': \(message)" }
}

/// The planner's input from a plan: every item's date rule expanded over a range of days with
/// the real `DateRule`, the reminder policy in force for each item mapped to ``ReminderRules``,
/// leaders taken from the owner units, and the mail addresses of every recipient.
public struct PlanOccurrences: Sendable {
    /// Occurrences that overlap the range, ordered by start, then item id.
    public var occurrences: [ScheduledOccurrence]
    /// Mail addresses per recipient id: unit ids, and `UNIT.leader` for a unit's leader.
    public var addresses: [String: [String]]
    /// Items whose rule could not be expanded (left out).
    public var problems: [PlanExpansionProblem]

    /// The recipient id of a unit's leader.
    public static func leaderID(of unit: String) -> String { "\(unit).leader" }

    /// Expands `plan` over `range`. Each calendar year in the range uses the plan as resolved for
    /// that year (its overrides applied). Items with phases yield one occurrence series per phase,
    /// with the id `item/phase`.
    public static func expand(_ plan: Plan, in range: ClosedRange<CivilDate>, context: RuleContext = RuleContext())
        -> PlanOccurrences
    {
        var addresses: [String: [String]] = [:]
        var leaderOf: [String: String] = [:]
        for unit in plan.units {
            let id = unit.id.value
            addresses[id] = unit.mail.map(\.value)
            if let leader = unit.leader {
                leaderOf[id] = leaderID(of: id)
                addresses[leaderID(of: id)] = leader.mail.map { [$0.value] } ?? []
            }
        }
        var result: [ScheduledOccurrence] = []
        var seen: Set<OccurrenceID> = []
        var problems: [PlanExpansionProblem] = []
        var reported: Set<String> = []
        for year in range.lowerBound.year...range.upperBound.year {
            guard let first = CivilDate(year: year, month: 1, day: 1), let last = CivilDate(year: year, month: 12, day: 31)
            else { continue }
            let chunk = max(first, range.lowerBound)...min(last, range.upperBound)
            let resolved = plan.resolved(for: year).plan
            for item in resolved.items {
                let rules = Self.rules(for: resolved.reminderPolicy(for: item))
                var series: [(id: String, title: String, rule: String, time: ClockTime?, owners: [String])] = []
                if let when = item.when?.value {
                    series.append((item.id.value, item.title.value, when, item.time?.value, item.owners.map(\.value)))
                }
                for phase in item.phases {
                    let owners = phase.owners.isEmpty ? item.owners.map(\.value) : phase.owners.map(\.value)
                    series.append(
                        ("\(item.id.value)/\(phase.id.value)", "\(item.title.value)：\(phase.title.value)", phase.when.value,
                         phase.time?.value ?? item.time?.value, owners))
                }
                for entry in series {
                    let rule: DateRule
                    do {
                        rule = try DateRule.parse(entry.rule)
                    } catch {
                        if reported.insert(entry.id).inserted {
                            problems.append(PlanExpansionProblem(itemID: entry.id, rule: entry.rule, message: error.message))
                        }
                        continue
                    }
                    let title = item.edition?.label(in: year).map { "\($0)\(entry.title)" } ?? entry.title
                    for occurrence in rule.occurrences(in: chunk, context: context) {
                        // A window overlapping two years comes out of both years' expansions.
                        let id = OccurrenceID(itemID: entry.id, date: occurrence.start)
                        guard seen.insert(id).inserted else { continue }
                        let time = entry.time ?? occurrence.time.flatMap { ClockTime(hour: $0.hour, minute: $0.minute) }
                        result.append(
                            ScheduledOccurrence(
                                itemID: entry.id, kind: item.kind.value.rawValue, title: title, owners: entry.owners,
                                leaders: entry.owners.compactMap { leaderOf[$0] }, start: occurrence.start,
                                end: occurrence.end, time: time, policy: rules, englishTitle: item.titleEnglish?.value,
                                explanation: occurrence.explanation))
                    }
                }
            }
        }
        result.sort { ($0.start, $0.itemID) < ($1.start, $1.itemID) }
        return PlanOccurrences(occurrences: result, addresses: addresses, problems: problems)
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
}
