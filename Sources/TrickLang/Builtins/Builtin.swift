import TrickCore

/// A parameter of a built-in's signature.
public struct Parameter {
    public enum Kind { case normal, keywordOnly, varargs, kwargs }
    public var name: String
    public var defaultValue: Value?
    public var kind: Kind
}

/// The built-in types whose instances are plain values (not objects).
enum BuiltinValueType: String {
    case int, float, str, bool, list, tuple, dict, set

    /// Whether a plain value (not an object, not a dict flavour) whose case byte is `tag` is an
    /// instance of this type, as `isinstance` decides it (a bool is an int).
    func includes(tag: UInt8) -> Bool {
        switch self {
        case .int: return tag == ValueLayout.intTag || tag == ValueLayout.boolTag
        case .float: return tag == ValueLayout.floatTag
        case .str: return tag == ValueLayout.strTag
        case .bool: return tag == ValueLayout.boolTag
        case .list: return tag == ValueLayout.listTag
        case .tuple: return tag == ValueLayout.tupleTag
        case .dict: return tag == ValueLayout.dictTag
        case .set: return tag == ValueLayout.setTag
        }
    }
}

/// A built-in's Python-style signature, parsed from text such as
/// `"cross_entropy(input, target, weight=None, ignore_index=-100, reduction='mean')"`.
/// Arguments are bound to it in one place, so every built-in reports missing, unknown and
/// duplicate arguments the same way (with a closest-name suggestion).
public struct Signature {
    public var name: String
    public var parameters: [Parameter] { didSet { layOut() } }
    public var text: String
    /// The binding table, computed once: the named parameters (positional-or-keyword first, then
    /// keyword-only, in signature order), how many take positions, their defaults, and whether
    /// `*args` / `**kwargs` collect the rest. A call binds into an array by position.
    public private(set) var slotNames: [String] = []
    private(set) var positionalCount = 0
    private(set) var defaults: [Value?] = []
    private(set) var hasVarargs = false
    private(set) var hasKwargs = false

    mutating func layOut() {
        let named = parameters.filter { $0.kind == .normal } + parameters.filter { $0.kind == .keywordOnly }
        slotNames = named.map(\.name)
        defaults = named.map(\.defaultValue)
        positionalCount = parameters.filter { $0.kind == .normal }.count
        hasVarargs = parameters.contains { $0.kind == .varargs }
        hasKwargs = parameters.contains { $0.kind == .kwargs }
    }

    /// The function name of a signature's text (all of it when there is no parameter list).
    static func name(of text: String) -> String {
        guard let open = text.firstIndex(of: "("), text.hasSuffix(")") else { return text }
        return String(text[..<open])
    }

    public init(_ text: String) {
        self.text = text
        guard let open = text.firstIndex(of: "("), text.hasSuffix(")") else {
            name = text; parameters = []; layOut(); return
        }
        name = String(text[..<open])
        let inner = text[text.index(after: open)..<text.index(before: text.endIndex)]
        var params: [Parameter] = []
        var keywordOnly = false
        for raw in Signature.splitTopLevel(String(inner)) {
            let p = raw.trimmingCharacters(in: .whitespaces)
            if p.isEmpty { continue }
            if p == "*" { keywordOnly = true; continue }
            if p.hasPrefix("**") { params.append(Parameter(name: String(p.dropFirst(2)), defaultValue: nil, kind: .kwargs)); continue }
            if p.hasPrefix("*") {
                params.append(Parameter(name: String(p.dropFirst()), defaultValue: nil, kind: .varargs))
                keywordOnly = true
                continue
            }
            if let eq = p.firstIndex(of: "=") {
                let n = p[..<eq].trimmingCharacters(in: .whitespaces)
                let d = p[p.index(after: eq)...].trimmingCharacters(in: .whitespaces)
                params.append(Parameter(name: n, defaultValue: Signature.literal(d), kind: keywordOnly ? .keywordOnly : .normal))
            } else {
                params.append(Parameter(name: p, defaultValue: nil, kind: keywordOnly ? .keywordOnly : .normal))
            }
        }
        parameters = params
        layOut()
    }

