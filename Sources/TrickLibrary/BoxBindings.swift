import TrickCore
import TrickLang

/// Built-ins of tricks 2, 7 and 9: box IoU, the NMS family, soft-NMS, ensemble_boxes,
/// MaxIoUAssigner and the R-CNN samplers. Thin: parse arguments, call TrickCore, wrap results.
enum BoxBindings {
    static func register(_ lib: Library) {
        registerIoU(lib)
        registerNMS(lib)
        registerEnsemble(lib)
        registerAssigner(lib)
        registerSamplers(lib)
        registerVoting(lib)
    }

    static func tuple(_ ts: Tensor...) -> Value { .tuple(ts.map { .tensor($0) }) }

    // MARK: IoU

    static func registerIoU(_ lib: Library) {
        lib.function("box_iou(boxes1, boxes2)", doc: "torchvision.ops.box_iou: pairwise IoU (N, M) of (x1, y1, x2, y2) boxes.") { a in
            .tensor(try BoxIoU.torchvision(.iou, a.tensor("boxes1"), a.tensor("boxes2")))
        }
        lib.function("generalized_box_iou(boxes1, boxes2)", doc: "torchvision.ops.generalized_box_iou: pairwise GIoU (N, M).") { a in
            .tensor(try BoxIoU.torchvision(.giou, a.tensor("boxes1"), a.tensor("boxes2")))
        }
        lib.function("distance_box_iou(boxes1, boxes2, eps=1e-7)", doc: "torchvision.ops.distance_box_iou: pairwise DIoU (N, M).") { a in
            .tensor(try BoxIoU.torchvision(.diou, a.tensor("boxes1"), a.tensor("boxes2"), eps: a.double("eps")))
        }
        lib.function("complete_box_iou(boxes1, boxes2, eps=1e-7)", doc: "torchvision.ops.complete_box_iou: pairwise CIoU (N, M).") { a in
            .tensor(try BoxIoU.torchvision(.ciou, a.tensor("boxes1"), a.tensor("boxes2"), eps: a.double("eps")))
        }
        lib.function("box_area(boxes)", doc: "torchvision.ops.box_area: (x2 - x1) * (y2 - y1) of (..., 4) boxes, in their dtype.") { a in
            .tensor(try BoxConvert.area(a.tensor("boxes")))
        }
        lib.function("box_convert(boxes, in_fmt, out_fmt)",
                     doc: "torchvision.ops.box_convert between 'xyxy', 'xywh' and 'cxcywh' (dtypes as torch promotes: cxcywh of integer boxes is float32).") { a in
            .tensor(try BoxConvert.convert(a.tensor("boxes"), from: a.string("in_fmt"), to: a.string("out_fmt")))
        }
        lib.function("bbox_overlaps(bboxes1, bboxes2, mode='iou', is_aligned=False, eps=1e-6)",
                     doc: "MMDetection bbox_overlaps: modes 'iou', 'iof', 'giou'; (m, n), or (m,) when is_aligned.") { a in
            .tensor(try BoxIoU.bboxOverlaps(a.tensor("bboxes1"), a.tensor("bboxes2"), mode: a.choice("mode", ["iou", "iof", "giou"]),
                                            isAligned: a.bool("is_aligned"), eps: a.double("eps")))
        }
    }

    // MARK: NMS family

