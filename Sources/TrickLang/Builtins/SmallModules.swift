#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import TrickCore

/// The small standard modules pasted code imports: `typing` (names only), `os`/`os.path`
/// (string functions and read-only checks), `warnings`, `time`, `resource` (`getrusage`) and
/// `pickle` (importable; it says that trick does not serialize objects).
enum SmallModules {
    static func register(_ lib: Library, _ interp: Interpreter) {
        registerTyping(lib)
        registerOSPath(lib)
        registerPickle(lib)
        Warnings.register(lib, interp)
        registerTime(lib)
        registerResource(lib)
    }

    // MARK: typing

    /// `typing`: every common name is importable and subscriptable (`Dict[str, List[int]]`,
    /// `Optional[Tensor]`), so annotations and aliases evaluate; nothing is checked, as in
    /// CPython at run time. `cast` returns its value, `TypeVar`/`NewType` name a type,
    /// `overload`/`no_type_check`/`final`/`runtime_checkable` return their argument.
    static func registerTyping(_ lib: Library) {
        let m = Modules.std("typing", in: lib)
        func special(_ name: String, _ shown: String? = nil) -> Value {
            let o = BuiltObject(typeName: "typing._SpecialForm")
            let text = shown ?? "typing.\(name)"
            o.repr = { text }
            o.set("__name__", .str(name))
            o.method("__getitem__(params)") { a in
                let ps = Collections.tupleItems(a["params"]) ?? [a["params"]]
                return special(name, text + "[" + ps.map(annotationText).joined(separator: ", ") + "]")
            }
            o.method("__or__(other)") { a in special("Union", "\(text) | \(annotationText(a["other"]))") }
            o.method("__ror__(other)") { a in special("Union", "\(annotationText(a["other"])) | \(text)") }
            o.callable = BuiltinFunction("\(name)(*args, **kwargs)") { _ in
                throw RuntimeError("Type \(name) cannot be instantiated", kind: "TypeError")
            }
            return .object(o)
        }
        for name in ["Any", "Union", "Optional", "List", "Dict", "Tuple", "Set", "FrozenSet", "Callable", "Iterable",
                     "Iterator", "Sequence", "MutableSequence", "Mapping", "MutableMapping", "Type", "Generator",
                     "Literal", "ClassVar", "Final", "Hashable", "Sized", "Collection", "Container", "DefaultDict",
                     "OrderedDict", "Counter", "Deque", "NoReturn", "Never", "Protocol", "Generic", "Awaitable",
                     "AnyStr", "SupportsInt", "SupportsFloat", "Annotated", "TypeAlias", "Self", "ChainMap",
                     "AbstractSet", "KeysView", "ValuesView", "ItemsView", "Reversible", "IO", "TextIO", "BinaryIO", "Pattern", "Match"] {
            m.set(name, special(name))
        }
        m.set("Text", lib.globals["str"] ?? .none)
        m.set("TYPE_CHECKING", .bool(false))
        m.method("cast(typ, val)") { a in a["val"] }
        m.method("TypeVar(name, *constraints, bound=None, covariant=False, contravariant=False)") { a in
            special(try a.string("name"), "~" + (try a.string("name")))
        }
        m.method("NewType(name, tp)") { a in
            let name = try a.string("name")
            let o = BuiltObject(typeName: "typing.NewType")
            o.repr = { "__main__.\(name)" }
            o.callable = BuiltinFunction("\(name)(x)") { b in b["x"] }
            return .object(o)
        }
        for name in ["overload", "no_type_check", "final", "runtime_checkable"] { m.method("\(name)(arg)") { a in a["arg"] } }
        m.method("get_type_hints(obj)") { _ in .dict(DictRef()) }
    }

    /// How typing prints a parameter: `int`, `str`, `typing.List[int]`, `None`.
    static func annotationText(_ v: Value) -> String {
        switch v {
        case .builtin(let b): return b.name
        case .none: return "None"
        case .object(let o): return o.repr?() ?? o.typeName
        case .list(let l): return "[" + l.items.map(annotationText).joined(separator: ", ") + "]"
        case .str(let s): return "ForwardRef('\(s)')"
        default: return Printer.repr(v)
        }
    }

    // MARK: pickle

    /// `pickle`: importable, so a file that imports it runs; serializing Python objects is outside
    /// trick's scope (its files are safetensors, .npy and JSON), so each function says so.
    static func registerPickle(_ lib: Library) {
        let m = Modules.std("pickle", in: lib)
        for sig in ["dumps(obj, protocol=None)", "loads(data)", "dump(obj, file, protocol=None)", "load(file)"] {
            m.method(sig, doc: "pickle: not in trick (its files are safetensors, .npy and JSON).") { _ in
                throw RuntimeError("pickle: trick does not serialize Python objects (save tensors with safetensors, numpy's .npy or JSON)", kind: "NotImplementedError")
            }
        }
    }

    // MARK: os, os.path

