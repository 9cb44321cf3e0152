#if canImport(Glibc)
import Glibc
#endif

/// The numeric core's n-dimensional array.
///
/// Row-major, always contiguous: views (`permute`, `transpose`, slicing) materialise a new
/// buffer. Storage is a Swift array per dtype, so copies are copy-on-write for free and a
/// `Tensor` is a value. Shapes may have any rank, including 0 (a scalar) and empty
/// dimensions. Semantics follow PyTorch: default float dtype float32, integers int64.
public struct Tensor: Sendable {
    public private(set) var shape: [Int]
    public internal(set) var storage: Storage
    /// The tensor stands for a numpy array (`np.array(...)`, ensemble_boxes' and mmcv's results):
    /// it prints as numpy does (`NumpyFormatter`); indexing keeps the mark.
    public var isNumpy = false
    /// A dtype narrower than the storage (uint8/int8/int16/int32 held in `.int64`, float16/bfloat16
    /// in `.float32`, every value already wrapped or rounded to it; see NarrowDTypes.swift), or nil.
    public internal(set) var narrowDType: DType?

    /// One contiguous buffer of the tensor's dtype.
    public enum Storage: Sendable {
        case float32([Float])
        case float64([Double])
        case int64([Int64])
        case bool([Bool])
    }

    public var dtype: DType { narrowDType ?? storageDType }

    /// The dtype of the storage buffer (`.int64` for an int8 tensor).
    public var storageDType: DType {
        switch storage {
        case .float32: return .float32
        case .float64: return .float64
        case .int64: return .int64
        case .bool: return .bool
        }
    }

    public var rank: Int { shape.count }
    public var count: Int {
        switch storage {
        case .float32(let a): return a.count
        case .float64(let a): return a.count
        case .int64(let a): return a.count
        case .bool(let a): return a.count
        }
    }
    public var isEmpty: Bool { count == 0 }

    /// Row-major strides in elements.
    public var strides: [Int] { Tensor.contiguousStrides(shape) }

    public static func contiguousStrides(_ shape: [Int]) -> [Int] {
        var strides = [Int](repeating: 1, count: shape.count)
        var acc = 1
        for i in stride(from: shape.count - 1, through: 0, by: -1) {
            strides[i] = acc
            acc &*= Swift.max(shape[i], 1)   // wraps only for shapes without elements, e.g. (0, 2^32, 2^32), whose strides address nothing
        }
        return strides
    }

    /// Number of elements of a shape; throws on negative sizes or overflow.
    public static func elementCount(_ shape: [Int]) throws -> Int {
        var n = 1
        for d in shape {
            guard d >= 0 else { throw CoreError("negative dimension \(d) in shape \(formatShape(shape))") }
            let (p, o) = n.multipliedReportingOverflow(by: d)
            guard !o else { throw CoreError("shape \(formatShape(shape)) has too many elements") }
            n = p
        }
        return n
    }

    /// As torch, a new tensor whose contiguous strides would overflow is refused even when it has
    /// no elements (`zeros(0, 3, 2**32, 2**32)`: "Stride calculation overflowed"): every stride is
    /// a product of the later sizes (a size 0 counting as 1), and kernels index with them.
    static func checkStrides(_ shape: [Int]) throws {
        var stride = 1
        for d in shape.dropFirst().reversed() {
            let (t, o) = stride.multipliedReportingOverflow(by: Swift.max(d, 1))
            guard !o else { throw CoreError("shape \(formatShape(shape)): stride calculation overflowed (as in torch)") }
            stride = t
        }
    }

    // MARK: Construction

    /// Wraps a storage buffer; the element count must match the shape.
    public init(shape: [Int], storage: Storage) {
        self.shape = shape
        self.storage = storage
        precondition((try? Tensor.elementCount(shape)) == count, "storage size does not match shape")
    }

    public init(shape: [Int], float32 values: [Float]) { self.init(shape: shape, storage: .float32(values)) }
    public init(shape: [Int], float64 values: [Double]) { self.init(shape: shape, storage: .float64(values)) }
    public init(shape: [Int], int64 values: [Int64]) { self.init(shape: shape, storage: .int64(values)) }
    public init(shape: [Int], bool values: [Bool]) { self.init(shape: shape, storage: .bool(values)) }

