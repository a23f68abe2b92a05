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
}
