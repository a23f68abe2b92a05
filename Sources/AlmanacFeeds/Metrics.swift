import Foundation

/// What `almanac.prom` reports, gathered by the daemon from its store and status.
public struct MetricsSnapshot: Sendable, Hashable {
    /// Reminders sent, per channel (`journal`, `mail`, ...), over the store's whole history.
    public var sentByChannel: [String: Int]
    /// Reminders whose last attempt failed, per channel.
    public var failedByChannel: [String: Int]
    /// Mail outbox entries per state (`queued`, `sent`, `failed`).
    public var outbox: [String: Int]
    /// The next reminder due, if any.
    public var nextReminder: Date?
    /// Occurrences past their last day and not marked done.
    public var overdue: Int
    /// Checklist completion: one per (checklist, occurrence).
    public var checklists: [ChecklistMetric]
    /// How long loading and validating the plan in force took.
    public var planLoadSeconds: Double?
    /// Items of the plan in force.
    public var planItems: Int?
    /// Whether the last reload was accepted; nil before the first reload.
    public var lastReloadAccepted: Bool?
    public var lastReloadAt: Date?
    /// When the snapshot was taken.
    public var generatedAt: Date
    /// The lease of a shared (PostgreSQL) store; `nil` for a single instance.
    public var leadership: LeadershipMetric?
    /// The codes of the status's problems (`disk-full`, `reload-rejected`, ...), one each.
    public var problems: [String] = []

    /// Which instance delivers, since when, the last takeover.
    public struct LeadershipMetric: Sendable, Hashable {
        public var instance: String
        /// `leader`, `follower` or `unavailable`.
        public var role: String
        public var leader: String?
        public var leaderSince: Date?
        public var token: Int64?
        public var lastTakeoverAt: Date?
        public var lastTakeoverVacantSeconds: Double?

        public init(
            instance: String, role: String, leader: String?, leaderSince: Date?, token: Int64?, lastTakeoverAt: Date?,
            lastTakeoverVacantSeconds: Double?
        ) {
            self.instance = instance
            self.role = role
            self.leader = leader
            self.leaderSince = leaderSince
            self.token = token
            self.lastTakeoverAt = lastTakeoverAt
            self.lastTakeoverVacantSeconds = lastTakeoverVacantSeconds
        }
    }

    public struct ChecklistMetric: Sendable, Hashable {
        public var checklist: String
        public var occurrence: String
        public var done: Int
        public var total: Int
        public init(checklist: String, occurrence: String, done: Int, total: Int) {
            self.checklist = checklist
            self.occurrence = occurrence
            self.done = done
            self.total = total
        }
    }

    public init(
        sentByChannel: [String: Int] = [:], failedByChannel: [String: Int] = [:], outbox: [String: Int] = [:],
        nextReminder: Date? = nil, overdue: Int = 0, checklists: [ChecklistMetric] = [], planLoadSeconds: Double? = nil,
        planItems: Int? = nil, lastReloadAccepted: Bool? = nil, lastReloadAt: Date? = nil, generatedAt: Date
    ) {
        self.sentByChannel = sentByChannel
        self.failedByChannel = failedByChannel
        self.outbox = outbox
        self.nextReminder = nextReminder
        self.overdue = overdue
        self.checklists = checklists
        self.planLoadSeconds = planLoadSeconds
        self.planItems = planItems
        self.lastReloadAccepted = lastReloadAccepted
        self.lastReloadAt = lastReloadAt
        self.generatedAt = generatedAt
    }
}

/// Writes the Prometheus text exposition format (version 0.0.4), as node_exporter's textfile
/// collector reads it: `# HELP` and `# TYPE` before each family, label values escaped.
public enum PrometheusText {
    /// The channels and outbox states always written (as 0 when absent), so dashboards and alerts
    /// see a series before the first event.
    public static let standardChannels = ["journal", "mail"]
    public static let outboxStates = ["queued", "sent", "failed"]

    /// Escapes a label value: backslash, double quote and newline.
    public static func escapeLabel(_ value: String) -> String {
        var out = ""
        for ch in value.unicodeScalars {
            switch ch {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            default: out.unicodeScalars.append(ch)
            }
        }
        return out
    }

    /// Escapes HELP text: backslash and newline.
    public static func escapeHelp(_ value: String) -> String {
        value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\n", with: "\\n")
    }

    /// A sample value: integers without a fraction, others in Swift's shortest round-trip form.
    public static func number(_ v: Double) -> String {
        if v.isNaN { return "NaN" }
        if v.isInfinite { return v > 0 ? "+Inf" : "-Inf" }
        if v == v.rounded(), abs(v) < 1e15 { return String(Int64(v)) }
        return "\(v)"
    }

    struct Family {
        var name: String
        var type: String
        var help: String
        var samples: [(labels: [(String, String)], value: Double)]
    }

