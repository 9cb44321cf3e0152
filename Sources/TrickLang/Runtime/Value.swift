import TrickCore

/// A trick value. Scalars are stored inline; containers and tensors are shared references with
/// Python's aliasing (a list or tensor assigned to two names is one object: `b = a; b[0] = 1`
/// changes `a`, as in torch and numpy).
/// Wide payloads are `indirect` so that every case is one word: copying a `Value` is then a
/// tag test and at most one retain, which matters for the interpreter's speed.
public enum Value {
    case none
    case bool(Bool)
    case int(Int)
    case float(Double)
    indirect case str(String)
    case list(ListRef)
    case tuple([Value])
    case dict(DictRef)
    case set(SetRef)
    case tensor(TensorRef)
    case function(Function)
    case builtin(BuiltinFunction)
    case object(BuiltObject)
    indirect case range(start: Int, stop: Int, step: Int)
    indirect case slice(Int?, Int?, Int?)

    /// The Python-style type name used in messages ("expected a tensor, got list").
    public var typeName: String {
        switch self {
        case .none: return "NoneType"
        case .bool: return "bool"
        case .int: return "int"
        case .float: return "float"
        case .str: return "str"
        case .list: return "list"
        case .tuple: return "tuple"
        case .dict(let d): return d.flavor?.name ?? "dict"
        case .set: return "set"
        case .tensor: return "tensor"
        case .function: return "function"
        case .builtin: return "builtin_function"
        case .object(let o): return o.typeName
        case .range: return "range"
        case .slice: return "slice"
        }
    }

    public var isNone: Bool { if case .none = self { return true } else { return false } }
    public var objectValue: BuiltObject? { if case .object(let o) = self { return o } else { return nil } }
    /// The tensor a value holds, or nil (prefer it to matching `.tensor(let t)`).
    public var tensorValue: Tensor? { if case .tensor(let r) = self { return r.tensor } else { return nil } }

    /// A new tensor object holding `t` (every computed tensor is a new object, as in torch).
    @inline(__always) public static func tensor(_ t: Tensor) -> Value { .tensor(TensorRef(t)) }

    /// Python truthiness.
    public func truthy() throws -> Bool {
        switch self {
        case .none: return false
        case .bool(let b): return b
        case .int(let i): return i != 0
        case .float(let d): return d != 0
        case .str(let s): return !s.isEmpty
        case .list(let l): return !l.items.isEmpty
        case .tuple(let t): return !t.isEmpty
        case .dict(let d): return d.count > 0
        case .set(let s): return s.count > 0
        case .tensor(let r):
            let t = r.tensor
            guard t.count == 1 else {
                throw RuntimeError("the truth value of a tensor with \(t.count) elements is ambiguous (use .any() or .all())")
            }
            return t.double(at: 0) != 0
        case .range(let a, let b, let s): return s > 0 ? a < b : a > b
        case .object(let o):
            if o.specialLookup != nil {
                if let b = o.special("__bool__") { return try b.call(Arguments()).truthy() }
                if let n = o.special("__len__") { return try n.call(Arguments()).truthy() }
            }
            return o.truthy
        default: return true
        }
    }

    // MARK: Convenience constructors

    public static func list(_ items: [Value]) -> Value { .list(ListRef(items)) }
    public static func dict(_ pairs: [(String, Value)]) -> Value {
        let d = DictRef()
        for (k, v) in pairs { d[.str(k)] = v }
        return .dict(d)
    }
    public static func ints(_ xs: [Int]) -> Value { .list(ListRef(xs.map { .int($0) })) }
    public static func shapeTuple(_ shape: [Int]) -> Value { .tuple(shape.map { .int($0) }) }
}

/// A mutable list, shared by reference as in Python.
public final class ListRef {
    public var items: [Value]
    public init(_ items: [Value] = []) { self.items = items }
}

