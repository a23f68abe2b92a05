import AlmanacCalendar
import Foundation
import GRDB
import Synchronization

/// The ``StateStore`` in one SQLite file (`state.db` in the state directory), in WAL mode, through
/// GRDB. Opening checks the file (`PRAGMA quick_check`) and migrates the schema, so a damaged or
/// unwritable database is reported at start with a ``StoreError`` code instead of failing later.
public final class SQLiteStateStore: StateStore {
    /// The file name inside the state directory.
    public static let fileName = "state.db"

    /// The database file, or `nil` for an in-memory store.
    public let path: String?
    let writer: any DatabaseWriter
    /// The last resource fault of a write (cleared by the next write that succeeds), and the
    /// number of writes that succeeded.
    private let writeOutcome = Mutex<(failure: StoreError?, writes: Int)>((nil, 0))
    /// Told of every write (``StoreMaintenance/observeWrites(_:)``). The closure is kept in a
    /// class: a closure held directly in a `Mutex` and read with `withLock { $0 }` comes back
    /// wrapped in two more reabstraction thunks on every access (the inout round trip through
    /// the generic storage writes the wrapped closure back), so each write called a chain as long
    /// as twice the writes before it: 3,000 reminders due at once took minutes.
    private let writeObserver = Mutex<WriteObserver?>(nil)

    final class WriteObserver: Sendable {
        let call: @Sendable () -> Void
        init(_ call: @escaping @Sendable () -> Void) { self.call = call }
    }

    /// Opens (creating when missing) the database at `path` and migrates it.
    public init(path: String) throws(StoreError) {
        self.path = path
        var configuration = Configuration()
        configuration.busyMode = .timeout(5)
        configuration.label = "almanac-state"
        let operation = "opening \(path)"
        do {
            writer = try DatabasePool(path: path, configuration: configuration)
        } catch {
            throw Self.storeError(error, operation: operation)
        }
        try Self.check(writer, operation: operation)
        try Self.migrate(writer, operation: operation)
    }

    /// A store that lives in memory only: what the daemon falls back to when the file cannot be
    /// used, so reminders still go out (once per process) while the problem is reported.
    public init(inMemory: Void = ()) throws(StoreError) {
        path = nil
        do {
            writer = try DatabaseQueue()
        } catch {
            throw Self.storeError(error, operation: "opening an in-memory database")
        }
        try Self.migrate(writer, operation: "opening an in-memory database")
    }

