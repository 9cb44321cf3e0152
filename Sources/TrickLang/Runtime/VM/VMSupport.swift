import TrickCore

/// The VM's less frequent operations, kept out of the dispatch loop.
extension VM {
    /// An iterator slot for `for … in v` (a range counts lazily; iterators, and iterables whose
    /// `__iter__` gives one, are pulled lazily; anything else is materialised).
    func prepareIterator(_ it: UnsafeMutablePointer<IteratorState>, _ v: Value) throws {
        // (fields set in place: a new state assigned over the old is built, copied and destroyed)
        if case .range(let start, let stop, let step) = v {
            it.pointee.reset()
            it.pointee.next = start
            it.pointee.stop = stop
            it.pointee.step = step
            it.pointee.isRange = true
        } else if case .list(let l) = v {
            it.pointee.reset()
            it.pointee.items = l.items
            it.pointee.next = 0
            it.pointee.isRange = false
        } else if case .dict(let d) = v, d.flavor == nil {
            it.pointee.start(d.entries, view: .keys)
        } else if case .object(let o) = v, o.payload is PyIterator || o.special("__next__") != nil || o.special("__iter__") != nil {
            // iterators, and iterables whose __iter__ gives one (a DataLoader's pass): pulled lazily
            it.pointee = IteratorState(source: try PyIterator.of(v, interp))
        } else {
            it.pointee = IteratorState(items: try interp.iterate(v), next: 0, stop: 0, step: 0, isRange: false)
        }
    }

    /// The next item of an iterator slot, nil when exhausted (`forNext` steps a range inline).
    @inline(__always)
    func nextItem(_ it: UnsafeMutablePointer<IteratorState>) throws -> Value? {
        if it.pointee.isRange {
            let i = it.pointee.next, step = it.pointee.step
            guard step > 0 ? i < it.pointee.stop : i > it.pointee.stop else { return nil }
            let (n, o) = i.addingReportingOverflow(step)
            it.pointee.next = o ? it.pointee.stop : n
            return .int(i)
        }
        if let source = it.pointee.source {
            if let v = try source.next() { return v }
            it.pointee.source = nil
            return nil
        }
        if it.pointee.entries != nil {
            let i = it.pointee.next
            guard i < it.pointee.entries.unsafelyUnwrapped.count else {
                it.pointee.entries = nil
                return nil
            }
            it.pointee.next = i + 1
            let key = it.pointee.entryKey(i)
            switch it.pointee.view {
            case .keys: return key.pointee
            case .values: return (key + 1).pointee
            case .items: return .tuple([key.pointee, (key + 1).pointee])
            }
        }
        guard it.pointee.next < it.pointee.items.count else {
            it.pointee.items = []
            return nil
        }
        it.pointee.next += 1
        return it.pointee.items[it.pointee.next - 1]
    }

    /// An f-string's parts joined: strs as they are, ints in decimal, anything else as `str()`
    /// shows it, copied into one buffer of the exact size.
    static func concatenate(_ regs: UnsafeMutablePointer<Value>, _ n: Int) -> String {
        var length = 0
        for i in 0..<n {
            switch regs[i] {
            case .str(let s): length += s.utf8.count
            case .int(let v) where v != Int.min: length += Printer.decimalLength(v)
            default:
                let s = Printer.str(regs[i])
                length += s.utf8.count
                regs[i] = .str(s)
            }
        }
        if length == 0 { return "" }
        func write(_ out: UnsafeMutablePointer<UInt8>) -> Int {
            var at = 0
            for i in 0..<n {
                switch regs[i] {
                case .str(let s):
                    s.copyUTF8(to: out, at: &at)
                case .int(let v):
                    let k = Printer.decimalLength(v)
                    Printer.writeDecimal(v, k, out + at)
                    at += k
                default: break
                }
            }
            return at
        }
        if let s = SmallString.make(count: length, { _ = write($0) }) { return s }
        return String(unsafeUninitializedCapacity: length) { write($0.baseAddress!) }
    }

