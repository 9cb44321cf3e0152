/// A pickle stream read into `Pickled` values, as CPython's `pickle._Unpickler` reads it
/// (Lib/pickle.py), for protocols 0 to 5, but restricted as `torch.load(weights_only=True)` is:
/// no class is ever instantiated from its name. A `GLOBAL` is only a name; calling it (`REDUCE`,
/// `NEWOBJ`) works for the callables in `calls` (torch's tensor rebuilders, given by TorchArchive)
/// and the containers checkpoints hold (`collections.OrderedDict`, `collections.Counter`, `set`,
/// `frozenset`); any other name is an error that says which. Persistent ids go to
/// `persistentLoad`. Every read is bounds-checked: a truncated or corrupt stream is an error, and
/// so are objects nested deeper than Python's recursion limit (`maxDepth`) and recursive
/// structures (a container changed after it was put in another), which no checkpoint holds.
public struct PickleReader {
    public typealias Call = ([Pickled]) throws -> Pickled

    /// How errors start ("torch.load").
    let what: String
    let bytes: [UInt8]
    var calls: [String: Call]
    let persistentLoad: (Pickled) throws -> Pickled
    private var pos = 0
    private var stack: [Pickled] = []
    /// How deep each value on the stack nests (a list of scalars: 1). Python's unpickler has no
    /// limit, but nothing deeper than its recursion limit can be pickled or used, and freeing a
    /// deeper nest would overflow the stack: deeper is an error.
    private var depths: [Int] = []
    private var containerDepth: [ObjectIdentifier: Int] = [:]
    /// Lists, dicts and sets already put in another container: they may not change any more
    /// (only a recursive structure does that), so every container's depth is final when used.
    private var placed: Set<ObjectIdentifier> = []
    private var marks: [Int] = []
    private var memo: [Int: (value: Pickled, depth: Int)] = [:]
    public static let maxDepth = 1000

    public static let readable = "trick reads tensors, dicts, lists, tuples, sets, numbers, strings and None"

    public init(_ bytes: [UInt8], what: String, calls: [String: Call] = [:], persistentLoad: @escaping (Pickled) throws -> Pickled) {
        self.bytes = bytes
        self.what = what
        self.calls = calls
        self.persistentLoad = persistentLoad
    }

    func error(_ message: String, kind: String = "UnpicklingError") -> CoreError { CoreError("\(what): \(message)", kind: kind) }

    /// The error for a name the stream calls or leaves in the result.
    public static func cannotRebuild(_ what: String, _ module: String, _ name: String) -> CoreError {
        CoreError("\(what): cannot rebuild '\(module).\(name)' (\(readable))", kind: "UnpicklingError")
    }

    // MARK: reading the stream

    private mutating func take(_ n: Int) throws -> ArraySlice<UInt8> {
        guard n >= 0, n <= bytes.count - pos else { throw error("the pickle data is truncated") }
        defer { pos += n }
        return bytes[pos..<(pos + n)]
    }

    private mutating func uint(_ n: Int) throws -> Int {
        let b = try take(n)
        var v = 0
        for (i, x) in b.enumerated() { v |= Int(x) << (8 * i) }
        return v
    }

    private mutating func line() throws -> String {
        guard let end = bytes[pos...].firstIndex(of: 0x0A) else { throw error("the pickle data is truncated (a text opcode without its newline)") }
        defer { pos = end + 1 }
        return String(decoding: bytes[pos..<end], as: UTF8.self)
    }

    private mutating func utf8(_ n: Int) throws -> String {
        let b = try take(n)
        guard let s = String(validating: b, as: UTF8.self) else { throw error("a string is not valid UTF-8") }
        return s
    }

