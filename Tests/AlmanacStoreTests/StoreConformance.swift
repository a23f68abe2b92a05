import AlmanacCalendar
import Foundation
import Testing

@testable import AlmanacStore

/// The behaviour every ``StateStore`` owes the daemon, checked the same way on SQLite and on
/// PostgreSQL: the claim protocol, marks and snoozes, the outbox, checklist progress.
enum StoreConformance {
    static func exercise(_ store: any StateStore) throws {
        try deliveries(store)
        try marks(store)
        try outbox(store)
        try channelOutbox(store)
        try inDoubt(store)
        try checklists(store)
    }

    /// Delivery in doubt: an attempt handed to the transport and never recorded is settled once,
    /// counted and marked; recorded attempts are not; a requeue forgets the handed attempt.
    static func inDoubt(_ store: any StateStore) throws {
        func mail(_ n: Int) throws -> Int64 {
            try store.enqueueMail(
                OutboxMessage(messageID: "<doubt.\(n)@example.org>", sender: "almanac@example.org", recipients: ["d\(n)@example.org"],
                              subject: "疑", rawMessage: "Subject: x\r\n\r\nx\r\n"), delivery: nil, at: t0)
        }
        let (sent, retried, lost) = (try mail(1), try mail(2), try mail(3))
        try store.markHanded([sent])
        try store.markMailSent(sent, at: t0 + 1)
        try store.markHanded([retried])
        try store.markMailAttemptFailed(retried, at: t0 + 1, error: "451 later", retryAt: t0 + 2)
        try store.markHanded([lost, retried])
        #expect(try store.settleInterruptedSends(channels: ["webhook"]).isEmpty)
        let settled = try store.settleInterruptedSends(channels: ["mail"])
        #expect(settled.map(\.id) == [retried, lost])
        #expect(settled.map(\.attempts) == [2, 1] && settled.allSatisfy(\.possibleRepeat))
        #expect(try store.settleInterruptedSends(channels: ["mail"]).isEmpty)
        #expect(try store.mailEntry(sent)?.possibleRepeat == false && store.mailEntry(sent)?.attempts == 1)
        try store.markMailSent(lost, at: t0 + 3)
        #expect(try store.mailEntry(lost)?.attempts == 2 && store.mailEntry(lost)?.possibleRepeat == true)
        try store.markHanded([retried])
        try store.markMailAttemptFailed(retried, at: t0 + 4, error: "550 no", retryAt: nil)
        #expect(try store.requeueMail(retried, at: t0 + 5))
        #expect(try store.settleInterruptedSends(channels: ["mail"]).isEmpty)
        #expect(try store.mailEntry(retried)?.attempts == 0)
    }

