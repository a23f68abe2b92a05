import AlmanacCalendar
import AlmanacPlan
import Foundation

/// How a checklist's units are chased: reminders to each unit with open indicators some working
/// days before its deadline, an escalation to the unit's leader nearer the deadline, then a
/// digest of what is overdue every working day after it.
public struct ChecklistReminderPolicy: Hashable, Sendable {
    /// Working days before the deadline on which each unit with open indicators hears (10, 5, 3, 1).
    public var leads: [Int]
    /// Working days before the deadline on which the leaders of units with open indicators hear;
    /// nil for no escalation.
    public var escalateAt: Int?
    /// Working days after the deadline on which overdue digests go out (every working day up to
    /// this many); 0 for none.
    public var overdueDays: Int
    /// Time of day; nil: the planner configuration's delivery time.
    public var deliveryTime: TimeOfDay?
    /// Channels of every notice.
    public var channels: [Channel]

    public init(
        leads: [Int] = [10, 5, 3, 1], escalateAt: Int? = 2, overdueDays: Int = 20, deliveryTime: TimeOfDay? = nil,
        channels: [Channel] = [.journal, .mail]
    ) {
        self.leads = Array(Set(leads.map { abs($0) }.filter { $0 > 0 })).sorted(by: >)
        self.escalateAt = escalateAt.map { abs($0) }
        self.overdueDays = max(0, overdueDays)
        self.deliveryTime = deliveryTime
        self.channels = channels
    }
}

/// One leaf indicator with its due day resolved.
public struct DueIndicator: Hashable, Sendable {
    public var code: String
    public var title: String
    public var owner: String
    public var due: CivilDate

    public init(code: String, title: String, owner: String, due: CivilDate) {
        self.code = code
        self.title = title
        self.owner = owner
        self.due = due
    }
}

/// One occurrence of an item that has a checklist: the checklist's leaves, each with its due day.
public struct ChecklistDeadline: Hashable, Sendable {
    public var checklistID: String
    public var title: String
    /// The item occurrence the checklist is filed for; progress is recorded under its id.
    public var occurrence: OccurrenceID
    public var indicators: [DueIndicator]
    /// Leader recipient per unit (`UNIT.leader`) for the units that have one.
    public var leaders: [String: String]
    /// Leaders of the item's owners: they get the escalation of units without a leader.
    public var officeLeaders: [String]

    public init(
        checklistID: String, title: String, occurrence: OccurrenceID, indicators: [DueIndicator],
        leaders: [String: String] = [:], officeLeaders: [String] = []
    ) {
        self.checklistID = checklistID
        self.title = title
        self.occurrence = occurrence
        self.indicators = indicators
        self.leaders = leaders
        self.officeLeaders = officeLeaders
    }

    /// The deadlines of every checklist of `plan` whose item has an occurrence among `occurrences`:
    /// leaves with a `due` rule of their own take its date in the occurrence's year (the first on or
    /// after 1 January); the others are due on the occurrence's last day. Leaves without an owner
    /// fall to the item's first owner.
    public static func from(
        _ plan: Plan, occurrences: some Sequence<ScheduledOccurrence>, context: RuleContext = RuleContext()
    ) -> [ChecklistDeadline] {
        var leaders: [String: String] = [:]
        for unit in plan.units where unit.leader != nil {
            leaders[unit.id.value] = ScheduleInput.leaderID(of: unit.id.value)
        }
        var rules: [String: DateRule?] = [:]
        var result: [ChecklistDeadline] = []
        for checklist in plan.checklists {
            guard let itemID = checklist.item?.value else { continue }
            let leaves = checklist.leaves
            for occurrence in occurrences where occurrence.itemID == itemID {
                let fallbackOwner = occurrence.owners.first ?? ""
                var indicators: [DueIndicator] = []
                for leaf in leaves {
                    var due = occurrence.end
                    if let text = leaf.due {
                        if rules[text] == nil { rules[text] = try? DateRule.parse(text) }
                        if let rule = rules[text] ?? nil, let start = CivilDate(year: occurrence.end.year, month: 1, day: 1),
                            let next = rule.nextOccurrence(onOrAfter: start, context: context)
                        {
                            due = next.end
                        }
                    }
                    indicators.append(DueIndicator(code: leaf.code, title: leaf.title, owner: leaf.owner ?? fallbackOwner, due: due))
                }
                result.append(ChecklistDeadline(
                    checklistID: checklist.id.value, title: checklist.title.value, occurrence: occurrence.id,
                    indicators: indicators, leaders: leaders, officeLeaders: occurrence.leaders))
            }
        }
        return result
    }
}

