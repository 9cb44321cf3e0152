import TrickCore
import TrickLang

/// Built-ins of tricks 2–5 (segmentation side): MMSegmentation losses, the OHEM pixel sampler,
/// decode-head losses and MMEngine `parse_losses`, torch `cross_entropy` /
/// `binary_cross_entropy_with_logits` / `interpolate`, torchvision `sigmoid_focal_loss`, and the
/// class-weight helpers. Thin: arguments are parsed here, the math is in TrickCore/Losses and
/// TrickCore/Resize.
enum LossBindings {
    static func register(_ lib: Library) {
        lib.function("weighted_loss(loss_func)", doc: """
            mmseg.models.losses.weighted_loss: decorates an element-wise loss f(pred, target, **kwargs) into
            f(pred, target, weight=None, reduction='mean', avg_factor=None, **kwargs): the loss times weight
            (broadcast), then mmseg's weight_reduce_loss (avg_factor: sum / (avg_factor + eps) under 'mean').
            """) { [unowned lib] a in
            let fn = a["loss_func"]
            return .builtin(BuiltinFunction("weighted_loss.<wrapper>(pred, target, weight=None, reduction='mean', avg_factor=None, **kwargs)") { b in
                var loss = try Convert.tensor(try lib.callValue(fn, Arguments([b["pred"], b["target"]], keywords: b.kwargs))).cast(to: .float32)
                if let w = try b.optionalTensor("weight") { loss = try Tensor.binary(.mul, .tensor(loss), .tensor(w)).cast(to: .float32) }
                return .tensor(try LossReduce.weightReduce(loss.floats, shape: loss.shape, weight: nil,
                                                           reduction: try Reduction(name: try b.string("reduction")), avgFactor: try avgFactor(b)))
            })
        }
        registerLossTypes(lib)
        registerFunctions(lib)
        registerSampling(lib)
        registerClassWeights(lib)
        registerMetrics(lib)
    }

    // MARK: argument helpers

    static func reduction(_ a: Bound, _ name: String = "reduction") throws -> Reduction {
        try Reduction(name: a.choice(name, ["none", "mean", "sum"]), argument: name)
    }

    static func optionalReduction(_ a: Bound, _ name: String) throws -> Reduction? {
        a.has(name) ? try reduction(a, name) : nil
    }

