/// An error from the calendar engine: a date that does not exist or lies outside the supported
/// range, or input that cannot be read.
public struct CalendarError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What kind of error this is; new codes may be added.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let name: String
        /// The year is outside the range the calendar supports.
        public static let outOfRange = Code(name: "outOfRange")
        /// The date does not exist: a leap month that the year does not have, day 30 of a
        /// 29-day month, month 13, February 30th.
        public static let noSuchDate = Code(name: "noSuchDate")
        /// The input could not be read (malformed text).
        public static let invalidInput = Code(name: "invalidInput")
        /// A code defined by another part of the engine.
        public init(name: String) { self.name = name }
        public var description: String { name }
    }

    /// The kind of error.
    public var code: Code
    /// A readable explanation that names the offending value.
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
