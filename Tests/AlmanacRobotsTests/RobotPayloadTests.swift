import AlmanacCalendar
import Foundation
import Testing

@testable import AlmanacRobots

@Suite struct SHA256Tests {
    static func hex(_ text: String) -> String { SHA256.hex(SHA256.hash(Array(text.utf8))) }

    /// FIPS 180-4 examples.
    @Test func digestsMatchTheStandardsVectors() {
        #expect(Self.hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(Self.hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(
            Self.hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(
            SHA256.hex(SHA256.hash([UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)))
                == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    /// RFC 4231 test cases 1, 2 and 6 (a key longer than the block).
    @Test func hmacMatchesRFC4231() {
        #expect(
            SHA256.hex(SHA256.hmac(key: [UInt8](repeating: 0x0b, count: 20), message: Array("Hi There".utf8)))
                == "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7")
        #expect(
            SHA256.hex(SHA256.hmac(key: Array("Jefe".utf8), message: Array("what do ya want for nothing?".utf8)))
                == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
        #expect(
            SHA256.hex(
                SHA256.hmac(
                    key: [UInt8](repeating: 0xaa, count: 131),
                    message: Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8)))
                == "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54")
    }
}

@Suite struct RobotRequestTests {
    static let content = RobotContent(
        kind: "reminder", title: "【提醒】网吧检查", text: "提醒：网吧检查\n日期：2026-12-08",
        markdown: "### 【提醒】网吧检查\n> 日期：2026-12-08", mentions: ["13800000000"], delivery: "netcafe@2026-12-08/0d/wecom:ab")
    static let now = Date(timeIntervalSince1970: 1_733_400_000.123)

