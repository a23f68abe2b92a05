import AlmanacTestSupport
import Glibc
import Testing

@testable import AlmanacPlan

/// UTF-8 text re-encoded as GB18030 with the C library's converter (what a Chinese spreadsheet writes).
func gb18030(_ text: String) -> [UInt8] {
    let cd = iconv_open("GB18030", "UTF-8")
    guard let cd, Int(bitPattern: cd) != -1 else { return [] }
    defer { iconv_close(cd) }
    var input = Array(text.utf8).map { CChar(bitPattern: $0) }
    var output = [CChar](repeating: 0, count: input.count * 2 + 8)
    let capacity = output.count
    var produced = 0
    input.withUnsafeMutableBufferPointer { inBuffer in
        output.withUnsafeMutableBufferPointer { outBuffer in
            var inPointer: UnsafeMutablePointer<CChar>? = inBuffer.baseAddress
            var inLeft = inBuffer.count
            var outPointer: UnsafeMutablePointer<CChar>? = outBuffer.baseAddress
            var outLeft = capacity
            _ = iconv(cd, &inPointer, &inLeft, &outPointer, &outLeft)
            produced = capacity - outLeft
        }
    }
    return output.prefix(produced).map { UInt8(bitPattern: $0) }
}

/// Loads the generated plan with its CSV through the loader's resolver.
func loadGenerated(_ generated: GeneratedChecklist, csv: [UInt8]? = nil) -> PlanLoadResult {
    let bytes = csv ?? Array(generated.csv.utf8)
    let resolve: IncludeResolver = { path, _ throws(IncludeError) in
        guard path == "indicators.csv" else { throw IncludeError("no such file: \(path)") }
        return PlanSource(fileName: "indicators.csv", bytes: bytes)
    }
    return PlanLoader.load(fileName: "plan.yaml", text: generated.planYAML(), resolve: resolve)
}

func leafCount(_ indicators: [Indicator]) -> Int {
    indicators.reduce(0) { $0 + ($1.children.isEmpty ? 1 : leafCount($1.children)) }
}

func evidenceSum(_ indicators: [Indicator]) -> Int {
    indicators.reduce(0) { $0 + ($1.evidence?.value ?? 0) + evidenceSum($1.children) }
}

let testUnits = [
    PlanUnit(id: Located("wmb"), name: Located("区文明办")),
    PlanUnit(id: Located("zz"), name: Located("区综合治理办")),
]

func emptyChecklist(totals: [String: Int] = [:]) -> Checklist {
    var declared: [Located<String>: Located<Int>] = [:]
    for (k, v) in totals { declared[Located(k)] = Located(v) }
    return Checklist(id: Located("c"), title: Located("测评"), levels: [Located("大项"), Located("小项")], totals: declared)
}

@Suite("Checklist CSV import")
struct ChecklistCSVTests {
    @Test("the generated 143/355 checklist over 80 units loads and validates clean")
    func generatedChecklist() throws {
        let generated = GeneratedChecklist()
        let result = loadGenerated(generated)
        #expect(result.diagnostics == [])
        let plan = try #require(result.plan)
        #expect(PlanValidator.validate(plan) == [])
        let checklist = try #require(plan.checklists.first)
        #expect(checklist.indicators.count == 143)
        #expect(leafCount(checklist.indicators) == 355)
        #expect(evidenceSum(checklist.indicators) == 2937)
        let owners = Set(checklist.indicators.flatMap { [$0.owner?.value] + $0.children.map(\.owner?.value) })
        #expect(owners.count == 80)
        #expect(owners.allSatisfy { $0?.hasPrefix("u") == true })
        let first = checklist.indicators[0]
        #expect(first.code.value == "M001")
        #expect(first.children.map(\.code.value) == ["M001-1", "M001-2", "M001-3"])
        #expect(first.children[0].title.value == "测评细则 M001-1，含“佐证”")
        #expect(first.children[0].due?.value == "08-10")
        #expect(first.children[0].code.location == SourceLocation(file: "indicators.csv", line: 3, column: 1))
        #expect(checklist.indicators[142].children.map(\.code.value) == ["M143-1", "M143-2"])
    }

