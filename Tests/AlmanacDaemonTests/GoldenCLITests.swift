import AlmanacCalendar
import AlmanacControl
import AlmanacStore
import AlmanacTestSupport
import Foundation
import Glibc
import Testing

@testable import AlmanacDaemon

/// almanacctl against the real daemon over a real Unix socket: every daemon command, human and
/// JSON output and errors, compared byte for byte with the files in `Golden/`.
///
/// The daemon's controller and control server run in process with a fixed clock; almanacctl runs
/// as a child process with `ALMANAC_NOW` set to the same instant, so relative dates are stable.
/// The plan is `Golden/plan.yaml`, the holiday tables the checkout's `config/holidays`.
/// Regenerate after an intended change with
/// `ALMANAC_UPDATE_GOLDEN=1 swift test --filter GoldenCLITests` and review the diff.
@Suite("almanacctl golden output against the daemon")
struct GoldenCLITests {
    /// 2026-09-15 09:00 in Beijing, a Tuesday.
    static let nowText = "2026-09-15T01:00:00Z"

    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")
    static let checkout = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// The cases, run in this order against one daemon (the changes affect later cases).
    static let cases: [(name: String, arguments: [String])] = [
        ("status", ["status"]),
        ("status-json", ["status", "--json"]),
        ("agenda", ["agenda", "--from", "2026-09-10", "--days", "14"]),
        ("agenda-english", ["agenda", "--from", "2026-09-10", "--days", "14", "--english"]),
        ("agenda-default-range", ["agenda", "--kind", "campaign"]),
        ("todo-unit-json", ["todo", "--from", "2026-09-01", "--to", "2026-09-30", "--unit", "whjc", "--json"]),
        ("agenda-empty", ["agenda", "--from", "2026-12-01", "--days", "3", "--kind", "deadline"]),
        ("cal", ["cal"]),
        ("cal-lunar-english", ["cal", "2026-10", "--lunar", "--english"]),
        ("cal-json", ["cal", "2026-10", "--json"]),
        ("show", ["show", "flag-salute"]),
        ("show-phase-english", ["show", "art-festival/opening", "--english"]),
        ("show-json", ["show", "civilized-city-materials", "--json"]),
        ("explain", ["explain", "flag-salute", "2026-09-25"]),
        ("explain-current-english", ["explain", "civilized-city-materials", "--english"]),
        ("explain-between", ["explain", "mid-autumn", "2026-11-01", "--item"]),
        ("explain-rule-offline", ["explain", "mid-autumn", "2026-11-01"]),
        ("explain-json", ["explain", "mid-autumn", "--json"]),
        ("ack", ["ack", "civilized-city-materials"]),
        ("done", ["done", "flag-salute@2026-09-20", "--note", "签字寄语 120 份"]),
        ("snooze-json", ["snooze", "mid-autumn", "--until", "2026-09-20", "--json"]),
        ("agenda-after-changes", ["agenda", "--from", "2026-09-10", "--days", "14"]),
        ("history", ["history"]),
        ("history-item-json", ["history", "flag-salute", "--json", "--english"]),
        ("explain-with-history", ["explain", "flag-salute", "2026-09-25", "--english"]),
        ("reload", ["reload"]),
        ("reload-json", ["reload", "--json"]),
        ("error-show-unknown-item", ["show", "flag-salut"]),
        ("error-ack-no-occurrence", ["ack", "flag-salute@2026-09-21"]),
        ("error-explain-json", ["explain", "nosuch", "--json"]),
        ("error-agenda-unknown-unit", ["agenda", "--unit", "nobody"]),
        ("error-agenda-unknown-kind", ["agenda", "--kind", "picnic", "--english"]),
        ("error-cal-usage", ["cal", "2026-13"]),
        ("error-unreachable", ["status", "--english", "--socket", "/nonexistent/almanac.sock"]),
        ("error-unreachable-json", ["agenda", "--json", "--socket", "/nonexistent/almanac.sock"]),
        ("done-deadline", ["done", "civilized-city-materials@2026-09-10"]),
        ("explain-nothing-open", ["explain", "civilized-city-materials", "--english"]),
        // The same views offline, from the plan file: no daemon, no state.
        ("offline-agenda", ["agenda", "--plan", "$GOLDEN/plan.yaml", "--holidays", "$HOLIDAYS", "--from", "2026-09-10", "--days", "14"]),
        ("offline-cal", ["cal", "2026-10", "--plan", "$GOLDEN/plan.yaml", "--holidays", "$HOLIDAYS"]),
        ("offline-show", ["show", "flag-salute", "--plan", "$GOLDEN/plan.yaml", "--holidays", "$HOLIDAYS"]),
        ("offline-explain-item", ["explain", "flag-salute", "2026-09-25", "--plan", "$GOLDEN/plan.yaml", "--holidays", "$HOLIDAYS", "--english"]),
    ]

