import AlmanacCalendar
import AlmanacMail
import AlmanacPlan
import AlmanacScheduler
import AlmanacStore
import Foundation
import Logging
import Synchronization

/// Journal message ids of the reminder entries (units/almanac.catalog).
public enum ReminderMessageID {
    /// A reminder due now.
    public static let reminder = "0075d6d05bfd47f1967bccb451ecd250"
    /// A reminder sent late, caught up after downtime.
    public static let late = "cb38356cc6944f0c8f22b30c90abb48d"
    /// A reminder older than the catch-up window, recorded and not sent.
    public static let missed = "031ccb78a9694dc6b513841141efaeb9"
    /// An overdue repeat.
    public static let overdue = "450d84be73f34f43bd60c9274b7ad13f"
}

/// Carries out the planner's decisions: claims each delivery in the store before sending
/// (docs/state-store.md), writes journal entries, queues mail in the outbox, records missed ones,
/// and keeps the set of recorded keys the planner needs.
///
/// Synchronous and single-threaded by design: the scheduler service owns one and calls it from
/// its loop.
public struct ReminderDispatcher: Sendable {
    /// Mail addresses per recipient id (unit id, `UNIT.leader`), and the sender; the names,
    /// templates and plan-wide recipients mail is composed with.
    public struct MailDirectory: Sendable {
        public var addresses: [String: [String]]
        public var sender: String
        /// The sender's display name (the plan's name by default).
        public var senderName: String?
        /// Display names per recipient id (`wmb` → 区文明办, `wmb.leader` → the leader's name).
        public var names: [String: String]
        /// Plan-wide recipients, copied (Cc) on every mail.
        public var cc: [String]
        /// The plan's name, for the templates.
        public var planName: String
        /// The zone of the `Date:` header (the plan's).
        public var timeZone: TimeZone
        /// The templates (reloaded with the plan); `nil`: the built-in ones.
        public var templates: MailTemplateSource?
        /// Rung after mail is queued, so the outbox worker sends it at once.
        public var doorbell: Doorbell?
        /// Recipients without an address already reported (once per process, not per reminder).
        public var unreachable: UnreachableRecipients?
        /// The recipients' group robots (resolved when the plan was loaded).
        public var robots: RobotDirectory
        /// Rung after robot messages are queued.
        public var robotDoorbell: Doorbell?
        /// How an occurrence's date was derived, step by step (the webhook's `explanation`): the
        /// plan's rule engine asked again, since the plan in force does not keep explanations.
        public var explain: (@Sendable (OccurrenceID) -> [String])?

        public init(
            addresses: [String: [String]], sender: String, senderName: String? = nil, names: [String: String] = [:],
            cc: [String] = [], planName: String = "", timeZone: TimeZone = ZonedTime.defaultZone,
            templates: MailTemplateSource? = nil, doorbell: Doorbell? = nil, unreachable: UnreachableRecipients? = nil,
            robots: RobotDirectory = .empty, robotDoorbell: Doorbell? = nil,
            explain: (@Sendable (OccurrenceID) -> [String])? = nil
        ) {
            self.explain = explain
            self.robots = robots
            self.robotDoorbell = robotDoorbell
            self.addresses = addresses
            self.sender = sender
            self.senderName = senderName
            self.names = names
            self.cc = cc
            self.planName = planName
            self.timeZone = timeZone
            self.templates = templates
            self.doorbell = doorbell
            self.unreachable = unreachable
        }

        /// The display name of a recipient id.
        func name(of recipient: String) -> String { names[recipient] ?? recipient }
    }

    let store: any StateStore
    let logger: Logger
    let mail: MailDirectory
    /// Who may deliver: this process always (SQLite), or the holder of the lease (PostgreSQL).
    let leadership: Leadership
    /// Keys recorded (sent, missed, claimed by an earlier process) as far as this process knows.
    public private(set) var recorded: Set<DeliveryID> = []
    /// Deliveries that failed in the last `perform` (store errors); they are retried.
    public private(set) var failures = 0
    /// The last `perform` stopped because this instance lost the lease (another one delivers).
    public private(set) var deposed = false
    /// Journal entries this process wrote whose `sent` mark failed (the disk filled between the
    /// claim and the mark): the next attempt only records them, instead of writing them again.
    public private(set) var journaledUnmarked: [DeliveryID: Int64] = [:]

