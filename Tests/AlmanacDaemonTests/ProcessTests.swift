import AlmanacTestSupport
import Foundation
import Glibc
import Testing

@testable import AlmanacDaemon

/// A bound `AF_UNIX` datagram socket standing in for systemd's notify socket.
extension NotifyListener {
    /// This process's environment for a child almanacd that reports to this listener: NOTIFY_SOCKET
    /// set, and nothing inherited that would make it think systemd passed sockets, a watchdog or
    /// a journal stream.
    func daemonEnvironment() -> [String: String] {
        var environment = ProcessInfo.processInfo.environment
        for name in ["LISTEN_FDS", "LISTEN_PID", "LISTEN_FDNAMES", "WATCHDOG_USEC", "WATCHDOG_PID", "JOURNAL_STREAM"] {
            environment[name] = nil
        }
        environment["NOTIFY_SOCKET"] = path
        return environment
    }
}

/// The waits of async tests, each on a thread of its own (`offPool`): a blocking wait on the
/// cooperative pool (two threads here) would stall every other test's in-process server while a
/// daemon starts, which on a loaded machine takes tens of seconds.
extension NotifyListener {
    func awaitReceive(until marker: String, timeout: Double) async -> [String] {
        (try? await offPool { self.receive(until: marker, timeout: timeout) }) ?? []
    }

    func awaitReceive(timeout: Double, until done: @escaping @Sendable (String) -> Bool) async -> [String] {
        (try? await offPool { self.receive(timeout: timeout, until: done) }) ?? []
    }

    func awaitReceive(timeout: Double) async -> String? {
        (try? await offPool { self.receive(timeout: timeout) }) ?? nil
    }
}

extension Child {
    func awaitExit(timeout: Double) async -> Bool {
        (try? await offPool { self.waitForExit(timeout: timeout) }) ?? false
    }
}

final class NotifyListener: Sendable {
    let path: String
    let fd: Int32

    init(in directory: String) throws {
        path = directory + "/notify.sock"
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in raw.copyBytes(from: Array(path.utf8).prefix(raw.count - 1)) }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        if result != 0 { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EINVAL) }
    }

    /// The next datagram, or nil when none arrives within `timeout` seconds.
    func receive(timeout: Double) -> String? {
        var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard poll(&descriptor, 1, Int32(timeout * 1000)) == 1 else { return nil }
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = recv(fd, &buffer, buffer.count, 0)
        guard count > 0 else { return nil }
        return String(decoding: buffer[0..<count], as: UTF8.self)
    }

    /// Datagrams until one contains `marker` as a line; all of them, in order.
    func receive(until marker: String, timeout: Double) -> [String] {
        receive(timeout: timeout) { message in message.split(separator: "\n").contains { $0 == marker } }
    }

    /// Datagrams until one satisfies `done` (or `timeout` seconds pass); all of them, in order.
    func receive(timeout: Double, until done: (String) -> Bool) -> [String] {
        var messages: [String] = []
        let deadline = Date() + timeout
        while Date() < deadline, let message = receive(timeout: deadline.timeIntervalSinceNow) {
            messages.append(message)
            if done(message) { break }
        }
        return messages
    }

    deinit {
        close(fd)
        unlink(path)
    }
}

/// The almanacd binary built beside the test bundle.
func almanacdPath() throws -> String {
    let candidates = [
        (CommandLine.arguments[0] as NSString).deletingLastPathComponent + "/almanacd",
        repositoryRoot + "/.build/debug/almanacd",
    ]
    guard let path = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
        throw ProcessTestError("almanacd is not built (looked at \(candidates)); run `swift build` first")
    }
    return path
}

struct ProcessTestError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// A child process started with posix_spawn and reaped with waitpid by the test itself, so that
/// noticing its exit does not depend on a helper thread that a busy test run may starve.
/// Used by one test at a time; `@unchecked` so its waits can run on a thread of their own.
final class Child: @unchecked Sendable {
    let pid: pid_t
    private(set) var exitStatus: Int32?
    private(set) var signal: Int32?

    init(executable: String, arguments: [String], environment: [String: String], output: String, blocking: [Int32] = []) throws {
        do {
            pid = try spawnInBackground(executable, arguments, environment: environment, log: output, blocking: blocking)
        } catch {
            throw ProcessTestError("cannot start \(executable): \(error)")
        }
    }

