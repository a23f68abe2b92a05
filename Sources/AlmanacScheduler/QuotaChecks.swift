import AlmanacCalendar
import AlmanacPlan
import Foundation

/// A recurring check with a minimum frequency (网吧检查 每周不少于两次).
public struct QuotaTarget: Hashable, Sendable {
    public var itemID: String
    public var title: String
    public var owners: [String]
    /// Leader recipients of the owners (`UNIT.leader`): they read the report of a short period.
    public var leaders: [String]
    /// Checks required per period.
    public var count: Int
    public var per: Quota.Period

    public init(itemID: String, title: String, owners: [String], leaders: [String] = [], count: Int, per: Quota.Period) {
        self.itemID = itemID
        self.title = title
        self.owners = owners
        self.leaders = leaders
        self.count = count
        self.per = per
    }

    /// The items of `plan` that carry a quota.
    public static func from(_ plan: Plan) -> [QuotaTarget] {
        let withLeader = Set(plan.units.filter { $0.leader != nil }.map(\.id.value))
        return plan.items.compactMap { item in
            guard let quota = item.quota, quota.count.value > 0 else { return nil }
            let owners = item.owners.map(\.value)
            return QuotaTarget(
                itemID: item.id.value, title: item.title.value, owners: owners,
                leaders: owners.filter { withLeader.contains($0) }.map { ScheduleInput.leaderID(of: $0) },
                count: quota.count.value, per: quota.per.value)
        }
    }
}

/// The days of the period (ISO week Monday to Sunday, calendar month, quarter, year) holding `day`.
public func quotaPeriod(containing day: CivilDate, per: Quota.Period) -> ClosedRange<CivilDate> {
    per.days(containing: day)
}

/// A message about a period that falls short of its quota.
public struct QuotaNotice: Hashable, Sendable {
    public enum Kind: String, Hashable, Sendable {
        /// On the period's last working day, to the owners: still short, act today.
        case warning = "quota:warning"
        /// On the first working day after the period, to the owners and their leaders: it fell short.
        case report = "quota:report"
    }

    /// Occurrence id `ITEM@PERIOD-START`, reminder id the kind, channel, recipient.
    public var key: DeliveryID
    public var kind: Kind
    public var target: QuotaTarget
    public var period: ClosedRange<CivilDate>
    /// Checks recorded in the period (up to the notice).
    public var done: Int
    public var recipient: String
    public var channel: Channel
    public var day: CivilDate
    public var dueAt: Date
}

/// The quota planner's answer at one instant.
public struct QuotaDecision: Hashable, Sendable {
    public var notices: [QuotaNotice]
    public var missed: [Missed]
    public var nextWakeup: Date?
}

/// Flags recurring checks that fall short of their quota: a warning on the period's last working
/// day while it is still short, a report after it when it ended short. Pure.
public struct QuotaPlanner: Sendable {
    public let targets: [QuotaTarget]
    public let configuration: PlannerConfiguration
    public let channels: [Channel]
    let workingDays: any WorkingDays

    public init(
        targets: [QuotaTarget], configuration: PlannerConfiguration, workingDays: any WorkingDays,
        channels: [Channel] = [.journal, .mail]
    ) {
        self.targets = targets
        self.configuration = configuration
        self.workingDays = workingDays
        self.channels = channels
    }

    /// The warning day of a period: its last working day (its last day when it has none).
    public func warningDay(_ period: ClosedRange<CivilDate>) -> CivilDate {
        let day = workingDays.workingDayOnOrBefore(period.upperBound) ?? period.upperBound
        return day < period.lowerBound ? period.upperBound : day
    }

    /// The report day of a period: the first working day after it.
    public func reportDay(_ period: ClosedRange<CivilDate>) -> CivilDate {
        workingDays.workingDayOnOrAfter(period.upperBound.adding(days: 1)) ?? period.upperBound.adding(days: 1)
    }

    func instant(_ day: CivilDate) -> Date {
        ZonedTime.instant(of: day, at: configuration.deliveryTime, in: configuration.timeZone)
    }

    /// Notices due at `now`. `checks` holds the days on which each item's checks were recorded
    /// (one entry per check). The current and the previous period of each target are looked at;
    /// periods that began before `trackingSince` (when checks started being recorded) are not.
    public func decide(
        checks: [String: [CivilDate]], recorded: Set<DeliveryID>, now: Date, trackingSince: CivilDate? = nil
    ) -> QuotaDecision {
        let today = ZonedTime.civilDate(of: now, in: configuration.timeZone)
        var notices: [QuotaNotice] = []
        var missed: [Missed] = []
        var wakeup: Date?
        for target in targets {
            let current = quotaPeriod(containing: today, per: target.per)
            let previous = quotaPeriod(containing: current.lowerBound.adding(days: -1), per: target.per)
            let days = checks[target.itemID] ?? []
            // The next period starts with no checks: its warning day is the latest wake-up needed.
            let next = quotaPeriod(containing: current.upperBound.adding(days: 1), per: target.per)
            let nextWarning = instant(warningDay(next))
            wakeup = min(wakeup ?? nextWarning, nextWarning)
            for period in [previous, current] {
                if let trackingSince, period.lowerBound < trackingSince { continue }
                // A period without a working day (the 春节 week, a day off) asks for no check.
                guard let workday = workingDays.workingDayOnOrAfter(period.lowerBound), workday <= period.upperBound
                else { continue }
                let done = days.filter { period.contains($0) }.count
                guard done < target.count else { continue }
                for kind in [QuotaNotice.Kind.warning, .report] {
                    let day = kind == .warning ? warningDay(period) : reportDay(period)
                    let at = instant(day)
                    let recipients = kind == .warning ? target.owners : target.owners + target.leaders
                    let keys = recipients.flatMap { recipient in
                        channels.map {
                            DeliveryID(
                                occurrenceID: OccurrenceID(itemID: target.itemID, date: period.lowerBound).description, reminderID: kind.rawValue,
                                channel: $0.rawValue, recipient: recipient)
                        }
                    }.filter { !recorded.contains($0) }
                    guard !keys.isEmpty else { continue }
                    if at > now {
                        wakeup = min(wakeup ?? at, at)
                        continue
                    }
                    // A warning for a period already over comes too late to act on; the report says it.
                    if now.timeIntervalSince(at) > configuration.catchUpWindow || (kind == .warning && today > period.upperBound) {
                        let reason: MissedReason = kind == .warning && today > period.upperBound ? .superseded : .outsideCatchUpWindow
                        missed += keys.map { Missed(key: $0, due: at, reason: reason, occurrence: nil) }
                        continue
                    }
                    notices += keys.map {
                        QuotaNotice(
                            key: $0, kind: kind, target: target, period: period, done: done, recipient: $0.recipient,
                            channel: Channel(rawValue: $0.channel) ?? .journal, day: day, dueAt: at)
                    }
                }
            }
        }
        notices.sort { ($0.dueAt, $0.key) < ($1.dueAt, $1.key) }
        missed.sort { ($0.due, $0.key) < ($1.due, $1.key) }
        return QuotaDecision(notices: notices, missed: missed, nextWakeup: wakeup)
    }
}
