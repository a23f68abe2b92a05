import AlmanacCalendar
import Foundation
import Synchronization

/// The ``StateStore`` in a PostgreSQL database shared by several almanacd instances, through libpq
/// (docs/state-store.md, "PostgreSQL"). The tables are the SQLite store's, plus the lease row
/// (`almanac_leader`) and a fencing token on each claim: every change to the delivery ledger and
/// the outbox's sending (claim, settle, queue, mark mail sent) is made only while the caller's
/// lease token is the one in force, checked in the same transaction (`almanac_fenced`). Marks,
/// snoozes and checklist progress may be written by any instance.
///
/// Opening does not connect: the first call does (and migrates the schema once per process), so
/// an instance starts while the database is down and works once it is back.
public final class PostgresStateStore: StateStore {
    public let settings: PostgresSettings
    /// The lease this process holds (kept by ``PostgresLeaderElector``); its token fences changes.
    public let leadership: Leadership
    let pool: PostgresPool

    /// - Parameters:
    ///   - leadership: The lease state the elector updates; the store reads its token.
    public init(settings: PostgresSettings, leadership: Leadership, applicationName: String = "almanacd") {
        self.settings = settings
        self.leadership = leadership
        let migrated = MigrationFlag()
        pool = PostgresPool(settings: settings, applicationName: applicationName) { connection throws(StoreError) in
            if migrated.done.load(ordering: .acquiring) { return }
            try PostgresSchema.migrate(connection)
            migrated.done.store(true, ordering: .releasing)
        }
    }

    /// Connects and migrates now, so that a wrong URL or password is reported at once.
    public func check() throws(StoreError) {
        _ = try pool.with("connecting to \(settings.displayURL)") { connection throws(StoreError) in
            try connection.query("SELECT 1", operation: "connecting to \(settings.displayURL)")
        }
    }

    /// The migrations applied to the database.
    public func appliedMigrations() throws(StoreError) -> [String] {
        try rows("reading the schema version", "SELECT name FROM almanac_migrations ORDER BY applied_at, name").map { $0.text("name") }
    }

    // MARK: - Helpers

    private func rows(_ operation: String, _ sql: String, _ parameters: [String?] = []) throws(StoreError) -> [PostgresRow] {
        try pool.with(operation) { connection throws(StoreError) in
            try connection.query(sql, parameters, operation: operation).all
        }
    }

    private func execute(_ operation: String, _ sql: String, _ parameters: [String?] = []) throws(StoreError) -> Int {
        try pool.with(operation) { connection throws(StoreError) in
            try connection.query(sql, parameters, operation: operation).affected
        }
    }

    /// The token of this process's lease, or `not-leader`.
    private func fence(_ operation: String) throws(StoreError) -> String {
        guard let token = leadership.token else {
            throw StoreError(.notLeader, operation: operation, detail: "this instance does not hold the lease")
        }
        return "\(token)"
    }

    static let deliveryColumns = """
        id, occurrence_id, reminder_id, channel, recipient, state, extract(epoch from due_at)::float8 AS due_at, late,
        attempts, extract(epoch from claimed_at)::float8 AS claimed_at, extract(epoch from sent_at)::float8 AS sent_at,
        last_error
        """
    static let markColumns = "id, occurrence_id, kind, uid, extract(epoch from at)::float8 AS at, note"
    static let snoozeColumns = "id, occurrence_id, extract(epoch from until)::float8 AS until, uid, extract(epoch from at)::float8 AS at, note"
    static let outboxColumns = """
        id, message_id, sender, recipients, subject, raw_message, state, delivery_id, attempts,
        extract(epoch from created_at)::float8 AS created_at, extract(epoch from next_attempt_at)::float8 AS next_attempt_at,
        extract(epoch from sent_at)::float8 AS sent_at, last_error, channel, destination, refused, possible_repeat
        """
    static let progressColumns = "occurrence_id, entry_id, state, unit, note, uid, extract(epoch from at)::float8 AS at, evidence"

