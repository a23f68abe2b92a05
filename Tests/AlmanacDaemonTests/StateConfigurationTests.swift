@testable import AlmanacStore
import Foundation
import Testing

@testable import AlmanacDaemon

/// `state:` in almanac.yaml: SQLite by default, a PostgreSQL URL, or a mapping with its options.
@Suite("state configuration")
struct StateConfigurationTests {
    static func load(_ text: String) -> ConfigurationLoader.Result {
        ConfigurationLoader.load(text: text, file: "/etc/almanac/almanac.yaml", environment: [:])
    }

    @Test func sqliteIsTheDefault() throws {
        #expect(try #require(Self.load("").configuration).postgres == nil)
        #expect(try #require(Self.load("state: sqlite\n").configuration).postgres == nil)
    }

    @Test func aURLSelectsPostgreSQL() throws {
        let configuration = try #require(Self.load("state: postgresql://almanac@db.example.org/almanac\n").configuration)
        let postgres = try #require(configuration.postgres)
        #expect(postgres.url == "postgresql://almanac@db.example.org/almanac")
        #expect(postgres.lease == .seconds(15))
        #expect(postgres.passwordFile == nil && postgres.sslMode == nil && postgres.instance == nil)
    }

    @Test func theMappingTakesPasswordFileTLSLeaseAndInstance() throws {
        let result = Self.load(
            """
            state:
              url: postgres://almanac@db.example.org:5433/almanac
              password_file: db-password
              sslmode: verify-full
              sslrootcert: /etc/almanac/db-ca.pem
              sslcert: client.pem
              sslkey: client.key
              lease: 20s
              connect_timeout: 3s
              instance: 区文明办-1

            """)
        #expect(result.diagnostics == [])
        let postgres = try #require(result.configuration?.postgres)
        #expect(postgres.passwordFile == "/etc/almanac/db-password")
        #expect(postgres.sslMode == "verify-full")
        #expect(postgres.sslRootCert == "/etc/almanac/db-ca.pem")
        #expect(postgres.sslCert == "/etc/almanac/client.pem" && postgres.sslKey == "/etc/almanac/client.key")
        #expect(postgres.lease == .seconds(20) && postgres.connectTimeout == .seconds(3))
        #expect(postgres.instance == "区文明办-1")
    }

    @Test func mistakesAreReportedWithTheirPlace() {
        let cases: [(String, String)] = [
            ("state: mysql://db/almanac\n", "1:8: error: 'state' must be sqlite or a postgresql:// URL, not 'mysql://db/almanac'"),
            ("state:\n  url: postgresql://db/a\n  sslmode: maybe\n", "3:12: error: unknown 'state.sslmode' value 'maybe'"),
            ("state:\n  url: postgresql://db/a\n  lease: 1s\n", "3:10: error: 'state.lease' must be between 3s and 10m"),
            ("state:\n  url: postgresql://db/a\n  leese: 10s\n", "3:3: error: unknown key 'leese' in 'state'"),
            ("state:\n  lease: 10s\n", "2:3: error: 'state' needs 'url' (postgresql://...)"),
            ("state: [a]\n", "1:8: error: 'state' must be sqlite, a postgresql:// URL, or a mapping with 'url'"),
        ]
        for (text, expected) in cases {
            let result = Self.load(text)
            #expect(result.configuration == nil, "\(text)")
            #expect(result.diagnostics.contains { $0.description.hasPrefix("/etc/almanac/almanac.yaml:" + expected) },
                    "\(text): \(result.diagnostics.map(\.description))")
        }
    }

    @Test func thePasswordFileGivesTheFirstLineAndTheURLHidesThePassword() throws {
        let path = NSTemporaryDirectory() + "almanac-db-password-" + UUID().uuidString
        try "s3cret\nignored\n".write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        var settings = PostgresSettings(url: "postgresql://almanac:inline@db/almanac")
        settings.passwordFile = path
        settings.sslMode = "require"
        let parameters = try settings.connectionParameters(applicationName: "almanacd")
        #expect(parameters.contains { $0 == ("password", "s3cret") })
        #expect(parameters.contains { $0 == ("sslmode", "require") })
        #expect(settings.displayURL == "postgresql://almanac:***@db/almanac")
        settings.passwordFile = path + ".missing"
        #expect(throws: StoreError.self) { try settings.connectionParameters(applicationName: "almanacd") }
    }

    @Test func changingTheStateTakesARestart() throws {
        let old = try #require(Self.load("").configuration)
        let new = try #require(Self.load("state: postgresql://db/almanac\n").configuration)
        #expect(DaemonController.restartOnlyChanges(from: old, to: new) == ["state"])
    }
}
