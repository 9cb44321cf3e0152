import TrickCore

/// MMEngine-style config files and the explicit file built-ins (`load`, `save`, JSON, `.npy`).
/// Scripts touch files only through these.
enum ConfigFiles {
    static func register(into lib: Library, interpreter interp: Interpreter) {
        let config = lib.namespace("Config")
        config.repr = { "<class 'Config'>" }
        config.method("fromfile(filename)", doc: """
            Loads an MMEngine-style config file (Python syntax) as a dict. `_base_` (a path or a list of
            paths, relative to the file) is loaded first and the file's keys are merged into it recursively;
            a dict with `_delete_=True` replaces the base's value instead of merging (MMEngine `Config.fromfile`).
            """) { [unowned interp] a in
            configDict(try load(path: try a.string("filename"), interp: interp, chain: []), path: a["filename"])
        }
        config.callable = BuiltinFunction("Config(cfg_dict=None, cfg_text=None, filename=None)",
                                          doc: "MMEngine Config(cfg_dict): a config over a dict (prints as `Config (path: None): {...}`)") { a in
            configDict(a.has("cfg_dict") ? try a.dict("cfg_dict").copy() : DictRef(), path: a["filename"])
        }
        lib.function("load(path)", doc: "Loads a `.npy` tensor, a `.json` value, or a config file (`.py`/`.trick`).") { [unowned interp] a in
            let path = resolve(try a.string("path"), interp)
            if path.hasSuffix(".npy") { return .tensor(try Npy.read(path)) }
            if path.hasSuffix(".json") { return try JSON.parse(try FileIO.read(path)) }
            return .dict(try load(path: path, interp: interp, chain: []))
        }
        lib.function("save(obj, path)", doc: "Saves a tensor as `.npy` or a value as `.json` (atomically).") { [unowned interp] a in
            let path = resolve(try a.string("path"), interp)
            if path.hasSuffix(".npy") {
                try Npy.write(try a.tensor("obj"), path)
            } else if path.hasSuffix(".json") {
                try FileIO.writeAtomically(path, try JSON.serialize(a["obj"]) + "\n")
            } else {
                throw RuntimeError("save() writes .npy (tensors) or .json files, not '\(path)'", kind: "ValueError")
            }
            return .none
        }
        lib.function("include(path)", doc: """
            Runs a .trick file in the current namespace, as if its statements were written here: the way to use
            the prelude and model skeletons in stdlib/ (`include('stdlib/models/pspnet_r50_d8.trick')`).
            A relative path is looked up, in order, next to the including file (as C's #include "…"), in the
            working directory, then in trick's own folder (so `stdlib/…` works from anywhere).
            """) { [unowned interp] a in
            let path = includePath(try a.string("path"), interp)
            guard interp.includeDepth < 16 else { throw RuntimeError("include() nested too deeply (an include cycle?)", kind: "RecursionError") }
            interp.includeDepth += 1
            interp.includingFiles.append(path)
            defer { interp.includeDepth -= 1; interp.includingFiles.removeLast() }
            try interp.run(source: try FileIO.read(path), name: path)
            return .none
        }
        lib.function("load_json(path)") { [unowned interp] a in try JSON.parse(try FileIO.read(resolve(try a.string("path"), interp))) }
        lib.function("save_json(obj, path)") { [unowned interp] a in
            try FileIO.writeAtomically(resolve(try a.string("path"), interp), try JSON.serialize(a["obj"]) + "\n")
            return .none
        }
        lib.function("json_dumps(obj)") { a in .str(try JSON.serialize(a["obj"])) }
        lib.function("json_loads(s)") { a in try JSON.parse(try a.string("s")) }
    }

    /// A loaded config: a dict (keys as attributes, as MMEngine's ConfigDict) that prints as
    /// MMEngine's `Config`: `Config (path: x.py): {...}`.
    static func configDict(_ d: DictRef, path: Value) -> Value {
        let flavored = DictFlavor.make(.config, d)
        flavored.flavor?.path = path
        return .dict(flavored)
    }

