import AlmanacCalendar
import Foundation

/// An HTTPS POST to make.
public struct HTTPRequest: Sendable, Hashable {
    public var url: String
    public var headers: [String]
    public var body: [UInt8]

    public init(url: String, headers: [String], body: [UInt8]) {
        self.url = url
        self.headers = headers
        self.body = body
    }

    /// The body as text (it is always UTF-8 JSON).
    public var bodyText: String { String(decoding: body, as: UTF8.self) }
}

/// Builds each service's request from a message (pure: the time comes in).
///
/// - 企业微信: `{"msgtype":"text","text":{"content":…,"mentioned_mobile_list":[…]}}` or
///   `{"msgtype":"markdown","markdown":{"content":…}}` (markdown cannot mention by mobile).
/// - 钉钉: `timestamp` (ms) and `sign` = Base64(HMAC-SHA256(secret, "timestamp\nsecret")) added
///   to the URL; `{"msgtype":"text"|"markdown",…,"at":{"atMobiles":[…],"isAtAll":…}}`, the
///   mobiles also written as `@138…` in the text, as DingTalk requires.
/// - 飞书: `{"timestamp":"s","sign":…,"msg_type":"text"|"interactive",…}`, the sign being
///   Base64(HMAC-SHA256 keyed with "timestamp\nsecret" over nothing), as Feishu specifies.
/// - webhook: the event as body; `X-Almanac-Delivery`, `X-Almanac-Timestamp` and
///   `X-Almanac-Signature: sha256=hex(HMAC-SHA256(secret, "timestamp.body"))`; a message sent
///   again after an interrupted send also `X-Almanac-Possible-Repeat: yes`.
public enum RobotRequestBuilder {
    public static let userAgent = "almanac-robots/1"

    public static func request(_ endpoint: RobotEndpoint, _ content: RobotContent, at now: Date) -> HTTPRequest {
        let limit = endpoint.service.contentLimit(endpoint.format)
        var headers = ["Content-Type: application/json; charset=utf-8", "User-Agent: \(userAgent)"]
        switch endpoint.service {
        case .wecom:
            let body: JSONValue
            if endpoint.format == .markdown {
                body = .object([("msgtype", "markdown"), ("markdown", .object([("content", .string(truncated(content.markdown, limit)))]))])
            } else {
                var text: [(String, JSONValue)] = [("content", .string(truncated(content.text, limit)))]
                let mobiles = content.mentions + (content.mentionAll ? ["@all"] : [])
                if !mobiles.isEmpty { text.append(("mentioned_mobile_list", .array(mobiles.map { .string($0) }))) }
                body = .object([("msgtype", "text"), ("text", .object(text))])
            }
            return HTTPRequest(url: endpoint.url, headers: headers, body: Array(body.text.utf8))

        case .dingtalk:
            let at = content.mentions.map { "@\($0)" }.joined(separator: " ")
            let atSuffix = at.isEmpty ? "" : "\n\n" + at
            let body: JSONValue
            if endpoint.format == .markdown {
                body = .object([
                    ("msgtype", "markdown"),
                    ("markdown", .object([("title", .string(truncated(content.title, 200))), ("text", .string(truncated(content.markdown, limit) + atSuffix))])),
                    ("at", atObject(content)),
                ])
            } else {
                body = .object([
                    ("msgtype", "text"), ("text", .object([("content", .string(truncated(content.text, limit) + atSuffix))])),
                    ("at", atObject(content)),
                ])
            }
            var url = endpoint.url
            if let secret = endpoint.secret {
                let timestamp = Int64((now.timeIntervalSince1970 * 1000).rounded(.down))
                let sign = dingtalkSign(secret: secret, timestamp: timestamp)
                let escaped = sign.addingPercentEncoding(withAllowedCharacters: .urlQueryValueAllowed) ?? sign
                url += (url.contains("?") ? "&" : "?") + "timestamp=\(timestamp)&sign=\(escaped)"
            }
            return HTTPRequest(url: url, headers: headers, body: Array(body.text.utf8))

        case .feishu:
            var pairs: [(String, JSONValue)] = []
            if let secret = endpoint.secret {
                let timestamp = Int64(now.timeIntervalSince1970.rounded(.down))
                pairs.append(("timestamp", .string(String(timestamp))))
                pairs.append(("sign", .string(feishuSign(secret: secret, timestamp: timestamp))))
            }
            if endpoint.format == .card {
                var markdown = truncated(content.markdown, limit)
                if content.mentionAll { markdown += "\n<at id=all></at>" }
                pairs.append(("msg_type", "interactive"))
                pairs.append((
                    "card",
                    .object([
                        ("config", .object([("wide_screen_mode", true)])),
                        ("header", .object([("title", .object([("tag", "plain_text"), ("content", .string(truncated(content.title, 200)))])), ("template", .string(cardColour(content.kind)))])),
                        ("elements", .array([.object([("tag", "markdown"), ("content", .string(markdown))])])),
                    ])
                ))
            } else {
                var text = truncated(content.text, limit)
                if content.mentionAll { text += "\n<at user_id=\"all\">所有人</at>" }
                pairs.append(("msg_type", "text"))
                pairs.append(("content", .object([("text", .string(text))])))
            }
            return HTTPRequest(url: endpoint.url, headers: headers, body: Array(JSONValue.object(pairs).text.utf8))

        case .webhook:
            var fallback: [(String, JSONValue)] = [("delivery", .string(content.delivery)), ("text", .string(content.text))]
            if content.possibleRepeat == true { fallback.append(("possible_repeat", true)) }
            let body = Array((content.event ?? JSONValue.object(fallback).text).utf8)
            let timestamp = Int64(now.timeIntervalSince1970.rounded(.down))
            headers.append("X-Almanac-Delivery: \(content.delivery)")
            headers.append("X-Almanac-Timestamp: \(timestamp)")
            if content.possibleRepeat == true { headers.append("X-Almanac-Possible-Repeat: yes") }
            if let secret = endpoint.secret {
                headers.append("X-Almanac-Signature: \(webhookSignature(secret: secret, timestamp: timestamp, body: body))")
            }
            return HTTPRequest(url: endpoint.url, headers: headers, body: body)
        }
    }

