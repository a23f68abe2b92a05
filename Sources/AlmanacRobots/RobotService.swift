import Foundation

/// The group-robot services almanac posts to.
public enum RobotService: String, Sendable, Hashable, CaseIterable, Codable {
    /// 企业微信 (WeCom) group robot: `https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=KEY`.
    case wecom
    /// 钉钉 (DingTalk) custom robot, optionally with 加签:
    /// `https://oapi.dingtalk.com/robot/send?access_token=TOKEN`.
    case dingtalk
    /// 飞书 (Feishu, and Lark) custom bot, optionally with its signature:
    /// `https://open.feishu.cn/open-apis/bot/v2/hook/HOOK`.
    case feishu
    /// Any HTTPS endpoint: almanac's documented JSON body, signed with HMAC-SHA256 (docs/robots.md).
    case webhook

    /// The Chinese name, for messages to administrators.
    public var displayName: String {
        switch self {
        case .wecom: "企业微信"
        case .dingtalk: "钉钉"
        case .feishu: "飞书"
        case .webhook: "webhook"
        }
    }

    /// The message formats the service takes; the first is the default.
    public var formats: [RobotFormat] {
        switch self {
        case .wecom, .dingtalk: [.text, .markdown]
        case .feishu: [.text, .card]
        case .webhook: [.json]
        }
    }

    /// The robot's URL for the key the service hands out (WeCom's `key`, DingTalk's
    /// `access_token`, Feishu's hook id); `nil` for the generic webhook.
    public func url(key: String) -> String? {
        let escaped = key.addingPercentEncoding(withAllowedCharacters: .urlQueryValueAllowed) ?? key
        switch self {
        case .wecom: return "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=\(escaped)"
        case .dingtalk: return "https://oapi.dingtalk.com/robot/send?access_token=\(escaped)"
        case .feishu:
            let path = key.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? key
            return "https://open.feishu.cn/open-apis/bot/v2/hook/\(path)"
        case .webhook: return nil
        }
    }

    /// The largest content (UTF-8 bytes of the text or markdown) one message may carry. WeCom
    /// documents 2048 bytes for text and 4096 for markdown; DingTalk about 20,000; Feishu a
    /// request body of 20 KB (JSON escaping and the card around it take their share).
    public func contentLimit(_ format: RobotFormat) -> Int {
        switch (self, format) {
        case (.wecom, .text): 2048
        case (.wecom, _): 4096
        case (.dingtalk, _): 18_000
        case (.feishu, _): 15_000
        case (.webhook, _): 256 * 1024
        }
    }
}

/// How a message is written for a service.
public enum RobotFormat: String, Sendable, Hashable, CaseIterable, Codable {
    /// Plain text (`msgtype: text`); the only format where WeCom mentions people by mobile.
    case text
    /// Markdown (WeCom's and DingTalk's subsets).
    case markdown
    /// Feishu's interactive card, with the markdown text in it.
    case card
    /// The generic webhook's JSON body.
    case json

    /// Whether the markdown rendering is sent (else the plain text).
    public var usesMarkdown: Bool { self == .markdown || self == .card }
}

/// The language of a destination's messages.
public enum RobotLanguage: String, Sendable, Hashable, CaseIterable, Codable {
    case zh, en
}

extension CharacterSet {
    /// Characters left as they are in a query value (`&`, `=`, `+`, `#` encoded).
    static let urlQueryValueAllowed: CharacterSet = {
        var set = CharacterSet.urlQueryAllowed
        set.remove(charactersIn: "&=+#?/")
        return set
    }()
}
