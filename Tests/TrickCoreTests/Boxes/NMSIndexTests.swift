import XCTest
@testable import TrickCore

/// The spatial-index NMS (`NMS.greedyIndexed`) and the radix score order against the brute-force
/// kernel (`NMS.greedyFloatBrute`) and the comparison sort they replace: the kept lists and the
/// orders must be identical on every input, including ties, degenerate and touching boxes,
/// coordinates near the float32 limits, infinities, offset 1 and every kind of threshold.
final class NMSIndexTests: XCTestCase {
    /// One box (x1, y1, x2, y2) from one of several families.
    static func box(_ kind: Int, _ r: inout SplitMix) -> [Float] {
        switch kind {
        case 0:   // small integer grid: ties, touching edges (offset 1 overlaps), zero and negative sizes
            let x = Float(r.int(20)), y = Float(r.int(20))
            return [x, y, x + Float(r.int(11) - 2), y + Float(r.int(11) - 2)]
        case 1:   // continuous
            let x = r.range(0, 100), y = r.range(0, 100)
            return [x, y, x + r.range(0, 30), y + r.range(0, 30)]
        case 2:   // huge: areas and sums overflow to inf
            let s = [Float(1e30), 1e36, 1e38, Float.greatestFiniteMagnitude][r.int(4)]
            let x = r.range(-1, 1) * s, y = r.range(-1, 1) * s
            return [x, y, Swift.min(Float.greatestFiniteMagnitude, x + r.unit() * s), Swift.min(Float.greatestFiniteMagnitude, y + r.unit() * s)]
        case 3:   // infinities mixed with finite coordinates
            let v: [Float] = [-.infinity, .infinity, 0, 5, 10, -3]
            let a = v[r.int(6)], b = v[r.int(6)]
            return [Swift.min(a, b), v[r.int(3) + 2], Swift.max(a, b), v[r.int(6)]]
        case 4:   // integers where the float32 spacing is 2–8: x2 + 1 rounds
            let x = Float(r.int(64)) * 4 + 16_777_216, y = Float(r.int(64)) * 8 + 33_554_432
            return [x, y, x + Float(r.int(5)) * 2, y + Float(r.int(5)) * 4]
        case 5:   // all through one spot
            let w = r.range(1, 50), h = r.range(1, 50), fx = r.unit(), fy = r.unit()
            return [50 - w * fx, 50 - h * fy, 50 - w * fx + w, 50 - h * fy + h]
        case 6:   // subnormal scale
            let t = Float.leastNonzeroMagnitude
            let x = Float(r.int(8) * 8) * t, y = Float(r.int(8) * 8) * t
            return [x, y, x + Float(r.int(4)) * t, y + Float(r.int(4)) * t]
        default:  // a few distinct boxes, duplicated
            let k = Float(r.int(3))
            return [k, k, k + 5, k + 5]
        }
    }

    static let thresholds: [Float] = [0, -0.0, 1e-7, 0.1, 0.3, 0.5, 0.7, 0.99, 1, 1.5, .infinity,
                                      -0.1, -1, -.infinity, .nan, Float.leastNonzeroMagnitude]

    /// A random case: boxes from one or two families, scores with many ties, a threshold.
    static func randomCase(_ r: inout SplitMix, maxCount: Int) -> (boxes: [Float], scores: [Float], thr: Float, offset: Float) {
        let n = r.int(maxCount + 1)
        let k1 = r.int(8), k2 = r.int(8)
        var boxes: [Float] = []
        for _ in 0..<n { boxes += box(r.int(3) == 0 ? k2 : k1, &r) }
        let levels = [2, 5, 1000][r.int(3)]
        let scores = (0..<n).map { _ in Float(r.int(levels)) / Float(levels) }
        let thr = r.int(4) == 0 ? r.unit() : thresholds[r.int(thresholds.count)]
        return (boxes, scores, thr, Float(r.int(2)))
    }

    func testIndexedMatchesBruteForce() {
        var r = SplitMix(seed: 20_240_611)
        var indexedCases = 0, suppressedSome = 0
        for c in 0..<4000 {
            let (boxes, scores, thr, offset) = Self.randomCase(&r, maxCount: c % 10 == 0 ? 400 : 120)
            let order = NMS.descendingOrderByComparison(scores)
            let expected = NMS.greedyFloatBrute(boxes, order: order, offset: offset, above: thr)
            let msg = "case \(c): n \(scores.count) thr \(thr) offset \(offset)"
            XCTAssertEqual(NMS.greedyIndexed(boxes, order: order, offset: offset, above: thr), expected, msg)
            XCTAssertEqual(NMS.greedyIndexed(boxes, order: order, offset: offset, above: thr, handBack: true), expected, msg)
            XCTAssertEqual(NMS.greedyFloat(boxes, order: order, offset: offset, above: thr), expected, msg)
            if thr >= 0 && !scores.isEmpty { indexedCases += 1 }
            if expected.count < scores.count { suppressedSome += 1 }
        }
        XCTAssertGreaterThan(indexedCases, 2500)
        XCTAssertGreaterThan(suppressedSome, 2000)
    }

