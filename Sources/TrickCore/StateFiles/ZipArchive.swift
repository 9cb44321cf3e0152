import CZlib

/// The zip container of `.npz` files (numpy's `np.savez` writes stored entries through Python's
/// zipfile with zip64 extra fields, `np.savez_compressed` deflated ones). Read: through the central
/// directory, stored and deflated entries, zip64 sizes and offsets; written: one stored or
/// deflated entry per file, with CRC-32 (zlib), no zip64 (entries and archive under 4 GiB).
public enum ZipArchive {
    public struct Entry {
        public let name: String
        public let bytes: [UInt8]
        public init(name: String, bytes: [UInt8]) { self.name = name; self.bytes = bytes }
    }

    static func u16(_ b: [UInt8], _ o: Int) -> Int { Int(b[o]) | Int(b[o + 1]) << 8 }
    static func u32(_ b: [UInt8], _ o: Int) -> Int { (0..<4).reduce(0) { $0 | Int(b[o + $1]) << (8 * $1) } }
    static func u64(_ b: [UInt8], _ o: Int) -> Int { (0..<8).reduce(0) { $0 | Int(b[o + $1]) << (8 * $1) } }

    public static func read(_ b: [UInt8]) throws -> [Entry] {
        // the end-of-central-directory record: the last PK\5\6 (a comment may follow it)
        guard b.count >= 22, let eocd = stride(from: b.count - 22, through: Swift.max(0, b.count - 22 - 65535), by: -1).first(where: {
            b[$0] == 0x50 && b[$0 + 1] == 0x4B && b[$0 + 2] == 5 && b[$0 + 3] == 6
        }) else { throw CoreError("not a zip file (no end of central directory): an .npz is a zip of .npy files") }
        var count = u16(b, eocd + 10), offset = u32(b, eocd + 16)
        if count == 0xFFFF || offset == 0xFFFF_FFFF, eocd >= 20, u32(b, eocd - 20) == 0x0706_4B50 {
            let z = u64(b, eocd - 12)   // the zip64 end of central directory record
            guard z + 56 <= b.count, u32(b, z) == 0x0606_4B50 else { throw CoreError("a malformed zip64 archive") }
            count = u64(b, z + 32)
            offset = u64(b, z + 48)
        }
        var entries: [Entry] = []
        var p = offset
        for _ in 0..<count {
            guard p + 46 <= b.count, u32(b, p) == 0x0201_4B50 else { throw CoreError("a malformed zip central directory") }
            let method = u16(b, p + 10)
            var compressed = u32(b, p + 20), size = u32(b, p + 24)
            let nameLength = u16(b, p + 28), extraLength = u16(b, p + 30), commentLength = u16(b, p + 32)
            var local = u32(b, p + 42)
            guard p + 46 + nameLength + extraLength <= b.count else { throw CoreError("a malformed zip central directory") }
            let name = String(decoding: b[(p + 46)..<(p + 46 + nameLength)], as: UTF8.self)
            // zip64: the extra field 0x0001 holds, in order, the fields set to 0xFFFFFFFF
            var e = p + 46 + nameLength
            while e + 4 <= p + 46 + nameLength + extraLength {
                let id = u16(b, e), len = u16(b, e + 2)
                if id == 1 {
                    var q = e + 4
                    if size == 0xFFFF_FFFF { size = u64(b, q); q += 8 }
                    if compressed == 0xFFFF_FFFF { compressed = u64(b, q); q += 8 }
                    if local == 0xFFFF_FFFF { local = u64(b, q) }
                }
                e += 4 + len
            }
            guard local + 30 <= b.count, u32(b, local) == 0x0403_4B50 else { throw CoreError("a malformed zip entry '\(name)'") }
            let data = local + 30 + u16(b, local + 26) + u16(b, local + 28)
            guard data + compressed <= b.count else { throw CoreError("the zip entry '\(name)' is truncated") }
            let raw = Array(b[data..<(data + compressed)])
            switch method {
            case 0: entries.append(Entry(name: name, bytes: raw))
            case 8: entries.append(Entry(name: name, bytes: try inflate(raw, size: size, name: name)))
            default: throw CoreError("the zip entry '\(name)' uses compression method \(method) (trick reads stored and deflated entries)")
            }
            p += 46 + nameLength + extraLength + commentLength
        }
        return entries
    }

