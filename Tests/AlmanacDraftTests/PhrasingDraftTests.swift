import AlmanacDraft
import Testing

/// Phrasings and layouts of other offices' documents (issue 16), one passage each, written for the test.
@Suite struct PhrasingDraftTests {
    func whens(_ text: String) throws -> [String] { try DraftTestSupport.draft(text).items.map(\.when) }

    @Test func spacesAndFullWidthInsideDates() throws {
        #expect(try whens("继续推进既有住宅增设电梯,12 月底前开工建设200部。") == ["12-last"])
        #expect(try whens("３ 月 ５ 日，开展学雷锋志愿服务活动。") == ["03-05"])
    }

    @Test func chineseMonthsAndShortRanges() throws {
        #expect(try whens("元月10日召开全县宣传工作会议。") == ["01-10"])
        #expect(try whens("活动时间:2月14-16日，开展非遗民俗活动。") == ["02-14..02-16"])
        #expect(try whens("9月中旬至10月中旬开展“向国旗敬礼”活动。") == ["09-11..10-20"])
        #expect(try whens("动员阶段:3月1日3月9日，召开动员会。") == ["03-01..03-09"])
    }

    @Test func lunarDatesGlossesAndTimes() throws {
        #expect(try whens("正月初十至十四在广场舉辦数字电影公映。") == ["lunar 01-10..lunar 01-14"])
        let d = try DraftTestSupport.draft("演出时间:1月13日(农历腊月十六)下午14:30，少儿春节联欢晚会。")
        #expect(d.items.map(\.when) == ["01-13"])
        #expect(d.items.first?.time == "14:30")
        #expect(try DraftTestSupport.draft("10月26日中午1:00举行文艺汇演。").items.first?.time == "13:00")
    }

    @Test func dottedDatesAndUnquotedAnchors() throws {
        #expect(try whens("开展4·23世界读书日系列活动。") == ["04-23"])
        #expect(try whens("五一前夕，组织劳动模范座谈会。") == ["劳动节 -1d"])
        #expect(try whens("每季度末上报创建工作进展情况。") == ["monthly last interval 3 from 2026-03-01"])
        // 2.2万平方米 is a number, not 2 February.
        #expect(try whens("建成2.2万平方米的文化广场。").isEmpty)
    }

    @Test func wordsThatAreNotDates() throws {
        #expect(try whens("本报讯 1月31日讯 记者从县文化馆获悉。").isEmpty)
        #expect(try whens("组织社区居民做元宵、猜灯谜。").isEmpty)
        #expect(try whens("为丰富元宵期间全县人民群众精神文化生活，特制定本方案。").isEmpty)
        #expect(try whens("3月5日是学雷锋纪念日。").isEmpty)
    }

    @Test func fieldPerLineNoticeTakesHeadingAndOwners() throws {
        let text = """
            1.“福见云霄”书画展
            主办:县文体旅局、县文联
            承办:县文化馆
            时间:2月15日-21日
            2.《乌山魂》云展播
            主办:县文体旅局
            承办:县文化馆
            时间:2月12日-15日
            """
        let d = try DraftTestSupport.draft(text)
        #expect(d.items.map(\.when) == ["02-15..02-21", "02-12..02-15"])
        #expect(d.items.map(\.title) == ["“福见云霄”书画展", "《乌山魂》云展播"])
        let names = Dictionary(uniqueKeysWithValues: d.units.map { ($0.id, $0.name) })
        #expect(d.items[1].owners.compactMap { names[$0] } == ["县文体旅局", "县文化馆"])
        #expect(DraftTestSupport.validationErrors(d, work: try DraftTestSupport.workCalendar()) == [])
    }

    @Test func monthHeadingsGiveTheirMonthToPoints() throws {
        let text = "二月主题:新起点\n1、开学校会。\n2、班容班貌评比工作。\n三月主题:文明习惯\n1、“三八妇女节”感恩教育活动。\n2、知识竞赛。\n"
        #expect(try whens(text) == ["02-01..02-last", "02-01..02-last", "妇女节", "03-01..03-last"])
    }

