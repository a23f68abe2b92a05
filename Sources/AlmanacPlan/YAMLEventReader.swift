internal import CYaml

/// Builds a `YAMLTree` straight from libyaml's events, in one pass: no intermediate node tree.
///
/// It answers what composing a node tree first and converting it gave: the same tree, and the
/// same diagnostic for a bad document, in the same order of precedence. Errors of the YAML text
/// (libyaml's reader, scanner and parser), undefined aliases, duplicate keys (found when their
/// mapping ends) and a second document stop the read where they are found; the limits (nodes
/// after aliases are expanded, depth) and keys that are not text are only reported for a document
/// that reads without those errors, the first one in document order.
///
/// An alias stands for its anchored tree (shared, not copied) and counts every node of it, as a
/// walk of the expanded document would: the trees keep their node count and height.
struct EventReader {
    /// A node an anchor names: its tree, the nodes and levels it counts when an alias repeats it,
    /// the position and tag it was written with (an alias used as a key answers those).
    private struct Anchored {
        var tree: YAMLTree
        var nodes: Int
        var height: Int
        var mark: SourceLocation
        var tag: String?
    }

    /// A key as duplicates are found: its text and its explicit tag (`nil`: text).
    private struct KeyID: Hashable {
        var text: String
        var tag: String?
    }

    /// A collection being read.
    private struct Frame {
        var isMapping: Bool
        var mark: SourceLocation
        var anchor: String?
        var depth: Int
        /// Read as a key: it is checked for duplicates inside and kept for aliases, but it is no
        /// key (the document is refused).
        var isKey: Bool
        var items: [YAMLTree] = []
        var pairs: [(key: YAMLKey, value: YAMLTree)] = []
        /// The key read, waiting for its value; `isKeyNext` is true when the next node is a key.
        var key: YAMLKey?
        var keyTag: String?
        var keyRefused = false
        var isKeyNext = true
        /// Explicit tags of keys by index in `pairs`, for the rare key written with one.
        var keyTags: [Int: String] = [:]
        /// The keys, once the mapping has too many to compare one by one.
        var keySet: Set<KeyID>?
        var duplicates: [KeyID] = []
        /// Nodes (values, not keys) under and including this one, and levels, as a walk counts them.
        var nodes = 1
        var height = 1
    }

    /// Mappings of up to this many keys are checked for duplicates by comparing the keys.
    private static let keysCompared = 8

    private let fileName: String
    private let file: SourceFile
    private let text: String
    private let limits: YAMLLimits
    private var budget: Int
    private var stack: [Frame] = []
    private var anchors: [String: Anchored] = [:]
    /// The first limit or key-shape problem, reported once the document is otherwise read.
    private var deferred: Diagnostic? {
        didSet { isDeferred = deferred != nil }
    }
    /// `deferred != nil`, asked for every node: comparing the optional diagnostic copies it.
    private var isDeferred = false
    private var root: YAMLTree?

    private init(fileName: String, text: String, limits: YAMLLimits) {
        self.fileName = fileName
        file = SourceFile(fileName)
        self.text = text
        self.limits = limits
        self.budget = limits.maxNodes
    }

    /// Reads the one document of `input` (the UTF-8 bytes of `text`). Nil for an empty document.
    static func read(
        _ input: UnsafeBufferPointer<UInt8>, text: String, fileName: String, limits: YAMLLimits
    ) -> Result<YAMLTree?, Diagnostic> {
        let parser = UnsafeMutablePointer<yaml_parser_t>.allocate(capacity: 1)
        defer { parser.deallocate() }
        guard yaml_parser_initialize(parser) == 1 else {
            return .failure(Diagnostic(.error, "YAML error: Memory error", at: SourceLocation(file: fileName, line: 1, column: 1)))
        }
        defer { yaml_parser_delete(parser) }
        // No text: an empty stream (and an empty buffer has no address to give libyaml).
        guard let bytes = input.baseAddress, !input.isEmpty else { return .success(nil) }
        yaml_parser_set_encoding(parser, YAML_UTF8_ENCODING)
        yaml_parser_set_input_string(parser, bytes, input.count)
        var reader = EventReader(fileName: fileName, text: text, limits: limits)
        do {
            return .success(try reader.document(parser))
        } catch {
            return .failure(error.diagnostic)
        }
    }

