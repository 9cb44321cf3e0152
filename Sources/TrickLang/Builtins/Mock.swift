/// Python's `unittest.mock` (CPython 3.11), the part test files use: `Mock` and `MagicMock`
/// (calls recorded in `called`, `call_count`, `call_args`, `call_args_list`, `mock_calls` and
/// `method_calls`, the parent's lists too, as CPython; `return_value`, `side_effect` as a
/// function, an exception or an iterable; attributes made on first use, each a mock named after
/// its path; `spec`/`spec_set`; `assert_called*`, `assert_any_call`, `assert_has_calls`,
/// `assert_not_called`, `reset_mock`, `configure_mock`; MagicMock's magic methods with
/// CPython's default results), `call`, `ANY`, `DEFAULT`, `sentinel`, and `patch` (Patch.swift).
/// Where trick differs: a mock's `id` in its repr is trick's own number for the object; `spec`
/// of a built-in type (`spec=torch.optim.Optimizer`) limits nothing (trick cannot list a
/// built-in type's attributes) but makes `isinstance` true, as CPython.
enum Mock {
    /// A side effect as CPython keeps it: a callable, an exception, or an iterator of results.
    enum SideEffect {
        case none
        case callable(Value)
        case exception(Value)
        case results([Value], Int)
    }

    /// One mock's state (the `_mock_*` fields of CPython's NonCallableMock).
    final class State: ReferenceBases, ClassSpecified {
        let magic: Bool
        var name: String?                         // _mock_name
        var newName = ""                          // _mock_new_name: the attribute, or "()" for a return value
        weak var parent: BuiltObject?             // _mock_parent: set for attribute children only
        weak var newParent: BuiltObject?          // _mock_new_parent
        var returnValue: Value?                   // nil: DEFAULT, a child mock made on first use
        var sideEffect = SideEffect.none
        var wraps: Value = .none
        var spec: Set<String>?                    // names a spec allows
        var specClass: Value = .none
        var specSet = false
        var deleted = Set<String>()
        var callCount = 0
        var callArgs: Value = .none
        var callArgsList = ListRef([])
        var mockCalls = ListRef([])
        var methodCalls = ListRef([])
        var children: [BuiltObject] = []
        var referenceBases: [String] {
            var b = magic ? ["MagicMock", "MagicMixin", "Mock"] : ["Mock"]
            b += ["CallableMixin", "NonCallableMock", "Base"]
            if case .builtin(let t) = specClass { b.append(t.name) }
            return b
        }
        var specifiedClass: ClassInfo? { (specClass.objectValue?.payload as? ClassInfo) }
        init(magic: Bool) { self.magic = magic }
    }

    /// `mock.DEFAULT`, `mock.ANY` and the sentinels: objects compared by identity (ANY: equal to everything).
    static let defaultSentinel: BuiltObject = {
        let o = BuiltObject(typeName: "_SentinelObject")
        o.repr = { "sentinel.DEFAULT" }
        return o
    }()

    static func isDefault(_ v: Value) -> Bool {
        if case .object(let o) = v { return o === defaultSentinel }
        return false
    }

    static let any: BuiltObject = {
        let o = BuiltObject(typeName: "_ANY")
        o.repr = { "<ANY>" }
        o.method("__eq__(other)") { _ in .bool(true) }
        o.method("__ne__(other)") { _ in .bool(false) }
        return o
    }()

    /// Equality as mock compares call arguments: ANY on either side matches.
    static func equal(_ a: Value, _ b: Value) -> Bool {
        if case .object(let o) = a, o === any { return true }
        if case .object(let o) = b, o === any { return true }
        switch (a, b) {
        case (.tuple(let x), .tuple(let y)): return x.count == y.count && zip(x, y).allSatisfy { equal($0, $1) }
        case (.list(let x), .list(let y)): return x.items.count == y.items.count && zip(x.items, y.items).allSatisfy { equal($0, $1) }
        default: return (try? Ops.compare(.eq, a, b).truthy()) ?? false
        }
    }

