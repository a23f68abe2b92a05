import AlmanacCalendar
import Foundation

/// Collects diagnostics while a plan is read and checked.
struct DiagnosticLog {
    var diagnostics: [Diagnostic] = []

    mutating func error(_ message: String, at location: SourceLocation?, hint: String? = nil) {
        diagnostics.append(Diagnostic(.error, message, at: location, hint: hint))
    }

    mutating func warning(_ message: String, at location: SourceLocation?, hint: String? = nil) {
        diagnostics.append(Diagnostic(.warning, message, at: location, hint: hint))
    }
}

/// Suggests the closest known word for a misspelt one.
enum Spelling {
    /// The known word closest to `word`, when it is close enough to be a likely typo.
    static func suggestion(for word: String, among known: [String]) -> String? {
        Suggestion.closest(to: word, among: known)
    }

    /// "did you mean 'owners'?" or nil.
    static func hint(for word: String, among known: [String]) -> String? {
        suggestion(for: word, among: known).map { "did you mean '\($0)'?" }
    }
}

/// Typed access to one YAML mapping that reports unknown keys, wrong types and missing keys.
struct Fields {
    let node: YAMLTree
    let what: String
    private var pairs: [(key: YAMLKey, value: YAMLTree)]

    /// Reads `node` as a mapping describing `what` ("item", "unit", ...). Unknown keys are reported.
    init?(_ node: YAMLTree, what: String, known: [String], log: inout DiagnosticLog) {
        guard case .mapping(let pairs, _) = node else {
            log.error("\(what) must be a mapping, found \(node.shapeName)", at: node.location)
            return nil
        }
        self.node = node
        self.what = what
        self.pairs = pairs
        for pair in pairs where !known.contains(where: { Self.same(pair.key.text, $0) }) {
            log.error(
                "unknown key '\(pair.key.text)' in \(what)", at: pair.key.location,
                hint: Spelling.hint(for: pair.key.text, among: known))
        }
    }

    var location: SourceLocation { node.location }

    func value(_ key: String) -> YAMLTree? {
        pairs.last { Self.same($0.key.text, key) }?.value
    }

    func keyLocation(_ key: String) -> SourceLocation? {
        pairs.last { Self.same($0.key.text, key) }?.key.location
    }

    /// `text == key` for a known key, which is ASCII: only the same bytes are canonically equivalent
    /// to an ASCII text of lower-case letters and `_`, so texts of another length are passed over
    /// without comparing (most of an item's keys differ in length: `id`, `kind`, `title`, `owners`).
    @inline(__always)
    static func same(_ text: String, _ key: String) -> Bool {
        text.utf8.count == key.utf8.count && text == key
    }

    func has(_ key: String) -> Bool { value(key) != nil }

    func string(_ key: String, required: Bool = false, log: inout DiagnosticLog) -> Located<String>? {
        guard let node = value(key), !node.isNull else {
            if required { log.error("\(what) is missing required key '\(key)'", at: location) }
            return nil
        }
        guard let text = node.scalar else {
            log.error("'\(key)' must be text, found \(node.shapeName)", at: node.location)
            return nil
        }
        return Located(text, at: node.location)
    }

    func int(_ key: String, required: Bool = false, log: inout DiagnosticLog) -> Located<Int>? {
        guard let node = value(key), !node.isNull else {
            if required { log.error("\(what) is missing required key '\(key)'", at: location) }
            return nil
        }
        guard let text = node.scalar, let number = Int(text) else {
            log.error("'\(key)' must be a whole number, found '\(node.scalar ?? node.shapeName)'", at: node.location)
            return nil
        }
        return Located(number, at: node.location)
    }

    /// A list of text; a single scalar counts as a list of one.
    func strings(_ key: String, log: inout DiagnosticLog) -> [Located<String>] {
        guard let node = value(key), !node.isNull else { return [] }
        switch node {
        case .scalar(let text, _, let at): return [Located(text, at: at)]
        case .sequence(let nodes, _):
            var result: [Located<String>] = []
            result.reserveCapacity(nodes.count)
            for element in nodes {
                if let text = element.scalar {
                    result.append(Located(text, at: element.location))
                } else {
                    log.error("'\(key)' entries must be text, found \(element.shapeName)", at: element.location)
                }
            }
            return result
        case .mapping:
            log.error("'\(key)' must be a list, found a mapping", at: node.location)
            return []
        }
    }

