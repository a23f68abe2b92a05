/// What kind of day a date is for an office that follows the official arrangement.
public enum DayKind: Hashable, Sendable {
    /// Monday to Friday, no holiday.
    case workday
    /// Saturday or Sunday, not worked.
    case weekend
    /// A day off of the named break (`春节`, `国庆节、中秋节`).
    case holiday(String)
    /// A Saturday or Sunday worked because of the named break (调休上班).
    case makeupWorkday(String)

    /// Whether offices work on such a day.
    public var isWorkingDay: Bool {
        switch self {
        case .workday, .makeupWorkday: return true
        case .weekend, .holiday: return false
        }
    }

    /// Stable ASCII name: `workday`, `weekend`, `holiday`, `makeup-workday`.
    public var code: String {
        switch self {
        case .workday: return "workday"
        case .weekend: return "weekend"
        case .holiday: return "holiday"
        case .makeupWorkday: return "makeup-workday"
        }
    }

    /// The break's name for `.holiday` and `.makeupWorkday`, else `nil`.
    public var holidayName: String? {
        switch self {
        case .holiday(let name), .makeupWorkday(let name): return name
        case .workday, .weekend: return nil
        }
    }

    /// Chinese label: 工作日, 周末, 春节假期, 春节调休上班.
    public var chineseLabel: String {
        switch self {
        case .workday: return "工作日"
        case .weekend: return "周末"
        case .holiday(let name): return "\(name)假期"
        case .makeupWorkday(let name): return "\(name)调休上班"
        }
    }
}

/// A day as the work calendar sees it, with whether an official table backed the answer.
public struct DayInfo: Hashable, Sendable {
    public var date: CivilDate
    public var kind: DayKind
    /// `false` when no holiday table covers the date's year: the kind then only says Monday–Friday
    /// versus weekend, and official holidays of that year are not known.
    public var hasTable: Bool

    public var isWorkingDay: Bool { kind.isWorkingDay }
}

/// The result of working-day arithmetic, with the years that had to be assumed Monday–Friday.
public struct WorkingDayResult: Hashable, Sendable {
    /// The date found.
    public var date: CivilDate
    /// Years the computation crossed that have no holiday table, sorted; when not empty, the date
    /// is only an estimate that ignores official holidays in those years.
    public var yearsWithoutTable: [Int]

    /// Whether every year the computation crossed had a table.
    public var isExact: Bool { yearsWithoutTable.isEmpty }
}

/// Working days under the official arrangements: Monday to Friday, less days off, plus the
/// weekend days worked instead (调休). Built from one `HolidayTable` per year. A year without a
/// table falls back to Monday–Friday; `hasTable(for:)`, `DayInfo.hasTable` and
/// `WorkingDayResult.yearsWithoutTable` make that visible.
public struct WorkCalendar: Sendable {
    /// The tables, by year.
    public let tables: [Int: HolidayTable]
    private let days: [Int: DayKind]
    private let breaksByYear: [Int: [HolidayBreak]]
    /// The first and last day any table mentions; outside it only weekends matter.
    private let knownRange: ClosedRange<Int>?

    /// The largest number of working days `adding(workingDays:to:)` moves.
    public static let maximumShift = 10_000_000

    /// A calendar with no tables: Monday to Friday are working days, every year is without a table.
    public static let weekendsOnly = WorkCalendar(checkedTables: [])

