import AlmanacCalendar

/// A compact binary form of a loaded plan and its diagnostics, for the plan cache
/// (docs/cli.md, "The plan cache"): integers as variable-length numbers, strings as their UTF-8
/// bytes after their length, every file name of a source location written once. Reading checks
/// every length and value against the bytes it has, so a damaged or foreign input is refused
/// with ``PlanBinaryError``, never trapped on.
public struct PlanBinaryWriter: Sendable {
    public private(set) var bytes: [UInt8] = []
    private var files: [SourceFile: Int] = [:]

    public init() {
        bytes.reserveCapacity(1 << 16)
    }

    public mutating func byte(_ value: UInt8) { bytes.append(value) }

    /// An unsigned number, seven bits at a time.
    public mutating func unsigned(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    /// A signed number (zig-zag).
    public mutating func int(_ value: Int) {
        let v = Int64(value)
        unsigned(UInt64(bitPattern: (v << 1) ^ (v >> 63)))
    }

    public mutating func bool(_ value: Bool) { bytes.append(value ? 1 : 0) }

    public mutating func string(_ value: String) {
        var value = value
        value.withUTF8 { utf8 in
            unsigned(UInt64(utf8.count))
            bytes.append(contentsOf: utf8)
        }
    }

    public mutating func raw(_ value: [UInt8]) {
        unsigned(UInt64(value.count))
        bytes.append(contentsOf: value)
    }

    /// A file name: its number when written before, else a new number and the name.
    mutating func file(_ file: SourceFile) {
        if let index = files[file] {
            unsigned(UInt64(index))
        } else {
            let index = files.count
            files[file] = index
            unsigned(UInt64(index))
            string(file.name)
        }
    }

    public mutating func write<T: PlanBinaryCodable>(_ value: T) { value.write(to: &self) }

    public mutating func write<T: PlanBinaryCodable>(_ value: T?) {
        if let value {
            bytes.append(1)
            value.write(to: &self)
        } else {
            bytes.append(0)
        }
    }

    public mutating func write<T: PlanBinaryCodable>(_ values: [T]) {
        unsigned(UInt64(values.count))
        for value in values { value.write(to: &self) }
    }
}

/// Bytes that are not what ``PlanBinaryWriter`` wrote.
public struct PlanBinaryError: Error, Sendable, Hashable {
    public var offset: Int
    public init(offset: Int) { self.offset = offset }
}

/// Reads what ``PlanBinaryWriter`` wrote.
public struct PlanBinaryReader: Sendable {
    public let bytes: [UInt8]
    public private(set) var offset: Int
    private var files: [SourceFile] = []

    public init(_ bytes: [UInt8], offset: Int = 0) {
        self.bytes = bytes
        self.offset = offset
    }

    public var isAtEnd: Bool { offset == bytes.count }

    func failure() -> PlanBinaryError { PlanBinaryError(offset: offset) }

    public mutating func byte() throws(PlanBinaryError) -> UInt8 {
        guard offset < bytes.count else { throw failure() }
        defer { offset += 1 }
        return bytes[offset]
    }

