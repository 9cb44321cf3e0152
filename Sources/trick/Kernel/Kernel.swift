import CZMQ
import KernelSigning
import TrickLang
#if canImport(Glibc)
import Glibc
#endif

/// `trick kernel -f CONNECTION_FILE`: a Jupyter kernel (messaging protocol 5.3 over ZeroMQ).
/// Shell requests are served one at a time on the main thread (a cell runs on a big-stack thread
/// meanwhile, publishing its output on iopub as it goes); control requests (interrupt, shutdown)
/// on a thread of their own, so they reach a busy kernel; the heartbeat echoes on a third, so the
/// front end sees a live kernel while a long cell runs.
final class JupyterKernel {
    struct Connection {
        var transport = "tcp"
        var ip = "127.0.0.1"
        var shellPort = 0, iopubPort = 0, stdinPort = 0, controlPort = 0, hbPort = 0
        var key: [UInt8] = []

        init(json: JSONValue) throws {
            func port(_ k: String) throws -> Int {
                guard let p = json[k]?.int else { throw KernelError("the connection file has no '\(k)'") }
                return p
            }
            transport = json["transport"]?.string ?? "tcp"
            ip = json["ip"]?.string ?? "127.0.0.1"
            shellPort = try port("shell_port")
            iopubPort = try port("iopub_port")
            stdinPort = try port("stdin_port")
            controlPort = try port("control_port")
            hbPort = try port("hb_port")
            key = Array((json["key"]?.string ?? "").utf8)
            if let scheme = json["signature_scheme"]?.string, !key.isEmpty, scheme != "hmac-sha256" {
                throw KernelError("signature scheme '\(scheme)' is not supported (only hmac-sha256)")
            }
        }

        func endpoint(_ port: Int) -> String {
            transport == "ipc" ? "ipc://\(ip)-\(port)" : "\(transport)://\(ip):\(port)"
        }
    }

    struct KernelError: Error, CustomStringConvertible {
        var description: String
        init(_ d: String) { description = d }
    }

    let context: ZMQContext
    let shell: ZMQSocket, control: ZMQSocket, stdin: ZMQSocket, iopub: ZMQSocket, heartbeat: ZMQSocket
    let wire: KernelWire
    let session = CellSession()
    var executionCount = 0
    /// Every cell run with `store_history`, for `history_request`.
    var history: [(Int, String)] = []
    /// Set by a shutdown request (on either thread); both loops end.
    var finished = false
    let iopubLock = Lock()
    /// The REPL session whose `%magics` the kernel runs (on the kernel's interpreter).
    lazy var magicSession = REPLSession(interactive: false)
    /// IPython's `In` (`In[n]` is cell n's source) and `Out` (cell number → its last displayed value).
    var inputList = ListRef([.str("")])
    var outputs = DictRef()
    /// The displayed values so far, for `__` and `___` (`_` is the interpreter's own).
    var shown: [Value] = []

    init(connection c: Connection) throws {
        wire = KernelWire(signer: MessageSigner(key: c.key))
        context = try ZMQContext()
        shell = context.socket(ZMQ_ROUTER)
        control = context.socket(ZMQ_ROUTER)
        stdin = context.socket(ZMQ_ROUTER)
        iopub = context.socket(ZMQ_PUB)
        heartbeat = context.socket(ZMQ_REP)
        try shell.bind(c.endpoint(c.shellPort))
        try control.bind(c.endpoint(c.controlPort))
        try stdin.bind(c.endpoint(c.stdinPort))
        try iopub.bind(c.endpoint(c.iopubPort))
        try heartbeat.bind(c.endpoint(c.hbPort))
    }

    static func run(connectionFile: String) -> Int32 {
        do {
            let json = try JSONValue.parse(try FileIO.read(connectionFile))
            let kernel = try JupyterKernel(connection: try Connection(json: json))
            return kernel.serve()
        } catch {
            FileIO.writeStderr("error: trick kernel: \(error)\n")
            return 1
        }
    }

    /// `In` and `Out` in the session's namespace (again after `%reset`, which starts them afresh).
    func installHistoryNames() {
        session.interp.setGlobal("In", .list(inputList))
        session.interp.setGlobal("Out", .dict(outputs))
    }

    func serve() -> Int32 {
        installHistoryNames()
        CellSession.installInterruptHandler()
        startHeartbeat()
        let controlThread = startControl()
        publish("status", ["execution_state": "starting"], parent: nil)
        while !finished {
            let ready = ZMQSocket.poll([shell, stdin], timeout: 100)
            if finished { break }
            if ready[0], let frames = shell.receive() { handle(frames, on: shell) }
            if ready[1] { _ = stdin.receive() }     // no input() in trick: nothing asks for input
        }
        FileIO.flush()
        // The last replies (shutdown_reply, idle) go out before the process ends: closing with a
        // linger sends what is queued; the heartbeat thread closes its socket once the context ends.
        pthread_join(controlThread, nil)
        for s in [shell, stdin, iopub] {
            s.setLinger(1000)
            s.close()
        }
        context.shutdown()
        context.terminate()
        return 0
    }

