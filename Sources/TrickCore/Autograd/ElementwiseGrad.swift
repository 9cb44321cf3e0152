#if canImport(Glibc)
import Glibc
#endif

/// Differentiable elementwise ops with broadcasting. Forward values come from the core's kernels
/// (`Tensor.binary`, `Tensor.unary`, …), so they equal what trick computes without autograd;
/// gradients follow torch's formulas in tools/autograd/derivatives.yaml (torch 2.4), and a
/// broadcast input's gradient is summed back to its shape (`sum_to`).
extension Variable {
    typealias M = GradMath

    // MARK: arithmetic

    /// `a + b` (AddBackward0).
    public func add(_ other: Variable) throws -> Variable {
        let v = try Tensor.binary(.add, data, other.data)
        let sa = shape, sb = other.shape
        return Variable.record("AddBackward0", v, inputs: [self, other], savesTensors: false) { g, need in
            [need[0] ? try M.sumTo(g, sa) : nil, need[1] ? try M.sumTo(g, sb) : nil]
        }
    }

    /// `a + s` for a Python number (AddBackward0, as torch prints it).
    public func add(_ s: Double) throws -> Variable {
        let v = try Tensor.binary(.add, .tensor(data), .float(s))
        return Variable.record("AddBackward0", v, inputs: [self], savesTensors: false) { g, _ in [g] }
    }

    /// `a - b` (SubBackward0).
    public func sub(_ other: Variable) throws -> Variable {
        let v = try Tensor.binary(.sub, data, other.data)
        let sa = shape, sb = other.shape
        return Variable.record("SubBackward0", v, inputs: [self, other], savesTensors: false) { g, need in
            [need[0] ? try M.sumTo(g, sa) : nil, need[1] ? try M.sumTo(try g.unary(.neg), sb) : nil]
        }
    }

    /// `a - s` (SubBackward0).
    public func sub(_ s: Double) throws -> Variable {
        let v = try Tensor.binary(.sub, .tensor(data), .float(s))
        return Variable.record("SubBackward0", v, inputs: [self], savesTensors: false) { g, _ in [g] }
    }

    /// `s - a` (RsubBackward1).
    public func rsub(_ s: Double) throws -> Variable {
        let v = try Tensor.binary(.sub, .float(s), .tensor(data))
        return Variable.record("RsubBackward1", v, inputs: [self], savesTensors: false) { g, _ in [try g.unary(.neg)] }
    }

    /// `a * b` (MulBackward0): `grad·b`, `grad·a`.
    public func mul(_ other: Variable) throws -> Variable {
        let a = data, b = other.data
        let v = try Tensor.binary(.mul, a, b)
        return Variable.record("MulBackward0", v, inputs: [self, other], saved: [self, other]) { g, need in
            [need[0] ? try M.sumTo(try M.bin(.mul, g, b), a.shape) : nil,
             need[1] ? try M.sumTo(try M.bin(.mul, g, a), b.shape) : nil]
        }
    }

    /// `a * s` (MulBackward0).
    public func mul(_ s: Double) throws -> Variable {
        let v = try Tensor.binary(.mul, .tensor(data), .float(s))
        return Variable.record("MulBackward0", v, inputs: [self], savesTensors: false) { g, _ in [try M.bin(.mul, g, s)] }
    }

    /// `a / b` (DivBackward0): `grad / b`, `−grad · (a / b) / b`.
    public func div(_ other: Variable) throws -> Variable {
        let a = data, b = other.data
        let v = try Tensor.binary(.div, a, b)
        return Variable.record("DivBackward0", v, inputs: [self, other], saved: [self, other]) { g, need in
            [need[0] ? try M.sumTo(try M.bin(.div, g, b), a.shape) : nil,
             need[1] ? try M.sumTo(try M.bin(.mul, try g.unary(.neg), try M.bin(.div, try M.bin(.div, a, b), b)), b.shape) : nil]
        }
    }

    /// `a / s` (DivBackward0).
    public func div(_ s: Double) throws -> Variable {
        let v = try Tensor.binary(.div, .tensor(data), .float(s))
        return Variable.record("DivBackward0", v, inputs: [self], savesTensors: false) { g, _ in [try M.bin(.div, g, s)] }
    }

    /// `-a` (NegBackward0).
    public func neg() throws -> Variable {
        Variable.record("NegBackward0", try data.unary(.neg), inputs: [self], savesTensors: false) { g, _ in [try g.unary(.neg)] }
    }

    /// `1 / a` (ReciprocalBackward0): `−grad · r²`. torch computes `s / a` as `a.reciprocal() * s`.
    public func reciprocal() throws -> Variable {
        let r = try data.unary(.reciprocal)
        let out = Variable.record("ReciprocalBackward0", r, inputs: [self]) { g, _ in
            [try M.bin(.mul, try g.unary(.neg), try M.bin(.mul, r, r))]
        }
        return out
    }

