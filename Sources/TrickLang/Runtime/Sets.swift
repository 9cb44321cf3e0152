/// Python's `set`: `{1, 2}`, `set(iterable)`, comprehensions, the operators `|`, `&`, `-`, `^`,
/// the subset comparisons and the methods people use. Elements live as the keys of a `DictRef`,
/// so membership is a hash lookup with Python's key semantics (1 == 1.0 == True). Where trick
/// differs: iteration and printing follow insertion order (CPython's follows its hash table, e.g.
/// `{3, 1, 2}` prints as `{1, 2, 3}` there and `{3, 1, 2}` here); `sorted(s)` is the same in both.
public final class SetRef {
    public let table: DictRef

    public init() { table = DictRef() }
    private init(table: DictRef) { self.table = table }
    public init(_ items: [Value]) throws {
        table = DictRef()
        for v in items { try add(v) }
    }

    public var items: [Value] { table.keys }
    public var count: Int { table.count }
    /// A present element stays as it was (`{1}.add(1.0)` keeps 1): `DictRef.set` keeps the first key.
    public func add(_ v: Value) throws { try table.set(v, .none) }
    public func contains(_ v: Value) throws -> Bool { try table.contains(v) }
    @discardableResult public func discard(_ v: Value) throws -> Bool { try table.remove(v) != nil }
    public func copy() -> SetRef { SetRef(table: table.copy()) }
}

enum SetOps {
    static let methods = ["add", "discard", "remove", "pop", "clear", "copy", "update", "union", "intersection",
                          "difference", "symmetric_difference", "issubset", "issuperset", "isdisjoint",
                          "intersection_update", "difference_update", "symmetric_difference_update"]

    /// `a | b`, `a & b`, `a - b`, `a ^ b`; nil when either side is not a set.
    static func binary(_ op: String, _ a: Value, _ b: Value) throws -> Value? {
        guard case .set(let x) = a, case .set(let y) = b else { return nil }
        return .set(try combine(op, x, y.items))
    }

    static func combine(_ op: String, _ x: SetRef, _ other: [Value]) throws -> SetRef {
        if op == "|" { let r = x.copy(); for v in other { try r.add(v) }; return r }
        let y = try SetRef(other)
        switch op {
        case "&": return try SetRef(x.items.filter { (try? y.contains($0)) == true })
        case "-": return try SetRef(x.items.filter { (try? y.contains($0)) != true })
        default:
            let r = try SetRef(x.items.filter { (try? y.contains($0)) != true })
            for v in y.items where try !x.contains(v) { try r.add(v) }
            return r
        }
    }

    static func isSubset(_ x: SetRef, _ y: SetRef) throws -> Bool {
        x.count <= y.count ? try x.items.allSatisfy { try y.contains($0) } : false
    }

    /// `<`, `<=`, `>`, `>=` between sets (subset order); nil when they are not both sets.
    static func compare(_ op: String, _ a: Value, _ b: Value) throws -> Bool? {
        guard case .set(let x) = a, case .set(let y) = b else { return nil }
        switch op {
        case "<=": return try isSubset(x, y)
        case "<": return try x.count < y.count && isSubset(x, y)
        case ">=": return try isSubset(y, x)
        case ">": return try y.count < x.count && isSubset(y, x)
        default: return nil
        }
    }

    static func equal(_ x: SetRef, _ y: SetRef) -> Bool {
        x === y || (x.count == y.count && x.items.allSatisfy { (try? y.contains($0)) == true })
    }

    static func call(_ interp: Interpreter, _ s: SetRef, _ name: String, _ args: Arguments) throws -> Value {
        let p = args.positional
        func one() throws -> Value {
            try Methods.argc(name, args, 1...1)
            return p[0]
        }
        func others() throws -> [Value] { try p.flatMap { try interp.iterate($0) } }
        func replace(with r: SetRef) { s.table.removeAll(); for v in r.items { try? s.add(v) } }
        switch name {
        case "add": try s.add(try one()); return .none
        case "discard": try s.discard(try one()); return .none
        case "remove":
            let v = try one()
            guard try s.discard(v) else { throw RuntimeError(Printer.repr(v), kind: "KeyError") }
            return .none
        case "pop":
            try Methods.argc(name, args, 0...0)
            guard let v = s.items.first else { throw RuntimeError("pop from an empty set", kind: "KeyError") }
            try s.discard(v)
            return v
        case "clear": s.table.removeAll(); return .none
        case "copy": return .set(s.copy())
        case "update": for v in try others() { try s.add(v) }; return .none
        case "union":
            var r = s.copy()
            for x in p { r = try combine("|", r, try interp.iterate(x)) }
            return .set(r)
        case "intersection", "intersection_update":
            var r = s.copy()
            for x in p { r = try combine("&", r, try interp.iterate(x)) }
            if name.hasSuffix("_update") { replace(with: r); return .none }
            return .set(r)
        case "difference", "difference_update":
            var r = s.copy()
            for x in p { r = try combine("-", r, try interp.iterate(x)) }
            if name.hasSuffix("_update") { replace(with: r); return .none }
            return .set(r)
        case "symmetric_difference", "symmetric_difference_update":
            let r = try combine("^", s, try interp.iterate(try one()))
            if name.hasSuffix("_update") { replace(with: r); return .none }
            return .set(r)
        case "issubset": return .bool(try isSubset(s, try SetRef(try interp.iterate(try one()))))
        case "issuperset": return .bool(try isSubset(try SetRef(try interp.iterate(try one())), s))
        case "isdisjoint": return .bool(try interp.iterate(try one()).allSatisfy { try !s.contains($0) })
        default:
            throw RuntimeError("'set' object has no attribute '\(name)'", kind: "AttributeError")
        }
    }
}