/// An insertion-ordered dict with Python key semantics (1 == 1.0 == True).
///
/// Entries live in insertion order in `keys`/`values`; an open-addressing table of entry
/// numbers (linear probing, at most half full) finds them. Hashes are cheap mixes for ints and
/// floats (the common config and loop keys) rather than SipHash.
/// A tensor object: the one place a tensor lives, shared by every name, list slot, dict value and
/// argument bound to it. In-place operations (`t[i] = v`, `t += 1`, `t.clamp_(0)`) replace the
/// tensor held here, so every holder sees the change; everything else makes a new `TensorRef`.
/// (Views are not shared: `t[0]` and `t.view(-1)` are new tensors; see the README.)
public final class TensorRef {
    public var tensor: Tensor
    public init(_ tensor: Tensor) { self.tensor = tensor }
}

public final class DictRef {
    /// One entry: the key, its value and the key's hash. (The key first and the value right
    /// after it: the VM reads them in place as two `Value`s; `ValueLayout.verify` checks.)
    public struct Entry {
        public let key: Value
        public var value: Value
        let hash: Int
    }
    /// The entries in insertion order: one array, so a dict is two allocations (this object and
    /// its entries; a table too above `smallCount`), a copy shares them until written, and
    /// iterating reads keys and values side by side.
    public private(set) var entries: ContiguousArray<Entry> = []
    /// Set for `collections`' dict subclasses (OrderedDict, defaultdict, Counter); see DictFlavors.
    public var flavor: DictFlavor?
    /// Per bucket, entry number + 1 in the low 32 bits (0: empty) and the high 32 bits of the
    /// entry's hash above them: a probe compares hashes in the table and reads an entry only
    /// when they agree (the entries of a big dict are far apart in memory, the table compact).
    private var table: [UInt64] = []

    @inline(__always) private static func bucket(_ entry: Int, _ hash: Int) -> UInt64 {
        UInt64(UInt(bitPattern: hash)) & 0xFFFF_FFFF_0000_0000 | UInt64(entry + 1)
    }

    public init() {}
    public init(_ pairs: [(Value, Value)]) throws {
        for (k, v) in pairs { try set(k, v) }
    }

    public var count: Int { entries.count }
    /// The keys, in order (a new array: for whole-dict work, not per-item access).
    public var keys: [Value] { entries.map(\.key) }
    /// The values, in order (a new array).
    public var values: [Value] { entries.map(\.value) }
    public var pairs: [(Value, Value)] { entries.map { ($0.key, $0.value) } }
    public func key(at e: Int) -> Value { entries[e].key }
    public func value(at e: Int) -> Value { entries[e].value }
    public var firstKey: Value? { entries.first?.key }
    public var lastKey: Value? { entries.last?.key }

    @inline(__always) static func mix(_ x: UInt64) -> Int {
        var z = x &+ 0x9E3779B97F4A7C15
        z = (z ^ (z >> 30)) &* 0xBF58476D1CE4E5B9
        z = (z ^ (z >> 27)) &* 0x94D049BB133111EB
        return Int(bitPattern: UInt(z ^ (z >> 31)))
    }

    /// Python-consistent hash: equal keys (1, 1.0, True) hash alike. Numbers and strings are
    /// Python's `hash()` (HashKey.pythonHash) mixed, as an object's `__hash__` is, so an object
    /// equal to a plain key (an IntEnum member and its int, a str-mixin enum and its string) is
    /// found under it.
    static func hash(_ v: Value) throws -> Int {
        switch v {
        case .str(let s): return strHash(s)
        case .int(let i): return mix(UInt64(bitPattern: Int64(HashKey.intHash(i))))
        case .bool(let b): return mix(b ? 1 : 0)
        case .float(let d): return mix(UInt64(bitPattern: Int64(HashKey.floatHash(d))))
        case .none: return 0x51ED270B
        case .tuple(let t):
            var h = 0x345678
            for x in t { h = mix(UInt64(bitPattern: Int64(h)) ^ UInt64(bitPattern: Int64(try hash(x)))) }
            return h
        case .object(let o): return mix(UInt64(bitPattern: Int64(try objectHash(o))))
        case .function(let f): return mix(UInt64(UInt(bitPattern: ObjectIdentifier(f).hashValue)))
        case .builtin(let b):   // a bound method: its receiver and name (equal ones hash alike)
            return mix(UInt64(UInt(bitPattern: b.boundIdentity?.hashValue ?? ObjectIdentifier(b).hashValue)))
        case .tensor(let ref): return mix(UInt64(UInt(bitPattern: ObjectIdentifier(ref).hashValue)))   // torch: by identity
        default: throw RuntimeError("unhashable type: '\(v.typeName)'", kind: "TypeError")
        }
    }

