import Foundation
import Synchronization

/// Where "now" comes from: the one clock of almanacd and almanacctl. The pure core takes instants
/// as parameters; the edges read them from a `WallClock`, so tests inject a ``ManualClock``.
public protocol WallClock: Sendable {
    /// The current instant.
    func now() -> Date
}

/// The system's real-time clock; with `ALMANAC_NOW` in the environment (ISO 8601, e.g.
/// `2026-09-15T09:00:00+08:00`), that fixed instant instead, so scripts and tests pin "today".
public struct SystemClock: WallClock {
    /// The pinned instant, if any.
    public let fixed: Date?

    /// The real clock, or the instant `$ALMANAC_NOW` names.
    public init(environment: [String: String] = [:]) {
        fixed = Self.pinned(environment)
    }

    public func now() -> Date { fixed ?? Date() }

    /// The instant `$ALMANAC_NOW` names, if it is set and valid.
    public static func pinned(_ environment: [String: String]) -> Date? {
        guard let text = environment["ALMANAC_NOW"], !text.isEmpty else { return nil }
        return parse(text)
    }

    /// Parses ISO 8601 with an offset (`2026-09-15T09:00:00+08:00`, `…Z`, fractional seconds
    /// allowed) or a plain date (`2026-09-15`, midnight UTC).
    public static func parse(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withFullDate]
        return formatter.date(from: text)
    }
}

/// A clock that moves only when told: for tests that drive the daemon in process.
public final class ManualClock: WallClock {
    private let state: Mutex<Date>
    private let observers = Mutex<[@Sendable (Date) -> Void]>([])

    public init(_ start: Date) {
        state = Mutex(start)
    }

    public func now() -> Date { state.withLock { $0 } }

    /// Moves the clock to `instant` (forwards or backwards) and tells the observers.
    public func set(_ instant: Date) {
        state.withLock { $0 = instant }
        for observer in observers.withLock({ $0 }) { observer(instant) }
    }

    /// Moves the clock forward by `seconds`.
    public func advance(by seconds: TimeInterval) {
        set(now().addingTimeInterval(seconds))
    }

    /// Calls `observer` after every change of the clock (for timers driven by this clock).
    public func observe(_ observer: @escaping @Sendable (Date) -> Void) {
        observers.withLock { $0.append(observer) }
    }
}
