import Foundation

/// The apparent geocentric position of the sun, after Meeus, *Astronomical Algorithms* (2nd ed.),
/// chapter 25 "higher accuracy": VSOP87D Earth series (see `VSOP87Earth`), conversion to the FK5
/// system, IAU 1980 nutation in longitude (chapter 22) and annual aberration.
///
/// Against the complete VSOP87D series the truncated one stays within 0.04″ over 1800–2200; the
/// series itself, FK5 and nutation keep the apparent longitude within about 1″ (≈ 24 s of
/// time in the sun's motion) of modern ephemerides over that range.
public enum Sun {
    /// The sun's apparent geocentric longitude in degrees (0..<360), referred to the true
    /// equinox of date, at a Julian Ephemeris Day (TT).
    public static func apparentLongitude(julianEphemerisDay jde: Double) -> Double {
        let tau = (jde - 2_451_545.0) / 365_250.0
        let (l, r) = heliocentricLongitudeAndRadius(tau: tau)
        // Geocentric: the sun seen from the Earth is opposite the Earth seen from the sun.
        var theta = l * 180 / Double.pi + 180
        // FK5: Meeus (25.9). The term in tan β is below 0.0001″ because the sun's latitude
        // stays under 1″, so only the constant remains.
        theta += -0.09033 / 3600
        let aberration = -20.4898 / r / 3600
        let lambda = theta + Nutation.longitude(julianEphemerisDay: jde) / 3600 + aberration
        return normalized(lambda)
    }

    /// The Julian Ephemeris Day (TT) at which the apparent longitude equals `longitude` degrees,
    /// searched from `estimate` (which must be within a few weeks of the answer).
    ///
    /// Secant iteration on the longitude difference; converges to 1e-8 day (under a millisecond).
    public static func julianEphemerisDay(ofLongitude longitude: Double, near estimate: Double) -> Double {
        let meanRate = 360.0 / 365.242_19
        var x0 = estimate
        var f0 = difference(longitude, apparentLongitude(julianEphemerisDay: x0))
        var x1 = x0 + f0 / meanRate
        for _ in 0..<20 {
            let f1 = difference(longitude, apparentLongitude(julianEphemerisDay: x1))
            if abs(f1) < 1e-9 { break }
            let slope = (f1 - f0) / (x1 - x0)
            let step = (slope.isFinite && slope > 0.5 * meanRate && slope < 2 * meanRate) ? f1 / slope : f1 / meanRate
            x0 = x1
            f0 = f1
            x1 += step
            if abs(step) < 1e-9 { break }
        }
        return x1
    }

    /// Longitude (rad) and radius vector (au) of the Earth, heliocentric, mean equinox of date.
    static func heliocentricLongitudeAndRadius(tau: Double) -> (Double, Double) {
        (sum(VSOP87Earth.longitude, tau: tau), sum(VSOP87Earth.radius, tau: tau))
    }

    private static func sum(_ series: [[Double]], tau: Double) -> Double {
        var total = 0.0
        var power = 1.0
        for terms in series {
            var s = 0.0
            terms.withUnsafeBufferPointer { p in
                var i = 0
                while i < p.count {
                    s += p[i] * cos(p[i + 1] + p[i + 2] * tau)
                    i += 3
                }
            }
            total += s * power
            power *= tau
        }
        return total * 1e-8
    }

    /// `target − value` in degrees, folded into −180..<180.
    static func difference(_ target: Double, _ value: Double) -> Double {
        var d = (target - value).truncatingRemainder(dividingBy: 360)
        if d >= 180 { d -= 360 } else if d < -180 { d += 360 }
        return d
    }

    static func normalized(_ degrees: Double) -> Double {
        let d = degrees.truncatingRemainder(dividingBy: 360)
        return d < 0 ? d + 360 : d
    }
}

/// Nutation in longitude, IAU 1980 theory (Meeus, chapter 22, table 22.A, all 63 terms).
public enum Nutation {
    /// Δψ in arcseconds at a Julian Ephemeris Day (TT).
    public static func longitude(julianEphemerisDay jde: Double) -> Double {
        let t = (jde - 2_451_545.0) / 36_525.0
        let rad = Double.pi / 180
        let d = (297.85036 + t * (445_267.111480 + t * (-0.0019142 + t / 189_474.0))) * rad
        let m = (357.52772 + t * (35_999.050340 + t * (-0.0001603 - t / 300_000.0))) * rad
        let mp = (134.96298 + t * (477_198.867398 + t * (0.0086972 + t / 56_250.0))) * rad
        let f = (93.27191 + t * (483_202.017538 + t * (-0.0036825 + t / 327_270.0))) * rad
        let om = (125.04452 + t * (-1934.136261 + t * (0.0020708 + t / 450_000.0))) * rad
        var sum = 0.0
        Nutation1980Table.terms.withUnsafeBufferPointer { p in
            var i = 0
            while i < p.count {
                let arg = p[i] * d + p[i + 1] * m + p[i + 2] * mp + p[i + 3] * f + p[i + 4] * om
                sum += (p[i + 5] + p[i + 6] * t) * sin(arg)
                i += 7
            }
        }
        return sum / 10_000
    }
}
