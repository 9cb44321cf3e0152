#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import TrickCore

/// The language's own built-ins: Python's (print, len, range, sorted, ...) and `build`.
enum CoreBuiltins {
    /// Runs set-up code that calls built-ins (which poll Ctrl-C) as if no Ctrl-C came: one that
    /// does — a key press while trick starts, the fuzzer's watchdog — is left pending for the
    /// program's first statement, and the set-up runs again from the start.
    static func deferringInterrupts(_ body: () throws -> Void) rethrows {
        var pending = false
        while true {
            if trickInterruptRequested != 0 { pending = true; trickInterruptRequested = 0 }
            do { try body(); break } catch is Interrupt.Requested { pending = true }
        }
        if pending { trickInterruptRequested = 1 }
    }

    /// `...` (Ellipsis): one object, as Python's singleton (tensor indexing reads it as `...`).
    nonisolated(unsafe) static let ellipsis: BuiltObject = {
        let o = BuiltObject(typeName: "ellipsis")
        o.repr = { "Ellipsis" }
        return o
    }()

    /// An exception object as `KeyError('x')` makes it: its `args`, the message trick shows when it
    /// is raised, and Python's str and repr (`str(KeyError('x'))` is `'x'`, `str(ValueError())` is
    /// empty, several arguments show their tuple).
    static func exception(_ kind: String, _ args: [Value]) -> BuiltObject {
        let o = BuiltObject(typeName: kind, attributes: [("kind", .str(kind)), ("message", .str(args.map(Printer.str).joined(separator: " "))),
                                                                ("args", .tuple(args))])
        o.str = {
            switch args.count {
            case 0: return ""
            case 1: return kind == "KeyError" ? Printer.repr(args[0]) : Printer.str(args[0])
            default: return Printer.repr(.tuple(args))
            }
        }
        o.repr = { "\(kind)(" + args.map(Printer.repr).joined(separator: ", ") + ")" }
        return o
    }

