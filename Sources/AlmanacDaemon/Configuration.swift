import AlmanacCalendar
import AlmanacMail
import AlmanacPlan
import AlmanacStore
import Foundation
import Yams

/// almanacd's own configuration (`/etc/almanac/almanac.yaml`), after validation and with every
/// path made absolute. See `config/almanac.yaml` for the documented keys.
public struct DaemonConfiguration: Sendable, Hashable, Codable {
    /// How reminders go out by mail.
    public struct Mail: Sendable, Hashable, Codable {
        public enum Transport: String, Sendable, Hashable, Codable, CaseIterable {
            /// One `.eml` file per message in `outbox`; needs no mail server.
            case outbox
            /// SMTP through libcurl.
            case smtp
            /// The local `sendmail(8)`.
            case sendmail
        }

        public var transport: Transport = .outbox
        /// Directory of the file outbox.
        public var outbox: String
        /// The `From:` address.
        public var from: String = "almanac@localhost"
        /// `smtp://host:port` or `smtps://host:port` for the smtp transport.
        public var smtpURL: String?
        /// User name for SMTP AUTH.
        public var smtpUsername: String?
        /// A file holding the SMTP password (never the password itself in the configuration).
        public var smtpPasswordFile: String?
        /// The sendmail program.
        public var sendmailPath: String = "/usr/sbin/sendmail"
        /// Arguments given to it before almanac's own (`-C /etc/almanac/msmtprc` for msmtp).
        public var sendmailArguments: [String] = []
        /// The `From:` display name (default: the plan's name).
        public var fromName: String?
        /// Plan-wide recipients, copied (Cc) on every mail.
        public var cc: [String] = []
        /// A directory of templates that replace the built-in ones (`reminder.subject.mustache`, ...).
        public var templates: String?
        /// One digest mail per unit and day, besides the reminders.
        public var digest: Bool = false
        /// Time of day of the digest, minutes after midnight; `nil`: `delivery_time`.
        public var digestTime: TimeOfDay?
        /// STARTTLS on smtp:// URLs: required (default), optional or none.
        public var smtpTLS: SMTPConfiguration.TLS = .required
        public var smtpConnectTimeout: Duration = .seconds(10)
        public var smtpTimeout: Duration = .seconds(60)
        /// Certificate and host name verification (default on).
        public var smtpVerifyCertificate: Bool = true
        /// A CA bundle instead of the system's.
        public var smtpCAFile: String?
        /// First retry delay after a temporary failure; doubles per attempt up to `retryMaximum`.
        public var retryInitial: Duration = .seconds(60)
        public var retryMaximum: Duration = .seconds(3600)
        /// Attempts before a mail is kept as failed.
        public var retryMaxAttempts: Int = 80
    }

    /// How reminders go to group robots and webhooks (the destinations themselves are in the
    /// plan's units). docs/robots.md.
    public struct Robots: Sendable, Hashable, Codable {
        /// At most this many messages to one robot in any `rateWindow` (WeCom and DingTalk: 20 a minute).
        public var rateLimit: Int = 20
        public var rateWindow: Duration = .seconds(60)
        public var connectTimeout: Duration = .seconds(10)
        /// The longest one request may take.
        public var timeout: Duration = .seconds(30)
        /// A CA bundle instead of the system's, for every robot (a private webhook, the tests).
        public var caFile: String?
        public var retryInitial: Duration = .seconds(60)
        public var retryMaximum: Duration = .seconds(3600)
        public var retryMaxAttempts: Int = 80
        /// Robots posted to at the same time (each robot's messages still go one after another).
        public var concurrency: Int = 4

        public init() {}
    }