    static func channelOutbox(_ store: any StateStore) throws {
        let key = DeliveryID(occurrenceID: "robots@2027-05-01", reminderID: "0d", channel: "mail", recipient: "wmb")
        guard case .claimed(let delivery) = try store.claimDelivery(key, dueAt: t0, late: false, at: t0) else {
            Issue.record("claimed")
            return
        }
        func robot(_ id: String, _ destination: String) -> OutboxMessage {
            OutboxMessage(
                messageID: id, sender: "", recipients: ["wmb"], subject: "提醒", rawMessage: "{}", channel: "dingtalk",
                destination: destination)
        }
        let ids = try store.enqueue(
            [robot("r/1", "dingtalk:aa"), robot("r/2", "dingtalk:aa"), robot("r/3", "dingtalk:bb")],
            failed: [(robot("r/4", "dingtalk:cc"), "no such robot")], delivery: delivery.id, at: t0)
        #expect(ids.count == 4)
        #expect(try store.delivery(key)?.state == .sent)
        // The same message again (a group shared by two units): left as it is.
        #expect(try store.enqueue([robot("r/1", "dingtalk:aa")], failed: [], delivery: nil, at: t0 + 1).isEmpty)
        let queued = try store.queuedOutbox(channels: ["dingtalk", "wecom"], limit: 10)
        #expect(queued.map(\.message.messageID) == ["r/1", "r/2", "r/3"])
        #expect(queued.first?.message.channel == "dingtalk" && queued.first?.message.destination == "dingtalk:aa")
        #expect(try store.queuedOutbox(channels: ["mail"], limit: 10).allSatisfy { $0.message.channel == "mail" })
        try store.recordOutboxRequest(destination: "dingtalk:aa", entries: [ids[0]], outcome: .sent, at: t0 + 2)
        try store.recordOutboxRequest(
            destination: "dingtalk:aa", entries: [ids[1]], outcome: .failed(error: "429", retryAt: t0 + 60), at: t0 + 3)
        #expect(try store.outboxRequests(destination: "dingtalk:aa", since: t0) == [t0 + 2, t0 + 3])
        #expect(try store.mailEntry(ids[0])?.state == .sent)
        #expect(try store.mailEntry(ids[1])?.nextAttemptAt == t0 + 60 && store.mailEntry(ids[1])?.lastError == "429")
        #expect(try store.failQueuedOutbox(destination: "dingtalk:bb", error: "wrong key", at: t0 + 4) == 1)
        #expect(try store.mailEntry(ids[2])?.state == .failed && store.mailEntry(ids[3])?.lastError == "no such robot")
        // A mail some recipients refused: noted, the rest retried, then sent.
        let mail = try store.enqueueMail(
            OutboxMessage(messageID: "<almanac.partly@example.org>", sender: "a@example.org",
                          recipients: ["x@example.org", "y@example.org", "z@example.org"], subject: "s", rawMessage: "m"),
            delivery: nil, at: t0)
        try store.recordMailPartlySent(
            mail, refused: ["x@example.org: 550 no such user"], remaining: ["z@example.org"], retryAt: t0 + 60, error: "451 later",
            at: t0 + 5)
        let partly = try #require(try store.mailEntry(mail))
        #expect(partly.state == .queued && partly.message.recipients == ["z@example.org"] && partly.refused == ["x@example.org: 550 no such user"])
        try store.recordMailPartlySent(mail, refused: [], remaining: [], retryAt: nil, error: nil, at: t0 + 70)
        let sent = try #require(try store.mailEntry(mail))
        #expect(sent.state == .sent && sent.sentAt == t0 + 70 && sent.refused == ["x@example.org: 550 no such user"])
    }