    @Test func aSingleFestivalNoticeHoldsOneItemPerActivity() throws {
        let text = """
            关于开展“我们的节日·元宵节”主题活动的通知
            为营造欢乐祥和的节日氛围，决定在元宵节期间开展“我们的节日·元宵节”主题活动。
            一、元宵灯谜竞猜活动
            时间：2月24日上午9:00
            二、活动内容
            元宵节当天，各乡镇组织舞龙舞狮等民俗展演活动。
            据统计，元宵节期间全县开展的文化活动超过50场。
            三、工作要求
            各单位要精心组织，确保元宵节期间各项活动安全有序。
            县文化馆 2024年2月18日
            """
        let d = try DraftTestSupport.draft(text)
        // The umbrella (系列/主题活动 in a notice titled with the festival), the requirement, the tally
        // and the signature are not items; the heading titles the dated field, and is not one itself.
        #expect(d.items.map(\.when) == ["02-24", "元宵节"])
        #expect(d.items.first?.title == "元宵灯谜竞猜活动")
    }

    @Test func aWebAddressOnAMonthLabelAndARemarkOnTheActivityAreNotItems() throws {
        // A site stamps its address on a table cell: the cell is still the month's label, and the
        // address is no item. A closing remark on the activity told (此次重阳节活动……) is no new item.
        let table = "学校德育工作计划\n2月份\n开展开学安全教育活动\n3月份 www.example.com\n开展节约资源活动\n"
        #expect(try whens(table) == ["02-01..02-last", "03-01..03-last"])
        let news = "10月16日下午，社区举办敬老活动。\n此次重阳节活动加强了老年人的沟通交流。\n"
        let items = try DraftTestSupport.draft(news).items
        #expect(items.count == 1)
        #expect(items.first?.when.hasPrefix("10-16") == true)
    }

    @Test func aProgrammeWindowAroundFestivalsIsNotAnItem() throws {
        // A programme that dates its activities: the period around the festivals it names with
        // nothing else is its window; a festival's own celebration in a table stays an item.
        let text = """
            今年中秋、国庆期间市文明实践中心举办系列主题活动。
            二、活动时间
            中秋节、国庆节前后
            1、贺中秋庆国庆文艺晚会
            活动时间：9月27日晚上19:30
            2、地图拼图大赛
            活动时间：10月6日上午9:00
            TAG:中秋节  晚会
            """
        #expect(try whens(text).map { String($0.prefix(5)) } == ["09-27", "10-06"])
    }

    @Test func signingDatesAndProgrammeHeadingsAreNotItems() throws {
        // A date that closes a line of prose is its signing date; a heading with a comma inside its
        // quoted name still titles the field under it.
        let text = "各单位：定于2月5日举办书法展。特此通知。2024年1月30日\n活动二：“迎新春，贺新年”元宵文艺演出\n演出时间：2月24日\n"
        let d = try DraftTestSupport.draft(text)
        #expect(d.items.map(\.when) == ["02-05", "02-24"])
        #expect(d.items.first?.title == "举办书法展")
        #expect(d.items.last?.title == "“迎新春，贺新年”元宵文艺演出")
    }

    @Test func unitsAreRecognisedByTheirEndingsAndVenuesAreNotOwners() throws {
        let text = """
            3月5日上午，团灵璧县委、灵璧一中在人民广场开展学雷锋志愿服务活动。
            3月12日，县直各单位组织干部职工开展植树活动。
            3月20日前，各乡镇上报活动总结。
            3月8日下午，县妇联在县文化馆举办座谈会。
            """
        let d = try DraftTestSupport.draft(text)
        func owners(_ line: Int) -> [String] {
            let ids = d.items.first { $0.line == line }?.owners ?? []
            return ids.compactMap { id in d.units.first { $0.id == id }?.name }
        }
        #expect(owners(1) == ["团灵璧县委", "灵璧一中"])
        #expect(owners(2) == ["县直各单位"])
        #expect(owners(3) == ["各乡镇"])
        #expect(owners(4) == ["县妇联"])
    }