    static func registerNMS(_ lib: Library) {
        lib.function("nms(boxes, scores, iou_threshold)",
                     doc: "torchvision.ops.nms: int64 indices of the kept boxes, by decreasing score (IoU > iou_threshold suppresses).") { a in
            .tensor(try NMS.torchvision(boxes: a.tensor("boxes"), scores: a.tensor("scores"), iouThreshold: a.double("iou_threshold")))
        }
        lib.function("batched_nms(boxes, scores, idxs, iou_threshold)",
                     doc: "torchvision.ops.batched_nms: NMS within each category idxs; int64 kept indices by decreasing score.") { a in
            .tensor(try NMS.torchvisionBatched(boxes: a.tensor("boxes"), scores: a.tensor("scores"), idxs: a.tensor("idxs"),
                                               iouThreshold: a.double("iou_threshold")))
        }
        lib.function("soft_nms(boxes, scores, iou_threshold=0.3, sigma=0.5, min_score=1e-3, method='linear', offset=0, iou_thr=None)",
                     doc: "mmcv.ops.soft_nms → (dets (K, 5) with decayed scores, inds). method: 'linear', 'gaussian' or 'naive'.") { a in
            let m = SoftNMS.Method(name: try a.choice("method", ["naive", "linear", "gaussian"]))!
            let thr = try a.optionalDouble("iou_thr") ?? a.double("iou_threshold")
            let (d, i) = try SoftNMS.mmcv(boxes: a.tensor("boxes"), scores: a.tensor("scores"), iouThreshold: thr, sigma: a.double("sigma"),
                                          minScore: a.double("min_score"), method: m, offset: a.int("offset"))
            return tuple(d, i)
        }
        lib.function("mmcv_nms(boxes, scores, iou_threshold, offset=0, score_threshold=0, max_num=-1)",
                     doc: "mmcv.ops.nms → (dets (K, 5), inds), score-descending.") { a in
            let (d, i) = try NMS.mmcv(boxes: a.tensor("boxes"), scores: a.tensor("scores"), iouThreshold: a.double("iou_threshold"),
                                      offset: a.int("offset"), scoreThreshold: a.double("score_threshold"), maxNum: a.int("max_num"))
            return tuple(d, i)
        }
        lib.function("mmcv_batched_nms(boxes, scores, idxs, nms_cfg, class_agnostic=False)",
                     doc: "mmcv.ops.batched_nms → (dets (K, 5), keep). nms_cfg: dict(type='nms'|'soft_nms', iou_threshold=…, …) or None.") { a in
            let cfg = try nmsConfig(a["nms_cfg"], function: "mmcv_batched_nms")
            let (d, k) = try MulticlassNMS.mmcvBatched(boxes: a.tensor("boxes"), scores: a.tensor("scores"), idxs: a.tensor("idxs"),
                                                       cfg: cfg, classAgnostic: a.bool("class_agnostic"))
            return tuple(d, k)
        }
        lib.function("nms_match(dets, iou_threshold)",
                     doc: "mmcv.ops.nms_match: groups [kept, suppressed…] (IoU >= iou_threshold) in score order.") { a in
            let groups = try NMS.nmsMatch(dets: a.tensor("dets"), iouThreshold: a.double("iou_threshold"))
            return .list(groups.map { .tensor(Tensor($0.map(Int64.init))) })
        }
        lib.function("multiclass_nms(multi_bboxes, multi_scores, score_thr, nms_cfg, max_num=-1, score_factors=None, return_inds=False)",
                     doc: "mmdet multiclass_nms → (dets (K, 5), labels[, inds]); multi_scores (n, C+1) with background last.") { a in
            let cfg = try nmsConfig(a["nms_cfg"], function: "multiclass_nms")
            let r = try MulticlassNMS.multiclass(multiBboxes: a.tensor("multi_bboxes"), multiScores: a.tensor("multi_scores"),
                                                 scoreThr: a.double("score_thr"), cfg: cfg, maxNum: a.int("max_num"),
                                                 scoreFactors: a.optionalTensor("score_factors"))
            return try a.bool("return_inds") ? tuple(r.dets, r.labels, r.inds) : tuple(r.dets, r.labels)
        }
    }