    public init(store: any StateStore, logger: Logger, mail: MailDirectory, leadership: Leadership = .single()) {
        self.store = store
        self.logger = logger
        self.mail = mail
        self.leadership = leadership
    }

    /// Loads the keys of every delivery due since `since` from the store; an earlier process's
    /// `pending` claims are settled first, on every channel alike, as **not sent**: they go out
    /// again (docs/state-store.md, "In doubt"). A mail claim still pending was never queued
    /// (queueing marks it sent in the same transaction); a journal entry may have been written
    /// just before the kill, so the entry sent again says it may be a repeat.
    ///
    /// - Parameter settle: Whether to settle the claims in doubt (the leader does; a follower only
    ///   reads what the leader recorded).
    public mutating func load(since: Date, now: Date, settle: Bool = true) throws(StoreError) {
        if settle {
            let written = Set(journaledUnmarked.values)
            for record in try store.inDoubtDeliveries() {
                // Written by this process, only not marked: sent, not in doubt.
                try store.resolveInDoubt(record.id, sent: written.contains(record.id), at: now)
            }
            journaledUnmarked = [:]
        }
        recorded = []
        for record in try store.deliveries(dueSince: since) where record.state != .failed {
            recorded.insert(record.key)
        }
    }

    /// Performs every action of `decision` in order at `now`.
    public mutating func perform(_ decision: Decision, now: Date) {
        failures = 0
        deposed = false
        let actions = decision.actions
        var index = 0
        while index < actions.count, !deposed {
            // A run of missed reminders (thousands after downtime) is recorded in one transaction.
            var missedRun: [Missed] = []
            while index + missedRun.count < actions.count, case .missed(let missed) = actions[index + missedRun.count] {
                missedRun.append(missed)
            }
            let run = missedRun.isEmpty ? actions[index..<(index + 1)] : actions[index..<(index + missedRun.count)]
            index += run.count
            do {
                if !missedRun.isEmpty {
                    try store.recordMissed(missedRun.map { MissedDelivery($0.key, dueAt: $0.due) }, at: now)
                    for missed in missedRun where missed.key.channel == Channel.journal.rawValue {
                        guard let occurrence = missed.occurrence else { continue }
                        logger.warning(
                            "\(Self.missedText(occurrence, reason: missed.reason))",
                            metadata: Self.fields(occurrence, reminderID: missed.key.reminderID, key: missed.key,
                                messageID: ReminderMessageID.missed))
                    }
                } else if let action = run.first {
                    switch action {
                    case .missed: break
                    case .remind(let reminder): try send(reminder, now: now)
                    case .digest(let digest): try send(digest, now: now)
                    }
                }
                for action in run { recorded.insert(action.key) }
            } catch {
                failures += run.count
                let key = run.first.map { "\($0.key)" } ?? ""
                if error.code == .notLeader {
                    // Another instance holds the lease now: it delivers the rest.
                    deposed = true
                    logger.warning("lease lost, delivering stops here", metadata: ["ALMANAC_DELIVERY": "\(key)", "error": "\(error)"])
                    continue
                }
                logger.error(
                    "delivery failed, will retry",
                    metadata: ["ALMANAC_DELIVERY": "\(key)", "ALMANAC_COUNT": "\(run.count)", "error": "\(error)"])
            }
        }
        // Robot messages wait for the whole pass, so the worker sees a burst (reminders all due at
        // delivery_time) at once and merges only what exceeds each robot's rate. Rung after every
        // pass, also an empty one: the first after a start or reload is when the robots of the
        // plan are known, and messages queued before it (a restart) can go.
        mail.robotDoorbell?.ring()
    }

    /// Claims a delivery; `nil` when it is done already. A claim left in doubt by an earlier
    /// process is settled as not sent (as `load` does) and claimed again.
    private func claim(_ key: DeliveryID, due: Date, late: Bool, now: Date) throws(StoreError) -> DeliveryRecord? {
        switch try store.claimDelivery(key, dueAt: due, late: late, at: now) {
        case .alreadyDone: return nil
        case .claimed(let row): return row
        case .inDoubt(let row):
            try store.resolveInDoubt(row.id, sent: false, at: now)
            guard case .claimed(let again) = try store.claimDelivery(key, dueAt: due, late: late, at: now) else {
                return nil
            }
            return again
        }
    }

