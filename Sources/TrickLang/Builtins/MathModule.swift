#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Python's `math` (CPython 3.11) over trick's numbers: the C library's functions with CPython's
/// checks — a domain error is `ValueError: math domain error`, an overflow
/// `OverflowError: math range error`, `floor`/`ceil`/`trunc` of an infinity an OverflowError and
/// of a NaN a ValueError. `fsum` is exact (Shewchuk's partials, CPython's `msum`), `hypot` and
/// `dist` use CPython's scaled, compensated `vector_norm`, so the last bit matches too. Where
/// trick differs: integers are 64-bit, so `factorial(21)`, `comb`/`perm` and `prod` results past
/// 2**63 - 1 are an OverflowError instead of a big int.
enum MathModule {
    static func register(_ lib: Library) {
        let m = lib.namespace("math")
        m.set("pi", .float(Double.pi))
        m.set("e", .float(M_E))
        m.set("tau", .float(2 * Double.pi))
        m.set("inf", .float(.infinity))
        m.set("nan", .float(.nan))

        func real(_ a: Bound, _ name: String) throws -> Double {
            let v = a[name]
            if case .str = v { throw RuntimeError("must be real number, not str", kind: "TypeError") }
            guard let d = Convert.double(v) else { throw RuntimeError("must be real number, not \(v.typeName)", kind: "TypeError") }
            return d
        }
        func integer(_ a: Bound, _ name: String) throws -> Int {
            switch a[name] {
            case .int(let i): return i
            case .bool(let b): return b ? 1 : 0
            default: throw RuntimeError("'\(a[name].typeName)' object cannot be interpreted as an integer", kind: "TypeError")
            }
        }
        /// CPython's math_1: a NaN out of a non-NaN argument is a domain error, an infinity out of
        /// a finite one a range error (unless the function may legitimately overflow to ±inf).
        func checked(_ x: Double, _ r: Double, canOverflow: Bool = true) throws -> Value {
            if r.isNaN && !x.isNaN { throw RuntimeError("math domain error", kind: "ValueError") }
            if r.isInfinite && x.isFinite {
                throw canOverflow ? RuntimeError("math range error", kind: "OverflowError") : RuntimeError("math domain error", kind: "ValueError")
            }
            return .float(r)
        }
        let unary: [(String, (Double) -> Double, Bool)] = [
            ("exp", { Glibc.exp($0) }, true), ("exp2", { Glibc.exp2($0) }, true), ("expm1", { Glibc.expm1($0) }, true),
            ("sin", { Glibc.sin($0) }, false), ("cos", { Glibc.cos($0) }, false), ("tan", { Glibc.tan($0) }, false),
            ("asin", { Glibc.asin($0) }, false), ("acos", { Glibc.acos($0) }, false), ("atan", { Glibc.atan($0) }, false),
            ("sinh", { Glibc.sinh($0) }, true), ("cosh", { Glibc.cosh($0) }, true), ("tanh", { Glibc.tanh($0) }, false),
            ("asinh", { Glibc.asinh($0) }, false), ("acosh", { Glibc.acosh($0) }, false), ("atanh", { Glibc.atanh($0) }, false),
            ("fabs", { Swift.abs($0) }, false), ("cbrt", { Glibc.cbrt($0) }, false),
            ("erf", { Glibc.erf($0) }, false), ("erfc", { Glibc.erfc($0) }, false),
        ]
        for (name, f, canOverflow) in unary {
            m.method("\(name)(x)") { a in
                let x = try real(a, "x")
                if name == "atanh" && Swift.abs(x) >= 1 { throw RuntimeError("math domain error", kind: "ValueError") }
                return try checked(x, f(x), canOverflow: canOverflow)
            }
        }
        m.method("sqrt(x)") { a in
            let x = try real(a, "x")
            guard x >= 0 || x.isNaN else { throw RuntimeError("math domain error", kind: "ValueError") }
            return .float(x.squareRoot())
        }
        /// log of an int is exact for huge ints in CPython; trick's ints fit a double's range.
        func ln(_ x: Double) throws -> Double {
            guard x > 0 || x.isNaN else { throw RuntimeError("math domain error", kind: "ValueError") }
            return Glibc.log(x)
        }
        m.method("log(x, base=None)") { a in
            let num = try ln(try real(a, "x"))
            guard a.has("base") else { return .float(num) }
            let den = try ln(try real(a, "base"))
            guard den != 0 else { throw RuntimeError("float division by zero", kind: "ZeroDivisionError") }
            return .float(num / den)
        }
        m.method("log2(x)") { a in let x = try real(a, "x"); _ = try ln(x); return .float(Glibc.log2(x)) }
        m.method("log10(x)") { a in let x = try real(a, "x"); _ = try ln(x); return .float(Glibc.log10(x)) }
        m.method("log1p(x)") { a in
            let x = try real(a, "x")
            guard x > -1 || x.isNaN else { throw RuntimeError("math domain error", kind: "ValueError") }
            return .float(Glibc.log1p(x))
        }
        m.method("pow(x, y)") { a in
            let x = try real(a, "x"), y = try real(a, "y")
            // CPython: 0 ** negative and negative ** non-integer are domain errors; 1 ** nan is 1.
            if x == 0 && y < 0 && y.isFinite { throw RuntimeError("math domain error", kind: "ValueError") }
            if x < 0 && x.isFinite && y.isFinite && y.rounded() != y { throw RuntimeError("math domain error", kind: "ValueError") }
            let r = Glibc.pow(x, y)
            if r.isInfinite && x.isFinite && y.isFinite { throw RuntimeError("math range error", kind: "OverflowError") }
            return .float(r)
        }
        m.method("atan2(y, x)") { a in .float(Glibc.atan2(try real(a, "y"), try real(a, "x"))) }
        m.method("copysign(x, y)") { a in .float(Glibc.copysign(try real(a, "x"), try real(a, "y"))) }
        m.method("fmod(x, y)") { a in
            let x = try real(a, "x"), y = try real(a, "y")
            if y == 0 && !x.isNaN || x.isInfinite && !y.isNaN { throw RuntimeError("math domain error", kind: "ValueError") }
            return .float(Glibc.fmod(x, y))
        }
        m.method("remainder(x, y)") { a in
            let x = try real(a, "x"), y = try real(a, "y")
            if y == 0 && !x.isNaN || x.isInfinite && !y.isNaN { throw RuntimeError("math domain error", kind: "ValueError") }
            return .float(Glibc.remainder(x, y))
        }
        m.method("modf(x)") { a in
            let x = try real(a, "x")
            if x.isInfinite { return .tuple([.float(Glibc.copysign(0, x)), .float(x)]) }
            var ip = 0.0
            let fp = Glibc.modf(x, &ip)
            return .tuple([.float(fp), .float(ip)])
        }
        m.method("frexp(x)") { a in
            let x = try real(a, "x")
            if !x.isFinite || x == 0 { return .tuple([.float(x), .int(0)]) }
            var e: Int32 = 0
            let f = Glibc.frexp(x, &e)
            return .tuple([.float(f), .int(Int(e))])
        }
        m.method("ldexp(x, i)") { a in
            let x = try real(a, "x"), i = try integer(a, "i")
            let r = Glibc.scalbn(x, Int32(clamping: i))
            if r.isInfinite && x.isFinite { throw RuntimeError("math range error", kind: "OverflowError") }
            return .float(r)
        }
        m.method("degrees(x)") { a in .float(try real(a, "x") * (180.0 / Double.pi)) }
        m.method("radians(x)") { a in .float(try real(a, "x") * (Double.pi / 180.0)) }
        for name in ["floor", "ceil", "trunc"] {
            m.method("\(name)(x)") { a in
                switch a["x"] {
                case .int(let i): return .int(i)
                case .bool(let b): return .int(b ? 1 : 0)
                default: break
                }
                let d = try real(a, "x")
                if d.isNaN { throw RuntimeError("cannot convert float NaN to integer", kind: "ValueError") }
                if d.isInfinite { throw RuntimeError("cannot convert float infinity to integer", kind: "OverflowError") }
                let r = name == "floor" ? d.rounded(.down) : name == "ceil" ? d.rounded(.up) : d.rounded(.towardZero)
                guard let i = Int(exactly: r) else { throw RuntimeError("\(name)(\(Printer.formatFloat(d))) does not fit trick's 64-bit int", kind: "OverflowError") }
                return .int(i)
            }
        }
        m.method("isclose(a, b, *, rel_tol=1e-09, abs_tol=0.0)") { a in
            let x = try real(a, "a"), y = try real(a, "b"), rel = try real(a, "rel_tol"), abs = try real(a, "abs_tol")
            guard rel >= 0 && abs >= 0 else { throw RuntimeError("tolerances must be non-negative", kind: "ValueError") }
            if x == y { return .bool(true) }
            if x.isInfinite || y.isInfinite { return .bool(false) }
            let diff = Swift.abs(y - x)
            return .bool(diff <= Swift.abs(rel * y) || diff <= Swift.abs(rel * x) || diff <= abs)
        }
        m.method("isnan(x)") { a in .bool(try real(a, "x").isNaN) }
        m.method("isinf(x)") { a in .bool(try real(a, "x").isInfinite) }
        m.method("isfinite(x)") { a in .bool(try real(a, "x").isFinite) }
        func ints(_ a: Bound) throws -> [Int] {
            try a.varargs.map { v in
                switch v {
                case .int(let i): return i
                case .bool(let b): return b ? 1 : 0
                default: throw RuntimeError("'\(v.typeName)' object cannot be interpreted as an integer", kind: "TypeError")
                }
            }
        }
        func gcd(_ a: Int, _ b: Int) -> Int { var x = a.magnitude, y = b.magnitude; while y != 0 { (x, y) = (y, x % y) }; return Int(x) }
        m.method("gcd(*integers)") { a in .int(try ints(a).reduce(0, gcd)) }
        m.method("lcm(*integers)") { a in
            var acc = 1
            for x in try ints(a) {
                if x == 0 || acc == 0 { acc = 0; continue }
                let (r, o) = (acc / gcd(acc, x)).multipliedReportingOverflow(by: Swift.abs(x))
                if o { throw RuntimeError("lcm() result does not fit trick's 64-bit int", kind: "OverflowError") }
                acc = r
            }
            return .int(acc)
        }
        m.method("isqrt(n)") { a in
            let n = try integer(a, "n")
            guard n >= 0 else { throw RuntimeError("isqrt() argument must be nonnegative", kind: "ValueError") }
            var r = Int(Double(n).squareRoot())
            while r * r > n { r -= 1 }
            while (r + 1).multipliedReportingOverflow(by: r + 1).partialValue <= n && !(r + 1).multipliedReportingOverflow(by: r + 1).overflow { r += 1 }
            return .int(r)
        }
        func mulChecked(_ x: Int, _ y: Int, _ fn: String) throws -> Int {
            let (r, o) = x.multipliedReportingOverflow(by: y)
            if o { throw RuntimeError("\(fn)() result does not fit trick's 64-bit int", kind: "OverflowError") }
            return r
        }
        m.method("factorial(x)") { a in
            if case .float = a["x"] { throw RuntimeError("'float' object cannot be interpreted as an integer", kind: "TypeError") }
            let n = try integer(a, "x")
            guard n >= 0 else { throw RuntimeError("factorial() not defined for negative values", kind: "ValueError") }
            var r = 1
            if n > 1 { for k in 2...n { r = try mulChecked(r, k, "factorial") } }
            return .int(r)
        }
        m.method("comb(n, k)") { a in
            let n = try integer(a, "n"), k = try integer(a, "k")
            guard n >= 0 else { throw RuntimeError("n must be a non-negative integer", kind: "ValueError") }
            guard k >= 0 else { throw RuntimeError("k must be a non-negative integer", kind: "ValueError") }
            if k > n { return .int(0) }
            let kk = Swift.min(k, n - k)
            var r = 1
            // r * (n - kk + i) / i stays an integer at every step; divide the gcd out first so the
            // product overflows only when the result does.
            if kk > 0 {
                for i in 1...kk {
                    let g = gcd(r, i)
                    r = try mulChecked(r / g, (n - kk + i) / (i / g), "comb")
                }
            }
            return .int(r)
        }
        m.method("perm(n, k=None)") { a in
            let n = try integer(a, "n"), k = a.has("k") ? try integer(a, "k") : n
            guard n >= 0 else { throw RuntimeError("n must be a non-negative integer", kind: "ValueError") }
            guard k >= 0 else { throw RuntimeError("k must be a non-negative integer", kind: "ValueError") }
            if k > n { return .int(0) }
            var r = 1
            for i in stride(from: n, to: n - k, by: -1) { r = try mulChecked(r, i, "perm") }
            return .int(r)
        }
        m.method("gamma(x)") { a in try gammaResult(Gamma.tgamma(try real(a, "x"))) }
        m.method("lgamma(x)") { a in try gammaResult(Gamma.lgamma(try real(a, "x"))) }
        m.method("prod(iterable, *, start=1)") { [unowned lib] a in
            var acc = a["start"]
            for v in try iterate(a["iterable"], lib) { acc = try Ops.mul(acc, v) }
            return acc
        }
        m.method("fsum(iterable)") { [unowned lib] a in
            .float(try fsum(try iterate(a["iterable"], lib).map { v in
                guard let d = Convert.double(v) else { throw RuntimeError("must be real number, not \(v.typeName)", kind: "TypeError") }
                return d
            }))
        }
        m.method("hypot(*coordinates)") { a in
            .float(vectorNorm(try a.varargs.map { v in
                guard let d = Convert.double(v) else { throw RuntimeError("must be real number, not \(v.typeName)", kind: "TypeError") }
                return d
            }))
        }
        m.method("dist(p, q)") { [unowned lib] a in
            let p = try iterate(a["p"], lib), q = try iterate(a["q"], lib)
            guard p.count == q.count else { throw RuntimeError("both points must have the same number of dimensions", kind: "ValueError") }
            return .float(vectorNorm(try zip(p, q).map { x, y in
                guard let u = Convert.double(x), let w = Convert.double(y) else { throw RuntimeError("must be real number", kind: "TypeError") }
                return u - w
            }))
        }
        m.method("nextafter(x, y)") { a in .float(Glibc.nextafter(try real(a, "x"), try real(a, "y"))) }
        m.method("ulp(x)") { a in
            let x = Swift.abs(try real(a, "x"))
            if !x.isFinite { return .float(x) }
            return .float(x.nextUp - x == .infinity ? x - x.nextDown : x.nextUp - x)
        }
    }

