import AlmanacCalendar
import AlmanacControl
import AlmanacHost
import ArgumentParser
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Exit statuses of the commands that talk to almanacd (docs/cli.md, "Exit status").
enum DaemonExitStatus: Int32 {
    case ok = 0
    /// The daemon answered with an error (not found, invalid plan, internal, ...).
    case error = 1
    /// Bad arguments (ArgumentParser's EX_USAGE, as for every almanacctl command).
    case usage = 64
    /// No daemon answers on the socket, it did not answer in time, or it had no room for the
    /// connection (`busy`, `idle_timeout`): worth retrying later.
    case unreachable = 3
    /// The daemon refused a state change: not root, not in the admin group.
    case unauthorized = 4
    /// The reply was not a valid protocol message.
    case badReply = 5
    /// The daemon does not know the item, unit or occurrence named (`not_found`).
    case notFound = 6
    /// The socket is there but this user may not connect to it (its group and mode).
    case permissionDenied = 7
}

/// `--socket`, `--timeout`, `--json`, `--english`: shared by every command that talks to almanacd.
struct DaemonOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "The daemon's control socket (default: $ALMANAC_SOCKET, else /run/almanac/control.sock).", valueName: "PATH"))
    var socket: String?

    @Option(name: .long, help: ArgumentHelp("Seconds to wait for the daemon.", valueName: "SECONDS"))
    var timeout: Double = 10

    @Flag(name: .long, help: "Print JSON (the protocol's result object; fields in docs/control-protocol.md).")
    var json = false

    @Flag(name: .long, help: "Human output in English instead of Chinese.")
    var english = false

    @Flag(name: .long, help: "No colour, even on a terminal (as does a non-empty $NO_COLOR).")
    var noColor = false

    func validate() throws {
        guard timeout > 0, timeout <= 3600 else {
            throw CLIFailure.value("--timeout must be more than 0 and at most 3600 seconds, not \(timeout)")
        }
    }

    var client: ControlClient {
        ControlClient(
            socketPath: ControlClient.resolveSocketPath(socket, environment: ProcessInfo.processInfo.environment),
            timeout: .milliseconds(Int64(timeout * 1000)))
    }

    var style: TerminalStyle { noColor ? TerminalStyle(enabled: false) : TerminalStyle.forStandardOutput() }

    /// Dates and times for people; "now" is `$ALMANAC_NOW` when set (tests pin it).
    var time: HumanTime { .local(english: english) }

    /// Renders results for people with this command's language and colour.
    var render: ControlRender { ControlRender(time: time, style: style) }

    /// Runs one request; on failure prints the reason (stderr, or a JSON error object on stdout
    /// with `--json`) and exits with the status for it.
    func request<T>(_ body: (ControlClient) throws(ControlClientError) -> T) throws -> T {
        do {
            return try body(client)
        } catch {
            report(error)
            throw ExitCode(Self.exitStatus(for: error).rawValue)
        }
    }

    /// Runs a view offline (`--plan`) with the daemon's code; its errors are reported, and exit
    /// with the status, exactly as when the daemon answers them.
    func local<T>(_ body: () throws(ControlError) -> T) throws -> T {
        do {
            return try body()
        } catch {
            report(.server(error))
            throw ExitCode(Self.exitStatus(for: .server(error)).rawValue)
        }
    }

    static func exitStatus(for error: ControlClientError) -> DaemonExitStatus {
        switch error {
        case .unreachable, .timeout: .unreachable
        case .permissionDenied: .permissionDenied
        case .protocolViolation: .badReply
        case .server(let error):
            switch error.code {
            case .busy, .idleTimeout: .unreachable
            case .unauthorized: .unauthorized
            case .notFound: .notFound
            default: .error
            }
        }
    }

    func report(_ error: ControlClientError) {
        if json {
            let payload: ControlError
            switch error {
            case .server(let serverError): payload = serverError
            case .unreachable: payload = ControlError(ControlError.Code("unreachable"), error.description)
            case .permissionDenied: payload = ControlError(ControlError.Code("permission_denied"), error.description)
            case .timeout: payload = ControlError(ControlError.Code("timeout"), error.description)
            case .protocolViolation: payload = ControlError(ControlError.Code("bad_reply"), error.description)
            }
            struct Wrapped: Encodable { var error: ControlError }
            try? printJSON(Wrapped(error: payload))
        }
        var lines = ["almanacctl: " + errorText(error)]
        if case .server(let serverError) = error, let diagnostics = serverError.diagnostics {
            lines += diagnostics.map(\.description)
        }
        if let hint = Self.hint(for: error, english: english) {
            lines.append("almanacctl: " + hint)
        }
        Console.writeError(lines.joined(separator: "\n") + "\n")
    }

    /// What to do about an error, for the codes whose message alone does not say it.
    static func hint(for error: ControlClientError, english: Bool) -> String? {
        func say(_ zh: String, _ en: String) -> String { english ? en : zh }
        switch error {
        case .unreachable, .protocolViolation:
            return nil
        case .permissionDenied(let path, _):
            let group = Self.groupName(ofFile: path)
            let join = group.map { english ? "add yourself to group '\($0)'" : "将自己加入组 \($0)" }
            let command = group.map { "sudo usermod -aG \($0) \(Self.userName())" }
            return english
                ? "\(join ?? "ask for access to the socket"), then log in again\(command.map { " (\($0))" } ?? ""); or run as root (sudo almanacctl ...)"
                : "\(join ?? "请求套接字的访问权限")后重新登录\(command.map { "（\($0)）" } ?? "")，或以 root 运行（sudo almanacctl …）"
        case .timeout:
            return say(
                "守护进程繁忙或已挂起：journalctl -u almanacd 查看日志，--timeout 可延长等待",
                "the daemon is busy or hung: journalctl -u almanacd shows its log; --timeout waits longer")
        case .server(let serverError):
            switch serverError.code {
            case .busy:
                return say("守护进程的连接数已满，请稍后重试", "the daemon is serving its maximum number of connections; try again shortly")
            case .unknownCommand, .unsupportedVersion:
                return say(
                    "almanacctl 比正在运行的 almanacd 新？升级 almanacd 并重启（systemctl restart almanacd）",
                    "is almanacctl newer than the running almanacd? Upgrade almanacd and restart it (systemctl restart almanacd)")
            case .tooLarge:
                return say(
                    "请求超过守护进程的单行上限（见上一行），请缩短备注等参数，或把进度导入文件分成几个",
                    "the request exceeds the daemon's line limit (the line above); shorten the note or arguments, or split a progress import into several files")
            case .idleTimeout:
                return say("连接空闲过久被守护进程关闭，请重试", "the daemon closed the idle connection; try again")
            case .unauthorized:
                return say(
                    "以 root 运行（sudo almanacctl …），或加入守护进程的管理组（admin_group）后重新登录",
                    "run it as root (sudo almanacctl ...) or join the daemon's admin group (admin_group) and log in again")
            case .unavailable, .internalError:
                return say("journalctl -u almanacd 查看原因", "journalctl -u almanacd shows why")
            default:
                return nil
            }
        }
    }

    private func errorText(_ error: ControlClientError) -> String {
        switch error {
        case .unreachable(let path, let reason):
            english
                ? "cannot reach almanacd at \(path): \(reason) (is it running? --socket or $ALMANAC_SOCKET name another socket)"
                : "无法连接 almanacd（\(path)）：\(reason)。守护进程是否在运行？可用 --socket 或 $ALMANAC_SOCKET 指定套接字"
        case .permissionDenied(let path, let reason):
            english
                ? "permission denied connecting to almanacd at \(path): \(reason) (the daemon may be running; the socket's group and mode decide who may connect)"
                : "无权连接 almanacd（\(path)）：\(reason)。守护进程可能正在运行，套接字的属组和权限决定谁能连接"
        case .server(let serverError):
            "\(serverError.message) [\(serverError.code.rawValue)]"
        default:
            error.description
        }
    }

    /// The group owning `path` (the socket file, or else its directory when that is what refuses).
    static func groupName(ofFile path: String) -> String? {
        var info = stat()
        guard stat(path, &info) == 0 || stat((path as NSString).deletingLastPathComponent, &info) == 0 else { return nil }
        guard let entry = getgrgid(info.st_gid), let name = entry.pointee.gr_name else { return nil }
        return String(cString: name)
    }

    static func userName() -> String {
        if let entry = getpwuid(getuid()), let name = entry.pointee.pw_name { return String(cString: name) }
        return "$USER"
    }

    /// Prints a value as pretty JSON with sorted keys and ISO 8601 instants.
    func printJSON<T: Encodable>(_ value: T) throws {
        let encoder = ControlProtocol.makeEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        Console.print(String(decoding: try encoder.encode(value), as: UTF8.self))
    }
}

