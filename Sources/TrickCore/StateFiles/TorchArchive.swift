/// `torch.save` / `torch.load`'s file format, as torch 2.4.1 writes it (torch/serialization.py
/// `_save`, torch/_tensor.py `__reduce_ex__`): a zip archive (stored entries) of
/// - `<archive>/data.pkl`: the object, pickled at protocol 2, where each tensor is
///   `torch._utils._rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad,
///   OrderedDict())` and each storage the persistent id `('storage', torch.FloatStorage, key,
///   'cpu', numel)` (an `nn.Parameter` is `torch._utils._rebuild_parameter(tensor, requires_grad,
///   OrderedDict())`);
/// - `<archive>/byteorder`: `little`; `<archive>/data/<key>`: each storage's raw elements, keys
///   `'0'`, `'1'`, … in the order the pickler met them; `<archive>/version`: `3`.
/// `<archive>` is the file's name without its directory and extension (torch's
/// `PyTorchStreamWriter`). Reading takes any archive of that layout: every storage type trick has
/// a dtype for, views at any offset and stride (copied: trick's tensors do not share storage), a
/// big-endian `byteorder`, and pickles of any protocol (PickleReader).
public enum TorchArchive {
    /// torch's legacy storage classes, by element type.
    static let storageTypes: [(name: String, element: TensorBytes.Element)] = [
        ("FloatStorage", .f32), ("DoubleStorage", .f64), ("HalfStorage", .f16), ("BFloat16Storage", .bf16),
        ("LongStorage", .i64), ("IntStorage", .i32), ("ShortStorage", .i16), ("CharStorage", .i8),
        ("ByteStorage", .u8), ("BoolStorage", .bool),
    ]

    /// torch's `basename`: the last path component up to its last dot ("archive" when that is empty).
    public static func archiveName(forPath path: String) -> String {
        var name = Substring(path.split(separator: "/", omittingEmptySubsequences: false).last ?? "")
        if let dot = name.lastIndex(of: ".") { name = name[..<dot] }
        return name.isEmpty ? "archive" : String(name)
    }

    // MARK: writing

    public static func write(_ object: Pickled, archiveName: String) throws -> [UInt8] {
        final class Storages { var records: [(key: String, bytes: [UInt8])] = [] }
        let storages = Storages()
        var pickler = PickleWriter { w, t in
            guard let type = storageTypes.first(where: { $0.element == TensorBytes.Element.of(t.tensor.dtype) }) else {
                throw CoreError("torch.save: tensors of dtype \(t.tensor.dtype) cannot be saved")
            }
            let key = String(storages.records.count)
            storages.records.append((key, TensorBytes.encode(t.tensor)))
            if t.isParameter { w.global("torch._utils", "_rebuild_parameter"); w.mark() }
            w.global("torch._utils", "_rebuild_tensor_v2")
            w.mark()
            try w.write(.tuple([.string("storage"), .global(module: "torch", name: type.name), .string(key), .string("cpu"), .int(t.tensor.count)]))
            w.persistentID()
            try w.write(.int(0))
            try w.write(.tuple(t.tensor.shape.map { .int($0) }))
            try w.write(.tuple(t.tensor.strides.map { .int($0) }))
            try w.write(.bool(t.requiresGrad && !t.isParameter))
            try w.write(.dict(PickledDict(kind: .orderedDict)))
            w.tuple()
            w.reduce()
            if t.isParameter {
                try w.write(.bool(t.requiresGrad))
                try w.write(.dict(PickledDict(kind: .orderedDict)))
                w.tuple()
                w.reduce()
            }
        }
        try pickler.write(object)
        pickler.stop()
        let prefix = archiveName + "/"
        var entries = [ZipArchive.Entry(name: prefix + "data.pkl", bytes: pickler.out), ZipArchive.Entry(name: prefix + "byteorder", bytes: Array("little".utf8))]
        for r in storages.records.sorted(by: { $0.key < $1.key }) { entries.append(ZipArchive.Entry(name: prefix + "data/" + r.key, bytes: r.bytes)) }
        entries.append(ZipArchive.Entry(name: prefix + "version", bytes: Array("3\n".utf8)))
        return try ZipArchive.write(entries, compressed: false)
    }

