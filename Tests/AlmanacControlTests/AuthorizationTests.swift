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

    @Test func peerCredentialsAreTheCallers() {
        var fds: [CInt] = [0, 0]
        #expect(socketpair(AF_UNIX, CInt(SOCK_STREAM.rawValue), 0, &fds) == 0)
        defer { close(fds[0]); close(fds[1]) }
        let credentials = try? PeerCredentials.of(socket: fds[0])
        #expect(credentials == PeerCredentials(pid: getpid(), uid: getuid(), gid: getgid()))
    }
}
