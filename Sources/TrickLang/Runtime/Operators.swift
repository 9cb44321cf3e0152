import TrickCore

/// Python operator semantics on values; tensors go to the numeric core with broadcasting.
enum Ops {
    static func operand(_ v: Value) -> Operand? {
        switch v {
        case .tensor(let ref): return .tensor(ref.tensor)
        case .int(let i): return .int(Int64(i))
        case .float(let d): return .float(d)
        case .bool(let b): return .bool(b)
        default: return nil
        }
    }

    static func unsupported(_ op: String, _ a: Value, _ b: Value) -> RuntimeError {
        RuntimeError("unsupported operand types for \(op): '\(a.typeName)' and '\(b.typeName)'", kind: "TypeError")
    }

    /// An object operand's dunder method (`__add__`, or the other side's `__radd__`), as Python
    /// dispatches: nil when neither side is an object defining it. trick has no `NotImplemented`
    /// singleton: a method that cannot handle the other operand throws.
    static func objectBinary(_ op: BinaryOperator, _ a: Value, _ b: Value) throws -> Value? {
        if let r = try DictFlavor.binary(op.symbol, a, b) { return r }
        return try objectDunder(op.dunders, a, b)
    }

    static func objectCompare(_ op: Comparison, _ a: Value, _ b: Value) throws -> Value? {
        guard let dunders = op.dunders else { return nil }
        return try objectDunder(dunders, a, b)
    }

    private static func objectDunder(_ dunders: (String, String), _ a: Value, _ b: Value) throws -> Value? {
        if case .object(let o) = a, let m = o.special(dunders.0) { return try m.call(Arguments([b])) }
        if case .object(let o) = b, let m = o.special(dunders.1) { return try m.call(Arguments([a])) }
        return nil
    }

    static func tensorBinary(_ op: BinaryOp, _ a: Value, _ b: Value) throws -> Value? {
        guard case .tensor = a else {
            guard case .tensor = b else { return nil }
            guard let x = operand(a), let y = operand(b) else { return nil }
            return .tensor(try Tensor.binary(op, x, y))
        }
        guard let x = operand(a), let y = operand(b) else {
            // a list on the other side: make it a tensor, as torch does for sequences
            if case .list = b, let y = try? Convert.tensor(b) { return .tensor(try Tensor.binary(op, operand(a)!, .tensor(y))) }
            if case .tuple = b, let y = try? Convert.tensor(b) { return .tensor(try Tensor.binary(op, operand(a)!, .tensor(y))) }
            return nil
        }
        return .tensor(try Tensor.binary(op, x, y))
    }

    static func binary(_ op: BinaryOperator, _ a: Value, _ b: Value) throws -> Value {
        switch op {
        case .add: return try add(a, b)
        case .sub: return try sub(a, b)
        case .mul: return try mul(a, b)
        case .div: return try div(a, b)
        case .floorDiv: return try floorDiv(a, b)
        case .mod: return try mod(a, b)
        case .pow: return try pow(a, b)
        case .matmul:
            if let x = a.tensorValue, let y = b.tensorValue { return .tensor(try Tensor.matmul(x, y)) }
            // (a list is converted only beside a tensor: `[t] * 100000 @ 0` built the list's tensor first)
            if a.isTensor || b.isTensor, let x = try? Convert.tensor(a), let y = try? Convert.tensor(b) {
                return .tensor(try Tensor.matmul(x, y))
            }
            if let r = try objectBinary(op, a, b) { return r }
            throw unsupported(op.symbol, a, b)
        case .and, .or, .xor:
            if let r = try SetOps.binary(op.symbol, a, b) { return r }
            if case .bool(let x) = a, case .bool(let y) = b {
                return .bool(op == .and ? x && y : op == .or ? x || y : x != y)
            }
            if let x = intLike(a), let y = intLike(b) {
                return .int(op == .and ? x & y : op == .or ? x | y : x ^ y)
            }
            let bop: BinaryOp = op == .and ? .and : op == .or ? .or : .xor
            if let r = try tensorBinary(bop, a, b) { return r }
            if let r = try objectBinary(op, a, b) { return r }
            throw unsupported(op.symbol, a, b)
        case .lshift, .rshift:
            if let x = intLike(a), let y = intLike(b) {
                guard y >= 0 else { throw RuntimeError("negative shift count", kind: "ValueError") }
                if op == .lshift {
                    guard y < 63, (x << y) >> y == x else { throw RuntimeError("integer overflow in \(x) << \(y)", kind: "OverflowError") }
                    return .int(x << y)
                }
                return .int(y >= 64 ? (x < 0 ? -1 : 0) : x >> y)
            }
            if let r = try objectBinary(op, a, b) { return r }
            throw unsupported(op.symbol, a, b)
        }
    }

