import AlmanacLibraries
import CCurl
import Testing

@testable import AlmanacMail

/// libcurl is opened at the first send, not linked (``LibCurl``): without it an SMTP send fails,
/// to be tried again, with an error that names the library and the package to install. No server
/// is needed: loading comes before connecting.
@Suite("libcurl on first use")
struct LibCurlTests {
    static let install = "install the Debian package libcurl4, or libcurl for your system"

    @Test func aMissingLibraryFailsTheSendNamingTheLibraryAndItsPackage() throws {
        let transport = try SMTPTransport(
            SMTPConfiguration(url: "smtp://127.0.0.1:1", tls: .none), library: "libcurl-almanac-missing.so.4")
        let envelope = Envelope(messageID: "<t@almanac>", sender: "almanac@example.org", recipients: ["a@example.org"], data: "x\r\n")
        do {
            try transport.send(envelope)
            Issue.record("a message was sent without libcurl")
        } catch {
            #expect(error.kind == .temporary)
            #expect(
                error.message.hasPrefix("cannot send over SMTP: cannot load libcurl-almanac-missing.so.4 (\(Self.install)): "),
                "\(error.message)")
        }
    }

    @Test func aMissingLibraryIsNamedWithItsPackage() {
        do {
            _ = try LibCurl.shared("libcurl-almanac-missing.so.4")
            Issue.record("a missing library was loaded")
        } catch {
            #expect(error.library == "libcurl-almanac-missing.so.4")
            #expect(error.package == "libcurl4")
            #expect(error.detail.hasPrefix("cannot load libcurl-almanac-missing.so.4 (\(Self.install)): "), "\(error.detail)")
        }
    }

    /// A library that loads but lacks libcurl's functions (libc's, which every process has loaded).
    @Test func aLibraryWithoutLibcurlsFunctionsIsRefused() {
        do {
            _ = try LibCurl.load("libc.so.6")
            Issue.record("libc was taken for libcurl")
        } catch {
            #expect(error.detail == "libc.so.6 has no function curl_global_init (\(Self.install))")
        }
    }

    /// The build needs libcurl4-openssl-dev, which brings libcurl4: the real library loads with
    /// every function, and the process-wide one is opened (and set up) once.
    @Test func theInstalledLibraryLoadsOnce() throws {
        let curl = try LibCurl.shared()
        #expect(curl.functions.curl_easy_init != nil && curl.functions.curl_slist_free_all != nil)
        #expect(try LibCurl.shared() === curl)
        #expect(curl.text(of: CURLE_OK) == "No error")
    }
}
