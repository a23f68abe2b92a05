import AlmanacTestSupport
import Testing

@testable import AlmanacPlan

@Suite("Checklist progress")
struct ChecklistProgressTests {
    @Test("statuses read in English and Chinese; open work is open, in-progress and rejected")
    func statuses() {
        #expect(IndicatorStatus(text: "in_progress") == .inProgress)
        #expect(IndicatorStatus(text: " 已退回 ") == .rejected)
        #expect(IndicatorStatus(text: "Accepted") == .accepted)
        #expect(IndicatorStatus(text: "maybe") == nil)
        #expect(IndicatorStatus.allCases.filter(\.isOpen) == [.open, .inProgress, .rejected])
    }

    @Test("the summary of the generated checklist adds up per unit")
    func summary() throws {
        let generated = GeneratedChecklist()
        let plan = try #require(loadGenerated(generated).plan)
        let checklist = try #require(plan.checklists.first)
        #expect(checklist.leaves.count == 355)
        #expect(checklist.leaves[0].path == ["M001"])
        var progress: [String: IndicatorProgress] = [:]
        for m in generated.minorItems where m.owner == "u01" {
            progress[m.code] = IndicatorProgress(code: m.code, status: .accepted, evidence: m.evidence)
        }
        progress["M001-2"] = IndicatorProgress(code: "M001-2", status: .rejected, evidence: 2)
        let summary = ChecklistSummary(checklist, progress: progress)
        #expect(summary.totals.indicators == 355)
        #expect(summary.totals.accepted == 5)
        #expect(summary.totals.rejected == 1)
        #expect(summary.totals.open == 349)
        #expect(summary.totals.finished == 5)
        #expect(summary.totals.remaining == 350)
        #expect(summary.totals.evidenceRequired == 2937)
        #expect(summary.totals.evidenceFiled == 9 + 9 + 8 + 8 + 8 + 2)
        #expect(summary.units.count == 80)
        #expect(summary.totals(of: "u01").accepted == 5)
        #expect(summary.totals(of: "u01").fraction == 1)
        #expect(summary.totals(of: "u02").rejected == 1)
        #expect(summary.totals(of: "u80").indicators == 4)
    }

    @Test("a progress CSV: statuses, evidence and notes; every bad row named")
    func progressCSV() {
        let good = ProgressCSV.rows(Array("编号,名称,状态,佐证材料数,备注\nM001-1,x,已提交,9份,齐了\nM001-2,y,rejected,,缺照片\n".utf8), fileName: "p.csv")
        #expect(good.diagnostics == [])
        #expect(good.rows.map(\.code.value) == ["M001-1", "M001-2"])
        #expect(good.rows.map(\.status) == [.submitted, .rejected])
        #expect(good.rows.map(\.evidence) == [9, nil])
        #expect(good.rows.map(\.note) == ["齐了", "缺照片"])
        let bad = ProgressCSV.rows(Array("code,status,evidence\nA,done-ish,1\nB,open,x\nA,open,1\n,open,\n".utf8), fileName: "b.csv")
        #expect(bad.rows.isEmpty)
        #expect(bad.diagnostics.map(\.description) == [
            "b.csv:2:3: error: row 2, column 状态 (status): unknown status 'done-ish' (open, in-progress, submitted, accepted, rejected, 未开始, 进行中, 已提交, 已通过, 已退回)",
            "b.csv:3:8: error: row 3, column 佐证材料数 (evidence): 'x' is not a whole number ≥ 0",
            "b.csv:4:1: error: row 4, column 编号 (code): 'A' already updated in row 2",
            "b.csv:5:1: error: row 5, column 编号 (code): empty",
        ])
        let noStatus = ProgressCSV.rows(Array("编号,负责人\nA,x\n".utf8), fileName: "n.csv")
        #expect(noStatus.diagnostics.count == 2)
    }
}
