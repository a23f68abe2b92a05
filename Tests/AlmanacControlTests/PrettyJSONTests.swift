import AlmanacCalendar
import AlmanacControl
import Foundation
import Testing

/// almanacctl's `--json`, as `JSONEncoder` writes it.
private func encoderJSON<T: Encodable>(_ value: T) throws -> [UInt8] {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    return Array(try encoder.encode(value))
}

@Suite struct PrettyJSONTests {
    @Test func theAgendaIsWrittenAsTheEncoderWritesIt() throws {
        let day = try #require(CivilDate(iso: "2026-05-01"))
        var full = AgendaEntry(
            date: day, endDate: day.adding(days: 4), item: "may/day", title: "劳动节 \"五一\" \\ a/b\n\t\u{1}\u{1f}\u{7f}\u{2028}",
            kind: "festival", owners: ["wmb", "区文明办"], state: .overdue, lunar: "三月十五", note: "note\r\u{8}\u{c}",
            id: "may@2026-05-01", time: "09:00")
        full.workingDays = -3
        full.edition = "第二十三届"
        full.participants = []
        full.dateSource = "official"
        let bare = AgendaEntry(date: day, item: "x", title: "", kind: "task", owners: [], state: .open)
        let reports = [
            AgendaReport(from: day, to: day, entries: []),
            AgendaReport(from: day, to: day.adding(days: 30), entries: [full, bare], plan: "计划", yearsWithoutHolidayTable: [2027, 2028]),
            AgendaReport(from: day, to: day, entries: [bare], yearsWithoutHolidayTable: []),
        ]
        for report in reports {
            #expect(report.prettyJSON() == (try encoderJSON(report)))
        }
    }
}