    @Test("UTF-8 with a BOM and GB18030 read the same as plain UTF-8")
    func encodings() throws {
        let generated = GeneratedChecklist()
        let plain = try #require(loadGenerated(generated).plan)
        let withBOM = loadGenerated(generated, csv: [0xEF, 0xBB, 0xBF] + Array(generated.csv.utf8))
        #expect(withBOM.diagnostics == [])
        #expect(withBOM.plan?.checklists == plain.checklists)
        let gbBytes = gb18030(generated.csv)
        #expect(gbBytes.count > 0 && gbBytes.count < generated.csv.utf8.count)
        #expect(String(validating: gbBytes, as: UTF8.self) == nil)
        let gb = loadGenerated(generated, csv: gbBytes)
        #expect(gb.diagnostics == [])
        #expect(gb.plan?.checklists == plain.checklists)
        #expect(ChecklistCSV.rows(gbBytes, fileName: "x.csv").encoding == .gb18030)
        #expect(ChecklistCSV.rows([0xEF, 0xBB, 0xBF] + Array("编号,名称\n".utf8), fileName: "x.csv").encoding == .utf8BOM)
    }

    @Test("a malformed GBK file: every problem with its row, nothing imported")
    func malformedGBK() {
        let text = #"""
            编号,名称,负责人,责任单位,佐证材料数
            A,公共环境,张三,区文明办,3
            A-1,"道路""净化""",李四,wmb,两份
            A,重复的编号,王五,zz,1
            B,公共秩序,赵六,区综治办,2
            C,缺一列
            ,无编号,,wmb,1

            """#
        let bytes = gb18030(text)
        let result = ChecklistCSV.importChecklist(bytes, fileName: "bad.csv", into: emptyChecklist(), units: testUnits)
        #expect(result.checklist == nil)
        #expect(result.imported == 0)
        #expect(result.encoding == .gb18030)
        let messages = result.diagnostics.map(\.description)
        #expect(messages == [
            "bad.csv:1:7: error: row 1, column 3: unknown column '负责人' (accepted: 编号/code, 名称/title, 上级/parent, 层级/level, 责任单位/owner, 佐证材料数/evidence, 截止日期/due, 备注/notes)",
            "bad.csv:3:23: error: row 3, column 佐证材料数 (evidence): '两份' is not a whole number ≥ 0",
            "bad.csv:4:1: error: row 4, column 编号 (code): duplicate code 'A' (first in row 2)",
            "bad.csv:5:11: error: row 5, column 责任单位 (owner): unknown unit '区综治办' (known: wmb, zz)",
            "bad.csv:6:1: error: row 6: 2 fields, but the header has 5",
            "bad.csv:7:1: error: row 7, column 编号 (code): empty",
        ])
    }

    @Test("wrong columns: a header without 名称 stops the import at row 1")
    func missingColumn() {
        let result = ChecklistCSV.importChecklist(
            Array("code,owner\nA,wmb\n".utf8), fileName: "m.csv", into: emptyChecklist(), units: testUnits)
        #expect(result.checklist == nil)
        #expect(result.diagnostics.map(\.description) == ["m.csv:1:1: error: row 1: the header has no column 名称 (title)"])
    }

    @Test("bytes that are neither UTF-8 nor GB18030 name their line")
    func undecodable() {
        let bytes = Array("编号,名称\nA,好\n".utf8) + [0x80, 0x0A]
        let result = ChecklistCSV.importChecklist(bytes, fileName: "x.csv", into: emptyChecklist(), units: testUnits)
        #expect(result.checklist == nil)
        #expect(result.diagnostics.map(\.description) == [
            "x.csv:3:1: error: line 3: byte 0x80 at offset 20 is not valid UTF-8 (and the file does not read as GB18030/GBK either); the file may be damaged or in another encoding"
        ])
    }

    @Test("missing parents, parent cycles and declared totals")
    func treeErrors() {
        let text = """
            编号,名称,上级,责任单位
            A,甲,,wmb
            A-1,甲一,A,wmb
            B-1,乙一,B,zz
            X,循环一,Y,zz
            Y,循环二,X,zz

            """
        let result = ChecklistCSV.importChecklist(
            Array(text.utf8), fileName: "t.csv", into: emptyChecklist(totals: ["大项": 2, "小项": 2]), units: testUnits)
        #expect(result.checklist == nil)
        #expect(result.diagnostics.map(\.description) == [
            "t.csv:4:8: error: row 4, column 上级 (parent): parent 'B' is neither a row of the file nor an indicator of the plan (did you mean 'A'?)",
            "t.csv:5:7: error: row 5, column 上级 (parent): 'X' is part of a parent cycle",
            "t.csv:6:7: error: row 6, column 上级 (parent): 'Y' is part of a parent cycle",
            "error: checklist 'c' declares 2 大项 but its indicators add up to 1",
            "error: checklist 'c' declares 2 小项 but its indicators add up to 1",
        ])
    }

    @Test("RFC 4180 quoting: separators, line breaks and doubled quotes inside fields")
    func quoting() throws {
        let text = "code,title,notes\r\nA,\"one, two\",\"line 1\r\nline 2\"\r\nB,\"say \"\"hi\"\"\",\r\nC,plain \"quote\" inside,x"
        let result = ChecklistCSV.importChecklist(Array(text.utf8), fileName: "q.csv", into: emptyChecklist(), units: [])
        #expect(result.diagnostics == [])
        let indicators = try #require(result.checklist?.indicators)
        #expect(indicators.map(\.title.value) == ["one, two", "say \"hi\"", "plain \"quote\" inside"])
        #expect(indicators[0].notes?.value == "line 1\r\nline 2")
        #expect(indicators[1].code.location?.line == 4)
        #expect(indicators[2].notes?.value == "x")
        let unterminated = ChecklistCSV.rows(Array("code,title\nA,\"open\n".utf8), fileName: "u.csv")
        #expect(unterminated.diagnostics.map(\.description) == [
            "u.csv:2:3: error: row 2: a quoted field starting here never ends (missing closing \")"
        ])
        let junk = ChecklistCSV.rows(Array("code,title\nA,\"x\"y\n".utf8), fileName: "j.csv")
        #expect(junk.diagnostics.map(\.description) == [
            "j.csv:2:6: error: row 2: text after the closing quote of a field; a quote inside a quoted field is written twice (\"\")"
        ])
    }

    @Test("a level column builds the tree; dates are normalised; owners by name")
    func levels() throws {
        let text = """
            序号,测评内容,层级,牵头单位,完成时限,备注
            1,大项一,大项,区文明办,2027/8/10,
            1.1,小项,2,zz,8月5日,先报
            1.2,小项,小项,wmb,2027年7月1日,
            2,大项二,1,zz,,

            """
        let result = ChecklistCSV.importChecklist(
            Array(text.utf8), fileName: "l.csv", into: emptyChecklist(totals: ["大项": 2, "小项": 2]), units: testUnits)
        #expect(result.diagnostics == [])
        let indicators = try #require(result.checklist?.indicators)
        #expect(indicators.map(\.code.value) == ["1", "2"])
        #expect(indicators[0].owner?.value == "wmb")
        #expect(indicators[0].due?.value == "2027-08-10")
        #expect(indicators[0].children.map(\.code.value) == ["1.1", "1.2"])
        #expect(indicators[0].children.map { $0.due?.value } == ["08-05", "2027-07-01"])
        #expect(indicators[0].children[0].notes?.value == "先报")
        #expect(result.imported == 4)
        let orphan = ChecklistCSV.importChecklist(
            Array("编号,名称,层级\nA,x,2\n".utf8), fileName: "o.csv", into: emptyChecklist(), units: [])
        #expect(orphan.diagnostics.map(\.description) == ["o.csv:2:5: error: row 2, column 层级 (level): level 2 but no row of level 1 above it"])
    }

    @Test("CSV rows hang under indicators written in YAML; codes may not clash with them")
    func mixedWithYAML() throws {
        var checklist = emptyChecklist()
        checklist.indicators = [Indicator(code: Located("A"), title: Located("公共环境整治"), owner: Located("wmb"))]
        let ok = ChecklistCSV.importChecklist(
            Array("编号,名称,上级\nA-1,道路,A\nB,秩序,\n".utf8), fileName: "y.csv", into: checklist, units: testUnits)
        #expect(ok.diagnostics == [])
        let indicators = try #require(ok.checklist?.indicators)
        #expect(indicators.map(\.code.value) == ["A", "B"])
        #expect(indicators[0].children.map(\.code.value) == ["A-1"])
        let clash = ChecklistCSV.importChecklist(
            Array("编号,名称\nA,again\n".utf8), fileName: "y.csv", into: checklist, units: testUnits)
        #expect(clash.diagnostics.map(\.description) == [
            "y.csv:2:1: error: row 2, column 编号 (code): code 'A' is already an indicator of checklist 'c' in the plan"
        ])
    }

    @Test("a plan whose CSV has errors reports them and gets no indicators from it")
    func planWithBadCSV() throws {
        let generated = GeneratedChecklist(majors: 2, minors: 5, units: 3, evidence: 40)
        var csv = generated.csv
        csv += "M001-1,重复,M001,u01,1,,\r\n"
        let result = loadGenerated(generated, csv: Array(csv.utf8))
        #expect(result.hasErrors)
        #expect(result.diagnostics.map(\.description) == [
            "indicators.csv:9:1: error: row 9, column 编号 (code): duplicate code 'M001-1' (first in row 3)",
            "plan.yaml:22:13: error: checklist 'city': nothing imported from 'indicators.csv' because of the errors above",
        ])
        #expect(result.plan?.checklists.first?.indicators == [])
    }
}
