import AlmanacCalendar
import AlmanacPlan
import AlmanacScheduler
import Foundation
import Logging

extension SchedulerService {
    /// The scheduler as the daemon runs it: the official holiday tables of the configured
    /// directory (its `cn` region), the configured delivery time and catch-up window, the plan's
    /// time zone, and plans expanded with `PlanOccurrences`.
    public static func make(controller: DaemonController, logger: Logger) -> SchedulerService {
        let configuration = controller.initialConfiguration
        let calendar = loadHolidays(configuration.holidays, logger: logger)
        let minutes = configuration.deliveryTime
        let planner = PlannerConfiguration(
            timeZone: TimeZone(identifier: "Asia/Shanghai") ?? .gmt,
            deliveryTime: ClockTime(hour: minutes / 60, minute: minutes % 60),
            catchUpWindow: Double(configuration.catchUp.components.seconds))
        let sender = configuration.mail.from
        let core = SchedulerCore(
            configuration: planner, store: controller.store, workingDays: calendar, logger: logger,
            mail: ReminderDispatcher.MailDirectory(addresses: [:], sender: sender))
        return SchedulerService(
            controller: controller, core: core,
            source: { plan, range in
                let expanded = PlanOccurrences.expand(plan, in: range)
                for problem in expanded.problems {
                    logger.warning(
                        "plan item has no reminders: its date rule cannot be expanded",
                        metadata: ["ALMANAC_ITEM": "\(problem.itemID)", "problem": "\(problem)"])
                }
                return (expanded.occurrences, ReminderDispatcher.MailDirectory(addresses: expanded.addresses, sender: sender))
            },
            logger: logger)
    }

    /// Every table of `directory/cn` (or of `directory` itself). Problems are logged and the
    /// calendar falls back to weekends only, so reminders keep going out.
    static func loadHolidays(_ directory: String, logger: Logger) -> WorkCalendar {
        var region = (directory as NSString).appendingPathComponent("cn")
        var isDirectory: ObjCBool = false
        if !FileManager.default.fileExists(atPath: region, isDirectory: &isDirectory) || !isDirectory.boolValue {
            region = directory
        }
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: region) else {
            logger.error("holiday tables not found, working days are weekdays only", metadata: ["ALMANAC_HOLIDAYS": "\(directory)"])
            return .weekendsOnly
        }
        var files: [(name: String, bytes: [UInt8])] = []
        for name in names.filter({ $0.hasSuffix(".txt") }).sorted() {
            let path = (region as NSString).appendingPathComponent(name)
            if let data = FileManager.default.contents(atPath: path) { files.append((path, [UInt8](data))) }
        }
        do {
            let calendar = try HolidayTables.workCalendar(files: files)
            logger.info("holiday tables loaded", metadata: ["ALMANAC_HOLIDAY_YEARS": "\(calendar.years.map(String.init).joined(separator: ","))"])
            return calendar
        } catch {
            logger.error("holiday tables invalid, working days are weekdays only", metadata: ["error": "\(error)"])
            return .weekendsOnly
        }
    }
}
