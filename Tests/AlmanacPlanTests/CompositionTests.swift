import AlmanacCalendar
import Foundation
import Testing

@testable import AlmanacPlan

/// An include resolver over an in-memory set of files, names relative to the including file's folder.
func memoryResolver(_ files: [String: String]) -> IncludeResolver {
    { path, including throws(IncludeError) in
        let folder = including.contains("/") ? String(including[..<including.lastIndex(of: "/")!]) + "/" : ""
        let name = path.hasPrefix("/") ? path : folder + path
        guard let text = files[name] else { throw IncludeError("no such file: \(name)") }
        return PlanSource(fileName: name, text: text)
    }
}

@Suite struct CompositionTests {
    @Test func includesAreMergedWithTheirOwnPositions() throws {
        let files = [
            "main.yaml": "plan: {id: t, name: T, years: [2027]}\ninclude: [parts/units.yaml]\nitems:\n  - {id: a, kind: task, title: A, when: 08-10, owners: [wmb]}\n",
            "parts/units.yaml": "units:\n  wmb: {name: 区文明办, mail: [wmb@example.org]}\n",
        ]
        let result = PlanLoader.load(
            [PlanSource(fileName: "main.yaml", text: files["main.yaml"]!)], resolve: memoryResolver(files))
        #expect(result.diagnostics.isEmpty)
        let plan = try #require(result.plan)
        #expect(plan.files == ["main.yaml", "parts/units.yaml"])
        #expect(plan.unit("wmb")?.id.location == SourceLocation(file: "parts/units.yaml", line: 2, column: 3))
        #expect(PlanValidator.validate(plan).isEmpty)
    }

    @Test func recursiveIncludesAreACycleError() {
        let files = [
            "a.yaml": "plan: {id: t, name: T, years: [2027]}\ninclude: [b.yaml]\n",
            "b.yaml": "include: [a.yaml]\n",
        ]
        let result = PlanLoader.load([PlanSource(fileName: "a.yaml", text: files["a.yaml"]!)], resolve: memoryResolver(files))
        #expect(result.diagnostics.map(\.description) == ["b.yaml:1:11: error: include cycle: a.yaml → b.yaml → a.yaml"])
    }

    @Test func deepIncludeChainsStop() {
        var files: [String: String] = ["f0.yaml": "plan: {id: t, name: T, years: [2027]}\ninclude: [f1.yaml]\n"]
        for i in 1..<50 { files["f\(i).yaml"] = "include: [f\(i + 1).yaml]\n" }
        let result = PlanLoader.load([PlanSource(fileName: "f0.yaml", text: files["f0.yaml"]!)], resolve: memoryResolver(files))
        #expect(result.diagnostics.count == 1)
        #expect(result.diagnostics.first?.description.hasPrefix("f7.yaml:1:11: error: includes nested deeper than 8 files") == true)
    }

    @Test func missingIncludeIsReportedAtTheEntry() {
        let result = PlanLoader.load(
            fileName: "m.yaml", text: "plan: {id: t, name: T, years: [2027]}\ninclude: [nope.yaml]\n",
            resolve: memoryResolver([:]))
        #expect(result.diagnostics.map(\.description) == ["m.yaml:2:11: error: cannot include 'nope.yaml': no such file: nope.yaml"])
    }

