import AlmanacHost
import AlmanacMail
import AlmanacStore
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// Journal message ids of the mail entries (units/almanac.catalog).
public enum MailMessageID {
    /// A mail was handed to the transport.
    public static let sent = "5c1e0f8a3b7d4e2a9f6c1d0b8e7a3f21"
    /// A temporary failure: the mail is retried later.
    public static let retry = "a4d2c6e8f0b14937a5e3c7d9b1f20846"
    /// A permanent failure, or retries given up: the mail is kept as `failed`.
    public static let failed = "e93b1a7c5d2f48608b4e6a2c9d1f7e35"
    /// A recipient unit has no mail address: its mail reminders cannot go out.
    public static let noAddress = "2f7a9c1e3b5d4f6081a3c5e7f9b1d2c4"
}

/// When a temporary failure is tried again: `initial`, doubled per attempt up to `maximum`; a
/// mail whose `maxAttempts`-th attempt fails becomes `failed` (kept for inspection;
/// `almanacctl outbox retry ID` queues it again with a fresh count). The defaults retry for
/// about three days: 1, 2, 4, ... 32 minutes, then hourly.
public struct MailRetryPolicy: Sendable, Hashable {
    public var initial: Duration
    public var maximum: Duration
    public var maxAttempts: Int

    public init(initial: Duration = .seconds(60), maximum: Duration = .seconds(3600), maxAttempts: Int = 80) {
        self.initial = initial
        self.maximum = maximum
        self.maxAttempts = maxAttempts
    }

    /// The wait after the `attempts`-th failed attempt (1-based): initial · 2^(attempts−1), capped.
    public func delay(afterAttempts attempts: Int) -> Duration {
        var delay = initial
        for _ in 1..<max(1, min(attempts, 40)) {
            delay = delay * 2
            if delay >= maximum { return maximum }
        }
        return min(delay, maximum)
    }
}

/// Which queued mail goes out now (pure). Mail leaves in the order it was queued, per recipient:
/// a mail waiting for its retry holds back every later mail to any of its recipients, so a unit
/// never receives the 1-day reminder before the 10-day one. Mail to other recipients goes on.
public enum OutboxPlanner {
    public struct Plan: Sendable, Hashable {
        /// Due now, in queue order.
        public var send: [OutboxEntry]
        /// The earliest retry time among the held-back mail.
        public var nextWakeup: Date?
    }

    public static func plan(queued: [OutboxEntry], now: Date) -> Plan {
        var blocked = Set<String>()
        var send: [OutboxEntry] = []
        var wake: Date?
        for entry in queued.sorted(by: { $0.id < $1.id }) {
            let recipients = Set(entry.message.recipients.map { $0.lowercased() })
            if !recipients.isDisjoint(with: blocked) { continue }
            if let next = entry.nextAttemptAt, next > now {
                blocked.formUnion(recipients)
                wake = min(wake ?? next, next)
                continue
            }
            send.append(entry)
        }
        return Plan(send: send, nextWakeup: wake)
    }
}

/// Sends the queued mail of the state database through the configured transport.
///
/// Delivery is at least once, never lost: a mail is in the outbox table (in the same transaction
/// that marks its reminder delivered) before anything is sent, and is marked sent only after
/// the transport accepted it. Right before the send the attempt is noted as handed to the
/// transport (``ChannelOutboxStore/markHanded(_:)``); a pass first settles the attempts noted
/// and never recorded (the process died during the send): they count as attempts, and the mail
/// goes again with `X-Almanac-Possible-Repeat: yes` and the same Message-ID (derived from the
/// reminder), and its journal entry says so. Only the one mail that was with the transport when
/// the process died can repeat; the file outbox does not write a file that is already there.
public struct OutboxService: Service {
    let store: any OutboxStore
    let transport: Result<any MailTransport, MailError>
    let policy: MailRetryPolicy
    let doorbell: Doorbell
    let logger: Logger
    let clock: any WallClock
    /// Only the instance that delivers sends the outbox (a shared store's leader).
    let leadership: Leadership
    /// Told the outbox's counts by state after every pass (the status follows them).
    let counted: (@Sendable ([String: Int], ContinuousClock.Instant) async -> Void)?

