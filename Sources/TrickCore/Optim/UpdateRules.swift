#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// torch.optim's update rules (torch 2.4.1, the single-tensor `foreach=False` paths in
/// torch/optim/sgd.py, adam.py, adamw.py, rmsprop.py) as pure functions over tensors: the
/// parameter and the state buffers are `inout`, nothing else is touched.
///
/// Exactness: every element goes through the same float operations, in the same order and with
/// the same rounding, as torch's CPU kernels (AVX2 on the reference machine). SGD's results are
/// bit-identical to torch's in float32 and float64. Adam, AdamW and RMSprop take a square root:
/// trick's is the IEEE `sqrt`, torch's CPU build calls MKL's vsSqrt, which is not correctly rounded
/// (about 20% of float32 results one ulp off); they are bit-identical to torch's own optimizer code
/// run with a correctly rounded sqrt, and within ~1e-7 relative of plain torch
/// (Tests/TrickCoreTests/Optim/OptimizerVectorTests.swift). The operations:
/// - Python scalars (`lr`, `momentum`, `1 - beta1`, …) are computed in double and rounded once
///   to the tensor's dtype, as `Scalar.to<scalar_t>()` does;
/// - `a.add(b, alpha=s)` is `fma(b, s, a)` (ATen's `ufunc::add` is `vec::fmadd`);
/// - `a.addcmul(t1, t2, value=s)` is `fma(s * t1, t2, a)` (`self + s * t1 * t2`, contracted);
/// - `a.addcdiv(t1, t2, value=s)` is `a + (s * t1) / t2` (no fused form);
/// - `a.lerp(b, w)` is `fma(w, b - a, a)` when `|w| < 0.5`, else `fma(w - 1, b - a, b)`
///   (ATen's `lerp_vec`);
/// - `a.mul(s)`, `a / s`, `sqrt` round once each; `torch.maximum` propagates NaN.
/// Bias corrections are Python floats: `1 - beta1 ** step` with C `pow`, `math.sqrt`.
public enum OptimRules {

    // MARK: SGD

    /// `torch.optim.sgd._single_tensor_sgd` for one parameter:
    /// `g = ±grad (+ weight_decay·param)`; with momentum, `buf = clone(g)` on the first step, then
    /// `buf = buf·momentum + (1 - dampening)·g`; `g = g + momentum·buf` (nesterov) or `buf`;
    /// `param -= lr·g`. `momentumBuffer` is nil before the first step (torch's state without
    /// `momentum_buffer`) and stays nil when `momentum == 0`.
    public static func sgd(param: inout Tensor, grad: Tensor, momentumBuffer: inout Tensor?,
                           lr: Double, momentum: Double, dampening: Double, weightDecay: Double,
                           nesterov: Bool, maximize: Bool) throws {
        try checkGrad(param, grad)
        if let b = momentumBuffer { try checkBuffer(param, b, "momentum_buffer") }
        switch (param.storage, grad.storage) {
        case (.float32(var p), .float32(let g)):
            var buf = momentumBuffer.map { $0.floats }
            sgdKernel(&p, g, &buf, lr: lr, momentum: momentum, dampening: dampening, weightDecay: weightDecay,
                      nesterov: nesterov, maximize: maximize)
            param = Tensor(shape: param.shape, float32: p)
            if let b = buf { momentumBuffer = Tensor(shape: param.shape, float32: b) }
        case (.float64(var p), .float64(let g)):
            var buf = momentumBuffer.map { $0.doubles }
            sgdKernel(&p, g, &buf, lr: lr, momentum: momentum, dampening: dampening, weightDecay: weightDecay,
                      nesterov: nesterov, maximize: maximize)
            param = Tensor(shape: param.shape, float64: p)
            if let b = buf { momentumBuffer = Tensor(shape: param.shape, float64: b) }
        default:
            throw unsupported(param)
        }
    }

