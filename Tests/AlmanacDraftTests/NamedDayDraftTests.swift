import AlmanacDraft
import Testing

/// Round 4 of the corpus (issue 16, dev/233–271: 国防教育日, 消防宣传月, 禁毒日, 植树节, 防灾减灾日, 八一,
/// 科技活动周, an agency's 我们的节日 plan, a school's term plan): the kinds of extra and missed items
/// unseen documents gave, one passage each, written for the test.
@Suite struct NamedDayDraftTests {
    func whens(_ text: String) throws -> [String] { try DraftTestSupport.draft(text).items.map(\.when) }

    @Test func aSentenceThatSaysWhenANamedDayFallsEveryYearIsNoItem() throws {
        #expect(try whens("据了解,经国务院批准,自2009年起,每年的5月12日为全国防灾减灾日。").isEmpty)
        #expect(try whens("9月的第三个星期六为全民国防教育日,今年全民国防教育日宣传的主题为“奋进新时代”。").isEmpty)
        #expect(try whens("每年3月12日是植树节。").isEmpty)
        // The activity dated after it in the same sentence stays.
        #expect(try whens("9月的第三个星期六为全民国防教育日。9月19日,马王堆街道人民武装部开展国防教育宣传活动。") == ["09-19"])
        // A day of this year's programme named with 为 is not a yearly rule: it stays.
        #expect(try whens("6月份第二个星期日(6月13日)为全国安全生产宣传咨询日。").isEmpty == false)
    }

    @Test func aDateWithoutItsYearInAHistorySentenceIsHistory() throws {
        let text = """
            7月29日,五里堆街道召开“八一”座谈会,2018年入伍军人家属等共计32人参加。
            1933年7月11日,临时中央政府根据中央革命军事委员会6月30日的建议,决定8月1日为中国工农红军成立纪念日。
            """
        #expect(try whens(text) == ["07-29"])
        // A day named as this year's occasion with its year does not make the sentence history.
        #expect(try whens("2023年是建团百年。2019年3月5日是第56个学雷锋日,经研究,决定在3月份开展志愿服务月活动。") == ["03-01..03-last"])
    }

    @Test func aFrameOverSeveralClausesIsNotTheDocumentsItem() throws {
        let text = "根据市民防办文件精神,在8月16日至9月22日期间,开展人民防空集中宣传系列活动的要求,我校准备在9月11日——9月15日开展国防教育日系列宣传教育活动。"
        #expect(try whens(text) == ["09-11..09-15"])
        // A later clause that only closes a sentence (落实上级部署) does not make the date a frame.
        #expect(try whens("根据县里要求,3月5日开展学雷锋志愿服务活动,落实上级部署。") == ["03-05"])
    }

    @Test func partsOfAMonthToldTogether() throws {
        #expect(try whens("9月中下旬,街口镇以“奋进新时代”为主题,加大国防宣传力度。") == ["09-11..09-last"])
        #expect(try whens("3月上中旬,各社区开展环境整治活动。") == ["03-01..03-20"])
    }

    @Test func theDayANamedDayFallsOnDatesTheActivityOfTheNextSentence() throws {
        let text = "2024年9月21日是我国第24个全民国防教育日。当天上午,汉中市国动办在中心广场组织开展2024年全民国防教育日宣传活动。"
        #expect(try whens(text) == ["09-21"])
    }

    @Test func aNamedDayToldAgainForTheActivityOfThatDayIsTheSameActivity() throws {
        let text = """
            6月26日是国际禁毒日,2024年6月26日,土门社区特组织“珍爱生命 远离毒品”志愿服务主题活动。
            禁毒日当天,土门社区志愿者们携带宣传物资,来到社区菜市场开展禁毒宣传活动。
            """
        #expect(try whens(text) == ["06-26"])
        // A unit of its own on that day is another activity.
        let two = """
            6月26日,土门社区组织禁毒志愿服务主题活动。
            禁毒日当天,县禁毒办在广场开展禁毒宣传活动。
            """
        #expect(try whens(two).count == 2)
    }

    @Test func aDayNamedWithShiDatesTheActivityOfALaterClauseWithoutAComma() throws {
        let text = "11月9日是消防集中宣传日,各级消防部门要按照宣传工作方案,有效开展消防安全宣传活动。"
        #expect(try whens(text) == ["11-09"])
        #expect(try whens("3月5日是学雷锋纪念日。").isEmpty)
    }

    @Test func aFestivalInAThemeFieldIsNoDayAndATimeFieldTakesItsActivity() throws {
        let text = """
            二、主要内容(一)春节(含元宵节)节日主题:春节是中华民族优秀传统文化的重要载体,元宵节也称灯节。在春节及元宵节期间要突出辞旧迎新的主题。活动形式:1、组织文化、体育竞赛活动。活动时间为2012年元月15日至2月15日。
            """
        let d = try DraftTestSupport.draft(text)
        #expect(d.items.map(\.when) == ["01-15..02-15"])
        #expect(d.items.first?.title.contains("体育竞赛活动") == true)
    }

    @Test func aDocumentSitesAbstractLabelIsNotAHistoryAndItsPreviewIsRead() throws {
        let text = """
            下载本文档
            文档简介
            1、组织文化活动,活动时间为2012年元月15日至2月15日。
            """
        #expect(try whens(text) == ["01-15..02-15"])
        // The history a festival's label opens is still history.
        #expect(try whens("重阳节简介\n1989年,我国把每年的农历九月九日定为老人节。") == [])
    }

