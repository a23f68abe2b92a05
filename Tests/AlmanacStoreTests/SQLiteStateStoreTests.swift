import AlmanacCalendar
import Foundation
import Synchronization
import Testing

@testable import AlmanacStore

/// A fresh directory under the system temp directory, removed by `cleanup()`.
struct TempDirectory {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "almanac-store-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    var database: String { path + "/" + SQLiteStateStore.fileName }

    func cleanup() { try? FileManager.default.removeItem(atPath: path) }
}

let t0 = Date(timeIntervalSince1970: 1_800_000_000)
let key = DeliveryID(occurrenceID: "flag-salute@2027-09-20", reminderID: "-10wd", channel: "journal")

@Suite("SQLite state store")
struct SQLiteStateStoreTests {
    @Test func createsTheFileInWALModeWithTheSchema() throws {
        let dir = try TempDirectory()
        defer { dir.cleanup() }
        let store = try SQLiteStateStore(path: dir.database)
        #expect(try store.appliedMigrations() == SQLiteStateStore.knownMigrations)
        #expect(SQLiteStateStore.knownMigrations.first == "v1")
        #expect(SQLiteStateStore.knownMigrations.contains("v2-checklist-evidence"))
        #expect(FileManager.default.fileExists(atPath: dir.database + "-wal"))
    }

    @Test func aDeliveryIsClaimedOnceAndSentOnce() throws {
        let dir = try TempDirectory()
        defer { dir.cleanup() }
        let store = try SQLiteStateStore(path: dir.database)
        let first = try store.claimDelivery(key, dueAt: t0, late: false, at: t0)
        guard case .claimed(let record) = first else {
            Issue.record("expected .claimed, got \(first)")
            return
        }
        #expect(record.state == .pending)
        #expect(record.attempts == 1)
        #expect(record.key == key)
        #expect(record.dueAt == t0)
        try store.markSent(record.id, at: t0 + 1)
        let second = try store.claimDelivery(key, dueAt: t0, late: false, at: t0 + 60)
        guard case .alreadyDone(let done) = second else {
            Issue.record("expected .alreadyDone, got \(second)")
            return
        }
        #expect(done.id == record.id)
        #expect(done.state == .sent)
        #expect(done.sentAt == t0 + 1)
        // Another recipient or channel is a different delivery.
        let mail = DeliveryID(occurrenceID: key.occurrenceID, reminderID: key.reminderID, channel: "mail", recipient: "wmb@example.org")
        guard case .claimed(let other) = try store.claimDelivery(mail, dueAt: t0, late: false, at: t0) else {
            Issue.record("mail delivery should be claimable")
            return
        }
        #expect(other.id != record.id)
        #expect(try store.deliveries(occurrenceID: key.occurrenceID).map(\.key.channel) == ["journal", "mail"])
    }

    @Test func deliveriesAreCountedByStateWithoutTheBookkeepingRows() throws {
        let store = try SQLiteStateStore()
        #expect(try store.deliveryCounts() == [:])
        func claim(_ occurrence: String, _ reminder: String) throws -> Int64 {
            let key = DeliveryID(occurrenceID: occurrence, reminderID: reminder, channel: "journal")
            return try store.claimDelivery(key, dueAt: t0, late: false, at: t0).record.id
        }
        try store.markSent(try claim("a@2027-01-01", "-1d"), at: t0)
        try store.markSent(try claim("a@2027-01-01", "0d"), at: t0)
        try store.markFailed(try claim("b@2027-01-01", "0d"), at: t0, error: "x")
        _ = try claim("c@2027-01-01", "0d")
        try store.recordMissed(DeliveryID(occurrenceID: "d@2026-01-01", reminderID: "0d", channel: "journal"), dueAt: t0, at: t0)
        try store.markSent(try claim("*", "installed"), at: t0)
        let counts: [DeliveryState: Int] = [.sent: 2, .failed: 1, .pending: 1, .missed: 1]
        #expect(try store.deliveryCounts() == counts)
    }

    @Test func aPendingDeliveryFromAKilledProcessIsInDoubtAfterReopening() throws {
        let dir = try TempDirectory()
        defer { dir.cleanup() }
        var id: Int64 = 0
        do {
            // The first process claims and is "killed" before marking: its store is simply dropped.
            let store = try SQLiteStateStore(path: dir.database)
            id = try store.claimDelivery(key, dueAt: t0, late: false, at: t0).record.id
        }
        let reopened = try SQLiteStateStore(path: dir.database)
        #expect(try reopened.inDoubtDeliveries().map(\.id) == [id])
        let claim = try reopened.claimDelivery(key, dueAt: t0, late: false, at: t0 + 5)
        #expect(claim == .inDoubt(claim.record))
        #expect(claim.record.id == id)
        try reopened.resolveInDoubt(id, sent: true, at: t0 + 6)
        #expect(try reopened.inDoubtDeliveries().isEmpty)
        #expect(try reopened.delivery(key)?.state == .sent)
        // Resolving twice is an error: the row is no longer pending.
        #expect(throws: StoreError.self) { try reopened.resolveInDoubt(id, sent: true, at: t0 + 7) }
    }

