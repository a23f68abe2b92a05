import Foundation
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Settings of the control server.
public struct ControlServerConfiguration: Sendable {
    /// Where the server listens.
    public enum Endpoint: Sendable, Hashable {
        /// Bind this path: a stale socket file is removed, a live one (another daemon answers) is an error.
        case path(String)
        /// Adopt an already listening Unix stream socket (socket activation, `LISTEN_FDS`).
        case listeningSocket(CInt)
    }

    public var endpoint: Endpoint
    /// Who may change state.
    public var authorization: ControlAuthorization
    /// Permission bits of a socket file the server binds itself.
    public var socketMode: mode_t = 0o660
    /// Group of a socket file the server binds itself (nil: leave the process's group).
    public var socketGroup: String?
    /// Whether a `socketGroup` that does not exist or cannot be given to the socket stops the
    /// server from starting (`true`), or is only logged as a warning (`false`: a default group).
    public var socketGroupRequired: Bool = true
    /// Longest request line accepted, in bytes: 1 MiB, so that a `progress-import` of a
    /// checklist of 5,000 indicators (about 350 KB of rows) fits; 64 KiB held about 1,500 rows.
    public var maxRequestBytes: Int = 1 << 20
    /// Most bytes of unfinished request lines held for all connections together: 16 MiB, 16
    /// lines of the longest kind at once. A connection whose line does not fit gets `busy`.
    public var maxPendingRequestBytes: Int = 16 << 20
    /// Most connections served at once; further ones get a `busy` error and are closed.
    public var maxConnections: Int = 128
    /// Most connections of one uid at once, unless it is an administrator (root, the daemon's
    /// uid, the admin group); further ones get `busy`.
    public var maxConnectionsPerUID: Int = 32
    /// Connections of `maxConnections` only administrators get, so that they can always get
    /// through (`almanacctl status` as root while others hold the rest).
    public var reservedForAdmins: Int = 8
    /// A new connection must send its first complete request line within this, or it gets an
    /// `idle_timeout` error and is closed: a client cannot hold a slot by trickling bytes.
    public var firstRequestTimeout: TimeAmount = .seconds(5)
    /// Between requests, a connection that sends no complete line for this long gets an
    /// `idle_timeout` error and is closed.
    public var idleTimeout: TimeAmount = .seconds(30)
    /// A refused connection gets its `busy` line, then the server shuts its side and reads and
    /// drops what the client sends for at most this long before it closes (so the client reads
    /// the line even when it writes its request after it).
    public var refusalLinger: TimeAmount = .seconds(2)
    /// Listen backlog of a socket the server binds itself.
    public var backlog: Int32 = 256

    public init(endpoint: Endpoint, authorization: ControlAuthorization) {
        self.endpoint = endpoint
        self.authorization = authorization
    }
}

/// Why the control server could not start.
public struct ControlServerError: Error, Sendable, Hashable, CustomStringConvertible {
    public struct Code: RawRepresentable, Sendable, Hashable {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        /// Another process answers on the socket path.
        public static let alreadyRunning = Code(rawValue: "already_running")
        /// The path exists and is not a socket; it is left alone.
        public static let pathOccupied = Code(rawValue: "path_occupied")
        /// A system call failed (bind, chmod, chown, unlink).
        public static let system = Code(rawValue: "system")
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}

/// A bound listening socket, ready for `ControlServer.serve(_:)`.
public struct ControlListener: Sendable {
    let channel: NIOAsyncChannel<AcceptedConnection, Never>
    /// The socket path the server created and removes on shutdown; nil for an adopted socket.
    public let ownedPath: String?
}

/// A newly accepted connection, or one the server refused because it is at its connection limit.
enum AcceptedConnection: Sendable {
    case connection(PendingConnection)
    case refused
}

/// An accepted connection with its caller's credentials. If it is dropped without being served
/// (shutdown while it waited in the accept queue), it still finishes its writer and closes.
final class PendingConnection: Sendable {
    let channel: NIOAsyncChannel<ControlFrame, ByteBuffer>
    let peer: ControlPeer

    init(channel: NIOAsyncChannel<ControlFrame, ByteBuffer>, peer: ControlPeer) {
        self.channel = channel
        self.peer = peer
    }

