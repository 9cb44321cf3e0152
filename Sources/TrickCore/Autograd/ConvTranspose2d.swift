/// `torch.nn.functional.conv_transpose2d(input, weight, bias=None, stride=1, padding=0,
/// output_padding=0, groups=1, dilation=1)` with its gradient (ConvolutionBackward0), float32,
/// NCHW — the decoders of FCN / UNet.
///
/// A transposed convolution is the input-gradient of the convolution with the same weight:
/// for weight (C_in, C_out/g, kh, kw) it is `conv2d`'s ∂input for an image of C_out channels
/// and size `(H−1)·s − 2p + d·(k−1) + output_padding + 1`, the input playing ∂output. So the
/// forward is conv2d's backward-data (Gemm + col2im), ∂input is conv2d's forward of ∂output,
/// and ∂weight is conv2d's ∂weight with the roles swapped (∂output as the image, the input as
/// the gradient); ∂bias sums ∂output over N, H, W.
/// With the AVX2 kernel, dilation 1 and a finite weight, `ConvTransposePhases` (the sub-pixel
/// split, no col2im) computes it instead; this path stays as its reference and for the rest.
public struct ConvTranspose2dGeometry: Sendable {
    public var conv = Conv2dGeometry()
    public var outputPadding: (Int, Int) = (0, 0)
    public init(stride: (Int, Int) = (1, 1), padding: (Int, Int) = (0, 0), outputPadding: (Int, Int) = (0, 0),
                dilation: (Int, Int) = (1, 1), groups: Int = 1) {
        conv = Conv2dGeometry(stride: stride, padding: padding, dilation: dilation, groups: groups)
        self.outputPadding = outputPadding
    }

    /// torch's output size of one spatial dimension.
    func outputSize(_ input: Int, _ k: Int, _ s: Int, _ p: Int, _ d: Int, _ op: Int) -> Int {
        (input - 1) * s - 2 * p + d * (k - 1) + op + 1
    }
}

extension Variable {
    public static func convTranspose2d(_ input: Variable, _ weight: Variable, _ bias: Variable? = nil,
                                       _ g: ConvTranspose2dGeometry = ConvTranspose2dGeometry()) throws -> Variable {
        guard input.dtype == .float32, weight.dtype == .float32, bias?.dtype ?? .float32 == .float32 else {
            throw CoreError("conv_transpose2d: autograd's convolution computes in float32; got input \(input.dtype), weight \(weight.dtype)", kind: "RuntimeError")
        }
        guard input.rank == 4 else {
            throw CoreError("conv_transpose2d: expected a 4-D input (N, C, H, W), got shape \(Tensor.formatShape(input.shape))", kind: "RuntimeError")
        }
        guard weight.rank == 4 else {
            throw CoreError("conv_transpose2d: expected a 4-D weight (in_channels, out_channels/groups, kH, kW), got shape \(Tensor.formatShape(weight.shape))", kind: "RuntimeError")
        }
        let c = g.conv, groups = c.groups
        guard groups >= 1, input.shape[1] == weight.shape[0], weight.shape[0] % groups == 0 else {
            throw CoreError("Given transposed=1, weight of size \(Tensor.formatShape(weight.shape)), expected input\(Tensor.formatShape(input.shape)) to have \(weight.shape[0]) channels, but got \(input.shape[1]) channels instead", kind: "RuntimeError")
        }
        let (op0, op1) = g.outputPadding
        guard op0 >= 0, op1 >= 0, op0 < c.stride.0 || op0 < c.dilation.0, op1 < c.stride.1 || op1 < c.dilation.1 else {
            throw CoreError("output padding must be smaller than either stride or dilation, but got output_padding_height: \(op0) output_padding_width: \(op1) stride_height: \(c.stride.0) stride_width: \(c.stride.1) dilation_height: \(c.dilation.0) dilation_width: \(c.dilation.1)", kind: "RuntimeError")
        }
        guard op0 < c.stride.0, op1 < c.stride.1 else {
            throw CoreError("conv_transpose2d: output_padding not smaller than the stride (only smaller than the dilation) is not supported in trick", kind: "RuntimeError")
        }
        let (n, h, w) = (input.shape[0], input.shape[2], input.shape[3])
        let cout = weight.shape[1] * groups, (kh, kw) = (weight.shape[2], weight.shape[3])
        let oh = g.outputSize(h, kh, c.stride.0, c.padding.0, c.dilation.0, op0)
        let ow = g.outputSize(w, kw, c.stride.1, c.padding.1, c.dilation.1, op1)
        guard oh > 0, ow > 0 else {
            throw CoreError("Given input size per channel: (\(h) x \(w)). Calculated output size per channel: (\(oh) x \(ow)). Output size is too small", kind: "RuntimeError")
        }
        if let bias, bias.shape != [cout] {
            throw CoreError("conv_transpose2d: bias of shape \(Tensor.formatShape(bias.shape)) does not match \(cout) output channels", kind: "RuntimeError")
        }
        let outShape = [n, cout, oh, ow]
        let p = try ConvPlan(input: outShape, weight: weight.shape, c)
        guard p.oh == h, p.ow == w else { throw CoreError("conv_transpose2d: inconsistent geometry", kind: "RuntimeError") }
        _ = try Tensor.checkedAllocationCount(outShape, dtype: .float32)
        _ = try Tensor.checkedAllocationCount([p.ckk, p.l], dtype: .float32)
        let x = input.data.floats, wt = weight.data.floats
        var inputs = [input, weight]
        if let bias { inputs.append(bias) }
        // (a non-finite weight keeps the col2im path: it skips an outside tap, where the phase
        // path's zero-padded product 0·inf would be NaN)
        if ConvTransposePhases.active && c.dilation == (1, 1) && !x.isEmpty && !wt.isEmpty && wt.allSatisfy({ $0.isFinite }) {
            return phases(input, weight, bias, inputs, x, wt, ConvTransposePhases.Plan(
                n: n, ci: input.shape[1], co: cout, groups: groups, cig: input.shape[1] / groups, cog: weight.shape[1],
                ay: .init(size: h, outSize: oh, kernel: kh, stride: c.stride.0, padding: c.padding.0),
                ax: .init(size: w, outSize: ow, kernel: kw, stride: c.stride.1, padding: c.padding.1)))
        }
        var out = convBackward(p, [], wt, x, needInput: true, needWeight: false, needBias: false).0!
        if let b = bias?.data.floats {
            let plane = oh * ow
            for img in 0..<n { for oc in 0..<cout { let v = b[oc]; for j in 0..<plane { out[(img * cout + oc) * plane + j] += v } } }
        }
        return record("ConvolutionBackward0", Tensor(shape: outShape, float32: out), inputs: inputs, saved: [input, weight]) { grad, need in
            let gy = grad.floats
            var r: [Tensor?] = [need[0] ? Tensor(shape: input.shape, float32: convForward(p, gy, wt, nil)) : nil]
            if need[1] {
                r.append(convBackward(p, gy, wt, x, needInput: false, needWeight: true, needBias: false).1.map { Tensor(shape: weight.shape, float32: $0) })
            } else {
                r.append(nil)
            }
            if need.count > 2 {
                r.append(need[2] ? try grad.sum(dims: [0, 2, 3]) : nil)
            }
            return r
        }
    }

