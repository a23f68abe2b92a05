import AlmanacStore
import Foundation

extension UnavailableStore {
    func enqueue(_ messages: [OutboxMessage], failed: [(message: OutboxMessage, error: String)], delivery: Int64?, at now: Date)
        throws(StoreError) -> [Int64]
    { throw error }
    func queuedOutbox(channels: Set<String>, limit: Int) throws(StoreError) -> [OutboxEntry] { throw error }
    func recordOutboxRequest(destination: String, entries: [Int64], outcome: OutboxRequestOutcome, at now: Date) throws(StoreError) {
        throw error
    }
    func failQueuedOutbox(destination: String, error: String, at now: Date) throws(StoreError) -> Int { throw self.error }
    func outboxRequests(destination: String, since: Date) throws(StoreError) -> [Date] { throw error }
    func recordMailPartlySent(_ id: Int64, refused: [String], remaining: [String], retryAt: Date?, error: String?, at now: Date)
        throws(StoreError)
    { throw self.error }
    func markHanded(_ ids: [Int64]) throws(StoreError) { throw error }
    func settleInterruptedSends(channels: Set<String>) throws(StoreError) -> [OutboxEntry] { throw error }
}
