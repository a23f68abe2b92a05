import AlmanacDraft
import Testing

/// Round 8 (issue 16, set 8, dev/389–417): the classes set 8 showed the drafter adding or missing,
/// one passage each, written for the test.
@Suite struct Round8DraftTests {
    func draft(_ text: String) throws -> Draft { try DraftTestSupport.draft(text) }
    func whens(_ text: String) throws -> [String] { try draft(text).items.map(\.when) }

    @Test func theNumberedTitleOfOneTextOfACollectionIsNoItem() throws {
        let text = """
            3月5日学雷锋活动方案一:
            三、活动时间:3月3日上午9点
            六、活动内容:清扫小区环境。
            3月5日学雷锋活动方案二:
            2019年3月5日是第56个“学雷锋纪念日”。
            """
        #expect(try whens(text) == ["03-03"])
    }

    @Test func aDateInsideTheNameOfADocumentTheClauseWritesIsNoDay() throws {
        #expect(try whens("为弘扬雷锋精神,创建美丽社区,制定社区2024年3月学雷锋活动方案。").isEmpty)
        // A date before the writing is when it is written.
        #expect(try whens("3月制定学雷锋志愿服务活动方案。") == ["03-01..03-last"])
    }

    @Test func theProgrammesTimeAfterAPrefaceColonIsRead() throws {
        let text = "决定在全区开展学雷锋志愿服务月集中活动。现将有关事项方案如下:一、活动时间2023年3月5日至4月5日。"
        // The written window; the campaign month named without a date is that window's.
        #expect(try whens(text) == ["03-05..04-05"])
        // Other dates after the colon of a preface are still the list's, not read there.
        #expect(try whens("现将检查安排通知如下:1月29日开展消防检查。").isEmpty)
    }

    @Test func aFestivalInsideAQuotedNameIsTheProgrammeWindowsWhenTheWindowHoldsIt() throws {
        let text = """
            关于开展“我们的节日·端午节”主题活动的通知
            各区、各单位:现将活动有关事项通知如下:一、活动时间6月15日—6月25日。
            二、活动内容:各社区开展“端午节邻里联谊”活动,通过包粽子、送粽子等活动,培育文明风尚。
            """
        #expect(try whens(text) == ["06-15..06-25"])
        // A window that does not hold the festival's day leaves it its own.
        let other = """
            现将活动有关事项通知如下:一、活动时间3月1日—3月10日。
            二、各社区开展“端午节邻里联谊”活动。
            """
        #expect(try whens(other) == ["03-01..03-10", "端午节"])
    }

    @Test func aMonthOverActivitiesDatedByDayInsideItIsTheProgrammesWindow() throws {
        // (The programme's lead, so that its time field is under no heading of an activity.)
        let lead = """
            白云湖社区学雷锋活动方案
            一、指导思想
            雷锋精神是我们中华民族宝贵的精神财富,社区结合有关文件精神制定本方案。
            二、活动主题:邻里守望,雷锋相伴
            """
        let text = lead + """

            三、活动时间:2016年3月
            四、活动内容
            活动一:
            三月一日上午8:00
            组织社区干部和志愿者清扫社区环境。
            活动二:
            三月四日上午8:30在购物中心门口参加文明礼让活动。
            """
        #expect(try whens(text) == ["03-01", "03-04"])
        // Phases are the campaign's own parts: the month stays.
        let phases = lead + """

            三、活动时间:2024年3月
            四、活动安排
            1、动员阶段:3月1日至3月9日,召开动员会。
            2、实施阶段:3月10日至3月25日,开展志愿服务。
            """
        #expect(try whens(phases).contains("03-01..03-last"))
    }

    @Test func twoDaysInARowJoinedBy及AreOneWindow() throws {
        #expect(try whens("三月一日及三月二日上午8:00组织志愿者清扫社区。") == ["03-01..03-02"])
        #expect(try whens("5月3日和5月4日开展广场文艺演出。") == ["05-03..05-04"])
    }

    @Test func aFirstDayWithoutItsRiBeforeAWholeEndDateOpensTheWindow() throws {
        let text = """
            (一)“欢歌唱春”群众文化活动。
            时 间:20**年12月20至20**年3月20日
            """
        #expect(try whens(text) == ["12-20..03-20"])
    }

    @Test func theProgrammesThemeToldAgainAsAQuotedNameIsNoDay() throws {
        let text = """
            二、活动主题:
            我们的节日・中秋
            三、活动时间:
            9月16―25日
            四、活动内容:
            1、利用周一的国旗下的讲话,以“我们的节日・中秋节”为主题进行演讲。(时间9月16日升旗仪式)
            2、开展“我们的节日・中秋”中华经典诗文诵读比赛。
            3、开展“我们的节日・中秋”主题班会。(时间9月17日班队会)
            """
        let w = try whens(text)
        #expect(!w.contains("中秋节"))
        #expect(w.contains("09-16") && w.contains("09-17"))
    }

    @Test func aListedFestivalALaterLineGivesAnActivityOfItsOwnIsThatActivity() throws {
        let text = """
            今年以来,我县在春节、清明、端午、中秋等节庆期间开展“我们的节日”主题文化活动。
            一、春节
            1、春节期间,举办全县春节文艺晚会。
            """
        let w = try whens(text)
        #expect(w.filter { $0.contains("春节") }.count == 1)
        #expect(w.contains("清明") && w.contains("端午节") && w.contains("中秋节"))
    }

