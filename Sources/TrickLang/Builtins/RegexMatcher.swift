/// A backtracking matcher for `RegexNode` trees with the semantics of CPython's `sre`: leftmost
/// match, alternatives in order, greedy/lazy repeats that stop when an iteration matched empty,
/// `$` before a final newline, `^` only at the real start of the string (not at `pos`), the
/// string seen as `endpos` characters long. Positions are code-point indices, as Python's str.
/// Each node is matched with a continuation (what must match after it), so backtracking is the
/// continuation failing; a repeat of one character is a loop, not recursion.
final class RegexMatcher {
    let text: [Unicode.Scalar]
    let end: Int
    /// Start and end of each group (group 0 included), -1 when unset.
    var spans: [Int]
    var lastIndex = -1
    /// Set by `search` after an empty match: a match at the start position must not be empty.
    private var mustAdvanceAt = -1
    /// Nested steps in progress: a repeated group recurses once per iteration, so a long run of
    /// one (`(ab)*` on 10^5 characters) is stopped with an error (`tooDeep`) before the stack is.
    private var depth = 0
    static let maxDepth = 100_000
    private(set) var tooDeep = false

    init(_ text: [Unicode.Scalar], end: Int, groups: Int) {
        self.text = text
        self.end = end
        spans = [Int](repeating: -1, count: 2 * (groups + 1))
    }

    /// The first match starting at a position in `from...end` (only at `from` when `anchored`),
    /// with the group spans set; `mustAdvance` rejects an empty match at `from` (the rule
    /// `finditer`, `sub` and `split` follow after an empty match, CPython 3.7+).
    func search(_ root: RegexNode, from: Int, anchored: Bool = false, full: Bool = false, mustAdvance: Bool = false) -> Bool {
        mustAdvanceAt = mustAdvance ? from : -1
        var start = from
        while start <= end {
            for k in spans.indices { spans[k] = -1 }
            lastIndex = -1
            let s = start
            let found = match(root, s) { j in
                if full && j != self.end { return false }
                if j == s && s == self.mustAdvanceAt { return false }
                self.spans[0] = s
                self.spans[1] = j
                return true
            }
            if found { return true }
            if anchored || tooDeep { return false }
            start += 1
        }
        return false
    }

    func isWord(_ i: Int, ascii: Bool) -> Bool {
        i >= 0 && i < end && RegexCategory.word.contains(text[i], ascii: ascii)
    }

    /// Whether the one-character node `n` matches at `i` (nil when `n` is not one character).
    @inline(__always) func single(_ n: RegexNode, _ i: Int) -> Bool? {
        switch n {
        case .char(let c, let ic):
            guard i < end else { return false }
            return ic ? RegexSet.sameIgnoringCase(c, text[i], ascii: false) : text[i] == c
        case .any(let dotAll):
            guard i < end else { return false }
            return dotAll || text[i] != "\n"
        case .set(let s):
            guard i < end else { return false }
            return s.contains(text[i])
        default:
            return nil
        }
    }