    // MARK: - Deliveries

    public func claimDelivery(_ key: DeliveryID, dueAt: Date, late: Bool, at now: Date) throws(StoreError) -> DeliveryClaim {
        let operation = "claiming delivery \(key)"
        let token = try fence(operation)
        let found = try rows(
            operation,
            """
            SELECT * FROM almanac_claim_delivery($1::bigint, $2, $3, $4, $5, to_timestamp($6::float8), $7::boolean, to_timestamp($8::float8))
            """,
            [token, key.occurrenceID, key.reminderID, key.channel, key.recipient, PGValue.time(dueAt), PGValue.bool(late), PGValue.time(now)])
        guard let row = found.first else {
            throw StoreError(.other, operation: operation, detail: "the claim returned no row")
        }
        let record = Self.deliveryRecord(row)
        switch row.text("outcome") {
        case "claimed": return .claimed(record)
        case "in-doubt": return .inDoubt(record)
        default: return .alreadyDone(record)
        }
    }

    public func markSent(_ id: Int64, at now: Date) throws(StoreError) {
        let operation = "marking delivery \(id) sent"
        let token = try fence(operation)
        let changed = try execute(
            operation,
            """
            UPDATE delivery SET state = 'sent', sent_at = to_timestamp($2::float8), last_error = NULL
            WHERE id = $3::bigint AND claim_token = $1::bigint AND almanac_fenced($1::bigint)
            """,
            [token, PGValue.time(now), "\(id)"])
        if changed == 0 { throw StoreError(.notFound, operation: operation, detail: "no such row claimed under this lease") }
    }

    public func markFailed(_ id: Int64, at now: Date, error: String) throws(StoreError) {
        let operation = "marking delivery \(id) failed"
        let token = try fence(operation)
        let changed = try execute(
            operation,
            """
            UPDATE delivery SET state = 'failed', last_error = $2
            WHERE id = $3::bigint AND state != 'sent' AND claim_token = $1::bigint AND almanac_fenced($1::bigint)
            """,
            [token, error, "\(id)"])
        if changed == 0 { throw StoreError(.notFound, operation: operation, detail: "no such row claimed under this lease") }
    }

    public func resolveInDoubt(_ id: Int64, sent: Bool, at now: Date) throws(StoreError) {
        let operation = "resolving delivery \(id)"
        let token = try fence(operation)
        let changed: Int
        if sent {
            changed = try execute(
                operation,
                """
                UPDATE delivery SET state = 'sent', sent_at = to_timestamp($2::float8)
                WHERE id = $3::bigint AND state = 'pending' AND almanac_fenced($1::bigint)
                """,
                [token, PGValue.time(now), "\(id)"])
        } else {
            changed = try execute(
                operation,
                """
                UPDATE delivery SET state = 'failed', last_error = $2
                WHERE id = $3::bigint AND state = 'pending' AND almanac_fenced($1::bigint)
                """,
                [token, DeliveryRecord.interruptedNote, "\(id)"])
        }
        if changed == 0 { throw StoreError(.notFound, operation: "updating pending delivery \(id)", detail: "no such row") }
    }

    public func recordMissed(_ missed: [MissedDelivery], at now: Date) throws(StoreError) {
        guard let first = missed.first else { return }
        let operation = missed.count == 1 ? "recording missed delivery \(first.key)" : "recording \(missed.count) missed deliveries"
        let token = try fence(operation)
        // One statement for all of them: the keys as parallel arrays, unnested.
        _ = try execute(
            operation,
            """
            INSERT INTO delivery (occurrence_id, reminder_id, channel, recipient, state, due_at, late, attempts, claimed_at, claim_token)
            SELECT m.o, m.r, m.c, m.p, 'missed', to_timestamp(m.d), true, 0, to_timestamp($7::float8), $1::bigint
            FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::float8[]) AS m(o, r, c, p, d)
            WHERE almanac_fenced($1::bigint)
            ON CONFLICT (occurrence_id, reminder_id, channel, recipient) DO NOTHING
            """,
            [token, Self.arrayLiteral(missed.map(\.key.occurrenceID)), Self.arrayLiteral(missed.map(\.key.reminderID)),
             Self.arrayLiteral(missed.map(\.key.channel)), Self.arrayLiteral(missed.map(\.key.recipient)),
             Self.arrayLiteral(missed.map { PGValue.time($0.dueAt) }), PGValue.time(now)])
    }

