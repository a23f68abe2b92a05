import Testing

@testable import AlmanacCalendar

@Suite struct ContentHashTests {
    /// Pinned: the digest is part of the plan cache's format (a change needs a new format version).
    @Test func theDigestIsStable() {
        #expect(ContentHash.hash([]).count == ContentHash.size)
        #expect(ContentHash.hash(Array("abc".utf8)) == ContentHash.hash(Array("abc".utf8)))
        #expect(SHA256.hex(ContentHash.hash([])) == SHA256.hex(ContentHash.hash([UInt8]()[...])))
        #expect(SHA256.hex(ContentHash.hash(Array("year    2026\n".utf8))) == "eff51cd41c528fce6c478d6005f16832")
    }

    /// Every single changed bit, in every position of inputs of 0 to 100 bytes (whole words, the
    /// tail, the last byte), changes the digest; so do a byte more or less and a moved slice.
    @Test func anyChangedBitOrLengthChangesTheDigest() {
        var seen = Set<[UInt8]>()
        for length in 0...100 {
            let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ length) }
            let digest = ContentHash.hash(bytes)
            #expect(seen.insert(digest).inserted, "length \(length) collided")
            for index in 0..<length {
                for bit in 0..<8 {
                    var changed = bytes
                    changed[index] ^= UInt8(1) << UInt8(bit)
                    let other = ContentHash.hash(changed)
                    #expect(other != digest, "bit \(bit) of byte \(index) of \(length)")
                    seen.insert(other)
                }
            }
        }
        // Zeros of different lengths (the padding of the last block) differ.
        let zeros = (0...70).map { ContentHash.hash([UInt8](repeating: 0, count: $0)) }
        #expect(Set(zeros).count == zeros.count)
        // The same bytes at another offset of a slice hash as the bytes themselves.
        let long = (0..<5000).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        #expect(ContentHash.hash(long[1000..<4000]) == ContentHash.hash(Array(long[1000..<4000])))
        #expect(ContentHash.hash(long[1000..<4000]) != ContentHash.hash(long[1001..<4001]))
    }

    /// Swapping two 8-byte words, inside a block or between blocks, changes the digest.
    @Test func swappedWordsChangeTheDigest() {
        let words = (0..<16).map { UInt64($0) &* 0x0101_0101_0101_0101 }
        func bytes(_ words: [UInt64]) -> [UInt8] { words.flatMap { w in (0..<8).map { UInt8(truncatingIfNeeded: w >> (8 * UInt64($0))) } } }
        let digest = ContentHash.hash(bytes(words))
        for i in 0..<16 {
            for j in (i + 1)..<16 {
                var swapped = words
                swapped.swapAt(i, j)
                #expect(ContentHash.hash(bytes(swapped)) != digest, "words \(i) and \(j)")
            }
        }
    }
}
