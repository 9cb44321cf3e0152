#if canImport(Glibc)
import Glibc
#endif
import TrickCore

/// A user's own module: a `.trick` or `.py` file (or a package folder) found where Python would
/// look — next to the script being run, then along `sys.path` — and run once in a namespace of
/// its own. Its functions keep reading and writing that namespace wherever they are called from
/// (each compiled chunk carries its module's globals).
final class UserModule {
    let name: String
    /// The file run (nil for a folder without `__init__`: a namespace package).
    let file: String?
    /// For a package, the folder its submodules are looked up in.
    let packageDirectory: String?
    let interpreter: Interpreter

    init(name: String, file: String?, packageDirectory: String?, interpreter: Interpreter) {
        self.name = name
        self.file = file
        self.packageDirectory = packageDirectory
        self.interpreter = interpreter
    }
}

extension Interpreter {
    /// The folders an absolute import looks in, in order: the running script's folder (Python's
    /// `sys.path[0]`), then each string on `sys.path`, then the working directory.
    func moduleSearchDirectories() -> [String] {
        var dirs: [String] = []
        func add(_ d: String) {
            let d = d.isEmpty ? "." : (d.count > 1 && d.hasSuffix("/") ? String(d.dropLast()) : d)
            if !dirs.contains(d) { dirs.append(d) }
        }
        if let main = library.currentFile() ?? includingFiles.first { add(FileIO.directoryName(main)) }
        if case .object(let sys)? = library.modules["sys"], case .list(let path)? = sys.attributes["path"] {
            for case .str(let d) in path.items { add(d) }
        }
        add(".")
        return dirs
    }

    /// The module `name` from the user's files, loading it (and its parent packages) on first
    /// use; nil when no file or folder of that name exists.
    func userModule(_ name: String) throws -> Value? {
        if let loaded = SysModule.loadedModules(library)?[str: name] { return loaded }
        if let cached = library.modules[name] { return cached }
        let parts = name.split(separator: ".").map(String.init)
        guard !parts.isEmpty, parts.allSatisfy({ !$0.isEmpty }) else { return nil }
        if let source = BundledModules.sources[name] {
            let value = try loadUserModule(name, file: nil, source: source, packageDirectory: nil, parent: nil, leaf: parts.last!)
            // an attribute of its (built-in) parent module, as a submodule is
            if case .object(let p)? = try Modules.module(parts.dropLast().joined(separator: "."), in: library) { p.set(parts.last!, value) }
            return value
        }
        var dirs: [String]
        var parent: BuiltObject?
        if parts.count > 1 {
            guard case .object(let p)? = try userModule(parts.dropLast().joined(separator: ".")),
                  let pm = p.payload as? UserModule, let pd = pm.packageDirectory else { return nil }
            // the parent's import may have imported this one
            if let loaded = SysModule.loadedModules(library)?[str: name] { return loaded }
            dirs = [pd]
            parent = p
        } else {
            dirs = moduleSearchDirectories()
        }
        let leaf = parts.last!
        for dir in dirs {
            let base = dir == "." ? leaf : dir + "/" + leaf
            for ext in [".trick", ".py"] where FileIO.exists(base + ext) && !FileIO.isDirectory(base + ext) {
                return try loadUserModule(name, file: base + ext, source: nil, packageDirectory: nil, parent: parent, leaf: leaf)
            }
            if FileIO.isDirectory(base) {
                let initFile = ["/__init__.trick", "/__init__.py"].map { base + $0 }.first { FileIO.exists($0) }
                return try loadUserModule(name, file: initFile, source: nil, packageDirectory: base, parent: parent, leaf: leaf)
            }
        }
        return nil
    }

