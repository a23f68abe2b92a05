import AlmanacCalendar
import AlmanacControl
import Foundation

/// Human output of `cal`, `show` and `explain` as the daemon answers them.
extension ControlRender {
    /// The month grid (as offline `cal --plan` draws it), the legend, then the month's items with state.
    func cal(_ report: CalReport, lunar: Bool) -> String {
        let parts = report.month.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 2 else { return report.month }
        let days = report.days.map { day -> CalCommand.Day in
            CalCommand.Day(
                facts: DayFacts(date: day.date, kind: Self.dayKind(day), lunar: lunar ? day.lunar : nil),
                extra: .init(
                    starts: report.entries.filter { $0.date == day.date }.map(\.item),
                    running: report.entries.filter { entry in
                        guard let end = entry.endDate else { return false }
                        return entry.date < day.date && day.date <= end && entry.date.days(to: end) < CalGrid.longWindow
                    }.map(\.item)))
        }
        var lines = [CalGrid.render(year: parts[0], month: parts[1], days: days, lunar: lunar)]
        if !report.hasHolidayTable {
            lines.append(label(
                "注意：\(parts[0]) 年没有官方节假日安排表，休/班 标记缺失。",
                "Note: no official holiday table for \(parts[0]); 休/班 markers are missing."))
        }
        lines.append(label(
            "* 当天开始  ~ 活动进行中（一个月以内的活动）  休 法定节假日  班 调休上班",
            "* starts that day  ~ campaign running (up to a month)  休 official holiday  班 调休 working day"))
        guard !report.entries.isEmpty else { return lines.joined(separator: "\n") }
        lines.append("")
        var table = Table(header: [])
        for entry in report.entries {
            let when = entry.endDate.map { "\(entry.date.description.dropFirst(5))..\($0.description.dropFirst(5))" }
                ?? String(entry.date.description.dropFirst(5))
            table.add([when, entry.kind, entry.item, stateText(entry.state), entry.title], style: stateStyle(entry.state))
        }
        lines.append(table.render().split(separator: "\n", omittingEmptySubsequences: false).dropFirst().joined(separator: "\n"))
        return lines.joined(separator: "\n")
    }

    /// The calendar's day kind back from the wire form.
    static func dayKind(_ day: CalDay) -> DayKind {
        switch day.dayKind {
        case "holiday": .holiday(day.holiday ?? "")
        case "makeup-workday": .makeupWorkday(day.holiday ?? "")
        case "weekend": .weekend
        default: .workday
        }
    }

    /// The item's fields, then each occurrence with state, derivation and reminder days.
    func show(_ report: ShowReport) -> String {
        var lines = item(report.item)
        if report.occurrences.isEmpty {
            lines.append("")
            lines.append(label("所示年份没有日期。", "No occurrence in the years shown."))
        }
        for occurrence in report.occurrences {
            lines.append("")
            lines += self.occurrence(occurrence)
        }
        if report.more > 0 {
            lines.append("")
            lines.append(label("… 另有 \(report.more) 次（--limit 0 显示全部）", "… \(report.more) more occurrences (--limit 0 shows all)"))
        }
        let notes = missingTables(report.yearsWithoutHolidayTable)
        if !notes.isEmpty { lines += [""] + notes }
        return lines.joined(separator: "\n")
    }

