import AlmanacCalendar
import AlmanacFeeds
import AlmanacPlan
import AlmanacStore
import Foundation
import Glibc
import Logging
import ServiceLifecycle

/// Writes what almanac publishes for other tools into the runtime directory, each file atomically:
/// `feeds/plan.ics`, `feeds/unit-<id>.ics`, `feeds/holidays.ics`, `status.html` and
/// `almanac.prom` (see docs/feeds.md). The SEQUENCE table of the feeds is kept in
/// `<state>/feed-sequences.json`.
public actor FeedPublisher {
    let logger: Logger
    private var work: WorkCalendar?
    private var sequences: FeedSequences?
    private var lastError: String?

    /// How many upcoming reminders the page lists.
    static let reminderCount = 10
    /// How far back occurrences count as overdue when not marked done.
    static let overdueWindow = 90

    public init(logger: Logger) {
        self.logger = logger
    }

    /// Everything written by one ``publish(controller:)``, for tests and logs.
    public struct Written: Sendable, Hashable {
        public var files: [String]
        public var problems: [String]
    }

    /// Gathers the plan, the store and the status from the controller and writes every file.
    @discardableResult
    public func publish(controller: DaemonController) async -> Written {
        let configuration = await controller.configuration
        let status = await controller.status()
        let loaded = await controller.plan
        let store = controller.store
        let now = status.daemon.updatedAt
        if work == nil {
            work = SchedulerService.loadHolidays(configuration.holidays, logger: logger)
        }
        let work = self.work ?? .weekendsOnly
        let inputs = Self.gather(
            plan: loaded?.plan, status: status, store: store, work: work, now: now,
            deliveryMinutes: configuration.deliveryTime)
        var files: [String] = []
        var failures: [String] = []
        func write(_ text: String, _ path: String) {
            do {
                try AtomicFile.write(Data(text.utf8), to: path)
                files.append(path)
            } catch {
                failures.append("\(error)")
            }
        }
        let runtime = configuration.runtimeDirectory
        let feeds = runtime + "/feeds"
        do {
            try FileManager.default.createDirectory(atPath: feeds, withIntermediateDirectories: true)
        } catch {
            failures.append("cannot create \(feeds): \(error.localizedDescription)")
        }
        var sequences = loadSequences(configuration.stateDirectory)
        if let plan = loaded?.plan {
            // DTSTAMP is the plan's load time, so an unchanged plan gives unchanged feeds.
            let builder = PlanFeedBuilder(plan: plan, stamp: loaded?.loadedAt ?? now, checklists: inputs.completions)
            write(builder.feed(entries: inputs.feedEntries, sequences: &sequences), feeds + "/plan.ics")
            for unit in plan.units {
                let id = unit.id.value
                // Unit ids become file names: keep them to a safe alphabet.
                guard id.unicodeScalars.allSatisfy({ $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "-_.".unicodeScalars.contains($0)) }),
                    !id.hasPrefix(".")
                else { continue }
                write(builder.feed(entries: inputs.feedEntries, unit: id, sequences: &sequences), feeds + "/unit-\(id).ics")
            }
        }
        write(HolidayFeed.feed(work: work, stamp: loaded?.loadedAt ?? now), feeds + "/holidays.ics")
        saveSequences(sequences, configuration.stateDirectory, failures: &failures)
        write(StatusPage.render(inputs.page), runtime + "/status.html")
        write(PrometheusText.render(inputs.metrics), runtime + "/almanac.prom")
        let problem = failures.first
        if problem != lastError {
            if let problem {
                logger.error("cannot write the published files", metadata: ["error": "\(problem)"])
            } else if lastError != nil {
                logger.notice("published files writable again")
            }
            lastError = problem
        }
        return Written(files: files, problems: failures)
    }

    /// Forgets the cached holiday tables (after a reload, which may change the directory).
    public func invalidateHolidays() {
        work = nil
    }

    func loadSequences(_ stateDirectory: String) -> FeedSequences {
        if let sequences { return sequences }
        let path = stateDirectory + "/feed-sequences.json"
        let loaded = FileManager.default.contents(atPath: path).flatMap { try? JSONDecoder().decode(FeedSequences.self, from: $0) }
        return loaded ?? FeedSequences()
    }

    func saveSequences(_ new: FeedSequences, _ stateDirectory: String, failures: inout [String]) {
        guard new != sequences else { return }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        do {
            let data = try encoder.encode(new)
            try AtomicFile.write(data, to: stateDirectory + "/feed-sequences.json", mode: 0o640)
            sequences = new
        } catch {
            failures.append("feed sequences: \(error)")
        }
    }

    /// What the three outputs need, computed from the plan, the status and the store.
    struct Inputs {
        var feedEntries: [AgendaEntry]
        var completions: [String: ChecklistCompletion]
        var page: StatusPageModel
        var metrics: MetricsSnapshot
    }

    static let shanghai = TimeZone(identifier: "Asia/Shanghai") ?? TimeZone(secondsFromGMT: 8 * 3600) ?? .gmt

    /// The civil day of `instant` in `zone`.
    static func civilDay(_ instant: Date, zone: TimeZone) -> CivilDate {
        let seconds = Int(instant.timeIntervalSince1970) + zone.secondsFromGMT(for: instant)
        return CivilDate(dayNumber: Int((Double(seconds) / 86_400).rounded(.down)))
    }

    /// The instant of `day` at `minutes` after midnight in `zone`.
    static func instant(_ day: CivilDate, minutes: Int, zone: TimeZone) -> Date {
        let local = Double(day.dayNumber * 86_400 + minutes * 60)
        let guess = Date(timeIntervalSince1970: local)
        return Date(timeIntervalSince1970: local - Double(zone.secondsFromGMT(for: guess)))
    }

    static func gather(
        plan: Plan?, status: DaemonStatus, store: any StateStore, work: WorkCalendar, now: Date, deliveryMinutes: Int
    ) -> Inputs {
        let zone = plan.flatMap { TimeZone(identifier: $0.info.timezone.value) } ?? shanghai
        let today = civilDay(now, zone: zone)
        let context = RuleContext(workCalendar: work)
        var problems: [(code: String, message: String)] = status.problems.map { ($0.code, $0.message) }
        var feedEntries: [AgendaEntry] = []
        var completions: [String: ChecklistCompletion] = [:]
        var inspections: [InspectionProgress] = []
        var monthEntries: [AgendaEntry] = []
        var active: [AgendaEntry] = []
        var reminders: [UpcomingReminder] = []
        var overdue = 0
        var checklistMetrics: [MetricsSnapshot.ChecklistMetric] = []
        var unitNames: [String: String] = [:]

        if let plan {
            for unit in plan.units { unitNames[unit.id.value] = unit.name.value }
            // The feeds cover last year through next year: enough for calendar apps, bounded work.
            let year = today.year
            if let first = CivilDate(year: year - 1, month: 1, day: 1), let last = CivilDate(year: year + 1, month: 12, day: 31) {
                feedEntries = PlanExpansion.entries(of: plan, in: first...last, context: context).entries
            }
            let monthStart = today.startOfMonth
            let monthEnd = today.endOfMonth
            monthEntries = feedEntries.filter { $0.start <= monthEnd && $0.end >= monthStart }
            active = feedEntries.filter { $0.isWindow && $0.start <= today && $0.end >= today }

            // Checklists: progress from the store against the totals of the plan.
            let builder = PlanFeedBuilder(plan: plan, stamp: now)
            for entry in feedEntries {
                guard let checklist = builder.checklist(for: entry) else { continue }
                let occurrence = PlanFeedBuilder.occurrenceID(entry)
                var progress: [String: IndicatorProgress] = [:]
                for p in (try? store.checklistProgress(occurrenceID: occurrence)) ?? [] {
                    progress[p.entryID] = IndicatorProgress(code: p.entryID, status: indicatorStatus(p.state), evidence: p.evidence)
                }
                let completion = ChecklistCompletion(summary: ChecklistSummary(checklist, progress: progress))
                let done = completion.done
                let units = completion.units
                completions[occurrence] = completion
                checklistMetrics.append(.init(checklist: checklist.id.value, occurrence: occurrence, done: done, total: completion.total))
                // The page shows the checklists of this year and the next.
                guard entry.end.year >= year else { continue }
                inspections.append(
                    InspectionProgress(
                        checklistID: checklist.id.value, checklistTitle: checklist.title.value, due: entry.end, unit: nil,
                        unitName: "合计", done: done, total: completion.total))
                for unit in units.keys.sorted() {
                    let share = units[unit] ?? .init(done: 0, total: 0)
                    inspections.append(
                        InspectionProgress(
                            checklistID: checklist.id.value, checklistTitle: checklist.title.value, due: entry.end, unit: unit,
                            unitName: unitNames[unit] ?? unit, done: share.done, total: share.total))
                }
            }

            // Upcoming reminders from the plan's lead times (what the scheduler will send).
            var upcoming: [(Date, UpcomingReminder)] = []
            for entry in feedEntries where entry.start >= today && entry.start <= today.adding(days: 180) {
                guard let item = plan.item(entry.itemID) else { continue }
                let policy = plan.reminderPolicy(for: item)
                let minutes = policy.time.map { $0.value.hour * 60 + $0.value.minute } ?? deliveryMinutes
                for r in PlanExpansion.reminders(for: entry, policy: policy, work: work) {
                    let at = instant(r.date, minutes: minutes, zone: zone)
                    guard at > now else { continue }
                    upcoming.append(
                        (at, UpcomingReminder(
                            date: r.date, time: ClockTime(hour: minutes / 60, minute: minutes % 60),
                            occurrenceID: PlanFeedBuilder.occurrenceID(entry), title: entry.title, lead: r.lead.description,
                            owners: entry.owners)))
                }
            }
            upcoming.sort { $0.0 < $1.0 }
            reminders = upcoming.prefix(reminderCount).map(\.1)

            // Overdue: things to be done whose last day has passed without a done mark.
            let doneKinds: Set<ItemKind> = [.deadline, .inspection, .task]
            for entry in feedEntries
            where doneKinds.contains(entry.kind) && entry.end < today && entry.end >= today.adding(days: -overdueWindow) {
                let state = try? store.markState(occurrenceID: PlanFeedBuilder.occurrenceID(entry))
                if state?.done != true { overdue += 1 }
            }

            if plan.info.holidays.value == "cn" {
                for y in [year, year + 1] where !work.hasTable(for: y) {
                    problems.append(("holiday-table-missing", "\(y) 年没有官方放假安排表，工作日按周一至周五计算"))
                }
            }
        }

        // Deliveries and the outbox.
        var sent: [String: Int] = [:]
        var failed: [String: Int] = [:]
        for d in (try? store.deliveries(dueSince: .distantPast)) ?? [] where d.key.channel != "scheduler" {
            switch d.state {
            case .sent: sent[d.key.channel, default: 0] += 1
            case .failed: failed[d.key.channel, default: 0] += 1
            case .pending, .missed: break
            }
        }
        var outbox: [String: Int] = [:]
        for (state, count) in (try? store.mailCounts()) ?? [:] { outbox[state.rawValue] = count }
        if let n = outbox["failed"], n > 0 {
            problems.append(("mail-failed", "\(n) 封邮件发送失败，已放弃重试"))
        }
        if let n = failed["mail"], n > 0 {
            problems.append(("mail-delivery-failed", "\(n) 条邮件提醒发送失败"))
        }

        let page = StatusPageModel(
            generatedAt: now, today: today, planName: plan?.info.name.value, summary: status.daemon.summary,
            monthEntries: monthEntries, dayKinds: Dictionary(
                uniqueKeysWithValues: (today.startOfMonth...today.endOfMonth).map { ($0, work.dayKind($0)) }),
            nextReminders: reminders, activeCampaigns: active, inspections: inspections, problems: problems,
            unitNames: unitNames)
        let nextReminder: Date? = reminders.first.map {
            instant($0.date, minutes: ($0.time?.hour ?? 9) * 60 + ($0.time?.minute ?? 0), zone: zone)
        }
        let metrics = MetricsSnapshot(
            sentByChannel: sent, failedByChannel: failed, outbox: outbox, nextReminder: nextReminder, overdue: overdue,
            checklists: checklistMetrics, planLoadSeconds: status.lastReload.map { $0.durationMs / 1000 },
            planItems: status.plan?.items, lastReloadAccepted: status.lastReload?.accepted,
            lastReloadAt: status.lastReload?.at, generatedAt: now)
        return Inputs(feedEntries: feedEntries, completions: completions, page: page, metrics: metrics)
    }

    /// The store's progress states in the checklist model's terms (`done` and `not-applicable`,
    /// the generic states, count as accepted).
    static func indicatorStatus(_ state: ChecklistProgress.State) -> IndicatorStatus {
        switch state {
        case .open: .open
        case .inProgress: .inProgress
        case .submitted: .submitted
        case .accepted, .done, .notApplicable: .accepted
        case .rejected: .rejected
        }
    }
}

