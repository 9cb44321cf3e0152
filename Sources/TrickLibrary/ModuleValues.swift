import TrickCore
import TrickLang

/// nn modules with values: what a module built by `nn.Conv2d(...)`, `nn.BatchNorm2d(...)`,
/// `nn.Sequential(...)` … computes, on top of the skeleton `ModuleNode` the param-group code
/// reads. Per module (its ModuleState, on the node): its forward, its running statistics
/// (BatchNorm buffers) and its `training` flag. Module objects gain torch's `__call__`/`forward`, `train()`/`eval()`,
/// `zero_grad`, `buffers()`/`named_buffers()`, `state_dict()`/`load_state_dict()`.
///
/// Skeleton models (the PSPNet of recipe 01, `Module(...)` containers of skeleton layers) have
/// no values: calling them or reading their state dict says so.
enum ModuleValues {
    typealias Forward = (Value) throws -> Value

    /// A BatchNorm's running statistics (nil for a layer without them).
    static func stats(_ n: ModuleNode) -> RunningStats? { ModuleState.existing(n)?.stats }

    static func isTraining(_ n: ModuleNode) -> Bool { ModuleState.existing(n)?.training ?? true }

    /// `module.train(mode)` for one module: the flag its forward reads and its object's `training`.
    static func setTraining(_ n: ModuleNode, _ mode: Bool) {
        ModuleState.of(n).training = mode
        ModuleObjects.object(for: n).set("training", .bool(mode))
    }

    static func isCumulative(_ n: ModuleNode) -> Bool { ModuleState.existing(n)?.cumulativeStats ?? false }

    /// Whether calling the module runs a forward: a built layer's, or a script class's.
    static func hasForward(_ n: ModuleNode) -> Bool {
        guard let s = ModuleState.existing(n) else { return false }
        return s.forward != nil || s.factory != nil || (s.object?.instanceClass != nil && s.object?.callable != nil)
    }

    static func core<R>(_ body: () throws -> R) throws -> R {
        do { return try body() } catch let e as CoreError { throw RuntimeError(e.message, kind: e.kind) }
    }

    /// Gives a module's object its forward (`m(x)`, `m.forward(x)`); the object holds it.
    private static func setForward(_ o: BuiltObject, _ n: ModuleNode, _ f: @escaping Forward) {
        let box = ForwardBox(f)
        ModuleState.of(n).forward = box
        let call = BuiltinFunction("forward(input)") { a in try core { try box.body(a["input"]) } }
        o.callable = call
        o.methods["forward"] = call
    }

    /// Calls a child module (its object's forward).
    static func call(_ n: ModuleNode, _ x: Value) throws -> Value {
        if let f = ModuleState.existing(n)?.forward { return try f.body(x) }
        // no object holds a forward now: a new object makes it again (from the factory), and an
        // instance of a script class (a user's nn.Module subclass, nn.LogSoftmax) runs its class's forward
        let o = ModuleObjects.object(for: n)
        return try withExtendedLifetime(o) {
            if let f = ModuleState.of(n).forward { return try f.body(x) }
            if o.instanceClass != nil, let lib = VariableObjects.library { return try lib.callValue(.object(o), Arguments([x])) }
            throw RuntimeError("\(n.typeName) has no forward in trick (a skeleton or a container: call its children)", kind: "NotImplementedError")
        }
    }

    /// The variable of a parameter, or the skeleton error.
    static func variable(_ p: ModuleParameter?, _ what: String) throws -> Variable? {
        guard let p else { return nil }
        guard let v = p.variable else {
            throw RuntimeError("parameter '\(what)' of the module has no values (a skeleton)", kind: "ValueError")
        }
        return v
    }

    static func input(_ x: Value, _ n: ModuleNode) throws -> Variable {
        if let v = VariableObjects.variable(x) { return v }
        guard let t = x.tensorValue else {
            throw RuntimeError("\(n.typeName).forward() expects a tensor, got \(x.typeName)", kind: "TypeError")
        }
        return try Variable(t)
    }

    /// Registers how `module`'s forward is made, and makes it.
    static func setForward(_ module: Value, factory: @escaping (ModuleNode) throws -> Forward) throws {
        guard let n = ModuleObjects.node(module), case .object(let o) = module else { return }
        ModuleState.of(n).factory = factory
        setForward(o, n, try factory(n))
    }

