#if canImport(Glibc)
import Glibc
#endif

/// `torch.linalg` on the last two dimensions (a batch of matrices), computed in double and stored
/// in the input's dtype: LU with partial pivoting (LAPACK getrf's pivot choice) for det, inv and
/// solve; Cholesky; Householder QR with LAPACK's reflector signs (geqrf: R's diagonal is
/// −sign(a)·‖column‖), so Q and R are LAPACK's; symmetric eigen-decomposition and SVD by Jacobi
/// rotations. Eigenvalues and singular values match LAPACK's; the signs of eigen- and singular
/// vectors LAPACK leaves arbitrary are normalised here (the largest-magnitude entry of each
/// vector positive), so they may differ from torch's by a sign per vector.
public enum Linalg {
    /// A batch of row-major matrices.
    public struct Batch {
        public var batchShape: [Int]
        public var rows: Int
        public var cols: Int
        public var mats: [[Double]]
        public var dtype: DType

        public init(_ t: Tensor, _ fname: String, square: Bool = false) throws {
            guard t.rank >= 2 else {
                throw CoreError("\(fname): The input tensor A must have at least 2 dimensions.", kind: "RuntimeError")
            }
            guard t.dtype == .float32 || t.dtype == .float64 else {
                throw CoreError("\(fname): Expected a floating point or complex tensor as input. Got \(t.dtype.torchScalarName)", kind: "RuntimeError")
            }
            rows = t.shape[t.rank - 2]; cols = t.shape[t.rank - 1]
            if square && rows != cols {
                throw CoreError("\(fname): A must be batches of square matrices, but they are \(rows) by \(cols) matrices", kind: "RuntimeError")
            }
            batchShape = Array(t.shape.dropLast(2))
            dtype = t.dtype
            let all = t.doubles, size = rows * cols
            let n = size == 0 ? Tensor.product(batchShape) : all.count / size
            mats = (0..<n).map { Array(all[($0 * size)..<($0 * size + size)]) }
        }

        public init(batchShape: [Int], rows: Int, cols: Int, mats: [[Double]], dtype: DType) {
            self.batchShape = batchShape; self.rows = rows; self.cols = cols; self.mats = mats; self.dtype = dtype
        }

        public var tensor: Tensor {
            Tensor(shape: batchShape + [rows, cols], float64: mats.flatMap { $0 }).cast(to: dtype)
        }
    }

    static func batchPrefix(_ b: Int, _ count: Int) -> String { count > 1 ? "(Batch element \(b)): " : "" }

    /// LU factorisation in place with partial pivoting; returns the pivot rows and the index of
    /// the first zero pivot (1-based, LAPACK's info) or 0.
    static func lu(_ a: inout [Double], _ n: Int) -> (piv: [Int], info: Int) {
        var piv = Array(0..<n), info = 0
        for k in 0..<n {
            var p = k, best = abs(a[k * n + k])
            for i in (k + 1)..<Swift.max(n, k + 1) where abs(a[i * n + k]) > best { best = abs(a[i * n + k]); p = i }
            piv[k] = p
            if p != k { for j in 0..<n { a.swapAt(k * n + j, p * n + j) } }
            let d = a[k * n + k]
            if d == 0 { if info == 0 { info = k + 1 }; continue }
            for i in (k + 1)..<Swift.max(n, k + 1) {
                let f = a[i * n + k] / d
                a[i * n + k] = f
                if f != 0 { for j in (k + 1)..<n { a[i * n + j] -= f * a[k * n + j] } }
            }
        }
        return (piv, info)
    }

    /// Solves LU·X = P·B for B n×k (row-major), in place.
    static func luSolve(_ lu: [Double], _ piv: [Int], _ n: Int, _ b: inout [Double], _ k: Int) {
        for i in 0..<n where piv[i] != i { for j in 0..<k { b.swapAt(i * k + j, piv[i] * k + j) } }
        for i in 0..<n { for r in 0..<i { let f = lu[i * n + r]; if f != 0 { for j in 0..<k { b[i * k + j] -= f * b[r * k + j] } } } }
        for i in stride(from: n - 1, through: 0, by: -1) {
            for r in (i + 1)..<Swift.max(n, i + 1) { let f = lu[i * n + r]; if f != 0 { for j in 0..<k { b[i * k + j] -= f * b[r * k + j] } } }
            let d = lu[i * n + i]
            for j in 0..<k { b[i * k + j] /= d }
        }
    }

