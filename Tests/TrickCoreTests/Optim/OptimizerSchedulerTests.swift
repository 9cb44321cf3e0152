import XCTest
@testable import TrickCore

/// MMEngine 0.10.7 parameter schedulers bound to a torch 2.4.1 optimizer (scheduled.json from
/// tools/gen_optim_vectors.py): 30 iterations stepped as MMEngine's ParamSchedulerHook does. The
/// lr and momentum (or betas[0]) of every group at every iteration, `get_last_value()` and the final groups (keys and values,
/// `initial_lr` included) must equal MMEngine's exactly; the parameters equal torch's exactly
/// (SGD) or the IEEE-sqrt run of torch's code exactly (Adam, AdamW, RMSprop; see
/// OptimizerVectorTests) and torch's unmodified run within 1e-6 relative of the tensor's scale.
final class OptimizerSchedulerTests: XCTestCase {
    func scheduler(_ type: String, _ kw: [String: Any]) throws -> ParamScheduler {
        func d(_ k: String) -> Double? { (kw[k] as? String).map { Double($0)! } }
        func i(_ k: String) -> Int? { (kw[k] as? String).map { Int($0)! } }
        let begin = i("begin") ?? 0, end = i("end") ?? schedulerINF, byEpoch = (kw["by_epoch"] as? Bool) ?? true
        switch type {
        case "CosineAnnealingMomentum", "LinearMomentum", "StepMomentum":
            // MMEngine's *Momentum classes are the *ParamScheduler formulas on `momentum`.
            return try scheduler(type.replacingOccurrences(of: "Momentum", with: "LR"), kw)
        case "LinearLR":
            return try LinearLR(startFactor: d("start_factor") ?? 1.0 / 3, endFactor: d("end_factor") ?? 1, begin: begin, end: end, byEpoch: byEpoch)
        case "PolyLR":
            return try PolyLR(etaMin: d("eta_min") ?? 0, power: d("power") ?? 1, begin: begin, end: end, byEpoch: byEpoch)
        case "CosineAnnealingLR":
            return try CosineAnnealingLR(tMax: i("T_max"), etaMin: d("eta_min"), begin: begin, end: end, byEpoch: byEpoch)
        case "MultiStepLR":
            return try MultiStepLR(milestones: (kw["milestones"] as! [String]).map { Int($0)! }, gamma: d("gamma") ?? 0.1,
                                   begin: begin, end: end, byEpoch: byEpoch)
        case "ConstantLR":
            return try ConstantLR(factor: d("factor") ?? 1.0 / 3, begin: begin, end: end, byEpoch: byEpoch)
        case "StepLR":
            return try StepLR(stepSize: i("step_size")!, gamma: d("gamma") ?? 0.1, begin: begin, end: end, byEpoch: byEpoch)
        case "ExponentialLR":
            return try ExponentialLR(gamma: d("gamma")!, begin: begin, end: end, byEpoch: byEpoch)
        case "OneCycleLR":
            return try OneCycleLR(etaMax: [d("eta_max")!], totalSteps: i("total_steps"), begin: begin, end: end, byEpoch: byEpoch)
        default:
            throw CoreError("no scheduler \(type) in this test")
        }
    }

    func testSchedulersBoundToOptimizer() throws {
        let cases = try OptimFixtures.load("scheduled.json")
        XCTAssertEqual(cases.count, 6)
        for c in cases {
            let name = c["desc"] as! String
            let kind = Optimizer.Kind(rawValue: c["optimizer"] as! String)!
            let shapes = c["shapes"] as! [[Int]]
            let params = (c["init"] as! [Any]).enumerated().map {
                TestParameter(OptimFixtures.tensor($0.element, shape: shapes[$0.offset], dtype: .float32))
            }
            let opt = try Optimizer(kind, groups: [ParamGroup(params: [params[0], params[1]]),
                                                   ParamGroup(params: [params[2]], options: OptimFixtures.options(c["group1"]))],
                                    options: OptimFixtures.options(c["kwargs"]))
            let bound = try (c["schedulers"] as! [[Any]]).map {
                try OptimizerScheduler(optimizer: opt, scheduler: try scheduler($0[0] as! String, $0[1] as! [String: Any]),
                                       parameter: ($0[0] as! String).hasSuffix("Momentum") ? .momentum : .lr)
            }
            let lrs = c["lrs"] as! [[String]], momenta = c["momenta"] as! [[String]], grads = c["grads"] as! [[Any]], after = c["params"] as! [[Any]]
            let exactParams = (c["params_ieee_sqrt"] as? [[Any]]) ?? after
            for it in lrs.indices {
                XCTAssertEqual(try opt.paramGroups.map { try $0.number("lr") }, lrs[it].map { Double($0)! }, "\(name): lr at iteration \(it)")
                XCTAssertEqual(try opt.paramGroups.map { g in g["betas"] != nil ? try g.pair("betas").0 : try g.number("momentum") },
                               momenta[it].map { Double($0)! }, "\(name): momentum at iteration \(it)")
                for (j, p) in params.enumerated() { p.grad = OptimFixtures.tensor(grads[it][j], shape: shapes[j], dtype: .float32) }
                try opt.step()
                for s in bound { try s.step() }
                for (j, p) in params.enumerated() {
                    OptimFixtures.assertExact(p.data, OptimFixtures.doubles(exactParams[it][j]), "\(name): iteration \(it) param \(j)")
                    OptimFixtures.assertClose(p.data, OptimFixtures.doubles(after[it][j]), rtol: 1e-6, atol: 1e-7,
                                              tally: OptimFixtures.Tally(), "\(name): iteration \(it) param \(j) against torch's MKL sqrt")
                }
            }
            XCTAssertEqual(bound.map(\.lastValue), (c["last_value"] as! [[String]]).map { $0.map { Double($0)! } }, "\(name): get_last_value()")
            let finalGroups = (c["param_groups_final"] as! [Any]).map { OptimFixtures.options($0) }
            for (g, w) in zip(opt.paramGroups, finalGroups) {
                XCTAssertEqual(g.options.map(\.key), w.map(\.key), "\(name): group keys")
                for (a, b) in zip(g.options, w) where !OptimFixtures.same(a.value, b.value) {
                    XCTFail("\(name): group option '\(a.key)' is \(a.value), MMEngine has \(b.value)")
                }
            }
        }
    }
}