    /// The schema, one migration per change. Never edit a shipped migration; add one.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE delivery (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    occurrence_id TEXT NOT NULL,
                    reminder_id TEXT NOT NULL,
                    channel TEXT NOT NULL,
                    recipient TEXT NOT NULL DEFAULT '',
                    state TEXT NOT NULL CHECK (state IN ('pending', 'sent', 'failed', 'missed')),
                    due_at DATETIME NOT NULL,
                    late BOOLEAN NOT NULL DEFAULT 0,
                    attempts INTEGER NOT NULL DEFAULT 0,
                    claimed_at DATETIME NOT NULL,
                    sent_at DATETIME,
                    last_error TEXT,
                    UNIQUE (occurrence_id, reminder_id, channel, recipient)
                );
                CREATE INDEX delivery_due ON delivery (due_at);
                CREATE INDEX delivery_state ON delivery (state);

                CREATE TABLE mark (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    occurrence_id TEXT NOT NULL,
                    kind TEXT NOT NULL CHECK (kind IN ('acknowledged', 'done', 'undone', 'unacknowledged')),
                    uid INTEGER NOT NULL,
                    at DATETIME NOT NULL,
                    note TEXT
                );
                CREATE INDEX mark_occurrence ON mark (occurrence_id, id);

                CREATE TABLE snooze (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    occurrence_id TEXT NOT NULL,
                    until DATETIME NOT NULL,
                    uid INTEGER NOT NULL,
                    at DATETIME NOT NULL,
                    note TEXT
                );
                CREATE INDEX snooze_occurrence ON snooze (occurrence_id, id);

                CREATE TABLE mail_outbox (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    message_id TEXT NOT NULL UNIQUE,
                    sender TEXT NOT NULL,
                    recipients TEXT NOT NULL,
                    subject TEXT NOT NULL,
                    raw_message TEXT NOT NULL,
                    state TEXT NOT NULL CHECK (state IN ('queued', 'sent', 'failed')),
                    delivery_id INTEGER REFERENCES delivery (id),
                    attempts INTEGER NOT NULL DEFAULT 0,
                    created_at DATETIME NOT NULL,
                    next_attempt_at DATETIME,
                    sent_at DATETIME,
                    last_error TEXT
                );
                CREATE INDEX mail_outbox_due ON mail_outbox (state, next_attempt_at);

                CREATE TABLE checklist_progress (
                    occurrence_id TEXT NOT NULL,
                    entry_id TEXT NOT NULL,
                    state TEXT NOT NULL,
                    unit TEXT,
                    note TEXT,
                    uid INTEGER NOT NULL,
                    at DATETIME NOT NULL,
                    PRIMARY KEY (occurrence_id, entry_id)
                );

                CREATE TABLE checklist_progress_history (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    occurrence_id TEXT NOT NULL,
                    entry_id TEXT NOT NULL,
                    state TEXT NOT NULL,
                    unit TEXT,
                    note TEXT,
                    uid INTEGER NOT NULL,
                    at DATETIME NOT NULL
                );
                CREATE INDEX checklist_history_entry ON checklist_progress_history (occurrence_id, entry_id, id);
                """)
        }
        // Checklist indicators: evidence filed, recorded with each status change.
        migrator.registerMigration("v2-checklist-evidence") { db in
            try db.execute(sql: """
                ALTER TABLE checklist_progress ADD COLUMN evidence INTEGER;
                ALTER TABLE checklist_progress_history ADD COLUMN evidence INTEGER;
                """)
        }
        // The outbox takes group-robot messages beside mail: a channel and a destination per row,
        // mail recipients refused while others got the mail, and the requests made to each
        // destination (its rate limit outlives a restart).
        migrator.registerMigration("v3-channel-outbox") { db in
            try db.execute(sql: """
                ALTER TABLE mail_outbox ADD COLUMN channel TEXT NOT NULL DEFAULT 'mail';
                ALTER TABLE mail_outbox ADD COLUMN destination TEXT NOT NULL DEFAULT '';
                ALTER TABLE mail_outbox ADD COLUMN refused TEXT;
                CREATE INDEX mail_outbox_channel ON mail_outbox (channel, state, destination, id);
                CREATE TABLE outbox_request (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    destination TEXT NOT NULL,
                    at DATETIME NOT NULL
                );
                CREATE INDEX outbox_request_destination ON outbox_request (destination, at);
                """)
        }
        // Delivery in doubt: the attempt handed to the transport (one more than `attempts` while
        // it is under way, equal once recorded), and whether a send was interrupted.
        migrator.registerMigration("v4-outbox-in-doubt") { db in
            try db.execute(sql: """
                ALTER TABLE mail_outbox ADD COLUMN handed_attempt INTEGER;
                ALTER TABLE mail_outbox ADD COLUMN possible_repeat INTEGER NOT NULL DEFAULT 0;
                """)
        }
        return migrator
    }

    /// The names of the migrations this build knows, in order.
    public static var knownMigrations: [String] { migrator.migrations }

    /// The migrations applied to this database.
    public func appliedMigrations() throws(StoreError) -> [String] {
        try read("reading the schema version") { db in try Array(Self.migrator.appliedMigrations(db)) }
    }

    // MARK: - Deliveries

    public func claimDelivery(_ key: DeliveryID, dueAt: Date, late: Bool, at now: Date) throws(StoreError) -> DeliveryClaim {
        try write("claiming delivery \(key)") { db in
            if let existing = try Self.fetchDelivery(db, key: key) {
                switch existing.state {
                case .sent, .missed: return .alreadyDone(existing)
                case .pending: return .inDoubt(existing)
                case .failed:
                    try db.execute(
                        sql: "UPDATE delivery SET state = 'pending', attempts = attempts + 1, claimed_at = ?, late = ? WHERE id = ?",
                        arguments: [now, late, existing.id])
                    return .claimed(try Self.fetchDelivery(db, id: existing.id) ?? existing)
                }
            }
            try db.execute(
                sql: """
                    INSERT INTO delivery (occurrence_id, reminder_id, channel, recipient, state, due_at, late, attempts, claimed_at)
                    VALUES (?, ?, ?, ?, 'pending', ?, ?, 1, ?)
                    """,
                arguments: [key.occurrenceID, key.reminderID, key.channel, key.recipient, dueAt, late, now])
            let id = db.lastInsertedRowID
            guard let record = try Self.fetchDelivery(db, id: id) else {
                throw StoreError(.other, operation: "claiming delivery \(key)", detail: "row \(id) vanished")
            }
            return .claimed(record)
        }
    }

    public func markSent(_ id: Int64, at now: Date) throws(StoreError) {
        try write("marking delivery \(id) sent") { db in
            try db.execute(
                sql: "UPDATE delivery SET state = 'sent', sent_at = ?, last_error = NULL WHERE id = ?",
                arguments: [now, id])
            try Self.requireChange(db, "delivery \(id)")
        }
    }

    public func markFailed(_ id: Int64, at now: Date, error: String) throws(StoreError) {
        try write("marking delivery \(id) failed") { db in
            try db.execute(
                sql: "UPDATE delivery SET state = 'failed', last_error = ? WHERE id = ? AND state != 'sent'",
                arguments: [error, id])
            try Self.requireChange(db, "delivery \(id)")
        }
    }

    public func resolveInDoubt(_ id: Int64, sent: Bool, at now: Date) throws(StoreError) {
        try write("resolving delivery \(id)") { db in
            if sent {
                try db.execute(
                    sql: "UPDATE delivery SET state = 'sent', sent_at = ? WHERE id = ? AND state = 'pending'",
                    arguments: [now, id])
            } else {
                try db.execute(
                    sql: "UPDATE delivery SET state = 'failed', last_error = ? WHERE id = ? AND state = 'pending'",
                    arguments: [DeliveryRecord.interruptedNote, id])
            }
            try Self.requireChange(db, "pending delivery \(id)")
        }
    }

    public func recordMissed(_ missed: [MissedDelivery], at now: Date) throws(StoreError) {
        guard let first = missed.first else { return }
        try write(missed.count == 1 ? "recording missed delivery \(first.key)" : "recording \(missed.count) missed deliveries") { db in
            let statement = try db.cachedStatement(
                sql: """
                    INSERT INTO delivery (occurrence_id, reminder_id, channel, recipient, state, due_at, late, attempts, claimed_at)
                    VALUES (?, ?, ?, ?, 'missed', ?, 1, 0, ?)
                    ON CONFLICT (occurrence_id, reminder_id, channel, recipient) DO NOTHING
                    """)
            for m in missed {
                try statement.execute(arguments: [m.key.occurrenceID, m.key.reminderID, m.key.channel, m.key.recipient, m.dueAt, now])
            }
        }
    }

    public func delivery(_ key: DeliveryID) throws(StoreError) -> DeliveryRecord? {
        try read("reading delivery \(key)") { db in try Self.fetchDelivery(db, key: key) }
    }

    public func deliveries(occurrenceID: String) throws(StoreError) -> [DeliveryRecord] {
        try read("reading deliveries of \(occurrenceID)") { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM delivery WHERE occurrence_id = ? ORDER BY due_at, id", arguments: [occurrenceID]
            ).map(Self.deliveryRecord)
        }
    }

    public func deliveryCounts() throws(StoreError) -> [DeliveryState: Int] {
        try read("counting deliveries") { db in
            var counts: [DeliveryState: Int] = [:]
            let rows = try Row.fetchAll(
                db, sql: "SELECT state, COUNT(*) AS n FROM delivery WHERE occurrence_id != '*' GROUP BY state")
            for row in rows {
                let name: String = row["state"]
                let count: Int = row["n"]
                if let state = DeliveryState(rawValue: name) { counts[state] = count }
            }
            return counts
        }
    }

    public func deliveryCountsByChannel() throws(StoreError) -> [String: [DeliveryState: Int]] {
        try read("counting deliveries") { db in
            var counts: [String: [DeliveryState: Int]] = [:]
            let rows = try Row.fetchAll(
                db,
                sql: "SELECT channel, state, COUNT(*) AS n FROM delivery WHERE occurrence_id != '*' GROUP BY channel, state")
            for row in rows {
                let channel: String = row["channel"]
                let name: String = row["state"]
                let count: Int = row["n"]
                if let state = DeliveryState(rawValue: name) { counts[channel, default: [:]][state] = count }
            }
            return counts
        }
    }

    public func deliveries(dueSince since: Date) throws(StoreError) -> [DeliveryRecord] {
        try read("reading deliveries") { db in
            try Row.fetchAll(db, sql: "SELECT * FROM delivery WHERE due_at >= ? ORDER BY due_at, id", arguments: [since])
                .map(Self.deliveryRecord)
        }
    }

    public func inDoubtDeliveries() throws(StoreError) -> [DeliveryRecord] {
        try read("reading pending deliveries") { db in
            try Row.fetchAll(db, sql: "SELECT * FROM delivery WHERE state = 'pending' ORDER BY id").map(Self.deliveryRecord)
        }
    }

    // MARK: - Marks and snoozes

    public func recordMark(_ mark: Mark) throws(StoreError) {
        try write("recording \(mark.kind.rawValue) for \(mark.occurrenceID)") { db in
            try db.execute(
                sql: "INSERT INTO mark (occurrence_id, kind, uid, at, note) VALUES (?, ?, ?, ?, ?)",
                arguments: [mark.occurrenceID, mark.kind.rawValue, Int64(mark.uid), mark.at, mark.note])
        }
    }

    public func marks(occurrenceID: String) throws(StoreError) -> [Mark] {
        try read("reading marks of \(occurrenceID)") { db in
            try Row.fetchAll(db, sql: "SELECT * FROM mark WHERE occurrence_id = ? ORDER BY id", arguments: [occurrenceID])
                .map(Self.mark)
        }
    }

    public func markState(occurrenceID: String) throws(StoreError) -> MarkState {
        MarkState(try marks(occurrenceID: occurrenceID))
    }

    public func markStates() throws(StoreError) -> [String: MarkState] {
        let all = try read("reading every mark") { db in try Row.fetchAll(db, sql: "SELECT * FROM mark ORDER BY id").map(Self.mark) }
        var grouped: [String: [Mark]] = [:]
        for mark in all { grouped[mark.occurrenceID, default: []].append(mark) }
        return grouped.mapValues(MarkState.init)
    }

    public func marks(since: Date) throws(StoreError) -> [Mark] {
        try read("reading marks") { db in
            try Row.fetchAll(db, sql: "SELECT * FROM mark WHERE at >= ? ORDER BY id", arguments: [since]).map(Self.mark)
        }
    }

    public func activeSnoozes(at now: Date) throws(StoreError) -> [String: Snooze] {
        try read("reading snoozes") { db in
            // The latest snooze of each occurrence decides.
            let rows = try Row.fetchAll(
                db, sql: "SELECT * FROM snooze WHERE id IN (SELECT MAX(id) FROM snooze GROUP BY occurrence_id)")
            var result: [String: Snooze] = [:]
            for row in rows {
                let snooze = Self.snooze(row)
                if snooze.until > now { result[snooze.occurrenceID] = snooze }
            }
            return result
        }
    }

    static func mark(_ row: Row) -> Mark {
        Mark(
            occurrenceID: row["occurrence_id"], kind: Mark.Kind(rawValue: row["kind"]) ?? .acknowledged,
            uid: UInt32(clamping: row["uid"] as Int64), at: row["at"], note: row["note"])
    }

    static func snooze(_ row: Row) -> Snooze {
        Snooze(
            occurrenceID: row["occurrence_id"], until: row["until"], uid: UInt32(clamping: row["uid"] as Int64),
            at: row["at"], note: row["note"])
    }

    public func recordSnooze(_ snooze: Snooze) throws(StoreError) {
        try write("snoozing \(snooze.occurrenceID)") { db in
            try db.execute(
                sql: "INSERT INTO snooze (occurrence_id, until, uid, at, note) VALUES (?, ?, ?, ?, ?)",
                arguments: [snooze.occurrenceID, snooze.until, Int64(snooze.uid), snooze.at, snooze.note])
        }
    }

    public func activeSnooze(occurrenceID: String, at now: Date) throws(StoreError) -> Snooze? {
        try read("reading snoozes of \(occurrenceID)") { db in
            // The latest snooze decides: a later, shorter snooze ends an earlier, longer one.
            guard let row = try Row.fetchOne(
                db, sql: "SELECT * FROM snooze WHERE occurrence_id = ? ORDER BY id DESC LIMIT 1", arguments: [occurrenceID])
            else { return nil }
            let snooze = Self.snooze(row)
            return snooze.until > now ? snooze : nil
        }
    }

    // MARK: - Mail outbox

    @discardableResult
    public func enqueueMail(_ message: OutboxMessage, delivery: Int64?, at now: Date) throws(StoreError) -> Int64 {
        try write("queueing mail \(message.messageID)") { db in
            try db.execute(
                sql: """
                    INSERT INTO mail_outbox (message_id, sender, recipients, subject, raw_message, state, delivery_id,
                                             attempts, created_at, next_attempt_at, channel, destination)
                    VALUES (?, ?, ?, ?, ?, 'queued', ?, 0, ?, ?, ?, ?)
                    """,
                arguments: [
                    message.messageID, message.sender, message.recipients.joined(separator: "\n"), message.subject,
                    message.rawMessage, delivery, now, now, message.channel, message.destination,
                ])
            let id = db.lastInsertedRowID
            if let delivery {
                try db.execute(
                    sql: "UPDATE delivery SET state = 'sent', sent_at = ?, last_error = NULL WHERE id = ?",
                    arguments: [now, delivery])
                try Self.requireChange(db, "delivery \(delivery)")
            }
            return id
        }
    }

    public func dueMail(at now: Date, limit: Int) throws(StoreError) -> [OutboxEntry] {
        try read("reading the mail outbox") { db in
            try Row.fetchAll(
                db,
                sql: "SELECT * FROM mail_outbox WHERE state = 'queued' AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?",
                arguments: [now, limit]
            ).map(Self.outboxEntry)
        }
    }

    public func markMailSent(_ id: Int64, at now: Date) throws(StoreError) {
        try write("marking mail \(id) sent") { db in
            try db.execute(
                sql: """
                    UPDATE mail_outbox SET state = 'sent', attempts = attempts + 1, sent_at = ?, next_attempt_at = NULL,
                    last_error = NULL WHERE id = ?
                    """,
                arguments: [now, id])
            try Self.requireChange(db, "mail \(id)")
        }
    }

    public func markMailAttemptFailed(_ id: Int64, at now: Date, error: String, retryAt: Date?) throws(StoreError) {
        try write("recording a failed attempt for mail \(id)") { db in
            try db.execute(
                sql: """
                    UPDATE mail_outbox SET state = ?, attempts = attempts + 1, next_attempt_at = ?, last_error = ?
                    WHERE id = ? AND state = 'queued'
                    """,
                arguments: [retryAt == nil ? "failed" : "queued", retryAt, error, id])
            try Self.requireChange(db, "queued mail \(id)")
        }
    }

    public func mailCounts() throws(StoreError) -> [OutboxState: Int] {
        try read("counting the mail outbox") { db in
            var counts: [OutboxState: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT state, COUNT(*) AS n FROM mail_outbox GROUP BY state") {
                if let state = OutboxState(rawValue: row["state"]) { counts[state] = row["n"] }
            }
            return counts
        }
    }

    public func outbox(state: OutboxState?, limit: Int) throws(StoreError) -> [OutboxEntry] {
        try read("reading the mail outbox") { db in
            switch state {
            case .sent:
                // The latest ones: the table keeps every mail sent.
                return try Row.fetchAll(
                    db, sql: "SELECT * FROM mail_outbox WHERE state = 'sent' ORDER BY id DESC LIMIT ?", arguments: [limit]
                ).map(Self.outboxEntry).reversed()
            case .some(let state):
                return try Row.fetchAll(
                    db, sql: "SELECT * FROM mail_outbox WHERE state = ? ORDER BY id LIMIT ?", arguments: [state.rawValue, limit]
                ).map(Self.outboxEntry)
            case nil:
                return try Row.fetchAll(db, sql: "SELECT * FROM mail_outbox ORDER BY id LIMIT ?", arguments: [limit])
                    .map(Self.outboxEntry)
            }
        }
    }

    public func mailEntry(_ id: Int64) throws(StoreError) -> OutboxEntry? {
        try read("reading mail \(id)") { db in
            try Row.fetchOne(db, sql: "SELECT * FROM mail_outbox WHERE id = ?", arguments: [id]).map(Self.outboxEntry)
        }
    }

    public func requeueMail(_ id: Int64, at now: Date) throws(StoreError) -> Bool {
        try write("queueing mail \(id) again") { db in
            try db.execute(
                sql: """
                    UPDATE mail_outbox SET state = 'queued', attempts = 0, handed_attempt = NULL, next_attempt_at = ?
                    WHERE id = ? AND state IN ('queued', 'failed')
                    """,
                arguments: [now, id])
            return db.changesCount > 0
        }
    }

    // MARK: - Channel outbox

    @discardableResult
    public func enqueue(
        _ messages: [OutboxMessage], failed: [(message: OutboxMessage, error: String)], delivery: Int64?, at now: Date
    ) throws(StoreError) -> [Int64] {
        try write("queueing \(messages.count + failed.count) messages") { db in
            var ids: [Int64] = []
            let all = messages.map { ($0, nil as String?) } + failed.map { ($0.message, $0.error as String?) }
            for (message, error) in all {
                try db.execute(
                    sql: """
                        INSERT OR IGNORE INTO mail_outbox (message_id, sender, recipients, subject, raw_message, state,
                            delivery_id, attempts, created_at, next_attempt_at, last_error, channel, destination)
                        VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?, ?)
                        """,
                    arguments: [
                        message.messageID, message.sender, message.recipients.joined(separator: "\n"), message.subject,
                        message.rawMessage, error == nil ? "queued" : "failed", delivery, now, error == nil ? now : nil, error,
                        message.channel, message.destination,
                    ])
                if db.changesCount > 0 { ids.append(db.lastInsertedRowID) }
            }
            if let delivery {
                try db.execute(
                    sql: "UPDATE delivery SET state = 'sent', sent_at = ?, last_error = NULL WHERE id = ?", arguments: [now, delivery])
                try Self.requireChange(db, "delivery \(delivery)")
            }
            return ids
        }
    }

    public func queuedOutbox(channels: Set<String>, limit: Int) throws(StoreError) -> [OutboxEntry] {
        try read("reading the outbox") { db in
            let marks = Array(repeating: "?", count: channels.count).joined(separator: ", ")
            return try Row.fetchAll(
                db,
                sql: "SELECT * FROM mail_outbox WHERE state = 'queued' AND channel IN (\(marks)) ORDER BY id LIMIT ?",
                arguments: StatementArguments(channels.sorted() as [String]) + [limit]
            ).map(Self.outboxEntry)
        }
    }

    public func markHanded(_ ids: [Int64]) throws(StoreError) {
        guard !ids.isEmpty else { return }
        try write("noting the send of outbox \(ids.map(String.init).joined(separator: ","))") { db in
            let marks = Array(repeating: "?", count: ids.count).joined(separator: ", ")
            try db.execute(
                sql: "UPDATE mail_outbox SET handed_attempt = attempts + 1 WHERE state = 'queued' AND id IN (\(marks))",
                arguments: StatementArguments(ids))
        }
    }

    public func settleInterruptedSends(channels: Set<String>) throws(StoreError) -> [OutboxEntry] {
        try write("settling interrupted sends") { db in
            let marks = Array(repeating: "?", count: channels.count).joined(separator: ", ")
            let condition = "state = 'queued' AND handed_attempt > attempts AND channel IN (\(marks))"
            let arguments = StatementArguments(channels.sorted() as [String])
            let ids = try Int64.fetchAll(db, sql: "SELECT id FROM mail_outbox WHERE \(condition) ORDER BY id", arguments: arguments)
            guard !ids.isEmpty else { return [] }
            try db.execute(
                sql: "UPDATE mail_outbox SET attempts = handed_attempt, possible_repeat = 1 WHERE \(condition)", arguments: arguments)
            let list = ids.map(String.init).joined(separator: ", ")
            return try Row.fetchAll(db, sql: "SELECT * FROM mail_outbox WHERE id IN (\(list)) ORDER BY id").map(Self.outboxEntry)
        }
    }

    public func recordOutboxRequest(destination: String, entries: [Int64], outcome: OutboxRequestOutcome, at now: Date)
        throws(StoreError)
    {
        try write("recording a request to \(destination)") { db in
            try db.execute(sql: "INSERT INTO outbox_request (destination, at) VALUES (?, ?)", arguments: [destination, now])
            // The rate limit looks back minutes; a day of history is plenty.
            try db.execute(
                sql: "DELETE FROM outbox_request WHERE destination = ? AND at < ?", arguments: [destination, now.addingTimeInterval(-86_400)])
            for id in entries {
                switch outcome {
                case .sent:
                    try db.execute(
                        sql: """
                            UPDATE mail_outbox SET state = 'sent', attempts = attempts + 1, sent_at = ?, next_attempt_at = NULL,
                            last_error = NULL WHERE id = ? AND state = 'queued'
                            """,
                        arguments: [now, id])
                case .failed(let error, let retryAt):
                    try db.execute(
                        sql: """
                            UPDATE mail_outbox SET state = ?, attempts = attempts + 1, next_attempt_at = ?, last_error = ?
                            WHERE id = ? AND state = 'queued'
                            """,
                        arguments: [retryAt == nil ? "failed" : "queued", retryAt, error, id])
                }
            }
        }
    }

    @discardableResult
    public func failQueuedOutbox(destination: String, error: String, at now: Date) throws(StoreError) -> Int {
        try write("failing the queue of \(destination)") { db in
            try db.execute(
                sql: """
                    UPDATE mail_outbox SET state = 'failed', next_attempt_at = NULL, last_error = ?
                    WHERE destination = ? AND state = 'queued'
                    """,
                arguments: [error, destination])
            return db.changesCount
        }
    }

    public func outboxRequests(destination: String, since: Date) throws(StoreError) -> [Date] {
        try read("reading the requests to \(destination)") { db in
            try Date.fetchAll(
                db, sql: "SELECT at FROM outbox_request WHERE destination = ? AND at >= ? ORDER BY at", arguments: [destination, since])
        }
    }

    public func recordMailPartlySent(
        _ id: Int64, refused: [String], remaining: [String], retryAt: Date?, error: String?, at now: Date
    ) throws(StoreError) {
        try write("recording a partly sent mail \(id)") { db in
            let previous = try String.fetchOne(db, sql: "SELECT refused FROM mail_outbox WHERE id = ?", arguments: [id])
            let noted = ([previous].compactMap { $0 } + refused).joined(separator: "\n")
            if remaining.isEmpty {
                try db.execute(
                    sql: """
                        UPDATE mail_outbox SET state = 'sent', attempts = attempts + 1, sent_at = ?, next_attempt_at = NULL,
                        last_error = NULL, refused = ? WHERE id = ?
                        """,
                    arguments: [now, noted.isEmpty ? nil : noted, id])
            } else {
                try db.execute(
                    sql: """
                        UPDATE mail_outbox SET state = ?, attempts = attempts + 1, recipients = ?, next_attempt_at = ?,
                        last_error = ?, refused = ? WHERE id = ?
                        """,
                    arguments: [
                        retryAt == nil ? "failed" : "queued", remaining.joined(separator: "\n"), retryAt, error,
                        noted.isEmpty ? nil : noted, id,
                    ])
            }
            try Self.requireChange(db, "mail \(id)")
        }
    }

    // MARK: - Checklist progress

    public func recordProgress(_ progress: ChecklistProgress) throws(StoreError) {
        try write("recording progress of \(progress.occurrenceID)/\(progress.entryID)") { db in
            try Self.insertProgress(db, progress)
        }
    }

    public func recordProgress(batch: [ChecklistProgress]) throws(StoreError) {
        guard let first = batch.first else { return }
        try write("recording progress of \(batch.count) entries of \(first.occurrenceID)") { db in
            for progress in batch { try Self.insertProgress(db, progress) }
        }
    }

    private static func insertProgress(_ db: Database, _ progress: ChecklistProgress) throws {
        let arguments: StatementArguments = [
            progress.occurrenceID, progress.entryID, progress.state.rawValue, progress.unit, progress.note,
            Int64(progress.uid), progress.at, progress.evidence.map { Int64($0) },
        ]
        try db.execute(
            sql: """
                INSERT INTO checklist_progress (occurrence_id, entry_id, state, unit, note, uid, at, evidence)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (occurrence_id, entry_id) DO UPDATE SET
                    state = excluded.state, unit = excluded.unit, note = excluded.note, uid = excluded.uid, at = excluded.at,
                    evidence = excluded.evidence
                """,
            arguments: arguments)
        try db.execute(
            sql: """
                INSERT INTO checklist_progress_history (occurrence_id, entry_id, state, unit, note, uid, at, evidence)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: arguments)
    }

    public func checklistProgress(occurrenceID: String) throws(StoreError) -> [ChecklistProgress] {
        try read("reading checklist progress of \(occurrenceID)") { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM checklist_progress WHERE occurrence_id = ? ORDER BY entry_id", arguments: [occurrenceID]
            ).map(Self.progress)
        }
    }

    public func checklistProgress(occurrenceIDs: [String]) throws(StoreError) -> [String: [ChecklistProgress]] {
        guard !occurrenceIDs.isEmpty else { return [:] }
        return try read("reading checklist progress") { db in
            var result: [String: [ChecklistProgress]] = [:]
            // SQLite limits the number of parameters of one statement: read in slices.
            for start in stride(from: 0, to: occurrenceIDs.count, by: 500) {
                let slice = Array(occurrenceIDs[start..<min(start + 500, occurrenceIDs.count)])
                let marks = Array(repeating: "?", count: slice.count).joined(separator: ",")
                let rows = try Row.fetchAll(
                    db, sql: "SELECT * FROM checklist_progress WHERE occurrence_id IN (\(marks)) ORDER BY occurrence_id, entry_id",
                    arguments: StatementArguments(slice))
                for row in rows {
                    let progress = Self.progress(row)
                    result[progress.occurrenceID, default: []].append(progress)
                }
            }
            return result
        }
    }

    public func checklistHistory(occurrenceID: String, entryID: String) throws(StoreError) -> [ChecklistProgress] {
        try read("reading checklist history of \(occurrenceID)/\(entryID)") { db in
            try Row.fetchAll(
                db,
                sql: "SELECT * FROM checklist_progress_history WHERE occurrence_id = ? AND entry_id = ? ORDER BY id",
                arguments: [occurrenceID, entryID]
            ).map(Self.progress)
        }
    }

    // MARK: - Rows

    private static func fetchDelivery(_ db: Database, key: DeliveryID) throws -> DeliveryRecord? {
        try Row.fetchOne(
            db,
            sql: "SELECT * FROM delivery WHERE occurrence_id = ? AND reminder_id = ? AND channel = ? AND recipient = ?",
            arguments: [key.occurrenceID, key.reminderID, key.channel, key.recipient]
        ).map(deliveryRecord)
    }

    private static func fetchDelivery(_ db: Database, id: Int64) throws -> DeliveryRecord? {
        try Row.fetchOne(db, sql: "SELECT * FROM delivery WHERE id = ?", arguments: [id]).map(deliveryRecord)
    }

    private static func deliveryRecord(_ row: Row) -> DeliveryRecord {
        DeliveryRecord(
            id: row["id"],
            key: DeliveryID(
                occurrenceID: row["occurrence_id"], reminderID: row["reminder_id"], channel: row["channel"],
                recipient: row["recipient"]),
            state: DeliveryState(rawValue: row["state"]) ?? .pending,
            dueAt: row["due_at"], late: row["late"], attempts: row["attempts"], claimedAt: row["claimed_at"],
            sentAt: row["sent_at"], lastError: row["last_error"])
    }

    private static func outboxEntry(_ row: Row) -> OutboxEntry {
        let recipients: String = row["recipients"]
        let refused: String? = row["refused"]
        return OutboxEntry(
            id: row["id"],
            message: OutboxMessage(
                messageID: row["message_id"], sender: row["sender"],
                recipients: recipients.split(separator: "\n").map(String.init), subject: row["subject"],
                rawMessage: row["raw_message"], channel: row["channel"], destination: row["destination"]),
            state: OutboxState(rawValue: row["state"]) ?? .queued,
            deliveryID: row["delivery_id"], attempts: row["attempts"], createdAt: row["created_at"],
            nextAttemptAt: row["next_attempt_at"], sentAt: row["sent_at"], lastError: row["last_error"],
            refused: refused.map { $0.split(separator: "\n").map(String.init) } ?? [],
            possibleRepeat: (row["possible_repeat"] as Int64? ?? 0) != 0)
    }

    private static func progress(_ row: Row) -> ChecklistProgress {
        ChecklistProgress(
            occurrenceID: row["occurrence_id"], entryID: row["entry_id"],
            state: ChecklistProgress.State(rawValue: row["state"]) ?? .open, unit: row["unit"], note: row["note"],
            uid: UInt32(clamping: row["uid"] as Int64), at: row["at"], evidence: (row["evidence"] as Int64?).map { Int(clamping: $0) })
    }

    private static func requireChange(_ db: Database, _ what: String) throws {
        if db.changesCount == 0 { throw StoreError(.notFound, operation: "updating \(what)", detail: "no such row") }
    }

    // MARK: - Errors

    private func read<T>(_ operation: String, _ body: (Database) throws -> T) throws(StoreError) -> T {
        do { return try writer.read(body) } catch { throw Self.storeError(error, operation: operation) }
    }

    private func write<T>(_ operation: String, _ body: (Database) throws -> T) throws(StoreError) -> T {
        defer { writeObserver.withLock { $0 }?.call() }
        do {
            let result = try writer.write(body)
            writeOutcome.withLock { $0 = (nil, $0.writes + 1) }
            return result
        } catch {
            let mapped = Self.storeError(error, operation: operation)
            if StoreHealth.resourceFaults.contains(mapped.code) { writeOutcome.withLock { $0.failure = mapped } }
            throw mapped
        }
    }

    private static func check(_ writer: any DatabaseWriter, operation: String) throws(StoreError) {
        let problems: [String]
        do {
            problems = try writer.read { db in try String.fetchAll(db, sql: "PRAGMA quick_check") }
        } catch {
            throw storeError(error, operation: operation)
        }
        if problems != ["ok"] {
            throw StoreError(.corrupt, operation: operation, detail: "integrity check: " + problems.prefix(3).joined(separator: "; "))
        }
    }

    private static func migrate(_ writer: any DatabaseWriter, operation: String) throws(StoreError) {
        do {
            if try writer.read({ db in try migrator.hasBeenSuperseded(db) }) {
                throw StoreError(
                    .migrationFailed, operation: operation,
                    detail: "the database was written by a newer almanac (unknown schema migrations)")
            }
            try migrator.migrate(writer)
        } catch let error as StoreError {
            throw error
        } catch {
            let mapped = storeError(error, operation: operation)
            throw mapped.code == .other ? StoreError(.migrationFailed, operation: operation, detail: mapped.detail) : mapped
        }
    }

    static func storeError(_ error: any Error, operation: String) -> StoreError {
        if let error = error as? StoreError { return error }
        guard let error = error as? DatabaseError else {
            return StoreError(.other, operation: operation, detail: "\(error)")
        }
        let detail = error.message ?? "\(error)"
        let code: StoreError.Code
        switch error.resultCode {
        case .SQLITE_CORRUPT, .SQLITE_NOTADB: code = .corrupt
        case .SQLITE_CANTOPEN, .SQLITE_PERM, .SQLITE_AUTH: code = .cannotOpen
        case .SQLITE_READONLY: code = .readOnly
        case .SQLITE_FULL: code = .diskFull
        case .SQLITE_BUSY, .SQLITE_LOCKED: code = .busy
        case .SQLITE_IOERR: code = .ioError
        default: code = .other
        }
        return StoreError(code, operation: operation, detail: detail)
    }
}