    /// The file this configuration came from (absolute), or `<defaults>`.
    public var file: String
    /// Plan files and globs, absolute.
    public var plans: [String]
    public var stateDirectory: String
    public var runtimeDirectory: String
    public var controlSocket: String
    /// Directory of official holiday tables; `nil`: the search order of docs/holidays.md.
    public var holidays: String?
    /// Limits that protect the host from a plan too large (docs/plan-format.md, "Limits").
    public var limits: Limits = Limits()
    /// How far back missed reminders are still sent after downtime.
    public var catchUp: Duration
    /// Time of day reminders go out, as minutes after midnight in the plan's time zone.
    public var deliveryTime: TimeOfDay
    public var mail: Mail
    public var robots: Robots = Robots()
    /// Group allowed to change state over the control socket (besides root and the daemon's user).
    public var adminGroup: String
    /// `control_socket_group`: group of the socket file almanacd binds itself; `nil`: the admin
    /// group, when it exists (a socket passed by systemd keeps `SocketGroup=`).
    public var controlSocketGroup: String? = nil
    /// `control_socket_mode`: permission bits of the socket file almanacd binds itself.
    public var controlSocketMode: UInt32 = 0o660
    /// The longest a graceful shutdown may take before the daemon exits anyway.
    public var shutdownTimeout: Duration
    /// swift-log level name: trace, debug, info, notice, warning, error, critical.
    public var logLevel: String
    /// `state:`: a PostgreSQL database shared by several instances; `nil`: SQLite (`state.db` in
    /// the state directory), the default.
    public var postgres: PostgresSettings? = nil

    /// `limits:` in almanac.yaml.
    public struct Limits: Sendable, Hashable, Codable {
        /// `occurrences`: of the whole plan in the scheduling window.
        public var occurrences = ExpansionLimits.defaultOccurrences
        /// `occurrences_per_item`: of one item in the scheduling window.
        public var occurrencesPerItem = ExpansionLimits.defaultOccurrencesPerItem
        /// `feed_events`: events in all the published calendar feeds together (the plan's and the
        /// units'), 20–30 MB at the default; the runtime directory is usually a tmpfs.
        public var feedEvents = 50_000

        public init() {}

        /// The expansion's limits.
        public var expansion: ExpansionLimits {
            ExpansionLimits(occurrences: occurrences, occurrencesPerItem: occurrencesPerItem)
        }
    }

    /// The state database file.
    public var databasePath: String { stateDirectory + "/state.db" }
    /// The status file.
    public var statusFile: String { runtimeDirectory + "/status.json" }

    /// The defaults for a process with this environment (`$STATE_DIRECTORY`, `$RUNTIME_DIRECTORY`
    /// as set by systemd's `StateDirectory=`/`RuntimeDirectory=`).
    public static func defaults(environment: [String: String]) -> DaemonConfiguration {
        // systemd passes several directories separated by ':' when the unit lists several.
        func firstDirectory(_ name: String) -> String? {
            environment[name].flatMap { $0.split(separator: ":").first.map(String.init) }
        }
        let state = firstDirectory("STATE_DIRECTORY") ?? "/var/lib/almanac"
        let runtime = firstDirectory("RUNTIME_DIRECTORY") ?? "/run/almanac"
        return DaemonConfiguration(
            file: "<defaults>",
            plans: ["/etc/almanac/plans.d/*.yaml"],
            stateDirectory: state,
            runtimeDirectory: runtime,
            controlSocket: runtime + "/control.sock",
            holidays: nil,
            catchUp: .seconds(7 * 86_400),
            deliveryTime: .nine,
            mail: Mail(outbox: state + "/outbox"),
            adminGroup: "almanac",
            shutdownTimeout: .seconds(10),
            logLevel: "info"
        )
    }
}

