import TrickCore
#if canImport(Glibc)
import Glibc
#endif

/// Global variables, by slot (resolved at compile time). The slots live in a raw buffer:
/// reading one is a load and a retain of the value, with no array bookkeeping on the way.
public final class Globals {
    var values: UnsafeMutablePointer<Value?>
    var count = 0
    var capacity = 256
    var names: [String] = []
    var slotOf: [String: Int] = [:]
    /// The module these are the globals of (`__main__` for the script, the notebook, the REPL).
    var moduleName = "__main__"
    /// The package relative imports start from (nil for the main script: it is in none).
    var package: String?

    init() {
        values = .allocate(capacity: capacity)
    }

    deinit {
        values.deinitialize(count: count)
        values.deallocate()
    }

    func append(_ v: Value?) {
        if count == capacity {
            let bigger = UnsafeMutablePointer<Value?>.allocate(capacity: capacity * 2)
            bigger.moveInitialize(from: values, count: count)
            values.deallocate()
            values = bigger
            capacity *= 2
        }
        (values + count).initialize(to: v)
        count += 1
    }
}

/// The library's hooks reach the interpreter that registered them through this link, which the
/// interpreter clears as it goes (a library may outlive it). Not a weak reference: that gives
/// the interpreter a side table, and every retain of it — each built-in call — would take
/// Swift's slow reference-counting path.
final class InterpreterLink {
    unowned(unsafe) var interpreter: Interpreter?
}

/// Runs trick programs: compiles statements to closures and executes them in one global
/// namespace that persists across runs (a notebook or REPL session).
public final class Interpreter {
    public let library: Library
    public let globals = Globals()
    /// Where `print` and displayed values go.
    public var output: (String) -> Void = { print($0, terminator: "") }
    /// Where `display(x)` goes when a front end shows rich output (the Jupyter kernel); nil prints the repr.
    public var display: ((Value) -> Void)?
    public var maxCallDepth: Int {
        get { vm.maxCallDepth }
        set { vm.maxCallDepth = newValue }
    }
    /// Runs the compiled code.
    private(set) var vm: VM!
    /// How the library's hooks reach this interpreter (see `InterpreterLink`).
    private let link = InterpreterLink()
    var callDepth: Int {
        get { vm.callDepth }
        set { vm.callDepth = newValue }
    }
    var currentException: TrickError?
    var includeDepth = 0
    /// The files whose statements are running, outermost first (the script, then each
    /// `include`): `include` resolves a relative path against the last one's folder.
    public var includingFiles: [String] = []
    /// Most bytes one top-level statement may print: a runaway `while True: print(...)` ends
    /// in an error instead of filling the disk (or, for a notebook kept in memory, the memory).
    public var maxOutputBytes = 1 << 30
    var outputBytes = 0
    /// Directory that relative paths (Config.fromfile, load) resolve against.
    public var baseDirectory: String = "."

    public init(library: Library) {
        self.library = library
        vm = VM(interp: self)
        // The first interpreter on a library registers the language built-ins; later ones (a
        // config file's own namespace) share them.
        if library.globals["print"] == nil {
            CoreBuiltins.register(into: library, interpreter: self)
            ConfigFiles.register(into: library, interpreter: self)
            DisplayBuiltins.register(into: library, interpreter: self)
            library.callValue = { [unowned self] f, args in try self.call(f, args) }
            link.interpreter = self
            library.currentFile = { [link] in link.interpreter?.includingFiles.last }   // a library may outlive it
            library.importModule = { [link] name in try link.interpreter?.userModule(name) }
            library.loadType = { [link] name in
                if let module = BundledModules.registeredTypes[name] { _ = try link.interpreter?.userModule(module) }
            }
        }
        for name in library.names {
            let slot = globalSlot(name)     // (may grow the buffer: compute before indexing)
            globals.values[slot] = library.globals[name]
        }
    }

    deinit { link.interpreter = nil }

