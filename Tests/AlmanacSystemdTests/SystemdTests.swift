import Foundation
import Glibc
import Logging
import Testing

@testable import AlmanacSystemd

/// A bound `AF_UNIX` datagram socket standing in for systemd's notify socket.
final class NotifySocket {
    let path: String
    let fd: Int32

    init() throws {
        path = NSTemporaryDirectory() + "almanac-notify-\(UUID().uuidString.prefix(8)).sock"
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            let bytes = Array(path.utf8)
            raw.copyBytes(from: bytes.prefix(raw.count - 1))
        }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        if result != 0 { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EINVAL) }
        var timeout = timeval(tv_sec: 2, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    /// The next datagram, or nil after the timeout.
    func receive() -> String? {
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = recv(fd, &buffer, buffer.count, 0)
        guard count > 0 else { return nil }
        return String(decoding: buffer[0..<count], as: UTF8.self)
    }

    deinit {
        close(fd)
        unlink(path)
    }
}

@Suite("systemd integration", .serialized)
struct SystemdTests {
    @Test func notifyMessagesReachTheNotifySocket() throws {
        let socket = try NotifySocket()
        setenv("NOTIFY_SOCKET", socket.path, 1)
        defer { unsetenv("NOTIFY_SOCKET") }
        let notifier = SystemdNotifier()

        #expect(notifier.ready(status: "plan 扎赉诺尔区 loaded\nsecond line"))
        #expect(socket.receive() == "READY=1\nSTATUS=plan 扎赉诺尔区 loaded second line")

        #expect(notifier.status("3 reminders due"))
        #expect(socket.receive() == "STATUS=3 reminders due")

        let before = SystemdNotifier.monotonicMicroseconds()
        #expect(notifier.reloading())
        let reloading = try #require(socket.receive())
        let lines = reloading.split(separator: "\n").map(String.init)
        #expect(lines.count == 2)
        #expect(lines.first == "RELOADING=1")
        let usec = try #require(lines.last.flatMap { $0.hasPrefix("MONOTONIC_USEC=") ? UInt64($0.dropFirst(15)) : nil })
        #expect(usec >= before)
        #expect(usec <= SystemdNotifier.monotonicMicroseconds())

        #expect(notifier.stopping(status: "stopping"))
        #expect(socket.receive() == "STOPPING=1\nSTATUS=stopping")
        #expect(notifier.watchdog())
        #expect(socket.receive() == "WATCHDOG=1")
    }

    @Test func notifyIsANoOpWithoutTheNotifySocket() {
        unsetenv("NOTIFY_SOCKET")
        #expect(SystemdNotifier().ready() == false)
    }

    @Test func theWatchdogIntervalIsHalfOfWatchdogUsec() {
        setenv("WATCHDOG_USEC", "4000000", 1)
        setenv("WATCHDOG_PID", "\(getpid())", 1)
        defer {
            unsetenv("WATCHDOG_USEC")
            unsetenv("WATCHDOG_PID")
        }
        #expect(SystemdNotifier().watchdogPingInterval() == .seconds(2))
        // Meant for another process: not ours to ping.
        setenv("WATCHDOG_PID", "\(getpid() + 1)", 1)
        #expect(SystemdNotifier().watchdogPingInterval() == nil)
        unsetenv("WATCHDOG_USEC")
        #expect(SystemdNotifier().watchdogPingInterval() == nil)
    }

    @Test func withoutListenFDsThereIsNothingToAdopt() throws {
        unsetenv("LISTEN_FDS")
        unsetenv("LISTEN_PID")
        #expect(try SocketActivation.adoptListeningSocket() == nil)
        // Sockets meant for another process are not ours either.
        setenv("LISTEN_FDS", "1", 1)
        setenv("LISTEN_PID", "\(getpid() + 1)", 1)
        #expect(try SocketActivation.adoptListeningSocket() == nil)
        #expect(getenv("LISTEN_FDS") == nil)
    }

    @Test func onlyAListeningUnixStreamSocketQualifies() throws {
        let path = NSTemporaryDirectory() + "almanac-listen-\(UUID().uuidString.prefix(8)).sock"
        defer { unlink(path) }
        let stream = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(stream) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in raw.copyBytes(from: Array(path.utf8)) }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(stream, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        #expect(bound == 0)
        #expect(SocketActivation.isUnixStreamListener(stream) == false)
        #expect(listen(stream, 8) == 0)
        #expect(SocketActivation.isUnixStreamListener(stream))
        let datagram = try NotifySocket()
        #expect(SocketActivation.isUnixStreamListener(datagram.fd) == false)
        var pipeFDs: [Int32] = [0, 0]
        #expect(pipe(&pipeFDs) == 0)
        #expect(SocketActivation.isUnixStreamListener(pipeFDs[0]) == false)
        close(pipeFDs[0])
        close(pipeFDs[1])
    }
}

@Suite("journald log handler")
struct JournalLogHandlerTests {
    @Test(arguments: [
        ("ALMANAC_ITEM", "ALMANAC_ITEM"),
        ("item.id", "ITEM_ID"),
        ("almanac.lead-time", "ALMANAC_LEAD_TIME"),
        ("_SYSTEMD_UNIT", "SYSTEMD_UNIT"),
        ("1st", "ST"),
        ("unit.负责单位", "UNIT_____"),
    ])
    func metadataKeysBecomeJournalFieldNames(key: String, field: String) {
        #expect(JournalLogHandler.journalFieldName(key) == field)
    }

