#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Class-weight derivations for class-balanced losses (reference/losses-ohem-pixel.md §8).
/// Counts `n_c` are pixel counts per class; `f_c = n_c / Σn`.
public enum ClassWeights {
    /// The Cityscapes weights of the MMSegmentation docs ("DeepLab used this class weight for
    /// cityscapes"), 19 values in trainId order, mean ≈ 1.
    public static let cityscapes: [Double] = [
        0.8373, 0.9180, 0.8660, 1.0345, 1.0166, 0.9969, 0.9754, 1.0489, 0.8786, 1.0023,
        0.9539, 0.9843, 1.1116, 0.9037, 1.0865, 1.0955, 1.0865, 1.1529, 1.0507,
    ]

    /// Pixel count per class over label maps; labels equal to `ignoreIndex` or outside
    /// `[0, numClasses)` are not counted.
    public static func pixelCounts(_ labels: [Int64], numClasses: Int, ignoreIndex: Int64? = 255) -> [Int] {
        var c = [Int](repeating: 0, count: numClasses)
        for v in labels where v != ignoreIndex && v >= 0 && v < Int64(numClasses) { c[Int(v)] += 1 }
        return c
    }

    static func normalizedToC(_ w: [Double]) -> [Double] {
        let s = w.reduce(0, +)
        return w.map { $0 * Double(w.count) / s }
    }

    /// Inverse frequency `1/f_c`; with `normalize`, rescaled to sum to C (`w·C/Σw`). A class with
    /// no pixels gets weight 0 (instead of infinity) before normalising.
    public static func inverseFrequency(_ counts: [Double], normalize: Bool = true) throws -> [Double] {
        let total = counts.reduce(0, +)
        guard total > 0 else { throw CoreError("inverse_frequency: counts sum to 0") }
        let w = counts.map { $0 > 0 ? total / $0 : 0 }
        return normalize ? normalizedToC(w) : w
    }

    /// ENet (Paszke et al. 2016, davidtvs/PyTorch-ENet `enet_weighing`): `1 / ln(c + f_c)`, c = 1.02.
    public static func enet(_ counts: [Double], c: Double = 1.02) throws -> [Double] {
        let total = counts.reduce(0, +)
        guard total > 0 else { throw CoreError("enet_weights: counts sum to 0") }
        return counts.map { 1 / log(c + $0 / total) }
    }

    /// Median frequency balancing (Eigen & Fergus 2015; PyTorch-ENet `median_freq_balancing`):
    /// `freq_c = n_c / (pixels of the images in which c is present)`, `w_c = median(freq)/freq_c`
    /// (numpy median: mean of the two middle values for an even count). `perImageCounts[i][c]` is
    /// the count of class c in image i; `imagePixels[i]` that image's pixel count.
    public static func medianFrequency(perImageCounts: [[Double]], imagePixels: [Double]) throws -> [Double] {
        guard let nc = perImageCounts.first?.count else { throw CoreError("median_frequency: no images") }
        var classCount = [Double](repeating: 0, count: nc), present = [Double](repeating: 0, count: nc)
        for (img, px) in zip(perImageCounts, imagePixels) {
            guard img.count == nc else { throw CoreError("median_frequency: every image needs \(nc) class counts") }
            for c in 0..<nc {
                classCount[c] += img[c]
                if img[c] > 0 { present[c] += px }
            }
        }
        let freq = zip(classCount, present).map { $1 > 0 ? $0 / $1 : Double.nan }
        let sorted = freq.sorted { ($0.isNaN ? Double.infinity : $0) < ($1.isNaN ? Double.infinity : $1) }
        let med: Double
        if freq.contains(where: { $0.isNaN }) {
            med = .nan   // numpy's median propagates NaN
        } else {
            let m = sorted.count
            med = m % 2 == 1 ? sorted[m / 2] : (sorted[m / 2 - 1] + sorted[m / 2]) / 2
        }
        return freq.map { med / $0 }
    }