    static func register(_ lib: Library, _ interp: Interpreter) {
        let m = Modules.std("unittest.mock", in: lib)
        for magic in [false, true] {
            let name = magic ? "MagicMock" : "Mock"
            let doc = magic ? "unittest.mock.MagicMock: a Mock whose magic methods (__len__, __iter__, __enter__, …) are mocks with CPython's default results."
                : "unittest.mock.Mock: a callable that records its calls and makes attributes (child mocks) on first use."
            let f = BuiltinFunction("\(name)(spec=None, side_effect=None, return_value=DEFAULT, wraps=None, name=None, spec_set=None, unsafe=False, **kwargs)", doc: doc) { [unowned interp] a in
                var rv = a["return_value"]
                if case .str("DEFAULT") = rv { rv = .object(defaultSentinel) }
                return try make(interp, magic: magic, spec: a["spec_set"].isNone ? a["spec"] : a["spec_set"], specSet: !a["spec_set"].isNone,
                                sideEffect: a["side_effect"], returnValue: rv, wraps: a["wraps"], name: a.optionalString("name"), configure: a.kwargs)
            }
            m.set(name, .builtin(f))
        }
        m.set("NonCallableMock", m.attributes["Mock"]!)
        m.set("NonCallableMagicMock", m.attributes["MagicMock"]!)
        m.set("DEFAULT", .object(defaultSentinel))
        m.set("ANY", .object(any))
        m.set("call", makeCall(name: "", args: nil, kwargs: []))
        m.set("sentinel", .object(sentinels()))
        Patch.register(m, interp)
        Modules.std("unittest", in: lib).set("mock", .object(m))
    }

    // MARK: making a mock

    static func make(_ interp: Interpreter, magic: Bool, spec: Value = .none, specSet: Bool = false, sideEffect: Value = .none,
                     returnValue: Value = .object(defaultSentinel), wraps: Value = .none, name: String? = nil,
                     configure: [(String, Value)] = []) throws -> Value {
        let s = State(magic: magic)
        s.name = name
        s.wraps = wraps
        s.specSet = specSet
        if !isDefault(returnValue) { s.returnValue = returnValue }
        let o = BuiltObject(typeName: magic ? "MagicMock" : "Mock", payload: s)
        try applySpec(interp, o, s, spec)
        o.repr = { [unowned o] in
            let path = mockPath(o)
            let named = path == "mock" ? "" : " name='\(path)'"
            let specText: String
            switch s.specClass {
            case .object(let c): specText = " spec='\(Printer.str(c.attributes["__name__"] ?? .str(c.typeName)))'"
            case .builtin(let b): specText = " spec='\(b.name)'"
            default: specText = ""
            }
            return "<\(o.typeName)\(named)\(specText) id='\(objectNumber(o))'>"
        }
        o.callable = BuiltinFunction(raw: "\(o.typeName)(*args, **kwargs)") { [unowned interp, unowned o] args in
            try callMock(interp, o, args)
        }
        o.getter = { [unowned interp, unowned o] attr in try attribute(interp, o, attr) }
        o.getterNames = { ["return_value", "side_effect", "called", "call_count", "call_args", "call_args_list", "mock_calls", "method_calls"] }
        o.setter = { [unowned interp, unowned o] attr, v in try setAttribute(interp, o, attr, v) }
        if magic {
            o.specialLookup = { [unowned interp, unowned o] name in
                guard magicDefaults[name] != nil, !s.deleted.contains(name),
                      case .object(let child)? = o.attributes[name] ?? (try? attribute(interp, o, name)) else { return nil }
                return child.callable
            }
        }
        addMethods(interp, o, s)
        if !sideEffect.isNone { try setAttribute(interp, o, "side_effect", sideEffect) }
        try configureMock(interp, o, configure)
        return .object(o)
    }

    static func applySpec(_ interp: Interpreter, _ o: BuiltObject, _ s: State, _ spec: Value) throws {
        switch spec {
        case .none: return
        case .list, .tuple:
            s.spec = Set(try interp.iterate(spec).map { Printer.str($0) })
        case .object(let c) where c.payload is ClassInfo:
            let info = c.payload as! ClassInfo
            s.specClass = spec
            s.spec = Set(info.mro.flatMap(\.order))
        case .builtin:
            s.specClass = spec
        default:
            s.spec = Set(interp.memberNames(of: spec))
            if case .object(let inst) = spec, let cls = inst.instanceClass as? ClassInfo { s.specClass = .object(cls.object) }
        }
    }

