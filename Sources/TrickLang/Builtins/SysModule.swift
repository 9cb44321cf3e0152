#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import TrickCore

/// Python's `sys` (CPython 3.11) as scripts and test files use it: `sys.modules` (the loaded
/// modules by dotted name; an entry a script sets or replaces is what a later `import` of that
/// name binds, as in CPython — so `sys.modules['mmcv.ops'] = MagicMock()` works), `version_info`,
/// `version`, `platform`, `argv`, `path`, `maxsize`, `float_info`, `byteorder`, `stdout`/`stderr`
/// (`write`, `flush`), `exit` and `getrecursionlimit`.
/// `sys.path` lists where `include` and configs are looked for; `import` looks for a user's own
/// modules next to the running script, then in each folder on `sys.path` (a script may add one,
/// as `sys.path.insert(0, 'tools')`). Where trick differs: trick's own modules (torch, mmcv, …)
/// are built in and found first; `argv` is the running file alone (`trick run` passes no
/// arguments to scripts).
enum SysModule {
    /// The Python whose behaviour trick's language follows (CPython's hierarchy of exceptions,
    /// its standard library's forms).
    static let pythonVersion = (3, 11, 7)

    static func register(_ lib: Library, _ interp: Interpreter) {
        let m = Modules.std("sys", in: lib)
        let loaded = DictRef()
        m.set("modules", .dict(loaded))
        let (major, minor, micro) = pythonVersion
        let fields = ["major", "minor", "micro", "releaselevel", "serial"]
        let values: [Value] = [.int(major), .int(minor), .int(micro), .str("final"), .int(0)]
        m.set("version_info", Collections.namedTupleInstance("sys.version_info", fields: fields, values: values) { _ in .none })
        m.set("version", .str("\(major).\(minor).\(micro) (trick)"))
        m.set("hexversion", .int(major << 24 | minor << 16 | micro << 8 | 0xf0))
        #if os(macOS)
        m.set("platform", .str("darwin"))
        #else
        m.set("platform", .str("linux"))
        #endif
        m.set("byteorder", .str(1.littleEndian == 1 ? "little" : "big"))
        m.set("maxsize", .int(Int.max))
        let floatFields = ["max", "max_exp", "max_10_exp", "min", "min_exp", "min_10_exp", "dig", "mant_dig", "epsilon", "radix", "rounds"]
        let floatValues: [Value] = [.float(Double.greatestFiniteMagnitude), .int(1024), .int(308), .float(Double.leastNormalMagnitude),
                                    .int(-1021), .int(-307), .int(15), .int(53), .float(Double.ulpOfOne), .int(2), .int(1)]
        m.set("float_info", Collections.namedTupleInstance("sys.float_info", fields: floatFields, values: floatValues) { _ in .none })
        m.set("path", .list(ListRef(lib.searchPrefixes().map { .str($0.isEmpty ? "" : String($0.dropLast())) })))
        m.set("warnoptions", .list(ListRef([])))
        var argv: ListRef?
        m.getter = { [unowned lib] name in
            guard name == "argv" else { return nil }
            if argv == nil { argv = ListRef([.str(lib.currentFile() ?? "")]) }
            return .list(argv!)
        }
        m.getterNames = { ["argv"] }
        m.setter = { name, v in
            if name == "argv", case .list(let l) = v { argv = l; return }
            m.set(name, v)
        }
        loaded[str: "sys"] = .object(m)
        m.set("stdout", .object(stream("stdout") { [unowned interp] s in try interp.emit(s) }))
        m.set("stderr", .object(stream("stderr") { s in fputs(s, stderr) }))
        m.method("exit(status=None)", doc: "sys.exit: raises SystemExit(status); an uncaught one ends the script.") { a in
            let status = a["status"]
            throw RuntimeError(status.isNone ? "" : Printer.str(status), kind: "SystemExit")
        }
        m.method("getrecursionlimit()", doc: "sys.getrecursionlimit: CPython's default limit.") { _ in .int(1000) }
        m.method("intern(string)") { a in .str(try a.string("string")) }
    }

    /// `sys.stdout` / `sys.stderr`: `write(s)` returns the number of characters written, as
    /// a text stream's does.
    static func stream(_ name: String, _ write: @escaping (String) throws -> Void) -> BuiltObject {
        let o = BuiltObject(typeName: "TextIOWrapper")
        o.repr = { "<_io.TextIOWrapper name='<\(name)>' mode='w' encoding='utf-8'>" }
        o.set("name", .str("<\(name)>"))
        o.set("encoding", .str("utf-8"))
        o.method("write(s)") { a in
            guard case .str(let s) = a["s"] else { throw RuntimeError("write() argument must be str, not \(a["s"].typeName)", kind: "TypeError") }
            try write(s)
            return .int(s.count)
        }
        o.method("flush()") { _ in .none }
        o.method("isatty()") { _ in .bool(false) }
        return o
    }

    /// `sys.modules`, once the module is registered.
    static func loadedModules(_ lib: Library) -> DictRef? {
        if case .object(let m)? = lib.modules["sys"], case .dict(let d)? = m.attributes["modules"] { return d }
        return nil
    }
}