    public static func det(_ t: Tensor) throws -> Tensor {
        let b = try Batch(t, "linalg.det", square: true)
        let n = b.rows
        let dets: [Double] = b.mats.map { m in
            var a = m
            let (piv, _) = lu(&a, n)
            var d = 1.0
            for i in 0..<n { d *= a[i * n + i]; if piv[i] != i { d = -d } }
            return d
        }
        return Tensor(shape: b.batchShape, float64: dets).cast(to: b.dtype)
    }

    public static func inv(_ t: Tensor) throws -> Tensor {
        var b = try Batch(t, "linalg.inv", square: true)
        let n = b.rows
        for (i, m) in b.mats.enumerated() {
            var a = m
            let (piv, info) = lu(&a, n)
            if info > 0 {
                throw CoreError("linalg.inv: \(batchPrefix(i, b.mats.count))The diagonal element \(info) is zero, the inversion could not be completed because the input matrix is singular.", kind: "RuntimeError")
            }
            var e = [Double](repeating: 0, count: n * n)
            for k in 0..<n { e[k * n + k] = 1 }
            luSolve(a, piv, n, &e, n)
            b.mats[i] = e
        }
        return b.tensor
    }

    /// `linalg.solve(A, B)`: B a batch of vectors when B.ndim == 1 or B.shape == A.shape[:-1]
    /// (torch's rule), else of matrices; batch dimensions broadcast.
    public static func solve(_ a: Tensor, _ rhs: Tensor, left: Bool = true) throws -> Tensor {
        guard left else { throw CoreError("linalg.solve(left=False) is not supported in trick", kind: "NotImplementedError") }
        let fname = "torch.linalg.solve"
        _ = try Batch(a, fname, square: true)
        guard rhs.rank >= 1 else { throw CoreError("\(fname): The input tensor B must have at least 1 dimensions.", kind: "RuntimeError") }
        let n = a.shape[a.rank - 1]
        let vectorCase = rhs.rank == 1 || (rhs.rank == a.rank - 1 && Array(rhs.shape) == Array(a.shape.dropLast()))
        let b2 = vectorCase ? try rhs.unsqueezed(rhs.rank) : rhs
        guard b2.shape[b2.rank - 2] == n else {
            throw CoreError("linalg.solve: Incompatible shapes of A and B for the equation AX = B (\(a.shape[a.rank - 2])x\(n) and \(b2.shape[b2.rank - 2])x\(b2.shape[b2.rank - 1]))", kind: "RuntimeError")
        }
        let k = b2.shape[b2.rank - 1]
        let batch = try Broadcast.shape(Array(a.shape.dropLast(2)), Array(b2.shape.dropLast(2)))
        let ea = try a.expanded(batch + [n, n]), eb = try b2.expanded(batch + [n, k])
        var ma = try Batch(ea, fname), mb = try Batch(eb.cast(to: a.dtype == .float64 || rhs.dtype == .float64 ? .float64 : .float32), fname)
        for i in ma.mats.indices {
            var lu = ma.mats[i]
            let (piv, info) = Linalg.lu(&lu, n)
            if info > 0 { throw CoreError("\(fname): The solver failed because the input matrix is singular.", kind: "RuntimeError") }
            luSolve(lu, piv, n, &mb.mats[i], k)
            ma.mats[i] = lu
        }
        let x = mb.tensor
        return vectorCase ? try x.squeezed([x.rank - 1]) : x
    }

    public static func cholesky(_ t: Tensor, upper: Bool = false) throws -> Tensor {
        var b = try Batch(t, "linalg.cholesky", square: true)
        let n = b.rows
        for (bi, a) in b.mats.enumerated() {
            var l = [Double](repeating: 0, count: n * n)
            for j in 0..<n {
                var d = a[j * n + j]
                for k in 0..<j { d -= l[j * n + k] * l[j * n + k] }
                guard d > 0 else {
                    throw CoreError("linalg.cholesky: \(batchPrefix(bi, b.mats.count))The factorization could not be completed because the input is not positive-definite (the leading minor of order \(j + 1) is not positive-definite).", kind: "RuntimeError")
                }
                let s = d.squareRoot()
                l[j * n + j] = s
                for i in (j + 1)..<Swift.max(n, j + 1) {
                    var v = a[i * n + j]
                    for k in 0..<j { v -= l[i * n + k] * l[j * n + k] }
                    l[i * n + j] = v / s
                }
            }
            b.mats[bi] = upper ? transpose(l, n, n) : l
        }
        return b.tensor
    }

