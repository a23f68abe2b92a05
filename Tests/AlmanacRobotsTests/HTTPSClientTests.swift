import AlmanacTestSupport
import Foundation
import Testing

@testable import AlmanacRobots

/// Each service's request through libcurl to tests/robot_server.py, which checks signatures and
/// timestamps as the services do (an independent implementation in Python).
@Suite(.serialized) struct HTTPSClientTests {
    static let robots = """
        {"wecom": {"wkey": {}}, "dingtalk": {"dtoken": {"secret": "SECdingtalk-secret"}},
         "feishu": {"fhook": {"secret": "feishu-secret"}}, "webhook": {"ops": {"secret": "webhook-secret"}}}
        """

    static func content(_ delivery: String) -> RobotContent {
        RobotContent(
            kind: "test", title: "【测试】almanac", text: "测试消息 \(delivery)", markdown: "### 测试消息\n\(delivery)",
            mentions: ["13800000000"], event: #"{"delivery":"\#(delivery)","kind":"test"}"#, delivery: delivery)
    }

    static func post(_ client: HTTPSClient, _ endpoint: RobotEndpoint, _ delivery: String) async throws -> RobotOutcome {
        let request = RobotRequestBuilder.request(endpoint, content(delivery), at: Date())
        switch try await offPool({ client.post(request) }) {
        case .success(let response): return RobotResponseClassifier.classify(endpoint.service, response)
        case .failure(let error): return error.permanent ? .rejectedEndpoint(error.message) : .temporary(error.message)
        }
    }

    @Test func everyServiceAcceptsWhatAlmanacSignsAndRefusesAWrongSecret() async throws {
        let server = try await RobotTestServer(robots: Self.robots)
        let client = HTTPSClient(caFile: server.authority.caFile, connectTimeout: .seconds(20), timeout: .seconds(60))
        let endpoints = [
            RobotEndpoint(service: .wecom, url: server.base + "/cgi-bin/webhook/send?key=wkey", label: "u/wecom"),
            RobotEndpoint(service: .dingtalk, url: server.base + "/robot/send?access_token=dtoken", secret: "SECdingtalk-secret", format: .markdown, label: "u/dingtalk"),
            RobotEndpoint(service: .feishu, url: server.base + "/open-apis/bot/v2/hook/fhook", secret: "feishu-secret", format: .card, label: "u/feishu"),
            RobotEndpoint(service: .webhook, url: server.base + "/hooks/ops", secret: "webhook-secret", label: "u/webhook"),
        ]
        for (index, endpoint) in endpoints.enumerated() {
            #expect(try await Self.post(client, endpoint, "d\(index)") == .delivered, "\(endpoint.service)")
        }
        let received = server.records()
        #expect(received.compactMap { $0["robot"] as? String } == ["wecom:wkey", "dingtalk:dtoken", "feishu:fhook", "webhook:ops"])
        let webhook = try #require(received.last)
        #expect((webhook["headers"] as? [String: String])?["X-Almanac-Delivery"] == "d3")

        // Wrong secrets: the robot refuses everything from almanac.
        var wrong = endpoints
        for index in 1...3 { wrong[index].secret = "not-the-secret" }
        wrong[0].url = server.base + "/cgi-bin/webhook/send?key=unknown"
        for endpoint in wrong {
            let outcome = try await Self.post(client, endpoint, "wrong")
            guard case .rejectedEndpoint = outcome else {
                Issue.record("\(endpoint.service): \(outcome) for a wrong key or secret")
                continue
            }
        }
        #expect(server.records().count == 4)
        #expect(server.records("refused").count == 4)
        await server.stop()
    }

    @Test func aCertificateFromAnotherCAIsRefusedBeforeAnythingIsSent() async throws {
        let server = try await RobotTestServer(robots: Self.robots)
        let directory = server.directory
        let other = try await offPool { try TestCertificateAuthority(in: directory, name: "other") }
        let endpoint = RobotEndpoint(service: .wecom, url: server.base + "/cgi-bin/webhook/send?key=wkey", label: "u/wecom")
        let result = try await offPool {
            HTTPSClient(caFile: other.caFile).post(RobotRequestBuilder.request(endpoint, Self.content("x"), at: Date()))
        }
        guard case .failure(let error) = result else {
            Issue.record("a certificate from another CA was accepted")
            return
        }
        #expect(error.permanent)
        #expect(error.message.contains("robots.ca_file"))
        #expect(!error.message.contains("wkey"))
        // Not https: refused without a connection.
        let plain = HTTPSClient().post(HTTPRequest(url: "http://127.0.0.1:\(server.port)/cgi-bin/webhook/send?key=wkey", headers: [], body: []))
        guard case .failure(let refused) = plain else {
            Issue.record("an http:// URL was posted to")
            return
        }
        #expect(refused.permanent && refused.message.contains("https"))
        #expect(server.records().isEmpty)
        await server.stop()
    }
}
