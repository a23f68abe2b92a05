@testable import AlmanacControl
import NIOCore
import NIOEmbedded
import Testing

/// The request-line decoder: unfinished lines of all connections share one budget of bytes.
@Suite struct LineFramingTests {
    private static func channel(maxLength: Int, budget: PendingLineBudget) throws -> EmbeddedChannel {
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(LineFrameDecoder(maxLength: maxLength, budget: budget)))
        return channel
    }

    private static func send(_ text: String, to channel: EmbeddedChannel) throws -> [ControlFrame] {
        try channel.writeInbound(ByteBuffer(string: text))
        var frames: [ControlFrame] = []
        while let frame = try channel.readInbound(as: ControlFrame.self) { frames.append(frame) }
        return frames
    }

    @Test func unfinishedLinesShareOneBudgetAndGiveItBack() throws {
        let budget = PendingLineBudget(limit: 100)
        let first = try Self.channel(maxLength: 1000, budget: budget)
        let second = try Self.channel(maxLength: 1000, budget: budget)

        #expect(try Self.send(String(repeating: "a", count: 60), to: first).isEmpty)
        #expect(budget.inUse == 60)
        // 60 more would hold 120 of 100: the second connection's line is refused, once.
        let refused = try Self.send(String(repeating: "b", count: 60), to: second)
        #expect(refused.count == 1)
        guard case .overBudget(let limit) = refused.first else {
            Issue.record("expected overBudget, got \(refused)")
            return
        }
        #expect(limit == 100)
        #expect(budget.inUse == 60)
        #expect(try Self.send("bbb\nmore", to: second).isEmpty)  // discarded from then on

        // The first line ends: its bytes go back to the budget, and the line is whole.
        let lines = try Self.send("aaaa\n", to: first)
        guard lines.count == 1, case .line(let line) = lines[0] else {
            Issue.record("expected one line, got \(lines)")
            return
        }
        #expect(line.readableBytes == 64)
        #expect(budget.inUse == 0)

        // A connection that closes in the middle of a line gives its bytes back too.
        let third = try Self.channel(maxLength: 1000, budget: budget)
        #expect(try Self.send(String(repeating: "c", count: 90), to: third).isEmpty)
        #expect(budget.inUse == 90)
        _ = try third.finish(acceptAlreadyClosed: true)
        #expect(budget.inUse == 0)
        _ = try first.finish(acceptAlreadyClosed: true)
        _ = try second.finish(acceptAlreadyClosed: true)
    }

    @Test func aLineOverItsOwnLimitIsTooLargeNotOverBudget() throws {
        let budget = PendingLineBudget(limit: 10_000)
        let channel = try Self.channel(maxLength: 100, budget: budget)
        let frames = try Self.send(String(repeating: "a", count: 150), to: channel)
        guard frames.count == 1, case .tooLarge = frames[0] else {
            Issue.record("expected tooLarge, got \(frames)")
            return
        }
        #expect(budget.inUse == 0)
        _ = try channel.finish(acceptAlreadyClosed: true)
    }
}
