import AlmanacCalendar
import AlmanacControl
import ArgumentParser
import Foundation

extension Almanacctl {
    /// `almanacctl explain RULE DATE` (offline) and `almanacctl explain ITEM [DATE]` (the daemon's
    /// plan in force, or offline with `--plan PATH`).
    struct Explain: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "explain",
            abstract: "Explain a date rule on a date, or why a plan item falls when it does and when its reminders go out.",
            discussion: """
                explain RULE DATE: prints the derivation of every occurrence of the rule that contains DATE \
                (a window such as '09-20..10-10' contains each of its days); when DATE is not an occurrence, the \
                previous and next ones. Works offline.

                explain ITEM [DATE]: the item's occurrence containing DATE (default: its current one), how its \
                date was derived, its reminder days and what was sent and recorded. Asks almanacd, or reads \
                plan files offline with --plan.

                TARGET is taken as an item when --item or --plan is given, or when it looks like an item id \
                (letters, digits, '-', '_', '.', one '/phase') and comes without DATE; as a rule when it is \
                one. An item-like TARGET that is not a rule, with DATE, is looked up in the daemon's plan only \
                when a daemon socket exists; when it is neither, the error says what was tried. --rule \
                forces a rule.
                """)

        @Argument(help: ArgumentHelp("A date rule, or an item id (ITEM or ITEM/PHASE).", valueName: "target"))
        var rule: String

        @Argument(help: "The date (YYYY-MM-DD); for an item, or 'today' (default: the item's current occurrence).")
        var date: String?

        @Flag(name: .customLong("rule"), help: "TARGET is a date rule.")
        var forceRule = false

        @Flag(name: .customLong("item"), help: "TARGET is a plan item.")
        var forceItem = false

        @Option(name: .long, help: "Explain an item of these plan files (file or directory, repeatable) instead of asking the daemon.")
        var plan: [String] = []

        @OptionGroup var source: HolidaySourceOptions

        @OptionGroup var daemon: DaemonOptions

        var json: Bool { daemon.json }

        /// Whether TARGET names a plan item (else a date rule, or, see ``isEither``, either).
        var isItem: Bool {
            if forceRule { return false }
            if forceItem || !plan.isEmpty { return true }
            guard Self.looksLikeItemID(rule) else { return false }
            return date == nil
        }

        /// TARGET with DATE looks like an item id but is no date rule: an item of the daemon's plan,
        /// or a mistyped rule. Only what exists can tell.
        var isEither: Bool {
            !isItem && !forceRule && Self.looksLikeItemID(rule) && (try? DateRule.parse(rule)) == nil
        }

        static func looksLikeItemID(_ text: String) -> Bool {
            func alphanumeric(_ c: Unicode.Scalar) -> Bool {
                ("a"..."z").contains(c) || ("A"..."Z").contains(c) || ("0"..."9").contains(c)
            }
            guard let first = text.unicodeScalars.first, alphanumeric(first), !text.hasSuffix("/") else { return false }
            return text.unicodeScalars.allSatisfy { alphanumeric($0) || "-_./".unicodeScalars.contains($0) }
                && text.filter { $0 == "/" }.count <= 1
        }

        func validate() throws {
            if forceRule && forceItem { throw ValidationError("give --rule or --item, not both") }
            if forceRule && !plan.isEmpty { throw ValidationError("--plan explains an item; a rule needs no plan") }
            if !isItem && date == nil { throw ValidationError("give the DATE to explain the rule '\(rule)' on") }
        }

        func run() throws {
            if isEither { return try runEither() }
            guard isItem else { return try runReportingFailures { try body() } }
            let day = try date.map(CLIDate.parse)
            let query = ExplainQuery(item: rule, date: day)
            let report: ExplainReport
            if plan.isEmpty {
                report = try daemon.request { client throws(ControlClientError) in try client.explain(query) }
            } else {
                let loaded = try OfflinePlan.inForce(
                    PlanFileOptions(plan: plan, holidays: source.directory), range: CLIDate.today()...CLIDate.today())
                report = try daemon.local { () throws(ControlError) in
                    try PlanReports(plan: loaded, today: OfflinePlan.today(loaded)).explain(query)
                }
            }
            if daemon.json { return try daemon.printJSON(report) }
            Console.print(daemon.render.explain(report))
        }

        /// An item-like TARGET that is not a rule: asks the daemon when its socket exists; when the
        /// plan in force has no such item, or there is no daemon, says both what the rule parser and
        /// what the item lookup found, exit status 1.
        func runEither() throws {
            let day = try date.map(CLIDate.parse)
            let client = daemon.client
            let itemProblem: String
            if FileManager.default.fileExists(atPath: client.socketPath) {
                let answer: ExplainReport
                do throws(ControlClientError) {
                    answer = try client.explain(ExplainQuery(item: rule, date: day))
                } catch {
                    switch error {
                    case .server(let e) where e.code == .notFound:
                        itemProblem = e.message
                    case .unreachable, .timeout:
                        itemProblem = "almanacd did not answer (\(error.description))"
                    default:
                        daemon.report(error)
                        throw ExitCode(DaemonOptions.exitStatus(for: error).rawValue)
                    }
                    return try reportNeither(itemProblem)
                }
                if daemon.json { return try daemon.printJSON(answer) }
                Console.print(daemon.render.explain(answer))
                return
            } else {
                itemProblem = "no almanacd runs here (no socket \(client.socketPath)), so there is no plan in force to look in"
            }
            try reportNeither(itemProblem)
        }

        /// The error of a TARGET that is neither a rule nor an item, with both reasons.
        func reportNeither(_ itemProblem: String) throws {
            var ruleProblem = "not a date rule"
            var ruleError: RuleErrorJSON.Body?
            do {
                _ = try DateRule.parse(rule)
            } catch {
                ruleProblem = "column \(error.column): \(error.message)"
                ruleError = .init(code: error.code.rawValue, message: error.message, column: error.column, length: error.length)
            }
            let message = "'\(rule)' is neither a date rule nor an item"
            let hint =
                "explain RULE DATE takes a rule such as '清明' or 'weekly tue,fri' (docs/date-rules.md); "
                + "--plan PATH looks for the item in plan files, --item asks the daemon only"
            if json {
                struct Output: Encodable {
                    struct Body: Encodable {
                        var code: String
                        var message: String
                        var rule: RuleErrorJSON.Body?
                        var item: String
                    }
                    var error: Body
                }
                Console.print(
                    try RuleOutput.json(
                        Output(error: .init(code: "unknown_target", message: message, rule: ruleError, item: itemProblem))))
            }
            throw CLIFailure(
                "error: \(message)\n  as a date rule: \(ruleProblem)\n  as an item: \(itemProblem)\nhint: \(hint)")
        }

        func body() throws {
            let parsed = try RuleOutput.parse(rule, json: json)
            let day = try RuleOutput.date(date ?? "", option: "DATE")
            let context = try RuleOutput.context(source)
            let matching = parsed.occurrences(in: day...day, context: context)
            // The previous occurrence: the latest one that ended before the date, within 10 years.
            let before = parsed.occurrences(in: day.adding(days: -3660)...day.adding(days: -1), context: context)
                .filter { $0.end < day }
            let previous = before.max { ($0.end, $0.start) < ($1.end, $1.start) }
            let next = parsed.nextOccurrence(onOrAfter: day.adding(days: 1), context: context)
                .flatMap { $0.start > day ? $0 : nil }
                ?? parsed.occurrences(in: day.adding(days: 1)...day.adding(days: 3660), context: context)
                .first { $0.start > day }
            // What the search could not see: years between the previous occurrence and the next one
            // (or the date) without a holiday table, outside the Chinese calendar, past 9999.
            let supported = CivilDate.supportedRange
            let searched = max(previous?.end ?? day.adding(days: -3660), supported.lowerBound)...min(
                max(next?.start ?? day, day), supported.upperBound)
            let gaps = parsed.expansion(in: searched, context: context)
            if json {
                struct Output: Encodable {
                    var rule: String
                    var date: String
                    var matches: Bool
                    var occurrences: [OccurrenceJSON]
                    var previous: OccurrenceJSON?
                    var next: OccurrenceJSON?
                    var yearsWithoutHolidayTable: [Int]
                    var yearsOutsideChineseCalendar: [Int]
                    var leftOutBeyondSupportedDates: Bool

                    enum CodingKeys: String, CodingKey {
                        case rule, date, matches, occurrences, previous, next, yearsWithoutHolidayTable,
                            yearsOutsideChineseCalendar, leftOutBeyondSupportedDates
                    }
                    func encode(to encoder: any Encoder) throws {
                        var c = encoder.container(keyedBy: CodingKeys.self)
                        try c.encode(rule, forKey: .rule)
                        try c.encode(date, forKey: .date)
                        try c.encode(matches, forKey: .matches)
                        try c.encode(occurrences, forKey: .occurrences)
                        try c.encode(previous, forKey: .previous)
                        try c.encode(next, forKey: .next)
                        try c.encode(yearsWithoutHolidayTable, forKey: .yearsWithoutHolidayTable)
                        try c.encode(yearsOutsideChineseCalendar, forKey: .yearsOutsideChineseCalendar)
                        try c.encode(leftOutBeyondSupportedDates, forKey: .leftOutBeyondSupportedDates)
                    }
                }
                Console.print(
                    try RuleOutput.json(
                        Output(
                            rule: parsed.text, date: day.description, matches: !matching.isEmpty,
                            occurrences: matching.map(OccurrenceJSON.init), previous: previous.map(OccurrenceJSON.init),
                            next: next.map(OccurrenceJSON.init), yearsWithoutHolidayTable: gaps.yearsWithoutHolidayTable,
                            yearsOutsideChineseCalendar: gaps.yearsOutsideChineseCalendar,
                            leftOutBeyondSupportedDates: gaps.leftOutBeyondSupportedDates)))
                return
            }
            Console.print("# \(parsed.text)")
            for warning in RuleOutput.warnings(gaps, rule: parsed) { Console.print("# warning: " + warning) }
            if matching.isEmpty {
                Console.print("\(day) (\(day.weekday.englishName)) is not an occurrence.")
            } else {
                Console.print("\(day) (\(day.weekday.englishName)) is an occurrence:")
                for o in matching {
                    Console.print("  " + RuleOutput.line(o))
                    for step in o.explanation { Console.print("    " + step) }
                }
            }
            if let previous { Console.print("previous: " + RuleOutput.line(previous)) }
            if let next {
                Console.print("next: " + RuleOutput.line(next))
                if matching.isEmpty {
                    for step in next.explanation { Console.print("    " + step) }
                }
            }
        }
    }
}
