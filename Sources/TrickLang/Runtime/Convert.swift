import TrickCore

/// Conversions between language values and numeric-core types, shared by every binding.
public enum Convert {
    /// A number (int, float, bool, or one-element tensor) as Double.
    public static func double(_ v: Value) -> Double? {
        switch v {
        case .int(let i): return Double(i)
        case .float(let d): return d
        case .bool(let b): return b ? 1 : 0
        case .tensor(let ref) where ref.tensor.count == 1: return ref.tensor.double(at: 0)
        case .object(let o):
            if let x = heldTensor(o), x.count == 1 { return x.double(at: 0) }
            return nil
        default: return nil
        }
    }

    /// The value of an autograd tensor or a Parameter with values (an object holding a
    /// `Variable`): bindings without a gradient read it as a plain tensor, as `.detach()`.
    public static func heldTensor(_ o: BuiltObject) -> Tensor? {
        (o.payload as? VariableHolder)?.heldVariable?.data
    }

    /// A tensor, or a (nested) list/tuple of numbers made into one as `torch.tensor` would:
    /// float32 if any element is a float, int64 if all are ints, bool if all are bools.
    public static func tensor(_ v: Value, dtype: DType? = nil) throws -> Tensor {
        if let t = v.tensorValue { return dtype.map { t.cast(to: $0) } ?? t }
        if case .object(let o) = v, let t = heldTensor(o) { return dtype.map { t.cast(to: $0) } ?? t }
        var shape: [Int] = []
        var flat: [Double] = []
        var kind = 0  // 0 bool, 1 int, 2 float
        var sawBool = false, sawNumber = false
        var leafDepth: Int?
        func ragged() -> RuntimeError {
            RuntimeError("expected a rectangular nested list: sequences and numbers are mixed at the same depth", kind: "ValueError")
        }
        func walk(_ x: Value, depth: Int) throws {
            if case .object(let o) = x, let t = heldTensor(o) { return try walk(.tensor(t), depth: depth) }
            guard depth <= 64 else {
                throw RuntimeError("cannot make a tensor from a list nested more than 64 deep (a list containing itself?)", kind: "ValueError")
            }
            switch x {
            case .list, .tuple:
                if let l = leafDepth, depth >= l { throw ragged() }
                let items: [Value]
                if case .list(let l) = x { items = l.items } else if case .tuple(let t) = x { items = t } else { items = [] }
                if depth == shape.count { shape.append(items.count) } else if depth > shape.count || shape[depth] != items.count {
                    throw RuntimeError("expected a rectangular nested list: sequence at depth \(depth) has length \(items.count), expected \(depth < shape.count ? shape[depth] : 0)", kind: "ValueError")
                }
                for it in items { try walk(it, depth: depth + 1) }
            case .tensor(let ref):
                let t = ref.tensor
                let dims = t.shape
                if let l = leafDepth, depth + dims.count != l { throw ragged() }
                let first = leafDepth == nil
                leafDepth = depth + dims.count
                for (i, d) in dims.enumerated() {
                    if depth + i == shape.count { shape.append(d) } else if shape[depth + i] != d {
                        throw RuntimeError("expected a rectangular nested list of tensors", kind: "ValueError")
                    }
                }
                // the whole shape is known at the first tensor: a list of many references to one
                // large tensor must not be copied out until memory runs out
                if first { _ = try Tensor.checkedAllocationCount(shape, bytesPerElement: MemoryLayout<Double>.size, what: "(from a list of tensors)") }
                flat.append(contentsOf: t.doubles)
                kind = max(kind, t.dtype.isFloatingPoint ? 2 : (t.dtype == .bool ? 0 : 1))
                if t.dtype == .bool { sawBool = true } else { sawNumber = true }
            default:
                if let l = leafDepth, l != depth { throw ragged() }
                leafDepth = depth
                guard depth == shape.count else {
                    throw RuntimeError("expected a rectangular nested list: found a number where a sequence was expected", kind: "ValueError")
                }
                switch x {
                case .bool(let b): flat.append(b ? 1 : 0); sawBool = true
                case .int(let i): flat.append(Double(i)); kind = max(kind, 1); sawNumber = true
                case .float(let d): flat.append(d); kind = 2; sawNumber = true
                default: throw RuntimeError("cannot make a tensor from \(x.typeName)", kind: "TypeError")
                }
            }
        }
        try walk(v, depth: 0)
        if let l = leafDepth, l != shape.count { throw ragged() }
        guard (try? Tensor.elementCount(shape)) == flat.count else { throw ragged() }
        if flat.isEmpty && kind == 0 && !sawBool { kind = 2 }
        if sawBool && sawNumber && kind == 0 { kind = 1 }
        let inferred: DType = kind == 2 ? .float32 : (kind == 1 ? .int64 : .bool)
        let target = dtype ?? inferred
        // Integers are kept exact (not via Double) when the target is int64 and the input held ints.
        if target == .int64, kind <= 1 {
            var ints: [Int64] = []
            ints.reserveCapacity(flat.count)
            func collect(_ x: Value) {
                switch x {
                case .list(let l): l.items.forEach(collect)
                case .tuple(let t): t.forEach(collect)
                case .int(let i): ints.append(Int64(i))
                case .bool(let b): ints.append(b ? 1 : 0)
                case .tensor(let ref): ints.append(contentsOf: ref.tensor.int64s)
                default: break
                }
            }
            collect(v)
            return Tensor(shape: shape, int64: ints)
        }
        if target.isNarrow { for x in flat { try target.checkRepresentable(x) } }
        return Tensor(shape: shape, float64: flat).cast(to: target)
    }

