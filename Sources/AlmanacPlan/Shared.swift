/// A value kept in an immutable box that copies share: 8 bytes inline instead of the value's
/// size. For the parts of items and series that are large, rarely set or mostly the same for every
/// item (a reminder policy, a quota, an edition): a plan of 10,000 items holds them 30,000 times
/// (items and their series per year) and an idle daemon keeps them all. Setting the value puts it
/// in a new box; equality and hashing are the value's.
public struct Shared<Value: Sendable & Hashable>: Sendable, Hashable {
    private final class Box: Sendable {
        let value: Value
        init(_ value: Value) { self.value = value }
    }

    private var box: Box

    public init(_ value: Value) { box = Box(value) }

    public var value: Value {
        get { box.value }
        set { box = Box(newValue) }
    }

    public static func == (a: Shared, b: Shared) -> Bool { a.box === b.box || a.value == b.value }

    public func hash(into hasher: inout Hasher) { hasher.combine(value) }
}
