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

    @Test func backgroundWorkRunsFiveStepsNicerThanTheDaemon() async {
        let daemon = await BlockingWork.run("test-normal") { _ in Self.niceness() }
        let background = await BlockingWork.run("test-background", priority: .background) { _ in Self.niceness() }
        #expect(background == min(19, daemon + 5))
        // The thread's own niceness only: the next normal thread starts as the daemon does.
        #expect(await BlockingWork.run("test-normal") { _ in Self.niceness() } == daemon)
    }

    @Test func cancellingTheWaitSetsTheFlagTheWorkPolls() async {
        let started = CancellationFlag()
        let task = Task {
            await BlockingWork.run("test-cancel", priority: .background) { flag in
                started.cancel()
                while !flag.isCancelled { usleep(1_000) }
                return true
            }
        }
        while !started.isCancelled { await Task.yield() }
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
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                started.wait()
                continuation.resume()
            }
        }
        stop.cancel()
        #expect(await waiting.value == nil)
        release.signal()
    }

    /// Work that committed before the stop is waited for to its end.
    @Test func aStopWaitsForWorkThatCommitted() async {
        let stop = CancellationFlag()
        let committed = CancellationFlag()
        let release = DispatchSemaphore(value: 0)
        let waiting = Task {
            await BlockingWork.abandonable("test-commit", stop: stop, committed: committed) { _ in
                committed.cancel()
                release.wait()
                return stop.isCancelled ? 2 : 1
            }
        }
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                while !committed.isCancelled { usleep(1_000) }
                continuation.resume()
            }
        }
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
