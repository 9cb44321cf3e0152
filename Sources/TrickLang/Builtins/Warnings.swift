/// Python's `warnings` (CPython 3.11): `warn`, `simplefilter`, `filterwarnings`,
/// `resetwarnings` and `catch_warnings(record=True)`, with CPython's default filters
/// (DeprecationWarning shown for the script itself, PendingDeprecation/Import/Resource warnings
/// ignored) and actions (`error` raises the category, `ignore`, `always`, `default`/`module`/
/// `once` show a message once). A shown warning goes to stderr as `FILE: Category: message`.
/// Where trick differs: built-ins do not know the calling line, so the line number and the
/// source line CPython prints (`FILE:LINE: Category: message` then the line) are left out,
/// `lineno` of a recorded warning is 0, "default" shows a message once per text and category
/// (CPython: once per calling line), and a filter's `message` is a case-insensitive prefix,
/// not a regular expression.
enum Warnings {
    struct Filter { var action: String; var message: String; var category: String }

    final class State {
        var filters: [Filter] = [
            Filter(action: "ignore", message: "", category: "PendingDeprecationWarning"),
            Filter(action: "ignore", message: "", category: "ImportWarning"),
            Filter(action: "ignore", message: "", category: "ResourceWarning"),
        ]
        var shown = Set<String>()
        var record: ListRef?
    }

    static let actions = ["error", "ignore", "always", "default", "module", "once"]

    static func register(_ lib: Library, _ interp: Interpreter) {
        let m = Modules.std("warnings", in: lib)
        let state = State()
        func categoryName(_ v: Value, _ what: String) throws -> String {
            if v.isNone { return "UserWarning" }
            if case .builtin(let b) = v, ExceptionKinds.parent[b.name] != nil, ExceptionKinds.isSubclass(b.name, of: "Warning") { return b.name }
            throw RuntimeError("\(what) must be a Warning subclass, not '\(v.typeName)'", kind: "TypeError")
        }
        func addFilter(_ f: Filter, append: Bool) {
            if append { state.filters.append(f) } else { state.filters.insert(f, at: 0) }
            state.shown.removeAll()
        }
        m.method("warn(message, category=None, stacklevel=1, source=None)", doc: "warnings.warn: prints 'FILE: UserWarning: message' to stderr (once, by default), or raises it under an 'error' filter.") { [unowned lib] a in
            var text: String, category: String
            if case .object(let o) = a["message"], ExceptionKinds.isExceptionObject(o), case .str(let k)? = o.attributes["kind"] {
                text = Printer.str(o.attributes["message"] ?? .str(""))
                category = k
            } else {
                text = Printer.str(a["message"])
                category = try categoryName(a["category"], "category")
            }
            let lowered = text.lowercased()
            let action = state.filters.first { f in
                ExceptionKinds.isSubclass(category, of: f.category) && lowered.hasPrefix(f.message.lowercased())
            }?.action ?? "default"
            switch action {
            case "ignore": return .none
            case "error": throw RuntimeError(text, kind: category)
            default: break
            }
            let file = lib.currentFile() ?? "<stdin>"
            if let rec = state.record {
                let msg = BuiltObject(typeName: category, attributes: [("args", .tuple([.str(text)]))])
                msg.str = { text }
                msg.repr = { "\(category)(\(Printer.repr(.str(text))))" }
                let w = BuiltObject(typeName: "WarningMessage", attributes: [
                    ("message", .object(msg)), ("category", lib.globals[category] ?? .str(category)), ("filename", .str(file)),
                    ("lineno", .int(0)), ("file", .none), ("line", .none), ("source", a["source"]),
                ])
                w.str = { "{message : \(Printer.repr(.object(msg))), category : '\(category)', filename : '\(file)', lineno : 0, line : None}" }
                rec.items.append(.object(w))
                return .none
            }
            if action != "always" {
                guard state.shown.insert(category + "\u{0}" + text).inserted else { return .none }
            }
            FileIO.writeStderr("\(file): \(category): \(text)\n")
            return .none
        }
        m.method("simplefilter(action, category=None, lineno=0, append=False)", doc: "warnings.simplefilter: what to do with every warning of a category.") { a in
            let action = try a.string("action")
            guard actions.contains(action) else { throw RuntimeError("invalid action: \(Printer.repr(.str(action)))", kind: "AssertionError") }
            addFilter(Filter(action: action, message: "", category: a["category"].isNone ? "Warning" : try categoryName(a["category"], "category")), append: try a.bool("append"))
            return .none
        }
        m.method("filterwarnings(action, message='', category=None, module='', lineno=0, append=False)", doc: "warnings.filterwarnings: what to do with warnings whose text starts with message (case-insensitive).") { a in
            let action = try a.string("action")
            guard actions.contains(action) else { throw RuntimeError("invalid action: \(Printer.repr(.str(action)))", kind: "AssertionError") }
            addFilter(Filter(action: action, message: try a.string("message"), category: a["category"].isNone ? "Warning" : try categoryName(a["category"], "category")), append: try a.bool("append"))
            return .none
        }
        m.method("resetwarnings()") { _ in state.filters = []; state.shown.removeAll(); return .none }
        m.method("catch_warnings(*, record=False)", doc: "warnings.catch_warnings: filters changed inside the with-block are undone at its end; record=True collects the warnings in the list `as` binds.") { a in
            let record = try a.bool("record")
            let o = BuiltObject(typeName: "catch_warnings")
            o.repr = { "catch_warnings(record=\(record ? "True" : "False"))" }
            var saved: ([Filter], Set<String>, ListRef?)?
            o.method("__enter__()") { _ in
                saved = (state.filters, state.shown, state.record)
                guard record else { return .none }
                let l = ListRef()
                state.record = l
                return .list(l)
            }
            o.method("__exit__(exc_type, exc_value, traceback)") { _ in
                if let s = saved { (state.filters, state.shown, state.record) = s }
                return .bool(false)
            }
            return .object(o)
        }
    }
}

extension Library {
    /// `warnings.warn(text, category)` from a built-in (MMEngine's scheduler warnings), so the
    /// script's filters, `catch_warnings` and `assertWarns` see it as they see a script's warning.
    public func warn(_ text: String, category: String = "UserWarning") throws {
        guard case .object(let m)? = modules["warnings"], let warn = m.methods["warn"] else {
            FileIO.writeStderr("\(category): \(text)\n")
            return
        }
        _ = try warn.call(Arguments([.str(text), globals[category] ?? .none]))
    }
}
