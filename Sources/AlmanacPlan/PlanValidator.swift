import Foundation

/// What validation may consult besides the plan itself.
public struct ValidationOptions: Sendable {
    /// Years to check a plan that applies `every` year in; ignored for plans with a list of years.
    public var everyYearCheck: [Int]
    /// Whether an official holiday table exists for a year; nil skips the check.
    public var hasHolidayTable: (@Sendable (Int) -> Bool)?
    /// Checks the date rules of the plan (parsing, expansion); nil skips rule checks.
    public var rules: (any RuleChecking)?

    public init(
        everyYearCheck: [Int] = [], hasHolidayTable: (@Sendable (Int) -> Bool)? = nil, rules: (any RuleChecking)? = nil
    ) {
        self.everyYearCheck = everyYearCheck
        self.hasHolidayTable = hasHolidayTable
        self.rules = rules
    }
}

/// Checks date rules for the validator. The real implementation works with the calendar engine's
/// `DateRule`; it is a protocol so the plan model does not decide how rules are expanded.
public protocol RuleChecking: Sendable {
    /// Diagnostics for one rule text found at `location` (which points at the first character of
    /// the rule), checked for the given plan years. `itemIDs` are the ids a rule may refer to.
    /// Returns the ids of other items the rule refers to, for cycle detection.
    func check(rule: String, at location: SourceLocation?, years: [Int], itemIDs: Set<String>)
        -> (diagnostics: [Diagnostic], references: [String])

    /// Diagnostics for the `when:` of an item or phase beyond parsing: for a `recurring-check`
    /// item, checks on official days off the rule does not mean and periods short of the quota.
    func checkItemRule(
        rule: String, at location: SourceLocation?, years: [Int], recurringCheck: Bool,
        quota: (count: Int, per: Quota.Period)?
    ) -> [Diagnostic]
}

extension RuleChecking {
    public func checkItemRule(
        rule: String, at location: SourceLocation?, years: [Int], recurringCheck: Bool,
        quota: (count: Int, per: Quota.Period)?
    ) -> [Diagnostic] { [] }
}

/// Checks a plan and reports every problem at once.
public enum PlanValidator {
    /// All problems of `plan`, in file order.
    public static func validate(_ plan: Plan, options: ValidationOptions = ValidationOptions()) -> [Diagnostic] {
        var log = DiagnosticLog()
        let years = planYears(plan, options: options)
        checkInfo(plan, log: &log)
        let unitIDs = checkUnits(plan, log: &log)
        if let declared = plan.info.declaredUnits, declared.value > plan.units.count {
            log.warning(
                "the plan declares \(declared.value) responsible units but lists only \(plan.units.count): "
                    + "the other \(declared.value - plan.units.count) get no reminders",
                at: declared.location, hint: "add them under units: (name and mail), or lower declared_units")
        }
        let itemIDs = Set(plan.items.map(\.id.value))
        var references: [String: [Located<String>]] = [:]
        checkItems(plan, unitIDs: unitIDs, log: &log, references: &references)
        if let rules = options.rules {
            checkRules(plan, years: years, rules: rules, itemIDs: itemIDs, log: &log, references: &references)
        }
        checkCycles(plan, references: references, log: &log)
        checkChecklists(plan, unitIDs: unitIDs, log: &log)
        for o in plan.overrides {
            if !plan.info.years.contains(o.year.value) {
                log.warning("override for \(o.year.value), a year the plan does not apply to", at: o.year.location)
            }
            let (_, diagnostics) = plan.resolved(for: o.year.value)
            log.diagnostics += diagnostics
        }
        if let hasTable = options.hasHolidayTable, plan.info.holidays.value == "cn" {
            for year in years where !hasTable(year) {
                log.warning(
                    "no official holiday table for \(year): working days are counted as plain Monday to Friday",
                    at: yearLocation(plan, year) ?? plan.info.holidays.location ?? plan.info.id.location,
                    hint: "add the State Council's holiday notice for \(year) to the holiday tables")
            }
        }
        return sorted(log.diagnostics)
    }

