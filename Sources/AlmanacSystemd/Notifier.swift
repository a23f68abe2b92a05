import CSystemd

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Tells the service manager about the daemon's state through `sd_notify(3)`.
///
/// Every method is a no-op when `$NOTIFY_SOCKET` is unset (a run by hand), so callers never need
/// to ask whether they run under systemd. The environment is left alone, so the watchdog keeps
/// working after the first message. libsystemd is opened at the first message (``LibSystemd``);
/// without it every method is a no-op too.
public struct SystemdNotifier: Sendable {
    private let systemd: @Sendable () -> LibSystemd?

    public init() {
        systemd = { try? LibSystemd.shared.get() }
    }

    /// A notifier over another library than libsystemd's soname (tests: one that is missing).
    init(library: String) {
        let loaded = try? LibSystemd.load(library)
        systemd = { loaded }
    }

    /// Sends raw `KEY=value` assignments, one per line. Returns `true` when a service manager was
    /// notified, `false` when none is listening (`$NOTIFY_SOCKET` unset), libsystemd cannot be
    /// loaded, or sending failed.
    @discardableResult
    public func send(_ assignments: [String]) -> Bool {
        guard let systemd = systemd() else { return false }
        let state = assignments.map(Self.sanitized).joined(separator: "\n")
        return systemd.functions.sd_notify(0, state) > 0
    }

    /// `READY=1`, with an optional one-line status.
    @discardableResult
    public func ready(status: String? = nil) -> Bool {
        var lines = ["READY=1"]
        if let status { lines.append("STATUS=\(status)") }
        return send(lines)
    }

    /// `STATUS=` with a one-line summary.
    @discardableResult
    public func status(_ text: String) -> Bool {
        send(["STATUS=\(text)"])
    }

    /// `RELOADING=1` with `MONOTONIC_USEC=` (the clock the service manager uses to match the
    /// reload with the `READY=1` that ends it), plus an optional status.
    @discardableResult
    public func reloading(status: String? = nil) -> Bool {
        var lines = ["RELOADING=1", "MONOTONIC_USEC=\(Self.monotonicMicroseconds())"]
        if let status { lines.append("STATUS=\(status)") }
        return send(lines)
    }

    /// `STOPPING=1`, plus an optional status.
    @discardableResult
    public func stopping(status: String? = nil) -> Bool {
        var lines = ["STOPPING=1"]
        if let status { lines.append("STATUS=\(status)") }
        return send(lines)
    }

    /// `WATCHDOG=1`: the keep-alive ping for `WatchdogSec=`.
    @discardableResult
    public func watchdog() -> Bool {
        send(["WATCHDOG=1"])
    }

    /// How often to send `WATCHDOG=1`: half of `$WATCHDOG_USEC` when the service manager enabled
    /// the watchdog for this process, `nil` otherwise.
    public func watchdogPingInterval() -> Duration? {
        var usec: UInt64 = 0
        guard let systemd = systemd(), systemd.functions.sd_watchdog_enabled(0, &usec) > 0, usec > 0 else { return nil }
        return .microseconds(Int64(clamping: usec / 2))
    }

    /// `CLOCK_MONOTONIC` in microseconds.
    public static func monotonicMicroseconds() -> UInt64 {
        UInt64(almanac_monotonic_usec())
    }

    /// A value must stay on one line: a newline would start a new assignment.
    static func sanitized(_ line: String) -> String {
        String(line.map { $0 == "\n" || $0 == "\r" ? " " : $0 })
    }
}