    /// Any callee with bound arguments: trick functions bind into a new window, built-ins and
    /// objects are called as the interpreter calls them.
    func callValue(_ callee: Value, _ args: Arguments, _ chunk: Chunk, _ at: Int) throws -> Value {
        let loc = chunk.locs[at]
        if case .function(let f) = callee, let fcu = f.chunk {
            let fc = fcu.takeUnretainedValue()
            if trickInterruptRequested != 0 { try interp.checkInterrupt(chunk.file, loc) }
            return try call(f, fc, args, file: chunk.file, loc: loc)
        }
        VM.callerGlobals = chunk.globals
        return try interp.call(callee, args, file: chunk.file, loc: loc)
    }

    /// A built-in's positional fast path (`fast1`/`fast2`) for a call `R[a](R[a+1]…)` of n ≤ 2
    /// arguments; nil when it has none for n. The arguments' registers are cleared after it
    /// ran (their values die then, as after any call); errors are located at the call, as
    /// `Interpreter.call` locates them.
    @inline(__always)
    func callFast(_ b: BuiltinFunction, _ p: UnsafeMutablePointer<Value>, _ n: Int, _ chunk: Chunk, _ at: Int) throws -> Value? {
        let r: Value
        do {
            // the arguments are moved out for the call and back after it (their registers are
            // cleared next): passed without copying them
            // (the registers hold None meanwhile; putting the values back needs no release)
            if n == 1, let f = b.fast1 {
                let x = (p + 1).move()
                (p + 1).initialize(to: .none)
                do { r = try f(x) } catch { (p + 1).initialize(to: consume x); throw error }
                (p + 1).initialize(to: consume x)
            } else if n == 2, let f = b.fast2 {
                let x = (p + 1).move(), y = (p + 2).move()
                (p + 1).initialize(to: .none)
                (p + 2).initialize(to: .none)
                do { r = try f(x, y) } catch {
                    (p + 1).initialize(to: consume x)
                    (p + 2).initialize(to: consume y)
                    throw error
                }
                (p + 1).initialize(to: consume x)
                (p + 2).initialize(to: consume y)
            } else { return nil }
            if trickInterruptRequested != 0 { throw Interrupt.Requested() }
        } catch {
            throw interp.locate(error, chunk.file, chunk.locs[at], through: b.name)
        }
        ValueLayout.clear(p + 1)
        if n == 2 { ValueLayout.clear(p + 2) }
        return r
    }

    /// `f(*a, **k)`: the list and dict registers after the callee.
    func spreadArguments(_ regs: UnsafeMutablePointer<Value>) throws -> Arguments {
        var pos: [Value] = []
        if case .list(let l) = regs[0] { pos = l.items }
        return Arguments(pos, keywords: try keywordArguments(regs[1]))
    }

    func mergeKeywords(_ target: Value, _ source: Value) throws {
        guard case .dict(let d) = source else {
            throw RuntimeError("argument after ** must be a dict, not \(source.typeName)", kind: "TypeError")
        }
        guard case .dict(let kw) = target else { return }
        for (k, v) in d.pairs {
            guard case .str(let ks) = k else { throw RuntimeError("keywords must be strings", kind: "TypeError") }
            if try kw.get(k) != nil { throw RuntimeError("got multiple values for keyword argument '\(ks)'", kind: "TypeError") }
            try kw.set(k, v)
        }
    }

    /// `a op= b`: lists extend, sets update and tensors change in place (every name bound to
    /// them sees it).
    func inplace(_ op: BinaryOperator, _ a: Value, _ b: Value) throws -> Value {
        if case .tensor(let target) = a {
            let r = try Ops.binary(op, a, b)
            guard case .tensor(let result) = r else { return r }   // an autograd result: the name is rebound
            try target.assignInPlace(result.tensor, checkShape: true)
            return a
        }
        if op == .add, case .list(let l) = a {
            l.items.append(contentsOf: try interp.iterate(b))
            return a
        }
        if case .set(let s) = a, case .set = b, let r = try SetOps.binary(op.symbol, a, b), case .set(let n) = r {
            s.table.removeAll()
            for x in n.items { try s.add(x) }
            return a
        }
        return try Ops.binary(op, a, b)
    }

