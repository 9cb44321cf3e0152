import TrickCore

/// Attribute access, subscripts and method dispatch on values.
extension Interpreter {
    func noAttribute(_ v: Value, _ name: String, _ candidates: [String]) -> RuntimeError {
        let hint = closestName(to: name, in: candidates).map { " (did you mean '\($0)'?)" } ?? ""
        return RuntimeError("'\(v.typeName)' object has no attribute '\(name)'\(hint)", kind: "AttributeError")
    }

    /// A built-in object's method taken as a value (`f = m.requires_grad_`): it holds its object, as
    /// a Python bound method holds `__self__`. The methods themselves refer to their object without
    /// owning it (an object holding closures that own it would never be freed), so a method that
    /// outlived its object would read a freed one. A module's functions and types are returned as
    /// they are: modules are the library's and live as long, and `np.ndarray` must be the type itself.
    static func bound(_ m: BuiltinFunction, to o: BuiltObject, as name: String) -> BuiltinFunction {
        guard o.typeName != "module" else { return m }
        let f = BuiltinFunction(raw: m.signature, doc: m.doc) { args in try withExtendedLifetime(o) { try m.call(args) } }
        f.isBoundMethod = m.isBoundMethod
        return f.bound(to: o, as: name)
    }

    public func getAttribute(_ v: Value, _ name: String) throws -> Value {
        switch v {
        case .object(let o):
            if let a = o.attributes[name] { return a }
            if let m = o.methods[name] { return .builtin(Interpreter.bound(m, to: o, as: name)) }
            if let g = o.getter, let x = try g(name) { return x }
            if name == "__class__" { return CoreBuiltins.builtinType(v, library) }
            if name == "__call__", let c = o.callable { return .builtin(Interpreter.bound(c, to: o, as: name)) }
            throw noAttribute(v, name, o.memberNames)
        case .tensor(let ref):
            if let p = library.tensorProperties[name] { return try p(ref.tensor) }
            if let m = tensorMethod(name) {
                return .builtin(BuiltinFunction(raw: "\(name)(*args, **kwargs)", doc: m.doc) { [unowned self] args in
                    try callTensorMethod(ref, name, m, args)
                }.bound(to: ref, as: name))
            }
            throw noAttribute(v, name, Array(library.tensorProperties.keys) + Array(library.tensorMethods.keys))
        case .dict(let d):
            if let fl = d.flavor, let x = fl.attribute(self, d, name) { return x }
            if Methods.dictMethods.contains(name) {
                return .builtin(BuiltinFunction(raw: "\(name)(*args, **kwargs)") { [unowned self] args in
                    try Methods.call(self, v, name, args)
                }.bound(to: d, as: name))
            }
            // Config-style attribute access (`cfg.model.decode_head`), as MMEngine ConfigDict.
            if let x = d[str: name] { return x }
            if name == "pretty_text" { return .str(Printer.prettyText(d)) }   // MMEngine Config.pretty_text
            throw noAttribute(v, name, Methods.dictMethods + d.keys.compactMap { if case .str(let s) = $0 { return s } else { return nil } })
        case .list, .str, .tuple, .set:
            let names = Methods.names(for: v)
            if names.contains(name) {
                let method = BuiltinFunction(raw: "\(name)(*args, **kwargs)") { [unowned self] args in
                    try Methods.call(self, v, name, args)
                }
                // (a str's or tuple's methods have no object to be bound to: they stay unequal)
                switch v {
                case .list(let l): return .builtin(method.bound(to: l, as: name))
                case .set(let s): return .builtin(method.bound(to: s, as: name))
                default: return .builtin(method)
                }
            }
            throw noAttribute(v, name, names)
        case .function(let f):
            if let a = f.attributes[name] { return a }
            switch name {
            case "__name__", "__qualname__": return .str(f.code.name)
            case "__doc__": return f.code.docstring.map { .str($0) } ?? .none
            case "__module__": return .str(f.chunk?.takeUnretainedValue().globals.moduleName ?? "__main__")
            case "__dict__":
                let d = DictRef()
                for (k, a) in f.attributes.sorted(by: { $0.key < $1.key }) { d[str: k] = a }
                return .dict(d)
            case "__defaults__":
                let params = f.code.params.positional
                let given = zip(params, f.defaults).filter { $0.0.defaultValue != nil }.map(\.1)
                return given.isEmpty ? .none : .tuple(given)
            default: throw noAttribute(v, name, ["__name__", "__doc__", "__module__", "__defaults__"] + f.attributes.keys.sorted())
            }
        case .builtin(let b):
            if name == "__name__" { return .str(b.name) }
            if name == "__doc__" { return .str(b.doc) }
            // a built-in type's class attribute (`StepLR.build_iter_from_epoch`) is registered as `Type.attr`
            if let attr = library.globals["\(b.name).\(name)"] { return attr }
            throw noAttribute(v, name, ["__name__", "__doc__"])
        case .float(let d):
            if name == "real" { return v }
            if name == "imag" { return .float(0) }
            if name == "is_integer" { return .builtin(BuiltinFunction("is_integer()") { _ in .bool(d == d.rounded()) }) }
            throw noAttribute(v, name, ["real", "imag", "is_integer"])
        case .range(let a, let b, let s):
            switch name {
            case "start": return .int(a)
            case "stop": return .int(b)
            case "step": return .int(s)
            default: throw noAttribute(v, name, ["start", "stop", "step"])
            }
        default:
            throw noAttribute(v, name, [])
        }
    }

