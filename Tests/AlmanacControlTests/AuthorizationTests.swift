import AlmanacControl
import AlmanacTestSupport
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The uid and gid of a local user, or nil when it does not exist.
func localUser(_ name: String) -> (uid: UInt32, gid: UInt32)? {
    guard let entry = getpwnam(name) else { return nil }
    return (entry.pointee.pw_uid, entry.pointee.pw_gid)
}

/// True when the authorization tests can run: as root, with the test users that
/// `scripts/test.sh` creates (`ensure_test_users` in scripts/prereqs.sh).
let canSwitchUsers = getuid() == 0 && localUser("almanac-test") != nil && localUser("almanac-test-admin") != nil
    && FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv")
    && FileManager.default.isExecutableFile(atPath: "/usr/bin/socat")

/// Sends one request line as another user, with no supplementary groups in the process:
/// only the group database decides admin membership.
func requestAs(_ user: String, path: String, _ line: String) throws -> WireReply {
    let result = try run("/usr/bin/setpriv", [
        "--reuid=\(user)", "--regid=\(user)", "--clear-groups", "/usr/bin/socat", "-t", "300", "-", "UNIX-CONNECT:\(path)",
    ], input: line + "\n")
    return try WireReply.parse(result.output.split(separator: "\n").first.map(String.init))
}

