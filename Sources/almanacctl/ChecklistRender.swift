import AlmanacControl
import AlmanacPlan

/// Text views of checklists: the indicator tree with progress bars, and totals per unit.
/// CJK text is aligned by display width.
struct ChecklistRender {
    var english: Bool
    /// Widest title shown, in columns; longer ones end in `…`.
    var titleWidth = 34

    /// `[██████░░░░]` for a fraction, `width` cells.
    static func bar(_ fraction: Double, width: Int = 10) -> String {
        let filled = min(width, max(0, Int((fraction * Double(width)).rounded())))
        return "[" + String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled) + "]"
    }

    static func percent(_ fraction: Double) -> String { "\(Int((fraction * 100).rounded()))%" }

    func statusText(_ status: IndicatorStatus) -> String { english ? status.rawValue : status.chineseName }

    /// The tree, one line per indicator, then the totals per unit and overall.
    func render(_ view: ChecklistView, unit: String?) -> String {
        var out: [String] = []
        let s = view.summary
        var head = "\(s.title) (\(s.checklist))"
        if let occurrence = view.occurrence { head += "  \(occurrence)" }
        if let deadline = view.deadline { head += english ? "  due \(deadline)" : "  截止 \(deadline)" }
        out.append(head)
        if let declared = s.declared { out.append("  " + declaredText(declared)) }
        let codeWidth = view.indicators.map { DisplayWidth.of($0.code) + 2 * $0.depth }.max() ?? 0
        let names = view.unitNames
        func unitName(_ id: String?) -> String {
            guard let id, !id.isEmpty else { return english ? "(no unit)" : "（无责任单位）" }
            return names[id] ?? id
        }
        let ownerWidth = min(20, view.indicators.map { DisplayWidth.of(unitName($0.owner)) }.max() ?? 0)
        for line in view.indicators {
            let indent = String(repeating: "  ", count: line.depth)
            var text = "  " + DisplayWidth.padded(indent + line.code, to: codeWidth) + "  "
            text += DisplayWidth.padded(DisplayWidth.truncated(line.title, to: titleWidth), to: titleWidth) + "  "
            text += DisplayWidth.padded(DisplayWidth.truncated(unitName(line.owner), to: 20), to: ownerWidth) + "  "
            if let totals = line.totals {
                text += "\(Self.bar(totals.fraction)) \(totals.finished)/\(totals.indicators)"
            } else if let status = line.status {
                text += DisplayWidth.padded(statusText(status), to: english ? 11 : 6)
                if let required = line.evidenceRequired {
                    text += (english ? "  evidence " : "  佐证 ") + "\(line.evidence ?? 0)/\(required)"
                } else if let filed = line.evidence {
                    text += (english ? "  evidence " : "  佐证 ") + "\(filed)"
                }
                if let note = line.note { text += "  — \(note)" }
            }
            out.append(text.trimmingTrailingSpaces)
        }
        out.append("")
        out.append(english ? "By unit:" : "按责任单位：")
        let units = s.units.filter { unit == nil || $0.unit == unit }
        let nameWidth = units.map { DisplayWidth.of(unitName($0.unit)) }.max() ?? 0
        for u in units {
            out.append("  " + DisplayWidth.padded(unitName(u.unit), to: nameWidth) + "  " + totalsText(u.totals))
        }
        let overall = unit.map { s.totals(of: $0) } ?? s.totals
        out.append((english ? "Total" : "合计") + "  " + totalsText(overall))
        return out.joined(separator: "\n")
    }

    /// `申报指标：大项 143（已列出 4）、小项 355（已列出 0）`: what the document declares beside what
    /// the plan writes out, so a skeleton checklist does not pass for the whole.
    func declaredText(_ declared: [DeclaredTotal]) -> String {
        if english {
            return "Declared: " + declared.map { "\($0.declared) \($0.level) (\($0.listed) written out)" }.joined(separator: ", ")
        }
        return "申报指标：" + declared.map { "\($0.level) \($0.declared)（已列出 \($0.listed)）" }.joined(separator: "、")
    }

    /// `[████░░░░░░]  12/30  40%  未完成 18  佐证 100/240`.
    func totalsText(_ t: ChecklistTotals) -> String {
        var text = "\(Self.bar(t.fraction)) \(pad("\(t.finished)/\(t.indicators)", 9)) \(pad(Self.percent(t.fraction), 4))"
        text += english ? "  open \(t.remaining)" : "  未完成 \(t.remaining)"
        if t.rejected > 0 { text += english ? " (rejected \(t.rejected))" : "（退回 \(t.rejected)）" }
        if t.evidenceRequired > 0 || t.evidenceFiled > 0 {
            text += (english ? "  evidence " : "  佐证 ") + "\(t.evidenceFiled)/\(t.evidenceRequired)"
        }
        return text
    }

    func pad(_ text: String, _ width: Int) -> String { DisplayWidth.padded(text, to: width) }
}

extension String {
    var trimmingTrailingSpaces: String {
        var s = self
        while s.last == " " { s.removeLast() }
        return s
    }
}
