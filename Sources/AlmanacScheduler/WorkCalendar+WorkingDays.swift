import AlmanacCalendar

/// The official holiday calendar (weekends, holidays, 调休 make-up working days) is what the
/// daemon plans against.
extension WorkCalendar: WorkingDays {}
