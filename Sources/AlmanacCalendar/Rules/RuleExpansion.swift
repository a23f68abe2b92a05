extension DateRule {
    /// The occurrences that overlap `range` (a window that started before the range but is still
    /// running is included), ordered by start date, then time, then end.
    public func occurrences(in range: ClosedRange<CivilDate>, context: RuleContext) -> [Occurrence] {
        RuleExpander(ast: ast, context: context).occurrences(in: range)
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

/// Expands one rule over date ranges.
struct RuleExpander {
    let ast: RuleAST
    let context: RuleContext

    func occurrences(in range: ClosedRange<CivilDate>) -> [Occurrence] {
        guard let count = ast.count else { return filtered(in: range) }
        // Counting starts at `from` (required for repeating rules), whatever range is asked for.
        let start = ast.from ?? range.lowerBound
        guard start <= range.upperBound else { return [] }
        let all = filtered(in: min(start, range.lowerBound)...range.upperBound)
        return all.prefix(count).filter { $0.start <= range.upperBound && $0.end >= range.lowerBound }
    }

    /// All occurrences overlapping `range`, after from/until/except and times, sorted.
    func filtered(in range: ClosedRange<CivilDate>) -> [Occurrence] {
        var occ = baseOccurrences(ast.base, in: range, interval: ast.interval)
        if ast.from != nil || ast.until != nil {
            let from = ast.from ?? CivilDate(dayNumber: Int.min / 2)
            let until = ast.until ?? CivilDate(dayNumber: Int.max / 2)
            occ.removeAll { $0.start < from || $0.start > until }
        }
        if !ast.excepts.isEmpty, let lo = occ.map(\.start).min(), let hi = occ.map(\.start).max() {
            var excluded = Set<Int>()
            for e in ast.excepts {
                for x in baseOccurrences(e, in: lo...hi, interval: 1) {
                    for d in max(x.start, lo).dayNumber...max(min(x.end, hi), lo).dayNumber { excluded.insert(d) }
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
        occ.sort { a, b in
            if a.start != b.start { return a.start < b.start }
            if a.time != b.time { return (a.time?.minutesSinceMidnight ?? -1) < (b.time?.minutesSinceMidnight ?? -1) }
            return a.end < b.end
        }
        return occ
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
        case .point, .window:
            return dated(base, in: range, interval: interval)
        }
    }

    func daily(in range: ClosedRange<CivilDate>, interval: Int) -> [Occurrence] {
        let steps: [DerivationStep] = [.daily(interval: interval)]
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
            let steps: [DerivationStep] = [.weekly(day, interval: interval)]
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
                out.append(
                    Occurrence(
                        start: date, end: date,
                        steps: [.monthly(spec: spec.canonicalText, year: year, month: month, date: date)]))
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
        }
    }

    // MARK: Points and windows

    func dated(_ base: RuleBase, in range: ClosedRange<CivilDate>, interval: Int) -> [Occurrence] {
        let cycles: ClosedRange<Int>
        let margin: Int
        switch base {
        case .point(let p):
            margin = 1 + p.maxReachDays / 365
        case .window(let s, let e, _):
            margin = 1 + max(s.maxReachDays, e.maxReachDays) / 365
        default:
            return []
        }
        if base.allAnchorsFixed {
            cycles = 0...0
        } else {
            cycles = (range.lowerBound.year - margin)...(range.upperBound.year + margin)
        }
        let phaseYear = ast.from?.year ?? 0
        var out: [Occurrence] = []
        for year in cycles where interval == 1 || positiveModulo(year - phaseYear, interval) == 0 {
            guard let occurrence = resolve(base, year: year),
                occurrence.start <= range.upperBound, occurrence.end >= range.lowerBound
            else { continue }
            out.append(occurrence)
        }
        return out
    }

    func resolve(_ base: RuleBase, year: Int) -> Occurrence? {
        switch base {
        case .point(let p):
            guard let (date, steps) = resolve(p, year: year) else { return nil }
            return Occurrence(start: date, end: date, steps: steps)
        case .window(let s, let e, let endRelative):
            guard let (start, startSteps) = resolve(s, year: year) else { return nil }
            var endSteps: [DerivationStep]
            var end: CivilDate
            if endRelative {
                guard let (anchorDate, _) = resolve(anchor: s.anchor, year: year),
                    let (d, steps) = apply(e.offsets, to: anchorDate)
                else { return nil }
                end = d
                endSteps = steps
            } else {
                guard let (d, steps) = resolve(e, year: year) else { return nil }
                end = d
                endSteps = steps
                if end < start, !e.anchor.isFixed, let (d2, steps2) = resolve(e, year: year + 1) {
                    end = d2
                    endSteps = [.endInNextYear(year: year + 1)] + steps2
                }
            }
            guard start <= end else { return nil }
            return Occurrence(start: start, end: end, steps: startSteps + [.windowEnd] + endSteps)
        default:
            return nil
        }
    }

    func resolve(_ point: Point, year: Int) -> (CivilDate, [DerivationStep])? {
        guard let (date, step) = resolve(anchor: point.anchor, year: year) else { return nil }
        if point.offsets.isEmpty { return (date, [step]) }
        guard let (moved, steps) = apply(point.offsets, to: date) else { return nil }
        return (moved, [step] + steps)
    }

    func apply(_ offsets: [Offset], to date: CivilDate) -> (CivilDate, [DerivationStep])? {
        var d = date
        var steps: [DerivationStep] = []
        for offset in offsets {
            switch offset {
            case .days(let n):
                let to = d.adding(days: n)
                steps.append(.offsetDays(n, from: d, to: to))
                d = to
            }
        }
        return (d, steps)
    }

    func resolve(anchor: Anchor, year: Int) -> (CivilDate, DerivationStep)? {
        switch anchor {
        case .date(let d):
            return (d, .fixedDate(d))
        case .monthDay(let m, let day):
            let d: Int
            switch day {
            case .day(let v): d = v
            case .last: d = CivilDate.daysIn(month: m, year: year)
            }
            guard let date = CivilDate(year: year, month: m, day: d) else { return nil }
            let written: Int? = if case .day(let v) = day { v } else { nil }
            return (date, .yearlyDate(month: m, day: written, year: year, date: date))
        }
    }
}

extension Point {
    /// An upper bound of how far the offsets can move the date, in days.
    var maxReachDays: Int {
        offsets.reduce(0) { total, o in
            switch o {
            case .days(let n): total + abs(n)
            }
        }
    }
}

func positiveModulo(_ a: Int, _ n: Int) -> Int {
    let r = a % n
    return r < 0 ? r + n : r
}
