/// A node of the backward graph: torch's `grad_fn` object.
///
/// Each node belongs to one computed variable (every differentiable op here has one
/// differentiable output; `max(dim)`'s indices and batch norm's running statistics are not
/// differentiated). Its `edges` lead to where the inputs' gradients go: another node, a leaf's
/// `AccumulateGrad`, or nowhere (an input that does not require grad).
public final class Node {
    /// torch's class name, e.g. `MulBackward0`.
    public let name: String
    let edges: [Edge]
    /// Shape and dtype of each input: a gradient is cast to its input's dtype (a float32 input
    /// of a float64 product gets a float32 gradient, as torch).
    let inputShapes: [[Int]]
    let inputDTypes: [DType]
    /// Order of creation: among ready nodes the engine runs the newest first, as torch does.
    let sequenceNr: Int
    let saved: [SavedVariable]
    /// The node's own output, when the closure captured it (exp, relu, sigmoid, …).
    var outputSaved: SavedVariable?
    /// Whether the closure holds saved tensors (then a freed node cannot run again).
    let savesTensors: Bool
    /// `(gradOutput, needsInputGrad) -> one gradient (or nil) per input`.
    var apply: ((Tensor, [Bool]) throws -> [Tensor?])?
    var released = false
    /// A non-leaf whose `retainGrad()` was called receives the gradient flowing into this node.
    weak var retainedOutput: Variable?
    /// Hooks registered on the node's output (`y.register_hook(fn)`), run on the gradient
    /// flowing in before the node (and `retain_grad`, which torch runs last) sees it.
    var tensorHooks: [GradHook] = []

    nonisolated(unsafe) static var nextSequenceNr = 0

    enum Edge {
        case node(Node)
        case leaf(Variable)
        case none

        var needsGrad: Bool { if case .none = self { return false } else { return true } }
    }

    init(name: String, edges: [Edge], inputs: [Variable], saved: [SavedVariable], savesTensors: Bool,
         apply: @escaping (Tensor, [Bool]) throws -> [Tensor?]) {
        self.name = name
        self.edges = edges
        self.inputShapes = inputs.map(\.shape)
        self.inputDTypes = inputs.map(\.dtype)
        self.saved = saved
        self.savesTensors = savesTensors
        self.apply = apply
        self.sequenceNr = Node.nextSequenceNr
        Node.nextSequenceNr += 1
    }

    /// The nodes this one feeds (torch `grad_fn.next_functions`, without the AccumulateGrad entries).
    public var nextNodes: [Node] {
        edges.compactMap { if case .node(let n) = $0 { return n } else { return nil } }
    }

    /// Drops the saved tensors (after a backward pass without `retain_graph`).
    func release() {
        if savesTensors {
            apply = nil
            released = true
        }
    }
}

extension Variable {
    /// The result of a differentiable op on `inputs`: recorded with a `Node` when grad mode is on
    /// and an input requires grad, else a plain value. `saved` are the variables whose values the
    /// closure captured (checked against in-place changes); `savesTensors` says whether anything
    /// was captured at all (then the node cannot be run twice without `retain_graph`).
    static func record(_ name: String, _ value: Tensor, inputs: [Variable], saved: [Variable] = [],
                       savesTensors: Bool = true,
                       backward: @escaping (Tensor, [Bool]) throws -> [Tensor?]) -> Variable {
        guard GradMode.isEnabled, inputs.contains(where: \.requiresGrad) else {
            return Variable(computed: value, gradFn: nil)
        }
        let edges: [Node.Edge] = inputs.map { v in
            if !v.requiresGrad { return .none }
            if let fn = v.gradFn { return .node(fn) }
            return .leaf(v)
        }
        // Saving the output itself (exp, sigmoid, …) is checked with version 0 of the result.
        let node = Node(name: name, edges: edges, inputs: inputs, saved: saved.map(SavedVariable.init),
                        savesTensors: savesTensors || !saved.isEmpty, apply: backward)
        return Variable(computed: value, gradFn: node)
    }
}
