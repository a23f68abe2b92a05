import AlmanacCalendar
import AlmanacPlan
import Foundation

/// One content line of an iCalendar file after unfolding: `NAME;P=V:value`.
public struct ICSProperty: Sendable, Hashable {
    public var name: String
    public var parameters: [String: String]
    /// The raw value, still escaped.
    public var value: String
    /// 1-based number of the (unfolded) content line.
    public var line: Int

    /// Parses one unfolded content line; nil when it has no `:`.
    public static func parse(_ text: String, line: Int) -> ICSProperty? {
        // The name and parameters end at the first ':' outside double quotes.
        var inQuotes = false
        var colon: String.Index?
        for i in text.indices {
            let c = text[i]
            if c == "\"" { inQuotes.toggle() } else if c == ":" && !inQuotes {
                colon = i
                break
            }
        }
        guard let colon else { return nil }
        let head = text[..<colon]
        let value = String(text[text.index(after: colon)...])
        var parts: [String] = []
        var current = ""
        inQuotes = false
        for c in head {
            if c == "\"" { inQuotes.toggle(); continue }
            if c == ";" && !inQuotes {
                parts.append(current)
                current = ""
            } else {
                current.append(c)
            }
        }
        parts.append(current)
        guard let name = parts.first, !name.isEmpty else { return nil }
        var parameters: [String: String] = [:]
        for p in parts.dropFirst() {
            guard let eq = p.firstIndex(of: "=") else { continue }
            parameters[p[..<eq].uppercased()] = String(p[p.index(after: eq)...])
        }
        return ICSProperty(name: name.uppercased(), parameters: parameters, value: value, line: line)
    }
}

/// A problem found while importing: something the plan format cannot say, reported instead of
/// silently dropped.
public struct ImportNote: Sendable, Hashable, CustomStringConvertible {
    public enum Severity: String, Sendable { case warning, error }
    public var severity: Severity
    /// Content line (after unfolding) the note is about.
    public var line: Int
    public var message: String

    public init(_ severity: Severity, line: Int, _ message: String) {
        self.severity = severity
        self.line = line
        self.message = message
    }

    public var description: String { "\(line): \(severity.rawValue): \(message)" }
}

/// The result of an import: a draft plan and what could not be carried over.
public struct ICSImportResult: Sendable {
    public var plan: Plan
    public var notes: [ImportNote]
    /// The plan as YAML in the plan format.
    public var yaml: String { PlanEmitter.emit(plan) }
}

/// Turns an iCalendar file into draft plan items: VEVENTs with DTSTART/DTEND (dates or local
/// times), simple yearly and weekly RRULEs, SUMMARY and DESCRIPTION. Everything else is listed as
/// a note.
public enum ICSImporter {
    /// Properties of a VEVENT that carry no information the plan needs, so they are not reported.
    static let ignoredEventProperties: Set<String> = [
        "UID", "DTSTAMP", "SEQUENCE", "CREATED", "LAST-MODIFIED", "TRANSP", "STATUS", "CLASS", "PRIORITY",
    ]

    static let weekdayCodes = ["MO": "mon", "TU": "tue", "WE": "wed", "TH": "thu", "FR": "fri", "SA": "sat", "SU": "sun"]

    struct Event {
        var properties: [ICSProperty] = []
        var line: Int
        var hadAlarm = false
        func first(_ name: String) -> ICSProperty? { properties.first { $0.name == name } }
    }

