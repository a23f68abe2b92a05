// Checklists at ten times the size of the 全国文明城市复检: 10,000 indicators (2,000 大项 with
// 4 小项 each) over 80 units, as a spreadsheet exports them (UTF-8 and GB18030). Measured: the
// CSV import (decode, parse, tree, validation), the progress view (totals overall and per unit
// with progress on every second indicator) and one reminder decision over the whole checklist.
import AlmanacCalendar
import AlmanacPlan
import AlmanacScheduler
import Benchmark
import Foundation

#if canImport(Glibc)
import Glibc
#endif

let majors = 2_000
let minorsPerMajor = 4
let unitCount = 80

func unitID(_ n: Int) -> String { n < 10 ? "u0\(n)" : "u\(n)" }

/// The CSV text: 大项 `M0001`, 小项 `M0001-1`…, owners cycling over the units, by name.
func checklistCSV() -> String {
    var lines = ["编号,名称,上级,责任单位,佐证材料数,截止日期,备注"]
    var k = 0
    for m in 1...majors {
        let code = "M" + String(repeating: "0", count: 4 - String(m).count) + String(m)
        lines.append("\(code),第\(m)项测评内容,,单位\(unitID(m % unitCount + 1)),,,")
        for j in 1...minorsPerMajor {
            k += 1
            lines.append("\(code)-\(j),\"测评细则 \(code)-\(j)，含“佐证材料”\",\(code),\(unitID(k % unitCount + 1)),8,2027-08-10,备注\(k)")
        }
    }
    return lines.joined(separator: "\r\n") + "\r\n"
}

func gb18030(_ text: String) -> [UInt8] {
    let cd = iconv_open("GB18030", "UTF-8")
    guard let cd, Int(bitPattern: cd) != -1 else { return [] }
    defer { iconv_close(cd) }
    var input = Array(text.utf8).map { CChar(bitPattern: $0) }
    var output = [CChar](repeating: 0, count: input.count * 2 + 8)
    let capacity = output.count
    var produced = 0
    input.withUnsafeMutableBufferPointer { inBuffer in
        output.withUnsafeMutableBufferPointer { outBuffer in
            var inPointer: UnsafeMutablePointer<CChar>? = inBuffer.baseAddress
            var inLeft = inBuffer.count
            var outPointer: UnsafeMutablePointer<CChar>? = outBuffer.baseAddress
            var outLeft = capacity
            _ = iconv(cd, &inPointer, &inLeft, &outPointer, &outLeft)
            produced = capacity - outLeft
        }
    }
    return output.prefix(produced).map { UInt8(bitPattern: $0) }
}

struct MondayToFriday: WorkingDays {
    func isWorkingDay(_ date: CivilDate) -> Bool { !date.weekday.isWeekend }
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .cpuTotal, .mallocCountTotal],
        scalingFactor: .one,
        maxDuration: .seconds(5),
        maxIterations: 50
    )

    let units = (1...unitCount).map { n in
        PlanUnit(id: Located(unitID(n)), name: Located("单位\(unitID(n))"))
    }
    let empty = Checklist(
        id: Located("big"), title: Located("一万项指标"), item: Located("materials"),
        levels: [Located("大项"), Located("小项")],
        totals: [Located("大项"): Located(majors), Located("小项"): Located(majors * minorsPerMajor)])
    let utf8 = Array(checklistCSV().utf8)
    let gbk = gb18030(checklistCSV())
    let imported = ChecklistCSV.importChecklist(utf8, fileName: "big.csv", into: empty, units: units)
    guard let checklist = imported.checklist, ChecklistCSV.importChecklist(gbk, fileName: "big.csv", into: empty, units: units).checklist == checklist
    else {
        print("ChecklistBenchmarks: the generated checklist does not import: \(imported.diagnostics.prefix(3))")
        return
    }
    var progress: [String: IndicatorProgress] = [:]
    let statuses: [IndicatorStatus] = [.inProgress, .submitted, .accepted, .rejected]
    for (i, leaf) in checklist.leaves.enumerated() where i % 2 == 0 {
        progress[leaf.code] = IndicatorProgress(code: leaf.code, status: statuses[(i / 2) % 4], evidence: 4)
    }
    let due = CivilDate(year: 2027, month: 8, day: 10)!
    let occurrence = OccurrenceID(itemID: "materials", date: due)
    let deadline = ChecklistDeadline(
        checklistID: "big", title: "一万项指标", occurrence: occurrence,
        indicators: checklist.leaves.map { DueIndicator(code: $0.code, title: $0.title, owner: $0.owner ?? "", due: due) })
    let zone = TimeZone(identifier: "Asia/Shanghai") ?? .gmt
    let planner = ChecklistReminderPlanner(
        deadlines: [deadline], configuration: PlannerConfiguration(timeZone: zone), workingDays: MondayToFriday())
    let statusByCode = progress.mapValues(\.status)
    let now = ZonedTime.instant(of: CivilDate(year: 2027, month: 7, day: 27)!, at: TimeOfDay(hour: 9, minute: 0)!, in: zone)

    Benchmark("Checklist: import 10,000 indicators from UTF-8 CSV") { _ in
        blackHole(ChecklistCSV.importChecklist(utf8, fileName: "big.csv", into: empty, units: units).imported)
    }

    Benchmark("Checklist: import 10,000 indicators from GB18030 CSV") { _ in
        blackHole(ChecklistCSV.importChecklist(gbk, fileName: "big.csv", into: empty, units: units).imported)
    }

    Benchmark("Checklist: progress view of 10,000 indicators (totals overall and per unit)") { _ in
        let summary = ChecklistSummary(checklist, progress: progress)
        blackHole(summary.units.count + summary.totals.finished)
    }

    Benchmark("Checklist: reminder decision over 10,000 indicators, 80 units") { _ in
        blackHole(planner.decide(progress: [occurrence: statusByCode], recorded: [], now: now).notices.count)
    }
}
