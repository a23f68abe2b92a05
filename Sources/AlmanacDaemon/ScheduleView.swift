import AlmanacCalendar
import AlmanacPlan
import AlmanacScheduler
import AlmanacStore
import Foundation

/// What the scheduler knows after a wake-up, in the terms of the status: computed once per
/// wake-up or change of marks, then only rendered (control `status`, status.json, status.html,
/// the metrics file). It is never recomputed for a reader.
public struct ScheduleView: Sendable {
    /// The generation of the plan in force it was computed for.
    public var generation: Int
    /// When the scheduler last woke.
    public var at: Date
    /// When it wakes next (`nil`: nothing is due ever again under this plan).
    public var nextWakeup: Date?
    /// The next deliveries, soonest first (at most ``upcomingKept``), for `almanacctl next`.
    public var upcoming: [DaemonStatus.NextReminder]
    /// The first of them, for the status.
    public var nextReminders: [DaemonStatus.NextReminder] { Array(upcoming.prefix(DaemonStatus.nextRemindersShown)) }
    /// How many upcoming deliveries are kept (the most `almanacctl next --limit` shows).
    public static let upcomingKept = 1_000
    /// Campaigns (and other windows) under way today.
    public var activeCampaigns: [DaemonStatus.ActiveCampaign]
    /// Occurrences past their deadline, neither done nor acknowledged: the first
    /// ``overdueKept`` of them, oldest first (``overdueTotal`` counts them all).
    public var overdue: [DaemonStatus.OverdueOccurrence]
    /// How many occurrences are overdue.
    public var overdueTotal: Int
    /// How many overdue occurrences the status lists. A plan of weekly inspections that nobody
    /// marks done has thousands within the 60 days looked back (10,000 items of the office mix:
    /// 18,000, 2.8 MB of status.json rewritten at every wake-up); the count says how many.
    public static let overdueKept = 100
    /// How far back an occurrence may have ended and still be listed as overdue.
    public static let overdueDays = 60
    /// Totals per checklist; `nil` without checklists.
    public var checklists: [DaemonStatus.ChecklistStatus]?
    /// Deliveries by state.
    public var counts: DaemonStatus.DeliveryCounts?
    /// Deliveries by channel and state (`journal` → `sent` → 12).
    public var countsByChannel: [String: [String: Int]]
    /// Outbox entries by state.
    public var outbox: [String: Int]?
    /// When `outbox` was counted (monotonic; only to order it against the mail worker's counts).
    public var outboxCountedAt: ContinuousClock.Instant
    /// What the scheduler found wrong (mail that failed).
    public var problems: [DaemonStatus.Problem]

    /// The same view with the outbox counted again at `countedAt` (by the mail worker after a pass).
    public func with(outbox: [String: Int]?, countedAt: ContinuousClock.Instant) -> ScheduleView {
        var view = self
        view.outbox = outbox
        view.outboxCountedAt = countedAt
        view.problems = Self.problems(outbox: outbox, countsByChannel: countsByChannel)
        return view
    }

    /// Mail given up in the outbox, and mail reminders that could not be queued.
    static func problems(outbox: [String: Int]?, countsByChannel: [String: [String: Int]]) -> [DaemonStatus.Problem] {
        var problems: [DaemonStatus.Problem] = []
        if let failed = outbox?["failed"], failed > 0 {
            problems.append(.init(code: "mail-failed", message: "\(failed) 封邮件发送失败，已放弃重试"))
        }
        if let failed = countsByChannel["mail"]?["failed"], failed > 0 {
            problems.append(.init(code: "mail-delivery-failed", message: "\(failed) 条邮件提醒发送失败"))
        }
        return problems
    }

    /// The mail outbox by state (`queued`, `sent`, `failed`), `nil` when the store cannot say.
    public static func outboxCounts(_ store: any OutboxStore) -> [String: Int]? {
        guard let mail = try? store.mailCounts() else { return nil }
        return Dictionary(uniqueKeysWithValues: mail.map { ($0.key.rawValue, $0.value) })
    }
}

