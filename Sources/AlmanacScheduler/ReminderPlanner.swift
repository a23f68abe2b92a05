import AlmanacCalendar
import AlmanacPlan
import Foundation

/// The reminder planner: from the plan's occurrences, what has happened so far and the current
/// instant, it decides which reminders are due and when to look again.
///
/// It is pure: no clock, no I/O, no environment. The driver (the scheduler service) performs
/// the actions, records their keys, and calls ``decide(state:now:)`` again at
/// ``Decision/nextWakeup`` or whenever something changes (reload, acknowledgement, clock jump).
///
/// Rules, all in the plan's time zone:
/// - A lead reminder is due at the policy's delivery time on its lead's day: `-Nd` counts
///   calendar days from the first day and then follows the day-off policy; `-Nwd` counts working
///   days strictly before the first day. It goes to the owners until the occurrence is done.
/// - The escalation goes to the leaders at its lead from the last day (`-2wd`, `+3wd`);
///   overdue repeats go every interval after the last day (moved to the next working day unless
///   the policy keeps days off) to the owners, and from the escalation day on to the leaders too.
///   Both stop once the occurrence is acknowledged or done.
/// - Every (occurrence, reminder, channel, recipient) is one delivery, sent at most once.
///   A delivery that fell due within the catch-up window is sent (late if more than the
///   tolerance after its due instant), oldest first; an older one is recorded as missed. Of
///   several pending overdue repeats of one series or digests of one unit, only the newest is
///   sent and the others are recorded as superseded, so downtime does not end in a storm.
public struct ReminderPlanner: Sendable {
    /// The occurrences planned, in the order given.
    public let occurrences: [ScheduledOccurrence]
    /// The plan-wide settings.
    public let configuration: PlannerConfiguration
    /// Reminders that could not be placed (and are therefore left out).
    public let problems: [PlannerProblem]

    let workingDays: any WorkingDays
    let occurrenceKeys: [String]
    /// Lead reminders and escalations: fixed by the plan, sorted by due instant.
    let fixed: [Planned]
    /// Indices of occurrences with overdue repeats.
    let overdueIndices: [Int]
    /// The escalation day of each occurrence that has one: overdue repeats from that day on
    /// go to the leaders too.
    let escalationDays: [Int: CivilDate]
    /// Indices into `fixed` per occurrence index, for snoozed occurrences.
    let fixedByOccurrence: [Int: [Int]]
    /// Occurrence index per id (the first, should an id repeat).
    let indexByID: [OccurrenceID: Int]

    struct Delivery: Sendable {
        var key: DeliveryID
        var channel: Channel
        var recipients: [String]
    }

    struct Planned: Sendable {
        var occurrence: Int
        var reminderID: String
        var kind: ReminderKind
        var audience: Audience
        var recipients: [String]
        var day: CivilDate
        var due: Date
        var deliveries: [Delivery]
    }

    /// Schedules `occurrences` against `workingDays` (the holiday calendar).
    public init(
        occurrences: [ScheduledOccurrence], workingDays: any WorkingDays, configuration: PlannerConfiguration
    ) {
        self.occurrences = occurrences
        self.workingDays = workingDays
        self.configuration = configuration
        let keys = occurrences.map { $0.id.description }
        self.occurrenceKeys = keys
        var problems: [PlannerProblem] = []
        var fixed: [Planned] = []
        var overdue: [Int] = []
        var escalationDays: [Int: CivilDate] = [:]
        for (index, occurrence) in occurrences.enumerated() {
            let policy = occurrence.policy
            if occurrence.end < occurrence.start {
                problems.append(
                    PlannerProblem(
                        code: .endBeforeStart, occurrence: occurrence.id,
                        message: "last day \(occurrence.end) is before first day \(occurrence.start)"))
                continue
            }
            var days: Set<CivilDate> = []
            for lead in policy.leads {
                guard let day = Self.day(of: lead, from: occurrence.start, policy: policy.dayOff, workingDays) else {
                    problems.append(
                        PlannerProblem(
                            code: .noWorkingDay, occurrence: occurrence.id,
                            message: "no working day for lead \(lead) from \(occurrence.start)"))
                    continue
                }
                // Two leads landing on the same day (after moving off a holiday) remind once.
                guard days.insert(day).inserted else { continue }
                fixed.append(
                    Self.planned(
                        index, key: keys[index], reminderID: lead.description, kind: .lead(lead), audience: .owners,
                        recipients: occurrence.owners, day: day, policy: policy, configuration: configuration))
            }
            if let escalation = policy.escalation, !occurrence.leaders.isEmpty {
                if let day = Self.day(of: escalation.at, from: occurrence.end, policy: policy.dayOff, workingDays) {
                    escalationDays[index] = day
                    fixed.append(
                        Self.planned(
                            index, key: keys[index], reminderID: "escalate", kind: .escalation, audience: .leaders,
                            recipients: occurrence.leaders, day: day, policy: policy, configuration: configuration))
                } else {
                    problems.append(
                        PlannerProblem(
                            code: .noWorkingDay, occurrence: occurrence.id,
                            message: "no working day for the escalation \(escalation.at) from \(occurrence.end)"))
                }
            }
            if policy.overdue != nil { overdue.append(index) }
        }
        fixed.sort { ($0.due, $0.occurrence, $0.reminderID) < ($1.due, $1.occurrence, $1.reminderID) }
        self.fixed = fixed
        var byOccurrence: [Int: [Int]] = [:]
        for (position, planned) in fixed.enumerated() { byOccurrence[planned.occurrence, default: []].append(position) }
        self.fixedByOccurrence = byOccurrence
        var byID: [OccurrenceID: Int] = [:]
        for (index, occurrence) in occurrences.enumerated() where byID[occurrence.id] == nil { byID[occurrence.id] = index }
        self.indexByID = byID
        self.overdueIndices = overdue
        self.escalationDays = escalationDays
        self.problems = problems
    }