/// What a checklist notice is.
public enum ChecklistNoticeKind: Hashable, Sendable {
    /// To the unit, this many working days before its deadline.
    case reminder(workingDaysBefore: Int)
    /// To the unit's leader, this many working days before the deadline.
    case escalation(workingDaysBefore: Int)
    /// To the unit and its leader, on a working day after the deadline.
    case overdue

    /// The part of the delivery id that names the kind: `checklist:-10wd`, `checklist:escalate:-2wd`,
    /// `checklist:overdue`.
    var idPart: String {
        switch self {
        case .reminder(let n): "checklist:-\(n)wd"
        case .escalation(let n): "checklist:escalate:-\(n)wd"
        case .overdue: "checklist:overdue"
        }
    }
}

/// One message about a unit's open indicators.
public struct ChecklistNotice: Hashable, Sendable {
    /// The delivery: occurrence id of the item, reminder id `checklist:-10wd@DUE`, channel, recipient.
    public var key: DeliveryID
    public var kind: ChecklistNoticeKind
    public var checklistID: String
    public var checklistTitle: String
    public var occurrence: OccurrenceID
    /// The unit whose indicators are listed.
    public var unit: String
    /// The unit itself, or its leader (`UNIT.leader`).
    public var recipient: String
    public var channel: Channel
    /// The deadline of the listed indicators.
    public var deadline: CivilDate
    /// The day of the notice.
    public var day: CivilDate
    /// When it falls due.
    public var dueAt: Date
    /// Exactly the unit's indicators open at the time of deciding, in checklist order.
    public var open: [DueIndicator]
    /// Sent noticeably after `dueAt`.
    public var isLate: Bool
}

/// The planner's answer for checklists at one instant.
public struct ChecklistDecision: Hashable, Sendable {
    /// Notices to send now, oldest first.
    public var notices: [ChecklistNotice]
    /// Deliveries to record as missed: too old, or superseded by a later notice of the same series.
    public var missed: [Missed]
    /// The next instant a notice falls due (given the same progress), nil when none will.
    public var nextWakeup: Date?
}

/// Plans checklist notices from progress. Pure: deadlines, progress, recorded deliveries and the
/// time come in; notices come out.
public struct ChecklistReminderPlanner: Sendable {
    public let deadlines: [ChecklistDeadline]
    public let policy: ChecklistReminderPolicy
    public let configuration: PlannerConfiguration
    let workingDays: any WorkingDays

    public init(
        deadlines: [ChecklistDeadline], policy: ChecklistReminderPolicy = ChecklistReminderPolicy(),
        configuration: PlannerConfiguration, workingDays: any WorkingDays
    ) {
        self.deadlines = deadlines
        self.policy = policy
        self.configuration = configuration
        self.workingDays = workingDays
    }

    /// One scheduled notice before progress is taken into account.
    struct Slot {
        var kind: ChecklistNoticeKind
        var day: CivilDate
        var series: String
    }

    /// The notice days of one unit's indicators due on `deadline`.
    func slots(deadline: CivilDate) -> [Slot] {
        var slots: [Slot] = []
        for n in policy.leads {
            if let day = workingDays.workingDay(offset: -n, from: deadline) {
                slots.append(Slot(kind: .reminder(workingDaysBefore: n), day: day, series: "reminder"))
            }
        }
        if let n = policy.escalateAt, let day = workingDays.workingDay(offset: -n, from: deadline) {
            slots.append(Slot(kind: .escalation(workingDaysBefore: n), day: day, series: "escalation"))
        }
        if policy.overdueDays > 0 {
            for k in 1...policy.overdueDays {
                if let day = workingDays.workingDay(offset: k, from: deadline) {
                    slots.append(Slot(kind: .overdue, day: day, series: "overdue"))
                }
            }
        }
        return slots.sorted { $0.day < $1.day }
    }