    /// `copy.deepcopy(module)`: new nodes, parameters (same values, same requires_grad, no grad),
    /// running statistics, train/eval flags and forwards; a module or parameter shared within the
    /// tree stays shared in the copy (torch's memo). Returns the copy's object: the objects of the
    /// copied modules hold their registered buffers, and live as long as the copy's does.
    static func deepCopy(_ root: ModuleNode) throws -> BuiltObject {
        var nodes: [ObjectIdentifier: ModuleNode] = [:]
        var params: [ObjectIdentifier: ModuleParameter] = [:]
        var pairs: [(ModuleNode, ModuleNode)] = []
        func copy(_ n: ModuleNode) throws -> ModuleNode {
            if let m = nodes[ObjectIdentifier(n)] { return m }
            let m = ModuleNode(typeName: n.typeName, kind: n.kind)
            nodes[ObjectIdentifier(n)] = m
            m.extraRepr = n.extraRepr
            for (name, p) in n.parameters {
                let q = params[ObjectIdentifier(p)] ?? ModuleParameter(shape: p.shape, requiresGrad: p.requiresGrad, data: p.data)
                params[ObjectIdentifier(p)] = q
                m.setParameter(name, q)
            }
            for (name, shape) in n.buffers { m.addBuffer(name, shape: shape) }
            for (name, c) in n.children { m.setChild(name, try copy(c)) }
            if let s = ModuleState.existing(n) {
                let t = ModuleState.of(m)
                if let r = s.stats {
                    t.stats = RunningStats(mean: r.mean, variance: r.variance)
                    t.stats?.batchesTracked = r.batchesTracked
                }
                t.training = s.training
                t.normOptions = s.normOptions?.copy()
                if let f = s.factory {
                    t.factory = f   // (the copy's object makes its forward)
                } else if s.forward != nil {
                    throw RuntimeError("deepcopy: the forward of \(n.typeName) cannot be copied", kind: "TypeError")
                }
            }
            pairs.append((n, m))
            return m
        }
        let m = try copy(root)
        // the objects once the tree is whole: the root's holds its children's (which make their forwards)
        let o = ModuleObjects.object(for: m)
        for (n, m) in pairs { ModuleBuffers.copy(from: n, to: m) }
        return o
    }

    // MARK: values for the layers

    static func initLayer(_ n: ModuleNode) throws {
        guard let w = n.parameter("weight") else { return }
        let bias = n.parameter("bias")
        let (wt, b) = try NNInit.defaultLayer(weightShape: w.shape, bias: bias != nil, biasSize: bias?.shape.first)
        w.data = wt
        if let b { n.parameter("bias")?.data = b }
    }

    static func initNorm(_ n: ModuleNode, channels: Int, track: Bool) throws {
        n.parameter("weight")?.data = try Tensor.ones([channels])
        n.parameter("bias")?.data = try Tensor.zeros([channels])
        if track { ModuleState.of(n).stats = try RunningStats(channels: channels) }
    }

    // MARK: methods every module object gets