    static func day(of lead: Lead, from anchor: CivilDate, policy: DayOffPolicy, _ calendar: any WorkingDays)
        -> CivilDate?
    {
        if lead.unit == .workingDays && lead.amount != 0 {
            return calendar.workingDay(offset: lead.amount, from: anchor)
        }
        let days: Int
        switch lead.unit {
        case .days: days = lead.amount
        case .weeks: days = lead.amount * 7
        case .workingDays: days = 0
        }
        let day = anchor.adding(days: days)
        switch policy {
        case .keep: return day
        case .previousWorkingDay: return calendar.workingDayOnOrBefore(day)
        case .nextWorkingDay: return calendar.workingDayOnOrAfter(day)
        }
    }

    static func planned(
        _ index: Int, key: String, reminderID: String, kind: ReminderKind, audience: Audience, recipients: [String],
        day: CivilDate, policy: ReminderRules, configuration: PlannerConfiguration
    ) -> Planned {
        var deliveries: [Delivery] = []
        for channel in policy.channels where !recipients.isEmpty {
            if channel.isBroadcast {
                deliveries.append(
                    Delivery(
                        key: DeliveryID(occurrenceID: key, reminderID: reminderID, channel: channel.rawValue),
                        channel: channel, recipients: recipients))
            } else {
                for recipient in recipients {
                    deliveries.append(
                        Delivery(
                            key: DeliveryID(
                                occurrenceID: key, reminderID: reminderID, channel: channel.rawValue,
                                recipient: recipient),
                            channel: channel, recipients: [recipient]))
                }
            }
        }
        return Planned(
            occurrence: index, reminderID: reminderID, kind: kind, audience: audience, recipients: recipients, day: day,
            due: ZonedTime.instant(
                of: day, at: policy.deliveryTime ?? configuration.deliveryTime, in: configuration.timeZone),
            deliveries: deliveries)
    }

    /// Overdue repeats of one occurrence: every one due up to `now`, and the first one after it.
    func overdueRepeats(of index: Int, now: Date) -> [Planned] {
        let occurrence = occurrences[index]
        guard let repeating = occurrence.policy.overdue else { return [] }
        let escalationDay = escalationDays[index]
        var result: [Planned] = []
        var last = occurrence.end
        var step = 1
        while repeating.limit.map({ result.count < $0 }) ?? true {
            let interval = repeating.every.amount * step
            step += 1
            let nominal: CivilDate
            switch repeating.every.unit {
            case .days: nominal = occurrence.end.adding(days: interval)
            case .weeks: nominal = occurrence.end.adding(days: interval * 7)
            case .workingDays:
                guard let counted = workingDays.workingDay(offset: interval, from: occurrence.end) else { return result }
                nominal = counted
            }
            let day: CivilDate
            if occurrence.policy.dayOff == .keep {
                day = nominal
            } else {
                guard let moved = workingDays.workingDayOnOrAfter(nominal) else { break }
                day = moved
            }
            // Several nominal days can move onto one working day (daily repeats over a weekend).
            if day <= last { continue }
            last = day
            let escalated = escalationDay.map { day >= $0 } ?? false
            let recipients = escalated ? occurrence.owners + occurrence.leaders : occurrence.owners
            let audience: Audience = escalated ? .ownersAndLeaders : .owners
            let planned = Self.planned(
                index, key: occurrenceKeys[index], reminderID: "overdue-\(day)", kind: .overdue, audience: audience,
                recipients: recipients, day: day, policy: occurrence.policy, configuration: configuration)
            result.append(planned)
            if planned.due > now { break }
        }
        return result
    }