    /// Python's `int.from_bytes(b, 'little', signed=True)` for LONG1 / LONG4, within 64 bits.
    private func long(_ b: ArraySlice<UInt8>) throws -> Int {
        let b = Array(b)
        guard let last = b.last else { return 0 }
        let negative = last & 0x80 != 0
        let fill: UInt8 = negative ? 0xFF : 0
        if b.count > 8 {
            // the bytes past the eighth only extend the sign
            guard b[8...].allSatisfy({ $0 == fill }), (b[7] & 0x80 != 0) == negative else { throw error("an integer does not fit in 64 bits") }
        }
        var v: UInt64 = 0
        for i in 0..<8 { v |= UInt64(i < b.count ? b[i] : fill) << (8 * UInt64(i)) }
        return Int(Int64(bitPattern: v))
    }

    // MARK: the stack

    typealias Entry = (value: Pickled, depth: Int)

    static func identity(_ v: Pickled) -> ObjectIdentifier? {
        switch v {
        case .list(let l), .set(let l): return ObjectIdentifier(l)
        case .dict(let d): return ObjectIdentifier(d)
        default: return nil
        }
    }

    /// A value's depth now (a list's grows while it is filled).
    private func current(_ e: Entry) -> Entry {
        guard let id = PickleReader.identity(e.value), let d = containerDepth[id] else { return e }
        return (e.value, d)
    }

    private mutating func push(_ v: Pickled, depth: Int = 0) throws {
        guard depth <= PickleReader.maxDepth else { throw error("the object nests deeper than \(PickleReader.maxDepth) levels", kind: "RecursionError") }
        stack.append(v)
        depths.append(depth)
        if let id = PickleReader.identity(v) { containerDepth[id] = Swift.max(containerDepth[id] ?? 0, depth) }
    }

    private mutating func popEntry() throws -> Entry {
        guard stack.count > (marks.last ?? 0), let v = stack.popLast(), let d = depths.popLast() else {
            throw error("the pickle stack underflows (a corrupt stream)")
        }
        return current((v, d))
    }

    private mutating func pop() throws -> Pickled { try popEntry().value }

    private mutating func popMarkEntries() throws -> [Entry] {
        guard let m = marks.popLast(), m <= stack.count else { throw error("a MARK is missing (a corrupt stream)") }
        defer {
            stack.removeSubrange(m...)
            depths.removeSubrange(m...)
        }
        return zip(stack[m...], depths[m...]).map { current(($0, $1)) }
    }

    private mutating func popMark() throws -> [Pickled] { try popMarkEntries().map(\.value) }

    private func topEntry() throws -> Entry {
        guard let v = stack.last, let d = depths.last, stack.count > (marks.last ?? 0) else { throw error("the pickle stack underflows (a corrupt stream)") }
        return current((v, d))
    }

    private func top() throws -> Pickled { try topEntry().value }

    private func memoGet(_ i: Int) throws -> Entry {
        guard let e = memo[i] else { throw error("memo entry \(i) is missing (a corrupt stream)") }
        return current(e)
    }

    /// The depth of a new container of `items`, which are inside it from now on.
    private mutating func enclosing(_ items: [Entry]) -> Int {
        for i in items { if let id = PickleReader.identity(i.value) { placed.insert(id) } }
        return 1 + (items.map(\.depth).max() ?? 0)
    }

    /// APPEND, SETITEM, ADDITEMS: `items` go into the container on top of the stack.
    private mutating func fill(with items: [Entry]) throws -> Pickled {
        let target = try top()
        if let id = PickleReader.identity(target) {
            guard !placed.contains(id), !items.contains(where: { PickleReader.identity($0.value) == id }) else {
                throw error("a container changes after it was put in another (a recursive structure), which trick does not load")
            }
            let d = Swift.max(containerDepth[id] ?? 1, enclosing(items))
            guard d <= PickleReader.maxDepth else { throw error("the object nests deeper than \(PickleReader.maxDepth) levels", kind: "RecursionError") }
            containerDepth[id] = d
            depths[depths.count - 1] = d
        }
        return target
    }

    /// A new container of the entries since the last MARK.
    private mutating func pushMarked(_ make: ([Pickled]) -> Pickled) throws {
        let items = try popMarkEntries()
        try push(make(items.map(\.value)), depth: enclosing(items))
    }