    /// Ends the program: lets go of its globals and closes its library (`Library.close`) — the
    /// built-ins and the program's functions refer back to both — so that a host running many
    /// programs in one process (the fuzzer) gets their memory back. Run nothing on it afterwards.
    public func close() {
        var values: [Value] = []
        for i in 0..<globals.count {
            if let v = globals.values[i] { values.append(v) }
            globals.values[i] = nil
        }
        Library.breakCycles(from: values)
        library.close()
    }

    func globalSlot(_ name: String) -> Int {
        if let s = globals.slotOf[name] { return s }
        let s = globals.count
        globals.append(library.globals[name])
        globals.names.append(name)
        globals.slotOf[name] = s
        return s
    }

    /// The value of a global, or nil if it is undefined.
    public func global(_ name: String) -> Value? {
        guard let s = globals.slotOf[name] else { return library.globals[name] }
        return globals.values[s]
    }

    public func setGlobal(_ name: String, _ value: Value) {
        let slot = globalSlot(name)
        globals.values[slot] = value
    }

    /// Names defined by the user (not built-ins), in definition order.
    public var userGlobals: [(String, Value)] { userGlobals(in: globals) }

    /// The global table of the code calling the running built-in (a module's, when its code calls).
    var callerGlobals: Globals { VM.callerGlobals ?? globals }

    func userGlobals(in globals: Globals) -> [(String, Value)] {
        globals.names.compactMap { n in
            guard let v = globals.values[globals.slotOf[n]!] else { return nil }
            if let b = library.globals[n], Ops.identical(b, v) || isSameBuiltin(b, v) { return nil }
            return (n, v)
        }
    }

    func isSameBuiltin(_ a: Value, _ b: Value) -> Bool {
        if case .builtin(let x) = a, case .builtin(let y) = b { return x === y }
        if case .object(let x) = a, case .object(let y) = b { return x === y }
        return false
    }

    public var allNames: [String] {
        Array(Set(globals.names.filter { globals.values[globals.slotOf[$0]!] != nil } + library.names)).sorted()
    }

    // MARK: Compiling and running

    /// One compiled top-level statement.
    public struct CompiledStatement {
        public let firstLine: Int
        public let lastLine: Int
        /// True for an expression statement whose value a notebook displays.
        public let displays: Bool
        let run: () throws -> Value?
        /// Runs it; returns the value to display, if any.
        public func execute() throws -> Value? { try run() }
    }

    public func compile(_ program: Program) throws -> [CompiledStatement] {
        try program.statements.map { try compile($0, file: program.file) }
    }

    func compile(_ s: Stmt, file: SourceFile) throws -> CompiledStatement {
        let chunk = try BytecodeCompiler.compileStatement(s, interp: self, file: file)
        var displays = false
        if case .expr(_, let suppressed) = s.kind { displays = !suppressed }
        return CompiledStatement(firstLine: s.loc.line, lastLine: s.endLine, displays: displays) { [unowned self] in
            trickInterruptRequested = 0
            self.outputBytes = 0
            let v = try self.guarded { try self.vm.run(chunk) }
            if !displays { return nil }
            if case .none = v { return nil }
            self.setGlobal("_", v)
            return v
        }
    }

    /// Runs source text as a script; displayed values are not shown (as `python file.py`).
    public func run(source: String, name: String) throws {
        let file = SourceFile(name: name, text: source)
        let program = try Parser.parse(file)
        for st in try compile(program) { _ = try st.execute() }
    }

    /// Evaluates source text and returns the value of its last expression statement (REPL, `-c`).
    @discardableResult
    public func evaluate(source: String, name: String) throws -> Value? {
        let file = SourceFile(name: name, text: source)
        let program = try Parser.parse(file)
        var last: Value?
        for st in try compile(program) { last = try st.execute() }
        return last
    }

    func guarded(_ body: () throws -> Value) throws -> Value {
        callDepth = 0
        do { return try body() } catch let e as TrickError { throw e } catch {
            throw TrickError(.runtime, "\(error)")
        }
    }

