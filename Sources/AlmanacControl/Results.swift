import AlmanacCalendar
import AlmanacPlan
import Foundation

/// The state of one occurrence of a plan item. An open set of values (the daemon may add states);
/// clients show unknown ones as they are.
public struct OccurrenceState: RawRepresentable, Codable, Sendable, Hashable, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(_ rawValue: String) { self.rawValue = rawValue }

    public var description: String { rawValue }

    /// Nothing recorded yet.
    public static let open = OccurrenceState("open")
    /// Someone confirmed they saw the reminder; further reminders for it stop.
    public static let acknowledged = OccurrenceState("acknowledged")
    /// The work is done.
    public static let done = OccurrenceState("done")
    /// Reminders are held back until a given instant.
    public static let snoozed = OccurrenceState("snoozed")
    /// The occurrence is past its date and still open.
    public static let overdue = OccurrenceState("overdue")
}

/// A short description of the plan in force.
public struct PlanSummary: Codable, Sendable, Hashable {
    /// The plan's title (`plan:`), if it has one.
    public var name: String?
    public var files: [String]
    public var items: Int
    public var loadedAt: Date
    public var warnings: Int

    public init(name: String?, files: [String], items: Int, loadedAt: Date, warnings: Int) {
        self.name = name
        self.files = files
        self.items = items
        self.loadedAt = loadedAt
        self.warnings = warnings
    }
}

/// Result of `status`.
public struct StatusReport: Codable, Sendable, Hashable {
    public var version: String
    public var pid: Int32
    /// `starting`, `running`, `reloading`, `stopping`.
    public var state: String
    public var startedAt: Date
    /// The plan in force; nil when none could be loaded yet.
    public var plan: PlanSummary?
    /// When the scheduler wakes up next, if the daemon knows.
    public var nextWakeup: Date?
    /// Reminders delivered (all channels), if the state store can tell.
    public var remindersSent: Int?
    /// Mail messages waiting in the outbox, if the state store can tell.
    public var outboxPending: Int?
    /// Open occurrences whose date has passed, if the daemon knows.
    public var overdue: Int?
    /// What is wrong right now (rejected reload, state store unavailable, ...), for people.
    public var problems: [String]
    /// The lease of a shared (PostgreSQL) store; absent for a single instance (SQLite).
    public var leadership: LeadershipReport?

    public init(
        version: String, pid: Int32, state: String, startedAt: Date, plan: PlanSummary?, nextWakeup: Date? = nil,
        remindersSent: Int? = nil, outboxPending: Int? = nil, overdue: Int? = nil, problems: [String] = [],
        leadership: LeadershipReport? = nil
    ) {
        self.leadership = leadership
        self.version = version
        self.pid = pid
        self.state = state
        self.startedAt = startedAt
        self.plan = plan
        self.nextWakeup = nextWakeup
        self.remindersSent = remindersSent
        self.outboxPending = outboxPending
        self.overdue = overdue
        self.problems = problems
    }
}

/// Which instance of several sharing a PostgreSQL store delivers (`status`).
public struct LeadershipReport: Codable, Sendable, Hashable {
    /// `leader`, `follower` or `unavailable` (the database cannot be reached: not delivering).
    public var role: String
    /// This instance's name.
    public var instance: String
    /// The instance holding the lease, and since when.
    public var leader: String?
    public var leaderSince: Date?
    /// The last change of leader: when, from which instance, and how long after the old
    /// leader's last renewal.
    public var lastTakeoverAt: Date?
    public var lastTakeoverFrom: String?
    public var lastTakeoverVacantSeconds: Double?
    /// Why this instance does not deliver when it should be able to.
    public var problem: String?

