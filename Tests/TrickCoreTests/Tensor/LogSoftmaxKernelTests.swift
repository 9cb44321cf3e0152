@testable import TrickCore
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// The float32 log_softmax kernel over a strided class axis (`Tensor.logSoftmaxBlocked`: float32
/// sum of `expNonPositiveFused`, as torch's `_vec_log_softmax`) against a float64 ground truth
/// (libm `exp`/`log`, double sums) and the per-lane kernel it stands beside, on adversarial lanes:
/// ties, −∞ / +∞ / NaN logits, lanes of −∞, huge logits, one class, empty tensors and maps split
/// over the cores.
final class LogSoftmaxKernelTests: XCTestCase {
    /// log_softmax of one lane in float64: NaN for a NaN or +∞ logit or a lane of −∞, as torch.
    static func truth(_ lane: [Float]) -> [Double] {
        let x = lane.map(Double.init)
        if x.contains(where: \.isNaN) || x.contains(.infinity) || x.allSatisfy({ $0 == -.infinity }) {
            return x.map { _ in .nan }
        }
        let m = x.max()!
        let ls = log(x.reduce(0.0) { $0 + exp($1 - m) })
        return x.map { $0 - m - ls }
    }

    func testAgainstFloat64OnAdversarialLanes() {
        var r = SplitMix(seed: 2023)
        let specials: [Float] = [.nan, .infinity, -.infinity, 3e38, -3e38, 1e30, -1e30, 88, -104, -90, 0]
        for c in 0..<80 {
            let big = c % 20 == 19
            let n = big ? 2 : 1 + r.int(3), k = big ? 19 : 1 + r.int(40), inner = big ? 64 * 128 : 16 + r.int(700)
            var x = (0..<(n * k * inner)).map { _ in r.range(-30, 30) }
            switch c % 5 {
            case 0: for _ in 0..<30 { x[r.int(x.count)] = specials[r.int(specials.count)] }
            case 1: for i in 0..<inner { let v = r.range(-5, 5); for ch in 0..<k { x[ch * inner + i] = v } }   // ties
            case 2: for ch in 0..<k { x[ch * inner + r.int(inner)] = -.infinity; x[ch * inner] = -.infinity }   // lane 0: all −inf
            case 3: for i in x.indices { x[i] = x[i] * 1e36 }   // huge: x − max overflows to −∞ for some
            default: break
            }
            defer { Self.useBuild(nil) }
            for build in Build.allCases {
                Self.useBuild(build)
                let got = Tensor.softmaxKernel(x, [n, k, inner], 1, log: true)
                for o in 0..<n {
                    for i in 0..<inner {
                        let base = o * k * inner + i
                        let lane = (0..<k).map { x[base + $0 * inner] }
                        let want = Self.truth(lane)
                        for ch in 0..<k {
                            let g = got[base + ch * inner], w = want[ch]
                            // the float32 sum of k terms ≤ 1 (one of them 1): log off by ≤ k·2^-24,
                            // plus the rounding of the result
                            let tol = Double(k) * 6e-8 + 2 * Double(Float(w).ulp.isFinite ? Float(w).ulp : 0)
                            let ok = (g.isNaN && w.isNaN) || g == Float(w) || abs(Double(g) - w) <= tol   // Float(w): −∞ past float32's range
                            if !ok { XCTFail("case \(c) \(build) [\(o), \(ch), \(i)]: got \(g), want \(w)"); return }
                        }
                    }
                }
            }
        }
    }

    /// The kernel's builds: the Swift loops, their AVX2 and AVX-512 builds (CTrickKernels).
    enum Build: CaseIterable { case swift, avx2, avx512 }

    /// Selects `build` (the fastest this CPU has, for one it lacks); nil: the default, the fastest.
    static func useBuild(_ build: Build?) {
        VectorKernels.useAVX2 = build != .swift && Gemm.hasAVX2
        VectorKernels.useAVX512 = (build == nil || build == .avx512) && VectorKernels.hasAVX512
    }

    /// The AVX2 and AVX-512 builds (CTrickKernels) and the Swift loops give the same bits (NaN as
    /// NaN), on maps large enough to be split over the cores and small ones that are not, with
    /// lane counts that are no multiple of 8 or 16 (the vector loops' remainders).
    func testAVX2AVX512AndSwiftBuildsBitForBit() {
        guard Gemm.hasAVX2 else { return }
        var r = SplitMix(seed: 38)
        let specials: [Float] = [.nan, .infinity, -.infinity, 3e38, -3e38, 88, -104, -87.3, -90, 0, -0.0]
        defer { Self.useBuild(nil) }
        let builds: [Build] = VectorKernels.hasAVX512 ? [.swift, .avx2, .avx512] : [.swift, .avx2]
        for c in 0..<40 {
            let big = c % 8 == 7
            let n = 1 + r.int(2), k = big ? 19 : 1 + r.int(30), inner = big ? 64 * 128 : 16 + r.int(600)
            var x = (0..<(n * k * inner)).map { _ in r.range(-20, 20) }
            switch c % 4 {
            case 0: for _ in 0..<40 { x[r.int(x.count)] = specials[r.int(specials.count)] }
            case 1: for i in 0..<inner { let v = r.range(-5, 5); for ch in 0..<k { x[ch * inner + i] = v } }   // ties
            case 2: for ch in 0..<k { x[ch * inner] = -.infinity }   // a lane of −∞
            default: break
            }
            var bits: [[UInt32]] = []
            for build in builds {
                Self.useBuild(build)
                bits.append(Tensor.softmaxKernel(x, [n, k, inner], 1, log: true).map { $0.isNaN ? 0x7FC0_0000 : $0.bitPattern })
            }
            for b in 1..<builds.count {
                XCTAssertEqual(bits[b], bits[0], "case \(c) (\(n), \(k), \(inner)): \(builds[b]) and Swift builds differ")
            }
        }
    }

    func testTiesOneClassAndEmpty() throws {
        // k equal logits: −log k to the float32 rounding (the sum of k ones is exact)
        for k in [2, 3, 19, 150] {
            let x = Tensor(shape: [1, k, 40], float32: [Float](repeating: 7.25, count: k * 40))
            for v in try x.softmax(dim: 1, log: true).floats { XCTAssertEqual(v, Float(-log(Double(k))), accuracy: Float(-log(Double(k))).ulp) }
        }
        let one = Tensor(shape: [2, 1, 33], float32: (0..<66).map { Float($0) - 30 })
        XCTAssertEqual(try one.softmax(dim: 1, log: true).floats, [Float](repeating: 0, count: 66))
        XCTAssertEqual(try Tensor(shape: [0, 19, 64], float32: []).softmax(dim: 1, log: true).shape, [0, 19, 64])
        XCTAssertEqual(try Tensor(shape: [2, 0, 64], float32: []).softmax(dim: 1, log: true).shape, [2, 0, 64])
    }
}