    /// An mmcv `nms_cfg` dict (or None). Keys as mmcv: type, iou_threshold (iou_thr), offset,
    /// score_threshold, max_num (nms); sigma, min_score, method (soft_nms); class_agnostic, split_thr.
    static func nmsConfig(_ v: Value, function: String) throws -> MulticlassNMS.Config? {
        if v.isNone { return nil }
        guard case .dict(let d) = v else {
            throw RuntimeError("\(function)() argument 'nms_cfg' must be a dict or None, got \(v.typeName)", kind: "TypeError")
        }
        var cfg = MulticlassNMS.Config()
        if let t = d[str: "type"] {
            guard case .str(let s) = t, let op = MulticlassNMS.Config.Op(rawValue: s) else {
                throw RuntimeError("\(function)(): nms_cfg type must be 'nms' or 'soft_nms', got \(Printer.repr(t))", kind: "ValueError")
            }
            cfg.op = op
        }
        let common = ["type", "iou_threshold", "iou_thr", "offset", "class_agnostic", "split_thr"]
        let allowed = common + (cfg.op == .nms ? ["score_threshold", "max_num"] : ["sigma", "min_score", "method"])
        var sawThreshold = false
        for (k, val) in d.pairs {
            guard case .str(let key) = k else { throw RuntimeError("nms_cfg keys must be str", kind: "TypeError") }
            guard allowed.contains(key) else {
                let hint = closestName(to: key, in: allowed).map { " (did you mean '\($0)'?)" } ?? ""
                throw RuntimeError("\(function)(): nms_cfg key '\(key)' is not an argument of \(cfg.op.rawValue)\(hint)", kind: "TypeError")
            }
            func num() throws -> Double {
                guard let x = Convert.double(val) else { throw RuntimeError("nms_cfg['\(key)'] must be a number, got \(val.typeName)", kind: "TypeError") }
                return x
            }
            switch key {
            case "iou_threshold", "iou_thr": cfg.iouThreshold = try num(); sawThreshold = true
            case "offset":
                cfg.offset = Int(try num())
                guard cfg.offset == 0 || cfg.offset == 1 else { throw RuntimeError("nms_cfg offset must be 0 or 1", kind: "ValueError") }
            case "score_threshold": cfg.scoreThreshold = try num()
            case "max_num": cfg.maxNum = Int(try num())
            case "sigma": cfg.sigma = try num()
            case "min_score": cfg.minScore = try num()
            case "method":
                guard case .str(let s) = val, let m = SoftNMS.Method(name: s) else {
                    throw RuntimeError("nms_cfg method must be 'linear', 'gaussian' or 'naive', got \(Printer.repr(val))", kind: "ValueError")
                }
                cfg.method = m
            case "class_agnostic": cfg.classAgnostic = try val.truthy()
            case "split_thr": cfg.splitThr = Int(try num())
            default: break
            }
        }
        if cfg.op == .nms && !sawThreshold {
            throw RuntimeError("\(function)(): nms_cfg of type 'nms' needs 'iou_threshold'", kind: "TypeError")
        }
        return cfg
    }

    // MARK: ensemble_boxes

    static func registerEnsemble(_ lib: Library) {
        let ns = lib.namespace("ensemble_boxes")
        ns.method("weighted_boxes_fusion(boxes_list, scores_list, labels_list, weights=None, iou_thr=0.55, skip_box_thr=0.0, conf_type='avg', allows_overflow=False)",
                  doc: "ensemble_boxes.weighted_boxes_fusion → (boxes, scores, labels).") { [unowned lib] a in try wbf(a, lib) }
        ns.method("non_maximum_weighted(boxes_list, scores_list, labels_list, weights=None, iou_thr=0.55, skip_box_thr=0.0)",
                  doc: "ensemble_boxes.non_maximum_weighted → (boxes, scores, labels) (float32).") { [unowned lib] a in try nmw(a, lib) }
        ns.method("nms(boxes, scores, labels, iou_thr=0.5, weights=None)",
                  doc: "ensemble_boxes.nms: pooled hard NMS per label → (boxes, scores, labels).") { [unowned lib] a in
            try nmsMethod(a, lib, method: 3, sigma: 0.5, thresh: 0.001)
        }
        ns.method("soft_nms(boxes, scores, labels, method=2, iou_thr=0.5, sigma=0.5, thresh=0.001, weights=None)",
                  doc: "ensemble_boxes.soft_nms (1 linear, 2 gaussian, 3 hard) → (boxes, undecayed scores, labels).") { [unowned lib] a in
            try nmsMethod(a, lib, method: a.int("method"), sigma: a.double("sigma"), thresh: a.double("thresh"))
        }
        ns.method("nms_method(boxes, scores, labels, method=3, iou_thr=0.5, sigma=0.5, thresh=0.001, weights=None)",
                  doc: "ensemble_boxes.nms_method.") { [unowned lib] a in
            try nmsMethod(a, lib, method: a.int("method"), sigma: a.double("sigma"), thresh: a.double("thresh"))
        }
        lib.function("weighted_boxes_fusion(boxes_list, scores_list, labels_list, weights=None, iou_thr=0.55, skip_box_thr=0.0, conf_type='avg', allows_overflow=False)",
                     doc: "ensemble_boxes.weighted_boxes_fusion → (boxes, scores, labels).") { [unowned lib] a in try wbf(a, lib) }
        lib.function("non_maximum_weighted(boxes_list, scores_list, labels_list, weights=None, iou_thr=0.55, skip_box_thr=0.0)",
                     doc: "ensemble_boxes.non_maximum_weighted → (boxes, scores, labels).") { [unowned lib] a in try nmw(a, lib) }
    }

