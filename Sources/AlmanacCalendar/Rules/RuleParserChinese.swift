/// The natural Chinese spellings the parser accepts. Each reads into the same syntax tree as its
/// canonical form, so `DateRule.text` never depends on how a rule was written.
///
///     9月20日—10月10日   →  09-20..10-10        每周二、五   →  weekly tue,fri
///     2026年5月1日       →  2026-05-01          每天9:00     →  daily 09:00
///     5月份              →  05-01..05-last      每月最后一天 →  monthly last
///     年初               →  01-01..01-last      每月第二个周二 → monthly 2nd tue
extension RuleParser {
    /// A Chinese spelling of a whole base (每周…, 每天, 每月…, 年初, 5月份), or `nil` when `t`
    /// is not one.
    mutating func parseChineseBase(_ t: RuleToken) throws(RuleParseError) -> RuleBase? {
        let w = t.text
        // Every spelling below has a Chinese character in it: a word of ASCII alone (05-01) is none.
        if w.utf8.allSatisfy({ $0 < 0x80 }) { return nil }
        if w.hasPrefix("每周不少于") || w.hasPrefix("每周至少") {
            throw error(
                .unexpected,
                "'\(w)' does not say on which days: name them, e.g. 'weekly tue,fri' (每周二、五)", at: t)
        }
        for prefix in ["每个星期", "每星期", "每礼拜", "每周"] where w.hasPrefix(prefix) {
            pos += 1
            return .weekly(try chineseWeekdays(String(w.dropFirst(prefix.count)), token: t))
        }
        for prefix in ["每天", "每日"] where w.hasPrefix(prefix) {
            pos += 1
            let rest = w.dropFirst(prefix.count)
            if !rest.isEmpty {
                guard let time = TimeOfDay(rest) else {
                    throw error(.unexpected, "'\(rest)' after '\(prefix)' is not a time of day (HH:MM)", at: t)
                }
                pendingTimes.append(time)
            }
            return .daily
        }
        if let holidayBase = try chineseHolidayPhrase(t) {
            pos += 1
            return holidayBase
        }
        if let relative = try chineseFestivalOffset(t) {
            pos += 1
            return relative
        }
        if w.hasPrefix("每月") {
            pos += 1
            var specs = [try chineseMonthDay(String(w.dropFirst(2)), token: t)]
            while current?.kind == .comma, let n = peek(1), n.kind == .word, !n.text.contains(":") {
                pos += 2
                let spec = try chineseMonthDay(n.text, token: n)
                if !specs.contains(spec) { specs.append(spec) }
            }
            return .monthly(specs)
        }
        if let (m1, m2) = Self.yearParts[w] {
            pos += 1
            return .window(
                Point(anchor: .monthDay(month: m1, day: .day(1))),
                Point(anchor: .monthDay(month: m2, day: .last)), endRelative: false)
        }
        // 5月份 / 十一月份 / 5月: the whole month, every year.
        var monthWord = Substring(w)
        if monthWord.hasPrefix("每年") { monthWord = monthWord.dropFirst(2) }
        if monthWord.hasSuffix("月份") || (monthWord.hasSuffix("月") && !monthWord.dropLast().contains("月")) {
            let number = monthWord.hasSuffix("月份") ? monthWord.dropLast(2) : monthWord.dropLast()
            if let m = chineseNumber(number) {
                guard (1...12).contains(m) else {
                    throw error(.invalidDate, "month \(m) does not exist", at: t)
                }
                pos += 1
                return .window(
                    Point(anchor: .monthDay(month: m, day: .day(1))),
                    Point(anchor: .monthDay(month: m, day: .last)), endRelative: false)
            }
        }
        return nil
    }

    /// 年初, 年底, 上半年: the months of the window.
    static let yearParts: [String: (Int, Int)] = ["年初": (1, 1), "年底": (12, 12), "年末": (12, 12), "上半年": (1, 6), "下半年": (7, 12)]