    /// MMEngine `Config.merge_from_dict(options, allow_list_keys=True)`: dotted keys
    /// (`'model.backbone.depth'`) become nested dicts merged into the config in place; with
    /// `allow_list_keys` a digit key indexes a list (`pipeline={'0': dict(type=...)}`).
    static func mergeFromDict(_ options: DictRef, into cfg: DictRef, allowListKeys: Bool) throws {
        let nested = DictRef()
        for (k, v) in options.pairs {
            guard case .str(let full) = k else { throw RuntimeError("merge_from_dict(): keys must be strings", kind: "TypeError") }
            let parts = full.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
            var d = nested
            for p in parts.dropLast() {
                if case .dict(let sub)? = d[str: p] { d = sub } else { let sub = DictRef(); d[str: p] = .dict(sub); d = sub }
            }
            d[str: parts.last!] = v
        }
        let merged = try mergeAllowingListKeys(nested, into: .dict(cfg), allowListKeys: allowListKeys)
        guard case .dict(let m) = merged else { return }
        let pairs = m.pairs
        cfg.removeAll()
        for (k, v) in pairs { try cfg.set(k, v) }
    }

    /// `Config._merge_a_into_b` with list keys: a dict merged into a list replaces items by index.
    static func mergeAllowingListKeys(_ a: DictRef, into b: Value, allowListKeys: Bool) throws -> Value {
        if allowListKeys, case .list(let l) = b {
            let items = ListRef(l.items)
            for (k, v) in a.pairs {
                guard case .str(let s) = k, let i = Int(s) else { throw RuntimeError("merge_from_dict(): list keys must be digits, got \(Printer.repr(k))", kind: "TypeError") }
                guard i >= 0, i < items.items.count else { throw RuntimeError("Index \(i) exceeds the length of list \(Printer.repr(b))", kind: "IndexError") }
                if case .dict(let vd) = v { items.items[i] = try mergeAllowingListKeys(vd, into: items.items[i], allowListKeys: allowListKeys) } else { items.items[i] = v }
            }
            return .list(items)
        }
        guard case .dict(let bd) = b else { return .dict(try stripDelete(a)) }
        let out = bd.copy()
        for (k, v) in a.pairs {
            if case .dict(let vd) = v, let existing = try out.get(k), !((try vd.get(.str("_delete_"))).map { (try? $0.truthy()) ?? false } ?? false) {
                try out.set(k, try mergeAllowingListKeys(vd, into: existing, allowListKeys: allowListKeys))
            } else {
                try out.set(k, v)
            }
        }
        return .dict(out)
    }

    nonisolated(unsafe) static var loadDepth = 0

    /// `a/./b/../c` → `a/c`, so that a cycle through differently spelled paths is recognised.
    static func normalized(_ path: String) -> String {
        var parts: [Substring] = []
        for p in path.split(separator: "/", omittingEmptySubsequences: true) {
            if p == "." { continue }
            if p == "..", let last = parts.last, last != ".." { parts.removeLast(); continue }
            parts.append(p)
        }
        let joined = parts.joined(separator: "/")
        return path.hasPrefix("/") ? "/" + joined : (joined.isEmpty ? "." : joined)
    }

    /// See `include`'s doc: next to the including file, the working directory, trick's folder.
    static func includePath(_ path: String, _ interp: Interpreter) -> String {
        let plain = resolve(path, interp)
        if path.hasPrefix("/") { return plain }
        var candidates: [String] = []
        if let including = interp.includingFiles.last { candidates.append(normalize(FileIO.directoryName(including) + "/" + path)) }
        candidates.append(plain)
        candidates += trickFolders.map { normalize($0 + "/" + path) }
        return candidates.first(where: FileIO.exists) ?? candidates[0]
    }

