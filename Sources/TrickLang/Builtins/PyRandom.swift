#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Python's `random` (CPython 3.11), draw for draw: the same MT19937 generator seeded as
/// CPython's `init_by_array` (an int seed's 32-bit words, least significant first; a float seed
/// by its hash), `random()` from two 32-bit draws, integers by `getrandbits` rejection
/// (`_randbelow`), and the Python-level algorithms of `shuffle`, `sample`, `choice(s)`, `gauss`
/// (with its cached second value), `normalvariate`, `uniform`, `triangular`, `expovariate`.
/// `random.seed(0); random.random()` is 0.8444218515250481 in both. Where trick differs: a str or
/// bytes seed (CPython hashes it with SHA-512) is not supported; seed with an int.
final class PyRandomState {
    private var mt = [UInt32](repeating: 0, count: 624)
    private var index = 625
    var gaussNext: Double?

    init() { seed(nil) }

    private func initGenrand(_ s: UInt32) {
        mt[0] = s
        for i in 1..<624 { mt[i] = 1_812_433_253 &* (mt[i - 1] ^ (mt[i - 1] >> 30)) &+ UInt32(i) }
        index = 624
    }

    /// CPython's `init_by_array`.
    private func initByArray(_ key: [UInt32]) {
        initGenrand(19_650_218)
        var i = 1, j = 0
        for _ in 0..<Swift.max(624, key.count) {
            mt[i] = (mt[i] ^ ((mt[i - 1] ^ (mt[i - 1] >> 30)) &* 1_664_525)) &+ key[j] &+ UInt32(j)
            i += 1; j += 1
            if i >= 624 { mt[0] = mt[623]; i = 1 }
            if j >= key.count { j = 0 }
        }
        for _ in 0..<623 {
            mt[i] = (mt[i] ^ ((mt[i - 1] ^ (mt[i - 1] >> 30)) &* 1_566_083_941)) &- UInt32(i)
            i += 1
            if i >= 624 { mt[0] = mt[623]; i = 1 }
        }
        mt[0] = 0x8000_0000
    }

    /// `seed(n)`: |n| split into 32-bit words; nil seeds from the clock (CPython: os.urandom).
    func seed(_ n: Int?) {
        var m: UInt64
        if let n { m = UInt64(n.magnitude) } else {
            var ts = timespec()
            clock_gettime(CLOCK_REALTIME, &ts)
            m = UInt64(ts.tv_sec) &* 1_000_000_007 &+ UInt64(ts.tv_nsec)
        }
        var key: [UInt32] = []
        repeat { key.append(UInt32(truncatingIfNeeded: m)); m >>= 32 } while m != 0
        initByArray(key)
        gaussNext = nil
    }

    func genrand() -> UInt32 {
        if index >= 624 {
            for k in 0..<624 {
                let y = (mt[k] & 0x8000_0000) | (mt[(k + 1) % 624] & 0x7fff_ffff)
                mt[k] = mt[(k + 397) % 624] ^ (y >> 1) ^ (y & 1 != 0 ? 0x9908_b0df : 0)
            }
            index = 0
        }
        var y = mt[index]
        index += 1
        y ^= y >> 11
        y ^= (y << 7) & 0x9d2c_5680
        y ^= (y << 15) & 0xefc6_0000
        y ^= y >> 18
        return y
    }

    func random() -> Double {
        let a = Double(genrand() >> 5), b = Double(genrand() >> 6)
        return (a * 67_108_864.0 + b) * (1.0 / 9_007_199_254_740_992.0)
    }

    /// `getrandbits(k)` for k ≤ 63: 32-bit words, least significant first, the last one cut.
    func getrandbits(_ k: Int) -> UInt64 {
        if k <= 0 { return 0 }
        if k <= 32 { return UInt64(genrand() >> (32 - k)) }
        var r: UInt64 = 0, shift: UInt64 = 0, left = k
        while left > 0 {
            var w = genrand()
            if left < 32 { w >>= (32 - left) }
            r |= UInt64(w) << shift
            shift += 32; left -= 32
        }
        return r
    }

