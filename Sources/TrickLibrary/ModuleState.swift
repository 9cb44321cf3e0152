import TrickCore
import TrickLang

/// What TrickLibrary keeps for one module, on its node (`ModuleNode.bindingState`), so that it
/// lives exactly as long as the module — as a torch module's `training` flag, `_buffers` and
/// `forward` do. (Process-wide tables keyed by the node kept every module a program made, with
/// its weights, until the program ended: `for seed in …: model = Net()` grew by a model a turn.)
///
/// References run one way, so that reference counting frees a module the script lets go of: the
/// script's object holds the node (its payload) and the forward; the node holds this state; the
/// state refers back to the object and to the forward weakly (the forward refers to the node). A
/// parent's object holds its children's objects (attributes), so a child keeps its identity and
/// the attributes a script gave it while its parent lives; a node whose object went (only Swift
/// held it) gets a new one, with its forward made again by `factory`.
final class ModuleState {
    typealias Forward = ModuleValues.Forward

    /// The module's object in the script, while one exists.
    weak var object: BuiltObject?
    /// The forward its object calls, while that object lives.
    weak var forward: ForwardBox?
    /// How the forward is made for a node: a new object (or a deep copy) makes its own.
    var factory: ((ModuleNode) throws -> Forward)?
    /// BatchNorm's running statistics (nil for layers without them).
    var stats: RunningStats?
    /// `module.training` (torch's default: a new module trains).
    var training = true
    /// A BatchNorm averaging cumulatively for now (`update_bn` runs it with momentum=None).
    var cumulativeStats = false
    /// A BatchNorm's options, read by its forward at each call.
    var normOptions: NormOptions?
    /// The buffers a script registered, in order (their values are the object's attributes).
    var buffers: [ModuleBuffers.Entry] = []

    /// The node's state, made on first use.
    static func of(_ n: ModuleNode) -> ModuleState {
        if let s = n.bindingState { return unsafeDowncast(s, to: ModuleState.self) }
        let s = ModuleState()
        n.bindingState = s
        return s
    }

    /// The node's state if it has one (reads that must not make one).
    static func existing(_ n: ModuleNode) -> ModuleState? {
        n.bindingState.map { unsafeDowncast($0, to: ModuleState.self) }
    }
}

/// A module's forward, as an object so that its node's state can refer to it weakly.
final class ForwardBox {
    let body: ModuleValues.Forward
    init(_ body: @escaping ModuleValues.Forward) { self.body = body }
}