    /// A number that stays the object's while it lives (CPython prints `id(mock)`).
    static func objectNumber(_ o: BuiltObject) -> Int { Int(bitPattern: UInt(bitPattern: ObjectIdentifier(o).hashValue)) }

    static func state(_ v: Value) -> State? {
        if case .object(let o) = v { return o.payload as? State }
        return nil
    }

    /// CPython's `_extract_mock_name`: the dotted path from the root mock, `()` for return values.
    static func mockPath(_ o: BuiltObject) -> String {
        guard let s = o.payload as? State else { return "mock" }
        var names = [s.newName]
        var dot = s.newName == "()" ? "" : "."
        var last = s
        var next = s.newParent
        while let p = next, let ps = p.payload as? State {
            last = ps
            names.append(ps.newName + dot)
            dot = ps.newName == "()" ? "" : "."
            next = ps.newParent
        }
        names.reverse()
        var first = last.name ?? "mock"
        if names.count > 1, names[1] != "()", names[1] != "()." { first += "." }
        names[0] = first
        return names.joined()
    }

    /// The name a failure message shows (`_mock_name or 'mock'`).
    static func shownName(_ s: State) -> String { s.name ?? "mock" }

    // MARK: attributes

    static let reservedAttributes: Set<String> = ["return_value", "side_effect", "called", "call_count", "call_args",
                                                  "call_args_list", "mock_calls", "method_calls"]

    /// The magic methods a MagicMock supports, with what each returns by default (nil: a child
    /// MagicMock, as `__enter__` and `__getitem__` do).
    static let magicDefaults: [String: Value?] = [
        "__len__": .int(0), "__iter__": .list(ListRef([])), "__contains__": .bool(false), "__bool__": .bool(true),
        "__int__": .int(1), "__float__": .float(1.0), "__index__": .int(1), "__exit__": .bool(false),
        "__enter__": nil, "__getitem__": nil, "__setitem__": nil, "__delitem__": nil, "__eq__": nil, "__ne__": nil,
        "__str__": nil, "__hash__": nil,
    ]

    static func attribute(_ interp: Interpreter, _ o: BuiltObject, _ attr: String) throws -> Value? {
        guard let s = o.payload as? State else { return nil }
        switch attr {
        case "return_value": return try returnValue(interp, o, s)
        case "side_effect":
            switch s.sideEffect {
            case .none: return Value.none
            case .callable(let f): return f
            case .exception(let e): return e
            case .results(let items, let i): return .list(ListRef(Array(items[i...])))
            }
        case "called": return .bool(s.callCount > 0)
        case "call_count": return .int(s.callCount)
        case "call_args": return s.callArgs
        case "call_args_list": return callList(s.callArgsList)
        case "mock_calls": return callList(s.mockCalls)
        case "method_calls": return callList(s.methodCalls)
        case "__class__": return s.specClass.isNone ? interp.library.modules["unittest.mock"].flatMap { $0.objectValue?.attributes[o.typeName] } : s.specClass
        case "__name__" where s.name != nil: return .str(s.name!)
        default: break
        }
        if s.deleted.contains(attr) { throw RuntimeError(attr, kind: "AttributeError") }
        let isDunder = attr.hasPrefix("__") && attr.hasSuffix("__")
        if isDunder {
            guard s.magic, let dflt = magicDefaults[attr] else { throw RuntimeError(attr, kind: "AttributeError") }
            let child = try newChild(interp, o, s, attr, magic: true)
            if let c = child.payload as? State {
                if let d = dflt { c.returnValue = d }
                if attr == "__eq__" || attr == "__ne__" {
                    // identity, unless a return_value is set
                    let equal = attr == "__eq__"
                    c.sideEffect = .callable(.builtin(BuiltinFunction("\(attr)(other)") { [unowned o, unowned c] b in
                        if let rv = c.returnValue { return rv }
                        if case .object(let x) = b["other"], x === o { return .bool(equal) }
                        return .bool(!equal)
                    }))
                } else if attr == "__str__" || attr == "__hash__" {
                    c.sideEffect = .callable(.builtin(BuiltinFunction("\(attr)()") { [unowned o, unowned c] _ in
                        if let rv = c.returnValue { return rv }
                        return attr == "__str__" ? .str(o.repr?() ?? "") : .int(objectNumber(o))
                    }))
                }
            }
            o.set(attr, .object(child))
            return .object(child)
        }
        if let spec = s.spec, !spec.contains(attr) {
            throw RuntimeError("Mock object has no attribute '\(attr)'", kind: "AttributeError")
        }
        if ["assert", "assret", "asert", "aseert", "assrt"].contains(where: { attr.hasPrefix($0) }) {
            throw RuntimeError("'\(attr)' is not a valid assertion. Use a spec for the mock if '\(attr)' is meant to be an attribute.", kind: "AttributeError")
        }
        var wraps = Value.none
        if !s.wraps.isNone { wraps = try interp.getAttribute(s.wraps, attr) }
        let child = try newChild(interp, o, s, attr, magic: s.magic, wraps: wraps)
        o.set(attr, .object(child))
        return .object(child)
    }

