/// The local variables of one function activation (or one top-level statement), in slots
/// resolved at compile time. Nested functions keep their defining frame alive through
/// `parent`, which gives Python's closure semantics (captured variables are shared).
public final class Frame {
    var parent: Frame?
    let count: Int
    var returnValue: Value = .none
    let slots: UnsafeMutablePointer<Value>

    init(parent: Frame?, count: Int) {
        self.parent = parent
        self.count = Swift.max(count, 1)
        slots = .allocate(capacity: self.count)
        slots.initialize(repeating: .none, count: self.count)
    }

    deinit {
        slots.deinitialize(count: count)
        slots.deallocate()
    }

    /// Sets a slot to None; a slot holding a number or bool is overwritten without the generic
    /// destroy (nothing to release).
    @inline(__always) static func clear(_ p: UnsafeMutablePointer<Value>) {
        switch p.pointee {
        case .int, .float, .bool, .none: p.initialize(to: .none)
        default: p.pointee = .none
        }
    }

    @inline(__always) static func make(parent: Frame?, count: Int) -> Frame {
        Frame(parent: parent, count: count)
    }

    /// Frames of finished calls that nothing captured, by slot count (a free list per size, linked
    /// through `parent`), for reuse: saves an allocation and a deallocation per call.
    /// (The heads live in the interpreter, not in a static: a static's lazy initialisation
    /// check costs a `swift_once` call per access.)
    static func makeFreeLists() -> UnsafeMutablePointer<Frame?> {
        let p = UnsafeMutablePointer<Frame?>.allocate(capacity: 17)
        p.initialize(repeating: nil, count: 17)
        return p
    }

    @inline(__always) static func acquire(parent: Frame?, count: Int, _ freeLists: UnsafeMutablePointer<Frame?>) -> Frame {
        if count <= 16, let f = freeLists[count] {
            freeLists[count] = f.parent
            f.parent = parent
            return f
        }
        return make(parent: parent, count: count)
    }

    /// Returns a frame to its free list if the finished call left no other reference to it.
    @inline(__always) static func recycle(_ frame: inout Frame, _ freeLists: UnsafeMutablePointer<Frame?>) {
        let n = frame.count
        guard n <= 16, isKnownUniquelyReferenced(&frame) else { return }
        let slots = frame.slots
        for i in 0..<n { slots[i] = .none }
        frame.returnValue = .none
        frame.parent = freeLists[n]
        freeLists[n] = frame
    }

    @inline(__always) func ancestor(_ depth: Int) -> Frame {
        var f = self
        for _ in 0..<depth { f = f.parent! }
        return f
    }
}

/// Frames for one function whose frames cannot escape (its body defines no nested function or
/// lambda, so nothing can capture them): one frame per recursion depth, built once and reused.
/// Acquiring and releasing one costs no allocation and no reference counting.
final class FrameStack {
    let slotCount: Int
    var frames: UnsafeMutablePointer<Unmanaged<Frame>>
    var capacity = 8
    var built = 0
    var depth = 0

    init(slotCount: Int) {
        self.slotCount = slotCount
        frames = .allocate(capacity: capacity)
    }

    deinit {
        for i in 0..<built { frames[i].release() }
        frames.deallocate()
    }

    @inline(__always) func push(parent: Frame?) -> Unmanaged<Frame> {
        if depth == built {
            if built == capacity {
                let bigger = UnsafeMutablePointer<Unmanaged<Frame>>.allocate(capacity: capacity * 2)
                bigger.moveInitialize(from: frames, count: built)
                frames.deallocate()
                frames = bigger
                capacity *= 2
            }
            frames[built] = Unmanaged.passRetained(Frame(parent: nil, count: slotCount))
            built += 1
        }
        let u = frames[depth]
        depth += 1
        u._withUnsafeGuaranteedRef { $0.parent = parent }
        return u
    }

    /// Clears the frame's slots (so values die when the call ends, as in Python) and pops it.
    @inline(__always) func pop() {
        depth -= 1
        frames[depth]._withUnsafeGuaranteedRef { f in
            let slots = f.slots
            for i in 0..<f.count { Frame.clear(slots + i) }
            if f.parent != nil { f.parent = nil }
        }
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
    /// Set when the body defines no nested function or lambda: its frames are reused.
    var frameStack: FrameStack?
    /// The body compiled for the VM.
    var chunk: Chunk?

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
