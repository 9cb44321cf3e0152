/// Copies with gradients, as torch names them:
/// - `x.to(dtype)` / `x.float()` / `x.double()` (ToCopyBackward0): the gradient is cast back to
///   the input's dtype; a cast to the same dtype is the input itself (torch returns `self`);
/// - `x.clone()` (CloneBackward0): the gradient passes unchanged;
/// - `F.mse_loss(input, target, reduction)` (MseLossBackward0): `2·(x − y)·g`, divided by the
///   element count under 'mean'.
extension Variable {
    public func cast(to dtype: DType) throws -> Variable {
        if dtype == self.dtype { return self }
        guard dtype.isFloatingPoint else {
            // An integer copy is outside autograd (torch: such a result never requires grad).
            return Variable(computed: data.cast(to: dtype), gradFn: nil)
        }
        let from = self.dtype
        return Variable.record("ToCopyBackward0", data.cast(to: dtype), inputs: [self], savesTensors: false) { g, _ in
            [g.cast(to: from)]
        }
    }

    public func clone() throws -> Variable {
        Variable.record("CloneBackward0", data, inputs: [self], savesTensors: false) { g, _ in [g] }
    }

    public static func mseLoss(_ input: Variable, _ target: Variable, reduction: Reduction = .mean) throws -> Variable {
        let diff = try Tensor.binary(.sub, input.data, target.data)
        let sq = try diff.unary(.square)
        let v: Tensor
        switch reduction {
        case .none: v = sq
        case .sum: v = try sq.sum()
        case .mean: v = try sq.mean()
        }
        let n = Double(Swift.max(sq.count, 1)), sa = input.shape, sb = target.shape
        return record("MseLossBackward0", v.cast(to: input.dtype), inputs: [input, target], saved: [input, target]) { g, need in
            var scale = try Tensor.binary(.mul, .tensor(diff), .float(2))
            scale = try Tensor.binary(.mul, scale, g)
            if reduction == .mean { scale = try Tensor.binary(.div, .tensor(scale), .float(n)) }
            return [need[0] ? try GradMath.sumTo(scale, sa) : nil,
                    need[1] ? try GradMath.sumTo(try scale.unary(.neg), sb) : nil]
        }
    }
}