    public mutating func unsigned() throws(PlanBinaryError) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let b = try byte()
            guard shift < 64 else { throw failure() }
            result |= UInt64(b & 0x7f) << shift
            if b < 0x80 { return result }
            shift += 7
        }
    }

    public mutating func int() throws(PlanBinaryError) -> Int {
        let u = try unsigned()
        return Int(Int64(bitPattern: (u >> 1) ^ (0 &- (u & 1))))
    }

    /// A count of things each at least one byte long: never more than the bytes left.
    public mutating func count() throws(PlanBinaryError) -> Int {
        let n = try unsigned()
        guard n <= UInt64(bytes.count - offset) else { throw failure() }
        return Int(n)
    }

    public mutating func bool() throws(PlanBinaryError) -> Bool {
        switch try byte() {
        case 0: false
        case 1: true
        default: throw failure()
        }
    }

    public mutating func string() throws(PlanBinaryError) -> String {
        let n = try count()
        defer { offset += n }
        return bytes.withUnsafeBufferPointer { buffer in
            String(decoding: UnsafeBufferPointer(rebasing: buffer[offset..<offset + n]), as: UTF8.self)
        }
    }

    public mutating func raw() throws(PlanBinaryError) -> [UInt8] {
        let n = try count()
        defer { offset += n }
        return Array(bytes[offset..<offset + n])
    }

    mutating func file() throws(PlanBinaryError) -> SourceFile {
        let index = try unsigned()
        if index < UInt64(files.count) { return files[Int(index)] }
        guard index == UInt64(files.count) else { throw failure() }
        let file = SourceFile(try string())
        files.append(file)
        return file
    }

    public mutating func read<T: PlanBinaryCodable>(_: T.Type = T.self) throws(PlanBinaryError) -> T {
        try T(from: &self)
    }

    public mutating func readOptional<T: PlanBinaryCodable>(_: T.Type = T.self) throws(PlanBinaryError) -> T? {
        switch try byte() {
        case 0: return nil
        case 1: return try T(from: &self)
        default: throw failure()
        }
    }

    public mutating func readArray<T: PlanBinaryCodable>(_: T.Type = T.self) throws(PlanBinaryError) -> [T] {
        let n = try count()
        var result: [T] = []
        result.reserveCapacity(n)
        for _ in 0..<n { result.append(try T(from: &self)) }
        return result
    }

    /// A case of a `CaseIterable` enumeration, by its position.
    mutating func caseOf<T: CaseIterable>(_: T.Type) throws(PlanBinaryError) -> T {
        let index = try unsigned()
        let all = Array(T.allCases)
        guard index < UInt64(all.count) else { throw failure() }
        return all[Int(index)]
    }

    /// A value of a `String` enumeration, by its raw value.
    mutating func rawValue<T: RawRepresentable>(_: T.Type) throws(PlanBinaryError) -> T where T.RawValue == String {
        guard let value = T(rawValue: try string()) else { throw failure() }
        return value
    }
}

/// A value ``PlanBinaryWriter`` can write and ``PlanBinaryReader`` read back equal, source
/// locations included.
public protocol PlanBinaryCodable {
    func write(to writer: inout PlanBinaryWriter)
    init(from reader: inout PlanBinaryReader) throws(PlanBinaryError)
}

extension PlanBinaryWriter {
    fileprivate mutating func caseOf<T: CaseIterable & Equatable>(_ value: T) {
        unsigned(UInt64(T.allCases.firstIndex(of: value).map { T.allCases.distance(from: T.allCases.startIndex, to: $0) } ?? 0))
    }
}

extension String: PlanBinaryCodable {
    public func write(to writer: inout PlanBinaryWriter) { writer.string(self) }
    public init(from reader: inout PlanBinaryReader) throws(PlanBinaryError) { self = try reader.string() }
}

extension Int: PlanBinaryCodable {
    public func write(to writer: inout PlanBinaryWriter) { writer.int(self) }
    public init(from reader: inout PlanBinaryReader) throws(PlanBinaryError) { self = try reader.int() }
}

extension Bool: PlanBinaryCodable {
    public func write(to writer: inout PlanBinaryWriter) { writer.bool(self) }
    public init(from reader: inout PlanBinaryReader) throws(PlanBinaryError) { self = try reader.bool() }
}

extension TimeOfDay: PlanBinaryCodable {
    public func write(to writer: inout PlanBinaryWriter) { writer.int(hour * 60 + minute) }
    public init(from reader: inout PlanBinaryReader) throws(PlanBinaryError) {
        let minutes = try reader.int()
        guard (0..<1440).contains(minutes), let time = TimeOfDay(hour: minutes / 60, minute: minutes % 60) else {
            throw reader.failure()
        }
        self = time
    }
}

extension SourceLocation: PlanBinaryCodable {
    public func write(to writer: inout PlanBinaryWriter) {
        writer.file(sourceFile)
        writer.int(line)
        writer.int(column)
    }

