import CSystemd
import Foundation

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
public final class WallClockTimer: Sendable {
    private let timerFD: Int32
    private let stopFD: Int32
    /// Wake-ups, in order. Finishes when the timer is stopped.
    public let wakes: AsyncStream<WallClockWake>
    private let continuation: AsyncStream<WallClockWake>.Continuation

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
        timerFD = timer
        stopFD = stop
        (wakes, continuation) = AsyncStream.makeStream(of: WallClockWake.self, bufferingPolicy: .bufferingNewest(8))
        let thread = Thread { [timer, stop, continuation] in
            Self.waitLoop(timer: timer, stop: stop, continuation: continuation)
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
        guard timerfd_settime(timerFD, Self.timerAbsolute | Self.cancelOnSet, &spec, nil) == 0 else {
            throw WallClockTimerError(operation: "timerfd_settime", errno: errno)
        }
    }

    /// Stops the waiting thread and ends ``wakes``. Idempotent.
    public func stop() {
        var one: UInt64 = 1
        _ = write(stopFD, &one, 8)
    }

    private static func waitLoop(timer: Int32, stop: Int32, continuation: AsyncStream<WallClockWake>.Continuation) {
        defer {
            continuation.finish()
            close(timer)
            close(stop)
        }
        var fds = [pollfd(fd: timer, events: Int16(POLLIN), revents: 0), pollfd(fd: stop, events: Int16(POLLIN), revents: 0)]
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
            let count = read(timer, &expirations, 8)
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
