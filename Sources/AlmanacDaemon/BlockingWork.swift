import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// A flag long synchronous work polls to stop early; a waiter may also be told when it is set.
public final class CancellationFlag: Sendable {
    private let state = Atomic<Bool>(false)
    /// Called once when the flag is set (`nil` once it is), by token.
    private let handlers = Mutex<(next: Int, waiting: [Int: @Sendable () -> Void]?)>((0, [:]))

    public init() {}

    public func cancel() {
        state.store(true, ordering: .sequentiallyConsistent)
        let waiting = handlers.withLock { handlers in
            defer { handlers.waiting = nil }
            return handlers.waiting.map { Array($0.values) } ?? []
        }
        for handler in waiting { handler() }
    }

    public var isCancelled: Bool { state.load(ordering: .sequentiallyConsistent) }

    /// Calls `handler` when the flag is set (at once if it is); the token removes it.
    func onCancel(_ handler: @escaping @Sendable () -> Void) -> Int {
        let (token, now) = handlers.withLock { handlers -> (Int, Bool) in
            handlers.next += 1
            guard handlers.waiting != nil else { return (handlers.next, true) }
            handlers.waiting?[handlers.next] = handler
            return (handlers.next, false)
        }
        if now { handler() }
        return token
    }

    func removeHandler(_ token: Int) {
        handlers.withLock { _ = $0.waiting?.removeValue(forKey: token) }
    }
}

/// A continuation resumed once, by whichever comes first.
final class ContinuationSlot<T: Sendable>: Sendable {
    private let slot = Mutex<CheckedContinuation<T, Never>?>(nil)

    func fill(_ continuation: CheckedContinuation<T, Never>) { slot.withLock { $0 = continuation } }

    func resume(_ value: T) { slot.withLock { $0.take() }?.resume(returning: value) }
}

/// Runs long synchronous work (loading and expanding a plan, re-planning, building feeds) on a
/// thread of its own, never on the cooperative pool: the pool has one thread per core (two here),
/// and the control server's requests run on it, so a reload of a large plan must not occupy it.
public enum BlockingWork {
    /// How the kernel weighs the work's thread against the threads that answer the socket.
    public enum Priority: Sendable {
        /// As every other thread of the daemon: a reload's load, which `reload` waits for, and
        /// the scheduler's pass, which a stop may have to wait for.
        case normal
        /// Work nobody waits for (the feeds, abandoned at a stop; trimming; paging out): niceness
        /// +5 for the thread only, so that on two cores busy with it the control socket's event
        /// loop still gets a core at once. About a third of the share of a thread of the daemon's
        /// own niceness. Never for work a stop waits for: on a busy machine it crawls, and a
        /// daemon that is not root cannot raise the thread's priority again.
        case background

        var niceness: Int32 {
            switch self {
            case .normal: 0
            case .background: 5
            }
        }
    }

    /// Runs `body` on a new thread and waits for its result. Cancelling the awaiting task sets the
    /// flag the work polls.
    public static func run<T: Sendable>(
        _ name: String, priority: Priority = .normal, _ body: @escaping @Sendable (CancellationFlag) -> T
    ) async -> T {
        let flag = CancellationFlag()
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<T, Never>) in
                start(name, priority: priority) { continuation.resume(returning: body(flag)) }
            }
        } onCancel: {
            flag.cancel()
        }
    }

    /// Like ``run(_:_:)``, but a cancelled wait returns `nil` at once instead of waiting for the
    /// work to notice: what the work still does is discarded. For work whose result is useless
    /// once nobody waits (a load during shutdown), so that SIGTERM never waits for it.
    /// - Parameters:
    ///   - stop: Also abandoned when this flag is set (the daemon stopping), unless `committed`
    ///     is set by then: the work sets it, then checks `stop`, before it does what must not be
    ///     cut off (sending), so it is either abandoned before or waited for to its end.
    public static func abandonable<T: Sendable>(
        _ name: String, priority: Priority = .normal, stop: CancellationFlag? = nil, committed: CancellationFlag? = nil,
        _ body: @escaping @Sendable (CancellationFlag) -> T
    ) async -> T? {
        let flag = CancellationFlag()
        let slot = ContinuationSlot<T?>()
        let token = stop?.onCancel {
            guard committed?.isCancelled != true else { return }
            flag.cancel()
            slot.resume(nil)
        }
        defer { if let token { stop?.removeHandler(token) } }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<T?, Never>) in
                slot.fill(continuation)
                if flag.isCancelled {
                    slot.resume(nil)
                    return
                }
                start(name, priority: priority) { slot.resume(body(flag)) }
            }
        } onCancel: {
            flag.cancel()
            slot.resume(nil)
        }
    }

    private static func start(_ name: String, priority: Priority = .normal, _ work: @escaping @Sendable () -> Void) {
        let niceness = priority.niceness
        let thread = Thread {
            #if os(Linux)
            // Linux keeps a niceness per thread; `who` 0 is the calling thread (setpriority(2),
            // "BUGS"), so this one only. Relative to the niceness it started with (a daemon run
            // under `nice` stays below its own event loop, and is never raised above it).
            if niceness != 0 {
                let which = __priority_which_t(PRIO_PROCESS.rawValue)
                _ = setpriority(which, 0, min(19, getpriority(which, 0) + niceness))
            }
            #endif
            work()
        }
        thread.name = name
        thread.stackSize = 8 << 20
        thread.start()
    }
}
