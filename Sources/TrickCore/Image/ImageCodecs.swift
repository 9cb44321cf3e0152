import CImageCodecs

/// Image files as mmcv reads and writes them (`mmcv.imfrombytes` / `imread` / `imwrite` with the
/// default cv2 backend): PNG through libpng and JPEG through libjpeg-turbo, driven as OpenCV's
/// imgcodecs drives them (see CImageCodecs), so pixels equal `cv2.imdecode`'s.
///
/// An image is a **uint8** tensor (for 16-bit PNGs read `'unchanged'`, an int64 one holding the
/// uint16 values: trick has no uint16) — (H, W, C) in BGR(A) order, or (H, W) for one channel,
/// exactly the shapes, dtype and values of mmcv's arrays. The rest of the core (ImResize, Pad,
/// Normalize) treats int64 images as uint8 ones too.
public enum ImageCodecs {
    /// mmcv's `imread_flags` (the cv2 ones): 'color' and 'grayscale' apply the Exif orientation
    /// as cv2 does; 'unchanged' and the `*_ignore_orientation` flags do not.
    public enum Flag: String, CaseIterable, Sendable {
        case color, grayscale, unchanged
        case colorIgnoreOrientation = "color_ignore_orientation"
        case grayscaleIgnoreOrientation = "grayscale_ignore_orientation"

        var cv2: Int32 {
            switch self {
            case .color, .colorIgnoreOrientation: return Int32(TRICK_IMREAD_COLOR)
            case .grayscale, .grayscaleIgnoreOrientation: return Int32(TRICK_IMREAD_GRAYSCALE)
            case .unchanged: return Int32(TRICK_IMREAD_UNCHANGED)
            }
        }
    }

    /// `'png'`, `'jpeg'` or nil, from the file's first bytes.
    public static func kind(of bytes: [UInt8]) -> String? {
        bytes.withUnsafeBufferPointer { b in trick_image_kind(b.baseAddress, b.count).map { String(cString: $0) } }
    }

    /// `mmcv.imfrombytes(content, flag, channel_order, backend)`. `backend` nil/'cv2' is OpenCV's
    /// decoder; 'pillow' is supported for `flag='unchanged'` only — the way MMSegmentation's
    /// `LoadAnnotations` reads seg maps (palette PNGs give their indices, RGB stays RGB).
    /// `channel_order='rgb'` swaps B and R only for `flag='color'`, as mmcv's cv2 path does (not even
    /// for 'color_ignore_orientation', whose cv2 flag is not IMREAD_COLOR).
    public static func decode(_ bytes: [UInt8], flag: Flag = .color, channelOrder: String = "bgr",
                              backend: String? = nil, what: String = "image") throws -> Tensor {
        guard channelOrder == "bgr" || channelOrder == "rgb" else {
            throw CoreError("channel_order must be 'bgr' or 'rgb', got '\(channelOrder)'")
        }
        let pillow = backend == "pillow"
        guard backend == nil || backend == "cv2" || pillow else {
            throw CoreError("backend must be 'cv2' or 'pillow' (trick decodes PNG and JPEG itself), got '\(backend!)'")
        }
        if pillow && flag != .unchanged {
            throw CoreError("backend='pillow' is supported with flag='unchanged' only (how seg maps are read); use the cv2 backend for '\(flag.rawValue)'")
        }
        guard let k = kind(of: bytes) else {
            if bytes.isEmpty { throw CoreError("cannot decode \(what): it is empty") }
            throw CoreError("cannot decode \(what): not a PNG or JPEG file (its first bytes are \(bytes.prefix(8).map { String($0, radix: 16) }.joined(separator: " ")))")
        }
        let cflag = pillow ? Int32(TRICK_IMREAD_PILLOW_UNCHANGED) : flag.cv2
        var img = trick_image()
        // int64 storage: the decoded bytes must fit eight times over in the tensor limit.
        let maxBytes = Swift.max(0, Tensor.maxAllocationBytes / 8)
        let status = bytes.withUnsafeBufferPointer { b in
            k == "png" ? trick_png_decode(b.baseAddress, b.count, cflag, maxBytes, &img)
                       : trick_jpeg_decode(b.baseAddress, b.count, cflag, maxBytes, &img)
        }
        guard status == 0, let data = img.data else {
            let message = withUnsafeBytes(of: img.message) { String(decoding: $0.prefix(while: { $0 != 0 }), as: UTF8.self) }
            throw CoreError("cannot decode \(what) as \(k.uppercased()): \(message)")
        }
        defer { trick_free(data); trick_free(img.exif) }
        let h = Int(img.height), w = Int(img.width), c = Int(img.channels)
        let n = h * w * c
        var values = [Int64](repeating: 0, count: n)
        values.withUnsafeMutableBufferPointer { out in
            if img.depth == 16 {
                let p = data.assumingMemoryBound(to: UInt16.self)
                for i in 0..<n { out[i] = Int64(p[i]) }
            } else {
                let p = data.assumingMemoryBound(to: UInt8.self)
                for i in 0..<n { out[i] = Int64(p[i]) }
            }
        }
        // mmcv: `if flag == IMREAD_COLOR and channel_order == 'rgb'` — not for color_ignore_orientation.
        if !pillow && c == 3 && channelOrder == "rgb" && flag == .color {
            for i in stride(from: 0, to: n, by: 3) { values.swapAt(i, i + 2) }
        }
        // cv2.imread / imdecode turn the image upright by its Exif orientation unless the flag is
        // IMREAD_UNCHANGED or has IMREAD_IGNORE_ORIENTATION (loadsave.cpp ApplyExifOrientation).
        var image = Tensor(shape: c == 1 ? [h, w] : [h, w, c], int64: values)
        if !pillow, flag == .color || flag == .grayscale, let exif = img.exif {
            let o = exifOrientation(Array(UnsafeBufferPointer(start: exif, count: img.exif_length)))
            if o != 1 { image = orient(values, h: h, w: w, c: c, orientation: o) }
        }
        // 8-bit images are uint8 arrays as mmcv's; 16-bit ones stay int64 (trick has no uint16)
        return img.depth == 16 ? image : image.fitted(to: .uint8)
    }

