import AlmanacCalendar

/// A date, window, festival or recurrence found in a sentence.
struct Mention {
    enum Form: Equatable {
        /// A single day (8月10日).
        case day
        /// A date window (9月20日—10月10日).
        case window
        /// Part of a month or year (5月份, 6月末, 年初).
        case vague
        /// A festival or named day (端午节, 读书日).
        case festival
        /// A festival's official break or a span around it (春节期间, 五一节假日前).
        case holiday
        /// A recurrence (每周不少于两次, 日查、夜查).
        case recurrence
        /// 每天 / 每日 without anything else: merged into a dated item of the same sentence.
        case daily
    }

    var range: Range<Int>
    var spelled: String
    var form: Form
    /// Rule text (canonicalised later through `DateRule`).
    var rule: String
    var time: String?
    var month: Int?
    var dateSource: String
    var confidence: Double
    var unsure: [String] = []
    var kindHint: String?
    var quota: (count: Int, per: String)?
    var festival: Festival?
}

/// Finds date expressions in sentences.
struct MentionScanner {
    var year: Int
    var hasHolidayTable: Bool
    var catalog: FestivalCatalog
    /// The festival a notice is about (named in its title or opening), for breaks it names without the
    /// festival's name (放假期间, 节日期间); nil when the document names none or several.
    var documentFestival: Festival?
    /// The month of the last date the document wrote before the sentence being read (a dated lead, a news
    /// dateline 9月28日电, a page's date 10-16), for a day written without its month (28日上午, 26日下午); nil
    /// outside a document's reading.
    var contextMonth: Int?
    /// Days the sentence or the next one writes with their month (28 → 9 for 9月28日到10月31日), which a day written
    /// without its month there is (28日,……“敬老月”活动在海口启动。9月28日到10月31日,……).
    var restatedDays: [Int: Int] = [:]

    struct FestivalName {
        var chars: [Character]
        var festival: Festival
        var ambiguous: Bool
    }

    /// Names that are words in other senses too, or anniversaries rather than days: never matched.
    static let excludedNames: Set<String> = [
        "新年", "十一", "建国", "建党", "建军", "过年", "辛亥革命", "五四运动", "七七事变", "抗战胜利", "九一八事变", "团圆节",
        "双十节", "冬节", "大年初一",
    ]
    /// Short names matched only in quotes or before 节/期间/假: “五一”, 庆三八, 三八节.
    static let ambiguousNames: Set<String> = ["五一", "七一", "八一", "六一", "三八", "五四", "九一八", "小年", "七夕", "中元", "冬至", "腊八"]

    static func names(_ catalog: FestivalCatalog) -> [FestivalName] {
        var out: [FestivalName] = []
        var seen: Set<String> = []
        for f in catalog.festivals {
            for name in [f.chineseName] + f.aliases {
                guard name.count >= 2, name.allSatisfy({ DocumentScanner.isHan($0) }), !name.contains("月"),
                    !excludedNames.contains(name), !seen.contains(name)
                else { continue }
                seen.insert(name)
                out.append(FestivalName(chars: Array(name), festival: f, ambiguous: ambiguousNames.contains(name)))
            }
        }
        // “三·八”、“五·一”、“十·一”: the numbered days written with a middle dot between their numerals. The dot
        // says the numerals are a date, so these are not ambiguous (and 十·一 is 国庆, though 十一 alone is a number).
        for f in catalog.festivals {
            for name in [f.chineseName] + f.aliases where dottedNumeralNames.contains(name) {
                let chars = Array(name)
                for dot in middleDots {
                    let dotted = String([chars[0], dot, chars[1]])
                    guard !seen.contains(dotted) else { continue }
                    seen.insert(dotted)
                    out.append(FestivalName(chars: Array(dotted), festival: f, ambiguous: false))
                }
            }
        }
        return out.sorted { $0.chars.count > $1.chars.count }
    }

    /// The numbered days also written with a middle dot between their two numerals (三·八, 十·一).
    static let dottedNumeralNames: Set<String> = ["三八", "五一", "五四", "六一", "七一", "八一", "十一"]
    /// The middle dots of those spellings: U+00B7, U+30FB (katakana), U+2022 (bullet). Not a stop (．, .): 五．一
    /// numbers a section.
    static let middleDots: [Character] = ["·", "・", "•"]

    /// Festival names by their first character, longest first.
    let festivalNames: ScalarTable<[FestivalName]>

    /// The characters (as scalars) a mention can start with: `scan` tries its patterns only where
    /// one stands. Every pattern tried in `scan` must have its first characters here.
    let starters: ScalarBits

    /// The first characters of the patterns `scan` tries (festival names' come from the catalog):
    /// digits and placeholder years (dateOrWindow, dottedDate), Chinese numerals and 元 (months),
    /// 正腊冬农阴 (lunar), 学 (campaignMonth), 年上下 (yearPart), 日每 (recurrence), 放节假 (unnamedBreak).
    static let patternStarters: Set<UInt32> = Set(
        "0123456789０１２３４５６７８９XxＸｘ×〇零一二两三四五六七八九十廿卅元正腊冬农阴学年上下日每放节假".unicodeScalars.map(\.value))

    init(year: Int, hasHolidayTable: Bool, catalog: FestivalCatalog) {
        self.year = year
        self.hasHolidayTable = hasHolidayTable
        self.catalog = catalog
        festivalNames = ScalarTable(Dictionary(grouping: Self.names(catalog)) { $0.chars[0] })
        starters = ScalarBits(Self.patternStarters.union(festivalNames.keys.flatMap { $0.unicodeScalars.map(\.value) }))
    }

    /// Whether a mention may start with `ch`: its scalar is a starter, or it is not one scalar or a
    /// CJK compatibility ideograph (which `Character` equality takes for its unified twin).
    @inline(__always)
    func mayStart(_ ch: Character) -> Bool {
        guard let v = DocumentScanner.scalarValue(ch) else { return true }
        return starters.mayContain(v) || (0xF900...0xFAFF).contains(v) || (0x2F800...0x2FA1F).contains(v)
    }

    /// The mentions in a sentence, left to right. `everyPosition` tries the patterns at every
    /// character instead of only where one may start (the tests check that both read the same).
    func scan(_ c: [Character], everyPosition: Bool = false) -> [Mention] {
        let (quoted, titled) = DocumentScanner.quoteDepths(c)
        var out: [Mention] = []
        var i = 0
        while i < c.count {
            if titled[i] || (!everyPosition && !mayStart(c[i])) {
                i += 1
                continue
            }
            if var m = lunar(c, i) ?? dateOrWindow(c, i) ?? dottedDate(c, i) ?? campaignMonth(c, i) ?? yearPart(c, i)
                ?? (quoted[i] ? nil : recurrence(c, i)) ?? festival(c, i) ?? unnamedBreak(c, i)
            {
                // A gloss in brackets right after a date is the same date: 1月13日(农历腊月十六), 2月2日(周四).
                if m.form == .day || m.form == .window, let end = gloss(c, m.range.upperBound) {
                    m.range = m.range.lowerBound..<end
                    if m.time == nil, let (time, tEnd) = timeOfDay(c, end) {
                        m.time = time
                        m.range = m.range.lowerBound..<tEnd
                    }
                    m.spelled = String(c[m.range])
                }
                // 4月4日(清明节当天)及前后两天: the window of that many days either side of the day.
                if m.form == .day, !m.rule.contains(" "), !m.rule.contains(".."), let (days, end) = daysEitherSide(c, m.range.upperBound) {
                    m.form = .window
                    m.rule += " -\(days)d..+\(days)d"
                    m.range = m.range.lowerBound..<end
                    m.spelled = String(c[m.range])
                }
                // 从3月初开始,持续一个月; 3月5日起,为期两周: a start told with how long it lasts is one window.
                if m.form == .day || m.form == .vague, let (rule, end) = lasting(m.rule, c, m.range.upperBound) {
                    m.form = .window
                    m.rule = rule
                    m.range = m.range.lowerBound..<end
                    m.spelled = String(c[m.range])
                }
                out.append(m)
                i = max(m.range.upperBound, i + 1)
                continue
            }
            if let m = elidedDay(c, i, after: out.last) {
                out.append(m)
                i = m.range.upperBound
                continue
            }
            i += 1
        }
        // How often and on which day, told together (每周一次的篮球比赛:每周周六上午9点; 每月一次……:每月第一个周六): one
        // recurrence, the day's; the count is its quota.
        for (n, q) in out.enumerated().reversed() where q.form == .recurrence && q.dateSource == "chosen" && q.quota != nil {
            let period = q.quota?.1 ?? ""
            if let k = out.indices.first(where: { k in
                k > n && out[k].form == .recurrence && out[k].dateSource == "sourced"
                    && (period == "week" ? out[k].rule.hasPrefix("weekly") : period == "month" ? out[k].rule.hasPrefix("monthly") && !out[k].rule.contains("interval")
                        : period == "quarter" && out[k].rule.contains("interval 3"))
            }) {
                out[k].quota = q.quota
                out.remove(at: n)
            }
        }
        return out
    }

