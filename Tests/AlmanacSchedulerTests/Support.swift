import AlmanacCalendar
import AlmanacPlan
import Foundation
import Testing

@testable import AlmanacScheduler

/// A test double for the holiday calendar: weekends are days off unless listed as make-up
/// working days (调休); listed holidays are days off.
struct FakeWorkingDays: WorkingDays {
    var holidays: Set<CivilDate>
    var makeupWorkdays: Set<CivilDate>

    func isWorkingDay(_ date: CivilDate) -> Bool {
        if holidays.contains(date) { return false }
        if makeupWorkdays.contains(date) { return true }
        return !date.weekday.isWeekend
    }

    /// A fixture shaped like the State Council's 2026 arrangement (国办发明电〔2025〕7号 as
    /// announced): 元旦 01-01..03 (01-04 works), 春节 02-15..23 (02-14 and 02-28 work), 清明
    /// 04-04..06, 劳动节 05-01..05 (05-09 works), 端午 06-19..21, 中秋 09-25..27, 国庆 10-01..07
    /// (09-20 and 10-10 work). Only the planner's tests use it; the real table is WorkCalendar's.
    static let china2026 = FakeWorkingDays(
        holidays: Set(
            [
                ("2026-01-01", "2026-01-03"), ("2026-02-15", "2026-02-23"), ("2026-04-04", "2026-04-06"),
                ("2026-05-01", "2026-05-05"), ("2026-06-19", "2026-06-21"), ("2026-09-25", "2026-09-27"),
                ("2026-10-01", "2026-10-07"),
            ].flatMap { range(d($0.0), d($0.1)) }),
        makeupWorkdays: [d("2026-01-04"), d("2026-02-14"), d("2026-02-28"), d("2026-05-09"), d("2026-09-20"), d("2026-10-10")])

    static func range(_ a: CivilDate, _ b: CivilDate) -> [CivilDate] { Array(a...b) }
}

/// A date from ISO text; test fixtures only.
func d(_ text: String) -> CivilDate {
    CivilDate(iso: text) ?? CivilDate(dayNumber: Int.min / 4)
}

let shanghai = TimeZone(identifier: "Asia/Shanghai") ?? .gmt

/// The instant of `YYYY-MM-DD HH:MM` in Shanghai.
func at(_ text: String) -> Date {
    let parts = text.split(separator: " ")
    return ZonedTime.instant(of: d(String(parts[0])), at: TimeOfDay(String(parts[1])) ?? .nine, in: shanghai)
}

/// `YYYY-MM-DD HH:MM` in Shanghai.
func show(_ instant: Date) -> String {
    let local = Int(instant.timeIntervalSince1970) + shanghai.secondsFromGMT(for: instant)
    let day = CivilDate(dayNumber: Int((Double(local) / 86_400).rounded(.down)))
    let seconds = local - day.dayNumber * 86_400
    let time = TimeOfDay(hour: seconds / 3600, minute: (seconds % 3600) / 60) ?? .nine
    return "\(day) \(time)"
}

/// A one-line description of an action, as the tests compare them.
func describe(_ action: Action) -> String {
    switch action {
    case .remind(let r):
        return "\(show(r.due)) remind \(r.key)\(r.isLate ? " late" : "")"
    case .digest(let g):
        let items = g.entries.map { "\($0.occurrence.id)[\($0.reminders.joined(separator: ","))]" }
        return "\(show(g.due)) digest \(g.key) \(items.joined(separator: " "))\(g.isLate ? " late" : "")"
    case .missed(let m):
        return "\(show(m.due)) missed \(m.key) \(m.reason.rawValue)"
    }
}

/// Drives a planner as the scheduler service does: decide, perform (record every key), sleep
/// until the next wake-up. Nothing sleeps for real.
struct Driver {
    var planner: ReminderPlanner
    var state: PlannerState
    /// Performed actions, in order, described.
    var log: [String] = []
    /// Every instant at which the driver woke up.
    var wakeups: [Date] = []
    /// Sets ``PlannerState/settledBefore`` after each wake-up, as the service does, and checks
    /// that the decision equals the one from a full scan.
    var useWatermark = true

