// Civil-date arithmetic: AlmanacCalendar's CivilDate (integer day numbers) beside Foundation's
// Calendar doing the same work, so the README can say what the own type buys.
// Each benchmark walks 3,650 consecutive days (ten years) per iteration.
import AlmanacCalendar
import Benchmark
import Foundation

let days = 3_650
let start = CivilDate(year: 2026, month: 1, day: 1)!

let gregorian: Calendar = {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = TimeZone(identifier: "Asia/Shanghai")!
    return calendar
}()
let foundationStart = gregorian.date(from: DateComponents(year: 2026, month: 1, day: 1))!

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .cpuTotal, .mallocCountTotal, .throughput],
        scalingFactor: .one,
        maxDuration: .seconds(2),
        maxIterations: 1_000
    )

    // Add a day, then read year/month/day and the weekday: what rule expansion does per day.
    Benchmark("CivilDate: 10 years of day+1, components, weekday") { benchmark in
        var checksum = 0
        var date = start
        for _ in 0..<days {
            date = date.adding(days: 1)
            let (y, m, d) = date.components
            checksum &+= y &+ m &+ d &+ date.weekday.rawValue
        }
        blackHole(checksum)
    }

    Benchmark("Foundation Calendar: 10 years of day+1, components, weekday") { benchmark in
        var checksum = 0
        var date = foundationStart
        for _ in 0..<days {
            date = gregorian.date(byAdding: .day, value: 1, to: date)!
            let c = gregorian.dateComponents([.year, .month, .day, .weekday], from: date)
            checksum &+= c.year! &+ c.month! &+ c.day! &+ c.weekday!
        }
        blackHole(checksum)
    }

    // Month arithmetic with end-of-month clamping (01-31 + 1 month = 02-28).
    Benchmark("CivilDate: 10 years of month+1 from the 31st") { benchmark in
        var checksum = 0
        let base = CivilDate(year: 2026, month: 1, day: 31)!
        for m in 0..<120 {
            checksum &+= base.adding(months: m).dayNumber
        }
        blackHole(checksum)
    }

    Benchmark("Foundation Calendar: 10 years of month+1 from the 31st") { benchmark in
        var checksum = 0
        let base = gregorian.date(from: DateComponents(year: 2026, month: 1, day: 31))!
        for m in 0..<120 {
            checksum &+= Int(gregorian.date(byAdding: .month, value: m, to: base)!.timeIntervalSince1970)
        }
        blackHole(checksum)
    }

    // Parsing ISO dates, as plan loading does for every fixed date.
    let isoTexts = (0..<days).map { offset -> String in
        let (y, m, d) = start.adding(days: offset).components
        return String(format: "%04d-%02d-%02d", y, m, d)
    }
    Benchmark("CivilDate(iso:): parse 3,650 dates") { benchmark in
        var checksum = 0
        for text in isoTexts {
            checksum &+= CivilDate(iso: text)!.dayNumber
        }
        blackHole(checksum)
    }

    Benchmark("Foundation Date.ISO8601FormatStyle: parse 3,650 dates") { benchmark in
        let style = Date.ISO8601FormatStyle(timeZone: TimeZone(identifier: "Asia/Shanghai")!).year().month().day()
        var checksum = 0
        for text in isoTexts {
            checksum &+= Int(try! style.parse(text).timeIntervalSince1970)
        }
        blackHole(checksum)
    }
}