    /// A value mmseg checks with `assert` (the forward's `reduction_override`, FocalLoss's
    /// arguments): trick's message, as an AssertionError.
    static func asserting<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch let e as RuntimeError { throw RuntimeError(e.message, kind: "AssertionError") }
    }

    /// A class-weight list: list/tuple/tensor of numbers, or a file path (.npy, .json), as
    /// MMSeg `get_class_weight`.
    static func classWeight(_ a: Bound, _ name: String = "class_weight") throws -> [Float]? {
        let v = a[name]
        switch v {
        case .none: return nil
        case .str(let path): return try ClassWeightFile.load(path).map { Float($0) }
        default: return try Convert.doubles(v, what: "\(a.function)() argument '\(name)'").map { Float($0) }
        }
    }

    /// The FocalLoss arguments its forward reads, which a script may also set on the built loss.
    static let focalSettable = ["gamma", "alpha", "reduction", "class_weight", "loss_weight"]

    /// One FocalLoss argument, checked as mmseg asserts it (AssertionError): gamma and loss_weight
    /// floats, alpha a float or a list, class_weight None or a list, reduction 'none'/'mean'/'sum'.
    static func setFocal(_ c: inout FocalLossConfig, _ name: String, _ v: Value) throws {
        func fail(_ what: String) -> RuntimeError {
            RuntimeError("FocalLoss: \(name) should be \(what), got \(v.typeName)", kind: "AssertionError")
        }
        switch (name, v) {
        case ("gamma", .float(let g)): c.gamma = g
        case ("gamma", _): throw fail("of type float (write 2.0, not 2)")
        case ("alpha", .float(let al)): c.alpha = [al]
        case ("alpha", .list): c.alpha = try Convert.doubles(v, what: "FocalLoss alpha")
        case ("alpha", _): throw fail("a float or a list")
        case ("loss_weight", .float(let w)): c.lossWeight = w
        case ("loss_weight", _): throw fail("of type float")
        case ("class_weight", .none): c.classWeight = nil
        case ("class_weight", .list): c.classWeight = try Convert.doubles(v, what: "FocalLoss class_weight").map { Float($0) }
        case ("class_weight", _): throw fail("None or a list")
        case ("reduction", .str(let r)) where ["none", "mean", "sum"].contains(r): c.reduction = try Reduction(name: r)
        case ("reduction", _): throw RuntimeError("FocalLoss: reduction should be 'none', 'mean' or 'sum', got \(Printer.repr(v))", kind: "AssertionError")
        default: throw RuntimeError("FocalLoss has no settable argument '\(name)'", kind: "AttributeError")
        }
    }

    static func optionalIgnoreIndex(_ a: Bound, _ name: String = "ignore_index") throws -> Int? {
        a.has(name) ? try a.int(name) : nil
    }

    /// `avg_factor`: a number or a one-element tensor.
    static func avgFactor(_ a: Bound) throws -> Double? {
        a.has("avg_factor") ? try a.double("avg_factor") : nil
    }

    /// Wraps a core loss as a callable object with MMSeg's forward signature; `inputs` are the
    /// names of its first two parameters (`CrossEntropyLoss.forward(cls_score, label, …)`,
    /// `DiceLoss`/`FocalLoss.forward(pred, target, …)`), so keyword calls work as upstream.
    static func lossObject(_ typeName: String, _ loss: any SegLoss, defaultIgnore: String,
                           inputs: (String, String) = ("pred", "target"),
                           attributes: [(String, Value)], precondition: ((BuiltObject) throws -> Void)? = nil) -> Value {
        let obj = BuiltObject(typeName: typeName, attributes: [("loss_name", .str(loss.lossName))] + attributes, payload: loss)
        obj.callable = BuiltinFunction(
            "forward(\(inputs.0), \(inputs.1), weight=None, avg_factor=None, reduction_override=None, ignore_index=\(defaultIgnore), **kwargs)",
            doc: "\(typeName).forward — MMSegmentation 1.2 signature; returns a 0-d float32 tensor (or the element-wise loss for reduction 'none').") { [unowned obj] a in
            let target = try a.tensor(inputs.1)
            let w = try a.optionalTensor("weight")
            try precondition?(obj)
            let loss = (obj.payload as? any SegLoss) ?? loss   // a settable loss (FocalLoss) replaces its payload
            let r = try asserting { try optionalReduction(a, "reduction_override") }
            let ign = try optionalIgnoreIndex(a)
            if let x = VariableObjects.variable(a[inputs.0]) {
                // an autograd tensor: the same loss composed from differentiable ops (Autograd/SegLossGrad.swift)
                return VariableObjects.result(try AutogradBindings.core {
                    try Variable.segLoss(loss, x, target, weight: w, avgFactor: try avgFactor(a), reductionOverride: r, ignoreIndex: ign)
                })
            }
            let pred = try a.tensor(inputs.0)
            return .tensor(try loss.forward(pred, target, weight: w, avgFactor: try avgFactor(a), reductionOverride: r, ignoreIndex: ign))
        }
        return .object(obj)
    }

    /// A loss given as a built object or a config dict (built through the registry).
    static func segLoss(_ v: Value, _ lib: Library, what: String) throws -> any SegLoss {
        switch v {
        case .object(let o):
            if let l = o.payload as? any SegLoss { return l }
            throw RuntimeError("\(what) must be a loss (CrossEntropyLoss, DiceLoss, FocalLoss, …), got \(o.typeName)", kind: "TypeError")
        case .dict(let d):
            return try segLoss(lib.build(d), lib, what: what)
        default:
            throw RuntimeError("\(what) must be a loss config dict or a built loss, got \(v.typeName)", kind: "TypeError")
        }
    }

    /// `loss_decode`: one config/loss, or a list/tuple of them (an `nn.ModuleList`).
    static func lossList(_ v: Value, _ lib: Library, what: String = "loss_decode") throws -> [any SegLoss] {
        switch v {
        case .none: return []
        case .list(let l): return try l.items.map { try segLoss($0, lib, what: what) }
        case .tuple(let t): return try t.map { try segLoss($0, lib, what: what) }
        case .dict, .object: return [try segLoss(v, lib, what: what)]
        default:
            throw RuntimeError("\(what) must be a dict, sequence or a loss, but got \(v.typeName)", kind: "TypeError")
        }
    }

    // MARK: loss types

    static func registerLossTypes(_ lib: Library) {
        lib.type("CrossEntropyLoss(use_sigmoid=False, use_mask=False, reduction='mean', class_weight=None, loss_weight=1.0, loss_name='loss_ce', avg_non_ignore=False, version='1.x')",
                 doc: """
                 MMSegmentation CrossEntropyLoss (1.2 semantics; version='0.x' selects the 0.x class-weighted mean). \
                 Called as loss(cls_score, label, weight=None, avg_factor=None, reduction_override=None, ignore_index=-100). \
                 With class_weight and labels holding an ignore index outside [0, C), mmseg 1.2.2 raises IndexError; \
                 trick divides by the class weights of the non-ignored pixels (F.cross_entropy's weighted mean).
                 """) { a in
            var c = CrossEntropyLossConfig()
            c.useSigmoid = try a.bool("use_sigmoid")
            c.useMask = try a.bool("use_mask")
            c.reduction = try reduction(a)
            c.classWeight = try classWeight(a)
            c.lossWeight = try a.double("loss_weight")
            c.lossName = try a.string("loss_name")
            c.avgNonIgnore = try a.bool("avg_non_ignore")
            c.version0x = try a.choice("version", ["1.x", "0.x"]) == "0.x"
            let loss = try CrossEntropyLoss(c)
            return lossObject("CrossEntropyLoss", loss, defaultIgnore: "-100", inputs: ("cls_score", "label"), attributes: [
                ("use_sigmoid", .bool(c.useSigmoid)), ("use_mask", .bool(c.useMask)),
                ("reduction", .str(c.reduction.rawValue)), ("class_weight", a["class_weight"]),
                ("loss_weight", .float(c.lossWeight)), ("avg_non_ignore", .bool(c.avgNonIgnore)),
            ])
        }

        lib.type("DiceLoss(use_sigmoid=True, activate=True, reduction='mean', naive_dice=False, loss_weight=1.0, ignore_index=255, eps=0.001, loss_name='loss_dice', smooth=None, exponent=None, class_weight=None, version=None)",
                 doc: """
                 MMSegmentation DiceLoss. Default: the 1.2 loss (sigmoid, V-Net, pooled over classes, one value per image). \
                 version='0.x' (or passing smooth / exponent / class_weight, which only 0.x has) selects the 0.x loss: \
                 softmax, per-class Dice with smooth=1, exponent=2, averaged over classes.
                 """) { a in
            var c = DiceLossConfig()
            c.useSigmoid = try a.bool("use_sigmoid")
            c.activate = try a.bool("activate")
            c.reduction = try reduction(a)
            c.naiveDice = try a.bool("naive_dice")
            c.lossWeight = try a.double("loss_weight")
            c.ignoreIndex = try optionalIgnoreIndex(a)
            c.eps = try a.double("eps")
            c.lossName = try a.string("loss_name")
            let version = try a.optionalString("version")
            if let version, version != "0.x" && version != "1.x" {
                throw RuntimeError("DiceLoss() argument 'version' must be '1.x' or '0.x', got '\(version)'", kind: "ValueError")
            }
            c.version0x = version == "0.x" || (version == nil && (a.has("smooth") || a.has("exponent") || a.has("class_weight")))
            if c.version0x {
                c.smooth = try a.optionalDouble("smooth") ?? 1
                c.exponent = try a.optionalDouble("exponent") ?? 2
                c.classWeight = try classWeight(a)
            } else if a.has("smooth") || a.has("exponent") || a.has("class_weight") {
                throw RuntimeError("DiceLoss (1.x) got an unexpected keyword argument: smooth / exponent / class_weight exist only in version='0.x'", kind: "TypeError")
            }
            var attrs: [(String, Value)] = [("reduction", .str(c.reduction.rawValue)), ("loss_weight", .float(c.lossWeight)),
                                            ("ignore_index", c.ignoreIndex.map { .int($0) } ?? .none)]
            if c.version0x {
                attrs += [("smooth", .float(c.smooth)), ("exponent", .float(c.exponent)), ("version", .str("0.x"))]
            } else {
                attrs += [("use_sigmoid", .bool(c.useSigmoid)), ("activate", .bool(c.activate)),
                          ("naive_dice", .bool(c.naiveDice)), ("eps", .float(c.eps))]
            }
            return lossObject("DiceLoss", DiceLoss(c), defaultIgnore: "255", attributes: attrs)
        }

        lib.type("FocalLoss(use_sigmoid=True, gamma=2.0, alpha=0.5, reduction='mean', class_weight=None, loss_weight=1.0, loss_name='loss_focal')",
                 doc: """
                 MMSegmentation FocalLoss (sigmoid; alpha 0.5 by default; 'mean' divides by M·C including ignored pixels). \
                 As upstream, gamma and loss_weight must be floats and alpha a float or a list. \
                 mmseg 1.2.2 crashes on CPU with index labels; trick computes what its CUDA path computes.
                 """) { a in
            guard try a.bool("use_sigmoid") else {
                throw RuntimeError("FocalLoss: only sigmoid focal loss is supported (use_sigmoid=True)", kind: "AssertionError")
            }
            var c = FocalLossConfig()
            for name in focalSettable { try setFocal(&c, name, a[name]) }
            c.lossName = try asserting { try a.string("loss_name") }
            // The attributes mmseg's FocalLoss has (its unit tests read use_sigmoid, gamma, alpha).
            // As on mmseg's module, a script may set them afterwards and the next forward uses them;
            // a forward with use_sigmoid false is mmseg's NotImplementedError.
            let loss = lossObject("FocalLoss", FocalLoss(c), defaultIgnore: "255", attributes: [
                ("use_sigmoid", a["use_sigmoid"]), ("gamma", .float(c.gamma)), ("alpha", a["alpha"]), ("reduction", .str(c.reduction.rawValue)),
                ("class_weight", a["class_weight"]), ("loss_weight", .float(c.lossWeight)),
            ], precondition: { o in
                if try !(o.attributes["use_sigmoid"] ?? .bool(true)).truthy() {
                    throw RuntimeError("FocalLoss: only the sigmoid focal loss exists (use_sigmoid is False)", kind: "NotImplementedError")
                }
            })
            if case .object(let o) = loss {
                o.setter = { [unowned o] k, v in
                    if k != "use_sigmoid", var cfg = (o.payload as? FocalLoss)?.config {
                        guard focalSettable.contains(k) else {
                            throw RuntimeError("FocalLoss attribute '\(k)' cannot be set in trick (it is fixed when the loss is built)", kind: "AttributeError")
                        }
                        try setFocal(&cfg, k, v)
                        o.payload = FocalLoss(cfg)
                    }
                    o.set(k, v)
                }
            }
            return loss
        }

        lib.type("TverskyLoss(smooth=1, class_weight=None, loss_weight=1.0, ignore_index=255, alpha=0.3, beta=0.7, loss_name='loss_tversky')",
                 doc: """
                 MMSegmentation TverskyLoss: softmax, per class (≠ ignore_index) and image 1 − (TP+s)/(TP + α·FP + β·FN + s) \
                 over the non-ignored pixels, mean over the batch, × class_weight, averaged over classes. alpha + beta must be 1. \
                 The forward's weight / ignore_index / reduction_override are ignored (the constructor's ignore_index is used).
                 """) { a in
            var c = TverskyLossConfig()
            c.smooth = try a.double("smooth")
            c.classWeight = try classWeight(a)
            c.lossWeight = try a.double("loss_weight")
            c.ignoreIndex = try optionalIgnoreIndex(a)
            c.alpha = try a.double("alpha")
            c.beta = try a.double("beta")
            c.lossName = try a.string("loss_name")
            let loss: TverskyLoss
            do { loss = try TverskyLoss(c) } catch let e as CoreError { throw RuntimeError(e.message, kind: "AssertionError") }
            return lossObject("TverskyLoss", loss, defaultIgnore: "255", attributes: [
                ("smooth", .float(c.smooth)), ("class_weight", a["class_weight"]), ("loss_weight", .float(c.lossWeight)),
                ("ignore_index", c.ignoreIndex.map { .int($0) } ?? .none), ("alpha", .float(c.alpha)), ("beta", .float(c.beta)),
            ])
        }

        lib.type("LovaszLoss(loss_type='multi_class', classes='present', per_image=False, reduction='mean', class_weight=None, loss_weight=1.0, loss_name='loss_lovasz')",
                 doc: """
                 MMSegmentation LovaszLoss: Lovász-Softmax (multi_class: softmax, per class the sorted errors · the Lovász \
                 gradient of the Jaccard index, averaged over 'present' / 'all' / listed classes) or the Lovász hinge (binary: \
                 one logit per pixel, 0/1 labels). per_image=False needs reduction='none' (as upstream: the whole batch gives \
                 one value); per_image=True reduces the per-image losses. Pixels labelled ignore_index (forward, default 255) are dropped.
                 """) { a in
            var c = LovaszLossConfig()
            let lossType = try a.string("loss_type")
            guard lossType == "multi_class" || lossType == "binary" else {
                throw RuntimeError("LovaszLoss: loss_type should be 'binary' or 'multi_class', got '\(lossType)'", kind: "AssertionError")
            }
            c.binary = lossType == "binary"
            switch a["classes"] {
            case .str("present"): c.classes = .present
            case .str("all"): c.classes = .all
            case .list(let l) where l.items.allSatisfy({ if case .int = $0 { return true } else { return false } }):
                c.classes = .list(try Convert.ints(a["classes"], what: "LovaszLoss classes"))
            default:
                throw RuntimeError("LovaszLoss: classes must be 'all', 'present' or a list of class indices, got \(Printer.repr(a["classes"]))", kind: "AssertionError")
            }
            c.perImage = try a.bool("per_image")
            c.reduction = try reduction(a)
            c.classWeight = try classWeight(a)
            c.lossWeight = try a.double("loss_weight")
            c.lossName = try a.string("loss_name")
            let loss: LovaszLoss
            do { loss = try LovaszLoss(c) } catch let e as CoreError { throw RuntimeError(e.message, kind: "AssertionError") }
            // LovaszLoss.forward(cls_score, label, ...), as CrossEntropyLoss (Tversky/Dice/Focal: pred, target)
            return lossObject("LovaszLoss", loss, defaultIgnore: "255", inputs: ("cls_score", "label"), attributes: [
                ("loss_type", .str(lossType)), ("classes", a["classes"]), ("per_image", .bool(c.perImage)),
                ("reduction", .str(c.reduction.rawValue)), ("class_weight", a["class_weight"]), ("loss_weight", .float(c.lossWeight)),
            ])
        }
    }

    // MARK: functions

    /// torch's legacy `size_average` / `reduce` arguments, when given, decide the reduction.
    static func legacyReduction(_ a: Bound) throws -> Reduction {
        if a.has("size_average") || a.has("reduce") {
            let sizeAverage = a.has("size_average") ? try a.bool("size_average") : true
            let reduce = a.has("reduce") ? try a.bool("reduce") : true
            return !reduce ? .none : (sizeAverage ? .mean : .sum)
        }
        return try reduction(a)
    }

    static func registerFunctions(_ lib: Library) {
        lib.function("cross_entropy(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None, reduction='mean', label_smoothing=0.0)",
                     doc: "torch.nn.functional.cross_entropy: index or class-probability targets, class weights, ignore_index, label smoothing.") { a in
            .tensor(try CrossEntropy.torchCrossEntropy(try a.tensor("input"), try a.tensor("target"),
                                                       weight: try a.optionalTensor("weight"),
                                                       ignoreIndex: try a.int("ignore_index"),
                                                       reduction: try legacyReduction(a),
                                                       labelSmoothing: try a.double("label_smoothing")))
        }

        lib.function("binary_cross_entropy_with_logits(input, target, weight=None, size_average=None, reduce=None, reduction='mean', pos_weight=None)",
                     doc: "torch.nn.functional.binary_cross_entropy_with_logits.") { a in
            .tensor(try CrossEntropy.torchBCEWithLogits(try a.tensor("input"), try a.tensor("target").cast(to: .float32),
                                                        weight: try a.optionalTensor("weight"),
                                                        posWeight: try a.optionalTensor("pos_weight"),
                                                        reduction: try legacyReduction(a)))
        }

        lib.function("sigmoid_focal_loss(inputs, targets, alpha=0.25, gamma=2, reduction='none')",
                     doc: "torchvision.ops.sigmoid_focal_loss (alpha < 0 disables the alpha weighting; default reduction 'none').") { a in
            let r: Reduction
            switch try a.string("reduction") {
            case "none": r = .none
            case "mean": r = .mean
            case "sum": r = .sum
            case let s: throw RuntimeError("Invalid Value for arg 'reduction': '\(s)' \n Supported reduction modes: 'none', 'mean', 'sum'", kind: "ValueError")
            }
            return .tensor(try Focal.torchvision(try a.tensor("inputs"), try a.tensor("targets"),
                                                 alpha: try a.double("alpha"), gamma: try a.double("gamma"), reduction: r))
        }

        lib.function("interpolate(input, size=None, scale_factor=None, mode='nearest', align_corners=None, recompute_scale_factor=None, antialias=False)",
                     doc: "torch.nn.functional.interpolate for 3-D/4-D input: 'nearest' (legacy), 'nearest-exact', 'linear', 'bilinear' (float32-exact source coordinates), 'bicubic', 'area'.") { a in
            let input = try a.tensor("input")
            if try a.bool("antialias") {
                throw RuntimeError("interpolate(): antialias=True is not supported", kind: "ValueError")
            }
            let modeName = try a.string("mode")
            guard let mode = Interpolate.Mode(rawValue: modeName) else {
                if ["trilinear"].contains(modeName) {
                    throw RuntimeError("interpolate(): mode '\(modeName)' is not supported (supported: nearest, nearest-exact, linear, bilinear, bicubic, area)", kind: "NotImplementedError")
                }
                let hint = closestName(to: modeName, in: Interpolate.Mode.allCases.map(\.rawValue)).map { " (did you mean '\($0)'?)" } ?? ""
                throw RuntimeError("interpolate() argument 'mode' must be one of 'nearest', 'nearest-exact', 'linear', 'bilinear', 'bicubic', 'area', got '\(modeName)'\(hint)", kind: "ValueError")
            }
            let size: [Int]? = a.has("size") ? try Convert.ints(a["size"], what: "interpolate() argument 'size'") : nil
            let sf: [Double]? = a.has("scale_factor") ? try Convert.doubles(a["scale_factor"], what: "interpolate() argument 'scale_factor'") : nil
            let align: Bool? = a.has("align_corners") ? try a.bool("align_corners") : nil
            return .tensor(try Interpolate.interpolate(input, size: size, scaleFactor: sf, mode: mode, alignCorners: align,
                                                       recomputeScaleFactor: a.has("recompute_scale_factor") ? try a.bool("recompute_scale_factor") : false))
        }

        lib.function("accuracy(pred, target, topk=1, thresh=None, ignore_index=None)",
                     doc: "MMSegmentation accuracy: top-k percentage over non-ignored targets; a tuple topk gives a list.") { a in
            let topkValue = a["topk"]
            let single: Bool
            let ks: [Int]
            if case .int(let k) = topkValue { single = true; ks = [k] } else {
                single = false
                ks = try asserting { try Convert.ints(topkValue, what: "accuracy() argument 'topk'") }   // mmseg asserts an int or tuple
            }
            let res = try DecodeHeadLoss.accuracy(try a.tensor("pred"), try a.tensor("target"), topk: ks,
                                                  thresh: try a.optionalDouble("thresh"), ignoreIndex: try optionalIgnoreIndex(a))
            return single ? .tensor(res[0]) : .list(res.map { .tensor($0) })
        }

        lib.type("Accuracy(topk=(1,), thresh=None, ignore_index=None)",
                 doc: "MMSegmentation's Accuracy module: calling it is accuracy(pred, target, topk, thresh, ignore_index) (a list for a tuple topk, as the default (1,)).") { a in
            let o = BuiltObject(typeName: "Accuracy", attributes: [("topk", a["topk"]), ("thresh", a["thresh"]), ("ignore_index", a["ignore_index"])])
            o.repr = { "Accuracy()" }      // an nn.Module with no children and no extra_repr
            let forward = BuiltinFunction("forward(pred, target)") { b in
                guard case .builtin(let acc)? = lib.globals["accuracy"] else { throw RuntimeError("accuracy is not registered") }
                return try acc.call(Arguments([b["pred"], b["target"]], keywords: [
                    ("topk", o.attributes["topk"] ?? .none), ("thresh", o.attributes["thresh"] ?? .none), ("ignore_index", o.attributes["ignore_index"] ?? .none)]))
            }
            o.callable = forward
            o.methods["forward"] = forward
            o.setter = { [unowned o] k, v in o.set(k, v) }
            return .object(o)
        }

        lib.function("parse_losses(losses)",
                     doc: "MMEngine BaseModel.parse_losses: returns (total, log_vars); total sums the entries whose key contains 'loss' (the int 0 when none does, as Python's sum()).") { a in
            let d = try a.dict("losses")
            var entries: [(String, [Tensor])] = []
            for (k, v) in d.pairs {
                guard case .str(let key) = k else { throw RuntimeError("parse_losses(): keys must be str, got \(k.typeName)", kind: "TypeError") }
                switch v {
                case .tensor(let ref): entries.append((key, [ref.tensor]))
                case .list(let l):
                    let ts = try l.items.map { item -> Tensor in
                        guard let t = item.tensorValue else { throw RuntimeError("\(key) is not a tensor or list of tensors", kind: "TypeError") }
                        return t
                    }
                    entries.append((key, ts))
                default: throw RuntimeError("\(key) is not a tensor or list of tensors", kind: "TypeError")
                }
            }
            let (total, logVars) = try ParseLosses.parse(entries)
            // mmengine's total is Python's sum() over the 'loss' entries: the int 0 when there are none
            let none = !entries.contains { $0.0.contains("loss") }
            let totalValue: Value = none ? .int(0) : .tensor(total)
            let out = DictRef()
            for (k, v) in logVars { out[str: k] = k == "loss" && none ? .int(0) : .tensor(v) }
            return .tuple([totalValue, .dict(out)])
        }
    }

    // MARK: OHEM sampler and decode head

    static func makeSampler(_ a: Bound, _ lib: Library) throws -> OHEMPixelSampler {
        let losses = try lossList(a["loss_decode"], lib)
        return try OHEMPixelSampler(thresh: try a.optionalDouble("thresh"), minKept: try a.int("min_kept"),
                                    ignoreIndex: try a.int("ignore_index"), losses: losses)
    }

    static func samplerObject(_ s: OHEMPixelSampler) -> Value {
        let obj = BuiltObject(typeName: "OHEMPixelSampler", attributes: [
            ("thresh", s.thresh.map { .float($0) } ?? .none), ("min_kept", .int(s.minKept)), ("ignore_index", .int(s.ignoreIndex)),
        ], payload: s)
        obj.method("sample(seg_logit, seg_label)",
                   doc: "Per-pixel 0/1 weight (N, H, W): hard pixels by GT-class probability (thresh) or by loss (top min_kept·N).") { a in
            .tensor(try s.sample(try a.tensor("seg_logit"), try a.tensor("seg_label")))
        }
        return .object(obj)
    }

    static func registerSampling(_ lib: Library) {
        lib.type("OHEMPixelSampler(thresh=None, min_kept=100000, ignore_index=255, loss_decode=None, context=None)",
                 doc: """
                 MMSegmentation OHEMPixelSampler. ignore_index and loss_decode stand for the decode head it is attached to \
                 (build(dict(type='OHEMPixelSampler', thresh=0.7, min_kept=100000), ignore_index=255, loss_decode=...)). \
                 .sample(seg_logit, seg_label) → float32 weight (N, H, W); seg_label may be (N, 1, H, W) or (N, H, W).
                 """) { a in
            var bound = a
            if case .dict(let ctx) = a["context"] {
                // a decode-head-like context: dict(ignore_index=..., loss_decode=...)
                if let ign = ctx[str: "ignore_index"] { bound["ignore_index"] = ign }
                if let ld = ctx[str: "loss_decode"] { bound["loss_decode"] = ld }
            }
            return samplerObject(try makeSampler(bound, lib))
        }

        lib.function("decode_head_loss(seg_logits, seg_label, loss_decode=None, sampler=None, ignore_index=255, align_corners=False)",
                     doc: """
                     MMSegmentation 1.x BaseDecodeHead.loss_by_feat: resize logits to the label size (bilinear, align_corners), \
                     sampler weights, one entry per loss_name (same names summed), then acc_seg. loss_decode defaults to \
                     dict(type='CrossEntropyLoss', use_sigmoid=False, loss_weight=1.0).
                     """) { a in
            var ldValue = a["loss_decode"]
            if ldValue.isNone {
                ldValue = .dict([("type", .str("CrossEntropyLoss")), ("use_sigmoid", .bool(false)), ("loss_weight", .float(1.0))])
            }
            let losses = try lossList(ldValue, lib)
            guard !losses.isEmpty else {
                throw RuntimeError("decode_head_loss(): loss_decode must hold at least one loss", kind: "ValueError")
            }
            let ign = try a.int("ignore_index")
            var sampler: OHEMPixelSampler?
            switch a["sampler"] {
            case .none: sampler = nil
            case .dict(let cfg):
                let built = try lib.build(cfg, defaultArgs: [("ignore_index", .int(ign)), ("loss_decode", ldValue)])
                guard case .object(let o) = built, let s = o.payload as? OHEMPixelSampler else {
                    throw RuntimeError("decode_head_loss(): sampler config must build an OHEMPixelSampler", kind: "TypeError")
                }
                sampler = s
            case .object(let o):
                guard let s = o.payload as? OHEMPixelSampler else {
                    throw RuntimeError("decode_head_loss() argument 'sampler' must be an OHEMPixelSampler, got \(o.typeName)", kind: "TypeError")
                }
                sampler = s
            case let v:
                throw RuntimeError("decode_head_loss() argument 'sampler' must be a config dict or an OHEMPixelSampler, got \(v.typeName)", kind: "TypeError")
            }
            if let x = VariableObjects.variable(a["seg_logits"]) {
                let out = try AutogradBindings.core {
                    try DecodeHeadLoss.lossByFeat(x, try a.tensor("seg_label"), losses: losses, sampler: sampler, ignoreIndex: ign,
                                                  alignCorners: try a.bool("align_corners"))
                }
                let d = DictRef()
                for (k, v) in out { d[str: k] = VariableObjects.result(v) }
                return .dict(d)
            }
            let out = try DecodeHeadLoss.lossByFeat(try a.tensor("seg_logits"), try a.tensor("seg_label"), losses: losses,
                                                    sampler: sampler, ignoreIndex: ign, alignCorners: try a.bool("align_corners"))
            let d = DictRef()
            for (k, v) in out { d[str: k] = .tensor(v) }
            return .dict(d)
        }
    }
}

