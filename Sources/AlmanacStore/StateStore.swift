import AlmanacCalendar
import Foundation

/// What the daemon remembers across restarts: deliveries, acknowledgements, done marks, snoozes,
/// the mail outbox and checklist progress.
///
/// The boundary is deliberately narrow (plain values in, plain values out, every time passed in by
/// the caller) so that a second implementation (PostgreSQL, shared by several hosts) can replace
/// ``SQLiteStateStore`` without touching the daemon. Every method is synchronous and either
/// completes its change durably or throws a ``StoreError``.
///
/// Exactly-once delivery (see docs/state-store.md):
/// 1. ``claimDelivery(_:dueAt:late:at:)`` inserts the delivery as `pending` *before* sending.
///    Its answer says whether to send (`.claimed`), skip (`.alreadyDone`) or resolve a delivery an
///    earlier process claimed but may not have finished (`.inDoubt`).
/// 2. The channel sends, then ``markSent(_:at:)`` (or ``markFailed(_:at:error:)``).
/// 3. After a crash, `pending` rows are in doubt: the channel decides from its own evidence
///    (the file in the outbox exists; the journal holds an entry with the delivery's id) and calls
///    ``resolveInDoubt(_:sent:at:)``. For mail, ``enqueueMail(_:delivery:at:)`` puts the message in
///    the outbox and marks the delivery sent in one transaction, so nothing is in doubt.
public typealias StateStore = DeliveryStore & MarkStore & OutboxStore & ChecklistStore

/// The delivery ledger: what was claimed, sent, missed; what the scheduler reads back on re-plan.
public protocol DeliveryStore: Sendable {
    /// Claims a delivery before it is sent (insert-before-send). Idempotent: a second claim of the
    /// same key never yields `.claimed` while the first is pending or sent.
    func claimDelivery(_ key: DeliveryID, dueAt: Date, late: Bool, at now: Date) throws(StoreError) -> DeliveryClaim
    /// Marks a claimed delivery as sent.
    func markSent(_ id: Int64, at now: Date) throws(StoreError)
    /// Marks a claimed delivery as failed; a later claim retries it.
    func markFailed(_ id: Int64, at now: Date, error: String) throws(StoreError)
    /// Settles a delivery that was pending when the previous process stopped.
    func resolveInDoubt(_ id: Int64, sent: Bool, at now: Date) throws(StoreError)
    /// Records reminders that were due too long ago to send (outside the catch-up window, or
    /// superseded), all in one transaction: a re-plan after downtime may miss thousands at once.
    /// A key that already has a row is left as it is.
    func recordMissed(_ missed: [MissedDelivery], at now: Date) throws(StoreError)
    /// The delivery with this key, if any.
    func delivery(_ key: DeliveryID) throws(StoreError) -> DeliveryRecord?
    /// Every delivery of one occurrence, oldest first.
    func deliveries(occurrenceID: String) throws(StoreError) -> [DeliveryRecord]
    /// Every delivery whose due time is at or after `since`, oldest first.
    func deliveries(dueSince since: Date) throws(StoreError) -> [DeliveryRecord]
    /// Deliveries left `pending` (claimed, outcome unknown).
    func inDoubtDeliveries() throws(StoreError) -> [DeliveryRecord]
    /// How many deliveries are in each state, leaving out the daemon's bookkeeping rows (the
    /// occurrence `*`). Counted by the store, without reading the rows.
    func deliveryCounts() throws(StoreError) -> [DeliveryState: Int]
    /// The same counts per channel (`journal`, `mail`, ...).
    func deliveryCountsByChannel() throws(StoreError) -> [String: [DeliveryState: Int]]
}

/// A delivery recorded as missed, and when it was due.
public struct MissedDelivery: Sendable, Hashable {
    public var key: DeliveryID
    public var dueAt: Date
    public init(_ key: DeliveryID, dueAt: Date) {
        self.key = key
        self.dueAt = dueAt
    }
}

extension DeliveryStore {
    /// Records one missed delivery (``recordMissed(_:at:)`` of one).
    public func recordMissed(_ key: DeliveryID, dueAt: Date, at now: Date) throws(StoreError) {
        try recordMissed([MissedDelivery(key, dueAt: dueAt)], at: now)
    }
}

