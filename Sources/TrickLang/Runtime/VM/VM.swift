import TrickCore

/// Runs chunks. One value stack holds every active call's registers (a window per call,
/// Lua-style: a call's arguments are already in place as the callee's first registers), and
/// a parallel stack holds loop iterators. A call of a trick function from trick code is a
/// Swift call of `execute` with no allocation; errors unwind through Swift `throws` and each
/// frame looks its instruction up in its chunk's handler table.
final class VM {
    /// (unowned(unsafe): the interpreter owns the VM, and a checked unowned reference costs an
    /// atomic increment on every use in the dispatch loop)
    unowned(unsafe) let interp: Interpreter
    /// Registers of all active calls. Reserved once; pages are touched only as calls go deep.
    let stack: UnsafeMutablePointer<Value>
    let capacity = 1 << 20
    var initialized = 0
    /// First free register (above the running call's window).
    var top = 0
    var iterators: UnsafeMutablePointer<IteratorState>
    var iteratorCapacity = 64
    var iteratorTop = 0
    /// The activations of running calls, innermost on top (see `execute`). Reserved once and
    /// never moved, so `execute` keeps a pointer to its running activation across calls that
    /// re-enter the VM; pages are touched only as calls go deep.
    let frames: UnsafeMutablePointer<VM.Activation>
    let frameCapacity = 1 << 14
    var frameTop = 0
    /// Calls of trick functions in progress, and the most allowed (RecursionError beyond).
    var callDepth = 0
    var maxCallDepth = 1000
    /// Exceptions being handled (`except` clauses, finally and with cleanups), innermost last.
    var exceptions: ContiguousArray<TrickError> = []
    /// The globals of the code that called the running built-in (`globals()`, `dir()` read them):
    /// set as a built-in is called, whichever interpreter's VM runs the code.
    nonisolated(unsafe) static unowned(unsafe) var callerGlobals: Globals?

    /// Marks a local that has no value (a NaN no float32 value or arithmetic produces): trivially
    /// copyable, so frames start without reference counting.
    static let unboundBits: UInt64 = 0x7FF8_DEAD_BEEF_0001
    static let unbound = Value.float(Double(bitPattern: unboundBits))

    @inline(__always) static func isUnbound(_ v: Value) -> Bool {
        if case .float(let d) = v { return d.bitPattern == unboundBits }
        return false
    }

    init(interp: Interpreter) {
        self.interp = interp
        stack = .allocate(capacity: capacity)
        iterators = .allocate(capacity: iteratorCapacity)
        iterators.initialize(repeating: IteratorState(), count: iteratorCapacity)
        frames = .allocate(capacity: frameCapacity)
    }

    /// A call that would need more activations than `frames` holds (a recursion limit raised
    /// past it).
    func recursionError(_ name: String) -> RuntimeError {
        RuntimeError("maximum recursion depth exceeded (\(frameCapacity) activations) in \(name)()", kind: "RecursionError")
    }

    deinit {
        stack.deinitialize(count: initialized)
        stack.deallocate()
        iterators.deinitialize(count: iteratorCapacity)
        iterators.deallocate()
        frames.deinitialize(count: frameTop)
        frames.deallocate()
    }

    /// Runs a top-level chunk above whatever is running (a notebook cell, or `include` from a call).
    func run(_ chunk: Chunk) throws -> Value {
        try execute(chunk, base: top, function: nil)
    }

    /// Makes the register stack usable up to `end`, or RecursionError past its capacity. (Out of
    /// line: inlined into `execute`, it moved the dispatch loop's code and cost loop-heavy rows
    /// 20 %.)
    @inline(never)
    func ensureRegisters(_ end: Int) throws {
        guard end <= capacity else {
            throw RuntimeError("maximum recursion depth exceeded (the register stack is full)", kind: "RecursionError")
        }
        if end > initialized { initializeRegisters(upTo: end) }
    }

    /// Makes the registers from `initialized` up to `end` (≤ `capacity`) None: the stack's
    /// capacity is fixed and its pointer never moves, so `runPlain` calls this too.
    @inline(never)
    func initializeRegisters(upTo end: Int) {
        (stack + initialized).initialize(repeating: .none, count: end - initialized)
        initialized = end
    }

    func ensureIterators(_ end: Int) {
        guard end > iteratorCapacity else { return }
        var n = iteratorCapacity
        while n < end { n *= 2 }
        let bigger = UnsafeMutablePointer<IteratorState>.allocate(capacity: n)
        bigger.moveInitialize(from: iterators, count: iteratorCapacity)
        (bigger + iteratorCapacity).initialize(repeating: IteratorState(), count: n - iteratorCapacity)
        iterators.deallocate()
        iterators = bigger
        iteratorCapacity = n
    }

