import AlmanacHost
import AlmanacStore
import AlmanacSystemd
import Foundation
import Logging
import Testing

@testable import AlmanacDaemon

/// A scratch directory with a configuration whose plan, state and runtime live inside it.
struct Sandbox {
    let root: String

    init() throws {
        root = NSTemporaryDirectory() + "almanac-daemon-" + UUID().uuidString.prefix(8)
        for sub in ["plans", "lib", "run"] {
            try FileManager.default.createDirectory(atPath: root + "/" + sub, withIntermediateDirectories: true)
        }
        try write("almanac.yaml", "plans: plans/*.yaml\nstate_directory: lib\nruntime_directory: run\nshutdown_timeout: 5s\n")
        try write("plans/a.yaml", Self.goodPlan)
    }

    static let header = """
        plan:
          id: zhalainuoer
          name: 扎赉诺尔区精神文明建设工作安排
          years: [2027]
          holidays: none
        units:
          wmb: {name: 区文明办, mail: [wmb@example.org]}
        items:
          - id: qingming
            kind: festival
            title: 清明节
            when: 清明
            owners: [wmb]

        """

    static let goodPlan = header + """
          - id: flag-salute
            kind: campaign
            title: 向国旗敬礼
            when: 09-20 .. 10-10
            owners: [wmb]

        """

    /// The same id twice.
    static let brokenPlan = header + """
          - id: qingming
            kind: festival
            title: 清明节
            when: 清明
            owners: [wmb]

        """

    /// The good plan and one item more.
    static let biggerPlan = goodPlan + """
          - id: netcafe-checks
            kind: recurring-check
            title: 网吧检查
            when: weekly tue,fri
            owners: [wmb]

        """

    func write(_ name: String, _ text: String) throws {
        try text.write(toFile: root + "/" + name, atomically: true, encoding: .utf8)
    }

    var configPath: String { root + "/almanac.yaml" }

    func configuration() throws -> DaemonConfiguration {
        let text = try String(contentsOfFile: configPath, encoding: .utf8)
        return try #require(ConfigurationLoader.load(text: text, file: configPath, environment: [:]).configuration)
    }

    func statusFile() throws -> DaemonStatus {
        let data = try Data(contentsOf: URL(fileURLWithPath: root + "/run/status.json"))
        return try DaemonStatus.decoder().decode(DaemonStatus.self, from: data)
    }

    func cleanup() { try? FileManager.default.removeItem(atPath: root) }
}

let quietLogger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
let fixedNow = Date(timeIntervalSince1970: 1_800_000_000)

@Suite("daemon controller")
struct DaemonControllerTests {
    func controller(_ sandbox: Sandbox) throws -> DaemonController {
        let configuration = try sandbox.configuration()
        let store = Result<any StateStore, StoreError> { () throws(StoreError) in
            try SQLiteStateStore(path: configuration.databasePath)
        }
        return DaemonController(configuration: configuration, store: store, logger: quietLogger, clock: ManualClock(fixedNow))
    }

