import AlmanacCalendar

/// Writes JSON as almanacctl prints it (`JSONEncoder` with `.prettyPrinted, .sortedKeys,
/// .withoutEscapingSlashes`): two spaces of indent, `"key" : value`, an empty container as `[`,
/// an empty line and `]`, the same string escapes. Streams into bytes without building the
/// encoder's tree of boxed values, for the large documents (a year's agenda of a big plan).
/// The caller writes an object's keys in sorted order.
public struct PrettyJSONWriter: Sendable {
    /// The bytes written are `storage[..<count]`; the rest is room, not yet written (and so not
    /// yet touched: a page of it costs nothing until it is).
    private var storage: [UInt8]
    private var count = 0
    /// Elements written so far in each open container.
    private var counts: [Int] = []
    private var afterKey = false

    public init(capacity: Int = 1 << 16) {
        let capacity = max(capacity, 256)
        storage = [UInt8](unsafeUninitializedCapacity: capacity) { _, initialized in initialized = capacity }
    }

    /// The bytes written so far.
    public var bytes: [UInt8] { Array(storage[..<count]) }

    /// The bytes written, handing over the writer's buffer instead of copying it; the writer is
    /// empty afterwards.
    public mutating func takeBytes() -> [UInt8] {
        var result: [UInt8] = []
        swap(&result, &storage)
        result.removeSubrange(count...)
        count = 0
        counts = []
        afterKey = false
        return result
    }

    // MARK: Writing

    /// Writes at most `bound` bytes: `body` gets where the next byte goes and moves it past the
    /// bytes it wrote. One check of the room and one access to the buffer for each piece of JSON
    /// (a key, a value, a bracket), not for each byte.
    private mutating func write(atMost bound: Int, _ body: (inout UnsafeMutablePointer<UInt8>) -> Void) {
        if count + bound > storage.count { grow(to: count + bound) }
        let start = count
        let written = storage.withUnsafeMutableBufferPointer { buffer -> Int in
            guard let base = buffer.baseAddress else { return 0 }
            var next = base + start
            body(&next)
            return next - (base + start)
        }
        count += written
    }

    private mutating func grow(to needed: Int) {
        let capacity = max(needed, storage.count * 2)
        let written = count
        storage = storage.withUnsafeBufferPointer { old in
            [UInt8](unsafeUninitializedCapacity: capacity) { buffer, initialized in
                if let to = buffer.baseAddress, let from = old.baseAddress { to.initialize(from: from, count: written) }
                initialized = capacity
            }
        }
    }

    /// What goes before the next element of the innermost container: nothing after a key or at
    /// the top; else a comma unless it is the first, and a new line at the container's depth.
    /// Counts the element.
    private mutating func nextElement() -> (comma: Bool, indent: Int?) {
        if afterKey {
            afterKey = false
            return (false, nil)
        }
        guard let last = counts.indices.last else { return (false, nil) }
        let comma = counts[last] > 0
        counts[last] += 1
        return (comma, counts.count)
    }

    private static func bound(_ element: (comma: Bool, indent: Int?)) -> Int {
        element.indent.map { 2 + 2 * $0 } ?? 0
    }

    private static func put(_ element: (comma: Bool, indent: Int?), _ next: inout UnsafeMutablePointer<UInt8>) {
        if element.comma { put(0x2c, &next) }
        if let depth = element.indent { newline(depth: depth, &next) }
    }

    private static func newline(depth: Int, _ next: inout UnsafeMutablePointer<UInt8>) {
        put(0x0a, &next)
        next.initialize(repeating: 0x20, count: 2 * depth)
        next += 2 * depth
    }

    private static func put(_ byte: UInt8, _ next: inout UnsafeMutablePointer<UInt8>) {
        next.pointee = byte
        next += 1
    }

    private static func put(_ bytes: UnsafeBufferPointer<UInt8>, _ next: inout UnsafeMutablePointer<UInt8>) {
        guard let from = bytes.baseAddress, !bytes.isEmpty else { return }
        next.update(from: from, count: bytes.count)
        next += bytes.count
    }

    /// `text`'s UTF-8 bytes, read in place (only a string that is not stored as UTF-8 is copied).
    private static func withUTF8<R>(_ text: String, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        if let result = text.utf8.withContiguousStorageIfAvailable(body) { return result }
        var text = text
        return text.withUTF8(body)
    }

