import AlmanacCalendar
import AlmanacPlan
import Foundation
import Testing

@testable import AlmanacFeeds

let samplePlan = """
    plan:
      id: demo
      name: 示例计划
      years: [2026]
    units:
      wmb: {name: 区文明办}
      whjc: {name: 文化稽查队}
    items:
      - id: flag-salute
        kind: campaign
        title: “向国旗敬礼、做一个有道德的人”签字寄语活动
        when: 09-20..10-10
        owners: [wmb]
      - id: mid-autumn
        kind: festival
        title: 中秋节
        when: 中秋
        owners: [wmb]
      - id: meeting
        kind: meeting
        title: 推进会; 议程, 材料\\准备
        when: 2026-09-21
        time: "14:30"
        owners: [whjc]
      - id: materials
        kind: deadline
        title: 全国文明城市复检材料上报
        when: 08-10
        owners: [wmb]
        checklist: cc
    checklists:
      cc:
        title: 复检材料
        item: materials
        levels: [大项, 小项]
        indicators:
          - code: A
            title: 环境
            owner: wmb
            children: [{code: A1, title: a1}, {code: A2, title: a2}, {code: A3, title: a3}]
          - code: B
            title: 网吧
            owner: whjc
            children: [{code: B1, title: b1}]
    """

func loadSample() throws -> Plan {
    let result = PlanLoader.load(fileName: "demo.yaml", text: samplePlan)
    #expect(!result.hasErrors, "\(result.diagnostics)")
    return try #require(result.plan)
}

func day(_ s: String) -> CivilDate { CivilDate(iso: s)! }

/// Octets of every physical line of a document (without CRLF).
func physicalLines(_ text: String) -> [String] {
    text.components(separatedBy: "\r\n").dropLast().map { $0 }
}

@Suite struct ICSFormatTests {
    @Test func escapesTextSpecials() {
        #expect(ICSFormat.escapeText("a\\b;c,d\ne\r\nf") == "a\\\\b\\;c\\,d\\ne\\nf")
        #expect(ICSFormat.unescapeText("a\\\\b\\;c\\,d\\ne\\Nf") == "a\\b;c,d\ne\nf")
    }

    @Test func foldsAsciiAtSeventyFiveOctets() {
        let line = "DESCRIPTION:" + String(repeating: "x", count: 150)
        let folded = ICSFormat.fold(line)
        #expect(folded.map { $0.utf8.count } == [75, 75, 14])
        #expect(folded[1].hasPrefix(" "))
        #expect(ICSFormat.unfold(folded.joined(separator: "\r\n")) == [line])
    }

    @Test func neverSplitsAUTF8Character() {
        // 12 ASCII octets, then 3-octet characters: 12 + 3*21 = 75 exactly; a continuation line
        // holds a space and 24 characters (73 octets), since a 25th would make 76.
        let line = "SUMMARY:abcd" + String(repeating: "文", count: 60)
        let folded = ICSFormat.fold(line)
        #expect(folded.map { $0.utf8.count } == [75, 73, 46])
        for physical in folded {
            #expect(physical.utf8.count <= 75)
            #expect(String(decoding: Array(physical.utf8), as: UTF8.self) == physical)
        }
        #expect(ICSFormat.unfold(folded.joined(separator: "\r\n")) == [line])
        // Four-octet characters (emoji) are kept whole too.
        let emoji = ICSFormat.fold("X:" + String(repeating: "😀", count: 30))
        #expect(emoji.map { $0.utf8.count } == [74, 49])
    }

    @Test func formatsDatesAndStamps() {
        #expect(ICSFormat.date(day("2026-09-20")) == "20260920")
        #expect(ICSFormat.localDateTime(day("2026-01-02"), hour: 9, minute: 5) == "20260102T090500")
        #expect(ICSFormat.utcDateTime(Date(timeIntervalSince1970: 1_790_000_000)) == "20260921T141320Z")
        #expect(ICSFormat.utcDateTime(Date(timeIntervalSince1970: 0)) == "19700101T000000Z")
    }
}

@Suite struct PlanFeedTests {
    let stamp = Date(timeIntervalSince1970: 1_790_000_000)

    func feed(unit: String? = nil, sequences: inout FeedSequences, checklists: [String: ChecklistCompletion] = [:]) throws
        -> (String, [AgendaEntry])
    {
        let plan = try loadSample()
        let entries = PlanExpansion.expand(plan, in: day("2026-01-01")...day("2026-12-31"), context: RuleContext(), explain: true).entries
        let builder = PlanFeedBuilder(plan: plan, stamp: stamp, checklists: checklists)
        return (builder.feed(entries: entries, unit: unit, sequences: &sequences), entries)
    }