    private mutating func send(_ reminder: Reminder, now: Date) throws(StoreError) {
        if let written = journaledUnmarked[reminder.key] {
            try store.markSent(written, at: now)
            journaledUnmarked[reminder.key] = nil
            return
        }
        guard let record = try claim(reminder.key, due: reminder.due, late: reminder.isLate, now: now) else { return }
        switch reminder.channel {
        case .journal:
            let occurrence = reminder.occurrence
            let messageID: String
            switch reminder.kind {
            case .overdue: messageID = ReminderMessageID.overdue
            default: messageID = reminder.isLate ? ReminderMessageID.late : ReminderMessageID.reminder
            }
            var metadata = Self.fields(occurrence, reminderID: reminder.key.reminderID, key: reminder.key, messageID: messageID)
            metadata["ALMANAC_RECIPIENTS"] = "\(reminder.recipients.joined(separator: ","))"
            if reminder.isLate { metadata["ALMANAC_LATE_SECONDS"] = "\(Int(reminder.lateness))" }
            var text = Self.text(reminder)
            if record.wasInterrupted {
                metadata["ALMANAC_POSSIBLE_REPEAT"] = "1"
                text += Self.possibleRepeatNote
            }
            let level: Logger.Level = reminder.kind == .overdue ? .warning : .notice
            try requireLease(reminder.key)
            logger.log(level: level, "\(text)", metadata: metadata)
            do {
                try store.markSent(record.id, at: now)
            } catch {
                journaledUnmarked[reminder.key] = record.id
                throw error
            }
        case .mail:
            let robots = RobotComposer.messages(for: reminder, mail: mail, templates: currentTemplates)
            try queue(compose(reminder, now: now), robots: robots, record: record, key: reminder.key, now: now)
        }
    }

    private var currentTemplates: MailTemplates { mail.templates?.current ?? MailTemplateSource.builtIn }

    /// Queues a delivery's mail and its robot messages (one transaction marks the delivery sent).
    /// With robots, a recipient without a mail address is fine: its robots get the reminder.
    private func queue(
        _ composed: Result<OutboxMessage, ComposeProblem>, robots: RobotComposer.Batch, record: DeliveryRecord, key: DeliveryID,
        now: Date
    ) throws(StoreError) {
        switch composed {
        case .success(let message) where robots.isEmpty:
            try enqueueMail(message, delivery: record, now: now)
        case .success(let message):
            try store.enqueue([message] + robots.queued, failed: robots.failed, delivery: record.id, at: now)
            mail.doorbell?.ring()
        case .failure(let problem) where robots.isEmpty:
            try store.markFailed(record.id, at: now, error: problem.description)
            report(problem, key: key)
        case .failure(let problem):
            if case .invalid = problem { report(problem, key: key) }
            try store.enqueue(robots.queued, failed: robots.failed, delivery: record.id, at: now)
        }
    }

    /// Queues one mail for a claimed delivery (the same transaction marks the delivery sent) and
    /// rings the outbox worker, which otherwise sleeps until its next retry. Every mail the
    /// scheduler queues goes through here or ``queue(_:robots:record:key:now:)``.
    func enqueueMail(_ message: OutboxMessage, delivery record: DeliveryRecord, now: Date) throws(StoreError) {
        try store.enqueueMail(message, delivery: record.id, at: now)
        mail.doorbell?.ring()
    }

    /// Throws `not-leader` when this process's lease has ended by its own clock: checked right
    /// before a journal entry is written, after the claim, so that a leader paused past its lease
    /// (whose claims another instance may be settling and sending again) writes nothing when it
    /// wakes. The claim stays pending; the next leader settles it.
    func requireLease(_ key: DeliveryID) throws(StoreError) {
        guard leadership.maySend else {
            throw StoreError(.notLeader, operation: "sending delivery \(key)", detail: "the lease ended before sending")
        }
    }

