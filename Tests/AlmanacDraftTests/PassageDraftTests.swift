import AlmanacCalendar
import AlmanacDraft
import AlmanacPlan
import Foundation
import Testing

/// Short passages written for these tests (not taken from the seed), each with the items expected.
@Suite struct PassageDraftTests {
    /// (when, kind) of every item, in order.
    static func rules(_ text: String, year: Int = 2026) throws -> [String] {
        try DraftTestSupport.draft(text, year: year).items.map(\.when)
    }

    @Test func singleDaysWithOwnerKindAndTime() throws {
        let draft = try DraftTestSupport.draft("3月15日下午2时30分，区市场监管局召开消费维权工作部署会，全区42家商户参加。\n")
        #expect(draft.items.count == 1)
        let item = try #require(draft.items.first)
        #expect(item.when == "03-15")
        #expect(item.time == "14:30")
        #expect(item.kind == .meeting)
        #expect(item.owners == ["scjgj"])
        #expect(item.figures == ["42家商户"])
        #expect(item.dateSource == .sourced)
        #expect(item.line == 1)
        #expect(item.title == "消费维权工作部署会")
    }

    @Test(arguments: [
        ("4月1日至4月30日，区交警大队开展文明出行宣传月活动。", "04-01..04-30"),
        ("10月8日-10月20日，各社区开展垃圾分类宣传。", "10-08..10-20"),
        ("5月10日至20日，开展防灾减灾知识进校园活动。", "05-10..05-20"),
        ("12月20日—1月5日，开展岁末年初安全大检查。", "12-20..01-05"),
    ])
    func windows(text: String, rule: String) throws {
        #expect(try Self.rules(text) == [rule])
    }

    @Test func monthsAndPartsOfTheYear() throws {
        let draft = try DraftTestSupport.draft("7月份组织开展暑期安全教育；12月底前各单位上报年度总结；年初召开全区工作会议。下半年举办社区运动会。")
        #expect(draft.items.map(\.when) == ["07-01..07-last", "12-last", "01-01..01-last", "07-01..12-last"])
        #expect(draft.items.map(\.kind) == [.campaign, .deadline, .meeting, .campaign])
    }

    @Test func festivalsAndNamedDays() throws {
        let draft = try DraftTestSupport.draft(
            "端午节组织包粽子活动。中秋节前夕走访慰问困难群众。清明节期间开展文明祭扫宣传。重阳节为老人送上慰问品。")
        #expect(draft.items.map(\.when) == ["端午节", "中秋节 -1d", "holiday 清明节", "重阳节"])
        #expect(draft.items.map(\.dateSource) == [.official, .sourced, .official, .official])
    }

    @Test func holidayPeriodsWithAndWithoutATable() throws {
        let text = "国庆节假日前对辖区商场进行安全检查。春节前后10天开展送温暖活动。“五一”假期组织文艺演出。"
        #expect(try Self.rules(text, year: 2026) == ["holiday 国庆节 start -1wd", "春节 -10d..+10d", "holiday 劳动节"])
        // No official table for 2031: the same phrases become spans around the festival day.
        #expect(try Self.rules(text, year: 2031) == ["国庆节 -1wd", "春节 -10d..+10d", "劳动节 -1d..+1d"])
    }

    @Test func recurrences() throws {
        let draft = try DraftTestSupport.draft(
            "区城管局每周不少于三次对夜市进行巡查。每天对主要街道进行保洁。派出所采取日查、夜查相结合的方式检查旅店。\n每周二、五开展志愿服务。")
        #expect(draft.items.map(\.when) == ["weekly mon,wed,fri", "daily", "daily 09:00,21:00", "weekly tue,fri"])
        #expect(draft.items[0].quota == DraftQuota(count: 3, per: "week"))
        #expect(draft.items[0].kind == .recurringCheck)
        #expect(draft.items[0].owners == ["cgj"])
        #expect(draft.items[2].owners == ["gaj"])
        #expect(!draft.items[0].unsure.isEmpty && !draft.items[2].unsure.isEmpty)
        #expect(draft.items[3].unsure == ["原文没有写负责单位"])
    }

    @Test func numbersThatAreNotDates() throws {
        let draft = try DraftTestSupport.draft(
            "设立12345服务热线。第五届读书节共收到2000份作品。庆祝建校60周年。贯彻落实8号文件精神。区十一届三次全会召开。近两个月完成整改。")
        #expect(draft.items.isEmpty)
    }

    @Test func anniversariesOfNamedDaysAreNotDates() throws {
        #expect(try Self.rules("以建党100周年为契机开展党史教育。纪念五四运动100周年。") == [])
        // The day itself is a date.
        #expect(try Self.rules("“七一”前夕走访慰问老党员。") == ["建党节 -1d"])
    }

