/// Reverse-mode automatic differentiation, as torch.autograd (torch 2.4) on CPU.
///
/// A `Variable` is torch's `Tensor` as autograd sees it: a value (`data`, a `Tensor` value), a
/// `requiresGrad` flag, the `.grad` a backward pass accumulates into a leaf, and for a computed
/// tensor the `gradFn` node that produced it. Nodes carry torch's names (`MulBackward0`,
/// `ConvolutionBackward0`, …) and a closure that maps the output's gradient to the inputs'.
///
/// What is matched, and how:
/// - Leaves: a variable without `gradFn` (created by the user, or by `detach()`); `.grad` is
///   accumulated across backward calls (`grad = grad + new`), as `AccumulateGrad`.
/// - A freed graph: after `backward()` without `retainGraph`, nodes that saved tensors drop them;
///   a second pass raises torch's "Trying to backward through the graph a second time …". Nodes
///   that saved nothing (`AddBackward0`, `SumBackward0`, …) can run again, as in torch.
/// - In-place changes: every variable has a version counter (shared with its `detach()`es); an op
///   that saves a variable records the version, and backward raises torch's "one of the variables
///   needed for gradient computation has been modified by an inplace operation: …" on a mismatch.
/// - Grad mode: `GradMode.noGrad { … }` records nothing (torch.no_grad()).
/// - Tensors here are always contiguous, so views (reshape, slicing, permute) are copies; their
///   gradients are torch's, but a view does not share its base's version counter.
/// A gradient hook (`tensor.register_hook(fn)`); `remove()` unregisters it (torch's RemovableHandle).
public final class GradHook {
    let fn: (Tensor) throws -> Tensor?
    public private(set) var removed = false
    init(_ fn: @escaping (Tensor) throws -> Tensor?) { self.fn = fn }
    public func remove() { removed = true }

    /// The gradient after each live hook in order (one returning nil leaves it as it was).
    static func apply(_ hooks: [GradHook], _ g: Tensor) throws -> Tensor {
        var g = g
        for h in hooks where !h.removed { if let r = try h.fn(g) { g = r } }
        return g
    }
}

public final class Variable {
    /// The value. Replacing it through `data` does not bump the version and leaves the variable's
    /// `detach()`es on the old value (as `x.data = …` in torch); an in-place op changes the value
    /// they share.
    public var data: Tensor {
        get { storage.tensor }
        set { storage = Storage(newValue) }
    }
    /// The value a variable shares with its `detach()`es (torch: the same storage).
    private var storage: Storage
    public private(set) var requiresGrad: Bool
    /// The gradient accumulated into a leaf (or a non-leaf that `retainGrad()` was called on).
    public var grad: Tensor?
    /// The node that computed this variable; nil for a leaf.
    public internal(set) var gradFn: Node?
    let version: VersionCounter
    public private(set) var retainsGrad = false
    /// A leaf's gradient hooks (a non-leaf's are on its node).
    var hooks: [GradHook] = []

    /// A leaf. `requiresGrad` needs a floating dtype (torch: "only Tensors of floating point dtype
    /// can require gradients").
    public init(_ data: Tensor, requiresGrad: Bool = false) throws {
        if requiresGrad && !data.dtype.isFloatingPoint { throw CoreError(AutogradMessages.integerRequiresGrad) }
        self.storage = Storage(data)
        self.requiresGrad = requiresGrad
        self.version = VersionCounter()
    }

    init(computed data: Tensor, gradFn: Node?, version: VersionCounter = VersionCounter()) {
        self.storage = Storage(data)
        self.requiresGrad = gradFn != nil
        self.gradFn = gradFn
        self.version = version
    }

    public var isLeaf: Bool { gradFn == nil }
    public var shape: [Int] { data.shape }
    public var rank: Int { data.rank }
    public var dtype: DType { data.dtype }
    /// The in-place version (torch `x._version`).
    public var currentVersion: Int { version.value }

