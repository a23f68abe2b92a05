/// Who gets one of the control server's connection slots: the pure part of its limits, so that
/// one user cannot lock everyone else out (docs/control-protocol.md, "Limits").
///
/// - At most `maxConnections` connections at once.
/// - Of these, `reservedForAdmins` are kept for administrators (root, the daemon's own uid, the
///   admin group): the others are admitted only while fewer than `maxConnections -
///   reservedForAdmins` are open.
/// - At most `maxPerUID` connections of one uid that is not an administrator.
///
/// Whether a peer is an administrator means reading the user and group databases, so the
/// server asks only when the answer matters (``Verdict/needsAdminCheck``).
struct ConnectionAdmission: Sendable {
    struct Limits: Sendable, Hashable {
        var maxConnections: Int
        var maxPerUID: Int
        var reservedForAdmins: Int
    }

    enum Verdict: Sendable, Hashable {
        case admitted
        /// The peer is over a limit that does not apply to administrators: ask, then call again.
        case needsAdminCheck
        case refused(String)
    }

    let limits: Limits
    private(set) var total = 0
    private(set) var byUID: [UInt32: Int] = [:]

    init(_ limits: Limits) {
        self.limits = limits
    }

    /// Admits a connection of `uid` (counting it) or says why not. `admin` is nil while unknown.
    mutating func admit(uid: UInt32, admin: Bool?) -> Verdict {
        let mine = byUID[uid, default: 0]
        let forEveryone = max(0, limits.maxConnections - limits.reservedForAdmins)
        if total < forEveryone && mine < limits.maxPerUID {
            count(uid)
            return .admitted
        }
        guard total < limits.maxConnections else {
            return .refused("too many connections (limit \(limits.maxConnections)); try again")
        }
        guard let admin else { return .needsAdminCheck }
        if admin {
            count(uid)
            return .admitted
        }
        if mine >= limits.maxPerUID {
            return .refused("too many connections from uid \(uid) (limit \(limits.maxPerUID) per user); try again")
        }
        return .refused(
            "too many connections (the last \(limits.reservedForAdmins) of \(limits.maxConnections) are kept for administrators); try again")
    }

    /// Frees the slot of a connection of `uid` that `admit` counted.
    mutating func release(uid: UInt32) {
        total -= 1
        let left = byUID[uid, default: 1] - 1
        byUID[uid] = left > 0 ? left : nil
    }

    private mutating func count(_ uid: UInt32) {
        total += 1
        byUID[uid, default: 0] += 1
    }
}
