import AlmanacCalendar
import Foundation

/// Where a delivery stands.
public enum DeliveryState: String, Sendable, Codable, CaseIterable {
    /// Claimed before sending; the outcome is not recorded yet.
    case pending
    /// Sent (or handed to the mail outbox).
    case sent
    /// Sending failed; the next claim retries.
    case failed
    /// Due too long ago (outside the catch-up window): recorded, never sent.
    case missed
}

/// One row of the delivery table.
public struct DeliveryRecord: Hashable, Sendable, Codable {
    public var id: Int64
    public var key: DeliveryID
    public var state: DeliveryState
    /// When the reminder was due.
    public var dueAt: Date
    /// Sent after its due time by catch-up.
    public var late: Bool
    /// Claims so far (1 on the first send).
    public var attempts: Int
    public var claimedAt: Date
    public var sentAt: Date?
    public var lastError: String?

    public init(
        id: Int64, key: DeliveryID, state: DeliveryState, dueAt: Date, late: Bool, attempts: Int,
        claimedAt: Date, sentAt: Date?, lastError: String?
    ) {
        self.id = id
        self.key = key
        self.state = state
        self.dueAt = dueAt
        self.late = late
        self.attempts = attempts
        self.claimedAt = claimedAt
        self.sentAt = sentAt
        self.lastError = lastError
    }
}

extension DeliveryRecord {
    /// `last_error` of a delivery that was in doubt (claimed by a process that stopped before it
    /// recorded the outcome) and was settled as not sent; it stays until the delivery is sent.
    public static let interruptedNote = "interrupted before sending"

    /// Whether this delivery was in doubt once and is being sent again: its earlier attempt may
    /// have reached the channel.
    public var wasInterrupted: Bool { lastError == Self.interruptedNote }
}

/// The answer to a claim.
public enum DeliveryClaim: Hashable, Sendable {
    /// Newly claimed (or a failed one claimed again): send it, then mark it.
    case claimed(DeliveryRecord)
    /// Sent or missed already: do nothing.
    case alreadyDone(DeliveryRecord)
    /// Claimed by an earlier process that stopped before recording the outcome: the channel
    /// checks its evidence and calls `resolveInDoubt`.
    case inDoubt(DeliveryRecord)

    /// The row, whatever the answer.
    public var record: DeliveryRecord {
        switch self {
        case .claimed(let record), .alreadyDone(let record), .inDoubt(let record): record
        }
    }
}

/// An acknowledgement or done mark, or the withdrawal of one.
public struct Mark: Hashable, Sendable, Codable {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        /// "Seen, we are on it": stops overdue repeats.
        case acknowledged
        /// The work is done: no further reminders.
        case done
        /// Withdraws an earlier `done` (marked by mistake).
        case undone
        /// Withdraws an earlier acknowledgement.
        case unacknowledged
    }

    public var occurrenceID: String
    public var kind: Kind
    /// The caller's uid (from SO_PEERCRED on the control socket).
    public var uid: UInt32
    public var at: Date
    public var note: String?

    public init(occurrenceID: String, kind: Kind, uid: UInt32, at: Date, note: String? = nil) {
        self.occurrenceID = occurrenceID
        self.kind = kind
        self.uid = uid
        self.at = at
        self.note = note
    }
}

/// The standing of an occurrence after all its marks.
public struct MarkState: Hashable, Sendable, Codable {
    public var acknowledged: Bool
    public var done: Bool
    /// The latest mark, if any.
    public var last: Mark?

    public init(acknowledged: Bool, done: Bool, last: Mark?) {
        self.acknowledged = acknowledged
        self.done = done
        self.last = last
    }

    /// The standing after `marks`, oldest first: the latest ack/done state after withdrawals; done
    /// counts as acknowledged.
    public init(_ marks: [Mark]) {
        var acknowledged = false
        var done = false
        for mark in marks {
            switch mark.kind {
            case .acknowledged: acknowledged = true
            case .unacknowledged: acknowledged = false
            case .done: done = true
            case .undone: done = false
            }
        }
        self.init(acknowledged: acknowledged || done, done: done, last: marks.last)
    }
}

/// Reminders of an occurrence held back until `until`.
public struct Snooze: Hashable, Sendable, Codable {
    public var occurrenceID: String
    public var until: Date
    public var uid: UInt32
    public var at: Date
    public var note: String?

