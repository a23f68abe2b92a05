/// The occurrences of a rule in a range, and what the expansion could not know.
public struct RuleExpansion: Sendable, Hashable {
    /// Ordered by start date, then time, then end.
    public var occurrences: [Occurrence]
    /// Years of the range for which a `holiday …` rule found no official holiday table, so it has
    /// no occurrence there (load that year's table, docs/holidays.md). Sorted.
    public var yearsWithoutHolidayTable: [Int]
    /// Years of the range in which the rule needs the Chinese calendar (a lunar date, a lunar
    /// festival, a solar term) outside ``ChineseCalendar/supportedYears``, so it has no such
    /// occurrence there. Sorted.
    public var yearsOutsideChineseCalendar: [Int] = []
    /// Whether an occurrence was left out because it reaches past 9999-12-31 or before
    /// 0001-01-01 (``CivilDate/supportedRange``).
    public var leftOutBeyondSupportedDates = false

    public init(
        occurrences: [Occurrence], yearsWithoutHolidayTable: [Int], yearsOutsideChineseCalendar: [Int] = [],
        leftOutBeyondSupportedDates: Bool = false
    ) {
        self.occurrences = occurrences
        self.yearsWithoutHolidayTable = yearsWithoutHolidayTable
        self.yearsOutsideChineseCalendar = yearsOutsideChineseCalendar
        self.leftOutBeyondSupportedDates = leftOutBeyondSupportedDates
    }

    /// Whether the rule lost occurrences in the range to something missing or unsupported (a
    /// holiday table, the Chinese calendar's years, the last supported date).
    public var isIncomplete: Bool {
        !yearsWithoutHolidayTable.isEmpty || !yearsOutsideChineseCalendar.isEmpty || leftOutBeyondSupportedDates
    }
}

extension DateRule {
    /// The occurrences that overlap `range` (a window that started before the range but is still
    /// running is included), ordered by start date, then time, then end. With `explain` false
    /// the occurrences carry no ``Occurrence/steps`` (the same dates, times and order, without
    /// the work of recording how each was derived).
    public func occurrences(in range: ClosedRange<CivilDate>, context: RuleContext, explain: Bool = true) -> [Occurrence] {
        RuleExpander(ast: ast, context: context, explain: explain).occurrences(in: range)
    }

    /// The occurrences starting in each of `years`, without their derivation steps: for each year
    /// what ``occurrences(in:context:explain:)`` of that whole year gives without the windows that
    /// began the year before, or `nil` for a year outside the supported dates. Consecutive years
    /// are expanded together, once (each year's cycles resolved once, not again for the range of
    /// the year beside it), except for a rule with a `count`, which without `from` counts from the
    /// range's first day and so is expanded year by year. Together or apart gives the same
    /// occurrences: a day moved off a day off still comes from at most 20 days away (``RuleExpander/filtered(in:)``).
    public func occurrencesStarting(inYears years: [Int], context: RuleContext) -> [[Occurrence]?] {
        func whole(_ first: Int, _ last: Int) -> ClosedRange<CivilDate>? {
            guard let from = CivilDate(year: first, month: 1, day: 1), let to = CivilDate(year: last, month: 12, day: 31)
            else { return nil }
            return from...to
        }
        let expander = RuleExpander(ast: ast, context: context, explain: false)
        if years.count > 1, ast.count == nil, zip(years, years.dropFirst()).allSatisfy({ $1 == $0 + 1 }),
            let range = whole(years[0], years[years.count - 1])
        {
            var byYear = [[Occurrence]?](repeating: [], count: years.count)
            for occurrence in expander.occurrences(in: range) {
                let index = occurrence.start.year - years[0]
                if byYear.indices.contains(index) { byYear[index]?.append(occurrence) }
            }
            return byYear
        }
        return years.map { year in
            whole(year, year).map { range in expander.occurrences(in: range).filter { $0.start.year == year } }
        }
    }