    static func newChild(_ interp: Interpreter, _ o: BuiltObject, _ s: State, _ attr: String, magic: Bool, wraps: Value = .none) throws -> BuiltObject {
        guard case .object(let child) = try make(interp, magic: magic, wraps: wraps, name: attr), let c = child.payload as? State else {
            throw RuntimeError("could not make a child mock")
        }
        c.parent = o
        c.newParent = o
        c.newName = attr
        s.children.append(child)
        return child
    }

    static func returnValue(_ interp: Interpreter, _ o: BuiltObject, _ s: State) throws -> Value {
        if let rv = s.returnValue { return rv }
        guard case .object(let child) = try make(interp, magic: s.magic), let c = child.payload as? State else { return .none }
        c.newParent = o
        c.newName = "()"
        s.returnValue = .object(child)
        return .object(child)
    }

    static func setAttribute(_ interp: Interpreter, _ o: BuiltObject, _ attr: String, _ v: Value) throws {
        guard let s = o.payload as? State else { return }
        switch attr {
        case "return_value":
            if let c = state(v), c.newParent == nil, c.name == nil, case .object(let child) = v { c.newParent = o; c.newName = "()"; _ = child }
            s.returnValue = v
            return
        case "side_effect":
            s.sideEffect = try sideEffect(interp, v)
            return
        case "called", "call_count", "call_args", "call_args_list", "mock_calls", "method_calls":
            throw RuntimeError("trick's mocks keep '\(attr)' themselves; use reset_mock()", kind: "AttributeError")
        default: break
        }
        if s.specSet, let spec = s.spec, !spec.contains(attr) {
            throw RuntimeError("Mock object has no attribute '\(attr)'", kind: "AttributeError")
        }
        s.deleted.remove(attr)
        // a mock with no name and no parent assigned as an attribute becomes a child (CPython's _check_and_set_parent)
        if let c = state(v), c.parent == nil, c.newParent == nil, c.name == nil, case .object(let child) = v, child !== o {
            c.parent = o
            c.newParent = o
            c.newName = attr
            c.name = attr
            s.children.append(child)
        }
        o.methods[attr] = nil
        o.set(attr, v)
    }

    /// An exception class or instance (CPython's `_is_exception`).
    static func isException(_ v: Value) -> Bool {
        switch v {
        case .builtin(let b): return ExceptionKinds.parent[b.name] != nil
        case .object(let o):
            return ExceptionKinds.isExceptionObject(o) || (o.instanceClass as? ClassInfo)?.exceptionBase != nil || (o.payload as? ClassInfo)?.exceptionBase != nil
        default: return false
        }
    }

    static func sideEffect(_ interp: Interpreter, _ v: Value) throws -> SideEffect {
        if isException(v) { return .exception(v) }
        switch v {
        case .none: return .none
        case .function, .builtin: return .callable(v)
        case .object(let o) where o.callable != nil: return .callable(v)
        default: return .results(try interp.iterate(v), 0)
        }
    }

    // MARK: calling

