import AlmanacCalendar
import Foundation

/// A plan as it is in force: the plan, its working-day calendar and time zone, and its one
/// expansion over the scheduling window, indexed by item, unit and day. Immutable: every accepted
/// load or reload builds a new one and hands it to every service of the daemon (scheduler,
/// control, publisher); `almanacctl --plan` builds the same from the files, so the views are the
/// same offline and from the daemon.
public struct PlanInForce: Sendable {
    public let plan: Plan
    /// Weekends, official holidays and 调休 working days (the holiday tables found).
    public let work: WorkCalendar
    /// The plan's time zone.
    public let zone: TimeZone
    /// The expansion over ``window``.
    public let expansion: PlanOccurrences
    /// The diagnostics of loading and validating the files (an accepted plan keeps its warnings).
    public let loadDiagnostics: [Diagnostic]
    /// Every diagnostic: the load's and the expansion's (limits).
    public var diagnostics: [Diagnostic] { loadDiagnostics + expansion.diagnostics }
    /// The files read, in load order.
    public let files: [String]
    /// When the files were read.
    public let loadedAt: Date
    /// Where the holiday tables came from (for messages): a directory, and why that one.
    public let holidays: HolidaySourceInfo
    /// Unit id → unit, for lookups by id.
    public let unitsByID: [String: PlanUnit]
    /// Item id → position in ``plan``'s items.
    public let itemIndex: [String: Int]

    /// The days of the scheduling window around `today`: 60 days back (overdue, catch-up), 400 ahead.
    public static func window(around today: CivilDate) -> ClosedRange<CivilDate> {
        today.adding(days: -60)...today.adding(days: 400)
    }

    /// Builds the plan in force: the expansion over `window`, with `limits` checked.
    public init(
        plan: Plan, work: WorkCalendar, window: ClosedRange<CivilDate>, diagnostics: [Diagnostic] = [],
        files: [String] = [], loadedAt: Date, holidays: HolidaySourceInfo = HolidaySourceInfo(),
        limits: ExpansionLimits? = nil, isCancelled: () -> Bool = { false }
    ) {
        self.init(
            plan: plan, work: work,
            expansion: PlanExpansion.expand(
                plan, in: window, context: RuleContext(workCalendar: work), limits: limits, isCancelled: isCancelled),
            diagnostics: diagnostics, files: files, loadedAt: loadedAt, holidays: holidays)
    }

    /// The plan in force with its expansion already made (by ``PlanExpansion/expand(_:in:context:items:limits:explain:isCancelled:)``
    /// for this plan and calendar, or read back from the plan cache).
    public init(
        plan: Plan, work: WorkCalendar, expansion: PlanOccurrences, diagnostics: [Diagnostic] = [], files: [String] = [],
        loadedAt: Date, holidays: HolidaySourceInfo = HolidaySourceInfo()
    ) {
        self.plan = plan
        self.work = work
        zone = plan.timeZone
        self.expansion = expansion
        loadDiagnostics = diagnostics
        self.files = files.isEmpty ? plan.files : files
        self.loadedAt = loadedAt
        self.holidays = holidays
        // Sized up front: growing a table of 10,000 ids hashes every id again at each doubling.
        var units = [String: PlanUnit](minimumCapacity: plan.units.count)
        for unit in plan.units where units[unit.id.value] == nil { units[unit.id.value] = unit }
        unitsByID = units
        var items = [String: Int](minimumCapacity: plan.items.count)
        for index in plan.items.indices where items[plan.items[index].id.value] == nil { items[plan.items[index].id.value] = index }
        itemIndex = items
    }

    /// The same plan expanded over another window (the day moved near the edge of the old one).
    public func rewindowed(_ window: ClosedRange<CivilDate>, limits: ExpansionLimits? = nil, isCancelled: () -> Bool = { false })
        -> PlanInForce
    {
        PlanInForce(
            plan: plan, work: work, window: window, diagnostics: loadDiagnostics, files: files, loadedAt: loadedAt, holidays: holidays, limits: limits, isCancelled: isCancelled)
    }

    /// Whether no diagnostic is an error.
    public var isValid: Bool { !diagnostics.contains { $0.severity == .error } }

    /// The scheduling window.
    public var window: ClosedRange<CivilDate> { expansion.range }

    /// The rule context of the plan (its working days).
    public var context: RuleContext { RuleContext(workCalendar: work) }

    /// The occurrences overlapping `days`: read from the window when it covers them, else expanded
    /// for `days` alone (the same expansion), with their indices in order.
    public func occurrences(overlapping days: ClosedRange<CivilDate>) -> (expansion: PlanOccurrences, indices: [Int]) {
        if expansion.range.lowerBound <= days.lowerBound && days.upperBound <= expansion.range.upperBound {
            return (expansion, expansion.indices(overlapping: days))
        }
        let fresh = PlanExpansion.expand(plan, in: days, context: context)
        return (fresh, Array(fresh.occurrences.indices))
    }

    /// The item with this id.
    public func item(_ id: String) -> PlanItem? { itemIndex[id].map { plan.items[$0] } }

    /// The unit with this id.
    public func unit(_ id: String) -> PlanUnit? { unitsByID[id] }

    /// Today in the plan's time zone.
    public func today(at now: Date) -> CivilDate { ZonedTime.civilDate(of: now, in: zone) }

    /// Years of `days` for which the plan needs an official holiday table and has none.
    public func yearsWithoutHolidayTable(in days: ClosedRange<CivilDate>) -> [Int] {
        yearsWithoutHolidayTable(Array(days.lowerBound.year...days.upperBound.year))
    }

    /// Of `years`, those the plan's official holiday calendar (`cn`) has no table for.
    public func yearsWithoutHolidayTable(_ years: [Int]) -> [Int] {
        plan.info.holidays.value == "cn" ? years.filter { !work.hasTable(for: $0) } : []
    }
}

/// Where the holiday tables of a plan came from.
public struct HolidaySourceInfo: Sendable, Hashable, Codable {
    /// The directory read (`…/holidays/cn`), `nil` when none was found.
    public var directory: String?
    /// Why that directory: `--holidays`, `config`, `$ALMANAC_HOLIDAYS`, `beside the plan`,
    /// `installed`, `checkout`, or `none`.
    public var origin: String
    /// Every directory looked at, in order, when none was found.
    public var searched: [String]

    public init(directory: String? = nil, origin: String = "none", searched: [String] = []) {
        self.directory = directory
        self.origin = origin
        self.searched = searched
    }
}
