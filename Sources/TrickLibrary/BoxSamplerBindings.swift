import TrickCore
import TrickLang

/// R-CNN samplers (`RandomSampler`, `OHEMSampler`) and the Cascade R-CNN stage-loss weighting.
extension BoxBindings {
    /// `torch.randperm(n)` from trick's global stream (seeded by `manual_seed`): the samplers'
    /// random subsets are deterministic per seed, but not torch's numbers, so only set sizes (and the
    /// deterministic cases) match mmdet.
    static func randperm(_ n: Int) -> [Int] {
        ((try? Tensor.randperm(n))?.int64s.map { Int($0) }) ?? Array(0..<n)
    }

    static func registerSamplers(_ lib: Library) {
        lib.type("RandomSampler(num, pos_fraction, neg_pos_ub=-1, add_gt_as_proposals=True, **kwargs)",
                 doc: "mmdet RandomSampler (random subsets from trick's manual_seed stream); .sample(assign_result, bboxes, gt_bboxes, gt_labels=None) → SamplingResult.") { a in
            let obj = samplerObject("RandomSampler", a)
            obj.method("sample(assign_result, bboxes, gt_bboxes, gt_labels=None)", doc: "Sample positives and negatives at random.") { b in
                try runSampler(a, b, strategy: .random(randperm: randperm))
            }
            return .object(obj)
        }
        lib.type("OHEMSampler(num, pos_fraction, context=None, neg_pos_ub=-1, add_gt_as_proposals=True, loss_key='loss_cls', **kwargs)",
                 doc: "mmdet OHEMSampler; .sample(assign_result, bboxes, gt_bboxes, gt_labels=None, cls_score=…) keeps the candidates with the largest per-RoI CE loss.") { a in
            let obj = samplerObject("OHEMSampler", a)
            obj.method("sample(assign_result, bboxes, gt_bboxes, gt_labels=None, cls_score=None)",
                       doc: "cls_score: (num sampled priors, num_classes + 1) logits, background last, rows aligned with [gt_bboxes; bboxes] when gts are added.") { b in
                guard b.has("cls_score") else {
                    throw RuntimeError("OHEMSampler.sample() needs cls_score=(num priors, num_classes + 1) logits to rank hard examples", kind: "TypeError")
                }
                let s = try b.tensor("cls_score")
                guard s.rank == 2 else {
                    throw RuntimeError("OHEMSampler.sample(): cls_score must be 2-D (num priors, num_classes + 1), got \(Tensor.formatShape(s.shape))", kind: "ValueError")
                }
                return try runSampler(a, b, strategy: .ohem(clsScore: s.floats, numColumns: s.shape[1]))
            }
            return .object(obj)
        }
        lib.function("cascade_stage_losses(stage_losses, stage_loss_weights=[1, 0.5, 0.25])",
                     doc: "Cascade R-CNN: {'s{i}.{name}': w_i·value if 'loss' in name else value} over a list of per-stage loss dicts.") { a in
            try cascadeStageLosses(a)
        }
    }

    static func samplerObject(_ type: String, _ a: Bound) -> BuiltObject {
        BuiltObject(typeName: type, attributes: [
            ("num", a["num"]), ("pos_fraction", a["pos_fraction"]), ("neg_pos_ub", a["neg_pos_ub"]),
            ("add_gt_as_proposals", a["add_gt_as_proposals"]),
        ])
    }