    // MARK: Calls

    /// A trick function called with its arguments already in `stack[base...]` (bound).
    @inline(__always)
    func invoke(_ f: Function, _ chunk: Chunk, base: Int, file: SourceFile, loc: @autoclosure () -> SourceLocation) throws -> Value {
        callDepth += 1
        defer { callDepth -= 1 }
        if callDepth > maxCallDepth {
            var e = TrickError(.runtime, "maximum recursion depth exceeded (\(maxCallDepth) calls) in \(f.code.name)()", file: file, at: loc())
            e.kind = "RecursionError"
            throw e
        }
        if trickInterruptRequested != 0 { try interp.checkInterrupt() }
        do {
            return try execute(chunk, base: base, function: f)
        } catch var e as TrickError {
            if e.traceback.count < 50 { e.traceback.append(TraceEntry(function: f.code.name, file: file, location: loc())) }
            throw e
        }
    }

    /// Calls a trick function with arguments from elsewhere (a built-in calling back, a call
    /// with keywords or `*args`): binds them into a fresh window at the top of the stack.
    func call(_ f: Function, _ chunk: Chunk, _ args: Arguments, file: SourceFile, loc: SourceLocation) throws -> Value {
        if chunk.isGenerator { return try makeGenerator(f, chunk, args, file: file, loc: loc) }
        let base = top
        try ensureRegisters(base + chunk.registerCount)
        do {
            try bind(f, args, into: stack + base, file: file, loc: loc)
        } catch {
            for i in 0..<chunk.registerCount { ValueLayout.clear(stack + base + i) }
            throw error
        }
        return try invoke(f, chunk, base: base, file: file, loc: loc)
    }

    /// Python's argument binding, into a call's first registers (FunctionCode's slot layout).
    func bind(_ f: Function, _ args: Arguments, into regs: UnsafeMutablePointer<Value>, file: SourceFile, loc: SourceLocation) throws {
        let code = f.code
        let params = code.params
        let np = params.positional.count
        if code.isSimple, args.keywords.isEmpty, args.positional.count == np {
            for i in 0..<np { regs[i] = args.positional[i] }
            return
        }
        var filled = [Bool](repeating: false, count: np + params.keywordOnly.count)
        func fail(_ msg: String) -> TrickError {
            var e = TrickError(.runtime, "\(code.name)() \(msg)", file: file, at: loc)
            e.kind = "TypeError"
            return e
        }
        for (i, v) in args.positional.enumerated() where i < np {
            regs[i] = v
            filled[i] = true
        }
        if args.positional.count > np {
            if let vs = code.varargsSlot {
                regs[vs] = .tuple(Array(args.positional[np...]))
            } else {
                throw fail("takes \(np) positional argument\(np == 1 ? "" : "s") but \(args.positional.count) were given")
            }
        } else if let vs = code.varargsSlot {
            regs[vs] = .tuple([])
        }
        var extra: [(String, Value)] = []
        for (k, v) in args.keywords {
            if let i = params.positional.firstIndex(where: { $0.name == k }) {
                if filled[i] { throw fail("got multiple values for argument '\(k)'") }
                regs[i] = v
                filled[i] = true
            } else if let j = params.keywordOnly.firstIndex(where: { $0.name == k }) {
                regs[code.keywordOnlySlots[j]] = v
                filled[np + j] = true
            } else if code.kwargsSlot != nil {
                extra.append((k, v))
            } else {
                let hint = closestName(to: k, in: params.positional.map(\.name) + params.keywordOnly.map(\.name)).map { " (did you mean '\($0)'?)" } ?? ""
                throw fail("got an unexpected keyword argument '\(k)'\(hint)")
            }
        }
        if let ks = code.kwargsSlot {
            let d = DictRef()
            for (k, v) in extra { d[str: k] = v }
            regs[ks] = .dict(d)
        }
        let allParams = params.positional + params.keywordOnly
        for (i, p) in allParams.enumerated() where !filled[i] {
            guard p.defaultValue != nil else { throw fail("missing required argument '\(p.name)'") }
            regs[i < np ? i : code.keywordOnlySlots[i - np]] = f.defaults[i]
        }
    }