    @Test func startLoadsThePlanAndWritesStatusJSON() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.cleanup() }
        let controller = try controller(sandbox)
        await controller.start(controlActivated: false)
        let status = try sandbox.statusFile()
        #expect(status.version == 1)
        #expect(status.daemon.state == .running)
        #expect(status.daemon.pid == getpid())
        #expect(status.daemon.summary == "plan 扎赉诺尔区精神文明建设工作安排: 2 items from 1 files")
        #expect(status.plan?.name == "扎赉诺尔区精神文明建设工作安排")
        #expect(status.plan?.items == 2)
        #expect(status.plan?.files == [sandbox.root + "/plans/a.yaml"])
        #expect(status.store.mode == "file")
        #expect(status.problems == [])
        #expect(status == controller.status)
    }

    @Test func aBrokenPlanOnReloadKeepsTheOldOne() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.cleanup() }
        let controller = try controller(sandbox)
        await controller.start(controlActivated: false)
        try sandbox.write("plans/a.yaml", Sandbox.brokenPlan)
        let outcome = await controller.reload()
        #expect(outcome.accepted == false)
        #expect(outcome.planName == "扎赉诺尔区精神文明建设工作安排")
        #expect(outcome.diagnostics.map(\.description) == [
            "\(sandbox.root)/plans/a.yaml:14:9: error: duplicate item id 'qingming' (first at \(sandbox.root)/plans/a.yaml:9:9)"
        ])
        let status = try sandbox.statusFile()
        #expect(status.plan?.items == 2)
        #expect(status.daemon.reloads == 1)
        #expect(status.last_reloadAccepted == false)
        #expect(status.problems.map(\.code) == ["reload-rejected"])
        #expect(status.daemon.summary.contains("reload rejected, old plan kept: \(sandbox.root)/plans/a.yaml:14:9: error: duplicate item id"))

        try sandbox.write("plans/a.yaml", Sandbox.biggerPlan)
        let fixed = await controller.reload()
        #expect(fixed.accepted)
        let after = try sandbox.statusFile()
        #expect(after.plan?.items == 3)
        #expect(after.problems == [])
        #expect(after.daemon.reloads == 2)
    }

    @Test func aDateRuleErrorRejectsTheReload() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.cleanup() }
        let controller = try controller(sandbox)
        await controller.start(controlActivated: false)
        try sandbox.write("plans/a.yaml", Sandbox.header + """
              - id: flag-salute
                kind: campaign
                title: 向国旗敬礼
                when: 09-20 .. 13-10
                owners: [wmb]

            """)
        let outcome = await controller.reload()
        #expect(outcome.accepted == false)
        #expect(outcome.diagnostics.filter { $0.severity == .error }.map(\.description) == [
            "\(sandbox.root)/plans/a.yaml:17:20: error: date rule: month 13 does not exist in '13-10'"
        ])
        #expect(controller.inForce?.plan.items.count == 2)
    }

    @Test func aReloadReadsTheConfigurationAgain() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.cleanup() }
        let configuration = try sandbox.configuration()
        let file = sandbox.configPath
        let store = Result<any StateStore, StoreError> { () throws(StoreError) in try SQLiteStateStore() }
        let controller = DaemonController(
            configuration: configuration, store: store,
            reloadConfiguration: { ConfigurationLoader.load(file: file, environment: [:]) },
            logger: quietLogger, clock: ManualClock(fixedNow))
        await controller.start(controlActivated: false)

        // A broken configuration is a rejected reload, like a broken plan.
        try sandbox.write("almanac.yaml", "plans: plans/*.yaml\nstate_directory: lib\nruntime_directory: run\ncatch_up: soon\n")
        let rejected = await controller.reload()
        #expect(rejected.accepted == false)
        #expect(rejected.diagnostics.map(\.description) == [
            "\(file):4:11: error: 'catch_up' must be a duration such as 7d, 12h, 30m or 1d12h, not 'soon'"
        ])
        #expect(controller.inForce?.plan.items.count == 2)

        // A new plan path and catch-up window are taken on reload.
        try sandbox.write("other.yaml", Sandbox.biggerPlan)
        try sandbox.write("almanac.yaml", "plans: other.yaml\nstate_directory: lib\nruntime_directory: run\ncatch_up: 3d\n")
        let accepted = await controller.reload()
        #expect(accepted.accepted)
        #expect(controller.inForce?.files == [sandbox.root + "/other.yaml"])
        #expect(controller.inForce?.plan.items.count == 3)
        #expect(await controller.configuration.catchUp == .seconds(3 * 86_400))
    }

    @Test func anInvalidFirstPlanLeavesTheDaemonRunningWithoutOne() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.cleanup() }
        try sandbox.write("plans/a.yaml", "items: {not: a list}\n")
        let controller = try controller(sandbox)
        await controller.start(controlActivated: true)
        let status = try sandbox.statusFile()
        #expect(status.plan == nil)
        #expect(status.control.activated)
        #expect(status.problems.map(\.code) == ["plan-invalid"])
        #expect(status.daemon.summary.hasPrefix("no plan; problems: plan invalid: \(sandbox.root)/plans/a.yaml:1:"))
        #expect(
            controller.status.lastReload == nil
                && status.problems.first?.message.contains("(+1 more)") == true)
    }

    @Test func marksAreRecordedWithCallerAndTime() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.cleanup() }
        let controller = try controller(sandbox)
        await controller.start(controlActivated: false)
        try await controller.acknowledge(occurrenceID: "qingming@2027-04-05", uid: 1000, note: "收到")
        try await controller.markDone(occurrenceID: "qingming@2027-04-05", uid: 1001)
        try await controller.snooze(occurrenceID: "flag-salute@2027-09-20", until: fixedNow + 3600, uid: 1000)
        try await controller.recordProgress(
            occurrenceID: "civilized-city@2027", entryID: "A1.1", state: .done, unit: "wmb", note: nil, uid: 1002)
        let marks = try controller.store.marks(occurrenceID: "qingming@2027-04-05")
        #expect(marks.map(\.kind) == [.acknowledged, .done])
        #expect(marks.map(\.uid) == [1000, 1001])
        #expect(marks.map(\.at) == [fixedNow, fixedNow])
        #expect(try controller.store.activeSnooze(occurrenceID: "flag-salute@2027-09-20", at: fixedNow)?.uid == 1000)
        #expect(try controller.store.checklistProgress(occurrenceID: "civilized-city@2027").map(\.uid) == [1002])

        await #expect(throws: DaemonRequestError.self) {
            try await controller.snooze(occurrenceID: "x", until: fixedNow - 1, uid: 0)
        }
        await #expect(throws: DaemonRequestError.self) { try await controller.acknowledge(occurrenceID: "", uid: 0) }
    }

    @Test func aCorruptDatabaseIsReportedAndRemindersContinueInMemory() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.cleanup() }
        let configuration = try sandbox.configuration()
        try Data(repeating: 0x42, count: 4096).write(to: URL(fileURLWithPath: configuration.databasePath))
        let store = Result<any StateStore, StoreError> { () throws(StoreError) in
            try SQLiteStateStore(path: configuration.databasePath)
        }
        let controller = DaemonController(configuration: configuration, store: store, logger: quietLogger, clock: ManualClock(fixedNow))
        await controller.start(controlActivated: false)
        let status = try sandbox.statusFile()
        #expect(status.store.mode == "memory")
        #expect(status.store.errorCode == "corrupt")
        #expect(status.problems.map(\.code) == ["store-unavailable"])
        #expect(status.daemon.summary.contains("problems: state store corrupt, using memory: reminders go to the journal"))
        // The in-memory store still answers.
        try await controller.acknowledge(occurrenceID: "qingming@2027-04-05", uid: 1000)
        #expect(try controller.store.markState(occurrenceID: "qingming@2027-04-05").acknowledged)
    }

    @Test func statusJSONIsReplacedAtomically() throws {
        let sandbox = try Sandbox()
        defer { sandbox.cleanup() }
        let path = sandbox.root + "/run/x.json"
        try AtomicFile.write(Data("one".utf8), to: path)
        try AtomicFile.write(Data("two".utf8), to: path)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "two")
        #expect(try FileManager.default.contentsOfDirectory(atPath: sandbox.root + "/run") == ["x.json"])
        #expect(throws: StatusFileError.self) { try AtomicFile.write(Data(), to: sandbox.root + "/missing/x.json") }
    }
}

extension DaemonStatus {
    var last_reloadAccepted: Bool? { lastReload?.accepted }
}
