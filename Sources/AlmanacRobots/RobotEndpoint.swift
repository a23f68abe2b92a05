import AlmanacCalendar
import Foundation

/// A robot ready to post to: the service, its URL (the key or token in it), the signing secret
/// read from its file, and how messages are written for it.
///
/// The URL and the secret are credentials: they never appear in logs or in the outbox. What
/// does is ``key`` (the service and a hash of the URL) and ``label`` (the unit that names it).
public struct RobotEndpoint: Sendable, Hashable {
    public var service: RobotService
    /// `https://…`, without signature parameters.
    public var url: String
    /// The signing secret (DingTalk 加签 `SEC…`, Feishu's signature secret, the webhook's secret).
    public var secret: String?
    public var format: RobotFormat
    public var language: RobotLanguage
    /// Who names it, for people: `wmb/dingtalk`.
    public var label: String

    public init(
        service: RobotService, url: String, secret: String? = nil, format: RobotFormat? = nil,
        language: RobotLanguage = .zh, label: String
    ) {
        self.service = service
        self.url = url
        self.secret = secret
        self.format = format ?? service.formats[0]
        self.language = language
        self.label = label
    }

    /// `dingtalk:1f3a…` (16 hex digits of the URL's SHA-256): the robot's identity in the outbox,
    /// the unit of ordering and of the rate limit. Units that name the same robot share it.
    public var key: String { Self.key(service: service, url: url) }

    public static func key(service: RobotService, url: String) -> String {
        "\(service.rawValue):" + String(SHA256.hex(SHA256.hash(Array(url.utf8))).prefix(16))
    }

    /// The URL with its credentials hidden: `https://oapi.dingtalk.com/robot/send?access_token=…`.
    public var redactedURL: String { Self.redacted(url) }

    public static func redacted(_ url: String) -> String {
        // Plain string work: Foundation's URLComponents setters trap on characters they dislike.
        guard let schemeEnd = url.range(of: "://") else { return "<invalid URL>" }
        let scheme = url[..<schemeEnd.lowerBound]
        var rest = url[schemeEnd.upperBound...]
        if let hash = rest.firstIndex(of: "#") { rest = rest[..<hash] }
        var query: Substring?
        if let mark = rest.firstIndex(of: "?") {
            query = rest[rest.index(after: mark)...]
            rest = rest[..<mark]
        }
        let slash = rest.firstIndex(of: "/") ?? rest.endIndex
        var authority = rest[..<slash]
        if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
        // Feishu's hook id and a webhook's path may be the secret part: keep the first two segments.
        let segments = rest[slash...].split(separator: "/", omittingEmptySubsequences: true)
        var path = segments.isEmpty ? "" : "/" + segments.prefix(2).joined(separator: "/")
        if segments.count > 2 { path += "/…" }
        var result = "\(scheme)://\(authority)\(path)"
        if let query, !query.isEmpty {
            result += "?" + query.split(separator: "&").map { "\($0.split(separator: "=", maxSplits: 1).first ?? "")=…" }.joined(separator: "&")
        }
        return result
    }

    /// Why `url` cannot be a robot's URL, or `nil` when it can: HTTPS with a host, no user or
    /// password in it, nothing but printable ASCII.
    public static func problem(url: String) -> String? {
        guard !url.unicodeScalars.contains(where: { $0.value <= 0x20 || $0.value >= 0x7f }) else {
            return "the URL contains spaces, control or non-ASCII characters"
        }
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased() else {
            return "'\(redacted(url))' is not a URL"
        }
        guard scheme == "https" else { return "the robot URL must use https://, not \(scheme)://" }
        guard let host = components.host, !host.isEmpty else { return "the URL has no host" }
        guard components.user == nil, components.password == nil else { return "the URL must not hold a user or password" }
        guard components.fragment == nil else { return "the URL must not have a #fragment" }
        return nil
    }
}

/// One message for one robot as the outbox keeps it: both renderings of the templates, who to
/// mention, and for the generic webhook the JSON event. The service's own JSON (and its
/// signature, which has a timestamp) is made from it at send time.
public struct RobotContent: Codable, Sendable, Hashable {
    /// `reminder`, `overdue`, `escalation`, `digest`, `test` or `batch`.
    public var kind: String
    /// One line (DingTalk's markdown title, Feishu's card header).
    public var title: String
    /// The plain-text rendering.
    public var text: String
    /// The markdown rendering.
    public var markdown: String
    /// Mobile numbers to @ (WeCom text, DingTalk).
    public var mentions: [String]
    public var mentionAll: Bool
    /// The generic webhook's JSON object, as text (docs/robots.md).
    public var event: String?
    /// The delivery identity: the webhook's idempotency key.
    public var delivery: String
    /// Sent again after an interrupted send: the robot may have the earlier copy. Set when the
    /// message is sent (``markedAsPossibleRepeat(language:)``), never stored.
    public var possibleRepeat: Bool?

    public init(
        kind: String, title: String, text: String, markdown: String, mentions: [String] = [], mentionAll: Bool = false,
        event: String? = nil, delivery: String
    ) {
        self.kind = kind
        self.title = title
        self.text = text
        self.markdown = markdown
        self.mentions = mentions
        self.mentionAll = mentionAll
        self.event = event
        self.delivery = delivery
    }

    /// The stored form (JSON).
    public func encoded() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    /// The stored form read back; `nil` when it is not one.
    public static func decode(_ text: String) -> RobotContent? {
        try? JSONDecoder().decode(RobotContent.self, from: Data(text.utf8))
    }

    /// How many bytes this message adds to a batch for `format` (its rendering and a separator).
    public func size(for format: RobotFormat) -> Int {
        (format.usesMarkdown ? markdown.utf8.count : text.utf8.count) + 16
    }

    /// The note a message sent again after an interrupted send carries at the end of its text.
    public static func possibleRepeatNote(_ language: RobotLanguage) -> String {
        language == .en ? " (possible repeat: the previous send was interrupted)" : "（可能重复：上次发送时进程中断）"
    }

    /// This message marked as a possible repeat: a short note after the title and the text,
    /// `"possible_repeat":true` in the webhook's event (and `X-Almanac-Possible-Repeat: yes`,
    /// added by ``RobotRequestBuilder``).
    public func markedAsPossibleRepeat(language: RobotLanguage) -> RobotContent {
        guard possibleRepeat != true else { return self }
        var marked = self
        let note = Self.possibleRepeatNote(language)
        marked.title += note
        marked.text += note
        marked.markdown += "\n\n" + note.trimmingCharacters(in: .whitespaces)
        if let event, event.hasPrefix("{"), event.count > 2 {
            marked.event = "{\"possible_repeat\":true," + event.dropFirst()
        }
        marked.possibleRepeat = true
        return marked
    }

    /// The webhook body of several events: `{"schema":"almanac.batch/1", …, "events":[…]}`.
    public static func batchEvent(delivery: String, events: [String]) -> String {
        let head = JSONValue.object([
            ("schema", "almanac.batch/1"), ("kind", "batch"), ("delivery", .string(delivery)),
            ("count", .integer(Int64(events.count))),
        ]).text
        return String(head.dropLast()) + ",\"events\":[" + events.joined(separator: ",") + "]}"
    }
}