    @Test func unusableKeysAreDropped() {
        #expect(JournalLogHandler.journalFieldName("") == nil)
        #expect(JournalLogHandler.journalFieldName("__") == nil)
        #expect(JournalLogHandler.journalFieldName("负责单位") == nil)
        #expect(JournalLogHandler.journalFieldName(String(repeating: "a", count: 80))?.count == 64)
    }

    @Test func nativeFieldsCarryMessagePriorityAndMetadata() {
        let fields = JournalLogHandler.journalFields(
            level: .notice, message: "提醒：向国旗敬礼", metadata: ["ALMANAC_ITEM": "flag-salute", "MESSAGE": "spoof", "lead": "10wd"],
            identifier: "almanacd", logger: "almanac.scheduler", file: "S.swift", function: "f()", line: 7)
        #expect(fields == [
            "MESSAGE=提醒：向国旗敬礼", "PRIORITY=5", "SYSLOG_IDENTIFIER=almanacd", "CODE_FILE=S.swift", "CODE_LINE=7",
            "CODE_FUNC=f()", "ALMANAC_LOGGER=almanac.scheduler", "ALMANAC_ITEM=flag-salute", "LEAD=10wd",
        ])
    }

    @Test(arguments: [
        (Logger.Level.trace, 7), (.debug, 7), (.info, 6), (.notice, 5), (.warning, 4), (.error, 3), (.critical, 2),
    ])
    func levelsMapToSyslogPriorities(level: Logger.Level, priority: Int) {
        #expect(JournalLogHandler.priority(of: level) == priority)
    }

    @Test func linesArePrefixedWithThePriority() throws {
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        defer { close(fds[0]) }
        var logger = Logger(label: "almanac.test") { label in
            JournalLogHandler(label: label, destination: .lines(fileDescriptor: fds[1]))
        }
        logger[metadataKey: "ALMANAC_ITEM"] = "flag-salute"
        logger.warning("plan reload failed\nsee above", metadata: ["reason": "plan.yaml:3:1: error: x y"])
        logger.debug("not shown at the default level")
        close(fds[1])
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = read(fds[0], &buffer, buffer.count)
        let text = String(decoding: buffer[0..<max(count, 0)], as: UTF8.self)
        #expect(text == "<4>plan reload failed\\nsee above ALMANAC_ITEM=flag-salute REASON=\"plan.yaml:3:1: error: x y\"\n")
    }

    /// A plan author controls titles, unit names and notes: CR LF (or any control character) in
    /// them must not start a line of its own in the log, nor fake a field.
    @Test func controlCharactersInValuesCannotForgeLogLines() throws {
        let title = "国庆值班\r\nBcc: evil@x\n<3>forged"
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        defer { close(fds[0]) }
        let logger = Logger(label: "almanac.test") { label in
            JournalLogHandler(label: label, destination: .lines(fileDescriptor: fds[1]))
        }
        logger.notice("提醒：\(title)", metadata: [
            "ALMANAC_TITLE": "\(title)", "ALMANAC_NOTE": "a \"b\" \\ \u{1B}[31m\u{7F}\u{0}", "ALMANAC_UNIT": "x\ty ZZ=1",
        ])
        close(fds[1])
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = read(fds[0], &buffer, buffer.count)
        let text = String(decoding: buffer[0..<max(count, 0)], as: UTF8.self)
        #expect(text == #"<5>提醒：国庆值班\r\nBcc: evil@x\n<3>forged ALMANAC_NOTE="a \"b\" \\ \x1b[31m\x7f\x00" ALMANAC_TITLE="国庆值班\r\nBcc: evil@x\n<3>forged" ALMANAC_UNIT="x\ty ZZ=1""# + "\n")
        #expect(text.split(separator: "\n").count == 1)
        #expect(!text.contains("\r"))

        let fields = JournalLogHandler.journalFields(
            level: .notice, message: "提醒：\(title)", metadata: ["ALMANAC_TITLE": "\(title)"],
            identifier: "almanacd", logger: "almanac.scheduler", file: "S.swift", function: "f()", line: 7)
        #expect(fields.first == #"MESSAGE=提醒：国庆值班\r\nBcc: evil@x\n<3>forged"#)
        #expect(fields.last == #"ALMANAC_TITLE=国庆值班\r\nBcc: evil@x\n<3>forged"#)
        for field in fields {
            #expect(!field.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F }, "\(field)")
        }
        #expect(JournalLogHandler.escaped("春节\u{2028}x\u{85}") == "春节\\u{2028}x\\x85")
    }

    @Test func journalStreamMustMatchTheDescriptor() throws {
        let path = NSTemporaryDirectory() + "almanac-stream-\(UUID().uuidString.prefix(8))"
        #expect(FileManager.default.createFile(atPath: path, contents: Data()))
        defer { unlink(path) }
        let fd = open(path, O_WRONLY)
        defer { close(fd) }
        var info = stat()
        #expect(fstat(fd, &info) == 0)
        #expect(JournalLogHandler.streamMatches("\(info.st_dev):\(info.st_ino)", fileDescriptor: fd))
        #expect(JournalLogHandler.streamMatches("\(info.st_dev):\(info.st_ino + 1)", fileDescriptor: fd) == false)
        #expect(JournalLogHandler.streamMatches("garbage", fileDescriptor: fd) == false)
        #expect(JournalLogHandler.streamMatches(nil, fileDescriptor: fd) == false)
    }
}
