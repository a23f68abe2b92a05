import AlmanacControl
import AlmanacMail
import AlmanacPlan
import AlmanacRobots
import AlmanacCalendar
import AlmanacScheduler
import AlmanacStore
import Foundation
import Logging
import Synchronization

/// What the scheduler (which queues robot messages), the robot worker (which posts them) and
/// `send-test` share: the robots of the plan in force, the HTTPS client, the rate limit, retries.
public struct RobotWiring: Sendable {
    public let settings: DaemonConfiguration.Robots
    public let source = RobotDirectorySource()
    public let doorbell: Doorbell
    public let client: HTTPSClient
    let logger: Logger
    /// The problems last reported, so a reload reports only what changed.
    private let reported = ReportedProblems()

    public init(_ configuration: DaemonConfiguration, logger: Logger, doorbell: Doorbell = Doorbell()) {
        settings = configuration.robots
        self.doorbell = doorbell
        self.logger = logger
        client = HTTPSClient(caFile: settings.caFile, connectTimeout: settings.connectTimeout, timeout: settings.timeout)
    }

    public var rate: RobotRateLimit { RobotRateLimit(limit: settings.rateLimit, window: settings.rateWindow) }

    /// Resolves the robots of `plan` (reading the secret files) and puts them in force. Robots
    /// that cannot be used are logged, once per problem.
    @discardableResult
    public func load(_ plan: Plan?) -> RobotDirectory {
        let directory = RobotDirectory.resolve(plan) { path in
            do throws(MailError) {
                return .success(try SecretFile.read(path, what: "robot secret file"))
            } catch {
                return .failure(error)
            }
        }
        // Before the first plan there is nothing to resolve, and nothing to judge the queue by.
        guard plan != nil else { return directory }
        // The scheduler's next pass rings the worker (ReminderDispatcher.perform).
        source.replace(with: directory)
        let problems = directory.problems
        let fresh = reported.replace(with: Set(problems.compactMap(\.problem)))
        let newProblems = problems.filter { fresh.contains($0.problem ?? "") }
        for robot in newProblems {
            logger.error(
                "robot unusable: its messages are kept as failed, nothing is sent to it",
                metadata: [
                    "MESSAGE_ID": "\(RobotMessageID.unusable)", "ALMANAC_ROBOT": "\(robot.label)",
                    "ALMANAC_DESTINATION": "\(robot.key)", "error": "\(robot.problem ?? "")",
                ])
        }
        if !directory.robots.isEmpty {
            logger.info(
                "group robots loaded",
                metadata: ["ALMANAC_ROBOTS": "\(directory.robots.count)", "ALMANAC_UNUSABLE": "\(problems.count)"])
        }
        return directory
    }

    /// The worker for `store`.
    public func outboxService(
        store: any OutboxStore, templates: MailTemplateSource, logger: Logger, leadership: Leadership = .single()
    ) -> RobotOutboxService {
        RobotOutboxService(
            store: store, robots: source, client: client, rate: rate,
            policy: MailRetryPolicy(initial: settings.retryInitial, maximum: settings.retryMaximum, maxAttempts: settings.retryMaxAttempts),
            concurrency: settings.concurrency, templates: templates, doorbell: doorbell, logger: logger, leadership: leadership)
    }
}

/// The robot problems reported last time.
final class ReportedProblems: Sendable {
    private let state = Mutex(Set<String>())

    /// Puts `problems` in place of the last ones and returns those not reported before.
    func replace(with problems: Set<String>) -> Set<String> {
        state.withLock { seen in
            defer { seen = problems }
            return problems.subtracting(seen)
        }
    }
}

/// Where `send-test` finds what it needs: the mail directory of the plan in force (addresses,
/// names, templates, robots), the mail settings and the robot wiring. The scheduler updates the
/// directory with every plan.
public final class ChannelHub: Sendable {
    struct Parts: Sendable {
        var directory: ReminderDispatcher.MailDirectory?
        var mail: DaemonConfiguration.Mail?
        var robots: RobotWiring?
    }

