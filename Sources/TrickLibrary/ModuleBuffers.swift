import TrickCore
import TrickLang

/// Buffers a script registers (torch's `Module.register_buffer(name, tensor, persistent=True)`):
/// per module (its ModuleState), the names in registration order and whether each is persistent. The values live in
/// the module object's attributes, so reading `self.name` reads the buffer and `self.name = t`
/// replaces it (torch's `__setattr__` for a name in `_buffers`). They join the running statistics
/// of BatchNorm (ModuleValues.stats) in `named_buffers()`/`buffers()` (all, None skipped),
/// `state_dict()`/`load_state_dict()` (persistent ones) and `AveragedModel(use_buffers=True)`.
enum ModuleBuffers {
    struct Entry {
        let name: String
        var persistent: Bool
    }

    static func entries(_ n: ModuleNode) -> [Entry] { ModuleState.existing(n)?.buffers ?? [] }

    static func isBuffer(_ n: ModuleNode, _ name: String) -> Bool { entries(n).contains { $0.name == name } }

    /// The module's own buffers with a tensor (torch skips None), in registration order. (A user
    /// class's `self.name = 3` can leave a non-tensor there: its instances set what the module
    /// refuses as a plain attribute; such a value is no buffer.)
    static func own(_ n: ModuleNode, persistentOnly: Bool) -> [(name: String, value: Value)] {
        let o = ModuleObjects.object(for: n)
        return entries(n).compactMap { e in
            guard !persistentOnly || e.persistent, let v = o.attributes[e.name], isTensor(v) else { return nil }
            return (e.name, v)
        }
    }

    static func isTensor(_ v: Value) -> Bool { v.tensorValue != nil || VariableObjects.variable(v) != nil }

    static func tensor(_ v: Value) throws -> Tensor {
        if let x = VariableObjects.variable(v) { return x.data }
        return try Convert.tensor(v)
    }

    /// `register_buffer` with torch 2.4.1's checks and messages (KeyError for a bad name or a name
    /// the module already has, TypeError for a value that is neither a tensor nor None).
    static func register(_ o: BuiltObject, _ n: ModuleNode, _ name: String, _ value: Value, persistent: Bool) throws {
        if name.contains(".") { throw RuntimeError.exception("KeyError", "buffer name can't contain \".\"") }
        if name.isEmpty { throw RuntimeError.exception("KeyError", "buffer name can't be empty string \"\"") }
        if !isBuffer(n, name), try hasAttribute(o, name) {
            throw RuntimeError.exception("KeyError", "attribute '\(name)' already exists")
        }
        guard value.isNone || isTensor(value) else {
            throw RuntimeError("cannot assign '\(value.typeName)' object to buffer '\(name)' (torch Tensor or None required)", kind: "TypeError")
        }
        var list = entries(n)
        if let i = list.firstIndex(where: { $0.name == name }) { list[i].persistent = persistent } else { list.append(Entry(name: name, persistent: persistent)) }
        ModuleState.of(n).buffers = list
        o.set(name, value)
    }

    /// Python's `hasattr(module, name)` (an attribute, method, parameter or child of the object or its class).
    static func hasAttribute(_ o: BuiltObject, _ name: String) throws -> Bool {
        if o.attributes[name] != nil || o.methods[name] != nil { return true }
        guard let lib = VariableObjects.library, let hasattr = lib.globals["hasattr"] else { return false }
        return try lib.callValue(hasattr, Arguments([.object(o), .str(name)])).truthy()
    }

    /// `module.name = v` for a registered buffer (true when handled): a tensor or None replaces
    /// the value; a module or Parameter takes the name over (torch drops the buffer).
    static func assign(_ o: BuiltObject, _ n: ModuleNode, _ name: String, _ v: Value) throws -> Bool {
        guard isBuffer(n, name) else { return false }
        if ModuleObjects.node(v) != nil || ModuleObjects.parameter(v) != nil {
            ModuleState.of(n).buffers.removeAll { $0.name == name }
            o.removeAttributes([name])
            return false
        }
        guard v.isNone || isTensor(v) else {
            throw RuntimeError("cannot assign '\(v.typeName)' as buffer '\(name)' (torch.Tensor or None expected)", kind: "TypeError")
        }
        o.set(name, v)
        return true
    }

    /// Loads a persistent buffer from a state dict: torch's `copy_` (the buffer keeps its dtype).
    static func load(_ n: ModuleNode, _ name: String, _ t: Tensor) throws -> String? {
        let o = ModuleObjects.object(for: n)
        guard let cur = try o.attributes[name].map(tensor) else { return nil }
        guard t.shape == cur.shape else {
            return "copying a param with shape \(ModuleValues.torchSize(t.shape)) from checkpoint, the shape in current model is \(ModuleValues.torchSize(cur.shape))."
        }
        o.set(name, .tensor(t.cast(to: cur.dtype)))
        return nil
    }

    /// A deep copy's buffers: the same names and flags, the values copied.
    static func copy(from n: ModuleNode, to m: ModuleNode) {
        let list = entries(n)
        guard !list.isEmpty else { return }
        ModuleState.of(m).buffers = list
        let src = ModuleObjects.object(for: n), dst = ModuleObjects.object(for: m)
        for e in list {
            guard let v = src.attributes[e.name] else { continue }
            dst.set(e.name, v.tensorValue.map { .tensor($0) } ?? v)
        }
    }

    /// The registered buffers' part of `module.float()` / `.double()` / `.to(dtype)` (ModuleValues.cast).
    static func cast(_ n: ModuleNode, to dtype: DType) throws {
        for (_, m) in n.namedModules() {
            let o = ModuleObjects.object(for: m)
            for e in entries(m) {
                guard let v = o.attributes[e.name], !v.isNone else { continue }
                let t = try tensor(v)
                if t.dtype.isFloatingPoint { o.set(e.name, .tensor(t.cast(to: dtype))) }
            }
        }
    }
}
