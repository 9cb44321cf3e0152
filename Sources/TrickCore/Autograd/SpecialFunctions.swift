#if canImport(Glibc)
import Glibc
#endif

/// `torch.special` functions beyond the elementwise core: erfc, erfinv, lgamma (gammaln),
/// digamma (psi), i0, i1 — computed in double and stored in the input's floating dtype (an
/// integer input gives float32, as torch), with torch's gradients: erfc' = −2/√π·e^(−x²),
/// erfinv' = √π/2·e^(erfinv(x)²), lgamma' = digamma, digamma' = trigamma, i0' = i1.
public enum SpecialMath {
    public static func erfinv(_ y: Double) -> Double {
        if y.isNaN || y < -1 || y > 1 { return .nan }
        if y == 1 { return .infinity }
        if y == -1 { return -.infinity }
        // Giles' single-precision starting point, then Newton steps on erf(x) − y
        let w = -Glibc.log((1 - y) * (1 + y))
        var x: Double
        if w < 5 {
            let w2 = w - 2.5
            var p = 2.81022636e-08
            for c in [3.43273939e-07, -3.5233877e-06, -4.39150654e-06, 0.00021858087, -0.00125372503, -0.00417768164, 0.246640727, 1.50140941] { p = c + p * w2 }
            x = p * y
        } else {
            let w2 = w.squareRoot() - 3
            var p = -0.000200214257
            for c in [0.000100950558, 0.00134934322, -0.00367342844, 0.00573950773, -0.0076224613, 0.00943887047, 1.00167406, 2.83297682] { p = c + p * w2 }
            x = p * y
        }
        for _ in 0..<3 {
            let e = Glibc.erf(x) - y
            x -= e / (2 / Double.pi.squareRoot() * Glibc.exp(-x * x))
        }
        return x
    }

    /// torch's calc_digamma: ±inf at 0 (−sign), NaN at negative integers, reflection below 0,
    /// recurrence up to 10, then the asymptotic series.
    public static func digamma(_ x0: Double) -> Double {
        var x = x0
        if x == 0 { return x.sign == .minus ? .infinity : -.infinity }
        if x < 0 {
            if x == x.rounded(.down) { return .nan }
            let r = Double.pi / Glibc.tan(Double.pi * x)
            return digamma(1 - x) - r
        }
        var result = 0.0
        while x < 10 { result -= 1 / x; x += 1 }
        if x == 10 { return result + 2.25175258906672110764 }
        let a = [8.33333333333333333333e-2, -2.10927960927960927961e-2, 7.57575757575757575758e-3,
                 -4.16666666666666666667e-3, 3.96825396825396825397e-3, -8.33333333333333333333e-3,
                 8.33333333333333333333e-2]
        var y = 0.0
        if x < 1e17 {
            let z = 1 / (x * x)
            var p = 0.0
            for c in a { p = p * z + c }
            y = z * p
        }
        return result + Glibc.log(x) - 0.5 / x - y
    }

    /// trigamma (digamma's derivative), as torch's calc_trigamma.
    public static func trigamma(_ x0: Double) -> Double {
        var x = x0, sign = 1.0, result = 0.0
        if x < 0.5 {
            sign = -1
            let s = Glibc.sin(Double.pi * x)
            result -= Double.pi * Double.pi / (s * s)
            x = 1 - x
        }
        for _ in 0..<6 { result += 1 / (x * x); x += 1 }
        let ixx = 1 / (x * x)
        result += (1 + 1 / (2 * x) + ixx * (1.0 / 6 - ixx * (1.0 / 30 - ixx * (1.0 / 42)))) / x
        return sign * result
    }