    /// A driver for `planner`; `installed` is when the plan was installed (nothing due before
    /// it is sent or recorded), as the service sets it on its first start.
    init(_ planner: ReminderPlanner, state: PlannerState = PlannerState(), installed: Date? = nil) {
        self.planner = planner
        self.state = state
        if let installed { self.state.ignoreBefore = installed }
    }

    /// One wake-up at `now`: performs the decision and returns the next wake-up.
    @discardableResult
    mutating func wake(at now: Date) -> Date? {
        wakeups.append(now)
        let decision = planner.decide(state: state, now: now)
        if useWatermark {
            var full = state
            full.settledBefore = nil
            if planner.decide(state: full, now: now) != decision { log.append("\(show(now)) ERROR watermark changed the decision") }
        }
        for action in decision.actions {
            let inserted = state.recorded.insert(action.key).inserted
            log.append(describe(action) + (inserted ? "" : " DUPLICATE"))
        }
        if useWatermark { state.settledBefore = max(state.settledBefore ?? now, now) }
        return decision.nextWakeup
    }

    /// Wakes at `start`, then at every next wake-up up to and including `end`.
    /// Returns the first wake-up after `end`.
    @discardableResult
    mutating func run(from start: Date, until end: Date) -> Date? {
        var now = start
        while true {
            guard let next = wake(at: now) else { return nil }
            guard next > now else {
                log.append("\(show(now)) ERROR next wake-up \(show(next)) is not after now")
                return nil
            }
            if next > end { return next }
            now = next
        }
    }
}

/// The small plan of the planner tests (2026).
enum SmallPlan {
    static let materialsPolicy = ReminderRules(
        leads: [Lead(amount: -5, unit: .workingDays)], overdue: OverdueRepeat(every: Lead(amount: 2, unit: .days), limit: 3),
        escalation: Escalation(workingDaysBefore: 2))

    static let occurrences: [ScheduledOccurrence] = [
        ScheduledOccurrence(
            itemID: "spring-volunteers", kind: "campaign", title: "“红红火火过大年”志愿服务", owners: ["wmb"],
            start: d("2026-02-24"), end: d("2026-03-03"),
            policy: ReminderRules(leads: [Lead(amount: -2, unit: .workingDays), Lead(amount: -1, unit: .days)])),
        ScheduledOccurrence(
            itemID: "labour-day", kind: "festival", title: "劳动节", owners: ["wmb"], start: d("2026-05-01"),
            policy: ReminderRules(leads: [Lead(amount: -3, unit: .workingDays), Lead(amount: -1, unit: .days)])),
        ScheduledOccurrence(
            itemID: "materials", kind: "deadline", title: "全国文明城市复检材料上报", owners: ["wmb", "whjc"],
            leaders: ["lead"], start: d("2026-08-10"), policy: materialsPolicy),
        ScheduledOccurrence(
            itemID: "flag-salute", kind: "campaign", title: "“向国旗敬礼、做一个有道德的人”签字寄语活动", owners: ["wmb"],
            start: d("2026-09-20"), end: d("2026-10-10"),
            policy: ReminderRules(leads: [Lead(amount: -10, unit: .workingDays), Lead(amount: 0, unit: .days)])),
        ScheduledOccurrence(
            itemID: "mid-autumn", kind: "festival", title: "中秋节", owners: ["wmb"], start: d("2026-09-25"),
            policy: ReminderRules(leads: [Lead(amount: 0, unit: .days)])),
    ]

    static func planner(_ configuration: PlannerConfiguration = PlannerConfiguration(timeZone: shanghai))
        -> ReminderPlanner
    {
        ReminderPlanner(occurrences: occurrences, workingDays: FakeWorkingDays.china2026, configuration: configuration)
    }