    static func deliveries(_ store: any StateStore) throws {
        let journal = DeliveryID(occurrenceID: "flag-salute@2027-09-20", reminderID: "-10wd", channel: "journal")
        let mail = DeliveryID(occurrenceID: "flag-salute@2027-09-20", reminderID: "-10wd", channel: "mail", recipient: "wmb")
        guard case .claimed(let first) = try store.claimDelivery(journal, dueAt: t0, late: false, at: t0) else {
            Issue.record("a new delivery is claimed")
            return
        }
        #expect(first.state == .pending && first.attempts == 1 && first.key == journal && first.dueAt == t0 && !first.late)
        // Pending: a second claim is in doubt, never claimed.
        guard case .inDoubt(let doubt) = try store.claimDelivery(journal, dueAt: t0, late: false, at: t0 + 1) else {
            Issue.record("a pending delivery is in doubt")
            return
        }
        #expect(doubt.id == first.id)
        #expect(try store.inDoubtDeliveries().map(\.id) == [first.id])
        try store.resolveInDoubt(first.id, sent: false, at: t0 + 2)
        let failed = try #require(try store.delivery(journal))
        #expect(failed.state == .failed && failed.wasInterrupted)
        // Failed: claimed again, one more attempt, late.
        guard case .claimed(let again) = try store.claimDelivery(journal, dueAt: t0, late: true, at: t0 + 3) else {
            Issue.record("a failed delivery is claimed again")
            return
        }
        #expect(again.id == first.id && again.attempts == 2 && again.late && again.claimedAt == t0 + 3)
        try store.markSent(again.id, at: t0 + 4)
        guard case .alreadyDone(let done) = try store.claimDelivery(journal, dueAt: t0, late: false, at: t0 + 5) else {
            Issue.record("a sent delivery is done")
            return
        }
        #expect(done.state == .sent && done.sentAt == t0 + 4 && done.lastError == nil)
        #expect(throws: StoreError.self) { try store.markSent(999_999, at: t0) }
        // Missed: recorded once, never over an existing row.
        let missed = DeliveryID(occurrenceID: "qingming@2027-04-05", reminderID: "-1d", channel: "journal")
        try store.recordMissed(missed, dueAt: t0 - 86_400, at: t0)
        try store.recordMissed(journal, dueAt: t0, at: t0)
        #expect(try store.delivery(missed)?.state == .missed)
        #expect(try store.delivery(journal)?.state == .sent)
        // Many missed at once (a re-plan after downtime): each recorded with its own due time,
        // an existing row (sent, or missed before) left as it is, nothing for an empty list.
        let batch = (1...300).map {
            MissedDelivery(
                DeliveryID(occurrenceID: "check@2027-03-\($0 % 28 + 1)", reminderID: "0d/\($0)", channel: "mail", recipient: "u\($0)"),
                dueAt: t0 - Double($0) * 60)
        }
        try store.recordMissed(batch + [MissedDelivery(journal, dueAt: t0 - 5), MissedDelivery(missed, dueAt: t0 - 7)], at: t0)
        try store.recordMissed([], at: t0)
        #expect(try batch.allSatisfy { try store.delivery($0.key)?.state == .missed })
        #expect(try store.delivery(batch[41].key)?.dueAt == t0 - 42 * 60)
        #expect(try store.delivery(journal)?.state == .sent && store.delivery(missed)?.dueAt == t0 - 86_400)
        // Mail: claimed, then failed by the channel.
        guard case .claimed(let mailClaim) = try store.claimDelivery(mail, dueAt: t0 + 10, late: false, at: t0) else {
            Issue.record("a mail delivery is claimed")
            return
        }
        try store.markFailed(mailClaim.id, at: t0, error: "no address")
        #expect(try store.delivery(mail)?.lastError == "no address")
        #expect(try store.deliveries(occurrenceID: "flag-salute@2027-09-20").map(\.key) == [journal, mail])
        #expect(try store.deliveries(dueSince: t0 - 1).map(\.key) == [journal, mail])
        #expect(try store.deliveries(dueSince: .distantPast).count == 3 + batch.count)
        #expect(try store.deliveryCounts() == [.sent: 1, .missed: 1 + batch.count, .failed: 1])
        #expect(try store.deliveryCountsByChannel() == ["journal": [.sent: 1, .missed: 1], "mail": [.failed: 1, .missed: batch.count]])
    }

    static func marks(_ store: any StateStore) throws {
        let id = "materials@2027-08-10"
        try store.recordMark(Mark(occurrenceID: id, kind: .acknowledged, uid: 1000, at: t0, note: "收到"))
        try store.recordMark(Mark(occurrenceID: id, kind: .done, uid: 1001, at: t0 + 10))
        try store.recordMark(Mark(occurrenceID: id, kind: .undone, uid: 1001, at: t0 + 20))
        try store.recordMark(Mark(occurrenceID: "other@2027-01-01", kind: .done, uid: 0, at: t0 + 30))
        #expect(try store.marks(occurrenceID: id).map(\.kind) == [.acknowledged, .done, .undone])
        #expect(try store.marks(occurrenceID: id).first?.note == "收到")
        let state = try store.markState(occurrenceID: id)
        #expect(state.acknowledged && !state.done && state.last?.kind == .undone)
        let all = try store.markStates()
        #expect(all.count == 2 && all["other@2027-01-01"]?.done == true)
        #expect(try store.marks(since: t0 + 15).map(\.occurrenceID) == [id, "other@2027-01-01"])
        try store.recordSnooze(Snooze(occurrenceID: id, until: t0 + 3600, uid: 1000, at: t0))
        try store.recordSnooze(Snooze(occurrenceID: id, until: t0 + 600, uid: 1000, at: t0 + 1, note: "later, shorter"))
        try store.recordSnooze(Snooze(occurrenceID: "past@2027-01-01", until: t0 - 1, uid: 0, at: t0 - 10))
        #expect(try store.activeSnooze(occurrenceID: id, at: t0 + 100)?.until == t0 + 600)
        #expect(try store.activeSnooze(occurrenceID: id, at: t0 + 700) == nil)
        #expect(try store.activeSnoozes(at: t0 + 100).mapValues(\.until) == [id: t0 + 600])
    }

