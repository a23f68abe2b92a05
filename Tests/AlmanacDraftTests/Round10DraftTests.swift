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
        // The day written again with its month in the next sentence is that month's, not the one written before.
        let restated = """
            10月7日是今年的重阳节,长者饭堂在这一天正式启用。
            为营造敬老氛围,28日,海南省“敬老月”活动在海口启动。
            9月28日到10月31日,全省将广泛开展敬老爱老助老活动。
            """
        #expect(try whens(restated).contains("09-28"))
        #expect(try !whens(restated).contains("10-28"))
        // No month written before: no day.
        #expect(try whens("具体活动:1.登高:26日下午1:30在公园门口集中。") == [])
        // A count of days is no day (3日内).
        #expect(try whens("9月1日开学。各班要在3日内上报名单。") == ["09-01"])
    }

    @Test func aNewsReportsLaterFestivalsAreItsDaysActivity() throws {
        // A report (通讯员, 圆满举行): the festivals told after the day, without a date of their own, are that day's.
        let news = """
            本报讯(通讯员 某某)9月28日上午,某某社区举办“喜迎中秋 欢度国庆”活动,活动圆满举行。
            今年中秋邂逅了国庆,社区准备了国庆主题帆布包给居民涂鸦。
            中秋国庆喜相逢,阖家团圆又一秋。
            """
        #expect(try whens(news) == ["09-28"])
        // The only day a document writes, an activity 圆满举行: a comment naming the festival is told about it.
        let oneDay = """
            8月29日晚,由某某社区主办的“缘聚七夕”青年联谊活动在中心广场圆满举行。
            大家纷纷表示,这种活动既保留了七夕节日的文化内涵,又符合当代青年的社交习惯。
            """
        #expect(try whens(oneDay) == ["08-29"])
        // Another activity held at the festival (开展了) is its own item.
        let other = """
            本报讯(通讯员 某某)9月28日上午,某某社区举办“邻里节”活动,活动圆满举行。
            此外,某某社区在中秋节开展了“月圆情浓”慰问活动。
            """
        #expect(try whens(other) == ["09-28", "中秋节"])
        // What will be done is not told about the day.
        let next = """
            本报讯(通讯员 某某)9月28日上午,某某社区举办“邻里节”活动,活动圆满举行。
            下一步,社区计划在国庆节开展升旗仪式。
            """
        #expect(try whens(next) == ["09-28", "国庆节"])
        // A plan that invites reporters is no report.
        let invites = """
            9月28日上午,社区召开邻里节动员会,各派1—2名记者参加。
            国庆节当天,社区组织升旗仪式。
            """
        #expect(try whens(invites) == ["09-28", "国庆节"])
        // A plan (no news marks) keeps a festival near a dated activity.
        let plan = """
            9月28日,社区开展邻里节活动。
            国庆节当天,社区组织升旗仪式。
            """
        #expect(try whens(plan) == ["09-28", "国庆节"])
    }

    @Test func aDayInsideItsPointsWindowIsAStepOfThatActivity() throws {
        // The point's window on the point's line, its judging day in the paragraph under it.
        let onLine = """
            四、活动安排
            1、9月2日——9月11日“尊师心语”之黑板报比赛
            本活动由德育处统一安排布置,评比时间为9月11号,由美术备课组老师组织执行。
            """
        #expect(try whens(onLine) == ["09-02..09-11"])
        // The window on a 活动时间 line under the point's heading; judging and award days inside it.
        let field = """
            一、开展家庭文化艺术节主题宣传展示活动(宣传部牵头)
            活动时间:2017年3月4日-5日
            活动内容:各妇委会选送优秀节目,并于3月4日在市妇女儿童活动中心进行评选。3月5日上午,市妇联对优秀节目进行表彰。
            """
        #expect(try whens(field) == ["03-04..03-05"])
        // A day inside a stage's window that holds an activity of its own (开展) is an item.
        let stage = """
            1、动员阶段:3月1日至3月9日
            3月6日班会课各班开展以雷锋精神代代传为主题的班队会。
            """
        #expect(try whens(stage).contains("03-06"))
    }

    @Test func aBare团委IsTheDocumentsOwnNotTheSeedDistricts() throws {
        // A company's or a school's 团委 is kept as the document writes it, not named as the seed district's 团区委 (the
        // dictionary's unit keeps the words of a document of another place).
        let d = try draft("5月,为迎接五四青年节,团委统一租用场地,开展青年趣味运动会。")
        #expect(owners(d) == ["团委"])
        #expect(owners(try draft("9月4日,本活动由团委向各团支部发放倡议书。")) == ["团委"])
        // The district's own spelling still is the dictionary's unit.
        #expect(owners(try draft("5月4日,团区委举办青年座谈会。")) == ["团区委"])
    }

    @Test func aDottedDayAloneInItsQuotesIsADay() throws {
        // “6.16” in its own quotes names a day whatever follows it.
        #expect(try whens("组织开展“6.16”安全月“咨询日”活动。").contains("06-16"))
        // A section number is no day.
        #expect(try whens("1.2 工作目标") == [])
    }

    @Test func aWindowTitledByItsLabelTakesTheActivityTheTextAnnounced() throws {
        // The plan the document says it makes names the programme's time under 活动时间.
        let plan = """
            为了弘扬中华优秀传统文化,特制定本社区七夕节活动策划方案。
            一、活动主题
            “情满七夕,爱在社区”
            二、活动时间
            2025年8月28日(农历七月初七)上午9:00—下午4:00
            """
        #expect(try draft(plan).items.map(\.title) == ["七夕节活动"])
        // A date alone on the line after 方案如下: is that plan's window.
        let alone = """
            关于开展“安全生产月”活动的通知精神,特制定本单位20××年“安全生产月”活动方案如下:
            20××年6月1日至30日。
            (1)利用板报形式,宣传安全生产法律、法规。
            """
        #expect(try draft(alone).items.first?.title == "“安全生产月”活动")
        // 活动时间为 after a sentence that ends on a quoted activity.
        let told = "市安委会召开例会安排部署以“生命至上,安全发展”为主题的“安全生产月”活动。活动时间为6月1日至6月30日。"
        #expect(try draft(told).items.first?.title.contains("安全生产月") == true)
    }

    @Test func howOftenAndOnWhichDayAreOneRecurrence() throws {
        // The count and the day of the same period in one sentence: the day's rule.
        #expect(try whens("三、活动时间\n- 每周一次的篮球比赛:每周周六上午9点至11点") == ["weekly sat"])
        // The Nth week's weekday of the month, of the quarter's first month.
        #expect(try whens("三、活动时间\n- 每月一次的环保活动:每月第四周的周六上午9点至11点") == ["monthly 4th sat"])
        #expect(try whens("三、活动时间\n- 每季度一次的文艺比赛:每季度第三周的周六上午9点至11点") == ["monthly 3rd sat interval 3 from 2026-01-01"])
        // A list of how often, then a list of when: one item per activity, dated by the second.
        let lists = """
            二、活动内容
            1. 每周一次的篮球比赛:每周定期组织篮球比赛,邀请社区居民参加。
            2. 每月一次的羽毛球活动:每月定期组织羽毛球活动。
            三、活动时间
            - 每周一次的篮球比赛:每周周六上午9点至11点
            - 每月一次的羽毛球活动:每月第一个周六上午9点至11点
            """
        #expect(try whens(lists) == ["weekly sat", "monthly 1st sat"])
        // A count alone stays a quota.
        #expect(try whens("网吧检查每周不少于两次。") == ["weekly tue,fri"])
    }

    @Test func aDatedActivityAfterAFestivalsDescriptionIsAnItem() throws {
        // A line that opens by describing the festival and then dates an activity (开展) keeps the activity.
        let d = try whens("东关社区端午活动\n端午节是中国传统节日,2022年5月25号下午14:30在东关社区开展丰富多彩的活动。")
        #expect(d.contains("05-25"))
        // The festival's history with a year stays no item.
        #expect(try whens("端午节的由来\n端午节是中国传统节日,2006年5月,国务院将其列入首批国家级非物质文化遗产名录。") == [])
    }

    @Test func aPointsNameBeforeItsDateTitlesIt() throws {
        let plan = """
            社区重阳节活动方案
            10-16
            六、具体活动:1.登高:26日下午1:30在伯先公园门口集中从东路口往山顶走。
            """
        #expect(try draft(plan).items.first?.title == "登高")
        // A list's introduction is no name.
        let list = "三项行动包括:3月20日-3月31日,本市开展健康教育集中宣传行动。"
        #expect(try draft("爱国卫生月\n" + list).items.first?.title != "三项行动包括")
    }

    @Test func aUnitOfTheDictionaryKeepsTheWordsOfADocumentOfAnotherPlace() throws {
        // A county's 市场监管局 is not renamed to the seed district's 市场监督管理局; a traditional text keeps its characters.
        let county = owners(try draft("消费者权益日活动\n3月15日,县市场监管局在广场开展宣传咨询活动。"))
        #expect(county.contains { $0.hasSuffix("市场监管局") })
        #expect(owners(try draft("消費者權益日活動\n3月15日,市場監管局在廣場開展宣傳諮詢活動。")) == ["市場監管局"])
        // The seed district's document keeps the dictionary's names.
        #expect(owners(try draft("扎赉诺尔区文明办工作\n3月15日,扎赉诺尔区市场监管局开展宣传咨询活动。")).contains("市场监督管理局"))
    }
}