    /// Every delivery of the year, in order, when nothing is acknowledged or done.
    static let year: [String] = [
        "2026-02-13 09:00 remind spring-volunteers@2026-02-24/-2wd/journal/",
        "2026-02-13 09:00 remind spring-volunteers@2026-02-24/-2wd/mail/wmb",
        "2026-02-14 09:00 remind spring-volunteers@2026-02-24/-1d/journal/",
        "2026-02-14 09:00 remind spring-volunteers@2026-02-24/-1d/mail/wmb",
        "2026-04-28 09:00 remind labour-day@2026-05-01/-3wd/journal/",
        "2026-04-28 09:00 remind labour-day@2026-05-01/-3wd/mail/wmb",
        "2026-04-30 09:00 remind labour-day@2026-05-01/-1d/journal/",
        "2026-04-30 09:00 remind labour-day@2026-05-01/-1d/mail/wmb",
        "2026-08-03 09:00 remind materials@2026-08-10/-5wd/journal/",
        "2026-08-03 09:00 remind materials@2026-08-10/-5wd/mail/whjc",
        "2026-08-03 09:00 remind materials@2026-08-10/-5wd/mail/wmb",
        "2026-08-06 09:00 remind materials@2026-08-10/escalate/journal/",
        "2026-08-06 09:00 remind materials@2026-08-10/escalate/mail/lead",
        "2026-08-12 09:00 remind materials@2026-08-10/overdue-2026-08-12/journal/",
        "2026-08-12 09:00 remind materials@2026-08-10/overdue-2026-08-12/mail/lead",
        "2026-08-12 09:00 remind materials@2026-08-10/overdue-2026-08-12/mail/whjc",
        "2026-08-12 09:00 remind materials@2026-08-10/overdue-2026-08-12/mail/wmb",
        "2026-08-14 09:00 remind materials@2026-08-10/overdue-2026-08-14/journal/",
        "2026-08-14 09:00 remind materials@2026-08-10/overdue-2026-08-14/mail/lead",
        "2026-08-14 09:00 remind materials@2026-08-10/overdue-2026-08-14/mail/whjc",
        "2026-08-14 09:00 remind materials@2026-08-10/overdue-2026-08-14/mail/wmb",
        "2026-08-17 09:00 remind materials@2026-08-10/overdue-2026-08-17/journal/",
        "2026-08-17 09:00 remind materials@2026-08-10/overdue-2026-08-17/mail/lead",
        "2026-08-17 09:00 remind materials@2026-08-10/overdue-2026-08-17/mail/whjc",
        "2026-08-17 09:00 remind materials@2026-08-10/overdue-2026-08-17/mail/wmb",
        "2026-09-07 09:00 remind flag-salute@2026-09-20/-10wd/journal/",
        "2026-09-07 09:00 remind flag-salute@2026-09-20/-10wd/mail/wmb",
        "2026-09-20 09:00 remind flag-salute@2026-09-20/0d/journal/",
        "2026-09-20 09:00 remind flag-salute@2026-09-20/0d/mail/wmb",
        "2026-09-24 09:00 remind mid-autumn@2026-09-25/0d/journal/",
        "2026-09-24 09:00 remind mid-autumn@2026-09-25/0d/mail/wmb",
    ]
}

/// The planner's input for `plan` over `range`: the plan's one expansion (with weekends only, or
/// `context`'s calendar), its diagnostics as `problems`.
func scheduleInput(_ plan: Plan, in range: ClosedRange<CivilDate>, context: RuleContext = RuleContext())
    -> (occurrences: ScheduledOccurrences, addresses: [String: [String]], problems: [Diagnostic])
{
    let expansion = PlanExpansion.expand(plan, in: range, context: context)
    let input = ScheduleInput(expansion, plan: plan)
    return (input.occurrences, input.addresses, expansion.diagnostics)
}