    private func pairs(_ items: [Pickled]) throws -> [(key: Pickled, value: Pickled)] {
        guard items.count % 2 == 0 else { throw error("SETITEMS with an odd number of items") }
        return stride(from: 0, to: items.count, by: 2).map { (items[$0], items[$0 + 1]) }
    }

    private func append(_ items: [Pickled], to target: Pickled) throws {
        guard case .list(let l) = target else { throw error("APPEND to a \(target.typeName), not a list") }
        l.items += items
    }

    private func setItems(_ pairs: [(key: Pickled, value: Pickled)], in target: Pickled) throws {
        guard case .dict(let d) = target else { throw error("SETITEM on a \(target.typeName), not a dict") }
        for p in pairs {
            if let i = d.pairs.firstIndex(where: { PickleReader.sameKey($0.key, p.key) }) { d.pairs[i].value = p.value } else { d.pairs.append(p) }
        }
    }

    /// Dict-key equality for the keys checkpoints use (numbers, strings, tuples of them).
    static func sameKey(_ a: Pickled, _ b: Pickled) -> Bool {
        switch (a, b) {
        case (.string(let x), .string(let y)): return x == y
        case (.int(let x), .int(let y)): return x == y
        case (.float(let x), .float(let y)): return x == y
        case (.int(let x), .float(let y)), (.float(let y), .int(let x)): return Double(x) == y
        case (.bool(let x), .bool(let y)): return x == y
        case (.bool(let x), .int(let y)), (.int(let y), .bool(let x)): return (x ? 1 : 0) == y
        case (.none, .none): return true
        case (.tuple(let x), .tuple(let y)): return x.count == y.count && zip(x, y).allSatisfy { sameKey($0, $1) }
        default: return false
        }
    }

    // MARK: calls

    /// `callable(*args)` for the names the reader knows.
    func call(_ callable: Pickled, _ args: [Pickled]) throws -> Pickled {
        guard case .global(let module, let name) = callable else { throw error("REDUCE of a \(callable.typeName), not a class or function") }
        let qualified = "\(module).\(name)"
        if let f = calls[qualified] { return try f(args) }
        switch qualified {
        case "collections.OrderedDict", "collections.Counter":
            let d = PickledDict(kind: qualified == "collections.OrderedDict" ? .orderedDict : .counter)
            switch args.first {
            case nil: break
            case .dict(let given)?: d.pairs = given.pairs
            case .list(let items)?:
                d.pairs = try items.items.map { item in
                    guard case .tuple(let kv) = item, kv.count == 2 else { throw error("\(qualified) from a list of \(item.typeName), not (key, value) pairs") }
                    return (kv[0], kv[1])
                }
            case let other?: throw error("\(qualified) from a \(other.typeName)")
            }
            return .dict(d)
        case "builtins.set", "__builtin__.set", "builtins.frozenset", "__builtin__.frozenset":
            switch args.first {
            case nil: return .set(PickledList())
            case .list(let l)?: return .set(PickledList(l.items))
            case .tuple(let t)?: return .set(PickledList(t))
            case let other?: throw error("set from a \(other.typeName)")
            }
        default: throw PickleReader.cannotRebuild(what, module, name)
        }
    }

    /// `BUILD`: the state torch's `OrderedDict`s carry (`_metadata`, the modules' versions) is
    /// dropped; trick keeps no attributes on dicts and tensors.
    private func build(_ target: Pickled, state: Pickled) throws {
        switch target {
        case .dict, .tensor: return
        default: throw error("cannot set the state of a \(target.typeName)")
        }
    }

    // MARK: the opcodes

