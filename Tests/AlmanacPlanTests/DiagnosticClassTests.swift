import Testing

@testable import AlmanacPlan

/// One test per class of diagnostic: a broken plan in, the exact message and position out.
@Suite struct DiagnosticClassTests {
    @Test func unknownKeyWithDidYouMean() {
        let text = minimalHeader + """
            items:
              - id: a
                kind: task
                title: A
                when: 08-10
                ownres: [wmb]
            """
        #expect(
            diagnostics(text) == [
                "plan.yaml:8:9: warning: item 'a' has no owners: nobody will be reminded",
                "plan.yaml:12:5: error: unknown key 'ownres' in item (did you mean 'owners'?)",
            ])
    }

    @Test func unknownKeyWithoutCloseMatchHasNoHint() {
        let text = minimalHeader + """
            items:
              - id: a
                kind: task
                title: A
                when: 08-10
                owners: [wmb]
                colour: red
            """
        #expect(diagnostics(text) == ["plan.yaml:13:5: error: unknown key 'colour' in item"])
    }

    @Test func duplicateItemIDs() {
        let text = minimalHeader + """
            items:
              - {id: a, kind: task, title: A, when: 08-10, owners: [wmb]}
              - {id: a, kind: task, title: B, when: 08-11, owners: [wmb]}
            """
        #expect(diagnostics(text) == ["plan.yaml:9:10: error: duplicate item id 'a' (first at plan.yaml:8:10)"])
    }

    @Test func unknownUnit() {
        let text = minimalHeader + """
            items:
              - {id: a, kind: task, title: A, when: 08-10, owners: [wmb2]}
            """
        #expect(
            diagnostics(text) == [
                "plan.yaml:8:57: error: unknown unit 'wmb2' (known: wmb) (did you mean 'wmb'?)"
            ])
    }

    @Test func unknownKind() {
        let text = minimalHeader + """
            items:
              - {id: a, kind: festivl, title: A, when: 08-10, owners: [wmb]}
            """
        #expect(
            diagnostics(text) == [
                "plan.yaml:8:19: error: unknown kind 'festivl' (known: festival, campaign, inspection, meeting, deadline, recurring-check, commemoration, task) (did you mean 'festival'?)"
            ])
    }

    @Test func mailAddressThatIsNotAnAddress() {
        let text = """
            plan: {id: t, name: T, years: [2027]}
            units:
              wmb: {name: 区文明办, mail: [wmb@example.org, "wmb at example.org"]}
              whjc: {name: 文化稽查队, mail: [jicha@localhost], leader: {name: 队长, mail: "队长@example.org"}}
            """
        #expect(
            diagnostics(text) == [
                "plan.yaml:3:46: error: 'wmb at example.org' is not a mail address (write it like wmb@example.org)",
                "plan.yaml:4:30: error: 'jicha@localhost' is not a mail address (write it like wmb@example.org)",
                "plan.yaml:4:74: error: '队长@example.org' is not a mail address (write it like wmb@example.org)",
            ])
    }

    @Test func cyclicDependsOn() {
        let text = minimalHeader + """
            items:
              - {id: a, kind: task, title: A, when: 08-10, owners: [wmb], depends_on: [b]}
              - {id: b, kind: task, title: B, when: 08-11, owners: [wmb], depends_on: [c]}
              - {id: c, kind: task, title: C, when: 08-12, owners: [wmb], depends_on: [a]}
            """
        #expect(
            diagnostics(text) == [
                "plan.yaml:10:76: error: cyclic reference between items: a → b → c → a"
            ])
    }

    @Test func unknownDependency() {
        let text = minimalHeader + """
            items:
              - {id: flag-salute, kind: task, title: A, when: 08-10, owners: [wmb]}
              - {id: b, kind: task, title: B, when: 08-11, owners: [wmb], depends_on: [flag-salut]}
            """
        #expect(
            diagnostics(text) == [
                "plan.yaml:9:76: error: unknown item 'flag-salut' in depends_on (did you mean 'flag-salute'?)"
            ])
    }

    @Test func checklistTotalsThatDoNotAddUp() {
        let text = minimalHeader + """
            items:
              - {id: d, kind: deadline, title: D, when: 08-10, owners: [wmb], checklist: c}
            checklists:
              c:
                title: C
                item: d
                levels: [领域, 大项, 小项]
                totals: {大项: 3, 小项: 6}
                indicators:
                  - code: A
                    title: 公共环境
                    totals: {小项: 4}
                    children:
                      - {code: A1, title: 一, children: [{code: A1a, title: x}]}
                      - {code: A2, title: 二, children: [{code: A2a, title: x}, {code: A2b, title: y}]}
                  - code: B
                    title: 公共秩序
                    children:
                      - {code: B1, title: 一, children: [{code: B1a, title: x}]}
            """
        #expect(
            diagnostics(text) == [
                "plan.yaml:14:25: error: checklist 'c' declares 6 小项 but its indicators add up to 5",
                "plan.yaml:18:22: error: indicator 'A' declares 4 小项 but its indicators add up to 3",
            ])
    }

    @Test func skeletonChecklistMayLeaveCountsOpen() {
        let text = minimalHeader + """
            items:
              - {id: d, kind: deadline, title: D, when: 08-10, owners: [wmb]}
            checklists:
              c:
                title: C
                item: d
                levels: [领域, 大项, 小项]
                totals: {大项: 143, 小项: 355}
                indicators:
                  - {code: A, title: 公共环境, owner: wmb}
                  - {code: B, title: 公共秩序, owner: wmb, totals: {大项: 144}}
            """
        #expect(diagnostics(text) == ["plan.yaml:14:18: error: checklist 'c' declares 143 大项 but already 144 are written out"])
    }

    @Test func missingHolidayTableIsAWarning() {
        let text = minimalHeader + """
            items:
              - {id: a, kind: task, title: A, when: 08-10, owners: [wmb]}
            """
        let options = ValidationOptions(hasHolidayTable: { $0 != 2027 })
        #expect(
            diagnostics(text, options: options) == [
                "plan.yaml:4:11: warning: no official holiday table for 2027: working days are counted as plain Monday to Friday (add the State Council's holiday notice for 2027 to the holiday tables)"
            ])
    }

    @Test func wrongTypesAndMissingKeys() {
        let text = minimalHeader + """
            items:
              - id: a
                kind: task
                owners: wmb
                remind: {leads: [-10wd, soon], time: "25:00"}
                phases: nope
            """
        #expect(
            diagnostics(text) == [
                "plan.yaml:8:5: error: item is missing required key 'title'",
                "plan.yaml:8:5: error: item is missing required key 'when' (or give it phases with their own 'when')",
                "plan.yaml:11:29: error: lead time must look like -10wd (working days), -1d (days) or -2w (weeks), found 'soon'",
                "plan.yaml:11:43: error: 'time' must be a time of day like 09:00, found '25:00'",
                "plan.yaml:12:13: error: 'phases' must be a list, found a scalar",
            ])
    }
}
