import Foundation

/// New moons after Meeus, *Astronomical Algorithms* (2nd ed.), chapter 49 "Phases of the Moon":
/// the mean phase, the 25 periodic terms for the new moon and the 14 planetary arguments.
///
/// Meeus gives the error against ELP-2000/82 as at most 17.4 s (mean 3.7 s) for 1980–2020; over
/// 1800–2200 it stays within about half a minute. Add ΔT (``TimeScales``) to get Universal Time.
public enum Moon {
    /// The lunation number `k` whose new moon is nearest a Julian day (k = 0 is 2000-01-06).
    public static func lunation(near jd: Double) -> Int {
        Int(((jd - 2_451_550.097_66) / 29.530_588_861).rounded())
    }

    /// The Julian Ephemeris Day (TT) of new moon number `k` (0 = 2000-01-06, negative before).
    public static func newMoon(lunation k: Int) -> Double {
        let k = Double(k)
        let t = k / 1236.85
        let t2 = t * t, t3 = t2 * t, t4 = t3 * t
        var jde = 2_451_550.097_66 + 29.530_588_861 * k + 0.000_154_37 * t2 - 0.000_000_150 * t3
            + 0.000_000_000_73 * t4
        let rad = Double.pi / 180
        let e = 1 - 0.002_516 * t - 0.000_0074 * t2
        let m = (2.5534 + 29.105_356_70 * k - 0.000_0014 * t2 - 0.000_000_11 * t3) * rad
        let mp = (201.5643 + 385.816_935_28 * k + 0.010_7582 * t2 + 0.000_012_38 * t3 - 0.000_000_058 * t4) * rad
        let f = (160.7108 + 390.670_502_84 * k - 0.001_6118 * t2 - 0.000_002_27 * t3 + 0.000_000_011 * t4) * rad
        let om = (124.7746 - 1.563_755_88 * k + 0.002_0672 * t2 + 0.000_002_15 * t3) * rad

        var c = -0.407_20 * sin(mp)
        c += 0.172_41 * e * sin(m)
        c += 0.016_08 * sin(2 * mp)
        c += 0.010_39 * sin(2 * f)
        c += 0.007_39 * e * sin(mp - m)
        c -= 0.005_14 * e * sin(mp + m)
        c += 0.002_08 * e * e * sin(2 * m)
        c -= 0.001_11 * sin(mp - 2 * f)
        c -= 0.000_57 * sin(mp + 2 * f)
        c += 0.000_56 * e * sin(2 * mp + m)
        c -= 0.000_42 * sin(3 * mp)
        c += 0.000_42 * e * sin(m + 2 * f)
        c += 0.000_38 * e * sin(m - 2 * f)
        c -= 0.000_24 * e * sin(2 * mp - m)
        c -= 0.000_17 * sin(om)
        c -= 0.000_07 * sin(mp + 2 * m)
        c += 0.000_04 * sin(2 * mp - 2 * f)
        c += 0.000_04 * sin(3 * m)
        c += 0.000_03 * sin(mp + m - 2 * f)
        c += 0.000_03 * sin(2 * mp + 2 * f)
        c -= 0.000_03 * sin(mp + m + 2 * f)
        c += 0.000_03 * sin(mp - m + 2 * f)
        c -= 0.000_02 * sin(mp - m - 2 * f)
        c -= 0.000_02 * sin(3 * mp + m)
        c += 0.000_02 * sin(4 * mp)
        jde += c

        for (index, (base, rate, coefficient)) in planetaryArguments.enumerated() {
            var arg = base + rate * k
            if index == 0 { arg -= 0.009_173 * t2 }
            jde += coefficient * sin(arg * rad)
        }
        return jde
    }

    /// Planetary arguments A1...A14: base (degrees), rate per lunation (degrees), coefficient (days).
    private static let planetaryArguments: [(Double, Double, Double)] = [
        (299.77, 0.107_408, 0.000_325), (251.88, 0.016_321, 0.000_165),
        (251.83, 26.651_886, 0.000_164), (349.42, 36.412_478, 0.000_126),
        (84.66, 18.206_239, 0.000_110), (141.74, 53.303_771, 0.000_062),
        (207.14, 2.453_732, 0.000_060), (154.84, 7.306_860, 0.000_056),
        (34.52, 27.261_239, 0.000_047), (207.19, 0.121_824, 0.000_042),
        (291.34, 1.844_379, 0.000_040), (161.72, 24.198_154, 0.000_037),
        (239.56, 25.513_099, 0.000_035), (331.55, 3.592_518, 0.000_023),
    ]
}
