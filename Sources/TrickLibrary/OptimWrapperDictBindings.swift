import TrickCore
import TrickLang

/// MMEngine's `OptimWrapperDict(**optim_wrappers)` (mmengine/optim/optimizer/optimizer_wrapper_dict.py):
/// several OptimWrappers under names (a GAN's generator and discriminator). It is a mapping of them
/// (`[name]`, `in`, `len`, `keys/values/items`); `zero_grad` clears them all; `get_lr` /
/// `get_momentum` / `param_groups` / `state_dict` gather theirs by name (`'gen.lr'`);
/// `load_state_dict` hands each its part. `update_params`, `backward`, `step` and `optim_context`
/// must be called on each wrapper: NotImplementedError, as MMEngine.
enum OptimWrapperDictBindings {
    static func register(_ lib: Library) {
        lib.function("OptimWrapperDict(**optim_wrappers)", doc: "mmengine.optim.OptimWrapperDict: OptimWrappers by name; zero_grad/get_lr/get_momentum/state_dict over all of them.") { a in
            let wrappers = DictRef()
            for (k, v) in a.kwargs {
                guard case .object(let o) = v, o.typeName == "OptimWrapper" else {
                    throw RuntimeError("`OptimWrapperDict` only accept OptimWrapper instance, but got \(k): <class '\(v.typeName)'>", kind: "AssertionError")
                }
                wrappers[str: k] = v
            }
            return .object(make(lib, wrappers))
        }
    }

    static func method(_ v: Value, _ name: String) throws -> BuiltinFunction {
        guard case .object(let o) = v, let m = o.methods[name] else {
            throw RuntimeError("'\(v.typeName)' object has no attribute '\(name)'", kind: "AttributeError")
        }
        return m
    }

    static func make(_ lib: Library, _ wrappers: DictRef) -> BuiltObject {
        let o = BuiltObject(typeName: "OptimWrapperDict", attributes: [("optim_wrappers", .dict(wrappers))])
        o.repr = { wrappers.pairs.map { "name: \(Printer.str($0.0))\n" + Printer.repr($0.1) + "\n" }.joined() }
        for (name, what) in [("update_params(loss, step_kwargs=None, zero_kwargs=None)", "update_params"), ("backward(loss, **kwargs)", "backward"),
                             ("step(**kwargs)", "step")] {
            o.method(name) { _ in throw RuntimeError("`\(what)` should be called by each optimizer separately`", kind: "NotImplementedError") }
        }
        o.method("optim_context(model)") { _ in
            throw RuntimeError("`optim_context` should be called by each optimizer separately", kind: "NotImplementedError")
        }
        o.method("zero_grad(**kwargs)") { a in
            for (_, w) in wrappers.pairs { _ = try method(w, "zero_grad").call(Arguments([], keywords: a.kwargs)) }
            return .none
        }
        o.method("initialize_count_status(model, cur_iter, max_iters)") { _ in .none }
        o.getterNames = { ["param_groups"] }
        o.getter = { name in
            guard name == "param_groups" else { return nil }
            let out = DictRef()
            for (k, w) in wrappers.pairs {
                guard case .object(let wo) = w else { continue }
                out[k] = try wo.getter?("param_groups") ?? wo.attributes["param_groups"] ?? .none
            }
            return .dict(out)
        }
        func gather(_ getter: String, _ key: String, extra: String? = nil) throws -> Value {
            let out = DictRef()
            for (k, w) in wrappers.pairs {
                guard case .dict(let inner) = try method(w, getter).call(Arguments()) else { continue }
                if let extra, let v = inner[str: extra] { out[str: "\(Printer.str(k)).\(extra)"] = v }
                out[str: "\(Printer.str(k)).\(key)"] = inner[str: key] ?? .none
            }
            return .dict(out)
        }
        o.method("get_lr()") { _ in try gather("get_lr", "lr", extra: "base_lr") }
        o.method("get_momentum()") { _ in try gather("get_momentum", "momentum") }
        o.method("state_dict()") { _ in
            let out = DictRef()
            for (k, w) in wrappers.pairs { out[k] = try method(w, "state_dict").call(Arguments()) }
            return .dict(out)
        }
        o.method("load_state_dict(state_dict)") { a in
            guard case .dict(let d) = a["state_dict"] else {
                throw RuntimeError("load_state_dict() argument must be a dict, got \(a["state_dict"].typeName)", kind: "TypeError")
            }
            for (k, part) in d.pairs {
                guard let w = wrappers[k] else {
                    throw RuntimeError("Mismatched `state_dict`! cannot found \(Printer.str(k)) in OptimWrapperDict", kind: "AssertionError")
                }
                _ = try method(w, "load_state_dict").call(Arguments([part]))
            }
            return .none
        }
        o.method("keys()") { _ in .list(ListRef(wrappers.pairs.map(\.0))) }
        o.method("values()") { _ in .list(ListRef(wrappers.pairs.map(\.1))) }
        o.method("items()") { _ in .list(ListRef(wrappers.pairs.map { .tuple([$0.0, $0.1]) })) }
        o.method("__getitem__(key)") { a in
            guard let w = wrappers[a["key"]] else {
                throw RuntimeError("Cannot find \(Printer.str(a["key"])) in OptimWrapperDict, please check your optimizer constructor.", kind: "AssertionError")
            }
            return w
        }
        o.method("__contains__(key)") { a in .bool(wrappers[a["key"]] != nil) }
        o.method("__len__()") { _ in .int(wrappers.count) }
        o.method("__iter__()") { _ in .list(ListRef(wrappers.pairs.map(\.0))) }
        return o
    }
}
