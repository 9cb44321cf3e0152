import Foundation
import XCTest
@testable import TrickCore

/// Cases of torch's own test/optim/test_lrscheduler.py (TestLRScheduler, torch 2.4), translated:
/// the same setUp — `SGD([{'params': conv1.parameters()}, {'params': conv2.parameters(), 'lr': 0.5}],
/// lr=0.05)` with two `Conv2d(1, 1, 1)`, the setUp issue 18 says stopped 76 upstream tests — the
/// same schedulers, the same targets (written as upstream writes them) and `_test`'s comparison
/// (`atol=1e-5, rtol=0`, lr read before each round of `scheduler.step()`). ChainedScheduler is
/// its schedulers stepped in order, which is what several `OptimizerScheduler`s on one optimizer do.
final class TorchLRSchedulerUpstreamTests: XCTestCase {
    var opt: Optimizer!

    override func setUp() {
        super.setUp()
        func conv() -> [any OptimizerParameter] {
            [TestParameter(try! Tensor.zeros([1, 1, 1, 1])), TestParameter(try! Tensor.zeros([1]))]
        }
        opt = try! Optimizer(.sgd, groups: [ParamGroup(params: conv()), ParamGroup(params: conv(), options: [("lr", .double(0.5))])],
                             options: [("lr", .double(0.05))])
    }

    func run(_ schedulers: [ParamScheduler], _ targets: [[Double]], epochs: Int = 10, file: StaticString = #filePath, line: UInt = #line) throws {
        let bound = try schedulers.map { try OptimizerScheduler(optimizer: opt, scheduler: $0) }
        for epoch in 0..<epochs {
            for (g, target) in zip(opt.paramGroups, targets) {
                let lr = try g.number("lr")
                XCTAssertEqual(lr, target[epoch], accuracy: 1e-5, "LR is wrong in epoch \(epoch): expected \(target[epoch]), got \(lr)",
                               file: file, line: line)
            }
            for s in bound { try s.step() }
        }
    }

    func testStepLR() throws {
        let single = [Double](repeating: 0.05, count: 3) + [Double](repeating: 0.005, count: 3) + [Double](repeating: 0.0005, count: 3)
            + [Double](repeating: 0.00005, count: 3)
        try run([TorchLRScheduler.stepLR(stepSize: 3, gamma: 0.1)], [single, single.map { $0 * 10 }])
    }

    func testMultiStepLR() throws {
        let single = [Double](repeating: 0.05, count: 2) + [Double](repeating: 0.005, count: 3) + [Double](repeating: 0.0005, count: 4)
            + [Double](repeating: 0.00005, count: 3)
        try run([TorchLRScheduler.multiStepLR(milestones: [2, 5, 9], gamma: 0.1)], [single, single.map { $0 * 10 }])
    }

    func testConstantLR() throws {
        let single = [Double](repeating: 0.025, count: 5) + [Double](repeating: 0.05, count: 5)
        try run([TorchLRScheduler.constantLR(factor: 1.0 / 2, totalIters: 5)], [single, single.map { $0 * 10 }])
    }

    func testLinearLR() throws {
        let startFactor = 1.0 / 2, iters = 4, epochs = 10
        let interpolation = (0..<iters).map { startFactor + Double($0) * (1 - startFactor) / Double(iters) }
        let single = interpolation.map { $0 * 0.05 } + [Double](repeating: 0.05, count: epochs - iters)
        try run([TorchLRScheduler.linearLR(startFactor: startFactor, totalIters: iters)], [single, single.map { $0 * Double(epochs) }])
    }

    func testExpLR() throws {
        let single = (0..<10).map { 0.05 * pow(0.9, Double($0)) }
        try run([TorchLRScheduler.exponentialLR(gamma: 0.9)], [single, single.map { $0 * 10 }])
    }

    func testPolyLR() throws {
        let power = 0.9, totalIters = 5, epochs = 10
        let single = (0..<totalIters).map { pow(1.0 - Double($0) / Double(totalIters), power) * 0.05 }
            + [Double](repeating: 0, count: epochs - totalIters)
        try run([TorchLRScheduler.polynomialLR(totalIters: totalIters, power: power)], [single, single.map { $0 * Double(epochs) }])
    }

    func testCosAnnealLR() throws {
        let epochs = 10, etaMin = 1e-10
        let single = (0..<epochs).map { etaMin + (0.05 - etaMin) * (1 + cos(Double.pi * Double($0) / Double(epochs))) / 2 }
        try run([TorchLRScheduler.cosineAnnealingLR(tMax: epochs, etaMin: etaMin)], [single, single.map { $0 * Double(epochs) }])
    }

    /// test_chained_lr3: LinearLR then MultiStepLR.
    func testChainedLR3() throws {
        let target = [0.02, 0.03, 0.04, 0.05] + [Double](repeating: 0.005, count: 4) + [Double](repeating: 0.0005, count: 3)
            + [Double](repeating: 0.00005, count: 3)
        try run([TorchLRScheduler.linearLR(startFactor: 0.4, totalIters: 3),
                 TorchLRScheduler.multiStepLR(milestones: [4, 8, 10], gamma: 0.1)], [target])
    }

    /// test_chained_lr4: ExponentialLR, ConstantLR, StepLR.
    func testChainedLR4() throws {
        let head: [Double] = (0..<3).map { (k: Int) -> Double in 0.05 * 0.2 * pow(0.9, Double(k)) }
        let middle: [Double] = [0.05 * 0.2 * pow(0.9, 3) * 0.1]
        let tail1: [Double] = (4..<6).map { (k: Int) -> Double in 0.05 * pow(0.9, Double(k)) * 0.1 }
        let tail2: [Double] = (6..<9).map { (k: Int) -> Double in 0.05 * pow(0.9, Double(k)) * 0.01 }
        let target = head + middle + tail1 + tail2
        try run([TorchLRScheduler.exponentialLR(gamma: 0.9), TorchLRScheduler.constantLR(factor: 0.2, totalIters: 4),
                 TorchLRScheduler.stepLR(stepSize: 3, gamma: 0.1)], [target], epochs: 9)
    }

    /// test_linearlr_start_factor_limits1/2.
    func testLinearLRStartFactorLimits() {
        XCTAssertThrowsError(try TorchLRScheduler.linearLR(startFactor: 0.0, totalIters: 4))
        XCTAssertThrowsError(try TorchLRScheduler.linearLR(startFactor: 1.1, totalIters: 4))
    }
}
