/// The daemon's side of the control protocol. The server decodes requests, checks authorization
/// and calls `handle`; the handler answers from real daemon state.
///
/// Throw a `ControlError` for failures the caller should see (`not_found`, `invalid_plan`, ...);
/// any other error becomes `internal` and is logged, its text is not sent to the client.
public protocol ControlHandler: Sendable {
    func handle(_ command: ControlCommand, from peer: ControlPeer) async throws -> ControlResult

    /// The answer to a command that changes nothing and needs no waiting (a read of state the
    /// daemon keeps composed, such as `status`), or nil to send the command through `handle`.
    /// Called on the connection's event loop: it must return at once, never block or await.
    func immediateResult(for command: ControlCommand) -> ControlResult?
}

extension ControlHandler {
    public func immediateResult(for command: ControlCommand) -> ControlResult? { nil }
}

/// The caller of a request, as the kernel reported it when the connection was accepted.
public struct ControlPeer: Sendable, Hashable {
    public var credentials: PeerCredentials

    public init(credentials: PeerCredentials) {
        self.credentials = credentials
    }

    public var uid: UInt32 { credentials.uid }
}
