import TrickCore
import TrickLang

/// The autograd surface: creation with `requires_grad=True`, `torch.autograd.grad`/`backward`,
/// `torch.no_grad()` / `torch.enable_grad()` / `torch.set_grad_enabled(mode)` (context managers
/// and decorators), and the torch / `torch.nn.functional` functions with gradients. A function
/// that has a gradient is *routed*: when an argument is an autograd tensor it runs on variables
/// (VariableMethods.swift, the core's Autograd), else it runs as before on plain tensors.
enum AutogradBindings {
    static func register(_ lib: Library) {
        VariableObjects.library = lib
        lib.autogradTensor = { .object(VariableObjects.make($0)) }
        VariableMethods.register()
        // an autograd tensor and a parameter are torch.Tensors (`isinstance(p, torch.Tensor)`)
        BuiltinTypeBases.register("tensor", parent: "Tensor")
        BuiltinTypeBases.register("Parameter", parent: "Tensor")
        registerCreation(lib)
        registerGradMode(lib)
        registerFunctional(lib)
        registerActivations(lib)
        registerProbabilityLosses(lib)
        registerRoutes(lib)
        registerMathRoutes(lib)
    }

    static func core<R>(_ body: () throws -> R) throws -> R {
        do { return try body() } catch let e as CoreError { throw RuntimeError(e.message, kind: e.kind) }
    }

    /// Replaces the built-in `old` by `new` wherever the library exposes it (globals, the torch
    /// and F namespaces), so `torch.exp`, `exp` and `F.relu` all route.
    static func replace(_ lib: Library, _ old: BuiltinFunction, with new: BuiltinFunction) {
        // Walks the tables themselves (no key is hashed): start-up makes a few hundred of these walks.
        var seen = Set<ObjectIdentifier>()
        func visit(_ o: BuiltObject) {
            guard o.typeName == "module", seen.insert(ObjectIdentifier(o)).inserted else { return }
            var methodKeys: [String] = [], attributeKeys: [String] = [], modules: [BuiltObject] = []
            for (k, f) in o.methods where f === old { methodKeys.append(k) }
            for (k, v) in o.attributes {
                switch v {
                case .builtin(let f) where f === old: attributeKeys.append(k)
                case .object(let c): modules.append(c)
                default: break
                }
            }
            for k in methodKeys { o.methods[k] = new }
            for k in attributeKeys { o.set(k, .builtin(new)) }
            modules.forEach(visit)
        }
        var globalNames: [String] = [], modules: [BuiltObject] = []
        for (name, v) in lib.globals {
            switch v {
            case .builtin(let f) where f === old: globalNames.append(name)
            case .object(let o): modules.append(o)
            default: break
            }
        }
        for name in globalNames { lib.define(name, .builtin(new)) }
        modules.forEach(visit)
    }

    /// Routes the global `name` (if it exists; else defines it) to `grad` when an argument is an
    /// autograd tensor.
    static func route(_ lib: Library, _ name: String, _ grad: BuiltinFunction) {
        guard case .builtin(let old)? = lib.globals[name] ?? (lib.namespace("torch").methods[name].map { .builtin($0) }) else {
            withGradient.insert(ObjectIdentifier(grad))
            lib.namespace("torch").methods[name] = grad
            return
        }
        let routed = BuiltinFunction(raw: old.signatureText, doc: old.doc) { args in
            VariableObjects.involves(args) ? try grad.call(args) : try old.call(args)
        }
        withGradient.insert(ObjectIdentifier(routed))
        replace(lib, old, with: routed)
        if lib.namespace("torch").methods[name] === old { lib.namespace("torch").methods[name] = routed }
    }

    /// Routes `name` to the variable method `method`, the function's first parameter (`input`)
    /// becoming `self`.
    static func routeToMethod(_ lib: Library, _ name: String, method: String? = nil, first: String = "input") {
        guard let m = VariableMethods.table[method ?? name] else { return }
        let f = BuiltinFunction(raw: m.signatureText) { args in
            try m.call(Arguments(args.positional, keywords: args.keywords.map { $0.0 == first ? ("self", $0.1) : $0 }))
        }
        route(lib, name, f)
    }

    // MARK: creation

