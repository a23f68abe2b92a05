import AlmanacCalendar
import AlmanacHost
import AlmanacScheduler
import AlmanacStore
import AlmanacTestSupport
import Foundation
import Logging
import Testing

@testable import AlmanacDaemon

/// The daemon's controller and its real scheduler service, in process, on a manual clock: the
/// test moves the clock and the scheduler wakes exactly as it would at those instants, with
/// nothing sleeping. ``advance(to:)`` steps through every wake-up up to an instant and waits
/// until the scheduler has handled each (its status view is for that instant).
final class InProcessDaemon: Sendable {
    let controller: DaemonController
    let clock: ManualClock
    let timer: ManualTimer
    let statusChanges: AsyncStream<Void>
    private let service: Task<Void, Never>

    init(configuration: DaemonConfiguration, at start: Date, logger: Logger = quietLogger) async throws {
        let clock = ManualClock(start)
        self.clock = clock
        let store = Result<any StateStore, StoreError> { () throws(StoreError) in
            try SQLiteStateStore(path: configuration.databasePath)
        }
        let controller = DaemonController(configuration: configuration, store: store, logger: logger, clock: clock)
        self.controller = controller
        let events = await controller.subscribe()
        statusChanges = await controller.subscribeStatus()
        await controller.start(controlActivated: false)
        let mail = MailWiring(configuration, logger: logger)
        let core = SchedulerCore(
            configuration: PlannerConfiguration(
                timeZone: ZonedTime.defaultZone, deliveryTime: configuration.deliveryTime,
                catchUpWindow: Double(configuration.catchUp.components.seconds)),
            store: controller.store, logger: logger, mail: mail)
        let timer = ManualTimer(clock: clock)
        self.timer = timer
        let scheduler = SchedulerService(controller: controller, events: events, core: core, timer: timer, logger: logger)
        service = Task { try? await scheduler.run() }
        try await settle(at: start)
    }

    /// Waits until the scheduler's view is for `instant` (it handled the wake-up at it).
    func settle(at instant: Date) async throws {
        let controller = self.controller
        try await waitUntil("the scheduler's view at \(instant)") {
            guard let view = controller.scheduleView else { return false }
            return view.at == instant && view.generation == controller.generation.number
        }
        // The view is kept before status.json is written, in the same call on the controller's
        // actor: a call on the actor returns once that write is done.
        _ = await controller.configuration
    }

    /// Waits for `condition`, re-checking after every change of the status (the controller signals
    /// each); fails the test after `guardSeconds` (a guard against hangs, far above the
    /// milliseconds this takes). One wait at a time: the status changes are one stream.
    func waitUntil(_ what: String, guardSeconds: Double = 120, _ condition: @escaping @Sendable () -> Bool) async throws {
        try await waitFor(what, changes: statusChanges, hangGuard: .seconds(guardSeconds), condition)
    }

    /// Moves the clock through every wake-up the scheduler asks for up to `end`, then to `end`.
    func advance(to end: Date) async throws {
        while let armed = timer.armed, armed <= end {
            clock.set(armed)
            try await settle(at: armed)
        }
        clock.set(end)
    }

    func stop() async {
        await controller.beginShutdown()
        timer.stop()
        service.cancel()
        _ = await service.value
    }
}
