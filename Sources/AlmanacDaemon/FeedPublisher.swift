import AlmanacCalendar
import AlmanacFeeds
import AlmanacHost
import AlmanacPlan
import AlmanacRobots
import AlmanacStore
import Foundation
import Glibc
import Logging
import ServiceLifecycle
import Synchronization

/// Writes what almanac publishes for other tools into the runtime directory, each file atomically:
/// `feeds/plan.ics`, `feeds/unit-<id>.ics`, `feeds/holidays.ics`, `status.html` and
/// `almanac.prom` (see docs/feeds.md). The SEQUENCE table of the feeds is kept in
/// `<state>/feed-sequences.json`.
///
/// The page and the metrics render the status the daemon composed (the same model as status.json
/// and the control `status`); they are written after every change of it. The feeds depend on the
/// plan and the checklist progress only: they are built (off the cooperative pool, each event
/// rendered once for the plan's feed and its units' feeds) when the plan changes and at midnight,
/// written, and not kept in memory. A change of checklist progress only rewrites the checklist
/// to-dos at the end of each feed file: the events before them are kept as they are on disk, so
/// recording progress never expands or renders the plan again.
public actor FeedPublisher {
    /// Whether the feed directory may still hold temporary files of an earlier process (a feed
    /// build abandoned at a stop): removed before the first build.
    private var removeLeftovers = true

    /// Removes `.NAME.PID.tmp` files (``AtomicFile``'s) of other processes from `directory`.
    static func removeTemporaryFiles(in directory: String) {
        let own = ".\(getpid()).tmp"
        for name in (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        where name.hasPrefix(".") && name.hasSuffix(".tmp") && !name.hasSuffix(own) {
            unlink(directory + "/" + name)
        }
    }
    let logger: Logger
    /// The SHA-256 of the SEQUENCE table this daemon last wrote to `<state>/feed-sequences.json`
    /// (nil until the first write). The table itself stays in that file between feed builds: read
    /// for a build, written back when it changed; 20,000 events are 4 MB an idle daemon need not hold.
    private var savedSequencesDigest: [UInt8]?
    private var lastError: String?
    /// The plan generation and year of the feeds last written.
    private var built: BuiltFeeds?

    public init(logger: Logger) {
        self.logger = logger
    }

    /// Everything written by one ``publish(controller:feeds:)``, for tests and logs.
    public struct Written: Sendable, Hashable {
        public var files: [String]
        public var problems: [String]
    }

    /// Which plan generation and year the feeds on disk were built for, and what a change of
    /// progress needs to rewrite their to-dos.
    struct BuiltFeeds: Sendable {
        var generation: Int
        /// The year of "today" the range was chosen for.
        var year: Int
        /// The entries of the feed range that have a checklist (few: the to-dos' entries).
        var withChecklist: [AgendaEntry]
        /// The feeds written: `""` for the plan's, else the unit id.
        var feeds: [String]
    }

    /// What changed since the feeds were last written; a later change includes the earlier.
    public enum FeedChange: Int, Sendable, Comparable {
        case none, progress, plan

        public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
    }

    /// The feeds' parts, built for one publish (``build(_:today:limit:sequences:)``).
    struct FeedParts: Sendable {
        var builder: PlanFeedBuilder
        /// Entries of the feed range, with a checklist or not.
        var entries: [AgendaEntry]
        /// Entries that have a checklist to-do.
        var withChecklist: [AgendaEntry]
        /// Each entry's VEVENT, rendered once, in the order of `entries`.
        var texts: [String]
        /// The feeds: `""` the plan's (every event), else a unit id with the indices of its events
        /// in `texts`. A feed's text is put together only when its file is written, one at a time:
        /// the feeds of 1,000 units were 90 MB of text held at once beside the plan's 43 MB.
        var feeds: [String: [Int]]
        var sequences: FeedSequences
        /// Set when the feeds cover less than last year to next year (`limits.feed_events`).
        var note: String?
    }

    /// Writes every file from the controller's status and plan in force. `feeds`: what changed
    /// since the last call: the plan (the feeds are built again), the progress (their to-dos are
    /// rewritten), or nothing (only the page and the metrics are written).
    @discardableResult
    public func publish(controller: DaemonController, feeds change: FeedChange) async -> Written {
        let configuration = await controller.configuration
        let status = controller.status
        let generation = controller.generation
        let now = status.daemon.updatedAt
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
        // Once the daemon stops, the feeds stay as they are on disk (a build takes seconds on a
        // large plan, and the next start builds them again); the page and the metrics are written.
        let plan = generation.plan
        let stopping = controller.stopping
        let feedsPlan = stopping.isCancelled ? nil : plan
        let today = feedsPlan.map { $0.today(at: now) }
        let stale = built?.generation != generation.number || built?.year != today?.year
        if let plan = feedsPlan, let today, change == .progress, !stale, let built {
            let start = loadSequences(configuration.stateDirectory)
            let store = controller.store
            let written = await BlockingWork.run("almanac-feeds", priority: .background) { _ in
                Self.rewriteTodos(plan, built: built, sequences: start, store: store, directory: feeds)
            }
            if let written {
                files += written.files
                failures += written.failures
                saveSequences(written.sequences, configuration.stateDirectory, failures: &failures)
            } else {
                self.built = nil  // a feed on disk is not as written: build them all again
            }
        }
        if let plan = feedsPlan, let today, change == .plan || stale || built == nil {
            // Built, completed with the checklist progress and rendered on a thread of their own,
            // then written; nothing of them is kept but the SEQUENCE table and the few entries
            // with to-dos, so the idle daemon does not hold a second copy of the plan as text.
            let start = loadSequences(configuration.stateDirectory)
            let limit = configuration.limits.feedEvents
            let store = controller.store
            if removeLeftovers {
                removeLeftovers = false
                Self.removeTemporaryFiles(in: feeds)
            }
            // At a lower priority, and abandoned when the daemon stops (a stop does not wait for
            // it: the files on disk stay as they were, the next start builds them again; a file
            // cut off in the middle is a temporary one, removed then).
            let outcome = await BlockingWork.abandonable("almanac-feeds", priority: .background, stop: stopping) { flag in
                let written = Self.writeFeeds(
                    plan, today: today, limit: limit, sequences: start, store: store, directory: feeds,
                    isCancelled: { flag.isCancelled })
                // The feeds' text is on disk and gone from memory: give that memory back (not when
                // stopping: trimming a large heap takes a while, and the process is about to end).
                if !written.cancelled { MemoryRelease.trim() }
                return written
            }
            let written = outcome ?? WrittenFeeds(sequences: start, cancelled: true)
            if stale, let note = written.note {
                logger.warning("the published feeds are cut short", metadata: ["ALMANAC_FEEDS": "\(note)"])
            }
            built = written.failures.isEmpty && !written.cancelled
                ? BuiltFeeds(generation: generation.number, year: today.year, withChecklist: written.withChecklist, feeds: written.feeds)
                : nil
            files += written.files
            failures += written.failures
            if outcome != nil {
                write(HolidayFeed.feed(work: plan.work, stamp: plan.loadedAt), feeds + "/holidays.ics")
            }
            // Unchanged since it was read, and this daemon wrote that file: nothing to write.
            if outcome != nil, written.sequences != start || savedSequencesDigest == nil {
                saveSequences(written.sequences, configuration.stateDirectory, failures: &failures)
            }
        }
        let view = controller.scheduleView
        write(StatusPage.render(Self.page(status: status, view: view, plan: plan, now: now)), runtime + "/status.html")
        write(PrometheusText.render(Self.metrics(status: status, view: view, now: now)), runtime + "/almanac.prom")
        let problem = failures.first
        if problem != lastError {
            if let problem {
                logger.error("cannot write the published files", metadata: ["error": "\(problem)"])
            } else if lastError != nil {
                logger.notice("published files writable again")
            }
            lastError = problem
        }
        MemoryRelease.noteActivity()
        return Written(files: files, problems: failures)
    }

    /// The feeds' range: last year through next year, narrowed around today when the feeds would
    /// hold more than `limit` events all together (the plan's feed holds every event, each unit's
    /// feed those it owns or takes part in, so an event owned by two units counts three times).
    /// Nil when `isCancelled` said so before the parts were complete.
    static func build(
        _ plan: PlanInForce, today: CivilDate, limit: Int, sequences: FeedSequences, isCancelled: () -> Bool = { false }
    ) -> FeedParts? {
        let builder = PlanFeedBuilder(plan: plan.plan, stamp: plan.loadedAt)
        let unitFeeds = Set(plan.plan.units.map(\.id.value).filter(isSafeFileName))
        var range = (CivilDate(year: today.year - 1, month: 1, day: 1) ?? today)...(CivilDate(year: today.year + 1, month: 12, day: 31) ?? today)
        var note: String?
        // Counted first without the explanations (the `日期：` lines): a large plan has several
        // times the feeds' budget in these three years, and their text would be the build's peak
        // of memory. The range that fits is then expanded again with them.
        var expansion = PlanExpansion.expand(plan.plan, in: range, context: plan.context, isCancelled: isCancelled)
        if isCancelled() { return nil }
        var feedsOfSeries = Self.unitFeeds(of: expansion.series, among: unitFeeds)
        if Self.prefixWithin(limit, expansion.occurrences.indices, expansion, feedsOfSeries).count == expansion.occurrences.count {
            expansion = PlanExpansion.expand(plan.plan, in: range, context: plan.context, explain: true, isCancelled: isCancelled)
            if isCancelled() { return nil }
            feedsOfSeries = Self.unitFeeds(of: expansion.series, among: unitFeeds)
        } else {
            // Keep the days nearest today: a month back, and forward as far as the limit allows.
            let from = today.adding(days: -30)
            let after = expansion.indices(startingIn: from...range.upperBound)
            let fit = Self.prefixWithin(limit, after, expansion, feedsOfSeries)
            let to = fit.isEmpty ? from : expansion.occurrences[fit.upperBound - 1].start
            range = from...max(from, to)
            expansion = PlanExpansion.expand(plan.plan, in: range, context: plan.context, explain: true, isCancelled: isCancelled)
            if isCancelled() { return nil }
            feedsOfSeries = Self.unitFeeds(of: expansion.series, among: unitFeeds)
            // Windows that began before the range and still run in it may add a few.
            let kept = Self.prefixWithin(limit, expansion.occurrences.indices, expansion, feedsOfSeries)
            if kept.count < expansion.occurrences.count {
                expansion = PlanOccurrences(
                    range: range, series: expansion.series, occurrences: Array(expansion.occurrences[kept]),
                    diagnostics: [], explanations: expansion.explanations.map { Array($0[kept]) })
            }
            note = "feeds cover \(range.lowerBound)..\(range.upperBound) only: from last year to next year the plan's feed and the units' feeds would hold more than \(limit) events together (limits.feed_events)"
        }
        let entries = expansion.entries
        var sequences = sequences
        // Each event is rendered once; the plan's feed holds every one, a unit's feed its own.
        let texts = builder.eventTexts(entries: entries, sequences: &sequences, isCancelled: isCancelled)
        guard texts.count == entries.count else { return nil }
        var feeds: [String: [Int]] = ["": Array(texts.indices)]
        for unit in unitFeeds { feeds[unit] = [] }
        for (index, occurrence) in expansion.occurrences.enumerated() {
            for unit in feedsOfSeries[occurrence.series] { feeds[unit]?.append(index) }
        }
        return FeedParts(
            builder: builder, entries: entries,
            withChecklist: entries.filter { builder.checklist(for: $0) != nil }, texts: texts, feeds: feeds,
            sequences: sequences, note: note)
    }

    /// For each series, the unit feeds its events go into: its owners and participants that
    /// have a feed, each once.
    static func unitFeeds(of series: [OccurrenceSeries], among unitFeeds: Set<String>) -> [[String]] {
        series.map { s in
            var seen = Set<String>()
            return (s.owners + s.participants).filter { unitFeeds.contains($0) && seen.insert($0).inserted }
        }
    }

    /// The longest run of `indices` from its start whose events fit in `limit`: an occurrence is
    /// one event in the plan's feed and one in each unit feed it goes into.
    static func prefixWithin(_ limit: Int, _ indices: Range<Int>, _ expansion: PlanOccurrences, _ feedsOfSeries: [[String]]) -> Range<Int> {
        var total = 0
        var end = indices.lowerBound
        while end < indices.upperBound {
            total += 1 + feedsOfSeries[expansion.occurrences[end].series].count
            if total > limit { break }
            end += 1
        }
        return indices.lowerBound..<end
    }

    /// What ``writeFeeds(_:today:limit:sequences:store:directory:)`` wrote.
    struct WrittenFeeds: Sendable {
        var files: [String] = []
        var failures: [String] = []
        var sequences: FeedSequences
        var note: String?
        /// The entries with a to-do, and the feeds written (`""`: the plan's), for ``rewriteTodos``.
        var withChecklist: [AgendaEntry] = []
        var feeds: [String] = []
        /// Stopped before every feed was written (the daemon is stopping).
        var cancelled = false
    }

    static func feedPath(_ unit: String, in directory: String) -> String {
        unit.isEmpty ? directory + "/plan.ics" : directory + "/unit-\(unit).ics"
    }

    /// After a change of checklist progress: each feed's to-dos, rendered with the progress read
    /// in one query, replace the to-dos at the end of the file on disk (everything from its first
    /// `BEGIN:VTODO` line, or its `END:VCALENDAR`); a file whose to-dos are unchanged is not
    /// written. The result is what ``writeFeeds`` would write. Nil when a feed file is missing or
    /// not as written (the caller builds every feed again). Synchronous: run it off the pool.
    static func rewriteTodos(
        _ plan: PlanInForce, built: BuiltFeeds, sequences: FeedSequences, store: any ChecklistStore, directory: String
    ) -> WrittenFeeds? {
        var builder = PlanFeedBuilder(plan: plan.plan, stamp: plan.loadedAt)
        builder.checklists = progress(built.withChecklist, builder: builder, store: store)
        var written = WrittenFeeds(sequences: sequences, withChecklist: built.withChecklist, feeds: built.feeds)
        var end = ICSWriter()
        end.end("VCALENDAR")
        let tail = Array(end.text.utf8)
        for unit in built.feeds {
            let path = feedPath(unit, in: directory)
            let todos = builder.todos(entries: built.withChecklist, unit: unit.isEmpty ? nil : unit, sequences: &written.sequences)
            guard let old = FileManager.default.contents(atPath: path).map(Array.init),
                let cut = todosStart(old, tail: tail)
            else { return nil }
            let new = Array(old[..<cut]) + Array(todos.utf8) + tail
            if new == old { continue }
            do {
                try AtomicFile.write(Data(new), to: path)
                written.files.append(path)
            } catch {
                written.failures.append("\(error)")
            }
        }
        return written
    }

    /// Where a feed's to-dos begin: its first line `BEGIN:VTODO` (a folded line never starts with
    /// a letter, so this is a component), else its closing `END:VCALENDAR`. Nil when the file does
    /// not end with `tail`.
    static func todosStart(_ text: [UInt8], tail: [UInt8]) -> Int? {
        guard text.count >= tail.count, Array(text.suffix(tail.count)) == tail else { return nil }
        let marker = Array("\r\nBEGIN:VTODO\r\n".utf8)
        let limit = text.count - tail.count
        var index = 0
        while index + marker.count <= limit + 2 {
            if text[index] == 13, text[index..<(index + marker.count)].elementsEqual(marker) { return index + 2 }
            index += 1
        }
        return limit
    }

    /// Builds the feeds, completes them with the checklist progress read in one query, and writes
    /// `plan.ics` and each unit's feed into `directory`, one at a time; each event is rendered
    /// once. Synchronous: run it off the cooperative pool.
    static func writeFeeds(
        _ plan: PlanInForce, today: CivilDate, limit: Int, sequences: FeedSequences, store: any ChecklistStore,
        directory: String, isCancelled: () -> Bool = { false }
    ) -> WrittenFeeds {
        guard var parts = build(plan, today: today, limit: limit, sequences: sequences, isCancelled: isCancelled) else {
            return WrittenFeeds(sequences: sequences, cancelled: true)
        }
        parts.builder.checklists = progress(parts.withChecklist, builder: parts.builder, store: store)
        var written = WrittenFeeds(sequences: parts.sequences, note: parts.note, withChecklist: parts.withChecklist)
        for unit in parts.feeds.keys.sorted() {
            // A thousand unit feeds take a while to write: stop between two (the rest stay as
            // they were on disk, and the next start builds them all again).
            if isCancelled() {
                written.cancelled = true
                break
            }
            guard let indices = parts.feeds[unit] else { continue }
            let todos = parts.builder.todos(
                entries: parts.withChecklist, unit: unit.isEmpty ? nil : unit, sequences: &written.sequences)
            let (head, tail) = parts.builder.documentFrame(unit: unit.isEmpty ? nil : unit, note: parts.note)
            // The file's bytes copied once from the rendered events (no joined text in between).
            var data = Data()
            func append(_ text: String) {
                var text = text
                text.withUTF8 { data.append($0) }
            }
            data.reserveCapacity(head.utf8.count + indices.reduce(0) { $0 + parts.texts[$1].utf8.count } + todos.utf8.count + tail.utf8.count)
            append(head)
            for index in indices { append(parts.texts[index]) }
            append(todos)
            append(tail)
            let path = feedPath(unit, in: directory)
            do {
                try AtomicFile.write(data, to: path)
                written.files.append(path)
                written.feeds.append(unit)
            } catch {
                written.failures.append("\(error)")
            }
        }
        return written
    }

    /// Unit ids become file names: keep them to a safe alphabet.
    static func isSafeFileName(_ id: String) -> Bool {
        !id.hasPrefix(".") && !id.isEmpty
            && id.unicodeScalars.allSatisfy { $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "-_.".unicodeScalars.contains($0)) }
    }

    /// Checklist completion of the entries with checklists, read in one query.
    static func progress(_ entries: [AgendaEntry], builder: PlanFeedBuilder, store: any ChecklistStore) -> [String: ChecklistCompletion] {
        guard !entries.isEmpty else { return [:] }
        let recorded = (try? store.checklistProgress(occurrenceIDs: entries.map(\.id.description))) ?? [:]
        var result: [String: ChecklistCompletion] = [:]
        for entry in entries {
            guard let checklist = builder.checklist(for: entry) else { continue }
            let id = entry.id.description
            let progress = ChecklistState.progress(recorded[id] ?? [])
            result[id] = ChecklistCompletion(summary: ChecklistSummary(checklist, progress: progress))
        }
        return result
    }

    /// The SEQUENCE table, from the state directory (an empty one when the file is missing or unreadable).
    func loadSequences(_ stateDirectory: String) -> FeedSequences {
        let path = stateDirectory + "/feed-sequences.json"
        let loaded = (try? HostFiles.read(path, limit: 64 << 20)).flatMap { try? JSONDecoder().decode(FeedSequences.self, from: Data($0)) }
        return loaded ?? FeedSequences()
    }

    func saveSequences(_ new: FeedSequences, _ stateDirectory: String, failures: inout [String]) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        do {
            let data = try encoder.encode(new)
            // The same table encodes to the same bytes (sorted keys): unchanged, not written again.
            let digest = SHA256.hash(Array(data))
            guard digest != savedSequencesDigest else { return }
            try AtomicFile.write(data, to: stateDirectory + "/feed-sequences.json", mode: 0o640)
            savedSequencesDigest = digest
        } catch {
            failures.append("feed sequences: \(error)")
        }
    }

    /// The status page from the status model (what status.json says) and this month of the plan.
    static func page(status: DaemonStatus, view: ScheduleView?, plan: PlanInForce?, now: Date) -> StatusPageModel {
        let zone = plan?.zone ?? ZonedTime.defaultZone
        let today = ZonedTime.civilDate(of: now, in: zone)
        var monthEntries: [AgendaEntry] = []
        var unitNames: [String: String] = [:]
        var dayKinds: [CivilDate: DayKind] = [:]
        if let plan {
            let month = today.startOfMonth...today.endOfMonth
            let (expansion, indices) = plan.occurrences(overlapping: month)
            monthEntries = indices.map(expansion.entry)
            for unit in plan.plan.units { unitNames[unit.id.value] = unit.name.value }
            for day in month { dayKinds[day] = plan.work.dayKind(day) }
        }
        // One line per occurrence and reminder (the status lists one per channel and recipient).
        var seen = Set<String>()
        var reminders: [UpcomingReminder] = []
        for next in view?.upcoming ?? [] where reminders.count < 10 {
            let key = "\(next.dueAt.timeIntervalSince1970)|\(next.item)|\(next.date)|\(next.reminder)"
            guard seen.insert(key).inserted else { continue }
            reminders.append(
                UpcomingReminder(
                    date: ZonedTime.civilDate(of: next.dueAt, in: zone), time: ZonedTime.timeOfDay(of: next.dueAt, in: zone),
                    occurrenceID: OccurrenceID(itemID: next.item, date: next.date).description, title: next.title,
                    lead: next.reminder, owners: next.recipients))
        }
        let active = status.activeCampaigns.map { campaign in
            AgendaEntry(
                id: OccurrenceID(itemID: campaign.item, date: campaign.start), itemID: campaign.item, phaseID: nil,
                kind: ItemKind(rawValue: campaign.kind) ?? .campaign, title: campaign.title, edition: nil,
                start: campaign.start, end: campaign.end, time: nil, owners: campaign.owners, participants: [],
                dateSource: nil, explanation: [])
        }
        var inspections: [InspectionProgress] = []
        for checklist in status.checklists ?? [] {
            let due = checklist.deadline.flatMap { CivilDate(iso: $0) }
            inspections.append(
                InspectionProgress(
                    checklistID: checklist.id, checklistTitle: checklist.title, due: due, unit: nil, unitName: "合计",
                    done: checklist.totals.finished, total: checklist.totals.indicators))
            for unit in checklist.units where !unit.unit.isEmpty {
                inspections.append(
                    InspectionProgress(
                        checklistID: checklist.id, checklistTitle: checklist.title, due: due, unit: unit.unit,
                        unitName: unitNames[unit.unit] ?? unit.unit, done: unit.totals.finished, total: unit.totals.indicators))
            }
        }
        return StatusPageModel(
            generatedAt: now, today: today, planName: status.plan?.name, summary: status.daemon.summary,
            monthEntries: monthEntries, dayKinds: dayKinds, nextReminders: reminders, activeCampaigns: active,
            inspections: inspections, problems: status.problems.map { ($0.code, $0.message) }, unitNames: unitNames)
    }

    /// The metrics from the status model.
    static func metrics(status: DaemonStatus, view: ScheduleView?, now: Date) -> MetricsSnapshot {
        var sent: [String: Int] = [:]
        var failed: [String: Int] = [:]
        for (channel, states) in view?.countsByChannel ?? [:] where channel != "scheduler" {
            sent[channel] = states["sent"] ?? 0
            failed[channel] = states["failed"] ?? 0
        }
        var checklists: [MetricsSnapshot.ChecklistMetric] = []
        for checklist in status.checklists ?? [] {
            checklists.append(
                .init(
                    checklist: checklist.id, occurrence: checklist.occurrence ?? "checklist:\(checklist.id)",
                    done: checklist.totals.finished, total: checklist.totals.indicators))
        }
        var snapshot = MetricsSnapshot(
            sentByChannel: sent, failedByChannel: failed, outbox: status.outbox ?? [:],
            nextReminder: status.nextReminders.first?.dueAt, overdue: status.overdueTotal ?? status.overdue.count, checklists: checklists,
            planLoadSeconds: status.lastReload.map { $0.durationMs / 1000 }, planItems: status.plan?.items,
            lastReloadAccepted: status.lastReload?.accepted, lastReloadAt: status.lastReload?.at, generatedAt: now)
        snapshot.problems = status.problems.map(\.code)
        if let lease = status.leadership, lease.role != .single {
            snapshot.leadership = MetricsSnapshot.LeadershipMetric(
                instance: lease.instance, role: lease.role.rawValue, leader: lease.leader, leaderSince: lease.leaderSince,
                token: lease.token, lastTakeoverAt: lease.lastTakeover?.at, lastTakeoverVacantSeconds: lease.lastTakeover?.vacantSeconds)
        }
        return snapshot
    }
}

