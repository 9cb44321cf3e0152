#if canImport(Glibc)
import Glibc
#endif

/// Differentiable activations beyond relu / sigmoid / tanh, with torch 2.4's CPU formulas
/// (aten/src/ATen/native/cpu/Activation.cpp) and grad_fn names: leaky_relu, gelu (erf and tanh
/// forms), silu, elu / selu (EluBackward0), relu6 (torch's `hardtanh(x, 0, 6)`, so
/// HardtanhBackward0), hardswish, hardsigmoid, softplus, logsigmoid, mish, and `erf`. Each value
/// and gradient is computed per element in double and stored in the input's float dtype.
extension Variable {
    /// `f(a)` recorded as `name`, whose gradient is `grad · df(a)`.
    func activation(_ op: String, _ name: String, _ f: @escaping (Double) -> Double,
                    grad df: @escaping (Double) -> Double) throws -> Variable {
        let a = data
        guard a.dtype.isFloatingPoint else {
            throw CoreError("\(op)(): expected a floating-point tensor, got \(a.dtype)", kind: "RuntimeError")
        }
        let v = GradMath.map(a, f)
        return Variable.record(name, v, inputs: [self], saved: [self]) { g, _ in
            [GradMath.zip(g, a, { $0 * df($1) }, { Float(Double($0) * df(Double($1))) })]
        }
    }

    /// `F.leaky_relu(x, negative_slope)` (LeakyReluBackward0).
    public func leakyRelu(slope: Double = 0.01) throws -> Variable {
        try activation("leaky_relu", "LeakyReluBackward0", { $0 > 0 ? $0 : $0 * slope }, grad: { $0 > 0 ? 1 : slope })
    }

    /// `F.gelu(x, approximate='none' | 'tanh')` (GeluBackward0).
    public func gelu(tanhApproximation: Bool = false) throws -> Variable {
        let sqrt1_2 = 0.70710678118654752440, twoOverSqrtPi = 1.12837916709551257390
        if !tanhApproximation {
            return try activation("gelu", "GeluBackward0", { x in x * 0.5 * (1 + Glibc.erf(x * sqrt1_2)) }, grad: { x in
                let cdf = 0.5 * (1 + Glibc.erf(x * sqrt1_2))
                let pdf = Glibc.exp(-0.5 * x * x) * (twoOverSqrtPi * sqrt1_2 * 0.5)
                return cdf + x * pdf
            })
        }
        let beta = 1.41421356237309504880 * twoOverSqrtPi * 0.5, kappa = 0.044715
        return try activation("gelu", "GeluBackward0", { x in 0.5 * x * (1 + Glibc.tanh(beta * (x + kappa * x * x * x))) }, grad: { x in
            let t = Glibc.tanh(beta * (x + kappa * x * x * x))
            return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * beta * (1 + 3 * kappa * x * x)
        })
    }

    /// `F.silu(x)` (SiluBackward0): `x·σ(x)`.
    public func silu() throws -> Variable {
        try activation("silu", "SiluBackward0", { $0 / (1 + Glibc.exp(-$0)) }, grad: { x in
            let s = 1 / (1 + Glibc.exp(-x))
            return s * (1 + x * (1 - s))
        })
    }

    /// `F.elu(x, alpha)` and, with selu's constants as `scale`, `F.selu` (both EluBackward0):
    /// `scale·x` for x > 0, else `scale·alpha·(exp(x) − 1)`.
    public func elu(alpha: Double = 1, scale: Double = 1) throws -> Variable {
        try activation("elu", "EluBackward0", { $0 > 0 ? $0 * scale : Glibc.expm1($0) * alpha * scale },
                       grad: { $0 > 0 ? scale : alpha * scale * Glibc.exp($0) })
    }

    /// `F.selu(x)`: elu with torch's fixed alpha and scale.
    public func selu() throws -> Variable {
        try elu(alpha: 1.6732632423543772848170429916717, scale: 1.0507009873554804934193349852946)
    }

