import Foundation
import XCTest
@testable import TrickCore

/// MMEngine schedulers / torch SWALR (Fixtures/params/schedules.json) and SWA averaging (swa.json).
final class ScheduleTests: XCTestCase {
    static func scheduler(_ c: [String: Any], epochLength: Int?) throws -> ParamScheduler {
        func d(_ k: String) -> Double? { ParamFixtures.num(c[k]) }
        func i(_ k: String) -> Int? { d(k).map { Int($0) } }
        var begin = i("begin") ?? 0, end = i("end") ?? schedulerINF
        var byEpoch = (c["by_epoch"] as? Bool) ?? true
        var scale = 1
        if (c["convert_to_iter_based"] as? Bool) == true && byEpoch {
            scale = epochLength!; byEpoch = false; begin *= scale; if end != schedulerINF { end *= scale }
        }
        switch c["type"] as! String {
        case "StepLR": return try StepLR(stepSize: i("step_size")! * scale, gamma: d("gamma") ?? 0.1, begin: begin, end: end, byEpoch: byEpoch)
        case "MultiStepLR": return try MultiStepLR(milestones: ParamFixtures.ints(c["milestones"]).map { $0 * scale }, gamma: d("gamma") ?? 0.1,
                                                   begin: begin, end: end, byEpoch: byEpoch)
        case "ConstantLR": return try ConstantLR(factor: d("factor") ?? 1.0 / 3, begin: begin, end: end, byEpoch: byEpoch)
        case "ExponentialLR": return try ExponentialLR(gamma: d("gamma")!, begin: begin, end: end, byEpoch: byEpoch)
        case "CosineAnnealingLR": return try CosineAnnealingLR(tMax: i("T_max").map { $0 * scale }, etaMin: d("eta_min"), etaMinRatio: d("eta_min_ratio"),
                                                               begin: begin, end: end, byEpoch: byEpoch)
        case "LinearLR": return try LinearLR(startFactor: d("start_factor") ?? 1.0 / 3, endFactor: d("end_factor") ?? 1, begin: begin, end: end, byEpoch: byEpoch)
        case "PolyLR": return try PolyLR(etaMin: d("eta_min") ?? 0, power: d("power") ?? 1, begin: begin, end: end, byEpoch: byEpoch)
        case "PolyLRRatio": return try PolyLRRatio(etaMinRatio: d("eta_min_ratio"), etaMin: d("eta_min") ?? 0, power: d("power") ?? 1,
                                                   begin: begin, end: end, byEpoch: byEpoch)
        case "QuadraticWarmupLR": return try QuadraticWarmupLR(begin: begin, end: end, byEpoch: byEpoch)
        case "OneCycleLR": return try OneCycleLR(etaMax: [d("eta_max")!], totalSteps: i("total_steps"), annealStrategy: c["anneal_strategy"] as? String ?? "cos",
                                                 threePhase: (c["three_phase"] as? Bool) ?? false, begin: begin, end: end, byEpoch: byEpoch)
        case "CosineRestartLR": return try CosineRestartLR(periods: ParamFixtures.ints(c["periods"]), restartWeights: ParamFixtures.nums(c["restart_weights"]),
                                                           etaMin: d("eta_min"), etaMinRatio: d("eta_min_ratio"), begin: begin, end: end, byEpoch: byEpoch)
        case "SWALR":
            let s = c["swa_lr"] is [Any] ? ParamFixtures.nums(c["swa_lr"]) : [d("swa_lr")!]
            return try SWALR(swaLR: s, annealEpochs: i("anneal_epochs") ?? 10, annealStrategy: c["anneal_strategy"] as? String ?? "cos")
        default: throw CoreError("unknown scheduler")
        }
    }

    func testSchedulesBitExact() throws {
        let cases = try ParamFixtures.load("schedules") as! [[String: Any]]
        for c in cases {
            let id = c["id"] as! String
            let el = c["epoch_length"].flatMap { ParamFixtures.num($0) }.map { Int($0) }
            let scheds = try (c["schedulers"] as! [[String: Any]]).map { try ScheduleTests.scheduler($0, epochLength: el) }
            let got = try LRSchedule.run(baseLRs: ParamFixtures.nums(c["base_lrs"]), schedulers: scheds, steps: Int(ParamFixtures.num(c["steps"])!),
                                         epochLength: el)
            let exp = (c["lrs"] as! [[Any]]).map { $0.map { ParamFixtures.num($0)! } }
            XCTAssertEqual(got, exp, "\(id) \(c["schedulers"]!)")
        }
    }

