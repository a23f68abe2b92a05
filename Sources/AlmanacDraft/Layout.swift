/// Layouts beyond prose: notices with one field per line ("活动时间：2月15日" under the
/// activity's heading, "主办：县文体旅局" near it), tables flattened to one cell per line (the date
/// first, the activity and the organisers after it), month plans ("二月主题：" over numbered
/// points), document title lines and signing dates.
enum Layout {
    /// Numbering at the start of a line or point: 1、 1. (1) （一） 一、 活动一： 第一项：.
    static func enumeratorLength(_ c: [Character]) -> Int {
        var i = 0
        while i < c.count, DocumentScanner.same(c[i], " ") { i += 1 }
        let start = i
        if i < c.count, "(（".contains(c[i]) {
            var j = i + 1
            while j < c.count, j - i <= 4, DocumentScanner.digit(c[j]) != nil || DocumentScanner.chineseDigits[c[j]] != nil || DocumentScanner.same(c[j], "十") {
                j += 1
            }
            if j > i + 1, j < c.count, c[j] == ")" || c[j] == "）" { return j + 1 }
            return start
        }
        var j = i
        while j < c.count, j - i < 3, DocumentScanner.digit(c[j]) != nil || DocumentScanner.chineseDigits[c[j]] != nil || DocumentScanner.same(c[j], "十") {
            j += 1
        }
        if j > i, j < c.count, "、.．".contains(c[j]) {
            // 3.5 is a dotted date, 2.2万 a number: a number after the dot is not numbering.
            if c[j] != "、", j + 1 < c.count, DocumentScanner.digit(c[j + 1]) != nil { return start }
            var k = j + 1
            while k < c.count, c[k] == " " { k += 1 }
            return k
        }
        // 活动一： 活动二 第三项：
        for p in ["活动", "第"] where DocumentScanner.matches(c, i, p) {
            var k = i + p.count
            let d0 = k
            while k < c.count, k - d0 < 3, DocumentScanner.chineseDigits[c[k]] != nil || c[k] == "十" || DocumentScanner.digit(c[k]) != nil {
                k += 1
            }
            // (Not an ordinal that counts: 第二个星期日, 第一周, 第三次, 第五届.)
            if k > d0, p == "第", k < c.count, "个周次届天批期".contains(c[k]) { return start }
            if k > d0 {
                if k < c.count, c[k] == "项" { k += 1 }
                if k < c.count, c[k] == ":" || c[k] == "：" { k += 1 }
                return k
            }
        }
        return start
    }

    static let fieldWords = [
        "时间", "地点", "主办", "承办", "协办", "内容", "对象", "单位", "方式", "要求", "主题", "电话", "联系", "人员", "指导", "形式", "规模", "咨询",
        "说明", "备注", "负责部门", "责任部门", "牵头部门", "承办部门", "责任处室", "负责处室", "责任科室", "负责科室",
    ]
    /// Labels of the fields that name who does the work: 单位 of a town's programme, 部门/处室/科室 of an
    /// agency's, a library's or a school's (负责部门：采编部、流通部; 责任处室：德育处).
    static let ownerFieldWords = [
        "主办", "承办", "组织单位", "责任单位", "牵头单位", "举办单位", "负责单位", "实施单位", "负责部门", "责任部门", "牵头部门", "承办部门",
        "责任处室", "负责处室", "责任科室", "负责科室",
    ]

    /// The units of a field line's owner fields: its own (负责部门：采编部、流通部) and one the page ran into
    /// another field of the same line (地点:图书馆大厅责任部门:办公室).
    static func ownerFieldUnits(_ c: [Character]) -> [String] {
        if let label = fieldLabel(c), ownerFieldWords.contains(where: { label.contains($0) }) {
            return UnitDictionary.listed(in: fieldValue(c), field: true)
        }
        guard fieldLabel(c) != nil else { return [] }
        for w in ownerFieldWords.map(Array.init) {
            var i = 1
            while i + w.count < c.count {
                if DocumentScanner.matches(c, i, w), c[i + w.count] == ":" || c[i + w.count] == "：" {
                    return UnitDictionary.listed(in: Array(c[(i + w.count + 1)...]), field: true)
                }
                i += 1
            }
        }
        return []
    }

    /// The label of a field line ("活动时间：…" → 活动时间, "时 间：…" → 时间), after any numbering.
    static func fieldLabel(_ c: [Character], words: [String] = fieldWords) -> String? {
        let e = enumeratorLength(c)
        var label = ""
        var i = e
        while i < c.count, i - e <= 10 {
            let ch = c[i]
            if ":：".contains(ch) { break }
            if " \u{3000}".contains(ch) {
                i += 1
                continue
            }
            guard DocumentScanner.isHan(ch) else { return nil }
            label.append(ch)
            i += 1
        }
        guard i < c.count, ":：".contains(c[i]), label.count >= 2, label.count <= 6 else { return nil }
        return words.contains(where: { label.contains($0) }) ? label : nil
    }

    /// Whether a field line says when ("时间：", "演出时间：").
    static func isTimeField(_ c: [Character]) -> Bool { fieldLabel(c)?.contains("时间") == true }

    /// The unit a field says does the work (说明:由党政办组织实施; 街道机关倡议书由党政办制作并张贴).
    static func unitAfterBy(_ v: [Character]) -> [String] {
        guard let by = v.firstIndex(where: { DocumentScanner.same($0, "由") }) else { return [] }
        var e = by + 1
        while e < v.count, !"，,。；;".contains(v[e]) { e += 1 }
        return UnitDictionary.organisers(in: Array(v[(by + 1)..<e])).prefix(1).map(\.name)
    }

    /// The units a text says lead the work with 由 (由县政法委牵头的……, 此项工作由市委宣传部新闻处、市安监局
    /// 综合处负责组织协调): those after 由, up to 牵头/负责/主办/承办/组织实施 in the same clause.
    static func unitLeadingBy(_ v: [Character]) -> [String] {
        var from = 0
        while let by = v[from...].firstIndex(where: { DocumentScanner.same($0, "由") }) {
            // (由于, 由来, 由此: "because", "origin", "hence".)
            if by + 1 < v.count, "于来此衷".contains(v[by + 1]) {
                from = by + 1
                continue
            }
            var e = by + 1
            while e < v.count, e - by <= 40, !"，,。；;".contains(v[e]) { e += 1 }
            let clause = Array(v[(by + 1)..<e])
            let lead = ["牵头", "负责", "主办", "承办", "组织实施", "部署", "组织"].compactMap { w in PlanDrafter.find(Array(w), in: clause, from: 0) }.min()
            if let lead, lead >= 2 {
                let units = UnitDictionary.bySuffix(in: clause, range: 0..<lead).map(\.name)
                if !units.isEmpty { return units }
            }
            // (本活动由团委向各团支部发出倡议, 此项活动由德育处统一安排: after the activity told as the subject, the unit
            // right after 由 does it, whatever the verb.)
            if ["活动", "工作", "比赛", "项目"].contains(where: { String(v[max(0, by - 2)..<by]) == $0 }),
                let u = UnitDictionary.bySuffix(in: clause, range: 0..<min(clause.count, 16)).first, u.at == 0
            {
                return [u.name]
            }
            from = by + 1
        }
        return []
    }

