import XCTest
@testable import TrickCore

/// The phase-split transposed convolution (`ConvTransposePhases`) against the kept col2im path on
/// random geometries (strides 1–3, kernels 1–5, paddings, output paddings, groups, bias, odd sizes,
/// NaN / ±inf inputs): ∂input, ∂weight and ∂bias bit for bit (NaN payloads aside); the forward (another summation
/// order) within the float32 error bound of its sum, checked against a Double evaluation.
final class ConvTransposePhasesTests: XCTestCase {
    /// Bit patterns with every NaN as one: which NaN operand a product or fused multiply-add passes
    /// on is the compiler's choice (it may swap the factors), so NaN signs and payloads are not
    /// stable even between two builds of one kernel.
    func bits(_ v: Float) -> UInt32 { v.isNaN ? Float.nan.bitPattern : v.bitPattern }

    struct Case {
        var n, c, h, w, o, kh, kw, groups: Int
        var stride, padding, outputPadding: (Int, Int)
        var bias: Bool
    }

    struct Inputs { var x, w, b, g: [Float] }

    func inputs(_ t: Case, seed: UInt64, specials: Bool) -> (Inputs, [Int]) {
        var r = SplitMix(seed: seed)
        func values(_ count: Int) -> [Float] {
            (0..<count).map { _ in
                if specials && r.int(40) == 0 { return [Float.nan, .infinity, -.infinity, 0, -0.0][r.int(5)] }
                return r.range(-2, 2)
            }
        }
        let oh = (t.h - 1) * t.stride.0 - 2 * t.padding.0 + t.kh + t.outputPadding.0
        let ow = (t.w - 1) * t.stride.1 - 2 * t.padding.1 + t.kw + t.outputPadding.1
        let outShape = [t.n, t.o, oh, ow]
        let x = values(t.n * t.c * t.h * t.w), w = values(t.c * (t.o / t.groups) * t.kh * t.kw)
        let b = t.bias ? values(t.o) : []
        return (Inputs(x: x, w: w, b: b, g: values(outShape.reduce(1, *))), outShape)
    }

    func run(_ t: Case, _ v: Inputs, phases: Bool) throws -> [[Float]] {
        let was = ConvTransposePhases.enabled
        ConvTransposePhases.enabled = phases
        defer { ConvTransposePhases.enabled = was }
        let x = try Variable(Tensor(shape: [t.n, t.c, t.h, t.w], float32: v.x), requiresGrad: true)
        let w = try Variable(Tensor(shape: [t.c, t.o / t.groups, t.kh, t.kw], float32: v.w), requiresGrad: true)
        let b = t.bias ? try Variable(Tensor(shape: [t.o], float32: v.b), requiresGrad: true) : nil
        let y = try Variable.convTranspose2d(x, w, b, ConvTranspose2dGeometry(stride: t.stride, padding: t.padding,
                                                                              outputPadding: t.outputPadding, groups: t.groups))
        try y.backward(gradient: Tensor(shape: y.shape, float32: v.g))
        return [y.data.floats, x.grad?.floats ?? [], w.grad?.floats ?? [], b?.grad?.floats ?? []]
    }

    /// The forward in Double, and per output the Σ|terms| and the number of terms.
    func exact(_ t: Case, _ v: Inputs, _ outShape: [Int]) -> ([Double], [Double], [Int]) {
        let (oh, ow) = (outShape[2], outShape[3]), cig = t.c / t.groups, cog = t.o / t.groups
        var y = [Double](repeating: 0, count: outShape.reduce(1, *)), mag = y, terms = [Int](repeating: 0, count: y.count)
        for img in 0..<t.n { for ci in 0..<t.c { for iy in 0..<t.h { for ix in 0..<t.w {
            let grp = ci / cig, xv = Double(v.x[((img * t.c + ci) * t.h + iy) * t.w + ix])
            for oc in 0..<cog { for i in 0..<t.kh { for j in 0..<t.kw {
                let oy = iy * t.stride.0 - t.padding.0 + i, ox = ix * t.stride.1 - t.padding.1 + j
                guard oy >= 0, oy < oh, ox >= 0, ox < ow else { continue }
                let k = ((img * t.o + grp * cog + oc) * oh + oy) * ow + ox
                let term = xv * Double(v.w[((ci * cog + oc) * t.kh + i) * t.kw + j])
                y[k] += term; mag[k] += abs(term); terms[k] += 1
            } } }
        } } } }
        if t.bias {
            for k in 0..<y.count {
                let bv = Double(v.b[(k / (oh * ow)) % t.o])
                y[k] += bv; mag[k] += abs(bv); terms[k] += 1
            }
        }
        return (y, mag, terms)
    }

