/// Reads the rule language (canonical and the accepted Chinese spellings) into a ``RuleAST``.
struct RuleParser {
    let scalars: [Unicode.Scalar]
    let tokens: [RuleToken]
    let festivals: FestivalCatalog
    var pos = 0

    init(text: String, festivals: FestivalCatalog = .standard) {
        scalars = Array(text.unicodeScalars)
        tokens = RuleLexer.tokens(scalars)
        self.festivals = festivals
    }

    static let modifierKeywords: Set<String> = ["interval", "from", "until", "count", "except", "at", "dayoff"]
    static let baseKeywords = ["weekly", "daily", "monthly", "yearly", "once", "lunar", "holiday"]
    static let allKeywords = baseKeywords + ["interval", "from", "until", "count", "except", "at", "dayoff", "last", "start", "end"]

    /// 遇节假日提前 / 顺延 / 取消 / 照常 / 就近调整: the Chinese spellings of `dayoff before / after / skip / keep / shift`.
    static let chineseDayOff: [String: DateRule.DayOffPolicy] = [
        "遇节假日提前": .before, "遇休息日提前": .before, "节假日提前": .before,
        "遇节假日顺延": .after, "遇休息日顺延": .after, "节假日顺延": .after,
        "遇节假日取消": .skip, "遇休息日取消": .skip, "节假日取消": .skip,
        "遇节假日照常": .keep, "节假日照常": .keep,
        "遇节假日就近调整": .shift, "遇休息日就近调整": .shift, "节假日就近调整": .shift,
    ]

    // MARK: Token access

    var atEnd: Bool { pos >= tokens.count }
    var current: RuleToken? { pos < tokens.count ? tokens[pos] : nil }

    func peek(_ k: Int = 0) -> RuleToken? { pos + k < tokens.count ? tokens[pos + k] : nil }

    /// Position just after the last token, for "the rule stops here" errors.
    var endColumn: Int { scalars.count + 1 }

    func error(
        _ code: RuleParseError.Code, _ message: String, at token: RuleToken?
    ) -> RuleParseError {
        if let token {
            return RuleParseError(code: code, message: message, column: token.column, length: token.length)
        }
        return RuleParseError(code: code, message: message, column: endColumn, length: 1)
    }

    func error(_ code: RuleParseError.Code, _ message: String, column: Int, length: Int) -> RuleParseError {
        RuleParseError(code: code, message: message, column: column, length: length)
    }

    mutating func next() -> RuleToken? {
        defer { pos += 1 }
        return current
    }

    func isModifier(_ t: RuleToken?) -> Bool {
        guard let t, t.kind == .word else { return false }
        return Self.modifierKeywords.contains(t.lower) || Self.chineseDayOff[t.text] != nil
    }

    // MARK: Rule

    mutating func parseRule() throws(RuleParseError) -> RuleAST {
        guard !tokens.isEmpty else {
            throw RuleParseError(code: .empty, message: "the rule is empty", column: 1, length: 1)
        }
        var ast = RuleAST(base: try parseBase())
        ast.times = Array(Set(try parseTimes(initial: pendingTimes))).sorted()
        var seen: [String: RuleToken] = [:]
        while let t = current {
            guard t.kind == .word else {
                throw error(.unexpected, "unexpected '\(t.text)': expected from, until, count, except or interval", at: t)
            }
            var key = t.lower
            if let policy = Self.chineseDayOff[t.text] {
                key = "dayoff"
                if let first = seen[key] {
                    throw error(.conflict, "the day-off policy is given twice (first at column \(first.column))", at: t)
                }
                seen[key] = t
                pos += 1
                ast.dayOff = policy
                continue
            }
            if key != "except", key != "at", let first = seen[key] {
                throw error(.conflict, "'\(t.text)' is given twice (first at column \(first.column))", at: t)
            }
            seen[key] = t
            pos += 1
            switch key {
            case "interval":
                ast.interval = try parseCount(after: t, range: 1...1000, what: "interval")
            case "from":
                ast.from = try parseFixedDate(after: t)
            case "until":
                ast.until = try parseFixedDate(after: t)
            case "count":
                ast.count = try parseCount(after: t, range: 1...100_000, what: "count")
            case "except":
                guard current != nil, !isModifier(current) else {
                    throw error(.incomplete, "'except' needs a date or a rule after it", at: current ?? t)
                }
                ast.excepts.append(try parseBase())
            case "dayoff":
                guard let v = current, v.kind == .word, let policy = DateRule.DayOffPolicy(rawValue: v.lower) else {
                    throw error(
                        .incomplete, "'dayoff' needs a policy: keep, skip, before, after or shift", at: current)
                }
                pos += 1
                ast.dayOff = policy
            case "at":
                ast.times = Array(Set(try parseTimes(initial: ast.times, required: t))).sorted()
            default:
                throw unknownWordError(t, expecting: "from, until, count, except or interval")
            }
        }
        try validate(ast, seen: seen)
        return ast
    }