    public func delivery(_ key: DeliveryID) throws(StoreError) -> DeliveryRecord? {
        try rows(
            "reading delivery \(key)",
            "SELECT \(Self.deliveryColumns) FROM delivery WHERE occurrence_id = $1 AND reminder_id = $2 AND channel = $3 AND recipient = $4",
            [key.occurrenceID, key.reminderID, key.channel, key.recipient]
        ).first.map(Self.deliveryRecord)
    }

    public func deliveries(occurrenceID: String) throws(StoreError) -> [DeliveryRecord] {
        try rows(
            "reading deliveries of \(occurrenceID)",
            "SELECT \(Self.deliveryColumns) FROM delivery WHERE occurrence_id = $1 ORDER BY due_at, id", [occurrenceID]
        ).map(Self.deliveryRecord)
    }

    public func deliveries(dueSince since: Date) throws(StoreError) -> [DeliveryRecord] {
        try rows(
            "reading deliveries",
            "SELECT \(Self.deliveryColumns) FROM delivery WHERE due_at >= to_timestamp($1::float8) ORDER BY due_at, id",
            [PGValue.time(max(since, Date(timeIntervalSince1970: -62_135_596_800)))]
        ).map(Self.deliveryRecord)
    }

    public func inDoubtDeliveries() throws(StoreError) -> [DeliveryRecord] {
        try rows("reading pending deliveries", "SELECT \(Self.deliveryColumns) FROM delivery WHERE state = 'pending' ORDER BY id")
            .map(Self.deliveryRecord)
    }

    public func deliveryCounts() throws(StoreError) -> [DeliveryState: Int] {
        var counts: [DeliveryState: Int] = [:]
        for row in try rows(
            "counting deliveries", "SELECT state, count(*) AS n FROM delivery WHERE occurrence_id != '*' GROUP BY state")
        {
            if let state = DeliveryState(rawValue: row.text("state")) { counts[state] = row.int("n") }
        }
        return counts
    }

    public func deliveryCountsByChannel() throws(StoreError) -> [String: [DeliveryState: Int]] {
        var counts: [String: [DeliveryState: Int]] = [:]
        for row in try rows(
            "counting deliveries",
            "SELECT channel, state, count(*) AS n FROM delivery WHERE occurrence_id != '*' GROUP BY channel, state")
        {
            if let state = DeliveryState(rawValue: row.text("state")) { counts[row.text("channel"), default: [:]][state] = row.int("n") }
        }
        return counts
    }

    // MARK: - Marks and snoozes

    public func recordMark(_ mark: Mark) throws(StoreError) {
        _ = try execute(
            "recording \(mark.kind.rawValue) for \(mark.occurrenceID)",
            "INSERT INTO mark (occurrence_id, kind, uid, at, note) VALUES ($1, $2, $3::bigint, to_timestamp($4::float8), $5)",
            [mark.occurrenceID, mark.kind.rawValue, "\(mark.uid)", PGValue.time(mark.at), mark.note])
    }

    public func marks(occurrenceID: String) throws(StoreError) -> [Mark] {
        try rows(
            "reading marks of \(occurrenceID)", "SELECT \(Self.markColumns) FROM mark WHERE occurrence_id = $1 ORDER BY id",
            [occurrenceID]
        ).map(Self.mark)
    }

    public func markState(occurrenceID: String) throws(StoreError) -> MarkState {
        MarkState(try marks(occurrenceID: occurrenceID))
    }

