import AlmanacCalendar
import Foundation

/// Constants of the control protocol: newline-delimited JSON over a Unix stream socket.
/// The full description, with examples, is in `docs/control-protocol.md`.
public enum ControlProtocol {
    /// The protocol version this library speaks (`"v": 1` in every message).
    public static let version = 1
    /// The socket path used when neither `--socket` nor `$ALMANAC_SOCKET` is given.
    public static let defaultSocketPath = "/run/almanac/control.sock"
    /// The environment variable that names the socket for clients.
    public static let socketEnvironmentVariable = "ALMANAC_SOCKET"

    /// The encoder for messages on the wire: one line, ISO 8601 instants, stable key order.
    public static func makeEncoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    /// The decoder for messages on the wire.
    public static func makeDecoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }
}

/// The request id a client chose; echoed in the reply. Strings and integers are accepted.
public enum RequestID: Hashable, Sendable, Codable, CustomStringConvertible {
    case string(String)
    case number(Int)

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let number = try? container.decode(Int.self) {
            self = .number(number)
        } else {
            self = .string(try container.decode(String.self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .string(let text): try container.encode(text)
        case .number(let number): try container.encode(number)
        }
    }

    public var description: String {
        switch self {
        case .string(let text): text
        case .number(let number): String(number)
        }
    }
}

/// The name of a control command, as it appears in the request's `cmd` field.
public enum CommandName: String, Sendable, Codable, CaseIterable {
    case status, reload, agenda, next, ack, done, progress, snooze, history
    case cal, show, explain
    /// Checklists: the indicator tree with progress; one indicator's status; many at once.
    case checklist
    case progressSet = "progress-set"
    case progressImport = "progress-import"
    case outbox
    case outboxRetry = "outbox-retry"
    /// One test message through every destination of a unit (mail and group robots).
    case sendTest = "send-test"

    /// Whether the command changes daemon state, and so needs root or the admin group.
    public var changesState: Bool {
        switch self {
        case .status, .agenda, .next, .history: false
        case .outbox: false
        case .outboxRetry: true
        case .sendTest: true
        case .cal, .show, .explain: false
        case .checklist: false
        case .progressSet, .progressImport: true
        case .reload, .ack, .done, .progress, .snooze: true
        }
    }
}

/// One occurrence of a plan item: the item id and, optionally, the date of the occurrence.
/// Without a date the daemon picks the item's current occurrence (the open one nearest today).
/// Written `ITEM` or `ITEM@YYYY-MM-DD` on the command line.
public struct OccurrenceRef: Hashable, Sendable, Codable, CustomStringConvertible {
    public var item: String
    public var date: CivilDate?
    /// The time, for an item whose rule gives several times on one day (`item@YYYY-MM-DDTHH:MM`).
    public var time: TimeOfDay?

    public init(item: String, date: CivilDate? = nil, time: TimeOfDay? = nil) {
        self.item = item
        self.date = date
        self.time = time
    }

    /// The reference to exactly this occurrence.
    public init(_ id: OccurrenceID) {
        self.init(item: id.itemID, date: id.date, time: id.time)
    }

    /// Parses `ITEM`, `ITEM@YYYY-MM-DD` or `ITEM@YYYY-MM-DDTHH:MM`; nil when the item is empty or
    /// the date malformed.
    public init?(parsing text: String) {
        if text.contains("@") {
            guard let id = OccurrenceID(text), !id.itemID.contains(where: { $0.isWhitespace || $0 == "@" }) else { return nil }
            self.init(id)
        } else {
            guard !text.isEmpty, !text.contains(where: { $0.isWhitespace }) else { return nil }
            self.init(item: text)
        }
    }

    public var description: String {
        guard let date else { return item }
        return OccurrenceID(itemID: item, date: date, time: time).description
    }
}

/// Arguments of `agenda`: a date range (default: today and the next 30 days) and filters.
public struct AgendaQuery: Hashable, Sendable, Codable {
    public var from: CivilDate?
    public var to: CivilDate?
    /// Number of days from `from` (or today), used when `to` is absent.
    public var days: Int?
    /// Only items owned by this unit.
    public var unit: String?
    /// Only items of this kind (`festival`, `campaign`, `deadline`, ...).
    public var kind: String?

