/// A line the drafter left out, and why.
public struct DroppedLine: Sendable, Hashable, Codable {
    public enum Reason: String, Sendable, Hashable, Codable {
        /// The same text as an earlier line (a section pasted twice).
        case duplicate
        /// Web-page furniture: "相关文章", "上一篇", "点击下载", an excerpt of the text ending in "...".
        case debris
    }
    public var line: Int
    public var reason: Reason
    /// For duplicates: the line it repeats.
    public var sameAs: Int?
}

/// Which part of a work report a line belongs to.
public enum DocumentSection: String, Sendable, Hashable, Codable {
    /// Before any heading.
    case preamble
    /// 工作总结: what was done (the dates are last year's, read as yearly).
    case summary
    /// 工作安排 / 工作计划 / 工作要点: what is planned.
    case plan
}

/// One sentence of the document: its text as characters, the line it is on, the section.
struct SourceSentence {
    var line: Int
    var chars: [Character]
    var section: DocumentSection
    /// For a point of a flattened month table: the month of its group, and the label as read (二月).
    var month: Int? = nil
    var label: String? = nil
    /// For a row of a table flattened with | between cells: the date the row takes from the row above
    /// (written before the sentence as read, taken out of the quote again), its activity cell and the
    /// units of its owner cell.
    var tablePrefix: String? = nil
    var tableTitle: String? = nil
    var tableOwners: [String] = []
}

/// The document split into kept lines and sentences, with repeated and debris lines dropped.
struct SourceDocument {
    var title: String?
    /// The year the document names for its plan (2022 in "2022年工作安排"), if it writes one.
    var documentYear: Int?
    /// Placeholder years seen (XX年, 20XX年).
    var placeholderYears: [String]
    var sentences: [SourceSentence]
    var dropped: [DroppedLine]
    var lineCount: Int
    /// Whether the text is written in traditional characters (read as simplified).
    var traditional: Bool
    /// Lines whose text as read differs from the document's (spaces inside dates, full-width
    /// digits, traditional characters): the original and, per character read, its source index and
    /// its plain scalar value (0 when it is not one: `PlanDrafter.asWritten` tests the first character by it).
    var changedLines: [Int: (original: [Character], read: [Character], source: [Int], readScalars: [UInt32])]
    /// The kept lines as read (trimmed), in order.
    var keptLines: [(line: Int, text: [Character])]

    static let debrisStarts = [
        "更新时间", "发布时间", "发布日期", "来源:", "来源：", "作者:", "作者：", "浏览次数", "阅读次数", "推荐度",
        "点击下载", "上一篇", "下一篇", "相关文章", "相关推荐", "热门文章", "猜你喜欢", "责任编辑", "版权所有", "Copyright",
        "扫一扫", "分享到", "返回顶部", "打印本页", "关闭窗口", "TAG:", "TAG：", "Tags:", "标签:", "标签：",
    ]
    static let debrisContains = ["相关文章:", "相关文章：", "相关文档:", "相关文档：", "正在阅读:", "正在阅读：", "文档为doc格式", "点击下载文档", "上一篇:", "下一篇:", "上一篇：", "下一篇："]
    /// Markers after which everything is page furniture, when they come in the last part of the text.
    static let tailMarkers = ["相关文章", "相关文档", "正在阅读", "上一篇", "下一篇", "推荐度", "点击下载", "猜你喜欢", "相关推荐"]

    /// The blurb an essay site writes around a document (下面是小编给大家整理收集的……通知,欢迎大家阅读与参考):
    /// its words are the site's, its festival or date is no item.
    static func isSiteBlurb(_ t: String) -> Bool {
        guard t.utf8.count <= 600, t.contains("小编") else { return false }
        return ["整理", "收集", "带来", "分享", "推荐", "为大家", "给大家", "为您"].contains { t.contains($0) }
    }