    /// Where trick's own files are: `PREFIX/share/trick` for an installed binary, and the
    /// checkout a build came from (the folder above `.build` that holds `stdlib/`).
    static let trickFolders: [String] = {
        guard let exe = FileIO.executablePath() else { return [] }
        var dir = FileIO.directoryName(exe)
        var out = [normalize(dir + "/../share/trick")]
        for _ in 0..<4 {
            dir = FileIO.directoryName(dir)
            if FileIO.isDirectory(dir + "/stdlib") { out.append(dir); break }
        }
        return out
    }()

    static func resolve(_ path: String, _ interp: Interpreter) -> String {
        normalize(path.hasPrefix("/") || interp.baseDirectory == "." ? path : interp.baseDirectory + "/" + path)
    }

    /// `a/./b/../c` → `a/c`, so one file has one name (inheritance cycles are then detected).
    static func normalize(_ path: String) -> String {
        let absolute = path.hasPrefix("/")
        var parts: [Substring] = []
        for p in path.split(separator: "/", omittingEmptySubsequences: true) {
            if p == "." { continue }
            if p == "..", let last = parts.last, last != ".." { parts.removeLast(); continue }
            parts.append(p)
        }
        let joined = parts.joined(separator: "/")
        return absolute ? "/" + joined : (joined.isEmpty ? "." : joined)
    }

    /// Evaluates a config file in a fresh namespace and merges it over its `_base_` files.
    static func load(path: String, interp: Interpreter, chain: [String]) throws -> DictRef {
        let full = normalized(resolve(path, interp))
        if chain.contains(full) {
            throw RuntimeError("config inheritance cycle: \((chain + [full]).joined(separator: " -> "))", kind: "ValueError")
        }
        // Also bounds a config that loads itself with Config.fromfile (a fresh chain each time).
        loadDepth += 1
        defer { loadDepth -= 1 }
        guard chain.count < 32, loadDepth <= 32 else {
            throw RuntimeError("config files nested too deeply (more than 32 _base_ or Config.fromfile levels) at '\(full)'", kind: "RecursionError")
        }
        // As MMEngine's _file2dict: the `_base_` files are loaded first and the file runs with
        // `_base_` bound to their merged dict (so `a = _base_.model` reads it, `{{_base_.model}}` too),
        // the `_base_ = [...]` statement itself taken out.
        let (text, baseValue) = try separateBase(substitutePredefinedVariables(try FileIO.read(full), path: full), path: full, interp: interp)
        var result = DictRef()
        if let base = baseValue {
            let paths: [String]
            switch base {
            case .str(let s): paths = [s]
            case .list(let l): paths = try l.items.map { guard case .str(let s) = $0 else { throw RuntimeError("_base_ entries must be paths (str)", kind: "TypeError") }; return s }
            case .tuple(let t): paths = try t.map { guard case .str(let s) = $0 else { throw RuntimeError("_base_ entries must be paths (str)", kind: "TypeError") }; return s }
            default: throw RuntimeError("_base_ must be a path or a list of paths, got \(base.typeName)", kind: "TypeError")
            }
            let dir = FileIO.directoryName(full)
            for p in paths {
                let bp = normalize(p.hasPrefix("/") ? p : dir + "/" + p)
                let b = try load(path: bp, interp: interp, chain: chain + [full])
                for (k, v) in b.pairs {
                    if try result.contains(k) {
                        throw RuntimeError("duplicate key \(Printer.repr(k)) among the _base_ files of \(full)", kind: "KeyError")
                    }
                    try result.set(k, v)
                }
            }
        }
        let sub = Interpreter(library: interp.library)
        sub.baseDirectory = FileIO.directoryName(full)
        sub.output = interp.output
        if baseValue != nil { sub.setGlobal("_base_", .dict(result)) }
        try sub.run(source: text, name: full)
        let own = DictRef()
        for (name, v) in sub.userGlobals where !name.hasPrefix("__") && name != "_" && name != "_base_" {
            switch v {
            case .function, .builtin, .object: continue
            default: try own.set(.str(name), v)
            }
        }
        result = try merge(own, into: result)
        return result
    }

