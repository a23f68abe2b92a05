import Synchronization

/// A source file's name, kept once per process: a location holds its number instead of the name,
/// so a location is plain data (no reference to count when a plan of 10,000 items, each with some
/// fifteen located fields, and the YAML tree it was read from are copied and freed).
///
/// The names are never forgotten; a process reads few distinct files (a daemon the same ones at
/// every reload), so the table stays as small as the list of files it ever read.
public struct SourceFile: Hashable, Sendable {
    let number: UInt32

    private static let table = Mutex<(names: [String], numbers: [String: UInt32])>(([], [:]))

    /// The number of `name`, given when first seen.
    public init(_ name: String) {
        number = Self.table.withLock { table in
            if let number = table.numbers[name] { return number }
            let number = UInt32(truncatingIfNeeded: table.names.count)
            table.names.append(name)
            table.numbers[name] = number
            return number
        }
    }

    public var name: String {
        Self.table.withLock { $0.names[Int(number)] }
    }
}

/// A position in a source file: 1-based line and column (columns count Unicode scalars).
public struct SourceLocation: Hashable, Sendable, Codable, CustomStringConvertible {
    public var sourceFile: SourceFile
    // 32-bit: a plan holds some fifteen locations per item (one in every `Located` field), and a
    // file is read only up to its size limit, far below 2^31 lines.
    private var storedLine: Int32
    private var storedColumn: Int32

    public var file: String { sourceFile.name }
    public var line: Int {
        get { Int(storedLine) }
        set { storedLine = Int32(clamping: newValue) }
    }
    public var column: Int {
        get { Int(storedColumn) }
        set { storedColumn = Int32(clamping: newValue) }
    }

    public init(file: String, line: Int, column: Int) {
        self.init(in: SourceFile(file), line: line, column: column)
    }

    /// For readers that make many locations in one file: the name is looked up once.
    public init(in file: SourceFile, line: Int, column: Int) {
        sourceFile = file
        storedLine = Int32(clamping: line)
        storedColumn = Int32(clamping: column)
    }

    private enum CodingKeys: String, CodingKey {
        case file, line, column
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        try self.init(
            file: container.decode(String.self, forKey: .file), line: container.decode(Int.self, forKey: .line),
            column: container.decode(Int.self, forKey: .column))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(file, forKey: .file)
        try container.encode(line, forKey: .line)
        try container.encode(column, forKey: .column)
    }

    /// `file:line:column`.
    public var description: String { "\(file):\(line):\(column)" }
}

/// One problem found in a plan or configuration file, reported like a compiler does:
/// `plan.yaml:12:9: error: unknown unit 'wmb2' (known: wmb, whjc)`.
public struct Diagnostic: Hashable, Sendable, Codable, CustomStringConvertible {
    public enum Severity: String, Sendable, Codable, Comparable {
        case note, warning, error

        public static func < (lhs: Severity, rhs: Severity) -> Bool {
            lhs.rank < rhs.rank
        }

        private var rank: Int {
            switch self {
            case .note: 0
            case .warning: 1
            case .error: 2
            }
        }
    }

    public var severity: Severity
    public var message: String
    public var location: SourceLocation?
    /// A suggestion that may fix the problem ("did you mean 'owners'?").
    public var hint: String?

    public init(_ severity: Severity, _ message: String, at location: SourceLocation? = nil, hint: String? = nil) {
        self.severity = severity
        self.message = message
        self.location = location
        self.hint = hint
    }

    public var description: String {
        var text = location.map { "\($0): " } ?? ""
        text += "\(severity.rawValue): \(message)"
        if let hint { text += " (\(hint))" }
        return text
    }
}

extension Diagnostic: Error {}