    static func environment() -> DictRef {
        let d = DictRef()
        #if canImport(Glibc)
        var entry: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = environ
        #else
        var entry: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = _NSGetEnviron()?.pointee
        #endif
        while let e = entry, let c = e.pointee {
            let text = String(cString: c)
            if let eq = text.firstIndex(of: "=") { d[str: String(text[..<eq])] = .str(String(text[text.index(after: eq)...])) }
            entry = e + 1
        }
        return d
    }

    /// `os.path` as CPython's `posixpath` for strings (join, split, splitext, basename, dirname,
    /// normpath, abspath, isabs, relpath-free), and `exists`/`isfile`/`isdir`/`getsize` that only
    /// look. `os` has `sep`, `getcwd()`, `environ` and the `path` module; nothing in it writes or
    /// runs. Where trick differs: `os.environ` is a dict of the environment trick started with;
    /// setting a key changes the dict, not the process environment (trick starts no process that
    /// would read it).
    static func registerOSPath(_ lib: Library) {
        let os = Modules.std("os", in: lib)
        let p = Modules.std("os.path", in: lib)
        os.set("environ", .dict(environment()))
        os.set("sep", .str("/"))
        os.set("linesep", .str("\n"))
        os.set("curdir", .str("."))
        os.set("pardir", .str(".."))
        os.set("extsep", .str("."))
        p.set("sep", .str("/"))
        func cwd() -> String {
            var buf = [CChar](repeating: 0, count: 4096)
            return getcwd(&buf, buf.count) != nil ? String(cString: buf) : "."
        }
        os.method("getcwd()") { _ in .str(cwd()) }
        func str(_ a: Bound, _ name: String) throws -> String {
            if case .str(let s) = a[name] { return s }
            throw RuntimeError("expected str, bytes or os.PathLike object, not \(a[name].typeName)", kind: "TypeError")
        }
        p.method("join(a, *p)") { a in
            var path = try str(a, "a")
            for v in a.varargs {
                guard case .str(let b) = v else { throw RuntimeError("join() argument must be str, bytes, or os.PathLike object, not '\(v.typeName)'", kind: "TypeError") }
                if b.hasPrefix("/") { path = b } else if path.isEmpty || path.hasSuffix("/") { path += b } else { path += "/" + b }
            }
            return .str(path)
        }
        func splitAt(_ s: String) -> (String, String) {
            guard let i = s.lastIndex(of: "/") else { return ("", s) }
            var head = String(s[...i])
            let tail = String(s[s.index(after: i)...])
            if !head.isEmpty && head != String(repeating: "/", count: head.count) { while head.hasSuffix("/") { head.removeLast() } }
            return (head, tail)
        }
        p.method("split(p)") { a in let (h, t) = splitAt(try str(a, "p")); return .tuple([.str(h), .str(t)]) }
        p.method("dirname(p)") { a in .str(splitAt(try str(a, "p")).0) }
        p.method("basename(p)") { a in
            let s = try str(a, "p")
            return .str(s.lastIndex(of: "/").map { String(s[s.index(after: $0)...]) } ?? s)
        }
        p.method("splitext(p)") { a in
            let s = Array(try str(a, "p"))
            let sep = s.lastIndex(of: "/") ?? -1, dot = s.lastIndex(of: ".") ?? -1
            if dot > sep {
                var f = sep + 1
                while f < dot {
                    if s[f] != "." { return .tuple([.str(String(s[..<dot])), .str(String(s[dot...]))]) }
                    f += 1
                }
            }
            return .tuple([.str(String(s)), .str("")])
        }
        func normpath(_ path: String) -> String {
            if path.isEmpty { return "." }
            var initial = path.hasPrefix("/") ? 1 : 0
            if path.hasPrefix("//") && !path.hasPrefix("///") { initial = 2 }
            var comps: [Substring] = []
            for c in path.split(separator: "/", omittingEmptySubsequences: false) {
                if c.isEmpty || c == "." { continue }
                if c != ".." || (initial == 0 && comps.isEmpty) || comps.last == ".." { comps.append(c) } else if !comps.isEmpty { comps.removeLast() }
            }
            let out = String(repeating: "/", count: initial) + comps.joined(separator: "/")
            return out.isEmpty ? "." : out
        }
        p.method("normpath(path)") { a in .str(normpath(try str(a, "path"))) }
        p.method("isabs(s)") { a in .bool(try str(a, "s").hasPrefix("/")) }
        p.method("abspath(path)") { a in
            let s = try str(a, "path")
            return .str(normpath(s.hasPrefix("/") ? s : cwd() + "/" + s))
        }
        p.method("expanduser(path)") { a in
            let s = try str(a, "path")
            guard s == "~" || s.hasPrefix("~/"), let home = getenv("HOME") else { return .str(s) }
            var h = String(cString: home)
            while h.count > 1 && h.hasSuffix("/") { h.removeLast() }
            return .str(h + s.dropFirst())
        }
        func statOf(_ a: Bound) throws -> stat? {
            var st = stat()
            return stat(try str(a, "path"), &st) == 0 ? st : nil
        }
        p.method("exists(path)") { a in .bool(try statOf(a) != nil) }
        p.method("isfile(path)") { a in .bool(try statOf(a).map { ($0.st_mode & S_IFMT) == S_IFREG } ?? false) }
        p.method("isdir(path)") { a in .bool(try statOf(a).map { ($0.st_mode & S_IFMT) == S_IFDIR } ?? false) }
        p.method("getsize(path)") { a in
            guard let st = try statOf(a) else {
                throw RuntimeError("[Errno 2] No such file or directory: \(Printer.repr(a["path"]))", kind: "FileNotFoundError")
            }
            return .int(Int(st.st_size))
        }
    }