    /// A JSON string: `"` and `\` escaped, control characters as `\n`, `\t`, `\b`, `\f`, `\r` or
    /// `\u00XX`, everything else (`/`, non-ASCII) as it is. Writes at most `2 + 6 * utf8.count`.
    private static func quoted(_ utf8: UnsafeBufferPointer<UInt8>, _ next: inout UnsafeMutablePointer<UInt8>) {
        put(0x22, &next)
        var start = 0
        for index in utf8.indices {
            let byte = utf8[index]
            guard byte < 0x20 || byte == 0x22 || byte == 0x5c else { continue }
            put(UnsafeBufferPointer(rebasing: utf8[start..<index]), &next)
            start = index + 1
            put(0x5c, &next)
            switch byte {
            case 0x22: put(0x22, &next)
            case 0x5c: put(0x5c, &next)
            case 0x0a: put(0x6e, &next)
            case 0x0d: put(0x72, &next)
            case 0x09: put(0x74, &next)
            case 0x08: put(0x62, &next)
            case 0x0c: put(0x66, &next)
            default:
                for digit in [0x75, 0x30, 0x30] as [UInt8] { put(digit, &next) }
                for nibble in [byte >> 4, byte & 0x0f] { put(nibble < 10 ? 0x30 + nibble : 0x57 + nibble, &next) }
            }
        }
        put(UnsafeBufferPointer(rebasing: utf8[start...]), &next)
        put(0x22, &next)
    }

    // MARK: JSON

    public mutating func beginObject() { begin(0x7b) }

    public mutating func endObject() { end(0x7d) }

    public mutating func beginArray() { begin(0x5b) }

    public mutating func endArray() { end(0x5d) }

    private mutating func begin(_ bracket: UInt8) {
        let element = nextElement()
        write(atMost: Self.bound(element) + 1) { next in
            Self.put(element, &next)
            Self.put(bracket, &next)
        }
        counts.append(0)
    }

    private mutating func end(_ bracket: UInt8) {
        let count = counts.removeLast()
        let depth = counts.count
        write(atMost: 3 + 2 * depth) { next in
            if count == 0 { Self.put(0x0a, &next) }
            Self.newline(depth: depth, &next)
            Self.put(bracket, &next)
        }
    }

    /// A key of the innermost object; its value follows.
    public mutating func key(_ name: String) {
        let element = nextElement()
        Self.withUTF8(name) { utf8 in
            write(atMost: Self.bound(element) + 5 + 6 * utf8.count) { next in
                Self.put(element, &next)
                Self.quoted(utf8, &next)
                Self.put(0x20, &next)
                Self.put(0x3a, &next)
                Self.put(0x20, &next)
            }
        }
        afterKey = true
    }

    public mutating func string(_ value: String) {
        let element = nextElement()
        Self.withUTF8(value) { utf8 in
            write(atMost: Self.bound(element) + 2 + 6 * utf8.count) { next in
                Self.put(element, &next)
                Self.quoted(utf8, &next)
            }
        }
    }

    /// Bytes that need no quoting or escape (a number, `true`).
    private mutating func bare(_ text: String) {
        let element = nextElement()
        Self.withUTF8(text) { utf8 in
            write(atMost: Self.bound(element) + utf8.count) { next in
                Self.put(element, &next)
                Self.put(utf8, &next)
            }
        }
    }

    /// A date as its `YYYY-MM-DD` string (``CivilDate/description``), which needs no escape.
    public mutating func date(_ value: CivilDate) {
        let element = nextElement()
        Self.withUTF8(value.description) { utf8 in
            write(atMost: Self.bound(element) + 2 + utf8.count) { next in
                Self.put(element, &next)
                Self.put(0x22, &next)
                Self.put(utf8, &next)
                Self.put(0x22, &next)
            }
        }
    }

    public mutating func int(_ value: Int) { bare(String(value)) }

    public mutating func bool(_ value: Bool) { bare(value ? "true" : "false") }

    /// `key : value` when `value` is there; nothing otherwise (as `encodeIfPresent`).
    public mutating func field(_ name: String, _ value: String?) {
        guard let value else { return }
        key(name)
        string(value)
    }

    public mutating func field(_ name: String, _ value: CivilDate?) {
        guard let value else { return }
        key(name)
        date(value)
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
}

extension AgendaReport {
    /// The report as almanacctl prints it with `--json`: the same bytes as `JSONEncoder`
    /// (pretty, sorted keys, slashes unescaped), written directly.
    public func prettyJSON() -> [UInt8] {
        var json = PrettyJSONWriter(capacity: 256 + entries.count * 400)
        json.beginObject()
        json.key("entries")
        json.beginArray()
        // The entries read in place, not copied one by one.
        entries.withUnsafeBufferPointer { entries in
            for index in entries.indices {
                json.beginObject()
                json.field("date", entries[index].date)
                json.field("dateSource", entries[index].dateSource)
                json.field("edition", entries[index].edition)
                json.field("endDate", entries[index].endDate)
                json.field("id", entries[index].id)
                json.field("item", entries[index].item)
                json.field("kind", entries[index].kind)
                json.field("lunar", entries[index].lunar)
                json.field("note", entries[index].note)
                json.field("owners", entries[index].owners)
                json.field("participants", entries[index].participants)
                json.field("state", entries[index].state.rawValue)
                json.field("time", entries[index].time)
                json.field("title", entries[index].title)
                json.field("workingDays", entries[index].workingDays)
                json.endObject()
            }
        }
        json.endArray()
        json.field("from", from)
        json.field("plan", plan)
        json.field("to", to)
        json.field("yearsWithoutHolidayTable", yearsWithoutHolidayTable)
        json.endObject()
        return json.takeBytes()
    }
}
