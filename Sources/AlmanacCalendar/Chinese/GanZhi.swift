/// A term of the sexagenary cycle (干支): one of the 10 heavenly stems with one of the 12 earthly
/// branches of the same parity, 60 in all. 甲子 is index 0.
public struct GanZhi: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The heavenly stem, 0...9 (甲 乙 丙 丁 戊 己 庚 辛 壬 癸).
    public let stem: Int
    /// The earthly branch, 0...11 (子 丑 寅 卯 辰 巳 午 未 申 酉 戌 亥).
    public let branch: Int

    static let stems = ["甲", "乙", "丙", "丁", "戊", "己", "庚", "辛", "壬", "癸"]
    static let branches = ["子", "丑", "寅", "卯", "辰", "巳", "午", "未", "申", "酉", "戌", "亥"]
    static let animals = ["鼠", "牛", "虎", "兔", "龙", "蛇", "马", "羊", "猴", "鸡", "狗", "猪"]
    static let englishAnimals = ["Rat", "Ox", "Tiger", "Rabbit", "Dragon", "Snake", "Horse", "Goat",
                                 "Monkey", "Rooster", "Dog", "Pig"]

    /// The term at a position of the cycle; any integer is reduced modulo 60.
    public init(index: Int) {
        let i = ((index % 60) + 60) % 60
        stem = i % 10
        branch = i % 12
    }

    /// The term with a stem (0...9) and a branch (0...11), or nil when they do not pair (a stem
    /// and a branch of different parity never meet in the cycle).
    public init?(stem: Int, branch: Int) {
        guard (0...9).contains(stem), (0...11).contains(branch), stem % 2 == branch % 2 else { return nil }
        self.stem = stem
        self.branch = branch
    }

    init(validStem stem: Int, branch: Int) {
        self.stem = stem
        self.branch = branch
    }

    /// The position in the cycle, 0 (甲子) ... 59 (癸亥).
    public var index: Int {
        // The unique i in 0..<60 with i ≡ stem (mod 10) and i ≡ branch (mod 12).
        (6 * stem - 5 * branch + 60) % 60
    }

    /// "丙午".
    public var chineseName: String { GanZhi.stems[stem] + GanZhi.branches[branch] }

    /// The stem alone: "丙".
    public var stemName: String { GanZhi.stems[stem] }

    /// The branch alone: "午".
    public var branchName: String { GanZhi.branches[branch] }

    /// The zodiac animal (生肖) of the branch: "马".
    public var zodiac: String { GanZhi.animals[branch] }

    /// The zodiac animal in English: "Horse".
    public var englishZodiac: String { GanZhi.englishAnimals[branch] }

    public var description: String { chineseName }

    /// The 干支 of a lunar year (1984 甲子, 2026 丙午). The year changes at 正月初一.
    public static func year(_ lunarYear: Int) -> GanZhi { GanZhi(index: lunarYear - 1984) }

    /// The 干支 of a civil day (2000-01-01 戊午); days run through the cycle without a break.
    public static func day(_ date: CivilDate) -> GanZhi { GanZhi(index: date.dayNumber + 17) }
}
