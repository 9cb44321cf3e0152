/// A model skeleton: the part of a `torch.nn.Module` tree that decides parameter-wise optimizer
/// settings — each module's class, its own parameters (name, shape, `requires_grad`) and its
/// children in registration order. Parameter values are not stored (a ResNet-50 skeleton costs
/// a few kilobytes); a parameter may carry data when a script gave it (`Parameter(tensor)`).
///
/// Matches torch's registration semantics: a module's own parameters precede its children in
/// `named_parameters()`, a `Parameter` object shared by two modules is one parameter (torch's
/// memo de-duplication), and a module registered twice is visited twice by `named_children`
/// walks (MMEngine's `add_params`) but once by `named_parameters`.
/// See reference/param-groups-schedules-swa.md §1.3–§1.4 and §4.1.
public final class ModuleParameter: VariableHolder {
    public let shape: [Int]
    private var skeletonRequiresGrad: Bool
    /// The autograd leaf holding the values, when the parameter has them (a module built with
    /// values, a `Parameter(tensor)`); skeleton parameters have none. The optimizer, `.grad`
    /// and `backward` all act on this one variable, so the parameter has one identity.
    public private(set) var variable: Variable?

    public init(shape: [Int], requiresGrad: Bool = true, data: Tensor? = nil) {
        self.shape = shape
        self.skeletonRequiresGrad = requiresGrad
        if let data { self.variable = try? Variable(data, requiresGrad: requiresGrad && data.dtype.isFloatingPoint) }
    }

    /// `p.requires_grad` (of the values when present).
    public var requiresGrad: Bool {
        get { variable?.requiresGrad ?? skeletonRequiresGrad }
        set {
            skeletonRequiresGrad = newValue
            try? variable?.setRequiresGrad(newValue)
        }
    }

    /// Values, when the script gave them; skeleton parameters have none. Setting values on a
    /// skeleton gives it a variable; replacing them keeps the variable (as `p.data = t`).
    public var data: Tensor? {
        get { variable?.data }
        set {
            guard let t = newValue else { variable = nil; return }
            if let v = variable { v.data = t } else {
                variable = try? Variable(t, requiresGrad: skeletonRequiresGrad && t.dtype.isFloatingPoint)
            }
        }
    }

    public var heldVariable: Variable? { variable }

    /// The language's object for this parameter while one exists, so that the parameter keeps
    /// one identity in a script. Weak: the object holds the parameter, and goes when the script
    /// lets go of it (a new one is made if the parameter is reached again).
    public weak var boundObject: AnyObject?

    public var ndim: Int { shape.count }
    /// Element count (saturating at `Int.max` instead of trapping on absurd shapes).
    public var numel: Int { ModuleParameter.saturatingProduct(shape) }

    public static func saturatingProduct(_ xs: [Int]) -> Int {
        var p = 1
        for x in xs {
            let (r, o) = p.multipliedReportingOverflow(by: x)
            if o { return Int.max }
            p = r
        }
        return p
    }
}

/// The torch class of a module, as far as the optimizer constructors look at it.
public enum ModuleKind: Equatable, Sendable {
    /// `nn.Conv1d/2d/3d` (and `ConvTranspose`); `dims` is 1, 2 or 3.
    case conv(dims: Int, inChannels: Int, outChannels: Int, groups: Int, transposed: Bool)
    case linear
    case embedding
    /// `_BatchNorm` subclasses (BatchNorm1d/2d/3d, SyncBatchNorm).
    case batchNorm
    /// `_InstanceNorm` subclasses.
    case instanceNorm
    case groupNorm
    case layerNorm
    /// MMCV `DeformConv2d` / `ModulatedDeformConv2d` (and their `…Pack` subclasses).
    case deformConv(modulated: Bool)
    case sequential
    case moduleList
    case moduleDict
    /// Any other container (`Module(**children)`, a user class).
    case generic
}

public final class ModuleNode {
    /// The class name shown to users (`Conv2d`, `BatchNorm2d`, `DeformConv2dPack`, `ResNetV1c`, …).
    public var typeName: String
    public let kind: ModuleKind
    public private(set) var parameters: [(name: String, param: ModuleParameter)] = []
    public private(set) var children: [(name: String, module: ModuleNode)] = []
    /// Buffers (BatchNorm running statistics), by name and shape.
    public private(set) var buffers: [(name: String, shape: [Int])] = []
    /// Constructor arguments for the repr (`Conv2d(3, 4, kernel_size=(1, 1), bias=False)`).
    public var extraRepr: String = ""
    /// What the language bindings keep for this module (its forward, running statistics,
    /// train/eval flag, script object, …): on the node, so that it goes when the module does.
    /// The core never reads it.
    public var bindingState: AnyObject?

