import AlmanacCalendar
import AlmanacPlan
import AlmanacScheduler
import Foundation

/// The shipped sample plan (config/plans/zhalainuoer.yaml and the files it includes) expanded as
/// the daemon expands it, with the shipped official holiday tables as its working days: the plan
/// in force (its one expansion, ``PlanExpansion``) read through ``ScheduleInput``, as
/// `SchedulerCore.replan` gives it to the planner. Found from this file's place in the checkout.
enum SamplePlan {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static func occurrences(in range: ClosedRange<CivilDate>) -> (occurrences: ScheduledOccurrences, workingDays: WorkCalendar) {
        let file = root.appendingPathComponent("config/plans/zhalainuoer.yaml").path
        guard let data = FileManager.default.contents(atPath: file) else { return (ScheduledOccurrences([]), .weekendsOnly) }
        let resolve: IncludeResolver = { path, including throws(IncludeError) in
            let full = URL(fileURLWithPath: including).deletingLastPathComponent().appendingPathComponent(path).path
            guard let bytes = FileManager.default.contents(atPath: full) else { throw IncludeError("cannot read \(full)") }
            return PlanSource(fileName: full, bytes: [UInt8](bytes))
        }
        let loaded = PlanLoader.load([PlanSource(fileName: file, bytes: [UInt8](data))], resolve: resolve)
        guard let plan = loaded.plan, !loaded.hasErrors else {
            for diagnostic in loaded.diagnostics { print("SamplePlan: \(diagnostic)") }
            return (ScheduledOccurrences([]), .weekendsOnly)
        }
        let work = workCalendar()
        let inForce = PlanInForce(plan: plan, work: work, window: range, loadedAt: Date())
        for diagnostic in inForce.expansion.diagnostics { print("SamplePlan: \(diagnostic)") }
        return (ScheduleInput(inForce.expansion, plan: inForce.plan).occurrences, work)
    }

    static func workCalendar() -> WorkCalendar {
        let folder = root.appendingPathComponent("config/holidays/cn")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        let files = names.filter { $0.hasSuffix(".txt") }.sorted().compactMap { name -> (name: String, bytes: [UInt8])? in
            guard let data = FileManager.default.contents(atPath: folder.appendingPathComponent(name).path) else { return nil }
            return (name, [UInt8](data))
        }
        return (try? HolidayTables.workCalendar(files: files)) ?? .weekendsOnly
    }
}