    /// The control channel on its own thread, so an interrupt or shutdown request is served while
    /// a cell runs (`interrupt_mode: message` clients; a shutdown of a busy kernel interrupts the
    /// cell first). Only those, and kernel_info, are answered here: they touch no session state.
    func startControl() -> pthread_t {
        final class Box { let kernel: JupyterKernel; init(_ k: JupyterKernel) { kernel = k } }
        var thread = pthread_t()
        _ = pthread_create(&thread, nil, { p in
            let kernel = Unmanaged<Box>.fromOpaque(p!).takeRetainedValue().kernel
            while !kernel.finished {
                guard ZMQSocket.poll([kernel.control], timeout: 100)[0], let frames = kernel.control.receive() else { continue }
                kernel.handle(frames, on: kernel.control)
            }
            kernel.control.setLinger(1000)
            kernel.control.close()
            return nil
        }, Unmanaged.passRetained(Box(self)).toOpaque())
        return thread
    }

    /// The heartbeat: an echo on its own thread, answering even while a cell runs.
    func startHeartbeat() {
        let hb = heartbeat
        final class Box { let socket: ZMQSocket; init(_ s: ZMQSocket) { socket = s } }
        var thread = pthread_t()
        _ = pthread_create(&thread, nil, { p in
            let socket = Unmanaged<Box>.fromOpaque(p!).takeRetainedValue().socket
            while let frames = socket.receive() { socket.send(frames) }
            socket.close()
            return nil
        }, Unmanaged.passRetained(Box(hb)).toOpaque())
        pthread_detach(thread)
    }

    // MARK: Sending

    func publish(_ type: String, _ content: JSONValue, parent: KernelMessage?) {
        // iopub messages are routed by topic: the message type, as ipykernel does.
        let m = wire.message(type, content: content, parent: parent, identities: [Array("kernel.\(type)".utf8)])
        let frames = wire.encode(m)
        // The shell and control threads both publish; a ZeroMQ socket is for one thread at a time.
        iopubLock.locked { iopub.send(frames) }
    }

    func reply(_ request: KernelMessage, on socket: ZMQSocket, _ content: JSONValue) {
        let type = String(request.type.dropLast("_request".count)) + "_reply"
        let m = wire.message(type, content: content, parent: request, identities: request.identities,
                             metadata: ["status": content["status"] ?? "ok"])
        socket.send(wire.encode(m))
    }

    // MARK: Requests

    func handle(_ frames: [[UInt8]], on socket: ZMQSocket) {
        let request: KernelMessage
        do { request = try wire.decode(frames) } catch {
            FileIO.writeStderr("trick kernel: dropped a message (\(error))\n")
            return
        }
        publish("status", ["execution_state": "busy"], parent: request)
        defer { publish("status", ["execution_state": "idle"], parent: request) }
        let c = request.content
        if socket === control && !["kernel_info_request", "interrupt_request", "shutdown_request"].contains(request.type) {
            FileIO.writeStderr("trick kernel: ignoring a '\(request.type)' message on the control channel\n")
            return
        }
        switch request.type {
        case "kernel_info_request": reply(request, on: socket, kernelInfo)
        case "execute_request": execute(request, on: socket)
        case "complete_request":
            reply(request, on: socket, complete(code: c["code"]?.string ?? "", cursor: c["cursor_pos"]?.int))
        case "inspect_request":
            reply(request, on: socket, inspect(code: c["code"]?.string ?? "", cursor: c["cursor_pos"]?.int))
        case "is_complete_request": reply(request, on: socket, isComplete(c["code"]?.string ?? ""))
        case "history_request": reply(request, on: socket, historyReply(c))
        case "comm_info_request": reply(request, on: socket, ["status": "ok", "comms": [:]])
        case "interrupt_request":
            CellSession.requestInterrupt()
            reply(request, on: socket, ["status": "ok"])
        case "shutdown_request":
            reply(request, on: socket, ["status": "ok", "restart": .bool(c["restart"]?.bool ?? false)])
            publish("shutdown_reply", ["status": "ok", "restart": .bool(c["restart"]?.bool ?? false)], parent: request)
            finished = true
            CellSession.requestInterrupt()     // a running cell stops, so the kernel can end
        default:
            FileIO.writeStderr("trick kernel: ignoring a '\(request.type)' message\n")
        }
    }

