import AlmanacCalendar
import AlmanacPlan
import Foundation

/// What is recorded about one occurrence, as far as its state goes.
public struct OccurrenceMarks: Sendable, Hashable {
    public var done: Bool
    public var acknowledged: Bool
    /// Reminders are held back right now.
    public var snoozed: Bool
    /// The latest note recorded with a mark.
    public var note: String?

    public init(done: Bool = false, acknowledged: Bool = false, snoozed: Bool = false, note: String? = nil) {
        self.done = done
        self.acknowledged = acknowledged
        self.snoozed = snoozed
        self.note = note
    }
}

/// Builds the answers of `cal`, `show` and `explain` from a plan, its working-day calendar and
/// today's date: pure, so the daemon (with its state store behind `marks`) and tests give the
/// same answers for the same inputs.
public struct PlanReports: Sendable {
    public var plan: Plan
    public var work: WorkCalendar
    /// Today in the plan's time zone.
    public var today: CivilDate
    /// The marks of an occurrence id (`item@YYYY-MM-DD`, `item/phase@YYYY-MM-DD`).
    public var marks: @Sendable (String) -> OccurrenceMarks

    public init(
        plan: Plan, work: WorkCalendar, today: CivilDate,
        marks: @escaping @Sendable (String) -> OccurrenceMarks = { _ in OccurrenceMarks() }
    ) {
        self.plan = plan
        self.work = work
        self.today = today
        self.marks = marks
    }

    /// The state shown for an occurrence: done, then snoozed, then acknowledged; an open
    /// occurrence of a kind with a deadline whose last day has passed is overdue.
    public static func state(_ marks: OccurrenceMarks, end: CivilDate, kind: String, today: CivilDate) -> OccurrenceState {
        if marks.done { return .done }
        if marks.snoozed { return .snoozed }
        if marks.acknowledged { return .acknowledged }
        if end < today, hasDeadline(kind) { return .overdue }
        return .open
    }

    /// Kinds whose passing date leaves work undone (a festival that passed is just past).
    public static func hasDeadline(_ kind: String) -> Bool {
        [ItemKind.deadline, .inspection, .task].map(\.rawValue).contains(kind)
    }

    /// Working days from `today` to `date`: the working days after today up to and including
    /// `date` (negative, counted the same way backwards, for past dates); 0 for today.
    public static func workingDays(from today: CivilDate, to date: CivilDate, work: WorkCalendar) -> Int {
        if date == today { return 0 }
        if date > today { return work.countWorkingDays(in: today.adding(days: 1)...date) }
        return -work.countWorkingDays(in: date...today.adding(days: -1))
    }

    private var context: RuleContext { RuleContext(workCalendar: work) }

    // MARK: - cal

    /// One month: every day with its official kind and lunar day, and the occurrences that overlap it.
    public func cal(_ query: CalQuery) throws(ControlError) -> CalReport {
        let year = query.year ?? today.year
        let month = query.month ?? (query.year == nil ? today.month : 1)
        guard (1...12).contains(month), let first = CivilDate(year: year, month: month, day: 1),
            ChineseCalendar.supportedYears.contains(year)
        else {
            throw ControlError(.badRequest, "no such month: \(year)-\(month) (years \(ChineseCalendar.supportedYears))")
        }
        let last = first.endOfMonth
        let days = (first...last).map { date -> CalDay in
            let kind = work.dayKind(date)
            var lunar: String?
            if let l = try? ChineseCalendar.standard.lunarDate(from: date) {
                lunar = l.day == 1 ? LunarDate.chineseMonth(l.month, leap: l.isLeapMonth) : LunarDate.chineseDay(l.day)
            }
            return CalDay(
                date: date, weekday: date.weekday.rawValue, dayKind: kind.code, holiday: kind.holidayName,
                workingDay: kind.isWorkingDay, lunar: lunar)
        }
        let entries = PlanExpansion.entries(of: plan, in: first...last, context: context).entries.map(entry)
        return CalReport(
            month: String(format: "%04d-%02d", year, month),
            hasHolidayTable: plan.info.holidays.value != "cn" || work.hasTable(for: year), days: days, entries: entries)
    }

    // MARK: - show

    /// An item with its occurrences (in the years asked for, else the plan's years) and reminder days.
    public func show(_ query: ShowQuery) throws(ControlError) -> ShowReport {
        let (item, phase) = try lookUp(query.item)
        var years = query.years ?? []
        if years.isEmpty {
            switch plan.info.years {
            case .list(let list): years = list.map(\.value).sorted()
            case .every: years = [today.year]
            }
        }
        guard years.allSatisfy(ChineseCalendar.supportedYears.contains) else {
            throw ControlError(.badRequest, "years must be within \(ChineseCalendar.supportedYears)")
        }
        var all: [OccurrenceDetail] = []
        for year in Set(years).sorted() {
            guard let first = CivilDate(year: year, month: 1, day: 1), let last = CivilDate(year: year, month: 12, day: 31)
            else { continue }
            all += details(of: item, phase: phase, in: first...last).filter { $0.entry.date.year == year }
        }
        let limit = max(0, query.limit ?? 12)
        let shown = limit > 0 ? Array(all.prefix(limit)) : all
        return ShowReport(
            item: summary(item), occurrences: shown, more: all.count - shown.count,
            yearsWithoutHolidayTable: yearsWithoutHolidayTable(Set(years).sorted()))
    }

    // MARK: - explain

