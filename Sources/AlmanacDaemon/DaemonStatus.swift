import AlmanacCalendar
import AlmanacPlan
import AlmanacStore
import Foundation
import Glibc

/// What `status.json` holds and what the control socket's `status` answers. Field names are the
/// JSON keys (snake_case); documented in docs/status-json.md.
public struct DaemonStatus: Sendable, Hashable, Codable {
    /// The format's version; bumped when a field changes meaning or goes away.
    public static let formatVersion = 1

    public enum Phase: String, Sendable, Hashable, Codable {
        case starting, running, reloading, stopping, stopped
    }

    public struct Daemon: Sendable, Hashable, Codable {
        public var state: Phase
        public var pid: Int32
        public var version: String
        public var config: String
        public var startedAt: Date
        public var updatedAt: Date
        public var reloads: Int
        /// The one-line summary also sent as STATUS= to systemd.
        public var summary: String
    }

    public struct PlanInfo: Sendable, Hashable, Codable {
        public var name: String?
        public var files: [String]
        public var items: Int
        public var loadedAt: Date
        /// Warnings of the accepted plan (`file:line:col: warning: ...`): the first
        /// ``DaemonStatus/diagnosticsShown``; the journal and `almanacctl validate` have them all.
        public var warnings: [String]
        /// How many warnings the plan has; absent when `warnings` lists them all.
        public var warningsTotal: Int?
        /// Occurrences in the scheduling window.
        public var occurrences: Int?
        /// The scheduling window, `YYYY-MM-DD..YYYY-MM-DD`.
        public var window: String?
    }

    public struct ReloadInfo: Sendable, Hashable, Codable {
        public var at: Date
        /// Whether the new plan replaced the old one.
        public var accepted: Bool
        public var durationMs: Double
        /// The diagnostics of the attempted plan: the first ``DaemonStatus/diagnosticsShown``.
        public var diagnostics: [String]
        /// How many diagnostics there were; absent when `diagnostics` lists them all.
        public var diagnosticsTotal: Int?
    }

    /// How many warnings and diagnostics the status lists: a generated plan of 10,000 items had
    /// 454 warnings (rules without an occurrence in next year), 56 KB listed twice in a file that
    /// is written at every wake-up.
    public static let diagnosticsShown = 100

    /// The first ``diagnosticsShown`` of `texts`, and their number when some were left out.
    static func shown(_ texts: [String]) -> (texts: [String], total: Int?) {
        texts.count > diagnosticsShown ? (Array(texts.prefix(diagnosticsShown)), texts.count) : (texts, nil)
    }

    public struct StoreInfo: Sendable, Hashable, Codable {
        public var path: String
        /// `file` (the database is in use), `memory` (fallback after an error) or `postgresql`
        /// (a shared database; `path` is its URL without the password).
        public var mode: String
        /// The `StoreError` code when the file could not be used.
        public var errorCode: String?
        public var error: String?
    }

    public struct ControlInfo: Sendable, Hashable, Codable {
        public var socket: String
        /// The listening socket was passed by systemd (socket activation).
        public var activated: Bool
    }

    public struct Problem: Sendable, Hashable, Codable {
        /// A stable code: `plan-invalid`, `reload-rejected`, `store-unavailable`, ...
        public var code: String
        public var message: String

        public init(code: String, message: String) {
            self.code = code
            self.message = message
        }
    }

    /// A delivery still to come (`next_reminders`).
    public struct NextReminder: Sendable, Hashable, Codable {
        /// When it falls due.
        public var dueAt: Date
        public var item: String
        /// The occurrence's first day.
        public var date: CivilDate
        public var title: String
        public var kind: String
        /// The reminder: a lead (`-10wd`, `0d`), `escalate`, or `overdue-YYYY-MM-DD`.
        public var reminder: String
        /// `journal` or `mail`.
        public var channel: String
        public var recipients: [String]
    }

    /// A campaign (or any item spanning several days) under way today.
    public struct ActiveCampaign: Sendable, Hashable, Codable {
        public var item: String
        public var title: String
        public var kind: String
        public var start: CivilDate
        public var end: CivilDate
        /// Days from today to the last day: 0 on the last day.
        public var daysLeft: Int
        public var owners: [String]
    }

