import AlmanacCalendar

/// The one question the planner asks of a holiday calendar: is this civil date a working day?
///
/// `AlmanacCalendar.WorkCalendar` (weekends, official holidays and 调休 make-up working days)
/// conforms; the daemon passes it in. Keeping the boundary this narrow lets the planner be tested
/// against any arrangement of days off.
public protocol WorkingDays: Sendable {
    /// Whether `date` is a working day.
    func isWorkingDay(_ date: CivilDate) -> Bool
}

/// How far the planner searches for a working day before it gives up. A real calendar has a
/// working day every few days; only a broken table (every day off) reaches this bound.
let workingDaySearchLimit = 3_660

extension WorkingDays {
    /// The `count`-th working day strictly before (`count` < 0) or after (`count` > 0) `date`;
    /// `date` itself when `count` is 0. `nil` when the calendar has no such working day within
    /// ten years, which only a broken holiday table produces.
    public func workingDay(offset count: Int, from date: CivilDate) -> CivilDate? {
        if count == 0 { return date }
        let step = count < 0 ? -1 : 1
        var remaining = abs(count)
        var day = date
        var searched = 0
        while remaining > 0 {
            day = day.adding(days: step)
            searched += 1
            if searched > workingDaySearchLimit * max(1, remaining) { return nil }
            if isWorkingDay(day) { remaining -= 1 }
        }
        return day
    }

    /// `date` when it is a working day, otherwise the nearest working day before it.
    public func workingDayOnOrBefore(_ date: CivilDate) -> CivilDate? {
        isWorkingDay(date) ? date : workingDay(offset: -1, from: date)
    }

    /// `date` when it is a working day, otherwise the nearest working day after it.
    public func workingDayOnOrAfter(_ date: CivilDate) -> CivilDate? {
        isWorkingDay(date) ? date : workingDay(offset: 1, from: date)
    }
}
