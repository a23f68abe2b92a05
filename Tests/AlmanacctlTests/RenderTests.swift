import AlmanacCalendar
import AlmanacControl
import AlmanacPlan
import Foundation
import Testing

@testable import almanacctl

@Suite struct RenderTests {
    static let shanghai = TimeZone(identifier: "Asia/Shanghai")!
    // 2027-04-01 10:00 in Shanghai.
    static let now = Date(timeIntervalSince1970: 1_806_544_800)

    func render(english: Bool = false, color: Bool = false) -> ControlRender {
        ControlRender(time: HumanTime(timeZone: Self.shanghai, now: Self.now, english: english), style: TerminalStyle(enabled: color))
    }

    func day(_ text: String) -> CivilDate { CivilDate(iso: text)! }

    var status: StatusReport {
        StatusReport(
            version: "0.3.0", pid: 4242, state: "running", startedAt: Self.now.addingTimeInterval(-7380),
            plan: PlanSummary(name: "扎赉诺尔区精神文明建设工作安排", files: ["/etc/almanac/plans.d/a.yaml"], items: 42,
                              loadedAt: Self.now.addingTimeInterval(-7380), warnings: 1),
            nextWakeup: Self.now.addingTimeInterval(82800), remindersSent: 12, outboxPending: 0, overdue: 2,
            problems: ["reload rejected, old plan kept: plan.yaml:3:1: error: x"])
    }

