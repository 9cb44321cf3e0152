import TrickCore
import TrickLang

/// Autograd tensors in the language: a tensor that requires grad (`torch.tensor(..., requires_grad=True)`,
/// `x.requires_grad_()`, a module's Parameter with values) or anything computed from one is an
/// object holding an autograd `Variable` (typeName "tensor"; a Parameter keeps typeName
/// "Parameter"). Plain tensors stay values (`.tensor`): a result that does not require grad
/// (under `no_grad`, `detach()`, `.grad`) is a plain tensor again.
///
/// The object has torch's repr (`tensor([...], grad_fn=<AddBackward0>)`), the arithmetic and
/// comparison dunders (operators dispatch to them), `__getitem__`/`__len__`/`__iter__`, the
/// autograd surface (`backward`, `grad`, `requires_grad`, `is_leaf`, `grad_fn`, `detach`,
/// `retain_grad`, `item`) and the differentiable tensor methods (VariableMethods.swift); any
/// other tensor method runs on the value when its result has no gradient in torch either
/// (argmax, comparisons, tolist, …) or under no_grad, else raises (GradientGuard.swift).
enum VariableObjects {
    nonisolated(unsafe) static var library: Library?

    /// The variable an object holds (an autograd tensor, or a Parameter with values).
    static func variable(_ v: Value) -> Variable? {
        if case .object(let o) = v, let h = o.payload as? VariableHolder { return h.heldVariable }
        return nil
    }

    /// Whether a call's arguments include an autograd tensor (also inside a list or tuple, for `cat`).
    static func involves(_ args: Arguments) -> Bool {
        func one(_ v: Value) -> Bool {
            switch v {
            case .object: return variable(v) != nil
            case .list(let l): return l.items.contains { variable($0) != nil }
            case .tuple(let t): return t.contains { variable($0) != nil }
            default: return false
            }
        }
        return args.positional.contains(where: one) || args.keywords.contains { one($0.1) }
    }

    /// An operand as a variable: an autograd tensor itself, a plain tensor or list as a constant.
    static func operand(_ v: Value, _ what: String) throws -> Variable {
        if let x = variable(v) { return x }
        switch v {
        case .tensor(let ref): return try Variable(ref.tensor)
        case .list, .tuple: return try Variable(try Convert.tensor(v))
        default: throw RuntimeError("\(what) must be a tensor, got \(v.typeName)", kind: "TypeError")
        }
    }

    static func number(_ v: Value) -> Double? {
        switch v {
        case .int(let i): return Double(i)
        case .float(let d): return d
        case .bool(let b): return b ? 1 : 0
        default: return nil
        }
    }

    /// A computed result: an object when it requires grad, else a plain tensor.
    static func result(_ v: Variable) -> Value {
        v.requiresGrad ? .object(make(v)) : .tensor(v.data)
    }

    /// A new object for `v` (always an object, even when `v` does not require grad).
    static func make(_ v: Variable) -> BuiltObject {
        let o = BuiltObject(typeName: "tensor", payload: v)
        o.repr = { v.description }
        install(o) { v }
        return o
    }

    static let anySignature = Signature("method(*args, **kwargs)")

    /// The dunders' signatures, parsed once: every autograd result gets the methods (parsing their
    /// text per object was ~6 % of an MLP training step).
    static let dunderSignatures: [String: Signature] = {
        let texts = (binaryDunders.map(\.0) + comparisons.map(\.0) + ["__getitem__"]).map { "\($0)(other)" }
            + ["__setitem__(index, value)", "__neg__()", "__pos__()", "__len__()", "__iter__()"]
        return Dictionary(uniqueKeysWithValues: texts.map { Signature($0) }.map { ($0.name, $0) })
    }()

