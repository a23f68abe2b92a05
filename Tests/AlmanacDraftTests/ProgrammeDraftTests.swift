import AlmanacDraft
import Testing

/// Layouts and phrasings of campaign programmes, term calendars, named days and news of agencies,
/// schools, hospitals and communities (issue 16, dev/193–231), one passage each, written for the test.
@Suite struct ProgrammeDraftTests {
    func whens(_ text: String) throws -> [String] { try DraftTestSupport.draft(text).items.map(\.when) }

    func owners(_ text: String) throws -> [[String]] {
        let d = try DraftTestSupport.draft(text)
        let names = Dictionary(uniqueKeysWithValues: d.units.map { ($0.id, $0.name) })
        return d.items.map { $0.owners.compactMap { names[$0] } }
    }

    @Test func aTermCalendarsRowsGiveTheirRemarksNotTheirWeeks() throws {
        let text = """
            周次 | 起止日期 | 备注 |
            第一周 | 2月23日—3月1日 | 2月21日报到,2月23日上课 |
            第二周 | 3月2日—3月8日 | |
            第七周 | 4月6日?4月12日 | 清明节放假一天 |
            第二十周 | 7月6日—7月12日 | 7月9日前结束期末考试 |
            """
        let d = try DraftTestSupport.draft(text)
        #expect(d.items.map(\.when) == ["02-21", "02-23", "清明", "07-09"])
        #expect(d.items.map(\.line) == [2, 2, 4, 5])
    }

    @Test func aDayNamedWithACommaBeforeShiIsTheOccasionUnlessALaterClauseActs() throws {
        #expect(try whens("今年的4月15日,是第十个全民国家安全教育日。").isEmpty)
        #expect(try whens("2025年4月15日是第十个“国家安全教育日”。").isEmpty)
        #expect(try whens("4月是第35个爱国卫生月。").isEmpty)
        let d = try DraftTestSupport.draft("12月4日,是国家第十一个宪法宣传日,县司法局积极参与县政法委组织的宪法宣传活动。")
        #expect(d.items.map(\.when) == ["12-04"])
        #expect(d.items.first?.title.contains("宪法宣传活动") == true)
    }

    @Test func aDottedDayInsideANameYieldsToTheWrittenDay() throws {
        #expect(try whens("4月14日,胜利街道民和社区组织开展“4·15全民国家安全教育日”宣传活动。") == ["04-14"])
        #expect(try whens("4月15日上午,莲湖区委在广场举行“4.15”全民国家安全教育日集中宣传活动。") == ["04-15"])
        // A remark on the activity told names it again.
        #expect(try whens("此次“4·15”全民国家安全教育主题宣传周活动,增强了居民的国家安全意识。").isEmpty)
    }

    @Test func aLaunchAndAnEndToldAsTwoDaysAreOneWindow() throws {
        #expect(try whens("本次活动将于6月1日正式启动,并持续至6月30日结束,为期一个月。") == ["06-01..06-30"])
    }

    @Test func sentencesThatSetUpANamedDayHoldNoItem() throws {
        #expect(try whens("2014年11月1日,全国人大常委会通过决定,将每年的12月4日定为“国家宪法日”。").isEmpty)
        #expect(try whens("确定12月4日这一天为“国家宪法日”,是因为现行宪法在这一天实施。").isEmpty)
        #expect(try whens("设立国家宪法日,有助于全社会加强宪法宣传教育。").isEmpty)
    }

    @Test func requirementsTopicsAndPreparationsAreNotTheFestivalsActivities() throws {
        #expect(try whens("要求各级妇联组织广泛开展群众喜闻乐见的各类活动,庆祝妇女节。").isEmpty)
        #expect(try whens("参会人员就如何开展三八妇女节活动进行踊跃发言与讨论。").isEmpty)
        #expect(try whens("下一步,社区将根据部署会会议要求做好三八节各项活动安排。").isEmpty)
    }