    /// Nested lists of Python numbers (`.tolist()`); a 0-d tensor gives a number.
    public static func tolist(_ t: Tensor) -> Value {
        func element(_ i: Int) -> Value {
            switch t.storage {
            case .float32(let a): return .float(Double(a[i]))
            case .float64(let a): return .float(a[i])
            case .int64(let a): return .int(Int(a[i]))
            case .bool(let a): return .bool(a[i])
            }
        }
        if t.rank == 0 { return element(0) }
        let strides = t.strides
        func build(_ dim: Int, _ offset: Int) -> Value {
            if dim == t.rank - 1 { return .list((0..<t.shape[dim]).map { element(offset + $0) }) }
            return .list((0..<t.shape[dim]).map { build(dim + 1, offset + $0 * strides[dim]) })
        }
        return build(0, 0)
    }

    /// A list/tuple of ints (e.g. a shape or a size argument).
    public static func ints(_ v: Value, what: String = "value") throws -> [Int] {
        switch v {
        case .int(let i): return [i]
        case .list(let l): return try l.items.map { try int($0, what: what) }
        case .tuple(let t): return try t.map { try int($0, what: what) }
        case .tensor(let ref) where !ref.tensor.dtype.isFloatingPoint: return ref.tensor.int64s.map { Int($0) }
        case .object(let o) where o.payload is Collections.NamedTupleValues:   // torch.Size, a namedtuple
            return try Collections.tupleItems(v)!.map { try int($0, what: what) }
        default: throw RuntimeError("\(what) must be an int or a sequence of ints, got \(v.typeName)", kind: "TypeError")
        }
    }

    public static func int(_ v: Value, what: String = "value") throws -> Int {
        switch v {
        case .int(let i): return i
        case .bool(let b): return b ? 1 : 0
        case .tensor(let ref) where ref.tensor.count == 1 && !ref.tensor.dtype.isFloatingPoint: return Int(ref.tensor.int64(at: 0))
        default: throw RuntimeError("\(what) must be an int, got \(v.typeName)", kind: "TypeError")
        }
    }

    public static func doubles(_ v: Value, what: String = "value") throws -> [Double] {
        switch v {
        case .list(let l): return try l.items.map { guard let d = double($0) else { throw RuntimeError("\(what) must hold numbers, got \($0.typeName)", kind: "TypeError") }; return d }
        case .tuple(let t): return try t.map { guard let d = double($0) else { throw RuntimeError("\(what) must hold numbers, got \($0.typeName)", kind: "TypeError") }; return d }
        case .tensor(let ref): return ref.tensor.doubles
        default:
            if let d = double(v) { return [d] }
            throw RuntimeError("\(what) must be a sequence of numbers, got \(v.typeName)", kind: "TypeError")
        }
    }
}
