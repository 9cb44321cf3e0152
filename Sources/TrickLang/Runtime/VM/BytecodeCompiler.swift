import TrickCore
#if canImport(Glibc)
import Glibc
#endif

/// Where a name lives for the code being compiled.
enum Place {
    case register(R)
    case cell(UInt16)
    case global(Int32)
}

/// Lowers one function body (or one top-level statement) to a `Chunk`: names resolved to
/// registers, cells or global slots; temporaries allocated as a stack above the locals.
/// Compile-time errors (`break` outside a loop, a bad assignment target) are SyntaxErrors at
/// the statement, as the closure compiler gave them.
final class BytecodeCompiler {
    let interp: Interpreter
    let file: SourceFile
    let name: String
    let isFunction: Bool
    let parent: BytecodeCompiler?
    /// A class body: its names become the class namespace, and functions in it do not see them.
    var isClassBody = false
    /// The first parameter (`self` in a method), for zero-argument super().
    var firstParameter: String?
    /// A generator function (its body yields): a call makes a generator object.
    var isGenerator = false

    // output
    var code: [Instr] = []
    var locs: [SourceLocation] = []
    var constants: [Value] = []
    var constantIndex: [[UInt8]: K] = [:]
    var names: [String] = []
    var nameIndex: [String: K] = [:]
    var specs: [ImportSpec] = []
    var keywordNames: [[String]] = []
    var globalPairs: [(Int, Int)] = []
    var protos: [FunctionProto] = []
    var handlers: [Chunk.Handler] = []

    // registers: locals first, temporaries above
    var localCount = 0
    var nextReg = 0
    var maxReg = 0

    // names
    var localRegisters: [String: R] = [:]
    var cells: [String: UInt16] = [:]
    var cellTotal = 0
    var freeCount = 0
    var freeFrom: [UInt16] = []
    var declaredGlobal = Set<String>()
    /// Comprehension variables in scope, innermost last.
    var overlays: [[String: Place]] = []
    /// Locals certainly assigned at this point of the code (their reads need no check).
    var bound = Set<String>()
    var unboundLocals: [R] = []
    var cellParams: [(cell: UInt16, register: R)] = []

    // control flow
    struct Loop {
        var breaks: [Int] = []
        var continueTarget: Int
        var cleanupDepth: Int
    }
    var loops: [Loop] = []
    enum Cleanup {
        case finally([Stmt])
        case with(R)
        case handling
    }
    var cleanups: [Cleanup] = []
    var iteratorDepth = 0
    var maxIterators = 0
    var exceptionDepth = 0

    init(interp: Interpreter, file: SourceFile, name: String, isFunction: Bool, parent: BytecodeCompiler?) {
        self.interp = interp
        self.file = file
        self.name = name
        self.isFunction = isFunction
        self.parent = parent
    }

    func syntaxError(_ msg: String, _ loc: SourceLocation) -> TrickError {
        TrickError(.syntax, msg, file: file, at: loc)
    }

    // MARK: Entry points

    /// A top-level statement: names are globals. An expression statement returns its value.
    static func compileStatement(_ s: Stmt, interp: Interpreter, file: SourceFile) throws -> Chunk {
        let c = BytecodeCompiler(interp: interp, file: file, name: "<module>", isFunction: false, parent: nil)
        if case .expr(let e, _) = s.kind {
            let r = c.temp()
            try c.expr(e, r)
            c.emit(.ret(r), s.loc)
        } else {
            try c.statement(s)
            c.emit(.retNone, s.loc)
        }
        return c.finish()
    }

    func finish() -> Chunk {
        if getenv("TRICK_VM_DUMP") != nil {
            print("== \(name): \(maxReg) registers, \(localCount) locals")
            for (i, ins) in code.enumerated() { print("  \(i)\t\(ins)") }
        }
        return Chunk(name: name, file: file, globals: interp.globals, code: code, locs: locs, constants: constants, names: names, specs: specs,
              keywordNames: keywordNames, globalPairs: globalPairs, protos: protos, handlers: handlers, registerCount: Swift.max(maxReg, 1),
              unboundLocals: unboundLocals, iteratorCount: maxIterators, cellCount: cellTotal - freeCount,
              freeCount: freeCount, cellParams: cellParams, isGenerator: isGenerator)
    }

    // MARK: Emitting