    public mutating func load() throws -> Pickled {
        while true {
            let op = try take(1).first!
            switch op {
            case 0x80: _ = try take(1)                                   // PROTO
            case 0x95: _ = try take(8)                                   // FRAME
            case 0x2E:                                                   // STOP
                guard marks.isEmpty, stack.count == 1 else { throw error("the stream ends with \(stack.count) values on the stack") }
                return stack[0]
            case 0x28: marks.append(stack.count)                         // MARK
            case 0x30: _ = try pop()                                     // POP
            case 0x31: _ = try popMark()                                 // POP_MARK
            case 0x32: let e = try topEntry(); try push(e.value, depth: e.depth)   // DUP
            case 0x4E: try push(.none)                               // NONE
            case 0x88: try push(.bool(true))                         // NEWTRUE
            case 0x89: try push(.bool(false))                        // NEWFALSE
            case 0x4B: try push(.int(try uint(1)))                   // BININT1
            case 0x4D: try push(.int(try uint(2)))                   // BININT2
            case 0x4A: try push(.int(Int(Int32(truncatingIfNeeded: try uint(4)))))   // BININT
            case 0x8A: let n = try uint(1); try push(.int(try long(try take(n))))   // LONG1
            case 0x8B:                                                   // LONG4
                let n = Int(Int32(truncatingIfNeeded: try uint(4)))
                try push(.int(try long(try take(n))))
            case 0x49:                                                   // INT (text): also True/False as 01/00
                let s = try line()
                if s == "01" { try push(.bool(true)) } else if s == "00" { try push(.bool(false)) } else {
                    guard let i = Int(s) else { throw error("INT '\(s)' is not a 64-bit integer") }
                    try push(.int(i))
                }
            case 0x4C:                                                   // LONG (text)
                var s = try line()
                if s.hasSuffix("L") { s.removeLast() }
                guard let i = Int(s) else { throw error("LONG '\(s)' is not a 64-bit integer") }
                try push(.int(i))
            case 0x46:                                                   // FLOAT (text)
                let s = try line()
                guard let d = Double(s) else { throw error("FLOAT '\(s)' is not a number") }
                try push(.float(d))
            case 0x47:                                                   // BINFLOAT (big-endian)
                let b = try take(8)
                try push(.float(Double(bitPattern: b.reduce(UInt64(0)) { $0 << 8 | UInt64($1) })))
            case 0x58: let n = try uint(4); try push(.string(try utf8(n)))     // BINUNICODE
            case 0x8C: let n = try uint(1); try push(.string(try utf8(n)))     // SHORT_BINUNICODE
            case 0x8D: let n = try uint(8); try push(.string(try utf8(n)))     // BINUNICODE8
            case 0x56: try push(.string(try line()))                 // UNICODE (raw-unicode-escape; ASCII as written)
            case 0x55: let n = try uint(1); try push(.string(try utf8(n)))     // SHORT_BINSTRING (Python 2 str)
            case 0x54: let n = try uint(4); try push(.string(try utf8(n)))     // BINSTRING
            case 0x42, 0x43, 0x8E, 0x96:                                 // BINBYTES, SHORT_BINBYTES, BINBYTES8, BYTEARRAY8
                throw error("bytes objects are not supported (\(PickleReader.readable))")
            case 0x29: try push(.tuple([]), depth: 1)                    // EMPTY_TUPLE
            case 0x74: try pushMarked { .tuple($0) }                     // TUPLE
            case 0x85, 0x86, 0x87:                                       // TUPLE1, TUPLE2, TUPLE3
                var items: [Entry] = []
                for _ in 0..<Int(op - 0x84) { items.insert(try popEntry(), at: 0) }
                try push(.tuple(items.map(\.value)), depth: enclosing(items))
            case 0x5D: try push(.list(PickledList()), depth: 1)          // EMPTY_LIST
            case 0x6C: try pushMarked { .list(PickledList($0)) }         // LIST
            case 0x61: let v = try popEntry(); try append([v.value], to: try fill(with: [v]))   // APPEND
            case 0x65: let items = try popMarkEntries(); try append(items.map(\.value), to: try fill(with: items))   // APPENDS
            case 0x7D: try push(.dict(PickledDict()), depth: 1)          // EMPTY_DICT
            case 0x64:                                                   // DICT
                let items = try popMarkEntries()
                let d = PickledDict(try pairs(items.map(\.value)))
                try push(.dict(d), depth: enclosing(items))
            case 0x73:                                                   // SETITEM
                let v = try popEntry(), k = try popEntry()
                try setItems([(k.value, v.value)], in: try fill(with: [k, v]))
            case 0x75: let items = try popMarkEntries(); try setItems(try pairs(items.map(\.value)), in: try fill(with: items))   // SETITEMS
            case 0x8F: try push(.set(PickledList()), depth: 1)           // EMPTY_SET
            case 0x90:                                                   // ADDITEMS
                let items = try popMarkEntries()
                guard case .set(let s) = try fill(with: items) else { throw error("ADDITEMS to a \(try top().typeName), not a set") }
                s.items += items.map(\.value)
            case 0x91: try pushMarked { .set(PickledList($0)) }          // FROZENSET
            case 0x67:                                                   // GET (text)
                let s = try line()
                guard let i = Int(s) else { throw error("GET '\(s)'") }
                let e = try memoGet(i)
                try push(e.value, depth: e.depth)
            case 0x68: let e = try memoGet(try uint(1)); try push(e.value, depth: e.depth)   // BINGET
            case 0x6A: let e = try memoGet(try uint(4)); try push(e.value, depth: e.depth)   // LONG_BINGET
            case 0x70:                                                   // PUT (text)
                let s = try line()
                guard let i = Int(s) else { throw error("PUT '\(s)'") }
                memo[i] = try topEntry()
            case 0x71: memo[try uint(1)] = try topEntry()                // BINPUT
            case 0x72: memo[try uint(4)] = try topEntry()                // LONG_BINPUT
            case 0x94: memo[memo.count] = try topEntry()                 // MEMOIZE
            case 0x63:                                                   // GLOBAL
                let module = try line(), name = try line()
                try push(.global(module: module, name: name))
            case 0x93:                                                   // STACK_GLOBAL
                guard case .string(let name) = try pop(), case .string(let module) = try pop() else { throw error("STACK_GLOBAL needs two strings") }
                try push(.global(module: module, name: name))
            case 0x52:                                                   // REDUCE
                let args = try popEntry(), callable = try pop()
                guard case .tuple(let a) = args.value else { throw error("REDUCE arguments are a \(args.value.typeName), not a tuple") }
                try push(try call(callable, a), depth: args.depth)
            case 0x81:                                                   // NEWOBJ: cls.__new__(cls, *args)
                let args = try popEntry(), cls = try pop()
                guard case .tuple(let a) = args.value else { throw error("NEWOBJ arguments are a \(args.value.typeName), not a tuple") }
                try push(try call(cls, a), depth: args.depth)
            case 0x92:                                                   // NEWOBJ_EX
                let kwargs = try pop(), args = try popEntry(), cls = try pop()
                guard case .tuple(let a) = args.value, case .dict(let k) = kwargs, k.pairs.isEmpty else { throw error("NEWOBJ_EX with keyword arguments") }
                try push(try call(cls, a), depth: args.depth)
            case 0x62: let state = try pop(); try build(try top(), state: state)   // BUILD
            case 0x51: let pid = try pop(); try push(try persistentLoad(pid))   // BINPERSID
            case 0x50: try push(try persistentLoad(.string(try line())))        // PERSID
            case 0x69, 0x6F:                                             // INST, OBJ: old-style instances
                if op == 0x69 {
                    let module = try line(), name = try line()
                    throw PickleReader.cannotRebuild(what, module, name)
                }
                let items = try popMark()
                if case .global(let m, let n)? = items.first { throw PickleReader.cannotRebuild(what, m, n) }
                throw error("OBJ without a class")
            case 0x82, 0x83, 0x84: throw error("the copyreg extension registry (EXT opcodes) is not supported")
            case 0x97, 0x98: throw error("out-of-band buffers (pickle protocol 5) are not supported")
            default: throw error("unknown pickle opcode 0x\(String(op, radix: 16)) at byte \(pos - 1) (not a pickle, or a corrupt one)")
            }
        }
    }
}