    @Test func unitsInAFrameOrAnotherClauseAreNotOwnersAndAPlaceThatActsIs() throws {
        let text = """
            4月3日上午，沙湾区召开文明城市创建工作调度会。
            6月，结合街道党工委的中心工作，组织开展文体宣传活动。
            7月，镇党委、政府把节能宣传工作作为当前的一项中心工作。
            8月10日，按照县委宣传部的部署开展读书活动，由县文联承办。
            6月28日，歌咏晚会顺利举行。这次晚会由市委宣传部主办。
            其中在7至8月开展防溺水宣传文艺演出4场，县文化旅游体育局全年开展送戏下乡文艺演出8场。
            """
        let d = try DraftTestSupport.draft(text)
        func owners(_ line: Int) -> [String] {
            let ids = d.items.first { $0.line == line }?.owners ?? []
            return ids.compactMap { id in d.units.first { $0.id == id }?.name }
        }
        #expect(owners(1) == ["沙湾区"])
        #expect(!owners(2).contains { $0.contains("街道") })
        #expect(owners(3) == ["镇党委", "政府"])
        #expect(owners(4) == ["县文联"])
        #expect(owners(5) == ["市委宣传部"])
        #expect(d.items.first { $0.line == 6 }?.when == "07-01..08-last")
        #expect(!owners(6).contains("县文化旅游体育局"))
    }

    @Test func aGovernmentPagesRecordFieldsAreNotItems() throws {
        let text = """
            发布机构: 杭锦旗人民政府  发文日期: 2023年01月05日
            时 效 性:  有效 成文日期:  2023年01月05日
            活动时间：2023年1月11日(农历腊月二十)
            """
        let d = try DraftTestSupport.draft(text)
        #expect(d.items.map(\.line) == [3])
        #expect(d.items.first?.when == "01-11")
    }

    // Classes found on dev/103–121 (documents never run before their gold was written).

    @Test func aWrittenDateWinsOverAFestivalInAQuotedNameOrABracket() throws {
        #expect(try whens("10月开展“庆国庆、迎中秋”文艺演出4场。") == ["10-01..10-last"])
        #expect(try whens("2月份(春节前)在辖区组织一次《迎春篝火晚会》和放一次露天电影。") == ["02-01..02-last"])
        // With no written date the festival stays the item's date.
        #expect(try whens("开展“庆国庆、迎中秋”文艺演出。") == ["国庆节"])
    }

    @Test func speechAppealsFramesAndDocumentNamesAreNotActivities() throws {
        #expect(try whens("“小朋友们,你们知道端午节是怎么来的吗?”志愿者给小朋友们分享了习俗知识。").isEmpty)
        #expect(try whens("志愿者们呼吁群众在清明祭祀期间,摒弃焚烧冥纸等传统祭扫方式。").isEmpty)
        #expect(try whens("结合“清廉小店·清明行”活动要求,组织各社区开展系列活动。").isEmpty)
        #expect(try whens("下面是小编为大家收集的2022清明祭扫活动方案(通用13篇),仅供参考。").isEmpty)
        // A plan to write the programme before the festival is still a deadline.
        #expect(try whens("清明节前制定活动方案。") == ["holiday 清明节 start -1wd"])
    }

    @Test func aMeetingThatPlansAFestivalPeriodIsOneItem() throws {
        let d = try DraftTestSupport.draft("1月5日,我县召开“双节”群众性文化活动工作会议,全面安排部署2023年春节期间系列文化活动。")
        #expect(d.items.map(\.when) == ["01-05"])
    }

    @Test func listsOfOtherDocumentsAndBudgetsAreNotItems() throws {
        let text = """
            社区中秋节活动方案
            二、活动时间: 9月26日-9月27日
            三、内容:
            (一)开展中秋节前慰问主题活动
            六、经费预算:
            中秋慰问活动 月饼 500
            诗话中秋 活动 诗话中秋 奖品 1000
            《2022年社区中秋节活动方案》相关文档:
            中秋节主题演讲稿(精选15篇)09-07
            关于中秋节演讲稿简短三年级范文09-07
            关于端午节期间免费对外开放县城区公共停车场、机关企事业单位
            """
        let d = try DraftTestSupport.draft(text)
        #expect(d.items.map(\.line) == [2, 4])
        #expect(d.items.map(\.when) == ["09-26..09-27", "holiday 中秋节 start -1wd"])
    }

