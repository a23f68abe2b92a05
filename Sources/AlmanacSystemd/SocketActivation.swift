import CSystemd

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// An error while adopting the sockets that the service manager passed.
public struct SocketActivationError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What went wrong.
    public enum Code: String, Sendable {
        /// `sd_listen_fds` failed (for example `$LISTEN_FDS` is malformed).
        case listenFDsFailed = "listen-fds-failed"
        /// More than one socket was passed; almanacd listens on exactly one.
        case tooManySockets = "too-many-sockets"
        /// The passed descriptor is not a listening Unix stream socket.
        case notAUnixStreamListener = "not-a-unix-stream-listener"
    }

    public var code: Code
    public var detail: String

    public init(_ code: Code, _ detail: String) {
        self.code = code
        self.detail = detail
    }

    public var description: String { "socket activation: \(detail) [\(code.rawValue)]" }
}

/// Socket activation (`sd_listen_fds(3)`): the listening control socket systemd opened for us.
public enum SocketActivation {
    /// The first descriptor systemd passes (`SD_LISTEN_FDS_START`).
    public static let firstDescriptor: Int32 = 3

    /// Adopts the listening Unix stream socket passed by the service manager.
    ///
    /// Returns the descriptor, or `nil` when the process was not socket-activated (then the
    /// caller binds the socket itself). Clears `$LISTEN_FDS`, `$LISTEN_PID` and `$LISTEN_FDNAMES`
    /// so that child processes do not believe the sockets are theirs. Call it once. Without
    /// libsystemd (``LibSystemd``) nothing was passed as far as almanacd can tell: `nil`.
    public static func adoptListeningSocket() throws(SocketActivationError) -> Int32? {
        guard let systemd = try? LibSystemd.shared.get() else { return nil }
        return try adoptListeningSocket(systemd)
    }

    static func adoptListeningSocket(_ systemd: LibSystemd) throws(SocketActivationError) -> Int32? {
        let count = systemd.functions.sd_listen_fds(1)
        if count < 0 {
            throw SocketActivationError(.listenFDsFailed, "sd_listen_fds failed: \(String(cString: strerror(-count)))")
        }
        if count == 0 { return nil }
        if count > 1 {
            throw SocketActivationError(.tooManySockets, "\(count) sockets passed, expected one")
        }
        let fd = firstDescriptor
        guard isUnixStreamListener(fd, systemd) else {
            throw SocketActivationError(.notAUnixStreamListener, "descriptor \(fd) is not a listening Unix stream socket")
        }
        return fd
    }

    /// Whether `fd` is a listening `AF_UNIX` `SOCK_STREAM` socket (`sd_is_socket_unix`); `false`
    /// without libsystemd.
    public static func isUnixStreamListener(_ fd: Int32) -> Bool {
        guard let systemd = try? LibSystemd.shared.get() else { return false }
        return isUnixStreamListener(fd, systemd)
    }

    static func isUnixStreamListener(_ fd: Int32, _ systemd: LibSystemd) -> Bool {
        systemd.functions.sd_is_socket_unix(fd, streamType, 1, nil, 0) > 0
    }

    #if canImport(Glibc)
    static let streamType = Int32(SOCK_STREAM.rawValue)
    #else
    static let streamType = Int32(SOCK_STREAM)
    #endif
}