    /// A start followed by how long it lasts (3月初开始,持续一个月; 3月5日起,为期两周; 5月份开始,为期三个月): the
    /// window from the start's first day, and where the words end. Only a start of a month (its first day,
    /// 初, the month itself) lasts months; a day lasts days or weeks, or months counted to the day before.
    func lasting(_ rule: String, _ c: [Character], _ j: Int) -> (String, Int)? {
        let start = Array(rule.prefix(5))
        guard start.count == 5, start[2] == "-", let month = Int(String(start[0...1])), let day = Int(String(start[3...4])) else { return nil }
        var k = j
        for w in ["开始", "起"] where DocumentScanner.matches(c, k, w) {
            k += w.count
            break
        }
        guard k > j else { return nil }
        if k < c.count, ",，、".contains(c[k]) { k += 1 }
        guard DocumentScanner.matches(c, k, "持续") || DocumentScanner.matches(c, k, "为期") else { return nil }
        k += 2
        guard let n = DocumentScanner.number(c, k, maxDigits: 3), n.value > 0 else { return nil }
        k = n.end
        if k < c.count, c[k] == "个" { k += 1 }
        let unit: String
        if DocumentScanner.matches(c, k, "月") {
            unit = "月"
        } else if DocumentScanner.matches(c, k, "周") || DocumentScanner.matches(c, k, "星期") {
            unit = "周"
        } else if DocumentScanner.matches(c, k, "天") || DocumentScanner.matches(c, k, "日") {
            unit = "天"
        } else {
            return nil
        }
        k += unit == "周" && DocumentScanner.matches(c, k, "星期") ? 2 : 1
        let first = "\(Self.two(month))-\(Self.two(day))"
        switch unit {
        case "天": return (n.value == 1 ? first : "\(first)..+\(n.value - 1)d", k)
        case "周": return ("\(first)..+\(7 * n.value - 1)d", k)
        default:
            guard n.value <= 11 else { return nil }
            let last = (month - 1 + n.value - (day == 1 ? 1 : 0)) % 12 + 1
            return (day == 1 ? "\(first)..\(Self.two(last))-last" : "\(first)..\(Self.two(last))-\(Self.two(day - 1))", k)
        }
    }

    /// A day written without its month after a dated clause of the same sentence (3月1日开展……,2号开展……,
    /// 3号开展……): the month is the one the sentence wrote last. Only a day that opens a clause, comes
    /// after the day before it, and is not a count (3日内, 5日游) or a dateline (2日电).
    func elidedDay(_ c: [Character], _ i: Int, after last: Mention?) -> Mention? {
        guard let last, last.form == .day || last.form == .window else { return contextDay(c, i) }
        guard i > 0, "，,；;(（".contains(c[i - 1]),
            DocumentScanner.digit(c[i]) != nil,
            let d = DocumentScanner.asciiNumber(c, i, maxDigits: 2), d.end < c.count, c[d.end] == "日" || c[d.end] == "号"
        else { return nil }
        if d.end + 1 < c.count, "电讯内以游".contains(c[d.end + 1]) { return nil }
        let end = Array(last.rule.suffix(5))
        guard end.count == 5, end[2] == "-", let month = Int(String(end[0...1])), let before = Int(String(end[3...4])),
            d.value > before, CivilDate(year: 2024, month: month, day: d.value) != nil
        else { return nil }
        return monthlessDay(c, i, dayEnd: d.end, month: month, day: d.value, confidence: 0.85, from: last.spelled)
    }

    /// The mention of a day written without its month (`c[i...dayEnd]`, 2号, 28日) in `month`, with the time of day after it.
    func monthlessDay(_ c: [Character], _ i: Int, dayEnd: Int, month: Int, day: Int, confidence: Double, from: String) -> Mention {
        var m = Mention(
            range: i..<(dayEnd + 1), spelled: String(c[i..<(dayEnd + 1)]), form: .day, rule: "\(Self.two(month))-\(Self.two(day))",
            month: month, dateSource: "sourced", confidence: confidence, unsure: ["月份取自前文（\(from)）"])
        if let (time, tEnd) = timeOfDay(c, dayEnd + 1) {
            m.time = time
            m.range = i..<tEnd
            m.spelled = String(c[m.range])
        }
        return m
    }

    /// A day written without its month where the sentence has dated nothing before it (28日上午,合肥市……举办; 1.登高:26日
    /// 下午1:30……; (30日下午6:00前将……送到社区办公室): the time of an activity told in a document that wrote its month
    /// before (the dateline 9月28日电, the page's date 10-16, an earlier sentence's date). Only a day that opens the
    /// sentence, a clause, a field or a bracket, and goes on to a part of the day or a clause mark; never a count
    /// (3日内, 5日游) or a dateline (2日电).
    func contextDay(_ c: [Character], _ i: Int) -> Mention? {
        guard i == 0 || "，,；;：:(（。".contains(c[i - 1]), DocumentScanner.digit(c[i]) != nil,
            let d = DocumentScanner.asciiNumber(c, i, maxDigits: 2), d.end < c.count, c[d.end] == "日" || c[d.end] == "号",
            d.end + 1 < c.count, "上下中晚早凌，,".contains(c[d.end + 1]),
            let month = datelineMonth(c, before: i) ?? restatedDays[d.value] ?? contextMonth,
            CivilDate(year: 2024, month: month, day: d.value) != nil
        else { return nil }
        return monthlessDay(c, i, dayEnd: d.end, month: month, day: d.value, confidence: 0.8, from: "\(month)月")
    }

    /// The month of a news dateline (中新网安徽新闻9月28日电, 1月31日讯) the sentence writes before `i` (within the 80
    /// characters before it: a dateline opens its report).
    func datelineMonth(_ c: [Character], before i: Int) -> Int? {
        var k = i - 1
        while k > 2, k >= i - 80 {
            if c[k] == "电" || c[k] == "讯", c[k - 1] == "日" {
                var j = k - 1
                while j > 0, DocumentScanner.digit(c[j - 1]) != nil { j -= 1 }
                if j < k - 1, j > 1, c[j - 1] == "月", let m = DocumentScanner.number(c, max(0, j - 3), maxDigits: 2).flatMap({ $0.end == j - 1 ? $0 : nil })
                    ?? DocumentScanner.number(c, max(0, j - 2), maxDigits: 2).flatMap({ $0.end == j - 1 ? $0 : nil }),
                    (1...12).contains(m.value)
                {
                    return m.value
                }
            }
            k -= 1
        }
        return nil
    }

    // MARK: Dates and windows

    struct MonthDay {
        var month: Int
        var day: Int?
        var end: Int
        var yearNote: String?
    }

