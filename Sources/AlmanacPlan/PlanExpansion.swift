import AlmanacCalendar
import Foundation
import Synchronization

/// One series of dated occurrences: an item, or one phase of it, as the plan reads in one year
/// (a year override may change its title, owners or rule). Every occurrence refers to its
/// series, so the occurrences themselves stay small.
public struct OccurrenceSeries: Sendable, Hashable {
    /// The item's id.
    public var itemID: String
    /// The phase's id, for a phase.
    public var phaseID: String?
    /// `item`, or `item/phase`: the item part of the occurrences' ids.
    public var key: String
    public var kind: ItemKind
    /// The item's title.
    public var title: String
    /// The phase's title, for a phase.
    public var phaseTitle: String?
    /// The edition or anniversary label in ``year`` (第二十三届).
    public var edition: String?
    /// The plan year the series belongs to: its occurrences start in it.
    public var year: Int
    /// The responsible units: the phase's, else the item's.
    public var owners: [String]
    public var participants: [String]
    public var dateSource: DateSource?
    /// The phase's or item's `time`, used when the rule gives none.
    public var time: TimeOfDay?
    /// The reminder policy in force for the item (its own, the plan's defaults, the built-in leads).
    public var policy: ReminderPolicy
    public var quota: Quota?
    /// The date rule as written.
    public var rule: Located<String>
    /// Where the item is defined.
    public var location: SourceLocation?
    /// The item's position in the plan of its year (for ordering a day's entries).
    public var order: Int

    /// Whether an occurrence left open past its last day is overdue: its kind has a deadline, or
    /// its reminders repeat while it is overdue.
    public var hasDeadline: Bool { kind.hasDeadline || policy.repeatWhileOverdue != nil }

    /// The title as every view shows it: the item's title with its edition, and the phase's title
    /// after `：`. An ordinal edition comes first (`第二十三届文化艺术节、矿工节：开幕式`); an
    /// anniversary follows in brackets (`中国共产党成立纪念日（建党一百零六周年）`).
    public var displayTitle: String {
        var text = title
        if let edition {
            text = edition.hasPrefix("第") ? edition + text : text + "（" + edition + "）"
        }
        if let phaseTitle { text += "：" + phaseTitle }
        return text
    }
}

/// One dated occurrence of a plan item or phase: 16 bytes. The plan in force keeps one per
/// occurrence over the scheduling window (about 150,000 for 10,000 items of weekly checks), and
/// the scheduler reads the same array, so everything else (ids, titles, owners, policy) is in
/// its series and the dates and time are stored as small integers.
public struct PlanOccurrence: Sendable, Hashable {
    private var seriesIndex: Int32
    private var startDay: Int32
    private var endDay: Int32
    /// Minutes since midnight, -1 for none.
    private var minutes: Int16
    private var flags: UInt8

    /// An occurrence of series `series` from `start` to `end` (`start` when `nil`).
    public init(series: Int, start: CivilDate, end: CivilDate? = nil, time: TimeOfDay? = nil, timeInID: Bool = false) {
        seriesIndex = Int32(clamping: series)
        startDay = Int32(clamping: start.dayNumber)
        endDay = Int32(clamping: (end ?? start).dayNumber)
        minutes = time.map { Int16($0.minutesSinceMidnight) } ?? -1
        flags = timeInID ? 1 : 0
    }

    /// Index of the series in ``PlanOccurrences/series``.
    public var series: Int {
        get { Int(seriesIndex) }
        set { seriesIndex = Int32(clamping: newValue) }
    }
    /// First day.
    public var start: CivilDate {
        get { CivilDate(dayNumber: Int(startDay)) }
        set { startDay = Int32(clamping: newValue.dayNumber) }
    }
    /// Last day (equal to `start` for a one-day occurrence).
    public var end: CivilDate {
        get { CivilDate(dayNumber: Int(endDay)) }
        set { endDay = Int32(clamping: newValue.dayNumber) }
    }
    /// Time of day: the rule's, else the phase's or item's `time`.
    public var time: TimeOfDay? {
        get { minutes < 0 ? nil : TimeOfDay(hour: Int(minutes) / 60, minute: Int(minutes) % 60) }
        set { minutes = newValue.map { Int16($0.minutesSinceMidnight) } ?? -1 }
    }
    /// The rule gives several times on one day, so the time is part of the id.
    public var timeInID: Bool {
        get { flags & 1 != 0 }
        set { flags = newValue ? flags | 1 : flags & ~1 }
    }