    /// `a ** e` for a number (PowBackward0): `grad · (e · a^(e−1))`, zero for `e == 0`.
    public func pow(_ e: Double) throws -> Variable {
        let a = data
        let v = try Tensor.binary(.pow, .tensor(a), .float(e))
        return Variable.record("PowBackward0", v, inputs: [self], saved: [self]) { g, _ in
            if e == 0 { return [try Tensor.zeros(a.shape, dtype: a.dtype)] }
            let p = try M.bin(.mul, e, try Tensor.binary(.pow, .tensor(a), .float(e - 1)))
            return [try M.bin(.mul, g, p)]
        }
    }

    /// `a ** b` for two tensors (PowBackward1): `grad · b · a^(b−1)` (0 where b == 0) and
    /// `grad · r · log(a)` (0 where a == 0 and b >= 0).
    public func pow(_ other: Variable) throws -> Variable {
        let a = data, b = other.data
        let r = try Tensor.binary(.pow, a, b)
        return Variable.record("PowBackward1", r, inputs: [self, other], saved: [self, other]) { g, need in
            var ga: Tensor?, gb: Tensor?
            if need[0] {
                let t = try M.bin(.mul, g, try M.bin(.mul, b, try Tensor.binary(.pow, .tensor(a), .tensor(try M.bin(.sub, b, 1)))))
                let zero = try Tensor.binary(.eq, .tensor(b), .float(0))
                ga = try M.sumTo(try Tensor.whereSelect(zero, .float(0), .tensor(t)), a.shape)
            }
            if need[1] {
                let cond = try M.bin(.and, try Tensor.binary(.eq, .tensor(a), .float(0)), try Tensor.binary(.ge, .tensor(b), .float(0)))
                let t = try Tensor.whereSelect(cond, .float(0), .tensor(try M.bin(.mul, r, try a.unary(.log))))
                gb = try M.sumTo(try M.bin(.mul, g, t), b.shape)
            }
            return [ga, gb]
        }
    }

    /// `torch.maximum(a, b)` / `torch.minimum` (MaximumBackward0 / MinimumBackward0): the larger
    /// input takes the gradient, ties split it in halves, as torch.
    public func maximum(_ other: Variable, max: Bool = true) throws -> Variable {
        let a = data, b = other.data
        let v = try Tensor.binary(max ? .maximum : .minimum, a, b)
        return Variable.record(max ? "MaximumBackward0" : "MinimumBackward0", v, inputs: [self, other], saved: [self, other]) { g, need in
            let gt = try Tensor.binary(max ? .gt : .lt, a, b), eq = try Tensor.binary(.eq, a, b)
            let half = try M.bin(.div, g, 2)
            func pick(_ win: Tensor) throws -> Tensor {
                try Tensor.whereSelect(win, .tensor(g), .tensor(try Tensor.whereSelect(eq, .tensor(half), .float(0))))
            }
            let lt = try Tensor.binary(max ? .lt : .gt, a, b)
            return [need[0] ? try M.sumTo(try pick(gt), a.shape) : nil, need[1] ? try M.sumTo(try pick(lt), b.shape) : nil]
        }
    }

    // MARK: unary math

    /// `exp` (ExpBackward0): `grad · result`.
    public func exp() throws -> Variable {
        let r = try data.unary(.exp)
        var out: Variable!
        out = Variable.record("ExpBackward0", r, inputs: [self]) { g, _ in [try M.bin(.mul, g, r)] }
        out.gradFn?.savedOutput(out)
        return out
    }

    /// `log` (LogBackward0): `grad / a`.
    public func log() throws -> Variable {
        let a = data
        return Variable.record("LogBackward0", try a.unary(.log), inputs: [self], saved: [self]) { g, _ in [try M.bin(.div, g, a)] }
    }

    /// `sqrt` (SqrtBackward0): `grad / (2 · result)`.
    public func sqrt() throws -> Variable {
        let r = try data.unary(.sqrt)
        let out = Variable.record("SqrtBackward0", r, inputs: [self]) { g, _ in [try M.bin(.div, g, try M.bin(.mul, 2, r))] }
        out.gradFn?.savedOutput(out)
        return out
    }

    /// `abs` (AbsBackward0): `grad · sign(a)` (0 at 0).
    public func abs() throws -> Variable {
        let a = data
        return Variable.record("AbsBackward0", try a.unary(.abs), inputs: [self], saved: [self]) { g, _ in
            [try M.bin(.mul, g, try a.unary(.sign))]
        }
    }

    /// `clamp(min, max)` with numbers (ClampBackward1): the gradient passes where
    /// `min <= a <= max` (bounds included), as torch's `clamp_backward`.
    public func clamp(min lo: Double?, max hi: Double?) throws -> Variable {
        let a = data
        let v = try a.clamped(min: lo, max: hi, boundsAreFloat: true)
        return Variable.record("ClampBackward1", v, inputs: [self], saved: [self]) { g, _ in
            var keep = try Tensor.full(a.shape, 1, dtype: .bool)
            if let lo { keep = try M.bin(.and, keep, try Tensor.binary(.ge, .tensor(a), .float(lo))) }
            if let hi { keep = try M.bin(.and, keep, try Tensor.binary(.le, .tensor(a), .float(hi))) }
            return [try Tensor.whereSelect(keep, .tensor(g), .float(0))]
        }
    }

