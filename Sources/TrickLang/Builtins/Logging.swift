import TrickCore

/// Python's `logging` as library code and tests use it (CPython 3.11): named loggers
/// (`getLogger`, the dotted hierarchy, `propagate`), levels, `debug`/`info`/`warning`/`error`/
/// `critical`/`log` with %-style arguments, and unittest's `assertLogs(logger, level)`; and
/// MMEngine's `mmengine.logging`: `MMLogger` (`get_instance`, `get_current_instance`), `print_log`
/// and `MessageHub` (`update_scalar`, `log_scalars`, `update_info`, `get_info`).
/// Where trick differs: handlers and formatters are not configurable (`addHandler` keeps the
/// handler but nothing is sent to it); a record no `assertLogs` captures is written to stderr —
/// as CPython's last-resort handler for a plain logger (WARNING and above, the message alone),
/// as MMEngine's stream handler for an MMLogger but without its time stamp, so runs compare
/// (`name - LEVEL - message`).
enum Logging {
    static let levels: [(String, Int)] = [("CRITICAL", 50), ("ERROR", 40), ("WARNING", 30), ("INFO", 20), ("DEBUG", 10), ("NOTSET", 0)]

    static func levelName(_ n: Int) -> String { levels.first { $0.1 == n }?.0 ?? "Level \(n)" }

    /// A logger's state; `captures` are the `assertLogs` blocks around it: the records each keeps
    /// and their `LEVEL:name:message` lines (`cm.output`, filled as records come, as CPython's).
    final class Logger {
        let name: String
        var level: Int
        var propagate = true
        let mmengine: Bool
        var captures: [(records: ListRef, output: ListRef)] = []
        let handlers = ListRef([])
        init(name: String, level: Int, mmengine: Bool) {
            self.name = name
            self.level = level
            self.mmengine = mmengine
        }
    }

    final class Registry {
        var loggers: [String: BuiltObject] = [:]
        var currentMM: BuiltObject?
        var currentHub: BuiltObject?
        var hubs: [String: BuiltObject] = [:]
        var root: BuiltObject?
    }

    static func register(_ lib: Library, _ interp: Interpreter) {
        let m = Modules.std("logging", in: lib)
        let registry = Registry()
        for (name, n) in levels { m.set(name, .int(n)) }
        m.set("WARN", .int(30))
        m.set("FATAL", .int(50))
        let root = makeLogger("root", level: 30, mmengine: false, registry, interp)
        registry.root = root
        m.set("root", .object(root))
        m.method("getLogger(name=None)", doc: "logging.getLogger: the logger of that dotted name (the root logger for None), made once.") { [unowned interp] a in
            guard case .str(let name) = a["name"], name != "root" else { return .object(root) }
            if let l = registry.loggers[name] { return .object(l) }
            let l = makeLogger(name, level: 0, mmengine: false, registry, interp)
            registry.loggers[name] = l
            return .object(l)
        }
        m.method("getLevelName(level)") { a in
            if case .int(let n) = a["level"] { return .str(levelName(n)) }
            let s = Printer.str(a["level"])
            return levels.first { $0.0 == s }.map { .int($0.1) } ?? .str("Level \(s)")
        }
        m.method("basicConfig(**kwargs)", doc: "Accepted; sets the root logger's level when `level=` is given.") { a in
            if let lv = a.kwargs.first(where: { $0.0 == "level" })?.1, let p = root.payload as? Logger { p.level = try levelNumber(lv) }
            return .none
        }
        for (fn, lv) in [("debug", 10), ("info", 20), ("warning", 30), ("error", 40), ("critical", 50)] {
            m.method("\(fn)(msg, *args)") { a in
                try emit(root, lv, try format(a["msg"], a.varargs), registry)
                return .none
            }
        }
        registerMMEngine(lib, interp, registry)
    }

    static func levelNumber(_ v: Value) throws -> Int {
        switch v {
        case .int(let n): return n
        case .str(let s):
            guard let n = levels.first(where: { $0.0 == s.uppercased() })?.1 else { throw RuntimeError("Unknown level: \(Printer.repr(v))", kind: "ValueError") }
            return n
        default: throw RuntimeError("Level not an integer or a valid string: \(Printer.repr(v))", kind: "TypeError")
        }
    }

    /// `msg % args`, as LogRecord.getMessage.
    static func format(_ msg: Value, _ args: [Value]) throws -> String {
        guard !args.isEmpty else { return Printer.str(msg) }
        let values = args.count == 1 ? args[0] : .tuple(args)
        return Printer.str(try Ops.binary(.mod, .str(Printer.str(msg)), values))
    }