    /// Builds the calendar. Throws when two tables are for the same year, or when two tables say
    /// different things about one day.
    public init(tables: [HolidayTable]) throws(HolidayTableError) {
        var problems: [HolidayDiagnostic] = []
        var byYear: [Int: HolidayTable] = [:]
        var kinds: [Int: (DayKind, HolidayTable)] = [:]
        for table in tables.sorted(by: { $0.year < $1.year }) {
            if let other = byYear[table.year] {
                problems.append(
                    HolidayDiagnostic(
                        code: .duplicateTable, file: table.fileName, line: 1, column: 1,
                        message: "a second table for \(table.year) (the first is \(other.fileName))"))
                continue
            }
            byYear[table.year] = table
            for item in table.breaks {
                for (day, kind) in item.daysOff.map({ ($0, DayKind.holiday(item.name)) })
                    + item.makeupWorkdays.map({ ($0, DayKind.makeupWorkday(item.name)) })
                {
                    if let (existing, owner) = kinds[day.dayNumber], existing != kind {
                        problems.append(
                            HolidayDiagnostic(
                                code: .conflictingDay, file: table.fileName, line: 1, column: 1,
                                message:
                                    "\(day) is \(kind.chineseLabel) here but \(existing.chineseLabel) in \(owner.fileName)"
                            ))
                    }
                    kinds[day.dayNumber] = (kind, table)
                }
            }
        }
        if !problems.isEmpty { throw HolidayTableError(problems) }
        self.init(checkedTables: Array(byYear.values))
    }

    private init(checkedTables: [HolidayTable]) {
        var byYear: [Int: HolidayTable] = [:]
        var days: [Int: DayKind] = [:]
        var breaks: [Int: [HolidayBreak]] = [:]
        for table in checkedTables {
            byYear[table.year] = table
            breaks[table.year] = table.breaks
            for item in table.breaks {
                for day in item.daysOff { days[day.dayNumber] = .holiday(item.name) }
                for day in item.makeupWorkdays { days[day.dayNumber] = .makeupWorkday(item.name) }
            }
        }
        self.tables = byYear
        self.days = days
        self.breaksByYear = breaks
        if let low = days.keys.min(), let high = days.keys.max() {
            self.knownRange = low...high
        } else {
            self.knownRange = nil
        }
    }

    /// The years that have a table, sorted.
    public var years: [Int] { tables.keys.sorted() }

    /// Whether an official table for `year` was loaded. Without one, that year's working days are
    /// Monday to Friday and its holidays are unknown.
    public func hasTable(for year: Int) -> Bool {
        tables[year] != nil
    }

    /// The kind of day `d` is.
    public func dayKind(_ d: CivilDate) -> DayKind {
        if let kind = days[d.dayNumber] { return kind }
        return d.weekday.isWeekend ? .weekend : .workday
    }

    /// The kind of day `d` is and whether a table backs it.
    public func day(_ d: CivilDate) -> DayInfo {
        DayInfo(date: d, kind: dayKind(d), hasTable: hasTable(for: d.year))
    }

    /// Whether offices work on `d`.
    public func isWorkingDay(_ d: CivilDate) -> Bool {
        dayKind(d).isWorkingDay
    }

    /// The date `n` working days after `d` (before it when `n` is negative). `d` itself does not
    /// count, whatever it is: adding 1 to the Thursday before a Friday holiday gives the next
    /// working day after the holiday. Adding 0 gives `d`.
    public func adding(workingDays n: Int, to d: CivilDate) -> CivilDate {
        addingWithCoverage(workingDays: n, to: d).date
    }

    /// Like `adding(workingDays:to:)`, and tells which years crossed have no table. `n` is clamped
    /// to ±10,000,000 working days (some 38,000 years), so no input can overflow the date.
    public func addingWithCoverage(workingDays n: Int, to d: CivilDate) -> WorkingDayResult {
        let n = max(-WorkCalendar.maximumShift, min(WorkCalendar.maximumShift, n))
        var current = d
        var remaining = abs(n)
        let step = n >= 0 ? 1 : -1
        while remaining > 0 {
            // Past every table, whole weeks of five working days can be skipped at once.
            let beyondTables =
                knownRange.map { step > 0 ? current.dayNumber > $0.upperBound : current.dayNumber < $0.lowerBound }
                ?? true
            if beyondTables, remaining > 10 {
                let weeks = (remaining - 5) / 5
                current = current.adding(days: step * weeks * 7)
                remaining -= weeks * 5
                continue
            }
            current = current.adding(days: step)
            if isWorkingDay(current) { remaining -= 1 }
        }
        let span = d < current ? d...current : current...d
        return WorkingDayResult(date: current, yearsWithoutTable: yearsWithoutTable(in: span))
    }

    /// The first working day after `d`.
    public func nextWorkingDay(after d: CivilDate) -> CivilDate {
        adding(workingDays: 1, to: d)
    }

