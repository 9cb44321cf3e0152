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