    static func gammaResult(_ r: (Double, Gamma.Failure?)) throws -> Value {
        switch r.1 {
        case .domain?: throw RuntimeError("math domain error", kind: "ValueError")
        case .range?: throw RuntimeError("math range error", kind: "OverflowError")
        case nil: return .float(r.0)
        }
    }

    /// The items of a list, tuple, range, set or dict (math has no interpreter to hand; the
    /// library's callValue runs `list(x)` for anything else).
    static func iterate(_ v: Value, _ lib: Library) throws -> [Value] {
        switch v {
        case .list(let l): return l.items
        case .tuple(let t): return t
        case .set(let s): return s.items
        case .dict(let d): return d.keys
        default:
            guard let list = lib.globals["list"], case .list(let l) = try lib.callValue(list, Arguments([v])) else {
                throw RuntimeError("'\(v.typeName)' object is not iterable", kind: "TypeError")
            }
            return l.items
        }
    }

    /// CPython's `math.fsum`: exact partial sums (Shewchuk), rounded once, half to even.
    static func fsum(_ xs: [Double]) throws -> Double {
        var partials: [Double] = []
        var special = 0.0, infSum = 0.0
        for var x in xs {
            if !x.isFinite {
                if x.isInfinite { infSum += x }
                special += x
                continue
            }
            var i = 0
            for var y in partials {
                if Swift.abs(x) < Swift.abs(y) { swap(&x, &y) }
                let hi = x + y, lo = y - (hi - x)
                if lo != 0 { partials[i] = lo; i += 1 }
                x = hi
            }
            partials.removeSubrange(i...)
            partials.append(x)
            if !x.isFinite { throw RuntimeError("intermediate overflow in fsum", kind: "OverflowError") }
        }
        if special != 0 || special.isNaN {
            if infSum.isNaN { throw RuntimeError("-inf + inf in fsum", kind: "ValueError") }
            return special
        }
        var n = partials.count
        var hi = 0.0
        if n > 0 {
            n -= 1
            hi = partials[n]
            var lo = 0.0
            while n > 0 {
                let x = hi
                n -= 1
                let y = partials[n]
                hi = x + y
                let yr = hi - x
                lo = y - yr
                if lo != 0 { break }
            }
            if n > 0 && (lo < 0 && partials[n - 1] < 0 || lo > 0 && partials[n - 1] > 0) {
                let y = lo * 2, x = hi + y, yr = x - hi
                if y == yr { hi = x }
            }
        }
        return hi
    }

