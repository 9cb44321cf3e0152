#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `torch.nn.functional.interpolate` for 3-D (N, C, L) and 4-D (N, C, H, W) input, bit-faithful
/// to PyTorch's CPU kernels (`aten/src/ATen/native/UpSample.h`, `cpu/UpSampleKernel.cpp`); see
/// reference/resize-multiscale-tta.md §5.1–5.2.
///
/// - Source coordinates are computed in the input's float type exactly as
///   `area_pixel_compute_scale` / `area_pixel_compute_source_index` do: `scale = in/out` (float
///   division), or `1/scale_factor` (double division, then rounded) when a scale factor is given
///   and not recomputed; `align_corners=True` uses `(in−1)/(out−1)`.
/// - 'nearest' is torch's legacy rule `min(floor(d·scale), in−1)` in float32, with torch's
///   shortcuts for `out == in` and `out == 2·in` (4-D input only, as torch's kernels);
///   'nearest-exact' is `floor((d+0.5)·scale)`.
/// - 'bilinear'/'linear': two taps per axis, `l1 = clamp(src − i0, 0, 1)`, an axis whose output
///   size equals its input size is an exact copy; the arithmetic (which products are fused, in
///   which order) follows the torch kernel the input's sizes select, bit for bit (see `linear2d`).
/// - 'bicubic' (4-D): Keys cubic convolution with A = −0.75 over four clamped taps per axis, as
///   torch's `HelperInterpCubic` (source index without the clamp at 0; weights in the input's
///   float type, sums in double: within float32 rounding of torch, not bit for bit).
/// - 'area': `adaptive_avg_pool1d/2d` to the output size (window `[⌊o·in/out⌋, ⌈(o+1)·in/out⌉)`).
public enum Interpolate {
    public enum Mode: String, Sendable, CaseIterable {
        case nearest, nearestExact = "nearest-exact", linear, bilinear, bicubic, area
    }

    /// Output size and per-axis user scale (nil when sizes were given or the scale recomputed).
    /// `allowEmpty`: a 0 output size is valid ('area' is `adaptive_avg_pool`, which accepts it).
    public static func outputGeometry(inputSpatial: [Int], size: [Int]?, scaleFactor: [Double]?,
                                      recomputeScaleFactor: Bool = false, allowEmpty: Bool = false) throws -> (size: [Int], scales: [Double?]) {
        let dim = inputSpatial.count
        switch (size, scaleFactor) {
        case (nil, nil):
            throw CoreError("either size or scale_factor should be defined")
        case (.some, .some):
            throw CoreError("only one of size or scale_factor should be defined")
        case (let s?, nil):
            let sz = s.count == 1 ? [Int](repeating: s[0], count: dim) : s
            guard sz.count == dim else {
                throw CoreError("size shape must match input shape. Input is \(dim)D, size is \(s.count)")
            }
            for v in sz where v < 0 || (v == 0 && !allowEmpty) {
                throw CoreError("output size must be greater than 0, got \(Tensor.formatShape(sz))")
            }
            return (sz, [Double?](repeating: nil, count: dim))
        case (nil, let f?):
            let sf = f.count == 1 ? [Double](repeating: f[0], count: dim) : f
            guard sf.count == dim else {
                throw CoreError("scale_factor shape must match input shape. Input is \(dim)D, scale_factor is \(f.count)")
            }
            let out = try zip(inputSpatial, sf).map { (i, s) -> Int in
                guard s.isFinite, s > 0 else { throw CoreError("scale_factor must be positive and finite, got \(s)") }
                let v = floor(Double(i) * s)
                guard v >= (allowEmpty ? 0 : 1), v < 1e9 else {
                    throw CoreError("input and output sizes should be greater than 0, but got input \(Tensor.formatShape(inputSpatial)) and scale_factor \(sf)")
                }
                return Int(v)
            }
            return (out, recomputeScaleFactor ? [Double?](repeating: nil, count: dim) : sf.map { Optional($0) })
        }
    }