    /// Like ``occurrences(in:context:)``, and also reports the years whose missing holiday table
    /// left a `holiday …` rule without an occurrence.
    public func expansion(in range: ClosedRange<CivilDate>, context: RuleContext) -> RuleExpansion {
        let expander = RuleExpander(ast: ast, context: context)
        let occurrences = expander.occurrences(in: range)
        let years = range.lowerBound.year...range.upperBound.year
        let supported = ChineseCalendar.supportedYears
        let outside =
            usesChineseCalendar && !(supported.contains(years.lowerBound) && supported.contains(years.upperBound))
            ? years.filter { !supported.contains($0) } : []
        return RuleExpansion(
            occurrences: occurrences, yearsWithoutHolidayTable: expander.missing.years.filter(years.contains).sorted(),
            yearsOutsideChineseCalendar: outside, leftOutBeyondSupportedDates: expander.missing.beyondSupportedDates)
    }

    /// The earliest-starting occurrence that has not ended before `date`: an occurrence on
    /// `date`, a window still running on `date`, or else the first one after it. `nil` when the
    /// rule has no such occurrence within 300 years.
    public func nextOccurrence(onOrAfter date: CivilDate, context: RuleContext) -> Occurrence? {
        let expander = RuleExpander(ast: ast, context: context)
        let limit = date.adding(days: 366 * 300)
        var lo = date
        var span = 400
        while lo <= limit {
            let hi = min(lo.adding(days: span), limit)
            if let first = expander.occurrences(in: lo...hi).first(where: { $0.end >= date }) {
                return first
            }
            if let until = ast.until, hi >= until { return nil }
            if !ast.isRecurring, hi > lo.adding(days: 800) { return nil }
            lo = hi.adding(days: 1)
            span *= 2
        }
        return nil
    }
}

/// Collects the years without a holiday table that an expansion needed. A class so that the
/// otherwise value-typed expander can record while it computes.
final class MissingTables {
    var years = Set<Int>()
    /// An occurrence reached outside ``CivilDate/supportedRange`` and was left out.
    var beyondSupportedDates = false
}

/// Expands one rule over date ranges.
struct RuleExpander {
    let ast: RuleAST
    let context: RuleContext
    /// Whether occurrences record their derivation steps.
    var explain = true
    let missing = MissingTables()

    var work: WorkCalendar { context.workCalendar }

    func occurrences(in range: ClosedRange<CivilDate>) -> [Occurrence] {
        guard let count = ast.count else { return filtered(in: range) }
        // Counting starts at `from` (required for repeating rules), whatever range is asked for.
        let start = ast.from ?? range.lowerBound
        guard start <= range.upperBound else { return [] }
        let all = filtered(in: min(start, range.lowerBound)...range.upperBound)
        return all.prefix(count).filter { $0.start <= range.upperBound && $0.end >= range.lowerBound }
    }

    /// All occurrences overlapping `range`, after the day-off policy, from/until, except and
    /// times, sorted.
    func filtered(in range: ClosedRange<CivilDate>) -> [Occurrence] {
        var occ: [Occurrence]
        let policy = ast.dayOff ?? .keep
        if policy == .keep {
            occ = baseOccurrences(ast.base, in: range, interval: ast.interval)
        } else {
            // A moved day may come from just outside the range.
            let wide = range.lowerBound.adding(days: -20)...range.upperBound.adding(days: 20)
            occ = applyDayOff(policy, baseOccurrences(ast.base, in: wide, interval: ast.interval))
            occ.removeAll { $0.start > range.upperBound || $0.end < range.lowerBound }
        }
        // No date outside 0001-01-01...9999-12-31 is ever shown.
        let supported = CivilDate.supportedRange
        let before = occ.count
        occ.removeAll { !supported.contains($0.start) || !supported.contains($0.end) }
        if occ.count != before { missing.beyondSupportedDates = true }
        if ast.from != nil || ast.until != nil {
            let from = ast.from ?? CivilDate(dayNumber: Int.min / 2)
            let until = ast.until ?? CivilDate(dayNumber: Int.max / 2)
            occ.removeAll { $0.start < from || $0.start > until }
        }
        if !ast.excepts.isEmpty, let lo = occ.map(\.start).min(), let hi = occ.map(\.start).max() {
            var excluded = Set<Int>()
            for e in ast.excepts {
                for x in baseOccurrences(e, in: lo...hi, interval: 1) {
                    let a = max(x.start, lo).dayNumber
                    let b = min(x.end, hi).dayNumber
                    if a <= b { for d in a...b { excluded.insert(d) } }
                }
            }
            occ.removeAll { excluded.contains($0.start.dayNumber) }
        }
        if !ast.times.isEmpty {
            var timed: [Occurrence] = []
            timed.reserveCapacity(occ.count * ast.times.count)
            for o in occ {
                for t in ast.times {
                    var copy = o
                    copy.time = t
                    timed.append(copy)
                }
            }
            occ = timed
        }
        func ordered(_ a: Occurrence, _ b: Occurrence) -> Bool {
            if a.start != b.start { return a.start < b.start }
            if a.time != b.time { return (a.time?.minutesSinceMidnight ?? -1) < (b.time?.minutesSinceMidnight ?? -1) }
            return a.end < b.end
        }
        // Daily and monthly rules come out in order already; checking is cheaper than sorting.
        if zip(occ, occ.dropFirst()).contains(where: { ordered($1, $0) }) {
            occ.sort(by: ordered)
        }
        return occ
    }

