import AlmanacCalendar
import AlmanacPlan
import Foundation

/// A reminder that will go out, as the status page and the metrics show it.
public struct UpcomingReminder: Sendable, Hashable, Codable {
    /// The day it goes out (plan time zone).
    public var date: CivilDate
    /// Time of day it goes out, when known.
    public var time: TimeOfDay?
    /// The occurrence it is for: `item@YYYY-MM-DD`.
    public var occurrenceID: String
    public var title: String
    /// `-10wd`, `-1d`, ...
    public var lead: String
    public var owners: [String]

    public init(date: CivilDate, time: TimeOfDay?, occurrenceID: String, title: String, lead: String, owners: [String]) {
        self.date = date
        self.time = time
        self.occurrenceID = occurrenceID
        self.title = title
        self.lead = lead
        self.owners = owners
    }
}

/// One bar of the inspection progress: a checklist's share owned by one unit.
public struct InspectionProgress: Sendable, Hashable, Codable {
    public var checklistID: String
    public var checklistTitle: String
    /// The deadline the checklist is filed for.
    public var due: CivilDate?
    /// The unit id, or nil for the whole checklist.
    public var unit: String?
    public var unitName: String
    public var done: Int
    public var total: Int

    public init(
        checklistID: String, checklistTitle: String, due: CivilDate?, unit: String?, unitName: String, done: Int,
        total: Int
    ) {
        self.checklistID = checklistID
        self.checklistTitle = checklistTitle
        self.due = due
        self.unit = unit
        self.unitName = unitName
        self.done = done
        self.total = total
    }

    /// 0...100, rounded down.
    public var percent: Int { total > 0 ? min(100, done * 100 / total) : 0 }
}

/// Everything the HTML status page shows. The daemon fills it from the plan, the store and its
/// status; tests fill it by hand.
public struct StatusPageModel: Sendable, Hashable {
    /// When the page was made.
    public var generatedAt: Date
    /// Today in the plan's time zone (the calendar shows its month).
    public var today: CivilDate
    public var planName: String?
    /// The daemon's one-line summary.
    public var summary: String
    /// Entries overlapping this month.
    public var monthEntries: [AgendaEntry]
    /// Official day kinds of this month's days (holiday / 调休), when known.
    public var dayKinds: [CivilDate: DayKind]
    public var nextReminders: [UpcomingReminder]
    /// Campaigns (and other windows) running today.
    public var activeCampaigns: [AgendaEntry]
    public var inspections: [InspectionProgress]
    /// What needs attention: `(code, message)`.
    public var problems: [(code: String, message: String)]
    /// Unit id → name, for owners.
    public var unitNames: [String: String]

    public init(
        generatedAt: Date, today: CivilDate, planName: String?, summary: String, monthEntries: [AgendaEntry] = [],
        dayKinds: [CivilDate: DayKind] = [:], nextReminders: [UpcomingReminder] = [],
        activeCampaigns: [AgendaEntry] = [], inspections: [InspectionProgress] = [],
        problems: [(code: String, message: String)] = [], unitNames: [String: String] = [:]
    ) {
        self.generatedAt = generatedAt
        self.today = today
        self.planName = planName
        self.summary = summary
        self.monthEntries = monthEntries
        self.dayKinds = dayKinds
        self.nextReminders = nextReminders
        self.activeCampaigns = activeCampaigns
        self.inspections = inspections
        self.problems = problems
        self.unitNames = unitNames
    }

    public static func == (lhs: StatusPageModel, rhs: StatusPageModel) -> Bool {
        lhs.generatedAt == rhs.generatedAt && lhs.today == rhs.today && lhs.planName == rhs.planName
            && lhs.summary == rhs.summary && lhs.monthEntries == rhs.monthEntries && lhs.dayKinds == rhs.dayKinds
            && lhs.nextReminders == rhs.nextReminders && lhs.activeCampaigns == rhs.activeCampaigns
            && lhs.inspections == rhs.inspections && lhs.unitNames == rhs.unitNames
            && lhs.problems.map { "\($0.code)\u{0}\($0.message)" } == rhs.problems.map { "\($0.code)\u{0}\($0.message)" }
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(generatedAt)
        hasher.combine(today)
    }
}

