import TrickCore
import TrickLang

/// MMSeg's loss helpers `mmseg.models.losses.reduce_loss` / `weight_reduce_loss` on tensors
/// (values: an autograd tensor's gradient does not flow through them), and `torch.Tensor`, the
/// legacy float32 constructor the upstream tests build inputs with (`torch.Tensor([[100, -100]])`)
/// and check types against (`isinstance(loss, torch.Tensor)`).
enum LossUtilBindings {
    static func reduction(_ a: Bound) throws -> Reduction {
        let name = try a.string("reduction")
        return try AutogradBindings.core { try Reduction(name: name) }
    }

    static func register(_ lib: Library) {
        lib.function("reduce_loss(loss, reduction)",
                     doc: "mmseg reduce_loss: 'none' returns the loss itself, 'mean' its mean, 'sum' its sum.") { a in
            let r = try reduction(a)
            if r == Reduction.none { return a["loss"] }
            let loss = try Convert.tensor(a["loss"])
            return .tensor(try AutogradBindings.core { try LossReduce.weightReduce(loss, weight: nil, reduction: r, avgFactor: nil) })
        }
        lib.function("weight_reduce_loss(loss, weight=None, reduction='mean', avg_factor=None)",
                     doc: "mmseg weight_reduce_loss: loss * weight (same dims; past 1-D one channel or the loss's, else AssertionError), then reduced; with avg_factor 'mean' is sum / (avg_factor + eps32) and 'sum' a ValueError.") { a in
            let r = try reduction(a)
            if a["weight"].isNone && r == Reduction.none { return a["loss"] }
            let loss = try Convert.tensor(a["loss"])
            let weight = a["weight"].isNone ? nil : try Convert.tensor(a["weight"])
            return .tensor(try AutogradBindings.core { try LossReduce.weightReduce(loss, weight: weight, reduction: r, avgFactor: try a.optionalDouble("avg_factor")) })
        }
        lib.namespace("torch").methods["Tensor"] = BuiltinFunction(raw: "Tensor(*data)",
            doc: "torch.Tensor(data): a float32 tensor of the data; torch.Tensor(n, m, ...) one of that shape (zeros here; torch leaves it uninitialized).") { args in
            let p = args.positional
            if !p.isEmpty, p.allSatisfy({ if case .int = $0 { return true }; return false }) {
                let shape = p.map { if case .int(let n) = $0 { return n }; return 0 }
                guard shape.allSatisfy({ $0 >= 0 }) else { throw RuntimeError("Trying to create tensor with negative dimension", kind: "RuntimeError") }
                return .tensor(Tensor(shape: shape, float32: [Float](repeating: 0, count: shape.reduce(1, *))))
            }
            guard p.count <= 1 else { throw RuntimeError("torch.Tensor() takes one sequence or sizes, got \(p.count) arguments", kind: "TypeError") }
            return .tensor(p.isEmpty ? Tensor(shape: [0], float32: []) : try Convert.tensor(p[0], dtype: .float32))
        }
    }
}
