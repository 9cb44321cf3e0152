import TrickCore
import TrickLang

/// Weight files besides `torch.save`'s (TorchSaveBindings.swift): `.safetensors` (`safetensors.torch.load_file(path)` /
/// `save_file(tensors, path, metadata=None)`, also `safetensors.numpy`) and numpy's `.npy` / `.npz`
/// (`np.load(path)`, `np.save(path, arr)`, `np.savez(path, *arrays, **named)`,
/// `np.savez_compressed`). Loads give trick tensors (a dict name → tensor for the mappings), so
/// `model.load_state_dict(load_file(path))` brings torch weights in. Writes are explicit save
/// built-ins (README, "No file or network access"): a relative path goes where imwrite puts it.
enum StateFileBindings {
    static func core<R>(_ body: () throws -> R) throws -> R {
        do { return try body() } catch let e as CoreError { throw RuntimeError(e.message, kind: e.kind) }
    }

    static func read(_ path: String) throws -> [UInt8] {
        let p = ImageFiles.locate(path)
        guard ImageFiles.exists(p) else { throw RuntimeError("No such file or directory: '\(path)'", kind: "FileNotFoundError") }
        return try core { try ImageFiles.readBytes(p) }
    }

    static func write(_ path: String, _ bytes: [UInt8]) throws {
        if ImageFiles.writesDisabled { throw RuntimeError("writing files is disabled while fuzzing", kind: "PermissionError") }
        try core { try ImageFiles.writeAtomically(ImageFiles.destination(path), bytes) }
    }

    /// Named tensors of a dict (str keys; autograd tensors and Parameters give their values).
    static func namedTensors(_ v: Value, _ what: String) throws -> [(String, Tensor)] {
        guard case .dict(let d) = v else { throw RuntimeError("\(what) expects a dict of tensors, got \(v.typeName)", kind: "TypeError") }
        return try d.pairs.map { k, x in
            guard case .str(let name) = k else { throw RuntimeError("\(what): keys must be str, got \(k.typeName)", kind: "TypeError") }
            return (name, try tensor(x, "\(what): '\(name)'"))
        }
    }

    static func tensor(_ x: Value, _ what: String) throws -> Tensor {
        if let v = VariableObjects.variable(x) { return v.data }
        guard let t = try? Convert.tensor(x) else { throw RuntimeError("\(what) must be a tensor, got \(x.typeName)", kind: "TypeError") }
        return t
    }

    static func dict(_ items: [(String, Tensor)]) -> Value { .dict(items.map { ($0.0, Value.tensor($0.1)) }) }

    static func register(_ lib: Library) {
        let load = BuiltinFunction("load_file(filename, device='cpu')",
                                   doc: "safetensors.torch.load_file: a dict name -> tensor (F16/BF16 widen to float32, integer types to int64)") { a in
            dict(try core { try Safetensors.read(try read(try a.string("filename"))).tensors })
        }
        let save = BuiltinFunction("save_file(tensors, filename, metadata=None)",
                                   doc: "safetensors.torch.save_file: writes a dict name -> tensor (F32/F64/I64/BOOL) as .safetensors") { a in
            var metadata: [String: String]?
            if case .dict(let m) = a["metadata"] {
                metadata = [:]
                for (k, v) in m.pairs {
                    guard case .str(let key) = k, case .str(let value) = v else { throw RuntimeError("save_file(): metadata must map str to str", kind: "TypeError") }
                    metadata![key] = value
                }
            }
            let bytes = try core { try Safetensors.write(try namedTensors(a["tensors"], "save_file()"), metadata: metadata) }
            try write(try a.string("filename"), bytes)
            return .none
        }
        let safetensors = BuiltObject(typeName: "module")
        safetensors.repr = { "<module 'safetensors'>" }
        for flavour in ["torch", "numpy"] {
            let m = BuiltObject(typeName: "module")
            m.repr = { "<module 'safetensors.\(flavour)'>" }
            m.methods["load_file"] = load
            m.methods["save_file"] = save
            safetensors.set(flavour, .object(m))
        }
        lib.define("safetensors", .object(safetensors))
        lib.define("safetensors_load_file", .builtin(load))
        lib.define("safetensors_save_file", .builtin(save))
        registerNumpy(lib)
    }

    static func withSuffix(_ path: String, _ suffix: String) -> String { path.hasSuffix(suffix) ? path : path + suffix }

    static func registerNumpy(_ lib: Library) {
        guard case .object(let np)? = lib.globals["np"] else { return }
        np.method("load(file, mmap_mode=None, allow_pickle=False, fix_imports=True, encoding='ASCII')",
                  doc: "numpy.load: a .npy file gives a tensor, a .npz file a dict name -> tensor (numpy's NpzFile is a mapping)") { a in
            let bytes = try read(try a.string("file"))
            if bytes.count >= 6, Array(bytes[0..<6]) == [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59] {
                return .tensor(try core { try NPYFormat.read(bytes) })
            }
            let entries = try core { try ZipArchive.read(bytes) }
            return dict(try entries.map { e in
                let name = e.name.hasSuffix(".npy") ? String(e.name.dropLast(4)) : e.name
                return (name, try core { try NPYFormat.read(e.bytes) })
            })
        }
        np.method("save(file, arr, allow_pickle=True, fix_imports=True)", doc: "numpy.save: one tensor as .npy (the suffix added when missing)") { a in
            try write(withSuffix(try a.string("file"), ".npy"), NPYFormat.write(try tensor(a["arr"], "save() argument 'arr'")))
            return .none
        }
        for (name, compressed) in [("savez", false), ("savez_compressed", true)] {
            np.method("\(name)(file, *args, **kwds)",
                      doc: "numpy.\(name): tensors as a zip of .npy files (positional ones named arr_0, arr_1, …)\(compressed ? ", deflated" : "")") { a in
                var items: [(String, Tensor)] = try a.varargs.enumerated().map { i, x in ("arr_\(i)", try tensor(x, "\(name)() argument \(i + 1)")) }
                for (k, x) in a.kwargs {
                    if items.contains(where: { $0.0 == k }) { throw RuntimeError("Cannot use un-named variables and keyword \(k)", kind: "ValueError") }
                    items.append((k, try tensor(x, "\(name)() argument '\(k)'")))
                }
                let entries = items.map { ZipArchive.Entry(name: $0.0 + ".npy", bytes: NPYFormat.write($0.1)) }
                try write(withSuffix(try a.string("file"), ".npz"), try core { try ZipArchive.write(entries, compressed: compressed) })
                return .none
            }
        }
    }
}
