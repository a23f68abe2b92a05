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
        guard !options.plan.isEmpty else { throw ValidationError("give the plan with --plan PATH") }
        let result = try PlanFiles.load(options.plan)
        guard let plan = result.plan, !result.hasErrors else {
            for d in PlanValidator.sorted(result.diagnostics) {
                FileHandle.standardError.write(Data((d.description + "\n").utf8))
            }
            throw ExitCode(1)
        }
        let work = try PlanFiles.workCalendar(
            holidays: plan.info.holidays.value,
            directory: PlanFiles.holidayDirectory(option: options.holidays, planPaths: options.plan))
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