    /// Moves or drops single days that fall on a day off; a day moved onto another occurrence's
    /// day is dropped (the office is reminded once).
    func applyDayOff(_ policy: DateRule.DayOffPolicy, _ base: [Occurrence]) -> [Occurrence] {
        var out: [Occurrence] = []
        out.reserveCapacity(base.count)
        // In date order, so that `shift` fills a cycle's free days the same way every time.
        let occ = base.sorted { $0.start < $1.start }
        var taken = Set<Int>()
        for o in occ where o.start == o.end && work.isWorkingDay(o.start) { taken.insert(o.start.dayNumber) }
        for o in occ {
            guard o.start == o.end, !work.isWorkingDay(o.start) else {
                out.append(o)
                continue
            }
            let moved: CivilDate
            switch policy {
            case .keep:
                out.append(o)
                continue
            case .skip:
                continue
            case .before:
                moved = work.previousWorkingDay(before: o.start)
            case .after:
                moved = work.nextWorkingDay(after: o.start)
            case .shift:
                guard let free = freeWorkingDay(near: o.start, in: shiftCycle(of: o.start), taken: taken) else { continue }
                moved = free
            }
            guard taken.insert(moved.dayNumber).inserted else { continue }
            var copy = o
            copy.start = moved
            copy.end = moved
            if explain {
                copy.steps.append(.dayOff(policy, date: o.start, kind: work.dayKind(o.start).chineseLabel, movedTo: moved))
                if !work.hasTable(for: o.start.year) { copy.steps.append(.noHolidayTable(year: o.start.year)) }
            }
            out.append(copy)
        }
        return out
    }

    /// The days a `shift` may move an occurrence within: its ISO week for `weekly`, its month for
    /// `monthly`, the day itself for `daily`, its Gregorian year for dated rules.
    func shiftCycle(of day: CivilDate) -> ClosedRange<CivilDate> {
        switch ast.base {
        case .weekly:
            let monday = day.adding(days: 1 - day.weekday.rawValue)
            return monday...monday.adding(days: 6)
        case .monthly:
            return day.startOfMonth...day.endOfMonth
        case .daily:
            return day...day
        case .point, .window, .holidayPeriod:
            let year = day.year
            return CivilDate(dayNumber: CivilDate.daysFromCivil(year: year, month: 1, day: 1))...CivilDate(
                dayNumber: CivilDate.daysFromCivil(year: year, month: 12, day: 31))
        }
    }

    /// The nearest working day of `cycle` after `day` that is not `taken`, else the nearest
    /// before it.
    func freeWorkingDay(near day: CivilDate, in cycle: ClosedRange<CivilDate>, taken: Set<Int>) -> CivilDate? {
        func free(_ d: CivilDate) -> Bool { !taken.contains(d.dayNumber) && work.isWorkingDay(d) }
        var d = day.adding(days: 1)
        while d <= cycle.upperBound {
            if free(d) { return d }
            d = d.adding(days: 1)
        }
        d = day.adding(days: -1)
        while d >= cycle.lowerBound {
            if free(d) { return d }
            d = d.adding(days: -1)
        }
        return nil
    }