    private struct Stop: Error {
        var diagnostic: Diagnostic
    }

    private func location(_ mark: yaml_mark_t) -> SourceLocation {
        SourceLocation(in: file, line: Int(mark.line) + 1, column: Int(mark.column) + 1)
    }

    /// The next event; the caller deletes it.
    private func next(_ parser: UnsafeMutablePointer<yaml_parser_t>) throws(Stop) -> yaml_event_t {
        var event = yaml_event_t()
        guard yaml_parser_parse(parser, &event) == 1 else { throw Stop(diagnostic: failure(parser.pointee)) }
        return event
    }

    private mutating func document(_ parser: UnsafeMutablePointer<yaml_parser_t>) throws(Stop) -> YAMLTree? {
        var event = try next(parser)  // the stream's start
        yaml_event_delete(&event)
        event = try next(parser)
        let type = event.type
        yaml_event_delete(&event)
        if type == YAML_STREAM_END_EVENT { return nil }
        // The document's nodes, up to its root.
        while root == nil {
            event = try next(parser)
            defer { yaml_event_delete(&event) }
            try take(event)
        }
        event = try next(parser)  // the document's end
        yaml_event_delete(&event)
        event = try next(parser)
        defer { yaml_event_delete(&event) }
        if event.type != YAML_STREAM_END_EVENT {
            throw Stop(
                diagnostic: Diagnostic(
                    .error, "malformed YAML: but found another document (expected a single document in the stream at line 1 column 1)",
                    at: location(event.start_mark)))
        }
        if let deferred { throw Stop(diagnostic: deferred) }
        return root
    }

    private static func string(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        pointer.map { String(cString: UnsafePointer($0)) }
    }

    /// Takes one node event of the document.
    private mutating func take(_ event: yaml_event_t) throws(Stop) {
        let mark = location(event.start_mark)
        // Read in place: `stack.last` would copy the frame, its lists and tables.
        let top = stack.count - 1
        let asKey = top >= 0 && stack[top].isMapping && stack[top].isKeyNext
        let depth = top >= 0 ? stack[top].depth + 1 : 0
        switch event.type {
        case YAML_SCALAR_EVENT:
            let scalar = event.data.scalar
            let value = String(decoding: UnsafeBufferPointer(start: scalar.value, count: Int(scalar.length)), as: UTF8.self)
            let style = scalar.style
            let quoted = style == YAML_SINGLE_QUOTED_SCALAR_STYLE || style == YAML_DOUBLE_QUOTED_SCALAR_STYLE
            var at = mark
            // Point at the text, not at its opening quote, so columns inside a rule line up.
            if quoted { at.column += 1 }
            let tree = YAMLTree.scalar(
                value, quoted: quoted || style == YAML_LITERAL_SCALAR_STYLE || style == YAML_FOLDED_SCALAR_STYLE, at: at)
            let tag = scalar.quoted_implicit == 1 ? nil : Self.keyTag(Self.string(scalar.tag))
            if let anchor = Self.string(scalar.anchor) {
                anchors[anchor] = Anchored(tree: tree, nodes: 1, height: 1, mark: mark, tag: tag)
            }
            if asKey {
                try key(YAMLKey(text: value, location: mark), tag: tag)
            } else {
                count(depth: depth, mark: mark)
                try add(tree, nodes: 1, height: 1)
            }
        case YAML_ALIAS_EVENT:
            let name = Self.string(event.data.alias.anchor) ?? ""
            guard let anchored = anchors[name] else {
                throw Stop(diagnostic: Diagnostic(.error, "malformed YAML: found undefined alias", at: mark))
            }
            if asKey {
                if case .scalar(let value, _, _) = anchored.tree {
                    try key(YAMLKey(text: value, location: anchored.mark), tag: anchored.tag)
                } else {
                    refuseKey(at: anchored.mark)
                }
            } else {
                if !isDeferred { countAlias(anchored, depth: depth) }
                try add(anchored.tree, nodes: anchored.nodes, height: anchored.height)
            }
        case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
            let isMapping = event.type == YAML_MAPPING_START_EVENT
            let anchor = isMapping ? Self.string(event.data.mapping_start.anchor) : Self.string(event.data.sequence_start.anchor)
            if asKey {
                refuseKey(at: mark)
            } else {
                count(depth: depth, mark: mark)
            }
            stack.append(Frame(isMapping: isMapping, mark: mark, anchor: anchor, depth: depth, isKey: asKey))
        case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
            guard let frame = stack.popLast() else { return }
            if let first = frame.duplicates.sorted(by: { $0.text < $1.text }).first {
                let index = frame.pairs.indices.first { i in
                    frame.pairs[i].key.text == first.text && frame.keyTags[i] == first.tag
                }
                throw Stop(
                    diagnostic: Diagnostic(
                        .error,
                        "duplicate key \(frame.duplicates.map(\.text).sorted().map { "'\($0)'" }.joined(separator: ", ")) in a mapping",
                        at: index.map { frame.pairs[$0].key.location } ?? frame.mark))
            }
            let tree: YAMLTree = frame.isMapping ? .mapping(frame.pairs, at: frame.mark) : .sequence(frame.items, at: frame.mark)
            if let anchor = frame.anchor {
                anchors[anchor] = Anchored(tree: tree, nodes: frame.nodes, height: frame.height, mark: frame.mark, tag: nil)
            }
            // A key that is a collection was refused when it began.
            if !frame.isKey { try add(tree, nodes: frame.nodes, height: frame.height) }
        default:
            return
        }
    }