    // MARK: time

    static func registerTime(_ lib: Library) {
        let m = Modules.std("time", in: lib)
        func clock(_ id: clockid_t) -> (Int, Int) {
            var ts = timespec()
            clock_gettime(id, &ts)
            return (Int(ts.tv_sec), Int(ts.tv_nsec))
        }
        m.method("time()", doc: "time.time: seconds since the epoch, as a float.") { _ in let (s, n) = clock(CLOCK_REALTIME); return .float(Double(s) + Double(n) * 1e-9) }
        m.method("time_ns()") { _ in let (s, n) = clock(CLOCK_REALTIME); return .int(s * 1_000_000_000 + n) }
        for name in ["perf_counter", "monotonic"] {
            m.method("\(name)()", doc: "time.\(name): seconds from a monotonic clock (differences only mean something).") { _ in
                let (s, n) = clock(CLOCK_MONOTONIC); return .float(Double(s) + Double(n) * 1e-9)
            }
            m.method("\(name)_ns()") { _ in let (s, n) = clock(CLOCK_MONOTONIC); return .int(s * 1_000_000_000 + n) }
        }
        m.method("process_time()") { _ in let (s, n) = clock(CLOCK_PROCESS_CPUTIME_ID); return .float(Double(s) + Double(n) * 1e-9) }
        m.method("sleep(secs)", doc: "time.sleep: waits; Ctrl-C ends the wait.") { a in
            let secs = try a.double("secs")
            guard secs >= 0 else { throw RuntimeError("sleep length must be non-negative", kind: "ValueError") }
            guard secs.isFinite else { throw RuntimeError("sleep length is too large", kind: "OverflowError") }
            var left = secs
            while left > 0 {
                if trickInterruptRequested != 0 { throw Interrupt.Requested() }
                let step = Swift.min(left, 0.05)
                var ts = timespec(tv_sec: Int(step), tv_nsec: Int((step - Double(Int(step))) * 1e9))
                nanosleep(&ts, nil)
                left -= step
            }
            return .none
        }
    }

    // MARK: resource

    /// `resource.getrusage(who)`: the process's (or its waited-for children's, or this thread's)
    /// resource usage as CPython's `resource.struct_rusage` — times in seconds, `ru_maxrss` (the
    /// peak resident memory) in KB as Linux counts it.
    static func registerResource(_ lib: Library) {
        let m = Modules.std("resource", in: lib)
        let whos: [(String, Int32)] = [("RUSAGE_SELF", 0), ("RUSAGE_CHILDREN", -1), ("RUSAGE_THREAD", 1)]
        for (name, v) in whos { m.set(name, .int(Int(v))) }
        let fields = ["ru_utime", "ru_stime", "ru_maxrss", "ru_ixrss", "ru_idrss", "ru_isrss", "ru_minflt", "ru_majflt",
                      "ru_nswap", "ru_inblock", "ru_oublock", "ru_msgsnd", "ru_msgrcv", "ru_nsignals", "ru_nvcsw", "ru_nivcsw"]
        m.method("getrusage(who)", doc: "resource.getrusage: resource usage of RUSAGE_SELF, RUSAGE_CHILDREN or RUSAGE_THREAD.") { a in
            let who = try a.int("who")
            guard let w = whos.first(where: { Int($0.1) == who })?.1 else {
                throw RuntimeError("invalid who parameter", kind: "ValueError")
            }
            var ru = rusage()
            getrusage(__rusage_who_t(w), &ru)
            func seconds(_ t: timeval) -> Value { .float(Double(t.tv_sec) + Double(t.tv_usec) * 1e-6) }
            let counts = [ru.ru_maxrss, ru.ru_ixrss, ru.ru_idrss, ru.ru_isrss, ru.ru_minflt, ru.ru_majflt, ru.ru_nswap,
                          ru.ru_inblock, ru.ru_oublock, ru.ru_msgsnd, ru.ru_msgrcv, ru.ru_nsignals, ru.ru_nvcsw, ru.ru_nivcsw]
            return Collections.namedTupleInstance("resource.struct_rusage", fields: fields,
                                                  values: [seconds(ru.ru_utime), seconds(ru.ru_stime)] + counts.map { .int(Int($0)) }) { _ in .none }
        }
    }
}
