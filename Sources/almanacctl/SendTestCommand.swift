import AlmanacControl
import ArgumentParser
import Foundation

extension Almanacctl {
    /// `almanacctl send-test UNIT [--channel C]`.
    struct SendTestCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "send-test",
            abstract: "Send one test message through every destination of a unit (mail, group robots) and show each result.",
            discussion: """
                UNIT is a unit id of the plan, or UNIT.leader for its leader. Mail goes straight to the
                configured transport and robot messages straight to the robot, not through the outbox, so
                the answer says at once whether each destination works. A robot whose rate limit is used up
                is not posted to. Root or the admin group. Exits 1 when a destination failed.
                """)

        @Argument(help: "The unit id (or UNIT.leader).")
        var unit: String

        @Option(name: .long, help: "Only this channel: mail, wecom, dingtalk, feishu or webhook.")
        var channel: String?

        @OptionGroup var daemon: DaemonOptions

        func validate() throws {
            if let channel, !["mail", "wecom", "dingtalk", "feishu", "webhook"].contains(channel) {
                throw ValidationError("--channel must be mail, wecom, dingtalk, feishu or webhook, not '\(channel)'")
            }
        }

        func run() throws {
            var options = daemon
            // A slow mail server or robot takes its own timeouts (up to a minute each).
            options.timeout = max(daemon.timeout, 300)
            let request = SendTestRequest(unit: unit, channel: channel)
            let report = try options.request { client throws(ControlClientError) in try client.sendTest(request) }
            if daemon.json {
                try daemon.printJSON(report)
            } else {
                Console.print(SendTestText.render(report, english: daemon.english), terminator: "")
            }
            if report.results.contains(where: { !$0.ok }) || report.results.isEmpty { throw ExitCode(1) }
        }
    }
}

/// Human output of `send-test` (pure).
enum SendTestText {
    static func render(_ report: SendTestReport, english: Bool) -> String {
        if report.results.isEmpty {
            return english ? "\(report.unit) has no destination to test.\n" : "\(report.unit) 没有可测试的通道。\n"
        }
        var text = ""
        for result in report.results {
            let mark = result.ok ? (english ? "ok    " : "成功  ") : (english ? "FAILED" : "失败  ")
            text += "\(mark)  \(result.channel)  \(result.destination)\n        \(result.detail)\n"
        }
        return text
    }
}
