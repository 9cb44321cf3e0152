import Dispatch

/// `torch.nn.functional.conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1,
/// groups=1)` with its gradient (ConvolutionBackward0), float32, NCHW.
///
/// Forward and backward go through im2col and `Gemm`: per image and group, the input patches
/// become a `(C/g·kh·kw) × (oh·ow)` matrix; `out = W_g · cols (+ bias)`,
/// `∂W_g += ∂out · colsᵀ` (images in order), `∂cols = W_gᵀ · ∂out` scattered back by col2im,
/// `∂bias = Σ ∂out`. A 1×1 convolution with stride 1 and no padding uses the input as is.
/// Numbers agree with torch's CPU convolution to float32 rounding (the sums run in another
/// order), within the 1e-4 the exactness tests allow for convolutions.
public struct Conv2dGeometry: Sendable, Equatable {
    public var stride: (Int, Int) = (1, 1)
    public var padding: (Int, Int) = (0, 0)
    public var dilation: (Int, Int) = (1, 1)
    public var groups = 1
    public init(stride: (Int, Int) = (1, 1), padding: (Int, Int) = (0, 0), dilation: (Int, Int) = (1, 1), groups: Int = 1) {
        self.stride = stride; self.padding = padding; self.dilation = dilation; self.groups = groups
    }
    public static func == (a: Conv2dGeometry, b: Conv2dGeometry) -> Bool {
        a.stride == b.stride && a.padding == b.padding && a.dilation == b.dilation && a.groups == b.groups
    }
}

/// The index arithmetic of one convolution.
struct ConvPlan {
    let n, c, h, w, o, kh, kw, oh, ow, groups, cg, og: Int
    let sh, sw, ph, pw, dh, dw: Int
    var ckk: Int { cg * kh * kw }
    var l: Int { oh * ow }
    var isPointwise: Bool { kh == 1 && kw == 1 && sh == 1 && sw == 1 && ph == 0 && pw == 0 }

    init(input: [Int], weight: [Int], _ g: Conv2dGeometry) throws {
        guard input.count == 4 else {
            throw CoreError("conv2d: expected a 4-D input (N, C, H, W), got shape \(Tensor.formatShape(input))")
        }
        guard weight.count == 4 else {
            throw CoreError("conv2d: expected a 4-D weight (out_channels, in_channels/groups, kH, kW), got shape \(Tensor.formatShape(weight))")
        }
        (n, c, h, w) = (input[0], input[1], input[2], input[3])
        (o, kh, kw) = (weight[0], weight[2], weight[3])
        groups = g.groups
        (sh, sw) = g.stride; (ph, pw) = g.padding; (dh, dw) = g.dilation
        guard groups >= 1, sh >= 1, sw >= 1, dh >= 1, dw >= 1, ph >= 0, pw >= 0 else {
            throw CoreError("conv2d: stride, dilation and groups must be positive and padding non-negative")
        }
        guard c % groups == 0, o % groups == 0, weight[1] * groups == c else {
            throw CoreError("Given groups=\(groups), weight of size \(Tensor.formatShape(weight)), expected input\(Tensor.formatShape(input)) to have \(weight[1] * groups) channels, but got \(c) channels instead")
        }
        cg = c / groups; og = o / groups
        let effH = dh * (kh - 1) + 1, effW = dw * (kw - 1) + 1
        guard h + 2 * ph >= effH, w + 2 * pw >= effW else {
            throw CoreError("Calculated padded input size per channel: (\(h + 2 * ph) x \(w + 2 * pw)). Kernel size: (\(effH) x \(effW)). Kernel size can't be greater than actual input size")
        }
        oh = (h + 2 * ph - effH) / sh + 1
        ow = (w + 2 * pw - effW) / sw + 1
    }