    /// Logs a mail that cannot be composed; a recipient without an address only the first time.
    private func report(_ problem: ComposeProblem, key: DeliveryID) {
        switch problem {
        case .noAddress(let recipient):
            guard mail.unreachable?.firstReport(recipient) ?? true else { return }
            logger.warning(
                "a recipient has no mail address; its mail reminders are not sent (reported once)",
                metadata: [
                    "MESSAGE_ID": "\(MailMessageID.noAddress)", "ALMANAC_DELIVERY": "\(key)",
                    "ALMANAC_RECIPIENT": "\(recipient)",
                ])
        case .invalid(let error):
            logger.error(
                "mail cannot be composed", metadata: ["ALMANAC_DELIVERY": "\(key)", "error": "\(error)"])
        }
    }

    private func send(_ digest: Digest, now: Date) throws(StoreError) {
        guard let record = try claim(digest.key, due: digest.due, late: digest.isLate, now: now) else { return }
        let lines = digest.entries.map { entry in
            "- \(entry.occurrence.title)（\(Self.dateText(entry.occurrence))）：\(entry.reminders.map(Self.reminderText).joined(separator: "、"))"
        }
        let subject = "【今日提醒】\(digest.day) 共\(digest.entries.count)项"
        switch digest.channel {
        case .journal:
            var metadata: Logger.Metadata = [
                "MESSAGE_ID": "\(ReminderMessageID.reminder)", "ALMANAC_DELIVERY": "\(digest.key)",
                "ALMANAC_DATE": "\(digest.day)", "ALMANAC_RECIPIENTS": "\(digest.recipient)",
            ]
            if record.wasInterrupted { metadata["ALMANAC_POSSIBLE_REPEAT"] = "1" }
            try requireLease(digest.key)
            logger.notice(
                "\(subject)\(record.wasInterrupted ? Self.possibleRepeatNote : "")\n\(lines.joined(separator: "\n"))",
                metadata: metadata)
            try store.markSent(record.id, at: now)
        case .mail:
            let robots = RobotComposer.messages(for: digest, mail: mail, templates: currentTemplates)
            let composed: Result<OutboxMessage, ComposeProblem>
            if let to = mail.addresses[digest.recipient], !to.isEmpty {
                let rendered = currentTemplates.render(.digest, context: Self.digestContext(digest, mail: mail))
                composed = MailComposer.message(
                    key: digest.key, recipient: digest.recipient, to: to, rendered: rendered, mail: mail, date: now)
            } else {
                composed = .failure(.noAddress(digest.recipient))
            }
            try queue(composed, robots: robots, record: record, key: digest.key, now: now)
        }
    }

    /// The digest's template values: its entries grouped by their date, in date order.
    static func digestContext(_ digest: Digest, mail: MailDirectory) -> [String: Any] {
        var groups: [(date: String, start: String, items: [[String: Any]])] = []
        for entry in digest.entries.sorted(by: { ($0.occurrence.start, $0.occurrence.itemID) < ($1.occurrence.start, $1.occurrence.itemID) }) {
            let date = dateText(entry.occurrence)
            let item: [String: Any] = [
                "title": entry.occurrence.title, "item": entry.occurrence.itemID, "occurrence": "\(entry.occurrence.id)",
                "kind": entry.occurrence.kind, "date": date,
                "reminders": entry.reminders.map(reminderText).joined(separator: "、"),
            ]
            if let last = groups.indices.last, groups[last].date == date {
                groups[last].items.append(item)
            } else {
                groups.append((date, "\(entry.occurrence.start)", [item]))
            }
        }
        return [
            "plan": mail.planName, "day": "\(digest.day)", "recipient": mail.name(of: digest.recipient),
            "count": digest.entries.count, "late": digest.isLate,
            "groups": groups.map { ["date": $0.date, "start": $0.start, "items": $0.items] as [String: Any] },
        ]
    }

    private func compose(_ reminder: Reminder, now: Date) -> Result<OutboxMessage, ComposeProblem> {
        let recipient = reminder.key.recipient
        guard let to = mail.addresses[recipient], !to.isEmpty else { return .failure(.noAddress(recipient)) }
        let kind: MailKind
        switch reminder.kind {
        case .lead: kind = .reminder
        case .overdue: kind = .overdue
        case .escalation: kind = .escalation
        }
        let rendered = (mail.templates?.current ?? MailTemplateSource.builtIn).render(kind, context: Self.reminderContext(reminder, mail: mail))
        return MailComposer.message(key: reminder.key, recipient: recipient, to: to, rendered: rendered, mail: mail, date: now)
    }

