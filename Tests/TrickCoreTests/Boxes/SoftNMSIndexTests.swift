import XCTest
@testable import TrickCore

/// The indexed Soft-NMS kernels (`SoftNMS.kernelIndexed`, `EnsembleBoxes.softNMSIndexed`) and the
/// indexed WBF / NMW clustering loops against the reference kernels they replace: identical
/// results, bit for bit and in the same order, on random adversarial inputs — ties, NaN and
/// infinite scores, empty, huge and subnormal coordinates, clustered and identical boxes, every
/// kind of threshold (the ones the indexed kernels hand back to the reference included).
final class SoftNMSIndexTests: XCTestCase {
    static func bits(_ a: [Float]) -> [UInt32] { a.map(\.bitPattern) }
    static func bits(_ a: [Double]) -> [UInt64] { a.map(\.bitPattern) }

    /// Scores with many ties, zeros of both signs, NaN, infinities and values below min_score.
    static func scores(_ n: Int, _ r: inout SplitMix) -> [Float] {
        let special: [Float] = [.nan, .infinity, -.infinity, 0, -0.0, 1e-4, 1, -1]
        let kind = r.int(4)
        return (0..<n).map { _ in
            switch kind {
            case 0: return Float(r.int(4)) / 4
            case 1: return r.int(10) == 0 ? special[r.int(special.count)] : r.unit()
            case 2: return r.unit()
            default: return Float(r.int(1000)) / 1000
            }
        }
    }

    func testMMCVIndexedMatchesKernel() {
        var r = SplitMix(seed: 20_250_301)
        let methods: [SoftNMS.Method] = [.linear, .naive, .gaussian]
        let sigmas: [Float] = [0.5, 0, .nan, -1, .infinity, 2]
        let minScores: [Float] = [1e-3, 0, 0.3, -1, .nan, .infinity]
        var indexed = 0
        for c in 0..<3000 {
            let (boxes, _, thr, offset) = NMSIndexTests.randomCase(&r, maxCount: c % 10 == 0 ? 400 : 90)
            let n = boxes.count / 4
            let s = Self.scores(n, &r)
            let method = methods[r.int(3)]
            let sigma = r.int(3) == 0 ? sigmas[r.int(sigmas.count)] : 0.5
            let minScore = r.int(3) == 0 ? minScores[r.int(minScores.count)] : 1e-3
            let e = SoftNMS.kernel(boxes, s, iouThreshold: thr, sigma: sigma, minScore: minScore, method: method, offset: offset)
            let msg = "case \(c): n \(n) thr \(thr) \(method) sigma \(sigma) min \(minScore) offset \(offset)"
            for window in [false, true] {   // the overlap grid and the IoU window
                let g = SoftNMS.kernelIndexed(boxes, s, iouThreshold: thr, sigma: sigma, minScore: minScore, method: method,
                                              offset: offset, window: window)
                XCTAssertEqual(g.inds, e.inds, "\(msg) window \(window)")
                XCTAssertEqual(Self.bits(g.dets), Self.bits(e.dets), "\(msg) window \(window)")
            }
            if n > 1 && SoftNMS.indexable(boxes, iouThreshold: thr, sigma: sigma, method: method, offset: offset) { indexed += 1 }
        }
        XCTAssertGreaterThan(indexed, 1000)
    }

    func testEnsembleSoftNMSIndexedMatchesKernel() {
        var r = SplitMix(seed: 77)
        let nts: [Double] = [0.3, 0, -0.0, 0.5, 0.9, 1, -0.1, .nan, .infinity]
        let sigmas: [Double] = [0.5, 0, .nan, -2, .infinity]
        let threshs: [Double] = [0.001, 0, -1, 0.5, .nan]
        var indexed = 0, pruned = 0
        for c in 0..<3000 {
            let (fb, _, _, _) = NMSIndexTests.randomCase(&r, maxCount: c % 10 == 0 ? 400 : 90)
            let n = fb.count / 4
            // normalised boxes as ensemble_boxes sees them, or the raw families (huge, infinite)
            let scale: Double = r.int(2) == 0 ? 0.01 : 1
            let boxes = fb.map { Double($0) * scale }
            let s = Self.scores(n, &r).map(Double.init)
            let method = [1, 2, 3, 0][r.int(4)]
            let nt = nts[r.int(nts.count)], sigma = r.int(3) == 0 ? sigmas[r.int(sigmas.count)] : 0.5
            let thresh = threshs[r.int(threshs.count)]
            let e = EnsembleBoxes.softNMS(boxes, s, nt: nt, sigma: sigma, thresh: thresh, method: method)
            for window in [false, true] {
                let g = EnsembleBoxes.softNMSIndexed(boxes, s, nt: nt, sigma: sigma, thresh: thresh, method: method, window: window)
                XCTAssertEqual(g, e, "case \(c): n \(n) nt \(nt) method \(method) sigma \(sigma) thresh \(thresh) window \(window)")
            }
            if n > 1 && EnsembleBoxes.softNMSIndexable(boxes, nt: nt, sigma: sigma, method: method) {
                indexed += 1
                if EnsembleBoxes.softNMSPrunable(Self.areas(boxes), s, sigma: sigma, thresh: thresh, method: method) { pruned += 1 }
            }
        }
        XCTAssertGreaterThan(indexed, 1000)
        XCTAssertGreaterThan(pruned, 300)
    }