    static func splitTopLevel(_ s: String) -> [String] {
        var parts: [String] = [], cur = "", depth = 0, quote: Character? = nil
        for c in s {
            if let q = quote { cur.append(c); if c == q { quote = nil }; continue }
            switch c {
            case "'", "\"": quote = c; cur.append(c)
            case "(", "[", "{": depth += 1; cur.append(c)
            case ")", "]", "}": depth -= 1; cur.append(c)
            case "," where depth == 0: parts.append(cur); cur = ""
            default: cur.append(c)
            }
        }
        parts.append(cur)
        return parts
    }

    /// Default values in signatures: None, True, False, numbers, quoted strings, tuples/lists of those.
    static func literal(_ s: String) -> Value {
        switch s {
        case "None": return .none
        case "True": return .bool(true)
        case "False": return .bool(false)
        default: break
        }
        if let i = Int(s) { return .int(i) }
        if let d = Double(s) { return .float(d) }
        if s.count >= 2, let f = s.first, f == "'" || f == "\"" {
            var out = "", esc = false
            for c in s.dropFirst().dropLast() {
                if esc { out.append(c == "n" ? "\n" : c == "t" ? "\t" : c); esc = false } else if c == "\\" { esc = true } else { out.append(c) }
            }
            return .str(out)
        }
        if s.hasPrefix("(") || s.hasPrefix("[") {
            let items = splitTopLevel(String(s.dropFirst().dropLast()))
                .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.map(literal)
            return s.hasPrefix("(") ? .tuple(items) : .list(items)
        }
        return .str(s)
    }

    public var parameterNames: [String] { parameters.filter { $0.kind == .normal || $0.kind == .keywordOnly }.map(\.name) }
}

/// Arguments as written at a call site.
public struct Arguments {
    public var positional: [Value]
    public var keywords: [(String, Value)]
    public init(_ positional: [Value] = [], keywords: [(String, Value)] = []) {
        self.positional = positional
        self.keywords = keywords
    }
}

/// Arguments bound to a signature. Typed accessors produce uniform error messages:
/// "nms() argument 'boxes' must be a tensor, got list".
public struct Bound {
    public let function: String
    /// The signature's named parameters (shared with it, not copied) and their values by position
    /// (the call's positional arguments themselves when they fill every slot: no copy).
    let names: [String]
    var slots: [Value]
    public var varargs: [Value] = []
    public var kwargs: [(String, Value)] = []

    /// A slot no argument or default filled yet (a NaN payload no computation makes, as the
    /// VM's unbound locals).
    static let missing = VM.unbound
    @inline(__always) static func isMissing(_ v: Value) -> Bool { VM.isUnbound(v) }

    init(function: String, names: [String], slots: [Value]) {
        self.function = function
        self.names = names
        self.slots = slots
    }

    /// Parameters are few: a scan of short names beats hashing them.
    @inline(__always) func slot(_ name: String) -> Int? {
        for i in 0..<names.count where names[i] == name { return i }
        return nil
    }

    public subscript(_ name: String) -> Value {
        get {
            guard let i = slot(name) else { return .none }
            let v = slots[i]
            return Bound.isMissing(v) ? .none : v
        }
        set { if let i = slot(name) { slots[i] = newValue } }
    }

    /// True when the parameter exists and holds a value (after binding: always, defaults included).
    public func isBound(_ name: String) -> Bool { slot(name).map { !Bound.isMissing(slots[$0]) } ?? false }

    public func has(_ name: String) -> Bool {
        guard let i = slot(name) else { return false }
        let v = slots[i]
        return !v.isNone && !Bound.isMissing(v)
    }

    func fail(_ name: String, _ expected: String, _ v: Value) -> RuntimeError {
        RuntimeError("\(function)() argument '\(name)' must be \(expected), got \(v.typeName)", kind: "TypeError")
    }

    public func tensor(_ name: String) throws -> Tensor {
        let v = self[name]
        if let t = try? Convert.tensor(v) { return t }
        throw fail(name, "a tensor", v)
    }
    public func optionalTensor(_ name: String) throws -> Tensor? { has(name) ? try tensor(name) : nil }

    public func int(_ name: String) throws -> Int {
        let v = self[name]
        switch v {
        case .int(let i): return i
        case .bool(let b): return b ? 1 : 0
        case .float(let d) where d.rounded() == d && abs(d) < 9e18: return Int(d)
        case .tensor(let ref) where ref.tensor.count == 1 && !ref.tensor.dtype.isFloatingPoint: return Int(ref.tensor.int64(at: 0))
        default: throw fail(name, "an int", v)
        }
    }
    public func optionalInt(_ name: String) throws -> Int? { has(name) ? try int(name) : nil }