    @Test func theProgrammesOwnWindowAndHeadlineAreNotItems() throws {
        let text = """
            【文化惠民】永登县开展“强国复兴有我”国庆文化系列活动
            为丰富广大人民群众精神文化生活,在“国庆”期间开展“强国复兴有我”文化活动。
            活动主题:强国复兴有我
            活动时间:10月1日—10月30日
            1.广场舞比赛。乡镇综合文化站选送优秀舞蹈队
            组织单位:县文旅局、县文化馆
            活动时间:10月1日上午10:00
            2.歌咏比赛。乡镇综合文化站选送优秀歌唱节目
            组织单位:县文旅局
            活动时间:10月2日上午10:00
            """
        let d = try DraftTestSupport.draft(text)
        #expect(d.items.map(\.when) == ["10-01", "10-02"])
        #expect(d.items.map(\.title) == ["广场舞比赛", "歌咏比赛"])
        let news = """
            蒙城 国庆节期间文化惠民活动“好戏连台”
            今年国庆假日期间,蒙城县文化惠民活动“好戏连台”,让人们乐享休闲假日。
            9月28日,蒙城县举办全县职工大合唱比赛决赛。
            同时,9月27日—10月10日,老照片回顾展在县博物馆展出;10月1日——10月15日,学术邀请展与观众见面。
            """
        #expect(try DraftTestSupport.draft(news).items.map(\.when) == ["09-28", "09-27..10-10", "10-01..10-15"])
    }

    @Test func pinyinGlossesAreNotRead() throws {
        let d = try DraftTestSupport.draft("6月17日,縣財(cái)政局組織開展了“濃情端午”文明實(shí)踐活動(dòng)。")
        #expect(d.items.map(\.when) == ["06-17"])
        #expect(d.units.map(\.name) == ["縣財政局"])
        // The quote keeps the page's text; the title does not carry the glosses.
        #expect(d.items.first?.quote.contains("實(shí)踐") == true)
        #expect(d.items.first?.title.contains("(") == false)
    }

    @Test func lostDashesDeadlinesBeforeAMonthAndBeforeAFestival() throws {
        #expect(try whens("时间:4月1日5日，张贴文明祭祀倡议书。") == ["04-01..04-05"])
        #expect(try whens("规范社区图书室藏书并编码造册。(5月前完成)") == ["04-last"])
        #expect(try whens("12月底前完成年度考评。") == ["12-last"])
        #expect(try whens("开展中秋节前慰问主题活动。") == ["holiday 中秋节 start -1wd"])
    }

    @Test func aRemarkFieldNamesTheOwnerAndIsNotTheTitle() throws {
        let text = """
            (二)心灵的缅怀
            内容:以孝为主题开展道德讲堂。
            说明:由党政办组织实施,街道全体机关干部参加活动。
            时间:4月2日
            """
        let d = try DraftTestSupport.draft(text)
        #expect(d.items.map(\.title) == ["心灵的缅怀"])
        #expect(d.items.first?.owners.compactMap { id in d.units.first { $0.id == id }?.name } == ["党政办"])
    }

    // Classes found on dev/123–133 (the second set of documents never run before their gold).

    @Test func prefacesGreetingsFramesAndSignaturesAreNotItems() throws {
        #expect(try whens("本周是秋学期第18周,现将12月25日至12月29日学校工作纪要如下。").isEmpty)
        #expect(try whens("她代表学校党支部向全体退休教师致以国庆和重阳双节的问候与祝福。").isEmpty)
        #expect(try whens("根据县文明办3月1日的部署要求,各单位认真组织。").isEmpty)
        #expect(try whens("七、结合交通安全检查,开展文化市场管理。 XX 县 XX 彝族乡人民政府 2018 年 2 月 26 日").isEmpty)
    }

