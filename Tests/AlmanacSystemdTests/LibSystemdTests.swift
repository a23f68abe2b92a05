import AlmanacLibraries
import Foundation
import Glibc
import Testing

@testable import AlmanacSystemd

/// libsystemd is opened at the first notification or journal entry, not linked (``LibSystemd``).
/// Without it the daemon behaves as when systemd does not run it: nothing is notified, no socket
/// is adopted, entries are lines on stderr; and the error names the library and its package.
@Suite("libsystemd on first use", .serialized)
struct LibSystemdTests {
    static let missing = "libsystemd-almanac-missing.so.0"
    static let install = "install the Debian package libsystemd0, or libsystemd for your system"

    @Test func aMissingLibraryIsNamedWithItsPackage() {
        do {
            _ = try LibSystemd.load(Self.missing)
            Issue.record("a missing library was loaded")
        } catch {
            #expect(error.package == "libsystemd0")
            #expect(error.detail.hasPrefix("cannot load \(Self.missing) (\(Self.install)): "), "\(error.detail)")
        }
    }

    /// A library that loads but lacks libsystemd's functions (libc's, which every process has loaded).
    @Test func aLibraryWithoutLibsystemdsFunctionsIsRefused() {
        do {
            _ = try LibSystemd.load("libc.so.6")
            Issue.record("libc was taken for libsystemd")
        } catch {
            #expect(error.detail == "libc.so.6 has no function sd_notify (\(Self.install))")
        }
    }

    /// `$JOURNAL_STREAM` naming stderr means native entries, unless libsystemd cannot be opened:
    /// then lines on stderr, as when the journal is not there.
    @Test func withoutTheLibraryJournalEntriesAreLines() throws {
        var info = stat()
        #expect(fstat(2, &info) == 0)
        let stream = "\(info.st_dev):\(info.st_ino)"
        #expect(JournalLogHandler.Destination.detect(journalStream: stream, systemd: nil) == .lines(fileDescriptor: 2))
        let systemd = try LibSystemd.load()
        #expect(JournalLogHandler.Destination.detect(journalStream: stream, systemd: systemd) == .journal)
        #expect(JournalLogHandler.Destination.detect(journalStream: nil, systemd: systemd) == .lines(fileDescriptor: 2))
    }

    /// libsystemd-dev brings libsystemd0: the real library loads with every function.
    @Test func theInstalledLibraryLoads() throws {
        let systemd = try LibSystemd.load()
        #expect(systemd.functions.sd_notify != nil && systemd.functions.sd_watchdog_enabled != nil)
        #expect(LibSystemd.problem == nil)
    }
}

/// In the serialized suite that sets the same environment variables.
extension SystemdTests {
    /// With `$NOTIFY_SOCKET` and `$WATCHDOG_USEC` set, a notifier without its library sends
    /// nothing (sd_notify returns after sending, so an empty socket means nothing was sent) and
    /// has no watchdog to ping; the same notifier over the installed library does both.
    @Test func withoutTheLibraryNothingIsNotified() throws {
        let socket = try NotifySocket()
        setenv("NOTIFY_SOCKET", socket.path, 1)
        setenv("WATCHDOG_USEC", "4000000", 1)
        setenv("WATCHDOG_PID", "\(getpid())", 1)
        defer {
            unsetenv("NOTIFY_SOCKET")
            unsetenv("WATCHDOG_USEC")
            unsetenv("WATCHDOG_PID")
        }
        let without = SystemdNotifier(library: LibSystemdTests.missing)
        #expect(without.ready(status: "loaded") == false)
        #expect(without.watchdogPingInterval() == nil)
        var buffer = [UInt8](repeating: 0, count: 64)
        let received = recv(socket.fd, &buffer, buffer.count, Int32(MSG_DONTWAIT))
        let error = errno
        #expect(received == -1 && error == EAGAIN)

        let with = SystemdNotifier(library: LibSystemd.soname)
        #expect(with.ready(status: "loaded"))
        #expect(socket.receive() == "READY=1\nSTATUS=loaded")
        #expect(with.watchdogPingInterval() == .seconds(2))
    }
}
