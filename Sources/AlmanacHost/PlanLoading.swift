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
    /// Where the validated plan is kept between runs; `nil`: always load from the files.
    public var cache: PlanCache?
    /// What is read is left to the end of the process instead of freed (``PlanLoader/load(_:limits:resolve:keepingTrees:)``):
    /// true only for a command that exits after its output.
    public var exitsAfterwards = false

    public init(
        paths: [String], holidays: HolidayLocator, now: Date, years: [Int]? = nil, limits: ExpansionLimits = ExpansionLimits(),
        window: ClosedRange<CivilDate>? = nil, reader: PlanFileReader = PlanFileReader(), cache: PlanCache? = nil
    ) {
        self.cache = cache
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
    /// The validated plan and its diagnostics came from the plan cache.
    public var fromCache: Bool

    public init(
        plan: Plan?, inForce: PlanInForce?, diagnostics: [Diagnostic], files: [String], holidays: HolidayTablesLoad,
        cancelled: Bool, fromCache: Bool = false
    ) {
        self.fromCache = fromCache
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
    /// With ``PlanLoadRequest/cache``, the validated plan and its diagnostics come from the cache
    /// when nothing the load depends on changed, and are stored there otherwise.
    public static func load(_ request: PlanLoadRequest, isCancelled: () -> Bool = { false }) -> PlanLoadOutcome {
        let set = PlanFileSet(request.paths)
        var diagnostics = set.diagnostics
        var sources: [PlanSource] = []
        var unreadable = false
        for file in set.files {
            do {
                sources.append(try request.reader.source(file))
            } catch {
                unreadable = true
                diagnostics.append(
                    Diagnostic(.error, error.message, at: SourceLocation(file: request.reader.displayName(file), line: 1, column: 1)))
            }
        }
        var plan: Plan?
        var holidays = HolidayTablesLoad(calendar: .weekendsOnly, info: HolidaySourceInfo(), diagnostics: [])
        var inForce: PlanInForce?
        var cancelled = false
        var fromCache = false
        if !sources.isEmpty {
            let cache = unreadable ? nil : request.cache
            let key = cache.map { _ in PlanCache.key(request, files: set.files, sources: sources) }
            let validated: Validated
            // The checksum of the cache entry of this load: what its expansions are kept under.
            var identity: [UInt8]?
            if let cache, let key, let hit = cachedLoad(cache, key: key, request: request, files: set.files) {
                validated = hit.validated
                identity = hit.checksum
                fromCache = true
            } else {
                let recorder = RecordingResolver(request.reader.resolver)
                validated = validate(sources, files: set.files, request: request, resolve: cache == nil ? request.reader.resolver : recorder.resolver)
                if let cache, let key, let loaded = validated.plan, let checkYears = validated.checkYears, !isCancelled() {
                    let usesHolidays = loaded.info.holidays.value == "cn"
                    let tables = usesHolidays && validated.holidays.diagnostics.isEmpty && validated.holidays.info.directory != nil
                        ? validated.holidays.calendar.tables.values.sorted { $0.year < $1.year } : nil
                    identity = cache.write(
                        PlanCacheEntry(
                            key: key, resolved: recorder.records.withLock { $0 }, holidayInfo: usesHolidays ? validated.holidays.info : nil,
                            holidayDigest: usesHolidays ? validated.holidays.digest : [], holidayTables: tables, checkYears: checkYears,
                            plan: loaded, diagnostics: validated.diagnostics))
                }
            }
            diagnostics += validated.diagnostics
            holidays = validated.holidays
            if let loaded = validated.plan {
                plan = loaded
                let today = ZonedTime.civilDate(of: request.now, in: loaded.timeZone)
                if isCancelled() {
                    cancelled = true
                } else if !diagnostics.contains(where: { $0.severity == .error }) {
                    let window = request.window ?? PlanInForce.window(around: today)
                    let expansionKey = identity.map { PlanCache.expansionKey(load: $0, window: window, limits: request.limits) }
                    let expansion: PlanOccurrences
                    if let cache = request.cache, let expansionKey, let stored = cache.readExpansion(expansionKey) {
                        expansion = stored
                    } else {
                        expansion = PlanExpansion.expand(
                            loaded, in: window, context: validated.context ?? RuleContext(workCalendar: holidays.calendar),
                            limits: request.limits,
                            rules: validated.rules, isCancelled: isCancelled)
                        if let cache = request.cache, let expansionKey { cache.writeExpansion(expansion, key: expansionKey) }
                    }
                    let candidate = PlanInForce(
                        plan: loaded, work: holidays.calendar, expansion: expansion, diagnostics: PlanValidator.sorted(diagnostics),
                        files: loaded.files, loadedAt: request.now, holidays: holidays.info)
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
            files: plan?.files ?? set.files.map(request.reader.displayName), holidays: holidays, cancelled: cancelled,
            fromCache: fromCache)
    }

    /// What a load finds before expanding: the plan, the holiday tables, the diagnostics of
    /// reading, the tables and validation (in that order), and the years validated.
    struct Validated {
        var plan: Plan?
        var holidays: HolidayTablesLoad
        var diagnostics: [Diagnostic]
        var checkYears: [Int]?
        /// The plan's rules as validation parsed them, with the whole years' dates its rule
        /// check found (none for a plan from the cache).
        var rules = ParsedRules()
        /// The context validation checked the rules with; the expansion of the same load uses it,
        /// so the dates kept in `rules` are its dates (nil for a plan from the cache).
        var context: RuleContext?
    }

    /// The years a plan that applies every year is checked in: `request.years`, else the year of
    /// the load's day in the plan's zone and the next.
    static func checkYears(_ plan: Plan, request: PlanLoadRequest) -> [Int] {
        let today = ZonedTime.civilDate(of: request.now, in: plan.timeZone)
        return request.years ?? [today.year, today.year + 1]
    }

    /// Reads, decodes and validates the files.
    static func validate(_ sources: [PlanSource], files: [String], request: PlanLoadRequest, resolve: @escaping IncludeResolver) -> Validated {
        let result = PlanLoader.load(sources, resolve: resolve, keepingTrees: request.exitsAfterwards)
        var diagnostics = result.diagnostics
        var holidays = HolidayTablesLoad(calendar: .weekendsOnly, info: HolidaySourceInfo(), diagnostics: [])
        guard let loaded = result.plan else { return Validated(plan: nil, holidays: holidays, diagnostics: diagnostics) }
        if loaded.info.holidays.value == "cn" {
            holidays = request.holidays.load(planPaths: files)
            diagnostics += holidays.diagnostics
        }
        let work = holidays.calendar
        let checkYears = checkYears(loaded, request: request)
        var hasTable: (@Sendable (Int) -> Bool)?
        if holidays.info.directory != nil { hasTable = { year in work.hasTable(for: year) } }
        let rules = ParsedRules(loaded, keepingYears: true)
        let context = RuleContext(workCalendar: work)
        diagnostics += PlanValidator.validate(
            loaded,
            options: ValidationOptions(
                everyYearCheck: checkYears, hasHolidayTable: hasTable, rules: DateRuleChecker(context: context, rules: rules)))
        if holidays.info.directory == nil, loaded.info.holidays.value == "cn" {
            diagnostics.append(
                Diagnostic(
                    .warning,
                    "no holiday tables found: working days are counted as plain Monday to Friday and 'holiday …' rules have no dates",
                    at: loaded.info.holidays.location ?? loaded.info.id.location,
                    hint: "give --holidays DIR or set ALMANAC_HOLIDAYS (searched: \(holidays.info.searched.joined(separator: ", ")))"))
        }
        return Validated(plan: loaded, holidays: holidays, diagnostics: diagnostics, checkYears: checkYears, rules: rules, context: context)
    }

    /// The cached load of `key` when everything else it read is unchanged: the same answers for
    /// every include and checklist file, the same holiday tables, the same years to check.
    static func cachedLoad(_ cache: PlanCache, key: [UInt8], request: PlanLoadRequest, files: [String])
        -> (validated: Validated, checksum: [UInt8])?
    {
        guard let (entry, checksum) = cache.read(key) else { return nil }
        guard checkYears(entry.plan, request: request) == entry.checkYears else { return nil }
        let resolve = request.reader.resolver
        for record in entry.resolved where ResolvedFile.resolve(record.path, record.includingFile, with: resolve).0 != record {
            return nil
        }
        var holidays = HolidayTablesLoad(calendar: .weekendsOnly, info: HolidaySourceInfo(), diagnostics: [])
        if entry.plan.info.holidays.value == "cn" {
            holidays = request.holidays.load(planPaths: files, parsed: entry.holidayTables.map { (entry.holidayDigest, $0) })
            guard holidays.info == entry.holidayInfo, holidays.digest == entry.holidayDigest else { return nil }
        } else if entry.holidayInfo != nil {
            return nil
        }
        return (Validated(plan: entry.plan, holidays: holidays, diagnostics: entry.diagnostics, checkYears: entry.checkYears), checksum)
    }
}