    /// The phase-split path (`ConvTransposePhases`) of `convTranspose2d`.
    static func phases(_ input: Variable, _ weight: Variable, _ bias: Variable?, _ inputs: [Variable], _ x: [Float], _ wt: [Float],
                       _ plan: ConvTransposePhases.Plan) -> Variable {
        let outShape = [plan.n, plan.co, plan.oh, plan.ow], count = plan.n * plan.co * plan.oh * plan.ow
        let out = [Float](unsafeUninitializedCapacity: count) { buf, n in
            x.withUnsafeBufferPointer { px in wt.withUnsafeBufferPointer { pw in
                let b = bias?.data.floats
                b.withUnsafeBufferPointerIfPresent { pb in
                    ConvTransposePhases.forward(plan, px.baseAddress!, pw.baseAddress!, pb, buf.baseAddress!)
                }
            } }
            n = count
        }
        return record("ConvolutionBackward0", Tensor(shape: outShape, float32: out), inputs: inputs, saved: [input, weight]) { grad, need in
            let gy = grad.floats
            let (gx, gw) = x.withUnsafeBufferPointer { px in wt.withUnsafeBufferPointer { pw in gy.withUnsafeBufferPointer { pg in
                ConvTransposePhases.backward(plan, px.baseAddress!, pw.baseAddress!, pg.baseAddress!, needInput: need[0], needWeight: need[1])
            } } }
            var r: [Tensor?] = [gx.map { Tensor(shape: input.shape, float32: $0) }, gw.map { Tensor(shape: weight.shape, float32: $0) }]
            if need.count > 2 {
                r.append(need[2] ? Tensor(shape: [plan.co], float32: gy.withUnsafeBufferPointer {
                    ConvTransposePhases.biasGradient(plan, $0.baseAddress!)
                }) : nil)
            }
            return r
        }
    }
}

private extension Optional where Wrapped == [Float] {
    func withUnsafeBufferPointerIfPresent<R>(_ body: (UnsafePointer<Float>?) -> R) -> R {
        guard let a = self else { return body(nil) }
        return a.withUnsafeBufferPointer { body($0.baseAddress) }
    }
}