    static func transpose(_ a: [Double], _ r: Int, _ c: Int) -> [Double] {
        var t = [Double](repeating: 0, count: r * c)
        for i in 0..<r { for j in 0..<c { t[j * r + i] = a[i * c + j] } }
        return t
    }

    static func matmul(_ a: [Double], _ b: [Double], _ n: Int, _ k: Int, _ m: Int) -> [Double] {
        var c = [Double](repeating: 0, count: n * m)
        for i in 0..<n { for p in 0..<k { let x = a[i * k + p]; if x != 0 { for j in 0..<m { c[i * m + j] += x * b[p * m + j] } } } }
        return c
    }

    /// Householder QR as LAPACK geqrf + orgqr. mode 'reduced' | 'complete' | 'r'.
    public static func qr(_ t: Tensor, mode: String) throws -> (q: Tensor, r: Tensor) {
        let b = try Batch(t, "linalg.qr")
        let m = b.rows, n = b.cols, kmin = Swift.min(m, n)
        let qCols = mode == "complete" ? m : kmin, rRows = mode == "complete" ? m : kmin
        var qs: [[Double]] = [], rs: [[Double]] = []
        for a0 in b.mats {
            var a = a0
            var vs: [[Double]] = [], taus: [Double] = []
            for k in 0..<kmin {
                let alpha = a[k * n + k]
                var xnorm = 0.0
                for i in (k + 1)..<Swift.max(m, k + 1) { xnorm += a[i * n + k] * a[i * n + k] }
                xnorm = xnorm.squareRoot()
                var v = [Double](repeating: 0, count: m)
                v[k] = 1
                var tau = 0.0
                if xnorm != 0 {
                    let beta = -(alpha >= 0 ? 1.0 : -1.0) * (alpha * alpha + xnorm * xnorm).squareRoot()
                    tau = (beta - alpha) / beta
                    for i in (k + 1)..<m { v[i] = a[i * n + k] / (alpha - beta) }
                    // apply H = I − τ v vᵀ to the trailing columns
                    for j in k..<n {
                        var s = 0.0
                        for i in k..<m { s += v[i] * a[i * n + j] }
                        s *= tau
                        for i in k..<m { a[i * n + j] -= s * v[i] }
                    }
                    a[k * n + k] = beta
                    for i in (k + 1)..<m { a[i * n + k] = 0 }
                }
                vs.append(v); taus.append(tau)
            }
            var r = [Double](repeating: 0, count: rRows * n)
            for i in 0..<rRows { for j in i..<Swift.max(n, i) where i < m { r[i * n + j] = a[i * n + j] } }
            rs.append(r)
            if mode != "r" {
                // Q = H1 H2 … Hk applied to the first qCols columns of the identity
                var q = [Double](repeating: 0, count: m * qCols)
                for i in 0..<Swift.min(m, qCols) { q[i * qCols + i] = 1 }
                for k in stride(from: kmin - 1, through: 0, by: -1) where taus[k] != 0 {
                    let v = vs[k], tau = taus[k]
                    for j in 0..<qCols {
                        var s = 0.0
                        for i in k..<m { s += v[i] * q[i * qCols + j] }
                        s *= tau
                        for i in k..<m { q[i * qCols + j] -= s * v[i] }
                    }
                }
                qs.append(q)
            }
        }
        let rT = Batch(batchShape: b.batchShape, rows: rRows, cols: n, mats: rs, dtype: b.dtype).tensor
        if mode == "r" { return (Tensor(shape: [0], float64: []).cast(to: b.dtype), rT) }
        return (Batch(batchShape: b.batchShape, rows: m, cols: qCols, mats: qs, dtype: b.dtype).tensor, rT)
    }