    @Test func aTableRowWithoutADateIsInTheSpanOfTheRowAboveAndItsOfficeOwnsIt() throws {
        let text = """
            某中学第二学期校历
            起止日期 | 主要工作 | 责任处室 | |
            开学前 | 2月24日 | 下午2:30行政务虚会 | 办公室 |
            第一周 | 3月1日-3月7日 | 开学典礼;升旗仪式表彰 | 教育处、团委 |
            开学督导迎检 | 督导室 | ||
            2020年党支部组织生活会 | 办公室 | ||
            第二周 | 3月8日-3月14日 | 三八妇女节活动 | 工会 |
            """
        let d = try DraftTestSupport.draft(text)
        #expect(d.items.map(\.when) == ["02-24", "03-01..03-07", "03-01..03-07", "03-01..03-07", "妇女节"])
        #expect(d.items.map(\.title) == ["行政务虚会", "开学典礼", "开学督导迎检", "2020年党支部组织生活会", "三八妇女节活动"])
        let names = Dictionary(uniqueKeysWithValues: d.units.map { ($0.id, $0.name) })
        // (A school's 工会 keeps the school's word; the seed district's dictionary name, 总工会, is the district's.)
        #expect(d.items.map { $0.owners.compactMap { names[$0] }.first ?? "" } == ["办公室", "教育处", "督导室", "办公室", "工会"])
        // Quotes stay the document's own text.
        #expect(d.items[2].quote == "开学督导迎检")
        // A term calendar's empty remarks are still no item.
        #expect(try whens("周次 | 起止日期 | 备注 |\n第二周 | 3月2日—3月8日 | |") == [])
    }

    @Test func visitsOnOneDayAreEachAnItemTitledByTheVisit() throws {
        let text = """
            五里堆街道“八一”建军节慰问活动
            7月29日,区委书记胡海军、街道党工委书记刘静慰问退役一等功奖章获得者谭再辉。
            7月29日,区退役军人事务局局长邓雅誉、街道武装部部长孟坦慰问军转干部周绍安。
            7月29日,五里堆街道在三楼会议室召开“八一”座谈会。
            """
        let d = try DraftTestSupport.draft(text)
        #expect(d.items.map(\.when) == ["07-29", "07-29", "07-29"])
        #expect(d.items[0].title.contains("慰问退役一等功奖章获得者谭再辉"))
        #expect(d.items[1].title.contains("周绍安"))
    }

    // Round 4b (dev/273–289), held out to measure the mechanisms above: the classes its first run showed.

    @Test func daysNotOfThisYearsPlanAreNoItems() throws {
        // The day a report learned of it.
        #expect(try whens("3月12日,笔者从铜仁市市场监管局获悉,宣传咨询服务活动将于3月14日上午9点在文庙广场举行。") == ["03-14"])
        // A day counted from another year.
        #expect(try whens("七年前的8月8日,北京奥运会盛大启幕;去年8月8日,全市举办健身大会。") == [])
        // A span up to now.
        #expect(try whens("组织执法部门对2022年底至今查获的商品进行集中销毁。") == [])
        // A photo's caption.
        #expect(try whens("标题\n2024年“3·15”活动资料图。\n3月14日,市场监管局开展宣传活动。") == ["03-14"])
    }

    @Test func aFestivalNamingTheActivityToldIsNoNewDay() throws {
        let text = """
            二、主体活动(6月28日当天)
            (一)党员到达目的地,进行校内优秀党员表彰大会。
            (五)回校后发放此次“七一”活动纪念相框、相片。
            """
        #expect(try whens(text).contains("建党节") == false)
        // A named day's own birthday is its anniversary.
        #expect(try whens("“全民健身日”也将迎来七周岁生日。") == [])
    }

    @Test func aRemarkOnANamedDaysActivityIsThatActivityAndTheLeadIsItsOccasion() throws {
        let remark = """
            在“3·15”国际消费者权益日,香格里拉市市场监督管理局牵头开展系列宣传活动。
            通过与多部门联动开展形式多样的“3·15”国际消费者权益日系列活动,切实增强了消费者的维权意识。
            各乡镇站所同步开展“3·15”国际消费者权益日系列宣传活动。
            """
        #expect(try whens(remark) == ["03-15", "03-15"])
        let lead = """
            全国各地民众将一起运动起来,喜庆属于百姓自己的健身节日“全民健身日”。
            8月8日,国家体育总局在新疆主会场举行启动仪式。
            """
        #expect(try whens(lead) == ["08-08"])
    }

    @Test func aMonthLabelInBracketsOpensAPartOfAYearlySummary() throws {
        let text = """
            【一月份】翰墨飘香迎新春
            为弘扬传统文化,1月8日,时代社区联合致公书画院开展“写春联 送祝福”活动。活动现场,书法家们挥毫泼墨,为居民送上对联。
            【三月份】三八妇女节:巾帼风采展新姿
            为庆祝三八妇女节,时代社区举办“巾帼绽芳华 共筑社区家”健身操活动,鼓励女性同胞关注健康,积极参与运动,展现了新时代女性的活力与风采。
            【四月份】清明节:传承文化
            清明时节,时代社区举办“青艾团香 纸鸢逐春”主题活动,居民们一起做青团、画风筝。
            """
        #expect(try whens(text) == ["01-08", "03-01..03-last", "04-01..04-last"])
    }
}