    static func registerCreation(_ lib: Library) {
        for name in ["tensor", "zeros", "ones", "empty", "full", "arange", "linspace", "eye", "zeros_like", "ones_like",
                     "empty_like", "full_like", "rand", "randn", "rand_like", "randn_like"] {
            guard case .builtin(let old)? = lib.globals[name] else { continue }
            let f = BuiltinFunction(raw: old.signatureText, doc: old.doc + " requires_grad=True gives an autograd leaf.") { args in
                let r = try old.call(Arguments(args.positional, keywords: args.keywords.filter { $0.0 != "requires_grad" }))
                guard let flag = args.keywords.first(where: { $0.0 == "requires_grad" })?.1, try flag.truthy() else { return r }
                return .object(VariableObjects.make(try core { try Variable(try Convert.tensor(r), requiresGrad: true) }))
            }
            withGradient.insert(ObjectIdentifier(f))
            replace(lib, old, with: f)
            if lib.namespace("torch").methods[name] === old { lib.namespace("torch").methods[name] = f }
        }
        lib.tensorMethod("requires_grad_(self, requires_grad=True)", doc: "an autograd leaf with this value (assign it: x = x.requires_grad_())") { a in
            let t = try a.tensor("self")
            guard try a.bool("requires_grad") else { return .tensor(t) }
            return .object(VariableObjects.make(try core { try Variable(t, requiresGrad: true) }))
        }
        lib.tensorProperty("requires_grad") { _ in .bool(false) }
        lib.tensorProperty("grad") { _ in .none }
        lib.tensorProperty("grad_fn") { _ in .none }
        lib.tensorProperty("is_leaf") { _ in .bool(true) }
        lib.tensorMethod("backward(self, gradient=None, retain_graph=None, create_graph=False, inputs=None)") { _ in
            throw RuntimeError(AutogradMessages.noGradFn, kind: "RuntimeError")
        }
    }

    // MARK: grad mode

    /// A `torch.no_grad()`-style object: a context manager, and a decorator when called on a function.
    static func gradModeObject(_ lib: Library, _ typeName: String, _ mode: Bool) -> Value {
        let o = BuiltObject(typeName: typeName)
        o.repr = { "<torch.autograd.grad_mode.\(typeName) object>" }
        var saved: [Bool] = []
        o.method("__enter__()") { _ in
            saved.append(GradMode.isEnabled)
            GradMode.isEnabled = mode
            return .none
        }
        o.method("__exit__(exc_type=None, exc_value=None, traceback=None)") { _ in
            if let s = saved.popLast() { GradMode.isEnabled = s }
            return .bool(false)
        }
        o.callable = BuiltinFunction("\(typeName)(func)") { a in
            let fn = a["func"]
            // a function, so a decorated method binds to its instance (`@torch.no_grad()` on `step`)
            return ClassBuiltins.function(BuiltinFunction(raw: "wrapped(*args, **kwargs)") { args in
                let prev = GradMode.isEnabled
                GradMode.isEnabled = mode
                defer { GradMode.isEnabled = prev }
                return try lib.callValue(fn, args)
            })
        }
        return .object(o)
    }

    static func registerGradMode(_ lib: Library) {
        let torch = lib.namespace("torch")
        // `@torch.no_grad()` and, as torch 2.x allows, the bare `@torch.no_grad` decorate a function
        for (name, mode, doc) in [("no_grad", false, "torch.no_grad(): `with torch.no_grad():` records no graph; also a decorator"),
                                  ("enable_grad", true, "torch.enable_grad(): records again inside no_grad; also a decorator")] {
            torch.method("\(name)(orig_func=None)", doc: doc) { a in
                let o = gradModeObject(lib, name, mode)
                guard !a["orig_func"].isNone, case .object(let obj) = o, let wrap = obj.callable else { return o }
                return try wrap.call(Arguments([a["orig_func"]]))
            }
        }
        torch.method("inference_mode(mode=True)",
                     doc: "torch.inference_mode(): as no_grad (trick has no inference tensors: what it makes can be used in autograd later); inference_mode(False) changes nothing; also a decorator") { a in
            let m = a["mode"]
            if case .bool(let on) = m {
                return gradModeObject(lib, "inference_mode", on ? false : GradMode.isEnabled)
            }
            // the bare decorator `@torch.inference_mode`: the function came as `mode`
            guard case .object(let obj) = gradModeObject(lib, "inference_mode", false), let wrap = obj.callable else { return .none }
            return try wrap.call(Arguments([m]))
        }
        torch.method("set_grad_enabled(mode)", doc: "torch.set_grad_enabled(mode): sets grad mode now; also a context manager restoring it") { a in
            let mode = try a.bool("mode")
            let before = GradMode.isEnabled
            GradMode.isEnabled = mode
            let o = BuiltObject(typeName: "set_grad_enabled")
            o.method("__enter__()") { _ in .none }
            o.method("__exit__(exc_type=None, exc_value=None, traceback=None)") { _ in GradMode.isEnabled = before; return .bool(false) }
            return .object(o)
        }
        torch.method("is_grad_enabled()", doc: "torch.is_grad_enabled()") { _ in .bool(GradMode.isEnabled) }

        let autograd = BuiltObject(typeName: "module")
        autograd.repr = { "<module 'torch.autograd'>" }
        autograd.method("grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False, only_inputs=True, allow_unused=None, is_grads_batched=False, materialize_grads=False)",
                        doc: "torch.autograd.grad: a tuple of the gradients of outputs with respect to inputs; no .grad is written") { a in
            if try a.bool("create_graph") {
                throw RuntimeError("autograd.grad(create_graph=True) is not supported: trick does not differentiate through a backward pass", kind: "NotImplementedError")
            }
            let outs = try variables(a["outputs"], "outputs"), ins = try variables(a["inputs"], "inputs")
            var gos: [Tensor?]?
            if a.has("grad_outputs") {
                gos = try sequence(a["grad_outputs"]).map { $0.isNone ? nil : try Convert.tensor($0) }
            }
            let allowUnused = try a.bool("allow_unused") || a.bool("materialize_grads")
            let gs = try core { try Autograd.grad(outs, ins, gradOutputs: gos, retainGraph: try a.bool("retain_graph"), allowUnused: allowUnused) }
            let materialize = try a.bool("materialize_grads")
            return .tuple(try zip(gs, ins).map { g, v in
                if let g { return .tensor(g) }
                return materialize ? .tensor(try Tensor.zeros(v.shape, dtype: v.dtype)) : .none
            })
        }
        autograd.method("backward(tensors, grad_tensors=None, retain_graph=None, create_graph=False, inputs=None)",
                        doc: "torch.autograd.backward: accumulates into the leaves' .grad") { a in
            let outs = try variables(a["tensors"], "tensors")
            var gs = [Tensor?](repeating: nil, count: outs.count)
            if a.has("grad_tensors") { gs = try sequence(a["grad_tensors"]).map { $0.isNone ? nil : try Convert.tensor($0) } }
            try core { try Autograd.backward(outs, gradients: gs, retainGraph: try a.bool("retain_graph")) }
            return .none
        }
        for name in ["no_grad", "enable_grad", "set_grad_enabled", "is_grad_enabled"] {
            if let m = torch.methods[name] { autograd.methods[name] = m }
        }
        torch.set("autograd", .object(autograd))
    }

