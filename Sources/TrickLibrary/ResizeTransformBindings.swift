import TrickCore
import TrickLang

/// The pipeline transforms of trick 6 as buildable types (`Resize(...)`, `build(dict(type='Resize', ...))`).
/// Each built object is callable on a results dict and returns a new dict (`t(results)` or
/// `t.transform(results)`). See TrickCore/Resize for the semantics.
extension ResizeBindings {
    /// A transform given by a callable value (a built-in or a callable object).
    struct CallbackTransform: ResultsTransform {
        let name: String
        let call: (Value) throws -> Value
        func apply(_ results: Results) throws -> Results {
            let out = try call(ResizeBindings.resultsValue(results))
            if case .none = out { throw PipelineStopped() }
            return try ResizeBindings.results(out, name)
        }
    }

    /// A step returned None (mmcv: the sample is dropped): the pipeline stops and returns None.
    struct PipelineStopped: Error {}

    static func transformObject(_ lib: Library, _ name: String, _ a: Bound, _ t: ResultsTransform, repr: (() -> String)? = nil) -> Value {
        var attrs: [(String, Value)] = []
        // The arguments that differ from their defaults, in signature order (for the repr).
        for p in lib.types[name]?.signature.parameters ?? [] where p.kind == .normal || p.kind == .keywordOnly {
            guard a.has(p.name) else { continue }
            if let d = p.defaultValue, Printer.repr(d) == Printer.repr(a[p.name]) { continue }
            attrs.append((p.name, a[p.name]))
        }
        for (k, v) in a.kwargs { attrs.append((k, v)) }
        let obj = BuiltObject(typeName: name, attributes: attrs, payload: t)
        if let repr { obj.repr = repr }
        let run: (Bound) throws -> Value = { b in
            do { return resultsValue(try t.apply(try results(b["results"], name))) } catch is PipelineStopped { return .none }
        }
        obj.callable = BuiltinFunction("\(name)(results)", run)
        obj.method("transform(results)", run)
        return .object(obj)
    }

    /// MMCV 2.x RandomFlip's `_flip_bbox(bboxes, img_shape, direction)`, `_flip_keypoints(...)`
    /// and `_flip_seg_map(seg_map, direction)`, which subclasses and mmcv's tests call; a direction
    /// other than the three is a ValueError there (not imflip's AssertionError).
    static func addFlipHelpers(_ obj: BuiltObject?, _ t: RandomFlipTransform) {
        func direction(_ a: Bound) throws -> ImFlip.Direction {
            let name = try a.string("direction")
            guard let d = ImFlip.Direction(rawValue: name) else {
                throw RuntimeError("Flipping direction must be 'horizontal', 'vertical', or 'diagonal', but got '\(name)'", kind: "ValueError")
            }
            return d
        }
        func shape(_ a: Bound) throws -> (Int, Int) {
            let s = try Convert.ints(a["img_shape"], what: "img_shape")
            guard s.count >= 2 else { throw RuntimeError("img_shape must be (h, w)", kind: "ValueError") }
            return (s[0], s[1])
        }
        func numpyLike(_ out: Tensor, _ input: Tensor) -> Value { var o = out; o.isNumpy = input.isNumpy; return .tensor(o) }
        obj?.method("_flip_bbox(bboxes, img_shape, direction)") { a in
            let b = try a.tensor("bboxes")
            return numpyLike(try ImFlip.flipBoxes(b, imageShape: try shape(a), try direction(a)), b)
        }
        obj?.method("_flip_keypoints(keypoints, img_shape, direction)") { a in
            let k = try a.tensor("keypoints")
            return numpyLike(try RandomFlipTransform.flipKeypoints(k, imageShape: try shape(a), try direction(a)), k)
        }
        obj?.method("_flip_seg_map(seg_map, direction)") { a in
            let m = try a.tensor("seg_map")
            return numpyLike(try t.flipSegMap(m, try direction(a)), m)
        }
    }