    func testWarmupEndsAt0_009999999999999998() throws {
        let lrs = try LRSchedule.run(baseLRs: [0.01], schedulers: [LinearLR(startFactor: 0.01, begin: 0, end: 8, byEpoch: false)], steps: 9)
        XCTAssertEqual(lrs[0][7], 0.009999999999999998)
    }

    func testBadInput() {
        XCTAssertThrowsError(try PolyLR(begin: 5, end: 5))
        XCTAssertThrowsError(try SWALR(swaLR: [0.1], annealEpochs: -1))
        XCTAssertThrowsError(try SWALR(swaLR: [0.1], annealStrategy: "cosine"))
        XCTAssertThrowsError(try LRSchedule.run(baseLRs: [-0.1], schedulers: [], steps: 3))
        XCTAssertThrowsError(try LinearLR(startFactor: 1.5))
        // MMEngine's StepLR divides by step_size only once it computes past its first step
        XCTAssertThrowsError(try LRSchedule.run(baseLRs: [0.1], schedulers: [StepLR(stepSize: 0)], steps: 3))
        XCTAssertThrowsError(try QuadraticWarmupLR(begin: 0))
    }

    func testSWACyclic() throws {
        let lrs = try SWACyclic.schedule(steps: 5, alpha1: 0.05, alpha2: 0.0005, cycle: 4)
        XCTAssertEqual(lrs, [0.037625000000000006, 0.02525, 0.012875000000000001, 0.0005, 0.037625000000000006])
    }

    func testAveraging() throws {
        let cases = try ParamFixtures.load("swa") as! [[String: Any]]
        for c in cases {
            let id = c["id"] as! String
            switch id {
            case "swa", "ema", "ema_multi", "swa_multi":
                let rules: [String: AveragingRule] = ["swa": .swa, "ema": .ema(decay: 0.9), "ema_multi": .emaLerp(decay: 0.9), "swa_multi": .swaLerp]
                let rule = rules[id]!
                let m = try AveragedModel(names: ["weight", "bias"], params: [Tensor(shape: [2, 3], float32: Array(repeating: 0, count: 6)),
                                                                              Tensor(shape: [2], float32: [0, 0])], rule: rule)
                for (snap, h) in zip(c["snapshots"] as! [[String: Any]], c["history"] as! [[String: Any]]) {
                    let w = (snap["weight"] as! [Any]).flatMap { ParamFixtures.nums($0) }.map(Float.init)
                    let b = ParamFixtures.nums(snap["bias"]).map(Float.init)
                    try m.update(names: ["weight", "bias"], params: [Tensor(shape: [2, 3], float32: w), Tensor(shape: [2], float32: b)])
                    XCTAssertEqual(m.params[0].floats, (h["weight"] as! [Any]).flatMap { ParamFixtures.nums($0) }.map(Float.init), id)
                    XCTAssertEqual(m.params[1].floats, ParamFixtures.nums(h["bias"]).map(Float.init), id)
                    XCTAssertEqual(m.nAveraged, Int(ParamFixtures.num(h["n_averaged"])!))
                }
            case "mmengine_swa_interval2", "mmengine_ema_interval1", "mmengine_ema_interval2":
                let k = Int(ParamFixtures.num(c["interval"])!)
                let rule: AveragingRule = id.contains("ema") ? .mmengineEMA(momentum: ParamFixtures.num(c["momentum"])!, interval: k) : .mmengineSWA(interval: k)
                let n = ParamFixtures.nums((c["snapshots"] as! [Any])[0]).count
                let m = try AveragedModel(names: ["w"], params: [Tensor(shape: [n], float32: Array(repeating: 0, count: n))], rule: rule)
                for (s, h) in zip(c["snapshots"] as! [Any], c["history"] as! [Any]) {
                    try m.update(names: ["w"], params: [Tensor(shape: [n], float32: ParamFixtures.nums(s).map(Float.init))])
                    XCTAssertEqual(m.params[0].floats, ParamFixtures.nums(h).map(Float.init), id)
                }
            case "update_bn":
                let batches = (c["batches"] as! [Any]).map { b -> Tensor in
                    func flat(_ x: Any) -> [Double] { if let a = x as? [Any] { return a.flatMap(flat) }; return [ParamFixtures.num(x)!] }
                    return Tensor(shape: [4, 3, 2, 2], float32: flat(b).map(Float.init))
                }
                let r = try BatchNormStats.cumulative(batches)
                for (g, e) in zip(r.mean.floats, ParamFixtures.nums(c["running_mean"])) { XCTAssertEqual(Double(g), e, accuracy: 1e-6) }
                for (g, e) in zip(r.variance.floats, ParamFixtures.nums(c["running_var"])) { XCTAssertEqual(Double(g), e, accuracy: 1e-6) }
                XCTAssertEqual(r.count, 3)
            default: XCTFail("unknown case \(id)")
            }
        }
    }
}

