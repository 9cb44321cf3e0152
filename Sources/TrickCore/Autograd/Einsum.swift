/// `torch.einsum(equation, *operands)` on autograd tensors, as torch composes it
/// (aten/src/ATen/native/Linear.cpp): per operand, repeated labels become a diagonal and labels
/// no other operand or the output uses are summed; then the operands are multiplied left to
/// right, each pair as one batched matrix product (permute + reshape + bmm) that contracts the
/// labels neither the output nor a later operand needs. Gradients are those of these ops.
///
/// Labels: `a`–`z`, `A`–`Z`, and `...` for broadcast dimensions (aligned from the right across
/// operands). Without `->` the output is `...` followed by the labels used exactly once, sorted
/// (upper case before lower case, as torch). Sums run in another order than torch's (float32
/// rounding).
public enum Einsum {
    /// A label: a letter's code, or `ellipsisBase + i` for the i-th broadcast dimension counted
    /// from the right.
    static let ellipsisBase = 1000

    struct Equation {
        var inputs: [[Int]]
        var output: [Int]
    }

    static func parse(_ equation: String, ranks: [Int]) throws -> Equation {
        let eq = equation.filter { $0 != " " }
        var parts: [String] = [], rest = Substring(eq)
        while let arrow = rest.firstRange(of: "->") {
            parts.append(String(rest[..<arrow.lowerBound]))
            rest = rest[arrow.upperBound...]
        }
        parts.append(String(rest))
        guard parts.count <= 2 else { throw CoreError("einsum(): more than one '->' found in equation \(equation)", kind: "RuntimeError") }
        let lhs = parts[0].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        guard lhs.count == ranks.count else {
            throw CoreError("einsum(): \(lhs.count) operands were specified in the equation but \(ranks.count) were provided", kind: "RuntimeError")
        }
        var maxEllipsis = 0
        func labels(_ term: String, rank: Int?, operand: Int) throws -> [Int] {
            var letters: [Int] = [], before: [Int] = [], seenEllipsis = false
            var rest = Substring(term)
            while let c = rest.first {
                if rest.hasPrefix("...") {
                    guard !seenEllipsis else { throw CoreError("einsum(): found '.' for operand \(operand) for which an ellipsis was already found", kind: "RuntimeError") }
                    seenEllipsis = true
                    before = letters; letters = []
                    rest = rest.dropFirst(3)
                    continue
                }
                guard c.isASCII, c.isLetter else {
                    throw CoreError("einsum(): invalid subscript given at index \(term.distance(from: term.startIndex, to: rest.startIndex)) in the equation string, subscripts must be in [a-zA-Z]", kind: "RuntimeError")
                }
                letters.append(Int(c.asciiValue!))
                rest = rest.dropFirst()
            }
            guard seenEllipsis else {
                if let rank, letters.count != rank {
                    throw CoreError("einsum(): the number of subscripts in the equation (\(letters.count)) does not match the number of dimensions (\(rank)) for operand \(operand) and no ellipsis was given", kind: "RuntimeError")
                }
                return letters
            }
            let count: Int
            if let rank {
                count = rank - before.count - letters.count
                guard count >= 0 else {
                    throw CoreError("einsum(): the number of subscripts in the equation (\(before.count + letters.count)) is more than the number of dimensions (\(rank)) for operand \(operand)", kind: "RuntimeError")
                }
                maxEllipsis = Swift.max(maxEllipsis, count)
            } else {
                count = maxEllipsis
            }
            return before + (0..<count).map { ellipsisBase + count - 1 - $0 } + letters
        }
        let inputs = try lhs.enumerated().map { try labels($1, rank: ranks[$0], operand: $0) }
        var output: [Int]
        if parts.count == 2 {
            output = try labels(parts[1], rank: nil, operand: -1)
            for l in output where l < ellipsisBase {
                guard inputs.contains(where: { $0.contains(l) }) else {
                    throw CoreError("einsum(): output subscript \(Character(UnicodeScalar(UInt8(l)))) does not appear in the equation for any input operand", kind: "RuntimeError")
                }
                guard output.filter({ $0 == l }).count == 1 else {
                    throw CoreError("einsum(): output subscript \(Character(UnicodeScalar(UInt8(l)))) appears more than once in the output", kind: "RuntimeError")
                }
            }
        } else {
            var counts: [Int: Int] = [:]
            for term in inputs { for l in term where l < ellipsisBase { counts[l, default: 0] += 1 } }
            output = (0..<maxEllipsis).map { ellipsisBase + maxEllipsis - 1 - $0 } + counts.filter { $0.value == 1 }.keys.sorted()
        }
        return Equation(inputs: inputs, output: output)
    }
}

