import Foundation
import AlmanacCalendar

/// A value together with the place in a plan file it was read from.
///
/// Equality compares the value only, so a plan re-read from emitted text equals the original.
public struct Located<Value: Sendable>: Sendable {
    public var value: Value
    public var location: SourceLocation?

    public init(_ value: Value, at location: SourceLocation? = nil) {
        self.value = value
        self.location = location
    }
}

extension Located: Equatable where Value: Equatable {
    public static func == (lhs: Located, rhs: Located) -> Bool { lhs.value == rhs.value }
}

extension Located: Hashable where Value: Hashable {
    public func hash(into hasher: inout Hasher) { hasher.combine(value) }
}

extension Located: Encodable where Value: Encodable {
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(value)
    }
}

/// What an item is. The kind picks the reminder defaults and how views show it.
public enum ItemKind: String, Sendable, Hashable, Codable, CaseIterable {
    case festival, campaign, inspection, meeting, deadline
    case recurringCheck = "recurring-check"
    case commemoration, task

    /// Whether an occurrence whose last day has passed leaves work undone (a deadline, an
    /// inspection, a task); a festival that passed is just past.
    public var hasDeadline: Bool { self == .deadline || self == .inspection || self == .task }
}

/// Whether a date was stated by the source document, fixed by an official calendar, or chosen by the
/// plan's author because the source gives none.
public enum DateSource: String, Sendable, Hashable, Codable, CaseIterable {
    case sourced, chosen, official
}

/// A lead time or interval: `-10wd` (ten working days before), `-1d`, `0d`, `2w`, `1wd`.
public struct Lead: Sendable, Hashable, Codable, CustomStringConvertible {
    public enum Unit: String, Sendable, Hashable, Codable {
        case days = "d", workingDays = "wd", weeks = "w"
    }
    /// Negative counts are before the occurrence.
    public var amount: Int
    public var unit: Unit

    public init(amount: Int, unit: Unit) {
        self.amount = amount
        self.unit = unit
    }

    /// Parses `-10wd`, `+3d`, `0d`, `2w`. Returns nil for anything else.
    public init?(text: String) {
        // The usual spelling, read from its UTF-8 in place: a sign, up to four digits, the unit.
        if let lead = text.utf8.withContiguousStorageIfAvailable(Self.ascii) ?? nil {
            self = lead
            return
        }
        var rest = Substring(text.trimmingCharacters(in: .whitespaces))
        var sign = 1
        if rest.hasPrefix("-") {
            sign = -1
            rest = rest.dropFirst()
        } else if rest.hasPrefix("+") {
            rest = rest.dropFirst()
        }
        let digits = rest.prefix(while: { $0.isASCII && $0.isNumber })
        guard !digits.isEmpty, digits.count <= 4, let value = Int(digits) else { return nil }
        guard let unit = Unit(rawValue: String(rest.dropFirst(digits.count))) else { return nil }
        self.amount = sign * value
        self.unit = unit
    }

    /// `-10wd`, `+3d`, `0d`, `2w` written with nothing around; nil for any other text (spaces,
    /// other digits, more than four digits), which `init?(text:)` reads the long way. The bytes
    /// are read from a buffer and the unit by its length and bytes: walking a `String.UTF8View`
    /// by its indices and comparing the rest with each unit's text cost 720 instructions a lead.
    private static func ascii(_ bytes: UnsafeBufferPointer<UInt8>) -> Lead? {
        var i = 0
        var sign = 1
        if i < bytes.count, bytes[i] == UInt8(ascii: "-") || bytes[i] == UInt8(ascii: "+") {
            if bytes[i] == UInt8(ascii: "-") { sign = -1 }
            i += 1
        }
        var value = 0
        var digits = 0
        while i < bytes.count, bytes[i] >= UInt8(ascii: "0"), bytes[i] <= UInt8(ascii: "9") {
            digits += 1
            // Five digits or more are no lead (the long way says so too); stopping here also
            // keeps `value` from overflowing on a long run of digits.
            guard digits <= 4 else { return nil }
            value = value * 10 + Int(bytes[i] - UInt8(ascii: "0"))
            i += 1
        }
        guard digits > 0 else { return nil }
        switch (bytes.count - i, bytes.count - i > 0 ? bytes[i] : 0) {
        case (1, UInt8(ascii: "d")): return Lead(amount: sign * value, unit: .days)
        case (1, UInt8(ascii: "w")): return Lead(amount: sign * value, unit: .weeks)
        case (2, UInt8(ascii: "w")) where bytes[i + 1] == UInt8(ascii: "d"):
            return Lead(amount: sign * value, unit: .workingDays)
        default: return nil
        }
    }

