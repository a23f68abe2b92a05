import AlmanacCalendar
import AlmanacPlan
import Foundation

/// What to load: the one loader of almanac's plans, used by almanacd (start and reload),
/// `almanacd --check` and every almanacctl command that reads plan files.
public struct PlanLoadRequest: Sendable {
    /// Plan files, directories or globs.
    public var paths: [String]
    /// Where the holiday tables are looked for.
    public var holidays: HolidayLocator
    /// The instant of the load: validation checks a plan that applies every year in this year and
    /// the next; the scheduling window is around its day.
    public var now: Date
    /// Years to check a plan that applies every year in; `nil`: this year and the next.
    public var years: [Int]?
    /// Limits checked before the plan is accepted.
    public var limits: ExpansionLimits
    /// The days to expand; `nil`: the scheduling window around today (``PlanInForce/window(around:)``).
    public var window: ClosedRange<CivilDate>?
    /// How files are read and named.
    public var reader: PlanFileReader

    public init(
        paths: [String], holidays: HolidayLocator, now: Date, years: [Int]? = nil, limits: ExpansionLimits = ExpansionLimits(),
        window: ClosedRange<CivilDate>? = nil, reader: PlanFileReader = PlanFileReader()
    ) {
        self.paths = paths
        self.holidays = holidays
        self.now = now
        self.years = years
        self.limits = limits
        self.window = window
        self.reader = reader
    }
}

/// What a load found: the plan in force when it has no error, and every diagnostic either way.
public struct PlanLoadOutcome: Sendable {
    /// The plan read, even when it has errors (for views that show what was read).
    public var plan: Plan?
    /// The plan in force: `nil` when any diagnostic is an error or the load was cancelled.
    public var inForce: PlanInForce?
    /// Every diagnostic, ordered by file, line and column.
    public var diagnostics: [Diagnostic]
    /// The files read, as diagnostics name them.
    public var files: [String]
    /// The holiday tables used.
    public var holidays: HolidayTablesLoad
    /// The load was cancelled before it finished.
    public var cancelled: Bool

    public init(
        plan: Plan?, inForce: PlanInForce?, diagnostics: [Diagnostic], files: [String], holidays: HolidayTablesLoad,
        cancelled: Bool
    ) {
        self.plan = plan
        self.inForce = inForce
        self.diagnostics = diagnostics
        self.files = files
        self.holidays = holidays
        self.cancelled = cancelled
    }

    public var errors: [Diagnostic] { diagnostics.filter { $0.severity == .error } }
    public var warnings: [Diagnostic] { diagnostics.filter { $0.severity == .warning } }
    public var isValid: Bool { inForce != nil }
}

public enum PlanLoading {
    /// Reads, validates and expands the plan of `request`: every problem is reported at once,
    /// with `file:line:column`; the plan is accepted only without errors, limits included.
    public static func load(_ request: PlanLoadRequest, isCancelled: () -> Bool = { false }) -> PlanLoadOutcome {
        let set = PlanFileSet(request.paths)
        var diagnostics = set.diagnostics
        var sources: [PlanSource] = []
        for file in set.files {
            do {
                sources.append(try request.reader.source(file))
            } catch {
                diagnostics.append(
                    Diagnostic(.error, error.message, at: SourceLocation(file: request.reader.displayName(file), line: 1, column: 1)))
            }
        }
        var plan: Plan?
        var holidays = HolidayTablesLoad(calendar: .weekendsOnly, info: HolidaySourceInfo(), diagnostics: [])
        var inForce: PlanInForce?
        var cancelled = false
        if !sources.isEmpty {
            let result = PlanLoader.load(sources, resolve: request.reader.resolver)
            diagnostics += result.diagnostics
            if let loaded = result.plan {
                plan = loaded
                if loaded.info.holidays.value == "cn" {
                    holidays = request.holidays.load(planPaths: set.files)
                    diagnostics += holidays.diagnostics
                }
                let work = holidays.calendar
                let today = ZonedTime.civilDate(of: request.now, in: loaded.timeZone)
                let checkYears = request.years ?? [today.year, today.year + 1]
                var hasTable: (@Sendable (Int) -> Bool)?
                if holidays.info.directory != nil { hasTable = { year in work.hasTable(for: year) } }
                diagnostics += PlanValidator.validate(
                    loaded,
                    options: ValidationOptions(
                        everyYearCheck: checkYears, hasHolidayTable: hasTable,
                        rules: DateRuleChecker(context: RuleContext(workCalendar: work))))
                if holidays.info.directory == nil, loaded.info.holidays.value == "cn" {
                    diagnostics.append(
                        Diagnostic(
                            .warning,
                            "no holiday tables found: working days are counted as plain Monday to Friday and 'holiday …' rules have no dates",
                            at: loaded.info.holidays.location ?? loaded.info.id.location,
                            hint: "give --holidays DIR or set ALMANAC_HOLIDAYS (searched: \(holidays.info.searched.joined(separator: ", ")))"))
                }
                if isCancelled() {
                    cancelled = true
                } else if !diagnostics.contains(where: { $0.severity == .error }) {
                    let candidate = PlanInForce(
                        plan: loaded, work: work, window: request.window ?? PlanInForce.window(around: today),
                        diagnostics: PlanValidator.sorted(diagnostics), files: loaded.files, loadedAt: request.now,
                        holidays: holidays.info, limits: request.limits, isCancelled: isCancelled)
                    diagnostics += candidate.expansion.diagnostics
                    if candidate.expansion.cancelled {
                        cancelled = true
                    } else if candidate.isValid {
                        inForce = candidate
                    }
                }
            }
        }
        return PlanLoadOutcome(
            plan: plan, inForce: inForce, diagnostics: PlanValidator.sorted(diagnostics),
            files: plan?.files ?? set.files.map(request.reader.displayName), holidays: holidays, cancelled: cancelled)
    }
}
