import TrickCore
import TrickLang

/// `optimizer.state` of trick's optimizers as torch's: the optimizer's own dict, each parameter
/// object with state (in the order it got it) → its entries (`step` as torch's 0-d float tensor,
/// then the buffers). The first read makes the dict; from then on it is the same dict and the same
/// tensor objects: each `step()` first takes what the script wrote into them
/// (`opt.state[p]['momentum_buffer'].mul_(0)`, or a new tensor under an existing key) and then
/// writes the new values into those tensors, so a tensor a script holds (Lookahead's
/// `fast_state`) follows the optimizer as torch's in-place updates do.
/// Where trick differs: a key the script adds that the update rule does not use is kept in the
/// dict but not read by the rule; deleting a key does not reset the rule's buffer.
extension LiveOptimizer {
    /// The parameter objects of the groups, by their variable.
    private func parameterObjects() -> [ObjectIdentifier: Value] {
        var objects: [ObjectIdentifier: Value] = [:]
        for case .dict(let d) in groups.items {
            guard let p = d[str: "params"], let (objs, vars) = try? LiveOptimizer.parameters(p) else { continue }
            for (o, v) in zip(objs, vars) { objects[ObjectIdentifier(v)] = o }
        }
        return objects
    }

    /// `optimizer.state`, brought up to date (the script's writes kept).
    func stateObject() throws -> Value {
        if stateView == nil { stateView = DictRef() }
        try stateFromView()
        try stateToView()
        return .dict(stateView!)
    }

    /// The core's state written into the view's tensors (nothing before the script read `state`).
    func stateToView() throws {
        guard let view = stateView else { return }
        let objects = parameterObjects()
        for p in core.parametersWithState {
            guard let key = objects[ObjectIdentifier(p)], let s = core.state(for: p) else { continue }
            let entries: DictRef
            if let e = stateEntries[ObjectIdentifier(p)] {
                entries = e
            } else {
                entries = DictRef()
                stateEntries[ObjectIdentifier(p)] = entries
                try view.set(key, .dict(entries))
            }
            for (k, t) in s.entries {
                if case .tensor(let ref)? = entries[str: k] { ref.tensor = t } else { entries[str: k] = .tensor(t) }
            }
        }
    }

    /// What the script wrote into the view, taken into the core's state before it is used.
    func stateFromView() throws {
        guard stateView != nil else { return }
        for p in core.parametersWithState {
            guard let entries = stateEntries[ObjectIdentifier(p)], var s = core.state(for: p) else { continue }
            for (k, v) in entries.pairs {
                guard case .str(let key) = k, case .tensor(let ref) = v else { continue }
                if key == "step" {
                    let x = try ref.tensor.item()
                    guard let n = Int(exactly: x), n >= 0 else {
                        throw RuntimeError("optimizer state 'step' must be a whole non-negative count, got \(x)", kind: "ValueError")
                    }
                    s.step = n
                } else if s[key] != nil {
                    s[key] = ref.tensor
                }
            }
            core.setState(s, for: p)
        }
    }

    /// After `load_state_dict` the optimizer has a new `state` dict, as torch's.
    func forgetView() {
        stateView = nil
        stateEntries = [:]
    }
}
