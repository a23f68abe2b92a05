import AlmanacTestSupport
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The checkout (three levels above this file).
let repositoryRoot: String = {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<3 { url.deleteLastPathComponent() }
    return url.path
}()

/// tests/smtp_server.py: the loopback SMTP server and the MIME parser check.
let smtpServerScript = repositoryRoot + "/tests/smtp_server.py"

/// The Python that has aiosmtpd: `$ALMANAC_TEST_PYTHON`, else the venv scripts/test.sh makes.
let testPython: String = {
    if let python = ProcessInfo.processInfo.environment["ALMANAC_TEST_PYTHON"] { return python }
    return repositoryRoot + "/.venv-test/bin/python"
}()

/// A fresh directory under the temporary directory.
func temporaryDirectory(_ label: String) throws -> String {
    let path = NSTemporaryDirectory() + "almanac-mail-\(label)-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
}

/// What Python's `email` package makes of a message (tests/smtp_server.py --parse).
struct ParsedMail: Decodable {
    struct Address: Decodable, Equatable {
        var name: String
        var address: String
    }

    var defects: [String]
    var header_names: [String]
    var headers: [String: [String]]
    var raw_headers: String
    var max_line: Int
    var bare_lf: Bool
    var non_ascii: Bool
    var content_type: String
    var from: [Address]?
    var to: [Address]?
    var cc: [Address]?
    var text: String?
    var html: String?
    var text_charset: String?
    var strict_subject: String
}

/// Parses the message file at `path` with Python's email package (python3 from the PATH is
/// enough: only the standard library is used).
func parseWithPython(_ path: String) throws -> ParsedMail {
    let result = try spawnAndWait("/usr/bin/env", ["python3", smtpServerScript, "--parse", path])
    guard result.status == 0 else { throw TestFailure(description: "parse failed: \(result.stderr)") }
    return try JSONDecoder().decode(ParsedMail.self, from: Data(result.stdout.utf8))
}

/// parseWithPython for a message in memory.
func parseWithPython(message: String) throws -> ParsedMail {
    let directory = try temporaryDirectory("parse")
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let path = directory + "/message.eml"
    try Data(message.utf8).write(to: URL(fileURLWithPath: path))
    return try parseWithPython(path)
}

/// A running tests/smtp_server.py.
final class SMTPTestServer: @unchecked Sendable {
    let directory: String
    let pid: pid_t
    let port: Int

    /// Starts the server and waits (up to three minutes: a full test run loads the machine) until it listens.
    init(arguments: [String] = [], port requested: Int = 0) async throws {
        guard FileManager.default.isExecutableFile(atPath: testPython) else {
            throw TestFailure(description: "\(testPython) is missing: run scripts/test.sh (it makes the venv with aiosmtpd)")
        }
        directory = try temporaryDirectory("smtp")
        pid = try spawnInBackground(
            testPython, [smtpServerScript, "--dir", directory, "--port", "\(requested)"] + arguments,
            environment: ProcessInfo.processInfo.environment, log: directory + "/server.log")
        let deadline = ContinuousClock.now + .seconds(180)
        var found: Int?
        while ContinuousClock.now < deadline {
            if let text = try? String(contentsOfFile: directory + "/port", encoding: .utf8),
                let value = Int(text.trimmingCharacters(in: .whitespacesAndNewlines))
            {
                found = value
                break
            }
            if await waitForChild(pid, timeout: .milliseconds(50)) != nil { break }
        }
        guard let found else {
            kill(pid, SIGKILL)
            let log = (try? String(contentsOfFile: directory + "/server.log", encoding: .utf8)) ?? ""
            throw TestFailure(description: "the SMTP test server did not start: \(log)")
        }
        port = found
    }

    var url: String { "smtp://127.0.0.1:\(port)" }

    /// The received messages, in order: (envelope JSON, raw file path).
    func received() -> [(envelope: [String: Any], path: String)] {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { $0.hasSuffix(".eml") }.sorted()
        return names.compactMap { name in
            let base = directory + "/" + String(name.dropLast(4))
            guard let data = FileManager.default.contents(atPath: base + ".json"),
                let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
            else { return nil }
            return (object, base + ".eml")
        }
    }

    /// Waits until `count` messages arrived (or the timeout passes) and returns them.
    func waitForMessages(_ count: Int, timeout: Duration = .seconds(60)) async -> [(envelope: [String: Any], path: String)] {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let messages = received()
            if messages.count >= count { return messages }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return received()
    }

    func stop() async {
        kill(pid, SIGTERM)
        if await waitForChild(pid, timeout: .seconds(20)) == nil {
            kill(pid, SIGKILL)
            _ = await waitForChild(pid, timeout: .seconds(5))
        }
    }
}