    public func setAttribute(_ target: Value, _ name: String, _ v: Value) throws {
        switch target {
        case .object(let o):
            if let s = o.setter { try s(name, v); return }
            if o.typeName == "module" { throw RuntimeError("cannot set attributes of a built-in module", kind: "AttributeError") }
            o.methods[name] = nil   // an instance attribute hides the method of that name, as in Python
            o.set(name, v)
        case .dict(let d):
            if let fl = d.flavor, fl.setAttribute(name, v) { return }
            d[str: name] = v
        case .function(let f):
            f.attributes[name] = v
        default:
            throw RuntimeError("cannot set attribute '\(name)' of '\(target.typeName)' object", kind: "AttributeError")
        }
    }

    /// A missing dict key: the message says so (with a "did you mean"), the exception object is
    /// Python's (`e.args == (key,)`, `str(e)` the key's repr).
    static func missingKey(_ key: Value, hint: String = "") -> RuntimeError {
        var e = RuntimeError("key \(Printer.repr(key)) not found\(hint)", kind: "KeyError")
        e.raised = CoreBuiltins.exception("KeyError", [key])
        return e
    }

    /// `del obj.name` / `delattr(obj, name)`: an instance's own attribute, a class's, an
    /// attribute-style dict's key.
    public func deleteAttribute(_ target: Value, _ name: String) throws {
        switch target {
        case .object(let o):
            if o.attributes[name] != nil, o.typeName != "module" {
                o.removeAttributes([name])
                return
            }
            if let info = o.payload as? ClassInfo, info.namespace[name] != nil {
                info.namespace[name] = nil
                info.order.removeAll { $0 == name }
                return
            }
            if let module = o.payload as? UserModule, module.interpreter.global(name) != nil {
                module.interpreter.globals.values[module.interpreter.globalSlot(name)] = nil
                return
            }
        case .dict(let d) where d.flavor != nil:
            if try d.remove(.str(name)) != nil { return }
        case .function(let f):
            if f.attributes.removeValue(forKey: name) != nil { return }
        default:
            break
        }
        throw RuntimeError("'\(target.typeName)' object has no attribute '\(name)'", kind: "AttributeError")
    }

