import AlmanacCalendar
import AlmanacHost
import AlmanacMail
import AlmanacRobots
import AlmanacStore
import Foundation
import Logging
import ServiceLifecycle

/// Journal message ids of the robot entries (units/almanac.catalog).
public enum RobotMessageID {
    /// A message (or a digest of several) was taken by a robot.
    public static let sent = "a00ad134c29c402089242b5c5e36dcc7"
    /// Not taken for now (network, 5xx, the service's rate limit): retried later.
    public static let retry = "5305a7321fc04e34979a6fd440b2780a"
    /// Failed for good: a permanent answer, retries used up, or the robot refuses almanac.
    public static let failed = "71ddea8452bd447eaa801aef155f26b8"
    /// A robot of the plan cannot be used (its secret file, its URL): found when the plan loads.
    public static let unusable = "c283cc61f11b4789a8145740abd7892a"
    /// `almanacctl send-test`: one test message through a destination, and its result.
    public static let test = "3f9c069e8db34703b99cd628299b099a"
}

/// Posts the queued robot messages of the outbox: per robot in queue order, within the robot's
/// rate limit (by waiting, and by merging into a digest what would exceed it), retried with
/// backoff on network errors, HTTP 5xx and 429 and the services' own rate-limit codes.
///
/// Like mail, at least once and never lost: a message is in the outbox before anything is
/// posted and marked sent only after the robot took it. Right before a request its messages are
/// noted as handed over; a pass first settles the requests noted and never recorded (the
/// process died during the request): they count as attempts and go again marked as possible
/// repeats (a note in the text, `X-Almanac-Possible-Repeat: yes` and `"possible_repeat":true`
/// for the webhook, which also carries the same delivery id, `X-Almanac-Delivery`).
public struct RobotOutboxService: Service {
    let store: any OutboxStore
    let robots: RobotDirectorySource
    let client: HTTPSClient
    let rate: RobotRateLimit
    let policy: MailRetryPolicy
    let concurrency: Int
    let templates: MailTemplateSource
    let doorbell: Doorbell
    let logger: Logger
    let clock: any WallClock
    /// Only the instance that delivers posts the outbox (a shared store's leader).
    let leadership: Leadership

    /// The channels of robot messages in the outbox.
    public static let channels = Set(RobotService.allCases.map(\.rawValue))

    public init(
        store: any OutboxStore, robots: RobotDirectorySource, client: HTTPSClient, rate: RobotRateLimit, policy: MailRetryPolicy,
        concurrency: Int = 4, templates: MailTemplateSource, doorbell: Doorbell, logger: Logger,
        clock: any WallClock = SystemClock(), leadership: Leadership = .single()
    ) {
        self.leadership = leadership
        self.store = store
        self.robots = robots
        self.client = client
        self.rate = rate
        self.policy = policy
        self.concurrency = max(1, concurrency)
        self.templates = templates
        self.doorbell = doorbell
        self.logger = logger
        self.clock = clock
    }

    func now() -> Date { clock.now() }

    public func run() async throws {
        do {
            try await cancelWhenGracefulShutdown {
                // The first look is when the scheduler's first pass rings: the robots of the plan
                // are known then, and a burst of reminders is queued whole.
                var wake: Date?
                while !Task.isCancelled {
                    await doorbell.wait(until: wake, now: now)
                    try Task.checkCancellation()
                    wake = await pass()
                }
            }
        } catch is CancellationError {
            // Graceful shutdown: a normal stop.
        }
    }

    /// One pass: every robot with queued messages, several robots at once. Returns when to
    /// look again.
    @discardableResult
    public func pass() async -> Date? {
        // No plan loaded yet: wait for it (loading rings the bell).
        guard let directory = robots.current else { return nil }
        // A follower leaves the outbox to the leader; taking the lease rings the doorbell.
        guard leadership.maySend else { return nil }
        let queued: [OutboxEntry]
        do {
            for entry in try store.settleInterruptedSends(channels: Self.channels) {
                logger.warning(
                    "robot message send interrupted (the process ended during it): sending it again, marked as a possible repeat",
                    metadata: [
                        "ALMANAC_DESTINATION": "\(entry.message.destination)", "ALMANAC_OUTBOX_IDS": "\(entry.id)",
                        "ALMANAC_ATTEMPT": "\(entry.attempts)", "ALMANAC_POSSIBLE_REPEAT": "1",
                    ])
            }
            queued = try store.queuedOutbox(channels: Self.channels, limit: 100_000)
        } catch {
            logger.error("cannot read the robot outbox", metadata: ["error": "\(error)"])
            return now().addingTimeInterval(30)
        }
        var order: [String] = []
        var byDestination: [String: [OutboxEntry]] = [:]
        for entry in queued {
            if byDestination[entry.message.destination] == nil { order.append(entry.message.destination) }
            byDestination[entry.message.destination, default: []].append(entry)
        }
        return await withTaskGroup(of: Date?.self) { group in
            var next = order.makeIterator()
            var wake: Date?
            func start() -> Bool {
                guard !Task.isCancelled, let destination = next.next() else { return false }
                let entries = byDestination[destination] ?? []
                group.addTask { await self.serve(destination, entries, directory: directory) }
                return true
            }
            for _ in 0..<concurrency where !start() { break }
            while let result = await group.next() {
                if let result { wake = min(wake ?? result, result) }
                _ = start()
            }
            return wake
        }
    }

