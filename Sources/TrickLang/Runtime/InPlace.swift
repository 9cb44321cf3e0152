import TrickCore

/// In-place changes to a tensor object (`t += 1`, `t.clamp_(0)`): the computed result becomes the
/// tensor's value in the tensor's own dtype, as torch and numpy keep it, so every name bound to
/// the tensor sees the change.
extension TensorRef {
    /// Takes `result` as this tensor's value. A result of a wider kind than the tensor (a float
    /// result for an int tensor, a number for a bool tensor) is an error, as torch's `canCast` and
    /// numpy's 'same_kind' rule make it; a narrower or equal kind is cast. With `checkShape` the
    /// result must have the tensor's shape (`a += b` cannot grow `a`).
    public func assignInPlace(_ result: Tensor, checkShape: Bool) throws {
        var r = result
        if checkShape && r.shape != tensor.shape {
            throw tensor.isNumpy
                ? RuntimeError("non-broadcastable output operand with shape \(Tensor.formatShape(tensor.shape)) doesn't match the broadcast shape \(Tensor.formatShape(r.shape))", kind: "ValueError")
                : RuntimeError("output with shape [\(tensor.shape.map(String.init).joined(separator: ", "))] doesn't match the broadcast shape [\(r.shape.map(String.init).joined(separator: ", "))]", kind: "RuntimeError")
        }
        if r.dtype != tensor.dtype {
            guard TensorRef.canCast(r.dtype, to: tensor.dtype) else {
                throw tensor.isNumpy
                    ? RuntimeError("Cannot cast ufunc output from dtype('\(r.dtype.rawValue)') to dtype('\(tensor.dtype.rawValue)') with casting rule 'same_kind'", kind: "TypeError")
                    : RuntimeError("result type \(r.dtype.torchScalarName) can't be cast to the desired output type \(tensor.dtype.torchScalarName)", kind: "RuntimeError")
            }
            r = r.cast(to: tensor.dtype)
        }
        r.isNumpy = tensor.isNumpy
        tensor = r
    }

    /// torch's in-place tensor methods whose out-of-place form trick may have (torch 2.4's
    /// `Tensor` members `x_` with a member `x`).
    static let torchInPlaceMethods: Set<String> = [
        "abs_", "absolute_", "acos_", "acosh_", "add_", "addbmm_", "addcdiv_", "addcmul_", "addmm_", "addmv_", "addr_",
        "arccos_", "arccosh_", "arcsin_", "arcsinh_", "arctan2_", "arctan_", "arctanh_", "asin_", "asinh_", "atan2_",
        "atan_", "atanh_", "baddbmm_", "bitwise_and_", "bitwise_not_", "bitwise_or_", "bitwise_xor_", "ceil_", "clamp_",
        "clamp_max_", "clamp_min_", "clip_", "copysign_", "cos_", "cosh_", "cumprod_", "cumsum_", "deg2rad_", "digamma_",
        "div_", "divide_", "eq_", "erf_", "erfc_", "erfinv_", "exp2_", "exp_", "expm1_", "fix_", "float_power_", "floor_",
        "floor_divide_", "fmod_", "frac_", "gcd_", "ge_", "greater_", "greater_equal_", "gt_", "heaviside_", "hypot_",
        "index_add_", "index_copy_", "index_fill_", "index_put_", "lcm_", "ldexp_", "le_", "lerp_", "less_", "less_equal_",
        "lgamma_", "log10_", "log1p_", "log2_", "log_", "logical_and_", "logical_not_", "logical_or_", "logical_xor_",
        "logit_", "lt_", "masked_fill_", "masked_scatter_", "mul_", "multiply_", "nan_to_num_", "ne_", "neg_", "negative_",
        "not_equal_", "pow_", "reciprocal_", "relu_", "remainder_", "renorm_", "round_", "rsqrt_", "scatter_",
        "scatter_add_", "scatter_reduce_", "sgn_", "sigmoid_", "sign_", "sin_", "sinc_", "sinh_", "sqrt_", "square_",
        "squeeze_", "sub_", "subtract_", "swapaxes_", "swapdims_", "t_", "tan_", "tanh_", "transpose_", "tril_", "triu_",
        "true_divide_", "trunc_", "unsqueeze_", "xlogy_",
    ]

    /// The in-place methods that change the tensor's shape (the others keep it: `a.add_(b)`
    /// cannot grow `a`).
    static let shapeChangingInPlace: Set<String> = ["squeeze_", "unsqueeze_", "swapaxes_", "swapdims_", "t_", "transpose_"]

    /// torch's `canCast`: no floating point into an integer type, nothing but bool into bool.
    static func canCast(_ from: DType, to: DType) -> Bool {
        if from.isFloatingPoint && !to.isFloatingPoint { return false }
        if from != .bool && to == .bool { return false }
        return true
    }
}