    @Test func placeholderYears() throws {
        let draft = try DraftTestSupport.draft("20XX年工作总结:\n20XX年6月5日，区环保局举办环境日宣传活动。\nXX年，全区开展文明创建。")
        #expect(draft.items.map(\.when) == ["06-05"])
        #expect(draft.items.first?.unsure.contains { $0.contains("占位符“20XX年”") } == true)
        #expect(draft.placeholderYears == ["20XX年", "XX年"])
    }

    @Test func repeatedSectionKeepsTheFirstLine() throws {
        let section = "一、文明交通\n3月12日，组织植树活动。\n6月1日，举办儿童才艺展示。\n"
        let draft = try DraftTestSupport.draft("工作总结:\n" + section + "二、其他\n" + section)
        #expect(draft.items.map(\.when) == ["03-12", "06-01"])
        #expect(draft.items.map(\.line) == [3, 4])
        #expect(draft.dropped.filter { $0.reason == .duplicate }.map(\.line) == [6, 7, 8])
    }

    @Test func webPageDebrisIsDropped() throws {
        let text = """
            社区工作计划
            发布时间：2024-01-02
            9月10日，开展教师节慰问活动。
            相关文章:
            社区工作计划
            9月10日，开展教师节慰问活动...
            上一篇:2023年3月5日学雷锋活动总结
            下一篇:11月9日消防宣传日活动方案
            """
        let draft = try DraftTestSupport.draft(text)
        #expect(draft.items.map(\.when) == ["09-10"])
        #expect(draft.dropped.filter { $0.reason == .debris }.map(\.line) == [2, 4, 5, 6, 7, 8])
    }

    @Test func gb18030Input() throws {
        // "5月20日，区教育局召开安全工作会议。\n春节期间开展送温暖活动。\n" in GB18030 (iconv -t GB18030).
        let bytes: [UInt8] = [
            0x35, 0xd4, 0xc2, 0x32, 0x30, 0xc8, 0xd5, 0xa3, 0xac, 0xc7, 0xf8, 0xbd, 0xcc, 0xd3, 0xfd, 0xbe, 0xd6, 0xd5, 0xd9,
            0xbf, 0xaa, 0xb0, 0xb2, 0xc8, 0xab, 0xb9, 0xa4, 0xd7, 0xf7, 0xbb, 0xe1, 0xd2, 0xe9, 0xa1, 0xa3, 0x0a, 0xb4, 0xba,
            0xbd, 0xda, 0xc6, 0xda, 0xbc, 0xe4, 0xbf, 0xaa, 0xd5, 0xb9, 0xcb, 0xcd, 0xce, 0xc2, 0xc5, 0xaf, 0xbb, 0xee, 0xb6,
            0xaf, 0xa1, 0xa3, 0x0a,
        ]
        let draft = try PlanDrafter.draft(
            bytes: bytes, options: DraftTestSupport.options(year: 2026, work: try DraftTestSupport.workCalendar()))
        #expect(draft.encoding == .gb18030)
        #expect(draft.items.map(\.when) == ["05-20", "holiday 春节"])
        #expect(draft.items.first?.owners == ["jyj"])
        #expect(draft.items.first?.quote == "5月20日，区教育局召开安全工作会议")
    }

    @Test func utf8WithBOM() throws {
        let draft = try PlanDrafter.draft(
            bytes: [0xEF, 0xBB, 0xBF] + Array("8月1日，走访慰问驻区部队。".utf8), options: DraftTestSupport.options(year: 2026))
        #expect(draft.encoding == .utf8BOM)
        #expect(draft.items.map(\.when) == ["08-01"])
    }