    /// The text after a field's colon.
    static func fieldValue(_ c: [Character]) -> [Character] {
        guard let colon = c.firstIndex(where: { $0 == ":" || $0 == "：" }) else { return c }
        return Array(c[(colon + 1)...])
    }

    /// A heading as a title: numbering and a short label ("活 动：") taken off, quotes kept.
    static func headingTitle(_ c: [Character]) -> String {
        var chars = Array(c[enumeratorLength(c)...])
        if let colon = chars.prefix(8).firstIndex(where: { $0 == ":" || $0 == "：" }),
            chars[..<colon].allSatisfy({ DocumentScanner.isHan($0) || $0 == " " })
        {
            chars = Array(chars[(colon + 1)...])
        }
        // A heading with a sentence after the activity's name (1.广场舞比赛。乡镇综合文化站选送……): the name.
        if let stop = chars.firstIndex(of: "。"), stop >= 2, stop < chars.count - 1, !chars[..<stop].contains("“") || chars[..<stop].contains("”") {
            chars = Array(chars[..<stop])
        }
        var s = String(chars).trimmingSpaces()
        while let l = s.last, "，,、。：:；;".contains(l) { s.removeLast() }
        if s.count > 48 { s = String(s.prefix(47)) + "…" }
        return s
    }

    static let titleEnds = ["公告", "通知", "方案", "计划", "安排", "总结", "要点", "通告", "倡议书", "招募令"]

    /// A document title line (no sentence in it, ending in 公告/通知/方案/计划…): its dates name the
    /// document, not an item.
    /// Verbs of writing or revising a document: a line they open is that task (制定……工作计划).
    static let writingVerbs = ["制定", "制订", "拟写", "拟定", "修订", "修改", "编制", "编写", "起草", "撰写"]

    static func isTitleLine(_ t: String) -> Bool {
        guard t.count <= 48, !t.contains("。"), !t.contains("，"), !t.contains(",") else { return false }
        // A numbered point (4、拟写班主任计划) or a line that opens with writing the document (制定2011年……工作计划)
        // is a task of a list, not the title of the document.
        // (A section heading, 二、春节活动安排, is still a heading.)
        let c = Array(t.trimmingSpaces())
        if enumeratorLength(c) > 0 && numberedHeading(c) == nil || writingVerbs.contains(where: { t.utf8HasPrefix($0) }) { return false }
        // The title of a notice, whole or cut by a list of headlines (关于端午节期间免费对外开放……).
        if t.utf8HasPrefix("关于"), t.count >= 8 { return true }
        var s = t
        // 活动方案(7篇), 【…方案】: a bracketed note after the title.
        if let open = s.lastIndex(where: { $0 == "(" || $0 == "（" }), s.distance(from: open, to: s.endIndex) <= 8 {
            s = String(s[..<open])
        }
        while let l = s.last, !DocumentScanner.isHan(l) { s.removeLast() }
        for tail in ["内容摘要", "全文", "正文", "范文"] where s.utf8HasSuffix(tail) { s = String(s.dropLast(tail.count)) }
        if titleEnds.contains(where: { s.utf8HasSuffix($0) }) { return true }
        // The numbered title of one text of a site's collection (3月5日学雷锋活动方案二:, 工作计划篇2).
        var numbered = s
        while let l = numbered.last, "一二三四五六七八九十".contains(l) || l.isASCII && l.isNumber { numbered.removeLast() }
        if numbered.count < s.count, numbered.utf8HasSuffix("篇") { numbered.removeLast() }
        return numbered.count < s.count && titleEnds.contains { numbered.utf8HasSuffix($0) }
    }

    /// A line that is only a date with its year (a signing or publication date: 2017年1月23日).
    /// Where the remarks of a term calendar's row start (第七周 | 4月3日—4月9日 | 清明节放假一天 |): a row
    /// that opens with a week's label (第一周, 第十一周, 第1周) and a cell of its span. The span is the
    /// calendar, not an item; the remarks after the second cell hold the items. Nil for any other line.
    /// A row of a table flattened with | between its cells (2月24日 | 下午2:30行政务虚会 | 办公室 |, or a
    /// row with no date under a dated one: 开学督导迎检 | 督导室 | ||).
    struct TableRow {
        var cells: [String]
        /// The cell that is only a date or a span of dates (3月1日-3月7日), if any.
        var dateCell: Int?
        /// The units of the row's last cell when it lists only units (教育处、团委).
        var owners: [String]
        /// The first cell after the date (or the first cell) that is neither a date nor the owners.
        var activity: String?
    }

    /// The marks between a table's cells (made once: the sets were built on every call).
    static let cellSeparators: ScalarSet = ["|", "｜"]
    static let weekCellSeparators: ScalarSet = ["|", "｜", "\t"]

    static func tableRow(_ c: [Character]) -> TableRow? {
        let separators = cellSeparators
        guard c.filter({ separators.contains($0) }).count >= 2 else { return nil }
        var cells: [String] = []
        var current: [Character] = []
        for ch in c {
            if separators.contains(ch) {
                cells.append(String(current).trimmingSpaces())
                current = []
            } else {
                current.append(ch)
            }
        }
        cells.append(String(current).trimmingSpaces())
        let filled = cells.indices.filter { !cells[$0].isEmpty }
        guard filled.count >= 2 else { return nil }
        func isDate(_ t: String) -> Bool {
            let x = t.filter { $0 != " " }
            return x.contains("月") && x.contains { DocumentScanner.digit($0) != nil }
                && x.allSatisfy { DocumentScanner.digit($0) != nil || "月日号-—–~～至到?？.".contains($0) }
        }
        let dateCell = filled.first { isDate(cells[$0]) }
        var owners: [String] = []
        var ownerCell: Int?
        if let last = filled.last, last != filled.first, last > (dateCell ?? -1), cells[last].count <= 20 {
            let t = Array(cells[last])
            let chunks = cells[last].split { "、,，/ ".contains($0) }.map(String.init)
            let offices = chunks.allSatisfy { ch in
                ch.count >= 2 && ch.count <= 5 && ch.allSatisfy(DocumentScanner.isHan) && ch.last.map { "处室科组会部委办".contains($0) } == true
            }
            let named = UnitDictionary.listed(in: t)
            if offices || (!named.isEmpty && named.count == chunks.count) {
                owners = offices ? chunks : named
                ownerCell = last
            }
        }
        let activity = filled.first { n in
            n > (dateCell ?? -1) && n != ownerCell && !isDate(cells[n]) && cells[n].contains(where: DocumentScanner.isHan)
        }.map { cells[$0] }
        return TableRow(cells: cells, dateCell: dateCell, owners: owners, activity: activity)
    }

