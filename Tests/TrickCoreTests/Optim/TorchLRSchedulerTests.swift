import XCTest
@testable import TrickCore

/// torch 2.4.1 torch.optim.lr_scheduler schedulers (and swa_utils.SWALR) chained on one optimizer (torch_schedulers.json
/// from tools/gen_optim_vectors.py): every group's lr at each of 20 iterations, `get_last_lr()`
/// and the final groups, exactly.
final class TorchLRSchedulerTests: XCTestCase {
    func make(_ type: String, _ kw: [String: Any]) throws -> ParamScheduler {
        func d(_ k: String) -> Double? { (kw[k] as? String).map { Double($0)! } }
        func i(_ k: String) -> Int? { (kw[k] as? String).map { Int($0)! } }
        switch type {
        case "StepLR": return try TorchLRScheduler.stepLR(stepSize: i("step_size")!, gamma: d("gamma") ?? 0.1)
        case "MultiStepLR":
            return try TorchLRScheduler.multiStepLR(milestones: (kw["milestones"] as! [String]).map { Int($0)! }, gamma: d("gamma") ?? 0.1)
        case "ExponentialLR": return try TorchLRScheduler.exponentialLR(gamma: d("gamma")!)
        case "CosineAnnealingLR": return try TorchLRScheduler.cosineAnnealingLR(tMax: i("T_max")!, etaMin: d("eta_min") ?? 0)
        case "ConstantLR": return try TorchLRScheduler.constantLR(factor: d("factor") ?? 1.0 / 3, totalIters: i("total_iters") ?? 5)
        case "LinearLR":
            return try TorchLRScheduler.linearLR(startFactor: d("start_factor") ?? 1.0 / 3, endFactor: d("end_factor") ?? 1,
                                                 totalIters: i("total_iters") ?? 5)
        case "PolynomialLR": return try TorchLRScheduler.polynomialLR(totalIters: i("total_iters") ?? 5, power: d("power") ?? 1)
        case "SWALR":
            let swa = (kw["swa_lr"] as? [String]).map { $0.map { Double($0)! } } ?? [d("swa_lr")!]
            return try SWALR(swaLR: swa, annealEpochs: i("anneal_epochs") ?? 10, annealStrategy: (kw["anneal_strategy"] as? String) ?? "cos")
        default: throw CoreError("no torch scheduler \(type) in this test")
        }
    }

    func testChainedSchedulers() throws {
        let cases = try OptimFixtures.load("torch_schedulers.json")
        XCTAssertEqual(cases.count, 9)
        for c in cases {
            let name = c["desc"] as! String
            let p0 = TestParameter(try Tensor.zeros([2])), p1 = TestParameter(try Tensor.zeros([3]))
            let opt = try Optimizer(.sgd, groups: [ParamGroup(params: [p0]), ParamGroup(params: [p1], options: [("lr", .double(0.3))])],
                                    options: [("lr", .double(0.1))])
            let bound = try (c["schedulers"] as! [[Any]]).map {
                try OptimizerScheduler(optimizer: opt, scheduler: try make($0[0] as! String, $0[1] as! [String: Any]))
            }
            for (it, want) in (c["lrs"] as! [[String]]).enumerated() {
                XCTAssertEqual(try opt.paramGroups.map { try $0.number("lr") }, want.map { Double($0)! }, "\(name): iteration \(it)")
                try opt.step()
                for s in bound { try s.step() }
            }
            XCTAssertEqual(bound.map(\.lastValue), (c["last_lr"] as! [[String]]).map { $0.map { Double($0)! } }, "\(name): get_last_lr()")
            for (g, w) in zip(opt.paramGroups, (c["param_groups_final"] as! [Any]).map { OptimFixtures.options($0) }) {
                XCTAssertEqual(g.options.map(\.key), w.map(\.key), name)
                for (a, b) in zip(g.options, w) where !OptimFixtures.same(a.value, b.value) {
                    XCTFail("\(name): group option '\(a.key)' is \(a.value), torch has \(b.value)")
                }
            }
        }
    }

    func testArgumentChecks() {
        XCTAssertThrowsError(try TorchLRScheduler.linearLR(startFactor: 0)) { e in
            XCTAssertEqual((e as? CoreError)?.message, "Starting multiplicative factor expected to be greater than 0 and less or equal to 1.")
        }
        XCTAssertThrowsError(try TorchLRScheduler.constantLR(factor: 1.5)) { e in
            XCTAssertEqual((e as? CoreError)?.message, "Constant multiplicative factor expected to be between 0 and 1.")
        }
    }
}
