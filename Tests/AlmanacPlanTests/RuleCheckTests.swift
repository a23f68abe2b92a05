import AlmanacCalendar
import Foundation
import Testing

@testable import AlmanacPlan

let ruleOptions = ValidationOptions(rules: DateRuleChecker(context: RuleContext()))

/// Rule diagnostics come from the calendar engine's DateRule, positioned inside the rule text.
@Suite struct RuleCheckTests {
    @Test func ruleThatDoesNotParsePointsIntoTheRule() throws {
        let text = minimalHeader + """
            items:
              - id: checks
                kind: recurring-check
                title: 网吧检查
                when: weekly tue,frj
                owners: [wmb]
            """
        let message = try #require(ruleError("weekly tue,frj"))
        #expect(diagnostics(text, options: ruleOptions) == ["plan.yaml:11:\(11 + message.column - 1): error: date rule: \(message.message)"])
        #expect(message.column == 12)
    }

    @Test func quotedRuleColumnsCountFromTheText() throws {
        let text = minimalHeader + """
            items:
              - {id: a, kind: task, title: A, when: "09-20..10-4x", owners: [wmb]}
            """
        let message = try #require(ruleError("09-20..10-4x"))
        #expect(diagnostics(text, options: ruleOptions) == ["plan.yaml:8:\(42 + message.column - 1): error: date rule: \(message.message)"])
    }

    @Test func ruleWithNoOccurrenceInThePlanYear() {
        let text = minimalHeader + """
            items:
              - {id: leap, kind: task, title: A, when: 02-29, owners: [wmb]}
              - {id: once, kind: task, title: B, when: 2026-05-01, owners: [wmb]}
            """
        #expect(
            diagnostics(text, options: ruleOptions) == [
                "plan.yaml:8:44: error: date rule '02-29' has no occurrence in the plan year 2027",
                "plan.yaml:9:44: error: date rule '2026-05-01' has no occurrence in the plan year 2027",
            ])
    }

    @Test func recurringRuleMissingOneOfSeveralYearsIsAWarning() {
        let text = """
            plan: {id: t, name: T, years: [2027, 2028]}
            units: {wmb: {name: 区文明办}}
            items:
              - {id: leap, kind: task, title: A, when: 02-29, owners: [wmb]}
            """
        #expect(
            diagnostics(text, options: ruleOptions) == [
                "plan.yaml:4:44: warning: date rule '02-29' has no occurrence in 2027"
            ])
    }

    @Test func windowWhoseEndComesBeforeItsStartIsFlagged() {
        let text = minimalHeader + """
            items:
              - {id: w, kind: campaign, title: A, when: 10-10..09-20, owners: [wmb]}
              - {id: ok, kind: campaign, title: B, when: 12-20..01-05, owners: [wmb]}
            """
        #expect(
            diagnostics(text, options: ruleOptions) == [
                "plan.yaml:8:45: warning: window '10-10..09-20' ends before it starts within the year, so it runs into the next year (2027-10-10..2028-09-20, 347 days) (swap the ends if that is not meant)"
            ])
    }

    @Test func checklistDueRulesAreChecked() throws {
        let text = minimalHeader + """
            items:
              - {id: d, kind: deadline, title: D, when: 08-10, owners: [wmb]}
            checklists:
              c:
                title: C
                item: d
                indicators:
                  - {code: A, title: 一, due: 08-32}
            """
        let message = try #require(ruleError("08-32"))
        #expect(diagnostics(text, options: ruleOptions) == ["plan.yaml:14:34: error: date rule: \(message.message)"])
    }

    func ruleError(_ text: String) -> RuleParseError? {
        do {
            _ = try DateRule.parse(text)
            return nil
        } catch {
            return error
        }
    }
}

