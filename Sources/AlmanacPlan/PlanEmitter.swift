import Foundation

/// Writes plans back as canonical YAML: fixed key order, two-space indentation, flow lists for
/// short lists of text, quotes only where YAML would otherwise read the text differently.
/// Loading the output gives the same plan, and emitting that plan gives the same text.
public enum PlanEmitter {
    /// The whole plan as one YAML document (includes are inlined).
    public static func emit(_ plan: Plan) -> String {
        YAMLWriter.write(tree(plan))
    }

    /// The plan as a YAML tree in canonical order.
    public static func tree(_ plan: Plan) -> YAMLTree {
        var top: [(String, YAMLTree)] = [("plan", info(plan.info))]
        var defaults: [(String, YAMLTree)] = []
        if let all = plan.defaultForAll { defaults.append(("all", remind(all))) }
        for kind in ItemKind.allCases {
            if let policy = plan.defaults[kind] { defaults.append((kind.rawValue, remind(policy))) }
        }
        if !defaults.isEmpty { top.append(("defaults", map([("reminders", map(defaults))]))) }
        if !plan.units.isEmpty { top.append(("units", map(plan.units.map { ($0.id.value, unit($0)) }))) }
        if !plan.items.isEmpty { top.append(("items", .sequence(plan.items.map(item), at: nowhere))) }
        if !plan.checklists.isEmpty {
            top.append(("checklists", map(plan.checklists.map { ($0.id.value, checklist($0)) })))
        }
        if !plan.overrides.isEmpty {
            top.append(("overrides", map(plan.overrides.map { ($0.year.value.description, override($0)) })))
        }
        return map(top)
    }

    static let nowhere = SourceLocation(file: "", line: 0, column: 0)

    static func map(_ pairs: [(String, YAMLTree)]) -> YAMLTree {
        .mapping(pairs.map { (YAMLKey(text: $0.0, location: nowhere), $0.1) }, at: nowhere)
    }

    static func text(_ value: String) -> YAMLTree { .scalar(value, quoted: true, at: nowhere) }
    static func text(_ value: Located<String>) -> YAMLTree { .scalar(value.value, quoted: true, at: nowhere) }
    static func text(_ value: Located<Int>) -> YAMLTree { .scalar(String(value.value), quoted: false, at: nowhere) }
    static func list(_ values: [Located<String>]) -> YAMLTree { .sequence(values.map { text($0.value) }, at: nowhere) }

    static func info(_ info: PlanInfo) -> YAMLTree {
        var pairs: [(String, YAMLTree)] = [("id", text(info.id)), ("name", text(info.name))]
        switch info.years {
        case .every: pairs.append(("years", text("every")))
        case .list(let years): pairs.append(("years", .sequence(years.map { text($0) }, at: nowhere)))
        }
        pairs.append(("timezone", text(info.timezone)))
        pairs.append(("holidays", text(info.holidays)))
        if let d = info.description { pairs.append(("description", text(d))) }
        if let s = info.source { pairs.append(("source", text(s))) }
        if let d = info.declaredUnits { pairs.append(("declared_units", text(d))) }
        return map(pairs)
    }

    static func remind(_ policy: ReminderPolicy) -> YAMLTree {
        var pairs: [(String, YAMLTree)] = []
        if !policy.leads.isEmpty {
            pairs.append(("leads", .sequence(policy.leads.map { text($0.value.description) }, at: nowhere)))
        }
        if let t = policy.time { pairs.append(("time", text(t.value.description))) }
        if let r = policy.repeatWhileOverdue { pairs.append(("repeat_while_overdue", text(r.value.intervalText))) }
        if let e = policy.escalateAfter { pairs.append(("escalate_after", text(e.value.intervalText))) }
        return map(pairs)
    }

    static func person(_ p: Person) -> YAMLTree {
        if p.mail == nil && p.phone == nil && p.robots.isEmpty { return text(p.name) }
        var pairs: [(String, YAMLTree)] = [("name", text(p.name))]
        if let m = p.mail { pairs.append(("mail", text(m))) }
        if let ph = p.phone { pairs.append(("phone", text(ph))) }
        pairs += robots(p.robots)
        return map(pairs)
    }