    @Test func ownersLeadingByYouPartnersVenuesAndQuotedNames() throws {
        #expect(try owners("4月15日上午,莲湖区委联合市公安局在广场举行集中宣传活动。") == [["莲湖区委"]])
        #expect(try owners("12月4日,县司法局积极参与由县政法委牵头的宪法宣传日活动。") == [["县政法委"]])
        #expect(try owners("1、6月1日上午,召开新闻发布会。此项工作由市委宣传部新闻处、市安监局综合处负责组织协调。") == [["市委宣传部", "市安监局"]])
        // 由于 is "because".
        #expect(try owners("3月14日,镇政府开展摄影展活动,由于县文联精心组织,活动取得圆满成功。").first?.contains("镇政府") == true)
        #expect(try owners("市爱卫办介绍,3月20日-3月31日,本市开展“社区村庄环境清洁”为重点的宣传行动。") == [["市爱卫办"]])
        #expect(try owners("5月4日,学校团委举办表彰大会。") == [["学校团委"]])
        let community = try owners("为增强社区居民的国家安全意识,4月14日,胜利街道民和社区组织开展宣传活动。").first ?? []
        #expect(community.contains("胜利街道") && !community.contains("增强社区"))
        // A unit a place is named after (图书馆广场) is where it happens; the lead's 县妇联 prepared it.
        let text = """
            在妇女节即将到来之际,会同县妇联精心筹备了三大主题活动,诚邀全县姐妹参加!
            一、学雷锋 做志愿
            活动时间:3月5日
            活动地点:县图书馆广场
            1.科技科普宣传服务:图书馆广场活动集中点为群众开展科普宣传。
            """
        #expect(try owners(text) == [["县妇联"]])
    }

    @Test func aDateUnderItsOwnTimeLabelIsTheActivitysNotASignature() throws {
        let text = """
            (二)五四青年节升国旗仪式
            1.活动时间
            2025年5月4日08:30
            2.活动地点
            东门国旗台
            (三)五四主题云团日活动
            1.活动时间
            2025年5月4日至5月30日
            2.参与方式
            5月4日起可通过手机扫描二维码访问活动平台进行学习。
            """
        let d = try DraftTestSupport.draft(text)
        #expect(d.items.map(\.when) == ["05-04", "05-04..05-30"])
        #expect(d.items.map(\.title) == ["五四青年节升国旗仪式", "五四主题云团日活动"])
    }

    @Test func theHeadingOverTimeFieldsIsFoundPastAParagraphOrAGroupLabel() throws {
        let text = """
            1、举办志愿护理服务分队成立大会
            为给护理志愿服务提供更大的平台,塑造医院良好公益文化,护理部拟举办成立大会。
            时间:5月9日14:00
            2、举办护士节表彰暨庆祝大会
            为表彰在护理工作岗位上做出突出贡献的护理人员,举办5.12护士节表彰暨庆祝大会。
            时间:5月8日15:00
            系列活动三:升国旗、唱团歌主题团日活动。
            (一)活动时间与地点
            1、时间:2016年5月4日6:50—7:30
            """
        let d = try DraftTestSupport.draft(text)
        #expect(d.items.map(\.when) == ["05-09", "05-08", "05-04"])
        #expect(d.items.map(\.title) == ["举办志愿护理服务分队成立大会", "举办护士节表彰暨庆祝大会", "升国旗、唱团歌主题团日活动"])
    }

    @Test func aSeriesOverAMonthAboveDatedActivitiesIsTheUmbrella() throws {
        let text = """
            护理部将在5月举办纪念国际护士节系列活动。
            1、健康咨询公益活动
            时间:5月7日10:00
            2、科普公益活动
            时间:5月8日10:00
            """
        #expect(try whens(text) == ["05-07", "05-08"])
    }

    @Test func aNamedDayAfterTheProgrammesWindowIsItsOwnItem() throws {
        let text = """
            二、活动时间
            6月1日至30日。其中,6月份第二个星期日(6月13日)为全国安全生产宣传咨询日。
            三、活动内容
            1、6月1日上午,召开“安全生产月”活动新闻发布会。
            2、6月2日至30日,在市电视台开设专栏。
            """
        #expect(try whens(text) == ["06-13", "06-01", "06-02..06-30"])
    }