    // MARK: Errors

    /// `through`: the built-in being called; an error that already has a place elsewhere (in a
    /// config file, in a script function it called back) gets the call in its traceback.
    func locate(_ error: Error, _ file: SourceFile, _ loc: SourceLocation, through callee: String? = nil) -> TrickError {
        switch error {
        case var e as TrickError:
            // Errors raised without a place (an interrupt, the output limit) get the call's.
            if e.location == nil && loc.line > 0 { e.file = file; e.location = loc } else if let callee, loc.line > 0, e.traceback.count < 50 {
                e.traceback.append(TraceEntry(function: callee, file: file, location: loc))
            }
            return e
        case let e as RuntimeError:
            var t = TrickError(.runtime, e.message, file: file, at: loc)
            t.kind = e.kind
            t.raised = e.raised
            return t
        case let e as CoreError:
            var t = TrickError(.runtime, e.message, file: file, at: loc)
            t.kind = e.kind
            return t
        case is Interrupt.Requested:
            // a kernel saw Ctrl-C: the KeyboardInterrupt the interpreter raises itself
            trickInterruptRequested = 0
            var t = TrickError(.runtime, "KeyboardInterrupt", file: file, at: loc)
            t.isInterrupt = true
            t.kind = "KeyboardInterrupt"
            return t
        default:
            return TrickError(.runtime, "\(error)", file: file, at: loc)
        }
    }

    func nameError(_ name: String, _ file: SourceFile, _ loc: SourceLocation) -> TrickError {
        // (never the name itself: a built-in deleted twice is still in the list of names)
        let hint = closestName(to: name, in: allNames).flatMap { $0 == name ? nil : " (did you mean '\($0)'?)" } ?? ""
        var e = TrickError(.runtime, "name '\(name)' is not defined\(hint)", file: file, at: SourceLocation(line: loc.line, column: loc.column, length: name.count))
        e.kind = "NameError"
        return e
    }

    /// Writes program output (`print`, `help`), counted against `maxOutputBytes`. Going over is
    /// an error `except` cannot catch (as an interrupt), so a loop cannot swallow it.
    public func emit(_ s: String) throws {
        outputBytes += s.utf8.count
        if outputBytes > maxOutputBytes {
            outputBytes = 0
            let limit = maxOutputBytes >= 1 << 20 ? "\(maxOutputBytes >> 20) MiB" : "\(maxOutputBytes) bytes"
            var e = TrickError(.runtime, "output limit exceeded: one statement printed more than \(limit) (a runaway loop?)")
            e.isInterrupt = true
            e.kind = "OutputLimitError"
            throw e
        }
        output(s)
    }

    /// Throws a KeyboardInterrupt (at `loc`, when given) once Ctrl-C has been pressed.
    @inline(__always) func checkInterrupt(_ file: SourceFile? = nil, _ loc: SourceLocation? = nil) throws {
        if trickInterruptRequested != 0 {
            trickInterruptRequested = 0
            var e = TrickError(.runtime, "KeyboardInterrupt", file: file, at: loc)
            e.isInterrupt = true
            e.kind = "KeyboardInterrupt"
            throw e
        }
    }

    func exceptionMatches(_ e: TrickError, _ type: Value) -> Bool {
        switch type {
        case .builtin(let b):
            return b.name == "Exception" || ExceptionKinds.isSubclass(e.kind, of: b.name)
        case .tuple(let ts): return ts.contains { exceptionMatches(e, $0) }
        case .object(let c) where c.payload is ClassInfo:
            return ExceptionKinds.isSubclass(e.kind, of: (c.payload as! ClassInfo).name)
        case .str(let s): return s == e.kind
        default: return false
        }
    }

