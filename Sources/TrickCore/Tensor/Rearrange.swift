/// Rearrangements computed as flat source offsets: the output's element `i` is the input's
/// element `offsets[i]` (a negative offset reads 0). One offset table serves the forward (a
/// gather) and the gradient (the scatter-add of the output's gradient back to the offsets), so
/// pixel_shuffle, reflection / replication padding, unfold (im2col), fold (col2im), embedding
/// and the diagonals einsum takes share one kernel.
extension Tensor {
    /// The elements at `offsets` (row-major) as a tensor of `shape`; negative offsets give 0.
    public func reindexed(_ shape: [Int], offsets: [Int]) throws -> Tensor {
        if offsets.contains(where: { $0 < 0 }) {
            let zero = try Tensor.zeros([1], dtype: dtype)
            let padded = try Tensor.cat([try reshaped([-1]), zero], dim: 0)
            let n = count
            return try padded.reindexed(shape, offsets: offsets.map { $0 < 0 ? n : $0 })
        }
        return Tensor(shape: shape, storage: storage.map(OffsetGather(offsets: offsets))).keepingDType(of: self)
    }
}

/// Offset tables of the rearranging ops, as torch defines each one.
public enum Rearrange {
    /// `pixel_shuffle(x, r)`: (*, C·r², H, W) → (*, C, H·r, W·r),
    /// `out[…, c, h·r+i, w·r+j] = in[…, c·r²+i·r+j, h, w]`.
    public static func pixelShuffle(_ shape: [Int], _ r: Int) throws -> (shape: [Int], offsets: [Int]) {
        guard shape.count >= 3 else {
            throw CoreError("pixel_shuffle expects input to have at least 3 dimensions, but got input with \(shape.count) dimension(s)", kind: "RuntimeError")
        }
        guard r > 0 else { throw CoreError("pixel_shuffle expects a positive upscale_factor, but got \(r)", kind: "RuntimeError") }
        let (c, h, w) = (shape[shape.count - 3], shape[shape.count - 2], shape[shape.count - 1])
        guard c % (r * r) == 0 else {
            throw CoreError("pixel_shuffle expects its input's 'channel' dimension to be divisible by the square of upscale_factor, but input.size(-3)=\(c) is not divisible by \(r * r)", kind: "RuntimeError")
        }
        let oc = c / (r * r), batch = Tensor.product(shape.dropLast(3))
        let out = Array(shape.dropLast(3)) + [oc, h * r, w * r]
        var offsets: [Int] = []
        offsets.reserveCapacity(batch * c * h * w)
        for b in 0..<batch {
            for ch in 0..<oc {
                for y in 0..<(h * r) {
                    for x in 0..<(w * r) {
                        let src = ch * r * r + (y % r) * r + x % r
                        offsets.append(((b * c + src) * h + y / r) * w + x / r)
                    }
                }
            }
        }
        return (out, offsets)
    }

    /// `pixel_unshuffle(x, r)`: the inverse of pixel_shuffle, (*, C, H·r, W·r) → (*, C·r², H, W).
    public static func pixelUnshuffle(_ shape: [Int], _ r: Int) throws -> (shape: [Int], offsets: [Int]) {
        guard shape.count >= 3 else {
            throw CoreError("pixel_unshuffle expects input to have at least 3 dimensions, but got input with \(shape.count) dimension(s)", kind: "RuntimeError")
        }
        guard r > 0 else { throw CoreError("pixel_unshuffle expects a positive downscale_factor, but got \(r)", kind: "RuntimeError") }
        let (c, h, w) = (shape[shape.count - 3], shape[shape.count - 2], shape[shape.count - 1])
        guard h % r == 0, w % r == 0 else {
            throw CoreError("pixel_unshuffle expects height and width to be divisible by downscale_factor, but got height=\(h), width=\(w) and downscale_factor=\(r)", kind: "RuntimeError")
        }
        let (oh, ow) = (h / r, w / r), batch = Tensor.product(shape.dropLast(3))
        let out = Array(shape.dropLast(3)) + [c * r * r, oh, ow]
        var offsets: [Int] = []
        offsets.reserveCapacity(batch * c * h * w)
        for b in 0..<batch {
            for och in 0..<(c * r * r) {
                let ch = och / (r * r), i = (och / r) % r, j = och % r
                for y in 0..<oh {
                    for x in 0..<ow { offsets.append(((b * c + ch) * h + y * r + i) * w + x * r + j) }
                }
            }
        }
        return (out, offsets)
    }

    public enum PadMode: String { case reflect, replicate, circular }

