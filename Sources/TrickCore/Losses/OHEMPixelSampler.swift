#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// MMSegmentation `OHEMPixelSampler(context, thresh=None, min_kept=100000)`
/// (`mmseg/structures/sampler/ohem_pixel_sampler.py`; 0.x identical), reference/losses-ohem-pixel.md §7.
///
/// `sample(seg_logit, seg_label)` returns a float32 (N, H, W) weight of 0/1; ignored pixels are
/// always 0. The budget is per batch: `K = min_kept · N`, ranked over the whole batch.
/// - Threshold mode (`thresh` set): `p` = softmax probability of the ground-truth class (always
///   softmax, whatever the loss; for float32 logits computed as torch's float32 kernel does, see
///   `TorchSoftmax`). `thr = max(sorted_asc(p_valid)[min(K, n−1)], thresh)` and a pixel
///   is kept iff `p < thr` (strict), so the pixel at sorted index K and its ties are excluded and,
///   when K ≥ n, the most confident pixel is dropped unless `thresh` exceeds it. The K-th value
///   is found by quickselect (O(n)), no sort.
/// - Loss mode (`thresh=None`): the per-pixel losses of every `loss_decode` module
///   (`reduction_override='none'`, each already × its loss_weight) are summed and the top K are
///   kept. Which of several **tied** losses at the K-th value are kept follows torch's CPU
///   `sort(descending=True)` (libstdc++ introsort, see `TorchSort`): the common no-straddling-tie
///   case is resolved by an O(n) selection, and only a tie that straddles the cut runs the
///   exact sort emulation.
public struct OHEMPixelSampler: Sendable {
    public var thresh: Double?
    public var minKept: Int
    public var ignoreIndex: Int
    public var losses: [any SegLoss]

    public init(thresh: Double? = nil, minKept: Int = 100000, ignoreIndex: Int = 255, losses: [any SegLoss] = []) throws {
        guard minKept > 1 else { throw CoreError("OHEMPixelSampler: min_kept must be > 1, got \(minKept)") }
        self.thresh = thresh
        self.minKept = minKept
        self.ignoreIndex = ignoreIndex
        self.losses = losses
    }

    /// Accepts labels (N, 1, H, W) or (N, H, W); returns them as (N, H, W) int64.
    public static func squeezeLabel(_ label: Tensor, logits: Tensor) throws -> Tensor {
        guard logits.rank >= 2 else {
            throw CoreError("seg_logit must be (N, C, H, W), got shape \(Tensor.formatShape(logits.shape))")
        }
        let spatial = Array(logits.shape.dropFirst(2))
        var l = label
        if l.rank == logits.rank {
            guard l.shape[1] == 1 else {
                throw CoreError("seg_label must be (N, 1, H, W) or (N, H, W), got shape \(Tensor.formatShape(l.shape))")
            }
            l = try l.reshaped([l.shape[0]] + Array(l.shape.dropFirst(2)))
        }
        guard l.rank == logits.rank - 1, Array(l.shape.dropFirst()) == spatial, l.shape[0] == logits.shape[0] else {
            throw CoreError("seg_label of shape \(Tensor.formatShape(label.shape)) does not match seg_logit of shape \(Tensor.formatShape(logits.shape)) (spatial sizes must agree: resize the logits first)")
        }
        if l.dtype.isFloatingPoint || l.dtype == .bool { l = l.cast(to: .int64) }
        return l
    }