    static func makeLogger(_ name: String, level: Int, mmengine: Bool, _ registry: Registry, _ interp: Interpreter) -> BuiltObject {
        let state = Logger(name: name, level: level, mmengine: mmengine)
        let o = BuiltObject(typeName: mmengine ? "MMLogger" : "Logger", payload: state)
        o.repr = { "<\(mmengine ? "MMLogger" : "Logger") \(name) (\(levelName(state.level)))>" }
        o.set("name", .str(name))
        o.set("handlers", .list(state.handlers))
        if mmengine { o.set("instance_name", .str(name)) }
        o.getter = { attr in
            switch attr {
            case "level": return .int(state.level)
            case "propagate": return .bool(state.propagate)
            default: return nil
            }
        }
        o.setter = { attr, v in
            switch attr {
            case "level": state.level = try levelNumber(v)
            case "propagate": state.propagate = try v.truthy()
            default: o.set(attr, v)
            }
        }
        for (fn, lv) in [("debug", 10), ("info", 20), ("warning", 30), ("warn", 30), ("error", 40), ("exception", 40), ("critical", 50), ("fatal", 50)] {
            o.method("\(fn)(msg, *args, **kwargs)") { [unowned o] a in
                try emit(o, lv, try format(a["msg"], a.varargs), registry)
                return .none
            }
        }
        o.method("log(level, msg, *args, **kwargs)") { [unowned o] a in
            try emit(o, try levelNumber(a["level"]), try format(a["msg"], a.varargs), registry)
            return .none
        }
        o.method("setLevel(level)") { a in state.level = try levelNumber(a["level"]); return .none }
        o.method("getEffectiveLevel()") { [unowned o] _ in .int(effectiveLevel(o, registry)) }
        o.method("isEnabledFor(level)") { [unowned o] a in .bool(try levelNumber(a["level"]) >= effectiveLevel(o, registry)) }
        o.method("addHandler(hdlr)") { a in state.handlers.items.append(a["hdlr"]); return .none }
        o.method("removeHandler(hdlr)") { a in state.handlers.items.removeAll { Ops.identical($0, a["hdlr"]) }; return .none }
        o.method("hasHandlers()") { _ in .bool(!state.handlers.items.isEmpty) }
        o.method("getChild(suffix)") { [unowned interp] a in
            let child = name == "root" ? try a.string("suffix") : name + "." + (try a.string("suffix"))
            if let l = registry.loggers[child] { return .object(l) }
            let l = makeLogger(child, level: 0, mmengine: false, registry, interp)
            registry.loggers[child] = l
            return .object(l)
        }
        return o
    }

    /// The logger's ancestors by dotted name, nearest first, then the root.
    static func ancestors(_ o: BuiltObject, _ registry: Registry) -> [BuiltObject] {
        guard let s = o.payload as? Logger, s.name != "root" else { return [] }
        var out: [BuiltObject] = []
        var parts = s.name.split(separator: ".").map(String.init)
        while parts.count > 1 {
            parts.removeLast()
            if let p = registry.loggers[parts.joined(separator: ".")] { out.append(p) }
        }
        if let r = registry.root { out.append(r) }
        return out
    }

    static func effectiveLevel(_ o: BuiltObject, _ registry: Registry) -> Int {
        for l in [o] + ancestors(o, registry) { if let s = l.payload as? Logger, s.level != 0 { return s.level } }
        return 0
    }

    /// One record: to the `assertLogs` captures of the logger and of its ancestors while it
    /// propagates, else to stderr.
    static func emit(_ o: BuiltObject, _ level: Int, _ message: String, _ registry: Registry) throws {
        guard let s = o.payload as? Logger, level >= effectiveLevel(o, registry) else { return }
        let record = BuiltObject(typeName: "LogRecord", attributes: [
            ("name", .str(s.name)), ("msg", .str(message)), ("levelname", .str(levelName(level))), ("levelno", .int(level)), ("args", .tuple([])),
        ])
        record.method("getMessage()") { _ in .str(message) }
        record.repr = { "<LogRecord: \(s.name), \(level), \"\(message)\">" }
        var captured = false
        for l in [o] + ancestors(o, registry) {
            guard let ls = l.payload as? Logger else { continue }
            for c in ls.captures {
                c.records.items.append(.object(record))
                c.output.items.append(.str("\(levelName(level)):\(s.name):\(message)"))
                captured = true
            }
            if captured || !ls.propagate { break }
        }
        if captured { return }
        if s.mmengine {
            FileIO.writeStderr("\(s.name) - \(levelName(level)) - \(message)\n")
        } else if level >= 30 {
            FileIO.writeStderr(message + "\n")
        }
    }