    /// `[YYYY年|XX年]M月[D日|D号]` at i.
    func monthDay(_ c: [Character], _ i: Int) -> MonthDay? {
        // Every form opens with a digit, a placeholder year, a Chinese numeral or 元 (元月).
        guard i < c.count, Self.monthStarters.contains(c[i]) else { return nil }
        var j = i
        var yearNote: String?
        // An optional year in front of the month.
        if let y = DocumentScanner.asciiNumber(c, j, maxDigits: 4), y.end - j == 4, y.end < c.count, c[y.end] == "年" {
            yearNote = "原文写明\(y.value)年，草稿按每年同日处理"
            j = y.end + 1
        } else {
            var k = j
            while k < c.count, Layout.placeholders.contains(c[k]) || DocumentScanner.digit(c[k]) != nil && c[k].isASCII { k += 1 }
            if k > j, k < c.count, c[k] == "年", c[j..<k].contains(where: { Layout.placeholders.contains($0) }), k - j <= 4 {
                yearNote = "年份是占位符“\(String(c[j...k]))”，草稿按每年处理"
                j = k + 1
            } else if k - j == 2, k + 1 < c.count, c[k] == "年", DocumentScanner.digit(c[k + 1]) != nil,
                j == 0 || DocumentScanner.digit(c[j - 1]) == nil
            {
                // 20年4月18日: a year cut to two digits (a template's 20__年 that lost its blank) before a month.
                yearNote = "年份只写了两位“\(String(c[j...k]))”，草稿按每年处理"
                j = k + 1
            }
        }
        if j > 0, c[j - 1] == "第" || c[j - 1] == "个" { return nil }
        var monthNumber = DocumentScanner.number(c, j, maxDigits: 2)
        if monthNumber == nil, j + 1 < c.count, c[j] == "元", c[j + 1] == "月" { monthNumber = (1, j + 1) }
        guard let m = monthNumber, m.end < c.count, c[m.end] == "月", (1...12).contains(m.value)
        else { return nil }
        // 一个月, 两个月: not a month name.
        if m.end + 1 < c.count, c[m.end + 1] == "份" || c[m.end + 1] == "底" || c[m.end + 1] == "末" || c[m.end + 1] == "初" {
            return MonthDay(month: m.value, day: nil, end: m.end + 2, yearNote: yearNote)
        }
        if m.end + 2 < c.count, c[m.end + 1] == "中" || c[m.end + 1] == "上" || c[m.end + 1] == "下", c[m.end + 2] == "旬" {
            return MonthDay(month: m.value, day: nil, end: m.end + 2, yearNote: yearNote)
        }
        // 9月中下旬, 3月上中旬: two parts of the month told together (the first part is read, the span
        // widened where the part is).
        if m.end + 3 < c.count, c[m.end + 1] == "中" && c[m.end + 2] == "下" || c[m.end + 1] == "上" && c[m.end + 2] == "中",
            c[m.end + 3] == "旬"
        {
            return MonthDay(month: m.value, day: nil, end: m.end + 2, yearNote: yearNote)
        }
        if let d = DocumentScanner.number(c, m.end + 1, maxDigits: 2), d.end < c.count, c[d.end] == "日" || c[d.end] == "号",
            (1...31).contains(d.value)
        {
            guard CivilDate(year: 2024, month: m.value, day: d.value) != nil else { return nil }
            // A news dateline (3月9日电, 1月31日讯) is when the report was written, not a date it schedules.
            if d.end + 1 < c.count, c[d.end + 1] == "电" || c[d.end + 1] == "讯" { return nil }
            return MonthDay(month: m.value, day: d.value, end: d.end + 1, yearNote: yearNote)
        }
        // 6月14。 / 6月14，: a day without its 日 that ends a sentence or a clause (a written month and a
        // day of that month; never one followed by more digits or a unit). Not at the end of a line with
        // no mark: a passage that stops on a bare number (……;10月1) is cut off, not dated.
        if let d = DocumentScanner.asciiNumber(c, m.end + 1, maxDigits: 2), d.end < c.count, "。，,；;".contains(c[d.end]),
            (1...31).contains(d.value), CivilDate(year: 2024, month: m.value, day: d.value) != nil
        {
            return MonthDay(month: m.value, day: d.value, end: d.end, yearNote: yearNote)
        }
        // 12月20至20**年3月20日: the first day of a window without its 日, when a whole date ends it.
        if let d = DocumentScanner.asciiNumber(c, m.end + 1, maxDigits: 2), d.end < c.count, c[d.end] == "至" || c[d.end] == "到",
            (1...31).contains(d.value), CivilDate(year: 2024, month: m.value, day: d.value) != nil,
            let k = Self.connectorEnd(c, d.end), let other = monthDay(c, k), other.day != nil
        {
            return MonthDay(month: m.value, day: d.value, end: d.end, yearNote: yearNote)
        }
        // 2月14-16日, 4月12至13日, (6月19至23): the first day of a short range, without its 日, when the range's
        // last day is whole (its 日, or the bracket the range closes).
        if let d = DocumentScanner.asciiNumber(c, m.end + 1, maxDigits: 2), d.end < c.count, "-－–~～至到".contains(c[d.end]),
            (1...31).contains(d.value), CivilDate(year: 2024, month: m.value, day: d.value) != nil,
            let d2 = DocumentScanner.asciiNumber(c, d.end + 1, maxDigits: 2), d2.end < c.count,
            c[d2.end] == "日" || c[d2.end] == "号" || (c[d2.end] == ")" || c[d2.end] == "）") && d2.value > d.value
        {
            return MonthDay(month: m.value, day: d.value, end: d.end, yearNote: yearNote)
        }
        // A bare month in digits ("7月举办"): the whole month; a bare Chinese month (火红七月) is not read.
        if DocumentScanner.digit(c[j]) != nil {
            if m.end + 1 < c.count, DocumentScanner.digit(c[m.end + 1]) != nil { return nil }
            return MonthDay(month: m.value, day: nil, end: m.end + 1, yearNote: yearNote)
        }
        return nil
    }

    /// `第一、三个周五` at j (after 每月): the weeks listed (two or more) and the weekday, as `monthly 1st fri,3rd fri`;
    /// the index after it.
    static func weekdaysOfWeeks(_ c: [Character], _ j: Int) -> (String, Int)? {
        guard j < c.count, c[j] == "第" else { return nil }
        let ordinals: [Character: String] = ["一": "1st", "二": "2nd", "三": "3rd", "四": "4th", "五": "5th", "1": "1st", "2": "2nd", "3": "3rd", "4": "4th", "5": "5th"]
        let weekdays: [Character: String] = ["一": "mon", "二": "tue", "三": "wed", "四": "thu", "五": "fri", "六": "sat", "日": "sun", "天": "sun"]
        var k = j + 1
        var weeks: [String] = []
        while k < c.count, let o = ordinals[c[k]] {
            weeks.append(o)
            k += 1
            guard k < c.count, c[k] == "、" || c[k] == "和" || c[k] == "及" else { break }
            k += 1
            if k < c.count, c[k] == "第" { k += 1 }
        }
        guard weeks.count >= 2, k < c.count, c[k] == "个" else { return nil }
        k += 1
        if DocumentScanner.matches(c, k, "星期") { k += 2 } else if k < c.count, c[k] == "周" { k += 1 } else { return nil }
        guard k < c.count, let day = weekdays[c[k]] else { return nil }
        return ("monthly " + weeks.map { "\($0) \(day)" }.joined(separator: ","), k + 1)
    }

    static let monthStarters = ScalarSet("0123456789０１２３４５６７８９XxＸｘ×〇零一二两三四五六七八九十廿卅元")