    func enumeration<E: RawRepresentable & CaseIterable>(
        _ key: String, _ type: E.Type, required: Bool = false, log: inout DiagnosticLog
    ) -> Located<E>? where E.RawValue == String {
        guard let text = string(key, required: required, log: &log) else { return nil }
        // The raw values are ASCII words, compared as keys are (`same`): the ones of another
        // length are passed over, where `init(rawValue:)` compared the text with each in turn.
        if let value = E.allCases.first(where: { Self.same(text.value, $0.rawValue) }) {
            return Located(value, at: text.location)
        }
        let known = E.allCases.map(\.rawValue)
        log.error(
            "unknown \(key.replacingOccurrences(of: "_", with: " ")) '\(text.value)' (known: \(known.joined(separator: ", ")))",
            at: text.location, hint: Spelling.hint(for: text.value, among: known))
        return nil
    }

    func clockTime(_ key: String, log: inout DiagnosticLog) -> Located<TimeOfDay>? {
        guard let text = string(key, log: &log) else { return nil }
        guard let time = TimeOfDay(text.value) else {
            log.error("'\(key)' must be a time of day like 09:00, found '\(text.value)'", at: text.location)
            return nil
        }
        return Located(time, at: text.location)
    }

    func lead(_ key: String, log: inout DiagnosticLog) -> Located<Lead>? {
        guard let text = string(key, log: &log) else { return nil }
        guard let lead = Lead(text: text.value) else {
            log.error(
                "'\(key)' must be a duration like 1d, 2wd or 1w, found '\(text.value)'", at: text.location)
            return nil
        }
        return Located(lead, at: text.location)
    }
}

/// The contents of one plan file before files are merged.
struct PlanFragment {
    var fileName: String
    var info: PlanInfo?
    var infoLocation: SourceLocation?
    var includes: [Located<String>] = []
    var defaults: [(kind: Located<String>, policy: ReminderPolicy)] = []
    var units: [PlanUnit] = []
    var items: [PlanItem] = []
    var checklists: [Checklist] = []
    var overrides: [YearOverride] = []
}

/// Turns YAML trees into plan values, reporting every problem found on the way.
enum PlanDecoder {
    static let topKeys = ["plan", "include", "defaults", "units", "items", "checklists", "overrides"]
    static let planKeys = ["id", "name", "years", "timezone", "holidays", "description", "source", "declared_units"]
    static let unitKeys = ["name", "mail", "leader", "contact", "parent"] + RobotKind.allCases.map(\.rawValue)
    static let personKeys = ["name", "mail", "phone"] + RobotKind.allCases.map(\.rawValue)
    static let robotKeys = ["name", "url", "key", "secret_file", "format", "language", "mention", "mention_all"]
    static let itemKeys = [
        "id", "kind", "title", "title_en", "description", "when", "time", "owners", "participants", "remind", "phases",
        "edition", "tags", "quota", "depends_on", "checklist", "date_source", "source_quote",
    ]
    static let remindKeys = ["leads", "time", "repeat_while_overdue", "escalate_after"]
    static let phaseKeys = ["id", "title", "when", "time", "owners", "date_source", "source_quote"]
    static let editionKeys = ["first_year", "first_number", "every", "format"]
    static let quotaKeys = ["count", "per"]
    static let checklistKeys = ["title", "item", "levels", "totals", "indicators", "source"]
    static let indicatorKeys = ["code", "title", "owner", "evidence", "due", "totals", "children", "notes"]
    static let overrideKeys = ["items", "skip"]