    /// Class-balanced weights by effective number of samples (Cui et al., CVPR 2019):
    /// `E_c = (1−β^{n_c})/(1−β)`, `w_c = 1/E_c`, normalised to sum to C.
    public static func effectiveNumber(_ counts: [Double], beta: Double = 0.999) throws -> [Double] {
        guard beta >= 0 && beta < 1 else { throw CoreError("effective_number: beta must be in [0, 1), got \(beta)") }
        let w = counts.map { (1 - beta) / (1 - pow(beta, $0)) }
        return normalizedToC(w)
    }
}

/// Reads a class-weight file as MMSeg `get_class_weight`: `.npy` (1-D float32/float64/int64,
/// little-endian) or a JSON list of numbers.
public enum ClassWeightFile {
    public static func load(_ path: String) throws -> [Double] {
        guard let f = fopen(path, "rb") else { throw CoreError("class_weight file '\(path)' cannot be opened") }
        defer { fclose(f) }
        var bytes: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = fread(&buf, 1, buf.count, f)
            if n <= 0 { break }
            bytes.append(contentsOf: buf[0..<n])
            if bytes.count > 64 << 20 { throw CoreError("class_weight file '\(path)' is too large") }
        }
        if path.hasSuffix(".npy") { return try npy(bytes, path) }
        return try jsonList(String(decoding: bytes, as: UTF8.self), path)
    }

    static func npy(_ b: [UInt8], _ path: String) throws -> [Double] {
        guard b.count >= 10, b[0] == 0x93, Array(b[1...5]) == Array("NUMPY".utf8) else {
            throw CoreError("'\(path)' is not a .npy file")
        }
        let major = b[6]
        let headerLen: Int, start: Int
        if major == 1 { headerLen = Int(b[8]) | Int(b[9]) << 8; start = 10 } else {
            guard b.count >= 12 else { throw CoreError("'\(path)': truncated .npy header") }
            headerLen = Int(b[8]) | Int(b[9]) << 8 | Int(b[10]) << 16 | Int(b[11]) << 24; start = 12
        }
        guard b.count >= start + headerLen else { throw CoreError("'\(path)': truncated .npy header") }
        let header = String(decoding: b[start..<(start + headerLen)], as: UTF8.self)
        guard !header.contains("'fortran_order': True") else { throw CoreError("'\(path)': Fortran-order .npy is not supported") }
        let data = Array(b[(start + headerLen)...])
        func le<T: FixedWidthInteger>(_ i: Int, _: T.Type) -> T {
            var v: T = 0
            for k in 0..<MemoryLayout<T>.size { v |= T(truncatingIfNeeded: data[i + k]) << (8 * k) }
            return v
        }
        if header.contains("'<f4'") {
            return stride(from: 0, to: data.count - 3, by: 4).map { Double(Float(bitPattern: le($0, UInt32.self))) }
        } else if header.contains("'<f8'") {
            return stride(from: 0, to: data.count - 7, by: 8).map { Double(bitPattern: le($0, UInt64.self)) }
        } else if header.contains("'<i8'") {
            return stride(from: 0, to: data.count - 7, by: 8).map { Double(Int64(bitPattern: le($0, UInt64.self))) }
        }
        throw CoreError("'\(path)': unsupported .npy dtype (need <f4, <f8 or <i8): \(header)")
    }

    static func jsonList(_ s: String, _ path: String) throws -> [Double] {
        let t = s.filter { !$0.isWhitespace }
        guard t.hasPrefix("["), t.hasSuffix("]") else {
            throw CoreError("class_weight file '\(path)' must hold a JSON list of numbers")
        }
        let inner = t.dropFirst().dropLast()
        if inner.isEmpty { return [] }
        return try inner.split(separator: ",").map {
            guard let d = Double(String($0)) else { throw CoreError("class_weight file '\(path)': '\($0)' is not a number") }
            return d
        }
    }
}