    /// A str key's hash: its `hash()` (HashKey.stringHash, −1 read as −2) mixed.
    @inline(__always) static func strHash(_ s: String) -> Int {
        let r = HashKey.stringHash(s)
        return mix(UInt64(bitPattern: Int64(r == -1 ? -2 : r)))
    }

    /// An object's hash as Python's `hash()` gives it: its class's `__hash__` (−1 read as −2);
    /// none when the class defines `__eq__` without `__hash__` (unhashable); else its identity.
    static func objectHash(_ o: BuiltObject) throws -> Int {
        if let h = o.special("__hash__") {
            guard case .int(let i) = try h.call(Arguments()) else { throw RuntimeError("__hash__ method should return an integer", kind: "TypeError") }
            return i == -1 ? -2 : i
        }
        if o.instanceClass != nil, o.special("__eq__") != nil { throw RuntimeError("unhashable type: '\((o.instanceClass as? ClassInfo)?.name ?? o.typeName)'", kind: "TypeError") }
        return ObjectIdentifier(o).hashValue
    }

    @inline(__always) static func sameKey(_ a: Value, _ b: Value) -> Bool {
        switch (a, b) {
        case (.int(let x), .int(let y)): return x == y
        case (.str(let x), .str(let y)): return x.sameCodePoints(y)
        case (.object(let x), .object(let y)):
            if x === y { return true }
            // equal by the class's __eq__ (value-like keys)
            guard let eq = x.special("__eq__"), let r = try? eq.call(Arguments([b])) else { return false }
            return (try? r.truthy()) ?? false
        case (.tensor(let x), .tensor(let y)): return x === y
        case (.object(let o), _), (_, .object(let o)):
            // an object against a plain key: the object's __eq__ (an IntEnum member finds its int key)
            let other = { if case .object(let x) = a, x === o { return b }; return a }()
            guard let eq = o.special("__eq__"), let r = try? eq.call(Arguments([other])) else { return false }
            return (try? r.truthy()) ?? false
        default: return Ops.equal(a, b)
        }
    }

    /// Dicts of up to this many entries have no table: a lookup scans their hashes (most config
    /// dicts are this small, and a table is one more allocation and a rebuild as they grow).
    static let smallCount = 8

    /// The entry number of `key`, or nil; also the bucket where it is or would go (−1 for a small
    /// dict, which has no table).
    private func find(_ key: Value, _ h: Int) -> (entry: Int?, bucket: Int) {
        if table.isEmpty {
            for i in entries.indices where entries[i].hash == h && DictRef.sameKey(entries[i].key, key) { return (i, -1) }
            return (nil, -1)
        }
        let mask = table.count - 1
        let high = UInt64(UInt(bitPattern: h)) & 0xFFFF_FFFF_0000_0000
        var b = h & mask
        while true {
            let t = table[b]
            if t == 0 { return (nil, b) }
            let e = Int(t & 0xFFFF_FFFF) - 1
            if t & 0xFFFF_FFFF_0000_0000 == high && entries[e].hash == h && DictRef.sameKey(entries[e].key, key) { return (e, b) }
            b = (b + 1) & mask
        }
    }

    /// A table for `capacity` entries (at most half full), or none for a small dict.
    private func rebuild(capacity: Int) {
        guard capacity > DictRef.smallCount else { table = []; return }
        var size = 8
        while size < capacity * 2 { size <<= 1 }
        table = [UInt64](repeating: 0, count: size)
        let mask = size - 1
        for (i, entry) in entries.enumerated() {
            var b = entry.hash & mask
            while table[b] != 0 { b = (b + 1) & mask }
            table[b] = DictRef.bucket(i, entry.hash)
        }
    }

    public func get(_ key: Value) throws -> Value? {
        let h = try DictRef.hash(key)
        guard let e = find(key, h).entry else { return nil }
        return entries[e].value
    }

