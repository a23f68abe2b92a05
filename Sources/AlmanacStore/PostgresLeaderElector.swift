import Foundation
import Synchronization

/// Keeps (or waits for) the lease of a shared PostgreSQL store, on a thread of its own with a
/// connection of its own: libpq blocks, and the lease must be renewed even while the scheduler
/// works or the control server is busy.
///
/// The lease is a row (`almanac_leader`) with a fencing token, not a session advisory lock: a
/// paused leader (SIGSTOP, a stalled VM) or one cut off from the database keeps its session, and
/// with it an advisory lock, for as long as TCP keeps the connection; a lease ends by the clock.
/// The row also records the holder's session (`pg_backend_pid()`), so that when the holder's
/// process dies (its session ends at once) another instance takes over on its next look, without
/// waiting for the lease to run out.
///
/// Every `poll` it looks at the row: a follower takes the lease when it has ended or its holder's
/// session is gone; the leader renews it every third of the lease. A leader that cannot renew
/// keeps leading only until its lease ends by its own clock (a margin before the database's), then
/// says the database is unreachable and stops; its claims fail before that anyway once the token
/// is taken over. It also reports changes other instances made (marks, snoozes, progress, the
/// ledger, the outbox), so that a mark recorded through a follower reaches the leader's scheduler.
public final class PostgresLeaderElector: Sendable {
    /// What the elector reports.
    public enum Event: Sendable, Hashable {
        /// The role, the leader or the last takeover changed (also the first look).
        case leadership(Leadership.Snapshot)
        /// Marks or snoozes were recorded for these occurrences (by any instance).
        case marks([String])
        /// Checklist progress was recorded for these occurrences.
        case progress([String])
        /// Mail was queued (again) in the outbox.
        case outbox
        /// The leader recorded deliveries (for a follower's view of the schedule).
        case ledger
    }

    let store: PostgresStateStore
    public let instance: String
    public let lease: Duration
    public let poll: Duration
    private let onEvent: @Sendable (Event) -> Void
    private let stopping = Atomic<Bool>(false)
    private let wake = NSCondition()
    private let finished = Mutex<Bool>(false)
    private let done = NSCondition()

    /// - Parameters:
    ///   - lease: How long the lease lasts without renewal.
    ///   - poll: How often a follower looks (and how soon after the leader's death it takes over).
    public init(
        store: PostgresStateStore, instance: String, lease: Duration, poll: Duration? = nil,
        onEvent: @escaping @Sendable (Event) -> Void
    ) {
        self.store = store
        self.instance = instance
        self.lease = lease
        self.poll = poll ?? min(.seconds(1), lease / 5)
        self.onEvent = onEvent
    }

    /// Starts the thread.
    public func start() {
        let thread = Thread { [self] in
            run()
            finished.withLock { $0 = true }
            done.lock()
            done.broadcast()
            done.unlock()
        }
        thread.name = "almanac-lease"
        thread.start()
    }

    /// Stops the thread; a lease held is given up (its token ends at once, so another instance
    /// takes over on its next look). Waits up to `timeout` for that.
    public func stop(timeout: Duration = .seconds(5)) {
        stopping.store(true, ordering: .sequentiallyConsistent)
        wake.lock()
        wake.broadcast()
        wake.unlock()
        let deadline = Date().addingTimeInterval(Double(timeout.components.seconds))
        done.lock()
        while !finished.withLock({ $0 }) && done.wait(until: deadline) {}
        done.unlock()
    }

    private var isStopping: Bool { stopping.load(ordering: .sequentiallyConsistent) }

    private static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    private struct Markers: Equatable {
        var mark: Int64
        var snooze: Int64
        var progress: Int64
        var delivery: Int64
        var queued: Int64
    }