    /// An explicit tag as duplicate keys compare it: `nil` for text (`!!str`, or none).
    private static func keyTag(_ tag: String?) -> String? {
        tag == nil || tag == "tag:yaml.org,2002:str" ? nil : tag
    }

    /// A key of the mapping on top: kept for its value, compared with the keys before it.
    private mutating func key(_ key: YAMLKey, tag: String?) throws(Stop) {
        let top = stack.count - 1
        stack[top].isKeyNext = false
        stack[top].key = key
        stack[top].keyTag = tag
        let id = KeyID(text: key.text, tag: tag)
        let seen: Bool
        if stack[top].keySet == nil, stack[top].pairs.count < Self.keysCompared {
            let frame = stack[top]
            seen = frame.pairs.indices.contains { i in frame.pairs[i].key.text == key.text && frame.keyTags[i] == tag }
        } else {
            if stack[top].keySet == nil {
                let frame = stack[top]
                stack[top].keySet = Set(frame.pairs.indices.map { KeyID(text: frame.pairs[$0].key.text, tag: frame.keyTags[$0]) })
            }
            seen = stack[top].keySet?.insert(id).inserted == false
        }
        if seen, !stack[top].duplicates.contains(id) { stack[top].duplicates.append(id) }
    }

    /// A list or mapping (or an alias of one) written as a key: the document is refused, and the
    /// mapping goes on with the key's value.
    private mutating func refuseKey(at mark: SourceLocation) {
        if !isDeferred { deferred = Diagnostic(.error, "mapping keys must be plain text", at: mark) }
        let top = stack.count - 1
        stack[top].isKeyNext = false
        stack[top].keyRefused = true
    }

    /// Adds a finished value to the collection on top, or makes it the root.
    private mutating func add(_ tree: YAMLTree, nodes: Int, height: Int) throws(Stop) {
        guard !stack.isEmpty else {
            root = tree
            return
        }
        let top = stack.count - 1
        let cap = limits.maxNodes + 1
        stack[top].nodes = min(stack[top].nodes + nodes, cap)
        stack[top].height = max(stack[top].height, height + 1)
        if stack[top].isMapping {
            stack[top].isKeyNext = true
            if stack[top].keyRefused {
                stack[top].keyRefused = false
                return
            }
            guard let key = stack[top].key else { return }
            stack[top].key = nil
            if let tag = stack[top].keyTag {
                stack[top].keyTags[stack[top].pairs.count] = tag
                stack[top].keyTag = nil
            }
            stack[top].pairs.append((key, tree))
        } else {
            stack[top].items.append(tree)
        }
    }

