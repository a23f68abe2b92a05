import NIOCore

/// Answers the requests that need no waiting (`status`) on the connection's event loop, as soon as
/// their line is read: no hop to the task that serves the connection and back. Everything else,
/// and every request that arrives while an earlier one of the same connection is still being
/// answered, goes on to that task, so replies keep the order of the requests. A connection whose
/// peer does not read its replies (the channel is not writable) also goes the slow way, where the
/// writer waits for the peer.
final class ImmediateReplyHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ControlFrame
    typealias InboundOut = ControlFrame
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// Lines longer than this are not decoded on the event loop (a large import would hold it).
    static let longestImmediateLine = 1024

    private let answer: @Sendable (ByteBufferView) -> ByteBuffer?
    /// Frames handed on to the connection's task whose reply has not been written yet.
    private var pending = 0
    private var unflushed = false

    /// `answer` returns the reply line for a request it can answer at once, or nil.
    init(answer: @escaping @Sendable (ByteBufferView) -> ByteBuffer?) {
        self.answer = answer
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = Self.unwrapInboundIn(data)
        if pending == 0, case .line(let line) = frame, line.readableBytes <= Self.longestImmediateLine,
            context.channel.isWritable, let reply = answer(line.readableBytesView)
        {
            context.write(Self.wrapOutboundOut(reply), promise: nil)
            unflushed = true
            return
        }
        pending += 1
        context.fireChannelRead(data)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        if unflushed {
            unflushed = false
            context.flush()
        }
        context.fireChannelReadComplete()
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        // The connection's task writes exactly one reply per frame it was handed.
        if pending > 0 { pending -= 1 }
        context.write(data, promise: promise)
    }
}