    /// True for an occurrence spanning several days.
    public var isWindow: Bool { endDay != startDay }
    /// Days from the first day to the last (0 for a one-day occurrence).
    public var length: Int { Int(endDay) - Int(startDay) }
}

/// Limits that keep one plan from exhausting the host (docs/plan-format.md, "Limits").
public struct ExpansionLimits: Sendable, Hashable {
    /// Occurrences of the whole plan within the range expanded.
    public var occurrences: Int
    /// Occurrences of one item (or phase) within the range expanded.
    public var occurrencesPerItem: Int

    public init(
        occurrences: Int = ExpansionLimits.defaultOccurrences, occurrencesPerItem: Int = ExpansionLimits.defaultOccurrencesPerItem
    ) {
        self.occurrences = occurrences
        self.occurrencesPerItem = occurrencesPerItem
    }

    /// What a view (an agenda of up to ten years) may expand: a guard against exhausting memory,
    /// not a property of the plan.
    public static let views = ExpansionLimits(occurrences: 5_000_000, occurrencesPerItem: 2_000_000)

    /// 500,000 occurrences over the scheduling window (about 15 months): a 10,000-item plan of
    /// yearly items uses about 13,000; 2,000 items checked three times a week about 400,000.
    public static let defaultOccurrences = 500_000
    /// 5,000 occurrences of one item over the window: a check at two times every day uses about
    /// 920; an item `daily` at every minute (1,440 times a day, 660,000) is refused.
    public static let defaultOccurrencesPerItem = 5_000
}

/// The plan's occurrences over a range of days: the one expansion of a plan that every view,
/// the scheduler, the feeds and the checklists read (docs/scheduler.md, "One expansion").
public struct PlanOccurrences: Sendable {
    /// The days expanded.
    public var range: ClosedRange<CivilDate>
    /// The series the occurrences refer to.
    public var series: [OccurrenceSeries]
    /// Every occurrence overlapping ``range``, ordered by first day, time (untimed first), the
    /// item's position in the plan, then phase.
    public var occurrences: [PlanOccurrence]
    /// Rules that cannot be parsed, limits exceeded: errors at the item's `file:line:column`.
    public var diagnostics: [Diagnostic]
    /// How each occurrence was derived, step by step (parallel to ``occurrences``), when the
    /// expansion was asked to explain.
    public var explanations: [[String]]?
    /// True when the expansion was cancelled before it finished (the result is partial).
    public var cancelled: Bool

    /// Days of the longest window (0 when every occurrence is one day).
    public let longestWindow: Int

    public init(
        range: ClosedRange<CivilDate>, series: [OccurrenceSeries], occurrences: [PlanOccurrence],
        diagnostics: [Diagnostic], cancelled: Bool = false, explanations: [[String]]? = nil
    ) {
        self.range = range
        self.series = series
        self.occurrences = occurrences
        self.diagnostics = diagnostics
        self.explanations = explanations
        self.cancelled = cancelled
        longestWindow = occurrences.lazy.map(\.length).max() ?? 0
    }

    /// The series of an occurrence.
    public func series(of occurrence: PlanOccurrence) -> OccurrenceSeries { series[occurrence.series] }

    /// The identity of an occurrence (`item@YYYY-MM-DD`).
    public func id(of occurrence: PlanOccurrence) -> OccurrenceID {
        OccurrenceID(
            itemID: series[occurrence.series].key, date: occurrence.start,
            time: occurrence.timeInID ? occurrence.time : nil)
    }

    /// Indices of the occurrences whose first day lies in `days`, in order (binary search).
    public func indices(startingIn days: ClosedRange<CivilDate>) -> Range<Int> {
        let after = days.upperBound.adding(days: 1)
        return occurrences.partitioningIndex { $0.start >= days.lowerBound }..<occurrences.partitioningIndex { $0.start >= after }
    }

