/// Julian days and the difference between Terrestrial Time and Universal Time.
///
/// Astronomical series take Julian Ephemeris Days (JDE, Terrestrial Time); civil days need
/// Universal Time. `ΔT = TT − UT` bridges the two.
public enum TimeScales {
    /// Julian day of 1970-01-01 00:00 (day number 0 of ``CivilDate``).
    public static let unixEpochJulianDay = 2_440_587.5

    /// The Julian day (UT) of midnight at the start of a civil date, in UTC.
    public static func julianDay(midnightOf date: CivilDate) -> Double {
        Double(date.dayNumber) + unixEpochJulianDay
    }

    /// The decimal year of a Julian day (close enough for ΔT, which changes slowly).
    public static func decimalYear(julianDay jd: Double) -> Double {
        2000.0 + (jd - 2_451_545.0) / 365.25
    }

    /// ΔT = TT − UT in seconds, from the polynomial expressions of Espenak & Meeus (2006),
    /// *Five Millennium Canon of Solar Eclipses* (NASA TP-2006-214141), as published on the NASA
    /// eclipse web site ("Polynomial Expressions for Delta T"). Implemented for 1600–3000; before
    /// 1600 and after 2150 the long-term parabola −20 + 32·u² (u = (y − 1820)/100) is used.
    ///
    /// Accuracy: better than 1 s from 1800 to 2000 (the polynomials reproduce measured values);
    /// the 2005–2050 piece is an extrapolation that runs about 4–5 s above the measured ΔT of the
    /// 2020s; past 2050 the uncertainty grows to minutes by 2100–2200 (Earth's rotation cannot be
    /// predicted), which is why civil days of events within minutes of midnight that far ahead
    /// are not certain by computation.
    public static func deltaT(decimalYear y: Double) -> Double {
        switch y {
        case ..<1600:
            let u = (y - 1820) / 100
            return -20 + 32 * u * u
        case ..<1700:
            let t = y - 1600
            return 120 + t * (-0.9808 + t * (-0.01532 + t / 7129))
        case ..<1800:
            let t = y - 1700
            return 8.83 + t * (0.1603 + t * (-0.0059285 + t * (0.00013336 - t / 1_174_000)))
        case ..<1860:
            let t = y - 1800
            return 13.72 + t * (-0.332447 + t * (0.0068612 + t * (0.0041116 + t * (-0.00037436
                + t * (0.0000121272 + t * (-0.0000001699 + t * 0.000000000875))))))
        case ..<1900:
            let t = y - 1860
            return 7.62 + t * (0.5737 + t * (-0.251754 + t * (0.01680668 + t * (-0.0004473624 + t / 233_174))))
        case ..<1920:
            let t = y - 1900
            return -2.79 + t * (1.494119 + t * (-0.0598939 + t * (0.0061966 - t * 0.000197)))
        case ..<1941:
            let t = y - 1920
            return 21.20 + t * (0.84493 + t * (-0.076100 + t * 0.0020936))
        case ..<1961:
            let t = y - 1950
            return 29.07 + t * (0.407 + t * (-1.0 / 233 + t / 2547))
        case ..<1986:
            let t = y - 1975
            return 45.45 + t * (1.067 + t * (-1.0 / 260 - t / 718))
        case ..<2005:
            let t = y - 2000
            return 63.86 + t * (0.3345 + t * (-0.060374 + t * (0.0017275 + t * (0.000651814 + t * 0.00002373599))))
        case ..<2050:
            let t = y - 2000
            return 62.92 + t * (0.32217 + t * 0.005589)
        case ..<2150:
            let u = (y - 1820) / 100
            return -20 + 32 * u * u - 0.5628 * (2150 - y)
        default:
            let u = (y - 1820) / 100
            return -20 + 32 * u * u
        }
    }

    /// Converts a Julian Ephemeris Day (TT) to a Julian day in UT.
    public static func universalTime(fromEphemeris jde: Double) -> Double {
        jde - deltaT(decimalYear: decimalYear(julianDay: jde)) / 86_400
    }
}

/// A moment in Beijing time (UTC+8), to the second, as the Chinese calendar counts days.
public struct BeijingTime: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The civil day in UTC+8 that contains the moment.
    public let date: CivilDate
    /// Whole seconds since midnight of `date` in UTC+8 (0...86399), truncated, so that the time
    /// shown never moves the moment into the next day.
    public let secondOfDay: Int
    /// The exact moment as a Julian day in Universal Time.
    public let julianDayUT: Double

    /// The Beijing-time moment of a Julian day in UT.
    public init(julianDayUT jd: Double) {
        julianDayUT = jd
        let local = jd + 8.0 / 24.0 - TimeScales.unixEpochJulianDay
        let day = local.rounded(.down)
        date = CivilDate(dayNumber: Int(day))
        secondOfDay = min(86_399, max(0, Int(((local - day) * 86_400).rounded(.down))))
    }

    /// The civil day in UTC+8 that contains the moment (the same as ``date``).
    public var exactDate: CivilDate { date }

    public var hour: Int { secondOfDay / 3600 }
    public var minute: Int { secondOfDay / 60 % 60 }
    public var second: Int { secondOfDay % 60 }

    /// `YYYY-MM-DD HH:MM:SS` (Beijing time).
    public var description: String {
        func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return "\(date) \(two(hour)):\(two(minute)):\(two(second))"
    }

    /// ISO 8601 with the offset: `YYYY-MM-DDTHH:MM:SS+08:00`.
    public var iso8601: String {
        func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return "\(date)T\(two(hour)):\(two(minute)):\(two(second))+08:00"
    }

    public static func < (lhs: BeijingTime, rhs: BeijingTime) -> Bool { lhs.julianDayUT < rhs.julianDayUT }
}