    // MARK: Bases

    func baseOccurrences(_ base: RuleBase, in range: ClosedRange<CivilDate>, interval: Int) -> [Occurrence] {
        switch base {
        case .daily:
            return daily(in: range, interval: interval)
        case .weekly(let days):
            return weekly(days, in: range, interval: interval)
        case .monthly(let specs):
            return monthly(specs, in: range, interval: interval)
        case .point, .window, .holidayPeriod:
            return dated(base, in: range, interval: interval)
        }
    }

    func daily(in range: ClosedRange<CivilDate>, interval: Int) -> [Occurrence] {
        let steps: [DerivationStep] = explain ? [.daily(interval: interval)] : []
        let phase = (ast.from ?? CivilDate(dayNumber: 0)).dayNumber
        var out: [Occurrence] = []
        out.reserveCapacity(range.lowerBound.days(to: range.upperBound) / interval + 1)
        var d = range.lowerBound.dayNumber
        if interval > 1 {
            d += positiveModulo(phase - d, interval)
        }
        while d <= range.upperBound.dayNumber {
            let date = CivilDate(dayNumber: d)
            out.append(Occurrence(start: date, end: date, steps: steps))
            d += interval
        }
        return out
    }

    func weekly(_ days: [Weekday], in range: ClosedRange<CivilDate>, interval: Int) -> [Occurrence] {
        let phaseDate = ast.from ?? CivilDate(dayNumber: 4)  // 1970-01-05, a Monday
        let phaseMonday = phaseDate.dayNumber - (phaseDate.weekday.rawValue - 1)
        var out: [Occurrence] = []
        for day in days {
            let steps: [DerivationStep] = explain ? [.weekly(day, interval: interval)] : []
            let lower = range.lowerBound
            var d = lower.dayNumber + positiveModulo(day.rawValue - lower.weekday.rawValue, 7)
            while d <= range.upperBound.dayNumber {
                let week = (d - phaseMonday) >= 0 ? (d - phaseMonday) / 7 : (d - phaseMonday - 6) / 7
                if interval == 1 || positiveModulo(week, interval) == 0 {
                    let date = CivilDate(dayNumber: d)
                    out.append(Occurrence(start: date, end: date, steps: steps))
                }
                d += 7
            }
        }
        return out
    }

    func monthly(_ specs: [MonthDaySpec], in range: ClosedRange<CivilDate>, interval: Int) -> [Occurrence] {
        let phase = ast.from.map { $0.year * 12 + $0.month - 1 } ?? 1970 * 12
        let first = range.lowerBound.year * 12 + range.lowerBound.month - 1
        let last = range.upperBound.year * 12 + range.upperBound.month - 1
        var out: [Occurrence] = []
        for index in first...last where interval == 1 || positiveModulo(index - phase, interval) == 0 {
            let year = index >= 0 ? index / 12 : (index - 11) / 12
            let month = index - year * 12 + 1
            for spec in specs {
                guard let date = monthDay(spec, year: year, month: month), range.contains(date) else { continue }
                var steps: [DerivationStep] = []
                if explain {
                    steps.append(.monthly(spec: spec.canonicalText, year: year, month: month, date: date))
                    if case .workingDay = spec, !work.hasTable(for: year) { steps.append(.noHolidayTable(year: year)) }
                }
                out.append(Occurrence(start: date, end: date, steps: steps))
            }
        }
        return out
    }

    func monthDay(_ spec: MonthDaySpec, year: Int, month: Int) -> CivilDate? {
        let length = CivilDate.daysIn(month: month, year: year)
        switch spec {
        case .day(let d):
            return CivilDate(year: year, month: month, day: d)
        case .lastDay:
            return CivilDate(year: year, month: month, day: length)
        case .weekday(let n, let w):
            if n > 0 {
                let first = CivilDate(year: year, month: month, day: 1)!
                let day = 1 + positiveModulo(w.rawValue - first.weekday.rawValue, 7) + (n - 1) * 7
                return day <= length ? CivilDate(year: year, month: month, day: day) : nil
            }
            let lastDate = CivilDate(year: year, month: month, day: length)!
            return lastDate.adding(days: -positiveModulo(lastDate.weekday.rawValue - w.rawValue, 7))
        case .workingDay(let n):
            return work.nthWorkingDay(n, year: year, month: month)
        }
    }

