import AlmanacCalendar
import AlmanacHost
import AlmanacPlan
import AlmanacStore
import AlmanacTestSupport
import Foundation
import Glibc
import Testing

@testable import AlmanacDaemon

/// `almanacctl validate` and a reload of almanacd load plans with the same loader: for every
/// variant, a plan one accepts the other accepts, and both report the same errors.
@Suite("validate and reload agree")
struct ValidateReloadAgreementTests {
    /// A plan variant: files written under a fresh directory (`$DIR` in the text stands for it),
    /// the holiday directory given explicitly (nil: the search order), and whether it is valid.
    struct Variant: Sendable, CustomTestStringConvertible {
        var name: String
        var files: [String: String]
        var holidays: String?
        var valid: Bool
        var setUp: (@Sendable (String) throws -> Void)? = nil
        var testDescription: String { name }
    }

    static let header = """
        plan: {id: v, name: 变体, years: [2026]}
        units: {wmb: {name: 区文明办}}
        items:

        """

    static let variants: [Variant] = [
        Variant(name: "good", files: ["plans/a.yaml": header + "  - {id: a, kind: festival, title: 中秋, when: 中秋, owners: [wmb]}\n"], valid: true),
        Variant(
            name: "YAML syntax error", files: ["plans/a.yaml": header + "  - {id: a, kind: festival, title: 中秋, when: 中秋, owners: [wmb]\n"],
            valid: false),
        Variant(name: "unknown unit", files: ["plans/a.yaml": header + "  - {id: a, kind: festival, title: x, when: 中秋, owners: [wm]}\n"], valid: false),
        Variant(name: "rule error", files: ["plans/a.yaml": header + "  - {id: a, kind: task, title: x, when: 13-40, owners: [wmb]}\n"], valid: false),
        Variant(
            name: "holiday rule, tables found by the search", files: ["plans/a.yaml": header + "  - {id: a, kind: task, title: x, when: holiday 春节, owners: [wmb]}\n"],
            valid: true),
        Variant(
            name: "holiday rule, an explicit directory without tables",
            files: ["plans/a.yaml": header + "  - {id: a, kind: task, title: x, when: holiday 春节, owners: [wmb]}\n"],
            holidays: "$DIR/no-such-directory", valid: false),
        Variant(
            name: "holiday tables beside the plan",
            files: [
                "plans/a.yaml": header + "  - {id: a, kind: task, title: x, when: holiday 劳动节, owners: [wmb]}\n",
                "holidays/cn/2026.txt": """
                    year    2026
                    notice  国办发明电〔2025〕7号  2025-11-04  国务院办公厅关于2026年部分节假日安排的通知
                    off     劳动节  2026-05-01..2026-05-05
                    work    劳动节  2026-05-09

                    """,
            ],
            valid: true),
        Variant(
            name: "a broken holiday table beside the plan",
            files: [
                "plans/a.yaml": header + "  - {id: a, kind: task, title: x, when: 05-06, owners: [wmb]}\n",
                "holidays/cn/2026.txt": "year 2026\noff 春假 2026-05-01\n",
            ],
            valid: false),
        Variant(
            name: "missing include", files: ["plans/a.yaml": "include: [nothere.yaml]\n" + header + "  - {id: a, kind: task, title: x, when: 05-06, owners: [wmb]}\n"],
            valid: false),
        Variant(
            name: "an item over the occurrence limit",
            files: [
                "plans/a.yaml": header.replacingOccurrences(of: "years: [2026]", with: "years: every")
                    + "  - {id: a, kind: recurring-check, title: x, when: 'daily 00:00,01:00,02:00,03:00,04:00,05:00,06:00,07:00,08:00,09:00,10:00,11:00,12:00,13:00', owners: [wmb]}\n"
            ],
            valid: false),
        Variant(
            name: "a FIFO among the plan files",
            files: ["plans/a.yaml": header + "  - {id: a, kind: task, title: x, when: 05-06, owners: [wmb]}\n"], valid: false,
            setUp: { dir in
                guard mkfifo(dir + "/plans/b.yaml", 0o644) == 0 else { throw ProcessTestError("mkfifo failed") }
            }),
        Variant(
            name: "an include naming a FIFO",
            files: ["plans/a.yaml": "include: [more.inc]\n" + header + "  - {id: a, kind: task, title: x, when: 05-06, owners: [wmb]}\n"],
            valid: false,
            setUp: { dir in
                guard mkfifo(dir + "/plans/more.inc", 0o644) == 0 else { throw ProcessTestError("mkfifo failed") }
            }),
        Variant(
            name: "an include naming a directory",
            files: ["plans/a.yaml": "include: [../lib]\n" + header + "  - {id: a, kind: task, title: x, when: 05-06, owners: [wmb]}\n"],
            valid: false),
        Variant(
            name: "a device among the plan files",
            files: ["plans/a.yaml": header + "  - {id: a, kind: task, title: x, when: 05-06, owners: [wmb]}\n"], valid: false,
            setUp: { dir in
                guard symlink("/dev/zero", dir + "/plans/z.yaml") == 0 else { throw ProcessTestError("symlink failed") }
            }),
        Variant(
            name: "two files, one with a duplicate id",
            files: [
                "plans/a.yaml": header + "  - {id: a, kind: task, title: x, when: 05-06, owners: [wmb]}\n",
                "plans/b.yaml": "items:\n  - {id: a, kind: task, title: y, when: 05-07, owners: [wmb]}\n",
            ],
            valid: false),
    ]