    public init(typeName: String, kind: ModuleKind = .generic) {
        self.typeName = typeName
        self.kind = kind
    }

    /// Registers (or replaces, keeping its position — as `setattr` does) a parameter.
    public func setParameter(_ name: String, _ p: ModuleParameter) {
        if let i = parameters.firstIndex(where: { $0.name == name }) { parameters[i].param = p; return }
        children.removeAll { $0.name == name }
        parameters.append((name, p))
    }

    /// Registers (or replaces, keeping its position) a child module.
    public func setChild(_ name: String, _ m: ModuleNode) {
        if let i = children.firstIndex(where: { $0.name == name }) { children[i].module = m; return }
        parameters.removeAll { $0.name == name }
        children.append((name, m))
    }

    public func addBuffer(_ name: String, shape: [Int]) { buffers.append((name, shape)) }

    public func child(_ name: String) -> ModuleNode? { children.first { $0.name == name }?.module }
    public func parameter(_ name: String) -> ModuleParameter? { parameters.first { $0.name == name }?.param }

    // MARK: Classification (reference §1.3)

    /// `isinstance(m, (_BatchNorm, _InstanceNorm, GroupNorm, LayerNorm))`.
    public var isNorm: Bool {
        switch kind {
        case .batchNorm, .instanceNorm, .groupNorm, .layerNorm: return true
        default: return false
        }
    }

    /// `isinstance(m, nn.Conv2d)`; ConvTranspose2d is not a Conv2d subclass, nor is MMCV's DeformConv2d.
    public var isConv2d: Bool {
        if case .conv(2, _, _, _, false) = kind { return true }
        return false
    }

    /// `isinstance(m, nn.Conv2d) and m.in_channels == m.groups` — `Conv2d(1, C)` counts too.
    public var isDepthwiseConv: Bool {
        if case .conv(2, let cin, _, let g, false) = kind { return cin == g }
        return false
    }

    public var isDeformConv: Bool {
        if case .deformConv = kind { return true }
        return false
    }

    // MARK: Traversal (torch semantics)

    /// `named_parameters()`: own parameters first, then children depth-first; every parameter
    /// object appears once (first name wins), every module is entered once.
    public func namedParameters() -> [(name: String, param: ModuleParameter)] {
        var seenParams = Set<ObjectIdentifier>(), seenModules = Set<ObjectIdentifier>()
        var out: [(String, ModuleParameter)] = []
        func walk(_ m: ModuleNode, _ prefix: String) {
            guard seenModules.insert(ObjectIdentifier(m)).inserted else { return }
            for (n, p) in m.parameters where seenParams.insert(ObjectIdentifier(p)).inserted {
                out.append((prefix.isEmpty ? n : prefix + "." + n, p))
            }
            for (n, c) in m.children { walk(c, prefix.isEmpty ? n : prefix + "." + n) }
        }
        walk(self, "")
        return out
    }

    /// `named_modules()`: the module itself (name `''`) then every descendant once, depth-first.
    public func namedModules() -> [(name: String, module: ModuleNode)] {
        var seen = Set<ObjectIdentifier>()
        var out: [(String, ModuleNode)] = []
        func walk(_ m: ModuleNode, _ prefix: String) {
            guard seen.insert(ObjectIdentifier(m)).inserted else { return }
            out.append((prefix, m))
            for (n, c) in m.children { walk(c, prefix.isEmpty ? n : prefix + "." + n) }
        }
        walk(self, "")
        return out
    }

    /// `named_buffers()` with full names (BatchNorm running statistics).
    public func namedBuffers() -> [(name: String, shape: [Int])] {
        namedModules().flatMap { (prefix, m) in
            m.buffers.map { (prefix.isEmpty ? $0.name : prefix + "." + $0.name, $0.shape) }
        }
    }

    /// `named_children()` of one module: de-duplicated within this module only (torch's memo).
    public var uniqueChildren: [(name: String, module: ModuleNode)] {
        var seen = Set<ObjectIdentifier>()
        return children.filter { seen.insert(ObjectIdentifier($0.module)).inserted }
    }

    /// `requires_grad_(flag)` on every parameter of the subtree.
    public func setRequiresGrad(_ flag: Bool) {
        for (_, p) in namedParameters() { p.requiresGrad = flag }
    }

    /// The total number of parameter elements (shared parameters once).
    public var parameterCount: Int {
        namedParameters().reduce(0) { acc, p in
            let (r, o) = acc.addingReportingOverflow(p.param.numel)
            return o ? Int.max : r
        }
    }
}
