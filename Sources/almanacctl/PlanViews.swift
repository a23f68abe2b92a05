import AlmanacCalendar
import AlmanacPlan
import ArgumentParser
import Foundation

/// Chinese weekday names, Monday first.
enum ChineseWeekday {
    static func name(_ weekday: Weekday) -> String {
        switch weekday {
        case .monday: "周一"
        case .tuesday: "周二"
        case .wednesday: "周三"
        case .thursday: "周四"
        case .friday: "周五"
        case .saturday: "周六"
        case .sunday: "周日"
        }
    }
}

/// Parses `YYYY-MM-DD` arguments.
func civilDateArgument(_ text: String, name: String) throws -> CivilDate {
    guard let date = CivilDate(iso: text) else {
        throw ValidationError("\(name) must be a date like 2027-01-01, found '\(text)'")
    }
    return date
}

/// What the agenda and the month grid say about a day whatever the plan holds: weekday, official
/// day kind (holiday, 调休 working day...) and, on request, the lunar date. Encoded as flat fields
/// of the command's own day record.
struct DayFacts: Encodable {
    var date: CivilDate
    var weekday: String
    var dayKind: String
    var dayLabel: String
    var workingDay: Bool
    var lunar: String?

    init(date: CivilDate, kind: DayKind, lunar: String?) {
        self.date = date
        weekday = ChineseWeekday.name(date.weekday)
        dayKind = kind.code
        dayLabel = kind.chineseLabel
        workingDay = kind.isWorkingDay
        self.lunar = lunar
    }
}

/// A command's day record: the shared facts plus the command's own fields, read as `day.weekday`
/// and encoded side by side in one JSON object.
@dynamicMemberLookup
protocol DayRecord: Encodable {
    associatedtype Extra: Encodable
    var facts: DayFacts { get }
    var extra: Extra { get }
}

extension DayRecord {
    subscript<T>(dynamicMember keyPath: KeyPath<DayFacts, T>) -> T { facts[keyPath: keyPath] }
    subscript<T>(dynamicMember keyPath: KeyPath<Extra, T>) -> T { extra[keyPath: keyPath] }

    func encode(to encoder: any Encoder) throws {
        try facts.encode(to: encoder)
        try extra.encode(to: encoder)
    }
}
