import TrickCore
import TrickLang

/// The constructor options torch keeps on a layer as attributes, read by code that builds on a
/// layer it was handed (MMCV's `ConvModule` copies `conv.in_channels`, `kernel_size`, `stride`,
/// … to itself): `Conv1d/2d/3d` (`in_channels`, `out_channels`, `kernel_size`, `stride`,
/// `padding`, `dilation`, `groups`, `transposed`, `output_padding`, `padding_mode`, sizes as
/// tuples as torch's `_ntuple` makes them), `GroupNorm`, `LayerNorm`, `InstanceNorm*d`, `PReLU`.
/// A `weight` or `bias` the options leave out is None, as torch registers it. BatchNorm's
/// options are NormOptions (they steer the forward). Where trick differs: these
/// are read-only records of the construction — assigning one changes the attribute, not the layer.
enum LayerAttributes {
    static func attributes(_ name: String, _ a: Bound) throws -> [(String, Value)] {
        func tuple(_ key: String, _ dims: Int) throws -> Value {
            let xs = try Convert.ints(a[key], what: "\(a.function)() argument '\(key)'")
            return .tuple((xs.count == 1 ? [Int](repeating: xs[0], count: dims) : xs).map { .int($0) })
        }
        switch name {
        case "Conv1d", "Conv2d", "Conv3d":
            let dims = Int(String(name.dropFirst(4).prefix(1)))!
            let padding: Value
            if case .str = a["padding"] { padding = a["padding"] } else { padding = try tuple("padding", dims) }
            return [("in_channels", .int(try a.int("in_channels"))), ("out_channels", .int(try a.int("out_channels"))),
                    ("kernel_size", try tuple("kernel_size", dims)), ("stride", try tuple("stride", dims)), ("padding", padding),
                    ("dilation", try tuple("dilation", dims)), ("groups", .int(try a.int("groups"))), ("transposed", .bool(false)),
                    ("output_padding", .tuple([Value](repeating: .int(0), count: dims))), ("padding_mode", .str(try a.string("padding_mode")))]
        case "GroupNorm":
            return [("num_groups", .int(try a.int("num_groups"))), ("num_channels", .int(try a.int("num_channels"))),
                    ("eps", .float(try a.double("eps"))), ("affine", .bool(try a.bool("affine")))]
        case "LayerNorm":
            let shape = try Convert.ints(a["normalized_shape"], what: "LayerNorm() argument 'normalized_shape'")
            return [("normalized_shape", .tuple(shape.map { .int($0) })), ("eps", .float(try a.double("eps"))),
                    ("elementwise_affine", .bool(try a.bool("elementwise_affine")))]
        case "InstanceNorm1d", "InstanceNorm2d", "InstanceNorm3d":
            return [("num_features", .int(try a.int("num_features"))), ("eps", .float(try a.double("eps"))),
                    ("momentum", a["momentum"]), ("affine", .bool(try a.bool("affine"))),
                    ("track_running_stats", .bool(try a.bool("track_running_stats")))]
        case "PReLU":
            return [("num_parameters", .int(try a.int("num_parameters")))]
        default:
            return []
        }
    }

    /// Layers torch gives a `weight` and a `bias`, None when the options leave one out
    /// (`Conv2d(bias=False).bias is None`, an `affine=False` norm's weight and bias).
    static let weightAndBias: Set<String> = ["Conv1d", "Conv2d", "Conv3d", "ConvTranspose1d", "ConvTranspose2d", "ConvTranspose3d",
                                             "Linear", "BatchNorm1d", "BatchNorm2d", "BatchNorm3d", "SyncBatchNorm", "GroupNorm",
                                             "LayerNorm", "InstanceNorm1d", "InstanceNorm2d", "InstanceNorm3d"]

    /// Sets them on the layer's object (not through its setter: they are plain attributes).
    static func install(_ v: Value, _ name: String, _ a: Bound) throws {
        guard case .object(let o) = v, let n = o.payload as? ModuleNode else { return }
        for (k, x) in try attributes(name, a) { o.set(k, x) }
        if weightAndBias.contains(name) {
            for p in ["weight", "bias"] where n.parameter(p) == nil { o.set(p, .none) }
        }
    }
}
