import AlmanacCalendar
import AlmanacHost
import ArgumentParser

/// `almanacctl workdays ...`: working-day queries under the official arrangements.
struct WorkdaysCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "workdays",
        abstract: "Working-day queries: is a day worked, add or subtract working days, the nth working day of a month.",
        discussion: """
            Working days are Monday to Friday less official days off, plus the weekend days worked
            instead (调休). A year without a holiday table is counted Monday to Friday and the answer
            says so (JSON: "exact": false, "yearsWithoutTable").
            """,
        subcommands: [Is.self, Add.self, Sub.self, Next.self, Prev.self, Nth.self, Month.self]
    )

    /// One day in JSON output.
    struct DayReport: Encodable {
        var date: CivilDate
        var weekday: Int
        var kind: String
        var holiday: String?
        var isWorkingDay: Bool
        var hasTable: Bool

        init(_ info: DayInfo) {
            date = info.date
            weekday = info.date.weekday.rawValue
            kind = info.kind.code
            holiday = info.kind.holidayName
            isWorkingDay = info.isWorkingDay
            hasTable = info.hasTable
        }
    }

    /// The answer of add/sub/next/prev/nth in JSON output.
    struct ResultReport: Encodable {
        var query: String
        var from: CivilDate?
        var workingDays: Int?
        var result: DayReport?
        var exact: Bool
        var yearsWithoutTable: [Int]
    }

    static func label(_ info: DayInfo, english: Bool) -> String {
        if english {
            switch info.kind {
            case .workday: return "working day"
            case .weekend: return "weekend"
            case .holiday(let name): return "day off (\(name))"
            case .makeupWorkday(let name): return "make-up working day (\(name))"
            }
        }
        switch info.kind {
        case .workday: return "工作日"
        case .weekend: return "周末休息"
        case .holiday(let name): return "放假（\(name)）"
        case .makeupWorkday(let name): return "调休上班（\(name)）"
        }
    }

    static func line(_ info: DayInfo, english: Bool) -> String {
        "\(info.date)  \(CLIDate.weekday(info.date, english: english))  \(label(info, english: english))"
    }

    static func coverageNote(_ years: [Int], loaded: HolidayTablesLoad, english: Bool) -> String? {
        guard !years.isEmpty else { return nil }
        let list = years.map(String.init).joined(separator: ", ")
        return english
            ? "Note: no holiday table for \(list); those days are counted Monday to Friday (estimate)."
            : "注意：\(list)年没有放假安排表，按周一至周五估算。"
    }

    static func emit(
        query: String, from: CivilDate?, n: Int?, date: CivilDate?, years: [Int], loaded: HolidayTablesLoad,
        output: OutputOptions
    ) throws {
        let info = date.map { loaded.calendar.day($0) }
        if output.json {
            try JSONOutput.print(
                ResultReport(
                    query: query, from: from, workingDays: n, result: info.map(DayReport.init), exact: years.isEmpty,
                    yearsWithoutTable: years))
            return
        }
        if let info {
            Console.print(line(info, english: output.english))
        } else {
            Console.print(output.english ? "no such working day" : "没有这样的工作日")
        }
        if let note = coverageNote(years, loaded: loaded, english: output.english) { Console.print(note) }
    }

    struct Is: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "is",
            abstract: "Tell whether a day is a working day (exit status 0) or not (1).")
        @Argument(help: "The date, YYYY-MM-DD or 'today'.") var date: String
        @OptionGroup var source: HolidaySourceOptions
        @OptionGroup var output: OutputOptions

        func run() throws {
            try runReportingFailures {
                let d = try CLIDate.parse(date)
                let loaded = try source.load()
                let info = loaded.calendar.day(d)
                if output.json {
                    try JSONOutput.print(DayReport(info))
                } else {
                    Console.print(WorkdaysCommand.line(info, english: output.english))
                    if !info.hasTable, let note = WorkdaysCommand.coverageNote([d.year], loaded: loaded, english: output.english) {
                        Console.print(note)
                    }
                }
                if !info.isWorkingDay { throw ExitCode(1) }
            }
        }
    }

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add",
            abstract: "The date N working days after DATE (DATE itself not counted).")
        @Argument(help: "The date, YYYY-MM-DD or 'today'.") var date: String
        @Argument(help: "How many working days (0...100000).") var n: NumberArgument
        @OptionGroup var source: HolidaySourceOptions
        @OptionGroup var output: OutputOptions

        func run() throws {
            try WorkdaysCommand.shift(date: date, n: n, sign: 1, query: "add", source: source, output: output)
        }
    }

    struct Sub: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "sub", abstract: "The date N working days before DATE (DATE itself not counted).")
        @Argument(help: "The date, YYYY-MM-DD or 'today'.") var date: String
        @Argument(help: "How many working days (0...100000).") var n: NumberArgument
        @OptionGroup var source: HolidaySourceOptions
        @OptionGroup var output: OutputOptions

        func run() throws {
            try WorkdaysCommand.shift(date: date, n: n, sign: -1, query: "sub", source: source, output: output)
        }
    }

    static func shift(
        date: String, n: NumberArgument?, sign: Int, query: String, source: HolidaySourceOptions, output: OutputOptions
    ) throws {
        try runReportingFailures {
            let count = try n?.value("a number of working days", example: "3") ?? 1
            guard (-100_000...100_000).contains(count) else {
                throw CLIFailure.value("N must be between -100000 and 100000, not \(count)")
            }
            let d = try CLIDate.parse(date)
            let loaded = try source.load()
            let result = loaded.calendar.addingWithCoverage(workingDays: sign * count, to: d)
            _ = try CLIRange.check(result.date, what: "the result")
            try emit(
                query: query, from: d, n: sign * count, date: result.date, years: result.yearsWithoutTable,
                loaded: loaded, output: output)
        }
    }

    struct Next: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "next", abstract: "The first working day after DATE.")
        @Argument(help: "The date, YYYY-MM-DD or 'today'.") var date: String
        @OptionGroup var source: HolidaySourceOptions
        @OptionGroup var output: OutputOptions

        func run() throws {
            try WorkdaysCommand.shift(date: date, n: nil, sign: 1, query: "next", source: source, output: output)
        }
    }

    struct Prev: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "prev", abstract: "The last working day before DATE.")
        @Argument(help: "The date, YYYY-MM-DD or 'today'.") var date: String
        @OptionGroup var source: HolidaySourceOptions
        @OptionGroup var output: OutputOptions

        func run() throws {
            try WorkdaysCommand.shift(date: date, n: nil, sign: -1, query: "prev", source: source, output: output)
        }
    }

    struct Nth: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "nth",
            abstract: "The Nth working day of a month: N is 1, 2, ... or last, last-1 (second to last), ...")
        @Argument(help: "The month, YYYY-MM.") var month: String
        @Argument(help: "1, 2, ... or 'last', 'last-1', ...") var n: String
        @OptionGroup var source: HolidaySourceOptions
        @OptionGroup var output: OutputOptions

        func run() throws {
            try runReportingFailures {
                let (year, m) = try WorkdaysCommand.parseMonth(month)
                let index = try WorkdaysCommand.parseIndex(n)
                let loaded = try source.load()
                let found = loaded.calendar.nthWorkingDay(index, year: year, month: m)
                let years = loaded.calendar.hasTable(for: year) ? [] : [year]
                try WorkdaysCommand.emit(
                    query: "nth", from: CivilDate(year: year, month: m, day: 1), n: index, date: found, years: years,
                    loaded: loaded, output: output)
                if found == nil { throw ExitCode(1) }
            }
        }
    }

    struct Month: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "month", abstract: "Every day of a month with its kind.")
        @Argument(help: "The month, YYYY-MM.") var month: String
        @OptionGroup var source: HolidaySourceOptions
        @OptionGroup var output: OutputOptions

        struct Report: Encodable {
            var month: String
            var workingDays: Int
            var hasTable: Bool
            var days: [DayReport]
        }

        func run() throws {
            try runReportingFailures {
                let (year, m) = try WorkdaysCommand.parseMonth(month)
                let loaded = try source.load()
                guard let first = CivilDate(year: year, month: m, day: 1) else { return }
                let infos = (first...first.endOfMonth).map { loaded.calendar.day($0) }
                let count = infos.filter(\.isWorkingDay).count
                let hasTable = loaded.calendar.hasTable(for: year)
                if output.json {
                    try JSONOutput.print(
                        Report(month: month, workingDays: count, hasTable: hasTable, days: infos.map(DayReport.init)))
                    return
                }
                var table = TextTable()
                for info in infos {
                    table.add(
                        info.date.description, CLIDate.weekday(info.date, english: output.english),
                        info.isWorkingDay ? (output.english ? "work" : "班") : (output.english ? "off" : "休"),
                        WorkdaysCommand.label(info, english: output.english))
                }
                Console.print(table.render())
                Console.print(output.english ? "\(count) working days" : "共 \(count) 个工作日")
                if let note = WorkdaysCommand.coverageNote(hasTable ? [] : [year], loaded: loaded, english: output.english) {
                    Console.print(note)
                }
            }
        }
    }

    static func parseMonth(_ text: String) throws(CLIFailure) -> (Int, Int) {
        try CLIMonth.parse(text)
    }

    /// `3` → 3, `last` → -1, `last-1` → -2.
    static func parseIndex(_ text: String) throws(CLIFailure) -> Int {
        if let n = Int(text), n != 0, abs(n) <= 31 { return n }
        if text == "last" { return -1 }
        if text.hasPrefix("last-"), let k = Int(text.dropFirst(5)), (0...30).contains(k) { return -1 - k }
        throw CLIFailure.value("'\(text)' is not a position: expected 1, 2, ... or last, last-1, ...")
    }
}