    static func unit(_ u: PlanUnit) -> YAMLTree {
        var pairs: [(String, YAMLTree)] = [("name", text(u.name))]
        if !u.mail.isEmpty { pairs.append(("mail", list(u.mail))) }
        if let l = u.leader { pairs.append(("leader", person(l))) }
        if let c = u.contact { pairs.append(("contact", person(c))) }
        if let p = u.parent { pairs.append(("parent", text(p))) }
        pairs += robots(u.robots)
        return map(pairs)
    }

    /// One key per service, a mapping for one robot and a list for several.
    static func robots(_ destinations: [RobotDestination]) -> [(String, YAMLTree)] {
        RobotKind.allCases.compactMap { kind in
            let mine = destinations.filter { $0.kind.value == kind }
            guard !mine.isEmpty else { return nil }
            let trees = mine.map { r -> YAMLTree in
                var pairs: [(String, YAMLTree)] = []
                if let v = r.name { pairs.append(("name", text(v))) }
                if let v = r.url { pairs.append(("url", text(v))) }
                if let v = r.key { pairs.append(("key", text(v))) }
                if let v = r.secretFile { pairs.append(("secret_file", text(v))) }
                if let v = r.format { pairs.append(("format", text(v))) }
                if let v = r.language { pairs.append(("language", text(v))) }
                if let v = r.mention { pairs.append(("mention", list(v))) }
                if let v = r.mentionAll { pairs.append(("mention_all", text(v.value ? "true" : "false"))) }
                return map(pairs)
            }
            return (kind.rawValue, trees.count == 1 ? trees[0] : .sequence(trees, at: nowhere))
        }
    }

    /// One item as a YAML mapping in canonical key order.
    public static func item(_ i: PlanItem) -> YAMLTree {
        var pairs: [(String, YAMLTree)] = [
            ("id", text(i.id)), ("kind", text(i.kind.value.rawValue)), ("title", text(i.title)),
        ]
        if let e = i.titleEnglish { pairs.append(("title_en", text(e))) }
        if let d = i.description { pairs.append(("description", text(d))) }
        if let w = i.when { pairs.append(("when", text(w))) }
        if let t = i.time { pairs.append(("time", text(t.value.description))) }
        if !i.owners.isEmpty { pairs.append(("owners", list(i.owners))) }
        if !i.participants.isEmpty { pairs.append(("participants", list(i.participants))) }
        if let r = i.remind { pairs.append(("remind", remind(r))) }
        if !i.phases.isEmpty { pairs.append(("phases", .sequence(i.phases.map(phase), at: nowhere))) }
        if let e = i.edition {
            pairs.append(
                (
                    "edition",
                    map([
                        ("first_year", text(e.firstYear)), ("first_number", text(e.firstNumber)),
                        ("every", text(e.every)), ("format", text(e.format)),
                    ])
                ))
        }
        if !i.tags.isEmpty { pairs.append(("tags", list(i.tags))) }
        if let q = i.quota {
            pairs.append(("quota", map([("count", text(q.count)), ("per", text(q.per.value.rawValue))])))
        }
        if !i.dependsOn.isEmpty { pairs.append(("depends_on", list(i.dependsOn))) }
        if let c = i.checklist { pairs.append(("checklist", text(c))) }
        if let s = i.dateSource { pairs.append(("date_source", text(s.value.rawValue))) }
        if let q = i.sourceQuote { pairs.append(("source_quote", text(q))) }
        return map(pairs)
    }

    static func phase(_ p: Phase) -> YAMLTree {
        var pairs: [(String, YAMLTree)] = [("id", text(p.id)), ("title", text(p.title)), ("when", text(p.when))]
        if let t = p.time { pairs.append(("time", text(t.value.description))) }
        if !p.owners.isEmpty { pairs.append(("owners", list(p.owners))) }
        if let s = p.dateSource { pairs.append(("date_source", text(s.value.rawValue))) }
        if let q = p.sourceQuote { pairs.append(("source_quote", text(q))) }
        return map(pairs)
    }

