#if canImport(Glibc)
import Glibc
#endif

/// numpy 1.26's `str` / `repr` of an array (`arrayprint.py`, default print options: precision 8,
/// floatmode 'maxprec', suppress False, linewidth 75), for tensors that stand for numpy arrays
/// (`np.array(...)`, ensemble_boxes' results, mmcv's images):
///
/// - floats: each value's shortest round-trip digits for its dtype (float32 values as float32),
///   at most 8 after the point, trailing zeros trimmed (`0.`, `0.51`), padded to a common width;
///   scientific (`1.0000e-05`, a common number of digits) when a non-zero |value| is < 1e-4, any
///   is ≥ 1e8, or max/min > 1000;
/// - integers right-aligned to the widest; bools `True` / `False` padded to 5;
/// - rows wrap at 75 columns as numpy's `_formatArray` does; `repr` is `array([...], dtype=float32)`
///   (the dtype omitted for float64, int64 and bool).
/// Arrays over 1000 elements are printed whole (numpy summarises them with `...`).
public enum NumpyFormatter {
    public static func str(_ t: Tensor) -> String {
        if t.rank == 0 { return scalar(t) }
        return layout(t, separator: " ", prefix: "", suffix: "")
    }

    public static func repr(_ t: Tensor) -> String {
        let showDType = ![DType.float64, .int64, .bool].contains(t.dtype)
        let body: String
        if t.rank == 0 {
            body = scalar(t)
        } else if t.count == 0 && t.shape != [0] {
            body = "[], shape=(" + t.shape.map(String.init).joined(separator: ", ") + (t.rank == 1 ? ",)" : ")")
        } else {
            body = layout(t, separator: ", ", prefix: "array(", suffix: showDType ? "," : ")")
        }
        let s = "array(" + body + (showDType ? "," : ")")
        guard showDType else { return s }
        let dtype = "dtype=\(t.dtype.rawValue))"
        let lastLine = s.count - ((s.lastIndex(of: "\n").map { s.distance(from: s.startIndex, to: $0) + 1 }) ?? 0)
        return s + (lastLine + dtype.count + 1 > 75 ? "\n" + String(repeating: " ", count: 6) : " ") + dtype
    }

    /// The name numpy prints for a dtype (`float32`, `int64`, `bool`).
    public static func dtypeName(_ d: DType) -> String { d.rawValue }

    // MARK: elements

    static func scalar(_ t: Tensor) -> String {
        switch t.storage {
        case .bool: return t.double(at: 0) != 0 ? "True" : "False"
        case .int64: return String(t.int64(at: 0))
        case .float32, .float64: return positional(t, 0, precision: 8)
        }
    }

    /// The shortest digits that round-trip in the array's float type (numpy's dragon4 unique mode).
    static func shortest(_ v: Double, _ d: DType) -> String {
        switch d {
        case .float16: return Float16(v).description
        case .float32, .bfloat16: return Float(v).description
        default: return v.description
        }
    }

    /// Shortest round-trip digits of element i (float32 ones as float32), positional, at most
    /// `precision` fractional digits (then correctly rounded), trailing zeros trimmed but the point kept.
    static func positional(_ t: Tensor, _ i: Int, precision: Int) -> String {
        let v = t.double(at: i)
        if v.isNaN { return "nan" }
        if v.isInfinite { return v < 0 ? "-inf" : "inf" }
        var s = expandExponent(shortest(v, t.dtype))
        if let dot = s.firstIndex(of: "."), s.distance(from: dot, to: s.endIndex) - 1 > precision {
            s = TensorFormatter.c("%.\(precision)f", v)
        }
        if s.contains(".") { while s.hasSuffix("0") { s.removeLast() } } else { s += "." }
        return s
    }

