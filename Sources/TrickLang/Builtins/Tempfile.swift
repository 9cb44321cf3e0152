#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Python's `tempfile` for tests that save and load within a private directory:
/// `TemporaryDirectory(suffix=None, prefix=None, dir=None)` makes one (`mkdtemp`, mode 0700) whose
/// path is `.name`; `cleanup()` (or leaving its `with` block) removes it and everything in it.
/// `gettempdir()` is `$TMPDIR` or `/tmp`. Where trick differs: no `NamedTemporaryFile`/`mkstemp`
/// (trick writes files only through its own savers), and a directory not cleaned up stays.
enum Tempfile {
    static func register(_ lib: Library) {
        let m = Modules.std("tempfile", in: lib)
        func tempdir() -> String {
            if let t = getenv("TMPDIR"), !String(cString: t).isEmpty { return String(cString: t) }
            return "/tmp"
        }
        m.method("gettempdir()") { _ in .str(tempdir()) }
        m.method("TemporaryDirectory(suffix=None, prefix=None, dir=None, ignore_cleanup_errors=False)",
                 doc: "A new private directory; .name is its path, cleanup() (or the end of a with block) removes it.") { a in
            let base = a["dir"].isNone ? tempdir() : try a.string("dir")
            let prefix = a["prefix"].isNone ? "tmp" : try a.string("prefix")
            let suffix = a["suffix"].isNone ? "" : try a.string("suffix")
            var template = Array("\(base)/\(prefix)XXXXXX".utf8CString)
            guard mkdtemp(&template) != nil else {
                throw RuntimeError("[Errno \(errno)] \(String(cString: strerror(errno))): '\(base)'", kind: "FileNotFoundError")
            }
            var name = String(cString: template)
            if !suffix.isEmpty, rename(name, name + suffix) == 0 { name += suffix }
            let o = BuiltObject(typeName: "TemporaryDirectory", attributes: [("name", .str(name))])
            o.repr = { "<TemporaryDirectory \(Printer.repr(.str(name)))>" }
            o.method("cleanup()") { _ in remove(tree: name); return .none }
            o.method("__enter__()") { _ in .str(name) }
            o.method("__exit__(exc_type, exc_value, traceback)") { _ in remove(tree: name); return .bool(false) }
            return .object(o)
        }
    }

    /// Removes a directory and what is in it (symbolic links are removed, not followed).
    static func remove(tree path: String) {
        var st = stat()
        guard lstat(path, &st) == 0 else { return }
        if (st.st_mode & S_IFMT) == S_IFDIR {
            for e in FileIO.entries(of: path) { remove(tree: path + "/" + e) }
            rmdir(path)
        } else {
            unlink(path)
        }
    }
}