extension SchedulerCore {
    /// The status model at `now`, from the planner's state and a few counting queries.
    func view(at now: Date, nextWakeup: Date?) -> ScheduleView? {
        guard let (planner, state) = current else { return nil }
        let today = ZonedTime.civilDate(of: now, in: configuration.timeZone)
        let next = planner.upcoming(state: state, now: now, limit: ScheduleView.upcomingKept)
            .map(DaemonStatus.NextReminder.init)
        // The planner's occurrences are in the expansion's order: by first day.
        let occurrences = planner.occurrences
        func firstStarting(onOrAfter day: CivilDate) -> Int { occurrences.firstStarting(onOrAfter: day) }
        let longest = occurrences.longestWindow
        let todayIndex = firstStarting(onOrAfter: today.adding(days: 1))
        var active: [DaemonStatus.ActiveCampaign] = []
        for o in occurrences[firstStarting(onOrAfter: today.adding(days: -longest))..<todayIndex] where o.end >= today {
            guard o.kind == "campaign" || o.end > o.start, !state.done.contains(o.id) else { continue }
            active.append(
                DaemonStatus.ActiveCampaign(
                    item: o.itemID, title: o.title, kind: o.kind, start: o.start, end: o.end,
                    daysLeft: today.days(to: o.end), owners: o.owners))
        }
        // The agenda's rule (PlanReports.state): open, past its last day, with a deadline; and
        // ended at most ``ScheduleView/overdueDays`` ago (the window reaches 60 to 90 days back).
        var overdue: [DaemonStatus.OverdueOccurrence] = []
        var overdueTotal = 0
        let since = today.adding(days: -ScheduleView.overdueDays)
        for o in occurrences[..<firstStarting(onOrAfter: today)] {
            let hasDeadline = (ItemKind(rawValue: o.kind)?.hasDeadline ?? false) || o.policy.overdue != nil
            guard o.end < today, o.end >= since, hasDeadline, !state.done.contains(o.id), !state.acknowledged.contains(o.id) else { continue }
            overdueTotal += 1
            guard overdue.count < ScheduleView.overdueKept else { continue }
            overdue.append(
                DaemonStatus.OverdueOccurrence(
                    item: o.itemID, title: o.title, kind: o.kind, date: o.start, end: o.end,
                    daysOverdue: o.end.days(to: today), owners: o.owners))
        }
        var counts: DaemonStatus.DeliveryCounts?
        var byChannel: [String: [String: Int]] = [:]
        if let perChannel = try? store.deliveryCountsByChannel() {
            var total: [DeliveryState: Int] = [:]
            for (channel, states) in perChannel {
                for (state, count) in states {
                    total[state, default: 0] += count
                    byChannel[channel, default: [:]][state.rawValue] = count
                }
            }
            counts = DaemonStatus.DeliveryCounts(
                sent: total[.sent] ?? 0, missed: total[.missed] ?? 0, inDoubt: total[.pending] ?? 0, failed: total[.failed] ?? 0)
        }
        let outboxCountedAt = ContinuousClock.now
        let outbox = ScheduleView.outboxCounts(store)
        let problems = ScheduleView.problems(outbox: outbox, countsByChannel: byChannel)
        return ScheduleView(
            generation: generation, at: now, nextWakeup: nextWakeup, upcoming: next, activeCampaigns: active,
            overdue: overdue, overdueTotal: overdueTotal,
            checklists: inForce.flatMap { $0.plan.checklists.isEmpty ? nil : ChecklistState.summaries(plan: $0, store: store, now: now) },
            counts: counts, countsByChannel: byChannel, outbox: outbox, outboxCountedAt: outboxCountedAt,
            problems: problems)
    }
}

extension DaemonStatus.NextReminder {
    /// The status entry of an upcoming delivery.
    public init(_ delivery: UpcomingDelivery) {
        self.init(
            dueAt: delivery.due, item: delivery.occurrence.itemID, date: delivery.occurrence.start,
            title: delivery.occurrence.title, kind: delivery.occurrence.kind, reminder: delivery.key.reminderID,
            channel: delivery.channel.rawValue, recipients: delivery.recipients)
    }
}
