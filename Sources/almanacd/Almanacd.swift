import AlmanacCalendar
import AlmanacDaemon
import AlmanacHost
import AlmanacSystemd
import CAlmanacdStart
import ArgumentParser
import Foundation
import Logging

@main
struct Almanacd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "almanacd",
        abstract: "The almanac reminder daemon.",
        discussion: """
            Runs under systemd (Type=notify): READY=1 once the plan is loaded and the control socket \
            listens; SIGHUP reloads the plan (an invalid plan is rejected and the old one kept); \
            SIGTERM stops it gracefully.
            """,
        version: AlmanacVersion.current
    )

    @Option(name: .long, help: "The configuration file (default: $ALMANAC_CONFIG or /etc/almanac/almanac.yaml).")
    var config: String?

    @Flag(name: .long, help: "Validate the configuration and the plan, print the diagnostics, and exit.")
    var check = false

    func run() async throws {
        // Before anything else: a SIGTERM while the configuration and the plan are read stops
        // the daemon cleanly (STOPPING=1, status 0) instead of killing it, and a SIGHUP reloads
        // once the daemon runs. Until these sources are registered, the three signals are only
        // noted (Sources/CAlmanacdStart); the noted ones are sent again now that they are.
        // `--check` traps nothing: a signal ends it as it ends any program.
        let terminations = check ? nil : await Daemon.trapTerminations()
        let hangups = check ? nil : await Daemon.trapHangups()
        if check {
            almanacd_start_release_signals()
        } else {
            almanacd_start_forward_signals()
        }
        let environment = ProcessInfo.processInfo.environment
        let path = Self.absolute(config ?? environment["ALMANAC_CONFIG"] ?? "/etc/almanac/almanac.yaml")
        let result = ConfigurationLoader.load(file: path, environment: environment)
        for diagnostic in result.diagnostics { Self.printError(diagnostic.description) }
        guard let configuration = result.configuration else { throw ExitCode(78) }

        if check {
            // Exactly the load a reload does (DaemonController.loadRequest), so ExecStartPre= and
            // packaging scripts see what the daemon would accept.
            let request = DaemonController.loadRequest(configuration, environment: environment, now: SystemClock().now())
            let outcome = PlanLoading.load(request)
            for diagnostic in outcome.diagnostics { Self.printError(diagnostic.description) }
            StandardStream.output.writeOrExit("configuration \(path): ok\n")
            if let plan = outcome.inForce {
                StandardStream.output.writeOrExit(
                    "plan \(plan.plan.info.name.value): \(plan.plan.items.count) items from \(plan.files.count) files, "
                        + "\(plan.expansion.occurrences.count) occurrences \(plan.window.lowerBound)..\(plan.window.upperBound); "
                        + "holiday tables: \(plan.holidays.directory ?? "none") (\(plan.holidays.origin))\n")
            } else {
                StandardStream.output.writeOrExit(
                    "plan: \(outcome.errors.count) error\(outcome.errors.count == 1 ? "" : "s"), not accepted\n")
                throw ExitCode(65)  // EX_DATAERR
            }
            return
        }

        let level = Logger.Level(rawValue: configuration.logLevel) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = JournalLogHandler(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "almanacd")
        do {
            try await Daemon.run(configuration: configuration, environment: environment, logger: logger, terminations: terminations, hangups: hangups)
        } catch let error as DaemonStartError {
            logger.critical("cannot start", metadata: ["error": "\(error)"])
            throw ExitCode(71)  // EX_OSERR
        }
    }

    static func absolute(_ path: String) -> String {
        if path.hasPrefix("/") { return path }
        return FileManager.default.currentDirectoryPath + "/" + path
    }

    /// One line on standard error; dropped when no one reads it (the daemon keeps serving).
    static func printError(_ line: String) {
        try? StandardStream.error.write(line + "\n")
    }
}
