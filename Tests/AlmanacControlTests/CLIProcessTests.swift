import AlmanacCalendar
import AlmanacControl
import AlmanacTestSupport
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The almanacctl binary built beside the test bundle (`swift build` builds it; scripts/test.sh
/// runs that first).
func almanacctlPath() throws -> String {
    let beside = (CommandLine.arguments[0] as NSString).deletingLastPathComponent + "/almanacctl"
    guard FileManager.default.isExecutableFile(atPath: beside) else {
        throw POSIXError(.ENOENT)
    }
    return beside
}

struct CLIResult {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// Runs almanacctl with a fixed time zone and no colour, optionally as another user.
func almanacctl(_ arguments: [String], as user: String? = nil, environment extra: [String: String] = [:]) throws -> CLIResult {
    let binary = try almanacctlPath()
    let arguments = arguments.contains("--timeout") ? arguments : arguments + ["--timeout", "300"]
    var environment = ProcessInfo.processInfo.environment
    environment["TZ"] = "Asia/Shanghai"
    environment["ALMANAC_SOCKET"] = nil
    for (key, value) in extra { environment[key] = value }
    let result: SpawnResult
    if let user {
        result = try spawnAndWait(
            "/usr/bin/setpriv", ["--reuid=\(user)", "--regid=\(user)", "--clear-groups", binary] + arguments,
            environment: environment)
    } else {
        result = try spawnAndWait(binary, arguments, environment: environment)
    }
    return CLIResult(status: result.status, stdout: result.stdout, stderr: result.stderr)
}

@Suite struct CLIProcessTests {
    @Test func statusHumanAndJSON() async throws {
        try await withServer { path, _, _ in
            let human = try await offPool { try almanacctl(["status", "--socket", path]) }
            #expect(human.status == 0)
            let lines = human.stdout.split(separator: "\n").map(String.init)
            #expect(lines.count == 5)
            #expect(lines.first?.hasPrefix("守护进程  almanacd test，pid 42，running，已运行 ") == true)
            #expect(lines.first?.hasSuffix("（2027-01-15 16:00 启动）") == true)
            #expect(Array(lines.dropFirst()) == [
                "工作安排  未加载（almanacctl reload 查看错误）", "已发提醒  3", "待发邮件  1", "逾期事项  0",
            ])

            // --socket before the subcommand works as after it, and wins over $ALMANAC_SOCKET.
            let before = try await offPool {
                try almanacctl(["--socket", path, "status"], environment: ["ALMANAC_SOCKET": path + ".missing"])
            }
            #expect(before.status == 0, "\(before.stderr)")
            #expect(before.stdout == human.stdout)
            let equals = try await offPool { try almanacctl(["--socket=\(path)", "status"]) }
            #expect(equals.stdout == human.stdout)
            let after = try await offPool { try almanacctl(["--socket", path + ".missing", "status", "--socket", path]) }
            #expect(after.status == 0, "\(after.stderr)")

            // $ALMANAC_SOCKET names the socket when --socket is absent.
            let json = try await offPool { try almanacctl(["status", "--json"], environment: ["ALMANAC_SOCKET": path]) }
            #expect(json.status == 0)
            #expect(json.stdout == """
                {
                  "outboxPending" : 1,
                  "overdue" : 0,
                  "pid" : 42,
                  "problems" : [

                  ],
                  "remindersSent" : 3,
                  "startedAt" : "2027-01-15T08:00:00Z",
                  "state" : "running",
                  "version" : "test"
                }

                """)
        }
    }

    @Test func changesPrintWhatWasRecorded() async throws {
        try await withServer { path, handler, _ in
            let ack = try await offPool { try almanacctl(["ack", "qingming@2027-04-05", "--socket", path]) }
            #expect(ack.status == 0)
            #expect(ack.stdout == "已确认 qingming@2027-04-05，uid \(getuid())，2027-01-15 16:00\n")

            let done = try await offPool { try almanacctl(["done", "flag-salute@2027-09-20", "--note", "签字寄语 120 份", "--english", "--socket", path]) }
            #expect(done.stdout == "marked flag-salute@2027-09-20 done (note: 签字寄语 120 份), by uid \(getuid()) at 2027-01-15 16:00\n")

            let snooze = try await offPool { try almanacctl(["snooze", "a@2027-04-05", "--until", "2027-04-10", "--json", "--socket", path]) }
            #expect(snooze.status == 0)
            #expect(snooze.stdout.contains(#""snoozedUntil" : "2027-04-09T16:00:00Z""#))

            let progress = try await offPool { try almanacctl(["progress", "civilized-city@2027-08-10", "3.2", "--socket", path]) }
            #expect(progress.status == 0)
            #expect(handler.recorded.map(\.command) == [
                .ack(OccurrenceRef(parsing: "qingming@2027-04-05")!),
                .done(DoneRequest(OccurrenceRef(parsing: "flag-salute@2027-09-20")!, note: "签字寄语 120 份")),
                .snooze(SnoozeRequest(OccurrenceRef(parsing: "a@2027-04-05")!, until: Date(timeIntervalSince1970: 1_807_286_400))),
                .progress(ProgressRequest(OccurrenceRef(parsing: "civilized-city@2027-08-10")!, entry: "3.2")),
            ])
        }
    }

    @Test func readCommandsSendTheirArguments() async throws {
        try await withServer { path, handler, _ in
            let agenda = try await offPool {
                try almanacctl(["todo", "--from", "2027-04-01", "--days", "7", "--unit", "wmb", "--json", "--socket", path])
            }
            #expect(agenda.status == 0)
            #expect(agenda.stdout == "{\n  \"entries\" : [\n\n  ],\n  \"from\" : \"2027-04-01\",\n  \"to\" : \"2027-04-05\"\n}\n")
            let next = try await offPool { try almanacctl(["next", "--limit", "5", "--english", "--socket", path]) }
            #expect(next.stdout == "No reminders due.\n")
            #expect(handler.recorded.map(\.command) == [
                .agenda(AgendaQuery(from: CivilDate(iso: "2027-04-01")!, days: 7, unit: "wmb")), .next(NextQuery(limit: 5)),
            ])
        }
    }

    @Test func serverErrorsExitWithOneAndNotFoundWithSix() async throws {
        try await withServer { path, _, _ in
            let missing = try await offPool { try almanacctl(["ack", "missing@2027-04-05", "--socket", path]) }
            #expect(missing.status == 6)
            #expect(missing.stderr == "almanacctl: no item 'missing' in the plan [not_found]\n")
            #expect(missing.stdout == "")

            let reload = try await offPool { try almanacctl(["reload", "--socket", path]) }
            #expect(reload.status == 1)
            #expect(reload.stderr == """
                almanacctl: the plan has 1 error; the old plan stays in force [invalid_plan]
                plans/a.yaml:13:9: error: duplicate item id 'qingming' (first defined at plans/a.yaml:5:9)

                """)

            let json = try await offPool { try almanacctl(["history", "--json", "--socket", path]) }
            #expect(json.status == 1)
            #expect(json.stdout == """
                {
                  "error" : {
                    "code" : "internal",
                    "message" : "'history' failed inside the daemon; see its journal"
                  }
                }

                """)
        }
    }

    @Test func unreachableDaemonExitsWithThree() async throws {
        let result = try await offPool { try almanacctl(["status", "--english", "--socket", "/nonexistent/control.sock"]) }
        #expect(result.status == 3)
        #expect(result.stderr == "almanacctl: cannot reach almanacd at /nonexistent/control.sock: No such file or directory (is it running? --socket or $ALMANAC_SOCKET name another socket)\n")
    }

    /// The command line itself is wrong: a missing argument, options that exclude each other.
    @Test(arguments: [["ack"], ["todo", "--days", "3", "--to", "2027-01-01"], ["status", "--bogus"]])
    func usageErrorsExitWith64(arguments: [String]) async throws {
        let result = try await offPool { try almanacctl(arguments + ["--socket", "/nonexistent/control.sock"]) }
        #expect(result.status == 64)
        #expect(result.stderr.hasPrefix("Error: "))
    }

    /// A value the command cannot accept exits 1 with a message, before any daemon is asked
    /// (docs/cli.md, "Errors and exit status").
    @Test(arguments: [
        (["ack", "a@2027-02-30"], "error: the value 'a@2027-02-30' is invalid for '<ITEM[@DATE]>'\nhint: <ITEM[@DATE]>: The occurrence: ITEM or ITEM@YYYY-MM-DD.\n"),
        (["snooze", "a", "--until", "soon"], "error: --until 'soon' is not a time: use YYYY-MM-DD, 'YYYY-MM-DD HH:MM', tomorrow or +3d\n"),
        (["status", "--timeout", "0"], "error: --timeout must be more than 0 and at most 3600 seconds, not 0.0\n"),
        (["todo", "--from", "2027-05-01", "--to", "2027-04-01"], "error: --to 2027-04-01 is before --from 2027-05-01\n"),
        (["todo", "--days", "0"], "error: --days must be between 1 and 3660, not 0\n"),
        (["next", "--limit", "x"], "error: the value 'x' is invalid for '--limit <limit>'\nhint: --limit <limit>: At most this many reminders.\n"),
        (["cal", "2027-13"], "error: '2027-13' is not a month: months are 01 to 12\n"),
    ])
    func badValuesExitWith1(arguments: [String], message: String) async throws {
        let result = try await offPool { try almanacctl(arguments + ["--socket", "/nonexistent/control.sock"]) }
        #expect(result.status == 1)
        #expect(result.stderr == message)
    }

    @Test(.enabled(if: canSwitchUsers, "needs root and the users from scripts/prereqs.sh ensure_test_users"))
    func unprivilegedUserIsRefusedWithFour() async throws {
        try await withServer(configure: { $0.socketMode = 0o666 }) { path, _, _ in
            let user = try #require(localUser("almanac-test"))
            let status = try await offPool { try almanacctl(["status", "--json", "--socket", path], as: "almanac-test") }
            #expect(status.status == 0)
            let done = try await offPool { try almanacctl(["done", "qingming@2027-04-05", "--socket", path], as: "almanac-test") }
            #expect(done.status == 4)
            #expect(done.stderr == "almanacctl: 'done' changes state and needs root or the admin group: uid \(user.uid) (almanac-test) is neither root nor a member of the admin group 'almanac-test-admins' [unauthorized]\nalmanacctl: 以 root 运行（sudo almanacctl …），或加入守护进程的管理组（admin_group）后重新登录\n")
            let admin = try await offPool { try almanacctl(["done", "qingming@2027-04-05", "--json", "--socket", path], as: "almanac-test-admin") }
            #expect(admin.status == 0)
        }
    }
}

/// almanacctl whose reader has gone (`almanacctl … | head`, a harness that stopped reading):
/// it ends quietly with status 74 (EX_IOERR), never with a signal. Before the one writer
/// (`StandardStream`) it died of SIGILL (status 132) on standard error, in Foundation's
/// `FileHandle.write`, whenever SIGPIPE was ignored, as it is in every child of this process.
@Suite struct ReaderGoneTests {
    static let cases: [(arguments: [String], descriptor: CInt)] = [
        (["convert", "2026-05-01"], 1),  // output through print
        (["festivals", "2026", "--json"], 1),  // JSON output
        (["convert", "2026-02-30"], 2),  // a value error on standard error
        (["status", "--socket", "/nonexistent/control.sock"], 2),  // no daemon: the error that trapped
    ]

    @Test(arguments: cases.indices, [false, true])
    func exitsWithIOErrorNotASignal(index: Int, defaultSIGPIPE: Bool) throws {
        let (arguments, descriptor) = Self.cases[index]
        var environment = ProcessInfo.processInfo.environment
        environment["TZ"] = "Asia/Shanghai"
        environment["ALMANAC_SOCKET"] = nil
        if !defaultSIGPIPE { signal(SIGPIPE, SIG_IGN) }  // what SwiftNIO does in this process
        let status = try spawnWithReaderGone(
            try almanacctlPath(), arguments, environment: environment, descriptor: descriptor, defaultSIGPIPE: defaultSIGPIPE)
        #expect(status == 74, "almanacctl \(arguments.joined(separator: " ")) with fd \(descriptor) closed")
    }
}