    public func markStates() throws(StoreError) -> [String: MarkState] {
        var grouped: [String: [Mark]] = [:]
        for mark in try rows("reading every mark", "SELECT \(Self.markColumns) FROM mark ORDER BY id").map(Self.mark) {
            grouped[mark.occurrenceID, default: []].append(mark)
        }
        return grouped.mapValues(MarkState.init)
    }

    public func marks(since: Date) throws(StoreError) -> [Mark] {
        try rows(
            "reading marks", "SELECT \(Self.markColumns) FROM mark WHERE at >= to_timestamp($1::float8) ORDER BY id",
            [PGValue.time(max(since, Date(timeIntervalSince1970: -62_135_596_800)))]
        ).map(Self.mark)
    }

    public func recordSnooze(_ snooze: Snooze) throws(StoreError) {
        _ = try execute(
            "snoozing \(snooze.occurrenceID)",
            """
            INSERT INTO snooze (occurrence_id, until, uid, at, note)
            VALUES ($1, to_timestamp($2::float8), $3::bigint, to_timestamp($4::float8), $5)
            """,
            [snooze.occurrenceID, PGValue.time(snooze.until), "\(snooze.uid)", PGValue.time(snooze.at), snooze.note])
    }

    public func activeSnooze(occurrenceID: String, at now: Date) throws(StoreError) -> Snooze? {
        // The latest snooze decides: a later, shorter snooze ends an earlier, longer one.
        guard let row = try rows(
            "reading snoozes of \(occurrenceID)",
            "SELECT \(Self.snoozeColumns) FROM snooze WHERE occurrence_id = $1 ORDER BY id DESC LIMIT 1", [occurrenceID]
        ).first else { return nil }
        let snooze = Self.snooze(row)
        return snooze.until > now ? snooze : nil
    }

    public func activeSnoozes(at now: Date) throws(StoreError) -> [String: Snooze] {
        var result: [String: Snooze] = [:]
        for row in try rows(
            "reading snoozes",
            "SELECT DISTINCT ON (occurrence_id) \(Self.snoozeColumns) FROM snooze ORDER BY occurrence_id, id DESC")
        {
            let snooze = Self.snooze(row)
            if snooze.until > now { result[snooze.occurrenceID] = snooze }
        }
        return result
    }

    // MARK: - Mail outbox

    @discardableResult
    public func enqueueMail(_ message: OutboxMessage, delivery: Int64?, at now: Date) throws(StoreError) -> Int64 {
        let operation = "queueing mail \(message.messageID)"
        let token = try fence(operation)
        let found = try rows(
            operation,
            """
            SELECT almanac_enqueue_mail($1::bigint, $2, $3, $4, $5, $6, $7, $8, $9::bigint, to_timestamp($10::float8)) AS id
            """,
            [token, message.messageID, message.sender, message.recipients.joined(separator: "\n"), message.subject,
             message.rawMessage, message.channel, message.destination, PGValue.int(delivery), PGValue.time(now)])
        guard let id = found.first?.int64("id") else { throw StoreError(.other, operation: operation, detail: "no id returned") }
        return id
    }

    public func dueMail(at now: Date, limit: Int) throws(StoreError) -> [OutboxEntry] {
        try rows(
            "reading the mail outbox",
            """
            SELECT \(Self.outboxColumns) FROM mail_outbox WHERE state = 'queued' AND next_attempt_at <= to_timestamp($1::float8)
            ORDER BY next_attempt_at, id LIMIT $2::bigint
            """,
            [PGValue.time(now), "\(limit)"]
        ).map(Self.outboxEntry)
    }

    public func markMailSent(_ id: Int64, at now: Date) throws(StoreError) {
        let operation = "marking mail \(id) sent"
        let token = try fence(operation)
        let changed = try execute(
            operation,
            """
            UPDATE mail_outbox SET state = 'sent', attempts = attempts + 1, sent_at = to_timestamp($2::float8),
                next_attempt_at = NULL, last_error = NULL
            WHERE id = $3::bigint AND almanac_fenced($1::bigint)
            """,
            [token, PGValue.time(now), "\(id)"])
        if changed == 0 { throw StoreError(.notFound, operation: "updating mail \(id)", detail: "no such row") }
    }

