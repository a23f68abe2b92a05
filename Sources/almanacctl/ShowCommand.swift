import AlmanacCalendar
import AlmanacControl
import AlmanacPlan
import ArgumentParser
import Foundation

/// `almanacctl show ITEM`: one item's occurrences and reminders, with how each was derived: from
/// the daemon's plan in force (with each occurrence's state), or offline with `--plan PATH`.
struct ShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show an item's occurrences and reminders, with explanations.",
        discussion: """
            ITEM is an item id, or item/phase for one phase of a multi-part event. Without --plan, almanacd \
            answers from the plan in force and adds each occurrence's state; with --plan the files are read offline.
            """)

    @Argument(help: "The item id (or item/phase).")
    var item: String

    @OptionGroup var planOptions: PlanFileOptions

    @Option(name: .long, help: "Only this year (default: every year of the plan).")
    var year: [Int] = []

    @Option(name: .long, help: "Show at most this many occurrences (0: all).")
    var limit: Int = 12

    @OptionGroup var daemon: DaemonOptions

    var json: Bool { daemon.json }

    struct ReminderLine: Encodable {
        var date: CivilDate
        var lead: String
        var reason: String
    }

    struct OccurrenceReport: Encodable {
        var entry: AlmanacPlan.AgendaEntry
        var reminders: [ReminderLine]
    }

    struct PolicyReport: Encodable {
        var leads: [String]
        var time: String?
        var repeatWhileOverdue: String?
        var escalateAfter: String?
        var source: [String: String]
    }

    struct Report: Encodable {
        var item: PlanItem
        var policy: PolicyReport
        var occurrences: [OccurrenceReport]
        var more: Int
    }

    func validate() throws {
        guard limit >= 0 else { throw CLIFailure.value("--limit must be 0 (all) or more") }
    }

    func run() throws {
        guard !planOptions.plan.isEmpty else { return try runAgainstDaemon() }
        try runOffline()
    }

    func runAgainstDaemon() throws {
        let query = ShowQuery(item: item, years: year.isEmpty ? nil : year, limit: limit)
        let report = try daemon.request { client throws(ControlClientError) in try client.show(query) }
        if daemon.json { return try daemon.printJSON(report) }
        print(daemon.render.show(report))
    }

    func runOffline() throws {
        let loaded = try LoadedPlan.load(planOptions)
        let plan = loaded.plan
        let parts = item.split(separator: "/", maxSplits: 1).map(String.init)
        guard let planItem = plan.item(parts[0]) else {
            let hint = plan.items.map(\.id.value).min { Self.distance($0, parts[0]) < Self.distance($1, parts[0]) }
            throw ValidationError("no item '\(parts[0])' in the plan" + (hint.map { " (did you mean '\($0)'?)" } ?? ""))
        }
        let phaseID = parts.count > 1 ? parts[1] : nil
        if let phaseID, !planItem.phases.contains(where: { $0.id.value == phaseID }) {
            throw ValidationError(
                "item '\(planItem.id.value)' has no phase '\(phaseID)' (phases: \(planItem.phases.map(\.id.value).joined(separator: ", ")))")
        }
        var years = year
        if years.isEmpty {
            switch plan.info.years {
            case .list(let list): years = list.map(\.value).sorted()
            case .every: years = [Calendar.current.component(.year, from: Date())]
            }
        }
        let policy = plan.reminderPolicy(for: planItem)
        var occurrences: [OccurrenceReport] = []
        for y in years {
            guard let first = CivilDate(year: y, month: 1, day: 1), let last = CivilDate(year: y, month: 12, day: 31) else {
                continue
            }
            let (entries, _) = PlanExpansion.entries(of: plan, in: first...last, context: loaded.context)
            for e in entries where e.itemID == planItem.id.value && e.start.components.year == y {
                if let phaseID, e.phaseID != phaseID { continue }
                let reminders = PlanExpansion.reminders(for: e, policy: policy, work: loaded.work).map {
                    ReminderLine(date: $0.date, lead: $0.lead.description, reason: $0.reason)
                }
                occurrences.append(OccurrenceReport(entry: e, reminders: reminders))
            }
        }
        let shown = limit > 0 ? Array(occurrences.prefix(limit)) : occurrences
        let report = Report(
            item: planItem, policy: policyReport(plan: plan, item: planItem, policy: policy), occurrences: shown,
            more: occurrences.count - shown.count)
        if json {
            try printJSON(report)
            return
        }
        print(text(report, loaded: loaded))
    }

    func policyReport(plan: Plan, item: PlanItem, policy: ReminderPolicy) -> PolicyReport {
        func origin(_ has: (ReminderPolicy) -> Bool) -> String {
            if let own = item.remind, has(own) { return "item" }
            if let kindDefault = plan.defaults[item.kind.value], has(kindDefault) {
                return "defaults.reminders.\(item.kind.value.rawValue)"
            }
            if let all = plan.defaultForAll, has(all) { return "defaults.reminders.all" }
            return "daemon default"
        }
        var source: [String: String] = [:]
        source["leads"] = origin { !$0.leads.isEmpty }
        source["time"] = origin { $0.time != nil }
        source["repeat_while_overdue"] = origin { $0.repeatWhileOverdue != nil }
        source["escalate_after"] = origin { $0.escalateAfter != nil }
        return PolicyReport(
            leads: policy.leads.map(\.value.description), time: policy.time?.value.description,
            repeatWhileOverdue: policy.repeatWhileOverdue?.value.intervalText,
            escalateAfter: policy.escalateAfter?.value.intervalText, source: source)
    }

    func text(_ r: Report, loaded: LoadedPlan) -> String {
        var lines: [String] = []
        let i = r.item
        func field(_ name: String, _ value: String) {
            lines.append("  " + TerminalText.pad(name, to: 14) + value)
        }
        lines.append("\(i.id.value)  \(i.kind.value.rawValue)  \(i.title.value)")
        if let d = i.description { field("description", d.value) }
        if let w = i.when {
            let canonical = (try? DateRule.parse(w.value).text) ?? w.value
            field("when", canonical == w.value ? w.value : "\(w.value)  (= \(canonical))")
        }
        for p in i.phases {
            field("phase", "\(p.id.value): \(p.title.value)  \(p.when.value)" + (p.time.map { " \($0.value)" } ?? ""))
        }
        if !i.owners.isEmpty {
            field("owners", zip(loaded.unitNames(i.owners.map(\.value)), i.owners).map { "\($0) (\($1.value))" }.joined(separator: "、"))
        }
        if !i.participants.isEmpty {
            field("participants", loaded.unitNames(i.participants.map(\.value)).joined(separator: "、"))
        }
        if let e = i.edition { field("edition", "\(e.format.value), first \(e.firstYear.value)") }
        if let q = i.quota { field("quota", "at least \(q.count.value) per \(q.per.value.rawValue)") }
        if let s = i.dateSource {
            field("date", s.value.rawValue + (i.sourceQuote.map { " — “\($0.value)”" } ?? ""))
        }
        var policy = "leads " + (r.policy.leads.isEmpty ? "none" : r.policy.leads.joined(separator: ", "))
        policy += " [\(r.policy.source["leads"] ?? "")]"
        if let t = r.policy.time { policy += ", at \(t) [\(r.policy.source["time"] ?? "")]" }
        field("reminders", policy)
        if let rep = r.policy.repeatWhileOverdue {
            field("", "repeat every \(rep) while overdue [\(r.policy.source["repeat_while_overdue"] ?? "")]")
        }
        if let esc = r.policy.escalateAfter {
            field("", "escalate to the owners' leaders \(esc) after the date [\(r.policy.source["escalate_after"] ?? "")]")
        }
        if r.occurrences.isEmpty { lines.append("\nno occurrence in the years shown") }
        for o in r.occurrences {
            let e = o.entry
            lines.append("")
            var head = e.isWindow ? "\(e.start)..\(e.end)" : e.start.description
            head += " " + ChineseWeekday.name(e.start.weekday)
            if let t = e.time { head += " \(t)" }
            if let p = e.phaseID { head += "  [\(p)]" }
            if let ed = e.edition { head += "  \(ed)" }
            head += "  " + loaded.work.dayKind(e.start).chineseLabel
            lines.append(head)
            for step in e.explanation { lines.append("    " + step) }
            for rem in o.reminders {
                lines.append(
                    "    remind \(rem.date) \(ChineseWeekday.name(rem.date.weekday))  \(TerminalText.pad(rem.lead, to: 6)) \(rem.reason)")
            }
        }
        if r.more > 0 { lines.append("\n… \(r.more) more occurrences (use --limit 0 for all)") }
        return lines.joined(separator: "\n")
    }

    static func distance(_ a: String, _ b: String) -> Int {
        let x = Array(a)
        let y = Array(b)
        var row = Array(0...y.count)
        for i in 1...max(1, x.count) where !x.isEmpty {
            var previous = row
            previous[0] = i
            for j in stride(from: 1, through: y.count, by: 1) {
                previous[j] = min(row[j] + 1, previous[j - 1] + 1, row[j - 1] + (x[i - 1] == y[j - 1] ? 0 : 1))
            }
            row = previous
        }
        return row[y.count]
    }
}