    static func intLike(_ v: Value) -> Int? {
        switch v {
        case .int(let i): return i
        case .bool(let b): return b ? 1 : 0
        default: return nil
        }
    }

    /// Numbers as (Int?, Double): Int when both are ints.
    @inline(__always) static func numbers(_ a: Value, _ b: Value) -> (Int, Int)? {
        switch (a, b) {
        case (.int(let x), .int(let y)): return (x, y)
        case (.bool(let x), .int(let y)): return (x ? 1 : 0, y)
        case (.int(let x), .bool(let y)): return (x, y ? 1 : 0)
        case (.bool(let x), .bool(let y)): return (x ? 1 : 0, y ? 1 : 0)
        default: return nil
        }
    }

    @inline(__always) static func floats(_ a: Value, _ b: Value) -> (Double, Double)? {
        let x: Double, y: Double
        switch a {
        case .float(let d): x = d
        case .int(let i): x = Double(i)
        case .bool(let t): x = t ? 1 : 0
        default: return nil
        }
        switch b {
        case .float(let d): y = d
        case .int(let i): y = Double(i)
        case .bool(let t): y = t ? 1 : 0
        default: return nil
        }
        return (x, y)
    }

    static func overflow(_ op: String, _ x: Int, _ y: Int) -> RuntimeError {
        RuntimeError("integer overflow: \(x) \(op) \(y) does not fit in a 64-bit int", kind: "OverflowError")
    }

    /// `x + y` of strs, written once into the new string's buffer (Swift's `+` appends to a copy
    /// of `x` through its general append path, ~3× the work for short strings).
    static func concatenate(_ x: String, _ y: String) -> String {
        if let s = SmallString.concat(unsafeBitCast(x, to: (UInt64, UInt64).self), unsafeBitCast(y, to: (UInt64, UInt64).self)) { return s }
        let n = x.utf8.count + y.utf8.count
        if n == 0 { return "" }
        if let s = SmallString.make(count: n, { p in
            var at = 0
            x.copyUTF8(to: p, at: &at)
            y.copyUTF8(to: p, at: &at)
        }) { return s }
        return String(unsafeUninitializedCapacity: n) { buffer in
            var at = 0
            x.copyUTF8(to: buffer.baseAddress!, at: &at)
            y.copyUTF8(to: buffer.baseAddress!, at: &at)
            return at
        }
    }

    static func add(_ a: Value, _ b: Value) throws -> Value {
        if let (x, y) = numbers(a, b) {
            let (r, o) = x.addingReportingOverflow(y)
            if o { throw overflow("+", x, y) }
            return .int(r)
        }
        if let (x, y) = floats(a, b) { return .float(x + y) }
        switch (a, b) {
        case (.str(let x), .str(let y)): return .str(concatenate(x, y))
        case (.list(let x), .list(let y)): return .list(ListRef(x.items + y.items))
        case (.tuple(let x), .tuple(let y)): return .tuple(x + y)
        default: break
        }
        if let r = try tensorBinary(.add, a, b) { return r }
        if let r = try objectBinary(.add, a, b) { return r }
        if case .str = a { throw RuntimeError("can only concatenate str (not \"\(b.typeName)\") to str", kind: "TypeError") }
        throw unsupported("+", a, b)
    }

    static func sub(_ a: Value, _ b: Value) throws -> Value {
        if case .set = a, let r = try SetOps.binary(BinaryOperator.sub.symbol, a, b) { return r }
        if let (x, y) = numbers(a, b) {
            let (r, o) = x.subtractingReportingOverflow(y)
            if o { throw overflow("-", x, y) }
            return .int(r)
        }
        if let (x, y) = floats(a, b) { return .float(x - y) }
        if let r = try tensorBinary(.sub, a, b) { return r }
        if let r = try objectBinary(.sub, a, b) { return r }
        throw unsupported("-", a, b)
    }

