import AlmanacTestSupport
import Foundation
import Testing

@testable import AlmanacMail

@Suite struct MessageTests {
    static let date = Date(timeIntervalSince1970: 1_795_915_200)  // 2026-11-29 01:20:00 UTC
    static let shanghai = TimeZone(identifier: "Asia/Shanghai") ?? .current

    static func message(
        subject: String = "【提醒】“红红火火过大年”志愿服务（2027-01-29至2027-02-12）",
        text: String = "提醒（提前10个工作日）：“红红火火过大年”志愿服务\n责任单位：区文明办\n",
        html: String? = nil, toName: String? = "区文明办"
    ) throws -> MailMessage {
        MailMessage(
            from: try MailAddress("almanac@example.org", name: "扎赉诺尔区精神文明建设工作安排"),
            to: [try MailAddress("wmb@example.org", name: toName)],
            subject: subject, text: text, html: html, date: date, timeZone: shanghai,
            identity: "spring-volunteers@2027-01-29/-10wd/mail/wmb")
    }

    @Test func chineseSubjectBodyAndNamesDecodeExactlyWithPythonsParser() throws {
        let message = try Self.message()
        let raw = try message.render()
        let parsed = try parseWithPython(message: raw)
        #expect(parsed.defects == [])
        #expect(parsed.headers["subject"] == ["【提醒】“红红火火过大年”志愿服务（2027-01-29至2027-02-12）"])
        #expect(parsed.strict_subject == "【提醒】“红红火火过大年”志愿服务（2027-01-29至2027-02-12）")
        #expect(parsed.text == "提醒（提前10个工作日）：“红红火火过大年”志愿服务\n责任单位：区文明办\n")
        #expect(parsed.text_charset == "utf-8")
        #expect(parsed.content_type == "text/plain")
        #expect(parsed.from == [.init(name: "扎赉诺尔区精神文明建设工作安排", address: "almanac@example.org")])
        #expect(parsed.to == [.init(name: "区文明办", address: "wmb@example.org")])
        #expect(parsed.headers["message-id"] == [MessageID.derive(identity: message.identity, domain: "example.org")])
        #expect(parsed.headers["auto-submitted"] == ["auto-generated"])
        #expect(parsed.headers["x-auto-response-suppress"] == ["All"])
        #expect(parsed.headers["precedence"] == ["bulk"])
        #expect(parsed.headers["mime-version"] == ["1.0"])
        #expect(parsed.headers["date"] == ["Sun, 29 Nov 2026 09:20:00 +0800"])
        #expect(parsed.headers["x-almanac-delivery"] == ["spring-volunteers@2027-01-29/-10wd/mail/wmb"])
        // 7-bit, CRLF only, short lines.
        #expect(parsed.non_ascii == false)
        #expect(parsed.bare_lf == false)
        #expect(parsed.max_line <= 78)
    }

    @Test func htmlAlternativeIsMultipartAlternative() throws {
        let raw = try Self.message(html: "<p>端午节：<b>粽子</b> &amp; 龙舟</p>").render()
        let parsed = try parseWithPython(message: raw)
        #expect(parsed.defects == [])
        #expect(parsed.content_type == "multipart/alternative")
        #expect(parsed.text == "提醒（提前10个工作日）：“红红火火过大年”志愿服务\n责任单位：区文明办\n")
        #expect(parsed.html == "<p>端午节：<b>粽子</b> &amp; 龙舟</p>")
    }

    @Test func encodedWordsNeverSplitACharacter() throws {
        // 4-byte characters (emoji, CJK extension B) and combining sequences across the 39-byte limit.
        let subject = String(repeating: "𠀋", count: 15) + "e\u{301}" + String(repeating: "清明", count: 20) + "👨‍👩‍👧"
        let words = HeaderText.encodedWords(subject)
        #expect(words.count > 3)
        var decoded = ""
        for word in words {
            #expect(word.hasPrefix("=?UTF-8?B?") && word.hasSuffix("?="))
            #expect(word.utf8.count <= 75)
            let payload = String(word.dropFirst(10).dropLast(2))
            let bytes = try #require(Data(base64Encoded: payload))
            let piece = try #require(String(data: bytes, encoding: .utf8), "each word holds whole UTF-8 sequences")
            decoded += piece
        }
        #expect(decoded == subject)
        let parsed = try parseWithPython(message: try Self.message(subject: subject).render())
        #expect(parsed.headers["subject"] == [subject])
        #expect(parsed.max_line <= 78)
    }

