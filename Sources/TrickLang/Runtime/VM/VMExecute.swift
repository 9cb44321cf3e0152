import TrickCore

extension VM {
    /// One running call: its code, its register window, the state it keeps while it calls.
    /// Every field is trivial, so entering and leaving a call copies words and counts no
    /// references.
    struct Activation {
        /// Unretained: the entry chunk is held by `execute`'s caller, a callee's by its
        /// function, which the caller's register keeps alive during the call.
        // (`var`s that `runPlain` writes one by one: see `pushPlain`)
        var chunkRef: Unmanaged<Chunk>
        var functionRef: Unmanaged<Function>?
        var base: Int
        var pc = 0
        /// The call's cells (nil: it has none): retained by the activation when it made them
        /// (`ownsCells`), else its function's captured cells, which the function keeps.
        var cellFrame: Unmanaged<CellFrame>?
        var ownsCells = false
        /// The function is retained by the call (a method found in its class, which the
        /// program could change while the method runs).
        var ownsFunction = false
        var iterBase: Int
        var exceptionBase: Int
        var savedTop: Int
        /// Where the caller wants the result of the call it is making (absolute register); the
        /// call itself is the instruction before `pc`.
        var resultRegister = 0

        @inline(__always) var chunk: Chunk { chunkRef.takeUnretainedValue() }
        @inline(__always) var function: Function? { functionRef?.takeUnretainedValue() }
        /// The call's cells (only read where the compiler emitted cell instructions).
        @inline(__always) var cells: CellFrame { cellFrame.unsafelyUnwrapped.takeUnretainedValue() }
    }

    /// Sets up a call's window at `base` (arguments already bound in its first registers).
    /// The chunk and function come unretained: a call reads them without reference counting.
    @inline(__always)
    func activate(_ chunkRef: Unmanaged<Chunk>, _ functionRef: Unmanaged<Function>?, base: Int) throws -> Activation {
        try chunkRef._withUnsafeGuaranteedRef { chunk in
            let end = base &+ chunk.registerCount
            if end > initialized { try ensureRegisters(end) }
            let savedTop = top
            top = end
            var cellFrame: Unmanaged<CellFrame>?
            var ownsCells = false
            let iterBase = iteratorTop
            // (most calls: parameters only, no cells, no loops)
            guard !chunk.isPlain else {
                return Activation(chunkRef: chunkRef, functionRef: functionRef, base: base, cellFrame: nil, ownsCells: false,
                                  iterBase: iterBase, exceptionBase: exceptions.count, savedTop: savedTop)
            }
            let regs = stack + base
            for i in 0..<chunk.unboundCount { ValueLayout.store(regs + Int(chunk.unboundLocals[i]), VM.unbound) }
            if chunk.needsCells {
                if chunk.cellCount == 0, let f = functionRef {
                    // only captured cells: the function's, read in place
                    cellFrame = f._withUnsafeGuaranteedRef { $0.captured.map { Unmanaged.passUnretained($0) } }
                } else {
                    cellFrame = Unmanaged.passRetained(makeCells(chunk, functionRef?.takeUnretainedValue(), regs))
                    ownsCells = true
                }
            }
            if chunk.iteratorCount > 0 {
                let end = iterBase &+ chunk.iteratorCount
                if end > iteratorCapacity { ensureIterators(end) }
                iteratorTop = end
            }
            return Activation(chunkRef: chunkRef, functionRef: functionRef, base: base, cellFrame: cellFrame, ownsCells: ownsCells,
                              iterBase: iterBase, exceptionBase: exceptions.count, savedTop: savedTop)
        }
    }

    /// A call's cells when it has its own: its function's captured cells, then fresh ones (the
    /// parameters among them holding their arguments). Without cells of its own, a call reads
    /// its function's captured cells in place (`activate`).
    func makeCells(_ chunk: Chunk, _ function: Function?, _ regs: UnsafeMutablePointer<Value>) -> CellFrame {
        var c = ContiguousArray<Cell>()
        c.reserveCapacity(chunk.freeCount + chunk.cellCount)
        if let captured = function?.captured { c.append(contentsOf: captured.items) }
        for _ in 0..<chunk.cellCount { c.append(Cell(VM.unbound)) }
        for (cell, r) in chunk.cellParams { c[Int(cell)].value = regs[Int(r)] }
        return CellFrame(c)
    }

    /// Ends a call: its registers (`base..<top`) and iterators are cleared (their values die
    /// now, as in Python), and exceptions it was handling are no longer current. A register
    /// holding a number is left as it is: nothing reads a register before writing it (locals
    /// that may be read first are marked unbound as their call starts).
    @inline(__always)
    func deactivate(_ a: UnsafeMutablePointer<Activation>) {
        var p = stack + a.pointee.base
        let end = stack + top
        while p < end { ValueLayout.clear(p); p += 1 }
        top = a.pointee.savedTop
        let iterBase = a.pointee.iterBase
        if iteratorTop > iterBase {
            for i in iterBase..<iteratorTop { iterators[i].reset() }
            iteratorTop = iterBase
        }
        if exceptions.count > a.pointee.exceptionBase {
            exceptions.removeSubrange(a.pointee.exceptionBase...)
            interp.currentException = exceptions.last
        }
        if a.pointee.ownsCells { a.pointee.cellFrame.unsafelyUnwrapped.release() }
        if a.pointee.ownsFunction { a.pointee.functionRef.unsafelyUnwrapped.release() }
    }