    private func run() {
        let leaseSeconds = Self.seconds(lease)
        // The end of the lease by our clock: a tenth (at least half a second) before the database's.
        let margin = Duration.seconds(max(0.5, leaseSeconds / 10))
        let renewEvery = lease / 3
        var connection: PostgresConnection?
        var token: Int64?
        var validUntil: ContinuousClock.Instant?
        var lastRenew = ContinuousClock.now
        var markers: Markers?
        var published: Leadership.Snapshot?
        var lastLedger = ContinuousClock.now
        var ledgerPending = false

        func publish(_ snapshot: Leadership.Snapshot) {
            store.leadership.update(snapshot, validUntil: snapshot.role == .leader ? validUntil : nil)
            if snapshot != published {
                published = snapshot
                onEvent(.leadership(snapshot))
            }
        }

        while !isStopping {
            let started = ContinuousClock.now
            var snapshot = Leadership.Snapshot(role: .follower, instance: instance, leaseSeconds: leaseSeconds)
            do throws(StoreError) {
                if connection == nil || connection?.isUsable == false {
                    connection = nil
                    try store.check()  // migrates once
                    connection = try PostgresConnection(
                        parameters: try store.settings.connectionParameters(applicationName: "almanacd lease \(instance)"))
                }
                guard let connection else { continue }
                if let held = token {
                    if started - lastRenew >= renewEvery || validUntil.map({ started >= $0 }) ?? true {
                        if try renew(connection, token: held) {
                            validUntil = started + lease - margin
                            lastRenew = started
                        } else {
                            token = nil
                            validUntil = nil
                        }
                    }
                }
                if token == nil, let acquired = try acquire(connection) {
                    token = acquired
                    validUntil = started + lease - margin
                    lastRenew = started
                }
                let (row, now) = try look(connection)
                snapshot = row
                snapshot.role = token != nil && row.token == token ? .leader : .follower
                if snapshot.role == .follower { token = nil }
                if let old = markers, now != old {
                    report(connection, from: old, to: now)
                    if now.delivery != old.delivery { ledgerPending = true }
                }
                markers = now
                // A follower's view of the schedule follows the ledger, at most every two seconds.
                if ledgerPending && ContinuousClock.now - lastLedger >= .seconds(2) {
                    ledgerPending = false
                    lastLedger = ContinuousClock.now
                    onEvent(.ledger)
                }
            } catch {
                if error.code == .unavailable || connection?.isUsable == false { connection = nil }
                if let held = token, let until = validUntil, ContinuousClock.now < until {
                    // Still ours until the lease ends by our clock; claims fail meanwhile anyway.
                    snapshot = published ?? snapshot
                    snapshot.role = .leader
                    snapshot.token = held
                    snapshot.problem = "database unreachable, lease ends in \(Int((until - ContinuousClock.now).components.seconds + 1)) s: \(error.detail)"
                } else {
                    token = nil
                    validUntil = nil
                    snapshot = published ?? snapshot
                    snapshot.role = .unavailable
                    snapshot.token = nil
                    snapshot.problem = "database unreachable: \(error.detail)"
                }
            }
            publish(snapshot)
            sleep(until: started + poll)
        }
        if let held = token, let connection {
            _ = try? connection.query(
                "UPDATE almanac_leader SET expires_at = clock_timestamp(), holder_pid = NULL WHERE id = 1 AND token = $1::bigint",
                ["\(held)"], operation: "giving up the lease")
        }
        validUntil = nil
        var last = published ?? Leadership.Snapshot(role: .follower, instance: instance)
        last.role = .follower
        last.token = nil
        publish(last)
    }

    private func sleep(until deadline: ContinuousClock.Instant) {
        wake.lock()
        while !isStopping {
            let left = deadline - ContinuousClock.now
            if left <= .zero { break }
            _ = wake.wait(until: Date().addingTimeInterval(Self.seconds(left)))
        }
        wake.unlock()
    }

    /// Takes the lease when it is free, has ended, or its holder's session is gone. The token.
    private func acquire(_ connection: PostgresConnection) throws(StoreError) -> Int64? {
        try connection.query(
            """
            UPDATE almanac_leader l SET
                token = l.token + 1, previous_holder = l.holder, previous_renewed_at = l.renewed_at,
                holder = $1, holder_pid = pg_backend_pid(),
                holder_backend_start = (SELECT backend_start FROM pg_stat_activity WHERE pid = pg_backend_pid()),
                acquired_at = clock_timestamp(), renewed_at = clock_timestamp(),
                expires_at = clock_timestamp() + make_interval(secs => $2::float8)
            WHERE l.id = 1 AND (
                l.holder IS NULL OR l.expires_at IS NULL OR l.expires_at <= clock_timestamp() OR l.holder_pid IS NULL
                OR NOT EXISTS (
                    SELECT 1 FROM pg_stat_activity a
                    WHERE a.pid = l.holder_pid AND (a.backend_start IS NULL OR a.backend_start = l.holder_backend_start)))
            RETURNING l.token
            """,
            [instance, "\(Self.seconds(lease))"], operation: "taking the lease"
        ).first?.int64("token")
    }