// MARK: class weights

extension LossBindings {
    static func counts(_ a: Bound, _ name: String = "counts") throws -> [Double] {
        try Convert.doubles(a[name], what: "\(a.function)() argument '\(name)'")
    }

    static func floatTensor(_ w: [Double]) -> Value { .tensor(Tensor(shape: [w.count], float64: w).cast(to: .float32)) }

    static func registerClassWeights(_ lib: Library) {
        lib.define("CITYSCAPES_CLASS_WEIGHT", .list(ClassWeights.cityscapes.map { .float($0) }))

        lib.function("class_pixel_counts(labels, num_classes, ignore_index=255)",
                     doc: "Pixel count per class (int64, length num_classes); ignore_index and out-of-range labels are skipped.") { a in
            let labels = try a.tensor("labels")
            let n = try a.int("num_classes")
            guard n > 0 else { throw RuntimeError("class_pixel_counts(): num_classes must be positive, got \(n)", kind: "ValueError") }
            _ = try Tensor.checkedAllocationCount([n], dtype: .int64)
            let c = ClassWeights.pixelCounts(labels.int64s, numClasses: n, ignoreIndex: try optionalIgnoreIndex(a).map { Int64($0) })
            return .tensor(Tensor(c.map { Int64($0) }))
        }

        lib.function("inverse_frequency_weights(counts, normalize=True)",
                     doc: "1/f_c; with normalize, rescaled to sum to the number of classes.") { a in
            floatTensor(try ClassWeights.inverseFrequency(try counts(a), normalize: try a.bool("normalize")))
        }

        lib.function("enet_weights(counts, c=1.02)",
                     doc: "ENet class weights 1/ln(c + f_c) (Paszke et al. 2016).") { a in
            floatTensor(try ClassWeights.enet(try counts(a), c: try a.double("c")))
        }

        lib.function("effective_number_weights(counts, beta=0.999)",
                     doc: "Class-balanced weights (1-β)/(1-β^n_c), normalised to sum to C (Cui et al. 2019).") { a in
            floatTensor(try ClassWeights.effectiveNumber(try counts(a), beta: try a.double("beta")))
        }

        lib.function("median_frequency_weights(labels, num_classes, ignore_index=None)",
                     doc: """
                     Median frequency balancing (Eigen & Fergus 2015): labels is a list of label maps (or a batch tensor, \
                     one map per first index); freq_c = n_c / pixels of the maps where c occurs; w_c = median(freq)/freq_c.
                     """) { a in
            let n = try a.int("num_classes")
            guard n > 0 else { throw RuntimeError("median_frequency_weights(): num_classes must be positive, got \(n)", kind: "ValueError") }
            let ign = try optionalIgnoreIndex(a).map { Int64($0) }
            var maps: [Tensor] = []
            switch a["labels"] {
            case .list(let l): maps = try l.items.map { try Convert.tensor($0) }
            case .tuple(let t): maps = try t.map { try Convert.tensor($0) }
            default:
                let t = try a.tensor("labels")
                guard t.rank >= 1 else { throw RuntimeError("median_frequency_weights(): labels must be a list of maps or a batch tensor", kind: "ValueError") }
                let per = t.shape[0] > 0 ? t.count / t.shape[0] : 0
                let flat = t.int64s
                maps = (0..<t.shape[0]).map { Tensor(Array(flat[($0 * per)..<(($0 + 1) * per)])) }
            }
            var per: [[Double]] = [], px: [Double] = []
            for m in maps {
                let v = m.int64s
                per.append(ClassWeights.pixelCounts(v, numClasses: n, ignoreIndex: ign).map(Double.init))
                px.append(Double(v.count))
            }
            return floatTensor(try ClassWeights.medianFrequency(perImageCounts: per, imagePixels: px))
        }
    }
}