    /// A table cell's activity as a title: the first of the cell's activities, without the part of the
    /// day or the time it opens with (下午2:30行政务虚会 → 行政务虚会; 上午:教职工大会……;下午:…… → 教职工大会……).
    static func cellActivity(_ cell: String) -> String {
        var c = Array(cell)
        if let cut = c.firstIndex(where: { $0 == ";" || $0 == "；" }) { c = Array(c[..<cut]) }
        var i = 0
        for part in ["上午", "下午", "中午", "晚上", "全天"] where DocumentScanner.matches(c, 0, part) { i = part.count }
        // (A time after the part of the day, or a time alone: 下午2:30, 11:45-12:30; not a year, 2020年.)
        var j = i
        while j < c.count, DocumentScanner.digit(c[j]) != nil || ":：-—~ ".contains(c[j]) { j += 1 }
        if i > 0 || c[i..<j].contains(where: { $0 == ":" || $0 == "：" }) { i = j }
        return String(c[i...]).trimmingSpaces()
    }

    static func weekRowRemarksStart(_ c: [Character]) -> Int? {
        var i = 0
        while i < c.count, c[i] == " " || c[i] == "\u{3000}" { i += 1 }
        guard i < c.count, c[i] == "第" else { return nil }
        var j = i + 1
        while j < c.count, j - i <= 4, DocumentScanner.digit(c[j]) != nil || "一二三四五六七八九十廿".contains(c[j]) { j += 1 }
        guard j > i + 1, j < c.count, c[j] == "周" || c[j] == "週" else { return nil }
        let separators = weekCellSeparators
        guard let first = c[(j + 1)...].firstIndex(where: { separators.contains($0) }), first - j <= 3,
            let second = c[(first + 1)...].firstIndex(where: { separators.contains($0) })
        else { return nil }
        // (The second cell is the week's span: digits, 月, 日 and a dash or two, nothing else.)
        let span = c[(first + 1)..<second].filter { $0 != " " }
        guard span.contains("月"), span.allSatisfy({ DocumentScanner.digit($0) != nil || "月日号-—–~～至到?？.".contains($0) }) else { return nil }
        return second + 1
    }

    /// What a template writes for a year it leaves blank (xxxx年, 20XX年, 20__年, 20**年, X年).
    static let placeholders: Set<Character> = ["x", "X", "Ｘ", "ｘ", "×", "_", "＿", "*", "＊"]

    static func isSigningDate(_ t: String) -> Bool {
        // (It opens with a digit: most lines are told by their first character.)
        guard let f = t.first(where: { $0 != " " }) else { return false }
        if "〇○零一二".contains(f) { return isNumeralSigningDate(t) }
        guard DocumentScanner.digit(f) != nil || placeholders.contains(f) else { return false }
        var c = DocumentScanner.characters(t).filter { !DocumentScanner.same($0, " ") }
        // (Reading a placeholder year as 2000 never makes the line shorter: a longer line is no date of 8 to 12 characters.)
        guard c.count <= 12 else { return false }
        // (A template's placeholder year signs it too: xxxx年2月16日, 20XX年3月1日, 20__年5月4日, 20**年, X年3月4日.)
        if let y = c.firstIndex(of: "年"), y >= 1, y <= 4, c[..<y].contains(where: { placeholders.contains($0) }),
            c[..<y].allSatisfy({ DocumentScanner.digit($0) != nil || placeholders.contains($0) })
        {
            c = Array("2000") + c[y...]
        }
        guard c.count >= 8, c.count <= 12, let y = DocumentScanner.asciiNumber(c, 0, maxDigits: 4), y.end == 4, c[4] == "年",
            c.last == "日"
        else { return false }
        return c.dropFirst(5).allSatisfy { DocumentScanner.digit($0) != nil || $0 == "月" || $0 == "日" }
    }

    /// A line that is only a date written in numerals, the way a notice is signed (二○一二年二月六日,
    /// 二〇**年五月三日 with a placeholder year): four numerals or placeholders, 年, a month and a day in numerals.
    static func isNumeralSigningDate(_ t: String) -> Bool {
        let c = Array(t.filter { $0 != " " && $0 != "\u{3000}" })
        let yearDigits = "〇○零一二三四五六七八九"
        guard c.count >= 8, c.count <= 13, c[4] == "年", c.last == "日",
            c[..<4].allSatisfy({ yearDigits.contains($0) || placeholders.contains($0) }), yearDigits.contains(c[0]),
            let m = c.firstIndex(of: "月"), m > 5, m < c.count - 2
        else { return false }
        let numerals = "一二三四五六七八九十廿卅"
        return c[5..<m].allSatisfy { numerals.contains($0) } && c[(m + 1)..<(c.count - 1)].allSatisfy { numerals.contains($0) }
    }

    /// Labels of the record a government page prints above a document (索引号, 发布机构, 发文日期,
    /// 成文日期): a line with one is the page's furniture, its dates are the document's, not items.
    static let recordLabels = ["索引号", "发布机构", "发文机构", "发文日期", "成文日期", "印发日期", "公开日期", "发布日期", "生效日期"]

    static func isRecordLine(_ t: String) -> Bool {
        // (Every label is followed by a colon: most lines have none.)
        guard t.contains(":" as String) || t.contains("：" as String) else { return false }
        let c = t.filter { $0 != " " && $0 != "\u{3000}" }
        if recordLabels.contains(where: { c.contains($0 + ":") || c.contains($0 + "：") }) { return true }
        // A short label and a date a site's system printed, its month and day with two digits
        // (时间: 2023年09月26日, 2023年09月26日 10:05): people write 9月26日, a page's stamp 09月26日.
        guard let colon = c.firstIndex(where: { $0 == ":" || $0 == "：" }), c.distance(from: c.startIndex, to: colon) <= 6 else { return false }
        return isStamp(Array(c[c.index(after: colon)...]))
    }

    /// A page's breadcrumb (首页 > 短语口号 > 节日庆典 > 春节 > ……正文): it opens with 首页 or 当前位置 and
    /// parts its levels with >.
    static func isBreadcrumb(_ t: String) -> Bool {
        let s = t.trimmingSpaces()
        return ["首页", "当前位置", "您的位置", "您现在的位置", "我的位置", "位置："].contains { s.utf8HasPrefix($0) }
            && (s.contains(">") || s.contains("＞") || s.contains("»") || s.contains("›"))
    }

    /// A page's headline: a line that is no sentence, right over the line a site prints its date and
    /// source on (2014-12-29 09:50 来源:福州晚报, 发布时间：……, 来源：……).
    /// (A headline may hold a comma between the halves of its slogan, 元气满满,喜宵颜开 万科城社区元宵节主题活动, when
    /// it is short and the line under it is the page's stamp; a stamp may be labelled 日期: 2025-02-13 11:50:45.)
    static func isHeadlineOver(_ c: [Character], stamp next: [Character]) -> Bool {
        guard c.count >= 8, c.count <= 60, !c.contains(where: { "。;；".contains($0) }) else { return false }
        let comma = c.contains(where: { "，,".contains($0) })
        if comma && c.count > 40 { return false }
        var n = String(next).trimmingSpaces()
        guard n.count <= 80 else { return false }
        let labelled = ["日期:", "日期："].first { n.utf8HasPrefix($0) }
        if let label = labelled { n = String(n.dropFirst(label.count)).trimmingSpaces() }
        let d = Array(n)
        let dated = d.count >= 10 && DocumentScanner.asciiNumber(d, 0, maxDigits: 4)?.end == 4 && (d[4] == "-" || d[4] == "/" || d[4] == ".")
        if labelled != nil { return dated }
        if comma { return false }
        return dated && (n.contains("来源") || n.contains("作者") || n.contains("发布") || d.contains(":"))
            || ["发布时间", "发布日期", "来源：", "来源:"].contains { n.utf8HasPrefix($0) }
    }

