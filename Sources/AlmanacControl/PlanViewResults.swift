import AlmanacCalendar
import AlmanacPlan
import Foundation

/// One day of the month `cal` shows: what the official calendar says about it.
public struct CalDay: Codable, Sendable, Hashable {
    public var date: CivilDate
    /// 1 = Monday … 7 = Sunday.
    public var weekday: Int
    /// `workday`, `weekend`, `holiday`, `makeup-workday`.
    public var dayKind: String
    /// The break's name for `holiday` and `makeup-workday` (`国庆节、中秋节`).
    public var holiday: String?
    public var workingDay: Bool
    /// The Chinese calendar day (`初五`; the month's name, `八月`, on its first day).
    public var lunar: String?

    public init(date: CivilDate, weekday: Int, dayKind: String, holiday: String?, workingDay: Bool, lunar: String?) {
        self.date = date
        self.weekday = weekday
        self.dayKind = dayKind
        self.holiday = holiday
        self.workingDay = workingDay
        self.lunar = lunar
    }
}

/// Result of `cal`: a month of the plan in force.
public struct CalReport: Codable, Sendable, Hashable {
    /// `2027-09`.
    public var month: String
    /// Whether the daemon has the official holiday table of the month's year.
    public var hasHolidayTable: Bool
    public var days: [CalDay]
    /// Occurrences overlapping the month, with their state.
    public var entries: [AgendaEntry]

    public init(month: String, hasHolidayTable: Bool, days: [CalDay], entries: [AgendaEntry]) {
        self.month = month
        self.hasHolidayTable = hasHolidayTable
        self.days = days
        self.entries = entries
    }
}

/// A unit named in an item: id and name (`wmb`, `区文明办`).
public struct UnitName: Codable, Sendable, Hashable {
    public var id: String
    public var name: String

    public init(id: String, name: String) {
        self.id = id
        self.name = name
    }
}

/// What `show` and `explain` say about an item of the plan in force.
public struct ItemSummary: Codable, Sendable, Hashable {
    public var id: String
    public var kind: String
    public var title: String
    public var description: String?
    /// The date rule as written (`when:`), absent for items with phases only.
    public var when: String?
    /// The rule in canonical form, when it differs from `when`.
    public var canonical: String?
    /// `phase-id: title  rule`, one per phase.
    public var phases: [String]
    public var owners: [UnitName]
    /// Reminder leads in force (`-10wd`, `-1d`), from the item or the plan's defaults.
    public var leads: [String]
    /// The time of day reminders go out, when the plan sets one (`09:00`).
    public var time: String?

    public init(
        id: String, kind: String, title: String, description: String?, when: String?, canonical: String?,
        phases: [String], owners: [UnitName], leads: [String], time: String?
    ) {
        self.id = id
        self.kind = kind
        self.title = title
        self.description = description
        self.when = when
        self.canonical = canonical
        self.phases = phases
        self.owners = owners
        self.leads = leads
        self.time = time
    }
}

/// A reminder day of an occurrence, derived from one lead.
public struct ReminderDay: Codable, Sendable, Hashable {
    public var date: CivilDate
    /// The lead as written (`-10wd`).
    public var lead: String
    /// The derivation in words (`10 working days before 2027-09-20 (weekends, holidays and 调休 counted)`).
    public var reason: String

    public init(date: CivilDate, lead: String, reason: String) {
        self.date = date
        self.lead = lead
        self.reason = reason
    }
}

/// One occurrence as `show` and `explain` describe it: the agenda entry (with state), how its date
/// was derived, and its reminder days.
public struct OccurrenceDetail: Codable, Sendable, Hashable {
    public var entry: AgendaEntry
    /// `item/phase` for a phase's occurrence.
    public var key: String
    /// Time of day, `HH:MM`, when the item has one.
    public var time: String?
    /// The official kind of the first day (`workday`, `holiday`, ...) and its label (`国庆节假期`).
    public var dayKind: String
    public var dayLabel: String
    /// The rule engine's derivation; the last line is the result.
    public var explanation: [String]
    public var reminders: [ReminderDay]

    public init(
        entry: AgendaEntry, key: String, time: String?, dayKind: String, dayLabel: String, explanation: [String],
        reminders: [ReminderDay]
    ) {
        self.entry = entry
        self.key = key
        self.time = time
        self.dayKind = dayKind
        self.dayLabel = dayLabel
        self.explanation = explanation
        self.reminders = reminders
    }
}

/// Result of `show`: an item and its occurrences.
public struct ShowReport: Codable, Sendable, Hashable {
    public var item: ItemSummary
    public var occurrences: [OccurrenceDetail]
    /// Occurrences left out by the limit.
    public var more: Int
    /// Years shown without an official holiday table; absent from an older daemon.
    public var yearsWithoutHolidayTable: [Int]?

    public init(item: ItemSummary, occurrences: [OccurrenceDetail], more: Int, yearsWithoutHolidayTable: [Int]? = nil) {
        self.item = item
        self.occurrences = occurrences
        self.more = more
        self.yearsWithoutHolidayTable = yearsWithoutHolidayTable
    }
}

/// Result of `explain`: the occurrence that contains the date asked about (or the current one),
/// how its date was derived, its reminders and what happened to it; otherwise the occurrences
/// before and after the date.
public struct ExplainReport: Codable, Sendable, Hashable {
    public var item: ItemSummary
    /// The date asked about; absent when the daemon picked the current occurrence.
    public var date: CivilDate?
    public var occurrence: OccurrenceDetail?
    public var previous: OccurrenceDetail?
    public var next: OccurrenceDetail?
    /// Reminders sent and changes recorded for `occurrence`, newest first.
    public var history: [HistoryEntry]
    /// Years searched without an official holiday table (the occurrences there may be missing
    /// or counted Monday to Friday); absent from an older daemon.
    public var yearsWithoutHolidayTable: [Int]?

    public init(
        item: ItemSummary, date: CivilDate?, occurrence: OccurrenceDetail?, previous: OccurrenceDetail?,
        next: OccurrenceDetail?, history: [HistoryEntry], yearsWithoutHolidayTable: [Int]? = nil
    ) {
        self.item = item
        self.date = date
        self.occurrence = occurrence
        self.previous = previous
        self.next = next
        self.history = history
        self.yearsWithoutHolidayTable = yearsWithoutHolidayTable
    }
}
