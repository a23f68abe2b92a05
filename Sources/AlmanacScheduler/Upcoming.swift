import AlmanacCalendar
import AlmanacPlan
import Foundation

/// A delivery still to come, as `almanacctl next` and `status.json` list it.
public struct UpcomingDelivery: Hashable, Sendable {
    /// The delivery's identity (occurrence, reminder, channel, recipient).
    public var key: DeliveryID
    /// Lead, escalation or overdue repeat.
    public var kind: ReminderKind
    /// The occurrence it reminds of.
    public var occurrence: ScheduledOccurrence
    /// The channel.
    public var channel: Channel
    /// Everyone it reaches: one unit for mail, all of them for the journal.
    public var recipients: [String]
    /// Owners, leaders or both.
    public var audience: Audience
    /// The civil day (plan time zone) it belongs to.
    public var day: CivilDate
    /// When it falls due (after a snooze: when the snooze ends).
    public var due: Date
}

extension ReminderPlanner {
    /// The next `limit` deliveries due after `now` that are not recorded and not stopped (by a
    /// done mark, or an acknowledgement for escalations and overdue repeats), soonest first, ties
    /// by key. The same rules as ``decide(state:now:)``: a snooze moves a delivery to its end,
    /// deliveries before ``PlannerState/ignoreBefore`` do not count. Digests are not listed.
    public func upcoming(state: PlannerState, now: Date, limit: Int) -> [UpcomingDelivery] {
        guard limit > 0 else { return [] }
        var result: [UpcomingDelivery] = []
        var snoozed: Set<Int> = []
        for (id, until) in state.snoozedUntil where until > now {
            if let index = index(of: id) { snoozed.insert(index) }
        }
        @discardableResult
        func add(_ planned: Planned) -> Int {
            let occurrence = occurrences[Int(planned.occurrence)]
            var due = planned.due
            if let until = state.snoozedUntil[occurrence.id], until > due { due = until }
            guard due > now else { return 0 }
            if let floor = state.ignoreBefore, due < floor { return 0 }
            var added = 0
            forEachDelivery(of: planned) { key, channel, recipient in
                guard !state.recorded.contains(key) else { return }
                result.append(
                    UpcomingDelivery(
                        key: key, kind: planned.kind, occurrence: occurrence, channel: channel,
                        recipients: deliveryRecipients(recipient, of: planned), audience: planned.audience,
                        day: planned.day, due: due))
                added += 1
            }
            return added
        }
        // Snoozed occurrences: every live reminder, wherever the snooze moved it.
        for index in snoozed {
            for position in fixedPositions(of: index) where isLive(fixed[Int(position)], state: state) {
                add(fixed[Int(position)])
            }
        }
        // The fixed reminders are sorted by due instant: start at the first after `now` and stop
        // once `limit` are found and the instant moves on (ties stay together).
        var low = 0
        var high = fixed.count
        while low < high {
            let middle = (low + high) / 2
            if fixed[middle].due <= now { low = middle + 1 } else { high = middle }
        }
        var found = 0
        var position = low
        while position < fixed.count {
            let planned = fixed[position]
            position += 1
            if snoozed.contains(Int(planned.occurrence)) || !isLive(planned, state: state) { continue }
            found += add(planned)
            if found >= limit, position < fixed.count, fixed[position].due > planned.due { break }
        }
        for index in overdueIndices {
            let id = occurrences.id(of: index)
            if state.done.contains(id) || state.acknowledged.contains(id) { continue }
            for planned in overdueRepeats(of: index, now: now) { add(planned) }
        }
        result.sort { ($0.due, $0.key) < ($1.due, $1.key) }
        return Array(result.prefix(limit))
    }
}