/// Reads and validates the configuration file. Pure: the bytes, the file's absolute path and
/// the environment come in; diagnostics point at `file:line:column`.
public enum ConfigurationLoader {
    /// The keys the top level accepts.
    public static let topLevelKeys = [
        "plans", "state_directory", "runtime_directory", "control_socket", "holidays", "catch_up", "delivery_time",
        "mail", "robots", "admin_group", "control_socket_group", "control_socket_mode", "shutdown_timeout", "log_level", "limits", "state",
    ]
    /// The keys `state:` accepts (PostgreSQL).
    public static let stateKeys = [
        "url", "password_file", "sslmode", "sslrootcert", "sslcert", "sslkey", "lease", "instance", "connect_timeout",
    ]
    /// The keys `robots:` accepts.
    public static let robotsKeys = ["rate_limit", "rate_window", "connect_timeout", "timeout", "ca_file", "retry", "concurrency"]
    /// The keys `limits:` accepts.
    public static let limitKeys = ["occurrences", "occurrences_per_item", "feed_events"]
    /// The keys `mail:` accepts.
    public static let mailKeys = [
        "transport", "outbox", "from", "smtp", "sendmail", "from_name", "cc", "templates", "digest", "digest_time", "retry",
    ]
    /// The keys `mail.smtp:` accepts.
    public static let smtpKeys = [
        "url", "username", "password_file", "tls", "connect_timeout", "timeout", "verify_certificate", "ca_file",
    ]
    /// The keys `mail.retry:` accepts.
    public static let retryKeys = ["initial", "maximum", "max_attempts"]
    static let logLevels = ["trace", "debug", "info", "notice", "warning", "error", "critical"]

    /// The result: a configuration when there is no error, and every diagnostic found.
    public struct Result: Sendable {
        public var configuration: DaemonConfiguration?
        public var diagnostics: [Diagnostic]
    }

    /// Validates `text`, the content of the file at absolute path `file`. Relative paths in it
    /// resolve against the file's directory.
    public static func load(text: String, file: String, environment: [String: String]) -> Result {
        var parser = Parser(file: file, environment: environment)
        parser.parse(text)
        if parser.diagnostics.contains(where: { $0.severity == .error }) {
            return Result(configuration: nil, diagnostics: parser.diagnostics)
        }
        return Result(configuration: parser.configuration, diagnostics: parser.diagnostics)
    }

    /// Reads and validates the file at absolute path `file`.
    public static func load(file: String, environment: [String: String]) -> Result {
        guard let data = FileManager.default.contents(atPath: file) else {
            return Result(
                configuration: nil,
                diagnostics: [Diagnostic(.error, "cannot read the configuration file", at: SourceLocation(file: file, line: 1, column: 1))])
        }
        guard let text = String(data: data, encoding: .utf8) else {
            return Result(
                configuration: nil,
                diagnostics: [Diagnostic(.error, "the configuration file is not UTF-8", at: SourceLocation(file: file, line: 1, column: 1))])
        }
        return load(text: text, file: file, environment: environment)
    }

    /// Parses a duration such as `7d`, `12h`, `30m`, `45s` or a combination (`1d12h`).
    public static func parseDuration(_ text: String) -> Duration? {
        var total: Int64 = 0
        var number: Int64?
        var sawUnit = false
        for character in text.trimmingCharacters(in: .whitespaces) {
            if let digit = character.wholeNumberValue, character.isASCII {
                let (times, overflow1) = (number ?? 0).multipliedReportingOverflow(by: 10)
                let (sum, overflow2) = times.addingReportingOverflow(Int64(digit))
                if overflow1 || overflow2 { return nil }
                number = sum
                continue
            }
            let unit: Int64
            switch character {
            case "d": unit = 86_400
            case "h": unit = 3_600
            case "m": unit = 60
            case "s": unit = 1
            default: return nil
            }
            guard let value = number else { return nil }
            let (product, overflow) = value.multipliedReportingOverflow(by: unit)
            if overflow { return nil }
            total += product
            number = nil
            sawUnit = true
        }
        guard sawUnit, number == nil else { return nil }
        return .seconds(total)
    }

    /// Renders a duration the way the configuration writes it (`7d`, `1d12h`, `90s` → `1m30s`).
    public static func format(_ duration: Duration) -> String {
        var seconds = duration.components.seconds
        if seconds == 0 { return "0s" }
        var text = ""
        for (unit, name) in [(Int64(86_400), "d"), (3_600, "h"), (60, "m"), (1, "s")] where seconds >= unit {
            text += "\(seconds / unit)\(name)"
            seconds %= unit
        }
        return text
    }

