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

    /// The labels check (one vectorised pass, then the per-label loop only to name the offender):
    /// a label outside [0, C) that is not the ignore index is an error naming the first such label,
    /// wherever it is; the ignore index itself may be anything; all-ignored and empty maps are fine.
    func testLabelCheck() throws {
        var r = SplitMix(seed: 381)
        defer { VectorKernels.useAVX2 = Gemm.hasAVX2 }
        for avx2 in [true, false] {
            VectorKernels.useAVX2 = avx2 && Gemm.hasAVX2
            for c in 0..<40 {
                let k = 1 + r.int(20), s = 1 + r.int(700)
                let logits = Tensor(shape: [1, k, s], float32: (0..<(k * s)).map { _ in r.range(-3, 3) })
                let ignore: Int64 = [-100, 255, -1, Int64(r.int(k)), Int64.min, Int64.max][c % 6]
                var y = (0..<s).map { _ in r.int(4) == 0 ? ignore : Int64(r.int(k)) }
                // valid: nothing thrown
                _ = try CrossEntropy.torchCrossEntropy(logits, Tensor(shape: [1, s], int64: y), ignoreIndex: Int(ignore), reduction: .sum)
                let bad: [Int64] = [Int64(k), -1, Int64.min, Int64.max, Int64(k) + 1000, -101]
                let b = bad[r.int(bad.count)]
                if b == ignore { continue }
                let at = r.int(s)
                y[at] = b
                XCTAssertThrowsError(try CrossEntropy.torchCrossEntropy(logits, Tensor(shape: [1, s], int64: y), ignoreIndex: Int(ignore))) { e in
                    XCTAssertTrue("\(e)".contains("target \(b) is out of bounds for \(k) classes"), "case \(c): \(e)")
                }
            }
        }
        let all = Tensor(shape: [2, 3, 5], float32: [Float](repeating: 1, count: 30))
        XCTAssertTrue(try CrossEntropy.torchCrossEntropy(all, Tensor(shape: [2, 5], int64: [Int64](repeating: 255, count: 10)), ignoreIndex: 255).floats[0].isNaN)
        XCTAssertEqual(try CrossEntropy.torchCrossEntropy(Tensor(shape: [0, 3, 5], float32: []), Tensor(shape: [0, 5], int64: []), reduction: .sum).floats, [0])
    }
}
