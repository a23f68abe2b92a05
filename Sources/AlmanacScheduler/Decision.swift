import AlmanacCalendar
import AlmanacPlan
import Foundation

/// Which kind of reminder a delivery is.
public enum ReminderKind: Hashable, Sendable {
    /// A lead reminder to the owners (`-10wd`, `-1d`).
    case lead(Lead)
    /// The escalation to the leaders before the deadline.
    case escalation
    /// A repeat after the deadline while not acknowledged or done.
    case overdue
}

/// Who a reminder is addressed to.
public enum Audience: String, Hashable, Sendable {
    case owners
    case leaders
    case ownersAndLeaders = "owners+leaders"
}

/// One reminder delivery that is due: send it, then record its key.
public struct Reminder: Hashable, Sendable {
    /// The delivery's identity; record it so it never goes out again.
    public var key: DeliveryID
    /// Lead, escalation or overdue repeat.
    public var kind: ReminderKind
    /// The occurrence reminded of.
    public var occurrence: ScheduledOccurrence
    /// The channel.
    public var channel: Channel
    /// Everyone this delivery reaches: one unit for mail, all of them for the journal.
    public var recipients: [String]
    /// Owners, leaders or both.
    public var audience: Audience
    /// The civil day (plan time zone) the reminder belongs to.
    public var day: CivilDate
    /// When it was due (after a snooze: when the snooze ended).
    public var due: Date
    /// Sent noticeably after `due` (catching up after downtime or a clock jump).
    public var isLate: Bool
    /// How long after `due` it is being sent, in seconds (0 when early or on time).
    public var lateness: TimeInterval
}

/// One line of a daily digest: an occurrence with a reminder for the unit that day.
public struct DigestEntry: Hashable, Sendable {
    /// The occurrence.
    public var occurrence: ScheduledOccurrence
    /// The reminder ids of that day for this unit (`-1d`, `escalate`, `overdue-2026-05-06`).
    public var reminders: [String]
}

/// A unit's daily digest.
public struct Digest: Hashable, Sendable {
    /// The delivery's identity (`*@YYYY-MM-DD`, `digest`, channel, unit).
    public var key: DeliveryID
    /// The unit or person.
    public var recipient: String
    /// The channel.
    public var channel: Channel
    /// The day.
    public var day: CivilDate
    /// The unit's occurrences with reminders that day, in order of their start.
    public var entries: [DigestEntry]
    /// When it was due.
    public var due: Date
    /// Sent noticeably after `due`.
    public var isLate: Bool
    /// Seconds after `due`.
    public var lateness: TimeInterval
}

/// Why a delivery is recorded as missed instead of being sent.
public enum MissedReason: String, Hashable, Sendable {
    /// It fell due longer ago than the catch-up window.
    case outsideCatchUpWindow = "outside-catch-up-window"
    /// A newer delivery of the same series (an overdue repeat, a digest) goes out instead.
    case superseded
}

/// A delivery that will never be sent: record its key so it is not considered again.
public struct Missed: Hashable, Sendable {
    /// The delivery's identity.
    public var key: DeliveryID
    /// When it was due.
    public var due: Date
    /// Why it is not sent.
    public var reason: MissedReason
    /// The occurrence, for a reminder; `nil` for a digest.
    public var occurrence: ScheduledOccurrence?
}

/// One thing the driver must do.
public enum Action: Hashable, Sendable {
    /// Send a reminder, then record it.
    case remind(Reminder)
    /// Send a unit's daily digest, then record it.
    case digest(Digest)
    /// Record a delivery as missed; send nothing.
    case missed(Missed)

    /// The delivery key to record.
    public var key: DeliveryID {
        switch self {
        case .remind(let r): r.key
        case .digest(let d): d.key
        case .missed(let m): m.key
        }
    }

    /// When the delivery was due.
    public var due: Date {
        switch self {
        case .remind(let r): r.due
        case .digest(let d): d.due
        case .missed(let m): m.due
        }
    }
}

/// What the planner decided at one instant: what to do now, and when to ask again.
public struct Decision: Hashable, Sendable {
    /// Due actions, oldest first; perform them in this order.
    public var actions: [Action]
    /// The earliest instant after `now` at which something falls due, or `nil` when nothing
    /// ever will (given the same state).
    public var nextWakeup: Date?
}

/// A problem found while scheduling the plan: the reminder concerned is left out.
public struct PlannerProblem: Hashable, Sendable, CustomStringConvertible {
    /// What went wrong.
    public enum Code: String, Hashable, Sendable {
        /// A working-day lead found no working day (a broken holiday table).
        case noWorkingDay = "no-working-day"
        /// The occurrence ends before it starts.
        case endBeforeStart = "end-before-start"
    }

    /// The code.
    public var code: Code
    /// The occurrence concerned.
    public var occurrence: OccurrenceID
    /// Readable text.
    public var message: String

    public var description: String { "\(occurrence): \(code.rawValue): \(message)" }
}
