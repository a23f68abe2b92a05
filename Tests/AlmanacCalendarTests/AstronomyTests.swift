import Testing

@testable import AlmanacCalendar

/// The astronomy against the worked examples of Meeus, *Astronomical Algorithms* (2nd ed.) and the
/// published ΔT polynomials.
@Suite("Astronomy")
struct AstronomyTests {
    @Test("Meeus example 25.b: apparent longitude of the sun on 1992-10-13.0 TD")
    func sunExample() {
        let lambda = Sun.apparentLongitude(julianEphemerisDay: 2_448_908.5)
        // 199°54′21.818″ with the abridged series; the fuller series differs by a few 0.01″.
        let expected = 199 + 54.0 / 60 + 21.818 / 3600
        #expect(abs(lambda - expected) * 3600 < 0.5)
    }

    @Test("Meeus example 22.a: nutation in longitude on 1987-04-10.0 TD")
    func nutationExample() {
        #expect(abs(Nutation.longitude(julianEphemerisDay: 2_446_895.5) - -3.788) < 0.01)
    }

    @Test("Meeus example 49.a: new moon of 1977 February")
    func newMoonExample() {
        #expect(Moon.lunation(near: 2_443_192.5) == -283)
        // JDE 2443192.65118 = 1977 February 18, 3h37m42s TD.
        #expect(abs(Moon.newMoon(lunation: -283) - 2_443_192.651_18) * 86_400 < 1)
    }

    @Test("ΔT polynomials of Espenak & Meeus")
    func deltaT() {
        #expect(abs(TimeScales.deltaT(decimalYear: 1900) - -2.79) < 1e-9)
        #expect(abs(TimeScales.deltaT(decimalYear: 1950) - 29.07) < 1e-9)
        #expect(abs(TimeScales.deltaT(decimalYear: 2000) - 63.86) < 1e-9)
        #expect(abs(TimeScales.deltaT(decimalYear: 2010) - (62.92 + 3.2217 + 0.5589)) < 1e-9)
        #expect(abs(TimeScales.deltaT(decimalYear: 2150) - (-20 + 32 * 3.3 * 3.3)) < 1e-6)
        // The pieces join without jumps of more than a second.
        for boundary in [1700.0, 1800, 1860, 1900, 1920, 1941, 1961, 1986, 2005, 2050, 2150] {
            let jump = abs(TimeScales.deltaT(decimalYear: boundary - 1e-6) - TimeScales.deltaT(decimalYear: boundary))
            #expect(jump < 1.0, "ΔT jumps \(jump) s at \(boundary)")
        }
    }

    @Test("solar-term moment by root finding: 2026 spring equinox")
    func equinox() {
        let jde = Sun.julianEphemerisDay(ofLongitude: 0, near: 2_461_118.0)
        #expect(abs(Sun.difference(0, Sun.apparentLongitude(julianEphemerisDay: jde))) < 1e-7)
        let moment = BeijingTime(julianDayUT: TimeScales.universalTime(fromEphemeris: jde))
        #expect(moment.date == CivilDate(year: 2026, month: 3, day: 20))
        #expect(moment.hour == 22 && moment.minute == 45)
    }

    @Test("Beijing time formatting and the day of a moment just before midnight")
    func beijingTime() {
        // 2026-01-01 15:59:59.8 UTC = 23:59:59.8 in Beijing: still January 1st, shown truncated.
        let jd = TimeScales.julianDay(midnightOf: CivilDate(year: 2026, month: 1, day: 1)!) + (15 * 3600 + 3599.8) / 86_400
        let t = BeijingTime(julianDayUT: jd)
        #expect(t.date == CivilDate(year: 2026, month: 1, day: 1))
        #expect(t.description == "2026-01-01 23:59:59")
        #expect(BeijingTime(julianDayUT: jd - 59.8 / 86_400).iso8601 == "2026-01-01T23:59:00+08:00")
        #expect(BeijingTime(julianDayUT: jd + 0.4 / 86_400).description == "2026-01-02 00:00:00")
    }
}
