import AlmanacDraft
import Testing

/// Round 9 (issue 16, set 9, dev/419–447): the classes set 9 showed the drafter adding or missing,
/// one passage each, written for the test.
@Suite struct Round9DraftTests {
    func draft(_ text: String) throws -> Draft { try DraftTestSupport.draft(text) }
    func whens(_ text: String) throws -> [String] { try draft(text).items.map(\.when) }
    func owners(_ d: Draft) -> [String] { d.items.flatMap(\.owners).compactMap { id in d.units.first { $0.id == id }?.name } }

    @Test func aStartToldWithHowLongItLastsIsOneWindow() throws {
        // The start of a month lasting a month is that month (and the campaign month the sentence names is it).
        #expect(try whens("据了解,本次学雷锋志愿服务月集中示范活动从3月初开始,持续一个月,广泛开展学雷锋志愿服务关爱活动。") == ["03-01..03-last"])
        #expect(try whens("全市从6月开始,持续三个月开展文化市场专项整治。") == ["06-01..08-last"])
        // A day lasts days or weeks from that day.
        #expect(try whens("社区从5月10日起,为期两周,开展环境整治。") == ["05-10..+13d"])
        // A start without a length stays a start.
        #expect(try whens("社区从5月10日起开展环境整治。") == ["05-10"])
    }

    @Test func theLineAboveALineThatIsOnlyADateNamesItsActivity() throws {
        let text = """
            正值教师节来临之际,元庄社区将开展庆祝教师节活动。具体安排如下:
            “致我们最亲爱的园丁”之元庄社区庆祝教师节活动
            20xx年9月10日(本周三)15:30
            元庄社区未成年活动中心
            """
        let d = try draft(text)
        // The festival inside the name is the dated activity's, and the name titles it.
        #expect(d.items.map(\.when) == ["09-10"])
        #expect(d.items.first?.title.contains("庆祝教师节活动") == true)
        // A name with no date line under it stays the festival's.
        let alone = """
            具体安排如下:
            “致我们最亲爱的园丁”之元庄社区庆祝教师节活动
            地点:元庄社区未成年活动中心
            """
        #expect(try whens(alone) == ["教师节"])
    }

    @Test func aFestivalsActivityToldAgainIsTheItemThatWroteItFirst() throws {
        // A numbered point's name, then its sentence.
        let point = """
            庆祝教师节活动方案
            三、活动内容
            1.教师节慰问信。在教师节来临之际,党委书记、校长联名向全校教师致教师节慰问信,致以节日的祝贺。
            """
        #expect(try whens(point) == ["教师节"])
        // An activity dated by day, told again in the requirements.
        let required = """
            庆祝教师节活动方案
            四、活动内容:
            1.师生共庆教师节活动时间:9月9日下午4:00-5:30。
            五、活动要求:以班级为单位,组织师生共庆教师节文娱活动,班主任必须到班参加。
            """
        #expect(try whens(required) == ["09-09"])
        // Another activity of the same festival stays.
        let other = """
            庆祝教师节活动方案
            四、活动内容:
            1.师生共庆教师节活动时间:9月9日下午4:00-5:30。
            2.教师节当天,团委举办教师节文艺晚会。
            """
        #expect(try whens(other) == ["09-09", "教师节"])
    }

    @Test func aWeekTablesDottedWindowsAreReadAndTheirNotedDaysAreTheRowsOccasions() throws {
        let table = """
            第二学期德育主题教育活动安排表
            周次
            时间
            活动及内容
            备注
            1
            3.9-3.15
            植绿护绿,共绘春景
            召开“我为家乡添点绿”主题班会,普及植树节知识;
            3.12植树节
            2
            3.16-3.22
            节水护水,守护家园
            结合世界水日,开展“节约用水,从点滴做起”主题教育;
            3.22世界水日
            """
        // Each row's cell 3.9-3.15 is its window; 3.12植树节 and 结合世界水日 are the rows' occasions.
        #expect(try whens(table) == ["03-09..03-15", "03-16..03-22"])
        // A dotted range inside a sentence is not read as a window (1.2-1.5 may number sections).
        #expect(try whens("工作目标见第1.2-1.5节。").isEmpty)
        // A noted day outside a row of windows stays an item.
        #expect(try whens("三月安排\n3.12植树节\n组织植树活动。").contains("03-12"))
    }

