import AlmanacCalendar
import AlmanacPlan
import Foundation
import Glibc
import Testing

@testable import AlmanacHost

/// A scratch directory, removed at the end.
struct Scratch {
    let root: String

    init() throws {
        root = NSTemporaryDirectory() + "almanac-host-" + UUID().uuidString.prefix(8)
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
    }

    func write(_ name: String, _ text: String) throws {
        let path = root + "/" + name
        try FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }

    func cleanup() { try? FileManager.default.removeItem(atPath: root) }
}

let goodPlan = """
    plan: {id: h, name: 测试, years: [2026]}
    units: {wmb: {name: 区文明办}}
    items:
      - {id: may-day, kind: festival, title: 劳动节, when: holiday 劳动节, owners: [wmb]}

    """

let table2026 = """
    year    2026
    notice  国办发明电〔2025〕7号  2025-11-04  国务院办公厅关于2026年部分节假日安排的通知
    off     劳动节  2026-05-01..2026-05-05
    work    劳动节  2026-05-09

    """

@Suite struct HostFilesTests {
    @Test func onlyRegularFilesAreReadAndOpeningNeverBlocks() throws {
        let scratch = try Scratch()
        defer { scratch.cleanup() }
        try scratch.write("plan.yaml", "x: 1\n")
        #expect(try HostFiles.read(scratch.root + "/plan.yaml", limit: 100) == Array("x: 1\n".utf8))
        // One byte past the limit, so the caller can say the file is too large.
        #expect(try HostFiles.read(scratch.root + "/plan.yaml", limit: 2).count == 3)
        #expect(mkfifo(scratch.root + "/fifo.yaml", 0o644) == 0)
        // A FIFO nobody writes to: refused at once, not waited on.
        #expect(throws: FileReadError(path: scratch.root + "/fifo.yaml", detail: "is a FIFO, not a regular file")) {
            try HostFiles.read(scratch.root + "/fifo.yaml", limit: 100)
        }
        #expect(throws: FileReadError(path: scratch.root, detail: "is a directory, not a regular file")) {
            try HostFiles.read(scratch.root, limit: 100)
        }
        #expect(throws: FileReadError.self) { try HostFiles.read(scratch.root + "/missing.yaml", limit: 100) }
    }

    @Test func planFileSetsExpandDirectoriesAndGlobsAndRefuseOtherFiles() throws {
        let scratch = try Scratch()
        defer { scratch.cleanup() }
        try scratch.write("plans/b.yaml", "")
        try scratch.write("plans/a.yml", "")
        try scratch.write("plans/notes.txt", "")
        try scratch.write("plans/.hidden.yaml", "")
        #expect(mkfifo(scratch.root + "/plans/c.yaml", 0o644) == 0)
        let set = PlanFileSet([scratch.root + "/plans", scratch.root + "/plans/b.yaml"])
        #expect(set.files == [scratch.root + "/plans/a.yml", scratch.root + "/plans/b.yaml"])
        #expect(set.diagnostics.map(\.description) == ["error: plan file \(scratch.root)/plans/c.yaml is a FIFO, not a regular file"])
        let globbed = PlanFileSet([scratch.root + "/plans/*.yaml"])
        #expect(globbed.files == [scratch.root + "/plans/b.yaml"])
        let missing = PlanFileSet([scratch.root + "/nothing"])
        #expect(missing.files.isEmpty)
        #expect(missing.diagnostics.first?.severity == .error)
    }
}