    /// Moves `n` registers out into an argument array (leaving None behind).
    @inline(__always)
    func takeArguments(_ regs: UnsafeMutablePointer<Value>, _ first: Int, _ n: Int) -> [Value] {
        // The values are moved out of the registers. Short lists are array literals: the
        // compiler allocates those with this module's cached metadata, whereas
        // `Array(repeating:count:)` and `Array(unsafeUninitializedCapacity:)` allocate inside the
        // standard library, which looks up `_ContiguousArrayStorage<Value>`'s generic metadata on
        // every call (~500 instructions, callgrind). Longer ones reserve and append (specialised).
        @inline(__always) func take(_ i: Int) -> Value {
            let v = (regs + first + i).move()
            (regs + first + i).initialize(to: .none)
            return v
        }
        switch n {
        case 0: return []
        case 1: return [take(0)]
        case 2: return [take(0), take(1)]
        case 3: return [take(0), take(1), take(2)]
        case 4: return [take(0), take(1), take(2), take(3)]
        default:
            var out: [Value] = []
            out.reserveCapacity(n)
            for i in 0..<n { out.append(take(i)) }
            return out
        }
    }

    func keywordArguments(_ d: Value) throws -> [(String, Value)] {
        guard case .dict(let dict) = d else { return [] }
        return dict.pairs.map { (k, v) in
            if case .str(let s) = k { return (s, v) }
            return ("", v)
        }
    }
}

/// A paused generator: its registers, cells and loop iterators kept off the stack between
/// resumptions, and where it continues.
final class GeneratorState {
    let function: Function
    let chunk: Chunk
    var registers: [Value]
    var cells: CellFrame?
    var iterators: [IteratorState] = []
    var pc = 0
    var resumeRegister: Int?
    var finished = false
    var running = false
    /// `gen.send(v)`: what the paused `yield` evaluates to on resume (None for `next`).
    var sent: Value = .none
    /// `gen.throw(e)` / `gen.close()`: raised at the paused `yield` on resume.
    var pendingThrow: TrickError?
    var started: Bool { pc > 0 }

    init(function: Function, chunk: Chunk, registers: [Value], cells: CellFrame?) {
        self.function = function
        self.chunk = chunk
        self.registers = registers
        self.cells = cells
    }

    /// Takes the activation's registers and iterators away (they go back in on resume).
    func suspend(_ act: VM.Activation, pc: Int, resumeRegister: R, vm: VM) {
        let regs = vm.stack + act.base
        registers = (0..<chunk.registerCount).map { i in
            let v = (regs + i).move()
            (regs + i).initialize(to: .none)
            return v
        }
        iterators = (0..<chunk.iteratorCount).map { vm.iterators[act.iterBase + $0] }
        cells = act.cellFrame?.takeUnretainedValue()
        self.pc = pc
        self.resumeRegister = Int(resumeRegister)
    }
}

extension VM {
    /// Calling a generator function: its arguments are bound now, its body runs as it is pulled.
    func makeGenerator(_ f: Function, _ chunk: Chunk, _ args: Arguments, file: SourceFile, loc: SourceLocation) throws -> Value {
        let base = top
        try ensureRegisters(base + chunk.registerCount)
        let regs = stack + base
        defer { for i in 0..<chunk.registerCount { ValueLayout.clear(regs + i) } }
        try bind(f, args, into: regs, file: file, loc: loc)
        for i in 0..<chunk.unboundCount { regs[Int(chunk.unboundLocals[i])] = VM.unbound }
        let cells = chunk.needsCells ? makeCells(chunk, f, regs) : nil
        let g = GeneratorState(function: f, chunk: chunk, registers: (0..<chunk.registerCount).map { regs[$0] }, cells: cells)
        let name = f.code.name
        let object = PyIterator.object("generator", PyIterator { [unowned self] in try self.resume(g, name) })
        if case .object(let o) = object { addGeneratorMethods(o, g, name) }
        return object
    }

    /// A generator's `send`, `throw` and `close`, as Python's: a thrown exception is raised at
    /// the paused `yield` (its `except`/`finally` around the `yield` run); the value is the next
    /// one yielded, and a generator that ends instead raises StopIteration. Made when asked for
    /// (most generators are only iterated).
    func addGeneratorMethods(_ o: BuiltObject, _ g: GeneratorState, _ name: String) {
        guard let it = o.payload as? PyIterator else { return }
        o.getterNames = { ["close", "send", "throw"] }
        o.getter = { [unowned self] method in
            switch method {
            case "send":
                return .builtin(BuiltinFunction("send(value)") { a in
                    if !g.started, !a["value"].isNone, !g.finished {
                        throw RuntimeError("can't send non-None value to a just-started generator", kind: "TypeError")
                    }
                    g.sent = a["value"]
                    return try it.nextOrStop()
                })
            case "throw":
                return .builtin(BuiltinFunction("throw(value)") { a in
                    let error = try self.raiseError(a["value"], g.chunk.file, g.chunk.locs[Swift.max(g.pc - 1, 0)])
                    if g.finished || !g.started {
                        g.finished = true
                        throw error
                    }
                    g.pendingThrow = error
                    return try it.nextOrStop()
                })
            case "close":
                return .builtin(BuiltinFunction("close()") { _ in
                    guard g.started, !g.finished else { g.finished = true; return .none }
                    var exit = TrickError(.runtime, "GeneratorExit", file: g.chunk.file, at: g.chunk.locs[Swift.max(g.pc - 1, 0)])
                    exit.kind = "GeneratorExit"
                    g.pendingThrow = exit
                    do {
                        if try self.resume(g, name) != nil {
                            throw RuntimeError("generator ignored GeneratorExit", kind: "RuntimeError")
                        }
                    } catch let e as TrickError where e.kind == "GeneratorExit" || e.kind == "StopIteration" {
                        g.finished = true
                    }
                    return .none
                })
            default:
                return nil
            }
        }
    }