    /// The occurrences overlapping `days` (windows that began earlier included), in order.
    /// `days` must lie within ``range``.
    public func indices(overlapping days: ClosedRange<CivilDate>) -> [Int] {
        guard days.lowerBound <= days.upperBound else { return [] }
        var result: [Int] = []
        // Windows that began before `days` and still run: the longest window bounds the look-back.
        if longestWindow > 0 {
            for index in indices(startingIn: days.lowerBound.adding(days: -longestWindow)...days.lowerBound.adding(days: -1))
            where occurrences[index].end >= days.lowerBound {
                result.append(index)
            }
        }
        result.append(contentsOf: indices(startingIn: days))
        return result
    }

    /// The occurrence with this id, if it lies in ``range``: the first of the occurrences
    /// starting on its day (a binary search) with its key and, when the id has one, its time.
    public func index(of id: OccurrenceID) -> Int? {
        indices(startingIn: id.date...id.date).first { index in
            series[occurrences[index].series].key == id.itemID && (id.time == nil || occurrences[index].time == id.time)
        }
    }
}

/// Expands a plan's date rules into dated occurrences: the one expansion of a plan.
public enum PlanExpansion {
    /// Every occurrence overlapping `range`. Each year uses the plan as overridden for that year;
    /// years the plan does not apply to (`plan.years`) contribute nothing; an occurrence belongs
    /// to the year it starts in.
    ///
    /// - Parameters:
    ///   - items: Only these item keys (`item` for the item and all its phases, or `item/phase`);
    ///     `nil`: every item.
    ///   - limits: Checked as the expansion goes; exceeding one stops it with an error at the
    ///     item that exploded.
    ///   - explain: Keep how each occurrence was derived (``PlanOccurrences/explanations``).
    ///   - rules: The plan's rules as validation parsed them; a text not among them is parsed here.
    ///   - isCancelled: Polled between items; when it returns true the expansion stops and the
    ///     result is marked ``PlanOccurrences/cancelled``.
    public static func expand(
        _ plan: Plan, in range: ClosedRange<CivilDate>, context: RuleContext, items: Set<String>? = nil,
        limits: ExpansionLimits? = nil, explain: Bool = false, rules: ParsedRules = ParsedRules(),
        isCancelled: () -> Bool = { false }
    ) -> PlanOccurrences {
        var series: [OccurrenceSeries] = []
        // A series per item and year in the usual case: kept without the spare room of growing.
        series.reserveCapacity(plan.items.count)
        var occurrences: [PlanOccurrence] = []
        var explanations: [[String]] = []
        var diagnostics: [Diagnostic] = []
        var parsed: [String: DateRule] = [:]
        var reported: Set<String> = []
        var cancelled = false
        let firstYear = range.lowerBound.year - 1
        let lastYear = range.upperBound.year
        var perItem: [String: Int] = [:]
        expansion: for year in firstYear...max(firstYear, lastYear) where plan.info.years.contains(year) {
            guard let january = CivilDate(year: year, month: 1, day: 1), let december = CivilDate(year: year, month: 12, day: 31)
            else { continue }
            // Occurrences starting in `year` that overlap `range`: those starting before the range
            // overlap its first day.
            let days = year < range.lowerBound.year
                ? range.lowerBound...range.lowerBound
                : max(january, range.lowerBound)...min(december, range.upperBound)
            guard days.lowerBound <= days.upperBound else { continue }
            let wholeYear = days.lowerBound == january && days.upperBound == december
            let (yearPlan, problems) = plan.resolved(for: year)
            for problem in problems where reported.insert(problem.description).inserted { diagnostics.append(problem) }
            var kindPolicies: [ItemKind: ReminderPolicy] = [:]
            // The dates of each rule text over this year's days: items that share a rule share them.
            var datedInYear: [String: [Occurrence]] = [:]
            for (order, item) in yearPlan.items.enumerated() {
                if isCancelled() {
                    cancelled = true
                    break expansion
                }
                let itemID = item.id.value
                let kind = item.kind.value
                let base: ReminderPolicy
                if let known = kindPolicies[kind] {
                    base = known
                } else {
                    base = yearPlan.kindPolicy(kind)
                    kindPolicies[kind] = base
                }
                let policy = yearPlan.reminderPolicy(for: item, base: base)
                let edition = item.edition?.label(in: year)
                var parts: [(phase: Phase?, rule: Located<String>)] = []
                if let when = item.when { parts.append((nil, when)) }
                for phase in item.phases { parts.append((phase, phase.when)) }
                for (phase, ruleText) in parts {
                    let key = phase.map { "\(itemID)/\($0.id.value)" } ?? itemID
                    if let items, !items.contains(itemID), !items.contains(key) { continue }
                    let found: [Occurrence]
                    if let known = datedInYear[ruleText.value] {
                        found = known
                    } else if wholeYear, !explain, let kept = rules.kept(ruleText.value, year: year) {
                        // The validation of this load expanded the rule over the same year.
                        found = kept
                        datedInYear[ruleText.value] = kept
                    } else {
                        let rule: DateRule
                        if let cached = parsed[ruleText.value] {
                            rule = cached
                        } else {
                            do {
                                rule = try rules.parse(ruleText.value)
                                parsed[ruleText.value] = rule
                            } catch {
                                if reported.insert("parse|\(key)|\(ruleText.value)").inserted {
                                    var at = ruleText.location
                                    at?.column += max(0, error.column - 1)
                                    diagnostics.append(
                                        Diagnostic(.error, "\(key): date rule '\(ruleText.value)' cannot be read: \(error.message)", at: at))
                                }
                                continue
                            }
                        }
                        found = rule.occurrences(in: days, context: context, explain: explain).filter { $0.start.year == year }
                        datedInYear[ruleText.value] = found
                    }
                    guard !found.isEmpty else { continue }
                    let owners = (phase.map { $0.owners.isEmpty ? item.owners : $0.owners } ?? item.owners).map(\.value)
                    let index = series.count
                    series.append(
                        OccurrenceSeries(
                            itemID: itemID, phaseID: phase?.id.value, key: key, kind: item.kind.value,
                            title: item.title.value, phaseTitle: phase?.title.value, edition: edition, year: year,
                            owners: owners, participants: item.participants.map(\.value),
                            dateSource: phase?.dateSource?.value ?? item.dateSource?.value,
                            time: phase?.time?.value ?? item.time?.value, policy: policy, quota: item.quota,
                            rule: ruleText, location: phase?.location ?? item.location, order: order))
                    let fallback = phase?.time?.value ?? item.time?.value
                    var severalPerDay = false
                    if found.count > 1 {
                        var starts = Set<CivilDate>()
                        for o in found where !starts.insert(o.start).inserted { severalPerDay = true }
                    }
                    for o in found {
                        occurrences.append(
                            PlanOccurrence(
                                series: index, start: o.start, end: o.end, time: o.time ?? fallback,
                                timeInID: severalPerDay && o.time != nil))
                        if explain { explanations.append(o.explanation) }
                    }
                    // One look-up of the key: the count is added and read in place.
                    func added(_ total: inout Int) -> Int {
                        total += found.count
                        return total
                    }
                    let count = added(&perItem[key, default: 0])
                    if let limits, count > limits.occurrencesPerItem {
                        diagnostics.append(
                            Diagnostic(
                                .error,
                                "'\(key)' has \(count) occurrences between \(range.lowerBound) and \(range.upperBound), more than one item may have (\(limits.occurrencesPerItem))",
                                at: ruleText.location ?? item.location,
                                hint: "the limit is limits.occurrences_per_item in almanac.yaml (docs/plan-format.md, \"Limits\")"))
                        break expansion
                    }
                    if let limits, occurrences.count > limits.occurrences {
                        let worst = perItem.max { $0.value < $1.value }
                        let culprit = worst.flatMap { w in series.last { $0.key == w.key } }
                        diagnostics.append(
                            Diagnostic(
                                .error,
                                "the plan has more than \(limits.occurrences) occurrences between \(range.lowerBound) and \(range.upperBound)"
                                    + (worst.map { "; '\($0.key)' alone has \($0.value)" } ?? ""),
                                at: culprit?.rule.location ?? culprit?.location,
                                hint: "the limit is limits.occurrences in almanac.yaml (docs/plan-format.md, \"Limits\")"))
                        break expansion
                    }
                }
            }
        }
        func ordered(_ a: PlanOccurrence, _ b: PlanOccurrence) -> Bool {
            if a.start != b.start { return a.start < b.start }
            let ta = a.time?.minutesSinceMidnight ?? -1
            let tb = b.time?.minutesSinceMidnight ?? -1
            if ta != tb { return ta < tb }
            let sa = series[a.series]
            let sb = series[b.series]
            if sa.order != sb.order { return sa.order < sb.order }
            if sa.key != sb.key { return sa.key < sb.key }
            return a.end < b.end
        }
        if explain {
            let order = occurrences.indices.sorted { ordered(occurrences[$0], occurrences[$1]) }
            occurrences = order.map { occurrences[$0] }
            explanations = order.map { explanations[$0] }
        } else {
            occurrences.sort(by: ordered)
        }
        // The expansion in force is kept for the plan's life: without the spare room that appending
        // left (up to half of each array; about 2 MB of series for 10,000 items).
        return PlanOccurrences(
            range: range, series: series.withoutSpareCapacity(), occurrences: occurrences.withoutSpareCapacity(),
            diagnostics: diagnostics, cancelled: cancelled, explanations: explain ? explanations : nil)
    }
}