    /// Cyclic Jacobi on a symmetric matrix (the lower or upper triangle read): ascending
    /// eigenvalues and the eigenvectors as columns.
    static func jacobiEigen(_ a0: [Double], _ n: Int) -> (values: [Double], vectors: [Double]) {
        var a = a0
        var v = [Double](repeating: 0, count: n * n)
        for i in 0..<n { v[i * n + i] = 1 }
        for _ in 0..<100 {
            var off = 0.0
            for i in 0..<n { for j in 0..<n where i != j { off += a[i * n + j] * a[i * n + j] } }
            if off < 1e-30 { break }
            for p in 0..<n {
                for q in (p + 1)..<Swift.max(n, p + 1) {
                    let apq = a[p * n + q]
                    if abs(apq) < 1e-300 { continue }
                    let theta = (a[q * n + q] - a[p * n + p]) / (2 * apq)
                    let t = (theta >= 0 ? 1.0 : -1.0) / (abs(theta) + (theta * theta + 1).squareRoot())
                    let c = 1 / (t * t + 1).squareRoot(), s = t * c
                    for k in 0..<n {
                        let akp = a[k * n + p], akq = a[k * n + q]
                        a[k * n + p] = c * akp - s * akq
                        a[k * n + q] = s * akp + c * akq
                    }
                    for k in 0..<n {
                        let apk = a[p * n + k], aqk = a[q * n + k]
                        a[p * n + k] = c * apk - s * aqk
                        a[q * n + k] = s * apk + c * aqk
                    }
                    for k in 0..<n {
                        let vkp = v[k * n + p], vkq = v[k * n + q]
                        v[k * n + p] = c * vkp - s * vkq
                        v[k * n + q] = s * vkp + c * vkq
                    }
                }
            }
        }
        let order = (0..<n).sorted { a[$0 * n + $0] < a[$1 * n + $1] }
        var vals = [Double](), vecs = [Double](repeating: 0, count: n * n)
        for (c, j) in order.enumerated() {
            vals.append(a[j * n + j])
            var col = (0..<n).map { v[$0 * n + j] }
            normaliseSign(&col)
            for i in 0..<n { vecs[i * n + c] = col[i] }
        }
        return (vals, vecs)
    }

    static func normaliseSign(_ col: inout [Double]) {
        var big = 0
        for i in col.indices where abs(col[i]) > abs(col[big]) + 1e-12 { big = i }
        if !col.isEmpty && col[big] < 0 { for i in col.indices { col[i] = -col[i] } }
    }

    public static func eigh(_ t: Tensor, upper: Bool = false) throws -> (values: Tensor, vectors: Tensor) {
        let b = try Batch(t, "linalg.eigh", square: true)
        let n = b.rows
        var vals: [Double] = [], vecs: [[Double]] = []
        for a in b.mats {
            var s = a
            for i in 0..<n { for j in 0..<n where (upper ? j < i : j > i) { s[i * n + j] = a[j * n + i] } }
            let (w, v) = jacobiEigen(s, n)
            vals += w; vecs.append(v)
        }
        return (Tensor(shape: b.batchShape + [n], float64: vals).cast(to: b.dtype),
                Batch(batchShape: b.batchShape, rows: n, cols: n, mats: vecs, dtype: b.dtype).tensor)
    }

    /// SVD by the eigen-decomposition of the smaller Gram matrix refined with one-sided Jacobi:
    /// U (m×k or m×m), S (k) descending, Vh (k×n or n×n).
    public static func svd(_ t: Tensor, fullMatrices: Bool, fname: String = "linalg.svd") throws -> (u: Tensor, s: Tensor, vh: Tensor) {
        let b = try Batch(t, fname)
        let m = b.rows, n = b.cols, k = Swift.min(m, n)
        var us: [[Double]] = [], ss: [Double] = [], vhs: [[Double]] = []
        for a in b.mats {
            let (u, s, vt) = oneSidedJacobi(a, m, n)
            ss += Array(s.prefix(k))
            let uc = fullMatrices ? m : k, vr = fullMatrices ? n : k
            var uu = [Double](repeating: 0, count: m * uc), vv = [Double](repeating: 0, count: vr * n)
            for i in 0..<m { for j in 0..<uc { uu[i * uc + j] = u[i * m + j] } }
            for i in 0..<vr { for j in 0..<n { vv[i * n + j] = vt[i * n + j] } }
            us.append(uu); vhs.append(vv)
        }
        let uc = fullMatrices ? m : k, vr = fullMatrices ? n : k
        return (Batch(batchShape: b.batchShape, rows: m, cols: uc, mats: us, dtype: b.dtype).tensor,
                Tensor(shape: b.batchShape + [k], float64: ss).cast(to: b.dtype),
                Batch(batchShape: b.batchShape, rows: vr, cols: n, mats: vhs, dtype: b.dtype).tensor)
    }