@Suite struct ExpansionTests {
    @Test func phasesEditionsAndTimesExpand() throws {
        let text = """
            plan: {id: t, name: T, years: [2026, 2027]}
            units: {whzx: {name: 文化事业发展中心}}
            items:
              - id: art-festival
                kind: campaign
                title: 文化艺术节
                when: 06-28..07-23
                owners: [whzx]
                phases:
                  - {id: exhibition, title: 书画展览开幕, when: 06-28}
                  - {id: closing, title: 闭幕式, when: 07-23, time: "10:00"}
                edition: {first_year: 2005, format: "第{n}届"}
            """
        let plan = try #require(PlanLoader.load(fileName: "p.yaml", text: text).plan)
        let range = CivilDate(year: 2027, month: 6, day: 1)!...CivilDate(year: 2027, month: 7, day: 31)!
        let expansion = PlanExpansion.expand(plan, in: range, context: RuleContext())
        #expect(expansion.diagnostics.isEmpty)
        #expect(
            expansion.entries.map(\.plainLine) == [
                "2027-06-28..2027-07-23 campaign art-festival 第二十三届文化艺术节 owners=whzx",
                "2027-06-28 campaign art-festival/exhibition 第二十三届文化艺术节：书画展览开幕 owners=whzx",
                "2027-07-23 10:00 campaign art-festival/closing 第二十三届文化艺术节：闭幕式 owners=whzx",
            ])
        #expect(expansion.entries.map(\.edition) == ["第二十三届", "第二十三届", "第二十三届"])
    }

    @Test func windowsStartedLastYearAndOverridesCount() throws {
        let text = """
            plan: {id: t, name: T, years: every}
            units: {wmb: {name: 区文明办}}
            items:
              - {id: winter, kind: campaign, title: 冬季, when: 12-20..01-05, owners: [wmb]}
              - {id: talk, kind: meeting, title: 讲座, when: 01-03, owners: [wmb]}
            overrides:
              2027:
                items: [{id: talk, when: 01-04}]
            """
        let plan = try #require(PlanLoader.load(fileName: "p.yaml", text: text).plan)
        let range = CivilDate(year: 2027, month: 1, day: 1)!...CivilDate(year: 2027, month: 1, day: 10)!
        let entries = PlanExpansion.expand(plan, in: range, context: RuleContext()).entries
        #expect(
            entries.map(\.plainLine) == [
                "2026-12-20..2027-01-05 campaign winter 冬季 owners=wmb",
                "2027-01-04 meeting talk 讲座 owners=wmb",
            ])
    }

    /// A range of one day: the year before it and its own year look at the same day, and the
    /// dates found for a rule in one must not stand for the other (the rule shared by two items
    /// is expanded once per year).
    @Test func aOneDayRangeTakesBothYearsOfASharedRule() throws {
        let text = """
            plan: {id: t, name: T, years: every}
            units: {wmb: {name: 区文明办}}
            items:
              - {id: winter, kind: campaign, title: 冬季, when: 12-20..02-20, owners: [wmb]}
              - {id: winter-b, kind: campaign, title: 冬季二, when: 12-20..02-20, owners: [wmb]}
              - {id: spring, kind: campaign, title: 春季, when: 01-23..02-20, owners: [wmb]}
              - {id: day, kind: meeting, title: 会议, when: 02-05, owners: [wmb]}
            """
        let plan = try #require(PlanLoader.load(fileName: "p.yaml", text: text).plan)
        let day = CivilDate(year: 2027, month: 2, day: 5)!
        let entries = PlanExpansion.expand(plan, in: day...day, context: RuleContext()).entries
        #expect(
            entries.map(\.plainLine).sorted() == [
                "2026-12-20..2027-02-20 campaign winter 冬季 owners=wmb",
                "2026-12-20..2027-02-20 campaign winter-b 冬季二 owners=wmb",
                "2027-01-23..2027-02-20 campaign spring 春季 owners=wmb",
                "2027-02-05 meeting day 会议 owners=wmb",
            ].sorted())
    }
}

