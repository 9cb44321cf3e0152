import TrickCore
import TrickLang

/// `torch.nn.functional` layers of decoders, super-resolution heads and spatial transformers:
/// conv_transpose2d, grid_sample / affine_grid, embedding, pixel_shuffle / pixel_unshuffle,
/// unfold / fold, instance_norm, adaptive_max_pool2d — each with torch's gradient — and the
/// reflect / replicate / circular modes of F.pad.
extension AutogradBindings {
    static func registerFunctionalOps(_ lib: Library) {
        let r = VariableObjects.result
        func v(_ a: Bound, _ name: String = "input") throws -> Variable { try VariableMethods.me(a, name) }

        functional(lib, "conv_transpose2d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1)",
                   doc: "torch.nn.functional.conv_transpose2d (ConvolutionBackward0): the transposed convolution of FCN / UNet decoders; weight (in, out/groups, kH, kW)") { a in
            r(try Variable.convTranspose2d(try v(a), try v(a, "weight"), try optionalVariable(a, "bias"), try transposeGeometry(a)))
        }
        functional(lib, "grid_sample(input, grid, mode='bilinear', padding_mode='zeros', align_corners=None)", doc: """
            torch.nn.functional.grid_sample for 4-D input (GridSampler2DBackward0, gradients to input and grid):
            mode 'bilinear' or 'nearest', padding_mode 'zeros', 'border' or 'reflection'; align_corners=None is False, as torch.
            """) { a in
            let mode = try a.choice("mode", ["bilinear", "nearest", "bicubic"])
            guard let m = GridSample.Mode(rawValue: mode) else {
                throw RuntimeError("grid_sample(mode='bicubic') is not supported in trick (bilinear and nearest are)", kind: "NotImplementedError")
            }
            let padding = GridSample.Padding(rawValue: try a.choice("padding_mode", ["zeros", "border", "reflection"]))!
            return r(try Variable.gridSample(try v(a), try v(a, "grid"), mode: m, padding: padding, alignCorners: a.has("align_corners") ? try a.bool("align_corners") : false))
        }
        functional(lib, "affine_grid(theta, size, align_corners=None)",
                   doc: "torch.nn.functional.affine_grid for 2-D (theta N×2×3, size (N, C, H, W)): the sampling grid θ·(x, y, 1); align_corners=None is False") { a in
            r(try Variable.affineGrid(try v(a, "theta"), size: try Convert.ints(a["size"], what: "affine_grid() argument 'size'"),
                                      alignCorners: a.has("align_corners") ? try a.bool("align_corners") : false))
        }
        functional(lib, "embedding(input, weight, padding_idx=None, max_norm=None, norm_type=2.0, scale_grad_by_freq=False, sparse=False)",
                   doc: "torch.nn.functional.embedding (EmbeddingBackward0): rows of weight; the padding_idx row gets no gradient") { a in
            if a.has("max_norm") { throw RuntimeError("embedding(max_norm=...) is not supported in trick", kind: "NotImplementedError") }
            if try a.bool("scale_grad_by_freq") { throw RuntimeError("embedding(scale_grad_by_freq=True) is not supported in trick", kind: "NotImplementedError") }
            return r(try Variable.embedding(try Convert.tensor(a["input"]), try v(a, "weight"), paddingIdx: try a.optionalInt("padding_idx")))
        }
        functional(lib, "pixel_shuffle(input, upscale_factor)", doc: "torch.nn.functional.pixel_shuffle: (*, C·r², H, W) → (*, C, H·r, W·r)") { a in
            r(try v(a).pixelShuffle(try a.int("upscale_factor")))
        }
        functional(lib, "pixel_unshuffle(input, downscale_factor)", doc: "torch.nn.functional.pixel_unshuffle: (*, C, H·r, W·r) → (*, C·r², H, W)") { a in
            r(try v(a).pixelUnshuffle(try a.int("downscale_factor")))
        }
        functional(lib, "unfold(input, kernel_size, dilation=1, padding=0, stride=1)",
                   doc: "torch.nn.functional.unfold (im2col): (N, C, H, W) → (N, C·kH·kW, L), sliding blocks as columns") { a in
            r(try v(a).unfold(kernel: try pair(a["kernel_size"], "kernel_size"), dilation: try pair(a["dilation"], "dilation"),
                              padding: try pair(a["padding"], "padding"), stride: try pair(a["stride"], "stride")))
        }
        functional(lib, "fold(input, output_size, kernel_size, dilation=1, padding=0, stride=1)",
                   doc: "torch.nn.functional.fold (col2im): (N, C·kH·kW, L) → (N, C, H, W), overlapping blocks summed") { a in
            r(try v(a).fold(outputSize: try pair(a["output_size"], "output_size"), kernel: try pair(a["kernel_size"], "kernel_size"),
                            dilation: try pair(a["dilation"], "dilation"), padding: try pair(a["padding"], "padding"), stride: try pair(a["stride"], "stride")))
        }
        functional(lib, "instance_norm(input, running_mean=None, running_var=None, weight=None, bias=None, use_input_stats=True, momentum=0.1, eps=1e-05)",
                   doc: "torch.nn.functional.instance_norm: per sample and channel statistics (batch norm of the (1, N·C, …) view, as torch); running statistics given are updated in place") { a in
            var stats: RunningStats?
            if a.has("running_mean") && a.has("running_var") {
                stats = RunningStats(mean: try Convert.tensor(a["running_mean"]), variance: try Convert.tensor(a["running_var"]))
            }
            let out = try Variable.instanceNorm(try v(a), running: stats, weight: try optionalVariable(a, "weight"), bias: try optionalVariable(a, "bias"),
                                                useInputStats: try a.bool("use_input_stats"), momentum: try a.double("momentum"), eps: try a.double("eps"))
            if let stats, case .tensor(let m) = a["running_mean"], case .tensor(let s) = a["running_var"] {
                m.tensor = stats.mean
                s.tensor = stats.variance
            }
            return r(out)
        }
        functional(lib, "adaptive_max_pool2d(input, output_size, return_indices=False)",
                   doc: "torch.nn.functional.adaptive_max_pool2d (AdaptiveMaxPool2DBackward0); indices are y·W + x within each plane") { a in
            let x = try v(a)
            let (out, idx) = try x.adaptiveMaxPool2d(try outputSize(a["output_size"], x.shape))
            return try a.bool("return_indices") ? .tuple([r(out), .tensor(idx)]) : r(out)
        }
        for name in ["conv_transpose2d", "pixel_shuffle", "pixel_unshuffle", "embedding", "instance_norm", "adaptive_max_pool2d"] {
            if let f = lib.namespace("F").methods[name] { lib.namespace("torch").methods[name] = f }
        }
    }

    static func transposeGeometry(_ a: Bound) throws -> ConvTranspose2dGeometry {
        ConvTranspose2dGeometry(stride: try pair(a["stride"], "stride"), padding: try pair(a["padding"], "padding"),
                                outputPadding: try pair(a["output_padding"], "output_padding"),
                                dilation: try pair(a["dilation"], "dilation"), groups: try a.int("groups"))
    }

    /// An adaptive pooling's output_size: an int, a pair, or a pair with None (the input's size).
    static func outputSize(_ v: Value, _ shape: [Int]) throws -> (Int, Int) {
        if case .tuple(let t) = v, t.count == 2 {
            return (t[0].isNone ? shape[shape.count - 2] : try Convert.int(t[0]), t[1].isNone ? shape[shape.count - 1] : try Convert.int(t[1]))
        }
        return try pair(v, "output_size")
    }
}