    public init(
        store: any OutboxStore, transport: Result<any MailTransport, MailError>, policy: MailRetryPolicy,
        doorbell: Doorbell, logger: Logger, clock: any WallClock = SystemClock(), leadership: Leadership = .single(),
        counted: (@Sendable ([String: Int], ContinuousClock.Instant) async -> Void)? = nil
    ) {
        self.counted = counted
        self.leadership = leadership
        self.store = store
        self.transport = transport
        self.policy = policy
        self.doorbell = doorbell
        self.logger = logger
        self.clock = clock
    }

    func now() -> Date { clock.now() }

    public func run() async throws {
        switch transport {
        case .failure(let error):
            logger.error(
                "mail transport unusable, mail stays queued until it is fixed",
                metadata: ["MESSAGE_ID": "\(MailMessageID.failed)", "error": "\(error)"])
        case .success(let transport as FileOutboxTransport):
            let removed = transport.removeStaleTemporaryFiles()
            if !removed.isEmpty {
                logger.notice(
                    "removed temporary files of interrupted writes from the mail outbox",
                    metadata: ["ALMANAC_OUTBOX": "\(transport.directory)", "ALMANAC_FILES": "\(removed.joined(separator: ","))"])
            }
        case .success: break
        }
        do {
            try await cancelWhenGracefulShutdown {
                while !Task.isCancelled {
                    let wake = await pass()
                    if let counted {
                        let store = self.store
                        let counting = await Self.offPool { (ContinuousClock.now, ScheduleView.outboxCounts(store)) }
                        if case .success(let (at, counts?)) = counting { await counted(counts, at) }
                    }
                    try await sleep(until: wake)
                }
            }
        } catch is CancellationError {
            // Graceful shutdown: a normal stop.
        }
    }

    /// Sleeps until `wake` (the next retry; forever when `nil`), or until the doorbell rings.
    func sleep(until wake: Date?) async throws {
        await doorbell.wait(until: wake, now: now)
        try Task.checkCancellation()
    }