    public init(
        role: String, instance: String, leader: String?, leaderSince: Date?, lastTakeoverAt: Date?, lastTakeoverFrom: String?,
        lastTakeoverVacantSeconds: Double?, problem: String?
    ) {
        self.role = role
        self.instance = instance
        self.leader = leader
        self.leaderSince = leaderSince
        self.lastTakeoverAt = lastTakeoverAt
        self.lastTakeoverFrom = lastTakeoverFrom
        self.lastTakeoverVacantSeconds = lastTakeoverVacantSeconds
        self.problem = problem
    }
}

/// Result of a successful `reload`: the new plan and its warnings. A plan with errors is refused
/// with the error `invalid_plan` instead, whose `diagnostics` list the errors.
public struct ReloadReport: Codable, Sendable, Hashable {
    public var plan: PlanSummary
    public var diagnostics: [Diagnostic]

    public init(plan: PlanSummary, diagnostics: [Diagnostic]) {
        self.plan = plan
        self.diagnostics = diagnostics
    }
}

/// One occurrence in the agenda.
public struct AgendaEntry: Codable, Sendable, Hashable {
    public var date: CivilDate
    /// Last day, for windows (campaigns); nil for single days.
    public var endDate: CivilDate?
    public var item: String
    public var title: String
    public var kind: String
    public var owners: [String]
    public var state: OccurrenceState
    /// The Chinese calendar day of `date`, e.g. `正月初一`, when the daemon knows it.
    public var lunar: String?
    public var note: String?
    /// Working days from the daemon's today to `date` (after today up to and including `date`;
    /// negative for past dates, 0 today), counted with the official holiday tables.
    public var workingDays: Int?
    /// The occurrence's id (`item@YYYY-MM-DD`), as `ack`, `done` and `history` take it.
    public var id: String?
    /// Time of day, `HH:MM`, when the occurrence has one.
    public var time: String?
    /// The edition or anniversary label in the occurrence's year (`第二十三届`), also part of `title`.
    public var edition: String?
    /// Units taking part besides the owners.
    public var participants: [String]?
    /// `sourced`, `official` or `chosen`: how the plan's author knows the date.
    public var dateSource: String?

    public init(
        date: CivilDate, endDate: CivilDate? = nil, item: String, title: String, kind: String,
        owners: [String], state: OccurrenceState, lunar: String? = nil, note: String? = nil, id: String? = nil,
        time: String? = nil
    ) {
        self.date = date
        self.endDate = endDate
        self.item = item
        self.title = title
        self.kind = kind
        self.owners = owners
        self.state = state
        self.lunar = lunar
        self.note = note
        self.id = id
        self.time = time
    }
}

/// Result of `agenda`.
public struct AgendaReport: Codable, Sendable, Hashable {
    public var from: CivilDate
    public var to: CivilDate
    public var entries: [AgendaEntry]
    /// The plan's name.
    public var plan: String?
    /// Years of the range the plan needs an official holiday table for and has none: their
    /// working days are counted as plain Monday to Friday.
    public var yearsWithoutHolidayTable: [Int]?

    public init(
        from: CivilDate, to: CivilDate, entries: [AgendaEntry], plan: String? = nil, yearsWithoutHolidayTable: [Int]? = nil
    ) {
        self.from = from
        self.to = to
        self.entries = entries
        self.plan = plan
        self.yearsWithoutHolidayTable = yearsWithoutHolidayTable
    }
}

/// A reminder the scheduler will send.
public struct UpcomingReminder: Codable, Sendable, Hashable {
    public var at: Date
    public var item: String
    public var date: CivilDate
    public var title: String
    /// The reminder: the lead as written in the plan (`-10wd`, `-1d`), `escalate`, or
    /// `overdue-YYYY-MM-DD`.
    public var lead: String?
    public var recipients: [String]
    /// `journal` or `mail` (added in almanac 0.1; absent from older daemons).
    public var channel: String?
    /// The item's kind (`campaign`, `deadline`, ...).
    public var kind: String?