    /// Dunders, the computed attributes and the setter, for any object holding a variable
    /// (`get` fetches it: a Parameter's variable is looked up when used).
    static func install(_ o: BuiltObject, _ get: @escaping () throws -> Variable) {
        func dunder(_ name: String, _ body: @escaping (Variable, Value) throws -> Value) {
            o.methods[name] = BuiltinFunction(raw: dunderSignatures[name]!) { args in
                guard args.positional.count == 1 else {
                    throw RuntimeError("\(name)() takes exactly one argument (\(args.positional.count) given)", kind: "TypeError")
                }
                return try body(try get(), args.positional[0])
            }
        }
        for (name, reflected, op) in binaryDunders {
            dunder(name) { v, other in try arithmetic(op, v, other, reflected: reflected) }
        }
        for (name, op) in comparisons {
            dunder(name) { v, other in
                let y = variable(other)?.data
                let rhs: Operand
                if let y { rhs = .tensor(y) } else { rhs = try TensorBindings.operand(other, "comparison operand") }
                return .tensor(try Tensor.binary(op, .tensor(v.data), rhs))
            }
        }
        dunder("__getitem__") { v, index in result(try v.subscripted(try tensorIndex(index))) }
        o.methods["__setitem__"] = BuiltinFunction(raw: dunderSignatures["__setitem__"]!) { args in
            guard args.positional.count == 2 else { throw RuntimeError("__setitem__() takes 2 arguments", kind: "TypeError") }
            try setItem(try get(), args.positional[0], args.positional[1])
            return .none
        }
        o.methods["__neg__"] = BuiltinFunction(raw: dunderSignatures["__neg__"]!) { _ in result(try get().neg()) }
        o.methods["__pos__"] = BuiltinFunction(raw: dunderSignatures["__pos__"]!) { [unowned o] _ in .object(o) }
        o.methods["__len__"] = BuiltinFunction(raw: dunderSignatures["__len__"]!) { _ in
            let v = try get()
            guard v.rank > 0 else { throw RuntimeError("len() of a 0-d tensor", kind: "TypeError") }
            return .int(v.shape[0])
        }
        o.methods["__iter__"] = BuiltinFunction(raw: dunderSignatures["__iter__"]!) { _ in
            let v = try get()
            guard v.rank > 0 else { throw RuntimeError("iteration over a 0-d tensor", kind: "TypeError") }
            return .list(try (0..<v.shape[0]).map { result(try v.subscripted([.int($0)])) })
        }
        o.getter = { [unowned o] name in try attribute(o, try get(), name) }
        o.getterNames = { propertyNames + VariableMethods.names }
        let previous = o.setter
        o.setter = { name, x in
            switch name {
            case "requires_grad", "grad", "data": try setAttribute(try get(), name, x)
            default:
                if let previous { try previous(name, x) } else {
                    throw RuntimeError("cannot set attribute '\(name)' of a tensor", kind: "AttributeError")
                }
            }
        }
    }

    static let binaryDunders: [(String, Bool, String)] = [
        ("__add__", false, "+"), ("__radd__", true, "+"), ("__sub__", false, "-"), ("__rsub__", true, "-"),
        ("__mul__", false, "*"), ("__rmul__", true, "*"), ("__truediv__", false, "/"), ("__rtruediv__", true, "/"),
        ("__matmul__", false, "@"), ("__rmatmul__", true, "@"), ("__pow__", false, "**"), ("__rpow__", true, "**"),
    ]
    static let comparisons: [(String, BinaryOp)] = [
        ("__lt__", .lt), ("__le__", .le), ("__gt__", .gt), ("__ge__", .ge), ("__eq__", .eq), ("__ne__", .ne),
    ]

    /// `v op other` (or `other op v` when reflected), with torch's node names: a Python number
    /// on the other side is a scalar (AddBackward0, MulBackward0, PowBackward0, …).
    static func arithmetic(_ op: String, _ v: Variable, _ other: Value, reflected: Bool) throws -> Value {
        if let s = number(other) {
            switch (op, reflected) {
            case ("+", _): return result(try v.add(s))
            case ("-", false): return result(try v.sub(s))
            case ("-", true): return result(try v.rsub(s))
            case ("*", _): return result(try v.mul(s))
            case ("/", false): return result(try v.div(s))
            case ("/", true): return result(try v.reciprocal().mul(s))
            case ("**", false): return result(try v.pow(s))
            case ("**", true):
                return result(try Variable(try Tensor.full([], s, dtype: v.dtype)).pow(v))
            default: throw RuntimeError("unsupported operand types for \(op): 'tensor' and '\(other.typeName)'", kind: "TypeError")
            }
        }
        let w = try operand(other, "operand of \(op)")
        let (a, b) = reflected ? (w, v) : (v, w)
        switch op {
        case "+": return result(try a.add(b))
        case "-": return result(try a.sub(b))
        case "*": return result(try a.mul(b))
        case "/": return result(try a.div(b))
        case "@": return result(try a.matmul(b))
        case "**": return result(try a.pow(b))
        default: throw RuntimeError("unsupported operand types for \(op)", kind: "TypeError")
        }
    }

    // MARK: attributes

