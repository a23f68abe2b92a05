/// The festivals a plan can name, and their dates in any year.
///
/// `FestivalCatalog.standard` holds the traditional lunar festivals, the 24 solar terms, and the
/// national and international days Chinese offices observe; a plan adds its own with `adding(_:)`.
/// Names are looked up by id, Chinese or English name, or alias: 中秋 = 中秋节 = mid-autumn.
public struct FestivalCatalog: Sendable {
    /// The festivals, in catalog order (the order listings use for days with several festivals).
    public let festivals: [Festival]
    /// The calendar used for lunar festivals and solar terms.
    public let calendar: ChineseCalendar

    /// Normalized name → index into `festivals`; later festivals win.
    private let index: [String: Int]
    /// Whether a name of the index is ASCII and starts with a digit (119消防日 is not ASCII):
    /// when none is, a word that is (05-01, 2026-10-01: most of a plan's dates) names no
    /// festival, without normalizing and hashing it. Normalizing an ASCII name keeps it ASCII and
    /// keeps a leading digit.
    private let asciiNamesStartWithDigits: Bool

    public init(festivals: [Festival], calendar: ChineseCalendar = .standard) {
        self.festivals = festivals
        self.calendar = calendar
        var index: [String: Int] = [:]
        for (i, festival) in festivals.enumerated() {
            for name in [festival.id, festival.chineseName, festival.englishName] + festival.aliases {
                index[OfficialHoliday.normalize(name)] = i
            }
        }
        self.index = index
        asciiNamesStartWithDigits = index.keys.contains(where: Self.isASCIIStartingWithDigit)
    }

    /// The built-in catalog.
    public static let standard = FestivalCatalog(festivals: StandardFestivals.all)

    /// The festival named `name` (id, Chinese or English name, alias), or `nil`. Festivals added
    /// later win over earlier ones with the same name.
    public func festival(named name: String) -> Festival? {
        if !asciiNamesStartWithDigits, Self.isASCIIStartingWithDigit(name) { return nil }
        return index[OfficialHoliday.normalize(name)].map { festivals[$0] }
    }

    private static func isASCIIStartingWithDigit(_ name: String) -> Bool {
        guard let first = name.utf8.first, (0x30...0x39).contains(first) else { return false }
        return name.utf8.allSatisfy { $0 < 0x80 }
    }

    /// The name of the catalog closest to `name` when `name` looks like a typo of it (`中球` →
    /// `中秋`), as the rule parser suggests it.
    public func suggestion(for name: String) -> String? {
        let major = festivals.filter { $0.officialHoliday != nil }
        let rest = festivals.filter { $0.officialHoliday == nil }
        return closest(to: name, among: (major + rest).flatMap { [$0.chineseName] + $0.aliases + [$0.id] })
    }

    /// A catalog with `custom` festivals added. A custom festival with the id of an existing one
    /// replaces it.
    public func adding(_ custom: [Festival]) -> FestivalCatalog {
        let ids = Set(custom.map(\.id))
        return FestivalCatalog(festivals: festivals.filter { !ids.contains($0.id) } + custom, calendar: calendar)
    }

    /// The date of `festival` in the Gregorian year `year`. For a lunar festival that falls twice or
    /// not at all in a Gregorian year (腊八 can fall in late December), the first occurrence, or
    /// `noSuchDate`. 除夕 2026 is 2026-02-16 (the last day of the lunar year that began in 2025).
    public func date(of festival: Festival, year: Int) throws(CalendarError) -> CivilDate {
        let all = try dates(of: festival, year: year)
        guard let first = all.first else {
            throw CalendarError(.noSuchDate, "\(festival.chineseName) (\(festival.ruleDescription)) does not fall in \(year)")
        }
        return first
    }

