import TrickCore
import TrickLang

/// No silent cut of the graph: a torch function (or tensor method) that has no gradient in trick,
/// given an argument that requires grad while grad mode is on, raises an error naming itself
/// instead of computing on the values (which would drop the graph without a word). Functions
/// whose result torch does not differentiate (argmax, comparisons, isnan, nonzero, one_hot, the
/// `*_like` creators, …) run on the values and return plain tensors, as in torch.
extension AutogradBindings {
    /// The functions that compute with gradients (routes, F functionals, creation with requires_grad).
    nonisolated(unsafe) static var withGradient = Set<ObjectIdentifier>()

    /// torch functions and tensor methods whose result has no gradient in torch either.
    static let nonDifferentiable: Set<String> = [
        "argmax", "argmin", "argsort", "allclose", "isclose", "equal", "any", "all", "nonzero", "count_nonzero",
        "eq", "ne", "lt", "le", "gt", "ge", "not_equal", "less", "less_equal", "greater", "greater_equal",
        "isnan", "isinf", "isfinite", "logical_and", "logical_or", "logical_xor", "logical_not",
        "bitwise_and", "bitwise_or", "bitwise_xor", "floor_divide",
        "one_hot", "unique", "bincount", "numel", "is_tensor", "tensor", "as_tensor",
        "zeros_like", "ones_like", "empty_like", "full_like", "rand_like", "randn_like",
        "tolist", "type", "is_floating_point", "is_contiguous", "element_size", "nelement", "stride", "data_ptr",
        "new_zeros", "new_ones", "new_full", "new_empty", "new_tensor", "__bool__", "__int__", "__float__", "__index__",
        "__format__", "__hash__", "long", "int", "bool", "get_device", "is_complex", "is_signed",
        "argwhere", "searchsorted", "bucketize", "unique_consecutive",
    ]

    static func requiresGrad(_ args: Arguments) -> Bool {
        guard GradMode.isEnabled else { return false }
        func one(_ v: Value) -> Bool {
            switch v {
            case .object: return VariableObjects.variable(v)?.requiresGrad ?? false
            case .list(let l): return l.items.contains(where: one)
            case .tuple(let t): return t.contains(where: one)
            default: return false
            }
        }
        return args.positional.contains(where: one) || args.keywords.contains { one($0.1) }
    }

    static func noGradientError(_ what: String) -> RuntimeError {
        RuntimeError("\(what) has no gradient in trick and an argument requires grad: its result would silently leave the graph. "
                     + "Call .detach() on the argument to use its value as a constant, or compute it under torch.no_grad()",
                     kind: "NotImplementedError")
    }

    /// Wraps every torch / torch.nn.functional function without a gradient route (call last,
    /// after every binding that routes).
    static func guardUnrouted(_ lib: Library) {
        for (prefix, ns) in [("torch", lib.namespace("torch")), ("torch.nn.functional", lib.namespace("F"))] {
            for (name, f) in ns.methods where !withGradient.contains(ObjectIdentifier(f)) && !nonDifferentiable.contains(name) {
                let guarded = BuiltinFunction(raw: f.signatureText, doc: f.doc) { args in
                    if requiresGrad(args) { throw noGradientError("\(prefix).\(name)()") }
                    return try f.call(args)
                }
                withGradient.insert(ObjectIdentifier(guarded))
                replace(lib, f, with: guarded)
                if ns.methods[name] === f { ns.methods[name] = guarded }
            }
        }
    }
}