    /// The canonical text: `-10wd`, `-1d`, `0d`, `+2d`.
    public var description: String {
        let sign = amount < 0 ? "-" : (amount > 0 ? "+" : "")
        return "\(sign)\(abs(amount))\(unit.rawValue)"
    }

    /// Interval text without a sign, for repeat intervals: `1d`, `2wd`.
    public var intervalText: String { "\(abs(amount))\(unit.rawValue)" }

    /// Reads "十个工作日前" style: the count as an explanation in Chinese.
    public var chineseDescription: String {
        let n = abs(amount)
        let unitText: String
        switch unit {
        case .days: unitText = "天"
        case .workingDays: unitText = "个工作日"
        case .weeks: unitText = "周"
        }
        if amount == 0 { return "当天" }
        return amount < 0 ? "提前\(n)\(unitText)" : "之后\(n)\(unitText)"
    }

    /// The same in English: `10 working days before`, `on the day`, `2 days after`.
    public var englishDescription: String {
        let n = abs(amount)
        let unitText: String
        switch unit {
        case .days: unitText = n == 1 ? "day" : "days"
        case .workingDays: unitText = n == 1 ? "working day" : "working days"
        case .weeks: unitText = n == 1 ? "week" : "weeks"
        }
        if amount == 0 { return "on the day" }
        return "\(n) \(unitText) " + (amount < 0 ? "before" : "after")
    }
}

/// When and how often the responsible units are reminded of an item.
///
/// Its fields are ``Shared``: every item and every series of a plan holds a policy, and most hold
/// their kind's default, so copies share one box (docs/benchmarks.md, eighteenth part).
public struct ReminderPolicy: Sendable, Hashable, Encodable {
    private struct Fields: Sendable, Hashable, Encodable {
        var leads: [Located<Lead>]
        var time: Located<TimeOfDay>?
        var repeatWhileOverdue: Located<Lead>?
        var escalateAfter: Located<Lead>?
    }

    private var fields: Shared<Fields>

    /// Lead times before (negative) or after the start of each occurrence.
    public var leads: [Located<Lead>] {
        get { fields.value.leads }
        set { fields.value.leads = newValue }
    }
    /// Time of day the reminders go out; nil means the daemon's `delivery_time`.
    public var time: Located<TimeOfDay>? {
        get { fields.value.time }
        set { fields.value.time = newValue }
    }
    /// While an occurrence is past due and not marked done, remind again at this interval.
    public var repeatWhileOverdue: Located<Lead>? {
        get { fields.value.repeatWhileOverdue }
        set { fields.value.repeatWhileOverdue = newValue }
    }
    /// Tell the leaders of the owner units once the item is this long overdue.
    public var escalateAfter: Located<Lead>? {
        get { fields.value.escalateAfter }
        set { fields.value.escalateAfter = newValue }
    }

    public init(
        leads: [Located<Lead>] = [], time: Located<TimeOfDay>? = nil, repeatWhileOverdue: Located<Lead>? = nil,
        escalateAfter: Located<Lead>? = nil
    ) {
        fields = Shared(Fields(leads: leads, time: time, repeatWhileOverdue: repeatWhileOverdue, escalateAfter: escalateAfter))
    }

    public func encode(to encoder: any Encoder) throws { try fields.value.encode(to: encoder) }