@Suite struct HolidayLocatorTests {
    /// Every step of the search order, with the first that exists winning.
    @Test func theSearchOrder() throws {
        let scratch = try Scratch()
        defer { scratch.cleanup() }
        try scratch.write("config/plans/p.yaml", goodPlan)
        try scratch.write("env/cn/2026.txt", table2026)
        try scratch.write("config/holidays/cn/2026.txt", table2026)
        try scratch.write("prefix/share/almanac/holidays/cn/2026.txt", table2026)
        let plan = scratch.root + "/config/plans/p.yaml"
        let executable = scratch.root + "/prefix/bin/almanacctl"
        func found(explicit: String? = nil, env: String? = nil) -> HolidayTablesLoad {
            HolidayLocator(
                explicit: explicit.map { ($0, "--holidays") }, environment: env.map { ["ALMANAC_HOLIDAYS": $0] } ?? [:],
                executable: executable
            ).load(planPaths: [plan])
        }
        #expect(found(explicit: scratch.root + "/env").info.origin == "--holidays")
        #expect(found(env: scratch.root + "/env").info == HolidaySourceInfo(directory: scratch.root + "/env/cn", origin: "$ALMANAC_HOLIDAYS"))
        #expect(found().info == HolidaySourceInfo(directory: scratch.root + "/config/holidays/cn", origin: "beside the plan"))
        try FileManager.default.removeItem(atPath: scratch.root + "/config/holidays")
        #expect(found().info == HolidaySourceInfo(directory: scratch.root + "/prefix/share/almanac/holidays/cn", origin: "installed"))
        #expect(found().calendar.hasTable(for: 2026))
        // An explicit directory is used even when it does not exist: a warning, no fall-back.
        let typo = found(explicit: scratch.root + "/typo")
        #expect(typo.info.directory == nil)
        #expect(typo.diagnostics.map(\.severity) == [.warning])
        #expect(!typo.calendar.hasTable(for: 2026))
    }

    @Test func aBrokenTableIsAnErrorAtItsLine() throws {
        let scratch = try Scratch()
        defer { scratch.cleanup() }
        try scratch.write("h/cn/2026.txt", "year 2026\noff 春假 2026-05-01\n")
        let found = HolidayLocator.read(scratch.root + "/h", origin: "--holidays")
        #expect(found.diagnostics.count == 1)
        #expect(found.diagnostics.first?.severity == .error)
        #expect(found.diagnostics.first?.message.contains("2026.txt:2:5") == true)
    }
}

@Suite struct PlanLoadingTests {
    func request(_ paths: [String], holidays: String?, now: String = "2026-04-01T00:00:00Z") -> PlanLoadRequest {
        PlanLoadRequest(
            paths: paths, holidays: HolidayLocator(explicit: holidays.map { ($0, "--holidays") }, environment: [:]),
            now: SystemClock.parse(now) ?? Date(timeIntervalSince1970: 0))
    }

    @Test func aGoodPlanIsInForceWithItsWindow() throws {
        let scratch = try Scratch()
        defer { scratch.cleanup() }
        try scratch.write("plans/p.yaml", goodPlan)
        try scratch.write("holidays/cn/2026.txt", table2026)
        let outcome = PlanLoading.load(request([scratch.root + "/plans"], holidays: scratch.root + "/holidays"))
        let plan = try #require(outcome.inForce)
        #expect(plan.window == CivilDate(iso: "2026-01-31")!...CivilDate(iso: "2027-05-06")!)
        #expect(plan.expansion.entries.map(\.plainLine) == ["2026-05-01..2026-05-05 festival may-day 劳动节 owners=wmb"])
        #expect(outcome.errors.isEmpty)
    }

    @Test func withoutTablesAHolidayRuleHasNoDateAndTheSearchIsNamed() throws {
        let scratch = try Scratch()
        defer { scratch.cleanup() }
        try scratch.write("plans/p.yaml", goodPlan)
        let outcome = PlanLoading.load(request([scratch.root + "/plans"], holidays: scratch.root + "/none"))
        #expect(outcome.inForce == nil)
        #expect(outcome.errors.map(\.message) == ["date rule 'holiday 劳动节' has no occurrence in the plan year 2026"])
        #expect(outcome.warnings.contains { $0.message.contains("does not exist") })
    }

