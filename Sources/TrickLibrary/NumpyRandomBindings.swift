import TrickCore
import TrickLang

/// `np.random`: numpy's legacy global `RandomState` (MT19937), draw for draw — the stream the
/// data transforms draw from (`NumpyRandom.global`) — and `np.random.RandomState(seed)` objects
/// with the same methods over a stream of their own. A call without `size` returns a Python
/// number, with `size` (or `rand(d0, d1, …)`) a numpy array filled in C order, one draw per element.
enum NumpyRandomBindings {
    static func module() -> BuiltObject {
        let random = BuiltObject(typeName: "module")
        random.repr = { "<module 'numpy.random'>" }
        install(on: random, NumpyRandom.global, who: "np.random")
        random.method("RandomState(seed=None)", doc: "numpy.random.RandomState: a legacy MT19937 stream of its own (seed None means 0: trick has no entropy source).") { a in
            let state = BuiltObject(typeName: "RandomState")
            state.repr = { "RandomState(MT19937)" }
            install(on: state, NumpyRandom(seed: try seedValue(a["seed"])), who: "RandomState")
            return .object(state)
        }
        return random
    }

    /// numpy's legacy seeding of an int: `init_genrand`, only for 0 ≤ seed < 2**32.
    static func seedValue(_ v: Value) throws -> UInt32 {
        if case .none = v { return 0 }
        let s = try Convert.int(v, what: "seed")
        guard s >= 0, s <= Int(UInt32.max) else { throw RuntimeError("Seed must be between 0 and 2**32 - 1", kind: "ValueError") }
        return UInt32(s)
    }

    static func install(on o: BuiltObject, _ rng: NumpyRandom, who: String) {
        o.method("seed(seed=None)", doc: "Reseeds the stream (\(who); numpy's legacy MT19937 init_genrand). Where trick differs: None seeds 0 (numpy takes entropy from the OS).") { a in
            rng.seed(try seedValue(a["seed"]))
            return .none
        }
        for name in ["random_sample", "random"] {
            o.method("\(name)(size=None)", doc: "numpy \(name): uniform floats in [0, 1), 53 bits from two 32-bit draws.") { a in
                try floats(a, size: try size(a["size"]), rng.randomSample)
            }
        }
        o.method("rand(*size)", doc: "numpy rand(d0, d1, …): random_sample of that shape (a float without dimensions).") { a in
            try floats(a, size: a.varargs.isEmpty ? nil : try a.varargs.map { try Convert.int($0, what: "rand() dimension") }, rng.randomSample)
        }
        o.method("uniform(low=0.0, high=1.0, size=None)", doc: "numpy uniform: low + (high - low) * random_sample().") { a in
            let low = try a.double("low"), span = try a.double("high") - low
            return try floats(a, size: try size(a["size"])) { low + span * rng.randomSample() }
        }
        o.method("randn(*size)", doc: "numpy randn(d0, d1, …): standard normals (legacy polar method).") { a in
            try floats(a, size: a.varargs.isEmpty ? nil : try a.varargs.map { try Convert.int($0, what: "randn() dimension") }, rng.gauss)
        }
        o.method("standard_normal(size=None)", doc: "numpy standard_normal (legacy polar method).") { a in
            try floats(a, size: try size(a["size"]), rng.gauss)
        }
        o.method("normal(loc=0.0, scale=1.0, size=None)", doc: "numpy normal: loc + scale * standard_normal().") { a in
            let loc = try a.double("loc"), scale = try a.double("scale")
            guard scale >= 0 else { throw RuntimeError("scale < 0", kind: "ValueError") }
            return try floats(a, size: try size(a["size"])) { loc + scale * rng.gauss() }
        }
        installChoice(on: o, rng)
        o.method("randint(low, high=None, size=None, dtype='int64')", doc: "numpy randint: integers in [low, high) ([0, low) without high), masked rejection on 32-bit draws.") { a in
            if a.has("dtype"), case .str(let d) = a["dtype"], !["int64", "int", "l"].contains(d) {
                throw RuntimeError("randint(): dtype '\(d)' draws differently in numpy; trick has the int64 stream only", kind: "TypeError")
            }
            let low = a.has("high") ? try a.int("low") : 0
            let high = a.has("high") ? try a.int("high") : try a.int("low")
            guard high > low else { throw RuntimeError("low >= high", kind: "ValueError") }
            guard let shape = try size(a["size"]) else { return .int(try rng.randint(low, high)) }
            var values = [Int64]()
            values.reserveCapacity(shape.reduce(1, *))
            for _ in 0..<shape.reduce(1, *) { values.append(Int64(try rng.randint(low, high))) }
            var t = Tensor(shape: shape, int64: values)
            t.isNumpy = true
            return .tensor(t)
        }
    }