    static func callMock(_ interp: Interpreter, _ o: BuiltObject, _ args: Arguments) throws -> Value {
        guard let s = o.payload as? State else { return .none }
        record(o, s, args)
        switch s.sideEffect {
        case .none: break
        case .exception(let e): try raise(interp, e)
        case .callable(let f):
            let r = try interp.call(f, args)
            if !isDefault(r) { return r }
            return try returnValue(interp, o, s)
        case .results(let items, let i):
            guard i < items.count else { throw RuntimeError("", kind: "StopIteration") }
            s.sideEffect = .results(items, i + 1)
            if isException(items[i]) { try raise(interp, items[i]) }
            return items[i]
        }
        if !s.wraps.isNone, s.returnValue == nil { return try interp.call(s.wraps, args) }
        return try returnValue(interp, o, s)
    }

    /// Raises an exception class or instance (a built-in's or a trick class's), as `raise` does.
    static func raise(_ interp: Interpreter, _ e: Value) throws -> Never {
        var ex = e
        if case .object(let c) = ex, let ci = c.payload as? ClassInfo, ci.exceptionBase != nil { ex = try interp.instantiate(ci, Arguments()) }
        switch ex {
        case .builtin(let b): throw RuntimeError("", kind: b.name)
        case .object(let o) where ExceptionKinds.isExceptionObject(o):
            throw RuntimeError(Printer.str(o.attributes["message"] ?? .str("")), kind: Printer.str(o.attributes["kind"] ?? .str("Exception")))
        case .object(let o):
            let cls = (o.instanceClass as? ClassInfo)?.name ?? o.typeName
            let msg = Printer.str(ex)
            var t = TrickError(.runtime, msg.isEmpty ? cls : "\(cls): \(msg)")
            t.kind = cls
            t.raised = o
            throw t
        default:
            throw RuntimeError("exceptions must derive from BaseException", kind: "TypeError")
        }
    }

    /// CPython's `_increment_mock_call`: the call goes into this mock's lists and, named by its
    /// path, into every parent's `mock_calls` (and `method_calls` along attribute links).
    static func record(_ o: BuiltObject, _ s: State, _ args: Arguments) {
        let positional = args.positional, keywords = args.keywords
        s.callCount += 1
        let twoTuple = makeCall(name: nil, args: positional, kwargs: keywords)
        s.callArgs = twoTuple
        s.callArgsList.items.append(twoTuple)
        s.mockCalls.items.append(makeCall(name: "", args: positional, kwargs: keywords))
        var doMethodCalls = s.parent != nil
        var methodCallName = s.name ?? ""
        var mockCallName = s.newName
        var isACall = mockCallName == "()"
        var next = s.newParent
        while let p = next, let ps = p.payload as? State {
            if doMethodCalls {
                ps.methodCalls.items.append(makeCall(name: methodCallName, args: positional, kwargs: keywords))
                doMethodCalls = ps.parent != nil
                if doMethodCalls { methodCallName = (ps.name ?? "") + "." + methodCallName }
            }
            ps.mockCalls.items.append(makeCall(name: mockCallName, args: positional, kwargs: keywords))
            if !ps.newName.isEmpty {
                let dot = isACall ? "" : "."
                isACall = ps.newName == "()"
                mockCallName = ps.newName + dot + mockCallName
            }
            next = ps.newParent
        }
    }

    // MARK: the assertion methods