    /// unittest's `assertLogs(logger=None, level=None)`: a context manager whose `output` and
    /// `records` are what was logged inside it; none at the level fails the test.
    static func assertLogsContext(_ interp: Interpreter, _ logger: Value, _ level: Value) throws -> Value {
        guard case .object(let m)? = interp.library.modules["logging"], let getLogger = m.methods["getLogger"] else {
            throw RuntimeError("assertLogs needs the logging module")
        }
        var target = logger
        if case .str = logger { target = try getLogger.call(Arguments([logger])) }
        if logger.isNone { target = try getLogger.call(Arguments()) }
        guard case .object(let lo) = target, let ls = lo.payload as? Logger else {
            throw RuntimeError("assertLogs() needs a logger or a logger name, got \(logger.typeName)", kind: "TypeError")
        }
        let minimum = level.isNone ? 20 : try levelNumber(level)
        let records = ListRef([])
        let output = ListRef([])
        let cm = BuiltObject(typeName: "_LoggingWatcher", attributes: [("records", .list(records)), ("output", .list(output))])
        let saved = (ls.level, ls.propagate)
        let ctx = BuiltObject(typeName: "_AssertLogsContext")
        ctx.method("__enter__()") { _ in
            ls.level = minimum
            ls.propagate = false
            ls.captures.append((records, output))
            return .object(cm)
        }
        ctx.method("__exit__(exc_type, exc_value, traceback)") { a in
            if let i = ls.captures.lastIndex(where: { $0.records === records }) { ls.captures.remove(at: i) }
            (ls.level, ls.propagate) = saved
            guard a["exc_type"].isNone else { return .bool(false) }
            if records.items.isEmpty {
                throw RuntimeError("no logs of level \(levelName(minimum)) or higher triggered on \(ls.name)", kind: "AssertionError")
            }
            return .bool(false)
        }
        return .object(ctx)
    }

    // MARK: mmengine.logging

    static func registerMMEngine(_ lib: Library, _ interp: Interpreter, _ registry: Registry) {
        guard let m = try? Modules.define("mmengine.logging", in: lib) else { return }
        func mmLogger(_ name: String, level: Value = .str("INFO")) throws -> BuiltObject {
            if let l = registry.loggers[name], (l.payload as? Logger)?.mmengine == true { registry.currentMM = l; return l }
            let l = makeLogger(name, level: try levelNumber(level), mmengine: true, registry, interp)
            registry.loggers[name] = l
            registry.currentMM = l
            return l
        }
        let mmlogger = BuiltObject(typeName: "type")
        mmlogger.repr = { "<class 'mmengine.logging.logger.MMLogger'>" }
        mmlogger.set("__name__", .str("MMLogger"))
        mmlogger.method("get_instance(name, logger_name='mmengine', log_file=None, log_level='INFO', file_mode='w', distributed=False, file_handler_cfg=None)",
                        doc: "MMLogger.get_instance: the MMLogger of that instance name, made once; it becomes the current one.") { a in
            .object(try mmLogger(try a.string("name"), level: a["log_level"]))
        }
        mmlogger.method("get_current_instance()", doc: "MMLogger.get_current_instance: the latest instance (a default 'mmengine' one when none).") { _ in
            .object(try registry.currentMM ?? mmLogger("mmengine"))
        }
        mmlogger.method("check_instance_created(name)") { a in .bool(registry.loggers[try a.string("name")]?.typeName == "MMLogger") }
        m.set("MMLogger", .object(mmlogger))
        m.method("print_log(msg, logger=None, level=20)", doc: "mmengine.logging.print_log: print() for logger=None, the current MMLogger for 'current', nothing for 'silent', else that logger.") { [unowned interp] a in
            let level = try levelNumber(a["level"])
            let text = Printer.str(a["msg"])
            switch a["logger"] {
            case .none: try interp.emit(text + "\n")
            case .str("silent"): break
            case .str("current"): try emit(try registry.currentMM ?? mmLogger("mmengine"), level, text, registry)
            case .str(let name): try emit(try mmLogger(name), level, text, registry)
            case .object(let o) where o.payload is Logger: try emit(o, level, text, registry)
            default: throw TypeErrorLogger(a["logger"])
            }
            return .none
        }
        let hub = BuiltObject(typeName: "type")
        hub.repr = { "<class 'mmengine.logging.message_hub.MessageHub'>" }
        hub.set("__name__", .str("MessageHub"))
        func messageHub(_ name: String) -> BuiltObject {
            if let h = registry.hubs[name] { registry.currentHub = h; return h }
            let h = makeMessageHub(name)
            registry.hubs[name] = h
            registry.currentHub = h
            return h
        }
        hub.method("get_instance(name, **kwargs)", doc: "MessageHub.get_instance: the hub of that name, made once; it becomes the current one.") { a in
            .object(messageHub(try a.string("name")))
        }
        hub.method("get_current_instance()") { _ in .object(registry.currentHub ?? messageHub("mmengine")) }
        m.set("MessageHub", .object(hub))
    }