extension Array {
    /// The same elements in a buffer of their size, when appending left more than an eighth spare
    /// (for arrays kept for a plan's life).
    public func withoutSpareCapacity() -> [Element] {
        guard capacity > count + count / 8 else { return self }
        var copy: [Element] = []
        copy.reserveCapacity(count)
        copy.append(contentsOf: self)
        return copy
    }
}

extension Plan {
    /// The plan's time zone (`timezone:`), Asia/Shanghai when it names none this system knows.
    public var timeZone: TimeZone { ZonedTime.zone(named: info.timezone.value) }
}

/// The date rules of a plan, each distinct text parsed once: what the validation and the
/// expansion of one load share (a large plan repeats its rules: 2,096 texts for 10,000 items).
/// Festival names are those of ``FestivalCatalog/standard``, as ``DateRule/parse(_:festivals:)``
/// reads them by default.
///
/// Made with `keepingYears`, it also keeps the dates the validation's rule check finds for each
/// text in each whole year it checks (``DateRuleChecker``), and the expansion of the same load
/// takes a whole year's dates from there instead of expanding the rule again. Both must then
/// work with the one ``RuleContext`` (the loader's): the dates are those of that context.
public struct ParsedRules: Sendable {
    private var rules: [String: Result<DateRule, RuleParseError>] = [:]
    /// The dates of a text in a whole year, as the rule check found them (nil: none kept).
    private let years: YearDates?