    /// `1e-05` → `0.00001`, `1.5e+16` → `15000000000000000.0` (Swift's description switches to
    /// exponents; numpy's positional mode never does).
    static func expandExponent(_ s: String) -> String {
        guard let e = s.firstIndex(where: { $0 == "e" || $0 == "E" }) else { return s }
        let exp = Int(s[s.index(after: e)...]) ?? 0
        var mant = String(s[..<e])
        let negative = mant.hasPrefix("-")
        if negative { mant.removeFirst() }
        let parts = mant.split(separator: ".", omittingEmptySubsequences: false)
        var digits = String(parts[0]) + (parts.count > 1 ? String(parts[1]) : "")
        var point = parts[0].count + exp
        if point <= 0 { digits = String(repeating: "0", count: 1 - point) + digits; point = 1 }
        if point >= digits.count { digits += String(repeating: "0", count: point - digits.count) + "0" }
        let idx = digits.index(digits.startIndex, offsetBy: point)
        return (negative ? "-" : "") + digits[..<idx] + "." + digits[idx...]
    }

    /// Scientific form with shortest digits (at most 8 after the point): mantissa and exponent.
    static func scientific(_ v: Double, dtype: DType) -> (mantissa: String, exponent: Int) {
        guard v != 0 else { return ("0.", 0) }
        let s = shortest(v, dtype)
        let plain = expandExponent(s)
        let negative = plain.hasPrefix("-")
        let digitsOnly = plain.filter { $0.isNumber }
        guard let firstNonZero = digitsOnly.firstIndex(where: { $0 != "0" }) else { return ("0.", 0) }
        let intLen = plain.filter { $0 != "-" }.split(separator: ".", omittingEmptySubsequences: false)[0].count
        let lead = digitsOnly.distance(from: digitsOnly.startIndex, to: firstNonZero)
        let exponent = intLen - lead - 1
        var sig = String(digitsOnly[firstNonZero...])
        while sig.count > 1 && sig.hasSuffix("0") { sig.removeLast() }
        if sig.count > 9 {   // more than 8 after the point: round the exact value
            let r = TensorFormatter.c("%.8e", Swift.abs(v))
            let m = r.split(separator: "e")[0].replacingZeros()
            return ((negative ? "-" : "") + m, Int(r.split(separator: "e")[1]) ?? exponent)
        }
        return ((negative ? "-" : "") + String(sig.first!) + "." + sig.dropFirst(), exponent)
    }

    /// Each element's text, padded to the common width (numpy's FloatingFormat / IntegerFormat / BoolFormat).
    static func elementStrings(_ t: Tensor) -> [String] {
        let n = t.count
        switch t.storage {
        case .bool:
            return (0..<n).map { t.double(at: $0) != 0 ? " True" : "False" }
        case .int64:
            let s = (0..<n).map { String(t.int64(at: $0)) }
            let w = s.map(\.count).max() ?? 0
            return s.map { String(repeating: " ", count: w - $0.count) + $0 }
        case .float32, .float64:
            let vals = (0..<n).map { t.double(at: $0) }
            let finite = vals.filter { $0.isFinite }
            let nonzero = finite.map(Swift.abs).filter { $0 != 0 }
            let maxV = nonzero.max() ?? 0, minV = nonzero.min() ?? 0
            let exp = !nonzero.isEmpty && (maxV >= 1e8 || minV < 0.0001 || maxV / minV > 1000)
            if exp { return scientificStrings(vals, dtype: t.dtype) }
            let strs = (0..<n).map { vals[$0].isFinite ? positional(t, $0, precision: 8) : "" }
            let finiteStrs = strs.indices.filter { vals[$0].isFinite }.map { strs[$0] }
            var padLeft = finiteStrs.map { $0.split(separator: ".", omittingEmptySubsequences: false)[0].count }.max() ?? 0
            let padRight = finiteStrs.map { $0.split(separator: ".", omittingEmptySubsequences: false)[1].count }.max() ?? 0
            if finite.count != vals.count {
                let negInf = vals.contains { $0 == -.infinity }
                padLeft = Swift.max(padLeft, 3 - (padRight + 1), (negInf ? 4 : 3) - (padRight + 1))
            }
            return (0..<n).map { i in
                if !vals[i].isFinite {
                    let r = vals[i].isNaN ? "nan" : (vals[i] < 0 ? "-inf" : "inf")
                    return String(repeating: " ", count: Swift.max(0, padLeft + padRight + 1 - r.count)) + r
                }
                let parts = strs[i].split(separator: ".", omittingEmptySubsequences: false)
                return String(repeating: " ", count: padLeft - parts[0].count) + strs[i]
                    + String(repeating: " ", count: padRight - parts[1].count)
            }
        }
    }