    static func install(_ o: BuiltObject, _ n: ModuleNode) {
        o.set("training", .bool(isTraining(n)))
        o.method("train(mode=True)") { [unowned o] a in
            let mode = try a.bool("mode")
            for (_, m) in n.namedModules() { setTraining(m, mode) }
            return .object(o)
        }
        o.method("eval()") { [unowned o] _ in
            for (_, m) in n.namedModules() { setTraining(m, false) }
            return .object(o)
        }
        o.method("zero_grad(set_to_none=True)") { a in
            let none = try a.bool("set_to_none")
            for (_, p) in n.namedParameters() {
                guard let v = p.variable, let g = v.grad else { continue }
                v.grad = none ? nil : try Tensor.zeros(g.shape, dtype: g.dtype)
            }
            return .none
        }
        for name in ["cpu", "cuda"] {
            o.method("\(name)(*args, **kwargs)") { [unowned o] _ in .object(o) }
        }
        o.method("to(*args, **kwargs)") { [unowned o] a in
            // a device changes nothing (trick runs on the CPU); a dtype, or a tensor's, casts
            for v in a.varargs + a.kwargs.map(\.1) {
                guard let d = v.tensorValue?.dtype ?? VariableObjects.variable(v)?.dtype ?? { if case .str(let s) = v { return DType(name: s) }; return nil }() else { continue }
                guard d.isFloatingPoint else {
                    throw RuntimeError("nn.Module.to only accepts floating point or complex dtypes, but got desired dtype=torch.\(d.rawValue)", kind: "TypeError")
                }
                try cast(n, to: d)
            }
            return .object(o)
        }
        for (name, dtype) in [("float", DType.float32), ("double", .float64), ("half", .float16), ("bfloat16", .bfloat16)] {
            o.method("\(name)()", doc: "torch's Module.\(name)(): floating-point parameters and buffers become torch.\(dtype.rawValue) (integer buffers keep their dtype). Where trick differs: conv2d and batch_norm compute in float32 only, so a model cast to another dtype runs only its other layers (Linear, activations, losses); those two say so.") { [unowned o] _ in
                try cast(n, to: dtype)
                return .object(o)
            }
        }
        o.method("named_buffers(prefix='', recurse=True, remove_duplicate=True)") { a in
            let prefix = try a.string("prefix")
            return .list(namedBuffers(n, recurse: try a.bool("recurse")).map { .tuple([.str(prefix.isEmpty ? $0.name : prefix + "." + $0.name), $0.value]) })
        }
        o.method("buffers(recurse=True)") { a in .list(namedBuffers(n, recurse: try a.bool("recurse")).map(\.value)) }
        o.method("state_dict(destination=None, prefix='', keep_vars=False)") { a in
            let d = DictRef()
            d.flavor = DictFlavor(.orderedDict)   // torch's Module.state_dict() is an OrderedDict
            let prefix = try a.string("prefix"), keep = try a.bool("keep_vars")
            for (k, v) in try stateDict(n, keepVars: keep) { d[str: prefix + k] = v }
            return .dict(d)
        }
        o.method("load_state_dict(state_dict, strict=True, assign=False)") { a in
            try loadStateDict(n, try a.dict("state_dict"), strict: try a.bool("strict"))
        }
        o.method("__deepcopy__(memo=None)") { _ in
            let copy = try deepCopy(n)
            if let lib = VariableObjects.library, let m = copy.payload as? ModuleNode { try ModuleClassCopy.adoptTree(n, m, lib) }
            return .object(copy)
        }
        o.method("apply(fn)") { [unowned o] a in
            guard let lib = VariableObjects.library else { return .object(o) }
            // children first, then the module itself (torch's order)
            for (_, m) in n.namedModules().reversed() { _ = try lib.callValue(a["fn"], Arguments([ModuleObjects.wrap(m)])) }
            return .object(o)
        }
        // a new object for a node whose object went makes the forward again
        if let s = ModuleState.existing(n), let f = s.factory, let forward = try? f(n) { setForward(o, n, forward) }
        o.getter = { name in
            // a built-in layer's class is its constructor (`m.__class__`, for issubclass)
            if name == "__class__", let lib = VariableObjects.library, case .builtin(let c)? = lib.globals[n.typeName] { return .builtin(c) }
            if let v = NormOptions.of(n)?.get(name) { return v }
            guard let s = stats(n) else { return nil }
            switch name {
            case "running_mean": return .tensor(s.mean)
            case "running_var": return .tensor(s.variance)
            case "num_batches_tracked": return .tensor(Tensor(shape: [], int64: [s.batchesTracked]))
            default: return nil
            }
        }
    }

    /// `module.float()` / `.double()` / `.to(dtype)`: torch's `_apply` — floating-point parameters
    /// and buffers take the dtype, integer ones (num_batches_tracked) keep theirs.
    static func cast(_ n: ModuleNode, to dtype: DType) throws {
        for (_, p) in n.namedParameters() where p.data?.dtype.isFloatingPoint == true { p.data = p.data?.cast(to: dtype) }
        for (_, m) in n.namedModules() {
            guard let s = stats(m) else { continue }
            s.mean = s.mean.cast(to: dtype)
            s.variance = s.variance.cast(to: dtype)
        }
        try ModuleBuffers.cast(n, to: dtype)
    }

    /// A module's own buffers in torch's `_buffers` order: BatchNorm's running_mean, running_var,
    /// num_batches_tracked, then those a script registered; `persistentOnly` for the state dict.
    static func ownBuffers(_ m: ModuleNode, persistentOnly: Bool) -> [(name: String, value: Value)] {
        var out: [(name: String, value: Value)] = []
        if let s = stats(m) {
            out.append(("running_mean", .tensor(s.mean)))
            out.append(("running_var", .tensor(s.variance)))
            out.append(("num_batches_tracked", .tensor(Tensor(shape: [], int64: [s.batchesTracked]))))
        }
        return out + ModuleBuffers.own(m, persistentOnly: persistentOnly)
    }

    /// Buffers in torch's order: per module in `named_modules()` order, its own (a skeleton's by shape).
    static func namedBuffers(_ n: ModuleNode, recurse: Bool = true) -> [(name: String, value: Value)] {
        var out: [(String, Value)] = []
        for (prefix, m) in recurse ? n.namedModules() : [("", n)] {
            let p = prefix.isEmpty ? "" : prefix + "."
            if stats(m) == nil { for (name, shape) in m.buffers { out.append((p + name, .shapeTuple(shape))) } }
            out += ownBuffers(m, persistentOnly: false).map { (p + $0.name, $0.value) }
        }
        return out
    }

