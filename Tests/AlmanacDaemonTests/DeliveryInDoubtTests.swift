import AlmanacMail
import AlmanacRobots
import AlmanacStore
import AlmanacTestSupport
import Foundation
import Logging
import Testing

@testable import AlmanacDaemon

#if canImport(Glibc)
import Glibc
#endif

/// Delivery in doubt (docs/mail.md, docs/robots.md): a send noted as handed to the transport and
/// never recorded is the only one that goes again after a crash, marked as a possible repeat,
/// and counted as an attempt. Real SQLite files, the SMTP and robot test servers on loopback.
@Suite(.serialized) struct DeliveryInDoubtTests {
    @Test func attemptsThatWereRecordedAreNotInDoubt() throws {
        let (store, directory) = try temporaryStore("doubt-store")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        _ = try queue(store, count: 3, recipient: { "u\($0)@example.org" })
        let ids = try store.outbox(state: .queued, limit: 10).map(\.id)
        try store.markHanded([ids[0]])
        try store.markMailSent(ids[0], at: Date())
        try store.markHanded([ids[1]])
        try store.markMailAttemptFailed(ids[1], at: Date(), error: "451 later", retryAt: Date())
        #expect(try store.settleInterruptedSends(channels: ["mail"]).isEmpty)
        // Handed and never recorded: settled once, counted, marked.
        try store.markHanded([ids[2]])
        #expect(try store.settleInterruptedSends(channels: ["webhook"]).isEmpty)
        let settled = try store.settleInterruptedSends(channels: ["mail"])
        #expect(settled.map(\.id) == [ids[2]])
        #expect(settled.first?.attempts == 1 && settled.first?.possibleRepeat == true)
        #expect(try store.settleInterruptedSends(channels: ["mail"]).isEmpty)
        // A store opened again (the restart) reads the same.
        let reopened = try SQLiteStateStore(path: directory + "/state.db")
        #expect(try reopened.mailEntry(ids[2])?.possibleRepeat == true)
        #expect(try reopened.mailEntry(ids[1])?.possibleRepeat == false)
        #expect(try reopened.mailEntry(ids[1])?.attempts == 1)
    }

    /// The crash: the worker noted the send of the first mail and the server took it, then the
    /// process died before recording it. The next worker (a new store on the same file) sends
    /// that mail again with the header, counts two attempts, and sends the others once, unmarked.
    @Test func aMailInFlightAtACrashGoesAgainMarkedAndCounted() async throws {
        let (store, directory) = try temporaryStore("doubt-mail")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let server = try await SMTPTestServer()
        let messageIDs = try queue(store, count: 3, recipient: { "u\($0)@example.org" })
        let transport = try SMTPTransport(SMTPConfiguration(url: server.url, tls: .none))
        let first = try #require(try store.outbox(state: .queued, limit: 10).first)
        try store.markHanded([first.id])
        let envelope = Envelope(
            messageID: first.message.messageID, sender: first.message.sender, recipients: first.message.recipients,
            data: first.message.rawMessage)
        _ = try await offPool { try transport.send(envelope) }

        let reopened = try SQLiteStateStore(path: directory + "/state.db")
        let log = CapturedLog()
        let worker = OutboxService(
            store: reopened, transport: .success(transport), policy: MailRetryPolicy(), doorbell: Doorbell(), logger: log.logger)
        await worker.pass()
        let received = await server.waitForMessages(4)
        #expect(received.compactMap { $0.envelope["message_id"] as? String } == [messageIDs[0]] + messageIDs)
        var marks: [Bool] = []
        for message in received {
            let path = message.path
            let parsed = try await offPool { try parseWithPython(path) }
            #expect(parsed.defects.isEmpty)
            marks.append(parsed.headers["x-almanac-possible-repeat"] == ["yes"])
        }
        #expect(marks == [false, true, false, false])
        let sent = try reopened.outbox(state: .sent, limit: 10)
        #expect(sent.map(\.attempts) == [2, 1, 1])
        #expect(sent.map(\.possibleRepeat) == [true, false, false])
        let sends = log.entries.filter { $0.metadata["MESSAGE_ID"] == "\(MailMessageID.sent)" }
        #expect(sends.map { $0.metadata["ALMANAC_POSSIBLE_REPEAT"] == "1" } == [true, false, false])
        #expect(sends.first?.message.contains("possible repeat") == true)
        #expect(sends.first?.metadata["ALMANAC_ATTEMPT"] == "2")
        #expect(log.entries.contains { $0.level == .warning && $0.message.contains("interrupted") })
        await server.stop()
    }

    @Test func theMarkIsOneHeaderAmongTheHeaders() throws {
        let message = MailMessage(
            from: try MailAddress("almanac@example.org"), to: [try MailAddress("a@example.org")], subject: "s", text: "正文\n",
            date: Date(timeIntervalSince1970: 1_800_000_000), identity: "x@2027-01-01/0d/mail/a")
        let raw = try message.render()
        let marked = MailMessage.markedAsPossibleRepeat(raw)
        #expect(MailMessage.markedAsPossibleRepeat(marked) == marked)
        let headers = marked.components(separatedBy: "\r\n\r\n")[0].components(separatedBy: "\r\n")
        #expect(headers.last == "X-Almanac-Possible-Repeat: yes")
        #expect(marked.components(separatedBy: "\r\n\r\n").dropFirst() == raw.components(separatedBy: "\r\n\r\n").dropFirst())
    }