    var isRunning: Bool {
        if exitStatus != nil || signal != nil { return false }
        var status: Int32 = 0
        guard waitpid(pid, &status, WNOHANG) == pid else { return true }
        if status & 0x7f == 0 { exitStatus = (status >> 8) & 0xff } else { signal = status & 0x7f }
        return false
    }

    func send(_ signal: Int32) { kill(pid, signal) }

    /// Waits up to `timeout` seconds (a hang guard) for the exit, which the kernel signals; true
    /// when it exited. A child still running is killed.
    /// Blocks the calling thread: async tests call it through ``awaitExit(timeout:)``, on a thread
    /// of its own.
    func waitForExit(timeout: Double) -> Bool {
        guard isRunning else { return true }
        if childExits(pid, within: .seconds(timeout)) {
            _ = isRunning  // reaps it and records how it ended
            return true
        }
        kill(pid, SIGKILL)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        return false
    }

    deinit {
        if isRunning {
            kill(pid, SIGKILL)
            var status: Int32 = 0
            waitpid(pid, &status, 0)
        }
    }
}

@Suite("almanacd as a process", .serialized)
struct ProcessTests {
    func launch(_ arguments: [String], executable: String, sandbox: Sandbox, notify: NotifyListener) throws -> Child {
        let environment = notify.daemonEnvironment()
        return try Child(executable: executable, arguments: arguments, environment: environment, output: sandbox.root + "/daemon.log")
    }

    /// The daemon's output, for failure messages.
    func log(_ sandbox: Sandbox) -> String {
        (try? String(contentsOfFile: sandbox.root + "/daemon.log", encoding: .utf8)) ?? "(no output)"
    }

    /// SIGTERM: STOPPING=1, then a clean exit and "stopped" in status.json. The bound is
    /// shutdown_timeout (5 s in the sandbox) plus 2 s of cancellation; the guard is ten times that,
    /// so a loaded machine that schedules the process late does not fail it, while a stop that
    /// ignores shutdown_timeout still does.
    func stop(_ process: Child, notify: NotifyListener, sandbox: Sandbox) async throws {
        process.send(SIGTERM)
        let stopping = await notify.awaitReceive(until: "STOPPING=1", timeout: 300)
        #expect(stopping.last == "STOPPING=1\nSTATUS=stopping")
        let exited = await process.awaitExit(timeout: 70)
        try #require(exited, "almanacd did not exit within 70 s of SIGTERM; its output:\n\(log(sandbox))")
        #expect(process.exitStatus == 0)
        #expect(try sandbox.statusFile().daemon.state == .stopped)
    }