/// The rules of one load, parsed once and shared by validation and the expansion.
@Suite struct ParsedRulesTests {
    @Test func answersWhatParsingAnswersForEveryText() throws {
        let text = minimalHeader + """
            items:
              - {id: a, kind: task, title: A, when: "09-20..10-10", owners: [wmb]}
              - {id: b, kind: task, title: B, when: "weekly tue,frj", owners: [wmb]}
              - id: c
                kind: task
                title: C
                owners: [wmb]
                phases:
                  - {id: p, title: P, when: "monthly last fri"}
            """
        let plan = try #require(PlanLoader.load(fileName: "plan.yaml", text: text).plan)
        let rules = ParsedRules(plan)
        for rule in ["09-20..10-10", "weekly tue,frj", "monthly last fri", "05-01", "not a rule"] {
            let parsed = Result { () throws(RuleParseError) in try rules.parse(rule) }
            let direct = Result { () throws(RuleParseError) in try DateRule.parse(rule) }
            #expect(parsed == direct, "\(rule)")
        }
        // The expansion with the parsed rules gives what it gives parsing them itself.
        let range = CivilDate(year: 2026, month: 1, day: 1)!...CivilDate(year: 2026, month: 12, day: 31)!
        #expect(
            PlanExpansion.expand(plan, in: range, context: RuleContext(), rules: rules).entries
                == PlanExpansion.expand(plan, in: range, context: RuleContext()).entries)
        #expect(
            PlanValidator.validate(plan, options: ValidationOptions(rules: DateRuleChecker(context: RuleContext(), rules: rules)))
                == PlanValidator.validate(plan, options: ruleOptions))
    }

    /// The dates the rule check keeps for each whole year are what the expansion finds itself:
    /// the sample plan with the shipped holiday tables, the years checked and others, whole years
    /// and parts of them.
    @Test func keptYearsGiveTheExpansionsOwnOccurrences() throws {
        let plan = try #require(try loadSample().plan)
        let context = try SamplePlanCalendarTests.shippedContext()
        let rules = ParsedRules(plan, keepingYears: true)
        let checker = DateRuleChecker(context: context, rules: rules)
        let diagnostics = PlanValidator.validate(plan, options: ValidationOptions(everyYearCheck: [2026, 2027], rules: checker))
        #expect(diagnostics == PlanValidator.validate(plan, options: ValidationOptions(everyYearCheck: [2026, 2027], rules: DateRuleChecker(context: context))))
        // The check kept whole years for the expansion to take.
        #expect(plan.items.compactMap(\.when).contains { rules.kept($0.value, year: 2026) != nil })
        let ranges = [
            CivilDate(year: 2026, month: 1, day: 1)!...CivilDate(year: 2026, month: 12, day: 31)!,
            CivilDate(year: 2026, month: 1, day: 1)!...CivilDate(year: 2027, month: 12, day: 31)!,
            CivilDate(year: 2026, month: 3, day: 1)!...CivilDate(year: 2026, month: 9, day: 30)!,
            CivilDate(year: 2027, month: 6, day: 1)!...CivilDate(year: 2028, month: 12, day: 31)!,
        ]
        for range in ranges {
            let shared = PlanExpansion.expand(plan, in: range, context: context, rules: rules)
            let own = PlanExpansion.expand(plan, in: range, context: context)
            #expect(!own.entries.isEmpty)
            #expect(shared.entries == own.entries, "\(range)")
            #expect(shared.diagnostics == own.diagnostics, "\(range)")
        }
    }

    @Test(arguments: [
        ("-10wd", Lead(amount: -10, unit: .workingDays)), ("+3d", Lead(amount: 3, unit: .days)), ("0d", Lead(amount: 0, unit: .days)),
        ("2w", Lead(amount: 2, unit: .weeks)), (" -1d ", Lead(amount: -1, unit: .days)), ("-1\u{3000}", nil), ("12345d", nil),
        ("-d", nil), ("1dd", nil), ("1 d", nil), ("", nil), ("１d", nil), ("+-1d", nil), ("9999w", Lead(amount: 9999, unit: .weeks)),
        ("-99999999999999999999999d", nil), ("1wd ", Lead(amount: 1, unit: .workingDays)), ("1wx", nil), ("1w d", nil),
    ] as [(String, Lead?)])
    func leadsReadTheirText(text: String, lead: Lead?) {
        #expect(Lead(text: text) == lead)
    }
}
