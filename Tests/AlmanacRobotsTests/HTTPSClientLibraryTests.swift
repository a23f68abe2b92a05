import Testing

@testable import AlmanacRobots

/// libcurl is opened at the first post, not linked (AlmanacLibraries' `LibCurl`): without it a
/// robot message fails, to be tried again, naming the library and the package to install.
@Suite("HTTPS client without libcurl")
struct HTTPSClientLibraryTests {
    @Test func aMissingLibraryFailsThePostNamingTheLibraryAndItsPackage() {
        var client = HTTPSClient()
        client.library = "libcurl-almanac-missing.so.4"
        let request = HTTPRequest(url: "https://127.0.0.1:1/robot", headers: ["Content-Type: application/json"], body: Array("{}".utf8))
        switch client.post(request) {
        case .success(let response):
            Issue.record("a request was posted without libcurl: \(response.status)")
        case .failure(let error):
            #expect(error.permanent == false)
            #expect(
                error.message.hasPrefix(
                    "cannot post: cannot load libcurl-almanac-missing.so.4 "
                        + "(install the Debian package libcurl4, or libcurl for your system): "),
                "\(error.message)")
        }
    }
}
