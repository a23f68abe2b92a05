import AlmanacCalendar
import AlmanacPlan
import Foundation

/// How far along one checklist (of one occurrence) is, overall and per responsible unit.
public struct ChecklistCompletion: Sendable, Hashable, Codable {
    /// Entries done (or not applicable).
    public var done: Int
    /// Entries in all.
    public var total: Int
    /// Per unit id: `(done, total)` of the entries that unit owns.
    public var units: [String: UnitCompletion]

    /// One unit's share of a checklist.
    public struct UnitCompletion: Sendable, Hashable, Codable {
        public var done: Int
        public var total: Int
        public init(done: Int, total: Int) {
            self.done = done
            self.total = total
        }
        /// 0...100, rounded down; 0 when there is nothing to do.
        public var percent: Int { total > 0 ? min(100, done * 100 / total) : 0 }
    }

    public init(done: Int, total: Int, units: [String: UnitCompletion] = [:]) {
        self.done = done
        self.total = total
        self.units = units
    }

    /// From the checklist model's summary: finished (submitted or accepted) leaf indicators over
    /// all leaf indicators, overall and per owner unit.
    public init(summary: ChecklistSummary) {
        var units: [String: UnitCompletion] = [:]
        for u in summary.units where !u.unit.isEmpty {
            units[u.unit] = UnitCompletion(done: u.totals.finished, total: u.totals.indicators)
        }
        self.init(done: summary.totals.finished, total: summary.totals.indicators, units: units)
    }

    /// 0...100, rounded down; 0 when there is nothing to do.
    public var percent: Int { total > 0 ? min(100, done * 100 / total) : 0 }
}

/// Remembers the SEQUENCE of every UID and the content hash it was issued for, so a changed
/// occurrence gets a higher SEQUENCE and an unchanged one keeps its number (RFC 5545 3.8.7.4).
///
/// The daemon keeps this table in its state directory (`feed-sequences.json`); offline exports
/// start from an empty table, so every SEQUENCE is 0 there.
public struct FeedSequences: Sendable, Hashable, Codable {
    public struct Entry: Sendable, Hashable, Codable {
        public var hash: String
        public var sequence: Int
    }

    public private(set) var entries: [String: Entry]

    public init(entries: [String: Entry] = [:]) {
        self.entries = entries
    }

    /// The SEQUENCE for `uid` whose content now hashes to `hash`: unchanged when the hash is the
    /// one recorded, one higher (and recorded) when it differs, 0 for a new UID.
    public mutating func sequence(for uid: String, hash: String) -> Int {
        if let entry = entries[uid] {
            if entry.hash == hash { return entry.sequence }
            let next = Entry(hash: hash, sequence: entry.sequence + 1)
            entries[uid] = next
            return next.sequence
        }
        entries[uid] = Entry(hash: hash, sequence: 0)
        return 0
    }
}

/// A stable 64-bit FNV-1a hash as 16 hex digits. Swift's `Hasher` is seeded per process, so it
/// cannot be stored; this one gives the same value in every run.
public func stableHash(_ parts: [String]) -> String {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for part in parts {
        for byte in part.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        // A separator byte that cannot occur in UTF-8, so ["ab","c"] and ["a","bc"] differ.
        hash ^= 0xff
        hash = hash &* 0x0000_0100_0000_01b3
    }
    let hex = String(hash, radix: 16)
    return String(repeating: "0", count: 16 - hex.count) + hex
}

/// Builds iCalendar feeds from a plan's agenda entries. Pure: the entries, the time stamp, the
/// checklist progress and the SEQUENCE table are parameters.
public struct PlanFeedBuilder: Sendable {
    /// The product identifier written as PRODID.
    public static let productID = "-//almanac//almanac feeds 1.0//ZH"

    public let plan: Plan
    /// Time of generation (DTSTAMP of every component).
    public var stamp: Date
    /// Progress per occurrence id (`item@YYYY-MM-DD`) of items with a checklist.
    public var checklists: [String: ChecklistCompletion]
    /// Items (their position in ``plan``'s items: a copy of every item here doubled the plan's
    /// largest part while the feeds were built) and units by id, and the checklist filed for each item.
    let itemIndex: [String: Int]
    let unitNames: [String: String]
    let checklistOfItem: [String: Checklist]
    /// Per checklist id (of the checklists filed for an item): the units owning its indicators,
    /// and its completion with nothing recorded. Computed once, not for every feed's to-dos: a
    /// checklist of 5,000 indicators in the feeds of 800 units was 800 walks and summaries of it.
    let checklistOwners: [String: Set<String>]
    let blankCompletion: [String: ChecklistCompletion]