    public init(from: CivilDate? = nil, to: CivilDate? = nil, days: Int? = nil, unit: String? = nil, kind: String? = nil) {
        self.from = from
        self.to = to
        self.days = days
        self.unit = unit
        self.kind = kind
    }
}

/// Arguments of `next`: how many upcoming reminders at most.
public struct NextQuery: Hashable, Sendable, Codable {
    public var limit: Int?
    public init(limit: Int? = nil) { self.limit = limit }
}

/// Arguments of `done`.
public struct DoneRequest: Hashable, Sendable, Codable {
    public var item: String
    public var date: CivilDate?
    public var note: String?

    public init(_ occurrence: OccurrenceRef, note: String? = nil) {
        self.item = occurrence.item
        self.date = occurrence.date
        self.note = note
    }

    public var occurrence: OccurrenceRef { OccurrenceRef(item: item, date: date) }
}

/// Arguments of `progress`: one checklist entry of an occurrence marked done (or reopened).
public struct ProgressRequest: Hashable, Sendable, Codable {
    public var item: String
    public var date: CivilDate?
    /// The checklist entry id.
    public var entry: String
    /// `true` marks the entry done, `false` reopens it.
    public var done: Bool
    public var note: String?

    public init(_ occurrence: OccurrenceRef, entry: String, done: Bool = true, note: String? = nil) {
        self.item = occurrence.item
        self.date = occurrence.date
        self.entry = entry
        self.done = done
        self.note = note
    }

    public var occurrence: OccurrenceRef { OccurrenceRef(item: item, date: date) }
}

/// Arguments of `snooze`: no reminders for the occurrence before `until`.
public struct SnoozeRequest: Hashable, Sendable, Codable {
    public var item: String
    public var date: CivilDate?
    public var until: Date

    public init(_ occurrence: OccurrenceRef, until: Date) {
        self.item = occurrence.item
        self.date = occurrence.date
        self.until = until
    }

    public var occurrence: OccurrenceRef { OccurrenceRef(item: item, date: date) }
}

/// Arguments of `history`: what was sent and recorded, newest first.
public struct HistoryQuery: Hashable, Sendable, Codable {
    /// Only this item (and, with `date`, only that occurrence).
    public var item: String?
    public var date: CivilDate?
    public var since: Date?
    public var limit: Int?

    public init(item: String? = nil, date: CivilDate? = nil, since: Date? = nil, limit: Int? = nil) {
        self.item = item
        self.date = date
        self.since = since
        self.limit = limit
    }
}

/// Arguments of `cal`: one month of the plan in force (default: the current month).
public struct CalQuery: Hashable, Sendable, Codable {
    public var year: Int?
    /// 1...12; given together with `year`.
    public var month: Int?

    public init(year: Int? = nil, month: Int? = nil) {
        self.year = year
        self.month = month
    }
}

/// Arguments of `show`: one item (or `item/phase`) of the plan in force.
public struct ShowQuery: Hashable, Sendable, Codable {
    public var item: String
    /// Only occurrences starting in these years (default: the plan's years, else the current one).
    public var years: [Int]?
    /// At most this many occurrences (0: all; default 12).
    public var limit: Int?

    public init(item: String, years: [Int]? = nil, limit: Int? = nil) {
        self.item = item
        self.years = years
        self.limit = limit
    }
}

/// Arguments of `explain`: why an item falls on a date, and when its reminders go out.
/// Without a date: the item's current occurrence (as `ack` picks it).
public struct ExplainQuery: Hashable, Sendable, Codable {
    public var item: String
    public var date: CivilDate?

    public init(item: String, date: CivilDate? = nil) {
        self.item = item
        self.date = date
    }
}

/// A typed control command with its arguments.
public enum ControlCommand: Hashable, Sendable {
    case status
    case reload
    case agenda(AgendaQuery)
    case next(NextQuery)
    case ack(OccurrenceRef)
    case done(DoneRequest)
    case progress(ProgressRequest)
    case snooze(SnoozeRequest)
    case history(HistoryQuery)
    /// Lists the mail outbox.
    case outbox(OutboxQuery)
    /// Queues a failed mail again.
    case outboxRetry(OutboxRetryRequest)
    /// Sends one test message through each destination of a unit.
    case sendTest(SendTestRequest)
    case cal(CalQuery)
    case show(ShowQuery)
    case explain(ExplainQuery)
    case checklist(ChecklistQuery)
    case progressSet(ProgressSetRequest)
    case progressImport(ProgressImportRequest)