    /// A reminder's template values (docs/mail.md lists them).
    static func reminderContext(_ reminder: Reminder, mail: MailDirectory) -> [String: Any] {
        let occurrence = reminder.occurrence
        let lead: String
        switch reminder.kind {
        case .lead(let value): lead = value.amount == 0 ? "当天" : value.chineseDescription
        case .overdue: lead = "逾期"
        case .escalation: lead = "督办"
        }
        return [
            "plan": mail.planName, "title": occurrence.title, "item": occurrence.itemID, "kind": occurrence.kind,
            "occurrence": "\(occurrence.id)", "date": dateText(occurrence), "start": "\(occurrence.start)",
            "deadline": "\(occurrence.end)", "lead": lead, "reminder": reminder.key.reminderID,
            "recipient": mail.name(of: reminder.key.recipient),
            "owners": occurrence.owners.map { mail.name(of: $0) }.joined(separator: "、"),
            "leaders": occurrence.leaders.map { mail.name(of: $0) }.joined(separator: "、"),
            "late": reminder.isLate, "message": text(reminder),
        ]
    }

    // MARK: - Texts and fields (pure)

    /// Appended to a journal entry sent again after its first attempt was left in doubt.
    static let possibleRepeatNote = "（可能重复：上次发送时进程中断）"

    static func fields(_ occurrence: ScheduledOccurrence, reminderID: String, key: DeliveryID, messageID: String)
        -> Logger.Metadata
    {
        [
            "MESSAGE_ID": "\(messageID)",
            "ALMANAC_ITEM": "\(occurrence.itemID)",
            "ALMANAC_DATE": "\(occurrence.start)",
            "ALMANAC_KIND": "\(occurrence.kind)",
            "ALMANAC_OWNERS": "\(occurrence.owners.joined(separator: ","))",
            "ALMANAC_LEAD": "\(reminderID)",
            "ALMANAC_DELIVERY": "\(key)",
        ]
    }

    static func dateText(_ occurrence: ScheduledOccurrence) -> String {
        var text = occurrence.start == occurrence.end ? "\(occurrence.start)" : "\(occurrence.start)至\(occurrence.end)"
        if let time = occurrence.time { text += " \(time)" }
        return text
    }

    /// `-10wd` → 提前10个工作日; `overdue-2026-08-12` → 逾期提醒; `escalate` → 督办.
    static func reminderText(_ reminderID: String) -> String {
        if reminderID == "escalate" { return "督办" }
        if reminderID.hasPrefix("overdue-") { return "逾期提醒" }
        return Lead(text: reminderID)?.chineseDescription ?? reminderID
    }

    /// The journal MESSAGE of a reminder, in Chinese.
    static func text(_ reminder: Reminder) -> String {
        let occurrence = reminder.occurrence
        let owners = occurrence.owners.joined(separator: "、")
        switch reminder.kind {
        case .lead(let lead):
            let when = lead.amount == 0 ? "今天" : lead.chineseDescription
            return "提醒（\(when)）：\(occurrence.title)，\(dateText(occurrence))，责任单位：\(owners)"
                + (reminder.isLate ? "（补发）" : "")
        case .escalation:
            return "督办：\(occurrence.title)，截止\(occurrence.end)，尚未确认，责任单位：\(owners)"
        case .overdue:
            return "逾期未办：\(occurrence.title)，应于\(occurrence.end)完成，责任单位：\(owners)"
        }
    }

    static func missedText(_ occurrence: ScheduledOccurrence, reason: MissedReason) -> String {
        switch reason {
        case .outsideCatchUpWindow: "错过的提醒（超出补发窗口，未发送）：\(occurrence.title)，\(dateText(occurrence))"
        case .superseded: "被更新的提醒取代（未发送）：\(occurrence.title)，\(dateText(occurrence))"
        }
    }
}

/// Why a mail cannot be composed.
enum ComposeProblem: Error, CustomStringConvertible {
    case noAddress(String)
    case invalid(MailError)

    var description: String {
        switch self {
        case .noAddress(let recipient): "no mail address for \(recipient)"
        case .invalid(let error): "cannot compose the mail: \(error)"
        }
    }
}

