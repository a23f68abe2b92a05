import AlmanacCalendar
import AlmanacPlan
import AlmanacScheduler
import AlmanacStore
import Foundation
import Logging

/// Checklist and quota notices as the scheduler runs them: planners rebuilt with the plan, the
/// statuses and checks read from the store at every tick, deliveries claimed, written to the
/// journal and queued as mail exactly like reminders (docs/checklists.md).
public struct ChecklistScheduling: Sendable {
    var checklistPlanner: ChecklistReminderPlanner?
    var quotaPlanner: QuotaPlanner?
    /// Occurrences of quota items, by item id, for reading their done marks.
    var quotaOccurrences: [String: [OccurrenceID]] = [:]
    var unitNames: [String: String] = [:]
    var recorded: Set<DeliveryID> = []
    var trackingSince: CivilDate?
    /// Marks recorded since this instant count toward the quotas.
    var marksSince: Date?

    public init() {}

    /// Delivery ids of checklist and quota notices start with these.
    static func isOwn(_ reminderID: String) -> Bool { reminderID.hasPrefix("checklist:") || reminderID.hasPrefix("quota:") }
}

extension SchedulerCore {
    /// Rebuilds the checklist and quota planners for `plan` (expanded into `occurrences`) and
    /// reads back which of their notices were already recorded.
    mutating func replanChecklists(
        plan: Plan, occurrences: some Collection<ScheduledOccurrence>, context: RuleContext, now: Date
    ) throws(StoreError) {
        var scheduling = ChecklistScheduling()
        let deadlines = ChecklistDeadline.from(plan, occurrences: occurrences, context: context)
        if !deadlines.isEmpty {
            scheduling.checklistPlanner = ChecklistReminderPlanner(
                deadlines: deadlines, configuration: configuration, workingDays: workingDays)
        }
        let targets = QuotaTarget.from(plan)
        if !targets.isEmpty {
            scheduling.quotaPlanner = QuotaPlanner(targets: targets, configuration: configuration, workingDays: workingDays)
            let quotaItems = Set(targets.map(\.itemID))
            for occurrence in occurrences where quotaItems.contains(occurrence.itemID) {
                scheduling.quotaOccurrences[occurrence.itemID, default: []].append(occurrence.id)
            }
            scheduling.marksSince = occurrences.first.map {
                ZonedTime.instant(of: $0.start, at: TimeOfDay(hour: 0, minute: 0) ?? .nine, in: configuration.timeZone)
            }
        }
        for unit in plan.units { scheduling.unitNames[unit.id.value] = unit.name.value }
        let since = now.addingTimeInterval(-Self.recordedMargin * 2)
        for record in try store.deliveries(dueSince: since) where record.state != .failed && ChecklistScheduling.isOwn(record.key.reminderID) {
            scheduling.recorded.insert(record.key)
        }
        if let installed = try store.delivery(Self.installationKey)?.dueAt {
            scheduling.trackingSince = ZonedTime.civilDate(of: installed, in: configuration.timeZone)
        }
        checklists = scheduling
    }

    /// Decides and sends the checklist and quota notices due at `now`; returns the next wake-up.
    public mutating func tickChecklists(now: Date) -> Date? {
        var wakeups: [Date] = []
        if let planner = checklists.checklistPlanner {
            var progress: [OccurrenceID: [String: IndicatorStatus]] = [:]
            let recorded = (try? store.checklistProgress(occurrenceIDs: planner.deadlines.map(\.occurrence.description))) ?? [:]
            for deadline in planner.deadlines {
                var statuses: [String: IndicatorStatus] = [:]
                for r in recorded[deadline.occurrence.description] ?? [] { statuses[r.entryID] = ChecklistState.status(r.state) }
                progress[deadline.occurrence] = statuses
            }
            let decision = planner.decide(progress: progress, recorded: checklists.recorded, now: now)
            recordMissed(decision.missed, now: now)
            for notice in decision.notices { send(notice, now: now) }
            if let next = decision.nextWakeup { wakeups.append(next) }
        }
        if let planner = checklists.quotaPlanner {
            var checks: [String: [CivilDate]] = [:]
            // Every mark since the window began, in one read; one check per occurrence marked
            // done (and not undone), on the day it was marked.
            var doneAt: [String: Date] = [:]
            for mark in (try? store.marks(since: checklists.marksSince ?? .distantPast)) ?? [] {
                switch mark.kind {
                case .done: doneAt[mark.occurrenceID] = mark.at
                case .undone: doneAt[mark.occurrenceID] = nil
                default: break
                }
            }
            for (item, ids) in checklists.quotaOccurrences {
                for id in ids {
                    if let at = doneAt[id.description] {
                        checks[item, default: []].append(ZonedTime.civilDate(of: at, in: configuration.timeZone))
                    }
                }
            }
            let decision = planner.decide(
                checks: checks, recorded: checklists.recorded, now: now, trackingSince: checklists.trackingSince)
            recordMissed(decision.missed, now: now)
            for notice in decision.notices { send(notice, now: now) }
            if let next = decision.nextWakeup { wakeups.append(next) }
        }
        return wakeups.min()
    }

    /// Records the notices missed in one pass in one transaction (after downtime, or on the first
    /// start with a checklist of thousands of indicators, they are thousands).
    private mutating func recordMissed(_ missed: [Missed], now: Date) {
        guard !missed.isEmpty else { return }
        do {
            try store.recordMissed(missed.map { MissedDelivery($0.key, dueAt: $0.due) }, at: now)
            for m in missed { checklists.recorded.insert(m.key) }
        } catch {
            logger.error(
                "delivery failed, will retry",
                metadata: ["ALMANAC_DELIVERY": "\(missed[0].key)", "ALMANAC_COUNT": "\(missed.count)", "error": "\(error)"])
        }
    }

