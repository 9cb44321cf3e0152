import TrickCore
import TrickLang

/// `torch.nn.utils`: `clip_grad_norm_` and `clip_grad_value_` over a model's parameters (the same
/// core MMEngine's `OptimWrapper(clip_grad=…)` uses, ClipGrad.swift), and
/// `parameters_to_vector` / `vector_to_parameters`.
enum ClipGradBindings {
    static func register(_ lib: Library) {
        guard let utils = try? Modules.define("torch.nn.utils", in: lib), let clipGrad = try? Modules.define("torch.nn.utils.clip_grad", in: lib) else { return }
        utils.method("clip_grad_norm_(parameters, max_norm, norm_type=2.0, error_if_nonfinite=False, foreach=None)",
                     doc: "torch.nn.utils.clip_grad_norm_: every grad scaled by max_norm / (total norm + 1e-6) when that is below 1; returns the total norm") { a in
            let params = try parameters(a["parameters"], lib)
            let total = try ModuleValues.core {
                try ClipGrad.clipGradNorm(params, maxNorm: try a.double("max_norm"), normType: try a.double("norm_type"),
                                          errorIfNonfinite: try a.bool("error_if_nonfinite"))
            }
            return .tensor(total)
        }
        utils.method("clip_grad_value_(parameters, clip_value, foreach=None)",
                     doc: "torch.nn.utils.clip_grad_value_: every grad clamped to [-clip_value, clip_value], in place") { a in
            ClipGrad.clipGradValue(try parameters(a["parameters"], lib), clipValue: try a.double("clip_value"))
            return .none
        }
        utils.method("parameters_to_vector(parameters)", doc: "torch.nn.utils.parameters_to_vector: the parameters' values flattened and concatenated") { a in
            let values = try items(a["parameters"], lib).map { v -> Tensor in
                if let x = VariableObjects.variable(v) { return try x.data.reshaped([-1]) }
                return try Convert.tensor(v).reshaped([-1])
            }
            return .tensor(try Tensor.cat(values, dim: 0))
        }
        utils.method("vector_to_parameters(vec, parameters)", doc: "torch.nn.utils.vector_to_parameters: slices of vec written into the parameters, in order") { a in
            let vec = try a.tensor("vec")
            guard vec.rank == 1 else { throw RuntimeError("expected torch.Tensor, but got: \(vec.rank)-d tensor", kind: "TypeError") }
            var offset = 0
            for p in try parameters(a["parameters"], lib) {
                let n = p.data.count
                guard offset + n <= vec.count else { throw RuntimeError("vector_to_parameters: vec has \(vec.count) elements, the parameters more", kind: "RuntimeError") }
                let slice = try vec.subscripted([.slice(offset, offset + n, 1)]).reshaped(p.data.shape).cast(to: p.data.dtype)
                p.setValueInPlace(slice)
                offset += n
            }
            return .none
        }
        for name in ["clip_grad_norm_", "clip_grad_value_"] { clipGrad.methods[name] = utils.methods[name] }
    }

    /// The items of a list, tuple, generator or a single tensor (torch accepts one tensor).
    static func items(_ v: Value, _ lib: Library) throws -> [Value] {
        if VariableObjects.variable(v) != nil || v.tensorValue != nil { return [v] }
        switch v {
        case .list(let l): return l.items
        case .tuple(let t): return t
        default:
            guard let list = lib.globals["list"], case .list(let l) = try lib.callValue(list, Arguments([v])) else {
                throw RuntimeError("parameters must be a tensor or an iterable of tensors, got \(v.typeName)", kind: "TypeError")
            }
            return l.items
        }
    }

    /// The autograd parameters among `v`'s items; a plain tensor has no grad and is skipped, as
    /// torch skips a parameter whose `.grad` is None.
    static func parameters(_ v: Value, _ lib: Library) throws -> [any OptimizerParameter] {
        try items(v, lib).compactMap { x in
            if let p = VariableObjects.variable(x) { return p }
            if x.tensorValue != nil { return nil }
            throw RuntimeError("parameters must be tensors, got \(x.typeName)", kind: "TypeError")
        }
    }
}
