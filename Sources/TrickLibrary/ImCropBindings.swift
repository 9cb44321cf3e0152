import TrickCore
import TrickLang

/// mmcv's `imcrop` and `imresize_like` (mmcv.image.geometric); results are numpy arrays.
enum ImCropBindings {
    static func register(_ lib: Library) {
        lib.function("imcrop(img, bboxes, scale=1.0, pad_fill=None)", doc: """
            MMCV imcrop: boxes (k, 4) or (4,) as inclusive (x1, y1, x2, y2) pixel corners, scaled about their \
            centre, truncated to ints, clipped to the image and cut out; a list of patches ((4,) boxes: one \
            patch). pad_fill (a number or one per channel) keeps the scaled box's size, filling what lies outside.
            """) { a in
            let img = try a.tensor("img"), b = try a.tensor("bboxes")
            guard b.rank == 1 || b.rank == 2, b.shape.last == 4 else {
                throw RuntimeError("imcrop(): bboxes must have shape (k, 4) or (4,), got \(Tensor.formatShape(b.shape))", kind: "ValueError")
            }
            let v = b.doubles
            let boxes = stride(from: 0, to: v.count, by: 4).map { Array(v[$0..<($0 + 4)]) }
            let channels = img.rank == 3 ? img.shape[2] : 1
            var fill: [Double]?
            switch a["pad_fill"] {
            case .none: break
            case .int, .float: fill = [Double](repeating: try a.double("pad_fill"), count: channels)
            default: fill = try Convert.tensor(a["pad_fill"]).doubles
            }
            let patches = try ImCrop.crop(img, boxes: boxes, scale: try a.double("scale"), padFill: fill).map { p -> Value in
                var t = p
                t.isNumpy = true
                return .tensor(t)
            }
            return b.rank == 1 ? patches[0] : .list(ListRef(patches))
        }
        lib.function("imresize_like(img, dst_img, return_scale=False, interpolation='bilinear', backend=None)",
                     doc: "MMCV imresize_like: imresize to dst_img's (w, h).") { [unowned lib] a in
            let dst = try a.tensor("dst_img")
            guard dst.rank >= 2, case .builtin(let imresize)? = lib.globals["imresize"] else {
                throw RuntimeError("imresize_like(): dst_img must be an image of shape (H, W[, C])", kind: "ValueError")
            }
            return try imresize.call(Arguments([a["img"], .tuple([.int(dst.shape[1]), .int(dst.shape[0])])],
                                               keywords: [("return_scale", a["return_scale"]), ("interpolation", a["interpolation"]), ("backend", a["backend"])]))
        }
    }
}
