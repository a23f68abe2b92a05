/// What expanding a rule needs besides the rule itself: the Chinese calendar (lunar dates), the
/// festival catalog (festivals and solar terms) and the work calendar (official holidays, 调休,
/// working days).
public struct RuleContext: Sendable {
    /// Lunar dates and solar terms.
    public var calendar: ChineseCalendar
    /// Festival dates. Rules hold the festival they named when parsed; the catalog computes
    /// its dates.
    public var festivals: FestivalCatalog
    /// Working days, holiday breaks and make-up working days. The default has no tables, so
    /// every year counts Monday to Friday and `holiday …` rules have no occurrences; a
    /// daemon or CLI passes the calendar loaded from the holiday files.
    public var workCalendar: WorkCalendar

    public init(
        calendar: ChineseCalendar = .standard, festivals: FestivalCatalog = .standard,
        workCalendar: WorkCalendar = .weekendsOnly
    ) {
        self.calendar = calendar
        self.festivals = festivals
        self.workCalendar = workCalendar
    }
}
