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

    func status(problems: [DaemonStatus.Problem] = []) -> DaemonStatus {
        DaemonStatus(
            daemon: .init(
                state: .running, pid: 1, version: "t", config: "/c", startedAt: Self.now, updatedAt: Self.now, reloads: 0,
                summary: "plan 测试"),
            plan: .init(name: "测试", files: ["/p"], items: 4, loadedAt: Self.now, warnings: []), lastReload: nil,
            store: .init(path: "/s", mode: "file"), control: .init(socket: "/x", activated: false), problems: problems)
    }

    @Test func gathersFromPlanAndStore() throws {
        let plan = try #require(PlanLoader.load(fileName: "t.yaml", text: Self.planText).plan)
        let store = try SQLiteStateStore()
        let t = Self.now.addingTimeInterval(-86_400)
        try store.recordMark(Mark(occurrenceID: "d2@2026-08-20", kind: .done, uid: 0, at: t))
        if case .claimed(let row) = try store.claimDelivery(
            DeliveryID(occurrenceID: "d1@2026-08-10", reminderID: "-1d", channel: "journal"), dueAt: t, late: false, at: t)
        {
            try store.markSent(row.id, at: t)
        }
        if case .claimed(let row) = try store.claimDelivery(
            DeliveryID(occurrenceID: "d1@2026-08-10", reminderID: "-1d", channel: "mail", recipient: "a@b"), dueAt: t, late: false, at: t)
        {
            try store.markFailed(row.id, at: t, error: "refused")
        }
        let id = try store.enqueueMail(
            OutboxMessage(messageID: "<1@t>", sender: "s@t", recipients: ["a@b"], subject: "x", rawMessage: "x"), delivery: nil, at: t)
        try store.markMailAttemptFailed(id, at: t, error: "550", retryAt: nil)
        try store.recordProgress(ChecklistProgress(occurrenceID: "d1@2026-08-10", entryID: "A", state: .accepted, uid: 0, at: t))

        let inputs = FeedPublisher.gather(
            plan: plan, status: status(), store: store, work: .weekendsOnly, now: Self.now, deliveryMinutes: 9 * 60)

        #expect(inputs.page.today == CivilDate(iso: "2026-09-01"))
        #expect(inputs.metrics.overdue == 1)  // d1 is past and not done; d2 is done
        #expect(inputs.page.activeCampaigns.map(\.itemID) == ["c"])
        #expect(inputs.page.monthEntries.map(\.itemID) == ["c", "f"])
        #expect(inputs.metrics.sentByChannel == ["journal": 1])
        #expect(inputs.metrics.failedByChannel == ["mail": 1])
        #expect(inputs.metrics.outbox == ["failed": 1])
        #expect(inputs.page.problems.map(\.code) == [
            "holiday-table-missing", "holiday-table-missing", "mail-failed", "mail-delivery-failed",
        ])
        #expect(inputs.completions["d1@2026-08-10"] == ChecklistCompletion(
            done: 1, total: 3, units: ["wmb": .init(done: 1, total: 2), "whjc": .init(done: 0, total: 1)]))
        #expect(inputs.metrics.checklists == [.init(checklist: "cl", occurrence: "d1@2026-08-10", done: 1, total: 3)])
        #expect(inputs.page.inspections.map { "\($0.unitName) \($0.done)/\($0.total)" } == ["合计 1/3", "文化稽查队 0/1", "区文明办 1/2"])
        // Upcoming reminders: in time order, none before now, at most ten.
        let reminders = inputs.page.nextReminders
        #expect(!reminders.isEmpty && reminders.count <= 10)
        let instants = reminders.map {
            FeedPublisher.instant($0.date, minutes: ($0.time?.hour ?? 0) * 60 + ($0.time?.minute ?? 0), zone: FeedPublisher.shanghai)
        }
        #expect(instants == instants.sorted())
        #expect(instants.allSatisfy { $0 > Self.now })
        #expect(inputs.metrics.nextReminder == instants.first)
    }

    @Test func civilDayAndInstantInShanghai() {
        let zone = FeedPublisher.shanghai
        // 2026-09-01T16:30Z is 00:30 on 2 September in Shanghai.
        #expect(FeedPublisher.civilDay(Date(timeIntervalSince1970: 1_788_280_200), zone: zone) == CivilDate(iso: "2026-09-02"))
        #expect(FeedPublisher.instant(CivilDate(iso: "2026-09-01")!, minutes: 600, zone: zone) == Self.now)
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
        let written = await FeedPublisher(logger: quietLogger).publish(controller: controller)
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
