#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `torch.nn.utils.clip_grad_norm_` and `clip_grad_value_` (torch 2.4.1 nn/utils/clip_grad.py) over
/// parameters' `.grad`, in place.
///
/// clip_grad_norm_: the norm of each grad, grouped by dtype in order of first appearance (torch
/// groups by device and dtype), then the norm of those norms (`torch.stack` promotes float32 and
/// float64 to float64); `clip_coef = max_norm / (total_norm + 1e-6)` computed as torch does
/// (`total + 1e-6` in the norm's dtype, then `reciprocal() * max_norm`, as `Tensor.__rtruediv__`),
/// clamped to at most 1 (NaN stays NaN), and every grad multiplied by it — also when it is 1, as
/// torch does. Parameters without a grad are skipped; with no grads at all the result is
/// `tensor(0.)` and nothing changes. `error_if_nonfinite` raises torch's RuntimeError.
///
/// Norms: each grad's p-norm is accumulated in double and rounded once to the grad's dtype (a
/// correctly rounded float32 2-norm). torch's CPU reduction accumulates in a different order, so
/// a float32 norm may differ from torch's in the last bit; the tests compare within 1e-6 relative.
public enum ClipGrad {
    /// Returns the total norm (a 0-d tensor, float32 unless a grad is float64).
    @discardableResult
    public static func clipGradNorm(_ params: [any OptimizerParameter], maxNorm: Double, normType: Double = 2,
                                    errorIfNonfinite: Bool = false) throws -> Tensor {
        let withGrad = params.filter { $0.grad != nil }
        guard !withGrad.isEmpty else { return Tensor.scalar(Float(0)) }
        // _group_tensors_by_device_and_dtype: groups in order of first appearance.
        var order: [DType] = []
        for p in withGrad where !order.contains(p.grad!.dtype) { order.append(p.grad!.dtype) }
        var norms: [(Double, DType)] = []
        for d in order {
            for p in withGrad where p.grad!.dtype == d {
                let g = p.grad!
                guard g.dtype.isFloatingPoint else { throw CoreError("clip_grad_norm_: gradients must be floating point, got \(g.dtype)", kind: "RuntimeError") }
                norms.append((round(norm(g.doubles, normType), to: d), d))
            }
        }
        let totalDtype: DType = norms.contains { $0.1 == .float64 } ? .float64 : .float32
        let total = round(norm(norms.map(\.0), normType), to: totalDtype)
        if errorIfNonfinite && !total.isFinite {
            throw CoreError("The total norm of order \(OptionValue.pythonFloat(normType)) for gradients from `parameters` is non-finite, "
                + "so it cannot be clipped. To disable this error and scale the gradients by the non-finite norm anyway, "
                + "set `error_if_nonfinite=False`", kind: "RuntimeError")
        }
        scale(withGrad, by: clipCoefficient(totalNorm: total, maxNorm: maxNorm, dtype: totalDtype))
        return totalDtype == .float32 ? Tensor.scalar(Float(total)) : Tensor(shape: [], float64: [total])
    }

    /// `clamp(max_norm / (total_norm + 1e-6), max=1.0)` as torch computes it for a total norm of
    /// `dtype`: `total + 1e-6` rounded to the dtype, `reciprocal()`, times `max_norm` (Python
    /// float → dtype), then the clamp (NaN stays NaN).
    public static func clipCoefficient(totalNorm total: Double, maxNorm: Double, dtype: DType) -> Double {
        if dtype == .float32 {
            let shifted = Float(total) + Float(1e-6)
            let c = (1 / shifted) * Float(maxNorm)
            return Double(c.isNaN ? c : min(c, 1))
        }
        let c = (1 / (total + 1e-6)) * maxNorm
        return c.isNaN ? c : min(c, 1)
    }

    /// Every grad `mul_` by the coefficient (a 0-d tensor: cast to the grad's dtype first).
    public static func scale(_ params: [any OptimizerParameter], by coef: Double) {
        for p in params {
            guard let g = p.grad else { continue }
            switch g.storage {
            case .float32(let a):
                let c = Float(coef)
                p.grad = Tensor(shape: g.shape, float32: a.map { $0 * c })
            case .float64(let a):
                p.grad = Tensor(shape: g.shape, float64: a.map { $0 * coef })
            default:
                break
            }
        }
    }

    /// `clip_grad_value_(parameters, clip_value)`: every grad clamped to `[-clip_value, clip_value]`
    /// (bounds in the grad's dtype; NaN stays NaN).
    public static func clipGradValue(_ params: [any OptimizerParameter], clipValue: Double) {
        for p in params {
            guard let g = p.grad else { continue }
            switch g.storage {
            case .float32(let a):
                let hi = Float(clipValue), lo = Float(-clipValue)
                p.grad = Tensor(shape: g.shape, float32: a.map { $0.isNaN ? $0 : min(max($0, lo), hi) })
            case .float64(let a):
                p.grad = Tensor(shape: g.shape, float64: a.map { $0.isNaN ? $0 : min(max($0, -clipValue), clipValue) })
            default:
                break
            }
        }
    }

    /// `torch.linalg.vector_norm(x, ord)` in double: 2, inf, -inf, 0 (count of non-zeros), 1, any p.
    static func norm(_ x: [Double], _ p: Double) -> Double {
        if x.isEmpty { return p == -.infinity ? .infinity : 0 }
        if p == .infinity { return x.reduce(0) { $0.isNaN || $1.isNaN ? .nan : max($0, abs($1)) } }
        if p == -.infinity { return x.reduce(.infinity) { $0.isNaN || $1.isNaN ? .nan : min($0, abs($1)) } }
        if p == 0 { return Double(x.filter { $0 != 0 }.count) }
        if p == 1 { return x.reduce(0) { $0 + abs($1) } }
        if p == 2 { return x.reduce(0) { $0 + $1 * $1 }.squareRoot() }
        return pow(x.reduce(0) { $0 + pow(abs($1), p) }, 1 / p)
    }

    static func round(_ v: Double, to d: DType) -> Double { d == .float32 ? Double(Float(v)) : v }
}