    public func markMailAttemptFailed(_ id: Int64, at now: Date, error: String, retryAt: Date?) throws(StoreError) {
        let operation = "recording a failed attempt for mail \(id)"
        let token = try fence(operation)
        let changed = try execute(
            operation,
            """
            UPDATE mail_outbox SET state = $2, attempts = attempts + 1, next_attempt_at = to_timestamp($3::float8), last_error = $4
            WHERE id = $5::bigint AND state = 'queued' AND almanac_fenced($1::bigint)
            """,
            [token, retryAt == nil ? "failed" : "queued", PGValue.time(retryAt), error, "\(id)"])
        if changed == 0 { throw StoreError(.notFound, operation: "updating queued mail \(id)", detail: "no such row") }
    }

    public func mailCounts() throws(StoreError) -> [OutboxState: Int] {
        var counts: [OutboxState: Int] = [:]
        for row in try rows("counting the mail outbox", "SELECT state, count(*) AS n FROM mail_outbox GROUP BY state") {
            if let state = OutboxState(rawValue: row.text("state")) { counts[state] = row.int("n") }
        }
        return counts
    }

    public func outbox(state: OutboxState?, limit: Int) throws(StoreError) -> [OutboxEntry] {
        switch state {
        case .sent:
            return try rows(
                "reading the mail outbox",
                "SELECT \(Self.outboxColumns) FROM mail_outbox WHERE state = 'sent' ORDER BY id DESC LIMIT $1::bigint", ["\(limit)"]
            ).map(Self.outboxEntry).reversed()
        case .some(let state):
            return try rows(
                "reading the mail outbox",
                "SELECT \(Self.outboxColumns) FROM mail_outbox WHERE state = $1 ORDER BY id LIMIT $2::bigint",
                [state.rawValue, "\(limit)"]
            ).map(Self.outboxEntry)
        case nil:
            return try rows(
                "reading the mail outbox", "SELECT \(Self.outboxColumns) FROM mail_outbox ORDER BY id LIMIT $1::bigint", ["\(limit)"]
            ).map(Self.outboxEntry)
        }
    }

    public func mailEntry(_ id: Int64) throws(StoreError) -> OutboxEntry? {
        try rows("reading mail \(id)", "SELECT \(Self.outboxColumns) FROM mail_outbox WHERE id = $1::bigint", ["\(id)"])
            .first.map(Self.outboxEntry)
    }

    public func requeueMail(_ id: Int64, at now: Date) throws(StoreError) -> Bool {
        try execute(
            "queueing mail \(id) again",
            """
            UPDATE mail_outbox SET state = 'queued', attempts = 0, handed_attempt = NULL, next_attempt_at = to_timestamp($1::float8)
            WHERE id = $2::bigint AND state IN ('queued', 'failed')
            """,
            [PGValue.time(now), "\(id)"]) > 0
    }

    // MARK: - Channel outbox

    @discardableResult
    public func enqueue(
        _ messages: [OutboxMessage], failed: [(message: OutboxMessage, error: String)], delivery: Int64?, at now: Date
    ) throws(StoreError) -> [Int64] {
        let operation = "queueing \(messages.count + failed.count) messages"
        let token = try fence(operation)
        let all = messages.map { ($0, nil as String?) } + failed.map { ($0.message, $0.error as String?) }
        func array(_ value: ((OutboxMessage, String?)) -> String?) -> String { Self.arrayLiteral(all.map(value)) }
        return try rows(
            operation,
            """
            SELECT id FROM almanac_enqueue($1::bigint, $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
                $8::text[], $9::text[], $10::bigint, to_timestamp($11::float8)) AS id
            """,
            [
                token, array { $0.0.messageID }, array { $0.0.sender }, array { $0.0.recipients.joined(separator: "\n") },
                array { $0.0.subject }, array { $0.0.rawMessage }, array { $0.0.channel }, array { $0.0.destination },
                array { $0.1 }, PGValue.int(delivery), PGValue.time(now),
            ]
        ).compactMap { $0.int64("id") }
    }