    /// Runs a chunk whose registers start at `base` until it returns. Calls of trick functions
    /// from it do not recurse in Swift: the callee's activation is pushed on `frames` above its
    /// caller's and the loop continues in the callee (so deep trick recursion needs no Swift
    /// stack).
    ///
    /// The loop holds only the common instructions and the fast cases of the others; the rest
    /// (and each fast case's general path, when its operands do not fit) is `step`, out of line.
    /// A small loop keeps its few live values (`ip`, `regs`, `code`, the running activation) in
    /// machine registers across the retains and releases it calls, where one loop with every case
    /// kept them on the Swift stack and reloaded them at each instruction.
    func execute(_ entry: Chunk, base entryBase: Int, function entryFunction: Function?, generator: GeneratorState? = nil) throws -> Value {
        // this execute's activations: frames[callerBase..<frameTop], the running one on top (`act`)
        let callerBase = frameTop
        guard frameTop < frameCapacity else { throw recursionError(entryFunction?.code.name ?? "<module>") }
        var startPC = 0
        if let generator {
            (frames + frameTop).initialize(to: try resumeActivation(generator, base: entryBase))
            startPC = generator.pc
        } else {
            (frames + frameTop).initialize(to: try activate(Unmanaged.passUnretained(entry), entryFunction.map { Unmanaged.passUnretained($0) }, base: entryBase))
        }
        frameTop += 1
        var act = frames + callerBase
        // (unowned(unsafe): the running chunk holds its globals, and a callee's chunk is held by
        // its function in the caller's register; strong locals would cost reference counting per
        // call and return)
        unowned(unsafe) var chunk = entry
        var code = chunk.code
        unowned(unsafe) var globals = chunk.globals
        var regs = stack + entryBase
        var ip = code + startPC
        /// The running instruction's index + 1 (errors' locations, handlers, calls' return points).
        var pc: Int { ip - code }
        while true {
            do {
                if let g = generator, let thrown = g.pendingThrow {
                    g.pendingThrow = nil
                    throw thrown       // raised at the paused yield: its handlers take it
                }
                while true {
                    let ins = ip.pointee
                    ip += 1
                    // Each case ends in `continue` when it has done the instruction; leaving the
                    // switch hands the instruction to `step`.
                    switch ins {
                    case .loadK(let a, let k): ValueLayout.copy(chunk.constantSlots + Int(k), to: regs + Int(a)); continue
                    case .loadInt(let a, let i): ValueLayout.store(regs + Int(a), .int(Int(i))); continue
                    case .loadNone(let a): ValueLayout.store(regs + Int(a), .none); continue
                    case .loadBool(let a, let b): ValueLayout.store(regs + Int(a), .bool(b)); continue
                    case .move(let a, let b): ValueLayout.copy(regs + Int(b), to: regs + Int(a)); continue
                    case .take(let a, let b): ValueLayout.take(regs + Int(b), to: regs + Int(a)); continue
                    case .checkBound(let a, _):
                        if !VM.isUnbound(regs[Int(a)]) { continue }
                    case .loadGlobal(let a, let g, _):
                        if let v = ValueLayout.present(globals.values + Int(g)) { ValueLayout.copy(v, to: regs + Int(a)); continue }
                    case .storeGlobal(let g, let a): globals.values[Int(g)] = regs[Int(a)]; continue
                    case .loadCell(let a, let c, _):
                        let v = act.pointee.cells.items[Int(c)].value
                        if !VM.isUnbound(v) { ValueLayout.store(regs + Int(a), v); continue }
                    case .storeCell(let c, let a): act.pointee.cells.items[Int(c)].value = regs[Int(a)]; continue

                    case .add(let d, let a, let b):
                        if case .int(let x) = regs[Int(a)], case .int(let y) = regs[Int(b)] {
                            let (r, o) = x.addingReportingOverflow(y)
                            if !o { ValueLayout.store(regs + Int(d), .int(r)); continue }
                        } else if case .float(let x) = regs[Int(a)], case .float(let y) = regs[Int(b)] {
                            ValueLayout.store(regs + Int(d), .float(x + y)); continue
                        } else if let x = ValueLayout.strWords(regs + Int(a)), let y = ValueLayout.strWords(regs + Int(b)) {
                            // two small strings joined from their words in place; else Ops' way
                            if let s = SmallString.concat(x, y) { ValueLayout.store(regs + Int(d), .str(s)); continue }
                            if case .str(let x) = regs[Int(a)], case .str(let y) = regs[Int(b)] {
                                ValueLayout.store(regs + Int(d), .str(Ops.concatenate(x, y))); continue
                            }
                        }
                    case .sub(let d, let a, let b):
                        if case .int(let x) = regs[Int(a)], case .int(let y) = regs[Int(b)] {
                            let (r, o) = x.subtractingReportingOverflow(y)
                            if !o { ValueLayout.store(regs + Int(d), .int(r)); continue }
                        } else if case .float(let x) = regs[Int(a)], case .float(let y) = regs[Int(b)] {
                            ValueLayout.store(regs + Int(d), .float(x - y)); continue
                        }
                    case .mul(let d, let a, let b):
                        if case .int(let x) = regs[Int(a)], case .int(let y) = regs[Int(b)] {
                            let (r, o) = x.multipliedReportingOverflow(by: y)
                            if !o { ValueLayout.store(regs + Int(d), .int(r)); continue }
                        } else if case .float(let x) = regs[Int(a)], case .float(let y) = regs[Int(b)] {
                            ValueLayout.store(regs + Int(d), .float(x * y)); continue
                        }
                    case .addI(let d, let a, let k):
                        if case .int(let x) = regs[Int(a)] {
                            let (r, o) = x.addingReportingOverflow(Int(k))
                            if !o { ValueLayout.store(regs + Int(d), .int(r)); continue }
                        }
                    case .subI(let d, let a, let k):
                        if case .int(let x) = regs[Int(a)] {
                            let (r, o) = x.subtractingReportingOverflow(Int(k))
                            if !o { ValueLayout.store(regs + Int(d), .int(r)); continue }
                        }
                    case .binary(let d, let a, let b, let op):
                        // `%` and `//` of ints by a positive int (Python's floor semantics)
                        if op == BinaryOperator.mod.rawValue || op == BinaryOperator.floorDiv.rawValue,
                           case .int(let x) = regs[Int(a)], case .int(let y) = regs[Int(b)], y > 0 {
                            let r = x % y
                            if op == BinaryOperator.mod.rawValue {
                                ValueLayout.store(regs + Int(d), .int(r < 0 ? r + y : r))
                            } else {
                                ValueLayout.store(regs + Int(d), .int(r < 0 ? x / y - 1 : x / y))
                            }
                            continue
                        }
                    case .inplace(let d, let a, let b, let op):
                        if op == 0, case .int(let x) = regs[Int(a)], case .int(let y) = regs[Int(b)] {
                            let (r, o) = x.addingReportingOverflow(y)
                            if !o { ValueLayout.store(regs + Int(d), .int(r)); continue }
                        }
                    case .not(let d, let a):
                        if case .bool(let b) = regs[Int(a)] { ValueLayout.store(regs + Int(d), .bool(!b)); continue }
                    case .compare(let d, let a, let b, let op):
                        if op < 6, case .int(let x) = regs[Int(a)], case .int(let y) = regs[Int(b)] {
                            ValueLayout.store(regs + Int(d), .bool(VM.compareInts(x, y, op)))
                            continue
                        }
                    case .compareJumpIfFalse(let a, let b, let op, let t):
                        if op < 6, case .int(let x) = regs[Int(a)], case .int(let y) = regs[Int(b)] {
                            if !VM.compareInts(x, y, op) { ip = code + Int(t) }
                            continue
                        }
                        if op >= Comparison.is.rawValue {
                            // `is` / `is not`: identity, which no operand can overload
                            if VM.identical(regs + Int(a), regs + Int(b)) != (op == Comparison.is.rawValue) { ip = code + Int(t) }
                            continue
                        }
                    case .compareIJumpIfFalse(let a, let op, let k, let t):
                        if case .int(let x) = regs[Int(a)] {
                            if !VM.compareInts(x, Int(k), op) { ip = code + Int(t) }
                            continue
                        }

                    case .jump(let t): ip = code + Int(t); continue
                    case .loop(let t):
                        if trickInterruptRequested == 0 { ip = code + Int(t); continue }
                    case .jumpIfFalse(let a, let t):
                        switch regs[Int(a)] {
                        case .bool(let b): if !b { ip = code + Int(t) }; continue
                        case .int(let i): if i == 0 { ip = code + Int(t) }; continue
                        case .none: ip = code + Int(t); continue
                        default: break
                        }
                    case .jumpIfTrue(let a, let t):
                        switch regs[Int(a)] {
                        case .bool(let b): if b { ip = code + Int(t) }; continue
                        case .int(let i): if i != 0 { ip = code + Int(t) }; continue
                        case .none: continue
                        default: break
                        }

                    case .buildList(let d, let first, let n):
                        ValueLayout.store(regs + Int(d), .list(ListRef(takeArguments(regs, Int(first), Int(n))))); continue
                    case .buildTuple(let d, let first, let n):
                        ValueLayout.store(regs + Int(d), .tuple(takeArguments(regs, Int(first), Int(n)))); continue
                    case .formatValue(let r, let conv, let spec):
                        // a plain int, float, bool, None or str field is left for buildString
                        if conv == 0 && spec < 0 {
                            switch regs[Int(r)] {
                            case .int, .float, .bool, .none, .str: continue
                            default: break
                            }
                        }
                    case .buildString(let d, let first, let n):
                        ValueLayout.store(regs + Int(d), .str(VM.concatenate(regs + Int(first), Int(n)))); continue
                    case .listAppend(let l, let v):
                        if let ref = ValueLayout.instance(regs + Int(l), ValueLayout.listTag, as: ListRef.self) {
                            ref._withUnsafeGuaranteedRef { VM.append(regs[Int(v)], to: $0) }
                        }
                        continue

                    case .getItem(let d, let o, let i):
                        if case .int(let j) = regs[Int(i)], j >= 0, VM.itemAt(regs + Int(o), j, into: regs + Int(d)) { continue }
                        if try VM.dictItem(regs + Int(o), regs + Int(i), into: regs + Int(d)) { continue }
                    case .setItem(let o, let i, let v):
                        if case .list(let l) = regs[Int(o)], case .int(let j) = regs[Int(i)], j >= 0, j < l.items.count {
                            l.items[j] = regs[Int(v)]
                            continue
                        }
                        if let d = ValueLayout.instance(regs + Int(o), ValueLayout.dictTag, as: DictRef.self),
                           try d._withUnsafeGuaranteedRef({ d in
                               guard d.flavor == nil else { return false }
                               try d.set(regs[Int(i)], regs[Int(v)])
                               return true
                           }) { continue }

                    case .call(let a, let n):
                        if let callee = VM.directCallee(regs + Int(a), arity: Int(n)) {
                            try pushCall(&act, callee, base: act.pointee.base &+ Int(a) &+ 1, result: act.pointee.base &+ Int(a), pc: pc)
                            chunk = callee.chunk.takeUnretainedValue()
                            if chunk.runsPlain {
                                // (the loop goes on where it stopped: an instruction it leaves here)
                                ip = runPlain(&act, floor: callerBase)
                                chunk = act.pointee.chunk
                            } else {
                                ip = chunk.code
                            }
                            code = chunk.code
                            globals = chunk.globals
                            regs = stack + act.pointee.base
                            continue
                        }
                        if n <= 2, let b = ValueLayout.instance(regs + Int(a), ValueLayout.builtinTag, as: BuiltinFunction.self) {
                            // `str(i)` of an int: its digits, with no call
                            if n == 1, ValueLayout.tag(regs + Int(a) + 1) == ValueLayout.intTag, b._withUnsafeGuaranteedRef({ $0.intrinsic == .str }),
                               case .int(let i) = regs[Int(a) + 1] {
                                ValueLayout.store(regs + Int(a), .str(Printer.decimal(i)))
                                continue
                            }
                            if n == 2, b._withUnsafeGuaranteedRef({ $0.intrinsic == .isinstance }),
                               let r = VM.isInstance(regs + Int(a) + 1, regs + Int(a) + 2) {
                                ValueLayout.clear(regs + Int(a) + 1)
                                ValueLayout.clear(regs + Int(a) + 2)
                                ValueLayout.store(regs + Int(a), .bool(r))
                                continue
                            }
                            if let r = try b._withUnsafeGuaranteedRef({ try callFast($0, regs + Int(a), Int(n), chunk, pc - 1) }) {
                                ValueLayout.store(regs + Int(a), r)
                                continue
                            }
                        }
                    case .callMethod(let a, let k, let n):
                        if n == 1, chunk.methods[Int(k)] == .append, let l = ValueLayout.instance(regs + Int(a), ValueLayout.listTag, as: ListRef.self) {
                            let v = (regs + Int(a) + 1).move()
                            (regs + Int(a) + 1).initialize(to: .none)
                            l._withUnsafeGuaranteedRef { VM.append(v, to: $0) }
                            ValueLayout.store(regs + Int(a), .none)
                            continue
                        }
                        if n <= 2, case .dict(let d) = regs[Int(a)], d.flavor == nil, let m = chunk.methods[Int(k)],
                           let r = try Methods.dictFast(d, m, regs + Int(a) + 1, Int(n)) {
                            for i in 0..<Int(n) { ValueLayout.clear(regs + Int(a) + 1 + i) }
                            ValueLayout.store(regs + Int(a), r)
                            continue
                        }
                        // a trick class's method: the receiver is already in place as `self`, the
                        // arguments after it, so the call is a call of the function at R[a]
                        if case .object(let o) = regs[Int(a)], let cls = o.instanceClass as? ClassInfo {
                            let name = chunk.names[Int(k)]
                            if o.attributes[name] == nil, o.methods[name] == nil, case .function(let f)? = cls.lookup(name),
                               f.simpleArity == Int(n) + 1, let fc = f.chunk, !fc._withUnsafeGuaranteedRef({ $0.isGenerator }) {
                                // held by the call (the class could be changed while it runs)
                                let callee = DirectCallee(function: Unmanaged.passRetained(f), chunk: fc)
                                try pushCall(&act, callee, base: act.pointee.base &+ Int(a), result: act.pointee.base &+ Int(a), pc: pc, ownsFunction: true)
                                chunk = fc.takeUnretainedValue()
                                code = chunk.code
                                globals = chunk.globals
                                regs = stack + act.pointee.base
                                ip = code
                                continue
                            }
                        }
                    case .ret, .retNone:
                        var v = Value.none
                        if case .ret(let a) = ins {
                            v = (regs + Int(a)).move()
                            (regs + Int(a)).initialize(to: .none)
                        }
                        deactivate(act)
                        guard frameTop > callerBase + 1 else {
                            frameTop = callerBase
                            generator?.finished = true
                            return v
                        }
                        popCall(&act)
                        chunk = act.pointee.chunk
                        code = chunk.code
                        globals = chunk.globals
                        regs = stack + act.pointee.base
                        ip = code + act.pointee.pc
                        ValueLayout.store(stack + act.pointee.resultRegister, v)
                        continue
                    case .yield(let d, let r):
                        // only a generator's own activation yields (calls of generator functions
                        // make generators; they never run inside another activation)
                        guard let generator, frameTop == callerBase + 1 else { continue }
                        let v = regs[Int(r)]
                        generator.suspend(act.pointee, pc: pc, resumeRegister: d, vm: self)
                        deactivate(act)
                        frameTop = callerBase
                        return v

                    case .isInstanceGlobal(let d, let x, let skip, let p):
                        let (gi, gt) = chunk.globalPairs[Int(p)]
                        if let f = ValueLayout.present(globals.values + gi),
                           let b = ValueLayout.instance(f, ValueLayout.builtinTag, as: BuiltinFunction.self),
                           b._withUnsafeGuaranteedRef({ $0.intrinsic == .isinstance }),
                           let type = ValueLayout.present(globals.values + gt), !VM.isUnbound(regs[Int(x)]),
                           let r = VM.isInstance(regs + Int(x), type) {
                            ValueLayout.store(regs + Int(d), .bool(r))
                            ip += Int(skip)
                        }
                        continue
                    case .forPrepView(let s, let a, let view):
                        // a plain dict's entries, walked in place (anything else: step's)
                        if let d = ValueLayout.instance(regs + Int(a), ValueLayout.dictTag, as: DictRef.self),
                           d._withUnsafeGuaranteedRef({ $0.flavor == nil }) {
                            (iterators + act.pointee.iterBase + Int(s)).pointee.start(d._withUnsafeGuaranteedRef { $0.entries }, view: view)
                            continue
                        }
                    case .forNext(let s, let d, let t):
                        let it = iterators + act.pointee.iterBase + Int(s)
                        if it.pointee.isRange {
                            let i = it.pointee.next, step = it.pointee.step
                            if step > 0 ? i < it.pointee.stop : i > it.pointee.stop {
                                ValueLayout.store(regs + Int(d), .int(i))
                                let (n, o) = i.addingReportingOverflow(step)
                                it.pointee.next = o ? it.pointee.stop : n
                            } else {
                                ip = code + Int(t)
                            }
                        } else if let v = try nextItem(it) {
                            ValueLayout.store(regs + Int(d), v)
                        } else {
                            ip = code + Int(t)
                        }
                        continue
                    case .forNextUnpack(let s, let first, _, let t):
                        let it = iterators + act.pointee.iterBase + Int(s)
                        if it.pointee.view == .items, it.pointee.entries != nil {
                            let i = it.pointee.next
                            if i < it.pointee.entries.unsafelyUnwrapped.count {
                                // (read in place: binding the array, or an entry, would copy it)
                                let key = it.pointee.entryKey(i)
                                ValueLayout.copy(key, to: regs + Int(first))
                                ValueLayout.copy(key + 1, to: regs + Int(first) + 1)
                                it.pointee.next = i + 1
                            } else {
                                it.pointee.entries = nil
                                ip = code + Int(t)
                            }
                            continue
                        }
                    case .unpack(let first, let s, let n):
                        if case .tuple(let t) = regs[Int(s)], t.count == Int(n) {
                            for i in 0..<Int(n) { regs[Int(first) + i] = t[i] }
                            continue
                        }
                    default: break
                    }
                    let target = try step(ins, regs, act, at: pc - 1)
                    if target >= 0 { ip = code + Int(target) }
                }
            } catch {
                // Find a handler here, else leave this call (its caller's call instruction is
                // where the error continues) until one is found or the entry call is left.
                var err = interp.locate(error, chunk.file, chunk.locs[pc - 1])
                while true {
                    let at = pc - 1
                    let catchable = !err.isInterrupt && err.phase == .runtime
                    if let h = chunk.handlers.first(where: { $0.start <= at && at < $0.end && ($0.catchesAll || catchable) }) {
                        let depth = act.pointee.exceptionBase + h.exceptionDepth
                        if exceptions.count > depth { exceptions.removeSubrange(depth...) }
                        exceptions.append(err)
                        interp.currentException = err
                        ip = code + h.target
                        break
                    }
                    deactivate(act)
                    guard frameTop > callerBase + 1 else {
                        frameTop = callerBase
                        generator?.finished = true
                        throw err
                    }
                    let name = act.pointee.function?.code.name
                    popCall(&act)
                    if err.traceback.count < 50, let name {
                        err.traceback.append(TraceEntry(function: name, file: act.pointee.chunk.file, location: act.pointee.chunk.locs[act.pointee.pc - 1]))
                    }
                    chunk = act.pointee.chunk
                    code = chunk.code
                    globals = chunk.globals
                    regs = stack + act.pointee.base
                    ip = code + act.pointee.pc
                }
            }
        }
    }

