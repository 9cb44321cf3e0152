/// `F.pad(input, pad, mode='constant', value=0)`: torch's `constant_pad_nd`.
extension Tensor {
    /// Pads (or, for negative amounts, crops) the last `pad.count / 2` dimensions: `pad` is
    /// `(left, right)` of the last dimension, then of the one before, …, as torch. Padded
    /// elements are `value` (in the tensor's dtype).
    public func constantPadded(_ pad: [Int], value: Double = 0) throws -> Tensor {
        guard pad.count % 2 == 0 else { throw CoreError("Padding length must be divisible by 2", kind: "RuntimeError") }
        guard pad.count / 2 <= rank else {
            throw CoreError("Padding length should be less than or equal to two times the input dimension but got padding length \(pad.count) and input of dimension \(rank)", kind: "RuntimeError")
        }
        var before = [Int](repeating: 0, count: rank), out = shape
        for i in 0..<pad.count / 2 {
            let d = rank - 1 - i
            before[d] = pad[2 * i]
            out[d] = shape[d] + pad[2 * i] + pad[2 * i + 1]
            guard out[d] >= 0 else {
                throw CoreError("The input size \(shape[d]), plus negative padding \(pad[2 * i]) and \(pad[2 * i + 1]) resulted in a negative output size, which is invalid. Check dimension \(d) of your input.", kind: "RuntimeError")
            }
        }
        let n = try Tensor.checkedAllocationCount(out, dtype: dtype)
        // the source offset of every output element; `count` (one past the input) is the fill value
        let inStrides = strides, outStrides = Tensor.contiguousStrides(out)
        var offsets = [Int](repeating: count, count: n)
        for o in 0..<n {
            var rest = o, src = 0, inside = true
            for d in 0..<rank {
                let i = rest / Swift.max(outStrides[d], 1) - before[d]
                rest %= Swift.max(outStrides[d], 1)
                if i < 0 || i >= shape[d] { inside = false; break }
                src += i * inStrides[d]
            }
            if inside { offsets[o] = src }
        }
        let withFill = try Tensor.cat([try reshaped([count]), try Tensor.full([1], value, dtype: dtype)], dim: 0)
        return Tensor(shape: out, storage: withFill.storage.map(OffsetGather(offsets: offsets))).rounded(like: self)
    }
}
