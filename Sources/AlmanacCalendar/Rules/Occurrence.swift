/// One dated occurrence of a rule: a day (start == end) or a window of days, an optional time of
/// day, and how it was derived.
public struct Occurrence: Sendable, Hashable, CustomStringConvertible {
    /// First day.
    public var start: CivilDate
    /// Last day (equal to `start` for a single day).
    public var end: CivilDate
    /// The time of day, for rules that give one.
    public var time: TimeOfDay?
    /// The derivation, step by step; rendered by ``explanation``.
    public var steps: [DerivationStep]

    public init(start: CivilDate, end: CivilDate, time: TimeOfDay? = nil, steps: [DerivationStep] = []) {
        self.start = start
        self.end = end
        self.time = time
        self.steps = steps
    }

    /// Whether the occurrence spans more than one day.
    public var isWindow: Bool { end != start }

    /// Every derivation step as a line of text, ending with the resulting date:
    ///
    ///     every year on 05-01 → 2026-05-01
    ///     3 days before 2026-05-01 → 2026-04-28
    ///     = 2026-04-28 (Tuesday)
    public var explanation: [String] {
        var lines = steps.map(\.description)
        var result = "= " + start.description + " (" + start.weekday.englishName + ")"
        if isWindow {
            result += " .. " + end.description + " (" + end.weekday.englishName + "), \(start.days(to: end) + 1) days"
        }
        if let time { result += " at " + time.description }
        lines.append(result)
        return lines
    }

    /// `2026-04-28` or `2026-09-20..2026-10-10`, with ` 09:00` when timed.
    public var description: String {
        (isWindow ? "\(start)..\(end)" : start.description) + (time.map { " \($0)" } ?? "")
    }

    /// Whether `date` lies within the occurrence.
    public func contains(_ date: CivilDate) -> Bool { start <= date && date <= end }
}

/// One step of how an occurrence was derived from its rule.
public enum DerivationStep: Sendable, Hashable, CustomStringConvertible {
    /// A fixed date written in the rule.
    case fixedDate(CivilDate)
    /// A yearly month-day resolved in a year; `last` for the month's last day.
    case yearlyDate(month: Int, day: Int?, year: Int, date: CivilDate)
    /// A move by whole days.
    case offsetDays(Int, from: CivilDate, to: CivilDate)
    /// The rule repeats daily (every `interval` days).
    case daily(interval: Int)
    /// The rule repeats weekly on this weekday (every `interval` weeks).
    case weekly(Weekday, interval: Int)
    /// A day of a month in a monthly rule.
    case monthly(spec: String, year: Int, month: Int, date: CivilDate)
    /// A festival or solar term in a year: its rule (农历八月十五, 节气清明, 5月1日), the lunar date
    /// for lunar festivals, the anniversary text (建党一百零五周年) when it has one.
    case festival(name: String, rule: String, year: Int, lunar: LunarDate?, anniversary: String?, date: CivilDate)
    /// A lunar date and its civil date.
    case lunarDate(LunarDate, date: CivilDate)
    /// An official holiday break in a year (`part` nil: the whole break; "start" / "end": its
    /// first / last day).
    case holiday(name: String, year: Int, start: CivilDate, end: CivilDate, part: String?)
    /// A move by working days, with the make-up working days (调休) counted and the weekday
    /// holidays passed over on the way, and the years that had no holiday table.
    case offsetWorkingDays(
        Int, from: CivilDate, to: CivilDate, counted: [MarkedDay], skipped: [MarkedDay], yearsWithoutTable: [Int])
    /// A working-day rule used a year without a holiday table: Monday to Friday was assumed.
    case noHolidayTable(year: Int)
    /// A single-day occurrence fell on a day off and the rule's day-off policy moved it.
    case dayOff(DateRule.DayOffPolicy, date: CivilDate, kind: String, movedTo: CivilDate)
    /// The steps that follow derive the window's end.
    case windowEnd
    /// The window's end fell before its start in the same year, so it is taken in the next year.
    case endInNextYear(year: Int)

    public var description: String {
        switch self {
        case .fixedDate(let d):
            return "fixed date \(d)"
        case .yearlyDate(let m, let d, let y, let date):
            let day = d.map(twoDigits) ?? "last"
            return "every year on \(twoDigits(m))-\(day) → in \(y): \(date)"
        case .offsetDays(let n, let from, let to):
            let count = abs(n) == 1 ? "1 day" : "\(abs(n)) days"
            return "\(count) \(n < 0 ? "before" : "after") \(from) → \(to)"
        case .daily(let interval):
            return interval == 1 ? "every day" : "every \(interval) days"
        case .weekly(let w, let interval):
            let every = interval == 1 ? "every" : "every \(ordinal(interval)) week on"
            return "\(every) \(w.englishName) (\(w.chineseShortName))"
        case .monthly(let spec, let y, let m, let date):
            return "monthly \(spec): in \(y)-\(twoDigits(m)) → \(date)"
        case .festival(let name, let rule, let year, let lunar, let anniversary, let date):
            var text = "\(name) = \(rule)"
            if let lunar {
                text += " → 农历\(lunar.chineseDescription) (lunar \(lunar))"
            } else {
                text += " → in \(year)"
            }
            if let anniversary { text += ", \(anniversary)" }
            return text + ": \(date)"
        case .lunarDate(let lunar, let date):
            return "农历\(lunar.chineseDescription) (lunar \(lunar)) → \(date)"
        case .holiday(let name, let year, let start, let end, let part):
            let span = "\(name) official holiday \(year): \(start)..\(end) (\(start.days(to: end) + 1) days)"
            switch part {
            case "start": return span + " → starts \(start)"
            case "end": return span + " → ends \(end)"
            default: return span
            }
        case .offsetWorkingDays(let n, let from, let to, let counted, let skipped, let years):
            let count = abs(n) == 1 ? "1 working day" : "\(abs(n)) working days"
            var text = "\(count) \(n < 0 ? "before" : "after") \(from) → \(to)"
            if !counted.isEmpty {
                text += ", counting the 调休 working " + (counted.count == 1 ? "day " : "days ")
                    + counted.map { "\($0.date) (\($0.date.weekday.englishName), \($0.name))" }.joined(separator: ", ")
            }
            if !skipped.isEmpty {
                text += ", passing over the " + (skipped.count == 1 ? "holiday " : "holidays ")
                    + skipped.map { "\($0.date) (\($0.name))" }.joined(separator: ", ")
            }
            if !years.isEmpty {
                text += "; no holiday table for \(years.map(String.init).joined(separator: ", ")): Monday–Friday assumed"
            }
            return text
        case .noHolidayTable(let year):
            return "no holiday table for \(year): Monday–Friday assumed"
        case .dayOff(let policy, let date, let kind, let moved):
            let how: String
            switch policy {
            case .before: how = "the previous working day"
            case .shift: how = "the nearest free working day of the same week, month or year,"
            default: how = "the next working day"
            }
            return "\(date) is a day off (\(kind)) → moved to \(how) \(moved)"
        case .windowEnd:
            return "window end:"
        case .endInNextYear(let y):
            return "the end falls before the start, so it is taken in \(y)"
        }
    }
}

/// A day named in an explanation, with the holiday it belongs to.
public struct MarkedDay: Hashable, Sendable {
    public var date: CivilDate
    /// The break's name: 劳动节, 国庆节、中秋节.
    public var name: String

    public init(date: CivilDate, name: String) {
        self.date = date
        self.name = name
    }
}