    /// 1-D convenience initialisers.
    public init(_ values: [Float]) { self.init(shape: [values.count], float32: values) }
    public init(_ values: [Double]) { self.init(shape: [values.count], float64: values) }
    public init(_ values: [Int64]) { self.init(shape: [values.count], int64: values) }
    public init(_ values: [Bool]) { self.init(shape: [values.count], bool: values) }

    /// A 0-d tensor.
    public static func scalar(_ v: Float) -> Tensor { Tensor(shape: [], float32: [v]) }
    public static func scalar(_ v: Double, dtype: DType = .float32) -> Tensor {
        Tensor(shape: [], float64: [v]).cast(to: dtype)
    }
    public static func scalar(_ v: Int64) -> Tensor { Tensor(shape: [], int64: [v]) }
    public static func scalar(_ v: Bool) -> Tensor { Tensor(shape: [], bool: [v]) }

    /// A tensor of `shape` filled with `value` (converted to `dtype`).
    /// As torch, a value the dtype cannot hold is an error (`full((2,), 300, dtype=torch.int8)`).
    public static func full(_ shape: [Int], _ value: Double, dtype: DType = .float32) throws -> Tensor {
        let n = try checkedAllocationCount(shape, dtype: dtype)
        try dtype.checkRepresentable(value)
        let t: Tensor
        switch dtype.storageDType {
        case .float64: t = Tensor(shape: shape, float64: [Double](repeating: value, count: n))
        case .int64: t = Tensor(shape: shape, int64: [Int64](repeating: try DType.exactInt64(value), count: n))
        case .bool: t = Tensor(shape: shape, bool: [Bool](repeating: value != 0, count: n))
        default: t = Tensor(shape: shape, float32: [Float](repeating: Float(value), count: n))
        }
        return t.fitted(to: dtype)
    }

    public static func zeros(_ shape: [Int], dtype: DType = .float32) throws -> Tensor { try full(shape, 0, dtype: dtype) }
    public static func ones(_ shape: [Int], dtype: DType = .float32) throws -> Tensor { try full(shape, 1, dtype: dtype) }

    /// Largest allocation the core will attempt (elements × bytes), so that a typo such as
    /// `zeros(100000, 100000, 100000)` is an error rather than a kill by the OOM killer: a
    /// quarter of the machine's physical memory (at least 256 MiB), leaving room for an
    /// operation's inputs and result to coexist.
    public static var maxAllocationBytes: Int = physicalMemoryAllocationLimit()

    static func physicalMemoryAllocationLimit() -> Int {
        #if canImport(Glibc)
        let pages = sysconf(Int32(_SC_PHYS_PAGES)), pageSize = sysconf(Int32(_SC_PAGESIZE))
        if pages > 0, pageSize > 0 {
            let (bytes, o) = pages.multipliedReportingOverflow(by: pageSize)
            if !o { return Swift.max(256 << 20, bytes / 4) }
        }
        #endif
        return 4 << 30
    }

    public static func checkedAllocationCount(_ shape: [Int], dtype: DType) throws -> Int {
        try checkedAllocationCount(shape, bytesPerElement: dtype.byteSize, what: "(\(dtype))")
    }

    /// The element count of `shape`, or an error when the buffer would exceed `maxAllocationBytes`.
    public static func checkedAllocationCount(_ shape: [Int], bytesPerElement: Int, what: String = "") throws -> Int {
        let n = try elementCount(shape)
        try checkStrides(shape)
        let (bytes, o) = n.multipliedReportingOverflow(by: Swift.max(1, bytesPerElement))
        if o || bytes > maxAllocationBytes {
            throw CoreError("cannot allocate a tensor of shape \(formatShape(shape))\(what.isEmpty ? "" : " " + what): "
                + "\(o ? "too many elements" : formatBytes(bytes)), more than the limit of \(formatBytes(maxAllocationBytes)) "
                + "(a quarter of this machine's memory)")
        }
        return n
    }

    static func formatBytes(_ b: Int) -> String {
        if b >= 1 << 30 {
            let g = Double(b) / Double(1 << 30)
            return g >= 100 ? "\(Int(g)) GiB" : "\(Double(Int(g * 10)) / 10) GiB"
        }
        return "\(b >> 20) MiB"
    }

    // MARK: Element access (not for hot loops: use the typed arrays)

    /// The element at a flat (row-major) index, as a Double.
    @inlinable public func double(at i: Int) -> Double {
        switch storage {
        case .float32(let a): return Double(a[i])
        case .float64(let a): return a[i]
        case .int64(let a): return Double(a[i])
        case .bool(let a): return a[i] ? 1 : 0
        }
    }