    static func register(into lib: Library, interpreter interp: Interpreter) {
        lib.function("print(*args, sep=' ', end='\\n', flush=False)", doc: "Writes the values, separated by `sep`, to standard output.") { [unowned interp] a in
            let sep = a["sep"].isNone ? " " : try a.string("sep")
            let end = a["end"].isNone ? "\n" : try a.string("end")
            try interp.emit(a.varargs.map(Printer.str).joined(separator: sep) + end)
            return .none
        }
        lib.function("pprint(object, width=80)", doc: """
            Prints the value laid out as Python's `pprint.pprint(object, width, sort_dicts=False)`: one item a
            line, aligned after the opening bracket, when the repr is wider than `width`. Where trick differs:
            dicts keep their insertion order (pprint sorts them unless sort_dicts=False) and long strings are not split.
            """) { [unowned interp] a in
            try interp.emit(Printer.pformat(a["object"], width: a["width"].isNone ? 80 : try a.int("width")) + "\n")
            return .none
        }
        lib.function("pformat(object, width=80)", doc: "The text `pprint` prints (Python's `pprint.pformat`, dicts in insertion order).") { a in
            .str(Printer.pformat(a["object"], width: a["width"].isNone ? 80 : try a.int("width")))
        }
        lib.function1("len(obj)", doc: "Number of items (a tensor's first dimension).") { obj in
            switch obj {
            case .list(let l): return .int(l.items.count)
            case .tuple(let t): return .int(t.count)
            case .dict(let d): return .int(d.count)
            case .set(let s): return .int(s.count)
            case .str(let s): return .int(s.codePointCount)
            case .range(let x, let y, let s): return .int(try Interpreter.rangeLength(x, y, s))
            case .tensor(let ref):
                let t = ref.tensor
                guard t.rank > 0 else { throw RuntimeError("len() of a 0-d tensor", kind: "TypeError") }
                return .int(t.shape[0])
            case .object(let o):
                if let m = o.special("__len__") { return try m.call(Arguments()) }
                fallthrough
            default: throw RuntimeError("object of type '\(obj.typeName)' has no len()", kind: "TypeError")
            }
        }
        lib.function("range(*args)", doc: "range(stop), range(start, stop[, step]): integers, lazily.") { a in
            let xs = try a.varargs.map { try Convert.int($0, what: "range() argument") }
            switch xs.count {
            case 1: return .range(start: 0, stop: xs[0], step: 1)
            case 2: return .range(start: xs[0], stop: xs[1], step: 1)
            case 3:
                guard xs[2] != 0 else { throw RuntimeError("range() arg 3 must not be zero", kind: "ValueError") }
                return .range(start: xs[0], stop: xs[1], step: xs[2])
            default: throw RuntimeError("range expected 1 to 3 arguments, got \(xs.count)", kind: "TypeError")
            }
        }
        lib.function1("list(iterable=())") { [unowned interp] v in .list(ListRef(try interp.iterate(v))) }
        lib.function1("tuple(iterable=())") { [unowned interp] v in .tuple(try interp.iterate(v)) }
        lib.function("set(iterable=())", doc: """
            Python's set: membership by hash, |, &, -, ^, subset comparisons, add/discard/update/... Where trick
            differs: iteration and printing follow insertion order, not CPython's hash-table order.
            """) { [unowned interp] a in .set(try SetRef(try interp.iterate(a["iterable"]))) }
        lib.function("frozenset(iterable=())", doc: "A set (trick's sets are not hashable, so a frozenset cannot be a dict key).") { [unowned interp] a in
            .set(try SetRef(try interp.iterate(a["iterable"])))
        }
        /// `dict(mapping)` / `dict(pairs)`: a new dict of the items.
        let dictOf: (Value) throws -> DictRef = { [unowned interp] first in
            if case .dict(let o) = first { return o.copy() }
            let d = DictRef()
            for (i, item) in try interp.iterate(first).enumerated() {
                let kv = try interp.iterate(item)
                guard kv.count == 2 else { throw RuntimeError("dictionary update sequence element #\(i) has length \(kv.count); 2 is required", kind: "ValueError") }
                try d.set(kv[0], kv[1])
            }
            return d
        }
        let dict = lib.function("dict(*args, **kwargs)", doc: "dict(a=1, b=2), dict(mapping), dict(pairs) — insertion-ordered, as Python.") { a in
            var d = DictRef()
            if let first = a.varargs.first {
                guard a.varargs.count == 1 else { throw RuntimeError("dict expected at most 1 positional argument, got \(a.varargs.count)", kind: "TypeError") }
                d = try dictOf(first)
            }
            for (k, v) in a.kwargs { d[str: k] = v }
            return .dict(d)
        }
        dict.fast1 = { v in .dict(try dictOf(v)) }
        lib.function1("str(obj='')") { v in .str(Printer.str(v)) }.intrinsic = .str
        lib.function1("repr(obj)") { v in .str(Printer.repr(v)) }
        lib.function("int(x=0, base=10)") { a in
            switch a["x"] {
            case .int(let i): return .int(i)
            case .bool(let b): return .int(b ? 1 : 0)
            case .float(let d):
                guard d.isFinite, let i = Int(exactly: d.rounded(.towardZero)) else { throw RuntimeError("cannot convert float \(Printer.formatFloat(d)) to integer", kind: "OverflowError") }
                return .int(i)
            case .str(let s):
                var t = s.trimmingCharacters(in: .whitespaces).replacingUnderscores()
                var base = try a.int("base")
                guard base == 0 || (2...36).contains(base) else {
                    throw RuntimeError("int() base must be >= 2 and <= 36, or 0", kind: "ValueError")
                }
                // Python accepts the 0x/0o/0b prefix of the base (and infers the base when it is 0).
                let neg = t.hasPrefix("-")
                let digits = neg || t.hasPrefix("+") ? String(t.dropFirst()) : t
                for (p, b) in [("0x", 16), ("0o", 8), ("0b", 2)] where digits.lowercased().hasPrefix(p) && (base == b || base == 0) {
                    t = (neg ? "-" : "") + String(digits.dropFirst(2))
                    base = b
                }
                if base == 0 { base = 10 }
                guard let i = Int(t, radix: base) else { throw RuntimeError("invalid literal for int() with base \(try a.int("base")): \(Printer.quote(s))", kind: "ValueError") }
                return .int(i)
            case .tensor(let ref):
                let t = ref.tensor
                guard t.count == 1 else { throw RuntimeError("only one element tensors can be converted to Python scalars", kind: "ValueError") }
                return .int(Int(t.int64(at: 0)))
            case .object(let o) where o.special("__int__") != nil || o.special("__index__") != nil:
                // Python's int(x): x.__int__(), else x.__index__()
                let r = try (o.special("__int__") ?? o.special("__index__"))!.call(Arguments())
                guard case .int = r else { throw RuntimeError("__int__ returned non-int (type \(r.typeName))", kind: "TypeError") }
                return r
            default: throw RuntimeError("int() argument must be a string or a number, not '\(a["x"].typeName)'", kind: "TypeError")
            }
        }
        lib.function("float(x=0.0)") { a in
            if case .str(let s) = a["x"] {
                let t = s.trimmingCharacters(in: .whitespaces).lowercased()
                switch t {
                case "nan": return .float(.nan)
                case "inf", "+inf", "infinity": return .float(.infinity)
                case "-inf", "-infinity": return .float(-.infinity)
                default:
                    guard let d = Double(t) else { throw RuntimeError("could not convert string to float: \(Printer.quote(s))", kind: "ValueError") }
                    return .float(d)
                }
            }
            if let t = a["x"].tensorValue, t.count != 1 { throw RuntimeError("only one element tensors can be converted to Python scalars", kind: "ValueError") }
            if case .object(let o) = a["x"], let f = o.special("__float__") {
                guard case .float(let d) = try f.call(Arguments()) else { throw RuntimeError("__float__ returned non-float", kind: "TypeError") }
                return .float(d)
            }
            guard let d = Convert.double(a["x"]) else { throw RuntimeError("float() argument must be a string or a number, not '\(a["x"].typeName)'", kind: "TypeError") }
            return .float(d)
        }
        lib.function1("bool(x=False)") { v in .bool(try v.truthy()) }
        lib.function1("type(obj)", doc: "The class of obj: a trick class for its instances, the built-in type (int, str, list, …) for values; a name for other built-in objects.") { v in
            if case .object(let o) = v, let cls = o.instanceClass as? ClassInfo { return .object(cls.object) }
            // a caught exception's class (`type(e).__name__`, `type(e) is ValueError`)
            if case .object(let o) = v, case .str(let kind)? = o.attributes["kind"], o.typeName == kind,
               case .builtin(let cls)? = lib.globals[kind] { return .builtin(cls) }
            if case .builtin(let b)? = lib.globals[v.typeName], ["int", "float", "str", "bool", "list", "dict", "tuple", "set", "range", "slice"].contains(b.name) {
                return .builtin(b)
            }
            return builtinType(v, lib)
        }
        let isinstance = lib.function2("isinstance(obj, classinfo)", doc: "isinstance(x, int), isinstance(x, (list, tuple)).") { v, classinfo in
            // the common case first: a built-in type against a plain value
            if case .builtin(let b) = classinfo, let r = Interpreter.isBuiltinInstance(v, b) { return .bool(r) }
            func matches(_ t: Value) -> Bool {
                // the common case first: a built-in type against a plain value
                if case .builtin(let b) = t, let r = Interpreter.isBuiltinInstance(v, b) { return r }
                // a built-in SGD is an instance of the bundled torch.optim.Optimizer class
                if case .object(let c) = t, let ci = c.payload as? ClassInfo, BundledModules.isBundledClass(ci),
                   case .object(let o) = v, let p = o.payload as? ReferenceBases, p.referenceBases.contains(ci.name) {
                    return true
                }
                if let r = Interpreter.isInstance(v, t) { return r }
                let name: String
                switch t {
                case .builtin(let b): name = b.name
                case .str(let s): name = s
                case .tuple(let ts): return ts.contains(where: matches)
                case .object(let c):
                    // a namedtuple class (or another class object with a __name__)
                    guard case .str(let n)? = c.attributes["__name__"] else { return false }
                    if case .object(let o) = v, o.payload is Collections.NamedTupleValues { return o.typeName == n }
                    return false
                default: return false
                }
                // collections' dict subclasses are dicts; a namedtuple is a tuple
                if name == "dict", case .dict = v { return true }
                if name == "tuple", case .object(let o) = v, o.payload is Collections.NamedTupleValues { return true }
                if name == "float", case .float = v { return true }
                if name == "int", case .bool = v { return true }
                // a numpy array is a tensor marked as an array: an ndarray, not a torch.Tensor
                if name == "Tensor" || name == "tensor", case .tensor(let ref) = v { return !ref.tensor.isNumpy }
                if name == "ndarray", case .tensor(let ref) = v { return ref.tensor.isNumpy }
                if name == "object" { return true }
                if case .object(let o) = v, let p = o.payload as? ReferenceBases, p.referenceBases.contains(name) { return true }
                // a built-in exception is an instance of its bases (a KeyError is a LookupError)
                if case .object(let o) = v, ExceptionKinds.isExceptionObject(o) { return ExceptionKinds.isSubclass(o.typeName, of: name) }
                if case .object = v { return BuiltinTypeBases.isSubclass(v.typeName, of: name) }
                return v.typeName == name
            }
            return .bool(matches(classinfo))
        }
        isinstance.intrinsic = .isinstance
        lib.function("callable(obj)") { a in
            switch a["obj"] {
            case .function, .builtin: return .bool(true)
            case .object(let o): return .bool(o.callable != nil)
            default: return .bool(false)
            }
        }
        lib.function("enumerate(iterable, start=0)") { [unowned interp] a in
            let start = try a.int("start")
            // an iterator (a generator, itertools) or an object whose __iter__ gives one (a
            // DataLoader) is enumerated as it is pulled
            if case .object(let o) = a["iterable"], o.payload is PyIterator || o.special("__iter__") != nil {
                let it = try PyIterator.of(a["iterable"], interp)
                var i = start
                return PyIterator.object("enumerate", infinite: it.infinite) {
                    guard let v = try it.next() else { return nil }
                    defer { i &+= 1 }
                    return .tuple([.int(i), v])
                }
            }
            return .list(ListRef(try interp.iterate(a["iterable"]).enumerated().map {
                let (i, o) = start.addingReportingOverflow($0.offset)
                guard !o else { throw RuntimeError("enumerate(): index overflows a 64-bit int (start=\(start))", kind: "OverflowError") }
                return .tuple([.int(i), $0.element])
            }))
        }
        lib.function("zip(*iterables, strict=False)") { [unowned interp] a in
            // An infinite iterator (itertools.count()) is pulled one item a row, up to the shortest.
            if a.varargs.contains(where: PyIterator.isInfinite) {
                let its = try a.varargs.map { try PyIterator.of($0, interp) }
                guard its.contains(where: { !$0.infinite }) else { throw RuntimeError("zip() of infinite iterators only never ends: cut one with itertools.islice", kind: "TypeError") }
                var rows: [Value] = []
                outer: while true {
                    var row: [Value] = []
                    for it in its { guard let v = try it.next() else { break outer }; row.append(v) }
                    rows.append(.tuple(row))
                }
                return .list(ListRef(rows))
            }
            let seqs = try a.varargs.map { try interp.iterate($0) }
            guard let n = seqs.map(\.count).min() else { return .list(ListRef()) }
            if try a.bool("strict"), seqs.contains(where: { $0.count != n }) {
                throw RuntimeError("zip() arguments have different lengths", kind: "ValueError")
            }
            return .list(ListRef((0..<n).map { i in .tuple(seqs.map { $0[i] }) }))
        }
        lib.function("sorted(iterable, key=None, reverse=False)") { [unowned interp] a in
            .list(ListRef(try Methods.sorted(interp, try interp.iterate(a["iterable"]), key: a["key"], reverse: try a.bool("reverse"))))
        }
        lib.function("reversed(seq)") { [unowned interp] a in .list(ListRef(try interp.iterate(a["seq"]).reversed())) }
        for name in ["min", "max"] {
            lib.function("\(name)(*args, key=None, default=None, dim=None, keepdim=False)", doc: "Python's \(name); on a tensor, the tensor's \(name).") { [unowned interp] a in
                if a.varargs.count == 1, case .tensor(let t) = a.varargs[0] {
                    var kw: [(String, Value)] = []
                    if a.has("dim") { kw.append(("dim", a["dim"])); kw.append(("keepdim", a["keepdim"])) }
                    return try interp.callMethod(.tensor(t), name, Arguments([], keywords: kw), file: SourceFile.builtin, loc: SourceLocation(line: 0, column: 0))
                }
                let items = a.varargs.count == 1 ? try interp.iterate(a.varargs[0]) : a.varargs
                guard !items.isEmpty else {
                    if a.has("default") { return a["default"] }
                    throw RuntimeError("\(name)() arg is an empty sequence", kind: "ValueError")
                }
                let key = a["key"]
                var best = items[0]
                var bestKey = key.isNone ? best : try interp.call(key, Arguments([best]))
                for it in items.dropFirst() {
                    let k = key.isNone ? it : try interp.call(key, Arguments([it]))
                    let better: Bool
                    if case .tensor = k { better = try Ops.compare(name == "min" ? .lt : .gt, k, bestKey).truthy() }
                    else { better = name == "min" ? try Ops.less(k, bestKey) : try Ops.less(bestKey, k) }
                    if better { best = it; bestKey = k }
                }
                return best
            }
        }
        let sum = lib.function2("sum(iterable, start=0)", doc: "Python's sum; on a tensor, the sum of its elements.") { [unowned interp] iterable, start in
            if let t = iterable.tensorValue {
                return try interp.callMethod(.tensor(t), "sum", Arguments(), file: SourceFile.builtin, loc: SourceLocation(line: 0, column: 0))
            }
            var acc = start
            if case .list(let l) = iterable, case .int(var total) = acc {
                // ints added in place while they fit (Python's own fast path)
                var i = 0
                while i < l.items.count, case .int(let x) = l.items[i] {
                    let (r, o) = total.addingReportingOverflow(x)
                    if o { break }
                    total = r
                    i += 1
                }
                acc = .int(total)
                if i == l.items.count { return acc }
                for v in l.items[i...] { acc = try Ops.add(acc, v) }
                return acc
            }
            for v in try interp.iterate(iterable) { acc = try Ops.add(acc, v) }
            return acc
        }
        sum.fast1 = { [unowned sum] v in try sum.fast2!(v, .int(0)) }
        lib.function1("abs(x)") { x in
            switch x {
            case .int(let i):
                guard i != Int.min else { throw RuntimeError("integer overflow in abs()", kind: "OverflowError") }
                return .int(Swift.abs(i))
            case .bool(let b): return .int(b ? 1 : 0)
            case .float(let d): return .float(Swift.abs(d))
            case .tensor(let ref): return .tensor(try ref.tensor.unary(.abs))
            default: throw RuntimeError("bad operand type for abs(): '\(x.typeName)'", kind: "TypeError")
            }
        }
        lib.function("round(number, ndigits=None)", doc: "Python's round: halves go to the even neighbour.") { a in
            if let t = a["number"].tensorValue { return .tensor(try t.unary(.round)) }
            guard let d = Convert.double(a["number"]) else { throw RuntimeError("round() needs a number, got \(a["number"].typeName)", kind: "TypeError") }
            if a.has("ndigits") {
                let n = try a.int("ndigits")
                if case .int(let i) = a["number"], n >= 0 { return .int(i) }
                let p = Foundationless.pow(10, Double(n))
                let r = (d * p).rounded(.toNearestOrEven) / p
                // Python rounds the exact decimal value; correct the double-rounding cases via repr.
                if let exact = Double(Format.cFormat("%.\(Swift.max(n, 0))f", d)), n >= 0 { return .float(exact) }
                return .float(r)
            }
            let r = d.rounded(.toNearestOrEven)
            guard r.isFinite, let i = Int(exactly: r) else { throw RuntimeError("cannot convert \(Printer.formatFloat(d)) to integer", kind: "OverflowError") }
            return .int(i)
        }
        lib.function1("any(iterable)") { [unowned interp] v in .bool(try interp.iterate(v).contains { try $0.truthy() }) }
        lib.function1("all(iterable)") { [unowned interp] v in .bool(try interp.iterate(v).allSatisfy { try $0.truthy() }) }
        lib.function("map(function, *iterables)") { [unowned interp] a in
            let seqs = try a.varargs.map { try interp.iterate($0) }
            guard let n = seqs.map(\.count).min() else { throw RuntimeError("map() must have at least two arguments.", kind: "TypeError") }
            return .list(ListRef(try (0..<n).map { i in try interp.call(a["function"], Arguments(seqs.map { $0[i] })) }))
        }
        lib.function("filter(function, iterable)") { [unowned interp] a in
            let f = a["function"]
            return .list(ListRef(try interp.iterate(a["iterable"]).filter { f.isNone ? try $0.truthy() : try interp.call(f, Arguments([$0])).truthy() }))
        }
        lib.function2("format(value, format_spec='')", doc: "format(3.14159, '.2f') == '3.14': the spec mini-language of f-strings; an object's __format__ when it has one.") { value, spec in
            guard case .str(let sp) = spec else { throw RuntimeError("format() argument 2 must be str, not \(spec.typeName)", kind: "TypeError") }
            return .str(try Format.format(value, spec: sp))
        }
        lib.function2("hasattr(obj, name)") { [unowned interp] obj, name in
            guard case .str(let n) = name else { throw RuntimeError("hasattr() argument 'name' must be a str, got \(name.typeName)", kind: "TypeError") }
            return .bool((try? interp.getAttribute(obj, n)) != nil)
        }
        let getattr = lib.function("getattr(obj, name, *default)") { [unowned interp] a in
            do { return try interp.getAttribute(a["obj"], try a.string("name")) } catch {
                if let d = a.varargs.first { return d }
                throw error
            }
        }
        getattr.fast2 = { [unowned interp] obj, name in
            guard case .str(let n) = name else { throw RuntimeError("getattr() argument 'name' must be a str, got \(name.typeName)", kind: "TypeError") }
            return try interp.getAttribute(obj, n)
        }
        lib.function("setattr(obj, name, value)") { [unowned interp] a in
            try interp.setAttribute(a["obj"], try a.string("name"), a["value"]); return .none
        }
        lib.function("delattr(obj, name)") { [unowned interp] a in
            try interp.deleteAttribute(a["obj"], try a.string("name")); return .none
        }
        lib.function("divmod(a, b)") { a in .tuple([try Ops.floorDiv(a["a"], a["b"]), try Ops.mod(a["a"], a["b"])]) }
        lib.function("pow(base, exp)") { a in try Ops.pow(a["base"], a["exp"]) }
        lib.function("chr(i)") { a in
            guard let s = Unicode.Scalar(UInt32(clamping: try a.int("i"))) else { throw RuntimeError("chr() arg not in range", kind: "ValueError") }
            return .str(String(Character(s)))
        }
        lib.function("ord(c)") { a in
            let s = try a.string("c")
            guard s.codePointCount == 1 else { throw RuntimeError("ord() expected a character, but string of length \(s.count) found", kind: "TypeError") }
            return .int(Int(s.unicodeScalars.first!.value))
        }
        lib.function1("hash(obj)", doc: "CPython's hash for ints, floats, bools and tuples of them (hash(1) == hash(1.0) == 1); deterministic for str and None, which CPython randomises.") { v in .int(try HashKey.pythonHash(v)) }
        lib.function("id(obj)") { a in
            switch a["obj"] {
            case .list(let l): return .int(Int(bitPattern: UInt(bitPattern: ObjectIdentifier(l).hashValue)))
            case .dict(let d): return .int(ObjectIdentifier(d).hashValue)
            case .object(let o): return .int(ObjectIdentifier(o).hashValue)
            case .function(let f): return .int(ObjectIdentifier(f).hashValue)
            case .builtin(let b): return .int(ObjectIdentifier(b).hashValue)
            case .tensor(let ref): return .int(ObjectIdentifier(ref).hashValue)
            default: return .int(try HashKey(a["obj"]).hashValue)
            }
        }
        lib.function("dir(obj=None)") { [unowned interp] a in
            if a["obj"].isNone { return .list(ListRef(interp.userGlobals(in: interp.callerGlobals).map(\.0).sorted().map { .str($0) })) }
            switch a["obj"] {
            case .object(let o): return .list(ListRef(o.memberNames.map { .str($0) }))
            case .tensor: return .list(ListRef((Array(lib.tensorProperties.keys) + Array(lib.tensorMethods.keys)).sorted().map { .str($0) }))
            default: return .list(ListRef(Methods.names(for: a["obj"]).map { .str($0) }))
            }
        }
        lib.function("build(cfg, **default_args)", doc: "Builds a registered component from a config dict by its `type`, as MMEngine `Registry.build(cfg, default_args=...)`.") { a in
            let cfg = try a.dict("cfg")
            return try lib.build(cfg, defaultArgs: a.kwargs)
        }
        lib.function("help(obj=None)", doc: "Shows the signature and documentation of a built-in or function.") { [unowned interp] a in
            try interp.emit(Help.text(for: a["obj"], library: lib) + "\n")
            return .none
        }
        lib.function("perf_counter()", doc: "Seconds from a monotonic clock (for timing).") { _ in
            var ts = timespec()
            clock_gettime(CLOCK_MONOTONIC, &ts)
            return .float(Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9)
        }
        for kind in ExceptionKinds.parent.keys.sorted() where !ExceptionKinds.inModules.contains(kind) {
            lib.function("\(kind)(*args)") { a in .object(CoreBuiltins.exception(kind, a.varargs)) }
        }
        ClassBuiltins.register(into: lib, interpreter: interp)
        lib.define("Ellipsis", .object(ellipsis))
        // (builds two classes, calling built-ins, which poll Ctrl-C; cannot fail otherwise)
        try! deferringInterrupts { try AbstractClasses.register(lib, interp) }
        Namespaces.register(lib, interp)
        Inspect.register(lib)
        Registries.register(into: lib, interpreter: interp)
        UserRegistries.register(into: lib, interpreter: interp)
        SysModule.register(lib, interp)
        Logging.register(lib, interp)
        Pytest.register(lib, interp)
        Unittest.register(lib, interp)
        Mock.register(lib, interp)
        try? TorchTesting.register(lib, interp)
        MathModule.register(lib)
        ContextLib.register(lib)
        PyIterator.register(lib, interp)
        Collections.register(lib, interp)
        Itertools.register(lib, interp)
        Functools.register(lib, interp)
        Copy.register(lib, interp)
        JSONModule.register(lib, interp)
        RegexModule.register(lib, interp)
        PyRandomModule.register(lib, interp)
        SmallModules.register(lib, interp)
        Tempfile.register(lib)
        registerTorch(lib)
    }