/// Renders the static status page: HTML5, no JavaScript, responsive CSS, Chinese first.
/// Every text from the plan or the state is HTML-escaped. Counts are marked with `data-count`
/// attributes so that tests (and scrapers) can read them.
public enum StatusPage {
    /// HTML-escapes text for element content and quoted attribute values.
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for ch in text.unicodeScalars {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default:
                // Control characters other than tab and newline are not allowed in HTML text.
                if ch.value < 0x20 && ch != "\n" && ch != "\t" { continue }
                if ch.value == 0x7f || (0x80...0x9f).contains(ch.value) { continue }
                out.unicodeScalars.append(ch)
            }
        }
        return out
    }

    static let weekdayNames = ["一", "二", "三", "四", "五", "六", "日"]

    static let css = """
        :root{color-scheme:light dark;--fg:#1b1b1b;--bg:#fff;--mute:#666;--line:#ddd;--accent:#b22222;--bar:#2e7d32;--off:#fdecea;--work:#fff4e0;--today:#e3f2fd}
        @media (prefers-color-scheme:dark){:root{--fg:#eee;--bg:#161616;--mute:#aaa;--line:#333;--off:#3b1f1f;--work:#3a2f18;--today:#13324a}}
        *{box-sizing:border-box}
        body{margin:0 auto;max-width:64rem;padding:1rem;font:16px/1.5 "Noto Sans CJK SC","PingFang SC","Microsoft YaHei",system-ui,sans-serif;color:var(--fg);background:var(--bg)}
        h1{font-size:1.4rem;margin:.2rem 0}h2{font-size:1.15rem;border-bottom:2px solid var(--accent);padding-bottom:.2rem;margin-top:1.6rem}
        .summary,.meta{color:var(--mute);font-size:.9rem}
        table.month{width:100%;border-collapse:collapse;table-layout:fixed}
        table.month th,table.month td{border:1px solid var(--line);vertical-align:top;padding:.2rem;font-size:.8rem;word-break:break-all}
        table.month td{height:4.5rem}
        td.off{background:var(--off)}td.makeup{background:var(--work)}td.today{outline:3px solid #1976d2;outline-offset:-3px;background:var(--today)}
        td .d{font-weight:bold;display:block}td .k{color:var(--accent);font-size:.7rem;display:block}
        td ul{margin:0;padding-left:1em}
        ul.list{padding-left:1.2rem}ul.list li{margin:.3rem 0}
        .bar{background:var(--line);border-radius:4px;height:.9rem;overflow:hidden;margin:.15rem 0 .6rem}
        .bar span{display:block;height:100%;background:var(--bar)}
        .problems li{color:var(--accent)}
        .empty{color:var(--mute)}
        @media (max-width:40rem){table.month td{height:auto;font-size:.7rem}table.month td ul{padding-left:0;list-style:none}table.month td li{overflow:hidden;display:-webkit-box;-webkit-line-clamp:3;-webkit-box-orient:vertical;margin-bottom:.2rem}body{padding:.5rem}}
        """

    /// The whole page.
    public static func render(_ model: StatusPageModel) -> String {
        var h = ""
        let c = model.today.components
        let title = (model.planName.map { "\($0) · " } ?? "") + "almanac 状态"
        h += "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n"
        h += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        h += "<title>\(escape(title))</title>\n<style>\n\(css)\n</style>\n</head>\n<body>\n"
        h += "<header>\n<h1>\(escape(title))</h1>\n"
        h += "<p class=\"summary\">\(escape(model.summary))</p>\n"
        h += "<p class=\"meta\">生成时间 <time datetime=\"\(ICSFormatISO.string(model.generatedAt))\">\(escape(ICSFormatISO.string(model.generatedAt)))</time>（UTC）· 今天 \(model.today)</p>\n</header>\n"

        // Problems first: what needs attention.
        h += "<section id=\"problems\" data-count=\"\(model.problems.count)\">\n<h2>问题（\(model.problems.count)）</h2>\n"
        if model.problems.isEmpty {
            h += "<p class=\"empty\">没有问题。</p>\n"
        } else {
            h += "<ul class=\"list problems\">\n"
            for p in model.problems {
                h += "<li data-code=\"\(escape(p.code))\"><strong>\(escape(p.code))</strong>：\(escape(p.message))</li>\n"
            }
            h += "</ul>\n"
        }
        h += "</section>\n"

        // This month's calendar.
        let monthItems = model.monthEntries
        h += "<section id=\"month\" data-count=\"\(monthItems.count)\">\n<h2>\(c.year)年\(c.month)月（\(monthItems.count) 项）</h2>\n"
        h += monthTable(model)
        h += "</section>\n"

        h += "<section id=\"reminders\" data-count=\"\(model.nextReminders.count)\">\n<h2>即将发送的提醒（\(model.nextReminders.count)）</h2>\n"
        if model.nextReminders.isEmpty {
            h += "<p class=\"empty\">近期没有提醒。</p>\n"
        } else {
            h += "<ul class=\"list\">\n"
            for r in model.nextReminders {
                let when = "\(r.date)" + (r.time.map { " \($0)" } ?? "")
                let owners = r.owners.map { model.unitNames[$0] ?? $0 }.joined(separator: "、")
                h += "<li><time datetime=\"\(r.date)\">\(escape(when))</time> \(escape(r.title))"
                h += " <span class=\"meta\">（\(escape(r.lead))\(owners.isEmpty ? "" : "，" + escape(owners))）</span></li>\n"
            }
            h += "</ul>\n"
        }
        h += "</section>\n"

        h += "<section id=\"campaigns\" data-count=\"\(model.activeCampaigns.count)\">\n<h2>进行中的活动（\(model.activeCampaigns.count)）</h2>\n"
        if model.activeCampaigns.isEmpty {
            h += "<p class=\"empty\">今天没有进行中的活动。</p>\n"
        } else {
            h += "<ul class=\"list\">\n"
            for e in model.activeCampaigns {
                let owners = e.owners.map { model.unitNames[$0] ?? $0 }.joined(separator: "、")
                h += "<li>\(escape(e.title)) <span class=\"meta\">\(e.start)–\(e.end)\(owners.isEmpty ? "" : "，" + escape(owners))</span></li>\n"
            }
            h += "</ul>\n"
        }
        h += "</section>\n"

        h += "<section id=\"inspections\" data-count=\"\(model.inspections.count)\">\n<h2>检查进度（\(model.inspections.count)）</h2>\n"
        if model.inspections.isEmpty {
            h += "<p class=\"empty\">没有检查清单。</p>\n"
        } else {
            var currentChecklist: String?
            for p in model.inspections {
                if p.checklistID != currentChecklist {
                    if currentChecklist != nil { h += "</div>\n" }
                    currentChecklist = p.checklistID
                    h += "<div class=\"checklist\">\n<h3>\(escape(p.checklistTitle))\(p.due.map { "（截止 \($0)）" } ?? "")</h3>\n"
                }
                h += "<p data-unit=\"\(escape(p.unit ?? "*"))\" data-done=\"\(p.done)\" data-total=\"\(p.total)\">\(escape(p.unitName))：\(p.done)/\(p.total)（\(p.percent)%）</p>\n"
                h += "<div class=\"bar\" role=\"img\" aria-label=\"\(p.percent)%\"><span style=\"width:\(p.percent)%\"></span></div>\n"
            }
            h += "</div>\n"
        }
        h += "</section>\n"
        h += "<footer class=\"meta\"><p>由 almanacd 生成，每次计划或状态变化时更新。</p></footer>\n</body>\n</html>\n"
        return h
    }

    static func monthTable(_ model: StatusPageModel) -> String {
        let first = model.today.startOfMonth
        let last = model.today.endOfMonth
        // A window is listed on its first day (or on the 1st when it began last month); the days
        // it continues are marked by the campaigns section, so a month of windows stays readable
        // on a phone.
        var byDay: [CivilDate: [AgendaEntry]] = [:]
        for e in model.monthEntries {
            byDay[max(e.start, first), default: []].append(e)
        }
        var h = "<table class=\"month\">\n<thead><tr>"
        for name in weekdayNames { h += "<th scope=\"col\">\(name)</th>" }
        h += "</tr></thead>\n<tbody>\n"
        // ISO weekday: Monday 1 ... Sunday 7.
        let lead = first.weekday.rawValue - 1
        var cells: [String] = Array(repeating: "<td></td>", count: lead)
        var d = first
        while d <= last {
            var classes: [String] = []
            var kindText = ""
            switch model.dayKinds[d] {
            case .holiday(let name)?: classes.append("off"); kindText = "\(name)休"
            case .makeupWorkday(let name)?: classes.append("makeup"); kindText = "\(name)调休上班"
            default: break
            }
            if d == model.today { classes.append("today") }
            var cell = "<td" + (classes.isEmpty ? "" : " class=\"\(classes.joined(separator: " "))\"") + ">"
            cell += "<span class=\"d\">\(d.day)</span>"
            if !kindText.isEmpty { cell += "<span class=\"k\">\(escape(kindText))</span>" }
            if let items = byDay[d], !items.isEmpty {
                cell += "<ul>" + items.map { e in
                    let span = e.isWindow ? "（至\(e.end.month)月\(e.end.day)日）" : ""
                    let time = e.time.map { "\($0) " } ?? ""
                    return "<li>\(escape(time + e.title + span))</li>"
                }.joined() + "</ul>"
            }
            cells.append(cell + "</td>")
            d = d.adding(days: 1)
        }
        while cells.count % 7 != 0 { cells.append("<td></td>") }
        for row in stride(from: 0, to: cells.count, by: 7) {
            h += "<tr>" + cells[row..<row + 7].joined() + "</tr>\n"
        }
        return h + "</tbody>\n</table>\n"
    }
}

/// ISO 8601 in UTC without fractional seconds, written without a formatter (pure and fast).
enum ICSFormatISO {
    static func string(_ date: Date) -> String {
        let s = ICSFormat.utcDateTime(date)  // YYYYMMDDTHHMMSSZ
        let a = Array(s)
        guard a.count == 16 else { return s }
        return "\(String(a[0..<4]))-\(String(a[4..<6]))-\(String(a[6..<8]))T\(String(a[9..<11])):\(String(a[11..<13])):\(String(a[13..<15]))Z"
    }
}
