import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Hands each message to `sendmail(8)`, once per envelope recipient:
/// `sendmail [ARGUMENTS] -i -fSENDER -- RECIPIENT`, the message on standard input (a lone `.`
/// line is not the end). One run per recipient, so that a relay-only sendmail such as msmtp, which
/// gives up the whole message when the server refuses one recipient, still delivers to the others.
/// The exit status follows sysexits(3): 75 (EX_TEMPFAIL) and the I/O and OS errors are temporary,
/// the rest permanent.
public struct SendmailTransport: MailTransport {
    public let program: String
    /// Arguments before almanac's own, e.g. `-C /etc/almanac/msmtprc` for msmtp.
    public let extraArguments: [String]
    /// The longest one run may take before it is killed (a temporary failure).
    public let timeout: Duration
    public var name: String { "sendmail" }

    public init(program: String = "/usr/sbin/sendmail", arguments: [String] = [], timeout: Duration = .seconds(60)) {
        self.program = program
        self.extraArguments = arguments
        self.timeout = timeout
    }

    /// The arguments after the program name.
    public func arguments(sender: String, recipient: String) -> [String] {
        extraArguments + ["-i", "-f\(sender)", "--", recipient]
    }

    /// What an exit status means.
    public static func kind(exitStatus: Int32) -> MailTransportError.Kind {
        switch exitStatus {
        // EX_TEMPFAIL, EX_OSERR, EX_OSFILE, EX_CANTCREAT, EX_IOERR. Not EX_UNAVAILABLE (69): msmtp
        // exits with it when the certificate does not verify or the server offers no AUTH, which
        // only an administrator can fix (it says EX_TEMPFAIL when the server cannot be reached),
        // and the local MTAs' sendmail (Postfix, Exim) queue without a running daemon.
        case 75, 71, 72, 73, 74: .temporary
        default: .permanent
        }
    }

    @discardableResult
    public func send(_ envelope: Envelope) throws(MailTransportError) -> MailSendReport {
        guard MailAddress.isValid(envelope.sender) else {
            throw MailTransportError(.permanent, "'\(HeaderText.neutralised(envelope.sender))' is not a sender address")
        }
        guard !envelope.recipients.isEmpty else { throw MailTransportError(.permanent, "no recipient") }
        for address in envelope.recipients where !MailAddress.isValid(address) {
            throw MailTransportError(.permanent, "'\(HeaderText.neutralised(address))' is not a mail address")
        }
        guard access(program, X_OK) == 0 else {
            // The admin can install or fix it; retrying later then delivers.
            throw MailTransportError(.temporary, "cannot run \(program): \(String(cString: strerror(errno)))")
        }
        let input = Array(envelope.data.utf8)
        var failures: [RecipientFailure] = []
        for recipient in envelope.recipients {
            do throws(MailTransportError) {
                try run(sender: envelope.sender, recipient: recipient, input: input)
            } catch {
                failures.append(RecipientFailure(address: recipient, kind: error.kind, reply: error.message))
            }
        }
        if failures.count == envelope.recipients.count {
            let kind: MailTransportError.Kind = failures.contains { $0.kind == .temporary } ? .temporary : .permanent
            let message = envelope.recipients.count == 1 ? failures[0].reply : failures.map(\.description).joined(separator: "; ")
            throw MailTransportError(kind, message, recipientFailures: envelope.recipients.count == 1 ? [] : failures)
        }
        return MailSendReport(failures: failures)
    }

    /// One run for one recipient.
    func run(sender: String, recipient: String, input: [UInt8]) throws(MailTransportError) {
        let result: ChildResult
        do {
            result = try ChildProcess.run(program, arguments(sender: sender, recipient: recipient), input: input, timeout: timeout)
        } catch {
            throw MailTransportError(.temporary, "cannot run \(program): \(error.message)")
        }
        switch result.termination {
        case .exited(0): return
        case .exited(let status):
            let detail = result.output.trimmingCharacters(in: .whitespacesAndNewlines)
            throw MailTransportError(
                Self.kind(exitStatus: status),
                "\(program) exited with status \(status)" + (detail.isEmpty ? "" : ": \(HeaderText.neutralised(String(detail.prefix(500))))"))
        case .signalled(let signal):
            throw MailTransportError(.temporary, "\(program) was killed by signal \(signal)")
        case .timedOut:
            throw MailTransportError(.temporary, "\(program) did not finish within \(timeout) and was killed")
        }
    }
}

/// How a child ended.
enum ChildTermination: Hashable, Sendable {
    case exited(Int32)
    case signalled(Int32)
    case timedOut
}

struct ChildResult: Sendable {
    var termination: ChildTermination
    /// Standard output and standard error together.
    var output: String
}

struct ChildProcessError: Error {
    var message: String
}