    static func object(_ request: HTTPRequest) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(request.body)) as? [String: Any])
    }

    /// Values computed with Python's hmac and base64 (the services' own examples use them).
    @Test func signaturesMatchPythonsHMAC() {
        #expect(RobotRequestBuilder.dingtalkSign(secret: "SEC0123456789abcdef", timestamp: 1_733_400_000_123) == "gsPsv/KCp3S45IV0/D90CtOu6bo+/MrQapQr7UefwbA=")
        #expect(RobotRequestBuilder.feishuSign(secret: "feishu-secret-密钥", timestamp: 1_733_400_000) == "VJ7rgMslUydS9I3tavwLlgaTNh7dzkiF1fdmwaDmj/0=")
        #expect(
            RobotRequestBuilder.webhookSignature(secret: "webhook-secret", timestamp: 1_733_400_000, body: Array("{\"delivery\":\"x\"}".utf8))
                == "sha256=632d21a85ef86176d4801ea5c834857b07e03666d9a1bd97cf989b7d5c17649d")
    }

    @Test func wecomTextMentionsByMobileMarkdownDoesNot() throws {
        let text = RobotEndpoint(service: .wecom, url: "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k1", label: "wmb/wecom")
        let request = RobotRequestBuilder.request(text, Self.content, at: Self.now)
        #expect(request.url == "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k1")
        #expect(
            request.bodyText
                == #"{"msgtype":"text","text":{"content":"提醒：网吧检查\n日期：2026-12-08","mentioned_mobile_list":["13800000000"]}}"#)
        var markdown = text
        markdown.format = .markdown
        let body = try Self.object(RobotRequestBuilder.request(markdown, Self.content, at: Self.now))
        #expect(body["msgtype"] as? String == "markdown")
        #expect((body["markdown"] as? [String: Any])?["content"] as? String == Self.content.markdown)
        #expect((body["markdown"] as? [String: Any])?["mentioned_mobile_list"] == nil)
    }

    @Test func dingtalkSignsTheURLAndMentionsInTheTextAndInAt() throws {
        let endpoint = RobotEndpoint(
            service: .dingtalk, url: "https://oapi.dingtalk.com/robot/send?access_token=t1", secret: "SEC0123456789abcdef",
            format: .markdown, label: "wmb/dingtalk")
        let request = RobotRequestBuilder.request(endpoint, Self.content, at: Date(timeIntervalSince1970: 1_733_400_000.123))
        let components = try #require(URLComponents(string: request.url))
        let query = Dictionary(uniqueKeysWithValues: (components.queryItems ?? []).map { ($0.name, $0.value ?? "") })
        #expect(query["access_token"] == "t1")
        #expect(query["timestamp"] == "1733400000123")
        #expect(query["sign"] == "gsPsv/KCp3S45IV0/D90CtOu6bo+/MrQapQr7UefwbA=")
        // "+", "/" and "=" are percent-encoded in the URL, as DingTalk's samples do with quote_plus.
        #expect(request.url.contains("sign=gsPsv%2FKCp3S45IV0%2FD90CtOu6bo%2B%2FMrQapQr7UefwbA%3D"))
        let body = try Self.object(request)
        #expect(body["msgtype"] as? String == "markdown")
        let markdown = try #require(body["markdown"] as? [String: Any])
        #expect(markdown["title"] as? String == "【提醒】网吧检查")
        #expect((markdown["text"] as? String)?.hasSuffix("@13800000000") == true)
        let at = try #require(body["at"] as? [String: Any])
        #expect(at["atMobiles"] as? [String] == ["13800000000"])
        #expect(at["isAtAll"] as? Bool == false)
    }

    @Test func feishuPutsTimestampAndSignInTheBodyAndCardsCarryTheMarkdown() throws {
        let endpoint = RobotEndpoint(
            service: .feishu, url: "https://open.feishu.cn/open-apis/bot/v2/hook/h1", secret: "feishu-secret-密钥", format: .card,
            label: "wmb/feishu")
        let body = try Self.object(RobotRequestBuilder.request(endpoint, Self.content, at: Date(timeIntervalSince1970: 1_733_400_000.9)))
        #expect(body["timestamp"] as? String == "1733400000")
        #expect(body["sign"] as? String == "VJ7rgMslUydS9I3tavwLlgaTNh7dzkiF1fdmwaDmj/0=")
        #expect(body["msg_type"] as? String == "interactive")
        let card = try #require(body["card"] as? [String: Any])
        let elements = try #require(card["elements"] as? [[String: Any]])
        #expect(elements.first?["content"] as? String == Self.content.markdown)
        var text = endpoint
        text.format = .text
        text.secret = nil
        let plain = try Self.object(RobotRequestBuilder.request(text, Self.content, at: Self.now))
        #expect(plain["sign"] == nil)
        #expect((plain["content"] as? [String: Any])?["text"] as? String == Self.content.text)
    }

    @Test func webhookSendsTheEventSignedWithTimestampAndDeliveryID() {
        var content = Self.content
        content.event = #"{"delivery":"x"}"#
        let endpoint = RobotEndpoint(service: .webhook, url: "https://ops.example.org/almanac", secret: "webhook-secret", label: "wmb/webhook")
        let request = RobotRequestBuilder.request(endpoint, content, at: Date(timeIntervalSince1970: 1_733_400_000.5))
        #expect(request.bodyText == #"{"delivery":"x"}"#)
        #expect(request.headers.contains("X-Almanac-Delivery: netcafe@2026-12-08/0d/wecom:ab"))
        #expect(request.headers.contains("X-Almanac-Timestamp: 1733400000"))
        #expect(request.headers.contains("X-Almanac-Signature: sha256=632d21a85ef86176d4801ea5c834857b07e03666d9a1bd97cf989b7d5c17649d"))
    }

    @Test func longContentIsCutAtACharacterWithinTheServiceLimit() {
        let long = String(repeating: "网吧检查", count: 400)  // 4,800 bytes
        let cut = RobotRequestBuilder.truncated(long, RobotService.wecom.contentLimit(.text))
        #expect(cut.utf8.count <= 2048)
        #expect(cut.hasSuffix("…（内容过长，已截断）"))
        #expect(RobotRequestBuilder.truncated("短", 2048) == "短")
    }

    @Test func urlsMustBeHTTPSAndAreShownWithoutCredentials() {
        #expect(RobotEndpoint.problem(url: "http://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k") == "the robot URL must use https://, not http://")
        #expect(RobotEndpoint.problem(url: "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k") == nil)
        #expect(RobotEndpoint.problem(url: "https://user:pw@example.org/hook") != nil)
        #expect(RobotEndpoint.problem(url: "https:///nohost") != nil)
        #expect(RobotEndpoint.redacted("https://oapi.dingtalk.com/robot/send?access_token=secret-token") == "https://oapi.dingtalk.com/robot/send?access_token=…")
        #expect(RobotEndpoint.redacted("https://open.feishu.cn/open-apis/bot/v2/hook/secret-hook") == "https://open.feishu.cn/open-apis/bot/…")
        #expect(RobotService.wecom.url(key: "a&b") == "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=a%26b")
        let a = RobotEndpoint(service: .wecom, url: "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k1", label: "a/wecom")
        let b = RobotEndpoint(service: .wecom, url: "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k1", format: .markdown, label: "b/wecom")
        #expect(a.key == b.key)
        #expect(a.key.hasPrefix("wecom:") && !a.key.contains("k1"))
    }

    @Test func storedContentRoundTripsAndBatchesWrapTheEvents() throws {
        var content = Self.content
        content.event = #"{"delivery":"a"}"#
        #expect(RobotContent.decode(content.encoded()) == content)
        #expect(RobotContent.decode("not json") == nil)
        let batch = RobotContent.batchEvent(delivery: "batch:1", events: [#"{"delivery":"a"}"#, #"{"delivery":"b"}"#])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(batch.utf8)) as? [String: Any])
        #expect(object["count"] as? Int == 2)
        #expect((object["events"] as? [[String: Any]])?.compactMap { $0["delivery"] as? String } == ["a", "b"])
    }
}

@Suite struct RobotResponseTests {
    static func answer(_ status: Int, _ body: String) -> HTTPResponse { HTTPResponse(status: status, body: Array(body.utf8)) }

    @Test func eachServicesOwnCodesAreRead() {
        func kind(_ service: RobotService, _ status: Int, _ body: String) -> String {
            switch RobotResponseClassifier.classify(service, Self.answer(status, body)) {
            case .delivered: "delivered"
            case .rateLimited: "rate"
            case .temporary: "temporary"
            case .permanent: "permanent"
            case .rejectedEndpoint: "endpoint"
            }
        }
        #expect(kind(.wecom, 200, #"{"errcode":0,"errmsg":"ok"}"#) == "delivered")
        #expect(kind(.wecom, 200, #"{"errcode":45009,"errmsg":"api freq out of limit"}"#) == "rate")
        #expect(kind(.wecom, 200, #"{"errcode":93000,"errmsg":"invalid webhook url"}"#) == "endpoint")
        #expect(kind(.wecom, 200, #"{"errcode":-1,"errmsg":"system busy"}"#) == "temporary")
        #expect(kind(.wecom, 200, #"{"errcode":44004,"errmsg":"empty content"}"#) == "permanent")
        #expect(kind(.dingtalk, 200, #"{"errcode":0,"errmsg":"ok"}"#) == "delivered")
        #expect(kind(.dingtalk, 200, #"{"errcode":130101,"errmsg":"send too fast, exceed 20 times per minute"}"#) == "rate")
        #expect(kind(.dingtalk, 200, #"{"errcode":310000,"errmsg":"sign not match"}"#) == "endpoint")
        #expect(kind(.dingtalk, 200, #"{"errcode":300001,"errmsg":"token is not exist"}"#) == "endpoint")
        #expect(kind(.feishu, 200, #"{"code":0,"msg":"success","data":{}}"#) == "delivered")
        #expect(kind(.feishu, 200, #"{"StatusCode":0,"StatusMessage":"success"}"#) == "delivered")
        #expect(kind(.feishu, 200, #"{"code":11232,"msg":"frequency limited"}"#) == "rate")
        #expect(kind(.feishu, 200, #"{"code":9499,"msg":"too many request"}"#) == "rate")
        #expect(kind(.feishu, 400, #"{"code":9499,"msg":"Bad Request","data":{}}"#) == "permanent")
        #expect(kind(.feishu, 200, #"{"code":19021,"msg":"sign match fail or timestamp is not within one hour from current time"}"#) == "endpoint")
        #expect(kind(.webhook, 204, "") == "delivered")
        #expect(kind(.webhook, 429, "slow down") == "rate")
        #expect(kind(.webhook, 503, "") == "temporary")
        #expect(kind(.webhook, 401, "bad signature") == "endpoint")
        #expect(kind(.webhook, 400, "bad body") == "permanent")
        #expect(kind(.wecom, 502, "<html>bad gateway</html>") == "temporary")
        #expect(kind(.dingtalk, 200, "<html>") == "temporary")
    }
}

@Suite struct RobotSendPlannerTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)
    static let minute = RobotRateLimit(limit: 20, window: .seconds(60))

    static func queue(_ count: Int, size: Int = 100) -> [RobotQueuedMessage] {
        (1...count).map { RobotQueuedMessage(id: Int64($0), size: size) }
    }

    @Test func whatFitsTheWindowGoesOutMessageByMessage() {
        let plan = RobotSendPlanner.plan(queue: Self.queue(5), requestTimes: [], now: Self.now, rate: Self.minute, maxBatchBytes: 4096)
        #expect(plan.requests == [[1], [2], [3], [4], [5]])
        #expect(plan.wakeAt == nil)
    }

    @Test func onlyTheExcessIsMergedIntoADigest() {
        let plan = RobotSendPlanner.plan(queue: Self.queue(25), requestTimes: [], now: Self.now, rate: Self.minute, maxBatchBytes: 4096)
        #expect(plan.requests.count == 20)
        #expect(plan.requests.prefix(19).allSatisfy { $0.count == 1 })
        #expect(plan.requests.last == Array(20...25))
        #expect(plan.requests.flatMap { $0 } == Array(1...25))
    }

    @Test func aFullWindowWaitsForTheOldestRequestToLeaveIt() {
        let times = (0..<20).map { Self.now.addingTimeInterval(-50 + Double($0)) }
        let plan = RobotSendPlanner.plan(queue: Self.queue(3), requestTimes: times, now: Self.now, rate: Self.minute, maxBatchBytes: 4096)
        #expect(plan.requests.isEmpty)
        #expect(plan.wakeAt == Self.now.addingTimeInterval(10))
        // Older requests do not count.
        let old = (0..<20).map { Self.now.addingTimeInterval(-61 - Double($0)) }
        #expect(RobotSendPlanner.plan(queue: Self.queue(3), requestTimes: old, now: Self.now, rate: Self.minute, maxBatchBytes: 4096).requests.count == 3)
    }

    @Test func digestsRespectTheSizeAndWhatDoesNotFitWaitsItsTurn() {
        // 1,000 messages of 300 bytes, 4,096 bytes a digest: 13 a digest, 20 digests a window.
        let plan = RobotSendPlanner.plan(queue: Self.queue(1000, size: 300), requestTimes: [], now: Self.now, rate: Self.minute, maxBatchBytes: 4096)
        #expect(plan.requests.count == 20)
        #expect(plan.requests.allSatisfy { $0.count <= 13 })
        let sent = plan.requests.flatMap { $0 }
        #expect(sent == Array(1...Int64(sent.count)))
        #expect(plan.wakeAt == Self.now.addingTimeInterval(60))
    }

    @Test func aMessageWaitingForItsRetryHoldsBackTheOnesBehindIt() {
        var queue = Self.queue(3)
        queue[0].nextAttemptAt = Self.now.addingTimeInterval(30)
        let held = RobotSendPlanner.plan(queue: queue, requestTimes: [], now: Self.now, rate: Self.minute, maxBatchBytes: 4096)
        #expect(held.requests.isEmpty)
        #expect(held.wakeAt == Self.now.addingTimeInterval(30))
        queue[0].nextAttemptAt = Self.now.addingTimeInterval(-1)
        queue[2].nextAttemptAt = Self.now.addingTimeInterval(5)
        let part = RobotSendPlanner.plan(queue: queue, requestTimes: [], now: Self.now, rate: Self.minute, maxBatchBytes: 4096)
        #expect(part.requests == [[1], [2]])
        #expect(part.wakeAt == Self.now.addingTimeInterval(5))
    }
}
