import TrickCore
import TrickLang

/// Transforms print as mmcv 2.1's `__repr__` methods write them (upstream tests compare these
/// strings), unbalanced parentheses and all: `Resize(scale=(2048, 512), scale_factor=None,
/// keep_ratio=True, clip_object_border=True), backend=cv2), interpolation=bilinear)`. Values
/// appear as mmcv stores them (an int scale becomes `(s, s)`, a float scale_factor `(f, f)`, an int
/// pad_val `{'img': v, 'seg': 255}`), formatted with Python's str() as its f-strings do.
enum MMCVRepr {
    static func pair(_ v: Value) -> String {
        switch v {
        case .int, .float: return "(\(Printer.repr(v)), \(Printer.repr(v)))"
        default: return Printer.str(v)
        }
    }

    static func resize(_ a: Bound, _ t: ResizeTransform, legacy: Bool) -> (() -> String)? {
        guard !legacy else { return nil }
        let scale = a.has("scale") ? pair(a["scale"]) : "None"
        let factor = a.has("scale") || !a.has("scale_factor") ? "None" : pair(a["scale_factor"])
        let backend = Printer.str(a["backend"]), interpolation = Printer.str(a["interpolation"])
        return {
            "Resize(scale=\(scale), scale_factor=\(factor), keep_ratio=\(t.keepRatio ? "True" : "False"), "
                + "clip_object_border=\(t.clipObjectBorder ? "True" : "False")), backend=\(backend)), interpolation=\(interpolation))"
        }
    }

    /// RandomResize / RandomChoiceResize: their arguments, then `resize_cfg`, the inner Resize's
    /// config as mmcv keeps it (`dict(type=resize_type, **resize_kwargs)`).
    static func random(_ name: String, _ a: Bound, first: (String, Value), second: (String, Value)?) -> () -> String {
        let cfg = DictRef()
        try? cfg.set(.str("type"), a["resize_type"])
        for (k, v) in a.kwargs { try? cfg.set(.str(k), v) }
        var text = "\(name)(\(first.0)=\(Printer.str(first.1))"
        if let s = second { text += ", \(s.0)=\(Printer.str(s.1))" }
        text += ", resize_cfg=\(Printer.repr(.dict(cfg))))"
        return { text }
    }

    static func pad(_ a: Bound) -> () -> String {
        var padVal = a["pad_val"]
        switch padVal {
        case .none: padVal = .dict([("img", .int(0)), ("seg", .int(255))])
        case .int: padVal = .dict([("img", padVal), ("seg", .int(255))])
        default: break
        }
        let text = "Pad(size=\(Printer.str(a["size"])), size_divisor=\(Printer.str(a["size_divisor"])), "
            + "pad_to_square=\(Printer.str(a["pad_to_square"])), pad_val=\(Printer.str(padVal))), padding_mode=\(Printer.str(a["padding_mode"])))"
        return { text }
    }
}
