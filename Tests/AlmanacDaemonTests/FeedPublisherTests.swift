import AlmanacCalendar
import AlmanacFeeds
import AlmanacPlan
import AlmanacStore
import Foundation
import Testing

@testable import AlmanacDaemon

/// What the publisher gathers from a plan and a real (in-memory SQLite) store: overdue items,
/// running campaigns, deliveries per channel, failed mail as a problem, checklist progress.
@Suite struct FeedPublisherTests {
    static let planText = """
        plan:
          id: t
          name: 测试
          years: [2026]
        units:
          wmb: {name: 区文明办}
          whjc: {name: 文化稽查队}
        items:
          - {id: d1, kind: deadline, title: 材料一, when: 08-10, owners: [wmb], checklist: cl}
          - {id: d2, kind: deadline, title: 材料二, when: 08-20, owners: [wmb]}
          - {id: c, kind: campaign, title: 活动, when: 08-25..09-10, owners: [whjc]}
          - {id: f, kind: festival, title: 中秋节, when: 中秋, owners: [wmb]}
        checklists:
          cl:
            title: 清单
            item: d1
            levels: [大项]
            indicators:
              - {code: A, title: a, owner: wmb}
              - {code: B, title: b, owner: wmb}
              - {code: C, title: c, owner: whjc}
        """

    /// 2026-09-01 10:00 in Shanghai.
    static let now = Date(timeIntervalSince1970: 1_788_228_000)

