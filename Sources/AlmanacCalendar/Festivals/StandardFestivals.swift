/// The built-in festivals of `FestivalCatalog.standard`.
enum StandardFestivals {
    static let all: [Festival] = traditional + solarTerms + national + observances

    /// Traditional festivals of the lunar calendar; they fall in ordinary (non-leap) months.
    static let traditional: [Festival] = [
        Festival(
            id: "spring-festival", chineseName: "春节", englishName: "Spring Festival",
            aliases: ["农历新年", "大年初一", "正月初一", "过年", "Chinese New Year", "Lunar New Year"],
            kind: .lunar(month: 1, day: 1), category: .traditional, officialHoliday: "spring-festival"),
        Festival(
            id: "lantern", chineseName: "元宵节", englishName: "Lantern Festival",
            aliases: ["元宵", "上元节", "正月十五"], kind: .lunar(month: 1, day: 15), category: .traditional),
        Festival(
            id: "longtaitou", chineseName: "龙抬头", englishName: "Dragon Raises Its Head",
            aliases: ["二月二", "青龙节"], kind: .lunar(month: 2, day: 2), category: .traditional),
        Festival(
            id: "dragon-boat", chineseName: "端午节", englishName: "Dragon Boat Festival",
            aliases: ["端午", "端阳节", "五月初五"], kind: .lunar(month: 5, day: 5), category: .traditional,
            officialHoliday: "dragon-boat"),
        Festival(
            id: "qixi", chineseName: "七夕节", englishName: "Qixi Festival",
            aliases: ["七夕", "乞巧节", "七月初七", "Double Seventh Festival"], kind: .lunar(month: 7, day: 7),
            category: .traditional),
        Festival(
            id: "zhongyuan", chineseName: "中元节", englishName: "Ghost Festival",
            aliases: ["中元", "七月半", "七月十五"], kind: .lunar(month: 7, day: 15), category: .traditional),
        Festival(
            id: "mid-autumn", chineseName: "中秋节", englishName: "Mid-Autumn Festival",
            aliases: ["中秋", "八月十五", "团圆节"], kind: .lunar(month: 8, day: 15), category: .traditional,
            officialHoliday: "mid-autumn"),
        Festival(
            id: "double-ninth", chineseName: "重阳节", englishName: "Double Ninth Festival",
            aliases: ["重阳", "老年节", "敬老节", "九月初九"], kind: .lunar(month: 9, day: 9), category: .traditional),
        Festival(
            id: "laba", chineseName: "腊八节", englishName: "Laba Festival",
            aliases: ["腊八", "腊月初八"], kind: .lunar(month: 12, day: 8), category: .traditional),
        Festival(
            id: "xiaonian-north", chineseName: "北方小年", englishName: "Little New Year (north)",
            aliases: ["小年", "小年（北方）", "腊月廿三", "腊月二十三", "xiaonian"], kind: .lunar(month: 12, day: 23),
            category: .traditional),
        Festival(
            id: "xiaonian-south", chineseName: "南方小年", englishName: "Little New Year (south)",
            aliases: ["小年（南方）", "腊月廿四", "腊月二十四"], kind: .lunar(month: 12, day: 24), category: .traditional),
        Festival(
            id: "chuxi", chineseName: "除夕", englishName: "New Year's Eve (lunar)",
            aliases: ["大年三十", "年三十", "除夕夜", "new-years-eve", "Chinese New Year's Eve"], kind: .lunarMonthEnd(month: 12),
            category: .traditional),
    ]

    /// The 24 solar terms; 清明 and 冬至 are also festivals and carry those names as aliases.
    static let solarTerms: [Festival] = SolarTerm.allCases.map { term in
        var aliases: [String] = []
        var officialHoliday: String?
        switch term {
        case .qingming:
            aliases = ["清明节", "Qingming Festival", "Tomb-sweeping Day"]
            officialHoliday = "qingming"
        case .dongzhi: aliases = ["冬至节", "冬节", "Dongzhi Festival"]
        case .qiufen: aliases = ["中国农民丰收节", "农民丰收节", "丰收节"]
        default: break
        }
        return Festival(
            id: term.identifier, chineseName: term.chineseName, englishName: term.englishName, aliases: aliases,
            kind: .solarTerm(term), category: .solarTerm, officialHoliday: officialHoliday)
    }

