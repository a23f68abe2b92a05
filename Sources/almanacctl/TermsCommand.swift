import AlmanacCalendar
import ArgumentParser

/// `almanacctl terms [YEAR]`: the 24 solar terms of a year with their Beijing-time moments.
struct TermsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "terms",
        abstract: "The 24 solar terms of a year: civil date and moment in Beijing time (UTC+8).",
        discussion: "YEAR defaults to the current year; 1800...2200 are supported. See docs/cli.md."
    )

    @Argument(help: "The Gregorian year, 1800...2200 (default: this year).") var year: NumberArgument?
    @OptionGroup var output: OutputOptions

    /// The JSON answer (fields in docs/cli.md).
    struct Report: Encodable {
        struct Term: Encodable {
            var id: String
            var name: String
            var englishName: String
            var longitude: Int
            var principal: Bool
            var date: CivilDate
            var moment: String
        }
        var year: Int
        var timeZone: String
        var terms: [Term]
    }

    func run() throws {
        try runReportingFailures {
            let y = try CLIDate.year(year, in: CLIRange.chinese)
            let moments: [(term: SolarTerm, moment: BeijingTime)]
            do throws(CalendarError) {
                moments = try ChineseCalendar.standard.solarTermMoments(year: y)
            } catch {
                throw CLIFailure.calendar(error)
            }
            let report = Report(
                year: y, timeZone: "UTC+8",
                terms: moments.map {
                    Report.Term(
                        id: $0.term.identifier, name: $0.term.chineseName, englishName: $0.term.englishName,
                        longitude: Int($0.term.longitude), principal: $0.term.isPrincipal, date: $0.moment.exactDate,
                        moment: $0.moment.iso8601)
                })
            if output.json {
                try JSONOutput.print(report)
                return
            }
            var table = TextTable()
            if output.english {
                Console.print("Solar terms of \(y) (Beijing time, UTC+8)")
                for (term, moment) in moments {
                    table.add(
                        term.englishName, term.chineseName, CLIDate.short(moment.exactDate, english: true),
                        TermsCommand.time(moment))
                }
            } else {
                Console.print("\(y)年二十四节气（北京时间）")
                for (term, moment) in moments {
                    table.add(term.chineseName, CLIDate.short(moment.exactDate, english: false), TermsCommand.time(moment))
                }
            }
            Console.print(table.render())
        }
    }

    /// `HH:MM:SS` (seconds truncated).
    static func time(_ moment: BeijingTime) -> String {
        String(moment.description.suffix(8))
    }
}
