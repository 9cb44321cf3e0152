/// The `.safetensors` format (huggingface/safetensors): an 8-byte little-endian header length N,
/// N bytes of JSON `{"name": {"dtype": "F32", "shape": [2, 3], "data_offsets": [begin, end]}, …,
/// "__metadata__": {str: str}}`, then the data buffer the offsets index (little-endian, C order).
/// Read: F64 F32 F16 BF16 I64 I32 I16 I8 U8 U16 U32 U64 BOOL (U16, U32, U64 widen to int64, trick
/// having no such dtypes); written: each of trick's dtypes as its own, the header padded with spaces to 8 bytes and
/// the tensors laid out as the library lays them (by dtype size, largest first, then by name).
public enum Safetensors {
    static let elements: [String: TensorBytes.Element] = [
        "F64": .f64, "F32": .f32, "F16": .f16, "BF16": .bf16, "I64": .i64, "I32": .i32, "I16": .i16, "I8": .i8,
        "U8": .u8, "U16": .u16, "U32": .u32, "U64": .u64, "BOOL": .bool,
    ]

    /// The tensors in the header's order, and the metadata.
    public static func read(_ b: [UInt8]) throws -> (tensors: [(String, Tensor)], metadata: [String: String]) {
        guard b.count >= 8 else { throw CoreError("not a .safetensors file (shorter than its 8-byte header length)") }
        let n = (0..<8).reduce(0) { $0 | Int(b[$1]) << (8 * $1) }
        guard n >= 2, n <= b.count - 8 else { throw CoreError("not a .safetensors file (header length \(n) for \(b.count) bytes)") }
        guard case .object(let header) = try HeaderJSON.parse(b[8..<(8 + n)]) else {
            throw CoreError("a .safetensors header that is not a JSON object")
        }
        var metadata: [String: String] = [:]
        var entries: [(String, Tensor, Int)] = []
        let base = 8 + n
        for (name, v) in header {
            if name == "__metadata__" {
                if case .object(let m) = v { for (k, x) in m { metadata[k] = x.string ?? "" } }
                continue
            }
            guard let dt = v["dtype"]?.string, let shape = v["shape"]?.ints, let offsets = v["data_offsets"]?.ints, offsets.count == 2 else {
                throw CoreError("the .safetensors entry '\(name)' lacks dtype, shape or data_offsets")
            }
            guard let e = elements[dt] else { throw CoreError("the .safetensors entry '\(name)' has dtype \(dt), which trick does not read", kind: "TypeError") }
            let count = try Tensor.elementCount(shape)
            guard offsets[0] >= 0, offsets[1] - offsets[0] == count * e.size, base + offsets[1] <= b.count else {
                throw CoreError("the .safetensors entry '\(name)': data_offsets \(offsets) do not hold \(count) \(dt) elements")
            }
            entries.append((name, try TensorBytes.decode(b, offset: base + offsets[0], e, shape: shape), offsets[0]))
        }
        return (entries.sorted { $0.2 < $1.2 || ($0.2 == $1.2 && $0.0 < $1.0) }.map { ($0.0, $0.1) }, metadata)
    }

    public static func write(_ tensors: [(String, Tensor)], metadata: [String: String]? = nil) throws -> [UInt8] {
        func dtypeName(_ d: DType) -> String { elements.first { $0.value == TensorBytes.Element.of(d) }!.key }
        let ordered = tensors.sorted { a, b in
            let sa = TensorBytes.Element.of(a.1.dtype).size, sb = TensorBytes.Element.of(b.1.dtype).size
            return sa != sb ? sa > sb : a.0 < b.0
        }
        var parts: [String] = []
        if let metadata {
            let m = metadata.sorted { $0.key < $1.key }.map { "\(quoted($0.key)):\(quoted($0.value))" }
            parts.append("\"__metadata__\":{" + m.joined(separator: ",") + "}")
        }
        var data: [UInt8] = []
        for (name, t) in ordered {
            let begin = data.count
            data += TensorBytes.encode(t)
            parts.append("\(quoted(name)):{\"dtype\":\"\(dtypeName(t.dtype))\",\"shape\":[\(t.shape.map(String.init).joined(separator: ","))],\"data_offsets\":[\(begin),\(data.count)]}")
        }
        var header = Array(("{" + parts.joined(separator: ",") + "}").utf8)
        header += [UInt8](repeating: 0x20, count: (8 - header.count % 8) % 8)
        let n = header.count
        return (0..<8).map { UInt8((n >> (8 * $0)) & 0xFF) } + header + data
    }

    static func quoted(_ s: String) -> String { HeaderJSON.quoted(s) }
}
