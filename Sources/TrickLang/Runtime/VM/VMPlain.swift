import TrickCore

/// The VM's inner loop for plain numeric code: chunks whose every instruction is one of a few
/// (moves, globals, int and float arithmetic and comparisons, identity tests, branches, tuple
/// building and list/tuple indexing, calls and returns) run
/// here, calls between them included, until an instruction's fast case does not apply. Then
/// `execute` takes over at that instruction, which has not been started, and does it (and its
/// errors) as always; this loop never throws and never reports anything itself.
///
/// Why a second loop: `execute` can do everything, so it has many values live across the
/// retains, releases and throwing calls it makes, and the code it compiles to keeps the
/// instruction pointer and the register window on the stack, reloading them for every
/// instruction. This one has four live values and calls nothing that throws, so they stay in
/// machine registers; a call of a plain function is a few stores, and the callee's references are
/// counted in place (`ValueLayout.retainInPlace` / `releaseInPlace`). The fast cases are the same as
/// `execute`'s (the same `ValueLayout` operations and `VM.compareInts`), and every other path is
/// `execute`'s. A chunk that keeps leaving early stops being entered (see the end of `runPlain`).
extension VM {
    /// Whether `execute` may hand this chunk to `runPlain`: a plain frame (no cells, iterators or
    /// unbound locals), not a generator, and nothing but the instructions `runPlain` does.
    static func runsPlain(_ code: [Instr], isPlain: Bool, isGenerator: Bool) -> Bool {
        guard isPlain, !isGenerator, !code.isEmpty else { return false }
        for ins in code {
            switch ins {
            case .loadK, .loadInt, .loadNone, .loadBool, .move, .take, .loadGlobal, .add, .sub, .mul, .addI, .subI, .not,
                 .compare, .compareJumpIfFalse, .compareIJumpIfFalse, .jump, .loop, .jumpIfFalse, .jumpIfTrue, .call, .ret, .retNone,
                 .getItem, .buildTuple:
                continue
            default:
                return false
            }
        }
        return true
    }

    /// `R[d] = R[a] op R[b]` for two ints (`int`, unless it overflows) or two floats (`float`), as
    /// `execute`'s fast cases of `add`, `sub` and `mul` do; false (nothing done) otherwise.
    @inline(__always)
    static func arithmetic(_ regs: UnsafeMutablePointer<Value>, _ d: R, _ a: R, _ b: R, _ int: (Int, Int) -> (partialValue: Int, overflow: Bool),
                           _ float: (Double, Double) -> Double) -> Bool {
        if case .int(let x) = regs[Int(a)], case .int(let y) = regs[Int(b)] {
            let (r, o) = int(x, y)
            if o { return false }
            ValueLayout.store(regs + Int(d), .int(r))
            return true
        }
        if case .float(let x) = regs[Int(a)], case .float(let y) = regs[Int(b)] {
            ValueLayout.store(regs + Int(d), .float(float(x, y)))
            return true
        }
        return false
    }