    /// The last working day before `d`.
    public func previousWorkingDay(before d: CivilDate) -> CivilDate {
        adding(workingDays: -1, to: d)
    }

    /// The `n`th working day of a month (1 is the first); a negative `n` counts from the end (-1 is
    /// the last). `nil` when the month has fewer working days, when `n` is 0 or the month is invalid.
    public func nthWorkingDay(_ n: Int, year: Int, month: Int) -> CivilDate? {
        guard n != 0, (-1_000_000...1_000_000).contains(year), let first = CivilDate(year: year, month: month, day: 1)
        else { return nil }
        let all = (first...first.endOfMonth).filter(isWorkingDay)
        let index = n > 0 ? n - 1 : all.count + n
        return all.indices.contains(index) ? all[index] : nil
    }

    /// All working days from `range.lowerBound` to `range.upperBound`.
    public func workingDays(in range: ClosedRange<CivilDate>) -> [CivilDate] {
        range.filter(isWorkingDay)
    }

    /// The number of working days in a range, both ends included.
    public func countWorkingDays(in range: ClosedRange<CivilDate>) -> Int {
        range.reduce(0) { $0 + (isWorkingDay($1) ? 1 : 0) }
    }

    /// The years of `range` that have no table, sorted.
    public func yearsWithoutTable(in range: ClosedRange<CivilDate>) -> [Int] {
        let first = range.lowerBound.year
        let last = range.upperBound.year
        // A span of thousands of years is not listed year by year: the tables' years bound it.
        if last - first > 1000 {
            let covered = Set(tables.keys.filter { (first...last).contains($0) })
            return Array((first...min(last, first + 1000)).filter { !covered.contains($0) })
        }
        return (first...last).filter { !hasTable(for: $0) }
    }

    /// The break of a holiday in a year's arrangement (by id, Chinese or English name, alias:
    /// `劳动节`, `五一`, `labour-day`), or `nil` when the year has no table or the holiday no break.
    public func holidayBreak(named name: String, year: Int) -> HolidayBreak? {
        breaksByYear[year]?.first { $0.isFor(name) }
    }

    /// The whole break of a holiday: from its first to its last day off as the notice states them,
    /// widened over the weekend days that join it (2024's 元旦 "1月1日放假，与周末连休" is
    /// 2023-12-30…2024-01-01). 劳动节 2026 → 2026-05-01…2026-05-05. `nil` when the year has no
    /// table or no such break.
    public func holidayPeriod(named name: String, year: Int) -> ClosedRange<CivilDate>? {
        guard let item = holidayBreak(named: name, year: year), !item.daysOff.isEmpty else { return nil }
        return period(of: item)
    }

    /// The whole of a break: its stated days off widened over the weekend days that join it.
    public func period(of item: HolidayBreak) -> ClosedRange<CivilDate> {
        var start = item.start
        var end = item.end
        while !isWorkingDay(start.adding(days: -1)), start.days(to: item.start) < 7 { start = start.adding(days: -1) }
        while !isWorkingDay(end.adding(days: 1)), item.end.days(to: end) < 7 { end = end.adding(days: 1) }
        return start...end
    }

    /// The breaks of a year's arrangement in date order; empty when the year has no table.
    public func breaks(year: Int) -> [HolidayBreak] {
        breaksByYear[year] ?? []
    }
}

/// Reads holiday tables from files already loaded into memory, reporting the problems of all
/// files together.
public enum HolidayTables {
    /// Parses every `(name, bytes)` pair and builds a work calendar. Throws every problem of every
    /// file at once.
    public static func workCalendar(files: [(name: String, bytes: [UInt8])]) throws(HolidayTableError) -> WorkCalendar {
        var tables: [HolidayTable] = []
        var problems: [HolidayDiagnostic] = []
        for file in files {
            do {
                tables.append(try HolidayTable.parse(bytes: file.bytes, fileName: file.name))
            } catch {
                problems += error.diagnostics
            }
        }
        if !problems.isEmpty { throw HolidayTableError(problems) }
        return try WorkCalendar(tables: tables)
    }
}