    /// Full SVD of an m×n matrix: U m×m, s (min(m, n)) descending, Vᵀ n×n (columns of V with the
    /// largest-magnitude entry positive, U's columns following from A v / σ; the null-space
    /// completions from QR).
    static func oneSidedJacobi(_ a: [Double], _ m: Int, _ n: Int) -> (u: [Double], s: [Double], vt: [Double]) {
        // eigen-decomposition of AᵀA gives V; σ = ‖A v‖
        let at = transpose(a, m, n)
        let ata = matmul(at, a, n, m, n)
        let (_, v0) = jacobiEigen(ata, n)
        // descending order of σ
        var cols: [(sigma: Double, v: [Double])] = []
        for j in 0..<n {
            let v = (0..<n).map { v0[$0 * n + j] }
            var av = [Double](repeating: 0, count: m)
            for i in 0..<m { var s = 0.0; for p in 0..<n { s += a[i * n + p] * v[p] }; av[i] = s }
            let sigma = av.reduce(0) { $0 + $1 * $1 }.squareRoot()
            cols.append((sigma, v))
        }
        cols.sort { $0.sigma > $1.sigma }
        let k = Swift.min(m, n)
        var vt = [Double](repeating: 0, count: n * n)
        for (r, c) in cols.enumerated() { for p in 0..<n { vt[r * n + p] = c.v[p] } }
        var u = [Double](repeating: 0, count: m * m)
        var filled = 0
        let smax = cols.first?.sigma ?? 0
        for j in 0..<k where cols[j].sigma > smax * 1e-13 && cols[j].sigma > 0 {
            for i in 0..<m {
                var s = 0.0
                for p in 0..<n { s += a[i * n + p] * cols[j].v[p] }
                u[i * m + j] = s / cols[j].sigma
            }
            filled = j + 1
        }
        // complete U with an orthonormal basis (Gram–Schmidt on the unit vectors)
        var col = filled
        var e = 0
        while col < m && e < m {
            var w = [Double](repeating: 0, count: m)
            w[e] = 1
            for _ in 0..<2 {
                for j in 0..<col {
                    var d = 0.0
                    for i in 0..<m { d += u[i * m + j] * w[i] }
                    for i in 0..<m { w[i] -= d * u[i * m + j] }
                }
            }
            let nrm = w.reduce(0) { $0 + $1 * $1 }.squareRoot()
            if nrm > 1e-8 {
                for i in 0..<m { u[i * m + col] = w[i] / nrm }
                col += 1
            }
            e += 1
        }
        return (u, cols.map(\.sigma) + [Double](repeating: 0, count: Swift.max(0, k - cols.count)), vt)
    }

    /// `linalg.pinv(A, atol=None, rtol=None, hermitian=False)`: V diag(1/σ) Uᵀ over σ > max(atol, rtol·σmax);
    /// rtol defaults to ε·max(m, n) when neither is given (torch).
    public static func pinv(_ t: Tensor, atol: Double?, rtol: Double?) throws -> Tensor {
        let b = try Batch(t, "linalg.pinv")
        let m = b.rows, n = b.cols
        let eps = b.dtype == .float64 ? Double.ulpOfOne : Double(Float.ulpOfOne)
        let rt = rtol ?? ((atol ?? 0) > 0 ? 0 : eps * Double(Swift.max(m, n)))
        var out: [[Double]] = []
        for a in b.mats {
            let (u, s, vt) = oneSidedJacobi(a, m, n)
            let smax = s.first ?? 0
            let cut = Swift.max(atol ?? 0, rt * smax)
            var p = [Double](repeating: 0, count: n * m)
            for (j, sigma) in s.enumerated() where sigma > cut {
                for i in 0..<n { for r in 0..<m { p[i * m + r] += vt[j * n + i] * u[r * m + j] / sigma } }
            }
            out.append(p)
        }
        return Batch(batchShape: b.batchShape, rows: n, cols: m, mats: out, dtype: b.dtype).tensor
    }
}