    /// `relu` (ReluBackward0): `grad` where the result is > 0 (`threshold_backward`).
    public func relu() throws -> Variable {
        let r = try Variable.reluFloat32(data) ?? data.unary(.relu)
        let out = Variable.record("ReluBackward0", r, inputs: [self]) { g, _ in
            [Variable.reluBackwardFloat32(g, r) ?? M.zip(g, r, { $1 > 0 ? $0 : 0 }, { $1 > 0 ? $0 : 0 })]
        }
        out.gradFn?.savedOutput(out)
        return out
    }

    /// `sigmoid` (SigmoidBackward0): `grad · (1 − y) · y`.
    public func sigmoid() throws -> Variable {
        let r = try data.unary(.sigmoid)
        let out = Variable.record("SigmoidBackward0", r, inputs: [self]) { g, _ in
            [M.zip(g, r, { $0 * (1 - $1) * $1 }, { $0 * (1 - $1) * $1 })]
        }
        out.gradFn?.savedOutput(out)
        return out
    }

    /// `tanh` (TanhBackward0): `grad · (1 − y²)`.
    public func tanh() throws -> Variable {
        let r = try data.unary(.tanh)
        let out = Variable.record("TanhBackward0", r, inputs: [self]) { g, _ in
            [M.zip(g, r, { $0 * (1 - $1 * $1) }, { $0 * (1 - $1 * $1) })]
        }
        out.gradFn?.savedOutput(out)
        return out
    }

    /// `torch.where(condition, x, y)` (WhereBackward0).
    public static func `where`(_ condition: Tensor, _ x: Variable, _ y: Variable) throws -> Variable {
        let v = try Tensor.whereSelect(condition, .tensor(x.data), .tensor(y.data))
        let sx = x.shape, sy = y.shape
        return record("WhereBackward0", v, inputs: [x, y]) { g, need in
            [need[0] ? try M.sumTo(try Tensor.whereSelect(condition, .tensor(g), .float(0)), sx) : nil,
             need[1] ? try M.sumTo(try Tensor.whereSelect(condition, .float(0), .tensor(g)), sy) : nil]
        }
    }
}

extension Node {
    /// Records that the closure captured the node's own output (exp, relu, …): in-place changes
    /// to that output are then caught, as torch checks saved results.
    func savedOutput(_ v: Variable) {
        outputSaved = SavedVariable(v)
    }
}

/// float32 relu and its gradient in 8-lane blocks (the same values as `Tensor.unary(.relu)` and the
/// `zip` above: x where x > 0 or NaN, else +0; the gradient g where y > 0, else 0), split over the
/// cores above `Parallel.threshold` elements.
extension Variable {
    static func reluFloat32(_ x: Tensor) -> Tensor? {
        guard case .float32(let a) = x.storage else { return nil }
        return Tensor(shape: x.shape, float32: [Float](unsafeUninitializedCapacity: a.count) { buf, count in
            a.withUnsafeBufferPointer { pa in
                guard let src = pa.baseAddress, let dst = buf.baseAddress else { return }
                Parallel.chunks(a.count) { r in
                    var i = r.lowerBound
                    while i + 8 <= r.upperBound {
                        let v = UnsafeRawPointer(src + i).loadUnaligned(as: SIMD8<Float>.self)
                        UnsafeMutableRawPointer(dst + i).storeBytes(of: v.replacing(with: 0, where: v .<= 0), as: SIMD8<Float>.self)
                        i += 8
                    }
                    while i < r.upperBound { let v = src[i]; dst[i] = v <= 0 ? 0 : v; i += 1 }
                }
            }
            count = a.count
        })
    }

    static func reluBackwardFloat32(_ g: Tensor, _ y: Tensor) -> Tensor? {
        guard case .float32(let a) = g.storage, case .float32(let b) = y.storage, a.count == b.count else { return nil }
        return Tensor(shape: g.shape, float32: [Float](unsafeUninitializedCapacity: a.count) { buf, count in
            a.withUnsafeBufferPointer { pa in b.withUnsafeBufferPointer { pb in
                guard let gs = pa.baseAddress, let ys = pb.baseAddress, let dst = buf.baseAddress else { return }
                Parallel.chunks(a.count) { r in
                    var i = r.lowerBound
                    while i + 8 <= r.upperBound {
                        let v = UnsafeRawPointer(gs + i).loadUnaligned(as: SIMD8<Float>.self)
                        let w = UnsafeRawPointer(ys + i).loadUnaligned(as: SIMD8<Float>.self)
                        UnsafeMutableRawPointer(dst + i).storeBytes(of: v.replacing(with: 0, where: .!(w .> 0)), as: SIMD8<Float>.self)
                        i += 8
                    }
                    while i < r.upperBound { dst[i] = ys[i] > 0 ? gs[i] : 0; i += 1 }
                }
            } }
            count = a.count
        })
    }
}