    /// The instructions `execute`'s loop leaves out, and the general paths of those it does the
    /// common cases of, for the running activation `act` (registers at `regs`) at instruction
    /// `at`. Returns the instruction to jump to, or −1 to go on with the next.
    @inline(never)
    func step(_ ins: Instr, _ regs: UnsafeMutablePointer<Value>, _ act: UnsafeMutablePointer<Activation>, at: Int) throws -> Int32 {
        let next: Int32 = -1
        let chunk = act.pointee.chunk
        let file = chunk.file
        switch ins {
        case .checkBound(let a, let k):
            if VM.isUnbound(regs[Int(a)]) {
                throw RuntimeError("cannot access local variable '\(chunk.names[Int(k)])' where it is not associated with a value", kind: "UnboundLocalError")
            }
        case .unbind(let a): ValueLayout.store(regs + Int(a), VM.unbound)
        case .loadGlobal(let a, let g, let k):
            guard let v = ValueLayout.present(chunk.globals.values + Int(g)) else { throw interp.nameError(chunk.names[Int(k)], file, chunk.locs[at]) }
            ValueLayout.copy(v, to: regs + Int(a))
        case .deleteGlobal(let g, let k):
            // A module's name over a built-in (`dict = list`) hides it, and `del` shows it again,
            // as CPython's separate builtins do; deleting the built-in itself is a NameError there.
            let name = chunk.names[Int(k)]
            guard let current = chunk.globals.values[Int(g)] else { throw interp.nameError(name, file, chunk.locs[at]) }
            if let builtin = interp.library.globals[name] {
                if Ops.identical(current, builtin) { throw interp.nameError(name, file, chunk.locs[at]) }
                chunk.globals.values[Int(g)] = builtin
            } else {
                chunk.globals.values[Int(g)] = nil
            }
        case .loadCell(let a, let c, let k):
            let v = act.pointee.cells.items[Int(c)].value
            if VM.isUnbound(v) { throw unboundCell(chunk.names[Int(k)], free: Int(c) < (chunk.freeCount)) }
            ValueLayout.store(regs + Int(a), v)
        case .deleteCell(let c, let k):
            if VM.isUnbound(act.pointee.cells.items[Int(c)].value) { throw unboundCell(chunk.names[Int(k)], free: Int(c) < (chunk.freeCount)) }
            act.pointee.cells.items[Int(c)].value = VM.unbound
        case .newCell(let c): act.pointee.cells.items[Int(c)] = Cell(VM.unbound)

        case .add(let d, let a, let b): ValueLayout.store(regs + Int(d), try Ops.add(regs[Int(a)], regs[Int(b)]))
        case .sub(let d, let a, let b): ValueLayout.store(regs + Int(d), try Ops.sub(regs[Int(a)], regs[Int(b)]))
        case .mul(let d, let a, let b): ValueLayout.store(regs + Int(d), try Ops.mul(regs[Int(a)], regs[Int(b)]))
        case .addI(let d, let a, let k): ValueLayout.store(regs + Int(d), try Ops.add(regs[Int(a)], .int(Int(k))))
        case .subI(let d, let a, let k): ValueLayout.store(regs + Int(d), try Ops.sub(regs[Int(a)], .int(Int(k))))
        case .binary(let d, let a, let b, let op):
            ValueLayout.store(regs + Int(d), try Ops.binary(BinaryOperator(rawValue: op)!, regs[Int(a)], regs[Int(b)]))
        case .inplace(let d, let a, let b, let op):
            ValueLayout.store(regs + Int(d), try inplace(BinaryOperator(rawValue: op)!, regs[Int(a)], regs[Int(b)]))
        case .unary(let d, let a, let op):
            ValueLayout.store(regs + Int(d), try Ops.unary(UnaryOperator(rawValue: op)!, regs[Int(a)]))
        case .not(let d, let a):
            ValueLayout.store(regs + Int(d), .bool(!(try regs[Int(a)].truthy())))
        case .compare(let d, let a, let b, let op):
            ValueLayout.store(regs + Int(d), try Ops.compare(Comparison(rawValue: op)!, regs[Int(a)], regs[Int(b)]))
        case .compareJumpIfFalse(let a, let b, let op, let t):
            if !(try Ops.compare(Comparison(rawValue: op)!, regs[Int(a)], regs[Int(b)]).truthy()) { return t }
        case .compareIJumpIfFalse(let a, let op, let k, let t):
            if !(try Ops.compare(Comparison(rawValue: op)!, regs[Int(a)], .int(Int(k))).truthy()) { return t }

        case .loop(let t):
            if trickInterruptRequested != 0 { try interp.checkInterrupt(file, chunk.locs[at]) }
            return t
        case .jumpIfFalse(let a, let t):
            if !(try regs[Int(a)].truthy()) { return t }
        case .jumpIfTrue(let a, let t):
            if try regs[Int(a)].truthy() { return t }

        case .buildSet(let d, let first, let n):
            let s = SetRef()
            for i in 0..<Int(n) { try s.add(regs[Int(first) + i]) }
            ValueLayout.store(regs + Int(d), .set(s))
        case .buildDict(let d, let first, let n):
            let dict = DictRef()
            for i in 0..<Int(n) { try dict.set(regs[Int(first) + 2 * i], regs[Int(first) + 2 * i + 1]) }
            ValueLayout.store(regs + Int(d), .dict(dict))
        case .buildSlice(let d, let first):
            ValueLayout.store(regs + Int(d), try slice(regs + Int(first)))
        case .listExtend(let l, let v):
            if case .list(let ref) = regs[Int(l)] { ref.items.append(contentsOf: try interp.iterate(regs[Int(v)])) }
        case .setAdd(let s, let v):
            if case .set(let ref) = regs[Int(s)] { try ref.add(regs[Int(v)]) }
        case .dictSet(let d, let k, let v):
            if case .dict(let ref) = regs[Int(d)] { try ref.set(regs[Int(k)], regs[Int(v)]) }
        case .dictMerge(let d, let v):
            let m = regs[Int(v)]
            guard case .dict(let other) = m else {
                throw RuntimeError("'**' argument must be a dict, not \(m.typeName)", kind: "TypeError")
            }
            if case .dict(let ref) = regs[Int(d)] { for (k, x) in other.pairs { try ref.set(k, x) } }
        case .kwMerge(let d, let v):
            try mergeKeywords(regs[Int(d)], regs[Int(v)])
        case .listToTuple(let r):
            if case .list(let l) = regs[Int(r)] { ValueLayout.store(regs + Int(r), .tuple(l.items)) }
        case .matrix(let d, let s, _):
            ValueLayout.store(regs + Int(d), .tensor(try Convert.tensor(regs[Int(s)])))
        case .formatValue(let r, let conv, let spec):
            // a replacement field formatted as soon as it is evaluated (a later field
            // may change a list or object this one shows); ints, floats, bools, None
            // and strs cannot change, so a plain field of one is left for buildString
            let v = regs[Int(r)]
            if conv == 0 && spec < 0 {
                switch v {
                case .int, .float, .bool, .none, .str: return next
                default: break
                }
            }
            var sp = ""
            if spec >= 0, case .str(let k) = chunk.constants[Int(spec)] { sp = k }
            // `!r`/`!s` convert first, then the spec formats the resulting str
            switch conv {
            case 1: ValueLayout.store(regs + Int(r), .str(try Format.format(.str(Printer.repr(v)), spec: sp)))
            case 2: ValueLayout.store(regs + Int(r), .str(try Format.format(.str(Printer.str(v)), spec: sp)))
            default: ValueLayout.store(regs + Int(r), .str(try Format.format(v, spec: sp)))
            }

        case .getAttr(let d, let o, let k):
            ValueLayout.store(regs + Int(d), try interp.getAttribute(regs[Int(o)], chunk.names[Int(k)]))
        case .setAttr(let o, let k, let v):
            try interp.setAttribute(regs[Int(o)], chunk.names[Int(k)], regs[Int(v)])
        case .deleteAttr(let o, let k):
            try interp.deleteAttribute(regs[Int(o)], chunk.names[Int(k)])
        case .getItem(let d, let o, let i):
            ValueLayout.store(regs + Int(d), try interp.getItem(regs[Int(o)], regs[Int(i)]))
        case .setItem(let o, let i, let v):
            if let changed = try interp.setItem(regs[Int(o)], regs[Int(i)], regs[Int(v)]) { ValueLayout.store(regs + Int(o), changed) }
        case .deleteItem(let o, let i):
            try interp.deleteItem(regs[Int(o)], regs[Int(i)])

        case .call(let a, let n):
            let args = takeArguments(regs, Int(a) + 1, Int(n))
            ValueLayout.store(regs + Int(a), try callValue(regs[Int(a)], Arguments(args), chunk, at))
        case .callKw(let a, let n, let kk):
            let names = chunk.keywordNames[Int(kk)]
            var args = takeArguments(regs, Int(a) + 1, Int(n))
            let kw = Array(zip(names, args.suffix(names.count)))
            args.removeLast(names.count)
            ValueLayout.store(regs + Int(a), try callValue(regs[Int(a)], Arguments(args, keywords: kw), chunk, at))
        case .callEx(let a):
            let args = try spreadArguments(regs + Int(a) + 1)
            ValueLayout.store(regs + Int(a), try callValue(regs[Int(a)], args, chunk, at))
        case .callMethod(let a, let k, let n):
            let args = takeArguments(regs, Int(a) + 1, Int(n))
            ValueLayout.store(regs + Int(a), try interp.callMethod(regs[Int(a)], chunk.names[Int(k)], chunk.methods[Int(k)], Arguments(args), file: file, loc: chunk.locs[at]))
        case .callMethodKw(let a, let n, let k, let kk):
            let names = chunk.keywordNames[Int(kk)]
            var args = takeArguments(regs, Int(a) + 1, Int(n))
            let kw = Array(zip(names, args.suffix(names.count)))
            args.removeLast(names.count)
            ValueLayout.store(regs + Int(a), try interp.callMethod(regs[Int(a)], chunk.names[Int(k)], chunk.methods[Int(k)], Arguments(args, keywords: kw), file: file, loc: chunk.locs[at]))
        case .callMethodEx(let a, let k):
            let args = try spreadArguments(regs + Int(a) + 1)
            ValueLayout.store(regs + Int(a), try interp.callMethod(regs[Int(a)], chunk.names[Int(k)], chunk.methods[Int(k)], args, file: file, loc: chunk.locs[at]))
        case .makeFunction(let d, let p, let first):
            ValueLayout.store(regs + Int(d), makeFunction(chunk.protos[Int(p)], regs + Int(first), act.pointee.cellFrame?.takeUnretainedValue()))

        case .forPrep(let s, let a):
            try prepareIterator(iterators + act.pointee.iterBase + Int(s), regs[Int(a)])
        case .forPrepView(let s, let a, let view):
            let it = iterators + act.pointee.iterBase + Int(s)
            if let d = ValueLayout.instance(regs + Int(a), ValueLayout.dictTag, as: DictRef.self),
               d._withUnsafeGuaranteedRef({ $0.flavor == nil }) {
                it.pointee.start(d._withUnsafeGuaranteedRef { $0.entries }, view: view)
            } else {
                let items = try interp.callMethod(regs[Int(a)], view.method.rawValue, view.method, Arguments(), file: file, loc: chunk.locs[at])
                try prepareIterator(it, items)
            }
        case .forNextUnpack(let s, let first, let n, let t):
            let it = iterators + act.pointee.iterBase + Int(s)
            guard let v = try nextItem(it) else { return t }
            if case .tuple(let items) = v, items.count == Int(n) {
                for i in 0..<Int(n) { regs[Int(first) + i] = items[i] }
            } else {
                try unpack(v, into: regs + Int(first), count: Int(n))
            }
        case .unpack(let first, let s, let n):
            try unpack(regs[Int(s)], into: regs + Int(first), count: Int(n))
        case .unpackStar(let first, let s, let before, let after):
            try unpackStar(regs[Int(s)], into: regs + Int(first), before: Int(before), after: Int(after))

        case .raise(let a):
            throw try raiseError(regs[Int(a)], file, chunk.locs[at])
        case .reraise:
            if let cur = exceptions.last ?? interp.currentException { throw cur }
            throw RuntimeError("no active exception to re-raise", kind: "RuntimeError")
        case .excMatch(let d, let t):
            ValueLayout.store(regs + Int(d), .bool(exceptions.last.map { interp.exceptionMatches($0, regs[Int(t)]) } ?? false))
        case .excObject(let d):
            if let e = exceptions.last {
                if let o = e.raised as? BuiltObject { ValueLayout.store(regs + Int(d), .object(o)) } else { ValueLayout.store(regs + Int(d), .object(interp.exceptionObject(e))) }
            }
        case .popExc:
            if exceptions.count > act.pointee.exceptionBase { exceptions.removeLast() }
            interp.currentException = exceptions.last
        case .assertFail(let a):
            let text = a == R.max ? nil : Printer.str(regs[Int(a)])
            var e = TrickError(.runtime, "AssertionError" + (text.map { ": " + $0 } ?? ""), file: file, at: chunk.locs[at])
            e.kind = "AssertionError"
            throw e
        case .withEnter(let m, let x, let d):
            let (exit, entered) = try enter(regs[Int(m)], file, chunk.locs[at])
            ValueLayout.store(regs + Int(x), exit)
            ValueLayout.store(regs + Int(d), entered)
        case .withExit(let x):
            _ = try interp.call(regs[Int(x)], Arguments([.none, .none, .none]), file: file, loc: chunk.locs[at], name: "__exit__")
        case .withExitExc(let x, let t):
            guard let err = exceptions.last else { return next }
            let type = (err.raised as? BuiltObject)?.instanceClass.map { .object(($0 as! ClassInfo).object) }
                ?? interp.library.globals[err.kind] ?? .str(err.kind)
            let value: Value = (err.raised as? BuiltObject).map { .object($0) } ?? .object(interp.exceptionObject(err))
            let suppress = try interp.call(regs[Int(x)], Arguments([type, value, .none]),
                                           file: file, loc: chunk.locs[at], name: "__exit__")
            if try !err.isInterrupt && suppress.truthy() {
                exceptions.removeLast()
                interp.currentException = exceptions.last
                return t
            }
            throw err
        case .buildClass(let d, let ns, let first, let n, let k):
            guard case .dict(let namespace) = regs[Int(ns)] else { return next }
            let bases = (0..<Int(n)).map { regs[Int(first) + $0] }
            ValueLayout.store(regs + Int(d), try interp.buildClass(chunk.names[Int(k)], bases: bases, namespace: namespace))
        case .namespaceSet(let d, let k, let v):
            if !VM.isUnbound(regs[Int(v)]), case .dict(let ref) = regs[Int(d)] { ref[str: chunk.names[Int(k)]] = regs[Int(v)] }
        case .loadCellOrUnbound(let d, let c):
            ValueLayout.store(regs + Int(d), act.pointee.cells.items[Int(c)].value)
        case .cellObject(let d, let c):
            ValueLayout.store(regs + Int(d), .object(BuiltObject(typeName: "cell", payload: act.pointee.cells.items[Int(c)])))
        case .importName(let d, let k):
            ValueLayout.store(regs + Int(d), try importName(chunk.specs[Int(k)], chunk.globals))
        case .importStar(let k):
            try importStar(chunk.specs[Int(k)], chunk.globals)
        case .adoptInPlace(let a, let b, let t):
            guard case .tensor(let receiver) = regs[Int(a)], case .tensor(let result) = regs[Int(b)] else { return t }
            if receiver !== result {
                try receiver.assignInPlace(result.tensor, checkShape: false)
                ValueLayout.copy(regs + Int(a), to: regs + Int(b))
            }
        case .ifWriteBack(let a, let b, let t):
            if case .tensor = regs[Int(a)] { return next }
            if case .tensor = regs[Int(b)] { return t }
        case .writeBackAttr(let o, let k, let v):
            var plain = false
            if case .tensor = regs[Int(v)] { plain = true }
            if case .object(let obj) = regs[Int(o)], obj.instanceClass == nil || !plain {
                try interp.setAttribute(regs[Int(o)], chunk.names[Int(k)], regs[Int(v)])
            }
        case .loadK, .loadInt, .loadNone, .loadBool, .move, .take, .storeGlobal, .jump, .buildList, .buildTuple,
             .listAppend, .ret, .retNone, .yield, .forNext, .isInstanceGlobal, .storeCell, .buildString:
            fatalError("\(ins) is done in execute's loop")
        }
        return next
    }