    static func yearLocation(_ plan: Plan, _ year: Int) -> SourceLocation? {
        if case .list(let years) = plan.info.years { return years.first { $0.value == year }?.location }
        return nil
    }

    /// The years the plan is checked in.
    public static func planYears(_ plan: Plan, options: ValidationOptions) -> [Int] {
        switch plan.info.years {
        case .list(let years): return years.map(\.value).sorted()
        case .every:
            return Array(Set(options.everyYearCheck + plan.overrides.map(\.year.value))).sorted()
        }
    }

    /// Diagnostics ordered by file, line, column (files in the order first seen, unlocated last).
    public static func sorted(_ diagnostics: [Diagnostic]) -> [Diagnostic] {
        var fileOrder: [String: Int] = [:]
        for d in diagnostics { if let f = d.location?.file, fileOrder[f] == nil { fileOrder[f] = fileOrder.count } }
        return diagnostics.enumerated().sorted { a, b in
            let la = a.element.location
            let lb = b.element.location
            let ka = (la.map { fileOrder[$0.file] ?? 0 } ?? Int.max, la?.line ?? 0, la?.column ?? 0, a.offset)
            let kb = (lb.map { fileOrder[$0.file] ?? 0 } ?? Int.max, lb?.line ?? 0, lb?.column ?? 0, b.offset)
            return ka < kb
        }.map(\.element)
    }

    static func checkInfo(_ plan: Plan, log: inout DiagnosticLog) {
        if case .list(let years) = plan.info.years {
            if years.isEmpty {
                log.error("plan applies to no year", at: plan.info.id.location, hint: "for example years: [2027]")
            }
            var seen: Set<Int> = []
            for y in years {
                if !(1900...2200).contains(y.value) {
                    log.error("year \(y.value) is outside 1900...2200", at: y.location)
                }
                if !seen.insert(y.value).inserted { log.error("year \(y.value) listed twice", at: y.location) }
            }
        }
        let tz = plan.info.timezone
        if tz.value != "UTC" && !tz.value.contains("/") || tz.value.contains(" ") {
            log.error("'\(tz.value)' is not a time zone name like Asia/Shanghai", at: tz.location)
        }
        let holidays = plan.info.holidays
        if holidays.value != "cn" && holidays.value != "none" {
            log.error(
                "unknown holiday calendar '\(holidays.value)' (known: cn, none)", at: holidays.location,
                hint: Spelling.hint(for: holidays.value, among: ["cn", "none"]))
        }
    }

    /// A unit reference that names no unit.
    static func unknownUnit(_ ref: Located<String>, unitIDs: [String], log: inout DiagnosticLog) {
        let shown = unitIDs.prefix(12).joined(separator: ", ") + (unitIDs.count > 12 ? ", …" : "")
        log.error(
            "unknown unit '\(ref.value)' (known: \(shown))", at: ref.location,
            hint: Spelling.hint(for: ref.value, among: unitIDs))
    }

