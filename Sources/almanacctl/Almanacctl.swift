import AlmanacCalendar
import AlmanacControl
import ArgumentParser
import Foundation

@main
struct Almanacctl: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "almanacctl",
        abstract: "Control almanacd and work with almanac plans and the Chinese calendar.",
        discussion: """
            Commands that read plan files (validate, checklist, export, and agenda, cal, show and explain with \
            --plan) keep the loaded, validated plan and its expansion in a cache, $XDG_CACHE_HOME/almanac or \
            ~/.cache/almanac, used only while every file it was made from is unchanged. --no-cache on the \
            command or ALMANAC_CACHE=off turns it off (docs/cli.md, "The plan cache").
            """,
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
            StateCommand.self,
        ]
    )

    /// ArgumentParser's `main()` with one error policy (docs/cli.md, "Errors and exit status"):
    /// the command line itself wrong (unknown option, missing argument, options that exclude each
    /// other in `validate()`) is a usage error, 64; a value the command cannot accept (one that
    /// does not parse as its argument's type, ``CLIFailure`` from `validate()` or `run()`,
    /// `ValidationError` from `run()`) prints `error: …` and exits 1.
    static func main() {
        Console.ignoreBrokenPipes()
        let command: any ParsableCommand
        do {
            let arguments = try leadingSocket(Array(CommandLine.arguments.dropFirst()))
            if let socket = arguments.socket { setenv(ControlProtocol.socketEnvironmentVariable, socket, 1) }
            command = try parse(arguments.rest)
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

    /// The command `arguments` name, as `parseAsRoot` reads them: the subcommand named first is
    /// parsed through its own type (``parseSubcommand(_:)``), anything else, and everything that
    /// does not parse that way, through the root's whole command tree, so help, completion
    /// scripts, `--version` and every error come from the root as before.
    static func parse(_ arguments: [String]) throws -> any ParsableCommand {
        if let command = parseSubcommand(arguments) { return command }
        return try parseAsRoot(arguments)
    }

    /// The command of `arguments` parsed from the subcommand named first (`agenda …`,
    /// `workdays add …`), without building the tree of every other command; `nil` when the first
    /// word names no subcommand, or when that parse fails or asks for help, a completion script
    /// or the version (the root's parse answers those, with its usage and its messages).
    static func parseSubcommand(_ arguments: [String]) -> (any ParsableCommand)? {
        guard let name = arguments.first,
            let subcommand = configuration.subcommands.first(where: { $0._commandName == name || $0.configuration.aliases.contains(name) }),
            let command = try? subcommand.parseAsRoot(Array(arguments.dropFirst()))
        else { return nil }
        // A help request parses as ArgumentParser's own help command, outside almanacctl's tree.
        return commandTree(of: subcommand).contains(ObjectIdentifier(type(of: command))) ? command : nil
    }

    /// `command` and the subcommands under it, at every depth.
    static func commandTree(of command: any ParsableCommand.Type) -> Set<ObjectIdentifier> {
        var tree: Set<ObjectIdentifier> = [ObjectIdentifier(command)]
        for subcommand in command.configuration.subcommands { tree.formUnion(commandTree(of: subcommand)) }
        return tree
    }

    /// `--socket PATH` (or `--socket=PATH`) before the subcommand: `almanacctl --socket S status`
    /// means `almanacctl status --socket S`. It stands for `$ALMANAC_SOCKET`, so a `--socket`
    /// after the subcommand still wins. Returns the path and the other arguments.
    static func leadingSocket(_ arguments: [String]) throws -> (socket: String?, rest: [String]) {
        var rest = arguments[...]
        var socket: String?
        while let first = rest.first, first.hasPrefix("--socket") {
            if first == "--socket" {
                guard rest.count >= 2, let path = rest.dropFirst().first, !path.hasPrefix("-") else {
                    throw ValidationError("Missing value for '--socket <PATH>'")
                }
                socket = path
                rest = rest.dropFirst(2)
            } else if first.hasPrefix("--socket=") {
                socket = String(first.dropFirst("--socket=".count))
                rest = rest.dropFirst()
            } else {
                break
            }
        }
        return (socket, Array(rest))
    }

    /// Exits for `error`: ArgumentParser's message and status, except that a failure (status 1)
    /// prints the text as almanacctl's own errors do, without ArgumentParser's `Error: ` prefix.
    static func exit(after error: any Error) -> Never {
        if let failure = error as? CLIFailure {
            failure.report()
            Foundation.exit(1)
        }
        // A value of the wrong form for its argument's type (`ack a@2027-02-30`, `--limit x`):
        // ArgumentParser calls it a usage error, almanacctl a bad value like any other.
        let text = message(for: error)
        if exitCode(for: error) == .validationFailure, text.hasPrefix("The value '"), text.contains("' is invalid for '") {
            let first = text.split(separator: "\n").first ?? Substring(text)
            var report = "error: t" + first.dropFirst()
            let full = fullMessage(for: error).split(separator: "\n")
            if let help = full.first(where: { $0.hasPrefix("Help:") }) {
                // `Help:  <ITEM[@DATE]>  The occurrence: ITEM or ITEM@YYYY-MM-DD.`
                report += "\nhint: " + help.dropFirst(5).trimmingCharacters(in: .whitespaces)
                    .replacingOccurrences(of: "  ", with: ": ", options: [], range: nil)
            }
            Console.writeError(report + "\n")
            Foundation.exit(1)
        }
        if exitCode(for: error) == .failure {
            if !text.isEmpty { Console.writeError(text + "\n") }
            Foundation.exit(1)
        }
        exit(withError: error)
    }
}