    func slice(_ parts: UnsafeMutablePointer<Value>) throws -> Value {
        func bound(_ v: Value, _ what: String) throws -> Int? {
            switch v {
            case .none: return nil
            case .int(let i): return i
            case .bool(let b): return b ? 1 : 0
            case .tensor(let ref) where ref.tensor.count == 1 && !ref.tensor.dtype.isFloatingPoint: return Int(ref.tensor.int64(at: 0))
            default: throw RuntimeError("slice \(what) must be an int or None, not \(v.typeName)", kind: "TypeError")
            }
        }
        let lo = try bound(parts[0], "start"), hi = try bound(parts[1], "stop"), step = try bound(parts[2], "step")
        if step == 0 { throw RuntimeError("slice step cannot be zero", kind: "ValueError") }
        return .slice(lo, hi, step)
    }

    func makeFunction(_ proto: FunctionProto, _ defaultRegs: UnsafeMutablePointer<Value>, _ frame: CellFrame?) -> Value {
        let params = proto.code.params.positional + proto.code.params.keywordOnly
        var defaults: [Value] = []
        defaults.reserveCapacity(params.count)
        var j = 0
        for p in params {
            if p.defaultValue != nil { defaults.append(defaultRegs[j]); j += 1 } else { defaults.append(.none) }
        }
        var captured = ContiguousArray<Cell>()
        if let frame {
            captured.reserveCapacity(proto.freeFrom.count)
            for i in proto.freeFrom { captured.append(frame.items[Int(i)]) }
        }
        return .function(Function(code: proto.code, defaults: defaults, cells: captured))
    }

    /// The items of a value being unpacked (`a, b = v`, `for a, b in …`).
    func unpackedItems(_ v: Value) throws -> [Value] {
        switch v {
        case .none, .bool, .int, .float, .function, .builtin, .slice:
            throw RuntimeError("cannot unpack non-iterable \(v.typeName) object", kind: "TypeError")
        default: return try interp.iterate(v)
        }
    }

    func unpack(_ v: Value, into regs: UnsafeMutablePointer<Value>, count n: Int) throws {
        let values = try unpackedItems(v)
        guard values.count == n else {
            let msg = values.count > n ? "too many values to unpack (expected \(n), got \(values.count))"
                                       : "not enough values to unpack (expected \(n), got \(values.count))"
            throw RuntimeError(msg, kind: "ValueError")
        }
        for i in 0..<n { regs[i] = values[i] }
    }

    func unpackStar(_ v: Value, into regs: UnsafeMutablePointer<Value>, before: Int, after: Int) throws {
        let values = try unpackedItems(v)
        let n = before + 1 + after
        guard values.count >= n - 1 else {
            throw RuntimeError("not enough values to unpack (expected at least \(n - 1), got \(values.count))", kind: "ValueError")
        }
        for i in 0..<before { regs[i] = values[i] }
        regs[before] = .list(ListRef(Array(values[before..<(values.count - after)])))
        for j in 0..<after { regs[before + 1 + j] = values[values.count - after + j] }
    }