    static func fragment(_ root: YAMLTree?, fileName: String, log: inout DiagnosticLog) -> PlanFragment {
        var fragment = PlanFragment(fileName: fileName)
        guard let root else { return fragment }
        guard let top = Fields(root, what: "a plan file", known: topKeys, log: &log) else { return fragment }
        if let planNode = top.value("plan") {
            fragment.info = info(planNode, log: &log)
            fragment.infoLocation = top.keyLocation("plan")
        }
        fragment.includes = top.strings("include", log: &log)
        if let node = top.value("defaults") { fragment.defaults = defaults(node, log: &log) }
        if let node = top.value("units") { fragment.units = units(node, log: &log) }
        if let node = top.value("items") { fragment.items = list(node, what: "items", log: &log) { item($0, log: &$1) } }
        if let node = top.value("checklists") { fragment.checklists = checklists(node, log: &log) }
        if let node = top.value("overrides") { fragment.overrides = overrides(node, log: &log) }
        return fragment
    }

    static func list<T>(
        _ node: YAMLTree, what: String, log: inout DiagnosticLog, _ element: (YAMLTree, inout DiagnosticLog) -> T?
    ) -> [T] {
        if node.isNull { return [] }
        guard case .sequence(let nodes, _) = node else {
            log.error("'\(what)' must be a list, found \(node.shapeName)", at: node.location)
            return []
        }
        // Sized up front: an element (an item) is large, and growing the array copies them all.
        var out: [T] = []
        out.reserveCapacity(nodes.count)
        for node in nodes {
            if let value = element(node, &log) { out.append(value) }
        }
        return out
    }

    static func mappingPairs(_ node: YAMLTree, what: String, log: inout DiagnosticLog) -> [(key: YAMLKey, value: YAMLTree)] {
        if node.isNull { return [] }
        guard case .mapping(let pairs, _) = node else {
            log.error("'\(what)' must be a mapping, found \(node.shapeName)", at: node.location)
            return []
        }
        return pairs
    }

    static func info(_ node: YAMLTree, log: inout DiagnosticLog) -> PlanInfo? {
        guard let f = Fields(node, what: "plan", known: planKeys, log: &log) else { return nil }
        let id = f.string("id", required: true, log: &log)
        let name = f.string("name", required: true, log: &log)
        var years = PlanYears.list([])
        if let yearsNode = f.value("years") {
            switch yearsNode {
            case .scalar(let text, _, let at):
                if text == "every" {
                    years = .every
                } else if let year = Int(text) {
                    years = .list([Located(year, at: at)])
                } else {
                    log.error("'years' must be a year, a list of years or 'every', found '\(text)'", at: at)
                }
            case .sequence(let nodes, _):
                var list: [Located<Int>] = []
                for n in nodes {
                    if let text = n.scalar, let year = Int(text) {
                        list.append(Located(year, at: n.location))
                    } else {
                        log.error("'years' entries must be years like 2027", at: n.location)
                    }
                }
                years = .list(list)
            case .mapping:
                log.error("'years' must be a year, a list of years or 'every', found a mapping", at: yearsNode.location)
            }
        } else {
            log.error("plan is missing required key 'years'", at: f.location, hint: "for example years: [2027]")
        }
        let timezone = f.string("timezone", log: &log) ?? Located("Asia/Shanghai")
        let holidays = f.string("holidays", log: &log) ?? Located("cn")
        let declaredUnits = f.int("declared_units", log: &log)
        if let d = declaredUnits, d.value < 1 { log.error("declared_units must be at least 1", at: d.location) }
        guard let id, let name else { return nil }
        return PlanInfo(
            id: id, name: name, years: years, timezone: timezone, holidays: holidays,
            description: f.string("description", log: &log), source: f.string("source", log: &log),
            declaredUnits: declaredUnits)
    }

