import TrickCore
import TrickLang

/// `torch.save(obj, f)` and `torch.load(f, map_location=None, *, weights_only=None)` in torch's
/// own file format (core: StateFiles/TorchArchive.swift), for what checkpoints hold: dicts
/// (`OrderedDict` and `Counter` kept), lists, tuples, sets, str, int, float, bool, None and tensors
/// of every dtype trick has, nested. A module's or an optimizer's `state_dict()`, a scheduler's,
/// and a dict of them all go both ways: trick's files load in torch, torch's in trick.
///
/// Where trick differs: `torch.load` always loads as `weights_only=True` does (it rebuilds no
/// class but tensors, `Parameter`s and those containers, so it gives no FutureWarning; anything
/// else is an error naming the class); tensors come back on the CPU whatever `map_location` says
/// (a device other than the CPU is an error); a tensor saved as a view of a larger storage comes
/// back as its own copy; `torch.save` writes pickle protocol 2 (torch's default) whatever
/// `pickle_protocol` is, and `f` is a path (trick has no file objects or `io.BytesIO`).
enum TorchSaveBindings {
    static let saveable = "trick saves tensors, dicts, OrderedDicts, lists, tuples, sets, numbers, strings and None"

    static func register(_ lib: Library) {
        let torch = lib.namespace("torch")
        torch.method("save(obj, f, pickle_module=None, pickle_protocol=2, _use_new_zipfile_serialization=True, _disable_byteorder_record=False)",
                     doc: "torch.save: obj (state dicts, tensors, nested dicts/OrderedDicts/lists/tuples/sets of numbers and strings) written to the path f in torch's zip format, which torch.load reads. "
                        + "Where trick differs: pickle protocol 2 (torch's default) whatever pickle_protocol says; f is a path (no file objects); modules and other objects are refused (save their state_dict()).") { a in
            guard try a.bool("_use_new_zipfile_serialization") else {
                throw RuntimeError("torch.save: trick writes only the zip format (_use_new_zipfile_serialization=True)", kind: "NotImplementedError")
            }
            let path = try a.string("f")
            var converter = ToPickled()
            let object = try converter.convert(a["obj"])
            let bytes = try StateFileBindings.core { try TorchArchive.write(object, archiveName: TorchArchive.archiveName(forPath: path)) }
            try StateFileBindings.write(path, bytes)
            return .none
        }
        torch.method("load(f, map_location=None, pickle_module=None, *, weights_only=None, mmap=None, **pickle_load_args)",
                     doc: "torch.load: what torch.save wrote to the path f (torch's or trick's): tensors, Parameters, dicts, OrderedDicts, Counters, lists, tuples, sets, numbers, strings. "
                        + "Where trick differs: always as weights_only=True loads (any other class is an error naming it; Counters and sets, which torch's weights-only loader refuses, load); "
                        + "tensors load on the CPU (map_location naming another device is an error); a view of a larger storage loads as its own copy.") { a in
            try checkLocation(a["map_location"])
            let bytes = try StateFileBindings.read(try a.string("f"))
            let loaded = try StateFileBindings.core { try TorchArchive.read(bytes) }
            var converter = FromPickled(lib: lib)
            return try converter.convert(loaded)
        }
    }

    /// `map_location`: the CPU (a string, a `torch.device`, a dict of locations or a function,
    /// which only move tensors between devices): trick's tensors are all on the CPU.
    static func checkLocation(_ v: Value) throws {
        var name: String?
        switch v {
        case .str(let s): name = s
        case .object(let o) where o.typeName == "device": name = (o.attributes["type"]).flatMap { if case .str(let s) = $0 { return s } else { return nil } }
        default: break
        }
        if let name, name != "cpu", !name.hasPrefix("cpu:") {
            throw RuntimeError("torch.load: map_location '\(name)': trick runs on the CPU (use map_location='cpu')", kind: "RuntimeError")
        }
    }


    /// A trick value as a `Pickled` object; a list, dict, set or tensor met twice is the same object.
    struct ToPickled {
        var seen: [ObjectIdentifier: Pickled] = [:]

