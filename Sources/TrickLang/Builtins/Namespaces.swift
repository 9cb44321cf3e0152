import TrickCore

/// The built-ins that look at namespaces: `globals()`, `vars()`, `importlib.import_module` and
/// the `builtins` module.
/// Where trick differs: `globals()` and `vars()` give a copy of the calling module's globals
/// (reading `globals()['name']` works; assigning into it defines nothing), and `vars()` in a
/// function gives the module's globals, not the function's locals.
enum Namespaces {
    static func register(_ lib: Library, _ interp: Interpreter) {
        lib.function("globals()", doc: "The calling module's global names and values, as a dict (a copy: assigning into it defines nothing).") { [unowned interp] _ in
            .dict(globalsDict(interp))
        }
        lib.function("vars(object=None)", doc: "vars(obj): the object's attributes as a dict (obj.__dict__); vars(): the calling module's globals (a copy).") { [unowned interp] a in
            if a["object"].isNone { return .dict(globalsDict(interp)) }
            do { return try interp.getAttribute(a["object"], "__dict__") } catch {
                throw RuntimeError("vars() argument must have __dict__ attribute", kind: "TypeError")
            }
        }

        let importlib = Modules.std("importlib", in: lib)
        importlib.method("import_module(name, package=None)",
                         doc: "importlib.import_module: the module `name` (a trick module or a file of yours); a relative name ('.losses') starts from `package`.") { [unowned interp] a in
            var name = try a.string("name")
            if name.hasPrefix(".") {
                guard case .str(let package) = a["package"] else {
                    throw RuntimeError("the 'package' argument is required to perform a relative import for '\(name)'", kind: "TypeError")
                }
                name = try interp.absoluteImportPath(name, package: package)
            }
            return try interp.vm.importName(ImportSpec(module: name, alias: name, isFrom: false), interp.callerGlobals)
        }

        lib.function("__import__(name, globals=None, locals=None, fromlist=(), level=0)",
                     doc: "The import statement's function: `__import__('a.b')` is the package `a` (a.b imported), with a fromlist the module a.b itself.") { [unowned interp] a in
            var name = try a.string("name")
            let level = try a.int("level")
            if level > 0 { name = String(repeating: ".", count: level) + name }
            if name.hasPrefix(".") { name = try interp.absoluteImportPath(name, in: interp.callerGlobals) }
            let wantsModule = (try? interp.iterate(a["fromlist"]).isEmpty == false) ?? false
            return try interp.vm.importName(ImportSpec(module: name, alias: wantsModule ? name : nil, isFrom: false), interp.callerGlobals)
        }

        importlib.method("reload(module)",
                         doc: "importlib.reload: runs a module of yours again from its file, in the same namespace (its objects keep their identity; names the new text defines replace the old ones). trick's own modules need no reload.") { [unowned interp] a in
            guard case .object(let o) = a["module"], o.typeName == "module" else {
                throw RuntimeError("reload() argument must be a module", kind: "TypeError")
            }
            try interp.reloadUserModule(o)
            return a["module"]
        }

        let builtins = Modules.std("builtins", in: lib)
        builtins.getter = { name in
            guard let v = lib.globals[name] else { return nil }
            if case .object(let o) = v, o.typeName == "module" { return nil }
            return v
        }
        builtins.getterNames = {
            lib.names.filter { n in if case .object(let o)? = lib.globals[n], o.typeName == "module" { return false } else { return true } }
        }
    }

    static func globalsDict(_ interp: Interpreter) -> DictRef {
        let table = interp.callerGlobals
        let d = DictRef()
        d[str: "__name__"] = .str(table.moduleName)
        for (name, value) in interp.userGlobals(in: table) { d[str: name] = value }
        return d
    }
}

/// `inspect`, the part libraries use to look at functions and classes: `isfunction`,
/// `ismethod`, `isclass`, `isgeneratorfunction`, `getfullargspec`.
enum Inspect {
    static func register(_ lib: Library) {
        let m = Modules.std("inspect", in: lib)
        m.method("isfunction(object)", doc: "A function written with def or lambda (not a built-in, not bound).") { a in
            if case .function = a["object"] { return .bool(true) }
            return .bool(false)
        }
        m.method("isclass(object)", doc: "A class (written in trick code, or a built-in type).") { a in
            if case .object(let o) = a["object"], o.payload is ClassInfo { return .bool(true) }
            if case .builtin(let b) = a["object"] { return .bool(b.valueType != nil || b.name.first?.isUppercase == true) }
            return .bool(false)
        }
        m.method("ismethod(object)", doc: "A method bound to an instance (`obj.method`).") { a in
            if case .builtin(let b) = a["object"], b.isBoundMethod { return .bool(true) }
            return .bool(false)
        }
        m.method("isgeneratorfunction(object)", doc: "A function whose body yields.") { a in
            if case .function(let f) = a["object"] { return .bool(f.chunk?.takeUnretainedValue().isGenerator ?? false) }
            return .bool(false)
        }
        m.method("getfullargspec(func)", doc: "FullArgSpec(args, varargs, varkw, defaults, kwonlyargs, kwonlydefaults, annotations) of a function written in trick code.") { a in
            guard case .function(let f) = a["func"] else {
                throw RuntimeError("unsupported callable: getfullargspec() takes a function written in trick code, not \(a["func"].typeName)", kind: "TypeError")
            }
            let p = f.code.params
            let positional = p.positional.count
            let defaults = zip(p.positional, f.defaults.prefix(positional)).filter { $0.0.defaultValue != nil }.map(\.1)
            let kwDefaults = DictRef()
            for (param, v) in zip(p.keywordOnly, f.defaults.dropFirst(positional)) where param.defaultValue != nil { kwDefaults[str: param.name] = v }
            let fields = ["args", "varargs", "varkw", "defaults", "kwonlyargs", "kwonlydefaults", "annotations"]
            let values: [Value] = [.list(ListRef(p.positional.map { .str($0.name) })), p.varargs.map { .str($0) } ?? .none,
                                   p.kwargs.map { .str($0) } ?? .none, defaults.isEmpty ? .none : .tuple(defaults),
                                   .list(ListRef(p.keywordOnly.map { .str($0.name) })), kwDefaults.count == 0 ? .none : .dict(kwDefaults), .dict(DictRef())]
            return Collections.namedTupleInstance("FullArgSpec", fields: fields, values: values) { _ in .none }
        }
    }
}
