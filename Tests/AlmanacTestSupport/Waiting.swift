// Waiting for a condition without polling: the condition is checked again only when what it reads
// has changed (a stream of change signals), so a test waits exactly as long as the code under test
// takes, whatever the machine's load.

/// `what` did not hold before the hang guard ran out.
public struct WaitExpired: Error, CustomStringConvertible {
    public var what: String
    public var hangGuard: Duration
    public var description: String { "\(what) not met within \(hangGuard) (the hang guard)" }

    public init(what: String, hangGuard: Duration) {
        self.what = what
        self.hangGuard = hangGuard
    }
}

/// Waits until `condition` holds, checking it now and again after each element of `changes`.
///
/// `changes` must signal every change of what `condition` reads (a stream that keeps the newest
/// element, subscribed before the state can change, loses nothing). `hangGuard` only stops a test
/// that would hang: it is far above what the wait takes under load, and running out of it throws,
/// so the test stops at the cause rather than at a later symptom.
public func waitFor(
    _ what: String, changes: AsyncStream<Void>, hangGuard: Duration = .seconds(120),
    _ condition: @escaping @Sendable () async -> Bool
) async throws {
    try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask {
            var iterator = changes.makeAsyncIterator()
            while !(await condition()) {
                guard await iterator.next() != nil else { throw WaitExpired(what: "\(what) (the change signals ended)", hangGuard: hangGuard) }
            }
        }
        group.addTask {
            try await Task.sleep(for: hangGuard)
            throw WaitExpired(what: what, hangGuard: hangGuard)
        }
        defer { group.cancelAll() }
        try await group.next()
    }
}
