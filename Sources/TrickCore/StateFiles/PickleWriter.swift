/// `Pickled` values written as a protocol-2 pickle stream, the opcodes CPython's `pickle._Pickler`
/// chooses at protocol 2 (torch.save's default, `DEFAULT_PROTOCOL = 2`): `BININT1`/`BININT2`/
/// `BININT`/`LONG1` by size, `BINFLOAT`, `BINUNICODE`, `EMPTY_LIST`+`APPENDS` and
/// `EMPTY_DICT`+`SETITEMS` in batches of 1000, `TUPLE1..3`, every container, string and global
/// memoized with `BINPUT`/`LONG_BINPUT` and referred to again with `BINGET`/`LONG_BINGET`. An
/// `OrderedDict` is `collections.OrderedDict()` filled by `SETITEMS`, a `Counter` is
/// `collections.Counter(dict)` and a set `set(list)` (protocol 2 has no set opcodes), as Python
/// reduces them. Tensors and storages are the caller's (`tensor` returns what stands for one: for
/// torch, a `_rebuild_tensor_v2` call over a persistent id).
public struct PickleWriter {
    public private(set) var out: [UInt8] = [0x80, 2]
    private var memo: [ObjectIdentifier: Int] = [:]
    /// The memoized objects, kept alive as Python's memo keeps them: an identifier is only unique
    /// while its object lives.
    private var kept: [AnyObject] = []
    private var strings: [String: Int] = [:]
    private var globals: [String: Int] = [:]
    private var memoCount = 0
    /// Writes what stands for a tensor (its `reduce`), given the writer.
    let tensor: (inout PickleWriter, PickledTensor) throws -> Void

    public init(tensor: @escaping (inout PickleWriter, PickledTensor) throws -> Void) { self.tensor = tensor }

    static let batch = 1000

    mutating func le(_ v: Int, _ n: Int) { for i in 0..<n { out.append(UInt8(truncatingIfNeeded: v >> (8 * i))) } }

    private mutating func put() {
        if memoCount < 256 { out += [0x71, UInt8(memoCount)] } else { out.append(0x72); le(memoCount, 4) }
        memoCount += 1
    }

    private mutating func get(_ i: Int) {
        if i < 256 { out += [0x68, UInt8(i)] } else { out.append(0x6A); le(i, 4) }
    }

    /// Memoizes the object just written.
    private mutating func remember(_ object: AnyObject) {
        memo[ObjectIdentifier(object)] = memoCount
        kept.append(object)
        put()
    }

    /// `BINGET` when `object` was written before.
    private mutating func recalled(_ object: AnyObject) -> Bool {
        guard let i = memo[ObjectIdentifier(object)] else { return false }
        get(i)
        return true
    }

    public mutating func mark() { out.append(0x28) }
    public mutating func stop() { out.append(0x2E) }
    /// `TUPLE` of what follows the last mark, memoized.
    public mutating func tuple() { out.append(0x74); put() }
    public mutating func reduce() { out.append(0x52) }
    public mutating func persistentID() { out.append(0x51) }

    /// `GLOBAL module\nname\n`, memoized.
    public mutating func global(_ module: String, _ name: String) {
        let key = module + "\n" + name
        if let i = globals[key] { get(i); return }
        out.append(0x63)
        out += Array((key + "\n").utf8)
        globals[key] = memoCount
        put()
    }

    public mutating func write(_ v: Pickled) throws {
        switch v {
        case .none: out.append(0x4E)
        case .bool(let b): out.append(b ? 0x88 : 0x89)
        case .int(let i): int(i)
        case .float(let d):
            out.append(0x47)
            let bits = d.bitPattern
            for i in (0..<8).reversed() { out.append(UInt8(truncatingIfNeeded: bits >> (8 * UInt64(i)))) }
        case .string(let s):
            if let i = strings[s] { get(i); return }
            let b = Array(s.utf8)
            out.append(0x58)
            le(b.count, 4)
            out += b
            strings[s] = memoCount
            put()
        case .tuple(let items):
            if items.isEmpty { out.append(0x29); return }
            if items.count > 3 { mark() }
            for x in items { try write(x) }
            out.append(items.count > 3 ? 0x74 : [0x85, 0x86, 0x87][items.count - 1])
            put()
        case .list(let l):
            if recalled(l) { return }
            out.append(0x5D)
            remember(l)
            try batched(l.items.count, single: 0x61, many: 0x65) { w, i in try w.write(l.items[i]) }
        case .dict(let d):
            if recalled(d) { return }
            switch d.kind {
            case .dict:
                out.append(0x7D)
                remember(d)
                try setItems(d)
            case .orderedDict:
                global("collections", "OrderedDict")
                out.append(0x29)
                reduce()
                remember(d)
                try setItems(d)
            case .counter:
                global("collections", "Counter")
                out.append(0x7D)
                put()
                try setItems(d)
                reduceOne(memoizing: d)
            }
        case .set(let s):
            if recalled(s) { return }
            global("__builtin__", "set")
            out.append(0x5D)
            put()
            try batched(s.items.count, single: 0x61, many: 0x65) { w, i in try w.write(s.items[i]) }
            reduceOne(memoizing: s)
        case .tensor(let t):
            if recalled(t) { return }
            let reduce = tensor
            try reduce(&self, t)
            remember(t)
        case .global(let module, let name): global(module, name)
        case .storage: throw CoreError("torch.save: a storage outside a tensor cannot be written")
        }
    }

    /// `cls(arg)` for `Counter(dict)` and `set(list)`, the class and the argument written: `TUPLE1`
    /// of the argument, `REDUCE`, the result memoized.
    private mutating func reduceOne(memoizing object: AnyObject) {
        out.append(0x85)
        put()
        reduce()
        remember(object)
    }

    private mutating func int(_ i: Int) {
        switch i {
        case 0...0xFF: out += [0x4B, UInt8(i)]
        case 0x100...0xFFFF: out.append(0x4D); le(i, 2)
        case Int(Int32.min)...Int(Int32.max): out.append(0x4A); le(i, 4)
        default:
            // LONG1: the shortest little-endian two's complement
            var n = 8
            while n > 1 {
                let top = UInt8(truncatingIfNeeded: i >> (8 * (n - 1))), next = UInt8(truncatingIfNeeded: i >> (8 * (n - 2)))
                guard (top == 0 && next & 0x80 == 0) || (top == 0xFF && next & 0x80 != 0) else { break }
                n -= 1
            }
            out += [0x8A, UInt8(n)]
            le(i, n)
        }
    }

    private mutating func setItems(_ d: PickledDict) throws {
        try batched(d.pairs.count, single: 0x73, many: 0x75) { w, i in
            try w.write(d.pairs[i].key)
            try w.write(d.pairs[i].value)
        }
    }

    /// Python's `_batch_appends` / `_batch_setitems`: a lone item with APPEND/SETITEM, more
    /// between MARK and APPENDS/SETITEMS, 1000 at a time.
    private mutating func batched(_ count: Int, single: UInt8, many: UInt8, _ item: (inout PickleWriter, Int) throws -> Void) throws {
        var start = 0
        while start < count {
            let end = Swift.min(start + PickleWriter.batch, count)
            if end - start == 1 {
                try item(&self, start)
                out.append(single)
            } else {
                mark()
                for i in start..<end { try item(&self, i) }
                out.append(many)
            }
            start = end
        }
    }
}
