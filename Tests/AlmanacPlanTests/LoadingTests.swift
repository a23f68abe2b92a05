import Foundation
import Testing

@testable import AlmanacPlan

/// Loads a single file and returns its diagnostics as printed lines.
func diagnostics(_ text: String, file: String = "plan.yaml", options: ValidationOptions = ValidationOptions()) -> [String] {
    let result = PlanLoader.load(fileName: file, text: text)
    var all = result.diagnostics
    if let plan = result.plan { all += PlanValidator.validate(plan, options: options) }
    return PlanValidator.sorted(all).map(\.description)
}

let minimalHeader = """
    plan:
      id: test
      name: 测试计划
      years: [2027]
    units:
      wmb: {name: 区文明办, mail: [wmb@example.org]}

    """

@Suite struct LoadingTests {
    @Test func loadsAMinimalPlanWithPositions() throws {
        let text = minimalHeader + """
            items:
              - id: qingming
                kind: festival
                title: 清明节
                when: 清明
                owners: [wmb]
                remind: [-3wd, -1d]
            """
        let result = PlanLoader.load(fileName: "p.yaml", text: text)
        #expect(result.diagnostics.isEmpty)
        let plan = try #require(result.plan)
        #expect(plan.info.timezone.value == "Asia/Shanghai")
        #expect(plan.info.holidays.value == "cn")
        let item = try #require(plan.items.first)
        #expect(item.when?.value == "清明")
        #expect(item.when?.location == SourceLocation(file: "p.yaml", line: 11, column: 11))
        #expect(item.owners.first?.location == SourceLocation(file: "p.yaml", line: 12, column: 14))
        #expect(item.remind?.leads.map(\.value.description) == ["-3wd", "-1d"])
        #expect(plan.unit("wmb")?.name.value == "区文明办")
    }

    @Test func malformedYAMLIsAnErrorWithPosition() {
        let lines = diagnostics("plan:\n  id: [unclosed\n  name: x\n")
        #expect(lines.count == 1)
        #expect(lines[0].hasPrefix("plan.yaml:3:7: error: malformed YAML:"))
    }

    @Test func nonUTF8BytesAreRefused() {
        let bytes: [UInt8] = Array("plan:\n  id: ab".utf8) + [0xFF, 0xFE] + Array("\n".utf8)
        let result = PlanLoader.load([PlanSource(fileName: "bad.yaml", bytes: bytes)])
        #expect(result.plan == nil)
        #expect(
            result.diagnostics.map(\.description) == [
                "bad.yaml:2:9: error: file is not valid UTF-8: byte 0xFF at offset 14 (save the plan as UTF-8)"
            ])
    }

    @Test func hugeFilesAreRefusedBeforeParsing() {
        let bytes = [UInt8](repeating: 0x61, count: 17 << 20)
        let result = PlanLoader.load([PlanSource(fileName: "huge.yaml", bytes: bytes)])
        #expect(
            result.diagnostics.map(\.description) == [
                "huge.yaml:1:1: error: file is 17825792 bytes, larger than the limit of 16777216 bytes"
            ])
    }

    @Test func billionLaughsStopsAtTheNodeLimit() {
        var text = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
        for i in 1...10 {
            let refs = Array(repeating: "*a\(i - 1)", count: 10).joined(separator: ", ")
            text += "a\(i): &a\(i) [\(refs)]\n"
        }
        text += "plan: *a10\n"
        #expect(
            diagnostics(text, file: "lol.yaml") == [
                "lol.yaml:1:1: error: document expands to more than 2000000 nodes (YAML aliases that expand without bound?)"
            ])
    }

    @Test func aliasAsKeyIsRefused() {
        let text = "a: &a [x, x]\n? *a\n: 1\n"
        #expect(diagnostics(text, file: "k.yaml") == ["k.yaml:2:3: error: a YAML alias may not be used as a mapping key"])
    }

    @Test func refusedKeysAreLocatedInCharactersAfterChineseText() {
        #expect(
            diagnostics("a: &a [x]\n题目: {键: 1, *a: 2}\n", file: "k.yaml")
                == ["k.yaml:2:12: error: a YAML alias may not be used as a mapping key"])
        #expect(
            diagnostics("名字: x\n键们: {[甲, 乙]: 1}  # 注释 [a]: b\n", file: "k.yaml")
                == ["k.yaml:2:11: error: mapping keys must be plain text, not lists, mappings or '?' keys"])
    }

    @Test func collectionKeysAreRefusedBeforeTheyCanBeHashed() {
        var lol = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
        for i in 1...9 {
            lol += "a\(i): &a\(i) [" + Array(repeating: "*a\(i - 1)", count: 10).joined(separator: ", ") + "]\n"
        }
        let clock = ContinuousClock()
        var results: [[String]] = []
        let elapsed = clock.measure {
            results.append(diagnostics(lol + "[*a9]: 1\n", file: "k.yaml"))
            results.append(diagnostics(lol + "x: {[*a9, 1]: 2}\n", file: "k.yaml"))
            results.append(diagnostics(lol + "? [*a9]\n: 1\n", file: "k.yaml"))
        }
        #expect(
            results == [
                ["k.yaml:11:5: error: mapping keys must be plain text, not lists, mappings or '?' keys"],
                ["k.yaml:11:12: error: mapping keys must be plain text, not lists, mappings or '?' keys"],
                ["k.yaml:11:1: error: mapping keys must be plain text, not lists, mappings or '?' keys"],
            ])
        #expect(elapsed < .seconds(5))
    }

    @Test func mangledSampleTextNeverCrashes() throws {
        let name = "config/plans/zhalainuoer.yaml"
        let data = try #require(FileManager.default.contents(atPath: repositoryRoot.appendingPathComponent(name).path))
        let bytes = [UInt8](data)
        var generator = SystemRandomNumberGenerator()
        var seen = 0
        // Cut the file at many points and flip bytes; every outcome must be a plan or located diagnostics.
        for cut in stride(from: 0, to: bytes.count, by: max(1, bytes.count / 150)) {
            var mangled = Array(bytes[..<cut])
            if !mangled.isEmpty {
                let at = Int.random(in: 0..<mangled.count, using: &generator)
                mangled[at] = UInt8.random(in: 0...255, using: &generator)
            }
            let result = PlanLoader.load([PlanSource(fileName: "m.yaml", bytes: mangled)])
            if let plan = result.plan { _ = PlanValidator.validate(plan, options: ruleOptions) }
            #expect(result.diagnostics.allSatisfy { $0.location != nil })
            seen += 1
        }
        #expect(seen > 100)
    }

    @Test func deepNestingIsAnError() {
        let text = "plan: " + String(repeating: "[", count: 5000) + String(repeating: "]", count: 5000) + "\n"
        let lines = diagnostics(text, file: "deep.yaml")
        #expect(lines.count == 1)
        #expect(lines[0].hasPrefix("deep.yaml:1:"))
        #expect(lines[0].contains("error:"))
    }

    @Test func emptyFileSaysWhatIsMissing() {
        #expect(
            diagnostics("", file: "e.yaml") == [
                "e.yaml:1:1: error: no file defines the plan metadata ('plan:' with id, name and years)"
            ])
    }
}
