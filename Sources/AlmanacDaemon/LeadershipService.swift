import AlmanacStore
import Foundation
import Glibc
import Logging
import ServiceLifecycle

/// Runs the lease of a shared (PostgreSQL) store: the elector's thread takes, renews and gives up
/// the lease; its reports reach the controller (status, journal, the scheduler's re-plan) and the
/// changes other instances made (marks, progress, queued mail, the ledger) reach this instance's
/// services. At the graceful shutdown the lease is given up, so another instance takes over at
/// once instead of when the lease ends.
struct LeadershipService: Service {
    let store: PostgresStateStore
    let controller: DaemonController
    let logger: Logger

    func run() async throws {
        let (events, continuation) = AsyncStream.makeStream(of: PostgresLeaderElector.Event.self, bufferingPolicy: .unbounded)
        let elector = PostgresLeaderElector(
            store: store, instance: store.leadership.snapshot.instance, lease: store.settings.lease
        ) { event in continuation.yield(event) }
        elector.start()
        await withGracefulShutdownHandler {
            for await event in events {
                switch event {
                case .leadership(let snapshot): await controller.leadershipChanged(snapshot)
                case .marks(let ids): await controller.recordedElsewhere(marks: ids, progress: [])
                case .progress(let ids): await controller.recordedElsewhere(marks: [], progress: ids)
                case .outbox:
                    controller.mailDoorbell.ring()
                    controller.robotDoorbell.ring()
                case .ledger: await controller.ledgerChangedElsewhere()
                }
            }
        } onGracefulShutdown: {
            // Stopping waits for the elector's thread (it gives up the lease): not on the pool.
            Thread {
                elector.stop()
                continuation.finish()
            }.start()
        }
        logger.info("lease given up")
    }

    static func hostName() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count) == 0 else { return "almanacd" }
        let name = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return name.isEmpty ? "almanacd" : name
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