    public func queuedOutbox(channels: Set<String>, limit: Int) throws(StoreError) -> [OutboxEntry] {
        try rows(
            "reading the outbox",
            """
            SELECT \(Self.outboxColumns) FROM mail_outbox WHERE state = 'queued' AND channel = ANY($1::text[])
            ORDER BY id LIMIT $2::bigint
            """,
            [Self.arrayLiteral(channels.sorted()), "\(limit)"]
        ).map(Self.outboxEntry)
    }

    public func markHanded(_ ids: [Int64]) throws(StoreError) {
        guard !ids.isEmpty else { return }
        _ = try execute(
            "noting the send of outbox \(ids.map(String.init).joined(separator: ","))",
            "UPDATE mail_outbox SET handed_attempt = attempts + 1 WHERE state = 'queued' AND id = ANY($1::bigint[])",
            [Self.arrayLiteral(ids.map(String.init))])
    }

    public func settleInterruptedSends(channels: Set<String>) throws(StoreError) -> [OutboxEntry] {
        try rows(
            "settling interrupted sends",
            """
            UPDATE mail_outbox SET attempts = handed_attempt, possible_repeat = true
            WHERE state = 'queued' AND handed_attempt > attempts AND channel = ANY($1::text[])
            RETURNING \(Self.outboxColumns)
            """,
            [Self.arrayLiteral(channels.sorted())]
        ).map(Self.outboxEntry).sorted { $0.id < $1.id }
    }

    public func recordOutboxRequest(destination: String, entries: [Int64], outcome: OutboxRequestOutcome, at now: Date)
        throws(StoreError)
    {
        let operation = "recording a request to \(destination)"
        let token = try fence(operation)
        let sent: Bool
        var error: String?
        var retryAt: Date?
        switch outcome {
        case .sent: sent = true
        case .failed(let text, let retry):
            sent = false
            error = text
            retryAt = retry
        }
        _ = try rows(
            operation,
            """
            SELECT almanac_record_outbox_request($1::bigint, $2, $3::bigint[], $4::boolean, $5, to_timestamp($6::float8),
                to_timestamp($7::float8))
            """,
            [token, destination, Self.arrayLiteral(entries.map { "\($0)" }), PGValue.bool(sent), error, PGValue.time(retryAt),
             PGValue.time(now)])
    }

    @discardableResult
    public func failQueuedOutbox(destination: String, error: String, at now: Date) throws(StoreError) -> Int {
        let operation = "failing the queue of \(destination)"
        let token = try fence(operation)
        return try execute(
            operation,
            """
            UPDATE mail_outbox SET state = 'failed', next_attempt_at = NULL, last_error = $2
            WHERE destination = $3 AND state = 'queued' AND almanac_fenced($1::bigint)
            """,
            [token, error, destination])
    }

    public func outboxRequests(destination: String, since: Date) throws(StoreError) -> [Date] {
        try rows(
            "reading the requests to \(destination)",
            """
            SELECT extract(epoch from at)::float8 AS at FROM outbox_request
            WHERE destination = $1 AND at >= to_timestamp($2::float8) ORDER BY at
            """,
            [destination, PGValue.time(max(since, Date(timeIntervalSince1970: -62_135_596_800)))]
        ).compactMap { $0.date("at") }
    }

