import AlmanacCalendar
import AlmanacControl
import AlmanacHost
import AlmanacStore
import AlmanacTestSupport
import Foundation
import Glibc
import Testing

@testable import AlmanacDaemon

/// One expansion, one set of views: `agenda`, `cal`, `show` and `explain` of a plan read offline
/// (`almanacctl --plan`) and answered by a running daemon (controller, scheduler and control server
/// in process, on a fixed clock) are byte for byte the same, for humans and in JSON. With the sample
/// plan and with a generated 10,000-item plan (scripts/generate-plan.py).
@Suite("views offline and from the daemon", .serialized)
struct ViewParityTests {
    static let checkout = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    /// 2026-09-15 00:30 in Beijing: no reminder falls due at this instant, so the daemon's records
    /// are empty, as offline.
    static let nowText = "2026-09-14T16:30:00Z"

    /// Runs almanacctl; the text compared: stdout, then stderr and the exit status.
    static func run(_ arguments: [String]) throws -> String {
        let binary = (CommandLine.arguments[0] as NSString).deletingLastPathComponent + "/almanacctl"
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            throw ProcessTestError("almanacctl is not built at \(binary); run `swift build` first")
        }
        var environment = ProcessInfo.processInfo.environment
        environment["TZ"] = "Asia/Shanghai"
        environment["ALMANAC_NOW"] = nowText
        environment["ALMANAC_SOCKET"] = nil
        environment["ALMANAC_HOLIDAYS"] = nil
        environment["NO_COLOR"] = "1"
        let result = try spawnAndWait(binary, arguments + ["--timeout", "600"], environment: environment)
        return result.stdout + (result.stderr.isEmpty ? "" : "--- stderr\n" + result.stderr) + "--- exit \(result.status)\n"
    }

    /// Every view of `cases`, against the daemon on `planDirectory` and offline on the same files.
    func compare(planDirectory: String, cases: [[String]]) async throws {
        let sandbox = try Sandbox()
        defer { sandbox.cleanup() }
        let holidays = Self.checkout.appendingPathComponent("config/holidays").path
        try sandbox.write(
            "almanac.yaml",
            "plans: \(planDirectory)\nstate_directory: lib\nruntime_directory: run\nshutdown_timeout: 5s\nholidays: \(holidays)\n")
        let configuration = try sandbox.configuration()
        let now = try #require(SystemClock.parse(Self.nowText))
        let daemon = try await InProcessDaemon(configuration: configuration, at: now)
        let server = DaemonControlHandler.makeServer(controller: daemon.controller, listeningSocket: nil, logger: quietLogger)
        let listener = try await server.bind()
        let socket = configuration.controlSocket
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await server.serve(listener) }
            defer { group.cancelAll() }
            for arguments in cases {
                let online = try await offPool { try Self.run(arguments + ["--socket", socket]) }
                let offline = try await offPool { try Self.run(arguments + ["--plan", planDirectory, "--holidays", holidays]) }
                #expect(online.hasSuffix("--- exit 0\n"), "\(arguments) failed against the daemon:\n\(online)")
                #expect(online == offline, "\(arguments): the daemon's answer differs from the offline one")
                if online != offline {
                    let a = online.split(separator: "\n", omittingEmptySubsequences: false)
                    let b = offline.split(separator: "\n", omittingEmptySubsequences: false)
                    if let i = zip(a, b).enumerated().first(where: { $0.element.0 != $0.element.1 })?.offset {
                        Issue.record("first difference at line \(i + 1):\n  daemon:  \(a[i])\n  offline: \(b[i])")
                    }
                }
            }
        }
        await daemon.stop()
    }

    @Test func theSamplePlan() async throws {
        let plans = Self.checkout.appendingPathComponent("config/plans").path
        var cases: [[String]] = []
        for json in [[], ["--json"]] {
            cases += [
                ["agenda", "--from", "2026-09-01", "--to", "2026-10-31"] + json,
                ["agenda", "--from", "2026-01-01", "--to", "2026-12-31", "--unit", "whjc"] + json,
                ["cal", "2026-10"] + json,
                ["show", "art-festival"] + json,
                ["show", "netcafe-checks", "--year", "2026", "--limit", "0"] + json,
                ["explain", "flag-salute", "2026-09-25"] + json,
                ["explain", "mid-autumn", "--item"] + json,
            ]
        }
        cases.append(["cal", "2026-02", "--lunar", "--english"])
        try await compare(planDirectory: plans, cases: cases)
    }

    @Test func aGeneratedTenThousandItemPlan() async throws {
        let directory = NSTemporaryDirectory() + "almanac-parity-" + UUID().uuidString.prefix(8)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let generator = Self.checkout.appendingPathComponent("scripts/generate-plan.py").path
        let made = try await offPool {
            try spawnAndWait("/usr/bin/env", ["python3", generator, "--items", "10000", "--year", "2026", directory + "/plan.yaml"])
        }
        try #require(made.status == 0, "generate-plan.py failed: \(made.stderr)")
        try await compare(
            planDirectory: directory,
            cases: [
                ["agenda", "--from", "2026-09-01", "--to", "2026-09-30", "--json"],
                ["agenda", "--from", "2026-09-14", "--to", "2026-09-20"],
                ["cal", "2026-10", "--json"],
                ["show", "item-11", "--json"],
                ["explain", "item-7", "2026-09-25"],
            ])
    }
}
