/// An 8-bit RGB raster to draw on, converted from and to trick's image tensors (int64 uint8
/// values, BGR channel order as `imread` gives them). Colours are RGB triples, as the dataset
/// palettes and MMEngine's visualiser give them.
public struct Canvas {
    public let width: Int, height: Int
    /// Row-major R, G, B bytes.
    public var pixels: [UInt8]

    public init(width: Int, height: Int, fill: RGB = RGB(255, 255, 255)) throws {
        guard width > 0, height > 0, width <= 1 << 15, height <= 1 << 15 else {
            throw CoreError("a canvas must be 1…32768 pixels per side, got \(width) x \(height)")
        }
        self.width = width; self.height = height
        pixels = [UInt8](repeating: 0, count: width * height * 3)
        for i in 0..<(width * height) { pixels[3 * i] = fill.r; pixels[3 * i + 1] = fill.g; pixels[3 * i + 2] = fill.b }
    }

    /// From an (H, W) gray or (H, W, C) image, C in 1, 3, 4 (alpha dropped), `bgr` channel order
    /// unless `rgb`. Floats are rounded and saturated to 0…255; integers must lie in 0…255.
    public init(image: Tensor, rgb: Bool = false) throws {
        guard image.rank == 2 || (image.rank == 3 && [1, 3, 4].contains(image.shape[2])) else {
            throw CoreError("an image must be (H, W) or (H, W, C) with C in 1, 3, 4, got shape \(Tensor.formatShape(image.shape))")
        }
        let h = image.shape[0], w = image.shape[1], c = image.rank == 3 ? image.shape[2] : 1
        try self.init(width: w, height: h)
        let v: [Int64]
        switch image.storage {
        case .float32, .float64: v = image.doubles.map { $0.isNaN ? 0 : Int64(Swift.min(Swift.max($0.rounded(.toNearestOrEven), 0), 255)) }
        case .int64(let a):
            if let bad = a.first(where: { $0 < 0 || $0 > 255 }) { throw CoreError("image values must lie in 0…255 to be drawn on, found \(bad)") }
            v = a
        case .bool(let a): v = a.map { $0 ? 255 : 0 }
        }
        for i in 0..<(h * w) {
            if c == 1 {
                let g = UInt8(v[i]); pixels[3 * i] = g; pixels[3 * i + 1] = g; pixels[3 * i + 2] = g
            } else {
                let b0 = UInt8(v[c * i]), g = UInt8(v[c * i + 1]), b2 = UInt8(v[c * i + 2])
                pixels[3 * i] = rgb ? b0 : b2; pixels[3 * i + 1] = g; pixels[3 * i + 2] = rgb ? b2 : b0
            }
        }
    }

    /// The (H, W, 3) int64 image, BGR unless `rgb`.
    public func image(rgb: Bool = false) -> Tensor {
        var v = [Int64](repeating: 0, count: pixels.count)
        for i in 0..<(width * height) {
            v[3 * i] = Int64(pixels[3 * i + (rgb ? 0 : 2)]); v[3 * i + 1] = Int64(pixels[3 * i + 1]); v[3 * i + 2] = Int64(pixels[3 * i + (rgb ? 2 : 0)])
        }
        return Tensor(shape: [height, width, 3], int64: v)
    }

    // MARK: Primitives

    /// Blends `color` over pixel (x, y) with opacity `alpha` (1: replace); outside pixels are ignored.
    @inline(__always) public mutating func blend(_ x: Int, _ y: Int, _ color: RGB, _ alpha: Double = 1) {
        guard x >= 0, y >= 0, x < width, y < height else { return }
        let i = 3 * (y * width + x)
        if alpha >= 1 { pixels[i] = color.r; pixels[i + 1] = color.g; pixels[i + 2] = color.b; return }
        func mix(_ a: UInt8, _ b: UInt8) -> UInt8 { UInt8((Double(a) * (1 - alpha) + Double(b) * alpha).rounded()) }
        pixels[i] = mix(pixels[i], color.r); pixels[i + 1] = mix(pixels[i + 1], color.g); pixels[i + 2] = mix(pixels[i + 2], color.b)
    }

    /// The filled rectangle of pixels x0..<x1, y0..<y1 (clipped).
    public mutating func fill(x0: Int, y0: Int, x1: Int, y1: Int, _ color: RGB, alpha: Double = 1) {
        for y in Swift.max(0, y0)..<Swift.max(Swift.max(0, y0), Swift.min(height, y1)) {
            for x in Swift.max(0, x0)..<Swift.max(Swift.max(0, x0), Swift.min(width, x1)) { blend(x, y, color, alpha) }
        }
    }

    /// A box outline whose outer edge is the pixel rectangle x0..<x1, y0..<y1, `lineWidth` thick.
    public mutating func stroke(x0: Int, y0: Int, x1: Int, y1: Int, _ color: RGB, lineWidth: Int = 2, alpha: Double = 1) {
        let t = Swift.max(1, lineWidth)
        fill(x0: x0, y0: y0, x1: x1, y1: Swift.min(y1, y0 + t), color, alpha: alpha)
        fill(x0: x0, y0: Swift.max(y0 + t, y1 - t), x1: x1, y1: y1, color, alpha: alpha)
        fill(x0: x0, y0: y0 + t, x1: Swift.min(x1, x0 + t), y1: y1 - t, color, alpha: alpha)
        fill(x0: Swift.max(x0 + t, x1 - t), y0: y0 + t, x1: x1, y1: y1 - t, color, alpha: alpha)
    }