    /// Extends the lease while it is still ours; false when it ended or was taken over.
    private func renew(_ connection: PostgresConnection, token: Int64) throws(StoreError) -> Bool {
        try connection.query(
            """
            UPDATE almanac_leader SET renewed_at = clock_timestamp(),
                expires_at = clock_timestamp() + make_interval(secs => $2::float8),
                holder_pid = pg_backend_pid(),
                holder_backend_start = (SELECT backend_start FROM pg_stat_activity WHERE pid = pg_backend_pid())
            WHERE id = 1 AND token = $1::bigint AND expires_at > clock_timestamp()
            """,
            ["\(token)", "\(Self.seconds(lease))"], operation: "renewing the lease"
        ).affected == 1
    }

    /// The lease row as the status shows it, and the change markers.
    private func look(_ connection: PostgresConnection) throws(StoreError) -> (Leadership.Snapshot, Markers) {
        let rows = try connection.query(
            """
            SELECT token, holder, extract(epoch from acquired_at)::float8 AS acquired_at, previous_holder,
                extract(epoch from acquired_at - previous_renewed_at)::float8 AS vacant,
                (SELECT coalesce(max(id), 0) FROM mark) AS mark, (SELECT coalesce(max(id), 0) FROM snooze) AS snooze,
                (SELECT coalesce(max(id), 0) FROM checklist_progress_history) AS progress,
                (SELECT coalesce(max(id), 0) FROM delivery) AS delivery,
                (SELECT count(*) FROM mail_outbox WHERE state = 'queued') AS queued
            FROM almanac_leader WHERE id = 1
            """, operation: "reading the lease")
        guard let row = rows.first else {
            throw StoreError(.other, operation: "reading the lease", detail: "the lease row is missing")
        }
        var snapshot = Leadership.Snapshot(role: .follower, instance: instance, leaseSeconds: Self.seconds(lease))
        snapshot.leader = row.string("holder")
        snapshot.leaderSince = row.date("acquired_at")
        snapshot.token = row.int64("token")
        if let at = row.date("acquired_at"), let holder = row.string("holder"), row.string("previous_holder") != nil || snapshot.token ?? 0 > 1 {
            snapshot.lastTakeover = Leadership.Takeover(
                at: at, from: row.string("previous_holder"), to: holder, vacantSeconds: row.string("vacant").flatMap(Double.init))
        }
        let markers = Markers(
            mark: row.int64("mark") ?? 0, snooze: row.int64("snooze") ?? 0, progress: row.int64("progress") ?? 0,
            delivery: row.int64("delivery") ?? 0, queued: row.int64("queued") ?? 0)
        return (snapshot, markers)
    }

    /// Reports what changed between two looks.
    private func report(_ connection: PostgresConnection, from old: Markers, to new: Markers) {
        if new.mark != old.mark || new.snooze != old.snooze {
            let rows = try? connection.query(
                """
                SELECT occurrence_id FROM mark WHERE id > $1::bigint
                UNION SELECT occurrence_id FROM snooze WHERE id > $2::bigint
                """, ["\(old.mark)", "\(old.snooze)"], operation: "reading new marks")
            let ids = (rows?.all ?? []).map { $0.text("occurrence_id") }
            if !ids.isEmpty { onEvent(.marks(ids.sorted())) }
        }
        if new.progress != old.progress {
            let rows = try? connection.query(
                "SELECT DISTINCT occurrence_id FROM checklist_progress_history WHERE id > $1::bigint", ["\(old.progress)"],
                operation: "reading new progress")
            let ids = (rows?.all ?? []).map { $0.text("occurrence_id") }
            if !ids.isEmpty { onEvent(.progress(ids.sorted())) }
        }
        if new.queued > old.queued { onEvent(.outbox) }
    }
}