    static func areas(_ boxes: [Double]) -> [Double] {
        var a: [Double] = []
        for k in 0..<(boxes.count / 4) {
            let w: Double = boxes[4 * k + 2] - boxes[4 * k], h: Double = boxes[4 * k + 3] - boxes[4 * k + 1]
            a.append(w * h)
        }
        return a
    }

    /// The bench's regime, where pruning matters: many spread-out boxes in [0, 1] with scores in
    /// [0, 1], decayed step after step until most fall to `thresh` and leave the index.
    func testEnsembleSoftNMSPrunedMatchesKernelOnDenseBoxes() {
        var r = SplitMix(seed: 4242)
        for c in 0..<12 {
            let n = 300 + r.int(1700)
            var boxes: [Double] = []
            for _ in 0..<n {
                let cx = Double(r.unit()), cy = Double(r.unit()), w = Double(r.range(0.01, 0.1)), h = Double(r.range(0.01, 0.1))
                let x1: Double = Swift.max(0, cx - w / 2), y1: Double = Swift.max(0, cy - h / 2)
                let x2: Double = Swift.min(1, cx + w / 2), y2: Double = Swift.min(1, cy + h / 2)
                boxes += [x1, y1, x2, y2]
            }
            var s: [Double] = []
            for _ in 0..<n { s.append(c % 3 == 0 ? Double(r.int(8)) / 8 : Double(r.unit())) }   // ties in one case of three
            let method = [1, 2, 0][c % 3]
            let nt: Double = [0.3, 0.5, 0.1][r.int(3)], thresh: Double = [0.001, 0, 0.1][r.int(3)]
            XCTAssertTrue(EnsembleBoxes.softNMSPrunable(Self.areas(boxes), s, sigma: 0.5, thresh: thresh, method: method))
            let e = EnsembleBoxes.softNMS(boxes, s, nt: nt, sigma: 0.5, thresh: thresh, method: method)
            for window in [false, true] {
                let g = EnsembleBoxes.softNMSIndexed(boxes, s, nt: nt, sigma: 0.5, thresh: thresh, method: method, window: window)
                XCTAssertEqual(g, e, "case \(c): n \(n) nt \(nt) method \(method) thresh \(thresh) window \(window)")
            }
        }
    }

    /// The IoU window's edge: partners built at an IoU within a few roundings of the threshold
    /// (shifted, grown or shrunk copies of a box, widths a factor near `thr` apart), at small and
    /// large coordinates (where float32's spacing makes `x2 − x1 + 1` round), with offset 0 and 1,
    /// many sizes at once, and ties in the scores.
    func testIoUWindowAtTheThreshold() {
        var r = SplitMix(seed: 9001)
        for c in 0..<600 {
            let thr: Float = [0.3, 0.5, 0.7, 0.1, 1e-6, 1, 0.95][r.int(7)]
            let offset: Float = Float(r.int(2))
            let base: Float = [0, 1000, 4_000_000, 16_777_216][r.int(4)]
            let n = 2 + r.int(c % 10 == 0 ? 600 : 80)
            var boxes: [Float] = []
            for k in 0..<n {
                if k > 0 && r.int(3) > 0 {
                    // a partner of an earlier box at about the threshold's IoU
                    let j = r.int(k)
                    let x1 = boxes[4 * j], y1 = boxes[4 * j + 1], x2 = boxes[4 * j + 2], y2 = boxes[4 * j + 3]
                    let w = x2 - x1 + offset, h = y2 - y1 + offset
                    switch r.int(3) {
                    case 0:   // shifted along x so that (w − d)/(w + d) = thr
                        let d = w * (1 - thr) / (1 + thr) * (1 + r.range(-1e-5, 1e-5))
                        boxes += [x1 + d, y1, x2 + d, y2]
                    case 1:   // grown to width w/thr about the same left edge
                        let g = w / thr * (1 + r.range(-1e-5, 1e-5)) - w
                        boxes += [x1, y1, x2 + g, y2]
                    default:  // shrunk to width thr·w in both axes
                        boxes += [x1, y1, x1 + w * thr.squareRoot() - offset, y1 + h * thr.squareRoot() - offset]
                    }
                } else {
                    let w = r.range(0.5, 60) * Float(1 << r.int(4)), h = r.range(0.5, 60)
                    let x = base + r.range(0, 200), y = base + r.range(0, 200)
                    boxes += [x, y, x + w, y + h]
                }
            }
            let s = (0..<n).map { _ in Float(r.int(6)) / 5 }
            let method: SoftNMS.Method = r.int(2) == 0 ? .linear : .naive
            let e = SoftNMS.kernel(boxes, s, iouThreshold: thr, sigma: 0.5, minScore: 1e-3, method: method, offset: offset)
            let g = SoftNMS.kernelIndexed(boxes, s, iouThreshold: thr, sigma: 0.5, minScore: 1e-3, method: method, offset: offset, window: true)
            let msg = "case \(c): n \(n) thr \(thr) \(method) offset \(offset) base \(base)"
            XCTAssertEqual(g.inds, e.inds, msg)
            XCTAssertEqual(Self.bits(g.dets), Self.bits(e.dets), msg)
            let bd = boxes.map(Double.init), sd = s.map(Double.init)
            XCTAssertEqual(EnsembleBoxes.softNMSIndexed(bd, sd, nt: Double(thr), sigma: 0.5, thresh: 0.001, method: 1, window: true),
                           EnsembleBoxes.softNMS(bd, sd, nt: Double(thr), sigma: 0.5, thresh: 0.001, method: 1), msg)
        }
    }

