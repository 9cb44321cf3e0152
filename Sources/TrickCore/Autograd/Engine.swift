/// The backward pass: `tensor.backward(gradient, retain_graph)` and `torch.autograd.grad`.
///
/// Nodes run in dependency order (a node runs once every node that feeds it has run, so its
/// incoming gradients are complete); among ready nodes the one created last runs first, as
/// torch's engine orders by sequence number. Gradients reaching the same place are summed in the
/// order they arrive. The pass is sequential, so its numbers do not depend on a thread count.
public enum Autograd {
    /// `output.backward(gradient=None, retain_graph=False)`.
    public static func backward(_ output: Variable, gradient: Tensor? = nil, retainGraph: Bool = false) throws {
        try backward([output], gradients: [gradient], retainGraph: retainGraph)
    }

    /// `torch.autograd.backward(tensors, grad_tensors, retain_graph)`: accumulates into leaves' `.grad`.
    public static func backward(_ outputs: [Variable], gradients: [Tensor?], retainGraph: Bool = false) throws {
        _ = try run(outputs, gradients, retainGraph: retainGraph, capture: nil)
    }

    /// `torch.autograd.grad(outputs, inputs, grad_outputs=None, retain_graph=None,
    /// allow_unused=False)`: the gradients of `outputs` with respect to `inputs`, without
    /// touching any `.grad`. An input the outputs do not depend on is an error unless
    /// `allowUnused` (then nil).
    public static func grad(_ outputs: [Variable], _ inputs: [Variable], gradOutputs: [Tensor?]? = nil,
                            retainGraph: Bool = false, allowUnused: Bool = false) throws -> [Tensor?] {
        for v in inputs where !v.requiresGrad { throw CoreError(AutogradMessages.inputNoGrad) }
        let got = try run(outputs, gradOutputs ?? [Tensor?](repeating: nil, count: outputs.count),
                          retainGraph: retainGraph, capture: inputs)
        if !allowUnused && got.contains(where: { $0 == nil }) { throw CoreError(AutogradMessages.unused) }
        return got
    }

    /// The root gradients: `gradient` checked against the output's shape, or ones for a scalar.
    static func rootGradient(_ v: Variable, _ g: Tensor?, _ i: Int) throws -> Tensor {
        if let g {
            guard g.shape == v.shape else {
                throw CoreError("Mismatch in shape: grad_output[\(i)] has a shape of torch.Size([\(g.shape.map(String.init).joined(separator: ", "))]) and output[\(i)] has a shape of torch.Size([\(v.shape.map(String.init).joined(separator: ", "))]).")
            }
            return g.cast(to: v.dtype)
        }
        guard v.data.count == 1 else { throw CoreError(AutogradMessages.nonScalar) }
        return try Tensor.ones(v.shape, dtype: v.dtype)
    }