    // MARK: reading

    public static func read(_ bytes: [UInt8]) throws -> Pickled {
        guard bytes.count >= 4, Array(bytes[0..<4]) == [0x50, 0x4B, 0x03, 0x04] else {
            if bytes.first == 0x80 {
                throw CoreError("torch.load: this is torch's legacy format (torch < 1.6, or _use_new_zipfile_serialization=False); trick reads the zip format torch has written since 1.6", kind: "RuntimeError")
            }
            throw CoreError("torch.load: not a file torch.save wrote (no zip archive)", kind: "RuntimeError")
        }
        let entries: [ZipArchive.Entry]
        do { entries = try ZipArchive.read(bytes) } catch let e as CoreError {
            throw CoreError("torch.load: the file is not a complete zip archive (\(e.message))", kind: "RuntimeError")
        }
        var records: [String: [UInt8]] = [:]
        for e in entries { records[e.name] = e.bytes }
        guard let pkl = entries.first(where: { $0.name.hasSuffix("/data.pkl") && $0.name.dropLast(9).allSatisfy { $0 != "/" } }) else {
            if entries.contains(where: { $0.name.hasSuffix("/constants.pkl") }) {
                throw CoreError("torch.load: this is a TorchScript archive (torch.jit.save), which trick does not load", kind: "RuntimeError")
            }
            throw CoreError("torch.load: the archive has no data.pkl (not a file torch.save wrote)", kind: "RuntimeError")
        }
        let prefix = String(pkl.name.dropLast(8))
        let bigEndian = records[prefix + "byteorder"].map { String(decoding: $0, as: UTF8.self) == "big" } ?? false
        var loaded: [String: PickledStorage] = [:]
        var reader = PickleReader(pkl.bytes, what: "torch.load", calls: calls) { pid in
            guard case .tuple(let t) = pid, t.count == 5, case .string("storage") = t[0], case .global(let module, let name) = t[1], case .string(let key) = t[2] else {
                throw CoreError("torch.load: an unknown persistent id \(pid.typeName) (not a torch storage)", kind: "UnpicklingError")
            }
            if let s = loaded[key] { return .storage(s) }
            guard module == "torch", let type = storageTypes.first(where: { $0.name == name }) else {
                throw PickleReader.cannotRebuild("torch.load", module, name)
            }
            guard let data = records[prefix + "data/" + key] else {
                throw CoreError("torch.load: the archive has no storage '\(key)' (\(prefix)data/\(key))", kind: "RuntimeError")
            }
            let s = PickledStorage(element: type.element, bytes: data, bigEndian: bigEndian)
            loaded[key] = s
            return .storage(s)
        }
        return try reader.load()
    }

    /// The callables a checkpoint's pickle names that rebuild tensors (torch/_utils.py).
    static let calls: [String: PickleReader.Call] = [
        "torch._utils._rebuild_tensor_v2": { try rebuildTensor($0) },
        "torch._utils._rebuild_tensor": { try rebuildTensor($0) },
        "torch._utils._rebuild_parameter": { try rebuildParameter($0) },
        "torch._utils._rebuild_parameter_with_state": { try rebuildParameter($0) },
        "torch._tensor._rebuild_from_type_v2": { try rebuildFromType($0) },
        "torch.Size": { args in
            guard case .tuple(let dims)? = args.first else { throw CoreError("torch.load: torch.Size of a non-tuple", kind: "UnpicklingError") }
            return .tuple(dims)
        },
    ]

    /// `_rebuild_from_type_v2(func, type, args, state)`: a torch.Tensor or Parameter rebuilt by func.
    static func rebuildFromType(_ args: [Pickled]) throws -> Pickled {
        guard args.count >= 3, case .global(let m, let n) = args[0], case .tuple(let inner) = args[2] else {
            throw CoreError("torch.load: _rebuild_from_type_v2 with unexpected arguments", kind: "UnpicklingError")
        }
        guard let f = calls["\(m).\(n)"] else { throw PickleReader.cannotRebuild("torch.load", m, n) }
        return try f(inner)
    }

