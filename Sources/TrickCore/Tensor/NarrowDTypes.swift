/// The narrow dtypes (uint8, int8, int16, int32, float16, bfloat16) as torch stores them.
///
/// A narrow tensor keeps its values in the wider storage of its kind (`.int64` / `.float32`) and
/// `Tensor.narrowDType` names the dtype. Every operation that makes such a tensor puts its values
/// back into the dtype: integers wrap (two's complement, as torch's C++ casts:
/// `uint8 200 + 100` is 44), floats round to nearest even (`Float16`, and bfloat16 by rounding
/// the top 16 bits of the float32, as c10's `round_to_nearest_even`). Arithmetic computes in the
/// storage type and rounds the result once, which is what torch's CPU kernels do for one
/// elementwise op (they compute float16 in float32); float16 sums accumulate in float32 and
/// products round each step, as torch's.
extension Tensor {
    /// This tensor (its storage already the dtype's storage type) as `dtype`: values wrapped to the
    /// integer range or rounded to the float format.
    public func fitted(to dtype: DType) -> Tensor {
        precondition(storageDType == dtype.storageDType, "fitted(to:) needs \(dtype.storageDType) storage")
        var t = self
        guard dtype.isNarrow else { t.narrowDType = nil; return t }
        guard dtype != narrowDType else { return t }
        t.narrowDType = dtype
        switch storage {
        case .int64(let a):
            let wrap = dtype.integerWrap
            t.storage = .int64(a.map(wrap))
        case .float32(let a):
            let round = dtype.floatRounding
            t.storage = .float32(a.map(round))
        default: break
        }
        return t
    }

    /// A result that holds `source`'s values rearranged (indexing, permute, cat, sort, where, …):
    /// it takes `source`'s narrow dtype back (nothing to wrap).
    public func keepingDType(of source: Tensor) -> Tensor {
        guard let d = source.narrowDType, storageDType == d.storageDType, narrowDType == nil else { return self }
        var t = self
        t.narrowDType = d
        return t
    }

    /// A result computed from `source`'s values in its storage type (neg, abs, ~, clamp, max, …):
    /// wrapped or rounded back to `source`'s narrow dtype.
    public func rounded(like source: Tensor) -> Tensor {
        guard let d = source.narrowDType, storageDType == d.storageDType else { return self }
        return fitted(to: d)
    }

    /// A reduction's result (sum, mean, prod, var, cumsum): a float16 / bfloat16 input gives its
    /// dtype back as torch does (rounded once); integer inputs keep torch's int64 result.
    public func floatRounded(like source: Tensor) -> Tensor {
        guard let d = source.narrowDType, d.isFloatingPoint else { return self }
        return rounded(like: source)
    }
}

extension DType {
    /// Two's-complement wrap of an int64 into this dtype (identity for int64).
    var integerWrap: (Int64) -> Int64 {
        switch self {
        case .uint8: return { Int64(UInt8(truncatingIfNeeded: $0)) }
        case .int8: return { Int64(Int8(truncatingIfNeeded: $0)) }
        case .int16: return { Int64(Int16(truncatingIfNeeded: $0)) }
        case .int32: return { Int64(Int32(truncatingIfNeeded: $0)) }
        default: return { $0 }
        }
    }

    /// Rounding of a float32 to this float format (identity for float32).
    var floatRounding: (Float) -> Float {
        switch self {
        case .float16: return { Float(Float16($0)) }
        case .bfloat16: return DType.roundedToBFloat16
        default: return { $0 }
        }
    }

    /// c10::BFloat16's round_to_nearest_even: the top 16 bits of the float32, ties to even; NaN stays NaN.
    static func roundedToBFloat16(_ v: Float) -> Float {
        if v.isNaN { return .nan }
        let u = v.bitPattern
        let rounded = (u &+ 0x7FFF &+ ((u >> 16) & 1)) & 0xFFFF_0000
        return Float(bitPattern: rounded)
    }

    /// A float converted to a narrow integer dtype as torch on x86-64 does it: through a 32-bit
    /// truncating conversion (cvttss2si), whose NaN, infinity and out-of-range results are
    /// INT32_MIN, then wrapped (`torch.tensor([-129.9, 1e10]).to(torch.int8)` is `[127, 0]`).
    /// In C++ this conversion is undefined behaviour; these are the values torch 2.4 gives on x86-64.
    static func x86TruncatedInt32(_ v: Double) -> Int64 {
        guard v.isFinite, v > -2_147_483_649, v < 2_147_483_648 else { return Int64(Int32.min) }
        return Int64(v.rounded(.towardZero))
    }

    /// torch refuses a Python number a narrow dtype cannot hold when it creates or fills a tensor
    /// (`torch.tensor([300], dtype=torch.int8)`, `x[0] = 300`): "value cannot be converted to type
    /// int8 without overflow". Arithmetic with such a number wraps instead (`int8 + 300`).
    public func checkRepresentable(_ v: Double) throws {
        let fits: Bool
        if let r = integerRange, isNarrow {
            let t = v.rounded(.towardZero)
            fits = t.isFinite && t >= Double(r.min) && t <= Double(r.max)
        } else if self == .float16 {
            fits = !v.isFinite || Swift.abs(v) <= Double(Float16.greatestFiniteMagnitude)
        } else if self == .bfloat16 {
            fits = !v.isFinite || Swift.abs(v) <= Double(DType.bfloat16Max)
        } else {
            fits = true
        }
        if !fits {
            throw CoreError("value cannot be converted to type \(rawValue) without overflow", kind: "RuntimeError")
        }
    }

    static let bfloat16Max = Float(bitPattern: 0x7F7F_0000)
}