    static func addMethods(_ interp: Interpreter, _ o: BuiltObject, _ s: State) {
        func signature(_ args: [Value], _ kwargs: [(String, Value)]) -> String {
            callText(shownName(s), args, kwargs)
        }
        func callsRepr(_ prefix: String = "Calls") -> String {
            s.mockCalls.items.isEmpty ? "" : "\n\(prefix): \(Printer.repr(.list(s.mockCalls)))."
        }
        func fail(_ msg: String) -> RuntimeError { RuntimeError(msg, kind: "AssertionError") }
        o.method("assert_called()") { _ in
            if s.callCount == 0 { throw fail("Expected '\(shownName(s))' to have been called.") }
            return .none
        }
        o.method("assert_called_once()") { _ in
            if s.callCount != 1 { throw fail("Expected '\(shownName(s))' to have been called once. Called \(s.callCount) times.\(callsRepr())") }
            return .none
        }
        o.method("assert_not_called()") { _ in
            if s.callCount != 0 { throw fail("Expected '\(shownName(s))' to not have been called. Called \(s.callCount) times.\(callsRepr())") }
            return .none
        }
        func assertCalledWith(_ args: [Value], _ kwargs: [(String, Value)]) throws {
            let expected = signature(args, kwargs)
            guard let actual = callRecord(s.callArgs) else {
                throw fail("expected call not found.\nExpected: \(expected)\n  Actual: not called.")
            }
            if !argumentsEqual(actual.args ?? [], actual.kwargs, args, kwargs) {
                throw fail("expected call not found.\nExpected: \(expected)\n  Actual: \(signature(actual.args ?? [], actual.kwargs))")
            }
        }
        o.method("assert_called_with(*args, **kwargs)") { a in try assertCalledWith(a.varargs, a.kwargs); return .none }
        o.method("assert_called_once_with(*args, **kwargs)") { a in
            if s.callCount != 1 { throw fail("Expected '\(shownName(s))' to be called once. Called \(s.callCount) times.\(callsRepr())") }
            try assertCalledWith(a.varargs, a.kwargs)
            return .none
        }
        o.method("assert_any_call(*args, **kwargs)") { a in
            let found = s.callArgsList.items.contains { c in
                guard let r = callRecord(c) else { return false }
                return argumentsEqual(r.args ?? [], r.kwargs, a.varargs, a.kwargs)
            }
            if !found { throw fail("\(signature(a.varargs, a.kwargs)) call not found") }
            return .none
        }
        o.method("assert_has_calls(calls, any_order=False)") { [unowned interp] a in
            let expected = try interp.iterate(a["calls"])
            let actual = s.mockCalls.items
            let ok: Bool
            if try a.bool("any_order") {
                var left = actual
                ok = expected.allSatisfy { e in
                    guard let i = left.firstIndex(where: { callsEqual($0, e) }) else { return false }
                    left.remove(at: i)
                    return true
                }
            } else if expected.isEmpty {
                ok = true
            } else {
                ok = actual.count >= expected.count && (0...(actual.count - expected.count)).contains { start in
                    expected.indices.allSatisfy { callsEqual(actual[start + $0], expected[$0]) }
                }
            }
            if !ok {
                let actualText = callsRepr("Actual")
                throw fail("Calls not found.\nExpected: \(Printer.repr(.list(ListRef(expected))))\(actualText.hasSuffix(".") ? String(actualText.dropLast()) : actualText)")
            }
            return .none
        }
        o.method("reset_mock(return_value=False, side_effect=False)") { a in
            reset(s, returnValue: try a.bool("return_value"), sideEffect: try a.bool("side_effect"))
            return .none
        }
        o.method("configure_mock(**kwargs)") { [unowned interp, unowned o] a in
            try configureMock(interp, o, a.kwargs)
            return .none
        }
        o.method("attach_mock(mock, attribute)") { [unowned interp, unowned o] a in
            guard let c = state(a["mock"]) else { throw RuntimeError("attach_mock() needs a mock", kind: "TypeError") }
            let attr = try a.string("attribute")
            c.parent = nil; c.newParent = nil; c.name = nil
            try setAttribute(interp, o, attr, a["mock"])
            return .none
        }
        o.method("__dir__()") { [unowned o] _ in .list(ListRef(o.attributeOrder.map { .str($0) })) }
    }

    static func reset(_ s: State, returnValue: Bool, sideEffect: Bool) {
        s.callCount = 0
        s.callArgs = .none
        s.callArgsList.items.removeAll()
        s.mockCalls.items.removeAll()
        s.methodCalls.items.removeAll()
        if sideEffect { s.sideEffect = .none }
        for child in s.children { if let c = child.payload as? State { reset(c, returnValue: false, sideEffect: false) } }
        if returnValue { s.returnValue = nil } else if let rv = s.returnValue, let c = state(rv), c.newParent != nil { reset(c, returnValue: false, sideEffect: false) }
    }