    /// The occurrence in question with derivation, reminders and history (the daemon's records;
    /// offline there are none); or the ones around the date.
    func explain(_ report: ExplainReport) -> String {
        var lines = item(report.item)
        let notes = missingTables(report.yearsWithoutHolidayTable)
        lines.append("")
        guard let occurrence = report.occurrence else {
            if let date = report.date.map({ time.day($0) }) {
                lines.append(label("\(date) 不在 \(report.item.id) 的任何一次日期之内。", "\(date) is not within any occurrence of \(report.item.id)."))
            } else {
                lines.append(label(
                    "\(report.item.id) 近 30 天内没有未完成的日期，未来一年内也没有。",
                    "\(report.item.id) has no occurrence still open from the last 30 days and none in the coming year."))
            }
            if let previous = report.previous {
                lines.append(label("上一次：", "previous:"))
                lines += self.occurrence(previous).map { "  " + $0 }
            }
            if let next = report.next {
                lines.append(label("下一次：", "next:"))
                lines += self.occurrence(next).map { "  " + $0 }
            }
            if report.previous == nil && report.next == nil {
                lines.append(label("前后一年内都没有日期。", "No occurrence within a year either side."))
            }
            return (lines + notes).joined(separator: "\n")
        }
        lines += self.occurrence(occurrence)
        lines.append("  " + label("记录", "history") + ":")
        if report.history.isEmpty {
            lines.append("    " + label("尚未发送提醒，也没有记录。", "no reminder sent and nothing recorded yet"))
        }
        for entry in report.history {
            let party = entry.uid.map { "uid \($0)" } ?? entry.recipients.joined(separator: ",")
            let fields = [time.instant(entry.at), entry.event, entry.channel ?? "", party, entry.note ?? ""]
            lines.append("    " + fields.filter { !$0.isEmpty }.joined(separator: "  "))
        }
        return (lines + notes).joined(separator: "\n")
    }

    /// The item's header and fields, labelled by display width.
    func item(_ item: ItemSummary) -> [String] {
        var rows: [[String]] = []
        if let description = item.description { rows.append([label("说明", "description"), description]) }
        if let when = item.when {
            rows.append([label("日期规则", "when"), item.canonical.map { "\(when)  (= \($0))" } ?? when])
        }
        for phase in item.phases { rows.append([label("阶段", "phase"), phase]) }
        if !item.owners.isEmpty {
            rows.append([label("责任单位", "owners"), item.owners.map { "\($0.name) (\($0.id))" }.joined(separator: "、")])
        }
        var reminders = item.leads.isEmpty ? label("不提前提醒", "no leads") : item.leads.joined(separator: ", ")
        if let at = item.time { reminders += label("，\(at) 发送", ", at \(at)") }
        rows.append([label("提醒", "reminders"), reminders])
        let width = rows.map { DisplayWidth.of($0[0]) }.max() ?? 0
        return ["\(item.id)  \(item.kind)  \(item.title)"] + rows.map { "  " + DisplayWidth.padded($0[0], to: width) + "  " + $0[1] }
    }

    /// `2027-09-20 周一 八月二十 – 2027-10-10  工作日  未办  11个工作日后`, the derivation and the reminder days.
    func occurrence(_ detail: OccurrenceDetail) -> [String] {
        let entry = detail.entry
        var head = time.day(entry.date)
        if let lunar = entry.lunar { head += " " + lunar }
        if let at = detail.time { head += " " + at }
        if let end = entry.endDate { head += " – \(time.day(end))" }
        if detail.key != entry.item || detail.key.contains("/") { head += "  [\(detail.key)]" }
        let dayLabel = english ? detail.dayKind : detail.dayLabel
        let state = stateStyle(entry.state).map { $0(stateText(entry.state)) } ?? stateText(entry.state)
        head += "  \(dayLabel)  \(state)  \(time.relative(entry.date, workingDays: entry.workingDays))"
        if let note = entry.note, !note.isEmpty { head += label("（备注：\(note)）", " (note: \(note))") }
        var lines = [head]
        lines.append("  " + label("日期推算", "derivation") + ":")
        lines += detail.explanation.map { "    " + $0 }
        lines.append("  " + label("提醒日", "reminder days") + ":")
        if detail.reminders.isEmpty { lines.append("    " + label("无", "none")) }
        let leadWidth = detail.reminders.map { DisplayWidth.of($0.lead) }.max() ?? 0
        for reminder in detail.reminders {
            lines.append("    \(time.day(reminder.date))  \(DisplayWidth.padded(reminder.lead, to: leadWidth))  \(reminder.reason)")
        }
        return lines
    }
}