    /// The page and the metrics render the status model the scheduler computed (the same as
    /// status.json): overdue items, running campaigns, deliveries per channel, failed mail as a
    /// problem, checklist progress.
    @Test func pageAndMetricsRenderTheStatusModel() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.cleanup() }
        try sandbox.write("plans/a.yaml", Self.planText.replacingOccurrences(of: "years: [2026]", with: "years: [2026]\n  holidays: none"))
        let configuration = try sandbox.configuration()
        do {
            // What an earlier run left: installed on 08-01, d2 done, one reminder sent, one failed,
            // one mail given up, progress on the checklist.
            let store = try SQLiteStateStore(path: configuration.databasePath)
            let installed = Self.now.addingTimeInterval(-31 * 86_400)
            if case .claimed(let row) = try store.claimDelivery(
                DeliveryID(occurrenceID: "*", reminderID: "installed", channel: "scheduler"), dueAt: installed, late: false,
                at: installed)
            {
                try store.markSent(row.id, at: installed)
            }
            let t = Self.now.addingTimeInterval(-86_400)
            try store.recordMark(Mark(occurrenceID: "d2@2026-08-20", kind: .done, uid: 0, at: t))
            if case .claimed(let row) = try store.claimDelivery(
                DeliveryID(occurrenceID: "d1@2026-08-10", reminderID: "-1d", channel: "journal"), dueAt: t, late: false, at: t)
            {
                try store.markSent(row.id, at: t)
            }
            if case .claimed(let row) = try store.claimDelivery(
                DeliveryID(occurrenceID: "d1@2026-08-10", reminderID: "-1d", channel: "mail", recipient: "a@b"), dueAt: t, late: false,
                at: t)
            {
                try store.markFailed(row.id, at: t, error: "refused")
            }
            let id = try store.enqueueMail(
                OutboxMessage(messageID: "<1@t>", sender: "s@t", recipients: ["a@b"], subject: "x", rawMessage: "x"), delivery: nil,
                at: t)
            try store.markMailAttemptFailed(id, at: t, error: "550", retryAt: nil)
            try store.recordProgress(ChecklistProgress(occurrenceID: "d1@2026-08-10", entryID: "A", state: .accepted, uid: 0, at: t))
        }
        let daemon = try await InProcessDaemon(configuration: configuration, at: Self.now)
        let status = daemon.controller.status
        let view = daemon.controller.scheduleView
        let page = FeedPublisher.page(status: status, view: view, plan: daemon.controller.inForce, now: Self.now)
        let metrics = FeedPublisher.metrics(status: status, view: view, now: Self.now)
        await daemon.stop()

        #expect(page.today == CivilDate(iso: "2026-09-01"))
        #expect(metrics.overdue == 1)  // d1 is past and not done; d2 is done
        #expect(status.overdue.map(\.item) == ["d1"])
        #expect(page.activeCampaigns.map(\.itemID) == ["c"])
        #expect(page.activeCampaigns.map(\.itemID) == status.activeCampaigns.map(\.item))
        #expect(page.monthEntries.map(\.itemID) == ["c", "f"])
        // The prepared rows, and what the scheduler caught up at start (c's 0d of 08-25, in the
        // catch-up window; whjc has no mail address, so its mail fails): the store's counts.
        #expect(metrics.sentByChannel["journal"] == view?.countsByChannel["journal"]?["sent"])
        #expect((metrics.sentByChannel["journal"] ?? 0) >= 1)
        #expect(metrics.failedByChannel["mail"] == view?.countsByChannel["mail"]?["failed"])
        #expect((metrics.failedByChannel["mail"] ?? 0) >= 1)
        #expect(metrics.outbox == ["failed": 1])
        #expect(page.problems.map(\.code) == ["mail-failed", "mail-delivery-failed"])
        #expect(page.problems.map(\.code) == status.problems.map(\.code))
        #expect(metrics.checklists == [.init(checklist: "cl", occurrence: "d1@2026-08-10", done: 1, total: 3)])
        #expect(page.inspections.map { "\($0.unitName) \($0.done)/\($0.total)" } == ["合计 1/3", "文化稽查队 0/1", "区文明办 1/2"])
        // Upcoming reminders: the scheduler's, in time order, none before now, at most ten.
        let reminders = page.nextReminders
        #expect(!reminders.isEmpty && reminders.count <= 10)
        #expect(reminders.first?.occurrenceID == "f@2026-09-25")
        #expect(metrics.nextReminder == status.nextReminders.first?.dueAt)
        #expect(metrics.nextReminder.map { $0 > Self.now } == true)
    }

    @Test func publishWritesEveryFileAtomically() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("almanac-publish-\(getpid())-\(UInt32.random(in: 0...UInt32.max))").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createDirectory(atPath: dir + "/plans", withIntermediateDirectories: true)
        try Self.planText.write(toFile: dir + "/plans/t.yaml", atomically: true, encoding: .utf8)
        var configuration = DaemonConfiguration.defaults(environment: [:])
        configuration.plans = [dir + "/plans/t.yaml"]
        configuration.stateDirectory = dir + "/state"
        configuration.runtimeDirectory = dir + "/run"
        configuration.holidays = dir + "/no-holidays"
        try FileManager.default.createDirectory(atPath: configuration.stateDirectory, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: configuration.runtimeDirectory, withIntermediateDirectories: true)
        let controller = DaemonController(
            configuration: configuration, store: .success(try SQLiteStateStore()), logger: quietLogger)
        await controller.start(controlActivated: false)
        let written = await FeedPublisher(logger: quietLogger).publish(controller: controller, feeds: .plan)
        #expect(written.problems == [])
        let names = Set(written.files.map { ($0 as NSString).lastPathComponent })
        #expect(names == ["plan.ics", "unit-wmb.ics", "unit-whjc.ics", "holidays.ics", "status.html", "almanac.prom"])
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: configuration.runtimeDirectory + "/feeds")
            .filter { $0.hasSuffix(".tmp") }
        #expect(leftovers == [])
        let sequences = try JSONDecoder().decode(
            FeedSequences.self, from: Data(contentsOf: URL(fileURLWithPath: configuration.stateDirectory + "/feed-sequences.json")))
        #expect(sequences.entries["c-20260825.t@almanac"]?.sequence == 0)
    }

    /// The test plan (no holiday table) in `sandbox`, and a controller started on it.
    static func startedController(_ sandbox: Sandbox) async throws -> (DaemonConfiguration, DaemonController) {
        try sandbox.write("plans/a.yaml", planText.replacingOccurrences(of: "years: [2026]", with: "years: [2026]\n  holidays: none"))
        let configuration = try sandbox.configuration()
        let controller = DaemonController(
            configuration: configuration, store: .success(try SQLiteStateStore(path: configuration.databasePath)), logger: quietLogger)
        await controller.start(controlActivated: false)
        return (configuration, controller)
    }

    /// Once the daemon is stopping (STOPPING=1), the publisher builds no feeds (SIGTERM does not wait for the
    /// feeds of a large plan, nor for reading their SEQUENCE table): no feed file, none
    /// half-written, no problem reported; the status page and the metrics are still written.
    @Test func aStoppingPublisherWritesNoFeeds() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.cleanup() }
        let (configuration, controller) = try await Self.startedController(sandbox)
        let publisher = FeedPublisher(logger: quietLogger)
        await controller.beginShutdown()
        let written = await publisher.publish(controller: controller, feeds: .plan)
        #expect(written.problems == [])
        let names = Set(written.files.map { ($0 as NSString).lastPathComponent })
        #expect(names == ["status.html", "almanac.prom"])
        let feeds = try FileManager.default.contentsOfDirectory(atPath: configuration.runtimeDirectory + "/feeds")
        #expect(feeds.isEmpty)
    }

    /// A feed build abandoned at a stop may leave a temporary file: the next process removes
    /// other processes' before its first build, and keeps the feeds and its own.
    @Test func temporaryFilesOfEarlierProcessesAreRemoved() throws {
        let sandbox = try Sandbox()
        defer { sandbox.cleanup() }
        let directory = sandbox.root + "/feeds"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let own = ".plan.ics.\(getpid()).tmp"
        for name in ["plan.ics", "wmb.ics", ".plan.ics.999999.tmp", ".wmb.ics.4242.tmp", own] {
            FileManager.default.createFile(atPath: directory + "/" + name, contents: Data("x".utf8))
        }
        FeedPublisher.removeTemporaryFiles(in: directory)
        #expect(Set(try FileManager.default.contentsOfDirectory(atPath: directory)) == ["plan.ics", "wmb.ics", own])
    }

    /// Recording progress rewrites only the feeds' to-dos, and the files come out exactly as a
    /// full build would write them (SEQUENCE of the changed to-do raised, the events untouched).
    @Test func progressRewritesTheTodosAsAFullBuildWould() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.cleanup() }
        let (configuration, controller) = try await Self.startedController(sandbox)
        let feeds = configuration.runtimeDirectory + "/feeds/"
        func read(_ name: String) -> String { (try? String(contentsOfFile: feeds + name, encoding: .utf8)) ?? "" }
        let publisher = FeedPublisher(logger: quietLogger)
        #expect(await publisher.publish(controller: controller, feeds: .plan).problems == [])
        let before = read("unit-whjc.ics")
        #expect(before.contains("PERCENT-COMPLETE:0"))

        try controller.store.recordProgress(
            ChecklistProgress(occurrenceID: "d1@2026-08-10", entryID: "C", state: .accepted, uid: 0, at: Self.now))
        let incremental = await publisher.publish(controller: controller, feeds: .progress)
        #expect(incremental.problems == [])
        let names = Set(incremental.files.map { ($0 as NSString).lastPathComponent })
        // Only the feeds whose to-dos changed: whjc owns C; wmb's share (A, B) is as it was.
        #expect(names == ["plan.ics", "unit-whjc.ics", "status.html", "almanac.prom"])
        let rewritten = ["plan.ics", "unit-wmb.ics", "unit-whjc.ics"].map(read)
        #expect(rewritten[2] != before)
        #expect(rewritten[2].contains("PERCENT-COMPLETE:100"))

        // The same progress, built from scratch by another publisher from the same SEQUENCE table.
        let full = await FeedPublisher(logger: quietLogger).publish(controller: controller, feeds: .plan)
        #expect(full.problems == [])
        #expect(["plan.ics", "unit-wmb.ics", "unit-whjc.ics"].map(read) == rewritten)

        // A feed file that is not as written (here: gone) makes the next change build them all.
        try FileManager.default.removeItem(atPath: feeds + "unit-wmb.ics")
        try controller.store.recordProgress(
            ChecklistProgress(occurrenceID: "d1@2026-08-10", entryID: "A", state: .accepted, uid: 0, at: Self.now))
        #expect(await publisher.publish(controller: controller, feeds: .progress).problems == [])
        #expect(read("unit-wmb.ics").contains("BEGIN:VEVENT"))
        await controller.beginShutdown()
    }

    /// Each feed file, put together from the events rendered once, is the builder's document for
    /// that feed (the plan's and each unit's: its events, its to-dos, the frame around them).
    @Test func eachFeedFileIsTheBuildersDocument() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.cleanup() }
        let (configuration, controller) = try await Self.startedController(sandbox)
        #expect(await FeedPublisher(logger: quietLogger).publish(controller: controller, feeds: .plan).problems == [])
        let plan = try #require(controller.generation.plan)
        let today = plan.today(at: controller.status.daemon.updatedAt)
        let range = CivilDate(year: today.year - 1, month: 1, day: 1)!...CivilDate(year: today.year + 1, month: 12, day: 31)!
        let entries = PlanExpansion.expand(plan.plan, in: range, context: plan.context, explain: true).entries
        let builder = PlanFeedBuilder(plan: plan.plan, stamp: plan.loadedAt)
        var sequences = FeedSequences()
        for (unit, name) in [(nil, "plan.ics"), ("wmb", "unit-wmb.ics"), ("whjc", "unit-whjc.ics")] as [(String?, String)] {
            let expected = builder.feed(entries: entries, unit: unit, sequences: &sequences)
            let written = try String(contentsOfFile: configuration.runtimeDirectory + "/feeds/" + name, encoding: .utf8)
            #expect(written == expected, "\(name)")
        }
        await controller.beginShutdown()
    }

    /// `limits.feed_events` counts the events of all the feeds together: an event owned by two
    /// units is in three feeds. Over the limit, the feeds start a month before today and run as
    /// far forward as the limit allows, and say so; under it they cover last year to next year.
    @Test func theFeedLimitCountsEveryFeedsEvents() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.cleanup() }
        try sandbox.write("plans/a.yaml", """
            plan:
              id: t
              name: 测试
              years: [2025, 2026, 2027]
              holidays: none
            units:
              wmb: {name: 区文明办}
              whjc: {name: 文化稽查队}
            items:
              - {id: w, kind: recurring-check, title: 网吧检查, when: weekly mon, owners: [wmb], participants: [whjc]}
              - {id: y, kind: deadline, title: 材料, when: 08-10, owners: [wmb]}
            """)
        let configuration = try sandbox.configuration()
        let controller = DaemonController(
            configuration: configuration, store: .success(try SQLiteStateStore(path: configuration.databasePath)), logger: quietLogger)
        await controller.start(controlActivated: false)
        let plan = try #require(controller.generation.plan)
        let today = try #require(CivilDate(year: 2026, month: 9, day: 1))
        func events(_ parts: FeedPublisher.FeedParts) -> Int { parts.feeds.values.reduce(0) { $0 + $1.count } }

        // Three years: 156 Mondays in three feeds each, 3 deadlines in two.
        let whole = try #require(FeedPublisher.build(plan, today: today, limit: 10_000, sequences: FeedSequences()))
        #expect(whole.note == nil)
        #expect(events(whole) == 156 * 3 + 3 * 2)
        #expect(whole.entries.first?.start == CivilDate(year: 2025, month: 1, day: 6))

        let cut = try #require(FeedPublisher.build(plan, today: today, limit: 60, sequences: FeedSequences()))
        #expect(events(cut) <= 60)
        #expect(events(cut) > 50)
        #expect(cut.note?.contains("limits.feed_events") == true)
        #expect(cut.entries.allSatisfy { $0.start >= CivilDate(year: 2026, month: 8, day: 2)! })
        #expect(cut.feeds["wmb"]?.count == cut.entries.count)
        #expect(cut.feeds["whjc"]?.count == cut.entries.filter { $0.itemID == "w" }.count)
        await controller.beginShutdown()
    }

    /// The publisher sleeps until the next midnight in Shanghai, plus a second: from 10:00 that is
    /// 14 hours; from 23:59:59.5 it is one and a half seconds.
    @Test func sleepsUntilMidnight() {
        let zone = TimeZone(secondsFromGMT: 8 * 3600) ?? .gmt
        #expect(PublishService.secondsUntilMidnight(after: Self.now, zone: zone) == 14 * 3600 + 1)
        // 2026-09-01 23:59:59.5 in Shanghai.
        let late = Date(timeIntervalSince1970: 1_788_278_399.5)
        #expect(PublishService.secondsUntilMidnight(after: late, zone: zone) == 1.5)
    }
}