    /// Imports `text`; `name` names the plan when the calendar has no X-WR-CALNAME.
    public static func importCalendar(_ text: String, name: String) -> ICSImportResult {
        var notes: [ImportNote] = []
        let lines = ICSFormat.unfold(text)
        var events: [Event] = []
        var stack: [String] = []
        var current: Event?
        var calendarName: String?
        var sawCalendar = false
        for (index, raw) in lines.enumerated() {
            let lineNo = index + 1
            guard let p = ICSProperty.parse(raw, line: lineNo) else {
                notes.append(ImportNote(.warning, line: lineNo, "not a content line, skipped: \(raw.prefix(60))"))
                continue
            }
            if p.name == "BEGIN" {
                let component = p.value.uppercased()
                if component == "VCALENDAR" { sawCalendar = true }
                if component == "VEVENT" && stack.last == "VCALENDAR" {
                    current = Event(line: lineNo)
                } else if component == "VALARM" && stack.last == "VEVENT" {
                    current?.hadAlarm = true
                } else if component != "VCALENDAR" && stack.count == 1 && component != "VTIMEZONE" {
                    notes.append(ImportNote(.warning, line: lineNo, "\(component) is not imported (only VEVENT is)"))
                }
                stack.append(component)
                continue
            }
            if p.name == "END" {
                if p.value.uppercased() == "VEVENT", let event = current, stack.last == "VEVENT" {
                    events.append(event)
                    current = nil
                }
                if !stack.isEmpty { stack.removeLast() }
                continue
            }
            if stack == ["VCALENDAR"] && p.name == "X-WR-CALNAME" { calendarName = ICSFormat.unescapeText(p.value) }
            if stack == ["VCALENDAR", "VEVENT"] { current?.properties.append(p) }
        }
        if !sawCalendar { notes.append(ImportNote(.error, line: 1, "no BEGIN:VCALENDAR: this is not an iCalendar file")) }

        var items: [PlanItem] = []
        var years: Set<Int> = []
        var usedIDs: Set<String> = []
        for (n, event) in events.enumerated() {
            if let item = item(from: event, number: n + 1, usedIDs: &usedIDs, years: &years, notes: &notes) {
                items.append(item)
            }
        }
        let planName = calendarName ?? name
        let yearList = years.sorted()
        let info = PlanInfo(
            id: Located("imported"), name: Located(planName),
            years: yearList.isEmpty ? .every : .list(yearList.map { Located($0) }),
            description: Located("从 iCalendar 文件导入的草稿，请补充负责单位与提醒。"))
        return ICSImportResult(plan: Plan(info: info, items: items), notes: notes)
    }

    static func item(
        from event: Event, number: Int, usedIDs: inout Set<String>, years: inout Set<Int>, notes: inout [ImportNote]
    ) -> PlanItem? {
        guard let startProperty = event.first("DTSTART") else {
            notes.append(ImportNote(.warning, line: event.line, "VEVENT without DTSTART skipped"))
            return nil
        }
        guard let start = parseDateValue(startProperty, notes: &notes) else { return nil }
        var end = start.date
        if let endProperty = event.first("DTEND"), let e = parseDateValue(endProperty, notes: &notes) {
            // DTEND is exclusive: for a date the day before is the last day; for a time, the day it ends.
            if e.time == nil {
                end = max(start.date, e.date.adding(days: -1))
            } else {
                let endsAtMidnight = e.time?.hour == 0 && e.time?.minute == 0
                end = max(start.date, endsAtMidnight ? e.date.adding(days: -1) : e.date)
            }
        } else if let duration = event.first("DURATION") {
            if let days = durationDays(duration.value), days > 0 {
                end = start.date.adding(days: start.time == nil ? days - 1 : days)
            }
        }
        var rule: String
        let once = start.date == end ? "\(start.date)" : "\(start.date)..\(end)"
        rule = once
        if let rrule = event.first("RRULE") {
            rule = recurrence(rrule, start: start.date, end: end, fallback: once, notes: &notes)
        }
        // The plan's years: the year each event starts, through the year a recurrence ends.
        years.insert(start.date.year)
        if let range = rule.range(of: " until "), let last = CivilDate(iso: String(rule[range.upperBound...].prefix(10))),
            last.year > start.date.year
        {
            for y in (start.date.year + 1)...min(last.year, start.date.year + 20) { years.insert(y) }
        }
        let summary = event.first("SUMMARY").map { ICSFormat.unescapeText($0.value) } ?? ""
        if summary.isEmpty {
            notes.append(ImportNote(.warning, line: event.line, "VEVENT without SUMMARY: titled 未命名事项"))
        }
        let description = event.first("DESCRIPTION").map { ICSFormat.unescapeText($0.value) }
        var kind = ItemKind.task
        if let categories = event.first("CATEGORIES") {
            let values = categories.value.split(separator: ",").map { ICSFormat.unescapeText(String($0)) }
            if let k = values.lazy.compactMap({ kindFromCategory($0) }).first {
                kind = k
            } else {
                notes.append(ImportNote(.warning, line: categories.line, "CATEGORIES \(values.joined(separator: ", ")) not used (no matching item kind)"))
            }
        } else if start.date != end {
            kind = .campaign
        }
        for p in event.properties where !ignoredEventProperties.contains(p.name) {
            switch p.name {
            case "DTSTART", "DTEND", "DURATION", "RRULE", "SUMMARY", "DESCRIPTION", "CATEGORIES": continue
            default:
                notes.append(ImportNote(.warning, line: p.line, "\(p.name) not imported: \(ICSFormat.unescapeText(p.value).prefix(60))"))
            }
        }
        if event.hadAlarm {
            notes.append(ImportNote(.warning, line: event.line, "VALARM not imported: write reminders as `remind:` lead times"))
        }
        var id = slug(summary, number: number)
        while usedIDs.contains(id) { id += "-\(number)" }
        usedIDs.insert(id)
        return PlanItem(
            id: Located(id), kind: Located(kind), title: Located(summary.isEmpty ? "未命名事项" : summary),
            description: description.map { Located($0) }, when: Located(rule), time: start.time.map { Located($0) },
            dateSource: Located(.sourced))
    }

