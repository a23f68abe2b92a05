import AlmanacCalendar
import AlmanacControl
import AlmanacPlan
import Foundation

/// Human output of the daemon commands: pure functions from a result to text, so tests compare
/// whole outputs.
struct ControlRender {
    var time: HumanTime
    var style: TerminalStyle

    var english: Bool { time.english }

    func label(_ zh: String, _ en: String) -> String { english ? en : zh }

    func status(_ report: StatusReport) -> String {
        var table = Table(header: [])
        let uptime = time.duration(time.now.timeIntervalSince(report.startedAt))
        table.add([
            label("守护进程", "daemon"),
            english
                ? "almanacd \(report.version), pid \(report.pid), \(report.state), up \(uptime) (since \(time.instant(report.startedAt)))"
                : "almanacd \(report.version)，pid \(report.pid)，\(report.state)，已运行 \(uptime)（\(time.instant(report.startedAt)) 启动）",
        ])
        if let plan = report.plan {
            let name = plan.name ?? label("（无标题）", "(untitled)")
            table.add([
                label("工作安排", "plan"),
                english
                    ? "\(name): \(plan.items) items from \(plan.files.count) files, loaded \(time.instant(plan.loadedAt)), \(plan.warnings) warnings"
                    : "\(name)：\(plan.items) 项，\(plan.files.count) 个文件，\(time.instant(plan.loadedAt)) 加载，\(plan.warnings) 条警告",
            ])
        } else {
            table.add([label("工作安排", "plan"), style.red(label("未加载（almanacctl reload 查看错误）", "none loaded (almanacctl reload shows why)"))])
        }
        if let lease = report.leadership {
            table.add([label("角色", "role"), leadership(lease)])
            if let at = lease.lastTakeoverAt {
                let from = lease.lastTakeoverFrom ?? label("（无）", "(none)")
                let vacant = lease.lastTakeoverVacantSeconds.map { String(format: "%.1f", $0) }
                table.add([
                    label("上次接管", "last takeover"),
                    english
                        ? "\(time.instant(at)) from \(from)" + (vacant.map { ", \($0) s after its last renewal" } ?? "")
                        : "\(time.instant(at))，接替 \(from)" + (vacant.map { "（距其上次续约 \($0) 秒）" } ?? ""),
                ])
            }
        }
        if let wakeup = report.nextWakeup {
            table.add([label("下次唤醒", "next wake-up"), time.instant(wakeup)])
        }
        if let sent = report.remindersSent {
            table.add([label("已发提醒", "reminders sent"), String(sent)])
        }
        if let pending = report.outboxPending {
            table.add([label("待发邮件", "mail pending"), String(pending)])
        }
        if let overdue = report.overdue {
            table.add([label("逾期事项", "overdue"), overdue > 0 ? style.yellow(String(overdue)) : String(overdue)])
        }
        for problem in report.problems {
            table.add([label("问题", "problem"), style.red(problem)])
        }
        return table.rows.map { [DisplayWidth.padded($0[0], to: widestLabel(table)) , $0[1]].joined(separator: "  ") }
            .joined(separator: "\n")
    }

    /// `leader (host-a) since ...`, `follower (host-b); leader host-a since ...`.
    func leadership(_ lease: LeadershipReport) -> String {
        let since = lease.leaderSince.map { time.instant($0) }
        switch lease.role {
        case "leader":
            return english
                ? "leader (\(lease.instance))" + (since.map { " since \($0)" } ?? "")
                : "主实例（\(lease.instance)）" + (since.map { "，\($0) 起" } ?? "")
        case "follower":
            let leader = lease.leader ?? label("（暂无）", "(none yet)")
            return english
                ? "follower (\(lease.instance)); leader \(leader)" + (since.map { " since \($0)" } ?? "")
                : "备用实例（\(lease.instance)）；主实例 \(leader)" + (since.map { "，\($0) 起" } ?? "")
        default:
            return style.red(
                english
                    ? "not delivering (\(lease.instance)): \(lease.problem ?? "database unreachable")"
                    : "暂停发送（\(lease.instance)）：\(lease.problem ?? "数据库不可达")")
        }
    }

    private func widestLabel(_ table: Table) -> Int {
        table.rows.map { DisplayWidth.of($0[0]) }.max() ?? 0
    }

    func reload(_ report: ReloadReport) -> String {
        var lines = report.diagnostics.map(\.description)
        let plan = report.plan
        let name = plan.name ?? label("（无标题）", "(untitled)")
        lines.append(
            english
                ? "reloaded \(name): \(plan.items) items from \(plan.files.count) files, \(plan.warnings) warnings"
                : "已重新加载 \(name)：\(plan.items) 项，\(plan.files.count) 个文件，\(plan.warnings) 条警告")
        return lines.joined(separator: "\n")
    }

    /// One line per year without an official holiday table (working days counted Monday to Friday).
    func missingTables(_ years: [Int]?) -> [String] {
        (years ?? []).map {
            label(
                "注意：\($0) 年没有官方节假日安排表，工作日按周一至周五计算。",
                "Note: no official holiday table for \($0); working days are counted Monday to Friday.")
        }
    }

    func agenda(_ report: AgendaReport) -> String {
        String(decoding: agendaBytes(report), as: UTF8.self)
    }

