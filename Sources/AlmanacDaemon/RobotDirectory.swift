import AlmanacMail
import AlmanacPlan
import AlmanacRobots
import AlmanacScheduler
import Foundation
import Synchronization

/// The group robots of a plan, resolved: each robot's endpoint (its URL, and its secret read
/// from `secret_file`), or why it cannot be used; and per recipient (a unit, `UNIT.leader`) the
/// robots it gets reminders on, with whom to mention.
///
/// Built when a plan is loaded; the secret files are read then (a file readable by others is
/// refused), so a mistake shows at load time, and the worker posts with what was read.
public struct RobotDirectory: Sendable {
    /// A robot as the plan names it, resolved.
    public struct Robot: Sendable, Hashable {
        /// ``RobotEndpoint/key``: the outbox's destination.
        public var key: String
        public var service: RobotService
        /// `wmb/dingtalk/主群`: who names it, for people.
        public var label: String
        /// Ready to post to; `nil` when it cannot be used.
        public var endpoint: RobotEndpoint?
        /// Why it cannot be used (a secret file others may read, a missing file).
        public var problem: String?
    }

    /// A recipient's use of a robot: whom to mention there.
    public struct Use: Sendable, Hashable {
        public var key: String
        public var mentions: [String]
        public var mentionAll: Bool
    }

    /// Robots by key.
    public var robots: [String: Robot]
    /// Per recipient id, its robots in plan order.
    public var uses: [String: [Use]]

    public init(robots: [String: Robot] = [:], uses: [String: [Use]] = [:]) {
        self.robots = robots
        self.uses = uses
    }

    public static let empty = RobotDirectory()

    /// Resolves the robots of `plan`. `readSecret` reads a secret file (the daemon passes
    /// ``SecretFile/read(_:what:)``); relative secret paths are taken from the plan file's folder.
    public static func resolve(_ plan: Plan?, readSecret: (String) -> Result<String, MailError>) -> RobotDirectory {
        var directory = RobotDirectory()
        for unit in plan?.units ?? [] {
            let id = unit.id.value
            let contactPhone = unit.contact?.phone?.value ?? unit.leader?.phone?.value
            for robot in unit.robots {
                directory.add(robot, recipient: id, label: "\(id)/\(robot.label)", defaultMention: contactPhone, readSecret: readSecret)
            }
            if let leader = unit.leader {
                let recipient = ScheduleInput.leaderID(of: id)
                for robot in leader.robots {
                    directory.add(
                        robot, recipient: recipient, label: "\(recipient)/\(robot.label)", defaultMention: leader.phone?.value,
                        readSecret: readSecret)
                }
            }
        }
        return directory
    }

    mutating func add(
        _ robot: RobotDestination, recipient: String, label: String, defaultMention: String?,
        readSecret: (String) -> Result<String, MailError>
    ) {
        guard let service = RobotService(rawValue: robot.kind.value.rawValue) else { return }
        let url = robot.url?.value ?? robot.key.flatMap { service.url(key: $0.value) } ?? ""
        var problem = RobotEndpoint.problem(url: url)
        var secret: String?
        if problem == nil, let file = robot.secretFile {
            switch readSecret(Self.path(file)) {
            case .success(let value): secret = value
            case .failure(let error): problem = error.message
            }
        }
        let format = robot.format.flatMap { RobotFormat(rawValue: $0.value) }
        let language = robot.language.flatMap { RobotLanguage(rawValue: $0.value) } ?? .zh
        let endpoint = RobotEndpoint(service: service, url: url, secret: secret, format: format, language: language, label: label)
        let key = endpoint.key
        if robots[key] == nil || robots[key]?.endpoint == nil {
            robots[key] = Robot(
                key: key, service: service, label: label, endpoint: problem == nil ? endpoint : nil,
                problem: problem.map { "\(label): \($0)" })
        }
        let mentions = robot.mention.map { $0.map(\.value) } ?? defaultMention.map { [$0] } ?? []
        uses[recipient, default: []].append(
            Use(key: key, mentions: service == .feishu ? [] : mentions, mentionAll: robot.mentionAll?.value ?? false))
    }

    /// A secret file's path: relative ones against the folder of the plan file that names them.
    static func path(_ file: Located<String>) -> String {
        if file.value.hasPrefix("/") { return file.value }
        guard let planFile = file.location?.file, !planFile.isEmpty else { return file.value }
        let joined = ((planFile as NSString).deletingLastPathComponent as NSString).appendingPathComponent(file.value)
        return (joined as NSString).standardizingPath
    }

    /// The robots that cannot be used, with why.
    public var problems: [Robot] { robots.values.filter { $0.endpoint == nil }.sorted { $0.label < $1.label } }
}

/// The robot directory in force, replaced when a plan is loaded; read by the scheduler (which
/// queues messages) and the robot worker (which posts them). `nil` until the first plan is
/// loaded: the worker must not judge queued messages (from before a restart) against no plan.
public final class RobotDirectorySource: Sendable {
    private let state = Mutex<RobotDirectory?>(nil)

    public init() {}

    public var current: RobotDirectory? { state.withLock { $0 } }

    public func replace(with directory: RobotDirectory) { state.withLock { $0 = directory } }
}