    static func totals(_ totals: [Located<String>: Located<Int>], levels: [String]) -> YAMLTree {
        let entries = totals.sorted { a, b in
            let ia = levels.firstIndex(of: a.key.value) ?? Int.max
            let ib = levels.firstIndex(of: b.key.value) ?? Int.max
            return ia != ib ? ia < ib : a.key.value < b.key.value
        }
        return map(entries.map { ($0.key.value, text($0.value)) })
    }

    static func checklist(_ c: Checklist) -> YAMLTree {
        let levels = c.levels.map(\.value)
        var pairs: [(String, YAMLTree)] = [("title", text(c.title))]
        if let i = c.item { pairs.append(("item", text(i))) }
        if !c.levels.isEmpty { pairs.append(("levels", list(c.levels))) }
        if !c.totals.isEmpty { pairs.append(("totals", totals(c.totals, levels: levels))) }
        if !c.indicators.isEmpty {
            pairs.append(("indicators", .sequence(c.indicators.map { indicator($0, levels: levels) }, at: nowhere)))
        }
        return map(pairs)
    }

    static func indicator(_ i: Indicator, levels: [String]) -> YAMLTree {
        var pairs: [(String, YAMLTree)] = [("code", text(i.code)), ("title", text(i.title))]
        if let o = i.owner { pairs.append(("owner", text(o))) }
        if let e = i.evidence { pairs.append(("evidence", text(e))) }
        if let d = i.due { pairs.append(("due", text(d))) }
        if !i.totals.isEmpty { pairs.append(("totals", totals(i.totals, levels: levels))) }
        if let n = i.notes { pairs.append(("notes", text(n))) }
        if !i.children.isEmpty {
            pairs.append(("children", .sequence(i.children.map { indicator($0, levels: levels) }, at: nowhere)))
        }
        return map(pairs)
    }

    static func override(_ o: YearOverride) -> YAMLTree {
        var pairs: [(String, YAMLTree)] = []
        if !o.items.isEmpty { pairs.append(("items", .sequence(o.items.map(\.fields), at: nowhere))) }
        if !o.skip.isEmpty { pairs.append(("skip", list(o.skip))) }
        return map(pairs)
    }
}

/// Writes a `YAMLTree` as block-style YAML text.
public enum YAMLWriter {
    /// The tree as YAML text ending in a newline.
    public static func write(_ tree: YAMLTree) -> String {
        var out = ""
        switch tree {
        case .mapping(let pairs, _): writeMapping(pairs, indent: 0, into: &out)
        case .sequence(let nodes, _): writeSequence(nodes, indent: 0, into: &out)
        case .scalar(let s, _, _): out += quoteIfNeeded(s) + "\n"
        }
        return out
    }

    static func isShortFlowList(_ nodes: [YAMLTree]) -> Bool {
        guard nodes.allSatisfy({ $0.scalar != nil }) else { return false }
        let length = nodes.reduce(0) { $0 + ($1.scalar?.count ?? 0) + 2 }
        return length <= 80 && nodes.allSatisfy { !($0.scalar ?? "").contains("\n") }
    }

    static func inline(_ node: YAMLTree) -> String? {
        switch node {
        case .scalar(let s, let quoted, _): return !quoted && Int(s) != nil ? s : quoteIfNeeded(s)
        case .sequence(let nodes, _):
            if nodes.isEmpty { return "[]" }
            guard isShortFlowList(nodes) else { return nil }
            return "["
                + nodes.map { node -> String in
                    if case .scalar(let s, false, _) = node, Int(s) != nil { return s }
                    return quoteIfNeeded(node.scalar ?? "", inFlow: true)
                }.joined(separator: ", ") + "]"
        case .mapping(let pairs, _):
            return pairs.isEmpty ? "{}" : nil
        }
    }

