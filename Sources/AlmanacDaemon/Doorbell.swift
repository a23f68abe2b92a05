import Foundation
import Synchronization

/// Rung when there is work for a service that otherwise sleeps until its next timed work is due
/// (or indefinitely): mail queued or queued again for the outbox worker, a write for the store's
/// upkeep. No polling: an idle service has no wake-ups. One waiter at a time; a ring with nobody
/// waiting is kept until the next wait.
public final class Doorbell: Sendable {
    private struct State {
        var rung = false
        var waiter: CheckedContinuation<Void, Never>?
    }
    private let state = Mutex(State())

    public init() {}

    public func ring() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard let waiter = state.waiter else {
                state.rung = true
                return nil
            }
            state.waiter = nil
            return waiter
        }
        waiter?.resume()
    }

    /// Whether the bell rang since the last wait, taking the ring (it wakes no one afterwards).
    func takeRing() -> Bool {
        state.withLock { state in
            defer { state.rung = false }
            return state.rung
        }
    }

    /// Returns when the bell rings (at once if it rang since the last wait) or the task is cancelled.
    /// `parked` is called once the waiter is parked (a ring from then on wakes it).
    func wait(parked: () -> Void = {}) async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { state -> Bool in
                    if state.rung || Task.isCancelled {
                        state.rung = false
                        return true
                    }
                    state.waiter = continuation
                    return false
                }
                if resumeNow { continuation.resume() } else { parked() }
            }
        } onCancel: {
            let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
                defer { state.waiter = nil }
                return state.waiter
            }
            waiter?.resume()
        }
    }
}

extension Doorbell {
    /// Returns at `wake` (never when it is `nil`), when the bell rings, or when the task is cancelled.
    func wait(until wake: Date?, now: @Sendable () -> Date) async {
        await wait(atMost: wake.map { .milliseconds(Int64(max(0, $0.timeIntervalSince(now())) * 1000) + 1) })
    }

    /// Returns after `limit` (never when it is `nil`), when the bell rings, or when the task is
    /// cancelled.
    func wait(atMost limit: Duration?) async {
        guard let limit else { return await wait() }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.wait() }
            group.addTask { try? await Task.sleep(for: limit) }
            await group.next()
            group.cancelAll()
        }
    }
}