    public func double(_ name: String) throws -> Double {
        let v = self[name]
        if let d = Convert.double(v) { return d }
        throw fail(name, "a number", v)
    }
    public func optionalDouble(_ name: String) throws -> Double? { has(name) ? try double(name) : nil }

    public func bool(_ name: String) throws -> Bool {
        let v = self[name]
        switch v {
        case .bool(let b): return b
        case .int(let i): return i != 0
        case .none: return false
        default: throw fail(name, "a bool", v)
        }
    }

    public func string(_ name: String) throws -> String {
        let v = self[name]
        if case .str(let s) = v { return s }
        throw fail(name, "a str", v)
    }
    public func optionalString(_ name: String) throws -> String? { has(name) ? try string(name) : nil }

    /// A list or tuple argument's items.
    public func sequence(_ name: String) throws -> [Value] {
        let v = self[name]
        switch v {
        case .list(let l): return l.items
        case .tuple(let t): return t
        default: throw fail(name, "a list or tuple", v)
        }
    }

    public func dict(_ name: String) throws -> DictRef {
        let v = self[name]
        if case .dict(let d) = v { return d }
        throw fail(name, "a dict", v)
    }
    public func optionalDict(_ name: String) throws -> DictRef? { has(name) ? try dict(name) : nil }

    /// One of a fixed set of strings, e.g. `reduction` in ('none', 'mean', 'sum').
    public func choice(_ name: String, _ options: [String]) throws -> String {
        let s = try string(name)
        guard options.contains(s) else {
            throw RuntimeError("\(function)() argument '\(name)' must be one of \(options.map { "'\($0)'" }.joined(separator: ", ")), got '\(s)'"
                + (closestName(to: s, in: options).map { " (did you mean '\($0)'?)" } ?? ""), kind: "ValueError")
        }
        return s
    }
}

/// A function implemented in Swift.
public final class BuiltinFunction {
    public let name: String
    public let doc: String
    public let body: (Bound) throws -> Value
    /// Fast path that skips binding (used by a few hot built-ins such as `len`).
    let raw: ((Arguments) throws -> Value)?
    /// Positional fast paths of hot built-ins (`isinstance(v, dict)`, `len(x)`, `str(i)`): a call
    /// with exactly one (two) positional argument(s) and no keywords runs `fast1` (`fast2`) on the
    /// values themselves — no `Arguments` array, no binding. Each does what `body` does for that
    /// call; both are written over one shared function.
    public var fast1: ((Value) throws -> Value)?
    public var fast2: ((Value, Value) throws -> Value)?
    /// The signature's text, parsed on first use: start-up registers thousands of built-ins and a
    /// program calls a few of them.
    public let signatureText: String
    private var parsed: ParsedSignature?

    /// The parsed signature, boxed so that a call reads its fields in place (a struct held in a
    /// `var` would be copied, retaining each of its arrays, on every call).
    private final class ParsedSignature {
        let value: Signature
        init(_ value: Signature) { self.value = value }
    }

    @inline(__always) private var parsedSignature: ParsedSignature {
        if let p = parsed { return p }
        let p = ParsedSignature(Signature(signatureText))
        parsed = p
        return p
    }

    public var signature: Signature { parsedSignature.value }

    /// The built-in type whose instances are plain values that this function names (`int`,
    /// `dict`, ...), for `isinstance`; resolved on first use.
    lazy var valueType: BuiltinValueType? = BuiltinValueType(rawValue: name)
    /// Set on the built-ins whose common calls the VM runs inline (`VM.isInstance`).
    var intrinsic = Intrinsic.none
    enum Intrinsic: UInt8 { case none, isinstance, str }
    /// A method bound to its receiver (`obj.method` of a trick class), for `inspect.ismethod`.
    var isBoundMethod = false
    /// For a method taken from an object (`m.forward`, `t.add`, `d.get`, `obj.f` of a trick
    /// class): its receiver and name. Each access makes a new function, and two of them are `==`
    /// (and hash alike) when they name the same method of the same object, as Python's bound
    /// methods compare `__self__` and `__func__`; `is` stays identity (`m.forward is m.forward` is
    /// False in Python too).
    var boundIdentity: BoundIdentity?
    struct BoundIdentity: Hashable {
        let receiver: ObjectIdentifier
        let method: String
    }

