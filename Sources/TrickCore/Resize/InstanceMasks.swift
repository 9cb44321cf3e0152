/// Instance masks through the pipeline: MMDetection's `BitmapMasks` held as an (N, H, W) tensor
/// (`results['gt_masks']`, plus any key in `results['mask_fields']` for the 2.x pipelines).
/// MMDetection 3.3 `Resize._resize_masks` / `RandomFlip` / `Pad._pad_masks` and the 2.x transforms
/// apply per-mask `imrescale` / `imresize` (nearest), `imflip` and `impad` (`pad_val['masks']`, default 0) —
/// `BitmapMasks.rescale/resize/flip/pad` in `mmdet/structures/mask/structures.py`. An empty
/// (0, H, W) stack keeps its count and takes the new size. Polygon masks are not supported.
enum InstanceMasks {
    /// The mask keys present in `r`: `mask_fields` (legacy), then `gt_masks`.
    static func keys(_ r: Results) -> [String] {
        var keys = r.fieldNames("mask_fields", default: [])
        if r.present("gt_masks") && !keys.contains("gt_masks") { keys.append("gt_masks") }
        return keys.filter { r.present($0) }
    }

    /// Applies `f` to every (H, W) mask of each mask key; `emptySize(h, w)` gives the (h, w) an
    /// empty stack takes.
    static func map(_ r: inout Results, transform: String, emptySize: (Int, Int) throws -> (Int, Int),
                    _ f: (Tensor) throws -> Tensor) throws {
        for key in keys(r) {
            let m = try r.tensor(key, for: transform)
            guard m.rank == 3 else {
                throw CoreError("\(transform): results['\(key)'] must be (N, H, W) bitmap masks, got \(Tensor.formatShape(m.shape))")
            }
            let (n, h, w) = (m.shape[0], m.shape[1], m.shape[2])
            if n == 0 {
                let (nh, nw) = try emptySize(h, w)
                r[key] = .tensor(try Tensor.zeros([0, nh, nw], dtype: m.dtype))
                continue
            }
            var out: [Tensor] = []
            out.reserveCapacity(n)
            for i in 0..<n { out.append(try f(try m.narrowed(0, i, 1).reshaped([h, w]))) }
            r[key] = .tensor(try Tensor.stack(out))
        }
    }
}
