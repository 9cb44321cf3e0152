import TrickCore
import TrickLang

/// Image files: `imread`, `imwrite`, `imfrombytes` (mmcv's), `fileio.get` (mmengine's), global
/// and under the `mmcv` / `fileio` namespaces.
enum ImageBindings {
    static let imageNote = """
        Images are uint8 tensors as mmcv's arrays (16-bit PNGs read 'unchanged': int64 tensors holding the \
        uint16 values, trick having no uint16). Shapes, channel order, dtype and values are mmcv's.
        """

    static func register(_ lib: Library) {
        // Relative image paths are looked up as include's: next to the running notebook, the
        // working directory, trick's folder (so the recipes' examples/data/… work from anywhere).
        ImageFiles.searchPrefixes = { [weak lib] in lib?.searchPrefixes() ?? [""] }   // weak: tests make and drop libraries
        let mmcv = lib.namespace("mmcv")
        let fileio = lib.namespace("fileio")
        let imread = lib.function("imread(img_or_path, flag='color', channel_order='bgr', backend=None, file_client_args=None, backend_args=None)", doc: """
            mmcv.imread: reads a PNG or JPEG file into an (H, W, 3) BGR image ('color'), an (H, W) gray one \
            ('grayscale'), or the file's own channels and depth ('unchanged': gray, BGR, BGRA; 16-bit kept). \
            channel_order='rgb' gives RGB for 'color'. A tensor argument is returned as it is. A relative path is \
            looked for next to the running notebook, in the working directory, then in trick's folder (as include). Pixels equal \
            cv2.imread's (libpng; libjpeg-turbo, islow IDCT), including the Exif orientation cv2 applies for 'color' / \
            'grayscale' ('color_ignore_orientation' / 'grayscale_ignore_orientation' skip it). \(imageNote) \
            Differences: a file that cannot be decoded is an error (mmcv returns None); a truncated JPEG is an \
            error (OpenCV returns it gray-filled).
            """) { a in
            if let t = a["img_or_path"].tensorValue { return .tensor(t) }
            guard case .str(let path) = a["img_or_path"] else {
                throw RuntimeError("imread() argument 'img_or_path' must be a path (str) or a tensor, got \(a["img_or_path"].typeName)", kind: "TypeError")
            }
            return try core {
                .tensor(try ImageFiles.imread(path, flag: try flag(a), channelOrder: try a.string("channel_order"),
                                              backend: try a.optionalString("backend")))
            }
        }
        let imfrombytes = lib.function("imfrombytes(content, flag='color', channel_order='bgr', backend=None)", doc: """
            mmcv.imfrombytes: decodes PNG or JPEG bytes — here a 1-D integer tensor or list of byte values \
            (trick has no bytes type; fileio.get(path) returns one) — as imread does. backend='pillow' with \
            flag='unchanged' gives PIL's np.array(img): palette PNGs as their indices (MMSegmentation's seg maps). \
            \(imageNote)
            """) { a in
            let bytes: [UInt8]
            let content = a["content"]
            let values: [Int64]
            if let t = content.tensorValue, !t.dtype.isFloatingPoint, t.dtype != .bool { values = t.int64s } else {
                guard case .list(let l) = content else {
                    throw RuntimeError("imfrombytes() argument 'content' must be the file's bytes as an integer tensor or a list of ints, got \(content.typeName)", kind: "TypeError")
                }
                values = try l.items.map { guard case .int(let i) = $0 else { throw RuntimeError("imfrombytes() content must hold ints 0…255", kind: "TypeError") }; return Int64(i) }
            }
            guard values.allSatisfy({ $0 >= 0 && $0 <= 255 }) else { throw RuntimeError("imfrombytes() content must hold byte values 0…255", kind: "ValueError") }
            bytes = values.map { UInt8($0) }
            return try core {
                .tensor(try ImageCodecs.decode(bytes, flag: try flag(a), channelOrder: try a.string("channel_order"),
                                               backend: try a.optionalString("backend"), what: "the bytes"))
            }
        }
        let imwrite = lib.function("imwrite(img, file_path, params=None, auto_mkdir=None, file_client_args=None, backend_args=None)", doc: """
            mmcv.imwrite: writes an (H, W) or (H, W, C) BGR(A) image as .png or .jpg (format from the extension; \
            JPEG quality 95, PNG compression 1 as OpenCV; params as cv2's [1, quality] / [16, level]); creates the \
            directory; returns True. A relative path goes where its top folder is found (next to the running \
            notebook, the working directory, trick's folder), else next to the running notebook. Integer values 0…255 are 8-bit; a PNG with values above 255 is 16-bit; float \
            images are rounded and saturated to 0…255 as OpenCV's convertTo.
            """) { a in
            var params: [Int] = []
            if a.has("params") { params = try a.sequence("params").map { guard case .int(let i) = $0 else { throw RuntimeError("imwrite() params must be ints", kind: "TypeError") }; return i } }
            let mkdir = a["auto_mkdir"].isNone ? true : try a.bool("auto_mkdir")
            try core { try ImageFiles.imwrite(try a.tensor("img"), try a.string("file_path"), params: params, autoMkdir: mkdir) }
            return .bool(true)
        }
        let get = BuiltinFunction("get(filepath, backend_args=None)", doc: """
            mmengine.fileio.get: the file's bytes, as a 1-D int64 tensor of byte values (trick has no bytes type); \
            feed it to imfrombytes.
            """) { a in
            try core {
                let b = try ImageFiles.readBytes(ImageFiles.locate(try a.string("filepath")))
                return .tensor(Tensor(shape: [b.count], int64: b.map { Int64($0) }))
            }
        }
        for f in [imread, imfrombytes, imwrite] { mmcv.methods[f.name] = f }
        fileio.methods["get"] = get
    }

    static func flag(_ a: Bound) throws -> ImageCodecs.Flag {
        switch a["flag"] {
        case .int(-1): return .unchanged
        case .int(0): return .grayscale
        case .int(1): return .color
        case .str(let s):
            if let f = ImageCodecs.Flag(rawValue: s) { return f }
            throw RuntimeError("\(a.function)() flag must be one of \(ImageCodecs.Flag.allCases.map { "'\($0.rawValue)'" }.joined(separator: ", ")), got '\(s)'"
                + (closestName(to: s, in: ImageCodecs.Flag.allCases.map(\.rawValue)).map { " (did you mean '\($0)'?)" } ?? ""), kind: "ValueError")
        default:
            throw RuntimeError("\(a.function)() flag must be 'color', 'grayscale', 'unchanged' or a cv2 flag -1/0/1, got \(Printer.repr(a["flag"]))", kind: "ValueError")
        }
    }

    /// Core errors as Python's: file problems are OSError-like, the rest ValueError.
    static func core<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch let e as CoreError {
            let kind = e.message.hasPrefix("cannot open") ? "FileNotFoundError" : "ValueError"
            throw RuntimeError(e.message, kind: kind)
        }
    }
}
