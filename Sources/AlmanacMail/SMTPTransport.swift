import AlmanacLibraries
import CCurl
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// SMTP settings.
public struct SMTPConfiguration: Sendable, Hashable {
    /// When to use TLS on an `smtp://` URL (`smtps://` is TLS from the first byte).
    public enum TLS: String, Sendable, Hashable, CaseIterable, Codable {
        /// STARTTLS must succeed, or the message is not sent (the default).
        case required
        /// STARTTLS when the server offers it, plain text otherwise.
        case optional
        /// Never STARTTLS (a local relay on loopback).
        case none
    }

    /// `smtp://host[:port]` or `smtps://host[:port]`.
    public var url: String
    public var tls: TLS
    public var username: String?
    /// A file holding the password on its first line; must not be readable by group or others.
    public var passwordFile: String?
    public var connectTimeout: Duration
    /// The longest one message may take, connection included.
    public var timeout: Duration
    /// Verify the server's certificate and host name (on unless explicitly turned off).
    public var verifyCertificate: Bool
    /// A CA bundle instead of the system's.
    public var caFile: String?

    public init(
        url: String, tls: TLS = .required, username: String? = nil, passwordFile: String? = nil,
        connectTimeout: Duration = .seconds(10), timeout: Duration = .seconds(60), verifyCertificate: Bool = true,
        caFile: String? = nil
    ) {
        self.url = url
        self.tls = tls
        self.username = username
        self.passwordFile = passwordFile
        self.connectTimeout = connectTimeout
        self.timeout = timeout
        self.verifyCertificate = verifyCertificate
        self.caFile = caFile
    }
}

/// Reads SMTP passwords from files that only their owner can read.
public enum PasswordFile {
    /// The first line of `path`, refused when group or others may read it (``SecretFile``).
    public static func read(_ path: String) throws(MailError) -> String {
        try SecretFile.read(path, what: "SMTP password file")
    }
}

/// Secrets (the SMTP password, a robot's signing secret) come from files that only their
/// owner, the daemon's user, can read.
public enum SecretFile {
    /// The first line of `path`. Refuses a file that group or others may read or write, as ssh
    /// does with private keys: a secret readable by every local user is not a secret. The
    /// messages name the file and never its content.
    public static func read(_ path: String, what: String) throws(MailError) -> String {
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw MailError(.configuration, "cannot read the \(what) \(path): \(String(cString: strerror(errno)))")
        }
        guard info.st_mode & S_IFMT == S_IFREG else {
            throw MailError(.configuration, "the \(what) \(path) is not a regular file")
        }
        let mode = info.st_mode & 0o777
        guard mode & 0o077 == 0 else {
            throw MailError(
                .configuration,
                "the \(what) \(path) is readable by others (mode \(String(mode, radix: 8))); "
                    + "run: chmod 600 \(path)")
        }
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw MailError(.configuration, "cannot read the \(what) \(path)")
        }
        let line = text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
        let secret = line.hasSuffix("\r") ? String(line.dropLast()) : line
        guard !secret.isEmpty else { throw MailError(.configuration, "the \(what) \(path) is empty") }
        return secret
    }
}

/// SMTP through libcurl: `smtp://` with STARTTLS (required by default), `smtps://`, AUTH with a
/// password from a file, connect and total timeouts, certificate verification on by default.
/// Each message is one connection (reminder mail is a few messages a day). libcurl is opened at the
/// first send (``LibCurl``); without it every send is a temporary failure naming the package.
public struct SMTPTransport: MailTransport {
    public let configuration: SMTPConfiguration
    let password: String?
    /// libcurl's soname (another only in tests).
    let library: String
    public var name: String { "smtp" }

    /// Checks the URL and reads the password file now, so a bad setting is reported at start.
    public init(_ configuration: SMTPConfiguration) throws(MailError) {
        try self.init(configuration, library: LibCurl.soname)
    }

