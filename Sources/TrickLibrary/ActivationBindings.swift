import TrickCore
import TrickLang

/// The activations of `torch.nn.functional` beyond relu / sigmoid / tanh, with gradients
/// (ActivationGrad.swift): leaky_relu, gelu, silu, elu, selu, relu6, hardtanh, hardswish,
/// hardsigmoid, softplus, logsigmoid, mish; and `torch.erf` / `x.erf()`. `inplace=True` writes the
/// result into the input (a plain tensor or a non-leaf autograd tensor), as torch.
extension AutogradBindings {
    /// `F.name(...)` computing `f(input)`; with `inplace=True` the input takes the result.
    static func activation(_ lib: Library, _ sig: String, doc: String = "", _ f: @escaping (Variable, Bound) throws -> Variable) {
        let name = String(sig.prefix { $0 != "(" })
        functional(lib, sig, doc: "torch.nn.functional.\(name)" + doc) { a in
            let x = try VariableMethods.me(a, "input")
            guard a.isBound("inplace"), try a.bool("inplace") else { return VariableObjects.result(try f(x, a)) }
            if case .tensor(let ref) = a["input"] {
                ref.tensor = try f(x, a).data
            } else {
                try x.inPlace { try f($0, a) }
            }
            return a["input"]
        }
    }

    static func registerActivations(_ lib: Library) {
        activation(lib, "leaky_relu(input, negative_slope=0.01, inplace=False)") { x, a in try x.leakyRelu(slope: try a.double("negative_slope")) }
        activation(lib, "gelu(input, approximate='none')") { x, a in
            try x.gelu(tanhApproximation: try a.choice("approximate", ["none", "tanh"]) == "tanh")
        }
        activation(lib, "silu(input, inplace=False)") { x, _ in try x.silu() }
        activation(lib, "elu(input, alpha=1.0, inplace=False)") { x, a in try x.elu(alpha: try a.double("alpha")) }
        activation(lib, "selu(input, inplace=False)") { x, _ in try x.selu() }
        activation(lib, "relu6(input, inplace=False)") { x, _ in try x.hardtanh(min: 0, max: 6) }
        activation(lib, "hardtanh(input, min_val=-1.0, max_val=1.0, inplace=False)") { x, a in
            try x.hardtanh(min: try a.double("min_val"), max: try a.double("max_val"))
        }
        activation(lib, "hardswish(input, inplace=False)",
                   doc: ". Where trick differs: the gradient at exactly x = 3 is 1 everywhere, as torch's vectorised CPU kernel gives it (torch's scalar tail, the last n mod 8 float32 elements, gives 1.5)") { x, _ in try x.hardswish() }
        activation(lib, "hardsigmoid(input, inplace=False)") { x, _ in try x.hardsigmoid() }
        activation(lib, "softplus(input, beta=1.0, threshold=20.0)") { x, a in try x.softplus(beta: try a.double("beta"), threshold: try a.double("threshold")) }
        activation(lib, "logsigmoid(input)") { x, _ in try x.logsigmoid() }
        activation(lib, "mish(input, inplace=False)") { x, _ in try x.mish() }
    }
}

/// The probability losses of `torch.nn.functional` with gradients (NLLLossGrad.swift, LossGrad.swift):
/// nll_loss, binary_cross_entropy, kl_div, huber_loss, cosine_similarity.
extension AutogradBindings {
    static func registerProbabilityLosses(_ lib: Library) {
        let r = VariableObjects.result
        func v(_ a: Bound, _ name: String = "input") throws -> Variable { try VariableMethods.me(a, name) }
        functional(lib, "nll_loss(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None, reduction='mean')",
                   doc: "torch.nn.functional.nll_loss") { a in
            r(try Variable.nllLoss(try v(a), try Convert.tensor(a["target"]), weight: try a.optionalTensor("weight"),
                                   ignoreIndex: try a.int("ignore_index"), reduction: try LossBindings.legacyReduction(a)))
        }
        functional(lib, "binary_cross_entropy(input, target, weight=None, size_average=None, reduce=None, reduction='mean')",
                   doc: "torch.nn.functional.binary_cross_entropy (the log clamped at -100, as torch)") { a in
            r(try Variable.binaryCrossEntropy(try v(a), try Convert.tensor(a["target"]), weight: try a.optionalTensor("weight"),
                                              reduction: try LossBindings.legacyReduction(a)))
        }
        functional(lib, "kl_div(input, target, size_average=None, reduce=None, reduction='mean', log_target=False)",
                   doc: "torch.nn.functional.kl_div ('batchmean' divides the sum by the batch size)") { a in
            let reduction = a.has("size_average") || a.has("reduce") ? try LossBindings.legacyReduction(a).rawValue
                : try a.choice("reduction", ["none", "mean", "sum", "batchmean"])
            return r(try Variable.klDiv(try v(a), try v(a, "target"), reduction: reduction, logTarget: try a.bool("log_target")))
        }
        functional(lib, "huber_loss(input, target, reduction='mean', delta=1.0)", doc: "torch.nn.functional.huber_loss") { a in
            r(try Variable.huberLoss(try v(a), try v(a, "target"), reduction: try LossBindings.reduction(a), delta: try a.double("delta")))
        }
        functional(lib, "cosine_similarity(x1, x2, dim=1, eps=1e-08)", doc: "torch.nn.functional.cosine_similarity (torch 2.4: each input divided by its clamped norm)") { a in
            r(try Variable.cosineSimilarity(try v(a, "x1"), try v(a, "x2"), dim: try a.int("dim"), eps: try a.double("eps")))
        }
    }
}