    /// A date with a four-digit year and a two-digit month and day, the month written with a zero
    /// (2023年09月26日, optionally a time after it) and nothing else.
    static func isStamp(_ c: [Character]) -> Bool {
        guard c.count >= 11, let y = DocumentScanner.asciiNumber(c, 0, maxDigits: 4), y.end == 4, c[4] == "年", c[5] == "0",
            DocumentScanner.digit(c[6]) != nil, c[7] == "月", DocumentScanner.digit(c[8]) != nil, DocumentScanner.digit(c[9]) != nil, c[10] == "日"
        else { return false }
        return c[11...].allSatisfy { DocumentScanner.digit($0) != nil || $0 == ":" || $0 == "：" }
    }

    /// The month a heading opens ("二月主题：…", "4月份工作计划", "文化站3月份工作总结"), if it is one.
    static func monthHeading(_ t: String) -> Int? {
        let c = DocumentScanner.characters(t).filter { !DocumentScanner.same($0, " ") }
        guard c.count <= 24 else { return nil }
        let e = enumeratorLength(c)
        // (A month label in brackets opens a part of a yearly summary whatever follows it: 【三月份】植树节:共植绿色希望.)
        if e < c.count, "【[〔".contains(c[e]), let n = DocumentScanner.number(c, e + 1, maxDigits: 2), n.end < c.count, c[n.end] == "月",
            (1...12).contains(n.value)
        {
            var k = n.end + 1
            if k < c.count, c[k] == "份" { k += 1 }
            if k < c.count, "】]〕".contains(c[k]), !c[(k + 1)...].contains("月") { return n.value }
        }
        var i = e
        while i < c.count, i - e <= 6 {
            if let n = DocumentScanner.number(c, i, maxDigits: 2), n.end < c.count, c[n.end] == "月", (1...12).contains(n.value) {
                var k = n.end + 1
                if k < c.count, c[k] == "份" { k += 1 }
                let rest = String(c[k...])
                // 3月份工作总结和4月份工作计划 names two months: a title, not a heading.
                if rest.contains("月") { return nil }
                if rest.isEmpty || rest.utf8HasPrefix(":") || rest.utf8HasPrefix("：") || rest.utf8HasPrefix("主题") || rest.utf8HasPrefix("工作计划")
                    || rest.utf8HasPrefix("工作总结") || rest.utf8HasPrefix("工作安排") || rest.utf8HasPrefix("计划") || rest.utf8HasPrefix("总结")
                    || rest.utf8HasPrefix("安排") || rest.utf8HasPrefix("重点")
                {
                    return n.value
                }
                return nil
            }
            guard DocumentScanner.isHan(c[i]) else { return nil }
            i += 1
        }
        return nil
    }

    /// The numbered points of a month table flattened into one line, each with the month of its
    /// group: numbering restarts at 1 for each month, and the month's label ("二 月", written with a
    /// space as a table cell) sits inside the group's text or right after it. `nil` unless the line
    /// has at least two labels and two groups.
    static func flattenedMonthTable(_ c: [Character]) -> [(range: Range<Int>, month: Int, label: String)]? {
        var labels: [(at: Int, month: Int, text: String)] = []
        var i = 0
        while i < c.count {
            if let n = DocumentScanner.chineseNumber(c, i), (1...12).contains(n.value), n.end + 1 < c.count, c[n.end] == " ",
                c[n.end + 1] == "月", n.end + 2 == c.count || c[n.end + 2] == " ",
                i == 0 || DocumentScanner.chineseDigits[c[i - 1]] == nil
            {
                labels.append((i, n.value, String(c[i..<n.end]) + "月"))
                i = n.end + 2
                continue
            }
            i += 1
        }
        guard labels.count >= 2 else { return nil }
        var points: [(start: Int, number: Int)] = []
        i = 0
        while i < c.count {
            if let n = DocumentScanner.asciiNumber(c, i, maxDigits: 2), n.end < c.count, c[n.end] == "、",
                i == 0 || c[i - 1] == " " || c[i - 1] == "。" || DocumentScanner.isHan(c[i - 1])
            {
                points.append((i, n.value))
                i = n.end + 1
                continue
            }
            i += 1
        }
        var groups: [[Int]] = []
        for (k, p) in points.enumerated() {
            if p.number == 1 || groups.isEmpty { groups.append([k]) } else { groups[groups.count - 1].append(k) }
        }
        guard groups.count >= 2 else { return nil }
        var out: [(range: Range<Int>, month: Int, label: String)] = []
        for g in groups {
            let start = points[g[0]].start
            let end = g.last.map { $0 + 1 < points.count ? points[$0 + 1].start : c.count } ?? c.count
            guard let label = labels.first(where: { $0.at >= start && $0.at < end }) else { continue }
            for k in g {
                let pEnd = k + 1 < points.count ? points[k + 1].start : c.count
                out.append((points[k].start..<pEnd, label.month, label.text))
            }
        }
        return out.isEmpty ? nil : out
    }

    /// A paragraph that describes a festival rather than schedules anything: it opens with the
    /// festival (or 其/它) as the subject of 为/是/又称/也称/起源/与……并称 (端午节为每年农历五月初五,
    /// 其起源于中国, 其与春节、清明节、中秋节并称为……).
    static func isFestivalDescription(_ c: [Character], names: [[Character]]) -> Bool {
        var i = 0
        while i < c.count, c[i] == " " || c[i] == "\u{3000}" { i += 1 }
        if i < c.count, c[i] == "其" || c[i] == "它" {
            i += 1
        } else if let name = names.first(where: { DocumentScanner.matches(c, i, $0) }) {
            i += name.count
            if i < c.count, c[i] == "," || c[i] == "，" { i += 1 }
        } else {
            return false
        }
        // (端午节是我国的重要传统节日之一，……决定在端午节期间开展……: a notice's opening decides.)
        let text = String(c)
        if ["决定", "现将", "通知如下", "特制定", "将于", "将在", "定于"].contains(where: { text.contains($0) }) { return false }
        let rest = String(c[i..<min(c.count, i + 24)])
        if rest.hasPrefix("与") { return rest.contains("并称") }
        return ["为每年", "为农历", "是我国", "是中国", "是中华", "是我国", "又称", "也称", "俗称", "起源", "源于", "相传"].contains { rest.hasPrefix($0) }
    }