    /// One pass over the outbox: sends what is due. Returns when to look again.
    @discardableResult
    public func pass() async -> Date? {
        guard case .success(let transport) = transport else { return nil }
        // A follower leaves the outbox to the leader; taking the lease rings the doorbell.
        guard leadership.maySend else { return nil }
        let queued: [OutboxEntry]
        do {
            for entry in try store.settleInterruptedSends(channels: ["mail"]) {
                logger.warning(
                    "mail send interrupted (the process ended during it): sending it again, marked as a possible repeat",
                    metadata: [
                        "ALMANAC_MAIL_ID": "\(entry.id)", "ALMANAC_MESSAGE_ID": "\(entry.message.messageID)",
                        "ALMANAC_ATTEMPT": "\(entry.attempts)", "ALMANAC_POSSIBLE_REPEAT": "1",
                    ])
            }
            queued = try store.queuedOutbox(channels: ["mail"], limit: 1000)
        } catch {
            logger.error("cannot read the mail outbox", metadata: ["error": "\(error)"])
            return now().addingTimeInterval(30)
        }
        var plan = OutboxPlanner.plan(queued: queued, now: now())
        var blocked = Set<String>()
        for entry in plan.send {
            if Task.isCancelled { break }
            // Checked before every send: a leader paused past its lease sends nothing once it wakes.
            guard leadership.maySend else { return nil }
            let recipients = entry.message.recipients.map { $0.lowercased() }
            if !blocked.isDisjoint(with: recipients) { continue }
            let envelope = Envelope(
                messageID: entry.message.messageID, sender: entry.message.sender, recipients: entry.message.recipients,
                data: entry.possibleRepeat ? MailMessage.markedAsPossibleRepeat(entry.message.rawMessage) : entry.message.rawMessage)
            // The last write before the send: a crash from here to the outcome's record makes
            // this attempt one in doubt, settled by the next pass.
            do {
                try store.markHanded([entry.id])
            } catch {
                logger.error(
                    "cannot note the send of a mail, not sending it now",
                    metadata: ["ALMANAC_MAIL_ID": "\(entry.id)", "error": "\(error)"])
                return now().addingTimeInterval(30)
            }
            let outcome: Result<MailSendReport, MailTransportError> = await Self.offPool { () throws(MailTransportError) in
                try transport.send(envelope)
            }
            let at = now()
            var metadata: Logger.Metadata = [
                "ALMANAC_MAIL_ID": "\(entry.id)",
                "ALMANAC_MESSAGE_ID": "\(entry.message.messageID)",
                "ALMANAC_RECIPIENTS": "\(entry.message.recipients.joined(separator: ","))",
                "ALMANAC_MAIL_TRANSPORT": "\(transport.name)",
                "ALMANAC_ATTEMPT": "\(entry.attempts + 1)",
            ]
            if entry.possibleRepeat { metadata["ALMANAC_POSSIBLE_REPEAT"] = "1" }
            let sentText = entry.possibleRepeat ? "mail sent again, marked as a possible repeat of an interrupted send" : "mail sent"
            do {
                // Recipients refused one by one: the permanent ones are given up (and reported),
                // the temporary ones tried again later, alone (the others have their copy).
                let failures: [RecipientFailure]
                switch outcome {
                case .success(let report): failures = report.failures
                case .failure(let error): failures = error.recipientFailures
                }
                let refused = failures.filter { $0.kind == .permanent }
                let again = failures.filter { $0.kind == .temporary }.map(\.address)
                if !refused.isEmpty { metadata["ALMANAC_REFUSED"] = "\(refused.map(\.address).joined(separator: ","))" }
                let canRetry = entry.attempts + 1 < policy.maxAttempts
                let retryAt = at.addingTimeInterval(Self.seconds(policy.delay(afterAttempts: entry.attempts + 1)))
                switch outcome {
                case .success where failures.isEmpty:
                    try store.markMailSent(entry.id, at: at)
                    metadata["MESSAGE_ID"] = "\(MailMessageID.sent)"
                    logger.notice("\(sentText)", metadata: metadata)
                case .success:
                    let detail = again.isEmpty ? nil : "refused for now: " + failures.filter { $0.kind == .temporary }.map(\.description).joined(separator: "; ")
                    try store.recordMailPartlySent(
                        entry.id, refused: refused.map(\.description), remaining: again, retryAt: canRetry ? retryAt : nil,
                        error: detail.map { canRetry ? $0 : "gave up after \(entry.attempts + 1) attempts: \($0)" }, at: at)
                    metadata["MESSAGE_ID"] = "\(MailMessageID.sent)"
                    logger.notice("\(sentText)", metadata: metadata)
                    if !again.isEmpty { reportDeferred(again, retryAt: canRetry ? retryAt : nil, metadata: metadata) }
                    if !again.isEmpty && canRetry {
                        plan.nextWakeup = min(plan.nextWakeup ?? retryAt, retryAt)
                        blocked.formUnion(again.map { $0.lowercased() })
                    }
                case .failure(let error) where !failures.isEmpty && !again.isEmpty && !refused.isEmpty:
                    // Nobody got it: the refused are given up, the rest tried again.
                    try store.recordMailPartlySent(
                        entry.id, refused: refused.map(\.description), remaining: again, retryAt: canRetry ? retryAt : nil,
                        error: canRetry ? error.description : "gave up after \(entry.attempts + 1) attempts: \(error)", at: at)
                    metadata["error"] = "\(error)"
                    reportDeferred(again, retryAt: canRetry ? retryAt : nil, metadata: metadata)
                    if canRetry {
                        plan.nextWakeup = min(plan.nextWakeup ?? retryAt, retryAt)
                        blocked.formUnion(again.map { $0.lowercased() })
                    }
                case .failure(let error):
                    metadata["error"] = "\(error)"
                    if let code = error.replyCode { metadata["ALMANAC_SMTP_REPLY"] = "\(code)" }
                    if error.kind == .temporary && canRetry {
                        try store.markMailAttemptFailed(entry.id, at: at, error: error.description, retryAt: retryAt)
                        metadata["MESSAGE_ID"] = "\(MailMessageID.retry)"
                        metadata["ALMANAC_RETRY_AT"] = "\(ISO8601DateFormatter().string(from: retryAt))"
                        logger.warning("mail not sent, will retry", metadata: metadata)
                        plan.nextWakeup = min(plan.nextWakeup ?? retryAt, retryAt)
                        blocked.formUnion(recipients)
                    } else {
                        let reason = error.kind == .temporary ? "gave up after \(entry.attempts + 1) attempts: \(error)" : error.description
                        try store.markMailAttemptFailed(entry.id, at: at, error: reason, retryAt: nil)
                        metadata["MESSAGE_ID"] = "\(MailMessageID.failed)"
                        logger.error("mail failed permanently, kept in the outbox", metadata: metadata)
                    }
                }
                for failure in refused { reportRefused(failure, metadata: metadata) }
            } catch {
                logger.error("cannot record the outcome of a mail", metadata: metadata.merging(["error": "\(error)"]) { $1 })
                return at.addingTimeInterval(30)
            }
        }
        return plan.nextWakeup
    }