    /// A rule text's occurrences starting in one year, over the whole year, without derivation
    /// steps.
    final class YearDates: Sendable {
        struct Key: Hashable {
            var text: String
            var year: Int
        }
        let dates = Mutex<[Key: [Occurrence]]>([:])
    }

    /// No rule parsed in advance: ``parse(_:)`` parses each text it is given.
    public init() {
        years = nil
    }

    /// Every `when:` of the plan's items and phases and every `due:` of its checklists.
    /// `keepingYears`: keep the whole years' dates the rule check finds, for the expansion of
    /// the same load with the same context.
    public init(_ plan: Plan, keepingYears: Bool = false) {
        years = keepingYears ? YearDates() : nil
        var rules: [String: Result<DateRule, RuleParseError>] = [:]
        func add(_ text: String) {
            // A look-up by key, not `rules[text] == nil`: that copies the parsed rule out.
            if rules.index(forKey: text) == nil { rules[text] = Result { () throws(RuleParseError) in try DateRule.parse(text) } }
        }
        for index in plan.items.indices {
            if let when = plan.items[index].when { add(when.value) }
            for phase in plan.items[index].phases { add(phase.when.value) }
        }
        func walk(_ indicators: [Indicator]) {
            for i in indicators {
                if let due = i.due { add(due.value) }
                walk(i.children)
            }
        }
        for checklist in plan.checklists { walk(checklist.indicators) }
        self.rules = rules
    }

    /// The rule of `text`, or why it cannot be read.
    public func parse(_ text: String) throws(RuleParseError) -> DateRule {
        if let known = rules[text] { return try known.get() }
        return try DateRule.parse(text)
    }

    /// Keeps the occurrences of `text` starting in `year`, found over the whole year.
    func keep(_ occurrences: [Occurrence], of text: String, year: Int) {
        guard let years else { return }
        years.dates.withLock { $0[YearDates.Key(text: text, year: year)] = occurrences }
    }

