import AlmanacCalendar
import AlmanacHost
import AlmanacMail
import AlmanacPlan
import AlmanacScheduler
import AlmanacStore
import AlmanacTestSupport
import Foundation
import Logging
import Testing

@testable import AlmanacDaemon

#if canImport(Glibc)
import Glibc
#endif

/// A real SQLite file in a fresh directory.
func temporaryStore(_ label: String = "outbox-store") throws -> (SQLiteStateStore, String) {
    let directory = try mailTestDirectory(label)
    return (try SQLiteStateStore(path: directory + "/state.db"), directory)
}

/// Queues `count` Chinese reminders, the `index`th for `recipient(index)`, built the way the
/// dispatcher builds them; returns their Message-IDs.
func queue(
    _ store: some StateStore, count: Int, recipient: (Int) -> String = { _ in "wmb@example.org" }, offset: Int = 0
) throws -> [String] {
    var ids: [String] = []
    for index in offset..<(offset + count) {
        let message = MailMessage(
            from: try MailAddress("almanac@example.org", name: "扎赉诺尔区"), to: [try MailAddress(recipient(index), name: "区文明办")],
            subject: "【提醒】第\(index)项：网吧检查", text: "第\(index)项提醒，请按时办理。\n", date: Date(timeIntervalSince1970: 1_800_000_000),
            identity: "netcafe@2027-01-\(10 + index)/-1d/mail/\(recipient(index))")
        try store.enqueueMail(
            OutboxMessage(
                messageID: message.messageID, sender: "almanac@example.org", recipients: message.envelopeRecipients,
                subject: message.subject, rawMessage: try message.render()),
            delivery: nil, at: Date())
        ids.append(message.messageID)
    }
    return ids
}

/// Runs passes as the worker does, each at the retry the last one asked for (the service's
/// manual `clock` is moved there: no time has to pass), until nothing is queued. `passes` only
/// stops a test that would loop for ever.
private func drain(_ service: OutboxService, _ store: some StateStore, clock: ManualClock, passes: Int = 200) async throws {
    for _ in 0..<passes {
        let wake = await service.pass()
        if (try store.mailCounts()[.queued] ?? 0) == 0 { return }
        guard let wake else { break }
        clock.set(max(wake, clock.now()))
    }
    Issue.record("mail still queued after \(passes) passes: \(try store.mailCounts())")
}

private let fastRetry = MailRetryPolicy(initial: .milliseconds(200), maximum: .seconds(1), maxAttempts: 50)

@Suite struct OutboxPlanningTests {
    @Test func backoffDoublesUpToTheMaximum() {
        let policy = MailRetryPolicy(initial: .seconds(60), maximum: .seconds(3600), maxAttempts: 80)
        #expect((1...8).map { policy.delay(afterAttempts: $0) } == [
            .seconds(60), .seconds(120), .seconds(240), .seconds(480), .seconds(960), .seconds(1920), .seconds(3600), .seconds(3600),
        ])
    }

    private func entry(_ id: Int64, _ recipients: [String], next: TimeInterval) -> OutboxEntry {
        OutboxEntry(
            id: id, message: OutboxMessage(messageID: "<\(id)@x>", sender: "a@x.org", recipients: recipients, subject: "", rawMessage: ""),
            state: .queued, deliveryID: nil, attempts: 0, createdAt: Date(timeIntervalSince1970: 0),
            nextAttemptAt: Date(timeIntervalSince1970: next), sentAt: nil, lastError: nil)
    }

    @Test func aWaitingMailHoldsBackLaterMailToTheSameRecipientOnly() {
        let plan = OutboxPlanner.plan(
            queued: [
                entry(4, ["b@x.org"], next: 10), entry(1, ["a@x.org"], next: 500), entry(2, ["A@x.org"], next: 10),
                entry(3, ["b@x.org", "c@x.org"], next: 10), entry(5, ["c@x.org"], next: 10),
            ],
            now: Date(timeIntervalSince1970: 100))
        #expect(plan.send.map(\.id) == [3, 4, 5])
        #expect(plan.nextWakeup == Date(timeIntervalSince1970: 500))
    }
}