    static func wbf(_ a: Bound, _ lib: Library) throws -> Value {
        let (models, _) = try ensembleModels(a, "boxes_list", "scores_list", "labels_list")
        let conf = try a.choice("conf_type", EnsembleBoxes.ConfType.allCases.map(\.rawValue))
        let r = try EnsembleBoxes.weightedBoxesFusion(models, weights: ensembleWeights(a), iouThr: a.double("iou_thr"),
                                                      skipBoxThr: a.double("skip_box_thr"), confType: EnsembleBoxes.ConfType(rawValue: conf)!,
                                                      allowsOverflow: a.bool("allows_overflow"))
        try echo(r.messages, lib)
        return ensembleResult(r, dtype: .float64, intLabels: false)
    }

    static func nmw(_ a: Bound, _ lib: Library) throws -> Value {
        let (models, _) = try ensembleModels(a, "boxes_list", "scores_list", "labels_list")
        let r = try EnsembleBoxes.nonMaximumWeighted(models, weights: ensembleWeights(a), iouThr: a.double("iou_thr"),
                                                     skipBoxThr: a.double("skip_box_thr"))
        try echo(r.messages, lib)
        return ensembleResult(r, dtype: .float32, intLabels: false)
    }

    static func nmsMethod(_ a: Bound, _ lib: Library, method: Int, sigma: Double, thresh: Double) throws -> Value {
        let (models, intLabels) = try ensembleModels(a, "boxes", "scores", "labels")
        let weights = try ensembleWeights(a)
        let r = EnsembleBoxes.nmsMethod(models, method: method, iouThr: try a.double("iou_thr"), sigma: sigma, thresh: thresh,
                                        weights: weights)
        try echo(r.messages, lib)
        if let w = weights, w.count == models.count { try rescaleCallerScores(a["scores"], weights: a["weights"]) }
        return ensembleResult(r, dtype: .float64, intLabels: intLabels)
    }

    /// ensemble_boxes' `nms_method` with weights of the right length overwrites the caller's
    /// scores, `scores[i] = np.array(scores[i]) * weights[i] / weights.sum()`, so a later call on
    /// the same lists sees them rescaled (its README's example runs `nms`, then `soft_nms`, … on
    /// the same lists). Numpy's dtypes: a float32 row stays float32 (a scalar weight does not
    /// widen it), Python numbers become float64. A tuple of rows is left alone (Python raises).
    static func rescaleCallerScores(_ scores: Value, weights: Value) throws {
        let w = try Convert.tensor(weights)          // np.array(weights): int64 or float64
        let wd = w.doubles
        let sum = w.dtype.isFloatingPoint ? EnsembleBoxes.numpySum(wd) : Double(wd.reduce(0, +))
        func rescaled(_ row: Tensor, _ i: Int) -> Tensor {
            let x = row.doubles
            if row.dtype == .float32 {
                let wi = Float(wd[i]), s = Float(sum)
                return Tensor(shape: row.shape, float32: x.map { Float($0) * wi / s })
            }
            return Tensor(shape: row.shape, float64: x.map { $0 * wd[i] / sum })
        }
        switch scores {
        case .list(let l):
            for i in 0..<min(l.items.count, wd.count) {
                var t = rescaled(try exact(l.items[i]), i)
                t.isNumpy = true
                l.items[i] = .tensor(t)
            }
        case .tensor(let ref) where ref.tensor.rank == 2 && ref.tensor.shape[0] == wd.count:
            // a stacked (M, n) array: each row is written back in the array's own dtype
            let t = ref.tensor, n = t.shape[1], all = t.doubles
            var rows: [Double] = []
            for i in 0..<wd.count {
                rows += rescaled(Tensor(shape: [n], float64: Array(all[(i * n)..<((i + 1) * n)])).cast(to: t.dtype), i).doubles
            }
            var out = Tensor(shape: t.shape, float64: rows).cast(to: t.dtype)
            out.isNumpy = t.isNumpy
            ref.tensor = out
        default:
            break
        }
    }

