/// `torch.lerp(input, end, weight)` as torch 2.4.1's CPU kernel (aten/native/Lerp.h): for
/// |weight| < 0.5 `input + weight * (end - input)`, else `end - (end - input) * (1 - weight)`,
/// in the input's dtype — the formula MMEngine's EMA (`lerp_`) and swa_utils' EMA step with.
extension Tensor {
    public func lerp(_ end: Tensor, weight: Tensor) throws -> Tensor {
        guard dtype.isFloatingPoint else { throw CoreError("\"lerp_kernel_scalar\" not implemented for '\(dtype.torchScalarName)'", kind: "RuntimeError") }
        guard end.dtype == dtype else { throw CoreError("expected dtype \(dtype) for `end` but got dtype \(end.dtype)", kind: "RuntimeError") }
        let out = try Broadcast.shape(Broadcast.shape(shape, end.shape), weight.shape)
        let a = try Broadcast.expand(doubles, shape, to: out), b = try Broadcast.expand(end.doubles, end.shape, to: out)
        let w = try Broadcast.expand(weight.doubles, weight.shape, to: out)
        if storageDType == .float32 {
            let values = (0..<a.count).map { i -> Float in
                let x = Float(a[i]), y = Float(b[i]), t = Float(w[i])
                return Swift.abs(t) < 0.5 ? x + t * (y - x) : y - (y - x) * (1 - t)
            }
            return Tensor(shape: out, float32: values).keepingDType(of: self).rounded(like: self)
        }
        let values = (0..<a.count).map { i -> Double in
            let x = a[i], y = b[i], t = w[i]
            return Swift.abs(t) < 0.5 ? x + t * (y - x) : y - (y - x) * (1 - t)
        }
        return Tensor(shape: out, float64: values)
    }
}