    /// A method of `receiver` named `name`, equal to the others of its kind (see `boundIdentity`).
    func bound(to receiver: AnyObject, as name: String) -> BuiltinFunction {
        boundIdentity = BoundIdentity(receiver: ObjectIdentifier(receiver), method: name)
        return self
    }

    public init(_ signature: String, doc: String = "", _ body: @escaping (Bound) throws -> Value) {
        self.name = Signature.name(of: signature)
        self.signatureText = signature
        self.doc = doc
        self.body = body
        self.raw = nil
    }

    public init(raw signature: String, doc: String = "", _ body: @escaping (Arguments) throws -> Value) {
        self.name = Signature.name(of: signature)
        self.signatureText = signature
        self.doc = doc
        self.body = { _ in .none }
        self.raw = body
    }

    /// A built-in over an already parsed signature (for objects made by the thousand, such as
    /// autograd tensors, whose dunder methods would otherwise parse their signature each time).
    public init(raw signature: Signature, doc: String = "", _ body: @escaping (Arguments) throws -> Value) {
        self.name = signature.name
        self.signatureText = signature.text
        self.parsed = ParsedSignature(signature)
        self.doc = doc
        self.body = { _ in .none }
        self.raw = body
    }

    public func call(_ args: Arguments) throws -> Value {
        let result: Value
        if args.keywords.isEmpty, args.positional.count <= 2, let r = try callFast(args.positional) {
            result = r
        } else {
            result = try raw.map { try $0(args) } ?? body(bind(args))
        }
        // Ctrl-C during the call: long kernels stop early (Interrupt), so the result is not used.
        if trickInterruptRequested != 0 { throw Interrupt.Requested() }
        return result
    }

    @inline(__always) private func callFast(_ p: [Value]) throws -> Value? {
        if p.count == 1, let f = fast1 { return try f(p[0]) }
        if p.count == 2, let f = fast2 { return try f(p[0], p[1]) }
        return nil
    }

    /// Binds call-site arguments to the signature, as Python does.
    public func bind(_ args: Arguments) throws -> Bound {
        let box = parsedSignature
        let fname = name
        let positional = args.positional
        let slotCount = box.value.slotNames.count
        // The usual call: positional arguments for every parameter, nothing else to bind.
        if positional.count == slotCount, slotCount == box.value.positionalCount, args.keywords.isEmpty {
            return Bound(function: fname, names: box.value.slotNames, slots: positional)
        }
        var b = Bound(function: fname, names: box.value.slotNames, slots: [])
        if positional.count > box.value.positionalCount {
            guard box.value.hasVarargs else {
                throw RuntimeError("\(fname)() takes \(box.value.positionalCount) positional argument\(box.value.positionalCount == 1 ? "" : "s") but \(positional.count) were given", kind: "TypeError")
            }
            b.varargs = Array(positional[box.value.positionalCount...])
        }
        if slotCount > 0 {
            b.slots.reserveCapacity(slotCount)
            b.slots.append(contentsOf: positional.prefix(box.value.positionalCount))
            while b.slots.count < slotCount { b.slots.append(Bound.missing) }
        }
        for (k, v) in args.keywords {
            if let i = b.slot(k) {
                if !Bound.isMissing(b.slots[i]) {
                    throw RuntimeError("\(fname)() got multiple values for argument '\(k)'", kind: "TypeError")
                }
                b.slots[i] = v
            } else if box.value.hasKwargs {
                b.kwargs.append((k, v))
            } else {
                let hint = closestName(to: k, in: box.value.parameterNames).map { " (did you mean '\($0)'?)" } ?? ""
                throw RuntimeError("\(fname)() got an unexpected keyword argument '\(k)'\(hint)", kind: "TypeError")
            }
        }
        for i in 0..<slotCount where Bound.isMissing(b.slots[i]) {
            guard let d = box.value.defaults[i] else {
                throw RuntimeError("\(fname)() missing required argument '\(box.value.slotNames[i])'", kind: "TypeError")
            }
            b.slots[i] = Signature.copyDefault(d)
        }
        return b
    }
}

