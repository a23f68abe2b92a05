import Foundation
import Testing

@testable import AlmanacMail

@Suite struct TemplateTests {
    static var context: [String: Any] {
        [
        "plan": "扎赉诺尔区精神文明建设工作安排", "title": "“红红火火过大年”志愿服务", "item": "spring-volunteers",
        "kind": "campaign", "occurrence": "spring-volunteers@2027-01-29", "date": "2027-01-29至2027-02-12",
        "deadline": "2027-02-12", "lead": "提前10个工作日", "recipient": "区文明办", "owners": "区文明办、团区委",
        "late": false,
        ]
    }

    @Test func builtInReminderIsChinese() throws {
        let templates = try MailTemplates.builtIn()
        let mail = templates.render(.reminder, context: Self.context)
        #expect(mail.subject == "【提醒】“红红火火过大年”志愿服务（2027-01-29至2027-02-12）")
        #expect(
            mail.text == """
                区文明办：

                提前10个工作日提醒：“红红火火过大年”志愿服务
                日期：2027-01-29至2027-02-12
                事项：spring-volunteers（campaign）
                责任单位：区文明办、团区委

                办结后请管理员执行：almanacctl done spring-volunteers@2027-01-29

                ——扎赉诺尔区精神文明建设工作安排
                本邮件由 almanac 自动发送，请勿直接回复。

                """)
        #expect(mail.html == nil)
        var late = Self.context
        late["late"] = true
        #expect(templates.render(.reminder, context: late).text.contains("（此提醒因系统停机延后发送。）\n\n提前10个工作日提醒"))
    }

    @Test func robotTemplatesComeInChineseAndEnglishTextAndMarkdown() throws {
        let templates = try MailTemplates.builtIn()
        var context = Self.context
        context["title_en"] = "Volunteer service for the Spring Festival"
        context["lead_en"] = "10 working days before"
        let zh = templates.renderRobot(.reminder, language: .zh, context: context)
        #expect(zh.title == "【提前10个工作日提醒】“红红火火过大年”志愿服务")
        #expect(
            zh.text == """
                【提前10个工作日提醒】“红红火火过大年”志愿服务
                日期：2027-01-29至2027-02-12
                事项：spring-volunteers（campaign）
                责任单位：区文明办、团区委
                办结后请管理员执行：almanacctl done spring-volunteers@2027-01-29
                """)
        #expect(zh.markdown.hasPrefix("**【提前10个工作日提醒】“红红火火过大年”志愿服务**\n> 日期：**2027-01-29至2027-02-12**"))
        let en = templates.renderRobot(.reminder, language: .en, context: context)
        #expect(en.title == "[Reminder, 10 working days before] Volunteer service for the Spring Festival")
        #expect(en.markdown.contains("`almanacctl done spring-volunteers@2027-01-29`"))
        context["late"] = true
        #expect(templates.renderRobot(.reminder, language: .zh, context: context).text.hasPrefix("（此提醒因系统停机延后发送）\n【"))
        let batch = templates.renderRobot(
            .batch, language: .zh, context: ["count": 2, "messages": [["text": "一", "markdown": "**一**"], ["text": "二", "markdown": "**二**"]]])
        #expect(batch.text == "【汇总】以下2条提醒因机器人发送频率限制合并发送：\n\n一\n\n二")
        #expect(batch.markdown.hasSuffix("**一**\n\n**二**"))
        // An English override directory replaces only the file it has.
        let directory = try temporaryDirectory("templates")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try "EN {{title_en}}\n".write(toFile: directory + "/reminder.chat.en.mustache", atomically: true, encoding: .utf8)
        let loaded = try MailTemplates.load(directory: directory)
        #expect(loaded.renderRobot(.reminder, language: .en, context: context).text == "EN Volunteer service for the Spring Festival")
        #expect(loaded.renderRobot(.reminder, language: .zh, context: context).text == templates.renderRobot(.reminder, language: .zh, context: context).text)
        try "x\n".write(toFile: directory + "/reminder.chat.fr.mustache", atomically: true, encoding: .utf8)
        #expect(throws: TemplateLoadError.self) { try MailTemplates.load(directory: directory) }
    }

    @Test func textTemplatesDoNotEscapeHTMLButHTMLTemplatesDo() throws {
        let directory = try temporaryDirectory("templates")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try "{{title}} & more\n".write(toFile: directory + "/reminder.subject.mustache", atomically: true, encoding: .utf8)
        try "<p>{{title}}</p>\n".write(toFile: directory + "/reminder.html.mustache", atomically: true, encoding: .utf8)
        let templates = try MailTemplates.load(directory: directory)
        var context = Self.context
        context["title"] = "A<B> & \"C\""
        let mail = templates.render(.reminder, context: context)
        #expect(mail.subject == "A<B> & \"C\" & more")
        #expect(mail.html == "<p>A&lt;B&gt; &amp; &quot;C&quot;</p>\n")
        // Not overridden: the built-in text.
        #expect(mail.text.hasPrefix("区文明办：\n"))
        #expect(templates.sources["reminder.subject.mustache"] == directory + "/reminder.subject.mustache")
        #expect(templates.sources["reminder.text.mustache"] == "<built-in>/reminder.text.mustache")
    }

    @Test func digestGroupsByDate() throws {
        let templates = try MailTemplates.builtIn()
        let context: [String: Any] = [
            "plan": "计划", "day": "2027-06-18", "recipient": "区文明办", "count": 3,
            "groups": [
                ["date": "2027-06-19", "items": [["title": "端午节", "item": "duanwu", "reminders": "提前1天"]]],
                ["date": "2027-06-25", "items": [
                    ["title": "网吧检查", "item": "netcafe", "reminders": "提前5个工作日"],
                    ["title": "材料上报", "item": "materials", "reminders": "督办、逾期提醒"],
                ]],
            ],
        ]
        let mail = templates.render(.digest, context: context)
        #expect(mail.subject == "【今日提醒】2027-06-18 区文明办 共3项")
        #expect(
            mail.text == """
                区文明办：

                今日（2027-06-18）共有3项提醒，按日期排列：

                2027-06-19
                - 端午节（duanwu）：提前1天

                2027-06-25
                - 网吧检查（netcafe）：提前5个工作日
                - 材料上报（materials）：督办、逾期提醒

                ——计划
                本邮件由 almanac 自动发送，请勿直接回复。

                """)
    }

    @Test func errorsNameFileLineAndColumn() throws {
        let directory = try temporaryDirectory("templates")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try "第一行\n第二行 {{#late}}延后\n".write(toFile: directory + "/overdue.text.mustache", atomically: true, encoding: .utf8)
        try "{{#late}}x{{/title}}\n".write(toFile: directory + "/reminder.subject.mustache", atomically: true, encoding: .utf8)
        try "x\n".write(toFile: directory + "/remindr.subject.mustache", atomically: true, encoding: .utf8)
        do {
            _ = try MailTemplates.load(directory: directory)
            Issue.record("bad templates loaded")
        } catch {
            let lines = error.diagnostics.map(\.description).sorted()
            #expect(lines.count == 3)
            #expect(lines.contains { $0.hasPrefix(directory + "/overdue.text.mustache:3:1: error: template: a section is not closed") })
            #expect(lines.contains { $0 == directory + "/reminder.subject.mustache:1:14: error: template: the section end does not match the open section" })
            #expect(lines.contains { $0.hasPrefix(directory + "/remindr.subject.mustache:1:1: error: unknown template name") })
        }
    }

    /// config/templates/ ships the built-in text for admins to copy.
    @Test func shippedFilesMatchTheBuiltIns() throws {
        let directory = repositoryRoot + "/config/templates"
        let names = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".mustache") }.sorted()
        #expect(names == DefaultMailTemplates.text.keys.sorted())
        for name in names {
            let text = try String(contentsOfFile: directory + "/" + name, encoding: .utf8)
            #expect(text == DefaultMailTemplates.text[name], "\(name)")
        }
        let loaded = try MailTemplates.load(directory: directory)
        #expect(loaded.render(.overdue, context: Self.context) == (try MailTemplates.builtIn()).render(.overdue, context: Self.context))
    }
}
