import AlmanacCalendar
import AlmanacStore
import Foundation

/// The store used when not even an in-memory SQLite database opens: every call fails with the
/// original error, so requests get a clear answer instead of a crash.
struct UnavailableStore: StateStore {
    let error: StoreError

    func claimDelivery(_ key: DeliveryID, dueAt: Date, late: Bool, at now: Date) throws(StoreError) -> DeliveryClaim { throw error }
    func markSent(_ id: Int64, at now: Date) throws(StoreError) { throw error }
    func markFailed(_ id: Int64, at now: Date, error: String) throws(StoreError) { throw self.error }
    func resolveInDoubt(_ id: Int64, sent: Bool, at now: Date) throws(StoreError) { throw error }
    func recordMissed(_ missed: [MissedDelivery], at now: Date) throws(StoreError) { throw error }
    func delivery(_ key: DeliveryID) throws(StoreError) -> DeliveryRecord? { throw error }
    func deliveries(occurrenceID: String) throws(StoreError) -> [DeliveryRecord] { throw error }
    func deliveries(dueSince since: Date) throws(StoreError) -> [DeliveryRecord] { throw error }
    func inDoubtDeliveries() throws(StoreError) -> [DeliveryRecord] { throw error }
    func deliveryCounts() throws(StoreError) -> [DeliveryState: Int] { throw error }
    func deliveryCountsByChannel() throws(StoreError) -> [String: [DeliveryState: Int]] { throw error }
    func recordMark(_ mark: Mark) throws(StoreError) { throw error }
    func marks(occurrenceID: String) throws(StoreError) -> [Mark] { throw error }
    func markState(occurrenceID: String) throws(StoreError) -> MarkState { throw error }
    func recordSnooze(_ snooze: Snooze) throws(StoreError) { throw error }
    func activeSnooze(occurrenceID: String, at now: Date) throws(StoreError) -> Snooze? { throw error }
    func markStates() throws(StoreError) -> [String: MarkState] { throw error }
    func activeSnoozes(at now: Date) throws(StoreError) -> [String: Snooze] { throw error }
    func marks(since: Date) throws(StoreError) -> [Mark] { throw error }
    func enqueueMail(_ message: OutboxMessage, delivery: Int64?, at now: Date) throws(StoreError) -> Int64 { throw error }
    func dueMail(at now: Date, limit: Int) throws(StoreError) -> [OutboxEntry] { throw error }
    func markMailSent(_ id: Int64, at now: Date) throws(StoreError) { throw error }
    func markMailAttemptFailed(_ id: Int64, at now: Date, error: String, retryAt: Date?) throws(StoreError) { throw self.error }
    func mailCounts() throws(StoreError) -> [OutboxState: Int] { throw error }
    func outbox(state: OutboxState?, limit: Int) throws(StoreError) -> [OutboxEntry] { throw error }
    func mailEntry(_ id: Int64) throws(StoreError) -> OutboxEntry? { throw error }
    func requeueMail(_ id: Int64, at now: Date) throws(StoreError) -> Bool { throw error }
    func recordProgress(_ progress: ChecklistProgress) throws(StoreError) { throw error }
    func recordProgress(batch: [ChecklistProgress]) throws(StoreError) { throw error }
    func checklistProgress(occurrenceID: String) throws(StoreError) -> [ChecklistProgress] { throw error }
    func checklistHistory(occurrenceID: String, entryID: String) throws(StoreError) -> [ChecklistProgress] { throw error }
    func checklistProgress(occurrenceIDs: [String]) throws(StoreError) -> [String: [ChecklistProgress]] { throw error }
}