    private let parts = Mutex(Parts())

    public init() {}

    func install(mail: DaemonConfiguration.Mail, robots: RobotWiring) {
        parts.withLock {
            $0.mail = mail
            $0.robots = robots
        }
    }

    func update(_ directory: ReminderDispatcher.MailDirectory) { parts.withLock { $0.directory = directory } }

    /// Sends one test message through every destination of `request.unit` (or only those of
    /// `request.channel`) and says what each did. Mail goes straight to the transport and robot
    /// messages straight to the robot, not through the outbox, so the answer is immediate; a
    /// robot whose rate limit is used up is not posted to.
    func sendTest(_ request: SendTestRequest, store: any OutboxStore, now: Date, logger: Logger) async throws(ControlError) -> SendTestReport {
        let parts = parts.withLock { $0 }
        guard let directory = parts.directory, let mailSettings = parts.mail, let robots = parts.robots else {
            throw ControlError(.unavailable, "the daemon has not loaded a plan yet")
        }
        let unit = request.unit
        let known = Set(directory.names.keys).union(directory.addresses.keys).union(directory.robots.uses.keys)
        guard known.contains(unit) else {
            let units = directory.names.keys.filter { !$0.hasSuffix(".leader") }.sorted().prefix(12).joined(separator: ", ")
            throw ControlError(.notFound, "no unit '\(unit)' in the plan (units: \(units))")
        }
        let channels = ["mail"] + RobotService.allCases.map(\.rawValue)
        if let channel = request.channel, !channels.contains(channel) {
            throw ControlError(.badRequest, "unknown channel '\(channel)' (known: \(channels.joined(separator: ", ")))")
        }
        let stamp = ISO8601DateFormatter.string(from: now, timeZone: directory.timeZone, formatOptions: [.withInternetDateTime])
        var results: [SendTestResult] = []
        if request.channel == nil || request.channel == "mail" {
            results.append(await Self.testMail(unit, directory: directory, settings: mailSettings, stamp: stamp, now: now))
        }
        for use in directory.robots.uses[unit] ?? [] {
            guard let robot = directory.robots.robots[use.key], request.channel == nil || request.channel == robot.service.rawValue else {
                continue
            }
            results.append(
                await Self.testRobot(
                    robot, use: use, unit: unit, directory: directory, wiring: robots, store: store, stamp: stamp, now: now))
        }
        for result in results {
            logger.notice(
                result.ok ? "test message sent" : "test message not sent",
                metadata: [
                    "MESSAGE_ID": "\(RobotMessageID.test)", "ALMANAC_UNIT": "\(unit)", "ALMANAC_CHANNEL": "\(result.channel)",
                    "ALMANAC_DESTINATION": "\(result.destination)", "ALMANAC_OK": "\(result.ok ? 1 : 0)", "detail": "\(result.detail)",
                ])
        }
        return SendTestReport(unit: unit, results: results)
    }

    static func context(_ unit: String, destination: String, directory: ReminderDispatcher.MailDirectory, stamp: String) -> [String: Any] {
        ["recipient": directory.name(of: unit), "destination": destination, "now": stamp, "plan": directory.planName]
    }

