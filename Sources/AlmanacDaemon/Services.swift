import AlmanacSystemd
import Foundation
import Logging
import ServiceLifecycle
import UnixSignals

/// The daemon's own service: announces readiness once the group runs (signal handlers are in
/// place by then), waits for the graceful shutdown, then says STOPPING=1.
struct LifecycleService: Service {
    let controller: DaemonController

    func run() async throws {
        await controller.announceReady()
        // Throws only when the task is cancelled, which ends the daemon the same way.
        try? await gracefulShutdown()
        await controller.beginShutdown()
    }
}

/// Bounds the whole shutdown: once it begins, a thread of its own (it must fire even when every
/// cooperative thread is busy) waits `limit` and then ends the process with status 70
/// (EX_SOFTWARE), logged, instead of ServiceLifecycle's fatal error (SIGILL) when cancellation
/// takes longer than allowed. The last service of the group: the first told of the shutdown.
struct ShutdownDeadlineService: Service {
    let limit: Duration
    let logger: Logger

    func run() async throws {
        try? await gracefulShutdown()
        let (limit, logger) = (limit, logger)
        let thread = Thread {
            Thread.sleep(forTimeInterval: Double(limit.components.seconds) + Double(limit.components.attoseconds) / 1e18)
            logger.critical("shutdown did not finish within \(limit): exiting with status 70")
            _exit(70)
        }
        thread.start()
    }
}

/// Reloads the plan on every SIGHUP until the graceful shutdown.
struct HangupService: Service {
    /// Created before READY=1 so that a SIGHUP right after readiness cannot kill the process.
    let hangups: UnixSignalsSequence
    let controller: DaemonController
    let logger: Logger

    func run() async throws {
        for await _ in hangups.cancelOnGracefulShutdown() {
            logger.info("SIGHUP: reloading the plan")
            await controller.reload()
        }
    }
}

/// Sends WATCHDOG=1 at half the interval systemd asked for (`WatchdogSec=`).
struct WatchdogService: Service {
    let interval: Duration
    let notifier: SystemdNotifier

    func run() async throws {
        notifier.watchdog()
        do {
            try await cancelWhenGracefulShutdown {
                while !Task.isCancelled {
                    try await Task.sleep(for: interval)
                    notifier.watchdog()
                }
            }
        } catch is CancellationError {
            // The graceful shutdown cancels the sleep: a normal stop, not a failure of the group.
        }
    }
}