    /// True for `local@domain.tld` with no spaces and a sensible domain.
    public static func isMailAddress(_ text: String) -> Bool {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2 else { return false }
        let local = parts[0]
        let domain = parts[1]
        guard !local.isEmpty, local.count <= 64, !local.hasPrefix("."), !local.hasSuffix("."), !local.contains("..")
        else { return false }
        let localAllowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "!#$%&'*+-/=?^_`{|}~."))
        guard local.unicodeScalars.allSatisfy({ $0.isASCII && localAllowed.contains($0) }) else { return false }
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2 else { return false }
        for label in labels {
            guard !label.isEmpty, label.count <= 63, !label.hasPrefix("-"), !label.hasSuffix("-"),
                label.unicodeScalars.allSatisfy({ $0.isASCII && (CharacterSet.alphanumerics.contains($0) || $0 == "-") })
            else { return false }
        }
        // The top-level domain is letters only (no numeric TLD: `a@1.2` is not an address).
        guard let topLevel = labels.last else { return false }
        return topLevel.allSatisfy { $0.isLetter }
    }

    static func checkMail(_ mail: Located<String>, log: inout DiagnosticLog) {
        if !isMailAddress(mail.value) {
            log.error("'\(mail.value)' is not a mail address", at: mail.location, hint: "write it like wmb@example.org")
        }
    }

    /// A robot destination: where (an https URL, or the service's key), how (format, language),
    /// whom to mention (mobile numbers), and a secret file where the service signs; several robots
    /// of one service need names to tell them apart.
    static func checkRobots(_ robots: [RobotDestination], owner: String, log: inout DiagnosticLog) {
        var labels: [String: SourceLocation?] = [:]
        for robot in robots {
            let kind = robot.kind.value
            let what = "\(kind.rawValue) robot of \(owner)"
            switch (robot.url, robot.key) {
            case (nil, nil):
                log.error(
                    "the \(what) needs 'url'" + (kind.takesKey ? " or 'key'" : ""), at: robot.location,
                    hint: kind.takesKey ? "the URL the service shows, or the key (access token, hook id) in it" : nil)
            case (.some, .some(let key)):
                log.error("give the \(what) either 'url' or 'key', not both", at: key.location)
            case (.some(let url), nil):
                if let problem = robotURLProblem(url.value) { log.error("\(problem)", at: url.location) }
            case (nil, .some(let key)):
                if !kind.takesKey {
                    log.error("a webhook needs its full 'url', not a 'key'", at: key.location)
                } else if key.value.isEmpty || key.value.unicodeScalars.contains(where: { $0.value <= 0x20 || $0.value >= 0x7f }) {
                    log.error("the key of the \(what) must be printable ASCII without spaces", at: key.location)
                }
            }
            if let format = robot.format, !kind.formats.contains(format.value) {
                log.error(
                    "unknown format '\(format.value)' for \(kind.rawValue) (known: \(kind.formats.joined(separator: ", ")))",
                    at: format.location)
            }
            if let language = robot.language, !["zh", "en"].contains(language.value) {
                log.error("unknown language '\(language.value)' (known: zh, en)", at: language.location)
            }
            for mobile in robot.mention ?? [] where !isMobileNumber(mobile.value) {
                log.error("'\(mobile.value)' is not a mobile number to mention", at: mobile.location, hint: "digits, like 13800000000")
            }
            if kind == .webhook && robot.secretFile == nil {
                log.error(
                    "a webhook needs 'secret_file': almanac signs every request", at: robot.location,
                    hint: "a file with the shared secret, readable only by almanacd's user")
            }
            if let file = robot.secretFile, file.value.isEmpty {
                log.error("'secret_file' is empty", at: file.location)
            }
            if kind == .feishu, let mention = robot.mention, !mention.isEmpty {
                log.warning(
                    "飞书 custom bots cannot mention by mobile number; 'mention' is ignored", at: mention[0].location,
                    hint: "use 'mention_all: true', or a WeCom or DingTalk robot")
            }
            if let earlier = labels[robot.label] {
                log.error(
                    "\(owner) has two \(robot.label) robots" + (earlier.map { " (first at \($0))" } ?? ""), at: robot.location,
                    hint: "give each a 'name'")
            } else {
                labels[robot.label] = robot.location
            }
        }
    }

    /// Why `url` cannot be a robot's URL: it must be https with a host, without a user, a
    /// password, a fragment, spaces or non-ASCII characters.
    public static func robotURLProblem(_ url: String) -> String? {
        if url.unicodeScalars.contains(where: { $0.value <= 0x20 || $0.value >= 0x7f }) {
            return "the robot URL contains spaces, control or non-ASCII characters"
        }
        guard let schemeEnd = url.range(of: "://") else { return "'\(url.prefix(40))' is not a URL" }
        let scheme = url[..<schemeEnd.lowerBound].lowercased()
        guard scheme == "https" else { return "the robot URL must use https://, not \(scheme)://" }
        let rest = url[schemeEnd.upperBound...]
        let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        if authority.contains("@") { return "the robot URL must not hold a user or password" }
        if authority.isEmpty || authority.hasPrefix(":") { return "the robot URL has no host" }
        if rest.contains("#") { return "the robot URL must not have a #fragment" }
        return nil
    }

    static func isMobileNumber(_ text: String) -> Bool {
        let digits = text.hasPrefix("+") ? text.dropFirst() : Substring(text)
        return (5...20).contains(digits.count) && digits.allSatisfy { $0.isASCII && ($0.isNumber || $0 == "-") }
            && digits.first?.isNumber == true
    }

    static func checkUnits(_ plan: Plan, log: inout DiagnosticLog) -> [String] {
        var first: [String: SourceLocation?] = [:]
        for unit in plan.units {
            if let earlier = first[unit.id.value] {
                log.error(
                    "duplicate unit id '\(unit.id.value)'" + (earlier.map { " (first at \($0))" } ?? ""),
                    at: unit.id.location)
            } else {
                first[unit.id.value] = unit.id.location
            }
        }
        let ids = plan.units.map(\.id.value)
        for unit in plan.units {
            unit.mail.forEach { checkMail($0, log: &log) }
            if let m = unit.leader?.mail { checkMail(m, log: &log) }
            if let m = unit.contact?.mail { checkMail(m, log: &log) }
            checkRobots(unit.robots, owner: "unit '\(unit.id.value)'", log: &log)
            if let leader = unit.leader { checkRobots(leader.robots, owner: "the leader of '\(unit.id.value)'", log: &log) }
            if let contact = unit.contact, !contact.robots.isEmpty {
                log.error(
                    "a unit's contact cannot have robots of its own", at: contact.robots[0].location,
                    hint: "put them on the unit; its reminders @ the contact's phone")
            }
            if let parent = unit.parent, !first.keys.contains(parent.value) {
                unknownUnit(parent, unitIDs: ids, log: &log)
            }
        }
        // Parent chains must end.
        var reported: Set<String> = []
        for unit in plan.units {
            var chain = [unit.id.value]
            var current = unit
            while let parent = current.parent, let next = plan.unit(parent.value) {
                if let start = chain.firstIndex(of: next.id.value) {
                    let cycle = Array(chain[start...]) + [next.id.value]
                    if reported.insert(cycle.sorted().joined(separator: ",")).inserted, start == 0 {
                        log.error("cyclic parent units: \(cycle.joined(separator: " → "))", at: unit.parent?.location)
                    }
                    break
                }
                chain.append(next.id.value)
                current = next
            }
        }
        return ids
    }

    static func checkItems(
        _ plan: Plan, unitIDs: [String], log: inout DiagnosticLog, references: inout [String: [Located<String>]]
    ) {
        let units = Set(unitIDs)
        var first = [String: SourceLocation?](minimumCapacity: plan.items.count)
        for index in plan.items.indices {
            let id = plan.items[index].id
            if let earlier = first[id.value] {
                log.error(
                    "duplicate item id '\(id.value)'" + (earlier.map { " (first at \($0))" } ?? ""),
                    at: id.location)
            } else {
                first[id.value] = id.location
            }
        }
        // Sorted only for a hint (an unknown item in depends_on).
        var sortedItemIDs: [String]?
        func itemIDs() -> [String] {
            if let sortedItemIDs { return sortedItemIDs }
            let ids = Array(first.keys).sorted()
            sortedItemIDs = ids
            return ids
        }
        let checklistIDs = plan.checklists.map(\.id.value)
        for item in plan.items {
            for ref in item.owners where !units.contains(ref.value) {
                unknownUnit(ref, unitIDs: unitIDs, log: &log)
            }
            for ref in item.participants where !units.contains(ref.value) {
                unknownUnit(ref, unitIDs: unitIDs, log: &log)
            }
            var phaseIDs: [String: SourceLocation?] = [:]
            for phase in item.phases {
                if let earlier = phaseIDs[phase.id.value] {
                    log.error(
                        "duplicate phase id '\(phase.id.value)' in item '\(item.id.value)'"
                            + (earlier.map { " (first at \($0))" } ?? ""), at: phase.id.location)
                } else {
                    phaseIDs[phase.id.value] = phase.id.location
                }
                for ref in phase.owners where !units.contains(ref.value) {
                    unknownUnit(ref, unitIDs: unitIDs, log: &log)
                }
            }
            for dep in item.dependsOn {
                if first[dep.value] == nil {
                    log.error(
                        "unknown item '\(dep.value)' in depends_on", at: dep.location,
                        hint: Spelling.hint(for: dep.value, among: itemIDs()))
                } else {
                    references[item.id.value, default: []].append(dep)
                }
            }
            if let c = item.checklist, !checklistIDs.contains(c.value) {
                log.error(
                    "unknown checklist '\(c.value)'", at: c.location, hint: Spelling.hint(for: c.value, among: checklistIDs))
            }
            if let q = item.quota, item.kind.value != .recurringCheck {
                log.warning("a quota only counts for recurring-check items", at: q.count.location)
            }
            if item.owners.isEmpty, item.kind.value != .festival, item.kind.value != .commemoration {
                log.warning("item '\(item.id.value)' has no owners: nobody will be reminded", at: item.id.location)
            }
            if let r = item.remind { checkPolicy(r, log: &log) }
        }
        for (_, policy) in plan.defaults { checkPolicy(policy, log: &log) }
        if let all = plan.defaultForAll { checkPolicy(all, log: &log) }
    }

    static func checkPolicy(_ policy: ReminderPolicy, log: inout DiagnosticLog) {
        // A lead listed before is listed twice (a policy has a few leads: compared one by one).
        let leads = policy.leads
        for index in leads.indices where leads[..<index].contains(where: { $0.value == leads[index].value }) {
            log.warning("lead time \(leads[index].value) listed twice", at: leads[index].location)
        }
        for interval in [policy.repeatWhileOverdue, policy.escalateAfter] {
            if let interval, interval.value.amount <= 0 {
                log.error("interval must be positive, found \(interval.value)", at: interval.location)
            }
        }
    }

    static func checkRules(
        _ plan: Plan, years: [Int], rules: any RuleChecking, itemIDs: Set<String>, log: inout DiagnosticLog,
        references: inout [String: [Located<String>]]
    ) {
        // A check depends on the rule's text (and the years and ids, the same for the whole plan)
        // and only places its diagnostics at the rule: a text found clean once is clean again.
        // A large plan repeats its rules (thousands of items on a few hundred dates), so each
        // clean text is parsed and expanded once.
        var clean: Set<String> = []
        /// An item rule check depends on the text, whether the item is a recurring check and its quota.
        struct ItemRule: Hashable {
            var recurringCheck: Bool
            var quotaCount: Int?
            var quotaPeriod: Quota.Period?
            var text: String
        }
        var cleanItemRules: Set<ItemRule> = []
        func run(_ rule: Located<String>, owner: String) {
            if clean.contains(rule.value) { return }
            let (diagnostics, refs) = rules.check(rule: rule.value, at: rule.location, years: years, itemIDs: itemIDs)
            if diagnostics.isEmpty && refs.isEmpty { clean.insert(rule.value) }
            log.diagnostics += diagnostics
            if !refs.isEmpty { references[owner, default: []] += refs.map { Located($0, at: rule.location) } }
        }
        func runItemRule(_ rule: Located<String>, recurringCheck: Bool, quota: (count: Int, per: Quota.Period)?) {
            let key = ItemRule(recurringCheck: recurringCheck, quotaCount: quota?.count, quotaPeriod: quota?.per, text: rule.value)
            if cleanItemRules.contains(key) { return }
            let diagnostics = rules.checkItemRule(
                rule: rule.value, at: rule.location, years: years, recurringCheck: recurringCheck, quota: quota)
            if diagnostics.isEmpty { cleanItemRules.insert(key) }
            log.diagnostics += diagnostics
        }
        for index in plan.items.indices {
            let id = plan.items[index].id.value
            if let when = plan.items[index].when {
                run(when, owner: id)
                runItemRule(
                    when, recurringCheck: plan.items[index].kind.value == .recurringCheck,
                    quota: plan.items[index].quota.map { ($0.count.value, $0.per.value) })
            }
            for phase in plan.items[index].phases {
                run(phase.when, owner: id)
                runItemRule(phase.when, recurringCheck: false, quota: nil)
            }
        }
        for checklist in plan.checklists {
            func walk(_ indicators: [Indicator]) {
                for i in indicators {
                    if let due = i.due { run(due, owner: checklist.item?.value ?? checklist.id.value) }
                    walk(i.children)
                }
            }
            walk(checklist.indicators)
        }
    }

    static func checkCycles(_ plan: Plan, references: [String: [Located<String>]], log: inout DiagnosticLog) {
        var state: [String: Int] = [:]  // 1 visiting, 2 done
        var stack: [String] = []
        var reported: Set<String> = []
        func visit(_ id: String) {
            state[id] = 1
            stack.append(id)
            for ref in references[id] ?? [] {
                switch state[ref.value] {
                case 1:
                    let start = stack.firstIndex(of: ref.value) ?? 0
                    let cycle = Array(stack[start...]) + [ref.value]
                    if reported.insert(Set(cycle).sorted().joined(separator: ",")).inserted {
                        log.error("cyclic reference between items: \(cycle.joined(separator: " → "))", at: ref.location)
                    }
                case 2: break
                default: visit(ref.value)
                }
            }
            stack.removeLast()
            state[id] = 2
        }
        // An item that refers to none is in no cycle, and visiting it first or when it is reached
        // reports nothing: only items with references start a visit.
        for index in plan.items.indices {
            let id = plan.items[index].id.value
            if references[id]?.isEmpty == false, state[id] == nil { visit(id) }
        }
    }

    struct Count {
        var known: Int
        var complete: Bool
    }

    static func checkChecklists(_ plan: Plan, unitIDs: [String], log: inout DiagnosticLog) {
        var first: Set<String> = []
        let itemIDs = plan.items.map(\.id.value)
        for checklist in plan.checklists {
            if !first.insert(checklist.id.value).inserted {
                log.error("duplicate checklist id '\(checklist.id.value)'", at: checklist.id.location)
            }
            checkChecklist(checklist, unitIDs: unitIDs, itemExists: itemIDs, log: &log)
        }
    }

    /// One checklist: its item (when `itemExists` lists the plan's items), indicator codes, owners,
    /// evidence counts, level names and declared totals.
    static func checkChecklist(_ checklist: Checklist, unitIDs: [String], itemExists: [String]?, log: inout DiagnosticLog) {
        let units = Set(unitIDs)
        if let item = checklist.item, let itemIDs = itemExists, !itemIDs.contains(item.value) {
            log.error(
                "unknown item '\(item.value)' for checklist '\(checklist.id.value)'", at: item.location,
                hint: Spelling.hint(for: item.value, among: itemIDs))
        }
        let levels = checklist.levels.map(\.value)
        var codes: [String: SourceLocation?] = [:]
        func walk(_ indicators: [Indicator], depth: Int) {
            for i in indicators {
                if let earlier = codes[i.code.value] {
                    log.error(
                        "duplicate indicator code '\(i.code.value)' in checklist '\(checklist.id.value)'"
                            + (earlier.map { " (first at \($0))" } ?? ""), at: i.code.location)
                } else {
                    codes[i.code.value] = i.code.location
                }
                if let owner = i.owner, !units.contains(owner.value) {
                    unknownUnit(owner, unitIDs: unitIDs, log: &log)
                }
                if let e = i.evidence, e.value < 0 {
                    log.error("evidence count must not be negative", at: e.location)
                }
                checkTotalKeys(i.totals, levels: levels, log: &log)
                walk(i.children, depth: depth + 1)
            }
        }
        walk(checklist.indicators, depth: 0)
        if !levels.isEmpty, maxDepth(checklist.indicators) > levels.count {
            log.error(
                "checklist '\(checklist.id.value)' is \(maxDepth(checklist.indicators)) levels deep but names \(levels.count) levels",
                at: checklist.levels.first?.location)
        }
        checkTotalKeys(checklist.totals, levels: levels, log: &log)
        for (level, declared) in checklist.totals.sorted(by: { ($0.key.location?.line ?? 0, $0.key.value) < ($1.key.location?.line ?? 0, $1.key.value) }) {
            guard let index = levels.firstIndex(of: level.value) else { continue }
            let count = countLevel(checklist.indicators, depth: 0, level: index, levels: levels, log: &log)
            compare(
                count, declared: declared, level: level.value, what: "checklist '\(checklist.id.value)'", log: &log)
        }
    }

    static func maxDepth(_ indicators: [Indicator]) -> Int {
        indicators.map { 1 + maxDepth($0.children) }.max() ?? 0
    }

    static func checkTotalKeys(_ totals: [Located<String>: Located<Int>], levels: [String], log: inout DiagnosticLog) {
        for key in totals.keys.sorted(by: { ($0.location?.line ?? 0) < ($1.location?.line ?? 0) })
        where !levels.contains(key.value) {
            log.error(
                "unknown level '\(key.value)' in totals (levels: \(levels.joined(separator: ", ")))", at: key.location,
                hint: Spelling.hint(for: key.value, among: levels))
        }
    }

    static func compare(_ count: Count, declared: Located<Int>, level: String, what: String, log: inout DiagnosticLog) {
        if count.complete && count.known != declared.value {
            log.error(
                "\(what) declares \(declared.value) \(level) but its indicators add up to \(count.known)",
                at: declared.location)
        } else if !count.complete && count.known > declared.value {
            log.error(
                "\(what) declares \(declared.value) \(level) but already \(count.known) are written out",
                at: declared.location)
        }
    }

    /// How many indicators at level `level` lie in these subtrees (whose roots are at `depth`).
    static func countLevel(
        _ indicators: [Indicator], depth: Int, level: Int, levels: [String], log: inout DiagnosticLog
    ) -> Count {
        var total = Count(known: 0, complete: true)
        for i in indicators {
            let c = countSubtree(i, depth: depth, level: level, levels: levels, log: &log)
            total.known += c.known
            total.complete = total.complete && c.complete
        }
        return total
    }

    static func countSubtree(_ i: Indicator, depth: Int, level: Int, levels: [String], log: inout DiagnosticLog) -> Count {
        if depth == level { return Count(known: 1, complete: true) }
        if depth > level { return Count(known: 0, complete: true) }
        let declared = i.totals.first { $0.key.value == levels[level] }?.value
        if i.children.isEmpty {
            if let declared { return Count(known: declared.value, complete: true) }
            return Count(known: 0, complete: false)
        }
        let children = countLevel(i.children, depth: depth + 1, level: level, levels: levels, log: &log)
        if let declared {
            compare(children, declared: declared, level: levels[level], what: "indicator '\(i.code.value)'", log: &log)
            return Count(known: declared.value, complete: true)
        }
        return children
    }
}