    private struct Parser {
        let file: String
        let directory: String
        var configuration: DaemonConfiguration
        var diagnostics: [Diagnostic] = []
        private var explicitSocket = false
        private var explicitOutbox = false

        init(file: String, environment: [String: String]) {
            self.file = file
            directory = (file as NSString).deletingLastPathComponent
            configuration = DaemonConfiguration.defaults(environment: environment)
            configuration.file = file
        }

        mutating func parse(_ text: String) {
            let root: Node?
            do {
                root = try Yams.compose(yaml: text)
            } catch let error as YamlError {
                diagnostics.append(yamlDiagnostic(error))
                return
            } catch {
                diagnostics.append(Diagnostic(.error, "cannot read YAML: \(error)", at: SourceLocation(file: file, line: 1, column: 1)))
                return
            }
            guard let root else { return finish() }  // an empty file: every default
            guard case .mapping(let mapping) = root else {
                return error("the configuration must be a mapping of keys to values", at: root)
            }
            for (keyNode, value) in mapping {
                guard let key = keyNode.string else {
                    error("keys must be plain strings", at: keyNode)
                    continue
                }
                switch key {
                case "plans": parsePlans(value)
                case "state_directory": if let path = path(value, key) { configuration.stateDirectory = path }
                case "runtime_directory": if let path = path(value, key) { configuration.runtimeDirectory = path }
                case "control_socket":
                    if let path = path(value, key) {
                        configuration.controlSocket = path
                        explicitSocket = true
                    }
                case "holidays": if let path = path(value, key) { configuration.holidays = path }
                case "catch_up": if let duration = duration(value, key) { configuration.catchUp = duration }
                case "shutdown_timeout":
                    if let duration = duration(value, key) {
                        if duration > .zero && duration <= .seconds(300) {
                            configuration.shutdownTimeout = duration
                        } else {
                            error("'shutdown_timeout' must be between 1s and 5m", at: value)
                        }
                    }
                case "delivery_time":
                    if let text = scalar(value, key) {
                        if let time = TimeOfDay(text) {
                            configuration.deliveryTime = time
                        } else {
                            error("'delivery_time' must be a time of day as HH:MM (24-hour), not '\(text)'", at: value)
                        }
                    }
                case "admin_group": if let text = scalar(value, key) { configuration.adminGroup = text }
                case "control_socket_group":
                    if let text = scalar(value, key) {
                        if text.isEmpty {
                            error("'control_socket_group' must name a group", at: value)
                        } else {
                            configuration.controlSocketGroup = text
                        }
                    }
                case "control_socket_mode":
                    if let text = scalar(value, key) {
                        if let mode = UInt32(text, radix: 8), (0o600...0o777).contains(mode) {
                            configuration.controlSocketMode = mode
                        } else {
                            error(
                                "'control_socket_mode' must be octal permission bits from 0600 to 0777, not '\(text)'", at: value,
                                hint: "0660: the user and the group may connect; 0666: everyone")
                        }
                    }
                case "log_level":
                    if let text = scalar(value, key) {
                        if logLevels.contains(text) {
                            configuration.logLevel = text
                        } else {
                            error("unknown log level '\(text)'", at: value, hint: "one of: \(logLevels.joined(separator: ", "))")
                        }
                    }
                case "mail": parseMail(value)
                case "robots": parseRobots(value)
                case "limits": parseLimits(value)
                case "state": parseState(value)
                default: unknownKey(key, at: keyNode, known: topLevelKeys)
                }
            }
            finish()
        }

        private mutating func finish() {
            // Paths that derive from others follow them unless set explicitly.
            if !explicitSocket { configuration.controlSocket = configuration.runtimeDirectory + "/control.sock" }
            if !explicitOutbox { configuration.mail.outbox = configuration.stateDirectory + "/outbox" }
        }