    /// Item ids: ASCII letters and digits of the summary, else `ics-N`.
    static func slug(_ summary: String, number: Int) -> String {
        var s = ""
        for ch in summary.lowercased().unicodeScalars {
            if ("a"..."z").contains(ch) || ("0"..."9").contains(ch) {
                s.unicodeScalars.append(ch)
            } else if !s.isEmpty && !s.hasSuffix("-") {
                s += "-"
            }
        }
        while s.hasSuffix("-") { s.removeLast() }
        guard let first = s.unicodeScalars.first, ("a"..."z").contains(first), s.count >= 3 else {
            return "ics-\(number)"
        }
        return String(s.prefix(40)).trimmingCharacters(in: CharacterSet(charactersIn: "-"))
    }

    static func kindFromCategory(_ value: String) -> ItemKind? {
        if let k = ItemKind(rawValue: value.lowercased()) { return k }
        return ItemKind.allCases.first { PlanFeedBuilder.chineseKind($0) == value }
    }

    struct DateValue {
        var date: CivilDate
        var time: TimeOfDay?
    }

    /// DATE (`20260920`) or DATE-TIME (`20260920T090000`, with TZID or floating, or `...Z` in UTC,
    /// which is converted to UTC+8 and noted).
    static func parseDateValue(_ p: ICSProperty, notes: inout [ImportNote]) -> DateValue? {
        let v = p.value.trimmingCharacters(in: .whitespaces)
        let digits = Array(v.utf8)
        func num(_ range: Range<Int>) -> Int? {
            guard range.upperBound <= digits.count else { return nil }
            return Int(String(decoding: digits[range], as: UTF8.self))
        }
        guard digits.count >= 8, let y = num(0..<4), let m = num(4..<6), let d = num(6..<8),
            let date = CivilDate(year: y, month: m, day: d)
        else {
            notes.append(ImportNote(.warning, line: p.line, "\(p.name) \(v) is not a date; event skipped"))
            return nil
        }
        if digits.count == 8 { return DateValue(date: date, time: nil) }
        guard digits.count >= 15, digits[8] == UInt8(ascii: "T"), let hh = num(9..<11), let mm = num(11..<13),
            let time = TimeOfDay(hour: hh, minute: mm)
        else {
            notes.append(ImportNote(.warning, line: p.line, "\(p.name) \(v) is not a date-time; event skipped"))
            return nil
        }
        if v.hasSuffix("Z") {
            let minutes = hh * 60 + mm + 8 * 60
            let shifted = date.adding(days: minutes / 1440)
            let local = TimeOfDay(hour: (minutes % 1440) / 60, minute: minutes % 60) ?? time
            notes.append(ImportNote(.warning, line: p.line, "\(p.name) \(v) is in UTC; converted to Asia/Shanghai (\(shifted) \(local))"))
            return DateValue(date: shifted, time: local)
        }
        if let tz = p.parameters["TZID"], VTimezone.known(tz) == nil {
            notes.append(ImportNote(.warning, line: p.line, "\(p.name) time zone \(tz) taken as Asia/Shanghai local time"))
        }
        return DateValue(date: date, time: time)
    }

    /// Whole days of a DURATION such as `P3D`, `P1W`, `PT2H` (0).
    static func durationDays(_ text: String) -> Int? {
        var rest = Substring(text.uppercased())
        if rest.hasPrefix("+") { rest = rest.dropFirst() }
        guard rest.hasPrefix("P") else { return nil }
        rest = rest.dropFirst()
        var days = 0
        var number = ""
        for c in rest {
            if c.isNumber { number.append(c); continue }
            if c == "T" { break }
            if c == "D" { days += Int(number) ?? 0 } else if c == "W" { days += 7 * (Int(number) ?? 0) }
            number = ""
        }
        return days
    }

