import XCTest
@testable import TrickCore

/// `cross_entropy`'s gradient, computed in blocks of pixels with every class row contiguous (and
/// split over the cores), against the per-pixel loop it replaced — the formula of LossGrad.swift
/// written out here element by element — bit for bit: class weights, ignored pixels, label
/// smoothing, every reduction, NaN / ±inf logits, odd sizes and the unbatched (C,) form.
final class CrossEntropyGradBlocksTests: XCTestCase {
    func perPixel(_ x: Tensor, _ y: [Int64], n: Int, c: Int, s: Int, cw: [Double]?, ign: Int64,
                  reduction: Reduction, eps: Double, gv: [Double]) throws -> [Float] {
        let p = try x.softmax(dim: x.rank == 1 ? 0 : 1).floats
        var denom = 1.0
        if reduction == .mean {
            denom = 0
            for l in y where l != ign { denom += cw?[Int(l)] ?? 1 }
        }
        let wTotal = cw?.reduce(0, +) ?? Double(c)
        var gx = [Float](repeating: 0, count: p.count)
        for b in 0..<n {
            for q in 0..<s {
                let label = y[b * s + q]
                if label == ign { continue }
                let scale = (reduction == .none ? gv[b * s + q] : gv[0]) / denom
                let li = Int(label), wy = cw?[li] ?? 1
                let base = b * c * s + q
                for k in 0..<c {
                    let pk = Double(p[base + k * s])
                    var d = (1 - eps) * wy * (pk - (k == li ? 1 : 0))
                    if eps > 0 { d += eps / Double(c) * (wTotal * pk - (cw?[k] ?? 1)) }
                    gx[base + k * s] = Float(scale * d)
                }
            }
        }
        return gx
    }

    func testBlockedGradientIsBitIdenticalToPerPixel() throws {
        var r = SplitMix(seed: 31)
        var shapes: [[Int]] = [[2, 4, 128, 128], [1, 19, 7, 9], [3, 5, 300], [5], [2, 3, 1, 1]]
        for _ in 0..<12 { shapes.append([1 + r.int(3), 1 + r.int(8), 1 + r.int(40), 1 + r.int(40)]) }
        for (i, shape) in shapes.enumerated() {
            let c = shape.count == 1 ? shape[0] : shape[1], n = shape.count == 1 ? 1 : shape[0]
            let s = shape.count <= 2 ? 1 : shape.dropFirst(2).reduce(1, *)
            let specials = i % 2 == 1
            let logits = (0..<(n * c * s)).map { _ -> Float in
                if specials && r.int(60) == 0 { return [Float.nan, .infinity, -.infinity][r.int(3)] }
                return r.range(-4, 4)
            }
            let labels = (0..<(n * s)).map { _ in r.int(8) == 0 ? Int64(255) : Int64(r.int(c)) }
            let target = shape.count == 1 ? Tensor(shape: [], int64: [labels[0]]) : Tensor(shape: [n] + Array(shape.dropFirst(2)), int64: labels)
            let cw: [Float]? = i % 3 == 0 ? nil : (0..<c).map { _ in r.range(0.25, 2) }
            for reduction in [Reduction.mean, .sum, .none] {
                for eps in [0.0, 0.1] {
                    let x = try Variable(Tensor(shape: shape, float32: logits), requiresGrad: true)
                    let loss = try Variable.crossEntropy(x, target, weight: cw.map { Tensor(shape: [c], float32: $0) },
                                                         ignoreIndex: 255, reduction: reduction, labelSmoothing: eps)
                    let g = reduction == .none ? (0..<loss.data.count).map { _ in r.range(-1, 1) } : [r.range(0.5, 2)]
                    try loss.backward(gradient: Tensor(shape: loss.shape, float32: g))
                    let want = try perPixel(x.data, labels, n: n, c: c, s: s, cw: cw?.map(Double.init), ign: 255,
                                            reduction: reduction, eps: eps, gv: g.map(Double.init))
                    XCTAssertEqual(x.grad!.floats.map(\.bitPattern), want.map(\.bitPattern), "\(shape) \(reduction) eps \(eps)")
                }
            }
        }
    }
}