    /// `torch.float32` and friends, so torch's printed form pastes back (`dtype=torch.float64`);
    /// an alias holds the name torch prints (`torch.long` is `torch.int64`, `torch.int` `torch.int32`).
    static func registerTorch(_ lib: Library) {
        let t = lib.namespace("torch")
        for d in ["float32", "float64", "float16", "bfloat16", "int64", "int32", "int16", "int8", "uint8", "bool",
                  "float", "double", "half", "long", "int", "short"] {
            t.set(d, .str("torch." + DType(name: "torch." + d)!.rawValue))
        }
    }

    /// The type of a built-in object: its constructor when trick has one of that name
    /// (`type(Resize(...)) is Resize`), else a type object naming it (`type(x).__name__`).
    static func builtinType(_ v: Value, _ lib: Library) -> Value {
        var name = v.typeName
        if let t = v.tensorValue {
            // torch.Tensor / numpy.ndarray as the namespaces have them
            let (ns, attr) = t.isNumpy ? ("numpy", "ndarray") : ("torch", "Tensor")
            if case .object(let o)? = lib.globals[ns], let ty = o.attributes[attr] ?? o.methods[attr].map({ .builtin($0) }) { return ty }
            name = t.isNumpy ? "numpy.ndarray" : "torch.Tensor"
        } else if case .builtin(let b)? = lib.globals[name], b.name == name {
            return .builtin(b)
        }
        if let t = lib.typeObjects[name] { return .object(t) }
        let t = BuiltObject(typeName: "type")
        t.repr = { "<class '\(name)'>" }
        t.set("__name__", .str(name))
        t.set("__qualname__", .str(name))
        lib.typeObjects[name] = t
        return .object(t)
    }
}