    /// `configure_mock(**{'method.return_value': 3, 'other.side_effect': KeyError})`.
    static func configureMock(_ interp: Interpreter, _ o: BuiltObject, _ kwargs: [(String, Value)]) throws {
        // CPython sorts by the number of dots, so parents are configured before their children
        for (key, v) in kwargs.sorted(by: { $0.0.filter { $0 == "." }.count < $1.0.filter { $0 == "." }.count }) {
            var parts = key.split(separator: ".").map(String.init)
            let last = parts.removeLast()
            var target = Value.object(o)
            for p in parts { target = try interp.getAttribute(target, p) }
            try interp.setAttribute(target, last, v)
        }
    }

    // MARK: call objects

    /// One recorded call (CPython's `_Call`): `name` is nil for `call_args` (a two-tuple,
    /// `(args, kwargs)`), `args` nil for a `call.name` not called yet.
    final class CallRecord {
        let name: String?
        let args: [Value]?
        let kwargs: [(String, Value)]
        init(_ name: String?, _ args: [Value]?, _ kwargs: [(String, Value)]) {
            self.name = name
            self.args = args
            self.kwargs = kwargs
        }
    }

    static func callRecord(_ v: Value) -> CallRecord? {
        if case .object(let o) = v { return o.payload as? CallRecord }
        return nil
    }

    static func callText(_ name: String, _ args: [Value], _ kwargs: [(String, Value)]) -> String {
        name + "(" + (args.map(Printer.repr) + kwargs.map { "\($0)=\(Printer.repr($1))" }).joined(separator: ", ") + ")"
    }

    static func argumentsEqual(_ a: [Value], _ ak: [(String, Value)], _ b: [Value], _ bk: [(String, Value)]) -> Bool {
        guard a.count == b.count, ak.count == bk.count, zip(a, b).allSatisfy({ equal($0, $1) }) else { return false }
        return ak.allSatisfy { k, v in bk.contains { $0.0 == k && equal(v, $0.1) } }
    }

    /// `_Call.__eq__`: names are compared only when both calls have one.
    static func callsEqual(_ x: Value, _ y: Value) -> Bool {
        guard let a = callRecord(x) else { return false }
        var other: CallRecord? = callRecord(y)
        if other == nil, let t = Collections.tupleItems(y) {
            // the tuple forms: (args, kwargs), (name, args, kwargs), (args,), (kwargs,)
            func kw(_ v: Value) -> [(String, Value)]? {
                guard case .dict(let d) = v else { return nil }
                return d.pairs.compactMap { k, v in if case .str(let s) = k { return (s, v) } else { return nil } }
            }
            switch t.count {
            case 3: if case .str(let n) = t[0], let args = Collections.tupleItems(t[1]), let k = kw(t[2]) { other = CallRecord(n, args, k) }
            case 2:
                if let args = Collections.tupleItems(t[0]), let k = kw(t[1]) { other = CallRecord(nil, args, k) }
                else if case .str(let n) = t[0], let args = Collections.tupleItems(t[1]) { other = CallRecord(n, args, []) }
            case 1:
                if let args = Collections.tupleItems(t[0]) { other = CallRecord(nil, args, []) } else if let k = kw(t[0]) { other = CallRecord(nil, [], k) }
            default: break
            }
        }
        guard let b = other else { return false }
        if let n = a.name, let m = b.name, n != m { return false }
        return argumentsEqual(a.args ?? [], a.kwargs, b.args ?? [], b.kwargs)
    }