/// The outbox worker's doorbell: no polling, so a ring must never be lost and a waiting worker
/// must stop waiting when its task is cancelled (graceful shutdown).
@Suite struct MailDoorbellTests {
    @Test func aRingBeforeTheWaitIsKept() async {
        let bell = Doorbell()
        bell.ring()
        await bell.wait()
    }

    @Test func aRingWakesTheWaiter() async {
        let bell = Doorbell()
        let (parked, signal) = AsyncStream.makeStream(of: Void.self)
        let waiter = Task { await bell.wait(parked: { signal.yield() }); return true }
        for await _ in parked { break }
        bell.ring()
        #expect(await waiter.value)
    }

    @Test func cancellationEndsTheWait() async {
        let bell = Doorbell()
        let (parked, signal) = AsyncStream.makeStream(of: Void.self)
        let waiter = Task { await bell.wait(parked: { signal.yield() }); return Task.isCancelled }
        for await _ in parked { break }
        waiter.cancel()
        #expect(await waiter.value)
    }
}

@Suite(.serialized) struct OutboxServiceTests {
    @Test func aServerAnswering4xxForAWhileGetsEveryMailOnceInOrder() async throws {
        let (store, directory) = try temporaryStore()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let server = try await SMTPTestServer(arguments: ["--fail-first", "3", "--fail-code", "451"])
        let ids = try queue(store, count: 5)
        let log = CapturedLog()
        let clock = ManualClock(Date())
        let service = OutboxService(
            store: store, transport: .success(try SMTPTransport(SMTPConfiguration(url: server.url, tls: .none))),
            policy: fastRetry, doorbell: Doorbell(), logger: log.logger, clock: clock)
        try await drain(service, store, clock: clock)
        let received = await server.waitForMessages(5)
        #expect(received.compactMap { $0.envelope["message_id"] as? String } == ids)
        let path = received[0].path
        let first = try await offPool { try parseWithPython(path) }
        #expect(first.headers["subject"] == ["【提醒】第0项：网吧检查"])
        #expect(first.text == "第0项提醒，请按时办理。\n")
        #expect(try store.mailCounts() == [.sent: 5])
        let sent = try store.outbox(state: .sent, limit: 10)
        #expect(sent.map(\.attempts) == [4, 1, 1, 1, 1])
        // The journal: three retries and five sends, each with its Message-ID.
        let retries = log.entries.filter { $0.metadata["MESSAGE_ID"] == "\(MailMessageID.retry)" }
        let sends = log.entries.filter { $0.metadata["MESSAGE_ID"] == "\(MailMessageID.sent)" }
        #expect(retries.count == 3)
        #expect(retries.allSatisfy { $0.metadata["ALMANAC_MESSAGE_ID"] == "\(ids[0])" && $0.metadata["ALMANAC_SMTP_REPLY"] == "451" })
        #expect(sends.compactMap { $0.metadata["ALMANAC_MESSAGE_ID"].map { "\($0)" } } == ids)
        await server.stop()
    }

