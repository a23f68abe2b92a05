import Foundation

/// An error of the mail library, with a code and a readable text.
public struct MailError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable, Hashable {
        case invalidAddress = "invalid-address"
        case invalidHeader = "invalid-header"
        case noRecipient = "no-recipient"
        case template
        case configuration
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}

/// A mail to build: the parts a reminder fills in. ``render()`` turns it into RFC 5322 text.
public struct MailMessage: Sendable, Hashable {
    public var from: MailAddress
    public var to: [MailAddress]
    public var cc: [MailAddress]
    /// Envelope-only recipients: never written into the headers.
    public var bcc: [MailAddress]
    public var replyTo: MailAddress?
    public var subject: String
    /// The plain-text body (any line ending; written with CRLF).
    public var text: String
    /// An optional HTML alternative.
    public var html: String?
    public var date: Date
    /// The zone the `Date:` header is written in.
    public var timeZone: TimeZone
    /// The delivery identity (e.g. `flag-salute@2027-09-20/-1d/mail/wmb`): the Message-ID is
    /// derived from it, so the same reminder always carries the same Message-ID.
    public var identity: String
    /// Further headers (`X-...`); names are checked, values neutralised.
    public var extraHeaders: [(name: String, value: String)]

    public init(
        from: MailAddress, to: [MailAddress], cc: [MailAddress] = [], bcc: [MailAddress] = [], replyTo: MailAddress? = nil,
        subject: String, text: String, html: String? = nil, date: Date, timeZone: TimeZone = TimeZone(identifier: "UTC") ?? .current,
        identity: String, extraHeaders: [(name: String, value: String)] = []
    ) {
        self.from = from
        self.to = to
        self.cc = cc
        self.bcc = bcc
        self.replyTo = replyTo
        self.subject = subject
        self.text = text
        self.html = html
        self.date = date
        self.timeZone = timeZone
        self.identity = identity
        self.extraHeaders = extraHeaders
    }

    public static func == (lhs: MailMessage, rhs: MailMessage) -> Bool {
        lhs.from == rhs.from && lhs.to == rhs.to && lhs.cc == rhs.cc && lhs.bcc == rhs.bcc && lhs.replyTo == rhs.replyTo
            && lhs.subject == rhs.subject && lhs.text == rhs.text && lhs.html == rhs.html && lhs.date == rhs.date
            && lhs.timeZone == rhs.timeZone && lhs.identity == rhs.identity
            && lhs.extraHeaders.map(\.name) == rhs.extraHeaders.map(\.name)
            && lhs.extraHeaders.map(\.value) == rhs.extraHeaders.map(\.value)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(identity)
        hasher.combine(subject)
        hasher.combine(date)
    }

    /// The `Message-ID` (with angle brackets), derived from ``identity`` and the sender's domain.
    public var messageID: String { MessageID.derive(identity: identity, domain: from.domain) }

    /// Every envelope recipient: To, Cc and Bcc, each address once, in that order.
    public var envelopeRecipients: [String] {
        var seen = Set<String>()
        return (to + cc + bcc).map(\.address).filter { seen.insert($0.lowercased()).inserted }
    }

    /// The message as RFC 5322 text with CRLF line ends, ready for SMTP, sendmail or a `.eml` file.
    public func render() throws(MailError) -> String {
        guard !to.isEmpty || !cc.isEmpty || !bcc.isEmpty else {
            throw MailError(.noRecipient, "the message '\(HeaderText.neutralised(subject))' has no recipient")
        }
        var headers: [String] = []
        headers.append(HeaderText.addressList(name: "From", [from]))
        if !to.isEmpty { headers.append(HeaderText.addressList(name: "To", to)) }
        if !cc.isEmpty { headers.append(HeaderText.addressList(name: "Cc", cc)) }
        if to.isEmpty && cc.isEmpty { headers.append("To: undisclosed-recipients:;") }
        if let replyTo { headers.append(HeaderText.addressList(name: "Reply-To", [replyTo])) }
        headers.append(HeaderText.unstructured(name: "Subject", value: subject))
        headers.append("Date: \(MessageDate.rfc5322(date, timeZone: timeZone))")
        headers.append("Message-ID: \(messageID)")
        headers.append("MIME-Version: 1.0")
        // RFC 3834: an automatic message; Exchange and list software should not answer it.
        headers.append("Auto-Submitted: auto-generated")
        headers.append("X-Auto-Response-Suppress: All")
        headers.append("Precedence: bulk")
        headers.append(HeaderText.unstructured(name: "X-Almanac-Delivery", value: identity))
        for (name, value) in extraHeaders {
            guard Self.isFieldName(name), !Self.reserved.contains(name.lowercased()) else {
                throw MailError(.invalidHeader, "'\(HeaderText.neutralised(name))' cannot be added as a header")
            }
            headers.append(HeaderText.unstructured(name: name, value: value))
        }
        let textPart = Self.encodedBody(text)
        if let html {
            let boundary = "=_almanac_" + MessageID.hash128(identity + "\u{0}boundary")
            headers.append("Content-Type: multipart/alternative;\r\n boundary=\"\(boundary)\"")
            var body = "This is a multipart message in MIME format.\r\n\r\n"
            body += "--\(boundary)\r\n"
            body += "Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n"
            body += textPart
            body += "--\(boundary)\r\n"
            body += "Content-Type: text/html; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n"
            body += Self.encodedBody(html)
            body += "--\(boundary)--\r\n"
            return headers.joined(separator: "\r\n") + "\r\n\r\n" + body
        }
        headers.append("Content-Type: text/plain; charset=UTF-8")
        headers.append("Content-Transfer-Encoding: base64")
        return headers.joined(separator: "\r\n") + "\r\n\r\n" + textPart
    }