    /// Every step waits for the message it needs (generous timeouts, no fixed sleeps), and the
    /// scheduler's own STATUS= updates may come in between: the test must hold at a load of 20.
    @Test func notifiesReloadsAndStops() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.cleanup() }
        FileManager.default.createFile(atPath: sandbox.root + "/daemon.log", contents: nil)
        let notify = try NotifyListener(in: sandbox.root)
        let process = try launch(["--config", sandbox.configPath], executable: try almanacdPath(), sandbox: sandbox, notify: notify)
        @Sendable func isReady(_ message: String) -> Bool { message.hasPrefix("READY=1\n") }

        let startup = await notify.awaitReceive(until: "READY=1", timeout: 300)
        let expectedStatus = "STATUS=plan 扎赉诺尔区精神文明建设工作安排: 2 items from 1 files"
        try #require(startup.last.map(isReady) == true, "no READY=1 within 300 s (hang guard); output:\n\(log(sandbox))")
        #expect(startup.last?.hasPrefix("READY=1\n" + expectedStatus) == true)
        #expect(try sandbox.statusFile().daemon.state == .running)
        // The scheduler plans and says what comes next (qingming 2027-04-05, five working days before).
        let planned = await notify.awaitReceive(timeout: 300) { $0.contains("; next reminder ") }
        #expect(planned.last?.contains("; next reminder 2027-03-29 09:00 qingming -5wd") == true)

        // A broken plan: RELOADING=1 with MONOTONIC_USEC, then READY=1 with the reason; the old plan stays.
        try sandbox.write("plans/a.yaml", Sandbox.brokenPlan)
        process.send(SIGHUP)
        let reload = await notify.awaitReceive(timeout: 300, until: isReady)
        let reloading = reload.first { $0.hasPrefix("RELOADING=1\n") }?.split(separator: "\n").map(String.init) ?? []
        #expect(reloading.first == "RELOADING=1")
        #expect(reloading.dropFirst().first?.hasPrefix("MONOTONIC_USEC=") == true)
        let after = reload.last ?? ""
        #expect(after.hasPrefix("READY=1\n" + expectedStatus))
        #expect(after.contains("; problems: reload rejected, old plan kept: "))
        #expect(after.contains("plans/a.yaml:14:9: error: duplicate item id 'qingming'"))
        let status = try sandbox.statusFile()
        #expect(status.plan?.items == 2)
        #expect(status.lastReload?.accepted == false)
        #expect(process.isRunning)

        // A good plan again is taken.
        try sandbox.write("plans/a.yaml", Sandbox.biggerPlan)
        process.send(SIGHUP)
        let good = await notify.awaitReceive(timeout: 300, until: isReady)
        #expect(good.last?.hasPrefix("READY=1\nSTATUS=plan 扎赉诺尔区精神文明建设工作安排: 3 items from 1 files") == true)
        #expect(good.last?.contains("reload rejected") == false)

        try await stop(process, notify: notify, sandbox: sandbox)
    }

    /// The sample plan and 3,000 inspections owned by `wmb`, the `index`th on `when(index)`: large
    /// enough that loading it takes a while.
    static func planWithInspections(when: (Int) -> String) -> String {
        var plan = Sandbox.goodPlan
        for index in 0..<3_000 {
            plan += "  - id: check-\(index)\n    kind: inspection\n    title: 检查 \(index)\n"
            plan += "    when: \(when(index))\n    owners: [wmb]\n"
        }
        return plan
    }

    /// SIGTERM while a reload runs: STOPPING=1 comes first (the lifecycle is the first service told
    /// of the shutdown) and no READY=1 after it, the reload is abandoned rather than finished or
    /// reported as a broken plan, and the exit is clean. The plan is large enough (3,000 items)
    /// that its load is usually still running when the signal arrives; the checks hold either way.
    @Test func aStopDuringAReloadSaysStoppingFirstAndExitsCleanly() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.cleanup() }
        let plan = Self.planWithInspections { String(format: "%02d-%02d", $0 % 12 + 1, $0 % 28 + 1) }
        FileManager.default.createFile(atPath: sandbox.root + "/daemon.log", contents: nil)
        let notify = try NotifyListener(in: sandbox.root)
        let process = try launch(["--config", sandbox.configPath], executable: try almanacdPath(), sandbox: sandbox, notify: notify)
        let startup = await notify.awaitReceive(until: "READY=1", timeout: 300)
        try #require(startup.last?.hasPrefix("READY=1\n") == true, "no READY=1 within 300 s (hang guard); output:\n\(log(sandbox))")

        try sandbox.write("plans/a.yaml", plan)
        process.send(SIGHUP)
        let reloading = await notify.awaitReceive(until: "RELOADING=1", timeout: 300)
        try #require(reloading.last?.hasPrefix("RELOADING=1\n") == true, "no RELOADING=1; output:\n\(log(sandbox))")
        try await stop(process, notify: notify, sandbox: sandbox)
        // The process has exited: what it sent is all queued.
        let after = await notify.awaitReceive(timeout: 0) { _ in false }
        #expect(after.filter { $0.hasPrefix("READY=1") } == [], "READY=1 after STOPPING=1: \(after)")
        let output = log(sandbox)
        #expect(output.contains("reload abandoned, the daemon is stopping") || output.contains("plan reloaded"), "\(output)")
        #expect(!output.contains("reload rejected"), "\(output)")
    }

    /// SIGTERM while the first plan loads (a large one: it takes a while): the daemon stops the way
    /// every stop goes, STOPPING=1 and status 0, and never says READY=1; it does not die of the
    /// signal (the service group's handlers come only after the load). The signal may also land
    /// just after the load; the checks hold either way.
    @Test func aStopWhileTheFirstPlanLoadsExitsCleanly() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.cleanup() }
        try sandbox.write("plans/a.yaml", Self.planWithInspections { _ in "weekly mon,thu" })
        FileManager.default.createFile(atPath: sandbox.root + "/daemon.log", contents: nil)
        let notify = try NotifyListener(in: sandbox.root)
        let process = try launch(["--config", sandbox.configPath], executable: try almanacdPath(), sandbox: sandbox, notify: notify)
        let loading = await notify.awaitReceive(timeout: 300) { $0.contains("STATUS=loading the plan") || $0.hasPrefix("READY=1") }
        try #require(loading.last == "STATUS=loading the plan", "\(loading); output:\n\(log(sandbox))")
        process.send(SIGTERM)
        let stopping = await notify.awaitReceive(until: "STOPPING=1", timeout: 300)
        #expect(stopping.last == "STOPPING=1\nSTATUS=stopping", "\(stopping)")
        #expect(stopping.filter { $0.hasPrefix("READY=1") } == [], "READY=1 during the start: \(stopping)")
        let exited = await process.awaitExit(timeout: 70)
        try #require(exited, "almanacd did not exit within 70 s of SIGTERM; its output:\n\(log(sandbox))")
        #expect(process.exitStatus == 0, "\(log(sandbox))")
        let after = await notify.awaitReceive(timeout: 0) { _ in false }  // all queued: it has exited
        #expect(after.filter { $0.hasPrefix("READY=1") } == [], "READY=1 after STOPPING=1: \(after)")
        #expect(try sandbox.statusFile().daemon.state == .stopped)
        let output = log(sandbox)
        #expect(!output.contains("plan invalid"), "\(output)")
        #expect(!output.contains("did not complete cleanly"), "\(output)")
    }

    /// almanacd started with `signal` blocked and sent it at once: the signal is pending before
    /// the process has run an instruction, the moment the earliest stop or reload can come. Its
    /// first code (Sources/CAlmanacdStart) notes it and unblocks it; `main` sends it again once
    /// the signal sources are registered. A noted signal that was not sent again would be lost
    /// (the daemon would run on), and one not noted would end the process.
    func launchWithPending(_ signal: Int32, sandbox: Sandbox, notify: NotifyListener) throws -> Child {
        FileManager.default.createFile(atPath: sandbox.root + "/daemon.log", contents: nil)
        let process = try Child(
            executable: try almanacdPath(), arguments: ["--config", sandbox.configPath], environment: notify.daemonEnvironment(),
            output: sandbox.root + "/daemon.log", blocking: [signal])
        process.send(signal)
        return process
    }

    /// A SIGTERM before almanacd's first instruction: the stop goes the normal way (STOPPING=1,
    /// no READY=1, status 0).
    @Test func aStopBeforeTheFirstInstructionExitsCleanly() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.cleanup() }
        let notify = try NotifyListener(in: sandbox.root)
        let process = try launchWithPending(SIGTERM, sandbox: sandbox, notify: notify)
        let stopping = await notify.awaitReceive(until: "STOPPING=1", timeout: 300)
        #expect(stopping.last == "STOPPING=1\nSTATUS=stopping", "\(stopping); output:\n\(log(sandbox))")
        let exited = await process.awaitExit(timeout: 70)
        try #require(exited, "almanacd did not exit within 70 s of SIGTERM; its output:\n\(log(sandbox))")
        #expect(process.exitStatus == 0, "signal \(process.signal.map(String.init) ?? "none"); \(log(sandbox))")
        let after = await notify.awaitReceive(timeout: 0) { _ in false }  // all queued: it has exited
        #expect((stopping + after).filter { $0.hasPrefix("READY=1") } == [], "READY=1 on a stop during the start: \(stopping + after)")
    }

    /// A SIGHUP before almanacd's first instruction: the daemon starts, then reloads (it used to
    /// die of a SIGHUP that came before its services ran).
    @Test func aReloadBeforeTheFirstInstructionRunsOnceTheDaemonDoes() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.cleanup() }
        let notify = try NotifyListener(in: sandbox.root)
        let process = try launchWithPending(SIGHUP, sandbox: sandbox, notify: notify)
        let reloaded = await notify.awaitReceive(timeout: 300) { $0.hasPrefix("RELOADING=1\n") }
        try #require(reloaded.last?.hasPrefix("RELOADING=1\n") == true, "no reload: \(reloaded); output:\n\(log(sandbox))")
        let ready = await notify.awaitReceive(until: "READY=1", timeout: 300)
        try #require(ready.last?.hasPrefix("READY=1\n") == true, "\(ready); output:\n\(log(sandbox))")
        #expect(process.isRunning)
        try await stop(process, notify: notify, sandbox: sandbox)
    }

    /// A real change of the machine's clock (see SetClock: a step of microseconds) wakes the
    /// scheduler at once, which plans again and finds the same next reminder; nothing is sent.
    @Test(.enabled(if: SetClock.permitted, "setting the clock needs CAP_SYS_TIME"))
    func aClockChangeWakesTheSchedulerAtOnce() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.cleanup() }
        FileManager.default.createFile(atPath: sandbox.root + "/daemon.log", contents: nil)
        let notify = try NotifyListener(in: sandbox.root)
        let process = try launch(["--config", sandbox.configPath], executable: try almanacdPath(), sandbox: sandbox, notify: notify)
        let planned = await notify.awaitReceive(timeout: 300) { $0.contains("; next reminder ") }
        try #require(planned.last?.contains("; next reminder 2027-03-29 09:00 qingming -5wd") == true, "output:\n\(log(sandbox))")
        let sentBefore = try sandbox.statusFile().counts?.sent

        let watch = try DirectoryWatch(sandbox.root)
        #expect(SetClock.toItself())
        let log = sandbox.root + "/daemon.log"
        try await offPool {
            try watch.wait("the scheduler's note of the clock change", hangGuard: .seconds(300)) {
                ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").contains("wall clock changed, planning again")
            }
        }
        let again = await notify.awaitReceive(timeout: 300) { $0.contains("; next reminder ") }
        #expect(again.last?.contains("; next reminder 2027-03-29 09:00 qingming -5wd") == true)
        #expect(try sandbox.statusFile().counts?.sent == sentBefore)

        process.send(SIGTERM)
        #expect(await process.awaitExit(timeout: 70))
        #expect(process.exitStatus == 0)
    }

    @Test func aBadConfigurationExitsWithItsPosition() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.cleanup() }
        try sandbox.write("almanac.yaml", "plans: plans/*.yaml\ncatchup: 7d\n")
        FileManager.default.createFile(atPath: sandbox.root + "/daemon.log", contents: nil)
        let notify = try NotifyListener(in: sandbox.root)
        let process = try launch(["--config", sandbox.configPath], executable: try almanacdPath(), sandbox: sandbox, notify: notify)
        let exited = await process.awaitExit(timeout: 300)  // a hang guard: it exits at once
        try #require(exited, "almanacd did not exit on a bad configuration")
        #expect(process.exitStatus == 78)
        let log = try String(contentsOfFile: sandbox.root + "/daemon.log", encoding: .utf8)
        #expect(log == "\(sandbox.configPath):2:1: error: unknown key 'catchup' (did you mean 'catch_up'?)\n")
        #expect(await notify.awaitReceive(timeout: 0.1) == nil)
    }

    @Test func socketActivationPassesTheListeningSocket() async throws {
        let activator = "/usr/bin/systemd-socket-activate"
        try #require(FileManager.default.isExecutableFile(atPath: activator), "systemd-socket-activate (package systemd) is missing")
        let sandbox = try Sandbox()
        defer { sandbox.cleanup() }
        FileManager.default.createFile(atPath: sandbox.root + "/daemon.log", contents: nil)
        let notify = try NotifyListener(in: sandbox.root)
        let socketPath = sandbox.root + "/run/control.sock"
        // systemd-socket-activate wipes the environment: NOTIFY_SOCKET goes through -E.
        let process = try launch(
            ["-l", socketPath, "-E", "NOTIFY_SOCKET=\(notify.path)", try almanacdPath(), "--config", sandbox.configPath],
            executable: activator, sandbox: sandbox, notify: notify)
        
        // The activator listens first and starts the daemon on the first connection.
        // Hang guards only (300 s): each wait ends at its signal, the socket file, READY=1, the exit.
        let watch = try DirectoryWatch(sandbox.root + "/run")
        try await offPool { try watch.wait("the activator's socket", hangGuard: .seconds(300)) { FileManager.default.fileExists(atPath: socketPath) } }
        #expect(await notify.awaitReceive(timeout: 0.2) == nil)
        let client = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(client) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in raw.copyBytes(from: Array(socketPath.utf8).prefix(raw.count - 1)) }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(client, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        #expect(connected == 0)

        let startup = await notify.awaitReceive(until: "READY=1", timeout: 300)
        try #require(startup.last?.hasPrefix("READY=1\n") == true)
        let status = try sandbox.statusFile()
        #expect(status.control.activated)
        #expect(status.daemon.pid == process.pid)

        process.send(SIGTERM)
        let exited = await process.awaitExit(timeout: 70)
        try #require(exited, "almanacd did not exit within 70 s of SIGTERM; its output:\n\(log(sandbox))")
        #expect(process.exitStatus == 0)
    }
}