    static func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }

    /// Dashes and tildes of every width a page writes a range with (—, ――, ----, ~, ～, ─).
    static let dashes = ScalarSet("—–―‐‑‒-－~～─━")

    /// A range mark at j, between the two ends of a window: 至 or 到, or a run of up to six dashes or
    /// tildes of any kind (4月18日----4月28日, 20年4月18日――20年4月28日), with the spaces a page left
    /// around it; the index after it.
    static func connectorEnd(_ c: [Character], _ j: Int) -> Int? {
        var k = j
        while k < c.count, k - j < 3, c[k] == " " { k += 1 }
        guard k < c.count else { return nil }
        if c[k] == "至" || c[k] == "到" {
            k += 1
        } else {
            let s = k
            while k < c.count, k - s < 6, dashes.contains(c[k]) { k += 1 }
            guard k > s else { return nil }
        }
        let e = k
        while k < c.count, k - e < 3, c[k] == " " { k += 1 }
        return k
    }

    func dateOrWindow(_ c: [Character], _ i: Int) -> Mention? {
        // 3—4月, 3-4月, 7至8月: whole months.
        if let a = DocumentScanner.asciiNumber(c, i, maxDigits: 2), a.end < c.count, "—-－~～–至到".contains(c[a.end]),
            let b = DocumentScanner.asciiNumber(c, a.end + 1, maxDigits: 2), b.end < c.count, c[b.end] == "月",
            (1...12).contains(a.value), (1...12).contains(b.value), a.value < b.value,
            !(b.end + 1 < c.count && DocumentScanner.digit(c[b.end + 1]) != nil)
        {
            var end = b.end + 1
            if end < c.count, c[end] == "份" { end += 1 }
            return Mention(
                range: i..<end, spelled: String(c[i..<end]), form: .vague, rule: "\(Self.two(a.value))-01..\(Self.two(b.value))-last",
                month: nil, dateSource: "sourced", confidence: 0.8)
        }
        guard let first = monthDay(c, i) else { return nil }
        var unsure: [String] = []
        if let note = first.yearNote { unsure.append(note) }
        let mm = Self.two(first.month)
        var j = first.end
        if let day = first.day {
            // A window: M月D日—M月D日, M月D日至D日; a gloss in brackets may stand between the first day and
            // the mark (2月10日(大年初一)——2月17日(大年初八)).
            var markAt = j
            if let g = gloss(c, j), Self.connectorEnd(c, g) != nil { markAt = g }
            // (开始 or 起 may stand before the mark: 4月23日开始到9月底, 3月1日起至3月31日.)
            for word in ["开始", "起"] where DocumentScanner.matches(c, markAt, Array(word)) && Self.connectorEnd(c, markAt + word.count) != nil {
                markAt += word.count
                break
            }
            if let k = Self.connectorEnd(c, markAt) {
                // 4月23日至9月底, 3月5日至4月中旬: to the end of a later month's part.
                if let second = monthDay(c, k), second.day == nil, second.month != first.month, second.end <= c.count {
                    let part = c[second.end - 1]
                    var endDay: String?
                    if part == "底" || part == "末" || part == "份" { endDay = "last" }
                    if second.end < c.count, c[second.end] == "旬" {
                        endDay = part == "上" ? "10" : part == "中" ? "20" : part == "下" ? "last" : nil
                    }
                    if let e = endDay {
                        let end = second.end < c.count && c[second.end] == "旬" ? second.end + 1 : second.end
                        return Mention(
                            range: i..<end, spelled: String(c[i..<end]), form: .window,
                            rule: "\(mm)-\(Self.two(day))..\(Self.two(second.month))-\(e)", month: first.month,
                            dateSource: "sourced", confidence: 0.85, unsure: unsure)
                    }
                }
                if let second = monthDay(c, k), let d2 = second.day {
                    var u = unsure
                    if let n = second.yearNote, !u.contains(n) { u.append(n) }
                    let rule = "\(mm)-\(Self.two(day))..\(Self.two(second.month))-\(Self.two(d2))"
                    var m = Mention(
                        range: i..<second.end, spelled: String(c[i..<second.end]), form: .window, rule: rule, month: first.month,
                        dateSource: "sourced", confidence: 0.95, unsure: u)
                    deadlineHint(c, second.end, &m)
                    return m
                }
                if let d2 = DocumentScanner.number(c, k, maxDigits: 2), d2.end < c.count, c[d2.end] == "日" || c[d2.end] == "号",
                    d2.value > day, d2.value <= 31
                {
                    let rule = "\(mm)-\(Self.two(day))..\(mm)-\(Self.two(d2.value))"
                    return Mention(
                        range: i..<(d2.end + 1), spelled: String(c[i..<(d2.end + 1)]), form: .window, rule: rule, month: first.month,
                        dateSource: "sourced", confidence: 0.95, unsure: unsure)
                }
                // (6月19至23): a range a bracket closes ends on its last number, 日 or not.
                if let d2 = DocumentScanner.asciiNumber(c, k, maxDigits: 2), d2.end < c.count, c[d2.end] == ")" || c[d2.end] == "）",
                    d2.value > day, d2.value <= 31
                {
                    let rule = "\(mm)-\(Self.two(day))..\(mm)-\(Self.two(d2.value))"
                    return Mention(
                        range: i..<d2.end, spelled: String(c[i..<d2.end]), form: .window, rule: rule, month: first.month,
                        dateSource: "sourced", confidence: 0.9, unsure: unsure)
                }
            }
            // 4月1日5日: a second day written right after the first (its 至 lost) ends a window.
            if let d2 = DocumentScanner.number(c, j, maxDigits: 2), DocumentScanner.digit(c[j]) != nil, d2.end < c.count,
                c[d2.end] == "日", d2.value > day, d2.value <= 31
            {
                return Mention(
                    range: i..<(d2.end + 1), spelled: String(c[i..<(d2.end + 1)]), form: .window,
                    rule: "\(mm)-\(Self.two(day))..\(mm)-\(Self.two(d2.value))", month: first.month,
                    dateSource: "sourced", confidence: 0.8, unsure: unsure)
            }
            // 3月1日3月9日: two days written side by side are a window.
            if let second = monthDay(c, j), let d2 = second.day, second.month * 100 + d2 > first.month * 100 + day {
                return Mention(
                    range: i..<second.end, spelled: String(c[i..<second.end]), form: .window,
                    rule: "\(mm)-\(Self.two(day))..\(Self.two(second.month))-\(Self.two(d2))", month: first.month,
                    dateSource: "sourced", confidence: 0.8, unsure: unsure)
            }
            var m = Mention(
                range: i..<j, spelled: String(c[i..<j]), form: .day, rule: "\(mm)-\(Self.two(day))", month: first.month,
                dateSource: "sourced", confidence: 0.95, unsure: unsure)
            if let (time, end) = timeOfDay(c, j) {
                m.time = time
                m.range = i..<end
                m.spelled = String(c[i..<end])
                j = end
            }
            deadlineHint(c, j, &m)
            return m
        }
        // Month words: 5月份, 6月末/底, 6月初, 上旬/中旬/下旬; 5月至6月.
        var rule: String
        var confidence = 0.8
        var end = j
        func has(_ w: String) -> Bool { DocumentScanner.matches(c, j, w) }
        if c[j - 1] == "份" || (j - 1 >= 0 && c[j - 1] == "月") {
            // 10月XX日, 3月__日: a day left blank in a template is not the whole month.
            var k = j
            while k < c.count, k - j < 3, "Xx×_*＿？?".contains(c[k]) { k += 1 }
            if k > j, k < c.count, c[k] == "日" || c[k] == "号" { return nil }
            rule = "\(mm)-01..\(mm)-last"
            if c[j - 1] == "月" { confidence = 0.6 }
        } else if c[j - 1] == "底" || c[j - 1] == "末" {
            rule = "\(mm)-last"
            unsure.append("“\(String(c[i..<j]))”读作该月最后一天")
            confidence = 0.6
        } else if c[j - 1] == "初" {
            rule = "\(mm)-01..\(mm)-10"
            unsure.append("“\(String(c[i..<j]))”读作该月1日至10日")
            confidence = 0.6
        } else if c[j - 1] == "中", has("下旬") {
            rule = "\(mm)-11..\(mm)-last"
            end = j + 2
        } else if c[j - 1] == "上", has("中旬") {
            rule = "\(mm)-01..\(mm)-20"
            end = j + 2
        } else if c[j - 1] == "中", has("旬") {
            rule = "\(mm)-11..\(mm)-20"
            end = j + 1
        } else if c[j - 1] == "上", has("旬") {
            rule = "\(mm)-01..\(mm)-10"
            end = j + 1
        } else if c[j - 1] == "下", has("旬") {
            rule = "\(mm)-21..\(mm)-last"
            end = j + 1
        } else {
            return nil
        }
        // 5月至6月 / 5月份至6月份 / 9月中旬至10月中旬: a window from the start of the first part to the end of the second.
        if var k = Self.connectorEnd(c, end) {
            // (4月至次年3月: the next year's month, a window across the new year.)
            for next in ["次年", "翌年", "来年", "第二年", "明年"] where DocumentScanner.matches(c, k, Array(next)) { k += next.count }
            if var second = monthDay(c, k), second.day == nil, second.month != first.month {
                let m2 = Self.two(second.month)
                var startDay = "01"
                if let dots = rule.range(of: "..") { startDay = String(rule[rule.index(rule.startIndex, offsetBy: 3)..<dots.lowerBound]) }
                var endDay = "last"
                if second.end < c.count, c[second.end] == "旬" {
                    endDay = c[second.end - 1] == "上" ? "10" : c[second.end - 1] == "中" ? "20" : "last"
                    second.end += 1
                } else if c[second.end - 1] == "初" {
                    endDay = "10"
                }
                let r = "\(mm)-\(startDay)..\(m2)-\(endDay)"
                return Mention(
                    range: i..<second.end, spelled: String(c[i..<second.end]), form: .vague, rule: r, month: nil,
                    dateSource: "sourced", confidence: 0.8, unsure: unsure)
            }
        }
        var m = Mention(
            range: i..<end, spelled: String(c[i..<end]), form: .vague, rule: rule, month: first.month, dateSource: "sourced",
            confidence: confidence, unsure: unsure)
        deadlineHint(c, end, &m)
        return m
    }

    /// "前" right after a date ("8月10日前完成", "年底前"): a deadline on that day.
    func deadlineHint(_ c: [Character], _ j: Int, _ m: inout Mention) {
        // 3月5日前后: the days around it, not a deadline.
        if DocumentScanner.matches(c, j, "前后") {
            // (With a count of days, that many either side: 5月1日前后3天.)
            if m.form == .day, let (days, end) = daysEitherSide(c, j) {
                m.rule += " -\(days)d..+\(days)d"
                m.form = .window
                m.range = m.range.lowerBound..<end
                m.spelled = String(c[m.range])
            } else if m.form == .day {
                m.rule += " -7d..+7d"
                m.form = .window
                m.range = m.range.lowerBound..<(j + 2)
                m.spelled = String(c[m.range])
                m.unsure.append("“\(m.spelled)”没有写天数，草稿取前后7天")
            }
            return
        }
        guard j < c.count, c[j] == "前" || DocumentScanner.matches(c, j, "以前") else { return }
        m.kindHint = "deadline"
        // 5月前完成: before the month, by the last day of the month before (not 5月底前).
        if m.form == .vague, let month = m.month, m.spelled.hasSuffix("月") || m.spelled.hasSuffix("月份"),
            m.rule.hasPrefix("\(Self.two(month))-01..")
        {
            m.rule = "\(Self.two(month == 1 ? 12 : month - 1))-last"
            m.form = .day
            let end = c[j] == "前" ? j + 1 : j + 2
            m.range = m.range.lowerBound..<end
            m.spelled = String(c[m.range])
            return
        }
        if m.form == .vague || m.form == .window, let dots = m.rule.range(of: "..") {
            // The deadline is the end of the span.
            m.rule = String(m.rule[dots.upperBound...])
            m.form = .day
        }
        let end = c[j] == "前" ? j + 1 : j + 2
        m.range = m.range.lowerBound..<end
        m.spelled = String(c[m.range])
    }

    /// 上午10时, 下午3点半, 14:30 right after a date.
    func timeOfDay(_ c: [Character], _ start: Int) -> (String, Int)? {
        var j = start
        while j < c.count, c[j] == " " || c[j] == "\u{3000}" { j += 1 }
        var pm = false
        var noon = false
        for w in ["上午", "早上", "早晨", "中午", "下午", "晚上", "傍晚", "晚"] where DocumentScanner.matches(c, j, w) {
            pm = w == "下午" || w == "晚上" || w == "傍晚" || w == "晚"
            noon = w == "中午"
            j += w.count
            break
        }
        if j < c.count, c[j] == "(" || c[j] == "（" { j += 1 }
        guard let h = DocumentScanner.number(c, j, maxDigits: 2), h.end < c.count else { return nil }
        var hour = h.value
        var minute = 0
        var end: Int
        if c[h.end] == ":" || c[h.end] == "：", let m = DocumentScanner.asciiNumber(c, h.end + 1, maxDigits: 2), m.end - h.end == 3 {
            minute = m.value
            end = m.end
        } else if c[h.end] == "时" || c[h.end] == "点" {
            end = h.end + 1
            if end < c.count, c[end] == "半" {
                minute = 30
                end += 1
            } else if let m = DocumentScanner.number(c, end, maxDigits: 2), m.end < c.count, c[m.end] == "分" {
                minute = m.value
                end = m.end + 1
            }
        } else {
            return nil
        }
        if pm, hour < 12 { hour += 12 }
        // 中午1:00 is 13:00; 中午12点 is noon.
        if noon, hour < 6 { hour += 12 }
        guard (0...23).contains(hour), (0...59).contains(minute) else { return nil }
        return ("\(Self.two(hour)):\(Self.two(minute))", end)
    }

    // MARK: Lunar dates

    static let lunarCharacters = Set("0123456789０１２３４５６７８９年闰正一二三四五六七八九十冬腊廿卅初月最后一天日")

    /// 农历八月十五, 阴历腊月廿三, 农历2025年闰六月初一: read by the rule parser.
    func lunar(_ c: [Character], _ i: Int) -> Mention? {
        // Every form opens with 正, 腊 or 冬 (a month's name) or 农, 阴 (农历, 阴历).
        guard Self.lunarStarters.contains(c[i]) else { return nil }
        if let m = bareLunar(c, i) { return m }
        guard DocumentScanner.matches(c, i, "农历") || DocumentScanner.matches(c, i, "阴历") else { return nil }
        if var m = bareLunar(c, i + 2) {
            m.range = i..<m.range.upperBound
            m.spelled = String(c[m.range])
            return m
        }
        var k = i + 2
        while k < c.count, k - i < 16, Self.lunarCharacters.contains(c[k]) { k += 1 }
        while k > i + 3 {
            let text = "农历" + String(c[(i + 2)..<k])
            if let rule = try? DateRule.parse(text, festivals: catalog) {
                return Mention(
                    range: i..<k, spelled: String(c[i..<k]), form: .day, rule: rule.text, dateSource: "sourced", confidence: 0.9)
            }
            k -= 1
        }
        return nil
    }

    static let lunarMonthNames: [(String, Int)] = [("正月", 1), ("腊月", 12), ("冬月", 11)]
    static let lunarStarters: ScalarSet = ["正", "腊", "冬", "农", "阴"]

    /// 初十, 十五, 廿三, 二十 (a lunar day) at k.
    func lunarDay(_ c: [Character], _ k: Int) -> (day: Int, end: Int)? {
        guard k < c.count else { return nil }
        if c[k] == "初" {
            guard let n = DocumentScanner.chineseNumber(c, k + 1), (1...10).contains(n.value) else { return nil }
            return (n.value, n.end)
        }
        if let n = DocumentScanner.chineseNumber(c, k), (11...30).contains(n.value) { return (n.value, n.end) }
        return nil
    }

    /// 正月初十, 腊月廿三 (lunar month names that need no 农历).
    func lunarMonthDay(_ c: [Character], _ i: Int) -> (month: Int, day: Int, end: Int)? {
        for (name, month) in Self.lunarMonthNames where DocumentScanner.matches(c, i, name) {
            guard let d = lunarDay(c, i + 2) else { return nil }
            var end = d.end
            if end < c.count, c[end] == "日" { end += 1 }
            return (month, d.day, end)
        }
        return nil
    }

    /// 正月初十, 正月初十至十四, 正月初十至正月十六: lunar days and ranges.
    func bareLunar(_ c: [Character], _ i: Int) -> Mention? {
        guard let a = lunarMonthDay(c, i) else { return nil }
        var end = a.end
        var rule = "lunar \(Self.two(a.month))-\(Self.two(a.day))"
        for conn in ["至", "到", "-", "—", "～", "~"] where DocumentScanner.matches(c, end, conn) {
            let k = end + 1
            if let b = lunarMonthDay(c, k) {
                rule += "..lunar \(Self.two(b.month))-\(Self.two(b.day))"
                end = b.end
                break
            }
            if let d = lunarDay(c, k), d.day > a.day {
                rule += "..lunar \(Self.two(a.month))-\(Self.two(d.day))"
                end = d.end
                if end < c.count, c[end] == "日" { end += 1 }
                break
            }
        }
        var m = Mention(
            range: i..<end, spelled: String(c[i..<end]), form: rule.contains("..") ? .window : .day, rule: rule,
            dateSource: "sourced", confidence: 0.9)
        if let (time, tEnd) = timeOfDay(c, end) {
            m.time = time
            m.range = i..<tEnd
            m.spelled = String(c[m.range])
        }
        return m
    }

    /// A gloss in brackets after a date ((农历腊月十六), (周二), (年初一至初三)): the end of it.
    func gloss(_ c: [Character], _ j: Int) -> Int? {
        var k = j
        while k < c.count, c[k] == " " { k += 1 }
        guard k < c.count, c[k] == "(" || c[k] == "（" else { return nil }
        var e = k + 1
        while e < c.count, e - k <= 24, c[e] != ")", c[e] != "）" { e += 1 }
        guard e < c.count, e - k <= 24 else { return nil }
        let inner = String(c[(k + 1)..<e])
        guard ["农历", "阴历", "正月", "腊月", "冬月", "初", "廿", "周", "星期", "年初", "十五"].contains(where: { inner.contains($0) })
        else { return nil }
        return e + 1
    }

    /// 及前后两天, 前后3天 after a day: the number of days either side (1 to 15) and where the phrase ends.
    func daysEitherSide(_ c: [Character], _ j: Int) -> (Int, Int)? {
        var k = j
        // (A bracket between them glosses the day: 4月4日(清明节当天)及前后两天.)
        if k < c.count, c[k] == "(" || c[k] == "（", let close = c[k...].prefix(14).firstIndex(where: { $0 == ")" || $0 == "）" }) { k = close + 1 }
        if k < c.count, "及和".contains(c[k]) { k += 1 }
        guard DocumentScanner.matches(c, k, "前后") else { return nil }
        k += 2
        let n: (value: Int, end: Int)?
        if k < c.count, c[k] == "两" { n = (2, k + 1) } else { n = DocumentScanner.number(c, k, maxDigits: 2) }
        guard let (days, end) = n, (1...15).contains(days), end < c.count, c[end] == "天" || c[end] == "日" else { return nil }
        return (days, end + 1)
    }

    static let dottedFollowers = [
        "学雷锋", "植树", "读书", "世界", "国际", "全国", "中国", "消费者", "志愿", "妇女", "青年", "儿童", "教师", "护士", "劳动",
        "国家", "全民", "纪念", "活动", "主题", "宣传",
    ]

    /// 4·23世界读书日, 3·5学雷锋, 3.5学雷锋: a month and day written with a dot.
    func dottedDate(_ c: [Character], _ i: Int) -> Mention? {
        guard let m = DocumentScanner.asciiNumber(c, i, maxDigits: 2), m.end < c.count, (1...12).contains(m.value) else { return nil }
        let dot = c[m.end]
        if dot == "/" { return slashWindow(c, i) }
        guard dot == "·" || dot == "." || dot == "•" || dot == "・" else { return nil }
        if i > 0, c[i - 1] == "." || c[i - 1] == "·" { return nil }
        guard let d = DocumentScanner.asciiNumber(c, m.end + 1, maxDigits: 2), (1...31).contains(d.value), d.end < c.count,
            d.end - m.end <= 3, CivilDate(year: 2024, month: m.value, day: d.value) != nil
        else { return nil }
        // 3.9-3.15 alone in a cell (a week table flattened to one cell per line): a window of written days.
        if d.end + 1 < c.count, "-—–~～至".contains(c[d.end]), c[..<i].allSatisfy({ $0 == " " }),
            let m2 = DocumentScanner.asciiNumber(c, d.end + 1, maxDigits: 2), m2.end < c.count, c[m2.end] == dot, (1...12).contains(m2.value),
            let d2 = DocumentScanner.asciiNumber(c, m2.end + 1, maxDigits: 2), c[d2.end...].allSatisfy({ $0 == " " }),
            CivilDate(year: 2024, month: m2.value, day: d2.value) != nil, (m2.value, d2.value) > (m.value, d.value)
        {
            return Mention(
                range: i..<d2.end, spelled: String(c[i..<d2.end]), form: .window,
                rule: "\(Self.two(m.value))-\(Self.two(d.value))..\(Self.two(m2.value))-\(Self.two(d2.value))",
                month: m.value, dateSource: "sourced", confidence: 0.8)
        }
        var k = d.end
        // “6.16”安全月“咨询日”活动, “12.1”: a month and day alone inside their own quotes name a day, whatever follows.
        let quotedAlone = i > 0 && (c[i - 1] == "“" || c[i - 1] == "\"") && (c[k] == "”" || c[k] == "\"")
        if c[k] == "”" || c[k] == "\"" { k += 1 }
        // (3.8 妇女节, 4.22 世界地球日: a space after a date that opens its line, in a list of days one a line.)
        var spaced = false
        if k < c.count, c[k] == " " || c[k] == "\u{3000}", c[..<i].allSatisfy({ $0 == " " || $0 == "|" || $0 == "｜" }) {
            while k < c.count, c[k] == " " || c[k] == "\u{3000}" { k += 1 }
            spaced = true
        }
        guard k < c.count, DocumentScanner.isHan(c[k]) else { return nil }
        if dot == ".", !quotedAlone || spaced {
            // 1.2 工作目标, 2.2万平方米: a dotted date only before the name of a day or an activity.
            guard Self.dottedFollowers.contains(where: { DocumentScanner.matches(c, k, $0) }) || festival(c, k) != nil
            else { return nil }
        } else if "万亿千百元米平公吨个倍岁".contains(c[k]) {
            return nil
        }
        return Mention(
            range: i..<d.end, spelled: String(c[i..<d.end]), form: .day, rule: "\(Self.two(m.value))-\(Self.two(d.value))",
            month: m.value, dateSource: "sourced", confidence: 0.85)
    }

    /// A day or a window written month/day, as a school calendar of Taiwan writes them: 2/15 開學日, 11/11-11/15 國習,
    /// 4/11~13 新生報到. It opens its cell (after a space, a mark, an enumerator or the line's start) and words follow it
    /// (after spaces); not inside a word, a path, a fraction (比例1/2) or a longer date (2024/11/11).
    func slashWindow(_ c: [Character], _ i: Int) -> Mention? {
        if i > 0, "/-~～至".contains(c[i - 1]) || c[i - 1].isLetter || c[i - 1].isNumber || DocumentScanner.isHan(c[i - 1]) { return nil }
        guard let m = DocumentScanner.asciiNumber(c, i, maxDigits: 2), m.end < c.count, c[m.end] == "/",
            let d = DocumentScanner.asciiNumber(c, m.end + 1, maxDigits: 2), (1...12).contains(m.value),
            CivilDate(year: 2024, month: m.value, day: d.value) != nil
        else { return nil }
        func followedByWords(_ end: Int) -> Bool {
            guard end == c.count || c[end] != "/" && DocumentScanner.digit(c[end]) == nil else { return false }
            var k = end
            while k < c.count, c[k] == " " || c[k] == "\u{3000}" { k += 1 }
            return k < c.count && DocumentScanner.isHan(c[k])
        }
        let rule = "\(Self.two(m.value))-\(Self.two(d.value))"
        if d.end < c.count, "-~～至".contains(c[d.end]), let n = DocumentScanner.asciiNumber(c, d.end + 1, maxDigits: 2) {
            // 11/11-11/15: a second month/day; 4/11~13: a second day of the same month.
            if n.end < c.count, c[n.end] == "/", let d2 = DocumentScanner.asciiNumber(c, n.end + 1, maxDigits: 2),
                (1...12).contains(n.value), CivilDate(year: 2024, month: n.value, day: d2.value) != nil,
                (m.value, d.value) != (n.value, d2.value), followedByWords(d2.end) || d2.end == c.count || c[d2.end] == " "
            {
                return Mention(
                    range: i..<d2.end, spelled: String(c[i..<d2.end]), form: .window,
                    rule: "\(rule)..\(Self.two(n.value))-\(Self.two(d2.value))", month: m.value, dateSource: "sourced", confidence: 0.8)
            }
            if n.value > d.value, CivilDate(year: 2024, month: m.value, day: n.value) != nil, followedByWords(n.end) {
                return Mention(
                    range: i..<n.end, spelled: String(c[i..<n.end]), form: .window,
                    rule: "\(rule)..\(Self.two(m.value))-\(Self.two(n.value))", month: m.value, dateSource: "sourced", confidence: 0.8)
            }
            return nil
        }
        // (A day alone opens its line or cell, after a point's number at most: 1. 2/15 開學日, not 约 1/3 的居民.)
        let before = String(c[..<i]).trimmingSpaces()
        let opens = before.isEmpty || before.hasSuffix("|") || before.hasSuffix("｜")
            || before.count <= 3 && before.dropLast().allSatisfy({ $0.isASCII && $0.isNumber }) && ".、．)）".contains(before.last ?? " ")
        guard opens, followedByWords(d.end) else { return nil }
        return Mention(
            range: i..<d.end, spelled: String(c[i..<d.end]), form: .day, rule: rule, month: m.value, dateSource: "sourced", confidence: 0.85)
    }

    /// 学雷锋活动月, 学雷锋志愿服务月: the campaign month of 学雷锋 is March.
    func campaignMonth(_ c: [Character], _ i: Int) -> Mention? {
        guard c[i] == "学", DocumentScanner.matches(c, i, "学雷锋") else { return nil }
        for tail in ["志愿服务月", "活动月", "月", "志愿服务主题月", "主题月"] where DocumentScanner.matches(c, i + 3, tail) {
            let end = i + 3 + tail.count
            return Mention(
                range: i..<end, spelled: String(c[i..<end]), form: .vague, rule: "03-01..03-last", month: 3, dateSource: "chosen",
                confidence: 0.6, unsure: ["“\(String(c[i..<end]))”读作3月"], kindHint: "campaign-name")
        }
        return nil
    }

    // MARK: Parts of the year

    func yearPart(_ c: [Character], _ i: Int) -> Mention? {
        // Every part starts with 年, 上 or 下: most positions are none of them.
        guard c[i] == "年" || c[i] == "上" || c[i] == "下" else { return nil }
        let parts: [(String, String, String)] = [
            ("年初", "01-01..01-last", "“年初”读作1月"),
            ("年底", "12-01..12-last", "“年底”读作12月"),
            ("年末", "12-01..12-last", "“年末”读作12月"),
            ("上半年", "01-01..06-last", ""),
            ("下半年", "07-01..12-last", ""),
        ]
        for (word, rule, note) in parts where DocumentScanner.matches(c, i, word) {
            // 大年初一, 大年初三: a day of the lunar new year, not January.
            if word == "年初", i + 2 < c.count, let d = DocumentScanner.chineseDigits[c[i + 2]], d >= 1 || c[i + 2] == "十" {
                guard i > 0, c[i - 1] == "大" else { return nil }
                let day = c[i + 2] == "十" ? 10 : d
                // 大年初一至初三, 大年初四至初六, 大年初一到正月初七: a window of the new year's days.
                if let k = Self.connectorEnd(c, i + 3) {
                    var l = k
                    if DocumentScanner.matches(c, l, "大年") || DocumentScanner.matches(c, l, "正月") { l += 2 }
                    if let e = lunarDay(c, l), e.day > day, e.day <= 15 {
                        return Mention(
                            range: (i - 1)..<e.end, spelled: String(c[(i - 1)..<e.end]), form: .window,
                            rule: "lunar 01-\(Self.two(day))..lunar 01-\(Self.two(e.day))", month: nil,
                            dateSource: "sourced", confidence: 0.9, unsure: [])
                    }
                }
                return Mention(
                    range: (i - 1)..<(i + 3), spelled: String(c[(i - 1)..<(i + 3)]), form: .day, rule: "lunar 01-\(Self.two(day))", month: nil,
                    dateSource: "sourced", confidence: 0.9, unsure: [])
            }
            // "新年初", "周年末" are other words; "XX年初" is a year followed by 初 only when a digit precedes.
            // 岁末年初 is the turn of the year, not January.
            if i > 0, c[i - 1] == "新" || c[i - 1] == "周" || c[i - 1] == "末" || c[i - 1] == "每" && word.count == 2 { return nil }
            // "上半年工作总结和下半年工作计划": the period a report covers names the document, not an item.
            let after = String(c[(i + word.count)..<min(c.count, i + word.count + 4)])
            if Self.reportNames.contains(where: { after.hasPrefix($0) }) { return nil }
            var m = Mention(
                range: i..<(i + word.count), spelled: word, form: .vague, rule: rule, month: nil, dateSource: "sourced",
                confidence: word.count == 3 ? 0.8 : 0.6, unsure: note.isEmpty ? [] : [note])
            deadlineHint(c, i + word.count, &m)
            return m
        }
        return nil
    }

    /// What follows a part of the year in the name of a report over it (上半年工作总结, 下半年工作计划).
    static let reportNames = ["工作总结", "工作计划", "工作小结", "工作汇报", "工作要点", "工作情况", "总结", "小结"]

    // MARK: Recurrences

    static let weekdayDays: [Int: String] = [1: "mon", 2: "tue,fri", 3: "mon,wed,fri", 4: "mon,tue,thu,fri", 5: "mon..fri"]

    func recurrence(_ c: [Character], _ i: Int) -> Mention? {
        if DocumentScanner.matches(c, i, "日查"), i + 2 < c.count {
            var j = i + 2
            if c[j] == "、" || c[j] == "和" || c[j] == "," || c[j] == "，" { j += 1 }
            if DocumentScanner.matches(c, j, "夜查") {
                return Mention(
                    range: i..<(j + 2), spelled: String(c[i..<(j + 2)]), form: .recurrence, rule: "daily 09:00,21:00",
                    dateSource: "chosen", confidence: 0.5, unsure: ["日查、夜查的时间为草拟（09:00、21:00），请按实际安排"],
                    kindHint: "recurring-check")
            }
        }
        guard c[i] == "每" else { return nil }
        for (word, per, unit) in [("每周", "week", "周"), ("每月", "month", "月"), ("每季度", "quarter", "季度"), ("每天", "day", "天"), ("每日", "day", "日")]
        where DocumentScanner.matches(c, i, word) {
            var j = i + word.count
            for q in ["不少于", "至少", "不低于", "不得少于", "最少"] where DocumentScanner.matches(c, j, q) {
                j += q.count
                break
            }
            if let n = DocumentScanner.number(c, j, maxDigits: 2), n.end < c.count, c[n.end] == "次" || c[n.end] == "回" {
                let count = n.value
                let rule: String
                switch per {
                case "week": rule = count <= 5 ? "weekly \(Self.weekdayDays[count] ?? "mon")" : "daily"
                case "month": rule = count == 1 ? "monthly 15" : count == 2 ? "monthly 1,15" : count == 3 ? "monthly 1,11,21" : "weekly mon"
                case "quarter": rule = "monthly 1 interval 3 from \(year)-01-01"
                default: rule = count <= 1 ? "daily" : "daily 09:00,15:00"
                }
                let spelled = String(c[i..<(n.end + 1)])
                return Mention(
                    range: i..<(n.end + 1), spelled: spelled, form: .recurrence, rule: rule, dateSource: "chosen",
                    confidence: 0.5,
                    unsure: ["原文“\(spelled)”只给次数，检查日为草拟（\(rule)），请按实际安排"], kindHint: "recurring-check",
                    quota: (count, per))
            }
            // 每月第一、三个周五: one weekday of several weeks of the month.
            if per == "month", let (rule, end) = Self.weekdaysOfWeeks(c, i + word.count) {
                return Mention(
                    range: i..<end, spelled: String(c[i..<end]), form: .recurrence, rule: rule, dateSource: "sourced",
                    confidence: 0.9, kindHint: nil)
            }
            // 每月第四周的周六, 每季度第三周的周六: the weekday of the month's (the quarter's first month's) Nth week.
            if per == "month" || per == "quarter", let (nth, end) = nthWeeksWeekday(c, i + word.count),
                let rule = try? DateRule.parse("每月" + nth, festivals: catalog)
            {
                return Mention(
                    range: i..<end, spelled: String(c[i..<end]), form: .recurrence,
                    rule: per == "quarter" ? rule.text + " interval 3 from \(year)-01-01" : rule.text, dateSource: "sourced",
                    confidence: 0.8, kindHint: nil)
            }
            if per == "week" || per == "month" {
                // 每周二、五 / 每月1日、15日 / 每月第二个周二: the rule parser reads these.
                var k = i + word.count
                let allowed = Set("一二三四五六日天七八九十0123456789０１２３４５６７８９、和至及周星期号第个最后工作")
                while k < c.count, allowed.contains(c[k]) { k += 1 }
                while k > i + word.count {
                    let text = String(c[i..<k])
                    if let rule = try? DateRule.parse(text, festivals: catalog) {
                        return Mention(
                            range: i..<k, spelled: text, form: .recurrence, rule: rule.text, dateSource: "sourced",
                            confidence: 0.9, kindHint: nil)
                    }
                    k -= 1
                }
                return nil
            }
            if per == "quarter" {
                // 每季度末: the last day of each quarter.
                if DocumentScanner.matches(c, i + word.count, "末") || DocumentScanner.matches(c, i + word.count, "最后")
                    || DocumentScanner.matches(c, i + word.count, "底")
                {
                    let end = i + word.count + (c[i + word.count] == "最" ? 2 : 1)
                    return Mention(
                        range: i..<end, spelled: String(c[i..<end]), form: .recurrence,
                        rule: "monthly last interval 3 from \(year)-03-01", dateSource: "sourced", confidence: 0.8,
                        unsure: [], quota: (1, "quarter"))
                }
                return Mention(
                    range: i..<(i + word.count), spelled: word, form: .recurrence, rule: "monthly 1 interval 3 from \(year)-01-01",
                    dateSource: "chosen", confidence: 0.5, unsure: ["“每季度”读作每季度首日（1、4、7、10月1日）"],
                    quota: (1, "quarter"))
            }
            if per == "day" {
                // 每一天 in a slogan, 每日一 (每日一题) are not recurrences.
                if i + 2 < c.count, c[i + 2] == "一" { return nil }
                return Mention(
                    range: i..<(i + 2), spelled: word, form: .daily, rule: "daily", dateSource: "sourced", confidence: 0.7,
                    kindHint: nil)
            }
            _ = unit
        }
        return nil
    }

    /// `第N周的周X` (also 第N周周X, 第N周星期X) at j: the `第N个周X` the rule parser reads, and where the words end.
    func nthWeeksWeekday(_ c: [Character], _ j: Int) -> (String, Int)? {
        guard j + 4 < c.count, c[j] == "第", "一二三四五1234".contains(c[j + 1]), c[j + 2] == "周" else { return nil }
        var k = j + 3
        if c[k] == "的" { k += 1 }
        if DocumentScanner.matches(c, k, "星期") { k += 2 } else if k < c.count, c[k] == "周" { k += 1 } else { return nil }
        guard k < c.count, "一二三四五六日天".contains(c[k]) else { return nil }
        let n = c[j + 1].isASCII ? ["1": "一", "2": "二", "3": "三", "4": "四", "5": "五"][String(c[j + 1])] ?? "" : String(c[j + 1])
        return ("第\(n)个周\(c[k])", k + 1)
    }

    // MARK: Festivals and holiday periods

    static let openers: Set<Character> = ["“", "「", "庆", "迎", "过", "度", "闹"]

    func festival(_ c: [Character], _ i: Int) -> Mention? {
        // Names start with a Han character; looking a Character up in a dictionary costs a hash.
        guard DocumentScanner.isHan(c[i]) else { return nil }
        for entry in festivalNames[c[i]] ?? [] where DocumentScanner.matches(c, i, entry.chars) {
            var j = i + entry.chars.count
            if i > 0, c[i - 1] == "第" { return nil }
            if j < c.count, c[j] == "”" || c[j] == "」" { j += 1 }
            let name = String(entry.chars)
            if entry.ambiguous {
                let before = i > 0 && Self.openers.contains(c[i - 1])
                let after = j < c.count
                    && (c[j] == "节" || c[j] == "假" || ["期间", "前夕", "前后", "节前", "节后"].contains { DocumentScanner.matches(c, j, $0) })
                let digitsAround = (i > 0 && DocumentScanner.digit(c[i - 1]) != nil) || (j < c.count && DocumentScanner.digit(c[j]) != nil)
                if !(before || after) || digitsAround { continue }
            }
            // 建党90周年, 五四运动92周年: an anniversary, the occasion of activities rather than a date.
            var k = j
            while k < c.count, DocumentScanner.digit(c[k]) != nil || DocumentScanner.chineseDigits[c[k]] != nil || "十百".contains(c[k]) {
                k += 1
            }
            if DocumentScanner.matches(c, k, "周年") { return nil }
            // 做元宵, 热闹的春节: food or a description; 春节联欢晚会, 元宵节特色民俗活动: a name.
            if i > 0, "做吃包煮的".contains(c[i - 1]) { return nil }
            // 手作元宵, 煮好元宵, 送元宵, 品尝元宵: 元宵 without 节 after a word of making or giving is food.
            if name == "元宵", i > 0, "作好送搓滚尝碗份盘".contains(c[i - 1]), !(j < c.count && c[j] == "节") { return nil }
            let after = j < c.count && c[j] == "节" && !name.hasSuffix("节") ? j + 1 : j
            if Self.modifierWords.contains(where: { DocumentScanner.matches(c, after, $0) }) { return nil }
            if !name.hasSuffix("节"), j < c.count, c[j] == "节", !DocumentScanner.matches(c, j, "节假"),
                !DocumentScanner.matches(c, j, "节前"), !DocumentScanner.matches(c, j, "节后"),
                !DocumentScanner.matches(c, j, "节日")
            {
                j += 1
            }
            // 春节、元宵期间 / 国庆、元旦、春节等节假日: the suffix of the list belongs to each name in it.
            // 春节、元宵期间 / 元旦、春节期间: two festivals sharing 期间 are one season, from the first to the second.
            if j < c.count, "、和及与".contains(c[j]), j + 1 < c.count,
                let second = (festivalNames[c[j + 1]] ?? []).first(where: { DocumentScanner.matches(c, j + 1, $0.chars) }),
                second.festival.id != entry.festival.id
            {
                var k = j + 1 + second.chars.count
                if k < c.count, c[k] == "节", !String(second.chars).hasSuffix("节") { k += 1 }
                if DocumentScanner.matches(c, k, "期间") {
                    let end = k + 2
                    let a = canonicalFestivalName(entry.festival)
                    let b = canonicalFestivalName(second.festival)
                    let spelled = String(c[i..<end])
                    return Mention(
                        range: i..<end, spelled: spelled, form: .holiday, rule: "\(a)..\(b)", dateSource: "sourced", confidence: 0.6,
                        unsure: ["“\(spelled)”读作\(a)至\(b)"], kindHint: "festival", festival: entry.festival)
                }
            }
            if j < c.count, "、和及与".contains(c[j]), let chainEnd = festivalListEnd(c, j) {
                if var m = festivalSuffix(c, start: i, after: chainEnd, festival: entry.festival, name: name), m.form != .festival {
                    m.range = i..<j
                    m.spelled = String(c[i..<j])
                    return m
                }
            }
            return festivalSuffix(c, start: i, after: j, festival: entry.festival, name: name)
        }
        return nil
    }

    /// After "、" in a list of festival names: where the last name ends (and 等 after it).
    func festivalListEnd(_ c: [Character], _ j: Int) -> Int? {
        var k = j
        var end: Int?
        while k < c.count, "、和及与".contains(c[k]) {
            let start = k + 1
            guard start < c.count, let entry = (festivalNames[c[start]] ?? []).first(where: { DocumentScanner.matches(c, start, $0.chars) })
            else { break }
            k = start + entry.chars.count
            if k < c.count, c[k] == "节", !String(entry.chars).hasSuffix("节") { k += 1 }
            end = k
        }
        guard var e = end else { return nil }
        if e < c.count, c[e] == "等" { e += 1 }
        return e
    }

    static let modifierWords = ["联欢", "晚会", "特色", "民俗", "文艺", "系列", "佳节", "气氛", "氛围", "习俗", "传统", "文化节", "活动方案", "诗词", "时节"]

    func canonicalFestivalName(_ f: Festival) -> String {
        (try? DateRule.parse(f.chineseName, festivals: catalog))?.text ?? f.chineseName
    }

    /// 放假期间, 节日期间, 节假日期间 without a festival's name before it, in a notice about one festival:
    /// that festival's break.
    func unnamedBreak(_ c: [Character], _ i: Int) -> Mention? {
        guard let f = documentFestival, c[i] == "放" || c[i] == "节" || c[i] == "假" else { return nil }
        guard ["放假期间", "节日期间", "节假日期间", "假期期间", "假期内"].contains(where: { DocumentScanner.matches(c, i, $0) }) else { return nil }
        // (After a festival's name it is that festival's: 春节放假期间 is read by festival(c:i:).)
        if i > 0, DocumentScanner.isHan(c[i - 1]), !"在的,，、。；;：:".contains(c[i - 1]) { return nil }
        return festivalSuffix(c, start: i, after: i, festival: f, name: f.chineseName)
    }

    func festivalSuffix(_ c: [Character], start i: Int, after j0: Int, festival f: Festival, name: String) -> Mention? {
        func has(_ w: String, at k: Int) -> Bool { DocumentScanner.matches(c, k, w) }
        // 春节等节假日: the suffix after 等.
        var j = j0
        if j < c.count, c[j] == "等", ["节假日", "假期", "节日期间", "期间", "假日", "节前", "节后"].contains(where: { has($0, at: j + 1) }) {
            j += 1
        }
        let fname = canonicalFestivalName(f)
        let official = f.officialHoliday != nil
        let kindHint = f.category == .traditional || f.category == .solarTerm || official ? "festival" : "commemoration"
        func mention(_ end: Int, _ form: Mention.Form, _ rule: String, _ source: String, _ conf: Double, _ unsure: [String])
            -> Mention
        {
            Mention(
                range: i..<end, spelled: String(c[i..<end]), form: form, rule: rule, dateSource: source, confidence: conf,
                unsure: unsure, kindHint: kindHint, festival: f)
        }
        // Around the festival: 春节前后, 春节前后7天, 春节前后期间.
        if has("前后", at: j) {
            var end = j + 2
            var days = 7
            var unsure = ["“\(name)前后”没有写天数，草稿取前后7天"]
            if let n = DocumentScanner.number(c, end, maxDigits: 2), n.end < c.count, c[n.end] == "天" || c[n.end] == "日" {
                days = n.value
                end = n.end + 1
                unsure = []
            }
            if has("期间", at: end) { end += 2 }
            return mention(end, .holiday, "\(fname) -\(days)d..+\(days)d", unsure.isEmpty ? "sourced" : "chosen",
                unsure.isEmpty ? 0.85 : 0.5, unsure)
        }
        // Before or after the official break.
        for w in ["节假日前", "假期前", "放假前", "假日前", "长假前", "节前", "前夕"] where has(w, at: j) {
            let end = j + w.count
            if w == "前夕" { return mention(end, .holiday, "\(fname) -1d", "sourced", 0.7, []) }
            if official && hasHolidayTable {
                return mention(end, .holiday, "holiday \(fname) start -1wd", "official", 0.75, ["“\(name)\(w)”读作放假前最后一个工作日"])
            }
            return mention(end, .holiday, "\(fname) -1wd", "chosen", 0.5, ["“\(name)\(w)”读作节前一个工作日（\(year)年没有放假安排表）"])
        }
        // 中秋节前慰问, 春节前: 前 after a festival's name with 节 and no number (not 前3天, 前后, 前夕).
        if name.hasSuffix("节"), has("前", at: j), !has("前后", at: j), !has("前夕", at: j), DocumentScanner.number(c, j + 1, maxDigits: 2) == nil {
            let end = j + 1
            if official && hasHolidayTable {
                return mention(end, .holiday, "holiday \(fname) start -1wd", "official", 0.75, ["“\(name)前”读作放假前最后一个工作日"])
            }
            if official { return mention(end, .holiday, "\(fname) -1wd", "chosen", 0.5, ["“\(name)前”读作节前一个工作日（\(year)年没有放假安排表）"]) }
            return mention(end, .holiday, "\(fname) -1d", "chosen", 0.5, ["“\(name)前”没有写天数，草稿取前一天"])
        }
        for w in ["节假日后", "假期后", "收假后", "假日后", "长假后", "节后"] where has(w, at: j) {
            let end = j + w.count
            if official && hasHolidayTable {
                return mention(end, .holiday, "holiday \(fname) end +1wd", "official", 0.75, ["“\(name)\(w)”读作收假后第一个工作日"])
            }
            return mention(end, .holiday, "\(fname) +1wd", "chosen", 0.5, ["“\(name)\(w)”读作节后一个工作日（\(year)年没有放假安排表）"])
        }
        // 前3天, 后2个工作日.
        for (w, sign) in [("前", "-"), ("后", "+")] where has(w, at: j) {
            if let n = DocumentScanner.number(c, j + 1, maxDigits: 2), n.end < c.count {
                if c[n.end] == "天" || c[n.end] == "日" {
                    return mention(n.end + 1, .holiday, "\(fname) \(sign)\(n.value)d", "sourced", 0.85, [])
                }
                if has("个工作日", at: n.end) {
                    return mention(n.end + 4, .holiday, "\(fname) \(sign)\(n.value)wd", "sourced", 0.85, [])
                }
                // 春节前一周, 节后两个星期: weeks.
                for w in ["周", "个星期", "星期", "个礼拜"] where has(w, at: n.end) {
                    return mention(n.end + w.count, .holiday, "\(fname) \(sign)\(7 * n.value)d", "sourced", 0.8, [])
                }
            }
        }
        // The break itself: 春节期间, 国庆假期, 中秋节假日.
        for w in ["节假日期间", "假日期间", "放假期间", "节日期间", "节期间", "期间", "假期", "节假日", "假日", "长假", "黄金周"] where has(w, at: j) {
            let end = j + w.count
            if official && hasHolidayTable {
                return mention(end, .holiday, "holiday \(fname)", "official", 0.8, [])
            }
            if official {
                let span = f.id == "spring-festival" || f.id == "national-day" ? "-1d..+6d" : "-1d..+1d"
                return mention(end, .holiday, "\(fname) \(span)", "chosen", 0.5, ["\(year)年没有放假安排表，“\(name)\(w)”暂按\(fname) \(span)"])
            }
            return mention(end, .holiday, "\(fname) -3d..+3d", "chosen", 0.5, ["\(fname)没有法定假期，“\(name)\(w)”暂按前后3天"])
        }
        return mention(j, .festival, fname, "official", 0.8, [])
    }
}