    /// What ``agenda(_:)`` gives, as UTF-8 bytes (``Table/renderBytes(headerStyle:)``).
    func agendaBytes(_ report: AgendaReport) -> [UInt8] {
        let range = "\(time.day(report.from)) – \(time.day(report.to))"
        let notes = missingTables(report.yearsWithoutHolidayTable)
        guard !report.entries.isEmpty else {
            return Array(((english ? ["Nothing scheduled \(range)."] : ["\(range) 没有安排。"]) + notes).joined(separator: "\n").utf8)
        }
        var table = Table(header: english
            ? ["DATE", "WHEN", "ITEM", "TITLE", "KIND", "OWNERS", "STATE"]
            : ["日期", "距今", "事项", "标题", "类型", "责任单位", "状态"])
        // The entries come day by day: a day's text and distance are made once for its entries
        // (a year's agenda of a large plan has 10,000 entries on some 300 days).
        // The previous entry's day is kept in variables of their own, not in an optional tuple,
        // which was copied (its three strings retained and released) twice for every entry.
        var day = ""
        var distance = ""
        var previous: (date: CivilDate, workingDays: Int?)?
        var previousLunar: String?
        for entry in report.entries {
            if previous?.date != entry.date || previous?.workingDays != entry.workingDays || previousLunar != entry.lunar {
                day = time.day(entry.date) + (entry.lunar.map { " " + $0 } ?? "")
                distance = time.relative(entry.date, workingDays: entry.workingDays)
                previous = (entry.date, entry.workingDays)
                previousLunar = entry.lunar
            }
            let date = entry.endDate.map { day + " – \($0)" } ?? day
            let state = stateText(entry.state)
            table.add(
                [date, distance, entry.item, DisplayWidth.truncated(entry.title, to: 40), entry.kind,
                 entry.owners.joined(separator: ","), state],
                style: stateStyle(entry.state))
        }
        var bytes = table.renderBytes(headerStyle: style.bold)
        for note in notes {
            bytes.append(UInt8(ascii: "\n"))
            bytes.append(contentsOf: note.utf8)
        }
        return bytes
    }

    func next(_ report: NextReport) -> String {
        guard !report.reminders.isEmpty else {
            return label("没有待发的提醒。", "No reminders due.")
        }
        var table = Table(header: english
            ? ["AT", "ITEM", "DATE", "LEAD", "TITLE", "TO"]
            : ["发送时间", "事项", "日期", "提前", "标题", "收件人"])
        for reminder in report.reminders {
            table.add([
                time.instant(reminder.at), reminder.item, time.day(reminder.date), reminder.lead ?? "",
                DisplayWidth.truncated(reminder.title, to: 40), reminder.recipients.joined(separator: ","),
            ])
        }
        return table.render(headerStyle: style.bold)
    }

    func history(_ report: HistoryReport) -> String {
        guard !report.entries.isEmpty else {
            return label("没有记录。", "No history.")
        }
        var table = Table(header: english
            ? ["AT", "EVENT", "OCCURRENCE", "CHANNEL", "TO/BY", "NOTE"]
            : ["时间", "事件", "事项", "渠道", "收件人/操作者", "备注"])
        for entry in report.entries {
            let party = entry.uid.map { "uid \($0)" } ?? entry.recipients.joined(separator: ",")
            table.add([
                time.instant(entry.at), entry.event, OccurrenceID(itemID: entry.item, date: entry.date).description, entry.channel ?? "", party,
                entry.note ?? "",
            ])
        }
        return table.render(headerStyle: style.bold)
    }

    func change(_ report: ChangeReport) -> String {
        let occurrence = OccurrenceID(itemID: report.item, date: report.date).description
        var text: String
        switch report.state {
        case .acknowledged: text = english ? "acknowledged \(occurrence)" : "已确认 \(occurrence)"
        case .done: text = english ? "marked \(occurrence) done" : "已完成 \(occurrence)"
        case .snoozed:
            let until = report.snoozedUntil.map(time.instant) ?? "?"
            text = english ? "snoozed \(occurrence) until \(until)" : "已暂停 \(occurrence) 的提醒，至 \(until)"
        default:
            if let entry = report.entry {
                text = english ? "recorded \(occurrence) checklist entry \(entry): \(report.state)" : "已记录 \(occurrence) 清单项 \(entry)：\(stateText(report.state))"
                if let done = report.checklistDone, let total = report.checklistTotal {
                    text += english ? " (\(done)/\(total) done)" : "（已完成 \(done)/\(total)）"
                }
            } else {
                text = english ? "recorded \(occurrence): \(report.state)" : "已记录 \(occurrence)：\(stateText(report.state))"
            }
        }
        if let note = report.note, !note.isEmpty {
            text += english ? " (note: \(note))" : "（备注：\(note)）"
        }
        text += english ? ", by uid \(report.uid) at \(time.instant(report.recordedAt))" : "，uid \(report.uid)，\(time.instant(report.recordedAt))"
        return text
    }

    func stateText(_ state: OccurrenceState) -> String {
        guard !english else { return state.rawValue }
        switch state {
        case .open: return "未办"
        case .acknowledged: return "已确认"
        case .done: return "已完成"
        case .snoozed: return "已暂停"
        case .overdue: return "逾期"
        default: return state.rawValue
        }
    }

    func stateStyle(_ state: OccurrenceState) -> ((String) -> String)? {
        guard style.enabled else { return nil }
        let style = self.style
        switch state {
        case .overdue: return { style.red($0) }
        case .done: return { style.dim($0) }
        default: return nil
        }
    }
}