    /// Counts one node written at `depth` against the limits.
    private mutating func count(depth: Int, mark: SourceLocation) {
        guard !isDeferred else { return }
        budget -= 1
        if budget < 0 {
            deferred = tooMany()
        } else if depth > limits.maxDepth {
            deferred = Diagnostic(.error, "nesting deeper than \(limits.maxDepth) levels", at: mark)
        }
    }

    private func tooMany() -> Diagnostic {
        Diagnostic(
            .error, "document expands to more than \(limits.maxNodes) nodes (YAML aliases that expand without bound?)",
            at: SourceLocation(file: fileName, line: 1, column: 1))
    }

    /// Counts every node an alias at `depth` repeats, in the order a walk of the expanded document
    /// meets them: the node budget runs out, or a node lies too deep, whichever comes first.
    private mutating func countAlias(_ anchored: Anchored, depth: Int) {
        if depth + anchored.height - 1 <= limits.maxDepth {
            budget -= anchored.nodes
            if budget < 0 { deferred = tooMany() }
            return
        }
        // The first node too deep, and how many nodes a walk meets up to it.
        let maxDepth = limits.maxDepth
        var walked = 0
        var found: (tree: YAMLTree, index: Int)?
        func walk(_ tree: YAMLTree, level: Int) -> Bool {
            walked += 1
            if depth + level > maxDepth {
                found = (tree, walked)
                return true
            }
            switch tree {
            case .scalar: return false
            case .sequence(let items, _): return items.contains { walk($0, level: level + 1) }
            case .mapping(let pairs, _): return pairs.contains { walk($0.value, level: level + 1) }
            }
        }
        _ = walk(anchored.tree, level: 0)
        guard let found else { return }
        if budget < found.index {
            deferred = tooMany()
        } else {
            deferred = Diagnostic(.error, "nesting deeper than \(limits.maxDepth) levels", at: writtenMark(of: found.tree))
        }
    }

    /// Where a node was written: a quoted scalar's tree points past its opening quote.
    private func writtenMark(of tree: YAMLTree) -> SourceLocation {
        guard case .scalar(_, true, var at) = tree, at.column > 1 else { return tree.location }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard at.line - 1 < lines.count else { return at }
        let scalars = Array(lines[at.line - 1].unicodeScalars)
        if at.column - 2 < scalars.count, scalars[at.column - 2] == "\"" || scalars[at.column - 2] == "'" { at.column -= 1 }
        return at
    }

    /// The diagnostic of libyaml's error.
    private func failure(_ parser: yaml_parser_t) -> Diagnostic {
        let problem = parser.problem.map { String(cString: $0) } ?? "unknown problem"
        switch parser.error {
        case YAML_READER_ERROR:
            // The offset in characters of the byte libyaml names, then counted in scalars: the
            // position the node-tree reader gave.
            var at = SourceLocation(file: fileName, line: 1, column: 1)
            if let index = text.utf8.index(text.utf8.startIndex, offsetBy: Int(parser.problem_offset), limitedBy: text.utf8.endIndex)?
                .samePosition(in: text)
            {
                at = YAMLReader.location(of: text.unicodeScalars.prefix(text.distance(from: text.startIndex, to: index)), fileName: fileName)
            }
            return Diagnostic(.error, "unreadable YAML: \(problem)", at: at)
        case YAML_SCANNER_ERROR, YAML_PARSER_ERROR, YAML_COMPOSER_ERROR:
            var message = "malformed YAML: \(problem)"
            if let context = parser.context.map({ String(cString: $0) }), !context.isEmpty {
                message += " (\(context) at line \(Int(parser.context_mark.line) + 1) column \(Int(parser.context_mark.column) + 1))"
            }
            return Diagnostic(.error, message, at: location(parser.problem_mark))
        case YAML_MEMORY_ERROR:
            return Diagnostic(.error, "YAML error: Memory error", at: SourceLocation(file: fileName, line: 1, column: 1))
        default:
            return Diagnostic(.error, "YAML error: \(problem)", at: SourceLocation(file: fileName, line: 1, column: 1))
        }
    }
}