    /// Whether a short heading names a district, county, town or a unit (牡丹区, 小朱庄镇, 县文化馆).
    static func isPlaceOrUnit(_ t: String) -> Bool {
        let c = DocumentScanner.characters(t)
        guard c.count >= 2, c.count <= 10, c.allSatisfy({ DocumentScanner.isHan($0) }) else { return false }
        if let last = c.last, "区县市镇乡".contains(last), c.count >= 3, !["社区", "景区", "园区", "城区", "街区", "辖区", "小区"].contains(String(c.suffix(2))) {
            return true
        }
        return UnitDictionary.bySuffix(in: c, range: 0..<c.count).contains { $0.at == 0 && $0.name.count == c.count }
    }

    /// A numbered heading of a notice or programme (二、活动目的, 四.活动时间, （三）工作要求), as its words.
    static func numberedHeading(_ c: [Character]) -> String? {
        guard c.count <= 20, let f = c.first(where: { $0 != " " }), DocumentScanner.chineseDigits[f] != nil || f == "十" || f == "（" || f == "("
        else { return nil }
        let e = enumeratorLength(c)
        guard e > 0 else { return nil }
        let words = String(c[e...]).filter { DocumentScanner.isHan($0) }
        return words.count >= 2 && !c.contains("。") && !c.contains("，") ? words : nil
    }

    /// A short label on a line of its own (节日由来, 假期安全, 放假时间): up to 8 Han characters, no
    /// punctuation, no digits.
    static func shortLabel(_ c: [Character]) -> String? {
        // (Read up to the ninth character that is no space: most lines are longer.)
        var t: [Character] = []
        for ch in c where !" \u{3000}".contains(ch) {
            guard t.count < 8, DocumentScanner.isHan(ch) else { return nil }
            t.append(ch)
        }
        return t.count >= 2 ? String(t) : nil
    }

    /// A heading over what is not a programme: the purpose, theme and background of a notice, or
    /// its requirements (二、活动目的, 一、指导思想, 三、工作要求, 四、保障措施, 注意事项).
    static func isRequirementHeading(_ t: String) -> Bool {
        ["要求", "保障", "注意事项", "组织领导", "工作机制", "目的", "意义", "指导思想", "背景", "活动主题", "经费", "预算"].contains { t.contains($0) }
    }

    /// A programme's heading line over its fields ("一、元宵灯谜竞猜活动", "2.《乌山魂》云展播"):
    /// short, not a sentence, not a field.
    static func isProgrammeHeading(_ c: [Character]) -> Bool {
        // (Breaks inside a quoted name do not count: 活动二：“迎新春，贺新年”文艺演出.)
        var depth = 0
        var sentence = false
        for ch in c {
            if "“「《".contains(ch) { depth += 1 } else if "”」》".contains(ch) { depth = max(0, depth - 1) } else if depth == 0, "。，,；;".contains(ch) { sentence = true }
        }
        // (A full stop closing the heading does not make it a sentence: 2、组织开展“我们的节日”——……活动。)
        if sentence, c.last == "。", !c.dropLast().contains(where: { "。，,；;".contains($0) }) { sentence = false }
        return c.count <= 40 && !sentence && fieldLabel(c) == nil && c.contains { DocumentScanner.isHan($0) }
    }

    /// A section heading that ends a month's points (一、活动内容 / 二、下半年工作计划).
    /// A line past the spaces and the question marks a page's lost characters left before it (??一、活动主题).
    static func pastDebris(_ c: [Character]) -> [Character] {
        var i = 0
        while i < c.count, i < 3, c[i] == " " || c[i] == "?" || c[i] == "？" || c[i] == "\u{3000}" { i += 1 }
        return Array(c[i...])
    }

    /// The level of a line's numbering: 1 for 一、, 2 for (一), 3 for 1、 or 1., 4 for (1); nil for none.
    /// A page's debris before it (??一、活动主题) is passed over.
    static func enumeratorLevel(_ c: [Character]) -> Int? {
        let rest = pastDebris(c)
        let e = enumeratorLength(rest)
        guard e > 0 else { return nil }
        let head = rest[..<e].filter { $0 != " " }
        guard let first = head.first else { return nil }
        let bracketed = first == "(" || first == "（"
        let inner = bracketed ? head.dropFirst().first : first
        guard let d = inner else { return nil }
        let chinese = DocumentScanner.chineseDigits[d] != nil || d == "十"
        let arabic = DocumentScanner.digit(d) != nil
        guard chinese || arabic else { return nil }
        return (chinese ? 1 : 3) + (bracketed ? 1 : 0)
    }

    /// A heading that only labels the theme (一、活动主题, ??一、活动主题, (一)主题口号): the line under it is
    /// the theme's value.
    /// (A page's markdown run into one line ends with the heading: ……### 一、 活动简介元宵节是……### 二、 活动主题.)
    static func isThemeHeading(_ c: [Character]) -> Bool {
        if let hash = c.lastIndex(where: { DocumentScanner.same($0, "#") }) {
            let tail = Array(String(c[(hash + 1)...]).trimmingSpaces())
            return !tail.isEmpty && isThemeHeading(tail)
        }
        guard enumeratorLevel(c) != nil else { return false }
        let rest = pastDebris(c)
        let text = String(rest[enumeratorLength(rest)...]).trimmingSpaces().trimmingCharacters(in: [":", "："])
        return text.count <= 6 && (text.hasSuffix("主题") || text.hasSuffix("主题口号"))
    }

    static func isSectionHeading(_ t: String) -> Bool {
        guard let f = t.first, DocumentScanner.chineseDigits[f] != nil || f == "十" else { return false }
        let c = DocumentScanner.characters(t)
        guard let f = c.first, DocumentScanner.chineseDigits[f] != nil || f == "十" else { return false }
        let e = enumeratorLength(c)
        return e > 0 && c.count <= 30 && c[..<e].contains("、")
    }
}

