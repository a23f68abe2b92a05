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
    /// The first line of `path`. Refuses a file that group or others may read or write, as ssh
    /// does with private keys: a password readable by every local user is not a secret.
    public static func read(_ path: String) throws(MailError) -> String {
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw MailError(.configuration, "cannot read the SMTP password file \(path): \(String(cString: strerror(errno)))")
        }
        guard info.st_mode & S_IFMT == S_IFREG else {
            throw MailError(.configuration, "the SMTP password file \(path) is not a regular file")
        }
        let mode = info.st_mode & 0o777
        guard mode & 0o077 == 0 else {
            throw MailError(
                .configuration,
                "the SMTP password file \(path) is readable by others (mode \(String(mode, radix: 8))); "
                    + "run: chmod 600 \(path)")
        }
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw MailError(.configuration, "cannot read the SMTP password file \(path)")
        }
        let line = text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
        let password = line.hasSuffix("\r") ? String(line.dropLast()) : line
        guard !password.isEmpty else { throw MailError(.configuration, "the SMTP password file \(path) is empty") }
        return password
    }
}

/// SMTP through libcurl: `smtp://` with STARTTLS (required by default), `smtps://`, AUTH with a
/// password from a file, connect and total timeouts, certificate verification on by default.
/// Each message is one connection (reminder mail is a few messages a day).
public struct SMTPTransport: MailTransport {
    public let configuration: SMTPConfiguration
    let password: String?
    public var name: String { "smtp" }

    /// Checks the URL and reads the password file now, so a bad setting is reported at start.
    public init(_ configuration: SMTPConfiguration) throws(MailError) {
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
        _ = Self.globalInit
    }

    /// curl_global_init once per process, before any handle.
    static let globalInit: CURLcode = curl_global_init(Int(CURL_GLOBAL_DEFAULT))

    /// What a failed transfer means: the server's reply code decides when there is one (4xx
    /// temporary, 5xx permanent); without one, network trouble is temporary and a malformed
    /// setting permanent.
    public static func kind(curlCode: Int, replyCode: Int) -> MailTransportError.Kind {
        if (400..<600).contains(replyCode) { return MailTransportError.kind(replyCode: replyCode) }
        switch curlCode {
        case Int(CURLE_UNSUPPORTED_PROTOCOL.rawValue), Int(CURLE_URL_MALFORMAT.rawValue), Int(CURLE_LOGIN_DENIED.rawValue):
            return .permanent
        default:
            return .temporary
        }
    }

    public func send(_ envelope: Envelope) throws(MailTransportError) {
        guard !envelope.recipients.isEmpty else { throw MailTransportError(.permanent, "no recipient") }
        for address in [envelope.sender] + envelope.recipients where !MailAddress.isValid(address) {
            throw MailTransportError(.permanent, "'\(HeaderText.neutralised(address))' is not a mail address")
        }
        guard let handle = curl_easy_init() else { throw MailTransportError(.temporary, "curl_easy_init failed") }
        defer { curl_easy_cleanup(handle) }
        var recipients: UnsafeMutablePointer<curl_slist>?
        for address in envelope.recipients { recipients = curl_slist_append(recipients, "<\(address)>") }
        defer { curl_slist_free_all(recipients) }

        let source = UploadSource(Array(envelope.data.utf8))
        let unmanaged = Unmanaged.passRetained(source)
        defer { unmanaged.release() }
        var errorBuffer = [CChar](repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)

        let code: CURLcode = errorBuffer.withUnsafeMutableBufferPointer { errorPointer in
            almanac_curl_setopt_string(handle, CURLOPT_URL, configuration.url)
            almanac_curl_setopt_long(handle, CURLOPT_NOSIGNAL, 1)
            almanac_curl_setopt_pointer(handle, CURLOPT_ERRORBUFFER, errorPointer.baseAddress)
            almanac_curl_setopt_string(handle, CURLOPT_MAIL_FROM, "<\(envelope.sender)>")
            almanac_curl_setopt_slist(handle, CURLOPT_MAIL_RCPT, recipients)
            almanac_curl_setopt_long(handle, CURLOPT_UPLOAD, 1)
            almanac_curl_setopt_io(handle, CURLOPT_READFUNCTION, uploadCallback)
            almanac_curl_setopt_pointer(handle, CURLOPT_READDATA, unmanaged.toOpaque())
            almanac_curl_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, Self.milliseconds(configuration.connectTimeout))
            almanac_curl_setopt_long(handle, CURLOPT_TIMEOUT_MS, Self.milliseconds(configuration.timeout))
            let useSSL: curl_usessl =
                switch configuration.tls {
                case .required: CURLUSESSL_ALL
                case .optional: CURLUSESSL_TRY
                case .none: CURLUSESSL_NONE
                }
            almanac_curl_setopt_long(handle, CURLOPT_USE_SSL, Int(useSSL.rawValue))
            almanac_curl_setopt_long(handle, CURLOPT_SSL_VERIFYPEER, configuration.verifyCertificate ? 1 : 0)
            almanac_curl_setopt_long(handle, CURLOPT_SSL_VERIFYHOST, configuration.verifyCertificate ? 2 : 0)
            if let caFile = configuration.caFile { almanac_curl_setopt_string(handle, CURLOPT_CAINFO, caFile) }
            if let username = configuration.username { almanac_curl_setopt_string(handle, CURLOPT_USERNAME, username) }
            if let password { almanac_curl_setopt_string(handle, CURLOPT_PASSWORD, password) }
            return curl_easy_perform(handle)
        }
        guard code != CURLE_OK else { return }
        var reply: Int = 0
        almanac_curl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &reply)
        let detail = String(decoding: errorBuffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let text = detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail
        throw MailTransportError(
            Self.kind(curlCode: Int(code.rawValue), replyCode: reply), "\(configuration.url): \(text)",
            replyCode: reply == 0 ? nil : reply)
    }

    static func milliseconds(_ duration: Duration) -> Int {
        Int(clamping: duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000)
    }
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
