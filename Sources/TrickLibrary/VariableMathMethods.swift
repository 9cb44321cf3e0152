import TrickCore
import TrickLang

/// The second list of differentiable tensor methods and torch functions (issue 17): std / var,
/// cumsum, sort / topk, bmm, chunk / split / unbind / narrow, the elementwise math (sin, cos,
/// tan, log1p, expm1, exp2, log2, log10, rsqrt, atan2, and sign / floor / ceil / round / trunc
/// with their zero gradients), flip, repeat, unflatten, `F.normalize` and constant `F.pad`.
/// The methods go into VariableMethods' table; the torch functions of the same name are routed
/// to them when an argument is an autograd tensor. Names a plain tensor lacked (unbind,
/// unflatten, exp2, atan2, F.normalize, F.pad) run on plain tensors through the same code.
extension VariableMethods {
    static func registerMath() {
        for (name, isStd) in [("std", true), ("var", false)] {
            define("\(name)(self, dim=None, unbiased=True, keepdim=False, correction=None)") { v, a in
                var corr = try a.bool("unbiased") ? 1.0 : 0.0
                if a.has("correction") { corr = try a.double("correction") }
                let d = try TensorBindings.dims(a), k = try a.bool("keepdim")
                return result(isStd ? try v.std(dims: d, correction: corr, keepdim: k) : try v.variance(dims: d, correction: corr, keepdim: k))
            }
        }
        define("cumsum(self, dim, dtype=None)") { v, a in
            var x = v
            if let dt = try TensorBindings.dtype(a) { x = try x.cast(to: dt) }
            return result(try x.cumsum(dim: try a.int("dim")))
        }
        define("sort(self, dim=-1, descending=False, stable=False)") { v, a in
            let (values, indices) = try v.sort(dim: try a.int("dim"), descending: try a.bool("descending"), stable: try a.bool("stable"))
            return .tuple([result(values), .tensor(indices)])
        }
        define("topk(self, k, dim=-1, largest=True, sorted=True)") { v, a in
            let (values, indices) = try v.topk(try a.int("k"), dim: try a.int("dim"), largest: try a.bool("largest"), sorted: try a.bool("sorted"))
            return .tuple([result(values), .tensor(indices)])
        }
        define("bmm(self, mat2)") { v, a in result(try v.bmm(try VariableObjects.operand(a["mat2"], "bmm() argument 'mat2'"))) }

        define("split(self, split_size_or_sections, dim=0)") { v, a in
            switch a["split_size_or_sections"] {
            case .list, .tuple:
                let sizes = try Convert.ints(a["split_size_or_sections"], what: "split() argument 'split_size_or_sections'")
                return .tuple(try v.split(sizes: sizes, dim: try a.int("dim")).map(result))
            default:
                return .tuple(try v.split(try a.int("split_size_or_sections"), dim: try a.int("dim")).map(result))
            }
        }
        define("chunk(self, chunks, dim=0)") { v, a in .tuple(try v.chunk(try a.int("chunks"), dim: try a.int("dim")).map(result)) }
        define("unbind(self, dim=0)") { v, a in .tuple(try v.unbind(try a.int("dim")).map(result)) }
        define("narrow(self, dim, start, length)") { v, a in
            result(try v.narrow(try a.int("dim"), try a.int("start"), try a.int("length")))
        }
        define("flip(self, *dims)") { v, a in result(try v.flip(try sizes(a, "dims"))) }
        define("repeat(self, *sizes)") { v, a in result(try v.repeated(try sizes(a, "sizes"))) }
        define("unflatten(self, dim, sizes)") { v, a in
            let d = try Tensor.normalizeDim(try a.int("dim"), rank: v.rank)
            var s = try Convert.ints(a["sizes"], what: "unflatten() argument 'sizes'")
            if let free = s.firstIndex(of: -1) {
                let known = s.enumerated().filter { $0.offset != free }.reduce(1) { $0 * $1.element }
                s[free] = known == 0 ? 0 : v.shape[d] / known
            }
            guard s.reduce(1, *) == v.shape[d] else {
                throw RuntimeError("unflatten: Provided sizes \(s) don't multiply up to the size of dim \(d) (\(v.shape[d])) in the input tensor", kind: "RuntimeError")
            }
            return result(try v.reshape(Array(v.shape[..<d]) + s + Array(v.shape[(d + 1)...])))
        }

        define("sin(self)") { v, _ in result(try v.sin()) }
        define("cos(self)") { v, _ in result(try v.cos()) }
        define("tan(self)") { v, _ in result(try v.tan()) }
        define("log1p(self)") { v, _ in result(try v.log1p()) }
        define("expm1(self)") { v, _ in result(try v.expm1()) }
        define("exp2(self)") { v, _ in result(try v.exp2()) }
        define("log2(self)") { v, _ in result(try v.log(base: 2)) }
        define("log10(self)") { v, _ in result(try v.log(base: 10)) }
        define("rsqrt(self)") { v, _ in result(try v.rsqrt()) }
        define("erf(self)") { v, _ in result(try v.erf()) }
        for (name, op) in [("sign", UnaryOp.sign), ("floor", .floor), ("ceil", .ceil), ("round", .round), ("trunc", .trunc)] {
            define("\(name)(self)") { v, _ in result(try v.step(op)) }
        }
        define("atan2(self, other)") { v, a in result(try v.atan2(try VariableObjects.operand(a["other"], "atan2() argument 'other'"))) }
    }