extension Signature {
    /// Mutable defaults are fresh per call (unlike Python, deliberately).
    static func copyDefault(_ v: Value) -> Value {
        if case .list(let l) = v { return .list(ListRef(l.items)) }
        return v
    }
}

/// An object built by a built-in: a loss, a sampler, an assign result, a transform...
/// It has a type name, attributes, methods, and may be callable (`loss(pred, target)`).
public final class BuiltObject {
    public let typeName: String
    public private(set) var attributeOrder: [String] = []
    public private(set) var attributes: [String: Value] = [:]
    public var methods: [String: BuiltinFunction] = [:]
    /// What calling the object does (`loss(pred, target)`, `transform(results)`).
    public var callable: BuiltinFunction?
    /// Swift state the methods work on.
    public var payload: Any?
    /// A custom repr; default is `TypeName(attr=value, ...)`.
    public var repr: (() -> String)?
    /// A custom `str()` (print); default is the repr.
    public var str: (() -> String)?
    /// Called when a script assigns an attribute; nil makes attributes read-only.
    public var setter: ((String, Value) throws -> Void)?
    /// Attributes computed when read (an autograd tensor's `.grad`, `.data`, its methods), asked
    /// after `attributes` and `methods`; nil for a name the object does not have.
    public var getter: ((String) throws -> Value?)?
    /// Names the getter answers, for completion and "did you mean" hints.
    public var getterNames: (() -> [String])?
    public var truthy: Bool = true
    /// The trick class this object is an instance of (a `ClassInfo`), also for an instance of a
    /// class deriving from a built-in such as `nn.Module`, whose payload is the built-in's.
    public var instanceClass: AnyObject?
    /// For an instance of a trick class deriving from a built-in type (`class MySGD(torch.optim.SGD)`):
    /// the built-in object its `super().__init__(…)` made. The instance shares its payload, and
    /// has its attributes and methods after the class's own.
    public var base: BuiltObject?
    /// Dunder methods found beyond `methods` (a trick class's, bound to its instance).
    public var specialLookup: ((String) -> BuiltinFunction?)?

    /// The object's `__name__` method: its own, or its class's.
    public func special(_ name: String) -> BuiltinFunction? {
        methods[name] ?? specialLookup?(name)
    }

    public init(typeName: String, attributes: [(String, Value)] = [], payload: Any? = nil) {
        self.typeName = typeName
        self.payload = payload
        for (k, v) in attributes { set(k, v) }
    }

    public func set(_ name: String, _ value: Value) {
        if attributes[name] == nil { attributeOrder.append(name) }
        attributes[name] = value
    }

    /// Lets go of everything the object holds — attributes, methods, payload and closures, which
    /// may refer back to the object — for `Library.close`.
    func dropAll() {
        attributeOrder = []; attributes = [:]; methods = [:]; callable = nil; payload = nil
        repr = nil; str = nil; setter = nil; getter = nil; getterNames = nil
        instanceClass = nil; base = nil; specialLookup = nil
    }

    /// Removes attributes (an object whose values become computed, read through `getter`).
    public func removeAttributes(_ names: [String]) {
        for n in names { attributes[n] = nil }
        attributeOrder.removeAll { names.contains($0) }
    }

    public func method(_ signature: String, doc: String = "", _ body: @escaping (Bound) throws -> Value) {
        let f = BuiltinFunction(signature, doc: doc, body)
        methods[f.name] = f
    }

    /// Attribute names and method names, for completion and error hints.
    public var memberNames: [String] { attributeOrder + methods.keys.sorted() + (getterNames?() ?? []) }
}

/// Levenshtein-closest candidate within a small distance (for "did you mean").
public func closestName(to name: String, in candidates: [String]) -> String? {
    func distance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var prev = Array(0...b.count), cur = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            cur[0] = i
            for j in 1...b.count {
                cur[j] = Swift.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&prev, &cur)
        }
        return prev[b.count]
    }
    let a = Array(name.lowercased())
    var best: (String, Int)?
    for c in candidates {
        let d = distance(a, Array(c.lowercased()))
        if best == nil || d < best!.1 { best = (c, d) }
    }
    guard let (c, d) = best else { return nil }
    return d <= Swift.max(2, name.count / 3) ? c : nil
}