    func exceptionObject(_ e: TrickError) -> BuiltObject {
        // str(e) is the message alone, as Python's (a raise statement's error reads "Kind: message")
        var text = e.message
        if text == e.kind { text = "" } else if text.hasPrefix(e.kind + ": ") { text = String(text.dropFirst(e.kind.count + 2)) }
        let o = BuiltObject(typeName: e.kind, attributes: [("message", .str(text)), ("kind", .str(e.kind)), ("args", .tuple(text.isEmpty ? [] : [.str(text)]))])
        o.repr = { text.isEmpty ? "\(e.kind)()" : "\(e.kind)(\(Printer.quote(text)))" }
        o.str = { text }
        return o
    }

    // MARK: Calls

    /// Calls any callable value with arguments.
    public func call(_ callee: Value, _ args: Arguments, file: SourceFile? = nil, loc: SourceLocation? = nil, name: String = "function") throws -> Value {
        let file = file ?? SourceFile.builtin
        let loc = loc ?? SourceLocation(line: 0, column: 0)
        try checkInterrupt(loc.line > 0 ? file : nil, loc.line > 0 ? loc : nil)
        switch callee {
        case .function(let f):
            guard let fc = f.chunk else { throw locate(RuntimeError("'\(f.code.name)' has no compiled body"), file, loc) }
            return try vm.call(f, fc.takeUnretainedValue(), args, file: file, loc: loc)
        case .builtin(let b):
            do { return try b.call(args) } catch { throw locate(error, file, loc, through: b.name) }
        case .object(let o):
            if let c = o.callable {
                do { return try c.call(args) } catch { throw locate(error, file, loc, through: o.typeName) }
            }
            throw locate(RuntimeError("'\(o.typeName)' object is not callable", kind: "TypeError"), file, loc)
        default:
            throw locate(RuntimeError("'\(callee.typeName)' object is not callable", kind: "TypeError"), file, loc)
        }
    }

    // MARK: Iteration

    /// `len(range(a, b, s))` without overflow (the span b - a may not fit in an Int); an
    /// OverflowError when the length itself does not, as Python's.
    public static func rangeLength(_ a: Int, _ b: Int, _ s: Int) throws -> Int {
        let span: UInt
        if s > 0 { guard b > a else { return 0 }; span = UInt(bitPattern: b &- a) } else {
            guard a > b else { return 0 }; span = UInt(bitPattern: a &- b)
        }
        let n = (span - 1) / s.magnitude + 1
        guard n <= UInt(Int.max) else {
            throw RuntimeError("range(\(a), \(b), \(s)) has more than \(Int.max) items", kind: "OverflowError")
        }
        return Int(n)
    }

    /// The items of an iterable value.
    public func iterate(_ v: Value) throws -> [Value] {
        switch v {
        case .list(let l): return l.items
        case .tuple(let t): return t
        case .dict(let d): return d.keys
        case .set(let s): return s.items
        case .str(let s): return s.unicodeScalars.map { .str(String($0)) }
        case .range(let a, let b, let s):
            let n = try Interpreter.rangeLength(a, b, s)
            guard n <= 100_000_000 else { throw RuntimeError("range too large to materialise (\(n) items)", kind: "MemoryError") }
            var out: [Value] = []
            out.reserveCapacity(n)
            // a + k·s lies between a and b for k < n, so the wrapping operations are exact.
            for k in 0..<n { out.append(.int(a &+ k &* s)) }
            return out
        case .tensor(let ref):
            let t = ref.tensor
            guard t.rank > 0 else { throw RuntimeError("iteration over a 0-d tensor", kind: "TypeError") }
            return try (0..<t.shape[0]).map { .tensor(try t.subscripted([.int($0)])) }
        case .object(let o):
            if let it = o.special("__iter__") { return try iterate(try it.call(Arguments())) }
            throw RuntimeError("'\(o.typeName)' object is not iterable", kind: "TypeError")
        default:
            throw RuntimeError("'\(v.typeName)' object is not iterable", kind: "TypeError")
        }
    }
}

extension TrickError {
    public var kind: String {
        get { extraKind ?? "error" }
        set { extraKind = newValue }
    }
}