    /// Enters a call of a trick function from the running activation (`act`, on top of
    /// `frames`): the callee's activation is pushed above it and becomes `act`.
    @inline(__always)
    func pushCall(_ act: inout UnsafeMutablePointer<Activation>, _ callee: DirectCallee, base: Int, result: Int, pc: Int, ownsFunction: Bool = false) throws {
        callDepth &+= 1
        if callDepth > maxCallDepth || frameTop == frameCapacity || trickInterruptRequested != 0 {
            callDepth -= 1
            do { try checkCall(callee.function.takeUnretainedValue(), act.pointee.chunk.file, act.pointee.chunk.locs[pc - 1]) } catch {
                if ownsFunction { callee.function.release() }
                throw error
            }
            callDepth += 1
        }
        act.pointee.pc = pc
        act.pointee.resultRegister = result
        var next: Activation
        do { next = try activate(callee.chunk, callee.function, base: base) } catch {
            callDepth -= 1
            if ownsFunction { callee.function.release() }
            throw error
        }
        next.ownsFunction = ownsFunction
        (frames + frameTop).initialize(to: next)
        frameTop &+= 1
        act += 1
    }

    /// Returns to the caller's activation (after the callee was deactivated).
    @inline(__always)
    func popCall(_ act: inout UnsafeMutablePointer<Activation>) {
        frameTop &-= 1
        act -= 1
        callDepth &-= 1
    }

