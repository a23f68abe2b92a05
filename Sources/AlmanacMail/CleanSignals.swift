#if canImport(Glibc)
import Glibc
#endif

/// Spawn attributes that start a child as systemd or a login shell would: no signal blocked and
/// every signal at its default action. Without them a child inherits its parent's state — SIGPIPE
/// ignored (SwiftNIO ignores it process-wide), SIGTERM or SIGHUP ignored or blocked by a signal
/// source — and a `kill -TERM` of the child, or its broken pipe, would not end it.
///
/// Used for every program almanac starts (the sendmail transport) and by the tests for every
/// program they start.
public struct CleanSignals: ~Copyable {
    /// For `posix_spawn`'s attributes argument, while this value lives.
    public let attributes: UnsafeMutablePointer<posix_spawnattr_t>

    /// - Parameter blocking: Signals the child starts with blocked, the rest unblocked (tests: a
    ///   signal sent at once then waits for the child's own code instead of ending it).
    public init(blocking: [Int32] = []) {
        attributes = .allocate(capacity: 1)
        posix_spawnattr_init(attributes)
        var mask = sigset_t()
        sigemptyset(&mask)
        for signal in blocking { sigaddset(&mask, signal) }
        posix_spawnattr_setsigmask(attributes, &mask)
        var all = sigset_t()
        sigemptyset(&all)
        for signal in Int32(1)..<32 where signal != SIGKILL && signal != SIGSTOP { sigaddset(&all, signal) }
        posix_spawnattr_setsigdefault(attributes, &all)
        posix_spawnattr_setflags(attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
    }

    deinit {
        posix_spawnattr_destroy(attributes)
        attributes.deallocate()
    }
}