    /// Headers the builder writes itself; extra headers may not repeat them.
    static let reserved: Set<String> = [
        "from", "to", "cc", "bcc", "reply-to", "subject", "date", "message-id", "mime-version", "content-type",
        "content-transfer-encoding", "auto-submitted", "x-auto-response-suppress", "precedence", "x-almanac-delivery",
        "sender", "return-path", "x-almanac-possible-repeat",
    ]

    /// The header a mail sent again after an interrupted send carries: the server may have taken
    /// the earlier copy (docs/mail.md, "Delivery in doubt").
    public static let possibleRepeatHeader = "X-Almanac-Possible-Repeat: yes"

    /// `raw` (a rendered message) with ``possibleRepeatHeader`` added as its last header. The
    /// message is rendered once, when it is queued; the mark is added when it is sent again.
    public static func markedAsPossibleRepeat(_ raw: String) -> String {
        guard let end = raw.range(of: "\r\n\r\n") else { return possibleRepeatHeader + "\r\n" + raw }
        let headers = raw[..<end.lowerBound]
        if headers.split(separator: "\r\n").contains(where: { $0.lowercased().hasPrefix("x-almanac-possible-repeat:") }) { return raw }
        return headers + "\r\n" + possibleRepeatHeader + raw[end.lowerBound...]
    }

    /// RFC 5322 field-name: printable ASCII except the colon.
    static func isFieldName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.allSatisfy { $0 > 32 && $0 < 127 && $0 != UInt8(ascii: ":") }
    }

    /// Text with CRLF line ends, base64 in 76-character lines (UTF-8 CJK text grows less in
    /// base64 than in quoted-printable, and base64 has no line-length or trailing-space pitfalls).
    static func encodedBody(_ text: String) -> String {
        var normalised = ""
        var previousCR = false
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\r":
                normalised += "\r\n"
                previousCR = true
                continue
            case "\n":
                if !previousCR { normalised += "\r\n" }
            default:
                normalised.unicodeScalars.append(scalar)
            }
            previousCR = false
        }
        return Base64.encodeLines(Array(normalised.utf8))
    }
}

/// Message-IDs derived from a delivery identity.
public enum MessageID {
    /// `<almanac.HASH@DOMAIN>`: the same identity gives the same id, so a resend (a retry, a
    /// second attempt after a crash) is recognisable as the same message.
    public static func derive(identity: String, domain: String) -> String {
        let host = MailAddress.isValid("x@" + domain) ? domain.lowercased() : "almanac.invalid"
        return "<almanac.\(hash128(identity))@\(host)>"
    }

    /// 128 bits as 32 hex digits: two FNV-1a 64-bit hashes with different offsets (not
    /// cryptographic; it only has to tell deliveries apart).
    static func hash128(_ text: String) -> String {
        func fnv(_ seed: UInt64) -> UInt64 {
            var hash = seed
            for byte in text.utf8 {
                hash ^= UInt64(byte)
                hash = hash &* 0x0000_0100_0000_01b3
            }
            return hash
        }
        func hex(_ value: UInt64) -> String {
            let digits = String(value, radix: 16)
            return String(repeating: "0", count: 16 - digits.count) + digits
        }
        return hex(fnv(0xcbf2_9ce4_8422_2325)) + hex(fnv(0x6c62_272e_07bb_0142))
    }
}

/// The RFC 5322 date-time.
public enum MessageDate {
    /// `Sun, 29 Nov 2026 17:00:00 +0800`, computed with the Gregorian calendar in `timeZone`.
    public static func rfc5322(_ date: Date, timeZone: TimeZone) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second, .weekday], from: date)
        let names = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let offset = timeZone.secondsFromGMT(for: date)
        let sign = offset < 0 ? "-" : "+"
        let minutes = abs(offset) / 60
        let weekday = names[((c.weekday ?? 1) - 1 + 7) % 7]
        let month = months[((c.month ?? 1) - 1 + 12) % 12]
        return "\(weekday), \(two(c.day ?? 1)) \(month) \(c.year ?? 1970) "
            + "\(two(c.hour ?? 0)):\(two(c.minute ?? 0)):\(two(c.second ?? 0)) \(sign)\(two(minutes / 60))\(two(minutes % 60))"
    }
}
