import AlmanacCalendar
import AlmanacPlan
import ArgumentParser
import Foundation

/// What the offline plan views share: the loaded plan, its work calendar and rule context.
struct LoadedPlan {
    var plan: Plan
    var work: WorkCalendar
    var context: RuleContext

    /// Loads the plan named by `--plan`; stops with the diagnostics when it has errors.
    static func load(_ options: PlanFileOptions) throws -> LoadedPlan {
        try load(paths: options.plan, holidays: options.holidays)
    }

    /// Loads the plan files `paths`, with the holiday tables of `holidays` (or the default place).
    static func load(paths: [String], holidays: String?) throws -> LoadedPlan {
        guard !paths.isEmpty else { throw ValidationError("give the plan with --plan PATH") }
        let result = try PlanFiles.load(paths)
        guard let plan = result.plan, !result.hasErrors else {
            for d in PlanValidator.sorted(result.diagnostics) {
                FileHandle.standardError.write(Data((d.description + "\n").utf8))
            }
            throw ExitCode(1)
        }
        let work = try PlanFiles.workCalendar(
            holidays: plan.info.holidays.value,
            directory: PlanFiles.holidayDirectory(option: holidays, planPaths: paths))
        return LoadedPlan(plan: plan, work: work, context: PlanFiles.ruleContext(work: work))
    }

    /// Unit names for ids ("区文明办"), the id itself when unknown.
    func unitNames(_ ids: [String]) -> [String] {
        ids.map { plan.unit($0)?.name.value ?? $0 }
    }
}

extension PlanFiles {
    /// The context date rules are expanded in.
    static func ruleContext(work: WorkCalendar) -> RuleContext {
        RuleContext(workCalendar: work)
    }
}

/// Chinese weekday names, Monday first.
enum ChineseWeekday {
    static func name(_ weekday: Weekday) -> String {
        switch weekday {
        case .monday: "周一"
        case .tuesday: "周二"
        case .wednesday: "周三"
        case .thursday: "周四"
        case .friday: "周五"
        case .saturday: "周六"
        case .sunday: "周日"
        }
    }
}

/// Parses `YYYY-MM-DD` arguments.
func civilDateArgument(_ text: String, name: String) throws -> CivilDate {
    guard let date = CivilDate(iso: text) else {
        throw ValidationError("\(name) must be a date like 2027-01-01, found '\(text)'")
    }
    return date
}

/// What the agenda and the month grid say about a day whatever the plan holds: weekday, official
/// day kind (holiday, 调休 working day...) and, on request, the lunar date. Encoded as flat fields
/// of the command's own day record.
struct DayFacts: Encodable {
    var date: CivilDate
    var weekday: String
    var dayKind: String
    var dayLabel: String
    var workingDay: Bool
    var lunar: String?

    init(date: CivilDate, kind: DayKind, lunar: String?) {
        self.date = date
        weekday = ChineseWeekday.name(date.weekday)
        dayKind = kind.code
        dayLabel = kind.chineseLabel
        workingDay = kind.isWorkingDay
        self.lunar = lunar
    }
}

/// A command's day record: the shared facts plus the command's own fields, read as `day.weekday`
/// and encoded side by side in one JSON object.
@dynamicMemberLookup
protocol DayRecord: Encodable {
    associatedtype Extra: Encodable
    var facts: DayFacts { get }
    var extra: Extra { get }
}

extension DayRecord {
    subscript<T>(dynamicMember keyPath: KeyPath<DayFacts, T>) -> T { facts[keyPath: keyPath] }
    subscript<T>(dynamicMember keyPath: KeyPath<Extra, T>) -> T { extra[keyPath: keyPath] }

    func encode(to encoder: any Encoder) throws {
        try facts.encode(to: encoder)
        try extra.encode(to: encoder)
    }
}