    /// The leads a kind gets when neither the item nor the plan's `defaults` give any
    /// (docs/scheduler.md, "Built-in leads"). Only leads: no time (the daemon's `delivery_time`
    /// applies), no repeats, no escalation.
    public static func builtIn(for kind: ItemKind) -> ReminderPolicy {
        let leads: [Lead]
        switch kind {
        case .festival, .commemoration, .task:
            leads = [Lead(amount: -5, unit: .workingDays), Lead(amount: -1, unit: .days)]
        case .campaign:
            leads = [Lead(amount: -10, unit: .workingDays), Lead(amount: -1, unit: .workingDays), Lead(amount: 0, unit: .days)]
        case .inspection:
            leads = [Lead(amount: -10, unit: .workingDays), Lead(amount: -3, unit: .workingDays), Lead(amount: -1, unit: .days)]
        case .meeting:
            leads = [Lead(amount: -3, unit: .workingDays), Lead(amount: -1, unit: .days)]
        case .deadline:
            leads = [
                Lead(amount: -15, unit: .workingDays), Lead(amount: -5, unit: .workingDays),
                Lead(amount: -1, unit: .workingDays), Lead(amount: 0, unit: .days),
            ]
        case .recurringCheck:
            leads = [Lead(amount: 0, unit: .days)]
        }
        return ReminderPolicy(leads: leads.map { Located($0) })
    }

    /// Fields set here win over `base`; fields left out fall back to it. A policy that sets no
    /// field gives `base` itself, and one that sets every field itself (their box is shared).
    public func filled(from base: ReminderPolicy?) -> ReminderPolicy {
        guard let base else { return self }
        if leads.isEmpty, time == nil, repeatWhileOverdue == nil, escalateAfter == nil { return base }
        if !leads.isEmpty, time != nil, repeatWhileOverdue != nil, escalateAfter != nil { return self }
        return ReminderPolicy(
            leads: leads.isEmpty ? base.leads : leads, time: time ?? base.time,
            repeatWhileOverdue: repeatWhileOverdue ?? base.repeatWhileOverdue,
            escalateAfter: escalateAfter ?? base.escalateAfter)
    }
}

/// A person attached to a unit: its leader or day-to-day contact.
public struct Person: Sendable, Hashable, Encodable {
    public var name: Located<String>
    public var mail: Located<String>?
    public var phone: Located<String>?
    /// Group robots and webhooks that get this person's reminders (a leader's escalations).
    public var robots: [RobotDestination]

    public init(
        name: Located<String>, mail: Located<String>? = nil, phone: Located<String>? = nil, robots: [RobotDestination] = []
    ) {
        self.name = name
        self.mail = mail
        self.phone = phone
        self.robots = robots
    }
}

/// The group-robot services a plan can name.
public enum RobotKind: String, Sendable, Hashable, CaseIterable, Encodable {
    /// 企业微信 group robot.
    case wecom
    /// 钉钉 custom robot.
    case dingtalk
    /// 飞书 / Lark custom bot.
    case feishu
    /// Any HTTPS endpoint taking almanac's signed JSON.
    case webhook

    /// The message formats of the service; the first is the default.
    public var formats: [String] {
        switch self {
        case .wecom, .dingtalk: ["text", "markdown"]
        case .feishu: ["text", "card"]
        case .webhook: ["json"]
        }
    }

    /// Whether it can take its key alone (`key:`) instead of the whole `url:`.
    public var takesKey: Bool { self != .webhook }
}