    /// `_randbelow(n)`, n > 0: k = n.bit_length() random bits until one is below n.
    func below(_ n: Int) -> Int {
        let k = Int.bitWidth - n.leadingZeroBitCount
        var r = getrandbits(k)
        while r >= UInt64(n) { r = getrandbits(k) }
        return Int(r)
    }

    var state: [Value] { mt.map { .int(Int($0)) } + [.int(index)] }
    func setState(_ words: [Int]) throws {
        guard words.count == 625, (0...624).contains(words[624]) else { throw RuntimeError("state vector is the wrong size", kind: "ValueError") }
        mt = words[..<624].map { UInt32(truncatingIfNeeded: $0) }
        index = words[624]
    }
}

enum PyRandomModule {
    static func register(_ lib: Library, _ interp: Interpreter) {
        let m = Modules.std("random", in: lib)
        install(on: m, PyRandomState(), interp)
        m.method("Random(x=None)", doc: "random.Random: a generator of its own, with the module's methods.") { [unowned interp] a in
            let o = BuiltObject(typeName: "Random")
            o.repr = { "<random.Random object>" }
            let r = PyRandomState()
            try seed(r, a["x"])
            install(on: o, r, interp)
            return .object(o)
        }
    }

    static func seed(_ r: PyRandomState, _ v: Value) throws {
        switch v {
        case .none: r.seed(nil)
        case .int(let i): r.seed(i)
        case .bool(let b): r.seed(b ? 1 : 0)
        case .float: r.seed(try HashKey.pythonHash(v))
        case .str: throw RuntimeError("random.seed() with a str: trick supports int seeds (CPython hashes a str with SHA-512)", kind: "TypeError")
        default: throw RuntimeError("The only supported seed types are: None,\nint, float, str, bytes, and bytearray.", kind: "TypeError")
        }
    }