    /// The file outbox: a file already written is not written again, and the temporary files of
    /// a killed process are removed when the worker starts; a live process's are kept.
    @Test func theFileOutboxNeitherRewritesNorLeavesOrphans() async throws {
        let directory = try mailTestDirectory("doubt-files")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let outbox = directory + "/outbox"
        let transport = FileOutboxTransport(directory: outbox)
        let envelope = Envelope(messageID: "<a@example.org>", sender: "s@example.org", recipients: ["r@example.org"], data: "Subject: 1\r\n\r\nbody\r\n")
        try transport.send(envelope)
        let path = transport.path(for: envelope)
        var again = envelope
        again.data = MailMessage.markedAsPossibleRepeat(envelope.data)
        try transport.send(again)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == envelope.data)

        // A process that is gone (a child that exited), this process, and a live process (pid 1).
        let gone = try spawnAndWaitForPID()
        let names = [".tmp-\(gone)-1", ".tmp-\(getpid())-2", ".tmp-1-3"]
        for name in names { #expect(FileManager.default.createFile(atPath: outbox + "/" + name, contents: Data("x".utf8))) }
        #expect(transport.removeStaleTemporaryFiles() == [names[0], names[1]].sorted())
        let left = try FileManager.default.contentsOfDirectory(atPath: outbox).sorted()
        #expect(left == [".tmp-1-3", FileOutboxTransport.fileName(messageID: "<a@example.org>")].sorted())
    }

    /// The pid of a child that has exited and been reaped.
    func spawnAndWaitForPID() throws -> pid_t {
        var pid: pid_t = 0
        let argv: [UnsafeMutablePointer<CChar>?] = [strdup("/bin/true"), nil]
        defer { argv.forEach { free($0) } }
        guard posix_spawn(&pid, "/bin/true", nil, nil, argv, environ) == 0 else { throw CocoaError(.fileNoSuchFile) }
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        return pid
    }

    /// A robot request in flight at a crash: posted again with the webhook's mark (a header and a
    /// field, signed), counted; the test server checks the signature.
    @Test func aRobotMessageInFlightAtACrashGoesAgainMarked() async throws {
        let (store, directory) = try temporaryStore("doubt-robot")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let server = try await RobotTestServer(robots: #"{"webhook": {"ops": {"secret": "webhook-secret"}}}"#)
        let endpoint = RobotEndpoint(service: .webhook, url: server.base + "/hooks/ops", secret: "webhook-secret", label: "u/webhook")
        let robots = RobotDirectorySource()
        robots.replace(
            with: RobotDirectory(robots: [
                endpoint.key: RobotDirectory.Robot(key: endpoint.key, service: .webhook, label: "u/webhook", endpoint: endpoint, problem: nil)
            ]))
        var messages: [OutboxMessage] = []
        for index in 0..<2 {
            let content = RobotContent(
                kind: "reminder", title: "提醒\(index)", text: "提醒\(index)", markdown: "提醒\(index)",
                event: #"{"delivery":"d\#(index)","kind":"reminder"}"#, delivery: "d\(index)")
            messages.append(
                OutboxMessage(
                    messageID: "d\(index)", sender: "", recipients: ["u"], subject: content.title, rawMessage: content.encoded(),
                    channel: "webhook", destination: endpoint.key))
        }
        try store.enqueue(messages, failed: [], delivery: nil, at: Date())
        let first = try #require(try store.queuedOutbox(channels: ["webhook"], limit: 10).first)
        try store.markHanded([first.id])

        let log = CapturedLog()
        let (templates, _) = MailTemplateSource.load(directory: nil)
        let worker = RobotOutboxService(
            store: try SQLiteStateStore(path: directory + "/state.db"), robots: robots,
            client: HTTPSClient(caFile: server.authority.caFile, connectTimeout: .seconds(20), timeout: .seconds(60)),
            rate: RobotRateLimit(), policy: MailRetryPolicy(), templates: templates, doorbell: Doorbell(), logger: log.logger)
        await worker.pass()
        let received = server.records()
        #expect(received.count == 2)
        let headers = received.compactMap { $0["headers"] as? [String: String] }
        #expect(headers.map { $0["X-Almanac-Possible-Repeat"] } == ["yes", nil])
        let bodies = received.compactMap { $0["body"] as? [String: Any] }
        #expect(bodies.count == 2)
        #expect(bodies.first?["possible_repeat"] as? Bool == true && bodies.first?["delivery"] as? String == "d0")
        #expect(bodies.last?["possible_repeat"] == nil && bodies.last?["delivery"] as? String == "d1")
        #expect(server.records("refused").isEmpty)
        let sent = try store.outbox(state: .sent, limit: 10)
        #expect(sent.map(\.attempts) == [2, 1])
        #expect(
            log.entries.filter { $0.metadata["MESSAGE_ID"] == "\(RobotMessageID.sent)" }.map { $0.metadata["ALMANAC_POSSIBLE_REPEAT"] == "1" }
                == [true, false])
        await server.stop()
    }

    @Test func chatRobotsGetANoteInTheText() {
        let content = RobotContent(kind: "reminder", title: "标题", text: "正文", markdown: "**正文**", delivery: "d")
        let marked = content.markedAsPossibleRepeat(language: .zh)
        #expect(marked.text == "正文（可能重复：上次发送时进程中断）")
        #expect(marked.markedAsPossibleRepeat(language: .zh) == marked)
        let english = content.markedAsPossibleRepeat(language: .en)
        #expect(english.text.hasSuffix("(possible repeat: the previous send was interrupted)"))
        // Never stored: the stored form of an unmarked message has no such field.
        #expect(!content.encoded().contains("possible"))
        let request = RobotRequestBuilder.request(
            RobotEndpoint(service: .wecom, url: "https://example.org/cgi-bin/webhook/send?key=k", label: "w"), marked, at: Date())
        #expect(request.bodyText.contains("可能重复"))
    }
}
