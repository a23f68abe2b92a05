import Foundation
import GRDB

/// `almanacctl state migrate --to postgresql://...`: copies an SQLite state (every delivery, mark,
/// snooze, outbox entry and checklist record, with their ids) into an empty PostgreSQL database
/// in one transaction, checks that each table has as many rows as the source, and records the copy
/// so that a second run is refused instead of doubling anything.
public enum StateCopy {
    /// The tables copied, in order (an outbox entry refers to its delivery).
    public static let tables = [
        "delivery", "mark", "snooze", "mail_outbox", "outbox_request", "checklist_progress", "checklist_progress_history",
    ]

    /// Rows per table, in ``tables`` order.
    public struct Counts: Sendable, Hashable, Codable {
        public var tables: [String: Int]
        public var total: Int { tables.values.reduce(0, +) }
    }

    /// Column name, and how its SQLite value becomes PostgreSQL text: a time as seconds since 1970.
    private enum Kind { case text, integer, boolean, time }

    private static let columns: [String: [(String, Kind)]] = [
        "delivery": [
            ("id", .integer), ("occurrence_id", .text), ("reminder_id", .text), ("channel", .text), ("recipient", .text),
            ("state", .text), ("due_at", .time), ("late", .boolean), ("attempts", .integer), ("claimed_at", .time),
            ("sent_at", .time), ("last_error", .text),
        ],
        "mark": [("id", .integer), ("occurrence_id", .text), ("kind", .text), ("uid", .integer), ("at", .time), ("note", .text)],
        "snooze": [
            ("id", .integer), ("occurrence_id", .text), ("until", .time), ("uid", .integer), ("at", .time), ("note", .text),
        ],
        "mail_outbox": [
            ("id", .integer), ("message_id", .text), ("sender", .text), ("recipients", .text), ("subject", .text),
            ("raw_message", .text), ("state", .text), ("delivery_id", .integer), ("attempts", .integer), ("created_at", .time),
            ("next_attempt_at", .time), ("sent_at", .time), ("last_error", .text), ("channel", .text), ("destination", .text),
            ("refused", .text), ("handed_attempt", .integer), ("possible_repeat", .boolean),
        ],
        "outbox_request": [("id", .integer), ("destination", .text), ("at", .time)],
        "checklist_progress": [
            ("occurrence_id", .text), ("entry_id", .text), ("state", .text), ("unit", .text), ("note", .text), ("uid", .integer),
            ("at", .time), ("evidence", .integer),
        ],
        "checklist_progress_history": [
            ("id", .integer), ("occurrence_id", .text), ("entry_id", .text), ("state", .text), ("unit", .text), ("note", .text),
            ("uid", .integer), ("at", .time), ("evidence", .integer),
        ],
    ]

    private static func pgType(_ kind: Kind) -> String {
        switch kind {
        case .text: "text"
        case .integer: "bigint"
        case .boolean: "boolean"
        case .time: "float8"
        }
    }

    /// Copies `source` into the database of `settings`. Throws when the database already holds
    /// state or a copy, or when the counts differ (then nothing is written).
    public static func copy(from source: SQLiteStateStore, to settings: PostgresSettings) throws(StoreError) -> Counts {
        let sourceName = source.path ?? "(memory)"
        // Read everything first (the source is a local file; the daemon must be stopped).
        var data: [String: [[String?]]] = [:]
        do {
            try source.writer.read { db in
                for table in tables {
                    guard let columns = columns[table] else { continue }
                    var rows: [[String?]] = []
                    for row in try Row.fetchAll(db, sql: "SELECT * FROM \(table)") {
                        rows.append(columns.map { name, kind in value(row, name, kind) })
                    }
                    data[table] = rows
                }
            }
        } catch {
            throw SQLiteStateStore.storeError(error, operation: "reading \(sourceName)")
        }
        let connection = try PostgresConnection(parameters: try settings.connectionParameters(applicationName: "almanacctl state migrate"))
        try PostgresSchema.migrate(connection)
        let operation = "copying \(sourceName) to \(settings.displayURL)"
        try connection.query("BEGIN", operation: operation)
        do throws(StoreError) {
            try connection.query("LOCK TABLE almanac_state_copy IN EXCLUSIVE MODE", operation: operation)
            if let earlier = try connection.query(
                "SELECT source, copied_at::text AS at FROM almanac_state_copy ORDER BY copied_at LIMIT 1", operation: operation
            ).first {
                throw StoreError(
                    .other, operation: operation,
                    detail: "the database already holds a copy of \(earlier.text("source")) (made \(earlier.text("at"))); refusing to copy twice")
            }
            for table in tables {
                let count = try connection.query("SELECT count(*) AS n FROM \(table)", operation: operation).first?.int("n") ?? 0
                if count > 0 {
                    throw StoreError(
                        .other, operation: operation,
                        detail: "the database already holds state (\(count) rows in \(table)); copy only into a new database")
                }
            }
            var counts = Counts(tables: [:])
            for table in tables {
                guard let columns = columns[table], let rows = data[table] else { continue }
                counts.tables[table] = rows.count
                if !rows.isEmpty {
                    let names = columns.map(\.0)
                    let inputs = columns.enumerated().map { index, column in "$\(index + 1)::\(pgType(column.1))[]" }
                    let selects = columns.map { name, kind in kind == .time ? "to_timestamp(\(name))" : name }
                    let parameters = columns.indices.map { index in PostgresStateStore.arrayLiteral(rows.map { $0[index] }) }
                    let identity = names.contains("id") ? " OVERRIDING SYSTEM VALUE" : ""
                    try connection.query(
                        """
                        INSERT INTO \(table) (\(names.joined(separator: ", ")))\(identity)
                        SELECT \(selects.joined(separator: ", ")) FROM unnest(\(inputs.joined(separator: ", "))) AS t(\(names.joined(separator: ", ")))
                        """, parameters, operation: "\(operation) (\(table))")
                    if names.contains("id") {
                        try connection.query(
                            "SELECT setval(pg_get_serial_sequence('\(table)', 'id'), (SELECT max(id) FROM \(table)))",
                            operation: operation)
                    }
                }
                let copied = try connection.query("SELECT count(*) AS n FROM \(table)", operation: operation).first?.int("n") ?? -1
                if copied != rows.count {
                    throw StoreError(
                        .other, operation: operation, detail: "\(table): \(rows.count) rows in the source, \(copied) copied; nothing written")
                }
            }
            let summary = tables.map { "\($0)=\(counts.tables[$0] ?? 0)" }.joined(separator: " ")
            try connection.query(
                "INSERT INTO almanac_state_copy (source, counts) VALUES ($1, $2)", [sourceName, summary], operation: operation)
            try connection.query("COMMIT", operation: operation)
            return counts
        } catch {
            _ = try? connection.query("ROLLBACK", operation: operation)
            throw error
        }
    }

    private static func value(_ row: Row, _ name: String, _ kind: Kind) -> String? {
        switch kind {
        case .text:
            let text: String? = row[name]
            return text
        case .integer:
            let number: Int64? = row[name]
            return number.map { "\($0)" }
        case .boolean:
            let flag: Bool? = row[name]
            return flag.map { $0 ? "t" : "f" }
        case .time:
            let date: Date? = row[name]
            return PGValue.time(date)
        }
    }
}
