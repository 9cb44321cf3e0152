import Foundation
import XCTest
@testable import TrickCore

/// PAA score voting against mmdet 3.3 `PAAHead.score_voting`, Gidaris voting against a line-by-line
/// transliteration of mrcnn-object-detection's `apply_bbox_voting` (tools/gen_score_voting_vectors.py).
final class ScoreVotingTests: XCTestCase {
    func testVectors() throws {
        let cases = try BoxFixtures.load("score_voting.json")
        XCTAssertEqual(cases.filter { $0["kind"] as? String == "paa" }.count, 4)
        for (i, c) in cases.enumerated() {
            if c["kind"] as? String == "paa" {
                let scores = c["mlvl_nms_scores"] as! [[NSNumber]]
                let r = ScoreVoting.paaScoreVoting(
                    dets: BoxFixtures.flat(c["det_bboxes"]).map(Float.init), labels: BoxFixtures.ints(c["det_labels"]),
                    boxes: BoxFixtures.flat(c["mlvl_bboxes"]).map(Float.init), scores: BoxFixtures.flat(c["mlvl_nms_scores"]).map(Float.init),
                    columns: scores[0].count, numClasses: (c["num_classes"] as! NSNumber).intValue,
                    scoreThr: (c["score_thr"] as! NSNumber).floatValue)
                XCTAssertEqual(r.labels, BoxFixtures.ints(c["expected_labels"]), "case \(i) labels")
                BoxFixtures.assertClose(r.dets.map(Double.init), BoxFixtures.flat(c["expected_bboxes"]), "case \(i) boxes")
            } else {
                let out = ScoreVoting.gidarisVoting(dets: BoxFixtures.flat(c["dets"]), candidates: BoxFixtures.flat(c["candidates"]),
                                                    thresh: (c["thresh"] as! NSNumber).doubleValue, addVal: (c["add_val"] as! NSNumber).doubleValue)
                BoxFixtures.assertClose(out, BoxFixtures.flat(c["expected"]), rtol: 1e-12, atol: 1e-12, "case \(i) gidaris")
            }
        }
    }

    /// Nothing voted (no det, or no candidate above score_thr): empty results, where mmdet's torch.cat of an
    /// empty list raises (SPEC §8; fuzz_boxes seed 71).
    func testPAANothingVoted() {
        let none = ScoreVoting.paaScoreVoting(dets: [], labels: [], boxes: [0, 0, 10, 10], scores: [0.9, 0],
                                              columns: 2, numClasses: 1, scoreThr: 0.05)
        XCTAssertEqual(none.dets, []); XCTAssertEqual(none.labels, [])
        let low = ScoreVoting.paaScoreVoting(dets: [0, 0, 10, 10, 0.04], labels: [0], boxes: [0, 0, 10, 10], scores: [0.04, 0],
                                             columns: 2, numClasses: 1, scoreThr: 0.05)
        XCTAssertEqual(low.dets, []); XCTAssertEqual(low.labels, [])
    }

    /// Reference §3.4 PAA example (derived).
    func testPAAHandCase() {
        let r = ScoreVoting.paaScoreVoting(dets: [0, 0, 10, 10, 0.9, 30, 30, 40, 40, 0.7], labels: [0, 0],
                                           boxes: [0, 0, 10, 10, 1, 1, 11, 11, 0, 0, 12, 10, 30, 30, 40, 40],
                                           scores: [0.9, 0.8, 0.5, 0.7], columns: 1, numClasses: 1, scoreThr: 0.05)
        BoxFixtures.assertClose(r.dets.map(Double.init), [0.01256064, 0.01256064, 10.317895, 10.01256, 0.9, 30, 30, 40, 40, 0.7], "PAA")
    }
}
