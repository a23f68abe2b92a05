import AlmanacPlan

extension Draft {
    /// The draft as a plan file (docs/plan-format.md): every item preceded by comments giving the
    /// source line and sentence, and `# 待确认:` lines for what a person should check.
    public func yaml() -> String {
        func q(_ s: String) -> String { YAMLWriter.quoteIfNeeded(s) }
        func flow(_ list: [String]) -> String { "[" + list.map { YAMLWriter.quoteIfNeeded($0, inFlow: true) }.joined(separator: ", ") + "]" }
        func comment(_ s: String) -> String {
            s.utf8.contains(where: { $0 == 0x0A || $0 == 0x0D })
                ? s.replacingOccurrences(of: "\n", with: " ").replacingOccurrences(of: "\r", with: " ") : s
        }
        var out = ""
        out += "# 计划草稿：由 almanacctl draft 从 \(comment(source)) 读出（\(encoding.rawValue)，\(lines)行）。\n"
        out += "# 计划年份 \(year)"
        if let documentYear { out += "；原文写的年份 \(documentYear)" }
        if !placeholderYears.isEmpty { out += "；原文的占位年份：\(placeholderYears.joined(separator: "、"))" }
        out += "。\n"
        let duplicates = dropped.filter { $0.reason == .duplicate }
        let debris = dropped.filter { $0.reason == .debris }
        if !duplicates.isEmpty {
            out += "# 重复的行已略去（保留第一次出现的行号）：\(Self.ranges(duplicates.map(\.line)))\n"
        }
        if !debris.isEmpty { out += "# 网页残留已略去：\(Self.ranges(debris.map(\.line)))\n" }
        out += "# 每个条目上方是出处（行号和原句）；“# 待确认:”标出需要人核对的地方。日期规则见 docs/date-rules.md。\n"
        out += "plan:\n"
        out += "  id: draft\n"
        out += "  name: \(q(name))\n"
        out += "  years: [\(year)]\n"
        out += "  timezone: Asia/Shanghai\n"
        out += "  holidays: cn\n"
        out += "  source: \(q(source))\n"
        if !units.isEmpty {
            out += "\nunits:\n"
            for u in units { out += "  \(u.id): {name: \(YAMLWriter.quoteIfNeeded(u.name, inFlow: true))}\n" }
        }
        out += "\nitems:\n"
        if items.isEmpty { out = String(out.dropLast("items:\n".count)) + "items: []\n" }
        for item in items {
            let section = item.section == .summary ? "工作总结" : item.section == .plan ? "工作安排" : "正文"
            out += "  # 第\(item.line)行（\(section)）：\(comment(item.sentence))\n"
            for u in item.unsure { out += "  # 待确认: \(comment(u))\n" }
            if !item.notDates.isEmpty { out += "  # 不是日期：\(comment(item.notDates.joined(separator: "、")))\n" }
            out += "  - id: \(q(item.id))\n"
            out += "    kind: \(item.kind.rawValue)\n"
            out += "    title: \(q(item.title))\n"
            out += "    when: \(q(item.when))\n"
            if let time = item.time { out += "    time: \"\(time)\"\n" }
            if !item.owners.isEmpty { out += "    owners: \(flow(item.owners))\n" }
            if !item.participants.isEmpty { out += "    participants: \(flow(item.participants))\n" }
            let tags = item.figures + item.tags
            if !tags.isEmpty { out += "    tags: \(flow(tags))\n" }
            if let quota = item.quota { out += "    quota: {count: \(quota.count), per: \(quota.per)}\n" }
            out += "    date_source: \(item.dateSource.rawValue)\n"
            out += "    source_quote: \(q(item.quote))\n"
        }
        return out
    }

    /// "52–99, 101" from sorted line numbers.
    static func ranges(_ lines: [Int]) -> String {
        var parts: [String] = []
        var i = 0
        let sorted = lines.sorted()
        while i < sorted.count {
            var j = i
            while j + 1 < sorted.count, sorted[j + 1] == sorted[j] + 1 { j += 1 }
            parts.append(i == j ? "第\(sorted[i])行" : "第\(sorted[i])–\(sorted[j])行")
            i = j + 1
        }
        return parts.joined(separator: "、")
    }
}