    /// A trick function a call can enter directly, and its body; unretained (the register
    /// holding the function keeps both alive for the call).
    struct DirectCallee {
        let function: Unmanaged<Function>
        let chunk: Unmanaged<Chunk>
    }

    /// The function in `p` when a call with `arity` positional arguments already in place
    /// enters it directly: plain parameters, not a generator.
    @inline(__always) static func directCallee(_ p: UnsafeMutablePointer<Value>, arity: Int) -> DirectCallee? {
        guard case .function(let f) = p.pointee, f.simpleArity == arity, let chunk = f.chunk,
              !chunk._withUnsafeGuaranteedRef({ $0.isGenerator }) else { return nil }
        return DirectCallee(function: Unmanaged.passUnretained(f), chunk: chunk)
    }

    /// A call that goes too deep, or meets Ctrl-C.
    func checkCall(_ f: Function, _ file: SourceFile, _ loc: SourceLocation) throws {
        if callDepth >= maxCallDepth || frameTop == frameCapacity {
            var e = TrickError(.runtime, "maximum recursion depth exceeded (\(maxCallDepth) calls) in \(f.code.name)()", file: file, at: loc)
            e.kind = "RecursionError"
            throw e
        }
        try interp.checkInterrupt()
    }

    /// `list.append`: an empty list's first append reserves 4 items, as CPython's does (Swift's
    /// array would grow 1, 2, 4, 8 — three more reallocations for a list of 5).
    @inline(__always) static func append(_ v: consuming Value, to l: ListRef) {
        if l.items.capacity == 0 { l.items.reserveCapacity(4) }
        l.items.append(v)
    }