    /// A label group of records as `prefilter` makes them: boxes in [0, 1] (corner order fixed,
    /// zero area dropped), scores with ties, zeros and negatives (a cluster whose scores sum to 0
    /// has a NaN fused box), sorted best first.
    static func records(_ n: Int, _ r: inout SplitMix, label: Double = 3) -> [EnsembleBoxes.Record] {
        let kind = r.int(5)
        var out: [EnsembleBoxes.Record] = []
        let scoreKind = r.int(3)
        for _ in 0..<n {
            var b: (Double, Double, Double, Double)
            switch kind {
            case 0:   // integer grid: ties, touching edges, identical boxes
                let x = Double(r.int(10)) / 10, y = Double(r.int(10)) / 10
                b = (x, y, Swift.min(1, x + Double(1 + r.int(3)) / 10), Swift.min(1, y + Double(1 + r.int(3)) / 10))
            case 1:   // spread out, bench-like
                let cx = Double(r.unit()), cy = Double(r.unit()), w = Double(r.range(0.01, 0.1)), h = Double(r.range(0.01, 0.1))
                b = (Swift.max(0, cx - w), Swift.max(0, cy - h), Swift.min(1, cx + w), Swift.min(1, cy + h))
            case 2:   // all through one spot
                let w = Double(r.range(0.05, 0.5)), fx = Double(r.unit())
                b = (0.5 - w * fx, 0.5 - w * fx, 0.5 - w * fx + w, 0.5 - w * fx + w)
            case 3:   // a few distinct boxes, duplicated
                let k = Double(r.int(3)) / 4
                b = (k, k, k + 0.2, k + 0.2)
            default:  // tiny and huge mixed
                let x = Double(r.unit()) * 0.9, y = Double(r.unit()) * 0.9
                b = r.int(8) == 0 ? (0, 0, 1, 1) : (x, y, x + 1e-9 * Double(1 + r.int(5)), y + 1e-3)
            }
            let score: Double
            switch scoreKind {
            case 0: score = Double(r.int(4)) / 4
            case 1: score = Double(r.int(5)) - 2
            default: score = Double(r.unit())
            }
            out.append(.init(label: label, score: score, weight: [1, 2, 0.5][r.int(3)], model: Double(r.int(3)), box: b))
        }
        let order = EnsembleBoxes.reverseArgsort(out.map(\.score))
        return order.map { out[$0] }
    }

    static func key(_ rs: [EnsembleBoxes.Record]) -> [UInt64] {
        rs.flatMap { [$0.label, $0.score, $0.weight, $0.model, $0.box.0, $0.box.1, $0.box.2, $0.box.3].map(\.bitPattern) }
    }

    func testWBFAndNMWIndexedMatchReference() {
        var r = SplitMix(seed: 5150)
        let thrs: [Double] = [0.55, 0, -0.0, 0.1, 0.3, 0.9, 1, -0.5, .nan, .infinity]
        for c in 0..<800 {
            let n = r.int(c % 10 == 0 ? 500 : 120)
            let label: Double = r.int(20) == 0 ? 16_777_217 : 3   // not a float32: the fused label never matches
            let recs = Self.records(n, &r, label: label)
            let thr = r.int(3) == 0 ? Double(r.unit()) : thrs[r.int(thrs.count)]
            for conf in EnsembleBoxes.ConfType.allCases {
                let e = EnsembleBoxes.wbfClusters(recs, iouThr: thr, confType: conf)
                let g = EnsembleBoxes.wbfClustersIndexed(recs, iouThr: thr, confType: conf)
                let msg = "case \(c): n \(n) thr \(thr) \(conf)"
                XCTAssertEqual(g.clusters.map(Self.key), e.clusters.map(Self.key), msg)
                XCTAssertEqual(Self.key(g.fused), Self.key(e.fused), msg)
            }
            XCTAssertEqual(EnsembleBoxes.nmwClustersIndexed(recs, iouThr: thr).map(Self.key),
                           EnsembleBoxes.nmwClusters(recs, iouThr: thr).map(Self.key), "case \(c) nmw thr \(thr)")
        }
    }

