// The reminder planner over a year, as the daemon's scheduler drives it: every wake-up of 2026
// from 1 January to 31 December (decide, record the actions, sleep until the next wake-up),
// for the sample plan (config/plans/zhalainuoer.yaml with the shipped holiday tables) and for a
// synthetic 10,000-item plan (SyntheticPlan.swift, weekends only). Beside it: building the
// planner, and one decision at a mid-year wake-up with the service's watermark and with a full
// scan.
import AlmanacCalendar
import AlmanacPlan
import AlmanacScheduler
import Benchmark
import Foundation

let zone = TimeZone(identifier: "Asia/Shanghai") ?? .gmt
let configuration = PlannerConfiguration(timeZone: zone)
let year2026 = CivilDate(year: 2026, month: 1, day: 1)!...CivilDate(year: 2026, month: 12, day: 31)!
let synthetic = SyntheticPlan.occurrences(count: 10_000, year: 2026)
let sample = SamplePlan.occurrences(in: year2026)

/// What one simulated run of the scheduler did.
struct YearRun {
    var wakeups = 0
    var actions = 0
    var state: PlannerState
    var now: Date
}

/// Drives `planner` like the scheduler service from the start of `from` until `until` (dates in
/// the plan's zone): decide, record every action, advance the watermark, sleep until the next
/// wake-up.
func run(_ planner: ReminderPlanner, from: CivilDate, until: CivilDate) -> YearRun {
    let start = ZonedTime.instant(of: from, at: TimeOfDay(hour: 0, minute: 0)!, in: zone)
    let stop = ZonedTime.instant(of: until, at: TimeOfDay(hour: 0, minute: 0)!, in: zone)
    var result = YearRun(state: PlannerState(ignoreBefore: start), now: start)
    while result.now < stop {
        let decision = planner.decide(state: result.state, now: result.now)
        result.wakeups += 1
        result.actions += decision.actions.count
        for action in decision.actions { result.state.recorded.insert(action.key) }
        result.state.settledBefore = result.now
        guard let next = decision.nextWakeup else { break }
        result.now = next
    }
    return result
}

let jan1 = CivilDate(year: 2026, month: 1, day: 1)!
let jul1 = CivilDate(year: 2026, month: 7, day: 1)!
let jan1next = CivilDate(year: 2027, month: 1, day: 1)!

// Globals outside main.swift are built on first use: each benchmark process (one per benchmark)
// builds only what its benchmark touches, before startMeasurement().
let samplePlanner = ReminderPlanner(
    occurrences: sample.occurrences, workingDays: sample.workingDays, configuration: configuration)
let syntheticPlanner = ReminderPlanner(
    occurrences: synthetic, workingDays: WorkCalendar.weekendsOnly, configuration: configuration)
let midYear = run(syntheticPlanner, from: jan1, until: jul1)

/// What a year amounts to, reported beside the times as custom metrics (a benchmark process's
/// own output is suppressed), so that the year figures can be read per wake-up and per action.
let wakeupsMetric = BenchmarkMetric.custom("wake-ups in the year", useScalingFactor: false)
let actionsMetric = BenchmarkMetric.custom("actions in the year", useScalingFactor: false)
let occurrencesMetric = BenchmarkMetric.custom("occurrences", useScalingFactor: false)

/// Runs a year of `planner` per iteration and reports its size.
func yearBenchmark(_ benchmark: Benchmark, _ planner: ReminderPlanner) {
    blackHole(planner.occurrences.count)
    benchmark.startMeasurement()
    var last: YearRun?
    for _ in benchmark.scaledIterations {
        last = run(planner, from: jan1, until: jan1next)
    }
    benchmark.stopMeasurement()
    if let last {
        benchmark.measurement(wakeupsMetric, last.wakeups)
        benchmark.measurement(actionsMetric, last.actions)
        benchmark.measurement(occurrencesMetric, planner.occurrences.count)
    }
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .cpuTotal, .mallocCountTotal],
        scalingFactor: .one,
        maxDuration: .seconds(5),
        maxIterations: 200
    )
    // A year takes seconds: no warm-up, a few samples.
    let yearConfiguration = Benchmark.Configuration(
        metrics: [.wallClock, .cpuTotal, .mallocCountTotal, wakeupsMetric, actionsMetric, occurrencesMetric],
        warmupIterations: 0, scalingFactor: .one,
        maxDuration: .seconds(5), maxIterations: 3)

    Benchmark("a year of planning, sample plan", configuration: yearConfiguration) { benchmark in
        yearBenchmark(benchmark, samplePlanner)
    }

    Benchmark("a year of planning, 10,000 items", configuration: yearConfiguration) { benchmark in
        yearBenchmark(benchmark, syntheticPlanner)
    }

    Benchmark("ReminderPlanner.init: 10,000 items, a year") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(ReminderPlanner(occurrences: synthetic, workingDays: WorkCalendar.weekendsOnly, configuration: configuration))
        }
    }

    Benchmark("decide at a mid-year wake-up, 10,000 items, watermark (as the service runs)") { benchmark in
        let state = midYear
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            blackHole(syntheticPlanner.decide(state: state.state, now: state.now))
        }
    }

    Benchmark("decide at a mid-year wake-up, 10,000 items, full scan (no watermark)") { benchmark in
        var full = midYear.state
        full.settledBefore = nil
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            blackHole(syntheticPlanner.decide(state: full, now: midYear.now))
        }
    }
}
