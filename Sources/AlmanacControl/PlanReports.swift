import AlmanacCalendar
import AlmanacPlan
import AlmanacScheduler
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

/// The answers of `agenda`, `cal`, `show` and `explain` from the plan in force, today's date and
/// the marks recorded: pure, and the same code offline (`almanacctl --plan`, no marks) and in the
/// daemon (marks from its store), so both give the same answer for the same plan and day.
public struct PlanReports: Sendable {
    public var plan: PlanInForce
    /// Today in the plan's time zone.
    public var today: CivilDate
    /// The marks of an occurrence id (`item@YYYY-MM-DD`, `item/phase@YYYY-MM-DD`).
    public var marks: @Sendable (String) -> OccurrenceMarks

    public init(
        plan: PlanInForce, today: CivilDate, marks: @escaping @Sendable (String) -> OccurrenceMarks = { _ in OccurrenceMarks() }
    ) {
        self.plan = plan
        self.today = today
        self.marks = marks
    }

    var work: WorkCalendar { plan.work }

    /// The state shown for an occurrence: done, then snoozed, then acknowledged; an open
    /// occurrence that has a deadline (``OccurrenceSeries/hasDeadline``) whose last day has
    /// passed is overdue. The status's `overdue` list uses the same rule.
    public static func state(_ marks: OccurrenceMarks, end: CivilDate, hasDeadline: Bool, today: CivilDate) -> OccurrenceState {
        if marks.done { return .done }
        if marks.snoozed { return .snoozed }
        if marks.acknowledged { return .acknowledged }
        if end < today, hasDeadline { return .overdue }
        return .open
    }

    /// Working days from `today` to `date`: the working days after today up to and including
    /// `date` (negative, counted the same way backwards, for past dates); 0 for today.
    public static func workingDays(from today: CivilDate, to date: CivilDate, work: WorkCalendar) -> Int {
        if date == today { return 0 }
        if date > today { return work.countWorkingDays(in: today.adding(days: 1)...date) }
        return -work.countWorkingDays(in: date...today.adding(days: -1))
    }

    /// The longest range one request may cover.
    public static let maxRangeDays = 3660
    /// The most entries one `agenda` answers.
    public static let maxEntries = 100_000

    // MARK: - agenda