    /// An occurrence past its last day and neither done nor acknowledged.
    public struct OverdueOccurrence: Sendable, Hashable, Codable {
        public var item: String
        public var title: String
        public var kind: String
        /// The first day (the occurrence id is `item@date`).
        public var date: CivilDate
        /// The last day, the deadline.
        public var end: CivilDate
        /// Days since the last day: 1 on the day after.
        public var daysOverdue: Int
        public var owners: [String]
    }

    /// Deliveries in the state store by state (the daemon's own bookkeeping rows left out).
    public struct DeliveryCounts: Sendable, Hashable, Codable {
        /// Sent to the journal, or handed to the mail outbox.
        public var sent: Int
        /// Due longer ago than `catch_up` (or superseded): recorded, never sent.
        public var missed: Int
        /// Claimed by a process that stopped before it recorded the outcome; settled on the next
        /// start (docs/state-store.md, "In doubt").
        public var inDoubt: Int
        /// Failed and to be retried.
        public var failed: Int

        public init(sent: Int, missed: Int, inDoubt: Int, failed: Int) {
            self.sent = sent
            self.missed = missed
            self.inDoubt = inDoubt
            self.failed = failed
        }
    }

    public var version: Int = DaemonStatus.formatVersion
    public var daemon: Daemon
    /// The plan in force; `null` when none could be loaded yet.
    public var plan: PlanInfo?
    public var lastReload: ReloadInfo?
    public var store: StoreInfo
    public var control: ControlInfo
    public var problems: [Problem]
    /// The next deliveries (at most ``DaemonStatus/nextRemindersShown``), soonest first; empty
    /// before the scheduler has planned.
    public var nextReminders: [NextReminder] = []
    /// Campaigns under way today, by start.
    public var activeCampaigns: [ActiveCampaign] = []
    /// Occurrences past their deadline, neither done nor acknowledged, oldest first: at most
    /// ``ScheduleView/overdueKept``.
    public var overdue: [OverdueOccurrence] = []
    /// How many occurrences are overdue (`overdue` lists the first of them); absent before the
    /// scheduler has planned.
    public var overdueTotal: Int?
    /// Deliveries by state; `null` when the store cannot tell.
    public var counts: DeliveryCounts?
    /// Outbox entries by state (`queued`, `sent`, `failed`); `null` when the store cannot tell.
    public var outbox: [String: Int]?

    /// How many upcoming deliveries `next_reminders` lists.
    public static let nextRemindersShown = 10
    /// Totals per checklist and per unit (docs/status-json.md, `checklists`); absent without checklists.
    public var checklists: [ChecklistStatus]? = nil
    /// The lease of a shared (PostgreSQL) store: this instance's role, who leads since when, the
    /// last takeover; absent with SQLite (one instance, no lease).
    public var leadership: Leadership.Snapshot? = nil

    /// The encoder for `status.json`: snake_case keys, ISO 8601 dates, sorted keys.
    public static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    /// The matching decoder.
    public static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }
}

/// An error writing a status file.
public struct StatusFileError: Error, Hashable, Sendable, CustomStringConvertible {
    public var path: String
    public var detail: String
    public var description: String { "cannot write \(path): \(detail)" }
}

/// Writes a file atomically: the bytes go to a temporary file in the same directory, which is
/// then renamed over the target, so a reader sees the old or the new content, never a mix.
public enum AtomicFile {
    public static func write(_ data: Data, to path: String, mode: mode_t = 0o644) throws(StatusFileError) {
        let directory = (path as NSString).deletingLastPathComponent
        let temporary = directory + "/." + (path as NSString).lastPathComponent + ".\(getpid()).tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
        guard fd >= 0 else { throw StatusFileError(path: path, detail: String(cString: strerror(errno))) }
        var failure: String?
        data.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let written = Glibc.write(fd, raw.baseAddress! + offset, raw.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    failure = String(cString: strerror(errno))
                    return
                }
                offset += written
            }
        }
        if failure == nil, fchmod(fd, mode) != 0 { failure = String(cString: strerror(errno)) }
        close(fd)
        if failure == nil, rename(temporary, path) != 0 { failure = String(cString: strerror(errno)) }
        if let failure {
            unlink(temporary)
            throw StatusFileError(path: path, detail: failure)
        }
    }
}
