import TrickCore
import TrickLang

/// Script-side objects for model skeletons: a `BuiltObject` per `ModuleNode` (children and
/// parameters as attributes, torch's methods) and per `ModuleParameter`. One object per core
/// node, so sharing a module or a `Parameter` in a script shares it in the skeleton too.
///
/// The object holds its node; the node refers to its object weakly (ModuleState.object,
/// ModuleParameter.boundObject), and the closures installed on an object refer to it unowned,
/// so a module the script lets go of is freed, as in CPython (see ModuleState).
enum ModuleObjects {
    static func node(_ v: Value) -> ModuleNode? {
        if case .object(let o) = v, let n = o.payload as? ModuleNode { return n }
        return nil
    }

    static func parameter(_ v: Value) -> ModuleParameter? {
        if case .object(let o) = v, let p = o.payload as? ModuleParameter { return p }
        return nil
    }

    static func module(_ a: Bound, _ name: String) throws -> ModuleNode {
        guard let n = node(a[name]) else {
            throw RuntimeError("\(a.function)() argument '\(name)' must be a module (Module, Conv2d, Sequential, …), got \(a[name].typeName)", kind: "TypeError")
        }
        return n
    }

    // MARK: Parameters

    static func existingObject(for p: ModuleParameter) -> BuiltObject? {
        p.boundObject.map { unsafeDowncast($0, to: BuiltObject.self) }
    }

    static func object(for p: ModuleParameter) -> BuiltObject {
        if let o = existingObject(for: p) { return o }
        let o = BuiltObject(typeName: "Parameter", payload: p)
        refresh(o, p)
        o.repr = {
            let head = "Parameter(shape=\(Printer.repr(.shapeTuple(p.shape))), requires_grad=\(p.requiresGrad ? "True" : "False"))"
            if let v = p.variable { return "Parameter containing:\n" + v.description }
            return head
        }
        o.method("numel()") { _ in .int(p.numel) }
        o.method("dim()") { _ in .int(p.ndim) }
        o.method("size(dim=None)") { a in
            guard let d = try a.optionalInt("dim") else { return .shapeTuple(p.shape) }
            let i = d < 0 ? d + p.ndim : d
            guard i >= 0, i < p.ndim else { throw RuntimeError("size(): dim \(d) out of range for a \(p.ndim)-d parameter", kind: "IndexError") }
            return .int(p.shape[i])
        }
        o.method("requires_grad_(requires_grad=True)") { [unowned o] a in
            p.requiresGrad = try a.bool("requires_grad")
            refresh(o, p)
            return .object(o)
        }
        o.setter = { [unowned o] name, v in
            guard name == "requires_grad" else {
                throw RuntimeError("cannot set attribute '\(name)' of a Parameter (only requires_grad)", kind: "AttributeError")
            }
            guard case .bool(let b) = v else { throw RuntimeError("requires_grad must be a bool, got \(v.typeName)", kind: "TypeError") }
            p.requiresGrad = b
            refresh(o, p)
        }
        p.boundObject = o
        gainedValues(p)
        return o
    }

    /// A parameter with values is an autograd leaf: its object gets arithmetic, `.grad`, `.data`, …
    /// (once; called when the values arrive after the object was made, e.g. by a constructor).
    static func gainedValues(_ p: ModuleParameter) {
        guard p.variable != nil, let o = existingObject(for: p), o.getter == nil else { return }
        o.removeAttributes(["shape", "requires_grad", "ndim", "data"])
        VariableObjects.install(o) {
            guard let v = p.variable else { throw RuntimeError("the parameter has no values (a skeleton)", kind: "ValueError") }
            return v
        }
    }

    static func refresh(_ o: BuiltObject, _ p: ModuleParameter) {
        // a parameter with values answers shape, requires_grad, data … through its variable
        if p.variable != nil { return }
        o.set("shape", .shapeTuple(p.shape))
        o.set("requires_grad", .bool(p.requiresGrad))
        o.set("ndim", .int(p.ndim))
        if let d = p.data { o.set("data", .tensor(d)) }
    }

    static func refreshParameters(of n: ModuleNode) {
        for (_, p) in n.namedParameters() {
            if let o = existingObject(for: p) { refresh(o, p) }
        }
    }

    // MARK: Modules