    /// CPython 3.11's `vector_norm` (hypot, dist): scaled by a power of two, squares summed
    /// exactly in double-length, one square root with a differential correction.
    static func vectorNorm(_ v: [Double]) -> Double {
        var vec = v.map { Swift.abs($0) }
        var maxv = 0.0, foundNaN = false
        for x in vec { foundNaN = foundNaN || x.isNaN; if x > maxv { maxv = x } }
        if maxv.isInfinite { return maxv }
        if foundNaN { return .nan }
        if maxv == 0 || vec.count <= 1 { return maxv }
        var e: Int32 = 0
        _ = Glibc.frexp(maxv, &e)
        if e < -1023 {
            for i in vec.indices { vec[i] /= Double.leastNormalMagnitude }
            return Double.leastNormalMagnitude * vectorNorm(vec)
        }
        let scale = Glibc.ldexp(1.0, -e)
        var csum = 1.0, frac1 = 0.0, frac2 = 0.0
        for x0 in vec {
            let x = x0 * scale
            let prHi = x * x, prLo = Glibc.fma(x, x, -prHi)     // lossless square
            let smHi = csum + prHi, smLo = (csum - smHi) + prHi   // lossless add (csum >= prHi)
            csum = smHi
            frac1 += prLo
            frac2 += smLo
        }
        var h = (csum - 1.0 + (frac1 + frac2)).squareRoot()
        let prHi = -h * h, prLo = Glibc.fma(-h, h, -prHi)
        let smHi = csum + prHi, smLo = (csum - smHi) + prHi
        csum = smHi
        frac1 += prLo
        frac2 += smLo
        let x = csum - 1.0 + (frac1 + frac2)
        h += x / (2.0 * h)
        return h / scale
    }
}

