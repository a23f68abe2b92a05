import AlmanacLibraries
import CPostgres

/// libpq, the PostgreSQL client library, opened when a connection is made instead of linked:
/// almanacctl and almanacd load it (and the libraries it brings: Kerberos, LDAP, GnuTLS, OpenSSL,
/// 22 of the 42 almanacctl loaded, 7 ms of its start) only when the PostgreSQL state backend is used.
/// The functions are reached through ``functions``, typed by libpq-fe.h (Sources/CPostgres/shim.h).
///
/// Each connection opens the library again: after the first time that is a reference count
/// (dlopen finds it loaded), and a library installed while almanacd runs is found at the next
/// connect. The library is never closed (libpq's TLS libraries are not meant to be unloaded).
struct LibPQ: @unchecked Sendable {  // a table of C function pointers into a library never closed
    /// The soname libpq5 installs.
    static let soname = "libpq.so.5"
    /// The Debian package that holds it (a dependency of almanac's package, stated in scripts/deb.sh).
    static let package = "libpq5"

    let functions: almanac_pq

    /// Opens `library` (the soname unless a test names another) and finds every function almanac
    /// calls. A missing library or function is `unavailable`, and names the library and its package.
    static func load(_ library: String = soname) throws(StoreError) -> LibPQ {
        do {
            return LibPQ(
                functions: try SharedLibrary.load(
                    library, package: package, upstream: "libpq", into: almanac_pq(), resolve: { almanac_pq_resolve($0, $1) }))
        } catch {
            throw StoreError(.unavailable, operation: "loading the PostgreSQL client library", detail: error.detail)
        }
    }
}
