import Testing

@testable import AlmanacPlan

/// The YAML reader: the tree with positions, and each problem of a document with its place.
@Suite struct YAMLReaderTests {
    static func read(_ text: String, limits: YAMLLimits = .standard) -> Result<YAMLTree?, Diagnostic> {
        YAMLReader.read(fileName: "r.yaml", bytes: Array(text.utf8), limits: limits)
    }

    static func problem(_ text: String, limits: YAMLLimits = .standard) -> String? {
        if case .failure(let diagnostic) = read(text, limits: limits) { return diagnostic.description }
        return nil
    }

    static func at(_ line: Int, _ column: Int) -> AlmanacPlan.SourceLocation { SourceLocation(file: "r.yaml", line: line, column: column) }

    @Test func treeKeepsTextStyleAndPositions() throws {
        let text = "a: plain\nb: 'single'\nc: \"double\"\nd: |\n  literal\ne: [x, {f: 1}]\n"
        let tree = try #require(try Self.read(text).get())
        #expect(
            tree
                == .mapping(
                    [
                        (YAMLKey(text: "a", location: Self.at(1, 1)), .scalar("plain", quoted: false, at: Self.at(1, 4))),
                        // A quoted scalar points at its text, past the quote.
                        (YAMLKey(text: "b", location: Self.at(2, 1)), .scalar("single", quoted: true, at: Self.at(2, 5))),
                        (YAMLKey(text: "c", location: Self.at(3, 1)), .scalar("double", quoted: true, at: Self.at(3, 5))),
                        (YAMLKey(text: "d", location: Self.at(4, 1)), .scalar("literal\n", quoted: true, at: Self.at(4, 4))),
                        (
                            YAMLKey(text: "e", location: Self.at(6, 1)),
                            .sequence(
                                [
                                    .scalar("x", quoted: false, at: Self.at(6, 5)),
                                    .mapping(
                                        [(YAMLKey(text: "f", location: Self.at(6, 9)), .scalar("1", quoted: false, at: Self.at(6, 12)))],
                                        at: Self.at(6, 8)),
                                ], at: Self.at(6, 4))
                        ),
                    ], at: Self.at(1, 1)))
        #expect(try Self.read("").get() == nil)
        #expect(try Self.read("# only a comment\n").get() == nil)
    }

    @Test func aliasesStandForTheirAnchoredNode() throws {
        let tree = try #require(try Self.read("a: &x [1, 2]\nb: *x\n").get())
        #expect(YAMLTree.sameContent(try #require(tree["a"]), try #require(tree["b"])))
        #expect(tree["b"]?.location == Self.at(1, 4))
        #expect(Self.problem("a: *nowhere\n") == "r.yaml:1:4: error: malformed YAML: found undefined alias")
    }

    @Test func duplicateKeysNameEveryKeyAndTheFirstPlace() {
        #expect(Self.problem("a: 1\na: 2\n") == "r.yaml:1:1: error: duplicate key 'a' in a mapping")
        // Every duplicated key, sorted; the place of the first of them where it is first written.
        #expect(Self.problem("b: 1\na: 2\nb: 3\na: 4\n") == "r.yaml:2:1: error: duplicate key 'a', 'b' in a mapping")
        // A quoted key is the same key as a plain one.
        #expect(Self.problem("x: 1\n'y': 2\ny: 3\n") == "r.yaml:2:1: error: duplicate key 'y' in a mapping")
        // Keys of different mappings do not clash; inner mappings are checked too.
        #expect(Self.problem("- a: 1\n- a: 2\n") == nil)
        #expect(Self.problem("top:\n  in: {k: 1, k: 2}\n") == "r.yaml:2:8: error: duplicate key 'k' in a mapping")
        // Large mappings, where the keys are kept in a set.
        let many = (1...20).map { "k\($0): \($0)\n" }.joined()
        #expect(Self.problem(many) == nil)
        #expect(Self.problem(many + "k3: again\nk17: again\n") == "r.yaml:17:1: error: duplicate key 'k17', 'k3' in a mapping")
        // A key written with an explicit tag other than text is another key.
        #expect(Self.problem("!!int 1: a\n1: b\n") == nil)
    }

    @Test func syntaxErrorsComeBeforeLimitsAndKeyShapes() {
        let small = YAMLLimits(maxNodes: 100, maxDepth: 1)
        #expect(Self.problem("a: [[x]]\n", limits: small) == "r.yaml:1:5: error: nesting deeper than 1 levels")
        // A later syntax error is reported instead of the depth.
        #expect(Self.problem("a: [[x]]\nb: [\n", limits: small)?.hasPrefix("r.yaml:3:1: error: malformed YAML:") == true)
        // So is a later duplicate key, and a second document.
        #expect(Self.problem("a: [[x]]\nb: 1\nb: 2\n", limits: small) == "r.yaml:2:1: error: duplicate key 'b' in a mapping")
        #expect(
            Self.problem("a: 1\n---\nb: 2\n")
                == "r.yaml:2:1: error: malformed YAML: but found another document (expected a single document in the stream at line 1 column 1)")
    }

    @Test func nodeAndDepthLimitsCountWhatAliasesRepeat() {
        // 1 + 2 + 2 nodes under the root mapping, keys not counted.
        let text = "a: &x [1]\nb: *x\n"
        #expect(Self.problem(text, limits: YAMLLimits(maxNodes: 5)) == nil)
        #expect(
            Self.problem(text, limits: YAMLLimits(maxNodes: 4))
                == "r.yaml:1:1: error: document expands to more than 4 nodes (YAML aliases that expand without bound?)")
        // The anchored list is 2 levels deep at depth 1; repeated one level deeper, its item is too deep.
        let deeper = "a: &x ['q']\nb: [*x]\n"
        #expect(Self.problem(deeper, limits: YAMLLimits(maxDepth: 3)) == nil)
        #expect(Self.problem(deeper, limits: YAMLLimits(maxDepth: 2)) == "r.yaml:1:8: error: nesting deeper than 2 levels")
    }

    @Test func controlCharactersAreUnreadableAtTheirPlace() {
        #expect(Self.problem("a: ok\nb: x\u{01}\n") == "r.yaml:2:5: error: unreadable YAML: control characters are not allowed")
    }
}