    static func defaults(_ node: YAMLTree, log: inout DiagnosticLog) -> [(kind: Located<String>, policy: ReminderPolicy)] {
        guard let f = Fields(node, what: "defaults", known: ["reminders"], log: &log) else { return [] }
        guard let reminders = f.value("reminders") else { return [] }
        var result: [(kind: Located<String>, policy: ReminderPolicy)] = []
        let known = ItemKind.allCases.map(\.rawValue) + ["all"]
        for (key, value) in mappingPairs(reminders, what: "reminders", log: &log) {
            guard known.contains(key.text) else {
                log.error(
                    "unknown item kind '\(key.text)' in reminder defaults (known: \(known.joined(separator: ", ")))",
                    at: key.location, hint: Spelling.hint(for: key.text, among: known))
                continue
            }
            if let policy = remind(value, log: &log) {
                result.append((Located(key.text, at: key.location), policy))
            }
        }
        return result
    }

    static func remind(_ node: YAMLTree, log: inout DiagnosticLog) -> ReminderPolicy? {
        // A bare list is shorthand for the leads: `remind: [-10wd, -1d]`.
        if case .sequence = node {
            return ReminderPolicy(leads: leads(node, key: "remind", log: &log))
        }
        guard let f = Fields(node, what: "reminder policy", known: remindKeys, log: &log) else { return nil }
        return ReminderPolicy(
            leads: f.value("leads").map { leads($0, key: "leads", log: &log) } ?? [],
            time: f.clockTime("time", log: &log),
            repeatWhileOverdue: f.lead("repeat_while_overdue", log: &log),
            escalateAfter: f.lead("escalate_after", log: &log))
    }

    static func leads(_ node: YAMLTree, key: String, log: inout DiagnosticLog) -> [Located<Lead>] {
        let nodes: [YAMLTree]
        switch node {
        case .sequence(let list, _): nodes = list
        case .scalar: nodes = [node]
        case .mapping:
            log.error("'\(key)' must be a list of lead times like [-10wd, -1d]", at: node.location)
            return []
        }
        var result: [Located<Lead>] = []
        result.reserveCapacity(nodes.count)
        for n in nodes {
            guard let text = n.scalar, let lead = Lead(text: text) else {
                log.error(
                    "lead time must look like -10wd (working days), -1d (days) or -2w (weeks), found '\(n.scalar ?? n.shapeName)'",
                    at: n.location)
                continue
            }
            result.append(Located(lead, at: n.location))
        }
        return result
    }

    static func person(_ node: YAMLTree, what: String, log: inout DiagnosticLog) -> Person? {
        if let text = node.scalar { return Person(name: Located(text, at: node.location)) }
        guard let f = Fields(node, what: what, known: personKeys, log: &log) else { return nil }
        guard let name = f.string("name", required: true, log: &log) else { return nil }
        return Person(
            name: name, mail: f.string("mail", log: &log), phone: f.string("phone", log: &log), robots: robots(f, log: &log))
    }

    /// The `wecom:`, `dingtalk:`, `feishu:` and `webhook:` keys of a unit or person: each a
    /// mapping, or a list of them.
    static func robots(_ f: Fields, log: inout DiagnosticLog) -> [RobotDestination] {
        var result: [RobotDestination] = []
        for kind in RobotKind.allCases {
            guard let node = f.value(kind.rawValue), !node.isNull else { continue }
            let located = Located(kind, at: f.keyLocation(kind.rawValue) ?? node.location)
            let nodes: [YAMLTree]
            switch node {
            case .sequence(let elements, _): nodes = elements
            default: nodes = [node]
            }
            for element in nodes {
                guard let r = Fields(element, what: "\(kind.rawValue) robot", known: robotKeys, log: &log) else { continue }
                var mentionAll: Located<Bool>?
                if let text = r.string("mention_all", log: &log) {
                    switch text.value.lowercased() {
                    case "true", "yes", "on": mentionAll = Located(true, at: text.location)
                    case "false", "no", "off": mentionAll = Located(false, at: text.location)
                    default: log.error("'mention_all' must be true or false, found '\(text.value)'", at: text.location)
                    }
                }
                result.append(
                    RobotDestination(
                        kind: located, name: r.string("name", log: &log), url: r.string("url", log: &log),
                        key: r.string("key", log: &log), secretFile: r.string("secret_file", log: &log),
                        format: r.string("format", log: &log), language: r.string("language", log: &log),
                        mention: r.has("mention") ? r.strings("mention", log: &log) : nil, mentionAll: mentionAll,
                        location: element.location))
            }
        }
        return result
    }