    public init(from reader: inout PlanBinaryReader) throws(PlanBinaryError) {
        self.init(in: try reader.file(), line: try reader.int(), column: try reader.int())
    }
}

extension Diagnostic: PlanBinaryCodable {
    public func write(to writer: inout PlanBinaryWriter) {
        writer.string(severity.rawValue)
        writer.string(message)
        writer.write(location)
        writer.write(hint)
    }

    public init(from reader: inout PlanBinaryReader) throws(PlanBinaryError) {
        let severity = try reader.rawValue(Severity.self)
        self.init(severity, try reader.string(), at: try reader.readOptional(), hint: try reader.readOptional())
    }
}

extension Located: PlanBinaryCodable where Value: PlanBinaryCodable {
    public func write(to writer: inout PlanBinaryWriter) {
        value.write(to: &writer)
        writer.write(location)
    }

    public init(from reader: inout PlanBinaryReader) throws(PlanBinaryError) {
        self.init(try reader.read(Value.self), at: try reader.readOptional())
    }
}

extension ItemKind: PlanBinaryCodable {
    public func write(to writer: inout PlanBinaryWriter) { writer.caseOf(self) }
    public init(from reader: inout PlanBinaryReader) throws(PlanBinaryError) { self = try reader.caseOf(Self.self) }
}

extension DateSource: PlanBinaryCodable {
    public func write(to writer: inout PlanBinaryWriter) { writer.caseOf(self) }
    public init(from reader: inout PlanBinaryReader) throws(PlanBinaryError) { self = try reader.caseOf(Self.self) }
}

extension RobotKind: PlanBinaryCodable {
    public func write(to writer: inout PlanBinaryWriter) { writer.caseOf(self) }
    public init(from reader: inout PlanBinaryReader) throws(PlanBinaryError) { self = try reader.caseOf(Self.self) }
}

extension Quota.Period: PlanBinaryCodable {
    public func write(to writer: inout PlanBinaryWriter) { writer.caseOf(self) }
    public init(from reader: inout PlanBinaryReader) throws(PlanBinaryError) { self = try reader.caseOf(Self.self) }
}

extension Lead: PlanBinaryCodable {
    public func write(to writer: inout PlanBinaryWriter) {
        writer.int(amount)
        writer.string(unit.rawValue)
    }

    public init(from reader: inout PlanBinaryReader) throws(PlanBinaryError) {
        self.init(amount: try reader.int(), unit: try reader.rawValue(Unit.self))
    }
}

extension ReminderPolicy: PlanBinaryCodable {
    public func write(to writer: inout PlanBinaryWriter) {
        writer.write(leads)
        writer.write(time)
        writer.write(repeatWhileOverdue)
        writer.write(escalateAfter)
    }

    public init(from reader: inout PlanBinaryReader) throws(PlanBinaryError) {
        self.init(
            leads: try reader.readArray(), time: try reader.readOptional(), repeatWhileOverdue: try reader.readOptional(),
            escalateAfter: try reader.readOptional())
    }
}

extension RobotDestination: PlanBinaryCodable {
    public func write(to writer: inout PlanBinaryWriter) {
        writer.write(kind)
        writer.write(name)
        writer.write(url)
        writer.write(key)
        writer.write(secretFile)
        writer.write(format)
        writer.write(language)
        if let mention {
            writer.byte(1)
            writer.write(mention)
        } else {
            writer.byte(0)
        }
        writer.write(mentionAll)
        writer.write(location)
    }

    public init(from reader: inout PlanBinaryReader) throws(PlanBinaryError) {
        let kind: Located<RobotKind> = try reader.read()
        let name: Located<String>? = try reader.readOptional()
        let url: Located<String>? = try reader.readOptional()
        let key: Located<String>? = try reader.readOptional()
        let secretFile: Located<String>? = try reader.readOptional()
        let format: Located<String>? = try reader.readOptional()
        let language: Located<String>? = try reader.readOptional()
        let mention: [Located<String>]? = try reader.bool() ? try reader.readArray() : nil
        self.init(
            kind: kind, name: name, url: url, key: key, secretFile: secretFile, format: format, language: language,
            mention: mention, mentionAll: try reader.readOptional(), location: try reader.readOptional())
    }
}

