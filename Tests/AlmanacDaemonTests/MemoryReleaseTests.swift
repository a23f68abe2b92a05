@testable import AlmanacDaemon
#if os(Linux)
import CSystemd
#endif
import Foundation
import Testing

@Suite struct MemoryReleaseTests {
    /// The page-out advises the private file mappings (at least the test executable's code and
    /// Foundation's, and their data), and the code runs on afterwards: its pages come back when
    /// touched, type metadata and constants included.
    @Test func pagingOutCodeKeepsTheProcessRunning() throws {
        let advised = MemoryRelease.pageOutCode()
        #expect(advised >= 2)
        let handle = try #require(FileHandle(forReadingAtPath: "/proc/self/maps"))
        let maps = String(decoding: try handle.readToEnd() ?? Data(), as: UTF8.self)
        let privateFileMappings = maps.split(separator: "\n").filter { line in
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            return fields.count >= 6 && fields[5].hasPrefix("/") && fields[1].hasSuffix("p")
        }
        #expect(advised <= privateFileMappings.count + 8)  // mappings may come and go meanwhile
        #expect(advised * 2 >= privateFileMappings.count)  // the whole list was read, not its first page
        let formatted = ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: 0))
        #expect(formatted == "1970-01-01T00:00:00Z")
        #expect(MemoryRelease.pageOutCode() >= 2)
    }

    /// After the daemon's allocator settings, a block of 128 KiB or more that the arenas' free
    /// memory cannot hold is mapped on its own (and unmapped when freed), even after a larger
    /// mapped block was freed, which would have raised glibc's dynamic threshold above it.
    ///
    /// The threshold is only asked when the arena's free chunks and its top cannot serve the
    /// request, and in a test process that runs other suites beside this one the arenas may hold
    /// many megabytes free: the test takes blocks of 256 KiB until one is mapped, and fails if
    /// more than all the free memory `mallinfo2` reported (twice over, plus 16 MiB for what other
    /// threads free meanwhile) went by without one. Without the setting none is ever mapped: the
    /// heap grows instead. glibc marks a mapped chunk with bit 1 (IS_MMAPPED) of the size word
    /// just before the block.
    @Test func largeBlocksStayMappedAfterALargerOneIsFreed() throws {
        #if os(Linux)
        MemoryRelease.limitArenas()
        let large = try #require(malloc(8 << 20))
        free(large)
        let blockSize = 256 << 10
        let bound = (2 * mallinfo2().fordblks + (16 << 20)) / blockSize + 1
        var taken: [UnsafeMutableRawPointer] = []
        defer { taken.forEach { free($0) } }
        var mapped = false
        while !mapped, taken.count < bound {
            let block = try #require(malloc(blockSize))
            taken.append(block)
            let sizeWord = block.load(fromByteOffset: -MemoryLayout<Int>.size, as: UInt.self)
            mapped = sizeWord & 2 != 0
        }
        #expect(mapped, "no mapped block among \(taken.count) of 256 KiB")
        #endif
    }
}