    /// A tensor method by name; torch's in-place variant of a method trick has (`add_`, `exp_`,
    /// `unsqueeze_`) is the method, its result then taken by the tensor (`callTensorMethod`).
    func tensorMethod(_ name: String) -> BuiltinFunction? {
        if let m = library.tensorMethods[name] { return m }
        guard TensorRef.torchInPlaceMethods.contains(name) else { return nil }
        return library.tensorMethods[String(name.dropLast())]
    }

    /// `t.name(args)`; an in-place method (`t.add_(1)`) changes `t` itself and returns it.
    func callTensorMethod(_ ref: TensorRef, _ name: String, _ m: BuiltinFunction, _ args: Arguments) throws -> Value {
        let r = try m.call(Arguments([.tensor(ref)] + args.positional, keywords: args.keywords))
        guard name.hasSuffix("_"), case .tensor(let result) = r else { return r }
        if result !== ref {
            try ref.assignInPlace(result.tensor, checkShape: !TensorRef.shapeChangingInPlace.contains(name))
        }
        return .tensor(ref)
    }

    /// `receiver.name(args)` without creating a bound-method object.
    func callMethod(_ r: Value, _ name: String, _ args: Arguments, file: SourceFile, loc: SourceLocation) throws -> Value {
        try callMethod(r, name, MethodName.table[name], args, file: file, loc: loc)
    }

    /// `r.name(args)`, where `method` is the name resolved as a container's or string's method
    /// (nil when it is none of them).
    func callMethod(_ r: Value, _ name: String, _ method: MethodName?, _ args: Arguments, file: SourceFile, loc: SourceLocation) throws -> Value {
        switch r {
        case .tensor(let ref):
            if let m = tensorMethod(name) {
                do { return try callTensorMethod(ref, name, m, args) } catch { throw locate(error, file, loc) }
            }
        case .object(let o):
            if let m = o.methods[name] {
                do { return try m.call(args) } catch { throw locate(error, file, loc, through: name) }
            }
        case .set:
            do { return try Methods.call(self, r, name, args) } catch { throw locate(error, file, loc) }
        case .list, .str, .tuple:
            do {
                if let m = method, let result = try Methods.call(self, r, m, args) { return result }
                return try Methods.call(self, r, name, args)   // the error, with a closest name
            } catch { throw locate(error, file, loc) }
        case .dict(let d):
            if let fl = d.flavor, fl.methods.contains(name) {
                do { return try fl.call(self, d, name, args) } catch { throw locate(error, file, loc) }
            }
            // (a dict's keys are attributes too, for configs: `cfg.model`)
            if let m = method, m.isDictMethod {
                do { return try Methods.call(self, r, m, args) ?? .none } catch { throw locate(error, file, loc) }
            }
        default: break
        }
        let callee: Value
        do { callee = try getAttribute(r, name) } catch { throw locate(error, file, loc) }
        return try call(callee, args, file: file, loc: loc, name: name)
    }

    // MARK: Subscripts

    public static func normalizeIndex(_ i: Int, _ count: Int, _ what: String) throws -> Int {
        let j = i < 0 ? i + count : i
        guard j >= 0 && j < count else {
            throw RuntimeError("\(what) index \(i) out of range (length \(count))", kind: "IndexError")
        }
        return j
    }

    /// Python slice semantics: the indices selected from a sequence of `count` items.
    public static func sliceIndices(_ start: Int?, _ stop: Int?, _ step: Int?, count: Int) -> [Int] {
        let st = step ?? 1
        func clamp(_ v: Int?, _ dflt: Int, lo: Int, hi: Int) -> Int {
            guard var x = v else { return dflt }
            if x < 0 { x += count }
            return Swift.min(Swift.max(x, lo), hi)
        }
        var out: [Int] = []
        if st > 0 {
            let a = clamp(start, 0, lo: 0, hi: count), b = clamp(stop, count, lo: 0, hi: count)
            var i = a
            while i < b {
                out.append(i)
                let (n, o) = i.addingReportingOverflow(st)
                if o { break }
                i = n
            }
        } else {
            let a = clamp(start, count - 1, lo: -1, hi: count - 1), b = clamp(stop, -1, lo: -1, hi: count - 1)
            var i = a
            while i > b { out.append(i); i += st }
        }
        return out
    }

