import Foundation

extension TimeOfDay {
    /// Seconds since midnight.
    public var secondsSinceMidnight: Int { hour * 3600 + minute * 60 }
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
    public static func instant(of date: CivilDate, at time: TimeOfDay, in zone: TimeZone) -> Date {
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

    /// The wall-clock time of day (minute precision) in `zone` at `instant`.
    public static func timeOfDay(of instant: Date, in zone: TimeZone) -> TimeOfDay {
        let local = Int((instant.timeIntervalSince1970 + Double(zone.secondsFromGMT(for: instant))).rounded(.down))
        let seconds = ((local % 86_400) + 86_400) % 86_400
        return TimeOfDay(hour: seconds / 3600, minute: seconds % 3600 / 60) ?? .nine
    }

    /// `2026-12-01 09:00`: the civil date and time of `instant` in `zone`.
    public static func localText(_ instant: Date, in zone: TimeZone) -> String {
        "\(civilDate(of: instant, in: zone)) \(timeOfDay(of: instant, in: zone))"
    }

    /// Asia/Shanghai, the zone of a plan that names none (or names one this system lacks).
    public static let defaultZone: TimeZone = TimeZone(identifier: "Asia/Shanghai") ?? TimeZone(secondsFromGMT: 8 * 3600) ?? .gmt

    /// The zone named `identifier`, or ``defaultZone``.
    public static func zone(named identifier: String?) -> TimeZone {
        identifier.flatMap(TimeZone.init(identifier:)) ?? defaultZone
    }
}