    /// Recipients refused for now (4xx): a retry entry; the mail stays queued for them alone.
    func reportDeferred(_ addresses: [String], retryAt: Date?, metadata: Logger.Metadata) {
        var fields = metadata
        fields["ALMANAC_RECIPIENTS"] = "\(addresses.joined(separator: ","))"
        if let retryAt {
            fields["MESSAGE_ID"] = "\(MailMessageID.retry)"
            fields["ALMANAC_RETRY_AT"] = "\(ISO8601DateFormatter().string(from: retryAt))"
            logger.warning("mail recipients refused for now, will retry them", metadata: fields)
        } else {
            fields["MESSAGE_ID"] = "\(MailMessageID.failed)"
            logger.error("mail recipients refused for now, retries used up", metadata: fields)
        }
    }

    static func seconds(_ duration: Duration) -> TimeInterval {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    /// A recipient the server refused while it took the mail for the others: an error entry with
    /// the server's reply.
    func reportRefused(_ failure: RecipientFailure, metadata: Logger.Metadata) {
        var fields = metadata
        fields["MESSAGE_ID"] = "\(MailMessageID.failed)"
        fields["ALMANAC_RECIPIENT"] = "\(failure.address)"
        if let code = Int(failure.reply.prefix(3)), failure.reply.count > 3 { fields["ALMANAC_SMTP_REPLY"] = "\(code)" }
        fields["error"] = "\(failure.kind.rawValue) failure: \(failure.reply)"
        fields["ALMANAC_REFUSED"] = nil
        logger.error("mail recipient refused by the server", metadata: fields)
    }

    /// Runs a blocking send on a thread of its own, never on the cooperative pool.
    static func offPool<T: Sendable>(_ body: @escaping @Sendable () throws(MailTransportError) -> T) async -> Result<T, MailTransportError> {
        await withCheckedContinuation { continuation in
            Thread {
                do throws(MailTransportError) {
                    continuation.resume(returning: .success(try body()))
                } catch {
                    continuation.resume(returning: .failure(error))
                }
            }.start()
        }
    }
}

/// The transport the configuration names.
public enum MailTransports {
    public static func make(_ mail: DaemonConfiguration.Mail) -> Result<any MailTransport, MailError> {
        switch mail.transport {
        case .outbox:
            return .success(FileOutboxTransport(directory: mail.outbox))
        case .sendmail:
            return .success(SendmailTransport(program: mail.sendmailPath, arguments: mail.sendmailArguments))
        case .smtp:
            guard let url = mail.smtpURL else { return .failure(MailError(.configuration, "mail transport 'smtp' needs 'mail.smtp.url'")) }
            do {
                return .success(
                    try SMTPTransport(
                        SMTPConfiguration(
                            url: url, tls: mail.smtpTLS, username: mail.smtpUsername, passwordFile: mail.smtpPasswordFile,
                            connectTimeout: mail.smtpConnectTimeout, timeout: mail.smtpTimeout,
                            verifyCertificate: mail.smtpVerifyCertificate, caFile: mail.smtpCAFile)))
            } catch {
                return .failure(error)
            }
        }
    }
}