    /// The IoU window in the fusion loops (positive scores, thresholds in (0, 1]): records on
    /// coarse grids, whose IoUs land exactly on the thresholds (1/2, 1/3, 1/4, 0.6, …), with tied
    /// scores, duplicates, clusters through one spot and tiny boxes beside whole-image ones — the
    /// window must return every fused box that reaches the threshold, and ties must go the same way.
    func testWBFAndNMWThroughTheIoUWindowMatchReference() {
        var r = SplitMix(seed: 2323)
        let thrs: [Double] = [0.5, 1.0 / 3, 0.25, 0.6, 0.55, 1, 1e-6, 0.9]
        var windowed = 0
        for c in 0..<600 {
            var recs = Self.records(r.int(c % 10 == 0 ? 600 : 150), &r)
            for k in recs.indices {
                recs[k].score = r.int(2) == 0 ? Double(1 + r.int(3)) / 4 : Double(r.unit()) + 1e-3
            }
            recs = EnsembleBoxes.reverseArgsort(recs.map(\.score)).map { recs[$0] }
            let thr = thrs[r.int(thrs.count)]
            if EnsembleBoxes.index(for: recs, iouThr: thr, fusing: true) is IoUWindowIndex { windowed += 1 }
            for conf in [EnsembleBoxes.ConfType.avg, .max] {
                let e = EnsembleBoxes.wbfClusters(recs, iouThr: thr, confType: conf)
                let g = EnsembleBoxes.wbfClustersIndexed(recs, iouThr: thr, confType: conf)
                XCTAssertEqual(g.clusters.map(Self.key), e.clusters.map(Self.key), "case \(c): thr \(thr) \(conf)")
                XCTAssertEqual(Self.key(g.fused), Self.key(e.fused), "case \(c): thr \(thr) \(conf)")
            }
            XCTAssertEqual(EnsembleBoxes.nmwClustersIndexed(recs, iouThr: thr).map(Self.key),
                           EnsembleBoxes.nmwClusters(recs, iouThr: thr).map(Self.key), "case \(c) nmw thr \(thr)")
        }
        XCTAssertGreaterThan(windowed, 400)
    }

    /// The flat WBF loop (`wbfClustersFlat`, the one `weightedBoxesFusion` takes from
    /// `indexedMinimum` records) against the reference loop: the same clusters (each record's
    /// cluster, in order), sizes and fused boxes, bit for bit — on the adversarial record sets
    /// above and on records whose IoUs land exactly on coarse thresholds, with ties in the scores.
    func testWBFFlatMatchesReference() {
        var r = SplitMix(seed: 6060)
        let thrs: [Double] = [0.55, 0.5, 1.0 / 3, 0.25, 0.6, 1, 1e-6, 0.9, 0, .nan, 2]
        var flat = 0
        for c in 0..<700 {
            var recs = Self.records(r.int(c % 7 == 0 ? 900 : 300), &r)
            if r.int(2) == 0 {   // positive scores with ties: the window takes them
                for k in recs.indices { recs[k].score = r.int(2) == 0 ? Double(1 + r.int(3)) / 4 : Double(r.unit()) + 1e-3 }
                recs = EnsembleBoxes.reverseArgsort(recs.map(\.score)).map { recs[$0] }
            }
            let thr = r.int(3) == 0 ? Double(r.unit()) : thrs[r.int(thrs.count)]
            for conf in EnsembleBoxes.ConfType.allCases {
                let e = EnsembleBoxes.wbfClusters(recs, iouThr: thr, confType: conf)
                let msg = "case \(c): n \(recs.count) thr \(thr) \(conf)"
                if let g = EnsembleBoxes.wbfClustersFlat(recs, iouThr: thr, confType: conf) {
                    flat += 1
                    XCTAssertEqual(g.members(recs).map(Self.key), e.clusters.map(Self.key), msg)
                    XCTAssertEqual(g.counts, e.clusters.map(\.count), msg)
                    XCTAssertEqual(Self.key(g.fused), Self.key(e.fused), msg)
                }
                let f = EnsembleBoxes.wbfFusion(recs, iouThr: thr, confType: conf, members: true)
                XCTAssertEqual(f.members.map(Self.key), e.clusters.map(Self.key), msg)
                XCTAssertEqual(f.counts, e.clusters.map(\.count), msg)
                XCTAssertEqual(Self.key(f.fused), Self.key(e.fused), msg)
            }
        }
        XCTAssertGreaterThan(flat, 1000)
    }