    static func units(_ node: YAMLTree, log: inout DiagnosticLog) -> [PlanUnit] {
        var result: [PlanUnit] = []
        for (key, value) in mappingPairs(node, what: "units", log: &log) {
            guard let f = Fields(value, what: "unit '\(key.text)'", known: unitKeys, log: &log) else { continue }
            guard let name = f.string("name", required: true, log: &log) else { continue }
            result.append(
                PlanUnit(
                    id: Located(key.text, at: key.location), name: name, mail: f.strings("mail", log: &log),
                    leader: f.value("leader").flatMap { person($0, what: "leader", log: &log) },
                    contact: f.value("contact").flatMap { person($0, what: "contact", log: &log) },
                    parent: f.string("parent", log: &log), robots: robots(f, log: &log)))
        }
        return result
    }

    static func item(_ node: YAMLTree, log: inout DiagnosticLog) -> PlanItem? {
        guard let f = Fields(node, what: "item", known: itemKeys, log: &log) else { return nil }
        let id = f.string("id", required: true, log: &log)
        let kind = f.enumeration("kind", ItemKind.self, required: true, log: &log)
        let title = f.string("title", required: true, log: &log)
        let when = f.string("when", log: &log)
        let phases = f.value("phases").map { list($0, what: "phases", log: &log) { phase($0, log: &$1) } } ?? []
        if when == nil && phases.isEmpty && f.value("when") == nil {
            log.error("item is missing required key 'when'", at: f.location, hint: "or give it phases with their own 'when'")
        }
        let description = f.string("description", log: &log)
        let time = f.clockTime("time", log: &log)
        let owners = f.strings("owners", log: &log)
        let participants = f.strings("participants", log: &log)
        let remindPolicy = f.value("remind").flatMap { remind($0, log: &log) }
        let editionValue = f.value("edition").flatMap { edition($0, log: &log) }
        let tags = f.strings("tags", log: &log)
        let quotaValue = f.value("quota").flatMap { quota($0, log: &log) }
        let dependsOn = f.strings("depends_on", log: &log)
        let checklist = f.string("checklist", log: &log)
        let dateSource = f.enumeration("date_source", DateSource.self, log: &log)
        let sourceQuote = f.string("source_quote", log: &log)
        guard let id, let kind, let title else { return nil }
        return PlanItem(
            id: id, kind: kind, title: title, description: description, when: when, time: time, owners: owners,
            participants: participants, remind: remindPolicy, phases: phases, edition: editionValue, tags: tags,
            quota: quotaValue,
            dependsOn: dependsOn, checklist: checklist, dateSource: dateSource, sourceQuote: sourceQuote,
            titleEnglish: f.string("title_en", log: &log), location: node.location)
    }

    static func phase(_ node: YAMLTree, log: inout DiagnosticLog) -> Phase? {
        guard let f = Fields(node, what: "phase", known: phaseKeys, log: &log) else { return nil }
        let id = f.string("id", required: true, log: &log)
        let title = f.string("title", required: true, log: &log)
        let when = f.string("when", required: true, log: &log)
        guard let id, let title, let when else { return nil }
        return Phase(
            id: id, title: title, when: when, time: f.clockTime("time", log: &log), owners: f.strings("owners", log: &log),
            dateSource: f.enumeration("date_source", DateSource.self, log: &log),
            sourceQuote: f.string("source_quote", log: &log), location: node.location)
    }

    static func edition(_ node: YAMLTree, log: inout DiagnosticLog) -> Edition? {
        guard let f = Fields(node, what: "edition", known: editionKeys, log: &log) else { return nil }
        guard let firstYear = f.int("first_year", required: true, log: &log) else { return nil }
        let every = f.int("every", log: &log) ?? Located(1)
        if every.value < 1 {
            log.error("'every' must be at least 1 (years between editions)", at: every.location)
        }
        return Edition(
            firstYear: firstYear, firstNumber: f.int("first_number", log: &log) ?? Located(1), every: every,
            format: f.string("format", log: &log) ?? Located("第{n}届"))
    }