    /// Runs the activation `act` (a `runsPlain` chunk) from its start, entering the plain functions
    /// it calls and returning from them, until an instruction's fast case does not apply: an
    /// operand of another kind, an overflow, a call of anything else (or one that would need
    /// more registers than the stack has or more frames, go past the recursion limit, or meet
    /// Ctrl-C), a return from `floor`'s activation (the `execute` that called this returns it) or
    /// into a chunk that does not run plain. The state is then as `execute` would have left it before that instruction:
    /// `act` is the activation it is in, and the instruction is returned.
    @inline(never)
    func runPlain(_ running: inout UnsafeMutablePointer<Activation>, floor: Int) -> UnsafeMutablePointer<Instr> {
        var act = running
        unowned(unsafe) var chunk = act.pointee.chunk
        var regs = stack + act.pointee.base
        var ip = chunk.code
        // (nothing here opens a loop or handles an exception: the same for every frame it pushes)
        let iterBase = iteratorTop, exceptionBase = exceptions.count
        // activations pushed here and not yet left (0 or less: the running one was pushed by
        // `execute`, and returning from it takes the checks below)
        var depth = 0
        // The VM's counters live here while this runs: `frameTop` and `callDepth` move with `depth`,
        // and the pushes allowed before either reaches its limit are known at the start.
        let frameTop0 = frameTop, callDepth0 = callDepth
        var initialized = initialized
        let room = Swift.min(maxCallDepth &- callDepth0, frameCapacity &- frameTop0)
        var top = top
        // (one way out, below: the exits `break plain`, or `break loop` when a fast case did not apply)
        plain: do {
            loop: while true {
                switch ip.pointee {
                case .loadK(let a, let k): ValueLayout.copy(chunk.constantSlots + Int(k), to: regs + Int(a))
                case .loadInt(let a, let i): ValueLayout.store(regs + Int(a), .int(Int(i)))
                case .loadNone(let a): ValueLayout.store(regs + Int(a), .none)
                case .loadBool(let a, let b): ValueLayout.store(regs + Int(a), .bool(b))
                case .move(let a, let b): ValueLayout.copy(regs + Int(b), to: regs + Int(a))
                case .take(let a, let b): ValueLayout.take(regs + Int(b), to: regs + Int(a))
                case .loadGlobal(let a, let g, _):
                    guard let v = ValueLayout.present(chunk.globals.values + Int(g)) else { break loop }
                    ValueLayout.copyInPlace(v, to: regs + Int(a))
                case .add(let d, let a, let b):
                    if !VM.arithmetic(regs, d, a, b, { $0.addingReportingOverflow($1) }, +) { break loop }
                case .sub(let d, let a, let b):
                    if !VM.arithmetic(regs, d, a, b, { $0.subtractingReportingOverflow($1) }, -) { break loop }
                case .mul(let d, let a, let b):
                    if !VM.arithmetic(regs, d, a, b, { $0.multipliedReportingOverflow(by: $1) }, *) { break loop }
                case .addI(let d, let a, let k):
                    guard case .int(let x) = regs[Int(a)] else { break loop }
                    let (r, o) = x.addingReportingOverflow(Int(k))
                    if o { break loop }
                    ValueLayout.store(regs + Int(d), .int(r))
                case .subI(let d, let a, let k):
                    guard case .int(let x) = regs[Int(a)] else { break loop }
                    let (r, o) = x.subtractingReportingOverflow(Int(k))
                    if o { break loop }
                    ValueLayout.store(regs + Int(d), .int(r))
                case .not(let d, let a):
                    guard case .bool(let b) = regs[Int(a)] else { break loop }
                    ValueLayout.store(regs + Int(d), .bool(!b))
                case .compare(let d, let a, let b, let op):
                    guard op < 6, case .int(let x) = regs[Int(a)], case .int(let y) = regs[Int(b)] else { break loop }
                    ValueLayout.store(regs + Int(d), .bool(VM.compareInts(x, y, op)))
                case .compareJumpIfFalse(let a, let b, let op, let t):
                    guard op < 6, case .int(let x) = regs[Int(a)], case .int(let y) = regs[Int(b)] else {
                        // `is` / `is not`: identity (`t is None` of a recursive walk)
                        guard op >= Comparison.is.rawValue else { break loop }
                        ip = VM.identical(regs + Int(a), regs + Int(b)) != (op == Comparison.is.rawValue) ? chunk.code + Int(t) : ip + 1
                        continue
                    }
                    if !VM.compareInts(x, y, op) { ip = chunk.code + Int(t); continue }
                case .compareIJumpIfFalse(let a, let op, let k, let t):
                    guard case .int(let x) = regs[Int(a)] else { break loop }
                    if !VM.compareInts(x, Int(k), op) { ip = chunk.code + Int(t); continue }
                case .getItem(let d, let o, let i):
                    // an item of a list or tuple at an index in range (anything else: execute's)
                    guard case .int(let j) = regs[Int(i)], j >= 0, VM.itemAt(regs + Int(o), j, into: regs + Int(d)) else { break loop }
                case .buildTuple(let d, let first, let n):
                    ValueLayout.store(regs + Int(d), .tuple(takeArguments(regs, Int(first), Int(n))))
                case .jump(let t):
                    ip = chunk.code + Int(t)
                    continue
                case .loop(let t):
                    if trickInterruptRequested != 0 { break plain }
                    ip = chunk.code + Int(t)
                    continue
                case .jumpIfFalse(let a, let t):
                    if case .bool(let b) = regs[Int(a)] {
                        if !b { ip = chunk.code + Int(t); continue }
                    } else if case .int(let i) = regs[Int(a)] {
                        if i == 0 { ip = chunk.code + Int(t); continue }
                    } else if case .none = regs[Int(a)] {
                        ip = chunk.code + Int(t)
                        continue
                    } else {
                        break loop
                    }
                case .jumpIfTrue(let a, let t):
                    if case .bool(let b) = regs[Int(a)] {
                        if b { ip = chunk.code + Int(t); continue }
                    } else if case .int(let i) = regs[Int(a)] {
                        if i != 0 { ip = chunk.code + Int(t); continue }
                    } else if case .none = regs[Int(a)] {
                    } else {
                        break loop
                    }
                case .call(let a, let n):
                    // as `pushCall` + `activate` do for a plain chunk, when nothing can fail
                    // (a function of plain parameters whose chunk runs plain: `directCallee`'s
                    // conditions, a generator's chunk never running plain)
                    guard let f = ValueLayout.instance(regs + Int(a), ValueLayout.functionTag, as: Function.self),
                          let callee = f._withUnsafeGuaranteedRef({ $0.simpleArity == Int(n) ? $0.chunk : nil }) else { break loop }
                    unowned(unsafe) let next = callee.takeUnretainedValue()
                    let base = act.pointee.base &+ Int(a) &+ 1, end = base &+ next.registerCount
                    guard next.runsPlain else { break loop }
                    // (execute raises RecursionError or the interrupt)
                    guard depth < room, trickInterruptRequested == 0 else { break plain }
                    if end > initialized {
                        // registers never used yet (a recursion's first descent): made None here, as
                        // `ensureRegisters` does, within the stack's fixed capacity
                        guard end <= capacity else { break plain }
                        initializeRegisters(upTo: end)
                        initialized = end
                    }
                    act.pointee.resultRegister = act.pointee.base &+ Int(a)
                    if depth >= 0 {
                        // a frame above the one this loop entered: its caller's return point as an
                        // address, the fields all such frames share written when the loop leaves
                        act.pointee.pc = Int(bitPattern: ip + 1)
                        VM.pushPlain(act + 1, callee, f, base: base, savedTop: top)
                    } else {
                        // (16-byte instructions, `ValueLayoutTests`)
                        act.pointee.pc = (Int(bitPattern: ip) &- Int(bitPattern: chunk.code)) &>> 4 &+ 1
                        (act + 1).initialize(to: Activation(chunkRef: callee, functionRef: f, base: base, cellFrame: nil, ownsCells: false,
                                                            iterBase: iterBase, exceptionBase: exceptionBase, savedTop: top))
                    }
                    depth &+= 1
                    top = end
                    act += 1
                    chunk = next
                    regs = stack + base
                    ip = next.code
                    continue
                case .ret, .retNone:
                    // as `deactivate` + `popCall`: a frame that owns nothing, not `floor`'s (those
                    // pushed here own nothing and are above it)
                    let pushedHere = depth > 0
                    if !pushedHere {
                        guard frameTop0 &+ depth > floor &+ 1, !act.pointee.ownsCells, !act.pointee.ownsFunction,
                              iterBase == act.pointee.iterBase, exceptionBase == act.pointee.exceptionBase else { break plain }
                    }
                    // the result moved into the caller's register (its old value released), the
                    // window cleared, the caller resumed
                    let result = stack + (act - 1).pointee.resultRegister
                    if case .ret(let a) = ip.pointee {
                        ValueLayout.takeInPlace(regs + Int(a), to: result)
                    } else {
                        ValueLayout.store(result, .none)
                    }
                    // (most often numbers only: the window's case bytes gathered as bits, one test)
                    let end = stack + top
                    var p = regs, cases: UInt64 = 0
                    while p + 1 < end { cases |= 1 &<< UInt64(ValueLayout.tag(p)) | 1 &<< UInt64(ValueLayout.tag(p + 1)); p += 2 }
                    if p < end { cases |= 1 &<< UInt64(ValueLayout.tag(p)) }
                    if cases & ~ValueLayout.trivialTags != 0 {
                        p = regs
                        while p < end { ValueLayout.clear(p); p += 1 }
                    }
                    top = act.pointee.savedTop
                    depth &-= 1
                    act -= 1
                    chunk = act.pointee.chunk
                    regs = stack + act.pointee.base
                    ip = pushedHere ? UnsafeMutablePointer(bitPattern: act.pointee.pc).unsafelyUnwrapped : chunk.code + act.pointee.pc
                    if !chunk.runsPlain { break plain }
                    continue
                default:
                    break loop
                }
                ip += 1
            }
            // A fast case did not apply (another kind of operand, an overflow, a call of a function
            // that does not run plain, an undefined global): counted against the chunk, which stops
            // running plain after `plainMissLimit` of them, as a function whose operands or calls keep
            // leaving this loop would pay for entering it at every call (`twice = lambda f, x: f(f(x))`
            // of closures).
            chunk.plainMisses &+= 1
            if chunk.plainMisses >= VM.plainMissLimit { chunk.runsPlain = false }
        }
        if depth > 0 { VM.completePlainFrames(act, depth, iterBase: iterBase, exceptionBase: exceptionBase) }
        running = act
        frameTop = frameTop0 &+ depth
        callDepth = callDepth0 &+ depth
        self.top = top
        return ip
    }