    static let propertyNames = ["grad", "requires_grad", "is_leaf", "grad_fn", "data", "shape", "dtype", "ndim", "T", "mT",
                                "device", "is_cuda", "_version", "output_nr"]

    static func attribute(_ o: BuiltObject, _ v: Variable, _ name: String) throws -> Value? {
        switch name {
        case "grad":
            let (g, warning) = v.gradForUser()
            if let warning { FileIO.writeStderr("UserWarning: \(warning)\n") }
            return g.map { .tensor($0) } ?? Value.none
        case "requires_grad": return .bool(v.requiresGrad)
        case "is_leaf": return .bool(v.isLeaf)
        case "grad_fn": return v.gradFn.map { gradFnObject($0) } ?? Value.none
        case "data": return .tensor(v.data)
        case "_version": return .int(v.currentVersion)
        case "T":
            return result(v.rank < 2 ? v : try v.permute(Array((0..<v.rank).reversed())))
        case "mT": return result(try v.transpose(-2, -1))
        default: break
        }
        if let m = VariableMethods.table[name] {
            return .builtin(BuiltinFunction(raw: anySignature) { [unowned o] args in
                try m.call(Arguments([.object(o)] + args.positional, keywords: args.keywords))
            })
        }
        guard let lib = library else { return nil }
        if let p = lib.tensorProperties[name] { return try p(v.data) }
        if let m = lib.tensorMethods[name] {
            // Without a gradient: the method runs on the value (as on x.detach()) when torch's
            // result has no gradient either or grad mode is off; else a clear error, not a silent cut.
            return .builtin(BuiltinFunction(raw: anySignature) { args in
                if v.requiresGrad && GradMode.isEnabled && !AutogradBindings.nonDifferentiable.contains(name) {
                    if name == "numpy" {
                        throw RuntimeError("Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead.", kind: "RuntimeError")
                    }
                    throw AutogradBindings.noGradientError("Tensor.\(name)()")
                }
                return try m.call(Arguments([.tensor(v.data)] + args.positional, keywords: args.keywords))
            })
        }
        return nil
    }

    static func gradFnObject(_ n: Node) -> Value {
        let g = BuiltObject(typeName: n.name)
        g.repr = { "<\(n.name) object>" }
        g.method("name()") { _ in .str(n.name) }
        g.set("next_functions", .tuple(n.nextNodes.map { m in .tuple([gradFnObject(m), .int(0)]) }))
        return .object(g)
    }

    static func setAttribute(_ v: Variable, _ name: String, _ x: Value) throws {
        do {
            switch name {
            case "requires_grad":
                guard case .bool(let b) = x else { throw RuntimeError("requires_grad must be a bool, got \(x.typeName)", kind: "TypeError") }
                try v.setRequiresGrad(b)
            case "grad":
                if x.isNone { v.grad = nil; return }
                let t = try Convert.tensor(x)
                guard t.shape == v.shape else {
                    throw RuntimeError("assigned grad has data of a different size", kind: "RuntimeError")
                }
                v.grad = t.cast(to: v.dtype)
            default:
                v.data = try Convert.tensor(x)
            }
        } catch let e as CoreError { throw RuntimeError(e.message, kind: e.kind) }
    }

    // MARK: indexing

    static func tensorIndex(_ v: Value) throws -> [TensorIndex] { try Interpreter.tensorIndex(v) }

    /// `x[index] = value`: allowed where torch allows it without a graph — under `no_grad`, or
    /// on a tensor that does not require grad; the version counter is bumped.
    static func setItem(_ v: Variable, _ index: Value, _ value: Value) throws {
        let assigned = variable(value)
        if GradMode.isEnabled && (v.requiresGrad || assigned?.requiresGrad == true) {
            if v.isLeaf && v.requiresGrad { throw RuntimeError(AutogradMessages.leafInPlace, kind: "RuntimeError") }
            let w = try assigned ?? Variable(try number(value).map { Tensor.scalar($0, dtype: v.dtype) } ?? Convert.tensor(value))
            let idx = try tensorIndex(index)
            try AutogradBindings.core { try v.inPlace { try $0.indexPut(idx, w) } }
            return
        }
        var t = v.data
        let rhs: Operand
        if let w = variable(value) { rhs = .tensor(w.data) } else { rhs = try TensorBindings.operand(value, "assigned value") }
        try t.assign(try tensorIndex(index), rhs)
        try v.inPlace { _ in try Variable(t) }
    }
}
