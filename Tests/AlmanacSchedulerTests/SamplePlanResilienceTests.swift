import AlmanacCalendar
import AlmanacPlan
import AlmanacTestSupport
import Foundation
import Testing

@testable import AlmanacScheduler

/// The sample plan's 2026 through restarts, downtime and clock jumps, compared with the
/// uninterrupted year of `SamplePlanTests` (which the golden file pins).
@Suite struct SamplePlanResilienceTests {
    /// Something that happens to the driver during the year.
    enum Event {
        /// A new process at this instant: a fresh planner, state rebuilt from the recorded keys.
        case restart(at: Date)
        /// Down from the first instant until the second.
        case down(from: Date, until: Date)
        /// At the first instant the wall clock is set to the second.
        case jump(at: Date, to: Date)
    }

    struct Year: Sendable {
        var occurrences: ScheduledOccurrences
        var planner: @Sendable () -> ReminderPlanner
    }

    /// The year and its uninterrupted run, computed once for every test of the suite, on a thread
    /// of its own: a lazy static computed on the cooperative pool held one of its threads for a
    /// minute, and every other test that wanted the value blocked another in `swift_once`, which
    /// on two cores stalled the whole test process.
    static let shared = Task<(year: Year, uninterrupted: [String])?, Never> {
        try? await offPool {
            let year = try makeYear()
            return (year, run(year, nil))
        }
    }