    enum Timing {
        case ignored
        case future
        case tooOld
        case pending
    }

    func timing(of due: Date, state: PlannerState, now: Date) -> Timing {
        if let floor = state.ignoreBefore, due < floor { return .ignored }
        if due > now { return .future }
        if now.timeIntervalSince(due) > configuration.catchUpWindow { return .tooOld }
        return .pending
    }

    /// Decides what is due at `now` given `state`.
    ///
    /// Call again after performing the actions and recording their keys; the same state and
    /// instant always give the same decision.
    public func decide(state: PlannerState, now: Date) -> Decision {
        let live = configuration.digest == nil && state.settledBefore != nil
            ? liveFromWatermark(state: state, now: now) : liveFull(state: state, now: now)
        var actions: [Action] = []
        var nextWakeup: Date?
        func consider(_ date: Date) {
            if nextWakeup.map({ date < $0 }) ?? true { nextWakeup = date }
        }
        // Pending overdue repeats and digests by series: only the newest of each is sent.
        var newestInSeries: [DeliveryID: Int] = [:]

        for planned in live {
            let occurrence = occurrences[planned.occurrence]
            var due = planned.due
            if let until = state.snoozedUntil[occurrence.id], until > due { due = until }
            for delivery in planned.deliveries where !state.recorded.contains(delivery.key) {
                switch timing(of: due, state: state, now: now) {
                case .ignored: continue
                case .future: consider(due)
                case .tooOld:
                    actions.append(
                        .missed(Missed(key: delivery.key, due: due, reason: .outsideCatchUpWindow, occurrence: occurrence)))
                case .pending:
                    let lateness = max(0, now.timeIntervalSince(due))
                    let reminder = Reminder(
                        key: delivery.key, kind: planned.kind, occurrence: occurrence, channel: delivery.channel,
                        recipients: delivery.recipients, audience: planned.audience, day: planned.day, due: due,
                        isLate: lateness > configuration.lateTolerance, lateness: lateness)
                    if planned.kind == .overdue {
                        let series = DeliveryID(
                            occurrenceID: delivery.key.occurrenceID, reminderID: "overdue",
                            channel: delivery.key.channel, recipient: delivery.key.recipient)
                        supersede(series: series, with: .remind(reminder), in: &actions, newest: &newestInSeries)
                    } else {
                        actions.append(.remind(reminder))
                    }
                }
            }
        }

        if let digest = configuration.digest {
            planDigests(digest, live: live, state: state, now: now, actions: &actions, newest: &newestInSeries,
                consider: consider)
        }

        actions.sort { a, b in
            if a.due != b.due { return a.due < b.due }
            if Self.rank(a) != Self.rank(b) { return Self.rank(a) < Self.rank(b) }
            return a.key < b.key
        }
        return Decision(actions: actions, nextWakeup: nextWakeup)
    }

    /// Every live reminder (not stopped by done or acknowledgement), whatever its due instant.
    func liveFull(state: PlannerState, now: Date) -> [Planned] {
        var live: [Planned] = []
        live.reserveCapacity(fixed.count)
        for planned in fixed where isLive(planned, state: state) {
            live.append(planned)
        }
        for index in overdueIndices {
            let id = occurrences[index].id
            if state.done.contains(id) || state.acknowledged.contains(id) { continue }
            live.append(contentsOf: overdueRepeats(of: index, now: now))
        }
        return live
    }