    @Test func undecodableAndEmptyInputGetClearErrors() throws {
        #expect(throws: DraftError.self) {
            try PlanDrafter.draft(bytes: [0x35, 0xFF, 0xFF, 0xFF], options: DraftTestSupport.options(year: 2026))
        }
        do {
            _ = try PlanDrafter.draft(bytes: [0x35, 0xFF, 0xFF, 0xFF], options: DraftTestSupport.options(year: 2026))
        } catch {
            #expect(error.code == .undecodable)
            #expect(error.message.contains("offset 1"))
        }
        do {
            _ = try PlanDrafter.draft(bytes: Array(" \n\n".utf8), options: DraftTestSupport.options(year: 2026))
            Issue.record("empty input was accepted")
        } catch {
            #expect(error.code == .empty)
        }
    }

    @Test func everyPassageDraftValidates() throws {
        let work = try DraftTestSupport.workCalendar()
        let text = """
            4月1日至4月30日，区交警大队开展文明出行宣传月活动。
            端午节组织包粽子活动。中秋节前夕走访慰问困难群众。清明节期间开展文明祭扫宣传。
            区城管局每周不少于三次对夜市进行巡查。派出所采取日查、夜查相结合的方式检查旅店。
            国庆节假日前对辖区商场进行安全检查。春节前后10天开展送温暖活动。12月底前各单位上报年度总结。
            """
        for year in [2026, 2031] {
            let draft = try DraftTestSupport.draft(text, year: year)
            #expect(draft.items.count == 9)
            #expect(DraftTestSupport.validationErrors(draft, work: work) == [])
        }
    }

    @Test func lunarDatesWrittenOut() throws {
        let draft = try DraftTestSupport.draft("农历腊月廿三，各社区开展“小年”送温暖活动。阴历八月十五日组织中秋诗会。")
        #expect(draft.items.map(\.when) == ["lunar 12-23", "lunar 08-15"])
        #expect(draft.items.map(\.dateSource) == [.sourced, .sourced])
    }

    @Test func monthlyRecurrencesTenDayPartsAndMonthSpans() throws {
        let draft = try DraftTestSupport.draft(
            "每月1日、15日开展消防安全检查。\n3月上旬召开动员会。\n5月至6月开展禁毒宣传。\n9月12日晚上7点举办中秋晚会。")
        #expect(draft.items.map(\.when) == ["monthly 1,15", "03-01..03-10", "05-01..06-last", "09-12"])
        #expect(draft.items.map(\.kind) == [.recurringCheck, .meeting, .campaign, .task])
        #expect(draft.items.last?.time == "19:00")
    }

    @Test func garbageNeverCrashes() throws {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("0123456789月日号至—-年初底末份每周天次不少于两三日查夜查春节期间前后五一“”，。、XX第届周年上午时点半")
        for _ in 0..<300 {
            let n = Int.random(in: 0...40, using: &generator)
            let text = String((0..<n).map { _ in alphabet.randomElement(using: &generator) ?? "月" })
            _ = try? PlanDrafter.draft(bytes: Array((text + "\n").utf8), options: DraftTestSupport.options(year: 2026))
        }
    }

    // Rule classes added with dev/67–83 of the corpus (texts written for these tests).

    @Test func thePeriodAReportCoversIsNotAnItem() throws {
        #expect(try Self.rules("镇文化站上半年工作总结和下半年工作计划\n2021年上半年工作总结如下：3月5日组织志愿者开展学雷锋活动。\n") == ["03-05"])
        // A half-year that schedules something is still read.
        #expect(try Self.rules("下半年举办社区运动会。") == ["07-01..12-last"])
    }

    @Test func aFestivalPointedBackToIsTheActivityTold() throws {
        let draft = try DraftTestSupport.draft("2月3日上午，幸福社区开展包汤圆活动。\n居民们表示，这样的活动让这个元宵节变得更加有意义。\n")
        #expect(draft.items.map(\.when) == ["02-03"])
    }

    @Test func aLunarDateInAQuotedNameYieldsToTheDay() throws {
        // The day of the sentence wins over the lunar date inside the activity's quoted name.
        #expect(try Self.rules("2月12日，和平社区在广场举办“正月十五闹元宵 邻里同乐”活动。") == ["02-12"])
        // A quoted saying in a sentence that schedules nothing describes the festival.
        #expect(try Self.rules("“正月十五闹元宵”是民间的优良习俗，有舞龙、看花灯。\n2月9日下午，和平社区举办猜灯谜。\n") == ["02-09"])
    }

    @Test func aListOfHolidaysAfterAnActivityTakesThatActivity() throws {
        let draft = try DraftTestSupport.draft("一、认真组织好各个节假日的文体活动，如元旦、春节、“三八”、国庆等，丰富群众生活。\n")
        #expect(draft.items.count == 4)
        for item in draft.items { #expect(item.quote.contains("文体活动")) }
    }

    @Test func aPartOfAMonthUnderATimeHeadingTakesTheDocumentsTitle() throws {
        let draft = try DraftTestSupport.draft("学校清明节主题活动方案.docx\n一、活动主题\n缅怀先人\n二、活动时间\n2025年4月上旬\n")
        let item = try #require(draft.items.first)
        #expect(item.when == "04-01..04-10")
        #expect(item.title.contains("清明节主题活动"))
        #expect(!item.title.contains("docx"))
    }

    /// A yearly summary and plan: what the summary says was done is an item of its section, and the
    /// plan's same activity is one of its own; a festival-themed meeting there is a day of its own,
    /// not part of a programme, even in a document that dates other things by day.
    @Test func aSummaryAndAPlanEachKeepTheirActivity() throws {
        let text = """
            城区2025年工作总结及2026年工作安排
            2025年工作总结:
            1、5月26日,区文明办举办了家乡发展报告会。
            2、通过春节组织“欢欢喜喜过大年”志愿服务。各学校组织读书日主题班会,师生互赠图书。
            2026年工作安排:
            1、春节期间要扎实组织好“欢欢喜喜过大年”志愿服务活动。
            """
        let draft = try DraftTestSupport.draft(text)
        let items = draft.items.map { "\($0.line) \($0.section.rawValue) \($0.when)" }
        #expect(items.contains("3 summary 05-26"))
        #expect(items.contains("4 summary 世界读书日"))
        #expect(draft.items.filter { $0.title.contains("欢欢喜喜过大年") }.map(\.section) == [.summary, .plan])
    }
}