    /// Takes the top-level `_base_ = ...` statement out of a config's text (its lines left blank, so
    /// line numbers stay) and evaluates it; `{{_base_.x}}` becomes `_base_.x`.
    static func separateBase(_ text: String, path: String, interp: Interpreter) throws -> (String, Value?) {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard let first = lines.firstIndex(where: { l in
            guard l.hasPrefix("_base_") else { return false }
            let rest = l.dropFirst(6).drop(while: { $0 == " " })
            return rest.hasPrefix("=") && !rest.hasPrefix("==")
        }) else { return (text, nil) }
        var depth = 0, last = first
        for i in first..<lines.count {
            for c in lines[i] { if "([{".contains(c) { depth += 1 } else if ")]}".contains(c) { depth -= 1 } }
            last = i
            if depth <= 0 && !lines[i].hasSuffix("\\") { break }
        }
        let statement = lines[first...last].joined(separator: "\n")
        let probe = Interpreter(library: interp.library)
        try probe.run(source: statement, name: path)
        for i in first...last { lines[i] = "" }
        var out = "", rest = Substring(lines.joined(separator: "\n"))
        while let open = rest.range(of: "{{") {
            out += rest[..<open.lowerBound]
            let after = rest[open.upperBound...]
            if let close = after.range(of: "}}"), case let inner = after[..<close.lowerBound].trimmingCharacters(in: .whitespaces),
               inner.hasPrefix("_base_.") {
                out += inner
                rest = after[close.upperBound...]
            } else {
                out += "{{"
                rest = after
            }
        }
        return (out + rest, probe.global("_base_"))
    }

    /// MMEngine `Config._substitute_predefined_vars`: `{{ fileDirname }}`, `{{ fileBasename }}`,
    /// `{{ fileBasenameNoExtension }}` and `{{ fileExtname }}` (spaces inside the braces allowed) are
    /// replaced in the file's text by the config file's folder, name, name without extension, extension.
    static func substitutePredefinedVariables(_ text: String, path: String) -> String {
        guard text.contains("{{") else { return text }
        let dir = FileIO.directoryName(path)
        let base = path.split(separator: "/", omittingEmptySubsequences: false).last.map(String.init) ?? path
        let dot = base.lastIndex(of: ".").flatMap { $0 == base.startIndex ? nil : $0 }
        let stem = dot.map { String(base[..<$0]) } ?? base
        let ext = dot.map { String(base[$0...]) } ?? ""
        let values = ["fileDirname": dir, "fileBasename": base, "fileBasenameNoExtension": stem, "fileExtname": ext]
        var out = "", rest = Substring(text)
        while let open = rest.range(of: "{{") {
            out += rest[..<open.lowerBound]
            let after = rest[open.upperBound...]
            if let close = after.range(of: "}}"), let v = values[after[..<close.lowerBound].trimmingCharacters(in: .whitespaces)] {
                out += v
                rest = after[close.upperBound...]
            } else {
                out += "{{"
                rest = after
            }
        }
        return out + rest
    }

    /// MMEngine `Config._merge_a_into_b`: dicts merge key by key unless the new one says
    /// `_delete_=True`; anything else replaces.
    static func merge(_ a: DictRef, into b: DictRef) throws -> DictRef {
        let out = b.copy()
        for (k, v) in a.pairs {
            if case .dict(let vd) = v {
                let delete = (try vd.get(.str("_delete_"))).map { (try? $0.truthy()) ?? false } ?? false
                let cleaned = vd.copy()
                _ = try cleaned.remove(.str("_delete_"))
                if !delete, case .dict(let existing)? = try out.get(k) {
                    try out.set(k, .dict(try merge(cleaned, into: existing)))
                } else {
                    try out.set(k, .dict(try stripDelete(cleaned)))
                }
            } else {
                try out.set(k, v)
            }
        }
        return out
    }

