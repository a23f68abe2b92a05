// Date rules: parsing and expanding 10,000 mixed rules (28 kinds: dates, windows, lunar dates,
// festivals, solar terms, official holiday breaks, day and working-day offsets, weekly, daily,
// monthly by day, weekday and working day, until/count/except, day-off policies) over the year
// 2026, with the shipped official holiday tables, as the daemon expands a plan.
import AlmanacCalendar
import Benchmark
import Foundation

/// The rule kinds, cycled to make 10,000 rules. Every one parses (checked before measuring).
let ruleKinds = [
    "2026-05-01", "05-01", "08-10", "09-20..10-10", "12-20..01-10", "lunar 08-15", "lunar 12-last",
    "中秋", "春节", "清明", "端午", "元宵", "春节 -7d..+7d", "holiday 春节", "holiday 劳动节 start -3wd",
    "中秋 -1wd", "weekly tue,fri", "weekly mon..fri", "daily 09:00", "daily 09:00,21:00",
    "monthly 15", "monthly last fri", "monthly 3wd", "monthly last wd", "monthly last",
    "weekly wed until 2026-06-30", "monthly 1 from 2026-03-01 count 6", "weekly mon except 2026-10-05",
]

let ruleCount = 10_000
let year2026 = CivilDate(year: 2026, month: 1, day: 1)!...CivilDate(year: 2026, month: 12, day: 31)!

/// The holiday tables shipped in config/holidays/cn, found from this file's place in the checkout.
func shippedWorkCalendar() -> WorkCalendar {
    let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    let folder = root.appendingPathComponent("config/holidays/cn")
    let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
    let files = names.filter { $0.hasSuffix(".txt") }.sorted().compactMap { name -> (name: String, bytes: [UInt8])? in
        guard let data = FileManager.default.contents(atPath: folder.appendingPathComponent(name).path) else { return nil }
        return (name, [UInt8](data))
    }
    return (try? HolidayTables.workCalendar(files: files)) ?? .weekendsOnly
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .cpuTotal, .mallocCountTotal],
        scalingFactor: .one,
        maxDuration: .seconds(5),
        maxIterations: 100
    )

    let texts = (0..<ruleCount).map { ruleKinds[$0 % ruleKinds.count] }
    let rules = texts.compactMap { try? DateRule.parse($0) }
    let workCalendar = shippedWorkCalendar()
    let context = RuleContext(workCalendar: workCalendar)
    // Fill the lunar cache as a running daemon has it.
    _ = rules.first.map { $0.occurrences(in: year2026, context: context) }
    guard rules.count == ruleCount, workCalendar.hasTable(for: 2026) else {
        print("RulesBenchmarks: only \(rules.count) of \(ruleCount) rules parsed, or no 2026 holiday table")
        return
    }

    Benchmark("DateRule: parse 10,000 mixed rules") { _ in
        var parsed = 0
        for text in texts where (try? DateRule.parse(text)) != nil { parsed += 1 }
        blackHole(parsed)
    }

    Benchmark("DateRule: expand 10,000 mixed rules over 2026") { _ in
        var occurrences = 0
        for rule in rules { occurrences &+= rule.occurrences(in: year2026, context: context).count }
        blackHole(occurrences)
    }
}