    /// The names above that torch also has as functions (`torch.sin(x)`), with their first parameter.
    static let mathFunctions: [(String, String)] = [
        ("std", "input"), ("var", "input"), ("cumsum", "input"), ("sort", "input"), ("topk", "input"), ("bmm", "input"),
        ("split", "tensor"), ("chunk", "input"), ("unbind", "input"), ("narrow", "input"), ("flip", "input"),
        ("sin", "input"), ("cos", "input"), ("tan", "input"), ("log1p", "input"), ("expm1", "input"), ("exp2", "input"),
        ("log2", "input"), ("log10", "input"), ("rsqrt", "input"), ("sign", "input"), ("floor", "input"), ("ceil", "input"),
        ("round", "input"), ("trunc", "input"), ("atan2", "input"), ("erf", "input"),
    ]
}

extension AutogradBindings {
    static func registerMathRoutes(_ lib: Library) {
        for (name, first) in VariableMethods.mathFunctions { routeToMethod(lib, name, first: first) }
        // torch functions / tensor methods a plain tensor did not have: the variable code (its
        // result is a plain tensor when nothing requires grad)
        for name in ["unbind", "unflatten", "exp2", "atan2", "narrow", "erf"] where lib.tensorMethods[name] == nil {
            guard let m = VariableMethods.table[name] else { continue }
            lib.tensorMethod(m.signatureText, doc: "torch.Tensor.\(name)") { a in try m.call(a.forwarding(m.signature)) }
        }
        let F = lib.namespace("F")
        let normalize = BuiltinFunction("normalize(input, p=2.0, dim=1, eps=1e-12, out=None)",
                                        doc: "torch.nn.functional.normalize: input / max(‖input‖_p along dim, eps) (DivBackward0)") { a in
            let x = try VariableMethods.me(a, "input")
            return try core {
                let d = try a.int("dim")
                let n = try x.norm(p: try a.double("p"), dims: [d], keepdim: true).clamp(min: try a.double("eps"), max: nil)
                return VariableObjects.result(try x.div(try n.expand(x.shape)))
            }
        }
        let pad = BuiltinFunction("pad(input, pad, mode='constant', value=None)",
                                  doc: "torch.nn.functional.pad: mode 'constant' (ConstantPadNdBackward0; negative amounts crop), 'reflect', 'replicate' or 'circular' (ReflectionPad2DBackward0, …)") { a in
            let mode = try a.choice("mode", ["constant", "reflect", "replicate", "circular"])
            let x = try VariableMethods.me(a, "input")
            let amounts = try Convert.ints(a["pad"], what: "pad() argument 'pad'")
            if let m = Rearrange.PadMode(rawValue: mode) {
                if a.has("value"), try a.double("value") != 0 {
                    throw RuntimeError("Padding mode \"\(mode)\" doesn't take in value argument.", kind: "AssertionError")
                }
                return VariableObjects.result(try core { try x.pad(amounts, mode: m) })
            }
            return VariableObjects.result(try core { try x.constantPad(amounts, value: try a.optionalDouble("value") ?? 0) })
        }
        for f in [normalize, pad] {   // `F.pad`; the global F_pad is what `import torch.nn.functional` binds (Modules.swift)
            withGradient.insert(ObjectIdentifier(f))
            F.methods[f.name] = f
            lib.define("F_" + f.name, .builtin(f))
        }
    }
}