    /// `F.hardtanh(x, lo, hi)` (HardtanhBackward0); `F.relu6` is `hardtanh(x, 0, 6)`. The gradient
    /// is zero at and outside the bounds.
    public func hardtanh(min lo: Double = -1, max hi: Double = 1) throws -> Variable {
        try activation("hardtanh", "HardtanhBackward0", { Swift.min(Swift.max($0, lo), hi) }, grad: { $0 <= lo || $0 >= hi ? 0 : 1 })
    }

    /// `F.hardswish(x)` (HardswishBackward0): `x·relu6(x + 3)/6`. At x = 3 the gradient is 1, as
    /// torch's vectorised kernel gives it (its scalar tail, used for the last `n mod 8` float32
    /// elements, gives 1.5 there).
    public func hardswish() throws -> Variable {
        try activation("hardswish", "HardswishBackward0", { $0 * Swift.min(Swift.max($0 + 3, 0), 6) / 6 },
                       grad: { $0 < -3 ? 0 : $0 < 3 ? $0 / 3 + 0.5 : 1 })
    }

    /// `F.hardsigmoid(x)` (HardsigmoidBackward0): `relu6(x + 3)/6`.
    public func hardsigmoid() throws -> Variable {
        try activation("hardsigmoid", "HardsigmoidBackward0", { Swift.min(Swift.max($0 + 3, 0), 6) / 6 },
                       grad: { $0 > -3 && $0 < 3 ? 1.0 / 6 : 0 })
    }

    /// `F.softplus(x, beta, threshold)` (SoftplusBackward0): `log(1 + exp(beta·x))/beta`, and `x`
    /// where `beta·x > threshold`.
    public func softplus(beta: Double = 1, threshold: Double = 20) throws -> Variable {
        try activation("softplus", "SoftplusBackward0", { x in x * beta > threshold ? x : Glibc.log1p(Glibc.exp(x * beta)) / beta }, grad: { x in
            if x * beta > threshold { return 1 }
            let z = Glibc.exp(x * beta)
            return z / (z + 1)
        })
    }

    /// `F.logsigmoid(x)` (LogSigmoidBackward0): `min(x, 0) − log1p(exp(−|x|))`.
    public func logsigmoid() throws -> Variable {
        try activation("log_sigmoid", "LogSigmoidBackward0", { Swift.min($0, 0) - Glibc.log1p(Glibc.exp(-Swift.abs($0))) }, grad: { x in
            let z = Glibc.exp(-Swift.abs(x))
            return x < 0 ? 1 - z / (1 + z) : z / (1 + z)
        })
    }

    /// `F.mish(x)` (MishBackward0): `x·tanh(softplus(x))`.
    public func mish() throws -> Variable {
        try activation("mish", "MishBackward0", { $0 * Glibc.tanh(Glibc.log1p(Glibc.exp($0))) }, grad: { x in
            let s = 1 / (1 + Glibc.exp(-x)), t = Glibc.tanh(Glibc.log1p(Glibc.exp(x)))
            return t + x * s * (1 - t * t)
        })
    }

    /// `torch.erf(x)` (ErfBackward0): `grad · 2/√π · exp(−x²)`.
    public func erf() throws -> Variable {
        try activation("erf", "ErfBackward0", { Glibc.erf($0) }, grad: { 1.12837916709551257390 * Glibc.exp(-$0 * $0) })
    }
}

extension GradMath {
    /// Elementwise `f(a)` of a float tensor, computed in double and stored in its dtype.
    static func map(_ a: Tensor, _ f: (Double) -> Double) -> Tensor {
        switch a.storage {
        case .float32(let x):
            return Tensor(shape: a.shape, float32: [Float](unsafeUninitializedCapacity: x.count) { buf, c in
                x.withUnsafeBufferPointer { px in for i in 0..<x.count { buf[i] = Float(f(Double(px[i]))) } }
                c = x.count
            })
        default:
            return Tensor(shape: a.shape, float64: a.doubles.map(f)).cast(to: a.dtype)
        }
    }
}
