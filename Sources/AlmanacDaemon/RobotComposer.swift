import AlmanacCalendar
import AlmanacMail
import AlmanacPlan
import AlmanacRobots
import AlmanacScheduler
import AlmanacStore
import Foundation

/// Builds the outbox messages of a delivery for the recipient's group robots: the templates
/// rendered in each robot's language (text and markdown), whom to mention, and for the generic
/// webhook its JSON event (docs/robots.md).
///
/// A robot's message is identified by the occurrence, the reminder and the robot (not the
/// unit): units that share a group robot put one message in the group, not one per unit. A
/// unit's daily digest is its own, so there the unit is part of the identity.
enum RobotComposer {
    /// What to queue, and what to record as failed at once (a robot that cannot be used).
    struct Batch {
        var queued: [OutboxMessage] = []
        var failed: [(message: OutboxMessage, error: String)] = []

        var isEmpty: Bool { queued.isEmpty && failed.isEmpty }
    }

    /// The messages of `reminder` for its recipient's robots.
    static func messages(for reminder: Reminder, mail: ReminderDispatcher.MailDirectory, templates: MailTemplates) -> Batch {
        let recipient = reminder.key.recipient
        let kind: MailKind
        switch reminder.kind {
        case .lead: kind = .reminder
        case .overdue: kind = .overdue
        case .escalation: kind = .escalation
        }
        var context = ReminderDispatcher.reminderContext(reminder, mail: mail)
        context.merge(englishValues(reminder)) { $1 }
        return compose(
            recipient: recipient, identityBase: "\(reminder.key.occurrenceID)/\(reminder.key.reminderID)", perRecipient: false,
            kind: kind, context: context, mail: mail, templates: templates
        ) { delivery, text in
            event(reminder, delivery: delivery, text: text, mail: mail)
        }
    }

    /// The messages of a unit's daily digest for its robots.
    static func messages(for digest: Digest, mail: ReminderDispatcher.MailDirectory, templates: MailTemplates) -> Batch {
        var context = ReminderDispatcher.digestContext(digest, mail: mail)
        if var groups = context["groups"] as? [[String: Any]] {
            for index in groups.indices {
                guard var items = groups[index]["items"] as? [[String: Any]] else { continue }
                for item in items.indices {
                    let occurrence = digest.entries.first { "\($0.occurrence.id)" == items[item]["occurrence"] as? String }
                    items[item]["title_en"] = occurrence?.occurrence.englishTitle ?? items[item]["title"]
                    items[item]["reminders_en"] = (occurrence?.reminders ?? []).map(englishReminderText).joined(separator: ", ")
                }
                groups[index]["items"] = items
            }
            context["groups"] = groups
        }
        return compose(
            recipient: digest.recipient, identityBase: "\(digest.key.occurrenceID)/\(digest.key.reminderID)", perRecipient: true,
            kind: .digest, context: context, mail: mail, templates: templates
        ) { delivery, text in
            digestEvent(digest, delivery: delivery, text: text, mail: mail)
        }
    }

    static func compose(
        recipient: String, identityBase: String, perRecipient: Bool, kind: MailKind, context: [String: Any],
        mail: ReminderDispatcher.MailDirectory, templates: MailTemplates, event: (String, String) -> String
    ) -> Batch {
        var batch = Batch()
        for use in mail.robots.uses[recipient] ?? [] {
            guard let robot = mail.robots.robots[use.key] else { continue }
            let identity = "\(identityBase)/\(use.key)" + (perRecipient ? "/\(recipient)" : "")
            let language: TemplateLanguage = robot.endpoint?.language == .en ? .en : .zh
            let rendered = templates.renderRobot(kind, language: language, context: context)
            let content = RobotContent(
                kind: kind.rawValue, title: rendered.title, text: rendered.text, markdown: rendered.markdown,
                mentions: use.mentions, mentionAll: use.mentionAll,
                event: robot.service == .webhook ? event(identity, rendered.text) : nil, delivery: identity)
            let message = OutboxMessage(
                messageID: identity, sender: "", recipients: [recipient], subject: rendered.title, rawMessage: content.encoded(),
                channel: robot.service.rawValue, destination: use.key)
            if let problem = robot.problem {
                batch.failed.append((message, problem))
            } else {
                batch.queued.append(message)
            }
        }
        return batch
    }

