// Child processes and blocking work for the test targets that run real programs (almanacd,
// almanacctl, socat, setpriv): one copy, shared by AlmanacControlTests and AlmanacDaemonTests.
import AlmanacMail
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Runs blocking work on a thread of its own, never on the cooperative pool (whose few threads
/// also run the server's connection tasks and may be busy for seconds in a full test run).
public func offPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try body() }) }.start()
    }
}

/// The result of a program run to completion.
public struct SpawnResult: Sendable {
    public var status: Int32
    public var stdout: String
    public var stderr: String
}

/// A child that was still running when its hang guard ran out; it has been killed.
public struct HangGuardExpired: Error, CustomStringConvertible {
    public var executable: String
    public var arguments: [String]
    public var guardTime: Duration
    public var description: String {
        "\(executable) \(arguments.joined(separator: " ")) did not finish within \(guardTime) (the hang guard): killed"
    }
}

/// Runs a program to completion with posix_spawn, pipes, poll and waitpid, not Foundation's
/// Process: when many tests start processes at once, Process can miss a child's exit and wait
/// forever (seen here as unreaped zombies).
///
/// Its output is read until the child closes it, however long the child takes: the pipes are
/// never closed under a running child (it would meet EPIPE, which once made Foundation's
/// `FileHandle.write` trap with SIGILL when SIGPIPE was ignored, as SwiftNIO leaves it in this
/// process; children now start with every signal at its default, see `CleanSignals`). Only `hangGuard` ends the wait: the child is killed and the call throws.
public func spawnAndWait(
    _ executable: String, _ arguments: [String], environment: [String: String]? = nil, input: [UInt8] = [],
    hangGuard: Duration = .seconds(600)
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
    let deadline = ContinuousClock.now + hangGuard
    while open > 0 {
        let left = deadline - ContinuousClock.now
        guard left > .zero else {
            kill(pid, SIGKILL)
            _ = waitForChild(pid)
            for entry in fds where entry.fd >= 0 { close(entry.fd) }
            throw HangGuardExpired(executable: executable, arguments: arguments, guardTime: hangGuard)
        }
        let milliseconds = CInt(min(left.components.seconds * 1000 + 1, 60_000))
        let ready = poll(&fds, 2, milliseconds)
        if ready < 0 && errno != EINTR { break }
        if ready <= 0 { continue }
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
/// `blocking`: signals the child starts with blocked (``CleanSignals/init(blocking:)``).
public func spawnInBackground(
    _ executable: String, _ arguments: [String], environment: [String: String], log: String, blocking: [Int32] = []
) throws -> pid_t {
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_APPEND, 0o644)
    posix_spawn_file_actions_adddup2(&actions, 1, 2)
    if blocking.isEmpty { return try spawn(executable, arguments, environment: environment, actions: &actions) }
    let signals = CleanSignals(blocking: blocking)
    return try spawn(executable, arguments, environment: environment, actions: &actions, attributes: signals.attributes)
}

private func spawn(
    _ executable: String, _ arguments: [String], environment: [String: String]?, actions: inout posix_spawn_file_actions_t,
    attributes: UnsafePointer<posix_spawnattr_t>? = nil
) throws -> pid_t {
    let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
    var env = environment ?? ProcessInfo.processInfo.environment
    // Programs under test load plans without the plan cache unless a test asks for it, so what
    // they report never depends on what an earlier run left in ~/.cache/almanac.
    if env["ALMANAC_CACHE"] == nil { env["ALMANAC_CACHE"] = "off" }
    let envp: [UnsafeMutablePointer<CChar>?] = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer {
        for pointer in argv { free(pointer) }
        for pointer in envp { free(pointer) }
    }
    var pid: pid_t = 0
    let result: CInt
    if let attributes {
        result = posix_spawn(&pid, executable, &actions, attributes, argv, envp)
    } else {
        let clean = CleanSignals()
        result = posix_spawn(&pid, executable, &actions, clean.attributes, argv, envp)
    }
    guard result == 0 else { throw POSIXError(POSIXErrorCode(rawValue: result) ?? .EIO) }
    return pid
}

/// Waits for the child and returns its exit status (128 + signal when killed).
public func waitForChild(_ pid: pid_t) -> Int32 {
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    return (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
}

@_silgen_name("pidfd_open") private func pidfd_open(_ pid: pid_t, _ flags: UInt32) -> CInt

/// Blocks until the child `pid` has exited or `limit` has passed; true when it has exited. It is
/// not reaped. The kernel signals the exit on a pidfd, so nothing polls.
public func childExits(_ pid: pid_t, within limit: Duration) -> Bool {
    let descriptor = pidfd_open(pid, 0)
    guard descriptor >= 0 else { return true }  // ESRCH: already gone
    defer { close(descriptor) }
    var entry = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
    let deadline = ContinuousClock.now + limit
    while true {
        let left = deadline - ContinuousClock.now
        let milliseconds = left <= .zero ? 0 : CInt(min(left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000 + 1, 60_000))
        let ready = poll(&entry, 1, milliseconds)
        if ready > 0 { return true }
        if ready < 0 && errno != EINTR { return false }
        if left <= .zero { return false }
    }
}

/// Waits up to `timeout` for the child; its exit status (it is reaped), or nil while it still runs.
public func waitForChild(_ pid: pid_t, timeout: Duration) async -> Int32? {
    (try? await offPool { childExits(pid, within: timeout) ? waitForChild(pid) : nil }) ?? nil
}

/// Runs a program whose standard output (`descriptor` 1) or standard error (2) is a socket no one
/// reads: its reading end is closed before the program starts, so every write there fails with
/// EPIPE (or raises SIGPIPE, when `defaultSIGPIPE` resets the disposition this process would
/// otherwise pass on). The other stream goes to /dev/null. Returns the exit status (128 + signal
/// when killed).
public func spawnWithReaderGone(
    _ executable: String, _ arguments: [String], environment: [String: String]? = nil, descriptor: CInt,
    defaultSIGPIPE: Bool
) throws -> Int32 {
    // A socket pair, as in spawnAndWait (close-on-exec atomically); a write to it once the
    // other end is closed fails with EPIPE exactly as on a pipe.
    var ends: [CInt] = [0, 0]
    let type = CInt(SOCK_STREAM.rawValue) | CInt(SOCK_CLOEXEC.rawValue)
    guard socketpair(AF_UNIX, type, 0, &ends) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
    close(ends[0])
    defer { close(ends[1]) }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, descriptor == 1 ? 2 : 1, "/dev/null", O_WRONLY, 0)
    posix_spawn_file_actions_adddup2(&actions, ends[1], descriptor)
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    var none = sigset_t()
    sigemptyset(&none)
    posix_spawnattr_setsigmask(&attributes, &none)
    var flags = Int16(POSIX_SPAWN_SETSIGMASK)
    if defaultSIGPIPE {
        var signals = sigset_t()
        sigemptyset(&signals)
        sigaddset(&signals, SIGPIPE)
        posix_spawnattr_setsigdefault(&attributes, &signals)
        flags |= Int16(POSIX_SPAWN_SETSIGDEF)
    }
    posix_spawnattr_setflags(&attributes, flags)
    let pid = try spawn(executable, arguments, environment: environment, actions: &actions, attributes: &attributes)
    return waitForChild(pid)
}
