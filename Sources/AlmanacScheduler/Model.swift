import AlmanacCalendar
import Foundation

/// Identifies one occurrence of a plan item: the item id and the occurrence's start date,
/// written `item@YYYY-MM-DD` (`flag-salute@2026-09-20`).
public struct OccurrenceID: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    /// The plan item's id.
    public var itemID: String
    /// The occurrence's first day.
    public var date: CivilDate

    /// The occurrence `itemID@date`.
    public init(itemID: String, date: CivilDate) {
        self.itemID = itemID
        self.date = date
    }

    /// Parses `item@YYYY-MM-DD`; `nil` when the text has no `@` followed by a valid date.
    public init?(_ text: String) {
        guard let at = text.lastIndex(of: "@"), at != text.startIndex,
            let date = CivilDate(iso: text[text.index(after: at)...])
        else { return nil }
        self.init(itemID: String(text[..<at]), date: date)
    }

    /// `item@YYYY-MM-DD`.
    public var description: String { "\(itemID)@\(date)" }

    public static func < (lhs: OccurrenceID, rhs: OccurrenceID) -> Bool {
        (lhs.date, lhs.itemID) < (rhs.date, rhs.itemID)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let value = OccurrenceID(text) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "'\(text)' is not an occurrence id of the form item@YYYY-MM-DD")
        }
        self = value
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

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

/// The identity of one delivery, which goes out at most once: occurrence, reminder, channel and
/// recipient. The store keys its delivery records by exactly these four strings.
public struct DeliveryKey: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    /// `item@YYYY-MM-DD`, or `*@YYYY-MM-DD` for a unit's daily digest.
    public var occurrence: String
    /// The reminder within the occurrence: a lead (`-10wd`, `-1d`), `escalate`,
    /// `overdue-YYYY-MM-DD`, or `digest`.
    public var reminder: String
    /// `journal` or `mail`.
    public var channel: String
    /// A unit or person id; `*` for broadcast channels (the journal).
    public var recipient: String

    /// The key of the given parts.
    public init(occurrence: String, reminder: String, channel: String, recipient: String) {
        self.occurrence = occurrence
        self.reminder = reminder
        self.channel = channel
        self.recipient = recipient
    }

    /// `occurrence/reminder/channel/recipient`.
    public var description: String { "\(occurrence)/\(reminder)/\(channel)/\(recipient)" }

    public static func < (lhs: DeliveryKey, rhs: DeliveryKey) -> Bool {
        (lhs.occurrence, lhs.reminder, lhs.channel, lhs.recipient)
            < (rhs.occurrence, rhs.reminder, rhs.channel, rhs.recipient)
    }
}

/// A lead time relative to an occurrence's first day: `-1d` (one day before), `-10wd`
/// (ten working days before), `0d` (on the day), `+2wd`.
public struct Lead: Hashable, Sendable, Codable, CustomStringConvertible {
    /// Calendar days or working days.
    public enum Unit: String, Hashable, Sendable, Codable {
        case days = "d"
        case workingDays = "wd"
    }

    /// Negative before the occurrence, positive after.
    public var amount: Int
    /// Days or working days.
    public var unit: Unit

    /// The lead of `amount` days or working days.
    public init(_ amount: Int, _ unit: Unit) {
        self.amount = amount
        self.unit = unit
    }

    /// Parses `-1d`, `-10wd`, `0d`, `+3wd` (a sign is optional for zero; at most 3 digits).
    public init?(_ text: some StringProtocol) {
        var rest = Substring(text)
        var sign = 1
        if rest.first == "-" {
            sign = -1
            rest = rest.dropFirst()
        } else if rest.first == "+" {
            rest = rest.dropFirst()
        }
        let digits = rest.prefix { $0.isASCII && $0.isNumber }
        guard (1...3).contains(digits.count), let value = Int(digits),
            let unit = Unit(rawValue: String(rest.dropFirst(digits.count)))
        else { return nil }
        if value != 0 && Substring(text).first != "-" && Substring(text).first != "+" { return nil }
        self.init(sign * value, unit)
    }

    /// The canonical text: `-10wd`, `-1d`, `0d`, `+2d`.
    public var description: String {
        (amount > 0 ? "+" : "") + String(amount) + unit.rawValue
    }
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
public struct OverdueRepeat: Hashable, Sendable, Codable {
    /// Calendar days between repeats; the first repeat is this many days after the last day.
    public var everyDays: Int
    /// At most this many repeats (`nil`: until acknowledged or done).
    public var limit: Int?

