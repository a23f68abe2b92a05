import AlmanacControl
import AlmanacStore
import AlmanacSystemd
import Foundation
import Logging
import ServiceLifecycle
import Synchronization
import UnixSignals

/// Why the daemon could not run at all (bad configuration is reported before this).
public struct DaemonStartError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable {
        case cannotCreateDirectory = "cannot-create-directory"
        case socketActivation = "socket-activation"
        case controlSocket = "control-socket"
        case timer = "timer"
    }

    public var code: Code
    public var detail: String

    public var description: String { "\(detail) [\(code.rawValue)]" }
}

/// Runs almanacd: opens the state, loads the plan, adopts the control socket, announces
/// readiness and runs the services until SIGTERM/SIGINT (graceful, bounded by
/// `shutdown_timeout`). SIGHUP reloads the plan.
public enum Daemon {
    /// SIGTERM and SIGINT as a sequence; from now on they no longer end the process by themselves.
    public static func trapTerminations() async -> UnixSignalsSequence {
        await UnixSignalsSequence(trapping: .sigterm, .sigint)
    }

    /// SIGHUP as a sequence; one that comes before the services run is read by the reload service
    /// once they do (a reload right after the start) instead of ending the process.
    public static func trapHangups() async -> UnixSignalsSequence {
        await UnixSignalsSequence(trapping: .sighup)
    }

    /// Runs until shut down. Returns normally on a clean shutdown.
    /// - Parameter environment: The process environment, for reading the configuration file again
    ///   on reload (same defaults as at start).
    /// - Parameter terminations: SIGTERM and SIGINT, trapped as early as the caller could (before
    ///   reading the configuration); trapped here when not given.
    /// - Parameter hangups: SIGHUP, likewise; trapped here when not given.
    public static func run(
        configuration: DaemonConfiguration, environment: [String: String], logger: Logger,
        terminations: UnixSignalsSequence? = nil, hangups: UnixSignalsSequence? = nil
    ) async throws {
        MemoryRelease.limitArenas()
        // SIGTERM and SIGINT are trapped from the first moment: the group's own handlers come
        // only when it runs, after the plan is loaded (seconds for a large plan), and until then
        // the signal would kill the process (status 143, no STOPPING=1). A signal now abandons
        // the load and stops the daemon the normal way; later it also reaches the group.
        let terminations = if let terminations { terminations } else { await Self.trapTerminations() }
        let hangups = if let hangups { hangups } else { await Self.trapHangups() }
        let notifier = SystemdNotifier()
        if environment["NOTIFY_SOCKET"] != nil || environment["LISTEN_FDS"] != nil, let problem = LibSystemd.problem {
            // Run by systemd without its library: no READY=1 and no passed socket will be seen.
            logger.error(
                "libsystemd cannot be loaded: no notifications to systemd, no socket from it",
                metadata: ["error": "\(problem)"])
        }
        for directory in [configuration.stateDirectory, configuration.runtimeDirectory] {
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            } catch {
                throw DaemonStartError(code: .cannotCreateDirectory, detail: "cannot create \(directory): \(error.localizedDescription)")
            }
        }

        let store: Result<any StateStore, StoreError>
        let leadership: Leadership
        var shared: PostgresStateStore?
        if let postgres = configuration.postgres {
            // A shared store: opening does not connect; the lease service connects, migrates and
            // elects, and nothing is delivered until this instance holds the lease.
            let instance = postgres.instance ?? LeadershipService.hostName()
            leadership = Leadership(
                Leadership.Snapshot(
                    role: .unavailable, instance: instance, leaseSeconds: LeadershipService.seconds(postgres.lease),
                    problem: "connecting to \(postgres.displayURL)"))
            let opened = PostgresStateStore(settings: postgres, leadership: leadership, applicationName: "almanacd \(instance)")
            shared = opened
            store = .success(opened)
            logger.info(
                "state in PostgreSQL, shared with other instances",
                metadata: ["ALMANAC_STATE": "\(postgres.displayURL)", "ALMANAC_INSTANCE": "\(instance)",
                           "ALMANAC_LEASE": "\(ConfigurationLoader.format(postgres.lease))"])
        } else {
            leadership = .single()
            do {
                store = .success(try SQLiteStateStore(path: configuration.databasePath))
            } catch {
                store = .failure(error)
            }
        }

        let listeningSocket: Int32?
        do {
            listeningSocket = try SocketActivation.adoptListeningSocket()
        } catch {
            throw DaemonStartError(code: .socketActivation, detail: error.description)
        }
        if let listeningSocket {
            logger.info("control socket passed by systemd", metadata: ["ALMANAC_FD": "\(listeningSocket)"])
        }

        let file = configuration.file
        let controller = DaemonController(
            configuration: configuration, store: store,
            reloadConfiguration: { ConfigurationLoader.load(file: file, environment: environment) },
            environment: environment, notifier: notifier, logger: logger, leadership: leadership)
        // Every listener subscribes before the first plan is announced.
        let schedulerEvents = await controller.subscribe()
        let publisherEvents = await controller.subscribe()
        let statusChanges = await controller.subscribeStatus()
        let startup = Task { await controller.start(controlActivated: listeningSocket != nil) }
        let runningGroup = Mutex<ServiceGroup?>(nil)
        let earlyStop = Task {
            for await signal in terminations {
                logger.info("\(signal): stopping")
                startup.cancel()
                await controller.beginShutdown()
                await runningGroup.withLock { $0 }?.triggerGracefulShutdown()
            }
        }
        defer { earlyStop.cancel() }
        await startup.value