    @Test func aFlattenedProgrammeNamesItsActivitiesBeforeTheirDates() throws {
        let text = """
            四、活动时间2024年9月1日至9月10日五、活动内容1 .宣传动员会议(9月1日)召开全校教师大会。2 .校园氛围营造(9月1日至9月10日)利用校园广播宣传教师节主题。制作教师节主题宣传视频,在学校网站上发布。3 .优秀教师表彰大会(9月3日)对表现突出的教师进行表彰。
            """
        let d = try DraftTestSupport.draft(text)
        #expect(d.items.map(\.when) == ["09-01", "09-01..09-10", "09-03"])
        #expect(d.items.map(\.title) == ["宣传动员会议", "校园氛围营造", "优秀教师表彰大会"])
    }

    // Classes found on dev/135–145 (the third set of documents never run before their gold).

    @Test func anOpeningFestivalIsTheUmbrellaOfTheDaysThatFollow() throws {
        let text = """
            春节将至,中牟县公共文化场馆正常免费开放,并精心策划形式多样的迎新春文化活动。
            一、中牟博物馆。2月11日(大年三十)闭馆,2月12日至2月17日(大年初一至大年初六)正常对外免费开放。
            """
        #expect(try DraftTestSupport.draft(text).items.map(\.when) == ["02-11", "02-12..02-17"])
        // With no day after it, the opening festival dates the activity.
        #expect(try whens("在中秋节来临之际,三排镇新时代文明实践所开展“我们的节日·中秋”主题活动。") == ["中秋节"])
    }

    @Test func foodSpeechAndStatementsOfApproachAreNotActivities() throws {
        #expect(try whens("2月18日,社区志愿者布置场地。手作元宵深受辖区居民喜爱,志愿者还提前煮好元宵。") == ["02-18"])
        #expect(try whens("“本来还想着元宵节买灯笼给孙子,没想到刚好有这个活动。”参与活动的一位老人表示。").isEmpty)
        #expect(try whens("我局将开展好中秋节主题文化活动作为丰富群众精神文化生活的重要形式。").isEmpty)
        #expect(try whens("在大年初一当天,孩子们还可以参与新春福袋活动。") == ["lunar 01-01"])
    }

    @Test func aQuotedNameTheDocumentDatesIsThatActivity() throws {
        let text = """
            2月15日,盛平社区开展了“福虎迎新春,欢乐闹元宵”猜灯谜活动。
            龙红格社区则于2月14日-15日开展了“幸福祖孙俩的元宵灯笼秀”DIY活动。祖孙俩共同做好了灯笼,还一起上演了一段“元宵灯笼秀”。
            """
        #expect(try DraftTestSupport.draft(text).items.map(\.when) == ["02-15", "02-14..02-15"])
    }

    // Classes found on dev/147–155 (the fourth set of documents never run before their gold).

    @Test func aDayThatIsAFestivalStillDatesWhatIsDoneOnIt() throws {
        #expect(try whens("10月7日是今年的重阳节,海口13家乡镇长者饭堂在这一天正式启用。") == ["10-07"])
        #expect(try whens("农历九月九日,是我国传统的重阳节,又名重九节、登高节。").isEmpty)
        #expect(try whens("活动在志愿者讲述重阳节来历及美好传说中展开。").isEmpty)
    }

    @Test func aBlankDayWithALunarGlossIsTheGlossNotTheMonth() throws {
        #expect(try whens("活动时间:2025年10月XX日(农历九月初九)上午9:00,举行敬老慰问仪式。") == ["lunar 09-09"])
    }

    @Test func aFestivalNamedAgainAfterTheDayOfItsActivityIsThatActivity() throws {
        let d = try DraftTestSupport.draft("10月7日上午,文昌市庆重阳千叟宴在南阳老区举行。主办方邀请1790位老人欢聚一堂、共进午餐,欢度重阳节。")
        #expect(d.items.map(\.when) == ["10-07"])
        // A festival with work of its own in the later sentence stays an item.
        let e = try DraftTestSupport.draft("1月27日,县文化馆举办迎春书画展。春节期间,县图书馆正常开放。")
        #expect(e.items.map(\.when) == ["01-27", "holiday 春节"])
    }