    /// `F.pad(x, pad, mode)` for reflect / replicate / circular over the last `pad.count / 2`
    /// dimensions (pad as torch: last dimension first, (left, right, top, bottom, …)); negative
    /// amounts crop, as torch.
    public static func pad(_ shape: [Int], _ pad: [Int], mode: PadMode) throws -> (shape: [Int], offsets: [Int]) {
        guard pad.count % 2 == 0, pad.count / 2 <= shape.count else {
            throw CoreError("Padding length must be divisible by 2 and at most twice the input's dimensions, got \(pad.count) for an input of \(shape.count) dimensions", kind: "RuntimeError")
        }
        let k = pad.count / 2
        var out = shape
        var maps: [[Int]] = []   // for each padded dim (outermost first), the source index of each output index
        for i in 0..<k {
            let d = shape.count - k + i
            let (lo, hi) = (pad[2 * (k - 1 - i)], pad[2 * (k - 1 - i) + 1])
            let n = shape[d], m = n + lo + hi
            switch mode {
            case .reflect:
                guard lo < n, hi < n else {
                    throw CoreError("Argument #4: Padding size should be less than the corresponding input dimension, but got: padding (\(lo), \(hi)) at dimension \(d) of input \(Tensor.formatShape(shape))", kind: "RuntimeError")
                }
            case .circular:
                guard lo <= n, hi <= n else { throw CoreError("Padding value causes wrapping around more than once.", kind: "RuntimeError") }
            case .replicate:
                guard n > 0 || m == 0 else { throw CoreError("padding of an empty dimension \(d) with mode 'replicate'", kind: "RuntimeError") }
            }
            guard m >= 0 else { throw CoreError("The input size \(n), plus negative padding \(lo) and \(hi) resulted in a negative output size, which is invalid. Check dimension \(d) of your input.", kind: "RuntimeError") }
            out[d] = m
            maps.append((0..<m).map { o in
                let p = o - lo
                switch mode {
                case .reflect: return p < 0 ? -p : p >= n ? 2 * (n - 1) - p : p
                case .replicate: return Swift.min(Swift.max(p, 0), n - 1)
                case .circular: return ((p % n) + n) % n
                }
            })
        }
        let st = Tensor.contiguousStrides(shape)
        let outer = Tensor.product(shape.dropLast(k)), outerStride = k == shape.count ? 0 : st[shape.count - k - 1]
        var offsets: [Int] = []
        offsets.reserveCapacity(Tensor.product(out))
        var idx = [Int](repeating: 0, count: k)
        let inner = Array(out.suffix(k))
        for o in 0..<outer {
            if inner.contains(0) { break }
            idx = [Int](repeating: 0, count: k)
            while true {
                var off = o * outerStride
                for i in 0..<k { off += maps[i][idx[i]] * st[shape.count - k + i] }
                offsets.append(off)
                var i = k - 1
                while i >= 0 { idx[i] += 1; if idx[i] < inner[i] { break }; idx[i] = 0; i -= 1 }
                if i < 0 { break }
            }
        }
        return (out, offsets)
    }

    /// `F.unfold(x, kernel_size, dilation, padding, stride)` (im2col): (N, C, H, W) →
    /// (N, C·kh·kw, L), padded positions read 0 (offset −1). `fold` is its adjoint with the
    /// same table for the (N, C, H, W) it produces.
    public static func im2col(_ shape: [Int], kernel: (Int, Int), dilation: (Int, Int), padding: (Int, Int),
                              stride: (Int, Int)) throws -> (shape: [Int], offsets: [Int], blocks: (Int, Int)) {
        guard shape.count == 4 else {
            throw CoreError("Input Error: Only 4D input Tensors are supported (got \(shape.count)D)", kind: "RuntimeError")
        }
        let (n, c, h, w) = (shape[0], shape[1], shape[2], shape[3])
        for (name, v, low) in [("kernel_size", kernel, 1), ("dilation", dilation, 1), ("stride", stride, 1), ("padding", padding, 0)] where v.0 < low || v.1 < low {
            throw CoreError("\(name) should be \(low == 1 ? "greater than zero" : "non-negative"), but got \(name.split(separator: "_").first!)_height: \(v.0) \(name.split(separator: "_").first!)_width: \(v.1)", kind: "RuntimeError")
        }
        let bh = (h + 2 * padding.0 - dilation.0 * (kernel.0 - 1) - 1) / stride.0 + 1
        let bw = (w + 2 * padding.1 - dilation.1 * (kernel.1 - 1) - 1) / stride.1 + 1
        guard bh >= 1, bw >= 1 else {
            throw CoreError("Given input with spatial size (\(h), \(w)), kernel_size=(\(kernel.0), \(kernel.1)), dilation=(\(dilation.0), \(dilation.1)), padding=(\(padding.0), \(padding.1)), calculated shape of the array of sliding blocks as (\(bh), \(bw)), but its components must be at least one.", kind: "RuntimeError")
        }
        let rows = c * kernel.0 * kernel.1, l = bh * bw
        var offsets = [Int](repeating: -1, count: n * rows * l)
        for img in 0..<n {
            for row in 0..<rows {
                let ch = row / (kernel.0 * kernel.1), i = (row / kernel.1) % kernel.0, j = row % kernel.1
                for by in 0..<bh {
                    let y = by * stride.0 - padding.0 + i * dilation.0
                    guard y >= 0 && y < h else { continue }
                    for bx in 0..<bw {
                        let x = bx * stride.1 - padding.1 + j * dilation.1
                        if x >= 0 && x < w { offsets[(img * rows + row) * l + by * bw + bx] = ((img * c + ch) * h + y) * w + x }
                    }
                }
            }
        }
        return ([n, rows, l], offsets, (bh, bw))
    }
}