    static func mul(_ a: Value, _ b: Value) throws -> Value {
        if let (x, y) = numbers(a, b) {
            let (r, o) = x.multipliedReportingOverflow(by: y)
            if o { throw overflow("*", x, y) }
            return .int(r)
        }
        if let (x, y) = floats(a, b) { return .float(x * y) }
        func repeated<T>(_ items: [T], _ n: Int) throws -> [T] {
            guard n > 0 else { return [] }
            guard items.count.multipliedReportingOverflow(by: n).overflow == false, items.count * n <= 100_000_000 else {
                throw RuntimeError("sequence repetition too large", kind: "MemoryError")
            }
            var out: [T] = []
            out.reserveCapacity(items.count * n)
            for _ in 0..<n { out.append(contentsOf: items) }
            return out
        }
        switch (a, b) {
        case (.str(let s), .int(let n)), (.int(let n), .str(let s)): return .str(String(try repeated(Array(s), n)))
        case (.list(let l), .int(let n)), (.int(let n), .list(let l)): return .list(ListRef(try repeated(l.items, n)))
        case (.tuple(let t), .int(let n)), (.int(let n), .tuple(let t)): return .tuple(try repeated(t, n))
        default: break
        }
        if let r = try tensorBinary(.mul, a, b) { return r }
        if let r = try objectBinary(.mul, a, b) { return r }
        throw unsupported("*", a, b)
    }

    static func div(_ a: Value, _ b: Value) throws -> Value {
        if let (x, y) = floats(a, b) {
            if y == 0 { throw RuntimeError("division by zero", kind: "ZeroDivisionError") }
            return .float(x / y)
        }
        if let r = try tensorBinary(.div, a, b) { return r }
        if let r = try objectBinary(.div, a, b) { return r }
        throw unsupported("/", a, b)
    }

    static func floorDiv(_ a: Value, _ b: Value) throws -> Value {
        if let (x, y) = numbers(a, b) {
            if y == 0 { throw RuntimeError("integer division by zero", kind: "ZeroDivisionError") }
            if x == Int.min && y == -1 { throw overflow("//", x, y) }
            let q = x / y
            return .int((x % y != 0 && ((x < 0) != (y < 0))) ? q - 1 : q)
        }
        if let (x, y) = floats(a, b) {
            if y == 0 { throw RuntimeError("float floor division by zero", kind: "ZeroDivisionError") }
            return .float((x / y).rounded(.down))
        }
        if let r = try tensorBinary(.floorDiv, a, b) { return r }
        if let r = try objectBinary(.floorDiv, a, b) { return r }
        throw unsupported("//", a, b)
    }

    static func mod(_ a: Value, _ b: Value) throws -> Value {
        if let (x, y) = numbers(a, b) {
            if y == 0 { throw RuntimeError("integer modulo by zero", kind: "ZeroDivisionError") }
            if y == -1 { return .int(0) }
            let r = x % y
            return .int(r != 0 && ((r < 0) != (y < 0)) ? r + y : r)
        }
        if let (x, y) = floats(a, b) {
            if y == 0 { throw RuntimeError("float modulo", kind: "ZeroDivisionError") }
            var r = x.truncatingRemainder(dividingBy: y)
            if r != 0 && ((r < 0) != (y < 0)) { r += y }
            return .float(r)
        }
        if case .str(let fmt) = a { return .str(try Format.percent(fmt, b)) }
        if let r = try tensorBinary(.mod, a, b) { return r }
        if let r = try objectBinary(.mod, a, b) { return r }
        throw unsupported("%", a, b)
    }

    static func pow(_ a: Value, _ b: Value) throws -> Value {
        if let (x, y) = numbers(a, b) {
            if y >= 0 {
                var result = 1, base = x, e = y
                while e > 0 {
                    if e & 1 == 1 {
                        let (r, o) = result.multipliedReportingOverflow(by: base)
                        if o { throw overflow("**", x, y) }
                        result = r
                    }
                    e >>= 1
                    if e > 0 {
                        let (bb, o) = base.multipliedReportingOverflow(by: base)
                        if o { throw overflow("**", x, y) }
                        base = bb
                    }
                }
                return .int(result)
            }
            if x == 0 { throw RuntimeError("0 cannot be raised to a negative power", kind: "ZeroDivisionError") }
            return .float(Foundationless.pow(Double(x), Double(y)))
        }
        if let (x, y) = floats(a, b) {
            if x == 0 && y < 0 { throw RuntimeError("0.0 cannot be raised to a negative power", kind: "ZeroDivisionError") }
            if x < 0 && y != y.rounded() { throw RuntimeError("negative number cannot be raised to a fractional power", kind: "ValueError") }
            return .float(Foundationless.pow(x, y))
        }
        if let r = try tensorBinary(.pow, a, b) { return r }
        if let r = try objectBinary(.pow, a, b) { return r }
        throw unsupported("**", a, b)
    }

    // MARK: Comparison

    /// Set when `equal` gave up on containers nested more than `maxEqualDepth` deep (a list that
    /// contains itself); `==` turns it into a RecursionError, as Python does.
    nonisolated(unsafe) static var equalTooDeep = false
    nonisolated(unsafe) static var equalDepth = 0
    static let maxEqualDepth = 1000

