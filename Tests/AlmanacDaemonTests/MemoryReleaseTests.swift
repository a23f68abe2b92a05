@testable import AlmanacDaemon
import Foundation
import Testing

@Suite struct MemoryReleaseTests {
    /// The page-out advises the read-only file mappings (at least the test executable's code and
    /// Foundation's), and the code runs on afterwards: its pages come back when touched.
    @Test func pagingOutCodeKeepsTheProcessRunning() throws {
        let advised = MemoryRelease.pageOutCode()
        #expect(advised >= 2)
        let handle = try #require(FileHandle(forReadingAtPath: "/proc/self/maps"))
        let maps = String(decoding: try handle.readToEnd() ?? Data(), as: UTF8.self)
        let readOnlyFileMappings = maps.split(separator: "\n").filter { line in
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            return fields.count >= 6 && fields[5].hasPrefix("/") && !fields[1].contains("w")
        }
        #expect(advised <= readOnlyFileMappings.count + 8)  // mappings may come and go meanwhile
        #expect(advised * 2 >= readOnlyFileMappings.count)  // the whole list was read, not its first page
        let formatted = ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: 0))
        #expect(formatted == "1970-01-01T00:00:00Z")
        #expect(MemoryRelease.pageOutCode() >= 2)
    }

    /// After the daemon's allocator settings, a block of 128 KiB or more is mapped on its own (and
    /// unmapped when freed) even after a larger mapped block was freed, which would have raised
    /// glibc's dynamic threshold above it. glibc marks a mapped chunk with bit 1 (IS_MMAPPED) of
    /// the size word just before the block.
    @Test func largeBlocksStayMappedAfterALargerOneIsFreed() throws {
        #if os(Linux)
        MemoryRelease.limitArenas()
        let large = try #require(malloc(8 << 20))
        free(large)
        let block = try #require(malloc(256 << 10))
        defer { free(block) }
        let sizeWord = block.load(fromByteOffset: -MemoryLayout<Int>.size, as: UInt.self)
        #expect(sizeWord & 2 != 0)
        #endif
    }
}