    public init(occurrenceID: String, until: Date, uid: UInt32, at: Date, note: String? = nil) {
        self.occurrenceID = occurrenceID
        self.until = until
        self.uid = uid
        self.at = at
        self.note = note
    }
}

/// A message for the outbox: a mail, or a group-robot message.
public struct OutboxMessage: Hashable, Sendable, Codable {
    /// The `Message-ID` header value of a mail; a robot message's delivery identity
    /// (`occurrence/reminder/robot-key`). Unique in the outbox.
    public var messageID: String
    public var sender: String
    /// Mail addresses; for a robot message, who it is for (unit ids).
    public var recipients: [String]
    public var subject: String
    /// The complete RFC 5322 message (headers and body), as it will be sent; for a robot
    /// message its content (AlmanacRobots' RobotContent as JSON).
    public var rawMessage: String
    /// `mail`, or the robot service (`wecom`, `dingtalk`, `feishu`, `webhook`).
    public var channel: String
    /// The robot's identity (`dingtalk:1f3a…`, no credentials): messages to one destination go
    /// out in order, within its rate limit. Empty for mail.
    public var destination: String

    public init(
        messageID: String, sender: String, recipients: [String], subject: String, rawMessage: String, channel: String = "mail",
        destination: String = ""
    ) {
        self.messageID = messageID
        self.sender = sender
        self.recipients = recipients
        self.subject = subject
        self.rawMessage = rawMessage
        self.channel = channel
        self.destination = destination
    }

    /// Whether it is a mail (else a robot message).
    public var isMail: Bool { channel == "mail" }
}

/// State of an outbox entry.
public enum OutboxState: String, Sendable, Codable, CaseIterable {
    case queued, sent, failed
}

/// One row of the mail outbox.
public struct OutboxEntry: Hashable, Sendable, Codable {
    public var id: Int64
    public var message: OutboxMessage
    public var state: OutboxState
    public var deliveryID: Int64?
    public var attempts: Int
    public var createdAt: Date
    public var nextAttemptAt: Date?
    public var sentAt: Date?
    public var lastError: String?
    /// Mail recipients the server refused while the others got the mail (`address: reply`).
    public var refused: [String]
    /// An attempt was interrupted after the message was handed to the transport (the process
    /// died mid-send): the server may have it already, so what is sent again is marked as a
    /// possible repeat.
    public var possibleRepeat: Bool

    public init(
        id: Int64, message: OutboxMessage, state: OutboxState, deliveryID: Int64?, attempts: Int,
        createdAt: Date, nextAttemptAt: Date?, sentAt: Date?, lastError: String?, refused: [String] = [],
        possibleRepeat: Bool = false
    ) {
        self.possibleRepeat = possibleRepeat
        self.id = id
        self.message = message
        self.state = state
        self.deliveryID = deliveryID
        self.attempts = attempts
        self.createdAt = createdAt
        self.nextAttemptAt = nextAttemptAt
        self.sentAt = sentAt
        self.lastError = lastError
        self.refused = refused
    }
}

/// Progress of one checklist entry (an indicator owned by a unit) of one occurrence.
public struct ChecklistProgress: Hashable, Sendable, Codable {
    public enum State: String, Sendable, Codable, CaseIterable {
        case open
        case inProgress = "in-progress"
        case done
        case notApplicable = "not-applicable"
        /// Checklist indicators: handed in by the unit, accepted by the office, or sent back.
        case submitted, accepted, rejected
    }

    public var occurrenceID: String
    public var entryID: String
    public var state: State
    /// The responsible unit, when the entry has one.
    public var unit: String?
    public var note: String?
    public var uid: UInt32
    public var at: Date
    /// Pieces of evidence filed (checklist indicators), when recorded.
    public var evidence: Int?

    public init(
        occurrenceID: String, entryID: String, state: State, unit: String? = nil, note: String? = nil,
        uid: UInt32, at: Date, evidence: Int? = nil
    ) {
        self.occurrenceID = occurrenceID
        self.entryID = entryID
        self.state = state
        self.unit = unit
        self.note = note
        self.uid = uid
        self.at = at
        self.evidence = evidence
    }
}
