import XCTest
@testable import TrickCore

final class AssignerTests: XCTestCase {
    func testAgainstMMDet() throws {
        for (n, c) in try BoxFixtures.load("assigner.json").enumerated() {
            let cfg = c["cfg"] as! [String: Any]
            let neg: MaxIoUAssigner.NegThreshold
            if c["neg_is_tuple"] as! Bool {
                let t = BoxFixtures.flat(cfg["neg_iou_thr"]); neg = .range(t[0], t[1])
            } else { neg = .below(cfg["neg_iou_thr"] as! Double) }
            var a = MaxIoUAssigner(posIoUThr: cfg["pos_iou_thr"] as! Double, negIoUThr: neg)
            a.minPosIoU = (cfg["min_pos_iou"] as? NSNumber)?.doubleValue ?? 0
            a.matchLowQuality = cfg["match_low_quality"] as? Bool ?? true
            a.gtMaxAssignAll = cfg["gt_max_assign_all"] as? Bool ?? true
            a.ignoreIofThr = (cfg["ignore_iof_thr"] as? NSNumber)?.doubleValue ?? -1
            a.ignoreWrtCandidates = cfg["ignore_wrt_candidates"] as? Bool ?? true
            let ign = c["gt_bboxes_ignore"].flatMap { $0 is NSNull ? nil : BoxFixtures.tensor($0, boxes: true) }
            let r = try a.assign(bboxes: BoxFixtures.tensor(c["bboxes"], boxes: true), gtBboxes: BoxFixtures.tensor(c["gt_bboxes"], boxes: true),
                                 gtBboxesIgnore: ign, gtLabels: BoxFixtures.tensor(c["gt_labels"], dtype: .int64))
            let e = c["expected"] as! [String: Any]
            XCTAssertEqual(r.numGts, e["num_gts"] as! Int, "case \(n)")
            XCTAssertEqual(r.gtInds, BoxFixtures.ints(e["gt_inds"]), "case \(n) gt_inds")
            XCTAssertEqual(r.labels ?? [], BoxFixtures.ints(e["labels"]), "case \(n) labels")
            BoxFixtures.assertClose(r.maxOverlaps.map(Double.init), BoxFixtures.flat(e["max_overlaps"]), "case \(n) max_overlaps")
        }
    }

    /// Reference §5.5 A1, A2, A6, A8 and the deterministic sampler rows.
    func testReferenceTable() throws {
        let p = Tensor(shape: [4, 4], float32: [0, 0, 10, 10, 10, 10, 20, 20, 5, 5, 15, 15, 32, 32, 38, 42])
        let g = Tensor(shape: [2, 4], float32: [0, 0, 10, 9, 0, 10, 10, 19])
        let labels = Tensor([Int64(2), 3])
        let a1 = try MaxIoUAssigner(posIoUThr: 0.5, negIoUThr: .below(0.5)).assign(bboxes: p, gtBboxes: g, gtLabels: labels)
        XCTAssertEqual(a1.gtInds, [1, 0, 2, 0]); XCTAssertEqual(a1.labels, [2, -1, 3, -1])
        var a6 = MaxIoUAssigner(posIoUThr: 0.5, negIoUThr: .below(0.5)); a6.matchLowQuality = false
        XCTAssertEqual(try a6.assign(bboxes: p, gtBboxes: g).gtInds, [1, 0, 0, 0])
        var a8 = MaxIoUAssigner(posIoUThr: 0.5, negIoUThr: .below(0.4))
        let far = Tensor(shape: [1, 4], float32: [100, 100, 110, 110])
        XCTAssertEqual(try a8.assign(bboxes: p, gtBboxes: far).gtInds, [1, 1, 1, 1])
        a8.gtMaxAssignAll = false
        XCTAssertEqual(try a8.assign(bboxes: p, gtBboxes: far).gtInds, [1, 0, 0, 0])
        // A2: ignore region
        let p2 = Tensor(shape: [4, 4], float32: [0, 0, 10, 10, 10, 10, 20, 20, 5, 5, 15, 15, 30, 32, 40, 42])
        var a2 = MaxIoUAssigner(posIoUThr: 0.5, negIoUThr: .below(0.5)); a2.ignoreIofThr = 0.5; a2.ignoreWrtCandidates = false
        let r2 = try a2.assign(bboxes: p2, gtBboxes: g, gtBboxesIgnore: Tensor(shape: [1, 4], float32: [30, 30, 40, 40]))
        XCTAssertEqual(r2.gtInds, [1, 0, 2, -1]); XCTAssertEqual(r2.maxOverlaps[3], -1)
        // no gts / no priors
        XCTAssertEqual(try a1Assigner().assign(bboxes: p, gtBboxes: Tensor(shape: [0, 4], float32: [])).gtInds, [0, 0, 0, 0])
        XCTAssertEqual(try a1Assigner().assign(bboxes: Tensor(shape: [0, 4], float32: []), gtBboxes: g).gtInds, [])

        // Sampler (A3 + add_gt): deterministic rows of the §5.5 table.
        let p3 = Tensor(shape: [4, 4], float32: [0, 0, 10, 10, 10, 10, 20, 20, 5, 5, 15, 15, 32, 32, 38, 42])
        let a3 = try a1Assigner().assign(bboxes: p3, gtBboxes: g, gtLabels: Tensor([Int64(1), 2]))
        func run(_ num: Int, _ frac: Double, _ ub: Double, addGt: Bool = true) throws -> SamplingResult {
            let s = DetectionSampler(num: num, posFraction: frac, negPosUb: ub, addGtAsProposals: addGt,
                                     strategy: .random(randperm: { Array((0..<$0).reversed()) }))
            return try s.sample(assign: a3, bboxes: p3.floats, gtBboxes: g.floats, gtLabels: [1, 2])
        }
        let s1 = try run(10, 0.5, -1)
        XCTAssertEqual(s1.posInds, [0, 1, 2, 4]); XCTAssertEqual(s1.negInds, [3, 5])
        XCTAssertEqual(try run(10, 0.5, 0).negInds, [])
        XCTAssertEqual(try run(4, 0.25, -1).posInds.count, 1)
        let s4 = try run(10, 0.5, -1, addGt: false)
        XCTAssertEqual(s4.posInds, [0, 2]); XCTAssertEqual(s4.negInds, [1, 3])
        // OHEM keeps the hardest: background scores make negative 3 harder than 5.
        let cls: [Float] = [0, 5, 0, 0, 5, 0, 0, 5, 0, 5, 0, 0, 0, 0, 5, 0, 0, 5]   // 6 priors × 3 columns
        let ohem = DetectionSampler(num: 2, posFraction: 0.5, strategy: .ohem(clsScore: cls, numColumns: 3))
        let so = try ohem.sample(assign: a3, bboxes: p3.floats, gtBboxes: g.floats, gtLabels: [1, 2])
        XCTAssertEqual(so.posInds.count, 1); XCTAssertEqual(so.negInds, [3])
    }

    func a1Assigner() -> MaxIoUAssigner { MaxIoUAssigner(posIoUThr: 0.5, negIoUThr: .below(0.5)) }
}
