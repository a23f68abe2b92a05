import AlmanacCalendar
import AlmanacControl
import Testing

@testable import almanacctl

/// What almanacctl does with each error: the exit status scripts see and the hint people read.
@Suite struct ErrorReportTests {
    static let table: [(code: String, status: Int32, hint: String?)] = [
        ("bad_request", 1, nil),
        ("unsupported_version", 1, "is almanacctl newer than the running almanacd? Upgrade almanacd and restart it (systemctl restart almanacd)"),
        ("unknown_command", 1, "is almanacctl newer than the running almanacd? Upgrade almanacd and restart it (systemctl restart almanacd)"),
        ("unauthorized", 4, "run it as root (sudo almanacctl ...) or join the daemon's admin group (admin_group) and log in again"),
        ("not_found", 6, nil),
        ("invalid_plan", 1, nil),
        ("too_large", 1, "the request exceeds the daemon's line limit (the line above); shorten the note or arguments, or split a progress import into several files"),
        ("busy", 3, "the daemon is serving its maximum number of connections; try again shortly"),
        ("idle_timeout", 3, "the daemon closed the idle connection; try again"),
        ("unavailable", 1, "journalctl -u almanacd shows why"),
        ("internal", 1, "journalctl -u almanacd shows why"),
        ("some_future_code", 1, nil),
    ]

    @Test(arguments: table.indices)
    func serverErrorCodes(index: Int) {
        let row = Self.table[index]
        let error = ControlClientError.server(ControlError(ControlError.Code(row.code), "message"))
        #expect(DaemonOptions.exitStatus(for: error).rawValue == row.status)
        #expect(DaemonOptions.hint(for: error, english: true) == row.hint)
        #expect((DaemonOptions.hint(for: error, english: false) == nil) == (row.hint == nil))
    }

    @Test func clientSideFailures() {
        let unreachable = ControlClientError.unreachable(path: "/run/almanac/control.sock", reason: "No such file or directory")
        #expect(DaemonOptions.exitStatus(for: unreachable) == .unreachable)
        #expect(DaemonOptions.hint(for: unreachable, english: true) == nil)
        let timeout = ControlClientError.timeout(path: "/run/almanac/control.sock", seconds: 10)
        #expect(DaemonOptions.exitStatus(for: timeout) == .unreachable)
        #expect(DaemonOptions.hint(for: timeout, english: false) == "守护进程繁忙或已挂起：journalctl -u almanacd 查看日志，--timeout 可延长等待")
        #expect(DaemonOptions.exitStatus(for: .protocolViolation("not JSON")) == .badReply)
    }

    @Test func workingDayRelativeTimes() {
        let time = HumanTime(timeZone: RenderTests.shanghai, now: RenderTests.now, english: false)
        let english = HumanTime(timeZone: RenderTests.shanghai, now: RenderTests.now, english: true)
        let day = { (text: String) in CivilDate(iso: text)! }
        // RenderTests.now is Thursday 2027-04-01; the next Monday is 4 days and 2 working days away.
        #expect(time.relative(day("2027-04-05"), workingDays: 2) == "2个工作日后")
        #expect(english.relative(day("2027-04-05"), workingDays: 1) == "in 1 working day")
        #expect(english.relative(day("2027-03-26"), workingDays: -4) == "4 working days ago")
        #expect(time.relative(day("2027-04-02"), workingDays: 1) == "明天")
        // Only weekend days in between: calendar days.
        #expect(time.relative(day("2027-04-04"), workingDays: 1) == "1个工作日后")
        #expect(time.relative(day("2027-04-03"), workingDays: 0) == "2天后")
        #expect(english.relative(day("2027-04-03"), workingDays: nil) == "in 2 days")
    }
}
