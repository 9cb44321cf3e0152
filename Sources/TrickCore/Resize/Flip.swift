/// MMCV `imflip` and the box flip shared by MMDetection 2.x `RandomFlip.bbox_flip`, MMCV 2.x
/// `RandomFlip._flip_bbox` and MMDetection 3.x `HorizontalBoxes.flip_`;
/// see reference/resize-multiscale-tta.md §1.6.
public enum ImFlip {
    public enum Direction: String, Sendable, CaseIterable {
        case horizontal, vertical, diagonal
        public init(name: String) throws {
            guard let d = Direction(rawValue: name) else {
                // mmcv asserts it (imflip, RandomFlip): AssertionError
                throw CoreError("flip direction must be 'horizontal', 'vertical' or 'diagonal', got '\(name)'", kind: "AssertionError")
            }
            self = d
        }
    }

    /// `imflip(img, direction)`: horizontal reverses axis 1, vertical axis 0, diagonal both.
    /// Works on any tensor of rank ≥ 2 whose first two axes are (H, W).
    public static func flip(_ img: Tensor, _ direction: Direction) throws -> Tensor {
        try flipValues(img, direction).keepingDType(of: img)
    }

    static func flipValues(_ img: Tensor, _ direction: Direction) throws -> Tensor {
        guard img.rank >= 2 else {
            throw CoreError("imflip needs an image of shape (H, W) or (H, W, C), got shape \(Tensor.formatShape(img.shape))")
        }
        let h = img.shape[0], w = img.shape[1]
        let inner = img.shape.dropFirst(2).reduce(1, *)
        let flipY = direction != .horizontal, flipX = direction != .vertical
        func run<T>(_ a: [T]) -> [T] {
            var out = [T]()
            out.reserveCapacity(a.count)
            a.withUnsafeBufferPointer { s in
                for y in 0..<h {
                    let sy = flipY ? h - 1 - y : y
                    for x in 0..<w {
                        let base = (sy * w + (flipX ? w - 1 - x : x)) * inner
                        out.append(contentsOf: s[base..<(base + inner)])
                    }
                }
            }
            return out
        }
        switch img.storage {
        case .float32(let a): return Tensor(shape: img.shape, float32: run(a))
        case .float64(let a): return Tensor(shape: img.shape, float64: run(a))
        case .int64(let a): return Tensor(shape: img.shape, int64: run(a))
        case .bool(let a): return Tensor(shape: img.shape, bool: run(a))
        }
    }

    /// Box flip in an image of size (h, w): `x1' = w - x2, x2' = w - x1` (horizontal),
    /// `y1' = h - y2, y2' = h - y1` (vertical), both for diagonal. No `-1`: boxes are
    /// continuous coordinates. `boxes` is (..., 4k), any float dtype (kept).
    public static func flipBoxes(_ boxes: Tensor, imageShape: (h: Int, w: Int), _ direction: Direction) throws -> Tensor {
        guard let last = boxes.shape.last, last % 4 == 0, boxes.rank >= 1 else {
            throw CoreError("boxes must have a last dimension that is a multiple of 4, got shape \(Tensor.formatShape(boxes.shape))")
        }
        if boxes.count == 0 { return boxes }
        let w = Double(imageShape.w), h = Double(imageShape.h)
        let src = boxes.doubles
        var out = src
        for b in stride(from: 0, to: src.count, by: 4) {
            if direction != .vertical { out[b] = w - src[b + 2]; out[b + 2] = w - src[b] }
            if direction != .horizontal { out[b + 1] = h - src[b + 3]; out[b + 3] = h - src[b + 1] }
        }
        let t = Tensor(shape: boxes.shape, float64: out)
        return boxes.dtype == .float64 ? t : t.cast(to: boxes.dtype.isFloatingPoint ? boxes.dtype : .float32)
    }
}