    static func stripDelete(_ d: DictRef) throws -> DictRef {
        let out = DictRef()
        for (k, v) in d.pairs {
            if case .str("_delete_") = k { continue }
            if case .dict(let inner) = v { try out.set(k, .dict(try stripDelete(inner))) } else { try out.set(k, v) }
        }
        return out
    }
}

/// JSON with Python's mapping: objects → dicts, arrays → lists, numbers → int or float.
public enum JSON {
    static func serialize(_ v: Value, depth: Int = 0) throws -> String {
        // Python's json raises "Circular reference detected"; deep or circular values stop here.
        guard depth < 500 else { throw RuntimeError("cannot serialize to JSON: value nested more than 500 deep (a circular reference?)", kind: "ValueError") }
        let serialize = { (x: Value) throws -> String in try JSON.serialize(x, depth: depth + 1) }
        switch v {
        case .none: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .float(let d):
            guard d.isFinite else { return d.isNaN ? "NaN" : (d > 0 ? "Infinity" : "-Infinity") }
            return Printer.formatFloat(d)
        case .str(let s): return HeaderJSON.quoted(s)
        case .list(let l): return "[" + (try l.items.map(serialize)).joined(separator: ", ") + "]"
        case .tuple(let t): return "[" + (try t.map(serialize)).joined(separator: ", ") + "]"
        case .dict(let d):
            return "{" + (try d.pairs.map { k, v in
                let key: String
                switch k {
                case .str(let s): key = s
                case .int(let i): key = String(i)
                case .float(let f): key = Printer.formatFloat(f)
                case .bool(let b): key = b ? "true" : "false"
                default: throw RuntimeError("JSON keys must be str, int, float or bool, not \(k.typeName)", kind: "TypeError")
                }
                return HeaderJSON.quoted(key) + ": " + (try serialize(v))
            }).joined(separator: ", ") + "}"
        case .tensor(let ref): return try serialize(Convert.tolist(ref.tensor))
        default: throw RuntimeError("Object of type \(v.typeName) is not JSON serializable", kind: "TypeError")
        }
    }

    static func parse(_ text: String) throws -> Value {
        var p = JSONParser(chars: Array(text.unicodeScalars))
        p.skip()
        let v = try p.value(depth: 0)
        p.skip()
        guard p.i == p.chars.count else { throw p.fail("extra data") }
        return v
    }

    struct JSONParser {
        let chars: [Unicode.Scalar]
        var i = 0

        func fail(_ m: String) -> RuntimeError {
            var line = 1, col = 1
            for c in chars[..<Swift.min(i, chars.count)] { if c == "\n" { line += 1; col = 1 } else { col += 1 } }
            return RuntimeError("malformed JSON: \(m) at line \(line), column \(col)", kind: "ValueError")
        }

        mutating func skip() { while i < chars.count, [" ", "\n", "\t", "\r"].contains(chars[i]) { i += 1 } }

        mutating func lit(_ s: String) -> Bool {
            let u = Array(s.unicodeScalars)
            guard i + u.count <= chars.count, Array(chars[i..<i + u.count]) == u else { return false }
            i += u.count
            return true
        }