    static func sequence(_ v: Value) throws -> [Value] {
        switch v {
        case .list(let l): return l.items
        case .tuple(let t): return t
        default: return [v]
        }
    }

    static func variables(_ v: Value, _ what: String) throws -> [Variable] {
        try sequence(v).map { x in
            if let y = VariableObjects.variable(x) { return y }
            if case .tensor = x { throw RuntimeError(AutogradMessages.noGradFn, kind: "RuntimeError") }
            throw RuntimeError("autograd: \(what) must be tensors, got \(x.typeName)", kind: "TypeError")
        }
    }

    // MARK: routes

    static func registerRoutes(_ lib: Library) {
        for name in ["exp", "log", "sqrt", "sigmoid", "tanh", "relu", "neg", "negative", "reciprocal", "square", "abs",
                     "softmax", "log_softmax", "clamp", "clip", "mean", "sum", "max", "min", "amax", "amin", "norm",
                     "flatten", "unsqueeze", "squeeze", "permute", "transpose", "t", "gather", "index_select", "masked_select",
                     "maximum", "minimum", "clone", "masked_fill"] {
            routeToMethod(lib, name)
        }
        for name in ["add", "sub", "mul", "div", "pow", "matmul", "mm"] { routeToMethod(lib, name) }
        routeToMethod(lib, "multiply", method: "mul")
        routeToMethod(lib, "subtract", method: "sub")
        routeToMethod(lib, "divide", method: "div")
        routeToMethod(lib, "true_divide", method: "div")
        route(lib, "reshape", BuiltinFunction("reshape(input, shape)") { a in
            let v = try VariableMethods.me(a, "input")
            return VariableObjects.result(try core { try v.reshape(try v.data.reshaped(try Convert.ints(a["shape"], what: "reshape() shape")).shape) })
        })
        for (name, stack) in [("cat", false), ("concat", false), ("concatenate", false), ("stack", true)] {
            route(lib, name, BuiltinFunction("\(name)(tensors, dim=0, axis=None)") { a in
                let vs = try sequence(a["tensors"]).map { try VariableObjects.operand($0, "\(name)() tensors") }
                let d = try TensorBindings.catDim(a)
                return VariableObjects.result(try core { stack ? try Variable.stack(vs, dim: d) : try Variable.cat(vs, dim: d) })
            })
        }
        route(lib, "where", BuiltinFunction("where(condition, input=None, other=None)") { a in
            let c = try Convert.tensor(a["condition"]).cast(to: .bool)
            let x = try operandLike(a["input"], a["other"]), y = try operandLike(a["other"], a["input"])
            return VariableObjects.result(try core { try Variable.where(c, x, y) })
        })
    }

    /// An operand of `where`: a number becomes a 0-d tensor of the other side's dtype.
    static func operandLike(_ v: Value, _ other: Value) throws -> Variable {
        if let s = VariableObjects.number(v) {
            let dt = VariableObjects.variable(other)?.dtype ?? .float32
            return try Variable(try Tensor.full([], s, dtype: dt))
        }
        return try VariableObjects.operand(v, "where() operand")
    }
}
