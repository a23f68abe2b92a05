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
    /// The occurrences planned, in the order given: the plan's expansion, shared, not copied.
    public let occurrences: ScheduledOccurrences
    /// The plan-wide settings.
    public let configuration: PlannerConfiguration
    /// Reminders that could not be placed (and are therefore left out).
    public let problems: [PlannerProblem]

    let workingDays: any WorkingDays
    /// Lead reminders and escalations: fixed by the plan, sorted by due instant. Each is a small
    /// value: its deliveries and recipients are derived from the occurrence when needed
    /// (``forEachDelivery(of:_:)``), not stored.
    let fixed: [Planned]
    /// Indices of occurrences with overdue repeats.
    let overdueIndices: [Int]
    /// The escalation day of each occurrence that has one: overdue repeats from that day on
    /// go to the leaders too.
    let escalationDays: [Int: CivilDate]
    /// Positions in `fixed` per occurrence, flat: those of occurrence `i` are
    /// `fixedPositions[fixedStarts[i]..<fixedStarts[i + 1]]` (for snoozed occurrences).
    let fixedStarts: [Int32]
    let fixedPositions: [Int32]
    /// Occurrence indices sorted by id (ties by index), for lookups by id.
    let indicesByID: [Int32]

    /// One planned reminder of an occurrence, 16 bytes: the plan's lead reminders and
    /// escalations are kept as these for the plan's life (two or three per occurrence). Its
    /// recipients follow from the audience (owners, leaders, or both), its deliveries from the
    /// occurrence's channels (one per channel for a broadcast channel, one per recipient
    /// otherwise), its reminder id from its kind: nothing is stored but small integers.
    struct Planned: Sendable {
        var occurrence: Int32
        private var dayNumber: Int32
        /// Seconds from the day's midnight in UTC to the due instant (whole seconds: the plan's
        /// delivery time in its zone), so the instant is exact.
        private var dueOffset: Int32
        private var leadAmount: Int16
        /// The kind (bits 0-1), the lead's unit (bits 2-3), the audience (bits 4-5).
        private var bits: UInt8

        private static let units: [Lead.Unit] = [.days, .workingDays, .weeks]
        private static let audiences: [Audience] = [.owners, .leaders, .ownersAndLeaders]

        init(occurrence: Int32, audience: Audience, kind: ReminderKind, day: CivilDate, due: Date) {
            self.occurrence = occurrence
            dayNumber = Int32(clamping: day.dayNumber)
            dueOffset = Int32(clamping: Int(due.timeIntervalSince1970.rounded(.down)) - day.dayNumber * 86_400)
            var kindBits: UInt8 = 0
            var unitBits: UInt8 = 0
            leadAmount = 0
            switch kind {
            case .lead(let lead):
                leadAmount = Int16(clamping: lead.amount)
                unitBits = UInt8(Self.units.firstIndex(of: lead.unit) ?? 0)
            case .escalation: kindBits = 1
            case .overdue: kindBits = 2
            }
            bits = kindBits | unitBits << 2 | UInt8(Self.audiences.firstIndex(of: audience) ?? 0) << 4
        }

        /// The day it goes out.
        var day: CivilDate { CivilDate(dayNumber: Int(dayNumber)) }

        /// When it is due.
        var due: Date { Date(timeIntervalSince1970: Double(Int(dayNumber) * 86_400 + Int(dueOffset))) }

        /// Whom it reaches.
        var audience: Audience { Self.audiences[Int(bits >> 4 & 3)] }

        var kind: ReminderKind {
            switch bits & 3 {
            case 0: .lead(Lead(amount: Int(leadAmount), unit: Self.units[Int(bits >> 2 & 3)]))
            case 1: .escalation
            default: .overdue
            }
        }

        /// The reminder's part of its delivery keys: the lead (`-10wd`), `escalate`, or
        /// `overdue-YYYY-MM-DD`.
        var reminderID: String {
            switch bits & 3 {
            case 0: Lead(amount: Int(leadAmount), unit: Self.units[Int(bits >> 2 & 3)]).description
            case 1: "escalate"
            default: "overdue-\(day)"
            }
        }

        /// The order of ``ReminderPlanner/fixed``: by due instant, occurrence, then reminder id.
        static func inOrder(_ a: Planned, _ b: Planned) -> Bool {
            if a.due != b.due { return a.due < b.due }
            if a.occurrence != b.occurrence { return a.occurrence < b.occurrence }
            return a.reminderID < b.reminderID
        }
    }

    /// Schedules `occurrences` against `workingDays` (the holiday calendar).
    public init(
        occurrences: [ScheduledOccurrence], workingDays: any WorkingDays, configuration: PlannerConfiguration
    ) {
        self.init(occurrences: ScheduledOccurrences(occurrences), workingDays: workingDays, configuration: configuration)
    }

    /// Schedules `occurrences` (the plan's expansion, read through ``ScheduleInput``) against
    /// `workingDays` (the holiday calendar).
    public init(
        occurrences: ScheduledOccurrences, workingDays: any WorkingDays, configuration: PlannerConfiguration
    ) {
        self.occurrences = occurrences
        self.workingDays = workingDays
        self.configuration = configuration
        var problems: [PlannerProblem] = []
        var fixed: [Planned] = []
        var overdue: [Int] = []
        var escalationDays: [Int: CivilDate] = [:]
        var days: [CivilDate] = []
        for index in occurrences.indices {
            let series = occurrences.template(of: index)
            let policy = series.policy
            let start = occurrences.start(of: index)
            let end = occurrences.end(of: index)
            if end < start {
                let occurrence = occurrences[index]
                problems.append(
                    PlannerProblem(
                        code: .endBeforeStart, occurrence: occurrence.id,
                        message: "last day \(occurrence.end) is before first day \(occurrence.start)"))
                continue
            }
            days.removeAll(keepingCapacity: true)
            for lead in policy.leads {
                guard let day = Self.day(of: lead, from: start, policy: policy.dayOff, workingDays) else {
                    problems.append(
                        PlannerProblem(
                            code: .noWorkingDay, occurrence: occurrences.id(of: index),
                            message: "no working day for lead \(lead) from \(start)"))
                    continue
                }
                // Two leads landing on the same day (after moving off a holiday) remind once.
                guard !days.contains(day) else { continue }
                days.append(day)
                fixed.append(
                    Self.planned(index, kind: .lead(lead), audience: .owners, day: day, policy: policy, configuration: configuration))
            }
            if let escalation = policy.escalation, !series.leaders.isEmpty {
                if let day = Self.day(of: escalation.at, from: end, policy: policy.dayOff, workingDays) {
                    escalationDays[index] = day
                    fixed.append(
                        Self.planned(
                            index, kind: .escalation, audience: .leaders, day: day, policy: policy, configuration: configuration))
                } else {
                    problems.append(
                        PlannerProblem(
                            code: .noWorkingDay, occurrence: occurrences.id(of: index),
                            message: "no working day for the escalation \(escalation.at) from \(end)"))
                }
            }
            if policy.overdue != nil { overdue.append(index) }
        }
        fixed.sort(by: Planned.inOrder)
        // Kept for the plan's life: without the spare room that appending left.
        self.fixed = fixed.withoutSpareCapacity()
        // Positions per occurrence, flat (counting sort by occurrence; positions stay ascending).
        var starts = [Int32](repeating: 0, count: occurrences.count + 1)
        for planned in fixed { starts[Int(planned.occurrence) + 1] += 1 }
        for index in occurrences.indices { starts[index + 1] += starts[index] }
        var next = starts
        var positions = [Int32](repeating: 0, count: fixed.count)
        for (position, planned) in fixed.enumerated() {
            let occurrence = Int(planned.occurrence)
            positions[Int(next[occurrence])] = Int32(position)
            next[occurrence] += 1
        }
        self.fixedStarts = starts
        self.fixedPositions = positions
        var byID = (0..<Int32(occurrences.count)).map { $0 }
        byID.sort { a, b in
            let (ia, ib) = (occurrences.id(of: Int(a)), occurrences.id(of: Int(b)))
            return ia != ib ? ia < ib : a < b
        }
        self.indicesByID = byID
        self.overdueIndices = overdue
        self.escalationDays = escalationDays
        self.problems = problems
    }

    /// The index of the occurrence with this id (the first, should an id repeat).
    func index(of id: OccurrenceID) -> Int? {
        var low = 0
        var high = indicesByID.count
        while low < high {
            let middle = (low + high) / 2
            if occurrences.id(of: Int(indicesByID[middle])) < id { low = middle + 1 } else { high = middle }
        }
        guard low < indicesByID.count else { return nil }
        let index = Int(indicesByID[low])
        return occurrences.id(of: index) == id ? index : nil
    }

    /// The positions in `fixed` of the reminders of occurrence `index`.
    func fixedPositions(of index: Int) -> ArraySlice<Int32> {
        fixedPositions[Int(fixedStarts[index])..<Int(fixedStarts[index + 1])]
    }

    /// Everyone `planned` reaches: the owners, the leaders, or both.
    func recipients(of planned: Planned) -> [String] {
        let occurrence = occurrences.template(of: Int(planned.occurrence))
        switch planned.audience {
        case .owners: return occurrence.owners
        case .leaders: return occurrence.leaders
        case .ownersAndLeaders: return occurrence.owners + occurrence.leaders
        }
    }

    /// Calls `body` with each delivery of `planned` in order (channel by channel, recipient by
    /// recipient): its key, its channel, and the one recipient of a per-recipient channel
    /// (`nil` for a broadcast channel, which reaches ``recipients(of:)`` at once). None when
    /// there is nobody to reach.
    func forEachDelivery(of planned: Planned, _ body: (DeliveryID, Channel, String?) -> Void) {
        let index = Int(planned.occurrence)
        let occurrence = occurrences.template(of: index)
        // Built here, once per reminder: no text is kept per occurrence.
        let key = occurrences.id(of: index).description
        let reminderID = planned.reminderID
        func each(_ recipients: [String], _ channel: Channel) {
            for recipient in recipients {
                body(
                    DeliveryID(occurrenceID: key, reminderID: reminderID, channel: channel.rawValue, recipient: recipient),
                    channel, recipient)
            }
        }
        let owners: [String]
        let leaders: [String]
        switch planned.audience {
        case .owners: (owners, leaders) = (occurrence.owners, [])
        case .leaders: (owners, leaders) = ([], occurrence.leaders)
        case .ownersAndLeaders: (owners, leaders) = (occurrence.owners, occurrence.leaders)
        }
        guard !owners.isEmpty || !leaders.isEmpty else { return }
        for channel in occurrence.policy.channels {
            if channel.isBroadcast {
                body(DeliveryID(occurrenceID: key, reminderID: reminderID, channel: channel.rawValue), channel, nil)
            } else {
                each(owners, channel)
                each(leaders, channel)
            }
        }
    }

    /// The recipients of one delivery: its one recipient, or all of `planned`'s.
    func deliveryRecipients(_ recipient: String?, of planned: Planned) -> [String] {
        recipient.map { [$0] } ?? recipients(of: planned)
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
        _ index: Int, kind: ReminderKind, audience: Audience, day: CivilDate, policy: ReminderRules,
        configuration: PlannerConfiguration
    ) -> Planned {
        Planned(
            occurrence: Int32(index), audience: audience, kind: kind, day: day,
            due: ZonedTime.instant(
                of: day, at: policy.deliveryTime ?? configuration.deliveryTime, in: configuration.timeZone))
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
            // From the escalation day on, the leaders too (when there are any).
            let audience: Audience = escalated && !occurrence.leaders.isEmpty ? .ownersAndLeaders : .owners
            let planned = Self.planned(
                index, kind: .overdue, audience: audience, day: day,
                policy: occurrence.policy, configuration: configuration)
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
            let index = Int(planned.occurrence)
            var due = planned.due
            if !state.snoozedUntil.isEmpty, let until = state.snoozedUntil[occurrences.id(of: index)], until > due { due = until }
            forEachDelivery(of: planned) { key, channel, recipient in
                guard !state.recorded.contains(key) else { return }
                switch timing(of: due, state: state, now: now) {
                case .ignored: return
                case .future: consider(due)
                case .tooOld:
                    actions.append(
                        .missed(Missed(key: key, due: due, reason: .outsideCatchUpWindow, occurrence: occurrences[index])))
                case .pending:
                    let lateness = max(0, now.timeIntervalSince(due))
                    let reminder = Reminder(
                        key: key, kind: planned.kind, occurrence: occurrences[index], channel: channel,
                        recipients: deliveryRecipients(recipient, of: planned), audience: planned.audience,
                        day: planned.day, due: due, isLate: lateness > configuration.lateTolerance, lateness: lateness)
                    if planned.kind == .overdue {
                        let series = DeliveryID(
                            occurrenceID: key.occurrenceID, reminderID: "overdue", channel: key.channel,
                            recipient: key.recipient)
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
            let id = occurrences.id(of: index)
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
            guard let index = index(of: id) else { continue }
            snoozed.insert(index)
            for position in fixedPositions(of: index) where isLive(fixed[Int(position)], state: state) {
                if fixed[Int(position)].due < floor && until < floor { continue }
                live.append(fixed[Int(position)])
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
            if snoozed.contains(Int(planned.occurrence)) || !isLive(planned, state: state) { continue }
            live.append(planned)
            if planned.due > now, firstFuture == nil {
                var unrecorded = false
                forEachDelivery(of: planned) { key, _, _ in
                    if !unrecorded && !state.recorded.contains(key) { unrecorded = true }
                }
                if unrecorded { firstFuture = planned.due }
            }
        }
        for index in overdueIndices {
            let id = occurrences.id(of: index)
            if state.done.contains(id) || state.acknowledged.contains(id) { continue }
            let repeats = overdueRepeats(of: index, now: now)
            live.append(contentsOf: snoozed.contains(index) ? repeats : repeats.filter { $0.due >= floor })
        }
        return live
    }

    func isLive(_ planned: Planned, state: PlannerState) -> Bool {
        let id = occurrences.id(of: Int(planned.occurrence))
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
            for unit in recipients(of: planned) {
                byUnitDay[UnitDay(unit: unit, day: planned.day), default: [:]][Int(planned.occurrence), default: []]
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