    public var name: CommandName {
        switch self {
        case .status: .status
        case .reload: .reload
        case .agenda: .agenda
        case .next: .next
        case .ack: .ack
        case .done: .done
        case .progress: .progress
        case .snooze: .snooze
        case .history: .history
        case .outbox: .outbox
        case .outboxRetry: .outboxRetry
        case .sendTest: .sendTest
        case .cal: .cal
        case .show: .show
        case .explain: .explain
        case .checklist: .checklist
        case .progressSet: .progressSet
        case .progressImport: .progressImport
        }
    }
}

/// A request: `{"v":1,"id":7,"cmd":"ack","args":{"item":"qingming","date":"2027-04-05"}}`.
public struct ControlRequest: Hashable, Sendable, Encodable {
    public var id: RequestID?
    public var command: ControlCommand

    public init(id: RequestID? = nil, _ command: ControlCommand) {
        self.id = id
        self.command = command
    }

    private enum CodingKeys: String, CodingKey { case v, id, cmd, args }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(ControlProtocol.version, forKey: .v)
        try container.encodeIfPresent(id, forKey: .id)
        try container.encode(command.name, forKey: .cmd)
        switch command {
        case .status, .reload: break
        case .agenda(let args): try container.encode(args, forKey: .args)
        case .next(let args): try container.encode(args, forKey: .args)
        case .ack(let args): try container.encode(args, forKey: .args)
        case .done(let args): try container.encode(args, forKey: .args)
        case .progress(let args): try container.encode(args, forKey: .args)
        case .snooze(let args): try container.encode(args, forKey: .args)
        case .history(let args): try container.encode(args, forKey: .args)
        case .outbox(let args): try container.encode(args, forKey: .args)
        case .outboxRetry(let args): try container.encode(args, forKey: .args)
        case .sendTest(let args): try container.encode(args, forKey: .args)
        case .cal(let args): try container.encode(args, forKey: .args)
        case .show(let args): try container.encode(args, forKey: .args)
        case .explain(let args): try container.encode(args, forKey: .args)
        case .checklist(let args): try container.encode(args, forKey: .args)
        case .progressSet(let args): try container.encode(args, forKey: .args)
        case .progressImport(let args): try container.encode(args, forKey: .args)
        }
    }

    /// Decodes one request line. On failure returns the error to reply with and whatever request id
    /// could still be read, so the reply can carry it.
    public static func decode(line: some Collection<UInt8>) -> Result<ControlRequest, DecodeFailure> {
        let data = Data(line)
        let decoder = ControlProtocol.makeDecoder()
        let envelope: Envelope
        do {
            envelope = try decoder.decode(Envelope.self, from: data)
        } catch {
            return .failure(DecodeFailure(id: nil, error: ControlError(.badRequest, "request is not a JSON object with fields v, id, cmd, args: \(describe(error))")))
        }
        let id = envelope.id
        guard let version = envelope.v else {
            return .failure(DecodeFailure(id: id, error: ControlError(.badRequest, "request has no protocol version field \"v\"")))
        }
        guard version == ControlProtocol.version else {
            return .failure(DecodeFailure(id: id, error: ControlError(.unsupportedVersion, "protocol version \(version) is not supported (this server speaks version \(ControlProtocol.version))")))
        }
        guard let cmd = envelope.cmd else {
            return .failure(DecodeFailure(id: id, error: ControlError(.badRequest, "request has no command field \"cmd\"")))
        }
        guard let name = CommandName(rawValue: cmd) else {
            let known = CommandName.allCases.map(\.rawValue).joined(separator: ", ")
            return .failure(DecodeFailure(id: id, error: ControlError(.unknownCommand, "unknown command '\(cmd)' (known: \(known))")))
        }
        do {
            let command: ControlCommand
            switch name {
            case .status: command = .status
            case .reload: command = .reload
            case .agenda: command = .agenda(try args(AgendaQuery.self, data, decoder) ?? AgendaQuery())
            case .next: command = .next(try args(NextQuery.self, data, decoder) ?? NextQuery())
            case .history: command = .history(try args(HistoryQuery.self, data, decoder) ?? HistoryQuery())
            case .outbox: command = .outbox(try args(OutboxQuery.self, data, decoder) ?? OutboxQuery())
            case .outboxRetry: command = .outboxRetry(try required(OutboxRetryRequest.self, data, decoder))
            case .sendTest: command = .sendTest(try required(SendTestRequest.self, data, decoder))
            case .ack: command = .ack(try required(OccurrenceRef.self, data, decoder))
            case .done: command = .done(try required(DoneRequest.self, data, decoder))
            case .progress: command = .progress(try required(ProgressRequest.self, data, decoder))
            case .snooze: command = .snooze(try required(SnoozeRequest.self, data, decoder))
            case .cal: command = .cal(try args(CalQuery.self, data, decoder) ?? CalQuery())
            case .show: command = .show(try required(ShowQuery.self, data, decoder))
            case .explain: command = .explain(try required(ExplainQuery.self, data, decoder))
            case .checklist: command = .checklist(try args(ChecklistQuery.self, data, decoder) ?? ChecklistQuery())
            case .progressSet: command = .progressSet(try required(ProgressSetRequest.self, data, decoder))
            case .progressImport: command = .progressImport(try required(ProgressImportRequest.self, data, decoder))
            }
            return .success(ControlRequest(id: id, command))
        } catch let error as ControlError {
            return .failure(DecodeFailure(id: id, error: error))
        } catch {
            return .failure(DecodeFailure(id: id, error: ControlError(.badRequest, "bad arguments for '\(cmd)': \(describe(error))")))
        }
    }

