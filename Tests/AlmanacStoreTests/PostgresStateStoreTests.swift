import AlmanacCalendar
import Foundation
import Glibc
import Testing

@testable import AlmanacStore

/// A real PostgreSQL server, named by `ALMANAC_TEST_POSTGRES` (a URL whose role may create
/// databases): `tests/stage-postgres.sh` starts one in a temporary directory and runs this suite
/// with it (`scripts/failover.py serve`). Without the variable the suite is skipped.
enum TestPostgres {
    static let url = ProcessInfo.processInfo.environment["ALMANAC_TEST_POSTGRES"]
    static var available: Bool { url != nil }

    /// A new, empty database for one test; dropped by `drop`.
    static func database() throws -> (settings: PostgresSettings, drop: () -> Void) {
        let admin = try #require(url)
        let name = "almanac_test_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased()
        let connection = try PostgresConnection(parameters: try PostgresSettings(url: admin).connectionParameters(applicationName: "test"))
        try connection.query("CREATE DATABASE \(name)", operation: "creating a test database")
        let base = admin.split(separator: "?", maxSplits: 1).first.map(String.init) ?? admin
        let slash = base.range(of: "/", options: .backwards, range: base.range(of: "://").map { $0.upperBound..<base.endIndex })
        let prefix = slash.map { String(base[..<$0.lowerBound]) } ?? base
        var settings = PostgresSettings(url: prefix + "/" + name)
        settings.connectTimeout = .seconds(5)
        return (settings, {
            _ = try? connection.query("DROP DATABASE IF EXISTS \(name) WITH (FORCE)", operation: "dropping a test database")
        })
    }

    /// A store that holds the lease (so that it may claim), and its elector.
    static func leadingStore(_ settings: PostgresSettings, instance: String = "test", lease: Duration = .seconds(30))
        throws -> (PostgresStateStore, PostgresLeaderElector)
    {
        let leadership = Leadership(Leadership.Snapshot(role: .unavailable, instance: instance))
        let store = PostgresStateStore(settings: settings, leadership: leadership)
        let events = LeadershipEvents()
        let elector = PostgresLeaderElector(store: store, instance: instance, lease: lease, poll: .milliseconds(100), onEvent: events.record)
        elector.start()
        try events.wait("\(instance) leads") { leadership.snapshot.role == .leader }
        return (store, elector)
    }
}

/// An elector's events, for a test to wait on a change of its role: each event wakes the waiter,
/// which then reads the role again (the elector publishes the role before it reports the event).
final class LeadershipEvents: @unchecked Sendable {
    private let condition = NSCondition()

    @Sendable func record(_ event: PostgresLeaderElector.Event) {
        condition.lock()
        condition.broadcast()
        condition.unlock()
    }

    /// Waits until `holds`; `hangGuard` (seconds) only stops a test that would hang.
    func wait(_ what: String, hangGuard: Double = 120, until holds: () -> Bool) throws {
        condition.lock()
        defer { condition.unlock() }
        let deadline = Date() + hangGuard
        while !holds() {
            if !condition.wait(until: deadline) && !holds() {
                throw StoreError(.other, operation: "waiting", detail: "\(what) not within \(Int(hangGuard)) s (the hang guard)")
            }
        }
    }
}

/// `.timeLimit`: a hang guard (the suite takes seconds); tests/stage-postgres.sh adds another
/// around the whole run, since a test blocked inside libpq cannot be cancelled.
@Suite(
    "PostgreSQL state store", .serialized, .enabled(if: TestPostgres.available, "ALMANAC_TEST_POSTGRES is not set"),
    .timeLimit(.minutes(5)))
struct PostgresStateStoreTests {
    @Test func behavesLikeTheSQLiteStore() throws {
        let (settings, drop) = try TestPostgres.database()
        defer { drop() }
        let (store, elector) = try TestPostgres.leadingStore(settings)
        defer { elector.stop() }
        try StoreConformance.exercise(store)
        #expect(try store.appliedMigrations() == PostgresSchema.knownMigrations)
    }

