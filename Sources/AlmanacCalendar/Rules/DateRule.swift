/// A date rule: when a plan item happens, written as one line of text in a plan file.
///
/// The language is documented in `docs/date-rules.md`. Examples:
///
///     2026-05-01                 once
///     08-10                      every year on August 10th
///     09-20..10-10               every year, a window (may cross the year end: 12-20..01-05)
///     weekly tue,fri 09:00       every Tuesday and Friday at 09:00
///     monthly last fri           the last Friday of every month
///     daily 09:00,21:00          every day, twice (日查、夜查)
///
/// Natural Chinese spellings (`9月20日—10月10日`, `每周二、五`) are accepted and read into the same
/// rule; ``text`` is always the one canonical form.
public struct DateRule: Sendable, Hashable, CustomStringConvertible {
    let ast: RuleAST

    /// The canonical written form. Parsing it gives back an equal rule.
    public var text: String { ast.canonicalText }

    public var description: String { text }

    init(ast: RuleAST) {
        self.ast = ast
    }

    /// Reads a rule, or reports the first problem with its column. Festival and solar-term
    /// names are looked up in `festivals` (a plan passes its catalog with its own festivals
    /// added); official holiday names in `OfficialHoliday.standard`.
    public static func parse(_ text: String, festivals: FestivalCatalog = .standard) throws(RuleParseError) -> DateRule {
        var parser = RuleParser(text: text, festivals: festivals)
        return DateRule(ast: try parser.parseRule())
    }

    /// Whether the rule can happen more than once (every year, week, month or day).
    public var isRecurring: Bool { ast.isRecurring }

    /// Whether an occurrence spans several days (a window such as `09-20..10-10`).
    public var isWindow: Bool { ast.base.isWindow }

    /// The times of day written in the rule, in order; empty for all-day rules.
    public var times: [TimeOfDay] { ast.times }

    /// The day-off policy the rule writes (`dayoff keep` included); nil when it says nothing,
    /// which expands like `keep`.
    public var dayOffPolicy: DayOffPolicy? { ast.dayOff }

    /// Whether some occurrence's date comes from the Chinese calendar (a lunar date, a lunar
    /// festival, a solar term), which is computed for ``ChineseCalendar/supportedYears`` only.
    public var usesChineseCalendar: Bool {
        ([ast.base] + ast.excepts).contains { $0.usesChineseCalendar }
    }
}

extension DateRule {
    /// What to do with a single-day occurrence that falls on a day off (weekend or holiday).
    public enum DayOffPolicy: String, Hashable, Sendable, CaseIterable {
        /// Leave it where it is.
        case keep
        /// Drop it.
        case skip
        /// Move it to the previous working day.
        case before
        /// Move it to the next working day.
        case after
        /// Move it to a working day of the same cycle (the ISO week of a `weekly` rule, the month
        /// of a `monthly` rule, the day of a `daily` rule, the year otherwise) that holds no other
        /// occurrence: the nearest later one, else the nearest earlier one; drop it when there is
        /// none. The number of occurrences per week (or month) stays what the rule writes
        /// whenever the week has that many working days.
        case shift
    }
}

// MARK: - Syntax tree

/// A day of a Gregorian month in a yearly rule: a number or the month's last day.
enum DayOfMonth: Hashable, Sendable {
    case day(Int)
    case last
}

/// Something that names one day in a cycle (a year), or one day outright.
enum Anchor: Hashable, Sendable {
    /// A fixed Gregorian date: happens once.
    case date(CivilDate)
    /// A month and day, every year (`05-01`, `02-last`).
    case monthDay(month: Int, day: DayOfMonth)
    /// A lunar month and day, every lunar year, or once when `year` is given (`lunar 08-15`,
    /// `lunar L06-01`, `lunar 2025-L06-01`, `lunar 12-last`).
    case lunar(year: Int?, month: Int, leap: Bool, day: DayOfMonth)
    /// A festival or solar term of the catalog, every year.
    case festival(Festival)
    /// The first (`start`) or last day of an official holiday's break, every year.
    case holiday(OfficialHoliday, end: Bool)
}

/// A move from an anchor.
enum Offset: Hashable, Sendable {
    case days(Int)
    /// Working days under the official arrangement; the day moved from does not count.
    case workingDays(Int)
}

/// An anchor moved by offsets, applied left to right.
struct Point: Hashable, Sendable {
    var anchor: Anchor
    var offsets: [Offset] = []
}

/// One day of a month in a `monthly` rule.
enum MonthDaySpec: Hashable, Sendable {
    /// Day 1...31; months without that day have no occurrence.
    case day(Int)
    /// The month's last day.
    case lastDay
    /// The nth (1...5) or last (-1) given weekday.
    case weekday(Int, Weekday)
    /// The nth working day (1 is the first; -1 the last, -2 the one before).
    case workingDay(Int)
}