    @Test func wholePlanFeed() throws {
        var seq = FeedSequences()
        let (text, entries) = try feed(sequences: &seq)
        #expect(entries.count == 4)
        let lines = physicalLines(text)
        #expect(text.hasSuffix("END:VCALENDAR\r\n"))
        #expect(!text.replacingOccurrences(of: "\r\n", with: "").contains("\n"))
        #expect(lines.allSatisfy { $0.utf8.count <= 75 })
        let content = ICSFormat.unfold(text)
        #expect(content.prefix(7) == [
            "BEGIN:VCALENDAR", "PRODID:-//almanac//almanac feeds 1.0//ZH", "VERSION:2.0", "CALSCALE:GREGORIAN",
            "METHOD:PUBLISH", "X-WR-CALNAME:示例计划", "X-WR-TIMEZONE:Asia/Shanghai",
        ])
        #expect(content.contains("TZOFFSETTO:+0800"))
        #expect(content.filter { $0 == "BEGIN:VEVENT" }.count == 4)
        #expect(content.filter { $0 == "BEGIN:VTODO" }.count == 1)
        // The campaign window: DTEND is the day after the last day.
        #expect(content.contains("UID:flag-salute-20260920.demo@almanac"))
        #expect(content.contains("DTSTART;VALUE=DATE:20260920"))
        #expect(content.contains("DTEND;VALUE=DATE:20261011"))
        // 中秋 2026 is 25 September, with its lunar date in the description.
        #expect(content.contains("DTSTART;VALUE=DATE:20260925"))
        #expect(content.contains { $0.hasPrefix("DESCRIPTION:") && $0.contains("农历：二〇二六年八月十五") })
        // The timed meeting: TZID, one hour, text escaped.
        #expect(content.contains("DTSTART;TZID=Asia/Shanghai:20260921T143000"))
        #expect(content.contains("SUMMARY:推进会\\; 议程\\, 材料\\\\准备"))
        #expect(content.contains("CATEGORIES:会议,meeting"))
        #expect(content.contains("DTSTAMP:20260921T141320Z"))
        // The checklist to-do: 4 entries from the plan, none done yet.
        #expect(content.contains("UID:materials-20260810.checklist.demo@almanac"))
        #expect(content.contains("DUE;VALUE=DATE:20260810"))
        #expect(content.contains("PERCENT-COMPLETE:0"))
        #expect(content.contains("STATUS:NEEDS-ACTION"))
        #expect(content.filter { $0 == "SEQUENCE:0" }.count == 5)
    }

    @Test func unitFeedHoldsItsOwnEntries() throws {
        var seq = FeedSequences()
        let (text, _) = try feed(unit: "whjc", sequences: &seq, checklists: [
            "materials@2026-08-10": ChecklistCompletion(done: 2, total: 4, units: ["whjc": .init(done: 1, total: 1)])
        ])
        let content = ICSFormat.unfold(text)
        #expect(content.contains("X-WR-CALNAME:示例计划 · 文化稽查队"))
        #expect(content.filter { $0 == "BEGIN:VEVENT" }.count == 1)
        #expect(content.contains("UID:meeting-20260921.demo@almanac"))
        #expect(content.contains("UID:materials-20260810.checklist.whjc.demo@almanac"))
        #expect(content.contains("PERCENT-COMPLETE:100"))
        #expect(content.contains("STATUS:COMPLETED"))
    }

    @Test func sequenceRisesOnlyWhenTheOccurrenceChanges() throws {
        var seq = FeedSequences()
        _ = try feed(sequences: &seq)
        let before = seq
        let (again, _) = try feed(sequences: &seq)
        #expect(seq == before)
        #expect(ICSFormat.unfold(again).filter { $0 == "SEQUENCE:0" }.count == 5)
        // Progress on the checklist changes the to-do only.
        let (changed, _) = try feed(sequences: &seq, checklists: [
            "materials@2026-08-10": ChecklistCompletion(done: 1, total: 4)
        ])
        let lines = ICSFormat.unfold(changed)
        #expect(lines.filter { $0 == "SEQUENCE:1" }.count == 1)
        #expect(lines.contains("PERCENT-COMPLETE:25"))
        #expect(seq.entries["materials-20260810.checklist.demo@almanac"]?.sequence == 1)
        #expect(seq.entries["flag-salute-20260920.demo@almanac"]?.sequence == 0)
    }

    @Test func stableHashIsFixed() {
        #expect(stableHash([]) == "cbf29ce484222325")
        #expect(stableHash(["ab", "c"]) != stableHash(["a", "bc"]))
        #expect(stableHash(["a"]) == stableHash(["a"]))
    }

    @Test func checklistCompletionFromTheSummary() throws {
        let plan = try loadSample()
        let checklist = plan.checklists[0]
        let open = ChecklistCompletion(summary: ChecklistSummary(checklist, progress: [:]))
        #expect(open == ChecklistCompletion(done: 0, total: 4, units: ["wmb": .init(done: 0, total: 3), "whjc": .init(done: 0, total: 1)]))
        let some = ChecklistCompletion(summary: ChecklistSummary(checklist, progress: [
            "A1": IndicatorProgress(code: "A1", status: .accepted), "A2": IndicatorProgress(code: "A2", status: .submitted),
            "B1": IndicatorProgress(code: "B1", status: .rejected),
        ]))
        #expect(some.done == 2 && some.total == 4 && some.percent == 50)
        #expect(some.units["wmb"] == .init(done: 2, total: 3))
        #expect(some.units["whjc"] == .init(done: 0, total: 1))
    }

    /// A unit's feed holds the to-do of a checklist when the unit owns one of its indicators (here
    /// whjc, not an owner of the item) or the item; its share is counted without progress recorded
    /// too; a unit with neither gets none.
    @Test func unitTodosFollowTheIndicatorsOwners() throws {
        var text = samplePlan.replacingOccurrences(of: "  whjc: {name: 文化稽查队}", with: "  whjc: {name: 文化稽查队}\n  other: {name: 其他}")
        text += "\n"
        let result = PlanLoader.load(fileName: "demo.yaml", text: text)
        let plan = try #require(result.plan)
        let entries = PlanExpansion.expand(plan, in: day("2026-01-01")...day("2026-12-31"), context: RuleContext(), explain: false).entries
        var sequences = FeedSequences()
        let blank = PlanFeedBuilder(plan: plan, stamp: stamp)
        let whjc = ICSFormat.unfold(blank.todos(entries: entries, unit: "whjc", sequences: &sequences))
        #expect(whjc.filter { $0 == "BEGIN:VTODO" }.count == 1)
        #expect(whjc.contains { $0.hasPrefix("DESCRIPTION:完成 0/1 项（0%）") })
        #expect(blank.todos(entries: entries, unit: "other", sequences: &sequences).isEmpty)
        let wmb = ICSFormat.unfold(blank.todos(entries: entries, unit: "wmb", sequences: &sequences))
        #expect(wmb.contains { $0.hasPrefix("DESCRIPTION:完成 0/3 项（0%）") })
        let whole = ICSFormat.unfold(blank.todos(entries: entries, unit: nil, sequences: &sequences))
        #expect(whole.contains { $0.hasPrefix("DESCRIPTION:完成 0/4 项（0%）") })
        // With progress recorded, the shares follow it.
        let progress = PlanFeedBuilder(plan: plan, stamp: stamp, checklists: [
            "materials@2026-08-10": ChecklistCompletion(done: 1, total: 4, units: ["whjc": .init(done: 1, total: 1)]),
        ])
        let done = ICSFormat.unfold(progress.todos(entries: entries, unit: "whjc", sequences: &sequences))
        #expect(done.contains("PERCENT-COMPLETE:100") && done.contains("STATUS:COMPLETED"))
    }

    @Test func holidayFeed() throws {
        let table = try HolidayTable.parse(
            text: """
                year 2026
                notice 国办发明电〔2025〕7号 2025-11-04 国务院办公厅关于2026年部分节假日安排的通知
                off 劳动节 2026-05-01..2026-05-05
                work 劳动节 2026-05-09
                """, fileName: "2026.txt")
        let work = try WorkCalendar(tables: [table])
        let content = ICSFormat.unfold(HolidayFeed.feed(work: work, stamp: stamp))
        #expect(content.filter { $0 == "BEGIN:VEVENT" }.count == 2)
        #expect(content.contains("SUMMARY:劳动节放假"))
        #expect(content.contains("DTSTART;VALUE=DATE:20260501"))
        #expect(content.contains("DTEND;VALUE=DATE:20260506"))
        #expect(content.contains("SUMMARY:调休上班（劳动节）"))
        #expect(content.contains("DTSTART;VALUE=DATE:20260509"))
        #expect(content.contains("UID:holiday-20260509-work@almanac"))
        #expect(HolidayFeed.runs([day("2015-06-20"), day("2015-06-22")]).count == 2)
    }
}

