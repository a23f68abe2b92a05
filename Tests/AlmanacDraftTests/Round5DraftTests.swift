import AlmanacDraft
import Testing

/// Round 5 of the corpus (issue 16, set 5, dev/291–319: a town's yearly festival table, a school's
/// month plan, 推动周 news, community festival programmes and summaries, 中秋/国庆 news): each class of
/// extra or missed item its first run showed, one passage each, written for the test.
@Suite struct Round5DraftTests {
    func draft(_ text: String) throws -> Draft { try DraftTestSupport.draft(text) }
    func whens(_ text: String) throws -> [String] { try draft(text).items.map(\.when) }

    @Test func aDayWithoutItsMonthAfterADatedClauseTakesThatMonth() throws {
        let text = "3月1日开展“学条例”主题日活动,2号开展“做红色传人”主题日活动,3号开展“倡节俭风尚”主题日活动。"
        #expect(try whens(text) == ["03-01", "03-02", "03-03"])
        // Not a 、 list of days for one activity, a count of days, or a day before the one written.
        #expect(try whens("2月19日、20日报到,2月22日上课。").contains("02-20") == false)
        #expect(try whens("3月5日开展志愿服务,3日内完成总结。") == ["03-05"])
        #expect(try whens("3月15日召开部署会,5日前各村上报名单。") == ["03-15"])
    }

    @Test func aNumberedPointUnderAFestivalsHeadingIsOnThatFestival() throws {
        let text = """
            三、清明节活动安排
            1. 组织“缅怀先烈”祭扫活动,邀请居民们共同参加扫墓仪式。
            2. 开展“绿色清明”植树活动,鼓励居民们积极参与植树造林。
            四、端午节活动安排
            1. 组织观看龙舟比赛,让居民们领略龙舟竞技的激情与活力。
            """
        let items = try draft(text).items
        #expect(items.map(\.when) == ["清明", "清明", "端午节"])
        #expect(items.first?.title.contains("缅怀先烈") == true)
        // A heading that names two festivals, or a festival with other words, dates no point.
        let two = """
            (一)元旦春节
            1. 组织文艺演出。
            二、春节文化惠民工作
            1. 组织文艺演出。
            """
        #expect(try whens(two).isEmpty)
    }

    @Test func aNumberedTaskEndingInPlanIsNotATitleLine() throws {
        let text = """
            小学德育工作计划
            二月
            1、安全教育
            2、拟写班主任计划
            """
        #expect(try whens(text) == ["02-01..02-last", "02-01..02-last"])
        let table = """
            月份工作安排
            2月份
            制定2011年德育、团队工作计划
            """
        #expect(try whens(table) == ["02-01..02-last"])
        // A document's own title line still names the document.
        #expect(try whens("2024年社区工作计划\n3月5日,开展学雷锋活动。") == ["03-05"])
    }

    @Test func aFestivalOfAListThatFramesTheActivitiesIsTheActivityItIsNamedAgainWith() throws {
        let text = "紧扣春节、清明、中秋等传统节日,开展“我在实践所过佳节”系列活动:春节期间组织开展义写春联活动;清明节开展“清明祭英烈”祭扫活动;中秋节结合本村特色,举办火把节民俗活动。"
        let items = try draft(text).items
        #expect(items.count == 3)
        #expect(items.contains { $0.title.contains("火把节") })
        #expect(items.allSatisfy { !$0.title.contains("过佳节") })
    }

    @Test func aPlaceholderSigningDateAndAPagesStampAreNoItems() throws {
        #expect(try whens("小学德育工作计划\n三月:\n1、开展植树节活动\nxxxx年2月16日").count == 1)
        #expect(try whens("时间: 2023年09月26日\n9月23日,系列文旅活动在金水湖畔正式拉开序幕。") == ["09-23"])
        // A date a person wrote under a time label stays.
        #expect(try whens("活动时间：\n2024年3月5日\n学雷锋志愿服务活动").count == 1)
    }

    @Test func theFirstCellOfUnitsInATableRowOwnsIt() throws {
        let text = """
            1月 |
            元旦 |
            嘉平镇2026年捏橡皮泥活动 |
            月沱村 |
            新时代文明实践服务中心/清平社区/天水村 |
            """
        let d = try draft(text)
        let item = try #require(d.items.first)
        let names = item.owners.compactMap { id in d.units.first { $0.id == id }?.name }
        #expect(names == ["月沱村"])
    }

    @Test func aBreadcrumbAndTheHeadlineOverAPagesStampAreNoItems() throws {
        let text = """
            首页 > 短语口号 > 节日庆典 > 春节 > 2025乡镇春节文化活动方案
            2015年元旦春节福州群众文化活动一览表 活动精彩纷呈
            2014-12-29 09:50 来源:福州晚报
            1月25日 鼓楼区迎新春联欢暨非遗宣传进广场活动 光禄坊公园
            """
        #expect(try whens(text) == ["01-25"])
        // A line over a line that is not a page's stamp is read as before.
        #expect(try whens("社区活动安排\n3月5日开展学雷锋活动\n3月12日开展植树活动") == ["03-05", "03-12"])
    }

    @Test func aDistrictOnALineOfItsOwnOwnsTheDatedRowsUnderIt() throws {
        let text = """
            元旦春节期间群众文化活动安排
            鼓楼区
            1月25日 迎新春联欢暨非遗宣传进广场活动 光禄坊公园
            2月7日 围棋活动 吴清源围棋会馆
            台江区
            2月12日 迎新春书法笔会 江滨公园
            """
        let d = try draft(text)
        let owners = d.items.map { item in item.owners.compactMap { id in d.units.first { $0.id == id }?.name } }
        #expect(owners == [["鼓楼区"], ["鼓楼区"], ["台江区"]])
    }

    @Test func aFestivalAsTheTopicPastASpaceOrAQuotedListIsNoDate() throws {
        let text = "这样的宣传措施帮助居民加深对清明节 的了解。3月5日,开展学雷锋活动。"
        #expect(try whens(text) == ["03-05"])
        #expect(try whens("开展志愿者服务活动,充分利用社区资源开展关于“春节、元宵节”风俗习惯和意义活动。3月5日,开展学雷锋活动。") == ["03-05"])
        // The festival that dates an activity stays.
        #expect(try whens("社区活动安排\n清明节当天,社区组织了祭扫活动。").count == 1)
    }
}