    /// `interpolate(input, size=None, scale_factor=None, mode='nearest', align_corners=None,
    /// recompute_scale_factor=None)`.
    public static func interpolate(_ input: Tensor, size: [Int]? = nil, scaleFactor: [Double]? = nil,
                                   mode: Mode = .nearest, alignCorners: Bool? = nil,
                                   recomputeScaleFactor: Bool = false) throws -> Tensor {
        let r = input.rank
        guard r == 3 || r == 4 else {
            throw CoreError("interpolate supports 3-D (N, C, L) and 4-D (N, C, H, W) input, got \(r)-D input of shape \(Tensor.formatShape(input.shape))")
        }
        switch mode {
        case .linear where r != 3:
            throw CoreError("got \(r)D input, but linear mode needs 3D input")
        case .bilinear where r != 4:
            throw CoreError("got \(r)D input, but bilinear mode needs 4D input")
        case .bicubic where r != 4:
            throw CoreError("got \(r)D input, but bicubic mode needs 4D input")
        case .nearest, .nearestExact, .area:
            if alignCorners != nil {
                throw CoreError("align_corners option can only be set with the interpolating modes: linear | bilinear | bicubic | trilinear")
            }
        default: break
        }
        let spatial = Array(input.shape.dropFirst(2))
        let (outSize, scales) = try outputGeometry(inputSpatial: spatial, size: size, scaleFactor: scaleFactor,
                                                   recomputeScaleFactor: recomputeScaleFactor, allowEmpty: mode == .area)
        let align = alignCorners ?? false
        let planes = input.shape[0] * input.shape[1]
        // Rank 3 is handled as H = 1.
        let inH = r == 4 ? spatial[0] : 1, inW = spatial[r == 4 ? 1 : 0]
        let outH = r == 4 ? outSize[0] : 1, outW = outSize[r == 4 ? 1 : 0]
        let sH: Double? = r == 4 ? scales[0] : nil, sW: Double? = scales[r == 4 ? 1 : 0]
        let outShape = Array(input.shape.prefix(2)) + outSize
        _ = try Tensor.checkedAllocationCount(outShape, dtype: input.dtype)
        if planes == 0 || inH == 0 || inW == 0 {
            if planes == 0 { return try Tensor.zeros(outShape, dtype: input.dtype) }
            throw CoreError("input of shape \(Tensor.formatShape(input.shape)) has an empty spatial dimension")
        }

        switch mode {
        case .nearest, .nearestExact:
            let exact = mode == .nearestExact
            // torch 2.4 `upsample_nearest2d_kernel_impl`: the channels-last kernel (`nearest_idx`) when
            // `_use_vectorized_kernel_cond_2d` holds — an NCHW tensor is channels-last contiguous only when
            // H·W == 1 (or C == 1), and it needs C > 3 — or the output is small; else the generic one.
            // 1-D (3-D input) always takes the generic kernel.
            let channelsLastKernel = r == 4 && ((input.shape[1] > 3 && inH * inW == 1) || outH + outW <= 128)
            let kernel: NearestKernel = channelsLastKernel ? .nearestIdx : .generic(float64: input.dtype == .float64)
            let hi = nearestIndices(inH, outH, sH, exact: exact, kernel: kernel)
            let wi = nearestIndices(inW, outW, sW, exact: exact, kernel: kernel)
            func gather<T>(_ a: [T]) -> [T] { nearestRows(a, planes, inH, inW, outH, outW, hi, wi) }
            switch input.storage {
            case .float32(let a): return Tensor(shape: outShape, float32: gather(a))
            case .float64(let a): return Tensor(shape: outShape, float64: gather(a))
            case .int64(let a): return Tensor(shape: outShape, int64: gather(a))
            case .bool(let a): return Tensor(shape: outShape, bool: gather(a))
            }
        case .linear, .bilinear:
            switch input.storage {
            case .float32(let a):
                return Tensor(shape: outShape, float32: linear2d(a, planes, inH, inW, outH, outW, sH, sW, align,
                                                                  channels: input.shape[1], channelsLastKernel: r == 4 && outH + outW <= 128))
            case .float64(let a):
                return Tensor(shape: outShape, float64: linear2d(a, planes, inH, inW, outH, outW, sH, sW, align,
                                                                  channels: input.shape[1], channelsLastKernel: r == 4 && outH + outW <= 128))
            default:
                throw CoreError("\"upsample_\(mode.rawValue)\" not implemented for '\(input.dtype == .int64 ? "Long" : "Bool")' (convert the input to float)")
            }
        case .bicubic, .area:
            switch input.storage {
            case .float32(let a):
                return Tensor(shape: outShape, float32: mode == .area
                              ? area2d(a, planes, inH, inW, outH, outW)
                              : bicubicSeparable(a, planes, inH, inW, outH, outW, sH, sW, align))
            case .float64(let a):
                return Tensor(shape: outShape, float64: mode == .area
                              ? area2d(a, planes, inH, inW, outH, outW)
                              : bicubicSeparable(a, planes, inH, inW, outH, outW, sH, sW, align))
            default:
                let op = mode == .area ? "adaptive_avg_pool\(r - 2)d" : "upsample_bicubic2d"
                throw CoreError("\"\(op)\" not implemented for '\(input.dtype == .int64 ? "Long" : "Bool")' (convert the input to float)")
            }
        }
    }