    @Test func anInDoubtDeliveryResolvedAsNotSentIsClaimedAgain() throws {
        let dir = try TempDirectory()
        defer { dir.cleanup() }
        let store = try SQLiteStateStore(path: dir.database)
        let mail = DeliveryID(occurrenceID: key.occurrenceID, reminderID: "-1d", channel: "mail", recipient: "wmb@example.org")
        let id = try store.claimDelivery(mail, dueAt: t0, late: false, at: t0).record.id
        try store.resolveInDoubt(id, sent: false, at: t0 + 1)
        #expect(try store.delivery(mail)?.state == .failed)
        #expect(try store.delivery(mail)?.lastError == "interrupted before sending")
        let again = try store.claimDelivery(mail, dueAt: t0, late: true, at: t0 + 2)
        #expect(again == .claimed(again.record))
        #expect(again.record.id == id)
        #expect(again.record.attempts == 2)
    }

    @Test func aFailedDeliveryIsRetriedWithAnotherAttempt() throws {
        let dir = try TempDirectory()
        defer { dir.cleanup() }
        let store = try SQLiteStateStore(path: dir.database)
        let id = try store.claimDelivery(key, dueAt: t0, late: false, at: t0).record.id
        try store.markFailed(id, at: t0 + 1, error: "journal unreachable")
        #expect(try store.delivery(key)?.lastError == "journal unreachable")
        let retry = try store.claimDelivery(key, dueAt: t0, late: true, at: t0 + 300)
        guard case .claimed(let record) = retry else {
            Issue.record("expected a retry claim, got \(retry)")
            return
        }
        #expect(record.id == id)
        #expect(record.attempts == 2)
        #expect(record.late)
        #expect(record.claimedAt == t0 + 300)
    }

    /// The write observer (the maintenance service's doorbell) is told once per write, and is
    /// still the closure it was given after thousands of writes: the call stack it runs on is as
    /// deep at the last write as at the first. (Held directly in a Mutex it grew by two
    /// reabstraction thunks a write, so every write called a longer chain than the one before.)
    @Test func theWriteObserverStaysTheClosureItWasGiven() throws {
        let store = try SQLiteStateStore()
        let seen = Mutex<(calls: Int, depths: [Int])>((0, []))
        store.observeWrites {
            seen.withLock { $0.calls += 1; if $0.calls == 1 || $0.calls == 3_000 { $0.depths.append(Thread.callStackReturnAddresses.count) } }
        }
        for n in 0..<3_000 {
            try store.recordMissed(
                DeliveryID(occurrenceID: "w@2026-01-01", reminderID: "0d/\(n)", channel: "journal"), dueAt: t0, at: t0)
        }
        let (calls, depths) = seen.withLock { $0 }
        #expect(calls == 3_000)
        #expect(depths.count == 2 && depths[0] == depths[1], "call stack depths \(depths)")
        #expect(try store.deliveryCounts() == [.missed: 3_000])
    }

    @Test func missedDeliveriesAreRecordedButNeverOverrideASentOne() throws {
        let dir = try TempDirectory()
        defer { dir.cleanup() }
        let store = try SQLiteStateStore(path: dir.database)
        let old = DeliveryID(occurrenceID: "qingming@2027-04-05", reminderID: "-1d", channel: "journal")
        try store.recordMissed(old, dueAt: t0 - 86_400 * 30, at: t0)
        #expect(try store.delivery(old)?.state == .missed)
        let missed = try #require(try store.delivery(old))
        #expect(try store.claimDelivery(old, dueAt: t0, late: true, at: t0) == .alreadyDone(missed))
        let id = try store.claimDelivery(key, dueAt: t0, late: false, at: t0).record.id
        try store.markSent(id, at: t0)
        try store.recordMissed(key, dueAt: t0, at: t0 + 1)
        #expect(try store.delivery(key)?.state == .sent)
        #expect(try store.deliveries(dueSince: t0).map(\.key) == [key])
    }

