import AlmanacCalendar
import Foundation

/// A time of day on a wall clock (hours and minutes), with no date and no time zone:
/// the delivery time `09:00`, or the time of an occurrence such as a meeting at `14:30`.
public struct ClockTime: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    /// 0...23.
    public let hour: Int
    /// 0...59.
    public let minute: Int

    /// The time `hour:minute`, or `nil` when either is out of range.
    public init?(hour: Int, minute: Int) {
        guard (0...23).contains(hour), (0...59).contains(minute) else { return nil }
        self.hour = hour
        self.minute = minute
    }

    /// Parses `H:MM` or `HH:MM` (`9:00`, `09:00`, `23:59`).
    public init?(_ text: some StringProtocol) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, (1...2).contains(parts[0].count), parts[1].count == 2,
            parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }),
            let h = Int(parts[0]), let m = Int(parts[1])
        else { return nil }
        self.init(hour: h, minute: m)
    }

    /// 09:00, the default delivery time.
    public static let nine = ClockTime(uncheckedHour: 9, minute: 0)

    init(uncheckedHour hour: Int, minute: Int) {
        self.hour = hour
        self.minute = minute
    }

    /// Seconds since midnight.
    public var secondsSinceMidnight: Int { hour * 3600 + minute * 60 }

    /// `HH:MM`.
    public var description: String {
        (hour < 10 ? "0" : "") + String(hour) + ":" + (minute < 10 ? "0" : "") + String(minute)
    }

    public static func < (lhs: ClockTime, rhs: ClockTime) -> Bool {
        lhs.secondsSinceMidnight < rhs.secondsSinceMidnight
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let value = ClockTime(text) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "'\(text)' is not a time of day of the form HH:MM")
        }
        self = value
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// Conversions between instants and civil dates and times in an explicit time zone.
///
/// The zone is always a parameter: nothing here reads `TZ`, `/etc/localtime` or
/// `TimeZone.current`, so the answer depends only on the arguments.
public enum ZonedTime {
    /// The instant at which the wall clock in `zone` shows `time` on `date`.
    ///
    /// For a time skipped by a daylight-saving change the instant uses the offset in force before
    /// the change (the clock shows a time one hour later); for a repeated time, the earlier one.
    public static func instant(of date: CivilDate, at time: ClockTime, in zone: TimeZone) -> Date {
        let local = Double(date.dayNumber * 86_400 + time.secondsSinceMidnight)
        // The offsets a day either side bracket any change of offset on that day.
        let before = Double(zone.secondsFromGMT(for: Date(timeIntervalSince1970: local - 86_400)))
        let after = Double(zone.secondsFromGMT(for: Date(timeIntervalSince1970: local + 86_400)))
        let valid = [local - before, local - after].filter {
            Double(zone.secondsFromGMT(for: Date(timeIntervalSince1970: $0))) == local - $0
        }
        return Date(timeIntervalSince1970: valid.min() ?? (local - before))
    }

    /// The civil date in `zone` at `instant`.
    public static func civilDate(of instant: Date, in zone: TimeZone) -> CivilDate {
        let local = instant.timeIntervalSince1970 + Double(zone.secondsFromGMT(for: instant))
        return CivilDate(dayNumber: Int((local / 86_400).rounded(.down)))
    }
}
