/// The instruction set of trick's register VM (in the style of Lua 5.4's): each function (and
/// each top-level statement) is a `Chunk` whose instructions read and write registers — slots
/// of one value stack, a window per call — named by number. Locals live in the first registers
/// (parameters first), temporaries above them. `R` is a register, `K` an index into the
/// chunk's constants (names for attributes, globals' display names, keyword-name tuples),
/// `T` an absolute instruction index. Every payload is trivial, so an instruction is copied
/// without reference counting; each is 16 bytes (payloads ordered so none needs more than 12:
/// an Int32 after a UInt8 would be padded to 20, `ValueLayoutTests` checks).
typealias R = UInt16
typealias K = Int32
typealias T = Int32

enum Instr {
    // MARK: moving values
    /// R[a] = K[k]
    case loadK(R, K)
    /// R[a] = an int immediate
    case loadInt(R, Int32)
    case loadNone(R)
    case loadBool(R, Bool)
    /// R[a] = R[b]
    case move(R, R)
    /// R[a] = R[b], and R[b] = None: a temporary's value handed on (no reference-count traffic)
    case take(R, R)
    /// UnboundLocalError (name K[k]) if R[a] holds the unbound marker (a local read before it
    /// is assigned, or after `del`).
    case checkBound(R, K)
    /// R[a] = the unbound marker (`del x` of a local)
    case unbind(R)
    /// R[a] = globals[g]; NameError naming K[k] when the global is undefined.
    case loadGlobal(R, Int32, K)
    case storeGlobal(Int32, R)
    /// `del name` of a global: NameError (K[k]) when undefined.
    case deleteGlobal(Int32, K)
    /// R[a] = cells[c] (NameError naming K[k] when the cell is empty); cells[c] = R[a].
    case loadCell(R, UInt16, K)
    case storeCell(UInt16, R)
    case deleteCell(UInt16, K)
    /// cells[c] = a fresh empty cell (a comprehension variable a lambda captures)
    case newCell(UInt16)

    // MARK: operators (one table: Ops; the int and float cases inline)
    case add(R, R, R)
    case sub(R, R, R)
    case mul(R, R, R)
    /// R[a] = R[b] + imm / R[b] - imm, for an int literal operand
    case addI(R, R, Int32)
    case subI(R, R, Int32)
    /// R[a] = R[b] op R[c] for any other binary operator (op indexes `Instr.binaryOps`).
    case binary(R, R, R, UInt8)
    /// `a op= b`: lists and sets change in place, as in Python.
    case inplace(R, R, R, UInt8)
    /// R[a] = op R[b] (op indexes `Instr.unaryOps`); `not` separately.
    case unary(R, R, UInt8)
    case not(R, R)
    /// R[a] = R[b] cmp R[c] (cmp indexes `Instr.compareOps`); `lt` is the common case inline.
    case compare(R, R, R, UInt8)
    /// if not (R[a] cmp R[b]): goto T — a comparison feeding a branch, with no bool in between.
    case compareJumpIfFalse(R, R, UInt8, T)
    /// if not (R[a] cmp imm): goto T
    case compareIJumpIfFalse(R, UInt8, Int32, T)

    // MARK: branches
    case jump(T)
    /// A backward jump closing a loop: also where Ctrl-C is noticed.
    case loop(T)
    case jumpIfFalse(R, T)
    case jumpIfTrue(R, T)

    // MARK: containers
    /// R[a] = [R[b], …, R[b+n-1]] (the registers are moved out)
    case buildList(R, R, UInt16)
    case buildTuple(R, R, UInt16)
    case buildSet(R, R, UInt16)
    /// R[a] = {R[b]: R[b+1], …} for n pairs
    case buildDict(R, R, UInt16)
    /// R[a] = slice(R[b], R[b+1], R[b+2]) (each None or an int)
    case buildSlice(R, R)
    /// R[a].append(R[b]) for list displays with `*x` and comprehensions; `extend` for `*x`.
    case listAppend(R, R)
    case listExtend(R, R)
    case setAdd(R, R)
    /// R[a][R[b]] = R[c] for a dict display or comprehension; `**m` merges R[b] into R[a].
    case dictSet(R, R, R)
    case dictMerge(R, R)
    /// `f(**m)`: merges R[b] into the keyword dict R[a] (string keys, no repeats).
    case kwMerge(R, R)
    case listToTuple(R)
    /// A tensor literal `[1 2; 3 4]` from a list (of lists) of numbers.
    case matrix(R, R, Bool)
    /// An f-string's replacement field: R[a] = format(R[a], conversion c (0 none, 1 `!r`,
    /// 2 `!s`/`!a`), spec K[k] or none when k < 0), as a str; a plain int, float, bool, None
    /// or str is left as it is for `buildString`.
    case formatValue(R, UInt8, K)
    /// R[a] = the concatenation of R[b]…R[b+n-1] (strs, or values `str()` shows), for f-strings.
    case buildString(R, R, UInt16)

    // MARK: attributes and items
    case getAttr(R, R, K)
    /// R[a].K[k] = R[b]
    case setAttr(R, K, R)
    case getItem(R, R, R)
    /// R[a][R[b]] = R[c]. A tensor is a value: its updated copy goes back into R[a] and
    /// execution falls through to the store-back code; any other container jumps to T.
    case setItem(R, R, R)
    case deleteItem(R, R)
    /// del R[o].K[k]
    case deleteAttr(R, K)