    static func sgdKernel<T: BinaryFloatingPoint>(_ p: inout [T], _ g: [T], _ buf: inout [T]?, lr: Double, momentum: Double,
                                                  dampening: Double, weightDecay: Double, nesterov: Bool, maximize: Bool) {
        let wd = T(weightDecay), mom = T(momentum), oneMinusDamp = T(1 - dampening), negLr = T(-lr)
        let first = buf == nil
        var b = buf ?? []
        if first && momentum != 0 { b = [T](repeating: 0, count: p.count) }
        for i in p.indices {
            var d = maximize ? -g[i] : g[i]
            if weightDecay != 0 { d = d.addingProduct(wd, p[i]) }          // grad.add(param, alpha=wd)
            if momentum != 0 {
                if first { b[i] = d }                                           // torch.clone(grad)
                else { b[i] = (b[i] * mom).addingProduct(oneMinusDamp, d) }    // buf.mul_(m).add_(g, alpha=1-damp)
                d = nesterov ? d.addingProduct(mom, b[i]) : b[i]                // grad.add(buf, alpha=m)
            }
            p[i] = p[i].addingProduct(negLr, d)                                 // param.add_(g, alpha=-lr)
        }
        if momentum != 0 { buf = b }
    }

    // MARK: Adam / AdamW

    /// `torch.optim.adam._single_tensor_adam` (`decoupled: false`) and
    /// `torch.optim.adamw._single_tensor_adamw` (`decoupled: true`, `param *= 1 - lr·wd` first)
    /// for one parameter, non-capturable: `step` is the count after this step (the caller adds 1,
    /// as `step_t += 1`). `maxExpAvgSq` must be given exactly when `amsgrad`.
    public static func adam(param: inout Tensor, grad: Tensor, expAvg: inout Tensor, expAvgSq: inout Tensor,
                            maxExpAvgSq: inout Tensor?, step: Int, lr: Double, beta1: Double, beta2: Double,
                            eps: Double, weightDecay: Double, amsgrad: Bool, maximize: Bool, decoupled: Bool) throws {
        try checkGrad(param, grad)
        try checkBuffer(param, expAvg, "exp_avg")
        try checkBuffer(param, expAvgSq, "exp_avg_sq")
        if amsgrad {
            guard let m = maxExpAvgSq else { throw CoreError("amsgrad needs the state 'max_exp_avg_sq'", kind: "KeyError") }
            try checkBuffer(param, m, "max_exp_avg_sq")
        }
        let s = AdamScalars(step: step, lr: lr, beta1: beta1, beta2: beta2)
        switch (param.storage, grad.storage) {
        case (.float32(var p), .float32(let g)):
            var m = expAvg.floats, v = expAvgSq.floats
            var vmax = amsgrad ? maxExpAvgSq!.floats : []
            adamKernel(&p, g, &m, &v, &vmax, s, eps: eps, weightDecay: weightDecay, amsgrad: amsgrad,
                       maximize: maximize, decoupled: decoupled)
            param = Tensor(shape: param.shape, float32: p)
            expAvg = Tensor(shape: param.shape, float32: m)
            expAvgSq = Tensor(shape: param.shape, float32: v)
            if amsgrad { maxExpAvgSq = Tensor(shape: param.shape, float32: vmax) }
        case (.float64(var p), .float64(let g)):
            var m = expAvg.doubles, v = expAvgSq.doubles
            var vmax = amsgrad ? maxExpAvgSq!.doubles : []
            adamKernel(&p, g, &m, &v, &vmax, s, eps: eps, weightDecay: weightDecay, amsgrad: amsgrad,
                       maximize: maximize, decoupled: decoupled)
            param = Tensor(shape: param.shape, float64: p)
            expAvg = Tensor(shape: param.shape, float64: m)
            expAvgSq = Tensor(shape: param.shape, float64: v)
            if amsgrad { maxExpAvgSq = Tensor(shape: param.shape, float64: vmax) }
        default:
            throw unsupported(param)
        }
    }

    /// The Python-float scalars of one Adam step.
    struct AdamScalars {
        let lr: Double, beta1: Double, beta2: Double, stepSize: Double, biasCorrection2Sqrt: Double
        init(step: Int, lr: Double, beta1: Double, beta2: Double) {
            let t = Double(step)                       // _get_value(step_t): the float count
            let bc1 = 1 - pow(beta1, t), bc2 = 1 - pow(beta2, t)
            self.lr = lr; self.beta1 = beta1; self.beta2 = beta2
            stepSize = lr / bc1
            biasCorrection2Sqrt = bc2.squareRoot()     // _dispatch_sqrt: math.sqrt
        }
    }