    /// National days and commemorations.
    static let national: [Festival] = [
        Festival(
            id: "new-year", chineseName: "元旦", englishName: "New Year's Day", aliases: ["新年", "元旦节"],
            kind: .fixed(month: 1, day: 1), category: .national, officialHoliday: "new-year"),
        Festival(
            id: "police-day", chineseName: "中国人民警察节", englishName: "Chinese People's Police Day",
            aliases: ["人民警察节", "警察节"], kind: .fixed(month: 1, day: 10), category: .national, observedSince: 2021),
        Festival(
            id: "lei-feng-day", chineseName: "学雷锋纪念日", englishName: "Learn from Lei Feng Day",
            aliases: ["学雷锋日", "雷锋纪念日", "学雷锋活动日"], kind: .fixed(month: 3, day: 5), category: .national,
            firstYear: 1963, anniversaryName: "“向雷锋同志学习”题词", observedSince: 1963),
        Festival(
            id: "arbor-day", chineseName: "植树节", englishName: "Arbor Day", aliases: ["义务植树日"],
            kind: .fixed(month: 3, day: 12), category: .national, observedSince: 1979),
        Festival(
            id: "school-safety-day", chineseName: "全国中小学生安全教育日", englishName: "National School Safety Education Day",
            aliases: ["中小学生安全教育日", "安全教育日"], kind: .nthWeekday(month: 3, weekday: .monday, n: -1),
            category: .national, observedSince: 1996),
        Festival(
            id: "national-security-education-day", chineseName: "全民国家安全教育日",
            englishName: "National Security Education Day", aliases: ["国家安全教育日"], kind: .fixed(month: 4, day: 15),
            category: .national, observedSince: 2016),
        Festival(
            id: "space-day", chineseName: "中国航天日", englishName: "China Space Day", aliases: ["航天日"],
            kind: .fixed(month: 4, day: 24), category: .national, observedSince: 2016),
        Festival(
            id: "labour-day", chineseName: "劳动节", englishName: "Labour Day",
            aliases: ["国际劳动节", "五一", "五一劳动节", "五一国际劳动节", "May Day", "Labor Day"],
            kind: .fixed(month: 5, day: 1), category: .national, officialHoliday: "labour-day"),
        Festival(
            id: "youth-day", chineseName: "青年节", englishName: "Youth Day",
            aliases: ["五四青年节", "五四", "五四运动纪念日", "五四运动"], kind: .fixed(month: 5, day: 4), category: .national,
            firstYear: 1919, anniversaryName: "五四运动"),
        Festival(
            id: "disaster-prevention-day", chineseName: "全国防灾减灾日", englishName: "National Disaster Prevention and Reduction Day",
            aliases: ["防灾减灾日"], kind: .fixed(month: 5, day: 12), category: .national, observedSince: 2009),
        Festival(
            id: "day-for-helping-the-disabled", chineseName: "全国助残日", englishName: "National Day for Helping the Disabled",
            aliases: ["助残日"], kind: .nthWeekday(month: 5, weekday: .sunday, n: 3), category: .national,
            observedSince: 1991),
        Festival(
            id: "childrens-day", chineseName: "儿童节", englishName: "Children's Day",
            aliases: ["六一", "六一儿童节", "国际儿童节"], kind: .fixed(month: 6, day: 1), category: .national),
        Festival(
            id: "cultural-heritage-day", chineseName: "文化和自然遗产日", englishName: "Cultural and Natural Heritage Day",
            aliases: ["文化遗产日", "遗产日"], kind: .nthWeekday(month: 6, weekday: .saturday, n: 2), category: .national,
            observedSince: 2006),
        Festival(
            id: "party-founding-day", chineseName: "建党节", englishName: "CPC Founding Day",
            aliases: ["七一", "建党", "中国共产党成立纪念日", "党的生日"], kind: .fixed(month: 7, day: 1),
            category: .national, firstYear: 1921, anniversaryName: "建党"),
        Festival(
            id: "war-of-resistance-day", chineseName: "全民族抗战爆发纪念日", englishName: "Anniversary of the Full-scale War of Resistance",
            aliases: ["七七事变纪念日", "七七事变", "卢沟桥事变纪念日"], kind: .fixed(month: 7, day: 7), category: .national,
            firstYear: 1937, anniversaryName: "全民族抗战爆发"),
        Festival(
            id: "army-day", chineseName: "建军节", englishName: "PLA Day",
            aliases: ["八一", "八一建军节", "建军", "中国人民解放军建军节"], kind: .fixed(month: 8, day: 1),
            category: .national, firstYear: 1927, anniversaryName: "建军"),
        Festival(
            id: "national-fitness-day", chineseName: "全民健身日", englishName: "National Fitness Day",
            aliases: ["全民健身宣传日", "健身日"], kind: .fixed(month: 8, day: 8), category: .national, observedSince: 2009),
        Festival(
            id: "victory-day", chineseName: "中国人民抗日战争胜利纪念日", englishName: "Victory Day of the War of Resistance",
            aliases: ["抗战胜利纪念日", "抗日战争胜利纪念日", "抗战胜利"], kind: .fixed(month: 9, day: 3), category: .national,
            firstYear: 1945, anniversaryName: "抗战胜利", observedSince: 2014),
        Festival(
            id: "teachers-day", chineseName: "教师节", englishName: "Teachers' Day", aliases: ["Teachers Day"],
            kind: .fixed(month: 9, day: 10), category: .national, firstYear: 1985, anniversaryName: "教师节设立",
            observedSince: 1985),
        Festival(
            id: "september-18", chineseName: "九一八事变纪念日", englishName: "September 18 Incident Anniversary",
            aliases: ["九一八", "九一八事变"], kind: .fixed(month: 9, day: 18), category: .national, firstYear: 1931,
            anniversaryName: "九一八事变"),
        Festival(
            id: "science-popularization-day", chineseName: "全国科普日", englishName: "National Science Popularization Day",
            aliases: ["科普日"], kind: .nthWeekday(month: 9, weekday: .saturday, n: 3), category: .national,
            observedSince: 2005),
        Festival(
            id: "national-defense-education-day", chineseName: "全民国防教育日", englishName: "National Defense Education Day",
            aliases: ["国防教育日"], kind: .nthWeekday(month: 9, weekday: .saturday, n: 3), category: .national,
            observedSince: 2001),
        Festival(
            id: "martyrs-day", chineseName: "烈士纪念日", englishName: "Martyrs' Day", aliases: ["Martyrs Day"],
            kind: .fixed(month: 9, day: 30), category: .national, observedSince: 2014),
        Festival(
            id: "national-day", chineseName: "国庆节", englishName: "National Day",
            aliases: ["国庆", "十一", "建国", "中华人民共和国成立纪念日"], kind: .fixed(month: 10, day: 1),
            category: .national, firstYear: 1949, anniversaryName: "新中国成立", officialHoliday: "national-day"),
        Festival(
            id: "xinhai-revolution", chineseName: "辛亥革命纪念日", englishName: "Xinhai Revolution Anniversary",
            aliases: ["辛亥革命", "双十节"], kind: .fixed(month: 10, day: 10), category: .national, firstYear: 1911,
            anniversaryName: "辛亥革命"),
        Festival(
            id: "poverty-alleviation-day", chineseName: "全国扶贫日", englishName: "National Poverty Alleviation Day",
            aliases: ["扶贫日", "国际消除贫困日"], kind: .fixed(month: 10, day: 17), category: .national, observedSince: 2014),
        Festival(
            id: "journalists-day", chineseName: "中国记者节", englishName: "Journalists' Day", aliases: ["记者节"],
            kind: .fixed(month: 11, day: 8), category: .national, observedSince: 2000),
        Festival(
            id: "fire-safety-day", chineseName: "全国消防日", englishName: "National Fire Safety Day",
            aliases: ["消防日", "119消防日"], kind: .fixed(month: 11, day: 9), category: .national, observedSince: 1992),
        Festival(
            id: "traffic-safety-day", chineseName: "全国交通安全日", englishName: "National Traffic Safety Day",
            aliases: ["交通安全日", "122全国交通安全日"], kind: .fixed(month: 12, day: 2), category: .national, observedSince: 2012),
        Festival(
            id: "constitution-day", chineseName: "国家宪法日", englishName: "National Constitution Day",
            aliases: ["宪法日", "全国法制宣传日", "宪法宣传日"], kind: .fixed(month: 12, day: 4), category: .national,
            observedSince: 2014),
        Festival(
            id: "nanjing-memorial-day", chineseName: "南京大屠杀死难者国家公祭日",
            englishName: "National Memorial Day for Nanjing Massacre Victims", aliases: ["国家公祭日", "公祭日"],
            kind: .fixed(month: 12, day: 13), category: .national, firstYear: 1937, anniversaryName: "南京大屠杀",
            observedSince: 2014),
        Festival(
            id: "mao-zedong-birthday", chineseName: "毛泽东同志诞辰纪念日", englishName: "Mao Zedong's Birthday",
            aliases: ["毛泽东诞辰", "毛主席诞辰"], kind: .fixed(month: 12, day: 26), category: .national, firstYear: 1893,
            anniversaryName: "毛泽东同志诞辰"),
    ]