    static func ints(_ v: Pickled, _ what: String) throws -> [Int] {
        guard case .tuple(let t) = v else { throw CoreError("torch.load: a tensor's \(what) is a \(v.typeName), not a tuple", kind: "UnpicklingError") }
        return try t.map {
            guard case .int(let i) = $0 else { throw CoreError("torch.load: a tensor's \(what) holds a \($0.typeName)", kind: "UnpicklingError") }
            return i
        }
    }

    /// `_rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks, metadata=None)`.
    static func rebuildTensor(_ args: [Pickled]) throws -> Pickled {
        guard args.count >= 4, case .storage(let s) = args[0], case .int(let offset) = args[1] else {
            throw CoreError("torch.load: _rebuild_tensor_v2 with unexpected arguments", kind: "UnpicklingError")
        }
        var requiresGrad = false
        if args.count > 4, case .bool(let b) = args[4] { requiresGrad = b }
        let t = try view(s, offset: offset, size: try ints(args[2], "size"), stride: try ints(args[3], "stride"))
        return .tensor(PickledTensor(t, requiresGrad: requiresGrad))
    }

    /// `_rebuild_parameter(data, requires_grad, backward_hooks)`.
    static func rebuildParameter(_ args: [Pickled]) throws -> Pickled {
        guard args.count >= 2, case .tensor(let data) = args[0], case .bool(let requiresGrad) = args[1] else {
            throw CoreError("torch.load: _rebuild_parameter with unexpected arguments", kind: "UnpicklingError")
        }
        return .tensor(PickledTensor(data.tensor, requiresGrad: requiresGrad, isParameter: true))
    }

    /// The elements of a view of `s` (torch's `as_strided`), copied into a contiguous tensor.
    static func view(_ s: PickledStorage, offset: Int, size: [Int], stride: [Int]) throws -> Tensor {
        let e = s.element
        guard size.count == stride.count, offset >= 0, size.allSatisfy({ $0 >= 0 }), stride.allSatisfy({ $0 >= 0 }) else {
            throw CoreError("torch.load: a tensor with size \(size), stride \(stride) and offset \(offset) is not a view of its storage", kind: "RuntimeError")
        }
        let count = try Tensor.elementCount(size)
        if count == 0 { return try TensorBytes.decode([], offset: 0, e, shape: size) }
        var last = offset
        for (n, st) in zip(size, stride) {
            let (step, o1) = (n - 1).multipliedReportingOverflow(by: st)
            let (sum, o2) = last.addingReportingOverflow(step)
            guard !o1, !o2 else { throw CoreError("torch.load: a tensor's view overflows", kind: "RuntimeError") }
            last = sum
        }
        guard last < s.count else {
            throw CoreError("torch.load: a tensor of size \(size) at offset \(offset) runs past its storage of \(s.count) elements", kind: "RuntimeError")
        }
        let contiguous = zip(zip(size, stride), Tensor.contiguousStrides(size)).allSatisfy { $0.0.0 == 1 || $0.0.1 == $0.1 }
        if contiguous { return try TensorBytes.decode(s.bytes, offset: offset * e.size, e, shape: size, bigEndian: s.bigEndian) }
        // a strided view: gather its elements in row-major order
        var gathered: [UInt8] = []
        gathered.reserveCapacity(count * e.size)
        var index = [Int](repeating: 0, count: size.count)
        for _ in 0..<count {
            let at = (offset + zip(index, stride).reduce(0) { $0 + $1.0 * $1.1 }) * e.size
            gathered += s.bytes[at..<(at + e.size)]
            var d = size.count - 1
            while d >= 0 {
                index[d] += 1
                if index[d] < size[d] { break }
                index[d] = 0
                d -= 1
            }
        }
        return try TensorBytes.decode(gathered, offset: 0, e, shape: size, bigEndian: s.bigEndian)
    }
}