    /// `requires_grad_(flag)`: only on leaves (a non-leaf may be set to True, which it already is).
    public func setRequiresGrad(_ flag: Bool) throws {
        if !isLeaf {
            if flag { return }
            throw CoreError(AutogradMessages.requiresGradOfNonLeaf)
        }
        if flag && !data.dtype.isFloatingPoint { throw CoreError(AutogradMessages.integerRequiresGrad) }
        requiresGrad = flag
    }

    /// `retain_grad()`: a non-leaf keeps the gradient that flows into it.
    public func retainGrad() throws {
        guard requiresGrad else { throw CoreError("can't retain_grad on Tensor that has requires_grad=False") }
        if !isLeaf { retainsGrad = true; gradFn?.retainedOutput = self }
    }

    /// `register_hook(fn)`: `fn(grad)` is called with the gradient flowing into this tensor (a
    /// leaf: the sum of what reaches it in one pass, before it is accumulated), and a tensor it
    /// returns replaces that gradient.
    public func registerHook(_ fn: @escaping (Tensor) throws -> Tensor?) throws -> GradHook {
        guard requiresGrad else { throw CoreError("cannot register a hook on a tensor that doesn't require gradient") }
        let h = GradHook(fn)
        if let node = gradFn { node.tensorHooks.append(h) } else { hooks.append(h) }
        return h
    }

    /// `.grad` as a user reads it: a non-leaf without `retainGrad()` gives nil and torch's
    /// UserWarning text (the caller decides how to show it).
    public func gradForUser() -> (grad: Tensor?, warning: String?) {
        if !isLeaf && !retainsGrad { return (nil, AutogradMessages.nonLeafGrad) }
        return (grad, nil)
    }

    /// `detach()`: a new leaf outside the graph sharing the value and the version counter, so an
    /// in-place op on either changes both (torch's `p.detach().add_(x)` changes `p`).
    public func detach() -> Variable {
        let d = Variable(computed: data, gradFn: nil, version: version)
        d.storage = storage
        return d
    }

    /// Sets the value in place (the detached views see it) without bumping the version: an
    /// optimizer's step, which torch runs in place under `no_grad`.
    public func setValueInPlace(_ t: Tensor) { storage.tensor = t }

    /// The name torch prints after `grad_fn=` (nil for a leaf).
    public var gradFnName: String? { gradFn?.name }

    /// torch's type string for error messages: `torch.FloatTensor [2, 3]`.
    var typeDescription: String { Variable.typeDescription(data.dtype, data.shape) }

    static func typeDescription(_ dtype: DType, _ shape: [Int]) -> String {
        "[torch.\(dtype.torchScalarName)Tensor [\(shape.map(String.init).joined(separator: ", "))]]"
    }

    // MARK: in-place operations

    /// Replaces this variable's value by `f(self)` computed as an out-of-place op and bumps its
    /// version, as torch's in-place ops do: a leaf that requires grad may only be changed with
    /// grad mode off (torch: "a leaf Variable that requires grad is being used in an in-place
    /// operation."); a non-leaf gets the new op's node as its `gradFn`.
    public func inPlace(_ f: (Variable) throws -> Variable) throws {
        if isLeaf && requiresGrad && GradMode.isEnabled { throw CoreError(AutogradMessages.leafInPlace, kind: "RuntimeError") }
        let r = try f(self)
        guard r.shape == data.shape else {
            throw CoreError("output with shape \(Tensor.formatShape(data.shape)) doesn't match the broadcast shape \(Tensor.formatShape(r.shape))")
        }
        storage.tensor = r.data.cast(to: data.dtype)
        if let node = r.gradFn {
            gradFn = node
            requiresGrad = true
            if retainsGrad { node.retainedOutput = self }
        }
        version.value += 1
    }

    /// `zero_()` (also how an optimizer clears `.grad` in place).
    public func zero_() throws {
        try inPlace { v in try Variable(try Tensor.zeros(v.shape, dtype: v.dtype)) }
    }
}

/// Something that holds an autograd variable: the variable itself, or a module parameter with
/// values. The language reads such an object as a tensor wherever a plain tensor is expected.
public protocol VariableHolder: AnyObject {
    var heldVariable: Variable? { get }
}