    /// International days and observances.
    static let observances: [Festival] = [
        Festival(
            id: "womens-day", chineseName: "妇女节", englishName: "International Women's Day",
            aliases: ["三八", "三八妇女节", "国际劳动妇女节", "三八国际妇女节", "Women's Day"], kind: .fixed(month: 3, day: 8),
            category: .observance),
        Festival(
            id: "consumer-rights-day", chineseName: "消费者权益日", englishName: "World Consumer Rights Day",
            aliases: ["三一五", "国际消费者权益日"], kind: .fixed(month: 3, day: 15), category: .observance),
        Festival(
            id: "water-day", chineseName: "世界水日", englishName: "World Water Day", aliases: ["水日"],
            kind: .fixed(month: 3, day: 22), category: .observance),
        Festival(
            id: "earth-day", chineseName: "世界地球日", englishName: "Earth Day", aliases: ["地球日"],
            kind: .fixed(month: 4, day: 22), category: .observance),
        Festival(
            id: "world-book-day", chineseName: "世界读书日", englishName: "World Book Day",
            aliases: ["读书日", "世界图书与版权日", "全民阅读日"], kind: .fixed(month: 4, day: 23), category: .observance),
        Festival(
            id: "nurses-day", chineseName: "国际护士节", englishName: "International Nurses Day", aliases: ["护士节"],
            kind: .fixed(month: 5, day: 12), category: .observance),
        Festival(
            id: "mothers-day", chineseName: "母亲节", englishName: "Mother's Day", aliases: ["Mothers Day"],
            kind: .nthWeekday(month: 5, weekday: .sunday, n: 2), category: .observance),
        Festival(
            id: "no-tobacco-day", chineseName: "世界无烟日", englishName: "World No Tobacco Day", aliases: ["无烟日"],
            kind: .fixed(month: 5, day: 31), category: .observance),
        Festival(
            id: "environment-day", chineseName: "世界环境日", englishName: "World Environment Day", aliases: ["环境日"],
            kind: .fixed(month: 6, day: 5), category: .observance),
        Festival(
            id: "fathers-day", chineseName: "父亲节", englishName: "Father's Day", aliases: ["Fathers Day"],
            kind: .nthWeekday(month: 6, weekday: .sunday, n: 3), category: .observance),
        Festival(
            id: "anti-drug-day", chineseName: "国际禁毒日", englishName: "International Day against Drug Abuse",
            aliases: ["禁毒日", "626国际禁毒日"], kind: .fixed(month: 6, day: 26), category: .observance),
        Festival(
            id: "world-aids-day", chineseName: "世界艾滋病日", englishName: "World AIDS Day", aliases: ["艾滋病日"],
            kind: .fixed(month: 12, day: 1), category: .observance),
        Festival(
            id: "disabled-persons-day", chineseName: "国际残疾人日", englishName: "International Day of Persons with Disabilities",
            aliases: ["残疾人日"], kind: .fixed(month: 12, day: 3), category: .observance),
        Festival(
            id: "volunteer-day", chineseName: "国际志愿者日", englishName: "International Volunteer Day",
            aliases: ["志愿者日", "国际志愿人员日"], kind: .fixed(month: 12, day: 5), category: .observance),
    ]
}
