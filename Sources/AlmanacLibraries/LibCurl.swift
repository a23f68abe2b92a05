import CCurl
import Synchronization

/// libcurl, opened when the first mail goes out over SMTP or the first robot message is posted
/// instead of linked: a process that sends neither loads neither it nor the ~30 libraries it
/// brings (Kerberos, LDAP, GnuTLS, OpenSSL, nghttp2, ssh2, rtmp). The functions are reached
/// through ``table``, typed by curl.h (Sources/CCurl/shim.h); the variadic `curl_easy_setopt`
/// and `curl_easy_getinfo` through the shim's typed wrappers, which take the table.
public final class LibCurl: @unchecked Sendable {  // a table of C function pointers into a library never closed
    /// The soname libcurl4 installs.
    public static let soname = "libcurl.so.4"
    /// The Debian package that holds it (a dependency of almanac's package, stated in scripts/deb.sh).
    public static let package = "libcurl4"

    /// The functions, for the shim's wrappers (`almanac_curl_setopt_long(curl.table, ...)`).
    public let table: UnsafePointer<almanac_curl>
    /// The same functions, to call from Swift (`curl.functions.curl_easy_init()`).
    public var functions: almanac_curl { table.pointee }

    private init(_ functions: almanac_curl) {
        let table = UnsafeMutablePointer<almanac_curl>.allocate(capacity: 1)
        table.initialize(to: functions)
        self.table = UnsafePointer(table)
    }

    deinit { UnsafeMutablePointer(mutating: table).deallocate() }

    /// libcurl's words for a result (`curl_easy_strerror`).
    public func text(of code: CURLcode) -> String {
        functions.curl_easy_strerror(code).map { String(cString: $0) } ?? "libcurl error \(code.rawValue)"
    }

    /// Opens `library` (the soname unless a test names another) and finds every function almanac
    /// calls; a missing library or function names the library and its package. `curl_global_init`
    /// is not called: ``shared(_:)`` does that once.
    public static func load(_ library: String = soname) throws(SharedLibraryError) -> LibCurl {
        LibCurl(
            try SharedLibrary.load(
                library, package: package, upstream: "libcurl", into: almanac_curl(), resolve: { almanac_curl_resolve($0, $1) }))
    }

    /// The libraries opened so far, by the name given to dlopen.
    private static let opened = Mutex<[String: LibCurl]>([:])

    /// `library` opened once per process, with `curl_global_init` called once before any handle
    /// is made, under a lock: two first sends at once (a mail and a robot message) wait for the
    /// one set-up. A failure is not kept, so a library installed while almanacd runs is found at
    /// the next send.
    public static func shared(_ library: String = soname) throws(SharedLibraryError) -> LibCurl {
        try opened.withLock { (opened) throws(SharedLibraryError) -> LibCurl in
            if let curl = opened[library] { return curl }
            let curl = try load(library)
            let code = curl.functions.curl_global_init(Int(CURL_GLOBAL_DEFAULT))
            guard code == CURLE_OK else {
                throw SharedLibraryError(
                    library: library, package: package,
                    detail: "\(library): curl_global_init failed: \(curl.text(of: code))")
            }
            opened[library] = curl
            return curl
        }
    }
}