    public func sample(_ segLogit: Tensor, _ segLabel: Tensor) throws -> Tensor {
        let label = try OHEMPixelSampler.squeezeLabel(segLabel, logits: segLogit)
        let y = label.int64s
        let n = segLogit.shape[0]
        let (kept, ovf) = minKept.multipliedReportingOverflow(by: n)
        let batchKept = ovf ? Int.max : kept
        let ign = Int64(ignoreIndex)
        var validIdx: [Int] = []
        validIdx.reserveCapacity(y.count)
        for (i, v) in y.enumerated() where v != ign { validIdx.append(i) }
        var weight = [Float](repeating: 0, count: y.count)

        if let thresh {
            if validIdx.isEmpty { return Tensor(shape: label.shape, float32: weight) }
            for (j, i) in try thresholdKeep(segLogit, y, validIdx, k: Swift.min(batchKept, validIdx.count - 1),
                                            thresh: Float(thresh)).enumerated() where i { weight[validIdx[j]] = 1 }
        } else {
            guard !losses.isEmpty else {
                throw CoreError("OHEMPixelSampler without thresh ranks pixels by loss: loss_decode must be given")
            }
            // upstream: `losses = 0.0; losses += module(...)` — the first loss fixes the shape, each
            // later one is added in place with broadcasting (so a (N,) Dice value after a per-pixel
            // CE is broadcast over the pixels, and before it is an error); the sum must be (N, H, W)
            var total: [Float] = [], totalShape: [Int] = []
            for (j, loss) in losses.enumerated() {
                let l = try loss.forward(segLogit, label, weight: nil, avgFactor: nil, reductionOverride: Reduction.none,
                                         ignoreIndex: ignoreIndex)
                if j == 0 {
                    total = l.floats
                    totalShape = l.shape
                    continue
                }
                let lf = try broadcastWeight(l, to: totalShape, what: "OHEMPixelSampler: the 'none' loss of \(loss.lossName)")
                for i in total.indices { total[i] += lf[i] }
            }
            guard totalShape == label.shape else {
                throw CoreError("OHEMPixelSampler ranks per-pixel losses: loss_decode with reduction 'none' gives shape \(Tensor.formatShape(totalShape)), expected \(Tensor.formatShape(label.shape)) (only softmax CrossEntropyLoss works here, as in MMSegmentation)")
            }
            // (the losses run even when every pixel is ignored: their shape errors still surface, as upstream)
            let lv = validIdx.map { total[$0] }
            for j in OHEMPixelSampler.topK(lv, batchKept) { weight[validIdx[j]] = 1 }
        }
        return Tensor(shape: label.shape, float32: weight)
    }

    /// Indices of the first `k` elements of torch's `sort(descending=True)` of `values`.
    public static func topK(_ values: [Float], _ k: Int) -> [Int] {
        let n = values.count
        if k >= n { return Array(0..<n) }
        if k <= 0 { return [] }
        let hasNaN = values.contains { $0.isNaN }
        if !hasNaN {
            // v = the k-th largest; everything above it is in, ties at v decide the rest.
            let v = TorchSort.kthSmallest(values, n - k)
            var above = 0, equal = 0
            for x in values { if x > v { above += 1 } else if x == v { equal += 1 } }
            if above + equal == k {
                return values.indices.filter { values[$0] >= v }
            }
        }
        return Array(TorchSort.argsort(values, descending: true).prefix(k)).sorted()
    }

    /// Threshold mode's decision per valid pixel: `p < max(thresh, kth_k(p))`, `p` the softmax
    /// probability of the ground-truth class. float64 logits: exact in double. float32 logits: the
    /// values torch's float32 kernel gives (`TorchSoftmax`), found without running that slow
    /// scalar emulation on every pixel: a fast blocked softmax gives each `p` to within `delta`;
    /// only pixels that close to the K-th value or to the final threshold are recomputed exactly —
    /// the K-th exact value is the `(k − #below)`-th among the exact values of the band
    /// `|p̃ − ṽ| ≤ 2·delta` (pixels under it are below every value there, pixels over it above), and a
    /// pixel farther than `delta` from the threshold cannot change side.
    func thresholdKeep(_ logits: Tensor, _ y: [Int64], _ validIdx: [Int], k: Int, thresh t: Float) throws -> [Bool] {
        let n = logits.shape[0], c = logits.shape[1]
        let s = logits.shape.dropFirst(2).reduce(1, *)
        for i in validIdx where !(y[i] >= 0 && y[i] < Int64(c)) {
            throw CoreError("seg_label holds \(y[i]), outside [0, \(c)) and not the ignore index \(ignoreIndex)")
        }
        guard case .float32(let x) = logits.storage else {
            return Self.exactKeep(fastProbabilities(logits, y, validIdx), k: k, thresh: t)
        }
        let approx = fastProbabilities(logits, y, validIdx)
        return x.withUnsafeBufferPointer { xp in
            let exact = { (j: Int) -> Float in
                TorchSoftmax.probability(xp, n: n, c: c, s: s, label: Int(y[validIdx[j]]), pixel: validIdx[j])
            }
            if !approx.contains(where: { !$0.isFinite }) {
                // float32 exp and sums: |p̃ − p| is a few float32 ulps of 1; 1e-5 leaves a wide margin
                if let keep = Self.thresholdKeep(approx, delta: 1e-5, k: k, thresh: t, exact: exact) { return keep }
            }
            return Self.exactKeep(TorchSoftmax.probabilities(x, n: n, c: c, s: s, labels: y, pixels: validIdx), k: k, thresh: t)
        }
    }

