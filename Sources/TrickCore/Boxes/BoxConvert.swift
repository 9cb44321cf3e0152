/// torchvision.ops `box_area` and `box_convert`, written with torch's elementwise operators so
/// dtypes follow torch's promotion exactly as torchvision's Python does: an integer box keeps its
/// dtype through `-` and `+`, `cx - 0.5 * w` and `(x1 + x2) / 2` make float32 from integers,
/// float64 stays float64 (torchvision/ops/boxes.py and _box_convert.py, 0.19).
public enum BoxConvert {
    public static let formats = ["xyxy", "xywh", "cxcywh"]

    /// `box_area(boxes)`: `(x2 - x1) * (y2 - y1)` for (N, 4) boxes, after torchvision's `_upcast`
    /// (float16 computes in float32, int8/int16/uint8 in int32, so 100 * 100 does not wrap).
    public static func area(_ boxes: Tensor) throws -> Tensor {
        guard boxes.rank == 2 else {
            throw CoreError("box_area(): boxes must have shape (N, 4), got \(boxes.shape)", kind: "IndexError")
        }
        let (x1, y1, x2, y2) = try columns(upcast(boxes), "box_area")
        return try ((x2 - x1) * (y2 - y1)).reshaped([boxes.shape[0]])
    }

    /// torchvision's `_upcast`: float32/float64 and int32/int64 as they are, other floating
    /// dtypes to float32, other integer ones (and bool) to int32.
    static func upcast(_ t: Tensor) -> Tensor {
        if t.dtype.isFloatingPoint { return t.dtype == .float32 || t.dtype == .float64 ? t : t.cast(to: .float32) }
        return t.dtype == .int32 || t.dtype == .int64 ? t : t.cast(to: .int32)
    }

    /// `box_convert(boxes, in_fmt, out_fmt)` between 'xyxy', 'xywh' and 'cxcywh'; the same format
    /// gives a copy. Another format is torchvision's ValueError.
    public static func convert(_ boxes: Tensor, from inFmt: String, to outFmt: String) throws -> Tensor {
        guard formats.contains(inFmt), formats.contains(outFmt) else {
            throw CoreError("Unsupported Bounding Box Conversions for given in_fmt and out_fmt")
        }
        if inFmt == outFmt { return boxes }
        var b = boxes, from = inFmt
        if from != "xyxy" && outFmt != "xyxy" { b = try toXYXY(b, from); from = "xyxy" }
        if from == "xyxy" {
            let (x1, y1, x2, y2) = try columns(b, "box_convert")
            if outFmt == "xywh" { return try stack(x1, y1, x2 - x1, y2 - y1) }
            let two = Operand.int(2)
            return try stack(try Tensor.binary(.div, .tensor(x1 + x2), two), try Tensor.binary(.div, .tensor(y1 + y2), two),
                             x2 - x1, y2 - y1)
        }
        return try toXYXY(b, from)
    }

    static func toXYXY(_ boxes: Tensor, _ fmt: String) throws -> Tensor {
        let (a, b, w, h) = try columns(boxes, "box_convert")
        if fmt == "xywh" { return try stack(a, b, a + w, b + h) }
        let hw = try Tensor.binary(.mul, .float(0.5), .tensor(w)), hh = try Tensor.binary(.mul, .float(0.5), .tensor(h))
        return try stack(a - hw, b - hh, a + hw, b + hh)
    }

    /// The four coordinates of (..., 4) boxes, each (..., 1).
    static func columns(_ boxes: Tensor, _ function: String) throws -> (Tensor, Tensor, Tensor, Tensor) {
        guard boxes.rank >= 1, boxes.shape.last == 4 else {
            throw CoreError("\(function)(): boxes must have shape (..., 4), got \(boxes.shape)", kind: "IndexError")
        }
        let d = boxes.rank - 1
        return (try boxes.narrowed(d, 0, 1), try boxes.narrowed(d, 1, 1), try boxes.narrowed(d, 2, 1), try boxes.narrowed(d, 3, 1))
    }

    /// `torch.stack(parts, dim=-1)` of the columns (each (..., 1)).
    static func stack(_ parts: Tensor...) throws -> Tensor {
        try Tensor.cat(parts, dim: parts[0].rank - 1)
    }
}

private func - (a: Tensor, b: Tensor) throws -> Tensor { try Tensor.binary(.sub, a, b) }
private func + (a: Tensor, b: Tensor) throws -> Tensor { try Tensor.binary(.add, a, b) }
private func * (a: Tensor, b: Tensor) throws -> Tensor { try Tensor.binary(.mul, a, b) }