/// Colour for people at a terminal: on only when standard output is a TTY, `NO_COLOR` is unset
/// or empty (https://no-color.org) and `TERM` is not `dumb`.
struct TerminalStyle {
    var enabled: Bool

    static func forStandardOutput(environment: [String: String] = ProcessInfo.processInfo.environment) -> TerminalStyle {
        TerminalStyle(enabled: decide(isTTY: isatty(STDOUT_FILENO) == 1, environment: environment))
    }

    static func decide(isTTY: Bool, environment: [String: String]) -> Bool {
        guard isTTY else { return false }
        if let noColor = environment["NO_COLOR"], !noColor.isEmpty { return false }
        return environment["TERM"] != "dumb"
    }

    func bold(_ text: String) -> String { wrap(text, "1") }
    func dim(_ text: String) -> String { wrap(text, "2") }
    func red(_ text: String) -> String { wrap(text, "31") }
    func green(_ text: String) -> String { wrap(text, "32") }
    func yellow(_ text: String) -> String { wrap(text, "33") }

    private func wrap(_ text: String, _ code: String) -> String {
        enabled && !text.isEmpty ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
    }
}

/// Aligned columns; widths count display columns, so Chinese text lines up. Colour is applied
/// after padding, so escape sequences never upset the alignment.
struct Table {
    var header: [String]
    var rows: [[String]] = []
    /// Colours per row, applied to whole cells after padding.
    var styles: [((String) -> String)?] = []