    static func quota(_ node: YAMLTree, log: inout DiagnosticLog) -> Quota? {
        guard let f = Fields(node, what: "quota", known: quotaKeys, log: &log) else { return nil }
        let count = f.int("count", required: true, log: &log)
        let per = f.enumeration("per", Quota.Period.self, required: true, log: &log)
        guard let count, let per else { return nil }
        if count.value < 1 { log.error("quota count must be at least 1", at: count.location) }
        return Quota(count: count, per: per)
    }

    static func totals(_ node: YAMLTree?, log: inout DiagnosticLog) -> [Located<String>: Located<Int>] {
        guard let node else { return [:] }
        var result: [Located<String>: Located<Int>] = [:]
        for (key, value) in mappingPairs(node, what: "totals", log: &log) {
            guard let text = value.scalar, let n = Int(text), n >= 0 else {
                log.error("total for '\(key.text)' must be a whole number", at: value.location)
                continue
            }
            result[Located(key.text, at: key.location)] = Located(n, at: value.location)
        }
        return result
    }

    static func checklists(_ node: YAMLTree, log: inout DiagnosticLog) -> [Checklist] {
        var result: [Checklist] = []
        for (key, value) in mappingPairs(node, what: "checklists", log: &log) {
            guard let f = Fields(value, what: "checklist '\(key.text)'", known: checklistKeys, log: &log) else {
                continue
            }
            guard let title = f.string("title", required: true, log: &log) else { continue }
            let indicators = f.value("indicators").map { list($0, what: "indicators", log: &log) { indicator($0, log: &$1) } } ?? []
            result.append(
                Checklist(
                    id: Located(key.text, at: key.location), title: title, item: f.string("item", log: &log),
                    levels: f.strings("levels", log: &log), totals: totals(f.value("totals"), log: &log),
                    indicators: indicators, source: f.string("source", log: &log), location: value.location))
        }
        return result
    }

    static func indicator(_ node: YAMLTree, log: inout DiagnosticLog) -> Indicator? {
        guard let f = Fields(node, what: "indicator", known: indicatorKeys, log: &log) else { return nil }
        let code = f.string("code", required: true, log: &log)
        let title = f.string("title", required: true, log: &log)
        let children = f.value("children").map { list($0, what: "children", log: &log) { indicator($0, log: &$1) } } ?? []
        guard let code, let title else { return nil }
        return Indicator(
            code: code, title: title, owner: f.string("owner", log: &log), evidence: f.int("evidence", log: &log),
            due: f.string("due", log: &log), totals: totals(f.value("totals"), log: &log), children: children,
            notes: f.string("notes", log: &log), location: node.location)
    }

    static func overrides(_ node: YAMLTree, log: inout DiagnosticLog) -> [YearOverride] {
        var result: [YearOverride] = []
        for (key, value) in mappingPairs(node, what: "overrides", log: &log) {
            guard let year = Int(key.text) else {
                log.error("override keys must be years like 2027, found '\(key.text)'", at: key.location)
                continue
            }
            guard let f = Fields(value, what: "override for \(year)", known: overrideKeys, log: &log) else { continue }
            var patches: [ItemPatch] = []
            if let items = f.value("items") {
                patches = list(items, what: "items", log: &log) { node, log in
                    guard case .mapping = node else {
                        log.error("override item must be a mapping, found \(node.shapeName)", at: node.location)
                        return nil
                    }
                    guard let idNode = node["id"], let id = idNode.scalar else {
                        log.error("override item is missing required key 'id'", at: node.location)
                        return nil
                    }
                    return ItemPatch(id: Located(id, at: idNode.location), fields: node)
                }
            }
            result.append(YearOverride(year: Located(year, at: key.location), items: patches, skip: f.strings("skip", log: &log)))
        }
        return result
    }
}
