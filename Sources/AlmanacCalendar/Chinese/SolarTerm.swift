/// The 24 solar terms (节气), in the order they fall in a Gregorian year (小寒 first, 冬至 last).
///
/// A term is the moment the sun's apparent geocentric longitude reaches a multiple of 15°;
/// its civil date is the day containing that moment in Beijing time (UTC+8).
public enum SolarTerm: Int, CaseIterable, Sendable, Codable {
    case xiaohan = 0, dahan, lichun, yushui, jingzhe, chunfen, qingming, guyu, lixia, xiaoman,
        mangzhong, xiazhi, xiaoshu, dashu, liqiu, chushu, bailu, qiufen, hanlu, shuangjiang,
        lidong, xiaoxue, daxue, dongzhi

    private static let chineseNames = [
        "小寒", "大寒", "立春", "雨水", "惊蛰", "春分", "清明", "谷雨", "立夏", "小满", "芒种", "夏至",
        "小暑", "大暑", "立秋", "处暑", "白露", "秋分", "寒露", "霜降", "立冬", "小雪", "大雪", "冬至",
    ]

    private static let englishNames = [
        "Minor Cold", "Major Cold", "Start of Spring", "Rain Water", "Awakening of Insects",
        "Spring Equinox", "Pure Brightness", "Grain Rain", "Start of Summer", "Grain Buds",
        "Grain in Ear", "Summer Solstice", "Minor Heat", "Major Heat", "Start of Autumn",
        "End of Heat", "White Dew", "Autumn Equinox", "Cold Dew", "Frost's Descent",
        "Start of Winter", "Minor Snow", "Major Snow", "Winter Solstice",
    ]

    /// The Chinese name, e.g. "清明".
    public var chineseName: String { SolarTerm.chineseNames[rawValue] }

    /// The English name, e.g. "Pure Brightness".
    public var englishName: String { SolarTerm.englishNames[rawValue] }

    /// The pinyin identifier, e.g. "qingming" (the case name).
    public var identifier: String { String(describing: self) }

    /// The sun's apparent longitude at the term, in degrees: 春分 0, 清明 15, 冬至 270.
    public var longitude: Double { Double((285 + 15 * rawValue) % 360) }

    /// Whether the term is a principal term (中气: 雨水, 春分, ... 冬至, 大寒), which decide the
    /// numbering of lunar months and the leap month.
    public var isPrincipal: Bool { rawValue % 2 == 1 }

    /// The term with a Chinese name ("清明"), or nil.
    public init?(chineseName: String) {
        guard let index = SolarTerm.chineseNames.firstIndex(of: chineseName) else { return nil }
        self.init(rawValue: index)
    }

    /// The term with a pinyin identifier ("qingming") or English name, case-insensitive, or nil.
    public init?(identifier: String) {
        let lowered = identifier.lowercased()
        guard let term = SolarTerm.allCases.first(where: {
            $0.identifier == lowered || $0.englishName.lowercased() == lowered
        }) else { return nil }
        self = term
    }
}
