#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// The floating-point element types the box kernels run in: Float (as torch float32 and the
/// mmcv C++ kernels) and Double (torch float64, numpy in `ensemble_boxes`).
public protocol BoxScalar: BinaryFloatingPoint, Sendable {
    static func arctangent(_ x: Self) -> Self
    static func exponential(_ x: Self) -> Self
    static var dtype: DType { get }
    static func array(_ t: Tensor) -> [Self]
    static func tensor(shape: [Int], _ values: [Self]) -> Tensor
}

extension Float: BoxScalar {
    public static func arctangent(_ x: Float) -> Float { atan(x) }
    public static func exponential(_ x: Float) -> Float { exp(x) }
    public static var dtype: DType { .float32 }
    public static func array(_ t: Tensor) -> [Float] { t.floats }
    public static func tensor(shape: [Int], _ values: [Float]) -> Tensor { Tensor(shape: shape, float32: values) }
}

extension Double: BoxScalar {
    public static func arctangent(_ x: Double) -> Double { atan(x) }
    public static func exponential(_ x: Double) -> Double { exp(x) }
    public static var dtype: DType { .float64 }
    public static func array(_ t: Tensor) -> [Double] { t.doubles }
    public static func tensor(shape: [Int], _ values: [Double]) -> Tensor { Tensor(shape: shape, float64: values) }
}

/// Shape checks shared by every box function, with messages that name the argument.
public enum BoxArgs {
    /// The number of boxes in an `(N, columns)` tensor. A 1-D empty tensor (from `[]`) counts as
    /// zero boxes, as does `(0, k)` for any k (mmdet accepts `(0, anything)` for empty inputs).
    /// `kind` is the exception the reference raises for a bad shape: torchvision's C++ checks
    /// raise RuntimeError, mmcv's and mmdet's asserts AssertionError.
    public static func count(_ t: Tensor, _ name: String, columns: Int = 4, function: String, kind: String = "ValueError") throws -> Int {
        if t.rank == 1 && t.count == 0 { return 0 }
        if t.rank == 2 && t.shape[0] == 0 { return 0 }
        guard t.rank == 2, t.shape[1] == columns else {
            throw CoreError("\(function)(): '\(name)' must have shape (N, \(columns)), got \(Tensor.formatShape(t.shape))", kind: kind)
        }
        return t.shape[0]
    }

    /// A 1-D vector of length `n` (scores, class ids).
    public static func vector(_ t: Tensor, _ name: String, length n: Int, function: String, kind: String = "ValueError") throws {
        let ok = (t.rank == 1 && t.shape[0] == n) || (n == 0 && t.count == 0)
        guard ok else {
            throw CoreError("\(function)(): '\(name)' must have shape (\(n),) to match the boxes, got \(Tensor.formatShape(t.shape))", kind: kind)
        }
    }

    /// The working float type of an operation on tensors of these dtypes: float64 if any input is
    /// float64 (torch promotion), float32 otherwise (ints and bools compute as float32).
    public static func workingType(_ tensors: Tensor...) -> DType {
        tensors.contains { $0.dtype == .float64 } ? .float64 : .float32
    }
}

/// A float32 or float64 copy of a box tensor's values, chosen by `BoxArgs.workingType`.
@inline(__always)
func boxValues<T: BoxScalar>(_ t: Tensor, as: T.Type) -> [T] { T.array(t) }
