import TrickCore
import TrickLang

/// MMSegmentation 1.x `ResizeShortestEdge(scale, max_size)` (detectron2's augmentation, also in
/// mmdet 3.x) and `RandomChoiceResize(scales, resize_type='ResizeShortestEdge', max_size=…)`, the
/// Mask2Former pipeline's random short side. The output size is mmseg's `_get_output_shape`: the
/// short side becomes `scale` (the smaller number of a tuple), the long side follows the aspect
/// ratio, both shrink together when the long side passes `max_size`, each rounded with
/// `int(x + 0.5)`; the image is then resized by mmcv's `Resize(scale=(new_w, new_h),
/// keep_ratio=True)` as mmseg's does (`keep_ratio=False` resizes to exactly that size, mmdet's default).
struct ShortestEdgeResize: ResultsTransform {
    var scale: [Double]          // one number, or a tuple whose minimum is the short side
    var maxSize: Double?
    var resize: ResizeTransform

    func outputShape(h: Int, w: Int, shortEdge: [Double]) -> [Double] {
        let size = shortEdge.min() ?? 0
        let s = size / Double(Swift.min(h, w))
        var (nh, nw) = h < w ? (size, s * Double(w)) : (s * Double(h), size)
        if let m = maxSize, m > 0, Swift.max(nh, nw) > m {
            let k = m / Swift.max(nh, nw)
            nh *= k; nw *= k
        }
        return [(nw + 0.5).rounded(.towardZero), (nh + 0.5).rounded(.towardZero)]
    }

    func apply(_ results: Results) throws -> Results {
        let img = try results.image(for: "ResizeShortestEdge")
        var inner = resize
        inner.scale = outputShape(h: img.shape[0], w: img.shape[1], shortEdge: scale)
        return try inner.apply(results)
    }
}

/// `RandomChoiceResize` with `resize_type='ResizeShortestEdge'`: the index drawn as mmcv draws it
/// (`np.random.randint(len(scales))` from the transforms' numpy stream), `scale_idx` recorded.
struct ChoiceShortestEdgeResize: ResultsTransform {
    var scales: [[Double]]
    var edge: ShortestEdgeResize
    func apply(_ results: Results) throws -> Results {
        let i = try NumpyRandom.global.randint(0, scales.count)
        var e = edge
        e.scale = scales[i]
        var r = try e.apply(results)
        r["scale_idx"] = .int(i)
        return r
    }
}

extension ResizeBindings {
    /// A short-edge length: an int, or a tuple/list of numbers (the minimum is used).
    static func shortEdge(_ v: Value, _ what: String) throws -> [Double] {
        switch v {
        case .int(let i) where i > 0: return [Double(i)]
        case .tuple, .list:
            let xs = try numbers(v, what)
            guard !xs.isEmpty, xs.allSatisfy({ $0 > 0 }) else { throw RuntimeError("\(what) must hold positive lengths, got \(Printer.repr(v))", kind: "ValueError") }
            return xs
        default: throw RuntimeError("\(what) must be a positive int or a tuple of ints, got \(Printer.repr(v))", kind: "TypeError")
        }
    }

    static func shortestEdge(_ scale: [Double], maxSize: Value, kwargs: [(String, Value)], _ who: String) throws -> ShortestEdgeResize {
        var keep = true
        for (k, v) in kwargs {
            guard k == "keep_ratio" else {
                throw RuntimeError("\(who)() got an unexpected keyword argument '\(k)' for ResizeShortestEdge (it takes scale, max_size, keep_ratio)", kind: "TypeError")
            }
            keep = try v.truthy()
        }
        let m: Double? = maxSize.isNone ? nil : Convert.double(maxSize)
        if !maxSize.isNone && m == nil { throw RuntimeError("\(who): max_size must be a number, got \(maxSize.typeName)", kind: "TypeError") }
        return ShortestEdgeResize(scale: scale, maxSize: m, resize: try ResizeTransform(scale: [0, 0], scaleFactor: nil, keepRatio: keep))
    }

    static func registerShortestEdge(_ lib: Library) {
        lib.type("ResizeShortestEdge(scale, max_size=None, **resize_kwargs)",
                 doc: "MMSegmentation 1.x ResizeShortestEdge: the short side to `scale` (a tuple's minimum), the long side capped at max_size, then Resize(keep_ratio=True) to that size.") { a in
            let t = try shortestEdge(try shortEdge(a["scale"], "scale"), maxSize: a["max_size"], kwargs: a.kwargs, "ResizeShortestEdge")
            let text = "ResizeShortestEdge(scale=\(Printer.str(a["scale"])), max_size=\(Printer.str(a["max_size"])))"
            return transformObject(lib, "ResizeShortestEdge", a, t, repr: { text })
        }
    }
}