    /// Every date of `festival` in the Gregorian year `year` (usually one).
    public func dates(of festival: Festival, year: Int) throws(CalendarError) -> [CivilDate] {
        guard (-100_000...100_000).contains(year) else {
            throw CalendarError(.outOfRange, "year \(year) is out of range for festival dates")
        }
        if festival.usesChineseCalendar, !ChineseCalendar.supportedYears.contains(year) {
            throw ChineseCalendar.outOfRange("year \(year)")
        }
        switch festival.kind {
        case .fixed(let month, let day):
            guard let date = CivilDate(year: year, month: month, day: day) else {
                // 2月29日 outside leap years: no date that year.
                if month == 2 && day == 29 { return [] }
                throw CalendarError(.noSuchDate, "\(festival.chineseName): there is no day \(month)月\(day)日")
            }
            return [date]
        case .nthWeekday(let month, let weekday, let n):
            guard (1...12).contains(month), n != 0, (-5...5).contains(n),
                let first = CivilDate(year: year, month: month, day: 1)
            else {
                throw CalendarError(.noSuchDate, "\(festival.chineseName): no such weekday rule (\(festival.ruleDescription))")
            }
            let days = (first...first.endOfMonth).filter { $0.weekday == weekday }
            let index = n > 0 ? n - 1 : days.count + n
            return days.indices.contains(index) ? [days[index]] : []
        case .lunar(let month, let day):
            guard (1...12).contains(month), (1...30).contains(day) else {
                throw CalendarError(.noSuchDate, "\(festival.chineseName): there is no lunar date \(month)月\(day)日")
            }
            return try lunarOccurrences(in: year) { lunarYear throws(CalendarError) in
                do throws(CalendarError) {
                    return try calendar.civilDate(lunarYear: lunarYear, month: month, day: day)
                } catch where error.code == .noSuchDate {
                    return nil  // day 30 of a 29-day month: none that year
                }
            }
        case .lunarMonthEnd(let month):
            guard (1...12).contains(month) else {
                throw CalendarError(.noSuchDate, "\(festival.chineseName): there is no lunar month \(month)")
            }
            return try lunarOccurrences(in: year) { lunarYear throws(CalendarError) in
                if month == 12 { return try calendar.lastDayOfTwelfthMonth(lunarYear: lunarYear) }
                let length = try calendar.length(ofMonth: month, lunarYear: lunarYear)
                return try calendar.civilDate(lunarYear: lunarYear, month: month, day: length)
            }
        case .solarTerm(let term):
            return [try calendar.date(of: term, year: year)]
        }
    }

    /// The dates, in Gregorian year `year`, of a lunar day of the lunar years that overlap it.
    private func lunarOccurrences(
        in year: Int, _ date: (Int) throws(CalendarError) -> CivilDate?
    ) throws(CalendarError) -> [CivilDate] {
        var result: [CivilDate] = []
        for lunarYear in [year - 1, year] {
            // `year` is supported (checked by the caller), so a lunar day outside the range
            // (lunar year 1799 before 1800, the end of lunar year 2200 in 2201) is not in `year`.
            let found: CivilDate?
            do throws(CalendarError) {
                found = try date(lunarYear)
            } catch where error.code == .outOfRange {
                found = nil
            }
            if let found, found.year == year { result.append(found) }
        }
        return result.sorted()
    }

    /// Every festival of the catalog that falls in `year`, sorted by date and then catalog order.
    /// Days not yet observed that year (`observedSince`) and festivals that cannot be computed for that year (outside the calendar's supported range)
    /// are left out.
    public func festivals(in year: Int) -> [(Festival, CivilDate)] {
        var result: [(Festival, CivilDate, Int)] = []
        for (index, festival) in festivals.enumerated() where festival.isObserved(in: year) {
            guard let dates = try? dates(of: festival, year: year) else { continue }
            for date in dates { result.append((festival, date, index)) }
        }
        return result.sorted { ($0.1, $0.2) < ($1.1, $1.2) }.map { ($0.0, $0.1) }
    }

    /// The festivals on a given day, in catalog order.
    public func festivals(on date: CivilDate) -> [Festival] {
        festivals(in: date.year).filter { $0.1 == date }.map(\.0)
    }

    /// The anniversary of the festival named `name` in `year`: 建党 2026 → 105 (建党一百零五周年).
    public func anniversary(of name: String, year: Int) -> Anniversary? {
        festival(named: name)?.anniversary(in: year)
    }
}