    // Classes found on dev/157–163 (the fifth set of documents never run before their gold).

    @Test func aBoothNamedForAFestivalAndASummarysOwnNameAreNotItems() throws {
        let text = """
            4月2日,长子县清明节文明集市主题活动举行。
            现场设有宣传科普区;“绿色清明”展台倡导鲜花祭祀、云端追思等低碳方式。
            """
        #expect(try DraftTestSupport.draft(text).items.map(\.when) == ["04-02"])
        let summary = try DraftTestSupport.draft("乡政府2023年春节群众文化工作总结根据乡春节文化活动实施方案,具体做法:(一)做好了春节期间社会环境布置工作。")
        #expect(summary.items.map(\.when) == ["holiday 春节"])
        #expect(summary.items.first?.title.contains("环境布置") == true)
    }

    // Classes found on dev/165–173 (the sixth set of documents never run before their gold).

    @Test func aSchoolsBreakNoticeWithTheFestivalsHistory() throws {
        let text = """
            兴明小学国庆节放假通知及相关事宜安排
            向城镇兴明小学
            根据国务院办公厅发布的关于2024年国庆节假期安排的通知,现将国庆节放假时间通知如下:
            放假时间
            10月1日—10月7日(放假调休共7天)
            返校时间
            10月8日(星期二)
            节日由来
            1949年10月1日,中华人民共和国宣告成立。自1950年起,即以每年的10月1日为中华人民共和国国庆日。
            假期安全
            国庆虽已秋季,气温依然偏高,家长必须重视对孩子防溺水安全的教育工作。
            """
        let d = try DraftTestSupport.draft(text)
        // 放假时间 and 返校时间 over a date are not a programme's 活动时间; the history and the tips are not items.
        #expect(d.items.map(\.when) == ["10-01..10-07", "10-08"])
        #expect(d.items.first?.owners.compactMap { id in d.units.first { $0.id == id }?.name } == ["向城镇兴明小学"])
    }

    @Test func aHeadlineWithACommaInsideItsQuotedNameIsStillTheHeadline() throws {
        let text = """
            虹桥镇开展“粽情端午,传承文明”主题活动
            端午期间,虹桥镇张公村新时代文明实践站组织志愿者开展“粽情端午,传承文明”主题活动。
            """
        #expect(try DraftTestSupport.draft(text).items.map(\.line) == [2])
    }

    @Test func aBreakNamedWithoutItsFestivalIsTheNoticesFestival() throws {
        let text = """
            现将2026年国庆节放假的具体安排通知如下:
            10月1日——10月7日,共7天,10月8日上班上课。
            全市各小学中学在放假期间,要切实做好值班和安全、保卫等工作。
            """
        #expect(try DraftTestSupport.draft(text).items.map(\.when) == ["10-01..10-07", "10-08", "holiday 国庆节"])
        // A plan for the festival is a document, not an activity on it.
        #expect(try whens("并召开专题会议,制订清明节祭祀活动应急预案。").isEmpty)
    }

    @Test func aFestivalDatesAnItemOnlyAsTheTimeOfItsClause() throws {
        // What the clause is for: 为 + a purpose, anywhere in the clause.
        #expect(try whens("自行编辑使用零点行动工作方案为确保春节、元宵节期间消防安全,大队决定开展“零点行动”。").isEmpty)
        // The theme it frames (以 … 为主题), unless the theme is the activity's quoted name.
        #expect(try whens("社区将以庆祝我国传统佳节中秋节为主题开展系列活动。").isEmpty)
        #expect(try whens("以“迎中秋庆团圆”为主题,召开主题座谈会。") == ["中秋节"])
        // The subject of a description.
        #expect(try whens("重阳节是我国的传统节日,社区开展敬老活动。").isEmpty)
        // Its coming is the day of a one-activity news item; a day written in the sentence wins.
        #expect(try whens("在中秋节来临之际,镇新时代文明实践所联合镇妇联开展主题活动。") == ["中秋节"])
        #expect(try whens("在一年一度的重阳节即将来临之际,10月12日下午,我院举办了一场庆祝活动。") == ["10-12"])
        // Part of the name of an activity told as done 近日.
        #expect(try whens("医院近日成功举办了“金秋重阳暖”膏方文化节暨重阳敬老周系列活动。").isEmpty)
        // The time of its clause: kept, also when the action is done for someone (为老人们准备了).
        #expect(try whens("重阳节当天,社区为老人们准备了一场敬老欢庆活动。") == ["重阳节"])
        #expect(try whens("春节期间,为困难群众开展送温暖活动。") == ["holiday 春节"])
    }