    /// `p_j < max(t, kth_k(p))` for exact `p` (a NaN K-th value makes the threshold NaN: nothing kept,
    /// as upstream's `max(min_threshold, thresh)`).
    static func exactKeep(_ p: [Float], k: Int, thresh t: Float) -> [Bool] {
        let v = TorchSort.kthSmallest(p, k)
        let thr = t > v ? t : v
        return p.map { $0 < thr }
    }

    /// `p_j < max(t, kth_k(p))` for every j, from approximations `approx` within `delta` of `p` and
    /// the exact value `exact(j)` where it matters; nil if the bound turns out not to hold.
    static func thresholdKeep(_ approx: [Float], delta: Float, k: Int, thresh t: Float, exact: (Int) -> Float) -> [Bool]? {
        let v = TorchSort.kthSmallest(approx, k)
        var below = 0
        var band: [Int] = []
        for (j, a) in approx.enumerated() {
            if a < v - 2 * delta { below += 1 } else if a <= v + 2 * delta { band.append(j) }
        }
        guard k - below >= 0 && k - below < band.count else { return nil }
        var known = [Float](repeating: .nan, count: approx.count)
        var bandExact = [Float]()
        bandExact.reserveCapacity(band.count)
        for j in band { let e = exact(j); known[j] = e; bandExact.append(e) }
        let kth = TorchSort.kthSmallest(bandExact, k - below)
        let thr = t > kth ? t : kth
        var keep = [Bool](repeating: false, count: approx.count)
        for (j, a) in approx.enumerated() {
            if a < thr - delta { keep[j] = true } else if a <= thr + delta {
                let e = known[j].isNaN ? exact(j) : known[j]
                keep[j] = e < thr
            }
        }
        return keep
    }

    /// Softmax probability of the ground-truth class at each valid pixel, from PixelSoftmax's
    /// blocked statistics (float32 logits: the vectorised float32 exp; float64: exact in double).
    func fastProbabilities(_ logits: Tensor, _ y: [Int64], _ validIdx: [Int]) -> [Float] {
        let n = logits.shape[0], c = logits.shape[1]
        let s = logits.shape.dropFirst(2).reduce(1, *)
        var all = [Float](repeating: 0, count: y.count)
        func run<T: BinaryFloatingPoint>(_ xs: [T]) {
            xs.withUnsafeBufferPointer { x in
                y.withUnsafeBufferPointer { yp in
                    all.withUnsafeMutableBufferPointer { o in
                        let body: (Int, Int, Int, UnsafeMutablePointer<Double>, UnsafeMutablePointer<Double>) -> Void = { b, p0, len, mx, se in
                            for i in 0..<len {
                                let q = b * s + p0 + i
                                let label = yp[q]
                                if label == Int64(ignoreIndex) { continue }
                                o[q] = Float(exp(Double(x[b * c * s + Int(label) * s + p0 + i]) - mx[i]) / se[i])
                            }
                        }
                        if let xf = x as? UnsafeBufferPointer<Float> {
                            PixelSoftmax.forEachBlockFloat32(xf, n: n, c: c, s: s, body)
                        } else {
                            PixelSoftmax.forEachBlock(x, n: n, c: c, s: s, body)
                        }
                    }
                }
            }
        }
        if case .float32(let a) = logits.storage { run(a) } else { run(logits.doubles) }
        return validIdx.map { all[$0] }
    }
}
