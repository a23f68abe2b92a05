import Foundation
import Synchronization

/// A flag long synchronous work polls to stop early.
public final class CancellationFlag: Sendable {
    private let state = Atomic<Bool>(false)

    public init() {}

    public func cancel() { state.store(true, ordering: .relaxed) }

    public var isCancelled: Bool { state.load(ordering: .relaxed) }
}

/// A flag one task sets and another takes (reads and clears).
public final class SharedFlag: Sendable {
    private let state: Atomic<Bool>

    public init(_ value: Bool = false) { state = Atomic(value) }

    public func set() { state.store(true, ordering: .sequentiallyConsistent) }

    /// The value, cleared.
    public func take() -> Bool { state.exchange(false, ordering: .sequentiallyConsistent) }
}

/// Runs long synchronous work (loading and expanding a plan, re-planning, building feeds) on a
/// thread of its own, never on the cooperative pool: the pool has one thread per core (two here),
/// and the control server's requests run on it, so a reload of a large plan must not occupy it.
/// Cancelling the awaiting task sets the flag the work polls; the work then returns early.
public enum BlockingWork {
    /// Runs `body` on a new thread and waits for its result.
    public static func run<T: Sendable>(
        _ name: String, _ body: @escaping @Sendable (CancellationFlag) -> T
    ) async -> T {
        let flag = CancellationFlag()
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<T, Never>) in
                let thread = Thread {
                    continuation.resume(returning: body(flag))
                }
                thread.name = name
                thread.stackSize = 8 << 20
                thread.start()
            }
        } onCancel: {
            flag.cancel()
        }
    }
}
