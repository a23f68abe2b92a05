#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The credentials of the process at the other end of a Unix socket, as the kernel reports them
/// (`SO_PEERCRED`): they cannot be forged by the client.
public struct PeerCredentials: Sendable, Hashable, CustomStringConvertible {
    public var pid: Int32
    public var uid: UInt32
    public var gid: UInt32

    public init(pid: Int32, uid: UInt32, gid: UInt32) {
        self.pid = pid
        self.uid = uid
        self.gid = gid
    }

    public var description: String { "pid \(pid), uid \(uid), gid \(gid)" }

    /// Reads the peer credentials of a connected Unix socket.
    public static func of(socket fd: CInt) throws(ControlSystemError) -> PeerCredentials {
        #if os(Linux)
        var cred = RawUcred()
        var length = socklen_t(MemoryLayout<RawUcred>.size)
        guard getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &length) == 0 else {
            throw ControlSystemError(operation: "getsockopt(SO_PEERCRED)", errno: errno)
        }
        return PeerCredentials(pid: cred.pid, uid: cred.uid, gid: cred.gid)
        #else
        throw ControlSystemError(operation: "getsockopt(SO_PEERCRED)", errno: ENOTSUP)
        #endif
    }
}

/// `struct ucred` of Linux, laid out the same way; Glibc only declares it under `_GNU_SOURCE`.
struct RawUcred: Sendable {
    var pid: Int32 = 0
    var uid: UInt32 = 0
    var gid: UInt32 = 0
}

/// A failed system call, with its errno.
public struct ControlSystemError: Error, Sendable, Hashable, CustomStringConvertible {
    public var operation: String
    public var errno: CInt

    public init(operation: String, errno: CInt) {
        self.operation = operation
        self.errno = errno
    }

    public var description: String { "\(operation): \(String(cString: strerror(errno)))" }
}

/// Who may change state: root, the daemon's own uid, and members of the admin group
/// (primary or supplementary, as `getgrouplist(3)` reports them for the peer's uid).
public struct ControlAuthorization: Sendable, Hashable {
    /// The name of the admin group, or nil for "root only".
    public var adminGroup: String?
    /// The uid the daemon runs as; it may change state too (it owns the state database anyway).
    public var ownUID: UInt32

    public init(adminGroup: String?, ownUID: UInt32 = getuid()) {
        self.adminGroup = adminGroup
        self.ownUID = ownUID
    }

    /// The verdict for one caller.
    public enum Verdict: Sendable, Hashable {
        case allowed
        case denied(reason: String)
    }

    /// Decides whether the caller may run a command that changes state. Reads the user and group
    /// databases each time, so a change of group membership takes effect without a restart.
    public func mayChangeState(_ peer: PeerCredentials) -> Verdict {
        if peer.uid == 0 || peer.uid == ownUID { return .allowed }
        let user = Self.userName(uid: peer.uid)
        let who = user.map { "uid \(peer.uid) (\($0))" } ?? "uid \(peer.uid)"
        guard let adminGroup else {
            return .denied(reason: "\(who) is not root, and no admin group is configured (admin_group)")
        }
        guard let adminGID = Self.groupID(named: adminGroup) else {
            return .denied(reason: "\(who) is not root, and the admin group '\(adminGroup)' does not exist")
        }
        if peer.gid == adminGID { return .allowed }
        if let user, Self.groups(ofUser: user, primary: peer.gid).contains(adminGID) { return .allowed }
        return .denied(reason: "\(who) is neither root nor a member of the admin group '\(adminGroup)'")
    }

    static func userName(uid: UInt32) -> String? {
        var pwd = passwd()
        var result: UnsafeMutablePointer<passwd>?
        var buffer = [CChar](repeating: 0, count: 4096)
        let status = getpwuid_r(uid_t(uid), &pwd, &buffer, buffer.count, &result)
        guard status == 0, let entry = result, let name = entry.pointee.pw_name else { return nil }
        return String(cString: name)
    }

    static func groupID(named name: String) -> UInt32? {
        var grp = group()
        var result: UnsafeMutablePointer<group>?
        var buffer = [CChar](repeating: 0, count: 16384)
        let status = getgrnam_r(name, &grp, &buffer, buffer.count, &result)
        guard status == 0, let entry = result else { return nil }
        return UInt32(entry.pointee.gr_gid)
    }

    static func groups(ofUser user: String, primary: UInt32) -> [UInt32] {
        var count: CInt = 64
        for _ in 0..<4 {
            var groups = [gid_t](repeating: 0, count: Int(count))
            var n = count
            if getgrouplist(user, gid_t(primary), &groups, &n) >= 0 {
                return groups.prefix(Int(n)).map { UInt32($0) }
            }
            // Too small: `n` now holds the number needed.
            count = max(n, count * 2)
        }
        return []
    }
}
