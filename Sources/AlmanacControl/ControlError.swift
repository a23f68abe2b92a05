import AlmanacPlan

/// A structured error of the control protocol: a stable machine-readable code, a readable message, and,
/// for `invalid_plan`, the diagnostics of the plan that was refused.
///
/// On the wire: `{"code":"unauthorized","message":"..."}`.
public struct ControlError: Error, Codable, Sendable, Hashable, CustomStringConvertible {
    /// A stable error code. New codes may be added; clients treat unknown codes like `internal`.
    public struct Code: RawRepresentable, Codable, Sendable, Hashable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public init(_ rawValue: String) { self.rawValue = rawValue }

        public var description: String { rawValue }

        /// The request line is not valid JSON, or its fields have the wrong types or values.
        public static let badRequest = Code("bad_request")
        /// The request's `v` is not a protocol version this server speaks.
        public static let unsupportedVersion = Code("unsupported_version")
        /// The request's `cmd` is not a command this server knows.
        public static let unknownCommand = Code("unknown_command")
        /// The caller may read but not change state (needs root or the admin group).
        public static let unauthorized = Code("unauthorized")
        /// The named item or occurrence does not exist in the loaded plan.
        public static let notFound = Code("not_found")
        /// The plan (on reload) has errors; `diagnostics` lists them. The old plan stays in force.
        public static let invalidPlan = Code("invalid_plan")
        /// A request line exceeded the size limit; the connection is closed after this reply.
        public static let tooLarge = Code("too_large")
        /// The server has too many connections open; this one is closed after this reply.
        public static let busy = Code("busy")
        /// The client was silent for longer than the idle timeout; the connection is closed.
        public static let idleTimeout = Code("idle_timeout")
        /// The daemon is not ready to answer this (for example: no plan loaded yet).
        public static let unavailable = Code("unavailable")
        /// Something failed inside the daemon; details are in its journal.
        public static let internalError = Code("internal")
    }

    public var code: Code
    public var message: String
    /// Plan diagnostics, for `invalid_plan`.
    public var diagnostics: [Diagnostic]?

    public init(_ code: Code, _ message: String, diagnostics: [Diagnostic]? = nil) {
        self.code = code
        self.message = message
        self.diagnostics = diagnostics
    }

    public var description: String { "\(code.rawValue): \(message)" }
}