    static func writeMapping(_ pairs: [(key: YAMLKey, value: YAMLTree)], indent: Int, into out: inout String) {
        let pad = String(repeating: " ", count: indent)
        for (index, pair) in pairs.enumerated() {
            let lead = index == 0 && out.hasSuffix("- ") ? "" : pad
            let key = quoteIfNeeded(pair.key.text)
            if let value = inline(pair.value) {
                out += "\(lead)\(key): \(value)\n"
            } else {
                out += "\(lead)\(key):\n"
                switch pair.value {
                case .mapping(let inner, _): writeMapping(inner, indent: indent + 2, into: &out)
                case .sequence(let nodes, _): writeSequence(nodes, indent: indent + 2, into: &out)
                case .scalar: break
                }
            }
        }
    }

    static func writeSequence(_ nodes: [YAMLTree], indent: Int, into out: inout String) {
        let pad = String(repeating: " ", count: indent)
        for node in nodes {
            switch node {
            case .mapping(let pairs, _) where !pairs.isEmpty:
                out += "\(pad)- "
                writeMapping(pairs, indent: indent + 2, into: &out)
            case .sequence(let inner, _) where inline(node) == nil:
                out += "\(pad)-\n"
                writeSequence(inner, indent: indent + 2, into: &out)
            default:
                out += "\(pad)- \(inline(node) ?? "")\n"
            }
        }
    }

    /// The scalar as YAML: plain when it reads back as the same text, else double-quoted.
    public static func quoteIfNeeded(_ s: String, inFlow: Bool = false) -> String {
        needsQuotes(s, inFlow: inFlow) ? doubleQuoted(s) : s
    }

    static func needsQuotes(_ s: String, inFlow: Bool) -> Bool {
        if s.isEmpty { return true }
        // (Only ASCII lowercases to the reserved words' letters, and keeps its length: a longer value is none of them.)
        if s.utf8.count <= 5, reservedWords.contains(s.lowercased()) { return true }
        if Double(s) != nil || Int(s) != nil { return true }
        if s.hasPrefix("0x") || s.hasPrefix("0o") || s.hasPrefix(".") { return true }
        guard let first = s.unicodeScalars.first, let last = s.unicodeScalars.last else { return true }
        if first == " " || last == " " || first == "\t" || last == "\t" { return true }
        if "-?:,[]{}#&*!|>'\"%@`".unicodeScalars.contains(first) {
            // `-1d`, `-10wd` read back as text: a dash followed by a non-space is a plain scalar.
            if first == "-", s.count > 1, !s.hasPrefix("- "), !s.hasPrefix("---") {
                // fall through to the remaining checks
            } else {
                return true
            }
        }
        if holdsBytes(s, ": ") && s.contains(": ") || holdsBytes(s, " #") && s.contains(" #") || s.hasSuffix(":") { return true }
        if s.unicodeScalars.contains(where: { $0.value < 0x20 || $0 == "\u{7F}" || $0 == "\u{FEFF}" }) { return true }
        if inFlow && s.unicodeScalars.contains(where: { ",[]{}".unicodeScalars.contains($0) }) { return true }
        // Dates and times like 2027-08-10 or 09:00 would be typed by other YAML readers.
        if s.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "-" || $0 == ":" || $0 == "." || $0 == "_") }) {
            return true
        }
        return false
    }

    static let reservedWords: Set<String> = ["~", "null", "true", "false", "yes", "no", "on", "off", "y", "n"]

    /// Whether `s` holds the UTF-8 bytes of `word`: Foundation's `contains` (Unicode-aware, and a
    /// twentieth of drafting a document of many short items) runs only when they are there; an
    /// ASCII word like `": "` has no other spelling it could match.
    static func holdsBytes(_ s: String, _ word: String) -> Bool {
        let w = Array(word.utf8)
        return s.utf8.withContiguousStorageIfAvailable { h in
            guard h.count >= w.count else { return false }
            return (0...(h.count - w.count)).contains { i in h[i] == w[0] && h[i..<(i + w.count)].elementsEqual(w) }
        } ?? true
    }

    static func doubleQuoted(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F || scalar.value == 0xFEFF {
                    out += String(format: "\\u%04X", scalar.value)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