    /// The output columns `lo..<hi` whose input column `ox·sw + x0` lies inside the row (0 ≤ · < w).
    @inline(__always)
    func insideColumns(_ x0: Int) -> (Int, Int) {
        let first = x0 >= 0 ? 0 : (sw - 1 - x0) / sw
        let end = w - x0 <= 0 ? 0 : (w - x0 + sw - 1) / sw
        let lo = Swift.min(first, ow)
        return (lo, Swift.max(lo, Swift.min(ow, end)))
    }

    /// Patches of image `img`, group `grp` into `cols` (ckk × l).
    func im2col(_ x: UnsafePointer<Float>, img: Int, grp: Int, _ cols: UnsafeMutablePointer<Float>) {
        let plane = h * w
        let base = x + (img * c + grp * cg) * plane
        var row = 0
        for ci in 0..<cg {
            let src = base + ci * plane
            for i in 0..<kh {
                for j in 0..<kw {
                    let dst = cols + row * l
                    for oy in 0..<oh {
                        let y = oy * sh - ph + i * dh
                        let d = dst + oy * ow
                        if y < 0 || y >= h { d.update(repeating: 0, count: ow); continue }
                        let srow = src + y * w
                        let x0 = j * dw - pw
                        let (lo, hi) = insideColumns(x0)
                        if lo > 0 { d.update(repeating: 0, count: lo) }
                        if sw == 1 {
                            if hi > lo { d.advanced(by: lo).update(from: srow + lo + x0, count: hi - lo) }
                        } else {
                            for ox in lo..<hi { d[ox] = srow[ox * sw + x0] }
                        }
                        if hi < ow { d.advanced(by: hi).update(repeating: 0, count: ow - hi) }
                    }
                    row += 1
                }
            }
        }
    }

    /// Adds `cols` (ckk × l) back into the input gradient of image `img`, group `grp`.
    func col2im(_ cols: UnsafePointer<Float>, img: Int, grp: Int, _ gx: UnsafeMutablePointer<Float>) {
        let plane = h * w
        let base = gx + (img * c + grp * cg) * plane
        var row = 0
        for ci in 0..<cg {
            let dstPlane = base + ci * plane
            for i in 0..<kh {
                for j in 0..<kw {
                    let src = cols + row * l
                    for oy in 0..<oh {
                        let y = oy * sh - ph + i * dh
                        if y < 0 || y >= h { continue }
                        let drow = dstPlane + y * w, s = src + oy * ow
                        let x0 = j * dw - pw
                        let (lo, hi) = insideColumns(x0)
                        if sw == 1 {
                            let d = drow + x0
                            for ox in lo..<hi { d[ox] += s[ox] }
                        } else {
                            for ox in lo..<hi { drow[ox * sw + x0] += s[ox] }
                        }
                    }
                    row += 1
                }
            }
        }
    }
}

extension Variable {
    /// `F.conv2d(input, weight, bias, stride, padding, dilation, groups)` (ConvolutionBackward0).
    public static func conv2d(_ input: Variable, _ weight: Variable, _ bias: Variable? = nil,
                              _ geometry: Conv2dGeometry = Conv2dGeometry()) throws -> Variable {
        guard input.dtype == .float32, weight.dtype == .float32, bias?.dtype ?? .float32 == .float32 else {
            throw CoreError("conv2d: autograd's convolution computes in float32; got input \(input.dtype), weight \(weight.dtype)")
        }
        let p = try ConvPlan(input: input.shape, weight: weight.shape, geometry)
        if let bias, bias.shape != [p.o] {
            throw CoreError("conv2d: bias of shape \(Tensor.formatShape(bias.shape)) does not match \(p.o) output channels")
        }
        let outShape = [p.n, p.o, p.oh, p.ow]
        _ = try Tensor.checkedAllocationCount(outShape, dtype: .float32)
        _ = try Tensor.checkedAllocationCount([p.ckk, p.l], dtype: .float32)
        let x = input.data.floats, wt = weight.data.floats, b = bias?.data.floats
        let out = convForward(p, x, wt, b)
        var inputs = [input, weight]
        if let bias { inputs.append(bias) }
        return record("ConvolutionBackward0", Tensor(shape: outShape, float32: out), inputs: inputs, saved: [input, weight]) { g, need in
            let (gx, gw, gb) = convBackward(p, x, wt, g.floats, needInput: need[0], needWeight: need[1],
                                            needBias: need.count > 2 && need[2])
            var r: [Tensor?] = [gx.map { Tensor(shape: input.shape, float32: $0) }, gw.map { Tensor(shape: weight.shape, float32: $0) }]
            if need.count > 2 { r.append(gb.map { Tensor(shape: [p.o], float32: $0) }) }
            return r
        }
    }

