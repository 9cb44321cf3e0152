#if canImport(Glibc)
import Glibc
#endif
/// The random stream of the data transforms: numpy's legacy global `np.random` (MT19937),
/// reproduced draw for draw so a seed gives the scales and flips MMCV / MMDetection give after
/// `np.random.seed(seed)`; see reference/resize-multiscale-tta.md §6.
/// - `seed(s)`: MT19937 `init_genrand` (numpy `RandomState.seed(int)`).
/// - `randint(lo, hi)`: masked rejection sampling on 32-bit draws (numpy legacy int64 path).
/// - `randomSample()`: 53-bit double from two draws, `((a>>5)*2^26 + (b>>6)) / 2^53`.
/// - `choice(p)`: one `randomSample()`, right-sided search in the normalised cdf.
/// - `gauss()`: the legacy polar (Marsaglia) method, keeping the second value for the next call
///   (numpy `legacy_gauss`; `seed` forgets it, as `RandomState.seed` does).
/// Arrays (`np.random.rand(2, 3)`, `randint(0, 5, size=4)`) take one draw per element in C order.
public final class NumpyRandom: @unchecked Sendable {
    private var mt = [UInt32](repeating: 0, count: 624)
    private var index = 624
    private var cachedGauss: Double?

    /// The global stream used by transforms (seeded with 0 at start-up, numpy's own default
    /// is entropy, which a notebook must not depend on).
    public static let global = NumpyRandom(seed: 0)

    public init(seed: UInt32) { self.seed(seed) }

    public func seed(_ s: UInt32) {
        mt[0] = s
        for i in 1..<624 {
            mt[i] = 1812433253 &* (mt[i - 1] ^ (mt[i - 1] >> 30)) &+ UInt32(i)
        }
        index = 624
        cachedGauss = nil
    }

    public func nextUInt32() -> UInt32 {
        if index >= 624 { twist() }
        var y = mt[index]
        index += 1
        y ^= y >> 11
        y ^= (y << 7) & 0x9d2c_5680
        y ^= (y << 15) & 0xefc6_0000
        y ^= y >> 18
        return y
    }

    private func twist() {
        for i in 0..<624 {
            let y = (mt[i] & 0x8000_0000) | (mt[(i + 1) % 624] & 0x7fff_ffff)
            var v = mt[(i + 397) % 624] ^ (y >> 1)
            if y & 1 != 0 { v ^= 0x9908_b0df }
            mt[i] = v
        }
        index = 0
    }

    /// `np.random.random_sample()`: uniform in [0, 1).
    public func randomSample() -> Double {
        let a = Double(nextUInt32() >> 5), b = Double(nextUInt32() >> 6)
        return (a * 67_108_864.0 + b) / 9_007_199_254_740_992.0
    }

    /// `np.random.standard_normal()`: numpy's legacy polar method (two uniforms per pair, the
    /// second value of a pair returned by the next call).
    public func gauss() -> Double {
        if let g = cachedGauss { cachedGauss = nil; return g }
        var x1 = 0.0, x2 = 0.0, r2 = 0.0
        repeat {
            x1 = 2 * randomSample() - 1
            x2 = 2 * randomSample() - 1
            r2 = x1 * x1 + x2 * x2
        } while r2 >= 1 || r2 == 0
        let f = (-2 * Glibc.log(r2) / r2).squareRoot()
        cachedGauss = f * x1
        return f * x2
    }

    /// `np.random.randint(low, high)`: uniform integer in [low, high).
    public func randint(_ low: Int, _ high: Int) throws -> Int {
        guard high > low else { throw CoreError("randint: low >= high (\(low) >= \(high))") }
        let rng = UInt64(high - 1 - low)
        if rng == 0 { return low }
        var mask = rng
        mask |= mask >> 1; mask |= mask >> 2; mask |= mask >> 4
        mask |= mask >> 8; mask |= mask >> 16; mask |= mask >> 32
        if rng <= 0xFFFF_FFFF {
            while true {
                let v = UInt64(nextUInt32()) & mask
                if v <= rng { return low + Int(v) }
            }
        }
        while true {
            let v = ((UInt64(nextUInt32()) << 32) | UInt64(nextUInt32())) & mask
            if v <= rng { return low + Int(v) }
        }
    }

    /// `np.random.choice(n, p=p)`: the index drawn with probabilities `p` (must be ≥ 0 and sum to 1).
    public func choice(_ p: [Double]) throws -> Int {
        guard !p.isEmpty else { throw CoreError("choice: probabilities must not be empty") }
        guard p.allSatisfy({ $0 >= 0 && $0.isFinite }) else { throw CoreError("choice: probabilities are not non-negative: \(p)") }
        let total = p.reduce(0, +)
        guard abs(total - 1) <= Double.ulpOfOne.squareRoot() else {  // numpy's atol = sqrt(eps)
            throw CoreError("choice: probabilities do not sum to 1 (sum \(total))")
        }
        var cdf = [Double](), acc = 0.0
        for v in p { acc += v; cdf.append(acc) }
        let last = cdf[cdf.count - 1]
        let u = randomSample()
        for i in cdf.indices where u < cdf[i] / last { return i }
        return p.count - 1
    }
}
