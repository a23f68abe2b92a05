import AlmanacCalendar
import AlmanacHost
import AlmanacStore
import AlmanacTestSupport
import Foundation
import Glibc
import Testing

@testable import AlmanacDaemon

private let shanghai = TimeZone(identifier: "Asia/Shanghai") ?? .gmt
private func instant(_ date: String, _ hour: Int) -> Date {
    guard let day = CivilDate(iso: date), let time = TimeOfDay(hour: hour, minute: 0) else { return Date(timeIntervalSince1970: 0) }
    return ZonedTime.instant(of: day, at: time, in: shanghai)
}

/// Whether this process may mount a small tmpfs (root with CAP_SYS_ADMIN): the real full disk.
let canMountTmpfs: Bool = {
    guard getuid() == 0, FileManager.default.isExecutableFile(atPath: "/bin/mount") else { return false }
    let dir = NSTemporaryDirectory() + "almanac-tmpfs-check-" + UUID().uuidString.prefix(8)
    defer { rmdir(dir) }
    guard mkdir(dir, 0o755) == 0, (try? spawnAndWait("/bin/mount", ["-t", "tmpfs", "-o", "size=64k", "tmpfs", dir]))?.status == 0
    else { return false }
    _ = try? spawnAndWait("/bin/umount", [dir])
    return true
}()

/// A full disk under the state directory, as an operator meets it: the daemon says so in its
/// status (with what to do), delivers nothing meanwhile, and when space comes back it delivers
/// everything that waited, once, without a restart.
@Suite("store faults", .enabled(if: canMountTmpfs, "needs root and mount(8) for a small tmpfs"))
struct StoreFaultTests {
    static let items = 10

    static var plan: String {
        var text = """
            plan: {id: full, name: 满盘测试, years: [2027], holidays: none}
            units: {jc: {name: 稽查队}}
            items:

            """
        for index in 0..<items {
            text += "  - {id: item-\(index), kind: task, title: 任务\(index), when: 09-03, owners: [jc], remind: {leads: [-1d]}}\n"
        }
        return text
    }

    /// Fills the file system of `directory` with one file until the kernel says it is full.
    static func fill(_ directory: String) -> String {
        let path = directory + "/filler"
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        defer { close(fd) }
        let chunk = [UInt8](repeating: 0x2e, count: 4096)
        while chunk.withUnsafeBytes({ write(fd, $0.baseAddress, $0.count) }) > 0 {}
        return path
    }

    @Test func aFullDiskIsAProblemUntilSpaceComesBackThenEveryReminderGoesOnce() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.cleanup() }
        let lib = sandbox.root + "/lib"
        #expect(try spawnAndWait("/bin/mount", ["-t", "tmpfs", "-o", "size=1m", "tmpfs", lib]).status == 0)
        defer { _ = try? spawnAndWait("/bin/umount", ["-l", lib]) }
        try sandbox.write("plans/a.yaml", Self.plan)
        let log = CapturedLog()
        let daemon = try await InProcessDaemon(configuration: try sandbox.configuration(), at: instant("2027-09-01", 0), logger: log.logger)
        let store = try #require(daemon.controller.store as? SQLiteStateStore)
        let maintenance = StoreMaintenanceService(
            controller: daemon.controller, store: store, logger: log.logger, interval: .milliseconds(20))
        let running = Task { try await maintenance.run() }
        defer { running.cancel() }

        // The log emptied, then the disk filled: the next write needs room that is not there.
        try store.checkpoint()
        let filler = Self.fill(lib)
        // One jump past the reminders' time: one wake-up, every claim of it fails.
        daemon.clock.set(instant("2027-09-02", 10))
        try await daemon.settle(at: instant("2027-09-02", 10))
        let controller = daemon.controller
        try await daemon.waitUntil("the disk-full problem") { controller.status.problems.contains { $0.code == "disk-full" } }
        let problem = try #require(controller.status.problems.first { $0.code == "disk-full" })
        #expect(problem.message.contains("free space on the file system of \(lib)"))
        #expect(controller.statusReport.problems.contains(problem.message))
        #expect(controller.status.daemon.summary.contains("disk full: "))
        #expect(log.deliveries.isEmpty)
        // status.json is written after the status changes: wait for it.
        let statusPath = sandbox.root + "/run/status.json"
        try await daemon.waitUntil("disk-full in status.json") {
            ((try? String(contentsOfFile: statusPath, encoding: .utf8)) ?? "").contains("\"code\" : \"disk-full\"")
        }

        // Space again: the problem goes and every reminder that waited is sent, once. The unit
        // has no mail address: each reminder's mail delivery fails (reported once, with an
        // `ALMANAC_DELIVERY` field too), so the journal entries are counted by their MESSAGE_ID.
        #expect(unlink(filler) == 0)
        @Sendable func settled() -> Bool {
            guard !controller.status.problems.contains(where: { $0.code == "disk-full" }),
                let rows = try? store.deliveries(dueSince: .distantPast).filter({ $0.key.occurrenceID != "*" })
            else { return false }
            return rows.count == 2 * Self.items && rows.allSatisfy { $0.state != .pending }
        }
        do {
            try await daemon.waitUntil("the recovery") { settled() }
        } catch {
            let errors = log.entries.filter { $0.level >= .warning }.suffix(8).map { "\($0.message) \($0.metadata)" }
            Issue.record("problems \(controller.status.problems.map(\.code)); \(errors)")
            throw error
        }
        let rows = try store.deliveries(dueSince: .distantPast).filter { $0.key.occurrenceID != "*" }
        #expect(rows.filter { $0.key.channel == "journal" }.map(\.state) == Array(repeating: .sent, count: Self.items))
        let entryIDs: Set<String> = [ReminderMessageID.reminder, ReminderMessageID.late]
        let journal = log.entries.filter { entryIDs.contains($0.metadata["MESSAGE_ID"].map { "\($0)" } ?? "") }
            .compactMap { $0.metadata["ALMANAC_DELIVERY"].map { "\($0)" } }
        #expect(journal.count == Self.items)
        #expect(Set(journal) == Set(rows.filter { $0.key.channel == "journal" }.map(\.key.description)))
        await daemon.stop()
    }
}

