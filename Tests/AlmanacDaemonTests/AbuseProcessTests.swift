import AlmanacControl
import AlmanacTestSupport
import Foundation
import Glibc
import Testing

/// The abuse the issue names, against almanacd as a process (the framing and limits are also
/// tested on the bare server in AlmanacControlTests): a silent client, 1,000 clients at once and
/// a 10 MB line. The daemon answers each with an error or a close, its memory stays bounded, and
/// it keeps serving.
@Suite("almanacd under abuse")
struct AbuseProcessTests {
    /// Resident memory of a process, in KiB (VmRSS of /proc/PID/status).
    static func residentKiB(_ pid: pid_t) -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            return Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "")
        }
        return nil
    }

    @Test func silentThousandAndHugeClientsLeaveTheDaemonServing() async throws {
        var limit = rlimit()
        getrlimit(CInt(RLIMIT_NOFILE.rawValue), &limit)
        if limit.rlim_cur < 4096 {
            limit.rlim_cur = min(limit.rlim_max, 4096)
            setrlimit(CInt(RLIMIT_NOFILE.rawValue), &limit)
        }
        let sandbox = try Sandbox()
        defer { sandbox.cleanup() }
        _ = FileManager.default.createFile(atPath: sandbox.root + "/daemon.log", contents: nil)
        let notify = try NotifyListener(in: sandbox.root)
        let environment = notify.daemonEnvironment()
        let pid = try spawnInBackground(
            try almanacdPath(), ["--config", sandbox.configPath], environment: environment, log: sandbox.root + "/daemon.log")
        var exited = false
        defer {
            if !exited {
                kill(pid, SIGKILL)
                _ = waitForChild(pid)
            }
        }
        try #require(await notify.awaitReceive(until: "READY=1", timeout: 300).last?.hasPrefix("READY=1") == true)
        let socket = sandbox.root + "/run/control.sock"
        let client = ControlClient(socketPath: socket, timeout: .seconds(300))
        _ = try await offPool { try client.status() }
        let before = try #require(Self.residentKiB(pid))

        // Hang guards only (ten times what a loaded machine needs): nothing here is timed.
        let guardTime = Duration.seconds(300)
        let outcome = try await offPool { () -> (silent: String, ok: Int, refused: Int, other: [String], huge: String, quick: Bool) in
            // Silent: connects and says nothing; the daemon ends it after its 30 s idle timeout.
            let silent = try ControlConnection(path: socket, timeout: guardTime)
            let started = ContinuousClock.now
            // 1,000 at once: each sends its request as soon as it is connected, and no reply is
            // read before all are. An admitted connection so has its request waiting however
            // slowly the daemon accepts the crowd, and is answered; the others get `busy`, then
            // end of file (the daemon drains what they send before it closes).
            let request = Array(#"{"v":1,"id":1,"cmd":"status"}"#.utf8) + [10]
            var crowd = try (0..<1000).map { _ in
                let connection = try ControlConnection(path: socket, timeout: guardTime)
                try? connection.write(line: request)
                return connection
            }
            var ok = 0, refused = 0
            var other: [String] = []
            var admitted: ControlConnection?
            for connection in crowd {
                let reply = (try? connection.readLine()).map { String(decoding: $0, as: UTF8.self) } ?? "closed"
                if reply.contains(#""ok":true"#) {
                    ok += 1
                    admitted = connection
                } else if reply.contains(#""code":"busy""#) {
                    refused += 1
                } else {
                    other.append(reply)
                }
            }
            let quick = ContinuousClock.now - started < .seconds(30)
            // The crowd leaves but for the last connection answered `ok`; the huge line goes on
            // it, already admitted (a new connection could be refused `busy` until the daemon has
            // seen the others close).
            crowd.removeAll()
            let line = [UInt8](repeating: UInt8(ascii: "x"), count: 10 * 1024 * 1024) + [10]
            let huge = (try? admitted?.roundTrip(line: line)).map { String(decoding: $0, as: UTF8.self) } ?? "closed"
            admitted = nil
            let idle = (try? silent.readLine()).map { String(decoding: $0, as: UTF8.self) } ?? "closed"
            return (idle, ok, refused, other, huge, quick)
        }
        #expect(outcome.silent.contains(#""code":"idle_timeout""#))
        // Every client is answered, `ok` or `busy`, nothing else; at least the 127 slots beside the
        // silent one are served. More can be, but only when slots were freed by the idle timeout
        // (30 s) while the daemon was still accepting the crowd: so the limit of 128 is checked
        // when the crowd took less than that. The bare server's limit is tested exactly in
        // AlmanacControlTests (ServerTests), where nothing times out.
        #expect(outcome.ok >= 127)
        #expect(outcome.ok + outcome.refused == 1000)
        #expect(outcome.other.isEmpty, "other replies: \(Set(outcome.other))")
        if outcome.quick { #expect(outcome.ok <= 128) }
        #expect(outcome.huge.contains(#""code":"too_large""#) || outcome.huge == "closed")

        // Still serving, and the memory the crowd took is bounded.
        let status = try await offPool { try client.status() }
        #expect(status.pid == pid)
        let after = try #require(Self.residentKiB(pid))
        #expect(after - before < 128 * 1024, "RSS grew from \(before) KiB to \(after) KiB")

        kill(pid, SIGTERM)
        let code = await waitForChild(pid, timeout: .seconds(300))
        exited = code != nil
        #expect(code == 0)
    }
}