    /// The Orientation tag (0x0112) of IFD0 of an Exif (TIFF) block; 1 (upright) when absent or invalid.
    public static func exifOrientation(_ b: [UInt8]) -> Int {
        guard b.count >= 8 else { return 1 }
        let little: Bool
        if b[0] == 0x49 && b[1] == 0x49 { little = true } else if b[0] == 0x4D && b[1] == 0x4D { little = false } else { return 1 }
        func u16(_ i: Int) -> Int? { i + 2 <= b.count ? (little ? Int(b[i]) | Int(b[i + 1]) << 8 : Int(b[i]) << 8 | Int(b[i + 1])) : nil }
        func u32(_ i: Int) -> Int? { guard let lo = u16(little ? i : i + 2), let hi = u16(little ? i + 2 : i) else { return nil }; return hi << 16 | lo }
        guard u16(2) == 42, let ifd = u32(4), let n = u16(ifd) else { return 1 }
        for k in 0..<n {
            let e = ifd + 2 + 12 * k
            guard let tag = u16(e) else { return 1 }
            if tag == 0x0112, u16(e + 2) == 3, let v = u16(e + 8) { return (1...8).contains(v) ? v : 1 }
        }
        return 1
    }

    /// OpenCV's ExifTransform: flips for 2–4, a transpose followed by a flip for 5–8.
    static func orient(_ v: [Int64], h: Int, w: Int, c: Int, orientation o: Int) -> Tensor {
        let transposed = o >= 5
        let oh = transposed ? w : h, ow = transposed ? h : w
        var out = [Int64](repeating: 0, count: v.count)
        for y in 0..<oh {
            for x in 0..<ow {
                let (sy, sx): (Int, Int)
                switch o {
                case 2: (sy, sx) = (y, w - 1 - x)
                case 3: (sy, sx) = (h - 1 - y, w - 1 - x)
                case 4: (sy, sx) = (h - 1 - y, x)
                case 5: (sy, sx) = (x, y)
                case 6: (sy, sx) = (h - 1 - x, y)
                case 7: (sy, sx) = (h - 1 - x, w - 1 - y)
                default: (sy, sx) = (x, w - 1 - y)   // 8
                }
                let d = (y * ow + x) * c, s = (sy * w + sx) * c
                for k in 0..<c { out[d + k] = v[s + k] }
            }
        }
        return Tensor(shape: c == 1 ? [oh, ow] : [oh, ow, c], int64: out)
    }

