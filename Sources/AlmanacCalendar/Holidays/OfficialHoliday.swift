/// One of the public holidays the State Council's yearly notice arranges (元旦, 春节, 清明节, 劳动节,
/// 端午节, 中秋节, 国庆节), or a one-off holiday a notice declares (the 2015 Victory Day).
public struct OfficialHoliday: Hashable, Sendable, Codable {
    /// Stable ASCII identifier: `new-year`, `spring-festival`, `qingming`, `labour-day`,
    /// `dragon-boat`, `mid-autumn`, `national-day`; a one-off holiday uses its Chinese name.
    public var id: String
    /// The name the notices use: 元旦, 春节, 清明节, 劳动节, 端午节, 中秋节, 国庆节.
    public var chineseName: String
    /// English name.
    public var englishName: String
    /// Other names that refer to the same holiday (清明, 五一, 中秋, 十一, ...).
    public var aliases: [String]

    public init(id: String, chineseName: String, englishName: String, aliases: [String] = []) {
        self.id = id
        self.chineseName = chineseName
        self.englishName = englishName
        self.aliases = aliases
    }

    public static let newYear = OfficialHoliday(
        id: "new-year", chineseName: "元旦", englishName: "New Year's Day", aliases: ["元旦节", "新年"])
    public static let springFestival = OfficialHoliday(
        id: "spring-festival", chineseName: "春节", englishName: "Spring Festival", aliases: ["春节假期", "过年"])
    public static let qingming = OfficialHoliday(
        id: "qingming", chineseName: "清明节", englishName: "Tomb-sweeping Day", aliases: ["清明", "Qingming"])
    public static let labourDay = OfficialHoliday(
        id: "labour-day", chineseName: "劳动节", englishName: "Labour Day",
        aliases: ["五一", "五一劳动节", "国际劳动节", "Labor Day", "May Day"])
    public static let dragonBoat = OfficialHoliday(
        id: "dragon-boat", chineseName: "端午节", englishName: "Dragon Boat Festival", aliases: ["端午"])
    public static let midAutumn = OfficialHoliday(
        id: "mid-autumn", chineseName: "中秋节", englishName: "Mid-autumn Festival", aliases: ["中秋"])
    public static let nationalDay = OfficialHoliday(
        id: "national-day", chineseName: "国庆节", englishName: "National Day", aliases: ["国庆", "十一"])

    /// The seven holidays of 《全国年节及纪念日放假办法》, in calendar order.
    public static let standard: [OfficialHoliday] = [
        .newYear, .springFestival, .qingming, .labourDay, .dragonBoat, .midAutumn, .nationalDay,
    ]

    /// Whether `name` names this holiday: its id, Chinese or English name, or an alias
    /// (case-insensitive for ASCII).
    public func matches(_ name: String) -> Bool {
        let key = OfficialHoliday.normalize(name)
        // A standard holiday's names are normalized once (the rule context asks every break of
        // every year's table for each standard holiday); any other holiday's here.
        if let index = OfficialHoliday.standardIndex[id], OfficialHoliday.standard[index] == self {
            return OfficialHoliday.standardNormalizedNames[index].contains(key)
        }
        return OfficialHoliday.names(of: self).contains(key)
    }

    /// Every name of `holiday`, normalized.
    private static func names(of holiday: OfficialHoliday) -> [String] {
        ([holiday.id, holiday.chineseName, holiday.englishName] + holiday.aliases).map(normalize)
    }

    /// Id → index into ``standard``.
    private static let standardIndex: [String: Int] = Dictionary(
        standard.enumerated().map { ($0.element.id, $0.offset) }, uniquingKeysWith: { first, _ in first })

    /// The normalized names of each of ``standard``.
    private static let standardNormalizedNames: [Set<String>] = standard.map { Set(names(of: $0)) }

    /// The standard holiday named `name` (id, Chinese, English or alias), or `nil`.
    public static func named(_ name: String) -> OfficialHoliday? {
        standardNames[normalize(name)].map { standard[$0] }
    }

    /// Normalized name → index into ``standard``; a name of two holidays is the first's (as
    /// `standard.first { $0.matches(name) }`). The rule parser looks names up for every rule.
    private static let standardNames: [String: Int] = {
        var names: [String: Int] = [:]
        for (index, holiday) in standard.enumerated() {
            for name in [holiday.id, holiday.chineseName, holiday.englishName] + holiday.aliases where names[normalize(name)] == nil {
                names[normalize(name)] = index
            }
        }
        return names
    }()

    /// Lowercased, trimmed, with `_` and spaces read as `-`, so `mid_autumn`, `Mid-Autumn` and
    /// `mid autumn` are one key.
    static func normalize(_ name: String) -> String {
        // Names the loop below would return unchanged: lowercase ASCII letters, digits and
        // punctuation other than `_`, and CJK ideographs (no case, no white space).
        if name.unicodeScalars.allSatisfy({ s in
            s.value < 0x80 ? s.value > 0x20 && s.value != 0x7F && s != "_" && !(0x41...0x5A).contains(s.value)
                : (0x4E00...0x9FFF).contains(s.value)
        }) {
            return name
        }
        let trimmed = name.unicodeScalars.drop { $0.properties.isWhitespace }
        let scalars = trimmed.reversed().drop { $0.properties.isWhitespace }.reversed()
        var out = String.UnicodeScalarView()
        for scalar in scalars {
            switch scalar {
            case "_", " ": out.append("-")
            case "\u{2019}": out.append("'")
            default: out.append(scalar)
            }
        }
        return String(out).lowercased()
    }
}
