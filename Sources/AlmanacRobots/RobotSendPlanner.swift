import Foundation

/// At most `limit` requests to one robot in any `window` (a sliding window: safe under any
/// fixed-window counting the service may do). WeCom and DingTalk document 20 a minute per
/// robot; Feishu 100 a minute and 5 a second.
public struct RobotRateLimit: Sendable, Hashable {
    public var limit: Int
    public var window: Duration

    public init(limit: Int = 20, window: Duration = .seconds(60)) {
        self.limit = max(1, limit)
        self.window = window
    }

    /// The window in seconds.
    public var seconds: TimeInterval { Double(window.components.seconds) + Double(window.components.attoseconds) / 1e18 }
}

/// A message waiting in the outbox for one robot, as the planner needs it.
public struct RobotQueuedMessage: Sendable, Hashable {
    public var id: Int64
    /// Bytes it adds to a merged message (``RobotContent/size(for:)``).
    public var size: Int
    /// When a failed attempt may be retried (`nil` or past: due now).
    public var nextAttemptAt: Date?

    public init(id: Int64, size: Int, nextAttemptAt: Date? = nil) {
        self.id = id
        self.size = size
        self.nextAttemptAt = nextAttemptAt
    }
}

/// Which messages of one robot go out now, and how (pure).
///
/// Messages leave in queue order. A message waiting for its retry holds back every later one
/// (the robot's group never sees the one-day reminder before the ten-day one). The rate limit
/// is respected by waiting, never by failing: when more messages are due than the window has
/// room for, the excess is merged into digests (one request each, at most `maxBatchBytes` and
/// `maxBatchItems`), and what still does not fit waits for room in the window. As many
/// messages as possible go out on their own: the merge only takes what would exceed the rate.
public enum RobotSendPlanner {
    public struct Plan: Sendable, Hashable {
        /// The requests to make now, in order: one id is a message on its own, several a digest.
        public var requests: [[Int64]]
        /// When to look again, if anything is left waiting.
        public var wakeAt: Date?
    }

    public static func plan(
        queue: [RobotQueuedMessage], requestTimes: [Date], now: Date, rate: RobotRateLimit, maxBatchBytes: Int,
        maxBatchItems: Int = 30
    ) -> Plan {
        guard let head = queue.first else { return Plan(requests: [], wakeAt: nil) }
        if let next = head.nextAttemptAt, next > now { return Plan(requests: [], wakeAt: next) }
        let window = rate.seconds
        var recent = requestTimes.filter { $0 > now.addingTimeInterval(-window) }.sorted()
        let due = Array(queue.prefix { ($0.nextAttemptAt ?? now) <= now })
        let budget = max(0, rate.limit - recent.count)
        var requests: [[Int64]] = []
        if budget > 0 {
            if due.count <= budget {
                requests = due.map { [$0.id] }
            } else {
                for alone in stride(from: budget - 1, through: 0, by: -1) {
                    let merged = pack(due[alone...], maxBytes: maxBatchBytes, maxItems: maxBatchItems)
                    if alone + merged.count <= budget {
                        requests = due[..<alone].map { [$0.id] } + merged
                        break
                    }
                }
                if requests.isEmpty {
                    requests = Array(pack(due[...], maxBytes: maxBatchBytes, maxItems: maxBatchItems).prefix(budget))
                }
            }
        }
        let sent = requests.reduce(0) { $0 + $1.count }
        recent += Array(repeating: now, count: requests.count)
        var wake: Date?
        if sent < due.count {
            // Room for the rest when the oldest request that fills the window leaves it.
            let times = recent.sorted()
            wake = times[max(0, min(times.count - 1, times.count - rate.limit))].addingTimeInterval(window)
        } else if due.count < queue.count {
            wake = queue[due.count].nextAttemptAt
        }
        return Plan(requests: requests, wakeAt: wake)
    }

    /// Consecutive messages into digests, in order, each within the limits (a message larger
    /// than `maxBytes` goes alone).
    static func pack(_ messages: ArraySlice<RobotQueuedMessage>, maxBytes: Int, maxItems: Int) -> [[Int64]] {
        var batches: [[Int64]] = []
        var current: [Int64] = []
        var bytes = 0
        for message in messages {
            if !current.isEmpty && (bytes + message.size > maxBytes || current.count >= maxItems) {
                batches.append(current)
                current = []
                bytes = 0
            }
            current.append(message.id)
            bytes += message.size
        }
        if !current.isEmpty { batches.append(current) }
        return batches
    }
}
