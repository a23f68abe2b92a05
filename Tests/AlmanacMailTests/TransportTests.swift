import AlmanacTestSupport
import Foundation
import Testing

@testable import AlmanacMail

#if canImport(Glibc)
import Glibc
#endif

@Suite struct FileOutboxTests {
    @Test func writesOneFilePerMessageAtomicallyAndAResendReplacesIt() throws {
        let directory = try temporaryDirectory("outbox") + "/outbox"
        defer { try? FileManager.default.removeItem(atPath: (directory as NSString).deletingLastPathComponent) }
        let transport = FileOutboxTransport(directory: directory)
        let first = try Envelope(try MessageTests.message())
        try transport.send(first)
        try transport.send(first)  // a resend after a crash: the same file, not a second one
        var second = try MessageTests.message()
        second.identity = "spring-volunteers@2027-01-29/-1d/mail/wmb"
        try transport.send(try Envelope(second))
        let files = try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
        #expect(files.count == 2)
        #expect(files.allSatisfy { $0.hasSuffix(".eml") && $0.hasPrefix("almanac.") })
        let path = transport.path(for: first)
        #expect(files.contains((path as NSString).lastPathComponent))
        #expect(FileManager.default.contents(atPath: path) == Data(first.data.utf8))
        let parsed = try parseWithPython(path)
        #expect(parsed.headers["subject"] == ["【提醒】“红红火火过大年”志愿服务（2027-01-29至2027-02-12）"])
        var info = stat()
        #expect(stat(path, &info) == 0)
        #expect(info.st_mode & 0o777 == 0o640)
    }

    @Test func fileNamesAreSafe() {
        #expect(FileOutboxTransport.fileName(messageID: "<almanac.0a1b@example.org>") == "almanac.0a1b@example.org.eml")
        #expect(FileOutboxTransport.fileName(messageID: "<../../etc/passwd>") == "_.._.._etc_passwd.eml")
    }

    @Test func anUnwritableDirectoryIsATemporaryFailure() throws {
        let transport = FileOutboxTransport(directory: "/proc/almanac-no-such-dir/outbox")
        do {
            try transport.send(try Envelope(try MessageTests.message()))
            Issue.record("sent into /proc")
        } catch let error as MailTransportError {
            #expect(error.kind == .temporary)
        }
    }
}