extension Variable {
    public static func einsum(_ equation: String, _ operands: [Variable]) throws -> Variable {
        guard !operands.isEmpty else { throw CoreError("einsum(): must provide at least one operand", kind: "RuntimeError") }
        let eq = try Einsum.parse(equation, ranks: operands.map(\.rank))
        // each operand with unique labels (diagonals taken)
        var terms: [(v: Variable, labels: [Int])] = []
        for (v, labels) in zip(operands, eq.inputs) { terms.append(try uniqueLabels(v, labels)) }
        // sizes per label, broadcasting 1s
        var sizes: [Int: Int] = [:]
        for (i, t) in terms.enumerated() {
            for (l, n) in zip(t.labels, t.v.shape) {
                if let m = sizes[l], m != n, m != 1, n != 1 {
                    throw CoreError("einsum(): operands do not broadcast with remapped shapes (original->remapped): subscript \(l < Einsum.ellipsisBase ? String(Character(UnicodeScalar(UInt8(l)))) : "...") has size \(n) for operand \(i) which does not broadcast with previously seen size \(m)", kind: "RuntimeError")
                }
                if sizes[l] == nil || sizes[l] == 1 { sizes[l] = n }
            }
        }
        func needed(after i: Int) -> Set<Int> {
            var s = Set(eq.output)
            for t in terms.dropFirst(i + 1) { s.formUnion(t.labels) }
            return s
        }
        // labels only one operand has and the output does not: summed first
        for i in terms.indices {
            var others = Set(eq.output)
            for (j, t) in terms.enumerated() where j != i { others.formUnion(t.labels) }
            let drop = terms[i].labels.indices.filter { !others.contains(terms[i].labels[$0]) }
            if !drop.isEmpty {
                terms[i].v = try terms[i].v.sum(dims: drop)
                terms[i].labels = terms[i].labels.enumerated().filter { !drop.contains($0.offset) }.map(\.element)
            }
        }
        var acc = terms[0]
        for i in 1..<terms.count {
            acc = try contract(acc, terms[i], keep: needed(after: i), sizes: sizes)
        }
        // the output's order (a label of size 1 broadcast against nothing keeps its size)
        let perm = try eq.output.map { l -> Int in
            guard let k = acc.labels.firstIndex(of: l) else { throw CoreError("einsum(): output subscript missing from the operands", kind: "RuntimeError") }
            return k
        }
        if perm.isEmpty { return acc.v.rank == 0 ? acc.v : try acc.v.reshape([]) }
        return perm == Array(0..<perm.count) ? acc.v : try acc.v.permute(perm)
    }

    /// Repeated labels of one operand become a diagonal (the label moved to the end, as torch's
    /// `diagonal`).
    static func uniqueLabels(_ v: Variable, _ labels: [Int]) throws -> (v: Variable, labels: [Int]) {
        var v = v, labels = labels
        while let (i, j) = firstRepeat(labels) {
            guard v.shape[i] == v.shape[j] else {
                throw CoreError("einsum(): subscript \(Character(UnicodeScalar(UInt8(labels[i])))) is repeated for operand but the sizes don't match, \(v.shape[i]) != \(v.shape[j])", kind: "RuntimeError")
            }
            v = try v.diagonal(offset: 0, dim1: i, dim2: j)
            let l = labels[i]
            labels = labels.enumerated().filter { $0.offset != i && $0.offset != j }.map(\.element) + [l]
        }
        return (v, labels)
    }

    static func firstRepeat(_ labels: [Int]) -> (Int, Int)? {
        for i in labels.indices { for j in (i + 1)..<labels.count where labels[i] == labels[j] { return (i, j) } }
        return nil
    }

    /// One pair as a batched matrix product: batch labels (in both, still needed), the left's
    /// own, the contracted (in both, not needed), the right's own.
    static func contract(_ a: (v: Variable, labels: [Int]), _ b: (v: Variable, labels: [Int]), keep: Set<Int>,
                         sizes: [Int: Int]) throws -> (v: Variable, labels: [Int]) {
        let inB = Set(b.labels), inA = Set(a.labels)
        let batch = a.labels.filter { inB.contains($0) && keep.contains($0) }
        let summed = a.labels.filter { inB.contains($0) && !keep.contains($0) }
        let left = a.labels.filter { !inB.contains($0) }, right = b.labels.filter { !inA.contains($0) }
        func arrange(_ t: (v: Variable, labels: [Int]), _ order: [Int], _ groups: [[Int]]) throws -> Variable {
            var v = try t.v.permute(order.map { t.labels.firstIndex(of: $0)! })
            let full = order.map { sizes[$0]! }
            if v.shape != full { v = try v.expand(full) }
            return try v.reshape(groups.map { g in g.reduce(1) { $0 * sizes[$1]! } })
        }
        // An operand already laid out as [batch, summed, own] (the left) or [batch, own, summed]
        // (the right) is read transposed by the product instead of copied into the other order.
        let aT = a.labels == batch + summed + left && a.v.shape == a.labels.map { sizes[$0]! } && !summed.isEmpty && !left.isEmpty
        let bT = b.labels == batch + right + summed && b.v.shape == b.labels.map { sizes[$0]! } && !summed.isEmpty && !right.isEmpty
        let x = aT ? try arrange(a, batch + summed + left, [batch, summed, left]) : try arrange(a, batch + left + summed, [batch, left, summed])
        let y = bT ? try arrange(b, batch + right + summed, [batch, right, summed]) : try arrange(b, batch + summed + right, [batch, summed, right])
        let product = try x.bmm(y, transA: aT, transB: bT)
        let labels = batch + left + right
        return (try product.reshape(labels.map { sizes[$0]! }), labels)
    }
}