    var kernelInfo: JSONValue {
        [
            "status": "ok",
            "protocol_version": .string(KernelWire.protocolVersion),
            "implementation": "trick",
            "implementation_version": .string(Trick.version),
            "language_info": [
                "name": "trick",
                "version": .string(Trick.version),
                "mimetype": "text/x-python",
                "file_extension": ".trick",
                "pygments_lexer": "python3",
                "codemirror_mode": ["name": "python", "version": 3],
                "nbconvert_exporter": "python",
            ],
            "banner": .string("trick \(Trick.version): the training tricks of segmentation and detection. help(name) or ?name for help."),
            "help_links": [],
        ]
    }

    func execute(_ request: KernelMessage, on socket: ZMQSocket) {
        let c = request.content
        let code = c["code"]?.string ?? ""
        let silent = c["silent"]?.bool ?? false
        let store = (c["store_history"]?.bool ?? true) && !silent
        if store { executionCount += 1 }
        let n = executionCount
        if store {
            history.append((n, code))
            inputList.items.append(.str(code))
        }
        if !silent { publish("execute_input", ["code": .string(code), "execution_count": .int(n)], parent: request) }
        if JupyterKernel.isMagic(code) {
            let (out, err) = runMagic(code, n: n)
            if !silent {
                let isWhos = code.trimmingCharacters(in: .whitespaces).hasPrefix("%whos")
                if isWhos, !out.isEmpty, let html = whosTable() {
                    publish("display_data", ["data": ["text/html": .string(html), "text/plain": .string(out)], "metadata": [:],
                                             "transient": [:]], parent: request)
                } else if !out.isEmpty {
                    publish("stream", ["name": "stdout", "text": .string(out)], parent: request)
                }
                if !err.isEmpty { publish("stream", ["name": "stderr", "text": .string(err)], parent: request) }
            }
            reply(request, on: socket, ["status": "ok", "execution_count": .int(n), "payload": [], "user_expressions": [:]])
            return
        }
        var failure: TrickError?
        session.onValue = store ? { [unowned self] v in
            shown.append(v)
            if shown.count > 3 { shown.removeFirst() }
            if shown.count >= 2 { session.interp.setGlobal("__", shown[shown.count - 2]) }
            if shown.count >= 3 { session.interp.setGlobal("___", shown[shown.count - 3]) }
            session.interp.setGlobal("_\(n)", v)
            try? outputs.set(.int(n), v)
        } : nil
        defer { session.onValue = nil }
        session.run(code, name: "In [\(n)]") { [self] out in
            if case .error(let e) = out { failure = e }
            // A silent request runs without publishing anything (front ends use it for housekeeping).
            if silent { return }
            switch out {
            case .stream(let name, let text):
                publish("stream", ["name": .string(name), "text": .string(text)], parent: request)
            case .result(let bundle):
                publish("execute_result", ["execution_count": .int(n), "data": JupyterKernel.mimeData(bundle), "metadata": [:]],
                        parent: request)
            case .display(let bundle):
                publish("display_data", ["data": JupyterKernel.mimeData(bundle), "metadata": [:], "transient": [:]], parent: request)
            case .error(let e):
                publish("error", JupyterKernel.errorContent(e), parent: request)
            case .statementEnd: break
            }
        }
        if let e = failure {
            var content = JupyterKernel.errorContent(e)
            content.set("status", "error")
            content.set("execution_count", .int(n))
            reply(request, on: socket, content)
        } else {
            reply(request, on: socket, ["status": "ok", "execution_count": .int(n), "payload": [], "user_expressions": [:]])
        }
    }

    static func mimeData(_ bundle: [(String, MimeData)]) -> JSONValue {
        .object(bundle.map { mime, data in
            switch data {
            case .text(let s): return (mime, .string(s))
            case .binary(let b): return (mime, .string(Base64.encode(b)))
            }
        })
    }

    /// `ename`, `evalue` and the traceback: trick's own report (location, source line, caret,
    /// call chain), one line per entry, in colour as Jupyter front ends show ANSI.
    static func errorContent(_ e: TrickError) -> JSONValue {
        var lines = e.render(color: true).split(separator: "\n", omittingEmptySubsequences: false).map { JSONValue.string(String($0)) }
        if case .string(let last)? = lines.last, last.isEmpty { lines.removeLast() }
        return ["ename": .string(e.isInterrupt && e.kind == "KeyboardInterrupt" ? "KeyboardInterrupt" : e.kind),
                "evalue": .string(e.message), "traceback": .array(lines)]
    }

    // MARK: Completion, inspection, cell rules, history

    /// The code before the cursor (Jupyter counts the cursor in Unicode code points).
    static func before(_ code: String, cursor: Int?) -> [Unicode.Scalar] {
        let scalars = Array(code.unicodeScalars)
        return Array(scalars.prefix(min(max(0, cursor ?? scalars.count), scalars.count)))
    }