extension UnitDictionary {
    /// Endings of unit names (县文体旅局, 县文化馆, 团县委, 闸口社区, 县委社会工作部), longest first.
    static let suffixes: [[Character]] = ([
        "社会工作部", "宣传部", "组织部", "统战部", "工作部", "护理部", "医务部", "文明办", "创文办", "创城办", "综治办", "卫健办", "政府办", "党政办",
        "爱卫办", "安办", "普法办", "老龄办", "政法委", "发改委", "教委", "纪委",
        "办公室", "文体旅局", "管理局", "团县委", "团市委", "团区委", "团委", "文明委", "卫健委", "居委会", "村委会", "委员会",
        "文联", "总工会", "妇联", "科协", "残联", "文化馆", "图书馆", "博物馆", "美术馆", "纪念馆", "科技馆", "文化站",
        "服务站", "工作站", "实践所", "实践站", "关工委", "中心", "街道", "社区", "学校", "小学", "中学", "大学", "协会", "联合会", "艺术团", "政府", "大队",
        "局", "幼儿园", "学院", "研究院", "医院", "卫生院", "研究所", "派出所", "司法所", "财政所", "供电所", "文管所",
        "管理站", "农技站", "检查站", "保护站", "电视台", "广播电台", "报社", "剧团", "演出团", "办事处", "管委会", "妇联",
        "党工委", "党委", "县委", "市委", "区委", "一中", "二中", "三中", "四中", "五中", "六中", "七中", "八中", "九中", "十中", "职中",
        "各乡镇", "各街道", "各社区", "各村", "各学校", "各部门", "各单位", "各镇", "各乡",
        "公司", "集团",
        // (Round 4: armed-forces departments, offices and committees of one task, provincial departments.)
        "人民武装部", "武装部", "人武部", "禁毒办", "国动办", "双拥办", "防汛办", "扶贫办", "信访办", "应急办", "减灾委", "禁毒委", "支队",
        "科技厅", "教育厅", "民政厅", "财政厅", "文化厅", "公安厅", "司法厅", "卫生厅", "文旅厅",
        // (Round 6b: branches of the 团 and the 党, a school's 大队部.)
        "团支部", "党支部", "团总支", "党总支", "大队部",
        // (Round 8: the offices that police a trade, 文化市场管理处, 文化市场综合执法大队.)
        "管理处", "执法大队",
    ].map { Array($0) } + officeSuffixes).sorted { $0.count > $1.count }

    /// The offices of a school named by their work and 处, 科 or 股 (政教处, 教务处, 德育处, 总务科,
    /// 后勤股): the ending alone is a word too often (到处, 科学, 股份), so only after a word of a school office's work
    /// (an agency's 综合处 or 宣传科 stands after the agency's name: 市安监局综合处 is the 市安监局).
    static let officeSuffixes: [[Character]] = {
        let work = ["政教", "教务", "德育", "总务", "教导", "教科", "科研", "保卫", "后勤", "学生"]
        return work.flatMap { w in ["处", "科", "股"].map { Array(w + $0) } }
    }()

    /// Endings that name a unit only with a name before them (团灵璧县委, 中共某县委, 灵璧一中):
    /// alone they are a part of a longer unit (县委宣传部) or a word (高中生, 所有).
    static let boundSuffixes: Set<[Character]> = Set(
        ["县委", "市委", "区委", "一中", "二中", "三中", "四中", "五中", "六中", "七中", "八中", "九中", "十中", "职中"]
            .map { Array($0) })

    /// Places, not units: a unit named after 在/于/到 in a clause is where something happens.
    static let venueWords = ["广场", "公园", "剧院", "大剧院", "影剧院", "礼堂", "展厅", "体育场", "会议室", "舞台", "景区", "街区", "步行街"]

    static let suffixesByFirst: ScalarTable<[[Character]]> = ScalarTable(Dictionary(grouping: suffixes) { $0[0] })

    static let stops: ScalarSet = ScalarSet("的和与及或由在于到对为将把被是了、，,。：:；;（）()“”\"《》「」年月日时至从向给让使共各其等并同也还已都要就可之以 ，")
    static let verbsBefore = [
        "开展", "组织", "举办", "联合", "牵手", "邀请", "参加", "带领", "指导", "会同", "配合", "协调", "负责", "发起", "来自", "依托",
        "利用", "走进", "前往", "主办", "承办", "协办", "通过", "深入", "进入", "下发", "印发", "同意", "报送", "上报", "报",
        // (Round 9: verbs of a purpose, 推动学校各项事业的全面发展: the school is their object, no unit named.)
        "推动", "促进", "推进",
    ]
    /// Words after 中心 that make it a part of another word (中心工作, 全市中心大局, 理论学习中心组).
    static let centreWords = ["工作", "任务", "环节", "地位", "位置", "思想", "内容", "议题", "城区", "区域", "大局", "组", "点", "线"]

    /// Words before a unit that make it the frame of the work, not who does it (结合街道党工委的中心工作,
    /// 按照县委的部署, 统一到县委、县政府的决策上来); and after it (在镇党委政府的领导下).
    static let frameBefore = ["结合", "根据", "按照", "依据", "遵照", "依照", "对照", "统一到", "贯彻"]
    /// `verbsBefore` and `frameBefore` as characters, split once (`bySuffix` tries them at every
    /// character it extends a name over).
    static let verbsBeforeChars: [[Character]] = verbsBefore.map { Array($0) }
    static let frameBeforeChars: [[Character]] = frameBefore.map { Array($0) }
    static let frameAfter = ["领导下", "指导下", "支持下", "关心下", "帮助下", "关怀下", "配合下"]

    /// The marks that end a unit's clause or sentence, the endings of a place's name and what opens
    /// the subject of a clause (made once: the sets were built on every call, for every unit found).
    static let frameBreaks = ScalarSet("，,。；;：:！!？?\n")
    static let clauseBreaks = ScalarSet("，,。；;：: ")
    static let sentenceBreaks = ScalarSet("。；;：:！!？?")
    static let placeEndings = ScalarSet("区县市镇乡旗")
    static let subjectOpeners = ScalarSet("，,。；;：: 日午")

    /// Whether the unit named at `at` (its name `length` long) is the frame of its clause.
    static func inFrame(_ c: [Character], at: Int, length: Int) -> Bool {
        let breaks = frameBreaks
        var j = at - 1
        var before: [Character] = []
        while j >= 0, at - j <= 20, !breaks.contains(c[j]) {
            before.insert(DraftText.simplified(c[j]), at: 0)
            j -= 1
        }
        let b = String(before)
        if frameBefore.contains(where: { b.contains($0) }) { return true }
        var after: [Character] = []
        var k = at + length
        while k < c.count, k - at - length < 16, !breaks.contains(c[k]) {
            after.append(DraftText.simplified(c[k]))
            k += 1
        }
        let a = String(after)
        return frameAfter.contains { a.contains($0) }
    }

    /// Whether the unit at `at` opens its clause and acts in it (县文化旅游体育局全年开展送戏下乡): the subject of
    /// that clause's own activity.
    static func opensOwnActivity(_ c: [Character], at: Int, length: Int) -> Bool {
        let breaks = clauseBreaks
        guard at == 0 || breaks.contains(c[at - 1]) else { return false }
        var k = at + length
        var rest: [Character] = []
        while k < c.count, k - at - length < 10, !breaks.contains(c[k]) {
            rest.append(c[k])
            k += 1
        }
        let verbs = ["开展", "举办", "举行", "组织", "召开", "承办", "主办"]
        guard verbs.contains(where: { String(rest).contains($0) }), at > 0 else { return false }
        // The clause before is an activity of its own (10月开展文艺演出4场), not only its date (3月5日上午).
        var j = at - 2
        var previous: [Character] = []
        while j >= 0, at - j <= 40, !breaks.contains(c[j]) {
            previous.insert(c[j], at: 0)
            j -= 1
        }
        let p = String(previous)
        return verbs.contains { p.contains($0) }
    }

