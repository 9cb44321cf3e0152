/// A pickle stream read into `Pickled` values, as CPython's `pickle._Unpickler` reads it
/// (Lib/pickle.py), for protocols 0 to 5, but restricted as `torch.load(weights_only=True)` is:
/// no class is ever instantiated from its name. A `GLOBAL` is only a name; calling it (`REDUCE`,
/// `NEWOBJ`) works for the callables in `calls` (torch's tensor rebuilders, given by TorchArchive)
/// and the containers checkpoints hold (`collections.OrderedDict`, `collections.Counter`, `set`,
/// `frozenset`); any other name is an error that says which. Persistent ids go to
/// `persistentLoad`. Every read is bounds-checked: a truncated or corrupt stream is an error.
public struct PickleReader {
    public typealias Call = ([Pickled]) throws -> Pickled

    /// How errors start ("torch.load").
    let what: String
    let bytes: [UInt8]
    var calls: [String: Call]
    let persistentLoad: (Pickled) throws -> Pickled
    private var pos = 0
    private var stack: [Pickled] = []
    private var marks: [Int] = []
    private var memo: [Int: Pickled] = [:]

    public static let readable = "trick reads tensors, dicts, lists, tuples, sets, numbers, strings and None"

    public init(_ bytes: [UInt8], what: String, calls: [String: Call] = [:], persistentLoad: @escaping (Pickled) throws -> Pickled) {
        self.bytes = bytes
        self.what = what
        self.calls = calls
        self.persistentLoad = persistentLoad
    }

    func error(_ message: String) -> CoreError { CoreError("\(what): \(message)", kind: "UnpicklingError") }

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

    private mutating func pop() throws -> Pickled {
        guard let v = stack.popLast(), stack.count >= (marks.last ?? 0) else { throw error("the pickle stack underflows (a corrupt stream)") }
        return v
    }

    private mutating func popMark() throws -> [Pickled] {
        guard let m = marks.popLast(), m <= stack.count else { throw error("a MARK is missing (a corrupt stream)") }
        defer { stack.removeSubrange(m...) }
        return Array(stack[m...])
    }

    private func top() throws -> Pickled {
        guard let v = stack.last, stack.count > (marks.last ?? 0) else { throw error("the pickle stack underflows (a corrupt stream)") }
        return v
    }

