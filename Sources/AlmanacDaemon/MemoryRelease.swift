import CSystemd

/// What glibc's allocator keeps after a large load. Loading, re-planning and building the feeds
/// run on threads of their own; glibc gives each thread an arena (up to eight per core) and keeps
/// the memory freed in it for reuse, so a daemon that once held a plan three times over would
/// stay that large while idle. Two arenas, and the free memory handed back after each heavy step,
/// keep the idle daemon at what the plan in force needs (docs/benchmarks.md, "Idle memory").
enum MemoryRelease {
    /// At most two malloc arenas (as `MALLOC_ARENA_MAX=2` would): the main one and one for the
    /// worker threads. Call once, before the services start.
    static func limitArenas() {
        _ = mallopt(M_ARENA_MAX, 2)
    }

    /// Returns the free memory at the top of every arena and the free pages inside them to the
    /// system (`malloc_trim(0)`). Call after a load, a re-plan or a feed build, off the pool.
    static func trim() {
        _ = malloc_trim(0)
    }

    /// ``trim()`` on a thread of its own (it walks every arena: milliseconds on a large heap).
    static func trimOffPool() async {
        await BlockingWork.run("almanac-trim") { _ in trim() }
    }
}