    public init(plan: Plan, stamp: Date, checklists: [String: ChecklistCompletion] = [:]) {
        self.plan = plan
        self.stamp = stamp
        self.checklists = checklists
        var itemIndex: [String: Int] = [:]
        itemIndex.reserveCapacity(plan.items.count)
        for (index, item) in plan.items.enumerated() where itemIndex[item.id.value] == nil { itemIndex[item.id.value] = index }
        self.itemIndex = itemIndex
        var names: [String: String] = [:]
        for unit in plan.units where names[unit.id.value] == nil { names[unit.id.value] = unit.name.value }
        unitNames = names
        var filed: [String: Checklist] = [:]
        for item in plan.items {
            if let checklist = plan.checklists.first(where: { $0.id.value == item.checklist?.value || $0.item?.value == item.id.value }) {
                filed[item.id.value] = checklist
            }
        }
        checklistOfItem = filed
        var owners: [String: Set<String>] = [:]
        var blank: [String: ChecklistCompletion] = [:]
        for checklist in filed.values where owners[checklist.id.value] == nil {
            owners[checklist.id.value] = Self.owners(of: checklist)
            blank[checklist.id.value] = ChecklistCompletion(summary: ChecklistSummary(checklist, progress: [:]))
        }
        checklistOwners = owners
        blankCompletion = blank
    }

    /// The plan identity used in UIDs: the plan's id.
    public var planIdentity: String { plan.info.id.value }

    /// The UID of an agenda entry: item key, occurrence date and plan identity,
    /// `flag-salute-20270920.zhalainuoer@almanac` (`item.phase-...` for a phase).
    public func uid(for entry: AgendaEntry) -> String {
        "\(uidKey(entry))-\(uidDate(entry)).\(planIdentity)@almanac"
    }

    /// The UID of the checklist to-do of an entry.
    public func todoUID(for entry: AgendaEntry) -> String {
        "\(uidKey(entry))-\(uidDate(entry)).checklist.\(planIdentity)@almanac"
    }

    /// The entry's key with `/` (item/phase) written as `.`: clients such as khal and vdirsyncer
    /// name files after the UID, where a slash would be a directory.
    func uidKey(_ entry: AgendaEntry) -> String {
        entry.key.replacingOccurrences(of: "/", with: ".")
    }

    /// The first day, and the time when it is part of the occurrence's id (`20270920`, `20270920T2100`).
    func uidDate(_ entry: AgendaEntry) -> String {
        ICSFormat.date(entry.start) + (entry.id.time.map { "T" + String(format: "%02d%02d", $0.hour, $0.minute) } ?? "")
    }

    /// The occurrence id the scheduler and the store use: `item@YYYY-MM-DD` (`item/phase@...`).
    public static func occurrenceID(_ entry: AgendaEntry) -> String { entry.id.description }

    /// Chinese name of a kind, the first CATEGORIES value.
    public static func chineseKind(_ kind: ItemKind) -> String {
        switch kind {
        case .festival: "节日"
        case .campaign: "活动"
        case .inspection: "检查"
        case .meeting: "会议"
        case .deadline: "截止"
        case .recurringCheck: "例行检查"
        case .commemoration: "纪念日"
        case .task: "任务"
        }
    }

    /// The feed of the whole plan (`unit == nil`) or of one unit: the entries it owns or takes
    /// part in, and the checklist to-dos where it owns indicators.
    public func feed(entries: [AgendaEntry], unit: String? = nil, sequences: inout FeedSequences) -> String {
        let events = events(entries: entries, unit: unit, sequences: &sequences)
        let todos = todos(entries: entries, unit: unit, sequences: &sequences)
        return document(unit: unit, body: events + todos)
    }

    /// A feed around its body: the header, the time zone, the body's components.
    public func document(unit: String?, body: String, note: String? = nil) -> String {
        let (head, tail) = documentFrame(unit: unit, note: note)
        return head + body + tail
    }

    /// What comes before a feed's components (the header, the note, the VTIMEZONE) and after them
    /// (`END:VCALENDAR`), for writers that put the components in between piece by piece.
    public func documentFrame(unit: String?, note: String? = nil) -> (head: String, tail: String) {
        var w = ICSWriter()
        let unitName = unit.flatMap { unitNames[$0] }
        let name = unit.map { "\(plan.info.name.value) · \(unitName ?? $0)" } ?? plan.info.name.value
        Self.header(&w, name: name, timezone: plan.info.timezone.value)
        if let note { w.text("X-ALMANAC-NOTE", note) }
        if let tz = VTimezone.known(plan.info.timezone.value) { tz.write(&w) }
        var end = ICSWriter()
        end.end("VCALENDAR")
        return (w.text, end.text)
    }

