/// The Python objects a torch checkpoint holds (`torch.save` of state dicts, optimizer and
/// scheduler state, nested containers of them), as PickleReader reads them from a pickle stream
/// and PickleWriter writes them. Lists, dicts, sets and tensors are reference types, as in Python:
/// an object the stream refers to twice (a memo `GET`) is the same object, and a reader fills a
/// list or dict after it has been memoized.
public indirect enum Pickled {
    case none
    case bool(Bool)
    case int(Int)
    case float(Double)
    case string(String)
    case tuple([Pickled])
    case list(PickledList)
    case dict(PickledDict)
    case set(PickledList)
    case tensor(PickledTensor)
    /// A class or function the stream names (`GLOBAL module name`) that nothing has called.
    case global(module: String, name: String)
    /// What a persistent id stands for (torch: a storage in the archive), until a tensor takes it.
    case storage(PickledStorage)

    /// How errors name a value's type (Python's names).
    public var typeName: String {
        switch self {
        case .none: return "NoneType"
        case .bool: return "bool"
        case .int: return "int"
        case .float: return "float"
        case .string: return "str"
        case .tuple: return "tuple"
        case .list: return "list"
        case .dict(let d): return d.kind.rawValue
        case .set: return "set"
        case .tensor: return "Tensor"
        case .global(let m, let n): return "\(m).\(n)"
        case .storage: return "storage"
        }
    }
}

public final class PickledList {
    public var items: [Pickled]
    public init(_ items: [Pickled] = []) { self.items = items }
}

public final class PickledDict {
    /// The dict types checkpoints hold: `dict`, `collections.OrderedDict` (a module's
    /// `state_dict()`) and `collections.Counter` (MMEngine's MultiStep schedulers' `milestones`).
    public enum Kind: String, Sendable { case dict, orderedDict = "collections.OrderedDict", counter = "collections.Counter" }
    public var kind: Kind
    public var pairs: [(key: Pickled, value: Pickled)]
    public init(kind: Kind = .dict, _ pairs: [(key: Pickled, value: Pickled)] = []) { self.kind = kind; self.pairs = pairs }
}

/// A tensor, with what torch pickles beside its values: `requires_grad`, and whether it is an
/// `nn.Parameter` (`torch._utils._rebuild_parameter`).
public final class PickledTensor {
    public let tensor: Tensor
    public let requiresGrad: Bool
    public let isParameter: Bool
    public init(_ tensor: Tensor, requiresGrad: Bool = false, isParameter: Bool = false) {
        self.tensor = tensor
        self.requiresGrad = requiresGrad
        self.isParameter = isParameter
    }
}

/// A storage of a torch archive: the raw bytes of `archive/data/<key>` and their element type.
public final class PickledStorage {
    public let element: TensorBytes.Element
    public let bytes: [UInt8]
    public let bigEndian: Bool
    public init(element: TensorBytes.Element, bytes: [UInt8], bigEndian: Bool) {
        self.element = element
        self.bytes = bytes
        self.bigEndian = bigEndian
    }

    public var count: Int { bytes.count / Swift.max(element.size, 1) }
}
