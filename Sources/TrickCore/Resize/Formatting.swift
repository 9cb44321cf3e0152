/// The loading and formatting steps of the seed's MMDetection 2.x pipelines, so a whole
/// pipeline runs on a synthetic image: `LoadImageFromFile`, `LoadAnnotations`,
/// `DefaultFormatBundle`, `ImageToTensor`, `Collect` (mmdet/datasets/pipelines/{loading,formatting}.py).
/// The image is `results['img']` if given; else the file named by `results['img_path']` (MMCV 2.x)
/// or `img_prefix` + `img_info['filename']` / `results['filename']` (MMDetection 2.x), read with
/// `imread` (PNG / JPEG); else — no file, or a named file that does not exist while a shape is
/// given — a synthetic image of the shape in `results['img_info']` (`height`, `width`),
/// `results['ori_shape']`, `results['img_shape']` or `results['height']`/`['width']`.
/// `DataContainer` wrappers are not modelled (values are bare).

/// A tensor from a field: a tensor, or a nested list of numbers.
public func fieldTensor(_ f: Field, float: Bool) -> Tensor? {
    if let t = f.tensor { return t }
    var shape: [Int] = [], flat: [Double] = []
    func walk(_ x: Field, _ depth: Int) -> Bool {
        if case .list(let items) = x {
            if depth == shape.count { shape.append(items.count) } else if shape[depth] != items.count { return false }
            return items.allSatisfy { walk($0, depth + 1) }
        }
        if case .ints(let a) = x { return walk(.list(a.map { .int($0) }), depth) }
        if case .doubles(let a) = x { return walk(.list(a.map { .double($0) }), depth) }
        guard depth == shape.count, let v = x.number else { return false }
        flat.append(v)
        return true
    }
    guard walk(f, 0) else { return nil }
    let t = Tensor(shape: shape, float64: flat)
    return t.cast(to: float ? .float32 : .int64)
}

public struct LoadImageFromFile: ResultsTransform {
    public var toFloat32: Bool, grayscale: Bool, flag: ImageCodecs.Flag
    public init(toFloat32: Bool = false, colorType: String = "color") throws {
        guard let f = ImageCodecs.Flag(rawValue: colorType) else {
            throw CoreError("LoadImageFromFile: color_type must be 'color', 'grayscale' or 'unchanged', got '\(colorType)'")
        }
        self.toFloat32 = toFloat32; flag = f; grayscale = f == .grayscale || f == .grayscaleIgnoreOrientation
    }

    /// The file the results name: `img_path`, else `img_prefix` + `img_info['filename']`, else `filename`.
    static func path(in r: Results) -> String? {
        if let p = r["img_path"]?.string { return p }
        var name: String?
        if case .dict(let info)? = r["img_info"] { name = info["filename"]?.string }
        if name == nil { name = r["filename"]?.string }
        guard let n = name else { return nil }
        if let prefix = r["img_prefix"]?.string, !prefix.isEmpty, !n.hasPrefix("/") {
            return prefix.hasSuffix("/") ? prefix + n : prefix + "/" + n
        }
        return n
    }

    /// The synthetic image: uint8-valued (int64, or float32 with `to_float32`) pattern
    /// `(7x + 13y + 50c) mod 256`, so flips and resizes are visible.
    public static func synthetic(h: Int, w: Int, channels: Int, float: Bool) throws -> Tensor {
        let shape = channels == 0 ? [h, w] : [h, w, channels]
        let n = try Tensor.checkedAllocationCount(shape, dtype: .int64)
        let c = Swift.max(channels, 1)
        var v = [Int64](repeating: 0, count: n)
        for y in 0..<h { for x in 0..<w { for k in 0..<c { v[(y * w + x) * c + k] = Int64((7 * x + 13 * y + 50 * k) % 256) } } }
        let t = Tensor(shape: shape, int64: v)
        return float ? t.cast(to: .float32) : t
    }