    @Test func aTimeFieldUnderTheProgrammesTimeHeadingIsTheDocumentsActivity() throws {
        let text = """
            为迎接和纪念三八国际妇女节,进一步活跃辖区妇女的业余文化生活,开展迎三八活动。
            一、活动主题
            聚巾帼英才,展妇女风采
            二、活动的时间
            时间:2022年3月3日-3月8日
            """
        let d = try DraftTestSupport.draft(text)
        #expect(d.items.map(\.when) == ["03-03..03-08"])
        #expect(d.items.map(\.title) == ["迎三八活动"])
    }

    @Test func dailyWorkInALaterSentenceOfAWindowsPointIsPartOfIt() throws {
        let d = try DraftTestSupport.draft("2、6月2日至30日,在市电视台开设专栏,连续报道典型事迹。同时在每日黄金时段播发活动标语口号。")
        #expect(d.items.map(\.when) == ["06-02..06-30"])
        #expect(d.items.first?.tags.contains("每天") == true)
        // (开设 is an action: the title is the clause that opens the column, not the first medium listed.)
        #expect(try DraftTestSupport.draft("6月2日至30日,在南昌日报、南昌晚报、市电视台开设专栏。").items.first?.title.contains("开设专栏") == true)
    }

    @Test func aDayToldAgainIsTheActivityOfThatDay() throws {
        let text = """
            本网讯 3月6日,文化广场花红柳绿,热闹异常。
            县妇联精心组织策划,并于3月6日举办庆“三八”秧歌舞大赛活动。
            """
        let d = try DraftTestSupport.draft(text)
        #expect(d.items.map(\.when) == ["03-06"])
        #expect(d.items.first?.title.contains("秧歌舞大赛") == true)
    }

    @Test func aFestivalCelebratedAtTheGatheringALeadDatesIsThatGathering() throws {
        let text = """
            本网讯 3月6日,文化广场花红柳绿,热闹异常。近千名妇女欢聚在这里,共庆三八妇女节。
            县妇联精心组织策划,并于3月6日举办庆“三八”秧歌舞大赛活动。
            """
        #expect(try whens(text) == ["03-06"])
    }

    @Test func aDaysThemeAndAThingThemedOnADottedFestivalAreNotItems() throws {
        #expect(try whens("今年宪法宣传日的主题是“大力弘扬宪法精神,推动进一步全面深化改革”。").isEmpty)
        let text = """
            1、举办护士节表彰大会
            时间:5月8日15:00
            2、健康咨询公益活动
            时间:5月7日10:00
            3、趣味体验活动
            为放松身心,在2号楼连廊举办5.12护士节主题拍照打卡。
            """
        #expect(try whens(text) == ["05-08", "05-07"])
    }

    @Test func theWeeksOfACampaignMonthToldByNumberAreItsWindows() throws {
        let text = """
            各部门“安全生产月”活动于6月1日至30日同时开展。
            “安全生产月”期间,每周安排一个主题进行重点宣传。第一周为“安全生产宣传周”,第二周为“安全生产技术周”,第五周为“总结周”。
            """
        let d = try DraftTestSupport.draft(text)
        #expect(d.items.map(\.when) == ["06-01..06-30", "06-01..06-07", "06-08..06-14", "06-29..06-30"])
        #expect(d.items.dropFirst().map(\.title) == ["安全生产宣传周", "安全生产技术周", "总结周"])
        #expect(d.items.dropFirst().allSatisfy { $0.dateSource == .chosen && !$0.unsure.isEmpty })
        // Without a month's window before them the weeks are not dated.
        #expect(try whens("每周安排一个主题。第一周为“安全生产宣传周”。").isEmpty)
    }

    @Test func anEssaySitesBlurbAndAPagesAbstractAreNotRead() throws {
        #expect(try whens("今天是五四青年节,下面是小编给大家整理收集的五四青年节活动的通知,欢迎大家阅读与参考。").isEmpty)
        let text = """
            摘要:4月15日上午,莲湖区委在广场举行全民国家安全教育日集中宣传活动,现场发放宣传资料。
            4月15日上午,莲湖区委在广场举行全民国家安全教育日集中宣传活动,现场发放宣传资料。
            """
        #expect(try whens(text) == ["04-15"])
    }
}