    /// `R[d] = R[o][j]` for a list or tuple with that index (j ≥ 0); false for anything else.
    /// (The list is read unretained; its items are not borrowed as a buffer, which would retain
    /// and release the array.)
    @inline(__always) static func itemAt(_ o: UnsafeMutablePointer<Value>, _ j: Int, into d: UnsafeMutablePointer<Value>) -> Bool {
        if let l = ValueLayout.instance(o, ValueLayout.listTag, as: ListRef.self) {
            return l._withUnsafeGuaranteedRef { l in
                guard j < l.items.count else { return false }
                ValueLayout.store(d, l.items[j])
                return true
            }
        }
        if case .tuple(let t) = o.pointee, j < t.count {
            ValueLayout.store(d, t[j])
            return true
        }
        return false
    }

    /// `R[d] = R[o][R[k]]` for a plain dict holding that key; false for anything else (a missing
    /// key's KeyError, a dict flavour's `__missing__`, are the general path's).
    @inline(__always) static func dictItem(_ o: UnsafeMutablePointer<Value>, _ k: UnsafeMutablePointer<Value>, into d: UnsafeMutablePointer<Value>) throws -> Bool {
        guard let ref = ValueLayout.instance(o, ValueLayout.dictTag, as: DictRef.self) else { return false }
        return try ref._withUnsafeGuaranteedRef { dict in
            guard dict.flavor == nil, let e = try dict.index(of: k.pointee) else { return false }
            ValueLayout.store(d, dict.entries[e].value)    // (the dict is not touched after: d may be o)
            return true
        }
    }

