import TrickCore
import TrickLang

/// Trick 6 (multi-scale training / testing): MMCV image geometry (`rescale_size`, `imrescale`,
/// `imresize`, `impad`, `imflip`, `imnormalize`), the data-pipeline transforms (MMCV 2.x names,
/// MMDetection 2.x / MMSegmentation 0.x argument forms), `Compose`, test-time augmentation
/// helpers and `np.random.seed` for the transforms' random stream. Math lives in TrickCore/Resize.
enum ResizeBindings {
    /// `padding_mode` of impad and Pad: mmcv asserts `padding_mode in ['constant', 'edge', 'reflect',
    /// 'symmetric']`, so another one is an AssertionError (with trick's message naming the choices).
    static func padMode(_ a: Bound) throws -> ImPad.Mode {
        do { return try ImPad.Mode(rawValue: a.choice("padding_mode", ImPad.Mode.allCases.map(\.rawValue)))! } catch let e as RuntimeError {
            throw RuntimeError(e.message, kind: "AssertionError")
        }
    }

    static func register(_ lib: Library) {
        registerGeometry(lib)
        registerTransforms(lib)
        registerShortestEdge(lib)
        registerAnalysis(lib)
    }

    // MARK: value <-> results conversion

    static func field(_ v: Value) -> Field {
        switch v {
        case .none: return .none
        case .bool(let b): return .bool(b)
        case .int(let i): return .int(i)
        case .float(let d): return .double(d)
        case .str(let s): return .string(s)
        case .tensor(let ref): return .tensor(ref.tensor)
        case .tuple(let items):
            var ints: [Int] = [], doubles: [Double] = [], allInt = true, allNum = true
            for x in items {
                switch x {
                case .int(let i): ints.append(i); doubles.append(Double(i))
                case .float(let d): allInt = false; doubles.append(d)
                default: allInt = false; allNum = false
                }
            }
            if allInt { return .ints(ints) }
            if allNum { return .doubles(doubles) }
            return .opaque(v)
        case .list(let l): return .list(l.items.map(field))
        case .dict(let d):
            var r = Results()
            for (k, x) in d.pairs {
                guard case .str(let ks) = k else { return .opaque(v) }
                r[ks] = field(x)
            }
            return .dict(r)
        default: return .opaque(v)
        }
    }

    static func value(_ f: Field) -> Value {
        switch f {
        case .none: return .none
        case .bool(let b): return .bool(b)
        case .int(let i): return .int(i)
        case .double(let d): return .float(d)
        case .string(let s): return .str(s)
        case .ints(let a): return .tuple(a.map { .int($0) })
        case .doubles(let a): return .tuple(a.map { .float($0) })
        case .tensor(let t): return .tensor(t)
        case .list(let items): return .list(items.map(value))
        case .dict(let r): return resultsValue(r)
        case .opaque(let a): return (a as? Value) ?? .none
        }
    }

    static func results(_ v: Value, _ who: String) throws -> Results {
        guard case .dict = v, case .dict(let r) = field(v) else {
            throw RuntimeError("\(who)() expects a results dict, got \(v.typeName)", kind: "TypeError")
        }
        return r
    }

    static func resultsValue(_ r: Results) -> Value { .dict(r.pairs.map { ($0.0, value($0.1)) }) }

    // MARK: argument helpers

    static func numbers(_ v: Value, _ what: String) throws -> [Double] {
        switch v {
        case .list(let l): return try l.items.map { try number($0, what) }
        case .tuple(let t): return try t.map { try number($0, what) }
        case .tensor(let ref): return ref.tensor.doubles   // a numpy array or tensor (mmcv passes np.array means), flattened
        default: return [try number(v, what)]
        }
    }

    static func number(_ v: Value, _ what: String) throws -> Double {
        switch v {
        case .int(let i): return Double(i)
        case .float(let d): return d
        default: throw RuntimeError("\(what) must hold numbers, got \(v.typeName)", kind: "TypeError")
        }
    }

    /// A (w, h) pair from a tuple/list of two numbers, or an int `s` as `(s, s)` when allowed.
    static func pair(_ v: Value, _ what: String, allowScalar: Bool = true) throws -> [Double] {
        if allowScalar, case .int(let i) = v { return [Double(i), Double(i)] }
        let xs: [Double]
        switch v {
        case .tuple, .list: xs = try numbers(v, what)
        default: throw RuntimeError("\(what) must be a (w, h) tuple, got \(v.typeName)", kind: "TypeError")
        }
        guard xs.count == 2 else { throw RuntimeError("\(what) must have 2 values (w, h), got \(xs.count)", kind: "ValueError") }
        guard xs.allSatisfy({ $0 >= 0 }) else {
            throw RuntimeError("\(what) \(Printer.repr(v)) must not have negative sides", kind: "ValueError")
        }
        guard xs.allSatisfy({ $0 <= 1e9 }) else {
            throw RuntimeError("\(what) \(Printer.repr(v)) is too large", kind: "ValueError")
        }
        return xs
    }

