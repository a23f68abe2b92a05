import NIOCore

/// What the server reads from a connection: a request line, or the news that the line was too
/// long or the client too quiet. Both of the latter end the connection after an error reply.
enum ControlFrame: Sendable {
    case line(ByteBuffer)
    case tooLarge
    /// No complete line within `timeout`; `first`: the connection's first request.
    case idle(timeout: TimeAmount, first: Bool)
}

/// Splits the byte stream at `\n` (a trailing `\r` is dropped, blank lines are skipped).
/// A line longer than `maxLength` is not buffered: the decoder reports `.tooLarge` once and from
/// then on discards everything, so memory stays bounded by `maxLength` plus one read.
struct LineFrameDecoder: ByteToMessageDecoder {
    typealias InboundOut = ControlFrame

    let maxLength: Int
    private var discarding = false
    /// Bytes of the current (unfinished) line already searched for a newline.
    private var scanned = 0

    init(maxLength: Int) {
        self.maxLength = maxLength
    }

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        if discarding {
            buffer.moveReaderIndex(to: buffer.writerIndex)
            return .needMoreData
        }
        let view = buffer.readableBytesView
        let start = view.startIndex + scanned
        guard let newline = view[start...].firstIndex(of: UInt8(ascii: "\n")) else {
            scanned = view.count
            if view.count > maxLength {
                refuse(context: context, buffer: &buffer)
            }
            return .needMoreData
        }
        scanned = 0
        let length = newline - view.startIndex
        if length > maxLength {
            refuse(context: context, buffer: &buffer)
            return .needMoreData
        }
        guard var line = buffer.readSlice(length: length) else { return .needMoreData }
        buffer.moveReaderIndex(forwardBy: 1)
        if line.readableBytesView.last == UInt8(ascii: "\r") {
            line.moveWriterIndex(to: line.writerIndex - 1)
        }
        if line.readableBytesView.contains(where: { !Self.isBlank($0) }) {
            context.fireChannelRead(Self.wrapInboundOut(.line(line)))
        }
        return .continue
    }

    mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        while try decode(context: context, buffer: &buffer) == .continue {}
        // A last request without its newline still gets an answer (`printf '{...}' | socat ...`).
        if !discarding, buffer.readableBytes > 0 {
            let line = buffer.readSlice(length: buffer.readableBytes)!
            if line.readableBytesView.contains(where: { !Self.isBlank($0) }) {
                context.fireChannelRead(Self.wrapInboundOut(.line(line)))
            }
        }
        return .needMoreData
    }

    private mutating func refuse(context: ChannelHandlerContext, buffer: inout ByteBuffer) {
        discarding = true
        scanned = 0
        buffer.moveReaderIndex(to: buffer.writerIndex)
        context.fireChannelRead(Self.wrapInboundOut(.tooLarge))
    }

    private static func isBlank(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r")
    }
}

/// Emits an `.idle` frame when no complete request line arrived in time, so the connection task
/// sees it in order with the requests and answers with an error before closing: the first line
/// must come within `firstLine` of the connection, each further one within `between` of the
/// last. Counting complete lines (not bytes) also ends clients that trickle one byte at a time.
final class IdleFrameInjector: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ControlFrame
    typealias InboundOut = ControlFrame

    private let firstLine: TimeAmount
    private let between: TimeAmount
    private var lastLine = NIODeadline.now()
    private var sawLine = false
    private var timer: Scheduled<Void>?
    private var fired = false

    init(firstLine: TimeAmount, between: TimeAmount) {
        self.firstLine = firstLine
        self.between = between
    }

    private var timeout: TimeAmount { sawLine ? between : firstLine }

    func handlerAdded(context: ChannelHandlerContext) {
        lastLine = .now()
        schedule(context: context, after: timeout)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
    }

    func channelInactive(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        lastLine = .now()
        if !sawLine {
            // From now on the (usually longer) idle timeout counts, from this line.
            sawLine = true
            timer?.cancel()
            schedule(context: context, after: between)
        }
        context.fireChannelRead(data)
    }

    private func schedule(context: ChannelHandlerContext, after delay: TimeAmount) {
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        timer = context.eventLoop.scheduleTask(in: delay) {
            let (handler, context) = loopBound.value
            handler.check(context: context)
        }
    }

    private func check(context: ChannelHandlerContext) {
        guard !fired else { return }
        let silent = NIODeadline.now() - lastLine
        let timeout = self.timeout
        if silent >= timeout {
            fired = true
            context.fireChannelRead(Self.wrapInboundOut(.idle(timeout: timeout, first: !sawLine)))
            // Outside a read cycle: the async channel hands reads on at read-complete.
            context.fireChannelReadComplete()
        } else {
            schedule(context: context, after: timeout - silent)
        }
    }
}
