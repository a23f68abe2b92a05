import AlmanacCalendar
import AlmanacPlan
import Foundation
import Testing

@testable import AlmanacDaemon

/// The repository's root, for the shipped configuration files.
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().path

@Suite("daemon configuration")
struct ConfigurationTests {
    @Test func anEmptyFileGivesTheDefaults() throws {
        let result = ConfigurationLoader.load(text: "", file: "/etc/almanac/almanac.yaml", environment: [:])
        #expect(result.diagnostics.isEmpty)
        let configuration = try #require(result.configuration)
        #expect(configuration.plans == ["/etc/almanac/plans.d/*.yaml"])
        #expect(configuration.stateDirectory == "/var/lib/almanac")
        #expect(configuration.runtimeDirectory == "/run/almanac")
        #expect(configuration.controlSocket == "/run/almanac/control.sock")
        #expect(configuration.databasePath == "/var/lib/almanac/state.db")
        #expect(configuration.statusFile == "/run/almanac/status.json")
        #expect(configuration.catchUp == .seconds(7 * 86_400))
        #expect(configuration.deliveryTime == TimeOfDay(hour: 9, minute: 0))
        #expect(configuration.mail.transport == .outbox)
        #expect(configuration.mail.outbox == "/var/lib/almanac/outbox")
        #expect(configuration.shutdownTimeout == .seconds(10))
    }

    @Test func systemdDirectoriesComeFromTheEnvironment() throws {
        let result = ConfigurationLoader.load(
            text: "catch_up: 3d\n", file: "/etc/almanac/almanac.yaml",
            environment: ["STATE_DIRECTORY": "/var/lib/almanac2:/var/lib/other", "RUNTIME_DIRECTORY": "/run/almanac2"])
        let configuration = try #require(result.configuration)
        #expect(configuration.stateDirectory == "/var/lib/almanac2")
        #expect(configuration.controlSocket == "/run/almanac2/control.sock")
        #expect(configuration.mail.outbox == "/var/lib/almanac2/outbox")
        #expect(configuration.catchUp == .seconds(3 * 86_400))
    }

    @Test func theShippedDefaultIsValidAndMatchesTheDefaults() throws {
        let path = repositoryRoot + "/config/almanac.yaml"
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let result = ConfigurationLoader.load(text: text, file: path, environment: [:])
        #expect(result.diagnostics == [])
        var expected = DaemonConfiguration.defaults(environment: [:])
        expected.file = path
        // The shipped file names the installed tables (make install rewrites it for its prefix).
        expected.holidays = "/usr/share/almanac/holidays"
        #expect(result.configuration == expected)
    }

    @Test func theDevelopmentConfigurationPointsInsideTheCheckout() throws {
        let path = repositoryRoot + "/config/dev/almanac.yaml"
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let result = ConfigurationLoader.load(text: text, file: path, environment: ["STATE_DIRECTORY": "/elsewhere"])
        #expect(result.diagnostics == [])
        let configuration = try #require(result.configuration)
        #expect(configuration.plans == [repositoryRoot + "/config/plans/*.yaml"])
        #expect(configuration.stateDirectory == repositoryRoot + "/var/lib")
        #expect(configuration.runtimeDirectory == repositoryRoot + "/var/run")
        #expect(configuration.controlSocket == repositoryRoot + "/var/run/control.sock")
        #expect(configuration.mail.outbox == repositoryRoot + "/var/outbox")
        #expect(configuration.holidays == repositoryRoot + "/config/holidays")
    }