    /// The object of a core node; children made by the core (e.g. `conv_offset`) get objects too.
    static func object(for n: ModuleNode) -> BuiltObject {
        let state = ModuleState.of(n)
        if let o = state.object { return o }
        let o = BuiltObject(typeName: n.typeName, payload: n)
        state.object = o
        for (name, p) in n.parameters { o.set(name, .object(object(for: p))) }
        for (name, c) in n.children { o.set(name, .object(object(for: c))) }
        o.repr = { reprTree(n) }
        installMethods(o, n)
        ModuleValues.install(o, n)
        return o
    }

    static func wrap(_ n: ModuleNode) -> Value { .object(object(for: n)) }

    static func reprTree(_ n: ModuleNode, indent: String = "") -> String {
        if n.children.isEmpty { return "\(n.typeName)(\(scriptExtraRepr(n) ?? n.extraRepr))" }
        // as torch's Module.__repr__: the children only (a module's own parameters are not listed)
        var s = "\(n.typeName)(\n"
        for (name, c) in n.children { s += "\(indent)  (\(name)): " + reprTree(c, indent: indent + "  ") + "\n" }
        return s + indent + ")"
    }

    /// The `extra_repr()` a script class (or a bundled module: nn.LogSoftmax, nn.Unflatten, …)
    /// defines for a module without children, as torch's Module.__repr__ prints it.
    static func scriptExtraRepr(_ n: ModuleNode) -> String? {
        guard let o = ModuleState.existing(n)?.object, o.instanceClass != nil, let lib = VariableObjects.library,
              let getattr = lib.globals["getattr"],
              let f = try? lib.callValue(getattr, Arguments([.object(o), .str("extra_repr"), .none])), !f.isNone,
              case .str(let s)? = try? lib.callValue(f, Arguments([])) else { return nil }
        return s
    }

    static func installMethods(_ o: BuiltObject, _ n: ModuleNode) {
        o.method("named_parameters(prefix='', recurse=True)") { a in
            let prefix = try a.string("prefix")
            let items = try a.bool("recurse") ? n.namedParameters() : n.parameters
            return .list(items.map { .tuple([.str(prefix.isEmpty ? $0.name : prefix + "." + $0.name), .object(object(for: $0.param))]) })
        }
        o.method("parameters(recurse=True)") { a in
            let items = try a.bool("recurse") ? n.namedParameters() : n.parameters
            return .list(items.map { .object(object(for: $0.param)) })
        }
        o.method("named_modules()") { _ in
            .list(n.namedModules().map { .tuple([.str($0.name), .object(object(for: $0.module))]) })
        }
        o.method("modules()") { _ in .list(n.namedModules().map { .object(object(for: $0.module)) }) }
        o.method("named_children()") { _ in
            .list(n.uniqueChildren.map { .tuple([.str($0.name), .object(object(for: $0.module))]) })
        }
        o.method("children()") { _ in .list(n.uniqueChildren.map { .object(object(for: $0.module)) }) }
        o.method("named_buffers()") { _ in
            .list(n.namedBuffers().map { .tuple([.str($0.name), .shapeTuple($0.shape)]) })
        }
        o.method("requires_grad_(requires_grad=True)") { [unowned o] a in
            n.setRequiresGrad(try a.bool("requires_grad"))
            refreshParameters(of: n)
            return .object(o)
        }
        o.method("num_parameters(only_trainable=False)") { a in
            let train = try a.bool("only_trainable")
            return .int(n.namedParameters().filter { !train || $0.param.requiresGrad }.reduce(0) { acc, p in
                let (r, o) = acc.addingReportingOverflow(p.param.numel)
                return o ? Int.max : r
            })
        }
        o.method("__getitem__(index)") { a in
            try item(n, a["index"])
        }
        o.method("__len__()") { _ in .int(n.children.count) }
        o.method("__setitem__(index, value)") { [unowned o] a in
            let key: String
            switch a["index"] {
            case .int(let i):
                let j = i < 0 ? i + n.children.count : i
                guard j >= 0, j < n.children.count else {
                    throw RuntimeError("index \(i) is out of range for \(n.typeName) of length \(n.children.count)", kind: "IndexError")
                }
                key = n.children[j].name
            case .str(let s): key = s
            default: throw RuntimeError("\(n.typeName) indices must be int or str, got \(a["index"].typeName)", kind: "TypeError")
            }
            try assign(o, n, key, a["value"])
            return .none
        }
        o.method("__iter__()") { _ in
            // ModuleDict iterates its keys, Sequential / ModuleList their modules (as torch).
            if n.kind == .moduleDict { return .list(n.children.map { .str($0.name) }) }
            return .list(n.children.map { wrap($0.module) })
        }
        o.method("add_module(name, module)") { [unowned o] a in
            try assign(o, n, try a.string("name"), a["module"])
            return .none
        }
        o.method("register_parameter(name, param)") { [unowned o] a in
            try assign(o, n, try a.string("name"), a["param"])
            return .none
        }
        o.method("register_buffer(name, tensor, persistent=True)",
                 doc: "torch's Module.register_buffer: `self.name` is the tensor (or None); it is in buffers()/named_buffers() and, when persistent, in state_dict()/load_state_dict().") { [unowned o] a in
            try ModuleBuffers.register(o, n, try a.string("name"), a["tensor"], persistent: try a.bool("persistent"))
            return .none
        }
        o.method("append(module)") { [unowned o] a in
            try assign(o, n, String(n.children.count), a["module"])
            return .object(o)
        }
        o.setter = { [unowned o] name, v in try assign(o, n, name, v) }
    }