    /// A pipeline step from a config dict, a built transform or a callable.
    static func transform(_ lib: Library, _ v: Value, _ who: String) throws -> ResultsTransform {
        switch v {
        case .dict(let cfg): return try transform(lib, try lib.build(cfg), who)
        case .object(let o):
            if let t = o.payload as? ResultsTransform { return t }
            // the step holds the object: an instance of a script class is called through a
            // closure that does not own it (a registry-built MockPackTaskInputs would be gone)
            if let c = o.callable { return CallbackTransform(name: o.typeName) { x in try withExtendedLifetime(o) { try c.call(Arguments([x])) } } }
        case .builtin(let f): return CallbackTransform(name: f.name) { try f.call(Arguments([$0])) }
        case .function:
            return CallbackTransform(name: "function") { try lib.callValue(v, Arguments([$0])) }
        default: break
        }
        throw RuntimeError("\(who): a transform must be a config dict or a transform, got \(v.typeName)", kind: "TypeError")
    }

    /// The steps of a pipeline as objects: config dicts built (through the registry), built
    /// transforms and callables kept, so the pipeline's repr can print each one.
    static func builtSteps(_ lib: Library, _ v: Value, _ who: String) throws -> [Value] {
        let items: [Value]
        switch v {
        case .list(let l): items = l.items
        case .tuple(let t): items = t
        default: items = [v]
        }
        return try items.map { if case .dict(let cfg) = $0 { return try lib.build(cfg) } else { return $0 } }
    }

    static func transformList(_ lib: Library, _ v: Value, _ who: String) throws -> [ResultsTransform] {
        switch v {
        case .list(let l): return try l.items.map { try transform(lib, $0, who) }
        case .tuple(let t): return try t.map { try transform(lib, $0, who) }
        default: return [try transform(lib, v, who)]
        }
    }

    static func strings(_ v: Value, _ what: String, kind: String = "TypeError") throws -> [String] {
        switch v {
        case .str(let s): return [s]
        case .list(let l): return try l.items.map { guard case .str(let s) = $0 else { throw RuntimeError("\(what) must hold str, got \($0.typeName)", kind: kind) }; return s }
        case .tuple(let t): return try t.map { guard case .str(let s) = $0 else { throw RuntimeError("\(what) must hold str, got \($0.typeName)", kind: kind) }; return s }
        default: throw RuntimeError("\(what) must be a str or a list of str, got \(v.typeName)", kind: kind)
        }
    }

    static func range(_ v: Value, _ what: String) throws -> (Double, Double) {
        let r = try numbers(v, what)
        guard r.count == 2 else { throw RuntimeError("\(what) must be a (min, max) pair", kind: "ValueError") }
        guard r[0] <= r[1] else { throw RuntimeError("\(what) must have min <= max, got \(Printer.repr(v))", kind: "ValueError") }
        return (r[0], r[1])
    }

    /// The MMCV 2.x inner `Resize` of RandomResize / RandomChoiceResize from `resize_type` and kwargs.
    static func innerResize(_ a: Bound, _ who: String) throws -> ResizeTransform {
        let type = try a.string("resize_type")
        guard type == "Resize" else {
            throw RuntimeError("\(who): resize_type '\(type)' is not supported (only 'Resize'\(who == "RandomChoiceResize" ? " and 'ResizeShortestEdge'" : ""))", kind: "ValueError")
        }
        var keep = false, clip = true, interp = ImResize.Interpolation.bilinear
        for (k, v) in a.kwargs {
            switch k {
            case "keep_ratio": keep = try v.truthy()
            case "clip_object_border": clip = try v.truthy()
            case "interpolation":
                guard case .str(let s) = v else { throw RuntimeError("\(who): interpolation must be a str", kind: "TypeError") }
                interp = try ImResize.Interpolation(name: s)
            case "backend": break
            default:
                let hint = closestName(to: k, in: ["keep_ratio", "clip_object_border", "interpolation", "backend"]).map { " (did you mean '\($0)'?)" } ?? ""
                throw RuntimeError("\(who)() got an unexpected keyword argument '\(k)' for Resize\(hint)", kind: "TypeError")
            }
        }
        return try ResizeTransform(scale: [0, 0], scaleFactor: nil, keepRatio: keep, clipObjectBorder: clip, interpolation: interp)
    }

