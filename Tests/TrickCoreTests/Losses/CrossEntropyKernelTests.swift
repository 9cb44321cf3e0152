@testable import TrickCore
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// The fused float32 cross-entropy block kernel (`trick_ce_block_f32`: statistics, lse, per-pixel
/// loss and the block sums in one pass) against a per-pixel float64 reference with libm's exp and
/// log, on adversarial maps: an ignore index inside [0, C), all pixels ignored, zero and negative
/// class weights, ties, huge and non-finite logits, maps split over the cores; and the AVX2 and
/// Swift builds bit for bit.
final class CrossEntropyKernelTests: XCTestCase {
    /// F.cross_entropy(reduction='none') per pixel in float64: w[y]·(lse − x_y), 0 where ignored.
    static func reference(_ x: [Float], _ y: [Int64], n: Int, c: Int, s: Int, w: [Float], ignore: Int64) -> [Double] {
        var out = [Double](repeating: 0, count: n * s)
        for b in 0..<n {
            for p in 0..<s where y[b * s + p] != ignore {
                let lane = (0..<c).map { Double(x[b * c * s + $0 * s + p]) }
                let m = lane.reduce(-Double.infinity) { Swift.max($0, $1) }
                let lse = m + log(lane.reduce(0.0) { $0 + exp($1 - m) })
                let k = Int(y[b * s + p])
                out[b * s + p] = Double(w[k]) * (lse - lane[k])
            }
        }
        return out
    }

    func testFusedKernelAgainstFloat64Reference() throws {
        var r = SplitMix(seed: 34)
        defer { VectorKernels.useAVX2 = Gemm.hasAVX2 }
        for c in 0..<60 {
            let big = c % 20 == 19
            let n = big ? 2 : 1 + r.int(3), k = big ? 19 : 1 + r.int(30)
            let h = big ? 64 : 1 + r.int(30), wd = big ? 128 : 1 + r.int(300)
            let s = h * wd
            var x = (0..<(n * k * s)).map { _ in r.range(-10, 10) }
            let ignore: Int64 = c % 3 == 0 ? Int64(r.int(k)) : (c % 3 == 1 ? 255 : -100)   // inside [0, C) too
            var y = (0..<(n * s)).map { _ in r.int(5) == 0 ? ignore : Int64(r.int(k)) }
            var w = (0..<k).map { _ in r.range(0.5, 1.5) }
            switch c % 6 {
            case 0: y = y.map { _ in ignore }   // all ignored: sum 0, mean NaN
            case 1: w[r.int(k)] = 0; w[r.int(k)] = -0.75   // zero and negative weights
            case 2: for p in 0..<s { let v = r.range(-3, 3); for ch in 0..<k { x[ch * s + p] = v } }   // ties in image 0
            case 3: for i in x.indices { x[i] *= 1e6 }   // huge logits (probabilities of exactly 0 and 1)
            case 4: for _ in 0..<5 { x[r.int(x.count)] = [Float.nan, .infinity, -.infinity][r.int(3)] }
            default: break
            }
            let logits = Tensor(shape: [n, k, h, wd], float32: x), labels = Tensor(shape: [n, h, wd], int64: y)
            let cw = Tensor(w)
            let want = Self.reference(x, y, n: n, c: k, s: s, w: w, ignore: ignore)
            var results: [[Float]] = []
            for avx2 in [true, false] {
                VectorKernels.useAVX2 = avx2 && Gemm.hasAVX2
                let none = try CrossEntropy.torchCrossEntropy(logits, labels, weight: cw, ignoreIndex: Int(ignore), reduction: .none).floats
                let sum = try CrossEntropy.torchCrossEntropy(logits, labels, weight: cw, ignoreIndex: Int(ignore), reduction: .sum).floats[0]
                let mean = try CrossEntropy.torchCrossEntropy(logits, labels, weight: cw, ignoreIndex: Int(ignore)).floats[0]
                results.append(none + [sum, mean])
                for i in want.indices {
                    let g = Double(none[i]), e = want[i]
                    let ok = (g.isNaN && e.isNaN) || g == e || abs(g - e) <= 1e-5 * abs(e) + 1e-6
                    if !ok { XCTFail("case \(c) avx2 \(avx2) pixel \(i): got \(g), want \(e)"); break }
                }
                let total = want.reduce(0, +)
                var denom = 0.0
                for v in y where v != ignore { denom += Double(w[Int(v)]) }
                if total.isNaN {
                    XCTAssertTrue(sum.isNaN && mean.isNaN, "case \(c)")
                } else {
                    XCTAssertEqual(Double(sum), total, accuracy: abs(total) * 1e-5 + 1e-5, "case \(c) sum")
                    if denom == 0 && total == 0 { XCTAssertTrue(mean.isNaN, "case \(c): all ignored gives NaN, as torch") }
                    else { XCTAssertEqual(Double(mean), total / denom, accuracy: abs(total / denom) * 1e-5 + 1e-5, "case \(c) mean") }
                }
            }
            XCTAssertEqual(results[0].map { $0.isNaN ? 0x7FC0_0000 : $0.bitPattern }, results[1].map { $0.isNaN ? 0x7FC0_0000 : $0.bitPattern },
                           "case \(c): AVX2 and Swift builds differ")
        }
    }
}
