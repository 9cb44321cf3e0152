import TrickCore
import TrickLang

/// torch.bincount / torch.histc (and the tensor methods), for confusion matrices and per-class
/// IoU written as torch code.
extension TensorBindings {
    static func registerHistogram(_ lib: Library) {
        dual(lib, "bincount(input, weights=None, minlength=0)", doc: "torch.bincount: occurrences of each value of a 1-d non-negative int tensor (sums of weights with weights=)") { t, a in
            .tensor(try t.bincount(weights: try a.optionalTensor("weights"), minlength: try a.int("minlength")))
        }
        dual(lib, "histc(input, bins=100, min=0, max=0)", doc: "torch.histc: counts in equal-width bins over [min, max] (both 0: the data's range), values outside ignored") { t, a in
            .tensor(try t.histc(bins: try a.int("bins"), min: try a.double("min"), max: try a.double("max")))
        }
    }
}