    func check(_ t: Case, seed: UInt64, specials: Bool) throws {
        let what = "\(t) seed \(seed) specials \(specials)"
        let (v, outShape) = inputs(t, seed: seed, specials: specials)
        let fast = try run(t, v, phases: true), ref = try run(t, v, phases: false)
        if Gemm.hasAVX512 {
            // the 8-row AVX-512 blocks give the 4-row AVX2 blocks' bits, forward included
            Gemm.useAVX512 = false
            defer { Gemm.useAVX512 = true }
            let narrow = try run(t, v, phases: true)
            for (k, name) in ["output", "input grad", "weight grad", "bias grad"].enumerated() {
                XCTAssertEqual(fast[k].map(bits), narrow[k].map(bits), "\(what) \(name): AVX-512 and AVX2 blocks")
            }
        }
        for (k, name) in ["input grad", "weight grad", "bias grad"].enumerated() {
            XCTAssertEqual(fast[k + 1].map(bits), ref[k + 1].map(bits), "\(what) \(name)")
        }
        XCTAssertEqual(fast[0].count, ref[0].count, what)
        let (y, mag, terms) = exact(t, v, outShape)
        for k in 0..<Swift.min(fast[0].count, y.count) {
            let a = fast[0][k], b = ref[0][k]
            if !a.isFinite || !b.isFinite || !y[k].isFinite {
                // the same terms in another order: NaN stays NaN, one-signed infinities stay
                XCTAssertEqual(a.isNaN, b.isNaN, "\(what) output \(k): \(a) vs \(b)")
                if !a.isNaN { XCTAssertEqual(a, b, "\(what) output \(k)") }
                continue
            }
            // recursive float32 summation of `terms` products: |error| ≤ (terms + 1)·u·Σ|terms|
            let bound = Double(terms[k] + 1) * 0x1p-24 * mag[k]
            XCTAssertLessThanOrEqual(abs(Double(a) - y[k]), bound, "\(what) output \(k) phases")
            XCTAssertLessThanOrEqual(abs(Double(b) - y[k]), bound, "\(what) output \(k) col2im")
        }
    }

    func testPhasesAgainstCol2im() throws {
        guard Gemm.hasAVX2 else { throw XCTSkip("the phase path needs the AVX2 kernel") }
        var cases: [Case] = [
            // the bench rows (smaller batch), UNet's 2×2 up-convolution, FCN's 4×4 / stride 2
            Case(n: 2, c: 32, h: 32, w: 32, o: 32, kh: 4, kw: 4, groups: 1, stride: (2, 2), padding: (1, 1), outputPadding: (0, 0), bias: true),
            Case(n: 2, c: 24, h: 17, w: 20, o: 16, kh: 2, kw: 2, groups: 1, stride: (2, 2), padding: (0, 0), outputPadding: (0, 0), bias: true),
            Case(n: 1, c: 5, h: 9, w: 35, o: 7, kh: 3, kw: 3, groups: 1, stride: (2, 2), padding: (1, 1), outputPadding: (1, 1), bias: false),
            Case(n: 3, c: 6, h: 7, w: 5, o: 9, kh: 5, kw: 1, groups: 3, stride: (3, 1), padding: (2, 0), outputPadding: (2, 0), bias: true),
            Case(n: 1, c: 4, h: 3, w: 3, o: 4, kh: 1, kw: 1, groups: 1, stride: (3, 2), padding: (0, 0), outputPadding: (2, 1), bias: true),
        ]
        var r = SplitMix(seed: 77)
        for _ in 0..<60 {
            let groups = [1, 1, 2, 3][r.int(4)]
            let kh = 1 + r.int(5), kw = 1 + r.int(5), sh = 1 + r.int(3), sw = 1 + r.int(3)
            let ph = r.int(kh), pw = r.int(kw)
            let oph = r.int(sh), opw = r.int(sw)
            var h = 1 + r.int(12), w = 1 + r.int(40)
            // torch's output size must stay positive
            while (h - 1) * sh - 2 * ph + kh + oph <= 0 { h += 1 }
            while (w - 1) * sw - 2 * pw + kw + opw <= 0 { w += 1 }
            cases.append(Case(n: 1 + r.int(3), c: groups * (1 + r.int(6)), h: h, w: w, o: groups * (1 + r.int(9)), kh: kh, kw: kw,
                              groups: groups, stride: (sh, sw), padding: (ph, pw), outputPadding: (oph, opw), bias: r.int(2) == 0))
        }
        for (i, t) in cases.enumerated() {
            for specials in [false, true] { try check(t, seed: UInt64(i), specials: specials) }
        }
    }

    /// A non-finite weight falls back to the col2im path: there an outside tap is skipped, while a
    /// zero-padded product would make 0·inf = NaN.
    func testNonFiniteWeightKeepsCol2imNumbers() throws {
        guard Gemm.hasAVX2 else { throw XCTSkip("the phase path needs the AVX2 kernel") }
        let t = Case(n: 1, c: 2, h: 4, w: 5, o: 3, kh: 4, kw: 4, groups: 1, stride: (2, 2), padding: (1, 1), outputPadding: (0, 0), bias: true)
        var (v, _) = inputs(t, seed: 5, specials: false)
        v.w[0] = .infinity
        let fast = try run(t, v, phases: true), ref = try run(t, v, phases: false)
        for k in 0..<4 { XCTAssertEqual(fast[k].map(bits), ref[k].map(bits), "part \(k)") }
        XCTAssertTrue(fast[0].contains { $0.isInfinite })
    }
}
