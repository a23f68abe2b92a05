import AlmanacCalendar
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
        if let date = instant(text) { return date }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withFullDate]
        return formatter.date(from: text)
    }

    /// An ISO 8601 instant with its zone (`2026-09-15T09:00:00+08:00`, `…Z`, fractional seconds
    /// allowed); `nil` for anything without one. The one reader of instants: `$ALMANAC_NOW` and
    /// `almanacctl snooze --until`.
    public static func instant(_ text: String) -> Date? {
        if let date = internetDateTime(text) { return date }
        let formatter = ISO8601DateFormatter()
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: text)
    }
}

extension SystemClock {
    /// `YYYY-MM-DDTHH:MM:SS` with `Z` or `±HH:MM`, every field in range, read from its bytes (what
    /// scripts and tests set; `ISO8601DateFormatter` is a few milliseconds of every command's
    /// start). `nil` for anything else, which the formatter then reads, and for years before
    /// 1600 (the formatter's calendar is Julian before 1582).
    static func internetDateTime(_ text: String) -> Date? {
        let b = Array(text.utf8)
        guard b.count == 20 || b.count == 25, b[4] == 0x2d, b[7] == 0x2d, b[10] == 0x54, b[13] == 0x3a, b[16] == 0x3a
        else { return nil }
        func number(_ at: Int, _ digits: Int) -> Int? {
            var value = 0
            for byte in b[at..<at + digits] {
                guard (0x30...0x39).contains(byte) else { return nil }
                value = value * 10 + Int(byte - 0x30)
            }
            return value
        }
        guard let year = number(0, 4), let month = number(5, 2), let day = number(8, 2), let hour = number(11, 2),
            let minute = number(14, 2), let second = number(17, 2), (1600...9999).contains(year), hour < 24, minute < 60,
            second < 60, let date = CivilDate(year: year, month: month, day: day)
        else { return nil }
        var offset = 0
        if b.count == 20 {
            guard b[19] == 0x5a else { return nil }
        } else {
            guard b[19] == 0x2b || b[19] == 0x2d, b[22] == 0x3a, let hours = number(20, 2), let minutes = number(23, 2), hours <= 14,
                minutes < 60
            else { return nil }
            offset = (hours * 3600 + minutes * 60) * (b[19] == 0x2b ? 1 : -1)
        }
        return Date(timeIntervalSince1970: TimeInterval(date.dayNumber * 86_400 + hour * 3600 + minute * 60 + second - offset))
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