    /// The VEVENTs of the entries a unit (or, with `nil`, the plan) owns or takes part in. They
    /// depend on the plan only, so the daemon keeps them until the plan changes.
    public func events(entries: [AgendaEntry], unit: String?, sequences: inout FeedSequences) -> String {
        var w = ICSWriter()
        let zone = plan.info.timezone.value
        let withTimezone = VTimezone.known(zone) != nil
        for entry in entries {
            if let unit, !Self.unitFeed(unit, holds: entry) { continue }
            event(&w, entry, zone: withTimezone ? zone : nil, sequences: &sequences)
        }
        return w.text
    }

    /// Each entry's VEVENT as folded text, in order: the same component goes into the plan's feed
    /// and into the feed of every unit that owns or takes part in it, so the daemon renders each
    /// once and joins them per feed (``events(entries:unit:sequences:)`` gives the same text).
    /// - Parameter isCancelled: Polled every 256 events; when it returns true the rendering stops
    ///   and the texts so far are returned (fewer than `entries`).
    public func eventTexts(
        entries: [AgendaEntry], sequences: inout FeedSequences, isCancelled: () -> Bool = { false }
    ) -> [String] {
        let zone = plan.info.timezone.value
        let withTimezone = VTimezone.known(zone) != nil
        var texts: [String] = []
        texts.reserveCapacity(entries.count)
        for entry in entries {
            if texts.count % 256 == 255, isCancelled() { break }
            var w = ICSWriter()
            event(&w, entry, zone: withTimezone ? zone : nil, sequences: &sequences)
            texts.append(w.text)
        }
        return texts
    }

    /// Whether a unit's feed holds the entry's event.
    public static func unitFeed(_ unit: String, holds entry: AgendaEntry) -> Bool {
        entry.owners.contains(unit) || entry.participants.contains(unit)
    }

    /// The checklist VTODOs (their PERCENT-COMPLETE follows the progress recorded).
    public func todos(entries: [AgendaEntry], unit: String?, sequences: inout FeedSequences) -> String {
        var w = ICSWriter()
        for entry in entries {
            guard let checklist = checklist(for: entry) else { continue }
            if let unit, checklistOwners[checklist.id.value]?.contains(unit) != true, !entry.owners.contains(unit) { continue }
            todo(&w, entry, checklist: checklist, unit: unit, sequences: &sequences)
        }
        return w.text
    }

    static func header(_ w: inout ICSWriter, name: String, timezone: String) {
        w.begin("VCALENDAR")
        w.raw("PRODID", productID)
        w.raw("VERSION", "2.0")
        w.raw("CALSCALE", "GREGORIAN")
        w.raw("METHOD", "PUBLISH")
        w.text("X-WR-CALNAME", name)
        w.text("X-WR-TIMEZONE", timezone)
    }

    /// The checklist filed for an entry's item (by the item's `checklist:` or the checklist's `item:`).
    public func checklist(for entry: AgendaEntry) -> Checklist? {
        guard entry.phaseID == nil else { return nil }
        return checklistOfItem[entry.itemID]
    }

    /// Units owning indicators of a checklist (an indicator inherits its parent's owner).
    static func owners(of checklist: Checklist) -> Set<String> {
        var result: Set<String> = []
        func walk(_ indicators: [Indicator]) {
            for i in indicators {
                if let o = i.owner?.value { result.insert(o) }
                walk(i.children)
            }
        }
        walk(checklist.indicators)
        return result
    }

    /// The DESCRIPTION: the item's description, owners, participants, lunar date, edition, how
    /// the date was found, and the source.
    func description(of entry: AgendaEntry) -> String {
        var lines: [String] = []
        let item = itemIndex[entry.itemID].map { plan.items[$0] }
        if let text = item?.description?.value, !text.isEmpty { lines.append(text) }
        if !entry.owners.isEmpty { lines.append("负责单位：" + unitNames(entry.owners)) }
        if !entry.participants.isEmpty { lines.append("参与单位：" + unitNames(entry.participants)) }
        if let lunar = try? ChineseCalendar.standard.lunarDate(from: entry.start) {
            lines.append("农历：" + lunar.chineseDescription)
        }
        if let edition = entry.edition { lines.append("届次：" + edition) }
        if !entry.explanation.isEmpty { lines.append("日期：" + entry.explanation.joined(separator: "；")) }
        var source: [String] = []
        if let ds = entry.dateSource { source.append(Self.dateSourceText(ds)) }
        if let quote = item?.sourceQuote?.value { source.append("“\(quote)”") }
        if let doc = plan.info.source?.value { source.append(doc) }
        if !source.isEmpty { lines.append("来源：" + source.joined(separator: " ")) }
        lines.append("条目：\(entry.key)（\(plan.info.name.value)）")
        return lines.joined(separator: "\n")
    }