/// A group robot (or webhook) that a unit or a person gets reminders on, beside mail.
///
/// The URL (or the key the service hands out) says where; the signing secret is never in the
/// plan, only the file that holds it (`secret_file`), which the daemon reads and refuses when
/// others may read it.
public struct RobotDestination: Sendable, Hashable, Encodable {
    public var kind: Located<RobotKind>
    /// Tells several robots of one service apart (`主群`, `办公室`).
    public var name: Located<String>?
    /// The full `https://` URL of the robot.
    public var url: Located<String>?
    /// WeCom's `key`, DingTalk's `access_token` or Feishu's hook id, for the service's usual URL.
    public var key: Located<String>?
    /// A file with the signing secret (DingTalk 加签, Feishu signature, the webhook's secret).
    public var secretFile: Located<String>?
    /// `text` or `markdown` (WeCom, DingTalk), `text` or `card` (Feishu).
    public var format: Located<String>?
    /// `zh` (default) or `en`.
    public var language: Located<String>?
    /// Mobile numbers to @; absent: the person the unit names (its contact, or the leader).
    public var mention: [Located<String>]?
    /// @ everyone in the group.
    public var mentionAll: Located<Bool>?
    public var location: SourceLocation?

    public init(
        kind: Located<RobotKind>, name: Located<String>? = nil, url: Located<String>? = nil, key: Located<String>? = nil,
        secretFile: Located<String>? = nil, format: Located<String>? = nil, language: Located<String>? = nil,
        mention: [Located<String>]? = nil, mentionAll: Located<Bool>? = nil, location: SourceLocation? = nil
    ) {
        self.kind = kind
        self.name = name
        self.url = url
        self.key = key
        self.secretFile = secretFile
        self.format = format
        self.language = language
        self.mention = mention
        self.mentionAll = mentionAll
        self.location = location
    }

    public static func == (lhs: RobotDestination, rhs: RobotDestination) -> Bool {
        lhs.kind == rhs.kind && lhs.name == rhs.name && lhs.url == rhs.url && lhs.key == rhs.key
            && lhs.secretFile == rhs.secretFile && lhs.format == rhs.format && lhs.language == rhs.language
            && lhs.mention == rhs.mention && lhs.mentionAll == rhs.mentionAll
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(kind)
        hasher.combine(url)
        hasher.combine(key)
    }

    private enum CodingKeys: String, CodingKey {
        case kind, name, url, key, secretFile, format, language, mention, mentionAll
    }

    /// `wecom`, or `wecom/主群` with a name: how the destination is called in messages.
    public var label: String { kind.value.rawValue + (name.map { "/\($0.value)" } ?? "") }
}

/// A responsible organisation (区文明办, 文化稽查队, ...).
public struct PlanUnit: Sendable, Hashable, Encodable {
    public var id: Located<String>
    public var name: Located<String>
    public var mail: [Located<String>]
    public var leader: Person?
    public var contact: Person?
    public var parent: Located<String>?
    /// Group robots and webhooks that get the unit's reminders, beside mail.
    public var robots: [RobotDestination]

    public init(
        id: Located<String>, name: Located<String>, mail: [Located<String>] = [], leader: Person? = nil,
        contact: Person? = nil, parent: Located<String>? = nil, robots: [RobotDestination] = []
    ) {
        self.id = id
        self.name = name
        self.mail = mail
        self.leader = leader
        self.contact = contact
        self.parent = parent
        self.robots = robots
    }
}

/// A numbered edition or anniversary: 第七届 in 2011 means the first was in 2005 when annual;
/// 建党 106 周年 in 2027 counts from 1921.
public struct Edition: Sendable, Hashable, Encodable {
    private struct Fields: Sendable, Hashable, Encodable {
        var firstYear: Located<Int>
        var firstNumber: Located<Int>
        var every: Located<Int>
        var format: Located<String>
    }

    /// ``Shared``: most items have none, and an edition inline took 168 bytes of every item.
    private var fields: Shared<Fields>

    /// The year of edition number `firstNumber`.
    public var firstYear: Located<Int> {
        get { fields.value.firstYear }
        set { fields.value.firstYear = newValue }
    }
    /// The number of the edition held in `firstYear`: 1 for 第一届, 0 for anniversaries.
    public var firstNumber: Located<Int> {
        get { fields.value.firstNumber }
        set { fields.value.firstNumber = newValue }
    }
    /// Years between editions.
    public var every: Located<Int> {
        get { fields.value.every }
        set { fields.value.every = newValue }
    }
    /// How the number is shown; `{n}` is replaced: `第{n}届`, `建党{n}周年`.
    public var format: Located<String> {
        get { fields.value.format }
        set { fields.value.format = newValue }
    }

