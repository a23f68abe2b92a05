import CPostgres
import Foundation
import Synchronization

/// Where and how to reach the PostgreSQL server (`state:` in almanac.yaml). libpq does the rest:
/// it parses the `postgresql://` URI, reads `PGPASSFILE` (or `~/.pgpass`) when no password is
/// given, and negotiates TLS as `sslmode` says.
public struct PostgresSettings: Sendable, Hashable, Codable {
    /// `postgresql://user@host:port/database?options` (libpq's connection URI).
    public var url: String
    /// A file whose first line is the password (never the password in the configuration).
    public var passwordFile: String?
    /// libpq's `sslmode`: disable, allow, prefer, require, verify-ca, verify-full.
    public var sslMode: String?
    /// CA certificates that sign the server's certificate (`sslrootcert`).
    public var sslRootCert: String?
    /// Client certificate and key (`sslcert`, `sslkey`), for certificate authentication.
    public var sslCert: String?
    public var sslKey: String?
    /// How long the leader's lease lasts without a renewal: the longest a dead or cut-off leader
    /// holds up deliveries, and the shortest pause of a leader that lets another take over.
    public var lease: Duration = .seconds(15)
    /// This instance's name in the status and in the leader row (default: the host name).
    public var instance: String?
    /// How long connecting may take before the server counts as unreachable.
    public var connectTimeout: Duration = .seconds(5)

    public init(url: String) {
        self.url = url
    }

    /// The sslmode values libpq knows.
    public static let sslModes = ["disable", "allow", "prefer", "require", "verify-ca", "verify-full"]

    /// The URL without its password, for logs and the status.
    public var displayURL: String { Self.redacted(url) }

    /// `postgresql://user:secret@host/db` → `postgresql://user:***@host/db`.
    public static func redacted(_ url: String) -> String {
        guard let scheme = url.range(of: "://") else { return url }
        let rest = url[scheme.upperBound...]
        guard let at = rest.firstIndex(of: "@"), let colon = rest[..<at].firstIndex(of: ":") else { return url }
        return String(url[..<rest.index(after: colon)]) + "***" + String(rest[at...])
    }

    /// The libpq keywords and values: the URI expanded by libpq, then the options set here.
    /// Reads the password file; its error is a ``StoreError`` (`cannot-open`).
    func connectionParameters(applicationName: String) throws(StoreError) -> [(String, String)] {
        var parameters: [(String, String)] = [("dbname", url)]
        if let passwordFile {
            guard let data = FileManager.default.contents(atPath: passwordFile),
                let text = String(data: data, encoding: .utf8)
            else {
                throw StoreError(.cannotOpen, operation: "reading the database password", detail: "cannot read \(passwordFile)")
            }
            let password = text.split(separator: "\n", omittingEmptySubsequences: false).first.map(String.init) ?? ""
            parameters.append(("password", password))
        }
        if let sslMode { parameters.append(("sslmode", sslMode)) }
        if let sslRootCert { parameters.append(("sslrootcert", sslRootCert)) }
        if let sslCert { parameters.append(("sslcert", sslCert)) }
        if let sslKey { parameters.append(("sslkey", sslKey)) }
        parameters += [
            ("connect_timeout", "\(max(2, connectTimeout.components.seconds))"),
            ("application_name", applicationName),
            // A server that vanishes from the network (no FIN, no RST) is noticed in seconds,
            // not after the kernel's two hours.
            ("keepalives", "1"), ("keepalives_idle", "5"), ("keepalives_interval", "2"), ("keepalives_count", "3"),
            ("tcp_user_timeout", "\(max(2, connectTimeout.components.seconds) * 1000)"),
            // No statement waits long: a lock held by a stuck peer is an error, not a hang.
            ("options", "-c statement_timeout=15000 -c lock_timeout=10000 -c idle_in_transaction_session_timeout=30000"),
        ]
        return parameters
    }
}

/// One libpq connection, used by one thread at a time (the pool hands it out, which is why it may
/// cross threads: `@unchecked Sendable`, never shared at once). Every query is
/// sent with its parameters as text and returns text values.
final class PostgresConnection: @unchecked Sendable {
    private let connection: OpaquePointer
    /// libpq's functions, from the library opened for this connection (``LibPQ``).
    private let pq: almanac_pq
    /// The server's process for this session (`pg_backend_pid()`).
    let backendPID: Int32

