import Glibc

/// Why a library opened on first use (``SharedLibrary``) cannot be used: it is not installed, it
/// lacks a function almanac calls, or its set-up failed. The text names the library and the
/// Debian package that installs it.
public struct SharedLibraryError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The name given to dlopen (the soname, another only in tests).
    public var library: String
    /// The Debian package that holds the library (a dependency stated in scripts/deb.sh).
    public var package: String
    /// What went wrong, with what to install: `cannot load libcurl.so.4 (install ...): <dlerror>`.
    public var detail: String

    public init(library: String, package: String, detail: String) {
        self.library = library
        self.package = package
        self.detail = detail
    }

    public var description: String { detail }
}

/// A C library opened when it is first needed instead of linked: libpq (AlmanacStore's `LibPQ`),
/// libcurl (``LibCurl``) and libsystemd (AlmanacSystemd's `LibSystemd`). A linked library and
/// the libraries it brings are loaded before a process's first instruction, while a SIGTERM
/// still kills almanacd (docs/benchmarks.md); opened here, only when a connection, a mail or a
/// notification needs it. Each C module declares its functions once and resolves them into a
/// table of pointers (`almanac_pq_resolve`, `almanac_curl_resolve`, `almanac_sd_resolve`).
public enum SharedLibrary {
    /// What to do when `library` is missing: install `package` (Debian) or `upstream` elsewhere.
    public static func installHint(package: String, upstream: String) -> String {
        "install the Debian package \(package), or \(upstream) for your system"
    }

    /// Opens `library` (`dlopen(RTLD_NOW | RTLD_LOCAL)`) and fills `table` with `resolve`, which
    /// returns the name of the first function it cannot find (nil when all are found). A library
    /// whose functions were taken is never closed (TLS libraries are not meant to be unloaded);
    /// one that lacks a function is.
    public static func load<Table>(
        _ library: String, package: String, upstream: String, into table: Table,
        resolve: (UnsafeMutableRawPointer, UnsafeMutablePointer<Table>) -> UnsafePointer<CChar>?
    ) throws(SharedLibraryError) -> Table {
        let install = installHint(package: package, upstream: upstream)
        guard let handle = dlopen(library, RTLD_NOW | RTLD_LOCAL) else {
            let reason = dlerror().map { String(cString: $0) } ?? "not found"
            throw SharedLibraryError(library: library, package: package, detail: "cannot load \(library) (\(install)): \(reason)")
        }
        var table = table
        if let missing = resolve(handle, &table) {
            dlclose(handle)
            throw SharedLibraryError(
                library: library, package: package, detail: "\(library) has no function \(String(cString: missing)) (\(install))")
        }
        return table
    }
}