/// MMCV 1.x lr_config policies against reference §6.5 / §7.5 vectors.
final class LegacyLrUpdaterTests: XCTestCase {
    func testPolySchedule80k() throws {
        let c = try LegacyLrConfig(policy: .poly(power: 0.9, minLR: 1e-4), byEpoch: false)
        let lrs = try LegacyLrUpdater.run(baseLRs: [0.01], config: c, steps: 80000)[0]
        XCTAssertEqual(lrs[0], 0.01)
        XCTAssertEqual(lrs[1], 0.00999988862493039, accuracy: 1e-17)
        XCTAssertEqual(lrs[40000], 0.005405278639554652, accuracy: 1e-17)
        XCTAssertEqual(lrs[79998], 0.00010071413645342543, accuracy: 1e-18)
        XCTAssertEqual(lrs[79999], 0.00010038269624970405, accuracy: 1e-18)
    }

    func testSegFormerWarmup() throws {
        let c = try LegacyLrConfig(policy: .poly(power: 1, minLR: 0), byEpoch: false, warmup: .linear, warmupIters: 1500, warmupRatio: 1e-6)
        let lrs = try LegacyLrUpdater.run(baseLRs: [6e-5], config: c, steps: 1501, maxIters: 160000)[0]
        XCTAssertEqual(lrs[0], 6.000000000172534e-11, accuracy: 1e-24)
        XCTAssertEqual(lrs[1], 4.005970962525067e-08, accuracy: 1e-20)
        XCTAssertEqual(lrs[1499], 5.939824978962525e-05, accuracy: 1e-17)
        XCTAssertEqual(lrs[1500], 5.94375e-05, accuracy: 1e-17)
    }

    func testCyclicSWARecipe() throws {
        // mmdet SWA: cyclic, target_ratio (1, 0.01), step_ratio_up 0, P = 5 (reference §7.5).
        let c = try LegacyLrConfig(policy: .cyclic(targetRatio: (1, 0.01), cyclicTimes: 12, stepRatioUp: 0, gamma: 1, cosine: true), byEpoch: false)
        let lrs = try LegacyLrUpdater.run(baseLRs: [0.01], config: c, steps: 10, maxIters: 60)[0]
        let exp = [0.01, 0.00905463412215599, 0.006579634122155991, 0.0035203658778440107, 0.0010453658778440107]
        for (g, e) in zip(lrs, exp + exp) { XCTAssertEqual(g, e, accuracy: 1e-17) }
    }

    func testStepByEpochWithWarmup() throws {
        let c = try LegacyLrConfig(policy: .step(steps: [2, 3], interval: nil, gamma: 0.1, minLR: nil), byEpoch: true,
                                   warmup: .constant, warmupIters: 3, warmupRatio: 0.5)
        let lrs = try LegacyLrUpdater.run(baseLRs: [1.0], config: c, steps: 10, epochLength: 2)[0]
        XCTAssertEqual(lrs, [0.5, 0.5, 0.5, 1.0, 0.1, 0.1, 0.010000000000000002, 0.010000000000000002, 0.010000000000000002, 0.010000000000000002])
    }
}