extension SQLiteStateStore: StoreMaintenance {
    /// Copies the WAL into the main file and truncates it (periodically after writes, at a clean
    /// exit, and before a backup copy of the file).
    public func checkpoint() throws(StoreError) {
        do {
            try writer.writeWithoutTransaction { db in try db.checkpoint(.truncate) }
        } catch {
            throw Self.storeError(error, operation: "checkpointing")
        }
    }

    public func health() -> StoreHealth {
        let outcome = writeOutcome.withLock { $0 }
        var walBytes: Int64?
        if let path {
            var info = stat()
            if stat(path + "-wal", &info) == 0 { walBytes = Int64(info.st_size) }
        }
        return StoreHealth(writeFailure: outcome.failure, walBytes: walBytes, writes: outcome.writes)
    }

    public func observeWrites(_ observer: @escaping @Sendable () -> Void) {
        writeObserver.withLock { $0 = WriteObserver(observer) }
    }

    public func probeWrite() throws(StoreError) {
        // A table of its own, filled past a few pages and dropped again in one transaction: the
        // commit must find room for new pages (max_page_count) and for their frames in the log
        // (the file system), and leaves nothing behind.
        try write("checking that \(path ?? "the database") takes writes again") { db in
            try db.execute(sql: """
                CREATE TABLE almanac_write_probe (filler BLOB);
                INSERT INTO almanac_write_probe (filler) VALUES (zeroblob(16384));
                DROP TABLE almanac_write_probe;
                """)
        }
    }
}