    /// Larger inputs: many nodes, node-wide runs, repeated squeezing of dead entries; through the
    /// public entry points (torchvision: threshold floored to float; mmcv: offset 0 and 1).
    func testLargerInputsThroughPublicEntryPoints() throws {
        var r = SplitMix(seed: 7)
        for c in 0..<24 {
            let n = 600 + r.int(1400)
            let k1 = c % 8, k2 = r.int(8)
            var boxes: [Float] = []
            for _ in 0..<n { boxes += Self.box(r.int(4) == 0 ? k2 : k1, &r) }
            let scores = (0..<n).map { _ in Float(r.int(50)) / 50 }
            let thr = [0.0, 0.3, 0.5, 0.7, 0.95][c % 5]
            let order = NMS.descendingOrderByComparison(scores)
            let b = Tensor(shape: [n, 4], float32: boxes), s = Tensor(scores)
            let tv = NMS.greedyFloatBrute(boxes, order: order, offset: 0, above: NMS.floorT(thr, Float.self))
            XCTAssertEqual(try NMS.torchvision(boxes: b, scores: s, iouThreshold: thr).int64s, tv.map(Int64.init), "case \(c) torchvision")
            for offset in [0, 1] {
                let mm = NMS.greedyFloatBrute(boxes, order: order, offset: Float(offset), above: Float(thr))
                XCTAssertEqual(try NMS.mmcv(boxes: b, scores: s, iouThreshold: thr, offset: offset).inds.int64s,
                               mm.map(Int64.init), "case \(c) mmcv offset \(offset)")
            }
        }
    }

    /// The bench distribution (boxes 10–100 px in 1000×800) at 3 000 boxes: `greedyFloat` hands
    /// over from brute force to the index part-way.
    func testDenseRealisticInput() {
        var r = SplitMix(seed: 99)
        let n = 3000
        var boxes: [Float] = []
        for _ in 0..<n {
            let cx = r.unit() * 1000, cy = r.unit() * 800, w = r.unit() * 90 + 10, h = r.unit() * 90 + 10
            boxes += [cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2]
        }
        let order = NMS.descendingOrderByComparison((0..<n).map { _ in r.unit() })
        for thr: Float in [0, 0.5, 0.9] {
            let expected = NMS.greedyFloatBrute(boxes, order: order, offset: 0, above: thr)
            XCTAssertEqual(NMS.greedyIndexed(boxes, order: order, offset: 0, above: thr), expected, "thr \(thr)")
            // greedyFloat: brute force first, then the index for the undecided boxes
            XCTAssertEqual(NMS.greedyFloat(boxes, order: order, offset: 0, above: thr), expected, "thr \(thr)")
        }
    }

    /// Ctrl-C: the indexed loop polls the flag per box and stops (the caller discards the result).
    func testIndexedLoopStopsOnInterrupt() {
        let boxes: [Float] = (0..<300).flatMap { i -> [Float] in [Float(i), 0, Float(i) + 0.5, 1] }
        let order = Array(0..<300)
        XCTAssertEqual(NMS.greedyIndexed(boxes, order: order, offset: 0, above: 0.5).count, 300)
        trickInterruptRequested = 1
        defer { trickInterruptRequested = 0 }
        XCTAssertEqual(NMS.greedyIndexed(boxes, order: order, offset: 0, above: 0.5), [])
    }

    func testRadixScoreOrderMatchesComparisonSort() {
        var r = SplitMix(seed: 3)
        let specials: [Float] = [.nan, -.nan, 0, -0.0, .infinity, -.infinity, .leastNonzeroMagnitude,
                                 -.leastNonzeroMagnitude, .greatestFiniteMagnitude, -.greatestFiniteMagnitude, 1, -1]
        for c in 0..<500 {
            let n = r.int(300)
            let s: [Float] = (0..<n).map { _ in
                switch r.int(4) {
                case 0: return specials[r.int(specials.count)]
                case 1: return Float(r.int(5)) - 2
                case 2: return Float(bitPattern: UInt32(truncatingIfNeeded: r.next()))   // any bits, NaN payloads included
                default: return r.range(-1, 1)
                }
            }
            XCTAssertEqual(NMS.descendingOrder(s), NMS.descendingOrderByComparison(s), "case \(c)")
        }
        XCTAssertEqual(NMS.descendingOrder([Float]()), [])
        XCTAssertEqual(NMS.descendingOrder([Float(0), -0.0, .nan, 1, -0.0, .nan]), [2, 5, 3, 0, 1, 4])
    }
}
