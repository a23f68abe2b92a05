import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Why a control request did not produce a result.
public enum ControlClientError: Error, Sendable, CustomStringConvertible {
    /// No daemon answers on the socket (missing file, connection refused).
    case unreachable(path: String, reason: String)
    /// The socket exists but this user may not connect to it (`EACCES`, `EPERM`): the socket's
    /// group and mode decide who may (docs/control-protocol.md, "Authorization").
    case permissionDenied(path: String, reason: String)
    /// The daemon did not answer within the timeout.
    case timeout(path: String, seconds: Double)
    /// The connection broke or the reply was not a valid protocol message.
    case protocolViolation(String)
    /// The daemon answered with an error.
    case server(ControlError)

    public var description: String {
        switch self {
        case .unreachable(let path, let reason): "cannot reach almanacd at \(path): \(reason)"
        case .permissionDenied(let path, let reason): "no permission to connect to almanacd at \(path): \(reason)"
        case .timeout(let path, let seconds): "almanacd at \(path) did not answer within \(seconds) s"
        case .protocolViolation(let text): "bad reply from almanacd: \(text)"
        case .server(let error): error.message
        }
    }
}

/// One connection to the daemon. Requests are answered in order; a connection may carry many.
/// Blocking: meant for the CLI, scripts and benchmarks, not for an event loop.
public final class ControlConnection {
    public let path: String
    private let fd: CInt
    private let timeout: Duration
    private var buffer: [UInt8] = []
    private var nextID = 1
    /// The longest reply line accepted.
    public var maxReplyBytes = 64 * 1024 * 1024

    /// Connects to the socket at `path`; `timeout` bounds connecting and each read and write.
    public init(path: String, timeout: Duration = .seconds(10)) throws(ControlClientError) {
        self.path = path
        self.timeout = timeout
        do {
            self.fd = try UnixSocket.connect(path: path, timeout: timeout)
        } catch {
            if error.errno == EAGAIN || error.errno == EWOULDBLOCK || error.errno == ETIMEDOUT {
                throw .timeout(path: path, seconds: timeout.seconds)
            }
            if error.errno == EACCES || error.errno == EPERM {
                throw .permissionDenied(path: path, reason: String(cString: strerror(error.errno)))
            }
            throw .unreachable(path: path, reason: String(cString: strerror(error.errno)))
        }
    }

    deinit {
        close(fd)
    }

    /// Sends one request and returns the result decoded as `Result`, or throws the daemon's error.
    public func send<Result: Decodable & Sendable>(_ command: ControlCommand, expecting: Result.Type) throws(ControlClientError) -> Result {
        let line = try roundTrip(command)
        let reply: ControlReply<Result>
        do {
            reply = try ControlProtocol.makeDecoder().decode(ControlReply<Result>.self, from: Data(line))
        } catch {
            let start = String(decoding: line.prefix(120), as: UTF8.self)
            throw .protocolViolation("\(ControlRequest.describe(error)) in reply '\(start)'")
        }
        if let error = reply.error { throw .server(error) }
        guard reply.ok, let result = reply.result else {
            throw .protocolViolation("reply has neither result nor error")
        }
        return result
    }

    /// Sends one request and returns the raw reply line (without its newline).
    public func roundTrip(_ command: ControlCommand) throws(ControlClientError) -> [UInt8] {
        let id = RequestID.number(nextID)
        nextID += 1
        var bytes: [UInt8]
        do {
            bytes = Array(try ControlProtocol.makeEncoder().encode(ControlRequest(id: id, command)))
        } catch {
            throw .protocolViolation("request could not be encoded: \(error)")
        }
        bytes.append(UInt8(ascii: "\n"))
        return try roundTrip(line: bytes)
    }

    /// Sends raw bytes (which should end in a newline) and returns the next reply line.
    public func roundTrip(line bytes: [UInt8]) throws(ControlClientError) -> [UInt8] {
        try write(line: bytes)
        return try readLine()
    }

    /// Sends raw bytes (which should end in a newline) without waiting for the reply: for
    /// clients that send on many connections first and read the replies after.
    public func write(line bytes: [UInt8]) throws(ControlClientError) {
        do {
            try UnixSocket.writeAll(fd, bytes)
        } catch {
            throw mapIOError(error)
        }
    }

