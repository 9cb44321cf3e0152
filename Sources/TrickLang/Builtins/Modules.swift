/// The upstream libraries' module paths, so the import lines users paste work and bind the
/// object that module has: `from mmcv.ops import nms` is mmcv's NMS (returns `(dets, inds)`),
/// `from torchvision.ops import nms` torchvision's (returns indices). Each module lists what it
/// exports, as `name` (the built-in of that name), `name=builtin` (a different built-in) or
/// `name=ns.fn` (a function of a namespace object, e.g. `F.pad`); a
/// module is an object with those names and its submodules as attributes (`torch.nn.functional`).
/// Names a module has upstream but trick does not implement are an ImportError that says so.
public enum Modules {
    static let table: [(String, [String])] = [
        ("torch.nn.functional", ["cross_entropy", "interpolate", "binary_cross_entropy_with_logits", "one_hot", "softmax",
                                 "log_softmax", "relu", "sigmoid", "tanh", "conv2d", "linear", "batch_norm", "layer_norm",
                                 "group_norm", "max_pool2d", "avg_pool2d", "adaptive_avg_pool2d", "dropout", "mse_loss",
                                 "l1_loss", "smooth_l1_loss", "normalize=F_normalize", "pad=F_pad",
                                 "leaky_relu=F.leaky_relu", "gelu=F.gelu", "silu=F.silu", "elu=F.elu", "selu=F.selu",
                                 "relu6=F.relu6", "hardtanh=F.hardtanh", "hardswish=F.hardswish", "hardsigmoid=F.hardsigmoid",
                                 "softplus=F.softplus", "logsigmoid=F.logsigmoid", "mish=F.mish", "nll_loss=F.nll_loss",
                                 "binary_cross_entropy=F.binary_cross_entropy", "kl_div=F.kl_div", "huber_loss=F.huber_loss",
                                 "cosine_similarity=F.cosine_similarity", "dropout2d=F.dropout2d",
                                 "conv_transpose2d=F.conv_transpose2d", "grid_sample=F.grid_sample", "affine_grid=F.affine_grid", "embedding=F.embedding", "pixel_shuffle=F.pixel_shuffle", "pixel_unshuffle=F.pixel_unshuffle", "unfold=F.unfold", "fold=F.fold", "instance_norm=F.instance_norm", "adaptive_max_pool2d=F.adaptive_max_pool2d",
                                 "scaled_dot_product_attention=F.scaled_dot_product_attention", "conv1d=F.conv1d"]),
        ("torch.nn", ["Conv1d", "Conv2d", "Conv3d", "ConvTranspose2d", "Linear", "BatchNorm1d", "BatchNorm2d", "BatchNorm3d", "SyncBatchNorm",
                      "GroupNorm", "LayerNorm", "Sequential", "ModuleList", "ModuleDict", "Module", "Parameter", "Embedding",
                      "PReLU", "ReLU", "Sigmoid", "Tanh", "Identity", "Softmax", "Flatten", "Dropout", "MaxPool2d", "AvgPool2d",
                      "AdaptiveAvgPool2d", "Upsample", "init=nn_init", "LeakyReLU", "GELU", "SiLU", "ELU", "SELU", "ReLU6",
                      "Hardtanh", "Hardswish", "Hardsigmoid", "Softplus", "LogSigmoid", "Mish", "Dropout2d", "ZeroPad2d",
                      "InstanceNorm1d", "InstanceNorm2d", "InstanceNorm3d", "PixelShuffle", "PixelUnshuffle", "ReflectionPad1d", "ReflectionPad2d", "ReplicationPad1d", "ReplicationPad2d", "AdaptiveMaxPool2d", "ParameterList", "ParameterDict"]),
        ("torch.nn.modules", ["Module", "Conv1d", "Conv2d", "Conv3d", "Linear", "Embedding", "BatchNorm1d", "BatchNorm2d",
                              "BatchNorm3d", "SyncBatchNorm", "GroupNorm", "LayerNorm", "Sequential", "ModuleList", "ModuleDict"]),
        ("torch.nn.modules.linear", ["Linear", "Identity", "NonDynamicallyQuantizableLinear"]),
        ("torch.nn.modules.batchnorm", ["_BatchNorm", "BatchNorm1d", "BatchNorm2d", "BatchNorm3d", "SyncBatchNorm"]),
        ("torch.nn.modules.instancenorm", ["_InstanceNorm", "InstanceNorm1d", "InstanceNorm2d", "InstanceNorm3d"]),
        ("torch.optim", ["SGD", "Adam", "AdamW", "RMSprop"]),
        ("torch.optim.lr_scheduler", ["StepLR=torch_StepLR", "MultiStepLR=torch_MultiStepLR", "ExponentialLR=torch_ExponentialLR",
                                      "CosineAnnealingLR=torch_CosineAnnealingLR", "ConstantLR=torch_ConstantLR",
                                      "LinearLR=torch_LinearLR", "PolynomialLR=torch_PolynomialLR", "LambdaLR=torch_LambdaLR",
                                      "MultiplicativeLR=torch_MultiplicativeLR", "CosineAnnealingWarmRestarts=torch_CosineAnnealingWarmRestarts",
                                      "CyclicLR=torch_CyclicLR", "OneCycleLR=torch_OneCycleLR", "SequentialLR=torch_SequentialLR",
                                      "ChainedScheduler=torch_ChainedScheduler", "ReduceLROnPlateau=torch_ReduceLROnPlateau"]),
        ("torch.optim.swa_utils", ["AveragedModel", "SWALR", "get_ema_multi_avg_fn", "get_swa_multi_avg_fn",
                                   "get_ema_avg_fn", "get_swa_avg_fn", "update_bn"]),
        ("safetensors", []),
        ("safetensors.torch", ["load_file=safetensors_load_file", "save_file=safetensors_save_file"]),
        ("safetensors.numpy", ["load_file=safetensors_load_file", "save_file=safetensors_save_file"]),
        ("torch.utils", []),
        ("torch.utils.data", ["TensorDataset", "DataLoader"]),
        ("torch.random", ["manual_seed"]),
        ("torchvision", []),
        // torchvision's models: none are in trick, but `from torchvision import models, ops` binds both
        ("torchvision.models", []),
        ("torchvision.ops", ["nms", "batched_nms", "box_iou", "generalized_box_iou", "distance_box_iou", "complete_box_iou", "box_area", "box_convert",
                             "sigmoid_focal_loss"]),
        ("mmcv", ["imrescale", "imresize", "imresize_to_multiple", "imresize_like", "imcrop", "imflip", "impad", "impad_to_multiple", "imnormalize",
                  "rescale_size", "imread", "imwrite", "imfrombytes", "imshow_det_bboxes", "imshow"]),
        ("mmcv.visualization", ["imshow_det_bboxes"]),
        // OpenCV's reader only, as mmcv's tests and pasted snippets call it: cv2.imread(path[, flag]) is
        // mmcv.imread with the cv2 backend (BGR uint8 values; trick errors where cv2 returns None).
        ("cv2", ["imread"]),
        ("mmcv.image", ["imrescale", "imresize", "imresize_to_multiple", "imresize_like", "imcrop", "imflip", "impad", "impad_to_multiple", "imnormalize",
                        "rescale_size", "imread", "imwrite", "imfrombytes"]),
        ("mmcv.ops", ["nms=mmcv_nms", "batched_nms=mmcv_batched_nms", "soft_nms", "nms_match", "DeformConv2dPack", "ModulatedDeformConv2dPack"]),
        ("mmcv.transforms", ["Resize", "RandomResize", "RandomChoiceResize", "RandomFlip", "Pad", "Normalize",
                             "LoadImageFromFile", "LoadAnnotations", "TestTimeAug", "MultiScaleFlipAug", "ImageToTensor", "Compose", "TRANSFORMS", "BaseTransform"]),
        ("mmcv.transforms.base", ["BaseTransform"]),
        ("mmcv.cnn", []),
        ("mmcv.cnn.bricks", []),
        ("mmcv.transforms.builder", ["TRANSFORMS"]),
        ("mmengine", ["Config", "Registry", "build_from_cfg"]),
        ("mmengine.config", ["Config"]),
        ("mmengine.testing", ["assert_allclose"]),
        ("mmengine.testing._internal", []),
        ("mmengine.utils", ["digit_version"]),
        ("mmengine.utils.version_utils", ["digit_version"]),
        ("mmengine.utils.dl_utils", []),
        ("mmengine.dist", []),
        ("mmengine.logging", []),
        ("torch.distributed", []), ("torch.distributed.rpc", []),
        ("torch.cuda", []), ("torch.cuda.amp", []),
        ("torch.nn.parallel", []), ("torch.nn.parallel.distributed", []), ("torch.nn.utils", []), ("torch.nn.utils.clip_grad", []),
        ("torch.testing", ["assert_close=torch_assert_close", "assert_allclose=torch_assert_allclose"]),
        ("torch.testing._internal", []), ("torch.testing._internal.common_utils", []),
        ("mmengine.structures", ["InstanceData"]),
        ("mmengine.model", ["ExponentialMovingAverage", "StochasticWeightAverage", "MomentumAnnealingEMA"]),
        ("mmengine.optim", ["DefaultOptimWrapperConstructor", "build_optim_wrapper", "OptimWrapper", "OptimWrapperDict", "OPTIMIZERS",
                            "OPTIM_WRAPPERS", "OPTIM_WRAPPER_CONSTRUCTORS", "AmpOptimWrapper", "ApexOptimWrapper"] + mmengineSchedulers),
        ("mmengine.optim.optimizer", ["DefaultOptimWrapperConstructor", "build_optim_wrapper", "OptimWrapper", "OptimWrapperDict",
                                      "AmpOptimWrapper", "ApexOptimWrapper"]),
        ("mmengine.optim.optimizer.builder", ["build_optim_wrapper", "OPTIMIZERS", "OPTIM_WRAPPER_CONSTRUCTORS"]
            + ["TORCH", "DADAPTATION", "LION", "BITSANDBYTES", "TRANSFORMERS", "NPU", "MLU"].map { "\($0)_OPTIMIZERS=mmengine.optim.optimizer.builder.\($0)_OPTIMIZERS" }),
        ("mmengine.optim.scheduler", mmengineSchedulers),
        ("mmseg", []),
        ("mmseg.registry", ["MODELS", "TRANSFORMS", "DATASETS", "DATA_SAMPLERS", "OPTIMIZERS", "OPTIM_WRAPPERS", "OPTIM_WRAPPER_CONSTRUCTORS", "PARAM_SCHEDULERS", "METRICS", "EVALUATOR", "TASK_UTILS", "HOOKS", "LOOPS", "VISUALIZERS", "MODEL_WRAPPERS", "WEIGHT_INITIALIZERS"]),
        ("mmdet.registry", ["MODELS", "TRANSFORMS", "DATASETS", "DATA_SAMPLERS", "OPTIMIZERS", "OPTIM_WRAPPERS", "OPTIM_WRAPPER_CONSTRUCTORS", "PARAM_SCHEDULERS", "METRICS", "EVALUATOR", "TASK_UTILS", "HOOKS", "LOOPS", "VISUALIZERS", "MODEL_WRAPPERS", "WEIGHT_INITIALIZERS"]),
        ("mmengine.registry", ["Registry", "build_from_cfg", "DefaultScope", "init_default_scope", "MODELS", "TRANSFORMS", "DATASETS", "DATA_SAMPLERS", "OPTIMIZERS", "OPTIM_WRAPPERS", "OPTIM_WRAPPER_CONSTRUCTORS", "PARAM_SCHEDULERS", "METRICS", "EVALUATOR", "TASK_UTILS", "HOOKS", "LOOPS", "VISUALIZERS", "MODEL_WRAPPERS", "WEIGHT_INITIALIZERS"]),
        ("mmseg.models", ["build_loss=build"]),
        ("mmseg.models.losses", ["CrossEntropyLoss", "DiceLoss", "FocalLoss", "TverskyLoss", "LovaszLoss", "accuracy", "Accuracy",
                                 "reduce_loss", "weight_reduce_loss", "weighted_loss"]),
        ("mmseg.utils", ["get_palette", "get_classes"]),
        ("mmseg.engine", ["LearningRateDecayOptimizerConstructor", "LayerDecayOptimizerConstructor", "PolyLRRatio"]),
        ("mmseg.engine.optimizers", ["LearningRateDecayOptimizerConstructor", "LayerDecayOptimizerConstructor"]),
        ("mmseg.engine.optimizers.layer_decay_optimizer_constructor", ["LearningRateDecayOptimizerConstructor", "LayerDecayOptimizerConstructor"]),
        ("mmseg.engine.schedulers", ["PolyLRRatio"]),
        ("mmseg.structures", ["OHEMPixelSampler"]),
        ("mmseg.structures.sampler", ["OHEMPixelSampler"]),
        ("mmdet", []),
        ("mmdet.models", []),
        ("mmdet.models.task_modules", ["MaxIoUAssigner", "BboxOverlaps2D", "RandomSampler", "OHEMSampler"]),
        ("mmdet.models.task_modules.assigners", ["MaxIoUAssigner", "BboxOverlaps2D"]),
        ("mmdet.models.task_modules.samplers", ["RandomSampler", "OHEMSampler"]),
        ("mmdet.models.layers", ["multiclass_nms", "mask_matrix_nms"]),
        ("mmdet.structures", []),
        ("mmdet.structures.bbox", ["bbox_overlaps", "bbox_flip"]),
        ("mmdet.evaluation", ["eval_map", "average_precision", "bbox_overlaps=eval_bbox_overlaps"]),
        ("mmdet.evaluation.functional", ["eval_map", "average_precision", "bbox_overlaps=eval_bbox_overlaps"]),
        ("pprint", ["pprint", "pformat"]),
        ("json", []),
        ("time", ["perf_counter"]),
        ("contextlib", ["suppress", "nullcontext"]),
        // Python's standard library, curated (Builtins/Collections.swift, Itertools.swift, …): these
        // are modules only, not globals, so `import collections` is needed as in Python.
        ("collections", []), ("itertools", []), ("functools", []), ("copy", []), ("random", []), ("typing", []),
        ("os", []), ("os.path", []), ("warnings", []), ("abc", []), ("tempfile", []), ("sys", []), ("logging", []), ("pickle", []),
        ("resource", []),
        ("unittest", []), ("unittest.mock", []), ("parameterized", []), ("re", []),
    ]

