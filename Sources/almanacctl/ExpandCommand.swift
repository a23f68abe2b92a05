import AlmanacCalendar
import ArgumentParser

extension Almanacctl {
    /// `almanacctl expand RULE [--from D --to D | --year Y] [--explain] [--json]`
    struct Expand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "expand",
            abstract: "List the occurrences of a date rule in a range of dates.",
            discussion: """
                RULE is written as in a plan (docs/date-rules.md), e.g. '09-20..10-10', 'weekly tue,fri', \
                '中秋', 'holiday 劳动节 start -3wd'. Without --from/--to or --year, the current year \
                (China Standard Time) is used. Works offline.
                """)

        @Argument(help: "The date rule.")
        var rule: String

        @Option(help: "First day of the range (YYYY-MM-DD).")
        var from: String?

        @Option(help: "Last day of the range (YYYY-MM-DD).")
        var to: String?

        @Option(help: "A whole Gregorian year instead of --from/--to.")
        var year: NumberArgument?

        @Flag(help: "Print how each occurrence was derived.")
        var explain = false

        @Flag(help: "Print JSON (fields in docs/cli.md).")
        var json = false

        @OptionGroup var source: HolidaySourceOptions

        func validate() throws {
            if year != nil, from != nil || to != nil {
                throw ValidationError("give either --year or --from/--to, not both")
            }
            if (from == nil) != (to == nil) {
                throw ValidationError("--from and --to go together")
            }
        }

        func run() throws {
            try runReportingFailures { try body() }
        }

        func body() throws {
            let parsed = try RuleOutput.parse(rule, json: json)
            let range: ClosedRange<CivilDate>
            if let from, let to {
                let a = try RuleOutput.date(from, option: "--from")
                let b = try RuleOutput.date(to, option: "--to")
                guard a <= b else { throw CLIFailure.value("--from \(from) is after --to \(to)") }
                guard a.days(to: b) <= 366 * 200 else {
                    throw CLIFailure.value("the range is longer than 200 years", hint: "expand it in parts")
                }
                range = a...b
            } else {
                let y = try year?.year(in: CLIRange.gregorian) ?? RuleOutput.currentYear()
                guard let first = CivilDate(year: y, month: 1, day: 1), let last = CivilDate(year: y, month: 12, day: 31)
                else { throw CLIFailure.value(CLIRange.message("year \(y)", CLIRange.gregorian)) }
                range = first...last
            }
            let expansion = parsed.expansion(in: range, context: try RuleOutput.context(source))
            let occurrences = expansion.occurrences
            if json {
                struct Output: Encodable {
                    var rule: String
                    var from: String
                    var to: String
                    var occurrences: [OccurrenceJSON]
                    var yearsWithoutHolidayTable: [Int]
                    var yearsOutsideChineseCalendar: [Int]
                    var leftOutBeyondSupportedDates: Bool
                }
                Console.print(
                    try RuleOutput.json(
                        Output(
                            rule: parsed.text, from: range.lowerBound.description, to: range.upperBound.description,
                            occurrences: occurrences.map(OccurrenceJSON.init),
                            yearsWithoutHolidayTable: expansion.yearsWithoutHolidayTable,
                            yearsOutsideChineseCalendar: expansion.yearsOutsideChineseCalendar,
                            leftOutBeyondSupportedDates: expansion.leftOutBeyondSupportedDates)))
                return
            }
            Console.print("# \(parsed.text)  (\(range.lowerBound)..\(range.upperBound), \(occurrences.count) occurrences)")
            for warning in RuleOutput.warnings(expansion, rule: parsed) { Console.print("# warning: " + warning) }
            for o in occurrences {
                Console.print(RuleOutput.line(o))
                if explain {
                    for step in o.explanation { Console.print("    " + step) }
                }
            }
        }
    }
}