@Suite struct SendmailTests {
    /// A sendmail stand-in that records its arguments and standard input in `directory`, then
    /// exits with `status` ("hang": never): a link to Fixtures/fake-sendmail, which is never
    /// written while the tests run.
    static func fakeSendmail(in directory: String, status: String) throws -> String {
        let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/fake-sendmail").path
        try Data((status + "\n").utf8).write(to: URL(fileURLWithPath: directory + "/status"))
        let path = directory + "/sendmail"
        try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: fixture)
        return path
    }

    @Test func handsTheMessageToSendmailWithEnvelopeSender() throws {
        let directory = try temporaryDirectory("sendmail")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let program = try Self.fakeSendmail(in: directory, status: "0")
        let envelope = try Envelope(try MessageTests.message())
        try SendmailTransport(program: program).send(envelope)
        let argv = try String(contentsOfFile: directory + "/argv", encoding: .utf8)
        #expect(argv == "-i\n-falmanac@example.org\n--\nwmb@example.org\n")
        let stdin = FileManager.default.contents(atPath: directory + "/stdin")
        #expect(stdin == Data(envelope.data.utf8))
    }

    @Test func oneRunPerRecipientSoARefusedOneDoesNotStopTheOthers() throws {
        let directory = try temporaryDirectory("sendmail")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let program = try Self.fakeSendmail(in: directory, status: "0")
        var message = try MessageTests.message()
        message.cc = [try MailAddress("refused@example.org"), try MailAddress("leader@example.org")]
        let transport = SendmailTransport(program: program, arguments: ["-C", "/etc/almanac/msmtprc"])
        let report = try transport.send(try Envelope(message))
        #expect(report.failures.map(\.address) == ["refused@example.org"])
        #expect(report.failures.first?.kind == .permanent)
        #expect(report.failures.first?.reply.contains("not accepted by the server") == true)
        let argv = try String(contentsOfFile: directory + "/argv", encoding: .utf8)
        #expect(
            argv == ["wmb@example.org", "refused@example.org", "leader@example.org"].map {
                "-C\n/etc/almanac/msmtprc\n-i\n-falmanac@example.org\n--\n\($0)\n"
            }.joined())
        message.to = [try MailAddress("refused@example.org")]
        message.cc = []
        #expect {
            try transport.send(try Envelope(message))
        } throws: { error in
            (error as? MailTransportError)?.kind == .permanent
        }
    }

    @Test(arguments: [(Int32(75), MailTransportError.Kind.temporary), (69, .permanent), (67, .permanent), (64, .permanent), (1, .permanent)])
    func exitStatusDecidesTheKind(_ status: Int32, _ kind: MailTransportError.Kind) throws {
        let directory = try temporaryDirectory("sendmail")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let program = try Self.fakeSendmail(in: directory, status: "\(status)")
        do {
            try SendmailTransport(program: program).send(try Envelope(try MessageTests.message()))
            Issue.record("exit \(status) taken as success")
        } catch let error as MailTransportError {
            #expect(error.kind == kind)
            #expect(error.message.contains("exited with status \(status): sendmail says bye"))
        }
    }

    @Test func aMissingProgramIsTemporaryAndAHangingOneTimesOut() throws {
        do {
            try SendmailTransport(program: "/nonexistent/sendmail").send(try Envelope(try MessageTests.message()))
            Issue.record("sent through a missing program")
        } catch let error as MailTransportError {
            #expect(error.kind == .temporary)
        }
        let directory = try temporaryDirectory("sendmail")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = try Self.fakeSendmail(in: directory, status: "hang")
        let start = ContinuousClock.now
        do {
            try SendmailTransport(program: path, timeout: .seconds(1)).send(try Envelope(try MessageTests.message()))
            Issue.record("a hanging sendmail succeeded")
        } catch let error as MailTransportError {
            #expect(error.kind == .temporary)
            #expect(error.message.contains("did not finish"))
        }
        #expect(ContinuousClock.now - start < .seconds(25))
    }
}

@Suite(.serialized) struct SMTPTests {
    @Test func deliversChineseMailToARealSMTPServer() async throws {
        let server = try await SMTPTestServer()
        defer { Task { await server.stop() } }
        var message = try MessageTests.message()
        message.cc = [try MailAddress("leader@example.org", name: "王主任")]
        let envelope = try Envelope(message)
        let transport = try SMTPTransport(SMTPConfiguration(url: server.url, tls: .none))
        try await offPool { try transport.send(envelope) }
        let received = await server.waitForMessages(1)
        try #require(received.count == 1)
        #expect(received[0].envelope["mail_from"] as? String == "almanac@example.org")
        #expect(received[0].envelope["rcpt_tos"] as? [String] == ["wmb@example.org", "leader@example.org"])
        #expect(received[0].envelope["message_id"] as? String == message.messageID)
        let path = received[0].path
        let parsed = try await offPool { try parseWithPython(path) }
        #expect(parsed.defects == [])
        #expect(parsed.headers["subject"] == ["【提醒】“红红火火过大年”志愿服务（2027-01-29至2027-02-12）"])
        #expect(parsed.text == "提醒（提前10个工作日）：“红红火火过大年”志愿服务\n责任单位：区文明办\n")
        #expect(parsed.cc == [.init(name: "王主任", address: "leader@example.org")])
        await server.stop()
    }

