import AlmanacDraft
import Testing

/// Round 10 (issue 16, set 10, dev/449–479): classes of failure that recur across documents of different
/// sources (set 10 and the lists left by earlier rounds), one passage each, written for the test.
@Suite struct Round10DraftTests {
    func draft(_ text: String) throws -> Draft { try DraftTestSupport.draft(text) }
    func whens(_ text: String) throws -> [String] { try draft(text).items.map(\.when) }
    func owners(_ d: Draft) -> [String] { d.items.flatMap(\.owners).compactMap { id in d.units.first { $0.id == id }?.name } }

    @Test func aDayWithoutItsMonthTakesTheMonthWrittenBeforeIt() throws {
        // A news dateline of the same sentence gives the month.
        #expect(try whens("中新网9月28日电(记者 某某)为丰富居民生活,28日上午,某某社区举办“邻里同乐”游园活动。") == ["09-28"])
        // A page's date on a line of its own, and a bracket opening the day (a deadline).
        let plan = """
            社区登山活动方案
            10-16
            具体活动:1.登高:26日下午1:30在公园门口集中。参与人员须在四天内(30日下午6:00前将作品送到社区办公室)。
            """
        #expect(try whens(plan) == ["10-26", "10-30"])
        // No month written before: no day.
        #expect(try whens("具体活动:1.登高:26日下午1:30在公园门口集中。") == [])
        // A count of days is no day (3日内).
        #expect(try whens("9月1日开学。各班要在3日内上报名单。") == ["09-01"])
    }
}