    @Test func everyProblemIsReportedWithItsPosition() {
        let text = """
            plans: [a.yaml, b.yaml]
            catch_upp: 7d
            delivery_time: 9am
            shutdown_timeout: forever
            mail:
              transport: pigeon
              form: x@y
            log_level: loud

            """
        let result = ConfigurationLoader.load(text: text, file: "/etc/almanac/almanac.yaml", environment: [:])
        #expect(result.configuration == nil)
        #expect(result.diagnostics.map(\.description) == [
            "/etc/almanac/almanac.yaml:2:1: error: unknown key 'catch_upp' (did you mean 'catch_up'?)",
            "/etc/almanac/almanac.yaml:3:16: error: 'delivery_time' must be a time of day as HH:MM (24-hour), not '9am'",
            "/etc/almanac/almanac.yaml:4:19: error: 'shutdown_timeout' must be a duration such as 7d, 12h, 30m or 1d12h, not 'forever'",
            "/etc/almanac/almanac.yaml:6:14: error: unknown mail transport 'pigeon' (one of: outbox, smtp, sendmail)",
            "/etc/almanac/almanac.yaml:7:3: error: unknown key 'form' in 'mail' (did you mean 'from'?)",
            "/etc/almanac/almanac.yaml:8:12: error: unknown log level 'loud' (one of: trace, debug, info, notice, warning, error, critical)",
        ])
    }

    @Test func robotsAndSendmailArguments() throws {
        let text = """
            mail:
              transport: sendmail
              sendmail: [/usr/bin/msmtp, -C, /etc/almanac/msmtprc]
            robots:
              rate_limit: 10
              rate_window: 2m
              ca_file: pki/ca.pem
              retry: {initial: 5s, maximum: 1m, max_attempts: 9}

            """
        let result = ConfigurationLoader.load(text: text, file: "/etc/almanac/almanac.yaml", environment: [:])
        #expect(result.diagnostics.isEmpty)
        let configuration = try #require(result.configuration)
        #expect(configuration.mail.sendmailPath == "/usr/bin/msmtp")
        #expect(configuration.mail.sendmailArguments == ["-C", "/etc/almanac/msmtprc"])
        #expect(configuration.robots.rateLimit == 10)
        #expect(configuration.robots.rateWindow == .seconds(120))
        #expect(configuration.robots.caFile == "/etc/almanac/pki/ca.pem")
        #expect(configuration.robots.retryInitial == .seconds(5))
        #expect(configuration.robots.retryMaxAttempts == 9)
        #expect(ConfigurationLoader.load(text: "", file: "/c.yaml", environment: [:]).configuration?.robots == DaemonConfiguration.Robots())
        let bad = ConfigurationLoader.load(
            text: "robots:\n  rate_limit: 0\n  rate_window: 0s\n  colour: red\n", file: "/c.yaml", environment: [:])
        #expect(bad.diagnostics.map(\.description) == [
            "/c.yaml:2:15: error: 'robots.rate_limit' must be a whole number of at least 1, not '0'",
            "/c.yaml:3:16: error: 'robots.rate_window' must be at least 1s",
            "/c.yaml:4:3: error: unknown key 'colour' in 'robots' (known keys: rate_limit, rate_window, connect_timeout, timeout, ca_file, retry, concurrency)",
        ])
    }

    @Test func theSocketGroupAndModeOfAnOwnSocket() throws {
        let defaults = try #require(ConfigurationLoader.load(text: "", file: "/e/a.yaml", environment: [:]).configuration)
        #expect(defaults.controlSocketGroup == nil)
        #expect(defaults.controlSocketMode == 0o660)
        let set = try #require(
            ConfigurationLoader.load(text: "control_socket_group: staff\ncontrol_socket_mode: \"0666\"\n", file: "/e/a.yaml", environment: [:])
                .configuration)
        #expect(set.controlSocketGroup == "staff")
        #expect(set.controlSocketMode == 0o666)
        let bad = ConfigurationLoader.load(text: "control_socket_mode: rw\n", file: "/e/a.yaml", environment: [:])
        #expect(bad.configuration == nil)
        #expect(bad.diagnostics.map(\.message) == ["'control_socket_mode' must be octal permission bits from 0600 to 0777, not 'rw'"])
    }

    @Test func smtpNeedsAURL() {
        let result = ConfigurationLoader.load(
            text: "mail:\n  transport: smtp\n", file: "/c.yaml", environment: [:])
        #expect(result.diagnostics.map(\.description) == ["/c.yaml:2:14: error: mail transport 'smtp' needs 'mail.smtp.url'"])
    }

    @Test func brokenYAMLIsReportedAtItsPosition() {
        let result = ConfigurationLoader.load(text: "plans: [a.yaml\ncatch_up: 7d\n", file: "/c.yaml", environment: [:])
        #expect(result.configuration == nil)
        #expect(result.diagnostics.count == 1)
        #expect(result.diagnostics.first?.location?.file == "/c.yaml")
        #expect(result.diagnostics.first?.location?.line == 2)
        #expect(result.diagnostics.first?.message.hasPrefix("invalid YAML: ") == true)
    }

    @Test(arguments: [
        ("7d", Int64(604_800)), ("12h", 43_200), ("30m", 1_800), ("45s", 45), ("1d12h", 129_600), ("0s", 0),
    ])
    func durationsParse(text: String, seconds: Int64) {
        #expect(ConfigurationLoader.parseDuration(text) == .seconds(seconds))
    }

    @Test(arguments: ["", "7", "d", "7x", "-1d", "1.5h", "99999999999999999999d"])
    func badDurationsAreRejected(text: String) {
        #expect(ConfigurationLoader.parseDuration(text) == nil)
    }

    @Test func timesOfDayParse() {
        #expect(TimeOfDay("09:00")?.minutesSinceMidnight == 540)
        #expect(TimeOfDay("23:59")?.minutesSinceMidnight == 1439)
        #expect(TimeOfDay("24:00") == nil)
        #expect(TimeOfDay("9:00")?.minutesSinceMidnight == 540)
        #expect(ConfigurationLoader.format(.seconds(129_600)) == "1d12h")
    }
}