    public func recordMailPartlySent(
        _ id: Int64, refused: [String], remaining: [String], retryAt: Date?, error: String?, at now: Date
    ) throws(StoreError) {
        let operation = "recording a partly sent mail \(id)"
        let token = try fence(operation)
        let done = remaining.isEmpty
        let changed = try execute(
            operation,
            """
            UPDATE mail_outbox SET
                state = CASE WHEN $2::boolean THEN 'sent' WHEN $3::float8 IS NULL THEN 'failed' ELSE 'queued' END,
                attempts = attempts + 1,
                sent_at = CASE WHEN $2::boolean THEN to_timestamp($4::float8) ELSE sent_at END,
                next_attempt_at = CASE WHEN $2::boolean THEN NULL ELSE to_timestamp($3::float8) END,
                last_error = CASE WHEN $2::boolean THEN NULL ELSE $5 END,
                recipients = CASE WHEN $2::boolean THEN recipients ELSE $6 END,
                refused = nullif(concat_ws(E'\\n', refused, nullif($7, '')), '')
            WHERE id = $8::bigint AND almanac_fenced($1::bigint)
            """,
            [token, PGValue.bool(done), PGValue.time(retryAt), PGValue.time(now), error, remaining.joined(separator: "\n"),
             refused.joined(separator: "\n"), "\(id)"])
        if changed == 0 { throw StoreError(.notFound, operation: "updating mail \(id)", detail: "no such row") }
    }

    // MARK: - Checklist progress

    public func recordProgress(_ progress: ChecklistProgress) throws(StoreError) {
        try recordProgress(batch: [progress])
    }

    public func recordProgress(batch: [ChecklistProgress]) throws(StoreError) {
        guard let first = batch.first else { return }
        let operation = batch.count == 1
            ? "recording progress of \(first.occurrenceID)/\(first.entryID)"
            : "recording progress of \(batch.count) entries of \(first.occurrenceID)"
        // One statement for the whole batch: all entries or (on error) none.
        func column<T>(_ value: (ChecklistProgress) -> T?) -> String {
            Self.arrayLiteral(batch.map { value($0).map { "\($0)" } })
        }
        _ = try execute(
            operation,
            """
            WITH input AS (
                SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[], $7::float8[], $8::int[])
                    WITH ORDINALITY AS t(occurrence_id, entry_id, state, unit, note, uid, at, evidence, n)
            ), history AS (
                INSERT INTO checklist_progress_history (occurrence_id, entry_id, state, unit, note, uid, at, evidence)
                SELECT occurrence_id, entry_id, state, unit, note, uid, to_timestamp(at), evidence FROM input ORDER BY n
            )
            INSERT INTO checklist_progress (occurrence_id, entry_id, state, unit, note, uid, at, evidence)
            SELECT DISTINCT ON (occurrence_id, entry_id) occurrence_id, entry_id, state, unit, note, uid, to_timestamp(at), evidence
            FROM input ORDER BY occurrence_id, entry_id, n DESC
            ON CONFLICT (occurrence_id, entry_id) DO UPDATE SET
                state = excluded.state, unit = excluded.unit, note = excluded.note, uid = excluded.uid, at = excluded.at,
                evidence = excluded.evidence
            """,
            [
                column { $0.occurrenceID }, column { $0.entryID }, column { $0.state.rawValue }, column { $0.unit },
                column { $0.note }, column { $0.uid }, column { PGValue.time($0.at) }, column { $0.evidence },
            ])
    }

    public func checklistProgress(occurrenceID: String) throws(StoreError) -> [ChecklistProgress] {
        try rows(
            "reading checklist progress of \(occurrenceID)",
            "SELECT \(Self.progressColumns) FROM checklist_progress WHERE occurrence_id = $1 ORDER BY entry_id", [occurrenceID]
        ).map(Self.progress)
    }

    public func checklistProgress(occurrenceIDs: [String]) throws(StoreError) -> [String: [ChecklistProgress]] {
        guard !occurrenceIDs.isEmpty else { return [:] }
        var result: [String: [ChecklistProgress]] = [:]
        for row in try rows(
            "reading checklist progress",
            """
            SELECT \(Self.progressColumns) FROM checklist_progress WHERE occurrence_id = ANY($1::text[])
            ORDER BY occurrence_id, entry_id
            """,
            [Self.arrayLiteral(occurrenceIDs)])
        {
            let progress = Self.progress(row)
            result[progress.occurrenceID, default: []].append(progress)
        }
        return result
    }