    // MARK: Points and windows

    func dated(_ base: RuleBase, in range: ClosedRange<CivilDate>, interval: Int) -> [Occurrence] {
        let margin: Int
        switch base {
        case .point(let p):
            margin = 1 + p.maxReachDays / 365
        case .window(let s, let e, _):
            margin = 1 + max(s.maxReachDays, e.maxReachDays) / 365
        case .holidayPeriod:
            margin = 1
        default:
            return []
        }
        let cycles =
            base.allAnchorsFixed ? 0...0 : (range.lowerBound.year - margin)...(range.upperBound.year + margin)
        let phaseYear = ast.from?.year ?? 0
        var out: [Occurrence] = []
        for year in cycles where interval == 1 || positiveModulo(year - phaseYear, interval) == 0 {
            for occurrence in resolve(base, year: year, queryYears: range.lowerBound.year...range.upperBound.year)
            where occurrence.start <= range.upperBound && occurrence.end >= range.lowerBound {
                out.append(occurrence)
            }
        }
        return out
    }

    func resolve(_ base: RuleBase, year: Int, queryYears: ClosedRange<Int>) -> [Occurrence] {
        switch base {
        case .point(let p):
            return resolve(p, year: year, queryYears: queryYears).map {
                Occurrence(start: $0.0, end: $0.0, steps: $0.1)
            }
        case .holidayPeriod(let h):
            guard let (period, name) = context.holidayBreak(h, year: year).map({ ($0.period, $0.name) }) else {
                if !work.hasTable(for: year), queryYears.contains(year) { missing.years.insert(year) }
                return []
            }
            return [
                Occurrence(
                    start: period.lowerBound, end: period.upperBound,
                    steps: explain
                        ? [.holiday(name: name, year: year, start: period.lowerBound, end: period.upperBound, part: nil)] : [])
            ]
        case .window(let s, let e, let endRelative):
            var out: [Occurrence] = []
            for (start, startSteps) in resolve(s, year: year, queryYears: queryYears) {
                var end: CivilDate?
                var endSteps: [DerivationStep] = []
                if endRelative {
                    // The end counts from the start's anchor, not from the start.
                    guard let (anchorDate, _) = resolve(anchor: s.anchor, year: year, queryYears: queryYears)
                        .first(where: { apply(s.offsets, to: $0.0).0 == start })
                    else { continue }
                    let (d, steps) = apply(e.offsets, to: anchorDate)
                    end = d
                    endSteps = steps
                } else {
                    let candidates = resolve(e, year: year, queryYears: queryYears)
                    if let same = candidates.first(where: { $0.0 >= start }) {
                        (end, endSteps) = (same.0, same.1)
                    } else if !e.anchor.isFixed,
                        let next = resolve(e, year: year + 1, queryYears: queryYears).first(where: { $0.0 >= start })
                    {
                        (end, endSteps) = (next.0, explain ? [.endInNextYear(year: year + 1)] + next.1 : [])
                    }
                }
                guard let end, start <= end else { continue }
                out.append(Occurrence(start: start, end: end, steps: explain ? startSteps + [.windowEnd] + endSteps : []))
            }
            return out
        default:
            return []
        }
    }

    func resolve(_ point: Point, year: Int, queryYears: ClosedRange<Int>) -> [(CivilDate, [DerivationStep])] {
        resolve(anchor: point.anchor, year: year, queryYears: queryYears).map { date, step in
            if point.offsets.isEmpty { return (date, explain ? [step] : []) }
            let (moved, steps) = apply(point.offsets, to: date)
            return (moved, explain ? [step] + steps : [])
        }
    }