extension RuntimeError {
    /// A built-in's error whose exception object has Python's args (`KeyError("buffer name …")`:
    /// `str(e)` is the repr of the message, as Python prints a KeyError).
    public static func exception(_ kind: String, _ message: String) -> RuntimeError {
        var e = RuntimeError(message, kind: kind)
        e.raised = CoreBuiltins.exception(kind, [.str(message)])
        return e
    }
}

/// Text for `help(x)`: signature, docs, the reference it matches.
public enum Help {
    public static func text(for v: Value, library: Library) -> String {
        switch v {
        case .none:
            return "trick: pass a built-in to help(), e.g. help(soft_nms). Built-ins: " + library.names.sorted().joined(separator: ", ")
        case .builtin(let b):
            return b.signatureText + (b.doc.isEmpty ? "" : "\n\n" + b.doc)
        case .function(let f):
            return f.code.signatureText + (f.code.docstring.map { "\n\n" + $0 } ?? "")
        case .object(let o) where o.payload is ClassInfo || o.instanceClass is ClassInfo:
            return classText((o.payload as? ClassInfo) ?? (o.instanceClass as! ClassInfo))
        case .object(let o):
            var s = "\(o.typeName) object"
            if let c = o.callable { s += "\n  call: " + c.signatureText }
            for (n, m) in o.methods.sorted(by: { $0.key < $1.key }) { s += "\n  .\(n): " + m.signatureText; _ = n }
            if !o.attributeOrder.isEmpty { s += "\n  attributes: " + o.attributeOrder.joined(separator: ", ") }
            return s
        case .tensor(let ref):
            let t = ref.tensor
            return "tensor of shape \(Tensor.formatShape(t.shape)), dtype \(t.dtype.rawValue); methods: " + library.tensorMethods.keys.sorted().joined(separator: ", ")
        default:
            return "\(v.typeName): " + Methods.names(for: v).joined(separator: ", ")
        }
    }
}