    @Test func aUnitOnALineOfItsOwnOverTheFirstParagraphIssuesTheDocument() throws {
        let text = """
            关于开展我们的节日
            范文参考
            第一篇:关于开展我们的节日
            关于“我们的节日”主题活动开展情况说明
            庆云县文明办
            关于“我们的节日”主题活动开展情况说明
            今年以来,全县充分运用民族传统节日,大力弘扬民族文化的优秀传统,经常性举办群众喜闻乐见的文化活动。
            1、元旦期间,举办第二届金山庙会。
            2、春节期间,举办春节文艺晚会,共举办各类演出11场。
            3、元宵节期间,在县广场举办乡戏进城活动。
            二、清明节
            节日主题:清明节是一个纪念祖先及离世亲人的节日。
            三、端午节
            节日主题:端午节是中华民族的传统节日。
            """
        let d = try draft(text)
        let spring = try #require(d.items.first { $0.when.contains("春节") })
        #expect(spring.owners.compactMap { id in d.units.first { $0.id == id }?.name } == ["庆云县文明办"])
    }

    @Test func theOfficesThatPoliceATradeAreUnits() throws {
        let d = try draft("7月15日,市文化市场管理处会同市公安局对全市所有网吧进行了拉网式检查。")
        let owners = d.items.flatMap(\.owners).compactMap { id in d.units.first { $0.id == id }?.name }
        #expect(owners.contains { $0.hasSuffix("文化市场管理处") })
    }

    @Test func oneWeekdayOfSeveralWeeksOfTheMonth() throws {
        #expect(try whens("每月第一、三个周五下午15:00-17:00组织志愿者清理道路两旁杂草。") == ["monthly 1st fri,3rd fri"])
        #expect(try whens("每月第二、四个星期五组织志愿者进社区。") == ["monthly 2nd fri,4th fri"])
    }

    @Test func aNumberedHeadingOverAParagraphThatOpensWithItsDateNamesTheActivity() throws {
        let text = """
            2、开展“文明劝导”志愿服务行动 。
            3月初至4月底,利用广播电视台、城区电子屏等开展乘车礼让、文明过斑马线等宣传教育。
            3、开展“关爱孤寡老人”志愿服务行动 。
            3月份,各级文明单位组织志愿者服务队,深入福利院开展志愿服务活动。
            """
        let titles = try draft(text).items.map(\.title)
        #expect(titles.count == 2)
        #expect(titles.first?.contains("文明劝导") == true && titles.last?.contains("关爱孤寡老人") == true)
        // A festival's section heading over its point is no such heading: the point names its activity.
        let festival = """
            七、七夕节活动安排
            七夕节到来之际开展主题派对和庆祝活动。
            """
        #expect(try draft(festival).items.first?.title.contains("主题派对") == true)
    }

    @Test func aWindowTitledByItsLabelTakesTheNameOfWhatItHolds() throws {
        let text = """
            欢迎来到文库
            1、关于开展“我们的节日·端午节”主题活动的通知全市各区、各相关单位:“我们的节日”是传承中华传统文化的重要载体。\
            市文明办决定组织开展“我们的节日·端午节”主题活动。现将活动有关事项通知如下:一、活动时间XX年6月15日—6月25日二、活动内容、\
            各区要组织各社区
            2、开展邻里联谊活动,通过包粽子、送粽子等活动,培育社会风尚。
            """
        let items = try draft(text).items
        #expect(items.map(\.when) == ["06-15..06-25"])
        #expect(items.first?.title.contains("我们的节日·端午节") == true)
    }

    @Test func aPointsTimeInBracketsAfterItsSentenceIsTitledByThePoint() throws {
        let text = "1、利用周一的国旗下的讲话,进行演讲、宣传活动。(时间9月16日升旗仪式)"
        let item = try #require(try draft(text).items.first)
        #expect(item.when == "09-16" && item.title.contains("国旗下的讲话"))
    }

    @Test func aStepTimedFromTheActivityIsDatedFromItsDay() throws {
        let text = """
            二、活动时间
            2023年2月5日(农历正月十五)晚上7点至9点
            五、活动准备
            提前一周开始宣传,招募志愿者协助活动筹备工作。
            六、活动总结
            活动结束后两三天,对活动做相关总结。
            """
        #expect(try whens(text) == ["02-05", "02-05 -7d", "02-05 +2d..+3d"])
        // With two activity days it is not known which the step is timed from.
        let two = """
            3月1日举行开学典礼。
            3月5日开展学雷锋志愿服务活动。
            老师提前2天到校。
            """
        #expect(try !whens(two).contains { $0.contains("-2d") })
    }

    @Test func aFestivalsLoreAsTheTopicOfAQuizIsNoDay() throws {
        #expect(try whens("市文化局要组织开展多种形式的文体活动,策划开展民俗民风知识讲座、普及端午知识竞猜等活动。").isEmpty)
        // The festival's own activity stays.
        #expect(try whens("端午节开展包粽子比赛。") == ["端午节"])
    }

    @Test func aRemarkToldTwiceALineApartIsOneItem() throws {
        let text = """
            时间:(注:本活动将与十月份的“爱国”主题结合起来一起开展,因此具体时间另行通知)
            地点:另行通知
            本活动将与十月份的“爱国月”主题结合起来一起开展,因此具体时间另行通知
            """
        #expect(try whens(text) == ["10-01..10-last"])
        // Two activities of one month on consecutive lines stay two.
        let two = """
            10月份开展“我爱祖国”主题诗文诵读比赛。
            10月份组织全体少先队员参观革命纪念馆。
            """
        #expect(try whens(two).count == 2)
    }
}
