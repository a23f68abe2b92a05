import AlmanacCalendar
@testable import AlmanacDraft
import Foundation
import Testing

/// The mention scanner tries its patterns only at characters a mention can start with; on every
/// sentence of the corpus that reads the same mentions as trying them at every character.
@Suite struct MentionScanTests {
    static func sentences(_ half: String) throws -> [(file: String, doc: SourceDocument)] {
        let dir = DraftTestSupport.repositoryRoot.appendingPathComponent("Tests/AlmanacDraftTests/Fixtures/corpus/\(half)")
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".txt") }.sorted()
        return try names.map { name in
            let bytes = try Data(contentsOf: dir.appendingPathComponent(name))
            let (text, _) = try DocumentText.decode([UInt8](bytes))
            return (name, SourceDocument(text: text))
        }
    }

    static func describe(_ mentions: [Mention]) -> [String] {
        mentions.map { m in
            "\(m.range) \(m.spelled) \(m.form) \(m.rule) \(m.time ?? "-") \(m.month ?? 0) \(m.dateSource) \(m.confidence) "
                + "\(m.unsure) \(m.kindHint ?? "-") \(m.quota.map { "\($0.count)/\($0.per)" } ?? "-") \(m.festival?.id ?? "-")"
        }
    }

    @Test(arguments: ["dev", "test"]) func startersFindEveryMention(_ half: String) throws {
        for (file, doc) in try Self.sentences(half) {
            var scanner = MentionScanner(year: 2026, hasHolidayTable: true, catalog: .standard)
            scanner.documentFestival = PlanDrafter.documentFestival(doc, catalog: .standard)
            for s in doc.sentences {
                let fast = Self.describe(scanner.scan(s.chars))
                let every = Self.describe(scanner.scan(s.chars, everyPosition: true))
                #expect(fast == every, "\(half)/\(file) line \(s.line)")
            }
        }
    }

    @Test func startersCoverOddCharacters() {
        let scanner = MentionScanner(year: 2026, hasHolidayTable: true, catalog: .standard)
        // Full-width digits, a placeholder year, Chinese numerals, 元月, lunar and festival names.
        for text in ["３月５日开展", "XX年3月5日", "二〇二六年三月五日", "元月10日", "农历八月十五", "腊月廿三", "端午节期间", "每周二", "学雷锋活动月", "年底前"] {
            let c = Array(text)
            #expect(Self.describe(scanner.scan(c)) == Self.describe(scanner.scan(c, everyPosition: true)), "\(text)")
            #expect(!scanner.scan(c).isEmpty, "\(text)")
        }
    }

    /// Splitting by scalar where every scalar stands alone gives the characters grapheme breaking gives.
    @Test func scalarSplittingMatchesGraphemeBreaking() {
        var all = ""
        for v in UInt32(0)...0x10FFFF where DocumentScanner.standsAlone(v) {
            if let scalar = Unicode.Scalar(v) { all.unicodeScalars.append(scalar) }
        }
        let split = DocumentScanner.characters(all)
        let broken = Array(all)
        #expect(split.count == broken.count)
        #expect(zip(split, broken).allSatisfy { Array($0.0.utf8) == Array($0.1.utf8) })
    }

    /// A scalar outside `mayDecompose` has no canonical decomposition, so comparing such scalars by
    /// value is `Character` equality.
    @Test func plainScalarsHaveNoCanonicalDecomposition() {
        for v in UInt32(0)..<0x10000 where !DocumentScanner.mayDecompose(v) {
            guard let scalar = Unicode.Scalar(v) else { continue }
            let decomposed = String(Character(scalar)).decomposedStringWithCanonicalMapping.unicodeScalars
            #expect(decomposed.count == 1 && decomposed.first == scalar, "U+\(String(v, radix: 16))")
        }
    }
}