// MARK: metrics

extension LossBindings {
    static func labelMaps(_ v: Value, what: String) throws -> [Tensor] {
        switch v {
        case .list(let l): return try l.items.map { try Convert.tensor($0) }
        case .tuple(let t): return try t.map { try Convert.tensor($0) }
        default: return [try Convert.tensor(v)]
        }
    }

    static func registerMetrics(_ lib: Library) {
        lib.function("intersect_and_union(pred_label, label, num_classes, ignore_index=255)",
                     doc: "MMSegmentation IoUMetric.intersect_and_union: (area_intersect, area_union, area_pred_label, area_label), float32 per class.") { a in
            let c = try a.int("num_classes")
            guard c > 0 else { throw RuntimeError("intersect_and_union(): num_classes must be positive", kind: "ValueError") }
            let r = try SegMetrics.intersectAndUnion(pred: try a.tensor("pred_label").int64s, label: try a.tensor("label").int64s,
                                                     numClasses: c, ignoreIndex: Int64(try a.int("ignore_index")))
            return .tuple([r.intersect, r.union, r.predLabel, r.label].map { floatTensor($0) })
        }

        lib.function("seg_metrics(preds, labels, num_classes, ignore_index=255, metrics=['mIoU'], nan_to_num=None, beta=1, per_class=False)",
                     doc: """
                     MMSegmentation 1.x IoUMetric over a list of (pred, label) maps: {'aAcc': .., 'mIoU': .., 'mAcc': ..} in percent                      rounded to 2 decimals (nanmean over classes); per_class=True adds the per-class arrays (fractions).
                     """) { a in
            let c = try a.int("num_classes")
            guard c > 0 else { throw RuntimeError("seg_metrics(): num_classes must be positive", kind: "ValueError") }
            let preds = try labelMaps(a["preds"], what: "preds"), labels = try labelMaps(a["labels"], what: "labels")
            guard preds.count == labels.count else {
                throw RuntimeError("seg_metrics(): \(preds.count) predictions but \(labels.count) label maps", kind: "ValueError")
            }
            let ign = Int64(try a.int("ignore_index"))
            var total = SegMetrics.Areas(numClasses: c)
            for (p, l) in zip(preds, labels) {
                total = total + (try SegMetrics.intersectAndUnion(pred: p.int64s, label: l.int64s, numClasses: c, ignoreIndex: ign))
            }
            let names: [String]
            if case .str(let s) = a["metrics"] { names = [s] } else {
                names = try a.sequence("metrics").map { v -> String in
                    guard case .str(let s) = v else { throw RuntimeError("seg_metrics(): metrics must be strings", kind: "TypeError") }
                    return s
                }
            }
            let perClass = try SegMetrics.metrics(total, metrics: names, nanToNum: try a.optionalDouble("nan_to_num"), beta: try a.double("beta"))
            let d = DictRef()
            for (k, v) in SegMetrics.summary(perClass) { d[str: k] = .float(v) }
            if try a.bool("per_class") {
                for (k, v) in perClass where k != "aAcc" { d[str: k] = .list(v.map { .float($0) }) }
            }
            return .dict(d)
        }
    }
}