    @Test func aCancelledLoadIsNotInForce() throws {
        let scratch = try Scratch()
        defer { scratch.cleanup() }
        try scratch.write("plans/p.yaml", goodPlan)
        try scratch.write("holidays/cn/2026.txt", table2026)
        let outcome = PlanLoading.load(request([scratch.root + "/plans"], holidays: scratch.root + "/holidays"), isCancelled: { true })
        #expect(outcome.cancelled)
        #expect(outcome.inForce == nil)
    }
}

@Suite struct ClockTests {
    @Test func almanacNowPinsTheSystemClock() {
        let pinned = SystemClock(environment: ["ALMANAC_NOW": "2026-09-15T09:00:00+08:00"])
        #expect(pinned.now() == Date(timeIntervalSince1970: 1_789_434_000))
        #expect(SystemClock.parse("2026-09-15T01:00:00.250Z") == Date(timeIntervalSince1970: 1_789_434_000.25))
        #expect(SystemClock.parse("2026-09-15") == Date(timeIntervalSince1970: 1_789_430_400))
        #expect(SystemClock(environment: ["ALMANAC_NOW": "soon"]).fixed == nil)
    }

    /// The instants read from their bytes are the formatter's, and what the byte reader refuses
    /// the formatter still reads (or refuses) as before.
    @Test func theInternetDateTimeIsReadAsTheFormatterReadsIt() {
        let formatter = ISO8601DateFormatter()
        let texts = [
            "2026-09-15T09:00:00+08:00", "2026-01-01T08:00:00+08:00", "2026-12-31T23:59:59Z", "2024-02-29T00:00:00-05:30",
            "1970-01-01T00:00:00Z", "1969-12-31T23:59:59+14:00", "2100-03-01T12:34:56-00:00", "1600-03-01T00:00:00Z",
            "9999-12-31T23:59:59Z",
        ]
        for text in texts {
            #expect(SystemClock.internetDateTime(text) != nil, "\(text)")
            #expect(SystemClock.internetDateTime(text) == formatter.date(from: text), "\(text)")
            #expect(SystemClock.parse(text) == formatter.date(from: text), "\(text)")
        }
        for text in [
            "2026-02-29T00:00:00Z", "2026-13-01T00:00:00Z", "2026-09-15T24:00:00Z", "2026-09-15T09:60:00Z", "2026-09-15T09:00:60Z",
            "2026-09-15 09:00:00Z", "2026-09-15T09:00:00+0800", "2026-09-15T09:00:00+15:00", "2026-09-15T09:00:00", "２026-09-15T09:00:00Z",
            "2026-09-15T09:00:00.5Z", "-026-09-15T09:00:00Z",
            // The formatter's calendar is Julian before 1582: such years are left to it.
            "0001-01-01T00:00:00Z", "1582-10-15T00:00:00Z",
        ] {
            #expect(SystemClock.internetDateTime(text) == nil, "\(text)")
        }
        #expect(SystemClock.parse("2026-09-15T09:00:00+0800") == formatter.date(from: "2026-09-15T09:00:00+0800"))
        #expect(SystemClock.parse("0001-01-01T00:00:00Z") == formatter.date(from: "0001-01-01T00:00:00Z"))
    }

    @Test func aManualClockTellsItsObservers() {
        let clock = ManualClock(Date(timeIntervalSince1970: 0))
        let seen = LockedList()
        clock.observe { seen.append($0) }
        clock.advance(by: 60)
        clock.set(Date(timeIntervalSince1970: 10))
        #expect(seen.values == [Date(timeIntervalSince1970: 60), Date(timeIntervalSince1970: 10)])
        #expect(clock.now() == Date(timeIntervalSince1970: 10))
    }
}

final class LockedList: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [Date] = []
    func append(_ date: Date) { lock.withLock { stored.append(date) } }
    var values: [Date] { lock.withLock { stored } }
}
