import AlmanacCalendar
import AlmanacControl
import AlmanacPlan
import Dispatch
import Foundation
import Logging
import AlmanacTestSupport
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
    /// Whether `status` is answered at once (on the event loop), as the daemon's handler does.
    let immediateStatus: Bool
    let immediateCalls = Mutex(0)

    init(immediateStatus: Bool = false) {
        self.immediateStatus = immediateStatus
    }

    /// How many `status` requests were answered at once, without `handle`.
    var immediateAnswers: Int { immediateCalls.withLock { $0 } }
    /// A: 公共环境整治 (wmb) with; B: 公共秩序整治 (zz).
    static let checklist = Checklist(
        id: Located("city"), title: Located("创城复检"), item: Located("materials"), indicators: [
            Indicator(code: Located("A"), title: Located("公共环境整治"), owner: Located("wmb"), children: [
                Indicator(code: Located("A-1"), title: Located("道路净化"), evidence: Located(3)),
                Indicator(code: Located("A-2"), title: Located("绿化"), evidence: Located(2)),
            ]),
            Indicator(code: Located("B"), title: Located("公共秩序整治"), owner: Located("zz")),
        ])
    static let epoch = Date(timeIntervalSince1970: 1_800_000_000)

    var recorded: [Call] { calls.withLock { $0 } }

    func immediateResult(for command: ControlCommand) -> ControlResult? {
        guard immediateStatus, case .status = command else { return nil }
        immediateCalls.withLock { $0 += 1 }
        return .status(Self.status)
    }

    static let status = StatusReport(
        version: "test", pid: 42, state: "running", startedAt: epoch, plan: nil,
        remindersSent: 3, outboxPending: 1, overdue: 0)

    func handle(_ command: ControlCommand, from peer: ControlPeer) async throws -> ControlResult {
        calls.withLock { $0.append(Call(command: command, uid: peer.uid)) }
        let date = CivilDate(year: 2027, month: 4, day: 5)!
        switch command {
        case .status:
            return .status(Self.status)
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
        case .cal, .show, .explain:
            throw ControlError(.notFound, "no item in this test handler's plan")
        case .outbox, .outboxRetry:
            return .outbox(OutboxReport(entries: [], counts: ["queued": 0, "failed": 0, "sent": 0]))
        case .sendTest(let request):
            return .sendTest(SendTestReport(unit: request.unit, results: [
                SendTestResult(channel: "mail", destination: "wmb@example.org", ok: true, detail: "accepted by outbox"),
            ]))
        case .checklist(let query):
            let checklist = Self.checklist
            let progress = ["A-1": IndicatorProgress(code: "A-1", status: .submitted, evidence: 3, note: "已报")]
            return .checklist(ChecklistReport(unit: query.unit, checklists: [ChecklistView(
                summary: ChecklistSummary(checklist, progress: progress), occurrence: "materials@2027-08-10",
                deadline: CivilDate(year: 2027, month: 8, day: 10), unitNames: ["wmb": "区文明办", "zz": "区综合治理办"],
                indicators: ChecklistView.lines(checklist, progress: progress, unit: query.unit))]))
        case .progressSet(let request):
            let row = ProgressRow(row: 0, code: request.code, status: request.status, evidence: request.evidence, note: request.note)
            let progress = [request.code: IndicatorProgress(code: request.code, status: request.status, evidence: request.evidence)]
            return .progressRecorded(ProgressReport(
                checklist: "city", occurrence: "materials@2027-08-10", recorded: [row], uid: peer.uid, at: Self.epoch,
                summary: ChecklistSummary(Self.checklist, progress: progress)))
        case .progressImport(let request):
            throw ControlError(.badRequest, "\(request.file): 1 error; nothing recorded", diagnostics: [
                Diagnostic(.error, "row 3: no indicator 'X' in checklist 'city'", at: SourceLocation(file: request.file, line: 3, column: 1))
            ])
        }
    }
}

/// How long test clients wait for an answer. Generous: other suites in the same process block
/// cooperative threads (which also run the server's connection tasks) for seconds at a time.
let testTimeout: Duration = .seconds(300)

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
    handler: RecordingHandler = RecordingHandler(),
    _ body: @Sendable (String, RecordingHandler, ControlServer) async throws -> Void
) async throws {
    let directory = try makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let path = directory + "/control.sock"
    var configuration = ControlServerConfiguration(
        endpoint: .path(path), authorization: ControlAuthorization(adminGroup: "almanac-test-admins"))
    // The idle timer runs on the event loop while connection tasks wait for the cooperative pool;
    // in a full parallel test run on a loaded machine that wait has exceeded the default 30 s and
    // turned answers into idle_timeout. Only the idle test itself wants a short timeout.
    configuration.idleTimeout = .seconds(600)
    configuration.firstRequestTimeout = .seconds(600)
    configure(&configuration)
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
        var timeout = timeval(tv_sec: 300, tv_usec: 0)
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
