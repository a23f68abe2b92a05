/// One rendered message and its envelope: what a transport hands on.
public struct Envelope: Sendable, Hashable {
    /// The `Message-ID` header value, for logs and the file outbox's file name.
    public var messageID: String
    /// The envelope sender (`MAIL FROM`, `sendmail -f`).
    public var sender: String
    /// The envelope recipients (`RCPT TO`).
    public var recipients: [String]
    /// The complete RFC 5322 message with CRLF line ends.
    public var data: String

    public init(messageID: String, sender: String, recipients: [String], data: String) {
        self.messageID = messageID
        self.sender = sender
        self.recipients = recipients
        self.data = data
    }

    /// The envelope of a built message.
    public init(_ message: MailMessage) throws(MailError) {
        self.init(
            messageID: message.messageID, sender: message.from.address, recipients: message.envelopeRecipients,
            data: try message.render())
    }
}

/// Why a send failed, and whether trying again later can help.
public struct MailTransportError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable, Hashable, Codable {
        /// Worth retrying: 4xx replies, refused connections, timeouts, a busy local MTA.
        case temporary
        /// Retrying the same message will fail again: 5xx replies, a rejected address.
        case permanent
    }

    public var kind: Kind
    /// The SMTP reply code, when a server answered.
    public var replyCode: Int?
    public var message: String
    /// When every recipient was refused at RCPT: each one's reply. A temporary failure with some
    /// permanent refusals among them is retried for the other recipients only.
    public var recipientFailures: [RecipientFailure]

    public init(_ kind: Kind, _ message: String, replyCode: Int? = nil, recipientFailures: [RecipientFailure] = []) {
        self.kind = kind
        self.message = message
        self.replyCode = replyCode
        self.recipientFailures = recipientFailures
    }

    public var description: String {
        "\(kind.rawValue) failure: \(message)" + (replyCode.map { " (reply \($0))" } ?? "")
    }

    /// The kind an SMTP reply code means: 4xx temporary, 5xx permanent (RFC 5321 4.2.1).
    public static func kind(replyCode: Int) -> Kind { (500..<600).contains(replyCode) ? .permanent : .temporary }
}

/// A recipient the next hop did not take while it took the message for others.
public struct RecipientFailure: Hashable, Sendable, Codable, CustomStringConvertible {
    public var address: String
    /// Temporary (4xx: try this recipient again later) or permanent (5xx: reported, not retried).
    public var kind: MailTransportError.Kind
    /// The server's reply (`550 5.1.1 <x@example.org>: mailbox unavailable`), or the sendmail
    /// program's message.
    public var reply: String

    public init(address: String, kind: MailTransportError.Kind, reply: String) {
        self.address = address
        self.kind = kind
        self.reply = reply
    }

    public var description: String { "\(address): \(reply)" }
}

/// What a send that did not fail as a whole achieved: the recipients the next hop refused. An
/// empty report means every recipient was accepted.
public struct MailSendReport: Hashable, Sendable {
    /// Recipients refused while others were accepted, in envelope order.
    public var failures: [RecipientFailure]

    public init(failures: [RecipientFailure] = []) {
        self.failures = failures
    }

    /// Every recipient was accepted.
    public static let accepted = MailSendReport()
}

/// Hands messages to the next hop. Implementations: ``FileOutboxTransport`` (the default),
/// ``SendmailTransport`` and ``SMTPTransport``.
///
/// `send` blocks until the next hop accepted or refused the message; the outbox worker runs it
/// off the cooperative thread pool. It throws when no recipient got the message; when only some
/// were refused, it returns them in the report and the others have their copy.
public protocol MailTransport: Sendable {
    /// `outbox`, `sendmail` or `smtp`, for logs.
    var name: String { get }
    /// Delivers `envelope` or throws why not.
    @discardableResult
    func send(_ envelope: Envelope) throws(MailTransportError) -> MailSendReport
}