    @Test func fourXXIsTemporaryFiveXXPermanent() async throws {
        let envelope = try Envelope(try MessageTests.message())
        let busy = try await SMTPTestServer(arguments: ["--fail-first", "1", "--fail-code", "451"])
        let transport = try SMTPTransport(SMTPConfiguration(url: busy.url, tls: .none))
        do {
            try await offPool { try transport.send(envelope) }
            Issue.record("451 taken as success")
        } catch let error as MailTransportError {
            #expect(error.kind == .temporary)
            #expect(error.replyCode == 451)
        }
        try await offPool { try transport.send(envelope) }
        #expect(await busy.waitForMessages(1).count == 1)
        await busy.stop()

        let rejecting = try await SMTPTestServer(arguments: ["--fail-first", "5", "--fail-code", "554"])
        do {
            try await offPool { try SMTPTransport(SMTPConfiguration(url: rejecting.url, tls: .none)).send(envelope) }
            Issue.record("554 taken as success")
        } catch let error as MailTransportError {
            #expect(error.kind == .permanent)
            #expect(error.replyCode == 554)
        }
        await rejecting.stop()

        let unknownUser = try await SMTPTestServer(arguments: ["--reject-rcpt", "wmb@example.org"])
        do {
            try await offPool { try SMTPTransport(SMTPConfiguration(url: unknownUser.url, tls: .none)).send(envelope) }
            Issue.record("550 at RCPT taken as success")
        } catch let error as MailTransportError {
            #expect(error.kind == .permanent)
            #expect(error.replyCode == 550)
            #expect(error.recipientFailures.map(\.address) == ["wmb@example.org"])
        }
        await unknownUser.stop()
    }

    @Test func oneRefusedRecipientOfSeveralIsReportedAndTheOthersGetTheMail() async throws {
        let server = try await SMTPTestServer(arguments: ["--reject-rcpt", "leader@example.org"])
        var message = try MessageTests.message()
        message.cc = [try MailAddress("leader@example.org"), try MailAddress("office@example.org")]
        let envelope = try Envelope(message)
        let transport = try SMTPTransport(SMTPConfiguration(url: server.url, tls: .none))
        let report = try await offPool { try transport.send(envelope) }
        #expect(report.failures.map(\.address) == ["leader@example.org"])
        #expect(report.failures.first?.kind == .permanent)
        #expect(report.failures.first?.reply.hasPrefix("550") == true)
        let received = await server.waitForMessages(1)
        try #require(received.count == 1)
        #expect(received[0].envelope["rcpt_tos"] as? [String] == ["wmb@example.org", "office@example.org"])
        await server.stop()
    }

    @Test func aRefusedConnectionIsTemporary() async throws {
        // A port that was free a moment ago: nothing listens there.
        let server = try await SMTPTestServer()
        let url = server.url
        await server.stop()
        let envelope = try Envelope(try MessageTests.message())
        do {
            try await offPool { try SMTPTransport(SMTPConfiguration(url: url, tls: .none, connectTimeout: .seconds(5))).send(envelope) }
            Issue.record("sent to a closed port")
        } catch let error as MailTransportError {
            #expect(error.kind == .temporary)
            #expect(error.replyCode == nil)
        }
    }

    @Test func requiredSTARTTLSIsNotSkippedWhenTheServerLacksIt() async throws {
        let server = try await SMTPTestServer()
        let envelope = try Envelope(try MessageTests.message())
        do {
            try await offPool { try SMTPTransport(SMTPConfiguration(url: server.url, tls: .required)).send(envelope) }
            Issue.record("sent in plain text although TLS was required")
        } catch let error as MailTransportError {
            // Only the configuration (or the server's) can change that: permanent, and clear.
            #expect(error.kind == .permanent)
            #expect(error.message.contains("does not offer STARTTLS"))
        }
        #expect(server.received().isEmpty)
        await server.stop()
    }

    @Test func passwordFilesReadableByOthersAreRefused() throws {
        let directory = try temporaryDirectory("password")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/smtp-password"
        try Data("s3cret\n".utf8).write(to: URL(fileURLWithPath: path))
        chmod(path, 0o644)
        #expect {
            _ = try SMTPTransport(SMTPConfiguration(url: "smtp://127.0.0.1:25", username: "almanac", passwordFile: path))
        } throws: { error in
            (error as? MailError)?.code == .configuration && "\(error)".contains("chmod 600")
        }
        chmod(path, 0o640)
        #expect(throws: MailError.self) { try PasswordFile.read(path) }
        chmod(path, 0o600)
        #expect(try PasswordFile.read(path) == "s3cret")
        #expect(throws: MailError.self) { try PasswordFile.read(directory + "/missing") }
        #expect(throws: MailError.self) { try SMTPTransport(SMTPConfiguration(url: "http://example.org")) }
    }
}