    /// ensemble_boxes prints its warnings to stdout; write them through the program's `print`.
    static func echo(_ messages: [String], _ lib: Library) throws {
        guard !messages.isEmpty, case .builtin(let p)? = lib.globals["print"] else { return }
        for m in messages { _ = try p.call(Arguments([.str(m)])) }
    }

    static func ensembleResult(_ r: EnsembleBoxes.Result, dtype: DType, intLabels: Bool) -> Value {
        let boxes = Tensor(shape: [r.count, 4], float64: r.boxes).cast(to: dtype)
        let scores = Tensor(r.scores).cast(to: dtype)
        let labels = intLabels ? Tensor(r.labels.map { Int64($0) }) : Tensor(r.labels).cast(to: dtype)
        return tuple(boxes, scores, labels)
    }

    static func ensembleWeights(_ a: Bound) throws -> [Double]? {
        a.has("weights") ? try Convert.doubles(a["weights"], what: "weights") : nil
    }

    /// `np.array(v)`: a tensor as it is; Python numbers stay float64, as numpy keeps them (ints stay ints).
    static func exact(_ v: Value) throws -> Tensor {
        if let t = v.tensorValue { return t }
        let t = try Convert.tensor(v)
        return t.dtype == .float32 ? try Convert.tensor(v, dtype: .float64) : t
    }

    /// Per-model lists (ragged, nested lists or tensors) or stacked tensors (M, n, 4) / (M, n).
    static func ensembleModels(_ a: Bound, _ bn: String, _ sn: String, _ ln: String) throws -> ([EnsembleBoxes.Model], Bool) {
        func perModel(_ name: String) throws -> [Tensor] {
            let v = a[name]
            switch v {
            // Python numbers stay float64, as numpy keeps them (labels keep int-ness).
            case .list(let l): return try l.items.map { try exact($0) }
            case .tuple(let t): return try t.map { try exact($0) }
            case .tensor(let ref) where ref.tensor.rank >= 1:
                let t = ref.tensor
                let m = t.shape[0], per = m == 0 ? 0 : t.count / m
                let d = t.doubles
                return (0..<m).map { i in
                    Tensor(shape: Array(t.shape.dropFirst()), float64: Array(d[(i * per)..<((i + 1) * per)])).cast(to: t.dtype)
                }
            default:
                throw RuntimeError("\(a.function)() argument '\(name)' must be a list with one entry per model, got \(v.typeName)", kind: "TypeError")
            }
        }
        let bs = try perModel(bn), ss = try perModel(sn), ls = try perModel(ln)
        guard bs.count == ss.count, bs.count == ls.count else {
            throw RuntimeError("\(a.function)(): '\(bn)', '\(sn)' and '\(ln)' must have one entry per model, got \(bs.count), \(ss.count) and \(ls.count)", kind: "ValueError")
        }
        var models: [EnsembleBoxes.Model] = []
        var intLabels = true
        for t in 0..<bs.count {
            let n = ss[t].count
            let boxes = bs[t]
            let boxCount = boxes.count == 0 ? 0 : (boxes.rank == 2 && boxes.shape[1] == 4 ? boxes.shape[0] : -1)
            guard boxCount == n, ls[t].count == n else {
                throw RuntimeError("\(a.function)(): model \(t) has boxes of shape \(Tensor.formatShape(boxes.shape)), \(n) scores and \(ls[t].count) labels; "
                    + "expected (n, 4) boxes with n scores and n labels", kind: "ValueError")
            }
            if ls[t].dtype.isFloatingPoint { intLabels = false }
            models.append(EnsembleBoxes.Model(boxes: boxes.doubles, scores: ss[t].doubles, labels: ls[t].doubles))
        }
        return (models, intLabels)
    }

    // MARK: MaxIoUAssigner