    /// `二`, `二和周五`, `一至周五` (after 每周), then `、五`, `、周五` as further tokens.
    mutating func chineseWeekdays(_ rest: String, token t: RuleToken) throws(RuleParseError) -> [Weekday] {
        var days: [Weekday] = []
        func add(_ part: Substring, _ tok: RuleToken) throws(RuleParseError) {
            let rangeParts = part.split(whereSeparator: { $0 == "至" || $0 == "到" })
            if rangeParts.count == 2, let a = RuleParser.weekday(String(rangeParts[0])),
                let b = RuleParser.weekday(String(rangeParts[1]))
            {
                days += Weekday.range(from: a, through: b)
                return
            }
            guard let day = RuleParser.weekday(String(part)) else {
                throw error(.unexpected, "'\(part)' is not a weekday (一 二 三 四 五 六 日)", at: tok)
            }
            days.append(day)
        }
        guard !rest.isEmpty else {
            throw error(.incomplete, "'\(t.text)' needs the weekdays, e.g. 每周二、五", at: t)
        }
        for part in rest.split(whereSeparator: { $0 == "和" || $0 == "及" || $0 == "与" }) {
            try add(part, t)
        }
        while current?.kind == .comma, let n = peek(1), n.kind == .word, RuleParser.weekday(n.text) != nil {
            pos += 2
            try add(Substring(n.text), n)
        }
        return Array(Set(days)).sorted { $0.rawValue < $1.rawValue }
    }

    /// After 每月: `1日`, `15号`, `最后一天`, `月底`, `第二个周二`, `最后一个周五`.
    func chineseMonthDay(_ text: String, token t: RuleToken) throws(RuleParseError) -> MonthDaySpec {
        if ["最后一天", "月底", "月末", "末"].contains(text) { return .lastDay }
        if text == "最后一个工作日" { return .workingDay(-1) }
        if text.hasPrefix("第"), text.hasSuffix("个工作日"),
            let n = chineseNumber(text.dropFirst().dropLast(4)), (1...23).contains(n)
        {
            return .workingDay(n)
        }
        var s = Substring(text)
        if s.hasSuffix("日") || s.hasSuffix("号") {
            if let d = chineseNumber(s.dropLast()) {
                guard (1...31).contains(d) else {
                    throw error(.invalidDate, "a month has no day \(d)", at: t)
                }
                return .day(d)
            }
        }
        var n: Int?
        if s.hasPrefix("最后一个") {
            n = -1
            s = s.dropFirst(4)
        } else if s.hasPrefix("第"), let ge = s.firstIndex(of: "个") {
            n = chineseNumber(s[s.index(after: s.startIndex)..<ge])
            s = s[s.index(after: ge)...]
        }
        if let n, (1...5).contains(n) || n == -1, let day = RuleParser.weekday(String(s)) {
            return .weekday(n, day)
        }
        throw error(.unexpected, "'\(text)' is not a day of the month (1日, 最后一天, 第二个周二)", at: t)
    }

    /// `2026年5月1日`, `9月20日`, `9月20号`, `每年9月20日`, `十月一日`, `2月底`; `nil` when the word
    /// is not a Chinese date at all.
    func readChineseDate(_ t: RuleToken) throws(RuleParseError) -> Anchor? {
        var s = Substring(t.text)
        if s.hasPrefix("每年") { s = s.dropFirst(2) }
        var year: Int?
        if let y = s.firstIndex(of: "年") {
            guard let v = chineseNumber(s[..<y]), s[..<y].count == 4 else { return nil }
            year = v
            s = s[s.index(after: y)...]
        }
        guard let mi = s.firstIndex(of: "月"), let m = chineseNumber(s[..<mi]) else { return nil }
        var dayPart = s[s.index(after: mi)...]
        guard (1...12).contains(m) else {
            throw error(.invalidDate, "month \(m) does not exist in '\(t.text)'", at: t)
        }
        if dayPart == "底" || dayPart == "末" {
            if let year { return .date(CivilDate(year: year, month: m, day: CivilDate.daysIn(month: m, year: year))!) }
            return .monthDay(month: m, day: .last)
        }
        guard dayPart.hasSuffix("日") || dayPart.hasSuffix("号") else { return nil }
        dayPart = dayPart.dropLast()
        guard let d = chineseNumber(dayPart) else { return nil }
        if let year {
            guard let date = CivilDate(year: year, month: m, day: d) else {
                throw error(
                    .invalidDate,
                    "'\(t.text)' does not exist: \(monthName(m)) \(year) has \(CivilDate.daysIn(month: m, year: year)) days",
                    at: t)
            }
            return .date(date)
        }
        return try monthDay(m, d, at: t)
    }
}