    /// `cv2.imencode(ext, img, params)`: `.png` (8- or 16-bit, 1/3/4 channels) or `.jpg`/`.jpeg`
    /// (8-bit, 1/3 channels; a 4th channel is dropped). The image is HW or HWC in BGR(A) order.
    /// Float images are converted as OpenCV's `convertTo(CV_8U)`: rounded half to even and
    /// saturated to 0…255. Integer images are 8-bit when every value is in 0…255, 16-bit PNG when
    /// some value is above 255 (an int64 image may hold uint16 values: trick has no uint16 dtype).
    /// `params` are cv2's (IMWRITE_JPEG_QUALITY = 1, default 95; IMWRITE_PNG_COMPRESSION = 16, default 1).
    public static func encode(_ image: Tensor, ext: String, params: [Int] = []) throws -> [UInt8] {
        let e = ext.lowercased()
        let png = e == ".png"
        guard png || e == ".jpg" || e == ".jpeg" || e == ".jpe" else {
            throw CoreError("cannot write '\(ext)' images: trick writes .png and .jpg/.jpeg")
        }
        guard image.rank == 2 || (image.rank == 3 && [1, 3, 4].contains(image.shape[2])) else {
            throw CoreError("an image must be (H, W) or (H, W, C) with C in 1, 3, 4, got shape \(Tensor.formatShape(image.shape))")
        }
        let h = image.shape[0], w = image.shape[1], c = image.rank == 3 ? image.shape[2] : 1
        guard h > 0, w > 0 else { throw CoreError("cannot write an empty image of shape \(Tensor.formatShape(image.shape))") }
        guard h <= 1 << 20, w <= 1 << 20 else { throw CoreError("cannot write a \(h) x \(w) image: more than 2**20 pixels per side") }
        var quality = 95, level = 1
        guard params.count % 2 == 0 else { throw CoreError("params must be pairs (flag, value), e.g. [1, 90] for JPEG quality 90") }
        for i in stride(from: 0, to: params.count, by: 2) {
            switch params[i] {
            case 1: quality = Swift.min(Swift.max(params[i + 1], 0), 100)
            case 16: level = Swift.min(Swift.max(params[i + 1], 0), 9)
            default: throw CoreError("unsupported imwrite param \(params[i]) (trick knows IMWRITE_JPEG_QUALITY = 1 and IMWRITE_PNG_COMPRESSION = 16)")
            }
        }
        var samples: [Int64]
        switch image.storage {
        case .float32, .float64:
            samples = image.doubles.map { v in v.isNaN ? 0 : Int64(Swift.min(Swift.max(v.rounded(.toNearestOrEven), 0), 255)) }
        case .int64(let a): samples = a
        case .bool: throw CoreError("cannot write a bool mask as an image: convert it first, e.g. mask.long() * 255")
        }
        var lo: Int64 = 0, hi: Int64 = 0
        for v in samples { lo = Swift.min(lo, v); hi = Swift.max(hi, v) }
        guard lo >= 0, hi <= 65535 else {
            throw CoreError("image values must lie in 0…255 (uint8) or 0…65535 (uint16 PNG), found \(lo < 0 ? lo : hi)")
        }
        let sixteen = hi > 255
        if sixteen && !png { throw CoreError("JPEG images are 8-bit: values above 255 (found \(hi)) need .png") }
        var outChannels = c
        if !png && c == 4 {   // OpenCV's JPEG encoder writes BGR: drop alpha
            samples = (0..<(h * w * 3)).map { samples[($0 / 3) * 4 + $0 % 3] }
            outChannels = 3
        }
        var out: UnsafeMutablePointer<UInt8>? = nil
        var length = 0
        var message = [CChar](repeating: 0, count: 256)
        let status: Int32
        if sixteen {
            let words = samples.map { UInt16($0) }
            status = words.withUnsafeBytes { trick_png_encode($0.baseAddress, Int32(w), Int32(h), Int32(outChannels), 16, Int32(level), &out, &length, &message) }
        } else {
            let bytes = samples.map { UInt8($0) }
            status = bytes.withUnsafeBufferPointer { b in
                png ? trick_png_encode(b.baseAddress, Int32(w), Int32(h), Int32(outChannels), 8, Int32(level), &out, &length, &message)
                    : trick_jpeg_encode(b.baseAddress, Int32(w), Int32(h), Int32(outChannels), Int32(quality), &out, &length, &message)
            }
        }
        guard status == 0, let buffer = out else {
            throw CoreError("cannot encode the image: \(String(cString: message))")
        }
        defer { trick_free(buffer) }
        return Array(UnsafeBufferPointer(start: buffer, count: length))
    }
}