    static func registerAssigner(_ lib: Library) {
        lib.function("InstanceData(**kwargs)", doc: "mmengine InstanceData: named fields (priors, bboxes, labels, scores, …) as attributes.") { a in
            let o = BuiltObject(typeName: "InstanceData", attributes: a.kwargs)
            o.setter = { [unowned o] k, v in o.set(k, v) }
            return .object(o)
        }
        lib.type("BboxOverlaps2D(scale=1.0, dtype=None)",
                 doc: "mmdet's BboxOverlaps2D: calling it is bbox_overlaps(bboxes1, bboxes2, mode, is_aligned), a score column (n, 5) dropped first.") { a in
            guard a["dtype"].isNone else {
                throw RuntimeError("BboxOverlaps2D(): dtype=\(Printer.repr(a["dtype"])) (fp16 computing) is not supported; trick computes in the boxes' dtype", kind: "ValueError")
            }
            let scale = try a.double("scale")
            let o = BuiltObject(typeName: "BboxOverlaps2D", attributes: [("scale", .float(scale)), ("dtype", .none)])
            o.repr = { "BboxOverlaps2D(scale=\(Printer.formatFloat(scale)), dtype=None)" }
            o.callable = BuiltinFunction("BboxOverlaps2D(bboxes1, bboxes2, mode='iou', is_aligned=False)") { b in
                func boxes(_ name: String) throws -> Tensor {
                    let t = try b.tensor(name)
                    let last = t.rank == 0 ? -1 : t.shape[t.rank - 1]
                    guard [0, 4, 5].contains(last) else {
                        throw RuntimeError("BboxOverlaps2D: \(name) must have 0, 4 or 5 values in its last dimension, got shape \(Tensor.formatShape(t.shape))", kind: "AssertionError")
                    }
                    return last == 5 ? try t.subscripted([.ellipsis, .slice(nil, 4, nil)]) : t
                }
                guard case .builtin(let overlaps)? = lib.globals["bbox_overlaps"] else { throw RuntimeError("bbox_overlaps is not registered") }
                return try overlaps.call(Arguments([.tensor(try boxes("bboxes1")), .tensor(try boxes("bboxes2"))],
                                                   keywords: [("mode", b["mode"]), ("is_aligned", b["is_aligned"])]))
            }
            return .object(o)
        }
        lib.type("MaxIoUAssigner(pos_iou_thr, neg_iou_thr, min_pos_iou=0.0, gt_max_assign_all=True, ignore_iof_thr=-1, ignore_wrt_candidates=True, match_low_quality=True, gpu_assign_thr=-1, iou_calculator=None, perm_repeat_gt_cfg=None)",
                 doc: "mmdet MaxIoUAssigner; .assign(bboxes, gt_bboxes, gt_bboxes_ignore=None, gt_labels=None) → AssignResult.") { a in
            let neg: MaxIoUAssigner.NegThreshold
            switch a["neg_iou_thr"] {
            case .float(let d): neg = .below(d)
            case .tuple(let t):
                guard t.count == 2, let lo = Convert.double(t[0]), let hi = Convert.double(t[1]) else {
                    throw RuntimeError("MaxIoUAssigner(): neg_iou_thr tuple must be (lo, hi) numbers", kind: "ValueError")
                }
                neg = .range(lo, hi)
            default: neg = .noNegatives   // mmdet: neither float nor tuple assigns no negatives
            }
            var asg = MaxIoUAssigner(posIoUThr: try a.double("pos_iou_thr"), negIoUThr: neg)
            asg.minPosIoU = try a.double("min_pos_iou")
            asg.gtMaxAssignAll = try a.bool("gt_max_assign_all")
            asg.ignoreIofThr = try a.double("ignore_iof_thr")
            asg.ignoreWrtCandidates = try a.bool("ignore_wrt_candidates")
            asg.matchLowQuality = try a.bool("match_low_quality")
            if case .dict(let d) = a["iou_calculator"], let t = d[str: "type"], case .str(let s) = t, s != "BboxOverlaps2D" {
                throw RuntimeError("MaxIoUAssigner(): only iou_calculator=dict(type='BboxOverlaps2D') is supported, got '\(s)'", kind: "ValueError")
            }
            let obj = BuiltObject(typeName: "MaxIoUAssigner", attributes: [
                ("pos_iou_thr", a["pos_iou_thr"]), ("neg_iou_thr", a["neg_iou_thr"]), ("min_pos_iou", a["min_pos_iou"]),
                ("gt_max_assign_all", a["gt_max_assign_all"]), ("ignore_iof_thr", a["ignore_iof_thr"]),
                ("ignore_wrt_candidates", a["ignore_wrt_candidates"]), ("match_low_quality", a["match_low_quality"]),
                ("gpu_assign_thr", a["gpu_assign_thr"]),
            ], payload: asg)
            obj.method("assign(bboxes=None, gt_bboxes=None, gt_bboxes_ignore=None, gt_labels=None, *, pred_instances=None, gt_instances=None, gt_instances_ignore=None)",
                       doc: "Assign each box a gt (k+1), negative (0) or ignore (-1). Also takes mmdet 3.x's assign(pred_instances, gt_instances, gt_instances_ignore=None) with InstanceData(priors=…) / InstanceData(bboxes=…, labels=…) (or dicts), positionally or by those names.") { b in
                // mmdet 3.x names the same three positions pred_instances, gt_instances, gt_instances_ignore.
                func either(_ old: String, _ new: String) throws -> Value {
                    if b.has(old) && b.has(new) { throw RuntimeError("assign() got both '\(old)' and '\(new)'", kind: "TypeError") }
                    return b.has(new) ? b[new] : b[old]
                }
                let pred = try either("bboxes", "pred_instances"), gt = try either("gt_bboxes", "gt_instances")
                let ign = try either("gt_bboxes_ignore", "gt_instances_ignore")
                guard !pred.isNone else { throw RuntimeError("assign() missing required argument 'pred_instances'", kind: "TypeError") }
                guard !gt.isNone else { throw RuntimeError("assign() missing required argument 'gt_instances'", kind: "TypeError") }
                let priors = try instanceField(pred, ["priors", "bboxes"], "pred_instances")!
                let gts = try instanceField(gt, ["bboxes"], "gt_instances")!
                let labels = try instanceField(gt, ["labels"], "gt_instances", required: false) ?? b.optionalTensor("gt_labels")
                let ignore = ign.isNone ? nil : try instanceField(ign, ["bboxes"], "gt_instances_ignore")
                let r = try asg.assign(bboxes: priors, gtBboxes: gts, gtBboxesIgnore: ignore, gtLabels: labels)
                return .object(assignResultObject(r))
            }
            return .object(obj)
        }
    }