    public init(firstYear: Located<Int>, firstNumber: Located<Int>, every: Located<Int>, format: Located<String>) {
        fields = Shared(Fields(firstYear: firstYear, firstNumber: firstNumber, every: every, format: format))
    }

    public func encode(to encoder: any Encoder) throws { try fields.value.encode(to: encoder) }

    /// The edition number in `year`, or nil when no edition falls in that year.
    public func number(in year: Int) -> Int? {
        let step = max(every.value, 1)
        let delta = year - firstYear.value
        guard delta >= 0, delta % step == 0 else { return nil }
        return firstNumber.value + delta / step
    }

    /// The label in `year` ("第二十三届"), with Arabic digits replaced by Chinese numerals.
    public func label(in year: Int) -> String? {
        guard let n = number(in: year) else { return nil }
        return format.value.replacingOccurrences(of: "{n}", with: ChineseNumerals.text(n))
    }
}

/// A minimum frequency for recurring checks: 每周不少于两次 = `{count: 2, per: week}`. Its fields
/// are ``Shared``: an item or series without a quota holds 8 bytes.
public struct Quota: Sendable, Hashable, Encodable {
    public enum Period: String, Sendable, Hashable, Codable, CaseIterable {
        case day, week, month, quarter, year
    }

    private struct Fields: Sendable, Hashable, Encodable {
        var count: Located<Int>
        var per: Located<Period>
    }

    private var fields: Shared<Fields>

    public var count: Located<Int> {
        get { fields.value.count }
        set { fields.value.count = newValue }
    }
    public var per: Located<Period> {
        get { fields.value.per }
        set { fields.value.per = newValue }
    }

    public init(count: Located<Int>, per: Located<Period>) {
        fields = Shared(Fields(count: count, per: per))
    }

    public func encode(to encoder: any Encoder) throws { try fields.value.encode(to: encoder) }
}

/// One part of a multi-part event (the art festival: exhibition, opening, closing).
public struct Phase: Sendable, Hashable, Encodable {
    public var id: Located<String>
    public var title: Located<String>
    public var when: Located<String>
    public var time: Located<TimeOfDay>?
    public var owners: [Located<String>]
    public var dateSource: Located<DateSource>?
    public var sourceQuote: Located<String>?
    public var location: SourceLocation?

    public init(
        id: Located<String>, title: Located<String>, when: Located<String>, time: Located<TimeOfDay>? = nil,
        owners: [Located<String>] = [], dateSource: Located<DateSource>? = nil, sourceQuote: Located<String>? = nil,
        location: SourceLocation? = nil
    ) {
        self.id = id
        self.title = title
        self.when = when
        self.time = time
        self.owners = owners
        self.dateSource = dateSource
        self.sourceQuote = sourceQuote
        self.location = location
    }

    public static func == (lhs: Phase, rhs: Phase) -> Bool {
        lhs.id == rhs.id && lhs.title == rhs.title && lhs.when == rhs.when && lhs.time == rhs.time
            && lhs.owners == rhs.owners && lhs.dateSource == rhs.dateSource && lhs.sourceQuote == rhs.sourceQuote
    }

    public func hash(into hasher: inout Hasher) { hasher.combine(id) }

    private enum CodingKeys: String, CodingKey {
        case id, title, when, time, owners, dateSource, sourceQuote
    }
}

