// The Chinese calendar: AlmanacCalendar's ChineseCalendar beside Foundation's
// Calendar(identifier: .chinese) doing the same Gregorian-to-lunar conversions, and the solar
// terms of a year. Each conversion benchmark converts 3,650 consecutive days (ten years) per
// iteration, so a conversion costs (wall clock / 3,650).
import AlmanacCalendar
import Benchmark
import Foundation
import Synchronization

let lunarDays = 3_650
let lunarStart = CivilDate(year: 2026, month: 1, day: 1)!
let chineseCalendar = ChineseCalendar.standard

let foundationChinese: Calendar = {
    var calendar = Calendar(identifier: .chinese)
    calendar.timeZone = TimeZone(secondsFromGMT: 8 * 3600)!
    return calendar
}()

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .cpuTotal, .mallocCountTotal, .throughput],
        scalingFactor: .one,
        maxDuration: .seconds(2),
        maxIterations: 1_000
    )

    // Fill the per-year cache once, as a running daemon has it; the cold cost is measured below.
    for year in 2025...2037 { _ = try? chineseCalendar.months(ofLunarYear: year) }

    Benchmark("ChineseCalendar: Gregorian to lunar, 3,650 days") { benchmark in
        var checksum = 0
        for offset in 0..<lunarDays {
            let lunar = try chineseCalendar.lunarDate(from: lunarStart.adding(days: offset))
            checksum &+= lunar.month &+ lunar.day &+ (lunar.isLeapMonth ? 100 : 0)
        }
        blackHole(checksum)
    }

    Benchmark("Foundation .chinese: Gregorian to lunar, 3,650 days") { benchmark in
        var checksum = 0
        // Noon in UTC+8 of each civil day.
        let base = Double(lunarStart.dayNumber) * 86_400 + 4 * 3600
        for offset in 0..<lunarDays {
            let date = Date(timeIntervalSince1970: base + Double(offset) * 86_400)
            let c = foundationChinese.dateComponents([.month, .day, .isLeapMonth], from: date)
            checksum &+= c.month! &+ c.day! &+ (c.isLeapMonth! ? 100 : 0)
        }
        blackHole(checksum)
    }

    Benchmark("ChineseCalendar: lunar to Gregorian round trip, 3,650 days") { benchmark in
        var checksum = 0
        for offset in 0..<lunarDays {
            let lunar = try chineseCalendar.lunarDate(from: lunarStart.adding(days: offset))
            checksum &+= try chineseCalendar.civilDate(from: lunar).dayNumber
        }
        blackHole(checksum)
    }

    Benchmark("ChineseCalendar: solar terms of a year (cached)") { benchmark in
        blackHole(try chineseCalendar.solarTerms(year: 2026).count)
    }

    // A different year every iteration, so the 24 terms are computed from the astronomy each time.
    let coldYears = Mutex(1800)
    Benchmark("ChineseCalendar: solar terms of a year (computed)", configuration: .init(maxIterations: 400)) {
        benchmark in
        let year = coldYears.withLock { value -> Int in
            value = value >= 2200 ? 1800 : value + 1
            return value
        }
        blackHole(try chineseCalendar.solarTerms(year: year).count)
    }
}
