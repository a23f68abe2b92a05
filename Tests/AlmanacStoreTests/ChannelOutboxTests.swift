import AlmanacCalendar
import Foundation
import Testing

@testable import AlmanacStore

@Suite struct ChannelOutboxTests {
    static let key = DeliveryID(occurrenceID: "netcafe@2027-03-02", reminderID: "0d", channel: "mail", recipient: "whjc")

    static func robot(_ id: String, destination: String = "wecom:0123456789abcdef") -> OutboxMessage {
        OutboxMessage(
            messageID: id, sender: "", recipients: ["whjc"], subject: "网吧检查", rawMessage: #"{"text":"x"}"#, channel: "wecom",
            destination: destination)
    }

    @Test func robotMessagesQueueBesideMailOnceEachAndMarkTheDelivery() throws {
        let store = try SQLiteStateStore()
        #expect(SQLiteStateStore.knownMigrations.suffix(2) == ["v3-channel-outbox", "v4-outbox-in-doubt"])
        let delivery = try store.claimDelivery(Self.key, dueAt: t0, late: false, at: t0).record.id
        let mail = OutboxMessage(messageID: "<1@almanac>", sender: "a@b", recipients: ["c@d"], subject: "s", rawMessage: "x")
        let unusable = Self.robot("netcafe@2027-03-02/0d/dingtalk:1", destination: "dingtalk:1")
        let ids = try store.enqueue(
            [mail, Self.robot("netcafe@2027-03-02/0d/wecom:0123456789abcdef")], failed: [(unusable, "secret file readable by others")],
            delivery: delivery, at: t0)
        #expect(ids.count == 3)
        #expect(try store.delivery(Self.key)?.state == .sent)
        // A second unit sharing the robot: the same message id is not queued twice.
        #expect(try store.enqueue([Self.robot("netcafe@2027-03-02/0d/wecom:0123456789abcdef")], failed: [], delivery: nil, at: t0).isEmpty)
        #expect(try store.queuedOutbox(channels: ["mail"], limit: 10).map(\.message.messageID) == ["<1@almanac>"])
        let robots = try store.queuedOutbox(channels: ["wecom", "dingtalk"], limit: 10)
        #expect(robots.map(\.message.destination) == ["wecom:0123456789abcdef"])
        #expect(robots.first?.message.channel == "wecom")
        let failed = try store.outbox(state: .failed, limit: 10)
        #expect(failed.map(\.lastError) == ["secret file readable by others"])
    }

    @Test func requestsAreRecordedForTheRateLimitAndDigestsMarkEveryMessage() throws {
        let store = try SQLiteStateStore()
        let ids = try store.enqueue([Self.robot("a"), Self.robot("b"), Self.robot("c")], failed: [], delivery: nil, at: t0)
        try store.recordOutboxRequest(destination: "wecom:0123456789abcdef", entries: Array(ids.prefix(2)), outcome: .sent, at: t0 + 1)
        try store.recordOutboxRequest(
            destination: "wecom:0123456789abcdef", entries: [ids[2]], outcome: .failed(error: "45009", retryAt: t0 + 60), at: t0 + 2)
        #expect(try store.outboxRequests(destination: "wecom:0123456789abcdef", since: t0) == [t0 + 1, t0 + 2])
        #expect(try store.outboxRequests(destination: "wecom:0123456789abcdef", since: t0 + 1.5) == [t0 + 2])
        let queued = try store.queuedOutbox(channels: ["wecom"], limit: 10)
        #expect(queued.map(\.id) == [ids[2]])
        #expect(queued.first?.nextAttemptAt == t0 + 60)
        #expect(queued.first?.attempts == 1)
        #expect(try store.outbox(state: .sent, limit: 10).map(\.id) == Array(ids.prefix(2)))
        #expect(try store.failQueuedOutbox(destination: "wecom:0123456789abcdef", error: "errcode 93000", at: t0 + 3) == 1)
        #expect(try store.queuedOutbox(channels: ["wecom"], limit: 10).isEmpty)
        // Retrying a failed one puts it back in the queue.
        #expect(try store.requeueMail(ids[2], at: t0 + 4))
        #expect(try store.queuedOutbox(channels: ["wecom"], limit: 10).map(\.id) == [ids[2]])
    }

    @Test func aMailPartlySentKeepsOnlyTheRecipientsToRetry() throws {
        let store = try SQLiteStateStore()
        let id = try store.enqueueMail(
            OutboxMessage(messageID: "<p@almanac>", sender: "a@b", recipients: ["x@d", "y@d", "z@d"], subject: "s", rawMessage: "m"),
            delivery: nil, at: t0)
        try store.recordMailPartlySent(id, refused: ["y@d: 550 no such user"], remaining: ["z@d"], retryAt: t0 + 60, error: "451 later", at: t0)
        var entry = try #require(try store.mailEntry(id))
        #expect(entry.state == .queued)
        #expect(entry.message.recipients == ["z@d"])
        #expect(entry.refused == ["y@d: 550 no such user"])
        try store.recordMailPartlySent(id, refused: [], remaining: [], retryAt: nil, error: nil, at: t0 + 60)
        entry = try #require(try store.mailEntry(id))
        #expect(entry.state == .sent)
        #expect(entry.refused == ["y@d: 550 no such user"])
        #expect(entry.attempts == 2)
    }
}