    /// Runs `body(worker, images)` over contiguous chunks of the batch, concurrently for large
    /// convolutions. Every image is computed alone (its own buffers and output slice), so the
    /// numbers do not depend on the split.
    static func forEachImageChunk(_ p: ConvPlan, _ body: (Int, Range<Int>) -> Void) {
        let work = p.n * p.o * p.l * Swift.max(p.ckk, 1)
        let workers = p.n > 1 && work >= 1 << 20 ? Swift.min(Parallel.workers, p.n) : 1
        if workers == 1 { body(0, 0..<p.n); return }
        let per = (p.n + workers - 1) / workers
        withoutActuallyEscaping(body) { f in
            DispatchQueue.concurrentPerform(iterations: workers) { w in
                let lo = w * per, hi = Swift.min(p.n, lo + per)
                if lo < hi { f(w, lo..<hi) }
            }
        }
    }

    static func convForward(_ p: ConvPlan, _ x: [Float], _ wt: [Float], _ b: [Float]?) -> [Float] {
        if ConvPacked.active && p.ckk > 0 {
            return [Float](unsafeUninitializedCapacity: p.n * p.o * p.l) { po, count in
                x.withUnsafeBufferPointer { px in wt.withUnsafeBufferPointer { pw in
                    ConvPacked.forward(p, px.baseAddress!, pw.baseAddress!, po.baseAddress!)
                } }
                if let b { addBias(p, b, po.baseAddress!) }
                count = p.n * p.o * p.l
            }
        }
        var out = [Float](repeating: 0, count: p.n * p.o * p.l)
        let colsCount = p.isPointwise ? 0 : p.ckk * p.l
        x.withUnsafeBufferPointer { px in
            wt.withUnsafeBufferPointer { pw in
                out.withUnsafeMutableBufferPointer { po in
                    forEachImageChunk(p) { _, images in
                        var cols = [Float](repeating: 0, count: colsCount)
                        cols.withUnsafeMutableBufferPointer { pc in
                            for img in images {
                                for grp in 0..<p.groups {
                                    let colsPtr: UnsafePointer<Float>
                                    if p.isPointwise {
                                        colsPtr = px.baseAddress! + (img * p.c + grp * p.cg) * p.l
                                    } else {
                                        p.im2col(px.baseAddress!, img: img, grp: grp, pc.baseAddress!)
                                        colsPtr = UnsafePointer(pc.baseAddress!)
                                    }
                                    Gemm.multiply(pw.baseAddress! + grp * p.og * p.ckk, transA: false, colsPtr, transB: false,
                                                  po.baseAddress! + (img * p.o + grp * p.og) * p.l, m: p.og, n: p.l, k: p.ckk,
                                                  parallel: images.count == p.n)
                                }
                                if let b { addBias(p, b, po.baseAddress!, images: img..<(img + 1)) }
                            }
                        }
                    }
                }
            }
        }
        return out
    }

    /// `out[img, oc, :] += b[oc]`.
    static func addBias(_ p: ConvPlan, _ b: [Float], _ out: UnsafeMutablePointer<Float>, images: Range<Int>? = nil) {
        for img in images ?? 0..<p.n {
            for oc in 0..<p.o {
                let row = out + (img * p.o + oc) * p.l, bv = b[oc]
                for j in 0..<p.l { row[j] += bv }
            }
        }
    }

