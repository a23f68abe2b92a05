import Foundation

/// The outbox beyond one mail at a time: group-robot messages queued per destination, several
/// messages carried by one request (a digest), the requests made to each destination (its rate
/// limit), and a mail that reached only some of its recipients.
///
/// The same table as the mail outbox, with a channel and a destination (migration
/// `v3-channel-outbox`); `OutboxStore` refines this protocol.
public protocol ChannelOutboxStore: Sendable {
    /// Queues every message of one delivery and marks the delivery sent, in one transaction, as
    /// ``StateStore/enqueueMail(_:delivery:at:)`` does for one mail. A message whose id is in the
    /// outbox already is left as it is (units that share a group robot: the group gets the
    /// reminder once). `failed` messages are recorded as failed at once, with their error (a
    /// destination that cannot be used: nothing is sent, the outbox shows why). Returns the ids
    /// of the rows added.
    @discardableResult
    func enqueue(_ messages: [OutboxMessage], failed: [(message: OutboxMessage, error: String)], delivery: Int64?, at now: Date)
        throws(StoreError) -> [Int64]
    /// Queued entries of the given channels, in queue order.
    func queuedOutbox(channels: Set<String>, limit: Int) throws(StoreError) -> [OutboxEntry]
    /// Records one request to `destination` and what it did for the entries it carried.
    func recordOutboxRequest(destination: String, entries: [Int64], outcome: OutboxRequestOutcome, at now: Date) throws(StoreError)
    /// Fails every queued entry of `destination` (it refuses almanac: a wrong key or signature).
    /// Returns how many.
    @discardableResult
    func failQueuedOutbox(destination: String, error: String, at now: Date) throws(StoreError) -> Int
    /// The times of the requests to `destination` since `since`, oldest first.
    func outboxRequests(destination: String, since: Date) throws(StoreError) -> [Date]
    /// A mail the server took for some recipients: `refused` (`address: reply`) are noted and
    /// given up; `remaining` stay queued for another attempt at `retryAt`. With none remaining
    /// the mail is sent.
    func recordMailPartlySent(_ id: Int64, refused: [String], remaining: [String], retryAt: Date?, error: String?, at now: Date)
        throws(StoreError)
    /// Notes that the entries are being handed to their transport now, as attempt `attempts + 1`:
    /// the last write before a send. An attempt noted here and never recorded (the process died
    /// while the server may have taken the message) is settled by ``settleInterruptedSends(channels:)``.
    func markHanded(_ ids: [Int64]) throws(StoreError)
    /// Settles the queued entries of `channels` whose last attempt was handed to the transport and
    /// never recorded: that attempt counts, and the entry is marked as possibly repeated (it is
    /// sent again, marked as such). Returns the entries settled. Called by the one sender of
    /// `channels` before it looks at the queue, never while one of its own sends is under way.
    func settleInterruptedSends(channels: Set<String>) throws(StoreError) -> [OutboxEntry]
}

/// What a request did for the entries it carried.
public enum OutboxRequestOutcome: Hashable, Sendable {
    /// Taken by the destination.
    case sent
    /// Not taken: tried again at `retryAt`, or failed for good when it is `nil`.
    case failed(error: String, retryAt: Date?)
}