    init(header: [String]) { self.header = header }

    mutating func add(_ cells: [String], style: ((String) -> String)? = nil) {
        rows.append(cells)
        styles.append(style)
    }

    func render(headerStyle: @escaping (String) -> String = { $0 }) -> String {
        String(decoding: renderBytes(headerStyle: headerStyle), as: UTF8.self)
    }

    /// What ``render(headerStyle:)`` gives, as UTF-8 bytes: a command that writes the table out
    /// needs no string made of them (a year's agenda is a megabyte, and making a string of bytes
    /// checks every one).
    func renderBytes(headerStyle: @escaping (String) -> String = { $0 }) -> [UInt8] {
        let columns = rows.reduce(header.count) { max($0, $1.count) }
        // Each cell is measured once; the widths serve both the columns and the padding. They are
        // kept in one array, row after row (the header's first), each row at its running offset.
        var cellWidths: [Int] = []
        cellWidths.reserveCapacity(rows.reduce(header.count) { $0 + $1.count })
        var widths = [Int](repeating: 0, count: columns)
        var bytes = 0
        func measure(_ cells: [String]) {
            for (index, cell) in cells.enumerated() {
                let width = DisplayWidth.of(cell)
                cellWidths.append(width)
                widths[index] = max(widths[index], width)
                bytes += cell.utf8.count + 2
            }
        }
        measure(header)
        for row in rows { measure(row) }
        // The lines are written as UTF-8 into one buffer: each cell padded to its column, two
        // spaces between cells, no spaces at the end of a line.
        var out: [UInt8] = []
        out.reserveCapacity(bytes + widths.reduce(0, +) * (rows.count + 1))
        var measured = 0
        // `out` is passed in, not captured: the closure that appends a cell's bytes then writes to
        // an `inout` parameter, which needs no exclusivity check at run time.
        func line(_ out: inout [UInt8], _ cells: [String], _ style: ((String) -> String)?) {
            let start = out.count
            for (index, cell) in cells.enumerated() {
                if index > 0 {
                    out.append(UInt8(ascii: " "))
                    out.append(UInt8(ascii: " "))
                }
                let padding = index == cells.count - 1 ? 0 : max(0, widths[index] - cellWidths[measured + index])
                if let style {
                    out.append(contentsOf: style(padding == 0 ? cell : cell + String(repeating: " ", count: padding)).utf8)
                } else {
                    // From the cell's UTF-8 in place (a copy of the bytes), not element by element.
                    if cell.utf8.withContiguousStorageIfAvailable({ out.append(contentsOf: $0) }) == nil {
                        out.append(contentsOf: cell.utf8)
                    }
                    for _ in 0..<padding { out.append(UInt8(ascii: " ")) }
                }
            }
            measured += cells.count
            while out.count > start, out.last == UInt8(ascii: " ") {
                if out.count - 1 > start, out[out.count - 2] >= 0x80 {
                    // A space after other than ASCII: the last character is what String says it
                    // is (a prepended mark and a space are one character).
                    var text = String(decoding: out[start...], as: UTF8.self)
                    while text.hasSuffix(" ") { text.removeLast() }
                    out.replaceSubrange(start..., with: Array(text.utf8))
                    break
                }
                out.removeLast()
            }
        }
        line(&out, header, headerStyle)
        for (index, row) in rows.enumerated() {
            out.append(UInt8(ascii: "\n"))
            line(&out, row, styles[index])
        }
        return out
    }
}

/// Dates and times for people, in the local time zone.
struct HumanTime {
    var timeZone: TimeZone
    var now: Date
    var english: Bool

    /// The local time zone and the current time, or the instant in `$ALMANAC_NOW` (ISO 8601 with
    /// a zone, `2027-09-15T01:00:00Z`) when it is set: tests and golden files pin "now" with it.
    static func local(english: Bool) -> HumanTime {
        HumanTime(timeZone: .current, now: OfflinePlan.clock.now(), english: english)
    }