    static func adamKernel<T: BinaryFloatingPoint>(_ p: inout [T], _ g: [T], _ m: inout [T], _ v: inout [T], _ vmax: inout [T],
                                                   _ s: AdamScalars, eps: Double, weightDecay: Double, amsgrad: Bool,
                                                   maximize: Bool, decoupled: Bool) {
        let wd = T(weightDecay), decay = T(1 - s.lr * weightDecay)
        let w1 = T(1 - s.beta1), b2 = T(s.beta2), w2 = T(1 - s.beta2)
        let bc2 = T(s.biasCorrection2Sqrt), epsT = T(eps), negStep = T(-s.stepSize)
        for i in p.indices {
            var d = maximize ? -g[i] : g[i]
            if decoupled { p[i] = p[i] * decay }                                 // param.mul_(1 - lr * wd)
            else if weightDecay != 0 { d = d.addingProduct(wd, p[i]) }          // grad.add(param, alpha=wd)
            m[i] = lerp(m[i], d, w1)                                             // exp_avg.lerp_(grad, 1 - beta1)
            v[i] = (v[i] * b2).addingProduct(w2 * d, d)                          // exp_avg_sq.mul_(b2).addcmul_(g, g, value=1-b2)
            let second: T
            if amsgrad {
                vmax[i] = maximum(vmax[i], v[i])                                 // torch.maximum(max, v, out=max)
                second = vmax[i]
            } else {
                second = v[i]
            }
            let denom = second.squareRoot() / bc2 + epsT                         // (v.sqrt() / bc2_sqrt).add_(eps)
            p[i] = p[i] + (negStep * m[i]) / denom                               // param.addcdiv_(m, denom, value=-step_size)
        }
    }

    // MARK: RMSprop

    /// `torch.optim.rmsprop._single_tensor_rmsprop` for one parameter (non-capturable):
    /// `square_avg = α·square_avg + (1-α)·g²`; centered: `grad_avg.lerp_(g, 1-α)`,
    /// `avg = sqrt(square_avg - grad_avg²)`, else `sqrt(square_avg)`; `avg += eps`; with momentum
    /// `buf = buf·momentum + g/avg`, `param -= lr·buf`, else `param -= lr·g/avg`.
    /// `momentumBuffer` is given when `momentum > 0`, `gradAvg` when `centered` (torch creates
    /// them as zeros on the first step).
    public static func rmsprop(param: inout Tensor, grad: Tensor, squareAvg: inout Tensor, momentumBuffer: inout Tensor?,
                               gradAvg: inout Tensor?, lr: Double, alpha: Double, eps: Double, weightDecay: Double,
                               momentum: Double, centered: Bool, maximize: Bool) throws {
        try checkGrad(param, grad)
        try checkBuffer(param, squareAvg, "square_avg")
        if momentum > 0 {
            guard let b = momentumBuffer else { throw CoreError("RMSprop with momentum needs the state 'momentum_buffer'", kind: "KeyError") }
            try checkBuffer(param, b, "momentum_buffer")
        }
        if centered {
            guard let a = gradAvg else { throw CoreError("centered RMSprop needs the state 'grad_avg'", kind: "KeyError") }
            try checkBuffer(param, a, "grad_avg")
        }
        switch (param.storage, grad.storage) {
        case (.float32(var p), .float32(let g)):
            var sq = squareAvg.floats, buf = momentum > 0 ? momentumBuffer!.floats : [], ga = centered ? gradAvg!.floats : []
            rmspropKernel(&p, g, &sq, &buf, &ga, lr: lr, alpha: alpha, eps: eps, weightDecay: weightDecay,
                          momentum: momentum, centered: centered, maximize: maximize)
            param = Tensor(shape: param.shape, float32: p)
            squareAvg = Tensor(shape: param.shape, float32: sq)
            if momentum > 0 { momentumBuffer = Tensor(shape: param.shape, float32: buf) }
            if centered { gradAvg = Tensor(shape: param.shape, float32: ga) }
        case (.float64(var p), .float64(let g)):
            var sq = squareAvg.doubles, buf = momentum > 0 ? momentumBuffer!.doubles : [], ga = centered ? gradAvg!.doubles : []
            rmspropKernel(&p, g, &sq, &buf, &ga, lr: lr, alpha: alpha, eps: eps, weightDecay: weightDecay,
                          momentum: momentum, centered: centered, maximize: maximize)
            param = Tensor(shape: param.shape, float64: p)
            squareAvg = Tensor(shape: param.shape, float64: sq)
            if momentum > 0 { momentumBuffer = Tensor(shape: param.shape, float64: buf) }
            if centered { gradAvg = Tensor(shape: param.shape, float64: ga) }
        default:
            throw unsupported(param)
        }
    }