    /// The occurrences overlapping the query's range (default: today and the next 30 days), with
    /// their state, filtered by unit and kind.
    public func agenda(_ query: AgendaQuery) throws(ControlError) -> AgendaReport {
        let from = query.from ?? today
        let to = query.to ?? from.adding(days: max(1, query.days ?? 30) - 1)
        guard from <= to else { throw ControlError(.badRequest, "the range ends (\(to)) before it starts (\(from))") }
        guard from.days(to: to) <= Self.maxRangeDays else { throw ControlError(.badRequest, "the range is longer than ten years") }
        if let unit = query.unit, plan.unit(unit) == nil {
            let known = plan.plan.units.map(\.id.value).joined(separator: ", ")
            throw ControlError(.notFound, "no unit '\(unit)' in the plan (units: \(known))")
        }
        if let kind = query.kind, ItemKind(rawValue: kind) == nil {
            let known = ItemKind.allCases.map(\.rawValue).joined(separator: ", ")
            throw ControlError(.badRequest, "unknown kind '\(kind)' (known: \(known))")
        }
        let (expansion, indices) = plan.occurrences(overlapping: from...to)
        var lunar = DayMemo()
        var entries: [AgendaEntry] = []
        entries.reserveCapacity(indices.count)
        for index in indices {
            let occurrence = expansion.occurrences[index]
            // The two fields, not a copy of the whole series for every entry.
            if let kind = query.kind, expansion.series[occurrence.series].kind.rawValue != kind { continue }
            if let unit = query.unit, !expansion.series[occurrence.series].owners.contains(unit) { continue }
            guard entries.count < Self.maxEntries else {
                throw ControlError(
                    .badRequest,
                    "\(from)..\(to) holds more than \(Self.maxEntries) occurrences; ask for fewer days, or one unit or kind")
            }
            entries.append(entry(occurrence, in: expansion, lunar: &lunar))
        }
        return AgendaReport(
            from: from, to: to, entries: entries, plan: plan.plan.info.name.value,
            yearsWithoutHolidayTable: plan.yearsWithoutHolidayTable(in: from...to))
    }

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
        let (expansion, indices) = plan.occurrences(overlapping: first...last)
        var lunar = DayMemo()
        let entries = indices.map { entry(expansion.occurrences[$0], in: expansion, lunar: &lunar) }
        return CalReport(
            month: String(format: "%04d-%02d", year, month),
            hasHolidayTable: plan.plan.info.holidays.value != "cn" || work.hasTable(for: year), days: days, entries: entries)
    }

    // MARK: - show

    /// An item with its occurrences (in the years asked for, else the plan's years) and reminder days.
    public func show(_ query: ShowQuery) throws(ControlError) -> ShowReport {
        let (item, phase) = try lookUp(query.item)
        var years = query.years ?? []
        if years.isEmpty {
            switch plan.plan.info.years {
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
        plan.yearsWithoutHolidayTable(years)
    }

    // MARK: - Occurrences by reference

    /// The occurrence an `ack`, `done` or `snooze` names: `item@YYYY-MM-DD` must be one of the
    /// item's occurrences; a bare item means the latest occurrence of the last 30 days that is
    /// not done, else the next one within a year.
    public func resolve(_ ref: OccurrenceRef) throws(ControlError) -> (id: OccurrenceID, date: CivilDate) {
        let (item, phase) = try lookUp(ref.item)
        let key = phase.map { "\(item.id.value)/\($0)" } ?? item.id.value
        let range = ref.date.map { $0...$0 } ?? today.adding(days: -30)...today.adding(days: 400)
        let (expansion, indices) = plan.occurrences(overlapping: range)
        let candidates = indices.map { expansion.occurrences[$0] }.filter { expansion.series(of: $0).key == key }
        if let date = ref.date {
            guard let found = candidates.first(where: { $0.start == date && (ref.time == nil || $0.time == ref.time) }) else {
                throw ControlError(.notFound, "'\(ref.item)' has no occurrence starting on \(date)")
            }
            return (expansion.id(of: found), date)
        }
        let past = candidates.filter { $0.start <= today }.reversed().first { !marks(expansion.id(of: $0).description).done }
        guard let chosen = past ?? candidates.first(where: { $0.start > today }) else {
            throw ControlError(
                .notFound, "'\(ref.item)' has no occurrence from 30 days ago to a year ahead; name one: \(ref.item)@YYYY-MM-DD")
        }
        return (expansion.id(of: chosen), chosen.start)
    }

    // MARK: - Parts

    /// The item (and phase) named `item` or `item/phase`; not_found with a suggestion otherwise.
    public func lookUp(_ name: String) throws(ControlError) -> (PlanItem, String?) {
        let parts = name.split(separator: "/", maxSplits: 1).map(String.init)
        guard let first = parts.first, let item = plan.item(first) else {
            let hint = Suggestion.closest(to: name, among: plan.plan.items.map(\.id.value))
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
        let policy = plan.plan.reminderPolicy(for: item)
        let canonical = item.when.flatMap { try? DateRule.parse($0.value).text }
        return ItemSummary(
            id: item.id.value, kind: item.kind.value.rawValue, title: item.title.value,
            description: item.description?.value, when: item.when?.value,
            canonical: canonical == item.when?.value ? nil : canonical,
            phases: item.phases.map { "\($0.id.value): \($0.title.value)  \($0.when.value)" },
            owners: item.owners.map { UnitName(id: $0.value, name: plan.unit($0.value)?.name.value ?? $0.value) },
            leads: policy.leads.map(\.value.description), time: policy.time?.value.description)
    }

    /// The item's occurrences overlapping `range`, with derivation, reminder days and state: the
    /// plan's one expansion for this item alone, asked to explain itself.
    func details(of item: PlanItem, phase: String?, in range: ClosedRange<CivilDate>) -> [OccurrenceDetail] {
        let key = phase.map { "\(item.id.value)/\($0)" } ?? item.id.value
        let expansion = PlanExpansion.expand(plan.plan, in: range, context: plan.context, items: [key], explain: true)
        var lunar = DayMemo()
        return expansion.occurrences.indices.compactMap { index in
            let occurrence = expansion.occurrences[index]
            let series = expansion.series(of: occurrence)
            guard series.itemID == item.id.value, phase == nil || series.phaseID == phase else { return nil }
            let kind = work.dayKind(occurrence.start)
            return OccurrenceDetail(
                entry: entry(occurrence, in: expansion, lunar: &lunar), key: series.key,
                time: occurrence.time?.description, dayKind: kind.code, dayLabel: kind.chineseLabel,
                explanation: expansion.explanations?[index] ?? [],
                reminders: ScheduleInput.reminderDays(start: occurrence.start, policy: series.policy, work: work).map {
                    ReminderDay(date: $0.date, lead: $0.lead.description, reason: $0.reason)
                })
        }
    }

    /// An occurrence as the protocol's agenda entry, with its state and distance in working days.
    func entry(_ occurrence: PlanOccurrence, in expansion: PlanOccurrences, lunar: inout DayMemo) -> AgendaEntry {
        // The series read in place (its fields, not a copy of the whole series per entry).
        expansion.series.withUnsafeBufferPointer { series in
            let s = occurrence.series
            let id = expansion.id(of: occurrence).description
            let marks = marks(id)
            var result = AgendaEntry(
                date: occurrence.start, endDate: occurrence.isWindow ? occurrence.end : nil, item: series[s].key,
                title: series[s].displayTitle, kind: series[s].kind.rawValue, owners: series[s].owners,
                state: Self.state(marks, end: occurrence.end, hasDeadline: series[s].hasDeadline, today: today),
                lunar: lunar.text(occurrence.start), note: marks.note, id: id, time: occurrence.time?.description)
            result.workingDays = lunar.workingDays(occurrence.start, from: today, work: work)
            result.edition = series[s].edition
            result.participants = series[s].participants.isEmpty ? nil : series[s].participants
            result.dateSource = series[s].dateSource?.rawValue
            return result
        }
    }
}

/// Facts about a day computed once per report however many entries fall on it: the lunar date
/// and the working days from today.
struct DayMemo {
    private var cache: [CivilDate: String] = [:]
    private var distances: [CivilDate: Int] = [:]
    /// The latest day after today whose distance is known: entries come in date order, so the
    /// next day's distance counts on from it instead of from today.
    private var latest: (day: CivilDate, distance: Int)?

    /// ``PlanReports/workingDays(from:to:work:)`` of `day`.
    mutating func workingDays(_ day: CivilDate, from today: CivilDate, work: WorkCalendar) -> Int {
        if let known = distances[day] { return known }
        let value: Int
        if let latest, day > latest.day, latest.day > today {
            value = latest.distance + work.countWorkingDays(in: latest.day.adding(days: 1)...day)
        } else {
            value = PlanReports.workingDays(from: today, to: day, work: work)
        }
        distances[day] = value
        if day > today, day > latest?.day ?? today { latest = (day, value) }
        return value
    }

    mutating func text(_ day: CivilDate) -> String? {
        if let known = cache[day] { return known }
        guard let lunar = try? ChineseCalendar.standard.lunarDate(from: day) else { return nil }
        let text = lunar.chineseMonthDay
        cache[day] = text
        return text
    }
}
