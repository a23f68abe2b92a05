import AlmanacCalendar
import ArgumentParser

extension Almanacctl {
    /// `almanacctl explain RULE DATE [--json]`
    struct Explain: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Explain whether and why a date is an occurrence of a date rule.",
            discussion: """
                Prints the derivation of every occurrence that contains DATE (a window such as \
                '09-20..10-10' contains each of its days). When DATE is not an occurrence, prints the \
                previous and next ones instead. Works offline.
                """)

        @Argument(help: "The date rule.")
        var rule: String

        @Argument(help: "The date (YYYY-MM-DD).")
        var date: String

        @Flag(help: "Print JSON (fields in docs/cli.md).")
        var json = false

        @OptionGroup var source: HolidaySourceOptions

        func run() throws {
            try runReportingFailures { try body() }
        }

        func body() throws {
            let parsed = try RuleOutput.parse(rule, json: json)
            let day = try RuleOutput.date(date, option: "DATE")
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
            if json {
                struct Output: Encodable {
                    var rule: String
                    var date: String
                    var matches: Bool
                    var occurrences: [OccurrenceJSON]
                    var previous: OccurrenceJSON?
                    var next: OccurrenceJSON?

                    enum CodingKeys: String, CodingKey { case rule, date, matches, occurrences, previous, next }
                    func encode(to encoder: any Encoder) throws {
                        var c = encoder.container(keyedBy: CodingKeys.self)
                        try c.encode(rule, forKey: .rule)
                        try c.encode(date, forKey: .date)
                        try c.encode(matches, forKey: .matches)
                        try c.encode(occurrences, forKey: .occurrences)
                        try c.encode(previous, forKey: .previous)
                        try c.encode(next, forKey: .next)
                    }
                }
                print(
                    try RuleOutput.json(
                        Output(
                            rule: parsed.text, date: day.description, matches: !matching.isEmpty,
                            occurrences: matching.map(OccurrenceJSON.init), previous: previous.map(OccurrenceJSON.init),
                            next: next.map(OccurrenceJSON.init))))
                return
            }
            print("# \(parsed.text)")
            if matching.isEmpty {
                print("\(day) (\(day.weekday.englishName)) is not an occurrence.")
            } else {
                print("\(day) (\(day.weekday.englishName)) is an occurrence:")
                for o in matching {
                    print("  " + RuleOutput.line(o))
                    for step in o.explanation { print("    " + step) }
                }
            }
            if let previous { print("previous: " + RuleOutput.line(previous)) }
            if let next {
                print("next: " + RuleOutput.line(next))
                if matching.isEmpty {
                    for step in next.explanation { print("    " + step) }
                }
            }
        }
    }
}