    /// `state_dict()`: per module in `named_modules()` order, its own parameters then its buffers.
    static func stateDict(_ n: ModuleNode, keepVars: Bool) throws -> [(String, Value)] {
        var out: [(String, Value)] = []
        var seen = Set<ObjectIdentifier>()
        for (prefix, m) in n.namedModules() {
            let p = prefix.isEmpty ? "" : prefix + "."
            for (name, param) in m.parameters {
                guard let v = param.variable else {
                    throw RuntimeError("state_dict(): parameter '\(p + name)' has no values (a skeleton)", kind: "ValueError")
                }
                _ = seen.insert(ObjectIdentifier(param))
                out.append((p + name, keepVars ? .object(ModuleObjects.object(for: param)) : .tensor(v.data)))
            }
            out += ownBuffers(m, persistentOnly: true).map { (p + $0.name, $0.value) }
        }
        return out
    }

    static func torchSize(_ s: [Int]) -> String { "torch.Size([\(s.map(String.init).joined(separator: ", "))])" }

    /// `load_state_dict(sd, strict)`: values copied in place (no graph), torch's messages for
    /// size mismatches and, when strict, missing and unexpected keys; returns `_IncompatibleKeys`.
    static func loadStateDict(_ n: ModuleNode, _ sd: DictRef, strict: Bool) throws -> Value {
        var missing: [String] = [], errors: [String] = []
        var expected = Set<String>()
        for (prefix, m) in n.namedModules() {
            let p = prefix.isEmpty ? "" : prefix + "."
            for (name, param) in m.parameters {
                let key = p + name
                expected.insert(key)
                guard let v = sd[str: key] else { missing.append(key); continue }
                let t = try Convert.tensor(v)
                guard let variable = param.variable else { param.data = t; ModuleObjects.gainedValues(param); continue }
                guard t.shape == variable.shape else {
                    errors.append("size mismatch for \(key): copying a param with shape \(torchSize(t.shape)) from checkpoint, the shape in current model is \(torchSize(variable.shape)).")
                    continue
                }
                try core { try GradMode.noGrad { try variable.inPlace { _ in try Variable(t.cast(to: variable.dtype)) } } }
            }
            if let s = stats(m) {
                for name in ["running_mean", "running_var", "num_batches_tracked"] {
                    let key = p + name
                    expected.insert(key)
                    guard let v = sd[str: key] else { missing.append(key); continue }
                    let t = try Convert.tensor(v)
                    switch name {
                    case "running_mean", "running_var":
                        let cur = name == "running_mean" ? s.mean : s.variance
                        guard t.shape == cur.shape else {
                            errors.append("size mismatch for \(key): copying a param with shape \(torchSize(t.shape)) from checkpoint, the shape in current model is \(torchSize(cur.shape)).")
                            continue
                        }
                        if name == "running_mean" { s.mean = t.cast(to: cur.dtype) } else { s.variance = t.cast(to: cur.dtype) }
                    default: s.batchesTracked = Int64(try t.item())
                    }
                }
            }
            for (name, _) in ModuleBuffers.own(m, persistentOnly: true) {
                let key = p + name
                expected.insert(key)
                guard let v = sd[str: key] else { missing.append(key); continue }
                if let e = try ModuleBuffers.load(m, name, try Convert.tensor(v)) { errors.append("size mismatch for \(key): " + e) }
            }
        }
        let unexpected = sd.keys.compactMap { k -> String? in
            guard case .str(let s) = k else { return nil }
            return expected.contains(s) ? nil : s
        }
        var msgs = errors
        if strict {
            if !unexpected.isEmpty { msgs.insert("Unexpected key(s) in state_dict: \(unexpected.map { "\"\($0)\"" }.joined(separator: ", ")). ", at: 0) }
            if !missing.isEmpty { msgs.insert("Missing key(s) in state_dict: \(missing.map { "\"\($0)\"" }.joined(separator: ", ")). ", at: 0) }
        }
        if !msgs.isEmpty {
            throw RuntimeError("Error(s) in loading state_dict for \(n.typeName):\n\t" + msgs.joined(separator: "\n\t"), kind: "RuntimeError")
        }
        let r = BuiltObject(typeName: "_IncompatibleKeys", attributes: [
            ("missing_keys", .list(missing.map { .str($0) })), ("unexpected_keys", .list(unexpected.map { .str($0) })),
        ])
        r.repr = {
            if missing.isEmpty && unexpected.isEmpty { return "<All keys matched successfully>" }
            return "_IncompatibleKeys(missing_keys=\(Printer.repr(.list(missing.map { .str($0) }))), unexpected_keys=\(Printer.repr(.list(unexpected.map { .str($0) }))))"
        }
        return .object(r)
    }
}
