import XCTest
@testable import TrickCore

/// The packed convolution path (`ConvPacked`: patches straight into the GEMM panels) against the
/// kept im2col path on random geometries: output, input, weight and bias gradients bit for bit,
/// including NaN / ±inf inputs, odd sizes, 1×1 kernels, groups, strides, dilations, a batch of 1
/// and shapes above the thread-split threshold.
final class ConvPackedTests: XCTestCase {
    struct Case {
        var n, c, h, w, o, kh, kw, groups: Int
        var geometry: Conv2dGeometry
        var bias: Bool
    }

    func run(_ t: Case, seed: UInt64, specials: Bool, packed: Bool) throws -> [[Float]] {
        let was = ConvPacked.enabled
        ConvPacked.enabled = packed
        defer { ConvPacked.enabled = was }
        var r = SplitMix(seed: seed)
        func values(_ count: Int) -> [Float] {
            (0..<count).map { _ in
                if specials && r.int(40) == 0 { return [Float.nan, .infinity, -.infinity, 0, -0.0][r.int(5)] }
                return r.range(-2, 2)
            }
        }
        let x = try Variable(Tensor(shape: [t.n, t.c, t.h, t.w], float32: values(t.n * t.c * t.h * t.w)), requiresGrad: true)
        let w = try Variable(Tensor(shape: [t.o, t.c / t.groups, t.kh, t.kw], float32: values(t.o * t.c / t.groups * t.kh * t.kw)), requiresGrad: true)
        let b = t.bias ? try Variable(Tensor(shape: [t.o], float32: values(t.o)), requiresGrad: true) : nil
        let y = try Variable.conv2d(x, w, b, t.geometry)
        try y.backward(gradient: Tensor(shape: y.shape, float32: values(y.data.count)))
        return [y.data.floats, x.grad?.floats ?? [], w.grad?.floats ?? [], b?.grad?.floats ?? []]
    }

    func assertSame(_ a: [[Float]], _ b: [[Float]], _ what: String) {
        for (k, name) in ["output", "input grad", "weight grad", "bias grad"].enumerated() {
            XCTAssertEqual(a[k].count, b[k].count, "\(what) \(name) count")
            // bit patterns (NaN == NaN)
            XCTAssertEqual(a[k].map(\.bitPattern), b[k].map(\.bitPattern), "\(what) \(name)")
        }
    }

    func testPackedPathIsBitIdenticalToIm2col() throws {
        guard Gemm.hasAVX2 else { throw XCTSkip("the packed path needs the AVX2 kernel") }
        var r = SplitMix(seed: 2024)
        var cases: [Case] = [
            // the bench net's layers, a 1×1 head, a batch of 1 above the split threshold
            Case(n: 2, c: 3, h: 32, w: 32, o: 8, kh: 3, kw: 3, groups: 1, geometry: Conv2dGeometry(padding: (1, 1)), bias: false),
            Case(n: 2, c: 8, h: 32, w: 32, o: 8, kh: 3, kw: 3, groups: 1, geometry: Conv2dGeometry(stride: (2, 2), padding: (1, 1)), bias: false),
            Case(n: 2, c: 8, h: 16, w: 16, o: 8, kh: 3, kw: 3, groups: 1, geometry: Conv2dGeometry(padding: (2, 2), dilation: (2, 2)), bias: false),
            Case(n: 2, c: 8, h: 16, w: 16, o: 4, kh: 1, kw: 1, groups: 1, geometry: Conv2dGeometry(), bias: true),
            Case(n: 1, c: 16, h: 70, w: 66, o: 24, kh: 3, kw: 3, groups: 1, geometry: Conv2dGeometry(padding: (1, 1)), bias: true),
            Case(n: 3, c: 8, h: 64, w: 60, o: 12, kh: 3, kw: 3, groups: 2,
                 geometry: Conv2dGeometry(stride: (1, 2), padding: (1, 1), dilation: (2, 1), groups: 2), bias: true),
        ]
        for _ in 0..<40 {
            let groups = [1, 1, 2, 3][r.int(4)]
            let kh = 1 + r.int(4), kw = 1 + r.int(4)
            let g = Conv2dGeometry(stride: (1 + r.int(3), 1 + r.int(3)), padding: (r.int(3), r.int(3)),
                                   dilation: (1 + r.int(2), 1 + r.int(2)), groups: groups)
            let h = (kh - 1) * g.dilation.0 + 1 + r.int(20), w = (kw - 1) * g.dilation.1 + 1 + r.int(40)
            cases.append(Case(n: 1 + r.int(3), c: groups * (1 + r.int(5)), h: h, w: w, o: groups * (1 + r.int(9)),
                              kh: kh, kw: kw, groups: groups, geometry: g, bias: r.int(2) == 0))
        }
        for (i, t) in cases.enumerated() {
            for specials in [false, true] {
                let what = "case \(i) \(t) specials \(specials)"
                assertSame(try run(t, seed: UInt64(i), specials: specials, packed: true),
                           try run(t, seed: UInt64(i), specials: specials, packed: false), what)
            }
        }
    }

    func testEmptyBatchAndEmptyChannels() throws {
        for t in [Case(n: 0, c: 3, h: 8, w: 8, o: 4, kh: 3, kw: 3, groups: 1, geometry: Conv2dGeometry(), bias: true),
                  Case(n: 2, c: 3, h: 8, w: 8, o: 0, kh: 3, kw: 3, groups: 1, geometry: Conv2dGeometry(), bias: false)] {
            assertSame(try run(t, seed: 1, specials: false, packed: true), try run(t, seed: 1, specials: false, packed: false), "\(t)")
        }
    }
}