    init(_ configuration: SMTPConfiguration, library: String) throws(MailError) {
        guard configuration.url.hasPrefix("smtp://") || configuration.url.hasPrefix("smtps://") else {
            throw MailError(.configuration, "the SMTP URL must start with smtp:// or smtps://, not '\(configuration.url)'")
        }
        guard !configuration.url.unicodeScalars.contains(where: { $0.value < 0x21 || $0.value == 0x7F }) else {
            throw MailError(.configuration, "the SMTP URL contains spaces or control characters")
        }
        self.configuration = configuration
        if let file = configuration.passwordFile {
            guard configuration.username != nil else {
                throw MailError(.configuration, "an SMTP password file needs a user name")
            }
            password = try PasswordFile.read(file)
        } else {
            password = nil
        }
        self.library = library
    }

    /// What a failed transfer means: the server's reply code decides when there is one (4xx
    /// temporary, 5xx permanent); without one, network trouble is temporary, and a malformed
    /// setting, a refused login or a certificate that does not verify is permanent (trying again
    /// cannot help until an administrator changes something, and nothing was sent).
    public static func kind(curlCode: Int, replyCode: Int) -> MailTransportError.Kind {
        if (400..<600).contains(replyCode) { return MailTransportError.kind(replyCode: replyCode) }
        return permanentCurlCodes.contains(curlCode) ? .permanent : .temporary
    }

    /// libcurl results that no retry can fix.
    static let permanentCurlCodes: Set<Int> = [
        Int(CURLE_UNSUPPORTED_PROTOCOL.rawValue), Int(CURLE_URL_MALFORMAT.rawValue), Int(CURLE_LOGIN_DENIED.rawValue),
        // The certificate does not verify against the CA (mail.smtp.ca_file or the system's).
        Int(CURLE_PEER_FAILED_VERIFICATION.rawValue),
        // mail.smtp.ca_file cannot be read.
        Int(CURLE_SSL_CACERT_BADFILE.rawValue),
        // tls: required, and the server does not offer STARTTLS.
        Int(CURLE_USE_SSL_FAILED.rawValue),
    ]