    static func makeCall(name: String?, args: [Value]?, kwargs: [(String, Value)]) -> Value {
        let r = CallRecord(name, args, kwargs)
        let o = BuiltObject(typeName: "_Call", payload: r)
        o.repr = {
            let n = r.name ?? ""
            let head = n.isEmpty ? "call" : n.hasPrefix("()") ? "call" + n : "call." + n
            guard let args = r.args else { return head }
            return callText(head, args, r.kwargs)
        }
        let items: [Value] = {
            let a = Value.tuple(r.args ?? []), k = Value.dict(r.kwargs)
            return r.name == nil ? [a, k] : [.str(r.name!), a, k]
        }()
        o.set("args", .tuple(r.args ?? []))
        o.set("kwargs", items.last!)
        o.setter = { _, _ in throw RuntimeError("can't set attributes of a call object", kind: "AttributeError") }
        o.method("__eq__(other)") { [unowned o] a in .bool(callsEqual(.object(o), a["other"])) }
        o.method("__ne__(other)") { [unowned o] a in .bool(!callsEqual(.object(o), a["other"])) }
        o.method("__len__()") { _ in .int(items.count) }
        o.method("__iter__()") { _ in .tuple(items) }
        o.method("__getitem__(i)") { a in
            items[try Interpreter.normalizeIndex(try Convert.int(a["i"], what: "tuple index"), items.count, "tuple")]
        }
        o.callable = BuiltinFunction(raw: "call(*args, **kwargs)") { args in
            let base = r.name ?? ""
            let n = r.args == nil ? base : base + "()"
            return makeCall(name: n, args: args.positional, kwargs: args.keywords)
        }
        o.getter = { attr in
            guard !(attr.hasPrefix("__") && attr.hasSuffix("__")) else { return nil }
            let base = r.name ?? ""
            if r.args == nil { return makeCall(name: base.isEmpty ? attr : base + "." + attr, args: nil, kwargs: []) }
            return makeCall(name: base + "()." + attr, args: nil, kwargs: [])
        }
        o.method("call_list()") { [unowned o] _ in .list(ListRef([.object(o)])) }
        return .object(o)
    }

    /// A mock's list of calls (CPython's `_CallList`, a list whose `==` compares the calls as
    /// `call` objects do, and whose `in` finds a run of calls).
    static func callList(_ l: ListRef) -> Value {
        let o = BuiltObject(typeName: "_CallList")
        o.repr = { Printer.repr(.list(l)) }
        func sameCalls(_ other: Value) -> Bool {
            guard let items = (listItems(other)) else { return false }
            return items.count == l.items.count && zip(l.items, items).allSatisfy { callsEqual($0, $1) }
        }
        o.method("__eq__(other)") { a in .bool(sameCalls(a["other"])) }
        o.method("__ne__(other)") { a in .bool(!sameCalls(a["other"])) }
        o.method("__len__()") { _ in .int(l.items.count) }
        o.method("__iter__()") { _ in .list(ListRef(l.items)) }
        o.method("__getitem__(i)") { a in
            if case .slice(let x, let y, let z) = a["i"] {
                return .list(ListRef(Interpreter.sliceIndices(x, y, z, count: l.items.count).map { l.items[$0] }))
            }
            return l.items[try Interpreter.normalizeIndex(try Convert.int(a["i"], what: "list index"), l.items.count, "list")]
        }
        o.method("__contains__(value)") { a in
            let v = a["value"]
            guard let run = listItems(v) else { return .bool(l.items.contains { callsEqual($0, v) }) }
            if run.isEmpty { return .bool(true) }
            guard run.count <= l.items.count else { return .bool(false) }
            return .bool((0...(l.items.count - run.count)).contains { i in run.indices.allSatisfy { callsEqual(l.items[i + $0], run[$0]) } })
        }
        o.method("count(value)") { a in .int(l.items.filter { callsEqual($0, a["value"]) }.count) }
        o.method("index(value)") { a in
            guard let i = l.items.firstIndex(where: { callsEqual($0, a["value"]) }) else { throw RuntimeError("value is not in list", kind: "ValueError") }
            return .int(i)
        }
        o.payload = CallListItems(l)
        return .object(o)
    }

    final class CallListItems { let list: ListRef; init(_ l: ListRef) { list = l } }

    /// A list's items, or a call list's.
    static func listItems(_ v: Value) -> [Value]? {
        if case .list(let l) = v { return l.items }
        if case .object(let o) = v, let c = o.payload as? CallListItems { return c.list.items }
        return nil
    }

    /// `mock.sentinel`: `sentinel.name` is the same unique object each time.
    static func sentinels() -> BuiltObject {
        let o = BuiltObject(typeName: "_Sentinel")
        o.repr = { "sentinel" }
        o.getter = { [unowned o] attr in
            guard !(attr.hasPrefix("__") && attr.hasSuffix("__")) else { return nil }
            if attr == "DEFAULT" { return .object(defaultSentinel) }
            let s = BuiltObject(typeName: "_SentinelObject", attributes: [("name", .str(attr))])
            s.repr = { "sentinel.\(attr)" }
            o.set(attr, .object(s))
            return .object(s)
        }
        return o
    }
}
