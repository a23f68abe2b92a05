import AlmanacControl
import AlmanacStore
import Foundation
import Logging

extension DaemonControlHandler {
    /// `outbox`: queued and failed mail by default, or one state.
    func outbox(_ query: OutboxQuery) throws -> OutboxReport {
        let store = controller.store
        let limit = min(max(query.limit ?? 200, 1), 10_000)
        var entries: [OutboxEntry] = []
        do {
            if let text = query.state {
                guard let state = OutboxState(rawValue: text) else {
                    throw ControlError(.badRequest, "unknown outbox state '\(text)' (known: queued, failed, sent)")
                }
                entries = try store.outbox(state: state, limit: limit)
            } else {
                entries = try store.outbox(state: .queued, limit: limit) + store.outbox(state: .failed, limit: limit)
                entries.sort { $0.id < $1.id }
                entries = Array(entries.prefix(limit))
            }
            return OutboxReport(entries: entries.map(Self.mail), counts: try counts())
        } catch let error as StoreError {
            throw ControlError(.unavailable, "state store: \(error.description)")
        }
    }

    /// `outbox-retry ID`: a failed or waiting mail is due again now, with a fresh count of attempts.
    func outboxRetry(_ request: OutboxRetryRequest, peer: ControlPeer) throws -> OutboxReport {
        let store = controller.store
        do {
            guard let entry = try store.mailEntry(request.id) else {
                throw ControlError(.notFound, "no mail \(request.id) in the outbox")
            }
            guard entry.state != .sent else {
                throw ControlError(.badRequest, "mail \(request.id) was sent already (\(entry.message.messageID))")
            }
            guard try store.requeueMail(request.id, at: clock.now()) else {
                throw ControlError(.badRequest, "mail \(request.id) changed meanwhile; list the outbox again")
            }
            controller.mailDoorbell.ring()
            controller.robotDoorbell.ring()
            Logger(label: "almanacd.outbox").notice(
                "mail queued again by an administrator",
                metadata: [
                    "MESSAGE_ID": "\(MailMessageID.retry)", "ALMANAC_MAIL_ID": "\(entry.id)",
                    "ALMANAC_MESSAGE_ID": "\(entry.message.messageID)", "ALMANAC_UID": "\(peer.uid)",
                ])
            let updated = try store.mailEntry(request.id) ?? entry
            return OutboxReport(entries: [Self.mail(updated)], counts: try counts())
        } catch let error as StoreError {
            throw ControlError(.unavailable, "state store: \(error.description)")
        }
    }

    private func counts() throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for state in OutboxState.allCases { counts[state.rawValue] = 0 }
        for (state, count) in try controller.store.mailCounts() { counts[state.rawValue] = count }
        return counts
    }

    static func mail(_ entry: OutboxEntry) -> OutboxMail {
        OutboxMail(
            id: entry.id, messageID: entry.message.messageID, state: entry.state.rawValue, recipients: entry.message.recipients,
            subject: entry.message.subject, attempts: entry.attempts, createdAt: entry.createdAt,
            nextAttemptAt: entry.state == .queued ? entry.nextAttemptAt : nil, sentAt: entry.sentAt, lastError: entry.lastError,
            channel: entry.message.channel, destination: entry.message.isMail ? nil : entry.message.destination,
            refused: entry.refused.isEmpty ? nil : entry.refused, possibleRepeat: entry.possibleRepeat ? true : nil)
    }
}
