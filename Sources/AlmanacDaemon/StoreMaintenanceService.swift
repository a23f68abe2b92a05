import AlmanacStore
import Foundation
import Logging
import ServiceLifecycle

/// Looks after the state database file (SQLite): a full disk, a read-only or otherwise unwritable
/// state directory and a write-ahead log that keeps growing become status problems with what to
/// do, and go away by themselves when the cause goes.
///
/// Woken by every write of the store, and then by a timer only while there is something to do:
/// while a write has failed for lack of room or permission, a probe write every `interval` tells
/// when writes work again, and the controller then wakes the scheduler and the outbox workers (no
/// restart); after writes, at most every `checkpointEvery` (at once when the log is over
/// `checkpointAbove`), the log is checkpointed and truncated. With nothing written since the last
/// checkpoint it sleeps until the next write. The controller hears of a change only (a fault
/// appearing or going, the log crossing `walLimit`).
public struct StoreMaintenanceService: Service {
    /// Above this the log is a problem (it could not be truncated: a reader holds it).
    public static let defaultWALLimit: Int64 = 64 << 20

    let controller: DaemonController
    let store: any StoreMaintenance
    let logger: Logger
    var interval: Duration = .seconds(5)
    var checkpointEvery: Duration = .seconds(60)
    var checkpointAbove: Int64 = 4 << 20
    var walLimit: Int64 = Self.defaultWALLimit
    /// Rung by every write of the store, from the moment the service is made.
    let written = Doorbell()

    public init(
        controller: DaemonController, store: any StoreMaintenance, logger: Logger, interval: Duration = .seconds(5),
        checkpointEvery: Duration = .seconds(60), walLimit: Int64 = Self.defaultWALLimit
    ) {
        self.controller = controller
        self.store = store
        self.logger = logger
        self.interval = interval
        self.checkpointEvery = checkpointEvery
        self.walLimit = walLimit
        store.observeWrites { [written] in written.ring() }
    }

    /// What the controller is told about: a change of one of these.
    struct Condition: Equatable {
        var fault: StoreError.Code?
        var walLarge: Bool
    }

    public func run() async throws {
        var reported = Condition(fault: nil, walLarge: false)
        var health = store.health()
        // The writes before the service ran (the start's) are checkpointed as later ones are.
        var checkpointedWrites = 0
        var lastCheckpoint = ContinuousClock.now
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            let pause = nextLook(health, checkpointedWrites: checkpointedWrites, lastCheckpoint: lastCheckpoint)
            await cancelWhenGracefulShutdown { await written.wait(atMost: pause) }
            if Task.isCancelled || Task.isShuttingDownGracefully { break }
            health = store.health()
            let due = ContinuousClock.now - lastCheckpoint >= checkpointEvery
            let checkpointNeeded =
                health.writeFailure == nil && health.writes != checkpointedWrites && (due || (health.walBytes ?? 0) > checkpointAbove)
            if health.writeFailure != nil || checkpointNeeded {
                let store = self.store
                let checkpointed: Bool
                (health, checkpointed) = await BlockingWork.run("almanac-store-check") { _ in
                    var health = store.health()
                    if health.writeFailure != nil {
                        try? store.probeWrite()
                        health = store.health()
                    }
                    var checkpointed = false
                    if health.writeFailure == nil && checkpointNeeded {
                        checkpointed = (try? store.checkpoint()) != nil
                        health = store.health()
                    }
                    return (health, checkpointed)
                }
                if checkpointed {
                    checkpointedWrites = health.writes
                    lastCheckpoint = ContinuousClock.now
                }
            }
            let condition = Condition(fault: health.writeFailure?.code, walLarge: (health.walBytes ?? 0) > walLimit)
            if condition != reported {
                reported = condition
                await controller.storeHealthChanged(health, walLimit: walLimit)
            }
        }
    }

    /// How long to wait before looking again unless a write comes first: every `interval` while
    /// writes fail or the log stays too large; when the checkpoint is due after writes not yet
    /// checkpointed; otherwise not at all (the next write wakes the service: an idle daemon has
    /// no wake-ups from here).
    func nextLook(_ health: StoreHealth, checkpointedWrites: Int, lastCheckpoint: ContinuousClock.Instant) -> Duration? {
        if health.writeFailure != nil || (health.walBytes ?? 0) > walLimit { return interval }
        if health.writes != checkpointedWrites {
            return max(.zero, checkpointEvery - (ContinuousClock.now - lastCheckpoint))
        }
        return nil
    }
}