    /// The reference per-pixel loop behind `bicubicSeparable` (kept for its randomized tests):
    /// torch's generic upsampling loop with `HelperInterpCubic` (`cpu_upsample_generic`,
    /// `Interpolate<2>::eval` in UpSampleKernel.cpp): per output pixel, for each of the 4 H taps
    /// the 4 W taps are summed, then the 4 H sums, in the input's float type, with the FMA
    /// contraction of torch 2.4's x86 build: `fma(v0, w0, v1·w1)`, then `fma(v2, w2, ·)`,
    /// `fma(v3, w3, ·)` (probed bit for bit against torch 2.4.1 CPU float32).
    static func bicubic2d<F: BinaryFloatingPoint>(_ a: [F], _ planes: Int, _ inH: Int, _ inW: Int,
                                                  _ outH: Int, _ outW: Int, _ sH: Double?, _ sW: Double?,
                                                  _ align: Bool) -> [F] {
        let ty = cubicTaps(inH, outH, sH, align, F.self), tx = cubicTaps(inW, outW, sW, align, F.self)
        var out = [F](repeating: 0, count: planes * outH * outW)
        for p in 0..<planes {
            let base = p * inH * inW
            for y in 0..<outH {
                let (iy, wy) = ty[y]
                for x in 0..<outW {
                    let (ix, wx) = tx[x]
                    @inline(__always) func dot(_ v: (Int) -> F, _ w: [F]) -> F {
                        var t = (v(1) * w[1]).addingProduct(v(0), w[0])
                        t.addProduct(v(2), w[2])
                        t.addProduct(v(3), w[3])
                        return t
                    }
                    out[(p * outH + y) * outW + x] = dot({ j in
                        let row = base + iy[j] * inW
                        return dot({ a[row + ix[$0]] }, wx)
                    }, wy)
                }
            }
        }
        return out
    }

    /// torch `cpu_adaptive_avg_pool` (AdaptiveAvgPoolKernel.cpp), which 'area' calls: the window
    /// sum in the input's float type, row by row, then `/ kh / kw`. 3-D input is H = 1.
    static func area2d<F: BinaryFloatingPoint>(_ a: [F], _ planes: Int, _ inH: Int, _ inW: Int,
                                               _ outH: Int, _ outW: Int) -> [F] {
        let wy = areaWindows(inH, outH), wx = areaWindows(inW, outW)
        var out = [F](repeating: 0, count: planes * outH * outW)
        for p in 0..<planes {
            let base = p * inH * inW
            for y in 0..<outH {
                for x in 0..<outW {
                    var sum: F = 0
                    for iy in wy[y] { for ix in wx[x] { sum += a[base + iy * inW + ix] } }
                    out[(p * outH + y) * outW + x] = sum / F(wy[y].count) / F(wx[x].count)
                }
            }
        }
        return out
    }

