import AlmanacCalendar
import ArgumentParser

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
            SendTestCommand.self,
            AgendaCommand.self,
            CalCommand.self,
            ShowCommand.self,
            ExportCommand.self,
            ImportCommand.self,
            DraftCommand.self,
        ]
    )
}