    /// See the end of `runPlain`.
    static let plainMissLimit: UInt8 = 16

    /// `runPlain`'s push of a frame above the one it entered: only the fields that differ from
    /// one such frame to the next. The others (no cells, owning nothing, the loop's iterator and
    /// exception bases) and its caller's return point as an index are written when the loop
    /// leaves (`completePlainFrames`); until then the caller's `pc` holds the return point's
    /// address. (`Activation` is trivial: its fields are plain stores.)
    @inline(__always)
    static func pushPlain(_ p: UnsafeMutablePointer<Activation>, _ chunk: Unmanaged<Chunk>, _ function: Unmanaged<Function>, base: Int, savedTop: Int) {
        p.pointee.chunkRef = chunk
        p.pointee.functionRef = function
        p.pointee.base = base
        p.pointee.savedTop = savedTop
    }

    /// Completes the `depth` frames `runPlain` pushed with `pushPlain` below and at `top` (the
    /// running one) as `execute` reads activations: each caller's return point as an index, the
    /// shared fields written. (`pc` and `resultRegister` are only read while the activation has a
    /// callee, and written by the call: the running frame's `pc` may still hold the address of a
    /// return point from an earlier call.)
    static func completePlainFrames(_ top: UnsafeMutablePointer<Activation>, _ depth: Int, iterBase: Int, exceptionBase: Int) {
        var p = top - depth
        for _ in 0..<depth {
            p.pointee.pc = (p.pointee.pc &- Int(bitPattern: p.pointee.chunk.code)) &>> 4
            p += 1
            p.pointee.cellFrame = nil
            p.pointee.ownsCells = false
            p.pointee.ownsFunction = false
            p.pointee.iterBase = iterBase
            p.pointee.exceptionBase = exceptionBase
        }
    }
}