    /// The whole file.
    public static func render(_ s: MetricsSnapshot) -> String {
        var families: [Family] = []
        let channels = Set(standardChannels).union(s.sentByChannel.keys).union(s.failedByChannel.keys).sorted()
        families.append(
            Family(
                name: "almanac_reminders_sent_total", type: "counter", help: "Reminders sent, per channel.",
                samples: channels.map { ([("channel", $0)], Double(s.sentByChannel[$0] ?? 0)) }))
        families.append(
            Family(
                name: "almanac_reminders_failed_total", type: "counter",
                help: "Reminders whose last attempt failed, per channel.",
                samples: channels.map { ([("channel", $0)], Double(s.failedByChannel[$0] ?? 0)) }))
        let states = Set(outboxStates).union(s.outbox.keys).sorted()
        families.append(
            Family(
                name: "almanac_outbox_messages", type: "gauge", help: "Mail outbox entries by state.",
                samples: states.map { ([("state", $0)], Double(s.outbox[$0] ?? 0)) }))
        families.append(
            Family(
                name: "almanac_next_reminder_timestamp_seconds", type: "gauge",
                help: "Unix time of the next reminder due; 0 when none is scheduled.",
                samples: [([], s.nextReminder.map { $0.timeIntervalSince1970.rounded() } ?? 0)]))
        families.append(
            Family(
                name: "almanac_overdue_occurrences", type: "gauge",
                help: "Occurrences past their last day and not marked done.", samples: [([], Double(s.overdue))]))
        let lists = s.checklists.sorted { ($0.checklist, $0.occurrence) < ($1.checklist, $1.occurrence) }
        families.append(
            Family(
                name: "almanac_checklist_completion_ratio", type: "gauge",
                help: "Share of checklist entries done (0 to 1), per inspection occurrence.",
                samples: lists.map {
                    ([("checklist", $0.checklist), ("occurrence", $0.occurrence)],
                     $0.total > 0 ? min(1, Double($0.done) / Double($0.total)) : 0)
                }))
        families.append(
            Family(
                name: "almanac_checklist_entries_done", type: "gauge", help: "Checklist entries done, per inspection occurrence.",
                samples: lists.map { ([("checklist", $0.checklist), ("occurrence", $0.occurrence)], Double($0.done)) }))
        families.append(
            Family(
                name: "almanac_checklist_entries", type: "gauge", help: "Checklist entries in all, per inspection occurrence.",
                samples: lists.map { ([("checklist", $0.checklist), ("occurrence", $0.occurrence)], Double($0.total)) }))
        if let seconds = s.planLoadSeconds {
            families.append(
                Family(
                    name: "almanac_plan_load_duration_seconds", type: "gauge",
                    help: "Time taken to load and validate the plan in force.", samples: [([], seconds)]))
        }
        if let items = s.planItems {
            families.append(
                Family(name: "almanac_plan_items", type: "gauge", help: "Items of the plan in force.", samples: [([], Double(items))]))
        }
        families.append(
            Family(
                name: "almanac_last_reload_success", type: "gauge",
                help: "1 when the last reload was accepted, 0 when it was rejected; absent before the first reload.",
                samples: s.lastReloadAccepted.map { [([], $0 ? 1 : 0)] } ?? []))
        families.append(
            Family(
                name: "almanac_last_reload_timestamp_seconds", type: "gauge", help: "Unix time of the last reload attempt.",
                samples: s.lastReloadAt.map { [([], $0.timeIntervalSince1970.rounded())] } ?? []))
        if let lease = s.leadership {
            families.append(
                Family(
                    name: "almanac_leader", type: "gauge",
                    help: "1 when this instance holds the lease of the shared store and delivers, else 0.",
                    samples: [([("instance", lease.instance), ("role", lease.role)], lease.role == "leader" ? 1 : 0)]))
            families.append(
                Family(
                    name: "almanac_leader_info", type: "gauge", help: "The instance holding the lease (1 per leader seen).",
                    samples: lease.leader.map { [([("leader", $0)], 1)] } ?? []))
            families.append(
                Family(
                    name: "almanac_leader_since_timestamp_seconds", type: "gauge", help: "Unix time the leader took the lease.",
                    samples: lease.leaderSince.map { [([], $0.timeIntervalSince1970.rounded())] } ?? []))
            families.append(
                Family(
                    name: "almanac_leader_token", type: "gauge",
                    help: "The lease's fencing token: one more at every takeover.",
                    samples: lease.token.map { [([], Double($0))] } ?? []))
            families.append(
                Family(
                    name: "almanac_last_takeover_timestamp_seconds", type: "gauge", help: "Unix time of the last change of leader.",
                    samples: lease.lastTakeoverAt.map { [([], $0.timeIntervalSince1970.rounded())] } ?? []))
            families.append(
                Family(
                    name: "almanac_last_takeover_vacant_seconds", type: "gauge",
                    help: "From the old leader's last renewal to the last takeover.",
                    samples: lease.lastTakeoverVacantSeconds.map { [([], $0)] } ?? []))
        }
        families.append(
            Family(
                name: "almanac_problem", type: "gauge",
                help: "1 for each problem of the status, by its code (docs/status-json.md); none when all is well.",
                samples: Set(s.problems).sorted().map { ([("code", $0)], 1) }))
        families.append(
            Family(
                name: "almanac_metrics_generated_timestamp_seconds", type: "gauge",
                help: "Unix time this file was written.", samples: [([], s.generatedAt.timeIntervalSince1970.rounded())]))

        var out = ""
        for f in families {
            out += "# HELP \(f.name) \(escapeHelp(f.help))\n# TYPE \(f.name) \(f.type)\n"
            for sample in f.samples {
                out += f.name
                if !sample.labels.isEmpty {
                    out += "{" + sample.labels.map { "\($0.0)=\"\(escapeLabel($0.1))\"" }.joined(separator: ",") + "}"
                }
                out += " \(number(sample.value))\n"
            }
        }
        return out
    }
}