    @Test func aRecordLineOfFiguresIsNotTheHeadline() throws {
        let text = """
            2013-10-14 丨 2369182 丨
            我院为住院老年人举办重阳节庆祝活动
            在一年一度的重阳节即将来临之际,10月12日下午,我院举办了一场别开生面的庆祝活动。
            """
        #expect(try whens(text) == ["10-12"])
    }

    @Test func aStartAndAnEndWrittenAsTwoDaysAreOneWindow() throws {
        let d = try DraftTestSupport.draft("2021年元月31日(农历腊月十九 星期日)寒假开始,2月27日(农历正月十六 星期六)假期结束,共4周。")
        #expect(d.items.map(\.when) == ["01-31..02-27"])
        #expect(d.items.first?.title.contains("寒假") == true)
        // Two days that are not a start and an end stay two items.
        #expect(try whens("1月5日召开动员会,1月20日开展检查。") == ["01-05", "01-20"])
    }

    @Test func aSentenceOpenedByAPartOfTheDayIsOnTheDayBefore() throws {
        // The day before named only the occasion: the activity told next is on it.
        let d = try DraftTestSupport.draft("10月28日(农历九月初九)是我国的传统节日重阳节。上午,附院医护人员到社区为老人进行义诊咨询活动。")
        #expect(d.items.map(\.when) == ["10-28"])
        #expect(d.items.first?.quote.hasPrefix("上午") == true)
        // The day dates an item already: the same day told on is not another item, a new activity is.
        #expect(try whens("12月28日,学校开展劳动教育活动。下午,基地最后的填土工作顺利结束。") == ["12-28"])
        #expect(try whens("5月31日,镇机关干部开展诗歌朗诵会。随即,镇机关干部开展了包粽子活动。") == ["05-31", "05-31"])
    }

    @Test func theUnitBeforeLianheLeadsAndThePartnersAfterItDoNot() throws {
        func owners(_ text: String) throws -> [String] {
            let d = try DraftTestSupport.draft(text)
            let names = Dictionary(uniqueKeysWithValues: d.units.map { ($0.id, $0.name) })
            return d.items.first?.owners.compactMap { names[$0] } ?? []
        }
        #expect(try owners("在中秋节来临之际,三排镇新时代文明实践所联合镇妇联、社工站开展“我们的节日·中秋”主题活动。") == ["三排镇新时代文明实践所"])
        // 联合举办 after a list of units: they organise it jointly.
        #expect(try owners("中秋节前,工二社区关工委、兰陵司法所联合举办“缘聚中秋”主题活动。").contains("兰陵司法所"))
    }

    @Test func aBreadcrumbIsNotTheTitleAndTheTitlesUnitOwnsThePlan() throws {
        let text = """
            当前位置:人人简历网 > 职场 > 工作计划
            文化站月工作计划8篇
            一、认真组织好各个节假日的文体活动,如元旦、春节等,结合街道党工委的中心工作,组织开展文体宣传活动。
            """
        let d = try DraftTestSupport.draft(text)
        let names = Dictionary(uniqueKeysWithValues: d.units.map { ($0.id, $0.name) })
        #expect(d.name == "文化站月工作计划8篇")
        #expect(!d.items.isEmpty)
        #expect(d.items.allSatisfy { $0.owners.compactMap { names[$0] } == ["文化站"] })
    }
}