        mutating func convert(_ v: Value, depth: Int = 0) throws -> Pickled {
            // Python's pickler stops at its recursion limit; so does trick's (PickleReader.maxDepth)
            guard depth < PickleReader.maxDepth else {
                throw RuntimeError("torch.save: the object nests deeper than \(PickleReader.maxDepth) levels", kind: "RecursionError")
            }
            func convert(_ x: Value) throws -> Pickled { try self.convert(x, depth: depth + 1) }
            switch v {
            case .none: return .none
            case .bool(let b): return .bool(b)
            case .int(let i): return .int(i)
            case .float(let d): return .float(d)
            case .str(let s): return .string(s)
            case .tuple(let items): return .tuple(try items.map { try convert($0) })
            case .list(let l):
                if let p = seen[ObjectIdentifier(l)] { return p }
                let p = PickledList()
                seen[ObjectIdentifier(l)] = .list(p)
                p.items = try l.items.map { try convert($0) }
                return .list(p)
            case .dict(let d):
                if let p = seen[ObjectIdentifier(d)] { return p }
                let kind: PickledDict.Kind
                switch d.flavor?.kind {
                case nil: kind = .dict
                case .orderedDict?: kind = .orderedDict
                case .counter?: kind = .counter
                case let other?: throw RuntimeError("torch.save: cannot save a '\(other.rawValue)' (\(TorchSaveBindings.saveable))", kind: "TypeError")
                }
                let p = PickledDict(kind: kind)
                seen[ObjectIdentifier(d)] = .dict(p)
                p.pairs = try d.pairs.map { (try convert($0.0), try convert($0.1)) }
                return .dict(p)
            case .set(let s):
                if let p = seen[ObjectIdentifier(s)] { return p }
                let p = PickledList()
                seen[ObjectIdentifier(s)] = .set(p)
                p.items = try s.items.map { try convert($0) }
                return .set(p)
            case .tensor(let ref):
                return try tensor(ObjectIdentifier(ref)) { PickledTensor(ref.tensor) }
            case .object(let o):
                if let variable = VariableObjects.variable(v) {
                    return try tensor(ObjectIdentifier(o)) {
                        PickledTensor(variable.data, requiresGrad: variable.requiresGrad, isParameter: o.typeName == "Parameter")
                    }
                }
                throw RuntimeError("torch.save: cannot save a '\(o.typeName)' object (\(TorchSaveBindings.saveable); save model.state_dict())", kind: "TypeError")
            default:
                throw RuntimeError("torch.save: cannot save a '\(v.typeName)' (\(TorchSaveBindings.saveable))", kind: "TypeError")
            }
        }

        private mutating func tensor(_ id: ObjectIdentifier, _ make: () -> PickledTensor) throws -> Pickled {
            if let p = seen[id] { return p }
            let p = make()
            if p.tensor.isNumpy {
                throw RuntimeError("torch.save: cannot save a numpy array (torch pickles numpy's own format; save torch.from_numpy(a))", kind: "TypeError")
            }
            seen[id] = .tensor(p)
            return .tensor(p)
        }
    }

    /// A loaded object as trick values; an object the file refers to twice stays one object.
    struct FromPickled {
        let lib: Library
        var made: [ObjectIdentifier: Value] = [:]

        init(lib: Library) { self.lib = lib }

        /// (PickleReader refuses nests deeper than Python's recursion limit, so this recursion is bounded.)
        mutating func convert(_ p: Pickled) throws -> Value {
            switch p {
            case .none: return .none
            case .bool(let b): return .bool(b)
            case .int(let i): return .int(i)
            case .float(let d): return .float(d)
            case .string(let s): return .str(s)
            case .tuple(let items): return .tuple(try items.map { try convert($0) })
            case .list(let l):
                if let v = made[ObjectIdentifier(l)] { return v }
                let ref = ListRef([])
                made[ObjectIdentifier(l)] = .list(ref)
                ref.items = try l.items.map { try convert($0) }
                return .list(ref)
            case .dict(let d):
                if let v = made[ObjectIdentifier(d)] { return v }
                let ref = DictRef()
                switch d.kind {
                case .dict: break
                case .orderedDict: ref.flavor = DictFlavor(.orderedDict)
                case .counter: ref.flavor = DictFlavor(.counter)
                }
                made[ObjectIdentifier(d)] = .dict(ref)
                for (k, v) in d.pairs { try ref.set(try convert(k), try convert(v)) }
                return .dict(ref)
            case .set(let s):
                if let v = made[ObjectIdentifier(s)] { return v }
                let v = Value.set(try SetRef(try s.items.map { try convert($0) }))
                made[ObjectIdentifier(s)] = v
                return v
            case .tensor(let t):
                if let v = made[ObjectIdentifier(t)] { return v }
                let v: Value
                if t.isParameter {
                    v = .object(ModuleObjects.object(for: ModuleParameter(shape: t.tensor.shape, requiresGrad: t.requiresGrad, data: t.tensor)))
                } else if t.requiresGrad {
                    v = .object(VariableObjects.make(try TrainingOptimBindings.core { try Variable(t.tensor, requiresGrad: true) }))
                } else {
                    v = .tensor(t.tensor)
                }
                made[ObjectIdentifier(t)] = v
                return v
            case .global(let module, let name):
                throw RuntimeError(PickleReader.cannotRebuild("torch.load", module, name).message, kind: "UnpicklingError")
            case .storage:
                throw RuntimeError("torch.load: the file holds a bare storage, not a tensor (trick loads tensors)", kind: "UnpicklingError")
            }
        }
    }
}
