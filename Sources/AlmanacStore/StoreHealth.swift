/// How the state store is faring, as far as it can tell without being asked to do anything:
/// whether its writes fail for a reason an operator must fix (a full disk, a read-only file
/// system), and how large its write-ahead log has grown.
public struct StoreHealth: Sendable, Hashable {
    /// The last write that failed for lack of room or permission (``StoreError/Code/diskFull``,
    /// `.readOnly`, `.ioError`, `.cannotOpen`), while no write has succeeded since; `nil` when the
    /// last write succeeded.
    public var writeFailure: StoreError?
    /// Bytes in the write-ahead log (`state.db-wal`); `nil` when there is none.
    public var walBytes: Int64?
    /// Writes that succeeded since the store was opened (to tell whether there is anything to
    /// checkpoint).
    public var writes: Int

    public init(writeFailure: StoreError? = nil, walBytes: Int64? = nil, writes: Int = 0) {
        self.writeFailure = writeFailure
        self.walBytes = walBytes
        self.writes = writes
    }

    /// The failure codes that are resource faults: they last until the cause goes.
    public static let resourceFaults: Set<StoreError.Code> = [.diskFull, .readOnly, .ioError, .cannotOpen]
}

/// A store whose file the daemon looks after: health, a probe that tells when writes work again,
/// and a checkpoint that keeps the write-ahead log small.
public protocol StoreMaintenance: Sendable {
    /// The store's health now (no I/O but a `stat` of the log).
    func health() -> StoreHealth
    /// A small write that needs fresh room in the file and the log, undone in the same
    /// transaction: succeeds once writes work again (and clears ``StoreHealth/writeFailure``).
    func probeWrite() throws(StoreError)
    /// Copies the write-ahead log into the database and truncates it
    /// (`PRAGMA wal_checkpoint(TRUNCATE)`); readers that hold old pages may keep it from
    /// truncating all of it.
    func checkpoint() throws(StoreError)
    /// Calls `observer` after every write, whether it succeeded or failed (on the writing thread;
    /// keep it short): the upkeep then has something to look at, and an idle store needs no polling.
    /// One observer; a second call replaces the first.
    func observeWrites(_ observer: @escaping @Sendable () -> Void)
}
