/// The daemon's side of the control protocol. The server decodes requests, checks authorization
/// and calls `handle`; the handler answers from real daemon state.
///
/// Throw a `ControlError` for failures the caller should see (`not_found`, `invalid_plan`, ...);
/// any other error becomes `internal` and is logged, its text is not sent to the client.
public protocol ControlHandler: Sendable {
    func handle(_ command: ControlCommand, from peer: ControlPeer) async throws -> ControlResult
}

/// The caller of a request, as the kernel reported it when the connection was accepted.
public struct ControlPeer: Sendable, Hashable {
    public var credentials: PeerCredentials

    public init(credentials: PeerCredentials) {
        self.credentials = credentials
    }

    public var uid: UInt32 { credentials.uid }
}