        private mutating func parsePlans(_ node: Node) {
            switch node {
            case .scalar:
                if let path = path(node, "plans") { configuration.plans = [path] }
            case .sequence(let sequence):
                var plans: [String] = []
                for entry in sequence {
                    if let path = path(entry, "plans") { plans.append(path) }
                }
                if plans.isEmpty && sequence.isEmpty { error("'plans' lists no file", at: node) }
                configuration.plans = plans
            default:
                error("'plans' must be a path or a list of paths (globs allowed)", at: node)
            }
        }

        /// `state: sqlite`, `state: postgresql://...`, or a mapping with `url` and the options.
        private mutating func parseState(_ node: Node) {
            func url(_ text: String, at node: Node) -> String? {
                if text.hasPrefix("postgresql://") || text.hasPrefix("postgres://") { return text }
                error(
                    "'state' must be sqlite or a postgresql:// URL, not '\(PostgresSettings.redacted(text))'", at: node,
                    hint: "for example postgresql://almanac@db.example.org/almanac")
                return nil
            }
            switch node {
            case .scalar:
                guard let text = scalar(node, "state") else { return }
                if text == "sqlite" {
                    configuration.postgres = nil
                } else if let url = url(text, at: node) {
                    configuration.postgres = PostgresSettings(url: url)
                }
            case .mapping(let mapping):
                var settings = PostgresSettings(url: "")
                var sawURL = false
                for (keyNode, value) in mapping {
                    guard let key = keyNode.string else {
                        error("keys must be plain strings", at: keyNode)
                        continue
                    }
                    switch key {
                    case "url":
                        if let text = scalar(value, "state.url"), let url = url(text, at: value) {
                            settings.url = url
                            sawURL = true
                        }
                    case "password_file": settings.passwordFile = path(value, "state.password_file")
                    case "sslmode":
                        if let text = scalar(value, "state.sslmode") {
                            if PostgresSettings.sslModes.contains(text) {
                                settings.sslMode = text
                            } else {
                                error(
                                    "unknown 'state.sslmode' value '\(text)'", at: value,
                                    hint: "one of: \(PostgresSettings.sslModes.joined(separator: ", "))")
                            }
                        }
                    case "sslrootcert": settings.sslRootCert = path(value, "state.sslrootcert")
                    case "sslcert": settings.sslCert = path(value, "state.sslcert")
                    case "sslkey": settings.sslKey = path(value, "state.sslkey")
                    case "lease":
                        if let duration = duration(value, "state.lease") {
                            if duration >= .seconds(3) && duration <= .seconds(600) {
                                settings.lease = duration
                            } else {
                                error("'state.lease' must be between 3s and 10m", at: value)
                            }
                        }
                    case "connect_timeout":
                        if let duration = duration(value, "state.connect_timeout") {
                            if duration >= .seconds(2) && duration <= .seconds(60) {
                                settings.connectTimeout = duration
                            } else {
                                error("'state.connect_timeout' must be between 2s and 1m", at: value)
                            }
                        }
                    case "instance":
                        if let text = scalar(value, "state.instance") {
                            if text.count <= 100, !text.contains(where: { $0.isNewline }) {
                                settings.instance = text
                            } else {
                                error("'state.instance' must be one line of at most 100 characters", at: value)
                            }
                        }
                    default: unknownKey(key, at: keyNode, known: ConfigurationLoader.stateKeys, section: "state")
                    }
                }
                if sawURL {
                    configuration.postgres = settings
                } else {
                    error("'state' needs 'url' (postgresql://...)", at: node)
                }
            default:
                error("'state' must be sqlite, a postgresql:// URL, or a mapping with 'url'", at: node)
            }
        }