    @discardableResult
    public func send(_ envelope: Envelope) throws(MailTransportError) -> MailSendReport {
        guard !envelope.recipients.isEmpty else { throw MailTransportError(.permanent, "no recipient") }
        for address in [envelope.sender] + envelope.recipients where !MailAddress.isValid(address) {
            throw MailTransportError(.permanent, "'\(HeaderText.neutralised(address))' is not a mail address")
        }
        // Like a sendmail that cannot run: nothing was sent, and it goes once the package is installed.
        let curl: LibCurl
        do { curl = try LibCurl.shared(library) } catch { throw MailTransportError(.temporary, "cannot send over SMTP: \(error)") }
        guard let handle = curl.functions.curl_easy_init() else { throw MailTransportError(.temporary, "curl_easy_init failed") }
        defer { curl.functions.curl_easy_cleanup(handle) }
        var recipients: UnsafeMutablePointer<curl_slist>?
        for address in envelope.recipients { recipients = curl.functions.curl_slist_append(recipients, "<\(address)>") }
        defer { curl.functions.curl_slist_free_all(recipients) }

        let source = UploadSource(Array(envelope.data.utf8))
        let unmanaged = Unmanaged.passRetained(source)
        defer { unmanaged.release() }
        let transcript = SMTPTranscript()
        let transcriptPointer = Unmanaged.passRetained(transcript)
        defer { transcriptPointer.release() }
        var errorBuffer = [CChar](repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)

        let code: CURLcode = errorBuffer.withUnsafeMutableBufferPointer { errorPointer in
            almanac_curl_setopt_string(curl.table, handle, CURLOPT_URL, configuration.url)
            almanac_curl_setopt_long(curl.table, handle, CURLOPT_NOSIGNAL, 1)
            almanac_curl_setopt_pointer(curl.table, handle, CURLOPT_ERRORBUFFER, errorPointer.baseAddress)
            almanac_curl_setopt_string(curl.table, handle, CURLOPT_MAIL_FROM, "<\(envelope.sender)>")
            almanac_curl_setopt_slist(curl.table, handle, CURLOPT_MAIL_RCPT, recipients)
            // Some recipients refused: the others still get the message; the transcript says who.
            almanac_curl_setopt_rcpt_allowfails(curl.table, handle, 1)
            almanac_curl_setopt_long(curl.table, handle, CURLOPT_UPLOAD, 1)
            almanac_curl_setopt_io(curl.table, handle, CURLOPT_READFUNCTION, uploadCallback)
            almanac_curl_setopt_pointer(curl.table, handle, CURLOPT_READDATA, unmanaged.toOpaque())
            // The protocol lines, for the replies to RCPT and the server's words on failure.
            almanac_curl_setopt_long(curl.table, handle, CURLOPT_VERBOSE, 1)
            almanac_curl_setopt_debug(curl.table, handle, transcriptCallback)
            almanac_curl_setopt_pointer(curl.table, handle, CURLOPT_DEBUGDATA, transcriptPointer.toOpaque())
            almanac_curl_setopt_long(curl.table, handle, CURLOPT_CONNECTTIMEOUT_MS, Self.milliseconds(configuration.connectTimeout))
            almanac_curl_setopt_long(curl.table, handle, CURLOPT_TIMEOUT_MS, Self.milliseconds(configuration.timeout))
            let useSSL: curl_usessl =
                switch configuration.tls {
                case .required: CURLUSESSL_ALL
                case .optional: CURLUSESSL_TRY
                case .none: CURLUSESSL_NONE
                }
            almanac_curl_setopt_long(curl.table, handle, CURLOPT_USE_SSL, Int(useSSL.rawValue))
            almanac_curl_setopt_long(curl.table, handle, CURLOPT_SSL_VERIFYPEER, configuration.verifyCertificate ? 1 : 0)
            almanac_curl_setopt_long(curl.table, handle, CURLOPT_SSL_VERIFYHOST, configuration.verifyCertificate ? 2 : 0)
            if let caFile = configuration.caFile { almanac_curl_setopt_string(curl.table, handle, CURLOPT_CAINFO, caFile) }
            if let username = configuration.username { almanac_curl_setopt_string(curl.table, handle, CURLOPT_USERNAME, username) }
            if let password { almanac_curl_setopt_string(curl.table, handle, CURLOPT_PASSWORD, password) }
            return curl.functions.curl_easy_perform(handle)
        }
        let refused = transcript.recipientFailures()
        guard code != CURLE_OK else { return MailSendReport(failures: refused) }
        var reply: Int = 0
        almanac_curl_getinfo_long(curl.table, handle, CURLINFO_RESPONSE_CODE, &reply)
        let detail = String(decoding: errorBuffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        var text = detail.isEmpty ? curl.text(of: code) : detail
        if let hint = Self.hint(curlCode: Int(code.rawValue), configuration: configuration) { text += " (\(hint))" }
        if refused.count == envelope.recipients.count {
            // Every recipient refused: each one's reply, and retry only what may still go.
            let kind: MailTransportError.Kind = refused.contains { $0.kind == .temporary } ? .temporary : .permanent
            throw MailTransportError(
                kind, "\(configuration.url): every recipient refused: " + refused.map(\.description).joined(separator: "; "),
                replyCode: reply == 0 ? nil : reply, recipientFailures: refused)
        }
        if let last = transcript.lastReply(), !text.contains(last) { text += "; the server said: \(last)" }
        throw MailTransportError(
            Self.kind(curlCode: Int(code.rawValue), replyCode: reply), "\(configuration.url): \(text)",
            replyCode: reply == 0 ? nil : reply)
    }

    /// What to check, for failures an administrator fixes in the configuration.
    static func hint(curlCode: Int, configuration: SMTPConfiguration) -> String? {
        switch curlCode {
        case Int(CURLE_PEER_FAILED_VERIFICATION.rawValue):
            return configuration.caFile.map { "the certificate is not signed by the CA in mail.smtp.ca_file \($0)" }
                ?? "the certificate is not signed by a CA of the system's bundle; mail.smtp.ca_file can name the CA"
        case Int(CURLE_SSL_CACERT_BADFILE.rawValue):
            return "cannot read mail.smtp.ca_file \(configuration.caFile ?? "")"
        case Int(CURLE_USE_SSL_FAILED.rawValue):
            return "the server does not offer STARTTLS and mail.smtp.tls is required; nothing was sent"
        case Int(CURLE_LOGIN_DENIED.rawValue):
            return "check mail.smtp.username and the password file"
        default:
            return nil
        }
    }

    static func milliseconds(_ duration: Duration) -> Int {
        Int(clamping: duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000)
    }
}

/// The SMTP conversation as libcurl's debug callback shows it (after TLS): the commands that
/// carry no secret and every reply line, so a send can tell which RCPT the server refused and
/// quote its reply. AUTH arguments are never kept.
final class SMTPTranscript: @unchecked Sendable {
    enum Line {
        case command(String)
        case reply(String)
    }
    // Touched only by the thread running curl_easy_perform, then read after it returned.
    private(set) var lines: [Line] = []
    private var partial: [UInt8] = []