    /// The element at a flat index as Int64 (floats truncate toward zero, as `.long()`).
    public func int64(at i: Int) -> Int64 {
        switch storage {
        case .float32(let a): return Int64(exactly: a[i].rounded(.towardZero)) ?? 0
        case .float64(let a): return Int64(exactly: a[i].rounded(.towardZero)) ?? 0
        case .int64(let a): return a[i]
        case .bool(let a): return a[i] ? 1 : 0
        }
    }

    /// The only element of a one-element tensor (`.item()`).
    public func item() throws -> Double {
        guard count == 1 else {
            throw CoreError("a Tensor with \(count) elements cannot be converted to a scalar")
        }
        return double(at: 0)
    }

    // MARK: Typed views (converting when the dtype differs)

    public var floats: [Float] {
        switch storage {
        case .float32(let a): return a
        case .float64(let a): return a.map { Float($0) }
        case .int64(let a): return a.map { Float($0) }
        case .bool(let a): return a.map { $0 ? 1 : 0 }
        }
    }
    public var doubles: [Double] {
        switch storage {
        case .float32(let a): return a.map { Double($0) }
        case .float64(let a): return a
        case .int64(let a): return a.map { Double($0) }
        case .bool(let a): return a.map { $0 ? 1 : 0 }
        }
    }
    public var int64s: [Int64] {
        switch storage {
        case .int64(let a): return a
        case .bool(let a): return a.map { $0 ? 1 : 0 }
        default: return (0..<count).map { int64(at: $0) }
        }
    }
    public var bools: [Bool] {
        switch storage {
        case .bool(let a): return a
        case .float32(let a): return a.map { $0 != 0 }
        case .float64(let a): return a.map { $0 != 0 }
        case .int64(let a): return a.map { $0 != 0 }
        }
    }

    /// The same values in another dtype (float→int truncates toward zero, as torch `.to`; into
    /// a narrow dtype the values wrap or round as torch stores them, see `fitted(to:)`).
    public func cast(to dtype: DType) -> Tensor {
        if dtype == self.dtype { return self }
        var t: Tensor
        switch dtype.storageDType {
        case .float64: t = Tensor(shape: shape, float64: doubles)
        case .int64:
            if dtype.isNarrow, storageDType.isFloatingPoint {
                t = Tensor(shape: shape, int64: doubles.map(DType.x86TruncatedInt32))
            } else {
                t = Tensor(shape: shape, int64: int64s)
            }
        case .bool: t = Tensor(shape: shape, bool: bools)
        default: t = Tensor(shape: shape, float32: floats)
        }
        return t.fitted(to: dtype)
    }

    /// Same data, new shape (element counts must agree; one dimension may be -1).
    public func reshaped(_ newShape: [Int]) throws -> Tensor {
        var dims = newShape
        let inferred = dims.indices.filter { dims[$0] == -1 }
        guard inferred.count <= 1 else { throw CoreError("only one dimension can be inferred (-1) in \(Tensor.formatShape(newShape))") }
        for d in dims where d < -1 { throw CoreError("invalid shape dimension \(d)") }
        if let k = inferred.first {
            var known = 1
            for (i, d) in dims.enumerated() where i != k {
                let (p, o) = known.multipliedReportingOverflow(by: d)
                guard !o else { throw CoreError("shape \(Tensor.formatShape(newShape)) has too many elements") }
                known = p
            }
            guard known != 0, count % known == 0 else {
                throw CoreError("shape \(Tensor.formatShape(newShape)) is invalid for input of size \(count)")
            }
            dims[k] = count / known
        }
        guard (try? Tensor.elementCount(dims)) == count else {
            throw CoreError("shape \(Tensor.formatShape(newShape)) is invalid for input of size \(count)")
        }
        var t = self
        t.shape = dims
        return t
    }

    public static func formatShape(_ shape: [Int]) -> String {
        shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
    }
}

/// An error raised by the numeric core: a message a user can act on (shapes shown, argument
/// named). The language layer adds the source location.
public struct CoreError: Error, CustomStringConvertible, Sendable {
    public let message: String
    /// The Python exception class the reference library raises here: ValueError unless the
    /// reference asserts (`AssertionError`), or is torch's C++ (`RuntimeError`), and so on.
    public let kind: String
    public init(_ message: String, kind: String = "ValueError") { self.message = message; self.kind = kind }
    public var description: String { message }
}
