import AlmanacHost
import CSystemd
import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Why the wall-clock timer woke up.
public enum WallClockWake: Sendable, Hashable {
    /// The instant it was armed for has come.
    case expired
    /// The wall clock was set (a jump either way, NTP step, resume from suspend): re-plan.
    case clockChanged
}

/// What the scheduler sleeps on: a timer armed for the next wake-up that also reports changes
/// of the wall clock. ``WallClockTimer`` is the real one; ``ManualTimer`` follows a ``ManualClock``
/// in tests.
public protocol WakeTimer: Sendable {
    /// Wake-ups, in order; finishes when the timer is stopped.
    var wakes: AsyncStream<WallClockWake> { get }
    /// Arms the timer for `instant`; `nil`: only clock changes wake.
    func arm(at instant: Date?) throws(WallClockTimerError)
    /// Stops the timer and ends ``wakes``.
    func stop()
}

/// A timer on a ``ManualClock``: it expires when the clock is set to or past the armed instant,
/// and reports a clock change when the clock is set backwards. Nothing sleeps.
public final class ManualTimer: WakeTimer {
    private struct State {
        var armed: Date?
        var last: Date
        var stopped = false
    }

    private let state: Mutex<State>
    private let continuation: AsyncStream<WallClockWake>.Continuation
    public let wakes: AsyncStream<WallClockWake>

    public init(clock: ManualClock) {
        state = Mutex(State(last: clock.now()))
        (wakes, continuation) = AsyncStream.makeStream(of: WallClockWake.self, bufferingPolicy: .bufferingNewest(8))
        clock.observe { [weak self] now in self?.clockMoved(to: now) }
    }

    func clockMoved(to now: Date) {
        let wake: WallClockWake? = state.withLock { state in
            guard !state.stopped else { return nil }
            defer { state.last = now }
            if now < state.last { return .clockChanged }
            if let armed = state.armed, armed <= now {
                state.armed = nil
                return .expired
            }
            return nil
        }
        if let wake { continuation.yield(wake) }
    }

    public func arm(at instant: Date?) throws(WallClockTimerError) {
        let expired: Bool = state.withLock { state in
            guard !state.stopped else { return false }
            if let instant, instant <= state.last {
                state.armed = nil
                return true
            }
            state.armed = instant
            return false
        }
        if expired { continuation.yield(.expired) }
    }

    /// The instant the timer is armed for.
    public var armed: Date? { state.withLock { $0.armed } }

    public func stop() {
        state.withLock { $0.stopped = true }
        continuation.finish()
    }
}

/// Why the timer could not be created.
public struct WallClockTimerError: Error, Hashable, Sendable, CustomStringConvertible {
    public var operation: String
    public var errno: Int32

    public var description: String { "wall-clock timer: \(operation): \(String(cString: strerror(errno)))" }
}

/// A timer on the wall clock that also reports changes of the wall clock.
///
/// A `timerfd` on `CLOCK_REALTIME` armed with an absolute expiry and `TFD_TIMER_CANCEL_ON_SET`:
/// the kernel ends the wait when the instant comes *or* when the clock is set (and on resume
/// from suspend), so the scheduler sleeps until its next wake-up with no polling at all and still
/// hears of every jump. A thread of its own waits in `poll(2)` on the timer and on an eventfd that
/// stops it; each wake-up is delivered on ``wakes``.
public final class WallClockTimer: WakeTimer {
    /// The descriptors and whether they are still open, shared with the waiting thread. The lock
    /// makes sure nothing is written to a descriptor after the thread closed it (its number may
    /// belong to another file by then).
    private final class Descriptors: @unchecked Sendable {
        let lock = NSLock()
        let timer: Int32
        let stop: Int32
        var open = true
        var stopRequested = false

        init(timer: Int32, stop: Int32) {
            self.timer = timer
            self.stop = stop
        }

        func requestStop() {
            lock.withLock {
                guard open, !stopRequested else { return }
                stopRequested = true
                var one: UInt64 = 1
                _ = write(stop, &one, 8)
            }
        }