    public func set(_ key: Value, _ value: Value) throws {
        let h = try DictRef.hash(key)
        let (entry, bucket) = find(key, h)
        if let e = entry { entries[e].value = value; return }
        if entries.capacity == 0 { entries.reserveCapacity(4) }
        entries.append(Entry(key: key, value: value, hash: h))
        if entries.count > DictRef.smallCount {
            if bucket < 0 || entries.count * 2 > table.count { rebuild(capacity: entries.count) } else { table[bucket] = DictRef.bucket(entries.count - 1, h) }
        }
    }

    @discardableResult
    public func remove(_ key: Value) throws -> Value? {
        let h = try DictRef.hash(key)
        guard let e = find(key, h).entry else { return nil }
        let v = entries.remove(at: e).value
        rebuild(capacity: entries.count)
        return v
    }

    public func contains(_ key: Value) throws -> Bool { try index(of: key) != nil }

    /// The entry number of `key`, or nil (then `entries[e].value` is its value).
    @inline(__always) func index(of key: Value) throws -> Int? { find(key, try DictRef.hash(key)).entry }

    public func removeAll() { entries = []; table = [] }

    public func copy() -> DictRef {
        let d = DictRef()
        d.entries = entries; d.table = table
        return d
    }

    /// String-keyed access for bindings (`cfg["type"]`); never throws because str keys hash.
    public subscript(_ key: Value) -> Value? {
        get { try? get(key) }
        set {
            if let v = newValue { try? set(key, v) } else { _ = try? remove(key) }
        }
    }
    public subscript(str key: String) -> Value? {
        get { self[.str(key)] }
        set { self[.str(key)] = newValue }
    }
}

/// A hashable image of a dict key or set element.
public enum HashKey: Hashable {
    case none
    case int(Int)
    case float(Double)
    indirect case str(String)
    case tuple([HashKey])

    public init(_ v: Value) throws {
        switch v {
        case .none: self = .none
        case .bool(let b): self = .int(b ? 1 : 0)
        case .int(let i): self = .int(i)
        case .float(let d):
            if d.rounded() == d, let i = Int(exactly: d) { self = .int(i) } else { self = .float(d) }
        case .str(let s): self = .str(s)
        case .tuple(let t): self = .tuple(try t.map(HashKey.init))
        default: throw RuntimeError("unhashable type: '\(v.typeName)'")
        }
    }
}

/// A user function (from `def` or `lambda`) closed over its defining frame.
public final class Function {
    public let code: FunctionCode
    /// One per positional and keyword-only parameter (None where it has no default).
    public let defaults: [Value]
    /// Copied from `code` so a call touches one object: the positional arity when the
    /// parameters are plain (arguments are already in place as the callee's registers), else -1.
    let simpleArity: Int
    /// The compiled body; unretained (FunctionCode owns it), so a call reads it without
    /// reference counting.
    let chunk: Unmanaged<Chunk>?
    /// The variables it captured from the functions around it (nil: none). A call that has no
    /// cells of its own reads these in place.
    let captured: CellFrame?
    /// Attributes a program set on it (`f.calls = 0`, `functools.wraps`' `__wrapped__`).
    var attributes: [String: Value] = [:]
    init(code: FunctionCode, defaults: [Value], cells: ContiguousArray<Cell> = []) {
        self.code = code
        self.defaults = defaults
        captured = cells.isEmpty ? nil : CellFrame(cells)
        chunk = code.chunk.map { Unmanaged.passUnretained($0) }
        simpleArity = code.isSimple ? code.positionalCount : -1
    }
}

