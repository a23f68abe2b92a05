import AlmanacCalendar
import AlmanacControl
import AlmanacPlan
import Dispatch
import Foundation
import Logging
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A handler for server tests: records each call with the caller's uid and answers from the
/// arguments, so a test can check that the right command, arguments and uid arrived.
final class RecordingHandler: ControlHandler {
    struct Call: Sendable, Hashable {
        var command: ControlCommand
        var uid: UInt32
    }

    let calls = Mutex<[Call]>([])
    static let epoch = Date(timeIntervalSince1970: 1_800_000_000)

    var recorded: [Call] { calls.withLock { $0 } }

    func handle(_ command: ControlCommand, from peer: ControlPeer) async throws -> ControlResult {
        calls.withLock { $0.append(Call(command: command, uid: peer.uid)) }
        let date = CivilDate(year: 2027, month: 4, day: 5)!
        switch command {
        case .status:
            return .status(StatusReport(
                version: "test", pid: 42, state: "running", startedAt: Self.epoch, plan: nil,
                remindersSent: 3, outboxPending: 1, overdue: 0))
        case .reload:
            throw ControlError(.invalidPlan, "the plan has 1 error; the old plan stays in force", diagnostics: [
                Diagnostic(.error, "duplicate item id 'qingming'", at: SourceLocation(file: "plans/a.yaml", line: 13, column: 9),
                           hint: "first defined at plans/a.yaml:5:9"),
            ])
        case .agenda(let query):
            return .agenda(AgendaReport(from: query.from ?? date, to: query.to ?? date, entries: []))
        case .next:
            return .next(NextReport(reminders: []))
        case .ack(let ref):
            guard ref.item != "missing" else { throw ControlError(.notFound, "no item 'missing' in the plan") }
            return .change(ChangeReport(item: ref.item, date: ref.date ?? date, state: .acknowledged, recordedAt: Self.epoch, uid: peer.uid))
        case .done(let request):
            return .change(ChangeReport(item: request.item, date: request.date ?? date, state: .done, recordedAt: Self.epoch, uid: peer.uid, note: request.note))
        case .progress(let request):
            return .change(ChangeReport(item: request.item, date: request.date ?? date, state: .open, recordedAt: Self.epoch, uid: peer.uid, entry: request.entry))
        case .snooze(let request):
            return .change(ChangeReport(item: request.item, date: request.date ?? date, state: .snoozed, recordedAt: Self.epoch, uid: peer.uid, snoozedUntil: request.until))
        case .history:
            struct Boom: Error {}
            throw Boom()
        }
    }
}

/// How long test clients wait for an answer. Generous: other suites in the same process block
/// cooperative threads (which also run the server's connection tasks) for seconds at a time.
let testTimeout: Duration = .seconds(60)

/// Runs blocking socket code on a Dispatch thread, never on the cooperative pool (whose few
/// threads also run the server's connection tasks).
func offPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread {
            continuation.resume(with: Result { try body() })
        }
        thread.start()
    }
}

/// A fresh directory under /tmp that other users may traverse (the authorization tests connect
/// as unprivileged users).
func makeTemporaryDirectory() throws -> String {
    var template = Array("/tmp/almanac-control-XXXXXX".utf8CString)
    guard let pointer = mkdtemp(&template) else { throw POSIXError(.EIO) }
    let path = String(cString: pointer)
    chmod(path, 0o755)
    return path
}

/// Starts a server on a fresh socket path, runs `body`, then stops the server.
func withServer(
    configure: (inout ControlServerConfiguration) -> Void = { _ in },
    _ body: @Sendable (String, RecordingHandler, ControlServer) async throws -> Void
) async throws {
    let directory = try makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let path = directory + "/control.sock"
    var configuration = ControlServerConfiguration(
        endpoint: .path(path), authorization: ControlAuthorization(adminGroup: "almanac-test-admins"))
    configure(&configuration)
    let handler = RecordingHandler()
    let server = ControlServer(configuration: configuration, handler: handler, logger: Logger(label: "test"))
    let listener = try await server.bind()
    try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await server.serve(listener) }
        do {
            try await body(path, handler, server)
        } catch {
            group.cancelAll()
            throw error
        }
        group.cancelAll()
    }
}

/// A raw blocking connection for tests that speak bytes.
final class RawClient: @unchecked Sendable {
    let fd: CInt

    init(path: String) throws {
        fd = socket(AF_UNIX, CInt(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            let bytes = Array(path.utf8)
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        var timeout = timeval(tv_sec: 60, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard result == 0 else {
            // deinit runs after a throwing init of a class and closes fd: closing it here too
            // could close another test's socket that reused the number.
            throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
        }
    }

    deinit { close(fd) }

    /// Sends everything; returns false when the peer closed the connection meanwhile.
    @discardableResult
    func send(_ text: String) -> Bool { send(Array(text.utf8)) }

    @discardableResult
    func send(_ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress! + offset, $0.count - offset, CInt(MSG_NOSIGNAL)) }
            if n <= 0 { return false }
            offset += n
        }
        return true
    }

    /// Reads up to the next newline; nil at end of stream or on a reset.
    func readLine() -> String? {
        var line: [UInt8] = []
        var byte: UInt8 = 0
        while true {
            let n = recv(fd, &byte, 1, 0)
            if n <= 0 { return line.isEmpty ? nil : String(decoding: line, as: UTF8.self) }
            if byte == UInt8(ascii: "\n") { return String(decoding: line, as: UTF8.self) }
            line.append(byte)
        }
    }

