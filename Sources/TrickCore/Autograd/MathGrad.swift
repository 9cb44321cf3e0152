#if canImport(Glibc)
import Glibc
#endif

/// Differentiable elementwise math beyond ElementwiseGrad.swift: trigonometry, logs and
/// exponentials of other bases, `rsqrt`, `atan2`, and the step functions whose gradient is zero
/// (sign, floor, ceil, round, trunc: torch records them, and their gradient is zeros, so
/// `x.floor().sum().backward()` works and gives `x.grad == 0`). Formulas as torch 2.4's
/// derivatives.yaml; the gradient is computed in the input's dtype.
extension Variable {
    /// `op(a)` whose gradient is `grad · d(a, result)`.
    func unaryMath(_ op: UnaryOp, _ name: String, savesOutput: Bool = false,
                   _ derivative: @escaping (_ a: Tensor, _ result: Tensor) throws -> Tensor) throws -> Variable {
        let a = data, r = try data.unary(op)
        let out = Variable.record(name, r, inputs: [self], saved: savesOutput ? [] : [self]) { g, _ in
            [try GradMath.bin(.mul, g, try derivative(a, r))]
        }
        if savesOutput { out.gradFn?.savedOutput(out) }
        return out
    }

    /// `sin` (SinBackward0): `grad · cos(a)`.
    public func sin() throws -> Variable { try unaryMath(.sin, "SinBackward0") { a, _ in try a.unary(.cos) } }

    /// `cos` (CosBackward0): `grad · −sin(a)`.
    public func cos() throws -> Variable { try unaryMath(.cos, "CosBackward0") { a, _ in try a.unary(.sin).unary(.neg) } }

    /// `tan` (TanBackward0): `grad · (1 + result²)`.
    public func tan() throws -> Variable {
        try unaryMath(.tan, "TanBackward0", savesOutput: true) { _, r in try GradMath.bin(.add, try r.unary(.square), 1) }
    }

    /// `log1p` (Log1PBackward0): `grad / (a + 1)`.
    public func log1p() throws -> Variable {
        try unaryMath(.log1p, "Log1PBackward0") { a, _ in try GradMath.bin(.add, a, 1).unary(.reciprocal) }
    }

    /// `expm1` (Expm1Backward0): `grad · (result + 1)`.
    public func expm1() throws -> Variable {
        try unaryMath(.expm1, "Expm1Backward0", savesOutput: true) { _, r in try GradMath.bin(.add, r, 1) }
    }

    /// `log2` / `log10` (Log2Backward0 / Log10Backward0): `grad / (a · ln base)`.
    public func log(base: Double) throws -> Variable {
        let op: UnaryOp = base == 2 ? .log2 : .log10
        return try unaryMath(op, base == 2 ? "Log2Backward0" : "Log10Backward0") { a, _ in
            try GradMath.bin(.mul, a, Glibc.log(base)).unary(.reciprocal)
        }
    }

    /// `rsqrt` (RsqrtBackward0): `−0.5 · grad · result³`.
    public func rsqrt() throws -> Variable {
        try unaryMath(.rsqrt, "RsqrtBackward0", savesOutput: true) { _, r in
            try GradMath.bin(.mul, -0.5, try GradMath.bin(.mul, r, try r.unary(.square)))
        }
    }

    /// `exp2` (Exp2Backward0): `grad · result · ln 2`; the value is `2 ** a`.
    public func exp2() throws -> Variable {
        let r = try Tensor.binary(.pow, .float(2), .tensor(data)).cast(to: dtype)
        let out = Variable.record("Exp2Backward0", r, inputs: [self]) { g, _ in
            [try GradMath.bin(.mul, g, try GradMath.bin(.mul, r, Glibc.log(2.0)))]
        }
        out.gradFn?.savedOutput(out)
        return out
    }

    /// sign / floor / ceil / round / trunc: recorded, with a zero gradient (SignBackward0, …).
    public func step(_ op: UnaryOp) throws -> Variable {
        let names: [UnaryOp: String] = [.sign: "SignBackward0", .floor: "FloorBackward0", .ceil: "CeilBackward0",
                                        .round: "RoundBackward0", .trunc: "TruncBackward0"]
        guard let name = names[op] else { throw CoreError("\(op) is not a step function") }
        let s = shape, dt = dtype
        return Variable.record(name, try data.unary(op), inputs: [self], savesTensors: false) { _, _ in
            [try Tensor.zeros(s, dtype: dt)]
        }
    }

    /// `torch.atan2(a, b)` (Atan2Backward0): `grad · b / (a² + b²)`, `grad · −a / (a² + b²)`,
    /// each summed back to its input's shape.
    public func atan2(_ other: Variable) throws -> Variable {
        let shape = try Broadcast.shape(self.shape, other.shape)
        let dt: DType = dtype == .float64 || other.dtype == .float64 ? .float64 : .float32
        let a = try data.cast(to: dt).expanded(shape), b = try other.data.cast(to: dt).expanded(shape)
        let v = GradMath.zip(a, b, { Glibc.atan2($0, $1) }, { atan2f($0, $1) })
        let sa = self.shape, sb = other.shape
        return Variable.record("Atan2Backward0", v, inputs: [self, other], saved: [self, other]) { g, need in
            let denom = try GradMath.bin(.add, try a.unary(.square), try b.unary(.square))
            let scaled = try GradMath.bin(.div, g, denom)
            return [need[0] ? try GradMath.sumTo(try GradMath.bin(.mul, scaled, b), sa) : nil,
                    need[1] ? try GradMath.sumTo(try GradMath.bin(.mul, scaled, try a.unary(.neg)), sb) : nil]
        }
    }
}
