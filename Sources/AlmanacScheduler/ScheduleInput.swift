import AlmanacCalendar
import AlmanacPlan
import Foundation

/// The occurrences the planner schedules: the plan's expansion itself (its array of 16-byte
/// ``PlanOccurrence`` values, shared with the plan in force, not copied) read through one template
/// per series. An element is put together when it is read: the series' template with the
/// occurrence's dates and time. Nothing is stored per occurrence beyond the expansion's value.
public struct ScheduledOccurrences: RandomAccessCollection, Sendable {
    /// The occurrences: each names its template by its series index.
    let rows: [PlanOccurrence]
    /// One occurrence per series, with its dates left to the rows.
    let templates: [ScheduledOccurrence]

    /// Occurrences over `templates`, one series each (`rows[i].series` indexes `templates`).
    public init(rows: [PlanOccurrence], templates: [ScheduledOccurrence]) {
        self.rows = rows
        self.templates = templates
    }

    /// These occurrences, each its own series (tests and benchmarks build them by hand).
    public init(_ occurrences: [ScheduledOccurrence]) {
        templates = occurrences
        rows = occurrences.indices.map { index in
            let o = occurrences[index]
            return PlanOccurrence(series: index, start: o.start, end: o.end, time: o.time, timeInID: o.timeInID)
        }
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { rows.count }

    public subscript(position: Int) -> ScheduledOccurrence {
        let row = rows[position]
        var occurrence = templates[row.series]
        occurrence.start = row.start
        occurrence.end = row.end
        occurrence.time = row.time
        occurrence.timeInID = row.timeInID
        return occurrence
    }

    /// The series' facts of occurrence `position` (its dates are the template's, not the occurrence's).
    func template(of position: Int) -> ScheduledOccurrence { templates[rows[position].series] }

    /// The first day of occurrence `position`.
    public func start(of position: Int) -> CivilDate { rows[position].start }

    /// The last day of occurrence `position`.
    public func end(of position: Int) -> CivilDate { rows[position].end }

    /// Days of the longest occurrence from its first day to its last (0 when all are one day).
    public var longestWindow: Int { rows.lazy.map(\.length).max() ?? 0 }

    /// The position of the first occurrence starting on or after `day` (the occurrences are in
    /// the expansion's order, by first day).
    public func firstStarting(onOrAfter day: CivilDate) -> Int { rows.partitioningIndex { $0.start >= day } }

    /// The id of occurrence `position` (``ScheduledOccurrence/id``), without putting the occurrence together.
    public func id(of position: Int) -> OccurrenceID {
        let row = rows[position]
        return OccurrenceID(itemID: templates[row.series].itemID, date: row.start, time: row.timeInID ? row.time : nil)
    }
}

/// The planner's view of the plan's one expansion: each occurrence with the reminder rules of its
/// item, its owners and their leaders; and the mail addresses of every recipient.
public struct ScheduleInput: Sendable {
    /// The occurrences, in the expansion's order: the expansion's own array, not a copy.
    public var occurrences: ScheduledOccurrences
    /// Mail addresses per recipient id: unit ids, and `UNIT.leader` for a unit's leader.
    public var addresses: [String: [String]]

    /// The recipient id of a unit's leader.
    public static func leaderID(of unit: String) -> String { "\(unit).leader" }

    /// The planner's input for `expanded`, the expansion of `plan`: one template per series (its
    /// strings, owners, leaders and rules; titles are formatted once per series) over the
    /// expansion's occurrences, which are shared, not copied.
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
        occurrences = ScheduledOccurrences(rows: expanded.occurrences, templates: templates)
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
