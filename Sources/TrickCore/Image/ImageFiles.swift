#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `mmcv.imread` / `mmcv.imwrite` on paths: whole-file reads (bounded), atomic writes
/// (temporary file + rename) with the parent directories created, as mmcv's `auto_mkdir`.
public enum ImageFiles {
    /// Largest image file read (PNG/JPEG bigger than this are not training images).
    nonisolated(unsafe) public static var maxFileBytes = 1 << 30

    public static func readBytes(_ path: String) throws -> [UInt8] {
        guard let f = fopen(path, "rb") else {
            throw CoreError("cannot open '\(path)': \(String(cString: strerror(errno)))")
        }
        defer { fclose(f) }
        var bytes: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = fread(&buf, 1, buf.count, f)
            if n > 0 { bytes.append(contentsOf: buf[0..<n]) }
            if n < buf.count { break }
            if bytes.count > maxFileBytes { throw CoreError("cannot read '\(path)': it is larger than \(maxFileBytes >> 20) MiB") }
        }
        if ferror(f) != 0 { throw CoreError("cannot read '\(path)' (is it a directory?)") }
        return bytes
    }

    /// Prefixes a relative path is looked up under, in order (set by the language: next to the
    /// running notebook, the working directory, trick's folder — as `include`).
    nonisolated(unsafe) public static var searchPrefixes: () -> [String] = { [""] }

    /// A file to read: the first prefix under which `path` exists (else `path` as given).
    public static func locate(_ path: String) -> String {
        if path.hasPrefix("/") { return path }
        for p in searchPrefixes() where exists(p + path) { return p + path }
        return path
    }

    /// A file to write: under the first prefix where its top folder exists (`examples/out/x.png`
    /// goes into the `examples` that is found), else next to the running notebook (the working
    /// directory when none runs).
    public static func destination(_ path: String) -> String {
        if path.hasPrefix("/") { return path }
        let prefixes = searchPrefixes()
        if let slash = path.firstIndex(of: "/") {
            let top = String(path[..<slash])
            if top != "." && top != ".." {
                for p in prefixes where isDirectory(p + top) { return p + path }
            }
        }
        return (prefixes.first ?? "") + path
    }

    static func isDirectory(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
    }

    /// `mmcv.imread(path, flag, channel_order, backend)`; a relative path is found by `locate`.
    public static func imread(_ path: String, flag: ImageCodecs.Flag = .color, channelOrder: String = "bgr",
                              backend: String? = nil) throws -> Tensor {
        let p = locate(path)
        return try ImageCodecs.decode(try readBytes(p), flag: flag, channelOrder: channelOrder, backend: backend, what: "'\(p)'")
    }

    /// Every picture file written in this process, in order (imwrite, save_svg): the notebook
    /// runner links the ones a statement wrote into its Markdown transcript.
    nonisolated(unsafe) public private(set) static var written: [String] = []
    public static func recordWrite(_ path: String) { written.append(path) }

    /// Set by the fuzzer: a mutated path could name any file.
    nonisolated(unsafe) public static var writesDisabled = false

    /// `mmcv.imwrite(img, path, params)`: the format from the extension, parents created; a
    /// relative path is placed by `destination`.
    public static func imwrite(_ image: Tensor, _ given: String, params: [Int] = [], autoMkdir: Bool = true) throws {
        if writesDisabled { throw CoreError("imwrite() is disabled while fuzzing") }
        let path = destination(given)
        let name = path.split(separator: "/").last.map(String.init) ?? path
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else {
            throw CoreError("cannot tell the image format of '\(path)': give it a .png or .jpg extension")
        }
        let bytes = try ImageCodecs.encode(image, ext: String(name[dot...]), params: params)
        if autoMkdir { try makeDirectories(directoryName(path)) }
        try writeAtomically(path, bytes)
        recordWrite(path)
    }

    public static func exists(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && (st.st_mode & S_IFMT) != S_IFDIR
    }

    public static func directoryName(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        let d = String(path[..<slash])
        return d.isEmpty ? "/" : d
    }

    /// `mkdir -p`.
    public static func makeDirectories(_ dir: String) throws {
        if dir == "." || dir == "/" || dir.isEmpty { return }
        var st = stat()
        if stat(dir, &st) == 0 {
            guard (st.st_mode & S_IFMT) == S_IFDIR else { throw CoreError("cannot create directory '\(dir)': a file of that name exists") }
            return
        }
        try makeDirectories(directoryName(dir))
        if mkdir(dir, 0o755) != 0 && errno != EEXIST {
            throw CoreError("cannot create directory '\(dir)': \(String(cString: strerror(errno)))")
        }
    }

    public static func writeAtomically(_ path: String, _ bytes: [UInt8]) throws {
        let dir = directoryName(path)
        var template = Array((dir + "/.trick-tmp-XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw CoreError("cannot create a file in '\(dir)': \(String(cString: strerror(errno)))") }
        let tmp = String(cString: template)
        var off = 0
        while off < bytes.count {
            let n = bytes[off...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if n <= 0 { close(fd); unlink(tmp); throw CoreError("cannot write '\(path)'") }
            off += n
        }
        fchmod(fd, 0o644)
        close(fd)
        guard rename(tmp, path) == 0 else {
            let msg = String(cString: strerror(errno))
            unlink(tmp)
            throw CoreError("cannot write '\(path)': \(msg)")
        }
    }
}
