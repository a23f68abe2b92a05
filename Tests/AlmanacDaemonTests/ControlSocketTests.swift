import AlmanacCalendar
import AlmanacControl
import AlmanacHost
import AlmanacStore
import AlmanacTestSupport
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
    let result = try spawnAndWait(binary, arguments + ["--timeout", "300"], environment: environment)
    return (result.status, result.stdout, result.stderr)
}

@Suite("control socket against the daemon")
struct ControlSocketTests {
    /// The daemon's handler behind a real control server, in process, on the sandbox's socket.
    func withDaemonServer(_ body: @Sendable (Sandbox, String, DaemonController) async throws -> Void) async throws {
        let sandbox = try Sandbox()
        defer { sandbox.cleanup() }
        let configuration = try sandbox.configuration()
        // The controller and the scheduler in process, on the clock of now (a manual one).
        let daemon = try await InProcessDaemon(configuration: configuration, at: Date())
        let controller = daemon.controller
        let server = DaemonControlHandler.makeServer(controller: controller, listeningSocket: nil, logger: quietLogger)
        let listener = try await server.bind()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await server.serve(listener) }
            defer { group.cancelAll() }
            try await body(sandbox, configuration.controlSocket, controller)
        }
        await daemon.stop()
    }

    @Test func statusAgendaMarksAndHistory() async throws {
        try await withDaemonServer { sandbox, socket, _ in
            let client = ControlClient(socketPath: socket, timeout: .seconds(300))
            let status = try await offPool { try client.status() }
            #expect(status.plan?.name == "扎赉诺尔区精神文明建设工作安排")
            #expect(status.plan?.items == 2)
            #expect(status.state == "running")
            #expect(status.pid == getpid())
            #expect(status.remindersSent == 0)
            #expect(status.outboxPending == 0)

            let september = try await offPool {
                try client.agenda(AgendaQuery(from: CivilDate(iso: "2027-09-01"), days: 30))
            }
            #expect(september.entries.map(\.item) == ["flag-salute"])
            #expect(september.entries.first?.date == CivilDate(iso: "2027-09-20"))
            #expect(september.entries.first?.endDate == CivilDate(iso: "2027-10-10"))
            #expect(september.entries.first?.title == "向国旗敬礼")
            #expect(september.entries.first?.owners == ["wmb"])
            #expect(september.entries.first?.state == .open)
            #expect(september.entries.first?.lunar == "八月二十")
            let festivals = try await offPool {
                try client.agenda(AgendaQuery(from: CivilDate(iso: "2027-09-01"), to: CivilDate(iso: "2027-09-30"), kind: "festival"))
            }
            #expect(festivals.entries.isEmpty)

            let done = try await offPool {
                try client.done(DoneRequest(OccurrenceRef(parsing: "flag-salute@2027-09-20")!, note: "签字寄语 120 份"))
            }
            #expect(done.state == .done)
            #expect(done.uid == getuid())
            let after = try await offPool {
                try client.agenda(AgendaQuery(from: CivilDate(iso: "2027-09-20"), days: 1))
            }
            #expect(after.entries.first?.state == .done)
            #expect(after.entries.first?.note == "签字寄语 120 份")

            let history = try await offPool { try client.history(HistoryQuery(item: "flag-salute")) }
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
            let client = ControlClient(socketPath: socket, timeout: .seconds(300))
            for (ref, message) in [
                ("nosuch@2027-04-05", "no item 'nosuch' in the plan"),
                ("flag-salute@2027-09-21", "'flag-salute' has no occurrence starting on 2027-09-21"),
            ] {
                let error = await #expect(throws: ControlClientError.self) {
                    try await offPool { try client.ack(OccurrenceRef(parsing: ref)!) }
                }
                guard case .server(let serverError)? = error else { Issue.record("\(String(describing: error))"); continue }
                #expect(serverError == ControlError(.notFound, message))
            }
        }
    }

    @Test func reloadReportsDiagnosticsAndKeepsThePlan() async throws {
        try await withDaemonServer { sandbox, socket, controller in
            try sandbox.write("plans/a.yaml", Sandbox.brokenPlan)
            let result = try await offPool { try runAlmanacctl(["reload", "--socket", socket]) }
            #expect(result.status == 1)
            #expect(result.stderr.hasPrefix("almanacctl: the plan has 1 error; the old plan stays in force [invalid_plan]\n"))
            #expect(result.stderr.contains("plans/a.yaml:14:9: error: duplicate item id 'qingming'"))
            #expect(controller.inForce?.plan.items.count == 2)

            try sandbox.write("plans/a.yaml", Sandbox.biggerPlan)
            let good = try await offPool { try runAlmanacctl(["reload", "--english", "--socket", socket]) }
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
        // Hang guards only: READY=1 is the signal waited for, however long a loaded machine takes.
        let ready = await notify.awaitReceive(until: "READY=1", timeout: 300)
        try #require(ready.last?.hasPrefix("READY=1") == true)
        let socket = sandbox.root + "/run/control.sock"

        var info = stat()
        #expect(lstat(socket, &info) == 0)
        #expect(info.st_mode & 0o777 == 0o660)

        let status = try await offPool { try runAlmanacctl(["status", "--json", "--socket", socket]) }
        #expect(status.status == 0)
        #expect(status.stdout.contains(#""pid" : \#(pid)"#))
        #expect(status.stdout.contains(#""name" : "扎赉诺尔区精神文明建设工作安排""#))

        let agenda = try await offPool {
            try runAlmanacctl(["todo", "--from", "2027-09-01", "--days", "30", "--english", "--socket", socket])
        }
        #expect(agenda.status == 0)
        #expect(agenda.stdout.split(separator: "\n").count == 2)
        #expect(agenda.stdout.contains("2027-09-20 Mon 八月二十 – 2027-10-10"))

        let ack = try await offPool { try runAlmanacctl(["ack", "flag-salute@2027-09-20", "--json", "--socket", socket]) }
        #expect(ack.status == 0)
        #expect(ack.stdout.contains(#""state" : "acknowledged""#))

        // Malformed JSON, an unknown command and a 10 MB line: error replies, the daemon goes on.
        let replies = try await offPool { () -> [String] in
            let connection = try ControlConnection(path: socket, timeout: .seconds(300))
            let bad = String(decoding: try connection.roundTrip(line: Array("{oops\n".utf8)), as: UTF8.self)
            let unknown = String(decoding: try connection.roundTrip(line: Array(#"{"v":1,"id":9,"cmd":"explode"}"#.utf8) + [10]), as: UTF8.self)
            let big = try ControlConnection(path: socket, timeout: .seconds(300))
            let huge = [UInt8](repeating: UInt8(ascii: "x"), count: 10 * 1024 * 1024) + [10]
            let tooLarge = (try? big.roundTrip(line: huge)).map { String(decoding: $0, as: UTF8.self) } ?? "closed"
            return [bad, unknown, tooLarge]
        }
        #expect(replies[0].contains(#""code":"bad_request""#))
        #expect(replies[1] == #"{"error":{"code":"unknown_command","message":"unknown command 'explode' (known: status, reload, agenda, next, ack, done, progress, snooze, history, cal, show, explain, checklist, progress-set, progress-import, outbox, outbox-retry, send-test)"},"id":9,"ok":false,"v":1}"#)
        #expect(replies[2].contains(#""code":"too_large""#) || replies[2] == "closed")
        let still = try await offPool { try runAlmanacctl(["history", "flag-salute", "--json", "--socket", socket]) }
        #expect(still.status == 0)
        #expect(still.stdout.contains(#""event" : "acknowledged""#))

        kill(pid, SIGTERM)
        let status15 = await waitForChild(pid, timeout: .seconds(150))
        exited = status15 != nil
        #expect(status15 == 0)
        #expect(!FileManager.default.fileExists(atPath: socket))
    }
}