    static func registerTransforms(_ lib: Library) {
        lib.type("Resize(scale=None, scale_factor=None, keep_ratio=None, clip_object_border=True, backend='cv2', interpolation='bilinear', img_scale=None, multiscale_mode='range', ratio_range=None, bbox_clip_border=True, override=False, min_size=None)",
                 doc: "MMCV 2.x Resize(scale | scale_factor, keep_ratio=False); MMDetection 2.x / MMSegmentation 0.x Resize(img_scale, multiscale_mode, ratio_range, keep_ratio=True).") { a in
            try checkBackend(a)
            let interp = try interpolation(a)
            let legacy = a.has("img_scale") || a.has("ratio_range") || (!a.has("scale") && !a.has("scale_factor"))
            let t: ResizeTransform
            if legacy {
                let clipBorder = try a.bool("bbox_clip_border") && a.bool("clip_object_border")
                let mode = try a.choice("multiscale_mode", ["range", "value"])
                t = try ResizeTransform(
                    imgScales: a.has("img_scale") ? try pairs(a["img_scale"], "img_scale") : nil,
                    multiscaleMode: mode == "range" ? .range : .value,
                    ratioRange: a.has("ratio_range") ? try range(a["ratio_range"], "ratio_range") : nil,
                    keepRatio: a.has("keep_ratio") ? try a.bool("keep_ratio") : true,
                    bboxClipBorder: clipBorder,
                    override: try a.bool("override"), minSize: try a.optionalDouble("min_size"), interpolation: interp)
            } else {
                // MMCV 2.x `Resize.__init__`: a float or a 2-tuple; an int or a list is a TypeError there.
                var factor: [Double]?
                switch a["scale_factor"] {
                case .none: break
                case .float(let f): factor = [f, f]
                case .tuple(let t):
                    guard t.count == 2 else {
                        throw RuntimeError("Resize(): scale_factor must be a float or a 2-tuple of floats, got \(Printer.repr(a["scale_factor"]))", kind: "AssertionError")
                    }
                    factor = try numbers(a["scale_factor"], "scale_factor")
                default:
                    throw RuntimeError("Resize(): expect scale_factor is float or Tuple(float), but got \(Printer.repr(a["scale_factor"])) (\(a["scale_factor"].typeName))", kind: "TypeError")
                }
                let keepRatio = a.has("keep_ratio") ? try a.bool("keep_ratio") : false
                // With keep_ratio, MMCV's imrescale -> rescale_size takes a number or a tuple only.
                if keepRatio, case .list = a["scale"] {
                    throw RuntimeError("Resize(): with keep_ratio=True the scale must be an int or a (w, h) tuple (rescale_size: Scale must be a number or tuple of int), got list \(Printer.repr(a["scale"]))", kind: "TypeError")
                }
                t = try ResizeTransform(scale: a.has("scale") ? try pair(a["scale"], "scale") : nil, scaleFactor: factor,
                                        keepRatio: keepRatio,
                                        clipObjectBorder: try a.bool("clip_object_border"), interpolation: interp)
            }
            // mmcv 2.1's __repr__, its unbalanced parentheses included; mmdet 2.x's form keeps trick's.
            let r = MMCVRepr.resize(a, t, legacy: legacy)
            return transformObject(lib, "Resize", a, t, repr: r)
        }

        lib.type("RandomResize(scale, ratio_range=None, resize_type='Resize', **resize_kwargs)",
                 doc: "MMCV 2.x RandomResize: scale × U[ratio_range] (truncated), or per-component randint between two scales.") { a in
            // mmcv samples a tuple of ints or a list of tuples; anything else is its NotImplementedError
            let tupleOfInts: Bool = { if case .tuple(let t) = a["scale"] { return t.allSatisfy { if case .int = $0 { return true }; return false } }; return false }()
            let listOfTuples: Bool = { if case .list(let l) = a["scale"] { return l.items.allSatisfy { if case .tuple = $0 { return true }; return false } }; return false }()
            guard tupleOfInts || listOfTuples else {
                throw RuntimeError("Do not support sampling function for \"\(Printer.repr(a["scale"]))\"", kind: "NotImplementedError")
            }
            let scales = try pairs(a["scale"], "scale")
            let t = try RandomResize(scales: scales, ratioRange: a.has("ratio_range") ? try range(a["ratio_range"], "ratio_range") : nil,
                                     resize: try innerResize(a, "RandomResize"))
            return transformObject(lib, "RandomResize", a, t, repr: MMCVRepr.random("RandomResize", a, first: ("scale", a["scale"]), second: ("ratio_range", a["ratio_range"])))
        }

        lib.type("RandomChoiceResize(scales, resize_type='Resize', **resize_kwargs)",
                 doc: "MMCV 2.x RandomChoiceResize: one of `scales` chosen with randint; results['scale_idx'] records it. Where trick differs: an int scale s means (s, s), as Resize(scale=s) documents; mmcv 2.1 hands the bare int to Resize, whose imrescale then takes it as a factor (×s) with keep_ratio=True and fails without it.") { a in
            let repr = MMCVRepr.random("RandomChoiceResize", a, first: ("scales", a["scales"]), second: nil)
            if case .str("ResizeShortestEdge") = a["resize_type"] {
                // mmseg's Mask2Former pipelines: scales are short-side lengths (ints), max_size caps the long side.
                let items: [Value]
                if case .list(let l) = a["scales"] { items = l.items } else { items = [a["scales"]] }
                guard !items.isEmpty else { throw RuntimeError("RandomChoiceResize: scales must not be empty", kind: "ValueError") }
                let scales = try items.map { try shortEdge($0, "scales") }
                let maxSize = a.kwargs.first { $0.0 == "max_size" }?.1 ?? .none
                let edge = try shortestEdge(scales[0], maxSize: maxSize, kwargs: a.kwargs.filter { $0.0 != "max_size" }, "RandomChoiceResize")
                return transformObject(lib, "RandomChoiceResize", a, ChoiceShortestEdgeResize(scales: scales, edge: edge), repr: repr)
            }
            let scales: [[Double]]
            // mmcv: `assert mmengine.is_seq_of(self.scales, (tuple, int))`
            if case .list(let l) = a["scales"], let bad = l.items.first(where: { if case .tuple = $0 { return false }; if case .int = $0 { return false }; return true }) {
                throw RuntimeError("RandomChoiceResize: scales must be (w, h) tuples or ints, got \(bad.typeName) \(Printer.repr(bad))", kind: "AssertionError")
            }
            if case .list(let l) = a["scales"] { scales = try l.items.map { try pair($0, "scales") } } else { scales = [try pair(a["scales"], "scales")] }
            return transformObject(lib, "RandomChoiceResize", a, try RandomChoiceResize(scales: scales, resize: try innerResize(a, "RandomChoiceResize")),
                                   repr: repr)
        }

        lib.type("RandomFlip(prob=None, direction='horizontal', swap_seg_labels=None, flip_ratio=None)",
                 doc: "MMCV 2.x RandomFlip(prob, direction); MMDetection 2.x RandomFlip(flip_ratio, direction) honours a preset results['flip'].") { a in
            let legacy = a.has("flip_ratio") || !a.has("prob")
            let p = a.has("prob") ? a["prob"] : a["flip_ratio"]
            var probs: [Double]?, isList = false
            switch p {
            case .none: probs = nil
            case .list, .tuple: probs = try numbers(p, "prob"); isList = true
            case .int, .float: probs = [try number(p, "prob")]
            default: throw RuntimeError("probs must be float or list of float, but got `<class '\(p.typeName)'>`.", kind: "ValueError")
            }
            switch a["direction"] {
            case .str, .list, .tuple: break
            default: throw RuntimeError("direction must be either str or list of str, but got `<class '\(a["direction"].typeName)'>`.", kind: "ValueError")
            }
            let dirs = try strings(a["direction"], "direction").map { try ImFlip.Direction(name: $0) }
            var swap: [[Int]]?
            if a.has("swap_seg_labels") {
                // mmcv asserts a list or tuple of pairs (when it flips a seg map)
                let pairs: [Value]
                switch a["swap_seg_labels"] {
                case .list(let l): pairs = l.items
                case .tuple(let t): pairs = t
                default: throw RuntimeError("swap_seg_labels must be a list or tuple of label pairs, got \(a["swap_seg_labels"].typeName)", kind: "AssertionError")
                }
                swap = try pairs.map { pair in
                    guard let labels = try? Convert.ints(pair, what: "swap_seg_labels"), labels.count == 2 else {
                        throw RuntimeError("swap_seg_labels must be a sequence with pair, but got \(Printer.repr(a["swap_seg_labels"])).", kind: "AssertionError")
                    }
                    return labels
                }
            }
            var t = try RandomFlipTransform(style: legacy ? .legacy : .mmcv2, prob: probs, probIsList: isList, directions: dirs, swapSegLabels: swap)
            if swap != nil { t.swapSegLabelsAsGiven = ResizeBindings.field(a["swap_seg_labels"]) }
            let obj = transformObject(lib, "RandomFlip", a, t, repr: legacy ? nil : {
                "RandomFlip(prob=\(Printer.str(p)), direction=\(Printer.str(a["direction"])))"
            })
            addFlipHelpers(obj.objectValue, t)
            return obj
        }

        // MMCV 2.x: RandomFlip(None) is a ValueError. trick's RandomFlip without prob is MMDetection
        // 2.x's (flip_ratio, or a preset results['flip']), so only a prob given as None is refused.
        if case .builtin(let flip)? = lib.globals["RandomFlip"] {
            let checked = BuiltinFunction(raw: flip.signatureText, doc: flip.doc) { args in
                let prob = args.positional.first ?? args.keywords.first { $0.0 == "prob" }?.1
                if case .none? = prob {
                    throw RuntimeError("probs must be float or list of float, but got `<class 'NoneType'>`.", kind: "ValueError")
                }
                return try flip.call(args)
            }
            AutogradBindings.replace(lib, flip, with: checked)
        }

        // MMCV 2.x: `scale` and `scale_factor` both None is an AssertionError. trick's Resize without
        // either is MMDetection 2.x's (the scale comes from results['scale']), so only a call that
        // names scale / scale_factor (MMDetection 2.x has neither) and leaves both None is refused.
        if case .builtin(let resize)? = lib.globals["Resize"] {
            let checked = BuiltinFunction(raw: resize.signature, doc: resize.doc) { args in
                let named = args.keywords.filter { $0.0 == "scale" || $0.0 == "scale_factor" }.map(\.1) + args.positional.prefix(2)
                if !named.isEmpty, named.allSatisfy(\.isNone), !args.keywords.contains(where: { $0.0 == "img_scale" || $0.0 == "ratio_range" }) {
                    throw RuntimeError("`scale` and`scale_factor` can not both be `None`", kind: "AssertionError")
                }
                return try resize.call(args)
            }
            AutogradBindings.replace(lib, resize, with: checked)
            lib.registerType("Resize", checked)
        }

        lib.type("Pad(size=None, size_divisor=None, pad_to_square=False, pad_val=None, padding_mode='constant', seg_pad_val=None)",
                 doc: "MMCV 2.x Pad (size is (w, h)); MMDetection 2.x / MMSegmentation 0.x form after a legacy Resize (size is (h, w)).") { a in
            var imgVal = 0.0, isInt = true, segVal = 255.0, maskVal = 0.0
            var perChannel: [Double]?, segPerChannel: [Double]?
            switch a["pad_val"] {
            case .none: break
            case .int(let i): imgVal = Double(i)
            case .float(let d): imgVal = d; isInt = false
            case .dict(let d):
                if case .tuple? = d[str: "img"] {
                    perChannel = try numbers(d[str: "img"]!, "pad_val['img']")  // impad: one value per channel
                } else if let v = d[str: "img"] { imgVal = try number(v, "pad_val['img']"); if case .float = v { isInt = false } }
                switch d[str: "seg"] {
                case .tuple?, .list?: segPerChannel = try numbers(d[str: "seg"]!, "pad_val['seg']")   // per channel, as impad
                case let v?: segVal = try number(v, "pad_val['seg']")
                case nil: break
                }
                if let v = d[str: "masks"] { maskVal = try number(v, "pad_val['masks']") }
            default: throw RuntimeError("pad_val must be a number or a dict, got \(a["pad_val"].typeName)", kind: "AssertionError")  // mmcv asserts a dict
            }
            if a.has("seg_pad_val") { segVal = try a.double("seg_pad_val") }
            let mode = try padMode(a)
            let t = try PadTransform(size: a.has("size") ? try Convert.ints(a["size"], what: "size") : nil,
                                     sizeDivisor: try a.optionalInt("size_divisor"), padToSquare: try a.bool("pad_to_square"),
                                     imgPadVal: imgVal, imgPadValIsInt: isInt, segPadVal: segVal, mode: mode,
                                     forceLegacy: a.has("seg_pad_val"))
            var pad = t
            pad.imgPadValPerChannel = perChannel
            pad.segPadValPerChannel = segPerChannel
            pad.maskPadVal = maskVal
            return transformObject(lib, "Pad", a, pad, repr: a.has("seg_pad_val") ? nil : MMCVRepr.pad(a))
        }

        lib.type("Normalize(mean, std, to_rgb=True)", doc: "MMCV Normalize: imnormalize and img_norm_cfg.") { a in
            let mean = try numbers(a["mean"], "mean"), std = try numbers(a["std"], "std")
            return transformObject(lib, "Normalize", a, try NormalizeTransform(mean: mean, std: std, toRGB: try a.bool("to_rgb")),
                                   repr: MMCVRepr.normalize(mean, std, toRGB: try a.bool("to_rgb")))
        }

        lib.type("LoadImageFromFile(to_float32=False, color_type='color', **kwargs)",
                 doc: "Reads the image file results['img_path'] (or img_prefix + img_info['filename']) with imread(flag=color_type): PNG or JPEG as int64 uint8 values; results['img'] if given; a synthetic uint8-valued image from img_info/ori_shape/height,width when there is no file.") { a in
            try fileArguments(a)
            return transformObject(lib, "LoadImageFromFile", a, try LoadImageFromFile(toFloat32: try a.bool("to_float32"), colorType: try a.string("color_type")),
                            repr: MMCVRepr.loadImageFromFile(a))
        }

        lib.type("LoadAnnotations(with_bbox=True, with_label=True, with_mask=False, with_seg=False, poly2mask=True, reduce_zero_label=False, **kwargs)",
                 doc: "Takes gt_bboxes / gt_labels / gt_semantic_seg from results['ann_info'] (bboxes, labels, seg_map) or the results; a seg map file (results['seg_map_path'], or seg_prefix + ann_info['seg_map']) is read as mmseg does: PNG 'unchanged' with PIL's palette indices, as uint8; reduce_zero_label maps 0 to 255 and the rest down by 1.") { a in
            try fileArguments(a)
            if try a.bool("with_mask") { throw RuntimeError("LoadAnnotations: with_mask=True is not supported (no instance masks)", kind: "ValueError") }
            return transformObject(lib, "LoadAnnotations", a, LoadAnnotations(withBBox: try a.bool("with_bbox"), withLabel: try a.bool("with_label"),
                                                                              withSeg: try a.bool("with_seg"), reduceZeroLabel: try a.bool("reduce_zero_label")),
                                   repr: MMCVRepr.loadAnnotations(a))
        }

        /// mmcv 2.1's loading transforms take file_client_args (deprecated) or backend_args, not both.
        func fileArguments(_ a: Bound) throws {
            let given = Set(a.kwargs.filter { !$0.1.isNone }.map(\.0))
            if given.contains("file_client_args") && given.contains("backend_args") {
                throw RuntimeError("\"file_client_args\" and \"backend_args\" cannot be set at the same time.", kind: "ValueError")
            }
        }

        lib.type("DefaultFormatBundle(**kwargs)", doc: "MMDetection 2.x DefaultFormatBundle: img to a CHW tensor, default meta keys.") { a in
            transformObject(lib, "DefaultFormatBundle", a, DefaultFormatBundle())
        }

        lib.type("ImageToTensor(keys)", doc: "HWC images to CHW tensors.") { a in
            transformObject(lib, "ImageToTensor", a, ImageToTensor(keys: try strings(a["keys"], "keys")))
        }

        lib.type("Collect(keys, meta_keys=None)", doc: "MMDetection 2.x Collect: img_metas plus the keys.") { a in
            let meta = a.has("meta_keys") ? try strings(a["meta_keys"], "meta_keys") : Collect.defaultMetaKeys
            return transformObject(lib, "Collect", a, Collect(keys: try strings(a["keys"], "keys"), metaKeys: meta))
        }

        lib.type("Compose(transforms)", doc: "A pipeline: config dicts or transforms applied in order.") { a in
            let steps = try builtSteps(lib, a["transforms"], "Compose")
            let made = transformObject(lib, "Compose", a, Compose(try steps.map { try transform(lib, $0, "Compose") }), repr: MMCVRepr.compose(steps))
            if case .object(let o) = made {
                // mmcv's Compose keeps its transforms in a list and iterates over them
                let list = ListRef(steps)
                o.set("transforms", .list(list))
                o.method("__iter__()") { _ in .list(ListRef(list.items)) }
            }
            return made
        }

        lib.type("MultiScaleFlipAug(transforms, img_scale=None, scale_factor=None, flip=False, flip_direction='horizontal', img_ratios=None, scales=None, allow_flip=False, resize_cfg=None, flip_cfg=None)",
                 doc: "Test-time augmentation: one variant per scale × (no flip, each flip direction); output is a dict of lists.") { a in
            let inner = Compose(try transformList(lib, a["transforms"], "MultiScaleFlipAug"))
            // mmcv asserts `is_list_of(flip_direction, str)` (after wrapping a str in a list)
            let dirs = try strings(a["flip_direction"], "flip_direction", kind: "AssertionError").map { try ImFlip.Direction(name: $0) }
            let allowFlip = try a.bool("allow_flip")
            let mmcv2 = a.has("scales") || a.has("resize_cfg") || a.has("flip_cfg") || allowFlip
            func factors() throws -> [MultiScaleFlipAug.Setting] { try numbers(a["scale_factor"], "scale_factor").map { .factor($0) } }
            var t: MultiScaleFlipAug
            if mmcv2 {
                var settings: [MultiScaleFlipAug.Setting]
                if a.has("scales") { settings = try pairs(a["scales"], "scales").map { .scale($0) } } else if a.has("scale_factor") { settings = try factors() } else { settings = [.factor(1.0)] }
                t = try MultiScaleFlipAug(flavor: .mmcv2, settings: settings, flip: try a.bool("allow_flip"), directions: dirs, transforms: inner)
                let resizeCfg = a.has("resize_cfg") ? try a.dict("resize_cfg") : try DictRef([(.str("type"), .str("Resize")), (.str("keep_ratio"), .bool(true))])
                let flipCfg = a.has("flip_cfg") ? try a.dict("flip_cfg") : try DictRef([(.str("type"), .str("RandomFlip"))])
                t.makeResize = { s in
                    let cfg = resizeCfg.copy()
                    switch s {
                    case .scale(let x): cfg[str: "scale"] = .tuple(x.map { .int(Int($0)) })
                    case .factor(let f): cfg[str: "scale_factor"] = .float(f)
                    }
                    return try transform(lib, .dict(cfg), "MultiScaleFlipAug")
                }
                t.makeFlip = { d in
                    let cfg = flipCfg.copy()
                    cfg[str: "prob"] = .float(1.0); cfg[str: "direction"] = .str(d.rawValue)
                    return try transform(lib, .dict(cfg), "MultiScaleFlipAug")
                }
            } else if a.has("img_ratios") {
                let ratios: [Double]
                switch a["img_ratios"] {
                case .float(let r): ratios = [r]
                case .list, .tuple: ratios = try numbers(a["img_ratios"], "img_ratios")
                default: throw RuntimeError("MultiScaleFlipAug: img_ratios must be a float or a list of floats, got \(a["img_ratios"].typeName)", kind: "AssertionError")
                }
                if a.has("img_scale") {
                    let base = try pairs(a["img_scale"], "img_scale")
                    let settings: [MultiScaleFlipAug.Setting] = base.count == 1
                        ? ratios.map { .scale([(base[0][0] * $0).rounded(.towardZero), (base[0][1] * $0).rounded(.towardZero)]) }
                        : base.map { .scale($0) }
                    t = try MultiScaleFlipAug(flavor: .mmseg0, settings: settings, flip: try a.bool("flip"), directions: dirs, transforms: inner)
                } else {
                    t = try MultiScaleFlipAug(flavor: .mmseg0, settings: [], imageRatios: ratios, flip: try a.bool("flip"), directions: dirs, transforms: inner)
                }
            } else {
                guard a.has("img_scale") != a.has("scale_factor") else {
                    throw RuntimeError("MultiScaleFlipAug: exactly one of img_scale and scale_factor must be given", kind: "AssertionError")
                }
                let settings = a.has("img_scale") ? try pairs(a["img_scale"], "img_scale").map { MultiScaleFlipAug.Setting.scale($0) } : try factors()
                t = try MultiScaleFlipAug(flavor: .mmdet2, settings: settings, flip: try a.bool("flip"), directions: dirs, transforms: inner)
            }
            return transformObject(lib, "MultiScaleFlipAug", a, t)
        }

        lib.type("TestTimeAug(transforms)", doc: "MMCV 2.x TestTimeAug: the Cartesian product of the lists of transforms.") { a in
            let lists: [Value]
            switch a["transforms"] {
            case .list(let l): lists = l.items
            case .tuple(let t): lists = t
            default: throw RuntimeError("TestTimeAug: transforms must be a list of lists", kind: "TypeError")
            }
            // mmcv iterates each stage: a flat list of dicts fails there ("transform must be callable
            // or a dict, but got <class 'str'>"); say what to write instead.
            if let i = lists.firstIndex(where: { if case .list = $0 { return false }; if case .tuple = $0 { return false }; return true }) {
                throw RuntimeError("TestTimeAug: transforms must be a list of stages, each a list of transforms (e.g. [[Resize(...)], [RandomFlip(prob=1.0), RandomFlip(prob=0.0)]]); item \(i) is a \(lists[i].typeName)", kind: "TypeError")
            }
            // Each stage's transforms built once: the pipeline runs them and the reprs print them.
            let stages = try lists.map { try builtSteps(lib, $0, "TestTimeAug") }
            let t = try TestTimeAug(try stages.map { try $0.map { try transform(lib, $0, "TestTimeAug") } })
            // mmcv: subroutines = [Compose(s) for s in itertools.product(*transforms)]
            var combos: [[Value]] = [[]]
            for stage in stages { combos = combos.flatMap { c in stage.map { c + [$0] } } }
            let subroutines = try combos.map { c -> Value in
                guard let compose = lib.types["Compose"] else { throw RuntimeError("Compose is not registered") }
                return try compose.call(Arguments([], keywords: [("transforms", .list(c))]))
            }
            let obj = transformObject(lib, "TestTimeAug", a, t, repr: MMCVRepr.testTimeAug(subroutines))
            obj.objectValue?.set("subroutines", .list(subroutines))
            return obj
        }
    }
}