/// Keeps the published files current without polling: writes them at start, after every change
/// of the status (every reload, mark, progress entry and scheduler wake-up), and once at each local
/// midnight (the day changes: "today", this month's calendar, days left). With nothing due and
/// nobody asking, the service sleeps until midnight: no wake-ups in between.
public struct PublishService: Service {
    let controller: DaemonController
    let publisher: FeedPublisher
    let events: AsyncStream<DaemonEvent>
    let statusChanges: AsyncStream<Void>

    /// - Parameters:
    ///   - events: The controller's events (a plan change builds the feeds again, progress
    ///     rewrites their to-dos).
    ///   - statusChanges: The controller's status changes.
    public init(
        controller: DaemonController, publisher: FeedPublisher, events: AsyncStream<DaemonEvent>,
        statusChanges: AsyncStream<Void>
    ) {
        self.controller = controller
        self.publisher = publisher
        self.events = events
        self.statusChanges = statusChanges
    }

    public func run() async throws {
        // One pending wake-up at most: a burst of changes is one publish. The feeds flag says
        // whether any of them needs the feeds written again.
        let (wakes, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        let feedsDirty = PendingFeedChange()
        let clock = controller.clock
        await withTaskGroup(of: Void.self) { group in
            group.addTask { [statusChanges] in
                for await _ in statusChanges { continuation.yield() }
                continuation.finish()
            }
            group.addTask { [events] in
                for await event in events {
                    switch event {
                    case .planChanged:
                        feedsDirty.note(.plan)
                        continuation.yield()
                    case .progressChanged:
                        feedsDirty.note(.progress)
                        continuation.yield()
                    case .marksChanged, .leadershipChanged, .ledgerChanged, .storeRecovered: break
                    }
                }
            }
            group.addTask { [controller] in
                while !Task.isCancelled {
                    let zone = controller.inForce?.zone ?? ZonedTime.defaultZone
                    let wait = Self.secondsUntilMidnight(after: clock.now(), zone: zone)
                    do { try await Task.sleep(for: .seconds(wait)) } catch { break }
                    feedsDirty.note(.plan)  // a new day: the range may move
                    continuation.yield()
                }
            }
            await withGracefulShutdownHandler {
                continuation.yield()
                for await _ in wakes {
                    if Task.isCancelled { break }
                    await publisher.publish(controller: controller, feeds: feedsDirty.take())
                }
            } onGracefulShutdown: {
                // A build in progress was abandoned at STOPPING=1 (the controller's flag).
                continuation.finish()
            }
            group.cancelAll()
        }
    }

    /// Seconds from `now` to the next midnight in `zone`, plus a second so the new day has begun.
    static func secondsUntilMidnight(after now: Date, zone: TimeZone) -> Double {
        let offset = Double(zone.secondsFromGMT(for: now))
        let local = now.timeIntervalSince1970 + offset
        let nextMidnight = ((local / 86_400).rounded(.down) + 1) * 86_400
        return max(1, nextMidnight - local + 1)
    }
}

/// The feed change noted since the publisher last took it: the larger of those noted.
final class PendingFeedChange: Sendable {
    private let state = Mutex(FeedPublisher.FeedChange.plan)

    func note(_ change: FeedPublisher.FeedChange) { state.withLock { $0 = max($0, change) } }

    /// The change, cleared.
    func take() -> FeedPublisher.FeedChange {
        state.withLock { change in
            defer { change = .none }
            return change
        }
    }
}