@Suite(.enabled(if: canSwitchUsers, "needs root and the users from scripts/prereqs.sh ensure_test_users"))
struct AuthorizationTests {
    @Test func unprivilegedUserMayReadButNotChange() async throws {
        try await withServer(configure: { $0.socketMode = 0o666 }) { path, handler, _ in
            let user = try #require(localUser("almanac-test"))
            let status = try await offPool { try requestAs("almanac-test", path: path, #"{"v":1,"id":1,"cmd":"status"}"#) }
            #expect(status.ok)
            for cmd in [#""cmd":"ack","args":{"item":"qingming"}"#, #""cmd":"reload""#, #""cmd":"snooze","args":{"item":"a","until":"2027-01-01T00:00:00Z"}"#] {
                let reply = try await offPool { try requestAs("almanac-test", path: path, #"{"v":1,"id":2,"# + cmd + "}") }
                #expect(reply.ok == false)
                #expect(reply.error?.code == "unauthorized")
            }
            let reply = try await offPool { try requestAs("almanac-test", path: path, #"{"v":1,"id":2,"cmd":"done","args":{"item":"qingming"}}"#) }
            #expect(reply.error?.message == "'done' changes state and needs root or the admin group: uid \(user.uid) (almanac-test) is neither root nor a member of the admin group 'almanac-test-admins'")
            // Refused requests never reach the handler.
            #expect(handler.recorded.map(\.command.name) == [.status])
            #expect(handler.recorded.map(\.uid) == [user.uid])
        }
    }

    @Test func memberOfTheAdminGroupMayChange() async throws {
        try await withServer(configure: { $0.socketMode = 0o666 }) { path, handler, _ in
            let admin = try #require(localUser("almanac-test-admin"))
            let reply = try await offPool { try requestAs("almanac-test-admin", path: path, #"{"v":1,"id":1,"cmd":"ack","args":{"item":"qingming"}}"#) }
            #expect(reply.ok)
            #expect(handler.recorded == [RecordingHandler.Call(command: .ack(OccurrenceRef(item: "qingming")), uid: admin.uid)])
        }
    }

    @Test func withoutAnAdminGroupOnlyRootMayChange() async throws {
        try await withServer(configure: { $0.socketMode = 0o666; $0.authorization = ControlAuthorization(adminGroup: nil) }) { path, _, _ in
            let admin = try #require(localUser("almanac-test-admin"))
            let reply = try await offPool { try requestAs("almanac-test-admin", path: path, #"{"v":1,"id":1,"cmd":"ack","args":{"item":"qingming"}}"#) }
            #expect(reply.error?.message == "'ack' changes state and needs root or the admin group: uid \(admin.uid) (almanac-test-admin) is not root, and no admin group is configured (admin_group)")
        }
    }

    @Test func socketModeKeepsOthersOut() async throws {
        try await withServer { path, _, _ in
            let result = try await offPool {
                try run("/usr/bin/setpriv", ["--reuid=almanac-test", "--regid=almanac-test", "--clear-groups", "/usr/bin/socat", "-t", "300", "-", "UNIX-CONNECT:\(path)"],
                        input: #"{"v":1,"id":1,"cmd":"status"}"# + "\n")
            }
            #expect(result.status != 0)
            #expect(result.output == "")
        }
    }

    /// The socket a server binds itself gets the configured group and mode; a member of that
    /// group gets in, anyone else is told it is a matter of permission (exit 7), not that no
    /// daemon runs.
    @Test func socketGroupAndModeAreAppliedAndPermissionIsReportedAsSuch() async throws {
        let group = try #require(getgrnam("almanac-test-admins")).pointee.gr_gid
        try await withServer(configure: { $0.socketGroup = "almanac-test-admins"; $0.socketMode = 0o660 }) { path, _, _ in
            var info = stat()
            #expect(stat(path, &info) == 0)
            #expect(info.st_gid == group)
            #expect(info.st_mode & 0o7777 == 0o660)

            // A member (by the group database, as a login gives it) may connect and read.
            let member = try await offPool {
                try spawnAndWait(
                    "/usr/bin/setpriv",
                    ["--reuid=almanac-test-admin", "--regid=almanac-test-admin", "--init-groups", try almanacctlPath(), "status", "--socket", path, "--json", "--timeout", "300"],
                    environment: ["TZ": "Asia/Shanghai", "PATH": "/usr/bin:/bin"])
            }
            #expect(member.status == 0, "\(member.stderr)")

            // Anyone else: permission denied, its own message and exit status.
            let other = try await offPool { try almanacctl(["status", "--socket", path, "--english"], as: "almanac-test") }
            #expect(other.status == 7)
            #expect(other.stderr.contains("permission denied connecting to almanacd at \(path)"), "\(other.stderr)")
            #expect(other.stderr.contains("add yourself to group 'almanac-test-admins'"), "\(other.stderr)")
            #expect(!other.stderr.contains("is it running"))
            let chinese = try await offPool { try almanacctl(["status", "--socket", path], as: "almanac-test") }
            #expect(chinese.status == 7)
            #expect(chinese.stderr.contains("无权连接 almanacd"), "\(chinese.stderr)")
            let json = try await offPool { try almanacctl(["--socket", path, "status", "--json"], as: "almanac-test") }
            #expect(json.status == 7)
            #expect(json.stdout.contains("\"permission_denied\""), "\(json.stdout)")
        }
    }

    /// A group that is not there stops a server that requires it, and only warns otherwise.
    @Test func aMissingSocketGroupIsAnErrorOnlyWhenRequired() async throws {
        await #expect(throws: ControlServerError.self) {
            try await withServer(configure: { $0.socketGroup = "almanac-no-such-group" }) { _, _, _ in }
        }
        try await withServer(configure: { $0.socketGroup = "almanac-no-such-group"; $0.socketGroupRequired = false }) { path, _, _ in
            var info = stat()
            #expect(stat(path, &info) == 0)
            #expect(info.st_mode & 0o7777 == 0o660)
        }
    }

    /// 200 connections of one ordinary user, each holding an unfinished request, as the Python
    /// below opens them (as that user, through setpriv) and holds them until SIGKILL.
    final class SlowClients: Sendable {
        let pid: pid_t
        let log: String

        init(user: String, path: String, count: Int) throws {
            log = NSTemporaryDirectory() + "almanac-slow-\(UUID().uuidString.prefix(8)).log"
            let script = """
                import signal, socket, sys
                held = []
                for _ in range(\(count)):
                    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                    try:
                        s.connect(sys.argv[1]); s.send(b"{"); held.append(s)
                    except OSError:
                        s.close()
                print("connected", len(held), flush=True)
                signal.pause()
                """
            pid = try spawnInBackground(
                "/usr/bin/setpriv",
                ["--reuid=\(user)", "--regid=\(user)", "--clear-groups", "/usr/bin/python3", "-c", script, path],
                environment: ["PATH": "/usr/bin:/bin"], log: log)
        }

        /// SIGKILL: the child inherits the test process's signal mask, which may block SIGTERM.
        func stop() {
            kill(pid, SIGKILL)
            _ = waitForChild(pid)
            unlink(log)
        }
    }

    /// One user holding connections cannot lock another user out, nor administrators: the
    /// per-uid limit keeps room for others, and the last slots are kept for root and the admin
    /// group. No timing is asserted: the server's own count is the readiness signal.
    @Test func oneUserCannotLockOthersOut() async throws {
        // Without an admin group, almanac-test-admin is an ordinary user like almanac-test.
        try await withServer(configure: {
            $0.socketMode = 0o666
            $0.authorization = ControlAuthorization(adminGroup: nil)
            // The held connections never send a whole request: they must outlast a slow machine.
            $0.firstRequestTimeout = .seconds(600)
        }) { path, _, server in
            let slow = try #require(localUser("almanac-test"))
            let clients = try SlowClients(user: "almanac-test", path: path, count: 200)
            defer { clients.stop() }
            try await waitUntil("32 slow connections", on: server) { server.activeConnections(uid: slow.uid) == 32 }

            // Another ordinary user is served, and again, while the 32 are held.
            for id in 1...3 {
                let reply = try await offPool { try requestAs("almanac-test-admin", path: path, #"{"v":1,"id":\#(id),"cmd":"status"}"#) }
                #expect(reply.ok, "\(reply)")
            }
            // One more of the slow user is refused, saying why.
            let extra = try await offPool { try requestAs("almanac-test", path: path, #"{"v":1,"id":9,"cmd":"status"}"#) }
            #expect(extra.error?.code == "busy")
            #expect(extra.error?.message == "too many connections from uid \(slow.uid) (limit 32 per user); try again")
            #expect(server.activeConnections(uid: slow.uid) == 32)
        }
    }

    @Test func administratorsAlwaysGetThrough() async throws {
        try await withServer(configure: {
            $0.socketMode = 0o666
            $0.authorization = ControlAuthorization(adminGroup: "almanac-test-admins")
            $0.firstRequestTimeout = .seconds(600)
            $0.maxConnections = 10
            $0.reservedForAdmins = 2
            $0.maxConnectionsPerUID = 8
        }) { path, _, server in
            let slow = try #require(localUser("almanac-test"))
            let clients = try SlowClients(user: "almanac-test", path: path, count: 50)
            defer { clients.stop() }
            try await waitUntil("8 slow connections", on: server) { server.activeConnections(uid: slow.uid) == 8 }
            // Eight of ten are taken: the last two are for administrators.
            let ordinary = try await offPool { try requestAs("almanac-test", path: path, #"{"v":1,"id":1,"cmd":"status"}"#) }
            #expect(ordinary.error?.code == "busy")
            #expect(ordinary.error?.message == "too many connections from uid \(slow.uid) (limit 8 per user); try again")
            // Root and a member of the admin group get through.
            #expect(try await offPool { try ControlClient(socketPath: path, timeout: testTimeout).status().pid } == 42)
            let member = try await offPool { try requestAs("almanac-test-admin", path: path, #"{"v":1,"id":2,"cmd":"status"}"#) }
            #expect(member.ok, "\(member)")
        }
    }

    @Test func peerCredentialsAreTheCallers() {
        var fds: [CInt] = [0, 0]
        #expect(socketpair(AF_UNIX, CInt(SOCK_STREAM.rawValue), 0, &fds) == 0)
        defer { close(fds[0]); close(fds[1]) }
        let credentials = try? PeerCredentials.of(socket: fds[0])
        #expect(credentials == PeerCredentials(pid: getpid(), uid: getuid(), gid: getgid()))
    }
}