    /// `weightedBoxesFusion` against itself with every label group through the reference loop, on
    /// whole ensembles: jittered copies of a base set (some boxes missed by a model), reversed,
    /// clipped, zero-area and identical boxes, one model or several, one label or many (and
    /// fractional ones), tied, zero, negative and above-1 scores, weights of the right and wrong
    /// length, every conf type and threshold kind — the same rows, bit for bit, in the same order.
    func testWeightedBoxesFusionMatchesReferenceLoops() throws {
        var r = SplitMix(seed: 8118)
        var flatGroups = 0
        for c in 0..<160 {
            let models = 1 + r.int(6)
            let n = c % 3 == 0 ? 300 + r.int(1500) : r.int(120)
            let labelCount = [1, 2, 3, 10, 100][r.int(5)]
            let scoreKind = r.int(5), jitter = [0.0, 0.002, 0.01, 0.03][r.int(4)], fewDistinct = r.int(6) == 0
            var base: [(Double, Double, Double, Double)] = []
            for _ in 0..<n {
                let w = [0.01, 0.05, 0.2, 0.5][r.int(4)] * Double(r.range(0.2, 1.2)), h = [0.01, 0.05, 0.2, 0.5][r.int(4)] * Double(r.range(0.2, 1.2))
                let cx = Double(r.unit()), cy = Double(r.unit())
                base.append((cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2))
            }
            let labels = (0..<n).map { _ in Double(r.int(labelCount) * (labelCount == 100 ? 7 : 1)) + (r.int(20) == 0 ? 0.5 : 0) }
            var ms: [EnsembleBoxes.Model] = []
            for _ in 0..<models {
                var b: [Double] = [], s: [Double] = [], l: [Double] = []
                for j in 0..<n where r.int(10) != 0 {
                    func jit() -> Double { Double(r.unit() - 0.5) * jitter }
                    var x = (base[j].0 + jit(), base[j].1 + jit(), base[j].2 + jit(), base[j].3 + jit())
                    switch r.int(40) {
                    case 0: x = (x.2, x.3, x.0, x.1)                    // reversed corners
                    case 1: x = (x.0, x.1, x.0, x.3)                    // zero area
                    case 2: x = (x.0 - 0.5, x.1, x.2 + 0.7, x.3)        // clipped to [0, 1]
                    case 3: x = (0.25, 0.25, 0.5, 0.5)                  // identical boxes
                    default: break
                    }
                    if fewDistinct { let k = Double(r.int(4)) / 8; x = (k, k, k + 0.25, k + 0.25) }
                    b += [x.0, x.1, x.2, x.3]
                    switch scoreKind {
                    case 0: s.append(Double(1 + r.int(4)) / 4)
                    case 1: s.append(Double(r.unit()))
                    case 2: s.append(r.int(10) == 0 ? 0 : Double(r.unit()))
                    case 3: s.append(Double(r.int(1000)) / 1000)
                    default: s.append(Double(r.unit()) * 2 - 0.2)
                    }
                    l.append(labels[j])
                }
                ms.append(EnsembleBoxes.Model(boxes: b, scores: s, labels: l))
            }
            let weights: [Double]? = r.int(3) == 0 ? nil : (0..<(r.int(8) == 0 ? models + 1 : models)).map { _ in [1, 2, 0.5, 3][r.int(4)] }
            let thr = [0.55, 0.5, 0.3, 0.8, 0, 1, 1e-7, Double(r.unit())][r.int(8)]
            let skip = [0.0, 0.0, 0.1, 0.5][r.int(4)]
            var sink: [String] = []
            let w = EnsembleBoxes.checkWeights(weights, models: models, messages: &sink)
            for (_, recs) in try EnsembleBoxes.prefilter(ms, weights: w, thr: skip) where recs.count >= EnsembleBoxes.indexedMinimum {
                if EnsembleBoxes.wbfClustersFlat(EnsembleBoxes.sortedByScore(recs), iouThr: thr, confType: .avg) != nil { flatGroups += 1 }
            }
            for conf in EnsembleBoxes.ConfType.allCases {
                for overflow in [false, true] where conf == .avg || !overflow {
                    let fast = try EnsembleBoxes.weightedBoxesFusion(ms, weights: weights, iouThr: thr, skipBoxThr: skip, confType: conf, allowsOverflow: overflow)
                    let ref = try EnsembleBoxes.weightedBoxesFusion(ms, weights: weights, iouThr: thr, skipBoxThr: skip, confType: conf,
                                                                    allowsOverflow: overflow, reference: true)
                    let msg = "case \(c): \(models) models, n \(n), thr \(thr), \(conf), overflow \(overflow)"
                    XCTAssertEqual(Self.bits(fast.boxes), Self.bits(ref.boxes), msg)
                    XCTAssertEqual(Self.bits(fast.scores), Self.bits(ref.scores), msg)
                    XCTAssertEqual(Self.bits(fast.labels), Self.bits(ref.labels), msg)
                    XCTAssertEqual(fast.messages, ref.messages, msg)
                }
            }
        }
        XCTAssertGreaterThan(flatGroups, 40)
    }