        private mutating func parseLimits(_ node: Node) {
            guard case .mapping(let mapping) = node else { return error("'limits' must be a mapping", at: node) }
            for (keyNode, value) in mapping {
                guard let key = keyNode.string else {
                    error("keys must be plain strings", at: keyNode)
                    continue
                }
                guard ConfigurationLoader.limitKeys.contains(key) else {
                    unknownKey(key, at: keyNode, known: ConfigurationLoader.limitKeys, section: "limits")
                    continue
                }
                guard let text = scalar(value, "limits.\(key)") else { continue }
                guard let count = Int(text.replacingOccurrences(of: "_", with: "")), count >= 1, count <= 100_000_000 else {
                    error("'limits.\(key)' must be a whole number from 1 to 100000000, not '\(text)'", at: value)
                    continue
                }
                switch key {
                case "occurrences": configuration.limits.occurrences = count
                case "occurrences_per_item": configuration.limits.occurrencesPerItem = count
                default: configuration.limits.feedEvents = count
                }
            }
        }

        private mutating func parseMail(_ node: Node) {
            guard case .mapping(let mapping) = node else { return error("'mail' must be a mapping", at: node) }
            var transportNode: Node?
            for (keyNode, value) in mapping {
                guard let key = keyNode.string else { continue }
                switch key {
                case "transport":
                    transportNode = value
                    if let text = scalar(value, "mail.transport") {
                        if let transport = DaemonConfiguration.Mail.Transport(rawValue: text) {
                            configuration.mail.transport = transport
                        } else {
                            let known = DaemonConfiguration.Mail.Transport.allCases.map(\.rawValue)
                            error("unknown mail transport '\(text)'", at: value, hint: "one of: \(known.joined(separator: ", "))")
                        }
                    }
                case "outbox":
                    if let path = path(value, "mail.outbox") {
                        configuration.mail.outbox = path
                        explicitOutbox = true
                    }
                case "from":
                    if let text = scalar(value, "mail.from") {
                        if text.contains("@") { configuration.mail.from = text } else {
                            error("'mail.from' must be a mail address, not '\(text)'", at: value)
                        }
                    }
                case "sendmail": parseSendmail(value)
                case "smtp": parseSMTP(value)
                case "from_name": configuration.mail.fromName = scalar(value, "mail.from_name")
                case "cc": parseMailCC(value)
                case "templates": configuration.mail.templates = path(value, "mail.templates")
                case "digest": if let flag = bool(value, "mail.digest") { configuration.mail.digest = flag }
                case "digest_time":
                    if let text = scalar(value, "mail.digest_time") {
                        if let time = TimeOfDay(text) {
                            configuration.mail.digestTime = time
                        } else {
                            error("'mail.digest_time' must be a time of day as HH:MM (24-hour), not '\(text)'", at: value)
                        }
                    }
                case "retry": parseRetry(value)
                default: unknownKey(key, at: keyNode, known: mailKeys, section: "mail")
                }
            }
            if configuration.mail.transport == .smtp && configuration.mail.smtpURL == nil {
                error("mail transport 'smtp' needs 'mail.smtp.url'", at: transportNode ?? node)
            }
        }

        /// `sendmail: /usr/sbin/sendmail`, or a list: the program, then arguments put before
        /// almanac's own (`[/usr/bin/msmtp, -C, /etc/almanac/msmtprc]`).
        private mutating func parseSendmail(_ node: Node) {
            switch node {
            case .scalar:
                if let path = path(node, "mail.sendmail") { configuration.mail.sendmailPath = path }
            case .sequence(let sequence) where !sequence.isEmpty:
                guard let program = path(sequence[sequence.startIndex], "mail.sendmail") else { return }
                var arguments: [String] = []
                for entry in sequence.dropFirst() {
                    guard let text = scalar(entry, "mail.sendmail") else { continue }
                    arguments.append(text)
                }
                configuration.mail.sendmailPath = program
                configuration.mail.sendmailArguments = arguments
            default:
                error("'mail.sendmail' must be a program, or a list of the program and its arguments", at: node)
            }
        }