    /// The occurrences of `text` starting in `year` over the whole year, when the rule check
    /// kept them.
    func kept(_ text: String, year: Int) -> [Occurrence]? {
        guard let years else { return nil }
        return years.dates.withLock { $0[YearDates.Key(text: text, year: year)] }
    }
}

/// Checks `when:` and `due:` rules with the calendar engine's `DateRule`.
public struct DateRuleChecker: RuleChecking {
    public var context: RuleContext
    /// The plan's rules, each text parsed once (``ParsedRules/init(_:)``); others are parsed here.
    public var rules: ParsedRules

    public init(context: RuleContext, rules: ParsedRules = ParsedRules()) {
        self.context = context
        self.rules = rules
    }

    public func check(rule: String, at location: SourceLocation?, years: [Int], itemIDs: Set<String>)
        -> (diagnostics: [Diagnostic], references: [String])
    {
        var diagnostics: [Diagnostic] = []
        let parsed: DateRule
        do {
            parsed = try rules.parse(rule)
        } catch {
            var at = location
            at?.column += max(0, error.column - 1)
            diagnostics.append(Diagnostic(.error, "date rule: \(error.message)", at: at))
            return (diagnostics, [])
        }
        var missing: [Int] = []
        for (year, found) in zip(years, parsed.occurrencesStarting(inYears: years, context: context)) {
            guard let occurrences = found else { continue }
            rules.keep(occurrences, of: rule, year: year)
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

/// One occurrence with its series' facts, as one value: what the feeds, the status page and
/// plain-text listings show. Made from the one expansion (``PlanOccurrences/entry(_:)``).
public struct AgendaEntry: Sendable, Hashable {
    /// The occurrence's id.
    public var id: OccurrenceID
    public var itemID: String
    public var phaseID: String?
    public var kind: ItemKind
    /// The title as every view shows it (``OccurrenceSeries/displayTitle``).
    public var title: String
    /// The edition or anniversary label in the occurrence's year (第二十三届), also part of `title`.
    public var edition: String?
    public var start: CivilDate
    public var end: CivilDate
    public var time: TimeOfDay?
    public var owners: [String]
    public var participants: [String]
    public var dateSource: DateSource?
    /// How the date was derived, when the expansion was asked to explain.
    public var explanation: [String]

    public init(
        id: OccurrenceID, itemID: String, phaseID: String?, kind: ItemKind, title: String, edition: String?,
        start: CivilDate, end: CivilDate, time: TimeOfDay?, owners: [String], participants: [String],
        dateSource: DateSource?, explanation: [String]
    ) {
        self.id = id
        self.itemID = itemID
        self.phaseID = phaseID
        self.kind = kind
        self.title = title
        self.edition = edition
        self.start = start
        self.end = end
        self.time = time
        self.owners = owners
        self.participants = participants
        self.dateSource = dateSource
        self.explanation = explanation
    }

    /// `item` or `item/phase`.
    public var key: String { phaseID.map { "\(itemID)/\($0)" } ?? itemID }

    /// True for an occurrence spanning several days.
    public var isWindow: Bool { end != start }

    /// One stable line of plain text per entry, for golden files and logs:
    /// `2027-06-28..2027-07-23 campaign art-festival 第二十三届文化艺术节、矿工节 owners=whzx`.
    public var plainLine: String {
        var line = isWindow ? "\(start)..\(end)" : start.description
        if let time { line += " \(time)" }
        line += " \(kind.rawValue) \(key) \(title)"
        if !owners.isEmpty { line += " owners=\(owners.joined(separator: ","))" }
        return line
    }
}

extension PlanOccurrences {
    /// The occurrence at `index` as one value.
    public func entry(_ index: Int) -> AgendaEntry {
        let o = occurrences[index]
        let s = series[o.series]
        return AgendaEntry(
            id: id(of: o), itemID: s.itemID, phaseID: s.phaseID, kind: s.kind, title: s.displayTitle, edition: s.edition,
            start: o.start, end: o.end, time: o.time, owners: s.owners, participants: s.participants,
            dateSource: s.dateSource, explanation: explanations?[index] ?? [])
    }

    /// Every occurrence as one value each, in order.
    public var entries: [AgendaEntry] { occurrences.indices.map(entry) }
}