    func append(_ bytes: UnsafeBufferPointer<UInt8>, incoming: Bool) {
        partial += bytes
        while let newline = partial.firstIndex(of: UInt8(ascii: "\n")) {
            var line = Array(partial[..<newline])
            partial.removeSubrange(...newline)
            if line.last == UInt8(ascii: "\r") { line.removeLast() }
            let text = String(decoding: line, as: UTF8.self)
            if incoming {
                lines.append(.reply(HeaderText.neutralised(text)))
            } else {
                let upper = text.uppercased()
                if upper.hasPrefix("RCPT TO:") || upper.hasPrefix("MAIL FROM:") || upper == "DATA" || upper == "STARTTLS" {
                    lines.append(.command(text))
                } else if upper.hasPrefix("AUTH ") {
                    // The mechanism only: an initial response would be the credentials.
                    lines.append(.command(String(text.prefix(while: { $0 != " " })) + " " + String(text.dropFirst(5).prefix { $0 != " " })))
                }
            }
        }
    }

    /// A reply line that ends a reply (`250 OK`, not `250-SIZE`).
    static func isFinal(_ reply: String) -> Bool {
        let bytes = Array(reply.utf8)
        return bytes.count == 3 || (bytes.count > 3 && bytes[3] == UInt8(ascii: " "))
    }

    /// The recipients whose RCPT got a 4xx or 5xx reply, in order.
    func recipientFailures() -> [RecipientFailure] {
        var failures: [RecipientFailure] = []
        var pending: String?
        for line in lines {
            switch line {
            case .command(let text):
                pending = nil
                if text.uppercased().hasPrefix("RCPT TO:") {
                    let address = text.dropFirst(8).trimmingCharacters(in: .whitespaces)
                    pending = address.hasPrefix("<") && address.hasSuffix(">") ? String(address.dropFirst().dropLast()) : address
                }
            case .reply(let text):
                guard let address = pending, Self.isFinal(text) else { continue }
                pending = nil
                if let code = Int(text.prefix(3)), (400..<600).contains(code) {
                    failures.append(RecipientFailure(address: address, kind: MailTransportError.kind(replyCode: code), reply: text))
                }
            }
        }
        return failures
    }

    /// The last final reply with an error code, if any.
    func lastReply() -> String? {
        for line in lines.reversed() {
            if case .reply(let text) = line, Self.isFinal(text), let code = Int(text.prefix(3)), code >= 400 { return text }
        }
        return nil
    }
}

private let transcriptCallback: almanac_curl_debug_callback = { _, type, data, size, userdata in
    guard let data, let userdata, type == CURLINFO_HEADER_IN || type == CURLINFO_HEADER_OUT else { return 0 }
    let transcript = Unmanaged<SMTPTranscript>.fromOpaque(userdata).takeUnretainedValue()
    data.withMemoryRebound(to: UInt8.self, capacity: size) { bytes in
        transcript.append(UnsafeBufferPointer(start: bytes, count: size), incoming: type == CURLINFO_HEADER_IN)
    }
    return 0
}

/// The message bytes curl reads through ``uploadCallback``.
final class UploadSource: @unchecked Sendable {
    // Touched only by the thread running curl_easy_perform.
    let bytes: [UInt8]
    var offset = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }
}

private let uploadCallback: almanac_curl_io_callback = { buffer, size, count, userdata in
    guard let buffer, let userdata else { return 0 }
    let source = Unmanaged<UploadSource>.fromOpaque(userdata).takeUnretainedValue()
    let room = size * count
    let remaining = source.bytes.count - source.offset
    let n = min(room, remaining)
    if n > 0 {
        source.bytes.withUnsafeBufferPointer { pointer in
            guard let base = pointer.baseAddress else { return }
            UnsafeMutableRawPointer(buffer).copyMemory(from: base + source.offset, byteCount: n)
        }
        source.offset += n
    }
    return n
}
