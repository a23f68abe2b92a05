import AlmanacDraft
import Testing

/// Round 6b (issue 16, set 6, dev/331–361): the classes of extra items and missing owners left by
/// round 6, one passage each, written for the test.
@Suite struct Round6bDraftTests {
    func draft(_ text: String) throws -> Draft { try DraftTestSupport.draft(text) }
    func whens(_ text: String) throws -> [String] { try draft(text).items.map(\.when) }
    func ownerNames(_ d: Draft) -> [[String]] {
        d.items.map { item in d.units.filter { item.owners.contains($0.id) }.map(\.name) }
    }

    @Test func anUmbrellaOfAProgrammeAboutItsOwnFestivalIsNoItem() throws {
        let text = """
            妇联三八妇女节活动方案
            为营造节日氛围,组织开展丰富多彩的2022年庆祝"三八"国际妇女节活动。
            一、3月5日举办女性健康讲座
            二、3月7日召开表彰大会
            """
        #expect(try whens(text) == ["03-05", "03-07"])
        let summary = """
            春节期间活动方案
            2025年春节期间,各社区开展了一系列形式多样的庆祝活动。
            春联送福 1月25日-27日 社区服务中心
            灯会展览 1月28日-2月3日 文化广场
            """
        #expect(try whens(summary) == ["01-25..01-27", "01-28..02-03"])
        // A festival activity that names what is done stays: 春节团拜会 is an activity, not the umbrella.
        let named = """
            春节期间活动方案
            春节期间,社区举办春节团拜会。
            春联送福 1月25日-27日 社区服务中心
            """
        #expect(try whens(named).count == 2)
    }

    @Test func theHeadlineToldAgainInTheBodyIsNoItem() throws {
        let text = """
            2022年街道春节期间创建文明城市活动纪实
            时间:2022-04-23
            2022年街道春节期间创建文明城市活动纪实
            街道春节期间创建文明城市活动纪实
            春节前一周,各村居开展移风易俗专题讲座。
            """
        #expect(try whens(text) == ["春节 -7d"])
    }

    @Test func aBracketThatNarrowsAWindowIsTheSameWindow() throws {
        let text = """
            妇女节活动方案
            三、活动时间
            2022年3月上旬(主要活动在3月1日至8日期间)
            """
        #expect(try whens(text) == ["03-01..03-10"])
        // A bracket that gives a day outside the window, or two windows side by side, stay two.
        #expect(try whens("3月上旬开展宣传,3月20日至25日举办培训。").count == 2)
    }

    @Test func aFestivalInAPointsHeadingToldAgainInItsBodyIsOneItem() throws {
        let text = """
            四、活动内容
            2、世界读书日宣传
            在第二十个“世界读书日”到来之际,通过进机关、进社区开展阅读推广宣传。
            3、读书征文
            """
        #expect(try draft(text).items.map(\.title) == ["世界读书日宣传"])
        let oneLine = """
            (一)召开"三八"妇女节座谈会。市妇联将举办"三八"妇女节座谈会,引领广大妇女建功立业。
            """
        #expect(try draft(oneLine).items.count == 1)
    }

    @Test func officesAndBranchesAreUnits() throws {
        let school = try draft("二月主题:新起点\n6、政教处、大队部制订工作计划")
        #expect(ownerNames(school).first?.contains("政教处") == true)
        let branch = try draft("4月30日下午,院团支部组织开展青年茶话会活动。")
        #expect(ownerNames(branch).first?.contains { $0.hasSuffix("团支部") } == true)
        // 处 after a word that is no office's work is no unit (到处).
        #expect(try draft("3月5日到处开展学雷锋活动。").units.allSatisfy { !$0.name.hasSuffix("处") })
    }

    @Test func theIssuingUnitIsReadUnderABreadcrumbAndAfterAYear() throws {
        let text = """
            您的当前位置:首页正文
            2024街道办事处团委工作计划 篇1
            一是开展“3.5学雷锋日”系列活动。
            """
        #expect(ownerNames(try draft(text)).first?.contains { $0.contains("团委") } == true)
    }

    @Test func aUnitThatSpeaksOfItselfOwnsItemsThatNameNone() throws {
        let text = """
            结合我馆实际情况,现我馆对春节假期期间开放作如下安排:
            2月10日至2月17日图书馆对外开放。
            2月18日正常开放,2月19日闭馆。
            """
        let d = try draft(text)
        #expect(ownerNames(d).allSatisfy { $0 == ["图书馆"] })
        #expect(d.items.count == 3)
    }
}