    /// Sends what one robot may take now; returns when it should be looked at again.
    func serve(_ destination: String, _ entries: [OutboxEntry], directory: RobotDirectory) async -> Date? {
        guard let robot = directory.robots[destination], let endpoint = robot.endpoint else {
            let reason = directory.robots[destination]?.problem
                ?? "the robot \(destination) is no longer in the plan (messages queued for it are kept as failed)"
            failAll(destination, reason: reason, label: directory.robots[destination]?.label ?? destination, count: entries.count)
            return nil
        }
        let at = now()
        let history: [Date]
        do {
            history = try store.outboxRequests(destination: destination, since: at.addingTimeInterval(-rate.seconds))
        } catch {
            logger.error("cannot read the robot's requests", metadata: ["ALMANAC_ROBOT": "\(endpoint.label)", "error": "\(error)"])
            return at.addingTimeInterval(30)
        }
        var contents: [Int64: RobotContent] = [:]
        var broken: [OutboxEntry] = []
        for entry in entries {
            if let content = RobotContent.decode(entry.message.rawMessage) { contents[entry.id] = content } else { broken.append(entry) }
        }
        for entry in broken {
            record(endpoint, [entry], outcome: .failed(error: "the stored message cannot be read", retryAt: nil), at: at)
        }
        let usable = entries.filter { contents[$0.id] != nil }
        let plan = RobotSendPlanner.plan(
            queue: usable.map { RobotQueuedMessage(id: $0.id, size: contents[$0.id]?.size(for: endpoint.format) ?? 0, nextAttemptAt: $0.nextAttemptAt) },
            requestTimes: history, now: at, rate: rate,
            maxBatchBytes: endpoint.service.contentLimit(endpoint.format) - Self.batchOverhead)
        let byID = Dictionary(uniqueKeysWithValues: usable.map { ($0.id, $0) })
        var wake = plan.wakeAt
        for ids in plan.requests {
            if Task.isCancelled { break }
            // Checked before every request: a leader paused past its lease posts nothing once it wakes.
            guard leadership.maySend else { return nil }
            let carried = ids.compactMap { byID[$0] }
            let items = ids.compactMap { contents[$0] }
            var content = items.count == 1 ? items[0] : merged(items, language: endpoint.language)
            let possibleRepeat = carried.contains { $0.possibleRepeat }
            if possibleRepeat { content = content.markedAsPossibleRepeat(language: endpoint.language) }
            // The last write before the request: a crash from here to the outcome's record makes
            // these messages ones in doubt, settled by the next pass.
            do {
                try store.markHanded(carried.map(\.id))
            } catch {
                logger.error(
                    "cannot note the send of a robot message, not sending it now",
                    metadata: ["ALMANAC_ROBOT": "\(endpoint.label)", "error": "\(error)"])
                return now().addingTimeInterval(30)
            }
            let request = RobotRequestBuilder.request(endpoint, content, at: now())
            let result = await Self.offPool { client.post(request) }
            let outcome: RobotOutcome
            switch result {
            case .success(let response): outcome = RobotResponseClassifier.classify(endpoint.service, response)
            case .failure(let error): outcome = error.permanent ? .rejectedEndpoint(error.message) : .temporary(error.message)
            }
            let done = now()
            let attempts = (carried.map(\.attempts).max() ?? 0) + 1
            var fields: Logger.Metadata = [
                "ALMANAC_ROBOT": "\(endpoint.label)", "ALMANAC_DESTINATION": "\(destination)",
                "ALMANAC_CHANNEL": "\(endpoint.service.rawValue)", "ALMANAC_OUTBOX_IDS": "\(ids.map(String.init).joined(separator: ","))",
                "ALMANAC_DELIVERY": "\(content.delivery)", "ALMANAC_ATTEMPT": "\(attempts)",
            ]
            if items.count > 1 { fields["ALMANAC_MERGED"] = "\(items.count)" }
            if possibleRepeat { fields["ALMANAC_POSSIBLE_REPEAT"] = "1" }
            switch outcome {
            case .delivered:
                record(endpoint, carried, outcome: .sent, at: done)
                fields["MESSAGE_ID"] = "\(RobotMessageID.sent)"
                let sent = items.count > 1 ? "robot digest sent" : "robot message sent"
                logger.notice(
                    "\(possibleRepeat ? sent + " again, marked as a possible repeat of an interrupted send" : sent)", metadata: fields)
                continue
            case .rateLimited(let text), .temporary(let text):
                let isRate: Bool
                if case .rateLimited = outcome { isRate = true } else { isRate = false }
                fields["error"] = "\(text)"
                if attempts < policy.maxAttempts {
                    var delay = OutboxService.seconds(policy.delay(afterAttempts: attempts))
                    if isRate { delay = max(delay, rate.seconds) }
                    let retryAt = done.addingTimeInterval(delay)
                    record(endpoint, carried, outcome: .failed(error: text, retryAt: retryAt), at: done)
                    fields["MESSAGE_ID"] = "\(RobotMessageID.retry)"
                    fields["ALMANAC_RETRY_AT"] = "\(ISO8601DateFormatter().string(from: retryAt))"
                    logger.warning(isRate ? "robot rate limit hit, will retry" : "robot message not sent, will retry", metadata: fields)
                    wake = min(wake ?? retryAt, retryAt)
                } else {
                    record(endpoint, carried, outcome: .failed(error: "gave up after \(attempts) attempts: \(text)", retryAt: nil), at: done)
                    fields["MESSAGE_ID"] = "\(RobotMessageID.failed)"
                    logger.error("robot message failed, retries used up, kept in the outbox", metadata: fields)
                    continue
                }
            case .permanent(let text):
                record(endpoint, carried, outcome: .failed(error: text, retryAt: nil), at: done)
                fields["MESSAGE_ID"] = "\(RobotMessageID.failed)"
                fields["error"] = "\(text)"
                logger.error("robot refused the message, kept in the outbox", metadata: fields)
                continue
            case .rejectedEndpoint(let text):
                record(endpoint, carried, outcome: .failed(error: text, retryAt: nil), at: done)
                fields["MESSAGE_ID"] = "\(RobotMessageID.failed)"
                fields["error"] = "\(text)"
                logger.error("robot refuses almanac: every message waiting for it fails", metadata: fields)
                failAll(destination, reason: text, label: endpoint.label, count: nil)
            }
            // A message waiting for its retry holds back the ones behind it.
            break
        }
        return wake
    }

