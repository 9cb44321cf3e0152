import XCTest
@testable import TrickCore

final class EnsembleTests: XCTestCase {
    static func models(_ c: [String: Any]) -> [EnsembleBoxes.Model] {
        let bl = c["boxes"] as! [Any], sl = c["scores"] as! [Any], ll = c["labels"] as! [Any]
        return (0..<bl.count).map { EnsembleBoxes.Model(boxes: BoxFixtures.flat(bl[$0]), scores: BoxFixtures.flat(sl[$0]), labels: BoxFixtures.flat(ll[$0])) }
    }

    func testAgainstEnsembleBoxes109() throws {
        for (n, c) in try BoxFixtures.load("ensemble.json").enumerated() {
            let fn = c["fn"] as! String
            let weights = (c["weights"] as? [Any]).map { BoxFixtures.flat($0) }
            let iou = c["iou_thr"] as! Double
            let r: EnsembleBoxes.Result
            switch fn {
            case "wbf":
                r = try EnsembleBoxes.weightedBoxesFusion(Self.models(c), weights: weights, iouThr: iou, skipBoxThr: (c["skip_box_thr"] as! NSNumber).doubleValue,
                                                          confType: EnsembleBoxes.ConfType(rawValue: c["conf_type"] as! String)!,
                                                          allowsOverflow: c["allows_overflow"] as! Bool)
            case "nmw":
                r = try EnsembleBoxes.nonMaximumWeighted(Self.models(c), weights: weights, iouThr: iou, skipBoxThr: (c["skip_box_thr"] as! NSNumber).doubleValue)
            case "ens_nms":
                r = EnsembleBoxes.nmsMethod(Self.models(c), method: 3, iouThr: iou, weights: weights)
            case "ens_soft_nms":
                r = EnsembleBoxes.nmsMethod(Self.models(c), method: c["method"] as! Int, iouThr: iou, sigma: c["sigma"] as! Double,
                                            thresh: c["thresh"] as! Double, weights: weights)
            default: XCTFail("unknown \(fn)"); continue
            }
            let e = c["expected"] as! [Any]
            let msg = "case \(n) \(fn) \(c["conf_type"] ?? "")"
            BoxFixtures.assertClose(r.scores, BoxFixtures.flat(e[1]), rtol: 1e-7, atol: 1e-9, msg + " scores")
            BoxFixtures.assertClose(r.boxes, BoxFixtures.flat(e[0]), rtol: 1e-7, atol: 1e-9, msg + " boxes")
            XCTAssertEqual(r.labels, BoxFixtures.flat(e[2]), msg + " labels")
        }
    }

    /// Clusters whose scores sum to 0 fuse to NaN boxes, which `np.argmax` then picks first and
    /// joins (tools/gen_wbf_nan_vectors.py; NaN is the string "nan" there).
    func testZeroScoreClustersAsEnsembleBoxes() throws {
        func values(_ v: Any?) -> [Double] {
            if let s = v as? String { return s == "nan" ? [.nan] : [] }
            if let a = v as? [Any] { return a.flatMap { values($0) } }
            return BoxFixtures.flat(v)
        }
        for (n, c) in try BoxFixtures.load("wbf_zero_scores.json").enumerated() {
            let r = try EnsembleBoxes.weightedBoxesFusion(Self.models(c), weights: (c["weights"] as? [Any]).map { BoxFixtures.flat($0) },
                                                          iouThr: c["iou_thr"] as! Double, skipBoxThr: (c["skip_box_thr"] as! NSNumber).doubleValue,
                                                          confType: EnsembleBoxes.ConfType(rawValue: c["conf_type"] as! String)!,
                                                          allowsOverflow: c["allows_overflow"] as! Bool)
            let e = c["expected"] as! [Any]
            let boxes = values(e[0]), msg = "case \(n)"
            XCTAssertEqual(r.boxes.count, boxes.count, msg + " box count")
            XCTAssertEqual(r.boxes.map(\.isNaN), boxes.map(\.isNaN), msg + " NaN boxes")
            BoxFixtures.assertClose(r.boxes.map { $0.isNaN ? 0 : $0 }, boxes.map { $0.isNaN ? 0 : $0 }, rtol: 1e-7, atol: 1e-9, msg + " boxes")
            BoxFixtures.assertClose(r.scores, values(e[1]), rtol: 1e-7, atol: 1e-9, msg + " scores")
            XCTAssertEqual(r.labels, values(e[2]), msg + " labels")
        }
    }

    /// numpy's argsort tie order (tools/gen_wbf_nan_vectors.py): the order ensemble_boxes takes
    /// boxes of equal score in.
    func testNumpyArgsortTieOrder() throws {
        for (n, c) in try BoxFixtures.load("numpy_argsort.json").enumerated() {
            let keys = (c["keys"] as! [Any]).map { ($0 as? String) == "nan" ? Double.nan : ($0 as! NSNumber).doubleValue }
            let want = (c["argsort"] as! [Any]).map { ($0 as! NSNumber).intValue }
            XCTAssertEqual(NumpyArgsort.argsort(keys), want, "array \(n) of \(keys.count)")
            XCTAssertEqual(EnsembleBoxes.reverseArgsort(keys), want.reversed(), "array \(n) reversed")
        }
    }