/// Builds the outbox message of a delivery with AlmanacMail: RFC 5322/MIME in UTF-8, a
/// Message-ID derived from the delivery key (so the outbox's uniqueness is the delivery's, and a
/// resend is recognisable), recipients' display names, plan-wide Cc.
enum MailComposer {
    static func message(
        key: DeliveryID, recipient: String, to: [String], rendered: RenderedMail, mail: ReminderDispatcher.MailDirectory,
        date: Date
    ) -> Result<OutboxMessage, ComposeProblem> {
        do throws(MailError) {
            let name = mail.names[recipient]
            let message = MailMessage(
                from: try MailAddress(mail.sender, name: mail.senderName ?? (mail.planName.isEmpty ? nil : mail.planName)),
                to: try to.map { address throws(MailError) in try MailAddress(address, name: name) },
                cc: try mail.cc.map { address throws(MailError) in try MailAddress(parsing: address) },
                subject: rendered.subject, text: rendered.text, html: rendered.html, date: date, timeZone: mail.timeZone,
                identity: key.description)
            return .success(
                OutboxMessage(
                    messageID: message.messageID, sender: message.from.address, recipients: message.envelopeRecipients,
                    subject: rendered.subject, rawMessage: try message.render()))
        } catch {
            return .failure(.invalid(error))
        }
    }

    /// A plain message without templates (checklist mail): the same builder, headers and
    /// Message-ID. A message that cannot be built (an invalid address) is queued without
    /// recipients, so the outbox keeps it as failed, visible in `almanacctl outbox`.
    static func message(key: DeliveryID, from: String, to: [String], subject: String, body: String, date: Date) -> OutboxMessage {
        let directory = ReminderDispatcher.MailDirectory(addresses: [:], sender: from)
        switch message(
            key: key, recipient: key.recipient, to: to, rendered: RenderedMail(subject: subject, text: body, html: nil),
            mail: directory, date: date)
        {
        case .success(let message): return message
        case .failure:
            return OutboxMessage(
                messageID: AlmanacMail.MessageID.derive(identity: key.description, domain: ""), sender: from, recipients: [],
                subject: subject, rawMessage: "")
        }
    }

    /// The `Date:` header value in UTC.
    static func rfc5322Date(_ date: Date) -> String {
        MessageDate.rfc5322(date, timeZone: TimeZone(identifier: "UTC") ?? .gmt)
    }
}

/// The mail templates in use, replaced on reload only when the new ones all parse.
public final class MailTemplateSource: Sendable {
    private let state: Mutex<MailTemplates>
    /// The override directory (`mail.templates`), if any.
    public let directory: String?

    /// The built-in templates (they are part of the program and always parse).
    static let builtIn: MailTemplates = (try? MailTemplates.builtIn()) ?? MailTemplates.empty

    private init(directory: String?, templates: MailTemplates) {
        self.directory = directory
        state = Mutex(templates)
    }

    /// Loads the templates of `directory` (or the built-ins). When they do not load, the
    /// built-ins are used and the error (file:line:column) is returned with them.
    public static func load(directory: String?) -> (MailTemplateSource, TemplateLoadError?) {
        do {
            return (MailTemplateSource(directory: directory, templates: try MailTemplates.load(directory: directory)), nil)
        } catch {
            return (MailTemplateSource(directory: directory, templates: builtIn), error)
        }
    }

    /// The templates in use.
    public var current: MailTemplates { state.withLock { $0 } }

    /// Loads the directory again; on error the old templates stay and the error is returned.
    @discardableResult
    public func reload() -> TemplateLoadError? {
        do {
            let fresh = try MailTemplates.load(directory: directory)
            state.withLock { $0 = fresh }
            return nil
        } catch {
            return error
        }
    }
}

/// Recipients whose missing address was reported already.
public final class UnreachableRecipients: Sendable {
    private let reported = Mutex(Set<String>())

    public init() {}

    /// True the first time for `recipient`.
    func firstReport(_ recipient: String) -> Bool { reported.withLock { $0.insert(recipient).inserted } }

    /// Every recipient reported so far, sorted.
    public var all: [String] { reported.withLock { $0.sorted() } }
}