/// CPython's own `m_tgamma` and `m_lgamma` (Lanczos, g = 6.0247, N = 13; exact factorials for
/// integers up to 23), not the C library's, so `math.gamma`/`math.lgamma` agree to the bit.
enum Gamma {
    enum Failure { case domain, range }
    static let g = 6.024680040776729583740234375
    static let gMinusHalf = 5.524680040776729583740234375
    static let num: [Double] = [
        23531376880.410759688572007674451636754734846804940, 42919803642.649098768957899047001988850926355848959,
        35711959237.355668049440185451547166705960488635843, 17921034426.037209699919755754458931112671403265390,
        6039542586.3520280050642916443072979210699388420708, 1439720407.3117216736632230727949123939715485786772,
        248874557.86205415651146038641322942321632125127801, 31426415.585400194380614231628318205362874684987640,
        2876370.6289353724412254090516208496135991145378768, 186056.26539522349504029498971604569928220784236328,
        8071.6720023658162106380029022722506138218516325024, 210.82427775157934587250973392071336271166969580291,
        2.5066282746310002701649081771338373386264310793408,
    ]
    static let den: [Double] = [0.0, 39916800.0, 120543840.0, 150917976.0, 105258076.0, 45995730.0, 13339535.0,
                                2637558.0, 357423.0, 32670.0, 1925.0, 66.0, 1.0]
    static let integral: [Double] = [
        1.0, 1.0, 2.0, 6.0, 24.0, 120.0, 720.0, 5040.0, 40320.0, 362880.0, 3628800.0, 39916800.0, 479001600.0,
        6227020800.0, 87178291200.0, 1307674368000.0, 20922789888000.0, 355687428096000.0, 6402373705728000.0,
        121645100408832000.0, 2432902008176640000.0, 51090942171709440000.0, 1124000727777607680000.0,
    ]
    static let logpi = 1.144729885849400174143427351353058711647