    @Test func serverDownAcrossARestartLosesNothing() async throws {
        let (store, directory) = try temporaryStore()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // Learn a free port, then leave it closed: the server is down.
        let probe = try await SMTPTestServer()
        let port = probe.port
        await probe.stop()
        let ids = try queue(store, count: 3) + queue(store, count: 2, recipient: { _ in "jicha@example.org" }, offset: 3)
        let url = "smtp://127.0.0.1:\(port)"
        let before = OutboxService(
            store: store, transport: .success(try SMTPTransport(SMTPConfiguration(url: url, tls: .none, connectTimeout: .seconds(5)))),
            policy: fastRetry, doorbell: Doorbell(), logger: CapturedLog().logger)
        await before.pass()
        await before.pass()
        let waiting = try store.outbox(state: .queued, limit: 10)
        #expect(waiting.count == 5)
        #expect(waiting.contains { $0.attempts > 0 && $0.lastError?.contains("temporary") == true })

        // "Restart": a new store on the same file and a new worker; the server comes back.
        let reopened = try SQLiteStateStore(path: directory + "/state.db")
        let server = try await SMTPTestServer(port: port)
        let clock = ManualClock(Date())
        let after = OutboxService(
            store: reopened, transport: .success(try SMTPTransport(SMTPConfiguration(url: server.url, tls: .none))),
            policy: fastRetry, doorbell: Doorbell(), logger: CapturedLog().logger, clock: clock)
        try await drain(after, reopened, clock: clock)
        let received = await server.waitForMessages(5)
        let arrived = received.compactMap { $0.envelope["message_id"] as? String }
        #expect(arrived.count == 5)
        #expect(Set(arrived) == Set(ids))
        // In order per recipient.
        #expect(arrived.filter { ids.prefix(3).contains($0) } == Array(ids.prefix(3)))
        #expect(arrived.filter { ids.suffix(2).contains($0) } == Array(ids.suffix(2)))
        #expect(try reopened.mailCounts() == [.sent: 5])
        await server.stop()
    }

    @Test func aPermanentFailureIsKeptAndARetrySendsIt() async throws {
        let (store, directory) = try temporaryStore()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let server = try await SMTPTestServer(arguments: ["--fail-first", "1", "--fail-code", "554"])
        let ids = try queue(store, count: 1)
        let log = CapturedLog()
        let service = OutboxService(
            store: store, transport: .success(try SMTPTransport(SMTPConfiguration(url: server.url, tls: .none))),
            policy: fastRetry, doorbell: Doorbell(), logger: log.logger)
        await service.pass()
        let failed = try store.outbox(state: .failed, limit: 10)
        #expect(failed.map(\.message.messageID) == ids)
        #expect(failed.first?.lastError?.contains("permanent failure") == true)
        #expect(log.entries.contains { $0.metadata["MESSAGE_ID"] == "\(MailMessageID.failed)" && $0.level == .error })
        await service.pass()
        #expect(server.received().isEmpty)
        #expect(try store.requeueMail(failed[0].id, at: Date()))
        await service.pass()
        #expect(await server.waitForMessages(1).count == 1)
        #expect(try store.mailCounts() == [.sent: 1])
        #expect(try store.requeueMail(failed[0].id, at: Date()) == false)
        await server.stop()
    }

    @Test func theFileOutboxIsTheDefaultAndNeedsNoServer() async throws {
        let (store, directory) = try temporaryStore()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var configuration = DaemonConfiguration.defaults(environment: ["STATE_DIRECTORY": directory])
        configuration.mail.outbox = directory + "/outbox"
        let wiring = MailWiring(configuration, logger: CapturedLog().logger)
        let ids = try queue(store, count: 2)
        let service = wiring.outboxService(store: store, logger: CapturedLog().logger)
        await service.pass()
        let files = try FileManager.default.contentsOfDirectory(atPath: directory + "/outbox").sorted()
        #expect(files == ids.map { FileOutboxTransport.fileName(messageID: $0) }.sorted())
        #expect(try store.mailCounts() == [.sent: 2])
    }

    /// The running worker tells its counts after the pass that emptied the queue (the status's
    /// `outboxPending` follows them, not the scheduler's next wake-up).
    @Test func theRunningWorkerTellsTheCountsAfterItsPass() async throws {
        let (store, directory) = try temporaryStore()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var configuration = DaemonConfiguration.defaults(environment: ["STATE_DIRECTORY": directory])
        configuration.mail.outbox = directory + "/outbox"
        let wiring = MailWiring(configuration, logger: CapturedLog().logger)
        _ = try queue(store, count: 3)
        let (told, continuation) = AsyncStream.makeStream(of: [String: Int].self)
        let service = wiring.outboxService(store: store, logger: CapturedLog().logger, counted: { counts, _ in continuation.yield(counts) })
        let worker = Task { try await service.run() }
        defer { worker.cancel() }
        var last: [String: Int] = [:]
        for await counts in told {
            last = counts
            if counts["queued", default: 0] == 0 { break }
        }
        #expect(last["sent"] == 3)
        #expect(last["queued", default: 0] == 0)
    }
}