    /// Runs a generator to its next `yield` (its value) or its end (nil).
    func resume(_ g: GeneratorState, _ name: String) throws -> Value? {
        if g.finished { return nil }
        guard !g.running else { throw RuntimeError("generator already executing", kind: "ValueError") }
        g.running = true
        defer { g.running = false }
        callDepth += 1
        defer { callDepth -= 1 }
        if callDepth > maxCallDepth {
            throw RuntimeError("maximum recursion depth exceeded (\(maxCallDepth) calls) in \(name)()", kind: "RecursionError")
        }
        let v = try execute(g.chunk, base: top, function: g.function, generator: g)
        return g.finished ? nil : v
    }

    /// The activation of a generator being resumed: its registers, cells and iterators put back.
    func resumeActivation(_ g: GeneratorState, base: Int) throws -> Activation {
        let nregs = g.chunk.registerCount
        try ensureRegisters(base + nregs)
        let savedTop = top
        top = base + nregs
        let regs = stack + base
        for i in 0..<nregs { regs[i] = g.registers[i] }
        g.registers = []
        if let r = g.resumeRegister { regs[r] = g.sent }
        g.sent = .none
        let iterBase = iteratorTop
        if g.chunk.iteratorCount > 0 {
            ensureIterators(iterBase + g.chunk.iteratorCount)
            iteratorTop = iterBase + g.chunk.iteratorCount
            for (i, it) in g.iterators.enumerated() { iterators[iterBase + i] = it }
        }
        return Activation(chunkRef: Unmanaged.passUnretained(g.chunk), functionRef: Unmanaged.passUnretained(g.function), base: base,
                          cellFrame: g.cells.map { Unmanaged.passRetained($0) }, ownsCells: g.cells != nil,
                          iterBase: iterBase, exceptionBase: exceptions.count, savedTop: savedTop)
    }
}

/// A loop's state: a range counts (`next`, `stop`, `step`); an iterator object (itertools,
/// `iter(x)`, anything with `__next__`) is pulled one item at a time from `source`; anything
/// else is a snapshot of its items walked by `next`.
struct IteratorState {
    var source: PyIterator?
    var items: [Value] = []
    /// A plain dict's entries (shared with it until it changes): `for k in d` takes their keys,
    /// `for v in d.values()` their values, `for k, v in d.items()` their keys and values without
    /// making a tuple each (`view`).
    var entries: ContiguousArray<DictRef.Entry>? = nil {
        didSet { entryBase = entries?.withUnsafeBufferPointer { $0.baseAddress } }
    }
    /// Where `entries` are, read in place (the array above keeps them; a dict that changes
    /// meanwhile writes a copy of its own).
    private(set) var entryBase: UnsafePointer<DictRef.Entry>?
    var view = DictView.keys

    init(source: PyIterator? = nil, items: [Value] = [], next: Int = 0, stop: Int = 0, step: Int = 0, isRange: Bool = false) {
        self.source = source; self.items = items; self.next = next; self.stop = stop; self.step = step; self.isRange = isRange
    }

    /// Starts walking a dict's entries, in place.
    mutating func start(_ entries: ContiguousArray<DictRef.Entry>, view: DictView) {
        reset()
        self.entries = entries
        self.view = view
        next = 0
        isRange = false
    }

    /// Lets go of what it holds, in place (a call's loops end so: a new state assigned over it
    /// would be built, copied and destroyed).
    mutating func reset() {
        if source != nil { source = nil }
        if !items.isEmpty { items = [] }
        if entries != nil { entries = nil }
    }

    /// Entry `i`'s key; its value is the `Value` after it.
    @inline(__always) func entryKey(_ i: Int) -> UnsafePointer<Value> {
        UnsafeRawPointer(entryBase.unsafelyUnwrapped + i).assumingMemoryBound(to: Value.self)
    }
    var next = 0
    var stop = 0
    var step = 0
    var isRange = false
}
