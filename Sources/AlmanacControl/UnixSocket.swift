#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Blocking Unix stream socket calls for the client (and the server's stale-socket probe).
enum UnixSocket {
    enum Probe {
        case answers
        case stale
    }

    /// Whether some process accepts connections on `path`.
    static func probe(path: String) -> Probe {
        guard let fd = try? connect(path: path, timeout: .seconds(1)) else { return .stale }
        close(fd)
        return .answers
    }

    /// Connects to `path` with send and receive timeouts set on the socket (they also bound a
    /// connect that waits for a full listen backlog).
    static func connect(path: String, timeout: Duration) throws(ControlSystemError) -> CInt {
        #if os(Linux)
        let fd = socket(AF_UNIX, CInt(SOCK_STREAM.rawValue) | CInt(SOCK_CLOEXEC.rawValue), 0)
        #else
        let fd = socket(AF_UNIX, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw ControlSystemError(operation: "socket", errno: errno) }
        do throws(ControlSystemError) {
            try setTimeouts(fd, timeout)
            var address = sockaddr_un()
            address.sun_family = sa_family_t(AF_UNIX)
            let bytes = Array(path.utf8)
            let capacity = MemoryLayout.size(ofValue: address.sun_path)
            guard bytes.count < capacity else {
                throw ControlSystemError(operation: "connect \(path)", errno: ENAMETOOLONG)
            }
            withUnsafeMutableBytes(of: &address.sun_path) { raw in
                raw.copyBytes(from: bytes)
                raw[bytes.count] = 0
            }
            let result = withUnsafePointer(to: &address) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
                }
            }
            guard result == 0 else { throw ControlSystemError(operation: "connect \(path)", errno: errno) }
            return fd
        } catch {
            close(fd)
            throw error
        }
    }

    static func setTimeouts(_ fd: CInt, _ timeout: Duration) throws(ControlSystemError) {
        let (seconds, attoseconds) = timeout.components
        var value = timeval(tv_sec: Int(seconds), tv_usec: Int(attoseconds / 1_000_000_000_000))
        if value.tv_sec == 0 && value.tv_usec == 0 { value.tv_usec = 1 }
        for option in [SO_RCVTIMEO, SO_SNDTIMEO] {
            guard setsockopt(fd, SOL_SOCKET, option, &value, socklen_t(MemoryLayout<timeval>.size)) == 0 else {
                throw ControlSystemError(operation: "setsockopt", errno: errno)
            }
        }
    }

    /// Writes all of `bytes`, retrying on EINTR.
    static func writeAll(_ fd: CInt, _ bytes: [UInt8]) throws(ControlSystemError) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { raw in
                send(fd, raw.baseAddress! + offset, raw.count - offset, CInt(MSG_NOSIGNAL))
            }
            if written < 0 {
                if errno == EINTR { continue }
                throw ControlSystemError(operation: "send", errno: errno)
            }
            offset += written
        }
    }
}