        private mutating func parseSMTP(_ node: Node) {
            guard case .mapping(let mapping) = node else { return error("'mail.smtp' must be a mapping", at: node) }
            for (keyNode, value) in mapping {
                guard let key = keyNode.string else { continue }
                switch key {
                case "url":
                    if let text = scalar(value, "mail.smtp.url") {
                        if text.hasPrefix("smtp://") || text.hasPrefix("smtps://") {
                            configuration.mail.smtpURL = text
                        } else {
                            error("'mail.smtp.url' must start with smtp:// or smtps://", at: value)
                        }
                    }
                case "username": configuration.mail.smtpUsername = scalar(value, "mail.smtp.username")
                case "password_file": configuration.mail.smtpPasswordFile = path(value, "mail.smtp.password_file")
                case "tls":
                    if let text = scalar(value, "mail.smtp.tls") {
                        if let tls = SMTPConfiguration.TLS(rawValue: text) {
                            configuration.mail.smtpTLS = tls
                        } else {
                            error("unknown 'mail.smtp.tls' value '\(text)'", at: value, hint: "one of: required, optional, none")
                        }
                    }
                case "connect_timeout":
                    if let duration = duration(value, "mail.smtp.connect_timeout") { configuration.mail.smtpConnectTimeout = duration }
                case "timeout": if let duration = duration(value, "mail.smtp.timeout") { configuration.mail.smtpTimeout = duration }
                case "verify_certificate":
                    if let flag = bool(value, "mail.smtp.verify_certificate") { configuration.mail.smtpVerifyCertificate = flag }
                case "ca_file": configuration.mail.smtpCAFile = path(value, "mail.smtp.ca_file")
                default: unknownKey(key, at: keyNode, known: smtpKeys, section: "mail.smtp")
                }
            }
        }

        private mutating func parseMailCC(_ node: Node) {
            let entries: [Node]
            switch node {
            case .scalar: entries = [node]
            case .sequence(let sequence): entries = Array(sequence)
            default: return error("'mail.cc' must be an address or a list of addresses", at: node)
            }
            var addresses: [String] = []
            for entry in entries {
                guard let text = scalar(entry, "mail.cc") else { continue }
                do {
                    addresses.append(try MailAddress(parsing: text).description)
                } catch {
                    self.error("'mail.cc': \(error)", at: entry)
                }
            }
            configuration.mail.cc = addresses
        }

        private mutating func parseRetry(_ node: Node) {
            if let retry = retry(node, section: "mail.retry") {
                (configuration.mail.retryInitial, configuration.mail.retryMaximum, configuration.mail.retryMaxAttempts) = retry
            }
        }

        /// `initial`, `maximum`, `max_attempts` of `mail.retry` or `robots.retry`, from the defaults.
        private mutating func retry(_ node: Node, section: String) -> (Duration, Duration, Int)? {
            guard case .mapping(let mapping) = node else {
                error("'\(section)' must be a mapping", at: node)
                return nil
            }
            var (initial, maximum, attempts) = (Duration.seconds(60), Duration.seconds(3600), 80)
            for (keyNode, value) in mapping {
                guard let key = keyNode.string else { continue }
                switch key {
                case "initial": if let duration = duration(value, "\(section).initial") { initial = duration }
                case "maximum": if let duration = duration(value, "\(section).maximum") { maximum = duration }
                case "max_attempts":
                    if let count = count(value, "\(section).max_attempts", minimum: 1) { attempts = count }
                default: unknownKey(key, at: keyNode, known: retryKeys, section: section)
                }
            }
            if initial <= .zero { error("'\(section).initial' must be longer than 0s", at: node) }
            if maximum < initial { error("'\(section).maximum' must not be shorter than '\(section).initial'", at: node) }
            return (initial, maximum, attempts)
        }

        private mutating func count(_ node: Node, _ key: String, minimum: Int) -> Int? {
            guard let text = scalar(node, key) else { return nil }
            guard let count = Int(text), count >= minimum else {
                error("'\(key)' must be a whole number of at least \(minimum), not '\(text)'", at: node)
                return nil
            }
            return count
        }