/// A `Value` counted in place, for the VM's registers: copying, storing and clearing a register
/// as a test of the case byte and at most one inline retain or release, instead of a call of the
/// compiler's outlined copy and destroy (which switch on the case, and whose retains are atomic
/// when another module's copy of them is linked).
///
/// The layout this relies on: every case of `Value` is trivial (none, bool, int, float) or holds
/// exactly one strong reference to a native heap object in its first word (a class instance, an
/// indirect case's box, a tuple's array buffer), and the case is the byte after that word.
/// `ValueLayoutTests` checks it for every case; `ValueLayout.verify()` runs the same checks.
enum ValueLayout {
    /// The case byte's values: payload cases in declaration order, then `none`; an absent
    /// `Value?` (a global not yet assigned) is the byte 255 with the same layout otherwise.
    static let boolTag: UInt8 = 0
    static let intTag: UInt8 = 1
    static let floatTag: UInt8 = 2
    static let strTag: UInt8 = 3
    static let listTag: UInt8 = 4
    static let tupleTag: UInt8 = 5
    static let dictTag: UInt8 = 6
    static let setTag: UInt8 = 7
    static let functionTag: UInt8 = 9
    static let builtinTag: UInt8 = 10
    static let objectTag: UInt8 = 11
    static let noneTag: UInt8 = 14
    static let absentTag: UInt8 = 255

    /// The class instance a register of case `tag` holds, unretained (the register keeps it);
    /// nil for another case.
    @inline(__always) static func instance<T: AnyObject>(_ p: UnsafePointer<Value>, _ tag: UInt8, as: T.Type) -> Unmanaged<T>? {
        guard self.tag(p) == tag else { return nil }
        return Unmanaged.fromOpaque(UnsafeRawPointer(p).load(as: UnsafeRawPointer.self))
    }

    /// The two raw words of the string a register of case str holds, read in its box in place
    /// (nothing retained; the register keeps it), or nil for another case.
    @inline(__always) static func strWords(_ p: UnsafePointer<Value>) -> (UInt64, UInt64)? {
        guard tag(p) == strTag else { return nil }
        let box = UnsafeRawPointer(p).load(as: UnsafeRawPointer.self)
        return (box.load(fromByteOffset: strPayload, as: UInt64.self), box.load(fromByteOffset: strPayload + 8, as: UInt64.self))
    }
    /// Where a str case's box keeps the string: after the heap object's two header words.
    static let strPayload = 16

    /// The value of a `Value?` (a global's slot), nil when absent: read in place.
    @inline(__always) static func present(_ p: UnsafePointer<Value?>) -> UnsafePointer<Value>? {
        UnsafeRawPointer(p).load(fromByteOffset: 8, as: UInt8.self) == absentTag ? nil : UnsafeRawPointer(p).assumingMemoryBound(to: Value.self)
    }

    @inline(__always) static func tag(_ p: UnsafePointer<Value>) -> UInt8 {
        UnsafeRawPointer(p).load(fromByteOffset: 8, as: UInt8.self)
    }

    /// The case holds a reference (all but none, bool, int and float).
    @inline(__always) static func holdsReference(_ tag: UInt8) -> Bool { tag > floatTag && tag != noneTag }
    /// The cases that hold none, as bits (`1 << tag`).
    static let trivialTags: UInt64 = 1 << boolTag | 1 << intTag | 1 << floatTag | 1 << noneTag

    /// The object a referencing case holds (its first word).
    @inline(__always) static func object(_ p: UnsafePointer<Value>) -> Unmanaged<HeapObject> {
        Unmanaged.fromOpaque(UnsafeRawPointer(p).load(as: UnsafeRawPointer.self))
    }

    /// One more reference to `o`.
    /// (A strong copy of the reference, handed to `Unmanaged` without its release: counted as
    /// the rest of this module counts, non-atomically under `-assume-single-threaded`, whereas
    /// `Unmanaged.retain()` is always an atomic increment.)
    @inline(__always) static func retain(_ o: Unmanaged<HeapObject>) {
        _ = Unmanaged.passRetained(withUnsafePointer(to: o) { UnsafeRawPointer($0).load(as: HeapObject.self) })
    }

    /// One reference to `o` fewer (its strong reference taken back and dropped: counted as the
    /// rest of this module counts, unlike `Unmanaged.release()`).
    @inline(__always) static func release(_ o: Unmanaged<HeapObject>) { _ = o.takeRetainedValue() }

