// The loopback HTTPS server that behaves like the group-robot services (tests/robot_server.py),
// with a certificate from a CA made for the test with openssl.
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// tests/robot_server.py.
public let robotServerScript = mailTestRepository + "/tests/robot_server.py"

/// A certificate authority made with openssl for one test, and a server certificate it signed
/// for localhost and 127.0.0.1.
public struct TestCertificateAuthority: Sendable {
    public let directory: String
    public let caFile: String
    public let serverCertificate: String
    public let serverKey: String

    public init(in directory: String, name: String = "test") throws {
        self.directory = directory
        caFile = directory + "/\(name)-ca.pem"
        let caKey = directory + "/\(name)-ca.key"
        serverCertificate = directory + "/\(name)-server.pem"
        serverKey = directory + "/\(name)-server.key"
        let csr = directory + "/\(name)-server.csr"
        let ext = directory + "/\(name)-server.ext"
        try Data("subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:false\nextendedKeyUsage=serverAuth\n".utf8)
            .write(to: URL(fileURLWithPath: ext))
        for arguments in [
            ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", caKey, "-out", caFile, "-days", "2", "-subj", "/CN=almanac \(name) CA",
             "-addext", "basicConstraints=critical,CA:true", "-addext", "keyUsage=critical,keyCertSign,cRLSign"],
            ["req", "-newkey", "rsa:2048", "-nodes", "-keyout", serverKey, "-out", csr, "-subj", "/CN=localhost"],
            ["x509", "-req", "-in", csr, "-CA", caFile, "-CAkey", caKey, "-CAcreateserial", "-out", serverCertificate, "-days", "2",
             "-extfile", ext],
        ] {
            let result = try spawnAndWait("/usr/bin/env", ["openssl"] + arguments)
            guard result.status == 0 else { throw MailTestFailure(description: "openssl \(arguments[0]) failed: \(result.stderr)") }
        }
    }
}

/// A running tests/robot_server.py.
public final class RobotTestServer: @unchecked Sendable {
    public let directory: String
    public let authority: TestCertificateAuthority
    public let pid: pid_t
    public let port: Int

    /// Starts the server with `robots` (the JSON its --robots file takes) and waits until it listens.
    public init(robots: String, limit: Int = 20, window: Double = 60) async throws {
        directory = try mailTestDirectory("robots")
        // openssl makes keys for seconds (more under load): on a thread of its own, not the pool.
        let folder = directory
        authority = try await offPool { try TestCertificateAuthority(in: folder) }
        try Data(robots.utf8).write(to: URL(fileURLWithPath: directory + "/robots.json"))
        pid = try spawnInBackground(
            "/usr/bin/env",
            ["python3", robotServerScript, "--dir", directory, "--cert", authority.serverCertificate, "--key", authority.serverKey,
             "--robots", directory + "/robots.json", "--limit", "\(limit)", "--window", "\(window)"],
            environment: ProcessInfo.processInfo.environment, log: directory + "/server.log")
        port = try await waitForPortFile(directory: directory, pid: pid, what: "the robot test server")
    }

    /// `https://127.0.0.1:PORT`.
    public var base: String { "https://127.0.0.1:\(port)" }

    /// The lines of DIR/received.jsonl or DIR/refused.jsonl, parsed.
    public func records(_ name: String = "received") -> [[String: Any]] {
        guard let text = try? String(contentsOfFile: directory + "/\(name).jsonl", encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
    }

    public func stop() async {
        kill(pid, SIGTERM)
        if await waitForChild(pid, timeout: .seconds(20)) == nil {
            kill(pid, SIGKILL)
            _ = await waitForChild(pid, timeout: .seconds(5))
        }
        try? FileManager.default.removeItem(atPath: directory)
    }
}
