#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// File access without Foundation (start-up time matters for a CLI): whole-file reads, atomic
/// writes (temp file + rename, permissions kept), directory walks.
public enum FileIO {
    public static func read(_ path: String) throws -> String {
        String(decoding: try readBytes(path), as: UTF8.self)
    }

    public static func readBytes(_ path: String) throws -> [UInt8] {
        guard let f = fopen(path, "rb") else {
            throw RuntimeError("cannot open '\(path)': \(String(cString: strerror(errno)))", kind: "FileNotFoundError")
        }
        defer { fclose(f) }
        var bytes: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = fread(&buf, 1, buf.count, f)
            if n > 0 { bytes.append(contentsOf: buf[0..<n]) }
            if n < buf.count { break }
            // An endless device such as /dev/zero must not exhaust memory.
            if bytes.count > maxReadBytes {
                throw RuntimeError("cannot read '\(path)': it is larger than \(maxReadBytes >> 20) MiB", kind: "OSError")
            }
        }
        if ferror(f) != 0 {
            throw RuntimeError("cannot read '\(path)'\(isDirectory(path) ? ": it is a directory" : "")", kind: isDirectory(path) ? "IsADirectoryError" : "OSError")
        }
        return bytes
    }

    /// Largest file `read`/`readBytes` accept.
    nonisolated(unsafe) public static var maxReadBytes = 1 << 30

    public static func readStdin() -> String {
        var bytes: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = fread(&buf, 1, buf.count, stdin)
            if n > 0 { bytes.append(contentsOf: buf[0..<n]) }
            if n < buf.count { break }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Writes via a temporary file in the same directory and `rename`, so readers never see a
    /// half-written file; an existing file's permissions are kept.
    public static func writeAtomically(_ path: String, _ contents: String) throws {
        try writeAtomically(path, bytes: Array(contents.utf8))
    }

    public static func writeAtomically(_ path: String, bytes: [UInt8]) throws {
        var st = stat()
        let existed = stat(path, &st) == 0
        let dir = directoryName(path)
        var template = Array((dir + "/.trick-tmp-XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw RuntimeError("cannot create a temporary file in '\(dir)': \(String(cString: strerror(errno)))", kind: "OSError") }
        let tmp = String(cString: template)
        var off = 0
        while off < bytes.count {
            let n = bytes[off...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if n <= 0 { close(fd); unlink(tmp); throw RuntimeError("cannot write '\(path)'", kind: "OSError") }
            off += n
        }
        fsync(fd)
        fchmod(fd, existed ? st.st_mode & 0o7777 : 0o644)
        close(fd)
        guard rename(tmp, path) == 0 else {
            let msg = String(cString: strerror(errno))
            unlink(tmp)
            throw RuntimeError("cannot replace '\(path)': \(msg)", kind: "OSError")
        }
    }

    public static func directoryName(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        let d = String(path[..<slash])
        return d.isEmpty ? "/" : d
    }

    public static func isDirectory(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
    }

    public static func exists(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0
    }

    /// The running program's file (symbolic links resolved), where the system says.
    public static func executablePath() -> String? {
        var buf = [CChar](repeating: 0, count: 4096)
        let n = readlink("/proc/self/exe", &buf, buf.count - 1)
        return n > 0 ? String(cString: buf) : nil
    }

    /// The names in a directory (not `.` and `..`), unsorted; empty when it cannot be read.
    public static func entries(of path: String) -> [String] {
        guard let d = opendir(path.isEmpty ? "." : path) else { return [] }
        defer { closedir(d) }
        var out: [String] = []
        while let e = readdir(d) {
            let name = withUnsafePointer(to: e.pointee.d_name) { $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) } }
            if name != "." && name != ".." { out.append(name) }
        }
        return out
    }

    /// Files under `path` (recursively) whose names end with `suffix`, sorted.
    public static func files(under path: String, suffix: String) -> [String] {
        guard let d = opendir(path) else { return [] }
        defer { closedir(d) }
        var out: [String] = []
        while let e = readdir(d) {
            let name = withUnsafePointer(to: e.pointee.d_name) { $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) } }
            if name.hasPrefix(".") { continue }
            let full = path.hasSuffix("/") ? path + name : path + "/" + name
            if isDirectory(full) { out += files(under: full, suffix: suffix) } else if name.hasSuffix(suffix) { out.append(full) }
        }
        return out.sorted()
    }

    public static var isStdinTerminal: Bool { isatty(0) != 0 }
    public static var isStdoutTerminal: Bool { isatty(1) != 0 }

    public static func writeStdout(_ s: String) { fputs(s, stdout) }
    public static func writeStderr(_ s: String) { fflush(stdout); fputs(s, stderr) }
    public static func flush() { fflush(stdout) }
}
