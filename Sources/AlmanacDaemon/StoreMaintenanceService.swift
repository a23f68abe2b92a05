import AlmanacStore
import Foundation
import Logging
import ServiceLifecycle

/// Looks after the state database file (SQLite): a full disk, a read-only or otherwise unwritable
/// state directory and a write-ahead log that keeps growing become status problems with what to
/// do, and go away by themselves when the cause goes.
///
/// Every `interval`: while a write has failed for lack of room or permission, a probe write
/// tells when writes work again, and the controller then wakes the scheduler and the outbox
/// workers (no restart); after writes, at most every `checkpointEvery` (at once when the log is
/// over `checkpointAbove`), the log is checkpointed and truncated. The controller hears of a
/// change only (a fault appearing or going, the log crossing `walLimit`).
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
    }

    /// What the controller is told about: a change of one of these.
    struct Condition: Equatable {
        var fault: StoreError.Code?
        var walLarge: Bool
    }

    public func run() async throws {
        var reported = Condition(fault: nil, walLarge: false)
        var checkpointedWrites = store.health().writes
        var lastCheckpoint = ContinuousClock.now
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                try await cancelWhenGracefulShutdown { [interval] in try await Task.sleep(for: interval) }
            } catch {
                break
            }
            let store = self.store
            let due = ContinuousClock.now - lastCheckpoint >= checkpointEvery
            let (health, checkpointed) = await BlockingWork.run("almanac-store-check") { [checkpointAbove, checkpointedWrites] _ in
                var health = store.health()
                if health.writeFailure != nil {
                    try? store.probeWrite()
                    health = store.health()
                }
                var checkpointed = false
                if health.writeFailure == nil, health.writes != checkpointedWrites, due || (health.walBytes ?? 0) > checkpointAbove {
                    checkpointed = (try? store.checkpoint()) != nil
                    health = store.health()
                }
                return (health, checkpointed)
            }
            if checkpointed {
                checkpointedWrites = health.writes
                lastCheckpoint = ContinuousClock.now
            }
            let condition = Condition(fault: health.writeFailure?.code, walLarge: (health.walBytes ?? 0) > walLimit)
            if condition != reported {
                reported = condition
                await controller.storeHealthChanged(health, walLimit: walLimit)
            }
        }
    }
}
