import AlmanacHost

#if canImport(Glibc)
import Glibc
#endif

/// almanacctl's standard output and standard error, both written through ``StandardStream``:
/// unbuffered, in the order written, and when the reader has gone (`almanacctl … | head`, a
/// script or test harness that stopped reading) the command ends quietly with status 74
/// (EX_IOERR) instead of trapping in Foundation's `FileHandle.write`.
enum Console {
    /// Makes a closed reader an EPIPE from `write(2)` rather than a SIGPIPE, whatever disposition
    /// the parent left, so the exit status is always 74 (docs/cli.md).
    static func ignoreBrokenPipes() {
        signal(SIGPIPE, SIG_IGN)
    }

    /// Writes `item` and `terminator` on standard output, like the standard library's `print`.
    static func print(_ item: Any, terminator: String = "\n") {
        StandardStream.output.writeOrExit(String(describing: item) + terminator)
    }

    /// Writes `text` as it is on standard output.
    static func write(_ text: String) {
        StandardStream.output.writeOrExit(text)
    }

    /// Writes `bytes` as they are on standard output (a document written as UTF-8 bytes).
    static func write(bytes: [UInt8]) {
        StandardStream.output.writeOrExit(bytes: bytes)
    }

    /// Writes `text` as it is on standard error.
    static func writeError(_ text: String) {
        StandardStream.error.writeOrExit(text)
    }
}