    /// One pass. With `capture` the gradients arriving at those variables are returned and no
    /// `.grad` is written; otherwise leaves accumulate.
    static func run(_ outputs: [Variable], _ gradients: [Tensor?], retainGraph: Bool,
                    capture: [Variable]?) throws -> [Tensor?] {
        guard outputs.count == gradients.count else {
            throw CoreError("grad can be implicitly created only for scalar outputs (got \(outputs.count) outputs and \(gradients.count) gradients)")
        }
        var captured = [Tensor?](repeating: nil, count: capture?.count ?? 0)
        // Where a captured variable's gradient arrives: its node, or its leaf identity.
        func captureIndex(node: Node) -> [Int] {
            guard let capture else { return [] }
            return capture.indices.filter { capture[$0].gradFn === node }
        }
        func captureIndex(leaf: Variable) -> [Int] {
            guard let capture else { return [] }
            return capture.indices.filter { capture[$0] === leaf }
        }
        func add(_ a: Tensor?, _ b: Tensor) throws -> Tensor {
            guard let a else { return b }
            return try Tensor.binary(.add, a, b)
        }

        var buffers: [ObjectIdentifier: Tensor] = [:]
        // Leaves with hooks take the sum of their gradients once (torch's AccumulateGrad with its pre-hooks).
        var hookedLeaves: [Variable] = []
        var hookedGrads: [ObjectIdentifier: Tensor] = [:]
        func accumulateLeaf(_ v: Variable, _ g: Tensor) throws {
            guard !v.hooks.isEmpty else { return try accumulate(v, g) }
            let id = ObjectIdentifier(v)
            if hookedGrads[id] == nil { hookedLeaves.append(v) }
            hookedGrads[id] = try add(hookedGrads[id], g)
        }
        var roots: [Node] = []
        for (i, v) in outputs.enumerated() {
            guard v.requiresGrad else { throw CoreError("element \(i) of tensors does not require grad and does not have a grad_fn") }
            let g = try rootGradient(v, gradients[i], i)
            if let fn = v.gradFn {
                buffers[ObjectIdentifier(fn)] = try add(buffers[ObjectIdentifier(fn)], g)
                roots.append(fn)
            } else {
                let idx = captureIndex(leaf: v)
                if capture != nil { for k in idx { captured[k] = try add(captured[k], g) } } else { try accumulateLeaf(v, g) }
            }
        }

        // Dependencies: how many edges from reachable nodes point at each node.
        var dependencies: [ObjectIdentifier: Int] = [:]
        var seen = Set<ObjectIdentifier>()
        var stack = roots
        for r in roots { seen.insert(ObjectIdentifier(r)) }
        while let n = stack.popLast() {
            for case .node(let m) in n.edges {
                dependencies[ObjectIdentifier(m), default: 0] += 1
                if seen.insert(ObjectIdentifier(m)).inserted { stack.append(m) }
            }
        }
        var ready: [Node] = []
        var queued = Set<ObjectIdentifier>()
        for r in roots where dependencies[ObjectIdentifier(r), default: 0] == 0 && queued.insert(ObjectIdentifier(r)).inserted {
            ready.append(r)
        }
        var ran: [Node] = []
        while !ready.isEmpty {
            // newest first
            var best = 0
            for i in 1..<ready.count where ready[i].sequenceNr > ready[best].sequenceNr { best = i }
            let node = ready.remove(at: best)
            let id = ObjectIdentifier(node)
            guard var g = buffers.removeValue(forKey: id) else { continue }
            if !node.tensorHooks.isEmpty { g = try GradHook.apply(node.tensorHooks, g) }
            for k in captureIndex(node: node) { captured[k] = try add(captured[k], g) }
            if capture == nil, let kept = node.retainedOutput { kept.grad = try add(kept.grad, g) }
            guard let apply = node.apply, !node.released else { throw CoreError(AutogradMessages.freedGraph) }
            for s in node.saved { try s.check() }
            try node.outputSaved?.check()
            let grads = try apply(g, node.edges.map(\.needsGrad))
            ran.append(node)
            // As torch: a node's saved tensors go as soon as it has run (not at the end of the
            // pass), so the activations and the gradients of the whole net are never all alive.
            if !retainGraph { node.release() }
            for (i, e) in node.edges.enumerated() where i < grads.count {
                guard var gi = grads[i] else { continue }
                if gi.dtype != node.inputDTypes[i] { gi = gi.cast(to: node.inputDTypes[i]) }
                switch e {
                case .none: break
                case .leaf(let v):
                    if capture != nil {
                        for k in captureIndex(leaf: v) { captured[k] = try add(captured[k], gi) }
                    } else {
                        try accumulateLeaf(v, gi)
                    }
                case .node(let m):
                    let mid = ObjectIdentifier(m)
                    buffers[mid] = try add(buffers[mid], gi)
                }
            }
            for case .node(let m) in node.edges {
                let mid = ObjectIdentifier(m)
                dependencies[mid, default: 1] -= 1
                if dependencies[mid] == 0 && queued.insert(mid).inserted { ready.append(m) }
            }
        }
        for v in hookedLeaves { try accumulate(v, try GradHook.apply(v.hooks, hookedGrads[ObjectIdentifier(v)]!)) }
        if !retainGraph { for n in ran { n.release() } }
        return captured
    }

    /// `AccumulateGrad`: `.grad` becomes the gradient, or the sum with what it held.
    static func accumulate(_ v: Variable, _ g: Tensor) throws {
        if let old = v.grad {
            v.grad = try Tensor.binary(.add, old, g)
        } else {
            v.grad = g.shape == v.shape ? g : try g.reshaped(v.shape)
        }
    }
}

extension Variable {
    /// `tensor.backward(gradient=None, retain_graph=False)`.
    public func backward(gradient: Tensor? = nil, retainGraph: Bool = false) throws {
        try Autograd.backward(self, gradient: gradient, retainGraph: retainGraph)
    }

    /// `tensor.item()`.
    public func item() throws -> Double { try data.item() }
}
