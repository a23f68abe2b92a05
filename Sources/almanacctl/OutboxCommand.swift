import AlmanacControl
import ArgumentParser
import Foundation

extension Almanacctl {
    /// `almanacctl outbox [--state queued|failed|sent]` and `almanacctl outbox retry ID`.
    struct OutboxCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "outbox", abstract: "List the outbox (queued and failed mail and robot messages), or retry a failed one.",
            subcommands: [List.self, Retry.self], defaultSubcommand: List.self)

        /// `almanacctl outbox [list]`.
        struct List: ParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "list", abstract: "List queued and failed mail (or the mail of one state).")

            @Option(name: .long, help: "Only mail in this state: queued, failed or sent.")
            var state: String?

            @Option(name: .long, help: "At most this many mails.")
            var limit: Int = 200

            @OptionGroup var daemon: DaemonOptions

            func validate() throws {
                if let state, !["queued", "failed", "sent"].contains(state) {
                    throw CLIFailure.value("--state must be queued, failed or sent, not '\(state)'")
                }
                guard (1...10_000).contains(limit) else { throw CLIFailure.value("--limit must be between 1 and 10000") }
            }

            func run() throws {
                let query = OutboxQuery(state: state, limit: limit)
                let report = try daemon.request { client throws(ControlClientError) in try client.outbox(query) }
                if daemon.json { return try daemon.printJSON(report) }
                Console.print(OutboxText.render(report, english: daemon.english), terminator: "")
            }
        }

        /// `almanacctl outbox retry ID`.
        struct Retry: ParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "retry", abstract: "Send a failed mail again (root or the admin group).")

            @Argument(help: "The outbox id (first column of 'almanacctl outbox').")
            var id: Int64

            @OptionGroup var daemon: DaemonOptions

            func run() throws {
                let request = OutboxRetryRequest(id: id)
                let report = try daemon.request { client throws(ControlClientError) in try client.outboxRetry(request) }
                if daemon.json { return try daemon.printJSON(report) }
                Console.print(OutboxText.render(report, english: daemon.english, counts: false), terminator: "")
            }
        }
    }
}

/// Human output of the outbox (pure).
enum OutboxText {
    static func render(_ report: OutboxReport, english: Bool, counts: Bool = true) -> String {
        var text = ""
        if report.entries.isEmpty {
            text += english ? "No messages.\n" : "没有消息。\n"
        }
        for mail in report.entries {
            var line = "#\(mail.id)  \(state(mail.state, english: english))  "
            line += english ? "\(mail.attempts) attempt\(mail.attempts == 1 ? "" : "s")" : "已尝试\(mail.attempts)次"
            if let next = mail.nextAttemptAt { line += english ? "  next \(time(next))" : "  下次 \(time(next))" }
            if let sent = mail.sentAt { line += english ? "  sent \(time(sent))" : "  发送于 \(time(sent))" }
            if let channel = mail.channel, channel != "mail" { line += "  \(channel)" + (mail.destination.map { " \($0)" } ?? "") }
            if mail.possibleRepeat == true { line += english ? "  possible repeat (a send was interrupted)" : "  可能重复（发送曾中断）" }
            text += line + "\n"
            text += "    " + mail.recipients.joined(separator: ", ") + "\n"
            text += "    " + mail.subject + "\n"
            text += "    " + mail.messageID + "\n"
            if let error = mail.lastError { text += "    " + (english ? "error: " : "错误：") + error + "\n" }
            for refused in mail.refused ?? [] { text += "    " + (english ? "refused: " : "被拒收：") + refused + "\n" }
        }
        if counts {
            let order = ["queued", "failed", "sent"]
            let parts = order.map { "\(state($0, english: english)) \(report.counts[$0] ?? 0)" }
            text += parts.joined(separator: english ? ", " : "，") + "\n"
        }
        return text
    }

    static func state(_ state: String, english: Bool) -> String {
        if english { return state }
        switch state {
        case "queued": return "待发送"
        case "failed": return "失败"
        case "sent": return "已发送"
        default: return state
        }
    }

    static func time(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        formatter.timeZone = .current
        return formatter.string(from: date)
    }
}