    /// Reads the next reply line (without its newline).
    public func readLine() throws(ControlClientError) -> [UInt8] {
        var searchFrom = 0
        while true {
            if let newline = buffer[searchFrom...].firstIndex(of: UInt8(ascii: "\n")) {
                let line = Array(buffer[..<newline])
                buffer.removeSubrange(...newline)
                return line
            }
            searchFrom = buffer.count
            guard buffer.count <= maxReplyBytes else {
                throw .protocolViolation("reply longer than \(maxReplyBytes) bytes")
            }
            var chunk = [UInt8](repeating: 0, count: 65536)
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count < 0 {
                if errno == EINTR { continue }
                throw mapIOError(ControlSystemError(operation: "recv", errno: errno))
            }
            if count == 0 {
                throw .protocolViolation("connection closed before a complete reply")
            }
            buffer.append(contentsOf: chunk[..<count])
        }
    }

    private func mapIOError(_ error: ControlSystemError) -> ControlClientError {
        if error.errno == EAGAIN || error.errno == EWOULDBLOCK {
            return .timeout(path: path, seconds: timeout.seconds)
        }
        return .protocolViolation(error.description)
    }
}

/// A convenience over `ControlConnection`: one connection per request, typed per command.
public struct ControlClient: Sendable {
    public var socketPath: String
    public var timeout: Duration

    /// The socket path to use: the explicit one, else `$ALMANAC_SOCKET`, else `/run/almanac/control.sock`.
    public static func resolveSocketPath(_ explicit: String?, environment: [String: String]) -> String {
        if let explicit, !explicit.isEmpty { return explicit }
        if let fromEnvironment = environment[ControlProtocol.socketEnvironmentVariable], !fromEnvironment.isEmpty {
            return fromEnvironment
        }
        return ControlProtocol.defaultSocketPath
    }

    public init(socketPath: String, timeout: Duration = .seconds(10)) {
        self.socketPath = socketPath
        self.timeout = timeout
    }

    public func send<Result: Decodable & Sendable>(_ command: ControlCommand, expecting: Result.Type) throws(ControlClientError) -> Result {
        try ControlConnection(path: socketPath, timeout: timeout).send(command, expecting: expecting)
    }

    public func status() throws(ControlClientError) -> StatusReport { try send(.status, expecting: StatusReport.self) }
    public func reload() throws(ControlClientError) -> ReloadReport { try send(.reload, expecting: ReloadReport.self) }
    public func agenda(_ query: AgendaQuery) throws(ControlClientError) -> AgendaReport { try send(.agenda(query), expecting: AgendaReport.self) }
    public func next(_ query: NextQuery) throws(ControlClientError) -> NextReport { try send(.next(query), expecting: NextReport.self) }
    public func ack(_ occurrence: OccurrenceRef) throws(ControlClientError) -> ChangeReport { try send(.ack(occurrence), expecting: ChangeReport.self) }
    public func done(_ request: DoneRequest) throws(ControlClientError) -> ChangeReport { try send(.done(request), expecting: ChangeReport.self) }
    public func progress(_ request: ProgressRequest) throws(ControlClientError) -> ChangeReport { try send(.progress(request), expecting: ChangeReport.self) }
    public func snooze(_ request: SnoozeRequest) throws(ControlClientError) -> ChangeReport { try send(.snooze(request), expecting: ChangeReport.self) }
    public func history(_ query: HistoryQuery) throws(ControlClientError) -> HistoryReport { try send(.history(query), expecting: HistoryReport.self) }
    public func outbox(_ query: OutboxQuery) throws(ControlClientError) -> OutboxReport { try send(.outbox(query), expecting: OutboxReport.self) }
    public func outboxRetry(_ request: OutboxRetryRequest) throws(ControlClientError) -> OutboxReport {
        try send(.outboxRetry(request), expecting: OutboxReport.self)
    }
    public func sendTest(_ request: SendTestRequest) throws(ControlClientError) -> SendTestReport {
        try send(.sendTest(request), expecting: SendTestReport.self)
    }
    public func cal(_ query: CalQuery) throws(ControlClientError) -> CalReport { try send(.cal(query), expecting: CalReport.self) }
    public func show(_ query: ShowQuery) throws(ControlClientError) -> ShowReport { try send(.show(query), expecting: ShowReport.self) }
    public func explain(_ query: ExplainQuery) throws(ControlClientError) -> ExplainReport { try send(.explain(query), expecting: ExplainReport.self) }
}

extension Duration {
    var seconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