    /// `retain` / `release` with the runtime's fast path written in place, for `VM.runPlain`
    /// (whose few live values leave room for it; in `execute` the extra code cost more than the
    /// call it saved). Swift's inline count is the word after the object's type: the strong extra
    /// count in bits 33–62, bit 63 set when the count lives elsewhere (a side table, an immortal
    /// object). One more reference when that bit is clear and the count is below its largest; one
    /// fewer when it is clear and this is not the last reference; the runtime does the rest
    /// (overflow, side tables, deallocation). Non-atomic, as this module's counting is.
    /// `ValueLayoutTests` checks these against the runtime's own count.
    @inline(__always) static func retainInPlace(_ o: Unmanaged<HeapObject>) {
        let word = UnsafeMutableRawPointer(o.toOpaque()) + 8
        let bits = word.load(as: UInt64.self)
        if bits & (1 << 63) == 0 && bits >> 33 < (1 << 30) - 1 {
            word.storeBytes(of: bits &+ (1 << 33), as: UInt64.self)
        } else {
            retain(o)
        }
    }

    @inline(__always) static func releaseInPlace(_ o: Unmanaged<HeapObject>) {
        let word = UnsafeMutableRawPointer(o.toOpaque()) + 8
        let bits = word.load(as: UInt64.self)
        if bits & (1 << 63) == 0 && bits >> 33 != 0 {
            word.storeBytes(of: bits &- (1 << 33), as: UInt64.self)
        } else {
            release(o)
        }
    }

    /// `copy`, counting in place (for `VM.runPlain`).
    @inline(__always) static func copyInPlace(_ src: UnsafePointer<Value>, to dst: UnsafeMutablePointer<Value>) {
        if holdsReference(tag(src)) { retainInPlace(object(src)) }
        let old: Unmanaged<HeapObject>? = holdsReference(tag(dst)) ? object(dst) : nil
        UnsafeMutableRawPointer(dst).copyMemory(from: src, byteCount: MemoryLayout<Value>.size)
        if let old { releaseInPlace(old) }
    }

    /// `take` of two different registers, counting in place (for `VM.runPlain`).
    @inline(__always) static func takeInPlace(_ src: UnsafeMutablePointer<Value>, to dst: UnsafeMutablePointer<Value>) {
        let old: Unmanaged<HeapObject>? = holdsReference(tag(dst)) ? object(dst) : nil
        UnsafeMutableRawPointer(dst).copyMemory(from: src, byteCount: MemoryLayout<Value>.size)
        setNone(src)
        if let old { releaseInPlace(old) }
    }

    /// `dst = src` (a copy: `src` keeps its value).
    @inline(__always) static func copy(_ src: UnsafePointer<Value>, to dst: UnsafeMutablePointer<Value>) {
        if holdsReference(tag(src)) { retain(object(src)) }
        if holdsReference(tag(dst)) {
            let old = object(dst)
            UnsafeMutableRawPointer(dst).copyMemory(from: src, byteCount: MemoryLayout<Value>.size)
            release(old)
        } else {
            UnsafeMutableRawPointer(dst).copyMemory(from: src, byteCount: MemoryLayout<Value>.size)
        }
    }

    /// `dst = src`, leaving `src` None (a move: nothing is retained).
    @inline(__always) static func take(_ src: UnsafeMutablePointer<Value>, to dst: UnsafeMutablePointer<Value>) {
        if src == dst { return }
        let old: Unmanaged<HeapObject>? = holdsReference(tag(dst)) ? object(dst) : nil
        UnsafeMutableRawPointer(dst).copyMemory(from: src, byteCount: MemoryLayout<Value>.size)
        setNone(src)
        if let old { release(old) }
    }

    /// Lets go of what `p` holds; it becomes None if it held a reference (a number, bool or None
    /// is left as it is).
    @inline(__always) static func clear(_ p: UnsafeMutablePointer<Value>) {
        guard holdsReference(tag(p)) else { return }
        let old = object(p)
        setNone(p)
        release(old)
    }

    /// `p = v`, moving `v` in (the old value is released in place).
    @inline(__always) static func store(_ p: UnsafeMutablePointer<Value>, _ v: consuming Value) {
        if holdsReference(tag(p)) {
            let old = object(p)
            p.initialize(to: v)
            release(old)
        } else {
            p.initialize(to: v)
        }
    }

