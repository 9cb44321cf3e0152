#if canImport(Glibc)
import Glibc
#endif

/// Formats tensors exactly as torch's `str(tensor)` (torch/_tensor_str.py with the default
/// print options: precision 4, threshold 1000, edgeitems 3, linewidth 80).
///
/// - One `_Formatter` for the whole tensor (built from the summarised data): a shared width;
///   floats are in "int mode" (`1.`, `-3.`) when every finite non-zero value is integral,
///   scientific (`1.0000e-05`) when max/min of the finite non-zero magnitudes exceeds 1000, the
///   max exceeds 1e8, or (non-int mode) the min is below 1e-4; fixed `%.4f` otherwise.
/// - Rows wrap at 80 columns, nested brackets indent by one per level, blank lines separate
///   3-D+ slices, more than 1000 elements summarise with `...` keeping 3 edge items.
/// - Suffixes: `dtype=torch.float64` (`torch.int8`, …) for dtypes other than float32, int64, bool, `size=(0, 4)` for empty tensors.
public enum TensorFormatter {
    static let precision = 4, threshold = 1000, edgeItems = 3, lineWidth = 80

    /// `extraSuffixes` follow the dtype, as torch adds `grad_fn=<MulBackward0>` or `requires_grad=True`.
    public static func format(_ t: Tensor, extraSuffixes: [String] = []) -> String {
        let prefix = "tensor("
        let indent = prefix.count
        var suffixes: [String] = []
        let body: String
        if t.count == 0 {
            if t.rank != 1 { suffixes.append("size=" + Tensor.formatShape(t.shape)) }
            if t.dtype != .float32 { suffixes.append("dtype=torch.\(t.dtype.rawValue)") }
            body = "[]"
        } else {
            // torch omits only the defaults: float32, int64 and bool
            if ![DType.float32, .int64, .bool].contains(t.dtype) { suffixes.append("dtype=\(dtypeName(t.dtype))") }
            body = tensorString(t, indent: indent)
        }
        return addSuffixes(prefix + body, suffixes + extraSuffixes, indent: indent)
    }

    /// `dtype` as torch prints it (`torch.float32`).
    public static func dtypeName(_ d: DType) -> String { "torch.\(d.rawValue)" }

    static func addSuffixes(_ s: String, _ suffixes: [String], indent: Int) -> String {
        var out = s
        let chars = Array(s)
        var lastLineLen: Int
        if let nl = chars.lastIndex(of: "\n") { lastLineLen = chars.count - nl + 1 } else { lastLineLen = chars.count + 2 }
        for suffix in suffixes {
            if lastLineLen + suffix.count + 2 > lineWidth {
                out += ",\n" + String(repeating: " ", count: indent) + suffix
                lastLineLen = indent + suffix.count
            } else {
                out += ", " + suffix
                lastLineLen += suffix.count + 2
            }
        }
        return out + ")"
    }

    // MARK: the element formatter (torch `_Formatter`)

    struct Formatter {
        enum Kind { case float, int, bool }
        var kind: Kind
        var intMode = true
        var sciMode = false
        var maxWidth = 1

        init(_ t: Tensor, sample: [Int]) {
            switch t.storage {
            case .bool(let a):
                kind = .bool
                for i in sample { maxWidth = Swift.max(maxWidth, a[i] ? 4 : 5) }
            case .int64(let a):
                kind = .int
                for i in sample { maxWidth = Swift.max(maxWidth, String(a[i]).count) }
            default:
                kind = .float
                let vals = sample.map { t.double(at: $0) }.filter { $0.isFinite && $0 != 0 }
                if vals.isEmpty { return }
                let abs = vals.map { Swift.abs($0) }
                let mn = abs.min()!, mx = abs.max()!
                for v in vals where v != v.rounded(.up) { intMode = false; break }
                if intMode {
                    if mx / mn > 1000 || mx > 1e8 {
                        sciMode = true
                        for v in vals { maxWidth = Swift.max(maxWidth, TensorFormatter.c("%.\(precision)e", v).count) }
                    } else {
                        for v in vals { maxWidth = Swift.max(maxWidth, TensorFormatter.c("%.0f", v).count + 1) }
                    }
                } else {
                    if mx / mn > 1000 || mx > 1e8 || mn < 1e-4 {
                        sciMode = true
                        for v in vals { maxWidth = Swift.max(maxWidth, TensorFormatter.c("%.\(precision)e", v).count) }
                    } else {
                        for v in vals { maxWidth = Swift.max(maxWidth, TensorFormatter.c("%.\(precision)f", v).count) }
                    }
                }
            }
        }