    deinit {
        channel.outbound.finish()
        channel.channel.close(promise: nil)
    }
}

/// The control server: newline-delimited JSON over a Unix stream socket, one child task per
/// connection, requests answered in order. See `docs/control-protocol.md`.
///
/// As a `Service` it binds on `run()` and stops accepting on graceful shutdown; callers that
/// want to know binding succeeded before going on (the daemon, before `READY=1`; tests) call
/// `bind()` and then `serve(_:)`.
public final class ControlServer: Service, Sendable {
    public let configuration: ControlServerConfiguration
    private let handler: any ControlHandler
    private let logger: Logger
    private let eventLoopGroup: any EventLoopGroup
    private let admission: Mutex<ConnectionAdmission>
    /// The bytes of unfinished request lines all connections may hold together.
    private let pendingLines: PendingLineBudget
    /// Recent answers to "is this uid an administrator?", until when they hold.
    private let adminVerdicts = Mutex<[UInt32: (admin: Bool, until: NIODeadline)]>([:])
    /// The last immediate result and its JSON: `status` asked again and again between two
    /// changes of the daemon's state is encoded once.
    private let lastImmediate = Mutex<(result: ControlResult, json: [UInt8])?>(nil)
    private let connectionListeners = Mutex<[AsyncStream<Void>.Continuation]>([])

    public init(
        configuration: ControlServerConfiguration,
        handler: any ControlHandler,
        logger: Logger,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) {
        self.configuration = configuration
        self.handler = handler
        self.logger = logger
        self.eventLoopGroup = eventLoopGroup
        self.pendingLines = PendingLineBudget(limit: configuration.maxPendingRequestBytes)
        self.admission = Mutex(ConnectionAdmission(ConnectionAdmission.Limits(
            maxConnections: configuration.maxConnections, maxPerUID: configuration.maxConnectionsPerUID,
            reservedForAdmins: configuration.reservedForAdmins)))
    }

    /// Connections being served right now.
    public var activeConnections: Int { admission.withLock { $0.total } }

    /// Connections of `uid` being served right now.
    public func activeConnections(uid: UInt32) -> Int { admission.withLock { $0.byUID[uid, default: 0] } }