    /// True when the server closed the connection (EOF or reset) within the receive timeout.
    func isClosedByPeer() -> Bool {
        var byte: UInt8 = 0
        return recv(fd, &byte, 1, 0) <= 0 && errno != EAGAIN
    }

    func shutdownWrite() { shutdown(fd, CInt(SHUT_WR)) }
}

/// Decodes a reply line loosely, for assertions on the wire format.
struct WireReply: Decodable {
    struct WireError: Decodable {
        var code: String
        var message: String
    }
    var v: Int
    var id: RequestID?
    var ok: Bool
    var error: WireError?

    static func parse(_ line: String?) throws -> WireReply {
        try JSONDecoder().decode(WireReply.self, from: Data((line ?? "").utf8))
    }
}

/// Runs a program and returns its exit status and standard output.
func run(_ executable: String, _ arguments: [String], input: String = "") throws -> (status: Int32, output: String) {
    let result = try spawnAndWait(executable, arguments, input: Array(input.utf8))
    return (result.status, result.stdout)
}

/// The result of a program run to completion.
struct SpawnResult: Sendable {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// Runs a program to completion with posix_spawn, pipes, poll and waitpid, not Foundation's
/// Process: when many tests start processes at once, Process can miss a child's exit and wait
/// forever (seen here as unreaped zombies).
func spawnAndWait(
    _ executable: String, _ arguments: [String], environment: [String: String]? = nil, input: [UInt8] = []
) throws -> SpawnResult {
    var stdinPipe: [Int32] = [0, 0]
    var stdoutPipe: [Int32] = [0, 0]
    var stderrPipe: [Int32] = [0, 0]
    // Socket pairs rather than pipes: they are created close-on-exec atomically, so a child
    // spawned by a concurrent test cannot inherit them and hold them open.
    let type = CInt(SOCK_STREAM.rawValue) | CInt(SOCK_CLOEXEC.rawValue)
    guard socketpair(AF_UNIX, type, 0, &stdinPipe) == 0, socketpair(AF_UNIX, type, 0, &stdoutPipe) == 0,
        socketpair(AF_UNIX, type, 0, &stderrPipe) == 0
    else {
        throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
    }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_adddup2(&actions, stdinPipe[0], 0)
    posix_spawn_file_actions_adddup2(&actions, stdoutPipe[1], 1)
    posix_spawn_file_actions_adddup2(&actions, stderrPipe[1], 2)
    let pid = try spawn(executable, arguments, environment: environment, actions: &actions)
    close(stdinPipe[0])
    close(stdoutPipe[1])
    close(stderrPipe[1])
    var offset = 0
    while offset < input.count {
        let n = input.withUnsafeBytes { write(stdinPipe[1], $0.baseAddress! + offset, $0.count - offset) }
        if n <= 0 { break }
        offset += n
    }
    shutdown(stdinPipe[1], CInt(SHUT_WR))
    close(stdinPipe[1])
    var outputs: [[UInt8]] = [[], []]
    var fds = [pollfd(fd: stdoutPipe[0], events: Int16(POLLIN), revents: 0), pollfd(fd: stderrPipe[0], events: Int16(POLLIN), revents: 0)]
    var open = 2
    var buffer = [UInt8](repeating: 0, count: 65536)
    while open > 0 {
        guard poll(&fds, 2, 60_000) > 0 else { break }
        for index in 0..<2 where fds[index].fd >= 0 && fds[index].revents != 0 {
            let n = read(fds[index].fd, &buffer, buffer.count)
            if n > 0 {
                outputs[index].append(contentsOf: buffer[0..<n])
            } else {
                close(fds[index].fd)
                fds[index].fd = -1
                open -= 1
            }
        }
    }
    for entry in fds where entry.fd >= 0 { close(entry.fd) }
    return SpawnResult(
        status: waitForChild(pid), stdout: String(decoding: outputs[0], as: UTF8.self),
        stderr: String(decoding: outputs[1], as: UTF8.self))
}

/// Starts a program in the background with stdout and stderr appended to `log`.
func spawnInBackground(_ executable: String, _ arguments: [String], environment: [String: String], log: String) throws -> pid_t {
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_APPEND, 0o644)
    posix_spawn_file_actions_adddup2(&actions, 1, 2)
    return try spawn(executable, arguments, environment: environment, actions: &actions)
}

private func spawn(
    _ executable: String, _ arguments: [String], environment: [String: String]?, actions: inout posix_spawn_file_actions_t
) throws -> pid_t {
    let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
    let env = environment ?? ProcessInfo.processInfo.environment
    let envp: [UnsafeMutablePointer<CChar>?] = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer {
        for pointer in argv { free(pointer) }
        for pointer in envp { free(pointer) }
    }
    var pid: pid_t = 0
    let result = posix_spawn(&pid, executable, &actions, nil, argv, envp)
    guard result == 0 else { throw POSIXError(POSIXErrorCode(rawValue: result) ?? .EIO) }
    return pid
}

/// Waits for the child and returns its exit status (128 + signal when killed).
func waitForChild(_ pid: pid_t) -> Int32 {
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    return (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
}

/// Waits up to `timeout` for the child; its exit status, or nil while it still runs.
func waitForChild(_ pid: pid_t, timeout: Duration) async -> Int32? {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        var status: Int32 = 0
        if waitpid(pid, &status, WNOHANG) == pid {
            return (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        }
        try? await Task.sleep(for: .milliseconds(20))
    }
    return nil
}
