import TrickCore
import TrickLang

/// Drawing built-ins: boxes, segmentation maps, binary masks, texts and panels on image tensors
/// (BGR, as imread gives them), dataset palettes, and a digest for golden notebooks.
enum DrawBindings {
    static let colorNote = "Images are BGR int64 tensors as imread gives them; colours are RGB: a name ('red', 'green', …), an (r, g, b) tuple, or a list of them."

    static func register(_ lib: Library) {
        lib.function("get_palette(dataset)", doc: "mmseg.utils.get_palette: the RGB palette of 'cityscapes', 'ade' / 'ade20k' or 'voc' (and its aliases), as a list of [r, g, b].") { a in
            .list(ListRef(try core { try DatasetPalettes.palette(try a.string("dataset")) }.map { .list(ListRef($0.map { .int($0) })) }))
        }
        lib.function("get_classes(dataset)", doc: "mmseg.utils.get_classes: the class names of 'cityscapes', 'ade' / 'ade20k' or 'voc'.") { a in
            .list(ListRef(try core { try DatasetPalettes.classes(try a.string("dataset")) }.map { .str($0) }))
        }
        lib.function("blank_image(height, width, color='white')", doc: "A (height, width, 3) BGR image of one colour, to draw boxes on. \(colorNote)") { a in
            let c = try colors(a["color"], "color")[0]
            return .tensor(try core { try Canvas(width: try a.int("width"), height: try a.int("height"), fill: c).image() })
        }
        lib.function("draw_bboxes(img, bboxes, labels=None, scores=None, classes=None, colors=None, line_width=3, alpha=0.8, text_scale=1, show_text=True, score_thr=None)", doc: """
            Draws boxes (x1, y1, x2, y2) as MMDetection's DetLocalVisualizer: edge colour per label (colors, else the \
            tab10 colours by label, else by box), alpha 0.8, line width 3, and the text 'name: 93.1' (classes[label] \
            or 'class N', score * 100 to one decimal) in light gray on a black box at the top-left. Boxes scoring \
            below score_thr are left out. Returns a new image. Lines are not anti-aliased and the text uses an \
            embedded 5 x 7 bitmap font (scaled by text_scale), so pixels differ from matplotlib's. \(colorNote)
            """) { a in
            let img = try a.tensor("img")
            let b = try a.tensor("bboxes")
            guard b.rank == 2, b.shape[1] >= 4 || b.shape[0] == 0 else {
                throw RuntimeError("draw_bboxes() bboxes must be (N, 4) (or (N, 5) with scores), got shape \(Tensor.formatShape(b.shape))", kind: "ValueError")
            }
            let n = b.shape[0], cols = b.rank == 2 ? b.shape[1] : 4
            let flat = b.doubles
            var boxes = (0..<n).map { i in Array(flat[(i * cols)..<(i * cols + 4)]) }
            var scores: [Double]? = a.has("scores") ? try a.tensor("scores").doubles : (cols >= 5 ? (0..<n).map { flat[$0 * cols + 4] } : nil)
            var labels: [Int]? = a.has("labels") ? try a.tensor("labels").int64s.map { Int($0) } : nil
            if let s = scores, s.count != n { throw RuntimeError("draw_bboxes(): \(s.count) scores for \(n) boxes", kind: "ValueError") }
            if let l = labels, l.count != n { throw RuntimeError("draw_bboxes(): \(l.count) labels for \(n) boxes", kind: "ValueError") }
            let classes: [String]? = a.has("classes") ? try a.sequence("classes").map { v -> String in
                guard case .str(let s) = v else { throw RuntimeError("draw_bboxes() classes must be names (str)", kind: "TypeError") }; return s } : nil
            var palette: [RGB]
            if a.has("colors") {
                let given = try colors(a["colors"], "colors")
                palette = given.count == n ? given : (labels.map { $0.map { given[$0 % given.count] } } ?? given)
            } else {
                palette = labels.map { $0.map { RGB.tab10[(($0 % 10) + 10) % 10] } } ?? (0..<Swift.max(n, 1)).map { RGB.tab10[$0 % 10] }
            }
            if let thr = try a.optionalDouble("score_thr"), let s = scores {
                let keep = (0..<n).filter { s[$0] >= thr }
                boxes = keep.map { boxes[$0] }; scores = keep.map { s[$0] }; labels = labels.map { l in keep.map { l[$0] } }
                if palette.count == n { palette = keep.map { palette[$0] } }
            }
            var style = Drawing.BoxStyle()
            style.lineWidth = try a.int("line_width"); style.alpha = try a.double("alpha")
            style.textScale = Swift.max(1, try a.int("text_scale")); style.showText = try a.bool("show_text")
            return try core {
                var canvas = try Canvas(image: img)
                if !palette.isEmpty { Drawing.boxes(&canvas, boxes: boxes, labels: labels, scores: scores, classes: classes, colors: palette, style: style) }
                return .tensor(canvas.image())
            }
        }
        let imshow = lib.function("imshow_det_bboxes(img, bboxes, labels, class_names=None, score_thr=0, bbox_color='green', text_color='green', thickness=1, font_scale=0.5, show=True, win_name='', wait_time=0, out_file=None)", doc: """
            mmcv.imshow_det_bboxes (mmcv 1.x / mmdet 2.x show_result): boxes (N, 4) or (N, 5) with scores, those \
            scoring below score_thr dropped, in bbox_color with `thickness`, the text 'name|0.93' above each box in \
            text_color; writes out_file if given and returns the image. show is ignored (no windows here); the \
            text is the embedded bitmap font (scaled by font_scale / 0.5), not cv2's Hershey font.
            """) { a in
            let img = try a.tensor("img"), b = try a.tensor("bboxes")
            guard b.rank == 2, b.shape[1] == 4 || b.shape[1] == 5 || b.shape[0] == 0 else {
                throw RuntimeError("imshow_det_bboxes() bboxes must be (N, 4) or (N, 5), got shape \(Tensor.formatShape(b.shape))", kind: "ValueError")
            }
            let n = b.shape[0], cols = b.shape[1], flat = b.doubles
            var labels = try a.tensor("labels").int64s.map { Int($0) }
            guard labels.count == n else { throw RuntimeError("imshow_det_bboxes(): \(labels.count) labels for \(n) boxes", kind: "ValueError") }
            var boxes = (0..<n).map { Array(flat[($0 * cols)..<($0 * cols + 4)]) }
            var scores: [Double]? = cols == 5 ? (0..<n).map { flat[$0 * cols + 4] } : nil
            let thr = try a.double("score_thr")
            if thr > 0 {
                guard let s = scores else { throw RuntimeError("imshow_det_bboxes(): score_thr needs (N, 5) bboxes with scores", kind: "ValueError") }
                let keep = (0..<n).filter { s[$0] > thr }
                boxes = keep.map { boxes[$0] }; scores = keep.map { s[$0] }; labels = keep.map { labels[$0] }
            }
            let names: [String]? = a.has("class_names") ? try strings(a["class_names"], "imshow_det_bboxes() class_names") : nil
            var style = Drawing.BoxStyle()
            style.mmcvLabels = true; style.alpha = 1; style.lineWidth = Swift.max(1, try a.int("thickness"))
            style.textColor = try colors(a["text_color"], "text_color")[0]
            style.textScale = Swift.max(1, Int((try a.double("font_scale") / 0.5).rounded()))
            let boxColor = try colors(a["bbox_color"], "bbox_color")
            return try core {
                var canvas = try Canvas(image: img)
                Drawing.boxes(&canvas, boxes: boxes, labels: labels, scores: scores, classes: names, colors: boxColor, style: style)
                let out = canvas.image()
                if a.has("out_file") { try ImageFiles.imwrite(out, try a.string("out_file")) }
                return .tensor(out)
            }
        }
        lib.namespace("mmcv").methods[imshow.name] = imshow
        lib.function("draw_sem_seg(img, sem_seg, palette='cityscapes', classes=None, alpha=0.8, with_labels=False)", doc: """
            Blends a segmentation map over the image as MMSegmentation's SegLocalVisualizer: \
            (img * (1 - alpha) + colour * alpha) truncated to uint8, colour = palette[id] for ids below len(palette), \
            black elsewhere (ignored pixels darken) — value for value. palette: a dataset name ('cityscapes', 'ade', \
            'voc') or a list of (r, g, b). with_labels (mmseg's default is True, trick's False) writes each class name \
            on its colour at the centre of its largest region, in the bitmap font.
            """) { a in
            var classes: [String]? = a.has("classes") ? try a.sequence("classes").map { v -> String in
                guard case .str(let s) = v else { throw RuntimeError("draw_sem_seg() classes must be names (str)", kind: "TypeError") }; return s } : nil
            let palette: [RGB]
            if case .str(let name) = a["palette"] {
                palette = try core { try DatasetPalettes.palette(name) }.map { RGB(UInt8($0[0]), UInt8($0[1]), UInt8($0[2])) }
                if classes == nil { classes = try core { try DatasetPalettes.classes(name) } }
            } else {
                palette = try colors(a["palette"], "palette")
            }
            return try core {
                .tensor(try Drawing.semSeg(image: try a.tensor("img"), segMap: try a.tensor("sem_seg"), palette: palette, classes: classes,
                                           alpha: try a.double("alpha"), withLabels: try a.bool("with_labels")))
            }
        }
        lib.function("draw_binary_masks(img, binary_masks, colors='green', alphas=0.8)", doc: """
            MMEngine Visualizer.draw_binary_masks: each mask (H, W), or a stack (N, H, W), is painted in its colour \
            and blended as cv2.addWeighted(img, 1 - alpha, painted, alpha, 0) — e.g. OHEM's kept pixels or an \
            ignore mask. \(colorNote)
            """) { a in
            let m = try a.tensor("binary_masks")
            let img = try a.tensor("img")
            var masks: [Tensor] = []
            if m.rank == 3 && m.shape[0] != 1 || (m.rank == 3 && img.rank >= 2 && m.shape[1] == img.shape[0] && m.shape[2] == img.shape[1]) {
                let per = m.shape[1] * m.shape[2]
                let bits = m.doubles
                for i in 0..<m.shape[0] { masks.append(Tensor(shape: [m.shape[1], m.shape[2]], float64: Array(bits[(i * per)..<((i + 1) * per)]))) }
            } else { masks = [m] }
            let alphas: [Double]
            switch a["alphas"] {
            case .list, .tuple: alphas = try Convert.doubles(a["alphas"], what: "draw_binary_masks() alphas")
            default: alphas = [try a.double("alphas")]
            }
            guard !alphas.isEmpty else { throw RuntimeError("draw_binary_masks() alphas is empty", kind: "ValueError") }
            return try core { .tensor(try Drawing.binaryMasks(image: img, masks: masks, colors: try colors(a["colors"], "colors"), alphas: alphas)) }
        }
        lib.function("draw_texts(img, texts, positions, colors='white', scale=2, background=None)", doc: """
            Writes texts with their top-left corners at positions [(x, y), …] in the embedded 5 x 7 bitmap font \
            (scale 2: 14 pixels tall), optionally on a filled background box. \(colorNote)
            """) { a in
            let texts: [String]
            if case .str(let s) = a["texts"] { texts = [s] } else {
                texts = try a.sequence("texts").map { v -> String in guard case .str(let s) = v else { throw RuntimeError("draw_texts() texts must be str", kind: "TypeError") }; return s }
            }
            var pos = try Convert.doubles(flatten(a["positions"]), what: "draw_texts() positions")
            if pos.count == 2 && texts.count > 1 { pos = Array(repeating: pos, count: texts.count).flatMap { $0 } }
            guard pos.count == 2 * texts.count else { throw RuntimeError("draw_texts(): \(texts.count) texts need \(texts.count) (x, y) positions", kind: "ValueError") }
            let cs = try colors(a["colors"], "colors")
            let bg = a.has("background") ? try colors(a["background"], "background")[0] : nil
            let scale = Swift.max(1, try a.int("scale"))
            return try core {
                var c = try Canvas(image: try a.tensor("img"))
                for (i, t) in texts.enumerated() {
                    let x = Int(pos[2 * i].rounded()), y = Int(pos[2 * i + 1].rounded())
                    if let b = bg { let s = BitmapFont.size(t, scale: scale); c.fill(x0: x - 2, y0: y - 2, x1: x + s.width + 2, y1: y + s.height + 2, b) }
                    c.text(t, x: x, y: y, cs[i % cs.count], scale: scale)
                }
                return .tensor(c.image())
            }
        }
        lib.function("panels(images, titles=None, gap=8, title_scale=2)", doc: "Images side by side on white, each under its title (bitmap font), e.g. before / after NMS; returns one BGR image.") { a in
            let imgs = try a.sequence("images").map { v -> Tensor in guard let t = v.tensorValue else { throw RuntimeError("panels() images must be image tensors", kind: "TypeError") }; return t }
            let titles: [String]? = a.has("titles") ? try a.sequence("titles").map { v -> String in
                guard case .str(let s) = v else { throw RuntimeError("panels() titles must be str", kind: "TypeError") }; return s } : nil
            return try core {
                .tensor(try Drawing.panels(try imgs.map { try Canvas(image: $0) }, titles: titles, gap: Swift.max(0, try a.int("gap")),
                                           titleScale: Swift.max(1, try a.int("title_scale"))).image())
            }
        }
        lib.function("colormap(values, vmin=0.0, vmax=1.0)", doc: "Colours for numbers (e.g. Soft-NMS scores) on matplotlib's viridis: a list of (r, g, b), vmin dark purple to vmax yellow.") { a in
            let v: [Double]
            if let t = a["values"].tensorValue { v = t.doubles } else { v = try Convert.doubles(a["values"], what: "colormap() values") }
            let lo = try a.double("vmin"), hi = try a.double("vmax")
            return .list(ListRef(v.map { x in
                let c = RGB.viridis(hi > lo ? (x - lo) / (hi - lo) : 0)
                return .tuple([.int(Int(c.r)), .int(Int(c.g)), .int(Int(c.b))])
            }))
        }
        lib.function("line_chart(values, names=None, x=None, title=None, width=640, height=320)", doc: """
            A line chart image (BGR, for imwrite) of a list of numbers — e.g. lr_schedule(...) or a loss curve — or of             several lists (a legend from names): grid, axes and tick labels at 1 / 2 / 2.5 / 5 × 10^k printed exactly.
            """) { a in
            let series = try seriesList(a["values"], "line_chart() values")
            let names: [String]? = a.has("names") ? try strings(a["names"], "line_chart() names") : nil
            let x: [Double]? = a.has("x") ? try numbers(a["x"], "line_chart() x") : nil
            return try core { .tensor(try Charts.line(series, names: names, x: x, title: try a.optionalString("title"),
                                                      width: try a.int("width"), height: try a.int("height")).image()) }
        }
        lib.function("bar_chart(values, names=None, title=None, width=640, colors=None)", doc: """
            A horizontal bar chart image (BGR, for imwrite): one row per value with its name on the left and the value             at the bar's end — e.g. the lr of each param group, or class weights. \(colorNote)
            """) { a in
            let values = try numbers(a["values"], "bar_chart() values")
            let names: [String]? = a.has("names") ? try strings(a["names"], "bar_chart() names") : nil
            if let n = names, n.count != values.count { throw RuntimeError("bar_chart(): \(n.count) names for \(values.count) values", kind: "ValueError") }
            let cs = a.has("colors") ? try colors(a["colors"], "colors") : [RGB.tab10[0]]
            return try core { .tensor(try Charts.bars(values, names: names, title: try a.optionalString("title"), width: try a.int("width"), colors: cs).image()) }
        }
        lib.function("image_digest(img)", doc: "'(H, W, C) <64-bit FNV-1a hex>' of an image's shape and values: golden notebooks print it so any change to a drawing shows.") { a in
            .str(Drawing.digest(try a.tensor("img")))
        }
    }

