import AlmanacDraft
import Testing

/// Round 12 (issue 16, set 12, dev/505–527): classes of failure that set 12 shares with earlier development
/// documents of other sources, one passage each, written for the test.
@Suite struct Round12DraftTests {
    func draft(_ text: String) throws -> Draft { try DraftTestSupport.draft(text) }
    func whens(_ text: String) throws -> [String] { try draft(text).items.map(\.when) }

    @Test func aPurposeRunsOverEveryClauseBeforeTheOneThatActs() throws {
        // A festival in a later clause of the purpose (为……,……,让居民……过好端午节,……,我小区特组织如下活动).
        let notice = """
            为了更好地传承端午节的文化内涵,唱响“我们的节日”主题,让小区居民以现代的方式来过好端午节,增强小区的凝聚力,我小区特组织如下活动。
            一、包饺子
            时间:6月15日
            """
        #expect(try whens(notice) == ["06-15"])
        // The purpose ends at the clause that decides (经研究,决定……组织开展).
        #expect(try whens("为提高干部群众的卫生意识,欢庆“五一”国际劳动节,经研究,决定在全街道组织开展清洁城乡大行动。").isEmpty)
        // The festival after the acting clause is read as before.
        #expect(try whens("为丰富群众文化生活,社区决定在元宵节举办猜灯谜活动。").count == 1)
    }

    @Test func aPartOfTheDayOpeningASentenceTakesTheDayOfItsParagraph() throws {
        // 晚上 opens a sentence four sentences after the one that wrote the day, in the same paragraph.
        let news = "7月22日下午,大观区成立7个互查互评组,在各街道进行检查。互查小组深入各生活小区检查环境卫生。按照测评标准,逐条对照检查、打分。区文明办针对互评打分进行统计排名。 晚上,大观区开展文明城市创建模拟入户测评。"
        #expect(try whens(news) == ["07-22", "07-22"])
        // In a new paragraph (another line) the three-sentence bound stays: no day to take.
        let apart = """
            7月22日下午,大观区在各街道进行检查。
            互查小组深入各生活小区检查环境卫生。
            按照测评标准,逐条对照检查、打分。
            区文明办针对互评打分进行统计排名。
            晚上,大观区开展文明城市创建模拟入户测评。
            """
        #expect(try whens(apart) == ["07-22"])
    }

    @Test func aSeriesToldBeforeActivitiesWithTimeFieldsIsTheirUmbrella() throws {
        // A series on a named day over two activities with 活动时间 fields of their own.
        let programme = """
            一、主题
            “4·23世界读书日”系列特色全民阅读推广活动
            二、活动安排
            (一)阅读挑战赛颁奖仪式
            活动时间:4月23日15:30-16:00
            (二)绘本小剧场进社区活动
            活动时间:4月25日
            """
        #expect(try whens(programme) == ["04-23", "04-25"])
        // Without activities timed after it, the series is the item.
        #expect(try whens("4月23日,县图书馆开展“世界读书日”系列宣传活动。") == ["04-23"])
    }

    @Test func theDayOfATimeFieldToldAgainInTheActivitysOwnFieldsIsThatActivity() throws {
        // The content field tells the day of the field above again (a part of the activity: the prizes).
        let programme = """
            1.微信在线猜灯谜
            活动时间:3月2日
            活动内容:关注市图书馆微信公众号,进行在线答题。3月2日元宵节(周五)当天,凭截图到市图书馆进行现场兑奖。
            2.现场猜灯谜
            活动时间:3月2日
            活动地点:市图书馆一楼大厅
            """
        #expect(try whens(programme) == ["03-02", "03-02"])
        // A purpose field and a procedure do the same.
        #expect(try whens("一、包饺子\n时间:6月15日\n地点:新开养老院\n活动目的:6月15日正好是,南通有立夏吃蛋的习俗。") == ["06-15"])
    }

    @Test func aFestivalInAQuestionTheTextAsksIsNoItem() throws {
        // The lead asks the reader; the activities are dated after it.
        let news = """
            在老百姓心里,过完元宵节才算是过完年。今年元宵节,临沂有哪些文化活动?
            1.现场猜灯谜
            活动时间:3月2日
            活动地点:临沂市图书馆一楼大厅
            """
        #expect(try whens(news) == ["03-02"])
        // A question mark a page put for a character it could not show is no question.
        #expect(try whens("元宵节当天,社区举办猜灯谜活动?").count == 1)
    }
}