    /// The REPL's completion, on the cursor's line with the cell's earlier lines as context.
    func complete(code: String, cursor: Int?) -> JSONValue {
        let before = JupyterKernel.before(code, cursor: cursor)
        let lineStart = (before.lastIndex(of: "\n").map { $0 + 1 }) ?? 0
        var line = String.UnicodeScalarView(), previous = String.UnicodeScalarView()
        line.append(contentsOf: before[lineStart...])
        if lineStart > 0 { previous.append(contentsOf: before[..<(lineStart - 1)]) }
        let lineText = String(line)
        let (start, candidates) = ReplCompletion(interp: session.interp).complete(before: lineText, previousLines: String(previous))
        // `start` counts Characters of the line; the reply counts code points.
        let startScalars = String(lineText.prefix(start)).unicodeScalars.count
        return ["status": "ok", "matches": .array(candidates.map { .string($0) }),
                "cursor_start": .int(lineStart + startScalars), "cursor_end": .int(before.count), "metadata": [:]]
    }

    /// `help` of the name or dotted path at the cursor (the word around it, then the call it is in).
    func inspect(code: String, cursor: Int?) -> JSONValue {
        let scalars = Array(code.unicodeScalars)
        var end = min(max(0, cursor ?? scalars.count), scalars.count)
        func isName(_ u: Unicode.Scalar) -> Bool { u.properties.isAlphabetic || u.properties.numericType != nil || u == "_" }
        while end < scalars.count, isName(scalars[end]) { end += 1 }
        let completion = ReplCompletion(interp: session.interp)
        var found: Value?
        var e = end
        // From the word at the cursor back to the callee of an open call: `soft_nms(boxes, |`.
        while e > 0 {
            let chars = Array(String(String.UnicodeScalarView(scalars[..<e])))
            if let v = completion.valueOfPath(ending: chars.count, in: chars) { found = v; break }
            var depth = 0
            var k = e - 1
            while k >= 0 {
                let u = scalars[k]
                if u == ")" || u == "]" { depth += 1 } else if u == "(" || u == "[" {
                    if depth == 0 { break }
                    depth -= 1
                }
                k -= 1
            }
            if k < 0 || scalars[k] != "(" { break }
            e = k
        }
        guard let v = found else { return ["status": "ok", "found": false, "data": [:], "metadata": [:]] }
        return ["status": "ok", "found": true, "data": ["text/plain": .string(Help.text(for: v, library: session.interp.library))],
                "metadata": [:]]
    }

    /// The REPL's cell rules (CellAssembler): an open bracket, string or block needs more lines;
    /// a compound statement goes on until a blank line, as in the REPL.
    func isComplete(_ code: String) -> JSONValue {
        let lines = code.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        // The REPL's auto-indent for the next line (four more after `:`, less after `return`, ...).
        var cell = CellAssembler()
        cell.load(lines)
        let indent = JSONValue.string(String(repeating: " ", count: cell.nextIndent))
        switch CellAssembler.status(code) {
        case .invalid: return ["status": "invalid"]
        case .incomplete: return ["status": "incomplete", "indent": indent]
        case .complete:
            if CellAssembler.isCompound(code) && !CellAssembler.isBlank(lines.last ?? "") {
                return ["status": "incomplete", "indent": indent]
            }
            return ["status": "complete"]
        }
    }

    func historyReply(_ c: JSONValue) -> JSONValue {
        var entries = history
        switch c["hist_access_type"]?.string ?? "tail" {
        case "range":
            let start = c["start"]?.int ?? 0, stop = c["stop"]?.int
            entries = entries.filter { e in e.0 >= start && (stop.map { e.0 < $0 } ?? true) }
        case "search":
            let pattern = c["pattern"]?.string ?? "*"
            entries = entries.filter { fnmatch(pattern, $0.1, 0) == 0 }
            if c["unique"]?.bool ?? false {
                var seen = Set<String>()
                entries = entries.reversed().filter { seen.insert($0.1).inserted }.reversed()
            }
            if let n = c["n"]?.int { entries = Array(entries.suffix(n)) }
        default:
            entries = Array(entries.suffix(max(0, c["n"]?.int ?? entries.count)))
        }
        let withOutput = c["output"]?.bool ?? false
        return ["status": "ok", "history": .array(entries.map { n, code in
            .array([0, .int(n), withOutput ? .array([.string(code), .null]) : .string(code)])
        })]
    }
}

/// A mutex (pthread), for the iopub socket that two threads publish on.
final class Lock {
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>

    init() {
        mutex = .allocate(capacity: 1)
        pthread_mutex_init(mutex, nil)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    func locked<T>(_ body: () -> T) -> T {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return body()
    }
}
