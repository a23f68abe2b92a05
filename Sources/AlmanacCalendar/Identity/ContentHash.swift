/// A 128-bit hash of bytes, for noticing that a file or a stored payload changed: the plan
/// cache's keys, the digests of the files a cached load read and the checksums of its entries
/// (docs/cli.md, "The plan cache").
///
/// Not cryptographic: it finds changes and damage, not a forger's collisions. The cache lives in
/// the user's own directory, and whoever can write there can write the plan files too. Where an
/// adversary matters (the robots' signatures) ``SHA256`` is used.
///
/// The bytes are read as little-endian 8-byte words, 32 bytes at a time, into two lanes of 64
/// bits; each step multiplies two words (each mixed with the lane and a constant) to 128 bits
/// and folds the halves into the lane. The length goes into the start, the last partial block is
/// padded with zeros, and the two lanes are mixed twice more at the end. Several gigabytes a
/// second, where SHA-256 here does about 220 MB/s.
public enum ContentHash {
    static let k0: UInt64 = 0xa076_1d64_78bd_642f
    static let k1: UInt64 = 0xe703_7ed1_a0b4_28db
    static let k2: UInt64 = 0x8ebc_6af0_9c88_c6e3
    static let k3: UInt64 = 0x5899_65cc_7537_4cc3
    static let k4: UInt64 = 0x1d8e_4e27_c47d_124f

    /// The length of a digest in bytes.
    public static let size = 16

    /// The 16-byte digest of `bytes`.
    public static func hash(_ bytes: [UInt8]) -> [UInt8] { hash(bytes[...]) }

    /// The 16-byte digest of part of a byte array, without copying it.
    public static func hash(_ bytes: ArraySlice<UInt8>) -> [UInt8] {
        bytes.withUnsafeBytes { hash($0) }
    }

    /// The 16-byte digest of the bytes of `buffer`.
    public static func hash(_ buffer: UnsafeRawBufferPointer) -> [UInt8] {
        let (h0, h1) = lanes(buffer)
        var digest = [UInt8](repeating: 0, count: size)
        for i in 0..<8 {
            digest[i] = UInt8(truncatingIfNeeded: h0 >> (8 * UInt64(i)))
            digest[8 + i] = UInt8(truncatingIfNeeded: h1 >> (8 * UInt64(i)))
        }
        return digest
    }

    @inline(__always)
    static func mix(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let product = a.multipliedFullWidth(by: b)
        return product.high ^ product.low
    }

    @inline(__always)
    static func word(_ buffer: UnsafeRawBufferPointer, _ offset: Int) -> UInt64 {
        UInt64(littleEndian: buffer.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }

    /// The two 64-bit halves of the digest.
    static func lanes(_ buffer: UnsafeRawBufferPointer) -> (UInt64, UInt64) {
        let length = UInt64(buffer.count)
        var s0 = k0 ^ length
        var s1 = mix(length ^ k1, k4)
        // Both factors of a step depend on the lane, so no fixed word makes a product ignore
        // its other word; a step keeps its lane (`^=`), so a product of zero cannot erase what
        // came before.
        @inline(__always) func step(_ w0: UInt64, _ w1: UInt64, _ w2: UInt64, _ w3: UInt64) {
            s0 ^= mix(w0 ^ s0 ^ k2, w1 ^ (s0 >> 32 | s0 << 32) ^ k1)
            s1 ^= mix(w2 ^ s1 ^ k3, w3 ^ (s1 >> 32 | s1 << 32) ^ k0)
        }
        let whole = buffer.count / 32 * 32
        var offset = 0
        while offset < whole {
            step(word(buffer, offset), word(buffer, offset + 8), word(buffer, offset + 16), word(buffer, offset + 24))
            offset += 32
        }
        if offset < buffer.count {
            var tail: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
            withUnsafeMutableBytes(of: &tail) { block in
                block.copyMemory(from: UnsafeRawBufferPointer(rebasing: buffer[offset...]))
            }
            step(UInt64(littleEndian: tail.0), UInt64(littleEndian: tail.1), UInt64(littleEndian: tail.2), UInt64(littleEndian: tail.3))
        }
        let h0 = mix(s0 ^ k3, s1 ^ k4)
        let h1 = mix(s1 ^ k0, s0 ^ h0 ^ k2)
        return (mix(h0 ^ k1, h1 ^ length), h1 ^ mix(h0 ^ k4, s1 ^ k3))
    }
}
