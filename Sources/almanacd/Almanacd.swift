import AlmanacCalendar
import ArgumentParser

@main
struct Almanacd: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "almanacd",
        abstract: "The almanac reminder daemon.",
        version: AlmanacVersion.current
    )
}
