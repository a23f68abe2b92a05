import Foundation
import Testing

@testable import AlmanacPlan

@Suite struct RobotDestinationTests {
    static let header = """
        plan: {id: robots, name: 机器人, years: [2027]}
        units:

        """

    @Test func unitsAndLeadersNameRobotsBesideMail() throws {
        let text = Self.header + """
              wmb:
                name: 区文明办
                mail: [wmb@example.org]
                contact: {name: 张三, phone: "13800000000"}
                wecom: {key: 693a91f6-7xxx, format: markdown}
                dingtalk:
                  - {name: 主群, url: "https://oapi.dingtalk.com/robot/send?access_token=abc", secret_file: secrets/dingtalk}
                  - {name: 办公室, key: def, mention: ["13900000000"], mention_all: true, language: en}
                feishu: {url: "https://open.feishu.cn/open-apis/bot/v2/hook/h1", secret_file: /etc/almanac/feishu, format: card}
                webhook: {url: "https://ops.example.org/almanac", secret_file: /etc/almanac/webhook}
                leader: {name: 王主任, phone: "13700000000", wecom: {key: leader-key}}
            items: []
            """
        let result = PlanLoader.load(fileName: "p.yaml", text: text)
        #expect(result.diagnostics.isEmpty)
        let plan = try #require(result.plan)
        #expect(PlanValidator.validate(plan, options: ValidationOptions()).isEmpty)
        let unit = try #require(plan.unit("wmb"))
        #expect(unit.robots.map(\.label) == ["wecom", "dingtalk/主群", "dingtalk/办公室", "feishu", "webhook"])
        #expect(unit.robots[0].key?.value == "693a91f6-7xxx")
        #expect(unit.robots[0].format?.value == "markdown")
        #expect(unit.robots[1].secretFile?.value == "secrets/dingtalk")
        #expect(unit.robots[1].secretFile?.location?.line == 9)
        #expect(unit.robots[2].mention?.map(\.value) == ["13900000000"])
        #expect(unit.robots[2].mentionAll?.value == true)
        #expect(unit.robots[0].mention == nil)
        #expect(unit.leader?.robots.map(\.label) == ["wecom"])
        // Written back and read again: the same plan.
        let again = try #require(PlanLoader.load(fileName: "p.yaml", text: PlanEmitter.emit(plan)).plan)
        #expect(again.unit("wmb") == unit)
    }

    @Test func mistakesAreReportedAtTheirPlace() {
        let text = Self.header + """
              wmb:
                name: 区文明办
                wecom: {url: "http://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k"}
                dingtalk: {key: abc, format: card, mention: [zhangsan]}
                feishu: {}
                webhook: {url: "https://ops.example.org/hook"}
                contact: {name: 张三, wecom: {key: k}}
              whjc:
                name: 文化稽查队
                dingtalk: [{key: a}, {key: b}]
                wecom: {key: k, url: "https://qyapi.weixin.qq.com/x", colour: red, language: fr}
            items: []
            """
        #expect(
            diagnostics(text, file: "p.yaml") == [
                "p.yaml:5:19: error: the robot URL must use https://, not http://",
                "p.yaml:6:34: error: unknown format 'card' for dingtalk (known: text, markdown)",
                "p.yaml:6:50: error: 'zhangsan' is not a mobile number to mention (digits, like 13800000000)",
                "p.yaml:7:13: error: the feishu robot of unit 'wmb' needs 'url' or 'key' (the URL the service shows, or the key (access token, hook id) in it)",
                "p.yaml:8:14: error: a webhook needs 'secret_file': almanac signs every request (a file with the shared secret, readable only by almanacd's user)",
                "p.yaml:9:32: error: a unit's contact cannot have robots of its own (put them on the unit; its reminders @ the contact's phone)",
                "p.yaml:12:26: error: unit 'whjc' has two dingtalk robots (first at p.yaml:12:16) (give each a 'name')",
                "p.yaml:13:18: error: give the wecom robot of unit 'whjc' either 'url' or 'key', not both",
                "p.yaml:13:59: error: unknown key 'colour' in wecom robot",
                "p.yaml:13:82: error: unknown language 'fr' (known: zh, en)",
            ])
    }
}

