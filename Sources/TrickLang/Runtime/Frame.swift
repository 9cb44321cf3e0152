/// The local variables of one function activation (or one top-level statement), in slots
/// resolved at compile time. Nested functions keep their defining frame alive through
/// `parent`, which gives Python's closure semantics (captured variables are shared).
public struct FrameHeader {
    var parent: Frame?
    var count: Int
    var returnValue: Value
}

public final class Frame: ManagedBuffer<FrameHeader, Value> {
    /// One allocation per call: the header and the slots live in the same object.
    static func make(parent: Frame?, count: Int) -> Frame {
        let n = Swift.max(count, 1)
        let buffer = Frame.create(minimumCapacity: n) { _ in FrameHeader(parent: parent, count: n, returnValue: .none) }
        let frame = unsafeDowncast(buffer, to: Frame.self)
        frame.withUnsafeMutablePointerToElements { $0.initialize(repeating: .none, count: n) }
        return frame
    }

    deinit {
        withUnsafeMutablePointers { h, e in _ = e.deinitialize(count: h.pointee.count) }
    }

    @inline(__always) var slots: UnsafeMutablePointer<Value> { withUnsafeMutablePointerToElements { $0 } }
    @inline(__always) var parent: Frame? { header.parent }
    var returnValue: Value {
        @inline(__always) get { header.returnValue }
        @inline(__always) set { header.returnValue = newValue }
    }

    /// Frames of finished calls that nothing captured, by slot count, for reuse: saves an
    /// allocation and a deallocation per call.
    nonisolated(unsafe) static var pool: [[Frame]] = Array(repeating: [], count: 17)

    @inline(__always) static func acquire(parent: Frame?, count: Int) -> Frame {
        if count <= 16, let f = pool[count].popLast() {
            f.header.parent = parent
            return f
        }
        return make(parent: parent, count: count)
    }

    /// Returns a frame to the pool if the finished call left no other reference to it.
    @inline(__always) static func recycle(_ frame: inout Frame) {
        let n = frame.header.count
        guard n <= 16, pool[n].count < 64, isKnownUniquelyReferenced(&frame) else { return }
        let slots = frame.slots
        for i in 0..<n { slots[i] = .none }
        frame.header.parent = nil
        frame.header.returnValue = .none
        pool[n].append(frame)
    }

    @inline(__always) func ancestor(_ depth: Int) -> Frame {
        var f = self
        for _ in 0..<depth { f = f.parent! }
        return f
    }
}

/// What a statement tells the enclosing block to do next.
enum Flow {
    case normal, breakLoop, continueLoop, returned
}

/// A compiled function body with its parameter layout.
public final class FunctionCode {
    public let name: String
    let params: Params
    let nslots: Int
    let body: (Frame) throws -> Flow
    let file: SourceFile
    let loc: SourceLocation
    /// Only plain positional parameters without defaults: call sites bind directly into slots.
    let isSimple: Bool
    let positionalCount: Int
    let varargsSlot: Int?
    let kwargsSlot: Int?
    let keywordOnlySlots: [Int]
    let docstring: String?

    init(name: String, params: Params, nslots: Int, body: @escaping (Frame) throws -> Flow, file: SourceFile, loc: SourceLocation, docstring: String?) {
        self.name = name
        self.params = params
        self.nslots = nslots
        self.body = body
        self.file = file
        self.loc = loc
        self.docstring = docstring
        positionalCount = params.positional.count
        isSimple = params.varargs == nil && params.kwargs == nil && params.keywordOnly.isEmpty
        // Slot layout: positional params, then varargs, then keyword-only, then kwargs.
        var next = params.positional.count
        varargsSlot = params.varargs != nil ? next : nil
        if params.varargs != nil { next += 1 }
        keywordOnlySlots = params.keywordOnly.indices.map { next + $0 }
        next += params.keywordOnly.count
        kwargsSlot = params.kwargs != nil ? next : nil
    }

    /// A Python-like signature for help() and error messages.
    public var signatureText: String {
        var parts = params.positional.map { $0.defaultValue == nil ? $0.name : "\($0.name)=…" }
        if let v = params.varargs { parts.append("*" + v) } else if !params.keywordOnly.isEmpty { parts.append("*") }
        parts += params.keywordOnly.map { $0.defaultValue == nil ? $0.name : "\($0.name)=…" }
        if let k = params.kwargs { parts.append("**" + k) }
        return "\(name)(\(parts.joined(separator: ", ")))"
    }
}