    /// The module's functions (on its hidden instance) or a `Random` object's methods.
    static func install(on o: BuiltObject, _ r: PyRandomState, _ interp: Interpreter) {
        func index(_ v: Value, _ what: String) throws -> Int {
            switch v {
            case .int(let i): return i
            case .bool(let b): return b ? 1 : 0
            case .float(let d) where d.rounded() == d && Swift.abs(d) < 9e18: return Int(d)
            default: throw RuntimeError("'\(v.typeName)' object cannot be interpreted as an integer", kind: "TypeError")
            }
        }
        func randrange(_ start: Value, _ stop: Value, _ step: Value) throws -> Int {
            let istart = try index(start, "start")
            if stop.isNone {
                guard case .int(1) = step else { throw RuntimeError("Missing a non-None stop argument", kind: "TypeError") }
                if istart > 0 { return r.below(istart) }
                throw RuntimeError("empty range for randrange()", kind: "ValueError")
            }
            let istop = try index(stop, "stop"), istep = try index(step, "step")
            let (width, o) = istop.subtractingReportingOverflow(istart)
            if o { throw RuntimeError("randrange() range does not fit trick's 64-bit int", kind: "OverflowError") }
            if istep == 1 {
                if width > 0 { return istart + r.below(width) }
                throw RuntimeError("empty range for randrange() (\(istart), \(istop), \(width))", kind: "ValueError")
            }
            let n: Int
            func floorDiv(_ x: Int, _ y: Int) -> Int { let q = x / y; return x % y != 0 && (x < 0) != (y < 0) ? q - 1 : q }
            if istep > 0 { n = floorDiv(width + istep - 1, istep) }
            else if istep < 0 { n = floorDiv(width + istep + 1, istep) }
            else { throw RuntimeError("zero step for randrange()", kind: "ValueError") }
            if n <= 0 { throw RuntimeError("empty range for randrange()", kind: "ValueError") }
            return istart + istep * r.below(n)
        }
        func sequence(_ v: Value, _ fn: String) throws -> [Value] {
            switch v {
            case .list(let l): return l.items
            case .tuple(let t): return t
            case .str, .range: return try interp.iterate(v)
            case .set, .dict: throw RuntimeError("Population must be a sequence.  For dicts or sets, use sorted(d).", kind: "TypeError")
            default:
                if let t = Collections.tupleItems(v) { return t }
                if case .object(let ob) = v, ob.special("__len__") != nil, ob.special("__getitem__") != nil { return try interp.iterate(v) }
                throw RuntimeError("Population must be a sequence.  For dicts or sets, use sorted(d).", kind: "TypeError")
            }
        }
        func normal() -> Double {
            let magic = 4 * Glibc.exp(-0.5) / 2.0.squareRoot()
            while true {
                let u1 = r.random(), u2 = 1.0 - r.random()
                let z = magic * (u1 - 0.5) / u2
                if z * z / 4.0 <= -Glibc.log(u2) { return z }
            }
        }

        o.method("seed(a=None, version=2)", doc: "random.seed: the same stream as CPython for an int (or float) seed.") { a in try seed(r, a["a"]); return .none }
        o.method("random()", doc: "random.random: a float in [0, 1), CPython's 53-bit construction.") { _ in .float(r.random()) }
        o.method("getrandbits(k)") { a in
            let k = try a.int("k")
            guard k >= 0 else { throw RuntimeError("number of bits must be non-negative", kind: "ValueError") }
            guard k <= 63 else { throw RuntimeError("getrandbits(\(k)) does not fit trick's 64-bit int", kind: "OverflowError") }
            return .int(Int(r.getrandbits(k)))
        }
        o.method("randrange(start, stop=None, step=1)") { a in .int(try randrange(a["start"], a["stop"], a["step"])) }
        o.method("randint(a, b)", doc: "random.randint: an int in [a, b], both ends included.") { a in
            .int(try randrange(a["a"], .int(try index(a["b"], "b") + 1), .int(1)))
        }
        o.method("uniform(a, b)") { a in
            let x = try a.double("a"), y = try a.double("b")
            return .float(x + (y - x) * r.random())
        }
        o.method("triangular(low=0.0, high=1.0, mode=None)") { a in
            var u = r.random()
            var low = try a.double("low"), high = try a.double("high")
            var c = 0.5
            if a.has("mode") {
                guard high != low else { return .float(low) }
                c = (try a.double("mode") - low) / (high - low)
            }
            if u > c { u = 1.0 - u; c = 1.0 - c; swap(&low, &high) }
            return .float(low + (high - low) * (u * c).squareRoot())
        }
        o.method("choice(seq)", doc: "random.choice: one item, seq[_randbelow(len(seq))].") { a in
            let xs = try sequence(a["seq"], "choice")
            guard !xs.isEmpty else { throw RuntimeError("Cannot choose from an empty sequence", kind: "IndexError") }
            return xs[r.below(xs.count)]
        }
        o.method("shuffle(x)", doc: "random.shuffle: in place, CPython's Fisher-Yates from the end.") { a in
            guard case .list(let l) = a["x"] else { throw RuntimeError("shuffle() needs a list, got \(a["x"].typeName)", kind: "TypeError") }
            var i = l.items.count - 1
            while i >= 1 { l.items.swapAt(i, r.below(i + 1)); i -= 1 }
            return .none
        }
        o.method("sample(population, k, *, counts=None)", doc: "random.sample: k distinct picks, CPython's pool or set algorithm.") { [unowned interp] a in
            let population = try sequence(a["population"], "sample")
            let k = try a.int("k")
            if a.has("counts") {
                var cum: [Int] = []
                for c in try interp.iterate(a["counts"]) { cum.append((cum.last ?? 0) + (try index(c, "counts"))) }
                guard cum.count == population.count else { throw RuntimeError("The number of counts does not match the population", kind: "ValueError") }
                let total = cum.removeLast()
                guard total > 0 else { throw RuntimeError("Total of counts must be greater than zero", kind: "ValueError") }
                return .list(ListRef(try sample(Array(0..<total).map { .int($0) }, k).map { s in
                    guard case .int(let x) = s else { return .none }
                    return population[cum.firstIndex { $0 > x } ?? cum.count]
                }))
            }
            return .list(ListRef(try sample(population, k)))
        }
        func sample(_ population: [Value], _ k: Int) throws -> [Value] {
            let n = population.count
            guard k >= 0 && k <= n else { throw RuntimeError("Sample larger than population or is negative", kind: "ValueError") }
            var result: [Value] = []
            var setsize = 21
            if k > 5 { setsize += Int(Glibc.pow(4, (Glibc.log(Double(k * 3)) / Glibc.log(4)).rounded(.up))) }
            if n <= setsize {
                var pool = population
                for i in 0..<k {
                    let j = r.below(n - i)
                    result.append(pool[j])
                    pool[j] = pool[n - i - 1]
                }
            } else {
                var selected = Set<Int>()
                for _ in 0..<k {
                    var j = r.below(n)
                    while selected.contains(j) { j = r.below(n) }
                    selected.insert(j)
                    result.append(population[j])
                }
            }
            return result
        }
        o.method("choices(population, weights=None, *, cum_weights=None, k=1)", doc: "random.choices: k picks with replacement, optionally weighted.") { [unowned interp] a in
            let population = try sequence(a["population"], "choices")
            let n = population.count, k = try a.int("k")
            if !a.has("cum_weights") && !a.has("weights") {
                guard n > 0 || k == 0 else { throw RuntimeError("Cannot choose from an empty sequence", kind: "IndexError") }
                return .list(ListRef((0..<Swift.max(0, k)).map { _ in population[Int((r.random() * Double(n)).rounded(.down))] }))
            }
            if a.has("cum_weights") && a.has("weights") { throw RuntimeError("Cannot specify both weights and cumulative weights", kind: "TypeError") }
            var cum: [Double] = []
            if a.has("weights") {
                for w in try interp.iterate(a["weights"]) { cum.append((cum.last ?? 0) + (Convert.double(w) ?? .nan)) }
            } else {
                cum = try interp.iterate(a["cum_weights"]).map { Convert.double($0) ?? .nan }
            }
            guard cum.count == n else { throw RuntimeError("The number of weights does not match the population", kind: "ValueError") }
            let total = cum.last ?? 0
            guard total > 0 else { throw RuntimeError("Total of weights must be greater than zero", kind: "ValueError") }
            guard total.isFinite else { throw RuntimeError("Total of weights must be finite", kind: "ValueError") }
            return .list(ListRef((0..<Swift.max(0, k)).map { _ in
                let x = r.random() * total
                var lo = 0, hi = n - 1                      // bisect_right(cum, x, 0, n - 1)
                while lo < hi { let mid = (lo + hi) / 2; if x < cum[mid] { hi = mid } else { lo = mid + 1 } }
                return population[lo]
            }))
        }
        o.method("gauss(mu=0.0, sigma=1.0)", doc: "random.gauss: Box-Muller, the second value kept for the next call (as CPython).") { a in
            let mu = try a.double("mu"), sigma = try a.double("sigma")
            var z = r.gaussNext
            r.gaussNext = nil
            if z == nil {
                let x2pi = r.random() * 2 * Double.pi
                let g2rad = (-2.0 * Glibc.log(1.0 - r.random())).squareRoot()
                z = Glibc.cos(x2pi) * g2rad
                r.gaussNext = Glibc.sin(x2pi) * g2rad
            }
            return .float(mu + z! * sigma)
        }
        o.method("normalvariate(mu=0.0, sigma=1.0)") { a in .float(try a.double("mu") + normal() * (try a.double("sigma"))) }
        o.method("lognormvariate(mu, sigma)") { a in .float(Glibc.exp(try a.double("mu") + normal() * (try a.double("sigma")))) }
        o.method("expovariate(lambd)") { a in .float(-Glibc.log(1.0 - r.random()) / (try a.double("lambd"))) }
        o.method("getstate()") { _ in .tuple([.int(3), .tuple(r.state), r.gaussNext.map { .float($0) } ?? .none]) }
        o.method("setstate(state)") { [unowned interp] a in
            let s = try a.sequence("state")
            guard s.count == 3 else { throw RuntimeError("state must be what getstate() returned", kind: "ValueError") }
            try r.setState(try interp.iterate(s[1]).map { try index($0, "state") })
            r.gaussNext = Convert.double(s[2])
            return .none
        }
    }
}