    /// A line without the label of a page's abstract (摘要:, 摘要：, 导读:).
    static func withoutAbstractLabel(_ t: String) -> String {
        for label in ["摘要:", "摘要：", "导读:", "导读："] where t.utf8HasPrefix(label) {
            return String(t.dropFirst(label.count)).trimmingSpaces()
        }
        return t
    }

    /// Lines longer than this (in UTF-8 bytes, about 300 characters of Chinese) are text, not page
    /// furniture: a furniture marker inside one ends the text read from it.
    static let furnitureBytes = 900

    static let furnitureMarkers = debrisContains + tailMarkers.flatMap { [$0 + ":", $0 + "："] } + ["版权所有", "Copyright"]

    /// A long line up to the first furniture marker in it ("相关文章：", "上一篇:", "版权所有"…) after
    /// its start, trimmed; the line itself when it has none.
    static func beforeFurniture(_ line: String) -> String {
        var cut = line.endIndex
        for marker in furnitureMarkers where line.contains(marker) {
            if let end = line.utf8End(of: marker), let start = line.utf8.index(end, offsetBy: -marker.utf8.count, limitedBy: line.startIndex),
                start > line.startIndex, start < cut
            {
                cut = start
            }
        }
        return cut == line.endIndex ? line : String(line[..<cut]).trimmingSpaces()
    }

    /// The line with its web addresses (www.89xue.com, http://…) turned into spaces, so that a
    /// month label or a heading a site stamped its address on ("3月份 www.89xue.com") reads as
    /// written; the columns stay where they were.
    static func blankingWebAddresses(_ line: String) -> String {
        // One pass over the bytes first: most lines have no address.
        var last4: UInt32 = 0
        var found = false
        for b in line.utf8 {
            last4 = (last4 << 8) | UInt32(b)
            if last4 == 0x7777_772E || last4 == 0x6874_7470 {  // "www.", "http"
                found = true
                break
            }
        }
        guard found else { return line }
        var c = Array(line)
        var i = 0
        while i < c.count {
            let start = DocumentScanner.matches(c, i, "www.") || DocumentScanner.matches(c, i, "http:")
                || DocumentScanner.matches(c, i, "https:")
            if start {
                var j = i
                while j < c.count, let a = c[j].asciiValue, a > 32, a < 127 {
                    c[j] = " "
                    j += 1
                }
                i = j
            } else {
                i += 1
            }
        }
        return String(c)
    }