    @Test func aDirectoryOfPlansIsMergedAndDuplicatesAcrossFilesFound() throws {
        let sources = [
            PlanSource(fileName: "plans.d/00-plan.yaml", text: "plan: {id: t, name: T, years: [2027]}\nunits:\n  wmb: {name: 区文明办}\n"),
            PlanSource(fileName: "plans.d/10-items.yaml", text: "items:\n  - {id: a, kind: task, title: A, when: 08-10, owners: [wmb]}\n"),
            PlanSource(fileName: "plans.d/20-more.yaml", text: "units:\n  wmb: {name: 又一个}\nitems:\n  - {id: a, kind: task, title: B, when: 08-11, owners: [wmb]}\n"),
        ]
        let result = PlanLoader.load(sources)
        let plan = try #require(result.plan)
        #expect(
            PlanValidator.validate(plan).map(\.description) == [
                "plans.d/20-more.yaml:2:3: error: duplicate unit id 'wmb' (first at plans.d/00-plan.yaml:3:3)",
                "plans.d/20-more.yaml:4:10: error: duplicate item id 'a' (first at plans.d/10-items.yaml:2:10)",
            ])
    }

    @Test func reminderDefaultsPerKindFillTheItemPolicy() throws {
        let text = """
            plan: {id: t, name: T, years: [2027]}
            defaults:
              reminders:
                all: {leads: [-1d], time: "09:00"}
                deadline: {leads: [-10wd, -1wd], escalate_after: 2wd}
            units: {wmb: {name: 区文明办}}
            items:
              - {id: d, kind: deadline, title: D, when: 08-10, owners: [wmb], remind: {time: "08:00"}}
              - {id: f, kind: task, title: F, when: 08-11, owners: [wmb]}
            """
        let plan = try #require(PlanLoader.load(fileName: "p.yaml", text: text).plan)
        let d = plan.reminderPolicy(for: plan.items[0])
        #expect(d.leads.map(\.value.description) == ["-10wd", "-1wd"])
        #expect(d.time?.value.description == "08:00")
        #expect(d.escalateAfter?.value.description == "+2wd")
        let f = plan.reminderPolicy(for: plan.items[1])
        #expect(f.leads.map(\.value.description) == ["-1d"])
        #expect(f.time?.value.description == "09:00")
        // The expansion works the kind's part out once per kind: the same policies.
        for item in plan.items {
            #expect(plan.reminderPolicy(for: item, base: plan.kindPolicy(item.kind.value)) == plan.reminderPolicy(for: item))
        }
        let expansion = PlanExpansion.expand(
            plan, in: CivilDate(year: 2027, month: 1, day: 1)!...CivilDate(year: 2027, month: 12, day: 31)!,
            context: RuleContext(workCalendar: .weekendsOnly))
        #expect(expansion.series.map(\.policy) == [d, f])
    }

    @Test func yearOverridesReplaceFieldsAddAndSkipItems() throws {
        let text = """
            plan: {id: t, name: T, years: every}
            units: {wmb: {name: 区文明办}}
            items:
              - {id: fest, kind: campaign, title: 艺术节, when: 06-28..07-23, owners: [wmb]}
              - {id: talk, kind: meeting, title: 讲座, when: 05-26, owners: [wmb]}
            overrides:
              2027:
                items:
                  - {id: fest, when: 07-01..07-25}
                  - {id: extra, kind: task, title: 新增, when: 09-01, owners: [wmb]}
                skip: [talk]
            """
        let plan = try #require(PlanLoader.load(fileName: "p.yaml", text: text).plan)
        #expect(PlanValidator.validate(plan).isEmpty)
        let (y2027, problems) = plan.resolved(for: 2027)
        #expect(problems.isEmpty)
        #expect(y2027.items.map(\.id.value) == ["fest", "extra"])
        #expect(y2027.items[0].when?.value == "07-01..07-25")
        #expect(y2027.items[0].when?.location == SourceLocation(file: "p.yaml", line: 9, column: 26))
        #expect(y2027.items[0].title.location == SourceLocation(file: "p.yaml", line: 4, column: 39))
        let (y2026, _) = plan.resolved(for: 2026)
        #expect(y2026.items.map(\.id.value) == ["fest", "talk"])
        #expect(y2026.items[0].when?.value == "06-28..07-23")
    }

    @Test func overrideOfAnUnknownItemFieldIsReported() throws {
        let text = """
            plan: {id: t, name: T, years: every}
            units: {wmb: {name: 区文明办}}
            items:
              - {id: fest, kind: campaign, title: 艺术节, when: 06-28, owners: [wmb]}
            overrides:
              2027:
                items:
                  - {id: fest, wehn: 07-01}
                skip: [tlak]
            """
        let plan = try #require(PlanLoader.load(fileName: "p.yaml", text: text).plan)
        #expect(
            PlanValidator.validate(plan).map(\.description) == [
                "p.yaml:8:20: error: unknown key 'wehn' in item (did you mean 'when'?)",
                "p.yaml:9:12: error: override skips unknown item 'tlak'",
            ])
    }
}