    /// The occurrence containing `query.date` (without a date: the current one, as `ack` picks
    /// it), else the nearest occurrences before and after, within about a year each way.
    /// `history` is left empty for the caller to fill from its records.
    public func explain(_ query: ExplainQuery) throws(ControlError) -> ExplainReport {
        let (item, phase) = try lookUp(query.item)
        let center = query.date ?? today
        let around = details(of: item, phase: phase, in: center.adding(days: -400)...center.adding(days: 400))
        var chosen: OccurrenceDetail?
        if let date = query.date {
            chosen = around.first { $0.entry.date <= date && date <= ($0.entry.endDate ?? $0.entry.date) }
        } else {
            let recent = around.filter { $0.entry.date <= today && $0.entry.date >= today.adding(days: -30) }
            chosen = recent.reversed().first { $0.entry.state != .done }
                ?? around.first { $0.entry.date > today }
        }
        let anchor = chosen?.entry.date ?? center
        let previous = around.last { ($0.entry.endDate ?? $0.entry.date) < anchor }
        let next = around.first { $0.entry.date > (chosen.map { $0.entry.endDate ?? $0.entry.date } ?? center) }
        return ExplainReport(
            item: summary(item), date: query.date, occurrence: chosen, previous: chosen == nil ? previous : nil,
            next: chosen == nil ? next : nil, history: [],
            yearsWithoutHolidayTable: yearsWithoutHolidayTable(Array(center.adding(days: -400).year...center.adding(days: 400).year)))
    }

    /// Of `years`, those the plan's official holiday calendar (`cn`) has no table for.
    public func yearsWithoutHolidayTable(_ years: [Int]) -> [Int] {
        plan.info.holidays.value == "cn" ? years.filter { !work.hasTable(for: $0) } : []
    }

    // MARK: - Parts

    /// The item (and phase) named `item` or `item/phase`; not_found with a suggestion otherwise.
    public func lookUp(_ name: String) throws(ControlError) -> (PlanItem, String?) {
        let parts = name.split(separator: "/", maxSplits: 1).map(String.init)
        guard let first = parts.first, let item = plan.item(first) else {
            let hint = plan.items.map(\.id.value).min { Self.distance($0, name) < Self.distance($1, name) }
                .flatMap { Self.distance($0, name) <= max(2, name.count / 3) ? $0 : nil }
            throw ControlError(.notFound, "no item '\(name)' in the plan" + (hint.map { " (did you mean '\($0)'?)" } ?? ""))
        }
        let phase = parts.count > 1 ? parts[1] : nil
        if let phase, !item.phases.contains(where: { $0.id.value == phase }) {
            let known = item.phases.map(\.id.value).joined(separator: ", ")
            throw ControlError(.notFound, "item '\(first)' has no phase '\(phase)'" + (known.isEmpty ? "" : " (phases: \(known))"))
        }
        return (item, phase)
    }

    /// The item as `show` and `explain` introduce it.
    public func summary(_ item: PlanItem) -> ItemSummary {
        let policy = plan.reminderPolicy(for: item)
        let canonical = item.when.flatMap { try? DateRule.parse($0.value).text }
        return ItemSummary(
            id: item.id.value, kind: item.kind.value.rawValue, title: item.title.value,
            description: item.description?.value, when: item.when?.value,
            canonical: canonical == item.when?.value ? nil : canonical,
            phases: item.phases.map { "\($0.id.value): \($0.title.value)  \($0.when.value)" },
            owners: item.owners.map { UnitName(id: $0.value, name: plan.unit($0.value)?.name.value ?? $0.value) },
            leads: policy.leads.map(\.value.description), time: policy.time?.value.description)
    }

    /// The item's occurrences overlapping `range`, with derivation, reminder days and state.
    func details(of item: PlanItem, phase: String?, in range: ClosedRange<CivilDate>) -> [OccurrenceDetail] {
        let policy = plan.reminderPolicy(for: item)
        return PlanExpansion.entries(of: plan, in: range, context: context).entries
            .filter { $0.itemID == item.id.value && (phase == nil || $0.phaseID == phase) }
            .map { e in
                let kind = work.dayKind(e.start)
                return OccurrenceDetail(
                    entry: entry(e), key: e.key, time: e.time?.description, dayKind: kind.code, dayLabel: kind.chineseLabel,
                    explanation: e.explanation,
                    reminders: PlanExpansion.reminders(for: e, policy: policy, work: work).map {
                        ReminderDay(date: $0.date, lead: $0.lead.description, reason: $0.reason)
                    })
            }
    }

    /// A plan entry as the protocol's agenda entry, with its state and distance in working days.
    func entry(_ e: AlmanacPlan.AgendaEntry) -> AgendaEntry {
        let marks = marks("\(e.key)@\(e.start)")
        var title = e.title
        if let edition = e.edition { title = "\(edition) " + title }
        var result = AgendaEntry(
            date: e.start, endDate: e.isWindow ? e.end : nil, item: e.key, title: title, kind: e.kind.rawValue,
            owners: e.owners, state: Self.state(marks, end: e.end, kind: e.kind.rawValue, today: today),
            lunar: (try? ChineseCalendar.standard.lunarDate(from: e.start))?.chineseMonthDay, note: marks.note)
        result.workingDays = Self.workingDays(from: today, to: e.start, work: work)
        return result
    }

    /// Edit distance, for "did you mean".
    static func distance(_ a: String, _ b: String) -> Int {
        let x = Array(a)
        let y = Array(b)
        guard !x.isEmpty else { return y.count }
        guard !y.isEmpty else { return x.count }
        var row = Array(0...y.count)
        for i in 1...x.count {
            var current = [i] + Array(repeating: 0, count: y.count)
            for j in 1...y.count {
                current[j] = min(row[j] + 1, current[j - 1] + 1, row[j - 1] + (x[i - 1] == y[j - 1] ? 0 : 1))
            }
            row = current
        }
        return row[y.count]
    }
}
