import AlmanacCalendar
import AlmanacPlan
import AlmanacScheduler
import AlmanacStore
import Foundation
import Logging

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
    /// Mail addresses per recipient id (unit id, `UNIT.leader`), and the sender.
    public struct MailDirectory: Sendable {
        public var addresses: [String: [String]]
        public var sender: String

        public init(addresses: [String: [String]], sender: String) {
            self.addresses = addresses
            self.sender = sender
        }
    }

    let store: any StateStore
    let logger: Logger
    let mail: MailDirectory
    /// Keys recorded (sent, missed, claimed by an earlier process) as far as this process knows.
    public private(set) var recorded: Set<DeliveryID> = []
    /// Deliveries that failed in the last `perform` (store errors); they are retried.
    public private(set) var failures = 0

    public init(store: any StateStore, logger: Logger, mail: MailDirectory) {
        self.store = store
        self.logger = logger
        self.mail = mail
    }

    /// Loads the keys of every delivery due since `since` from the store; an earlier process's
    /// `pending` claims are settled first, on every channel alike, as **not sent**: they go out
    /// again (docs/state-store.md, "In doubt"). A mail claim still pending was never queued
    /// (queueing marks it sent in the same transaction); a journal entry may have been written
    /// just before the kill, so the entry sent again says it may be a repeat.
    public mutating func load(since: Date, now: Date) throws(StoreError) {
        for record in try store.inDoubtDeliveries() {
            try store.resolveInDoubt(record.id, sent: false, at: now)
        }
        recorded = []
        for record in try store.deliveries(dueSince: since) where record.state != .failed {
            recorded.insert(Self.id(record.key))
        }
    }

    static func key(_ id: DeliveryID) -> DeliveryKey {
        DeliveryKey(occurrenceID: id.occurrenceID, reminderID: id.reminderID, channel: id.channel, recipient: id.recipient)
    }

    static func id(_ key: DeliveryKey) -> DeliveryID {
        DeliveryID(occurrenceID: key.occurrenceID, reminderID: key.reminderID, channel: key.channel, recipient: key.recipient)
    }

    /// Performs every action of `decision` in order at `now`.
    public mutating func perform(_ decision: Decision, now: Date) {
        failures = 0
        for action in decision.actions {
            do {
                switch action {
                case .missed(let missed):
                    try store.recordMissed(Self.key(missed.key), dueAt: missed.due, at: now)
                    if missed.key.channel == Channel.journal.rawValue, let occurrence = missed.occurrence {
                        logger.warning(
                            "\(Self.missedText(occurrence, reason: missed.reason))",
                            metadata: Self.fields(occurrence, reminderID: missed.key.reminderID, key: missed.key,
                                messageID: ReminderMessageID.missed))
                    }
                case .remind(let reminder):
                    try send(reminder, now: now)
                case .digest(let digest):
                    try send(digest, now: now)
                }
                recorded.insert(action.key)
            } catch {
                failures += 1
                logger.error(
                    "delivery failed, will retry",
                    metadata: ["ALMANAC_DELIVERY": "\(action.key)", "error": "\(error)"])
            }
        }
    }

    /// Claims a delivery; `nil` when it is done already. A claim left in doubt by an earlier
    /// process is settled as not sent (as `load` does) and claimed again.
    private func claim(_ key: DeliveryID, due: Date, late: Bool, now: Date) throws(StoreError) -> DeliveryRecord? {
        switch try store.claimDelivery(Self.key(key), dueAt: due, late: late, at: now) {
        case .alreadyDone: return nil
        case .claimed(let row): return row
        case .inDoubt(let row):
            try store.resolveInDoubt(row.id, sent: false, at: now)
            guard case .claimed(let again) = try store.claimDelivery(Self.key(key), dueAt: due, late: late, at: now) else {
                return nil
            }
            return again
        }
    }

    private func send(_ reminder: Reminder, now: Date) throws(StoreError) {
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
            logger.log(level: level, "\(text)", metadata: metadata)
            try store.markSent(record.id, at: now)
        case .mail:
            guard let message = compose(reminder, now: now) else {
                try store.markFailed(record.id, at: now, error: "no mail address for \(reminder.key.recipient)")
                logger.warning(
                    "no mail address for a reminder's recipient",
                    metadata: ["ALMANAC_DELIVERY": "\(reminder.key)", "ALMANAC_RECIPIENT": "\(reminder.key.recipient)"])
                return
            }
            try store.enqueueMail(message, delivery: record.id, at: now)
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
            logger.notice(
                "\(subject)\(record.wasInterrupted ? Self.possibleRepeatNote : "")\n\(lines.joined(separator: "\n"))",
                metadata: metadata)
            try store.markSent(record.id, at: now)
        case .mail:
            guard let to = mail.addresses[digest.recipient], !to.isEmpty else {
                try store.markFailed(record.id, at: now, error: "no mail address for \(digest.recipient)")
                return
            }
            let body = lines.joined(separator: "\n") + "\n"
            try store.enqueueMail(
                MailComposer.message(key: digest.key, from: mail.sender, to: to, subject: subject, body: body, date: now),
                delivery: record.id, at: now)
        }
    }

    private func compose(_ reminder: Reminder, now: Date) -> OutboxMessage? {
        guard let to = mail.addresses[reminder.key.recipient], !to.isEmpty else { return nil }
        let occurrence = reminder.occurrence
        let prefix = reminder.kind == .overdue ? "【逾期】" : (reminder.kind == .escalation ? "【督办】" : "【提醒】")
        let subject = "\(prefix)\(occurrence.title)（\(Self.dateText(occurrence))）"
        var body = Self.text(reminder) + "\n\n"
        body += "事项：\(occurrence.itemID)（\(occurrence.kind)）\n日期：\(Self.dateText(occurrence))\n"
        body += "责任单位：\(occurrence.owners.joined(separator: "、"))\n"
        body += "办结后请执行：almanacctl done \(occurrence.id)\n"
        if reminder.isLate { body += "\n（此提醒因系统停机延后发送。）\n" }
        return MailComposer.message(key: reminder.key, from: mail.sender, to: to, subject: subject, body: body, date: now)
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

/// Builds RFC 5322 messages for the outbox: UTF-8 text, encoded-word subject, a Message-ID
/// derived from the delivery key (so the outbox's uniqueness is the delivery's).
public enum MailComposer {
    public static func message(key: DeliveryID, from: String, to: [String], subject: String, body: String, date: Date)
        -> OutboxMessage
    {
        let messageID = "<\(fnv1a(key.description))-\(sanitized(key.occurrenceID))@almanac>"
        let encodedSubject = "=?UTF-8?B?\(Data(subject.utf8).base64EncodedString())?="
        let bodyBase64 = Data(body.utf8).base64EncodedString(options: [.lineLength76Characters, .endLineWithCarriageReturn, .endLineWithLineFeed])
        let raw = [
            "From: \(from)",
            "To: \(to.joined(separator: ", "))",
            "Subject: \(encodedSubject)",
            "Date: \(rfc5322Date(date))",
            "Message-ID: \(messageID)",
            "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=UTF-8",
            "Content-Transfer-Encoding: base64",
            "X-Almanac-Delivery: \(sanitized(key.description))",
            "",
            bodyBase64,
            "",
        ].joined(separator: "\r\n")
        return OutboxMessage(messageID: messageID, sender: from, recipients: to, subject: subject, rawMessage: raw)
    }

    static func fnv1a(_ text: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    static func sanitized(_ text: String) -> String {
        String(text.unicodeScalars.map { scalar -> Character in
            switch scalar {
            case "a"..."z", "A"..."Z", "0"..."9", "-", ".", "_", "@", "/", "*", "+": Character(scalar)
            default: "_"
            }
        })
    }

    /// `Sun, 29 Nov 2026 09:00:00 +0000` (always UTC: the message date needs no local zone).
    static func rfc5322Date(_ date: Date) -> String {
        let seconds = Int(date.timeIntervalSince1970.rounded(.down))
        let day = CivilDate(dayNumber: Int((Double(seconds) / 86_400).rounded(.down)))
        let rest = seconds - day.dayNumber * 86_400
        let names = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return "\(names[day.weekday.rawValue - 1]), \(two(day.day)) \(months[day.month - 1]) \(day.year) "
            + "\(two(rest / 3600)):\(two(rest % 3600 / 60)):\(two(rest % 60)) +0000"
    }
}