extension Person: PlanBinaryCodable {
    public func write(to writer: inout PlanBinaryWriter) {
        writer.write(name)
        writer.write(mail)
        writer.write(phone)
        writer.write(robots)
    }

    public init(from reader: inout PlanBinaryReader) throws(PlanBinaryError) {
        self.init(name: try reader.read(), mail: try reader.readOptional(), phone: try reader.readOptional(), robots: try reader.readArray())
    }
}

extension PlanUnit: PlanBinaryCodable {
    public func write(to writer: inout PlanBinaryWriter) {
        writer.write(id)
        writer.write(name)
        writer.write(mail)
        writer.write(leader)
        writer.write(contact)
        writer.write(parent)
        writer.write(robots)
    }

    public init(from reader: inout PlanBinaryReader) throws(PlanBinaryError) {
        self.init(
            id: try reader.read(), name: try reader.read(), mail: try reader.readArray(), leader: try reader.readOptional(),
            contact: try reader.readOptional(), parent: try reader.readOptional(), robots: try reader.readArray())
    }
}

extension Edition: PlanBinaryCodable {
    public func write(to writer: inout PlanBinaryWriter) {
        writer.write(firstYear)
        writer.write(firstNumber)
        writer.write(every)
        writer.write(format)
    }

    public init(from reader: inout PlanBinaryReader) throws(PlanBinaryError) {
        self.init(firstYear: try reader.read(), firstNumber: try reader.read(), every: try reader.read(), format: try reader.read())
    }
}

extension Quota: PlanBinaryCodable {
    public func write(to writer: inout PlanBinaryWriter) {
        writer.write(count)
        writer.write(per)
    }

    public init(from reader: inout PlanBinaryReader) throws(PlanBinaryError) {
        self.init(count: try reader.read(), per: try reader.read())
    }
}

extension Phase: PlanBinaryCodable {
    public func write(to writer: inout PlanBinaryWriter) {
        writer.write(id)
        writer.write(title)
        writer.write(when)
        writer.write(time)
        writer.write(owners)
        writer.write(dateSource)
        writer.write(sourceQuote)
        writer.write(location)
    }

    public init(from reader: inout PlanBinaryReader) throws(PlanBinaryError) {
        self.init(
            id: try reader.read(), title: try reader.read(), when: try reader.read(), time: try reader.readOptional(),
            owners: try reader.readArray(), dateSource: try reader.readOptional(), sourceQuote: try reader.readOptional(),
            location: try reader.readOptional())
    }
}

extension PlanItem: PlanBinaryCodable {
    public func write(to writer: inout PlanBinaryWriter) {
        writer.write(id)
        writer.write(kind)
        writer.write(title)
        writer.write(description)
        writer.write(when)
        writer.write(time)
        writer.write(owners)
        writer.write(participants)
        writer.write(remind)
        writer.write(phases)
        writer.write(edition)
        writer.write(tags)
        writer.write(quota)
        writer.write(dependsOn)
        writer.write(checklist)
        writer.write(dateSource)
        writer.write(sourceQuote)
        writer.write(titleEnglish)
        writer.write(location)
    }

    public init(from reader: inout PlanBinaryReader) throws(PlanBinaryError) {
        self.init(
            id: try reader.read(), kind: try reader.read(), title: try reader.read(), description: try reader.readOptional(),
            when: try reader.readOptional(), time: try reader.readOptional(), owners: try reader.readArray(),
            participants: try reader.readArray(), remind: try reader.readOptional(), phases: try reader.readArray(),
            edition: try reader.readOptional(), tags: try reader.readArray(), quota: try reader.readOptional(),
            dependsOn: try reader.readArray(), checklist: try reader.readOptional(), dateSource: try reader.readOptional(),
            sourceQuote: try reader.readOptional(), titleEnglish: try reader.readOptional(), location: try reader.readOptional())
    }
}

