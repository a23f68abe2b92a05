import AlmanacDraft
import Foundation
import Testing

/// Input that is not a clean UTF-8 plan: a clear error or a correct draft, never a crash.
/// (Speed is measured by scripts/draft-speed.sh, not asserted here.)
@Suite struct BadInputDraftTests {
    func draft(_ bytes: [UInt8]) throws(DraftError) -> Draft {
        try PlanDrafter.draft(bytes: bytes, options: DraftTestSupport.options(year: 2026))
    }

    func code(_ bytes: [UInt8]) -> DraftError.Code? {
        do {
            _ = try draft(bytes)
            return nil
        } catch {
            return error.code
        }
    }

    /// Expects `bytes` to be refused with `code` and a message that names the byte offset.
    func expectRefused(_ bytes: [UInt8], _ code: DraftError.Code, atOffset offset: Int, sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            _ = try draft(bytes)
            Issue.record("the document was drafted, expected \(code) at offset \(offset)", sourceLocation: sourceLocation)
        } catch {
            #expect(error.code == code, sourceLocation: sourceLocation)
            #expect(error.message.contains("offset \(offset)"), sourceLocation: sourceLocation)
        }
    }

    @Test func emptyAndBlankDocumentsAreRefused() {
        #expect(code([]) == .empty)
        #expect(code(Array("  \n\u{3000}\r\n\t".utf8)) == .empty)
        #expect(code([0xEF, 0xBB, 0xBF]) == .empty)
    }

    @Test func binaryIsRefusedWithTheOffset() throws {
        // A PNG header: NUL bytes after the signature.
        let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52]
        #expect(code(png) == .binary)
        var bytes = Array("3月5日开展学雷锋活动。".utf8)
        bytes.insert(0, at: 6)
        expectRefused(bytes, .binary, atOffset: 6)
        // Pseudo-random bytes (a fixed generator) are never drafted as text.
        var state: UInt32 = 12345
        let random = (0..<4096).map { _ -> UInt8 in
            state = state &* 1_103_515_245 &+ 12345
            return UInt8(truncatingIfNeeded: state >> 16)
        }
        #expect(code(random) != nil)
    }

    @Test func big5IsDetectedAndReadAsTraditional() throws {
        let bytes = [UInt8](try DraftTestSupport.fixture("traditional-big5.txt"))
        let d = try draft(bytes)
        #expect(d.encoding == .big5)
        #expect(d.traditional)
        #expect(d.items.contains { $0.when == "02-10" && $0.quote.contains("元宵燈謎晚會") })
        #expect(d.items.contains { $0.when.hasPrefix("劳动节") && $0.quote.contains("勞動節前夕") })
        #expect(d.yaml().contains("Big5"))
    }

    @Test func traditionalCharactersInUTF8AreRead() throws {
        let bytes = [UInt8](try DraftTestSupport.fixture("traditional-utf8.txt"))
        let d = try draft(bytes)
        #expect(d.encoding == .utf8)
        #expect(d.traditional)
        // 春節期間 is the 春节 break; the quote keeps the document's characters.
        #expect(d.items.contains { $0.when.contains("春节") && $0.quote.contains("春節期間") })
        #expect(d.units.contains { $0.name.contains("文化館") || $0.name.contains("文化馆") })
    }

    @Test func mostlyUTF8WithABadFragmentReportsTheFirstBadByte() throws {
        let head = Array("县文化馆于2月10日举办元宵灯谜晚会，团县委组织青年志愿服务活动。".utf8)
        let gbk: [UInt8] = [0xB4, 0xBA, 0xBD, 0xDA]  // 春节 in GBK
        let bytes = head + gbk + Array("3月5日开展学雷锋活动。".utf8)
        expectRefused(bytes, .undecodable, atOffset: head.count)
    }

    @Test func aDocumentOverTheLimitIsRefusedBeforeReading() {
        let bytes = [UInt8](repeating: 0x41, count: DocumentText.maxBytes + 1)
        #expect(code(bytes) == .tooLarge)
    }

    @Test func aOneMegabyteSingleLineIsDrafted() throws {
        let unit = "3月5日，县文化馆开展学雷锋志愿服务活动，"
        var text = ""
        while text.utf8.count < 1 << 20 { text += unit }
        let d = try draft(Array(text.utf8))
        #expect(d.lines == 1)
        #expect(!d.items.isEmpty)
        #expect(d.items.allSatisfy { $0.line == 1 && $0.when == "03-05" })
    }

    /// A page saved without line breaks: its text, then the site's furniture in the same line. The
    /// text is read; the furniture after its marker is not, and the line is not dropped as a whole.
    @Test func aPageWithoutLineBreaksIsReadUpToItsFurniture() throws {
        var text = "关于开展2026年我们的节日活动的通知 "
        for n in 1...40 { text += "\(n % 12 + 1)月\(n % 27 + 1)日，县文化馆举办第\(n)场文艺演出。" }
        text += " 相关文章：3月5日学雷锋活动 上一篇：4月1日植树节 版权所有 县文化馆"
        let d = try draft(Array(text.utf8))
        #expect(d.lines == 1)
        #expect(d.items.count >= 30)
        #expect(d.items.allSatisfy { !$0.title.contains("学雷锋") && !$0.title.contains("植树") })
        #expect(!d.dropped.contains { $0.line == 1 })
    }

    @Test func gb18030IsNotTakenForBig5() throws {
        // 春节期间，2月10日。 in GB18030 (春 B4BA 节 BDDA 期 C6DA 间 BCE4 月 D4C2 日 C8D5).
        let gb: [UInt8] = Array("春节期间，2月10日。".data(using: .utf8).map { _ in [
            0xB4, 0xBA, 0xBD, 0xDA, 0xC6, 0xDA, 0xBC, 0xE4, 0xA3, 0xAC, 0x32, 0xD4, 0xC2, 0x31, 0x30, 0xC8, 0xD5, 0xA1, 0xA3,
        ] } ?? [])
        let d = try draft(gb)
        #expect(d.encoding == .gb18030)
        #expect(!d.traditional)
        #expect(d.items.contains { $0.when == "02-10" })
    }
}