    /// `IoUWindowIndex` under random insertions, removals and in-place updates (the fused boxes of
    /// the flat WBF loop move as records join): every query returns each registered box whose IoU
    /// with the query box (as the fusion loops compute it) reaches the threshold, only registered
    /// ids, each once — across cell moves, cells outgrowing their room and slots left vacant.
    func testIoUWindowIndexInsertRemoveUpdate() {
        var r = SplitMix(seed: 3131)
        for c in 0..<150 {
            let tau: Double = [0.55, 0.5, 0.3, 0.9, 1, 1e-6][r.int(6)]
            let n = 20 + r.int(400)
            func box() -> (Double, Double, Double, Double) {
                let w = Double(r.range(0.005, 0.3)), h = Double(r.range(0.005, 0.3)), x = Double(r.unit()) * (1 - w), y = Double(r.unit()) * (1 - h)
                return (x, y, x + w, y + h)
            }
            var boxes = (0..<n).map { _ in box() }
            var flat: [Double] = []
            for b in boxes { flat += [b.0, b.1, b.2, b.3] }
            guard let index = flat.withUnsafeBufferPointer({ IoUWindowIndex(boxes: $0, ids: [], tau: tau, offset: 0, unitRoundoff: 0x1p-53,
                                                                             minimumArea: 1e-290, bound: 2) }) else {
                XCTFail("case \(c): the window rejected plain boxes"); continue
            }
            var registered = [Bool](repeating: false, count: n)
            func check(_ q: (Double, Double, Double, Double), _ msg: String) {
                var got = [Int]()
                index.forEachCandidate(q.0, q.1, q.2, q.3) { got.append($0) }
                XCTAssertEqual(Set(got).count, got.count, msg)
                XCTAssertTrue(got.allSatisfy { registered[$0] }, msg)
                let must = (0..<n).filter { registered[$0] && EnsembleBoxes.iou(boxes[$0], q) >= tau }
                XCTAssertTrue(Set(must).isSubset(of: got), msg)
            }
            // a copy of box `id` shifted and grown by up to a tenth of its size
            func near(_ id: Int) -> (Double, Double, Double, Double) {
                let b = boxes[id], s = (b.2 - b.0) * Double(r.range(-0.1, 0.1))
                return (b.0 + s, b.1, b.2 + s, b.3 + (b.3 - b.1) * Double(r.range(0, 0.1)))
            }
            for step in 0..<1500 {
                let id = r.int(n), msg = "case \(c) step \(step) tau \(tau)"
                switch r.int(4) {
                case 0 where !registered[id]:
                    index.insert(id, boxes[id].0, boxes[id].1, boxes[id].2, boxes[id].3); registered[id] = true
                case 1 where registered[id]:
                    index.remove(id, boxes[id].0, boxes[id].1, boxes[id].2, boxes[id].3); registered[id] = false
                case 2 where registered[id]:
                    // a small move (the usual fused-box update) or a jump to another cell (widths
                    // stay at least 0.005 here, the smallest `box()` makes)
                    let b = boxes[id], w = Swift.min(0.3, Swift.max(0.005, b.2 - b.0 + Double(r.range(-0.002, 0.002))))
                    let x = Swift.min(1 - w, Swift.max(0, b.0 + (r.int(3) == 0 ? Double(r.range(-0.3, 0.3)) : Double(r.range(-0.002, 0.002)))))
                    boxes[id] = (x, b.1, x + w, b.3)
                    if r.int(8) == 0 {
                        // narrower (or lower) than any box so far about the same centre, so in
                        // place: the index's size bounds must follow
                        let c = boxes[id], half = Double(r.range(0.0002, 0.002))
                        boxes[id] = ((c.0 + c.2) / 2 - half, c.1, (c.0 + c.2) / 2 + half, c.3)
                        if r.int(2) == 0 { boxes[id].1 = (c.1 + c.3) / 2 - half; boxes[id].3 = (c.1 + c.3) / 2 + half }
                    }
                    index.update(id, boxes[id].0, boxes[id].1, boxes[id].2, boxes[id].3)
                    check(near(id), msg + " after an update")
                default:
                    check(r.int(2) == 0 ? near(id) : box(), msg)
                }
            }
        }
    }