    /// Cubic taps of one axis, as torch's `HelperInterpCubic::compute_indices_weights`
    /// (`aten/src/ATen/native/cpu/UpSampleKernel.cpp`): `src = area_pixel_compute_source_index(scale,
    /// d, align_corners, cubic=true)` (no clamp at 0; `scale·(d+0.5) − 0.5` fused, as compiled),
    /// `i = min(⌊src⌋, in−1)`, `t = clamp(src − i, 0, 1)`
    /// (`guard_index_and_lambda`), weights `get_cubic_upsample_coefficients` = `[cc2(t+1), cc1(t),
    /// cc1(1−t), cc2((1−t)+1)]`, A = −0.75, on taps `i−1…i+2` clamped to `[0, in−1]`; all in `F`.
    static func cubicTaps<F: BinaryFloatingPoint>(_ inSize: Int, _ outSize: Int, _ userScale: Double?,
                                                  _ align: Bool, _: F.Type) -> [(idx: [Int], w: [F])] {
        let scale: F
        if align {
            scale = outSize > 1 ? F(inSize - 1) / F(outSize - 1) : 0
        } else if let s = userScale, s > 0 {
            scale = F(1.0 / s)
        } else {
            scale = F(inSize) / F(outSize)
        }
        let a: F = -0.75
        // ((A+2)·x − (A+3))·x·x + 1 and ((A·x − 5A)·x + 8A)·x − 4A, contracted to FMAs as torch's build
        func cc1(_ x: F) -> F { F(1).addingProduct((-(a + 3)).addingProduct(a + 2, x) * x, x) }
        func cc2(_ x: F) -> F { (-4 * a).addingProduct((8 * a).addingProduct((-5 * a).addingProduct(a, x), x), x) }
        return (0..<outSize).map { d in
            let src: F = align ? scale * F(d) : fused(scale, F(d) + F(0.5), -F(0.5))
            let i0 = Swift.min(Int(src.rounded(.down)), inSize - 1)
            let t = Swift.min(Swift.max(src - F(i0), 0), 1)
            let x2 = 1 - t
            let w = [cc2(t + 1), cc1(t), cc1(x2), cc2(x2 + 1)]
            let idx = (0..<4).map { Swift.min(Swift.max(i0 - 1 + $0, 0), inSize - 1) }
            return (idx, w)
        }
    }

    /// Adaptive average pooling windows of one axis (torch's `start_index` / `end_index`): output
    /// `o` averages inputs `⌊o·in/out⌋ ..< ⌈(o+1)·in/out⌉`.
    static func areaWindows(_ inSize: Int, _ outSize: Int) -> [Range<Int>] {
        (0..<outSize).map { o in (o * inSize) / outSize ..< ((o + 1) * inSize + outSize - 1) / outSize }
    }

    /// The two ways torch 2.4's CPU kernels compute nearest source indices.
    enum NearestKernel: Equatable {
        /// `nearest_idx` / `nearest_exact_idx` (UpSample.h, the channels-last kernel): a float
        /// scale `(float)(1/scale_factor)` or `(float)in/out`; 'nearest' is `floorf(d·scale)` in
        /// float with the `out == in` and `out == 2·in` shortcuts, 'nearest-exact' is
        /// `floorf((d + 0.5)·scale)` with the product in double.
        case nearestIdx
        /// `HelperInterpNearest(Exact)::compute_indices_weights` (the generic kernel): everything in
        /// `opmath_t` (float for float32, double for float64), no shortcuts; 'nearest' is
        /// `floorf(scale·d)`, 'nearest-exact' `floorf(max(fma(scale, d + 0.5, −0.5), 0) + 0.5)` (the
        /// x86 build contracts the multiply-add, as probed on torch 2.4.1) — `floorf` of a double
        /// first rounds it to float.
        case generic(float64: Bool)
    }

    /// Source index of every output index along one axis (see `NearestKernel`), clamped to the input.
    static func nearestIndices(_ inSize: Int, _ outSize: Int, _ userScale: Double?, exact: Bool,
                               kernel: NearestKernel) -> [Int] {
        func clamp(_ v: Float) -> Int { Swift.min(Swift.max(Int(v), 0), inSize - 1) }
        switch kernel {
        case .nearestIdx:
            if !exact {
                if outSize == inSize { return Array(0..<outSize) }
                if outSize == 2 * inSize { return (0..<outSize).map { $0 >> 1 } }
            }
            let scale: Float = userScale.map { $0 > 0 ? Float(1.0 / $0) : Float(inSize) / Float(outSize) }
                ?? Float(inSize) / Float(outSize)
            return (0..<outSize).map { d in
                clamp(exact ? floorf(Float((Double(d) + 0.5) * Double(scale))) : floorf(Float(d) * scale))
            }
        case .generic(float64: true):
            let scale: Double = userScale.map { $0 > 0 ? 1.0 / $0 : Double(inSize) / Double(outSize) }
                ?? Double(inSize) / Double(outSize)
            return (0..<outSize).map { d in
                let src = exact ? Swift.max((-0.5 as Double).addingProduct(scale, Double(d) + 0.5), 0) + 0.5 : scale * Double(d)
                return clamp(floorf(Float(src)))
            }
        case .generic(float64: false):
            let scale: Float = userScale.map { $0 > 0 ? Float(1.0 / $0) : Float(inSize) / Float(outSize) }
                ?? Float(inSize) / Float(outSize)
            return (0..<outSize).map { d in
                guard exact else { return clamp(floorf(scale * Float(d))) }
                let src = Swift.max((-0.5 as Float).addingProduct(scale, Float(d) + 0.5), 0)   // one fused multiply-add
                return clamp(floorf(Float(Double(src) + 0.5)))
            }
        }
    }

