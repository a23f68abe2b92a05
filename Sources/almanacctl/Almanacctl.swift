import AlmanacCalendar
import ArgumentParser
import Foundation

@main
struct Almanacctl: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "almanacctl",
        abstract: "Control almanacd and work with almanac plans and the Chinese calendar.",
        version: AlmanacVersion.current,
        subcommands: [
            HolidaysCommand.self,
            WorkdaysCommand.self,
            FestivalsCommand.self,
            ConvertCommand.self,
            TermsCommand.self,
            ValidateCommand.self,
            Expand.self,
            Explain.self,
            StatusCommand.self,
            NextCommand.self,
            AckCommand.self,
            DoneCommand.self,
            ProgressCommand.self,
            ChecklistCommand.self,
            SnoozeCommand.self,
            ReloadCommand.self,
            HistoryCommand.self,
            OutboxCommand.self,
            AgendaCommand.self,
            CalCommand.self,
            ShowCommand.self,
            ExportCommand.self,
            ImportCommand.self,
            DraftCommand.self,
        ]
    )

    /// ArgumentParser's `main()` with one error policy (docs/cli.md, "Errors and exit status"):
    /// the command line itself wrong (unknown option, missing argument, `validate()`) is a usage
    /// error, 64; a value the command cannot accept, found while it runs (`ValidationError` or
    /// ``CLIFailure`` thrown by `run()`), prints `error: …` and exits 1.
    static func main() {
        let command: any ParsableCommand
        do {
            command = try parseAsRoot()
        } catch {
            exit(after: error)
        }
        do {
            var running = command
            try running.run()
        } catch let error as ValidationError {
            exit(after: CLIFailure.value(error.message))
        } catch {
            exit(after: error)
        }
        Foundation.exit(0)
    }

    /// Exits for `error`: ArgumentParser's message and status, except that a failure (status 1)
    /// prints the text as almanacctl's own errors do, without ArgumentParser's `Error: ` prefix.
    static func exit(after error: any Error) -> Never {
        if let failure = error as? CLIFailure {
            failure.report()
            Foundation.exit(1)
        }
        if exitCode(for: error) == .failure {
            let text = message(for: error)
            if !text.isEmpty { FileHandle.standardError.write(Data((text + "\n").utf8)) }
            Foundation.exit(1)
        }
        exit(withError: error)
    }
}
