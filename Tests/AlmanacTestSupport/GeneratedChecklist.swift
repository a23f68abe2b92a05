/// A generated checklist shaped like the 全国文明城市复检: `majors` 大项 and `minors` 小项 over
/// `units` responsible units, as CSV text and the matching plan YAML. Deterministic, so tests can
/// state exact expectations.
///
/// Shape: 大项 `M001`… each own 2 小项 (`M001-1`, `M001-2`), the first `minors - 2 * majors` 大项 a
/// third. 小项 number k (1-based, file order) is owned by unit `u((k - 1) % units + 1)`; 大项 m by
/// unit `u((m - 1) % units + 1)`. Evidence: 8 per 小项, 9 for the first `evidence - 8 * minors`.
/// Owners are written as unit names (`单位07`) on even rows and as ids (`u07`) on odd rows.
public struct GeneratedChecklist: Sendable {
    public var majors: Int
    public var minors: Int
    public var units: Int
    public var evidence: Int
    public var due: String

    public init(majors: Int = 143, minors: Int = 355, units: Int = 80, evidence: Int = 2937, due: String = "08-10") {
        self.majors = majors
        self.minors = minors
        self.units = units
        self.evidence = evidence
        self.due = due
    }

    /// `u07`.
    public static func unitID(_ n: Int) -> String { n < 10 ? "u0\(n)" : "u\(n)" }
    /// `单位07`.
    public static func unitName(_ n: Int) -> String { n < 10 ? "单位0\(n)" : "单位\(n)" }

    /// One 小项 of the file.
    public struct Minor: Sendable, Hashable {
        public var code: String
        public var major: String
        public var owner: String
        public var evidence: Int
    }

    /// `M007`.
    public static func majorCode(_ m: Int) -> String {
        m < 10 ? "M00\(m)" : (m < 100 ? "M0\(m)" : "M\(m)")
    }

    /// Every 小项 in file order.
    public var minorItems: [Minor] {
        var result: [Minor] = []
        let extra = minors - 2 * majors
        let extraEvidence = evidence - 8 * minors
        for m in 1...majors {
            let count = 2 + (m <= extra ? 1 : 0)
            for j in 1...count {
                let k = result.count + 1
                result.append(Minor(
                    code: "\(Self.majorCode(m))-\(j)", major: Self.majorCode(m), owner: Self.unitID((k - 1) % units + 1),
                    evidence: 8 + (k <= extraEvidence ? 1 : 0)))
            }
        }
        return result
    }

    /// The CSV text (UTF-8, header in Chinese, a parent column).
    public var csv: String {
        var lines = ["编号,名称,上级,责任单位,佐证材料数,截止日期,备注"]
        let minorsByMajor = Dictionary(grouping: minorItems, by: \.major)
        var row = 1
        func owner(_ id: String) -> String {
            row += 1
            guard row % 2 == 0, let n = Int(id.dropFirst()) else { return id }
            return Self.unitName(n)
        }
        for m in 1...majors {
            let code = Self.majorCode(m)
            lines.append("\(code),第\(m)项测评内容,,\(owner(Self.unitID((m - 1) % units + 1))),,,")
            for minor in minorsByMajor[code] ?? [] {
                lines.append("\(minor.code),\"测评细则 \(minor.code)，含“佐证”\",\(code),\(owner(minor.owner)),\(minor.evidence),\(due),")
            }
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    /// A plan with the units, an item due on `due` and the checklist reading `indicators.csv`.
    public func planYAML(year: Int = 2027) -> String {
        var text = """
            plan:
              id: generated
              name: 生成的测评计划
              years: [\(year)]
            units:

            """
        for n in 1...units {
            text += "  \(Self.unitID(n)): {name: \(Self.unitName(n)), mail: [\(Self.unitID(n))@example.org], leader: {name: \(Self.unitName(n))负责人, mail: \(Self.unitID(n))-leader@example.org}}\n"
        }
        text += """
            items:
              - id: materials
                kind: deadline
                title: 测评材料上报
                when: \(due)
                owners: [u01]
                checklist: city
            checklists:
              city:
                title: 创城复检责任指标
                item: materials
                levels: [大项, 小项]
                totals: {大项: \(majors), 小项: \(minors)}
                source: indicators.csv

            """
        return text
    }
}
