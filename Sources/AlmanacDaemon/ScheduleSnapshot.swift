import AlmanacCalendar
import AlmanacScheduler
import Foundation

/// What the scheduler knows after its latest wake-up: the planner for the plan in force and the
/// state it decided with (every delivery recorded so far, marks, snoozes). The scheduler hands
/// one to the ``DaemonController`` after every wake-up; `almanacctl next` and `status.json` are
/// computed from it at the time they are asked, so they are never stale by more than what
/// happened since (and the scheduler wakes whenever something falls due).
public struct SchedulerSnapshot: Sendable {
    /// The planner in force.
    public var planner: ReminderPlanner
    /// The state after the wake-up's decision was carried out.
    public var state: PlannerState
    /// When the scheduler last woke.
    public var at: Date
    /// When it wakes next (`nil`: nothing is due ever again under this plan).
    public var nextWakeup: Date?

    public init(planner: ReminderPlanner, state: PlannerState, at: Date, nextWakeup: Date?) {
        self.planner = planner
        self.state = state
        self.at = at
        self.nextWakeup = nextWakeup
    }

    /// The plan's time zone.
    public var timeZone: TimeZone { planner.configuration.timeZone }

    /// The next `limit` deliveries after `now`.
    public func upcoming(now: Date, limit: Int) -> [UpcomingDelivery] {
        planner.upcoming(state: state, now: now, limit: limit)
    }

    /// Kinds whose passing last day leaves work undone (a festival that passed is just past).
    static let kindsWithDeadlines: Set<String> = ["deadline", "inspection", "task"]

    /// Campaigns, and every other item that spans several days, whose window contains `today`.
    public func activeCampaigns(today: CivilDate) -> [DaemonStatus.ActiveCampaign] {
        planner.occurrences.filter { occurrence in
            (occurrence.kind == "campaign" || occurrence.end > occurrence.start)
                && occurrence.start <= today && today <= occurrence.end
                && !state.done.contains(occurrence.id)
        }.map { occurrence in
            DaemonStatus.ActiveCampaign(
                item: occurrence.itemID, title: occurrence.title, kind: occurrence.kind, start: occurrence.start,
                end: occurrence.end, daysLeft: today.days(to: occurrence.end), owners: occurrence.owners)
        }
    }

    /// Occurrences whose last day has passed, that have a deadline (kinds `deadline`,
    /// `inspection`, `task`, or overdue repeats in their rules) and are neither done nor
    /// acknowledged. Only occurrences the scheduler holds (60 days back) and that ended after the
    /// installation count.
    public func overdue(today: CivilDate) -> [DaemonStatus.OverdueOccurrence] {
        let installed = state.ignoreBefore.map { ZonedTime.civilDate(of: $0, in: timeZone) }
        return planner.occurrences.filter { occurrence in
            occurrence.end < today
                && (Self.kindsWithDeadlines.contains(occurrence.kind) || occurrence.policy.overdue != nil)
                && installed.map { occurrence.end >= $0 } ?? true
                && !state.done.contains(occurrence.id) && !state.acknowledged.contains(occurrence.id)
        }.map { occurrence in
            DaemonStatus.OverdueOccurrence(
                item: occurrence.itemID, title: occurrence.title, kind: occurrence.kind, date: occurrence.start,
                end: occurrence.end, daysOverdue: occurrence.end.days(to: today), owners: occurrence.owners)
        }
    }

    /// `2026-12-01 09:00` in the plan's time zone.
    public func localText(_ instant: Date) -> String {
        let day = ZonedTime.civilDate(of: instant, in: timeZone)
        let local = Int(instant.timeIntervalSince1970.rounded(.down)) + timeZone.secondsFromGMT(for: instant)
        let seconds = ((local % 86_400) + 86_400) % 86_400
        let hour = seconds / 3600
        let minute = seconds % 3600 / 60
        return "\(day) \(hour < 10 ? "0" : "")\(hour):\(minute < 10 ? "0" : "")\(minute)"
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
