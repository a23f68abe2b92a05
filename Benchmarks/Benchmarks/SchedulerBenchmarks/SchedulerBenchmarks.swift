// The reminder planner on a synthetic 10,000-item year (SyntheticPlan.swift): building the
// planner, and one decision at a wake-up in mid-year, with the service's watermark and with a
// full scan. Working days: weekends only (the holiday tables do not change the cost).
import AlmanacCalendar
import AlmanacPlan
import AlmanacScheduler
import Benchmark
import Foundation

let zone = TimeZone(identifier: "Asia/Shanghai")!
let configuration = PlannerConfiguration(timeZone: zone)
let items = SyntheticPlan.occurrences(count: 10_000, year: 2026)

/// The planner and the state of a service that has run from 2026-01-01 to mid-year, with the
/// instant of its next wake-up.
let midYear: (planner: ReminderPlanner, state: PlannerState, now: Date) = {
    let planner = ReminderPlanner(occurrences: items, workingDays: WorkCalendar.weekendsOnly, configuration: configuration)
    let start = ZonedTime.instant(of: CivilDate(year: 2026, month: 1, day: 1)!, at: ClockTime(hour: 0, minute: 0)!, in: zone)
    let stop = ZonedTime.instant(of: CivilDate(year: 2026, month: 7, day: 1)!, at: ClockTime(hour: 0, minute: 0)!, in: zone)
    var state = PlannerState(ignoreBefore: start)
    var now = start
    while now < stop {
        let decision = planner.decide(state: state, now: now)
        for action in decision.actions { state.recorded.insert(action.key) }
        state.settledBefore = now
        guard let next = decision.nextWakeup else { break }
        now = next
    }
    return (planner, state, now)
}()

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .cpuTotal, .mallocCountTotal],
        scalingFactor: .one,
        maxDuration: .seconds(5),
        maxIterations: 200
    )

    Benchmark("ReminderPlanner.init: 10,000 items, a year") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(ReminderPlanner(occurrences: items, workingDays: WorkCalendar.weekendsOnly, configuration: configuration))
        }
    }

    Benchmark("decide at a mid-year wake-up, 10,000 items, watermark (as the service runs)") { benchmark in
        let (planner, state, now) = midYear
        for _ in benchmark.scaledIterations {
            blackHole(planner.decide(state: state, now: now))
        }
    }

    Benchmark("decide at a mid-year wake-up, 10,000 items, full scan (no watermark)") { benchmark in
        let (planner, state, now) = midYear
        var full = state
        full.settledBefore = nil
        for _ in benchmark.scaledIterations {
            blackHole(planner.decide(state: full, now: now))
        }
    }
}