extension Help {
    /// `help(cls)` / `help(obj)` of a script's class: its name, bases and module, its docstring
    /// (`__doc__`), then each method defined in it with its signature and docstring, in
    /// definition order.
    static func classText(_ c: ClassInfo) -> String {
        let bases = c.bases.map { b -> String in
            switch b {
            case .object(let o): return (o.payload as? ClassInfo)?.name ?? o.typeName
            case .builtin(let f): return f.name
            default: return b.typeName
            }
        }
        var s = "class \(c.name)" + (bases.isEmpty ? "" : "(" + bases.joined(separator: ", ") + ")") + " in module \(c.module)"
        if case .str(let doc)? = c.namespace["__doc__"] { s += "\n\n" + indented(doc) }
        let methods = c.order.compactMap { name -> (String, Function)? in
            guard case .function(let f)? = c.namespace[name] else { return nil }
            return (name, f)
        }
        if !methods.isEmpty { s += "\n\n  Methods defined here:" }
        for (_, f) in methods {
            s += "\n\n  " + f.code.signatureText
            if let doc = f.code.docstring { s += "\n" + indented(doc, by: "      ") }
        }
        return s
    }

    /// A docstring's lines, common indentation removed (as `inspect.cleandoc`), each indented.
    static func indented(_ doc: String, by prefix: String = "  ") -> String {
        func blank(_ l: Substring) -> Bool { l.allSatisfy { $0 == " " || $0 == "\t" } }
        func margin(_ l: Substring) -> Int { l.prefix { $0 == " " }.count }
        let lines = doc.split(separator: "\n", omittingEmptySubsequences: false)
        let common = lines.dropFirst().filter { !blank($0) }.map(margin).min() ?? 0
        var kept = [lines[0].drop { $0 == " " }] + lines.dropFirst().map { $0.dropFirst(min(common, margin($0))) }
        while let last = kept.last, blank(last) { kept.removeLast() }
        return kept.map { blank($0) ? "" : prefix + $0 }.joined(separator: "\n")
    }
}

