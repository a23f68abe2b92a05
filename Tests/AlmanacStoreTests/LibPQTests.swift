import Testing

@testable import AlmanacStore

/// libpq is opened when a PostgreSQL connection is made, not linked (``LibPQ``): without it the
/// PostgreSQL backend fails with an error that names the library and the package to install. No
/// server is needed: loading comes before connecting.
@Suite("libpq on first use")
struct LibPQTests {
    static let install = "install the Debian package libpq5, or libpq for your system"

    @Test func aMissingLibraryFailsTheConnectionNamingTheLibraryAndItsPackage() {
        let settings = PostgresSettings(url: "postgresql://almanac@127.0.0.1:1/almanac")
        do {
            _ = try PostgresConnection(
                parameters: try settings.connectionParameters(applicationName: "test"), library: "libpq-almanac-missing.so.5")
            Issue.record("a connection was made without libpq")
        } catch {
            #expect(error.code == .unavailable)
            #expect(error.operation == "loading the PostgreSQL client library")
            #expect(error.detail.hasPrefix("cannot load libpq-almanac-missing.so.5 (\(Self.install)): "), "\(error.detail)")
            #expect(error.description.contains("libpq5"))
        }
    }

    /// A library that loads but lacks libpq's functions (SQLite's, which this process has loaded).
    @Test func aLibraryWithoutLibpqsFunctionsIsRefused() {
        do {
            _ = try LibPQ.load("libsqlite3.so.0")
            Issue.record("libsqlite3 was taken for libpq")
        } catch {
            #expect(error.code == .unavailable)
            #expect(error.detail == "libsqlite3.so.0 has no function PQconnectdbParams (\(Self.install))")
        }
    }

    /// The build needs libpq-dev, which brings libpq5: the real library loads with every function.
    @Test func theInstalledLibraryLoads() throws {
        let pq = try LibPQ.load()
        #expect(pq.functions.PQconnectdbParams != nil && pq.functions.PQcmdTuples != nil)
    }
}