/// posix_spawn, a socket pair for stdin and one for stdout+stderr, poll with a deadline, waitpid.
/// (Foundation's Process can miss a child's exit when many children run at once.)
enum ChildProcess {
    static func run(_ program: String, _ arguments: [String], input: [UInt8], timeout: Duration) throws(ChildProcessError)
        -> ChildResult
    {
        var inputPair: [Int32] = [0, 0]
        var outputPair: [Int32] = [0, 0]
        let type = CInt(SOCK_STREAM.rawValue) | CInt(SOCK_CLOEXEC.rawValue)
        guard socketpair(AF_UNIX, type, 0, &inputPair) == 0 else {
            throw ChildProcessError(message: String(cString: strerror(errno)))
        }
        guard socketpair(AF_UNIX, type, 0, &outputPair) == 0 else {
            let text = String(cString: strerror(errno))
            close(inputPair[0])
            close(inputPair[1])
            throw ChildProcessError(message: text)
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, inputPair[0], 0)
        posix_spawn_file_actions_adddup2(&actions, outputPair[1], 1)
        posix_spawn_file_actions_adddup2(&actions, outputPair[1], 2)
        let argv: [UnsafeMutablePointer<CChar>?] = ([program] + arguments).map { strdup($0) } + [nil]
        let environment: [UnsafeMutablePointer<CChar>?] =
            ProcessInfo.processInfo.environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            environment.forEach { free($0) }
        }
        var pid: pid_t = 0
        let signals = CleanSignals()
        let spawned = posix_spawn(&pid, program, &actions, signals.attributes, argv, environment)
        close(inputPair[0])
        close(outputPair[1])
        guard spawned == 0 else {
            close(inputPair[1])
            close(outputPair[0])
            throw ChildProcessError(message: String(cString: strerror(spawned)))
        }
        let deadline = ContinuousClock.now + timeout
        var output: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16_384)
        var inputOffset = 0
        var inputFD: Int32 = inputPair[1]
        var outputFD: Int32 = outputPair[0]
        if input.isEmpty {
            close(inputFD)
            inputFD = -1
        }
        var timedOut = false
        while inputFD >= 0 || outputFD >= 0 {
            let remaining = deadline - ContinuousClock.now
            if remaining <= .zero {
                timedOut = true
                break
            }
            let milliseconds = Int32(clamping: remaining.components.seconds * 1000 + remaining.components.attoseconds / 1_000_000_000_000_000)
            var fds = [
                pollfd(fd: inputFD, events: Int16(POLLOUT), revents: 0),
                pollfd(fd: outputFD, events: Int16(POLLIN), revents: 0),
            ]
            let ready = poll(&fds, 2, max(milliseconds, 1))
            if ready < 0 && errno == EINTR { continue }
            if ready <= 0 { continue }
            if inputFD >= 0 && fds[0].revents != 0 {
                let written = input.withUnsafeBytes { bytes in
                    send(inputFD, bytes.baseAddress.map { $0 + inputOffset }, bytes.count - inputOffset, Int32(MSG_NOSIGNAL))
                }
                if written > 0 { inputOffset += written }
                if written < 0 && errno != EINTR && errno != EAGAIN || inputOffset >= input.count {
                    // Done, or the child stopped reading: it will tell us by its exit status.
                    shutdown(inputFD, CInt(SHUT_WR))
                    close(inputFD)
                    inputFD = -1
                }
            }
            if outputFD >= 0 && fds[1].revents != 0 {
                let count = read(outputFD, &buffer, buffer.count)
                if count > 0 {
                    if output.count < 65_536 { output += buffer[0..<count] }
                } else if count == 0 || errno != EINTR {
                    close(outputFD)
                    outputFD = -1
                }
            }
        }
        if inputFD >= 0 { close(inputFD) }
        if outputFD >= 0 { close(outputFD) }
        if timedOut { kill(pid, SIGKILL) }
        var status: Int32 = 0
        while true {
            let reaped = waitpid(pid, &status, timedOut ? 0 : WNOHANG)
            if reaped == pid { break }
            if reaped < 0 && errno != EINTR { return ChildResult(termination: .timedOut, output: "") }
            if reaped == 0 {
                if ContinuousClock.now >= deadline {
                    timedOut = true
                    kill(pid, SIGKILL)
                    continue
                }
                usleep(10_000)
            }
        }
        let text = String(decoding: output, as: UTF8.self)
        if timedOut { return ChildResult(termination: .timedOut, output: text) }
        // WIFEXITED / WEXITSTATUS / WTERMSIG are macros; their definitions, for Linux.
        if status & 0x7f == 0 { return ChildResult(termination: .exited((status >> 8) & 0xff), output: text) }
        return ChildResult(termination: .signalled(status & 0x7f), output: text)
    }
}
