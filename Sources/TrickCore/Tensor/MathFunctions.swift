#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// libm bindings for the float kernels (float32 math in float32, as torch's CPU kernels).
extension Float: FloatingPointMath {
    @inline(__always) public static func fmod(_ a: Float, _ b: Float) -> Float { fmodf(a, b) }
    @inline(__always) public static func pow(_ a: Float, _ b: Float) -> Float { powf(a, b) }
    @inline(__always) public static func exp(_ x: Float) -> Float { expf(x) }
    @inline(__always) public static func log(_ x: Float) -> Float { logf(x) }
    @inline(__always) public static func log2(_ x: Float) -> Float { log2f(x) }
    @inline(__always) public static func log10(_ x: Float) -> Float { log10f(x) }
    @inline(__always) public static func log1p(_ x: Float) -> Float { log1pf(x) }
    @inline(__always) public static func expm1(_ x: Float) -> Float { expm1f(x) }
    @inline(__always) public static func sin(_ x: Float) -> Float { sinf(x) }
    @inline(__always) public static func cos(_ x: Float) -> Float { cosf(x) }
    @inline(__always) public static func tan(_ x: Float) -> Float { tanf(x) }
    @inline(__always) public static func tanh(_ x: Float) -> Float { tanhf(x) }
    @inline(__always) public static func wrap(_ a: [Float]) -> Tensor.Storage { .float32(a) }
    @inline(__always) public static func unwrap(_ t: Tensor) -> [Float] { t.floats }
}

extension Double: FloatingPointMath {
    @inline(__always) public static func fmod(_ a: Double, _ b: Double) -> Double { Glibc.fmod(a, b) }
    @inline(__always) public static func pow(_ a: Double, _ b: Double) -> Double { Glibc.pow(a, b) }
    @inline(__always) public static func exp(_ x: Double) -> Double { Glibc.exp(x) }
    @inline(__always) public static func log(_ x: Double) -> Double { Glibc.log(x) }
    @inline(__always) public static func log2(_ x: Double) -> Double { Glibc.log2(x) }
    @inline(__always) public static func log10(_ x: Double) -> Double { Glibc.log10(x) }
    @inline(__always) public static func log1p(_ x: Double) -> Double { Glibc.log1p(x) }
    @inline(__always) public static func expm1(_ x: Double) -> Double { Glibc.expm1(x) }
    @inline(__always) public static func sin(_ x: Double) -> Double { Glibc.sin(x) }
    @inline(__always) public static func cos(_ x: Double) -> Double { Glibc.cos(x) }
    @inline(__always) public static func tan(_ x: Double) -> Double { Glibc.tan(x) }
    @inline(__always) public static func tanh(_ x: Double) -> Double { Glibc.tanh(x) }
    @inline(__always) public static func wrap(_ a: [Double]) -> Tensor.Storage { .float64(a) }
    @inline(__always) public static func unwrap(_ t: Tensor) -> [Double] { t.doubles }
}
