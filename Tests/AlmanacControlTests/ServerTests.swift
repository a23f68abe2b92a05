import AlmanacCalendar
@testable import AlmanacControl
import AlmanacTestSupport
import Foundation
import Logging
import NIOCore
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite struct ServerTests {
    @Test func statusRoundTripThroughTheClient() async throws {
        try await withServer { path, handler, _ in
            let status = try await offPool { try ControlClient(socketPath: path, timeout: testTimeout).status() }
            #expect(status == StatusReport(
                version: "test", pid: 42, state: "running", startedAt: RecordingHandler.epoch, plan: nil,
                remindersSent: 3, outboxPending: 1, overdue: 0))
            #expect(handler.recorded == [RecordingHandler.Call(command: .status, uid: getuid())])
        }
    }

    @Test func rootMayChangeStateAndTheHandlerSeesTheUID() async throws {
        try await withServer { path, handler, _ in
            let ref = OccurrenceRef(item: "qingming", date: CivilDate(year: 2027, month: 4, day: 5))
            let change = try await offPool { try ControlClient(socketPath: path, timeout: testTimeout).done(DoneRequest(ref, note: "扫墓 done")) }
            #expect(change.state == .done)
            #expect(change.note == "扫墓 done")
            #expect(change.uid == getuid())
            #expect(handler.recorded.last == RecordingHandler.Call(command: .done(DoneRequest(ref, note: "扫墓 done")), uid: getuid()))
        }
    }

    @Test func handlerErrorsReachTheClient() async throws {
        try await withServer { path, _, _ in
            let notFound = await #expect(throws: ControlClientError.self) {
                try await offPool { try ControlClient(socketPath: path, timeout: testTimeout).ack(OccurrenceRef(item: "missing")) }
            }
            guard case .server(let error)? = notFound else { Issue.record("\(String(describing: notFound))"); return }
            #expect(error == ControlError(.notFound, "no item 'missing' in the plan"))

            // An error that is not a ControlError is reported as `internal`, without its text.
            let line = try await offPool { () -> String? in
                let client = try RawClient(path: path)
                client.send(#"{"v":1,"id":"h","cmd":"history"}"# + "\n")
                return client.readLine()
            }
            #expect(line == #"{"error":{"code":"internal","message":"'history' failed inside the daemon; see its journal"},"id":"h","ok":false,"v":1}"#)
        }
    }

    @Test func malformedRequestsGetErrorsAndTheConnectionStaysUsable() async throws {
        try await withServer { path, _, _ in
            let lines = try await offPool { () -> [String?] in
                let client = try RawClient(path: path)
                var replies: [String?] = []
                for request in ["{\"v\":1,", "\u{FF}\u{FE}garbage", #"{"v":1,"id":2,"cmd":"rm -rf"}"#, "", #"{"v":1,"id":3,"cmd":"status"}"#] {
                    client.send(request + "\n")
                    if !request.isEmpty { replies.append(client.readLine()) }
                }
                return replies
            }
            #expect(try WireReply.parse(lines[0]).error?.code == "bad_request")
            #expect(try WireReply.parse(lines[0]).id == nil)
            #expect(try WireReply.parse(lines[1]).error?.code == "bad_request")
            #expect(try WireReply.parse(lines[2]).error?.code == "unknown_command")
            #expect(try WireReply.parse(lines[2]).id == .number(2))
            #expect(try WireReply.parse(lines[3]).ok == true)
            #expect(try WireReply.parse(lines[3]).id == .number(3))
        }
    }

    @Test func pipelinedRequestsAreAnsweredInOrder() async throws {
        try await withServer { path, _, _ in
            let ids = try await offPool { () -> [RequestID?] in
                let client = try RawClient(path: path)
                client.send((1...50).map { #"{"v":1,"id":\#($0),"cmd":"next"}"# + "\r\n" }.joined())
                return try (1...50).map { _ in try WireReply.parse(client.readLine()).id }
            }
            #expect(ids == (1...50).map { RequestID.number($0) })
        }
    }

    @Test func statusIsAnsweredAtOnceAndStillInTurnBehindSlowerRequests() async throws {
        try await withServer(handler: RecordingHandler(immediateStatus: true)) { path, handler, _ in
            let ids = try await offPool { () -> [RequestID?] in
                let client = try RawClient(path: path)
                // Alone on its connection, `status` is answered on the event loop, not by `handle`.
                client.send(#"{"v":1,"id":0,"cmd":"status"}"# + "\n")
                var ids = [try WireReply.parse(client.readLine()).id]
                // Pipelined behind commands that go through `handle`, it waits its turn.
                client.send((1...40).map { $0 % 2 == 0
                    ? #"{"v":1,"id":\#($0),"cmd":"status"}"# + "\n" : #"{"v":1,"id":\#($0),"cmd":"next"}"# + "\n" }.joined())
                ids += try (1...40).map { _ in try WireReply.parse(client.readLine()).id }
                return ids
            }
            #expect(ids == (0...40).map { RequestID.number($0) })
            #expect(handler.immediateAnswers >= 1)
            #expect(handler.recorded.count { $0.command.name == .status } + handler.immediateAnswers == 21)
            #expect(handler.recorded.count { $0.command.name == .next } == 20)
        }
    }

    @Test func immediateRepliesAreWhatTheEncoderWrites() async throws {
        let server = ControlServer(
            configuration: ControlServerConfiguration(
                endpoint: .path("/nonexistent/control.sock"), authorization: ControlAuthorization(adminGroup: "almanac-test-admins")),
            handler: RecordingHandler(immediateStatus: true), logger: Logger(label: "test"))
        let requests = [
            #"{"v":1,"cmd":"status"}"#, #"{"v":1,"id":7,"cmd":"status"}"#, #"{"v":1,"id":-3,"cmd":"status"}"#,
            #"{"v":1,"id":"a \"quoted\" 名/id\n","cmd":"status"}"#, #"{"v":1,"id":"x","cmd":"status"}"#,
        ]
        for text in requests {
            let line = ByteBuffer(string: text)
            guard case .success(let request) = ControlRequest.decode(line: line.readableBytesView) else {
                Issue.record("\(text) did not decode"); continue
            }
            // Twice: the second reply comes from the kept JSON.
            for _ in 0..<2 {
                let reply = try #require(server.immediateReply(to: line.readableBytesView))
                #expect(reply == ControlServer.encode(ControlReply(id: request.id, result: .status(RecordingHandler.status))), "\(text)")
            }
        }
        #expect(server.immediateReply(to: ByteBuffer(string: #"{"v":1,"id":1,"cmd":"next"}"#).readableBytesView) == nil)
        #expect(server.immediateReply(to: ByteBuffer(string: #"{"v":1,"id":1,"cmd":"reload"}"#).readableBytesView) == nil)
        #expect(server.immediateReply(to: ByteBuffer(string: "{garbage").readableBytesView) == nil)
    }

    @Test func halfClosedClientStillGetsItsAnswer() async throws {
        try await withServer { path, _, _ in
            let (reply, closed) = try await offPool { () -> (String?, Bool) in
                let client = try RawClient(path: path)
                // No trailing newline: the last request before EOF is answered too.
                client.send(#"{"v":1,"id":1,"cmd":"status"}"#)
                client.shutdownWrite()
                return (client.readLine(), client.isClosedByPeer())
            }
            #expect(try WireReply.parse(reply).ok == true)
            #expect(closed)
        }
    }

    @Test func socatOneShotAsInTheDocs() async throws {
        try await withServer { path, _, _ in
            let result = try await offPool {
                try run("/usr/bin/socat", ["-t", "300", "-", "UNIX-CONNECT:\(path)"], input: #"{"v":1,"id":1,"cmd":"ack","args":{"item":"qingming","date":"2027-04-05"}}"# + "\n")
            }
            #expect(result.status == 0)
            #expect(result.output == #"{"id":1,"ok":true,"result":{"date":"2027-04-05","item":"qingming","recordedAt":"2027-01-15T08:00:00Z","state":"acknowledged","uid":\#(getuid())},"v":1}"# + "\n")
        }
    }

    /// Sends `bytes` on a new connection (from a thread of its own: the server may answer before it
    /// has read them all), reads the one reply and whether the server then closed the connection,
    /// and checks that the server goes on serving others.
    private func refusal(of bytes: [UInt8], at path: String) async throws -> (error: WireReply.WireError?, closed: Bool) {
        let (reply, closed) = try await offPool { () -> (String?, Bool) in
            let client = try RawClient(path: path)
            Thread { client.send(bytes) }.start()
            return (client.readLine(), client.isClosedByPeer())
        }
        #expect(try await offPool { try ControlClient(socketPath: path, timeout: testTimeout).status().pid } == 42)
        return (try WireReply.parse(reply).error, closed)
    }

    @Test func tenMegabyteLineGetsTooLargeAndAClose() async throws {
        try await withServer { path, _, _ in
            let refused = try await refusal(of: [UInt8](repeating: UInt8(ascii: "a"), count: 10 * 1024 * 1024) + [10], at: path)
            #expect(refused.error?.code == "too_large")
            #expect(refused.error?.message == "request line longer than 1048576 bytes; closing")
            #expect(refused.closed)
        }
    }

    @Test func lineJustUnderTheLimitIsDecoded() async throws {
        try await withServer(configure: { $0.maxRequestBytes = 1024 }) { path, _, _ in
            let reply = try await offPool { () -> String? in
                let client = try RawClient(path: path)
                let prefix = #"{"v":1,"id":1,"cmd":"status","pad":""#
                let line = prefix + String(repeating: "x", count: 1024 - prefix.count - 2) + "\"}"
                precondition(line.utf8.count == 1024)
                client.send(line + "\n")
                return client.readLine()
            }
            #expect(try WireReply.parse(reply).ok == true)
        }
    }

    /// Unfinished request lines of all connections share one budget: a line that would pass it
    /// gets `busy` (the daemon is not holding it), and the connection is closed.
    @Test func aLineBeyondTheSharedBudgetGetsBusyAndAClose() async throws {
        try await withServer(configure: { $0.maxPendingRequestBytes = 1024 }) { path, _, _ in
            // No newline: the server holds the bytes until the budget refuses them (with the
            // newline, a line read in one piece would never be held).
            let refused = try await refusal(of: Array((#"{"v":1,"id":1,"cmd":"status","pad":""# + String(repeating: "x", count: 4096)).utf8), at: path)
            #expect(refused.error?.code == "busy")
            #expect(refused.error?.message == "the daemon holds 1024 bytes of unfinished requests; try again shortly")
            #expect(refused.closed)
        }
    }

    /// The default limit takes a `progress-import` of 5,000 rows (a checklist ten times the
    /// reference office's 143 大项 and 355 小项): a line of about 400 KB.
    @Test func largeImportLineFitsTheDefaultLimit() async throws {
        try await withServer { path, _, _ in
            let reply = try await offPool { () -> String? in
                let client = try RawClient(path: path)
                let rows = (0..<5000).map { #"{"row":\#($0 + 2),"code":"A\#($0)-\#($0 * 7)","status":"submitted","evidence":1,"note":"已报送"}"# }
                let line = #"{"v":1,"id":1,"cmd":"status","pad":["# + rows.joined(separator: ",") + "]}"
                precondition(line.utf8.count > 300_000)
                client.send(line + "\n")
                return client.readLine()
            }
            #expect(try WireReply.parse(reply).ok == true)
        }
    }

    @Test func silentClientIsTimedOut() async throws {
        try await withServer(configure: { $0.idleTimeout = .milliseconds(300) }) { path, _, server in
            let started = ContinuousClock.now
            let (reply, closed) = try await offPool { () -> (String?, Bool) in
                let client = try RawClient(path: path)
                client.send(#"{"v":1,"id":1,"cmd":"status"}"# + "\n")
                _ = client.readLine()
                return (client.readLine(), client.isClosedByPeer())
            }
            let waited = ContinuousClock.now - started
            #expect(try WireReply.parse(reply).error?.code == "idle_timeout")
            #expect(try WireReply.parse(reply).error?.message == "no request for 0.3 s; closing")
            #expect(closed)
            // Not before the idle timeout; how much later depends on the machine (the client's
            // 300 s read timeout is the hang guard), so it is not asserted.
            #expect(waited >= .milliseconds(300))
        }
    }

    /// A client that keeps sending bytes without ever finishing a line loses its slot at the
    /// first-request deadline, however long the idle timeout: the answer comes while it is still
    /// sending. Each byte goes after a `status` round trip on another connection, so the bytes
    /// follow the server's pace, not a clock.
    @Test func aTricklingClientLosesItsSlotAtTheFirstRequestDeadline() async throws {
        try await withServer(configure: { $0.firstRequestTimeout = .milliseconds(300) }) { path, _, server in
            let bound = 200_000
            let (reply, closed, sent) = try await offPool { () -> (String?, Bool, Int) in
                let client = try RawClient(path: path)
                let pinger = try RawClient(path: path)
                let answered = Atomic<Bool>(false)
                let sent = Atomic<Int>(0)
                let trickle = Thread {
                    guard client.send(#"{"v":1,"#) else { return }
                    while !answered.load(ordering: .acquiring), sent.load(ordering: .relaxed) < bound {
                        guard client.send(" ") else { return }
                        sent.add(1, ordering: .relaxed)
                        guard pinger.send(#"{"v":1,"id":1,"cmd":"status"}"# + "\n"), pinger.readLine() != nil else { return }
                    }
                }
                trickle.start()
                let reply = client.readLine()
                answered.store(true, ordering: .releasing)
                return (reply, client.isClosedByPeer(), sent.load(ordering: .relaxed))
            }
            #expect(try WireReply.parse(reply).error?.code == "idle_timeout")
            #expect(try WireReply.parse(reply).error?.message == "no complete request within 0.3 s; closing")
            #expect(closed)
            #expect(sent > 0 && sent < bound, "\(sent) bytes sent: the deadline should come while bytes still arrive")
            try await waitUntil("every connection closed", on: server) { server.activeConnections == 0 }
        }
    }

    /// The limits as a decision: per uid, the slots kept for administrators, the total.
    @Test func admissionKeepsSlotsPerUserAndForAdministrators() {
        var admission = ConnectionAdmission(.init(maxConnections: 6, maxPerUID: 2, reservedForAdmins: 2))
        #expect(admission.admit(uid: 1000, admin: nil) == .admitted)
        #expect(admission.admit(uid: 1000, admin: nil) == .admitted)
        #expect(admission.admit(uid: 1000, admin: nil) == .needsAdminCheck)
        #expect(admission.admit(uid: 1000, admin: false) == .refused("too many connections from uid 1000 (limit 2 per user); try again"))
        #expect(admission.admit(uid: 1001, admin: nil) == .admitted)
        #expect(admission.admit(uid: 1001, admin: nil) == .admitted)
        // Four of six taken: the last two are for administrators.
        #expect(admission.admit(uid: 1002, admin: false) == .refused(
            "too many connections (the last 2 of 6 are kept for administrators); try again"))
        #expect(admission.admit(uid: 0, admin: nil) == .needsAdminCheck)
        #expect(admission.admit(uid: 0, admin: true) == .admitted)
        #expect(admission.admit(uid: 0, admin: true) == .admitted)
        #expect(admission.admit(uid: 0, admin: true) == .refused("too many connections (limit 6); try again"))
        admission.release(uid: 1000)
        #expect(admission.byUID[1000] == 1)
        #expect(admission.total == 5)
        #expect(admission.admit(uid: 1000, admin: nil) == .needsAdminCheck)
        admission.release(uid: 0)
        admission.release(uid: 0)
        #expect(admission.byUID[0] == nil)
        #expect(admission.admit(uid: 1000, admin: nil) == .admitted)
    }

    @Test func connectionsBeyondTheLimitAreRefusedWithBusy() async throws {
        try await withServer(configure: { $0.maxConnections = 3 }) { path, _, server in
            let replies = try await offPool { () -> [String?] in
                let held = try (0..<3).map { _ in try RawClient(path: path) }
                for client in held { client.send(#"{"v":1,"id":1,"cmd":"status"}"# + "\n") }
                for client in held { _ = client.readLine() }
                let extra = try RawClient(path: path)
                let refused = extra.readLine()
                let closed = extra.isClosedByPeer()
                return [refused, closed ? "closed" : "open"]
            }
            #expect(try WireReply.parse(replies[0]).error?.code == "busy")
            #expect(replies[1] == "closed")
            // Once the held connections are gone, new ones are served again.
            try await waitUntil("every connection closed", on: server) { server.activeConnections == 0 }
            #expect(try await offPool { try ControlClient(socketPath: path, timeout: testTimeout).status().pid } == 42)
        }
    }

    /// The `busy` line always reaches the client, also one that writes its request only after
    /// the server answered: the server shuts its side and drains, it does not close at once
    /// (which failed such a write with EPIPE before the client read anything).
    @Test func aRefusedClientReadsBusyThenEndOfFileAndMayStillWrite() async throws {
        try await withServer(configure: {
            $0.maxConnections = 1
            $0.reservedForAdmins = 0
            $0.refusalLinger = .seconds(600)
        }) { path, _, server in
            let held = try RawClient(path: path)
            try await waitUntil("one connection served", on: server) { server.activeConnections == 1 }
            let (line, end, wrote) = try await offPool { () -> (String?, String?, Bool) in
                let refused = try RawClient(path: path)
                let line = refused.readLine()
                let end = refused.readLine()
                return (line, end, refused.send(#"{"v":1,"id":1,"cmd":"status"}"# + "\n"))
            }
            #expect(try WireReply.parse(line).error?.code == "busy")
            #expect(end == nil)
            #expect(wrote)
            _ = held
        }
    }

    @Test func thousandClientsAtOnce() async throws {
        var limit = rlimit()
        getrlimit(CInt(RLIMIT_NOFILE.rawValue), &limit)
        if limit.rlim_cur < 4096 {
            limit.rlim_cur = min(limit.rlim_max, 4096)
            setrlimit(CInt(RLIMIT_NOFILE.rawValue), &limit)
        }
        try await withServer { path, _, server in
            let (ok, busy, other) = try await offPool { () -> (Int, Int, Int) in
                let clients = try (0..<1000).map { _ in try RawClient(path: path) }
                for client in clients { client.send(#"{"v":1,"id":1,"cmd":"status"}"# + "\n") }
                var ok = 0, busy = 0, other = 0
                for client in clients {
                    let reply = try? WireReply.parse(client.readLine())
                    if reply?.ok == true { ok += 1 } else if reply?.error?.code == "busy" { busy += 1 } else { other += 1 }
                }
                return (ok, busy, other)
            }
            // The default limit is 128 connections; all 1,000 stay open until every reply is read.
            #expect(ok == 128)
            #expect(busy == 872)
            #expect(other == 0)
            try await waitUntil("every connection closed", on: server) { server.activeConnections == 0 }
            #expect(try await offPool { try ControlClient(socketPath: path, timeout: testTimeout).status().pid } == 42)
        }
    }

    @Test func socketFileHasMode0660AndIsRemovedOnShutdown() async throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/control.sock"
        let server = ControlServer(
            configuration: ControlServerConfiguration(endpoint: .path(path), authorization: ControlAuthorization(adminGroup: nil)),
            handler: RecordingHandler(), logger: Logger(label: "test"))
        let listener = try await server.bind()
        var info = stat()
        #expect(lstat(path, &info) == 0)
        #expect(info.st_mode & 0o777 == 0o660)
        #expect(info.st_mode & S_IFMT == S_IFSOCK)
        let task = Task { try await server.serve(listener) }
        #expect(try await offPool { try ControlClient(socketPath: path, timeout: testTimeout).status().pid } == 42)
        task.cancel()
        _ = await task.result
        #expect(access(path, F_OK) != 0)
    }

    @Test func staleSocketIsReplacedLiveOneRefusedOtherFilesKept() async throws {
        try await withServer { path, _, _ in
            let second = ControlServer(
                configuration: ControlServerConfiguration(endpoint: .path(path), authorization: ControlAuthorization(adminGroup: nil)),
                handler: RecordingHandler(), logger: Logger(label: "test"))
            let error = await #expect(throws: ControlServerError.self) { _ = try await second.bind() }
            #expect(error?.code == .alreadyRunning)
            #expect(error?.message == "another daemon is listening on \(path)")
        }

        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // A stale socket: bound, never listened on, left behind.
        let stale = directory + "/stale.sock"
        let fd = try listeningSocket(path: stale, listen: false)
        close(fd)
        #expect(access(stale, F_OK) == 0)
        let server = ControlServer(
            configuration: ControlServerConfiguration(endpoint: .path(stale), authorization: ControlAuthorization(adminGroup: nil)),
            handler: RecordingHandler(), logger: Logger(label: "test"))
        let listener = try await server.bind()
        let task = Task { try await server.serve(listener) }
        #expect(try await offPool { try ControlClient(socketPath: stale, timeout: testTimeout).status().pid } == 42)
        task.cancel()
        _ = await task.result

        let regular = directory + "/not-a-socket"
        _ = FileManager.default.createFile(atPath: regular, contents: Data("keep".utf8))
        let third = ControlServer(
            configuration: ControlServerConfiguration(endpoint: .path(regular), authorization: ControlAuthorization(adminGroup: nil)),
            handler: RecordingHandler(), logger: Logger(label: "test"))
        let occupied = await #expect(throws: ControlServerError.self) { _ = try await third.bind() }
        #expect(occupied?.code == .pathOccupied)
        #expect(FileManager.default.contents(atPath: regular) == Data("keep".utf8))
    }

    @Test func adoptsAListeningSocket() async throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/activated.sock"
        let fd = try listeningSocket(path: path, listen: true)
        let server = ControlServer(
            configuration: ControlServerConfiguration(endpoint: .listeningSocket(fd), authorization: ControlAuthorization(adminGroup: nil)),
            handler: RecordingHandler(), logger: Logger(label: "test"))
        let listener = try await server.bind()
        #expect(listener.ownedPath == nil)
        let task = Task { try await server.serve(listener) }
        #expect(try await offPool { try ControlClient(socketPath: path, timeout: testTimeout).status().pid } == 42)
        task.cancel()
        _ = await task.result
        // The socket file belongs to whoever passed the fd (systemd): it stays.
        #expect(access(path, F_OK) == 0)
    }

    @Test func unreachableDaemonIsReportedAsSuch() async throws {
        let error = await #expect(throws: ControlClientError.self) {
            try await offPool { try ControlClient(socketPath: "/nonexistent/almanac.sock", timeout: testTimeout).status() }
        }
        guard case .unreachable(let path, let reason)? = error else { Issue.record("\(String(describing: error))"); return }
        #expect(path == "/nonexistent/almanac.sock")
        #expect(reason == "No such file or directory")
    }
}

/// Waits until `condition` holds, checking it again at each change of the server's connections.
func waitUntil(_ what: String, on server: ControlServer, _ condition: @escaping @Sendable () -> Bool) async throws {
    try await waitFor(what, changes: server.connectionChanges(), condition)
}

/// A Unix stream socket bound to `path`, listening or not (as a crashed daemon leaves it).
func listeningSocket(path: String, listen shouldListen: Bool) throws -> CInt {
    let fd = socket(AF_UNIX, CInt(SOCK_STREAM.rawValue), 0)
    var address = sockaddr_un()
    address.sun_family = sa_family_t(AF_UNIX)
    withUnsafeMutableBytes(of: &address.sun_path) { raw in
        let bytes = Array(path.utf8)
        raw.copyBytes(from: bytes)
        raw[bytes.count] = 0
    }
    let bound = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
    }
    guard bound == 0, !shouldListen || listen(fd, 16) == 0 else {
        close(fd)
        throw POSIXError(.EADDRINUSE)
    }
    return fd
}