/// `[Located<String>: Located<Int>]` (checklist and indicator totals), in key order.
private func writeTotals(_ totals: [Located<String>: Located<Int>], to writer: inout PlanBinaryWriter) {
    let pairs = totals.sorted { $0.key.value < $1.key.value }
    writer.unsigned(UInt64(pairs.count))
    for (key, value) in pairs {
        writer.write(key)
        writer.write(value)
    }
}

private func readTotals(_ reader: inout PlanBinaryReader) throws(PlanBinaryError) -> [Located<String>: Located<Int>] {
    let n = try reader.count()
    var result: [Located<String>: Located<Int>] = [:]
    result.reserveCapacity(n)
    for _ in 0..<n {
        let key: Located<String> = try reader.read()
        result[key] = try reader.read(Located<Int>.self)
    }
    return result
}

extension Indicator: PlanBinaryCodable {
    public func write(to writer: inout PlanBinaryWriter) {
        writer.write(code)
        writer.write(title)
        writer.write(owner)
        writer.write(evidence)
        writer.write(due)
        writeTotals(totals, to: &writer)
        writer.write(children)
        writer.write(notes)
        writer.write(location)
    }

    public init(from reader: inout PlanBinaryReader) throws(PlanBinaryError) {
        self.init(
            code: try reader.read(), title: try reader.read(), owner: try reader.readOptional(), evidence: try reader.readOptional(),
            due: try reader.readOptional(), totals: try readTotals(&reader), children: try reader.readArray(),
            notes: try reader.readOptional(), location: try reader.readOptional())
    }
}

extension Checklist: PlanBinaryCodable {
    public func write(to writer: inout PlanBinaryWriter) {
        writer.write(id)
        writer.write(title)
        writer.write(item)
        writer.write(levels)
        writeTotals(totals, to: &writer)
        writer.write(indicators)
        writer.write(source)
        writer.write(location)
    }

    public init(from reader: inout PlanBinaryReader) throws(PlanBinaryError) {
        self.init(
            id: try reader.read(), title: try reader.read(), item: try reader.readOptional(), levels: try reader.readArray(),
            totals: try readTotals(&reader), indicators: try reader.readArray(), source: try reader.readOptional(),
            location: try reader.readOptional())
    }
}

extension PlanYears: PlanBinaryCodable {
    public func write(to writer: inout PlanBinaryWriter) {
        switch self {
        case .every: writer.byte(0)
        case .list(let years):
            writer.byte(1)
            writer.write(years)
        }
    }

    public init(from reader: inout PlanBinaryReader) throws(PlanBinaryError) {
        switch try reader.byte() {
        case 0: self = .every
        case 1: self = .list(try reader.readArray())
        default: throw reader.failure()
        }
    }
}

extension PlanInfo: PlanBinaryCodable {
    public func write(to writer: inout PlanBinaryWriter) {
        writer.write(id)
        writer.write(name)
        writer.write(years)
        writer.write(timezone)
        writer.write(holidays)
        writer.write(description)
        writer.write(source)
        writer.write(declaredUnits)
    }

    public init(from reader: inout PlanBinaryReader) throws(PlanBinaryError) {
        self.init(
            id: try reader.read(), name: try reader.read(), years: try reader.read(), timezone: try reader.read(),
            holidays: try reader.read(), description: try reader.readOptional(), source: try reader.readOptional(),
            declaredUnits: try reader.readOptional())
    }
}

extension YAMLKey: PlanBinaryCodable {
    public func write(to writer: inout PlanBinaryWriter) {
        writer.string(text)
        writer.write(location)
    }

    public init(from reader: inout PlanBinaryReader) throws(PlanBinaryError) {
        self.init(text: try reader.string(), location: try reader.read())
    }
}

extension YAMLTree: PlanBinaryCodable {
    public func write(to writer: inout PlanBinaryWriter) {
        switch self {
        case .scalar(let text, let quoted, let at):
            writer.byte(0)
            writer.string(text)
            writer.bool(quoted)
            writer.write(at)
        case .mapping(let pairs, let at):
            writer.byte(1)
            writer.unsigned(UInt64(pairs.count))
            for pair in pairs {
                writer.write(pair.key)
                writer.write(pair.value)
            }
            writer.write(at)
        case .sequence(let nodes, let at):
            writer.byte(2)
            writer.write(nodes)
            writer.write(at)
        }
    }