    @Test func marksAndSnoozesKeepCallerAndTime() throws {
        let dir = try TempDirectory()
        defer { dir.cleanup() }
        let store = try SQLiteStateStore(path: dir.database)
        let occurrence = "civilized-city-materials@2027-08-10"
        #expect(try store.markState(occurrenceID: occurrence) == MarkState(acknowledged: false, done: false, last: nil))
        try store.recordMark(Mark(occurrenceID: occurrence, kind: .acknowledged, uid: 1000, at: t0, note: "收到"))
        try store.recordMark(Mark(occurrenceID: occurrence, kind: .done, uid: 1001, at: t0 + 10))
        let done = try store.markState(occurrenceID: occurrence)
        #expect(done.acknowledged && done.done)
        #expect(done.last?.uid == 1001)
        try store.recordMark(Mark(occurrenceID: occurrence, kind: .undone, uid: 1000, at: t0 + 20))
        #expect(try store.markState(occurrenceID: occurrence).done == false)
        #expect(try store.markState(occurrenceID: occurrence).acknowledged == true)
        let marks = try store.marks(occurrenceID: occurrence)
        #expect(marks.map(\.kind) == [.acknowledged, .done, .undone])
        #expect(marks.first?.note == "收到")
        #expect(marks.map(\.at) == [t0, t0 + 10, t0 + 20])

        try store.recordSnooze(Snooze(occurrenceID: occurrence, until: t0 + 3600, uid: 1000, at: t0))
        #expect(try store.activeSnooze(occurrenceID: occurrence, at: t0 + 60)?.until == t0 + 3600)
        #expect(try store.activeSnooze(occurrenceID: occurrence, at: t0 + 3600) == nil)
        #expect(try store.activeSnooze(occurrenceID: "other", at: t0) == nil)
    }

    @Test func theMailOutboxQueuesRetriesAndGivesUp() throws {
        let dir = try TempDirectory()
        defer { dir.cleanup() }
        let store = try SQLiteStateStore(path: dir.database)
        let mailKey = DeliveryID(occurrenceID: key.occurrenceID, reminderID: "-1d", channel: "mail", recipient: "wmb@example.org")
        let delivery = try store.claimDelivery(mailKey, dueAt: t0, late: false, at: t0).record.id
        let message = OutboxMessage(
            messageID: "<1@almanac>", sender: "almanac@example.org", recipients: ["wmb@example.org", "jicha@example.org"],
            subject: "提醒", rawMessage: "Subject: 提醒\r\n\r\n明天\r\n")
        let id = try store.enqueueMail(message, delivery: delivery, at: t0)
        // Queueing hands the delivery to the outbox in the same transaction.
        #expect(try store.delivery(mailKey)?.state == .sent)
        #expect(try store.dueMail(at: t0 - 1, limit: 10).isEmpty)
        let due = try store.dueMail(at: t0, limit: 10)
        #expect(due.map(\.id) == [id])
        #expect(due.first?.message == message)
        #expect(due.first?.deliveryID == delivery)
        try store.markMailAttemptFailed(id, at: t0, error: "421 try later", retryAt: t0 + 600)
        #expect(try store.dueMail(at: t0 + 599, limit: 10).isEmpty)
        #expect(try store.dueMail(at: t0 + 600, limit: 10).first?.attempts == 1)
        try store.markMailSent(id, at: t0 + 601)
        #expect(try store.dueMail(at: t0 + 10_000, limit: 10).isEmpty)

        let second = try store.enqueueMail(
            OutboxMessage(messageID: "<2@almanac>", sender: "a@b", recipients: ["c@d"], subject: "s", rawMessage: "x"),
            delivery: nil, at: t0)
        try store.markMailAttemptFailed(second, at: t0, error: "550 no such user", retryAt: nil)
        #expect(try store.mailCounts() == [.sent: 1, .failed: 1])
        // The same Message-ID cannot be queued twice.
        #expect(throws: StoreError.self) { try store.enqueueMail(message, delivery: nil, at: t0) }
    }

    @Test func checklistProgressKeepsTheLatestAndTheHistory() throws {
        let dir = try TempDirectory()
        defer { dir.cleanup() }
        let store = try SQLiteStateStore(path: dir.database)
        let occurrence = "civilized-city@2027"
        try store.recordProgress(ChecklistProgress(occurrenceID: occurrence, entryID: "A1.2", state: .inProgress, unit: "wmb", uid: 1000, at: t0))
        try store.recordProgress(ChecklistProgress(occurrenceID: occurrence, entryID: "A1.1", state: .open, unit: "whjc", uid: 1000, at: t0))
        try store.recordProgress(
            ChecklistProgress(occurrenceID: occurrence, entryID: "A1.2", state: .done, unit: "wmb", note: "材料已报", uid: 1001, at: t0 + 50))
        let current = try store.checklistProgress(occurrenceID: occurrence)
        #expect(current.map(\.entryID) == ["A1.1", "A1.2"])
        #expect(current.map(\.state) == [.open, .done])
        #expect(current.last?.note == "材料已报")
        #expect(current.last?.uid == 1001)
        let history = try store.checklistHistory(occurrenceID: occurrence, entryID: "A1.2")
        #expect(history.map(\.state) == [.inProgress, .done])
        #expect(history.map(\.at) == [t0, t0 + 50])
    }