    func raiseError(_ ex: Value, _ file: SourceFile, _ loc: SourceLocation) throws -> TrickError {
        var ex = ex
        // `raise MyError` raises an instance made without arguments
        if case .object(let c) = ex, let ci = c.payload as? ClassInfo, ci.exceptionBase != nil {
            ex = try interp.instantiate(ci, Arguments())
        }
        if case .object(let o) = ex, let cls = o.instanceClass as? ClassInfo, cls.exceptionBase != nil {
            var msg = ""
            if cls.lookup("__str__") != nil {
                msg = Printer.str(ex)
            } else if case .tuple(let args)? = o.attributes["args"] {
                msg = args.count == 1 ? Printer.str(args[0]) : args.isEmpty ? "" : Printer.repr(.tuple(args))
            }
            var e = TrickError(.runtime, msg.isEmpty ? cls.name : "\(cls.name): \(msg)", file: file, at: loc)
            e.kind = cls.name
            e.raised = o
            return e
        }
        var kind = "Exception", msg = Printer.str(ex)
        if case .object(let o) = ex, ExceptionKinds.isExceptionObject(o) {
            kind = Printer.str(o.attributes["kind"] ?? .str("Exception"))
            msg = Printer.str(o.attributes["message"] ?? .str(""))
        } else if case .builtin(let b) = ex {
            kind = b.name
            msg = ""
        }
        var e = TrickError(.runtime, msg.isEmpty ? kind : "\(kind): \(msg)", file: file, at: loc)
        e.kind = kind
        if case .object(let o) = ex, ExceptionKinds.isExceptionObject(o) { e.raised = o }   // `except ... as e` is this object
        return e
    }

    /// `with`: looks up `__exit__` and calls `__enter__`.
    func enter(_ manager: Value, _ file: SourceFile, _ loc: SourceLocation) throws -> (exit: Value, entered: Value) {
        let enter: Value, exit: Value
        do {
            enter = try interp.getAttribute(manager, "__enter__")
            exit = try interp.getAttribute(manager, "__exit__")
        } catch {
            throw RuntimeError("'\(manager.typeName)' object does not support the context manager protocol (no __enter__/__exit__)", kind: "TypeError")
        }
        let entered = try interp.call(enter, Arguments(), file: file, loc: loc, name: "__enter__")
        return (exit, entered)
    }

    func importName(_ spec: ImportSpec, _ globals: Globals) throws -> Value {
        var mod = spec.module
        if mod.hasPrefix(".") {
            mod = try interp.absoluteImportPath(mod, in: globals)
        }
        if !spec.isFrom, try Modules.module(mod, in: interp.library) == nil, try interp.userModule(mod) == nil {
            var files = ""
            if try Modules.module(String(mod.prefix { $0 != "." }), in: interp.library) == nil {
                let dirs = interp.moduleSearchDirectories().map { $0 == "." ? "the working directory" : "'\($0)'" }
                files = "; no file '\(String(mod.map { $0 == "." ? "/" : $0 })).py' or '.trick' in \(dirs.joined(separator: ", "))"
            }
            throw RuntimeError("No module named '\(mod)' in trick (\(Modules.known(near: mod, interp.library)))\(files)", kind: "ModuleNotFoundError")
        }
        let v = try interp.importModule(mod)
        // `import a.b.c` binds `a` (after checking that a.b.c exists), as Python does.
        if !spec.isFrom && spec.alias == nil && mod.contains(".") {
            return try interp.importModule(String(mod.prefix { $0 != "." }))
        }
        return v
    }

    /// `from m import *`: the names in `__all__` if the module defines it, else every name not
    /// starting with an underscore.
    func importStar(_ spec: ImportSpec, _ globals: Globals) throws {
        let v = try importName(spec, globals)
        guard case .object(let o) = v else { return }
        if o.payload is UserModule, let names = o.getterNames?() {
            if let all = try o.getter?("__all__") {
                for n in try interp.iterate(all) {
                    let name = Printer.str(n)
                    guard let value = try o.getter?(name) else {
                        throw RuntimeError("module '\((o.payload as? UserModule)?.name ?? "")' has no attribute '\(name)' (listed in its __all__)", kind: "AttributeError")
                    }
                    interp.setGlobal(name, value)
                }
            } else {
                for n in names where !n.hasPrefix("_") { if let value = try o.getter?(n) { interp.setGlobal(n, value) } }
            }
            return
        }
        for (k, m) in o.methods { interp.setGlobal(k, .builtin(m)) }
        for (k, a) in o.attributes { interp.setGlobal(k, a) }
    }
}