    /// Maps an RRULE onto a date rule: `FREQ=YEARLY` → `MM-DD` (or a window), `FREQ=WEEKLY` with
    /// BYDAY → `weekly tue,fri`; INTERVAL for weekly and UNTIL are carried; the rest is noted.
    static func recurrence(
        _ p: ICSProperty, start: CivilDate, end: CivilDate, fallback: String, notes: inout [ImportNote]
    ) -> String {
        var parts: [String: String] = [:]
        for part in p.value.split(separator: ";") {
            let kv = part.split(separator: "=", maxSplits: 1).map(String.init)
            if kv.count == 2 { parts[kv[0].uppercased()] = kv[1] }
        }
        let freq = parts.removeValue(forKey: "FREQ")?.uppercased() ?? ""
        let interval = parts.removeValue(forKey: "INTERVAL").flatMap { Int($0) } ?? 1
        parts.removeValue(forKey: "WKST")
        var untilText = ""
        if let until = parts.removeValue(forKey: "UNTIL") {
            let u = Array(until.utf8)
            if u.count >= 8, let y = Int(String(decoding: u[0..<4], as: UTF8.self)),
                let m = Int(String(decoding: u[4..<6], as: UTF8.self)), let d = Int(String(decoding: u[6..<8], as: UTF8.self)),
                let date = CivilDate(year: y, month: m, day: d)
            {
                untilText = " until \(date)"
            } else {
                notes.append(ImportNote(.warning, line: p.line, "RRULE UNTIL=\(until) is not a date; ignored"))
            }
        }
        func md(_ d: CivilDate) -> String {
            let c = d.components
            return ICSFormat.pad(c.month, 2) + "-" + ICSFormat.pad(c.day, 2)
        }
        var rule: String
        switch freq {
        case "YEARLY":
            if let bymonth = parts.removeValue(forKey: "BYMONTH"), Int(bymonth) != start.month {
                notes.append(ImportNote(.warning, line: p.line, "RRULE BYMONTH=\(bymonth) differs from DTSTART; DTSTART's month used"))
            }
            if let bymonthday = parts.removeValue(forKey: "BYMONTHDAY"), Int(bymonthday) != start.day {
                notes.append(ImportNote(.warning, line: p.line, "RRULE BYMONTHDAY=\(bymonthday) differs from DTSTART; DTSTART's day used"))
            }
            rule = start == end ? md(start) : "\(md(start))..\(md(end))"
            if interval > 1 { rule += " interval \(interval)" }
            rule += " from \(start)"
        case "WEEKLY":
            var days: [String] = []
            if let byday = parts.removeValue(forKey: "BYDAY") {
                for code in byday.split(separator: ",") {
                    if let name = weekdayCodes[code.uppercased()] {
                        days.append(name)
                    } else {
                        notes.append(ImportNote(.warning, line: p.line, "RRULE BYDAY=\(code) not supported; skipped"))
                    }
                }
            }
            if days.isEmpty {
                days = [["mon", "tue", "wed", "thu", "fri", "sat", "sun"][start.weekday.rawValue - 1]]
            }
            if start != end {
                notes.append(ImportNote(.warning, line: p.line, "weekly events longer than a day are imported as their first day"))
            }
            rule = "weekly \(days.joined(separator: ","))"
            if interval > 1 { rule += " interval \(interval)" }
            rule += " from \(start)"
        default:
            notes.append(ImportNote(.warning, line: p.line, "RRULE FREQ=\(freq) not supported; imported as the first occurrence only"))
            return fallback
        }
        var countText = ""
        if let count = parts.removeValue(forKey: "COUNT") {
            if let n = Int(count), n > 0 {
                countText = " count \(n)"
            } else {
                notes.append(ImportNote(.warning, line: p.line, "RRULE COUNT=\(count) is not a positive number; ignored"))
            }
        }
        for key in parts.keys.sorted() {
            notes.append(ImportNote(.warning, line: p.line, "RRULE \(key)=\(parts[key] ?? "") not supported; ignored"))
        }
        return rule + untilText + countText
    }
}