    /// A district, county, town or banner named as the subject of an activity (4月3日上午，沙湾区召开……):
    /// the unit that holds it, though its name has no unit ending.
    static func placeSubjects(in c: [Character]) -> [(name: String, at: Int)] {
        let places = placeEndings
        let verbs = ["召开", "举办", "举行", "开展", "组织", "启动"]
        let opens = subjectOpeners
        var out: [(String, Int)] = []
        var i = 0
        while i < c.count {
            guard places.contains(c[i]), verbs.contains(where: { DocumentScanner.matches(c, i + 1, $0) }) else {
                i += 1
                continue
            }
            // The name runs back to the opening of the clause: 2 to 5 characters, all Han.
            var start = i
            while start > 0, i - start < 5, DocumentScanner.isHan(c[start - 1]), !opens.contains(c[start - 1]), !stops.contains(c[start - 1]) {
                start -= 1
            }
            // (本市, 全县, 该镇: "this city", not a named place.)
            if i - start >= 1, start == 0 || opens.contains(c[start - 1]), !(i - start == 1 && "本全该此".contains(c[start])) {
                out.append((String(c[start...i]), start))
            }
            i += 1
        }
        return out + townSubjects(in: c).filter { t in !out.contains { $0.1 == t.at } }
    }

    /// A town, township, street or village that opens its clause and whose clause goes on to an
    /// activity (张家湾镇安全生产月活动于6月1日至30日在全镇各村展开, 民和村组织……): the unit that holds it.
    /// Its name is 2 to 5 Han characters before the ending, not itself a place word (美丽乡村, 城乡).
    static func townSubjects(in c: [Character]) -> [(name: String, at: Int)] {
        let endings: [[Character]] = [Array("街道"), ["镇"], ["乡"], ["村"]]
        let verbs = ["召开", "举办", "举行", "开展", "组织", "启动", "展开", "加大", "拉开"].map { Array($0) }
        let opens = subjectOpeners
        // (The town governs the clause after a theme it names too: 街口镇以“奋进新时代,聚力强军梦”为主题,加大
        // 宣传力度; a comma inside quotes is no break.)
        let breaks = sentenceBreaks
        var out: [(String, Int)] = []
        var i = 0
        while i < c.count {
            guard let e = endings.first(where: { DocumentScanner.matches(c, i, $0) }) else {
                i += 1
                continue
            }
            var start = i
            // (和 one or two characters before the ending is a part of the name: 民和村.)
            while start > 0, i - start < 5, DocumentScanner.isHan(c[start - 1]), !opens.contains(c[start - 1]),
                !stops.contains(c[start - 1]) || (c[start - 1] == "和" && i - start <= 1)
            {
                start -= 1
            }
            let end = i + e.count
            // (乡村, 乡镇: a place word, not an ending.)
            if end < c.count, "镇乡村".contains(c[end]) {
                i = end
                continue
            }
            var k = end
            var acts = false
            var commas = 0
            while k < c.count, k - end < 60, !breaks.contains(c[k]) {
                if c[k] == "，" || c[k] == "," {
                    // (One clause, or two when the first names the theme: ……为主题,加大……)
                    let before = String(c[max(end, k - 3)..<k])
                    let quoted = c[end..<k].filter { $0 == "“" }.count > c[end..<k].filter { $0 == "”" }.count
                    if !quoted {
                        commas += 1
                        if commas > 1 || !(before.hasSuffix("为主题") || before.hasSuffix("为契机")) { break }
                    }
                }
                if verbs.contains(where: { DocumentScanner.matches(c, k, $0) }) {
                    acts = true
                    break
                }
                k += 1
            }
            if acts, i - start >= 2, start == 0 || opens.contains(c[start - 1]), !"镇乡村城区县市省".contains(c[i - 1]),
                !"本全该此各".contains(c[start])
            {
                out.append((String(c[start..<end]), start))
            }
            i = end
        }
        return out
    }

    /// Words ending in 局 or 中心 that are not units.
    static let notUnits: Set<String> = ["格局", "大局", "布局", "结局", "全局", "当局", "开局", "残局", "骗局", "饭局", "棋局", "重中心", "中心", "市中心", "城市中心"]

    /// Unit names in `c[range]` recognised by their endings, with where each starts.
    static func bySuffix(in c: [Character], range: Range<Int>) -> [(name: String, at: Int)] {
        var out: [(String, Int)] = []
        var i = range.lowerBound
        while i < range.upperBound {
            guard DocumentScanner.isHan(c[i]) else {
                i += 1
                continue
            }
            var matched: [Character]?
            for s in suffixesByFirst[c[i]] ?? [] where i + s.count <= range.upperBound && DocumentScanner.matches(c, i, s) {
                matched = s
                break
            }
            guard let suffix = matched else {
                i += 1
                continue
            }
            let end = i + suffix.count
            // 县委 before 宣传部, 一中 before 校区…: the ending of a longer name, read there.
            // (Not before a verb or a partner word: 莲湖区委联合市公安局, 灵璧一中举办.)
            if boundSuffixes.contains(suffix), end < range.upperBound, DocumentScanner.isHan(c[end]), !stops.contains(c[end]),
                !(c[end] == "组" || c[end] == "团"),
                !(verbsBefore + partnerWords + ["举行", "召开", "积极"]).contains(where: { DocumentScanner.matches(c, end, $0) })
            {
                i += 1
                continue
            }
            // 县文体旅局 then 馆 in 文化馆: extend over the name before the ending.
            var start = i
            if suffix.first == "各" {
                // 县直各单位, 市直各部门: only a 直 before a collective ending is a part of it.
                if start - 2 >= range.lowerBound, c[start - 1] == "直", "县市区镇乡".contains(c[start - 2]) { start -= 2 }
            } else {
                // (时 stops a name, but not inside 新时代: 三排镇新时代文明实践所.)
                func newEra(_ k: Int) -> Bool { c[k] == "时" && k - 1 >= range.lowerBound && c[k - 1] == "新" && k + 1 < c.count && c[k + 1] == "代" }
                // 和 inside a name (民和社区, 安和里社区): 和 right before the ending or one character before it,
                // with one name character before 和 that opens the name. 文明办和教育局, 家庭和社区 stay two.
                func innerAnd(_ k: Int) -> Bool {
                    guard c[k] == "和", i - k <= 2, k - 1 >= range.lowerBound, DocumentScanner.isHan(c[k - 1]), !stops.contains(c[k - 1]) else { return false }
                    // (The name opens after a stop, a verb or another unit: 胜利街道民和社区.)
                    let opens = k - 1 == range.lowerBound || !DocumentScanner.isHan(c[k - 2]) || stops.contains(c[k - 2])
                        || verbsBeforeChars.contains { v in k - 1 - v.count >= range.lowerBound && DocumentScanner.matches(c, k - 1 - v.count, v) }
                        || suffixes.contains { s in k - 1 - s.count >= range.lowerBound && DocumentScanner.matches(c, k - 1 - s.count, s) }
                    return opens
                }
                while start > range.lowerBound, end - start < 12, DocumentScanner.isHan(c[start - 1]), !stops.contains(c[start - 1]) || newEra(start - 1) || innerAnd(start - 1) {
                    if innerAnd(start - 1) {
                        start -= 2
                        break
                    }
                    if verbsBeforeChars.contains(where: { v in start - v.count >= range.lowerBound && DocumentScanner.matches(c, start - v.count, v) }) {
                        break
                    }
                    if frameBeforeChars.contains(where: { v in
                        start - v.count >= range.lowerBound
                            && zip(c[(start - v.count)..<start], v).allSatisfy { DraftText.simplified($0.0) == $0.1 }
                    }) {
                        break
                    }
                    start -= 1
                }
                // 中共 opens a party unit's name (中共某县委): 共 is not the end of a word before it.
                if start - 2 >= range.lowerBound, c[start - 2] == "中", c[start - 1] == "共" { start -= 2 }
            }
            // 团灵璧县委, 中共灵璧县委, 灵璧一中: a name before the ending; not 县委 or 一中 alone.
            if boundSuffixes.contains(suffix), end - start - suffix.count < 2 {
                i = end
                continue
            }
            let name = String(c[start..<end])
            if suffix == Array("中心"), centreWords.contains(where: { DocumentScanner.matches(c, end, $0) }) {
                i = end
                continue
            }
            // A name that runs on into a longer unit's ending (学校团委, 社区居委会) is read there; a place
            // ending that names whom it holds (社区居民, 学校师生) is not a unit.
            if end < range.upperBound, !(suffix.first == "各"),
                (suffixesByFirst[c[end]] ?? []).contains(where: { end + $0.count <= range.upperBound && DocumentScanner.matches(c, end, $0) })
            {
                i = end
                continue
            }
            if memberWords.contains(where: { DocumentScanner.matches(c, end, $0) }) {
                i = end
                continue
            }
            // Extend a shorter unit to a longer ending right after (县委 + 宣传部 is one unit).
            let party = suffix == Array("党委") || suffix == Array("党工委")
            // 全市中心大局, 新格局: a word in 局 that is not a unit ends the name.
            let wordEnd = suffix == Array("局") && notUnits.contains(String(name.suffix(2)))
            if name.count >= 2, !notUnits.contains(name), !wordEnd, !(suffix == Array("局") && name.count < 3), !(party && name.count == suffix.count) {
                out.append((name, start))
            }
            i = end
        }
        return out
    }