    /// Times collected while reading a Chinese base such as `每天9:00`.
    var pendingTimes: [TimeOfDay] = []

    func validate(_ ast: RuleAST, seen: [String: RuleToken]) throws(RuleParseError) {
        if let from = ast.from, let until = ast.until, until < from, let t = seen["until"] {
            throw error(.conflict, "'until \(until)' is before 'from \(from)'", at: t)
        }
        if ast.count != nil, ast.isRecurring, ast.from == nil, let t = seen["count"] {
            throw error(
                .conflict, "'count' needs a start to count from: add 'from YYYY-MM-DD'", at: t)
        }
        if ast.interval != 1, !ast.isRecurring, let t = seen["interval"] {
            throw error(.conflict, "'interval' only applies to a rule that repeats", at: t)
        }
        if let policy = ast.dayOff, policy != .keep, ast.base.isWindow, let t = seen["dayoff"] {
            throw error(.conflict, "a day-off policy applies to single days, not to windows", at: t)
        }
    }

    mutating func parseCount(after t: RuleToken, range: ClosedRange<Int>, what: String) throws(RuleParseError) -> Int {
        guard let v = current, v.kind == .word else {
            throw error(.incomplete, "'\(what)' needs a number after it", at: current ?? nil)
        }
        guard let n = Int(v.text), v.text.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw error(.invalidNumber, "'\(v.text)' is not a whole number", at: v)
        }
        guard range.contains(n) else {
            throw error(.invalidNumber, "\(what) must be between \(range.lowerBound) and \(range.upperBound), not \(n)", at: v)
        }
        pos += 1
        return n
    }

    mutating func parseFixedDate(after t: RuleToken) throws(RuleParseError) -> CivilDate {
        guard let v = current, v.kind == .word else {
            throw error(.incomplete, "'\(t.text)' needs a date (YYYY-MM-DD) after it", at: current)
        }
        pos += 1
        switch try readDateWord(v) {
        case .date(let d): return d
        default:
            throw error(.unexpected, "'\(t.text)' needs a full date with a year, such as 2026-12-31", at: v)
        }
    }

    /// Reads `HH:MM[,HH:MM...]` if present.
    mutating func parseTimes(initial: [TimeOfDay], required: RuleToken? = nil) throws(RuleParseError) -> [TimeOfDay] {
        var times = initial
        var expectMore = required != nil
        while let t = current, t.kind == .word, t.text.contains(":") {
            guard let time = TimeOfDay(t.text) else {
                throw error(.invalidNumber, "'\(t.text)' is not a time of day (HH:MM, 00:00 to 23:59)", at: t)
            }
            times.append(time)
            pos += 1
            expectMore = false
            if current?.kind == .comma, let after = peek(1), after.kind == .word, after.text.contains(":") {
                pos += 1
                expectMore = true
            }
        }
        if expectMore {
            throw error(.incomplete, "expected a time of day (HH:MM)", at: current)
        }
        return times
    }

    // MARK: Bases

    mutating func parseBase() throws(RuleParseError) -> RuleBase {
        guard let t = current else {
            throw error(.incomplete, "expected a date or a rule", at: nil)
        }
        if t.kind == .word {
            switch t.lower {
            case "daily":
                pos += 1
                return .daily
            case "weekly":
                pos += 1
                return .weekly(try parseWeekdayList(after: t))
            case "monthly":
                pos += 1
                return .monthly(try parseMonthDays(after: t))
            case "holiday":
                // `holiday 春节` alone is the whole break; with start/end it is a day.
                if let name = peek(1), name.kind == .word, !isModifier(name),
                    !["start", "end"].contains(peek(2)?.lower ?? "")
                {
                    pos += 2
                    let holiday = try officialHoliday(name)
                    if let next = current, next.kind == .signed || next.kind == .range {
                        throw error(
                            .conflict,
                            "'holiday \(holiday.chineseName)' is the whole break; to move it, write 'holiday \(holiday.chineseName) start \(next.kind == .signed ? next.text : "-7d")'",
                            at: next)
                    }
                    return .holidayPeriod(holiday)
                }
            case "yearly", "once":
                pos += 1
                let base = try parseDated()
                let fixed = base.allAnchorsFixed
                if t.lower == "yearly", fixed {
                    throw error(.conflict, "'yearly' takes a month and day such as 05-01, not a full date", column: t.column, length: t.length)
                }
                if t.lower == "once", !fixed {
                    throw error(.conflict, "'once' takes a full date such as 2026-05-01", column: t.column, length: t.length)
                }
                return base
            default:
                if let chinese = try parseChineseBase(t) { return chinese }
            }
        }
        return try parseDated()
    }

    /// A point or a window of points.
    mutating func parseDated() throws(RuleParseError) -> RuleBase {
        let startToken = current
        let start = try parsePoint()
        guard current?.kind == .range else { return .point(start) }
        let rangeToken = next()!
        if current?.kind == .signed {
            let offsets = try parseOffsets()
            return .window(start, Point(anchor: start.anchor, offsets: offsets), endRelative: true)
        }
        guard current != nil, !isModifier(current) else {
            throw error(.incomplete, "a window needs an end after '\(rangeToken.text)', such as 10-10 or +7d", at: current)
        }
        let endToken = current
        let end = try parsePoint()
        switch (start.anchor, end.anchor) {
        case (.date(let a), .date(let b)) where start.offsets.isEmpty && end.offsets.isEmpty:
            if b < a, let endToken {
                throw error(.conflict, "the window ends (\(b)) before it starts (\(a))", at: endToken)
            }
        case (.date, .monthDay), (.monthDay, .date):
            let at = startToken.map { ($0.column) } ?? 1
            let last = endToken.map { $0.column + $0.length } ?? endColumn
            throw error(
                .conflict,
                "both ends of a window must have a year (2026-09-20..2026-10-10) or neither (09-20..10-10)",
                column: at, length: last - at)
        default:
            break
        }
        return .window(start, end, endRelative: false)
    }

    mutating func parsePoint() throws(RuleParseError) -> Point {
        guard let t = current else {
            throw error(.incomplete, "expected a date", at: nil)
        }
        var anchor: Anchor
        switch t.kind {
        case .word where t.lower == "lunar":
            pos += 1
            guard let v = current, v.kind == .word else {
                throw error(.incomplete, "'lunar' needs a lunar month and day, such as 08-15 or L06-01", at: current)
            }
            pos += 1
            anchor = try readLunarWord(v)
        case .word where t.lower == "holiday":
            pos += 1
            guard let name = current, name.kind == .word else {
                throw error(.incomplete, "'holiday' needs the name of an official holiday, such as 劳动节", at: current)
            }
            pos += 1
            anchor = try holidayAnchor(try officialHoliday(name), after: name)
        case .word:
            pos += 1
            anchor = try readAnchorWord(t)
            // `劳动节 holiday start`: the same as `holiday 劳动节 start`.
            if case .festival = anchor, let h = current, h.lower == "holiday" {
                pos += 1
                anchor = try holidayAnchor(try officialHoliday(t), after: h)
            }
        case .signed:
            throw error(.unexpected, "an offset such as '\(t.text)' needs a date or festival before it", at: t)
        case .range, .comma:
            throw error(.unexpected, "expected a date, not '\(t.text)'", at: t)
        }
        return Point(anchor: anchor, offsets: try parseOffsets())
    }

    mutating func holidayAnchor(_ holiday: OfficialHoliday, after t: RuleToken) throws(RuleParseError) -> Anchor {
        guard let which = current, which.kind == .word, ["start", "end"].contains(which.lower) else {
            throw error(
                .incomplete,
                "say which day of the \(holiday.chineseName) break: 'holiday \(holiday.chineseName) start' or 'end'",
                at: current)
        }
        pos += 1
        return .holiday(holiday, end: which.lower == "end")
    }

    func officialHoliday(_ t: RuleToken) throws(RuleParseError) -> OfficialHoliday {
        if let h = OfficialHoliday.named(t.text) { return h }
        // A festival whose day gives its name to an official holiday (元宵 does not, 中秋 does).
        if let f = festivals.festival(named: t.text), let id = f.officialHoliday, let h = OfficialHoliday.named(id) {
            return h
        }
        let names = OfficialHoliday.standard.flatMap { [$0.chineseName] + $0.aliases + [$0.id] }
        let known = OfficialHoliday.standard.map(\.chineseName).joined(separator: ", ")
        if let f = festivals.festival(named: t.text) {
            throw error(.unknownName, "\(f.chineseName) has no official holiday (official: \(known))", at: t)
        }
        if let guess = closest(to: t.lower, among: names) {
            throw error(.unknownName, "unknown official holiday '\(t.text)' — did you mean '\(guess)'?", at: t)
        }
        throw error(.unknownName, "'\(t.text)' is not an official holiday (known: \(known))", at: t)
    }

    mutating func parseOffsets() throws(RuleParseError) -> [Offset] {
        var offsets: [Offset] = []
        while let t = current, t.kind == .signed {
            offsets.append(try readOffset(t))
            pos += 1
        }
        return offsets
    }

    func readOffset(_ t: RuleToken) throws(RuleParseError) -> Offset {
        let text = t.lower
        let sign = text.hasPrefix("-") ? -1 : 1
        let body = text.dropFirst()
        let digits = body.prefix(while: { $0.isNumber })
        let unit = body.dropFirst(digits.count)
        guard let n = Int(digits), n <= 100_000 else {
            throw error(.invalidNumber, "'\(t.text)' is too large an offset", at: t)
        }
        switch unit {
        case "d": return .days(sign * n)
        case "w": return .days(sign * n * 7)
        case "wd":
            guard n <= 10_000 else {
                throw error(.invalidNumber, "'\(t.text)' is too large an offset in working days", at: t)
            }
            return .workingDays(sign * n)
        case "":
            throw error(.incomplete, "'\(t.text)' needs a unit: d (days), w (weeks) or wd (working days)", at: t)
        default:
            throw error(
                .unexpected, "unknown offset unit '\(unit)' in '\(t.text)': use d (days), w (weeks) or wd (working days)", at: t)
        }
    }

    /// An anchor written as one word.
    func readAnchorWord(_ t: RuleToken) throws(RuleParseError) -> Anchor {
        if let festival = festivals.festival(named: t.text) { return .festival(festival) }
        // A Chinese date has 月 in it and a Chinese lunar date starts with 农历 or 阴历: a word of
        // ASCII alone (05-01) is neither.
        if !t.text.utf8.allSatisfy({ $0 < 0x80 }) {
            if let chinese = try readChineseDate(t) { return chinese }
            if let lunar = try readChineseLunar(t) { return lunar }
        }
        if let first = t.text.unicodeScalars.first, ("0"..."9").contains(first) {
            return try readDateWord(t)
        }
        if t.text.unicodeScalars.contains(where: { !$0.isASCII }) {
            if let guess = festivals.suggestion(for: t.text) {
                throw error(.unknownName, "unknown festival '\(t.text)' — did you mean '\(guess)'?", at: t)
            }
            throw error(
                .unknownName,
                "unknown festival or date '\(t.text)': festivals and solar terms are listed by 'almanacctl festivals'",
                at: t)
        }
        throw unknownWordError(
            t, expecting: "a date (2026-05-01, 05-01), a festival (中秋, mid-autumn) or a rule (weekly, monthly, daily)",
            candidates: Self.allKeywords + festivals.festivals.map(\.id))
    }

    /// Every name a festival can be called by, for did-you-mean: festivals that give their name
    /// to an official holiday first, since a near miss is more likely one of those.
    /// `08-15`, `L06-01`, `12-last`, `2025-L06-01`, `2026-08-15` after `lunar`; checked against
    /// the Chinese calendar (a leap month must exist in that year, or in some year for a yearly
    /// rule).
    func readLunarWord(_ t: RuleToken) throws(RuleParseError) -> Anchor {
        var parts = t.text.split(separator: "-", omittingEmptySubsequences: false).map(String.init)
        var year: Int?
        if parts.count == 3 {
            guard parts[0].count == 4, let y = Int(parts[0]), parts[0].allSatisfy({ $0.isASCII && $0.isNumber }) else {
                throw error(.invalidLunarDate, "'\(t.text)' is not a lunar date (YYYY-MM-DD, MM-DD, L06-01)", at: t)
            }
            year = y
            parts.removeFirst()
        }
        guard parts.count == 2 else {
            throw error(.invalidLunarDate, "'\(t.text)' is not a lunar date (MM-DD, L06-01, 12-last, 2025-L06-01)", at: t)
        }
        var monthText = Substring(parts[0])
        var leap = false
        for prefix in ["L", "l", "闰"] where monthText.hasPrefix(prefix) {
            leap = true
            monthText = monthText.dropFirst(prefix.count)
        }
        guard let month = Int(monthText), monthText.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw error(.invalidLunarDate, "'\(t.text)' is not a lunar date (MM-DD, L06-01, 12-last)", at: t)
        }
        let day: DayOfMonth
        if parts[1] == "last" {
            day = .last
        } else if let d = Int(parts[1]), parts[1].allSatisfy({ $0.isASCII && $0.isNumber }) {
            day = .day(d)
        } else {
            throw error(.invalidLunarDate, "'\(t.text)' is not a lunar date (MM-DD, L06-01, 12-last)", at: t)
        }
        return try lunarAnchor(year: year, month: month, leap: leap, day: day, at: t)
    }

    func lunarAnchor(year: Int?, month: Int, leap: Bool, day: DayOfMonth, at t: RuleToken) throws(RuleParseError) -> Anchor {
        guard (1...12).contains(month) else {
            throw error(.invalidLunarDate, "the lunar calendar has no month \(month) (months are 1 to 12)", at: t)
        }
        if case .day(let d) = day, !(1...30).contains(d) {
            throw error(.invalidLunarDate, "a lunar month has no day \(d) (days are 1 to 30)", at: t)
        }
        let calendar = festivals.calendar
        if let year {
            do throws(CalendarError) {
                if case .day(let d) = day {
                    _ = try calendar.civilDate(lunarYear: year, month: month, day: d, leap: leap)
                } else {
                    _ = try calendar.length(ofMonth: month, leap: leap, lunarYear: year)
                }
            } catch {
                throw self.error(.invalidLunarDate, error.message, at: t)
            }
        } else if leap, !RuleParser.leapMonthsThatOccur.contains(month) {
            throw error(
                .invalidLunarDate,
                "\(LunarDate.chineseMonth(month, leap: true)) never occurs in 1901–2100, so the rule would never happen",
                at: t)
        }
        return .lunar(year: year, month: month, leap: leap, day: day)
    }

    /// The leap month numbers that some lunar year of 1901–2100 has.
    static let leapMonthsThatOccur: Set<Int> = {
        var found = Set<Int>()
        for year in 1901...2100 {
            if let m = try? ChineseCalendar.standard.leapMonth(ofLunarYear: year) { found.insert(m) }
        }
        return found
    }()

    /// `YYYY-MM-DD`, `MM-DD` or `MM-last`.
    func readDateWord(_ t: RuleToken) throws(RuleParseError) -> Anchor {
        // A word of ASCII (05-01) is split at its '-' bytes, read in place: each is a character of
        // its own, as splitting the characters gives.
        let parts: [Substring]
        if t.text.utf8.allSatisfy({ $0 < 0x80 }) {
            var split: [Substring] = []
            split.reserveCapacity(3)
            let bytes = t.text.utf8
            var start = bytes.startIndex
            var i = start
            while i != bytes.endIndex {
                if bytes[i] == UInt8(ascii: "-") {
                    split.append(t.text[start..<i])
                    start = bytes.index(after: i)
                }
                i = bytes.index(after: i)
            }
            split.append(t.text[start..<i])
            parts = split
        } else {
            parts = t.text.split(separator: "-", omittingEmptySubsequences: false)
        }
        // Up to six ASCII digits. Counted in bytes: a text of ASCII digits has as many characters
        // as bytes, and any other text has a byte that is no ASCII digit.
        func number(_ s: Substring) -> Int? {
            guard !s.isEmpty, s.utf8.count <= 6 else { return nil }
            var value = 0
            for byte in s.utf8 {
                guard byte >= 0x30 && byte <= 0x39 else { return nil }
                value = value * 10 + Int(byte - 0x30)
            }
            return value
        }
        // `parts[0].count >= 4` only matters when `parts[0]` is a number, whose bytes are its characters.
        if parts.count == 3, parts[0].utf8.count >= 4, let y = number(parts[0]), let m = number(parts[1]) {
            guard (1...12).contains(m) else {
                throw error(.invalidDate, "month \(m) does not exist in '\(t.text)'", at: t)
            }
            if parts[2] == "last" {
                return .date(CivilDate(year: y, month: m, day: CivilDate.daysIn(month: m, year: y))!)
            }
            guard let d = number(parts[2]) else {
                throw error(.invalidDate, "'\(t.text)' is not a date (YYYY-MM-DD)", at: t)
            }
            guard let date = CivilDate(year: y, month: m, day: d) else {
                throw error(
                    .invalidDate,
                    "'\(t.text)' does not exist: \(monthName(m)) \(y) has \(CivilDate.daysIn(month: m, year: y)) days",
                    at: t)
            }
            return .date(date)
        }
        if parts.count == 2, let m = number(parts[0]) {
            guard (1...12).contains(m) else {
                throw error(.invalidDate, "month \(m) does not exist in '\(t.text)'", at: t)
            }
            if parts[1] == "last" { return .monthDay(month: m, day: .last) }
            guard let d = number(parts[1]) else {
                throw error(.invalidDate, "'\(t.text)' is not a month and day (MM-DD)", at: t)
            }
            return try monthDay(m, d, at: t)
        }
        throw error(.invalidDate, "'\(t.text)' is not a date: write YYYY-MM-DD (once) or MM-DD (every year)", at: t)
    }

    func monthDay(_ m: Int, _ d: Int, at t: RuleToken) throws(RuleParseError) -> Anchor {
        // 02-29 is allowed: it happens in leap years only.
        let maxDay = m == 2 ? 29 : CivilDate.daysIn(month: m, year: 2001)
        guard d >= 1, d <= maxDay else {
            throw error(.invalidDate, "\(monthName(m)) has no day \(d) (at most \(maxDay))", at: t)
        }
        return .monthDay(month: m, day: .day(d))
    }

    // MARK: weekly / monthly

    mutating func parseWeekdayList(after keyword: RuleToken) throws(RuleParseError) -> [Weekday] {
        var days: [Weekday] = []
        repeat {
            if !days.isEmpty { pos += 1 }  // the comma
            guard let t = current, t.kind == .word, !isModifier(t), !t.text.contains(":") else {
                throw error(.incomplete, "expected a weekday (mon, tue, wed, thu, fri, sat, sun)", at: current)
            }
            pos += 1
            guard let day = Self.weekday(t.lower) else {
                throw unknownWordError(t, expecting: "a weekday (mon, tue, wed, thu, fri, sat, sun)", candidates: Self.weekdayNames)
            }
            if current?.kind == .range {
                pos += 1
                guard let e = current, e.kind == .word, let last = Self.weekday(e.lower) else {
                    throw error(.incomplete, "expected the last weekday of the range (mon..fri)", at: current)
                }
                pos += 1
                days += Weekday.range(from: day, through: last)
            } else {
                days.append(day)
            }
        } while current?.kind == .comma
        return Array(Set(days)).sorted { $0.rawValue < $1.rawValue }
    }

    static let weekdayNames = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    static let weekdayLongNames = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]

    static func weekday(_ word: String) -> Weekday? {
        if let i = weekdayNames.firstIndex(of: word) { return Weekday(rawValue: i + 1) }
        if let i = weekdayLongNames.firstIndex(of: word) { return Weekday(rawValue: i + 1) }
        var w = Substring(word)
        for prefix in ["星期", "礼拜", "周"] where w.hasPrefix(prefix) {
            w = w.dropFirst(prefix.count)
            break
        }
        switch w {
        case "一": return .monday
        case "二": return .tuesday
        case "三": return .wednesday
        case "四": return .thursday
        case "五": return .friday
        case "六": return .saturday
        case "日", "天", "七": return .sunday
        default: return nil
        }
    }

    mutating func parseMonthDays(after keyword: RuleToken) throws(RuleParseError) -> [MonthDaySpec] {
        var specs: [MonthDaySpec] = []
        repeat {
            if !specs.isEmpty { pos += 1 }
            guard let t = current, !isModifier(t), !(t.kind == .word && t.text.contains(":")) else {
                throw error(
                    .incomplete, "expected a day of the month (15, last, 2nd tue, last fri)", at: current)
            }
            pos += 1
            let spec = try readMonthDay(t)
            if !specs.contains(spec) { specs.append(spec) }
        } while current?.kind == .comma
        return specs
    }

    mutating func readMonthDay(_ t: RuleToken) throws(RuleParseError) -> MonthDaySpec {
        let word = t.lower
        if word.hasSuffix("wd") {
            let number = word.dropLast(2)
            let digits = number.hasPrefix("-") ? number.dropFirst() : number
            if let n = Int(digits), !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) {
                let value = number.hasPrefix("-") ? -n : n
                guard value != 0, (-23...23).contains(value) else {
                    throw error(.invalidNumber, "a month has no working day \(value) (1 to 23, or -1 to -23 from the end)", at: t)
                }
                return .workingDay(value)
            }
        }
        if t.kind == .word, let n = Int(word), word.allSatisfy({ $0.isASCII && $0.isNumber }) {
            guard (1...31).contains(n) else {
                throw error(.invalidDate, "a month has no day \(n) (1 to 31, or 'last')", at: t)
            }
            return .day(n)
        }
        let ordinals = ["1st": 1, "2nd": 2, "3rd": 3, "4th": 4, "5th": 5, "last": -1]
        if t.kind == .word, let n = ordinals[word] {
            if n == -1, let w = current, w.kind == .word, w.lower == "wd" {
                pos += 1
                return .workingDay(-1)
            }
            if let w = current, w.kind == .word, let day = Self.weekday(w.lower) {
                pos += 1
                return .weekday(n, day)
            }
            if n == -1 { return .lastDay }
            throw error(.incomplete, "'\(t.text)' needs a weekday after it (\(t.text) mon)", at: current)
        }
        throw unknownWordError(
            t, expecting: "a day of the month (15, last, 2nd tue, last fri)",
            candidates: ["last", "1st", "2nd", "3rd", "4th", "5th"])
    }

    // MARK: Errors

    func unknownWordError(_ t: RuleToken, expecting: String, candidates: [String]? = nil) -> RuleParseError {
        let pool = candidates ?? Self.allKeywords
        if pool.contains(t.lower) {
            return error(.unexpected, "'\(t.text)' cannot come here: expected \(expecting)", at: t)
        }
        if let guess = closest(to: t.lower, among: pool) {
            return error(.unexpected, "unknown word '\(t.text)' — did you mean '\(guess)'?", at: t)
        }
        return error(.unexpected, "unknown word '\(t.text)': expected \(expecting)", at: t)
    }
}

extension RuleBase {
    var allAnchorsFixed: Bool {
        switch self {
        case .point(let p): return p.anchor.isFixed
        case .window(let s, let e, _): return s.anchor.isFixed && e.anchor.isFixed
        default: return false
        }
    }
}

func monthName(_ m: Int) -> String {
    [
        "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
        "November", "December",
    ][max(0, min(11, m - 1))]
}

/// The candidate nearest to `word`, if it is close enough to be a likely typo (``Suggestion``).
/// A suggestion must also differ from the word in fewer places than the word is long.
func closest(to word: String, among candidates: [String]) -> String? {
    guard let found = Suggestion.closest(to: word, among: candidates) else { return nil }
    let distance = Suggestion.distance(Array(word.lowercased().unicodeScalars), Array(found.lowercased().unicodeScalars))
    return distance < word.unicodeScalars.count ? found : nil
}
