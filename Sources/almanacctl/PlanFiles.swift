import AlmanacCalendar
import AlmanacControl
import AlmanacHost
import AlmanacPlan
import ArgumentParser
import Foundation

/// Options shared by the commands that read a plan from files (offline, without the daemon).
struct PlanFileOptions: ParsableArguments {
    @Option(name: .long, help: "A plan file or a directory of *.yaml plan files (repeatable).")
    var plan: [String] = []

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Directory of official holiday tables (default: the search order of docs/holidays.md: $ALMANAC_HOLIDAYS, holidays/ beside the plan, the installed tables).",
            valueName: "DIR"))
    var holidays: String?

    @Flag(
        name: .customLong("no-cache"),
        help: "Read the plan files without the plan cache (~/.cache/almanac; also ALMANAC_CACHE=off).")
    var noCache = false

    init() {}

    init(plan: [String], holidays: String?, noCache: Bool = false) {
        self.plan = plan
        self.holidays = holidays
        self.noCache = noCache
    }
}

/// almanacctl's side of the one loader (`AlmanacHost.PlanLoading`): the same files, holiday
/// tables, validation and limits as almanacd, with names relative to the working directory.
enum OfflinePlan {
    /// The clock of every command: the system's, or `$ALMANAC_NOW`.
    static let clock = SystemClock(environment: ProcessInfo.processInfo.environment)

    /// Where the holiday tables are looked for: `--holidays`, then the search order.
    static func locator(_ holidays: String?) -> HolidayLocator {
        HolidayLocator(
            explicit: holidays.map { ($0, "--holidays") }, environment: ProcessInfo.processInfo.environment)
    }

    static var reader: PlanFileReader { PlanFileReader(workingDirectory: FileManager.default.currentDirectoryPath) }

    /// The plan cache of the user running the command (docs/cli.md, "The plan cache"): `nil`
    /// with `--no-cache` or `ALMANAC_CACHE=off`.
    static func cache(enabled: Bool) -> PlanCache? {
        enabled ? PlanCache.standard(environment: ProcessInfo.processInfo.environment) : nil
    }

    /// Loads the plan of `paths` as almanacd would (validation, the scheduling window, limits),
    /// or, with `range`, expanded over those days for a view (without the daemon's limits).
    /// The validated plan comes from the plan cache when none of its files changed.
    static func load(
        _ paths: [String], holidays: String?, range: ClosedRange<CivilDate>? = nil, years: [Int]? = nil, cache: Bool = true
    ) -> PlanLoadOutcome {
        var request = PlanLoadRequest(
            paths: paths, holidays: locator(holidays), now: clock.now(), years: years,
            limits: range == nil ? ExpansionLimits() : .views, window: range, reader: reader,
            cache: Self.cache(enabled: cache))
        request.exitsAfterwards = true  // every command loads once and exits after its output
        return PlanLoading.load(request)
    }

    /// The plan in force of `--plan`, for a view over `range`; prints every diagnostic and exits
    /// 1 when the plan has errors.
    static func inForce(_ options: PlanFileOptions, range: ClosedRange<CivilDate>? = nil) throws -> PlanInForce {
        guard !options.plan.isEmpty else { throw ValidationError("give the plan with --plan PATH") }
        let outcome = load(options.plan, holidays: options.holidays, range: range, cache: !options.noCache)
        guard let plan = outcome.inForce else {
            for d in outcome.diagnostics where d.severity == .error {
                Console.writeError(d.description + "\n")
            }
            throw ExitCode(1)
        }
        return plan
    }

    /// Today in the plan's time zone.
    static func today(_ plan: PlanInForce) -> CivilDate { plan.today(at: clock.now()) }
}

/// Terminal text helpers for the offline plan views: widths as ``DisplayWidth`` counts them
/// (Chinese characters take two columns), the one measure every almanacctl table uses.
enum TerminalText {
    /// Columns `text` takes in a terminal.
    static func width(_ text: String) -> Int { DisplayWidth.of(text) }

    /// `text` padded with spaces to `columns` terminal columns.
    static func pad(_ text: String, to columns: Int) -> String { DisplayWidth.padded(text, to: columns) }
}

/// Writes an Encodable as pretty JSON on standard output.
func printJSON<T: Encodable>(_ value: T) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    let data = try encoder.encode(value)
    Console.print(String(decoding: data, as: UTF8.self))
}