    @Test(arguments: [
        "网吧检查\r\nBcc: attacker@evil.example",
        "网吧检查\nBcc: attacker@evil.example",
        "网吧检查\rBcc: attacker@evil.example",
        "Netcafe check\r\nBcc: attacker@evil.example",
        "Netcafe\u{0}check\u{2028}Bcc: attacker@evil.example\u{85}X: y",
    ])
    func titleWithLineBreaksCannotAddAHeaderOrRecipient(_ title: String) throws {
        var message = try Self.message(subject: title, toName: "区文明办\r\nBcc: attacker@evil.example")
        message.extraHeaders = [("X-Almanac-Item", "a\r\nBcc: attacker@evil.example")]
        let raw = try message.render()
        let parsed = try parseWithPython(message: raw)
        #expect(parsed.defects == [])
        #expect(parsed.headers["bcc"] == nil)
        #expect(parsed.headers["x"] == nil)
        #expect(!parsed.header_names.contains { $0.lowercased() == "bcc" })
        #expect(parsed.to == [.init(name: "区文明办  Bcc: attacker@evil.example", address: "wmb@example.org")])
        #expect(message.envelopeRecipients == ["wmb@example.org"])
        let subject = try #require(parsed.headers["subject"]?.first)
        #expect(!subject.contains("\r") && !subject.contains("\n"))
        #expect(subject.contains("Bcc: attacker@evil.example"))  // kept as text, inside the subject
    }

    @Test(arguments: [
        "wmb@example.org\r\nBcc: attacker@evil.example", "wmb@example.org>, attacker@evil.example", "a b@example.org",
        "wmb@example.org,attacker@evil.example", "\"quoted\"@example.org", "wmb@", "@example.org", "区文明办@example.org",
        "wmb@exa_mple.org", "wmb@example..org", ".wmb@example.org",
    ])
    func addressesThatCouldInjectAreRefused(_ text: String) {
        #expect(throws: MailError.self) { try MailAddress(text) }
    }

    @Test func addressParsing() throws {
        let address = try MailAddress(parsing: "\"区文明办\" <wmb@example.org>")
        #expect(address.address == "wmb@example.org")
        #expect(address.name == "区文明办")
        #expect(try MailAddress(parsing: " jicha+night@whjc.example.org ").address == "jicha+night@whjc.example.org")
        #expect(try MailAddress(parsing: "x@y.org").domain == "y.org")
    }

    @Test func asciiNamesWithSpecialsAreQuoted() throws {
        var message = try Self.message(subject: "Plain ASCII subject", toName: "Wang, \"Xiao\" Ming")
        message.cc = [try MailAddress("leader@example.org", name: "Office Leader")]
        let raw = try message.render()
        #expect(raw.contains("\r\nSubject: Plain ASCII subject\r\n"))
        #expect(raw.contains("\r\nCc: Office Leader <leader@example.org>\r\n"))
        let parsed = try parseWithPython(message: raw)
        #expect(parsed.to == [.init(name: "Wang, \"Xiao\" Ming", address: "wmb@example.org")])
        #expect(parsed.cc == [.init(name: "Office Leader", address: "leader@example.org")])
    }

    @Test func bccStaysOutOfTheHeaders() throws {
        var message = try Self.message()
        message.bcc = [try MailAddress("archive@example.org")]
        message.cc = [try MailAddress("WMB@example.org")]
        let raw = try message.render()
        #expect(!raw.lowercased().contains("archive@example.org"))
        #expect(message.envelopeRecipients == ["wmb@example.org", "archive@example.org"])
    }

    @Test func sameIdentitySameMessageIDOtherIdentityOther() throws {
        let a = try Self.message()
        var b = try Self.message(subject: "changed")
        b.date = Self.date.addingTimeInterval(3600)
        #expect(a.messageID == b.messageID)
        b.identity = "spring-volunteers@2027-01-29/-1d/mail/wmb"
        #expect(a.messageID != b.messageID)
        #expect(a.messageID == "<almanac.\(MessageID.hash128(a.identity))@example.org>")
        #expect(MessageID.derive(identity: "x", domain: "bad domain") == "<almanac.\(MessageID.hash128("x"))@almanac.invalid>")
    }

    @Test func reservedOrMalformedExtraHeadersAreRefused() throws {
        for name in ["Bcc", "To", "Sub ject", "X:Y", ""] {
            var message = try Self.message()
            message.extraHeaders = [(name, "v")]
            #expect(throws: MailError.self) { try message.render() }
        }
    }

    @Test func bodyLineEndsBecomeCRLFBeforeEncoding() {
        let encoded = MailMessage.encodedBody("a\nb\r\nc\rd")
        let decoded = Data(base64Encoded: encoded.replacingOccurrences(of: "\r\n", with: "")).map { String(decoding: $0, as: UTF8.self) }
        #expect(decoded == "a\r\nb\r\nc\r\nd")
    }

    @Test func dateHeader() {
        #expect(MessageDate.rfc5322(Self.date, timeZone: TimeZone(identifier: "UTC") ?? .current) == "Sun, 29 Nov 2026 01:20:00 +0000")
        #expect(MessageDate.rfc5322(Self.date, timeZone: Self.shanghai) == "Sun, 29 Nov 2026 09:20:00 +0800")
    }
}