    static func runSampler(_ cfg: Bound, _ b: Bound, strategy: DetectionSampler.Strategy) throws -> Value {
        guard case .object(let ro) = b["assign_result"], let assign = ro.payload as? AssignResult else {
            throw RuntimeError("sample() argument 'assign_result' must be an AssignResult (from MaxIoUAssigner.assign), got \(b["assign_result"].typeName)", kind: "TypeError")
        }
        let sampler = DetectionSampler(num: try cfg.int("num"), posFraction: try cfg.double("pos_fraction"),
                                       negPosUb: try cfg.double("neg_pos_ub"), addGtAsProposals: try cfg.bool("add_gt_as_proposals"),
                                       strategy: strategy)
        let bboxes = try MaxIoUAssigner.boxesForSampling(instanceField(b["bboxes"], ["priors", "bboxes"], "bboxes")!, "bboxes")
        let gts = try MaxIoUAssigner.boxesForSampling(instanceField(b["gt_bboxes"], ["bboxes"], "gt_bboxes")!, "gt_bboxes")
        let labels = try (instanceField(b["gt_bboxes"], ["labels"], "gt_bboxes", required: false) ?? b.optionalTensor("gt_labels"))?.int64s
        let r = try sampler.sample(assign: assign, bboxes: bboxes, gtBboxes: gts, gtLabels: labels)
        func boxes(_ v: [Float]) -> Value { .tensor(Tensor(shape: [v.count / 4, 4], float32: v)) }
        func ints(_ v: [Int]) -> Value { .tensor(Tensor(v.map(Int64.init))) }
        let obj = BuiltObject(typeName: "SamplingResult", attributes: [
            ("pos_inds", ints(r.posInds)), ("neg_inds", ints(r.negInds)),
            ("num_pos", .int(r.posInds.count)), ("num_neg", .int(r.negInds.count)),
            ("pos_bboxes", boxes(r.rows(r.posInds))), ("neg_bboxes", boxes(r.rows(r.negInds))),
            ("pos_priors", boxes(r.rows(r.posInds))), ("neg_priors", boxes(r.rows(r.negInds))),
            ("pos_is_gt", .tensor(Tensor(r.posIsGt.map(Int64.init)))),
            ("num_gts", .int(r.numGts)),
            ("pos_assigned_gt_inds", .tensor(Tensor(r.posAssignedGtInds))),
            ("pos_gt_labels", r.posGtLabels.map { .tensor(Tensor($0)) } ?? .none),
            ("pos_gt_bboxes", boxes(r.posGtBboxes)),
            ("bboxes", boxes(r.priors)), ("priors", boxes(r.priors)),
            ("gt_flags", .tensor(Tensor(r.gtFlags.map(Int64.init)))),
            ("assign_result", .object(assignResultObject(r.assign))),
        ])
        return .object(obj)
    }

    /// CascadeRoIHead loss naming and weighting: stage i's keys become `s{i}.{name}`, and values
    /// whose name contains 'loss' are multiplied by `stage_loss_weights[i]`.
    static func cascadeStageLosses(_ a: Bound) throws -> Value {
        let stages = try a.sequence("stage_losses")
        let weights = try Convert.doubles(a["stage_loss_weights"], what: "stage_loss_weights")
        guard stages.count <= weights.count else {
            throw RuntimeError("cascade_stage_losses(): \(stages.count) stages but only \(weights.count) stage_loss_weights", kind: "ValueError")
        }
        let out = DictRef()
        for (i, st) in stages.enumerated() {
            guard case .dict(let d) = st else {
                throw RuntimeError("cascade_stage_losses(): stage \(i) must be a dict of losses, got \(st.typeName)", kind: "TypeError")
            }
            for (k, v) in d.pairs {
                guard case .str(let name) = k else { continue }
                let w = weights[i]
                var value = v
                if name.contains("loss") { value = try scaled(v, by: w, name: name) }
                out[str: "s\(i).\(name)"] = value
            }
        }
        return .dict(out)
    }

    static func scaled(_ v: Value, by w: Double, name: String) throws -> Value {
        switch v {
        case .int(let i): return .float(Double(i) * w)
        case .float(let d): return .float(d * w)
        case .tensor(let ref):
            let t = ref.tensor
            switch t.dtype {
            case .float64: return .tensor(Tensor(shape: t.shape, float64: t.doubles.map { $0 * w }))
            default: return .tensor(Tensor(shape: t.shape, float32: t.floats.map { $0 * Float(w) }))
            }
        case .list(let l): return .list(try l.items.map { try scaled($0, by: w, name: name) })
        case .tuple(let t): return .tuple(try t.map { try scaled($0, by: w, name: name) })
        default: throw RuntimeError("cascade_stage_losses(): '\(name)' must be a number or tensor, got \(v.typeName)", kind: "TypeError")
        }
    }
}