    /// mmengine.optim.scheduler's classes trick has (each `*LR` also as `*ParamScheduler` and `*Momentum`).
    static let mmengineSchedulers = ["_ParamScheduler", "OneCycleLR", "OneCycleParamScheduler", "ReduceOnPlateauParamScheduler", "ReduceOnPlateauLR", "ReduceOnPlateauMomentum"]
        + ["Step", "MultiStep", "Constant", "Exponential", "CosineAnnealing", "Linear", "Poly", "CosineRestart"].flatMap {
            [$0 + "LR", $0 + "ParamScheduler", $0 + "Momentum"]
        }

    static let paths: [String: [String]] = Dictionary(table, uniquingKeysWith: { a, _ in a })

    /// The module object for a dotted path (built once per library), or nil when trick knows no
    /// such module. A path whose root is one of trick's namespaces (`torch`, `math`, `numpy`,
    /// `ensemble_boxes`) starts from that namespace. `sys.modules` is asked first (what a script
    /// put there is what it imports, as in CPython), and holds every module imported.
    static func module(_ path: String, in lib: Library) throws -> Value? {
        let loaded = SysModule.loadedModules(lib)
        if let v = loaded?[str: path] { return v }
        if let cached = lib.modules[path] { loaded?[str: path] = cached; return cached }
        if paths[path] == nil, let sub = namespaceModule(path, in: lib) {
            lib.modules[path] = .object(sub)                    // numpy.random, numpy.testing
            loaded?[str: path] = .object(sub)
            return .object(sub)
        }
        let children = paths.keys.filter { $0.hasPrefix(path + ".") && !$0.dropFirst(path.count + 1).contains(".") }.sorted()
        var object: BuiltObject
        if !path.contains("."), case .object(let ns)? = lib.globals[path] {
            object = ns                                   // torch, math, numpy, ensemble_boxes
        } else if paths[path] != nil || !children.isEmpty {
            object = BuiltObject(typeName: "module")
            object.repr = { "<module '\(path)'>" }
        } else {
            return nil
        }
        lib.modules[path] = .object(object)
        loaded?[str: path] = .object(object)
        if let names = BundledModules.reexports[path], object.getter == nil {
            // names a module written in trick provides, loaded on first use (`nn.CrossEntropyLoss`)
            object.getter = { [unowned lib] name in
                guard let home = names[name], case .object(let m)? = try lib.importModule(home) else { return nil }
                return try m.getter?(name)
            }
            object.getterNames = { names.keys.sorted() }
        }
        for entry in paths[path] ?? [] {
            let parts = entry.split(separator: "=", maxSplits: 1).map(String.init)
            let name = parts[0], target = parts.count > 1 ? parts[1] : parts[0]
            if let v = lib.globals[target] { object.set(name, v) }
            // `name=ns.fn`: a function only a namespace has (F.pad), not a global
            let dotted = target.split(separator: ".", maxSplits: 1).map(String.init)
            if dotted.count == 2, case .object(let ns)? = lib.globals[dotted[0]], let f = ns.methods[dotted[1]] { object.set(name, .builtin(f)) }
        }
        for child in children {
            if let c = try module(child, in: lib) { object.set(String(child.dropFirst(path.count + 1)), c) }
        }
        return .object(object)
    }