    public init(
        at: Date, item: String, date: CivilDate, title: String, lead: String? = nil, recipients: [String],
        channel: String? = nil, kind: String? = nil
    ) {
        self.at = at
        self.item = item
        self.date = date
        self.title = title
        self.lead = lead
        self.recipients = recipients
        self.channel = channel
        self.kind = kind
    }
}

/// Result of `next`.
public struct NextReport: Codable, Sendable, Hashable {
    public var reminders: [UpcomingReminder]
    public init(reminders: [UpcomingReminder]) { self.reminders = reminders }
}

/// Result of `ack`, `done`, `progress` and `snooze`: what was recorded, when and by whom.
public struct ChangeReport: Codable, Sendable, Hashable {
    public var item: String
    public var date: CivilDate
    public var state: OccurrenceState
    public var recordedAt: Date
    /// The uid of the caller, from the socket's peer credentials.
    public var uid: UInt32
    public var note: String?
    public var snoozedUntil: Date?
    /// For `progress`: the checklist entry and how many entries are done out of how many.
    public var entry: String?
    public var checklistDone: Int?
    public var checklistTotal: Int?

    public init(
        item: String, date: CivilDate, state: OccurrenceState, recordedAt: Date, uid: UInt32,
        note: String? = nil, snoozedUntil: Date? = nil, entry: String? = nil,
        checklistDone: Int? = nil, checklistTotal: Int? = nil
    ) {
        self.item = item
        self.date = date
        self.state = state
        self.recordedAt = recordedAt
        self.uid = uid
        self.note = note
        self.snoozedUntil = snoozedUntil
        self.entry = entry
        self.checklistDone = checklistDone
        self.checklistTotal = checklistTotal
    }
}

/// One event in the history: a reminder sent, or a change recorded.
public struct HistoryEntry: Codable, Sendable, Hashable {
    public var at: Date
    /// `reminder`, `ack`, `done`, `progress`, `snooze`, ...
    public var event: String
    public var item: String
    public var date: CivilDate
    /// For reminders: `journal`, `mail`.
    public var channel: String?
    public var recipients: [String]
    /// For changes: the uid that made them.
    public var uid: UInt32?
    public var note: String?

    public init(
        at: Date, event: String, item: String, date: CivilDate, channel: String? = nil,
        recipients: [String] = [], uid: UInt32? = nil, note: String? = nil
    ) {
        self.at = at
        self.event = event
        self.item = item
        self.date = date
        self.channel = channel
        self.recipients = recipients
        self.uid = uid
        self.note = note
    }
}

/// Result of `history`.
public struct HistoryReport: Codable, Sendable, Hashable {
    public var entries: [HistoryEntry]
    public init(entries: [HistoryEntry]) { self.entries = entries }
}

/// The result of a command, as a `ControlHandler` returns it. Encoded as the bare payload.
public enum ControlResult: Sendable, Hashable, Encodable {
    case status(StatusReport)
    case reload(ReloadReport)
    case agenda(AgendaReport)
    case next(NextReport)
    case change(ChangeReport)
    case history(HistoryReport)
    case outbox(OutboxReport)
    case sendTest(SendTestReport)
    case cal(CalReport)
    case show(ShowReport)
    case explain(ExplainReport)
    case checklist(ChecklistReport)
    case progressRecorded(ProgressReport)

    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .status(let value): try value.encode(to: encoder)
        case .reload(let value): try value.encode(to: encoder)
        case .agenda(let value): try value.encode(to: encoder)
        case .next(let value): try value.encode(to: encoder)
        case .change(let value): try value.encode(to: encoder)
        case .history(let value): try value.encode(to: encoder)
        case .outbox(let value): try value.encode(to: encoder)
        case .sendTest(let value): try value.encode(to: encoder)
        case .cal(let value): try value.encode(to: encoder)
        case .show(let value): try value.encode(to: encoder)
        case .explain(let value): try value.encode(to: encoder)
        case .checklist(let value): try value.encode(to: encoder)
        case .progressRecorded(let value): try value.encode(to: encoder)
        }
    }
}