    @discardableResult
    func emit(_ i: Instr, _ loc: SourceLocation) -> Int {
        code.append(i)
        locs.append(loc)
        return code.count - 1
    }

    var here: Int { code.count }

    /// Points the jump at `at` to `target`.
    func patch(_ at: Int, _ target: Int) {
        let t = T(target)
        switch code[at] {
        case .jump: code[at] = .jump(t)
        case .loop: code[at] = .loop(t)
        case .jumpIfFalse(let r, _): code[at] = .jumpIfFalse(r, t)
        case .jumpIfTrue(let r, _): code[at] = .jumpIfTrue(r, t)
        case .compareJumpIfFalse(let a, let b, let op, _): code[at] = .compareJumpIfFalse(a, b, op, t)
        case .compareIJumpIfFalse(let a, let op, let k, _): code[at] = .compareIJumpIfFalse(a, op, k, t)
        case .forNext(let s, let r, _): code[at] = .forNext(s, r, t)
        case .forNextUnpack(let s, let r, let n, _): code[at] = .forNextUnpack(s, r, n, t)
        case .withExitExc(let r, _): code[at] = .withExitExc(r, t)
        case .adoptInPlace(let a, let b, _): code[at] = .adoptInPlace(a, b, t)
        case .ifWriteBack(let a, let b, _): code[at] = .ifWriteBack(a, b, t)
        default: fatalError("patching a non-jump")
        }
    }

    func temp() -> R {
        let r = nextReg
        nextReg += 1
        if nextReg > maxReg { maxReg = nextReg }
        return R(r)
    }

    /// `n` consecutive temporaries; returns the first.
    func temps(_ n: Int) -> R {
        let r = nextReg
        nextReg += n
        if nextReg > maxReg { maxReg = nextReg }
        return R(r)
    }

    func isTemporary(_ r: R) -> Bool { Int(r) >= localCount }

    func constant(_ v: Value) -> K {
        // (strs keyed by their UTF-8 bytes: a Swift String key would merge canonically
        // equivalent strings, "\u{E9}" and "e\u{301}", which Python keeps apart)
        let key: [UInt8]?
        switch v {
        case .str(let s): key = [0] + Array(s.utf8)
        case .float(let d): key = [1] + withUnsafeBytes(of: d.bitPattern) { Array($0) }
        case .int(let i): key = [2] + withUnsafeBytes(of: i) { Array($0) }
        default: key = nil
        }
        if let key, let k = constantIndex[key] { return k }
        constants.append(v)
        let k = K(constants.count - 1)
        if let key { constantIndex[key] = k }
        return k
    }

    func nameConstant(_ n: String) -> K {
        if let k = nameIndex[n] { return k }
        names.append(n)
        let k = K(names.count - 1)
        nameIndex[n] = k
        return k
    }

    // MARK: Names

    func place(_ n: String) -> Place {
        for o in overlays.reversed() { if let p = o[n] { return p } }
        if declaredGlobal.contains(n) { return .global(Int32(interp.globalSlot(n))) }
        if let r = localRegisters[n] { return .register(r) }
        if let c = cells[n] { return .cell(c) }
        return .global(Int32(interp.globalSlot(n)))
    }

    /// The cell index of `n` in this frame, when `n` is a cell here (for a nested function
    /// that captures it); nil when it is global from here.
    func cellFor(_ n: String) -> UInt16? {
        // a class body's own names are not visible to the functions in it (only its
        // __class__ cell and what it passes through from outside)
        if isClassBody, let c = cells[n], n != "__class__", Int(c) >= freeCount { return nil }
        for o in overlays.reversed() {
            if let p = o[n] { if case .cell(let c) = p { return c }; return nil }
        }
        if declaredGlobal.contains(n) { return nil }
        return cells[n]
    }

    /// The value of a name in register form: a local's own register, or a temporary loaded.
    func operand(_ e: Expr) throws -> R {
        if case .name(let n) = e.kind, case .register(let r) = place(n) {
            if !isTemporary(r) && !bound.contains(n) { emit(.checkBound(r, nameConstant(n)), e.loc) }
            return r
        }
        let r = temp()
        try expr(e, r)
        return r
    }

    // MARK: Functions

