/// What expanding a rule needs besides the rule itself: the Chinese calendar (lunar dates), the
/// festival catalog (festivals and solar terms) and the work calendar (official holidays, 调休,
/// working days).
public struct RuleContext: Sendable {
    /// Lunar dates and solar terms.
    public let calendar: ChineseCalendar
    /// Festival dates. Rules hold the festival they named when parsed; the catalog computes
    /// its dates.
    public let festivals: FestivalCatalog
    /// Working days, holiday breaks and make-up working days. The default has no tables, so
    /// every year counts Monday to Friday and `holiday …` rules have no occurrences; a
    /// daemon or CLI passes the calendar loaded from the holiday files.
    public let workCalendar: WorkCalendar

    /// The break of each standard holiday in each year with a table (holiday id → year → break),
    /// looked up once here because rules ask for them for every cycle they expand.
    let holidayBreaks: [String: [Int: HolidayBreakSpan]]

    public init(
        calendar: ChineseCalendar = .standard, festivals: FestivalCatalog = .standard,
        workCalendar: WorkCalendar = .weekendsOnly
    ) {
        self.calendar = calendar
        self.festivals = festivals
        self.workCalendar = workCalendar
        var breaks: [String: [Int: HolidayBreakSpan]] = [:]
        for year in workCalendar.years {
            for holiday in OfficialHoliday.standard {
                guard let period = workCalendar.holidayPeriod(named: holiday.id, year: year) else { continue }
                let name = workCalendar.holidayBreak(named: holiday.id, year: year)?.name ?? holiday.chineseName
                breaks[holiday.id, default: [:]][year] = HolidayBreakSpan(period: period, name: name)
            }
        }
        holidayBreaks = breaks
    }

    /// The whole break of a standard holiday in a year (`WorkCalendar.holidayPeriod`), with the
    /// break's name (国庆节、中秋节 when merged); `nil` without a table or break.
    func holidayBreak(_ holiday: OfficialHoliday, year: Int) -> HolidayBreakSpan? {
        if let span = holidayBreaks[holiday.id]?[year] { return span }
        // Not a standard holiday id known at init: ask the work calendar.
        guard holidayBreaks[holiday.id] == nil,
            let period = workCalendar.holidayPeriod(named: holiday.chineseName, year: year)
        else { return nil }
        let name = workCalendar.holidayBreak(named: holiday.chineseName, year: year)?.name ?? holiday.chineseName
        return HolidayBreakSpan(period: period, name: name)
    }
}

/// A holiday break's days and name.
struct HolidayBreakSpan: Sendable, Hashable {
    let period: ClosedRange<CivilDate>
    let name: String
}