    /// The AVX2 filter (`trick_iou_window_scan`) against the SIMD4 loop it replaces: the same ids
    /// in the same order for every query — on boxes of one size class and of many, on integer grids
    /// (centre distances and extents exactly at the window's bounds), duplicates, degenerate and
    /// slightly negative extents, float32 and double kernels' roundoffs, offsets 0 and 1, each
    /// threshold kind — across insertions, removals and moves.
    func testIoUWindowAVX2FilterMatchesSIMD4() throws {
        guard Gemm.hasAVX2 else { throw XCTSkip("no AVX2 on this machine") }
        var r = SplitMix(seed: 4747)
        var queries = 0, passed = 0
        for c in 0..<200 {
            let tau: Double = [0.55, 0.5, 0.3, 1.0 / 3, 0.9, 1, 1e-6, Double(r.unit())][r.int(8)]
            let n = 1 + r.int(c % 10 == 0 ? 3000 : 300)
            let kind = r.int(4), offset: Double = r.int(4) == 0 ? 1 : 0
            func box() -> (Double, Double, Double, Double) {
                switch kind {
                case 0:   // integer grid: ties everywhere
                    let x = Double(r.int(20)), y = Double(r.int(20))
                    return (x, y, x + Double(r.int(6)) - offset, y + Double(r.int(6)) - offset)
                case 1:   // bench-like, one size class
                    let w = Double(r.range(0.01, 0.1)), h = Double(r.range(0.01, 0.1)), x = Double(r.unit()), y = Double(r.unit())
                    return (x, y, x + w, y + h)
                case 2:   // a few distinct boxes, duplicated
                    let k = Double(r.int(4)) / 8
                    return (k, k, k + 0.25, k + 0.25)
                default:  // tiny and huge mixed, some with a slightly negative extent
                    let x = Double(r.unit()) * 100, y = Double(r.unit()) * 100
                    switch r.int(6) {
                    case 0: return (0, 0, 100, 100)
                    case 1: return (x, y, x - 1e-12, y + 1)
                    default: return (x, y, x + Double(r.range(1e-6, 30)), y + Double(r.range(1e-6, 30)))
                    }
                }
            }
            var boxes = (0..<n).map { _ in box() }
            var flat: [Double] = []
            for b in boxes { flat += [b.0, b.1, b.2, b.3] }
            let u = r.int(2) == 0 ? 0x1p-53 : 0x1p-24
            let start = (0..<n).filter { _ in r.int(2) == 0 }
            guard let index = flat.withUnsafeBufferPointer({ IoUWindowIndex(boxes: $0, ids: start, tau: tau, offset: offset, unitRoundoff: u,
                                                                             minimumArea: 1e-290, bound: 200) }) else { continue }
            index.avx2MinimumSlots = 0
            var registered = [Bool](repeating: false, count: n)
            for k in start { registered[k] = true }
            for step in 0..<300 {
                let id = r.int(n)
                switch r.int(5) {
                case 0 where !registered[id]:
                    index.insert(id, boxes[id].0, boxes[id].1, boxes[id].2, boxes[id].3); registered[id] = true
                case 1 where registered[id]:
                    index.remove(id, boxes[id].0, boxes[id].1, boxes[id].2, boxes[id].3); registered[id] = false
                case 2 where registered[id]:
                    boxes[id] = r.int(2) == 0 ? box() : (boxes[id].0 + 1e-3, boxes[id].1, boxes[id].2 + 2e-3, boxes[id].3)
                    index.update(id, boxes[id].0, boxes[id].1, boxes[id].2, boxes[id].3)
                default:
                    let q = r.int(2) == 0 ? boxes[id] : box()
                    var fast: [Int] = [], portable: [Int] = []
                    index.avx2 = true
                    index.forEachCandidate(q.0, q.1, q.2, q.3) { fast.append($0) }
                    index.avx2 = false
                    index.forEachCandidate(q.0, q.1, q.2, q.3) { portable.append($0) }
                    XCTAssertEqual(fast, portable, "case \(c) step \(step) tau \(tau) kind \(kind)")
                    queries += 1; passed += fast.count
                }
            }
        }
        XCTAssertGreaterThan(queries, 10_000)
        XCTAssertGreaterThan(passed, 10_000)
    }