/// Acknowledgements, done marks and snoozes, by occurrence.
public protocol MarkStore: Sendable {
    /// Records an acknowledgement or done mark (or its withdrawal) by `uid`.
    func recordMark(_ mark: Mark) throws(StoreError)
    /// Every mark of an occurrence, oldest first.
    func marks(occurrenceID: String) throws(StoreError) -> [Mark]
    /// The current standing of an occurrence: latest ack/done state after withdrawals.
    func markState(occurrenceID: String) throws(StoreError) -> MarkState
    /// Snoozes an occurrence's reminders until `until`.
    func recordSnooze(_ snooze: Snooze) throws(StoreError)
    /// The snooze in force for the occurrence at `now` (the latest one ending after `now`).
    func activeSnooze(occurrenceID: String, at now: Date) throws(StoreError) -> Snooze?
    /// The standing of every occurrence that has marks, in one read (the scheduler's re-plan).
    func markStates() throws(StoreError) -> [String: MarkState]
    /// The snooze in force at `now` of every snoozed occurrence, in one read.
    func activeSnoozes(at now: Date) throws(StoreError) -> [String: Snooze]
    /// Every mark recorded at or after `since`, oldest first (`almanacctl history`).
    func marks(since: Date) throws(StoreError) -> [Mark]
}

/// The persistent outbox of messages to send: mail one at a time here, and what group robots and
/// mail with several recipients need in ``ChannelOutboxStore``.
public protocol OutboxStore: ChannelOutboxStore, Sendable {
    /// Queues a message. When `delivery` is given, marks that delivery sent in the same
    /// transaction (the outbox takes over from there). Returns the outbox id.
    @discardableResult
    func enqueueMail(_ message: OutboxMessage, delivery: Int64?, at now: Date) throws(StoreError) -> Int64
    /// Queued messages whose next attempt is due at `now`, oldest first.
    func dueMail(at now: Date, limit: Int) throws(StoreError) -> [OutboxEntry]
    /// Records a successful send.
    func markMailSent(_ id: Int64, at now: Date) throws(StoreError)
    /// Records a failed attempt: retried at `retryAt`, or given up (`failed`) when `nil`.
    func markMailAttemptFailed(_ id: Int64, at now: Date, error: String, retryAt: Date?) throws(StoreError)
    /// Counts of outbox entries by state.
    func mailCounts() throws(StoreError) -> [OutboxState: Int]
    /// Outbox entries in queue order (`sent`: the latest `limit`, oldest first); every state when `nil`.
    func outbox(state: OutboxState?, limit: Int) throws(StoreError) -> [OutboxEntry]
    /// One outbox entry.
    func mailEntry(_ id: Int64) throws(StoreError) -> OutboxEntry?
    /// Queues a failed (or waiting) mail again, due at `now`, with a fresh count of attempts. Returns false when there is no such
    /// mail or it was sent already.
    func requeueMail(_ id: Int64, at now: Date) throws(StoreError) -> Bool
}

/// Progress of checklist indicators, with history.
public protocol ChecklistStore: Sendable {
    /// Sets the progress of one checklist entry and appends it to the entry's history.
    func recordProgress(_ progress: ChecklistProgress) throws(StoreError)
    /// Records many entries in one transaction: all of them, or (on error) none.
    func recordProgress(batch: [ChecklistProgress]) throws(StoreError)
    /// Current progress of every entry of an occurrence's checklist, by entry id.
    func checklistProgress(occurrenceID: String) throws(StoreError) -> [ChecklistProgress]
    /// Every change of one entry, oldest first.
    func checklistHistory(occurrenceID: String, entryID: String) throws(StoreError) -> [ChecklistProgress]
    /// Current progress of the checklists of several occurrences, in one read.
    func checklistProgress(occurrenceIDs: [String]) throws(StoreError) -> [String: [ChecklistProgress]]
}

extension DeliveryStore {
    /// Counts by reading every delivery: for stores without a cheaper way.
    public func deliveryCounts() throws(StoreError) -> [DeliveryState: Int] {
        var counts: [DeliveryState: Int] = [:]
        for record in try deliveries(dueSince: .distantPast) where record.key.occurrenceID != "*" {
            counts[record.state, default: 0] += 1
        }
        return counts
    }
}
