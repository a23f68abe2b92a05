import CSystemd
import Foundation
import Synchronization

/// What glibc's allocator keeps after a large load. Loading, re-planning and building the feeds
/// run on threads of their own; glibc gives each thread an arena (up to eight per core) and keeps
/// the memory freed in it for reuse, so a daemon that once held a plan three times over would
/// stay that large while idle. Two arenas, and the free memory handed back after each heavy step,
/// keep the idle daemon at what the plan in force needs (docs/benchmarks.md, "Idle memory").
enum MemoryRelease {
    /// At most two malloc arenas (as `MALLOC_ARENA_MAX=2` would): the main one and one for the
    /// worker threads; and every block of 128 KiB or more in a mapping of its own, returned to the
    /// system when it is freed. Call once, before the plan loads and the services start.
    ///
    /// The mmap threshold starts at 128 KiB, but glibc raises it to the size of each mapped block
    /// that is freed (up to 32 MiB), so after the first large temporaries of a load (the YAML
    /// tree's arrays, the expansion's, the feed text) later ones land in the arenas, between
    /// blocks that stay, and that memory is never given back (`malloc_trim` returns only whole
    /// free pages). Setting the threshold fixes it at 128 KiB. Measured (docs/benchmarks.md,
    /// thirteenth part; `GLIBC_TUNABLES=glibc.malloc.mmap_threshold=131072` on the same build):
    /// 10,000 office-mix items idle at RssAnon 45 instead of 57 MiB, peak 207 instead of 227 MiB,
    /// the sample plan at 7.3 instead of 9.1 MiB; a lower threshold (32 KiB) gained nothing more.
    static func limitArenas() {
        _ = mallopt(M_ARENA_MAX, 2)
        _ = mallopt(M_MMAP_THRESHOLD, 128 * 1024)
    }

    /// Returns the free memory at the top of every arena and the free pages inside them to the
    /// system (`malloc_trim(0)`). Call after a load, a re-plan or a feed build, off the pool.
    static func trim() {
        _ = malloc_trim(0)
    }

    /// ``trim()`` on a thread of its own (it walks every arena: milliseconds on a large heap).
    static func trimOffPool() async {
        await BlockingWork.run("almanac-trim", priority: .background) { _ in trim() }
    }

    // MARK: - Code that an idle daemon does not run

    /// How long the daemon must have been quiet before its code is paged out.
    static let quietBeforePageOut: Duration = .seconds(5)

    private static let pendingPageOut = Mutex<Task<Void, Never>?>(nil)

    /// Notes that the daemon worked (a state change, a publish): ``pageOutCode()`` runs once it
    /// has been quiet for ``quietBeforePageOut``. One pending page-out at most, and none while
    /// nothing happens, so an idle daemon still has no wake-ups of its own.
    static func noteActivity() {
        let task = Task.detached(priority: .background) {
            do { try await Task.sleep(for: quietBeforePageOut) } catch { return }
            await BlockingWork.run("almanac-pageout", priority: .background) { _ in _ = pageOutCode() }
        }
        pendingPageOut.withLock { pending in
            pending?.cancel()
            pending = task
        }
    }

    /// Asks the kernel to reclaim the resident pages of the file mappings (the executable's and
    /// the libraries' code and constants, and the clean pages of their data: type metadata that
    /// was read at start): most of them ran once, at start or in the last load, and an idle
    /// daemon waits hours for its next reminder. The kernel keeps a page that another process
    /// maps too (libc), and a page this process wrote (it is anonymous, not the file's). A page
    /// needed again is read back when it is first touched.
    ///
    /// Returns the number of mappings advised. Linux 5.4 or later (`MADV_PAGEOUT`); on older
    /// kernels the advice is refused and nothing changes.
    @discardableResult
    static func pageOutCode() -> Int {
        #if os(Linux)
        // Read to the end: a /proc file says it is empty, and one read gives a page of it.
        guard let handle = FileHandle(forReadingAtPath: "/proc/self/maps"), let data = try? handle.readToEnd(),
            let maps = String(data: data, encoding: .utf8)
        else { return 0 }
        try? handle.close()
        var advised = 0
        for line in maps.split(separator: "\n") {
            // 7f2c1a000000-7f2c1a021000 r-xp 00000000 08:01 1234  /usr/lib/x86_64-linux-gnu/libc.so.6
            let fields = line.split(separator: " ", maxSplits: 5, omittingEmptySubsequences: true)
            guard fields.count == 6, fields[5].drop(while: { $0 == " " }).hasPrefix("/"), fields[1].count == 4,
                fields[1].last == "p"
            else { continue }
            let range = fields[0].split(separator: "-")
            guard range.count == 2, let start = UInt(range[0], radix: 16), let end = UInt(range[1], radix: 16), end > start,
                let address = UnsafeMutableRawPointer(bitPattern: start)
            else { continue }
            if madvise(address, Int(end - start), 21 /* MADV_PAGEOUT */) == 0 { advised += 1 }
        }
        return advised
        #else
        return 0
        #endif
    }
}