    /// Compiles a nested function or lambda; returns its prototype index.
    func function(name: String, params: Params, body: [Stmt], loc: SourceLocation, classBody: Bool = false) throws -> (Int, Int) {
        let c = BytecodeCompiler(interp: interp, file: file, name: name, isFunction: true, parent: self)
        c.isClassBody = classBody
        c.firstParameter = params.positional.first?.name
        c.isGenerator = !classBody && ScopeAnalysis.containsYield(body)
        let decl = ScopeAnalysis.declarations(body)
        c.declaredGlobal = decl.globals
        var assigned = ScopeAnalysis.assignedNames(body).filter { !decl.globals.contains($0) && !decl.nonlocals.contains($0) }
        var captured = ScopeAnalysis.capturedByNested(body)
        if classBody {
            // only __class__ (for super()) is a cell in a class body
            captured = captured.contains("__class__") ? ["__class__"] : []
            if !captured.isEmpty { assigned.append("__class__") }
        }
        // Free variables: names the body needs that an enclosing function binds.
        var locals = Set(params.allNames)
        assigned.forEach { locals.insert($0) }
        let free = ScopeAnalysis.freeNames(params, body).sorted()
        for n in free where !locals.contains(n) {
            guard let outer = cellFor(n) else { continue }
            c.cells[n] = UInt16(c.cellTotal)
            c.cellTotal += 1
            c.freeFrom.append(outer)
        }
        c.freeCount = c.cellTotal
        // Parameters take the first registers (the binding layout of FunctionCode).
        var reg = 0
        for n in params.allNames {
            if captured.contains(n) {
                // a captured parameter lives in its cell, copied there at entry
                let cell = UInt16(c.cellTotal)
                c.cellTotal += 1
                c.cellParams.append((cell, R(reg)))
                c.cells[n] = cell
            } else {
                c.localRegisters[n] = R(reg)
                c.bound.insert(n)
            }
            reg += 1
        }
        for n in assigned where c.localRegisters[n] == nil && c.cells[n] == nil {
            if captured.contains(n) {
                c.cells[n] = UInt16(c.cellTotal)
                c.cellTotal += 1
            } else {
                c.localRegisters[n] = R(reg)
                c.unboundLocals.append(R(reg))
                reg += 1
            }
        }
        c.localCount = reg
        c.nextReg = reg
        c.maxReg = reg
        try c.block(body)
        if classBody {
            try c.returnNamespace(assigned.filter { $0 != "__class__" }, loc)
        } else {
            c.emit(.retNone, body.last?.loc ?? loc)
        }
        var docstring: String?
        if case .expr(let e, _)? = body.first?.kind, case .string(let s) = e.kind { docstring = s }
        let chunk = c.finish()
        let fcode = FunctionCode(name: name, params: params, nslots: chunk.registerCount, file: file, loc: loc, docstring: docstring)
        fcode.chunk = chunk
        let defaults = (params.positional + params.keywordOnly).filter { $0.defaultValue != nil }.count
        protos.append(FunctionProto(code: fcode, chunk: chunk, freeFrom: c.freeFrom, defaultCount: defaults))
        return (protos.count - 1, defaults)
    }

    /// The end of a class body: its names (those assigned) into a dict, with the
    /// `__class__` cell as `__classcell__` for buildClass to fill.
    func returnNamespace(_ names: [String], _ loc: SourceLocation) throws {
        let ns = temp()
        emit(.buildDict(ns, ns, 0), loc)
        for n in names {
            switch place(n) {
            case .register(let r): emit(.namespaceSet(ns, nameConstant(n), r), loc)
            case .cell(let c):
                let t = temp()
                emit(.loadCellOrUnbound(t, c), loc)
                emit(.namespaceSet(ns, nameConstant(n), t), loc)
            case .global: break
            }
        }
        if let c = cells["__class__"] {
            let t = temp()
            emit(.cellObject(t, c), loc)
            emit(.namespaceSet(ns, nameConstant("__classcell__"), t), loc)
        }
        emit(.ret(ns), loc)
    }

    /// `def`/`lambda` evaluated into `dst`: defaults are computed here, in the defining scope.
    func makeFunction(name: String, params: Params, body: [Stmt], loc: SourceLocation, into dst: R) throws {
        let save = nextReg
        let defaults = (params.positional + params.keywordOnly).compactMap(\.defaultValue)
        let first = temps(defaults.count)
        for (i, d) in defaults.enumerated() { try expr(d, first + R(i)) }
        let (proto, _) = try function(name: name, params: params, body: body, loc: loc)
        emit(.makeFunction(dst, Int32(proto), first), loc)
        nextReg = save
    }
}