    static func outbox(_ store: any StateStore) throws {
        let key = DeliveryID(occurrenceID: "outbox@2027-05-01", reminderID: "0d", channel: "mail", recipient: "wmb")
        guard case .claimed(let delivery) = try store.claimDelivery(key, dueAt: t0, late: false, at: t0) else {
            Issue.record("claimed")
            return
        }
        let message = OutboxMessage(
            messageID: "<almanac.1@example.org>", sender: "almanac@example.org", recipients: ["a@example.org", "b@example.org"],
            subject: "提醒", rawMessage: "Subject: =?UTF-8?B?5o+Q6YaS?=\r\n\r\n正文\r\n")
        let id = try store.enqueueMail(message, delivery: delivery.id, at: t0)
        #expect(try store.delivery(key)?.state == .sent)
        let second = try store.enqueueMail(
            OutboxMessage(messageID: "<almanac.2@example.org>", sender: "almanac@example.org", recipients: ["a@example.org"],
                          subject: "二", rawMessage: "x"), delivery: nil, at: t0 + 1)
        #expect(throws: StoreError.self) { try store.enqueueMail(message, delivery: nil, at: t0) }  // Message-ID is unique
        #expect(try store.dueMail(at: t0, limit: 10).map(\.id) == [id])
        #expect(try store.dueMail(at: t0 + 1, limit: 10).map(\.id) == [id, second])
        let entry = try #require(try store.mailEntry(id))
        #expect(entry.message == message && entry.state == .queued && entry.deliveryID == delivery.id && entry.attempts == 0)
        try store.markMailAttemptFailed(id, at: t0 + 2, error: "421 busy", retryAt: t0 + 60)
        #expect(try store.dueMail(at: t0 + 30, limit: 10).map(\.id) == [second])
        #expect(try store.mailEntry(id)?.nextAttemptAt == t0 + 60)
        try store.markMailAttemptFailed(second, at: t0 + 2, error: "550 no such user", retryAt: nil)
        #expect(try store.mailEntry(second)?.state == .failed)
        try store.markMailSent(id, at: t0 + 61)
        let sent = try #require(try store.mailEntry(id))
        #expect(sent.state == .sent && sent.attempts == 2 && sent.sentAt == t0 + 61 && sent.nextAttemptAt == nil)
        #expect(try store.mailCounts() == [.sent: 1, .failed: 1])
        #expect(try store.outbox(state: .sent, limit: 5).map(\.id) == [id])
        #expect(try store.outbox(state: nil, limit: 5).map(\.id) == [id, second])
        #expect(try store.requeueMail(second, at: t0 + 100))
        #expect(try !store.requeueMail(id, at: t0 + 100))
        #expect(try store.mailEntry(second)?.state == .queued && store.mailEntry(second)?.attempts == 0)
    }

    static func checklists(_ store: any StateStore) throws {
        let occurrence = "civilized-city@2027-08-10"
        try store.recordProgress(
            ChecklistProgress(occurrenceID: occurrence, entryID: "1.1", state: .inProgress, unit: "wmb", uid: 1000, at: t0))
        try store.recordProgress(batch: [
            ChecklistProgress(occurrenceID: occurrence, entryID: "1.1", state: .submitted, unit: "wmb", note: "材料\"一\"", uid: 1000, at: t0 + 1, evidence: 3),
            ChecklistProgress(occurrenceID: occurrence, entryID: "1.2", state: .accepted, uid: 1001, at: t0 + 2),
            ChecklistProgress(occurrenceID: "other@2027-01-01", entryID: "9", state: .open, uid: 0, at: t0 + 3),
        ])
        let progress = try store.checklistProgress(occurrenceID: occurrence)
        #expect(progress.map(\.entryID) == ["1.1", "1.2"])
        #expect(progress.first?.state == .submitted && progress.first?.evidence == 3 && progress.first?.note == "材料\"一\"")
        #expect(try store.checklistHistory(occurrenceID: occurrence, entryID: "1.1").map(\.state) == [.inProgress, .submitted])
        let many = try store.checklistProgress(occurrenceIDs: [occurrence, "other@2027-01-01", "none@2027-01-01"])
        #expect(many.keys.sorted() == ["civilized-city@2027-08-10", "other@2027-01-01"])
        #expect(try store.checklistProgress(occurrenceIDs: []).isEmpty)
    }
}