        mutating func value(depth: Int) throws -> Value {
            guard depth < 200 else { throw fail("nested too deeply") }
            skip()
            guard i < chars.count else { throw fail("unexpected end of input") }
            switch chars[i] {
            case "{":
                i += 1
                let d = DictRef()
                skip()
                if i < chars.count, chars[i] == "}" { i += 1; return .dict(d) }
                while true {
                    skip()
                    guard i < chars.count, chars[i] == "\"" else { throw fail("expected a string key") }
                    let k = try string()
                    skip()
                    guard i < chars.count, chars[i] == ":" else { throw fail("expected ':'") }
                    i += 1
                    try d.set(.str(k), try value(depth: depth + 1))
                    skip()
                    guard i < chars.count else { throw fail("unexpected end of input") }
                    if chars[i] == "," { i += 1; continue }
                    if chars[i] == "}" { i += 1; return .dict(d) }
                    throw fail("expected ',' or '}'")
                }
            case "[":
                i += 1
                var items: [Value] = []
                skip()
                if i < chars.count, chars[i] == "]" { i += 1; return .list(ListRef(items)) }
                while true {
                    items.append(try value(depth: depth + 1))
                    skip()
                    guard i < chars.count else { throw fail("unexpected end of input") }
                    if chars[i] == "," { i += 1; continue }
                    if chars[i] == "]" { i += 1; return .list(ListRef(items)) }
                    throw fail("expected ',' or ']'")
                }
            case "\"": return .str(try string())
            default:
                if lit("true") { return .bool(true) }
                if lit("false") { return .bool(false) }
                if lit("null") { return .none }
                if lit("NaN") { return .float(.nan) }
                if lit("Infinity") { return .float(.infinity) }
                if lit("-Infinity") { return .float(-.infinity) }
                let start = i
                while i < chars.count, "+-0123456789.eE".unicodeScalars.contains(chars[i]) { i += 1 }
                let s = String(String.UnicodeScalarView(chars[start..<i]))
                if let n = Int(s) { return .int(n) }
                if let d = Double(s), !s.isEmpty { return .float(d) }
                i = start
                throw fail("unexpected character '\(chars[i])'")
            }
        }

        mutating func string() throws -> String {
            i += 1
            var out = String.UnicodeScalarView()
            while i < chars.count {
                let c = chars[i]
                i += 1
                if c == "\"" { return String(out) }
                if c == "\\" {
                    guard i < chars.count else { break }
                    let e = chars[i]
                    i += 1
                    switch e {
                    case "n": out.append("\n")
                    case "t": out.append("\t")
                    case "r": out.append("\r")
                    case "b": out.append("\u{08}")
                    case "f": out.append("\u{0C}")
                    case "u":
                        guard i + 4 <= chars.count, let v = UInt32(String(String.UnicodeScalarView(chars[i..<i + 4])), radix: 16) else { throw fail("bad \\u escape") }
                        i += 4
                        out.append(Unicode.Scalar(v) ?? "?")
                    default: out.append(e)
                    }
                    continue
                }
                out.append(c)
            }
            throw fail("unterminated string")
        }
    }
}