    /// Connects with the given libpq keywords. Failure is `unavailable` when the server cannot be
    /// reached or libpq cannot be loaded (`library`: its soname, another only in tests), and
    /// `cannot-open` when the server refuses the login.
    init(parameters: [(String, String)], library: String = LibPQ.soname) throws(StoreError) {
        let pq = try LibPQ.load(library).functions
        let keywords = parameters.map { strdup($0.0) }
        let values = parameters.map { strdup($0.1) }
        defer {
            for pointer in keywords + values { free(pointer) }
        }
        let keywordArray: [UnsafePointer<CChar>?] = keywords.map { UnsafePointer($0) } + [nil]
        let valueArray: [UnsafePointer<CChar>?] = values.map { UnsafePointer($0) } + [nil]
        guard let connection = pq.PQconnectdbParams(keywordArray, valueArray, 1) else {
            throw StoreError(.other, operation: "connecting to PostgreSQL", detail: "out of memory")
        }
        guard pq.PQstatus(connection) == CONNECTION_OK else {
            let message = Self.text(pq.PQerrorMessage(connection))
            pq.PQfinish(connection)
            throw StoreError(Self.connectCode(message), operation: "connecting to PostgreSQL", detail: message)
        }
        withUnsafePointer(to: pq) { almanac_pg_quiet($0, connection) }
        self.pq = pq
        self.connection = connection
        backendPID = pq.PQbackendPID(connection)
    }

    deinit { pq.PQfinish(connection) }

    /// Whether the session is still usable (a lost connection is discarded by the pool).
    var isUsable: Bool { pq.PQstatus(connection) == CONNECTION_OK }