    /// Room a digest keeps for its heading and separators.
    static let batchOverhead = 400

    /// Several messages as one digest (the `batch` templates), mentioning everyone they mention.
    func merged(_ items: [RobotContent], language: RobotLanguage) -> RobotContent {
        let rendered = templates.current.renderRobot(
            .batch, language: language == .en ? .en : .zh,
            context: ["count": items.count, "messages": items.map { ["text": $0.text, "markdown": $0.markdown] as [String: Any] }])
        var mentions: [String] = []
        for mobile in items.flatMap(\.mentions) where !mentions.contains(mobile) { mentions.append(mobile) }
        let delivery = "batch:" + String(SHA256.hex(SHA256.hash(Array(items.map(\.delivery).joined(separator: "\n").utf8))).prefix(24))
        let events = items.compactMap(\.event)
        return RobotContent(
            kind: "batch", title: rendered.title, text: rendered.text, markdown: rendered.markdown, mentions: mentions,
            mentionAll: items.contains { $0.mentionAll },
            event: events.isEmpty ? nil : RobotContent.batchEvent(delivery: delivery, events: events), delivery: delivery)
    }

    func record(_ endpoint: RobotEndpoint, _ entries: [OutboxEntry], outcome: OutboxRequestOutcome, at: Date) {
        do {
            try store.recordOutboxRequest(destination: endpoint.key, entries: entries.map(\.id), outcome: outcome, at: at)
        } catch {
            logger.error(
                "cannot record the outcome of a robot message",
                metadata: ["ALMANAC_ROBOT": "\(endpoint.label)", "ALMANAC_OUTBOX_IDS": "\(entries.map(\.id))", "error": "\(error)"])
        }
    }

    func failAll(_ destination: String, reason: String, label: String, count: Int?) {
        do {
            let failed = try store.failQueuedOutbox(destination: destination, error: reason, at: now())
            if failed > 0 {
                logger.error(
                    "robot messages failed: the robot cannot be used",
                    metadata: [
                        "MESSAGE_ID": "\(RobotMessageID.failed)", "ALMANAC_ROBOT": "\(label)", "ALMANAC_DESTINATION": "\(destination)",
                        "ALMANAC_COUNT": "\(failed)", "error": "\(reason)",
                    ])
            }
        } catch {
            logger.error("cannot fail the robot's queue", metadata: ["ALMANAC_ROBOT": "\(label)", "error": "\(error)"])
        }
    }

    /// Runs a blocking request on a thread of its own, never on the cooperative pool.
    static func offPool<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            Thread { continuation.resume(returning: body()) }.start()
        }
    }
}