    public func checklistHistory(occurrenceID: String, entryID: String) throws(StoreError) -> [ChecklistProgress] {
        try rows(
            "reading checklist history of \(occurrenceID)/\(entryID)",
            "SELECT \(Self.progressColumns) FROM checklist_progress_history WHERE occurrence_id = $1 AND entry_id = $2 ORDER BY id",
            [occurrenceID, entryID]
        ).map(Self.progress)
    }

    // MARK: - Rows

    /// A PostgreSQL array literal of text values (`{"a","b",NULL}`), quoted and escaped.
    static func arrayLiteral(_ values: [String?]) -> String {
        "{" + values.map { value in
            guard let value else { return "NULL" }
            return "\"" + value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
        }.joined(separator: ",") + "}"
    }

    static func deliveryRecord(_ row: PostgresRow) -> DeliveryRecord {
        DeliveryRecord(
            id: row.int64("id") ?? 0,
            key: DeliveryID(
                occurrenceID: row.text("occurrence_id"), reminderID: row.text("reminder_id"), channel: row.text("channel"),
                recipient: row.text("recipient")),
            state: DeliveryState(rawValue: row.text("state")) ?? .pending,
            dueAt: row.date("due_at") ?? .distantPast, late: row.bool("late"), attempts: row.int("attempts"),
            claimedAt: row.date("claimed_at") ?? .distantPast, sentAt: row.date("sent_at"), lastError: row.string("last_error"))
    }

    static func mark(_ row: PostgresRow) -> Mark {
        Mark(
            occurrenceID: row.text("occurrence_id"), kind: Mark.Kind(rawValue: row.text("kind")) ?? .acknowledged,
            uid: UInt32(clamping: row.int64("uid") ?? 0), at: row.date("at") ?? .distantPast, note: row.string("note"))
    }

    static func snooze(_ row: PostgresRow) -> Snooze {
        Snooze(
            occurrenceID: row.text("occurrence_id"), until: row.date("until") ?? .distantPast,
            uid: UInt32(clamping: row.int64("uid") ?? 0), at: row.date("at") ?? .distantPast, note: row.string("note"))
    }

    static func outboxEntry(_ row: PostgresRow) -> OutboxEntry {
        OutboxEntry(
            id: row.int64("id") ?? 0,
            message: OutboxMessage(
                messageID: row.text("message_id"), sender: row.text("sender"),
                recipients: row.text("recipients").split(separator: "\n").map(String.init), subject: row.text("subject"),
                rawMessage: row.text("raw_message"), channel: row.string("channel") ?? "mail",
                destination: row.text("destination")),
            state: OutboxState(rawValue: row.text("state")) ?? .queued,
            deliveryID: row.int64("delivery_id"), attempts: row.int("attempts"), createdAt: row.date("created_at") ?? .distantPast,
            nextAttemptAt: row.date("next_attempt_at"), sentAt: row.date("sent_at"), lastError: row.string("last_error"),
            refused: row.string("refused").map { $0.split(separator: "\n").map(String.init) } ?? [],
            possibleRepeat: row.bool("possible_repeat"))
    }

    static func progress(_ row: PostgresRow) -> ChecklistProgress {
        ChecklistProgress(
            occurrenceID: row.text("occurrence_id"), entryID: row.text("entry_id"),
            state: ChecklistProgress.State(rawValue: row.text("state")) ?? .open, unit: row.string("unit"),
            note: row.string("note"), uid: UInt32(clamping: row.int64("uid") ?? 0), at: row.date("at") ?? .distantPast,
            evidence: row.int64("evidence").map { Int(clamping: $0) })
    }
}

/// Whether this process has migrated the schema (once; later connections skip it).
final class MigrationFlag: Sendable {
    let done = Atomic<Bool>(false)
}