    static func testMail(
        _ unit: String, directory: ReminderDispatcher.MailDirectory, settings: DaemonConfiguration.Mail, stamp: String, now: Date
    ) async -> SendTestResult {
        guard let to = directory.addresses[unit], !to.isEmpty else {
            return SendTestResult(channel: "mail", destination: "", ok: false, detail: "no mail address for \(unit): nothing sent")
        }
        let destination = to.joined(separator: ", ")
        let templates = directory.templates?.current ?? MailTemplateSource.builtIn
        let rendered = templates.render(.test, context: context(unit, destination: destination, directory: directory, stamp: stamp))
        let key = DeliveryID(occurrenceID: "*@test", reminderID: "test-\(Int(now.timeIntervalSince1970))", channel: "mail", recipient: unit)
        let message: OutboxMessage
        switch MailComposer.message(key: key, recipient: unit, to: to, rendered: rendered, mail: directory, date: now) {
        case .success(let composed): message = composed
        case .failure(let problem): return SendTestResult(channel: "mail", destination: destination, ok: false, detail: problem.description)
        }
        let transport: any MailTransport
        switch MailTransports.make(settings) {
        case .success(let made): transport = made
        case .failure(let error):
            return SendTestResult(channel: "mail", destination: destination, ok: false, detail: "mail transport unusable: \(error)")
        }
        let envelope = Envelope(messageID: message.messageID, sender: message.sender, recipients: message.recipients, data: message.rawMessage)
        switch await OutboxService.offPool({ () throws(MailTransportError) in try transport.send(envelope) }) {
        case .success(let report) where report.failures.isEmpty:
            return SendTestResult(channel: "mail", destination: destination, ok: true, detail: "accepted by \(transport.name)")
        case .success(let report):
            return SendTestResult(
                channel: "mail", destination: destination, ok: false,
                detail: "accepted by \(transport.name) except: " + report.failures.map(\.description).joined(separator: "; "))
        case .failure(let error):
            return SendTestResult(channel: "mail", destination: destination, ok: false, detail: error.description)
        }
    }

    static func testRobot(
        _ robot: RobotDirectory.Robot, use: RobotDirectory.Use, unit: String, directory: ReminderDispatcher.MailDirectory,
        wiring: RobotWiring, store: any OutboxStore, stamp: String, now: Date
    ) async -> SendTestResult {
        let channel = robot.service.rawValue
        guard let endpoint = robot.endpoint else {
            return SendTestResult(channel: channel, destination: robot.label, ok: false, detail: robot.problem ?? "unusable")
        }
        let shown = "\(robot.label) (\(endpoint.redactedURL))"
        let rate = wiring.rate
        if let recent = try? store.outboxRequests(destination: endpoint.key, since: now.addingTimeInterval(-rate.seconds)),
            recent.count >= rate.limit, let oldest = recent.first
        {
            let wait = Int(oldest.addingTimeInterval(rate.seconds).timeIntervalSince(now).rounded(.up))
            return SendTestResult(
                channel: channel, destination: shown, ok: false,
                detail: "not sent: \(rate.limit) messages went to this robot in the last \(Int(rate.seconds)) s; try again in \(wait) s")
        }
        let templates = directory.templates?.current ?? MailTemplateSource.builtIn
        let rendered = templates.renderRobot(
            .test, language: endpoint.language == .en ? .en : .zh,
            context: context(unit, destination: robot.label, directory: directory, stamp: stamp))
        let delivery = "test:\(unit):\(Int(now.timeIntervalSince1970))"
        let event = JSONValue.object([
            ("schema", "almanac.test/1"), ("delivery", .string(delivery)), ("kind", "test"), ("plan", .string(directory.planName)),
            ("recipient", RobotComposer.person(unit, mail: directory)), ("text", .string(rendered.text)),
        ]).text
        let content = RobotContent(
            kind: "test", title: rendered.title, text: rendered.text, markdown: rendered.markdown, mentions: use.mentions,
            mentionAll: false, event: event, delivery: delivery)
        let request = RobotRequestBuilder.request(endpoint, content, at: now)
        let client = wiring.client
        let result = await RobotOutboxService.offPool { client.post(request) }
        let outcome: RobotOutcome
        switch result {
        case .success(let response): outcome = RobotResponseClassifier.classify(endpoint.service, response)
        case .failure(let error): outcome = error.permanent ? .rejectedEndpoint(error.message) : .temporary(error.message)
        }
        // The robot counts this request too: so does its rate limit.
        try? store.recordOutboxRequest(destination: endpoint.key, entries: [], outcome: .sent, at: now)
        if case .delivered = outcome {
            return SendTestResult(channel: channel, destination: shown, ok: true, detail: "taken by \(robot.service.displayName)")
        }
        return SendTestResult(channel: channel, destination: shown, ok: false, detail: outcome.text)
    }
}