    @Test func onlyTheLeaseHolderMayClaimAndAFencedLeaderCannotSettle() throws {
        let (settings, drop) = try TestPostgres.database()
        defer { drop() }
        let (a, electorA) = try TestPostgres.leadingStore(settings, instance: "host-a", lease: .seconds(30))
        defer { electorA.stop() }
        let followerLease = Leadership(Leadership.Snapshot(role: .unavailable, instance: "host-b"))
        let b = PostgresStateStore(settings: settings, leadership: followerLease)
        let eventsB = LeadershipEvents()
        let electorB = PostgresLeaderElector(store: b, instance: "host-b", lease: .seconds(30), poll: .milliseconds(100), onEvent: eventsB.record)
        electorB.start()
        defer { electorB.stop() }
        try eventsB.wait("host-b follows host-a") { followerLease.snapshot.role == .follower }
        #expect(followerLease.snapshot.leader == "host-a")
        #expect(!followerLease.maySend)
        #expect(throws: StoreError(.notLeader, operation: "claiming delivery \(key)", detail: "this instance does not hold the lease")) {
            try b.claimDelivery(key, dueAt: t0, late: false, at: t0)
        }
        // A claims; then its lease runs out in the database while it is "paused" (the row is
        // expired by hand): B takes over, and A can neither claim nor settle under its old token.
        guard case .claimed(let claimed) = try a.claimDelivery(key, dueAt: t0, late: false, at: t0) else {
            Issue.record("the leader claims")
            return
        }
        let oldToken = try #require(a.leadership.token)
        electorA.stop(timeout: .seconds(10))  // gives the lease up: B takes over at its next look
        try eventsB.wait("host-b leads") { followerLease.snapshot.role == .leader }
        #expect(followerLease.token == oldToken + 1)
        #expect(followerLease.snapshot.lastTakeover?.from == "host-a")
        // A still believes in its token (as a process paused before its elector noticed would).
        a.leadership.update(Leadership.Snapshot(role: .leader, instance: "host-a", token: oldToken), validUntil: .now + .seconds(60))
        #expect(a.leadership.maySend)
        do {
            try a.markSent(claimed.id, at: t0 + 1)
            Issue.record("a deposed leader marked a delivery sent")
        } catch {
            #expect(error.code == .notLeader)
        }
        do {
            _ = try a.claimDelivery(DeliveryID(occurrenceID: "x@2027-01-01", reminderID: "0d", channel: "journal"), dueAt: t0, late: false, at: t0)
            Issue.record("a deposed leader claimed")
        } catch {
            #expect(error.code == .notLeader)
        }
        // B finds A's claim in doubt and settles it.
        guard case .inDoubt(let doubt) = try b.claimDelivery(key, dueAt: t0, late: false, at: t0 + 2) else {
            Issue.record("the old leader's claim is in doubt")
            return
        }
        try b.resolveInDoubt(doubt.id, sent: false, at: t0 + 2)
        guard case .claimed(let again) = try b.claimDelivery(key, dueAt: t0, late: true, at: t0 + 3) else {
            Issue.record("the new leader claims again")
            return
        }
        try b.markSent(again.id, at: t0 + 4)
        #expect(try b.delivery(key)?.attempts == 2)
    }

    @Test func aLeaderWhoseSessionEndsIsReplacedBeforeItsLeaseEnds() throws {
        let (settings, drop) = try TestPostgres.database()
        defer { drop() }
        let (a, electorA) = try TestPostgres.leadingStore(settings, instance: "host-a", lease: .seconds(300))
        let leadershipB = Leadership(Leadership.Snapshot(role: .unavailable, instance: "host-b"))
        let b = PostgresStateStore(settings: settings, leadership: leadershipB)
        let eventsB = LeadershipEvents()
        let electorB = PostgresLeaderElector(store: b, instance: "host-b", lease: .seconds(300), poll: .milliseconds(100), onEvent: eventsB.record)
        electorB.start()
        defer { electorB.stop() }
        try eventsB.wait("host-b follows") { leadershipB.snapshot.role == .follower }
        // The leader's process dies: its database session ends (here: terminated by the server).
        let admin = try PostgresConnection(parameters: try settings.connectionParameters(applicationName: "test admin"))
        try admin.query(
            "SELECT pg_terminate_backend(holder_pid) FROM almanac_leader WHERE id = 1", operation: "ending the leader's session")
        let started = Date()
        try eventsB.wait("host-b takes over") { leadershipB.snapshot.role == .leader }
        #expect(Date().timeIntervalSince(started) < 300)  // long before the lease of 5 minutes ends
        electorA.stop()
        _ = a
    }

    @Test func aDatabaseWrittenByANewerAlmanacIsRefused() throws {
        let (settings, drop) = try TestPostgres.database()
        defer { drop() }
        let store = PostgresStateStore(settings: settings, leadership: Leadership(Leadership.Snapshot(role: .follower, instance: "t")))
        try store.check()
        let admin = try PostgresConnection(parameters: try settings.connectionParameters(applicationName: "test admin"))
        try admin.query("INSERT INTO almanac_migrations (name) VALUES ('pg-v99-future')", operation: "test")
        let fresh = PostgresStateStore(settings: settings, leadership: Leadership(Leadership.Snapshot(role: .follower, instance: "t")))
        do {
            try fresh.check()
            Issue.record("a newer schema was accepted")
        } catch {
            #expect(error.code == .migrationFailed)
            #expect(error.detail.contains("pg-v99-future"))
        }
    }

    @Test func aSQLiteStateIsCopiedOnceWithItsCounts() throws {
        let (settings, drop) = try TestPostgres.database()
        defer { drop() }
        let dir = try TempDirectory()
        defer { dir.cleanup() }
        let sqlite = try SQLiteStateStore(path: dir.database)
        try StoreConformance.exercise(sqlite)
        // A claim left pending stays in doubt after the copy.
        let pending = DeliveryID(occurrenceID: "pending@2027-01-01", reminderID: "0d", channel: "journal")
        _ = try sqlite.claimDelivery(pending, dueAt: t0, late: false, at: t0)
        let counts = try StateCopy.copy(from: sqlite, to: settings)
        // Deliveries: the conformance exercise's 305 (300 of them recorded missed at once) and the pending one.
        #expect(counts.tables == [
            "delivery": 306, "mark": 4, "snooze": 3, "mail_outbox": 10, "outbox_request": 2, "checklist_progress": 3,
            "checklist_progress_history": 4,
        ])
        let (store, elector) = try TestPostgres.leadingStore(settings)
        defer { elector.stop() }
        #expect(try store.deliveries(dueSince: .distantPast) == sqlite.deliveries(dueSince: .distantPast))
        #expect(try store.markStates() == sqlite.markStates())
        #expect(try store.outbox(state: nil, limit: 10) == sqlite.outbox(state: nil, limit: 10))
        #expect(try store.outboxRequests(destination: "dingtalk:aa", since: .distantPast)
            == sqlite.outboxRequests(destination: "dingtalk:aa", since: .distantPast))
        #expect(try store.checklistHistory(occurrenceID: "civilized-city@2027-08-10", entryID: "1.1")
            == sqlite.checklistHistory(occurrenceID: "civilized-city@2027-08-10", entryID: "1.1"))
        #expect(try store.inDoubtDeliveries().map(\.key) == [pending])
        // New rows continue after the copied ids.
        guard case .claimed(let next) = try store.claimDelivery(
            DeliveryID(occurrenceID: "new@2027-01-01", reminderID: "0d", channel: "journal"), dueAt: t0, late: false, at: t0)
        else {
            Issue.record("claimed")
            return
        }
        #expect(next.id > (try sqlite.deliveries(dueSince: .distantPast).map(\.id).max() ?? 0))
        do {
            _ = try StateCopy.copy(from: sqlite, to: settings)
            Issue.record("a second copy was accepted")
        } catch {
            #expect(error.detail.contains("refusing to copy twice"))
        }
    }

    @Test func aCopyIntoADatabaseWithStateIsRefused() throws {
        let (settings, drop) = try TestPostgres.database()
        defer { drop() }
        let (store, elector) = try TestPostgres.leadingStore(settings)
        try store.recordMark(Mark(occurrenceID: "a@2027-01-01", kind: .done, uid: 0, at: t0))
        elector.stop()
        let dir = try TempDirectory()
        defer { dir.cleanup() }
        let sqlite = try SQLiteStateStore(path: dir.database)
        do {
            _ = try StateCopy.copy(from: sqlite, to: settings)
            Issue.record("a copy over existing state was accepted")
        } catch {
            #expect(error.detail.contains("already holds state"))
        }
    }
}

