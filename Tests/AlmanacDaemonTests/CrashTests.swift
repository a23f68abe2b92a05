import AlmanacCalendar
import AlmanacPlan
import AlmanacScheduler
import AlmanacStore
import AlmanacTestSupport
import Foundation
import Glibc
import Testing

@testable import AlmanacDaemon

/// kill -9 at random moments while almanacd delivers: nothing is lost, nothing repeats except a
/// journal entry the in-doubt policy sends again, and that one says so (docs/state-store.md).
@Suite("almanacd killed during delivery", .serialized)
struct CrashTests {
    /// Items with a reminder due today (`0d` today, `-1d` tomorrow; moved to the previous working
    /// day on a day off), each to the journal and by mail.
    static let items = 300

    static func plan(today: CivilDate) -> String {
        var text = """
            plan: {id: crash, name: 断电测试, years: every}
            units: {u1: {name: 一号单位, mail: [u1@example.org]}}
            items:

            """
        for index in 0..<items {
            let date = index % 2 == 0 ? today : today.adding(days: 1)
            let lead = index % 2 == 0 ? "0d" : "-1d"
            text += "  - {id: item-\(index), kind: task, title: 任务\(index), when: \(date), owners: [u1], remind: {leads: [\(lead)]}}\n"
        }
        return text
    }

    /// The journal deliveries in the daemon's `<N>` lines: key → number of entries, and the keys
    /// whose entry says it may be a repeat.
    static func journalEntries(_ text: String) -> (counts: [String: Int], possibleRepeats: Set<String>) {
        var counts: [String: Int] = [:]
        var repeats: Set<String> = []
        for line in text.split(separator: "\n") {
            guard line.contains("MESSAGE_ID=\(ReminderMessageID.reminder)") || line.contains("MESSAGE_ID=\(ReminderMessageID.late)"),
                let range = line.range(of: " ALMANAC_DELIVERY=")
            else { continue }
            let key = String(line[range.upperBound...].prefix { $0 != " " })
            counts[key, default: 0] += 1
            if line.contains("ALMANAC_POSSIBLE_REPEAT=1") { repeats.insert(key) }
        }
        return (counts, repeats)
    }

    /// What the runs left behind, for the checks.
    struct Outcome: Sendable {
        var kills: [String]
        var stopped: Bool
        var output: String
        var databasePath: String
        var statusCounts: DaemonStatus.DeliveryCounts?
    }