/// One thing the plan schedules.
public struct PlanItem: Sendable, Hashable, Encodable {
    public var id: Located<String>
    public var kind: Located<ItemKind>
    public var title: Located<String>
    public var description: Located<String>?
    /// The date rule (see docs/plan-format.md); nil when the phases carry the dates.
    public var when: Located<String>?
    public var time: Located<TimeOfDay>?
    public var owners: [Located<String>]
    public var participants: [Located<String>]
    public var remind: ReminderPolicy?
    public var phases: [Phase]
    public var edition: Edition?
    public var tags: [Located<String>]
    public var quota: Quota?
    public var dependsOn: [Located<String>]
    public var checklist: Located<String>?
    public var dateSource: Located<DateSource>?
    public var sourceQuote: Located<String>?
    /// The title in English (the generic webhook carries both, English robots show it).
    public var titleEnglish: Located<String>?
    /// Where the item's mapping starts.
    public var location: SourceLocation?

    public init(
        id: Located<String>, kind: Located<ItemKind>, title: Located<String>, description: Located<String>? = nil,
        when: Located<String>? = nil, time: Located<TimeOfDay>? = nil, owners: [Located<String>] = [],
        participants: [Located<String>] = [], remind: ReminderPolicy? = nil, phases: [Phase] = [],
        edition: Edition? = nil, tags: [Located<String>] = [], quota: Quota? = nil,
        dependsOn: [Located<String>] = [], checklist: Located<String>? = nil, dateSource: Located<DateSource>? = nil,
        sourceQuote: Located<String>? = nil, titleEnglish: Located<String>? = nil, location: SourceLocation? = nil
    ) {
        self.id = id
        self.kind = kind
        self.title = title
        self.titleEnglish = titleEnglish
        self.description = description
        self.when = when
        self.time = time
        self.owners = owners
        self.participants = participants
        self.remind = remind
        self.phases = phases
        self.edition = edition
        self.tags = tags
        self.quota = quota
        self.dependsOn = dependsOn
        self.checklist = checklist
        self.dateSource = dateSource
        self.sourceQuote = sourceQuote
        self.location = location
    }

    public static func == (lhs: PlanItem, rhs: PlanItem) -> Bool {
        lhs.id == rhs.id && lhs.kind == rhs.kind && lhs.title == rhs.title && lhs.description == rhs.description
            && lhs.when == rhs.when && lhs.time == rhs.time && lhs.owners == rhs.owners
            && lhs.participants == rhs.participants && lhs.remind == rhs.remind && lhs.phases == rhs.phases
            && lhs.edition == rhs.edition && lhs.tags == rhs.tags && lhs.quota == rhs.quota
            && lhs.dependsOn == rhs.dependsOn && lhs.checklist == rhs.checklist && lhs.dateSource == rhs.dateSource
            && lhs.sourceQuote == rhs.sourceQuote && lhs.titleEnglish == rhs.titleEnglish
    }

    public func hash(into hasher: inout Hasher) { hasher.combine(id) }

    private enum CodingKeys: String, CodingKey {
        case id, kind, title, titleEnglish, description, when, time, owners, participants, remind, phases, edition, tags, quota
        case dependsOn, checklist, dateSource, sourceQuote
    }
}

/// One indicator of a checklist; indicators form a tree (领域 → 大项 → 小项).
public struct Indicator: Sendable, Hashable, Encodable {
    public var code: Located<String>
    public var title: Located<String>
    public var owner: Located<String>?
    /// How many pieces of evidence (佐证材料) must be filed.
    public var evidence: Located<Int>?
    /// Due date as a date rule; nil means the checklist item's date.
    public var due: Located<String>?
    /// Declared counts of descendants per level name, for parts of the tree not written out.
    public var totals: [Located<String>: Located<Int>]
    public var children: [Indicator]
    /// Free text for the responsible unit (备注).
    public var notes: Located<String>?
    public var location: SourceLocation?

    public init(
        code: Located<String>, title: Located<String>, owner: Located<String>? = nil, evidence: Located<Int>? = nil,
        due: Located<String>? = nil, totals: [Located<String>: Located<Int>] = [:], children: [Indicator] = [],
        notes: Located<String>? = nil, location: SourceLocation? = nil
    ) {
        self.code = code
        self.title = title
        self.owner = owner
        self.evidence = evidence
        self.due = due
        self.totals = totals
        self.children = children
        self.notes = notes
        self.location = location
    }