    func tensorIndex(_ v: Value) throws -> [TensorIndex] { try Interpreter.tensorIndex(v) }

    /// A subscript as tensor indices (ints, slices, None, `...`, bool masks, index tensors — an
    /// autograd tensor's value too), as torch reads them.
    public static func tensorIndex(_ v: Value) throws -> [TensorIndex] {
        func one(_ x: Value) throws -> TensorIndex {
            switch x {
            case .int(let i): return .int(i)
            case .bool(let b): return .tensor(Tensor.scalar(b))
            case .slice(let a, let b, let c): return .slice(a, b, c)
            case .none: return .newAxis
            case .object(let o) where o === CoreBuiltins.ellipsis: return .ellipsis
            case .tensor(let ref):
                let t = ref.tensor
                if t.rank == 0 && (t.dtype == .int64 || t.dtype == .int32) { return .int(Int(t.int64(at: 0))) }
                return .tensor(t)
            case .list:
                return .tensor(try Convert.tensor(x))
            case .object(let o) where Convert.heldTensor(o) != nil:
                return .tensor(Convert.heldTensor(o)!)
            default:
                throw RuntimeError("tensor indices must be ints, slices, None, ..., bool masks or index tensors, not \(x.typeName)", kind: "IndexError")
            }
        }
        if case .tuple(let items) = v { return try items.map(one) }
        return [try one(v)]
    }

    public func getItem(_ container: Value, _ index: Value) throws -> Value {
        switch container {
        case .list(let l):
            if case .slice(let a, let b, let c) = index {
                return .list(ListRef(Interpreter.sliceIndices(a, b, c, count: l.items.count).map { l.items[$0] }))
            }
            return l.items[try Interpreter.normalizeIndex(try Convert.int(index, what: "list index"), l.items.count, "list")]
        case .tuple(let t):
            if case .slice(let a, let b, let c) = index {
                return .tuple(Interpreter.sliceIndices(a, b, c, count: t.count).map { t[$0] })
            }
            return t[try Interpreter.normalizeIndex(try Convert.int(index, what: "tuple index"), t.count, "tuple")]
        case .str(let s):
            // Python indexes code points (a "\r\n" is two, an accent that combines is its own)
            let chars = Array(s.unicodeScalars)
            if case .slice(let a, let b, let c) = index {
                return .str(String(String.UnicodeScalarView(Interpreter.sliceIndices(a, b, c, count: chars.count).map { chars[$0] })))
            }
            return .str(String(chars[try Interpreter.normalizeIndex(try Convert.int(index, what: "string index"), chars.count, "string")]))
        case .dict(let d):
            if let v = try d.get(index) { return v }
            if let fl = d.flavor, let v = try fl.missing(self, d, index) { return v }
            let hint = (index.isStr ? closestName(to: Printer.str(index), in: d.keys.compactMap { if case .str(let s) = $0 { return s } else { return nil } }) : nil)
                .map { " (did you mean '\($0)'?)" } ?? ""
            throw Interpreter.missingKey(index, hint: hint)
        case .tensor(let ref):
            let t = ref.tensor
            return .tensor(try t.subscripted(try tensorIndex(index)))
        case .range(let a, let b, let s):
            if case .slice = index { return try getItem(.list(ListRef(try iterate(container))), index) }
            let n = try Interpreter.rangeLength(a, b, s)
            let i = try Interpreter.normalizeIndex(try Convert.int(index, what: "range index"), n, "range")
            return .int(a &+ i &* s)
        case .object(let o):
            if let g = o.special("__getitem__") { return try g.call(Arguments([index])) }
            if case .str(let k) = index, let v = o.attributes[k] { return v }
            throw RuntimeError("'\(o.typeName)' object is not subscriptable", kind: "TypeError")
        default:
            throw RuntimeError("'\(container.typeName)' object is not subscriptable", kind: "TypeError")
        }
    }