    @Test func everyDaemonCommandMatchesItsGoldenFile() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.cleanup() }
        try sandbox.write("plans/a.yaml", String(contentsOf: Self.directory.appendingPathComponent("plan.yaml"), encoding: .utf8))
        try sandbox.write(
            "almanac.yaml",
            "plans: plans/*.yaml\nstate_directory: lib\nruntime_directory: run\nshutdown_timeout: 5s\n"
                + "holidays: \(Self.checkout.path)/config/holidays\n")
        let now = try Date.ISO8601FormatStyle().parse(Self.nowText)
        let configuration = try sandbox.configuration()
        // The daemon in process on a fixed clock: the controller, the scheduler, the control server.
        let daemon = try await InProcessDaemon(configuration: configuration, at: now)
        let server = DaemonControlHandler.makeServer(controller: daemon.controller, listeningSocket: nil, logger: quietLogger)
        let listener = try await server.bind()
        let socket = configuration.controlSocket
        let update = ProcessInfo.processInfo.environment["ALMANAC_UPDATE_GOLDEN"] == "1"
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await server.serve(listener) }
            defer { group.cancelAll() }
            for (name, arguments) in Self.cases {
                let output = try await offPool { try Self.run(arguments, socket: socket, sandbox: sandbox.root) }
                let file = Self.directory.appendingPathComponent(name + ".txt")
                if update {
                    try output.write(to: file, atomically: true, encoding: .utf8)
                    continue
                }
                let expected = try? String(contentsOf: file, encoding: .utf8)
                #expect(
                    output == expected,
                    "\(name): almanacctl output differs from Golden/\(name).txt (ALMANAC_UPDATE_GOLDEN=1 regenerates):\n\(output)")
            }
        }
        await daemon.stop()
        // No golden file without a case: a renamed case must not leave a stale file behind.
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.directory.path).filter { $0.hasSuffix(".txt") }
        #expect(Set(files) == Set(Self.cases.map { $0.name + ".txt" }))
    }

    /// Runs almanacctl and writes what it did as the golden text: the command line, standard
    /// output, then standard error and the exit status when there are any. Values that differ
    /// from run to run (sandbox path, pid, uid, version) are replaced by names.
    static func run(_ arguments: [String], socket: String, sandbox: String) throws -> String {
        let binary = (CommandLine.arguments[0] as NSString).deletingLastPathComponent + "/almanacctl"
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            throw ProcessTestError("almanacctl is not built at \(binary); run `swift build` first")
        }
        var environment = ProcessInfo.processInfo.environment
        environment["TZ"] = "Asia/Shanghai"
        environment["ALMANAC_NOW"] = nowText
        environment["ALMANAC_SOCKET"] = nil
        environment["NO_COLOR"] = nil
        let holidays = checkout.appendingPathComponent("config/holidays").path
        let expanded = arguments.map {
            $0.replacingOccurrences(of: "$GOLDEN", with: directory.path).replacingOccurrences(of: "$HOLIDAYS", with: holidays)
        }
        let full = expanded + (arguments.contains("--socket") ? [] : ["--socket", socket]) + ["--timeout", "300"]
        // Run once: a crash is almanacctl's output like any other and fails the comparison.
        let result = try spawnAndWait(binary, full, environment: environment)
        var text = "$ almanacctl " + arguments.map { $0.contains(" ") ? "'\($0)'" : $0 }.joined(separator: " ") + "\n"
        text += result.stdout
        if !result.stderr.isEmpty { text += "--- stderr\n" + result.stderr }
        if result.status != 0 { text += "--- exit \(result.status)\n" }
        let pid = getpid()
        let uid = getuid()
        let replacements: [(String, String)] = [
            (sandbox, "$SANDBOX"), (directory.path, "$GOLDEN"), (holidays, "$HOLIDAYS"), ("pid \(pid)", "pid $PID"), ("\"pid\" : \(pid)", "\"pid\" : $PID"),
            ("uid \(uid)", "uid $UID"), ("\"uid\" : \(uid)", "\"uid\" : $UID"),
            ("almanacd \(AlmanacVersion.current)", "almanacd $VERSION"),
            ("\"version\" : \"\(AlmanacVersion.current)\"", "\"version\" : \"$VERSION\""),
        ]
        for (value, name) in replacements { text = text.replacingOccurrences(of: value, with: name) }
        return text
    }
}
