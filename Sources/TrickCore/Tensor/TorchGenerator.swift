/// torch's CPU generator (`at::CPUGeneratorImpl`, torch 2.4.1): a 32-bit mt19937 seeded with
/// `init_genrand(seed & 0xffffffff)`, for the draws whose order must equal torch's — the
/// `DataLoader`'s shuffle. trick's tensor stream (`RandomGenerator`) stays its own; `manual_seed`
/// seeds both, so `torch.manual_seed(s)` then a shuffled DataLoader gives torch's batches when the
/// loader is the first thing that draws from torch's global generator after the seed (trick's
/// `randn`, `rand`, … do not draw from this one, torch's do).
///
/// - `random()`: one mt19937 output; `random64()`: `(hi << 32) | lo` of two outputs.
/// - `randomInt64()`: `torch.empty((), dtype=torch.int64).random_()`: `random64() % 2^63`.
/// - `randperm(n)`: torch's `randperm_cpu` for n < 2^32/20: for i in 0..<n−1 swap r[i] and
///   r[i + random() % (n − i)].
/// Default seed, as torch's default generator: 67280421310721.
public final class TorchGenerator: @unchecked Sendable {
    nonisolated(unsafe) public static var global = TorchGenerator(seed: 67280421310721)

    private var state = [UInt32](repeating: 0, count: 624)
    private var index = 624
    public private(set) var initialSeed: UInt64 = 0

    public init(seed: UInt64) { self.seed(seed) }

    public func seed(_ s: UInt64) {
        initialSeed = s
        state[0] = UInt32(truncatingIfNeeded: s)
        for j in 1..<624 { state[j] = 1812433253 &* (state[j - 1] ^ (state[j - 1] >> 30)) &+ UInt32(j) }
        index = 624
    }

    public func random() -> UInt32 {
        if index >= 624 {
            for k in 0..<624 {
                let y = (state[k] & 0x8000_0000) | (state[(k + 1) % 624] & 0x7fff_ffff)
                state[k] = state[(k + 397) % 624] ^ (y >> 1) ^ (y & 1 == 1 ? 0x9908_b0df : 0)
            }
            index = 0
        }
        var y = state[index]
        index += 1
        y ^= y >> 11
        y ^= (y << 7) & 0x9d2c_5680
        y ^= (y << 15) & 0xefc6_0000
        y ^= y >> 18
        return y
    }

    public func random64() -> UInt64 {
        let hi = UInt64(random()), lo = UInt64(random())
        return (hi << 32) | lo
    }

    public func randomInt64() -> Int64 { Int64(random64() % (UInt64(1) << 63)) }

    public func randperm(_ n: Int) throws -> [Int] {
        guard n >= 0 else { throw CoreError("randperm(): n must be non-negative, got \(n)") }
        guard n < Int(UInt32.max / 20) else { throw CoreError("randperm(): n = \(n) is beyond torch's small-n algorithm, which trick reproduces") }
        var r = Array(0..<n)
        var i = 0
        while i < n - 1 {
            let z = Int(random() % UInt32(n - i))
            r.swapAt(i, z + i)
            i += 1
        }
        return r
    }
}
