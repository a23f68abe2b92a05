import AlmanacCalendar
import Foundation
import GRDB
import Testing

@testable import AlmanacStore

/// Resource faults as the store sees them, with SQLite's own limit standing in for a full disk
/// (`PRAGMA max_page_count`): the failure is kept until a write succeeds, the probe tells when
/// writes work again, and the checkpoint leaves the write-ahead log empty.
@Suite("state store health")
struct StoreHealthTests {
    @Test func aFullDatabaseIsKeptAsTheWriteFailureUntilAWriteSucceeds() throws {
        let dir = try TempDirectory()
        defer { dir.cleanup() }
        let store = try SQLiteStateStore(path: dir.database)
        #expect(store.health().writeFailure == nil)
        let pages = try store.writer.read { db in try Int.fetchOne(db, sql: "PRAGMA page_count") ?? 0 }
        try store.writer.writeWithoutTransaction { db in _ = try Int.fetchOne(db, sql: "PRAGMA max_page_count = \(pages)") }

        // Claims fill the pages there are, then the next needs one more: disk full.
        var failure: StoreError?
        for n in 0..<20_000 {
            let key = DeliveryID(occurrenceID: "item-\(n)@2027-09-20", reminderID: "-1d", channel: "journal")
            do {
                _ = try store.claimDelivery(key, dueAt: t0, late: false, at: t0)
            } catch {
                failure = error
                break
            }
        }
        #expect(failure?.code == .diskFull)
        #expect(store.health().writeFailure?.code == .diskFull)
        // Still full: the probe fails and the failure stays.
        #expect(throws: StoreError.self) { try store.probeWrite() }
        #expect(store.health().writeFailure?.code == .diskFull)

        // Room again: the probe succeeds, the failure is gone, claims work.
        try store.writer.writeWithoutTransaction { db in _ = try Int.fetchOne(db, sql: "PRAGMA max_page_count = 1000000") }
        try store.probeWrite()
        #expect(store.health().writeFailure == nil)
        let again = DeliveryID(occurrenceID: "after@2027-09-21", reminderID: "-1d", channel: "journal")
        guard case .claimed = try store.claimDelivery(again, dueAt: t0, late: false, at: t0) else {
            Issue.record("no claim after the database had room again")
            return
        }
        // The probe leaves nothing behind.
        let tables = try store.writer.read { db in
            try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE name LIKE 'almanac_write_probe%'")
        }
        #expect(tables.isEmpty)
    }

    @Test func aCheckpointTruncatesTheWriteAheadLog() throws {
        let dir = try TempDirectory()
        defer { dir.cleanup() }
        let store = try SQLiteStateStore(path: dir.database)
        for n in 0..<50 {
            let key = DeliveryID(occurrenceID: "item-\(n)@2027-09-20", reminderID: "-1d", channel: "journal")
            _ = try store.claimDelivery(key, dueAt: t0, late: false, at: t0)
        }
        let before = store.health()
        #expect((before.walBytes ?? 0) > 0)
        #expect(before.writes >= 50)
        try store.checkpoint()
        #expect(store.health().walBytes == 0)
    }
}
