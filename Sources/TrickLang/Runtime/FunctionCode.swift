/// A compiled function body with its parameter layout.
public final class FunctionCode {
    public let name: String
    let params: Params
    let nslots: Int
    let file: SourceFile
    let loc: SourceLocation
    /// Only plain positional parameters without defaults: call sites bind directly into slots.
    let isSimple: Bool
    let positionalCount: Int
    let varargsSlot: Int?
    let kwargsSlot: Int?
    let keywordOnlySlots: [Int]
    let docstring: String?
    /// The body, compiled for the VM.
    var chunk: Chunk?

    init(name: String, params: Params, nslots: Int, file: SourceFile, loc: SourceLocation, docstring: String?) {
        self.name = name
        self.params = params
        self.nslots = nslots
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
