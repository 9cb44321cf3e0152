/// Tensors as the raw element bytes of the weight-file formats (.npy, .safetensors): the element
/// types those files name, decoded into trick's dtypes (uint16, uint32 and uint64, which trick has
/// no dtype for, widen to int64) and encoded from them little-endian.
public enum TensorBytes {
    public enum Element: Sendable {
        case f16, bf16, f32, f64, i8, i16, i32, i64, u8, u16, u32, u64, bool

        public var size: Int {
            switch self {
            case .i8, .u8, .bool: return 1
            case .f16, .bf16, .i16, .u16: return 2
            case .f32, .i32, .u32: return 4
            case .f64, .i64, .u64: return 8
            }
        }

        /// The element type trick stores a tensor of `dtype` as.
        public static func of(_ dtype: DType) -> Element {
            switch dtype {
            case .float32: return .f32
            case .float64: return .f64
            case .float16: return .f16
            case .bfloat16: return .bf16
            case .int64: return .i64
            case .int32: return .i32
            case .int16: return .i16
            case .int8: return .i8
            case .uint8: return .u8
            case .bool: return .bool
            }
        }

        /// The dtype a decoded element becomes.
        public var dtype: DType {
            switch self {
            case .f16: return .float16
            case .bf16: return .bfloat16
            case .f32: return .float32
            case .f64: return .float64
            case .i8: return .int8
            case .i16: return .int16
            case .i32: return .int32
            case .u8: return .uint8
            case .i64, .u16, .u32, .u64: return .int64
            case .bool: return .bool
            }
        }
    }

    /// `count` elements from `bytes[offset...]` (little-endian unless `bigEndian`), reshaped to `shape`.
    public static func decode(_ bytes: [UInt8], offset: Int, _ e: Element, shape: [Int], bigEndian: Bool = false) throws -> Tensor {
        let count = try Tensor.elementCount(shape)
        guard offset >= 0, count <= (bytes.count - offset) / Swift.max(e.size, 1) else {
            throw CoreError("the file is truncated: \(count) elements of \(e.size) bytes do not fit in \(bytes.count - offset) bytes")
        }
        return bytes.withUnsafeBytes { raw -> Tensor in
            decodeWords(raw, offset: offset, e, shape: shape, count: count, bigEndian: bigEndian).fitted(to: e.dtype)
        }
    }

    static func decodeWords(_ raw: UnsafeRawBufferPointer, offset: Int, _ e: Element, shape: [Int], count: Int, bigEndian: Bool) -> Tensor {
            func word<T: FixedWidthInteger>(_ i: Int, _: T.Type) -> T {
                let v = raw.loadUnaligned(fromByteOffset: offset + i * MemoryLayout<T>.size, as: T.self)
                return bigEndian ? T(bigEndian: v) : T(littleEndian: v)
            }
            switch e {
            case .f32: return Tensor(shape: shape, float32: (0..<count).map { Float(bitPattern: word($0, UInt32.self)) })
            case .f64: return Tensor(shape: shape, float64: (0..<count).map { Double(bitPattern: word($0, UInt64.self)) })
            case .f16: return Tensor(shape: shape, float32: (0..<count).map { Float(Float16(bitPattern: word($0, UInt16.self))) })
            case .bf16: return Tensor(shape: shape, float32: (0..<count).map { Float(bitPattern: UInt32(word($0, UInt16.self)) << 16) })
            case .i8: return Tensor(shape: shape, int64: (0..<count).map { Int64(Int8(bitPattern: word($0, UInt8.self))) })
            case .i16: return Tensor(shape: shape, int64: (0..<count).map { Int64(Int16(bitPattern: word($0, UInt16.self))) })
            case .i32: return Tensor(shape: shape, int64: (0..<count).map { Int64(Int32(bitPattern: word($0, UInt32.self))) })
            case .i64: return Tensor(shape: shape, int64: (0..<count).map { Int64(bitPattern: word($0, UInt64.self)) })
            case .u8: return Tensor(shape: shape, int64: (0..<count).map { Int64(word($0, UInt8.self)) })
            case .u16: return Tensor(shape: shape, int64: (0..<count).map { Int64(word($0, UInt16.self)) })
            case .u32: return Tensor(shape: shape, int64: (0..<count).map { Int64(word($0, UInt32.self)) })
            case .u64: return Tensor(shape: shape, int64: (0..<count).map { Int64(bitPattern: word($0, UInt64.self)) })
            case .bool: return Tensor(shape: shape, bool: (0..<count).map { word($0, UInt8.self) != 0 })
            }
    }

    /// The tensor's elements, little-endian, in its own dtype's element type.
    public static func encode(_ t: Tensor) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(t.count * Element.of(t.dtype).size)
        func put<T: FixedWidthInteger>(_ v: T) { withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) } }
        switch t.storage {
        case .float32(let a):
            switch Element.of(t.dtype) {
            case .f16: for x in a { put(Float16(x).bitPattern) }
            case .bf16: for x in a { put(UInt16(truncatingIfNeeded: x.bitPattern >> 16)) }   // already rounded to bfloat16
            default: for x in a { put(x.bitPattern) }
            }
        case .float64(let a): for x in a { put(x.bitPattern) }
        case .int64(let a):
            switch Element.of(t.dtype) {
            case .i8, .u8: for x in a { put(UInt8(truncatingIfNeeded: x)) }
            case .i16: for x in a { put(Int16(truncatingIfNeeded: x)) }
            case .i32: for x in a { put(Int32(truncatingIfNeeded: x)) }
            default: for x in a { put(x) }
            }
        case .bool(let a): for x in a { out.append(x ? 1 : 0) }
        }
        return out
    }
}