    /// Linear taps of one axis: (i0, i1, λ0, λ1) per output index, in the kernel's float type.
    /// `fusedSource`: torch's channels-last kernel evaluates `scale * (d + 0.5) - 0.5` as one fused
    /// multiply-add; its generic kernel rounds the product first (both probed on torch 2.4).
    static func linearTaps<F: BinaryFloatingPoint>(_ inSize: Int, _ outSize: Int, _ userScale: Double?,
                                                   _ align: Bool, _: F.Type, fusedSource: Bool = false) -> [(Int, Int, F, F)] {
        let scale: F
        if align {
            scale = outSize > 1 ? F(inSize - 1) / F(outSize - 1) : 0
        } else if let s = userScale, s > 0 {
            scale = F(1.0 / s)
        } else {
            scale = F(inSize) / F(outSize)
        }
        return (0..<outSize).map { d in
            if outSize == inSize { return (d, d, 1, 0) }
            var src: F
            if align {
                src = scale * F(d)
            } else {
                src = fusedSource ? fused(scale, F(d) + F(0.5), -F(0.5)) : scale * (F(d) + F(0.5)) - F(0.5)
                if src < 0 { src = 0 }
            }
            let i0 = Swift.min(Int(src.rounded(.down)), inSize - 1)
            let l1 = Swift.min(Swift.max(src - F(i0), 0), 1)
            let i1 = i0 + (i0 < inSize - 1 ? 1 : 0)
            return (i0, i1, 1 - l1, l1)
        }
    }

    /// `fma(a, b, c)` rounded once, as the contracted expressions of torch's FMA build. For
    /// float32 it is evaluated in double (the product is exact there; it vectorises, where a call
    /// to `fmaf` would not).
    @inline(__always)
    static func fused<F: BinaryFloatingPoint>(_ a: F, _ b: F, _ c: F) -> F {
        if F.self == Float.self {
            let r = Float(Double(unsafeBitCast(a, to: Float.self)) * Double(unsafeBitCast(b, to: Float.self))
                          + Double(unsafeBitCast(c, to: Float.self)))
            return unsafeBitCast(r, to: F.self)
        }
        return c.addingProduct(a, b)
    }

