import AlmanacDraft
import Testing

/// Round 7 (issue 16, set 7, dev/363–387): the classes set 7 showed the drafter missing or adding,
/// one passage each, written for the test.
@Suite struct Round7DraftTests {
    func draft(_ text: String) throws -> Draft { try DraftTestSupport.draft(text) }
    func whens(_ text: String) throws -> [String] { try draft(text).items.map(\.when) }

    @Test func numberedDaysWrittenWithAMiddleDotAreFestivals() throws {
        let text = "另外每年的“三·八”、“五·一”、“七·一”、“十·一”、“元旦”等全县性节庆活动都积极参与组织。"
        #expect(try whens(text) == ["妇女节", "劳动节", "建党节", "国庆节", "元旦"])
        // Other dots and spellings: 三・八 (katakana dot), 五•四 (bullet); 十一 without a dot stays a number.
        #expect(try whens("3月开展“三・八”维权周活动。").count == 1)
        #expect(try whens("组织“五•四”青年座谈会。").count == 1)
        #expect(try whens("全年举办十一场讲座。").isEmpty)
        #expect(try whens("五．一 工作目标").isEmpty)
    }

    @Test func aHeadlineWithACommaOverThePagesStampIsNoItem() throws {
        let text = """
            元气满满,喜宵颜开 城东社区元宵节主题活动
            日期: 2025-02-13 11:50:45
            2月12日(农历正月十五)正值元宵节当天,城东社区在文化广场开展元宵节主题活动。
            """
        #expect(try whens(text).count == 1)
        // A line with a comma over a source line that carries no date label is still read.
        let body = """
            元宵节当天,社区开展猜灯谜活动
            来源:城东社区
            """
        #expect(try whens(body).count == 1)
    }

    @Test func daysEitherSideOfADayAreAWindow() throws {
        let w = try whens("重点时段:4月4日(清明节当天)及前后两天,加强巡查。")
        #expect(w.count == 1 && w.first?.hasSuffix("-2d..+2d") == true)
        #expect(try whens("5月1日前后3天开展安全检查。").first?.hasSuffix("-3d..+3d") == true)
        // 前后 without a count of days keeps its reading (a week either side).
        #expect(try whens("4月4日前后开展文明祭扫宣传。") == ["04-04 -7d..+7d"])
    }

    @Test func theLineUnderAThemeHeadingRunIntoMarkdownIsTheTheme() throws {
        let text = """
            社区元宵节活动方案
            ## 社区元宵节活动方案### 一、 活动简介元宵节是中华民族重要的传统节日。### 二、 活动主题
            “喜迎新春,元宵闹春”
            ### 三、 活动时间
            2024年2月24日(元宵节)下午14:00-17:00
            """
        #expect(try whens(text).count == 1)
    }

    @Test func aFestivalNamedAsTheThemeOfSomethingIsNoDate() throws {
        #expect(try whens("每班一份宣传单,其宣传单主题为发扬中国传统习俗——清明节。").isEmpty)
        // A festival inside the quoted name after 主题为 is the activity's own name and date.
        #expect(try whens("社区组织了一场主题为“喜乐闹元宵 趣谜猜不停”的猜灯谜活动。").count == 1)
    }
}