    public static func == (lhs: Indicator, rhs: Indicator) -> Bool {
        lhs.code == rhs.code && lhs.title == rhs.title && lhs.owner == rhs.owner && lhs.evidence == rhs.evidence
            && lhs.due == rhs.due && lhs.totals == rhs.totals && lhs.children == rhs.children && lhs.notes == rhs.notes
    }

    public func hash(into hasher: inout Hasher) { hasher.combine(code) }

    private enum CodingKeys: String, CodingKey {
        case code, title, owner, evidence, due, totals, children, notes
    }
}

/// A tree of indicators with declared totals (143 大项, 355 小项) checked against the tree.
public struct Checklist: Sendable, Hashable, Encodable {
    public var id: Located<String>
    public var title: Located<String>
    /// The item this checklist is filed for; its date is the default due date.
    public var item: Located<String>?
    /// Names of the tree levels, top first: `[领域, 大项, 小项]`.
    public var levels: [Located<String>]
    /// Declared counts per level name.
    public var totals: [Located<String>: Located<Int>]
    public var indicators: [Indicator]
    /// A CSV file (relative to the plan file) whose rows the loader appends to `indicators`.
    /// Not part of equality: a loaded plan carries the file's indicators, written out or not.
    public var source: Located<String>?
    public var location: SourceLocation?

    public init(
        id: Located<String>, title: Located<String>, item: Located<String>? = nil, levels: [Located<String>] = [],
        totals: [Located<String>: Located<Int>] = [:], indicators: [Indicator] = [], source: Located<String>? = nil,
        location: SourceLocation? = nil
    ) {
        self.id = id
        self.title = title
        self.item = item
        self.levels = levels
        self.totals = totals
        self.indicators = indicators
        self.source = source
        self.location = location
    }

    public static func == (lhs: Checklist, rhs: Checklist) -> Bool {
        lhs.id == rhs.id && lhs.title == rhs.title && lhs.item == rhs.item && lhs.levels == rhs.levels
            && lhs.totals == rhs.totals && lhs.indicators == rhs.indicators
    }

    public func hash(into hasher: inout Hasher) { hasher.combine(id) }

    private enum CodingKeys: String, CodingKey {
        case id, title, item, levels, totals, indicators
    }
}

/// The years a plan applies to.
public enum PlanYears: Sendable, Hashable, Encodable {
    /// Exactly these years.
    case list([Located<Int>])
    /// Every year; year-specific overrides refine single years.
    case every

    /// True when the plan applies in `year`.
    public func contains(_ year: Int) -> Bool {
        switch self {
        case .every: true
        case .list(let years): years.contains { $0.value == year }
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .every: try container.encode("every")
        case .list(let years): try container.encode(years.map(\.value))
        }
    }
}

/// Plan metadata.
public struct PlanInfo: Sendable, Hashable, Encodable {
    public var id: Located<String>
    public var name: Located<String>
    public var years: PlanYears
    /// IANA time zone of all dates and times; default Asia/Shanghai.
    public var timezone: Located<String>
    /// The official holiday calendar: `cn` (mainland China), or `none`.
    public var holidays: Located<String>
    public var description: Located<String>?
    /// The document the plan was written from.
    public var source: Located<String>?
    /// How many responsible units the source document names (`declared_units: 80`), when the
    /// plan lists fewer of them under `units:`; validation warns about the difference.
    public var declaredUnits: Located<Int>?

    public init(
        id: Located<String>, name: Located<String>, years: PlanYears, timezone: Located<String> = Located("Asia/Shanghai"),
        holidays: Located<String> = Located("cn"), description: Located<String>? = nil, source: Located<String>? = nil,
        declaredUnits: Located<Int>? = nil
    ) {
        self.id = id
        self.name = name
        self.years = years
        self.timezone = timezone
        self.holidays = holidays
        self.description = description
        self.source = source
        self.declaredUnits = declaredUnits
    }
}

