import Foundation
import Glibc

/// Standard output or standard error, written with `write(2)`: the one way almanacctl and
/// almanacd write to them.
///
/// Not Foundation's `FileHandle.write(_:)`: it force-tries the write and traps (SIGILL, exit
/// status 132, with nothing printed) when the write fails. That happens whenever the reader has
/// gone (EPIPE) in a process that ignores SIGPIPE, as every child of a process using SwiftNIO
/// does (NIO ignores SIGPIPE process-wide on Linux, and the disposition is inherited): a test
/// harness or a script that stops reading, `almanacctl … | head`. Here a write is retried after
/// EINTR, waits with `poll` on EAGAIN (a descriptor left non-blocking by whoever handed it over),
/// and reports any other failure to the caller, which decides: almanacctl exits quietly with
/// ``readerGoneStatus``, almanacd drops the line and keeps serving.
public struct StandardStream: Sendable {
    /// Why a write did not complete.
    public struct WriteError: Error, Sendable, Hashable, CustomStringConvertible {
        /// The `errno` of the failed `write(2)`: EPIPE when the reader has gone.
        public var code: CInt

        public init(code: CInt) { self.code = code }

        public var description: String { String(cString: strerror(code)) }
    }

    /// File descriptor 1.
    public static let output = StandardStream(descriptor: STDOUT_FILENO)
    /// File descriptor 2.
    public static let error = StandardStream(descriptor: STDERR_FILENO)

    /// The exit status of almanacctl when its output cannot be written: 74, EX_IOERR in sysexits(3).
    public static let readerGoneStatus: Int32 = 74

    /// The descriptor written to.
    public let descriptor: CInt

    public init(descriptor: CInt) {
        self.descriptor = descriptor
    }

    /// Writes all of `text` (UTF-8), or throws the first error that is not EINTR or EAGAIN.
    public func write(_ text: String) throws(WriteError) {
        try write(bytes: Array(text.utf8))
    }

    /// Writes `text`, and on failure ends the process quietly with ``readerGoneStatus``: there is
    /// no one left to tell (for standard error) or the output is incomplete, so the status says it.
    public func writeOrExit(_ text: String) {
        writeOrExit(bytes: Array(text.utf8))
    }

    /// Writes `bytes` as ``writeOrExit(_:)`` writes text.
    public func writeOrExit(bytes: [UInt8]) {
        do {
            try write(bytes: bytes)
        } catch {
            Glibc.exit(Self.readerGoneStatus)
        }
    }

    /// Writes all of `bytes`, or throws the first error that is not EINTR or EAGAIN.
    public func write(bytes: [UInt8]) throws(WriteError) {
        var offset = 0
        while offset < bytes.count {
            let count = bytes.withUnsafeBytes { buffer in
                Glibc.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
            }
            if count >= 0 {
                offset += count
                continue
            }
            let code = errno
            switch code {
            case EINTR:
                continue
            case EAGAIN, EWOULDBLOCK:
                var entry = pollfd(fd: descriptor, events: Int16(POLLOUT), revents: 0)
                _ = poll(&entry, 1, -1)
            default:
                throw WriteError(code: code)
            }
        }
    }
}
