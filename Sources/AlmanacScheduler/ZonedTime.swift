import AlmanacCalendar
import AlmanacPlan
import Foundation

extension ClockTime {
    /// 09:00, the delivery time when neither the item nor the daemon's configuration sets one.
    static let nine = ClockTime(hour: 9, minute: 0)!  // a valid constant: no input reaches it

    /// Seconds since midnight.
    var secondsSinceMidnight: Int { hour * 3600 + minute * 60 }
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
