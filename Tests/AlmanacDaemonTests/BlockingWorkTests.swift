import Foundation
import Synchronization
import Testing

@testable import AlmanacDaemon

#if canImport(Glibc)
import Glibc
#endif

/// Long work runs on a thread of its own; work nobody waits for runs at a lower priority than the
/// threads that answer the control socket.
@Suite struct BlockingWorkTests {
    private static func niceness() -> Int32 { getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0) }

    /// Waits for `semaphore` on a thread of Dispatch's, not of the cooperative pool.
    private static func signalled(_ semaphore: DispatchSemaphore) async {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                semaphore.wait()
                continuation.resume()
            }
        }
    }

    @Test func backgroundWorkRunsFiveStepsNicerThanTheDaemon() async {
        let daemon = await BlockingWork.run("test-normal") { _ in Self.niceness() }
        let background = await BlockingWork.run("test-background", priority: .background) { _ in Self.niceness() }
        #expect(background == min(19, daemon + 5))
        // The thread's own niceness only: the next normal thread starts as the daemon does.
        #expect(await BlockingWork.run("test-normal") { _ in Self.niceness() } == daemon)
    }

    @Test func cancellingTheWaitSetsTheFlagTheWorkPolls() async {
        let started = DispatchSemaphore(value: 0)
        let task = Task {
            await BlockingWork.run("test-cancel", priority: .background) { flag in
                let cancelled = DispatchSemaphore(value: 0)
                _ = flag.onCancel { cancelled.signal() }
                started.signal()
                cancelled.wait()
                return flag.isCancelled
            }
        }
        await Self.signalled(started)
        task.cancel()
        #expect(await task.value)
    }

    /// The daemon stopping abandons work that has not begun what must not be cut off: the wait
    /// ends at once, the work's result is dropped.
    @Test func aStopAbandonsWorkThatHasNotCommitted() async {
        let stop = CancellationFlag()
        let release = DispatchSemaphore(value: 0)
        let started = DispatchSemaphore(value: 0)
        let waiting = Task {
            await BlockingWork.abandonable("test-abandon", stop: stop, committed: CancellationFlag()) { _ in
                started.signal()
                release.wait()
                return 1
            }
        }
        await Self.signalled(started)
        stop.cancel()
        #expect(await waiting.value == nil)
        release.signal()
    }

    /// Work that committed before the stop is waited for to its end.
    @Test func aStopWaitsForWorkThatCommitted() async {
        let stop = CancellationFlag()
        let committed = CancellationFlag()
        let release = DispatchSemaphore(value: 0)
        let didCommit = DispatchSemaphore(value: 0)
        let waiting = Task {
            await BlockingWork.abandonable("test-commit", stop: stop, committed: committed) { _ in
                committed.cancel()
                didCommit.signal()
                release.wait()
                return stop.isCancelled ? 2 : 1
            }
        }
        await Self.signalled(didCommit)
        stop.cancel()
        release.signal()
        #expect(await waiting.value == 2)
    }

    @Test func aFlagCallsItsHandlersOnceAndLateOnesAtOnce() {
        let flag = CancellationFlag()
        let calls = Mutex(0)
        let token = flag.onCancel { calls.withLock { $0 += 1 } }
        let removed = flag.onCancel { calls.withLock { $0 += 100 } }
        flag.removeHandler(removed)
        _ = token
        flag.cancel()
        flag.cancel()
        #expect(calls.withLock { $0 } == 1)
        _ = flag.onCancel { calls.withLock { $0 += 10 } }
        #expect(calls.withLock { $0 } == 11)
    }
}
