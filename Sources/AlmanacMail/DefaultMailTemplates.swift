// The built-in mail templates. config/templates/*.mustache holds the same text (a test checks it),
// for admins to copy into their override directory (`mail.templates`) and change.

/// The Chinese default templates, by file name.
enum DefaultMailTemplates {
    static let text: [String: String] = [
        "digest.subject.mustache": """
            【今日提醒】{{day}} {{recipient}} 共{{count}}项
            """ + "\n",
        "digest.text.mustache": """
            {{recipient}}：

            今日（{{day}}）共有{{count}}项提醒，按日期排列：
            {{#groups}}

            {{date}}
            {{#items}}
            - {{title}}（{{item}}）：{{reminders}}
            {{/items}}
            {{/groups}}

            ——{{plan}}
            本邮件由 almanac 自动发送，请勿直接回复。
            """ + "\n",
        "escalation.subject.mustache": """
            【督办】{{title}}（截止{{deadline}}）
            """ + "\n",
        "escalation.text.mustache": """
            {{recipient}}：

            督办：{{title}}，截止{{deadline}}，责任单位尚未确认。
            日期：{{date}}
            事项：{{item}}（{{kind}}）
            责任单位：{{owners}}

            请督促责任单位按时办结。办结后请管理员执行：almanacctl done {{occurrence}}

            ——{{plan}}
            本邮件由 almanac 自动发送，请勿直接回复。
            """ + "\n",
        "overdue.subject.mustache": """
            【逾期】{{title}}（应于{{deadline}}完成）
            """ + "\n",
        "overdue.text.mustache": """
            {{recipient}}：

            逾期未办：{{title}}，应于{{deadline}}完成，至今尚未确认。
            日期：{{date}}
            事项：{{item}}（{{kind}}）
            责任单位：{{owners}}

            已办结的，请管理员执行：almanacctl done {{occurrence}}
            已收到、正在办理的，请管理员执行：almanacctl ack {{occurrence}}

            ——{{plan}}
            本邮件由 almanac 自动发送，请勿直接回复。
            """ + "\n",
        "reminder.subject.mustache": """
            【提醒】{{title}}（{{date}}）
            """ + "\n",
        "reminder.text.mustache": """
            {{recipient}}：

            {{#late}}
            （此提醒因系统停机延后发送。）

            {{/late}}
            {{lead}}提醒：{{title}}
            日期：{{date}}
            事项：{{item}}（{{kind}}）
            责任单位：{{owners}}

            办结后请管理员执行：almanacctl done {{occurrence}}

            ——{{plan}}
            本邮件由 almanac 自动发送，请勿直接回复。
            """ + "\n",
    ]
}