    /// Writes None over `p` without releasing what it held.
    @inline(__always) static func setNone(_ p: UnsafeMutablePointer<Value>) {
        UnsafeMutableRawPointer(p).storeBytes(of: 0, as: UInt.self)
        UnsafeMutableRawPointer(p).storeBytes(of: noneTag, toByteOffset: 8, as: UInt8.self)
    }

    /// Whether this build lays `Value` out as the helpers above assume (every case checked).
    static func verify() -> Bool {
        guard MemoryLayout<Value>.size == 9 else { return false }
        let list = ListRef(), dict = DictRef(), set = SetRef(), tensor = TensorRef(Tensor(shape: [1], float32: [0]))
        let function = Function(code: FunctionCode(name: "f", params: Params(), nslots: 0, file: SourceFile.builtin,
                                                   loc: SourceLocation(line: 1, column: 1), docstring: nil), defaults: [])
        let builtin = BuiltinFunction("f()") { _ in .none }, instance = BuiltObject(typeName: "o")
        // class instances (the first word is the instance), trivial cases, boxed cases (a box or buffer)
        let classes: [(Value, AnyObject)] = [(.list(list), list), (.dict(dict), dict), (.set(set), set), (.tensor(tensor), tensor),
                                             (.function(function), function), (.builtin(builtin), builtin), (.object(instance), instance)]
        let trivial: [Value] = [.none, .bool(true), .int(-1), .float(.nan)]
        let boxed: [Value] = [.str("a string longer than fifteen bytes"), .tuple([.int(1)]), .range(start: 0, stop: 1, step: 1), .slice(nil, 1, nil)]
        func check(_ v: Value, _ body: (UnsafeMutablePointer<Value>) -> Bool) -> Bool {
            var v = v
            return withUnsafeMutablePointer(to: &v, body)
        }
        // the case bytes named above, and an absent `Value?`
        let named: [(Value, UInt8)] = [(.bool(true), boolTag), (.int(1), intTag), (.float(1), floatTag), (.str("s"), strTag),
                                       (.list(list), listTag), (.tuple([]), tupleTag), (.dict(dict), dictTag), (.set(set), setTag), (.function(function), functionTag),
                                       (.builtin(builtin), builtinTag), (.object(instance), objectTag), (.none, noneTag)]
        for (v, t) in named { guard check(v, { tag($0) == t }) else { return false } }
        guard MemoryLayout<Value?>.size == MemoryLayout<Value>.size else { return false }
        guard MemoryLayout<DictRef.Entry>.offset(of: \DictRef.Entry.key) == 0,
              MemoryLayout<DictRef.Entry>.offset(of: \DictRef.Entry.value) == MemoryLayout<Value>.stride else { return false }
        var absent: Value? = nil, present: Value? = .list(list)
        guard withUnsafePointer(to: &absent, { self.present($0) == nil }),
              withUnsafePointer(to: &present, { p in self.present(p).map { object($0).toOpaque() == Unmanaged.passUnretained(list).toOpaque() } ?? false })
        else { return false }
        for v in trivial {
            guard check(v, { p in
                !holdsReference(tag(p)) && ({ if case .none = p.pointee { return tag(p) == noneTag } else { return true } }())
                    && ({ if case .float = p.pointee { return tag(p) == floatTag } else { return true } }())
            }) else { return false }
        }
        for (v, o) in classes {
            guard check(v, { p in holdsReference(tag(p)) && object(p).toOpaque() == Unmanaged.passUnretained(o).toOpaque() }) else { return false }
        }
        // a str's box keeps the string after its header
        for text in ["s", "a string longer than fifteen bytes"] {
            guard check(.str(text), { p in strWords(p).map { $0 == unsafeBitCast(text, to: (UInt64, UInt64).self) } ?? false }) else { return false }
        }
        for v in boxed {
            // a live heap object: a retain through the first word and its release balance
            guard check(v, { p in
                guard holdsReference(tag(p)) else { return false }
                _ = object(p).retain()
                object(p).release()
                return true
            }) else { return false }
        }
        return true
    }
}

/// Stands for any native heap object whose reference a `Value` holds (only retained and
/// released through it: `swift_retain` and `swift_release` read no type).
final class HeapObject {}
