import TrickCore
import TrickLang

/// torch.nn's activation modules beyond ReLU / Sigmoid / Tanh, printed as torch prints them
/// (`LeakyReLU(negative_slope=0.01)`, `GELU(approximate='none')`). Where trick differs:
/// `inplace=True` is accepted and printed, but the module returns a new tensor and leaves its
/// input unchanged (use `F.x(..., inplace=True)` to write into the input).
extension NNModuleBindings {
    static let activationModules = ["LeakyReLU", "GELU", "SiLU", "ELU", "SELU", "ReLU6", "Hardtanh", "Hardswish",
                                    "Hardsigmoid", "Softplus", "LogSigmoid", "Mish"]

    /// `", inplace=True"` (or `"inplace=True"` alone) when the module was built in place.
    static func inplaceRepr(_ a: Bound, alone: Bool = false) throws -> String {
        guard try a.bool("inplace") else { return "" }
        return alone ? "inplace=True" : ", inplace=True"
    }

    static func registerMoreActivations(_ lib: Library) {
        func doc(_ name: String) -> String { "torch.nn.\(name) (inplace=True is accepted; the module returns a new tensor)" }
        simple(lib, "LeakyReLU(negative_slope=0.01, inplace=False)", doc: doc("LeakyReLU"),
               repr: { a in "negative_slope=\(show(a["negative_slope"]))" + (try inplaceRepr(a)) }) { _, a in
            let s = try a.double("negative_slope")
            return { try $0.leakyRelu(slope: s) }
        }
        simple(lib, "GELU(approximate='none')", doc: "torch.nn.GELU", repr: { a in "approximate=\(show(a["approximate"]))" }) { _, a in
            let tanh = try a.choice("approximate", ["none", "tanh"]) == "tanh"
            return { try $0.gelu(tanhApproximation: tanh) }
        }
        simple(lib, "SiLU(inplace=False)", doc: doc("SiLU"), repr: { a in try inplaceRepr(a, alone: true) }) { _, _ in { try $0.silu() } }
        simple(lib, "ELU(alpha=1.0, inplace=False)", doc: doc("ELU"), repr: { a in "alpha=\(show(a["alpha"]))" + (try inplaceRepr(a)) }) { _, a in
            let alpha = try a.double("alpha")
            return { try $0.elu(alpha: alpha) }
        }
        simple(lib, "SELU(inplace=False)", doc: doc("SELU"), repr: { a in try inplaceRepr(a, alone: true) }) { _, _ in { try $0.selu() } }
        simple(lib, "ReLU6(inplace=False)", doc: doc("ReLU6"), repr: { a in try inplaceRepr(a, alone: true) }) { _, _ in { try $0.hardtanh(min: 0, max: 6) } }
        simple(lib, "Hardtanh(min_val=-1.0, max_val=1.0, inplace=False)", doc: doc("Hardtanh"),
               repr: { a in "min_val=\(show(a["min_val"])), max_val=\(show(a["max_val"]))" + (try inplaceRepr(a)) }) { _, a in
            let lo = try a.double("min_val"), hi = try a.double("max_val")
            return { try $0.hardtanh(min: lo, max: hi) }
        }
        simple(lib, "Hardswish(inplace=False)", doc: doc("Hardswish"), repr: { _ in "" }) { _, _ in { try $0.hardswish() } }
        simple(lib, "Hardsigmoid(inplace=False)", doc: doc("Hardsigmoid"), repr: { _ in "" }) { _, _ in { try $0.hardsigmoid() } }
        simple(lib, "Softplus(beta=1.0, threshold=20.0)", doc: "torch.nn.Softplus",
               repr: { a in "beta=\(show(a["beta"])), threshold=\(show(a["threshold"]))" }) { _, a in
            let beta = try a.double("beta"), threshold = try a.double("threshold")
            return { try $0.softplus(beta: beta, threshold: threshold) }
        }
        simple(lib, "LogSigmoid()", doc: "torch.nn.LogSigmoid", repr: { _ in "" }) { _, _ in { try $0.logsigmoid() } }
        simple(lib, "Mish(inplace=False)", doc: doc("Mish"), repr: { a in try inplaceRepr(a, alone: true) }) { _, _ in { try $0.mish() } }
    }
}
