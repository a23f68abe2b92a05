/// A state store failure, with a code the daemon reports in STATUS, status.json and the journal.
public struct StoreError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable, Codable {
        /// The file cannot be opened or created (missing directory, permissions); for PostgreSQL,
        /// the server refused the login (password, TLS, no such database).
        case cannotOpen = "cannot-open"
        /// The file is not an SQLite database or its pages are damaged.
        case corrupt
        /// The database or its directory is read-only.
        case readOnly = "read-only"
        /// The disk is full.
        case diskFull = "disk-full"
        /// Another process holds the database locked for too long.
        case busy
        /// A schema migration failed, or the file was written by a newer almanac.
        case migrationFailed = "migration-failed"
        /// An I/O error from the operating system.
        case ioError = "io-error"
        /// A row refers to something that does not exist (unknown delivery id, ...).
        case notFound = "not-found"
        /// The database server cannot be reached (PostgreSQL: refused, timed out, connection lost),
        /// or its client library, libpq, cannot be loaded (``LibPQ``).
        case unavailable
        /// A change only the leader may make (a claim, a delivery's outcome) was asked of an
        /// instance whose lease has ended or was never held (PostgreSQL store).
        case notLeader = "not-leader"
        /// Any other database error.
        case other
    }

    public var code: Code
    /// What was being done ("opening /var/lib/almanac/state.db").
    public var operation: String
    /// The underlying error's text.
    public var detail: String

    public init(_ code: Code, operation: String, detail: String) {
        self.code = code
        self.operation = operation
        self.detail = detail
    }

    public var description: String { "state store: \(operation): \(detail) [\(code.rawValue)]" }
}
