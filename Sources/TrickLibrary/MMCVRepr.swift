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

extension MMCVRepr {
    /// `str()` of a 1-D float32 numpy array, as mmcv's Normalize stores mean and std: each value
    /// in its shortest float32 digits, integer parts right-aligned and fractions left-aligned
    /// to the widest (numpy's 'maxprec' float mode: `[123.675 116.28  103.53 ]`, `[0. 0. 0.]`).
    /// nil when numpy would switch to scientific notation (|x| ≥ 1e8, a nonzero |x| < 1e-4, or
    /// max/min above 1e3), which mean and std do not reach in practice.
    static func numpyFloat32(_ xs: [Double]) -> String? {
        let fs = xs.map { Float($0) }
        let mags = fs.map { abs($0) }.filter { $0 != 0 }
        if let mx = mags.max(), let mn = mags.min(), mx >= 1e8 || mn < 1e-4 || mx / mn > 1e3 { return nil }
        var parts: [(sign: String, int: String, frac: String)] = []
        for f in fs {
            var s = "\(abs(f))"                       // Swift prints the shortest round-trip digits
            if s.contains("e") { return nil }
            if s.hasSuffix(".0") { s.removeLast() }    // numpy trims the zeros: "0."
            let dot = s.firstIndex(of: ".") ?? s.endIndex
            let frac = dot == s.endIndex ? "" : String(s[s.index(after: dot)...])
            parts.append((f.sign == .minus && f != 0 ? "-" : "", String(s[..<dot]), frac))
        }
        let left = parts.map { $0.sign.count + $0.int.count }.max() ?? 0
        let right = parts.map { $0.frac.count }.max() ?? 0
        let items = parts.map { p -> String in
            let i = p.sign + p.int
            return String(repeating: " ", count: left - i.count) + i + "." + p.frac + String(repeating: " ", count: right - p.frac.count)
        }
        return "[" + items.joined(separator: " ") + "]"
    }

    static func normalize(_ mean: [Double], _ std: [Double], toRGB: Bool) -> (() -> String)? {
        guard let m = numpyFloat32(mean), let s = numpyFloat32(std) else { return nil }
        let text = "Normalize(mean=\(m), std=\(s), to_rgb=\(toRGB ? "True" : "False"))"
        return { text }
    }

    static func loadImageFromFile(_ a: Bound) -> () -> String {
        let extra = Dictionary(a.kwargs, uniquingKeysWith: { x, _ in x })
        func kw(_ k: String, _ d: String) -> String { extra[k].map { Printer.repr($0) } ?? d }
        let text = "LoadImageFromFile(ignore_empty=\(kw("ignore_empty", "False")), to_float32=\(Printer.repr(a["to_float32"])), "
            + "color_type=\(Printer.repr(a["color_type"])), imdecode_backend=\(kw("imdecode_backend", "'cv2'")), backend_args=\(kw("backend_args", "None")))"
        return { text }
    }

    /// mmcv 2.1 `LoadAnnotations.__repr__` (the mmcv.transforms class the module table binds).
    static func loadAnnotations(_ a: Bound) -> () -> String {
        let extra = Dictionary(a.kwargs, uniquingKeysWith: { x, _ in x })
        func flag(_ k: String) -> String { Printer.str(a[k]) }
        let text = "LoadAnnotations(with_bbox=\(flag("with_bbox")), with_label=\(flag("with_label")), with_seg=\(flag("with_seg")), "
            + "with_keypoints=\(extra["with_keypoints"].map(Printer.str) ?? "False"), "
            + "imdecode_backend='\(extra["imdecode_backend"].map(Printer.str) ?? "cv2")', backend_args=\(extra["backend_args"].map(Printer.str) ?? "None"))"
        return { text }
    }

    /// mmcv `Compose.__repr__`: one transform a line, indented four spaces.
    static func compose(_ steps: [Value]) -> () -> String {
        { "Compose(" + steps.map { "\n    " + Printer.str($0) }.joined() + "\n)" }
    }

    /// mmcv 2.1 `TestTimeAug.__repr__`, its missing parenthesis included: `TestTimeAugtransforms=`
    /// then each subroutine (a Compose) and a newline.
    static func testTimeAug(_ subroutines: [Value]) -> () -> String {
        { "TestTimeAugtransforms=\n" + subroutines.map { Printer.repr($0) + "\n" }.joined() }
    }
}
