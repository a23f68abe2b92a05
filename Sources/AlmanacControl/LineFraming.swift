import NIOCore
import Synchronization

/// What the server reads from a connection: a request line, or the news that the line was too
/// long or the client too quiet. Both of the latter end the connection after an error reply.
enum ControlFrame: Sendable {
    case line(ByteBuffer)
    case tooLarge
    /// The unfinished lines of all connections together would hold more than the server's
    /// budget (`PendingLineBudget`): this one is refused like a line that is too long.
    case overBudget(limit: Int)
    /// No complete line within `timeout`; `first`: the connection's first request.
    case idle(timeout: TimeAmount, first: Bool)
}

/// The bytes of unfinished request lines that all connections together may hold. One line may
/// be as long as `maxRequestBytes` (1 MiB, for a large progress import), and 128 connections may
/// be open: without a shared budget a few clients that never end their lines could make the
/// daemon hold 128 MiB.
final class PendingLineBudget: Sendable {
    let limit: Int
    private let held = Mutex(0)

    init(limit: Int) {
        self.limit = limit
    }

    /// Takes `bytes` more, unless that would pass the limit.
    func take(_ bytes: Int) -> Bool {
        held.withLock { held in
            guard held + bytes <= limit else { return false }
            held += bytes
            return true
        }
    }

    func give(_ bytes: Int) {
        held.withLock { $0 -= bytes }
    }

    var inUse: Int { held.withLock { $0 } }
}

/// Splits the byte stream at `\n` (a trailing `\r` is dropped, blank lines are skipped).
/// A line longer than `maxLength` is not buffered: the decoder reports `.tooLarge` once and from
/// then on discards everything, so memory stays bounded by `maxLength` plus one read. The bytes
/// of an unfinished line count against `budget`, shared by all connections; a line that does not
/// fit is refused (`.overBudget`) the same way.
struct LineFrameDecoder: ByteToMessageDecoder {
    typealias InboundOut = ControlFrame

    let maxLength: Int
    let budget: PendingLineBudget?
    private var discarding = false
    /// Bytes of the current (unfinished) line already searched for a newline.
    private var scanned = 0
    /// Bytes of `budget` this connection holds for its unfinished line.
    private var held = 0

    init(maxLength: Int, budget: PendingLineBudget? = nil) {
        self.maxLength = maxLength
        self.budget = budget
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
            } else if !hold(view.count) {
                refuse(context: context, buffer: &buffer, frame: .overBudget(limit: budget?.limit ?? 0))
            }
            return .needMoreData
        }
        scanned = 0
        _ = hold(0)
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

    mutating func decoderRemoved(context: ChannelHandlerContext) {
        _ = hold(0)
    }

    /// Holds `bytes` of the budget for the unfinished line (0: gives back what it held).
    private mutating func hold(_ bytes: Int) -> Bool {
        guard let budget, bytes != held else { return true }
        if bytes < held {
            budget.give(held - bytes)
        } else if !budget.take(bytes - held) {
            return false
        }
        held = bytes
        return true
    }

    private mutating func refuse(context: ChannelHandlerContext, buffer: inout ByteBuffer, frame: ControlFrame = .tooLarge) {
        discarding = true
        scanned = 0
        _ = hold(0)
        buffer.moveReaderIndex(to: buffer.writerIndex)
        context.fireChannelRead(Self.wrapInboundOut(frame))
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