    /// The public entry points at bench scale: WBF, NMW and ensemble soft-NMS over 5 models with
    /// jittered copies of 2 000 boxes, against the reference loops.
    func testLargeEnsembleThroughPublicEntryPoints() throws {
        var r = SplitMix(seed: 11)
        let n = 2000
        var base: [Double] = []
        for _ in 0..<n {
            let cx = Double(r.unit()), cy = Double(r.unit()), w = Double(r.range(0.01, 0.1)), h = Double(r.range(0.01, 0.1))
            base += [cx - w, cy - h, cx + w, cy + h]
        }
        let labels = (0..<n).map { _ in Double(r.int(3)) }
        let models = (0..<5).map { _ in
            EnsembleBoxes.Model(boxes: base.map { $0 + Double(r.range(-0.01, 0.01)) }, scores: (0..<n).map { _ in Double(Float(r.int(100)) / 100) }, labels: labels)
        }
        let groups = try EnsembleBoxes.prefilter(models, weights: [1, 1, 1, 1, 1], thr: 0)
        for recs in groups.map({ EnsembleBoxes.sortedByScore($0.records) }) {
            let e = EnsembleBoxes.wbfClusters(recs, iouThr: 0.55, confType: .avg)
            let g = EnsembleBoxes.wbfClustersIndexed(recs, iouThr: 0.55, confType: .avg)
            XCTAssertEqual(g.clusters.map(Self.key), e.clusters.map(Self.key))
            let f = EnsembleBoxes.wbfFusion(recs, iouThr: 0.55, confType: .avg, members: true)
            XCTAssertEqual(f.members.map(Self.key), e.clusters.map(Self.key))
            XCTAssertEqual(Self.key(f.fused), Self.key(e.fused))
            XCTAssertEqual(EnsembleBoxes.nmwClustersIndexed(recs, iouThr: 0.55).map(Self.key),
                           EnsembleBoxes.nmwClusters(recs, iouThr: 0.55).map(Self.key))
            var b: [Double] = []
            for x in recs { b += [x.box.0, x.box.1, x.box.2, x.box.3] }
            for method in [1, 2, 3] {
                XCTAssertEqual(EnsembleBoxes.softNMSIndexed(b, recs.map(\.score), nt: 0.3, sigma: 0.5, thresh: 0.001, method: method),
                               EnsembleBoxes.softNMS(b, recs.map(\.score), nt: 0.3, sigma: 0.5, thresh: 0.001, method: method))
            }
        }
        // mmcv soft_nms at 3 000 bench-like boxes, through the public entry point
        var boxes: [Float] = []
        for _ in 0..<3000 {
            let cx = r.unit() * 1000, cy = r.unit() * 800, w = r.unit() * 90 + 10, h = r.unit() * 90 + 10
            boxes += [cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2]
        }
        let s = (0..<3000).map { _ in r.unit() }
        for method in [SoftNMS.Method.linear, .naive, .gaussian] {
            for offset in [0, 1] {
                let e = SoftNMS.kernel(boxes, s, iouThreshold: 0.3, sigma: 0.5, minScore: 1e-3, method: method, offset: Float(offset))
                let t = try SoftNMS.mmcv(boxes: Tensor(shape: [3000, 4], float32: boxes), scores: Tensor(s), method: method, offset: offset)
                XCTAssertEqual(t.inds.int64s, e.inds.map(Int64.init), "\(method) offset \(offset)")
                XCTAssertEqual(Self.bits(t.dets.floats), Self.bits(e.dets), "\(method) offset \(offset)")
            }
        }
    }

    /// `FirstMaxTree` (whose updates stop at the first node whose winner cannot change) against a
    /// scan for the first maximum, under random rises, falls, ties and removals of keys.
    func testFirstMaxTreeMatchesScan() {
        var r = SplitMix(seed: 404)
        for c in 0..<300 {
            let n = 1 + r.int(c % 10 == 0 ? 300 : 40)
            let values: [Double] = [FirstMaxTree.removed, FirstMaxTree.key(Float.nan), FirstMaxTree.key(-Float.infinity), 0, 0.25, 0.5, 1]
            var keys = (0..<n).map { _ in values[r.int(values.count)] }
            var tree = FirstMaxTree(count: n)
            tree.build { p in p < n ? keys[p] : FirstMaxTree.removed }
            for step in 0..<200 {
                let p = r.int(n)
                keys[p] = r.int(3) == 0 ? values[r.int(values.count)] : Double(r.int(8)) / 8
                tree.set(p, keys[p])
                var first = 0
                for q in 1..<n where keys[q] > keys[first] { first = q }
                XCTAssertEqual(tree.first, first, "case \(c) step \(step)")
                XCTAssertEqual(tree.isEmpty, keys[first] == FirstMaxTree.removed, "case \(c) step \(step)")
            }
        }
    }

    func testEmpty() {
        XCTAssertEqual(SoftNMS.kernelIndexed([], [], iouThreshold: 0.3, sigma: 0.5, minScore: 0, method: .linear, offset: 0).inds, [])
        XCTAssertEqual(EnsembleBoxes.softNMSIndexed([], [], nt: 0.3, sigma: 0.5, thresh: 0, method: 1), [])
        XCTAssertEqual(EnsembleBoxes.wbfClustersIndexed([], iouThr: 0.5, confType: .avg).clusters.count, 0)
        XCTAssertEqual(EnsembleBoxes.wbfClustersFlat([], iouThr: 0.5, confType: .avg)?.counts.count ?? 0, 0)
        XCTAssertEqual(EnsembleBoxes.wbfFusion([], iouThr: 0.5, confType: .avg, members: true).counts.count, 0)
        XCTAssertEqual(EnsembleBoxes.nmwClustersIndexed([], iouThr: 0.5).count, 0)
    }
}
