// The loopback SMTP server (tests/smtp_server.py) and the Python MIME check, for the mail tests
// of AlmanacMailTests and AlmanacDaemonTests.
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The checkout (three levels above this file).
public let mailTestRepository: String = {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<3 { url.deleteLastPathComponent() }
    return url.path
}()

/// tests/smtp_server.py: the loopback SMTP server and the MIME parser check.
public let smtpServerScript = mailTestRepository + "/tests/smtp_server.py"

/// The Python that has aiosmtpd: `$ALMANAC_TEST_PYTHON`, else the venv scripts/test.sh makes.
public let testPython: String = {
    if let python = ProcessInfo.processInfo.environment["ALMANAC_TEST_PYTHON"] { return python }
    return mailTestRepository + "/.venv-test/bin/python"
}()

/// A fresh directory under the temporary directory.
public func mailTestDirectory(_ label: String) throws -> String {
    let path = NSTemporaryDirectory() + "almanac-mail-\(label)-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

public struct MailTestFailure: Error, CustomStringConvertible {
    public var description: String
    public init(description: String) { self.description = description }
}

/// What Python's `email` package makes of a message (tests/smtp_server.py --parse).
public struct ParsedMail: Decodable, Sendable {
    public struct Address: Decodable, Equatable, Sendable {
        public var name: String
        public var address: String
        public init(name: String, address: String) {
            self.name = name
            self.address = address
        }
    }

    public var defects: [String]
    public var header_names: [String]
    public var headers: [String: [String]]
    public var raw_headers: String
    public var max_line: Int
    public var bare_lf: Bool
    public var non_ascii: Bool
    public var content_type: String
    public var from: [Address]?
    public var to: [Address]?
    public var cc: [Address]?
    public var text: String?
    public var html: String?
    public var text_charset: String?
    public var strict_subject: String
}

/// Parses the message file at `path` with Python's email package (python3 from the PATH is
/// enough: only the standard library is used).
public func parseWithPython(_ path: String) throws -> ParsedMail {
    let result = try spawnAndWait("/usr/bin/env", ["python3", smtpServerScript, "--parse", path])
    guard result.status == 0 else { throw MailTestFailure(description: "parse failed: \(result.stderr)") }
    return try JSONDecoder().decode(ParsedMail.self, from: Data(result.stdout.utf8))
}

/// parseWithPython for a message in memory.
public func parseWithPython(message: String) throws -> ParsedMail {
    let directory = try mailTestDirectory("parse")
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let path = directory + "/message.eml"
    try Data(message.utf8).write(to: URL(fileURLWithPath: path))
    return try parseWithPython(path)
}

/// Waits until a test server started as `pid` writes its port to `directory/port` (the directory
/// is watched; three minutes is the hang guard); kills it and throws its log when it exits or
/// does not start.
public func waitForPortFile(directory: String, pid: pid_t, what: String) async throws -> Int {
    @Sendable func port() -> Int? {
        (try? String(contentsOfFile: directory + "/port", encoding: .utf8)).flatMap {
            Int($0.trimmingCharacters(in: .whitespacesAndNewlines))
        }
    }
    let watch = try DirectoryWatch(directory)
    // Its log is in the directory too: a server that dies writes it and closes it.
    try? await offPool { try watch.wait("\(what)'s port", hangGuard: .seconds(180)) { port() != nil || childExits(pid, within: .zero) } }
    if let port = port() { return port }
    kill(pid, SIGKILL)
    let log = (try? String(contentsOfFile: directory + "/server.log", encoding: .utf8)) ?? ""
    throw MailTestFailure(description: "\(what) did not start: \(log)")
}

/// A running tests/smtp_server.py.
public final class SMTPTestServer: @unchecked Sendable {
    public let directory: String
    public let pid: pid_t
    public let port: Int

    /// Starts the server and waits (up to three minutes: a full test run loads the machine) until it listens.
    public init(arguments: [String] = [], port requested: Int = 0) async throws {
        guard FileManager.default.isExecutableFile(atPath: testPython) else {
            throw MailTestFailure(description: "\(testPython) is missing: run scripts/test.sh (it makes the venv with aiosmtpd)")
        }
        directory = try mailTestDirectory("smtp")
        pid = try spawnInBackground(
            testPython, [smtpServerScript, "--dir", directory, "--port", "\(requested)"] + arguments,
            environment: ProcessInfo.processInfo.environment, log: directory + "/server.log")
        port = try await waitForPortFile(directory: directory, pid: pid, what: "the SMTP test server")
    }

    public var url: String { "smtp://127.0.0.1:\(port)" }

    /// The received messages, in order: (envelope JSON, raw file path).
    public func received() -> [(envelope: [String: Any], path: String)] {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { $0.hasSuffix(".eml") }.sorted()
        return names.compactMap { name in
            let base = directory + "/" + String(name.dropLast(4))
            guard let data = FileManager.default.contents(atPath: base + ".json"),
                let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
            else { return nil }
            return (object, base + ".eml")
        }
    }

    /// Waits until `count` messages arrived and returns them: the directory they are written to
    /// is watched. `timeout` is a hang guard; after it, what arrived is returned.
    public func waitForMessages(_ count: Int, timeout: Duration = .seconds(120)) async -> [(envelope: [String: Any], path: String)] {
        let directory = self.directory
        let server = self
        _ = try? await offPool {
            let watch = try DirectoryWatch(directory)
            try watch.wait("\(count) messages", hangGuard: timeout) { server.received().count >= count }
        }
        return received()
    }

    public func stop() async {
        kill(pid, SIGTERM)
        if await waitForChild(pid, timeout: .seconds(20)) == nil {
            kill(pid, SIGKILL)
            _ = await waitForChild(pid, timeout: .seconds(5))
        }
    }
}