    /// Weight gradients are computed per image (`∂W_g` of image i alone) and then summed in
    /// image order — the same numbers as accumulating image after image, whatever the split.
    static func convBackward(_ p: ConvPlan, _ x: [Float], _ wt: [Float], _ g: [Float],
                             needInput: Bool, needWeight: Bool, needBias: Bool) -> ([Float]?, [Float]?, [Float]?) {
        var gx = needInput ? [Float](repeating: 0, count: p.n * p.c * p.h * p.w) : []   // x may be empty when only ∂x is wanted
        var gb: [Float]? = nil
        if needBias {
            var acc = [Double](repeating: 0, count: p.o)
            g.withUnsafeBufferPointer { pg in
                for img in 0..<p.n {
                    for oc in 0..<p.o {
                        acc[oc] += Tensor.sumLane(pg.baseAddress! + (img * p.o + oc) * p.l, 1, p.l)
                    }
                }
            }
            gb = acc.map { Float($0) }
        }
        if !needInput && !needWeight { return (nil, nil, gb) }
        var perImage = needWeight ? [Float](repeating: 0, count: p.n * wt.count) : []
        let colsCount = p.ckk * p.l
        x.withUnsafeBufferPointer { px in
            wt.withUnsafeBufferPointer { pw in
                g.withUnsafeBufferPointer { pg in
                    gx.withUnsafeMutableBufferPointer { pgx in
                        perImage.withUnsafeMutableBufferPointer { ppi in
                            forEachImageChunk(p) { _, images in
                                // every element is written (by im2col, or by the product) before it is read
                                var cols = [Float](unsafeUninitializedCapacity: colsCount) { _, n in n = colsCount }
                                cols.withUnsafeMutableBufferPointer { pc in
                                    let parallel = images.count == p.n
                                    for img in images {
                                        for grp in 0..<p.groups {
                                            let gout = pg.baseAddress! + (img * p.o + grp * p.og) * p.l
                                            if needWeight {
                                                let colsPtr: UnsafePointer<Float>
                                                if p.isPointwise {
                                                    colsPtr = px.baseAddress! + (img * p.c + grp * p.cg) * p.l
                                                } else {
                                                    p.im2col(px.baseAddress!, img: img, grp: grp, pc.baseAddress!)
                                                    colsPtr = UnsafePointer(pc.baseAddress!)
                                                }
                                                Gemm.multiply(gout, transA: false, colsPtr, transB: true,
                                                              ppi.baseAddress! + img * wt.count + grp * p.og * p.ckk,
                                                              m: p.og, n: p.ckk, k: p.l, parallel: parallel)
                                            }
                                            if needInput {
                                                if p.isPointwise {
                                                    Gemm.multiply(pw.baseAddress! + grp * p.og * p.ckk, transA: true, gout, transB: false,
                                                                  pgx.baseAddress! + (img * p.c + grp * p.cg) * p.l,
                                                                  m: p.ckk, n: p.l, k: p.og, parallel: parallel)
                                                } else {
                                                    Gemm.multiply(pw.baseAddress! + grp * p.og * p.ckk, transA: true, gout, transB: false,
                                                                  pc.baseAddress!, m: p.ckk, n: p.l, k: p.og, parallel: parallel)
                                                    p.col2im(pc.baseAddress!, img: img, grp: grp, pgx.baseAddress!)
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return (needInput ? gx : nil, needWeight ? sumImages(p, perImage, count: wt.count) : nil, gb)
    }

    /// The per-image weight gradients summed in image order.
    static func sumImages(_ p: ConvPlan, _ perImage: [Float], count: Int) -> [Float] {
        var sum = [Float](repeating: 0, count: count)
        for img in 0..<p.n {
            let base = img * count
            for i in 0..<count { sum[i] += perImage[base + i] }
        }
        return sum
    }
}