extension Variable: VariableHolder {
    public var heldVariable: Variable? { self }
}

/// The value a variable and its `detach()`es share.
final class Storage {
    var tensor: Tensor
    init(_ t: Tensor) { tensor = t }
}

/// One in-place version counter, shared by a variable and its `detach()`es.
final class VersionCounter { var value = 0 }

/// A variable an op saved for backward, with the version it had then. (What the error message
/// needs is kept and the text made only when it is raised: every recorded op saves variables.)
struct SavedVariable {
    let counter: VersionCounter
    let savedVersion: Int
    let dtype: DType
    let shape: [Int]
    let producer: String?

    init(_ v: Variable) {
        counter = v.version
        savedVersion = v.version.value
        dtype = v.dtype
        shape = v.shape
        producer = v.gradFn?.name
    }

    var description: String {
        let t = Variable.typeDescription(dtype, shape)
        return producer.map { "\(t), which is output 0 of \($0)," } ?? t
    }

    func check() throws {
        if counter.value != savedVersion {
            throw CoreError("one of the variables needed for gradient computation has been modified by an inplace operation: "
                + "\(description) is at version \(counter.value); expected version \(savedVersion) instead. Hint: enable anomaly "
                + "detection to find the operation that failed to compute its gradient, with torch.autograd.set_detect_anomaly(True).")
        }
    }
}

/// torch's `no_grad` / `enable_grad`. One flag for the process: the interpreter runs a script
/// on one thread.
public enum GradMode {
    nonisolated(unsafe) public static var isEnabled = true

    /// Runs `body` with gradient recording off (`with torch.no_grad():`), restoring the mode after.
    public static func noGrad<R>(_ body: () throws -> R) rethrows -> R {
        let saved = isEnabled
        isEnabled = false
        defer { isEnabled = saved }
        return try body()
    }

    /// Runs `body` with gradient recording on (`with torch.enable_grad():`).
    public static func enableGrad<R>(_ body: () throws -> R) rethrows -> R {
        let saved = isEnabled
        isEnabled = true
        defer { isEnabled = saved }
        return try body()
    }
}

/// torch's wording, kept in one place.
public enum AutogradMessages {
    public static let freedGraph = "Trying to backward through the graph a second time (or directly access saved tensors after they have already been freed). Saved intermediate values of the graph are freed when you call .backward() or autograd.grad(). Specify retain_graph=True if you need to backward through the graph a second time or if you need to access saved tensors after calling backward."
    public static let nonScalar = "grad can be implicitly created only for scalar outputs"
    public static let nonLeafGrad = "The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its .grad attribute won't be populated during autograd.backward(). If you indeed want the .grad field to be populated for a non-leaf Tensor, use .retain_grad() on the non-leaf Tensor. If you access the non-leaf Tensor by mistake, make sure you access the leaf Tensor instead. See github.com/pytorch/pytorch/pull/30531 for more informations. (Triggered internally at aten/src/ATen/core/TensorBody.h:489.)"
    public static let leafInPlace = "a leaf Variable that requires grad is being used in an in-place operation."
    public static let noGradFn = "element 0 of tensors does not require grad and does not have a grad_fn"
    public static let unused = "One of the differentiated Tensors appears to not have been used in the graph. Set allow_unused=True if this is the desired behavior."
    public static let inputNoGrad = "One of the differentiated Tensors does not require grad"
    public static let integerRequiresGrad = "only Tensors of floating point dtype can require gradients"
    public static let requiresGradOfNonLeaf = "you can only change requires_grad flags of leaf variables. If you want to use a computed variable in a subgraph that doesn't require differentiation use var_no_grad = var.detach()."
}

extension Variable: CustomStringConvertible {
    /// torch's repr: the tensor, then `grad_fn=<MulBackward0>` for a computed variable or
    /// `requires_grad=True` for a leaf that requires grad.
    public var description: String {
        var extra: [String] = []
        if let fn = gradFn { extra.append("grad_fn=<\(fn.name)>") } else if requiresGrad { extra.append("requires_grad=True") }
        return TensorFormatter.format(data, extraSuffixes: extra)
    }
}