    /// `NumpyArgsort.argsort` (entries moved with their keys) against `argsortIndirect` (numpy's
    /// steps through an index array): the same order on random keys with many ties, NaN, ±0, ±∞,
    /// sorted, reversed and organ-pipe runs, at sizes around the insertion-sort cutoff and up to
    /// thousands, and with the introsort's depth limit forced low (the heapsort path).
    func testNumpyArgsortMatchesIndirect() {
        var r = SplitMix(seed: 2718)
        let special: [Double] = [.nan, .infinity, -.infinity, 0, -0.0, 1, -1]
        for c in 0..<3000 {
            let n = c % 50 == 0 ? r.int(5000) : r.int(80)
            var keys: [Double]
            switch r.int(6) {
            case 0: keys = (0..<n).map { _ in Double(r.int(3)) }                              // few distinct values
            case 1: keys = (0..<n).map { _ in r.int(8) == 0 ? special[r.int(special.count)] : Double(r.unit()) }
            case 2: keys = (0..<n).map { Double($0 / Swift.max(1, r.int(4) + 1)) }              // sorted with runs
            case 3: keys = (0..<n).map { Double(n - $0 / 2) }                                 // reversed pairs
            case 4: keys = (0..<n).map { Double(Swift.min($0, n - $0)) }                      // organ pipe
            default: keys = (0..<n).map { _ in Double(Float(r.unit())) }
            }
            let depth: Int? = r.int(3) == 0 ? r.int(4) : nil
            XCTAssertEqual(NumpyArgsort.argsort(keys, depthLimit: depth), NumpyArgsort.argsortIndirect(keys, depthLimit: depth),
                           "case \(c): n \(n), depth \(String(describing: depth))")
        }
    }

    /// `mapGroups` on many labels of very different sizes (enough records for it to use threads)
    /// returns, in group order, what each group's work gives computed one after another: WBF's
    /// clusters and fused boxes and NMW's clusters, bit for bit.
    func testLabelGroupsOnThreadsAsOneAtATime() throws {
        var r = SplitMix(seed: 31_337)
        let sizes = [600, 40, 0, 200, 1, 300, 90, 9, 250, 100]
        var labels: [Double] = []
        var left = sizes
        for _ in 0..<sizes.reduce(0, +) {   // labels interleaved, each with its share of the records
            var k = r.int(sizes.count)
            while left[k] == 0 { k = (k + 1) % sizes.count }
            left[k] -= 1
            labels.append(Double(k))
        }
        let models = (0..<3).map { _ in
            var boxes: [Double] = []
            for _ in labels.indices {
                let cx = Double(r.unit()), cy = Double(r.unit()), w = Double(r.range(0.01, 0.1)), h = Double(r.range(0.01, 0.1))
                boxes += [cx - w, cy - h, cx + w, cy + h]
            }
            return EnsembleBoxes.Model(boxes: boxes, scores: labels.map { _ in Double(r.int(50)) / 50 }, labels: labels)
        }
        let groups = try EnsembleBoxes.prefilter(models, weights: [1, 1, 1], thr: 0)
        XCTAssertGreaterThan(Parallel.threads(forNanoseconds: Double(3 * labels.count) * EnsembleBoxes.groupNanosecondsPerRecord), 1)
        func key(_ records: [EnsembleBoxes.Record]) -> [UInt64] {
            records.flatMap { [$0.label, $0.score, $0.box.0, $0.box.1, $0.box.2, $0.box.3].map(\.bitPattern) }
        }
        let wbf = { (records: [EnsembleBoxes.Record]) in EnsembleBoxes.wbfFusion(records, iouThr: 0.55, confType: .avg, members: true) }
        let threaded = EnsembleBoxes.mapGroups(groups, wbf)
        let alone = groups.map { wbf(EnsembleBoxes.sortedByScore($0.records)) }
        XCTAssertEqual(threaded.map(\.counts), alone.map(\.counts))
        XCTAssertEqual(threaded.map { key($0.fused) }, alone.map { key($0.fused) })
        XCTAssertEqual(threaded.map { $0.members.map(key) }, alone.map { $0.members.map(key) })
        let nmw = { (records: [EnsembleBoxes.Record]) in EnsembleBoxes.nmwClustersIndexed(records, iouThr: 0.55) }
        XCTAssertEqual(EnsembleBoxes.mapGroups(groups, nmw).map { $0.map(key) },
                       groups.map { nmw(EnsembleBoxes.sortedByScore($0.records)).map(key) })
    }

    func testEmptyInput() throws {
        let r = try EnsembleBoxes.weightedBoxesFusion([EnsembleBoxes.Model(boxes: [], scores: [], labels: [])])
        XCTAssertEqual(r.count, 0)
        XCTAssertEqual(EnsembleBoxes.nmsMethod([EnsembleBoxes.Model(boxes: [], scores: [], labels: [])]).count, 0)
    }
}
