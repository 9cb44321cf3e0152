import TrickLang
#if canImport(Glibc)
import Glibc
#endif

/// `trick kernel install`: the kernelspec folder Jupyter looks for (`kernels/trick/` with
/// `kernel.json` and logos), as `jupyter kernelspec install` lays it out.
enum Kernelspec {
    static let name = "trick"

    /// The folder the kernelspec goes in: `PREFIX/share/jupyter/kernels/trick` for `--prefix`,
    /// the user's Jupyter data folder for `--user`, else the system-wide one.
    static func directory(user: Bool, prefix: String?) -> String {
        if let p = prefix { return p + "/share/jupyter/kernels/" + name }
        if user {
            if let d = getenv("JUPYTER_DATA_DIR") { return String(cString: d) + "/kernels/" + name }
            let home = getenv("HOME").map { String(cString: $0) } ?? "."
            #if os(macOS)
            return home + "/Library/Jupyter/kernels/" + name
            #else
            let data = getenv("XDG_DATA_HOME").map { String(cString: $0) } ?? home + "/.local/share"
            return data + "/jupyter/kernels/" + name
            #endif
        }
        return "/usr/local/share/jupyter/kernels/" + name
    }

    /// The running executable's absolute path (what `kernel.json` starts).
    static func executablePath() -> String {
        var buf = [CChar](repeating: 0, count: 4096)
        let n = readlink("/proc/self/exe", &buf, buf.count - 1)
        if n > 0 { return String(decoding: buf[..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self) }
        return CommandLine.arguments[0]
    }

    static func kernelJSON(executable: String) -> JSONValue {
        [
            "argv": [.string(executable), "kernel", "-f", "{connection_file}"],
            "display_name": "trick",
            "language": "trick",
            "interrupt_mode": "signal",
            "metadata": [:],
        ]
    }

    /// Writes the kernelspec; returns its folder.
    static func install(user: Bool, prefix: String?) throws -> String {
        let dir = directory(user: user, prefix: prefix)
        try makeDirectories(dir)
        try FileIO.writeAtomically(dir + "/kernel.json", kernelJSON(executable: executablePath()).serialized(indent: 1) + "\n")
        try FileIO.writeAtomically(dir + "/logo-svg.svg", Logo.svg)
        for size in [32, 64] { try writeBytes(dir + "/logo-\(size)x\(size).png", Logo.png(size: size)) }
        return dir
    }

    static func makeDirectories(_ path: String) throws {
        var current = path.hasPrefix("/") ? "" : "."
        for part in path.split(separator: "/") {
            current += "/" + part
            if mkdir(current, 0o755) != 0 && errno != EEXIST {
                throw RuntimeError("cannot create folder '\(current)': \(String(cString: strerror(errno)))")
            }
        }
    }

    static func writeBytes(_ path: String, _ bytes: [UInt8]) throws {
        guard let f = fopen(path, "wb") else { throw RuntimeError("cannot write '\(path)': \(String(cString: strerror(errno)))") }
        defer { fclose(f) }
        guard fwrite(bytes, 1, bytes.count, f) == bytes.count else { throw RuntimeError("cannot write '\(path)'") }
    }
}

/// trick's logo: a "t" with a box around it (detection) on a rounded square, as SVG and PNG.
enum Logo {
    static let svg = """
        <svg xmlns="http://www.w3.org/2000/svg" width="64" height="64" viewBox="0 0 64 64">
        <rect x="2" y="2" width="60" height="60" rx="12" fill="#2f6f9f"/>
        <rect x="13" y="13" width="38" height="38" fill="none" stroke="#ffcc33" stroke-width="4"/>
        <rect x="29" y="19" width="7" height="26" fill="#ffffff"/>
        <rect x="22" y="25" width="20" height="6" fill="#ffffff"/>
        <rect x="29" y="40" width="12" height="5" fill="#ffffff"/>
        </svg>

        """

    /// The same picture rasterized at `size`×`size` (RGBA PNG, stored deflate: no zlib needed).
    static func png(size: Int) -> [UInt8] {
        let s = Double(size) / 64
        func inside(_ x: Double, _ y: Double, _ r: (Double, Double, Double, Double)) -> Bool {
            x >= r.0 * s && x < (r.0 + r.2) * s && y >= r.1 * s && y < (r.1 + r.3) * s
        }
        var raw: [UInt8] = []
        for y in 0..<size {
            raw.append(0)     // filter: none
            for x in 0..<size {
                let px = Double(x) + 0.5, py = Double(y) + 0.5
                var c: (UInt8, UInt8, UInt8, UInt8) = (0, 0, 0, 0)
                // rounded square: inside the rect and within the corner circles
                let lo = 2 * s, hi = 62 * s, r = 12 * s
                let cx = min(max(px, lo + r), hi - r), cy = min(max(py, lo + r), hi - r)
                if px >= lo, px < hi, py >= lo, py < hi, (px - cx) * (px - cx) + (py - cy) * (py - cy) <= r * r {
                    c = (0x2f, 0x6f, 0x9f, 255)
                }
                let outer = inside(px, py, (11, 11, 42, 42)), inner = inside(px, py, (15, 15, 34, 34))
                if outer && !inner { c = (0xff, 0xcc, 0x33, 255) }
                if inside(px, py, (29, 19, 7, 26)) || inside(px, py, (22, 25, 20, 6)) || inside(px, py, (29, 40, 12, 5)) {
                    c = (255, 255, 255, 255)
                }
                raw += [c.0, c.1, c.2, c.3]
            }
        }
        return PNGWriter.encode(width: size, height: size, rgbaRows: raw)
    }
}

/// A minimal PNG encoder (8-bit RGBA, zlib "stored" blocks) for the logo.
enum PNGWriter {
    static func encode(width: Int, height: Int, rgbaRows raw: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        func be32(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8(v >> 16 & 255), UInt8(v >> 8 & 255), UInt8(v & 255)] }
        func chunk(_ type: String, _ data: [UInt8]) {
            let t = Array(type.utf8)
            out += be32(UInt32(data.count)) + t + data + be32(crc32(t + data))
        }
        chunk("IHDR", be32(UInt32(width)) + be32(UInt32(height)) + [8, 6, 0, 0, 0])
        var z: [UInt8] = [0x78, 0x01]
        var i = 0
        repeat {
            let n = min(65535, raw.count - i)
            let final: UInt8 = i + n == raw.count ? 1 : 0
            z += [final, UInt8(n & 255), UInt8(n >> 8), UInt8(~n & 255), UInt8((~n >> 8) & 255)]
            z += raw[i..<(i + n)]
            i += n
        } while i < raw.count
        var a: UInt32 = 1, b: UInt32 = 0
        for byte in raw { a = (a + UInt32(byte)) % 65521; b = (b + a) % 65521 }
        z += be32(b << 16 | a)
        chunk("IDAT", z)
        chunk("IEND", [])
        return out
    }

    static func crc32(_ data: [UInt8]) -> UInt32 {
        var c: UInt32 = 0xFFFF_FFFF
        for byte in data {
            c ^= UInt32(byte)
            for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        }
        return ~c
    }
}