    /// numpy's legacy `choice`: with `p`, the inverse CDF of random_sample draws (cumsum
    /// normalised by its last value, searchsorted side='right'); without, randint(0, n); without
    /// replacement (and no p), the first `size` of a shuffled arange (numpy's legacy shuffle).
    static func installChoice(on o: BuiltObject, _ rng: NumpyRandom) {
        o.method("choice(a, size=None, replace=True, p=None)", doc: "numpy choice: samples of a (or of range(a) for an int), uniformly or with probabilities p. Where trick differs: replace=False together with p is not implemented (an error says so).") { a in
            var population: [Value]? = nil
            let n: Int
            switch a["a"] {
            case .int(let k): n = k
            case .list(let l): population = l.items; n = l.items.count
            case .tuple(let t): population = t; n = t.count
            case .tensor(let ref):
                let t = ref.tensor
                guard t.rank == 1 else { throw RuntimeError("a must be 1-dimensional", kind: "ValueError") }
                population = t.dtype.isFloatingPoint ? t.doubles.map { .float($0) } : t.int64s.map { .int(Int($0)) }
                n = t.count
            default:
                throw RuntimeError("a must be 1-dimensional or an integer", kind: "ValueError")
            }
            let shape = try size(a["size"])
            let count = shape?.reduce(1, *) ?? 1
            guard n > 0 || count == 0 else { throw RuntimeError("a must be a positive integer unless no samples are taken", kind: "ValueError") }
            var indices: [Int] = []
            if a["p"].isNone {
                if try a.bool("replace") {
                    for _ in 0..<count { indices.append(try rng.randint(0, n)) }
                } else {
                    guard count <= n else { throw RuntimeError("Cannot take a larger sample than population when 'replace=False'", kind: "ValueError") }
                    var perm = Array(0..<n)
                    for i in stride(from: n - 1, to: 0, by: -1) { perm.swapAt(i, try rng.randint(0, i + 1)) }
                    indices = Array(perm.prefix(count))
                }
            } else {
                guard try a.bool("replace") else {
                    throw RuntimeError("choice(replace=False, p=...) is not implemented in trick", kind: "NotImplementedError")
                }
                let p: [Double]       // float64 throughout, as numpy (a float32 tensor would not sum to 1)
                switch a["p"] {
                case .tensor(let ref): p = ref.tensor.cast(to: .float64).doubles
                case .list(let l): p = try l.items.map(probability)
                case .tuple(let t): p = try t.map(probability)
                default: throw RuntimeError("p must be 1-dimensional", kind: "ValueError")
                }
                guard p.count == n else { throw RuntimeError("'a' and 'p' must have same size", kind: "ValueError") }
                guard p.allSatisfy({ $0 >= 0 }) else { throw RuntimeError("probabilities are not non-negative", kind: "ValueError") }
                guard abs(p.reduce(0, +) - 1) <= Double.ulpOfOne.squareRoot() else { throw RuntimeError("probabilities do not sum to 1", kind: "ValueError") }
                var cdf = [Double](), acc = 0.0
                for x in p { acc += x; cdf.append(acc) }
                let last = cdf[cdf.count - 1]
                cdf = cdf.map { $0 / last }
                for _ in 0..<count {
                    let u = rng.randomSample()
                    var lo = 0, hi = cdf.count
                    while lo < hi { let mid = (lo + hi) / 2; if cdf[mid] <= u { lo = mid + 1 } else { hi = mid } }
                    indices.append(lo)
                }
            }
            let picked: [Value] = indices.map { i in population.map { $0[i] } ?? .int(i) }
            guard let shape else { return picked[0] }
            var t = try Convert.tensor(.list(ListRef(picked)))
            t = try t.reshaped(shape)
            t.isNumpy = true
            return .tensor(t)
        }
    }

    static func probability(_ v: Value) throws -> Double {
        guard let d = Convert.double(v) else { throw RuntimeError("p must hold numbers, got \(v.typeName)", kind: "TypeError") }
        return d
    }

    /// `size`: None, an int, or a tuple/list of ints.
    static func size(_ v: Value) throws -> [Int]? {
        if case .none = v { return nil }
        let s = try Convert.ints(v, what: "size")
        guard s.allSatisfy({ $0 >= 0 }) else { throw RuntimeError("negative dimensions are not allowed", kind: "ValueError") }
        return s
    }

    static func floats(_ a: Bound, size: [Int]?, _ draw: () -> Double) throws -> Value {
        guard let shape = size else { return .float(draw()) }
        guard shape.allSatisfy({ $0 >= 0 }) else { throw RuntimeError("negative dimensions are not allowed", kind: "ValueError") }
        let n = shape.reduce(1, *)
        var values = [Double]()
        values.reserveCapacity(n)
        for _ in 0..<n { values.append(draw()) }
        var t = Tensor(shape: shape, float64: values)
        t.isNumpy = true
        return .tensor(t)
    }
}