    init(text: String) {
        let traditional = DraftText.isTraditional(text)
        self.traditional = traditional
        var changed: [Int: (original: [Character], read: [Character], source: [Int], readScalars: [UInt32])] = [:]
        let rawLines = DocumentScanner.splitLines(text).enumerated().map { index, line in
            if DraftText.isPlain(line, traditional: traditional) { return line }
            let (read, source, original) = DraftText.normalize(line, traditional: traditional)
            // (Every change normalising makes gives a different character or fewer of them: a line
            // read as it is written is the line.)
            guard read != original else { return line }
            if !source.isEmpty { changed[index + 1] = (original, read, source, read.map { DocumentScanner.plainScalar($0) ?? 0 }) }
            return String(read)
        }
        changedLines = changed
        lineCount = rawLines.count
        var dropped: [DroppedLine] = []
        var kept: [(Int, String)] = []
        var seen: [String: Int] = [:]
        var abstracts: [String: Int] = [:]
        var keptTexts: [String] = []
        var keptChars: [[Character]] = []
        // Where the page furniture at the end starts: the first tail marker in the second half.
        var tailStart = rawLines.count + 1
        let secondHalf = rawLines.count - rawLines.count / 2
        for (index, raw) in rawLines.enumerated() where index + 1 >= secondHalf && raw.utf8.count <= Self.furnitureBytes {
            let t = raw.trimmingSpaces()
            if Self.tailMarkers.contains(where: { t.utf8HasPrefix($0) || t.contains($0 + ":") || t.contains($0 + "：") }) {
                tailStart = index + 1
                break
            }
        }
        var placeholders: [String] = []
        for (index, raw) in rawLines.enumerated() {
            let number = index + 1
            var t = Self.blankingWebAddresses(raw).trimmingSpaces()
            // A long line (a page without line breaks, a flattened table) is not page furniture as a
            // whole: what follows a furniture marker inside it is cut off, the text before it is read.
            let long = t.utf8.count > Self.furnitureBytes
            if long { t = Self.beforeFurniture(t) }
            if t.isEmpty {
                if !raw.trimmingSpaces().isEmpty { dropped.append(DroppedLine(line: number, reason: .debris)) }
                continue
            }
            // (A line of text after it, longer than any furniture, is the page's document: a document
            // site prints its preview after 相关文档, 文档介绍:2017年……方案……)
            if number >= tailStart, !long {
                dropped.append(DroppedLine(line: number, reason: .debris))
                continue
            }
            // (A photo's caption, 2024年“3·15”活动资料图。, is the page's picture, not its text.)
            let caption = t.count <= 40 && t.trimmingSuffix(["。"]).utf8HasSuffix("资料图")
            if !long, Self.debrisStarts.contains(where: { t.utf8HasPrefix($0) }) || Self.debrisContains.contains(where: { t.contains($0) })
                || Self.isSiteBlurb(t) || caption
            {
                dropped.append(DroppedLine(line: number, reason: .debris))
                continue
            }
            // The abstract a page prints over its text (摘要:今年的4月15日……) repeats the lead: the lead
            // after it is a duplicate of it.
            if let first = abstracts[t], !long {
                dropped.append(DroppedLine(line: number, reason: .duplicate, sameAs: first))
                continue
            }
            // A field or a table cell ("承办：县文化馆", "广场公园") repeats in different events: not a duplicate.
            // (The line's characters are split once, here, for the checks and the sentences.)
            let chars = DocumentScanner.characters(t)
            let cell = Layout.fieldLabel(chars) != nil
                || (chars.count <= 30 && !t.utf8HasSuffix(":") && !t.utf8HasSuffix("：") && !Layout.isSectionHeading(t)
                    && !t.contains("。") && !t.contains("；"))
            if let first = seen[t], !cell {
                dropped.append(DroppedLine(line: number, reason: .duplicate, sameAs: first))
                continue
            }
            // An excerpt ("……开局之年,也是我区...") of a line kept earlier: a teaser of the page.
            if t.utf8HasSuffix("...") || t.utf8HasSuffix("…") {
                let stem = String(t.drop(while: { _ in false })).trimmingSuffix(["...", "…", "……"])
                if stem.count >= 10, let earlier = kept.firstIndex(where: { $0.1.utf8HasPrefix(stem) }) {
                    dropped.append(DroppedLine(line: number, reason: .duplicate, sameAs: kept[earlier].0))
                    continue
                }
            }
            seen[t] = number
            if case let stripped = Self.withoutAbstractLabel(t), stripped != t, stripped.count >= 20 { abstracts[stripped] = number }
            kept.append((number, t))
            keptChars.append(chars)
            keptTexts.append(t)
            for p in DocumentScanner.placeholderYears(in: t) where !placeholders.contains(p) { placeholders.append(p) }
        }
        self.dropped = dropped
        self.placeholderYears = placeholders
        keptLines = zip(kept, keptChars).map { ($0.0.0, $0.1) }
        // The plan's name: the first title line (……方案, ……通知), else the first line that is not a
        // page's breadcrumb (首页 > 公告 > 正文, 当前位置：…).
        let breadcrumb: (String) -> Bool = { t in
            t.contains(">") || t.contains("＞") || t.contains("首页 ") || t.contains(" 首页")
                || ["当前位置", "您的位置", "我的位置", "首页", "位置："].contains { t.utf8HasPrefix($0) }
        }
        let named = kept.prefix(12).first { $0.1.count >= 8 && Layout.isTitleLine($0.1) && !breadcrumb($0.1) } 
            // (Nor a page's record line of figures: 2013-10-14 丨 2369182 丨.)
            ?? kept.first { !breadcrumb($0.1) && $0.1.count >= 4 && $0.1.filter(DocumentScanner.isHan).count >= 4 } ?? kept.first
        title = named.map { line in
            var t = line.1.trimmingSuffix([":", "："])
            // A document site's file name (……方案.docx): the title without the extension.
            for ext in [".docx", ".doc", ".pdf", ".wps", ".txt", ".pptx", ".ppt"] where t.lowercased().hasSuffix(ext) {
                t = String(t.dropLast(ext.count))
                break
            }
            // 【……方案】正文……: the bracketed title.
            if t.utf8HasPrefix("【"), let close = t.firstIndex(of: "】") {
                let inside = String(t[t.index(after: t.startIndex)..<close])
                let rest = String(t[t.index(after: close)...]).trimmingSpaces()
                // (A column's tag before the headline, 【文化惠民】永登县将开展……活动: the headline.)
                t = inside.count <= 6 && rest.count >= 8 ? rest : inside
            }
            return t.count > 60 ? String(t.prefix(59)) + "…" : t
        }
        documentYear = Self.planYear(in: keptTexts)
        var section = DocumentSection.preamble
        var sentences: [SourceSentence] = []
        for ((number, t), lineChars) in zip(kept, keptChars) {
            if let s = Self.heading(t) { section = s }
            for chars in DocumentScanner.splitSentences(lineChars) {
                sentences.append(SourceSentence(line: number, chars: chars, section: section))
            }
        }
        self.sentences = sentences
    }