extension RuleParser {
    /// 春节期间 / 国庆假期 → `holiday 春节`; 五一节假日前 → `holiday 劳动节 start -1wd`;
    /// 国庆节假日后 → `holiday 国庆节 end +1wd`. `nil` when the word is none of these.
    func chineseHolidayPhrase(_ t: RuleToken) throws(RuleParseError) -> RuleBase? {
        let w = t.text
        let phrases: [(suffix: String, part: Int)] = [
            ("节假日前", -1), ("假期前", -1), ("放假前", -1),
            ("节假日后", 1), ("假期结束后", 1), ("假期后", 1), ("放假后", 1),
            ("节假日期间", 0), ("假期期间", 0), ("节假日", 0), ("假期", 0), ("期间", 0),
        ]
        for (suffix, part) in phrases where w.hasSuffix(suffix) && w.count > suffix.count {
            let name = String(w.dropLast(suffix.count))
            let holiday = OfficialHoliday.named(name) ?? OfficialHoliday.named(name + "节")
                ?? festivals.festival(named: name).flatMap { $0.officialHoliday }.flatMap { OfficialHoliday.named($0) }
            guard let holiday else {
                if let f = festivals.festival(named: name) {
                    throw error(
                        .unknownName,
                        "\(f.chineseName) has no official holiday; write a window such as '\(f.chineseName) -3d..+3d'", at: t)
                }
                return nil
            }
            switch part {
            case -1:
                return .point(Point(anchor: .holiday(holiday, end: false), offsets: [.workingDays(-1)]))
            case 1:
                return .point(Point(anchor: .holiday(holiday, end: true), offsets: [.workingDays(1)]))
            default:
                return .holidayPeriod(holiday)
            }
        }
        return nil
    }

    /// 中秋前3天 → `中秋节 -3d`; 春节后2个工作日 → `春节 +2wd`; 春节前后7天 → `春节 -7d..+7d`.
    func chineseFestivalOffset(_ t: RuleToken) throws(RuleParseError) -> RuleBase? {
        let w = t.text
        // Each marker has 前 or 后, and no other character is canonically equivalent to either.
        guard w.unicodeScalars.contains(where: { $0 == "前" || $0 == "后" }) else { return nil }
        for (marker, sign) in [("前后", 0), ("前", -1), ("后", 1)] {
            guard let r = w.range(of: marker) else { continue }
            let name = String(w[..<r.lowerBound])
            var rest = w[r.upperBound...]
            guard let festival = festivals.festival(named: name) else { continue }
            var working = false
            if rest.hasSuffix("个工作日") {
                working = true
                rest = rest.dropLast(4)
            } else if rest.hasSuffix("天") || rest.hasSuffix("日") {
                rest = rest.dropLast()
            } else {
                if rest.isEmpty {
                    let canonical = sign == 0 ? "-3d..+3d" : (sign == 1 ? "+3d" : "-3d")
                    throw error(
                        .incomplete, "say how many days: '\(name)\(marker)3天' (\(festival.chineseName) \(canonical))", at: t)
                }
                continue
            }
            guard let n = chineseNumber(rest), n <= 10_000 else { continue }
            let offset: (Int) -> Offset = { working ? .workingDays($0) : .days($0) }
            if sign == 0 {
                return .window(
                    Point(anchor: .festival(festival), offsets: [offset(-n)]),
                    Point(anchor: .festival(festival), offsets: [offset(n)]), endRelative: true)
            }
            return .point(Point(anchor: .festival(festival), offsets: [offset(sign * n)]))
        }
        return nil
    }