    private var calendar: Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        return calendar
    }

    /// `2027-04-05 09:00`.
    func instant(_ date: Date) -> String {
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        return String(format: "%04d-%02d-%02d %02d:%02d", c.year ?? 0, c.month ?? 0, c.day ?? 0, c.hour ?? 0, c.minute ?? 0)
    }

    /// Today in the local time zone.
    var today: CivilDate { ZonedTime.civilDate(of: now, in: timeZone) }

    /// `2027-04-05 周一` / `2027-04-05 Mon`.
    func day(_ date: CivilDate) -> String {
        "\(date) " + (english ? date.weekday.abbreviation.capitalized : date.weekday.chineseShortName)
    }

    /// `今天`, `明天`, `3天后`, `2天前` / `today`, `tomorrow`, `in 3 days`, `2 days ago`.
    func relative(_ date: CivilDate) -> String {
        let days = today.days(to: date)
        switch (days, english) {
        case (0, false): return "今天"
        case (1, false): return "明天"
        case (-1, false): return "昨天"
        case (0, true): return "today"
        case (1, true): return "tomorrow"
        case (-1, true): return "yesterday"
        case (let n, false): return n > 0 ? "\(n)天后" : "\(-n)天前"
        case (let n, true): return n > 0 ? "in \(n) days" : "\(-n) days ago"
        }
    }

    /// Like ``relative(_:)``, but more than a day away in working days when the daemon counted
    /// them: `3个工作日后`, `in 3 working days`, `2个工作日前`, `2 working days ago`. Calendar days
    /// are used when no working day lies in between (a weekend) or the count is unknown.
    func relative(_ date: CivilDate, workingDays: Int?) -> String {
        let days = today.days(to: date)
        guard abs(days) > 1, let workingDays, workingDays != 0 else { return relative(date) }
        let n = abs(workingDays)
        if english {
            let unit = n == 1 ? "working day" : "working days"
            return workingDays > 0 ? "in \(n) \(unit)" : "\(n) \(unit) ago"
        }
        return workingDays > 0 ? "\(n)个工作日后" : "\(n)个工作日前"
    }

    /// `2小时3分` / `2h 3m`.
    func duration(_ seconds: TimeInterval) -> String {
        let total = max(0, Int(seconds))
        let (d, h, m) = (total / 86400, total % 86400 / 3600, total % 3600 / 60)
        if english {
            return d > 0 ? "\(d)d \(h)h" : h > 0 ? "\(h)h \(m)m" : "\(m)m \(total % 60)s"
        }
        return d > 0 ? "\(d)天\(h)小时" : h > 0 ? "\(h)小时\(m)分" : "\(m)分\(total % 60)秒"
    }

    /// Parses the `--until` of `snooze`: `YYYY-MM-DD` (the start of that day), `YYYY-MM-DDTHH:MM`
    /// or `YYYY-MM-DD HH:MM` (local time), an ISO 8601 instant with a zone, `tomorrow`, or
    /// `+N` followed by `m`, `h`, `d` or `w` (from now).
    func parseInstant(_ text: String) -> Date? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed == "tomorrow" || trimmed == "明天" {
            return startOf(today.adding(days: 1))
        }
        if trimmed.hasPrefix("+"), let unit = trimmed.last, let count = Int(trimmed.dropFirst().dropLast()), count > 0 {
            let seconds: Int
            switch unit {
            case "m": seconds = 60
            case "h": seconds = 3600
            case "d": seconds = 86400
            case "w": seconds = 7 * 86400
            default: return nil
            }
            return now.addingTimeInterval(TimeInterval(count * seconds))
        }
        if let day = CivilDate(iso: trimmed) { return startOf(day) }
        if let instant = SystemClock.instant(trimmed) { return instant }
        let parts = trimmed.split(whereSeparator: { $0 == "T" || $0 == " " })
        if parts.count == 2, let day = CivilDate(iso: parts[0]) {
            let fields = parts[1].split(separator: ":")
            let clock = fields.compactMap { Int($0) }
            guard (2...3).contains(clock.count), clock.count == fields.count else { return nil }
            let (hour, minute, second) = (clock[0], clock[1], clock.count == 3 ? clock[2] : 0)
            guard (0..<24).contains(hour), (0..<60).contains(minute), (0..<60).contains(second) else { return nil }
            return startOf(day)?.addingTimeInterval(TimeInterval(hour * 3600 + minute * 60 + second))
        }
        return nil
    }

    private func startOf(_ day: CivilDate) -> Date? {
        calendar.date(from: DateComponents(year: day.year, month: day.month, day: day.day))
    }
}

extension OccurrenceRef: ExpressibleByArgument {
    public init?(argument: String) {
        self.init(parsing: argument)
    }
}