    /// A module whose names are made by its bindings rather than listed in `table` (functions
    /// that are not globals: `mmengine.dist.get_rank`). The path must be in `table` (so its parent
    /// lists it when built); its table entries are added when the module is first made here.
    public static func define(_ path: String, in lib: Library) throws -> BuiltObject {
        guard paths[path] != nil else { throw RuntimeError("Modules.define: '\(path)' is not in the module table") }
        if case .object(let o)? = lib.modules[path] { return o }
        guard case .object(let o)? = try module(path, in: lib) else { throw RuntimeError("Modules.define: cannot make '\(path)'") }
        return o
    }

    /// A module object a namespace holds as an attribute (`np.random`, `np.testing`), found
    /// from its dotted path; nil when the path does not lead to one.
    static func namespaceModule(_ path: String, in lib: Library) -> BuiltObject? {
        let parts = path.split(separator: ".").map(String.init)
        guard parts.count > 1, case .object(var o)? = lib.globals[parts[0]], o.typeName == "module" else { return nil }
        for p in parts.dropFirst() {
            guard case .object(let next)? = o.attributes[p], next.typeName == "module" else { return nil }
            o = next
        }
        return o
    }

    /// A standard-library module object kept in the library's module table (`import itertools`
    /// finds it; it is not a global); a dotted one is also its parent's attribute (`os.path`).
    static func std(_ path: String, in lib: Library) -> BuiltObject {
        if case .object(let o)? = lib.modules[path] { return o }
        let o = BuiltObject(typeName: "module")
        o.repr = { "<module '\(path)'>" }
        lib.modules[path] = .object(o)
        if let dot = path.lastIndex(of: ".") {
            std(String(path[..<dot]), in: lib).set(String(path[path.index(after: dot)...]), .object(o))
        }
        return o
    }