    /// `container[index] = v`. Returns what the container became when that changes its kind: a
    /// plain tensor given a value that requires grad becomes an autograd tensor (torch records
    /// the assignment), which the caller stores in its place.
    @discardableResult
    public func setItem(_ container: Value, _ index: Value, _ v: Value) throws -> Value? {
        switch container {
        case .list(let l):
            if case .slice(let a, let b, let c) = index {
                let idx = Interpreter.sliceIndices(a, b, c, count: l.items.count)
                let newItems = try iterate(v)
                if (c ?? 1) == 1 {
                    let lo = idx.first ?? Swift.min(Swift.max((a ?? 0) < 0 ? (a ?? 0) + l.items.count : (a ?? 0), 0), l.items.count)
                    l.items.replaceSubrange(lo..<(lo + idx.count), with: newItems)
                } else {
                    guard idx.count == newItems.count else {
                        throw RuntimeError("attempt to assign sequence of size \(newItems.count) to extended slice of size \(idx.count)", kind: "ValueError")
                    }
                    for (i, j) in idx.enumerated() { l.items[j] = newItems[i] }
                }
                return nil
            }
            l.items[try Interpreter.normalizeIndex(try Convert.int(index, what: "list index"), l.items.count, "list assignment")] = v
        case .dict(let d):
            try d.set(index, v)
        case .tensor(let ref):
            let index = try tensorIndex(index)
            if case .object(let o) = v, let w = (o.payload as? VariableHolder)?.heldVariable, w.requiresGrad, GradMode.isEnabled,
               let promote = library.autogradTensor {
                return promote(try Variable(ref.tensor).indexPut(index, w))
            }
            let operand = try Ops.operand(v) ?? .tensor(try Convert.tensor(v))
            try ref.tensor.assign(index, operand)
        case .object(let o):
            if let s = o.special("__setitem__") { _ = try s.call(Arguments([index, v])); return nil }
            throw RuntimeError("'\(o.typeName)' object does not support item assignment", kind: "TypeError")
        default:
            throw RuntimeError("'\(container.typeName)' object does not support item assignment", kind: "TypeError")
        }
        return nil
    }

    func deleteItem(_ container: Value, _ index: Value) throws {
        switch container {
        case .list(let l):
            if case .slice(let a, let b, let c) = index {
                let idx = Set(Interpreter.sliceIndices(a, b, c, count: l.items.count))
                l.items = l.items.enumerated().filter { !idx.contains($0.offset) }.map(\.element)
                return
            }
            l.items.remove(at: try Interpreter.normalizeIndex(try Convert.int(index), l.items.count, "list assignment"))
        case .object(let o) where o.special("__delitem__") != nil:
            _ = try o.special("__delitem__")!.call(Arguments([index]))
        case .dict(let d):
            guard try d.remove(index) != nil else { throw Interpreter.missingKey(index) }
        default:
            throw RuntimeError("'\(container.typeName)' object does not support item deletion", kind: "TypeError")
        }
    }
}

extension Value {
    var isStr: Bool { if case .str = self { return true } else { return false } }
}

