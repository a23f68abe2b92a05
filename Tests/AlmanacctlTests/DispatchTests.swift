import ArgumentParser
import Testing

@testable import almanacctl

/// A subcommand named first is parsed through its own type (`Almanacctl.parseSubcommand`); the
/// result, and every error, help screen, completion script and version request, must be what the
/// root's whole command tree gives.
@Suite struct DispatchTests {
    /// Every stored property, at every depth: two parses of the same command line print the same.
    static func contents(_ command: any ParsableCommand) -> String {
        var text = ""
        dump(command, to: &text)
        return text
    }

    /// What the root's parse and `Almanacctl.parse` give for `arguments`: the command's contents,
    /// or the error's full message and exit status.
    static func outcome(_ arguments: [String], parse: ([String]) throws -> any ParsableCommand) -> String {
        do {
            return "command " + contents(try parse(arguments))
        } catch {
            return "error \(Almanacctl.exitCode(for: error).rawValue) " + Almanacctl.fullMessage(for: error)
        }
    }

    static let subcommandLines: [[String]] = [
        ["agenda", "--plan", "plan.yaml", "--from", "2026-01-01", "--to", "2026-12-31"],
        ["agenda", "--plan", "plan.yaml", "--from", "2026-01-01", "--to", "2026-12-31", "--json"],
        ["todo", "--days", "7", "--english"],
        ["status", "--socket", "/tmp/almanac.sock", "--json"],
        ["workdays", "add", "2026-01-01", "5"],
        ["outbox"],
        ["progress"],
        ["cal", "2026-05"],
    ]

    @Test(arguments: subcommandLines)
    func subcommandParsesAsThroughTheRoot(arguments: [String]) throws {
        let fast = try #require(Almanacctl.parseSubcommand(arguments))
        #expect(Self.contents(fast) == Self.contents(try Almanacctl.parseAsRoot(arguments)))
        #expect(Self.outcome(arguments, parse: Almanacctl.parse) == Self.outcome(arguments, parse: Almanacctl.parseAsRoot))
    }

    @Test func parsedValuesAreThere() throws {
        let fast = try #require(Almanacctl.parseSubcommand(Self.subcommandLines[1]) as? AgendaCommand)
        #expect(fast.planOptions.plan == ["plan.yaml"] && fast.from == "2026-01-01" && fast.to == "2026-12-31" && fast.json)
        #expect(Self.contents(fast).contains("2026-12-31"))
    }

    static let rootLines: [[String]] = [
        [],
        ["--version"],
        ["--help"],
        ["help", "agenda"],
        ["agenda", "--help"],
        ["agenda", "-h"],
        ["agenda", "--version"],
        ["agenda", "--generate-completion-script", "bash"],
        ["--generate-completion-script", "zsh"],
        ["workdays", "help", "add"],
        ["workdays", "add", "--help"],
        ["agenda", "--bogus"],
        ["agenda", "--days", "x"],
        ["agenda", "--days", "0"],
        ["agenda", "--days", "3", "--to", "2026-01-01"],
        ["agenda", "--from", "2026-02-30"],
        ["workdays", "add", "2026-01-01"],
        ["workdays", "add", "2026-01-01", "5", "extra"],
        ["nonsense"],
        ["--socket"],
    ]

    @Test(arguments: rootLines)
    func everythingElseGoesThroughTheRoot(arguments: [String]) {
        #expect(Almanacctl.parseSubcommand(arguments) == nil)
        #expect(Self.outcome(arguments, parse: Almanacctl.parse) == Self.outcome(arguments, parse: Almanacctl.parseAsRoot))
    }

    @Test func subcommandTree() {
        let tree = Almanacctl.commandTree(of: WorkdaysCommand.self)
        #expect(tree.contains(ObjectIdentifier(WorkdaysCommand.self)))
        #expect(tree.count == 1 + WorkdaysCommand.configuration.subcommands.count)
        #expect(!tree.contains(ObjectIdentifier(AgendaCommand.self)))
    }
}