    static func scientificStrings(_ vals: [Double], dtype: DType) -> [String] {
        let parts: [(mantissa: String, exponent: Int)] = vals.map { $0.isFinite ? scientific($0, dtype: dtype) : ("", 0) }
        let finite = vals.indices.filter { vals[$0].isFinite }
        let precision = finite.map { parts[$0].mantissa.split(separator: ".", omittingEmptySubsequences: false)[1].count }.max() ?? 0
        let padLeft = finite.map { parts[$0].mantissa.split(separator: ".", omittingEmptySubsequences: false)[0].count }.max() ?? 0
        let expSize = finite.map { String(Swift.abs(parts[$0].exponent)).count }.max().map { Swift.max($0, 2) } ?? 2
        return vals.indices.map { i in
            if !vals[i].isFinite {
                let r = vals[i].isNaN ? "nan" : (vals[i] < 0 ? "-inf" : "inf")
                let width = padLeft + 1 + precision + 2 + expSize
                return String(repeating: " ", count: Swift.max(0, width - r.count)) + r
            }
            let m = parts[i].mantissa.split(separator: ".", omittingEmptySubsequences: false)
            let frac = String(m[1]) + String(repeating: "0", count: precision - m[1].count)
            let e = parts[i].exponent
            let es = String(Swift.abs(e))
            return String(repeating: " ", count: padLeft - m[0].count) + m[0] + "." + frac + "e" + (e < 0 ? "-" : "+")
                + String(repeating: "0", count: expSize - es.count) + es
        }
    }

    // MARK: layout (numpy `_formatArray`, legacy=False)

    static func layout(_ t: Tensor, separator: String, prefix: String, suffix: String) -> String {
        let words = elementStrings(t)
        let lineWidth = 75 - suffix.count
        let nextLinePrefix = " " + String(repeating: " ", count: prefix.count)
        let strides = t.strides
        let sepStripped = String(separator.reversed().drop(while: { $0 == " " }).reversed())

        func recurse(_ dim: Int, _ offset: Int, _ hangingIndent: String, _ currWidth: Int) -> String {
            let axesLeft = t.rank - dim
            if axesLeft == 0 { return words[offset] }
            let nextHanging = hangingIndent + " "
            let nextWidth = currWidth - 1
            let n = t.shape[dim]
            var s = ""
            if axesLeft == 1 {
                let elemWidth = currWidth - Swift.max(sepStripped.count, 1)
                var line = hangingIndent
                func extend(_ word: String, _ width: Int) {
                    var needsWrap = line.count + word.count > width
                    if line.count <= hangingIndent.count { needsWrap = false }
                    if needsWrap {
                        s += String(line.reversed().drop(while: { $0 == " " }).reversed()) + "\n"
                        line = hangingIndent
                    }
                    line += word
                }
                for i in 0..<Swift.max(n - 1, 0) {
                    extend(recurse(dim + 1, offset + i * strides[dim], nextHanging, nextWidth), elemWidth)
                    line += separator
                }
                if n > 0 { extend(recurse(dim + 1, offset + (n - 1) * strides[dim], nextHanging, nextWidth), elemWidth) }
                s += line
            } else {
                let lineSep = sepStripped + String(repeating: "\n", count: axesLeft - 1)
                for i in 0..<Swift.max(n - 1, 0) {
                    s += hangingIndent + recurse(dim + 1, offset + i * strides[dim], nextHanging, nextWidth) + lineSep
                }
                if n > 0 { s += hangingIndent + recurse(dim + 1, offset + (n - 1) * strides[dim], nextHanging, nextWidth) }
            }
            return "[" + s.dropFirst(hangingIndent.count) + "]"
        }
        return recurse(0, 0, nextLinePrefix, lineWidth)
    }
}

private extension Substring {
    /// `1.50000000` → `1.5`, `2.00000000` → `2.` (the mantissa of a rounded `%.8e`).
    func replacingZeros() -> String {
        var s = String(self)
        while s.hasSuffix("0") { s.removeLast() }
        return s
    }
}
