/// What expanding a rule needs besides the rule itself.
///
/// Gregorian rules (dates, windows, weekly, monthly, daily) need nothing more; festival, lunar
/// and working-day rules read the calendars held here.
public struct RuleContext: Sendable {
    public init() {}
}
