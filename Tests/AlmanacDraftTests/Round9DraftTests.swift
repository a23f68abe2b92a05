import AlmanacDraft
import Testing

/// Round 9 (issue 16, set 9, dev/419–447): the classes set 9 showed the drafter adding or missing,
/// one passage each, written for the test.
@Suite struct Round9DraftTests {
    func draft(_ text: String) throws -> Draft { try DraftTestSupport.draft(text) }
    func whens(_ text: String) throws -> [String] { try draft(text).items.map(\.when) }

    @Test func aStartToldWithHowLongItLastsIsOneWindow() throws {
        // The start of a month lasting a month is that month (and the campaign month the sentence names is it).
        #expect(try whens("据了解,本次学雷锋志愿服务月集中示范活动从3月初开始,持续一个月,广泛开展学雷锋志愿服务关爱活动。") == ["03-01..03-last"])
        #expect(try whens("全市从6月开始,持续三个月开展文化市场专项整治。") == ["06-01..08-last"])
        // A day lasts days or weeks from that day.
        #expect(try whens("社区从5月10日起,为期两周,开展环境整治。") == ["05-10..+13d"])
        // A start without a length stays a start.
        #expect(try whens("社区从5月10日起开展环境整治。") == ["05-10"])
    }
}
