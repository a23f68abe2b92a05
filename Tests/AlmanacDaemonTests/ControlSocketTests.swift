import AlmanacCalendar
import AlmanacControl
import AlmanacStore
import Foundation
import Glibc
import Logging
import Testing

@testable import AlmanacDaemon

/// Runs almanacctl (built beside the test bundle) with a fixed time zone; returns status and outputs.
func runAlmanacctl(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
    let binary = (CommandLine.arguments[0] as NSString).deletingLastPathComponent + "/almanacctl"
    guard FileManager.default.isExecutableFile(atPath: binary) else {
        throw ProcessTestError("almanacctl is not built at \(binary); run `swift build` first")
    }
    var environment = ProcessInfo.processInfo.environment
    environment["TZ"] = "Asia/Shanghai"
    let result = try spawnAndWait(binary, arguments + ["--timeout", "60"], environment: environment)
    return (result.status, result.stdout, result.stderr)
}

/// Blocking work off the cooperative pool.
func onThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try body() }) }.start()
    }
}

@Suite("control socket against the daemon")
struct ControlSocketTests {
    /// The daemon's handler behind a real control server, in process, on the sandbox's socket.
    func withDaemonServer(_ body: @Sendable (Sandbox, String, DaemonController) async throws -> Void) async throws {
        let sandbox = try Sandbox()
        defer { sandbox.cleanup() }
        let configuration = try sandbox.configuration()
        let store = Result<any StateStore, StoreError> { () throws(StoreError) in
            try SQLiteStateStore(path: configuration.databasePath)
        }
        let controller = DaemonController(configuration: configuration, store: store, logger: quietLogger)
        await controller.start(controlActivated: false)
        let server = await DaemonControlHandler.makeServer(controller: controller, listeningSocket: nil, logger: quietLogger)
        let listener = try await server.bind()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await server.serve(listener) }
            defer { group.cancelAll() }
            try await body(sandbox, configuration.controlSocket, controller)
        }
    }

    @Test func statusAgendaMarksAndHistory() async throws {
        try await withDaemonServer { sandbox, socket, _ in
            let client = ControlClient(socketPath: socket, timeout: .seconds(60))
            let status = try await onThread { try client.status() }
            #expect(status.plan?.name == "扎赉诺尔区精神文明建设工作安排")
            #expect(status.plan?.items == 2)
            #expect(status.state == "running")
            #expect(status.pid == getpid())
            #expect(status.remindersSent == 0)
            #expect(status.outboxPending == 0)

            let september = try await onThread {
                try client.agenda(AgendaQuery(from: CivilDate(iso: "2027-09-01"), days: 30))
            }
            #expect(september.entries.map(\.item) == ["flag-salute"])
            #expect(september.entries.first?.date == CivilDate(iso: "2027-09-20"))
            #expect(september.entries.first?.endDate == CivilDate(iso: "2027-10-10"))
            #expect(september.entries.first?.title == "向国旗敬礼")
            #expect(september.entries.first?.owners == ["wmb"])
            #expect(september.entries.first?.state == .open)
            #expect(september.entries.first?.lunar == "八月二十")
            let festivals = try await onThread {
                try client.agenda(AgendaQuery(from: CivilDate(iso: "2027-09-01"), to: CivilDate(iso: "2027-09-30"), kind: "festival"))
            }
            #expect(festivals.entries.isEmpty)

            let done = try await onThread {
                try client.done(DoneRequest(OccurrenceRef(parsing: "flag-salute@2027-09-20")!, note: "签字寄语 120 份"))
            }
            #expect(done.state == .done)
            #expect(done.uid == getuid())
            let after = try await onThread {
                try client.agenda(AgendaQuery(from: CivilDate(iso: "2027-09-20"), days: 1))
            }
            #expect(after.entries.first?.state == .done)
            #expect(after.entries.first?.note == "签字寄语 120 份")

            let history = try await onThread { try client.history(HistoryQuery(item: "flag-salute")) }
            #expect(history.entries.map(\.event) == ["done"])
            #expect(history.entries.first?.uid == getuid())
            #expect(history.entries.first?.date == CivilDate(iso: "2027-09-20"))

            // The mark is in the state database with the caller's uid.
            let store = try SQLiteStateStore(path: try sandbox.configuration().databasePath)
            let marks = try store.marks(occurrenceID: "flag-salute@2027-09-20")
            #expect(marks.map(\.kind) == [.done])
            #expect(marks.map(\.uid) == [getuid()])
        }
    }

    @Test func unknownItemsAndDatesAreNotFound() async throws {
        try await withDaemonServer { _, socket, _ in
            let client = ControlClient(socketPath: socket, timeout: .seconds(60))
            for (ref, message) in [
                ("nosuch@2027-04-05", "no item 'nosuch' in the plan"),
                ("flag-salute@2027-09-21", "'flag-salute' has no occurrence starting on 2027-09-21"),
            ] {
                let error = await #expect(throws: ControlClientError.self) {
                    try await onThread { try client.ack(OccurrenceRef(parsing: ref)!) }
                }
                guard case .server(let serverError)? = error else { Issue.record("\(String(describing: error))"); continue }
                #expect(serverError == ControlError(.notFound, message))
            }
        }
    }

    @Test func reloadReportsDiagnosticsAndKeepsThePlan() async throws {
        try await withDaemonServer { sandbox, socket, controller in
            try sandbox.write("plans/a.yaml", Sandbox.brokenPlan)
            let result = try await onThread { try runAlmanacctl(["reload", "--socket", socket]) }
            #expect(result.status == 1)
            #expect(result.stderr.hasPrefix("almanacctl: the plan has 1 error; the old plan stays in force [invalid_plan]\n"))
            #expect(result.stderr.contains("plans/a.yaml:13:9: error: duplicate item id 'qingming'"))
            #expect(await controller.plan?.itemCount == 2)

            try sandbox.write("plans/a.yaml", Sandbox.biggerPlan)
            let good = try await onThread { try runAlmanacctl(["reload", "--english", "--socket", socket]) }
            #expect(good.status == 0)
            #expect(good.stdout == "reloaded 扎赉诺尔区精神文明建设工作安排: 3 items from 1 files, 0 warnings\n")
        }
    }
}