@Suite struct DispatcherMailTests {
    @Test func remindersBecomeTemplatedChineseMailAndAMissingAddressIsReportedOnce() throws {
        let store = try SQLiteStateStore()
        let log = CapturedLog()
        let wiring = MailWiring(DaemonConfiguration.defaults(environment: [:]), logger: log.logger)
        var mail = wiring.directory(addresses: ["wmb": ["wmb@example.org"], "nomail": []], plan: nil)
        mail.names = ["wmb": "区文明办", "nomail": "无邮箱单位"]
        mail.planName = "扎赉诺尔区精神文明建设工作安排"
        mail.cc = ["督查室 <duchashi@example.org>"]
        var core = SchedulerCore(
            configuration: PlannerConfiguration(timeZone: TimeZone(identifier: "Asia/Shanghai") ?? .gmt), store: store,
            logger: log.logger, mail: wiring)
        guard let start = CivilDate(iso: "2026-06-19"), let other = CivilDate(iso: "2026-06-26") else {
            Issue.record("dates")
            return
        }
        let occurrences = [
            ScheduledOccurrence(
                itemID: "duanwu", kind: "festival", title: "端午节\r\nBcc: attacker@evil.example", owners: ["wmb", "nomail"],
                start: start, policy: ReminderRules(leads: [Lead(amount: -1, unit: .days)], channels: [.mail])),
            ScheduledOccurrence(
                itemID: "netcafe", kind: "recurring-check", title: "网吧检查", owners: ["nomail"], start: other,
                policy: ReminderRules(leads: [Lead(amount: -1, unit: .days)], channels: [.mail])),
        ]
        let begin = Date(timeIntervalSince1970: 1_781_000_000)  // 2026-06-09
        try core.replan(
            occurrences: occurrences, addresses: mail.addresses, plan: nil, work: WeekdaysOnly(), generation: 1, now: begin,
            directory: mail)
        var now = begin
        while let next = core.tick(now: now), next <= begin.addingTimeInterval(30 * 86_400) { now = next }
        let queued = try store.outbox(state: .queued, limit: 10)
        #expect(queued.count == 1)
        let message = try #require(queued.first)
        #expect(message.message.recipients == ["wmb@example.org", "duchashi@example.org"])
        let parsed = try parseWithPython(message: message.message.rawMessage)
        #expect(parsed.defects == [])
        #expect(parsed.headers["bcc"] == nil)
        // The subject is one line: the line break became a space (and runs of spaces one).
        #expect(parsed.headers["subject"] == ["【提醒】端午节 Bcc: attacker@evil.example（2026-06-19）"])
        #expect(parsed.to == [.init(name: "区文明办", address: "wmb@example.org")])
        #expect(parsed.cc == [.init(name: "督查室", address: "duchashi@example.org")])
        #expect(parsed.from == [.init(name: "扎赉诺尔区精神文明建设工作安排", address: "almanac@localhost")])
        // In the body a line break is only text.
        #expect(parsed.text?.hasPrefix("区文明办：\n\n提前1天提醒：端午节\nBcc: attacker@evil.example\n日期：2026-06-19\n") == true)
        #expect(parsed.headers["message-id"] == [AlmanacMail.MessageID.derive(identity: "duanwu@2026-06-19/-1d/mail/wmb", domain: "localhost")])
        let reports = log.entries.filter { $0.metadata["MESSAGE_ID"] == "\(MailMessageID.noAddress)" }
        #expect(reports.count == 1)
        #expect(reports.first?.metadata["ALMANAC_RECIPIENT"] == "nomail")
        #expect(wiring.unreachable.all == ["nomail"])
    }
}

private struct WeekdaysOnly: WorkingDays {
    func isWorkingDay(_ date: CivilDate) -> Bool { !date.weekday.isWeekend }
}