    /// `model.name = module_or_parameter` (torch `__setattr__`).
    static func assign(_ o: BuiltObject, _ n: ModuleNode, _ name: String, _ v: Value) throws {
        if let options = NormOptions.of(n), try options.set(name, v) { return }
        if try ModuleBuffers.assign(o, n, name, v) { return }
        if let s = ModuleValues.stats(n), name == "running_mean" || name == "running_var" {
            // a BatchNorm buffer replaced by a tensor of its shape (`bn.running_var = torch.ones_like(bn.running_var)`)
            guard let t = VariableObjects.variable(v)?.data ?? (try? Convert.tensor(v)) else {
                throw RuntimeError("cannot assign \(v.typeName) as buffer '\(name)' of \(n.typeName): expected a tensor", kind: "TypeError")
            }
            let current = name == "running_mean" ? s.mean : s.variance
            guard t.shape == current.shape else {
                throw RuntimeError("\(n.typeName).\(name) has shape \(Tensor.formatShape(current.shape)), got a tensor of shape \(Tensor.formatShape(t.shape))", kind: "RuntimeError")
            }
            if name == "running_mean" { s.mean = t.cast(to: current.dtype) } else { s.variance = t.cast(to: current.dtype) }
            return
        }
        if let c = node(v) {
            // A module inside itself would make every traversal and repr endless.
            guard !c.namedModules().contains(where: { $0.module === n }) else {
                throw RuntimeError("cannot add child '\(name)' to \(n.typeName): that module contains it (a module cannot contain itself)", kind: "ValueError")
            }
            n.setChild(name, c)
            o.set(name, v)
        } else if let p = parameter(v) {
            n.setParameter(name, p)
            o.set(name, v)
        } else if n.parameters.contains(where: { $0.name == name }) {
            throw RuntimeError("cannot assign '\(v.typeName)' as parameter '\(name)' (torch.nn.Parameter or None expected)", kind: "TypeError")
        } else if n.children.contains(where: { $0.name == name }) {
            throw RuntimeError("cannot assign '\(v.typeName)' as child module '\(name)' (torch.nn.Module or None expected)", kind: "TypeError")
        } else {
            o.set(name, v)   // any other attribute, as torch allows (`self.num_classes = 19`)
        }
    }

    /// `seq[i]` for Sequential / ModuleList (negative indices count from the end), `d['k']` for ModuleDict.
    static func item(_ n: ModuleNode, _ key: Value) throws -> Value {
        switch key {
        case .int(let i):
            let j = i < 0 ? i + n.children.count : i
            guard j >= 0, j < n.children.count else {
                throw RuntimeError("index \(i) is out of range for \(n.typeName) of length \(n.children.count)", kind: "IndexError")
            }
            return wrap(n.children[j].module)
        case .str(let s):
            guard let c = n.child(s) else {
                throw RuntimeError("\(n.typeName) has no child '\(s)'", kind: "KeyError")
            }
            return wrap(c)
        default:
            throw RuntimeError("\(n.typeName) indices must be int or str, got \(key.typeName)", kind: "TypeError")
        }
    }
}