    static func inflate(_ input: [UInt8], size: Int, name: String) throws -> [UInt8] {
        var s = z_stream()
        guard inflateInit2_(&s, -15, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else { throw CoreError("zlib: inflateInit failed") }
        defer { inflateEnd(&s) }
        var out = [UInt8](repeating: 0, count: size)
        let status = run(&s, input, &out) { CZlib.inflate(&$0, Z_FINISH) }
        guard status == Z_STREAM_END, Int(s.total_out) == size else { throw CoreError("the deflated zip entry '\(name)' is corrupt (zlib status \(status))") }
        return out
    }

    static func deflate(_ input: [UInt8]) throws -> [UInt8] {
        var s = z_stream()
        guard deflateInit2_(&s, Z_DEFAULT_COMPRESSION, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw CoreError("zlib: deflateInit failed")
        }
        defer { deflateEnd(&s) }
        var out = [UInt8](repeating: 0, count: Int(deflateBound(&s, uLong(input.count))))
        let status = run(&s, input, &out) { CZlib.deflate(&$0, Z_FINISH) }
        guard status == Z_STREAM_END else { throw CoreError("zlib: deflate failed (status \(status))") }
        return Array(out[0..<Int(s.total_out)])
    }

    /// One zlib call over the whole input into `out` (raw deflate streams, no zlib header).
    static func run(_ s: inout z_stream, _ input: [UInt8], _ out: inout [UInt8], _ step: (inout z_stream) -> Int32) -> Int32 {
        var input = input
        return input.withUnsafeMutableBufferPointer { ip in
            out.withUnsafeMutableBufferPointer { op -> Int32 in
                s.next_in = ip.baseAddress
                s.avail_in = uInt(ip.count)
                s.next_out = op.baseAddress
                s.avail_out = uInt(op.count)
                return step(&s)
            }
        }
    }

    static func crc(_ b: [UInt8]) -> UInt32 {
        b.withUnsafeBufferPointer { UInt32(crc32(0, $0.baseAddress, uInt($0.count))) }
    }

    public static func write(_ entries: [Entry], compressed: Bool) throws -> [UInt8] {
        var out: [UInt8] = [], directory: [UInt8] = []
        func le(_ v: Int, _ n: Int, into a: inout [UInt8]) { for i in 0..<n { a.append(UInt8((v >> (8 * i)) & 0xFF)) } }
        for e in entries {
            let data = compressed ? try deflate(e.bytes) : e.bytes
            guard data.count < 0xFFFF_FFFF, e.bytes.count < 0xFFFF_FFFF, out.count < 0xFFFF_FFFF else {
                throw CoreError("savez: an archive over 4 GiB is not supported")
            }
            let name = Array(e.name.utf8), crc = Int(crc(e.bytes)), method = compressed ? 8 : 0
            // fields shared by the local header and the central directory: version, flags, method,
            // time/date (1980-01-01 00:00, as zipfile's default), crc, sizes, name length
            var common: [UInt8] = []
            le(20, 2, into: &common); le(0, 2, into: &common); le(method, 2, into: &common)
            le(0, 2, into: &common); le(0x21, 2, into: &common)
            le(crc, 4, into: &common); le(data.count, 4, into: &common); le(e.bytes.count, 4, into: &common)
            le(name.count, 2, into: &common)
            let offset = out.count
            le(0x0403_4B50, 4, into: &out); out += common; le(0, 2, into: &out); out += name; out += data
            le(0x0201_4B50, 4, into: &directory); le(20, 2, into: &directory); directory += common
            le(0, 2, into: &directory); le(0, 2, into: &directory); le(0, 2, into: &directory); le(0, 2, into: &directory)
            le(0o600 << 16, 4, into: &directory); le(offset, 4, into: &directory); directory += name
        }
        let start = out.count
        out += directory
        le(0x0605_4B50, 4, into: &out); le(0, 2, into: &out); le(0, 2, into: &out)
        le(entries.count, 2, into: &out); le(entries.count, 2, into: &out)
        le(directory.count, 4, into: &out); le(start, 4, into: &out); le(0, 2, into: &out)
        return out
    }
}