extension Interpreter {
    /// `import torch`, `import math`, `from ensemble_boxes import weighted_boxes_fusion`:
    /// names of trick's built-in namespaces. Nothing is loaded from disk.
    func importModule(_ path: String) throws -> Value {
        var parts = path.split(separator: ".").map(String.init)
        let star = parts.last == "*"
        if star { parts.removeLast() }
        let modulePath = parts.joined(separator: ".")
        if let m = try Modules.module(modulePath, in: library) { return m }
        // `from M import name` arrives as M.name: a name in a module trick knows.
        if parts.count > 1 {
            let parent = parts.dropLast().joined(separator: "."), name = parts.last!
            if let m = try Modules.module(parent, in: library), !((m.objectValue?.payload) is UserModule) {
                if case .object(let o) = m, let v = try o.attributes[name] ?? o.methods[name].map({ .builtin($0) }) ?? o.getter?(name) { return v }
                let have = (m.objectValue?.attributeOrder ?? []).filter { m.objectValue?.attributes[$0].map { if case .object(let c) = $0 { return c.typeName != "module" } else { return true } } ?? false }
                let hint = closestName(to: name, in: have).map { "did you mean '\($0)'? " } ?? ""
                let why = Modules.upstreamExports(parent, name) ? "trick does not implement it yet"
                    : have.isEmpty ? "trick has no names in it, only submodules" : "\(hint)trick has: \(have.joined(separator: ", "))"
                throw RuntimeError("cannot import name '\(name)' from '\(parent)' (\(why))", kind: "ImportError")
            }
        }
        // the user's own files: a module, or a name in one (`from helpers import f`)
        if let m = try userModule(modulePath) { return m }
        if parts.count > 1, let m = try userModule(parts.dropLast().joined(separator: ".")), case .object(let o) = m {
            let name = parts.last!
            if let v = try o.getter?(name) { return v }
            let have = o.getterNames?().filter { !$0.hasPrefix("_") } ?? []
            let hint = closestName(to: name, in: have).map { "; did you mean '\($0)'?" } ?? ""
            let file = (o.payload as? UserModule)?.file.map { " (\($0))" } ?? ""
            throw RuntimeError("cannot import name '\(name)' from '\(parts.dropLast().joined(separator: "."))'\(file)\(hint)", kind: "ImportError")
        }
        if parts.count > 1, try Modules.module(String(parts[0]), in: library) != nil {
            // under one of trick's libraries: say what the nearest known module has
            var n = 1
            while n < parts.count - 1, try Modules.module(parts[..<(n + 1)].joined(separator: "."), in: library) != nil { n += 1 }
            let missing = parts[...n].joined(separator: ".")
            throw RuntimeError("No module named '\(missing)' in trick (\(Modules.known(near: missing, library)))", kind: "ModuleNotFoundError")
        }
        guard let root = parts.first, let rootValue = library.globals[root], case .object = rootValue else {
            let known = library.names.filter { if case .object(let o)? = library.globals[$0] { return o.typeName == "module" } else { return false } }
            throw RuntimeError("no module named '\(path)': neither one of trick's (\(known.sorted().joined(separator: ", "))) nor a file of yours next to the script or on sys.path", kind: "ImportError")
        }
        var v = rootValue
        for p in parts.dropFirst() {
            do { v = try getAttribute(v, p) } catch {
                throw RuntimeError("cannot import name '\(p)' from '\(root)'", kind: "ImportError")
            }
        }
        return v
    }
}

extension Interpreter {
    /// Attribute and method names of a value, for completion and `dir`.
    public func memberNames(of v: Value) -> [String] {
        switch v {
        case .object(let o): return o.memberNames
        case .tensor: return (Array(library.tensorProperties.keys) + Array(library.tensorMethods.keys)).sorted()
        case .dict(let d):
            return Methods.dictMethods + d.keys.compactMap { if case .str(let s) = $0 { return s } else { return nil } }
        default: return Methods.names(for: v)
        }
    }

    /// The signature text of a callable (for completion of keyword names and help).
    public func parameterNames(of v: Value) -> [String] {
        switch v {
        case .builtin(let b): return b.signature.parameterNames
        case .function(let f): return f.code.params.positional.map(\.name) + f.code.params.keywordOnly.map(\.name)
        case .object(let o): return o.callable?.signature.parameterNames ?? []
        default: return []
        }
    }
}
