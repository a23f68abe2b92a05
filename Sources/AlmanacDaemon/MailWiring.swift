import AlmanacCalendar
import AlmanacMail
import AlmanacPlan
import AlmanacScheduler
import AlmanacStore
import Foundation
import Logging

/// What the scheduler (which queues mail) and the outbox worker (which sends it) share: the
/// doorbell, the templates, the recipients reported as unreachable, the settings of `mail:`.
public struct MailWiring: Sendable {
    public let settings: DaemonConfiguration.Mail
    public let doorbell: Doorbell
    public let unreachable = UnreachableRecipients()
    public let templates: MailTemplateSource
    /// The group robots beside mail.
    public let robots: RobotWiring
    /// Where `send-test` finds the directory of the plan in force.
    let hub: ChannelHub?
    let logger: Logger

    /// Loads the templates (reporting errors with file:line:column; the built-in ones are used
    /// until a reload finds the directory's templates correct).
    /// - Parameter doorbell: The bell the outbox worker waits on; the controller's, so that a
    ///   retry requested over the control socket wakes the worker.
    public init(
        _ configuration: DaemonConfiguration, logger: Logger, doorbell: Doorbell = Doorbell(),
        robotDoorbell: Doorbell = Doorbell(), hub: ChannelHub? = nil
    ) {
        settings = configuration.mail
        self.doorbell = doorbell
        self.logger = logger
        robots = RobotWiring(configuration, logger: logger, doorbell: robotDoorbell)
        self.hub = hub
        hub?.install(mail: configuration.mail, robots: robots)
        let (source, error) = MailTemplateSource.load(directory: configuration.mail.templates)
        templates = source
        if let error { Self.report(error, logger: logger, kept: "the built-in templates") }
    }

    /// Reloads the override templates; a bad one keeps the templates in use.
    func reloadTemplates() {
        if let error = templates.reload() { Self.report(error, logger: logger, kept: "the templates in use") }
    }

    static func report(_ error: TemplateLoadError, logger: Logger, kept: String) {
        for diagnostic in error.diagnostics {
            logger.error(
                "mail template error, keeping \(kept)",
                metadata: [
                    "ALMANAC_TEMPLATE": "\(diagnostic.file)", "ALMANAC_TEMPLATE_LINE": "\(diagnostic.line)",
                    "ALMANAC_TEMPLATE_COLUMN": "\(diagnostic.column)", "error": "\(diagnostic)",
                ])
        }
    }

    /// The planner's digest setting.
    public var digestPolicy: DigestPolicy? {
        guard settings.digest else { return nil }
        return DigestPolicy(time: settings.digestTime, channels: [.mail])
    }

    /// The mail directory of `plan`: addresses from the expansion, names of units and leaders.
    /// - Parameter explain: How an occurrence's date was derived (the webhook's `explanation`).
    func directory(
        addresses: [String: [String]], plan: Plan?, explain: (@Sendable (OccurrenceID) -> [String])? = nil
    ) -> ReminderDispatcher.MailDirectory {
        var names: [String: String] = [:]
        for unit in plan?.units ?? [] {
            names[unit.id.value] = unit.name.value
            if let leader = unit.leader { names[ScheduleInput.leaderID(of: unit.id.value)] = leader.name.value }
        }
        let directory = ReminderDispatcher.MailDirectory(
            addresses: addresses, sender: settings.from, senderName: settings.fromName, names: names, cc: settings.cc,
            planName: plan?.info.name.value ?? "", timeZone: plan?.timeZone ?? ZonedTime.defaultZone,
            templates: templates, doorbell: doorbell, unreachable: unreachable, robots: robots.load(plan),
            robotDoorbell: robots.doorbell, explain: explain)
        hub?.update(directory)
        return directory
    }

    /// The robot worker for `store`.
    public func robotService(store: any OutboxStore, logger: Logger, leadership: Leadership = .single()) -> RobotOutboxService {
        robots.outboxService(store: store, templates: templates, logger: logger, leadership: leadership)
    }

    /// The outbox worker for `store`.
    /// - Parameter counted: Told the outbox's counts by state after each pass (the status).
    public func outboxService(
        store: any OutboxStore, logger: Logger, leadership: Leadership = .single(),
        counted: (@Sendable ([String: Int], ContinuousClock.Instant) async -> Void)? = nil
    ) -> OutboxService {
        OutboxService(
            store: store, transport: MailTransports.make(settings),
            policy: MailRetryPolicy(initial: settings.retryInitial, maximum: settings.retryMaximum, maxAttempts: settings.retryMaxAttempts),
            doorbell: doorbell, logger: logger, leadership: leadership, counted: counted)
    }
}