    private func memoGet(_ i: Int) throws -> Pickled {
        guard let v = memo[i] else { throw error("memo entry \(i) is missing (a corrupt stream)") }
        return v
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
            case 0x32: stack.append(try top())                           // DUP
            case 0x4E: stack.append(.none)                               // NONE
            case 0x88: stack.append(.bool(true))                         // NEWTRUE
            case 0x89: stack.append(.bool(false))                        // NEWFALSE
            case 0x4B: stack.append(.int(try uint(1)))                   // BININT1
            case 0x4D: stack.append(.int(try uint(2)))                   // BININT2
            case 0x4A: stack.append(.int(Int(Int32(truncatingIfNeeded: try uint(4)))))   // BININT
            case 0x8A: let n = try uint(1); stack.append(.int(try long(try take(n))))   // LONG1
            case 0x8B:                                                   // LONG4
                let n = Int(Int32(truncatingIfNeeded: try uint(4)))
                stack.append(.int(try long(try take(n))))
            case 0x49:                                                   // INT (text): also True/False as 01/00
                let s = try line()
                if s == "01" { stack.append(.bool(true)) } else if s == "00" { stack.append(.bool(false)) } else {
                    guard let i = Int(s) else { throw error("INT '\(s)' is not a 64-bit integer") }
                    stack.append(.int(i))
                }
            case 0x4C:                                                   // LONG (text)
                var s = try line()
                if s.hasSuffix("L") { s.removeLast() }
                guard let i = Int(s) else { throw error("LONG '\(s)' is not a 64-bit integer") }
                stack.append(.int(i))
            case 0x46:                                                   // FLOAT (text)
                let s = try line()
                guard let d = Double(s) else { throw error("FLOAT '\(s)' is not a number") }
                stack.append(.float(d))
            case 0x47:                                                   // BINFLOAT (big-endian)
                let b = try take(8)
                stack.append(.float(Double(bitPattern: b.reduce(UInt64(0)) { $0 << 8 | UInt64($1) })))
            case 0x58: let n = try uint(4); stack.append(.string(try utf8(n)))     // BINUNICODE
            case 0x8C: let n = try uint(1); stack.append(.string(try utf8(n)))     // SHORT_BINUNICODE
            case 0x8D: let n = try uint(8); stack.append(.string(try utf8(n)))     // BINUNICODE8
            case 0x56: stack.append(.string(try line()))                 // UNICODE (raw-unicode-escape; ASCII as written)
            case 0x55: let n = try uint(1); stack.append(.string(try utf8(n)))     // SHORT_BINSTRING (Python 2 str)
            case 0x54: let n = try uint(4); stack.append(.string(try utf8(n)))     // BINSTRING
            case 0x42, 0x43, 0x8E, 0x96:                                 // BINBYTES, SHORT_BINBYTES, BINBYTES8, BYTEARRAY8
                throw error("bytes objects are not supported (\(PickleReader.readable))")
            case 0x29: stack.append(.tuple([]))                          // EMPTY_TUPLE
            case 0x74: stack.append(.tuple(try popMark()))               // TUPLE
            case 0x85: stack.append(.tuple([try pop()]))                 // TUPLE1
            case 0x86: let b = try pop(), a = try pop(); stack.append(.tuple([a, b]))   // TUPLE2
            case 0x87: let c = try pop(), b = try pop(), a = try pop(); stack.append(.tuple([a, b, c]))   // TUPLE3
            case 0x5D: stack.append(.list(PickledList()))                // EMPTY_LIST
            case 0x6C: stack.append(.list(PickledList(try popMark())))   // LIST
            case 0x61: let v = try pop(); try append([v], to: try top()) // APPEND
            case 0x65: let items = try popMark(); try append(items, to: try top())   // APPENDS
            case 0x7D: stack.append(.dict(PickledDict()))                // EMPTY_DICT
            case 0x64: stack.append(.dict(PickledDict(try pairs(try popMark()))))    // DICT
            case 0x73: let v = try pop(), k = try pop(); try setItems([(k, v)], in: try top())   // SETITEM
            case 0x75: let items = try pairs(try popMark()); try setItems(items, in: try top())  // SETITEMS
            case 0x8F: stack.append(.set(PickledList()))                 // EMPTY_SET
            case 0x90:                                                   // ADDITEMS
                let items = try popMark()
                guard case .set(let s) = try top() else { throw error("ADDITEMS to a \(try top().typeName), not a set") }
                s.items += items
            case 0x91: stack.append(.set(PickledList(try popMark())))    // FROZENSET
            case 0x67:                                                   // GET (text)
                let s = try line()
                guard let i = Int(s) else { throw error("GET '\(s)'") }
                stack.append(try memoGet(i))
            case 0x68: stack.append(try memoGet(try uint(1)))            // BINGET
            case 0x6A: stack.append(try memoGet(try uint(4)))            // LONG_BINGET
            case 0x70:                                                   // PUT (text)
                let s = try line()
                guard let i = Int(s) else { throw error("PUT '\(s)'") }
                memo[i] = try top()
            case 0x71: memo[try uint(1)] = try top()                     // BINPUT
            case 0x72: memo[try uint(4)] = try top()                     // LONG_BINPUT
            case 0x94: memo[memo.count] = try top()                      // MEMOIZE
            case 0x63:                                                   // GLOBAL
                let module = try line(), name = try line()
                stack.append(.global(module: module, name: name))
            case 0x93:                                                   // STACK_GLOBAL
                guard case .string(let name) = try pop(), case .string(let module) = try pop() else { throw error("STACK_GLOBAL needs two strings") }
                stack.append(.global(module: module, name: name))
            case 0x52:                                                   // REDUCE
                let args = try pop(), callable = try pop()
                guard case .tuple(let a) = args else { throw error("REDUCE arguments are a \(args.typeName), not a tuple") }
                stack.append(try call(callable, a))
            case 0x81:                                                   // NEWOBJ: cls.__new__(cls, *args)
                let args = try pop(), cls = try pop()
                guard case .tuple(let a) = args else { throw error("NEWOBJ arguments are a \(args.typeName), not a tuple") }
                stack.append(try call(cls, a))
            case 0x92:                                                   // NEWOBJ_EX
                let kwargs = try pop(), args = try pop(), cls = try pop()
                guard case .tuple(let a) = args, case .dict(let k) = kwargs, k.pairs.isEmpty else { throw error("NEWOBJ_EX with keyword arguments") }
                stack.append(try call(cls, a))
            case 0x62: let state = try pop(); try build(try top(), state: state)   // BUILD
            case 0x51: let pid = try pop(); stack.append(try persistentLoad(pid))   // BINPERSID
            case 0x50: stack.append(try persistentLoad(.string(try line())))        // PERSID
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
