import TrickCore
import TrickLang

/// The dtypes as torch and numpy name them: `torch.iinfo` / `torch.finfo`, numpy's dtype names
/// (`np.uint8`, …) and `astype`. The dtype objects themselves are strings (`torch.int8` is
/// 'torch.int8', `np.uint8` is 'uint8'), which every `dtype=` argument accepts.
enum DTypeBindings {
    static func register(_ lib: Library) {
        let torch = lib.namespace("torch")
        torch.method("iinfo(type)", doc: "torch.iinfo: bits, min, max of an integer dtype (uint8, int8, int16, int32, int64)") { a in
            let d = try dtypeArgument(a, "iinfo")
            guard let r = d.integerRange, let text = d.iinfoRepr else {
                throw RuntimeError("torch.iinfo() requires an integer input type, got \(TensorFormatter.dtypeName(d)); use torch.finfo", kind: "TypeError")
            }
            return info("iinfo", text, [("bits", .int(d.byteSize * 8)), ("min", .int(Int(r.min))), ("max", .int(Int(r.max))),
                                        ("dtype", .str(d.rawValue))])
        }
        torch.method("finfo(type=None)", doc: "torch.finfo: bits, eps, max, min, tiny (smallest_normal), resolution of a float dtype (default float32)") { a in
            let d = a["type"].isNone ? DType.float32 : try dtypeArgument(a, "finfo")
            guard let f = d.floatInfo, let text = d.finfoRepr else {
                throw RuntimeError("torch.finfo() requires a floating point input type, got \(TensorFormatter.dtypeName(d)); use torch.iinfo", kind: "TypeError")
            }
            return info("finfo", text, [("bits", .int(f.bits)), ("eps", .float(f.eps)), ("max", .float(f.max)), ("min", .float(-f.max)),
                                        ("tiny", .float(f.tiny)), ("smallest_normal", .float(f.tiny)),
                                        ("resolution", .float(f.resolution)), ("dtype", .str(d.rawValue))])
        }

        guard case .object(let np)? = lib.globals["np"] else { return }
        for d in DType.allCases where d != .bfloat16 { np.set(d.rawValue, .str(d.rawValue)) }
        np.set("bool_", .str("bool"))
        lib.tensorMethod("astype(self, dtype, copy=True)", doc: "numpy's ndarray.astype: a copy in another dtype (float→int truncates toward zero, integers wrap); copy= is accepted (the result is always a new array)") { a in
            guard var d = try TensorBindings.dtype(a) else { throw RuntimeError("astype() needs a dtype", kind: "TypeError") }
            let t = try a.tensor("self")
            if case .str(let s) = a["dtype"], s == "int" { d = .int64 }
            var r = t.cast(to: d)
            r.isNumpy = t.isNumpy
            return .tensor(r)
        }
    }

    static func dtypeArgument(_ a: Bound, _ function: String) throws -> DType {
        guard case .str(let s) = a["type"], let d = DType(name: s) else {
            throw RuntimeError("torch.\(function)(): expected a dtype such as torch.int8, got \(Printer.repr(a["type"])) (trick has \(DType.knownNames))", kind: "TypeError")
        }
        return d
    }

    static func info(_ typeName: String, _ text: String, _ attributes: [(String, Value)]) -> Value {
        let o = BuiltObject(typeName: typeName, attributes: attributes)
        o.repr = { text }
        return .object(o)
    }
}