/// A reply: `{"v":1,"id":7,"ok":true,"result":{...}}` or `{"v":1,"id":7,"ok":false,"error":{...}}`.
public struct ControlReply<Payload: Sendable>: Sendable {
    public var v: Int
    public var id: RequestID?
    public var ok: Bool
    public var result: Payload?
    public var error: ControlError?

    public init(id: RequestID?, result: Payload) {
        self.v = ControlProtocol.version
        self.id = id
        self.ok = true
        self.result = result
        self.error = nil
    }

    public init(id: RequestID?, error: ControlError) {
        self.v = ControlProtocol.version
        self.id = id
        self.ok = false
        self.result = nil
        self.error = error
    }
}

extension ControlReply: Encodable where Payload: Encodable {}
extension ControlReply: Decodable where Payload: Decodable {}

/// One mail of the outbox.
public struct OutboxMail: Codable, Sendable, Hashable {
    public var id: Int64
    public var messageID: String
    /// `queued`, `sent` or `failed`.
    public var state: String
    public var recipients: [String]
    public var subject: String
    public var attempts: Int
    public var createdAt: Date
    public var nextAttemptAt: Date?
    public var sentAt: Date?
    public var lastError: String?
    /// `mail`, or the robot service (`wecom`, `dingtalk`, `feishu`, `webhook`); absent from
    /// daemons before group robots (read as mail).
    public var channel: String?
    /// The robot it goes to (`wmb/dingtalk`), for robot messages.
    public var destination: String?
    /// Mail recipients the server refused while the others got the mail (`address: reply`).
    public var refused: [String]?
    /// `true` when a send of it was interrupted (the process died during it) and it was or will
    /// be sent again marked as a possible repeat; absent otherwise.
    public var possibleRepeat: Bool?

    public init(
        id: Int64, messageID: String, state: String, recipients: [String], subject: String, attempts: Int, createdAt: Date,
        nextAttemptAt: Date?, sentAt: Date?, lastError: String?, channel: String? = nil, destination: String? = nil,
        refused: [String]? = nil, possibleRepeat: Bool? = nil
    ) {
        self.possibleRepeat = possibleRepeat
        self.channel = channel
        self.destination = destination
        self.refused = refused
        self.id = id
        self.messageID = messageID
        self.state = state
        self.recipients = recipients
        self.subject = subject
        self.attempts = attempts
        self.createdAt = createdAt
        self.nextAttemptAt = nextAttemptAt
        self.sentAt = sentAt
        self.lastError = lastError
    }
}

/// Result of `outbox` and `outbox-retry`: the mail concerned and the counts by state.
public struct OutboxReport: Codable, Sendable, Hashable {
    public var entries: [OutboxMail]
    /// Number of mails per state (`queued`, `sent`, `failed`).
    public var counts: [String: Int]

    public init(entries: [OutboxMail], counts: [String: Int]) {
        self.entries = entries
        self.counts = counts
    }
}

/// One destination's result of `send-test`.
public struct SendTestResult: Codable, Sendable, Hashable {
    /// `mail`, `wecom`, `dingtalk`, `feishu` or `webhook`.
    public var channel: String
    /// The mail addresses, or the robot (`wmb/dingtalk/主群`, its URL redacted in `detail`).
    public var destination: String
    /// Whether the destination took the message.
    public var ok: Bool
    /// What happened: the server's or the service's answer, or why nothing was sent.
    public var detail: String

    public init(channel: String, destination: String, ok: Bool, detail: String) {
        self.channel = channel
        self.destination = destination
        self.ok = ok
        self.detail = detail
    }
}

/// Result of `send-test`: one entry per destination tried.
public struct SendTestReport: Codable, Sendable, Hashable {
    public var unit: String
    public var results: [SendTestResult]

    public init(unit: String, results: [SendTestResult]) {
        self.unit = unit
        self.results = results
    }
}