    static func numbers(_ v: Value, _ what: String) throws -> [Double] {
        if let t = v.tensorValue { return t.doubles }
        return try Convert.doubles(v, what: what)
    }

    static func strings(_ v: Value, _ what: String) throws -> [String] {
        let items: [Value]
        switch v {
        case .list(let l): items = l.items
        case .tuple(let t): items = t
        default: throw RuntimeError("\(what) must be a list of str, got \(v.typeName)", kind: "TypeError")
        }
        return try items.map { x -> String in guard case .str(let s) = x else { throw RuntimeError("\(what) must hold str, got \(x.typeName)", kind: "TypeError") }; return s }
    }

    /// One series (numbers or a 1-D tensor) or several (a list of them, or a 2-D tensor's rows).
    static func seriesList(_ v: Value, _ what: String) throws -> [[Double]] {
        if let t = v.tensorValue {
            if t.rank == 2 { let d = t.doubles, w = t.shape[1]; return (0..<t.shape[0]).map { Array(d[($0 * w)..<(($0 + 1) * w)]) } }
            return [t.doubles]
        }
        let items: [Value]
        switch v {
        case .list(let l): items = l.items
        case .tuple(let t): items = t
        default: throw RuntimeError("\(what) must be a list of numbers or of lists, got \(v.typeName)", kind: "TypeError")
        }
        if items.contains(where: { switch $0 { case .list, .tuple, .tensor: return true; default: return false } }) {
            return try items.map { try numbers($0, what) }
        }
        return [try Convert.doubles(v, what: what)]
    }