    // MARK: calls
    /// R[a] = R[a](R[a+1], …, R[a+n])
    case call(R, UInt16)
    /// as `call`, the last names K[k].count arguments passed by keyword
    case callKw(R, UInt16, K)
    /// R[a] = R[a](*R[a+1], **R[a+2]) (a list of positionals, a dict of keywords)
    case callEx(R)
    /// R[a] = R[a].K[k](R[a+1], …, R[a+n])
    case callMethod(R, K, UInt16)
    case callMethodKw(R, UInt16, K, K)
    case callMethodEx(R, K)
    case ret(R)
    case retNone
    /// `isinstance(x, T)` with `isinstance` and `T` global names and x a local (R[b]): when the
    /// globals are the built-in `isinstance` and a built-in type the VM decides (`isInstance`),
    /// R[a] = the answer and the next `skip` instructions (the general call) are skipped; else
    /// the general call runs (as CPython 3.13's CALL_ISINSTANCE). p indexes the chunk's
    /// `globalPairs` (the two globals' slots).
    case isInstanceGlobal(R, R, UInt16, Int32)
    /// A generator pauses, handing out R[b]; when resumed, R[a] = the value sent (None).
    case yield(R, R)

    // MARK: functions
    /// R[a] = a function made from prototype p, defaults from R[b]… (count from the prototype)
    case makeFunction(R, Int32, R)

    // MARK: iteration
    /// Iterator slot i = iter(R[a]) (a range counts lazily; anything else is materialised).
    case forPrep(UInt16, R)
    /// R[a] = next(slot i), or goto T when exhausted.
    case forNext(UInt16, R, T)
    /// Iterator slot i = iter(R[a].keys() / .values() / .items()), for `for v in d.values()`,
    /// `for k, v in d.items()`: a plain dict's entries are read in place (no list of them, no
    /// tuple per item); anything else has the method called.
    case forPrepView(UInt16, R, DictView)
    /// next(slot i) unpacked into R[a]…R[a+n-1] (exactly n items), or goto T when exhausted:
    /// `for a, b in …` with plain local targets.
    case forNextUnpack(UInt16, R, UInt16, T)
    /// Unpack R[b] into R[a]…R[a+n-1] (exactly n items).
    case unpack(R, R, UInt16)
    /// Unpack with a starred target: `before` items, a list, `after` items into R[a]….
    case unpackStar(R, R, UInt16, UInt16)

    // MARK: exceptions, assert, with, import
    case raise(R)
    /// bare `raise`: the exception being handled
    case reraise
    /// R[a] = the exception being handled matches the type(s) in R[b]
    case excMatch(R, R)
    /// R[a] = the exception object being handled (`except E as e`)
    case excObject(R)
    /// Leaves an `except` clause: the handled exception is no longer current.
    case popExc
    /// AssertionError with message str(R[a]) (a == UInt16.max: no message)
    case assertFail(R)
    /// R[b] = R[a].__exit__, R[c] = R[a].__enter__()
    case withEnter(R, R, R)
    /// R[a](None, None, None)
    case withExit(R)
    /// Calls R[a](type, exc, None) with the exception being handled; a true result (not for
    /// an interrupt) suppresses it and continues at T, else it is raised again.
    case withExitExc(R, T)
    /// R[a] = class K[k] from the namespace dict R[b] and the n bases in R[c]…
    case buildClass(R, R, R, UInt16, K)
    /// R[a][K[k]] = R[b], unless R[b] is unbound (a class body's names)
    case namespaceSet(R, K, R)
    /// R[a] = cells[c]'s value, unbound or not
    case loadCellOrUnbound(R, UInt16)
    /// R[a] = the cell c itself, as an object (`__classcell__`)
    case cellObject(R, UInt16)
    /// R[a] = import of spec K[k] (see `ImportSpec`)
    case importName(R, K)
    case importStar(K)
    /// After an in-place tensor method (`x.clamp_(0)`): if R[a] (the receiver) and R[b] (the
    /// result) are both tensors, the receiver takes the result (in its own dtype) and R[b] = R[a],
    /// then fall through to the write-back; else goto T.
    case adoptInPlace(R, R, T)
    /// Fall through to write R[b] back into the container R[a] when R[a] is a tensor (R[b] was
    /// indexed out of it) or R[b] is no longer a plain tensor (it became an autograd tensor);
    /// else goto T.
    case ifWriteBack(R, R, T)
    /// R[a].name = R[b] when R[a] is a built-in object (whose attribute made a new tensor) or R[b]
    /// became an autograd tensor; an instance of a class already holds a changed tensor itself.
    case writeBackAttr(R, K, R)

}

/// What an `import` statement item needs at run time.
struct ImportSpec {
    let module: String
    let alias: String?
    let isFrom: Bool
}

/// Which of a dict's views a loop walks (`forPrepView`).
enum DictView: UInt8 {
    case keys, values, items
    var method: MethodName {
        switch self {
        case .keys: return .keys
        case .values: return .values
        case .items: return .items
        }
    }
}
