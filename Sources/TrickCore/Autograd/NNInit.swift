#if canImport(Glibc)
import Glibc
#endif

/// `torch.nn.init` and the modules' default initialisation, with torch's formulas
/// (torch/nn/init.py): `fan_in`/`fan_out` of a weight `(out, in, *k)` are `in·∏k` and `out·∏k`;
/// gains as `calculate_gain` (relu √2, leaky_relu √(2/(1+a²)), tanh 5/3, selu 3/4, others 1).
///
/// The numbers are drawn from trick's seeded stream (`torch.manual_seed` seeds it), not from
/// torch's Mersenne Twister: the distributions are torch's, the samples are not (SPEC §7).
/// A run is reproducible within trick; to start from torch's weights, load its state dict.
public enum NNInit {
    public static func fans(_ shape: [Int]) throws -> (fanIn: Int, fanOut: Int) {
        guard shape.count >= 2 else {
            throw CoreError("Fan in and fan out can not be computed for tensor with fewer than 2 dimensions")
        }
        let receptive = shape.count > 2 ? Tensor.product(shape.dropFirst(2)) : 1
        return (shape[1] * receptive, shape[0] * receptive)
    }

    public static func gain(_ nonlinearity: String, param: Double? = nil) throws -> Double {
        switch nonlinearity {
        case "linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d", "sigmoid": return 1
        case "tanh": return 5.0 / 3
        case "relu": return 2.0.squareRoot()
        case "leaky_relu":
            let slope = param ?? 0.01
            return (2.0 / (1 + slope * slope)).squareRoot()
        case "selu": return 3.0 / 4
        default: throw CoreError("Unsupported nonlinearity \(nonlinearity)")
        }
    }

    /// U(lo, hi): `lo + (hi − lo)·u` for u uniform in [0, 1), computed in double, stored float32.
    public static func uniform(_ shape: [Int], _ lo: Double, _ hi: Double, generator g: RandomGenerator = .global) throws -> Tensor {
        let n = try Tensor.elementCount(shape)
        var out = [Float](repeating: 0, count: n)
        for i in 0..<n { out[i] = Float(lo + (hi - lo) * g.uniformDouble()) }
        return Tensor(shape: shape, float32: out)
    }

    /// `kaiming_uniform_(w, a, mode='fan_in', nonlinearity='leaky_relu')`: bound `gain·√(3/fan)`.
    public static func kaimingUniform(_ shape: [Int], a: Double = 0, fanOut: Bool = false, nonlinearity: String = "leaky_relu") throws -> Tensor {
        let (fi, fo) = try fans(shape)
        let fan = Double(fanOut ? fo : fi)
        let bound = try gain(nonlinearity, param: a) * (3 / fan).squareRoot()
        return try uniform(shape, -bound, bound)
    }

    /// `kaiming_normal_`: std `gain/√fan`.
    public static func kaimingNormal(_ shape: [Int], a: Double = 0, fanOut: Bool = false, nonlinearity: String = "leaky_relu") throws -> Tensor {
        let (fi, fo) = try fans(shape)
        let std = try gain(nonlinearity, param: a) / Double(fanOut ? fo : fi).squareRoot()
        return try Tensor.normal(mean: 0, std: std, shape)
    }

    /// `xavier_uniform_(w, gain)`: bound `gain·√(6/(fan_in+fan_out))`.
    public static func xavierUniform(_ shape: [Int], gain g: Double = 1) throws -> Tensor {
        let (fi, fo) = try fans(shape)
        let bound = g * (6 / Double(fi + fo)).squareRoot()
        return try uniform(shape, -bound, bound)
    }

    public static func xavierNormal(_ shape: [Int], gain g: Double = 1) throws -> Tensor {
        let (fi, fo) = try fans(shape)
        return try Tensor.normal(mean: 0, std: g * (2 / Double(fi + fo)).squareRoot(), shape)
    }

    /// The default of `nn.Conv*d` / `nn.Linear` (`reset_parameters`): weight
    /// `kaiming_uniform_(a=√5)` = U(±1/√fan_in), bias U(±1/√fan_in) of `biasSize` (default the
    /// weight's first size; a transposed convolution's bias has its out_channels).
    public static func defaultLayer(weightShape: [Int], bias: Bool, biasSize: Int? = nil) throws -> (weight: Tensor, bias: Tensor?) {
        let w = try kaimingUniform(weightShape, a: 5.0.squareRoot())
        guard bias else { return (w, nil) }
        let (fi, _) = try fans(weightShape)
        let bound = fi > 0 ? 1 / Double(fi).squareRoot() : 0
        return (w, try uniform([biasSize ?? weightShape[0]], -bound, bound))
    }
}
