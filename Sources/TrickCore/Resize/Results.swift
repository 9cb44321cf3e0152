/// A data-pipeline results dict (MMCV `results`), in the numeric core's own terms so the
/// transforms need nothing from the language layer. Keys keep insertion order; values the
/// transforms do not understand travel through untouched as `.opaque`.
public enum Field {
    case none
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    /// A tuple of ints: shapes `(h, w[, c])`, scales `(w, h)`.
    case ints([Int])
    /// A tuple of floats: MMCV 2.x `scale_factor = (w_scale, h_scale)`.
    case doubles([Double])
    case tensor(Tensor)
    case list([Field])
    case dict(Results)
    /// Anything else (kept as the caller gave it).
    case opaque(Any)

    public var tensor: Tensor? { if case .tensor(let t) = self { return t } else { return nil } }
    public var isNone: Bool { if case .none = self { return true } else { return false } }
    public var string: String? { if case .string(let s) = self { return s } else { return nil } }
    public var strings: [String]? {
        guard case .list(let items) = self else { return nil }
        return items.compactMap(\.string)
    }
    /// A number (int, float or bool).
    public var number: Double? {
        switch self {
        case .int(let i): return Double(i)
        case .double(let d): return d
        case .bool(let b): return b ? 1 : 0
        default: return nil
        }
    }
}

public struct Results {
    public private(set) var keys: [String] = []
    private var storage: [String: Field] = [:]

    public init() {}
    public init(_ pairs: [(String, Field)]) { for (k, v) in pairs { self[k] = v } }

    public subscript(_ key: String) -> Field? {
        get { storage[key] }
        set {
            if let v = newValue {
                if storage[key] == nil { keys.append(key) }
                storage[key] = v
            } else if storage.removeValue(forKey: key) != nil {
                keys.removeAll { $0 == key }
            }
        }
    }

    public var pairs: [(String, Field)] { keys.map { ($0, storage[$0]!) } }
    public func has(_ key: String) -> Bool { storage[key] != nil }
    /// Present and not None (`results.get(key) is not None`).
    public func present(_ key: String) -> Bool { if let v = storage[key] { return !v.isNone } else { return false } }

    /// The tensor at `key`, or a clear error naming the key.
    public func tensor(_ key: String, for transform: String) throws -> Tensor {
        guard let v = storage[key] else {
            throw CoreError("\(transform): results has no key '\(key)' (keys: \(keys.joined(separator: ", ")))")
        }
        guard let t = v.tensor else { throw CoreError("\(transform): results['\(key)'] must be a tensor") }
        return t
    }

    public func image(for transform: String, key: String = "img") throws -> Tensor {
        let t = try tensor(key, for: transform)
        _ = try ImResize.geometry(t, name: "results['\(key)']")
        return t
    }

    /// The names listed under `key` (`img_fields`, `bbox_fields`, `seg_fields`), or `fallback`.
    public func fieldNames(_ key: String, default fallback: [String]) -> [String] {
        storage[key]?.strings ?? fallback
    }
}

/// A step of a data pipeline: takes a results dict, returns the new one.
public protocol ResultsTransform {
    func apply(_ results: Results) throws -> Results
}

/// MMCV `Compose`: the transforms in order.
public struct Compose: ResultsTransform {
    public var transforms: [ResultsTransform]
    public init(_ transforms: [ResultsTransform]) { self.transforms = transforms }
    public func apply(_ results: Results) throws -> Results {
        var r = results
        for t in transforms { r = try t.apply(r) }
        return r
    }
}

/// Shape tuple of a tensor: `img.shape` (3-tuple for HWC) or `img.shape[:2]`.
func shapeField(_ t: Tensor, first n: Int? = nil) -> Field {
    .ints(n.map { Array(t.shape.prefix($0)) } ?? t.shape)
}