@Suite("almanacd and almanacctl as processes")
struct ControlProcessTests {
    @Test func theDaemonServesTheCLIAndSurvivesBadClients() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.cleanup() }
        FileManager.default.createFile(atPath: sandbox.root + "/daemon.log", contents: nil)
        let notify = try NotifyListener(in: sandbox.root)
        var environment = ProcessInfo.processInfo.environment
        for name in ["LISTEN_FDS", "LISTEN_PID", "LISTEN_FDNAMES", "WATCHDOG_USEC", "WATCHDOG_PID", "JOURNAL_STREAM"] {
            environment[name] = nil
        }
        environment["NOTIFY_SOCKET"] = notify.path
        let pid = try spawnInBackground(
            try almanacdPath(), ["--config", sandbox.configPath], environment: environment, log: sandbox.root + "/daemon.log")
        var exited = false
        defer {
            if !exited {
                kill(pid, SIGKILL)
                _ = waitForChild(pid)
            }
        }
        let ready = notify.receive(until: "READY=1", timeout: 30)
        #expect(ready.last?.hasPrefix("READY=1") == true)
        let socket = sandbox.root + "/run/control.sock"

        var info = stat()
        #expect(lstat(socket, &info) == 0)
        #expect(info.st_mode & 0o777 == 0o660)

        let status = try await onThread { try runAlmanacctl(["status", "--json", "--socket", socket]) }
        #expect(status.status == 0)
        #expect(status.stdout.contains(#""pid" : \#(pid)"#))
        #expect(status.stdout.contains(#""name" : "扎赉诺尔区精神文明建设工作安排""#))

        let agenda = try await onThread {
            try runAlmanacctl(["todo", "--from", "2027-09-01", "--days", "30", "--english", "--socket", socket])
        }
        #expect(agenda.status == 0)
        #expect(agenda.stdout.split(separator: "\n").count == 2)
        #expect(agenda.stdout.contains("2027-09-20 Mon 八月二十 – 2027-10-10"))

        let ack = try await onThread { try runAlmanacctl(["ack", "flag-salute@2027-09-20", "--json", "--socket", socket]) }
        #expect(ack.status == 0)
        #expect(ack.stdout.contains(#""state" : "acknowledged""#))

        // Malformed JSON, an unknown command and a 10 MB line: error replies, the daemon goes on.
        let replies = try await onThread { () -> [String] in
            let connection = try ControlConnection(path: socket, timeout: .seconds(60))
            let bad = String(decoding: try connection.roundTrip(line: Array("{oops\n".utf8)), as: UTF8.self)
            let unknown = String(decoding: try connection.roundTrip(line: Array(#"{"v":1,"id":9,"cmd":"explode"}"#.utf8) + [10]), as: UTF8.self)
            let big = try ControlConnection(path: socket, timeout: .seconds(60))
            let huge = [UInt8](repeating: UInt8(ascii: "x"), count: 10 * 1024 * 1024) + [10]
            let tooLarge = (try? big.roundTrip(line: huge)).map { String(decoding: $0, as: UTF8.self) } ?? "closed"
            return [bad, unknown, tooLarge]
        }
        #expect(replies[0].contains(#""code":"bad_request""#))
        #expect(replies[1] == #"{"error":{"code":"unknown_command","message":"unknown command 'explode' (known: status, reload, agenda, next, ack, done, progress, snooze, history)"},"id":9,"ok":false,"v":1}"#)
        #expect(replies[2].contains(#""code":"too_large""#) || replies[2] == "closed")
        let still = try await onThread { try runAlmanacctl(["history", "flag-salute", "--json", "--socket", socket]) }
        #expect(still.status == 0)
        #expect(still.stdout.contains(#""event" : "acknowledged""#))

        kill(pid, SIGTERM)
        let status15 = await waitForChild(pid, timeout: .seconds(15))
        exited = status15 != nil
        #expect(status15 == 0)
        #expect(!FileManager.default.fileExists(atPath: socket))
    }
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
    let type = Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
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
    shutdown(stdinPipe[1], Int32(SHUT_WR))
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