        // Bound (or adopted) before READY=1, so a client that starts after readiness finds it.
        let control = DaemonControlHandler.makeServer(controller: controller, listeningSocket: listeningSocket, logger: logger)
        let controlListener: ControlListener
        do {
            controlListener = try await control.bind()
        } catch {
            throw DaemonStartError(code: .controlSocket, detail: "control socket: \(error)")
        }

        // ServiceLifecycle tells the services of the shutdown one at a time, from the last of this
        // list to the first, each after the one before it has finished. The first told (the end of
        // the list): the deadline, then the lifecycle (STOPPING=1 at once, a reload under way
        // cancelled), then the SIGHUP reloads; the services that wind down work come after them.
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = []
        let mail = MailWiring(
            configuration, logger: logger, doorbell: controller.mailDoorbell, robotDoorbell: controller.robotDoorbell,
            hub: controller.channels)
        let scheduler: SchedulerService
        do {
            scheduler = try SchedulerService.make(controller: controller, events: schedulerEvents, logger: logger, mail: mail)
        } catch {
            throw DaemonStartError(code: .timer, detail: "\(error)")
        }
        services.append(.init(service: scheduler, successTerminationBehavior: .ignore, serviceName: "scheduler"))
        services.append(
            .init(
                service: mail.outboxService(
                    store: controller.store, logger: logger, leadership: leadership,
                    counted: { [controller] counts, at in await controller.outboxChanged(counts, countedAt: at) }),
                successTerminationBehavior: .ignore, serviceName: "outbox"))
        services.append(
            .init(service: mail.robotService(store: controller.store, logger: logger, leadership: leadership), successTerminationBehavior: .ignore, serviceName: "robots"))
        services.append(
            .init(
                service: ControlService(server: control, listener: controlListener), successTerminationBehavior: .ignore,
                serviceName: "control"))
        services.append(
            .init(
                service: PublishService(
                    controller: controller, publisher: FeedPublisher(logger: logger), events: publisherEvents,
                    statusChanges: statusChanges),
                successTerminationBehavior: .ignore, serviceName: "publish"))
        if let shared {
            services.append(
                .init(
                    service: LeadershipService(store: shared, controller: controller, logger: logger),
                    successTerminationBehavior: .ignore, serviceName: "lease"))
        }
        // The database file (not the in-memory fallback, not PostgreSQL) is looked after: resource
        // faults as status problems that clear by themselves, the write-ahead log kept small.
        let database = (controller.store as? SQLiteStateStore).flatMap { $0.path == nil ? nil : $0 }
        if let database {
            services.append(
                .init(
                    service: StoreMaintenanceService(controller: controller, store: database, logger: logger),
                    successTerminationBehavior: .ignore, serviceName: "store-maintenance"))
        }
        if let interval = notifier.watchdogPingInterval() {
            logger.info("watchdog enabled", metadata: ["ALMANAC_WATCHDOG_PING": "\(interval)"])
            services.append(
                .init(
                    service: WatchdogService(interval: interval, notifier: notifier), successTerminationBehavior: .ignore,
                    serviceName: "watchdog"))
        }

        services.append(
            .init(
                service: HangupService(hangups: hangups, controller: controller, logger: logger),
                successTerminationBehavior: .ignore, serviceName: "reload-on-sighup"))
        services.append(
            .init(
                service: LifecycleService(controller: controller), successTerminationBehavior: .gracefullyShutdownGroup,
                serviceName: "lifecycle"))
        // Last, so that it is the first told of the shutdown.
        services.append(
            .init(
                service: ShutdownDeadlineService(limit: configuration.shutdownTimeout + .seconds(2), logger: logger),
                successTerminationBehavior: .ignore, serviceName: "shutdown-deadline"))
        var groupConfiguration = ServiceGroupConfiguration(
            services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        groupConfiguration.maximumGracefulShutdownDuration = configuration.shutdownTimeout
        // No limit on the cancellation here: ServiceLifecycle ends an overrun with a fatal error
        // (SIGILL); ShutdownDeadlineService ends it with a logged exit instead.
        groupConfiguration.maximumCancellationDuration = nil
        let group = ServiceGroup(configuration: groupConfiguration)
        runningGroup.withLock { $0 = group }
        // Stopped while starting: the services start and are told to stop at once (a group told
        // before it runs remembers it), so the stop takes the one path every stop takes.
        if controller.stopping.isCancelled { await group.triggerGracefulShutdown() }
        // The control server owns the adopted socket and closes it.
        do {
            try await group.run()
        } catch {
            logger.error("shutdown did not complete cleanly", metadata: ["error": "\(error)"])
            try? database?.checkpoint()
            await controller.finishShutdown()
            throw error
        }
        // Everything written is in the database file: the log is left empty.
        do { try database?.checkpoint() } catch {
            logger.warning("cannot checkpoint the state database at exit", metadata: ["error": "\(error)"])
        }
        await controller.finishShutdown()
        logger.info("stopped")
    }
}