    static func atObject(_ content: RobotContent) -> JSONValue {
        .object([("atMobiles", .array(content.mentions.map { .string($0) })), ("isAtAll", .bool(content.mentionAll))])
    }

    /// Feishu card header colours by kind: overdue and escalation stand out.
    static func cardColour(_ kind: String) -> String {
        switch kind {
        case "overdue", "escalation": "red"
        case "digest", "batch": "turquoise"
        case "test": "grey"
        default: "blue"
        }
    }

    /// DingTalk 加签: Base64(HMAC-SHA256(key: secret, message: "timestamp\nsecret")), before URL encoding.
    public static func dingtalkSign(secret: String, timestamp: Int64) -> String {
        let digest = SHA256.hmac(key: Array(secret.utf8), message: Array("\(timestamp)\n\(secret)".utf8))
        return Data(digest).base64EncodedString()
    }

    /// Feishu: Base64(HMAC-SHA256(key: "timestamp\nsecret", message: empty)).
    public static func feishuSign(secret: String, timestamp: Int64) -> String {
        Data(SHA256.hmac(key: Array("\(timestamp)\n\(secret)".utf8), message: [])).base64EncodedString()
    }

    /// The generic webhook: `sha256=` and the hex HMAC-SHA256 of "timestamp." followed by the body.
    public static func webhookSignature(secret: String, timestamp: Int64, body: [UInt8]) -> String {
        "sha256=" + SHA256.hex(SHA256.hmac(key: Array(secret.utf8), message: Array("\(timestamp).".utf8) + body))
    }

    /// `text` cut to at most `limit` UTF-8 bytes at a character boundary, with a note when cut.
    public static func truncated(_ text: String, _ limit: Int) -> String {
        guard text.utf8.count > limit else { return text }
        let note = "…（内容过长，已截断）"
        var result = ""
        var used = 0
        let room = max(0, limit - note.utf8.count)
        for character in text {
            let size = String(character).utf8.count
            if used + size > room { break }
            result.append(character)
            used += size
        }
        return result + note
    }
}