    static func dateSourceText(_ source: DateSource) -> String {
        switch source {
        case .sourced: "日期出自原文"
        case .chosen: "日期由编制者选定"
        case .official: "日期依官方安排"
        }
    }

    func unitNames(_ ids: [String]) -> String {
        ids.map { unitNames[$0] ?? $0 }.joined(separator: "、")
    }

    func event(_ w: inout ICSWriter, _ entry: AgendaEntry, zone: String?, sequences: inout FeedSequences) {
        let uid = uid(for: entry)
        let summary = entry.title
        let description = description(of: entry)
        let categories = [Self.chineseKind(entry.kind), entry.kind.rawValue]
        var dates: [(String, String, [(String, String)])] = []
        if let time = entry.time {
            let params: [(String, String)] = zone.map { [("TZID", $0)] } ?? []
            dates.append(("DTSTART", ICSFormat.localDateTime(entry.start, hour: time.hour, minute: time.minute), params))
            if entry.isWindow {
                dates.append(("DTEND", ICSFormat.localDateTime(entry.end.adding(days: 1), hour: 0, minute: 0), params))
            } else {
                dates.append(("DURATION", "PT1H", []))
            }
        } else {
            dates.append(("DTSTART", ICSFormat.date(entry.start), [("VALUE", "DATE")]))
            // DTEND of an all-day event is exclusive: the day after the last day.
            dates.append(("DTEND", ICSFormat.date(entry.end.adding(days: 1)), [("VALUE", "DATE")]))
        }
        let hash = stableHash(
            [summary, description, categories.joined(separator: ",")]
                + dates.map { "\($0.0)\($0.2.map { "\($0.0)=\($0.1)" }.joined()):\($0.1)" })
        let sequence = sequences.sequence(for: uid, hash: hash)
        w.begin("VEVENT")
        w.text("UID", uid)
        w.raw("DTSTAMP", ICSFormat.utcDateTime(stamp))
        for (name, value, params) in dates { w.raw(name, value, parameters: params) }
        w.raw("SEQUENCE", String(sequence))
        w.text("SUMMARY", summary)
        w.text("DESCRIPTION", description)
        w.textList("CATEGORIES", categories)
        w.raw("TRANSP", "TRANSPARENT")
        w.end("VEVENT")
    }

    func todo(
        _ w: inout ICSWriter, _ entry: AgendaEntry, checklist: Checklist, unit: String?, sequences: inout FeedSequences
    ) {
        let uid = unit.map { "\(uidKey(entry))-\(uidDate(entry)).checklist.\($0).\(planIdentity)@almanac" }
            ?? todoUID(for: entry)
        let completion = checklists[Self.occurrenceID(entry)]
        // Without recorded progress: every leaf indicator open (the checklist model's own count).
        let fallback = blankCompletion[checklist.id.value]
            ?? ChecklistCompletion(summary: ChecklistSummary(checklist, progress: [:]))
        let done: Int
        let total: Int
        if let unit {
            let share = completion?.units[unit] ?? fallback.units[unit]
            done = share?.done ?? 0
            total = share?.total ?? 0
        } else {
            done = completion?.done ?? 0
            total = completion?.total ?? fallback.total
        }
        let percent = total > 0 ? min(100, done * 100 / total) : 0
        let status = percent >= 100 ? "COMPLETED" : (done > 0 ? "IN-PROCESS" : "NEEDS-ACTION")
        let summary = "清单：\(checklist.title.value)"
        let description = [
            "完成 \(done)/\(total) 项（\(percent)%）",
            "清单：\(checklist.id.value)",
            "负责单位：" + unitNames(unit.map { [$0] } ?? entry.owners),
            "条目：\(entry.key)（\(plan.info.name.value)）",
        ].joined(separator: "\n")
        let due = ICSFormat.date(entry.end)
        let hash = stableHash([summary, description, due, String(percent), status])
        let sequence = sequences.sequence(for: uid, hash: hash)
        w.begin("VTODO")
        w.text("UID", uid)
        w.raw("DTSTAMP", ICSFormat.utcDateTime(stamp))
        w.raw("DUE", due, parameters: [("VALUE", "DATE")])
        w.raw("SEQUENCE", String(sequence))
        w.text("SUMMARY", summary)
        w.text("DESCRIPTION", description)
        w.textList("CATEGORIES", ["清单", "checklist", Self.chineseKind(entry.kind)])
        w.raw("PERCENT-COMPLETE", String(percent))
        w.raw("STATUS", status)
        w.end("VTODO")
    }
}