    /// A tensor argument, or a field of an mmdet 3.x `InstanceData` (a built object or dict):
    /// `pred_instances.priors`, `gt_instances.bboxes` / `.labels`.
    static func instanceField(_ v: Value, _ names: [String], _ arg: String, required: Bool = true) throws -> Tensor? {
        var fields: [String: Value] = [:]
        switch v {
        case .object(let o) where o.typeName == "InstanceData": fields = o.attributes
        case .dict(let d):
            for (k, x) in d.pairs { if case .str(let ks) = k { fields[ks] = x } }
        default:
            return required ? try Convert.tensor(v) : nil
        }
        for n in names { if let x = fields[n], !x.isNone { return try Convert.tensor(x) } }
        if !required { return nil }
        throw RuntimeError("assign(): '\(arg)' has no \(names.map { "'\($0)'" }.joined(separator: " or ")) field", kind: "KeyError")
    }

    static func assignResultObject(_ r: AssignResult) -> BuiltObject {
        let obj = BuiltObject(typeName: "AssignResult", payload: r)
        func refresh(_ r: AssignResult) {
            obj.payload = r
            obj.set("num_gts", .int(r.numGts))
            obj.set("gt_inds", .tensor(Tensor(r.gtInds)))
            obj.set("max_overlaps", .tensor(Tensor(r.maxOverlaps)))
            obj.set("labels", r.labels.map { .tensor(Tensor($0)) } ?? .none)
            obj.set("num_preds", .int(r.gtInds.count))
        }
        refresh(r)
        obj.method("add_gt_(gt_labels)", doc: "Prepend the gts as proposals (AssignResult.add_gt_).") { a in
            guard var cur = obj.payload as? AssignResult else { return .none }
            cur.addGt(try a.tensor("gt_labels").int64s)
            refresh(cur)
            return .none
        }
        obj.repr = {
            guard let cur = obj.payload as? AssignResult else { return "<AssignResult>" }
            return "<AssignResult(num_gts=\(cur.numGts), gt_inds.shape=(\(cur.gtInds.count),), max_overlaps.shape=(\(cur.maxOverlaps.count),), labels.shape=\(cur.labels.map { "(\($0.count),)" } ?? "None"))>"
        }
        return obj
    }
}