@Suite struct StatusPageTests {
    @Test func escapesAndCounts() throws {
        let plan = try loadSample()
        let entries = PlanExpansion.expand(plan, in: day("2026-09-01")...day("2026-09-30"), context: RuleContext(), explain: true).entries
        let model = StatusPageModel(
            generatedAt: Date(timeIntervalSince1970: 1_790_000_000), today: day("2026-09-22"), planName: "示例<计划>",
            summary: "plan ok", monthEntries: entries,
            dayKinds: [day("2026-09-25"): .holiday("中秋节"), day("2026-09-27"): .makeupWorkday("国庆节")],
            nextReminders: [
                UpcomingReminder(date: day("2026-09-24"), time: TimeOfDay(hour: 9, minute: 0), occurrenceID: "mid-autumn@2026-09-25",
                                 title: "中秋节", lead: "-1d", owners: ["wmb"])
            ],
            activeCampaigns: entries.filter { $0.kind == .campaign },
            inspections: [InspectionProgress(checklistID: "cc", checklistTitle: "复检材料", due: day("2026-08-10"), unit: "wmb",
                                             unitName: "区文明办", done: 1, total: 3)],
            problems: [(code: "mail-failed", message: "1 封邮件发送失败 <x@y>")], unitNames: ["wmb": "区文明办"])
        let html = StatusPage.render(model)
        #expect(html.hasPrefix("<!DOCTYPE html>\n<html lang=\"zh-CN\">"))
        #expect(html.contains("<meta name=\"viewport\""))
        #expect(!html.contains("<script"))
        #expect(html.contains("示例&lt;计划&gt;"))
        #expect(html.contains("1 封邮件发送失败 &lt;x@y&gt;"))
        #expect(html.contains("id=\"month\" data-count=\"3\""))
        #expect(html.contains("id=\"reminders\" data-count=\"1\""))
        #expect(html.contains("id=\"campaigns\" data-count=\"1\""))
        #expect(html.contains("data-unit=\"wmb\" data-done=\"1\" data-total=\"3\""))
        #expect(html.contains("<span style=\"width:33%\"></span>"))
        #expect(html.contains("<td class=\"off\"><span class=\"d\">25</span><span class=\"k\">中秋节休</span>"))
        #expect(html.contains("<td class=\"today\"><span class=\"d\">22</span>"))
        // September 2026 starts on a Tuesday: one empty cell first.
        #expect(html.contains("<tr><td></td><td><span class=\"d\">1</span>"))
        #expect(StatusPage.escape("a&b\"c'<\u{01}") == "a&amp;b&quot;c&#39;&lt;")
    }
}

