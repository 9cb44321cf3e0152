#if canImport(Glibc)
import Glibc
#endif

/// trick's own deterministic random stream: xoshiro256** seeded through splitmix64.
///
/// The torch *names* (`manual_seed`, `rand`, `randn`, `randint`, `randperm`, `normal`) with
/// torch's shapes and dtypes, but NOT torch's numbers: torch's CPU generator (mt19937 with its
/// own float recipes) is not reproduced. The same seed always gives the same values in trick.
/// - `rand`: float32 from the top 24 bits, uniform on [0, 1);
/// - `randn`: Box–Muller on two 53-bit uniforms (both outputs of a pair used);
/// - `randint(low, high)`: unbiased bounded integers (Lemire's multiply-shift with rejection);
/// - `randperm(n)`: Fisher–Yates.
public final class RandomGenerator: @unchecked Sendable {
    private var s: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
    private var spareNormal: Double?

    /// The process-wide generator `manual_seed` reseeds (default seed 0... as a fixed start).
    nonisolated(unsafe) public static var global = RandomGenerator(seed: 0x5EED)

    public init(seed: UInt64) { self.seed(seed) }

    public func seed(_ seed: UInt64) {
        var x = seed
        func splitmix() -> UInt64 {
            x &+= 0x9E37_79B9_7F4A_7C15
            var z = x
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s = (splitmix(), splitmix(), splitmix(), splitmix())
        spareNormal = nil
    }

    @inline(__always)
    public func next() -> UInt64 {
        let result = rotl(s.1 &* 5, 7) &* 9
        let t = s.1 << 17
        s.2 ^= s.0
        s.3 ^= s.1
        s.1 ^= s.2
        s.0 ^= s.3
        s.2 ^= t
        s.3 = rotl(s.3, 45)
        return result
    }

    @inline(__always) private func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

    /// Uniform double in [0, 1) with 53 random bits.
    @inline(__always) public func uniformDouble() -> Double { Double(next() >> 11) * 0x1.0p-53 }
    /// Uniform float in [0, 1) with 24 random bits.
    @inline(__always) public func uniformFloat() -> Float { Float(next() >> 40) * 0x1.0p-24 }

    /// Standard normal (Box–Muller, pairs).
    public func normal() -> Double {
        if let z = spareNormal { spareNormal = nil; return z }
        var u1 = uniformDouble()
        while u1 <= 0 { u1 = uniformDouble() }
        let u2 = uniformDouble()
        let r = (-2 * Glibc.log(u1)).squareRoot()
        let th = 2 * Double.pi * u2
        spareNormal = r * Glibc.sin(th)
        return r * Glibc.cos(th)
    }

    /// Uniform integer in [0, bound) without modulo bias.
    public func below(_ bound: UInt64) -> UInt64 {
        precondition(bound > 0)
        var m = next().multipliedFullWidth(by: bound)
        if m.low < bound {
            let t = (0 &- bound) % bound
            while m.low < t { m = next().multipliedFullWidth(by: bound) }
        }
        return m.high
    }
}

extension Tensor {
    public static func rand(_ shape: [Int], dtype: DType = .float32, generator g: RandomGenerator = .global) throws -> Tensor {
        let n = try checkedAllocationCount(shape, dtype: dtype)
        switch dtype {
        case .float32: return Tensor(shape: shape, float32: (0..<n).map { _ in g.uniformFloat() })
        case .float64: return Tensor(shape: shape, float64: (0..<n).map { _ in g.uniformDouble() })
        default: throw CoreError("rand(): expected a floating point dtype, got \(dtype)")
        }
    }

    public static func randn(_ shape: [Int], dtype: DType = .float32, generator g: RandomGenerator = .global) throws -> Tensor {
        let n = try checkedAllocationCount(shape, dtype: dtype)
        guard dtype.isFloatingPoint else { throw CoreError("randn(): expected a floating point dtype, got \(dtype)") }
        return Tensor(shape: shape, float64: (0..<n).map { _ in g.normal() }).cast(to: dtype)
    }

    /// `normal(mean, std, size)`.
    public static func normal(mean: Double, std: Double, _ shape: [Int], dtype: DType = .float32, generator g: RandomGenerator = .global) throws -> Tensor {
        guard std >= 0 else { throw CoreError("normal(): expected std >= 0.0, got \(std)") }
        let n = try checkedAllocationCount(shape, dtype: dtype)
        return Tensor(shape: shape, float64: (0..<n).map { _ in mean + std * g.normal() }).cast(to: dtype)
    }

    /// `randint(low, high, size)`: uniform integers in [low, high).
    public static func randint(low: Int64, high: Int64, _ shape: [Int], dtype: DType = .int64, generator g: RandomGenerator = .global) throws -> Tensor {
        guard high > low else { throw CoreError("randint(): random_ expects 'from' to be less than 'to', but got from=\(low) >= to=\(high)") }
        let n = try checkedAllocationCount(shape, dtype: dtype)
        let span = UInt64(bitPattern: high &- low)
        return Tensor(shape: shape, int64: (0..<n).map { _ in low &+ Int64(bitPattern: g.below(span)) }).cast(to: dtype)
    }

    /// `randperm(n)`: a random permutation of 0..<n (int64).
    public static func randperm(_ n: Int, generator g: RandomGenerator = .global) throws -> Tensor {
        guard n >= 0 else { throw CoreError("randperm(): n must be non-negative, got \(n)") }
        _ = try checkedAllocationCount([n], dtype: .int64)
        var p = (0..<Int64(n)).map { $0 }
        if n > 1 {
            for i in stride(from: n - 1, to: 0, by: -1) {
                let j = Int(g.below(UInt64(i + 1)))
                p.swapAt(i, j)
            }
        }
        return Tensor(shape: [n], int64: p)
    }
}