    /// The English values robots' `.en` templates use.
    static func englishValues(_ reminder: Reminder) -> [String: Any] {
        let lead: String
        switch reminder.kind {
        case .lead(let value): lead = value.englishDescription
        case .overdue: lead = "overdue"
        case .escalation: lead = "escalation"
        }
        return ["title_en": reminder.occurrence.englishTitle ?? reminder.occurrence.title, "lead_en": lead]
    }

    /// `-10wd` → `10 working days before`; `overdue-…` → `overdue`; `escalate` → `escalation`.
    static func englishReminderText(_ reminderID: String) -> String {
        if reminderID == "escalate" { return "escalation" }
        if reminderID.hasPrefix("overdue-") { return "overdue" }
        return Lead(text: reminderID)?.englishDescription ?? reminderID
    }

    static func person(_ id: String, mail: ReminderDispatcher.MailDirectory) -> JSONValue {
        .object([("id", .string(id)), ("name", .string(mail.name(of: id)))])
    }

    static func dateValue(_ occurrence: ScheduledOccurrence) -> JSONValue {
        .object([
            ("start", .string("\(occurrence.start)")), ("end", .string("\(occurrence.end)")),
            ("time", .optional(occurrence.time.map { "\($0)" })),
        ])
    }

    /// The generic webhook's body for a reminder (docs/robots.md, "The webhook's JSON").
    static func event(_ reminder: Reminder, delivery: String, text: String, mail: ReminderDispatcher.MailDirectory) -> String {
        let occurrence = reminder.occurrence
        let kind: String
        let lead: (zh: String, en: String)
        switch reminder.kind {
        case .lead(let value):
            kind = "reminder"
            lead = (value.amount == 0 ? "当天" : value.chineseDescription, value.englishDescription)
        case .overdue:
            kind = "overdue"
            lead = ("逾期", "overdue")
        case .escalation:
            kind = "escalation"
            lead = ("督办", "escalation")
        }
        return JSONValue.object([
            ("schema", "almanac.reminder/1"),
            ("delivery", .string(delivery)),
            ("kind", .string(kind)),
            ("plan", .string(mail.planName)),
            ("item", .string(occurrence.itemID)),
            ("item_kind", .string(occurrence.kind)),
            ("occurrence", .string("\(occurrence.id)")),
            ("reminder", .string(reminder.key.reminderID)),
            ("lead", .object([("zh", .string(lead.zh)), ("en", .string(lead.en))])),
            ("date", dateValue(occurrence)),
            ("title", .object([("zh", .string(occurrence.title)), ("en", .optional(occurrence.englishTitle))])),
            ("owners", .array(occurrence.owners.map { person($0, mail: mail) })),
            ("leaders", .array(occurrence.leaders.map { person($0, mail: mail) })),
            ("recipient", person(reminder.key.recipient, mail: mail)),
            ("explanation", .array((mail.explain?(occurrence.id) ?? []).map { .string($0) })),
            ("due_at", .string(ISO8601DateFormatter().string(from: reminder.due))),
            ("late", .bool(reminder.isLate)),
            ("text", .string(text)),
        ]).text
    }

    /// The generic webhook's body for a unit's daily digest.
    static func digestEvent(_ digest: Digest, delivery: String, text: String, mail: ReminderDispatcher.MailDirectory) -> String {
        JSONValue.object([
            ("schema", "almanac.digest/1"),
            ("delivery", .string(delivery)),
            ("kind", "digest"),
            ("plan", .string(mail.planName)),
            ("day", .string("\(digest.day)")),
            ("recipient", person(digest.recipient, mail: mail)),
            (
                "entries",
                .array(
                    digest.entries.map { entry in
                        .object([
                            ("item", .string(entry.occurrence.itemID)), ("occurrence", .string("\(entry.occurrence.id)")),
                            ("title", .object([("zh", .string(entry.occurrence.title)), ("en", .optional(entry.occurrence.englishTitle))])),
                            ("date", dateValue(entry.occurrence)), ("reminders", .array(entry.reminders.map { .string($0) })),
                        ])
                    })
            ),
            ("late", .bool(digest.isLate)),
            ("text", .string(text)),
        ]).text
    }
}
