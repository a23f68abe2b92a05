import AlmanacCalendar
import AlmanacPlan
import AlmanacScheduler
import Foundation
import Logging

extension SchedulerService {
    /// The scheduler as the daemon runs it: the official holiday tables of the configured
    /// directory (its `cn` region), the configured delivery time and catch-up window, the plan's
    /// time zone, and plans expanded with `PlanOccurrences`.
    public static func make(controller: DaemonController, logger: Logger, mail: MailWiring? = nil) -> SchedulerService {
        let configuration = controller.initialConfiguration
        let settings = SchedulerSettings(configuration)
        let calendar = loadHolidays(settings.holidays, logger: logger)
        let mail = mail
            ?? MailWiring(
                configuration, logger: logger, doorbell: controller.mailDoorbell, robotDoorbell: controller.robotDoorbell,
                hub: controller.channels)
        let planner = PlannerConfiguration(
            timeZone: TimeZone(identifier: "Asia/Shanghai") ?? .gmt, deliveryTime: settings.deliveryTime,
            catchUpWindow: settings.catchUpWindow, digest: mail.digestPolicy)
        let core = SchedulerCore(
            configuration: planner, store: controller.store, workingDays: calendar, logger: logger,
            mail: mail.directory(addresses: [:], plan: nil))
        return SchedulerService(
            controller: controller, core: core, settings: settings, calendar: calendar,
            source: { plan, range, context in
                let expanded = PlanOccurrences.expand(plan, in: range, context: context)
                for problem in expanded.problems {
                    logger.warning(
                        "plan item has no reminders: its date rule cannot be expanded",
                        metadata: ["ALMANAC_ITEM": "\(problem.itemID)", "problem": "\(problem)"])
                }
                // A new plan (a reload): the override templates are read again too.
                mail.reloadTemplates()
                return (expanded.occurrences, mail.directory(addresses: expanded.addresses, plan: plan))
            },
            holidays: { loadHolidays($0, logger: logger) },
            logger: logger)
    }

    /// Every table of `directory/cn` (or of `directory` itself). Problems are logged and the
    /// calendar falls back to weekends only, so reminders keep going out.
    static func loadHolidays(_ directory: String, logger: Logger) -> WorkCalendar {
        do {
            let calendar = try HolidayDirectory.workCalendar(directory)
            logger.info("holiday tables loaded", metadata: ["ALMANAC_HOLIDAY_YEARS": "\(calendar.years.map(String.init).joined(separator: ","))"])
            return calendar
        } catch {
            logger.error("holiday tables unusable, working days are weekdays only", metadata: ["ALMANAC_HOLIDAYS": "\(directory)", "error": "\(error)"])
            return .weekendsOnly
        }
    }
}

/// Why the holiday tables of a directory cannot be used.
public struct HolidayDirectoryError: Error, Hashable, Sendable, CustomStringConvertible {
    public var directory: String
    public var detail: String
    public var description: String { "\(directory): \(detail)" }
}

/// The official holiday tables the daemon reads: every `*.txt` of `DIRECTORY/cn`, or of the
/// directory itself when it has no `cn`.
public enum HolidayDirectory {
    public static func workCalendar(_ directory: String) throws(HolidayDirectoryError) -> WorkCalendar {
        var region = (directory as NSString).appendingPathComponent("cn")
        var isDirectory: ObjCBool = false
        if !FileManager.default.fileExists(atPath: region, isDirectory: &isDirectory) || !isDirectory.boolValue {
            region = directory
        }
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: region) else {
            throw HolidayDirectoryError(directory: directory, detail: "holiday tables not found")
        }
        var files: [(name: String, bytes: [UInt8])] = []
        for name in names.filter({ $0.hasSuffix(".txt") }).sorted() {
            let path = (region as NSString).appendingPathComponent(name)
            if let data = FileManager.default.contents(atPath: path) { files.append((path, [UInt8](data))) }
        }
        do {
            return try HolidayTables.workCalendar(files: files)
        } catch {
            throw HolidayDirectoryError(directory: directory, detail: "\(error)")
        }
    }
}