    static func rmspropKernel<T: BinaryFloatingPoint>(_ p: inout [T], _ g: [T], _ sq: inout [T], _ buf: inout [T], _ ga: inout [T],
                                                      lr: Double, alpha: Double, eps: Double, weightDecay: Double,
                                                      momentum: Double, centered: Bool, maximize: Bool) {
        let wd = T(weightDecay), a = T(alpha), w = T(1 - alpha), epsT = T(eps), mom = T(momentum), negLr = T(-lr)
        for i in p.indices {
            var d = maximize ? -g[i] : g[i]
            if weightDecay != 0 { d = d.addingProduct(wd, p[i]) }           // grad.add(param, alpha=wd)
            sq[i] = (sq[i] * a).addingProduct(w * d, d)                       // square_avg.mul_(α).addcmul_(g, g, value=1-α)
            var avg: T
            if centered {
                ga[i] = lerp(ga[i], d, w)                                     // grad_avg.lerp_(g, 1-α)
                avg = sq[i].addingProduct(-ga[i], ga[i]).squareRoot()        // square_avg.addcmul(ga, ga, value=-1).sqrt_()
            } else {
                avg = sq[i].squareRoot()
            }
            avg = avg + epsT                                                  // avg.add_(eps)
            if momentum > 0 {
                buf[i] = buf[i] * mom + d / avg                               // buf.mul_(m).addcdiv_(g, avg)
                p[i] = p[i].addingProduct(negLr, buf[i])                      // param.add_(buf, alpha=-lr)
            } else {
                p[i] = p[i] + (negLr * d) / avg                               // param.addcdiv_(g, avg, value=-lr)
            }
        }
    }

    // MARK: Shared elementwise ops

    /// ATen's `lerp` (cpu/LerpKernel.cpp `lerp_vec`): the formula switches at |w| = 0.5.
    @inline(__always) static func lerp<T: BinaryFloatingPoint>(_ start: T, _ end: T, _ weight: T) -> T {
        let diff = end - start
        return abs(weight) < 0.5 ? start.addingProduct(weight, diff) : end.addingProduct(weight - 1, diff)
    }

    /// `torch.maximum`: NaN if either is NaN.
    @inline(__always) static func maximum<T: BinaryFloatingPoint>(_ a: T, _ b: T) -> T {
        if a.isNaN || b.isNaN { return T.nan }
        return a > b ? a : b
    }

    static func checkGrad(_ param: Tensor, _ grad: Tensor) throws {
        guard grad.shape == param.shape else {
            throw CoreError("assigned grad has data of a different size: grad \(Tensor.formatShape(grad.shape)), parameter \(Tensor.formatShape(param.shape))", kind: "RuntimeError")
        }
        guard grad.dtype == param.dtype else {
            throw CoreError("assigned grad has data of a different type: grad \(grad.dtype), parameter \(param.dtype)", kind: "RuntimeError")
        }
    }

    static func checkBuffer(_ param: Tensor, _ buf: Tensor, _ name: String) throws {
        guard buf.shape == param.shape, buf.dtype == param.dtype else {
            throw CoreError("optimizer state '\(name)' has shape \(Tensor.formatShape(buf.shape)) and dtype \(buf.dtype), the parameter \(Tensor.formatShape(param.shape)) and \(param.dtype)", kind: "RuntimeError")
        }
    }

    static func unsupported(_ param: Tensor) -> CoreError {
        CoreError("optimizers update floating point parameters (float32, float64), got \(param.dtype)", kind: "RuntimeError")
    }
}