    /// Bilinear / linear resampling with torch 2.4's CPU arithmetic (x86-64 build, probed bit for
    /// bit against `F.interpolate`):
    /// - 4-D input with `outH + outW <= 128` runs torch's channels-last kernel
    ///   (`cpu_upsample_linear_channels_last`): fused source index, corner weights
    ///   `w00 = λh0·λw0, …`, and per channel either its 8-lane vector expression
    ///   `fma(x00,w00, fma(x01,w01, fma(x11,w11, x10·w10)))` (channels below the last multiple of
    ///   8 floats / 4 doubles) or the contracted scalar tail
    ///   `fma(x11,w11, fma(x10,w10, fma(x00,w00, x01·w01)))`; see `channelsLast2d`.
    /// - otherwise (larger outputs, and 3-D input) torch's generic kernel, evaluated separably
    ///   below: width taps of a source row `t = fma(src[w0], λw0, src[w1]·λw1)` are computed once per
    ///   (plane, source row) into a row cache (consecutive output rows share their source rows when
    ///   upsampling), then every output row is `fma(t(h0), λh0, t(h1)·λh1)` over contiguous buffers.
    static func linear2d<F: BinaryFloatingPoint>(_ a: [F], _ planes: Int, _ inH: Int, _ inW: Int,
                                                 _ outH: Int, _ outW: Int, _ sH: Double?, _ sW: Double?,
                                                 _ align: Bool, channels: Int, channelsLastKernel: Bool) -> [F] {
        if channelsLastKernel {
            return channelsLast2d(a, planes, inH, inW, outH, outW, sH, sW, align, channels: channels)
        }
        let ht = linearTaps(inH, outH, sH, align, F.self)
        let wt = linearTaps(inW, outW, sW, align, F.self)
        let w0s = wt.map { $0.0 }, w1s = wt.map { $0.1 }, lw0s = wt.map { $0.2 }, lw1s = wt.map { $0.3 }
        let total = planes * outH * outW
        // Output rows (plane-major) split over the cores by cost; each thread keeps its own two
        // cached source rows. Every element is the same expression whatever the split.
        let threads = Parallel.threads(forNanoseconds: 0.6 * Double(total))
        // Every element is written below, so the output starts uninitialised (no zero-fill pass).
        let out = [F](unsafeUninitializedCapacity: total) { dst, initialized in
            if total > 0 { HugePages.advise(UnsafeMutableRawPointer(dst.baseAddress!), bytes: total * MemoryLayout<F>.stride) }
            a.withUnsafeBufferPointer { src in
                w0s.withUnsafeBufferPointer { w0 in w1s.withUnsafeBufferPointer { w1 in
                lw0s.withUnsafeBufferPointer { lw0 in lw1s.withUnsafeBufferPointer { lw1 in
                ht.withUnsafeBufferPointer { hts in
                    let d0 = dst.baseAddress!, s0 = src.baseAddress!
                    Parallel.ranges(planes * outH, threads: threads) { first, last in
                        withUnsafeTemporaryAllocation(of: F.self, capacity: 2 * outW) { rows in
                            // Two cached rows: `tags` says which source row each currently holds.
                            let bufs = (rows.baseAddress!, rows.baseAddress! + outW)
                            var tags = (-1, -1)
                            func horizontal(_ row: Int, into t: UnsafeMutablePointer<F>) {
                                let r = s0 + row
                                for x in 0..<outW { t[x] = fused(r[w0[x]], lw0[x], r[w1[x]] * lw1[x]) }
                            }
                            func cached(_ row: Int, avoiding other: Int) -> UnsafeMutablePointer<F> {
                                if tags.0 == row { return bufs.0 }
                                if tags.1 == row { return bufs.1 }
                                if tags.0 == other { horizontal(row, into: bufs.1); tags.1 = row; return bufs.1 }
                                horizontal(row, into: bufs.0); tags.0 = row; return bufs.0
                            }
                            for g in first..<last {
                                let p = g / outH, y = g - p * outH
                                let base = p * inH * inW
                                let (h0, h1, lh0, lh1) = hts[y]
                                let t0 = cached(base + h0 * inW, avoiding: -2)
                                let t1 = cached(base + h1 * inW, avoiding: base + h0 * inW)
                                let d = d0 + g * outW
                                for x in 0..<outW { d[x] = fused(t0[x], lh0, t1[x] * lh1) }
                            }
                        }
                    }
                } } } } }
            }
            initialized = total
        }
        return out
    }
    /// torch's channels-last bilinear kernel (small outputs; see `linear2d`).
    static func channelsLast2d<F: BinaryFloatingPoint>(_ a: [F], _ planes: Int, _ inH: Int, _ inW: Int,
                                                       _ outH: Int, _ outW: Int, _ sH: Double?, _ sW: Double?,
                                                       _ align: Bool, channels: Int) -> [F] {
        let ht = linearTaps(inH, outH, sH, align, F.self, fusedSource: true)
        let wt = linearTaps(inW, outW, sW, align, F.self, fusedSource: true)
        let lanes = 32 / MemoryLayout<F>.stride            // Vectorized<float>::size() of the kernel torch runs (8, probed)
        let vecEnd = channels - channels % lanes
        var out = [F](repeating: 0, count: planes * outH * outW)
        a.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                var o = 0
                for p in 0..<planes {
                    let vector = p % channels < vecEnd
                    let base = p * inH * inW
                    for y in 0..<outH {
                        let (h0, h1, lh0, lh1) = ht[y]
                        let r0 = base + h0 * inW, r1 = base + h1 * inW
                        for x in 0..<outW {
                            let (w0, w1, lw0, lw1) = wt[x]
                            let w00 = lh0 * lw0, w01 = lh0 * lw1, w10 = lh1 * lw0, w11 = lh1 * lw1
                            let x00 = src[r0 + w0], x01 = src[r0 + w1], x10 = src[r1 + w0], x11 = src[r1 + w1]
                            dst[o] = vector
                                ? fused(x00, w00, fused(x01, w01, fused(x11, w11, x10 * w10)))
                                : fused(x11, w11, fused(x10, w10, fused(x00, w00, x01 * w01)))
                            o += 1
                        }
                    }
                }
            }
        }
        return out
    }
}
