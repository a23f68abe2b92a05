import AlmanacLibraries
import CSystemd

/// libsystemd, opened the first time almanac talks to the service manager or the journal instead
/// of linked: `almanacd --version`, almanacctl and the loader's time before almanacd's first
/// instruction are spared it and the libraries it brings (libcap, libgcrypt, liblzma, libzstd,
/// liblz4, libgpg-error). It is still libsystemd that is called, through ``functions``, typed by
/// its headers (Sources/CSystemd/shim.h).
///
/// Without the library (libsystemd0 is on every system that runs systemd) the process behaves as
/// when it is not run by systemd: no notification is sent, no socket is adopted, and log entries
/// are lines on stderr.
public struct LibSystemd: @unchecked Sendable {  // a table of C function pointers into a library never closed
    /// The soname libsystemd0 installs.
    public static let soname = "libsystemd.so.0"
    /// The Debian package that holds it (a dependency of almanac's package, stated in scripts/deb.sh).
    public static let package = "libsystemd0"

    let functions: almanac_sd

    /// Opens `library` (the soname unless a test names another) and finds every function almanac
    /// calls; a missing library or function names the library and its package.
    static func load(_ library: String = soname) throws(SharedLibraryError) -> LibSystemd {
        LibSystemd(
            functions: try SharedLibrary.load(
                library, package: package, upstream: "libsystemd", into: almanac_sd(), resolve: { almanac_sd_resolve($0, $1) }))
    }

    /// The library, opened once per process at first use (thread-safe, as every `static let`).
    /// The outcome is kept either way: notifications and journal entries come often, and a system
    /// without libsystemd is not run by systemd.
    static let shared = Result { () throws(SharedLibraryError) in try load() }

    /// Why libsystemd cannot be used, or nil when it can (opening it if that was not done yet):
    /// almanacd reports it when the environment says systemd runs it.
    public static var problem: SharedLibraryError? {
        if case .failure(let error) = shared { return error }
        return nil
    }
}
