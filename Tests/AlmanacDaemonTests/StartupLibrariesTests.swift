import AlmanacTestSupport
import Foundation
import Testing

/// libpq, and the Kerberos, LDAP, GnuTLS and OpenSSL libraries it brings, is opened only when the
/// PostgreSQL state backend connects (AlmanacStore's `LibPQ`), never at start: the loader's own
/// trace (`LD_DEBUG=files`) of a run that does not use the backend does not mention it. The same
/// for libcurl (opened at the first SMTP send or robot post, AlmanacLibraries' `LibCurl`) and
/// libsystemd (opened at the first notification or journal entry, AlmanacSystemd's `LibSystemd`),
/// and what they bring (libgcrypt, liblzma, libzstd, libcap: libsystemd's).
@Suite("libraries loaded at start")
struct StartupLibrariesTests {
    @Test(arguments: ["almanacctl", "almanacd"])
    func libpqLibcurlAndLibsystemdAreNotLoadedByVersion(program: String) throws {
        let binary = (CommandLine.arguments[0] as NSString).deletingLastPathComponent + "/" + program
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            throw ProcessTestError("\(program) is not built at \(binary); run `swift build` first")
        }
        var environment = ProcessInfo.processInfo.environment
        environment["LD_DEBUG"] = "files"
        let result = try spawnAndWait(binary, ["--version"], environment: environment)
        #expect(result.status == 0)
        #expect(result.stderr.contains("file=libsqlite3.so.0"), "the loader's trace is missing: \(result.stderr.prefix(300))")
        #expect(!result.stderr.contains("libpq"))
        #expect(!result.stderr.contains("libcurl"))
        #expect(!result.stderr.contains("libsystemd"))
        #expect(!result.stderr.contains("libgcrypt"))
    }
}