    /// A signal after each connection admitted, refused or closed, so that a caller waiting for
    /// the counts above reads them again only when they may have changed. Keeps the newest signal.
    public func connectionChanges() -> AsyncStream<Void> {
        let (stream, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        connectionListeners.withLock { $0.append(continuation) }
        return stream
    }

    private func connectionsChanged() {
        connectionListeners.withLock { listeners in
            listeners.removeAll { if case .terminated = $0.yield() { true } else { false } }
        }
    }

    public func run() async throws {
        let listener = try await bind()
        try await serve(listener)
    }

    /// Binds the configured endpoint (or adopts the passed socket).
    public func bind() async throws -> ControlListener {
        let bootstrap = ServerBootstrap(group: eventLoopGroup)
            .serverChannelOption(.backlog, value: configuration.backlog)
            .childChannelOption(.allowRemoteHalfClosure, value: true)
        let initializer: @Sendable (any Channel) -> EventLoopFuture<AcceptedConnection> = { [self] channel in
            self.initialize(channel)
        }
        switch configuration.endpoint {
        case .listeningSocket(let fd):
            let channel = try await bootstrap.bind(fd, childChannelInitializer: initializer)
            logger.info("control socket adopted", metadata: ["control.fd": "\(fd)"])
            return ControlListener(channel: channel, ownedPath: nil)
        case .path(let path):
            try Self.clearStaleSocket(at: path)
            let channel = try await bootstrap.bind(unixDomainSocketPath: path, childChannelInitializer: initializer)
            do {
                try applyPermissions(path)
            } catch {
                try? await channel.channel.close()
                unlink(path)
                throw error
            }
            logger.info("control socket bound", metadata: ["control.path": "\(path)"])
            return ControlListener(channel: channel, ownedPath: path)
        }
    }

    /// Accepts and serves connections until the listener closes, the task is cancelled or
    /// graceful shutdown is triggered; then closes the open connections and removes the socket
    /// file the server created.
    public func serve(_ listener: ControlListener) async throws {
        defer {
            if let path = listener.ownedPath { unlink(path) }
        }
        try await withThrowingDiscardingTaskGroup { group in
            try await listener.channel.executeThenClose { inbound in
                do {
                    for try await accepted in inbound.cancelOnGracefulShutdown() {
                        guard case .connection(let connection) = accepted else { continue }
                        group.addTask { await self.serveConnection(connection) }
                    }
                } catch is CancellationError {
                    // Graceful shutdown (or cancellation) ends the accept loop: a normal stop.
                }
            }
            group.cancelAll()
        }
    }

    // MARK: - Connections

    private func initialize(_ channel: any Channel) -> EventLoopFuture<AcceptedConnection> {
        // SO_PEERCRED describes the process that connected; read it once, at accept time. The
        // limits depend on who it is.
        Self.peerCredentials(of: channel).flatMap { [self] credentials in
            let first = admission.withLock { $0.admit(uid: credentials.uid, admin: nil) }
            guard first == .needsAdminCheck else {
                return channel.eventLoop.makeCompletedFuture { try self.accept(channel, credentials, first) }
            }
            return isAdministrator(credentials, on: channel.eventLoop).flatMapThrowing { admin in
                try self.accept(channel, credentials, self.admission.withLock { $0.admit(uid: credentials.uid, admin: admin) })
            }
        }
    }

    /// Sets up an admitted connection, or one that only gets the `busy` reply.
    private func accept(
        _ channel: any Channel, _ credentials: PeerCredentials, _ verdict: ConnectionAdmission.Verdict
    ) throws -> AcceptedConnection {
        let sync = channel.pipeline.syncOperations
        defer { connectionsChanged() }
        guard verdict == .admitted else {
            let reason: String
            if case .refused(let text) = verdict { reason = text } else { reason = "too many connections; try again" }
            logger.debug("control connection refused", metadata: ["peer.uid": "\(credentials.uid)", "reason": "\(reason)"])
            try sync.addHandler(RefuseHandler(reply: Self.encode(
                ControlReply<ControlResult>(id: nil, error: ControlError(.busy, reason))), linger: configuration.refusalLinger))
            return .refused
        }
        channel.closeFuture.whenComplete { [self] _ in
            admission.withLock { $0.release(uid: credentials.uid) }
            connectionsChanged()
        }
        try sync.addHandler(ByteToMessageHandler(LineFrameDecoder(maxLength: configuration.maxRequestBytes, budget: pendingLines)))
        try sync.addHandler(IdleFrameInjector(firstLine: configuration.firstRequestTimeout, between: configuration.idleTimeout))
        try sync.addHandler(ImmediateReplyHandler(answer: { [self] line in self.immediateReply(to: line) }))
        let wrapped = try NIOAsyncChannel(
            wrappingChannelSynchronously: channel,
            configuration: .init(inboundType: ControlFrame.self, outboundType: ByteBuffer.self))
        return .connection(PendingConnection(channel: wrapped, peer: ControlPeer(credentials: credentials)))
    }

    /// Whether the peer is an administrator (root, the daemon's uid, the admin group). The group
    /// database may be slow (NSS modules): it is read on a thread of NIO's pool, never on the
    /// event loop, and a verdict is kept for a few seconds per uid, so a client reconnecting in a
    /// loop costs one lookup.
    private func isAdministrator(_ credentials: PeerCredentials, on eventLoop: any EventLoop) -> EventLoopFuture<Bool> {
        if credentials.uid == 0 || credentials.uid == configuration.authorization.ownUID {
            return eventLoop.makeSucceededFuture(true)
        }
        let now = NIODeadline.now()
        if let known = adminVerdicts.withLock({ $0[credentials.uid] }), known.until > now {
            return eventLoop.makeSucceededFuture(known.admin)
        }
        let authorization = configuration.authorization
        return NIOThreadPool.singleton.runIfActive(eventLoop: eventLoop) {
            authorization.mayChangeState(credentials) == .allowed
        }.map { [self] admin in
            adminVerdicts.withLock { verdicts in
                if verdicts.count > 1024 { verdicts.removeAll() }
                verdicts[credentials.uid] = (admin, now + .seconds(10))
            }
            return admin
        }
    }

    private func serveConnection(_ pending: PendingConnection) async {
        let peer = pending.peer
        do {
            try await pending.channel.executeThenClose { inbound, outbound in
                for try await frame in inbound {
                    switch frame {
                    case .line(let line):
                        try await outbound.write(await self.respond(to: line, from: peer))
                    case .tooLarge:
                        try await outbound.write(Self.encode(ControlReply<ControlResult>(id: nil, error: ControlError(
                            .tooLarge, "request line longer than \(configuration.maxRequestBytes) bytes; closing"))))
                        return
                    case .overBudget(let limit):
                        try await outbound.write(Self.encode(ControlReply<ControlResult>(id: nil, error: ControlError(
                            .busy, "the daemon holds \(limit) bytes of unfinished requests; try again shortly"))))
                        return
                    case .idle(let timeout, let first):
                        let what = first ? "no complete request within" : "no request for"
                        try await outbound.write(Self.encode(ControlReply<ControlResult>(id: nil, error: ControlError(
                            .idleTimeout, "\(what) \(Self.secondsText(timeout)) s; closing"))))
                        return
                    }
                }
            }
        } catch {
            logger.debug("control connection ended with an error", metadata: ["error": "\(error)"])
        }
    }

    /// Answers one request line: decode, authorize, dispatch, encode.
    func respond(to line: ByteBuffer, from peer: ControlPeer) async -> ByteBuffer {
        let request: ControlRequest
        switch ControlRequest.decode(line: line.readableBytesView) {
        case .failure(let failure):
            return Self.encode(ControlReply<ControlResult>(id: failure.id, error: failure.error))
        case .success(let decoded):
            request = decoded
        }
        let name = request.command.name
        if name.changesState, case .denied(let reason) = configuration.authorization.mayChangeState(peer.credentials) {
            logger.notice("control request refused", metadata: [
                "control.command": "\(name.rawValue)", "peer.uid": "\(peer.uid)", "peer.pid": "\(peer.credentials.pid)",
            ])
            return Self.encode(ControlReply<ControlResult>(id: request.id, error: ControlError(
                .unauthorized, "'\(name.rawValue)' changes state and needs root or the admin group: \(reason)")))
        }
        do {
            let result = try await handler.handle(request.command, from: peer)
            return Self.encode(ControlReply(id: request.id, result: result))
        } catch let error as ControlError {
            return Self.encode(ControlReply<ControlResult>(id: request.id, error: error))
        } catch {
            logger.error("control command failed", metadata: [
                "control.command": "\(name.rawValue)", "peer.uid": "\(peer.uid)", "error": "\(error)",
            ])
            return Self.encode(ControlReply<ControlResult>(id: request.id, error: ControlError(
                .internalError, "'\(name.rawValue)' failed inside the daemon; see its journal")))
        }
    }

    /// The reply to a request line that the handler can answer at once (see
    /// `ControlHandler.immediateResult`), or nil. Requests that change state never qualify.
    func immediateReply(to line: ByteBufferView) -> ByteBuffer? {
        guard case .success(let request) = ControlRequest.decode(line: line), !request.command.name.changesState,
            let result = handler.immediateResult(for: request.command)
        else { return nil }
        let encoder = ControlProtocol.makeEncoder()
        var json = lastImmediate.withLock { last in last?.result == result ? last?.json : nil }
        if json == nil, let encoded = try? encoder.encode(result) {
            json = Array(encoded)
            lastImmediate.withLock { $0 = (result, Array(encoded)) }
        }
        guard let json else { return Self.encode(ControlReply(id: request.id, result: result)) }
        // What `encode` writes (sorted keys: id, ok, result, v), around the kept JSON.
        var reply = ByteBuffer()
        reply.reserveCapacity(json.count + 48)
        reply.writeStaticString("{")
        if let id = request.id {
            switch id {
            case .number(let number): reply.writeString("\"id\":\(number),")
            case .string:
                guard let text = try? encoder.encode(id) else { return Self.encode(ControlReply(id: request.id, result: result)) }
                reply.writeStaticString("\"id\":")
                reply.writeBytes(text)
                reply.writeStaticString(",")
            }
        }
        reply.writeStaticString("\"ok\":true,\"result\":")
        reply.writeBytes(json)
        reply.writeString(",\"v\":\(ControlProtocol.version)}\n")
        return reply
    }

    static func secondsText(_ amount: TimeAmount) -> String {
        let milliseconds = amount.nanoseconds / 1_000_000
        return milliseconds % 1000 == 0 ? "\(milliseconds / 1000)" : "\(Double(milliseconds) / 1000)"
    }

    /// One reply line, newline included. Never fails: a reply that cannot be encoded becomes an
    /// `internal` error, which always can.
    static func encode(_ reply: ControlReply<ControlResult>) -> ByteBuffer {
        let encoder = ControlProtocol.makeEncoder()
        var data: Data
        do {
            data = try encoder.encode(reply)
        } catch {
            data = Data(#"{"error":{"code":"internal","message":"reply could not be encoded"},"ok":false,"v":1}"#.utf8)
        }
        data.append(UInt8(ascii: "\n"))
        return ByteBuffer(bytes: data)
    }

    private static func peerCredentials(of channel: any Channel) -> EventLoopFuture<PeerCredentials> {
        #if os(Linux)
        guard let provider = channel as? any SocketOptionProvider else {
            return channel.eventLoop.makeFailedFuture(ControlSystemError(operation: "getsockopt(SO_PEERCRED)", errno: ENOTSUP))
        }
        let raw: EventLoopFuture<RawUcred> = provider.unsafeGetSocketOption(
            level: NIOBSDSocket.OptionLevel(rawValue: SOL_SOCKET), name: NIOBSDSocket.Option(rawValue: SO_PEERCRED))
        return raw.map { PeerCredentials(pid: $0.pid, uid: $0.uid, gid: $0.gid) }
        #else
        return channel.eventLoop.makeFailedFuture(ControlSystemError(operation: "getsockopt(SO_PEERCRED)", errno: ENOTSUP))
        #endif
    }

    // MARK: - Socket file

    /// Removes a socket file nobody answers on; refuses when another server answers or the path
    /// is not a socket.
    static func clearStaleSocket(at path: String) throws {
        var info = stat()
        guard lstat(path, &info) == 0 else { return }
        guard (info.st_mode & S_IFMT) == S_IFSOCK else {
            throw ControlServerError(.pathOccupied, "\(path) exists and is not a socket; not replacing it")
        }
        switch UnixSocket.probe(path: path) {
        case .answers:
            throw ControlServerError(.alreadyRunning, "another daemon is listening on \(path)")
        case .stale:
            guard unlink(path) == 0 || errno == ENOENT else {
                throw ControlServerError(.system, "cannot remove stale socket \(path): \(String(cString: strerror(errno)))")
            }
        }
    }

    /// Gives the socket file its group, then its mode (the group first, so that it is never
    /// open to the process's own group with the mode meant for another).
    private func applyPermissions(_ path: String) throws {
        if let groupName = configuration.socketGroup {
            let failure: String?
            if let gid = ControlAuthorization.groupID(named: groupName) {
                failure = chown(path, uid_t.max, gid_t(gid)) == 0
                    ? nil : "chown :\(groupName) \(path): \(String(cString: strerror(errno)))"
            } else {
                failure = "socket group '\(groupName)' does not exist"
            }
            if let failure {
                if configuration.socketGroupRequired { throw ControlServerError(.system, failure) }
                logger.warning(
                    "control socket keeps the daemon's group", metadata: ["control.path": "\(path)", "error": "\(failure)"])
            }
        }
        guard chmod(path, configuration.socketMode) == 0 else {
            throw ControlServerError(.system, "chmod \(path): \(String(cString: strerror(errno)))")
        }
    }
}

/// Answers a connection beyond the limit with one `busy` line, then closes in two steps so that
/// the client always reads it: the server's side of the stream is shut (`shutdown(SHUT_WR)`:
/// the client reads the line, then end of file) once the line is flushed, and what the client
/// sends is read and dropped until it closes its side or the linger time passes. Closing at once
/// instead made a client that writes its request after the close fail with EPIPE (and, with
/// unread bytes in the server's buffer, ECONNRESET) before it read the reply.
private final class RefuseHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private let reply: ByteBuffer
    private let linger: TimeAmount
    private var sent = false

    init(reply: ByteBuffer, linger: TimeAmount) {
        self.reply = reply
        self.linger = linger
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { refuse(context: context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        refuse(context: context)
    }

    private func refuse(context: ChannelHandlerContext) {
        guard !sent else { return }
        sent = true
        let channel = context.channel
        let deadline = context.eventLoop.scheduleTask(in: linger) { channel.close(promise: nil) }
        channel.closeFuture.whenComplete { _ in deadline.cancel() }
        context.writeAndFlush(Self.wrapOutboundOut(reply)).whenComplete { result in
            guard case .success = result else { return channel.close(promise: nil) }
            channel.close(mode: .output).whenFailure { _ in channel.close(promise: nil) }
        }
    }

    /// The client's request: dropped.
    func channelRead(context: ChannelHandlerContext, data: NIOAny) {}

    /// The client closed its side (or the whole connection): done.
    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is ChannelEvent, case .inputClosed = event as? ChannelEvent { context.close(promise: nil) }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}

extension RefuseHandler {
    typealias OutboundOut = ByteBuffer
}
