// Waiting for files without polling: inotify tells when something in a directory changed.
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Changes in one directory — a file created, written and closed, renamed into it, removed — as
/// inotify reports them. Create it before what it waits for can happen, then ``wait(_:hangGuard:until:)``:
/// the condition is read again after each change, so nothing is missed and nothing polls.
public final class DirectoryWatch: @unchecked Sendable {
    private let descriptor: CInt

    public init(_ directory: String) throws {
        descriptor = inotify_init1(CInt(IN_CLOEXEC))
        guard descriptor >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        let mask = UInt32(IN_CREATE | IN_CLOSE_WRITE | IN_MOVED_TO | IN_DELETE | IN_MODIFY | IN_ATTRIB)
        guard inotify_add_watch(descriptor, directory, mask) >= 0 else {
            let code = errno
            close(descriptor)
            throw POSIXError(POSIXErrorCode(rawValue: code) ?? .EIO)
        }
    }

    deinit { close(descriptor) }

    /// Blocks until `holds` is true, reading it now and after each change in the directory.
    /// `hangGuard` only stops a test that would hang: running out of it throws ``WaitExpired``.
    public func wait(_ what: String, hangGuard: Duration = .seconds(120), until holds: () -> Bool) throws {
        let deadline = ContinuousClock.now + hangGuard
        var buffer = [UInt8](repeating: 0, count: 16_384)
        var entry = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        while !holds() {
            let left = deadline - ContinuousClock.now
            guard left > .zero else { throw WaitExpired(what: what, hangGuard: hangGuard) }
            let ready = poll(&entry, 1, CInt(min(left.components.seconds * 1000 + 1, 60_000)))
            if ready > 0 { _ = read(descriptor, &buffer, buffer.count) }
        }
    }
}
