import AlmanacCalendar

/// Writes JSON as almanacctl prints it (`JSONEncoder` with `.prettyPrinted, .sortedKeys,
/// .withoutEscapingSlashes`): two spaces of indent, `"key" : value`, an empty container as `[`,
/// an empty line and `]`, the same string escapes. Streams into bytes without building the
/// encoder's tree of boxed values, for the large documents (a year's agenda of a big plan).
/// The caller writes an object's keys in sorted order.
public struct PrettyJSONWriter: Sendable {
    public private(set) var bytes: [UInt8] = []
    /// Elements written so far in each open container.
    private var counts: [Int] = []
    private var afterKey = false

    public init(capacity: Int = 1 << 16) {
        bytes.reserveCapacity(capacity)
    }

    private mutating func newline(depth: Int) {
        bytes.append(0x0a)
        for _ in 0..<depth { bytes.append(0x20); bytes.append(0x20) }
    }

    /// The separator and indent before an element of the innermost container.
    private mutating func element() {
        if afterKey {
            afterKey = false
            return
        }
        guard let last = counts.indices.last else { return }
        if counts[last] > 0 { bytes.append(0x2c) }
        counts[last] += 1
        newline(depth: counts.count)
    }

    public mutating func beginObject() {
        element()
        bytes.append(0x7b)
        counts.append(0)
    }

    public mutating func endObject() { end(0x7d) }

    public mutating func beginArray() {
        element()
        bytes.append(0x5b)
        counts.append(0)
    }

    public mutating func endArray() { end(0x5d) }

    private mutating func end(_ bracket: UInt8) {
        let count = counts.removeLast()
        if count == 0 { bytes.append(0x0a) }
        newline(depth: counts.count)
        bytes.append(bracket)
    }

    /// A key of the innermost object; its value follows.
    public mutating func key(_ name: String) {
        element()
        quoted(name)
        bytes.append(contentsOf: [0x20, 0x3a, 0x20])
        afterKey = true
    }

    public mutating func string(_ value: String) {
        element()
        quoted(value)
    }

    public mutating func int(_ value: Int) {
        element()
        bytes.append(contentsOf: String(value).utf8)
    }

    public mutating func bool(_ value: Bool) {
        element()
        bytes.append(contentsOf: (value ? "true" : "false").utf8)
    }

    /// `key : value` when `value` is there; nothing otherwise (as `encodeIfPresent`).
    public mutating func field(_ name: String, _ value: String?) {
        guard let value else { return }
        key(name)
        string(value)
    }

    public mutating func field(_ name: String, _ value: Int?) {
        guard let value else { return }
        key(name)
        int(value)
    }

    public mutating func field(_ name: String, _ values: [String]?) {
        guard let values else { return }
        key(name)
        beginArray()
        for value in values { string(value) }
        endArray()
    }

    public mutating func field(_ name: String, _ values: [Int]?) {
        guard let values else { return }
        key(name)
        beginArray()
        for value in values { int(value) }
        endArray()
    }

    private static let hex: [UInt8] = Array("0123456789abcdef".utf8)

    /// A JSON string: `"` and `\` escaped, control characters as `\n`, `\t`, `\b`, `\f`, `\r` or
    /// `\u00XX`, everything else (`/`, non-ASCII) as it is.
    private mutating func quoted(_ text: String) {
        bytes.append(0x22)
        var text = text
        text.withUTF8 { utf8 in
            // Most texts need no escape: copied whole.
            if !utf8.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5c }) {
                bytes.append(contentsOf: utf8)
                return
            }
            var start = 0
            for (index, byte) in utf8.enumerated() where byte < 0x20 || byte == 0x22 || byte == 0x5c {
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start..<index]))
                start = index + 1
                switch byte {
                case 0x22: bytes.append(contentsOf: [0x5c, 0x22])
                case 0x5c: bytes.append(contentsOf: [0x5c, 0x5c])
                case 0x0a: bytes.append(contentsOf: [0x5c, 0x6e])
                case 0x0d: bytes.append(contentsOf: [0x5c, 0x72])
                case 0x09: bytes.append(contentsOf: [0x5c, 0x74])
                case 0x08: bytes.append(contentsOf: [0x5c, 0x62])
                case 0x0c: bytes.append(contentsOf: [0x5c, 0x66])
                default:
                    bytes.append(contentsOf: [0x5c, 0x75, 0x30, 0x30, Self.hex[Int(byte >> 4)], Self.hex[Int(byte & 0x0f)]])
                }
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start...]))
        }
        bytes.append(0x22)
    }
}

extension AgendaReport {
    /// The report as almanacctl prints it with `--json`: the same bytes as `JSONEncoder`
    /// (pretty, sorted keys, slashes unescaped), written directly.
    public func prettyJSON() -> [UInt8] {
        var json = PrettyJSONWriter(capacity: 256 + entries.count * 400)
        json.beginObject()
        json.key("entries")
        json.beginArray()
        for entry in entries {
            json.beginObject()
            json.field("date", entry.date.description)
            json.field("dateSource", entry.dateSource)
            json.field("edition", entry.edition)
            json.field("endDate", entry.endDate?.description)
            json.field("id", entry.id)
            json.field("item", entry.item)
            json.field("kind", entry.kind)
            json.field("lunar", entry.lunar)
            json.field("note", entry.note)
            json.field("owners", entry.owners)
            json.field("participants", entry.participants)
            json.field("state", entry.state.rawValue)
            json.field("time", entry.time)
            json.field("title", entry.title)
            json.field("workingDays", entry.workingDays)
            json.endObject()
        }
        json.endArray()
        json.field("from", from.description)
        json.field("plan", plan)
        json.field("to", to.description)
        json.field("yearsWithoutHolidayTable", yearsWithoutHolidayTable)
        json.endObject()
        return json.bytes
    }
}