    /// `isinstance(v, t)` for a built-in value type `t` (`dict`, `int`, ...) and a plain value,
    /// from the case byte alone; nil for anything else (an object, a tuple of types, a dict
    /// flavour), which `isinstance` itself decides (both through `BuiltinValueType.includes`).
    @inline(__always) static func isInstance(_ v: UnsafePointer<Value>, _ t: UnsafePointer<Value>) -> Bool? {
        guard let type = ValueLayout.instance(t, ValueLayout.builtinTag, as: BuiltinFunction.self),
              let want = type._withUnsafeGuaranteedRef({ $0.valueType }) else { return nil }
        let tag = ValueLayout.tag(v)
        if tag == ValueLayout.objectTag { return nil }
        if let d = ValueLayout.instance(v, ValueLayout.dictTag, as: DictRef.self), d._withUnsafeGuaranteedRef({ $0.flavor != nil }) { return nil }
        return want.includes(tag: tag)
    }

    /// `a is b`, with `x is None` decided from the tags alone.
    @inline(__always) static func identical(_ a: UnsafeMutablePointer<Value>, _ b: UnsafeMutablePointer<Value>) -> Bool {
        if case .none = b.pointee {
            if case .none = a.pointee { return true }
            return false
        }
        return Ops.identical(a.pointee, b.pointee)
    }

    @inline(__always) static func compareInts(_ x: Int, _ y: Int, _ op: UInt8) -> Bool {
        switch op {
        case 0: return x < y
        case 1: return x <= y
        case 2: return x > y
        case 3: return x >= y
        case 4: return x == y
        default: return x != y
        }
    }

    func unboundCell(_ name: String, free: Bool) -> RuntimeError {
        free ? RuntimeError("cannot access free variable '\(name)' where it is not associated with a value in enclosing scope", kind: "NameError")
             : RuntimeError("cannot access local variable '\(name)' where it is not associated with a value", kind: "UnboundLocalError")
    }
}