@Suite struct MetricsTests {
    @Test func rendersFamiliesWithEscapedLabels() {
        let text = PrometheusText.render(
            MetricsSnapshot(
                sentByChannel: ["journal": 3, "mail": 2], failedByChannel: ["mail": 1], outbox: ["queued": 4],
                nextReminder: Date(timeIntervalSince1970: 1_790_000_000), overdue: 2,
                checklists: [.init(checklist: "c\"c\\\n", occurrence: "materials@2026-08-10", done: 1, total: 4)],
                planLoadSeconds: 0.25, planItems: 4, lastReloadAccepted: false,
                lastReloadAt: Date(timeIntervalSince1970: 1_789_999_000), generatedAt: Date(timeIntervalSince1970: 1_790_000_100)))
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines.contains("# TYPE almanac_reminders_sent_total counter"))
        #expect(lines.contains("almanac_reminders_sent_total{channel=\"journal\"} 3"))
        #expect(lines.contains("almanac_reminders_failed_total{channel=\"journal\"} 0"))
        #expect(lines.contains("almanac_reminders_failed_total{channel=\"mail\"} 1"))
        #expect(lines.contains("almanac_outbox_messages{state=\"queued\"} 4"))
        #expect(lines.contains("almanac_outbox_messages{state=\"failed\"} 0"))
        #expect(lines.contains("almanac_next_reminder_timestamp_seconds 1790000000"))
        #expect(lines.contains("almanac_overdue_occurrences 2"))
        #expect(lines.contains("almanac_checklist_completion_ratio{checklist=\"c\\\"c\\\\\\n\",occurrence=\"materials@2026-08-10\"} 0.25"))
        #expect(lines.contains("almanac_plan_load_duration_seconds 0.25"))
        #expect(lines.contains("almanac_last_reload_success 0"))
        #expect(lines.filter { $0.hasPrefix("# HELP ") }.count == lines.filter { $0.hasPrefix("# TYPE ") }.count)
    }
}