    func apply(_ offsets: [Offset], to date: CivilDate) -> (CivilDate, [DerivationStep]) {
        var d = date
        var steps: [DerivationStep] = []
        for offset in offsets {
            switch offset {
            case .days(let n):
                let to = d.adding(days: n)
                if explain { steps.append(.offsetDays(n, from: d, to: to)) }
                d = to
            case .workingDays(let n):
                let result = work.addingWithCoverage(workingDays: n, to: d)
                let to = result.date
                guard explain else {
                    d = to
                    continue
                }
                var counted: [MarkedDay] = []
                var skipped: [MarkedDay] = []
                if n != 0 {
                    let span = d < to ? d.adding(days: 1)...to : to...d.adding(days: -1)
                    if span.count <= 400 {
                        for day in span {
                            switch work.dayKind(day) {
                            case .makeupWorkday(let name): counted.append(MarkedDay(date: day, name: name))
                            case .holiday(let name) where !day.weekday.isWeekend:
                                skipped.append(MarkedDay(date: day, name: name))
                            default: break
                            }
                        }
                    }
                }
                steps.append(
                    .offsetWorkingDays(
                        n, from: d, to: to, counted: counted, skipped: skipped,
                        yearsWithoutTable: result.yearsWithoutTable))
                d = to
            }
        }
        return (d, steps)
    }

    func resolve(anchor: Anchor, year: Int, queryYears: ClosedRange<Int>) -> [(CivilDate, DerivationStep)] {
        switch anchor {
        case .date(let d):
            return [(d, .fixedDate(d))]
        case .monthDay(let m, let day):
            let d: Int
            switch day {
            case .day(let v): d = v
            case .last: d = CivilDate.daysIn(month: m, year: year)
            }
            guard let date = CivilDate(year: year, month: m, day: d) else { return [] }
            let written: Int? = if case .day(let v) = day { v } else { nil }
            return [(date, .yearlyDate(month: m, day: written, year: year, date: date))]
        case .lunar(let fixedYear, let month, let leap, let day):
            let lunarYear = fixedYear ?? year
            let calendar = context.calendar
            do throws(CalendarError) {
                let d: Int
                switch day {
                case .day(let v): d = v
                case .last: d = try calendar.length(ofMonth: month, leap: leap, lunarYear: lunarYear)
                }
                let date = try calendar.civilDate(lunarYear: lunarYear, month: month, day: d, leap: leap)
                let lunar = LunarDate(year: lunarYear, month: month, day: d, isLeapMonth: leap)
                return [(date, .lunarDate(lunar, date: date))]
            } catch {
                // No leap month that year, day 30 of a 29-day month, or outside the calendar's range.
                return []
            }
        case .festival(let f):
            guard f.isObserved(in: year), let dates = try? context.festivals.dates(of: f, year: year) else { return [] }
            let lunarKind: Bool
            switch f.kind {
            case .lunar, .lunarMonthEnd: lunarKind = true
            default: lunarKind = false
            }
            // The step is dropped when not explaining: no lunar date or anniversary for it.
            guard explain else { return dates.map { ($0, .fixedDate($0)) } }
            return dates.map { date in
                let lunar = lunarKind ? try? context.calendar.lunarDate(from: date) : nil
                return (
                    date,
                    .festival(
                        name: f.chineseName, rule: f.ruleDescription, year: year, lunar: lunar,
                        anniversary: f.anniversary(in: year)?.chineseText, date: date)
                )
            }
        case .holiday(let h, let end):
            guard let (period, name) = context.holidayBreak(h, year: year).map({ ($0.period, $0.name) }) else {
                if !work.hasTable(for: year), queryYears.contains(year) { missing.years.insert(year) }
                return []
            }
            let date = end ? period.upperBound : period.lowerBound
            return [
                (
                    date,
                    .holiday(
                        name: name, year: year, start: period.lowerBound, end: period.upperBound,
                        part: end ? "end" : "start")
                )
            ]
        }
    }
}

extension Point {
    /// An upper bound of how far the offsets can move the date, in days.
    var maxReachDays: Int {
        offsets.reduce(0) { total, o in
            switch o {
            case .days(let n): total + abs(n)
            // Five working days a week, plus the longest breaks.
            case .workingDays(let n): total + abs(n) * 7 / 5 + 20
            }
        }
    }
}

func positiveModulo(_ a: Int, _ n: Int) -> Int {
    let r = a % n
    return r < 0 ? r + n : r
}