    public func apply(_ input: Results) throws -> Results {
        var r = input
        var img: Tensor
        let file = Self.path(in: r)
        if let t = r["img"]?.tensor {
            img = toFloat32 ? t.cast(to: .float32) : t
            _ = try ImResize.geometry(img, name: "results['img']")
        } else if let p = file, ImageFiles.exists(ImageFiles.locate(p)) {
            do { img = try ImageFiles.imread(p, flag: flag) } catch let e as CoreError { throw CoreError("LoadImageFromFile: \(e.message)") }
            if toFloat32 { img = img.cast(to: .float32) }
            if r["img_path"] != nil { r["img_path"] = .string(p) }
        } else {
            var hw: [Int]?
            if case .dict(let info)? = r["img_info"], let h = info["height"]?.number, let w = info["width"]?.number { hw = [Int(h), Int(w)] }
            for k in ["ori_shape", "img_shape"] where hw == nil { if case .ints(let s)? = r[k], s.count >= 2 { hw = Array(s.prefix(2)) } }
            if hw == nil, let h = r["height"]?.number, let w = r["width"]?.number { hw = [Int(h), Int(w)] }
            guard let s = hw, s[0] > 0, s[1] > 0 else {
                if let p = file { throw CoreError("LoadImageFromFile: cannot open '\(p)': no such file") }
                throw CoreError("LoadImageFromFile: no image to load: give results['img_path'], results['img'], or a shape as img_info=dict(height=…, width=…), ori_shape=(h, w) or height/width")
            }
            img = try Self.synthetic(h: s[0], w: s[1], channels: grayscale ? 0 : 3, float: toFloat32)
        }
        var filename: Field = r["filename"] ?? Field.none
        var oriFilename = filename
        if case .dict(let info)? = r["img_info"], let f = info["filename"] { filename = f; oriFilename = f }
        if r["img"]?.tensor == nil, r["img_path"] == nil, let p = file, ImageFiles.exists(ImageFiles.locate(p)) { filename = .string(p) }  // mmdet 2.x: prefix + name
        r["filename"] = filename
        r["ori_filename"] = oriFilename
        r["img"] = .tensor(img)
        r["img_shape"] = shapeField(img)
        r["ori_shape"] = shapeField(img)
        r["img_fields"] = .list([.string("img")])
        return r
    }
}

/// `LoadAnnotations(with_bbox, with_label, with_seg, reduce_zero_label)`: from `results['ann_info']`
/// (`bboxes`, `labels`, `bboxes_ignore`, `seg_map`) or the `gt_*` keys already present.
public struct LoadAnnotations: ResultsTransform {
    public var withBBox: Bool, withLabel: Bool, withSeg: Bool, reduceZeroLabel: Bool
    public init(withBBox: Bool = true, withLabel: Bool = true, withSeg: Bool = false, reduceZeroLabel: Bool = false) {
        self.withBBox = withBBox; self.withLabel = withLabel; self.withSeg = withSeg; self.reduceZeroLabel = reduceZeroLabel
    }

    public func apply(_ input: Results) throws -> Results {
        var r = input
        var ann = Results()
        if case .dict(let a)? = r["ann_info"] { ann = a }
        func load(_ annKey: String, _ key: String, float: Bool, emptyShape: [Int]) throws -> Tensor {
            if let f = ann[annKey] ?? r[key], !f.isNone {
                guard let t = fieldTensor(f, float: float) else { throw CoreError("LoadAnnotations: '\(annKey)' must be a tensor or a nested list of numbers") }
                if t.count == 0 { return try Tensor.zeros(emptyShape, dtype: t.dtype) }
                return t
            }
            return try Tensor.zeros(emptyShape, dtype: float ? .float32 : .int64)
        }
        if withBBox {
            let b = try load("bboxes", "gt_bboxes", float: true, emptyShape: [0, 4])
            guard b.rank == 2, b.shape[1] == 4 else { throw CoreError("LoadAnnotations: bboxes must have shape (N, 4), got \(Tensor.formatShape(b.shape))") }
            r["gt_bboxes"] = .tensor(b)
            var fields = r.fieldNames("bbox_fields", default: [])
            if ann.present("bboxes_ignore") || r.present("gt_bboxes_ignore") {
                r["gt_bboxes_ignore"] = .tensor(try load("bboxes_ignore", "gt_bboxes_ignore", float: true, emptyShape: [0, 4]))
                if !fields.contains("gt_bboxes_ignore") { fields.append("gt_bboxes_ignore") }
            }
            if !fields.contains("gt_bboxes") { fields.append("gt_bboxes") }
            r["bbox_fields"] = .list(fields.map { .string($0) })
        }
        if withLabel { r["gt_labels"] = .tensor(try load("labels", "gt_labels", float: false, emptyShape: [0])) }
        if withSeg {
            // A seg map file (MMSegmentation 1.x `seg_map_path`, 0.x `seg_prefix` + `ann_info['seg_map']`)
            // is read as mmseg reads it: imfrombytes(flag='unchanged', backend='pillow').squeeze()
            // .astype(np.uint8) — palette PNGs give their indices.
            var segPath = r["seg_map_path"]?.string
            if segPath == nil, let name = ann["seg_map"]?.string {
                let prefix = r["seg_prefix"]?.string ?? ""
                segPath = prefix.isEmpty || name.hasPrefix("/") ? name : (prefix.hasSuffix("/") ? prefix + name : prefix + "/" + name)
            }
            if let p = segPath {
                var m: Tensor
                do { m = try ImageFiles.imread(p, flag: .unchanged, backend: "pillow") } catch let e as CoreError { throw CoreError("LoadAnnotations: \(e.message)") }
                let shape = m.shape.filter { $0 != 1 }
                m = Tensor(shape: shape, int64: m.int64s.map { $0 & 255 })
                ann["seg_map"] = .tensor(m)
            }
            let img: Tensor
            if !r.present("img"), let m = ann["seg_map"]?.tensor { img = m } else { img = try r.image(for: "LoadAnnotations") }
            var seg = try load("seg_map", ann.present("seg_map") ? "gt_semantic_seg" : (r.present("gt_seg_map") ? "gt_seg_map" : "gt_semantic_seg"),
                               float: false, emptyShape: [img.shape[0], img.shape[1]])
            if reduceZeroLabel {
                seg = Tensor(shape: seg.shape, int64: seg.int64s.map { $0 == 0 ? 255 : ($0 - 1 == 254 ? 255 : $0 - 1) })
            }
            r["gt_semantic_seg"] = .tensor(seg)
            var fields = r.fieldNames("seg_fields", default: [])
            if !fields.contains("gt_semantic_seg") { fields.append("gt_semantic_seg") }
            r["seg_fields"] = .list(fields.map { .string($0) })
        }
        return r
    }
}