/// NumPy `.npy` files (format 1.0/2.0, C order; dtypes <f4, <f8, <i8, <i4, |b1, |u1).
enum Npy {
    static func read(_ path: String) throws -> Tensor {
        let bytes = try FileIO.readBytes(path)
        guard bytes.count >= 10, bytes[0] == 0x93, Array(bytes[1...5]) == Array("NUMPY".utf8) else {
            throw RuntimeError("'\(path)' is not a .npy file (bad magic)", kind: "ValueError")
        }
        let major = bytes[6]
        let headerLen: Int, start: Int
        if major == 1 {
            headerLen = Int(bytes[8]) | Int(bytes[9]) << 8
            start = 10
        } else {
            guard bytes.count >= 12 else { throw RuntimeError("'\(path)': truncated .npy header", kind: "ValueError") }
            headerLen = Int(bytes[8]) | Int(bytes[9]) << 8 | Int(bytes[10]) << 16 | Int(bytes[11]) << 24
            start = 12
        }
        guard start + headerLen <= bytes.count else { throw RuntimeError("'\(path)': truncated .npy header", kind: "ValueError") }
        let header = String(decoding: bytes[start..<start + headerLen], as: UTF8.self)
        func field(_ name: String) -> String? {
            guard let r = Substring(header).range(of: "'\(name)':") else { return nil }
            return String(header[r.upperBound...]).trimmingCharacters(in: .whitespaces)
        }
        guard let descr = field("descr").flatMap({ $0.split(separator: "'").first.map(String.init) }) else {
            throw RuntimeError("'\(path)': .npy header has no descr", kind: "ValueError")
        }
        if field("fortran_order")?.hasPrefix("True") == true {
            throw RuntimeError("'\(path)': Fortran-ordered .npy arrays are not supported", kind: "ValueError")
        }
        guard let shapeText = field("shape"), let open = shapeText.firstIndex(of: "("), let close = shapeText.firstIndex(of: ")") else {
            throw RuntimeError("'\(path)': .npy header has no shape", kind: "ValueError")
        }
        let shape = shapeText[shapeText.index(after: open)..<close].split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        let n = try Tensor.elementCount(shape)
        let data = Array(bytes[(start + headerLen)...])
        func need(_ size: Int) throws {
            guard data.count >= n * size else { throw RuntimeError("'\(path)': .npy data is truncated (\(data.count) bytes for \(n) elements)", kind: "ValueError") }
        }
        switch descr {
        case "<f4":
            try need(4)
            return Tensor(shape: shape, float32: (0..<n).map { k in Float(bitPattern: le32(data, 4 * k)) })
        case "<f8":
            try need(8)
            return Tensor(shape: shape, float64: (0..<n).map { k in Double(bitPattern: le64(data, 8 * k)) })
        case "<i8":
            try need(8)
            return Tensor(shape: shape, int64: (0..<n).map { k in Int64(bitPattern: le64(data, 8 * k)) })
        case "<i4":
            try need(4)
            return Tensor(shape: shape, int64: (0..<n).map { k in Int64(Int32(bitPattern: le32(data, 4 * k))) })
        case "|b1":
            try need(1)
            return Tensor(shape: shape, bool: (0..<n).map { data[$0] != 0 })
        case "|u1":
            try need(1)
            return Tensor(shape: shape, int64: (0..<n).map { Int64(data[$0]) })
        default:
            throw RuntimeError("'\(path)': .npy dtype '\(descr)' is not supported (use float32, float64, int64, int32, bool or uint8)", kind: "ValueError")
        }
    }

    static func le32(_ d: [UInt8], _ o: Int) -> UInt32 {
        UInt32(d[o]) | UInt32(d[o + 1]) << 8 | UInt32(d[o + 2]) << 16 | UInt32(d[o + 3]) << 24
    }
    static func le64(_ d: [UInt8], _ o: Int) -> UInt64 {
        UInt64(le32(d, o)) | UInt64(le32(d, o + 4)) << 32
    }

    static func write(_ t: Tensor, _ path: String) throws {
        let descr: String
        var body: [UInt8] = []
        switch t.storage {
        case .float32(let a): descr = "<f4"; for x in a { withUnsafeBytes(of: x.bitPattern.littleEndian) { body += $0 } }
        case .float64(let a): descr = "<f8"; for x in a { withUnsafeBytes(of: x.bitPattern.littleEndian) { body += $0 } }
        case .int64(let a): descr = "<i8"; for x in a { withUnsafeBytes(of: x.littleEndian) { body += $0 } }
        case .bool(let a): descr = "|b1"; body = a.map { $0 ? 1 : 0 }
        }
        let shape = t.shape.count == 1 ? "(\(t.shape[0]),)" : "(" + t.shape.map(String.init).joined(separator: ", ") + ")"
        var header = "{'descr': '\(descr)', 'fortran_order': False, 'shape': \(shape), }"
        let total = 10 + header.utf8.count + 1
        header += String(repeating: " ", count: (64 - total % 64) % 64) + "\n"
        var bytes: [UInt8] = [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(header.utf8.count & 0xff), UInt8(header.utf8.count >> 8)]
        bytes += Array(header.utf8)
        bytes += body
        try FileIO.writeAtomically(path, bytes: bytes)
    }
}