    /// A straight line (Bresenham), `lineWidth` pixels thick (a square pen).
    public mutating func line(_ xa: Int, _ ya: Int, _ xb: Int, _ yb: Int, _ color: RGB, lineWidth: Int = 1) {
        var x = xa, y = ya
        let dx = Swift.abs(xb - xa), dy = -Swift.abs(yb - ya), sx = xa < xb ? 1 : -1, sy = ya < yb ? 1 : -1
        var err = dx + dy
        let r0 = (lineWidth - 1) / 2, r1 = lineWidth / 2
        var steps = 0
        while steps <= 1 << 16 {
            fill(x0: x - r0, y0: y - r0, x1: x + r1 + 1, y1: y + r1 + 1, color)
            if x == xb && y == yb { break }
            let e2 = 2 * err
            if e2 >= dy { err += dy; x += sx }
            if e2 <= dx { err += dx; y += sy }
            steps += 1
        }
    }

    /// Text in the embedded 5 × 7 font (9 rows with descenders) with its top-left corner at (x, y); returns its size.
    @discardableResult
    public mutating func text(_ s: String, x: Int, y: Int, _ color: RGB, scale: Int = 2) -> (width: Int, height: Int) {
        var cx = x
        for ch in s.unicodeScalars {
            let (columns, offset) = BitmapFont.glyph(ch)
            for (col, bits) in columns.enumerated() {
                for row in 0..<7 where bits & (1 << row) != 0 {
                    let r = row + offset
                    fill(x0: cx + col * scale, y0: y + r * scale, x1: cx + (col + 1) * scale, y1: y + (r + 1) * scale, color)
                }
            }
            cx += BitmapFont.cellWidth * scale
        }
        return BitmapFont.size(s, scale: scale)
    }

    /// Copies `other` with its top-left corner at (x, y) (clipped).
    public mutating func paste(_ other: Canvas, x: Int, y: Int) {
        for oy in 0..<other.height where y + oy >= 0 && y + oy < height {
            for ox in 0..<other.width where x + ox >= 0 && x + ox < width {
                let s = 3 * (oy * other.width + ox), d = 3 * ((y + oy) * width + x + ox)
                pixels[d] = other.pixels[s]; pixels[d + 1] = other.pixels[s + 1]; pixels[d + 2] = other.pixels[s + 2]
            }
        }
    }
}

/// An RGB colour.
public struct RGB: Equatable, Sendable {
    public var r: UInt8, g: UInt8, b: UInt8
    public init(_ r: UInt8, _ g: UInt8, _ b: UInt8) { self.r = r; self.g = g; self.b = b }

    /// matplotlib's base colour names, as MMEngine's `color_val_matplotlib` accepts them.
    public static let named: [String: RGB] = [
        "red": RGB(255, 0, 0), "green": RGB(0, 128, 0), "blue": RGB(0, 0, 255), "yellow": RGB(255, 255, 0),
        "cyan": RGB(0, 255, 255), "magenta": RGB(255, 0, 255), "white": RGB(255, 255, 255), "black": RGB(0, 0, 0),
        "orange": RGB(255, 165, 0), "purple": RGB(128, 0, 128), "gray": RGB(128, 128, 128), "grey": RGB(128, 128, 128),
        "lime": RGB(0, 255, 0), "pink": RGB(255, 192, 203), "brown": RGB(165, 42, 42), "navy": RGB(0, 0, 128),
    ]

    /// Distinct colours for labels 0, 1, 2, … (matplotlib's tab10), when no palette is given.
    public static let tab10: [RGB] = [
        RGB(31, 119, 180), RGB(255, 127, 14), RGB(44, 160, 44), RGB(214, 39, 40), RGB(148, 103, 189),
        RGB(140, 86, 75), RGB(227, 119, 194), RGB(127, 127, 127), RGB(188, 189, 34), RGB(23, 190, 207),
    ]

    /// A value in [0, 1] on matplotlib's viridis (five stops, linear between them).
    public static func viridis(_ t: Double) -> RGB {
        let stops: [(Double, Double, Double)] = [(68, 1, 84), (59, 82, 139), (33, 145, 140), (94, 201, 98), (253, 231, 37)]
        let u = Swift.min(Swift.max(t.isNaN ? 0 : t, 0), 1) * Double(stops.count - 1)
        let i = Swift.min(Int(u), stops.count - 2), f = u - Double(i)
        func c(_ a: Double, _ b: Double) -> UInt8 { UInt8((a + (b - a) * f).rounded()) }
        return RGB(c(stops[i].0, stops[i + 1].0), c(stops[i].1, stops[i + 1].1), c(stops[i].2, stops[i + 1].2))
    }
}