        func closeAll() {
            lock.withLock {
                guard open else { return }
                open = false
                close(timer)
                close(stop)
            }
        }

        /// Runs `body` with the timer descriptor if it is still open.
        func withTimer<T>(_ body: (Int32) -> T) -> T? {
            lock.withLock { open ? body(timer) : nil }
        }
    }

    private let descriptors: Descriptors
    /// Wake-ups, in order. Finishes when the timer is stopped.
    public let wakes: AsyncStream<WallClockWake>

    private static let timerAbsolute = Int32(TFD_TIMER_ABSTIME)
    private static let cancelOnSet = Int32(TFD_TIMER_CANCEL_ON_SET)

    public init() throws(WallClockTimerError) {
        let timer = timerfd_create(CLOCK_REALTIME, Int32(TFD_CLOEXEC))
        guard timer >= 0 else { throw WallClockTimerError(operation: "timerfd_create", errno: errno) }
        let stop = eventfd(0, Int32(EFD_CLOEXEC))
        guard stop >= 0 else {
            let code = errno
            close(timer)
            throw WallClockTimerError(operation: "eventfd", errno: code)
        }
        let descriptors = Descriptors(timer: timer, stop: stop)
        self.descriptors = descriptors
        let (wakes, continuation) = AsyncStream.makeStream(of: WallClockWake.self, bufferingPolicy: .bufferingNewest(8))
        self.wakes = wakes
        let thread = Thread {
            Self.waitLoop(descriptors, continuation: continuation)
        }
        thread.name = "almanac-wallclock"
        thread.start()
    }

    deinit {
        stop()
    }

    /// Arms the timer for `instant` (wall clock); `nil` arms it far in the future, which still
    /// reports clock changes. An instant in the past expires at once.
    public func arm(at instant: Date?) throws(WallClockTimerError) {
        // With TFD_TIMER_CANCEL_ON_SET the timer must be armed to hear clock changes at all.
        let target = instant ?? Date(timeIntervalSince1970: Date().timeIntervalSince1970 + 365 * 86_400)
        var seconds = target.timeIntervalSince1970.rounded(.down)
        var nanoseconds = Int((target.timeIntervalSince1970 - seconds) * 1e9)
        if seconds < 1 {
            seconds = 1
            nanoseconds = 0
        }
        var spec = itimerspec(
            it_interval: timespec(tv_sec: 0, tv_nsec: 0),
            it_value: timespec(tv_sec: Int(seconds), tv_nsec: nanoseconds))
        let result = descriptors.withTimer { fd in
            timerfd_settime(fd, Self.timerAbsolute | Self.cancelOnSet, &spec, nil) == 0 ? 0 : errno
        }
        guard let result else { return }  // stopped: nothing left to arm
        guard result == 0 else { throw WallClockTimerError(operation: "timerfd_settime", errno: result) }
    }

    /// Stops the waiting thread and ends ``wakes``. Idempotent.
    public func stop() {
        descriptors.requestStop()
    }

    private static func waitLoop(_ descriptors: Descriptors, continuation: AsyncStream<WallClockWake>.Continuation) {
        defer {
            continuation.finish()
            descriptors.closeAll()
        }
        var fds = [
            pollfd(fd: descriptors.timer, events: Int16(POLLIN), revents: 0),
            pollfd(fd: descriptors.stop, events: Int16(POLLIN), revents: 0),
        ]
        while true {
            fds[0].revents = 0
            fds[1].revents = 0
            let ready = poll(&fds, 2, -1)
            if ready < 0 {
                if errno == EINTR { continue }
                return
            }
            if fds[1].revents != 0 { return }
            guard fds[0].revents != 0 else { continue }
            var expirations: UInt64 = 0
            let count = read(descriptors.timer, &expirations, 8)
            if count == 8 {
                continuation.yield(.expired)
            } else if count < 0 && errno == ECANCELED {
                continuation.yield(.clockChanged)
            } else if count < 0 && (errno == EAGAIN || errno == EINTR) {
                continue
            } else {
                return
            }
        }
    }
}
