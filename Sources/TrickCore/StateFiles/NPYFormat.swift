/// numpy's `.npy` format (numpy/lib/format.py), versions 1.0–3.0: the magic `\x93NUMPY`, the
/// version, a little-endian header length (2 bytes in 1.0, 4 in 2.0 / 3.0), a Python dict literal
/// `{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }` padded with spaces and a newline
/// to a multiple of 64 bytes, then the data. Read: the numeric descrs (`<f2 <f4 <f8 |i1 <i2 <i4
/// <i8 |u1 <u2 <u4 <u8 |b1`, big-endian `>` too) in C or Fortran order; written: version 1.0 in C
/// order, as `np.save` writes trick's dtypes (`<f2 <f4 <f8 |i1 <i2 <i4 <i8 |u1 |b1`; bfloat16, which
/// numpy lacks, as `<f4`).
public enum NPYFormat {
    static let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]

    public static func read(_ bytes: [UInt8]) throws -> Tensor {
        guard bytes.count >= 10, Array(bytes[0..<6]) == magic else { throw CoreError("not a .npy file (no \\x93NUMPY magic)") }
        let major = bytes[6]
        let headerLength: Int, start: Int
        switch major {
        case 1:
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
            start = 10
        case 2, 3:
            guard bytes.count >= 12 else { throw CoreError("a truncated .npy header") }
            headerLength = (0..<4).reduce(0) { $0 | Int(bytes[8 + $1]) << (8 * $1) }
            start = 12
        default: throw CoreError(".npy format version \(major) is not supported (1.0, 2.0, 3.0)")
        }
        guard start + headerLength <= bytes.count else { throw CoreError("a truncated .npy header") }
        let header = String(decoding: bytes[start..<(start + headerLength)], as: UTF8.self)
        let descr = try field(header, "descr")
        let fortran = try field(header, "fortran_order")
        let shapeText = try field(header, "shape")
        let shape = try shapeText.trimmingParens().split(separator: ",").map { s -> Int in
            guard let n = Int(s.trimmingSpaces()) else { throw CoreError("a .npy shape that is not integers: \(shapeText)") }
            return n
        }
        let (element, bigEndian) = try parseDescr(descr.trimmingQuotes())
        let isFortran = fortran == "True"
        let t = try TensorBytes.decode(bytes, offset: start + headerLength, element, shape: isFortran ? shape.reversed() : shape, bigEndian: bigEndian)
        return isFortran && shape.count > 1 ? try t.permuted(Array((0..<shape.count).reversed())) : t
    }

    static func parseDescr(_ d: String) throws -> (TensorBytes.Element, Bool) {
        guard d.count >= 3 else { throw CoreError("unsupported .npy dtype '\(d)'") }
        let order = d.first!, kind = String(d.dropFirst())
        let elements: [String: TensorBytes.Element] = [
            "f2": .f16, "f4": .f32, "f8": .f64, "i1": .i8, "i2": .i16, "i4": .i32, "i8": .i64,
            "u1": .u8, "u2": .u16, "u4": .u32, "u8": .u64, "b1": .bool,
        ]
        guard "<>|=".contains(order), let e = elements[kind] else {
            throw CoreError("unsupported .npy dtype '\(d)' (trick reads float, int, uint and bool arrays)", kind: "TypeError")
        }
        return (e, order == ">")
    }

    /// The text of `key`'s value in the header dict.
    static func field(_ header: String, _ key: String) throws -> String {
        guard let k = header.firstRange(of: "'\(key)'") else { throw CoreError("a .npy header without '\(key)': \(header)") }
        var rest = header[k.upperBound...].drop { $0 == " " || $0 == ":" }
        if rest.first == "(" {
            guard let close = rest.firstIndex(of: ")") else { throw CoreError("a malformed .npy header: \(header)") }
            return String(rest[...close])
        }
        rest = rest.prefix { $0 != "," && $0 != "}" }
        return rest.trimmingSpaces()
    }

    public static func write(_ t: Tensor) -> [UInt8] {
        // numpy has no bfloat16: such a tensor is saved as float32 (exactly: every bfloat16 is a float32)
        let t = t.dtype == .bfloat16 ? t.cast(to: .float32) : t
        let descrs: [DType: String] = [.float32: "<f4", .float64: "<f8", .float16: "<f2", .int64: "<i8", .int32: "<i4",
                                       .int16: "<i2", .int8: "|i1", .uint8: "|u1", .bool: "|b1"]
        let descr = descrs[t.dtype] ?? "<f4"
        let shape = t.shape.count == 1 ? "(\(t.shape[0]),)" : "(" + t.shape.map(String.init).joined(separator: ", ") + ")"
        var header = "{'descr': '\(descr)', 'fortran_order': False, 'shape': \(shape), }"
        let total = 10 + header.utf8.count + 1
        header += String(repeating: " ", count: (64 - total % 64) % 64) + "\n"
        let n = header.utf8.count
        return magic + [1, 0, UInt8(n & 0xFF), UInt8(n >> 8)] + Array(header.utf8) + TensorBytes.encode(t)
    }
}

extension StringProtocol {
    func trimmingSpaces() -> String {
        String(drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
    }
    func trimmingParens() -> String {
        var s = Substring(trimmingSpaces())
        if s.first == "(" { s = s.dropFirst() }
        if s.last == ")" { s = s.dropLast() }
        return String(s)
    }
    func trimmingQuotes() -> String {
        String(trimmingSpaces().filter { $0 != "'" && $0 != "\"" })
    }
}