    /// Runs a module's file (or a bundled module's `source`) in a namespace of its own.
    private func loadUserModule(_ name: String, file: String?, source: String?, packageDirectory: String?, parent: BuiltObject?, leaf: String) throws -> Value {
        let sub = Interpreter(library: library)
        sub.output = output
        sub.display = display
        sub.maxOutputBytes = maxOutputBytes
        let absolute = source != nil ? BundledModules.displayPath(name) : file.map(Interpreter.absolutePath)
        if let absolute, source == nil {
            sub.includingFiles = [absolute]
            sub.baseDirectory = FileIO.directoryName(absolute)
        }
        let package = packageDirectory != nil ? name : (name.contains(".") ? String(name[..<name.lastIndex(of: ".")!]) : "")
        sub.globals.moduleName = name
        sub.globals.package = package
        sub.setGlobal("__name__", .str(name))
        sub.setGlobal("__package__", .str(package))
        sub.setGlobal("__file__", absolute.map { .str($0) } ?? .none)
        if let packageDirectory { sub.setGlobal("__path__", .list(ListRef([.str(Interpreter.absolutePath(packageDirectory))]))) }

        let module = UserModule(name: name, file: absolute, packageDirectory: packageDirectory, interpreter: sub)
        let object = BuiltObject(typeName: "module", payload: module)
        object.repr = { absolute.map { "<module '\(name)' from '\($0)'>" } ?? "<module '\(name)' (namespace)>" }
        object.getter = { [unowned sub] attr in sub.global(attr) }
        object.getterNames = { [unowned sub] in sub.userGlobals.map(\.0) }
        object.setter = { [unowned sub] attr, v in sub.setGlobal(attr, v) }
        let value = Value.object(object)
        // Registered before it runs, as Python does: a circular import sees the partial module.
        library.modules[name] = value
        SysModule.loadedModules(library)?[str: name] = value
        if let text = try source ?? file.map(FileIO.read) {
            do {
                try sub.run(source: text, name: absolute ?? name)
            } catch {
                library.modules[name] = nil
                _ = try? SysModule.loadedModules(library)?.remove(.str(name))
                throw error
            }
        }
        if let parent, let pm = parent.payload as? UserModule { pm.interpreter.setGlobal(leaf, value) }
        return value
    }

    /// `importlib.reload(m)`: the module's file runs again in its namespace.
    func reloadUserModule(_ o: BuiltObject) throws {
        // trick's own modules (built in, or bundled trick source) need no reload
        guard let module = o.payload as? UserModule, BundledModules.sources[module.name] == nil, let file = module.file else { return }
        try module.interpreter.run(source: try FileIO.read(file), name: file)
    }

    static func absolutePath(_ path: String) -> String {
        if path.hasPrefix("/") { return path }
        var cwd = [CChar](repeating: 0, count: 4096)
        guard getcwd(&cwd, cwd.count) != nil else { return path }
        let base = String(cString: cwd)
        return path == "." ? base : base + "/" + (path.hasPrefix("./") ? String(path.dropFirst(2)) : path)
    }

    /// `from .x import y` in the module whose globals are `globals`, as an absolute dotted path.
    func absoluteImportPath(_ relative: String, in globals: Globals) throws -> String {
        try absoluteImportPath(relative, package: globals.package)
    }

    func absoluteImportPath(_ relative: String, package: String?) throws -> String {
        let level = relative.prefix { $0 == "." }.count
        let rest = relative.dropFirst(level)
        guard let package, !package.isEmpty else {
            // `from .utils import helper` arrives as ".utils.helper"
            let names = rest.split(separator: ".")
            let plain = names.count > 1 ? "from \(names.dropLast().joined(separator: ".")) import \(names.last!)" : "import \(rest)"
            throw RuntimeError("attempted relative import with no known parent package (a script run directly is in no package; import the file next to it by name: '\(plain)')", kind: "ImportError")
        }
        var parts = package.split(separator: ".").map(String.init)
        guard level - 1 < parts.count else {
            throw RuntimeError("attempted relative import beyond top-level package", kind: "ImportError")
        }
        parts.removeLast(level - 1)
        return parts.joined(separator: ".") + (rest.isEmpty ? "" : "." + rest)
    }
}
