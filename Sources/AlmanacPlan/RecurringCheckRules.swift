import AlmanacCalendar

extension Quota.Period {
    /// The days of the period holding `day`: the day, its ISO week (Monday to Sunday), calendar
    /// month, quarter or year.
    public func days(containing day: CivilDate) -> ClosedRange<CivilDate> {
        switch self {
        case .day:
            return day...day
        case .week:
            let monday = day.adding(days: -(day.weekday.rawValue - 1))
            return monday...monday.adding(days: 6)
        case .month:
            return day.startOfMonth...day.endOfMonth
        case .quarter:
            let firstMonth = (day.month - 1) / 3 * 3 + 1
            guard let start = CivilDate(year: day.year, month: firstMonth, day: 1) else { return day...day }
            return start...start.adding(months: 2).endOfMonth
        case .year:
            guard let start = CivilDate(year: day.year, month: 1, day: 1), let end = CivilDate(year: day.year, month: 12, day: 31)
            else { return day...day }
            return start...end
        }
    }

    /// `week of 2026-09-28`, `2026-10`, `2026-10-02`: a period in a message.
    func name(_ period: ClosedRange<CivilDate>) -> String {
        switch self {
        case .day: return period.lowerBound.description
        case .week: return "week of \(period.lowerBound)"
        case .month: return String(period.lowerBound.description.prefix(7))
        case .quarter: return "Q\((period.lowerBound.month - 1) / 3 + 1) \(period.lowerBound.year)"
        case .year: return String(period.lowerBound.year)
        }
    }
}

extension DateRuleChecker {
    /// An item's rule beyond parsing. (Several times of day are fine: the occurrence's id then
    /// carries its time, `ITEM@DATETHH:MM`.) For a recurring check, against the official calendar of
    /// the plan years: occurrences on official days off that the rule does not say are meant (no
    /// `dayoff` policy written), and quota periods in which the rule schedules fewer checks than
    /// the quota although the period has room for them (working days, or every day under an
    /// explicit `dayoff keep`).
    public func checkItemRule(
        rule: String, at location: SourceLocation?, years: [Int], recurringCheck: Bool,
        quota: (count: Int, per: Quota.Period)?
    ) -> [Diagnostic] {
        guard let parsed = try? rules.parse(rule) else { return [] }
        guard recurringCheck else { return [] }
        return checkRecurring(parsed, rule: rule, at: location, years: years, quota: quota)
    }

    func checkRecurring(
        _ parsed: DateRule, rule: String, at location: SourceLocation?, years: [Int], quota: (count: Int, per: Quota.Period)?
    ) -> [Diagnostic] {
        guard let firstYear = years.min(), let lastYear = years.max(), let first = CivilDate(year: firstYear, month: 1, day: 1),
            let last = CivilDate(year: lastYear, month: 12, day: 31)
        else { return [] }
        let work = context.workCalendar
        let occurrences = parsed.occurrences(in: first...last, context: context).filter { !$0.isWindow }
        var diagnostics: [Diagnostic] = []
        let yearList = years.map(String.init).joined(separator: ", ")
        if parsed.dayOffPolicy == nil {
            let off = Array(Set(occurrences.map(\.start).filter { !work.isWorkingDay($0) })).sorted()
            if !off.isEmpty {
                let shown = off.prefix(4).map { "\($0) \(work.dayKind($0).chineseLabel)" }.joined(separator: ", ")
                diagnostics.append(
                    Diagnostic(
                        .warning,
                        "recurring check '\(rule)' falls on \(off.count) official day\(off.count == 1 ? "" : "s") off in \(yearList) ("
                            + shown + (off.count > 4 ? ", …" : "") + ")",
                        at: location,
                        hint: "add 'dayoff shift' to move each to a free working day of its week (the count stays), "
                            + "'dayoff skip' to drop them, or 'dayoff keep' when checks do take place on days off"))
            }
        }
        guard let quota else { return diagnostics }
        let keepsDaysOff = parsed.dayOffPolicy == .keep
        var counts: [CivilDate: Int] = [:]
        for o in occurrences where keepsDaysOff || work.isWorkingDay(o.start) {
            counts[quota.per.days(containing: o.start).lowerBound, default: 0] += 1
        }
        var short: [String] = []
        var period = quota.per.days(containing: first)
        if period.lowerBound < first { period = quota.per.days(containing: period.upperBound.adding(days: 1)) }
        while period.upperBound <= last {
            let open = period.filter { keepsDaysOff || work.isWorkingDay($0) }.count
            let expected = min(quota.count, open * max(1, parsed.times.count))
            let scheduled = counts[period.lowerBound] ?? 0
            if scheduled < expected { short.append("\(quota.per.name(period)): \(scheduled)") }
            period = quota.per.days(containing: period.upperBound.adding(days: 1))
        }
        if !short.isEmpty {
            diagnostics.append(
                Diagnostic(
                    .warning,
                    "recurring check '\(rule)' schedules fewer than its quota of \(quota.count) a \(quota.per.rawValue) in "
                        + "\(short.count) \(quota.per.rawValue)\(short.count == 1 ? "" : "s") of \(yearList) that have room for it ("
                        + short.prefix(4).joined(separator: ", ") + (short.count > 4 ? ", …" : "") + ")",
                    at: location,
                    hint: "'dayoff shift' moves a check off a day off to a free working day of the same \(quota.per.rawValue)"))
        }
        return diagnostics
    }
}
