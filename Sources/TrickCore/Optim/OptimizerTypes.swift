/// The pieces a torch.optim optimizer is made of, as torch 2.4.1 lays them out
/// (torch/optim/optimizer.py): parameters known by identity, param groups that are ordered
/// option dicts, per-parameter state, and the `state_dict()` layout.
///
/// Parameters are identified by object identity (`ObjectIdentifier`), never by shape or name:
/// two `Conv2d(1, 1, 1)` weights are two parameters (issue 18's bug was confusing them).

/// A tensor an optimizer updates: a value and the gradient a backward pass left in `.grad`.
/// A reference type, because an optimizer and the model share the parameter (torch's
/// `param_groups` hold the real parameter tensors). autograd's `Variable` has exactly these two
/// members, so it conforms with an empty extension.
public protocol OptimizerParameter: AnyObject {
    var data: Tensor { get set }
    var grad: Tensor? { get set }
    /// The step's new value, set in place (a variable's `detach()`es see it, as torch's in-place step).
    func setValueInPlace(_ t: Tensor)
}

extension OptimizerParameter {
    public func setValueInPlace(_ t: Tensor) { data = t }
}

/// One value of a param group's option dict, with the Python type torch stores: `momentum=0` is
/// an int, `lr=0.1` a float, `betas` a tuple, `foreach=None`. torch keeps any key a group is given
/// (mmseg's layer-decay groups carry `group_name='layer_0_decay'` and `param_names=[...]`), so
/// strings and lists are values too; the step reads only the numeric options.
public enum OptionValue: Equatable, Sendable, CustomStringConvertible {
    case none
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case tuple([OptionValue])
    case list([OptionValue])

    /// The items of a tuple or a list (`betas=[0.9, 0.999]` works as the tuple in torch).
    public var elements: [OptionValue]? {
        switch self {
        case .tuple(let t), .list(let t): return t
        default: return nil
        }
    }

    /// The number, for ints, floats and bools (Python's numeric tower); nil otherwise.
    public var number: Double? {
        switch self {
        case .int(let i): return Double(i)
        case .double(let d): return d
        case .bool(let b): return b ? 1 : 0
        default: return nil
        }
    }

    /// Python truthiness, as torch's `if group["nesterov"]:` reads a flag.
    public var truthy: Bool {
        switch self {
        case .none: return false
        case .bool(let b): return b
        case .int(let i): return i != 0
        case .double(let d): return d != 0
        case .string(let s): return !s.isEmpty
        case .tuple(let t), .list(let t): return !t.isEmpty
        }
    }

    /// Python's `repr` (floats in shortest round-trip form, as Python prints them).
    public var description: String {
        switch self {
        case .none: return "None"
        case .bool(let b): return b ? "True" : "False"
        case .int(let i): return String(i)
        case .double(let d): return OptionValue.pythonFloat(d)
        case .string(let s): return "'\(s)'"
        case .tuple(let t): return t.count == 1 ? "(\(t[0]),)" : "(" + t.map(\.description).joined(separator: ", ") + ")"
        case .list(let t): return "[" + t.map(\.description).joined(separator: ", ") + "]"
        }
    }

    static func pythonFloat(_ d: Double) -> String {
        if d.isNaN { return "nan" }
        if d.isInfinite { return d < 0 ? "-inf" : "inf" }
        return "\(d)"
    }
}

/// A param group: `{'params': [...], 'lr': …, …}` with the keys in torch's order (the group's own
/// keys first, then the optimizer's defaults by `setdefault`).
public struct ParamGroup {
    public var params: [any OptimizerParameter]
    public var options: [(key: String, value: OptionValue)]

    public init(params: [any OptimizerParameter], options: [(key: String, value: OptionValue)] = []) {
        self.params = params
        self.options = options
    }

    public subscript(key: String) -> OptionValue? {
        get { options.first { $0.key == key }?.value }
        set {
            if let i = options.firstIndex(where: { $0.key == key }) {
                if let v = newValue { options[i].value = v } else { options.remove(at: i) }
            } else if let v = newValue {
                options.append((key, v))
            }
        }
    }

    /// A numeric option, as the step reads `group["lr"]` (KeyError when absent, as torch).
    public func number(_ key: String) throws -> Double {
        guard let v = self[key] else { throw CoreError("'\(key)'", kind: "KeyError") }
        guard let d = v.number else { throw CoreError("param group option '\(key)' must be a number, got \(v)", kind: "TypeError") }
        return d
    }

    public func flag(_ key: String) throws -> Bool {
        guard let v = self[key] else { throw CoreError("'\(key)'", kind: "KeyError") }
        return v.truthy
    }

    /// `betas=(beta1, beta2)`.
    public func pair(_ key: String) throws -> (Double, Double) {
        guard let v = self[key] else { throw CoreError("'\(key)'", kind: "KeyError") }
        guard let t = v.elements, t.count == 2, let a = t[0].number, let b = t[1].number else {
            throw CoreError("param group option '\(key)' must be a pair of numbers, got \(v)", kind: "TypeError")
        }
        return (a, b)
    }
}

/// `optimizer.state[p]`: the step count (torch keeps it as a 0-d float tensor, `tensor(3.)`) and
/// the buffers in the order torch inserts them (`exp_avg`, `exp_avg_sq`, `max_exp_avg_sq`; …).
/// A value: copying an optimizer's state copies the buffers.
public struct ParamState {
    public var step: Int?
    public var buffers: [(key: String, value: Tensor)]

    public init(step: Int? = nil, buffers: [(key: String, value: Tensor)] = []) {
        self.step = step
        self.buffers = buffers
    }

    public var isEmpty: Bool { step == nil && buffers.isEmpty }

    public subscript(key: String) -> Tensor? {
        get { buffers.first { $0.key == key }?.value }
        set {
            if let i = buffers.firstIndex(where: { $0.key == key }) {
                if let v = newValue { buffers[i].value = v } else { buffers.remove(at: i) }
            } else if let v = newValue {
                buffers.append((key, v))
            }
        }
    }

    /// The entries as `state_dict()['state'][i]` lists them: `step` first (a 0-d float32 tensor,
    /// torch's `_get_scalar_dtype()` under the default dtype), then the buffers.
    public var entries: [(key: String, value: Tensor)] {
        (step.map { [("step", Tensor.scalar(Float($0)))] } ?? []) + buffers
    }
}

/// `optimizer.state_dict()`: `{'state': {index: {...}}, 'param_groups': [{..., 'params': [indices]}]}`.
/// Indices number the parameters across groups in order; `state` keeps the order in which the
/// parameters first got state (torch's dict insertion order), which is not always index order.
public struct OptimizerStateDict {
    public var state: [(index: Int, entries: [(key: String, value: Tensor)])]
    public var paramGroups: [(options: [(key: String, value: OptionValue)], params: [Int])]

    public init(state: [(index: Int, entries: [(key: String, value: Tensor)])],
                paramGroups: [(options: [(key: String, value: OptionValue)], params: [Int])]) {
        self.state = state
        self.paramGroups = paramGroups
    }
}

/// An autograd leaf is what an optimizer steps: `param_groups` hold the real parameter tensors.
extension Variable: OptimizerParameter {}
