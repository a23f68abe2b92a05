import AlmanacCalendar
import AlmanacDraft
import AlmanacPlan
import Foundation
import Testing

/// The seed document against the hand-written reading in Fixtures/seed-dated-items.tsv.
@Suite struct SeedDraftTests {
    struct Expected {
        var line: Int
        var rule: String
        var key: String
    }

    static func expected() throws -> [Expected] {
        let text = String(decoding: try DraftTestSupport.fixture("seed-dated-items.tsv"), as: UTF8.self)
        return text.split(separator: "\n").filter { !$0.hasPrefix("#") && !$0.isEmpty }.compactMap { row in
            let cols = row.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard cols.count >= 3, let line = Int(cols[0]) else { return nil }
            return Expected(line: line, rule: cols[1], key: cols[2])
        }
    }

    static func seedDraft(year: Int = 2026) throws -> Draft {
        let work = try DraftTestSupport.workCalendar()
        return try PlanDrafter.draft(
            bytes: [UInt8](try DraftTestSupport.fixture("seed.txt")), options: DraftTestSupport.options(year: year, work: work))
    }

    /// Precision and recall of items (same line, the key phrase quoted) and of their dates (also the same rule).
    @Test func precisionAndRecallAgainstTheHandReading() throws {
        let expected = try Self.expected()
        #expect(expected.count == 28)
        let items = try Self.seedDraft().items
        var matchedItems = Set<Int>()
        var matchedExpected = Set<Int>()
        var correctDates = 0
        for (e, exp) in expected.enumerated() {
            guard let (n, item) = items.enumerated().first(where: { n, item in
                !matchedItems.contains(n) && item.line == exp.line && item.quote.contains(exp.key)
                    && (item.when == exp.rule || !items.enumerated().contains { m, other in
                        m != n && !matchedItems.contains(m) && other.line == exp.line && other.quote.contains(exp.key)
                            && other.when == exp.rule
                    })
            }) else {
                print("missed: line \(exp.line) \(exp.rule) \(exp.key)")
                continue
            }
            matchedItems.insert(n)
            matchedExpected.insert(e)
            if item.when == exp.rule { correctDates += 1 } else { print("wrong date: line \(exp.line) \(item.when) (expected \(exp.rule))") }
        }
        for (n, item) in items.enumerated() where !matchedItems.contains(n) {
            print("extra: line \(item.line) \(item.when) \(item.title)")
        }
        let itemPrecision = Double(matchedItems.count) / Double(max(items.count, 1))
        let itemRecall = Double(matchedExpected.count) / Double(expected.count)
        let datePrecision = Double(correctDates) / Double(max(items.count, 1))
        let dateRecall = Double(correctDates) / Double(expected.count)
        print(
            "seed draft: \(items.count) items, \(expected.count) expected; items precision \(itemPrecision) recall \(itemRecall); "
                + "dates precision \(datePrecision) recall \(dateRecall)")
        // The seed is read whole: every item of the hand reading, with its rule, and nothing else
        // (a threshold here let two items go unnoticed).
        #expect(itemPrecision == 1.0)
        #expect(itemRecall == 1.0)
        #expect(datePrecision == 1.0)
        #expect(dateRecall == 1.0)
    }

    @Test func draftLoadsAndValidatesWithTheDateRuleChecker() throws {
        let work = try DraftTestSupport.workCalendar()
        let draft = try Self.seedDraft()
        #expect(DraftTestSupport.validationErrors(draft, work: work) == [])
        let plan = try #require(PlanLoader.load(fileName: "draft.yaml", text: draft.yaml()).plan)
        #expect(plan.items.count == draft.items.count)
        #expect(plan.items.allSatisfy { $0.sourceQuote != nil && $0.when != nil })
        #expect(Set(plan.units.map(\.id.value)) == Set(draft.units.map(\.id)))
    }

    /// A year without an official holiday table gets windows around the festivals instead of
    /// `holiday …` rules, so the draft still validates.
    @Test func draftForAYearWithoutHolidayTableStillValidates() throws {
        let work = try DraftTestSupport.workCalendar()
        #expect(!work.hasTable(for: 2031))
        let draft = try Self.seedDraft(year: 2031)
        #expect(draft.items.allSatisfy { !$0.when.hasPrefix("holiday") })
        #expect(DraftTestSupport.validationErrors(draft, work: work) == [])
    }

    @Test func repeatedSectionAndDebrisAreLeftOut() throws {
        let draft = try Self.seedDraft()
        #expect(draft.items.allSatisfy { $0.line <= 51 })
        let duplicates = draft.dropped.filter { $0.reason == .duplicate }
        #expect(duplicates.map(\.line) == Array(52...99))
        #expect(duplicates.first?.sameAs == 4)
        #expect(draft.dropped.filter { $0.reason == .debris }.map(\.line) == [2] + Array(100...106))
        #expect(draft.documentYear == 2022)
        #expect(draft.placeholderYears == ["XX年"])
        #expect(draft.name == "区2022年精神文明建设工作总结及2022年安排")
    }

    @Test func figuresAndNonDateNumbers() throws {
        let items = try Self.seedDraft().items
        let meeting = try #require(items.first { $0.line == 14 && $0.when == "06-10" })
        #expect(meeting.kind == .meeting)
        #expect(meeting.owners == ["wmb"])
        #expect(meeting.figures == ["80个责任单位", "160人"])
        let deadline = try #require(items.first { $0.line == 14 && $0.when == "08-10" })
        #expect(deadline.kind == .deadline)
        #expect(deadline.figures == ["143大项", "355小项", "49盒", "117份", "655份", "2937份"])
        let netcafe = try #require(items.first { $0.when == "weekly tue,fri" })
        #expect(netcafe.kind == .recurringCheck)
        #expect(netcafe.quota == DraftQuota(count: 2, per: "week"))
        #expect(netcafe.owners == ["whjc"])
        #expect(netcafe.notDates == ["12318（电话或编号）"])
        #expect(!netcafe.unsure.isEmpty)
        let closing = try #require(items.first { $0.when == "07-23" })
        #expect(closing.time == "10:00")
        #expect(closing.tags.contains("第七届"))
        // No item is dated from 90周年, 第七届, 12318 or 2937.
        #expect(items.allSatisfy { !$0.spelled.contains("周年") && !$0.when.contains("12318") })
    }

    @Test func jsonHasAConfidencePerField() throws {
        let draft = try Self.seedDraft()
        let data = try JSONEncoder().encode(draft)
        let decoded = try JSONDecoder().decode(Draft.self, from: data)
        #expect(decoded == draft)
        for item in draft.items {
            let c = item.confidence
            for value in [c.item, c.title, c.kind, c.when, c.owners, c.figures] { #expect((0...1).contains(value)) }
        }
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let first = try #require((object["items"] as? [[String: Any]])?.first)
        let confidence = try #require(first["confidence"] as? [String: Any])
        #expect(Set(confidence.keys) == ["item", "title", "kind", "when", "owners", "figures"])
    }
}