/// Changes to the plan in one year: items replaced field by field, items added, items dropped.
public struct YearOverride: Sendable, Hashable, Encodable {
    public var year: Located<Int>
    /// Per item id, the fields that replace the every-year item's fields (or a whole new item).
    public var items: [ItemPatch]
    /// Item ids that do not take place this year.
    public var skip: [Located<String>]

    public init(year: Located<Int>, items: [ItemPatch] = [], skip: [Located<String>] = []) {
        self.year = year
        self.items = items
        self.skip = skip
    }
}

/// Fields of one item in a year override, kept as YAML so they merge over the every-year item.
public struct ItemPatch: Sendable, Hashable, Encodable {
    public var id: Located<String>
    public var fields: YAMLTree

    public init(id: Located<String>, fields: YAMLTree) {
        self.id = id
        self.fields = fields
    }

    public static func == (lhs: ItemPatch, rhs: ItemPatch) -> Bool {
        lhs.id == rhs.id && YAMLTree.sameContent(lhs.fields, rhs.fields)
    }

    public func hash(into hasher: inout Hasher) { hasher.combine(id) }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(id.value)
    }
}

/// A whole plan, possibly composed from several files.
public struct Plan: Sendable, Hashable, Encodable {
    public var info: PlanInfo
    /// Reminder policies per item kind; `ReminderDefaults.anyKey` applies to every kind.
    public var defaults: [ItemKind: ReminderPolicy]
    /// A policy for every kind, below the per-kind ones.
    public var defaultForAll: ReminderPolicy?
    public var units: [PlanUnit]
    public var items: [PlanItem]
    public var checklists: [Checklist]
    public var overrides: [YearOverride]
    /// Files that made up the plan, in load order.
    public var files: [String]

    public init(
        info: PlanInfo, defaults: [ItemKind: ReminderPolicy] = [:], defaultForAll: ReminderPolicy? = nil,
        units: [PlanUnit] = [], items: [PlanItem] = [], checklists: [Checklist] = [], overrides: [YearOverride] = [],
        files: [String] = []
    ) {
        self.info = info
        self.defaults = defaults
        self.defaultForAll = defaultForAll
        self.units = units
        self.items = items
        self.checklists = checklists
        self.overrides = overrides
        self.files = files
    }

    public static func == (lhs: Plan, rhs: Plan) -> Bool {
        lhs.info == rhs.info && lhs.defaults == rhs.defaults && lhs.defaultForAll == rhs.defaultForAll
            && lhs.units == rhs.units && lhs.items == rhs.items && lhs.checklists == rhs.checklists
            && lhs.overrides == rhs.overrides
    }

    public func hash(into hasher: inout Hasher) { hasher.combine(info) }

    private enum CodingKeys: String, CodingKey {
        case info = "plan", units, items, checklists
    }

    /// The unit with this id.
    public func unit(_ id: String) -> PlanUnit? { units.first { $0.id.value == id } }

    /// The item with this id.
    public func item(_ id: String) -> PlanItem? { items.first { $0.id.value == id } }

    /// The reminder policy in force for an item: its own, then its kind's default, then the default
    /// for every kind, then the built-in leads of its kind (``ReminderPolicy/builtIn(for:)``), so
    /// that a plan without a `defaults` section still reminds.
    public func reminderPolicy(for item: PlanItem) -> ReminderPolicy {
        reminderPolicy(for: item, base: kindPolicy(item.kind.value))
    }

    /// What an item of `kind` without a `remind:` of its own gets: the kind's default, then the
    /// default for every kind, then the built-in leads of the kind.
    public func kindPolicy(_ kind: ItemKind) -> ReminderPolicy {
        (defaults[kind] ?? ReminderPolicy()).filled(from: defaultForAll).filled(from: ReminderPolicy.builtIn(for: kind))
    }

    /// ``reminderPolicy(for:)`` with the item's ``kindPolicy(_:)`` already known.
    public func reminderPolicy(for item: PlanItem, base: ReminderPolicy) -> ReminderPolicy {
        (item.remind ?? ReminderPolicy()).filled(from: base)
    }
}