    static func year() async throws -> Year { try #require(await shared.value).year }
    static func uninterrupted() async throws -> [String] { try #require(await shared.value).uninterrupted }

    /// ``run(_:_:)`` on a thread of its own (it takes seconds of CPU; the cooperative threads stay free).
    /// Expects no error or duplicate in what it returns.
    static func running(_ year: Year, _ event: Event?) async throws -> [String] {
        let lines = try await offPool { run(year, event) }
        #expect(lines.filter { $0.contains("ERROR") || $0.contains("DUPLICATE") } == [])
        return lines
    }

    static func makeYear() throws -> Year {
        let plan = try SamplePlanTests.loadSamplePlan()
        let expanded = scheduleInput(plan, in: d("2026-01-01")...d("2026-12-31"))
        let calendar = try RealWorkCalendarTests.shipped()
        return Year(occurrences: expanded.occurrences) {
            ReminderPlanner(
                occurrences: expanded.occurrences, workingDays: calendar,
                configuration: PlannerConfiguration(timeZone: shanghai))
        }
    }

    /// Runs the year as `SamplePlanTests.yearOfReminders` does (recurring checks marked done a
    /// week after their day), with `event`; returns the journal lines (and any error or duplicate).
    /// Runs on the calling thread without touching the test's context (no expectations here).
    static func run(_ year: Year, _ event: Event?) -> [String] {
        var driver = Driver(year.planner(), installed: at("2026-01-01 00:00"))
        var log: [String] = []
        var now = at("2026-01-01 00:00")
        let end = at("2026-12-31 23:59")
        var pending = event
        while now <= end {
            switch pending {
            case .restart(let instant) where now >= instant:
                log += driver.log
                var state = PlannerState(recorded: driver.state.recorded, ignoreBefore: at("2026-01-01 00:00"))
                state.done = driver.state.done
                driver = Driver(year.planner(), state: state)
                now = instant
                pending = nil
            case .down(let from, let until) where now >= from:
                now = until
                pending = nil
            case .jump(let instant, let target) where now >= instant:
                // The service wakes on the clock change and decides at the new time.
                now = target
                pending = nil
            default: break
            }
            let today = ZonedTime.civilDate(of: now, in: shanghai)
            for occurrence in year.occurrences where occurrence.end < today.adding(days: -7) && occurrence.kind == "recurring-check" {
                driver.state.done.insert(occurrence.id)
            }
            guard var next = driver.wake(at: now) else { break }
            switch pending {
            case .restart(let instant), .down(let instant, _), .jump(let instant, _): next = min(next, instant)
            case nil: break
            }
            now = next
        }
        log += driver.log
        // Any error or duplicate is kept with the journal lines, so the comparisons show it.
        return log.filter { $0.contains("/journal/") || $0.contains("ERROR") || $0.contains("DUPLICATE") }
    }

    static func key(_ line: String) -> String { String(line.split(separator: " ")[3]) }
    static func due(_ line: String) -> Date { at(String(line.prefix(16))) }

    /// The deliveries handled at the catch-up are those that fell due meanwhile, less those of
    /// recurring checks already marked done (a week after their day) when the daemon came back.
    static func expectSameDeliveries(_ caughtUp: [String], _ during: [String], back: Date, _ year: Year) {
        let recurring = Set(year.occurrences.filter { $0.kind == "recurring-check" }.map(\.itemID))
        let handled = Set(caughtUp.map(key))
        let expected = Set(during.map(key))
        let doneBefore = ZonedTime.civilDate(of: back, in: shanghai).adding(days: -7)
        #expect(handled.isSubset(of: expected))
        let left = expected.subtracting(handled).filter { key in
            let occurrence = key.split(separator: "/").first.flatMap { OccurrenceID(String($0)) }
            return occurrence.map { !(recurring.contains($0.itemID) && $0.date < doneBefore) } ?? true
        }
        #expect(left.isEmpty, "\(left.sorted())")
    }

    @Test func restartHalfwayRepeatsNothing() async throws {
        let year = try await Self.year()
        let uninterrupted = try await Self.uninterrupted()
        #expect(uninterrupted.count > 1000)
        #expect(uninterrupted.filter { $0.contains("ERROR") || $0.contains("DUPLICATE") } == [])
        #expect(try await Self.running(year, .restart(at: at("2026-07-01 12:34"))) == uninterrupted)
    }

    @Test func aDayBackAndForthSendsNoDuplicates() async throws {
        let year = try await Self.year()
        let uninterrupted = try await Self.uninterrupted()
        // Set back a day: nothing is sent twice, and the year goes on as before.
        #expect(try await Self.running(year, .jump(at: at("2026-06-15 09:30"), to: at("2026-06-14 09:30"))) == uninterrupted)
        // Set forward a day: what fell due in the skipped day is sent once, late, in order.
        let forward = try await Self.running(year, .jump(at: at("2026-06-15 09:30"), to: at("2026-06-16 09:30")))
        #expect(forward.map(Self.key) == uninterrupted.map(Self.key))
        let skipped = uninterrupted.filter { Self.due($0) > at("2026-06-15 09:30") && Self.due($0) <= at("2026-06-16 09:30") }
        #expect(!skipped.isEmpty)
        #expect(forward.filter { $0.hasSuffix(" late") } == skipped.map { $0 + " late" })
    }

    @Test func threeDaysOfDowntimeCatchUpInOrderMarkedLate() async throws {
        let year = try await Self.year()
        let uninterrupted = try await Self.uninterrupted()
        let from = at("2026-09-07 08:00")
        let until = at("2026-09-10 10:00")
        let down = try await Self.running(year, .down(from: from, until: until))
        let during = uninterrupted.filter { Self.due($0) > from && Self.due($0) <= until }
        #expect(during.count > 3)
        // Before and after the downtime: exactly as without it.
        #expect(down.filter { Self.due($0) <= from } == uninterrupted.filter { Self.due($0) <= from })
        #expect(down.filter { Self.due($0) > until } == uninterrupted.filter { Self.due($0) > until })
        // What fell due meanwhile comes at the wake-up, oldest first, each late: sent, or (an older
        // overdue repeat of the same series) recorded as superseded.
        let caughtUp = down.filter { Self.due($0) > from && Self.due($0) <= until }
        Self.expectSameDeliveries(caughtUp, during, back: until, year)
        #expect(caughtUp.map(Self.due) == caughtUp.map(Self.due).sorted())
        #expect(caughtUp.allSatisfy { $0.hasSuffix(" late") || $0.hasSuffix(" superseded") })
        #expect(caughtUp.contains { $0.hasSuffix(" late") })
    }

    @Test func olderThanTheCatchUpWindowIsRecordedMissed() async throws {
        let year = try await Self.year()
        let uninterrupted = try await Self.uninterrupted()
        let from = at("2026-09-01 08:00")
        let until = at("2026-09-12 10:00")
        let down = try await Self.running(year, .down(from: from, until: until))
        let cutoff = until.addingTimeInterval(-7 * 86_400)
        let caughtUp = down.filter { Self.due($0) > from && Self.due($0) <= until }
        let old = caughtUp.filter { Self.due($0) < cutoff }
        let recent = caughtUp.filter { Self.due($0) >= cutoff }
        #expect(!old.isEmpty && !recent.isEmpty)
        #expect(old.allSatisfy { $0.contains(" missed ") && $0.hasSuffix(" outside-catch-up-window") })
        #expect(recent.allSatisfy { $0.hasSuffix(" late") || $0.hasSuffix(" superseded") })
        Self.expectSameDeliveries(caughtUp, uninterrupted.filter { Self.due($0) > from && Self.due($0) <= until }, back: until, year)
    }
}