    static func flatten(_ v: Value) -> Value {
        switch v {
        case .list(let l): return .list(ListRef(l.items.flatMap { x -> [Value] in if case .list(let i) = x { return i.items }; if case .tuple(let t) = x { return t }; return [x] }))
        case .tuple(let t): return .list(ListRef(t.flatMap { x -> [Value] in if case .list(let i) = x { return i.items }; if case .tuple(let t) = x { return t }; return [x] }))
        case .tensor(let ref): return .list(ListRef(ref.tensor.doubles.map { .float($0) }))
        default: return v
        }
    }

    /// A colour or a list of colours: names, (r, g, b) tuples / lists, or an (N, 3) tensor.
    static func colors(_ v: Value, _ what: String) throws -> [RGB] {
        func one(_ x: Value) throws -> RGB? {
            switch x {
            case .str(let s):
                guard let c = RGB.named[s] ?? RGB.named[["r": "red", "g": "green", "b": "blue", "y": "yellow", "c": "cyan", "m": "magenta", "w": "white", "k": "black"][s] ?? ""] else {
                    throw RuntimeError("unknown colour '\(s)' (known: \(RGB.named.keys.sorted().joined(separator: ", ")))", kind: "ValueError")
                }
                return c
            case .tuple(let t) where t.count == 3 && t.allSatisfy({ Convert.double($0) != nil }):
                let d = t.map { Convert.double($0)! }
                guard d.allSatisfy({ $0 >= 0 && $0 <= 255 }) else { throw RuntimeError("\(what): colour values must lie in 0…255", kind: "ValueError") }
                return RGB(UInt8(d[0]), UInt8(d[1]), UInt8(d[2]))
            case .list(let l) where l.items.count == 3 && l.items.allSatisfy({ Convert.double($0) != nil }):
                return try one(.tuple(l.items))
            default: return nil
            }
        }
        if let c = try one(v) { return [c] }
        var items: [Value]
        switch v {
        case .list(let l): items = l.items
        case .tuple(let t): items = t
        case .tensor(let ref) where ref.tensor.rank == 2 && ref.tensor.shape[1] == 3:
            let t = ref.tensor
            let d = t.doubles
            items = (0..<t.shape[0]).map { i in .tuple((0..<3).map { .float(d[3 * i + $0]) }) }
        default: throw RuntimeError("\(what) must be a colour name, an (r, g, b) tuple or a list of them, got \(v.typeName)", kind: "TypeError")
        }
        let out = try items.map { x -> RGB in
            guard let c = try one(x) else { throw RuntimeError("\(what) must hold colour names or (r, g, b) tuples, got \(x.typeName)", kind: "TypeError") }
            return c
        }
        guard !out.isEmpty else { throw RuntimeError("\(what) is empty", kind: "ValueError") }
        return out
    }

    static func core<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch let e as CoreError { throw RuntimeError(e.message, kind: "ValueError") }
    }
}