    /// A list of (w, h) pairs: one tuple, or a list of tuples.
    static func pairs(_ v: Value, _ what: String) throws -> [[Double]] {
        if case .list(let l) = v {
            guard l.items.allSatisfy({ if case .tuple = $0 { return true }; if case .list = $0 { return true }; return false }) else {
                // mmcv / mmdet assert `is_list_of(scales, tuple)`
                throw RuntimeError("\(what) must be a (w, h) tuple or a list of (w, h) tuples, got \(Printer.repr(v))", kind: "AssertionError")
            }
            return try l.items.map { try pair($0, what, allowScalar: false) }
        }
        if case .tuple(let t) = v, !t.isEmpty, t.allSatisfy({ if case .tuple = $0 { return true }; return false }) {
            return try t.map { try pair($0, what, allowScalar: false) }
        }
        return [try pair(v, what)]
    }

    static func interpolation(_ a: Bound, _ name: String = "interpolation") throws -> ImResize.Interpolation {
        try ImResize.Interpolation(name: try a.string(name))
    }

    static func checkBackend(_ a: Bound) throws {
        if a.has("backend") {
            let b = try a.string("backend")
            guard b == "cv2" || b == "pillow" else {
                throw RuntimeError("backend: \(b) is not supported for resize. Supported backends are 'cv2', 'pillow'", kind: "ValueError")
            }
        }
    }

    // MARK: geometry functions

