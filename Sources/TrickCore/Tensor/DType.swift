/// Element types, with PyTorch's names.
///
/// float32, float64, int64 and bool have their own storage; the narrow dtypes are held in a wider
/// buffer with every value kept in the narrow type's range or precision (`Tensor.narrowDType`):
/// uint8, int8, int16, int32 in `.int64`, float16 and bfloat16 in `.float32`.
public enum DType: String, Sendable, CaseIterable {
    case float32, float64, int64, bool
    case uint8, int8, int16, int32, float16, bfloat16

    public var isFloatingPoint: Bool {
        switch self {
        case .float32, .float64, .float16, .bfloat16: return true
        default: return false
        }
    }
    public var isNarrow: Bool { storageDType != self }

    /// The dtype of the buffer that holds this dtype's values.
    public var storageDType: DType {
        switch self {
        case .uint8, .int8, .int16, .int32: return .int64
        case .float16, .bfloat16: return .float32
        default: return self
        }
    }

    public var byteSize: Int {
        switch self {
        case .bool, .uint8, .int8: return 1
        case .int16, .float16, .bfloat16: return 2
        case .float32, .int32: return 4
        case .float64, .int64: return 8
        }
    }

    /// The dtypes as `DType(name:)` accepts them, for error messages.
    public static let knownNames = "float32 (float), float64 (double), float16 (half), bfloat16, "
        + "int64 (long), int32 (torch.int), int16 (short), int8, uint8, bool"

    /// Parses torch and numpy spellings: 'float32', 'float', 'torch.float32', 'float64', 'double',
    /// 'float16', 'half', 'bfloat16', 'int64', 'long', 'int32', 'int16', 'short', 'int8', 'uint8',
    /// 'bool', 'bool_'. `torch.int` is int32 as in torch; a bare 'int' is int64 (numpy's `int`).
    public init?(name: String) {
        if name == "torch.int" { self = .int32; return }
        let n = name.hasPrefix("torch.") ? String(name.dropFirst(6)) : name
        switch n {
        case "float32", "float": self = .float32
        case "float64", "double": self = .float64
        case "float16", "half": self = .float16
        case "bfloat16": self = .bfloat16
        case "int64", "long", "int": self = .int64
        case "int32": self = .int32
        case "int16", "short": self = .int16
        case "int8": self = .int8
        case "uint8": self = .uint8
        case "bool", "bool_": self = .bool
        default: return nil
        }
    }

    /// torch's `promote_types` for two tensors' dtypes (c10/core/ScalarType.cpp): bool promotes to
    /// anything; integers to the wider one, uint8 with int8 to int16; an integer with a float to
    /// the float; float16 with bfloat16 to float32; floats to the wider one.
    /// Checked against every pair in Tests/vectors/dtype_promotion.json.
    public static func promote(_ a: DType, _ b: DType) -> DType {
        if a == b || b == .bool { return a }
        if a == .bool { return b }
        switch (a.isFloatingPoint, b.isFloatingPoint) {
        case (true, false): return a
        case (false, true): return b
        case (true, true):
            if Set([a, b]) == [.float16, .bfloat16] { return .float32 }
            return a.byteSize >= b.byteSize ? a : b
        case (false, false):
            if a == .uint8 || b == .uint8 {
                let other = a == .uint8 ? b : a
                return other == .int8 ? .int16 : other
            }
            return a.byteSize >= b.byteSize ? a : b
        }
    }

    static func exactInt64(_ v: Double) throws -> Int64 {
        guard let i = Int64(exactly: v.rounded(.towardZero)) else { throw CoreError("value \(v) does not fit in int64") }
        return i
    }
}

extension DType {
    /// torch's scalar type name (`x.type()` is `torch.<name>Tensor`; error messages say `Got: Char`).
    public var torchScalarName: String {
        switch self {
        case .float32: return "Float"
        case .float64: return "Double"
        case .float16: return "Half"
        case .bfloat16: return "BFloat16"
        case .int64: return "Long"
        case .int32: return "Int"
        case .int16: return "Short"
        case .int8: return "Char"
        case .uint8: return "Byte"
        case .bool: return "Bool"
        }
    }
}