    @Test(arguments: variants)
    func validateAndReloadAgree(_ variant: Variant) async throws {
        let dir = NSTemporaryDirectory() + "almanac-agree-" + UUID().uuidString.prefix(8)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for sub in ["plans", "lib", "run"] {
            try FileManager.default.createDirectory(atPath: dir + "/" + sub, withIntermediateDirectories: true)
        }
        for (name, text) in variant.files {
            let path = dir + "/" + name
            try FileManager.default.createDirectory(
                atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try text.write(toFile: path, atomically: true, encoding: .utf8)
        }
        try variant.setUp?(dir)
        let holidays = variant.holidays?.replacingOccurrences(of: "$DIR", with: dir)

        // The daemon: a controller whose first load is the reload under test.
        var configuration = DaemonConfiguration.defaults(environment: [:])
        configuration.file = dir + "/almanac.yaml"
        configuration.plans = [dir + "/plans"]
        configuration.stateDirectory = dir + "/lib"
        configuration.runtimeDirectory = dir + "/run"
        configuration.controlSocket = dir + "/run/control.sock"
        configuration.holidays = holidays
        let controller = DaemonController(
            configuration: configuration, store: .success(try SQLiteStateStore()), logger: quietLogger,
            clock: ManualClock(Date()))
        let reload = await controller.reload()

        // almanacctl validate on the same directory.
        let binary = (CommandLine.arguments[0] as NSString).deletingLastPathComponent + "/almanacctl"
        var environment = ProcessInfo.processInfo.environment
        environment["ALMANAC_HOLIDAYS"] = nil
        let arguments = ["validate", dir + "/plans", "--json"] + (holidays.map { ["--holidays", $0] } ?? [])
        let childEnvironment = environment
        let validate = try await offPool { try spawnAndWait(binary, arguments, environment: childEnvironment) }
        struct Report: Decodable {
            struct Entry: Decodable {
                var severity: String
                var message: String
            }
            var errors: Int
            var diagnostics: [Entry]
        }
        let report = try JSONDecoder().decode(Report.self, from: Data(validate.stdout.utf8))

        #expect(reload.accepted == variant.valid, "reload: \(reload.diagnostics.map(\.description))")
        #expect((validate.status == 0) == variant.valid, "validate: \(validate.stdout)")
        #expect(reload.accepted == (validate.status == 0))
        let reloadErrors = reload.diagnostics.filter { $0.severity == .error }.map(\.message).sorted()
        let validateErrors = report.diagnostics.filter { $0.severity == "error" }.map(\.message).sorted()
        #expect(reloadErrors == validateErrors)
        #expect(report.errors == reloadErrors.count)
    }
}