    @Test func checklistEvidenceAndBatchesAreRecordedAllOrNothing() throws {
        let dir = try TempDirectory()
        defer { dir.cleanup() }
        let store = try SQLiteStateStore(path: dir.database)
        let occurrence = "materials@2027-08-10"
        try store.recordProgress(batch: [
            ChecklistProgress(occurrenceID: occurrence, entryID: "M001-1", state: .submitted, unit: "u01", uid: 0, at: t0, evidence: 9),
            ChecklistProgress(occurrenceID: occurrence, entryID: "M001-2", state: .rejected, note: "缺照片", uid: 0, at: t0),
        ])
        try store.recordProgress(
            ChecklistProgress(occurrenceID: occurrence, entryID: "M001-1", state: .accepted, uid: 1000, at: t0 + 60, evidence: 9))
        let current = try store.checklistProgress(occurrenceID: occurrence)
        #expect(current.map(\.state) == [.accepted, .rejected])
        #expect(current.map(\.evidence) == [9, nil])
        #expect(current.map(\.uid) == [1000, 0])
        #expect(try store.checklistHistory(occurrenceID: occurrence, entryID: "M001-1").map(\.state) == [.submitted, .accepted])
        try store.recordProgress(batch: [])
        #expect(try store.checklistProgress(occurrenceID: occurrence).count == 2)
    }

    @Test func stateSurvivesReopening() throws {
        let dir = try TempDirectory()
        defer { dir.cleanup() }
        do {
            let store = try SQLiteStateStore(path: dir.database)
            let id = try store.claimDelivery(key, dueAt: t0, late: false, at: t0).record.id
            try store.markSent(id, at: t0)
        }
        let store = try SQLiteStateStore(path: dir.database)
        #expect(try store.appliedMigrations() == SQLiteStateStore.knownMigrations)
        #expect(try store.delivery(key)?.state == .sent)
    }

    @Test func aFileThatIsNotADatabaseIsReportedAsCorrupt() throws {
        let dir = try TempDirectory()
        defer { dir.cleanup() }
        try Data(repeating: 0x5A, count: 8192).write(to: URL(fileURLWithPath: dir.database))
        let error = #expect(throws: StoreError.self) { try SQLiteStateStore(path: dir.database) }
        #expect(error?.code == .corrupt)
        #expect(error?.description.contains(dir.database) == true)
    }

    @Test func damagedPagesAreReportedAsCorrupt() throws {
        let dir = try TempDirectory()
        defer { dir.cleanup() }
        do {
            let store = try SQLiteStateStore(path: dir.database)
            for index in 0..<300 {
                let k = DeliveryID(occurrenceID: "item@\(index)", reminderID: "-1d", channel: "journal")
                _ = try store.claimDelivery(k, dueAt: t0, late: false, at: t0)
            }
        }
        // Fold the WAL into the file, then overwrite everything after the header page.
        try checkpoint(dir.database)
        let handle = try #require(FileHandle(forUpdatingAtPath: dir.database))
        let size = try handle.seekToEnd()
        #expect(size > 8192)
        try handle.seek(toOffset: 4096)
        handle.write(Data(repeating: 0xFF, count: Int(size) - 4096))
        try handle.close()
        let error = #expect(throws: StoreError.self) { try SQLiteStateStore(path: dir.database) }
        #expect(error?.code == .corrupt)
    }

    @Test func aDatabaseInAMissingPlaceCannotBeOpened() throws {
        let dir = try TempDirectory()
        defer { dir.cleanup() }
        // A regular file where the state directory should be: no one, not even root, can create under it.
        let blocker = dir.path + "/not-a-directory"
        try Data("x".utf8).write(to: URL(fileURLWithPath: blocker))
        let error = #expect(throws: StoreError.self) { try SQLiteStateStore(path: blocker + "/state.db") }
        #expect(error?.code == .cannotOpen)
    }

    @Test func theInMemoryFallbackWorks() throws {
        let store = try SQLiteStateStore()
        #expect(store.path == nil)
        let id = try store.claimDelivery(key, dueAt: t0, late: false, at: t0).record.id
        try store.markSent(id, at: t0)
        #expect(try store.delivery(key)?.state == .sent)
    }
}

/// Checkpoints and closes the WAL so the main file holds every page.
private func checkpoint(_ path: String) throws {
    let store = try SQLiteStateStore(path: path)
    try store.checkpoint()
}

