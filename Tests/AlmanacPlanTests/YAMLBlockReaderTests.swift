import Foundation
import Testing

@testable import AlmanacPlan

/// The block-style reader is a shortcut past libyaml: whatever text it reads, it must give the tree
/// libyaml's reading gives (text, style and every position), and it may decline anything. These
/// tests compare the two on the repository's plans, on texts written to probe each of its rules,
/// and on thousands of mutated texts.
@Suite struct YAMLBlockReaderTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// The shortcut's tree, or nil when it declines.
    static func shortcut(_ bytes: [UInt8], limits: YAMLLimits = .standard) -> YAMLTree? {
        var body = bytes[...]
        if body.starts(with: [0xEF, 0xBB, 0xBF]) { body = body.dropFirst(3) }
        guard String(validating: body, as: UTF8.self) != nil, !body.contains(0) else { return nil }
        return body.withUnsafeBufferPointer { BlockYAMLReader.read($0, fileName: "p.yaml", limits: limits) }
    }

    /// libyaml's answer alone.
    static func libyaml(_ bytes: [UInt8], limits: YAMLLimits = .standard) -> Result<YAMLTree?, Diagnostic> {
        YAMLReader.read(fileName: "p.yaml", bytes: bytes, limits: limits, shortcut: false)
    }

    /// Nil when the whole reading (its checks, then the shortcut or libyaml) answers what libyaml's
    /// reading answers alone; otherwise what differs.
    static func disagreement(_ text: String, limits: YAMLLimits = .standard) -> String? {
        let bytes = Array(text.utf8)
        let fast = YAMLReader.read(fileName: "p.yaml", bytes: bytes, limits: limits, shortcut: true)
        let slow = libyaml(bytes, limits: limits)
        switch (fast, slow) {
        case (.success(let a), .success(let b)) where a == b: return nil
        case (.failure(let a), .failure(let b)) where a == b: return nil
        default: return "shortcut \(fast)\nlibyaml  \(slow)"
        }
    }

    static func reads(_ text: String) -> Bool { shortcut(Array(text.utf8)) != nil }

    // MARK: - The repository's plans

    static func repositoryYAML() throws -> [URL] {
        let folders = ["config", "scripts/fixtures", "Tests", "docs", "units", "Benchmarks"]
        var found: [URL] = []
        for folder in folders {
            guard let walker = FileManager.default.enumerator(at: root.appendingPathComponent(folder), includingPropertiesForKeys: nil)
            else { continue }
            for case let url as URL in walker where url.pathExtension == "yaml" || url.pathExtension == "yml" {
                found.append(url)
            }
        }
        return found
    }

    @Test func everyYAMLFileOfTheRepositoryReadsAsLibyamlReadsIt() throws {
        let files = try Self.repositoryYAML()
        #expect(files.count >= 10)
        for file in files {
            let text = try String(contentsOf: file, encoding: .utf8)
            #expect(Self.disagreement(text) == nil, "\(file.path)")
        }
    }

    @Test func theShippedPlansTakeTheShortcut() throws {
        for name in ["config/plans/zhalainuoer.yaml", "config/plans/zhalainuoer/units.yaml", "config/plans/zhalainuoer/civilized-city.yaml"] {
            let text = try String(contentsOf: Self.root.appendingPathComponent(name), encoding: .utf8)
            #expect(Self.reads(text), "\(name)")
        }
    }

    @Test func emittedPlansTakeTheShortcut() throws {
        // The YAML almanac writes (the emitter behind `draft` and `convert`) is read without libyaml.
        let plan = try #require(try loadSample().plan)
        let emitted = PlanEmitter.emit(plan)
        #expect(Self.reads(emitted))
        #expect(Self.disagreement(emitted) == nil)
    }

    // MARK: - Each rule

    /// Texts the shortcut must read (and read as libyaml does).
    static let readable: [String] = [
        "a: 1\n",
        "a: 1",
        "a: 1\r\nb: 2\r\n",
        "# head\n\na: 1   # note\n\n   # indented comment\nb:   two words  \n",
        "a:\n  b: 1\n  c:\n    - x\n    - 'y'\n    - \"z\"\n",
        "a:\n- 1\n- 2\nb: 3\n",
        "- a\n- b: 1\n  c: 2\n- - x\n  - y\n-\n- # empty\n-\n  k: v\n",
        "a:\nb:   # nothing\nc: 1\n",
        "'quoted key': 1\n\"double key\" : 2\nplain key  : 3\n",
        "a: 'it''s'\nb: '''x'''\nc: ''\nd: \"\"\n",
        "a: \"tab\\tnew\\nquote\\\" slash\\\\ \\x41\\u00e9\\U0001F600 \\/ \\_ \\0\"\n",
        "a: [x, 'y', \"z\", [1, 2], {k: v}]\nb: {c: 1, 'd': [e], \"f\": {g: h}}\nc: []\nd: {}\ne: [ a , b ]\n",
        "leads: [-5wd, -1d, 0d]\ntime: 08:30\ntimes: [08:30, 14:00]\nurl: http://example.org/a#b\n",
        "a: b:c\nd: x#y\ne: -1\nf: ?x\ng: :x\nh: a - b\n",
        "title: 春节前 走访慰问\n名称: 中文键\nowners: [办公室, 宣传部]\n",
        "a:\n  b\nc: 1\n",
        "k: ---\nl: ...\n",
        "  a: 1\n  b: 2\n",
        "- 1\n- 2\n",
        "a: ~\nb: null\nc: true\n",
        "items:\n  - id: a\n    when: \"02-14\"\n    remind: {leads: [-10wd, -3d, -1d]}\n  - id: b\n    when: 08-04..08-20\n",
    ]

    /// Texts the shortcut must leave to libyaml (outside its style, or mistakes).
    static let declined: [String] = [
        "",
        "# only a comment\n",
        "a: &x 1\nb: *x\n",
        "a: !!str 1\n",
        "%YAML 1.1\n---\na: 1\n",
        "---\na: 1\n",
        "a: 1\n...\n",
        "a: |\n  text\n",
        "a: >\n  text\n",
        "a: one\n  two\n",
        "a: one\n\n  two\n",
        "a: 'one\n  two'\n",
        "a: \"one\\\n  two\"\n",
        "a: [x,\n  y]\n",
        "a:\tb\n",
        "a: 1\rb: 2\n",
        "a: 1\n\u{FEFF}b: 2\n",
        "a: \u{85}\n",
        "a: x\u{2028}y\n",
        "a: 1\na: 2\n",
        "a: {b: 1, b: 2}\n",
        "a: [x, , y]\n",
        "a: [x, y, ]\n",
        "a: {b, c: 1}\n",
        "a: {b: }\n",
        "a: {b:1}\n",
        "[a]: 1\n",
        "{a: 1}: 2\n",
        "? a\n: 1\n",
        "a]: 1\n",
        "x, *a : 1\n",
        "a: b: c\n",
        "a: 'x' y\n",
        "a: 'x'# c\n",
        "a: [x]# c\n",
        "a: @x\n",
        "a: `x\n",
        "a: - x\n",
        "a: \"\\q\"\n",
        "a: \"\\ud800\"\n",
        "a: 1\n- b\n",
        "- a\nb: 1\n",
        "a:\n    b: 1\n  c: 2\n",
        "a: [x: 1]\n",
        "a: [x:, y]\n",
        "a: 'unclosed\n",
        "a: \u{1}\n",
    ]

    @Test func readsItsStyleAsLibyamlDoes() {
        for text in Self.readable {
            #expect(Self.reads(text), "\(text.debugDescription)")
            #expect(Self.disagreement(text) == nil, "\(text.debugDescription)")
        }
    }

    @Test func leavesTheRestToLibyaml() {
        for text in Self.declined {
            #expect(!Self.reads(text), "\(text.debugDescription)")
        }
    }

    @Test func limitsAreLeftToLibyaml() {
        let deep = (0..<70).map { String(repeating: "  ", count: $0) + "k\($0):" }.joined(separator: "\n") + " x\n"
        #expect(!Self.reads(deep))
        #expect(Self.disagreement(deep) == nil)
        let many = "a: [1, 2, 3, 4, 5]\n"
        #expect(Self.shortcut(Array(many.utf8), limits: YAMLLimits(maxNodes: 4)) == nil)
        #expect(Self.shortcut(Array(many.utf8), limits: YAMLLimits(maxNodes: 7)) != nil)
    }

    @Test func takesOnlyValidUTF8() {
        func simple(_ bytes: [UInt8]) -> Bool { bytes.withUnsafeBufferPointer { BlockYAMLReader.isSimpleUTF8($0) } }
        // Ill-formed: overlong, surrogate, past U+10FFFF, a lone continuation byte, cut short.
        for bad: [UInt8] in [[0xC0, 0x80], [0xC1, 0xBF], [0xE0, 0x80, 0x80], [0xED, 0xA0, 0x80], [0xF0, 0x80, 0x80, 0x80],
            [0xF4, 0x90, 0x80, 0x80], [0xF5, 0x80, 0x80, 0x80], [0x80], [0xE4, 0xB8], [0x61, 0xE4]]
        {
            #expect(!simple(bad), "\(bad)")
        }
        for good in ["a", "中文", "é", "\u{10FFFF}", "\u{FFFD}", "\u{E000}", "𝄞", "a\r\nb"] {
            #expect(simple(Array(good.utf8)), "\(good.debugDescription)")
        }
        // Random bytes, many of them lead and continuation bytes: what it takes is valid UTF-8.
        var generator = Generator(state: 42)
        let alphabet: [UInt8] = [0x61, 0x20, 0x0A, 0x0D, 0x09, 0x00, 0x7F, 0x80, 0x85, 0x9F, 0xA0, 0xA8, 0xBB, 0xBE, 0xBF, 0xC0,
            0xC2, 0xDF, 0xE0, 0xE2, 0xE4, 0xED, 0xEF, 0xF0, 0xF4, 0xF5, 0xFF]
        var taken = 0
        for _ in 0..<50_000 {
            let bytes = (0..<(1 + generator.below(6))).map { _ in alphabet[generator.below(alphabet.count)] }
            if simple(bytes) {
                taken += 1
                #expect(String(validating: bytes, as: UTF8.self) != nil, "\(bytes)")
            }
        }
        #expect(taken > 1000)
    }

    @Test func positionsCountCharactersNotBytes() throws {
        let tree = try #require(Self.shortcut(Array("名称: [甲, '乙']\n".utf8)))
        guard case .mapping(let pairs, _) = tree, case .sequence(let items, let at) = pairs[0].value else {
            Issue.record("not a mapping of a list")
            return
        }
        #expect(at.column == 5)
        #expect(items.map(\.location.column) == [6, 10])
    }

    // MARK: - Mutations

    /// A small deterministic generator (SplitMix64), so a failure can be run again.
    struct Generator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
    }

    static let pieces = [
        ": ", "- ", "-", ":", "#", " #", "'", "''", "\"", "\\", "[", "]", "{", "}", ",", ", ", " ", "  ", "\n", "\n  ",
        "\n- ", "\t", "*a", "&a ", "!", "|", ">", "? ", "---\n", "...", "\r\n", "\r", "é", "中", "a", "0", "~", "%", "@",
        "\\n", "\\u00e9", "k: v\n", "x:\n  - y\n",
    ]

    @Test func mutatedPlansReadAsLibyamlReadsThem() throws {
        let sample = try String(contentsOf: Self.root.appendingPathComponent("config/plans/zhalainuoer.yaml"), encoding: .utf8)
        let sampleLines = sample.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var generator = Generator(state: 20_261_207)
        var read = 0
        for round in 0..<20_000 {
            // A window of the sample plan (from a line that starts an entry or a key, so that most
            // windows are plans in little) or one of the probes, then one or two changes.
            var scalars: [Unicode.Scalar]
            if generator.below(3) == 0 {
                let all = Self.readable + Self.declined
                scalars = Array(all[generator.below(all.count)].unicodeScalars)
            } else {
                var start = generator.below(sampleLines.count)
                while start > 0, !(sampleLines[start].hasPrefix("  - ") || sampleLines[start].first?.isLetter == true) { start -= 1 }
                let end = min(sampleLines.count, start + 1 + generator.below(30))
                scalars = Array(sampleLines[start..<end].joined(separator: "\n").unicodeScalars)
            }
            for _ in 0...generator.below(2) {
                let at = scalars.isEmpty ? 0 : generator.below(scalars.count + 1)
                switch generator.below(5) {
                case 0, 1:
                    scalars.insert(contentsOf: Self.pieces[generator.below(Self.pieces.count)].unicodeScalars, at: at)
                case 2:
                    let end = min(scalars.count, at + 1 + generator.below(4))
                    if at < end { scalars.removeSubrange(at..<end) }
                case 3:
                    // Indent or outdent a line.
                    var lineStart = at
                    while lineStart > 0, scalars[lineStart - 1] != "\n" { lineStart -= 1 }
                    if generator.below(2) == 0 {
                        scalars.insert(contentsOf: Array(repeating: " ", count: 1 + generator.below(3)), at: lineStart)
                    } else if lineStart < scalars.count, scalars[lineStart] == " " {
                        scalars.remove(at: lineStart)
                    }
                default:
                    // Repeat a line.
                    var lineStart = at
                    while lineStart > 0, scalars[lineStart - 1] != "\n" { lineStart -= 1 }
                    var lineEnd = at
                    while lineEnd < scalars.count, scalars[lineEnd] != "\n" { lineEnd += 1 }
                    let line = Array(scalars[lineStart..<min(scalars.count, lineEnd + 1)])
                    scalars.insert(contentsOf: line, at: lineStart)
                }
            }
            var text = ""
            text.unicodeScalars.append(contentsOf: scalars)
            if Self.reads(text) { read += 1 }
            let problem = Self.disagreement(text)
            #expect(problem == nil, "round \(round): \(text.debugDescription)\n\(problem ?? "")")
            if problem != nil { break }
        }
        // Most mutated texts stay in the shortcut's style, so the comparison is not an empty one.
        #expect(read > 4000)
    }
}
