import TrickCore
import TrickLang

/// Box voting, vote-count ensembling, Matrix / DIoU / Detectron NMS, and the detection metrics
/// (VOC eval_map, COCO AP).
extension BoxBindings {
    static func dets(_ t: Tensor, _ name: String, _ fn: String) throws -> [Float] {
        _ = try BoxArgs.count(t, name, columns: 5, function: fn)
        return t.floats
    }

    static func registerVoting(_ lib: Library) {
        lib.function("box_voting(top_dets, all_dets, thresh=0.8, scoring_method='ID', beta=1.0)",
                     doc: "Detectron box_voting: each top det (x1, y1, x2, y2, score) becomes the score-weighted mean of all_dets with +1 IoU >= thresh; scoring_method ID, AVG, IOU_AVG, GENERALIZED_AVG, QUASI_SUM, TEMP_AVG. Where trick differs: a top det with no voter at the threshold (possible when it is not itself in all_dets) is returned unchanged; Detectron divides by a zero weight sum (ZeroDivisionError / NaN).") { a in
            let m = try a.choice("scoring_method", BoxVoting.Scoring.allCases.map(\.rawValue))
            let top = try dets(a.tensor("top_dets"), "top_dets", "box_voting")
            let out = BoxVoting.boxVoting(topDets: top, allDets: try dets(a.tensor("all_dets"), "all_dets", "box_voting"),
                                          thresh: try a.double("thresh"), scoring: BoxVoting.Scoring(rawValue: m)!, beta: try a.double("beta"))
            return .tensor(Tensor(shape: [top.count / 5, 5], float32: out))
        }
        lib.function("score_voting(det_bboxes, det_labels, mlvl_bboxes, mlvl_nms_scores, score_thr, num_classes=None)",
                     doc: "MMDetection PAAHead.score_voting: each post-NMS det becomes the mean of its class's candidates (score > score_thr, IoU > 0.01) weighted by exp(-(1-IoU)²/0.025)·score; output grouped by class → (det_bboxes, det_labels).") { a in
            let dets = try a.tensor("det_bboxes"), labels = try a.tensor("det_labels")
            let k = try BoxArgs.count(dets, "det_bboxes", columns: 5, function: "score_voting")
            guard labels.count == k, k == 0 || !labels.dtype.isFloatingPoint else {
                throw RuntimeError("score_voting(): det_labels must hold \(k) integer labels (one per det), got \(labels.dtype) \(Tensor.formatShape(labels.shape))", kind: "ValueError")
            }
            let boxes = try a.tensor("mlvl_bboxes"), scores = try a.tensor("mlvl_nms_scores")
            let n = try BoxArgs.count(boxes, "mlvl_bboxes", columns: 4, function: "score_voting")
            guard scores.rank == 2, scores.shape[0] == n else {
                throw RuntimeError("score_voting(): mlvl_nms_scores must be (\(n), num_classes) for \(n) boxes, got \(Tensor.formatShape(scores.shape))", kind: "ValueError")
            }
            let columns = scores.shape[1]
            let numClasses = try a.optionalInt("num_classes") ?? columns
            guard (0...columns).contains(numClasses) else {
                throw RuntimeError("score_voting(): num_classes must be in [0, \(columns)] (the score columns), got \(numClasses)", kind: "ValueError")
            }
            let r = ScoreVoting.paaScoreVoting(dets: dets.floats, labels: labels.int64s, boxes: boxes.floats, scores: scores.floats,
                                               columns: columns, numClasses: numClasses, scoreThr: Float(try a.double("score_thr")))
            return tuple(Tensor(shape: [r.labels.count, 5], float32: r.dets), Tensor(shape: [r.labels.count], int64: r.labels))
        }
        lib.function("gidaris_voting(dets, candidates, thresh=0.5, add_val=1.5)",
                     doc: "Box voting of Gidaris & Komodakis (mrcnn-object-detection): each det (x1, y1, x2, y2, score) becomes the mean of the candidates with +1 IoU >= thresh, weighted by eps + max(0, score + add_val); scores kept.") { a in
            let dets = try a.tensor("dets"), cands = try a.tensor("candidates")
            let k = try BoxArgs.count(dets, "dets", columns: 5, function: "gidaris_voting")
            _ = try BoxArgs.count(cands, "candidates", columns: 5, function: "gidaris_voting")
            let out = ScoreVoting.gidarisVoting(dets: dets.doubles, candidates: cands.doubles, thresh: try a.double("thresh"),
                                                addVal: try a.double("add_val"))
            return .tensor(Tensor(shape: [k, 5], float64: out).cast(to: dets.dtype == .float64 ? .float64 : .float32))
        }
        lib.function("mask_matrix_nms(masks, labels, scores, filter_thr=-1, nms_pre=-1, max_num=-1, kernel='gaussian', sigma=2.0, mask_area=None)",
                     doc: "mmdet mask_matrix_nms (SOLOv2 Matrix NMS) → (scores, labels, masks, keep_inds).") { a in
            let masks = try a.tensor("masks"), scores = try a.tensor("scores")
            let n = scores.count
            guard masks.rank >= 1, masks.shape[0] == n, try a.tensor("labels").count == n else {
                throw RuntimeError("mask_matrix_nms(): masks (\(Tensor.formatShape(masks.shape))), labels and scores (\(n)) must have the same length", kind: "ValueError")
            }
            let pixels = n == 0 ? 0 : masks.count / n
            let area = try a.optionalTensor("mask_area")?.floats
            if let area, area.count != n {
                throw RuntimeError("mask_matrix_nms(): mask_area must have \(n) entries, got \(area.count)", kind: "ValueError")
            }
            let r = MatrixNMS.maskMatrixNMS(masks: masks.floats, pixels: pixels, labels: try a.tensor("labels").int64s, scores: scores.floats,
                                            filterThr: try a.double("filter_thr"), nmsPre: try a.int("nms_pre"), maxNum: try a.int("max_num"),
                                            kernel: MatrixNMS.Kernel(rawValue: try a.choice("kernel", ["gaussian", "linear"]))!,
                                            sigma: try a.double("sigma"), maskArea: area)
            let flat = masks.doubles
            var rows: [Double] = []
            for k in r.keepInds { rows += flat[(k * pixels)..<((k + 1) * pixels)] }
            let outMasks = Tensor(shape: [r.keepInds.count] + Array(masks.shape.dropFirst()), float64: rows).cast(to: masks.dtype)
            return tuple(Tensor(r.scores), Tensor(r.labels), outMasks, Tensor(r.keepInds.map(Int64.init)))
        }
        lib.function("diou_nms(boxes, scores, iou_threshold)",
                     doc: "DIoU-NMS: greedy NMS suppressing when IoU - ρ²/c² > iou_threshold; kept indices by score.") { a in
            .tensor(try MatrixNMS.diouNMS(boxes: a.tensor("boxes"), scores: a.tensor("scores"), iouThreshold: a.double("iou_threshold")))
        }
        lib.function("average_precision(recalls, precisions, mode='area')",
                     doc: "mmdet average_precision: 'area' (VOC2010+) or '11points' (VOC2007).") { a in
            .float(Double(VOCEval.averagePrecision(recalls: try a.tensor("recalls").doubles, precisions: try a.tensor("precisions").doubles,
                                                   mode: try a.choice("mode", ["area", "11points"]))))
        }
        lib.function("eval_bbox_overlaps(bboxes1, bboxes2, mode='iou', eps=1e-6, use_legacy_coordinate=False)", doc: """
            mmdet.evaluation.bbox_overlaps (the numpy one eval_map uses; `from mmdet.evaluation import bbox_overlaps`
            binds it): float32 (N, M) IoU or IoF, +1 on widths and heights with use_legacy_coordinate.
            """) { a in
            let mode = try a.choice("mode", ["iou", "iof"])
            return .tensor(try VOCEval.bboxOverlaps(try a.tensor("bboxes1"), try a.tensor("bboxes2"), iof: mode == "iof",
                                                    eps: try a.double("eps"), legacyCoordinate: try a.bool("use_legacy_coordinate")))
        }
        lib.function("eval_map(det_results, annotations, iou_thr=0.5, eval_mode='area', use_legacy_coordinate=False)",
                     doc: "mmdet eval_map (VOC-style mAP): det_results[image][class] = (k, 5) boxes+scores; annotations[image] = dict(bboxes, labels[, bboxes_ignore, labels_ignore]) → (mean_ap, per-class results).") { a in
            var dets: [[[Float]]] = []
            for img in try a.sequence("det_results") {
                guard case .list(let per) = img else { throw RuntimeError("eval_map(): det_results must be a list (images) of lists (classes) of (k, 5) arrays", kind: "TypeError") }
                dets.append(try per.items.map { v in
                    let t = try Convert.tensor(v)
                    _ = try BoxArgs.count(t, "det_results", columns: 5, function: "eval_map")
                    return t.floats
                })
            }
            var anns: [VOCEval.Annotation] = []
            for v in try a.sequence("annotations") {
                guard case .dict(let d) = v else { throw RuntimeError("eval_map(): each annotation must be a dict(bboxes=..., labels=...)", kind: "TypeError") }
                func boxes(_ k: String) throws -> [Float] {
                    guard let x = d[str: k], !x.isNone else { return [] }
                    let t = try Convert.tensor(x); _ = try BoxArgs.count(t, k, function: "eval_map"); return t.floats
                }
                func labels(_ k: String) throws -> [Int] { guard let x = d[str: k], !x.isNone else { return [] }; return try Convert.tensor(x).int64s.map { Int($0) } }
                anns.append(VOCEval.Annotation(bboxes: try boxes("bboxes"), labels: try labels("labels"),
                                               bboxesIgnore: try boxes("bboxes_ignore"), labelsIgnore: try labels("labels_ignore")))
            }
            let (mean, res) = try VOCEval.evalMap(detResults: dets, annotations: anns, iouThr: a.double("iou_thr"),
                                                  evalMode: a.choice("eval_mode", ["area", "11points"]), legacyCoordinate: a.bool("use_legacy_coordinate"))
            return .tuple([.float(mean), .list(res.map { r in
                Value.dict([("num_gts", .int(r.numGts)), ("num_dets", .int(r.numDets)), ("recall", .tensor(Tensor(r.recall))),
                            ("precision", .tensor(Tensor(r.precision.map { Float($0) }))), ("ap", .float(Double(r.ap)))])
            })])
        }
        lib.function("coco_eval(gts, dets, img_ids=None, cat_ids=None, max_dets=[1, 10, 100])",
                     doc: "pycocotools COCOeval (bbox) stats: [AP, AP50, AP75, APs, APm, APl, AR1, AR10, AR100, ARs, ARm, ARl]; gts/dets are lists of dict(image_id, category_id, bbox=[x, y, w, h], area=…, iscrowd=…, score=…). Where trick differs: with a max_dets list not ending in 100, the AP stats use its last entry; pycocotools' summarize() reads them at maxDets=100 whatever max_dets says (-1 when 100 is not in it).") { a in
            func anns(_ name: String, det: Bool) throws -> [COCOEval.Annotation] {
                try a.sequence(name).enumerated().map { i, v in
                    guard case .dict(let d) = v, let img = d[str: "image_id"], let cat = d[str: "category_id"], let bb = d[str: "bbox"] else {
                        throw RuntimeError("coco_eval(): \(name)[\(i)] must be a dict with image_id, category_id and bbox", kind: "TypeError")
                    }
                    let b = try Convert.doubles(bb, what: "bbox")
                    guard b.count == 4 else { throw RuntimeError("coco_eval(): \(name)[\(i)]['bbox'] must be [x, y, w, h]", kind: "ValueError") }
                    let score = det ? (d[str: "score"].flatMap { Convert.double($0) }) : 0
                    if det && score == nil { throw RuntimeError("coco_eval(): dets[\(i)] needs a 'score'", kind: "KeyError") }
                    return COCOEval.Annotation(imageId: try Convert.int(img, what: "image_id"), categoryId: try Convert.int(cat, what: "category_id"),
                                               bbox: (b[0], b[1], b[2], b[3]), area: det ? nil : d[str: "area"].flatMap { Convert.double($0) },
                                               iscrowd: det ? false : ((try d[str: "iscrowd"]?.truthy()) ?? false), score: score ?? 0)
                }
            }
            let stats = COCOEval.evaluate(gts: try anns("gts", det: false), dets: try anns("dets", det: true),
                                          imageIds: a.has("img_ids") ? try Convert.ints(a["img_ids"]) : nil,
                                          categoryIds: a.has("cat_ids") ? try Convert.ints(a["cat_ids"]) : nil,
                                          maxDets: try Convert.ints(a["max_dets"]))
            return .list(stats.map { .float($0) })
        }
        lib.function("detectron_nms(dets, thresh)",
                     doc: "Detectron cython nms: +1 areas, suppress on IoU >= thresh; kept indices in ascending index order.") { a in
            let d = try dets(a.tensor("dets"), "dets", "detectron_nms")
            return .tensor(Tensor(BoxVoting.detectronNMS(dets: d, thresh: try a.double("thresh")).map(Int64.init)))
        }
        lib.function("vote_boxes(boxes_list, scores_list, labels_list, weights=None, iou_thr=0.55, skip_box_thr=0.0, min_votes=1, mode=None, fusion='wbf', conf_type='avg', score_thr=0.0)",
                     doc: "Ensemble by votes: clusters as WBF, keeps clusters found by >= min_votes distinct models (mode 'affirmative' = 1, 'consensus' = ceil(M/2), 'unanimous' = M), fused by 'wbf' or 'nms'; → (boxes, scores, labels).") { [unowned lib] a in
            let (models, _) = try ensembleModels(a, "boxes_list", "scores_list", "labels_list")
            var minVotes = try a.int("min_votes")
            if a.has("mode") {
                switch try a.choice("mode", ["affirmative", "consensus", "unanimous"]) {
                case "affirmative": minVotes = 1
                case "consensus": minVotes = (models.count + 1) / 2
                default: minVotes = models.count
                }
            }
            let conf = try a.choice("conf_type", EnsembleBoxes.ConfType.allCases.map(\.rawValue))
            let r = try EnsembleBoxes.vote(models, weights: ensembleWeights(a), iouThr: a.double("iou_thr"), skipBoxThr: a.double("skip_box_thr"),
                                           minVotes: minVotes, fusion: EnsembleBoxes.Fusion(rawValue: a.choice("fusion", ["wbf", "nms"]))!,
                                           confType: EnsembleBoxes.ConfType(rawValue: conf)!, scoreThr: a.double("score_thr"))
            try echo(r.messages, lib)
            return ensembleResult(r, dtype: .float64, intLabels: false)
        }
    }
}
