import Foundation

/// What a robot's answer means for the message (pure).
public enum RobotOutcome: Sendable, Hashable {
    /// Taken.
    case delivered
    /// The service's rate limit (HTTP 429, WeCom 45009, DingTalk 130101, Feishu 11232): retried
    /// after the rate window, not a fault of the message.
    case rateLimited(String)
    /// Worth retrying later: network trouble, HTTP 5xx, a busy service (`errcode -1`), a code
    /// almanac does not know.
    case temporary(String)
    /// This message cannot go (malformed, too long, a keyword missing): kept as failed.
    case permanent(String)
    /// The robot refuses everything from almanac (wrong key or token, signature or timestamp
    /// refused, address not on its allowlist, TLS certificate not trusted): every message
    /// waiting for it fails at once, until an administrator fixes the configuration.
    case rejectedEndpoint(String)

    public var text: String {
        switch self {
        case .delivered: "delivered"
        case .rateLimited(let text), .temporary(let text), .permanent(let text), .rejectedEndpoint(let text): text
        }
    }
}

/// An HTTP answer.
public struct HTTPResponse: Sendable, Hashable {
    public var status: Int
    public var body: [UInt8]
    /// `Retry-After` in seconds, when the server sent one.
    public var retryAfter: Int?

    public init(status: Int, body: [UInt8], retryAfter: Int? = nil) {
        self.status = status
        self.body = body
        self.retryAfter = retryAfter
    }

    public var bodyText: String { String(decoding: body.prefix(2000), as: UTF8.self) }
}

/// Reads each service's answer. WeCom and DingTalk answer HTTP 200 with `errcode`/`errmsg`;
/// Feishu with `code`/`msg` (older hooks `StatusCode`/`StatusMessage`); the generic webhook
/// by its HTTP status alone.
public enum RobotResponseClassifier {
    public static func classify(_ service: RobotService, _ response: HTTPResponse) -> RobotOutcome {
        let status = response.status
        let shown = "HTTP \(status): \(oneLine(response.bodyText))"
        if status == 429 { return .rateLimited(shown) }
        if status >= 500 || status == 408 || status == 425 { return .temporary(shown) }
        if service == .webhook {
            if (200..<300).contains(status) { return .delivered }
            if status == 401 || status == 403 { return .rejectedEndpoint("the webhook refused almanac's signature (\(shown))") }
            if status == 404 || status == 410 { return .rejectedEndpoint("no webhook at this URL (\(shown))") }
            return .permanent(shown)
        }
        guard let object = (try? JSONSerialization.jsonObject(with: Data(response.body))) as? [String: Any] else {
            if (200..<300).contains(status) { return .temporary("\(service.displayName) answered without JSON (\(shown))") }
            if status == 404 { return .rejectedEndpoint("no \(service.displayName) robot at this URL (\(shown))") }
            return .permanent(shown)
        }
        switch service {
        case .wecom: return wecom(object, status: status, shown: shown)
        case .dingtalk: return dingtalk(object, status: status, shown: shown)
        case .feishu: return feishu(object, status: status, shown: shown)
        case .webhook: return .delivered
        }
    }

    static func integer(_ value: Any?) -> Int? {
        if let number = value as? NSNumber { return number.intValue }
        if let text = value as? String { return Int(text) }
        return nil
    }

    static func wecom(_ object: [String: Any], status: Int, shown: String) -> RobotOutcome {
        guard let code = integer(object["errcode"]) else { return status == 200 ? .temporary("no errcode: \(shown)") : .permanent(shown) }
        let message = "企业微信 errcode \(code): \(object["errmsg"] as? String ?? "")"
        switch code {
        case 0: return .delivered
        case 45009: return .rateLimited(message)  // api freq out of limit (20 a minute per robot)
        case -1: return .temporary(message)  // system busy
        case 93000: return .rejectedEndpoint(message + " (the robot's key is wrong, or the robot was removed from the group)")
        case 93004, 93008: return .rejectedEndpoint(message)  // robot disabled, not in the group
        case 40008, 40058, 44004, 45002, 40033:
            // bad msgtype, bad parameter, empty content, content too long, bad characters
            return .permanent(message)
        default: return .temporary(message + " (not a code almanac knows: retried)")
        }
    }

    static func dingtalk(_ object: [String: Any], status: Int, shown: String) -> RobotOutcome {
        guard let code = integer(object["errcode"]) else { return status == 200 ? .temporary("no errcode: \(shown)") : .permanent(shown) }
        let message = "钉钉 errcode \(code): \(object["errmsg"] as? String ?? "")"
        switch code {
        case 0: return .delivered
        case 130101, 410100: return .rateLimited(message)  // send too fast, exceed 20 times per minute
        case -1: return .temporary(message)
        case 310000:
            // Security settings: the signature (or its timestamp), a keyword, or the IP allowlist.
            return .rejectedEndpoint(message + " (加签 secret or clock, keyword or IP allowlist)")
        case 300001, 300005, 300006, 400101, 400102:
            // token invalid or unknown, robot not found or stopped
            return .rejectedEndpoint(message + " (the access_token is wrong, or the robot was removed or stopped)")
        case 40035, 40044, 43004, 400013:
            return .permanent(message)
        default: return .temporary(message + " (not a code almanac knows: retried)")
        }
    }

    static func feishu(_ object: [String: Any], status: Int, shown: String) -> RobotOutcome {
        let code = integer(object["code"]) ?? integer(object["StatusCode"])
        let text = object["msg"] as? String ?? object["StatusMessage"] as? String ?? ""
        guard let code else { return status == 200 ? .temporary("no code: \(shown)") : .permanent(shown) }
        let message = "飞书 code \(code): \(text)"
        switch code {
        case 0: return .delivered
        case 11232, 11233, 99991400: return .rateLimited(message)  // frequency limited
        case 9499:
            // "Bad Request" for a body Feishu cannot read, but also "too many request".
            return text.lowercased().contains("too many") ? .rateLimited(message) : .permanent(message)
        case 19021: return .rejectedEndpoint(message + " (the signature secret is wrong, or the clock is off by more than an hour)")
        case 19022: return .rejectedEndpoint(message + " (almanac's address is not on the robot's IP allowlist)")
        case 19001: return .rejectedEndpoint(message + " (the hook URL is wrong, or the bot was removed)")
        case 19024: return .permanent(message + " (the message lacks the robot's keyword)")
        case 19002, 19036: return .permanent(message)
        default: return .temporary(message + " (not a code almanac knows: retried)")
        }
    }

    static func oneLine(_ text: String) -> String {
        String(text.split(whereSeparator: { $0.isNewline }).joined(separator: " ").prefix(300))
    }
}