    static func equal(_ a: Value, _ b: Value) -> Bool {
        switch (a, b) {
        case (.list, .list), (.tuple, .tuple), (.dict, .dict):
            guard equalDepth < maxEqualDepth else { equalTooDeep = true; return false }
            equalDepth += 1
            defer { equalDepth -= 1 }
            return equalContainers(a, b)
        default: return equalContainers(a, b)
        }
    }

    private static func equalContainers(_ a: Value, _ b: Value) -> Bool {
        switch (a, b) {
        case (.none, .none): return true
        case (.str(let x), .str(let y)): return x.sameCodePoints(y)
        case (.list(let x), .list(let y)): return x === y || (x.items.count == y.items.count && zip(x.items, y.items).allSatisfy { equal($0, $1) })
        case (.tuple(let x), .tuple(let y)): return x.count == y.count && zip(x, y).allSatisfy { equal($0, $1) }
        case (.dict(let x), .dict(let y)):
            if x === y { return true }
            guard x.count == y.count else { return false }
            for (k, v) in x.pairs {
                guard let w = try? y.get(k), equal(v, w) else { return false }
            }
            return true
        case (.set(let x), .set(let y)): return SetOps.equal(x, y)
        case (.object(let x), .object(let y)): return x === y
        case (.builtin(let x), .builtin(let y)): return x === y || (x.boundIdentity != nil && x.boundIdentity == y.boundIdentity)
        case (.function(let x), .function(let y)): return x === y
        case (.tensor(let x), .tensor(let y)): return x === y
        case (.range(let a1, let b1, let s1), .range(let a2, let b2, let s2)): return a1 == a2 && b1 == b2 && s1 == s2
        default: break
        }
        if let (x, y) = numbers(a, b) { return x == y }
        if let (x, y) = floats(a, b) { return x == y }
        return false
    }

    /// `==` and friends; tensors compare elementwise.
    static func compare(_ op: Comparison, _ a: Value, _ b: Value) throws -> Value {
        switch op {
        case .is: return .bool(identical(a, b))
        case .isNot: return .bool(!identical(a, b))
        case .in: return .bool(try contains(b, a))
        case .notIn: return .bool(try !contains(b, a))
        default: break
        }
        if case .object = a, let r = try objectCompare(op, a, b) { return r }
        if case .object = b, let r = try objectCompare(op, a, b) { return r }
        if a.isTensor || b.isTensor {
            let bop: BinaryOp
            switch op {
            case .eq: bop = .eq
            case .ne: bop = .ne
            case .lt: bop = .lt
            case .le: bop = .le
            case .gt: bop = .gt
            default: bop = .ge
            }
            if let r = try tensorBinary(bop, a, b) { return r }
            if op == .eq { return .bool(false) }
            if op == .ne { return .bool(true) }
            throw RuntimeError("'\(op.symbol)' not supported between '\(a.typeName)' and '\(b.typeName)'", kind: "TypeError")
        }
        if let r = try SetOps.compare(op.symbol, a, b) { return .bool(r) }
        switch op {
        case .eq, .ne:
            if case .dict(let x) = a, case .dict(let y) = b, let e = DictFlavor.equal(x, y) { return .bool(op == .eq ? e : !e) }
            equalTooDeep = false
            let e = equal(a, b)
            if equalTooDeep {
                equalTooDeep = false
                throw RuntimeError("maximum recursion depth exceeded in comparison (containers nested more than \(maxEqualDepth) deep, or containing themselves)", kind: "RecursionError")
            }
            return .bool(op == .eq ? e : !e)
        case .lt: return .bool(try less(a, b))
        case .gt: return .bool(try less(b, a))
        case .le: return .bool(try !less(b, a))
        default: return .bool(try !less(a, b))
        }
    }

    static func identical(_ a: Value, _ b: Value) -> Bool {
        switch (a, b) {
        case (.none, .none): return true
        case (.bool(let x), .bool(let y)): return x == y
        case (.list(let x), .list(let y)): return x === y
        case (.dict(let x), .dict(let y)): return x === y
        case (.set(let x), .set(let y)): return x === y
        case (.object(let x), .object(let y)): return x === y
        case (.builtin(let x), .builtin(let y)): return x === y
        case (.function(let x), .function(let y)): return x === y
        case (.tensor(let x), .tensor(let y)): return x === y
        case (.int(let x), .int(let y)): return x == y
        case (.str(let x), .str(let y)): return x.sameCodePoints(y)
        case (.tuple(let x), .tuple(let y)):
            // one tuple is its items' storage (a copy of the value shares it); `()` is one object
            if x.isEmpty || y.isEmpty { return x.isEmpty && y.isEmpty }
            return x.count == y.count && x.withUnsafeBufferPointer { p in y.withUnsafeBufferPointer { p.baseAddress == $0.baseAddress } }
        default: return false
        }
    }