    // Cephes' Chebyshev coefficients for i0 / i1 (torch's Math.h)
    static let i0A: [Double] = [-4.41534164647933937950e-18, 3.33079451882223809783e-17, -2.43127984654795469359e-16, 1.71539128555513303061e-15, -1.16853328779934516808e-14, 7.67618549860493561688e-14, -4.85644678311192946090e-13, 2.95505266312963983461e-12, -1.72682629144155570723e-11, 9.67580903537323691224e-11, -5.18979560163526290666e-10, 2.65982372468238665035e-9, -1.30002500998624804212e-8, 6.04699502254191894932e-8, -2.67079385394061173391e-7, 1.11738753912010371815e-6, -4.41673835845875056359e-6, 1.64484480707288970893e-5, -5.75419501008210370398e-5, 1.88502885095841655729e-4, -5.76375574538582365885e-4, 1.63947561694133579842e-3, -4.32430999505057594430e-3, 1.05464603945949983183e-2, -2.37374148058994688156e-2, 4.93052842396707084878e-2, -9.49010970480476444210e-2, 1.71620901522208775349e-1, -3.04682672343198398683e-1, 6.76795274409476084995e-1]
    static let i0B: [Double] = [-7.23318048787475395456e-18, -4.83050448594418207126e-18, 4.46562142029675999901e-17, 3.46122286769746109310e-17, -2.82762398051658348494e-16, -3.42548561967721913462e-16, 1.77256013305652638360e-15, 3.81168066935262242075e-15, -9.55484669882830764870e-15, -4.15056934728722208663e-14, 1.54008621752140982691e-14, 3.85277838274214270114e-13, 7.18012445138366623367e-13, -1.79417853150680611778e-12, -1.32158118404477131188e-11, -3.14991652796324136454e-11, 1.18891471078464383424e-11, 4.94060238822496958910e-10, 3.39623202570838634515e-9, 2.26666899049817806459e-8, 2.04891858946906374183e-7, 2.89137052083475648297e-6, 6.88975834691682398426e-5, 3.36911647825569408990e-3, 8.04490411014108831608e-1]
    static let i1A: [Double] = [2.77791411276104639959e-18, -2.11142121435816608115e-17, 1.55363195773620046921e-16, -1.10559694773538630805e-15, 7.60068429473540693410e-15, -5.04218550472791168711e-14, 3.22379336594557470981e-13, -1.98397439776494371520e-12, 1.17361862988909016308e-11, -6.66348972350202774223e-11, 3.62559028155211703701e-10, -1.88724975172282928790e-9, 9.38153738649577178388e-9, -4.44505912879632808065e-8, 2.00329475355213526229e-7, -8.56872026469545474066e-7, 3.47025130813767847674e-6, -1.32731636560394358279e-5, 4.78156510755005422638e-5, -1.61760815825896745588e-4, 5.12285956168575772895e-4, -1.51357245063125314899e-3, 4.15642294431288815669e-3, -1.05640848946261981558e-2, 2.47264490306265168283e-2, -5.29459812080949914269e-2, 1.02643658689847095384e-1, -1.76416518357834055153e-1, 2.52587186443633654823e-1]
    static let i1B: [Double] = [7.51729631084210481353e-18, 4.41434832307170791151e-18, -4.65030536848935832153e-17, -3.20952592199342395980e-17, 2.96262899764595013876e-16, 3.30820231092092828324e-16, -1.88035477551078244854e-15, -3.81440307243700780478e-15, 1.04202769841288027642e-14, 4.27244001671195135429e-14, -2.10154184277266431302e-14, -4.08355111109219731823e-13, -7.19855177624590851209e-13, 2.03562854414708950722e-12, 1.41258074366137813316e-11, 3.25260358301548823856e-11, -1.89749581235054123450e-11, -5.58974346219658380687e-10, -3.83538038596423702205e-9, -2.63146884688951950684e-8, -2.51223623787020892529e-7, -3.88256480887769039346e-6, -1.10588938762623716291e-4, -9.76109749136146840777e-3, 7.78576235018280120474e-1]

    static func chbevl(_ x: Double, _ c: [Double]) -> Double {
        var b0 = c[0], b1 = 0.0, b2 = 0.0
        for k in 1..<c.count { b2 = b1; b1 = b0; b0 = x * b1 - b2 + c[k] }
        return 0.5 * (b0 - b2)
    }

    public static func i0(_ x0: Double) -> Double {
        let x = Swift.abs(x0)
        if x <= 8 { return Glibc.exp(x) * chbevl(x / 2 - 2, i0A) }
        return Glibc.exp(x) * chbevl(32 / x - 2, i0B) / x.squareRoot()
    }

    public static func i1(_ x0: Double) -> Double {
        let x = Swift.abs(x0)
        var z: Double
        if x <= 8 { z = chbevl(x / 2 - 2, i1A) * x * Glibc.exp(x) } else { z = Glibc.exp(x) * chbevl(32 / x - 2, i1B) / x.squareRoot() }
        return x0 < 0 ? -z : z
    }
}

extension Variable {
    /// A special function of one floating input with its derivative (both in double).
    func special(_ name: String, _ f: @escaping (Double) -> Double, _ derivative: @escaping (Double) -> Double) throws -> Variable {
        let x = data.dtype.isFloatingPoint ? data : data.cast(to: .float32)
        let v = try Tensor.mapFloating(x, f)
        return Variable.record(name, v, inputs: [self], saved: [self]) { g, _ in
            [try GradMath.bin(.mul, g, try Tensor.mapFloating(x, derivative))]
        }
    }

    public func erfc() throws -> Variable {
        try special("ErfcBackward0", { Glibc.erfc($0) }) { -2 / Double.pi.squareRoot() * Glibc.exp(-$0 * $0) }
    }
    public func erfinv() throws -> Variable {
        try special("ErfinvBackward0", SpecialMath.erfinv) { let e = SpecialMath.erfinv($0); return Double.pi.squareRoot() / 2 * Glibc.exp(e * e) }
    }
    public func lgamma() throws -> Variable {
        try special("LgammaBackward0", { Glibc.lgamma($0) }, SpecialMath.digamma)
    }
    public func digamma() throws -> Variable {
        try special("DigammaBackward0", SpecialMath.digamma, SpecialMath.trigamma)
    }
    public func i0() throws -> Variable {
        try special("I0Backward0", SpecialMath.i0, SpecialMath.i1)
    }
}
