import AlmanacCalendar
import Foundation
import Testing

@testable import AlmanacPlan

/// The repository root, found from this file's path.
let repositoryRoot: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

/// Reads files of the sample plan from config/plans.
let sampleResolver: IncludeResolver = { path, including throws(IncludeError) in
    let base = URL(fileURLWithPath: including, relativeTo: repositoryRoot).deletingLastPathComponent()
    let url = base.appendingPathComponent(path).standardized
    guard let data = FileManager.default.contents(atPath: url.path) else { throw IncludeError("no such file: \(path)") }
    let relative = url.path.hasPrefix(repositoryRoot.path + "/") ? String(url.path.dropFirst(repositoryRoot.path.count + 1)) : url.path
    return PlanSource(fileName: relative, bytes: [UInt8](data))
}

func loadSample() throws -> PlanLoadResult {
    let name = "config/plans/zhalainuoer.yaml"
    let data = try #require(FileManager.default.contents(atPath: repositoryRoot.appendingPathComponent(name).path))
    return PlanLoader.load([PlanSource(fileName: name, bytes: [UInt8](data))], resolve: sampleResolver)
}

@Suite struct RoundTripTests {
    @Test func samplePlanSurvivesLoadValidateEmit() throws {
        let loaded = try loadSample()
        #expect(loaded.diagnostics.isEmpty)
        let plan = try #require(loaded.plan)
        let emitted = PlanEmitter.emit(plan)
        let reloaded = PlanLoader.load(fileName: "emitted.yaml", text: emitted)
        #expect(reloaded.diagnostics.isEmpty)
        let again = try #require(reloaded.plan)
        #expect(again == plan)
        // The one warning: the document names 80 responsible units, the plan lists 15.
        #expect(
            PlanValidator.validate(again).map(\.message) == [
                "the plan declares 80 responsible units but lists only 15: the other 65 get no reminders"
            ])
        #expect(PlanEmitter.emit(again) == emitted)
    }

    @Test func awkwardTextIsQuotedAndReadBack() throws {
        let titles = [
            "yes", "08-10", "2027", "- dash", "a: b", "#hash", "trailing ", "line\nbreak", "\"quoted\"", "{n}", "[x]",
            "*alias", "&anchor", "!tag", "%", "@at", "`tick`", "", "null", "第{n}届", "09:00", "1.5", "a #b",
        ]
        var plan = Plan(info: PlanInfo(id: Located("t"), name: Located("T"), years: .list([Located(2027)])))
        plan.units = [PlanUnit(id: Located("wmb"), name: Located("区文明办"))]
        for (n, title) in titles.enumerated() {
            plan.items.append(
                PlanItem(
                    id: Located("i\(n)"), kind: Located(.task), title: Located(title), when: Located("08-10"),
                    owners: [Located("wmb")], tags: [Located(title.isEmpty ? "x" : title)]))
        }
        let emitted = PlanEmitter.emit(plan)
        let reloaded = PlanLoader.load(fileName: "q.yaml", text: emitted)
        #expect(reloaded.diagnostics.isEmpty)
        #expect(reloaded.plan?.items.map(\.title.value) == titles)
        #expect(reloaded.plan == plan)
    }

    @Test func sampleValidatesCleanExceptTheMissing2027HolidayTable() throws {
        let plan = try #require(try loadSample().plan)
        let options = ValidationOptions(
            hasHolidayTable: { $0 <= 2026 }, rules: DateRuleChecker(context: RuleContext()))
        #expect(
            PlanValidator.validate(plan, options: options).map(\.description) == [
                "config/plans/zhalainuoer.yaml:10:17: warning: no official holiday table for 2027: working days are counted as plain Monday to Friday (add the State Council's holiday notice for 2027 to the holiday tables)",
                "config/plans/zhalainuoer.yaml:16:19: warning: the plan declares 80 responsible units but lists only 15: the other 65 get no reminders (add them under units: (name and mail), or lower declared_units)",
            ])
        #expect(plan.items.count == 43)
        #expect(plan.units.count == 15)
        #expect(plan.checklists.first?.totals.map { "\($0.key.value)=\($0.value.value)" }.sorted() == ["大项=143", "小项=355"])
    }
}
