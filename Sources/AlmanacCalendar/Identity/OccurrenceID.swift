/// Identifies one occurrence of a plan item (or of one phase of it): the item key and the
/// occurrence's first day, written `item@YYYY-MM-DD` (`flag-salute@2026-09-20`,
/// `art-festival/opening@2027-07-01`). When the item's rule gives several times on one day
/// (`daily 09:00,21:00`), the time is part of the identity: `night-checks@2026-05-01T21:00`.
///
/// The one identity of an occurrence: the plan's expansion makes it, the scheduler keys its
/// deliveries by its text, the store records marks under it, and the control protocol names
/// occurrences with it.
public struct OccurrenceID: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    /// The item key: the item's id, or `item/phase` for a phase.
    public var itemID: String
    /// The occurrence's first day.
    public var date: CivilDate
    /// The time of day, only when the rule gives several on one day.
    public var time: TimeOfDay?

    /// The occurrence `itemID@date` (or `itemID@dateTtime`).
    public init(itemID: String, date: CivilDate, time: TimeOfDay? = nil) {
        self.itemID = itemID
        self.date = date
        self.time = time
    }

    /// Parses `item@YYYY-MM-DD` or `item@YYYY-MM-DDTHH:MM`; `nil` when the text has no `@`
    /// followed by a valid date (and time).
    public init?(_ text: some StringProtocol) {
        guard let at = text.lastIndex(of: "@"), at != text.startIndex else { return nil }
        let rest = text[text.index(after: at)...]
        var time: TimeOfDay?
        var dateText = rest
        if let t = rest.firstIndex(of: "T") {
            guard let parsed = TimeOfDay(rest[rest.index(after: t)...]) else { return nil }
            time = parsed
            dateText = rest[..<t]
        }
        guard let date = CivilDate(iso: dateText) else { return nil }
        self.init(itemID: String(text[..<at]), date: date, time: time)
    }

    /// `item@YYYY-MM-DD`, with `THH:MM` when the time is part of the identity.
    public var description: String {
        guard let time else { return itemID + "@" + date.description }
        return itemID + "@" + date.description + "T" + time.description
    }

    public static func < (lhs: OccurrenceID, rhs: OccurrenceID) -> Bool {
        if lhs.date != rhs.date { return lhs.date < rhs.date }
        let lt = lhs.time?.minutesSinceMidnight ?? -1
        let rt = rhs.time?.minutesSinceMidnight ?? -1
        if lt != rt { return lt < rt }
        return lhs.itemID < rhs.itemID
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let value = OccurrenceID(text) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "'\(text)' is not an occurrence id of the form item@YYYY-MM-DD")
        }
        self = value
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// The identity of one delivery, which goes out at most once: occurrence, reminder, channel and
/// recipient. The scheduler decides with it, the store keys its delivery records by it, the
/// journal and the mail's Message-ID carry its text.
public struct DeliveryID: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    /// The occurrence's text id (``OccurrenceID``), `*@YYYY-MM-DD` for a unit's daily digest,
    /// or `*` for the daemon's own bookkeeping rows.
    public var occurrenceID: String
    /// The reminder within the occurrence: a lead (`-10wd`, `-1d`), `escalate`,
    /// `overdue-YYYY-MM-DD`, `digest`, `checklist:…`, `quota:…`.
    public var reminderID: String
    /// `journal`, `mail`, or another channel's name.
    public var channel: String
    /// A unit id, a leader (`UNIT.leader`); empty for broadcast channels (the journal).
    public var recipient: String

    /// The identity of the given parts.
    public init(occurrenceID: String, reminderID: String, channel: String, recipient: String = "") {
        self.occurrenceID = occurrenceID
        self.reminderID = reminderID
        self.channel = channel
        self.recipient = recipient
    }

    /// The identity of a delivery of `occurrence`.
    public init(occurrence: OccurrenceID, reminderID: String, channel: String, recipient: String = "") {
        self.init(occurrenceID: occurrence.description, reminderID: reminderID, channel: channel, recipient: recipient)
    }

    /// The occurrence, when the delivery belongs to one (not a digest or bookkeeping row).
    public var occurrence: OccurrenceID? { OccurrenceID(occurrenceID) }

    /// `occurrence/reminder/channel/recipient`: a stable text id, usable in journal fields and
    /// (after escaping) file names, so a channel can find its own evidence after a crash.
    public var description: String { "\(occurrenceID)/\(reminderID)/\(channel)/\(recipient)" }

    public static func < (lhs: DeliveryID, rhs: DeliveryID) -> Bool {
        (lhs.occurrenceID, lhs.reminderID, lhs.channel, lhs.recipient)
            < (rhs.occurrenceID, rhs.reminderID, rhs.channel, rhs.recipient)
    }
}