    @Test func ownersFromThePointsParagraphTheWriterOfThePlanAndNoVerbInAName() throws {
        // 本活动由X (after the activity as subject): X does it, whatever the verb; the paragraph under a numbered point
        // is the point's.
        let point = """
            教师节系列活动方案
            四、活动安排
            3、9月2日——9月11日“尊师心语”之黑板报比赛
            本活动由德育处统一安排布置,由美术备课组老师组织执行。
            """
        let d = try draft(point)
        #expect(d.items.map(\.when) == ["09-02..09-11"])
        #expect(owners(d).contains { $0.contains("德育处") })
        // The unit that writes the plan (我院志愿者协会特别制定此次……方案) owns the items that name none.
        let plan = """
            志愿服务月系列活动方案
            1.活动背景
            为了推动文明城市建设,凝聚社会正能量,我院志愿者协会特别制定此次“志愿服务月系列活动方案”。
            2.活动内容和安排
            (1)志愿者招募及培训
            时间:9月1日——9月7日
            """
        let p = try draft(plan)
        #expect(p.items.map(\.when) == ["09-01..09-07"])
        #expect(owners(p).contains { $0.contains("志愿者协会") })
        // A verb of purpose before a unit's ending ends the name (推动学校各项事业: no unit 推动学校).
        let purpose = """
            一、指导思想
            为推动学校各项事业的全面发展,我校开展教师节系列活动。
            四、活动安排
            5、9月8日“我爱我师”之电影欣赏
            全校各班统一播放影片。
            """
        let q = try draft(purpose)
        #expect(!owners(q).contains("推动学校"))
    }

    @Test func aFixedDayFestivalAReportToldAfterItsDayIsThatDaysActivity() throws {
        let report = """
            三八妇女节:社区活动欢乐多
            3月6日上午,金石社区活动室里热闹非凡,社区正在举办趣味运动会。
            今年的“三八节”,金石社区组织了丰富多彩的系列活动,既有趣味运动会,又有“共建和谐社区”的三八妇女节志愿服务活动。
            """
        #expect(try whens(report) == ["03-06"])
        // What is still to come (将) is another day.
        let plan = """
            三八妇女节:社区活动欢乐多
            3月6日上午,金石社区活动室里热闹非凡,社区正在举办趣味运动会。
            三八妇女节当天,金石社区还将举办妇女健康讲座。
            """
        #expect(try whens(plan) == ["03-06", "妇女节"])
    }

    @Test func aFestivalThatOpensAClauseOfWhatItBearsIsDescribedNotKept() throws {
        let text = """
            社区庆春节活动方案
            一、活动背景作为我国最重要的节日之一,春节凝聚了中华民族丰富的传统与文化。
            二、活动内容:除夕之夜举办社区联欢晚会。
            """
        #expect(try whens(text) == ["除夕"])
        // A festival that opens a clause of doing is its time.
        #expect(try whens("社区庆春节活动方案\n春节组织居民开展送春联活动。") == ["春节"])
    }

    @Test func aFestivalAsTheTimeOfASentenceInWhichNothingIsDoneIsNoItem() throws {
        let text = """
            街道春节期间创建文明城市活动纪实
            创文在路上,欢乐过大年。春节期间,xx街道把创文的激情鼓点融入到新春祥和的节奏中,让这个春节年味更浓、更有内涵。
            """
        #expect(try whens(text).isEmpty)
        // A sentence that does something in the festival keeps it; so does a month table's short point (庆“五·一”).
        #expect(try whens("街道春节工作纪实\n春节期间,xx街道走访慰问困难群众。") == ["holiday 春节"])
        #expect(try whens("五月份\n1、庆“五·一”") .count == 1)
    }

    @Test func whenTheEntriesWereMadeIsAConditionNotADay() throws {
        let text = """
            “三八”女性摄影比赛征稿启事
            一、征稿时间:3月1日至3月31日。
            二、作品要求:(1)凡是摄影爱好者均可投稿(2)作品拍摄时间为**年1月-**年2月,紧扣城市特点。
            """
        #expect(try whens(text) == ["03-01..03-31"])
    }
}
