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
        #expect(notify.receive(until: "READY=1", timeout: 60).last?.hasPrefix("READY=1") == true)
        let socket = sandbox.root + "/run/control.sock"
        let client = ControlClient(socketPath: socket, timeout: .seconds(120))
        _ = try await offPool { try client.status() }
        let before = try #require(Self.residentKiB(pid))

        let outcome = try await offPool { () -> (silent: String, ok: Int, refused: Int, other: Int, huge: String) in
            // Silent: connects and says nothing; the daemon ends it after its 30 s idle timeout.
            let silent = try ControlConnection(path: socket, timeout: .seconds(180))
            // 1,000 at once: all connected before any is answered; 127 slots are left beside the silent one.
            let crowd = try (0..<1000).map { _ in try ControlConnection(path: socket, timeout: .seconds(120)) }
            var ok = 0, refused = 0, other = 0
            for connection in crowd {
                do {
                    let reply = String(decoding: try connection.roundTrip(.status), as: UTF8.self)
                    if reply.contains(#""ok":true"#) { ok += 1 } else if reply.contains(#""code":"busy""#) { refused += 1 } else { other += 1 }
                } catch {
                    refused += 1  // refused with busy and closed before the request went out
                }
            }
            let big = try ControlConnection(path: socket, timeout: .seconds(120))
            let line = [UInt8](repeating: UInt8(ascii: "x"), count: 10 * 1024 * 1024) + [10]
            let huge = (try? big.roundTrip(line: line)).map { String(decoding: $0, as: UTF8.self) } ?? "closed"
            let idle = (try? silent.readLine()).map { String(decoding: $0, as: UTF8.self) } ?? "closed"
            return (idle, ok, refused, other, huge)
        }
        #expect(outcome.silent.contains(#""code":"idle_timeout""#))
        // 128 connections at most: 127 beside the silent one, or 128 if a loaded machine took
        // more than the idle timeout to get through the crowd and the silent one was already gone.
        #expect((127...128).contains(outcome.ok))
        #expect(outcome.ok + outcome.refused == 1000)
        #expect(outcome.other == 0)
        #expect(outcome.huge.contains(#""code":"too_large""#) || outcome.huge == "closed")

        // Still serving, and the memory the crowd took is bounded.
        let status = try await offPool { try client.status() }
        #expect(status.pid == pid)
        let after = try #require(Self.residentKiB(pid))
        #expect(after - before < 128 * 1024, "RSS grew from \(before) KiB to \(after) KiB")

        kill(pid, SIGTERM)
        let code = await waitForChild(pid, timeout: .seconds(30))
        exited = code != nil
        #expect(code == 0)
    }
}