@Suite struct ImportTests {
    let calendar = [
        "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//x//y//EN", "X-WR-CALNAME:办公室日历",
        "BEGIN:VEVENT", "UID:1", "DTSTART;VALUE=DATE:20260920", "DTEND;VALUE=DATE:20261011",
        "SUMMARY:Flag salute\\, signing", "DESCRIPTION:第一行\\n第二行", "RRULE:FREQ=YEARLY", "END:VEVENT",
        "BEGIN:VEVENT", "UID:2", "DTSTART;TZID=Asia/Shanghai:20260106T093000", "DTEND;TZID=Asia/Shanghai:20260106T103000",
        "SUMMARY:网吧检查", "RRULE:FREQ=WEEKLY;BYDAY=TU,FR;UNTIL=20261231T000000Z", "LOCATION:扎赉诺尔",
        "BEGIN:VALARM", "ACTION:DISPLAY", "TRIGGER:-PT15M", "END:VALARM", "END:VEVENT",
        "BEGIN:VEVENT", "UID:3", "DTSTART:20260301T010000Z", "SUMMARY:每日", "RRULE:FREQ=DAILY", "END:VEVENT",
        "BEGIN:VTODO", "UID:4", "SUMMARY:todo", "END:VTODO",
        "END:VCALENDAR",
    ]

    @Test func importsEventsIntoAValidPlan() throws {
        // Fold one long line to check unfolding.
        var text = calendar.joined(separator: "\r\n") + "\r\n"
        text = text.replacingOccurrences(of: "DESCRIPTION:第一行", with: "DESCRIPTION:第一\r\n 行")
        let result = ICSImporter.importCalendar(text, name: "x")
        let items = result.plan.items
        #expect(items.count == 3)
        #expect(items[0].id.value == "flag-salute-signing")
        #expect(items[0].title.value == "Flag salute, signing")
        #expect(items[0].description?.value == "第一行\n第二行")
        #expect(items[0].when?.value == "09-20..10-10 from 2026-09-20")
        #expect(items[0].kind.value == .campaign)
        #expect(items[1].when?.value == "weekly tue,fri from 2026-01-06 until 2026-12-31")
        #expect(items[1].time?.value == TimeOfDay(hour: 9, minute: 30))
        #expect(items[2].when?.value == "2026-03-01")
        #expect(items[2].time?.value == TimeOfDay(hour: 9, minute: 0))
        let messages = result.notes.map(\.message)
        #expect(messages.contains { $0.hasPrefix("LOCATION not imported") })
        #expect(messages.contains { $0.hasPrefix("VALARM not imported") })
        #expect(messages.contains { $0.hasPrefix("RRULE FREQ=DAILY not supported") })
        #expect(messages.contains { $0.hasPrefix("VTODO is not imported") })
        #expect(messages.contains { $0.contains("is in UTC") })

        // The YAML loads and validates with the plan's own loader and validator.
        let yaml = result.yaml
        let loaded = PlanLoader.load(fileName: "imported.yaml", text: yaml)
        #expect(!loaded.hasErrors, "\(loaded.diagnostics)\n\(yaml)")
        let plan = try #require(loaded.plan)
        let problems = PlanValidator.validate(plan, options: ValidationOptions(everyYearCheck: [2026]))
        #expect(problems.filter { $0.severity == .error }.isEmpty, "\(problems)\n\(yaml)")
        #expect(plan.info.name.value == "办公室日历")
        let entries = PlanExpansion.expand(plan, in: day("2026-01-01")...day("2026-12-31"), context: RuleContext(), explain: true).entries
        #expect(entries.filter { $0.itemID == "flag-salute-signing" }.map(\.start) == [day("2026-09-20")])
        // Tuesdays and Fridays from 6 January through 2026: 51 + 52... counted exactly.
        let checks = entries.filter { $0.itemID == items[1].id.value }
        #expect(checks.first?.start == day("2026-01-06"))
        #expect(checks.count == 103)
    }

    @Test func roundTripsOurOwnFeed() throws {
        let plan = try loadSample()
        let entries = PlanExpansion.expand(plan, in: day("2026-01-01")...day("2026-12-31"), context: RuleContext(), explain: true).entries
        var seq = FeedSequences()
        let text = PlanFeedBuilder(plan: plan, stamp: Date(timeIntervalSince1970: 0)).feed(entries: entries, sequences: &seq)
        let result = ICSImporter.importCalendar(text, name: "x")
        #expect(result.plan.items.map(\.title.value) == entries.map(\.title))
        #expect(result.plan.items.map(\.when?.value) == ["2026-08-10", "2026-09-20..2026-10-10", "2026-09-21", "2026-09-25"])
        #expect(result.plan.items.map(\.kind.value) == [.deadline, .campaign, .meeting, .festival])
    }
}