    public init(from reader: inout PlanBinaryReader) throws(PlanBinaryError) {
        switch try reader.byte() {
        case 0: self = .scalar(try reader.string(), quoted: try reader.bool(), at: try reader.read())
        case 1:
            let n = try reader.count()
            var pairs: [(key: YAMLKey, value: YAMLTree)] = []
            pairs.reserveCapacity(n)
            for _ in 0..<n {
                let key: YAMLKey = try reader.read()
                pairs.append((key, try reader.read(YAMLTree.self)))
            }
            self = .mapping(pairs, at: try reader.read())
        case 2: self = .sequence(try reader.readArray(), at: try reader.read())
        default: throw reader.failure()
        }
    }
}

extension ItemPatch: PlanBinaryCodable {
    public func write(to writer: inout PlanBinaryWriter) {
        writer.write(id)
        writer.write(fields)
    }

    public init(from reader: inout PlanBinaryReader) throws(PlanBinaryError) {
        self.init(id: try reader.read(), fields: try reader.read())
    }
}

extension YearOverride: PlanBinaryCodable {
    public func write(to writer: inout PlanBinaryWriter) {
        writer.write(year)
        writer.write(items)
        writer.write(skip)
    }

    public init(from reader: inout PlanBinaryReader) throws(PlanBinaryError) {
        self.init(year: try reader.read(), items: try reader.readArray(), skip: try reader.readArray())
    }
}

extension Plan: PlanBinaryCodable {
    public func write(to writer: inout PlanBinaryWriter) {
        writer.write(info)
        let pairs = defaults.sorted { $0.key.rawValue < $1.key.rawValue }
        writer.unsigned(UInt64(pairs.count))
        for (kind, policy) in pairs {
            writer.write(kind)
            writer.write(policy)
        }
        writer.write(defaultForAll)
        writer.write(units)
        writer.write(items)
        writer.write(checklists)
        writer.write(overrides)
        writer.write(files)
    }

    public init(from reader: inout PlanBinaryReader) throws(PlanBinaryError) {
        let info: PlanInfo = try reader.read()
        let n = try reader.count()
        var defaults: [ItemKind: ReminderPolicy] = [:]
        for _ in 0..<n {
            let kind: ItemKind = try reader.read()
            defaults[kind] = try reader.read(ReminderPolicy.self)
        }
        self.init(
            info: info, defaults: defaults, defaultForAll: try reader.readOptional(), units: try reader.readArray(),
            items: try reader.readArray(), checklists: try reader.readArray(), overrides: try reader.readArray(),
            files: try reader.readArray())
    }
}

extension CivilDate: PlanBinaryCodable {
    public func write(to writer: inout PlanBinaryWriter) { writer.int(dayNumber) }
    public init(from reader: inout PlanBinaryReader) throws(PlanBinaryError) {
        let day = try reader.int()
        // Years 1 to 9999.
        guard (-719_162...2_932_896).contains(day) else { throw reader.failure() }
        self.init(dayNumber: day)
    }
}

extension OccurrenceSeries: PlanBinaryCodable {
    public func write(to writer: inout PlanBinaryWriter) {
        writer.string(itemID)
        writer.write(phaseID)
        writer.string(key)
        writer.write(kind)
        writer.string(title)
        writer.write(phaseTitle)
        writer.write(edition)
        writer.int(year)
        writer.write(owners)
        writer.write(participants)
        writer.write(dateSource)
        writer.write(time)
        writer.write(policy)
        writer.write(quota)
        writer.write(rule)
        writer.write(location)
        writer.int(order)
    }