/// A state that cannot be opened at start: memory mode, and the reminders due in the catch-up
/// window still go out to the journal, once each (not taken as history of a new installation).
@Suite("memory mode")
struct MemoryModeTests {
    @Test func remindersDueInTheCatchUpWindowStillGoToTheJournal() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.cleanup() }
        try sandbox.write("plans/a.yaml", StoreFaultTests.plan)
        let configuration = try sandbox.configuration()
        try Data(repeating: 0x42, count: 4096).write(to: URL(fileURLWithPath: configuration.databasePath))
        let log = CapturedLog()
        // Started the evening after the reminders were due (within the 7-day catch-up).
        let daemon = try await InProcessDaemon(configuration: configuration, at: instant("2027-09-02", 20), logger: log.logger)
        let controller = daemon.controller
        #expect(controller.status.store.mode == "memory")
        let entryIDs: Set<String> = [ReminderMessageID.reminder, ReminderMessageID.late]
        @Sendable func journal() -> [String] {
            log.entries.filter { entryIDs.contains($0.metadata["MESSAGE_ID"].map { "\($0)" } ?? "") }
                .compactMap { $0.metadata["ALMANAC_DELIVERY"].map { "\($0)" } }
        }
        try await daemon.waitUntil("the catch-up in memory") { journal().count >= StoreFaultTests.items }
        try await daemon.advance(to: instant("2027-09-03", 20))
        #expect(journal().count == StoreFaultTests.items)
        #expect(Set(journal()).count == StoreFaultTests.items)
        #expect(controller.status.problems.map(\.code).contains("store-unavailable"))
        await daemon.stop()
    }
}

/// The store's upkeep has no timer of its own while nothing is written: a write wakes it, and the
/// log is checkpointed (truncated) once `checkpointEvery` has passed since the last checkpoint.
@Suite("store upkeep")
struct StoreUpkeepTests {
    @Test func aWriteWakesTheUpkeepWhichThenCheckpointsTheLog() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.cleanup() }
        let configuration = try sandbox.configuration()
        let store = try SQLiteStateStore(path: configuration.databasePath)
        let controller = DaemonController(
            configuration: configuration, store: .success(store), logger: quietLogger, clock: ManualClock(fixedNow))
        let upkeep = StoreMaintenanceService(
            controller: controller, store: store, logger: quietLogger, checkpointEvery: .milliseconds(50))
        let idle = store.health()
        #expect(upkeep.nextLook(idle, checkpointedWrites: idle.writes, lastCheckpoint: .now) == nil)
        let running = Task { try await upkeep.run() }
        defer { running.cancel() }
        let watch = try DirectoryWatch(sandbox.root + "/lib")
        try store.probeWrite()
        let wrote = store.health()
        #expect(wrote.writes == idle.writes + 1)
        let pause = try #require(upkeep.nextLook(wrote, checkpointedWrites: idle.writes, lastCheckpoint: .now))
        #expect(pause > .zero && pause <= .milliseconds(50))
        let log = configuration.databasePath + "-wal"
        try await offPool {
            try watch.wait("the log checkpointed after the write", hangGuard: .seconds(300)) {
                var info = stat()
                return stat(log, &info) == 0 && info.st_size == 0
            }
        }
    }
}
