/// Values a one-shot command (almanacctl) leaves to the end of the process instead of freeing them.
///
/// A command that prints a large report exits right after writing it. Freeing the plan in force
/// and the report first hands tens of thousands of boxes, scattered over the heap, back to malloc
/// one by one (for the 10,000-item plan's year agenda some 23 M instructions, and more time than
/// that suggests: each box is a cache miss): work for nothing, since the process's memory goes
/// back to the system as a whole when it exits. Only for values whose life would end with the
/// command anyway, never in the daemon.
public enum ProcessLifetime {
    /// Keeps `value` (one more reference to whatever it holds) until the process exits.
    public static func keepUntilExit<Value>(_ value: Value) {
        _ = Unmanaged.passRetained(Kept(value))
    }

    private final class Kept<Value> {
        let value: Value
        init(_ value: Value) { self.value = value }
    }
}
