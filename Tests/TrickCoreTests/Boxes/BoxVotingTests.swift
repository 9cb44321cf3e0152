import XCTest
@testable import TrickCore

/// Reference §3.4 (Detectron box voting, derived with the Detectron code) and §4.5 voting.
final class BoxVotingTests: XCTestCase {
    let all: [Float] = [10, 10, 50, 50, 0.9, 12, 12, 52, 52, 0.8, 10, 10, 48, 50, 0.7, 60, 60, 100, 100, 0.6, 61, 60, 100, 101, 0.3]

    func testDetectronNMSAndVoting() {
        XCTAssertEqual(BoxVoting.detectronNMS(dets: all, thresh: 0.3), [0, 3])
        let top: [Float] = [10, 10, 50, 50, 0.9, 60, 60, 100, 100, 0.6]
        let id = BoxVoting.boxVoting(topDets: top, allDets: all, thresh: 0.8)
        BoxFixtures.assertClose(id.map(Double.init), [10.666667, 10.666667, 50.083333, 50.666667, 0.9, 60.333333, 60.0, 100.0, 100.333333, 0.6], "ID")
        func scores(_ s: BoxVoting.Scoring, _ beta: Double = 1) -> [Double] {
            let r = BoxVoting.boxVoting(topDets: top, allDets: all, thresh: 0.8, scoring: s, beta: beta)
            return [Double(r[4]), Double(r[9])]
        }
        for s in [BoxVoting.Scoring.avg, .generalizedAvg, .quasiSum, .tempAvg] {
            BoxFixtures.assertClose(scores(s), [0.8, 0.45], "\(s)")
        }
        BoxFixtures.assertClose(scores(.iouAvg), [0.8017562, 0.45361504], "IOU_AVG")
        BoxFixtures.assertClose(scores(.generalizedAvg, 2), [0.8041559, 0.47434166], "GEN β=2")
        BoxFixtures.assertClose(scores(.quasiSum, 2), [0.26666668, 0.22500001], "QUASI β=2")
        BoxFixtures.assertClose(scores(.tempAvg, 2), [0.6736743, 0.47307706], "TEMP β=2")
    }

    func testVoteCounts() throws {
        // Three models; the first object is found by all three, the second by one only.
        let m = [
            EnsembleBoxes.Model(boxes: [0.1, 0.1, 0.5, 0.5, 0.6, 0.6, 0.9, 0.9], scores: [0.9, 0.4], labels: [0, 0]),
            EnsembleBoxes.Model(boxes: [0.11, 0.1, 0.5, 0.52], scores: [0.8], labels: [0]),
            EnsembleBoxes.Model(boxes: [0.1, 0.12, 0.49, 0.5], scores: [0.7], labels: [0]),
        ]
        XCTAssertEqual(try EnsembleBoxes.vote(m, minVotes: 1).count, 2)
        XCTAssertEqual(try EnsembleBoxes.vote(m, minVotes: 2).count, 1)
        XCTAssertEqual(try EnsembleBoxes.vote(m, minVotes: 3).count, 1)
        // union with WBF fusion is weighted_boxes_fusion itself
        let u = try EnsembleBoxes.vote(m), w = try EnsembleBoxes.weightedBoxesFusion(m)
        XCTAssertEqual(u.scores, w.scores); XCTAssertEqual(u.boxes, w.boxes)
        let nmsRep = try EnsembleBoxes.vote(m, minVotes: 3, fusion: .nms)
        XCTAssertEqual(nmsRep.boxes, [0.1, 0.1, 0.5, 0.5]); XCTAssertEqual(nmsRep.scores, [0.9])
        XCTAssertEqual(try EnsembleBoxes.vote(m, scoreThr: 0.5).count, 1)
    }
}
