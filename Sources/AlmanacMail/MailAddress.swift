/// A mail address with an optional display name, e.g. `区文明办 <wmb@example.org>`.
///
/// The address itself (the addr-spec) is restricted to printable ASCII without spaces, quotes,
/// angle brackets, commas or semicolons, so nothing taken from a plan can smuggle a second
/// recipient or a header into a message. Display names may hold any text: control characters are
/// neutralised and non-ASCII names are written as RFC 2047 encoded-words.
public struct MailAddress: Hashable, Sendable, CustomStringConvertible {
    /// `local@domain`.
    public let address: String
    /// The display name, if any (already free of control characters).
    public let name: String?

    /// Checks `address` and keeps `name` for display.
    public init(_ address: String, name: String? = nil) throws(MailError) {
        let trimmed = address.trimmingASCIIWhitespace()
        guard Self.isValid(trimmed) else {
            throw MailError(.invalidAddress, "'\(HeaderText.neutralised(address))' is not a mail address")
        }
        self.address = trimmed
        let cleaned = name.map { HeaderText.neutralised($0).trimmingASCIIWhitespace() }
        self.name = (cleaned?.isEmpty ?? true) ? nil : cleaned
    }

    /// The domain part (after the last `@`).
    public var domain: String {
        guard let at = address.lastIndex(of: "@") else { return "" }
        return String(address[address.index(after: at)...])
    }

    public var description: String { name.map { "\($0) <\(address)>" } ?? address }

    /// Parses `Name <local@domain>` or a bare `local@domain`.
    public init(parsing text: String) throws(MailError) {
        let trimmed = text.trimmingASCIIWhitespace()
        if trimmed.hasSuffix(">"), let open = trimmed.lastIndex(of: "<") {
            let inner = String(trimmed[trimmed.index(after: open)..<trimmed.index(before: trimmed.endIndex)])
            var display = String(trimmed[..<open]).trimmingASCIIWhitespace()
            if display.count >= 2, display.hasPrefix("\""), display.hasSuffix("\"") {
                display = String(display.dropFirst().dropLast())
            }
            try self.init(inner, name: display.isEmpty ? nil : display)
        } else {
            try self.init(trimmed)
        }
    }

    /// `local@domain` with a dot-atom-like local part and a hostname-like domain, ASCII only.
    public static func isValid(_ address: String) -> Bool {
        guard address.utf8.count <= 254 else { return false }
        let parts = address.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, let local = parts.first, let domain = parts.last, !local.isEmpty, !domain.isEmpty,
            local.utf8.count <= 64
        else { return false }
        for byte in local.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"):
                continue
            default:
                guard "!#$%&'*+-/=?^_`{|}~.".utf8.contains(byte) else { return false }
            }
        }
        guard !local.hasPrefix("."), !local.hasSuffix("."), !local.contains("..") else { return false }
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        for label in labels {
            guard !label.isEmpty, label.utf8.count <= 63, !label.hasPrefix("-"), !label.hasSuffix("-") else { return false }
            for byte in label.utf8 {
                switch byte {
                case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                    UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"):
                    continue
                default: return false
                }
            }
        }
        return true
    }
}

extension String {
    func trimmingASCIIWhitespace() -> String {
        var scalars = Substring(self)
        while let first = scalars.first, first == " " || first == "\t" { scalars = scalars.dropFirst() }
        while let last = scalars.last, last == " " || last == "\t" { scalars = scalars.dropLast() }
        return String(scalars)
    }
}