    public init(from reader: inout PlanBinaryReader) throws(PlanBinaryError) {
        self.init(
            itemID: try reader.string(), phaseID: try reader.readOptional(), key: try reader.string(), kind: try reader.read(),
            title: try reader.string(), phaseTitle: try reader.readOptional(), edition: try reader.readOptional(),
            year: try reader.int(), owners: try reader.readArray(), participants: try reader.readArray(),
            dateSource: try reader.readOptional(), time: try reader.readOptional(), policy: try reader.read(),
            quota: try reader.readOptional(), rule: try reader.read(), location: try reader.readOptional(), order: try reader.int())
    }
}

extension PlanOccurrences: PlanBinaryCodable {
    /// An expansion that is complete and without explanations (what a load expands).
    public var isStorable: Bool { !cancelled && explanations == nil }

    public func write(to writer: inout PlanBinaryWriter) {
        writer.write(range.lowerBound)
        writer.write(range.upperBound)
        writer.write(series)
        writer.unsigned(UInt64(occurrences.count))
        for occurrence in occurrences {
            writer.unsigned(UInt64(occurrence.series))
            writer.write(occurrence.start)
            writer.int(occurrence.end.dayNumber - occurrence.start.dayNumber)
            writer.write(occurrence.time)
            writer.bool(occurrence.timeInID)
        }
        writer.write(diagnostics)
    }

    public init(from reader: inout PlanBinaryReader) throws(PlanBinaryError) {
        let lower: CivilDate = try reader.read()
        let upper: CivilDate = try reader.read()
        guard lower <= upper else { throw reader.failure() }
        let series: [OccurrenceSeries] = try reader.readArray()
        let n = try reader.count()
        var occurrences: [PlanOccurrence] = []
        occurrences.reserveCapacity(n)
        for _ in 0..<n {
            let index = try reader.unsigned()
            guard index < UInt64(series.count) else { throw reader.failure() }
            let start: CivilDate = try reader.read()
            let length = try reader.int()
            guard (0...2_000_000).contains(length) else { throw reader.failure() }
            occurrences.append(
                PlanOccurrence(
                    series: Int(index), start: start, end: start.adding(days: length), time: try reader.readOptional(),
                    timeInID: try reader.bool()))
        }
        self.init(range: lower...upper, series: series, occurrences: occurrences, diagnostics: try reader.readArray())
    }
}

extension OfficialHoliday: PlanBinaryCodable {
    public func write(to writer: inout PlanBinaryWriter) {
        writer.string(id)
        writer.string(chineseName)
        writer.string(englishName)
        writer.write(aliases)
    }

    public init(from reader: inout PlanBinaryReader) throws(PlanBinaryError) {
        self.init(id: try reader.string(), chineseName: try reader.string(), englishName: try reader.string(), aliases: try reader.readArray())
    }
}

extension HolidayNotice: PlanBinaryCodable {
    public func write(to writer: inout PlanBinaryWriter) {
        writer.string(documentNumber)
        writer.write(issued)
        writer.string(title)
    }

    public init(from reader: inout PlanBinaryReader) throws(PlanBinaryError) {
        self.init(documentNumber: try reader.string(), issued: try reader.read(), title: try reader.string())
    }
}

extension HolidayBreak: PlanBinaryCodable {
    public func write(to writer: inout PlanBinaryWriter) {
        writer.write(holidays)
        writer.write(daysOff)
        writer.write(makeupWorkdays)
    }

    public init(from reader: inout PlanBinaryReader) throws(PlanBinaryError) {
        self.init(holidays: try reader.readArray(), daysOff: try reader.readArray(), makeupWorkdays: try reader.readArray())
    }
}

/// A parsed holiday table, kept in the plan cache beside the hash of the files it was parsed
/// from, so that a hit does not parse the tables again.
extension HolidayTable: PlanBinaryCodable {
    public func write(to writer: inout PlanBinaryWriter) {
        writer.int(year)
        writer.write(notices)
        writer.write(breaks)
        writer.string(fileName)
    }

    public init(from reader: inout PlanBinaryReader) throws(PlanBinaryError) {
        self.init(year: try reader.int(), notices: try reader.readArray(), breaks: try reader.readArray(), fileName: try reader.string())
    }
}