    func match(_ n: RegexNode, _ i: Int, _ k: (Int) -> Bool) -> Bool {
        if let hit = single(n, i) { return hit && k(i + 1) }
        depth += 1
        defer { depth -= 1 }
        if depth > RegexMatcher.maxDepth || tooDeep { tooDeep = true; return false }
        switch n {
        case .empty: return k(i)
        case .char, .any, .set: return false
        case .lineStart(let ml): return (i == 0 || (ml && text[i - 1] == "\n")) && k(i)
        case .lineEnd(let ml):
            let ok = i == end || (i < end && text[i] == "\n" && (ml || i == end - 1))
            return ok && k(i)
        case .textStart: return i == 0 && k(i)
        case .textEnd: return i == end && k(i)
        case .wordBoundary(let negated, let ascii):
            let at = end > 0 && isWord(i - 1, ascii: ascii) != isWord(i, ascii: ascii)
            return at != negated && k(i)
        case .group(let g, let body):
            return match(body, i) { j in
                let saved = (self.spans[2 * g], self.spans[2 * g + 1], self.lastIndex)
                self.spans[2 * g] = i
                self.spans[2 * g + 1] = j
                self.lastIndex = g
                if k(j) { return true }
                (self.spans[2 * g], self.spans[2 * g + 1], self.lastIndex) = saved
                return false
            }
        case .concat(let nodes): return sequence(nodes[...], i, k)
        case .alternation(let branches):
            for b in branches where match(b, i, k) { return true }
            return false
        case .repeating(let body, let lo, let hi, let greedy):
            if single(body, i) != nil { return repeatSingle(body, lo, hi, greedy, i, k) }
            return repeatBody(body, lo, hi, greedy, 0, i, k)
        case .atomic(let body):
            var stop = -1
            let saved = spans, savedLast = lastIndex
            guard match(body, i, { j in stop = j; return true }) else { return false }
            if k(stop) { return true }
            spans = saved
            lastIndex = savedLast
            return false
        case .backReference(let g, let ic):
            let a = spans[2 * g], b = spans[2 * g + 1]
            guard a >= 0 else { return false }
            let n = b - a
            guard i + n <= end else { return false }
            for t in 0..<n {
                let x = text[a + t], y = text[i + t]
                if !(x == y || (ic && RegexSet.sameIgnoringCase(x, y, ascii: false))) { return false }
            }
            return k(i + n)
        case .look(let body, let ahead, let negated, let width):
            let from = ahead ? i : i - width
            if from < 0 { return negated && k(i) }
            let saved = spans, savedLast = lastIndex
            let hit = match(body, from) { j in ahead || j == i }
            if negated {
                spans = saved
                lastIndex = savedLast
                return !hit && k(i)
            }
            if !hit { return false }
            if k(i) { return true }
            spans = saved
            lastIndex = savedLast
            return false
        case .conditional(let g, let yes, let no):
            return match(spans[2 * g + 1] >= 0 ? yes : no, i, k)
        }
    }

    func sequence(_ nodes: ArraySlice<RegexNode>, _ i: Int, _ k: (Int) -> Bool) -> Bool {
        guard let first = nodes.first else { return k(i) }
        return match(first, i) { j in self.sequence(nodes.dropFirst(), j, k) }
    }

    /// `x*`, `[a-z]+?`, `.{2,5}`: count how far the character repeats, then try the continuation
    /// from the longest (greedy) or shortest (lazy) run.
    func repeatSingle(_ body: RegexNode, _ lo: Int, _ hi: Int, _ greedy: Bool, _ i: Int, _ k: (Int) -> Bool) -> Bool {
        if greedy {
            var n = 0
            while n < hi, single(body, i + n) == true { n += 1 }
            guard n >= lo else { return false }
            var c = n
            while c >= lo {
                if k(i + c) { return true }
                c -= 1
            }
            return false
        }
        var c = 0
        while c < lo {
            guard single(body, i + c) == true else { return false }
            c += 1
        }
        while true {
            if k(i + c) { return true }
            guard c < hi, single(body, i + c) == true else { return false }
            c += 1
        }
    }

    /// A repeat of a longer body: one iteration at a time; past the minimum, an iteration that
    /// matched nothing ends the repeat (sre's rule, so `(a|)*` terminates).
    func repeatBody(_ body: RegexNode, _ lo: Int, _ hi: Int, _ greedy: Bool, _ count: Int, _ i: Int, _ k: (Int) -> Bool) -> Bool {
        if count < lo {
            return match(body, i) { j in
                if j == i && count + 1 >= lo { return k(j) }
                return self.repeatBody(body, lo, hi, greedy, count + 1, j, k)
            }
        }
        // an empty iteration keeps its groups but ends the repeat
        if !greedy, k(i) { return true }
        if count < hi, match(body, i, { j in j == i ? k(j) : self.repeatBody(body, lo, hi, greedy, count + 1, j, k) }) { return true }
        return greedy && k(i)
    }
}