    /// The section a heading line opens, if it is one ("XX年工作总结:", "2022年工作安排:").
    static func heading(_ line: String) -> DocumentSection? {
        guard line.count <= 30 else { return nil }
        if line.contains("工作安排") || line.contains("工作计划") || line.contains("工作要点") || line.contains("工作打算")
            || line.contains("工作思路")
        {
            // The document title names both ("……工作总结及2022年安排"); only a heading ends in a colon.
            if line.utf8HasSuffix(":") || line.utf8HasSuffix("：") { return .plan }
        }
        if line.contains("工作总结") && (line.utf8HasSuffix(":") || line.utf8HasSuffix("：")) { return .summary }
        return nil
    }

    /// The year of "2022年工作安排" / "2022年工作计划" / "2022年安排".
    static func planYear(in lines: [String]) -> Int? {
        for line in lines.prefix(200) {
            let chars = Array(line)
            var i = 0
            while i + 5 <= chars.count {
                if let y = DocumentScanner.asciiNumber(chars, i, maxDigits: 4), y.value >= 1900, y.value <= 2200, y.end - i == 4,
                    y.end < chars.count, chars[y.end] == "年"
                {
                    let after = String(chars[(y.end + 1)..<min(chars.count, y.end + 6)])
                    if after.utf8HasPrefix("工作安排") || after.utf8HasPrefix("工作计划") || after.utf8HasPrefix("安排") || after.utf8HasPrefix("计划")
                        || after.utf8HasPrefix("工作要点")
                    {
                        return y.value
                    }
                }
                i += 1
            }
        }
        return nil
    }
}

extension String {
    func trimmingSpaces() -> String {
        let isSpace: (Character) -> Bool = { DocumentScanner.isWhitespace($0) || DocumentScanner.same($0, "\u{FEFF}") }
        var s = Substring(self)
        while let f = s.first, isSpace(f) { s = s.dropFirst() }
        while let l = s.last, isSpace(l) { s = s.dropLast() }
        return String(s)
    }

    func trimmingSuffix(_ suffixes: [String]) -> String {
        var s = self
        var changed = true
        while changed {
            changed = false
            for suffix in suffixes where s.utf8HasSuffix(suffix) {
                s = String(s.dropLast(suffix.count))
                changed = true
            }
        }
        return s
    }
}
