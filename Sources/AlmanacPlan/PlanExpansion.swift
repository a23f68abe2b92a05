import AlmanacCalendar

/// One dated entry of a plan's agenda: an occurrence of an item or of one of its phases.
public struct AgendaEntry: Sendable, Hashable, Encodable {
    public var itemID: String
    public var phaseID: String?
    public var kind: ItemKind
    /// The item's title, and for a phase the phase's title after ` · `.
    public var title: String
    /// The edition or anniversary label in the occurrence's year (第二十三届).
    public var edition: String?
    public var start: CivilDate
    public var end: CivilDate
    /// Time of day: from the rule, else the phase's or item's `time`.
    public var time: ClockTime?
    public var owners: [String]
    public var participants: [String]
    public var dateSource: DateSource?
    /// How the date was derived, step by step (from the rule engine).
    public var explanation: [String]

    /// `item` or `item/phase`.
    public var key: String { phaseID.map { "\(itemID)/\($0)" } ?? itemID }

    /// True for an occurrence spanning several days.
    public var isWindow: Bool { end != start }
}

/// Expands a plan's rules into dated agenda entries.
public enum PlanExpansion {
    /// Every entry overlapping `range`, ordered by start day, time and plan order. Each year uses
    /// the plan as overridden for that year; years the plan does not apply to contribute nothing.
    public static func entries(
        of plan: Plan, in range: ClosedRange<CivilDate>, context: RuleContext
    ) -> (entries: [AgendaEntry], diagnostics: [Diagnostic]) {
        var entries: [(entry: AgendaEntry, order: Int)] = []
        var diagnostics: [Diagnostic] = []
        let firstYear = range.lowerBound.components.year - 1
        let lastYear = range.upperBound.components.year
        guard firstYear <= lastYear else { return ([], []) }
        for year in firstYear...lastYear where plan.info.years.contains(year) {
            let (yearPlan, problems) = plan.resolved(for: year)
            diagnostics += problems
            for (order, item) in yearPlan.items.enumerated() {
                let edition = item.edition?.label(in: year)
                func add(_ rule: Located<String>, phase: Phase?) {
                    guard let parsed = try? DateRule.parse(rule.value) else { return }
                    for occurrence in parsed.occurrences(in: range, context: context)
                    where occurrence.start.components.year == year {
                        let entry = AgendaEntry(
                            itemID: item.id.value, phaseID: phase?.id.value, kind: item.kind.value,
                            title: phase.map { "\(item.title.value) · \($0.title.value)" } ?? item.title.value,
                            edition: edition, start: occurrence.start, end: occurrence.end,
                            time: occurrence.time.flatMap { ClockTime(hour: $0.hour, minute: $0.minute) }
                                ?? phase?.time?.value ?? item.time?.value,
                            owners: (phase?.owners.isEmpty == false ? phase!.owners : item.owners).map(\.value),
                            participants: item.participants.map(\.value),
                            dateSource: phase?.dateSource?.value ?? item.dateSource?.value,
                            explanation: occurrence.explanation)
                        entries.append((entry, order))
                    }
                }
                if let when = item.when { add(when, phase: nil) }
                for phase in item.phases { add(phase.when, phase: phase) }
            }
        }
        let sorted = entries.sorted { a, b in
            if a.entry.start != b.entry.start { return a.entry.start < b.entry.start }
            let ta = a.entry.time.map { $0.hour * 60 + $0.minute } ?? -1
            let tb = b.entry.time.map { $0.hour * 60 + $0.minute } ?? -1
            if ta != tb { return ta < tb }
            if a.order != b.order { return a.order < b.order }
            return (a.entry.phaseID ?? "") < (b.entry.phaseID ?? "")
        }.map(\.entry)
        return (sorted, diagnostics)
    }