        private mutating func parseRobots(_ node: Node) {
            guard case .mapping(let mapping) = node else { return error("'robots' must be a mapping", at: node) }
            for (keyNode, value) in mapping {
                guard let key = keyNode.string else { continue }
                switch key {
                case "rate_limit": if let count = count(value, "robots.rate_limit", minimum: 1) { configuration.robots.rateLimit = count }
                case "rate_window":
                    if let duration = duration(value, "robots.rate_window") {
                        if duration >= .seconds(1) {
                            configuration.robots.rateWindow = duration
                        } else {
                            error("'robots.rate_window' must be at least 1s", at: value)
                        }
                    }
                case "connect_timeout":
                    if let duration = duration(value, "robots.connect_timeout") { configuration.robots.connectTimeout = duration }
                case "timeout": if let duration = duration(value, "robots.timeout") { configuration.robots.timeout = duration }
                case "ca_file": configuration.robots.caFile = path(value, "robots.ca_file")
                case "concurrency":
                    if let count = count(value, "robots.concurrency", minimum: 1) { configuration.robots.concurrency = min(count, 32) }
                case "retry":
                    if let retry = retry(value, section: "robots.retry") {
                        (configuration.robots.retryInitial, configuration.robots.retryMaximum, configuration.robots.retryMaxAttempts) = retry
                    }
                default: unknownKey(key, at: keyNode, known: robotsKeys, section: "robots")
                }
            }
        }

        private mutating func bool(_ node: Node, _ key: String) -> Bool? {
            guard let text = scalar(node, key) else { return nil }
            switch text.lowercased() {
            case "true", "yes", "on": return true
            case "false", "no", "off": return false
            default:
                error("'\(key)' must be true or false, not '\(text)'", at: node)
                return nil
            }
        }

        // MARK: Values

        private mutating func scalar(_ node: Node, _ key: String) -> String? {
            guard case .scalar(let scalar) = node else {
                error("'\(key)' must be a single value", at: node)
                return nil
            }
            if scalar.string.isEmpty {
                error("'\(key)' is empty", at: node)
                return nil
            }
            return scalar.string
        }

        private mutating func path(_ node: Node, _ key: String) -> String? {
            guard let text = scalar(node, key) else { return nil }
            if text.hasPrefix("/") { return (text as NSString).standardizingPath }
            return ((directory as NSString).appendingPathComponent(text) as NSString).standardizingPath
        }

        private mutating func duration(_ node: Node, _ key: String) -> Duration? {
            guard let text = scalar(node, key) else { return nil }
            guard let duration = parseDuration(text) else {
                error("'\(key)' must be a duration such as 7d, 12h, 30m or 1d12h, not '\(text)'", at: node)
                return nil
            }
            return duration
        }

        // MARK: Diagnostics

        private func location(_ node: Node) -> SourceLocation {
            SourceLocation(file: file, line: node.mark?.line ?? 1, column: node.mark?.column ?? 1)
        }

        private mutating func error(_ message: String, at node: Node, hint: String? = nil) {
            diagnostics.append(Diagnostic(.error, message, at: location(node), hint: hint))
        }

        private mutating func unknownKey(_ key: String, at node: Node, known: [String], section: String? = nil) {
            let place = section.map { " in '\($0)'" } ?? ""
            let hint = Suggestion.closest(to: key, among: known).map { "did you mean '\($0)'?" }
                ?? "known keys: \(known.joined(separator: ", "))"
            diagnostics.append(Diagnostic(.error, "unknown key '\(key)'\(place)", at: location(node), hint: hint))
        }

        private func yamlDiagnostic(_ error: YamlError) -> Diagnostic {
            switch error {
            case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _),
                .composer(_, let problem, let mark, _):
                return Diagnostic(.error, "invalid YAML: \(problem)", at: SourceLocation(file: file, line: mark.line, column: mark.column))
            case .duplicatedKeysInMapping(let duplicates, let context):
                return Diagnostic(
                    .error, "duplicate key '\(duplicates.joined(separator: "', '"))'",
                    at: SourceLocation(file: file, line: context.mark.line, column: context.mark.column))
            default:
                return Diagnostic(.error, "invalid YAML: \(error)", at: SourceLocation(file: file, line: 1, column: 1))
            }
        }
    }

}