    /// Starts, kills and restarts the daemon. Runs on a thread of its own (it blocks while it
    /// waits for the child), so the tests that serve sockets on the cooperative pool keep going.
    static func scenario(_ sandbox: Sandbox) throws -> Outcome {
        let shanghai = TimeZone(identifier: "Asia/Shanghai") ?? .gmt
        let today = ZonedTime.civilDate(of: Date(), in: shanghai)
        try sandbox.write("plans/a.yaml", Self.plan(today: today))
        try sandbox.write(
            "almanac.yaml",
            """
            plans: plans/*.yaml
            state_directory: lib
            runtime_directory: run
            holidays: \(repositoryRoot)/config/holidays
            catch_up: 7d
            delivery_time: "00:00"
            shutdown_timeout: 5s

            """)
        let configuration = try sandbox.configuration()
        // Installed a week ago, so today's reminders are caught up rather than taken as history.
        do {
            let store = try SQLiteStateStore(path: configuration.databasePath)
            let installed = Date().addingTimeInterval(-6.5 * 86_400)
            if case .claimed(let row) = try store.claimDelivery(
                SchedulerCore.installationKey, dueAt: installed, late: false, at: installed)
            {
                try store.markSent(row.id, at: installed)
            }
        }
        let expected = 2 * Self.items
        let notify = try NotifyListener(in: sandbox.root)
        let environment = notify.daemonEnvironment()
        let output = sandbox.root + "/daemon.log"
        _ = FileManager.default.createFile(atPath: output, contents: nil)
        let executable = try almanacdPath()

        func counts() -> DaemonStatus.DeliveryCounts? { try? sandbox.statusFile().counts }

        // Killed at random moments: during start, during delivery, after it. The moment follows
        // the daemon's progress, not the clock: round 0 at once, before READY=1; the others after
        // READY=1 and a random number of further journal deliveries, fewer than are left (so that
        // many do come), read from the daemon's output as it writes it.
        func journalled() -> Int {
            Self.journalEntries((try? String(contentsOfFile: output, encoding: .utf8)) ?? "").counts.count
        }
        let outputWatch = try DirectoryWatch(sandbox.root)
        var kills: [String] = []
        for round in 0..<6 {
            let child = try Child(executable: executable, arguments: ["--config", sandbox.configPath], environment: environment, output: output)
            var moment = "before READY=1"
            if round > 0 {
                _ = notify.receive(until: "READY=1", timeout: 90)
                let before = journalled()
                let more = Int.random(in: 0...max(0, min(Self.items - before - 1, 40)))
                try? outputWatch.wait("\(more) more journal deliveries", hangGuard: .seconds(300)) { journalled() >= before + more }
                moment = "after READY=1 and \(more) more journal deliveries"
            }
            child.send(SIGKILL)
            _ = child.waitForExit(timeout: 30)
            kills.append("round \(round): \(moment), counts then \(String(describing: counts()))")
            // The child has exited: what it sent is all queued.
            while notify.receive(timeout: 0) != nil {}
        }

        // A last run delivers what is left; wait until every delivery is settled.
        // status.json is replaced (renamed into run/) at each change: the directory is watched.
        let watch = try DirectoryWatch(sandbox.root + "/run")
        let last = try Child(executable: executable, arguments: ["--config", sandbox.configPath], environment: environment, output: output)
        try? watch.wait("every delivery settled", hangGuard: .seconds(600)) {
            guard let counts = counts() else { return false }
            return counts.sent + counts.missed == expected && counts.inDoubt == 0
        }
        last.send(SIGTERM)
        let stopped = last.waitForExit(timeout: 60)
        return Outcome(
            kills: kills, stopped: stopped, output: output, databasePath: configuration.databasePath,
            statusCounts: counts())
    }

    @Test func killedAtRandomMomentsDeliversEveryReminderOnce() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.cleanup() }
        let outcome = try await offPool { try Self.scenario(sandbox) }
        let kills = outcome.kills
        let output = outcome.output
        let expected = 2 * Self.items
        #expect(outcome.stopped)
        let log = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
        let final = try #require(outcome.statusCounts, "no status.json counts; kills: \(kills)")
        #expect(final.sent + final.missed == expected, "kills: \(kills)")
        #expect(final.inDoubt == 0 && final.failed == 0)

        // The store: every journal and mail delivery of every item is settled once.
        let store = try SQLiteStateStore(path: outcome.databasePath)
        let rows = try store.deliveries(dueSince: .distantPast).filter { $0.key.occurrenceID != "*" }
        #expect(rows.count == expected)
        #expect(Set(rows.map(\.key)).count == expected)
        #expect(rows.allSatisfy { $0.state == .sent || $0.state == .missed })

        // The journal channel: every delivery recorded as sent has its entry (none lost); a key
        // with two entries only when the second says it may be a repeat.
        let journal = Self.journalEntries(log)
        let sentJournal = rows.filter { $0.key.channel == "journal" && $0.state == .sent }.map(\.key.description)
        #expect(!sentJournal.isEmpty)
        for key in sentJournal {
            let count = journal.counts[key] ?? 0
            #expect(count == 1 || (count == 2 && journal.possibleRepeats.contains(key)), "\(key): \(count) entries; kills: \(kills)")
        }
        #expect(Set(journal.counts.keys) == Set(sentJournal))
        // Mail: each sent delivery queued exactly one message.
        let sentMail = rows.filter { $0.key.channel == "mail" && $0.state == .sent }.count
        let outbox = try store.mailCounts().values.reduce(0, +)
        #expect(outbox == sentMail)
    }
}
