/// "Did you mean …": the one way almanac finds the known word a misspelt one was meant to be
/// (rule keywords and festival names, plan keys, configuration keys, item ids).
public enum Suggestion {
    /// The candidate nearest to `word` (ignoring case) by edit distance, when it is close enough
    /// to be a likely typo: one edit for short words (CJK names), up to a third of the length for
    /// longer ones, at most three. Ties go to the longer common prefix, then to the earlier candidate.
    /// (A one-letter word may be one edit from any one-letter candidate; callers that name things
    /// with longer words can ask for `distance < word.count` on top.)
    public static func closest(to word: String, among candidates: [String]) -> String? {
        let w = Array(word.lowercased().unicodeScalars)
        guard !w.isEmpty else { return nil }
        var best: (name: String, distance: Int, prefix: Int)?
        for candidate in candidates {
            let c = Array(candidate.lowercased().unicodeScalars)
            let d = distance(w, c)
            let prefix = zip(w, c).prefix { $0 == $1 }.count
            if best == nil || d < best!.distance || (d == best!.distance && prefix > best!.prefix) {
                best = (candidate, d, prefix)
            }
        }
        guard let (name, d, _) = best else { return nil }
        let allowed = max(1, min(3, w.count / 3))
        return d <= allowed ? name : nil
    }

    /// Edit distance over Unicode scalars, counting a swap of neighbours as one edit
    /// (`wehn` → `when`): optimal string alignment.
    public static func distance(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var before = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    current[j] = min(current[j], before[j - 2] + 1)
                }
            }
            (before, previous, current) = (previous, current, before)
        }
        return previous[b.count]
    }
}
