/// Python's `itertools` (CPython 3.11): each function returns a lazy iterator (a `PyIterator`)
/// that pulls from its inputs one item at a time, with CPython's argument checks and messages.
/// `count`, `cycle` and `repeat(x)` are infinite: cut them with `islice`, `zip` or `next`
/// (see Iterators.swift for why a `for` loop cannot take them whole). `groupby`'s groups are
/// lists' iterators taken when the key changes, so a group kept for later still has its items
/// (CPython empties it once the outer iterator moves on).
enum Itertools {
    static func register(_ lib: Library, _ interp: Interpreter) {
        let m = Modules.std("itertools", in: lib)
        func it(_ name: String, infinite: Bool = false, _ pull: @escaping () throws -> Value?) -> Value {
            PyIterator.object("itertools.\(name)", infinite: infinite, pull)
        }
        func items(_ name: String, _ xs: [Value]) -> Value { PyIterator.object("itertools.\(name)", PyIterator(items: xs)) }

        m.method("count(start=0, step=1)", doc: "itertools.count: start, start+step, … for ever.") { a in
            var cur = a["start"]
            let step = a["step"]
            guard Convert.double(cur) != nil, Convert.double(step) != nil else { throw RuntimeError("a number is required", kind: "TypeError") }
            return it("count", infinite: true) { defer { cur = (try? Ops.add(cur, step)) ?? cur }; return cur }
        }
        m.method("cycle(iterable)", doc: "itertools.cycle: the items again and again (nothing if there are none).") { [unowned interp] a in
            let src = try PyIterator.of(a["iterable"], interp)
            if src.infinite { return it("cycle", infinite: true) { try src.next() } }
            let saved = try src.rest("cycle")
            var i = 0
            return it("cycle", infinite: !saved.isEmpty) {
                guard !saved.isEmpty else { return nil }
                defer { i = (i + 1) % saved.count }
                return saved[i]
            }
        }
        m.method("repeat(object, times=None)", doc: "itertools.repeat: the object `times` times, or for ever.") { a in
            let v = a["object"]
            guard a.has("times") else { return it("repeat", infinite: true) { v } }
            var left = try a.int("times")
            return it("repeat") { guard left > 0 else { return nil }; left -= 1; return v }
        }
        m.method("accumulate(iterable, func=None, *, initial=None)", doc: "itertools.accumulate: running sums, or running func(total, item).") { [unowned interp] a in
            let src = try PyIterator.of(a["iterable"], interp), f = a["func"]
            var total: Value? = a["initial"].isNone ? nil : a["initial"]
            var first = total != nil
            return it("accumulate", infinite: src.infinite) {
                if first { first = false; return total }
                guard let x = try src.next() else { return nil }
                if let t = total { total = f.isNone ? try Ops.add(t, x) : try interp.call(f, Arguments([t, x])) } else { total = x }
                return total
            }
        }
        func chain(_ sources: [Value], _ interp: Interpreter, infinite: Bool) -> Value {
            var i = 0
            var cur: PyIterator?
            return it("chain", infinite: infinite) {
                while true {
                    if let c = cur, let v = try c.next() { return v }
                    guard i < sources.count else { return nil }
                    cur = try PyIterator.of(sources[i], interp)
                    i += 1
                }
            }
        }
        let chainType = BuiltObject(typeName: "type")
        chainType.repr = { "<class 'itertools.chain'>" }
        chainType.set("__name__", .str("chain"))
        chainType.callable = BuiltinFunction("chain(*iterables)", doc: "itertools.chain: the items of each iterable in turn.") { [unowned interp] a in
            chain(a.varargs, interp, infinite: a.varargs.contains(where: PyIterator.isInfinite))
        }
        chainType.method("from_iterable(iterable)", doc: "chain.from_iterable: chain over the iterables an iterable gives.") { [unowned interp] a in
            chain(try interp.iterate(a["iterable"]), interp, infinite: false)
        }
        m.set("chain", .object(chainType))
        m.method("compress(data, selectors)") { [unowned interp] a in
            let d = try PyIterator.of(a["data"], interp), s = try PyIterator.of(a["selectors"], interp)
            return it("compress") {
                while let x = try d.next(), let k = try s.next() { if try k.truthy() { return x } }
                return nil
            }
        }
        for name in ["dropwhile", "takewhile", "filterfalse"] {
            m.method("\(name)(predicate, iterable)") { [unowned interp] a in
                let src = try PyIterator.of(a["iterable"], interp), p = a["predicate"]
                var dropping = true, stopped = false
                return it(name, infinite: src.infinite && name != "takewhile") {
                    while !stopped, let x = try src.next() {
                        let t = p.isNone ? try x.truthy() : try interp.call(p, Arguments([x])).truthy()
                        switch name {
                        case "dropwhile": if dropping && t { continue }; dropping = false; return x
                        case "takewhile": if t { return x }; stopped = true
                        default: if !t { return x }
                        }
                    }
                    return nil
                }
            }
        }
        m.method("groupby(iterable, key=None)", doc: "itertools.groupby: (key, items) for each run of items with equal keys.") { [unowned interp] a in
            let xs = try PyIterator.of(a["iterable"], interp).rest("groupby"), key = a["key"]
            var groups: [Value] = []
            var curKey: Value?, cur: [Value] = []
            for x in xs {
                let k = key.isNone ? x : try interp.call(key, Arguments([x]))
                if let ck = curKey, try Ops.compare(.eq, ck, k).truthy() { cur.append(x); continue }
                if let ck = curKey { groups.append(.tuple([ck, items("_grouper", cur)])) }
                curKey = k; cur = [x]
            }
            if let ck = curKey { groups.append(.tuple([ck, items("_grouper", cur)])) }
            return items("groupby", groups)
        }
        m.method("islice(iterable, *args)", doc: "itertools.islice(it, stop) / islice(it, start, stop[, step]).") { [unowned interp] a in
            guard (1...3).contains(a.varargs.count) else {
                throw RuntimeError("islice expected at most 4 arguments, got \(a.varargs.count + 1)", kind: "TypeError")
            }
            func index(_ v: Value, _ what: String) throws -> Int? {
                if v.isNone { return nil }
                guard case .int(let i) = v, i >= 0 else {
                    throw RuntimeError(what == "Stop" ? "Stop argument for islice() must be None or an integer: 0 <= x <= sys.maxsize."
                        : "Indices for islice() must be None or an integer: 0 <= x <= sys.maxsize.", kind: "ValueError")
                }
                return i
            }
            var start = 0, stop: Int?, step = 1
            if a.varargs.count == 1 { stop = try index(a.varargs[0], "Stop") } else {
                start = try index(a.varargs[0], "Indices") ?? 0
                stop = try index(a.varargs[1], "Indices")
                if a.varargs.count == 3 {
                    if a.varargs[2].isNone { step = 1 } else {
                        guard case .int(let s) = a.varargs[2], s > 0 else {
                            throw RuntimeError("Step for islice() must be a positive integer or None.", kind: "ValueError")
                        }
                        step = s
                    }
                }
            }
            let src = try PyIterator.of(a["iterable"], interp)
            var pos = 0, next = start
            return it("islice", infinite: stop == nil && src.infinite) {
                if let s = stop, next >= s { return nil }
                while let x = try src.next() {
                    defer { pos += 1 }
                    if pos == next { next += step; return x }
                }
                return nil
            }
        }
        m.method("starmap(function, iterable)") { [unowned interp] a in
            let src = try PyIterator.of(a["iterable"], interp), f = a["function"]
            return it("starmap", infinite: src.infinite) {
                guard let x = try src.next() else { return nil }
                return try interp.call(f, Arguments(try interp.iterate(x)))
            }
        }
        m.method("tee(iterable, n=2)") { [unowned interp] a in
            let n = try a.int("n")
            guard n >= 0 else { throw RuntimeError("n must be >= 0", kind: "ValueError") }
            let xs = try PyIterator.of(a["iterable"], interp).rest("tee")
            return .tuple((0..<n).map { _ in items("_tee", xs) })
        }
        m.method("zip_longest(*iterables, fillvalue=None)", doc: "itertools.zip_longest: tuples until the longest input ends, the others padded with fillvalue.") { [unowned interp] a in
            let srcs = try a.varargs.map { try PyIterator.of($0, interp) }
            var live = Array(repeating: true, count: srcs.count)
            let fill = a["fillvalue"]
            return it("zip_longest", infinite: !srcs.isEmpty && srcs.allSatisfy(\.infinite)) {
                guard !srcs.isEmpty else { return nil }
                var row: [Value] = []
                for (i, s) in srcs.enumerated() {
                    if live[i], let x = try s.next() { row.append(x) } else { live[i] = false; row.append(fill) }
                }
                return live.contains(true) ? .tuple(row) : nil
            }
        }
        m.method("pairwise(iterable)") { [unowned interp] a in
            let src = try PyIterator.of(a["iterable"], interp)
            var prev: Value?
            return it("pairwise", infinite: src.infinite) {
                if prev == nil { prev = try src.next() }
                guard let p = prev, let x = try src.next() else { return nil }
                prev = x
                return .tuple([p, x])
            }
        }
        m.method("product(*iterables, repeat=1)", doc: "itertools.product: the cartesian product, last input varying fastest.") { [unowned interp] a in
            let r = try a.int("repeat")
            guard r >= 0 else { throw RuntimeError("repeat argument cannot be negative", kind: "ValueError") }
            let pools = try Array(repeating: a.varargs.map { try PyIterator.of($0, interp).rest("product") }, count: r).flatMap { $0 }
            var idx = Array(repeating: 0, count: pools.count)
            var done = pools.contains { $0.isEmpty }
            return it("product") {
                if done { return nil }
                let row = Value.tuple(zip(pools, idx).map { $0[$1] })
                var k = pools.count - 1
                while k >= 0 {
                    idx[k] += 1
                    if idx[k] < pools[k].count { break }
                    idx[k] = 0; k -= 1
                }
                if k < 0 { done = true }
                return row
            }
        }
        m.method("permutations(iterable, r=None)", doc: "itertools.permutations: r-length orderings, in CPython's order.") { [unowned interp] a in
            let pool = try PyIterator.of(a["iterable"], interp).rest("permutations"), n = pool.count
            let r = a.has("r") ? try a.int("r") : n
            guard r >= 0 else { throw RuntimeError("r must be non-negative", kind: "ValueError") }
            // CPython's algorithm (the documented pure-Python equivalent), one tuple per pull.
            var indices = Array(0..<n), cycles = Array(stride(from: n, to: n - r, by: -1))
            var first = true, done = r > n
            return it("permutations") {
                if done { return nil }
                if first { first = false; return .tuple(indices.prefix(r).map { pool[$0] }) }
                var i = r - 1
                while i >= 0 {
                    cycles[i] -= 1
                    if cycles[i] == 0 {
                        let x = indices.remove(at: i); indices.append(x)
                        cycles[i] = n - i
                    } else {
                        let j = cycles[i]
                        indices.swapAt(i, n - j)
                        return .tuple(indices.prefix(r).map { pool[$0] })
                    }
                    i -= 1
                }
                done = true
                return nil
            }
        }
        for name in ["combinations", "combinations_with_replacement"] {
            m.method("\(name)(iterable, r)") { [unowned interp] a in
                let pool = try PyIterator.of(a["iterable"], interp).rest(name), n = pool.count
                let r = try a.int("r"), repl = name != "combinations"
                guard r >= 0 else { throw RuntimeError("r must be non-negative", kind: "ValueError") }
                var indices = repl ? Array(repeating: 0, count: r) : Array(0..<r)
                var first = true, done = repl ? (n == 0 && r > 0) : r > n
                return it(name) {
                    if done { return nil }
                    if first { first = false; return .tuple(indices.map { pool[$0] }) }
                    var i = r - 1
                    while i >= 0 && indices[i] == (repl ? n - 1 : i + n - r) { i -= 1 }
                    guard i >= 0 else { done = true; return nil }
                    if repl {
                        let v = indices[i] + 1
                        for j in i..<r { indices[j] = v }
                    } else {
                        indices[i] += 1
                        for j in (i + 1)..<Swift.max(i + 1, r) { indices[j] = indices[j - 1] + 1 }
                    }
                    return .tuple(indices.map { pool[$0] })
                }
            }
        }
    }
}