    /// Runs one statement (or, without parameters, several separated by `;`). Returns the rows.
    @discardableResult
    func query(_ sql: String, _ parameters: [String?] = [], operation: String) throws(StoreError) -> PostgresRows {
        let result: OpaquePointer?
        if parameters.isEmpty {
            result = pq.PQexec(connection, sql)
        } else {
            let copies = parameters.map { $0.map { strdup($0) } ?? nil }
            defer { for pointer in copies { free(pointer) } }
            let values: [UnsafePointer<CChar>?] = copies.map { $0.map { UnsafePointer($0) } }
            result = pq.PQexecParams(connection, sql, Int32(values.count), nil, values, nil, nil, 0)
        }
        guard let result else {
            throw StoreError(.unavailable, operation: operation, detail: Self.text(pq.PQerrorMessage(connection)))
        }
        defer { pq.PQclear(result) }
        switch pq.PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY:
            return PostgresRows(result, pq)
        default:
            let state = pq.PQresultErrorField(result, almanac_pg_diag_sqlstate()).map { String(cString: $0) } ?? ""
            let message = Self.text(pq.PQresultErrorMessage(result))
            let detail = message.isEmpty ? Self.text(pq.PQerrorMessage(connection)) : message
            throw StoreError(isUsable ? Self.code(sqlState: state) : .unavailable, operation: operation, detail: detail)
        }
    }

    /// The code of a server error, from its SQLSTATE.
    static func code(sqlState: String) -> StoreError.Code {
        switch sqlState {
        case "AL001": .notLeader
        case "40001", "40P01", "55P03", "57014": .busy  // serialization, deadlock, lock timeout, statement timeout
        case "53100": .diskFull
        case "25006": .readOnly
        case "57P01", "57P02", "57P03": .unavailable  // the server shuts down or starts
        case "28000", "28P01", "3D000", "42501": .cannotOpen  // login, password, database, privilege
        case "XX001", "XX002": .corrupt
        case "58030": .ioError
        case let state where state.hasPrefix("08"): .unavailable  // connection exceptions
        default: .other
        }
    }

    static func connectCode(_ message: String) -> StoreError.Code {
        let lower = message.lowercased()
        for refusal in ["password authentication failed", "authentication", "does not exist", "no pg_hba.conf entry",
                        "permission denied", "certificate"] where lower.contains(refusal) {
            return .cannotOpen
        }
        return .unavailable
    }

    static func text(_ pointer: UnsafePointer<CChar>?) -> String {
        guard let pointer else { return "" }
        return String(cString: pointer).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

/// The rows of a result, copied out of libpq's buffer: text values, `nil` for NULL.
struct PostgresRows {
    var columns: [String]
    var rows: [[String?]]
    /// Rows the command changed (`UPDATE 3` → 3).
    var affected: Int

    init(_ result: OpaquePointer, _ pq: almanac_pq) {
        let count = Int(pq.PQntuples(result))
        let fields = Int(pq.PQnfields(result))
        // libpq returns NULL only for a row or column out of range, which these loops never ask for.
        columns = (0..<fields).map { pq.PQfname(result, Int32($0)).map { String(cString: $0) } ?? "" }
        var rows: [[String?]] = []
        rows.reserveCapacity(count)
        for row in 0..<count {
            var values: [String?] = []
            values.reserveCapacity(fields)
            for field in 0..<fields {
                if pq.PQgetisnull(result, Int32(row), Int32(field)) == 1 {
                    values.append(nil)
                } else {
                    values.append(pq.PQgetvalue(result, Int32(row), Int32(field)).map { String(cString: $0) } ?? "")
                }
            }
            rows.append(values)
        }
        self.rows = rows
        affected = pq.PQcmdTuples(result).flatMap { Int(String(cString: $0)) } ?? 0
    }

    /// Each row as a ``PostgresRow`` that reads values by column name.
    var all: [PostgresRow] {
        let index = Dictionary(columns.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        return rows.map { PostgresRow(index: index, values: $0) }
    }

    var first: PostgresRow? { all.first }
}

/// One row by column name, with the conversions the store needs.
struct PostgresRow {
    let index: [String: Int]
    let values: [String?]

    func string(_ name: String) -> String? { index[name].flatMap { values[$0] } }
    func text(_ name: String) -> String { string(name) ?? "" }
    func int64(_ name: String) -> Int64? { string(name).flatMap { Int64($0) } }
    func int(_ name: String) -> Int { string(name).flatMap { Int($0) } ?? 0 }
    func bool(_ name: String) -> Bool { string(name) == "t" }
    /// A time read as seconds since 1970 (`extract(epoch from ...)`).
    func date(_ name: String) -> Date? { string(name).flatMap { Double($0) }.map { Date(timeIntervalSince1970: $0) } }
}

/// A small pool of connections: each store call takes one for its statement and gives it back;
/// calls from several threads (the scheduler's, the control server's) run side by side. A broken
/// connection is dropped and the next call connects again. After a failed connect, calls fail at
/// once for a second instead of each waiting for the connect timeout.
final class PostgresPool: Sendable {
    private struct State {
        var idle: [PostgresConnection] = []
        var open = 0
        var failedAt: ContinuousClock.Instant?
        var lastFailure: StoreError?
    }

    private let state = Mutex(State())
    private let available = NSCondition()
    let settings: PostgresSettings
    let applicationName: String
    let limit: Int
    /// Runs once on every new connection before it is used (the schema check).
    private let prepare: @Sendable (PostgresConnection) throws(StoreError) -> Void

    init(
        settings: PostgresSettings, applicationName: String, limit: Int = 4,
        prepare: @escaping @Sendable (PostgresConnection) throws(StoreError) -> Void
    ) {
        self.settings = settings
        self.applicationName = applicationName
        self.limit = limit
        self.prepare = prepare
    }

    /// Runs `body` with a connection of the pool.
    func with<T>(_ operation: String, _ body: (PostgresConnection) throws(StoreError) -> T) throws(StoreError) -> T {
        let connection = try checkout(operation)
        do {
            let value = try body(connection)
            checkin(connection)
            return value
        } catch {
            checkin(connection)
            throw error
        }
    }

    private func checkout(_ operation: String) throws(StoreError) -> PostgresConnection {
        available.lock()
        while true {
            enum Step { case use(PostgresConnection), connect, wait, fail(StoreError) }
            let step: Step = state.withLock { state in
                if let connection = state.idle.popLast() { return .use(connection) }
                if state.open < limit {
                    if let failedAt = state.failedAt, ContinuousClock.now - failedAt < .seconds(1), let failure = state.lastFailure {
                        return .fail(failure)
                    }
                    state.open += 1
                    return .connect
                }
                return .wait
            }
            switch step {
            case .use(let connection):
                available.unlock()
                if connection.isUsable { return connection }
                state.withLock { $0.open -= 1 }
                available.lock()
            case .fail(let failure):
                available.unlock()
                throw StoreError(failure.code, operation: operation, detail: failure.detail)
            case .wait:
                available.wait()
            case .connect:
                available.unlock()
                do {
                    let connection = try PostgresConnection(parameters: try settings.connectionParameters(applicationName: applicationName))
                    try prepare(connection)
                    state.withLock { $0.failedAt = nil }
                    return connection
                } catch {
                    state.withLock { state in
                        state.open -= 1
                        state.failedAt = ContinuousClock.now
                        state.lastFailure = error
                    }
                    available.lock()
                    available.signal()
                    available.unlock()
                    throw StoreError(error.code, operation: operation, detail: error.detail)
                }
            }
        }
    }

    private func checkin(_ connection: PostgresConnection) {
        available.lock()
        state.withLock { state in
            if connection.isUsable { state.idle.append(connection) } else { state.open -= 1 }
        }
        available.signal()
        available.unlock()
    }

    /// Closes the idle connections (the busy ones close when they come back broken or at exit).
    func close() {
        state.withLock { state in
            state.open -= state.idle.count
            state.idle.removeAll()
        }
    }
}

/// SQL text for values: times as seconds since 1970 (`to_timestamp($n::float8)` in the SQL).
enum PGValue {
    static func time(_ date: Date?) -> String? { date.map { String(format: "%.6f", $0.timeIntervalSince1970) } }
    static func bool(_ value: Bool) -> String { value ? "t" : "f" }
    static func int(_ value: Int64?) -> String? { value.map { "\($0)" } }
}