    /// The days reminders for `entry` go out under `policy`: one per lead time, counted from the
    /// entry's first day (working-day leads follow `work`), with the reason in words.
    public static func reminders(
        for entry: AgendaEntry, policy: ReminderPolicy, work: WorkCalendar
    ) -> [(date: CivilDate, lead: Lead, reason: String)] {
        policy.leads.map { located in
            let lead = located.value
            let date: CivilDate
            let reason: String
            switch lead.unit {
            case .days:
                date = entry.start.adding(days: lead.amount)
                reason = lead.amount == 0 ? "on the day" : "\(abs(lead.amount)) day\(abs(lead.amount) == 1 ? "" : "s") \(lead.amount < 0 ? "before" : "after") \(entry.start)"
            case .weeks:
                date = entry.start.adding(days: 7 * lead.amount)
                reason = "\(abs(lead.amount)) week\(abs(lead.amount) == 1 ? "" : "s") \(lead.amount < 0 ? "before" : "after") \(entry.start)"
            case .workingDays:
                date = work.adding(workingDays: lead.amount, to: entry.start)
                reason = lead.amount == 0
                    ? "on the day"
                    : "\(abs(lead.amount)) working day\(abs(lead.amount) == 1 ? "" : "s") \(lead.amount < 0 ? "before" : "after") \(entry.start) (weekends, holidays and 调休 counted)"
            }
            return (date, lead, reason)
        }.sorted { $0.date < $1.date }
    }
}

/// Checks `when:` and `due:` rules with the calendar engine's `DateRule`.
public struct DateRuleChecker: RuleChecking {
    public var context: RuleContext

    public init(context: RuleContext) {
        self.context = context
    }

    public func check(rule: String, at location: SourceLocation?, years: [Int], itemIDs: Set<String>)
        -> (diagnostics: [Diagnostic], references: [String])
    {
        var diagnostics: [Diagnostic] = []
        let parsed: DateRule
        do {
            parsed = try DateRule.parse(rule)
        } catch {
            var at = location
            at?.column += max(0, error.column - 1)
            diagnostics.append(Diagnostic(.error, "date rule: \(error.message)", at: at))
            return (diagnostics, [])
        }
        var missing: [Int] = []
        for year in years {
            guard let first = CivilDate(year: year, month: 1, day: 1), let last = CivilDate(year: year, month: 12, day: 31)
            else { continue }
            let occurrences = parsed.occurrences(in: first...last, context: context).filter {
                $0.start.components.year == year
            }
            if occurrences.isEmpty { missing.append(year) }
            for o in occurrences where o.end < o.start {
                diagnostics.append(
                    Diagnostic(.error, "window '\(rule)' ends (\(o.end)) before it starts (\(o.start))", at: location))
            }
            if let o = occurrences.first, o.isWindow, o.end.components.year > year, o.start.days(to: o.end) > 183 {
                diagnostics.append(
                    Diagnostic(
                        .warning,
                        "window '\(rule)' ends before it starts within the year, so it runs into the next year (\(o.start)..\(o.end), \(o.start.days(to: o.end) + 1) days)",
                        at: location, hint: "swap the ends if that is not meant"))
            }
        }
        if !years.isEmpty && missing.count == years.count {
            let list = years.map(String.init).joined(separator: ", ")
            diagnostics.append(
                Diagnostic(.error, "date rule '\(rule)' has no occurrence in \(years.count == 1 ? "the plan year" : "any plan year") \(list)", at: location))
        } else if !missing.isEmpty && parsed.isRecurring {
            diagnostics.append(
                Diagnostic(
                    .warning, "date rule '\(rule)' has no occurrence in \(missing.map(String.init).joined(separator: ", "))",
                    at: location))
        }
        return (diagnostics, [])
    }
}

extension AgendaEntry {
    /// One stable line of plain text per entry, for golden files and logs:
    /// `2027-06-28..2027-07-23 campaign art-festival 文化艺术节、矿工节 [第二十三届] owners=whzx`.
    public var plainLine: String {
        var line = isWindow ? "\(start)..\(end)" : start.description
        if let time { line += " \(time)" }
        line += " \(kind.rawValue) \(key) \(title)"
        if let edition { line += " [\(edition)]" }
        if !owners.isEmpty { line += " owners=\(owners.joined(separator: ","))" }
        return line
    }
}