    static func less(_ a: Value, _ b: Value) throws -> Bool {
        if let (x, y) = numbers(a, b) { return x < y }
        if let (x, y) = floats(a, b) { return x < y }
        switch (a, b) {
        case (.str(let x), .str(let y)): return x.unicodeScalars.lexicographicallyPrecedes(y.unicodeScalars)
        case (.list(let x), .list(let y)): return try lessSeq(x.items, y.items)
        case (.tuple(let x), .tuple(let y)): return try lessSeq(x, y)
        case (.object, _), (_, .object):
            // sorted()/min()/max() on objects with __lt__ (cmp_to_key, namedtuples)
            if let r = try objectCompare(.lt, a, b) { return try r.truthy() }
            fallthrough
        default:
            throw RuntimeError("'<' not supported between instances of '\(a.typeName)' and '\(b.typeName)'", kind: "TypeError")
        }
    }

    static func lessSeq(_ x: [Value], _ y: [Value]) throws -> Bool {
        guard equalDepth < maxEqualDepth else {
            throw RuntimeError("maximum recursion depth exceeded in comparison (containers nested more than \(maxEqualDepth) deep, or containing themselves)", kind: "RecursionError")
        }
        equalDepth += 1
        defer { equalDepth -= 1 }
        for (p, q) in zip(x, y) where !equal(p, q) { return try less(p, q) }
        return x.count < y.count
    }

    static func contains(_ container: Value, _ item: Value) throws -> Bool {
        switch container {
        case .list(let l): return l.items.contains { equal($0, item) }
        case .tuple(let t): return t.contains { equal($0, item) }
        case .dict(let d): return try d.contains(item)
        case .set(let s): return try s.contains(item)
        case .str(let s):
            guard case .str(let sub) = item else { throw RuntimeError("'in <string>' requires string as left operand, not \(item.typeName)", kind: "TypeError") }
            return sub.isEmpty || Methods.splitString(s, sub, limit: 1).count > 1
        case .range(let a, let b, let st):
            guard let i = intLike(item) else { return false }
            if st > 0 { return i >= a && i < b && UInt(bitPattern: i &- a) % st.magnitude == 0 }
            return i <= a && i > b && UInt(bitPattern: a &- i) % st.magnitude == 0
        case .tensor(let ref):
            let t = ref.tensor
            guard let d = Convert.double(item) else { return false }
            return (0..<t.count).contains { t.double(at: $0) == d }
        case .object(let o):
            if let m = o.special("__contains__") { return try m.call(Arguments([item])).truthy() }
            return o.attributes.keys.contains { if case .str(let s) = item { return s == $0 } else { return false } }
        default:
            throw RuntimeError("argument of type '\(container.typeName)' is not iterable", kind: "TypeError")
        }
    }

    // MARK: Unary

    static func unary(_ op: UnaryOperator, _ v: Value) throws -> Value {
        switch op {
        case .neg:
            switch v {
            case .int(let i):
                if i == Int.min { throw RuntimeError("integer overflow negating \(i)", kind: "OverflowError") }
                return .int(-i)
            case .bool(let b): return .int(b ? -1 : 0)
            case .float(let d): return .float(-d)
            case .tensor(let ref): return .tensor(try ref.tensor.unary(.neg))
            default: break
            }
        case .pos:
            switch v {
            case .int, .float: return v
            case .bool(let b): return .int(b ? 1 : 0)
            case .tensor: return v
            default: break
            }
        case .invert:
            switch v {
            case .int(let i): return .int(~i)
            case .bool(let b): return .int(b ? -2 : -1)
            case .tensor(let ref): return .tensor(try ref.tensor.unary(.not))
            default: break
            }
        }
        if case .object(let o) = v, let m = o.special(op.dunder) { return try m.call(Arguments()) }
        throw RuntimeError("bad operand type for unary \(op.symbol): '\(v.typeName)'", kind: "TypeError")
    }
}

extension Value {
    var isTensor: Bool { if case .tensor = self { return true } else { return false } }
}

/// libm without Foundation.
enum Foundationless {
    static func pow(_ x: Double, _ y: Double) -> Double { _pow(x, y) }
}

@_silgen_name("pow") func _pow(_ x: Double, _ y: Double) -> Double
