/// `torch.iinfo` / `torch.finfo`: the limits of each dtype and the repr torch prints for them.
extension DType {
    /// The integer range of an integer dtype (`torch.iinfo`).
    public var integerRange: (min: Int64, max: Int64)? {
        switch self {
        case .uint8: return (0, 255)
        case .int8: return (-128, 127)
        case .int16: return (Int64(Int16.min), Int64(Int16.max))
        case .int32: return (Int64(Int32.min), Int64(Int32.max))
        case .int64: return (Int64.min, Int64.max)
        default: return nil
        }
    }

    /// `torch.finfo` of a float dtype: bits, eps, max (min is -max), tiny (smallest normal), resolution.
    public var floatInfo: (bits: Int, eps: Double, max: Double, tiny: Double, resolution: Double)? {
        switch self {
        case .float16:
            return (16, Double(Float16.ulpOfOne), Double(Float16.greatestFiniteMagnitude), Double(Float16.leastNormalMagnitude), 1e-3)
        case .bfloat16:
            return (16, 0.0078125, Double(DType.bfloat16Max), Double(Float.leastNormalMagnitude), 1e-2)
        case .float32:
            return (32, Double(Float.ulpOfOne), Double(Float.greatestFiniteMagnitude), Double(Float.leastNormalMagnitude), 1e-6)
        case .float64:
            return (64, Double.ulpOfOne, Double.greatestFiniteMagnitude, Double.leastNormalMagnitude, 1e-15)
        default: return nil
        }
    }

    /// torch's `repr(torch.iinfo(dtype))`, the numbers as Python's `{:g}` too:
    /// `iinfo(min=-128, max=127, dtype=int8)`, `iinfo(min=-2.14748e+09, max=2.14748e+09, dtype=int32)`.
    public var iinfoRepr: String? {
        integerRange.map { "iinfo(min=\(TensorFormatter.c("%g", Double($0.min))), max=\(TensorFormatter.c("%g", Double($0.max))), dtype=\(rawValue))" }
    }

    /// torch's `repr(torch.finfo(dtype))`, each number as Python's `{:g}`:
    /// `finfo(resolution=0.001, min=-65504, max=65504, eps=0.000976562, smallest_normal=6.10352e-05, tiny=6.10352e-05, dtype=float16)`.
    public var finfoRepr: String? {
        guard let f = floatInfo else { return nil }
        func g(_ v: Double) -> String { TensorFormatter.c("%g", v) }
        return "finfo(resolution=\(g(f.resolution)), min=\(g(-f.max)), max=\(g(f.max)), eps=\(g(f.eps)), "
            + "smallest_normal=\(g(f.tiny)), tiny=\(g(f.tiny)), dtype=\(rawValue))"
    }
}