    /// Words after a place's ending that name the people it holds (社区居民, 学校师生): not a unit then.
    static let memberWords = ["居民", "群众", "工作者", "志愿者", "老人", "儿童", "师生", "学生", "党员", "干部", "村民"]

    /// Units named in `c` that are not where something happens: a unit right after 在/于/到 (在县文化馆二楼举办,
    /// 在全镇各村), or one a place is named after (图书馆广场活动集中点), is the venue; when only venues are
    /// named, they are kept. A unit inside quotes is part of a name (“社区村庄环境清洁”行动), never an owner.
    static func organisers(in c: [Character]) -> [(name: String, at: Int)] {
        var found = bySuffix(in: c, range: 0..<c.count).filter { !inFrame(c, at: $0.at, length: $0.name.count) }
        // (Quote depth read in one pass up to the last unit found, only when a unit was found.)
        if let lastAt = found.map(\.at).max() {
            let at = Dictionary(grouping: found.indices) { found[$0].at }
            var inside: Set<Int> = []
            var depth = 0
            for (i, ch) in c[...lastAt].enumerated() {
                if DocumentScanner.quoteOpens.contains(ch) { depth += 1 } else if DocumentScanner.quoteCloses.contains(ch) { depth = max(0, depth - 1) }
                if depth > 0, let ks = at[i] { inside.formUnion(ks) }
            }
            if !inside.isEmpty { found = found.enumerated().filter { !inside.contains($0.offset) }.map(\.element) }
        }
        let owners = found.filter { !isVenue(c, $0) }
        return owners.isEmpty ? found : owners
    }

    /// Whether the unit named at `u.at` in `c` is where something happens, not who does it.
    static func isVenue(_ c: [Character], _ u: (name: String, at: Int)) -> Bool {
        let before = u.at > 0 ? c[u.at - 1] : " "
        let whole = u.at >= 3 && c[u.at - 3] == "在" && c[u.at - 2] == "全"
        let end = u.at + u.name.count
        return "在于到赴".contains(before) || whole || venueWords.contains { DocumentScanner.matches(c, end, $0) }
            || venueWords.contains { u.name.hasSuffix($0) }
    }

    /// Words that join partners to the unit before them (三排镇新时代文明实践所联合镇妇联、社工站开展……).
    static let partnerWords = ["联合", "携手", "联手", "会同"]

    /// The unit named right before 联合 (携手, 会同) in `c`: it leads the activity, and the units after
    /// the word are its partners. Nil when no unit ends right before such a word.
    static func leadBeforePartners(in c: [Character]) -> String? {
        let text = String(c)
        guard partnerWords.contains(where: { text.contains($0) }) else { return nil }
        for u in organisers(in: c) {
            let end = u.at + u.name.count
            guard partnerWords.contains(where: { DocumentScanner.matches(c, end, $0) }) else { continue }
            // (联合举办 after a list of units is "jointly": they are all its owners.)
            if (verbsBefore + ["举行", "召开", "进行"]).contains(where: { DocumentScanner.matches(c, end + 2, $0) }) { return nil }
            return u.name
        }
        return nil
    }

    /// The units listed in a field or table cell ("县文体旅局、县文联", "文体局、文化馆、“春常在”艺术团").
    /// In an owner field (承办单位：肖村乡、纪委监委) every name listed is a unit, whatever its ending.
    /// A village named alone in a list of units (月沱村, 东门村): two to six Han characters ending in 村,
    /// not a word for the countryside (农村, 乡村, 山村).
    static func isVillage(_ chars: [Character]) -> Bool {
        guard chars.count >= 3, chars.count <= 7, chars.last == "村", chars.allSatisfy({ DocumentScanner.isHan($0) }) else { return false }
        let s = String(chars)
        return !["农村", "乡村", "山村", "渔村", "村村", "城村", "全村", "本村", "该村", "各村", "新村"].contains { s.hasSuffix($0) }
    }

    static func listed(in c: [Character], field: Bool = false) -> [String] {
        var out: [String] = []
        var current: [Character] = []
        func flush() {
            var s = String(current).trimmingSpaces()
            s = s.removing("“").removing("”")
            current = []
            guard s.count >= 2, s.count <= 16 else { return }
            let chars = DocumentScanner.characters(s)
            if field && chars.allSatisfy({ DocumentScanner.isHan($0) }) && chars.count <= 12
                || suffixes.contains(where: { DocumentScanner.matches(chars, chars.count - $0.count, $0) })
                || isVillage(chars)
                || !find(in: chars, range: 0..<chars.count).isEmpty
            {
                if !notUnits.contains(s) { out.append(s) }
            }
        }
        for ch in c {
            if "、,，;；/ ".contains(ch) { flush() } else { current.append(ch) }
        }
        flush()
        return out
    }
}
