import AlmanacLibraries
import CCurl
import Foundation

/// Why a request got no HTTP answer.
public struct HTTPSError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Whether trying again later can help (connection refused, timeout) or not (the
    /// certificate does not verify, the URL is not https, the CA file cannot be read).
    public var permanent: Bool
    public var message: String

    public init(permanent: Bool, _ message: String) {
        self.permanent = permanent
        self.message = message
    }

    public var description: String { message }
}

/// HTTPS POST through libcurl: TLS verification always on (peer and host name), https only, no
/// redirects, connect and total timeouts, an optional CA bundle instead of the system's.
/// libcurl takes a proxy from `https_proxy` as usual (docs/robots.md, the hardened unit).
/// libcurl is opened at the first post (``LibCurl``); without it every post fails, to be tried
/// again, with a message naming the package.
public struct HTTPSClient: Sendable {
    public var caFile: String?
    public var connectTimeout: Duration
    public var timeout: Duration
    /// libcurl's soname (another only in tests).
    var library = LibCurl.soname

    public init(caFile: String? = nil, connectTimeout: Duration = .seconds(10), timeout: Duration = .seconds(30)) {
        self.caFile = caFile
        self.connectTimeout = connectTimeout
        self.timeout = timeout
    }

    /// libcurl results no retry can fix.
    static let permanentCodes: Set<Int> = [
        Int(CURLE_UNSUPPORTED_PROTOCOL.rawValue), Int(CURLE_URL_MALFORMAT.rawValue),
        Int(CURLE_PEER_FAILED_VERIFICATION.rawValue), Int(CURLE_SSL_CACERT_BADFILE.rawValue),
    ]

    /// Posts `request`; blocks until the answer (run it off the cooperative pool).
    public func post(_ request: HTTPRequest) -> Result<HTTPResponse, HTTPSError> {
        if let problem = RobotEndpoint.problem(url: request.url) { return .failure(HTTPSError(permanent: true, problem)) }
        let curl: LibCurl
        do { curl = try LibCurl.shared(library) } catch { return .failure(HTTPSError(permanent: false, "cannot post: \(error)")) }
        guard let handle = curl.functions.curl_easy_init() else { return .failure(HTTPSError(permanent: false, "curl_easy_init failed")) }
        defer { curl.functions.curl_easy_cleanup(handle) }
        var headers: UnsafeMutablePointer<curl_slist>?
        for header in request.headers + ["Expect:"] { headers = curl.functions.curl_slist_append(headers, header) }
        defer { curl.functions.curl_slist_free_all(headers) }
        let sink = ResponseSink()
        let sinkPointer = Unmanaged.passRetained(sink)
        defer { sinkPointer.release() }
        var body = request.body
        var errorBuffer = [CChar](repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        let code: CURLcode = body.withUnsafeMutableBytes { bodyBytes in
            errorBuffer.withUnsafeMutableBufferPointer { errorPointer in
                almanac_curl_setopt_string(curl.table, handle, CURLOPT_URL, request.url)
                almanac_curl_setopt_string(curl.table, handle, CURLOPT_PROTOCOLS_STR, "https")
                almanac_curl_setopt_long(curl.table, handle, CURLOPT_FOLLOWLOCATION, 0)
                almanac_curl_setopt_long(curl.table, handle, CURLOPT_NOSIGNAL, 1)
                almanac_curl_setopt_pointer(curl.table, handle, CURLOPT_ERRORBUFFER, errorPointer.baseAddress)
                almanac_curl_setopt_long(curl.table, handle, CURLOPT_POST, 1)
                almanac_curl_setopt_long(curl.table, handle, CURLOPT_POSTFIELDSIZE, bodyBytes.count)
                almanac_curl_setopt_pointer(curl.table, handle, CURLOPT_POSTFIELDS, bodyBytes.baseAddress)
                almanac_curl_setopt_slist(curl.table, handle, CURLOPT_HTTPHEADER, headers)
                almanac_curl_setopt_io(curl.table, handle, CURLOPT_WRITEFUNCTION, bodyCallback)
                almanac_curl_setopt_pointer(curl.table, handle, CURLOPT_WRITEDATA, sinkPointer.toOpaque())
                almanac_curl_setopt_io(curl.table, handle, CURLOPT_HEADERFUNCTION, headerCallback)
                almanac_curl_setopt_pointer(curl.table, handle, CURLOPT_HEADERDATA, sinkPointer.toOpaque())
                almanac_curl_setopt_long(curl.table, handle, CURLOPT_SSL_VERIFYPEER, 1)
                almanac_curl_setopt_long(curl.table, handle, CURLOPT_SSL_VERIFYHOST, 2)
                if let caFile { almanac_curl_setopt_string(curl.table, handle, CURLOPT_CAINFO, caFile) }
                almanac_curl_setopt_long(curl.table, handle, CURLOPT_CONNECTTIMEOUT_MS, Self.milliseconds(connectTimeout))
                almanac_curl_setopt_long(curl.table, handle, CURLOPT_TIMEOUT_MS, Self.milliseconds(timeout))
                return curl.functions.curl_easy_perform(handle)
            }
        }
        guard code == CURLE_OK else {
            let detail = String(decoding: errorBuffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            var text = detail.isEmpty ? curl.text(of: code) : detail
            if code == CURLE_PEER_FAILED_VERIFICATION {
                text += caFile.map { " (the certificate is not signed by the CA in robots.ca_file \($0); nothing was sent)" }
                    ?? " (the certificate does not verify against the system's CAs; nothing was sent)"
            }
            return .failure(HTTPSError(permanent: Self.permanentCodes.contains(Int(code.rawValue)), "\(RobotEndpoint.redacted(request.url)): \(text)"))
        }
        var status = 0
        almanac_curl_getinfo_long(curl.table, handle, CURLINFO_RESPONSE_CODE, &status)
        return .success(HTTPResponse(status: status, body: sink.body, retryAfter: sink.retryAfter))
    }

    static func milliseconds(_ duration: Duration) -> Int {
        Int(clamping: duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000)
    }
}

/// The answer's body (at most 64 KiB) and `Retry-After`, filled by libcurl's callbacks.
final class ResponseSink: @unchecked Sendable {
    // Touched only by the thread running curl_easy_perform, then read after it returned.
    var body: [UInt8] = []
    var retryAfter: Int?

    func header(_ line: String) {
        let parts = line.split(separator: ":", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "retry-after" else { return }
        retryAfter = Int(parts[1].trimmingCharacters(in: .whitespacesAndNewlines))
    }
}

private let bodyCallback: almanac_curl_io_callback = { buffer, size, count, userdata in
    guard let buffer, let userdata else { return 0 }
    let sink = Unmanaged<ResponseSink>.fromOpaque(userdata).takeUnretainedValue()
    let total = size * count
    if sink.body.count < 65_536 {
        buffer.withMemoryRebound(to: UInt8.self, capacity: total) { bytes in
            sink.body += UnsafeBufferPointer(start: bytes, count: min(total, 65_536 - sink.body.count))
        }
    }
    return total
}

private let headerCallback: almanac_curl_io_callback = { buffer, size, count, userdata in
    guard let buffer, let userdata else { return 0 }
    let sink = Unmanaged<ResponseSink>.fromOpaque(userdata).takeUnretainedValue()
    let total = size * count
    buffer.withMemoryRebound(to: UInt8.self, capacity: total) { bytes in
        sink.header(String(decoding: UnsafeBufferPointer(start: bytes, count: total), as: UTF8.self))
    }
    return total
}