/// What a rule repeats.
enum RuleBase: Hashable, Sendable {
    /// One day per cycle.
    case point(Point)
    /// A window per cycle. When `endRelative`, the end is written as offsets from the start's
    /// anchor (`春节 -7d..+7d`).
    case window(Point, Point, endRelative: Bool)
    /// The whole break of an official holiday (days off and the weekend days joined to them).
    case holidayPeriod(OfficialHoliday)
    case daily
    case weekly([Weekday])
    case monthly([MonthDaySpec])

    var isWindow: Bool {
        switch self {
        case .window, .holidayPeriod: return true
        default: return false
        }
    }

    var usesChineseCalendar: Bool {
        switch self {
        case .point(let p): return p.anchor.usesChineseCalendar
        case .window(let s, let e, _): return s.anchor.usesChineseCalendar || e.anchor.usesChineseCalendar
        case .holidayPeriod, .daily, .weekly, .monthly: return false
        }
    }
}

/// The parsed rule.
struct RuleAST: Hashable, Sendable {
    var base: RuleBase
    var times: [TimeOfDay] = []
    /// Every Nth cycle (day, week, month or year).
    var interval: Int = 1
    var from: CivilDate?
    var until: CivilDate?
    var count: Int?
    var excepts: [RuleBase] = []
    /// nil when the rule writes no policy (expanded as `keep`).
    var dayOff: DateRule.DayOffPolicy?

    var isRecurring: Bool {
        switch base {
        case .daily, .weekly, .monthly, .holidayPeriod: return true
        case .point(let p): return !p.anchor.isFixed
        case .window(let s, let e, _): return !(s.anchor.isFixed && e.anchor.isFixed)
        }
    }
}

extension Anchor {
    var usesChineseCalendar: Bool {
        switch self {
        case .lunar: return true
        case .festival(let f): return f.usesChineseCalendar
        case .date, .monthDay, .holiday: return false
        }
    }

    /// Whether the anchor names one day outright rather than one per year.
    var isFixed: Bool {
        switch self {
        case .date: return true
        case .lunar(let year, _, _, _): return year != nil
        case .monthDay, .festival, .holiday: return false
        }
    }
}

// MARK: - Canonical text

extension RuleAST {
    var canonicalText: String {
        var out = base.canonicalText
        if !times.isEmpty { out += " " + times.map(\.description).joined(separator: ",") }
        if interval != 1 { out += " interval \(interval)" }
        if let from { out += " from \(from)" }
        if let until { out += " until \(until)" }
        if let count { out += " count \(count)" }
        for e in excepts { out += " except " + e.canonicalText }
        if let dayOff { out += " dayoff \(dayOff.rawValue)" }
        return out
    }
}

extension RuleBase {
    var canonicalText: String {
        switch self {
        case .point(let p):
            return p.canonicalText
        case .window(let s, let e, let endRelative):
            if endRelative {
                return s.canonicalText + ".." + e.offsets.map(\.canonicalText).joined(separator: " ")
            }
            return s.canonicalText + ".." + e.canonicalText
        case .holidayPeriod(let h):
            return "holiday " + h.chineseName
        case .daily:
            return "daily"
        case .weekly(let days):
            return "weekly " + days.map(\.abbreviation).joined(separator: ",")
        case .monthly(let specs):
            return "monthly " + specs.map(\.canonicalText).joined(separator: ",")
        }
    }
}

extension Point {
    var canonicalText: String {
        ([anchor.canonicalText] + offsets.map(\.canonicalText)).joined(separator: " ")
    }
}

extension Anchor {
    var canonicalText: String {
        switch self {
        case .date(let d): return d.description
        case .monthDay(let m, let d): return twoDigits(m) + "-" + d.canonicalText
        case .lunar(let year, let m, let leap, let d):
            return "lunar " + (year.map { "\($0)-" } ?? "") + (leap ? "L" : "") + twoDigits(m) + "-" + d.canonicalText
        case .festival(let f): return f.chineseName
        case .holiday(let h, let end): return "holiday " + h.chineseName + (end ? " end" : " start")
        }
    }
}

extension DayOfMonth {
    var canonicalText: String {
        switch self {
        case .day(let d): return twoDigits(d)
        case .last: return "last"
        }
    }
}

extension Offset {
    var canonicalText: String {
        switch self {
        case .days(let n): return (n < 0 ? "-" : "+") + String(abs(n)) + "d"
        case .workingDays(let n): return (n < 0 ? "-" : "+") + String(abs(n)) + "wd"
        }
    }
}

extension MonthDaySpec {
    var canonicalText: String {
        switch self {
        case .day(let d): return String(d)
        case .lastDay: return "last"
        case .weekday(let n, let w): return (n == -1 ? "last" : ordinal(n)) + " " + w.abbreviation
        case .workingDay(let n): return n == -1 ? "last wd" : "\(n)wd"
        }
    }
}

func twoDigits(_ v: Int) -> String { v < 10 && v >= 0 ? "0" + String(v) : String(v) }

func ordinal(_ n: Int) -> String {
    switch n {
    case 1: return "1st"
    case 2: return "2nd"
    case 3: return "3rd"
    default: return "\(n)th"
    }
}