    static func TypeErrorLogger(_ v: Value) -> RuntimeError {
        RuntimeError("logger should be either a logging.Logger object, str, \"silent\", \"current\" or None, but got \(v.typeName)", kind: "TypeError")
    }

    /// MMEngine's MessageHub: scalars kept as history buffers (`current()`, `mean(window)`,
    /// `data`), and runtime information by key.
    static func makeMessageHub(_ name: String) -> BuiltObject {
        let scalars = DictRef(), info = DictRef()
        let o = BuiltObject(typeName: "MessageHub", attributes: [("instance_name", .str(name)), ("log_scalars", .dict(scalars)), ("runtime_info", .dict(info))])
        o.repr = { "<MessageHub \(name)>" }
        o.method("update_scalar(key, value, count=1, resumed=True)") { a in
            let key = a["key"]
            if case .object(let b)? = try scalars.get(key), let h = b.payload as? History {
                h.values.append(a["value"]); h.counts.append(try a.int("count"))
            } else {
                try scalars.set(key, .object(historyBuffer(History([a["value"]], [try a.int("count")]))))
            }
            return .none
        }
        o.method("get_scalar(key)") { a in
            guard let v = try scalars.get(a["key"]) else { throw RuntimeError("\(Printer.repr(a["key"])) is not found in MessageHub's log buffer", kind: "KeyError") }
            return v
        }
        o.method("update_info(key, value, resumed=True)") { a in try info.set(a["key"], a["value"]); return .none }
        o.method("update_info_dict(info_dict, resumed=True)") { a in for (k, v) in try a.dict("info_dict").pairs { try info.set(k, v) }; return .none }
        o.method("get_info(key, default=None)") { a in try info.get(a["key"]) ?? a["default"] }
        return o
    }

    final class History {
        var values: [Value]
        var counts: [Int]
        init(_ v: [Value], _ c: [Int]) { values = v; counts = c }
    }

    static func historyBuffer(_ h: History) -> BuiltObject {
        let o = BuiltObject(typeName: "HistoryBuffer", payload: h)
        o.repr = { "<HistoryBuffer of \(h.values.count)>" }
        o.method("current()") { _ in h.values.last ?? .none }
        o.method("mean(window_size=None)") { a in
            let n = try a.optionalInt("window_size") ?? h.values.count
            let vs = h.values.suffix(n), cs = h.counts.suffix(n)
            var total = 0.0
            for v in vs { total += Convert.double(v) ?? 0 }
            return .float(total / Double(Swift.max(1, cs.reduce(0, +))))
        }
        o.getter = { attr in attr == "data" ? .tuple([.list(ListRef(h.values)), .list(ListRef(h.counts.map { .int($0) }))]) : nil }
        return o
    }
}

extension Library {
    /// MMEngine's `MessageHub.get_current_instance()` from a built-in (an OptimWrapper keeps it
    /// to log `train/grad_norm`).
    public func currentMessageHub() throws -> Value {
        guard case .object(let m)? = modules["mmengine.logging"], case .object(let hub)? = m.attributes["MessageHub"],
              let f = hub.methods["get_current_instance"] else { return .none }
        return try f.call(Arguments())
    }

    /// MMEngine's `print_log(text, logger='current', level=…)` from a built-in (the optimizer
    /// constructor's warnings), so `assertLogs(MMLogger.get_current_instance())` sees it.
    public func printLog(_ text: String, level: Int = 30) throws {
        guard case .object(let m)? = modules["mmengine.logging"], let f = m.methods["print_log"] else {
            FileIO.writeStderr(text + "\n")
            return
        }
        _ = try f.call(Arguments([.str(text)], keywords: [("logger", .str("current")), ("level", .int(level))]))
    }
}