    /// A request that could not be decoded: the reply's error and the request id, if it was readable.
    public struct DecodeFailure: Error, Sendable, Hashable {
        public var id: RequestID?
        public var error: ControlError
    }

    private struct Envelope: Decodable {
        var v: Int?
        var id: RequestID?
        var cmd: String?
    }

    private struct Arguments<T: Decodable>: Decodable {
        var args: T?
    }

    private static func args<T: Decodable>(_ type: T.Type, _ data: Data, _ decoder: JSONDecoder) throws -> T? {
        try decoder.decode(Arguments<T>.self, from: data).args
    }

    private static func required<T: Decodable>(_ type: T.Type, _ data: Data, _ decoder: JSONDecoder) throws -> T {
        guard let value = try args(type, data, decoder) else {
            throw ControlError(.badRequest, "command needs an \"args\" object")
        }
        return value
    }

    /// A one-line description of a decoding error that names the offending field.
    static func describe(_ error: any Error) -> String {
        guard let error = error as? DecodingError else { return String(describing: error) }
        func path(_ context: DecodingError.Context) -> String {
            let keys = context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }
            return keys.isEmpty ? "" : " at '\(keys.joined(separator: "."))'"
        }
        switch error {
        case .typeMismatch(let type, let context):
            return "expected \(type)\(path(context))"
        case .valueNotFound(let type, let context):
            return "missing \(type) value\(path(context))"
        case .keyNotFound(let key, let context):
            return "missing field '\(key.stringValue)'\(path(context))"
        case .dataCorrupted(let context):
            return context.debugDescription + path(context)
        @unknown default:
            return String(describing: error)
        }
    }
}

/// Arguments of `outbox`: which mail (`queued`, `failed`, `sent`; default queued and failed).
public struct OutboxQuery: Hashable, Sendable, Codable {
    public var state: String?
    /// At most this many entries.
    public var limit: Int?

    public init(state: String? = nil, limit: Int? = nil) {
        self.state = state
        self.limit = limit
    }
}

/// Arguments of `outbox-retry`: the outbox id of a failed (or waiting) mail.
public struct OutboxRetryRequest: Hashable, Sendable, Codable {
    public var id: Int64
    public init(id: Int64) { self.id = id }
}

/// Arguments of `send-test`: the unit (or `UNIT.leader`), and optionally one channel (`mail`,
/// `wecom`, `dingtalk`, `feishu`, `webhook`).
public struct SendTestRequest: Hashable, Sendable, Codable {
    public var unit: String
    public var channel: String?

    public init(unit: String, channel: String? = nil) {
        self.unit = unit
        self.channel = channel
    }
}