    @Test func statusInChinese() {
        #expect(render().status(status) == """
            守护进程  almanacd 0.3.0，pid 4242，running，已运行 2小时3分（2027-04-01 07:57 启动）
            工作安排  扎赉诺尔区精神文明建设工作安排：42 项，1 个文件，2027-04-01 07:57 加载，1 条警告
            下次唤醒  2027-04-02 09:00
            已发提醒  12
            待发邮件  0
            逾期事项  2
            问题      reload rejected, old plan kept: plan.yaml:3:1: error: x
            """)
    }

    @Test func statusInEnglishWithoutAPlan() {
        var report = status
        report.plan = nil
        report.remindersSent = nil
        report.outboxPending = nil
        report.overdue = nil
        report.problems = []
        report.nextWakeup = nil
        #expect(render(english: true).status(report) == """
            daemon  almanacd 0.3.0, pid 4242, running, up 2h 3m (since 2027-04-01 07:57)
            plan    none loaded (almanacctl reload shows why)
            """)
    }

    @Test func agendaTableWithCJKAlignment() {
        let report = AgendaReport(from: day("2027-04-01"), to: day("2027-04-30"), entries: [
            AgendaEntry(date: day("2027-04-05"), item: "qingming", title: "清明节", kind: "festival", owners: ["wmb"], state: .open, lunar: "二月廿九"),
            AgendaEntry(date: day("2027-04-23"), item: "reading-day", title: "世界读书日主题活动", kind: "campaign", owners: ["wmb", "whjc"], state: .done),
            AgendaEntry(date: day("2027-03-30"), endDate: day("2027-04-02"), item: "netcafe-checks", title: "网吧检查", kind: "recurring-check", owners: ["whjc"], state: .overdue),
        ])
        #expect(render().agenda(report) == """
            日期                          距今    事项            标题                类型             责任单位  状态
            2027-04-05 周一 二月廿九      4天后   qingming        清明节              festival         wmb       未办
            2027-04-23 周五               22天后  reading-day     世界读书日主题活动  campaign         wmb,whjc  已完成
            2027-03-30 周二 – 2027-04-02  2天前   netcafe-checks  网吧检查            recurring-check  whjc      逾期
            """)
        #expect(render(english: true).agenda(AgendaReport(from: day("2027-04-01"), to: day("2027-04-07"), entries: [])) == "Nothing scheduled 2027-04-01 Thu – 2027-04-07 Wed.")
    }

    @Test func agendaColoursOverdueRowsOnlyWithColour() {
        let report = AgendaReport(from: day("2027-04-01"), to: day("2027-04-02"), entries: [
            AgendaEntry(date: day("2027-04-01"), item: "a", title: "甲", kind: "deadline", owners: [], state: .overdue)
        ])
        let coloured = render(english: true, color: true).agenda(report)
        #expect(coloured.contains("\u{1B}[31m2027-04-01 Thu\u{1B}[0m"))
        #expect(coloured.hasPrefix("\u{1B}[1mDATE"))
        #expect(!render(english: true).agenda(report).contains("\u{1B}"))
    }

    @Test func nextAndHistory() {
        let next = NextReport(reminders: [
            UpcomingReminder(at: Self.now.addingTimeInterval(82800), item: "qingming", date: day("2027-04-05"), title: "清明节祭扫", lead: "-3wd", recipients: ["wmb@example.org"]),
        ])
        #expect(render(english: true).next(next) == """
            AT                ITEM      DATE            LEAD  TITLE       TO
            2027-04-02 09:00  qingming  2027-04-05 Mon  -3wd  清明节祭扫  wmb@example.org
            """)
        let history = HistoryReport(entries: [
            HistoryEntry(at: Self.now, event: "done", item: "qingming", date: day("2027-04-05"), uid: 0, note: "已完成"),
            HistoryEntry(at: Self.now.addingTimeInterval(-86400), event: "reminder", item: "qingming", date: day("2027-04-05"), channel: "mail", recipients: ["wmb@example.org"]),
        ])
        #expect(render().history(history) == """
            时间              事件      事项                 渠道  收件人/操作者    备注
            2027-04-01 10:00  done      qingming@2027-04-05        uid 0            已完成
            2027-03-31 10:00  reminder  qingming@2027-04-05  mail  wmb@example.org
            """)
        #expect(render().next(NextReport(reminders: [])) == "没有待发的提醒。")
    }

    @Test func changesAndReload() {
        let done = ChangeReport(item: "flag-salute", date: day("2027-09-20"), state: .done, recordedAt: Self.now, uid: 1000, note: "120 份")
        #expect(render().change(done) == "已完成 flag-salute@2027-09-20（备注：120 份），uid 1000，2027-04-01 10:00")
        let snoozed = ChangeReport(item: "a", date: day("2027-04-05"), state: .snoozed, recordedAt: Self.now, uid: 0, snoozedUntil: Self.now.addingTimeInterval(86400))
        #expect(render(english: true).change(snoozed) == "snoozed a@2027-04-05 until 2027-04-02 10:00, by uid 0 at 2027-04-01 10:00")
        let reload = ReloadReport(
            plan: PlanSummary(name: nil, files: ["a.yaml", "b.yaml"], items: 3, loadedAt: Self.now, warnings: 1),
            diagnostics: [Diagnostic(.warning, "item 'x' has no owners", at: SourceLocation(file: "a.yaml", line: 4, column: 5))])
        #expect(render(english: true).reload(reload) == """
            a.yaml:4:5: warning: item 'x' has no owners
            reloaded (untitled): 3 items from 2 files, 1 warnings
            """)
    }

    @Test(arguments: [
        ("2027-04-05", 1_806_854_400.0),
        ("2027-04-05 09:30", 1_806_888_600.0),
        ("2027-04-05T09:30", 1_806_888_600.0),
        ("2027-04-05T01:30:00Z", 1_806_888_600.0),
        // An instant with its zone, read as $ALMANAC_NOW is (SystemClock.instant).
        ("2027-04-05T09:30:00+08:00", 1_806_888_600.0),
        ("2027-04-05T01:30:00.000Z", 1_806_888_600.0),
        ("tomorrow", 1_806_595_200.0),
        ("+3d", 1_806_804_000.0),
        ("+90m", 1_806_550_200.0),
    ])
    func snoozeTimes(text: String, expected: Double) {
        let time = HumanTime(timeZone: Self.shanghai, now: Self.now, english: true)
        #expect(time.parseInstant(text) == Date(timeIntervalSince1970: expected))
    }

    @Test(arguments: ["", "soon", "+3y", "+0d", "2027-04-31", "2027-04-05 25:00", "2027-04-05 9"])
    func badSnoozeTimes(text: String) {
        #expect(HumanTime(timeZone: Self.shanghai, now: Self.now, english: true).parseInstant(text) == nil)
    }

    @Test func relativeDays() {
        let time = HumanTime(timeZone: Self.shanghai, now: Self.now, english: true)
        #expect(time.relative(day("2027-04-01")) == "today")
        #expect(time.relative(day("2027-04-02")) == "tomorrow")
        #expect(time.relative(day("2027-03-29")) == "3 days ago")
    }
}

@Suite struct OutboxRenderTests {
    @Test func aPossibleRepeatIsShownAndOnlyThen() throws {
        func mail(_ id: Int64, repeatMark: Bool?) -> OutboxMail {
            OutboxMail(
                id: id, messageID: "<almanac.\(id)@example.org>", state: "sent", recipients: ["a@example.org"], subject: "提醒",
                attempts: 2, createdAt: RenderTests.now, nextAttemptAt: nil, sentAt: nil, lastError: nil, possibleRepeat: repeatMark)
        }
        let report = OutboxReport(entries: [mail(1, repeatMark: true), mail(2, repeatMark: nil)], counts: ["sent": 2])
        let zh = OutboxText.render(report, english: false).split(separator: "\n")
        #expect(zh[0].hasSuffix("可能重复（发送曾中断）"))
        #expect(!zh[4].contains("可能重复"))
        #expect(OutboxText.render(report, english: true).contains("possible repeat (a send was interrupted)"))
        // JSON: the field only when set.
        let encoder = ControlProtocol.makeEncoder()
        #expect(String(decoding: try encoder.encode(mail(1, repeatMark: true)), as: UTF8.self).contains("\"possibleRepeat\":true"))
        #expect(!String(decoding: try encoder.encode(mail(2, repeatMark: nil)), as: UTF8.self).contains("possibleRepeat"))
    }
}
