import Foundation
import Synchronization

/// Who may deliver. With SQLite there is one process and it always may (``single``). With
/// PostgreSQL several instances share the ledger and exactly one holds the lease
/// (``PostgresLeaderElector``): its token fences every claim in the database, and before it
/// sends what it claimed it checks here that its lease still runs by its own clock.
public final class Leadership: Sendable {
    public enum Role: String, Sendable, Hashable, Codable {
        /// The only instance (SQLite): delivers, no lease.
        case single
        /// Holds the lease: delivers.
        case leader
        /// Another instance holds the lease: loads the plan, answers, does not deliver.
        case follower
        /// The database cannot be reached and no lease runs: nobody here delivers.
        case unavailable
    }

    /// The last change of leader this instance saw.
    public struct Takeover: Sendable, Hashable, Codable {
        /// When the new leader took the lease (database time).
        public var at: Date
        /// The instance that held it before, if any.
        public var from: String?
        /// The instance that took it.
        public var to: String
        /// From the old leader's last renewal to the takeover: how long nobody delivered (at most
        /// the lease, when the old leader stopped renewing; less when its session ended).
        public var vacantSeconds: Double?

        public init(at: Date, from: String?, to: String, vacantSeconds: Double?) {
            self.at = at
            self.from = from
            self.to = to
            self.vacantSeconds = vacantSeconds
        }
    }

    /// What the status shows (status.json `leadership`, control `status`, metrics, STATUS=).
    public struct Snapshot: Sendable, Hashable, Codable {
        public var role: Role
        /// This instance's name.
        public var instance: String
        /// The instance holding the lease, when known.
        public var leader: String?
        /// Since when it holds it (database time).
        public var leaderSince: Date?
        /// The fencing token of the lease in force.
        public var token: Int64?
        /// The lease's length, seconds.
        public var leaseSeconds: Double?
        public var lastTakeover: Takeover?
        /// Why this instance does not deliver when it should be able to (database unreachable).
        public var problem: String?

        public init(
            role: Role, instance: String, leader: String? = nil, leaderSince: Date? = nil, token: Int64? = nil,
            leaseSeconds: Double? = nil, lastTakeover: Takeover? = nil, problem: String? = nil
        ) {
            self.role = role
            self.instance = instance
            self.leader = leader
            self.leaderSince = leaderSince
            self.token = token
            self.leaseSeconds = leaseSeconds
            self.lastTakeover = lastTakeover
            self.problem = problem
        }

        /// `leader (host-a)`, `follower of host-b`, `no leader: ...`; empty for a single instance.
        public var summary: String {
            switch role {
            case .single: return ""
            case .leader: return "leader (\(instance))"
            case .follower: return "follower (\(instance)) of \(leader ?? "nobody yet")"
            case .unavailable: return "not delivering (\(instance)): \(problem ?? "database unreachable")"
            }
        }
    }

    private struct State {
        var snapshot: Snapshot
        /// The end of the lease by this process's monotonic clock (a margin before the
        /// database's end), while it leads.
        var validUntil: ContinuousClock.Instant?
    }

    private let state: Mutex<State>

    public init(_ snapshot: Snapshot) {
        state = Mutex(State(snapshot: snapshot, validUntil: nil))
    }

    /// The one instance of an embedded (SQLite) store.
    public static func single() -> Leadership { Leadership(Snapshot(role: .single, instance: "")) }

    public var snapshot: Snapshot { state.withLock { $0.snapshot } }

    /// Whether this process may send what it claimed now: always for a single instance; for a
    /// shared store, only while its lease runs by its own clock. Checked right before sending, so
    /// a leader paused past its lease (SIGSTOP, a stalled VM) does not send once it wakes.
    public var maySend: Bool {
        state.withLock { state in
            switch state.snapshot.role {
            case .single: return true
            case .leader: return state.validUntil.map { ContinuousClock.now < $0 } ?? false
            case .follower, .unavailable: return false
            }
        }
    }

    /// The fencing token of the lease this process holds, if it leads.
    public var token: Int64? {
        state.withLock { $0.snapshot.role == .leader ? $0.snapshot.token : nil }
    }

    /// Records a new state; returns whether the role changed.
    @discardableResult
    func update(_ snapshot: Snapshot, validUntil: ContinuousClock.Instant?) -> Bool {
        state.withLock { state in
            let changed = state.snapshot.role != snapshot.role || state.snapshot.token != snapshot.token
            state.snapshot = snapshot
            state.validUntil = validUntil
            return changed
        }
    }
}
