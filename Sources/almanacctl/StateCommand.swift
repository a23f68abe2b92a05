import AlmanacStore
import ArgumentParser
import Foundation

extension Almanacctl {
    /// `almanacctl state`: the daemon's state store.
    struct StateCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "state", abstract: "Work on almanacd's state store.", subcommands: [Migrate.self])
    }
}

extension Almanacctl.StateCommand {
    /// `almanacctl state migrate --to postgresql://...`: the SQLite state into PostgreSQL.
    struct Migrate: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "migrate",
            abstract: "Copy an SQLite state (state.db) into an empty PostgreSQL database, once.",
            discussion: """
                Stop almanacd first. Every delivery, mark, snooze, outbox entry and checklist record is copied with \
                its id in one transaction; each table's count is checked against the source, and a difference writes \
                nothing. The database must hold no state yet, and the copy is recorded in it: a second run is refused. \
                Then set `state:` in almanac.yaml to the same URL and start almanacd (docs/state-store.md).
                """)

        @Option(name: .long, help: "The PostgreSQL database: postgresql://USER@HOST[:PORT]/DATABASE (libpq's URI).")
        var to: String

        @Option(name: .long, help: "The SQLite state file (default: $STATE_DIRECTORY/state.db, else /var/lib/almanac/state.db).")
        var from: String?

        @Option(name: .long, help: "A file whose first line is the database password (else PGPASSFILE or ~/.pgpass).")
        var passwordFile: String?

        @Option(name: .long, help: "libpq sslmode: disable, allow, prefer, require, verify-ca, verify-full.")
        var sslmode: String?

        @Option(name: .long, help: "CA certificates for verify-ca and verify-full.")
        var sslrootcert: String?

        @Flag(name: .long, help: "Print the counts as JSON.")
        var json = false

        struct Report: Encodable {
            var from: String
            var to: String
            var counts: [String: Int]
            var total: Int
        }

        func run() throws {
            guard to.hasPrefix("postgresql://") || to.hasPrefix("postgres://") else {
                throw CLIFailure.value("--to must be a postgresql:// URL, not '\(PostgresSettings.redacted(to))'")
            }
            if let sslmode, !PostgresSettings.sslModes.contains(sslmode) {
                throw CLIFailure.value(
                    "unknown --sslmode '\(sslmode)'", hint: "one of: \(PostgresSettings.sslModes.joined(separator: ", "))")
            }
            let environment = ProcessInfo.processInfo.environment
            let directory = environment["STATE_DIRECTORY"].flatMap { $0.split(separator: ":").first.map(String.init) }
            let source = from ?? (directory ?? "/var/lib/almanac") + "/" + SQLiteStateStore.fileName
            guard FileManager.default.fileExists(atPath: source) else {
                throw CLIFailure.value("no SQLite state at \(source)", hint: "name the file with --from")
            }
            var settings = PostgresSettings(url: to)
            settings.passwordFile = passwordFile
            settings.sslMode = sslmode
            settings.sslRootCert = sslrootcert
            let counts: StateCopy.Counts
            do {
                let store = try SQLiteStateStore(path: source)
                counts = try StateCopy.copy(from: store, to: settings)
            } catch {
                throw CLIFailure.value(error.description)
            }
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                let report = Report(from: source, to: settings.displayURL, counts: counts.tables, total: counts.total)
                Console.print(String(decoding: try encoder.encode(report), as: UTF8.self))
                return
            }
            for table in StateCopy.tables {
                Console.print("\(table.padding(toLength: 28, withPad: " ", startingAt: 0)) \(counts.tables[table] ?? 0)")
            }
            Console.print("copied \(counts.total) rows from \(source) to \(settings.displayURL); counts checked")
        }
    }
}
