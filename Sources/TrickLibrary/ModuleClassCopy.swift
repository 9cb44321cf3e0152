import TrickCore
import TrickLang

/// The deep copy of a module that is an instance of a script class deriving from `nn.Module`
/// (torch's `copy.deepcopy(model)` in `AveragedModel` / MMEngine's averaged models): the copy's
/// object gets the instance's class — its `forward` (so `swa_model(x)` and `update_bn(loader,
/// swa_model)` run the class's forward on the averaged weights), its other methods bound to the
/// copy, and the instance's plain attributes (ints, strings, lists: shared, as trick's values).
enum ModuleClassCopy {
    static func adopt(_ original: Value, _ copy: ModuleNode, _ lib: Library) throws {
        guard case .object(let src) = original, src.instanceClass != nil,
              let typeFunction = lib.globals["type"], let getattr = lib.globals["getattr"] else { return }
        let cls = try lib.callValue(typeFunction, Arguments([original]))
        let dst = ModuleObjects.object(for: copy)
        dst.instanceClass = src.instanceClass
        for k in src.attributeOrder where dst.attributes[k] == nil {
            if let v = src.attributes[k] { dst.set(k, v) }
        }
        // (a closure, not a nested function: one of those would hold `dst` strongly, and the
        // getter below holds it — a cycle that would keep the copy)
        let method = { [unowned dst] (name: String) -> Value? in
            guard let f = try? lib.callValue(getattr, Arguments([cls, .str(name)])), case .function = f else { return nil }
            return .builtin(BuiltinFunction(raw: "\(name)(*args, **kwargs)") { [unowned dst] args in
                try lib.callValue(f, Arguments([.object(dst)] + args.positional, keywords: args.keywords))
            })
        }
        let previous = dst.getter
        dst.getter = { name in
            if let v = try previous?(name) { return v }
            return method(name)
        }
        if case .builtin(let forward)? = method("forward") {
            // called directly (or as a child: ModuleValues.call), the copy takes the class
            // forward's own arguments (masks, flags)
            dst.callable = forward
            dst.methods["forward"] = forward
        }
    }

    /// `copy.deepcopy(module)`: every module of the copy that stands for an instance of a script
    /// class (the root and its children, e.g. a TransformerEncoder's deep-copied layers holding a
    /// MultiheadAttention) adopts that instance's class, attributes and forward.
    static func adoptTree(_ original: ModuleNode, _ copy: ModuleNode, _ lib: Library) throws {
        let a = original.namedModules(), b = copy.namedModules()
        guard a.count == b.count else { return }
        // children first: a parent's attributes then see the adopted children
        for (src, dst) in zip(a, b).reversed() {
            try adopt(.object(ModuleObjects.object(for: src.module)), dst.module, lib)
        }
    }
}