/// Keeps the published files current without polling: writes them at start, after every write
/// of status.json (which the controller makes on every reload, mark, progress entry and scheduler
/// wake-up, so deliveries are covered), and once at each local midnight (the day changes: "today",
/// this month's calendar, days left). With nothing due and nobody asking, the service sleeps until
/// midnight: no wake-ups in between.
public struct PublishService: Service {
    let controller: DaemonController
    let publisher: FeedPublisher
    let zone: TimeZone

    /// - Parameter zone: Where the day changes; Asia/Shanghai when `nil`.
    public init(controller: DaemonController, publisher: FeedPublisher, zone: TimeZone? = nil) {
        self.controller = controller
        self.publisher = publisher
        self.zone = zone ?? FeedPublisher.shanghai
    }

    enum Wake: Sendable { case statusWritten, midnight }

    public func run() async throws {
        let (wakes, continuation) = AsyncStream.makeStream(of: Wake.self, bufferingPolicy: .bufferingNewest(1))
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                for await _ in controller.statusWrites { continuation.yield(.statusWritten) }
                continuation.finish()
            }
            group.addTask { [zone] in
                while !Task.isCancelled {
                    let now = Date()
                    let wait = Self.secondsUntilMidnight(after: now, zone: zone)
                    do { try await Task.sleep(for: .seconds(wait)) } catch { break }
                    continuation.yield(.midnight)
                }
            }
            await publisher.publish(controller: controller)
            var lastPlan = await Self.planKey(controller)
            for await _ in wakes.cancelOnGracefulShutdown() {
                let plan = await Self.planKey(controller)
                if plan != lastPlan {
                    await publisher.invalidateHolidays()
                    lastPlan = plan
                }
                await publisher.publish(controller: controller)
            }
            continuation.finish()
            group.cancelAll()
        }
    }

    /// Changes when a reload was attempted or another plan came into force: the holiday tables
    /// are read again then.
    static func planKey(_ controller: DaemonController) async -> String {
        let status = await controller.status()
        return "\(status.daemon.reloads)|\(status.plan?.loadedAt.timeIntervalSince1970 ?? 0)"
    }

    /// Seconds from `now` to the next midnight in `zone`, plus a second so the new day has begun.
    static func secondsUntilMidnight(after now: Date, zone: TimeZone) -> Double {
        let offset = Double(zone.secondsFromGMT(for: now))
        let local = now.timeIntervalSince1970 + offset
        let nextMidnight = ((local / 86_400).rounded(.down) + 1) * 86_400
        return max(1, nextMidnight - local + 1)
    }
}