/// A VTIMEZONE this library can write without a time-zone database: zones with one fixed offset.
public struct VTimezone: Sendable, Hashable {
    public var id: String
    /// `+0800`.
    public var offset: String
    public var abbreviation: String

    /// China has had no daylight saving time since 1991; one STANDARD rule at +0800 describes it.
    public static func known(_ id: String) -> VTimezone? {
        switch id {
        case "Asia/Shanghai", "Asia/Chongqing", "Asia/Harbin", "Asia/Urumqi", "PRC":
            VTimezone(id: id, offset: "+0800", abbreviation: "CST")
        default: nil
        }
    }

    func write(_ w: inout ICSWriter) {
        w.begin("VTIMEZONE")
        w.text("TZID", id)
        w.text("X-LIC-LOCATION", id)
        w.begin("STANDARD")
        w.raw("TZOFFSETFROM", offset)
        w.raw("TZOFFSETTO", offset)
        w.text("TZNAME", abbreviation)
        w.raw("DTSTART", "19700101T000000")
        w.end("STANDARD")
        w.end("VTIMEZONE")
    }
}

/// The feed of official days off and make-up working days (调休上班) from the holiday tables.
public enum HolidayFeed {
    /// One VEVENT per run of consecutive days off of a break, one per make-up working day.
    public static func feed(work: WorkCalendar, years: ClosedRange<Int>? = nil, stamp: Date) -> String {
        var w = ICSWriter()
        PlanFeedBuilder.header(&w, name: "中国法定节假日与调休", timezone: "Asia/Shanghai")
        for year in work.tables.keys.sorted() {
            if let years, !years.contains(year) { continue }
            guard let table = work.tables[year] else { continue }
            let notice = table.notices.map { "\($0.title)（\($0.documentNumber)）" }.joined(separator: "；")
            for b in table.breaks {
                for run in runs(b.daysOff) {
                    w.begin("VEVENT")
                    w.text("UID", "holiday-\(ICSFormat.date(run.lowerBound))-off@almanac")
                    w.raw("DTSTAMP", ICSFormat.utcDateTime(stamp))
                    w.raw("DTSTART", ICSFormat.date(run.lowerBound), parameters: [("VALUE", "DATE")])
                    w.raw("DTEND", ICSFormat.date(run.upperBound.adding(days: 1)), parameters: [("VALUE", "DATE")])
                    w.raw("SEQUENCE", "0")
                    w.text("SUMMARY", "\(b.name)放假")
                    w.text("DESCRIPTION", "\(b.name)（\(b.englishName)）放假\(run.lowerBound.days(to: run.upperBound) + 1)天" + (notice.isEmpty ? "" : "\n依据：\(notice)"))
                    w.textList("CATEGORIES", ["放假", "holiday"])
                    w.raw("TRANSP", "TRANSPARENT")
                    w.end("VEVENT")
                }
                for day in b.makeupWorkdays {
                    w.begin("VEVENT")
                    w.text("UID", "holiday-\(ICSFormat.date(day))-work@almanac")
                    w.raw("DTSTAMP", ICSFormat.utcDateTime(stamp))
                    w.raw("DTSTART", ICSFormat.date(day), parameters: [("VALUE", "DATE")])
                    w.raw("DTEND", ICSFormat.date(day.adding(days: 1)), parameters: [("VALUE", "DATE")])
                    w.raw("SEQUENCE", "0")
                    w.text("SUMMARY", "调休上班（\(b.name)）")
                    w.text("DESCRIPTION", "\(b.name)调休，\(day)上班" + (notice.isEmpty ? "" : "\n依据：\(notice)"))
                    w.textList("CATEGORIES", ["调休上班", "make-up working day"])
                    w.raw("TRANSP", "TRANSPARENT")
                    w.end("VEVENT")
                }
            }
        }
        w.end("VCALENDAR")
        return w.text
    }

    /// Consecutive runs of sorted days.
    static func runs(_ days: [CivilDate]) -> [ClosedRange<CivilDate>] {
        var result: [ClosedRange<CivilDate>] = []
        for d in days.sorted() {
            if let last = result.last, last.upperBound.adding(days: 1) == d {
                result[result.count - 1] = last.lowerBound...d
            } else {
                result.append(d...d)
            }
        }
        return result
    }
}