@Suite("SQLite store conformance")
struct SQLiteConformanceTests {
    @Test func theSQLiteStoreKeepsTheProtocol() throws {
        let dir = try TempDirectory()
        defer { dir.cleanup() }
        try StoreConformance.exercise(try SQLiteStateStore(path: dir.database))
    }
}

/// What needs no server: the settings, and a server that is not there.
@Suite("PostgreSQL store without a server")
struct PostgresSettingsTests {
    @Test func anUnreachableServerIsReportedAtOnce() throws {
        var socketFD = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socketFD) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socketFD, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) { getsockname(socketFD, UnsafeMutableRawPointer($0).assumingMemoryBound(to: sockaddr.self), &length) }
        let port = UInt16(bigEndian: address.sin_port)
        close(socketFD)
        socketFD = -1  // nothing listens on the port now
        let store = PostgresStateStore(
            settings: PostgresSettings(url: "postgresql://almanac@127.0.0.1:\(port)/almanac"),
            leadership: Leadership(Leadership.Snapshot(role: .follower, instance: "t")))
        do {
            _ = try store.markStates()
            Issue.record("a closed port answered")
        } catch {
            #expect(error.code == .unavailable)
        }
    }

    @Test func passwordsAreKeptOutOfTheDisplayedURL() {
        #expect(PostgresSettings.redacted("postgresql://almanac:s3cret@db:5432/almanac") == "postgresql://almanac:***@db:5432/almanac")
        #expect(PostgresSettings.redacted("postgresql://almanac@db/almanac") == "postgresql://almanac@db/almanac")
    }
}
