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

    public init(_ kind: Kind, _ message: String, replyCode: Int? = nil) {
        self.kind = kind
        self.message = message
        self.replyCode = replyCode
    }

    public var description: String {
        "\(kind.rawValue) failure: \(message)" + (replyCode.map { " (reply \($0))" } ?? "")
    }

    /// The kind an SMTP reply code means: 4xx temporary, 5xx permanent (RFC 5321 4.2.1).
    public static func kind(replyCode: Int) -> Kind { (500..<600).contains(replyCode) ? .permanent : .temporary }
}

/// Hands messages to the next hop. Implementations: ``FileOutboxTransport`` (the default),
/// ``SendmailTransport`` and ``SMTPTransport``.
///
/// `send` blocks until the next hop accepted or refused the message; the outbox worker runs it
/// off the cooperative thread pool.
public protocol MailTransport: Sendable {
    /// `outbox`, `sendmail` or `smtp`, for logs.
    var name: String { get }
    /// Delivers `envelope` or throws why not.
    func send(_ envelope: Envelope) throws(MailTransportError)
}