    private func name(_ unit: String) -> String {
        if unit.hasSuffix(".leader") {
            let id = String(unit.dropLast(".leader".count))
            return (checklists.unitNames[id] ?? id) + "负责人"
        }
        return checklists.unitNames[unit] ?? unit
    }

    /// Subject and body of a checklist notice, in Chinese.
    func text(_ notice: ChecklistNotice) -> (subject: String, body: String) {
        let unit = name(notice.unit)
        let count = notice.open.count
        let subject: String
        switch notice.kind {
        case .reminder(let n):
            subject = "【\(notice.checklistTitle)】\(unit)：距截止（\(notice.deadline)）还有\(n)个工作日，尚有\(count)项指标未完成"
        case .escalation(let n):
            subject = "【督办·\(notice.checklistTitle)】\(unit)尚有\(count)项指标未完成，\(notice.deadline)截止（提前\(n)个工作日）"
        case .overdue:
            subject = "【逾期·\(notice.checklistTitle)】\(unit)已逾期（截止\(notice.deadline)），尚有\(count)项指标未完成"
        }
        let lines = notice.open.map { "- \($0.code) \($0.title)" }
        return (subject, lines.joined(separator: "\n") + "\n")
    }

    /// Subject and body of a quota notice, in Chinese.
    func text(_ notice: QuotaNotice) -> (subject: String, body: String) {
        let period = "\(notice.period.lowerBound)至\(notice.period.upperBound)"
        let owners = notice.target.owners.map { name($0) }.joined(separator: "、")
        switch notice.kind {
        case .warning:
            return ("【\(notice.target.title)】本期（\(period)）已检查\(notice.done)次，要求不少于\(notice.target.count)次，今天是本期最后一个工作日",
                    "责任单位：\(owners)\n")
        case .report:
            return ("【\(notice.target.title)】上期（\(period)）检查\(notice.done)次，少于要求的\(notice.target.count)次",
                    "责任单位：\(owners)\n")
        }
    }

    private mutating func send(_ notice: ChecklistNotice, now: Date) {
        let (subject, body) = text(notice)
        deliver(
            key: notice.key, channel: notice.channel, due: notice.dueAt, late: notice.isLate, subject: subject, body: body,
            metadata: [
                "ALMANAC_ITEM": "\(notice.occurrence.itemID)", "ALMANAC_DATE": "\(notice.deadline)", "ALMANAC_KIND": "checklist",
                "ALMANAC_OWNERS": "\(notice.unit)", "ALMANAC_CHECKLIST": "\(notice.checklistID)",
                "ALMANAC_OPEN": "\(notice.open.count)",
            ],
            overdue: notice.kind == .overdue, now: now)
    }

    private mutating func send(_ notice: QuotaNotice, now: Date) {
        let (subject, body) = text(notice)
        deliver(
            key: notice.key, channel: notice.channel, due: notice.dueAt,
            late: now.timeIntervalSince(notice.dueAt) > configuration.lateTolerance, subject: subject, body: body,
            metadata: [
                "ALMANAC_ITEM": "\(notice.target.itemID)", "ALMANAC_DATE": "\(notice.period.lowerBound)", "ALMANAC_KIND": "quota",
                "ALMANAC_OWNERS": "\(notice.target.owners.joined(separator: ","))",
            ],
            overdue: notice.kind == .report, now: now)
    }

    /// Claim, send (journal entry or queued mail), record: the exactly-once protocol of
    /// docs/state-store.md.
    private mutating func deliver(
        key: DeliveryID, channel: Channel, due: Date, late: Bool, subject: String, body: String,
        metadata extra: Logger.Metadata, overdue: Bool, now: Date
    ) {
        do {
            let claim = try store.claimDelivery(key, dueAt: due, late: late, at: now)
            let record: DeliveryRecord
            switch claim {
            case .alreadyDone:
                checklists.recorded.insert(key)
                return
            case .inDoubt(let row):
                try store.resolveInDoubt(row.id, sent: channel == .journal, at: now)
                checklists.recorded.insert(key)
                return
            case .claimed(let row): record = row
            }
            switch channel {
            case .journal:
                var metadata = extra
                metadata["MESSAGE_ID"] = "\(overdue ? ReminderMessageID.overdue : (late ? ReminderMessageID.late : ReminderMessageID.reminder))"
                metadata["ALMANAC_DELIVERY"] = "\(key)"
                metadata["ALMANAC_RECIPIENTS"] = "\(key.recipient)"
                try dispatcher.requireLease(key)
                logger.log(level: overdue ? .warning : .notice, "\(subject)\n\(body)", metadata: metadata)
                try store.markSent(record.id, at: now)
            case .mail:
                guard let to = dispatcher.mail.addresses[key.recipient], !to.isEmpty else {
                    try store.markFailed(record.id, at: now, error: "no mail address for \(key.recipient)")
                    logger.warning(
                        "no mail address for a reminder's recipient",
                        metadata: ["ALMANAC_DELIVERY": "\(key)", "ALMANAC_RECIPIENT": "\(key.recipient)"])
                    checklists.recorded.insert(key)
                    return
                }
                try dispatcher.enqueueMail(
                    MailComposer.message(key: key, from: dispatcher.mail.sender, to: to, subject: subject, body: body, date: now),
                    delivery: record, now: now)
            }
            checklists.recorded.insert(key)
        } catch {
            logger.error("delivery failed, will retry", metadata: ["ALMANAC_DELIVERY": "\(key)", "error": "\(error)"])
        }
    }
}