    func instant(_ day: CivilDate) -> Date {
        ZonedTime.instant(of: day, at: policy.deliveryTime ?? configuration.deliveryTime, in: configuration.timeZone)
    }

    /// The notices due at `now`: for every unit with open indicators (by `progress`, keyed by
    /// occurrence id then indicator code; a missing entry is open), the latest due and unrecorded
    /// notice of each series (reminders, escalation, overdue digests); older unrecorded ones of the
    /// same series are recorded as superseded, those older than the catch-up window as missed.
    public func decide(
        progress: [OccurrenceID: [String: IndicatorStatus]], recorded: Set<DeliveryID>, now: Date
    ) -> ChecklistDecision {
        var notices: [ChecklistNotice] = []
        var missed: [Missed] = []
        var wakeup: Date?
        for deadline in deadlines {
            let statuses = progress[deadline.occurrence] ?? [:]
            // Units and deadlines in checklist order.
            var groups: [(unit: String, due: CivilDate, open: [DueIndicator])] = []
            var index: [String: Int] = [:]
            for indicator in deadline.indicators where (statuses[indicator.code] ?? .open).isOpen {
                let key = "\(indicator.owner)\u{0}\(indicator.due)"
                if let i = index[key] {
                    groups[i].open.append(indicator)
                } else {
                    index[key] = groups.count
                    groups.append((indicator.owner, indicator.due, [indicator]))
                }
            }
            for group in groups {
                var dueBySeries: [String: [(Slot, [DeliveryID])]] = [:]
                for slot in slots(deadline: group.due) {
                    let at = instant(slot.day)
                    let recipients = self.recipients(slot.kind, unit: group.unit, deadline: deadline)
                    let keys = recipients.flatMap { recipient in
                        policy.channels.map { channel in
                            DeliveryID(
                                occurrenceID: deadline.occurrence.description,
                                reminderID: "\(slot.kind.idPart)@\(slot.kind == .overdue ? slot.day : group.due)/\(group.unit)",
                                channel: channel.rawValue, recipient: recipient)
                        }
                    }
                    if at > now {
                        if keys.contains(where: { !recorded.contains($0) }) { wakeup = min(wakeup ?? at, at) }
                        continue
                    }
                    let pending = keys.filter { !recorded.contains($0) }
                    guard !pending.isEmpty else { continue }
                    dueBySeries[slot.series, default: []].append((slot, pending))
                }
                for (_, entries) in dueBySeries {
                    for (offset, (slot, keys)) in entries.enumerated() {
                        let at = instant(slot.day)
                        let isLatest = offset == entries.count - 1
                        if now.timeIntervalSince(at) > configuration.catchUpWindow || !isLatest {
                            let reason: MissedReason = isLatest ? .outsideCatchUpWindow : .superseded
                            missed += keys.map { Missed(key: $0, due: at, reason: reason, occurrence: nil) }
                            continue
                        }
                        for key in keys {
                            notices.append(ChecklistNotice(
                                key: key, kind: slot.kind, checklistID: deadline.checklistID,
                                checklistTitle: deadline.title, occurrence: deadline.occurrence, unit: group.unit,
                                recipient: key.recipient, channel: Channel(rawValue: key.channel) ?? .journal,
                                deadline: group.due, day: slot.day, dueAt: at, open: group.open,
                                isLate: now.timeIntervalSince(at) > configuration.lateTolerance))
                        }
                    }
                }
            }
        }
        notices.sort { ($0.dueAt, $0.key) < ($1.dueAt, $1.key) }
        missed.sort { ($0.due, $0.key) < ($1.due, $1.key) }
        return ChecklistDecision(notices: notices, missed: missed, nextWakeup: wakeup)
    }

    /// Who hears of a unit's open indicators: the unit for reminders; its leader (or, without one,
    /// the office's leaders) for the escalation; both for overdue digests.
    func recipients(_ kind: ChecklistNoticeKind, unit: String, deadline: ChecklistDeadline) -> [String] {
        let leaders = deadline.leaders[unit].map { [$0] } ?? deadline.officeLeaders
        switch kind {
        case .reminder: return [unit]
        case .escalation: return leaders.isEmpty ? [unit] : leaders
        case .overdue: return [unit] + leaders
        }
    }
}
