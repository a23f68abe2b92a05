import AlmanacCalendar
import AlmanacPlan
import Foundation

/// Where a reminder goes.
public enum Channel: String, Hashable, Comparable, Sendable, Codable, CaseIterable {
    /// One journal entry per reminder, naming every recipient.
    case journal
    /// One mail per recipient unit or person.
    case mail

    /// Whether one delivery reaches all recipients at once (the journal) rather than one
    /// delivery per recipient (mail).
    public var isBroadcast: Bool { self == .journal }

    public static func < (lhs: Channel, rhs: Channel) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// What happens to a reminder whose day is not a working day.
public enum DayOffPolicy: String, Hashable, Sendable, Codable {
    /// Move it to the nearest earlier working day (the default: 五一 reminders go out before the
    /// holiday, not during it).
    case previousWorkingDay = "previous-working-day"
    /// Move it to the nearest later working day.
    case nextWorkingDay = "next-working-day"
    /// Send it on the day off anyway.
    case keep
}

/// Repeated reminders after an occurrence's last day until it is acknowledged or done.
public struct OverdueRepeat: Hashable, Sendable {
    /// The interval between repeats (`1d`, `2wd`, `1w`); the first repeat is one interval after
    /// the last day. A zero or negative amount counts as one.
    public var every: Lead
    /// At most this many repeats (`nil`: until acknowledged or done).
    public var limit: Int?

    /// Repeats every `every`, at most `limit` times.
    public init(every: Lead, limit: Int? = nil) {
        self.every = Lead(amount: max(1, abs(every.amount)), unit: every.unit)
        self.limit = limit
    }
}

/// The escalation: the leaders hear of an occurrence that nobody has acknowledged.
public struct Escalation: Hashable, Sendable {
    /// When, relative to the occurrence's last day: `-2wd` (two working days before the
    /// deadline), `+3d` (three days overdue).
    public var at: Lead

    /// Escalates at `at` relative to the last day.
    public init(at: Lead) {
        self.at = at
    }

    /// Escalates `count` working days before the last day.
    public init(workingDaysBefore count: Int) {
        self.at = Lead(amount: -abs(count), unit: .workingDays)
    }
}

/// How an item is reminded.
///
/// - Lead reminders go to the owners at `deliveryTime` on the lead's day (working-day leads
///   always land on a working day; calendar-day leads follow `dayOff`). They stop once the
///   occurrence is done.
/// - The escalation goes to the leaders; overdue repeats go to the owners and, from the
///   escalation day on, to the leaders too. Both stop once the occurrence is acknowledged or done.
public struct ReminderRules: Hashable, Sendable {
    /// Lead times relative to the occurrence's first day.
    public var leads: [Lead]
    /// Time of day of delivery, in the plan's time zone; `nil`: the configuration's.
    public var deliveryTime: TimeOfDay?
    /// What to do with a reminder that falls on a day off.
    public var dayOff: DayOffPolicy
    /// Repeats after the last day while not acknowledged or done.
    public var overdue: OverdueRepeat?
    /// Escalation to the leaders before the last day.
    public var escalation: Escalation?
    /// The channels each reminder goes out on.
    public var channels: [Channel]

    /// Rules; by default a reminder on the day before at the configured delivery time, moved off
    /// days off, to the journal and by mail.
    public init(
        leads: [Lead] = [Lead(amount: -1, unit: .days)], deliveryTime: TimeOfDay? = nil,
        dayOff: DayOffPolicy = .previousWorkingDay, overdue: OverdueRepeat? = nil,
        escalation: Escalation? = nil, channels: [Channel] = [.journal, .mail]
    ) {
        self.leads = leads
        self.deliveryTime = deliveryTime
        self.dayOff = dayOff
        self.overdue = overdue
        self.escalation = escalation
        self.channels = channels
    }
}

/// One dated occurrence of a plan item, as the planner needs it.
public struct ScheduledOccurrence: Hashable, Sendable {
    /// The plan item's id (`flag-salute`).
    public var itemID: String
    /// The item's kind (`festival`, `campaign`, `deadline`, `inspection`, `recurring-check`).
    public var kind: String
    /// The item's title, in the plan's language.
    public var title: String
    /// Responsible units or persons: they receive the reminders.
    public var owners: [String]
    /// Leaders: they receive escalations and overdue repeats.
    public var leaders: [String]
    /// First day.
    public var start: CivilDate
    /// Last day, the deadline (equal to `start` for a one-day item).
    public var end: CivilDate
    /// Time of day the occurrence starts, if it has one.
    public var time: TimeOfDay?
    /// How it is reminded.
    public var policy: ReminderRules
    /// The time is part of the id (the rule gives several times on one day).
    public var timeInID: Bool
    /// The title in English, when the plan gives one.
    public var englishTitle: String?