    /// 农历八月十五, 农历闰六月初一, 农历腊月廿三, 农历2025年闰六月初一, 农历十二月最后一天,
    /// 农历2026-08-15, 农历2025-闰06-01; `nil` when the word does not start with 农历 or 阴历.
    func readChineseLunar(_ t: RuleToken) throws(RuleParseError) -> Anchor? {
        var s = Substring(t.text)
        guard s.hasPrefix("农历") || s.hasPrefix("阴历") else { return nil }
        s = s.dropFirst(2)
        if let first = s.first, first.isASCII, first.isNumber || first == "L", s.contains("-") {
            let inner = RuleToken(kind: .word, text: String(s), column: t.column, length: t.length)
            return try readLunarWord(inner)
        }
        var year: Int?
        if let y = s.firstIndex(of: "年") {
            guard let v = chineseNumber(s[..<y]), s[..<y].count == 4 else {
                throw error(.invalidLunarDate, "'\(t.text)' is not a lunar date (农历八月十五, 农历2025年闰六月初一)", at: t)
            }
            year = v
            s = s[s.index(after: y)...]
        }
        var leap = false
        if s.hasPrefix("闰") {
            leap = true
            s = s.dropFirst()
        }
        guard let mi = s.firstIndex(of: "月") else {
            throw error(.invalidLunarDate, "'\(t.text)' is not a lunar date (农历八月十五, 农历闰六月初一)", at: t)
        }
        let monthText = s[..<mi]
        let month: Int
        switch monthText {
        case "正", "元": month = 1
        case "冬": month = 11
        case "腊": month = 12
        default:
            guard let m = chineseNumber(monthText) else {
                throw error(.invalidLunarDate, "'\(monthText)月' is not a lunar month (正月 … 十二月, 冬月, 腊月)", at: t)
            }
            month = m
        }
        var dayText = s[s.index(after: mi)...]
        let day: DayOfMonth
        if dayText == "最后一天" || dayText == "底" || dayText == "末" {
            day = .last
        } else {
            if dayText.hasSuffix("日") { dayText = dayText.dropLast() }
            guard let d = chineseNumber(dayText) else {
                throw error(.invalidLunarDate, "'\(dayText)' is not a lunar day (初一 … 三十, 最后一天)", at: t)
            }
            day = .day(d)
        }
        return try lunarAnchor(year: year, month: month, leap: leap, day: day, at: t)
    }
}

/// Reads `15`, `十五`, `二十`, `廿三`, `三十`, `卅`, `二〇二六`, `初五`; `nil` for anything else.
func chineseNumber(_ text: Substring) -> Int? {
    guard !text.isEmpty else { return nil }
    if text.allSatisfy({ $0.isASCII && $0.isNumber }) {
        return text.count <= 6 ? Int(text) : nil
    }
    let digits: [Character: Int] = [
        "〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
    ]
    var s = text
    if s.hasPrefix("初") { s = s.dropFirst() }
    // Digit by digit (二〇二六) when there is no 十.
    let values = s.compactMap { digits[$0] }
    if s.count >= 3, values.count == s.count {
        return values.reduce(0) { $0 * 10 + $1 }
    }
    var total = 0
    var pending: Int?
    var sawTen = false
    for ch in s {
        if let d = digits[ch] {
            guard pending == nil else { return nil }
            pending = d
        } else if ch == "十" {
            guard !sawTen, total == 0 else { return nil }
            total = (pending ?? 1) * 10
            pending = nil
            sawTen = true
        } else if ch == "廿" || ch == "卅" {
            guard !sawTen, total == 0, pending == nil else { return nil }
            total = ch == "廿" ? 20 : 30
            sawTen = true
        } else {
            return nil
        }
    }
    return total + (pending ?? 0)
}