/// HWC (or HW) → CHW, as `img.transpose(2, 0, 1)` after `expand_dims(-1)` for HW.
public func toCHW(_ img: Tensor) throws -> Tensor {
    let (h, w, c) = try ImResize.geometry(img)
    func run<T>(_ a: [T]) -> [T] {
        var out = a
        for y in 0..<h { for x in 0..<w { for k in 0..<c { out[(k * h + y) * w + x] = a[(y * w + x) * c + k] } } }
        return out
    }
    let shape = [c, h, w]
    let out: Tensor
    switch img.storage {
    case .float32(let a): out = Tensor(shape: shape, float32: run(a))
    case .float64(let a): out = Tensor(shape: shape, float64: run(a))
    case .int64(let a): out = Tensor(shape: shape, int64: run(a))
    case .bool(let a): out = Tensor(shape: shape, bool: run(a))
    }
    // the image's dtype is kept (uint8 stays uint8: torch.from_numpy), not its storage's
    return out.dtype == img.dtype ? out : out.cast(to: img.dtype)
}

/// MMDetection 2.x `DefaultFormatBundle`: img → CHW tensor; default `pad_shape`, `scale_factor`
/// (1.0), `img_norm_cfg` (zeros/ones, to_rgb False); boxes/labels to tensors;
/// `gt_semantic_seg` → (1, H, W).
public struct DefaultFormatBundle: ResultsTransform {
    public init() {}
    public func apply(_ input: Results) throws -> Results {
        var r = input
        if r.present("img") {
            let img = try r.image(for: "DefaultFormatBundle")
            let c = img.rank == 3 ? img.shape[2] : 1
            if !r.has("pad_shape") { r["pad_shape"] = shapeField(img) }
            if !r.has("scale_factor") { r["scale_factor"] = .double(1.0) }
            if !r.has("img_norm_cfg") {
                r["img_norm_cfg"] = .dict(Results([
                    ("mean", .tensor(Tensor(shape: [c], float32: [Float](repeating: 0, count: c)))),
                    ("std", .tensor(Tensor(shape: [c], float32: [Float](repeating: 1, count: c)))),
                    ("to_rgb", .bool(false)),
                ]))
            }
            r["img"] = .tensor(try toCHW(img))
        }
        for key in ["proposals", "gt_bboxes", "gt_bboxes_ignore", "gt_labels"] where r.present(key) {
            guard let t = fieldTensor(r[key]!, float: key != "gt_labels") else { throw CoreError("DefaultFormatBundle: results['\(key)'] is not numeric") }
            r[key] = .tensor(t)
        }
        if r.present("gt_semantic_seg") {
            let s = try r.tensor("gt_semantic_seg", for: "DefaultFormatBundle")
            r["gt_semantic_seg"] = .tensor(try s.reshaped([1] + s.shape))
        }
        return r
    }
}

/// `ImageToTensor(keys)`: each key's HWC image → CHW tensor.
public struct ImageToTensor: ResultsTransform {
    public var keys: [String]
    public init(keys: [String]) { self.keys = keys }
    public func apply(_ input: Results) throws -> Results {
        var r = input
        for k in keys { r[k] = .tensor(try toCHW(try r.image(for: "ImageToTensor", key: k))) }
        return r
    }
}

/// `Collect(keys, meta_keys)`: a new dict with `img_metas` (the meta keys) and the keys.
public struct Collect: ResultsTransform {
    public static let defaultMetaKeys = ["filename", "ori_filename", "ori_shape", "img_shape", "pad_shape",
                                         "scale_factor", "flip", "flip_direction", "img_norm_cfg"]
    public var keys: [String], metaKeys: [String]
    public init(keys: [String], metaKeys: [String] = Collect.defaultMetaKeys) { self.keys = keys; self.metaKeys = metaKeys }
    public func apply(_ input: Results) throws -> Results {
        var meta = Results(), out = Results()
        for k in metaKeys {
            guard let v = input[k] else { throw CoreError("Collect: meta key '\(k)' is not in results (keys: \(input.keys.joined(separator: ", ")))") }
            meta[k] = v
        }
        out["img_metas"] = .dict(meta)
        for k in keys {
            guard let v = input[k] else { throw CoreError("Collect: key '\(k)' is not in results (keys: \(input.keys.joined(separator: ", ")))") }
            out[k] = v
        }
        return out
    }
}