    /// Repeats every `everyDays` days (at least 1), at most `limit` times.
    public init(everyDays: Int, limit: Int? = nil) {
        self.everyDays = max(1, everyDays)
        self.limit = limit
    }
}

/// Reminding the leaders as well when an occurrence's deadline is near and nobody has
/// acknowledged it.
public struct Escalation: Hashable, Sendable, Codable {
    /// The escalation goes to the leaders this many working days before the last day
    /// (0: on the last day, moved to a working day by the day-off policy).
    public var workingDaysBefore: Int

    /// Escalates `workingDaysBefore` working days before the deadline.
    public init(workingDaysBefore: Int) {
        self.workingDaysBefore = max(0, workingDaysBefore)
    }
}

/// How an item is reminded.
///
/// - Lead reminders go to the owners at `deliveryTime` on the lead's day (working-day leads
///   always land on a working day; calendar-day leads follow `dayOff`). They stop once the
///   occurrence is done.
/// - The escalation goes to the leaders; overdue repeats go to the owners and, when an
///   escalation is set, to the leaders too. Both stop once the occurrence is acknowledged or done.
public struct ReminderPolicy: Hashable, Sendable, Codable {
    /// Lead times relative to the occurrence's first day.
    public var leads: [Lead]
    /// Time of day of delivery, in the plan's time zone.
    public var deliveryTime: ClockTime
    /// What to do with a reminder that falls on a day off.
    public var dayOff: DayOffPolicy
    /// Repeats after the last day while not acknowledged or done.
    public var overdue: OverdueRepeat?
    /// Escalation to the leaders before the last day.
    public var escalation: Escalation?
    /// The channels each reminder goes out on.
    public var channels: [Channel]

    /// A policy; by default reminders on the day before, at 09:00, moved off days off,
    /// to the journal and by mail.
    public init(
        leads: [Lead] = [Lead(-1, .days)], deliveryTime: ClockTime = .nine,
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
    public var time: ClockTime?
    /// How it is reminded.
    public var policy: ReminderPolicy

    /// An occurrence of an item.
    public init(
        itemID: String, kind: String, title: String, owners: [String], leaders: [String] = [],
        start: CivilDate, end: CivilDate? = nil, time: ClockTime? = nil, policy: ReminderPolicy = ReminderPolicy()
    ) {
        self.itemID = itemID
        self.kind = kind
        self.title = title
        self.owners = owners
        self.leaders = leaders
        self.start = start
        self.end = end ?? start
        self.time = time
        self.policy = policy
    }

    /// `itemID@start`.
    public var id: OccurrenceID { OccurrenceID(itemID: itemID, date: start) }
}

/// What the planner knows about the past: what has been recorded, acknowledged, done, snoozed.
public struct PlannerState: Sendable {
    /// Every delivery key already recorded as sent or as missed. Each goes out at most once.
    public var recorded: Set<DeliveryKey>
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

    /// A state.
    public init(
        recorded: Set<DeliveryKey> = [], acknowledged: Set<OccurrenceID> = [], done: Set<OccurrenceID> = [],
        snoozedUntil: [OccurrenceID: Date] = [:], ignoreBefore: Date? = nil
    ) {
        self.recorded = recorded
        self.acknowledged = acknowledged
        self.done = done
        self.snoozedUntil = snoozedUntil
        self.ignoreBefore = ignoreBefore
    }
}

/// The daily digest: one message per unit per day listing the unit's reminders of that day.
public struct DigestPolicy: Hashable, Sendable, Codable {
    /// Time of day of the digest.
    public var time: ClockTime
    /// Channels of the digest (by default mail only: the journal has every reminder already).
    public var channels: [Channel]

    /// A digest at `time` on `channels`.
    public init(time: ClockTime = .nine, channels: [Channel] = [.mail]) {
        self.time = time
        self.channels = channels
    }
}

/// Settings of the planner that hold for the whole plan.
public struct PlannerConfiguration: Sendable {
    /// The plan's time zone (Asia/Shanghai): civil dates and delivery times are in it.
    public var timeZone: TimeZone
    /// Reminders that fell due longer ago than this are recorded as missed instead of sent.
    public var catchUpWindow: TimeInterval
    /// A reminder sent more than this after its due instant is marked late.
    public var lateTolerance: TimeInterval
    /// The daily digest per unit, or `nil` for none.
    public var digest: DigestPolicy?

    /// A configuration; by default a 7-day catch-up window, late after 5 minutes, no digest.
    public init(
        timeZone: TimeZone, catchUpWindow: TimeInterval = 7 * 86_400, lateTolerance: TimeInterval = 300,
        digest: DigestPolicy? = nil
    ) {
        self.timeZone = timeZone
        self.catchUpWindow = catchUpWindow
        self.lateTolerance = lateTolerance
        self.digest = digest
    }
}
