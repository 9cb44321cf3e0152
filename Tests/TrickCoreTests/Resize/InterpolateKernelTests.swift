import XCTest
@testable import TrickCore

/// The fast 'nearest' and 'bicubic' kernels against the per-pixel reference loops they replace
/// (`nearestGather`, `bicubic2d`), bit for bit, on random shapes (up- and downsampling, sizes of 1,
/// scale factors, align_corners) with NaN / ±inf / huge values mixed in, and on maps large enough to
/// be split over the cores; bicubic in float32 (AVX2 and Swift builds) and float64.
final class InterpolateKernelTests: XCTestCase {
    static func values(_ r: inout SplitMix, _ n: Int) -> [Float] {
        var x = (0..<n).map { _ in r.range(-4, 4) }
        for _ in 0..<(n / 50 + 1) where n > 0 {
            x[r.int(n)] = [Float.nan, .infinity, -.infinity, 3e38, -3e38, 0, -0.0][r.int(7)]
        }
        return x
    }

    static func sameBits<F: BinaryFloatingPoint>(_ a: [F], _ b: [F]) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { x, y in (x.isNaN && y.isNaN) || x == y && x.sign == y.sign }
    }

    func testBicubicSeparableMatchesReference() {
        var r = SplitMix(seed: 23)
        defer { VectorKernels.useAVX2 = Gemm.hasAVX2 }
        for c in 0..<120 {
            let big = c % 40 == 39
            let planes = big ? 6 : 1 + r.int(5)
            let inH = big ? 64 : 1 + r.int(20), inW = big ? 96 : 1 + r.int(20)
            let outH = big ? 256 : 1 + r.int(45), outW = big ? 384 : 1 + r.int(45)
            let align = r.int(2) == 0
            let sH: Double? = r.int(3) == 0 ? Double(outH) / Double(inH) : nil
            let sW: Double? = r.int(3) == 0 ? Double(outW) / Double(inW) + 0.01 : nil
            let x = Self.values(&r, planes * inH * inW)
            let ref = Interpolate.bicubic2d(x, planes, inH, inW, outH, outW, sH, sW, align)
            VectorKernels.useAVX2 = Gemm.hasAVX2
            let fast = Interpolate.bicubicSeparable(x, planes, inH, inW, outH, outW, sH, sW, align)
            VectorKernels.useAVX2 = false
            let swift = Interpolate.bicubicSeparable(x, planes, inH, inW, outH, outW, sH, sW, align)
            XCTAssertTrue(Self.sameBits(fast, ref), "case \(c): \(planes)×\(inH)×\(inW) → \(outH)×\(outW) align \(align)")
            XCTAssertTrue(Self.sameBits(swift, ref), "case \(c) (Swift build)")
            let xd = x.map(Double.init)
            let refD = Interpolate.bicubic2d(xd, planes, inH, inW, outH, outW, sH, sW, align)
            XCTAssertTrue(Self.sameBits(Interpolate.bicubicSeparable(xd, planes, inH, inW, outH, outW, sH, sW, align), refD), "case \(c) (float64)")
        }
    }

    func testNearestRowsMatchGather() throws {
        var r = SplitMix(seed: 7)
        for c in 0..<150 {
            let big = c % 50 == 49
            let planes = big ? 8 : 1 + r.int(4)
            let inH = big ? 64 : 1 + r.int(20), inW = big ? 128 : 1 + r.int(20)
            let outH = big ? 256 : 1 + r.int(50), outW = big ? 512 : 1 + r.int(50)
            let exact = r.int(2) == 0
            let kernel: Interpolate.NearestKernel = [.nearestIdx, .generic(float64: false), .generic(float64: true)][r.int(3)]
            let sH: Double? = r.int(3) == 0 ? Double(outH) / Double(inH) : nil
            let hi = Interpolate.nearestIndices(inH, outH, sH, exact: exact, kernel: kernel)
            let wi = Interpolate.nearestIndices(inW, outW, nil, exact: exact, kernel: kernel)
            let x = Self.values(&r, planes * inH * inW)
            XCTAssertTrue(Self.sameBits(Interpolate.nearestRows(x, planes, inH, inW, outH, outW, hi, wi),
                                        Interpolate.nearestGather(x, planes, inH, inW, outH, outW, hi, wi)), "case \(c)")
            let xi = x.indices.map { Int64($0) &* 7919 }
            XCTAssertEqual(Interpolate.nearestRows(xi, planes, inH, inW, outH, outW, hi, wi),
                           Interpolate.nearestGather(xi, planes, inH, inW, outH, outW, hi, wi), "case \(c) (int64)")
            let xb = x.map { $0 > 0 }
            XCTAssertEqual(Interpolate.nearestRows(xb, planes, inH, inW, outH, outW, hi, wi),
                           Interpolate.nearestGather(xb, planes, inH, inW, outH, outW, hi, wi), "case \(c) (bool)")
        }
        // through the public entry point, an empty batch and a 1×1 map
        XCTAssertEqual(try Interpolate.interpolate(Tensor(shape: [0, 3, 4, 4], float32: []), size: [8, 8]).shape, [0, 3, 8, 8])
        XCTAssertEqual(try Interpolate.interpolate(Tensor(shape: [1, 1, 1, 1], float32: [5]), size: [2, 3]).floats, [5, 5, 5, 5, 5, 5])
        XCTAssertEqual(try Interpolate.interpolate(Tensor(shape: [1, 1, 1, 1], float32: [5]), size: [2, 2], mode: .bicubic, alignCorners: false).floats,
                       [5, 5, 5, 5])
    }
}