    static func registerGeometry(_ lib: Library) {
        lib.function("rescale_size(old_size, scale, return_scale=False)",
                     doc: "MMCV rescale_size: new (w, h) for `scale` (a factor, or a (long, short) edge pair, orientation-free); with return_scale also the factor.") { a in
            let old = try pair(a["old_size"], "old_size", allowScalar: false)
            let scale: Rescale.Scale
            switch a["scale"] {
            case .int(let i): scale = .factor(Double(i))
            case .bool(let b): scale = .factor(b ? 1 : 0)  // isinstance(True, int) in Python
            case .float(let d): scale = .factor(d)
            case .tuple(let t):
                // MMCV takes max(scale) / min(scale) of a tuple of any length.
                guard !t.isEmpty else { throw RuntimeError("rescale_size(): scale is an empty tuple (max() arg is an empty sequence)", kind: "ValueError") }
                let s = try numbers(a["scale"], "scale")
                scale = .edges(s.max()!, s.min()!)
            default:
                throw RuntimeError("Scale must be a number or tuple of int, but got \(a["scale"].typeName)", kind: "TypeError")
            }
            if case .factor(let f) = scale, !(f > 0) { throw RuntimeError("Invalid scale \(Printer.repr(a["scale"])), must be positive.", kind: "ValueError") }
            let (size, f) = try Rescale.rescaleSize((Int(old[0]), Int(old[1])), scale)
            let sizeValue = Value.tuple([.int(size.w), .int(size.h)])
            guard try a.bool("return_scale") else { return sizeValue }
            switch a["scale"] { case .int, .bool: return .tuple([sizeValue, a["scale"]]); default: break }
            return .tuple([sizeValue, .float(f)])
        }

        lib.function("imresize(img, size, return_scale=False, interpolation='bilinear', out=None, backend=None)",
                     doc: "MMCV imresize: cv2.resize to size=(w, h); with return_scale also (w_scale, h_scale).") { a in
            try checkBackend(a)
            let img = try a.tensor("img")
            let s = try pair(a["size"], "size", allowScalar: false)
            let (h, w, _) = try ImResize.geometry(img)
            let out = try ImResize.resize(img, width: Int(s[0]), height: Int(s[1]), interpolation: try interpolation(a))
            guard try a.bool("return_scale") else { return .tensor(out) }
            return .tuple([.tensor(out), .float(s[0] / Double(w)), .float(s[1] / Double(h))])
        }

        lib.function("imrescale(img, scale, return_scale=False, interpolation='bilinear', backend=None)",
                     doc: "MMCV imrescale: resize keeping the aspect ratio (scale: factor or (long, short) edges).") { a in
            try checkBackend(a)
            let img = try a.tensor("img")
            let (h, w, _) = try ImResize.geometry(img)
            let scale: Rescale.Scale
            switch a["scale"] {
            case .int, .float: scale = .factor(try a.double("scale"))
            case .tuple:
                let s = try pair(a["scale"], "scale", allowScalar: false)
                scale = .edges(s[0], s[1])
            default: throw RuntimeError("Scale must be a number or tuple of int, but got \(a["scale"].typeName)", kind: "TypeError")
            }
            let (size, f) = try Rescale.rescaleSize((w, h), scale)
            let out = try ImResize.resize(img, width: size.w, height: size.h, interpolation: try interpolation(a))
            guard try a.bool("return_scale") else { return .tensor(out) }
            return .tuple([.tensor(out), .float(f)])
        }

        lib.function("imresize_to_multiple(img, divisor, size=None, scale_factor=None, keep_ratio=False, return_scale=False, interpolation='bilinear', align_corners=False, backend=None)",
                     doc: "MMCV imresize_to_multiple: target size (or scale_factor, keep_ratio) rounded up to a multiple of divisor.") { a in
            try checkBackend(a)
            let img = try a.tensor("img")
            let (h, w, _) = try ImResize.geometry(img)
            guard a.has("size") != a.has("scale_factor") else {
                throw RuntimeError("only one of size or scale_factor should be defined", kind: "ValueError")
            }
            var target: (w: Int, h: Int)
            if a.has("size") {
                let s = try pair(a["size"], "size")
                target = (Int(s[0]), Int(s[1]))
                if try a.bool("keep_ratio") { target = try Rescale.rescaleSize((w, h), .edges(s[0], s[1])).size }
            } else {
                let f = try numbers(a["scale_factor"], "scale_factor")
                target = try Rescale.scaleSize((w, h), f[0], f.count > 1 ? f[1] : f[0])
            }
            let d = try Convert.ints(a["divisor"], what: "divisor")
            target = try Rescale.roundUp(target, divisor: (d[0], d.count > 1 ? d[1] : d[0]))
            let out = try ImResize.resize(img, width: target.w, height: target.h, interpolation: try interpolation(a))
            guard try a.bool("return_scale") else { return .tensor(out) }
            return .tuple([.tensor(out), .float(Double(target.w) / Double(w)), .float(Double(target.h) / Double(h))])
        }

        lib.function("impad(img, *, shape=None, padding=None, pad_val=0, padding_mode='constant')",
                     doc: "MMCV impad: pad to shape=(h, w) (bottom/right) or by padding=int | (lr, tb) | (left, top, right, bottom).") { a in
            let img = try a.tensor("img")
            guard a.has("shape") != a.has("padding") else {
                throw RuntimeError("impad: exactly one of shape and padding must be given", kind: "AssertionError")
            }
            let mode = try padMode(a)
            let pv: ImPad.Value
            switch a["pad_val"] {
            case .int, .float: pv = .scalar(try a.double("pad_val"))
            case .tuple, .list: pv = .perChannel(try numbers(a["pad_val"], "pad_val"))
            default: throw RuntimeError("pad_val must be a int or a tuple. But received \(a["pad_val"].typeName)", kind: "TypeError")
            }
            if a.has("shape") {
                let s = try Convert.ints(a["shape"], what: "shape")
                guard s.count >= 2 else { throw RuntimeError("shape must be (h, w)", kind: "ValueError") }
                return .tensor(try ImPad.pad(img, toShape: (s[0], s[1]), value: pv, mode: mode))
            }
            let p = try Convert.ints(a["padding"], what: "padding")
            let lrtb: [Int]
            switch p.count {
            case 1: lrtb = [p[0], p[0], p[0], p[0]]
            case 2: lrtb = [p[0], p[1], p[0], p[1]]
            case 4: lrtb = p
            default: throw RuntimeError("Padding must be a int or a 2, or 4 element tuple.But received \(Printer.repr(a["padding"]))", kind: "ValueError")
            }
            return .tensor(try ImPad.pad(img, left: lrtb[0], top: lrtb[1], right: lrtb[2], bottom: lrtb[3], value: pv, mode: mode))
        }

        lib.function("impad_to_multiple(img, divisor, pad_val=0)",
                     doc: "MMCV impad_to_multiple: pad bottom/right so both sides are multiples of divisor.") { a in
            let pv: ImPad.Value
            switch a["pad_val"] {
            case .tuple, .list: pv = .perChannel(try numbers(a["pad_val"], "pad_val"))
            default: pv = .scalar(try a.double("pad_val"))
            }
            return .tensor(try ImPad.padToMultiple(try a.tensor("img"), divisor: try a.int("divisor"), value: pv))
        }

        lib.function("imflip(img, direction='horizontal')", doc: "MMCV imflip: horizontal, vertical or diagonal.") { a in
            .tensor(try ImFlip.flip(try a.tensor("img"), try ImFlip.Direction(name: try a.string("direction"))))
        }

        lib.function("bbox_flip(bboxes, img_shape, direction='horizontal')",
                     doc: "Box flip in an image of shape (h, w): x1' = w - x2, x2' = w - x1 (no -1).") { a in
            let s = try Convert.ints(a["img_shape"], what: "img_shape")
            guard s.count >= 2 else { throw RuntimeError("img_shape must be (h, w)", kind: "ValueError") }
            return .tensor(try ImFlip.flipBoxes(try a.tensor("bboxes").cast(to: .float32), imageShape: (s[0], s[1]),
                                                try ImFlip.Direction(name: try a.string("direction"))))
        }

        lib.function("imnormalize(img, mean, std, to_rgb=True)",
                     doc: "MMCV imnormalize: float32 (x - mean) * (1/std), BGR->RGB first when to_rgb.") { a in
            .tensor(try ImNormalize.normalize(try a.tensor("img"), mean: try numbers(a["mean"], "mean"),
                                              std: try numbers(a["std"], "std"), toRGB: try a.bool("to_rgb")))
        }

        let np = BuiltObject(typeName: "module")
        np.repr = { "<module 'numpy'>" }
        np.set("random", .object(NumpyRandomBindings.module()))
        lib.define("np", .object(np))
        lib.define("numpy", .object(np))
    }
}