extension String {
    func replacingUnderscores() -> String { String(filter { $0 != "_" }) }

    /// Copies the UTF-8 bytes to `out + at` and advances `at` past them (building a string of a
    /// known length in its own buffer: `str.join`, f-strings).
    @inline(__always)
    func copyUTF8(to out: UnsafeMutablePointer<UInt8>, at: inout Int) {
        var s = self
        s.withUTF8 { b in
            if let p = b.baseAddress { (out + at).update(from: p, count: b.count) }
            at += b.count
        }
    }

    /// Python's str equality: the same code points. (Swift's `==` is canonical equivalence, under
    /// which "\u{E9}" and "e\u{301}" are equal; Python's are not.)
    @inline(__always)
    func sameCodePoints(_ other: String) -> Bool {
        // the same storage, or the same small string: equal without reading the bytes
        let x = unsafeBitCast(self, to: (UInt64, UInt64).self), y = unsafeBitCast(other, to: (UInt64, UInt64).self)
        if x == y { return true }
        // two small strings (the small flag on both): their words are their bytes, and differ
        if (x.1 >> 56) & (y.1 >> 56) & 0x20 != 0 && SmallString.usable { return false }
        let same = utf8.withContiguousStorageIfAvailable { x in
            other.utf8.withContiguousStorageIfAvailable { y in
                x.count == y.count && (x.count == 0 || memcmp(x.baseAddress!, y.baseAddress!, x.count) == 0)
            }
        }
        if let same, let same { return same }
        var a = self, b = other
        return a.withUTF8 { x in
            b.withUTF8 { y in
                x.count == y.count && (x.count == 0 || memcmp(x.baseAddress!, y.baseAddress!, x.count) == 0)
            }
        }
    }

    /// Python's `len`: code points, counted as the UTF-8 bytes that start one (a loop the
    /// compiler vectorises; `unicodeScalars.count` decodes each scalar).
    var codePointCount: Int {
        var s = self
        return s.withUTF8 { bytes in
            var n = 0
            for b in bytes { n &+= b & 0xC0 != 0x80 ? 1 : 0 }
            return n
        }
    }
}

/// A built-in object's payload that also stands for instances of reference-library base classes
/// beyond its own type name, for `isinstance` (an MMEngine `StepLR` bound to an optimizer is a
/// `_ParamScheduler`).
public protocol ReferenceBases {
    var referenceBases: [String] { get }
}