    /// The live reminders that can matter given ``PlannerState/settledBefore``: those due since
    /// the watermark up to the first one still to come (the fixed ones are sorted by due
    /// instant), every one of a snoozed occurrence, and the overdue repeats since the watermark.
    /// The decision is the same as from ``liveFull(state:now:)`` when the watermark holds.
    func liveFromWatermark(state: PlannerState, now: Date) -> [Planned] {
        let floor = max(state.settledBefore ?? .distantPast, state.ignoreBefore ?? .distantPast)
        var live: [Planned] = []
        var snoozed: Set<Int> = []
        for (id, until) in state.snoozedUntil {
            guard let index = indexByID[id] else { continue }
            snoozed.insert(index)
            for position in fixedByOccurrence[index] ?? [] where isLive(fixed[position], state: state) {
                if fixed[position].due < floor && until < floor { continue }
                live.append(fixed[position])
            }
        }
        var low = 0
        var high = fixed.count
        while low < high {
            let middle = (low + high) / 2
            if fixed[middle].due < floor { low = middle + 1 } else { high = middle }
        }
        var firstFuture: Date?
        for position in low..<fixed.count {
            let planned = fixed[position]
            if let firstFuture, planned.due > firstFuture { break }
            if snoozed.contains(planned.occurrence) || !isLive(planned, state: state) { continue }
            live.append(planned)
            if planned.due > now, firstFuture == nil,
                planned.deliveries.contains(where: { !state.recorded.contains($0.key) })
            {
                firstFuture = planned.due
            }
        }
        for index in overdueIndices {
            let id = occurrences[index].id
            if state.done.contains(id) || state.acknowledged.contains(id) { continue }
            let repeats = overdueRepeats(of: index, now: now)
            live.append(contentsOf: snoozed.contains(index) ? repeats : repeats.filter { $0.due >= floor })
        }
        return live
    }

    func isLive(_ planned: Planned, state: PlannerState) -> Bool {
        let id = occurrences[planned.occurrence].id
        if state.done.contains(id) { return false }
        if planned.kind == .escalation && state.acknowledged.contains(id) { return false }
        return true
    }

    static func rank(_ action: Action) -> Int {
        switch action {
        case .missed: 0
        case .remind: 1
        case .digest: 2
        }
    }

    /// Adds `action` as the newest of its series, turning an older pending one into a
    /// superseded record (or recording `action` itself as superseded when it is the older one).
    func supersede(series: DeliveryID, with action: Action, in actions: inout [Action], newest: inout [DeliveryID: Int]) {
        func missed(_ action: Action) -> Action {
            switch action {
            case .remind(let r): .missed(Missed(key: r.key, due: r.due, reason: .superseded, occurrence: r.occurrence))
            case .digest(let d): .missed(Missed(key: d.key, due: d.due, reason: .superseded, occurrence: nil))
            case .missed: action
            }
        }
        guard let previous = newest[series] else {
            newest[series] = actions.count
            actions.append(action)
            return
        }
        let older = actions[previous]
        if (older.due, older.key) < (action.due, action.key) {
            actions[previous] = missed(older)
            newest[series] = actions.count
            actions.append(action)
        } else {
            actions.append(missed(action))
        }
    }

    func planDigests(
        _ digest: DigestPolicy, live: [Planned], state: PlannerState, now: Date, actions: inout [Action],
        newest: inout [DeliveryID: Int], consider: (Date) -> Void
    ) {
        struct UnitDay: Hashable {
            var unit: String
            var day: CivilDate
        }
        var byUnitDay: [UnitDay: [Int: [String]]] = [:]
        for planned in live {
            for unit in planned.recipients {
                byUnitDay[UnitDay(unit: unit, day: planned.day), default: [:]][planned.occurrence, default: []]
                    .append(planned.reminderID)
            }
        }
        for (unitDay, byOccurrence) in byUnitDay {
            let due = ZonedTime.instant(
                of: unitDay.day, at: digest.time ?? configuration.deliveryTime, in: configuration.timeZone)
            let occurrenceKey = "*@\(unitDay.day)"
            var entries: [DigestEntry]?
            for channel in digest.channels {
                let key = DeliveryID(
                    occurrenceID: occurrenceKey, reminderID: "digest", channel: channel.rawValue,
                    recipient: unitDay.unit)
                if state.recorded.contains(key) { continue }
                switch timing(of: due, state: state, now: now) {
                case .ignored: continue
                case .future: consider(due)
                case .tooOld:
                    actions.append(.missed(Missed(key: key, due: due, reason: .outsideCatchUpWindow, occurrence: nil)))
                case .pending:
                    if entries == nil {
                        entries = byOccurrence.keys.sorted { (occurrences[$0].id, $0) < (occurrences[$1].id, $1) }.map {
                            DigestEntry(occurrence: occurrences[$0], reminders: byOccurrence[$0] ?? [])
                        }
                    }
                    let lateness = max(0, now.timeIntervalSince(due))
                    let action = Action.digest(
                        Digest(
                            key: key, recipient: unitDay.unit, channel: channel, day: unitDay.day, entries: entries ?? [],
                            due: due, isLate: lateness > configuration.lateTolerance, lateness: lateness))
                    let series = DeliveryID(
                        occurrenceID: "*", reminderID: "digest", channel: channel.rawValue, recipient: unitDay.unit)
                    supersede(series: series, with: action, in: &actions, newest: &newest)
                }
            }
        }
    }
}
