/// Compiled code of one function or one top-level statement: instructions, their source
/// locations (read only when something fails, as in clox and Lua), constants, the prototypes
/// of the functions it defines, and its exception-handler table.
final class Chunk {
    let name: String
    let file: SourceFile
    /// The global namespace its names were resolved in (its module's): a function imported from
    /// another file reads and writes that file's globals wherever it is called from.
    let globals: Globals
    /// Instructions, in a buffer the VM walks with a raw pointer.
    let code: UnsafeMutablePointer<Instr>
    let count: Int
    /// `locs[pc]`: where the instruction at `pc` came from (the error's place and caret).
    let locs: [SourceLocation]
    let constants: [Value]
    /// `constants` in a buffer the VM copies from in place (`loadK`).
    let constantSlots: UnsafeMutablePointer<Value>
    let names: [String]
    /// `names` resolved as methods of the built-in containers and strings (nil: another name).
    let methods: [MethodName?]
    let specs: [ImportSpec]
    let keywordNames: [[String]]
    /// Pairs of global slots an instruction reads together (`isInstanceGlobal`), in a buffer: read
    /// through the unowned running chunk, an array was retained and released at each read.
    let globalPairs: UnsafeMutablePointer<(Int, Int)>
    let protos: [FunctionProto]
    let handlers: [Handler]
    /// Registers a call needs (locals, then temporaries).
    let registerCount: Int
    /// Locals the frame starts with unbound (all non-parameter locals).
    let unboundLocals: UnsafeMutablePointer<R>
    let unboundCount: Int
    /// Iterator slots (nested loops) the frame needs.
    let iteratorCount: Int
    /// Cells made fresh at each call (captured locals); parameters among them are copied in.
    let cellCount: Int
    let cellParams: [(cell: UInt16, register: R)]
    /// Cells captured from outside (the function's), before the frame's own.
    let freeCount: Int
    /// A call makes a cell array (it has own or captured cells).
    let needsCells: Bool
    /// Its body yields: a call returns a generator that runs it a piece at a time.
    let isGenerator: Bool
    /// A call sets up nothing but its window: no unbound locals, no cells, no loops.
    let isPlain: Bool
    /// `VM.runPlain` can run it (`VM.runsPlain`), until it has left that loop early
    /// `VM.plainMissLimit` times (`plainMisses`).
    var runsPlain: Bool
    var plainMisses: UInt8 = 0

    /// A range of instructions whose errors go to `target`. `catchesAll` (finally, with) also
    /// takes interrupts and non-runtime errors; an `except` clause takes only catchable ones.
    struct Handler {
        let start: Int
        let end: Int
        let target: Int
        let catchesAll: Bool
        /// Loops open at the handler (their iterator slots stay).
        let iteratorDepth: Int
        /// Exceptions being handled at the handler (`except` clauses around it).
        let exceptionDepth: Int
    }

    init(name: String, file: SourceFile, globals: Globals, code: [Instr], locs: [SourceLocation], constants: [Value], names: [String],
         specs: [ImportSpec], keywordNames: [[String]], globalPairs: [(Int, Int)] = [], protos: [FunctionProto], handlers: [Handler],
         registerCount: Int, unboundLocals: [R], iteratorCount: Int, cellCount: Int, freeCount: Int, cellParams: [(cell: UInt16, register: R)], isGenerator: Bool = false) {
        self.name = name
        self.file = file
        self.globals = globals
        self.count = code.count
        self.code = .allocate(capacity: Swift.max(code.count, 1))
        self.code.initialize(from: code, count: code.count)
        self.locs = locs
        self.constants = constants
        constantSlots = .allocate(capacity: Swift.max(constants.count, 1))
        constantSlots.initialize(from: constants, count: constants.count)
        self.names = names
        methods = names.map { MethodName.table[$0] }
        self.specs = specs
        self.keywordNames = keywordNames
        self.globalPairs = .allocate(capacity: Swift.max(globalPairs.count, 1))
        self.globalPairs.initialize(from: globalPairs, count: globalPairs.count)
        self.protos = protos
        self.handlers = handlers
        self.registerCount = registerCount
        self.unboundLocals = .allocate(capacity: Swift.max(unboundLocals.count, 1))
        self.unboundLocals.initialize(from: unboundLocals, count: unboundLocals.count)
        unboundCount = unboundLocals.count
        self.freeCount = freeCount
        needsCells = cellCount > 0 || freeCount > 0
        self.isGenerator = isGenerator
        self.iteratorCount = iteratorCount
        self.cellCount = cellCount
        self.cellParams = cellParams
        isPlain = unboundLocals.isEmpty && !needsCells && iteratorCount == 0
        runsPlain = VM.runsPlain(code, isPlain: isPlain, isGenerator: isGenerator)
    }

    deinit {
        code.deinitialize(count: count)
        code.deallocate()
        constantSlots.deinitialize(count: constants.count)
        constantSlots.deallocate()
        unboundLocals.deallocate()
        globalPairs.deallocate()
    }
}

/// A function as compiled (shared by every function value a `def` evaluation makes).
final class FunctionProto {
    let code: FunctionCode
    let chunk: Chunk
    /// Where each free variable comes from in the defining frame's cells.
    let freeFrom: [UInt16]
    /// Parameters with defaults, in order (positional then keyword-only); their values are in
    /// consecutive registers at `makeFunction`.
    let defaultCount: Int

    init(code: FunctionCode, chunk: Chunk, freeFrom: [UInt16], defaultCount: Int) {
        self.code = code
        self.chunk = chunk
        self.freeFrom = freeFrom
        self.defaultCount = defaultCount
    }
}

/// A captured variable, shared between the frame that owns it and the functions it made.
final class Cell {
    var value: Value
    init(_ value: Value) { self.value = value }
}

/// The cells a call reads: those its function captured, then its own.
final class CellFrame {
    var items: ContiguousArray<Cell>
    init(_ items: ContiguousArray<Cell>) { self.items = items }
}