    /// An occurrence of an item.
    public init(
        itemID: String, kind: String, title: String, owners: [String], leaders: [String] = [],
        start: CivilDate, end: CivilDate? = nil, time: TimeOfDay? = nil, policy: ReminderRules = ReminderRules(),
        timeInID: Bool = false, englishTitle: String? = nil
    ) {
        self.itemID = itemID
        self.kind = kind
        self.title = title
        self.englishTitle = englishTitle
        self.owners = owners
        self.leaders = leaders
        self.start = start
        self.end = end ?? start
        self.time = time
        self.policy = policy
        self.timeInID = timeInID
    }

    /// `itemID@start` (with the time when it is part of the id).
    public var id: OccurrenceID { OccurrenceID(itemID: itemID, date: start, time: timeInID ? time : nil) }
}

/// What the planner knows about the past: what has been recorded, acknowledged, done, snoozed.
public struct PlannerState: Sendable {
    /// Every delivery key already recorded as sent or as missed. Each goes out at most once.
    public var recorded: Set<DeliveryID>
    /// Occurrences someone acknowledged: escalations and overdue repeats stop.
    public var acknowledged: Set<OccurrenceID>
    /// Occurrences marked done: every remaining reminder stops.
    public var done: Set<OccurrenceID>
    /// Occurrences snoozed until an instant: their reminders that fall due before it are
    /// delivered at that instant instead.
    public var snoozedUntil: [OccurrenceID: Date]
    /// Reminders due before this instant are neither sent nor recorded as missed (the moment the
    /// plan was first installed, so a new installation does not record a year of history).
    public var ignoreBefore: Date?
    /// A promise by the driver: every delivery due before this instant has been recorded (the
    /// driver performed a whole decision at that instant). The planner then looks only at what
    /// fell due since, which keeps a decision cheap for a large plan. Reminders of occurrences
    /// acknowledged or done at the time are not brought back by withdrawing the mark later.
    /// `nil`: look at everything (required after the plan changed). Ignored with a digest.
    public var settledBefore: Date?

    /// A state.
    public init(
        recorded: Set<DeliveryID> = [], acknowledged: Set<OccurrenceID> = [], done: Set<OccurrenceID> = [],
        snoozedUntil: [OccurrenceID: Date] = [:], ignoreBefore: Date? = nil, settledBefore: Date? = nil
    ) {
        self.recorded = recorded
        self.acknowledged = acknowledged
        self.done = done
        self.snoozedUntil = snoozedUntil
        self.ignoreBefore = ignoreBefore
        self.settledBefore = settledBefore
    }
}

/// The daily digest: one message per unit per day listing the unit's reminders of that day.
public struct DigestPolicy: Hashable, Sendable {
    /// Time of day of the digest; `nil`: the configured delivery time.
    public var time: TimeOfDay?
    /// Channels of the digest (by default mail only: the journal has every reminder already).
    public var channels: [Channel]

    /// A digest at `time` on `channels`.
    public init(time: TimeOfDay? = nil, channels: [Channel] = [.mail]) {
        self.time = time
        self.channels = channels
    }
}

/// Settings of the planner that hold for the whole plan.
public struct PlannerConfiguration: Sendable {
    /// The plan's time zone (Asia/Shanghai): civil dates and delivery times are in it.
    public var timeZone: TimeZone
    /// Delivery time of items whose rules set none (the daemon's `delivery_time`, 09:00).
    public var deliveryTime: TimeOfDay
    /// Reminders that fell due longer ago than this are recorded as missed instead of sent.
    public var catchUpWindow: TimeInterval
    /// A reminder sent more than this after its due instant is marked late.
    public var lateTolerance: TimeInterval
    /// The daily digest per unit, or `nil` for none.
    public var digest: DigestPolicy?

    /// A configuration; by default delivery at 09:00, a 7-day catch-up window, late after
    /// 5 minutes, no digest.
    public init(
        timeZone: TimeZone, deliveryTime: TimeOfDay? = nil, catchUpWindow: TimeInterval = 7 * 86_400, lateTolerance: TimeInterval = 300,
        digest: DigestPolicy? = nil
    ) {
        self.timeZone = timeZone
        self.deliveryTime = deliveryTime ?? .nine
        self.catchUpWindow = catchUpWindow
        self.lateTolerance = lateTolerance
        self.digest = digest
    }
}
