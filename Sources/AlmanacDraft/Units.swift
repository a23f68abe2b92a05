/// A responsible unit the drafter recognises by name.
struct KnownUnit: Sendable {
    var id: String
    var name: String
    /// Spellings in documents, longest first when matched.
    var spellings: [String]
    /// Units above the district (市文明办, 中央文明办): listed as participants, not owners.
    var upper: Bool = false
}

/// The dictionary of units a district's 精神文明建设 documents name. Ids follow the sample plan
/// (config/plans/zhalainuoer/units.yaml) so a draft's units line up with it.
enum UnitDictionary {
    static let all: [KnownUnit] = [
        KnownUnit(id: "zywmb", name: "中央文明办", spellings: ["中央文明办"], upper: true),
        KnownUnit(id: "zzqwmw", name: "自治区文明委", spellings: ["自治区文明委"], upper: true),
        KnownUnit(id: "zzqwmb", name: "自治区文明办", spellings: ["自治区文明办"], upper: true),
        KnownUnit(id: "hlbewmb", name: "呼伦贝尔市文明办", spellings: ["呼伦贝尔市文明办"], upper: true),
        KnownUnit(id: "swmb", name: "满洲里市文明办", spellings: ["满洲里市文明办", "市文明办"], upper: true),
        KnownUnit(id: "swmw", name: "市文明委", spellings: ["市文明委", "上级文明委"], upper: true),
        KnownUnit(id: "wmw", name: "区文明委", spellings: ["区文明委", "文明委"]),
        KnownUnit(id: "wmb", name: "区文明办", spellings: ["扎赉诺尔区文明办", "扎区文明办", "区文明办", "文明办"]),
        KnownUnit(id: "xcb", name: "区委宣传部", spellings: ["区委宣传部", "宣传部"]),
        KnownUnit(id: "wl", name: "区文联", spellings: ["区文联", "文联"]),
        KnownUnit(id: "whzx", name: "文化事业发展中心", spellings: ["文化事业发展中心"]),
        KnownUnit(id: "whjc", name: "文化稽查队（文管所）", spellings: ["文化稽查队", "文化稽查人员", "文化稽查", "稽查队", "文管所"]),
        KnownUnit(id: "jyj", name: "区教育局", spellings: ["区教育局", "教育局", "教育部门", "教育系统"]),
        KnownUnit(id: "tw", name: "团区委", spellings: ["团区委", "团委"]),
        KnownUnit(id: "fl", name: "区妇联", spellings: ["区妇联", "妇联"]),
        KnownUnit(id: "dx", name: "区委党校", spellings: ["区委党校", "党校"]),
        KnownUnit(id: "dst", name: "区电视台", spellings: ["区电视台", "电视台"]),
        KnownUnit(id: "jd", name: "各街道办事处（街道党工委、社区）", spellings: ["街道办事处", "街道党工委", "各街道", "街道社区"]),
        KnownUnit(id: "zz", name: "区综合治理办", spellings: ["综合治理", "综治办"]),
        KnownUnit(id: "wtzx", name: "社区文体活动中心", spellings: ["社区文体活动中心", "文体活动中心"]),
        KnownUnit(id: "gaj", name: "公安局", spellings: ["公安局", "公安分局", "派出所"]),
        KnownUnit(id: "wsj", name: "卫生局", spellings: ["卫生局", "卫健委", "卫生健康委"]),
        KnownUnit(id: "mzj", name: "民政局", spellings: ["民政局"]),
        KnownUnit(id: "scjgj", name: "市场监督管理局", spellings: ["市场监督管理局", "市场监管局", "工商局"]),
        KnownUnit(id: "cgj", name: "城管局", spellings: ["城管局", "城市管理局", "城管执法"]),
        KnownUnit(id: "jtj", name: "交通局", spellings: ["交通局", "交警大队", "交警"]),
        KnownUnit(id: "zzb", name: "组织部", spellings: ["区委组织部"]),
        KnownUnit(id: "gh", name: "总工会", spellings: ["区总工会", "总工会", "工会"]),
        KnownUnit(id: "kx", name: "科协", spellings: ["科协"]),
    ]

    struct Entry {
        var chars: [Character]
        var unit: KnownUnit
    }

    static let entries: [Entry] = all.flatMap { u in u.spellings.map { Entry(chars: Array($0), unit: u) } }
        .sorted { $0.chars.count > $1.chars.count }

    /// Spellings by their first character, longest first.
    static let byFirst: ScalarTable<[Entry]> = ScalarTable(Dictionary(grouping: entries) { $0.chars[0] })

    static let levelCharacters = ScalarSet("市县区州镇乡省")

    /// The first entry (in the dictionary's order) spelled at `c[i]` and ending by `end`; only a Han
    /// character opens one.
    static func entry(in c: [Character], at i: Int, end: Int) -> Entry? {
        guard DocumentScanner.isHan(c[i]) else { return nil }
        return byFirst[c[i]]?.first { i + $0.chars.count <= end && DocumentScanner.matches(c, i, $0.chars) }
    }

    /// Units of the dictionary that the document names with its own level before them (市委宣传部,
    /// 县委宣传部, 县文联 where the dictionary has 区委宣传部, 区文联): the document's spelling, so a city's or a
    /// county's unit is not read as the seed district's. Units in a frame (按照市委宣传部的部署) are left out.
    static func levelled(in c: [Character]) -> [(name: String, at: Int)] {
        let levels = levelCharacters
        var out: [(String, Int)] = []
        var i = 0
        while i < c.count {
            guard let e = entry(in: c, at: i, end: c.count) else {
                i += 1
                continue
            }
            var start = i
            if start >= 2, c[start - 1] == "委", levels.contains(c[start - 2]) {
                start -= 2
            } else if start >= 1, levels.contains(c[start - 1]) {
                start -= 1
            }
            let end = i + e.chars.count
            if start < i, !levels.contains(e.chars[0]), c[start] != "区", !UnitDictionary.inFrame(c, at: start, length: end - start) {
                out.append((String(c[start..<end]), start))
            }
            i = end
        }
        return out
    }

    /// Units named in `c[range]`, in order of first appearance, with the position of each.
    static func find(in c: [Character], range: Range<Int>) -> [(unit: KnownUnit, at: Int)] {
        var out: [(KnownUnit, Int)] = []
        var i = range.lowerBound
        while i < range.upperBound {
            if let e = entry(in: c, at: i, end: range.upperBound) {
                if !out.contains(where: { $0.0.id == e.unit.id }) { out.append((e.unit, i)) }
                i += e.chars.count
            } else {
                i += 1
            }
        }
        return out
    }
}