    static func lanczosSum(_ x: Double) -> Double {
        var n = 0.0, d = 0.0
        if x < 5.0 {
            for i in stride(from: 12, through: 0, by: -1) { n = n * x + num[i]; d = d * x + den[i] }
        } else {
            for i in 0..<13 { n = n / x + num[i]; d = d / x + den[i] }
        }
        return n / d
    }

    static func sinpi(_ x: Double) -> Double {
        let y = Glibc.fmod(Swift.abs(x), 2.0)
        let r: Double
        switch Int((2.0 * y).rounded(.toNearestOrAwayFromZero)) {
        case 0: r = Glibc.sin(Double.pi * y)
        case 1: r = Glibc.cos(Double.pi * (y - 0.5))
        case 2: r = Glibc.sin(Double.pi * (1.0 - y))
        case 3: r = -Glibc.cos(Double.pi * (y - 1.5))
        default: r = Glibc.sin(Double.pi * (y - 2.0))
        }
        return Glibc.copysign(1.0, x) * r
    }

    static func tgamma(_ x: Double) -> (Double, Failure?) {
        if !x.isFinite { return x.isNaN || x > 0 ? (x, nil) : (.nan, .domain) }
        if x == 0 { return (Glibc.copysign(.infinity, x), .domain) }
        if x == x.rounded(.down) {
            if x < 0 { return (.nan, .domain) }
            if x <= 23 { return (integral[Int(x) - 1], nil) }
        }
        let absx = Swift.abs(x)
        if absx < 1e-20 { let r = 1.0 / x; return (r, r.isInfinite ? .range : nil) }
        if absx > 200.0 { return x < 0 ? (0.0 / sinpi(x), nil) : (.infinity, .range) }
        let y = absx + gMinusHalf
        var z: Double
        if absx > gMinusHalf { let q = y - absx; z = q - gMinusHalf } else { let q = y - gMinusHalf; z = q - absx }
        z = z * g / y
        var r: Double
        if x < 0 {
            r = -Double.pi / sinpi(absx) / absx * Glibc.exp(y) / lanczosSum(absx)
            r -= z * r
            if absx < 140.0 { r /= Glibc.pow(y, absx - 0.5) } else {
                let s = Glibc.pow(y, absx / 2.0 - 0.25); r /= s; r /= s
            }
        } else {
            r = lanczosSum(absx) / Glibc.exp(y)
            r += z * r
            if absx < 140.0 { r *= Glibc.pow(y, absx - 0.5) } else {
                let s = Glibc.pow(y, absx / 2.0 - 0.25); r *= s; r *= s
            }
        }
        return (r, r.isInfinite ? .range : nil)
    }

    static func lgamma(_ x: Double) -> (Double, Failure?) {
        if !x.isFinite { return x.isNaN ? (x, nil) : (.infinity, nil) }
        if x == x.rounded(.down) && x <= 2.0 { return x <= 0 ? (.infinity, .domain) : (0.0, nil) }
        let absx = Swift.abs(x)
        if absx < 1e-20 { return (-Glibc.log(absx), nil) }
        var r = Glibc.log(lanczosSum(absx)) - g
        r += (absx - 0.5) * (Glibc.log(absx + g - 0.5) - 1)
        if x < 0 { r = logpi - Glibc.log(Swift.abs(sinpi(absx))) - Glibc.log(absx) - r }
        return (r, r.isInfinite ? .range : nil)
    }
}