        func format(_ t: Tensor, _ i: Int) -> String {
            var ret: String
            switch kind {
            case .bool: ret = t.double(at: i) != 0 ? "True" : "False"
            case .int: ret = String(t.int64(at: i))
            case .float:
                let v = t.double(at: i)
                if sciMode {
                    ret = TensorFormatter.c("%.\(precision)e", v)
                } else if intMode {
                    ret = TensorFormatter.c("%.0f", v)
                    if v.isFinite { ret += "." }
                } else {
                    ret = TensorFormatter.c("%.\(precision)f", v)
                }
            }
            return ret.count < maxWidth ? String(repeating: " ", count: maxWidth - ret.count) + ret : ret
        }
    }

    /// Python's `format(value, spec)` for the specs torch uses (`.4f`, `.4e`, `.0f`), through C's
    /// correctly rounded printf; non-finite values as Python spells them.
    static func c(_ fmt: String, _ v: Double) -> String {
        if v.isNaN { return "nan" }
        if v.isInfinite { return v < 0 ? "-inf" : "inf" }
        var buf = [CChar](repeating: 0, count: 512)
        _ = withVaList([v]) { args in
            buf.withUnsafeMutableBufferPointer { p in vsnprintf(p.baseAddress, 512, fmt, args) }
        }
        return String(cString: buf)
    }

    // MARK: layout (torch `_tensor_str_with_formatter`)

    /// Flat indices of the elements the formatter sees (`get_summarized_data`).
    static func sampleIndices(_ t: Tensor, summarize: Bool) -> [Int] {
        if !summarize { return Array(0..<t.count) }
        let st = t.strides
        var out: [Int] = []
        func walk(_ dim: Int, _ off: Int) {
            if dim == t.rank { out.append(off); return }
            let n = t.shape[dim]
            let idx: [Int] = n > 2 * edgeItems ? Array(0..<edgeItems) + Array((n - edgeItems)..<n) : Array(0..<n)
            for i in idx { walk(dim + 1, off + i * st[dim]) }
        }
        walk(0, 0)
        return out
    }

    static func tensorString(_ t: Tensor, indent: Int) -> String {
        let summarize = t.count > threshold
        let f = Formatter(t, sample: sampleIndices(t, summarize: summarize))
        let st = t.strides
        func vector(_ off: Int, _ dim: Int, _ indent: Int) -> String {
            let n = t.shape[dim]
            let elementLength = f.maxWidth + 2
            let perLine = Swift.max(1, (lineWidth - indent) / elementLength)
            var data: [String]
            if summarize && n > 2 * edgeItems {
                data = (0..<edgeItems).map { f.format(t, off + $0 * st[dim]) } + [" ..."]
                    + ((n - edgeItems)..<n).map { f.format(t, off + $0 * st[dim]) }
            } else {
                data = (0..<n).map { f.format(t, off + $0 * st[dim]) }
            }
            var lines: [String] = []
            var i = 0
            while i < data.count {
                lines.append(data[i..<Swift.min(i + perLine, data.count)].joined(separator: ", "))
                i += perLine
            }
            return "[" + lines.joined(separator: ",\n" + String(repeating: " ", count: indent + 1)) + "]"
        }
        func rec(_ off: Int, _ dim: Int, _ indent: Int) -> String {
            let remaining = t.rank - dim
            if remaining == 0 { return f.format(t, off) }
            if remaining == 1 { return vector(off, dim, indent) }
            let n = t.shape[dim]
            var slices: [String]
            if summarize && n > 2 * edgeItems {
                slices = (0..<edgeItems).map { rec(off + $0 * st[dim], dim + 1, indent + 1) } + ["..."]
                    + ((n - edgeItems)..<n).map { rec(off + $0 * st[dim], dim + 1, indent + 1) }
            } else {
                slices = (0..<n).map { rec(off + $0 * st[dim], dim + 1, indent + 1) }
            }
            let sep = "," + String(repeating: "\n", count: remaining - 1) + String(repeating: " ", count: indent + 1)
            return "[" + slices.joined(separator: sep) + "]"
        }
        return rec(0, 0, indent)
    }
}
