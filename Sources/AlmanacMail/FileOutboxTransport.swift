import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The embedded default: one RFC 5322 `.eml` file per message in a directory, written atomically
/// (temporary file, fsync, rename). Needs no mail server; another program (or an admin) takes the
/// files from there.
///
/// The file name is derived from the Message-ID. A message whose file is already there (a send
/// after a crash between the rename and recording it) is not written again: the file that is
/// there is the message. Temporary files are `.tmp-<pid>-<random>`; the ones a killed daemon
/// left behind are removed by ``removeStaleTemporaryFiles()`` when the worker starts.
public struct FileOutboxTransport: MailTransport {
    public let directory: String
    public var name: String { "outbox" }

    public init(directory: String) {
        self.directory = directory
    }

    /// `almanac.0123abcd...@example.org.eml` for `<almanac.0123abcd...@example.org>`: the id
    /// without brackets, anything but `[A-Za-z0-9._@+-]` replaced by `_`.
    public static func fileName(messageID: String) -> String {
        var name = ""
        for scalar in messageID.unicodeScalars where scalar != "<" && scalar != ">" {
            switch scalar {
            case "a"..."z", "A"..."Z", "0"..."9", ".", "_", "@", "+", "-": name.unicodeScalars.append(scalar)
            default: name += "_"
            }
        }
        if name.isEmpty || name.hasPrefix(".") { name = "_" + name }
        return name + ".eml"
    }

    /// The path the message goes to.
    public func path(for envelope: Envelope) -> String { directory + "/" + Self.fileName(messageID: envelope.messageID) }

    @discardableResult
    public func send(_ envelope: Envelope) throws(MailTransportError) -> MailSendReport {
        if mkdir(directory, 0o750) != 0 && errno != EEXIST {
            throw MailTransportError(.temporary, "cannot create the outbox directory \(directory): \(Self.errnoText())")
        }
        let target = path(for: envelope)
        // Written before (the process died before it could record that): not written again.
        var existing = stat()
        if lstat(target, &existing) == 0 && existing.st_mode & S_IFMT == S_IFREG { return .accepted }
        let temporary = directory + "/.tmp-\(getpid())-\(UInt64.random(in: 0...UInt64.max))"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o640)
        guard fd >= 0 else {
            throw MailTransportError(.temporary, "cannot create \(temporary): \(Self.errnoText())")
        }
        let bytes = Array(envelope.data.utf8)
        var offset = 0
        var failure: String?
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { buffer in
                write(fd, buffer.baseAddress.map { $0 + offset }, buffer.count - offset)
            }
            if written < 0 {
                if errno == EINTR { continue }
                failure = "cannot write \(temporary): \(Self.errnoText())"
                break
            }
            offset += written
        }
        if failure == nil && fsync(fd) != 0 { failure = "cannot sync \(temporary): \(Self.errnoText())" }
        close(fd)
        if failure == nil && rename(temporary, target) != 0 { failure = "cannot rename to \(target): \(Self.errnoText())" }
        if let failure {
            unlink(temporary)
            throw MailTransportError(.temporary, failure)
        }
        // Make the rename itself durable.
        let directoryFD = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if directoryFD >= 0 {
            fsync(directoryFD)
            close(directoryFD)
        }
        return .accepted
    }

    /// Removes the temporary files of processes that are gone (a send interrupted by a crash)
    /// and this process's own (nothing of this process is being written when the worker starts).
    /// Returns the names removed.
    @discardableResult
    public func removeStaleTemporaryFiles() -> [String] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return [] }
        var removed: [String] = []
        for name in names.sorted() where name.hasPrefix(".tmp-") {
            let pidText = name.dropFirst(".tmp-".count).prefix { $0 != "-" }
            guard let pid = pid_t(pidText) else { continue }
            let alive = pid != getpid() && (kill(pid, 0) == 0 || errno == EPERM)
            if !alive && unlink(directory + "/" + name) == 0 { removed.append(name) }
        }
        return removed
    }

    static func errnoText() -> String { String(cString: strerror(errno)) }
}