    /// The top-level modules `import` knows: the registry's roots and trick's namespaces.
    static func roots(_ lib: Library) -> [String] {
        var r = Set(paths.keys.map { String($0.prefix { $0 != "." }) })
        for n in lib.names { if case .object(let o)? = lib.globals[n], o.typeName == "module" { r.insert(n) } }
        return r.sorted()
    }

    /// What to say about a module trick lacks: the submodules of its nearest known parent, or the
    /// top-level modules.
    static func known(near path: String, _ lib: Library) -> String {
        var parts = path.split(separator: ".").map(String.init)
        while parts.count > 1 {
            parts.removeLast()
            let parent = parts.joined(separator: ".")
            let subs = paths.keys.filter { $0.hasPrefix(parent + ".") && !$0.dropFirst(parent.count + 1).contains(".") }
                .map { String($0.dropFirst(parent.count + 1)) }.sorted()
            if !subs.isEmpty { return "'\(parent)' has: \(subs.joined(separator: ", "))" }
        }
        return "its modules: " + roots(lib).joined(separator: ", ")
    }

    /// Whether upstream's module exports `name` (so a missing one is "not implemented", not a typo).
    static func upstreamExports(_ path: String, _ name: String) -> Bool {
        (paths[path] ?? []).contains { $0 == name || $0.hasPrefix(name + "=") }
    }
}
